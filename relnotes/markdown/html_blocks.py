"""CommonMark's seven kinds of HTML block: how each starts and what ends it.

The block scanner (:mod:`relnotes.markdown.blocks`) follows them as GitHub does, so a
line inside an HTML block is never read as notes structure, and the proof
(:mod:`relnotes.notes.proof`) can see one left open.
"""

import re

from relnotes.patterns import lazy

# CommonMark's HTML block start conditions 1-5 (each ends at a line holding its end) and
# the block tag names of condition 6 (which ends at a blank line, as 7 does).
HTML_1 = lazy(r"<(?:script|pre|style|textarea)(?:[ \t>]|\Z)", re.I)


HTML_ENDS = (("<!--", "-->"), ("<?", "?>"), ("<![CDATA[", "]]>"))


HTML_6 = lazy(
    r"</?(?:address|article|aside|base|basefont|blockquote|body|caption|center|col|colgroup|dd|details|"
    r"dialog|dir|div|dl|dt|fieldset|figcaption|figure|footer|form|frame|frameset|h[1-6]|head|header|hr|"
    r"html|iframe|legend|li|link|main|menu|menuitem|nav|noframes|ol|optgroup|option|p|param|search|"
    r"section|summary|table|tbody|td|tfoot|th|thead|title|tr|track|ul)(?:[ \t>]|/>|\Z)", re.I)


ATTR = r"(?:[ \t]+[A-Za-z_:][A-Za-z0-9_.:-]*(?:[ \t]*=[ \t]*(?:[^ \t\"'=<>`]+|'[^']*'|\"[^\"]*\"))?)"


HTML_7 = lazy(r"(?:<[A-Za-z][A-Za-z0-9-]*" + ATTR + r"*[ \t]*/?>|</[A-Za-z][A-Za-z0-9-]*[ \t]*>)[ \t]*\Z")


def html_kind(t: str) -> tuple[int, str]:
    """The HTML block ``t`` (indentation removed) starts: (kind 1-7, its end string), or (0, "")."""
    m = HTML_1.match(t)
    if m:
        return 1, "</" + m.group(0)[1:].rstrip(" \t>").lower() + ">"
    for i, (start, end) in enumerate(HTML_ENDS):
        if t.startswith(start):
            return (2, 3, 5)[i], end
    if t.startswith("<!") and t[2:3].isascii() and t[2:3].isalpha():
        return 4, ">"
    if HTML_6.match(t):
        return 6, ""
    if HTML_7.match(t):
        return 7, ""
    return 0, ""
