"""Every file a command changes, written or removed all together or not at all — even
across a SIGKILL, a full disk or a power cut.

``cut``, ``release``, ``patch``, ``stamp``, ``build`` and ``rc`` compute every file's new
content first, then hand the whole change to :func:`apply`:

1. the journal (``relnotes/transaction`` in the git directory, ``.relnotes-transaction``
   outside git) records each target, the hash of its content before and after, and each
   file to remove, and is fsynced;
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
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path

from relnotes import fsio
from relnotes.cache import git_dir
from relnotes.errors import FileSystemError, RelnotesError, StateError

COMMIT_LINE = "commit\n"


def journal_path(root: Path) -> Path:
    """Where the journal of the repository at ``root`` lives (beside the lock)."""
    gd = git_dir(Path(root))
    return gd / "relnotes" / "transaction" if gd is not None else Path(root) / ".relnotes-transaction"


def _digest(text: str | None) -> str | None:
    return None if text is None else hashlib.sha256(text.encode("utf-8")).hexdigest()


def _file_digest(p: Path) -> str | None:
    try:
        with open(p, "rb", buffering=0) as f:
            return hashlib.file_digest(f, "sha256").hexdigest()
    except FileNotFoundError:
        return None
    except OSError as e:
        raise FileSystemError.from_os(str(p), "read", e) from None


def _write_journal(path: Path, plan: dict) -> None:
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
          *, command: str = "relnotes") -> None:
    """Write every ``{path: (before, after)}`` and remove every path of ``removes``, or none.

    Every path is confined (:func:`relnotes.fsio.inside`) before anything happens.  A
    failure before the commit point undoes the staging and raises; after it, a failed
    rename puts back the targets already renamed.  Right after the renames each target is
    read again: one that another program rewrote meanwhile stops the command before any
    file is removed (StateError).
    """
    targets = {fsio.writable_target(root, p): (p, before, after)
               for p, (before, after) in writes.items() if before != after}
    for d in {p.parent for p in removes}:  # never remove through a link that leads out
        fsio.inside(root, d, what="directory")
    if not targets and not removes:
        return
    journal = journal_path(root)
    plan = {"command": command,
            "writes": [[str(t), _digest(before), _digest(after)] for t, (_, before, after) in targets.items()],
            "removes": [[str(p.absolute()), _file_digest(p)] for p in removes]}
    staged: list[Path] = []
    try:
        _write_journal(journal, plan)
        for t, (p, _, after) in targets.items():
            try:
                t.parent.mkdir(parents=True, exist_ok=True)
                staged.append(fsio.stage_temp(t, after))
            except OSError as e:
                raise FileSystemError.from_os(fsio.shown(root, p), "write", e) from None
        _mark_committed(journal)
    except BaseException as e:
        for tmp in staged:
            tmp.unlink(missing_ok=True)
        journal.unlink(missing_ok=True)
        if isinstance(e, OSError):
            raise FileSystemError.from_os(str(journal), "write the transaction journal", e) from None
        raise
    _finish(root, targets, removes, journal)


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
    first, _, rest = text.partition("\n")
    try:
        plan = json.loads(first)
        writes = [(Path(t), before, after) for t, before, after in plan["writes"]]
        removes = [(Path(p), digest) for p, digest in plan["removes"]]
        command = str(plan.get("command", "relnotes"))
    except (ValueError, TypeError, KeyError):  # torn while it was first written: nothing was staged
        journal.unlink(missing_ok=True)
        return None
    if rest != COMMIT_LINE:  # not committed: no target was touched
        for t, _, _ in writes:
            fsio.temp_path(t).unlink(missing_ok=True)
        journal.unlink()
        return command
    conflicts = []
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
        listing = ", ".join(fsio.shown(root, p) for p in conflicts)
        raise StateError(f"an interrupted 'relnotes {command}' left its change half made, and {listing} "
                         f"changed since; nothing was changed",
                         hint=f"restore {'it' if len(conflicts) == 1 else 'them'} (git checkout -- PATH) and "
                              f"run again to finish that change, or delete {journal} to abandon it")
    for t, _, _ in writes:
        tmp = fsio.temp_path(t)
        if tmp.is_file() and not tmp.is_symlink():
            os.replace(tmp, t)
    for p, _ in removes:
        p.unlink(missing_ok=True)
    journal.unlink()
    return command
