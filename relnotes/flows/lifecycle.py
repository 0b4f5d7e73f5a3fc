"""What the everyday commands do: init, new, build, show, stamp.

The release-branch commands (patch, cut, release, archive) live in ``relnotes.flows.releasing``.

Each function takes a :class:`~relnotes.config.load.Config`, does its checks first, then
its writes (atomic, notes before fragment removal), and returns a result object the
CLI reports.  None prints or exits.  Every refusal is a RelnotesError raised before
anything on disk changed.
"""

import re
import unicodedata
from datetime import date
from pathlib import Path
from typing import NamedTuple

from relnotes import fsio
from relnotes.notes import document as notes
from relnotes.notes import blocks
from relnotes.notes import formats
from relnotes.notes import model
from relnotes.config.load import Config
from relnotes.errors import ContentError, FileSystemError, StateError, UsageError, ValidationError
from relnotes.fragments.fragment import PLACEHOLDER, Fragment, load_all, parse_text

from relnotes.flows.scaffold import InitResult, init  # noqa: E402,F401 (init lives with what it writes)

# -- shared helpers --------------------------------------------------------------------


def read_notes(cfg: Config) -> notes.NotesDocument:
    """The working tree's notes file in the configured format (:func:`formats.read_for`)."""
    return formats.read_for(cfg)


def pending_fragments(cfg: Config) -> list[Fragment]:
    """Every fragment, validated; ValidationError (exit 1) listing all problems."""
    res = load_all(cfg.fragments_path, cfg.root, cfg.sections, fields=cfg.fields)
    if res.problems:
        raise ValidationError(res.problems, "fragments have problems; nothing was changed")
    return res.fragments


def category_order(cfg: Config) -> list[str]:
    """The categories entries go in, in order: the sections, after the breaking-changes group
    when ``breaking_changes.style`` is ``group`` (a heading relnotes writes, never a fragment)."""
    if cfg.breaking_changes.style != "group":
        return list(cfg.sections)
    head = cfg.section_name(cfg.breaking_changes.heading) or cfg.breaking_changes.heading
    return [head] + [s for s in cfg.sections if s != head]


def group(cfg: Config, fragments: list[Fragment]) -> list[tuple[str, list[Fragment]]]:
    """Fragments by category in :func:`category_order`, sorted within each: a breaking
    fragment in the breaking-changes group when there is one, else in its section."""
    order = category_order(cfg)
    gather = order[0] if cfg.breaking_changes.style == "group" else None
    out = []
    for name in order:
        items = sorted((f for f in fragments if (gather if gather and f.breaking else f.section) == name),
                       key=lambda f: f.sort_key(cfg.order))
        if items:
            out.append((name, items))
    return out


def parse_date(text: str | None) -> str:
    if text is None:
        return date.today().isoformat()
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise UsageError(f"--date {text!r} is not a real date", hint="use YYYY-MM-DD, e.g. 2026-08-20") from None


def _open_repo(cfg: Config):
    from relnotes.git.repo import Repo

    return Repo(cfg.root)


def _has_git(cfg: Config) -> bool:
    return (cfg.root / ".git").exists()


def remove_fragments(cfg: Config, fragments: list[Fragment], repo=None) -> list[str]:
    """Remove fragment files, and drop the tracked ones from the index (``git rm``).

    The files are unlinked, then one ``git update-index --remove --stdin`` call
    records the removals: linear in the number of fragments, unlike ``git rm`` with
    thousands of pathspecs.
    """
    paths = [f.path for f in fragments]
    tracked = repo.tracked_under(cfg.fragments_dir) if repo is not None else set()
    for d in {(cfg.root / p).parent for p in paths}:  # never remove through a link that leads out
        fsio.inside(cfg.root, d, what="fragments directory")
    gone = []
    try:
        for p in paths:
            try:
                (cfg.root / p).unlink()
            except FileNotFoundError:
                pass
            gone.append(p)
    except OSError as e:
        raise FileSystemError(f"{p}: cannot remove the fragment: {e.strerror}",
                              hint="its entry is already in the notes; fix the permissions and run "
                                   "'relnotes build' again to remove the rest (no entry is added twice)") from None
    finally:
        if repo is not None:
            repo.remove_from_index([p for p in gone if p in tracked])
    return paths


def verify_notes(cfg: Config, expected: str) -> None:
    """Refuse to go on unless the notes file holds exactly ``expected``.

    Called under the repository lock right before fragments are removed: a fragment
    is deleted only when the notes that include its entry are the ones this process
    wrote (or read and checked), never after some other program rewrote the file.
    """
    if fsio.read_text(cfg.root, cfg.notes_path, what="notes file") != expected:
        raise StateError(f"{cfg.notes_file} was changed by another program while relnotes was writing it; "
                         f"no fragment was removed",
                         hint="check the notes file, then run the command again: an entry that is already "
                              "in the notes is not added twice")


def _slug(text: str, words: int = 6) -> str:
    norm = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    parts = re.findall(r"[A-Za-z0-9]+", norm.lower())
    return "-".join(parts[:words])[:60].strip("-")


# -- new -----------------------------------------------------------------------------------


def fragment_text(section: str, body: str, *, prs=(), issues=(), advisories=(),
                  breaking: bool = False, backport: bool = False, order: int = 0,
                  authors=(), fields: dict | None = None) -> str:
    """A fragment's text.  Handles and custom values are written as JSON scalars (valid
    YAML), so a handle like ``null`` or ``1234`` stays text."""
    import json

    lines = ["---", f"section: {section}"]
    if prs:
        lines.append(f"prs: [{', '.join(str(n) for n in prs)}]")
    if issues:
        lines.append(f"issues: [{', '.join(str(n) for n in issues)}]")
    if advisories:
        lines.append(f"advisories: [{', '.join(advisories)}]")
    if breaking:
        lines.append("breaking: true")
    if backport:
        lines.append("backport: true")
    if order:
        lines.append(f"order: {order}")
    if authors:
        handles = ", ".join(json.dumps(a.removeprefix("@")) for a in authors)
        lines.append(f"authors: [{handles}]")
    for key, value in (fields or {}).items():
        lines.append(f"{key}: {json.dumps(value, ensure_ascii=False)}")
    lines.append("---")
    return "\n".join(lines) + "\n" + body.strip("\n") + "\n"


def new(cfg: Config, *, section: str, body: str | None, prs=(), issues=(), advisories=(),
        breaking: bool = False, backport: bool = False, name: str | None = None,
        validate: bool = True, authors=(), fields: dict | None = None) -> Path:
    """Write a new fragment with a unique name and return its path.

    The text is validated before anything is written (with the placeholder when
    ``body`` is None, for ``--edit``); the file is created with O_EXCL, so concurrent
    runs never overwrite each other: a taken name gets ``-2``, ``-3``, … appended.
    ``validate=False`` writes text that failed validation, so that what a user typed
    at a prompt is kept for them to fix (the section must still be a configured one).
    ``authors`` are handles; ``fields`` the custom fields' typed values (``--field``).
    """
    canonical = cfg.section_name(section)
    if canonical is None:
        raise UsageError(f"unknown section {section!r}", hint=f"one of: {', '.join(cfg.sections)}")
    fields = fields or {}
    missing = [s for s in cfg.fields if s.required and s.name not in fields]
    if missing and validate:
        raise UsageError(f"missing the required field{'s' if len(missing) > 1 else ''} "
                         f"{', '.join(s.name for s in missing)}",
                         hint="give " + " ".join(f"--field {s.name}=..." for s in missing)
                              + (f" ({missing[0].name}: one of {', '.join(missing[0].values)})"
                                 if missing[0].values else ""))
    text = fragment_text(canonical, body if body is not None else PLACEHOLDER, prs=prs,
                         issues=issues, advisories=advisories, breaking=breaking, backport=backport,
                         authors=authors, fields=fields)
    stem = name.removesuffix(".md") if name else _slug(
        " ".join([str(prs[0]) if prs else "", body or canonical]))
    stem = _slug(stem, words=12) or "change"
    shown = f"{cfg.fragments_dir}/{stem}.md"
    if validate:  # with the placeholder (--edit), the front matter is checked all the same
        frag, problems = parse_text(text, shown, cfg.sections, fields=cfg.fields)
        problems = [p for p in problems if body is not None or p.code != "body-placeholder"]
        if problems:
            raise ValidationError(problems, "the fragment would not be valid; nothing was written")
    fsio.inside(cfg.root, cfg.fragments_path, what="fragments directory")
    if cfg.fragments_path.exists() and not cfg.fragments_path.is_dir():
        raise FileSystemError(f"{cfg.fragments_dir}: is not a directory, so no fragment can be written in it",
                              hint="move the file away, or set fragments_dir in relnotes.yaml")
    try:
        cfg.fragments_path.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise FileSystemError.from_os(cfg.fragments_dir, "create the fragments directory", e) from None
    for n in range(1, 10_000):
        candidate = cfg.fragments_path / (f"{stem}.md" if n == 1 else f"{stem}-{n}.md")
        if fsio.create_exclusive(cfg.root, candidate, text):
            return candidate
    raise StateError(f"could not find a free fragment name for {stem!r}")  # pragma: no cover


def finish_edit(cfg: Config, path: Path, template: str | None) -> Fragment:
    """Check a fragment the user edited in place; never delete what they typed.

    A file still holding exactly ``template`` (nothing typed) is removed; with
    ``template=None`` (the file already held the user's text) it never is.  Anything
    else stays where it is, and the error says so: an invalid fragment is the user's
    text, and ``check`` will keep pointing at it until it is fixed or deleted.
    """
    shown = fsio.shown(cfg.root, path)
    kept = f"your text is kept in {shown}"
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"{shown}: the editor removed the file; nothing was written") from None
    except OSError as e:
        raise FileSystemError.from_os(shown, "read the edited fragment", e) from None
    if template is not None and data == template.encode("utf-8"):
        path.unlink(missing_ok=True)
        raise ContentError(f"{shown}: unchanged in the editor, so it was removed; nothing was written",
                           hint="run 'relnotes new --edit' again and replace the placeholder text, or use -m TEXT")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise ContentError(f"{shown}:{line}: not UTF-8 (byte {e.start}); {kept}",
                           hint="save it as UTF-8 in your editor, then run 'relnotes check'") from None
    frag, problems = parse_text(text, shown, cfg.sections, fields=cfg.fields)
    if problems:
        raise ValidationError(problems, f"the edited fragment is not valid; {kept}: fix it and run "
                                        f"'relnotes check', or delete it")
    return frag


# -- build -----------------------------------------------------------------------------


class BuildResult(NamedTuple):
    version: str
    added: list[Fragment]
    already_present: list[Fragment]
    removed: list[str]
    draft: str
    written: bool


def build(cfg: Config, *, draft: bool = False, keep: bool = False,
          doc: notes.NotesDocument | None = None) -> BuildResult:
    """Render pending fragments into the top unreleased section, then remove them.

    Idempotent and crash-safe by content: an entry whose exact text is already in its
    category (because an interrupted build wrote the notes but did not get to remove
    the fragments) is not added again; its fragment is just removed.
    """
    from relnotes.render.environment import Renderer

    doc = doc or read_notes(cfg)
    fragments = pending_fragments(cfg)
    from relnotes.markdown.screen import reference_conflicts

    conflicts = reference_conflicts(fragments, doc.text(), cfg.notes_file, cfg.notes_format)
    if conflicts:
        raise ValidationError(conflicts, "fragments have problems; nothing was changed")
    rel = doc.unreleased() if doc.format == "keepachangelog" else doc.release()
    version = str(rel.version) if rel.version else rel.title
    renderer = Renderer(cfg)
    grouped = group(cfg, fragments)
    rendered = [(section, items, renderer.entries(items)) for section, items in grouped]
    draft_text = renderer.draft(version, [(s, e) for s, _, e in rendered]) if fragments else ""
    if draft or not fragments:
        return BuildResult(version, [f for _, items, _ in rendered for f in items], [], [], draft_text, False)
    if not rel.unreleased:
        raise StateError(
            f"{cfg.notes_file}:{rel.start + 1}: the top release '## {rel.title}' is already released",
            hint="on a release branch run 'relnotes patch' to open the next patch release; "
                 "on main, 'relnotes cut' opens the next version")
    added: list[Fragment] = []
    present: list[Fragment] = []
    merge: list[tuple[str, list[str]]] = []
    for section, items, entries in rendered:
        cat = rel.category(section)
        existing = doc.section_text(rel) if cat is not None else ""
        fresh = []
        for frag, entry in zip(items, entries):
            if cat is not None and _contains_entry(existing, entry):
                present.append(frag)
            else:
                fresh.append(entry)
                added.append(frag)
        merge.append((section, fresh))
    doc.merge_entries(rel, merge, category_order(cfg))
    repo = _open_repo(cfg) if _has_git(cfg) and not keep else None  # git missing: refused before any write
    try:
        if added:
            fsio.write_text(cfg.root, cfg.notes_path, doc.text())
        if not keep:
            verify_notes(cfg, doc.text())
        removed = [] if keep else remove_fragments(cfg, added + present, repo)
    finally:
        if repo is not None:
            repo.close()
    return BuildResult(version, added, present, removed, draft_text, bool(added))


def _contains_entry(section_text: str, entry: str) -> bool:
    body = section_text.replace("\r\n", "\n")
    return ("\n" + entry + "\n") in ("\n" + body + "\n")


# -- show ------------------------------------------------------------------------------------


def release_to_show(doc: notes.NotesDocument, version: str | None) -> model.Release:
    """The release ``show`` means by ``version`` in every output format (the page too):
    in a Keep a Changelog file the newest release by default, not ``[Unreleased]``."""
    if doc.format == "keepachangelog":
        from relnotes.flows.keepachangelog import show_release

        return show_release(doc, version)
    return doc.release(version)


def show(cfg: Config, version: str | None = None) -> dict:
    """One release's notes: markdown text plus a structured view (for --format json).

    Each category lists its ``entries`` as text and again as ``items`` with whether each
    is marked breaking (in the breaking-changes group, or with the breaking prefix)."""
    from relnotes.policy.bump import is_breaking_entry

    doc = read_notes(cfg)
    extra: dict = {}
    rel = release_to_show(doc, version)
    if doc.format == "keepachangelog":
        from relnotes.notes.keepachangelog import heading_parts

        extra["yanked"] = heading_parts(rel.title).yanked  # Keep a Changelog's '[YANKED]'
    text = doc.release_text(rel)
    cats = []
    for cat in rel.categories:
        entries = [b.text.rstrip() for b in blocks.blocks(doc, cat.start + 1, cat.end)]
        items = [{"text": e, "breaking": is_breaking_entry(cfg, cat.title, e)} for e in entries]
        cats.append({"name": cat.title, "entries": entries, "items": items})
    from relnotes.fragments.credit import show_fields

    return {
        "version": str(rel.version) if rel.version else None,
        "title": rel.title,
        "status": rel.status,
        "date": rel.date,
        "categories": cats,
        "markdown": text,
        **show_fields(cfg, rel is doc.releases[0] and rel.status == "unreleased", cats),
        **extra,
    }


# -- stamp -------------------------------------------------------------------------


class StampResult(NamedTuple):
    version: str
    date: str
    changed: bool
    previous: str | None


def stamp(cfg: Config, *, on: str | None = None, version: str | None = None,
          doc: notes.NotesDocument | None = None, write: bool = True) -> StampResult:
    """Mark exactly one release (the top one, or ``version``) as released on a date."""
    if cfg.notes_format == "keepachangelog":  # [Unreleased] becomes VERSION: its own edit
        from relnotes.flows import keepachangelog

        return keepachangelog.stamp(cfg, on=on, version=version, doc=doc, write=write)
    when = parse_date(on)
    doc = doc or read_notes(cfg)
    rel = doc.release(version)
    shown = str(rel.version) if rel.version else rel.title
    if rel.status == "released":
        return StampResult(shown, rel.date or "", False, rel.date)
    doc.set_status(rel, when)
    if write:
        fsio.write_text(cfg.root, cfg.notes_path, doc.text())
    return StampResult(shown, when, True, None)
