"""Which lines of a text a reader sees as text: what the PR gate's skip marker must be.

A marker hidden in code, in an HTML comment, in a link reference definition or in a
raw HTML block is not a maintainer's visible decision, so it
does not count.
"""

import re

from relnotes.markdown.blocks import CODE, COMMENT, HIDDEN, BlockTracker
from relnotes.patterns import lazy

_LINE_END = lazy(r"\r\n|\r|\n")


# what opens text a browser does not show, to its closer: a comment, or an element whose
# content is raw text (GitHub's sanitiser drops it, and one left open swallows the rest)
_OPENER = lazy(r"<!--|<(script|style|textarea|title|xmp|iframe|noembed|noframes|noscript|plaintext)(?![\w-])",
                     re.I)


def _close(line: str, low: str, closer: str, i: int) -> int:
    """Where the text after ``closer`` starts in ``line`` (``low``: lower-cased),
    searching from ``i``; -1 when it is not there."""
    if closer == "-->":
        end = line.find("-->", i)
        while end >= 2 and line.startswith("<!", end - 2):  # the '--' of a '<!--': no end
            end = line.find("-->", end + 1)
        return end + 3 if end >= 0 else -1
    end = low.find(closer, i)
    return end + len(closer) if end >= 0 else -1


def split_lines(text: str) -> list[str]:
    """``text``'s lines as CommonMark (so GitHub) ends them: at ``\\r\\n``, ``\\r`` or ``\\n``."""
    return _LINE_END.split(text) if "\r" in text else text.split("\n")


def hidden_lines(lines: list[str]) -> list[bool]:
    """For each line (as :func:`split_lines` splits a text), whether a reader of the
    rendered text does not see it as text:

    * a line of fenced or indented code (fences included);
    * a line any part of which lies inside an element whose content is raw text
      (``<script>``, ``<style>``, ``<textarea>``, ``<title>``, ...: GitHub's sanitiser
      drops it, and one left open swallows the rest of the page), inline or in an HTML
      block, up to its closing tag;
    * a line of an HTML block that starts with ``<!--`` (CommonMark's type 2, to the
      line holding ``-->``), or one any part of which lies between an inline ``<!--``
      and the next ``-->`` (in a raw HTML block too, where the browser reads it);
    * a line of a link reference definition, which renders as nothing: its label,
      destination and title may each run over lines, and every line counts.  One
      that turns out unfinished (a title never closed, a label without ``]:``) is
      paragraph text, and its lines are shown again when a blank line, the end of
      its container or of the text, or its own text shows that.  A block that
      interrupts it (a fence, a list item) leaves them hidden and hides every line up
      to the next blank one: mistletoe reads the title on past such a block, and a
      line CommonMark shows but another renderer hides is no clear decision;
    * a line of any other HTML block, which is raw HTML, not Markdown text: of types 1
      and 3-5 GitHub shows nothing as prose (``<script>`` and ``<style>`` the sanitiser
      drops with their content, ``<textarea>`` it drops or shows as a form field's
      text, ``<pre>`` is preformatted code as a code block is, ``<?…?>``, ``<!X…>`` and
      ``<![CDATA[…]]>`` are comments to a browser and dropped), and in types 6 and 7
      (``<div>``, any tag alone on its line) what shows is the browser's call: a ``<!``
      or an open attribute hides the lines after it.  Text after the blank line that
      ends a type 6 or 7 block is Markdown again (``<details>``, a blank line, then the
      marker counts).

    One linear pass.  The tracker sees every line as it is: an inline comment that is
    real lies within one paragraph, whose lines start no block, so they cannot mislead
    it; one that is not (a fence or a blank line ends its paragraph first) is literal
    text, and hiding until a ``-->`` then errs towards hiding, never towards showing.
    """
    tracker = BlockTracker(comments=True)

    line_of: list[int] = [0]  # a tracker line number → the index of its line in ``lines``

    def feed(line: str) -> str:
        kinds = [tracker.feed(part) for part in split_lines(line)]  # (callers split already)
        line_of.extend([len(shown)] * len(kinds))
        return next((k for k in kinds if k in (CODE, COMMENT, HIDDEN)), kinds[0])  # hidden if a part is

    hidden, shown = [], []  # shown: hidden for a reason other than being a definition's or an HTML block's
    closer: str | None = None  # what ends the comment or raw-text element a line before opened
    for line in lines:
        kind = feed(line)
        touched = closer is not None
        i, low = 0, line.lower()
        while True:
            if closer is not None:
                end = _close(line, low, closer, i)
                if end < 0:
                    break
                closer, i = None, end
            else:
                # (a comment block is the tracker's to end)
                m = _OPENER.search(line, i) if kind not in (CODE, COMMENT) else None
                if m is None:
                    break
                # '<!-->' and '<!--->' are whole comments to CommonMark 0.31 but not to
                # every renderer: read as opening one, they hide more, never less
                touched, i = True, m.end()
                closer = "-->" if m[1] is None else "</" + m[1].lower()
        if tracker.interrupted:  # see above: hidden to the next blank line
            tracker.interrupted = bool(line.strip())
            touched = touched or tracker.interrupted
        shown.append(not (touched or kind in (CODE, COMMENT)))
        hidden.append(touched or kind in (CODE, COMMENT, HIDDEN))
    tracker.finish()
    for first, last in tracker.shown:  # definitions that turned out to be text
        for i in range(line_of[first], line_of[last] + 1):
            hidden[i] = hidden[i] and not shown[i]
    return hidden
