"""Which notes file a migrated towncrier project writes, and in which format.

A towncrier project keeps its changelog: a reStructuredText ``filename`` (pytest's
``doc/en/changelog.rst``, pip's ``NEWS.rst``) becomes ``notes_file`` with
``notes_format: rst`` (:mod:`relnotes.notes.rst` reads and writes towncrier's layout); a
Markdown one whose release headings relnotes reads becomes ``notes_file`` as it is.  Only a
Markdown file with headings relnotes cannot read (``## [26.1.0](…) - date``) keeps the
old releases while new ones go to ``RELEASES.md``.

For an rST file, towncrier's ``title_format``, ``start_string`` and ``underlines`` are
*followed* when what the file already holds agrees with them (relnotes writes a new
release in the style of the file's newest title and categories, below the start marker),
and reported as not carried over otherwise.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

from relnotes import fsio
from relnotes.errors import ContentError
from relnotes.notes import formats, rst

MAX_NOTES_BYTES = 16 * 1024 * 1024  # pytest's whole changelog.rst is ~560 KB


class NotesChoice(NamedTuple):
    values: dict[str, Any]  # notes_file (and notes_format) for the configuration
    derived: list[str]
    not_carried: list[str]
    followed: dict[str, str]  # towncrier setting -> why it needs no relnotes setting
    reasons: dict[str, str]  # towncrier setting -> why it is not carried over (for this notes file)


def _read(root: Path, path: Path) -> str | None:
    if not path.is_file():
        return None
    try:
        return fsio.read_bytes(root, path, what="file", limit=MAX_NOTES_BYTES).decode("utf-8")
    except (ContentError, UnicodeDecodeError):
        return None


def _short(text: str) -> str:
    return repr(text) if len(repr(text)) <= 60 else repr(text)[:57] + "..."


def foreign_heading(root: Path, path: Path, shown: str) -> str | None:
    """``FILE:LINE ('heading')`` of the first release heading relnotes cannot read in a
    Markdown notes file, or None."""
    text = _read(root, path)
    if not text:
        return None
    # the migration writes a releases-format configuration: its notes are read as that format
    for problem in formats.structure_problems(formats.parse(text, shown, "releases")):
        if "is not a version heading" in problem.message or "has no status line" in problem.message:
            line = text.splitlines()[problem.line - 1]
            return f"{shown}:{problem.line} ({_short(line)})"
    return None


def choose(root: Path, notes: str | None, filename: str, table: dict, project: str) -> NotesChoice:
    """The notes settings for towncrier's ``filename`` (``notes``: it relative to the
    repository root, None when it is no valid relnotes path)."""
    if notes is not None and notes.casefold().endswith(".rst"):
        return _rst(root, notes, table, project)
    heading = foreign_heading(root, root / notes, notes) if notes and notes.endswith((".md", ".markdown")) else None
    if heading:
        return NotesChoice({}, [], [f"the release headings of {heading}: not carried over, because relnotes writes "
                                    "and reads '## X.Y.Z' headings with an 'Unreleased.' or 'Released DATE.' line; "
                                    f"{filename} keeps the old releases and new ones go to notes_file's default"], {}, {})
    if notes is not None and notes.endswith((".md", ".markdown")):
        return NotesChoice({"notes_file": notes}, [f"notes_file: {notes} (from filename)"], [], {}, {})
    return NotesChoice({}, [], [f"filename = {filename!r}: not carried over, because relnotes writes Markdown or "
                                "reStructuredText (notes_file keeps its default; convert the file and set "
                                "notes_file to it)"], {}, {})


def _rst(root: Path, notes: str, table: dict, project: str) -> NotesChoice:
    values = {"notes_file": notes, "notes_format": "rst"}
    derived = [f"notes_file: {notes}, notes_format: rst (from filename: relnotes writes new releases into it in "
               "towncrier's layout; entries are converted from Markdown as they are written)"]
    not_carried: list[str] = []
    followed: dict[str, str] = {}
    reasons: dict[str, str] = {}
    text = _read(root, root / notes) or ""
    parsed = formats.parse(text, notes, "rst") if text else None
    doc = parsed if isinstance(parsed, rst.RstDocument) else None
    start = table.get("start_string")
    if isinstance(start, str):
        if start.strip() == rst.START_MARKER:
            followed["start_string"] = f"{notes} has it, and relnotes writes new releases below it"
        else:
            reasons["start_string"] = (f"relnotes finds releases below '{rst.START_MARKER}' (or from the first "
                                       "release title)")
    if doc is None or not text:
        if not text:
            derived.append(f"notes_file: {notes} does not exist yet; 'relnotes build' creates it")
        return NotesChoice(values, derived, not_carried, followed, reasons)
    newest = doc.newest_release()
    title_format = table.get("title_format")
    if isinstance(title_format, str) and newest is not None and newest.version is not None and newest.date:
        words = rst.title_words(newest.title)
        try:
            expected = title_format.format(name=project, version="\0", project_date=newest.date)
        except (KeyError, IndexError, ValueError):
            expected = ""
        if expected.split("\0", 1)[0].strip() == words:
            followed["title_format"] = (f"{notes}'s newest title '{newest.title}' has its words; relnotes titles a "
                                        "release the same way")
    underlines = table.get("underlines")
    release_char = doc.release_style[0] if doc.release_style else None
    category_char = doc.category_style[0] if doc.category_style else None
    if isinstance(underlines, list) and underlines[:2] == [c for c in (release_char, category_char) if c]:
        followed["underlines"] = f"{notes} underlines its releases with {release_char!r} and categories with " \
                                 f"{category_char!r}, as relnotes writes them"
    return NotesChoice(values, derived, not_carried, followed, reasons)
