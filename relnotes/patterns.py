"""Regular expressions compiled on first use, not at import.

Compiling a pattern costs tens of microseconds; the modules every command imports
hold some sixty of them, most needed only when a fragment is parsed for the first
time (a cache miss) or a rare path is taken.  Compiled at import they were about
5 % of ``build --draft``'s instructions at 1,000 fragments, on every run
(benchmarks/RESULTS.md).  :func:`lazy` returns an object that compiles its pattern
the first time any attribute is asked for and then keeps the compiled pattern's
methods as its own attributes, so every later ``PATTERN.match(...)`` is one
attribute lookup, as it was.
"""

from __future__ import annotations

import re
from typing import Any, cast

# what a caller may use: the methods and attributes of re.Pattern
_ATTRIBUTES = ("match", "fullmatch", "search", "sub", "subn", "split", "finditer", "findall",
               "scanner", "pattern", "flags", "groups", "groupindex")


class _Deferred:
    """Stands for ``re.compile(pattern, flags)`` until first used."""

    def __init__(self, pattern: str, flags: int) -> None:
        self._arguments = (pattern, flags)

    def __getattr__(self, name: str) -> Any:
        # only called for attributes not yet set: on first use, and for a name re.Pattern lacks
        compiled = re.compile(*self._arguments)
        for attribute in _ATTRIBUTES:
            setattr(self, attribute, getattr(compiled, attribute))
        return getattr(compiled, name)

    def __repr__(self) -> str:
        return f"lazy({self._arguments[0]!r}, {self._arguments[1]})"


def lazy(pattern: str, flags: int | re.RegexFlag = 0) -> re.Pattern[str]:
    """``re.compile(pattern, flags)``, compiled when first used (typed as the pattern it stands for)."""
    return cast("re.Pattern[str]", _Deferred(pattern, int(flags)))
