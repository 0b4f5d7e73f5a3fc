"""Notes in reStructuredText, in towncrier's layout (``NEWS.rst``, ``doc/en/changelog.rst``).

The same promise as the Markdown formats: a document is its list of lines, parsing only
records where things are, serialising is ``"".join(lines)`` and every edit is a splice.
What the scan reads:

* a section title is a line of text at column 0 under (and perhaps over) a line of one
  repeated punctuation character, as rST writes it; its *style* is the character and
  whether it has an overline, and styles rank in the order they first appear (rST's rule);
* with a ``.. towncrier release notes start`` line, the releases are below it and
  everything above is the preamble (its titles, the project's title among them, are not
  releases); without one, everything before the first release title is;
* a release is a title in the style of the first title that names a version
  (``pytest 9.1.1 (2026-06-19)``, ``trio 0.34.0 (2026-08-10)``, ``25.2 (2025-07-30)``);
  the date in parentheses is its status; a title that says ``unreleased`` is the
  unreleased release (``build`` opens one below the start marker:
  :meth:`RstDocument.open_unreleased`);
* its categories are the titles of the next style down (``Bug fixes`` under ``-----``);
  a category's ``start`` is its underline, so its entries begin on the next line.

Entries are Markdown fragments rendered and converted to rST as they go in
(:func:`relnotes.markdown.rst.to_rst`, through :meth:`RstDocument.list_style`).
"""

from __future__ import annotations

import re
from typing import Callable, NamedTuple

from relnotes.errors import ContentError
from relnotes.markdown.blocks import scan
from relnotes.markdown.rst import escape, safe_lines, to_rst
from relnotes.markdown.structure import UNRELEASED, is_blank, strip_eol
from relnotes.notes.base import SingleBranchDocument
from relnotes.notes.blocks import blocks
from relnotes.notes.editing import ListStyle
from relnotes.notes.model import Category, Release
from relnotes.patterns import lazy
from relnotes.version import Version

FORMAT = "rst"
START_MARKER = ".. towncrier release notes start"
_ADORNMENT = lazy(r"^([!-/:-@\[-`{-~])\1{2,}[ \t]*$")  # a line of one punctuation character, 3 or more
# A version in a title: '9.1.1', 'v0.34.0', '25.2', '1.0.0rc1'; bounded, on one title line
_VERSION = lazy(r"(?<![\w.])v?(\d{1,9}(?:\.\d{1,9}){1,3}(?:[-.]?(?:a|b|rc|dev|post|alpha|beta)\.?\d{0,9})?)(?![\w.])")
_DATE = lazy(r"\((\d{4}-\d{2}-\d{2})\b")  # '(2026-06-19)', '(2018-10-15 - not published …)'
_PEP440 = lazy(r"^(?P<base>\d{1,9}\.\d{1,9}(?:\.\d{1,9})?)(?:[-.]?(?P<pre>a|b|rc|alpha|beta)\.?(?P<n>\d{0,9}))?$")


class Title(NamedTuple):
    """A section title: its text line, first line (the overline, if any), underline, style."""

    text: str
    line: int
    start: int
    underline: int
    style: tuple[str, bool]  # (character, overlined)


def title_version(text: str) -> Version | None:
    """The version a release title names (``X.Y`` read as ``X.Y.0``), or None."""
    m = _VERSION.search(text)
    if m is None:
        return None
    text = m[1].removeprefix("v")
    pep440 = _PEP440.match(text)  # '8.0.0rc2', '1.0.0b9', '25.2': the semantic version they mean
    if pep440 is not None:
        base = pep440["base"] + (".0" if pep440["base"].count(".") == 1 else "")
        text = base + (f"-{pep440['pre']}{pep440['n']}" if pep440["pre"] else "")
    return Version.try_parse(text)


def notes_text(title: str = "Changelog") -> str:
    """A new rST notes file: its title, the start marker and below it the unreleased
    release (in towncrier's default underlines: ``=`` for releases, ``-`` for categories)."""
    return f"{title}\n{'=' * max(len(title), 3)}\n\n{START_MARKER}\n\n{UNRELEASED.title()}\n{'=' * len(UNRELEASED)}\n"


def title_words(text: str) -> str:
    """The words before the version in a release title (``pytest`` of ``pytest 9.1.1 (…)``)."""
    m = _VERSION.search(text)
    return text[:m.start()].strip() if m else ""


def titles(raw: list[str]) -> list[Title]:
    """Every section title at column 0, in order (one pass)."""
    out: list[Title] = []
    i, n = 0, len(raw)
    used = -1  # the last line a title took: an underline is no overline of the next title
    while i + 1 < n:
        text = raw[i]
        under = _ADORNMENT.match(raw[i + 1])
        if (text.strip() and not text[0].isspace() and under and not _ADORNMENT.match(text)
                and len(raw[i + 1].rstrip()) >= min(len(text.rstrip()), 3)):
            over = i - 1 > used and raw[i - 1].rstrip() == raw[i + 1].rstrip()
            out.append(Title(text.strip(), i, i - 1 if over else i, i + 1, (under[1], over)))
            used = i + 1
            i += 2
            continue
        i += 1
    return out


class RstDocument(SingleBranchDocument):
    """A towncrier-style reStructuredText notes file: its lines plus where its releases are."""

    format = FORMAT

    def __init__(self, text: str, path: str = "NEWS.rst", read_version: "Callable[[str], Version | None] | None" = None) -> None:
        super().__init__(text, path, read_version)

    def _scheme_version(self, text: str) -> Version | None:
        m = _VERSION.search(text)  # the project's scheme reads it ('26.3', '1.2.0rc1')
        return self.read_version(m[1]) if m and self.read_version else None

    def reindex(self) -> None:
        raw = [strip_eol(line) for line in self.lines]
        _, _, self.outline = scan(raw)  # what the proof compares (rST titles read as setext headings)
        self.marker = next((i for i, line in enumerate(raw) if line.strip() == START_MARKER), None)
        found = [t for t in titles(raw) if self.marker is None or t.start > self.marker]
        release_style = next((t.style for t in found if title_version(t.text) is not None
                              or t.text.strip().casefold() == UNRELEASED), None)
        heads = [t for t in found if t.style == release_style]
        self.release_style = release_style
        styles = [t.style for t in found if t.style != release_style]
        self.category_style = styles[0] if styles else None
        releases = []
        for k, head in enumerate(heads):
            body_end = heads[k + 1].start if k + 1 < len(heads) else len(raw)
            cats_t = [t for t in found if head.line < t.line and t.underline < body_end
                      and t.style == self.category_style]
            ends = [t.start for t in cats_t[1:]] + [body_end]
            cats = [Category(t.text, t.underline, end) for t, end in zip(cats_t, ends)]
            version = title_version(head.text) if self.read_version is None else self._scheme_version(head.text)
            date = _DATE.search(head.text)
            unreleased = UNRELEASED in head.text.casefold()
            status = "unreleased" if unreleased else ("released" if date is not None else None)
            releases.append(Release(title=head.text, version=None if unreleased and version is None else version,
                                    start=head.start, body_end=body_end, end=body_end, separator=None,
                                    status_line=head.start, status=status,
                                    date=date[1] if date else None, categories=cats))
        self.releases = releases
        self.archive = None

    # -- reading -----------------------------------------------------------------------

    def release(self, version: Version | str | None = None) -> Release:
        if not self.releases:
            raise ContentError(f"{self.path}: no release section (a title such as 'project 1.2.0 (YYYY-MM-DD)' "
                               f"under a line of '=') found",
                               hint=f"add a '{START_MARKER}' line above where releases go")
        return super().release(version)

    def unreleased(self) -> Release:
        for rel in self.releases:
            if rel.status == "unreleased":
                return rel
        raise ContentError(f"{self.path}: no unreleased section (a title 'Unreleased')",
                           hint="run 'relnotes build' to open one")

    def newest_release(self) -> Release | None:
        released = [(r.version, r) for r in self.releases if r.version is not None and r.status == "released"]
        return max(released, key=lambda vr: vr[0])[1] if released else None

    # -- editing -----------------------------------------------------------------------

    def _adorned(self, text: str, style: tuple[str, bool] | None, fallback: str) -> list[str]:
        char, over = style or (fallback, False)
        nl = self.newline
        rule = char * max(len(text), 3) + nl
        return ([rule] if over else []) + [text + nl, rule]

    def category_heading(self, name: str) -> str:
        """A new category's title in the file's category style (lines joined by ``\\n``)."""
        return "\n".join(strip_eol(line) for line in self._adorned(name, self.category_style, "-"))

    def open_unreleased(self) -> Release:
        """The unreleased release; added below the start marker (above the newest release,
        or at the end) when the file has none, as towncrier adds a release."""
        for rel in self.releases:
            if rel.status == "unreleased":
                return rel
        nl = self.newline
        if self.releases:
            at = self.releases[0].start
        elif self.marker is not None:
            at = self.marker + 1
        else:
            at = len(self.lines)
        if at == len(self.lines) and at and not self.lines[-1].endswith("\n"):
            self.lines[-1] += nl
        gap = [nl] if at and not is_blank(self.lines[at - 1]) else []
        self.splice(at, at, gap + self._adorned("Unreleased", self.release_style, "=") + [nl])
        return self.unreleased()

    def stamp_unreleased(self, version: Version, date: str, *, unreleased_url: str | None,
                         version_url: str | None, project: str = "") -> None:
        """The unreleased title becomes ``PROJECT VERSION (DATE)`` (the newest release's
        words before its version, else ``project``), its adornment fitted to the new length."""
        rel = self.unreleased()
        if any(r.version == version for r in self.releases):
            raise ContentError(f"{self.path}: a release {version} already exists",
                               hint="release a newer version (--version)")
        newest = self.newest_release()
        words = title_words(newest.title) if newest is not None else project
        text = f"{words} {version} ({date})".strip()
        raw = [strip_eol(line) for line in self.lines]
        head = next(t for t in titles(raw) if t.start == rel.start)
        new = self._adorned(text, head.style, "=")
        self.splice(head.start, head.underline + 1, new)

    def blank_lines_before_category(self) -> int:
        """The blank lines the file's released categories have between their last entry and
        the next category's title (towncrier's default template: 2; pytest's: 3), at most 3."""
        raw = [strip_eol(line) for line in self.lines]
        gaps: dict[int, int] = {}
        for r in self.releases:
            for cat in r.categories[1:]:  # (an unreleased one's too: what build wrote the same way)
                over = cat.start >= 2 and raw[cat.start - 2] == raw[cat.start] and not is_blank(self.lines[cat.start])
                k = top = cat.start - (2 if over else 1)  # the title's first line (its overline, if any)
                while k > r.start and is_blank(self.lines[k - 1]):
                    k -= 1
                gaps[top - k] = gaps.get(top - k, 0) + 1
        return min(max(gaps, key=lambda g: gaps[g]), 3) if gaps else 1

    def blank_lines_before_release(self) -> int:
        """The blank lines the file has above its release titles (after the first), at most 3."""
        gaps: dict[int, int] = {}
        for r in self.releases[1:]:
            k = r.start
            while k > 0 and is_blank(self.lines[k - 1]):
                k -= 1
            gaps[r.start - k] = gaps.get(r.start - k, 0) + 1
        return min(max(gaps, key=lambda g: gaps[g]), 3) if gaps else 1

    def list_style(self, rel: Release, category: str) -> ListStyle:
        """The file's bullets and the blank lines between them (towncrier writes two), with
        each Markdown entry converted to rST."""
        gaps: dict[int, int] = {}
        for r in self.releases:
            for cat in r.categories:
                found = [b for b in blocks(self, cat.start + 1, cat.end) if b.kind == "entry"]
                for cur, nxt in zip(found, found[1:]):
                    gaps[nxt.start - cur.end] = gaps.get(nxt.start - cur.end, 0) + 1
        blank = max(gaps, key=lambda g: gaps[g]) if gaps else 1
        layout = reference_layout(self.lines)
        return ListStyle("-", "\n" * (min(blank, 3) + 1), lambda markdown: entry_rst(markdown, *layout))


# An entry's references line as to_rst writes it: `#12 <url>`__ (or a plain #12), comma-separated
_REFERENCE = r"(?:`[^`<>\n]{1,200} <[^`<>\s]{1,2000}>`__|#\d{1,12})"
_REFERENCES_LINE = lazy(rf"^  ({_REFERENCE}(?:,? {_REFERENCE}){{0,200}})$")
_TEXT_LINE = lazy(r"^(?:- |  )\S")
_FIRST = lazy(r"^[-*] `#\d{1,12} <[^`<>\s]{1,2000}>`__?: ")  # pytest's template: '- `#12 <url>`_: text'
_AFTER = lazy(r"\(`#\d{1,12} <[^`<>\s]{1,2000}>`__?\)\s*$")  # towncrier's default: 'text (`#12 <url>`_)'
_NAMED = lazy(r"`#\d{1,12} <[^`<>\s]{1,2000}>`_(?!_)")


def reference_layout(lines: list[str]) -> tuple[bool, bool]:
    """(references first, as named ``_`` references) as the file's released entries write
    them (the majority; towncrier's default — after the text, anonymous — without any)."""
    first = after = named = anonymous = 0
    for line in lines:
        first += bool(_FIRST.match(line))
        after += bool(_AFTER.search(line))
        for m in re.finditer(r"`#\d{1,12} <[^`<>\s]{1,2000}>`__?", line):
            named += bool(_NAMED.match(m[0]))
            anonymous += not _NAMED.match(m[0])
    return first > after, named > anonymous


def entry_rst(markdown: str, first: bool = False, named: bool = False) -> str:
    """A rendered Markdown entry in towncrier's rST layout: its references line (when it is
    the entry's last and the line before is the entry's own text, not a code block, a nested
    list or a literal block's ``::``) goes after the text in parentheses (``text (`#12
    <url>`__)``, the default template) or, with ``first``, before it (``- `#12 <url>`_:
    text``, pytest's); ``named`` writes ``_`` references where the file does."""
    lines = to_rst(markdown).split("\n")
    if not lines[0].startswith("- "):  # not one bullet ('* *****' is a thematic break): one bullet of its text
        text = re.sub(r"^[*+-][ \t]+", "", markdown.strip())  # the rendered entry's own bullet
        shown = safe_lines([escape(ln.strip()) for ln in text.split("\n")])
        lines = ["- " + shown[0], *("  " + ln if ln else "" for ln in shown[1:])]
    if len(lines) >= 2:
        refs = _REFERENCES_LINE.match(lines[-1])
        prev = lines[-2]
        if refs and _TEXT_LINE.match(prev) and not prev.rstrip().endswith("::") and lines[0].startswith("- "):
            written = re.sub(r">`__", ">`_", refs[1]) if named else refs[1]
            if first:
                lines = [f"- {written}: {lines[0][2:]}", *lines[1:-1]]
            else:
                lines[-2:] = [f"{prev.rstrip()} ({written})"]
    return "\n".join(lines)
