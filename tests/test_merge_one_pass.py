"""``merge_entries`` inserts every category's entries and re-indexes once; the result must
be byte for byte what one splice and re-index per category gives (the way it was done
before, kept here as the reference)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from relnotes.markdown import structure
from relnotes.notes import formats, model
from relnotes.notes.editing import CategorySpan

SECTIONS = ["Added", "Changed", "Fixed", "Removed", "Security"]


def reference_merge(doc, rel, by_category, order) -> None:
    """The per-category algorithm: every insertion is a splice followed by a full re-index."""
    rank = {model.category_key(name): i for i, name in enumerate(order)}
    for name, entries in by_category:
        if not entries:
            continue
        rel = next(r for r in doc.releases if r.start == rel.start)
        block = "\n\n".join(entries)
        cat = rel.category(name)
        if cat is not None:
            last = cat.end - 1
            while last > cat.start and structure.is_blank(doc.lines[last]):
                last -= 1
            doc.insert_text(last + 1, "\n" + block)
            continue
        cats = [CategorySpan(c.key, c.start, c.end) for c in rel.categories]
        at = doc.new_category_position(cats, rel.body_end, model.category_key(name), rank)
        prefix = "\n" if at > 0 and not structure.is_blank(doc.lines[at - 1]) else ""
        suffix = "\n" if at < len(doc.lines) else ""
        doc.insert_text(at, f"{prefix}### {name}\n\n{block}{suffix}")


@st.composite
def notes_files(draw):
    fmt = draw(st.sampled_from(["releases", "keepachangelog"]))
    present = draw(st.lists(st.sampled_from(SECTIONS + ["Internal"]), unique=True, max_size=4))
    blank = draw(st.sampled_from(["", "\n", "\n\n"]))
    body = "".join(f"### {name}\n\n" + "".join(f"* Old {name} {i}.\n{blank}" for i in range(draw(st.integers(0, 2))))
                   for name in present)
    if fmt == "keepachangelog":
        head = "# Changelog\n\n## [Unreleased]\n\n"
        tail = "## [1.0.0] - 2026-01-01\n\n### Added\n\n- First.\n" if draw(st.booleans()) else ""
    else:
        head = "## 2.0.0\n\nUnreleased.\n\n"
        tail = ("-" * 80 + "\n\n## 1.0.0\n\nReleased 2026-01-01.\n\n### Fixed\n\n* Old.\n"
                if draw(st.booleans()) else ("-" * 80 + "\n" if draw(st.booleans()) else ""))
    text = head + body + tail
    if draw(st.booleans()):
        text = text.rstrip("\n")
    return fmt, text


@settings(max_examples=300, deadline=None)
@given(notes_files(), st.lists(st.tuples(st.sampled_from(SECTIONS + ["Internal", "fixed"]),
                                         st.lists(st.sampled_from(["* A.", "* B\n  two lines.", "* C [#1](u)"]),
                                                  max_size=3)),
                               max_size=5),
       st.permutations(SECTIONS))
def test_one_pass_equals_a_splice_per_category(notes, by_category, order):
    fmt, text = notes
    ours, theirs = formats.parse(text, fmt=fmt), formats.parse(text, fmt=fmt)
    ours.merge_entries(ours.releases[0], by_category, list(order))
    reference_merge(theirs, theirs.releases[0], by_category, list(order))
    assert ours.text() == theirs.text()
    assert ours.releases == theirs.releases
