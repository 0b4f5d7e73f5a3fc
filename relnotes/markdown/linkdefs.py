"""The link reference definitions of a release section, kept apart from its entries.

Older Wasmtime notes write ``* The [associated RFC][rfc] …`` with ``[rfc]: https://…``
on a line of its own below the entries.  GitHub renders the whole file at once, so the
label resolves; a page that renders one entry at a time shows ``[associated RFC][rfc]``
with its brackets and the definition as an empty bullet.  So readers of entries ask
:func:`definitions_only` which blocks are nothing but definitions (never an entry, never
counted, never indexed) and :func:`used_by` which of those an entry needs, to render
them with it (a definition renders as nothing).
"""

from __future__ import annotations

from relnotes.markdown import definitions
from relnotes.markdown.references import used_labels
from relnotes.markdown.structure import normalise_label
from relnotes.patterns import lazy

_LABEL = lazy(r"^ {0,3}\[((?:[^\]\\\n]|\\.){1,999})\]:")
MAX_BLOCK = 64 * 1024  # characters: a longer block is not read as definitions


def definitions_only(text: str) -> dict[str, str] | None:
    """Label → the definition's lines when ``text`` is nothing but link reference
    definitions (one or more, blank lines between allowed), else None."""
    if "]:" not in text or len(text) > MAX_BLOCK:
        return None
    found: dict[str, list[str]] = {}
    state: definitions.Result | None = None
    cur: list[str] = []
    for line in text.split("\n"):
        t = line.strip()
        if state is not None and state != definitions.DONE:
            r = definitions.step(state, t) if t else definitions.BAD  # type: ignore[arg-type]
            if r != definitions.BAD:
                cur.append(line)
                state = r
                continue
            if state != definitions.TITLE_MAY_FOLLOW:
                return None  # ended inside a label, destination or title
        if not t:
            state = None
            continue
        m = _LABEL.match(line)
        if m is None or line.lstrip()[:1] != "[":
            return None
        r = definitions.start(line.lstrip())
        if r == definitions.BAD:
            return None
        cur = [line]
        found.setdefault(normalise_label(m[1]), cur)  # CommonMark: the first definition of a label wins
        state = r
    if state not in (None, definitions.DONE, definitions.TITLE_MAY_FOLLOW):
        return None
    return {k: "\n".join(v) for k, v in found.items()} if found else None


def used_by(text: str, defined: dict[str, str]) -> str:
    """The definitions among ``defined`` that ``text`` refers to, as lines to render with it."""
    if not defined or "[" not in text:
        return ""
    return "\n".join(defined[label] for label in sorted(used_labels(text)) if label in defined)
