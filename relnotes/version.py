"""Versions (``48.0.0``, ``49.0.0-dev``, ``49.0.0-rc.1``), bumps, branch names.

Sorting is always by version, never by name or date: ``1.10.0`` sorts after
``1.9.0`` and ``100.0.0`` after ``99.0.0``; a pre-release sorts before its release,
as in SemVer §11.
"""

import operator
import re
from typing import Any, NamedTuple

from relnotes.errors import UsageError, quoted
from relnotes.patterns import lazy

_VERSION_RE = lazy(
    r"^v?(?P<major>0|[1-9]\d*)\.(?P<minor>0|[1-9]\d*)\.(?P<patch>0|[1-9]\d*)"
    r"(?:-(?P<pre>[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?"
    r"(?:\+(?P<build>[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$",
    re.ASCII,
)
MAX_DIGITS = 18  # per number of a version (and numeric pre-release part): fits in 64 bits
_TOO_LONG = lazy(r"[0-9]{%d}" % (MAX_DIGITS + 1))
MAX_LENGTH = 255  # characters of a whole version: a tag or branch made from it is a file name


class Version(NamedTuple):
    """An immutable version; equality is by parts, ordering by SemVer precedence (``_key``)."""

    major: int
    minor: int
    patch: int
    pre: tuple[str, ...] = ()

    @classmethod
    def parse(cls, text: str, what: str = "") -> "Version":
        """Parse ``X.Y.Z[-pre][+build]`` (a leading ``v`` is accepted); UsageError if not.

        ``what`` names where the text came from (``--from``, ``FROM``) for the message."""
        if isinstance(text, str) and len(text.strip()) > MAX_LENGTH:
            raise UsageError(
                f"{what + ' ' if what else ''}{quoted(text)} is not a version: it is longer than "
                f"{MAX_LENGTH} characters",
                hint="versions look like 1.2.0, 1.3.0-dev or 1.3.0-rc.1",
            )
        m = _VERSION_RE.match(text.strip()) if isinstance(text, str) else None
        if not m:
            raise UsageError(
                f"{what + ' ' if what else ''}{quoted(text)} is not a version",
                hint="versions look like 1.2.0, 1.3.0-dev or 1.3.0-rc.1",
            )
        if _TOO_LONG.search(m.string[:m.end("pre") if m["pre"] else m.end("patch")]):
            raise UsageError(
                f"{what + ' ' if what else ''}{quoted(text)} is not a version: a number in it has more than "
                f"{MAX_DIGITS} digits",
                hint="versions look like 1.2.0, 1.3.0-dev or 1.3.0-rc.1",
            )
        pre = tuple(m["pre"].split(".")) if m["pre"] else ()
        return cls(int(m["major"]), int(m["minor"]), int(m["patch"]), pre)

    @classmethod
    def try_parse(cls, text: str) -> "Version | None":
        try:
            return cls.parse(text)
        except UsageError:
            return None

    def __str__(self) -> str:
        core = f"{self.major}.{self.minor}.{self.patch}"
        return f"{core}-{'.'.join(self.pre)}" if self.pre else core

    def _key(self) -> "tuple[int, int, int, tuple[tuple[int | str, ...], ...]]":
        # SemVer precedence: a release ranks above any of its pre-releases; numeric
        # identifiers compare numerically and rank below alphanumeric ones.
        if not self.pre:
            pre_key: tuple[tuple[int | str, ...], ...] = ((1,),)
        else:
            pre_key = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in self.pre)
            pre_key = ((0,),) + pre_key
        return (self.major, self.minor, self.patch, pre_key)

    # tuple's own ordering would compare the parts as given; SemVer's is _key's
    def __lt__(self, other: object) -> bool:
        return self._key() < other._key() if isinstance(other, Version) else NotImplemented

    def __le__(self, other: object) -> bool:
        return self._key() <= other._key() if isinstance(other, Version) else NotImplemented

    def __gt__(self, other: object) -> bool:
        return self._key() > other._key() if isinstance(other, Version) else NotImplemented

    def __ge__(self, other: object) -> bool:
        return self._key() >= other._key() if isinstance(other, Version) else NotImplemented

    @property
    def release(self) -> "Version":
        """The version without pre-release part (``49.0.0-dev`` → ``49.0.0``)."""
        return Version(self.major, self.minor, self.patch)

    def next_major(self) -> "Version":
        """The next release a cut opens: a major bump, or a minor one before 1.0.

        Wasmtime went 0.39.0 → 0.40.0 → 1.0.0 by hand; relnotes bumps ``0.x`` minors
        and leaves the jump to 1.0.0 to ``--version``.
        """
        if self.major == 0:
            return Version(0, self.minor + 1, 0)
        return Version(self.major + 1, 0, 0)

    def next_patch(self) -> "Version":
        return Version(self.major, self.minor, self.patch + 1)

    def bumped(self, how: str) -> "Version":
        """Raised by one semver level (``major``, ``minor``, ``patch``).  From a
        pre-release, the release it leads to is enough when it already is that big a
        step (``2.0.0-rc.1`` + major = ``2.0.0``)."""
        if self.pre:
            r = self.release
            if how == "patch" or (how == "minor" and r.patch == 0) or (how == "major" and r.minor == r.patch == 0):
                return r
        if how == "major":
            return Version(self.major + 1, 0, 0)
        if how == "minor":
            return Version(self.major, self.minor + 1, 0)
        return Version(self.major, self.minor, self.patch + 1)

    def format(self, pattern: str) -> str:
        """Fill ``{version} {major} {minor} {patch}`` placeholders of a config pattern."""
        return (
            pattern.replace("{version}", str(self))
            .replace("{major}", str(self.major))
            .replace("{minor}", str(self.minor))
            .replace("{patch}", str(self.patch))
        )


class OtherSchemeVersion(Version):
    """A version of another scheme (PEP 440, calendar) that compares with every
    :class:`Version` through its own ``_cmp(other, operator)``; the comparisons are
    written once here (``NotImplemented`` for what is not a version)."""

    def _cmp(self, other: object, op: Any) -> Any:
        raise NotImplementedError

    def __eq__(self, other: object) -> bool:
        return bool(self._cmp(other, operator.eq)) if isinstance(other, Version) else False

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __lt__(self, other: object) -> bool:
        return self._cmp(other, operator.lt)  # type: ignore[no-any-return]

    def __le__(self, other: object) -> bool:
        return self._cmp(other, operator.le)  # type: ignore[no-any-return]

    def __gt__(self, other: object) -> bool:
        return self._cmp(other, operator.gt)  # type: ignore[no-any-return]

    def __ge__(self, other: object) -> bool:
        return self._cmp(other, operator.ge)  # type: ignore[no-any-return]

    __hash__ = Version.__hash__  # each scheme sets its own


def whole_number(text: str, digits: int = 12) -> int | None:
    """``text`` as a whole number when it is only ASCII digits, at most ``digits`` of them;
    else None.  Every number a person or a file name types goes through here: ``str.isdigit``
    and ``int`` also take ``²`` (which ``int`` then refuses), ``٣``, ``1_000`` and blanks,
    and Python will not turn more than 4300 digits into a number."""
    return int(text) if re.fullmatch("[0-9]{1,%d}" % digits, text) else None


def branch_pattern(template: str) -> re.Pattern[str]:
    """A regex that recognises branch names made from ``release_branch`` (``release-{version}``)."""
    parts = re.split(r"(\{version\})", template)
    rx = "".join("(?P<version>.+)" if p == "{version}" else re.escape(p) for p in parts)
    return re.compile(f"^{rx}$")


def version_of_branch(name: str, template: "str | tuple[str, ...]") -> "Version | None":
    """``release-48.0.0`` → 48.0.0 under ``release-{version}``; None when it does not fit.

    ``template`` may be several patterns (``Config.branch_patterns``): the first names
    branches as ``cut`` makes them, with a whole version; the others may also name a
    line by its major.minor, as Wasmtime's ``stable-v0.26`` (0.26.0, whose 0.26.1
    carries the CVE-2021-32629 fix) under ``stable-v{version}``."""
    patterns = (template,) if isinstance(template, str) else template
    for i, pattern in enumerate(patterns):
        m = branch_pattern(pattern).match(name)
        if not m:
            continue
        v = Version.try_parse(m["version"])
        if v is None and i > 0 and re.fullmatch(r"[0-9]{1,9}\.[0-9]{1,9}", m["version"]):
            v = Version.try_parse(m["version"] + ".0")
        if v is not None:
            return v
    return None
