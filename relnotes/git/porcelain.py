"""The commands that change history — commit, tag, branch, push — through GitPython.

GitPython is relnotes' git library for what writes history (``release``, ``tag``,
``cut``, ``patch``, ``rc``, ``stamp --commit``), and it is imported here only, on the
first such command: its import costs ~60 ms and 8 MB, more than towncrier's whole
``check``, so the reading commands (``check``, ``build``, ``when``, ``backports``,
``archive --check``, ``history``, ``show``) run their plumbing through
:mod:`relnotes.git.process` and never load it.  The argv reaching GitPython is the one
:meth:`relnotes.git.repo.Repo.run` assembled and checked, as for every git command.
"""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path
from typing import Any

from relnotes.errors import GitError, StateError
from relnotes.git.process import not_installed


def gitpython() -> Any:
    """The ``git`` module, or StateError saying what to install.

    ``GIT_PYTHON_REFRESH=quiet`` lets the import succeed without a git executable, so
    the first command fails with relnotes' own message instead of GitPython's.
    """
    if "git" in sys.modules:
        return sys.modules["git"]
    os.environ.setdefault("GIT_PYTHON_REFRESH", "quiet")
    # Importing GitPython creates over ten thousand tracked objects that live until the
    # process ends; as at start-up (relnotes/__main__.py), the collector is paused while
    # they are made and they are frozen out of later collections, once per process.
    collecting = gc.isenabled()
    gc.disable()
    try:
        import git
    except ImportError as e:
        if getattr(e, "name", None) in ("git", "gitdb", "smmap"):
            raise StateError("GitPython is not installed",
                             hint="install relnotes with its dependencies, or: pip install 'GitPython>=3.1,<4'") from None
        raise StateError(f"git could not be used: {e}", hint="install git and run again") from None
    finally:
        if collecting:
            gc.freeze()
            gc.enable()
    return git


def execute(root: Path, command: str, argv: list[str], stdin: bytes | None) -> tuple[int, bytes, bytes | str]:
    """``git COMMAND ARGV`` in the work tree ``root`` through GitPython → (status, stdout, stderr)."""
    git = gitpython()
    cmd = git.Git(root)
    cmd.update_environment(GIT_LITERAL_PATHSPECS="1")  # as every plumbing command (relnotes.git.process)
    istream = None
    if stdin is not None:  # GitPython hands git a file, not a pipe to write into
        import tempfile

        istream = tempfile.TemporaryFile()
        istream.write(stdin)
        istream.seek(0)
    try:
        return getattr(cmd, command.replace("-", "_"))(
            *argv, istream=istream, with_extended_output=True, with_exceptions=False,
            stdout_as_string=False, strip_newline_in_stdout=False)
    except git.GitCommandNotFound:
        raise not_installed() from None
    except (git.GitError, git.BadName) as e:
        raise GitError(f"git failed: {e}", hint="check that the revision exists here ('git fetch' it first)") from None
    finally:
        if istream is not None:
            istream.close()
