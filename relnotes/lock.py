"""One changing relnotes at a time per repository: the lock every mutating command holds.

Why: ``build`` reads the notes and the fragments, writes the notes, then deletes the
fragments it rendered.  Two builds interleaved (or a ``new`` between the read and the
delete) can overwrite each other's notes and delete a fragment that no notes file
includes any more.  Serialising the commands that change files removes every such
interleaving at once, instead of reasoning about each pair of commands.

The lock is ``flock`` (``msvcrt.locking`` on Windows) on ``relnotes/lock`` in the git
directory — never a file in the working tree, and per worktree, like git's own
``index.lock``.  The kernel releases it when its process ends, however it ends
(SIGKILL, a closed terminal, a cancelled CI job), so a stale lock cannot block anyone:
a lock file left behind by a dead process is just a file whose PID nobody holds.  The
file holds the holder's PID, host, command and start time, so a process that has to
wait can say who it is waiting for; it is deleted when the lock is released.  Without a
git directory the lock is ``.relnotes.lock`` in the repository root.

Waiting: a second command waits up to ``RELNOTES_LOCK_WAIT`` seconds (default 10) for
the lock, then fails with :class:`~relnotes.errors.LockedError` (exit 2) naming the
holder.  Nested use in one process (``release`` runs ``build`` and ``stamp``) is
re-entrant.

Taking the lock first finishes (or undoes) what an interrupted command left half made
(:func:`relnotes.transaction.recover`), so every command starts from a whole state.
"""

from __future__ import annotations

import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from relnotes import transaction
from relnotes.cache import git_dir
from relnotes.errors import FileSystemError, LockedError

if TYPE_CHECKING:
    from collections.abc import Iterator

DEFAULT_WAIT = 10.0
_POLL = 0.05
_held: dict[str, int] = {}  # lock path -> nesting depth in this process


def lock_path(root: Path) -> Path:
    """Where the lock for the repository at ``root`` lives."""
    gd = git_dir(Path(root))
    return gd / "relnotes" / "lock" if gd is not None else Path(root) / ".relnotes.lock"


def _wait_seconds() -> float:
    try:
        return max(0.0, float(os.environ.get("RELNOTES_LOCK_WAIT", DEFAULT_WAIT)))
    except ValueError:
        return DEFAULT_WAIT


def _try_lock(fd: int) -> bool:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        if sys.platform != "win32":
            raise
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False


def _holder(path: Path) -> str:
    """'build (PID 123 on host, since 2026-11-30 12:00:01 UTC)', from the lock file."""
    try:
        fields = dict(line.split("=", 1) for line in path.read_text(encoding="utf-8").splitlines() if "=" in line)
    except (OSError, UnicodeDecodeError):
        fields = {}
    if "pid" not in fields:
        return "another relnotes process"
    return (f"relnotes {fields.get('command', '?')} (PID {fields['pid']} on {fields.get('host', '?')}, "
            f"since {fields.get('since', '?')})")


@contextmanager
def held(root: Path, command: str = "?") -> Iterator[Path]:
    """Hold the repository lock for the ``with`` block; LockedError when it stays taken."""
    path = lock_path(root)
    key = str(path)
    if _held.get(key):
        _held[key] += 1
        try:
            yield path
        finally:
            _held[key] -= 1
        return
    fd = _acquire(path)
    try:
        from datetime import datetime, timezone

        host = os.uname().nodename if hasattr(os, "uname") else os.environ.get("COMPUTERNAME", "?")
        since = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
        info = f"pid={os.getpid()}\nhost={host}\ncommand={command}\nsince={since}\n"
        os.write(fd, info.encode("utf-8"))
        _held[key] = 1
        try:
            transaction.recover(root)  # an interrupted command's change: undone or finished, first
            yield path
        finally:
            _held.pop(key, None)
            try:
                path.unlink(missing_ok=True)  # still locked: a waiter then finds its inode orphaned
            except OSError:  # pragma: no cover - Windows cannot delete an open file; it stays, empty
                os.ftruncate(fd, 0)
    finally:
        os.close(fd)  # closing releases the lock


def _acquire(path: Path) -> int:
    """An open, locked, empty lock file at ``path``: waits, then LockedError.

    The holder unlinks the file before it unlocks, so a waiter that wins the lock
    checks that its file is still the one at ``path``; if not, it starts over on the
    new file (otherwise two processes could hold locks on two different files).
    """
    deadline = time.monotonic() + _wait_seconds()
    while True:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as e:
            raise FileSystemError.from_os(path, "create the lock file", e) from None
        try:
            while not _try_lock(fd):
                if time.monotonic() >= deadline:
                    raise LockedError(
                        f"{_holder(path)} is changing this repository (lock {path})",
                        hint="wait for it to finish and rerun; the lock is released when that process "
                             "exits, so a crashed relnotes never leaves it behind")
                time.sleep(_POLL)
            try:
                same = os.stat(path).st_ino == os.fstat(fd).st_ino
            except FileNotFoundError:
                same = False
            if same:
                os.ftruncate(fd, 0)  # a dead holder's details are not ours
                return fd
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)
