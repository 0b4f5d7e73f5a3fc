"""Raw inline HTML in a fragment: which tags may stand in a body (README, "Security").

What counts as inline HTML is what mistletoe, a CommonMark parser, reads as an
``HTMLSpan``: text in code spans and code blocks is text, an autolink
(``<https://…>``, ``<a@b.org>``) is a link, an entity (``&lt;b&gt;``) or an escaped
``\\<b>`` is text.  Every other HTML span is refused except these harmless inline tags
*without attributes* (any case, blanks before ``>`` or ``/>`` allowed): ``<br>``,
``<br/>``, and ``<x>`` / ``</x>`` for ``sub sup kbd code em strong del ins``.

Comments (``<!-- … -->``, and any ``<!--`` outside code), processing instructions, declarations and CDATA are refused
too: GitHub shows none of them, so they could hide text from a reviewer.
"""

from __future__ import annotations

import re

from relnotes.errors import Problem
from relnotes.patterns import lazy

ALLOWED_TAGS = ("sub", "sup", "kbd", "code", "em", "strong", "del", "ins")
_ALLOWED = lazy(r"<br[ \t]*/?>|</?(?:" + "|".join(ALLOWED_TAGS) + r")[ \t]*>", re.IGNORECASE)


def is_allowed(html: str) -> bool:
    """True for one of the allowed tags, without attributes."""
    return _ALLOWED.fullmatch(html) is not None


def refused(node, parent, span_token, block_token) -> str | None:
    """The refused HTML of a mistletoe span token, or None.  Besides HTML spans, text
    holding ``<!--`` counts: a comment mistletoe reads as text (``<!---->``, CommonMark
    0.31 and GitHub's older rules differ) may still hide text on GitHub."""
    if isinstance(node, span_token.HTMLSpan):
        return None if is_allowed(node.content) else node.content
    code = (span_token.InlineCode, block_token.CodeFence, block_token.BlockCode)
    if isinstance(node, span_token.RawText) and "<!--" in node.content and not isinstance(parent, code):
        return node.content[node.content.index("<!--"):]
    return None


def problem(lines: list[str], html: str, path: str, first_line: int, block_line: int) -> Problem:
    """The located problem for the HTML span ``html`` of a block starting at
    ``block_line`` (a line of the file): its first line and column in the body."""
    head = html.split("\n", 1)[0]
    line, col = block_line, 1
    for i in range(max(block_line - first_line, 0), len(lines)):
        at = lines[i].find(head)
        if at >= 0:
            line, col = first_line + i, at + 1
            break
    shown = html if len(html) <= 40 else html[:37] + "..."
    return Problem(path, line, col, "inline-html",
                   f"raw HTML {shown!r} is not allowed in a fragment; write it as Markdown, or in backticks "
                   f"(`{head[:30]}`) to show it as code (allowed: <br>, and <x> and </x> without attributes for "
                   f"{', '.join(ALLOWED_TAGS)})")
