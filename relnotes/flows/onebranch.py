"""One-branch projects (``branching: one-branch``): every release is made from the main
branch, by one command.

``relnotes release`` there turns the pending fragments into the next version's section:
when the top section is already released (or is the unversioned ``## Unreleased`` a
project starts with), :func:`prepare` gives the notes a section for the next version
(``relnotes next``'s answer, :func:`relnotes.policy.bump.plan`, or ``--version``) and the
version files their new version; :mod:`relnotes.flows.release` then builds, stamps,
writes everything in one all-or-nothing step, commits and tags.  Also here: what a
released section keeps (no empty category), and the pending section as it will read
(``relnotes show unreleased``).  Nothing is written here; nothing prints.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

from relnotes.config.load import Config
from relnotes.errors import StateError, UsageError
from relnotes.flows import retitle, versionfiles
from relnotes.fragments.fragment import Fragment, pending_fragments
from relnotes.git.arguments import check_tag
from relnotes.notes import blocks
from relnotes.notes.base import NotesDocument
from relnotes.notes.model import Release
from relnotes.policy import bump, schemes, tags
from relnotes.render.environment import Renderer
from relnotes.version import Version


class Prepared(NamedTuple):
    version: Version
    versions: dict[str, tuple[str, str]]  # the version files' changes
    why: str  # what set the version
    opened: bool  # a new section was put above the released top one (else the top one got its version)


def uses(cfg: Config) -> bool:
    return cfg.branching == "one-branch"


def has_entries(doc: NotesDocument, rel: Release) -> bool:
    """Whether ``rel`` holds an entry: in a category, or under its heading outside any."""
    spans = [doc.intro_span(rel)] + [(cat.start + 1, cat.end) for cat in rel.categories]
    return any(b.kind == "entry" for start, end in spans for b in blocks.blocks(doc, start, end))


def prepare(cfg: Config, doc: NotesDocument, top: Release, repo, wanted: Version | None,
            fragments: list[Fragment] | None = None, today: date | None = None) -> Prepared | None:
    """Give ``doc`` the section the release fills: the next version's above a released top
    section, or the version in the heading of an unversioned unreleased one.  None when the
    top section already names its version (the release-day step needs nothing more) or
    when it is released and nothing is pending (the caller says so)."""
    if top.unreleased and top.version is not None:
        return None
    fragments = pending_fragments(cfg) if fragments is None else fragments
    if not top.unreleased:
        if not fragments:
            return None
    elif not fragments and not has_entries(doc, top):
        raise StateError(f"{cfg.notes_file}:{top.start + 1}: '## {top.title}' has no entries and no fragments are "
                         f"pending in {cfg.fragments_dir}/: there is nothing to release",
                         hint="add fragments with 'relnotes new', then run 'relnotes release'")
    if wanted is not None:
        version, why = wanted, "--version"
    else:
        planned = bump.plan(cfg, doc=doc, fragments=fragments, repo=repo, today=today)  # calver: the release's day
        version = planned.version
        why = planned.note or "; ".join(r.describe() for r in planned.reasons[:3]) or planned.basis
    released = [r.version for r in doc.releases if r.status == "released" and r.version is not None]
    if released and version <= max(released):
        raise UsageError(f"{version} is not newer than the newest release {max(released)} in {cfg.notes_file}",
                         hint="give --version a newer version, or leave it out: relnotes next says which")
    if any(r.version == version for r in doc.releases):
        raise UsageError(f"{cfg.notes_file}: '## {version}' already exists",
                         hint="give --version a version the notes do not have yet")
    versions = versionfiles.rewrite(cfg, version) if cfg.version_files else {}
    if top.unreleased:  # '## Unreleased': the heading takes the version
        retitle.set_version(doc, top, version)
    else:  # the new section, without empty categories: build adds the ones that get entries
        doc.insert_text(top.start, Renderer(cfg).release_section(str(version), ()).rstrip("\n") + "\n")
    return Prepared(version, versions, why, not top.unreleased)


def tag_name(cfg: Config, repo, version: Version | str) -> str:
    """The tag ``release --tag`` makes; refused (before anything is written) when it exists."""
    v = version if isinstance(version, Version) else schemes.parse_version(cfg, version)
    name = check_tag(v.format(tags.pattern(cfg, repo, schemes.scheme_for(cfg))),
                     "the tag pattern (tag in relnotes.yaml, or the style of the repository's tags) gives")
    if repo.tag_exists(name):
        raise StateError(f"tag {name} already exists", hint=f"{v} was already tagged: release another version "
                                                            f"(--version), or delete the tag to redo it")
    return name


def drop_empty_categories(doc: NotesDocument, rel: Release) -> list[str]:
    """Remove ``rel``'s categories that hold nothing but blank lines (a released section keeps
    only what it says); the titles removed."""
    gone = []
    for cat in reversed(rel.categories):
        if not any(line.strip() for line in doc.lines[cat.start + 1:cat.end]):
            doc.splice(cat.start, cat.end, [])
            gone.append(cat.title)
    return gone[::-1]
