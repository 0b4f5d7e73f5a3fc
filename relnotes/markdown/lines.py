"""Characters that decide lines and indentation, which Markdown parsers read differently.

Python's ``str.splitlines`` (so mistletoe) ends a line at characters CommonMark (so
GitHub and the notes scanner) does not, and a tab's width depends on the column it
starts at, which changes when a body is indented under its bullet.  The screen
(:mod:`relnotes.markdown.screen`) refuses the first kind and the fragment reader
(:mod:`relnotes.fragments.fragment`) expands the second before anything reads a body,
so the screen, the notes and GitHub read the same lines.
"""

from __future__ import annotations

from relnotes.errors import Problem
from relnotes.markdown.limits import prefix_end
from relnotes.patterns import lazy

# Line ends Python's str.splitlines (so mistletoe) knows and CommonMark (so GitHub and the
# notes scanner) does not: a body holding one is read as two lines by one parser and as
# one by the other, which is how a fence or an '<!--' hides from the screen.
DISPUTED_LINE_ENDS = lazy("[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_DISPUTED_NAMES = {"\x0b": "a vertical tab", "\x0c": "a form feed", "\x85": "U+0085 (NEXT LINE)",
                   "\u2028": "U+2028 (LINE SEPARATOR)", "\u2029": "U+2029 (PARAGRAPH SEPARATOR)"}


def line_end_problems(text: str, path: str, first_line: int) -> list[Problem]:
    """Every character that some Markdown parsers read as a line end and GitHub does not."""
    if DISPUTED_LINE_ENDS.search(text) is None:
        return []
    out = []
    for i, line in enumerate(text.split("\n")):
        for m in DISPUTED_LINE_ENDS.finditer(line):
            what = _DISPUTED_NAMES.get(m[0], f"the separator U+{ord(m[0]):04X}")
            out.append(Problem(path, first_line + i, m.start() + 1, "disputed-line-end",
                               f"{what} here: some Markdown parsers end the line here and GitHub does not, "
                               "so the text could read differently in the notes; replace it with a newline "
                               "or a space"))
    return out


def expand_indent_tabs(line: str) -> str:
    """``line`` with the tabs of its indentation and container prefix (quotes, list
    markers) expanded to stops of four columns, as CommonMark reads them.

    A tab's width depends on the column it starts at, and the notes indent a body under
    its bullet: the same tab is 4 columns in the body and 2 once indented, so a line the
    screen saw as code could define a link or underline a heading in the notes.  Spaces
    move with the indentation; a body's tabs are expanded before it is screened *and*
    rendered, so both read the same text.  Tabs after the prefix (inside text or code)
    decide no block and stay.
    """
    if "\t" not in line:
        return line
    end = prefix_end(line)
    while end < len(line) and line[end] in " \t":
        end += 1
    return line[:end].expandtabs(4) + line[end:] if "\t" in line[:end] else line


