"""Which lines of a text a reader sees as text: what the PR gate's skip marker must be.

A marker hidden in code, in an HTML comment, in a link reference definition or in a
raw HTML block is not a maintainer's visible decision, so it
does not count.
"""

import re

from relnotes.markdown.blocks import CODE, COMMENT, HIDDEN, NESTED, TOP, BlockTracker

_LINE_END = re.compile(r"\r\n|\r|\n")


def split_lines(text: str) -> list[str]:
    """``text``'s lines as CommonMark (so GitHub) ends them: at ``\\r\\n``, ``\\r`` or ``\\n``."""
    return _LINE_END.split(text) if "\r" in text else text.split("\n")


def hidden_lines(lines: list[str]) -> list[bool]:
    """For each line (as :func:`split_lines` splits a text), whether a reader of the
    rendered text does not see it as text:

    * a line of fenced or indented code (fences included);
    * a line of an HTML block that starts with ``<!--`` (CommonMark's type 2, to the
      line holding ``-->``), or one any part of which lies between an inline ``<!--``
      and the next ``-->``;
    * a line of a link reference definition, which renders as nothing: its label,
      destination and title may each run over lines, and every line counts.  A
      definition that turns out unfinished (a title never closed, a label without
      ``]:``) is paragraph text to CommonMark, yet its lines stay hidden: the marker
      written there is no clear decision, and hiding only makes the gate stricter;
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

    def feed(line: str) -> str:
        kinds = [tracker.feed(part) for part in split_lines(line)]  # (callers split already)
        return next((k for k in kinds if k in (CODE, COMMENT, HIDDEN)), kinds[0])  # hidden if a part is

    hidden = []
    inline = False  # between an inline '<!--' and its '-->'
    for line in lines:
        kind = feed(line)
        touched = inline
        i = 0
        while True:
            if inline:
                end = line.find("-->", i)
                while end >= 2 and line.startswith("<!", end - 2):  # the '--' of a '<!--': no end
                    end = line.find("-->", end + 1)
                if end < 0:
                    break
                inline, i = False, end + 3
            else:
                start = line.find("<!--", i) if kind in (TOP, NESTED) else -1
                if start < 0:
                    break
                # '<!-->' and '<!--->' are whole comments to CommonMark 0.31 but not to
                # every renderer: read as opening one, they hide more, never less
                touched, inline, i = True, True, start + 4
        hidden.append(touched or kind in (CODE, COMMENT, HIDDEN))
    return hidden
