"""Every file relnotes reads or writes in a repository, confined to that repository.

Fragments, ``relnotes.yaml``, templates and towncrier configurations arrive in pull
requests from strangers, so a path that *they* choose — through a configuration key,
a symbolic link, an ``{% include %}`` or a towncrier ``directory`` — must never lead
relnotes to read or write anywhere else.  The rule lives here and only here
(:func:`inside`): a path is used only when its real path (every symlink followed)
lies inside the repository root and not inside a ``.git`` directory, where git keeps
credentials (``actions/checkout`` stores its token in ``.git/config``) and hooks.
Symlinks that stay inside are fine.  Anything else is a ConfigError (exit 2) naming
the path and where it leads.

relnotes' own state in the git directory (the parse and config caches, the cut
record, the lock) is written by relnotes alone and is not reached through a
repository path.  The one read outside the repository is the CI event file named by
the environment (:func:`read_environment_file`), which no pull request can choose.

Every write goes to a temporary file in the same directory, is flushed and fsynced,
then ``os.replace``-d over the target: a reader (or a crash, or a full disk) sees the
old file or the new one, never half of one.  Every OS failure (a directory where a
file should be, no permission, no space) becomes a
:class:`~relnotes.errors.FileSystemError` naming the path (exit 2).
"""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

from relnotes.errors import ConfigError, ContentError, FileSystemError


def shown(root: Path, p: Path) -> str:
    """``p`` as messages show it: relative to the repository root when inside it."""
    try:
        return Path(p).relative_to(root).as_posix()
    except ValueError:
        return str(p)


GIT_DIR_NAME = ".git"


def _shown(root: Path, p: Path) -> str:
    """``p`` as confinement messages show it: relative to the root when it is below it
    (lexically, before any symlink is followed)."""
    try:
        return Path(os.path.abspath(p)).relative_to(os.path.abspath(root)).as_posix()
    except ValueError:
        return str(p)


def escape_problem(root: Path, p: Path) -> str | None:
    """Why ``p`` may not be used (it leads outside ``root`` or into ``.git``), or None."""
    real_root = root.resolve()
    try:
        resolved = p.resolve()
    except (RuntimeError, OSError):  # Python 3.11 raises RuntimeError for a symlink loop
        return "is a loop of symbolic links"
    try:
        rel = resolved.relative_to(real_root)
    except ValueError:
        return f"resolves outside the repository ({real_root}): it leads to {resolved}"
    if any(part.casefold() == GIT_DIR_NAME for part in rel.parts):
        return f"resolves inside the git directory: it leads to {resolved}"
    return None


def inside(root: Path, p: Path, *, what: str = "path") -> Path:
    """``p`` resolved, or ConfigError when it leads outside ``root`` or into ``.git``.

    The one confinement check: every read, write, listing and removal of a
    repository path goes through it.
    """
    problem = escape_problem(root, p)
    if problem:
        raise ConfigError(f"{_shown(root, p)}: {what} {problem}",
                          hint="relnotes only reads and writes files inside the repository and outside .git; "
                               "replace the symbolic link or the configured path")
    return p.resolve()


def relative_path_problem(value: str) -> str | None:
    """Why a configured path (``notes_file: …``) cannot name a file in the repository,
    judged on its text alone; :func:`inside` judges where it really leads."""
    p = PurePosixPath(value.replace("\\", "/"))
    if p.is_absolute() or ".." in p.parts or (len(value) > 1 and value[1] == ":"):
        return "points outside the repository"
    if any(part.casefold() == GIT_DIR_NAME for part in p.parts):
        return "points into the git directory"
    return None


def read_bytes(root: Path, p: Path, *, what: str = "file", limit: int | None = None) -> bytes:
    """The bytes of a file inside the repository; ContentError when missing or too large."""
    real = inside(root, p, what=what)
    try:
        if limit is not None and real.stat().st_size > limit:
            raise ContentError(f"{_shown(root, p)}: {what} is larger than {limit} bytes")
        return real.read_bytes()
    except FileNotFoundError:
        raise ContentError(f"{_shown(root, p)}: no such {what}") from None
    except OSError as e:
        raise FileSystemError.from_os(_shown(root, p), f"read the {what}", e) from None


def list_dir(root: Path, d: Path, *, what: str = "directory") -> list[os.DirEntry[str]]:
    """The entries of a directory inside the repository, sorted by name; [] when it does
    not exist.  The directory itself is confined; an entry that is a symbolic link must
    be checked with :func:`inside` (or :func:`escape_problem`) before it is followed."""
    inside(root, d, what=what)
    try:
        with os.scandir(d) as it:
            return sorted(it, key=lambda e: e.name)
    except (FileNotFoundError, NotADirectoryError):
        return []
    except OSError as e:
        raise FileSystemError.from_os(_shown(root, d), f"list the {what}", e) from None


def make_dir(root: Path, d: Path, *, what: str = "directory") -> None:
    """Create a directory (and its parents) inside the repository."""
    inside(root, d, what=what)
    try:
        d.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise FileSystemError.from_os(_shown(root, d), f"create the {what}", e) from None


def remove_all(root: Path, paths: list[Path]) -> None:
    """Remove files (a symbolic link itself, never its target) inside the repository;
    each distinct directory is checked once, all before anything is removed."""
    for d in {p.parent for p in paths}:
        inside(root, d, what="directory")
    for p in paths:
        try:
            p.unlink()
        except FileNotFoundError:
            pass
        except OSError as e:
            raise FileSystemError.from_os(_shown(root, p), "remove", e) from None


def read_environment_file(path: str, *, limit: int = 16 * 1024 * 1024) -> bytes | None:
    """A file the *environment* names (``GITHUB_EVENT_PATH``, set by the CI runner, which
    no pull request can choose): the only read outside the repository.  None when it is
    missing, unreadable or larger than ``limit``."""
    try:
        with open(path, "rb") as f:
            data = f.read(limit + 1)
    except OSError:
        return None
    return data if len(data) <= limit else None


def read_text(root: Path, p: Path, *, what: str = "file") -> str:
    inside(root, p, what=what)
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


TEMP_SUFFIX = ".relnotes-tmp"


def temp_path(target: Path) -> Path:
    """Where relnotes stages ``target``'s new content: ``.NAME.relnotes-tmp`` beside it (one
    fixed name, so a leftover of a killed run is recognised, replaced by the next write
    and skipped by ``git status`` readers and the fragment listing: :func:`is_temp`)."""
    return target.with_name(f".{target.name}{TEMP_SUFFIX}")


def is_temp(name: str) -> bool:
    """Whether a file name is one of relnotes' staging files (:func:`temp_path`)."""
    base = name.rsplit("/", 1)[-1]
    return base.startswith(".") and base.endswith(TEMP_SUFFIX)


def stage_temp(target: Path, text: str) -> Path:
    """``text`` written, flushed and fsynced to ``target``'s staging file, with ``target``'s
    permissions.  A file or symbolic link already there (a killed run's, or one a pull
    request planted) is removed first and never followed (``O_EXCL | O_NOFOLLOW``)."""
    tmp = temp_path(target)
    try:
        mode = target.stat().st_mode & 0o777
    except FileNotFoundError:
        mode = 0o644
    try:
        tmp.unlink()
    except FileNotFoundError:
        pass
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), mode)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)  # the umask narrowed what os.open gave
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def writable_target(root: Path, p: Path) -> Path:
    """``p`` resolved and confined (:func:`inside`); FileSystemError when it is a directory."""
    target = inside(root, p, what="file")
    if target.is_dir():
        raise FileSystemError(f"{shown(root, p)}: cannot write: is a directory",
                              hint="move the directory away, or point relnotes.yaml at a file")
    return target


def write_text(root: Path, p: Path, text: str) -> None:
    """Atomically replace ``p`` with ``text`` (UTF-8, newlines as given)."""
    target = writable_target(root, p)
    tmp = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = stage_temp(target, text)
        os.replace(tmp, target)
    except BaseException as e:
        if tmp is not None:
            tmp.unlink(missing_ok=True)
        if isinstance(e, OSError):
            raise FileSystemError.from_os(shown(root, p), "write", e) from None
        raise


def create_exclusive(root: Path, p: Path, text: str) -> bool:
    """Create ``p`` only if it does not exist (O_EXCL); False when it already does."""
    inside(root, p.parent, what="directory")
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
