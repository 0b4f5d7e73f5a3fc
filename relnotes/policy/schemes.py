"""Version schemes: how a project writes, orders and advances its versions (``versioning:``).

* ``semver`` — ``X.Y.Z[-pre]`` (:class:`~relnotes.version.Version`); the changes choose the
  bump, and below 1.0.0 every level shifts down one (``bump.zero_shift``).
* ``pep440`` — Python's versions (:mod:`relnotes.policy.pep440`): epoch, ``aN``/``bN``/``rcN``,
  ``.postN``, ``.devN``, ``+local``; bumped as semver is, written back in canonical form.
* ``calver`` — calendar versions in the format of the ``calver`` key (:mod:`relnotes.policy.calver`);
  the next one is the calendar's for today.
* ``major-per-release`` — Wasmtime's: every release is the next major (``X.0.0``).

Every place that reads a version a person or the notes wrote asks the scheme
(:func:`scheme_for`); a text it cannot read is a UsageError that names the scheme and
gives an example.
"""

from __future__ import annotations

import datetime

from relnotes.config.load import Config
from relnotes.errors import UsageError
from relnotes.notes import formats
from relnotes.notes.base import NotesDocument
from relnotes.patterns import lazy
from relnotes.policy import calver, pep440
from relnotes.version import Version

_LEADING = lazy(r"^\[?(v?[0-9][^\s\]]*)")


class Scheme:
    """What a scheme does; :class:`Semver` is the base the others refine."""

    name = "semver"
    example = "1.2.0, 1.3.0-dev or 1.3.0-rc.1"

    def parse(self, text: str, what: str = "") -> Version:
        """``text`` as a version of this scheme; a UsageError naming the scheme if it is not one."""
        try:
            return Version.parse(text, what)
        except UsageError as e:
            raise UsageError(f"{e.message} (versioning: {self.name})",
                             hint=f"versions look like {self.example}") from None

    def try_parse(self, text: str) -> Version | None:
        try:
            return self.parse(text)
        except UsageError:
            return None

    def of_heading(self, title: str) -> Version | None:
        """The version a release heading's title starts with (``26.3``, ``[1.2.0rc1] - 2026-01-02``)."""
        m = _LEADING.match(title.strip())
        return self.try_parse(m[1]) if m else None

    def first(self, today: datetime.date) -> Version:
        """A project's first version when nothing says one."""
        return Version(0, 1, 0)

    def bump(self, current: Version, how: str, today: datetime.date) -> Version:
        """``current`` raised by ``how`` (``major``, ``minor`` or ``patch``) on ``today``."""
        return _semver_bumped(current, how)

    def from_calendar(self) -> bool:
        return False


def _semver_bumped(current: Version, how: str) -> Version:
    return Version.bumped(current, how)


class Semver(Scheme):
    pass


class MajorPerRelease(Scheme):
    name = "major-per-release"
    example = "48.0.0 (every release a new major)"

    def bump(self, current: Version, how: str, today: datetime.date) -> Version:
        return current.next_major()


class Pep440(Scheme):
    name = "pep440"
    example = pep440.EXAMPLE

    def parse(self, text: str, what: str = "") -> Version:
        return pep440.parse(text, what)

    def bump(self, current: Version, how: str, today: datetime.date) -> Version:
        return pep440.bump(current, how)

    def first(self, today: datetime.date) -> Version:
        return pep440.Pep440Version.make((0, 1, 0))


class CalendarScheme(Scheme):
    name = "calver"

    def __init__(self, fmt: str) -> None:
        self.calendar = calver.CalVer(fmt)
        self.example = f"{self.calendar.example} (calver: {fmt})"

    def parse(self, text: str, what: str = "") -> Version:
        return self.calendar.parse(text, what)

    def bump(self, current: Version, how: str, today: datetime.date) -> Version:
        return self.calendar.bump(current, how, today)

    def first(self, today: datetime.date) -> Version:
        return self.calendar.first(today)

    def from_calendar(self) -> bool:
        return True


def scheme_for(cfg: Config) -> Scheme:
    """The scheme ``versioning`` (and, for ``calver``, the ``calver`` format) names."""
    return scheme_named(cfg.versioning, cfg.calver)


def scheme_named(versioning: str, fmt: str = "YY.N") -> Scheme:
    """The scheme of a ``versioning`` value (``init`` asks before any Config exists)."""
    if versioning == "pep440":
        return Pep440()
    if versioning == "calver":
        return CalendarScheme(fmt or "YY.N")
    if versioning == "major-per-release":
        return MajorPerRelease()
    return Semver()


def parse_version(cfg: Config, text: str, what: str = "") -> Version:
    """``text`` (a ``--version``, a tag's version, a heading's) read by the project's scheme."""
    return scheme_for(cfg).parse(text, what)


def reader(cfg: Config) -> formats.Reader | None:
    """How the notes read a heading's version: None (semver, the notes model's own) for
    semver and major-per-release, else the scheme's ``try_parse`` (``## 26.3``, ``## 1.2.0rc1``)."""
    scheme = scheme_for(cfg)
    return None if type(scheme) in (Semver, MajorPerRelease) else scheme.try_parse


def read_notes(cfg: Config) -> NotesDocument:
    """The working tree's notes file, its headings read by the project's scheme: every
    reader of the notes above the notes layer goes through here or :func:`parse_notes`."""
    return formats.read_for(cfg, reader(cfg))


def parse_notes(cfg: Config, text: str, path: str | None = None) -> NotesDocument:
    """``text`` (the notes at a commit, on a branch) read as :func:`read_notes` reads the file."""
    return formats.parse_for(cfg, text, path, reader(cfg))


def scheme_headings(cfg: Config, doc, problems: list) -> list:
    """``problems`` without the bad-heading ones for headings the project's scheme reads
    (``## 26.3`` under calver, ``## 1.2.0rc1`` under pep440): the notes model knows semver only."""
    scheme = scheme_for(cfg)
    if type(scheme) in (Semver, MajorPerRelease):
        return problems
    readable = {rel.start + 1 for rel in doc.releases if rel.version is None and scheme.of_heading(rel.title)}
    return [p for p in problems if not (p.code == "notes-bad-heading" and p.line in readable)]
