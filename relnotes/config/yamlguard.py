"""YAML without bombs: anchors, aliases, merge keys and endless numbers are refused
before anything is built.

An alias repeats a node without repeating its text, so a few hundred bytes of
``&a [*b, *b, …]`` expand into gigabytes once constructed, printed or cached.  Neither a
fragment's front matter nor a configuration needs them, so :func:`refused_node` reads
the text as YAML *events* (which never expand an alias) and names the first anchor,
alias or merge key (``<<``); the fragment reader and the configuration loader refuse
the text there, with its line and column, before ruamel constructs a single value.
Likewise a plain number of more than ``MAX_DIGITS`` digits, which Python cannot turn
into text past 4300 digits and which nothing relnotes reads needs (quoted, it is text),
and flow collections (``[`` / ``{``) nested more than ``MAX_FLOW_DEPTH`` deep, which the
YAML scanner reads in time quadratic in their depth (64 KiB of ``[`` took minutes).
"""

from __future__ import annotations

from relnotes.errors import ConfigError
from relnotes.patterns import lazy

MAX_DIGITS = 18
MAX_FLOW_DEPTH = 32  # no fragment or configuration nests lists or mappings this deep
_LONG_NUMBER = lazy(r"[-+]?(?:[0-9][0-9_]{%d,}|0[xX][0-9a-fA-F_]{%d,})" % (MAX_DIGITS, MAX_DIGITS - 2))
_SHARED = "YAML anchors, aliases and merge keys ('&', '*', '<<') are not allowed here; write each value out"


def refused_node(text: str) -> tuple[int, int, str] | None:
    """(0-based line, 0-based column, message) of the first anchor, alias, merge key or
    over-long number in ``text``, or None; text that is not valid YAML is left to the
    loader to report."""
    deep = _too_deep(text)
    if deep is not None:
        return deep
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError
    from ruamel.yaml.events import AliasEvent, ScalarEvent

    try:
        for event in YAML(typ="safe", pure=True).parse(text):
            mark = event.start_mark
            if isinstance(event, AliasEvent):
                return mark.line, mark.column, f"an alias: {_SHARED}"
            if getattr(event, "anchor", None) is not None:
                return mark.line, mark.column, f"an anchor: {_SHARED}"
            if not isinstance(event, ScalarEvent):
                continue
            if (event.value == "<<" and event.style is None) or (event.tag or "").endswith(":merge"):
                return mark.line, mark.column, f"a merge key: {_SHARED}"
            if (event.style is None and _LONG_NUMBER.fullmatch(event.value)
                    and sum(c.isalnum() for c in event.value) > MAX_DIGITS):
                return mark.line, mark.column, (f"a number of more than {MAX_DIGITS} digits; "
                                                "quote it if it is meant as text")
    except (YAMLError, RecursionError, ValueError):
        return None
    return None


def _too_deep(text: str) -> tuple[int, int, str] | None:
    """Where flow collections first nest past ``MAX_FLOW_DEPTH``, in one pass that skips
    quoted scalars and comments; None when they never do."""
    depth = line = col = 0
    quote = ""
    prev = "\n"
    for ch in text:
        if quote:
            if ch == quote and (quote == "'" or prev != "\\"):
                quote = ""
        elif ch == "#" and prev in " \t\n":
            quote = "\n"  # a comment runs to the line's end
        elif ch in "'\"" and prev in " \t\n[{,:-":
            quote = ch
        elif ch in "[{":
            depth += 1
            if depth > MAX_FLOW_DEPTH:
                return line, col, (f"lists or mappings nested more than {MAX_FLOW_DEPTH} deep; "
                                   "no fragment or configuration needs that")
        elif ch in "]}":
            depth = max(depth - 1, 0)
        if ch == "\n":
            line, col = line + 1, 0
            if quote == "\n":
                quote = ""
        else:
            col += 1
        prev = ch
    return None


def refuse_in_config(text: str, shown_path: str) -> None:
    """ConfigError (exit 2) at the first node :func:`refused_node` refuses in a configuration."""
    found = refused_node(text)
    if found is not None:
        line, col, message = found
        raise ConfigError(f"{shown_path}:{line + 1}:{col + 1}: {message}",
                          hint="write the value out in full, without anchors or aliases, and nested no deeper than it needs")
