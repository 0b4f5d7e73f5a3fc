"""The lifecycle on a Keep a Changelog file: init's files, stamp, release, the next version.

A Keep a Changelog project releases from one branch: fragments are built into
``## [Unreleased]``; ``release`` builds, then turns ``[Unreleased]`` into
``## [X.Y.Z] - DATE`` under a fresh, empty ``## [Unreleased]``, points the compare
links at the new tag and writes the version files; ``tag`` tags the commit.  There are
no release branches, so ``cut``, ``patch`` and ``archive`` refuse (:func:`relnotes.flows.steps.not_used`).

Like every flow: checks first, then writes; nothing prints or exits.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from relnotes.errors import StateError, UsageError
from relnotes.flows import hooks, onebranch, steps, versionfiles
from relnotes.flows.build import BuildResult, build
from relnotes.flows.steps import ReleaseResult, StampResult, parse_date
from relnotes.fragments.fragment import pending_fragments
from relnotes.notes.base import SingleBranchDocument
from relnotes.policy import bump, schemes
from relnotes.version import Version

if TYPE_CHECKING:
    from relnotes.config.load import Config
    from relnotes.fragments.fragment import Fragment
    from relnotes.notes.base import NotesDocument


# -- init (relnotes.flows.scaffold calls notes_text) ----------------------------------------------


def notes_text(project: str) -> str:
    """A new CHANGELOG.md: the format's preamble and an empty ``## [Unreleased]``
    (``relnotes.flows.scaffold.initial_notes`` writes it for ``init``)."""
    return (
        "# Changelog\n\n"
        f"All notable changes to {project} will be documented in this file.\n\n"
        "The format is based on [Keep a Changelog](https://keepachangelog.com/en/1.1.0/),\n"
        "and this project adheres to [Semantic Versioning](https://semver.org/spec/v2.0.0.html).\n\n"
        "## [Unreleased]\n"
    )


def _keepachangelog(doc: NotesDocument) -> SingleBranchDocument:
    """A single-branch project's notes (``notes_format: keepachangelog`` or ``rst``;
    :func:`relnotes.notes.formats.parse_for` picks the model by that format)."""
    assert isinstance(doc, SingleBranchDocument)
    return doc


def _has_content(doc: SingleBranchDocument, rel) -> bool:
    return any(line.strip() for line in doc.lines[rel.start + 1:rel.body_end])


def choose_version(cfg: Config, doc: SingleBranchDocument, fragments: list[Fragment],
                   version: str | None, when: str | None = None) -> Version:
    """``--version``, else the version files' unreleased version, else the semver release
    :func:`relnotes.policy.bump.plan` computes (the one rule ``relnotes next`` prints)."""
    newest = doc.newest_release()
    if version is not None:
        chosen = schemes.parse_version(cfg, version, "--version")
    else:
        cur = versionfiles.current(cfg) if cfg.version_files else None
        # the version files name the next version only when past the newest release (or, before
        # the first one, past base_version: the version init found there, already released)
        floor = newest.version if newest is not None else (
            schemes.scheme_for(cfg).try_parse(cfg.base_version) if cfg.base_version else None)
        if cur is not None and (floor is None or cur.release > floor):
            chosen = cur.release  # the project already says which version comes next
        else:
            chosen = bump.plan(cfg, doc, fragments, today=date.fromisoformat(when) if when else None).version
    if chosen.pre and schemes.reader(cfg) is None:  # semver; PEP 440's 1.4.0rc1 is a release of its own
        raise UsageError(f"--version {chosen} is a pre-release; a Keep a Changelog release is X.Y.Z")
    if newest is not None and chosen <= newest.version:
        raise UsageError(f"--version {chosen} is not newer than the newest release {newest.version}",
                         hint=f"{cfg.notes_file}:{newest.start + 1} has '## {newest.title}'")
    return chosen


# -- stamp and release ------------------------------------------------------------------------


def stamp(cfg: Config, *, on: str | None = None, version: str | None = None,
          doc: NotesDocument | None = None, write: bool = True, fragments=()):
    """``## [Unreleased]`` → ``## [VERSION] - DATE`` with a fresh ``[Unreleased]`` and links."""
    when = parse_date(on)
    kdoc = _keepachangelog(doc or schemes.read_notes(cfg))
    new_v = choose_version(cfg, kdoc, list(fragments), version, when)
    previous = kdoc.newest_release()
    tag = new_v.format(cfg.tag)
    version_url = (cfg.link("compare", previous=previous.version.format(cfg.tag), current=tag)
                   if previous is not None and previous.version is not None else cfg.link("release", current=tag))
    before = kdoc.text()
    kdoc.stamp_unreleased(new_v, when, unreleased_url=cfg.link("compare", previous=tag, current="HEAD"),
                          version_url=version_url, project=cfg.project)
    if write:  # [unreleased] moves on to compare from the new tag: the one label a release re-points
        steps.apply(cfg, {cfg.notes_file: (before, kdoc.text())}, command="stamp", repoint=["unreleased"])
    return StampResult(str(new_v), when, True, None)


def release(cfg: Config, *, on: str | None = None, version: str | None = None, commit: bool = False,
            tag: bool = False):
    """Build pending fragments into [Unreleased], stamp it as the next version, write the
    version files; ``commit`` commits the notes, version files and removed fragments
    with the release marker (a rerun after a failed commit commits what it left)."""
    when = parse_date(on)  # refuse a bad date or version before changing anything
    if version is not None:
        schemes.parse_version(cfg, version, "--version")
    if not commit:
        return _release(cfg, when, version, None)
    with steps.open_repo(cfg) as repo:  # not a git repository: refused before any write
        return _release(cfg, when, version, repo, tag=tag)


def _release(cfg: Config, when: str, version: str | None, repo, *, tag: bool = False):
    doc = _keepachangelog(schemes.read_notes(cfg))
    rel = next((r for r in doc.releases if r.unreleased), None)  # build opens one when there is none
    fragments = pending_fragments(cfg)
    if not fragments and (rel is None or not _has_content(doc, rel)):
        newest = doc.newest_release()
        if (repo is not None and newest is not None and newest.version is not None
                and steps.released_but_not_committed(cfg, repo, newest.version)):
            b = BuildResult(str(newest.version), [], [], [], "", False)
            s = StampResult(str(newest.version), newest.date or "", False, newest.date)
            # the version files too, should an earlier relnotes have stopped before writing them
            steps.apply(cfg, versionfiles.rewrite(cfg, newest.version) if cfg.version_files else {},
                        command="release")
            return ReleaseResult(b, s, steps.commit(cfg, repo, "release", cfg.commit.release, s.version,
                                               steps.release_paths(cfg), marked=True), True)
        if newest is not None and version is not None and schemes.parse_version(cfg, version) == newest.version:
            # the same 'release --version X' again (a rerun after it finished): nothing left to do
            return ReleaseResult(BuildResult(str(newest.version), [], [], [], "", False),
                                 StampResult(str(newest.version), newest.date or "", False, newest.date), None)
        where = f"{cfg.notes_file}:{rel.start + 1}: '{doc.lines[rel.start].strip()}' is empty" if rel is not None else \
            f"{cfg.notes_file} has no unreleased section"
        raise StateError(f"{where} and no fragments are pending in {cfg.fragments_dir}/: there is nothing to release",
                         hint="add fragments with 'relnotes new', or entries under '## [Unreleased]'")
    new_v = choose_version(cfg, doc, fragments, version, when)  # refused before anything is written
    if tag and repo is not None:
        onebranch.tag_name(cfg, repo, new_v)
    versions = versionfiles.rewrite(cfg, new_v) if cfg.version_files else {}
    before = doc.text()
    b = build(cfg, doc=doc, write=False)  # `doc` now holds the built notes: stamp edits it, no re-read
    s = stamp(cfg, on=when, version=str(new_v), doc=doc, write=False)
    onebranch.drop_empty_categories(doc, doc.release(str(new_v)))
    gone = b.added + b.already_present
    old = hooks.files_version(cfg, new_v) if cfg.hooks.bump else ""
    steps.apply(cfg, {cfg.notes_file: (before, doc.text()), **versions}, gone, repo, command="release",
                repoint=["unreleased"])  # a release moves [unreleased] on to compare from its tag
    hooked = hooks.run_in(cfg, repo, old, s.version, command="release")
    sha = steps.commit(cfg, repo, "release", cfg.commit.release, s.version,
                       sorted({*steps.release_paths(cfg), *hooked}), marked=True) if repo is not None else None
    return ReleaseResult(b, s, sha)


# -- show -----------------------------------------------------------------------------------


