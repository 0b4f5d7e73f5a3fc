"""Starting git for plumbing: the one process runner, and finding the repository.

Every question relnotes asks git (``diff``, ``log``, ``for-each-ref``, ``ls-files``,
``update-index``, ``cat-file --batch`` …) starts here, with ``subprocess`` — not
GitPython, whose import alone (~60 ms, +8 MB) costs more than towncrier's whole
``check``.  GitPython stays for the commands that change history (commit, tag,
branch, push: :mod:`relnotes.git.porcelain`).

The argv is assembled and checked in one place, :meth:`relnotes.git.repo.Repo.run`;
this module only runs it, with pathspec magic off (``GIT_LITERAL_PATHSPECS=1``) and
git's messages in English (``LANGUAGE=C``, ``LC_ALL=C``, as GitPython sets them), so
they can be matched and quoted.  A missing git executable is StateError "git is not
installed".

:func:`discover` asks git itself where the repository is — one ``rev-parse`` from the
start directory — so ``GIT_DIR``, ``GIT_WORK_TREE``, ``GIT_CEILING_DIRECTORIES``,
``safe.directory``, worktrees and ``.git`` files mean what they mean to git; the same
call answers whether the clone is shallow and HEAD's commit.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import NamedTuple

from relnotes.errors import StateError

_ENV = {"GIT_LITERAL_PATHSPECS": "1", "LANGUAGE": "C", "LC_ALL": "C"}
_NOT_A_REPOSITORY = ("not a git repository", "must be run in a work tree")


def environment() -> dict[str, str]:
    """The environment every git process runs with: the caller's, plus :data:`_ENV`."""
    return {**os.environ, **_ENV}


def not_installed() -> StateError:
    return StateError("git is not installed (or not on PATH)", hint="install git and run again")


def run(cwd: Path, argv: list[str], stdin: bytes | None = None) -> tuple[int, bytes, bytes]:
    """``git ARGV`` in ``cwd`` → (status, stdout, stderr); ``stdin`` through a pipe."""
    try:
        done = subprocess.run(["git", *argv], cwd=cwd, env=environment(), input=stdin,
                              stdin=subprocess.DEVNULL if stdin is None else None, capture_output=True,
                              check=False)
    except FileNotFoundError:
        raise not_installed() from None
    except OSError as e:  # not executable, out of processes, ...
        raise StateError(f"git could not be started: {e}", hint="install git and run again") from None
    return done.returncode, done.stdout, done.stderr


def start(cwd: Path, argv: list[str]) -> subprocess.Popen[bytes]:
    """``git ARGV`` in ``cwd`` left running, its stdin, stdout and stderr pipes (``cat-file --batch``)."""
    try:
        return subprocess.Popen(["git", *argv], cwd=cwd, env=environment(), stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except FileNotFoundError:
        raise not_installed() from None
    except OSError as e:
        raise StateError(f"git could not be started: {e}", hint="install git and run again") from None


class Found(NamedTuple):
    root: Path  # the work tree
    git_dir: Path  # absolute: .git, or a worktree's own
    common_dir: Path  # absolute: where refs, objects and `shallow` live (= git_dir outside a worktree)
    shallow: bool
    head: str | None  # HEAD's commit, None before the first one


def discover(root: Path) -> Found:
    """The repository whose work tree holds ``root``, as git finds it (one ``rev-parse``).

    StateError when ``root`` is not a directory, is not inside a work tree (a bare
    repository has none), or git refuses it (``safe.directory``: git's own message).
    """
    if not Path(root).is_dir():
        raise StateError(f"{root} is not a directory")
    start_dir = Path(os.path.normpath(os.path.abspath(root)))
    # git prints one path a line: a path holding a line break (a checkout under "a\nb/")
    # is asked for relative to where git runs, which names only the directories between
    # the start and the repository (git's own, symbolic links resolved: hence realpath)
    base = os.path.realpath(start_dir) if "\n" in os.fsdecode(start_dir) else None
    paths = ["--path-format=relative", "--show-toplevel", "--git-dir"] if base else \
        ["--show-toplevel", "--absolute-git-dir"]
    # `--verify -q HEAD` last: without a commit it prints nothing and exits 1, after the
    # four answers before it
    status, out, err = run(start_dir, ["rev-parse", *paths, "--git-common-dir",
                                       "--is-shallow-repository", "--verify", "-q", "HEAD"])
    lines = [os.fsdecode(line) for line in out.split(b"\n")[:-1]] if out.endswith(b"\n") else []
    message = err.decode("utf-8", errors="replace").strip()
    if status not in (0, 1) or len(lines) != 4 + (status == 0) or lines[3] not in ("true", "false"):
        if status == 128 and any(s in message for s in _NOT_A_REPOSITORY):
            raise StateError(f"{root} is not inside a git repository",
                             hint="run relnotes from a git checkout (git init / git clone)")
        raise StateError(f"git cannot use {root}: {message or f'git rev-parse exited with {status}'}",
                         hint="run relnotes from a git checkout that git itself accepts here")
    top, git_dir, common, shallow = lines[:4]
    if base:
        top, git_dir, common = (os.path.normpath(os.path.join(base, p)) for p in (top, git_dir, common))
    return Found(Path(top), Path(git_dir), Path(os.path.normpath(start_dir / common)), shallow == "true",
                 lines[4] if status == 0 else None)
