"""``RELEASES.md`` in Wasmtime's format: the scan that finds its structure.

The model is deliberately thin: a document *is* its list of lines (line endings
kept), and parsing only records where things are — release headings, status lines,
category headings, separators, the archive list.  Serialising is ``"".join(lines)``,
so an unedited document gives back the same bytes by construction, and every edit is
a splice of lines at a known index: only the bytes an operation means to change
change.  After an edit the document is re-indexed (parsing is a single linear scan).

Real files are irregular (DESIGN.md §1.1): missing or short separators, prose and
link definitions inside sections, an H1 title, ``## Unreleased`` headings, status
lines with and without their final period.  The scanner tolerates all of it and
reports structure problems (:mod:`relnotes.notes.problems`) instead of failing.
The edits are :class:`relnotes.notes.editing.NotesEditing`'s; which model reads a
project's file is :mod:`relnotes.notes.formats`' choice.
"""

import re
from typing import Any, Callable

from relnotes.markdown.blocks import TOP, scan
from relnotes.markdown.structure import (
    ARCHIVE_MARKER,
    SEPARATOR_RE,
    STATUS_RE,
    heading_title,
    is_blank,
    strip_eol,
)
from relnotes.notes.base import NotesDocument
from relnotes.notes.model import Archive, ArchiveLink, Category, Release
from relnotes.patterns import lazy
from relnotes.version import Version

_ARCHIVE_LINK_RE = lazy(r"^\*[ \t]+\[(?P<label>[^\]]+)\]\((?P<url>[^)\s]+)\)[ \t]*$")
_VERSION_IN_TITLE_RE = lazy(r"^v?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)\b", re.ASCII)
_SCHEME_VERSION_RE = lazy(r"^(v?[0-9][^\s\]]{0,127})(?:\s|$)", re.ASCII)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


class ReleasesDocument(NotesDocument):
    """A ``RELEASES.md`` in Wasmtime's format: its lines plus where its parts are."""

    format = "releases"  # config's notes_format; relnotes.notes.keepachangelog has the other one

    def __init__(self, text: str, path: str = "RELEASES.md", read_version: "Callable[[str], Version | None] | None" = None) -> None:
        super().__init__(text, path, read_version)

    def _title_version(self, title: str, vm: "re.Match[str] | None") -> Version | None:
        if self.read_version is None:
            return Version.try_parse(vm[1]) if vm else None
        m = _SCHEME_VERSION_RE.match(title)  # the scheme reads '26.3', '1.2.0rc1'
        return self.read_version(m[1]) if m else None

    def reindex(self) -> None:
        """Scan the lines once and record releases, categories and the archive."""
        lines = self.lines
        releases: list[Release] = []
        archive: Archive | None = None
        cur: dict[str, Any] | None = None

        def close(at: int) -> None:
            nonlocal cur
            if cur is None:
                return
            body_end = cur["sep"] if cur["sep"] is not None else at
            end = cur["sep"] + 1 if cur["sep"] is not None else at
            heads = cur["cats"]  # (title, line) of each ### heading; a category ends at the next
            ends = [line for _, line in heads[1:]] + [body_end]
            cats = [Category(title, line, end) for (title, line), end in zip(heads, ends)]
            releases.append(
                Release(
                    title=cur["title"],
                    version=cur["version"],
                    start=cur["start"],
                    body_end=body_end,
                    end=end,
                    separator=cur["sep"],
                    status_line=cur["status_line"],
                    status=cur["status"],
                    date=cur["date"],
                    categories=cats,
                )
            )
            cur = None


        kinds, _, self.outline = scan([strip_eol(line) for line in lines])
        i = 0
        n = len(lines)
        while i < n:
            raw = strip_eol(lines[i])
            if kinds[i] != TOP:  # inside a code block, a block quote or a list item
                if cur is not None and raw.strip():
                    cur["seen_content"] = True
                i += 1
                continue
            if raw.strip() == ARCHIVE_MARKER and _indent(raw) <= 3:
                close(i)
                first = i + 1
                links: list[ArchiveLink] = []
                j = first
                while j < n:
                    m = _ARCHIVE_LINK_RE.match(strip_eol(lines[j]))
                    if not m:
                        break
                    links.append(ArchiveLink(j, m["label"], m["url"]))
                    j += 1
                if archive is None:
                    archive = Archive(i, first, j, links)
                i = j
                continue
            title = heading_title(raw, 2)
            if title is not None:
                close(i)
                vm = _VERSION_IN_TITLE_RE.match(title)
                cur = {
                    "title": title,
                    "version": self._title_version(title, vm),
                    "start": i,
                    "sep": None,
                    "status_line": None,
                    "status": None,
                    "date": None,
                    "cats": [],
                    "seen_content": False,
                }
                i += 1
                continue
            if cur is not None and cur["sep"] is None:
                if SEPARATOR_RE.match(raw) and (i == 0 or is_blank(lines[i - 1])):
                    cur["sep"] = i
                    close(i + 1)
                    i += 1
                    continue
                cat_title = heading_title(raw, 3)
                if cat_title is not None:
                    cur["cats"].append((cat_title, i))
                    cur["seen_content"] = True
                elif not cur["seen_content"] and raw.strip():
                    cur["seen_content"] = True
                    sm = STATUS_RE.match(raw.strip())
                    if sm:
                        cur["status_line"] = i
                        cur["status"] = "unreleased" if sm["unreleased"] else "released"
                        cur["date"] = sm["date"]
            i += 1
        close(n)
        self.releases = releases
        self.archive = archive
