"""``hooks.bump``: the project's own tool after the version files moved (``cargo update``).

cut, rc, release and patch run each configured command once their files are written and
before their commit; check, build and show never do, and neither does ``--dry-run``.
The configuration is the maintainers' (relnotes.yaml as committed in the checkout a
maintainer runs a release from): ``check --base`` reads a pull request's configuration
but runs no command, so a pull request cannot make relnotes run one.

Each command is an argument list run without a shell in the repository root, with
``RELNOTES_OLD_VERSION`` and ``RELNOTES_NEW_VERSION`` in its environment, its input
closed, and ``hooks.timeout`` seconds to finish (then its whole process group is
killed).  The files it changes (git's view: changed or new, inside the work tree) join
the release commit.  A command that fails, times out or cannot start is a StateError
naming the command, its exit status and the tail of its error output; the files it had
changed are restored from HEAD (new files it made are named, not deleted) and nothing
is committed.
"""

from __future__ import annotations

import hashlib
import os
import signal
from collections.abc import Sequence

from relnotes.config.load import Config
from relnotes.errors import StateError
from relnotes.flows import steps, versionfiles
from relnotes.fsio import is_temp

TAIL_LINES = 20
TAIL_CHARS = 2000


def _digest(cfg: Config, path: str) -> str | None:
    p = cfg.root / path
    try:
        return hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() and not p.is_symlink() else None
    except OSError:
        return None


def _tail(data: bytes) -> str:
    text = data.decode("utf-8", "replace").rstrip()
    lines = text.splitlines()[-TAIL_LINES:]
    return "\n".join(lines)[-TAIL_CHARS:]


def _shown(argv: Sequence[str]) -> str:
    import shlex

    return shlex.join(argv)[:300]


def run_bump(cfg: Config, repo, old: str, new: str, *, command: str) -> list[str]:
    """Run every ``hooks.bump`` command; the paths they changed, sorted ([] without hooks).

    ``repo``: the repository (its status tells which files a command changed)."""
    if not cfg.hooks.bump:
        return []
    import subprocess

    dirty = set(repo.dirty_paths())
    sums = {p: _digest(cfg, p) for p in dirty}
    env = dict(os.environ, RELNOTES_OLD_VERSION=old, RELNOTES_NEW_VERSION=new, RELNOTES_COMMAND=command)
    for n, argv in enumerate(cfg.hooks.bump):
        where = f"hooks.bump[{n}] ({_shown(argv)})"
        problem = None
        try:
            proc = subprocess.Popen(list(argv), cwd=cfg.root, env=env, stdin=subprocess.DEVNULL,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
        except OSError as e:
            problem, out, err = f"could not start: {e.strerror or e}", b"", b""
        else:
            try:
                out, err = proc.communicate(timeout=cfg.hooks.timeout)
                if proc.returncode != 0:
                    problem = f"exited with status {proc.returncode}"
            except subprocess.TimeoutExpired:
                _kill(proc)
                out, err = proc.communicate()
                problem = f"did not finish within hooks.timeout ({cfg.hooks.timeout} s) and was stopped"
        if problem is not None:
            made = _undo(repo, dirty)
            tail = _tail(err) or _tail(out)
            raise StateError(
                f"{cfg.path.name if cfg.path else 'relnotes.yaml'}: {where} {problem}; nothing was committed"
                + (f"\n{tail}" if tail else ""),
                hint="the files this command changed are restored; "
                     + (f"it also made {', '.join(made[:5])} (left in place); " if made else "")
                     + f"fix the command (it runs in {cfg.root} with RELNOTES_OLD_VERSION={old} and "
                       f"RELNOTES_NEW_VERSION={new}), then rerun 'relnotes {command}'")
    after = set(repo.dirty_paths())
    return sorted(p for p in after if not is_temp(p) and (p not in dirty or _digest(cfg, p) != sums.get(p)))


def _kill(proc) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):  # pragma: no cover - it ended meanwhile
        proc.kill()


def _undo(repo, dirty: set[str]) -> list[str]:
    """Restore from HEAD the tracked files a failed command changed that were clean before it;
    the new files it made (named, not deleted)."""
    changed = [p for p in repo.dirty_paths() if p not in dirty]
    tracked = [p for p in changed if repo.show_file("HEAD", p) is not None]
    repo.restore(tracked)
    return sorted(set(changed) - set(tracked))


def files_version(cfg: Config, fallback) -> str:
    """The version the version files are at (for the commands' environment), else ``fallback``."""
    v = versionfiles.current(cfg) if cfg.version_files else None
    return str(v if v is not None else fallback)


def run_or_undo(cfg: Config, repo, old: str, new: str, changes: dict[str, tuple[str, str]], *,
                command: str) -> list[str]:
    """:func:`run_bump`; when a command fails, the command's own ``changes`` are written back
    as they were (one all-or-nothing step) before the error, so a rerun starts afresh."""
    try:
        return run_in(cfg, repo, old, new, command=command)
    except StateError:
        steps.undo(cfg, changes, command=command)
        raise


def run_in(cfg: Config, repo, old: str, new: str, *, command: str) -> list[str]:
    """:func:`run_bump` in ``repo``, or in the repository at the root when the command opened
    none (it was not asked to commit); [] without hooks."""
    if not cfg.hooks.bump:
        return []
    if repo is not None:
        return run_bump(cfg, repo, old, new, command=command)
    with steps.open_repo(cfg) as opened:
        return run_bump(cfg, opened, old, new, command=command)
