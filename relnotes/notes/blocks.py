"""A category's lines split into entries (bullets) and prose paragraphs.

It exists apart from :mod:`relnotes.notes.releases` because the model only records where
releases and categories are; reading what a category *holds* — which lines form one
entry — is what importing, upgrading and moving entries need, and the model does not.
"""

import re
from typing import NamedTuple

from relnotes.markdown.structure import is_blank, strip_eol
from relnotes.notes.base import NotesDocument


class Block(NamedTuple):
    """One entry (a ``*``/``-`` bullet with its continuation lines) or prose paragraph."""

    kind: str  # "entry" | "prose"
    start: int
    end: int  # exclusive, without trailing blank lines
    text: str


_BULLET_RE = re.compile(r"^[*-][ \t]+")


def blocks(doc: NotesDocument, start: int, end: int) -> list[Block]:
    """Split lines ``[start, end)`` into entries and prose paragraphs, in order.

    A bullet at column 0 starts an entry; indented and blank lines continue it until
    a non-indented non-bullet line (prose) or the next bullet.  Prose runs until a
    blank line followed by a bullet, or the next bullet.
    """
    out: list[Block] = []
    cur: list[int] | None = None  # [start, last_nonblank, kind]
    kinds: list[str] = []

    def flush() -> None:
        if cur is not None:
            s, last = cur
            out.append(Block(kinds[-1], s, last + 1, "".join(doc.lines[s : last + 1])))

    i = start
    while i < end:
        raw = strip_eol(doc.lines[i])
        if not raw.strip():
            i += 1
            continue
        if _BULLET_RE.match(raw):
            flush()
            cur = [i, i]
            kinds.append("entry")
        elif raw[0] in " \t" and cur is not None:
            cur[1] = i
        elif cur is not None and kinds[-1] == "prose" and not is_blank(doc.lines[i - 1]):
            cur[1] = i
        else:
            flush()
            cur = [i, i]
            kinds.append("prose")
        i += 1
    flush()
    return out
