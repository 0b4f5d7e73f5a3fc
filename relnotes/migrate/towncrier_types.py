"""The types of the towncrier settings ``relnotes import towncrier`` reads.

A towncrier configuration is a file from the repository, so any TOML value can sit
where a path, a name or a list of tables belongs (``directory = 5``, ``type = "x"``,
``issue_format = []``).  :func:`check_document` looks at every setting the migration reads before
anything uses one, and refuses a value of the wrong type as a ConfigError (exit 2) that
names the file, the line and the key, and says what type was expected.  Settings
relnotes does not read (``title_format``, ``underlines``, …) are only listed as "not
carried over", so any value of them is fine.
"""

from __future__ import annotations

import bisect
from pathlib import Path
from typing import Any

from relnotes.config import pyproject as config_toml
from relnotes.errors import ConfigError, quoted, shown_name

TABLE = ("tool", "towncrier")
# [tool.towncrier] key -> kind: "path" (a string usable as a file name), "text" (a string),
# "strings" (a list of strings); the type, fragment and section tables are checked apart
KEYS = {"directory": "path", "package": "path", "package_dir": "path", "filename": "path", "template": "path",
        "name": "text", "issue_format": "text", "start_string": "text", "version": "text", "ignore": "strings"}
# [[tool.towncrier.type]] / [[tool.towncrier.section]] / [tool.towncrier.fragment.X] keys:
# kind and whether towncrier requires it
TYPE_KEYS = {"directory": ("text", True), "name": ("text", True), "showcontent": ("bool", False),
             "check": ("bool", False)}
FRAGMENT_KEYS = {"name": ("text", False), "showcontent": ("bool", False), "check": ("bool", False)}
SECTION_KEYS = {"name": ("text", False), "path": ("path", False)}

EXPECTED = {"path": "a string (a path)", "text": "a string", "bool": "true or false",
            "strings": "a list of strings", "table": "a table", "tables": "a list of tables ([[…]])"}


def type_name(value: Any) -> str:
    """A TOML value's type as a message names it."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a float"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array"
    return f"a {type(value).__name__}"  # date, time, datetime


class _Where:
    """``file:line`` of a key of the towncrier table (the file alone when not found)."""

    def __init__(self, path: Path, text: str, prefix: tuple) -> None:
        self.path, self.prefix = path, prefix
        found, self.positions = config_toml.headers(text)
        starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
        self.headers: dict[tuple, list[int]] = {}
        for offset, key_path in found:
            self.headers.setdefault(tuple(key_path), []).append(bisect.bisect_right(starts, offset))

    def __call__(self, *keys: str, item: int | None = None) -> str:
        line = None
        if item is not None:
            lines = self.headers.get((*self.prefix, keys[0]), [])
            if item < len(lines):
                line = lines[item]
            keys = keys[:1]
        for n in range(len(keys), -1, -1):
            if line is not None:
                break
            pos = self.positions.get((*self.prefix, *keys[:n]))
            line = pos[0] if pos else None
        return f"{self.path}:{line}" if line else str(self.path)


def _fail(where: str, key: str, kind: str, value: Any) -> ConfigError:
    return ConfigError(f"{where}: {key} must be {EXPECTED[kind]}, not {type_name(value)} ({quoted(value)})",
                       hint="see towncrier's configuration reference; fix the value and run again")


def _check_value(value: Any, kind: str, where: str, key: str) -> None:
    ok = {"path": isinstance(value, str), "text": isinstance(value, str), "bool": isinstance(value, bool),
          "strings": isinstance(value, list) and all(isinstance(x, str) for x in value)}[kind]
    if not ok:
        if kind == "strings" and isinstance(value, list):
            bad = next(x for x in value if not isinstance(x, str))
            raise ConfigError(f"{where}: {key} must be a list of strings, but holds {type_name(bad)} ({quoted(bad)})")
        raise _fail(where, key, kind, value)
    if kind == "path" and "\0" in value:
        raise ConfigError(f"{where}: {key} must be a path, and a path holds no NUL character ({quoted(value)})")


def _check_entry(entry: Any, spec: dict, where: str, what: str, key_where: Any = None) -> None:
    """One table of ``type``, ``section`` or ``fragment``; ``key_where(key)`` locates one of
    its keys (else ``where``, the line of the table's header)."""
    if not isinstance(entry, dict):
        raise ConfigError(f"{where}: {what} must be a table, not {type_name(entry)} ({quoted(entry)})")
    for key, (kind, required) in spec.items():
        if key not in entry:
            if required:
                raise ConfigError(f"{where}: {what} has no '{key}'",
                                  hint=f"each {what.split(' #')[0]} needs {' and '.join(repr(k) for k, (_, r) in spec.items() if r)}")
            continue
        _check_value(entry[key], kind, key_where(key) if key_where else where, f"{what} {key}")


def check_document(data: dict, path: Path, text: str) -> dict | None:
    """``[tool.towncrier]`` of a parsed TOML document (None when it has none), with every
    setting relnotes reads of the right type; ConfigError (exit 2) naming the first that
    is not."""
    tool = data.get("tool")
    if tool is None:
        return None
    where = _Where(path, text, ())
    if not isinstance(tool, dict):
        raise ConfigError(f"{where('tool')}: tool must be a table, not {type_name(tool)} ({quoted(tool)})")
    tc = tool.get("towncrier")
    if tc is None:
        return None
    if not isinstance(tc, dict):
        raise ConfigError(f"{where('tool', 'towncrier')}: [tool.towncrier] must be a table, "
                          f"not {type_name(tc)} ({quoted(tc)})")
    where = _Where(path, text, TABLE)
    for key, kind in KEYS.items():
        if key in tc:
            _check_value(tc[key], kind, where(key), key)
    for key, spec, name in (("type", TYPE_KEYS, "[[tool.towncrier.type]]"),
                            ("section", SECTION_KEYS, "[[tool.towncrier.section]]")):
        if key in tc:
            if not isinstance(tc[key], list):
                raise _fail(where(key), key, "tables", tc[key])
            for i, entry in enumerate(tc[key]):
                _check_entry(entry, spec, where(key, item=i), f"{name} #{i + 1}")
    if "fragment" in tc:
        if not isinstance(tc["fragment"], dict):
            raise _fail(where("fragment"), "fragment", "table", tc["fragment"])
        for name, entry in tc["fragment"].items():
            _check_entry(entry, FRAGMENT_KEYS, where("fragment", name), f"[tool.towncrier.fragment.{shown_name(name)}]",
                         lambda key, name=name: where("fragment", name, key))
    return tc
