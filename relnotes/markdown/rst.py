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

from relnotes.markdown.limits import parse_bounded
from relnotes.patterns import lazy

_SPECIAL = lazy(r"([\\*`|])|(_)(?=\W|$)")
# What rST reads as structure at the start of a line of text, and is text in Markdown:
_EXPLICIT = lazy(r"^(\s*)(?=\.\.(?:\s|$))")  # '.. raw:: html', '.. _target:', '.. |sub| …', '..'
_ADORNMENT = lazy(r"^(\s*)(?=([!-/:-@\[-`{-~])\2*\s*$)")  # '=====' under a line: a section title
# at a paragraph's start: a list, enumeration, field, option or doctest block ('a) x', ':f: x', '-x  y', '>>>')
_STARTER = lazy(r"^(\s*)(?=(?:[-+*\u2022\u2023\u2043]|\(?(?:[A-Za-z]|[0-9]{1,9}|[ivxlcdmIVXLCDM]{1,9}|#)[.)])"
                      r"(?:\s|$)|>>>|:|(?:--?|/|\+)\w)")
_LITERAL_MARK = lazy(r"::(\s*)$")  # a paragraph ending '::' introduces a literal block
_LANGUAGE = lazy(r"[\w+#.-]{1,40}")


def escape(text: str) -> str:
    """Plain text with rST's inline markup characters escaped."""
    return _SPECIAL.sub(lambda m: "\\" + (m[1] or m[2]), text)


def safe_lines(lines: list[str]) -> list[str]:
    """A paragraph's rST lines with what rST would read as structure escaped: explicit
    markup (a directive, a target, a substitution definition, a comment), a line that
    would be a title's adornment, a list or field marker at the paragraph's start, and a
    final ``::`` (a literal block marker); each renders as the text it was in Markdown."""
    out = []
    for k, line in enumerate(lines):
        # a paragraph line never starts with a blank in rST: indentation is structure (a
        # definition list, a block quote); in Markdown it is nothing, and a code span's
        # own blank (`` ` :` ``) may land there
        line = line.lstrip(" \t") or "\\ "
        if k == len(lines) - 1:  # first: '::' escaped is no adornment any more
            line = _LITERAL_MARK.sub(r"\\::\1", line)
        line = _EXPLICIT.sub(r"\1\\", line, count=1)
        line = _ADORNMENT.sub(r"\1\\ ", line, count=1)  # an escaped space: renders as nothing, even before '\'
        if k == 0 or not lines[k - 1].strip():  # a paragraph's first line
            line = _STARTER.sub(r"\1\\", line, count=1)
        out.append(line)
    return out


_MARKUP = ("InlineCode", "Strong", "Emphasis", "Link")
_BEFORE_OK = "-:/'\"<([{"  # what may precede inline markup's start in rST (besides whitespace)
_AFTER_OK = "-.,:;!?\\/'\")]}>"  # what may follow its end


def _join(children) -> str:
    """Inline tokens as rST text; markup next to a character rST does not accept there
    (``*x*y``, ``word``code````) is set off with an escaped space (``\\ ``), which renders
    as nothing, so it stays markup instead of becoming a warning."""
    pieces = [(_inline(c), type(c).__name__ in _MARKUP) for c in children or ()]
    out: list[str] = []
    for k, (text, markup) in enumerate(pieces):
        if markup and text.startswith(("`", "*")):
            before = out[-1][-1:] if out and out[-1] else ""
            after = pieces[k + 1][0][:1] if k + 1 < len(pieces) else ""
            if before and not before.isspace() and before not in _BEFORE_OK:
                text = "\\ " + text
            if after and not after.isspace() and after not in _AFTER_OK:
                text += "\\ "
        out.append(text)
    return "".join(out)


def _inline(token) -> str:
    name = type(token).__name__
    children = getattr(token, "children", None)
    inner = _join(children) if children is not None else ""
    if name == "RawText":
        return escape(token.content)
    if name == "InlineCode":
        code = token.children[0].content if token.children else ""
        # an rST literal can neither start nor end with a space, nor hold '``' or end with '`'
        return f"``{code}``" if code.strip() == code and code and "``" not in code and not code.endswith("`") \
            else escape(code)
    if name in ("Strong", "Emphasis"):  # rST markup neither starts nor ends with a space: else plain text
        mark = "**" if name == "Strong" else "*"
        return f"{mark}{inner}{mark}" if inner and inner.strip() == inner and not inner.endswith("\\") else inner
    if name == "Link":
        target = token.target.replace(">", "%3E").replace("`", "%60").replace("<", "%3C")
        if target.endswith("_"):  # `text <name_>`__ would point to a target called 'name'
            target = target[:-1] + "%5F"
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
        # hard line breaks may leave empty lines: in rST they would start a new paragraph
        return safe_lines([ln for ln in _join(token.children).split("\n") if ln.strip()] or [""])
    if name == "List":
        out: list[str] = []
        for k, item in enumerate(token.children):
            marker = f"{token.start + k}. " if getattr(token, "start", None) is not None else "- "
            children = list(item.children or ())
            while children and type(children[0]).__name__ == "Quote":  # rST would read an indented first
                children[:1] = list(children[0].children or ())  # line as the item's indent: kept as text
            body = _blocks(children)
            out += [marker + body[0]] + [(" " * len(marker) + ln) if ln else "" for ln in body[1:]] if body else [marker]
            if getattr(token, "loose", False) and k + 1 < len(token.children):
                out.append("")
        return out
    if name in ("CodeFence", "BlockCode"):
        code = token.children[0].content.rstrip("\n") if token.children else ""
        if not code.strip():  # '::' with nothing under it is a warning, not a block
            return []
        lang = getattr(token, "language", "") or ""
        lang = lang if _LANGUAGE.fullmatch(lang) else ""  # a directive argument: a plain name, or none
        head = f".. code-block:: {lang}".rstrip() if lang else "::"
        return [head, ""] + [("   " + ln) if ln else "" for ln in code.split("\n")]
    if name == "Quote":
        return [("   " + ln) if ln else "" for ln in _blocks(token.children)]
    if name == "ThematicBreak":
        return []
    if name == "Heading" or name == "SetextHeading":
        text = " ".join(_join(token.children).split())  # a setext heading's lines: one line of bold text
        return safe_lines([f"**{text}**"]) if text.strip() else []
    content = getattr(token, "content", None)
    return safe_lines(escape(content).rstrip("\n").split("\n")) if isinstance(content, str) else []


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
