"""What ``check`` reports about the structure of a Keep a Changelog file.

Apart from :mod:`relnotes.notes.keepachangelog` for the reason :mod:`relnotes.notes.problems` is
apart from the model: the scan tolerates every irregular file; this module says, all
at once and each at its line, what stops relnotes (or a reader) from using it.
"""

from __future__ import annotations

from datetime import date

from relnotes.errors import Problem
from relnotes.notes.base import lone_cr_problems
from relnotes.notes.keepachangelog import KeepAChangelogDocument, heading_parts
from relnotes.version import Version


def structure_problems(doc: KeepAChangelogDocument) -> list[Problem]:
    p = doc.path
    problems: list[Problem] = []
    if not doc.releases:
        return [Problem(p, 1, 1, "notes-no-release",
                        "no release section: add '## [Unreleased]' below the file's title")]
    seen: dict[Version, int] = {}
    unreleased: list[int] = []
    previous: Version | None = None
    for index, rel in enumerate(doc.releases):
        line = rel.start + 1
        parts = heading_parts(rel.title)
        if rel.status == "unreleased":
            unreleased.append(line)
            if len(unreleased) > 1:
                problems.append(Problem(p, line, 4, "notes-two-unreleased",
                                        f"a second '## {rel.title}' (the first is at line {unreleased[0]}); "
                                        "merge their entries into one"))
            elif index != 0:
                problems.append(Problem(p, line, 4, "notes-unreleased-not-top",
                                        f"'## {rel.title}' must be the first release section, above the newest release"))
            continue
        if rel.version is None:
            problems.append(Problem(p, line, 4, "notes-bad-heading",
                                    f"'## {rel.title}' is neither '[Unreleased]' nor a version "
                                    "(expected '## [X.Y.Z] - YYYY-MM-DD')"))
            continue
        if rel.version in seen:
            problems.append(Problem(p, line, 4, "notes-duplicate-version",
                                    f"version {rel.version} appears twice (first at line {seen[rel.version]})"))
        else:
            seen[rel.version] = line
        if previous is not None and rel.version > previous:
            problems.append(Problem(p, line, 4, "notes-version-order",
                                    f"{rel.version} is below {previous}: releases go newest first"))
        previous = rel.version
        if rel.date is None:
            problems.append(Problem(p, line, 4, "notes-no-date",
                                    f"'## {rel.title}' has no date: write '## [{rel.version}] - YYYY-MM-DD'"))
        elif not _is_date(rel.date):
            problems.append(Problem(p, line, 4, "notes-bad-date",
                                    f"'{rel.date}' is not a date (expected YYYY-MM-DD)"))
        if parts.bracketed and doc.definition(parts.label) is None:
            problems.append(Problem(p, line, 4, "notes-no-link",
                                    f"'[{parts.label}]' has no link definition, so it shows with its brackets: "
                                    f"add '[{parts.label}]: URL' at the end of the file"))
    # no '## [Unreleased]' is no problem: build opens one above the newest release (a towncrier
    # project's notes list only releases)
    problems.extend(lone_cr_problems(doc, p))
    return problems


# what a file's history cannot cause: problems of the whole file, or of what relnotes writes next
WHOLE_FILE = frozenset({"notes-no-release", "notes-two-unreleased", "notes-unreleased-not-top"})


def current(doc: KeepAChangelogDocument, problems: list[Problem]) -> list[Problem]:
    """The problems of what relnotes will write: the file as a whole, its preamble and the
    unreleased section (everything above the first released section) — not the years of
    released sections before relnotes, which ``check --all-history`` lists.  Of those,
    only a first release heading that names no version counts: the next version is read
    from it."""
    released = [r for r in doc.releases if r.status != "unreleased"]
    first = released[0].start + 1 if released else len(doc.lines) + 1
    return [q for q in problems if q.code in WHOLE_FILE or q.line < first
            or (q.line == first and q.code == "notes-bad-heading")]


def _is_date(text: str) -> bool:
    if len(text) != 10:
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True
