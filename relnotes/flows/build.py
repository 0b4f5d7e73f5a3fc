"""``relnotes build``: pending fragments become entries of the top unreleased section.

Entries are rendered (built-in layout or the project's templates), merged into the
existing categories in the configured order, the result verified, written, and only
then are the fragments removed.  ``--draft`` renders and writes nothing.
"""

from relnotes.config.load import Config
from relnotes.errors import StateError, ValidationError
from relnotes.flows import steps
from relnotes.flows.steps import BuildResult, has_git, remove_fragments, verify_notes
from relnotes.fragments.fragment import Fragment, pending_fragments
from relnotes.fragments.grouping import category_order, group
from relnotes.markdown.screen import reference_conflicts
from relnotes.notes import base as notes
from relnotes.notes import formats, proof
from relnotes.notes.keepachangelog import KeepAChangelogDocument
from relnotes.render.environment import Renderer


def build(cfg: Config, *, draft: bool = False, keep: bool = False,
          doc: notes.NotesDocument | None = None) -> BuildResult:
    """Render pending fragments into the top unreleased section, then remove them.

    Idempotent and crash-safe by content: an entry whose exact text is already in its
    category (because an interrupted build wrote the notes but did not get to remove
    the fragments) is not added again; its fragment is just removed.
    """
    doc = doc or formats.read_for(cfg)
    before = doc.text()
    fragments = pending_fragments(cfg)

    conflicts = reference_conflicts(fragments, doc.text(), cfg.notes_file, cfg.notes_format)
    if conflicts:
        raise ValidationError(conflicts, "fragments have problems; nothing was changed")
    rel = doc.unreleased() if isinstance(doc, KeepAChangelogDocument) else doc.release()
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
    intended = formats.parse_for(cfg, before)  # the same merge with placeholders: what the proof expects
    intended.merge_entries(intended.releases[doc.releases.index(rel)],
                           [(section, [proof.PLACEHOLDER] * len(fresh)) for section, fresh in merge],
                           category_order(cfg))
    doc.merge_entries(rel, merge, category_order(cfg))
    repo = steps.open_repo(cfg) if has_git(cfg) and not keep else None  # git missing: refused before any write
    try:
        if added:
            steps.write_all(cfg, {cfg.notes_file: (before, doc.text())}, intended=intended.text(),
                            labels=[label for f in added for label, _ in f.labels])
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
