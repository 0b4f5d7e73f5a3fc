"""Every file a command changes, written or removed all together or not at all — even
across a SIGKILL, a full disk or a power cut.

``cut``, ``release``, ``patch``, ``stamp``, ``build`` and ``rc`` compute every file's new
content first, then hand the whole change to :func:`apply`:

1. the journal (``relnotes/transaction`` in the git directory, ``.relnotes-transaction``
   outside git) records each target, the hash of its content before and after, and each
   file to remove — every path relative to the repository root — and is fsynced;
2. each new content is staged in the target's staging file (``fsio.temp_path``) and fsynced;
3. a ``commit`` line is appended to the journal and fsynced: from here on the change
   happens, whatever stops this process;
4. each staging file is renamed over its target, each removed file is unlinked, and the
   journal is deleted.

The next command that takes the repository lock calls :func:`recover` first: a journal
without its ``commit`` line is undone (the staging files are deleted; no target was
touched), one with it is finished (the remaining renames and removals).  A target that
holds neither its before nor its after content (someone edited it since) stops the
recovery with a message naming it, before anything is changed.  So an interrupted
command's rerun finds either nothing done or everything done, never half of it.

The journal is a file on disk that outlives the process, so recovery trusts none of it:
the repository may have been copied or moved since (``cp -a``, a CI cache restore), or
the file edited.  Its paths are resolved against the root of the repository recovering
now and confined as every write is (:func:`relnotes.fsio.inside`); an entry that is
absolute, leads out (``..``, a symbolic link) or into ``.git``, or is malformed stops
the recovery (StateError, exit 2) naming the journal and the entry, before anything is
changed.  A journal of an older relnotes (version 1, absolute paths) is recovered only
when its paths lie inside this repository.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from relnotes import fsio
from relnotes.cache import git_dir
from relnotes.errors import FileSystemError, RelnotesError, StateError, quoted, shown_name
from relnotes.patterns import lazy

COMMIT_LINE = "commit\n"
JOURNAL_VERSION = 2  # 2: paths relative to the root; 1 (no "version" key): absolute paths
_DIGEST = lazy(r"[0-9a-f]{64}")


def journal_path(root: Path) -> Path:
    """Where the journal of the repository at ``root`` lives (beside the lock)."""
    gd = git_dir(Path(root))
    return gd / "relnotes" / "transaction" if gd is not None else Path(root) / ".relnotes-transaction"


def _digest(text: str | None) -> str | None:
    import hashlib  # stdlib, 2.4 ms to import: only a command that writes pays for it

    return None if text is None else hashlib.sha256(text.encode("utf-8")).hexdigest()


def _file_digest(p: Path) -> str | None:
    """The file's SHA-256, or None when it is gone.

    Read with ``os.read`` into one ``sha256``: ``hashlib.file_digest`` zeroes a 256 KiB
    buffer per call, which for 10,000 removed fragments was 2.6 G instructions of
    ``memset`` — a third of ``build``'s."""
    import hashlib  # see _digest

    try:
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        return None
    except OSError as e:
        raise FileSystemError.from_os(str(p), "read", e) from None
    try:
        digest = hashlib.sha256()
        while chunk := os.read(fd, _DIGEST_CHUNK):
            digest.update(chunk)
    except OSError as e:
        raise FileSystemError.from_os(str(p), "read", e) from None
    finally:
        os.close(fd)
    return digest.hexdigest()


_DIGEST_CHUNK = 64 * 1024


def _write_journal(path: Path, plan: dict) -> None:
    import json  # stdlib, 1.5 ms to import: only a command that writes (or recovers) pays for it

    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(json.dumps(plan, ensure_ascii=True) + "\n")
        f.flush()
        os.fsync(f.fileno())


def _mark_committed(path: Path) -> None:
    with open(path, "a", encoding="utf-8") as f:
        f.write(COMMIT_LINE)
        f.flush()
        os.fsync(f.fileno())


def apply(root: Path, writes: dict[Path, tuple[str | None, str]], removes: Sequence[Path] = (),
          *, command: str = "relnotes", digests: Sequence[str] = ()) -> None:
    """Write every ``{path: (before, after)}`` and remove every path of ``removes``, or none.

    Every path is confined (:func:`relnotes.fsio.inside`) before anything happens.  A
    failure before the commit point undoes the staging and raises; after it, a failed
    rename puts back the targets already renamed.  Right after the renames each target is
    read again: one that another program rewrote meanwhile stops the command before any
    file is removed (StateError).  ``digests[i]``: the SHA-256 of ``removes[i]``'s bytes
    as the command read them (:func:`relnotes.fragments.fragment.load_all`), journaled
    instead of reading the file again; a path without one ("" or none given) is read here.
    """
    targets = {fsio.writable_target(root, p): (p, before, after)
               for p, (before, after) in writes.items() if before != after}
    # each removed path's directory as text: one pathlib object (and confinement check)
    # per directory, not per fragment (Python 3.11's pathlib raises and catches an
    # exception the first time each new path object is hashed)
    folders = [os.path.dirname(p) for p in removes]
    parents = {d: fsio.inside(root, Path(d), what="directory")  # never remove through a link that leads out
               for d in set(folders)}
    if not targets and not removes:
        return
    journal = journal_path(root)
    real_root = Path(root).resolve()
    relative = {d: real.relative_to(real_root).as_posix() + "/" for d, real in parents.items()}
    relative = {d: "" if rel == "./" else rel for d, rel in relative.items()}
    known = list(digests) + [""] * (len(removes) - len(digests))
    plan = {"version": JOURNAL_VERSION, "command": command,
            "writes": [[t.relative_to(real_root).as_posix(), _digest(before), _digest(after)]
                       for t, (_, before, after) in targets.items()],
            "removes": [[relative[d] + os.path.basename(p), digest or _file_digest(p)]
                        for p, d, digest in zip(removes, folders, known)]}
    staged: list[Path] = []
    try:
        _write_journal(journal, plan)
        for t, (p, _, after) in targets.items():
            try:
                t.parent.mkdir(parents=True, exist_ok=True)
                staged.append(fsio.stage_temp(t, after))
            except OSError as e:
                raise FileSystemError.from_os(fsio.shown(root, p), "write", e) from None
        _refuse_edited(root, removes, known)
        _mark_committed(journal)
    except BaseException as e:
        for tmp in staged:
            tmp.unlink(missing_ok=True)
        journal.unlink(missing_ok=True)
        if isinstance(e, OSError):
            raise FileSystemError.from_os(str(journal), "write the transaction journal", e) from None
        raise
    _finish(root, targets, removes, journal)


def _refuse_edited(root: Path, removes: Sequence[Path], known: list[str]) -> None:
    """StateError (before the commit point: nothing is written) when a fragment whose digest
    was taken as the command read it holds other bytes now, or is gone: its entry in the
    staged notes is what it said then, and removing it would lose the edit silently."""
    edited = [p for p, digest in zip(removes, known) if digest and _file_digest(p) != digest]
    if edited:
        listing = ", ".join(fsio.shown(root, p) for p in edited)
        raise StateError(f"{listing} changed or went away after relnotes read it; nothing was written and no "
                         f"fragment was removed", hint="run the command again: it reads the fragments as they are now")


def _finish(root: Path, targets: dict[Path, tuple[Path, str | None, str]], removes: Sequence[Path],
            journal: Path) -> None:
    done: list[Path] = []
    try:
        for t, (p, _, _) in targets.items():
            try:
                os.replace(fsio.temp_path(t), t)
            except OSError as e:
                raise FileSystemError.from_os(fsio.shown(root, p), "write", e) from None
            done.append(t)
    except RelnotesError:
        for t in targets:
            fsio.temp_path(t).unlink(missing_ok=True)
        for t in reversed(done):
            before = targets[t][1]
            try:
                if before is None:
                    t.unlink(missing_ok=True)
                else:
                    fsio.write_text(root, t, before)
            except RelnotesError:  # pragma: no cover - the disk failed twice; report the first
                pass
        journal.unlink(missing_ok=True)
        raise
    for t, (p, _, after) in targets.items():
        if _file_digest(t) != _digest(after):
            journal.unlink(missing_ok=True)
            raise StateError(f"{fsio.shown(root, p)} was changed by another program while relnotes was writing "
                             f"it; no fragment was removed",
                             hint="check the file, then run the command again: an entry that is already "
                                  "in the notes is not added twice")
    for p in removes:
        try:
            p.unlink()
        except FileNotFoundError:
            pass
        except OSError as e:  # the journal stays: the next command finishes the removals
            raise FileSystemError(f"{fsio.shown(root, p)}: cannot remove the fragment: {e.strerror}",
                                  hint="its entry is already in the notes; fix the permissions and run "
                                       "the command again to remove the rest (no entry is added twice)") from None
    journal.unlink(missing_ok=True)


class _Refused(Exception):
    """Why one entry of the journal cannot be followed (recover turns it into a StateError)."""


def _relative(value: object, root: Path, real_root: Path, version: int) -> str:
    """A journal path as a path relative to the root: version 2 stores it so, version 1
    stored it absolute (accepted only when it lies inside ``real_root``)."""
    if not isinstance(value, str) or not value or "\0" in value:
        raise _Refused("is not a path")
    if version == 1:
        if not os.path.isabs(value):
            raise _Refused("is not an absolute path, as an older relnotes wrote them")
        for base in (real_root, Path(os.path.abspath(root))):  # removals were stored unresolved
            try:
                value = Path(value).relative_to(base).as_posix()
                break
            except ValueError:
                continue
        else:
            raise _Refused(f"lies outside this repository ({real_root})")
    problem = fsio.relative_path_problem(value)
    if problem:
        raise _Refused(problem)
    if value == "." or PurePosixPath(value).as_posix() != value:
        raise _Refused("is not a plain relative path")
    return value


def _confined(root: Path, rel: str, what: str) -> Path:
    """``root / rel`` after the confinement check every write passes; _Refused when it fails."""
    problem = fsio.escape_problem(root, root / rel)  # what fsio.inside refuses, for the message
    if problem:
        raise _Refused(problem)
    try:
        if what == "file":
            return fsio.writable_target(root, root / rel)
        return fsio.inside(root, root / rel, what=what)
    except RelnotesError as e:  # a directory where the file goes
        raise _Refused(e.message) from None


def _hash(value: object) -> str:
    if isinstance(value, str) and _DIGEST.fullmatch(value):
        return value
    raise _Refused("has no valid content hash")


def _hash_or_none(value: object) -> str | None:
    return None if value is None else _hash(value)


def _plan(root: Path, plan: object) -> tuple[str, list[tuple[Path, str | None, str]], list[tuple[Path, str | None]]]:
    """The command, writes and removes of a parsed journal, every path confined to ``root``."""
    if not isinstance(plan, dict) or not isinstance(plan.get("writes"), list) \
            or not isinstance(plan.get("removes"), list):
        raise _Refused("it is not a relnotes journal")
    version = plan.get("version", 1)
    if version not in (1, JOURNAL_VERSION) or isinstance(version, bool):
        raise _Refused(f"its version {quoted(version)} is not one this relnotes knows")
    command = plan.get("command", "relnotes")
    if not isinstance(command, str):
        raise _Refused("it names no command")
    real_root = Path(root).resolve()
    writes: list[tuple[Path, str | None, str]] = []
    removes: list[tuple[Path, str | None]] = []
    seen: set[str] = set()
    for kind, entries in (("writes", plan["writes"]), ("removes", plan["removes"])):
        for entry in entries:
            try:
                if not isinstance(entry, list) or len(entry) != (3 if kind == "writes" else 2):
                    raise _Refused("is not a journal entry")
                rel = _relative(entry[0], root, real_root, version)
                if rel in seen:
                    raise _Refused("names a file twice")
                seen.add(rel)
                if kind == "writes":
                    before, after = _hash_or_none(entry[1]), _hash(entry[2])
                    writes.append((_confined(root, rel, "file"), before, after))
                else:
                    digest = _hash_or_none(entry[1])
                    parent = _confined(root, PurePosixPath(rel).parent.as_posix(), "directory")
                    target = parent / PurePosixPath(rel).name
                    if target.is_dir() and not target.is_symlink():
                        raise _Refused("is a directory")
                    removes.append((target, digest))
            except _Refused as e:
                named = entry[0] if isinstance(entry, list) and entry else entry
                raise _Refused(f"its {'write' if kind == 'writes' else 'removal'} entry {quoted(named)} {e}") from None
    return command, writes, removes


def _refusal(journal: Path, why: str) -> StateError:
    return StateError(f"{journal}: cannot follow this journal of an interrupted relnotes command: {why}; "
                      f"nothing was changed",
                      hint=f"inspect it (cat {journal}): a copy of this repository made elsewhere, another relnotes "
                           f"version or an edit left it; delete it (rm {journal}) to abandon that change and leave "
                           f"every file as it is")


def _undo_staging(root: Path, writes: list[tuple[Path, str | None, str]]) -> None:
    for t, _, _ in writes:
        tmp = fsio.temp_path(t)
        try:
            if tmp.is_symlink() or not tmp.is_dir():
                tmp.unlink(missing_ok=True)
        except OSError as e:
            raise FileSystemError.from_os(fsio.shown(root.resolve(), tmp), "remove", e) from None


def recover(root: Path) -> str | None:
    """Undo or finish the change an interrupted command left (see the module's docstring);
    the interrupted command's name when there was one, else None.  Called under the lock."""
    journal = journal_path(root)
    try:
        text = journal.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as e:
        raise StateError(f"{journal}: cannot read the journal of an interrupted relnotes command: {e}",
                         hint=f"delete {journal} to abandon that command's change") from None
    import json  # see _write_journal

    first, newline, rest = text.partition("\n")
    try:
        parsed = json.loads(first)
    except (ValueError, RecursionError):
        if not newline:  # torn while it was first written: nothing was staged
            _drop(journal)
            return None
        raise _refusal(journal, "its first line is not JSON") from None
    if rest != COMMIT_LINE and not COMMIT_LINE.startswith(rest):
        raise _refusal(journal, f"it ends with {quoted(rest)}, not a commit line")
    try:
        command, writes, removes = _plan(root, parsed)
    except _Refused as e:
        raise _refusal(journal, str(e)) from None
    if rest != COMMIT_LINE:  # not committed (the commit line absent or torn): no target was touched
        _undo_staging(root, writes)
        _drop(journal)
        return command
    conflicts: list[Path] = []
    for t, before, after in writes:
        tmp = fsio.temp_path(t)
        now = _file_digest(t)
        if tmp.is_file() and not tmp.is_symlink():
            if now not in (before, after) or _file_digest(tmp) != after:
                conflicts.append(t)
        elif now != after:
            conflicts.append(t)
    conflicts += [p for p, digest in removes if _file_digest(p) not in (None, digest)]
    if conflicts:
        listing = ", ".join(fsio.shown(root.resolve(), p) for p in conflicts)
        raise StateError(f"an interrupted 'relnotes {shown_name(command)}' left its change half made, and "
                         f"{listing} changed since; nothing was changed",
                         hint=f"restore {'it' if len(conflicts) == 1 else 'them'} (git checkout -- PATH) and "
                              f"run again to finish that change, or delete {journal} to abandon it")
    for t, _, _ in writes:
        tmp = fsio.temp_path(t)
        if tmp.is_file() and not tmp.is_symlink():
            try:
                os.replace(tmp, t)
            except OSError as e:
                raise FileSystemError.from_os(fsio.shown(root.resolve(), t), "write", e) from None
    for p, _ in removes:
        try:
            p.unlink(missing_ok=True)
        except OSError as e:
            raise FileSystemError.from_os(fsio.shown(root.resolve(), p), "remove", e) from None
    _drop(journal)
    return command


def _drop(journal: Path) -> None:
    try:
        journal.unlink(missing_ok=True)
    except OSError as e:
        raise FileSystemError.from_os(str(journal), "remove the transaction journal", e) from None
