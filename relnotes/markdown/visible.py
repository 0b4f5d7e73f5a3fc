"""Which lines of a text a reader sees as text: what the PR gate's skip marker must be.

A marker hidden in code, in an HTML comment block or between an inline ``<!--`` and
``-->`` is not a maintainer's visible decision, so it does not count.
"""

from relnotes.markdown.blocks import CODE, COMMENT, NESTED, TOP, BlockTracker


def hidden_lines(lines: list[str]) -> list[bool]:
    """For each line, whether a reader of the rendered text does not see it as text: a
    line of fenced or indented code (fences included), of an HTML block that starts with
    ``<!--`` (CommonMark's type 2, to the line holding ``-->``), or one any part of which
    lies between an inline ``<!--`` and the next ``-->``.

    One linear pass.  The tracker sees every line as it is: an inline comment that is
    real lies within one paragraph, whose lines start no block, so they cannot mislead
    it; one that is not (a fence or a blank line ends its paragraph first) is literal
    text, and hiding until a ``-->`` then errs towards hiding, never towards showing.
    """
    tracker = BlockTracker(comments=True)

    def feed(line: str) -> str:
        parts = line.split("\r")  # a lone carriage return ends a CommonMark line too
        kind = tracker.feed(parts[0])
        for part in parts[1:]:
            tracker.feed(part)
        return kind

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
                start = line.find("<!--", i) if kind == TOP or kind == NESTED else -1
                if start < 0:
                    break
                # '<!-->' and '<!--->' are whole comments to CommonMark 0.31 but not to
                # every renderer: read as opening one, they hide more, never less
                touched, inline, i = True, True, start + 4
        hidden.append(touched or kind == CODE or kind == COMMENT)
    return hidden
