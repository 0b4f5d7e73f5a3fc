"""The proof every notes file passes before it is written: the old structure plus the new entries.

Fragments are screened one by one (:mod:`relnotes.markdown.screen`), but what GitHub
shows is the *composed* file.  So before any command writes the notes file
(:func:`relnotes.flows.steps.apply`, the one place that does), :func:`prove`
parses the whole result with the scanner the document model already runs
(:func:`relnotes.markdown.blocks.scan`, which follows CommonMark's block rules the way
GitHub does: tabs as stops of four columns, only ``\\n``, ``\\r\\n`` and ``\\r`` as line
ends) and refuses it unless

* its headings (ATX or setext, at any depth) are exactly those of ``intended`` — the
  same composition with every untrusted entry replaced by a neutral placeholder —
  so no entry adds, hides or changes a release, category or archive heading, or any
  other heading;
* it defines no link label that ``intended`` does not (except the entries' own,
  which ``check`` has already compared with the notes), and every label keeps the
  destination it has in ``before`` and ``intended`` (reserved labels included) unless
  the command re-points it (Keep a Changelog's ``[unreleased]`` on a release); an
  entry's definition of a label that the text of ``before`` uses as a reference
  (:func:`relnotes.markdown.references.used_labels`, outside code) re-points that
  text too: an older entry's plain ``[RFC 42]`` would become a link;
* it leaves open no HTML block or comment (kinds 1-5, which run to the end of the
  file) that ``before`` did not already leave open;
* each release has as many entries outside any category as ``intended`` (more only
  where its one placeholder stands for the uncategorised entries the command adds);
* every entry of ``before`` is still there, byte for byte and in order, except those
  of a release the command removes (``cut`` moves the top release to its branch) and
  those it moves to fragments (``taken``: a mid-cycle ``import notes``).

Linear: one scan of each text (the model's own; one more of ``before`` when an entry
defines a new label), then comparisons of lists.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable

from relnotes.errors import Problem, ValidationError
from relnotes.markdown.references import used_labels
from relnotes.notes import blocks
from relnotes.notes.base import NotesDocument
from relnotes.notes.model import Release

_HINT = ("check the fragments whose entries land there (relnotes check), and the configured section "
         "names and templates; nothing was written")


PLACEHOLDER = "* entry"  # what untrusted entries are replaced by in the intended composition (one or one each)
SUMMARY_PLACEHOLDER = "Summary."  # and untrusted release summaries: one neutral paragraph


def _problem(path: str, line: int, code: str, message: str) -> Problem:
    return Problem(path, max(line, 1), 1, code, message)


def _entries(doc: NotesDocument, keep: Callable[[str], bool]) -> list[str]:
    out: list[str] = []
    for rel in doc.releases:
        if not keep(rel.title):
            continue
        start, end = doc.intro_span(rel)  # the entries outside any category first
        out.extend(b.text for b in blocks.blocks(doc, start, end) if b.kind == "entry")
        for cat in rel.categories:
            out.extend(b.text for b in blocks.blocks(doc, cat.start + 1, cat.end) if b.kind == "entry")
    return out


def _intro_entries(doc: NotesDocument, rel: Release) -> list[blocks.Block]:
    """The entries under ``rel``'s heading before its first category."""
    return [b for b in blocks.blocks(doc, *doc.intro_span(rel)) if b.kind == "entry"]


def _first_definitions(doc: NotesDocument) -> dict[str, tuple[str, int]]:
    found: dict[str, tuple[str, int]] = {}
    for line, label, dest in doc.outline.definitions:
        found.setdefault(label, (dest, line))
    return found


def problems(before: NotesDocument, after: NotesDocument, intended: NotesDocument | None = None, *,
             labels: Iterable[str] = (), repoint: Iterable[str] = (), taken: Iterable[str] = ()) -> list[Problem]:
    """Why ``after`` may not replace ``before`` (see the module's rules); [] when it may."""
    path = after.path
    expected = intended if intended is not None else after
    out: list[Problem] = []

    # headings: exactly the intended ones, in order
    got = [(level, title) for _, level, title in after.outline.headings]
    want = [(level, title) for _, level, title in expected.outline.headings]
    if got != want:
        i = next((k for k, (g, w) in enumerate(zip(got, want)) if g != w), min(len(got), len(want)))
        if i < len(got):
            line, level, title = after.outline.headings[i]
            out.append(_problem(path, line, "proof-heading",
                                f"the result would have a heading that is not the notes' own: "
                                f"{'#' * level} {title[:60]!r} (GitHub shows it as an <h{level}>)"))
        else:
            level, title = want[i]
            out.append(_problem(path, len(after.lines), "proof-heading",
                                f"the result would lose the heading {'#' * level} {title[:60]!r} "
                                f"(something above it swallows it)"))

    # link definitions: none new but the entries' own, none re-pointed
    allowed = {" ".join(label.split()).casefold() for label in labels}
    moved = {" ".join(label.split()).casefold() for label in repoint}
    old = _first_definitions(before)
    used: set[str] | None = None  # the labels the old text uses as references, when needed
    base = _first_definitions(expected)
    for label, (dest, line) in _first_definitions(after).items():
        if label in base and base[label][0] != dest:
            out.append(_problem(path, line, "proof-redefined",
                                f"the link label [{label}] would point to {dest[:60]!r} instead of "
                                f"{base[label][0][:60]!r}: the first definition in a file wins"))
        elif label not in base and label not in allowed:
            out.append(_problem(path, line, "proof-new-definition",
                                f"the result would define the link label [{label}], which no entry declares "
                                f"(an indented or hidden definition?)"))
        elif label in old and old[label][0] != dest and label not in moved:
            out.append(_problem(path, line, "proof-redefined",
                                f"the link label [{label}] would be re-pointed from {old[label][0][:60]!r} "
                                f"to {dest[:60]!r}"))
        elif label not in old and label not in base:  # an entry's own definition, new to the file
            if used is None:
                used = used_labels(before.text())
            if label in used:  # the old text's plain [label] would become a link
                out.append(_problem(path, line, "proof-redefined",
                                    f"the link label [{label}] would re-point text of the old notes that "
                                    f"uses it as a reference (plain text until now) to {dest[:60]!r}"))

    # HTML blocks and comments left open: they swallow the rest of the file
    already = len(before.outline.open_html)
    for line in after.outline.open_html[already:] if len(after.outline.open_html) > already else ():
        out.append(_problem(path, line, "proof-open-html",
                            "an HTML block or comment opened here is never closed: GitHub would hide "
                            "everything after it"))

    # entries outside any category: as many as intended, where one placeholder may stand for
    # all a command adds (a summary, rendered by a project's template, adds none)
    if intended is not None and len(after.releases) == len(intended.releases):
        for got_rel, want_rel in zip(after.releases, intended.releases):
            loose, meant = _intro_entries(after, got_rel), _intro_entries(intended, want_rel)
            fresh = any(b.text.strip()[1:].strip() == PLACEHOLDER[1:].strip() for b in meant)
            if len(loose) != len(meant) and not (fresh and len(loose) > len(meant)):
                line = loose[0].start + 1 if loose else got_rel.start + 1
                out.append(_problem(path, line, "proof-intro-entries",
                                    f"the result would have {len(loose)} entries outside any category under "
                                    f"{got_rel.title[:60]!r}, not {len(meant)}: a summary's text (or its "
                                    f"template) would read as entries"))
                break

    # every old entry still there, byte for byte, in order (but those of removed releases)
    titles = Counter(r.title for r in after.releases)
    kept = _entries(before, lambda title: titles[title] > 0)
    if taken:
        moved_out = Counter(taken)
        still = []
        for text in kept:
            if moved_out[text] > 0:
                moved_out[text] -= 1
            else:
                still.append(text)
        kept = still
    now = iter(_entries(after, lambda title: True))
    for text in kept:
        if not any(text == other for other in now):
            out.append(_problem(path, 1, "proof-entry-lost",
                                f"an entry of the old notes would be lost or changed: {text.splitlines()[0][:60]!r}"))
            break
    return out


def prove(before: NotesDocument, after: NotesDocument, intended: NotesDocument | None = None, *,
          labels: Iterable[str] = (), repoint: Iterable[str] = (), taken: Iterable[str] = ()) -> None:
    """Refuse (exit 1, every problem located in the result) a notes file that fails the proof."""
    found = problems(before, after, intended, labels=labels, repoint=repoint, taken=taken)
    if found:
        raise ValidationError(found, f"{after.path} was not written: the result does not keep the notes' "
                                     f"structure ({_HINT})")
