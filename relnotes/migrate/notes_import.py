"""``relnotes import notes``: split an existing release section into fragments.

Each bullet becomes a fragment in its category's section; trailing link lines that
the configured link patterns can express become ``prs`` / ``issues`` /
``advisories``; everything else stays in the body.  Every fragment is re-rendered
and compared with the original entry before anything is written: when the two
differ, the links go back into the body, and if even that cannot reproduce the
entry the difference is reported.  Nothing is dropped: prose paragraphs become
fragments of their own, and anything that cannot be mapped is reported.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

from relnotes import fsio
from relnotes.config.load import Config
from relnotes.errors import ContentError, FileSystemError, UsageError
from relnotes.flows import new, steps
from relnotes.flows.new import fragment_text
from relnotes.fragments.fragment import Fragment, parse_text
from relnotes.fragments.schema import ENTRY, SUMMARY, UNCATEGORISED
from relnotes.markdown import entry
from relnotes.migrate import notes_rebuild, notes_sections
from relnotes.notes import base as notes
from relnotes.notes import formats, model
from relnotes.notes.blocks import Block, take_out
from relnotes.notes.blocks import blocks as split_blocks
from relnotes.patterns import lazy
from relnotes.render.environment import Renderer

_LINK_LINE = lazy(r"^\[(?P<label>#[0-9]{1,12}|GHSA(?:-[0-9a-z]{4}){3})\]\((?P<url>[^)\s]+)\)$")


@dataclass
class Planned:
    name: str
    section: str  # "" for a summary or an uncategorised entry
    category: str  # the heading it came from, as written ("summary" or "uncategorised": none)
    text: str
    source_line: int
    exact: bool  # rebuilding gives the original bytes


@dataclass
class ImportPlan:
    version: str
    fragments: list[Planned] = field(default_factory=list)
    unmapped: list[str] = field(default_factory=list)
    difference: str | None = None  # where build would not give the section back (None: byte for byte)
    source: str = ""  # the notes file, as messages name it
    consumed: set[int] = field(default_factory=set)  # the blocks (first lines, 0-based) that became fragments
    # a mid-cycle import of the project's unreleased section: the notes before and after its
    # entries move out to the fragments, and those entries (write_plan writes all of it at once)
    move: tuple[str, str, list[str]] | None = None
    added_sections: list[str] = field(default_factory=list)  # --add-sections: appended to relnotes.yaml
    config: Config | None = None  # the configuration with them (None: the one in force)
    config_change: tuple[str | None, str] | None = None  # relnotes.yaml before (None: created) and after


def _split_links(cfg: Config, lines: list[str]) -> tuple[list[str], dict[str, list]]:
    """Peel link lines off the end of an entry's (dedented) lines."""
    found: dict[str, list] = {"prs": [], "issues": [], "advisories": []}
    rest = list(lines)
    peeled: list[tuple[str, object]] = []
    while rest:
        m = _LINK_LINE.match(rest[-1].strip())
        if not m or rest[-1] != rest[-1].lstrip():
            break
        label, url = m["label"], m["url"]
        if label.startswith("#"):
            n = int(label[1:])
            if url == cfg.link("pr", number=n):
                peeled.append(("prs", n))
            elif url == cfg.link("issue", number=n):
                peeled.append(("issues", n))
            else:
                break
        elif url == cfg.link("advisory", id=label):
            peeled.append(("advisories", label))
        else:
            break
        rest.pop()
    for kind, value in reversed(peeled):
        found[kind].append(value)
    return rest, found


# '**Breaking:** ', '**BREAKING**: ', '**Breaking change:** ', 'BREAKING: ' at an entry's start:
# the mark of a breaking entry in real Keep a Changelog files (bounded: one short word group)
BREAKING_MARK = lazy(r"^(?:\*\*|__)?breaking(?: changes?)?(?::(?:\*\*|__)|(?:\*\*|__):?|:)[ \t]+",
                           re.IGNORECASE)


def entry_to_fragment(cfg: Config, renderer, section: str | None, block_text: str,
                      name: str, references: str = "", order: int = 0) -> tuple[str, bool, str | None]:
    """Fragment text for one bullet entry, whether rebuilding reproduces it, and the breaking
    mark it kept in the text (None: none kept).

    ``references`` is a block of link reference definitions that followed the entry;
    it becomes the end of the body, which the entry template renders after the links.
    An entry that starts with a breaking mark (``**Breaking:**``) becomes ``breaking:
    true`` without it when that rebuilds exactly (the mark is ``breaking_changes.prefix``);
    another mark (rich's ``**breaking**``) stays in the text, not ``breaking: true`` — the
    third value names it, for import to say so — unless the entry cannot be rebuilt at all.
    The list marker (``-`` or ``*``) is the notes file's, which ``build`` keeps
    (:meth:`relnotes.notes.editing.NotesEditing.list_style`), so it is not compared.
    """
    raw = block_text.rstrip("\n").replace("\r\n", "\n")
    refs = references.rstrip("\n").replace("\r\n", "\n")
    expected = raw + ("\n\n" + refs if refs else "")
    lines = raw.split("\n")
    first = re.sub(r"^[*-][ \t]+", "", lines[0])
    mark = BREAKING_MARK.match(first)
    tail = "\n\n" + refs if refs else ""
    none: dict[str, list] = {"prs": [], "issues": [], "advisories": []}
    attempts: list[tuple[str, dict[str, list], bool]] = []
    # with a mark: first as breaking: true without it (exact when it is the configured prefix),
    # then the mark kept in the text, not breaking (exact, but the bump does not know)
    for marked in ((True, False) if mark is not None else (False,)):
        head = first[mark.end():] if marked and mark is not None else first
        dedented = [head] + [ln[2:] if ln.startswith("  ") else ln for ln in lines[1:]]
        body_lines, links = _split_links(cfg, dedented)
        if any(links.values()) and body_lines:
            attempts.append(("\n".join(body_lines) + tail, links, marked))
        attempts.append(("\n".join(dedented) + tail, none, marked))
    for body, link, breaking in attempts:
        text = fragment_text(section, body, prs=link["prs"], issues=link["issues"],
                             advisories=link["advisories"], breaking=breaking, order=order,
                             kind=ENTRY if section is not None else UNCATEGORISED)
        frag, problems = parse_text(text, name, cfg.sections, fields=cfg.fields)
        if frag is None:
            continue
        got = renderer.entries([frag])[0]
        if got[2:] == expected[2:] and got[:2] in ("- ", "* ") and expected[:2] in ("- ", "* "):
            kept = mark[0].strip() if mark is not None and not breaking else None
            return text, True, kept
    body, _, breaking = next(a for a in reversed(attempts) if a[2] == (mark is not None))  # breaking, links in the body
    return (fragment_text(section, body, breaking=breaking, order=order,
                          kind=ENTRY if section is not None else UNCATEGORISED), False, None)


def plan_notes(cfg: Config, path: str, version: str | None = None, add_sections: bool = False) -> ImportPlan:
    """The import of one release section; ``add_sections``: categories no section matches
    are appended to ``sections`` in relnotes.yaml (written with the fragments) and imported."""
    text = fsio.read_text(cfg.root, cfg.root / path, what="notes file")
    doc = formats.parse_for(cfg, text, path)  # the project's format: a CHANGELOG.md is Keep a Changelog
    rel = doc.release(version)
    added = notes_sections.missing(cfg, [c.title for c in rel.categories]) if add_sections else []
    change = None
    if added:
        cfg, change = notes_sections.with_sections(cfg, added)
    renderer = Renderer(cfg)
    plan = plan_notes_doc(cfg, doc, rel, renderer)
    plan.added_sections, plan.config_change = added, change
    plan.config = cfg if added else None
    plan.difference = notes_rebuild.rebuild_difference(cfg, doc, rel, plan.fragments, renderer)
    # The unreleased section is where build writes, in every format: its entries move out to
    # the fragments (kept in both places, build would write each one a second time).
    if (rel.unreleased and plan.consumed
            and os.path.normpath(path) == os.path.normpath(cfg.notes_file)):
        plan.move = moved_out(cfg, doc, rel, plan.consumed)
    check_plan(cfg, plan)
    return plan


def moved_out(cfg: Config, doc: notes.NotesDocument, rel: model.Release,
              consumed: set[int]) -> tuple[str, str, list[str]]:
    """The notes without the unreleased entries that became fragments: (before, after, the
    entries taken).  An entry must not be both in the file and a fragment: ``build`` would
    write it a second time."""
    spans = [doc.intro_span(rel)] + [(cat.start + 1, cat.end) for cat in rel.categories]
    entries = [b.text for first, last in spans for b in split_blocks(doc, first, last)
               if b.kind == "entry" and b.start in consumed]
    after = formats.parse_for(cfg, doc.text(), doc.path)
    take_out(after, after.releases[doc.releases.index(rel)], consumed)
    return doc.text(), after.text(), entries


def plan_notes_doc(cfg: Config, doc: notes.NotesDocument, rel: model.Release, renderer) -> ImportPlan:
    """Plan the fragments for one release section of a parsed notes file."""
    required = [f.name for f in cfg.fields if f.required]
    if required:  # an imported entry has no value for them: every fragment would be refused
        raise UsageError(f"relnotes.yaml requires the custom field{'s' if len(required) > 1 else ''} "
                         f"{', '.join(required)}, which imported entries do not have",
                         hint="import first and declare the fields afterwards, or make them optional "
                              "(required: false, perhaps with a default)")
    path = doc.path
    plan = ImportPlan(str(rel.version) if rel.version else rel.title, source=path)
    stem = str(rel.version) if rel.version else ("unreleased" if rel.unreleased else new.slug(rel.title, 3) or "notes")
    width = max(3, len(str(sum(len(split_blocks(doc, c.start + 1, c.end)) for c in rel.categories))))
    counter = 0

    def next_name(hint: str) -> str:
        nonlocal counter
        counter += 1

        return f"{stem}-{counter:0{width}d}-{new.slug(hint, 5) or 'entry'}.md"

    plan_intro(cfg, doc, rel, renderer, plan, next_name)
    seen: dict[str, int] = {}
    for cat in rel.categories:
        section = notes_sections.section_for(cfg, cat.title)
        if section is not None and section in seen:  # rich 9.0.0: '### Fixed' twice in one release
            plan.unmapped.append(f"{path}:{cat.start + 1}: a second '### {cat.title}' in this release (the first "
                                 f"is line {seen[section] + 1}): build writes one category per section, so its "
                                 "entries are imported into the first")
        seen.setdefault(section or "", cat.start)
        blocks = split_blocks(doc, cat.start + 1, cat.end)
        i = 0
        while i < len(blocks):
            b = blocks[i]
            refs = ""
            taken = [b.start]
            if b.kind == "entry" and i + 1 < len(blocks) and _is_references(blocks[i + 1]):
                refs = blocks[i + 1].text
                taken.append(blocks[i + 1].start)
                i += 1
            i += 1
            if section is None:
                plan.unmapped.append(f"{path}:{b.start + 1}: category '{cat.title}' is not one of the "
                                     f"configured sections ({', '.join(cfg.sections)}); "
                                     "--add-sections adds it to relnotes.yaml")
                continue
            name = next_name(b.text[2:] if b.kind == "entry" else b.text)
            if b.kind == "entry":
                ftext, exact, kept = entry_to_fragment(cfg, renderer, section, b.text, name, refs, order=counter)
                if kept is not None:
                    plan.unmapped.append(f"{path}:{b.start + 1}: the breaking mark {kept!r} is not breaking_changes."
                                         f"prefix ({cfg.breaking_changes.prefix.strip()!r}): it stays in the text and "
                                         "the fragment is not breaking: true (set the prefix to the file's mark to "
                                         "import such entries as breaking)")
            else:
                ftext, exact = fragment_text(section, b.text.rstrip("\n"), order=counter), False
                plan.unmapped.append(f"{path}:{b.start + 1}: prose paragraph imported as a bullet entry")
            if not exact and b.kind == "entry":
                plan.unmapped.append(f"{path}:{b.start + 1}: entry cannot be rebuilt byte for byte "
                                     "(irregular indentation or spacing); imported with its text as the body")
            plan.fragments.append(Planned(name, section, cat.title, ftext, b.start + 1, exact))
            plan.consumed.update(taken)
    return plan


def plan_intro(cfg: Config, doc: notes.NotesDocument, rel: model.Release, renderer, plan: ImportPlan,
               next_name) -> None:
    """What is under the release heading before the categories: the prose before any bullet
    becomes one release summary (``kind: summary``, its paragraphs, lists and code as written),
    each bullet an uncategorised entry (``kind: uncategorised``); prose after a bullet there
    has no fragment to be (a summary goes before the entries) and is reported."""
    path = doc.path
    start, end = doc.intro_span(rel)
    found = split_blocks(doc, start, end)
    lead = []
    for b in found:
        if b.kind != "prose" or any(x.kind == "entry" for x in found[:found.index(b)]):
            break
        lead.append(b)
    if lead:
        text = "".join(doc.lines[lead[0].start:lead[-1].end]).replace("\r\n", "\n").rstrip("\n")
        name = next_name(text)
        ftext = fragment_text(None, text, kind=SUMMARY, order=len(plan.fragments) + 1)
        frag, _ = parse_text(ftext, name, cfg.sections, fields=cfg.fields)
        exact = frag is not None and renderer.summaries([frag])[0] == text
        if not exact:
            plan.unmapped.append(f"{path}:{lead[0].start + 1}: the release summary cannot be rebuilt byte for byte "
                                 "(trailing blanks or tabs); imported with its text as the summary")
        plan.fragments.append(Planned(name, "", SUMMARY, ftext, lead[0].start + 1, exact))
        plan.consumed.update(b.start for b in lead)
    for b in found[len(lead):]:
        if b.kind != "entry":
            plan.unmapped.append(f"{path}:{b.start + 1}: text after an entry outside any category is not an "
                                 f"entry, and a summary goes before the entries: {b.text.strip()[:60]!r}")
            continue
        name = next_name(b.text[2:])
        ftext, exact, kept = entry_to_fragment(cfg, renderer, None, b.text, name, order=len(plan.fragments) + 1)
        if kept is not None:
            plan.unmapped.append(f"{path}:{b.start + 1}: the breaking mark {kept!r} is not breaking_changes.prefix "
                                 f"({cfg.breaking_changes.prefix.strip()!r}): it stays in the text")
        if not exact:
            plan.unmapped.append(f"{path}:{b.start + 1}: entry cannot be rebuilt byte for byte "
                                 "(irregular indentation or spacing); imported with its text as the body")
        plan.fragments.append(Planned(name, "", UNCATEGORISED, ftext, b.start + 1, exact))
        plan.consumed.add(b.start)


def round_trip(cfg: Config, doc: notes.NotesDocument, add_sections: bool = False) -> list[tuple[str, str | None]]:
    """Each released section of ``doc`` imported and rebuilt (nothing is written): its
    title and where the rebuild differs (None: byte for byte).  What the README's figures
    on real notes files measure; a section that cannot be imported at all says why.
    ``add_sections``: as ``import notes --add-sections`` would configure them."""
    if add_sections:
        titles = [c.title for r in doc.releases if not r.unreleased and r.version is not None for c in r.categories]
        cfg = cfg._replace(sections=cfg.sections + tuple(notes_sections.missing(cfg, titles)))
    renderer = Renderer(cfg)
    out: list[tuple[str, str | None]] = []
    for rel in doc.releases:
        if rel.unreleased or rel.version is None:
            continue
        try:
            plan = plan_notes_doc(cfg, doc, rel, renderer)
            out.append((rel.title, notes_rebuild.rebuild_difference(cfg, doc, rel, plan.fragments, renderer)))
        except (ContentError, UsageError) as e:
            out.append((rel.title, e.message))
    return out


def _is_references(block: Block) -> bool:
    return block.kind == "prose" and all(entry.REF_DEF.match(ln) for ln in block.text.rstrip("\n").split("\n"))


def check_plan(cfg: Config, plan: ImportPlan) -> None:
    """Every refusal of :func:`write_plan`, before anything is written.

    :func:`plan_notes` ends with it, so ``--dry-run`` refuses exactly where (and as) the
    real run does, which only adds the writing; ``write_plan`` runs it again first.
    """
    d = cfg.fragments_path
    fsio.inside(cfg.root, d, what="fragments directory")
    existing = d
    while not os.path.lexists(existing) and existing != cfg.root:
        existing = existing.parent
    if not existing.is_dir():  # mkdir would fail half way: say so before writing anything
        raise FileSystemError(f"{fsio.shown(cfg.root, existing)}: cannot create the fragments directory "
                              f"{cfg.fragments_dir}: {fsio.shown(cfg.root, existing)} is not a directory",
                              hint="move the file away, or set fragments_dir to another path")
    # lexists: a symbolic link at a name, even one leading nowhere, is taken too
    taken = [p.name for p in plan.fragments if os.path.lexists(d / p.name)]
    if taken:
        raise UsageError(f"{cfg.fragments_dir}/{taken[0]} already exists",
                         hint="import into an empty fragments directory, or build the pending fragments first")
    for p in plan.fragments:
        frag, problems = parse_text(p.text, p.name, cfg.sections, fields=cfg.fields)
        if problems:  # an entry that check would refuse as a fragment (a javascript: link, raw HTML, …)
            raise ContentError(f"{plan.source}:{p.source_line}: this entry cannot be imported: {problems[0].message}",
                               hint="fix the entry in the notes file, or remove it there and add it with 'relnotes new'")


def write_plan(cfg: Config, plan: ImportPlan) -> list[str]:
    """Write the planned fragments, after :func:`check_plan` (nothing is written if it refuses)."""
    cfg = plan.config or cfg
    check_plan(cfg, plan)
    if plan.move is not None or plan.config_change is not None:  # one transaction: all of it or none
        changes: dict[str, tuple[str | None, str]] = {}
        entries: list[str] = []
        if plan.move is not None:  # the entries leave the notes as the fragments arrive
            before, after, entries = plan.move
            changes[cfg.notes_file] = (before, after)
        if plan.config_change is not None:
            changes[fsio.shown(cfg.root, cfg.path or cfg.root / "relnotes.yaml")] = plan.config_change
        changes.update({f"{cfg.fragments_dir}/{p.name}": (None, p.text) for p in plan.fragments})
        steps.apply(cfg, changes, command="import notes", taken=entries)
        return [f"{cfg.fragments_dir}/{p.name}" for p in plan.fragments]
    fsio.make_dir(cfg.root, cfg.fragments_path, what="fragments directory")
    written = []
    for p in plan.fragments:
        fsio.write_text(cfg.root, cfg.fragments_path / p.name, p.text)
        written.append(f"{cfg.fragments_dir}/{p.name}")
    return written


def fragment_of(cfg: Config, text: str, name: str) -> Fragment:
    frag, problems = parse_text(text, name, cfg.sections, fields=cfg.fields)
    assert frag is not None, problems
    return frag
