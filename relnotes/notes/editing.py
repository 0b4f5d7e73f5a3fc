"""Editing a notes file: the splices :class:`relnotes.notes.releases.NotesDocument` inherits.

Apart from :mod:`relnotes.notes.releases` (which reads a file into lines and an index of its
parts) because changing the lines — inserting text in the file's own line endings,
stamping a release, merging rendered entries into categories, rewriting the archive
list — is one job with its own rules.  Each edit is a splice after which the document
re-indexes itself, so the index is never stale.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

from relnotes.errors import ContentError
from relnotes.markdown import structure
from relnotes.notes import model
from relnotes.notes.model import Archive, Release
from relnotes.patterns import lazy


def _may_be_structure(entries: list[str]) -> bool:
    """Whether a rendered entry has a line that could be (or open) notes structure: a line
    after its first that is not indented as an entry's continuation, a fence, or an HTML
    tag at a line's start.  The built-in layout never makes one; a template override can."""
    for entry in entries:
        for line in entry.split("\n")[1:]:
            if line and not line.startswith("  "):
                return True
        if "```" in entry or "~~~" in entry or "\n  <" in entry or "\n   <" in entry:
            return True
    return False


class ListStyle(NamedTuple):
    """How a category's bullets are written: the marker and what goes between two entries."""

    marker: str | None  # '-' or '*'; None keeps the rendered entry's own
    gap: str  # "\n\n" a loose list (a blank line between entries), "\n" a tight one
    convert: Callable[[str], str] | None = None  # the rendered Markdown entry in the file's markup (rST)
    under: str = "\n"  # between a category's heading and its first entry: a blank line, or none

    def join(self, entries: list[str]) -> str:
        """The entries as one block: a tight list keeps a blank line after an entry that ends
        with its link definitions (at the left margin, they are no part of the item)."""
        if self.gap != "\n" or len(entries) < 2:
            return self.gap.join(entries)
        out = entries[0]
        for before, entry in zip(entries, entries[1:]):
            out += ("\n\n" if _DEFINITION_AT_MARGIN.match(before.rsplit("\n", 1)[-1]) else "\n") + entry
        return out

    def restyle(self, entry: str) -> str:
        """``entry`` (a rendered bullet block) with this list's marker (and markup)."""
        if self.convert is not None:
            entry = self.convert(entry)
        if self.marker and entry[:2] in ("- ", "* ") and entry[0] != self.marker:
            return self.marker + entry[1:]
        return entry


LOOSE = ListStyle(None, "\n\n")
_DEFINITION_AT_MARGIN = lazy(r"^\[[^\]\n]{1,999}\]:")


class CategorySpan:
    """A category's key and lines ``[start, end)``, moved by hand while entries go in."""

    __slots__ = ("key", "start", "end")

    def __init__(self, key: str, start: int, end: int) -> None:
        self.key, self.start, self.end = key, start, end


class NotesEditing:
    """The edits of :class:`relnotes.notes.releases.NotesDocument` (needs its ``lines``,
    ``releases``, ``archive``, ``path``, ``newline`` and ``reindex``)."""

    # What NotesDocument defines; declared here for the type checker only.
    lines: list[str]
    releases: list[Release]
    archive: Archive | None
    path: str
    if TYPE_CHECKING:
        @property
        def newline(self) -> str: ...

        def reindex(self) -> None: ...

    def splice(self, start: int, end: int, new_lines: list[str]) -> None:
        self.lines[start:end] = new_lines
        self.reindex()

    def _lines(self, text: str) -> list[str]:
        """Split inserted text into lines using the file's own line ending."""
        nl = self.newline
        return [ln + nl for ln in text.split("\n")] if text else []

    def insert_text(self, at: int, text: str) -> None:
        """Insert ``text`` (``\\n``-separated, without a final newline) before line ``at``."""
        if at > 0 and at == len(self.lines) and not self.lines[-1].endswith(("\n", "\r")):
            self.lines[-1] += self.newline
        self.splice(at, at, self._lines(text))

    def require_status(self, rel: Release) -> None:
        """Refuse (exit 1) a release whose status line is missing or unreadable: without one it
        is neither unreleased nor released, and no command may guess which (``release`` once
        took it for released and exited 0 having done nothing)."""
        if rel.status is None or rel.status_line is None:
            raise ContentError(
                f"{self.path}:{rel.start + 1}: '## {rel.title}' has no status line",
                hint="add 'Unreleased.' (or 'Released YYYY-MM-DD.') on its own line below the heading",
            )

    def set_status(self, rel: Release, date: str) -> bool:
        """Stamp ``rel`` released on ``date``; False when it already says exactly that."""
        self.require_status(rel)
        assert rel.status_line is not None  # require_status refused the rest
        old = self.lines[rel.status_line]
        m = structure.STATUS_RE.match(old.strip())
        assert m is not None
        new = f"Released {date}{m['dot']}{structure.eol(old, '')}"
        if rel.status == "released":
            return False
        self.lines[rel.status_line] = new
        self.reindex()
        return True

    def list_style(self, rel: Release, category: str) -> ListStyle:
        """How entries merged into ``rel``'s ``category`` are written: a format that learns
        its file's lists (Keep a Changelog) overrides it; by default loose, as rendered."""
        return LOOSE

    def category_heading(self, name: str) -> str:
        """The heading of a category that ``merge_entries`` creates (a format may differ)."""
        return f"### {name}"

    def blank_lines_before_category(self) -> int:
        """How many blank lines go between a category's last entry and the next category's
        heading that ``merge_entries`` creates (a format may learn it from the file)."""
        return 1

    def blank_lines_before_release(self) -> int:
        """How many blank lines a category ``merge_entries`` adds at a release's end leaves
        before the next release's heading."""
        return 1

    def intro_span(self, rel: Release) -> tuple[int, int]:
        """Lines ``[start, end)`` under ``rel``'s heading (and status line) before its first
        category: where its summaries and uncategorised entries are."""
        start = rel.status_line + 1 if rel.status_line is not None else rel.start + 1
        end = rel.categories[0].start if rel.categories else rel.body_end
        return start, max(start, end)

    def _insert_intro(self, rel: Release, text: str, before_bullets: bool, style: ListStyle | None) -> None:
        """Put ``text`` under ``rel``'s heading: after the prose already there (summaries, when
        ``before_bullets``: before the entries already outside any category), else after
        everything there (uncategorised entries, joined to those as ``style`` says)."""
        start, end = self.intro_span(rel)
        if before_bullets:
            end = next((i for i in range(start, end) if structure.ENTRY_BULLET_RE.match(self.lines[i])), end)
        last = end - 1
        while last >= start and structure.is_blank(self.lines[last]):
            last -= 1
        kind, blank = None, True  # what the last block there is: an entry or prose
        for ln in self.lines[start:last + 1]:
            if structure.ENTRY_BULLET_RE.match(ln):
                kind = "entry"
            elif not structure.is_blank(ln) and not ln.startswith((" ", "\t")) and (blank or kind != "entry"):
                kind = "prose"
            blank = structure.is_blank(ln)
        # after an entry outside any category: the list's own gap; after the heading, the
        # status line or prose: a blank line
        lead = style.gap[1:] if style is not None and kind == "entry" else "\n"
        at = last + 1 if last >= start else start
        if at < len(self.lines) and not structure.is_blank(self.lines[at]):
            text += "\n"  # what follows (a category, the next release, a bullet) stays apart
        if at > 0 and at == len(self.lines) and not self.lines[-1].endswith(("\n", "\r")):
            self.lines[-1] += self.newline
        self.splice(at, at, self._lines(lead + text))

    def merge_entries(self, rel: Release, by_category: list[tuple[str, list[str]]],
                      order: list[str], styles: Callable[[str], ListStyle] | None = None,
                      summaries: list[str] | tuple[str, ...] = (),
                      uncategorised: list[str] | tuple[str, ...] = ()) -> None:
        """Append rendered entries to ``rel``'s categories, creating missing headings.

        ``by_category`` is ``[(category, [entry_text, …]), …]``; each entry is a bullet
        block without a final newline.  Entries go after the category's last non-blank
        line, one blank line between entries, so hand-written entries stay where they
        are.  The list's style (:meth:`list_style`, or ``styles`` by category key: the
        original's, when import rebuilds a section) picks the marker and whether a blank
        line goes between entries.  A missing category heading is created after the last existing category
        that precedes it in ``order`` (or before the first that follows it).
        ``summaries`` (rendered release summaries) go under the release heading (and status
        line), after the prose there and before any entry outside a category;
        ``uncategorised`` entries after everything there, both before the first category.
        """
        rank = {model.category_key(name): i for i, name in enumerate(order)}
        rel = self.releases[self._index_of(rel)]
        if summaries or uncategorised:  # under the heading first; then the categories, as they now are
            loose = (styles or (lambda key: self.list_style(rel, key)))("") if uncategorised else None
            if summaries:
                self._insert_intro(rel, "\n\n".join(summaries), True, None)
                rel = self.releases[self._index_of(rel)]
            if loose is not None:
                self._insert_intro(rel, loose.join([loose.restyle(e) for e in uncategorised]), False, loose)
                rel = self.releases[self._index_of(rel)]
        # Where the release's categories are, kept up to date by hand as lines go in, so
        # the document is scanned once at the end, not once per category (10,000 entries
        # in six categories: one scan instead of six).
        cats = [CategorySpan(c.key, c.start, c.end) for c in rel.categories]
        body_end = rel.body_end
        changed = False
        exact = False
        chosen = {model.category_key(name): (styles or (lambda key: self.list_style(rel, key)))(
            model.category_key(name)) for name, _ in by_category}  # read before any line moves
        category_gap = self.blank_lines_before_category()  # so are these
        release_gap = self.blank_lines_before_release()
        for name, entries in by_category:
            if not entries:
                continue
            key = model.category_key(name)
            style = chosen[key]
            entries = [style.restyle(e) for e in entries]
            block = style.join(entries)
            cat = next((c for c in cats if c.key == key), None)
            if cat is not None:
                last = cat.end - 1
                while last > cat.start and structure.is_blank(self.lines[last]):
                    last -= 1
                blanks = style.under if last == cat.start else style.gap[1:]  # as many blank lines as between entries
                at, text, new = last + 1, blanks + block, None
            else:
                at = self.new_category_position(cats, body_end, key, rank)
                blank = 0
                while at - blank > 0 and structure.is_blank(self.lines[at - blank - 1]):
                    blank += 1
                after_entry = at - blank > 0 and (at - blank - 1) > rel.start + 1 and any(
                    c.start < at - blank - 1 < c.end for c in cats)
                wanted = category_gap if after_entry else 1
                prefix = "\n" * max(wanted - blank, 0) if at > 0 else ""
                suffix = "" if at >= len(self.lines) else "\n" * (release_gap if at == body_end else 1)
                heading = self.category_heading(name)  # its last line is where the category starts
                text = f"{prefix}{heading}\n\n{block}{suffix}"
                new = len(prefix) + heading.count("\n")
            if at > 0 and at == len(self.lines) and not self.lines[-1].endswith(("\n", "\r")):
                self.lines[-1] += self.newline
            added = self._lines(text)
            self.lines[at:at] = added
            changed = True
            n = len(added)
            for c in cats:  # shift what follows; an entry's lines belong to its category
                if c.start >= at:
                    c.start += n
                    c.end += n
                elif at < c.end or (c is cat and at <= c.end):
                    c.end += n
            if new is not None:
                cats.append(CategorySpan(key, at + new, at + n))
                cats.sort(key=lambda c: c.start)
            if at <= body_end:
                body_end += n
            exact = exact or _may_be_structure(entries)
            if exact:  # an entry may have opened or closed blocks: from here on, read as the scan does
                self.reindex()
                rel = self.releases[self._index_of(rel)]
                cats = [CategorySpan(c.key, c.start, c.end) for c in rel.categories]
                body_end = rel.body_end
                changed = False
        if changed:
            self.reindex()

    def _index_of(self, rel: Release) -> int:
        for i, r in enumerate(self.releases):
            if r.start == rel.start:
                return i
        raise AssertionError("release moved")  # pragma: no cover

    @staticmethod
    def new_category_position(cats: list[CategorySpan], body_end: int, key: str, rank: dict[str, int]) -> int:
        """Where a missing category goes: after the last one that precedes it in the
        configured order, before the first that follows it, else at the body's end.
        ``cats`` are the release's categories in document order."""
        mine = rank.get(key, len(rank))
        before = [c for c in cats if rank.get(c.key, len(rank)) <= mine]
        after = [c for c in cats if rank.get(c.key, len(rank)) > mine]
        if after and not before:
            return after[0].start
        if before:
            last = before[-1]
            following = [c for c in cats if c.start > last.start]
            return following[0].start if following else body_end
        # no categories at all: after the status line's paragraph
        return body_end

    def replace_archive(self, links: list[tuple[str, str]]) -> None:
        """Rewrite the archive list with ``[(label, url), …]`` (already ordered)."""
        if self.archive is None:
            raise ContentError(
                f"{self.path}: no '{structure.ARCHIVE_MARKER}' line",
                hint=f"add a line '{structure.ARCHIVE_MARKER}' where the archive list should go",
            )
        a = self.archive
        nl = self.newline
        new = [f"* [{label}]({url}){nl}" for label, url in links]
        at_eof = a.end == len(self.lines)
        if at_eof and a.end > a.first and not self.lines[-1].endswith("\n") and new:
            new[-1] = new[-1][: -len(nl)]  # the file ended without a newline; keep it so
        if a.first == len(self.lines) and not self.lines[a.marker].endswith("\n"):
            self.lines[a.marker] += nl
        self.splice(a.first, a.end, new)
