"""The order towncrier lists a type's entries in, so an imported release reads the same.

towncrier (``_builder.render_fragments``) sorts a type's entries by their issues, each
sorted by :func:`issue_key`: names with no digit first, then names with digits by their
other characters and their number, plain numbers last, numerically; entries without any
issue (orphans, ``+…`` files) after all of them, by their text.  Many project templates
(pytest's, pip's) re-sort the entries with ``|dictsort(by='value')``: by the list of
issue references as *rendered* strings (``#14743`` before ``#2781``).  :func:`order`
gives either, and :func:`template_sorts_by_reference` tells which one a template uses.
"""

from __future__ import annotations

import re
from typing import NamedTuple, Sequence

from relnotes.patterns import lazy

_FOR_TAG = lazy(r"\{%[-+]?\s*for\s([^%]{0,500})[-+]?%\}")  # a Jinja for statement, of bounded length
_DICTSORT_BY_VALUE = lazy(r"""\bin\s+sections\b.{0,200}?\|\s*dictsort\(\s*by\s*=\s*['"]value['"]""")


class IssueParts(NamedTuple):
    is_digit: bool
    has_digit: bool
    non_digit_part: str
    number: int


_HUGE = 10 ** 18  # a file name's number past 18 digits sorts last: int() of 5,000 digits raises


def _number(digits: str) -> int:
    return int(digits) if len(digits) <= 18 else _HUGE


def issue_key(issue: str) -> IssueParts:
    """towncrier's key for one issue name (``_builder.issue_key``)."""
    if issue.isascii() and issue.isdigit():
        return IssueParts(True, True, "", _number(issue))
    m = re.search(r"\d+", issue)
    if not m:
        return IssueParts(False, False, issue, -1)
    return IssueParts(False, True, issue[: m.start()] + issue[m.end():], _number(m.group()))


def render_issue(issue_format: str | None, issue: str) -> str:
    """An issue as towncrier writes it (``_builder.render_issue``)."""
    if issue_format is None:
        return "#" + issue if issue.isascii() and issue.isdigit() else issue
    try:
        return issue_format.format(issue=issue)
    except (KeyError, IndexError, ValueError):
        return issue


def template_sorts_by_reference(template: str | None) -> bool:
    """Whether a towncrier template lists a type's entries with ``dictsort(by='value')``."""
    return bool(template) and any(_DICTSORT_BY_VALUE.search(m[1]) for m in _FOR_TAG.finditer(template or ""))


def order(entries: Sequence[tuple[str, Sequence[str]]], *, issue_format: str | None = None,
          by_reference: bool = False) -> list[int]:
    """Indexes of ``entries`` ((text, issue names)) in the order towncrier renders them."""
    keyed = [(text, sorted(issues, key=issue_key)) for text, issues in entries]

    def entry_key(i: int):
        text, issues = keyed[i]
        return ("" if issues else text, [issue_key(x) for x in issues])

    indexes = sorted(range(len(keyed)), key=entry_key)
    if by_reference:
        # jinja's dictsort: a stable sort on the rendered references (case-insensitively
        # for a plain string; a list of strings compares as it is)
        indexes.sort(key=lambda i: [render_issue(issue_format, x) for x in keyed[i][1]])
    return indexes
