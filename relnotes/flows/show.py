"""``relnotes show``: one release's notes as they read (the GitHub release body).

Read-only: the release ``show`` picks (the top one, a version, Keep a Changelog's
``unreleased``) and its text, with its entries' fields for ``--format json``.
"""

from relnotes.config.load import Config
from relnotes.errors import RelnotesError
from relnotes.flows import onebranch, retitle
from relnotes.flows.build import build
from relnotes.fragments.credit import show_fields
from relnotes.fragments.fragment import pending_fragments
from relnotes.notes import base as notes
from relnotes.notes import blocks, model
from relnotes.notes.base import SingleBranchDocument
from relnotes.notes.keepachangelog import heading_parts
from relnotes.policy import bump, schemes
from relnotes.policy.bump import is_breaking_entry
from relnotes.render.environment import Renderer


def release_to_show(doc: notes.NotesDocument, version: str | None) -> model.Release:
    """The release ``show`` means by ``version`` in every output format (the page too):
    in a Keep a Changelog file the newest release by default, not ``[Unreleased]``."""
    if isinstance(doc, SingleBranchDocument):  # Keep a Changelog, rST

        return show_release(doc, version)
    return doc.release(version)


def show(cfg: Config, version: str | None = None) -> dict:
    """One release's notes: markdown text plus a structured view (for --format json).

    Each category lists its ``entries`` as text and again as ``items`` with whether each
    is marked breaking (in the breaking-changes group, or with the breaking prefix)."""
    doc = schemes.read_notes(cfg)
    extra: dict = {}
    if is_unreleased(version):
        doc, rel = pending(cfg, doc)
    else:
        rel = release_to_show(doc, version)
    if doc.format == "keepachangelog":
        extra["yanked"] = heading_parts(rel.title).yanked  # Keep a Changelog's '[YANKED]'
    text = doc.release_text(rel)
    cats = []
    for cat in rel.categories:
        entries = [b.text.rstrip() for b in blocks.blocks(doc, cat.start + 1, cat.end)]
        items = [{"text": e, "breaking": is_breaking_entry(cfg, cat.title, e)} for e in entries]
        cats.append({"name": cat.title, "entries": entries, "items": items})

    start, end = doc.intro_span(rel)  # under the heading: the summary, then entries outside any category
    under = blocks.blocks(doc, start, end)
    lead = next((k for k, b in enumerate(under) if b.kind == "entry"), len(under))
    summary = "".join(doc.lines[under[0].start:under[lead - 1].end]).rstrip() if lead else ""

    return {
        "version": str(rel.version) if rel.version else None,
        "title": rel.title,
        "status": rel.status,
        "date": rel.date,
        "summary": summary.replace("\r\n", "\n"),
        "uncategorised": [b.text.rstrip() for b in under[lead:] if b.kind == "entry"],
        "categories": cats,
        "markdown": text,
        **show_fields(cfg, rel is doc.releases[0] and rel.status == "unreleased", cats),
        **extra,
    }


def is_unreleased(version: str | None) -> bool:
    return version is not None and version.strip().strip("[]").casefold() == "unreleased"


def pending(cfg: Config, doc: notes.NotesDocument) -> tuple[notes.NotesDocument, model.Release]:
    """The unreleased section with the pending fragments built in, as the next release will
    read (nothing is written): Keep a Changelog's ``[Unreleased]``, the top section while it
    is unreleased, else (its release is out) a fresh ``## Unreleased`` above it."""
    if isinstance(doc, SingleBranchDocument):
        build(cfg, doc=doc, write=False)
        return doc, doc.unreleased()
    top = doc.release()
    if not top.unreleased:
        title = next_title(cfg, doc)
        doc.insert_text(top.start, Renderer(cfg).release_section(title, ()).rstrip("\n") + "\n")
    elif top.version is None and onebranch.uses(cfg):  # '## Unreleased': the version release will give it
        title = next_title(cfg, doc)
        if title != UNRELEASED:
            retitle.set_version(doc, top, schemes.parse_version(cfg, title))
    build(cfg, doc=doc, write=False)
    return doc, doc.release()


def next_title(cfg: Config, doc: notes.NotesDocument) -> str:
    """The pending section's title on a one-branch project: the version ``release`` would
    give it (``relnotes next``'s answer), else — no pending change, another branching, or a
    version that cannot be computed — ``Unreleased``."""
    if not onebranch.uses(cfg):
        return UNRELEASED
    fragments = pending_fragments(cfg)
    if not fragments and not (doc.release().unreleased and onebranch.has_entries(doc, doc.release())):
        return UNRELEASED
    try:
        return str(bump.plan(cfg, doc=doc.copy(), fragments=fragments).version)
    except RelnotesError:
        return UNRELEASED


UNRELEASED = "Unreleased"


def show_release(doc: SingleBranchDocument, version: str | None):
    """The release ``show`` prints: the newest release by default (what a release page
    wants once [Unreleased] was stamped), ``unreleased`` for the pending section."""
    if version is not None and version.strip().strip("[]").casefold() == "unreleased":
        return doc.unreleased()
    if version is None:
        newest = doc.newest_release()
        if newest is None:
            return doc.release()
        return newest
    return doc.release(version)
