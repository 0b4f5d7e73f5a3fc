"""mistletoe's inline parser made linear: the one place that changes how it scans.

mistletoe 1.x finds links, images and code spans in ``mistletoe.core_tokens`` with
scans that start again from each ``]`` (measured on a 48 KB paragraph: ``]`` repeated
40 s, ``[a](`` repeated 34 s, ordinary ``[a](https://…)`` links 3 s; a 1 MB entry took
hours).  Four causes, each replaced here by a scan that gives the same answer:

* after every ``]`` it searches the rest of the paragraph again for the next code
  span; the search is remembered (a search from a later position cannot find an
  earlier span, and finds the remembered one while it still lies ahead);
* ``shift_whitespace``, the link destination, title and label scanners copy the
  rest of the paragraph (``string[offset:]``) on every call; here they index;
* a link destination scan runs to the first blank, through any number of ``(``:
  here, as in cmark (GitHub's parser), more than 32 nested parentheses make no link;
* a link title scan that finds no closing quote or parenthesis runs to the end of
  the paragraph, for every ``](`` in it; the first closer at or after a position is
  remembered, since a scan that starts after an opening quote or parenthesis (never
  a backslash) reads every later backslash the same way.

:func:`install` puts them in place once; :func:`relnotes.markdown.limits.parse_bounded`
calls it before every parse, so the screen and the HTML read the same tokens.
"""

from __future__ import annotations

# cmark's limit on nested parentheses in a link destination
MAX_DEST_PARENS = 32

_installed = False


class _RememberedSearch:
    """``pattern.search(string, pos)`` that reuses the last answer when it must be the same."""

    def __init__(self, pattern) -> None:
        self.pattern = pattern
        self.string: str | None = None
        self.pos = 0
        self.match = None

    def search(self, string: str, pos: int = 0):
        if string is self.string and pos >= self.pos and (self.match is None or pos <= self.match.start()):
            return self.match
        self.string, self.pos, self.match = string, pos, self.pattern.search(string, pos)
        return self.match

    def __getattr__(self, name: str):
        return getattr(self.pattern, name)


def install() -> None:
    """Replace mistletoe's superlinear inline scanners (idempotent)."""
    global _installed
    if _installed:
        return
    from mistletoe import core_tokens as ct

    whitespace = ct.whitespace

    def shift_whitespace(string: str, index: int) -> int:
        n = len(string)
        while index < n and string[index] in whitespace:
            index += 1
        return n if index >= n else index

    def match_link_dest(string: str, offset: int):
        offset = shift_whitespace(string, offset + 1)
        n = len(string)
        if offset == n:
            return None
        escaped = False
        if string[offset] == "<":
            for i in range(offset + 1, n):
                c = string[i]
                if c == "\\" and not escaped:
                    escaped = True
                elif c == "\n" or (c == "<" and not escaped):
                    return None
                elif c == ">" and not escaped:
                    return offset, i + 1, string[offset + 1:i]
                elif escaped:
                    escaped = False
            return None
        count = 1
        for i in range(offset, n):
            c = string[i]
            if c == "\\" and not escaped:
                escaped = True
            elif c in whitespace:
                return offset, i, string[offset:i]
            elif not escaped:
                if c == "(":
                    count += 1
                    if count > MAX_DEST_PARENS + 1:
                        return None
                elif c == ")":
                    count -= 1
            elif ct.is_control_char(c):
                return None
            elif escaped:
                escaped = False
            if count == 0:
                return offset, i, string[offset:i]
        return None

    closers: dict[str, tuple[str | None, int, int]] = {}  # closer → (string, from, first at/after or -1)

    def first_closer(string: str, start: int, closing: str) -> int:
        known, since, found = closers.get(closing, (None, 0, -1))
        if known is string and since <= start and (found < 0 or start <= found):
            return found
        escaped = False
        found = -1
        for i in range(start, len(string)):
            c = string[i]
            if c == "\\" and not escaped:
                escaped = True
            elif c == closing and not escaped:
                found = i
                break
            elif escaped:
                escaped = False
        closers[closing] = (string, start, found)
        return found

    def match_link_title(string: str, offset: int):
        offset = shift_whitespace(string, offset)
        if offset == len(string):
            return None
        c = string[offset]
        if c == ")":
            return offset, offset, ""
        closing = {'"': '"', "'": "'", "(": ")"}.get(c)
        if closing is None:
            return None
        i = first_closer(string, offset + 1, closing)
        return None if i < 0 else (offset, i + 1, string[offset + 1:i])

    def match_link_label(string: str, offset: int, root=None):
        start = -1
        escaped = False
        for i in range(offset, len(string)):
            c = string[i]
            if c == "\\" and not escaped:
                escaped = True
            elif c == "[" and not escaped:
                if start != -1:
                    return None
                start = i
            elif c == "]" and not escaped:
                label = string[start + 1:i]
                if label.strip() != "":
                    ref = root.footnotes.get(ct.normalize_label(label), None)
                    if ref is not None:
                        return (start, i + 1, label), ref
                return None
            elif escaped:
                escaped = False
        return None

    ct.code_pattern = _RememberedSearch(ct.code_pattern)  # type: ignore[assignment]
    ct.shift_whitespace = shift_whitespace
    ct.match_link_dest = match_link_dest
    ct.match_link_title = match_link_title
    ct.match_link_label = match_link_label
    _installed = True
