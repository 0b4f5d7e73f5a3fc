"""Calendar versions (calver.org): ``YY.N`` (pip's ``26.3``), ``YYYY.MM.DD``, ``YY.MM.MICRO``.

A format is dot-separated tokens: the date ones ``YYYY`` (2026), ``YY`` (26; 106 in
2106), ``0Y`` (06), ``MM`` (1 to 12), ``0M`` (01), ``DD`` (1 to 31), ``0D`` (07), then
optionally ``N`` (the release's number in its period, from 0, as pip counts 26.0, 26.1, …)
and ``MICRO`` (a bug-fix number).  A format without ``MICRO`` still reads one more number
at the end (pip's bug-fix ``24.1.2``; a second release on the same day of ``YYYY.MM.DD``).

The next version is the calendar's for the day asked (an injectable ``today``): a new
period (year, month or day, whatever the format names) starts at ``N`` = 0 or
``MICRO`` = 0; within the period ``N`` grows, or — for changes that ask only for a
patch, or a format without ``N`` — the bug-fix number does.  A :class:`CalVersion` is a
:class:`~relnotes.version.Version` (the first three numbers) ordered by its numbers.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from relnotes.errors import ConfigError, UsageError, quoted
from relnotes.version import OtherSchemeVersion, Version

FORMAT_PATTERN = r"^(YYYY|YY|0Y)(\.(MM|0M))?(\.(DD|0D))?(\.N)?(\.MICRO)?$"
_DATE_TOKENS = ("YYYY", "YY", "0Y", "MM", "0M", "DD", "0D")
_TOKEN_RE = {
    "YYYY": "[1-9][0-9]{3}", "YY": "[1-9][0-9]{0,2}|0", "0Y": "[0-9]{2,3}",
    "MM": "1[0-2]|[1-9]", "0M": "0[1-9]|1[0-2]", "DD": "3[01]|[12][0-9]|[1-9]", "0D": "0[1-9]|[12][0-9]|3[01]",
    "N": "0|[1-9][0-9]{0,8}", "MICRO": "0|[1-9][0-9]{0,8}",
}
_NUMBER = "0|[1-9][0-9]{0,8}"


class CalVersion(OtherSchemeVersion):
    """A calendar version: its numbers in the format's order, and the format it is written in."""

    numbers: tuple[int, ...]
    tokens: tuple[str, ...]

    @classmethod
    def make(cls, numbers: tuple[int, ...], tokens: tuple[str, ...]) -> "CalVersion":
        padded = tuple(numbers) + (0, 0)
        v = cls(padded[0], padded[1], padded[2], ())
        v.numbers, v.tokens = tuple(numbers), tuple(tokens)
        return v

    def __str__(self) -> str:
        shown = []
        for i, n in enumerate(self.numbers):
            token = self.tokens[i] if i < len(self.tokens) else "MICRO"
            shown.append(f"{n:02d}" if token in ("0Y", "0M", "0D") else str(n))
        return ".".join(shown)

    def __repr__(self) -> str:
        return f"CalVersion({str(self)!r})"

    def _key(self) -> Any:
        return self.numbers

    # A plain Version (a semver heading the notes model read, 26.3.0) compares by its
    # numbers; Python asks these methods first, as a subclass's, whichever side it is on.
    def _cmp(self, other: object, op: Any) -> Any:
        if isinstance(other, CalVersion):
            theirs: tuple[int, ...] = other.numbers
        elif isinstance(other, Version):
            theirs = (other.major, other.minor, other.patch)
        else:
            return NotImplemented
        width = max(len(self.numbers), len(theirs))
        return op(self.numbers + (0,) * (width - len(self.numbers)), theirs + (0,) * (width - len(theirs)))

    def __hash__(self) -> int:
        return hash(self.numbers)

    @property
    def release(self) -> "CalVersion":
        return self


class CalVer:
    """One calendar format: reads, writes and advances its versions."""

    def __init__(self, fmt: str) -> None:
        if not re.fullmatch(FORMAT_PATTERN, fmt):
            raise ConfigError(f"calver: {quoted(fmt)} is not a calendar version format",
                              hint="for example YY.N (pip's 26.3), YYYY.MM.DD or YY.MM.MICRO")
        self.format = fmt
        self.tokens = tuple(fmt.split("."))
        self.dated = sum(1 for t in self.tokens if t in _DATE_TOKENS)
        parts = [f"({_TOKEN_RE[t]})" for t in self.tokens]
        extra = "" if "MICRO" in self.tokens else rf"(?:\.({_NUMBER}))?"
        self._re = re.compile(r"^\s*v?" + r"\.".join(parts) + extra + r"\s*$", re.ASCII)

    @property
    def example(self) -> str:
        return str(self.first(datetime.date(2026, 3, 7)))

    def parse(self, text: str, what: str = "") -> CalVersion:
        m = self._re.match(text) if isinstance(text, str) and len(text) <= 64 else None
        if not m:
            raise UsageError(f"{what + ' ' if what else ''}{quoted(text)} is not a calendar version in the "
                             f"format {self.format} (versioning: calver)",
                             hint=f"with calver: {self.format}, versions look like {self.example}")
        numbers = tuple(int(g) for g in m.groups() if g is not None)
        return CalVersion.make(numbers, self.tokens)

    def try_parse(self, text: str) -> CalVersion | None:
        try:
            return self.parse(text)
        except UsageError:
            return None

    def period(self, day: datetime.date) -> tuple[int, ...]:
        """The date numbers of ``day`` in this format (``26`` for YY, ``2026, 12, 7`` for YYYY.MM.DD)."""
        values = {"YYYY": day.year, "YY": day.year - 2000, "0Y": day.year - 2000, "MM": day.month,
                  "0M": day.month, "DD": day.day, "0D": day.day}
        if day.year < 2000 and self.tokens[0] != "YYYY":
            raise UsageError(f"calver: {self.format} has no year before 2000 ({day.isoformat()})")
        return tuple(values[t] for t in self.tokens[:self.dated])

    def first(self, today: datetime.date) -> CalVersion:
        """The first version of the period ``today`` is in (``26.0``, ``2026.3.7``)."""
        return CalVersion.make(self.period(today) + (0,) * (len(self.tokens) - self.dated), self.tokens)

    def bump(self, current: Version | None, how: str, today: datetime.date) -> CalVersion:
        """The version after ``current`` released on ``today``; ``how`` is the level the
        changes ask for (only ``patch`` differs: a bug-fix number instead of the next ``N``)."""
        now = self.first(today)
        cur = current if isinstance(current, CalVersion) or current is None else self.parse(str(current))
        if cur is None or cur.numbers[:self.dated] < now.numbers[:self.dated]:
            return now
        if cur.numbers[:self.dated] > now.numbers[:self.dated]:
            raise UsageError(f"the newest release {cur} is later than the calendar's {now} for "
                             f"{today.isoformat()} (calver: {self.format})",
                             hint="check the date (relnotes next --on DATE), or give the version with --version")
        rest = list(cur.numbers[self.dated:])
        has_n = "N" in self.tokens
        if has_n and how != "patch":
            return CalVersion.make(cur.numbers[:self.dated] + (rest[0] + 1,)
                                   + (0,) * (len(self.tokens) - self.dated - 1), self.tokens)
        # a bug-fix number: the format's MICRO, or one more number after it
        width = len(self.tokens) - self.dated + (0 if "MICRO" in self.tokens else 1)
        rest += [0] * (width - len(rest))
        rest[-1] += 1
        return CalVersion.make(cur.numbers[:self.dated] + tuple(rest), self.tokens)
