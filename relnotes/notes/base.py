"""What every notes format's document is: its lines, and an index of its parts.

A document *is* its list of lines (line endings kept); serialising is
``"".join(lines)``, so an unedited document gives back the same bytes by
construction, and every edit (:class:`~relnotes.notes.editing.NotesEditing`) is a
splice of lines after which the document re-indexes itself.  Each format
(:mod:`relnotes.notes.releases`, :mod:`relnotes.notes.keepachangelog`) supplies only
its scan, :meth:`NotesDocument.reindex`; the formats know nothing of each other.
"""

from __future__ import annotations

import copy
from typing import Callable

from relnotes.errors import ContentError, Problem
from relnotes.markdown.outline import Outline
from relnotes.markdown.structure import split_bom
from relnotes.notes.editing import NotesEditing
from relnotes.notes.model import Archive, Release
from relnotes.version import Version


class NotesDocument(NotesEditing):
    """A notes file: its lines plus an index of where its parts are (each format scans)."""

    format = ""  # config's notes_format, set by each format's class
    releases: list[Release]
    archive: Archive | None
    outline: Outline  # what GitHub shows of the structure, from the same scan (reindex)
    # How a heading's version text is read: None is semver (Version.try_parse); a project's
    # version scheme (pep440, calver) passes its own through relnotes.notes.formats.parse.
    read_version: Callable[[str], Version | None] | None = None

    def __init__(self, text: str, path: str, read_version: Callable[[str], Version | None] | None = None) -> None:
        self.path = path
        if read_version is not None:
            self.read_version = read_version
        self.bom, text = split_bom(text)  # kept apart from line 1, written back by text()
        # Split on "\n" only (str.splitlines would also split on \x0c, \u2028, …).
        parts = text.split("\n")
        self.lines: list[str] = [p + "\n" for p in parts[:-1]]
        if parts[-1]:
            self.lines.append(parts[-1])
        self.reindex()

    # -- reading ---------------------------------------------------------------

    def text(self) -> str:
        return self.bom + "".join(self.lines)

    def copy(self) -> NotesDocument:
        """The same document, untouched by this one's later edits, without a second scan.

        Shallow but for the lines: the index (releases, archive, outline) is immutable
        tuples that every edit replaces through :meth:`reindex`, never changes in place.
        ``build`` holds the notes three times (before, after, and the placeholder
        composition the proof expects): one scan of 60,000 lines instead of three."""
        twin = copy.copy(self)
        twin.lines = list(self.lines)
        return twin

    @property
    def newline(self) -> str:
        """The file's line ending, so inserted lines match the lines around them."""
        for line in self.lines:
            if line.endswith("\r\n"):
                return "\r\n"
            if line.endswith("\n"):
                return "\n"
        return "\n"

    def reindex(self) -> None:
        """Scan the lines once and record releases, categories and the archive."""
        raise NotImplementedError

    def release(self, version: Version | str | None = None) -> Release:
        """The release for ``version`` (default: the top one); ContentError if absent."""
        if not self.releases:
            raise ContentError(
                f"{self.path}: no release section (a '## X.Y.Z' heading) found",
                hint="run 'relnotes init' or add a '## X.Y.Z' section with 'Unreleased.'",
            )
        if version is None:
            return self.releases[0]
        want = version if isinstance(version, Version) else self.version_of(str(version))
        for rel in self.releases:
            if rel.version == want:
                return rel
        raise ContentError(
            f"{self.path}: no '## {want}' section",
            hint="available: " + ", ".join(r.title for r in self.releases[:8]),
        )

    def version_of(self, text: str) -> Version:
        """``text`` (a version a person asked for) read as this document reads its headings."""
        if self.read_version is None:
            return Version.parse(text)
        found = self.read_version(text.strip())
        if found is None:
            raise ContentError(f"{self.path}: {text!r} is not a version this project's scheme reads",
                               hint="available: " + ", ".join(r.title for r in self.releases[:8]))
        return found

    def heading_version(self, text: str) -> Version | None:
        """The version a heading's label names, by the document's reader (semver by default)."""
        return Version.try_parse(text) if self.read_version is None else self.read_version(text)

    def section_text(self, rel: Release, *, with_heading: bool = True) -> str:
        start = rel.start if with_heading else rel.start + 1
        return "".join(self.lines[start : rel.body_end])

    def release_text(self, rel: Release) -> str:
        """One release as ``show`` prints it (a format may add what its heading needs)."""
        return self.section_text(rel).rstrip() + "\n"


class SingleBranchDocument(NotesDocument):
    """A notes file released from one branch (Keep a Changelog, towncrier's rST): new entries
    go into its unreleased section, which a release stamps as the next version; there are no
    status lines, release branches or archive list.  The lifecycle
    (:mod:`relnotes.flows.keepachangelog`) asks only these questions of it."""

    def unreleased(self) -> Release:
        """The unreleased release; ContentError naming the fix when there is none."""
        raise NotImplementedError

    def open_unreleased(self) -> Release:
        """The unreleased release, added where the format puts it when the file has none."""
        raise NotImplementedError

    def newest_release(self) -> Release | None:
        """The highest released version."""
        raise NotImplementedError

    def stamp_unreleased(self, version: Version, date: str, *, unreleased_url: str | None,
                         version_url: str | None, project: str = "") -> None:
        """The unreleased release becomes ``version`` released on ``date``, under a fresh one
        where the format keeps one."""
        raise NotImplementedError


def lone_cr_problems(doc: NotesDocument, path: str) -> list[Problem]:
    """A carriage return inside a line, in either notes format (Markdown reads it as a line end)."""
    return [Problem(path, i + 1, line.index("\r") + 1, "notes-lone-cr",
                    "a carriage return inside the line: Markdown reads it as a line end, "
                    "so what follows it is a line of its own; replace it with a newline")
            for i, line in enumerate(doc.lines) if "\r" in line.rstrip("\r\n")]
