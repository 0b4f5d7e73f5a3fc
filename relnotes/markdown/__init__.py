"""Markdown safety: untrusted text judged as it will be rendered.

``screen`` decides which fragment bodies (and configured strings) may enter the notes;
``structure`` is the grammar of the lines that carry a notes file's structure (what the
screen refuses and the models find); ``entry`` lays a body out as a bullet; ``blocks``
is the CommonMark block scanner (``starts`` answers what one line starts, ``definitions``
reads link definitions that run over lines for it); ``visible`` says which lines a reader sees as text; ``references``
finds the labels a text uses and decides link-label conflicts; ``limits`` bounds every parse and ``linear`` makes
mistletoe's inline scans linear; ``inline_html`` is the allow-list of inline tags;
``safehtml`` turns untrusted Markdown into HTML and ``rst`` a rendered entry into reStructuredText.  mistletoe is imported here only, inside the functions
that parse.  May import: the ground floor (errors, version).
"""
