"""What ``check`` reports about the structure of a reStructuredText notes file (towncrier's).

Apart from :mod:`relnotes.notes.rst` for the reason the other formats' reports are apart
from their models: the scan tolerates every file; this says, each at its line, what
stops relnotes (or a reader) from using it.  By default only what relnotes writes is
checked (:func:`current`): the unreleased section, above the released history.
"""

from __future__ import annotations

from datetime import date

from relnotes.errors import Problem
from relnotes.notes.base import lone_cr_problems
from relnotes.notes.rst import START_MARKER, RstDocument
from relnotes.version import Version

WHOLE_FILE = frozenset({"notes-no-release", "notes-two-unreleased", "notes-unreleased-not-top"})


def structure_problems(doc: RstDocument) -> list[Problem]:
    p = doc.path
    if not doc.releases:
        return [Problem(p, 1, 1, "notes-no-release",
                        "no release title (such as 'project 1.2.0 (YYYY-MM-DD)' over a line of '='): "
                        f"add a '{START_MARKER}' line where releases go and run 'relnotes build'")]
    problems: list[Problem] = []
    seen: dict[Version, int] = {}
    unreleased: list[int] = []
    previous: Version | None = None
    for index, rel in enumerate(doc.releases):
        line = rel.start + 1
        if rel.status == "unreleased":
            unreleased.append(line)
            if len(unreleased) > 1:
                problems.append(Problem(p, line, 1, "notes-two-unreleased",
                                        f"a second unreleased title '{rel.title}' (the first is at line "
                                        f"{unreleased[0]}); merge their entries into one"))
            elif index != 0:
                problems.append(Problem(p, line, 1, "notes-unreleased-not-top",
                                        f"'{rel.title}' must be the first release, above the newest one"))
            continue
        if rel.version is None:
            problems.append(Problem(p, line, 1, "notes-bad-heading",
                                    f"'{rel.title}' is a release title without a version "
                                    "(expected 'project X.Y.Z (YYYY-MM-DD)')"))
            continue
        if rel.version in seen:
            problems.append(Problem(p, line, 1, "notes-duplicate-version",
                                    f"version {rel.version} appears twice (first at line {seen[rel.version]})"))
        else:
            seen[rel.version] = line
        if previous is not None and rel.version > previous:
            problems.append(Problem(p, line, 1, "notes-version-order",
                                    f"{rel.version} is below {previous}: releases go newest first"))
        previous = rel.version
        if rel.date is None:
            problems.append(Problem(p, line, 1, "notes-no-date",
                                    f"'{rel.title}' has no date: write '(YYYY-MM-DD)' after the version"))
        elif not _is_date(rel.date):
            problems.append(Problem(p, line, 1, "notes-bad-date", f"'{rel.date}' is not a date (expected YYYY-MM-DD)"))
    problems.extend(lone_cr_problems(doc, p))
    return problems


def current(doc: RstDocument, problems: list[Problem]) -> list[Problem]:
    """The problems of what relnotes writes: the file as a whole, the preamble and the
    unreleased section — not the released history (``check --all-history`` lists it),
    except a first release title without a version (the next version is read from it)."""
    released = [r for r in doc.releases if r.status != "unreleased"]
    first = released[0].start + 1 if released else len(doc.lines) + 1
    return [q for q in problems if q.code in WHOLE_FILE or q.line < first
            or (q.line == first and q.code == "notes-bad-heading")]


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10
