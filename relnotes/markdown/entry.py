"""How a fragment's body is laid out as one entry of the notes: the bullet, the indented
continuation lines, the link lines, the credit line, trailing link definitions.

This is the built-in ``entry.md.j2`` in Python (``build`` renders every entry through
it) and, because the screen must judge a body *as it will be rendered*, the layout the
screen (:mod:`relnotes.markdown.screen`) renders a body into before reading it.
"""

from __future__ import annotations

from relnotes.patterns import lazy

REF_DEF = lazy(r"^\[[^\]]+\]:[ \t]*\S")


LIST_ITEM = lazy(r"^\s*(?:[-*+]|\d{1,9}[.)])\s")


# A first line that could start a Markdown block (a list, quote, fence, code, HTML, emphasis
# run, link definition...): the breaking prefix then goes on a line of its own before it, so
# the body's blocks stay exactly what the fragment screen saw.  Conservative on purpose.
_BLOCK_START = lazy(r"^(?:[ \t]|[#>|<=~`*+_-]|\d{1,9}[.)]|\[[^\]\n]*\]:)")


def breaking_prefix(prefix: str, body: str) -> str:
    """``prefix`` placed before ``body``: inline, or as its own paragraph when ``body`` starts a block."""
    return prefix.rstrip() + "\n\n" if _BLOCK_START.match(body) else prefix


def builtin_entry(body: str, links: list[str], credit: str = "", bullet: str = "*", prefix: str = "") -> str:
    """``templates/entry.md.j2`` for a fragment's body, link lines, credit line and breaking
    prefix, in one pass.

    ``build`` renders every pending fragment through here, with no template context
    (benchmarks/RESULTS.md has what that saves over a context dict per entry).
    """
    text, references = split_references(body) if "]:" in body else (body, None)
    if prefix:  # already placed by breaking_prefix()
        text = prefix + text
    if "\n" in text:
        lines = text.split("\n")
        out = bullet + " " + lines[0] + "".join(["\n  " + ln if ln.strip() else "\n" for ln in lines[1:]])
        ends_in_list = LIST_ITEM.match(lines[-1]) is not None
    else:
        out = bullet + " " + text
        ends_in_list = False
    if links or credit:
        if ends_in_list:  # a blank line, or the links would join the list's last item
            out += "\n"
        out += "".join(["\n  " + link for link in links])
        if credit:
            out += "\n  " + credit
    if references:
        out += "\n\n" + "\n".join(references)
    return out.rstrip("\n")


def split_references(body: str) -> tuple[str, list[str]]:
    """Split trailing link reference definitions (``[label]: url``) off a body.

    They must follow a blank line (a definition cannot interrupt a paragraph); they
    are rendered after the entry, unindented, as Wasmtime's notes place them.
    """
    head, sep, tail = body.rpartition("\n\n")
    if not sep:
        return body, []
    lines = tail.split("\n")
    if all(REF_DEF.match(line) for line in lines):
        return head.rstrip("\n"), lines
    return body, []


def indent_body(text: str, width: int = 2) -> str:
    """Indent every line but the first by ``width`` spaces; blank lines stay empty."""
    pad = " " * width
    lines = text.split("\n")
    return "\n".join([lines[0]] + [pad + ln if ln.strip() else "" for ln in lines[1:]])
