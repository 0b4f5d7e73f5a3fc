"""Markdown entries as reStructuredText, for a notes file in towncrier's rST layout.

Fragments are Markdown whatever the notes file is; an rST notes file
(:mod:`relnotes.notes.rst`) gets each rendered entry converted here, once, as ``build``
merges it.  What converts: bullets and nested lists, paragraphs (their line breaks kept),
``code`` (````code````), emphasis and strong emphasis, links (anonymous hyperlinks
```text <url>`__``, as towncrier's own issue links are), autolinks, fenced and indented
code (``.. code-block::``), block quotes (indented); anything else keeps its text.
Characters rST reads as markup (``*``, `````, ``|``, a ``_`` ending a word, ``\\``) are
escaped in plain text, so an entry means in rST what it meant in Markdown.

mistletoe is imported inside :func:`to_rst`, as everywhere in this package; the text is
parsed with :func:`relnotes.markdown.limits.parse_bounded` (already screened fragments).
"""

from __future__ import annotations

import re

from relnotes.markdown.limits import parse_bounded

_SPECIAL = re.compile(r"([\\*`|])|(_)(?=\W|$)")


def escape(text: str) -> str:
    """Plain text with rST's inline markup characters escaped."""
    return _SPECIAL.sub(lambda m: "\\" + (m[1] or m[2]), text)


def _inline(token) -> str:
    name = type(token).__name__
    children = getattr(token, "children", None)
    inner = "".join(_inline(c) for c in children) if children is not None else ""
    if name == "RawText":
        return escape(token.content)
    if name == "InlineCode":
        code = token.children[0].content if token.children else ""
        return f"``{code}``" if code and "``" not in code else escape(code)
    if name == "Strong":
        return f"**{inner}**"
    if name == "Emphasis":
        return f"*{inner}*"
    if name == "Link":
        target = token.target.replace(">", "%3E").replace("`", "%60")
        return f"`{inner or escape(target)} <{target}>`__"
    if name == "AutoLink":
        target = token.target if not getattr(token, "mailto", False) else "mailto:" + token.target
        return target
    if name == "LineBreak":
        return "\n"
    if name == "EscapeSequence":
        return escape(token.children[0].content) if token.children else ""
    if name in ("Image", "Strikethrough"):
        return inner
    if name == "HtmlSpan":
        return escape(token.content)
    return inner


def _block(token) -> list[str]:
    """The rST lines of one block token (no trailing blank line)."""
    name = type(token).__name__
    if name == "Paragraph":
        return "".join(_inline(c) for c in token.children).split("\n")
    if name == "List":
        out: list[str] = []
        for k, item in enumerate(token.children):
            marker = f"{token.start + k}. " if getattr(token, "start", None) is not None else "- "
            body = _blocks(item.children)
            out += [marker + body[0]] + [(" " * len(marker) + ln) if ln else "" for ln in body[1:]] if body else [marker]
            if getattr(token, "loose", False) and k + 1 < len(token.children):
                out.append("")
        return out
    if name in ("CodeFence", "BlockCode"):
        code = token.children[0].content.rstrip("\n") if token.children else ""
        lang = getattr(token, "language", "") or ""
        head = f".. code-block:: {lang}".rstrip() if lang else "::"
        return [head, ""] + [("   " + ln) if ln else "" for ln in code.split("\n")]
    if name == "Quote":
        return [("   " + ln) if ln else "" for ln in _blocks(token.children)]
    if name == "ThematicBreak":
        return []
    if name == "Heading" or name == "SetextHeading":
        return ["**" + "".join(_inline(c) for c in token.children) + "**"]
    content = getattr(token, "content", None)
    return escape(content).rstrip("\n").split("\n") if isinstance(content, str) else []


def _blocks(tokens) -> list[str]:
    out: list[str] = []
    for token in tokens or ():
        lines = _block(token)
        if not lines:
            continue
        if out:
            out.append("")
        out += lines
    return out


def to_rst(markdown: str) -> str:
    """One Markdown text (a rendered entry: a bullet and its continuation) as rST."""
    from mistletoe import Document

    doc = parse_bounded(Document, markdown)
    return "\n".join(_blocks(doc.children)).rstrip("\n")
