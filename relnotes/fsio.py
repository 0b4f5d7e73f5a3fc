"""File writes that are atomic and never leave the repository.

Every write goes to a temporary file in the same directory, is flushed and fsynced,
then ``os.replace``-d over the target: a reader (or a crash, or a full disk) sees the
old file or the new one, never half of one.  Every OS failure (a directory where a
file should be, no permission, no space) becomes a
:class:`~relnotes.errors.FileSystemError` naming the path (exit 2).  Paths are checked against the repository root first, so
a configuration or a symlink cannot make relnotes write outside it.
"""

from __future__ import annotations

import os
from pathlib import Path

from relnotes.errors import ConfigError, ContentError, FileSystemError


def shown(root: Path, p: Path) -> str:
    """``p`` as messages show it: relative to the repository root when inside it."""
    try:
        return Path(p).relative_to(root).as_posix()
    except ValueError:
        return str(p)


def inside(root: Path, p: Path) -> Path:
    """``p`` resolved, or ConfigError when it resolves outside ``root`` (symlinks, ``..``)."""
    resolved = p.resolve()
    try:
        resolved.relative_to(root.resolve())
    except ValueError:
        raise ConfigError(f"{p} resolves outside the repository ({root})",
                          hint="relnotes only reads and writes files inside the repository") from None
    return resolved


def read_text(root: Path, p: Path, *, what: str = "file") -> str:
    inside(root, p)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise ContentError(f"{shown(root, p)}: no such {what}",
                           hint="run 'relnotes init' to create it, or set notes_file in relnotes.yaml") from None
    except OSError as e:
        raise FileSystemError.from_os(shown(root, p), f"read the {what}", e) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise ContentError(f"{p}:{line}: not UTF-8 (offset {e.start})", hint="save it as UTF-8") from None


def write_text(root: Path, p: Path, text: str) -> None:
    """Atomically replace ``p`` with ``text`` (UTF-8, newlines as given)."""
    import tempfile

    target = inside(root, p)
    if target.is_dir():
        raise FileSystemError(f"{shown(root, p)}: cannot write: is a directory",
                              hint="move the directory away, or point relnotes.yaml at a file")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as e:
        raise FileSystemError.from_os(shown(root, p), "write", e) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        try:
            os.chmod(tmp, target.stat().st_mode & 0o777)
        except FileNotFoundError:
            os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException as e:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        if isinstance(e, OSError):
            raise FileSystemError.from_os(shown(root, p), "write", e) from None
        raise


def create_exclusive(root: Path, p: Path, text: str) -> bool:
    """Create ``p`` only if it does not exist (O_EXCL); False when it already does."""
    inside(root, p.parent)
    try:
        fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        return False
    except OSError as e:
        raise FileSystemError.from_os(shown(root, p), "create", e) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
    except OSError as e:  # a full disk: no half fragment is left behind
        p.unlink(missing_ok=True)
        raise FileSystemError.from_os(shown(root, p), "write", e) from None
    return True
