"""A category's lines split into entries (bullets) and prose paragraphs.

It exists apart from :mod:`relnotes.notes.releases` because the model only records where
releases and categories are; reading what a category *holds* — which lines form one
entry — is what importing, upgrading and moving entries need, and the model does not.
"""

from typing import NamedTuple

from relnotes.markdown.structure import ENTRY_BULLET_RE, is_blank, strip_eol
from relnotes.notes.base import NotesDocument
from relnotes.notes.model import Release


class Block(NamedTuple):
    """One entry (a ``*``/``-`` bullet with its continuation lines) or prose paragraph."""

    kind: str  # "entry" | "prose"
    start: int
    end: int  # exclusive, without trailing blank lines
    text: str




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
        if ENTRY_BULLET_RE.match(raw):
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


def take_out(doc: NotesDocument, rel: Release, starts: set[int]) -> int:
    """Remove from ``rel``'s categories (and from under its heading: summaries, entries outside
    any category) the blocks that start at the lines ``starts`` (0-based), and each category
    heading left without a block; the blocks removed.

    What a mid-cycle import does to ``## [Unreleased]``: its entries move to fragments,
    so the file must not keep them too (``build`` would write them twice).  Prose and
    entries of other categories stay; the blank lines around what is left stay as the
    file had them.
    """
    doomed: set[int] = set()
    taken = 0
    start, end = doc.intro_span(rel)  # the summaries and entries outside any category first
    spans = [(None, start, end)] + [(cat.start, cat.start + 1, cat.end) for cat in rel.categories]
    for heading, first, last in spans:
        found = blocks(doc, first, last)
        gone = [k for k, b in enumerate(found) if b.start in starts]
        taken += len(gone)
        if gone and len(gone) == len(found):  # nothing left under the heading: it goes too
            if heading is not None:
                doomed.update(range(heading, last))
            elif rel.categories:  # the blank lines under the release heading stay, the category after them
                doomed.update(range(found[0].start, last))
            else:  # the release ends here: as many blank lines as before the next one
                doomed.update(range(first, found[-1].end))
            continue
        for k in gone:
            b = found[k]
            if k + 1 < len(found):  # the block and the blank lines after it
                doomed.update(range(b.start, found[k + 1].start))
            else:  # the last: the blank lines before it, so the category ends as it did
                doomed.update(range(found[k - 1].end if k else b.start, b.end))
    if doomed:
        doc.splice(0, len(doc.lines), [line for i, line in enumerate(doc.lines) if i not in doomed])
    return taken
