"""``relnotes build``: pending fragments become entries of the top unreleased section.

Entries are rendered (built-in layout or the project's templates), merged into the
existing categories in the configured order, the result verified, written, and only
then are the fragments removed.  ``--draft`` renders and writes nothing.
"""

from relnotes.config.load import Config
from relnotes.errors import StateError, ValidationError
from relnotes.flows import steps
from relnotes.flows.steps import BuildResult, has_git
from relnotes.fragments.fragment import Fragment, pending_fragments
from relnotes.fragments.grouping import category_order, group, intro, kind_problems
from relnotes.markdown.references import reference_conflicts
from relnotes.markdown.structure import strip_eol
from relnotes.notes import base as notes
from relnotes.notes import blocks, proof
from relnotes.notes.base import SingleBranchDocument
from relnotes.policy import schemes
from relnotes.render.environment import Renderer


def build(cfg: Config, *, draft: bool = False, keep: bool = False,
          doc: notes.NotesDocument | None = None, write: bool = True) -> BuildResult:
    """Render pending fragments into the top unreleased section, then remove them.

    Idempotent and crash-safe by content: an entry whose whole rendered text is already an
    entry of its category (an earlier run wrote the notes but did not remove the fragment)
    is not added again; its fragment is just removed.  The notes and the removals are one
    all-or-nothing step (:func:`relnotes.flows.steps.apply`).  ``write=False`` only edits
    ``doc`` and returns what would be removed (``release`` writes it with its other files).
    """
    doc = doc or schemes.read_notes(cfg)
    before = doc.text()
    fragments = pending_fragments(cfg, digests=not draft)  # the journal records what it removes

    conflicts = kind_problems(cfg, fragments) + reference_conflicts(fragments, doc.text(), cfg.notes_file,
                                                                    cfg.notes_format)
    if conflicts:
        raise ValidationError(conflicts, "fragments have problems; nothing was changed")
    # a Keep a Changelog file without '## [Unreleased]' (towncrier's) gets one above the newest release
    rel = doc.open_unreleased() if isinstance(doc, SingleBranchDocument) else doc.release()
    version = str(rel.version) if rel.version else rel.title
    renderer = Renderer(cfg)
    grouped = group(cfg, fragments)
    heads = intro(cfg, fragments)  # the summaries and the entries outside any category
    if draft or not fragments:
        return BuildResult(version, heads[0] + heads[1] + [f for _, items in grouped for f in items], [], [],
                           _preview(cfg, doc, rel, version, renderer, grouped, heads) if draft and fragments else "",
                           False)
    doc.require_status(rel)
    if not rel.unreleased:
        raise StateError(
            f"{cfg.notes_file}:{rel.start + 1}: the top release '## {rel.title}' is already released",
            hint="run 'relnotes release': it builds the pending fragments into the next version's section "
                 "('relnotes next' says which; 'relnotes show unreleased' shows how they will read)"
            if cfg.branching == "one-branch" else
            "on a release branch run 'relnotes patch' to open the next patch release; "
            "on main, 'relnotes cut' opens the next version")
    added, present, intended, pristine = _merge(cfg, doc, rel, renderer, grouped, heads)
    gone = [] if keep else added + present
    if not write:
        return BuildResult(version, added, present, [f.path for f in gone], "", bool(added))
    repo = steps.open_repo(cfg) if has_git(cfg) and gone else None  # git missing: refused before any write
    try:
        removed = steps.apply(cfg, {cfg.notes_file: (before, doc.text())}, gone, repo, command="build",
                              intended=intended.text() if added else None,
                              labels=[label for f in added for label, _ in f.labels],
                              parsed=(doc, intended, pristine))
    finally:
        if repo is not None:
            repo.close()
    return BuildResult(version, added, present, removed, "", bool(added))


def _preview(cfg: Config, doc: notes.NotesDocument, rel, version: str, renderer: Renderer,
             grouped: list[tuple[str, list[Fragment]]], heads: tuple[list[Fragment], list[Fragment]]) -> str:
    """What ``build --draft`` prints: the entries as build would add them (in an rST notes
    file, in the file's own markup, exactly where build writes them; it takes no summaries)."""
    rendered = [(section, renderer.entries(items)) for section, items in grouped]
    if doc.format != "rst":
        return renderer.draft(version, rendered, renderer.summaries(heads[0]), renderer.entries(heads[1]))
    preview = doc.copy()
    index = doc.releases.index(rel)
    preview.merge_entries(preview.releases[index], rendered, category_order(cfg))
    return preview.section_text(preview.releases[index]).rstrip("\n") + "\n"


def _merge(cfg: Config, doc: notes.NotesDocument, rel, renderer: Renderer,
           grouped: list[tuple[str, list[Fragment]]], heads: tuple[list[Fragment], list[Fragment]]):
    """Render the fragments and merge the new entries into ``doc``'s release ``rel``:
    (fragments added, fragments already there, the proof's intended composition, the notes
    as they were).  A function of its own so the rendered entries (10,000 of them, a few
    MB) are freed before the write."""
    added: list[Fragment] = []
    present: list[Fragment] = []
    merge: list[tuple[str, list[str]]] = []
    existing = entry_texts(doc, rel)
    # what is under the heading already (an earlier run wrote the notes but kept the fragments)
    written, under = intro_texts(doc, rel)
    fresh_summaries: list[str] = []
    fresh_loose: list[str] = []
    loose_style = doc.list_style(rel, "")
    for frags, texts, fresh_heads, style in ((heads[0], renderer.summaries(heads[0]), fresh_summaries, None),
                                             (heads[1], renderer.entries(heads[1]), fresh_loose, loose_style)):
        for frag, text in zip(frags, texts):
            if (style.restyle(text) in written) if style else f"\n\n{text}\n\n" in under:
                present.append(frag)
            else:
                fresh_heads.append(text)
                added.append(frag)
    for section, items in grouped:
        fresh = []
        style = doc.list_style(rel, section)  # the file's own marker, as merge_entries writes it
        for frag, entry in zip(items, renderer.entries(items)):
            if style.restyle(entry) in existing:
                present.append(frag)
            else:
                fresh.append(entry)
                added.append(frag)
        merge.append((section, fresh))
    pristine = doc.copy()  # the notes as they are (with an unreleased heading build opened): the proof's base
    # the same merge with a placeholder for the entries: what the proof expects.  It reads
    # only the headings and link definitions of this composition, which one placeholder per
    # category gives as well as one per entry, at a scan of a few lines, not 20,000
    intended = pristine.copy()
    intended.merge_entries(intended.releases[doc.releases.index(rel)],
                           [(section, [proof.PLACEHOLDER] if fresh else []) for section, fresh in merge],
                           category_order(cfg), summaries=[proof.SUMMARY_PLACEHOLDER] if fresh_summaries else [],
                           uncategorised=[proof.PLACEHOLDER] if fresh_loose else [])
    doc.merge_entries(rel, merge, category_order(cfg), summaries=fresh_summaries, uncategorised=fresh_loose)
    return added, present, intended, pristine


def intro_texts(doc: notes.NotesDocument, rel) -> tuple[set[str], str]:
    """What is under release ``rel``'s heading before its categories: each entry outside any
    category as a rendered entry reads, and the whole text between blank lines (a summary of
    several paragraphs is there when it is in it with a blank line, or the end, on each side)."""
    start, end = doc.intro_span(rel)
    entries = {strip_eol(b.text).replace("\r\n", "\n") for b in blocks.blocks(doc, start, end) if b.kind == "entry"}
    text = "".join(doc.lines[start:end]).replace("\r\n", "\n")
    return entries, "\n\n" + text.strip("\n") + "\n\n"


def entry_texts(doc: notes.NotesDocument, rel) -> set[str]:
    """Each entry of release ``rel``'s categories exactly as a rendered entry reads (its lines, without
    the final line end, ``\n`` between lines): the one test of "is this entry already in the
    notes?" — the whole entry, byte for byte, never a line of it or a part of a longer one."""
    return {strip_eol(b.text).replace("\r\n", "\n") for cat in rel.categories
            for b in blocks.blocks(doc, cat.start + 1, cat.end) if b.kind == "entry"}
