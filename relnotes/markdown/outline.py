"""The outline of a text: what GitHub shows of its structure, as the block scanner
(:mod:`relnotes.markdown.blocks`) records it and the proof (:mod:`relnotes.notes.proof`)
compares it."""


class Outline:
    """What GitHub shows of a text's structure: headings, link definitions, open HTML.

    ``headings``: (line, level, title) of every ATX and setext heading at any depth;
    ``definitions``: (line, normalised label, destination) of every link reference
    definition, in order (the first of a label wins); ``open_html``: the line of every
    HTML block of kinds 1-5 that nothing closed.  Lines are 1-based.
    """

    __slots__ = ("headings", "definitions", "open_html")

    def __init__(self) -> None:
        self.headings: list[tuple[int, int, str]] = []
        self.definitions: list[tuple[int, str, str]] = []
        self.open_html: list[int] = []
