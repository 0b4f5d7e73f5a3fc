"""CommonMark's block structure, line by line: where code is and what is top level.

The notes scanner (``relnotes.notes.releases``) must not read a ``## 1.0.0`` inside a code
block as a release, and must read one *after* a code block that its list item has
already closed.  Both depend on CommonMark's container rules, which this module
follows: block quotes and list items (with their content indentation), lazy
paragraph continuation, fenced code (the fence character and length, closing fences
of at most three spaces' indentation with nothing after them, no backtick in a
backtick fence's info string) and indented code (four columns, not inside a
paragraph).  A fence that its container's end closes is *not* open afterwards: an
unclosed fence inside a list item stops at the first line that leaves the item.

Fragment validation uses the same tracker on a body (every fence it opens must be
closed), so what ``check`` accepts and what the scanner sees cannot disagree.  HTML blocks (CommonMark's seven kinds) are tracked too: their lines after the first
are :data:`HTML`, never structure, and one of kinds 1-5 that its container's end or
the text's end leaves open is recorded.  Tabs are expanded to the next multiple of
four columns before the container prefix is read, as GitHub does.

While it scans, the tracker records the *outline* GitHub would show
(:class:`Outline`): every heading (ATX or setext) at any depth, every link reference
definition, every HTML block left open.  :mod:`relnotes.notes.proof` compares outlines.
With ``comments=True`` (:mod:`relnotes.markdown.visible`) HTML blocks and link definitions
over lines (:mod:`relnotes.markdown.definitions`) are HIDDEN; ``shown``: unfinished ones.
"""

from __future__ import annotations

from relnotes.markdown import definitions
from relnotes.markdown.html_blocks import html_kind
from relnotes.markdown.limits import MAX_NESTING
from relnotes.markdown.outline import Outline
from relnotes.markdown.starts import expand, fence_open, indentation, list_marker, may_start_block, thematic
from relnotes.markdown.structure import normalise_label
from relnotes.patterns import lazy

# Containers (quotes, list items) open at most this deep; past it a line's rest is text.
# Each level costs a look at the rest of the line, so a notes file's line of 40,000 list
# markers ('- - - … x', 80 KB) took a minute to read (check on a PR that edits the notes):
# now linear.  Fragments deeper than MAX_NESTING are refused by the screen, so what the
# proof compares (its own scans of the old, intended and new texts) never reaches it.
MAX_OPEN = 4 * MAX_NESTING

TOP = "top"  # a line at the top level (no open container), not code
NESTED = "nested"  # inside a block quote or list item
CODE = "code"  # part of a fenced or indented code block, fence lines included
HTML = "html"  # a line of an HTML block after its first
COMMENT = "comment"  # a line of an HTML block that starts with '<!--' (only with comments=True)
HIDDEN = "hidden"  # a link definition's line, or any other HTML block's (only with comments=True)

_SETEXT = lazy(r"(?:=+|-+)[ \t]*\Z")
_DEF = lazy(r"\[((?:[^\\\[\]]|\\.){1,999})\]:[ \t]*(\S*)")


_ATX = lazy(r"#{1,6}(?:[ \t]|\Z)")
_HTML_START = lazy(r"<(?:[A-Za-z/!?])")


class _Item:
    __slots__ = ("width", "blank_start", "lines")

    def __init__(self, width: int, blank_start: bool) -> None:
        self.width = width  # content column, relative to the enclosing container
        self.blank_start = blank_start
        self.lines = 1


class BlockTracker:
    """Feed lines (without line endings) in order; each call says what the line is.

    ``unclosed`` collects the 1-based line numbers of fences that ended without a
    closing fence (at a container's end, or at the end of the text after
    :meth:`finish`).
    """

    def __init__(self, comments: bool = False) -> None:
        self.comments = comments  # report '<!--' HTML blocks (CommonMark's type 2) as COMMENT
        self.stack: list[object] = []  # "quote" or _Item, outermost first
        self.leaf: str | None = None  # None, "para", "fence", "icode"
        self.fence: tuple[str, int, int, int] | None = None  # char, length, indent, line
        self.fence_depth = 0  # containers the fence lives in
        self.unclosed: list[int] = []
        self.number = 0
        self.at = 0  # the line number the outline records (classify sets it: a lone CR is no new line)
        self.outline = Outline()
        self.html: tuple[int, str, int] | None = None  # kind, end string, line of an open HTML block
        self.para = ""  # the open paragraph's first line (a setext heading's title)
        self.pending_def: str | None = None  # a definition's label whose destination is on the next line
        self.defining: definitions.State | None = None  # with comments=True: a definition the line before left open
        self.undo_from = 0  # where the open definition (or its title, on a line of its own) began
        self.interrupted = False  # a block start interrupted an open definition (visible.py hides on)
        self.defined = False  # with comments=True: a definition ended on the line before (definitions.start)
        self.shown: list[tuple[int, int]] = []  # (first, last) lines of unfinished definitions: text after all

    # -- the public part -----------------------------------------------------------------

    def feed(self, line: str) -> str:
        self.number += 1
        if not self.at:
            self.at = self.number
        s = expand(line)
        matched, s = self._continue_containers(s)
        depth = len(self.stack)
        if self.leaf == "fence":
            if matched == depth:
                return self._fence_line(s)
            self._close_to(matched)  # the fence's container ended: so did the fence
        elif self.leaf == "html":
            if matched == depth:
                return self._html_line(s)
            self._close_to(matched)
        elif matched < depth and self.defining is not None and s.strip() and not self._starts_block(s, False):
            return self._open_blocks(s)  # a lazy line of a definition
        elif matched < depth and self.leaf == "para" and s.strip() and not self._starts_block(s, False):
            # lazy continuation of the paragraph.  The line left the paragraph's
            # container, so the rules for interrupting a paragraph do not apply: any
            # list marker there (an empty one, or an ordered one not starting at 1)
            # starts a new list, as in CommonMark's reference implementations.
            return NESTED
        elif matched < depth:
            self._close_to(matched)
        return self._open_blocks(s)

    def finish(self) -> None:
        """The text ended: an open fence is unclosed, an open HTML block of kinds 1-5 too."""
        if self.leaf == "fence" and self.fence is not None:
            self.unclosed.append(self.fence[3])
        self._end_html()
        self._drop_definition(self.number)
        self.leaf = None
        self.fence = None

    def _defining(self, found: definitions.Result) -> str:
        self.defining = found if isinstance(found, tuple) else None
        self.defined = found in (definitions.DONE, definitions.TITLE_MAY_FOLLOW)
        return HIDDEN

    def _drop_definition(self, last: int) -> None:
        if self.defining is not None and self.defining != definitions.TITLE_MAY_FOLLOW:
            self.shown.append((self.undo_from, last))
        self.defining = None

    # -- containers -------------------------------------------------------------------

    def _continue_containers(self, s: str) -> tuple[int, str]:
        for i, c in enumerate(self.stack):
            if c == "quote":
                ind = indentation(s)
                if ind <= 3 and s[ind:ind + 1] == ">":
                    s = s[ind + 1:]
                    s = s[1:] if s[:1] == " " else s
                    continue
                return i, s
            assert isinstance(c, _Item)
            if not s.strip():
                if c.blank_start and c.lines == 1:
                    return i, s  # an item may begin with at most one blank line
                c.lines += 1
                s = ""
                continue
            if indentation(s) >= c.width:
                c.lines += 1
                s = s[c.width:]
                continue
            return i, s
        return len(self.stack), s

    def _close_to(self, depth: int) -> None:
        if self.leaf == "fence" and self.fence is not None:
            self.unclosed.append(self.fence[3])
        self._end_html()
        self._drop_definition(self.number - 1)
        del self.stack[depth:]
        self.leaf = None
        self.fence = None

    # -- leaves -----------------------------------------------------------------------

    def _end_html(self) -> None:
        if self.leaf == "html" and self.html is not None and self.html[0] <= 5:
            self.outline.open_html.append(self.html[2])
        self.html = None

    def _html_line(self, s: str) -> str:
        assert self.html is not None
        kind, end, _ = self.html
        if kind >= 6:
            if not s.strip():  # a blank line ends it (and is no part of it)
                self.html = None
                self.leaf = None
                return NESTED if self.stack else TOP
        elif end in (s.lower() if kind == 1 else s):
            self.html = None
            self.leaf = None
        return (COMMENT if kind == 2 else HIDDEN) if self.comments else HTML

    def _definition(self, t: str) -> bool:
        """Record ``t`` as a link reference definition if it starts one."""
        m = _DEF.match(t)
        if m is None or not m[1].strip():
            return False
        if m[2]:
            self.outline.definitions.append((self.at, normalise_label(m[1]), definitions.destination(m[2])))
        else:
            self.pending_def = m[1]
        return True

    def _fence_line(self, s: str) -> str:
        assert self.fence is not None
        char, length, indent, _ = self.fence
        ind = indentation(s)
        if ind <= 3:
            t = s[ind:]
            run = len(t) - len(t.lstrip(char))
            if run >= length and not t[run:].strip(" \t"):
                self.leaf = None
                self.fence = None
        return CODE

    def _starts_block(self, s: str, interrupting: bool) -> bool:
        """Would ``s`` start a block other than a paragraph continuation?"""
        ind = indentation(s)
        if ind > 3:
            return False
        t = s[ind:]
        if t[:1] == ">" or _ATX.match(t) or thematic(t):
            return True
        if _HTML_START.match(t):  # kind 7 cannot interrupt a paragraph
            return not interrupting or 0 < html_kind(t)[0] < 7
        if fence_open(t) is not None:
            return True
        mk = list_marker(t)
        if mk is not None:
            _, first, blank = mk
            return not interrupting or (first and not blank)
        return False

    def _open_blocks(self, s: str) -> str:
        nested = bool(self.stack)
        state, just_defined, self.defined = self.defining, self.defined, False
        if state is not None:
            if state == definitions.TITLE_MAY_FOLLOW:
                self.undo_from = self.number
            if s.strip() and self._starts_block(s, True):
                self.defining, self.interrupted = None, True  # (mistletoe reads a title on, to a blank line)
            else:
                found = definitions.step(state, s.lstrip(" \t")) if s.strip() else definitions.BAD
                if found != definitions.BAD:
                    return self._defining(found)
                self._drop_definition(self.number - 1)  # unfinished: its lines were text
                if s.strip() and state != definitions.TITLE_MAY_FOLLOW:
                    self.leaf = "para"
                    return NESTED if nested else TOP
        pending, self.pending_def = self.pending_def, None
        if pending is not None and s.strip():
            self.outline.definitions.append((self.at, normalise_label(pending), definitions.destination(s.split()[0])))
            self.leaf = None
            return NESTED if nested else TOP
        while True:
            if not s.strip():
                if self.leaf != "icode":
                    self.leaf = None
                return NESTED if nested else TOP
            ind = indentation(s)
            if ind >= 4:
                if self.leaf == "para":
                    return NESTED if nested else TOP
                self.leaf = "icode"
                return CODE
            if self.leaf == "icode":
                self.leaf = None
            t = s[ind:]
            if len(self.stack) >= MAX_OPEN:
                break  # the rest is text: see MAX_OPEN
            if not may_start_block(t):
                break  # (most lines: text) a paragraph line
            if t[:1] == ">":
                self.stack.append("quote")
                self.leaf = None
                nested = True
                s = t[1:]
                s = s[1:] if s[:1] == " " else s
                continue
            fence = fence_open(t)
            if fence is not None:
                self.leaf = "fence"
                self.fence = (fence[0], fence[1], ind, self.number)
                return CODE
            if self.leaf == "para" and _SETEXT.match(t):  # the underline of a setext heading
                self.outline.headings.append((self.at, 1 if t[0] == "=" else 2, self.para))
                self.leaf = None
                return NESTED if nested else TOP
            if thematic(t):  # a break
                self.leaf = None
                return NESTED if nested else TOP
            mk = list_marker(t)
            if mk is not None and not (self.leaf == "para" and not (mk[1] and not mk[2])):
                width, _, blank = mk
                rest = t[width:]
                spaces = indentation(rest)
                if blank:
                    content = ind + width + 1
                    s = ""
                elif spaces >= 5:
                    content = ind + width + 1
                    s = rest[1:]
                else:
                    content = ind + width + spaces
                    s = rest[spaces:]
                self.stack.append(_Item(content, blank))
                self.leaf = None
                nested = True
                continue
            if _ATX.match(t):
                level = len(t) - len(t.lstrip("#"))
                self.outline.headings.append((self.at, level, t[level:].strip(" \t").rstrip("#").strip(" \t")))
                self.leaf = None
                return NESTED if nested else TOP
            if _HTML_START.match(t):
                kind, end = html_kind(t)
                if kind and not (kind == 7 and self.leaf == "para"):
                    self.leaf = None
                    rest = t.lower() if kind == 1 else t  # as cmark: the end may overlap the start (<!-->, <?>)
                    if kind >= 6 or end not in rest:
                        self.leaf = "html"
                        self.html = (kind, end, self.at)
                    if self.comments:
                        return COMMENT if kind == 2 else HIDDEN
                    return NESTED if nested else TOP
            if self.comments and self.leaf != "para" and (t[:1] == "[" or just_defined and t[:2] == "]:"):
                found = definitions.start(t)
                if found != definitions.BAD:  # (a label, destination or title may run on)
                    self.leaf, self.undo_from = None, self.number
                    return self._defining(found)
            elif self.leaf != "para" and t[:1] == "[" and self._definition(t):
                self.leaf = None
                return NESTED if nested else TOP
            break
        if self.leaf != "para":
            self.para = t.strip(" \t")
        self.leaf = "para"
        return NESTED if nested else TOP


def classify(lines: list[str]) -> tuple[list[str], list[int]]:
    """The kind of every line (TOP, NESTED or CODE) and the unclosed fences' lines.

    A line holding a lone carriage return is several CommonMark lines; its kind is
    the first one's, and the tracker sees all of them.
    """
    return scan(lines)[:2]


def scan(lines: list[str]) -> tuple[list[str], list[int], Outline]:
    """:func:`classify`, and the outline GitHub would show (:class:`Outline`)."""
    tracker = BlockTracker()
    kinds = []
    for number, line in enumerate(lines, 1):
        tracker.at = number
        if "\r" in line:
            parts = line.split("\r")
            kind = tracker.feed(parts[0])
            for part in parts[1:]:
                tracker.feed(part)
            kinds.append(kind)
        else:
            kinds.append(tracker.feed(line))
    tracker.finish()
    return kinds, tracker.unclosed, tracker.outline


