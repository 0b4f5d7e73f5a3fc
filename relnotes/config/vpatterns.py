"""The pattern language of ``version_files``: literal text with placeholders.

``{version}``
    the whole version, pre-release included (``49.0.0``, ``49.0.0-dev``, ``49.0.0-rc.2``);
    the older spelling ``{version}-dev`` means the same slot.
``{pre}``
    the pre-release with its dash (``-dev``, ``-rc.2``) or nothing.
``{major}``, ``{minor}``, ``{patch}``, ``{major+87}``, ``{minor-1}`` …
    a number computed from the version: the names ``major``, ``minor`` and ``patch``,
    whole numbers, ``+`` and ``-`` (at most 8 terms, read left to right).  This is the whole
    language: it is parsed by one regular expression and summed, never evaluated as code.
    Cranelift's ``0.{major+87}.{patch}`` and a C header's ``#define X_MAJOR {major}`` are
    written with it.

Anything else is literal text, braces included (a TOML inline table ``{ path = … }``),
except a brace pair that looks like a placeholder and is not one (``{majr}``), which is
refused so that a typo cannot silently match nothing.
"""

from __future__ import annotations

import re

from relnotes.patterns import lazy
from relnotes.version import Version

_TERM = r"(?:major|minor|patch|[0-9]{1,6})"
_EXPR = rf"{_TERM}(?:[+-]{_TERM}){{0,7}}"
_PLACEHOLDER = lazy(rf"\{{(version|pre|{_EXPR})\}}", re.ASCII)
# a brace pair a person meant as a placeholder: a word, digits and arithmetic, nothing else
_ATTEMPT = lazy(r"\{[ \t]*[A-Za-z0-9_][A-Za-z0-9_+\-*/ \t]{0,40}\}", re.ASCII)
_VERSION_SLOT = (r"(?:0|[1-9]\d{0,8})\.(?:0|[1-9]\d{0,8})\.(?:0|[1-9]\d{0,8})"
                 r"(?:-[0-9A-Za-z]{1,30}(?:\.[0-9A-Za-z]{1,30}){0,5})?")
_PRE_SLOT = r"(?:-[0-9A-Za-z]{1,30}(?:\.[0-9A-Za-z]{1,30}){0,5})?"
_NUMBER_SLOT = r"(?:0|[1-9]\d{0,8})"
# any scheme's version (PEP 440's 1.2.0rc1, 0.27.0+dev; CalVer's 26.3), read then by the scheme
ANY_VERSION_SLOT = r"[0-9](?:[0-9A-Za-z!+_-]|\.(?=[0-9A-Za-z])){0,63}"
MAX_PATTERN = 500  # characters: a pattern is a line or two of a file


def normal(pattern: str) -> str:
    """``{version}-dev`` (the older spelling) as ``{version}``."""
    return pattern.replace("{version}-dev", "{version}")


def problem(pattern: str) -> str | None:
    """Why ``pattern`` is not a version-file pattern, or None."""
    if len(pattern) > MAX_PATTERN:
        return f"be at most {MAX_PATTERN} characters"
    for m in _ATTEMPT.finditer(pattern):
        if not _PLACEHOLDER.fullmatch(m.group()):
            return (f"use only known placeholders, not {m.group()!r} ({{version}}, {{pre}}, or a sum of "
                    f"major, minor, patch and whole numbers such as {{major+87}}, without spaces)")
    if not _PLACEHOLDER.search(pattern):
        return "contain '{version}' (or a number placeholder such as {major} or {major+87})"
    joins = _ambiguous_joins(normal(pattern))
    if len(joins) > 1:
        return (f"separate its placeholders: {joins[0]!r} and {joins[1]!r} can each end in more than "
                f"one place (a number placeholder holds digits, {{version}} and {{pre}} letters, digits, "
                f"'.' and '-'), so a search would try every split; put a character they cannot hold "
                f"between two placeholders, as in '{{major}}.{{minor}}.{{patch}}'")
    return None


_DIGITS = frozenset("0123456789")
_WORDISH = _DIGITS | frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-")


def _ambiguous_joins(pattern: str) -> list[str]:
    """The places where a placeholder's slot could end in more than one place: the character
    that may follow it is one the slot itself can hold.  One such place costs a search a
    bounded factor; a chain of them (``{major}{major}…``, ``{major}1{major}1…``) costs every
    split of a digit run, exponential in the chain's length, so :func:`problem` allows one."""
    parts: list[tuple[str, str]] = []  # (kind, text): kind "lit", "num", "version" or "pre"
    pos = 0
    for m in _PLACEHOLDER.finditer(pattern):
        parts.append(("lit", pattern[pos:m.start()]))
        name = m.group(1)
        parts.append((name if name in ("version", "pre") else "num", m.group()))
        pos = m.end()
    parts.append(("lit", pattern[pos:]))
    found = []
    for i, (kind, text) in enumerate(parts):
        if kind == "lit":
            continue
        holds = _DIGITS if kind == "num" else _WORDISH
        follows: set[str] = set()
        for nkind, ntext in parts[i + 1:]:
            if nkind == "lit":
                if ntext:
                    follows.add(ntext[0])
                    break
                continue
            if nkind == "pre":  # optional: what comes after it may follow too
                follows.add("-")
                continue
            follows |= _DIGITS
            break
        if follows & holds:
            found.append(text)
    return found


def has_version(pattern: str) -> bool:
    return "{version}" in pattern


def _value(expr: str, v: Version) -> int:
    names = {"major": v.major, "minor": v.minor, "patch": v.patch}
    total, sign = 0, 1
    for tok in re.findall(r"[+-]|[a-z]+|[0-9]+", expr):
        if tok in "+-":
            sign = 1 if tok == "+" else -1
        else:
            total += sign * (names[tok] if tok in names else int(tok))
    return total


def render(pattern: str, v: Version) -> str:
    """``pattern`` filled with ``v``; ValueError when a computed number is negative."""
    def fill(m: re.Match[str]) -> str:
        name = m.group(1)
        if name == "version":
            return str(v)
        if name == "pre":
            return "-" + ".".join(v.pre) if v.pre else ""
        n = _value(name, v)
        if n < 0:
            raise ValueError(f"{{{name}}} is {n} for {v}")
        return str(n)

    return _PLACEHOLDER.sub(fill, normal(pattern))


def _guards(pattern: str) -> tuple[str, str]:
    p = normal(pattern)
    # a pattern that starts with a word does not match inside a longer one:
    # 'version = "{version}"' must not find Cargo.toml's 'rust-version = "1.80.0"'
    left = r"(?<![\w-])" if re.match(r"\w", p) else r"(?<![\w.])" if _PLACEHOLDER.match(p) else ""
    # nor does a number at its end stop inside a longer one ('MAJOR {major}' and 'MAJOR 480')
    ends = [m for m in _PLACEHOLDER.finditer(p) if m.end() == len(p)]
    return left, (r"(?![\w.+-])" if ends else "")


def finder(pattern: str, slot: str | None = None) -> re.Pattern[str]:
    """A regex for ``pattern`` with any version: its first ``{version}`` is group ``version``
    (``slot`` what a version looks like: semver's by default, :data:`ANY_VERSION_SLOT`)."""
    rx, seen, pos = [], False, 0
    p = normal(pattern)
    for m in _PLACEHOLDER.finditer(p):
        rx.append(re.escape(p[pos:m.start()]))
        name = m.group(1)
        if name == "version":
            rx.append("(?P=version)" if seen else f"(?P<version>{slot or _VERSION_SLOT})")
            seen = True
        else:
            rx.append(_PRE_SLOT if name == "pre" else _NUMBER_SLOT)
        pos = m.end()
    rx.append(re.escape(p[pos:]))
    left, right = _guards(pattern)
    return re.compile(left + "".join(rx) + right, re.ASCII)


def exact(pattern: str, v: Version) -> re.Pattern[str]:
    """A regex for ``pattern`` filled with ``v`` (ValueError as :func:`render`)."""
    left, right = _guards(pattern)
    return re.compile(left + re.escape(render(pattern, v)) + right, re.ASCII)


def overlap(a: str, b: str) -> bool:
    """Whether two patterns can claim the same text: one's literal skeleton (each
    placeholder one slot) holds the other's.  ``version = "{version}"`` and
    ``version = "={version}"`` do not; ``version = "{version}"`` and
    ``x = { version = "{version}" }`` do."""
    def skeleton(p: str) -> str:
        return _PLACEHOLDER.sub("\0", normal(p))

    sa, sb = skeleton(a), skeleton(b)
    return sa in sb or sb in sa
