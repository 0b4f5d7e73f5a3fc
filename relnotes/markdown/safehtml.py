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

import html
import re
from urllib.parse import unquote

from relnotes.markdown.blocks import CODE, classify
from relnotes.markdown.limits import parse_bounded, shorten_blank_runs

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})

# What browsers ignore inside a URL before they look for its scheme: ASCII tab, LF and
# CR anywhere, and leading C0 controls and spaces.  Removing every C0 control, space,
# DEL and the invisible format characters anywhere is stricter, never looser.
_IGNORABLE = re.compile("[\x00-\x20\x7f-\x9f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")
# A scheme is what stands before the first ':' when no '/', '?' or '#' comes first.
_SCHEME = re.compile(r"([^/?#]*?):")
_MAX_DECODE_ROUNDS = 4


def _canonical(url: str) -> str:
    """The URL as a browser would read its scheme: entities and %-escapes decoded
    (repeatedly, so double encoding does not hide anything), ignorable characters gone."""
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

    with _SafeHtmlRenderer(process_html_tokens=False) as renderer:
        return renderer.render(parse_bounded(Document, _outside_code(markdown)))


def _outside_code(markdown: str) -> str:
    """Long blank runs shortened outside code blocks (mistletoe scans them
    quadratically; HTML shows a run of blanks as one anyway)."""
    if "    " not in markdown.lstrip(" "):
        return markdown

    lines = markdown.split("\n")
    kinds, _ = classify(lines)
    return "\n".join(line if kind == CODE else shorten_blank_runs(line) for line, kind in zip(lines, kinds))
