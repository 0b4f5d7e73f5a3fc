"""PEP 440 versions (``1!2.0.0rc1.post2.dev3+local.7``): parse, order, bump, canonical text.

A :class:`Pep440Version` is a :class:`~relnotes.version.Version` (its ``major``, ``minor``,
``patch`` are the first three release numbers, ``pre`` is ``("rc", "1")`` or ``("dev", "3")``
for a pre- or development release), so everything that takes a version keeps working; its
text, equality and order are PEP 440's.  The text is read as the specification's
appendix (and ``packaging``) read it — ``1.2.0-RC1``, ``2.0-dev3``, ``1.0-1``, ``v1.0``
— and written back in canonical form (``1.2.0rc1``, ``2.0.dev3``, ``1.0.post1``, ``1.0``).
"""

from __future__ import annotations

import re
from typing import Any

from relnotes.errors import UsageError, quoted
from relnotes.patterns import lazy
from relnotes.version import MAX_DIGITS, OtherSchemeVersion, Version

EXAMPLE = "1.2.0, 1.3.0rc1, 2.0.dev3, 1.2.0.post1 or 0.27.0+dev"
MAX_LENGTH = 128  # a version longer than this is not one a person typed
MAX_RELEASE_PARTS = 8

_PATTERN = lazy(
    r"""^\s*v?
    (?:(?P<epoch>[0-9]+)!)?
    (?P<release>[0-9]+(?:\.[0-9]+)*)
    (?P<pre>[-_.]?(?P<pre_l>alpha|a|beta|b|preview|pre|c|rc)[-_.]?(?P<pre_n>[0-9]+)?)?
    (?P<post>(?:-(?P<post_n1>[0-9]+))|(?:[-_.]?(?P<post_l>post|rev|r)[-_.]?(?P<post_n2>[0-9]+)?))?
    (?P<dev>[-_.]?dev[-_.]?(?P<dev_n>[0-9]+)?)?
    (?:\+(?P<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?
    \s*$""",
    re.VERBOSE | re.IGNORECASE | re.ASCII,
)
_PRE_LETTER = {"alpha": "a", "a": "a", "beta": "b", "b": "b", "c": "rc", "pre": "rc", "preview": "rc", "rc": "rc"}
_TOO_LONG = lazy(r"[0-9]{%d}" % (MAX_DIGITS + 1))


class Pep440Version(OtherSchemeVersion):
    """A PEP 440 version; build one with :meth:`make` or :func:`parse`."""

    epoch: int
    numbers: tuple[int, ...]  # the release segment, as written (1.2 stays 1.2)
    pre_release: tuple[str, int] | None  # ("a" | "b" | "rc", n)
    post: int | None
    dev: int | None
    local: tuple[str, ...]

    @classmethod
    def make(cls, numbers: tuple[int, ...], pre: tuple[str, int] | None = None, post: int | None = None,
             dev: int | None = None, local: tuple[str, ...] = (), epoch: int = 0) -> "Pep440Version":
        padded = tuple(numbers) + (0, 0)
        marker = (pre[0], str(pre[1])) if pre else (("dev", str(dev)) if dev is not None else ())
        v = cls(padded[0], padded[1], padded[2], marker)
        v.epoch, v.numbers, v.pre_release, v.post, v.dev = epoch, tuple(numbers), pre, post, dev
        v.local = tuple(str(int(p)) if p.isdigit() else p.lower() for p in local)
        return v

    def __str__(self) -> str:
        out = f"{self.epoch}!" if self.epoch else ""
        out += ".".join(str(n) for n in self.numbers)
        if self.pre_release:
            out += f"{self.pre_release[0]}{self.pre_release[1]}"
        if self.post is not None:
            out += f".post{self.post}"
        if self.dev is not None:
            out += f".dev{self.dev}"
        if self.local:
            out += "+" + ".".join(self.local)
        return out

    def __repr__(self) -> str:
        return f"Pep440Version({str(self)!r})"

    def _key(self) -> Any:
        # PEP 440's order, as packaging computes it: trailing zeros do not count; a bare
        # .devN comes before the pre-releases; a local version after its public one.
        numbers = list(self.numbers)
        while len(numbers) > 1 and numbers[-1] == 0:
            numbers.pop()
        if self.pre_release is None and self.post is None and self.dev is not None:
            pre: tuple = (-1,)
        elif self.pre_release is None:
            pre = (2,)
        else:
            pre = (1, self.pre_release[0], self.pre_release[1])
        post = (0,) if self.post is None else (1, self.post)
        dev = (1,) if self.dev is None else (0, self.dev)
        local = (0,) if not self.local else (1, tuple((1, int(p), "") if p.isdigit() else (0, 0, p)
                                                      for p in self.local))
        return (self.epoch, tuple(numbers), pre, post, dev, local)

    # A plain Version (a semver heading the notes model read) compares as the PEP 440
    # version it spells (1.2.0-rc.1 as 1.2.0rc1); Python asks these methods first, as a
    # subclass's, whichever side the plain one is on, so no comparison mixes two orders.
    def _other(self, other: object) -> Any:
        if isinstance(other, Pep440Version):
            return other._key()
        if isinstance(other, Version):
            same = try_parse(str(other))
            return same._key() if same is not None else None
        return None

    def _cmp(self, other: object, op: Any) -> Any:
        theirs = self._other(other)
        if theirs is not None:
            return op(self._key(), theirs)
        if isinstance(other, Version):  # a semver pre-release PEP 440 cannot spell: semver's order
            return op(Version(self.major, self.minor, self.patch, self.pre)._key(), Version._key(other))
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._key())

    @property
    def release(self) -> "Pep440Version":
        """The final release this one leads to or follows (``2.0.0rc1``, ``2.0.0.post1+x`` → ``2.0.0``)."""
        return Pep440Version.make(self.numbers, epoch=self.epoch)

    @property
    def is_prerelease(self) -> bool:
        return self.pre_release is not None or self.dev is not None

    def next_major(self) -> "Pep440Version":
        return bump(self, "major")

    def next_patch(self) -> "Pep440Version":
        return bump(self, "patch")


def parse(text: str, what: str = "") -> Pep440Version:
    """``text`` as a PEP 440 version; a UsageError naming the scheme and an example if it is not one."""
    prefix = f"{what} " if what else ""
    m = _PATTERN.match(text) if isinstance(text, str) and len(text) <= MAX_LENGTH else None
    if not m:
        raise UsageError(f"{prefix}{quoted(text)} is not a PEP 440 version (versioning: pep440)",
                         hint=f"PEP 440 versions look like {EXAMPLE}")
    numbers = [n for n in m["release"].split(".")]
    if _TOO_LONG.search(m.group(0)) or len(numbers) > MAX_RELEASE_PARTS:
        raise UsageError(f"{prefix}{quoted(text)} is not a PEP 440 version relnotes takes: more than "
                         f"{MAX_RELEASE_PARTS} release numbers or a number of more than {MAX_DIGITS} digits",
                         hint=f"PEP 440 versions look like {EXAMPLE}")
    pre = (_PRE_LETTER[m["pre_l"].lower()], int(m["pre_n"] or 0)) if m["pre"] else None
    post = None
    if m["post"]:
        post = int(m["post_n1"] or m["post_n2"] or 0)
    dev = int(m["dev_n"] or 0) if m["dev"] else None
    local = tuple(re.split(r"[-_.]", m["local"])) if m["local"] else ()
    return Pep440Version.make(tuple(int(n) for n in numbers), pre, post, dev, local, int(m["epoch"] or 0))


def try_parse(text: str) -> Pep440Version | None:
    try:
        return parse(text)
    except UsageError:
        return None


def bump(current: Version, how: str) -> Pep440Version:
    """``current`` raised by one level (``major``, ``minor``, ``patch``), as
    :func:`relnotes.policy.bump.bumped` does for semver: from a pre-release or development
    release the final release it leads to is enough when it is that big a step
    (``2.0.0rc1`` + major = ``2.0.0``).  The result is final: no pre, post, dev or local part."""
    v = current if isinstance(current, Pep440Version) else parse(str(current))
    numbers = list(v.numbers)
    index = {"major": 0, "minor": 1, "patch": 2}[how]
    if v.is_prerelease and (how == "patch" or all(n == 0 for n in numbers[index + 1:])):
        return v.release
    numbers += [0] * (index + 1 - len(numbers))
    numbers[index] += 1
    numbers[index + 1:] = [0] * (len(numbers) - index - 1)
    return Pep440Version.make(tuple(numbers), epoch=v.epoch)
