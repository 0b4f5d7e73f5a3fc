"""``CHANGELOG.md`` in the Keep a Changelog 1.1.0 format, on :mod:`relnotes.notes.releases`' model.

The same promise as ``RELEASES.md``: a document is its list of lines, parsing only
records where things are, serialising is ``"".join(lines)`` (an unedited file gives
back its bytes) and every edit is a splice.  Only the scan differs, so everything that
reads releases and categories (build, show, check, tag) works on either format:

* everything before the first ``## `` heading is the preamble (``# Changelog`` …);
* ``## [Unreleased]`` (or ``## Unreleased``) is the unreleased release;
* ``## [1.2.0] - 2026-11-30`` is a released one, also spelled ``## 1.2.0 - …``,
  ``## [v1.2.0] - …``, linked inline as towncrier's Markdown writes it
  (``## [1.2.0](https://…) - 2026-11-30``) or with a trailing ``[YANKED]``; its date is
  its status;
* a file without ``## [Unreleased]`` (towncrier's) gets one from ``build``, above the
  newest release (:meth:`KeepAChangelogDocument.open_unreleased`);
* ``### Added`` … are its categories, as in ``RELEASES.md``;
* a thematic break (``---``) that ends a release, after a blank line, is its separator
  (attrs' older releases): outside the release's content, as ``RELEASES.md``'s is;
* the file's trailing run of link reference definitions, from the first whose label is
  ``unreleased`` or a version (``[1.2.0]: …/compare/v1.1.0...v1.2.0``), is the footer:
  not part of the last release.  Definitions before it (an entry's own) stay in the
  release that holds them.

Real files are irregular (headings without brackets or dates, ``## master``, versions
out of order, missing definitions): the scan tolerates all of it and
:mod:`relnotes.notes.keepachangelog_problems` reports it for ``check``.
"""

from __future__ import annotations

from typing import Callable, NamedTuple

from relnotes.errors import ContentError
from relnotes.markdown.blocks import TOP, scan
from relnotes.markdown.structure import (
    UNRELEASED,
    eol,
    heading_title,
    is_blank,
    is_release_label,
    normalise_label,
    strip_eol,
)
from relnotes.notes.base import NotesDocument, SingleBranchDocument
from relnotes.notes.blocks import blocks
from relnotes.notes.editing import ListStyle
from relnotes.notes.model import Category, Release, category_key
from relnotes.patterns import lazy
from relnotes.version import Version

FORMAT = "keepachangelog"
# A link reference definition at the top level; the label is bounded as CommonMark's is (999).
_BULLET = lazy(r"^[*-][ \t]")
_DEFINITION_RE = lazy(r"^ {0,3}\[(?P<label>[^\]\n]{1,999})\]:[ \t]*(?P<url>\S*)")
_DASHES = "-\u2013\u2014"  # '-', en dash, em dash: real files use all three between version and date


class HeadingParts(NamedTuple):
    """What a ``## …`` heading of a Keep a Changelog file says."""

    label: str  # "Unreleased", "1.2.0", "v1.2.0", "master"
    bracketed: bool  # written '[1.2.0]': a link whose definition is in the footer
    date: str | None
    yanked: bool
    url: str | None = None  # written '[1.2.0](URL)' (towncrier's Markdown): an inline link, no definition

    @property
    def unreleased(self) -> bool:
        return self.label.strip().casefold() == UNRELEASED


def heading_parts(title: str) -> HeadingParts:
    """Split a release heading's title; string operations only (bounded on any line)."""
    t = title.strip()
    bracketed = False
    url = None
    if t.startswith("[") and t.find("]") > 1:
        close = t.find("]")
        label, rest, bracketed = t[1:close], t[close + 1:], True
        if rest.startswith("(") and rest.find(")") > 1:  # '[26.1.0](https://…) - DATE': linked inline
            url, rest, bracketed = rest[1:rest.find(")")].strip(), rest[rest.find(")") + 1:], False
    else:
        head, _, rest = t.partition(" ")
        label = head
    rest = rest.strip(" \t")
    date = None
    if rest[:1] and rest[0] in _DASHES:
        rest = rest[1:].strip(" \t")
        token, _, rest = rest.partition(" ")
        date = token or None
    yanked = "[YANKED]" in rest.upper()
    return HeadingParts(label.strip(), bracketed, date, yanked, url)


class LinkDefinition(NamedTuple):
    line: int
    label: str
    url: str


class KeepAChangelogDocument(SingleBranchDocument):
    """A Keep a Changelog file: its lines plus where its releases and footer are."""

    format = FORMAT

    def __init__(self, text: str, path: str = "CHANGELOG.md", read_version: "Callable[[str], Version | None] | None" = None) -> None:
        super().__init__(text, path, read_version)

    def reindex(self) -> None:
        lines = self.lines
        n = len(lines)
        raw = [strip_eol(line) for line in lines]
        kinds, _, self.outline = scan(raw)
        footer, links = self._footer(raw, kinds, TOP)
        stop = footer if footer is not None else n
        heads = [i for i in range(stop) if kinds[i] == TOP and heading_title(raw[i], 2) is not None]
        releases = []
        for k, start in enumerate(heads):
            end = heads[k + 1] if k + 1 < len(heads) else stop
            separator = _rule(raw, kinds, start, end)
            body_end = end if separator is None else separator
            title = heading_title(raw[start], 2) or ""
            parts = heading_parts(title)
            cat_heads = [(heading_title(raw[i], 3), i) for i in range(start + 1, body_end)
                         if kinds[i] == TOP and heading_title(raw[i], 3) is not None]
            ends = [line for _, line in cat_heads[1:]] + [body_end]
            cats = [Category(t or "", line, end) for (t, line), end in zip(cat_heads, ends)]
            version = None if parts.unreleased else self.heading_version(parts.label)
            status = "unreleased" if parts.unreleased else ("released" if version is not None else None)
            releases.append(Release(title=title, version=version, start=start, body_end=body_end,
                                    end=end, separator=separator, status_line=start, status=status,
                                    date=parts.date, categories=cats))
        self.releases = releases
        self.archive = None
        self.footer = footer
        self.links = links

    @staticmethod
    def _footer(raw: list[str], kinds: list[str], top: str) -> tuple[int | None, list[LinkDefinition]]:
        """The footer: from the first release definition of the file's trailing run of
        definitions and blank lines; (its first line, its definitions)."""
        i = len(raw)
        first = None
        while i > 0:
            line = raw[i - 1]
            if line.strip():
                m = _DEFINITION_RE.match(line) if kinds[i - 1] == top and "]:" in line else None
                if m is None:
                    break
                if is_release_label(m["label"]):
                    first = i - 1
            i -= 1
        if first is None:
            return None, []
        links = []
        for j in range(first, len(raw)):
            m = _DEFINITION_RE.match(raw[j])
            if m:
                links.append(LinkDefinition(j, m["label"], m["url"]))
        return first, links

    # -- reading -----------------------------------------------------------------------

    def release(self, version: Version | str | None = None) -> Release:
        if not self.releases:
            raise ContentError(f"{self.path}: no release section (a '## [Unreleased]' or '## [X.Y.Z] - DATE' "
                               f"heading) found", hint="add '## [Unreleased]' below the file's title")
        return super().release(version)

    def unreleased(self) -> Release:
        """The ``## [Unreleased]`` release; ContentError naming the fix when there is none."""
        for rel in self.releases:
            if rel.status == "unreleased":
                return rel
        raise ContentError(f"{self.path}: no '## [Unreleased]' section",
                           hint="add '## [Unreleased]' above the newest release (build collects entries there)")

    def newest_release(self) -> Release | None:
        """The highest released version (files are newest first, but not always)."""
        released = [(r.version, r) for r in self.releases if r.version is not None]
        return max(released, key=lambda vr: vr[0])[1] if released else None

    def definition(self, label: str) -> LinkDefinition | None:
        want = normalise_label(label)
        for link in self.links:
            if normalise_label(link.label) == want:
                return link
        return None

    def release_text(self, rel: Release) -> str:
        """The section, plus its heading's link definition so that ``[1.2.0]`` stays a link."""
        text = self.section_text(rel).rstrip() + "\n"
        parts = heading_parts(rel.title)
        link = self.definition(parts.label) if parts.bracketed else None
        if link is not None:
            text += "\n" + strip_eol(self.lines[link.line]).strip() + "\n"
        return text

    # -- editing -----------------------------------------------------------------------

    def list_style(self, rel: Release, category: str) -> ListStyle:
        """The file's own lists, so that built entries read like the hand-written ones:
        the category's style when it has entries, else the release's, else the file's
        (most categories win), else Keep a Changelog's own: ``-`` and tight."""
        own = [c for c in rel.categories if c.key == category_key(category)]
        for scope in (own, rel.categories, [c for r in self.releases for c in r.categories]):
            style = _style_of(self, scope)
            if style is not None:
                # a category that writes its first entry right under its heading (derive_more 0.99.0)
                if own and scope is own and own[0].start + 1 < len(self.lines) and \
                        _BULLET.match(self.lines[own[0].start + 1]):
                    style = style._replace(under="")
                return style
        return TIGHT

    def open_unreleased(self) -> Release:
        """The ``## [Unreleased]`` release, added above the newest release heading (below the
        preamble and a towncrier start marker) when the file has none: a towncrier project's
        notes list only releases.  Its spelling follows the file: ``## Unreleased`` when the
        releases are linked inline (stamping links it the same way), else ``## [Unreleased]``."""
        for rel in self.releases:
            if rel.status == "unreleased":
                return rel
        nl = self.newline
        inline = bool(self.releases) and heading_parts(self.releases[0].title).url is not None
        heading = "## Unreleased" if inline else "## [Unreleased]"
        at = self.releases[0].start if self.releases else (self.footer if self.footer is not None else len(self.lines))
        if at == len(self.lines) and at and not self.lines[-1].endswith("\n"):
            self.lines[-1] += nl
        gap = [nl] if at and not is_blank(self.lines[at - 1]) else []
        self.splice(at, at, gap + [heading + nl, nl])
        return self.unreleased()

    def stamp_unreleased(self, version: Version, date: str, *, unreleased_url: str | None,
                         version_url: str | None, project: str = "") -> None:
        """``## [Unreleased]`` becomes ``## [VERSION] - DATE`` under a fresh, empty one.

        The fresh heading is the old line itself (its spelling kept); with bracketed
        headings the footer gets ``[VERSION]: version_url`` and ``[unreleased]`` is
        re-pointed to ``unreleased_url``.  Every other line keeps its bytes.
        """
        rel = self.unreleased()
        if any(r.version == version for r in self.releases):
            raise ContentError(f"{self.path}: '## [{version}]' already exists",
                               hint="release a newer version (--version)")
        parts = heading_parts(rel.title)
        old = self.lines[rel.start]
        nl = self.newline
        newest = self.newest_release()
        inline = (not parts.bracketed and version_url is not None and newest is not None
                  and heading_parts(newest.title).url is not None)  # the file links its headings inline
        label = f"[{version}]" if parts.bracketed else (f"[{version}]({version_url})" if inline else str(version))
        self.lines[rel.start] = f"## {label} - {date}{eol(old, '')}"
        fresh = old if old.endswith("\n") else old + nl
        self.splice(rel.start, rel.start, [fresh, nl])
        if parts.bracketed and version_url:
            self._link_release(str(version), version_url, unreleased_url)

    def _link_release(self, version: str, version_url: str, unreleased_url: str | None) -> None:
        nl = self.newline
        unreleased = self.definition(UNRELEASED)
        new_def = [] if self.definition(version) else [f"[{version}]: {version_url}{nl}"]
        if unreleased is not None:
            line = self.lines[unreleased.line]
            m = _DEFINITION_RE.match(strip_eol(line))
            assert m is not None
            if unreleased_url:
                self.lines[unreleased.line] = line[:m.start("url")] + unreleased_url + line[m.end("url"):]
            self.splice(unreleased.line + 1, unreleased.line + 1, new_def)
            return
        added = ([f"[unreleased]: {unreleased_url}{nl}"] if unreleased_url else []) + new_def
        if self.footer is not None:
            self.splice(self.footer, self.footer, added)
            return
        if not added:
            return
        at = len(self.lines)
        if at and not self.lines[-1].endswith("\n"):
            self.lines[-1] += nl
        gap = [nl] if at and not is_blank(self.lines[-1]) else []
        self.splice(at, at, gap + added)


TIGHT = ListStyle("-", "\n")
_RULE = lazy(r"^ {0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})$")


def _rule(raw: list[str], kinds: list[str], start: int, end: int) -> int | None:
    """The thematic break (``---``) that closes a release, after a blank line and followed
    only by blank lines (attrs' older releases): the line between releases, not content of
    the last category; None when the release has none."""
    i = end
    while i > start + 1 and is_blank(raw[i - 1]):
        i -= 1
    i -= 1
    if i > start + 1 and kinds[i] == TOP and _RULE.match(raw[i]) and is_blank(raw[i - 1]):
        return i
    return None


def _style_of(doc: NotesDocument, categories: list[Category]) -> ListStyle | None:
    """The style most of ``categories`` write their bullets in (None: no bullets there).
    A category of one entry says its marker but not whether its list is tight."""
    markers: dict[str, int] = {}
    gaps: dict[str, int] = {}
    for cat in categories:
        entries = [b for b in blocks(doc, cat.start + 1, cat.end) if b.kind == "entry"]
        if not entries:
            continue
        marker = doc.lines[entries[0].start][0]
        markers[marker] = markers.get(marker, 0) + 1
        if len(entries) > 1:
            loose = any(nxt.start > cur.end for cur, nxt in zip(entries, entries[1:]))
            found = "\n\n" if loose else "\n"
            gaps[found] = gaps.get(found, 0) + 1
    if not markers:
        return None
    marker = max(markers, key=lambda m: markers[m])
    # one entry per category: the file's habit decides, else tight
    chosen = max(gaps, key=lambda g: gaps[g]) if gaps else (_file_gap(doc) or "\n")
    return ListStyle(marker, chosen)


def _file_gap(doc: NotesDocument) -> str | None:
    gaps: dict[str, int] = {}
    for rel in doc.releases:
        for cat in rel.categories:
            entries = [b for b in blocks(doc, cat.start + 1, cat.end) if b.kind == "entry"]
            for cur, nxt in zip(entries, entries[1:]):
                gap = "\n\n" if nxt.start > cur.end else "\n"
                gaps[gap] = gaps.get(gap, 0) + 1
    return max(gaps, key=lambda g: gaps[g]) if gaps else None


def parse(text: str, path: str = "CHANGELOG.md") -> KeepAChangelogDocument:
    return KeepAChangelogDocument(text, path)
