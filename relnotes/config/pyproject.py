"""``[tool.relnotes]`` in ``pyproject.toml``: the same configuration as ``relnotes.yaml``.

Python projects keep their tools' settings in ``pyproject.toml`` (towncrier's among
them), so relnotes reads its table there when a directory has no ``relnotes.yaml``.
The values go through the very same SCHEMA validation as YAML; what differs is only
where a key is: ``tomllib`` (the standard library's parser, which decides what valid
TOML is) gives no positions, so :func:`locate` scans the text once more — linearly,
after ``tomllib`` accepted it — to find the line and column of every key (table
headers, dotted keys, inline tables), and the validated mappings carry those
positions the way ruamel's do (``mapping.lc.key(name)``), so every message names
``pyproject.toml:LINE:COL``.  A key the scan cannot place is reported at its table.

:func:`relnotes.config.toml_writer.render_table` writes a ``[tool.relnotes]`` table (``relnotes import towncrier
--to pyproject``).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from pathlib import Path
from typing import Any

from relnotes.config.rules import shown
from relnotes.errors import ConfigError
from relnotes.patterns import lazy

PYPROJECT_NAME = "pyproject.toml"
TABLE = ("tool", "relnotes")
# A header or dotted key that opens relnotes' table: cheap to look for before parsing.
# Linear: each alternative starts at a word or a line start and scans only that line's blanks
# (``^\s*`` would rescan every following blank line from every line start: quadratic).
_MENTION = lazy(r"""\btool["']?[ \t]*\.[ \t]*["']?relnotes\b|^[ \t]*["']?relnotes["']?[ \t]*[.=]"""
                      r"""|\brelnotes[ \t]*=[ \t]*\{""", re.MULTILINE)
# tomllib builds a dotted key part by part (quadratic in its parts), and a key's parts are
# on one line: a line with more dots than this is refused before tomllib sees it.
MAX_DOTS_PER_LINE = 512
_TOML_ERROR_AT = lazy(r"\s*\(at line (\d+), column (\d+)\)\s*$")


def may_hold_table(text: str) -> bool:
    """Whether ``text`` can hold ``[tool.relnotes]`` at all (no parse): a pyproject that
    never names it is not a configuration, and need not cost a TOML parse to say so."""
    return _MENTION.search(text) is not None


def parse(text: str, path: Path) -> dict:
    """The whole TOML document, or ConfigError with ``file:line:col`` of the mistake."""
    import tomllib

    if text.count(".") > MAX_DOTS_PER_LINE:
        for n, line in enumerate(text.split("\n"), 1):
            if line.count(".") > MAX_DOTS_PER_LINE:
                raise ConfigError(f"{shown(path)}:{n}:1: more than {MAX_DOTS_PER_LINE} dots on one line; relnotes "
                                  "refuses such a line (a dotted key that long costs TOML parsers quadratic time)",
                                  hint="split the line, or shorten its dotted key")
    try:
        return tomllib.loads(text.lstrip("\ufeff"))
    except tomllib.TOMLDecodeError as e:
        message = str(e)
        m = _TOML_ERROR_AT.search(message)
        where = f"{shown(path)}:{m[1]}:{m[2]}" if m else shown(path)
        if message.endswith("(at end of document)"):
            lines = text.split("\n")
            where = f"{shown(path)}:{len(lines)}:{len(lines[-1]) + 1}"
        problem = _TOML_ERROR_AT.sub("", message).replace(" (at end of document)", " at the end of the file")
        raise ConfigError(f"{where}: invalid TOML: {problem}",
                          hint="fix the TOML syntax (see https://toml.io); relnotes reads [tool.relnotes] here") from None
    except RecursionError:
        raise ConfigError(f"{shown(path)}: TOML nested too deeply") from None


def table(text: str, path: Path) -> Located | None:
    """``[tool.relnotes]`` of a pyproject text, its mappings carrying key positions, or
    None when the document has no such table (then it is not a relnotes configuration)."""
    if not may_hold_table(text):
        return None
    doc = parse(text, path)
    tool = doc.get("tool")
    if not isinstance(tool, dict) or "relnotes" not in tool:
        return None
    positions = locate(text.lstrip("\ufeff"))
    home = positions.get(TABLE) or positions.get(TABLE[:1]) or (1, 1)
    value = tool["relnotes"]
    if not isinstance(value, dict):
        line, col = positions.get(TABLE, home)
        raise ConfigError(f"{shown(path)}:{line}:{col}: 'tool.relnotes' must be a table of keys and values",
                          hint="write the keys under a [tool.relnotes] header")
    try:
        return _located(value, TABLE, positions, home)
    except RecursionError:  # tables nested by dotted keys, which tomllib builds without recursion
        line, col = home
        raise ConfigError(f"{shown(path)}:{line}:{col}: TOML nested too deeply") from None


class _Where:
    """ruamel's ``.lc`` for a TOML table: ``key(name)`` is the 0-based (line, col)."""

    __slots__ = ("positions", "path", "home")

    def __init__(self, positions: dict, path: tuple, home: tuple[int, int]) -> None:
        self.positions, self.path, self.home = positions, path, home

    def key(self, name: Any) -> tuple[int, int]:
        line, col = self.positions.get((*self.path, name), self.home)
        return line - 1, col - 1


class Located(dict):
    """A TOML table that knows where each of its keys is written."""

    lc: _Where


def _located(value: Any, path: tuple, positions: dict, home: tuple[int, int]) -> Any:
    if isinstance(value, dict):
        here = positions.get(path, home)
        out = Located((k, _located(v, (*path, k), positions, here)) for k, v in value.items())
        out.lc = _Where(positions, path, here)
        return out
    return value


# -- where each key is written -----------------------------------------------------------

BARE_KEY = lazy(r"[A-Za-z0-9_-]+")
_SCALAR = lazy(r"[^\s,\]}#]+")
_DATE_THEN_TIME = lazy(r"\d{4}-\d{2}-\d{2} (?=\d{2}:)")
_SPACE = " \t"


class _Scanner:
    """One pass over a TOML text that ``tomllib`` accepted: the position of every key.

    Positions are recorded for full key paths from the document's root, first
    occurrence wins; array-of-tables elements and array items are passed over (their
    keys are reported at the key that holds them).  Anything unexpected ends the scan
    early (the keys not found yet are then reported at their table): it never raises
    and always moves forward, so it is linear in the text.
    """

    def __init__(self, text: str) -> None:
        self.s = text
        self.i = 0
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.found: dict[tuple, tuple[int, int]] = {}
        self.headers: list[tuple[int, tuple]] = []  # (offset of the line, table path) of each header

    def where(self, i: int) -> tuple[int, int]:
        n = bisect_right(self.starts, i) - 1
        return n + 1, i - self.starts[n] + 1

    def record(self, base: tuple, keys: list[tuple[str, int]]) -> tuple:
        path = base
        for name, at in keys:
            path = (*path, name)
            self.found.setdefault(path, self.where(at))
        return path

    def skip_space(self, newlines: bool = False) -> None:
        s, n = self.s, len(self.s)
        while self.i < n:
            c = s[self.i]
            if c in _SPACE or (newlines and c in "\r\n"):
                self.i += 1
            elif c == "#" and newlines:
                end = s.find("\n", self.i)
                self.i = n if end < 0 else end + 1
            else:
                return

    def expect(self, token: str) -> None:
        if not self.s.startswith(token, self.i):
            raise _Stop
        self.i += len(token)

    def document(self) -> dict[tuple, tuple[int, int]]:
        try:
            self._document()
        except (_Stop, IndexError):
            pass
        return self.found

    def _document(self) -> None:
        s, n = self.s, len(self.s)
        current: tuple = ()
        while self.i < n:
            self.skip_space(newlines=True)
            if self.i >= n:
                return
            if s[self.i] == "[":
                line_start = self.starts[bisect_right(self.starts, self.i) - 1]
                array = s.startswith("[[", self.i)
                self.i += 2 if array else 1
                self.skip_space()
                keys = self.key()
                self.skip_space()
                self.expect("]]" if array else "]")
                current = self.record((), keys)
                self.headers.append((line_start, current))
                if array:  # the keys of an element are not the array's own keys
                    current = (*current, "[]")
            else:
                keys = self.key()
                self.skip_space()
                self.expect("=")
                self.skip_space()
                self.value(self.record(current, keys))
            self.skip_space()
            if self.i < n and s[self.i] == "#":
                self.skip_space(newlines=True)
            elif self.i < n and s[self.i] not in "\r\n":
                raise _Stop

    def key(self) -> list[tuple[str, int]]:
        """A (dotted) key: each part's name and where it starts."""
        parts = []
        while True:
            self.skip_space()
            at = self.i
            c = self.s[at]
            if c == '"':
                self.basic_string()
                parts.append((_decode_key(self.s[at:self.i]), at))
            elif c == "'":
                end = self.s.find("'", at + 1)
                if end < 0:
                    raise _Stop
                self.i = end + 1
                parts.append((self.s[at + 1:end], at))
            else:
                m = BARE_KEY.match(self.s, at)
                if not m:
                    raise _Stop
                self.i = m.end()
                parts.append((m.group(), at))
            self.skip_space()
            if self.i < len(self.s) and self.s[self.i] == ".":
                self.i += 1
                continue
            return parts

    def basic_string(self) -> None:
        s, n = self.s, len(self.s)
        self.i += 1
        while self.i < n:
            c = s[self.i]
            if c == "\\":
                self.i += 2
            elif c == '"':
                self.i += 1
                return
            elif c == "\n":
                raise _Stop
            else:
                self.i += 1
        raise _Stop

    def multiline(self, quote: str) -> None:
        """Past a ``\"\"\"…\"\"\"`` or ``'''…'''`` string (up to two more quotes belong to it)."""
        s, n = self.s, len(self.s)
        self.i += 3
        while self.i < n:
            if quote == '"' and s[self.i] == "\\":
                self.i += 2
            elif s.startswith(quote * 3, self.i):
                self.i += 3
                extra = 0
                while extra < 2 and self.i < n and s[self.i] == quote:
                    self.i += 1
                    extra += 1
                return
            else:
                self.i += 1
        raise _Stop

    def value(self, path: tuple | None) -> None:
        """Past one value; the keys of an inline table are recorded below ``path``."""
        s = self.s
        c = s[self.i]
        if c in "\"'":
            if s.startswith(c * 3, self.i):
                self.multiline(c)
            elif c == '"':
                self.basic_string()
            else:
                end = s.find("'", self.i + 1)
                if end < 0:
                    raise _Stop
                self.i = end + 1
        elif c == "[":
            self.i += 1
            while True:
                self.skip_space(newlines=True)
                if s[self.i] == "]":
                    self.i += 1
                    return
                self.value(None)
                self.skip_space(newlines=True)
                if s[self.i] == ",":
                    self.i += 1
                elif s[self.i] != "]":
                    raise _Stop
        elif c == "{":
            self.i += 1
            while True:
                self.skip_space(newlines=True)
                if s[self.i] == "}":
                    self.i += 1
                    return
                keys = self.key()
                self.skip_space()
                self.expect("=")
                self.skip_space()
                self.value(self.record(path, keys) if path is not None else None)
                self.skip_space(newlines=True)
                if s[self.i] == ",":
                    self.i += 1
                elif s[self.i] != "}":
                    raise _Stop
        else:
            m = _DATE_THEN_TIME.match(s, self.i)
            if m:
                self.i = m.end()
            m = _SCALAR.match(s, self.i)
            if not m:
                raise _Stop
            self.i = m.end()


class _Stop(Exception):
    """The scan met something it does not expect: keep what it found."""


def _decode_key(raw: str) -> str:
    """A quoted key's name, escapes and all (``tomllib`` decodes it, so both agree)."""
    import tomllib

    try:
        return tomllib.loads(f"k = {raw}")["k"]
    except tomllib.TOMLDecodeError:
        raise _Stop from None


def locate(text: str) -> dict[tuple, tuple[int, int]]:
    """Every key path of a TOML document → the 1-based (line, column) where it is written."""
    return _Scanner(text).document()


def headers(text: str) -> tuple[list[tuple[int, tuple]], dict[tuple, tuple[int, int]]]:
    """The table headers of a TOML document — (offset of its line, table path) — and
    every key's position (as :func:`locate`)."""
    scan = _Scanner(text)
    found = scan.document()
    return scan.headers, found


# -- writing ---------------------------------------------------------------------------------


