"""Whether ``build`` gives an imported release section back byte for byte.

``import notes`` (:mod:`relnotes.migrate.notes_import`) says "byte for byte" only when it
is true: the section's skeleton (its heading, status line, the blank lines under it and its
category headings) gets the planned fragments merged the way ``build`` merges them —
summaries and uncategorised entries under the heading, entries in their categories,
grouped and ordered under the active configuration — and is compared with the original.
"""

from __future__ import annotations

from relnotes.config.load import Config
from relnotes.fragments.fragment import parse_text
from relnotes.fragments.grouping import category_order, group, intro
from relnotes.markdown.structure import is_blank
from relnotes.notes import base as notes
from relnotes.notes import formats, model


def rebuild_difference(cfg: Config, doc: notes.NotesDocument, rel: model.Release, planned: list,
                       renderer) -> str | None:
    """Where ``build`` of the planned fragments would not give the section back, or None.

    The section's skeleton (heading, status line, category headings) gets the
    fragments merged the way ``build`` merges them — grouped and ordered under the
    active configuration — and is compared with the original text, so ``import`` says
    "byte for byte" only when that is true.
    """
    skeleton = [doc.lines[rel.start]]
    under = 1
    if rel.status_line is not None and rel.status_line != rel.start:  # Keep a Changelog's is the heading
        skeleton += ["\n", doc.lines[rel.status_line]]
    else:  # Keep a Changelog: the blank lines under the heading, as many as it has
        j = rel.start + 1
        while j < rel.body_end and is_blank(doc.lines[j]):
            j += 1
        under = j - rel.start - 1
    first, after = doc.intro_span(rel)
    last = after - 1
    while last >= first and is_blank(doc.lines[last]):
        last -= 1
    if last >= first:  # summaries or entries under the heading: build writes a blank line before them,
        under = max(1, after - last - 1)  # the skeleton keeps the blank lines after them
    skeleton += ["\n"] * under
    for cat in rel.categories:  # each heading with the blank lines that end its category (towncrier: two)
        trailing = 0
        while cat.end - 1 - trailing > cat.start and is_blank(doc.lines[cat.end - 1 - trailing]):
            trailing += 1
        skeleton += [doc.lines[cat.start]] + ["\n"] * max(1, trailing)
    # RELEASES.md closes a section with its separator line; Keep a Changelog has none (a
    # '---' there would be a line of the last category)
    end = "-" * 80 + "\n" if doc.format == "releases" else ""
    rebuilt = formats.parse_for(cfg, "".join(skeleton) + end, doc.path)
    frags = [f for f in (parse_text(p.text, p.name, cfg.sections, fields=cfg.fields)[0] for p in planned) if f is not None]
    merge = [(section, renderer.entries(items)) for section, items in group(cfg, frags)]
    summaries, loose = intro(cfg, frags)
    rebuilt.merge_entries(rebuilt.releases[0], merge, category_order(cfg),
                          styles=lambda key: doc.list_style(rel, key),  # the original's lists
                          summaries=renderer.summaries(summaries), uncategorised=renderer.entries(loose))
    original = doc.section_text(rel).replace("\r\n", "\n")
    # the blank lines between this section and the next are the file's, not the entries': import
    # leaves them and build never writes them, so the rebuilt section ends as the original does
    out = rebuilt.section_text(rebuilt.releases[0]).rstrip("\n") + "\n"
    out += "\n" * (len(original) - len(original.rstrip("\n")) - 1) if original.endswith("\n") else ""
    if out == original:
        return None
    a, b = original.split("\n"), out.split("\n")
    n = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    return (f"{doc.path}:{rel.start + n + 1}: the rebuilt section differs here "
            f"(original {a[n] if n < len(a) else '<end>'!r}, rebuilt {b[n] if n < len(b) else '<end>'!r})")
