"""Link labels across texts: which a text uses, and which a fragment may not define.

:func:`reference_conflicts` is the one place that decides link-label conflicts between
fragments and the notes file (``check`` reports them, ``build`` refuses them, and the
proof, :mod:`relnotes.notes.proof`, holds the composed file to the same rule).

An entry's ``[RFC 42]`` with no definition is plain text on GitHub; a definition of
``[rfc 42]`` anywhere in the file (CommonMark matches labels case-folded, whitespace
collapsed) makes it a link.  :func:`used_labels` finds every label a text could use
as a shortcut (``[x]``), collapsed (``[x][]``) or full (``[text][x]``) reference — a
superset: every innermost bracket pair counts, link texts, definitions and raw HTML
included — except in code: the notes scanner's tracker
(:mod:`relnotes.markdown.blocks`) says which lines are code blocks, and code spans are
removed as CommonMark pairs backtick runs, within one paragraph.  A label may run over
the lines of a paragraph.

Linear: one scan of the lines, one pass over each paragraph's characters.
"""

from __future__ import annotations

from relnotes.errors import Problem
from relnotes.markdown.blocks import CODE, classify
from relnotes.markdown.limits import prefix_end
from relnotes.markdown.structure import is_release_label, normalise_label
from relnotes.patterns import lazy

_RUN = lazy(r"`+")
_LABEL_DEF = lazy(r"\[([^\]\n]{1,999})\]:")
_MAX_LABEL = 999


def used_labels(text: str) -> set[str]:
    """The normalised label of every bracket pair in ``text`` outside code (see the module)."""
    out: set[str] = set()
    if "[" not in text:
        return out
    lines = text.split("\n")
    kinds = classify(lines)[0]
    para: list[str] = []
    for line, kind in zip(lines, kinds):
        rest = line[prefix_end(line):] if kind != CODE else ""
        if rest.strip():
            para.append(rest)
        elif para:  # a blank line or code ends the paragraph: a label or code span cannot cross it
            _collect("\n".join(para), out)
            para = []
    if para:
        _collect("\n".join(para), out)
    return out


def _collect(text: str, out: set[str]) -> None:
    if "[" not in text:
        return
    if "`" in text:
        text = _without_code_spans(text)
    n, i, opened = len(text), 0, -1
    while i < n:
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":
            opened = i
        elif c == "]" and opened >= 0:
            label = text[opened + 1:i]
            if label.strip() and len(label) <= _MAX_LABEL:
                out.add(normalise_label(label))
            opened = -1
        i += 1


def _without_code_spans(text: str) -> str:
    """``text`` with each code span replaced by a space: a run of backticks opens one,
    the next run of the same length closes it, and a run no such run follows is text."""
    runs = []
    for m in _RUN.finditer(text):
        start, end = m.start(), m.end()
        back = start
        while back and text[back - 1] == "\\":  # (each backslash is walked over once)
            back -= 1
        if (start - back) % 2:
            start += 1  # an escaped backtick is text
        if start < end:
            runs.append((start, end))
    following: list[int | None] = [None] * len(runs)
    last: dict[int, int] = {}
    for k in range(len(runs) - 1, -1, -1):
        length = runs[k][1] - runs[k][0]
        following[k] = last.get(length)
        last[length] = k
    parts, at, k = [], 0, 0
    while k < len(runs):
        j = following[k]
        if j is None:
            k += 1
            continue
        parts += [text[at:runs[k][0]], " "]
        at, k = runs[j][1], j + 1
    parts.append(text[at:])
    return "".join(parts)


# -- link labels against the notes file ------------------------------------------------------


def notes_labels(text: str) -> dict[str, str]:
    """Label → destination of every definition a line of the notes file may make (a
    superset: lines in code blocks count too; the first definition of a label wins)."""
    found: dict[str, str] = {}
    for line in text.split("\n"):
        if "]:" not in line:
            continue
        m = _LABEL_DEF.match(line, prefix_end(line))
        if m:
            dest = line[m.end():].strip().split(" ", 1)[0]
            if dest.startswith("<") and dest.endswith(">"):
                dest = dest[1:-1]
            found.setdefault(normalise_label(m[1]), dest)
    return found


def reference_conflicts(fragments, notes_text: str, notes_path: str,
                        notes_format: str = "releases") -> list[Problem]:
    """The one place that decides link-label conflicts.  A fragment may define only
    labels that nothing outside it uses, so no definition changes text it did not bring:

    * not a label that the notes file or another fragment (earlier by file name)
      defines with a different destination: the first definition in a Markdown file
      wins, so the new entry would silently re-point (or be re-pointed by) another
      entry's links.  The same label for the same destination is harmless (and is
      what a rerun of an interrupted ``build`` finds);
    * not a label that the notes file uses as a reference (``[x]``, ``[x][]``,
      ``[text][x]``; :func:`relnotes.markdown.references.used_labels`) without
      defining it for the same destination, or that another pending fragment uses
      without defining it: an older entry's plain ``[RFC 42]`` would become a link to
      the new fragment's URL;
    * in a Keep a Changelog file, not ``[unreleased]`` or a version label: the
      headings' own, defined at the end of the file by ``release``.

    Each problem is at the definition's line."""
    if not any(f.labels for f in fragments):
        return []
    if notes_format == "keepachangelog":
        reserved = reserved_label_problems(fragments)
        if reserved:
            return reserved
    defined = notes_labels(notes_text)
    taken = {label: (dest, notes_path) for label, dest in defined.items()}
    in_notes = used_labels(notes_text)
    wanted = {label for f in fragments for label, _ in f.labels}
    users: dict[str, list[str]] = {}  # a label some fragment defines → the fragments that use it
    for f in fragments:
        own = {label for label, _ in f.labels}
        for label in (used_labels(f.body) & wanted) - own:
            users.setdefault(label, []).append(f.path)
    problems = []
    for f in sorted(fragments, key=lambda f: f.name):
        for label, dest in f.labels:
            if label in taken and taken[label][0] != dest:
                problems.append(_at_definition(f, label, "link-label-taken",
                                               f"the link label [{label}] is already defined in "
                                               f"{taken[label][1]} (as {taken[label][0]})"))
                continue
            taken.setdefault(label, (dest, f.path))
            if label in in_notes and defined.get(label) != dest:
                where = f"text in {notes_path} (an older entry?)"
            elif label in users:
                where = f"the fragment {users[label][0]}"
            else:
                continue
            problems.append(_at_definition(f, label, "link-label-used",
                                           f"the link label [{label}] is used as a reference by {where}, "
                                           f"which this definition would turn into a link to {dest[:60]!r}"))
    return problems


def _at_definition(f, label: str, code: str, message: str) -> Problem:
    return Problem(f.path, f.body_line + _definition_line(f.body, label), 1, code,
                   message + "; use an inline link [text](url), or a label nothing else uses")


def _definition_line(body: str, label: str) -> int:
    """The 0-based line of ``body`` that defines ``label`` (0 when no line alone does)."""
    for i, line in enumerate(body.split("\n")):
        t = line.lstrip(" ")
        if t.startswith("[") and "]" in t and normalise_label(t[1:].split("]", 1)[0]) == label:
            return i
    return 0


def reserved_label_problems(fragments) -> list[Problem]:
    """A fragment may not define ``[unreleased]`` or a version label: release headings
    link through them, and a definition in an entry (above the footer) would win.
    Each problem is at the definition's line."""
    out = []
    for f in sorted(fragments, key=lambda f: f.name):
        reserved = {label for label, _ in f.labels if is_release_label(label)}
        for label in sorted(reserved):
            out.append(Problem(f.path, f.body_line + _definition_line(f.body, label), 1, "link-label-reserved",
                               f"the link label [{label}] is reserved in a Keep a Changelog file (release "
                               "headings link through it); use an inline link [text](url) or another label"))
    return out
