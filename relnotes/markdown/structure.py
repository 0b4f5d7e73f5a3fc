"""The lines that carry a notes file's structure, and the labels a changelog reserves.

Release headings (``## X.Y.Z``), their status line (``Unreleased.`` / ``Released
DATE.``), category headings, the 80-dash separator, the archive marker, and Keep a
Changelog's release labels (``[unreleased]``, ``[1.2.0]``).  Two parts need the same
grammar: the notes models (:mod:`relnotes.notes`) find the structure with it, and the
screen (:mod:`relnotes.markdown.screen`) refuses a fragment whose text would read as it.
Keeping it here, below both, is what lets the screen stay independent of the models.
Line-ending helpers live here too: every scan of a notes file strips them the same way.
"""

from __future__ import annotations

from relnotes.patterns import lazy
from relnotes.version import Version

SEPARATOR = "-" * 80


ARCHIVE_MARKER = "<!-- ARCHIVE_START -->"


SEPARATOR_RE = lazy(r"^-{3,}[ \t]*$")


# a line that starts an entry in a notes file: '* ' or '- ' at the margin (the notes read
# lines, not Markdown: one inside a code block or a summary's list is an entry too)
ENTRY_BULLET_RE = lazy(r"^[*-][ \t]")


STATUS_RE = lazy(
    r"^(?:(?P<unreleased>Unreleased)|Released[ \t]+(?P<date>\S+?))(?P<dot>\.?)[ \t]*$"
)


BOM = "\ufeff"


def split_bom(text: str) -> tuple[str, str]:
    """``(bom, rest)``: the byte order mark a notes file starts with ("" if none), and the text after it.

    Editors on Windows save UTF-8 with a BOM; left on the first line it hides a heading
    there (``\\ufeff## [Unreleased]`` is no heading), so the file would have no release at
    all.  Every notes format splits it off here, the one rule, and the document writes
    it back in front (an unedited file keeps its bytes; an edited one keeps its BOM).
    """
    return (BOM, text[1:]) if text.startswith(BOM) else ("", text)


def heading_title(line: str, level: int) -> str | None:
    """The title of an ATX heading of exactly ``level`` at column 0, or None.

    ``## 1.0.0 ##`` gives ``1.0.0``.  String operations, not a regex: a title-then-
    closing-hashes pattern backtracks quadratically on a long line of ``#`` and spaces.
    """
    marks = "#" * level
    if not line.startswith(marks) or line[level:level + 1] not in (" ", "\t"):
        return None
    return line[level:].strip(" \t").rstrip(" \t#")


def strip_eol(line: str) -> str:
    return line.rstrip("\r\n")


def eol(line: str, default: str = "\n") -> str:
    if line.endswith("\r\n"):
        return "\r\n"
    if line.endswith("\n"):
        return "\n"
    return default


def is_blank(line: str) -> bool:
    return not line.strip()


UNRELEASED = "unreleased"


def normalise_label(label: str) -> str:
    """CommonMark's label matching: case-folded, inner whitespace collapsed."""
    return " ".join(label.split()).casefold()


def is_release_label(label: str) -> bool:
    """Whether a link label is one the footer owns: ``unreleased`` or a version."""
    norm = normalise_label(label)
    return norm == UNRELEASED or Version.try_parse(norm) is not None
