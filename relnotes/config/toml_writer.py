"""TOML that relnotes writes: ``[tool.relnotes]`` tables for ``init`` and ``import towncrier``.

The inverse of :mod:`relnotes.config.pyproject`'s reading, for the values a
configuration holds (strings, numbers, booleans, dates, lists, tables).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from relnotes.config.pyproject import BARE_KEY


def toml_string(s: str) -> str:
    """``s`` as a TOML basic string (every character TOML requires escaped, escaped)."""
    out = ['"']
    for ch in s:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch < " " or ch == "\x7f":
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, str):
        return toml_string(v)
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{toml_key(k)} = {toml_value(x)}" for k, x in v.items()) + " }"
    raise TypeError(f"no TOML form for {type(v).__name__}")


def toml_key(k: str) -> str:
    return k if BARE_KEY.fullmatch(k) else toml_string(k)


def render_table(values: dict[str, Any], comment: str = "") -> str:
    """``[tool.relnotes]`` with ``values`` (scalars and lists first, tables as sub-tables)."""
    lines = [f"# {comment}"] if comment else []
    lines.append("[tool.relnotes]")
    tables = {k: v for k, v in values.items() if isinstance(v, dict)}
    lines += [f"{toml_key(k)} = {toml_value(v)}" for k, v in values.items() if k not in tables]
    for name, sub in tables.items():
        lines += ["", f"[tool.relnotes.{toml_key(name)}]"]
        lines += [f"{toml_key(k)} = {toml_value(v)}" for k, v in sub.items()]
    return "\n".join(lines) + "\n"
