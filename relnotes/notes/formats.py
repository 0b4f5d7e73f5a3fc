"""The one place that picks the document model for a notes format.

``notes_format: releases`` is Wasmtime's ``RELEASES.md`` (:mod:`relnotes.notes.releases`),
``keepachangelog`` a Keep a Changelog ``CHANGELOG.md``
(:mod:`relnotes.notes.keepachangelog`), ``rst`` a reStructuredText file in towncrier's
layout (:mod:`relnotes.notes.rst`; :func:`format_for_path` picks it for a ``.rst`` file).  Every reader of a project's notes file, and
``check``'s structure report, goes through here, so no caller picks a model itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from relnotes import fsio
from relnotes.errors import Problem
from relnotes.notes import keepachangelog_problems, problems, rst_problems
from relnotes.notes.base import NotesDocument
from relnotes.notes.keepachangelog import KeepAChangelogDocument
from relnotes.notes.releases import ReleasesDocument
from relnotes.notes.rst import RstDocument
from relnotes.version import Version

Reader = Callable[[str], Version | None]  # a version scheme's try_parse (None: semver)

if TYPE_CHECKING:
    from relnotes.config.records import Config


def parse(text: str, path: str = "RELEASES.md", fmt: str = "releases", reader: Reader | None = None) -> NotesDocument:
    """The document model for ``fmt``.  A project's own notes go through :func:`parse_for`;
    ``fmt`` is for text that is no configured project's (a towncrier project being migrated)."""
    if fmt == "keepachangelog":
        return KeepAChangelogDocument(text, path, reader)
    if fmt == "rst":
        return RstDocument(text, path, reader)
    return ReleasesDocument(text, path, reader)


def format_for_path(path: str, fmt: str = "releases") -> str:
    """The format a notes file is read in: ``rst`` for a ``.rst`` file (towncrier's
    reStructuredText layout, whatever ``fmt`` says), else ``fmt``.  The entry point for a
    migration that meets a project's ``NEWS.rst`` or ``CHANGES.rst``."""
    return "rst" if path.casefold().endswith(".rst") else fmt


def parse_for(cfg: Config, text: str, path: str | None = None, reader: Reader | None = None) -> NotesDocument:
    """``text`` read as the configured project's notes, in its ``notes_format``.

    The one place that picks the model for a project's notes, wherever the text came
    from (working tree, branch, commit): a caller that picked it itself once read a Keep
    a Changelog ``CHANGELOG.md`` as ``RELEASES.md`` and found no release in it.
    ``path`` names the text in messages (default: the configured ``notes_file``).
    ``reader`` reads the versions in headings: the project's scheme
    (:func:`relnotes.policy.schemes.parse_notes` passes it); None reads semver."""
    return parse(text, cfg.notes_file if path is None else path, cfg.notes_format, reader)


def read_for(cfg: Config, reader: Reader | None = None) -> NotesDocument:
    """The working tree's notes file, read inside the repository, by :func:`parse_for`."""
    return parse_for(cfg, fsio.read_text(cfg.root, cfg.notes_path, what="notes file"), reader=reader)


def structure_problems(doc: NotesDocument, *, need_archive: bool = False, all_history: bool = True) -> list[Problem]:
    """What ``check`` reports about a notes file's structure (all at once), by its format.

    ``all_history=False``: for a Keep a Changelog file only what relnotes writes (its
    unreleased section and the newest release's heading), not the history the project
    wrote before relnotes (:func:`relnotes.notes.keepachangelog_problems.current`)."""
    if isinstance(doc, KeepAChangelogDocument):
        found = keepachangelog_problems.structure_problems(doc)
        return found if all_history else keepachangelog_problems.current(doc, found)
    if isinstance(doc, RstDocument):
        found = rst_problems.structure_problems(doc)
        return found if all_history else rst_problems.current(doc, found)
    return problems.structure_problems(doc, need_archive=need_archive)
