"""HTML from untrusted Markdown: raw HTML escaped, only harmless link targets live.

Fragment text comes from strangers' pull requests, and ``show --format html`` (or a
static site built from the notes) puts it on a web page.  Two rules make that safe,
each decided here and nowhere else:

* raw HTML in the Markdown is escaped, never passed through (mistletoe's
  ``HtmlRenderer(process_html_tokens=False)``);
* a link, image or autolink target is emitted only when :func:`is_safe_url` accepts
  it — ``http``, ``https``, ``mailto`` or a relative reference.  Any other target
  (``javascript:``, ``data:``, ``vbscript:``, ``file:``, …) is dropped: a link keeps
  its text, an image becomes its alt text;
* the work is bounded: nesting is limited (:mod:`relnotes.markdown.limits`) and long
  runs of blanks outside code are shortened before mistletoe sees them.

``relnotes check`` reports the same targets in fragments through :func:`is_safe_url`,
so what ``check`` accepts is exactly what renders as a live link.
"""

from __future__ import annotations

from urllib.parse import unquote

from relnotes.markdown.blocks import CODE, classify
from relnotes.markdown.limits import MAX_INLINE_MARKUP, escape_dense_markup, parse_bounded, shorten_blank_runs
from relnotes.patterns import lazy

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})

# What browsers ignore inside a URL before they look for its scheme: ASCII tab, LF and
# CR anywhere, and leading C0 controls and spaces.  Removing every C0 control, space,
# DEL and the invisible format characters anywhere is stricter, never looser.
_IGNORABLE = lazy("[\x00-\x20\x7f-\x9f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")
# A scheme is what stands before the first ':' when no '/', '?' or '#' comes first.
_SCHEME = lazy(r"([^/?#]*?):")
_MAX_DECODE_ROUNDS = 4


def _canonical(url: str) -> str:
    """The URL as a browser would read its scheme: entities and %-escapes decoded
    (repeatedly, so double encoding does not hide anything), ignorable characters gone."""
    import html  # its entity table costs 1.5 ms to import: only a target to judge pays for it

    text = url
    for _ in range(_MAX_DECODE_ROUNDS):
        decoded = _IGNORABLE.sub("", unquote(html.unescape(text)))
        if decoded == text:
            break
        text = decoded
    return text


def is_safe_url(url: str) -> bool:
    """True for ``http:``, ``https:``, ``mailto:`` and relative targets only.

    Anything that still looks like another scheme after decoding — in any case, with
    whitespace, control characters, HTML entities or %-escapes inside it — is unsafe;
    so is a target whose scheme cannot be read.  Relative references (``/path``,
    ``docs/x.md``, ``#anchor``, ``?q``, ``//host/path``) are safe.
    """
    text = _canonical(url)
    m = _SCHEME.match(text)
    if m is None:
        return True
    return m[1].casefold() in SAFE_SCHEMES


def markdown_to_html(markdown: str) -> str:
    """Render Markdown to HTML with raw HTML escaped and unsafe link targets dropped."""
    from mistletoe import Document
    from mistletoe.html_renderer import HtmlRenderer

    class _SafeHtmlRenderer(HtmlRenderer):
        def render_link(self, token) -> str:
            if is_safe_url(token.target):
                return super().render_link(token)
            return self.render_inner(token)

        def render_auto_link(self, token) -> str:
            target = token.target if not getattr(token, "mailto", False) else "mailto:" + token.target
            if is_safe_url(target):
                return super().render_auto_link(token)
            return self.render_inner(token)

        def render_image(self, token) -> str:
            if is_safe_url(token.src):
                return super().render_image(token)
            return self.render_to_plain(token)

    text, hidden = _outside_code(markdown)
    with _SafeHtmlRenderer(process_html_tokens=False) as renderer:
        out = renderer.render(parse_bounded(Document, text))
    return out.translate(_SHOW) if hidden else out


# A paragraph with more markup than MAX_INLINE_MARKUP is rendered as text: its '\\ [ ] * _'
# become private-use characters that mistletoe reads as text, put back in the HTML (they
# need no HTML escaping); when the Markdown holds those characters itself, backslashes.
_DENSE = "\\[]*_"
_HIDE = str.maketrans(_DENSE, "\ue000\ue001\ue002\ue003\ue004")
_SHOW = str.maketrans("\ue000\ue001\ue002\ue003\ue004", _DENSE)
_ESCAPE = str.maketrans({c: "\\" + c for c in _DENSE})


def _outside_code(markdown: str) -> tuple[str, bool]:
    """Long blank runs shortened outside code blocks (mistletoe scans them
    quadratically; HTML shows a run of blanks as one anyway), the markup of paragraphs
    denser than :data:`relnotes.markdown.limits.MAX_INLINE_MARKUP` hidden; and whether
    the HTML must show hidden markup again."""
    blanks = "    " in markdown.lstrip(" ")
    if not blanks and sum(markdown.count(c) for c in "[]*_") <= MAX_INLINE_MARKUP:
        return markdown, False

    lines = markdown.split("\n")
    kinds, _ = classify(lines)
    code = [kind == CODE for kind in kinds]
    hide = not any(c in markdown for c in "\ue000\ue001\ue002\ue003\ue004")
    lines, hidden = escape_dense_markup(lines, code, _HIDE if hide else _ESCAPE)
    if blanks:
        lines = [line if is_code else shorten_blank_runs(line) for line, is_code in zip(lines, code)]
    return "\n".join(lines), hidden and hide
