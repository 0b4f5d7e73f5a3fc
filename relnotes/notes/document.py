"""``RELEASES.md`` as a document model with surgical, byte-preserving edits.

The model is deliberately thin: a document *is* its list of lines (line endings
kept), and parsing only records where things are — release headings, status lines,
category headings, separators, the archive list.  Serialising is ``"".join(lines)``,
so an unedited document gives back the same bytes by construction, and every edit is
a splice of lines at a known index: only the bytes an operation means to change
change.  After an edit the document is re-indexed (parsing is a single linear scan).

Real files are irregular (DESIGN.md §1.1): missing or short separators, prose and
link definitions inside sections, an H1 title, ``## Unreleased`` headings, status
lines with and without their final period.  The scanner tolerates all of it and
reports structure problems through :func:`structure_problems` instead of failing.

:func:`structure_problems` lives in :mod:`relnotes.notes.problems` and :func:`blocks`
(a category's entries and prose) in :mod:`relnotes.notes.blocks`; both stay importable
from here.
"""

import re
from typing import NamedTuple

from relnotes.errors import ContentError
from relnotes.notes.editing import NotesEditing
from relnotes.version import Version

SEPARATOR = "-" * 80
ARCHIVE_MARKER = "<!-- ARCHIVE_START -->"

SEPARATOR_RE = re.compile(r"^-{3,}[ \t]*$")
STATUS_RE = re.compile(
    r"^(?:(?P<unreleased>Unreleased)|Released[ \t]+(?P<date>\S+?))(?P<dot>\.?)[ \t]*$"
)
_ARCHIVE_LINK_RE = re.compile(r"^\*[ \t]+\[(?P<label>[^\]]+)\]\((?P<url>[^)\s]+)\)[ \t]*$")
_VERSION_IN_TITLE_RE = re.compile(r"^v?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)\b", re.ASCII)


BOM = "\ufeff"


def split_bom(text: str) -> tuple[str, str]:
    """``(bom, rest)``: the byte order mark a notes file starts with ("" if none), and the text after it.

    Editors on Windows save UTF-8 with a BOM; left on the first line it hides a heading
    there (``\\ufeff## [Unreleased]`` is no heading), so the file would have no release at
    all.  Every notes format splits it off here, the one rule, and the document writes
    it back in front (an unedited file keeps its bytes; an edited one keeps its BOM).
    """
    return (BOM, text[1:]) if text.startswith(BOM) else ("", text)


def heading_title(line: str, level: int) -> str | None:
    """The title of an ATX heading of exactly ``level`` at column 0, or None.

    ``## 1.0.0 ##`` gives ``1.0.0``.  String operations, not a regex: a title-then-
    closing-hashes pattern backtracks quadratically on a long line of ``#`` and spaces.
    """
    marks = "#" * level
    if not line.startswith(marks) or line[level:level + 1] not in (" ", "\t"):
        return None
    return line[level:].strip(" \t").rstrip(" \t#")


def _strip_eol(line: str) -> str:
    return line.rstrip("\r\n")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _eol(line: str, default: str = "\n") -> str:
    if line.endswith("\r\n"):
        return "\r\n"
    if line.endswith("\n"):
        return "\n"
    return default


def is_blank(line: str) -> bool:
    return not line.strip()


def category_key(name: str) -> str:
    """Normalise a category title for matching: ``### Fixed.`` is the ``Fixed`` category."""
    return name.strip().rstrip(".").strip().casefold()


class Category(NamedTuple):
    """A ``### Title`` block inside a release: lines ``[start, end)``."""

    title: str
    start: int
    end: int

    @property
    def key(self) -> str:
        return category_key(self.title)


class Release(NamedTuple):
    """A ``## X.Y.Z`` section.

    ``body_end`` is where its content stops (the separator line, the next ``##``
    heading, the archive marker or the end of the file); ``end`` is past the
    separator when the section has one.
    """

    title: str
    version: Version | None
    start: int
    body_end: int
    end: int
    separator: int | None
    status_line: int | None
    status: str | None  # "unreleased" | "released" | None
    date: str | None
    categories: list[Category]

    @property
    def unreleased(self) -> bool:
        return self.status == "unreleased"

    def category(self, name: str) -> Category | None:
        key = category_key(name)
        for cat in self.categories:
            if cat.key == key:
                return cat
        return None


class ArchiveLink(NamedTuple):
    line: int
    label: str
    url: str


class Archive(NamedTuple):
    """The list after ``<!-- ARCHIVE_START -->``: links ``[first, end)``."""

    marker: int
    first: int
    end: int
    links: list[ArchiveLink]


class NotesDocument(NotesEditing):
    """A notes file: its lines plus an index of where its parts are."""

    format = "releases"  # config's notes_format; relnotes.notes.keepachangelog has the other one

    def __init__(self, text: str, path: str = "RELEASES.md") -> None:
        self.path = path
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
        lines = self.lines
        releases: list[Release] = []
        archive: Archive | None = None
        cur: dict | None = None

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

        from relnotes.markdown.blocks import TOP, classify

        kinds, _ = classify([_strip_eol(line) for line in lines])
        i = 0
        n = len(lines)
        while i < n:
            raw = _strip_eol(lines[i])
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
                    m = _ARCHIVE_LINK_RE.match(_strip_eol(lines[j]))
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
                    "version": Version.try_parse(vm[1]) if vm else None,
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

    def release(self, version: Version | str | None = None) -> Release:
        """The release for ``version`` (default: the top one); ContentError if absent."""
        if not self.releases:
            raise ContentError(
                f"{self.path}: no release section (a '## X.Y.Z' heading) found",
                hint="run 'relnotes init' or add a '## X.Y.Z' section with 'Unreleased.'",
            )
        if version is None:
            return self.releases[0]
        want = Version.parse(str(version))
        for rel in self.releases:
            if rel.version == want:
                return rel
        raise ContentError(
            f"{self.path}: no '## {want}' section",
            hint="available: " + ", ".join(r.title for r in self.releases[:8]),
        )

    def section_text(self, rel: Release, *, with_heading: bool = True) -> str:
        start = rel.start if with_heading else rel.start + 1
        return "".join(self.lines[start : rel.body_end])

    def release_text(self, rel: Release) -> str:
        """One release as ``show`` prints it (a format may add what its heading needs)."""
        return self.section_text(rel).rstrip() + "\n"


def parse(text: str, path: str = "RELEASES.md", fmt: str = "releases") -> NotesDocument:
    """The document model for ``fmt``.  A project's own notes go through :func:`parse_for`;
    ``fmt`` is for text that is no configured project's (a towncrier project being migrated)."""
    if fmt == "keepachangelog":
        from relnotes.notes.keepachangelog import KeepAChangelogDocument

        return KeepAChangelogDocument(text, path)
    return NotesDocument(text, path)


def parse_for(cfg, text: str, path: str | None = None) -> NotesDocument:
    """``text`` read as the configured project's notes, in its ``notes_format``.

    The one place that picks the model for a project's notes, wherever the text came
    from (working tree, branch, commit): a caller that picked it itself once read a Keep
    a Changelog ``CHANGELOG.md`` as ``RELEASES.md`` and found no release in it.
    ``path`` names the text in messages (default: the configured ``notes_file``)."""
    return parse(text, cfg.notes_file if path is None else path, cfg.notes_format)


def read_for(cfg) -> NotesDocument:
    """The working tree's notes file, read inside the repository, by :func:`parse_for`."""
    from relnotes import fsio

    return parse_for(cfg, fsio.read_text(cfg.root, cfg.notes_path, what="notes file"))


# Moved to their own modules; still importable from here (loaded on first use, so the
# modules that import this one stay free of import cycles).
_MOVED = {"structure_problems": "relnotes.notes.problems", "Block": "relnotes.notes.blocks",
          "blocks": "relnotes.notes.blocks"}


def __getattr__(name: str):
    if name in _MOVED:
        import importlib

        return getattr(importlib.import_module(_MOVED[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
