"""Bounded Markdown parsing: untrusted text never takes mistletoe into deep recursion.

mistletoe parses nested containers (block quotes, list items) recursively, so a
fragment of a few hundred bytes (``'- ' * 200 + 'a'``, ``'> ' * 400``) exhausts
Python's stack.  :func:`too_deep_line` measures the container nesting of every line
in one linear pass, and :func:`parse_bounded` refuses text nested deeper than
:data:`MAX_NESTING` before mistletoe sees it — a located problem, not a crash.  A
``RecursionError`` that still happens is turned into the same error.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from relnotes.errors import ContentError
from relnotes.markdown import linear

# Real notes nest lists two or three levels; mistletoe's stack gives out near 200.
MAX_NESTING = 32
# mistletoe looks back through a paragraph's open emphasis delimiters at every ']' and
# marks every earlier '[' at every link: with :mod:`relnotes.markdown.linear` the rest of
# its inline scan is linear, these stay proportional to the delimiters.  A paragraph of
# the notes with more of '[ ] * _' than this is rendered with them as text (a fragment
# may hold 2,000 in all, so no entry made by ``build`` is affected).
MAX_INLINE_MARKUP = 4000
_INLINE_MARKUP = "[]*_"


class MarkdownTooDeep(ContentError):
    """Markdown nested deeper than :data:`MAX_NESTING` containers."""

    def __init__(self, line: int) -> None:
        super().__init__(f"line {line}: Markdown nested more than {MAX_NESTING} levels deep "
                         "(block quotes and lists inside each other)",
                         hint="flatten the quotes or lists")
        self.line = line


def _walk_prefix(line: str) -> tuple[int, int, int]:
    """(end of the container prefix, markers in it, columns of whitespace in it).

    The prefix is whitespace, ``>`` and list markers (``-``, ``*``, ``+``, or up to
    nine digits — mistletoe also accepts none — then ``.`` or ``)``) each followed by
    whitespace or the end of the line.  One left-to-right walk, no backtracking.
    """
    depth = 0
    columns = 0
    i, n = 0, len(line)
    while i < n:
        c = line[i]
        if c == " ":
            columns += 1
            i += 1
        elif c == "\t":
            columns += 4
            i += 1
        elif c == ">":
            depth += 1
            i += 1
        elif c in "-*+" and (i + 1 == n or line[i + 1] in " \t"):
            depth += 1
            i += 1
        elif c.isdigit() or c in ".)":
            j = i
            while j < n and j - i < 9 and line[j].isdigit():
                j += 1
            if j < n and line[j] in ".)" and (j + 1 == n or line[j + 1] in " \t"):
                depth += 1
                i = j + 1
            else:
                break
        else:
            break
    return i, depth, columns


def prefix_end(line: str) -> int:
    """Where the container prefix of ``line`` ends (see :func:`_walk_prefix`)."""
    return _walk_prefix(line)[0]


def line_nesting(line: str) -> int:
    """How many containers a line can open or continue: its quote and list markers,
    plus one per two columns of leading indentation (a nested list item needs at
    least two).  An upper bound."""
    _, depth, columns = _walk_prefix(line)
    return depth + columns // 2


def too_deep_line(text: str) -> int | None:
    """The 1-based number of the first line nested deeper than allowed, or None."""
    for number, line in enumerate(text.split("\n"), 1):
        if len(line) > MAX_NESTING // 2 and line_nesting(line) > MAX_NESTING:  # a tab is 2 levels
            return number
    return None


def parse_bounded(document_cls, text: str):
    """``document_cls(text)`` (a mistletoe ``Document``), or :class:`MarkdownTooDeep`.

    Call it inside the renderer's ``with`` block, as mistletoe requires.
    """
    line = too_deep_line(text)
    if line is not None:
        raise MarkdownTooDeep(line)
    linear.install()
    try:
        return document_cls(text)
    except RecursionError:
        raise MarkdownTooDeep(1) from None


_BLANK_RUN = r"(?<=\S)[ \t]{4,}"  # a string: compiled (and cached by re) on first use


def shorten_blank_runs(text: str) -> str:
    """Runs of 4+ blanks after text become 3 blanks: the same blocks, links and
    targets for mistletoe, without its quadratic scan of long runs."""
    return re.sub(_BLANK_RUN, "   ", text) if "    " in text else text


def escape_dense_markup(lines: list[str], code: list[bool], table: Mapping[int, int | str]) -> tuple[list[str], bool]:
    """``lines`` with ``table`` (a :meth:`str.translate` table for ``\\ [ ] * _``)
    applied after the container prefix in each paragraph (lines between blank or code
    lines) that holds more than :data:`MAX_INLINE_MARKUP` of ``[ ] * _``, other
    paragraphs unchanged; and whether any changed.  Linear."""
    out = list(lines)
    changed = False
    start = 0
    for end in range(len(lines) + 1):
        if end < len(lines) and lines[end].strip() and not code[end]:
            continue
        if sum(line.count(c) for line in lines[start:end] for c in _INLINE_MARKUP) > MAX_INLINE_MARKUP:
            changed = True
            for i in range(start, end):
                cut = prefix_end(lines[i])
                out[i] = lines[i][:cut] + lines[i][cut:].translate(table)
        start = end + 1
    return out, changed
