"""What one line starts, by CommonMark's block rules: the questions the block scanner
(:mod:`relnotes.markdown.blocks`) asks of each line once its containers are taken off.

Pure functions of the line's text (tabs already expanded, indentation removed where
said), no state: the scanner's state machine decides what the answers mean.
"""

from __future__ import annotations

import re

from relnotes.patterns import lazy

_FENCE = lazy(r"(`{3,}|~{3,})(.*)\Z", re.S)
_FIRST = lazy(r"[ \t]*(.)", re.S)  # the first character after blanks
_ORDERED = lazy(r"(\d{1,9})([.)])")
# The first characters (after indentation) of every block start and of every line the
# scanner reads apart from paragraph text (block quote, fence, setext underline, break,
# list item, ATX heading, HTML, link definition), but an ordered list's digits
_MAY_START_BLOCK = frozenset(">`~=-*_+#<[]")


def may_start_block(t: str) -> bool:
    """Can the (non-blank, unindented) line ``t`` be anything but paragraph text?  False
    for most lines of notes, which then skip every other question.  Digits as
    ``str.isdecimal`` reads them, as the ``\\d`` of an ordered list's marker does."""
    return t[0] in _MAY_START_BLOCK or t[0].isdecimal()


def expand(line: str) -> str:
    """Expand tabs to four-column stops (only where a tab occurs)."""
    return line.expandtabs(4) if "\t" in line else line


def indentation(s: str) -> int:
    """The spaces before ``s``'s first other character."""
    return len(s) - len(s.lstrip(" "))


def thematic(s: str) -> bool:
    """``s`` (indentation removed) is a thematic break: 3+ of one of ``-*_`` and spaces.

    Scans in C, without copying the rest of the line: this is asked at every container a
    line opens, and a copy of the rest each time made ``> - > - …`` lines quadratic."""
    first = _FIRST.match(s)
    c = first.group(1) if first else ""
    return c in ("-", "*", "_") and not s.strip(c + " \t") and s.count(c) >= 3


def list_marker(s: str) -> tuple[int, bool, bool] | None:
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


def fence_open(t: str) -> tuple[str, int] | None:
    """The fence character and run length when ``t`` (indentation removed) opens a code fence."""
    m = _FENCE.match(t)
    if not m:
        return None
    run = m[1]
    if run[0] == "`" and "`" in m[2]:
        return None
    return run[0], len(run)
