"""What ``check`` reports about the structure of a parsed notes file.

It exists apart from :mod:`relnotes.notes.releases` because judging a document (duplicate
versions, a second unreleased release, a bad date, a missing archive marker) is a
question asked of the model, not part of it: the model tolerates every irregular file
and edits it; this module says what is wrong with it, all at once, as located problems.
"""

from relnotes.errors import Problem
from relnotes.markdown.structure import ARCHIVE_MARKER, is_blank
from relnotes.notes.base import NotesDocument, lone_cr_problems
from relnotes.version import Version

MAX_SHOWN = 100  # characters of a heading or date a message repeats: the line number locates the rest


def _short(text: str) -> str:
    return text if len(text) <= MAX_SHOWN else text[:MAX_SHOWN - 1] + "…"


def structure_problems(doc: NotesDocument, *, need_archive: bool = False) -> list[Problem]:
    """What ``check`` reports about the structure of a ``RELEASES.md`` (all at once);
    :func:`relnotes.notes.formats.structure_problems` picks this or Keep a Changelog's."""
    problems: list[Problem] = []
    p = doc.path
    if not doc.releases:
        problems.append(Problem(p, 1, 1, "notes-no-release",
                                "no release section: add a '## X.Y.Z' heading followed by 'Unreleased.'"))
        return problems
    seen: dict[Version, int] = {}
    unreleased = 0
    top = doc.releases[0]
    for rel in doc.releases:
        line = rel.start + 1
        if rel.version is None:
            if rel.title.strip().lower() != "unreleased":
                problems.append(Problem(p, line, 4, "notes-bad-heading",
                                        f"'## {_short(rel.title)}' is not a version heading (expected '## X.Y.Z')"))
        elif rel.version in seen:
            problems.append(Problem(p, line, 4, "notes-duplicate-version",
                                    f"version {rel.version} appears twice (first at line {seen[rel.version]})"))
        else:
            seen[rel.version] = line
        if rel.status is None or rel.status_line is None:
            if rel is top:
                problems.append(Problem(p, line, 1, "notes-no-status",
                                        f"'## {_short(rel.title)}' has no status line: add 'Unreleased.' or "
                                        "'Released YYYY-MM-DD.' below it"))
        elif rel.status == "unreleased":
            unreleased += 1
            if unreleased > 1:
                problems.append(Problem(p, rel.status_line + 1, 1, "notes-two-unreleased",
                                        f"'## {_short(rel.title)}' is a second unreleased release; only the top one may be unreleased"))
        else:
            from datetime import date

            try:
                date.fromisoformat(rel.date or "")
            except ValueError:
                problems.append(Problem(p, rel.status_line + 1, 10, "notes-bad-date",
                                        f"'{_short(rel.date or '')}' is not a date (expected YYYY-MM-DD)"))
    if unreleased and not top.unreleased:
        problems.append(Problem(p, top.start + 1, 1, "notes-unreleased-not-top",
                                "an unreleased release is below a released one; the top release must be the unreleased one"))
    problems.extend(lone_cr_problems(doc, p))
    if need_archive and doc.archive is None:
        problems.append(Problem(p, len(doc.lines) or 1, 1, "notes-no-archive",
                                f"no '{ARCHIVE_MARKER}' line: add it before the list of archive links"))
    if doc.archive is not None:
        a = doc.archive
        j = a.end
        while j < len(doc.lines) and is_blank(doc.lines[j]):
            j += 1
        if j < len(doc.lines) and doc.lines[j].lstrip().startswith("*"):
            problems.append(Problem(p, j + 1, 1, "notes-bad-archive-link",
                                    "archive list line is not of the form '* [LABEL](URL)'"))
    return problems


