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

Fragment validation uses the same tracker on a body (every fence a body opens must
be closed by a fence line), so what ``check`` accepts and what the scanner sees
cannot disagree.

HTML blocks are not tracked (fragments may not contain them; ``check`` refuses
them), and tabs are expanded to the next multiple of four columns before the
container prefix is read.
"""

from __future__ import annotations

import re

TOP = "top"  # a line at the top level (no open container), not code
NESTED = "nested"  # inside a block quote or list item
CODE = "code"  # part of a fenced or indented code block, fence lines included
COMMENT = "comment"  # part of an HTML block that starts with '<!--' (only with comments=True)

_FENCE = re.compile(r"(`{3,}|~{3,})(.*)\Z", re.S)
_ORDERED = re.compile(r"(\d{1,9})([.)])")
_ATX = re.compile(r"#{1,6}(?:[ \t]|\Z)")
_HTML_START = re.compile(r"<(?:[A-Za-z/!?])")


def _expand(line: str) -> str:
    """Expand tabs to four-column stops (only where a tab occurs)."""
    return line.expandtabs(4) if "\t" in line else line


def _indent(s: str) -> int:
    return len(s) - len(s.lstrip(" "))


def _thematic(s: str) -> bool:
    """``s`` (indentation removed) is a thematic break: 3+ of one of ``-*_`` and spaces."""
    t = s.replace(" ", "").replace("\t", "")
    return len(t) >= 3 and t[0] in "-*_" and t == t[0] * len(t)


def _list_marker(s: str) -> tuple[int, bool, bool] | None:
    """(width of the marker, is it unordered or '1', is the rest blank) or None."""
    if s[:1] in ("-", "*", "+"):
        width, first = 1, True
    else:
        m = _ORDERED.match(s)
        if not m:
            return None
        width, first = m.end(), int(m[1]) == 1
    rest = s[width:]
    if rest and rest[0] != " ":
        return None
    return width, first, not rest.strip()


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
        self.comments = comments  # track '<!--' HTML blocks (CommonMark's type 2) as COMMENT
        self.stack: list[object] = []  # "quote" or _Item, outermost first
        self.leaf: str | None = None  # None, "para", "fence", "icode", "comment"
        self.fence: tuple[str, int, int, int] | None = None  # char, length, indent, line
        self.fence_depth = 0  # containers the fence lives in
        self.unclosed: list[int] = []
        self.number = 0

    # -- the public part -----------------------------------------------------------------

    def feed(self, line: str) -> str:
        self.number += 1
        s = _expand(line)
        matched, s = self._continue_containers(s)
        depth = len(self.stack)
        if self.leaf == "fence":
            if matched == depth:
                return self._fence_line(s)
            self._close_to(matched)  # the fence's container ended: so did the fence
        elif self.leaf == "comment":
            if matched == depth:
                if "-->" in s:  # the line holding the end belongs to the block
                    self.leaf = None
                return COMMENT
            self._close_to(matched)
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
        """The text ended: an open fence is unclosed."""
        if self.leaf == "fence" and self.fence is not None:
            self.unclosed.append(self.fence[3])
        self.leaf = None
        self.fence = None

    # -- containers -------------------------------------------------------------------

    def _continue_containers(self, s: str) -> tuple[int, str]:
        for i, c in enumerate(self.stack):
            if c == "quote":
                ind = _indent(s)
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
            if _indent(s) >= c.width:
                c.lines += 1
                s = s[c.width:]
                continue
            return i, s
        return len(self.stack), s

    def _close_to(self, depth: int) -> None:
        if self.leaf == "fence" and self.fence is not None:
            self.unclosed.append(self.fence[3])
        del self.stack[depth:]
        self.leaf = None
        self.fence = None

    # -- leaves -----------------------------------------------------------------------

    def _fence_line(self, s: str) -> str:
        assert self.fence is not None
        char, length, indent, _ = self.fence
        ind = _indent(s)
        if ind <= 3:
            t = s[ind:]
            run = len(t) - len(t.lstrip(char))
            if run >= length and not t[run:].strip(" \t"):
                self.leaf = None
                self.fence = None
        return CODE

    def _starts_block(self, s: str, interrupting: bool) -> bool:
        """Would ``s`` start a block other than a paragraph continuation?"""
        ind = _indent(s)
        if ind > 3:
            return False
        t = s[ind:]
        if t[:1] == ">" or _ATX.match(t) or _thematic(t) or _HTML_START.match(t):
            return True
        if self._fence_open(t) is not None:
            return True
        mk = _list_marker(t)
        if mk is not None:
            _, first, blank = mk
            return not interrupting or (first and not blank)
        return False

    @staticmethod
    def _fence_open(t: str) -> tuple[str, int] | None:
        m = _FENCE.match(t)
        if not m:
            return None
        run = m[1]
        if run[0] == "`" and "`" in m[2]:
            return None
        return run[0], len(run)

    def _open_blocks(self, s: str) -> str:
        nested = bool(self.stack)
        while True:
            if not s.strip():
                if self.leaf != "icode":
                    self.leaf = None
                return NESTED if nested else TOP
            ind = _indent(s)
            if ind >= 4:
                if self.leaf == "para":
                    return NESTED if nested else TOP
                self.leaf = "icode"
                return CODE
            if self.leaf == "icode":
                self.leaf = None
            t = s[ind:]
            if t[:1] == ">":
                self.stack.append("quote")
                self.leaf = None
                nested = True
                s = t[1:]
                s = s[1:] if s[:1] == " " else s
                continue
            fence = self._fence_open(t)
            if fence is not None:
                self.leaf = "fence"
                self.fence = (fence[0], fence[1], ind, self.number)
                return CODE
            if _thematic(t):  # a break, or the setext underline ending a paragraph
                self.leaf = None
                return NESTED if nested else TOP
            mk = _list_marker(t)
            if mk is not None and not (self.leaf == "para" and not (mk[1] and not mk[2])):
                width, _, blank = mk
                rest = t[width:]
                spaces = _indent(rest)
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
            if self.comments and t.startswith("<!--"):
                self.leaf = None if "-->" in t else "comment"
                return COMMENT
            if _ATX.match(t) or _HTML_START.match(t):
                self.leaf = None
                return NESTED if nested else TOP
            self.leaf = "para"
            return NESTED if nested else TOP


def classify(lines: list[str]) -> tuple[list[str], list[int]]:
    """The kind of every line (TOP, NESTED or CODE) and the unclosed fences' lines.

    A line holding a lone carriage return is several CommonMark lines; its kind is
    the first one's, and the tracker sees all of them.
    """
    tracker = BlockTracker()
    kinds = []
    for line in lines:
        if "\r" in line:
            parts = line.split("\r")
            kind = tracker.feed(parts[0])
            for part in parts[1:]:
                tracker.feed(part)
            kinds.append(kind)
        else:
            kinds.append(tracker.feed(line))
    tracker.finish()
    return kinds, tracker.unclosed




def hidden_lines(lines: list[str]) -> list[bool]:
    """For each line, whether a reader of the rendered text does not see it as text: a
    line of fenced or indented code (fences included), of an HTML block that starts with
    ``<!--`` (CommonMark's type 2, to the line holding ``-->``), or one any part of which
    lies between an inline ``<!--`` and the next ``-->``.

    One linear pass.  The tracker sees every line as it is: an inline comment that is
    real lies within one paragraph, whose lines start no block, so they cannot mislead
    it; one that is not (a fence or a blank line ends its paragraph first) is literal
    text, and hiding until a ``-->`` then errs towards hiding, never towards showing.
    """
    tracker = BlockTracker(comments=True)

    def feed(line: str) -> str:
        parts = line.split("\r")  # a lone carriage return ends a CommonMark line too
        kind = tracker.feed(parts[0])
        for part in parts[1:]:
            tracker.feed(part)
        return kind

    hidden = []
    inline = False  # between an inline '<!--' and its '-->'
    for line in lines:
        kind = feed(line)
        touched = inline
        i = 0
        while True:
            if inline:
                end = line.find("-->", i)
                while end >= 2 and line.startswith("<!", end - 2):  # the '--' of a '<!--': no end
                    end = line.find("-->", end + 1)
                if end < 0:
                    break
                inline, i = False, end + 3
            else:
                start = line.find("<!--", i) if kind == TOP or kind == NESTED else -1
                if start < 0:
                    break
                # '<!-->' and '<!--->' are whole comments to CommonMark 0.31 but not to
                # every renderer: read as opening one, they hide more, never less
                touched, inline, i = True, True, start + 4
        hidden.append(touched or kind == CODE or kind == COMMENT)
    return hidden
