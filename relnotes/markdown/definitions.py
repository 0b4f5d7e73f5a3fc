"""Link reference definitions, line by line: how far a definition runs.

A definition (``[label]: destination "title"``) renders as nothing, and CommonMark lets
its label, its destination and its title run over several lines (no blank line in
between).  The block scanner (:mod:`relnotes.markdown.blocks`) asks :func:`start` about
a line that may begin one and :func:`step` about each following line that continues
the paragraph; the answer is :data:`BAD` (not a definition: the text is a paragraph's),
:data:`DONE` (a definition ended on this line), or the state the next line continues
(:data:`TITLE_MAY_FOLLOW`: complete, but a title may start on the next line; anything
else: the line ends inside the definition).

Where renderers differ, the reading that hides more wins: an unescaped ``(`` inside a
``(…)`` title ends the definition for CommonMark but not for mistletoe, so here it does
not.  Each call reads its line once, left to right: linear in the text.
"""

from __future__ import annotations

from typing import Any

BAD = "bad"
DONE = "done"
TITLE_MAY_FOLLOW = ("title?",)
_DEST = ("dest",)
_CLOSERS = {'"': '"', "'": "'", "(": ")"}
_MAX_LABEL = 999

State = tuple[Any, ...]  # ('label', characters so far, any not blank), ('dest',), ('title?',), ('title', closer)
Result = str | State  # BAD, DONE or the state the next line continues


def destination(token: str) -> str:
    """A destination as written (``<…>`` or bare) → the destination."""
    return token[1:-1] if token.startswith("<") and token.endswith(">") else token


def start(t: str) -> Result:
    """``t`` (a line's content, container prefix and indentation removed) starts with
    ``[``: how the definition it may begin goes on (see the module).

    Or, right after a line that ended a definition, with ``]:``: mistletoe (1.6) then
    reads a label from the start of the definitions' text to this ``]`` and the line
    as one more definition, which hides it (and a ``[`` label running over the lines
    after it).  CommonMark shows it as a paragraph; the reading that hides wins."""
    if t[:2] == "]:":
        return _after_colon(t, 2)
    return _label(t, 1, 0, False)


def step(state: State, t: str) -> Result:
    """The next line ``t`` (leading blanks removed) of a definition in ``state``."""
    kind = state[0]
    if kind == "label":
        return _label(t, 0, state[1] + 1, state[2])
    if kind == "dest":
        return _destination(t, 0)
    if kind == "title?":
        if t[:1] not in _CLOSERS:
            return BAD  # no title: the definition ended on the line before, this line is text
        return _title(t, 1, _CLOSERS[t[0]])
    return _title(t, 0, state[1])  # inside a title


def _label(t: str, i: int, used: int, seen: bool) -> Result:
    n = len(t)
    while i < n:
        c = t[i]
        if c == "\\" and i + 1 < n:
            i, used, seen = i + 2, used + 2, True
        elif c == "[":
            return BAD
        elif c == "]":
            if not seen or t[i + 1:i + 2] != ":":
                return BAD
            return _after_colon(t, i + 2)
        else:
            i, used, seen = i + 1, used + 1, seen or c not in " \t"
        if used > _MAX_LABEL:
            return BAD
    return ("label", used, seen)


def _after_colon(t: str, i: int) -> Result:
    i = _blanks(t, i)
    return _DEST if i == len(t) else _destination(t, i)


def _destination(t: str, i: int) -> Result:
    n = len(t)
    if t[i:i + 1] == "<":
        i += 1
        while i < n and t[i] != ">":
            if t[i] == "<":
                return BAD
            i += 2 if t[i] == "\\" else 1
        if i >= n:
            return BAD
        i += 1
        if i < n and t[i] not in " \t":
            return BAD
    else:
        depth, begin = 0, i
        while i < n and t[i] not in " \t":
            c = t[i]
            if c == "\\":
                i += 2
                continue
            if ord(c) < 0x20:
                break
            if c == "(":
                depth += 1
            elif c == ")":
                depth -= 1
                if depth < 0:
                    return BAD
            i += 1
        if depth or i == begin:
            return BAD
    i = _blanks(t, i)
    if i >= n:
        return TITLE_MAY_FOLLOW
    if t[i] not in _CLOSERS:
        return BAD
    return _title(t, i + 1, _CLOSERS[t[i]])


def _title(t: str, i: int, closer: str) -> Result:
    n = len(t)
    while i < n:
        c = t[i]
        if c == "\\":
            i += 2
            continue
        if c == closer:
            return DONE if _blanks(t, i + 1) >= n else BAD
        i += 1
    return ("title", closer)


def _blanks(t: str, i: int) -> int:
    while i < len(t) and t[i] in " \t":
        i += 1
    return i
