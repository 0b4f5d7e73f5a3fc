"""Which original changes a commit message says it carries: backports on squash-merged history.

Projects that squash-merge their backport pull requests (Wasmtime does) never have a
``cherry picked from commit`` trailer that names the main commit.  The original is
named in the message instead, in a few shapes that maintainers actually write:

* ``Title (#orig) (#backport)``: GitHub appends the backport's own number to a title
  that already ends with the original's; every ``(#N)`` in a subject counts;
* ``[22.0.0] Title (#backport)`` / ``[24.0.x] …`` whose body is the squashed
  commits, each a bullet ``* Original title (#orig)``; a combined
  ``[48.0.0] Backports for security fixes (#N)`` lists several that way;
* prose: ``Backport of #N``, ``(backport of https://…/pull/N)``, ``Cherry-pick #N``;
* commit references: ``(cherry picked from commit SHA)`` (``git cherry-pick -x``)
  and ``Port of SHA``.

This module is only the message parsing, pure and bounded: every pattern is linear
(no nested quantifiers), applied to a message cut to
:data:`MAX_MESSAGE` characters.  Which of the named changes are really backports
(the commit must not be on the main line) is the history index's business.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from relnotes.patterns import lazy

MAX_MESSAGE = 64 * 1024  # longer messages are cut: the references are in the first lines
MAX_NUMBER = 10 ** 9  # PR numbers with more digits are not PR numbers

_SUBJECT_REF = lazy(r"\(#(\d{1,9})\)")
# a squashed commit's headline as GitHub writes it in the body: "* Title (#N)"
_BULLET_REF = lazy(r"^[ \t]*[*-][ \t]+\S[^\n]*\(#(\d{1,9})\)[ \t]*\r?$", re.M)
# prose that says what the commit backports; the numbers on that line are originals
_BACKPORT_WORD = lazy(r"(?i)\b(?:back-?port(?:s|ed|ing)?|cherry[- ]pick(?:s|ed)?|semi-backport)\b")
_LINE_REF = lazy(r"(?:(?<![\w/&])#|/pull/)(\d{1,9})\b")
_COMMIT_REF = lazy(r"(?:cherry picked from commit|\b[Pp]ort of) ([0-9a-f]{7,40})\b")
_BRANCH_PREFIX = lazy(r"^[ \t]*\[(?:v?\d{1,6}\.\d{1,6}(?:\.(?:\d{1,6}|x))?(?:\.x)?)\]")


class Carried(NamedTuple):
    own: int  # the commit's own PR: the last (#N) of the subject, 0 for none
    originals: tuple[int, ...]  # PR numbers the message names as carried (not ``own``)
    commits: tuple[str, ...]  # commit hashes (or prefixes) it names as its source
    branch_prefixed: bool  # a ``[X.Y.Z]`` / ``[X.Y.x]`` title: a backport by its own account


def parse(subject: str, body: str = "") -> Carried:
    """The PRs and commits that a commit message says it carries (see the module docstring)."""
    subject = subject[:MAX_MESSAGE]
    body = body[:MAX_MESSAGE]
    in_subject = [int(n) for n in _SUBJECT_REF.findall(subject)]
    own = in_subject[-1] if in_subject else 0
    found: list[int] = in_subject[:-1]
    commits: list[str] = []
    if "(#" in body:
        found.extend(int(n) for n in _BULLET_REF.findall(body))
    # plain substring tests first: most messages say neither (the word regex is the cost)
    if ("#" in body or "/pull/" in body) and ("ackport" in body or "herry" in body or "ACKPORT" in body
                                             or "HERRY" in body or "ack-port" in body or "ackPort" in body):
        done = 0  # each line once, however many times it says "backport": linear
        for m in _BACKPORT_WORD.finditer(body):  # the numbers on a line that says "backport"
            if m.start() < done:
                continue
            start = body.rfind("\n", 0, m.start()) + 1
            end = body.find("\n", m.end())
            done = end if end >= 0 else len(body)
            found.extend(int(n) for n in _LINE_REF.findall(body, start, done))
    if "ort of" in body or "picked" in body:
        commits.extend(_COMMIT_REF.findall(body))
    originals = tuple(dict.fromkeys(n for n in found if 0 < n < MAX_NUMBER and n != own))
    return Carried(own, originals, tuple(dict.fromkeys(commits)), bool(_BRANCH_PREFIX.match(subject)))
