"""A fragment can never inject reStructuredText structure into rST notes.

Fragments are Markdown; an rST notes file (``notes_format: rst``) gets each entry
converted as ``build`` writes it (relnotes/markdown/rst.py).  Whatever a contributor
writes — a ``.. raw:: html`` directive, a hyperlink target, a substitution, a comment, a
line of ``=====`` under a line of text, a paragraph ending in ``::``, a role such as
``:ref:`` — the composed notes, read by docutils, have the same sections as before plus
the new release and its category, and the new category holds exactly one list item per
entry, with none of rST's explicit markup in it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from relnotes.markdown.rst import to_rst
from relnotes.markdown.screen import body_problems
from relnotes.notes import formats

docutils_core = pytest.importorskip("docutils.core")
nodes = pytest.importorskip("docutils.nodes")

TRIO = (Path(__file__).resolve().parent / "data" / "rst" / "trio-history.rst").read_text()
# docutils node kinds that explicit markup (or a title inside an entry) would make
FORBIDDEN = ("raw", "comment", "target", "substitution_definition", "substitution_reference", "section", "title",
             "transition", "pending", "footnote", "citation", "field_list",
             "option_list", "doctest_block", "enumerated_list", "definition_list", "line_block", "admonition", "note",
             "warning", "image", "topic", "sidebar", "table")

HOSTILE = [".. raw:: html", "   <script>alert(1)</script>", ".. _target: https://evil.example", "..", ".. |s| replace:: x",
           ".. note:: injected", ".. include:: /etc/passwd", "=====", "-----", "~~~~~", "^^^^^", "*****", "#####",
           "Look::", "::", "|sub|", ":ref:`x`", ":func:`f <g>`", "`x <y>`_", "x_", "[1]_", "a) item", "(b) item",
           "#. item", "i. roman", ":field: value", "-o  option", "--opt  option", ">>> 1 + 1", "| line", "+ plus",
           "A title", "Unreleased", "Bugfixes", "Trio 9.9.9 (2026-01-01)", "\\", "__init__", "**bold**", "``code``"]
line = st.one_of(st.sampled_from(HOSTILE),
                 st.text(st.sampled_from(list("ab .:=-_*`|\\#<>()[]^~+")), min_size=1, max_size=12))
# what reaches the notes: bodies the fragment screen accepts (it refuses, say, a first
# line of '*****', which Markdown reads as a rule ending the entry's bullet)
body = st.lists(st.tuples(line, st.sampled_from(["\n", "\n\n"])), min_size=1, max_size=6).map(
    lambda parts: "".join(text + sep for text, sep in parts).strip()).filter(
    lambda text: not body_problems(text, "changes.d/x.md", 4)[0])


def _doctree(text: str):
    return docutils_core.publish_doctree(text, settings_overrides={
        "report_level": 5, "halt_level": 5, "file_insertion_enabled": False, "raw_enabled": False,
        "input_encoding": "unicode"})


def _titles(tree) -> list[tuple[int, str]]:
    out = []
    for section in tree.findall(nodes.section):
        depth = len([a for a in _ancestors(section) if isinstance(a, nodes.section)])
        out.append((depth, section[0].astext()))
    return out


def _ancestors(node):
    while node.parent is not None:
        node = node.parent
        yield node


def _compose(bodies: list[str]) -> str:
    doc = formats.parse(TRIO, "docs/source/history.rst", "rst")
    rel = doc.open_unreleased()
    entries = ["* " + b.replace("\n", "\n  ").replace("\n  \n", "\n\n") for b in bodies]
    doc.merge_entries(rel, [("Bugfixes", entries)], ["Bugfixes"])
    return doc.text()


def _new_category(tree):
    unreleased = next(s for s in tree.findall(nodes.section) if s[0].astext() == "Unreleased")
    return next(s for s in unreleased.findall(nodes.section) if s[0].astext() == "Bugfixes")


def check_structure(bodies: list[str]) -> None:
    before, after = _doctree(TRIO), _doctree(_compose(bodies))
    old = _titles(before)
    new = _titles(after)
    assert new[:2] == [(0, "Unreleased"), (1, "Bugfixes")] or new[:2] == [(1, "Unreleased"), (2, "Bugfixes")]
    assert [t for t in new if t[1] not in ("Unreleased", "Bugfixes")] == [t for t in old if t[1] != "Bugfixes"] \
        or len(new) == len(old) + 2, (new, old)
    category = _new_category(after)
    lists = [c for c in category.children if isinstance(c, nodes.bullet_list)]
    assert len(lists) == 1 and len(lists[0].children) == len(bodies), category.pformat()[:2000]
    assert [c for c in category.children if not isinstance(c, (nodes.title, nodes.bullet_list))] == []
    kinds = {type(n).__name__ for n in lists[0].findall() if not isinstance(n, nodes.Text)}
    assert not kinds & set(FORBIDDEN), (kinds & set(FORBIDDEN), _compose(bodies))
    # docutils' errors (level 3: 'Unexpected section title', a directive's failure) are structure
    # gone wrong; inline warnings (level 2: an emphasis start-string without its end, from
    # Markdown emphasis rST cannot express) are text shown as written, and are allowed
    warnings = [m for m in lists[0].findall(nodes.system_message) if m["level"] >= 3]
    assert not warnings, [m.astext() for m in warnings]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(body, min_size=1, max_size=3))
# a code span's own blank at a line's start indented the line: a definition list (found by this test)
@example(["` :`\n.. raw:: html"])
@example([".. raw:: html\n` :`"])
def test_no_fragment_injects_rst_structure(bodies):
    check_structure(bodies)


@pytest.mark.parametrize("markdown", [
    "Intro.\n\n.. raw:: html\n\n   <script>alert(1)</script>",
    ".. _target: https://evil.example",
    "A line\n\n=====\n\nmore",
    "A line\n^^^^^^",
    "Look::\n\n    code",
    "x\n\n.. |s| replace:: y",
    "- a\n\n  .. note:: hi",
    "a) not a list",
    "Trio 9.9.9 (2026-01-01)\n\n------------------------",
])
def test_each_hostile_body_stays_text_in_one_entry(markdown):
    check_structure([markdown])


def test_the_check_sees_an_injection():
    """The measure can fail: the same bodies, unescaped, make a directive, a target, a title."""
    raw = _doctree("Title\n=====\n\nCat\n---\n\n- .. raw:: html\n\n     <b>\n\n.. _t: https://x\n\nX\n=\n")
    kinds = {type(n).__name__ for n in raw.findall() if not isinstance(n, nodes.Text)}
    assert {"raw", "target"} <= kinds or {"system_message", "target"} <= kinds
    assert len(_titles(raw)) >= 2


def test_escaped_text_reads_as_the_markdown_did():
    """What is escaped renders as the Markdown text: the reader sees the same characters."""
    for markdown, text in [(".. raw:: html", ".. raw:: html"), ("=====", "====="), ("Look::", "Look::"),
                           ("a) item", "a) item"), (":ref:`x`", ":ref:x"), ("a |s| b", "a |s| b")]:
        converted = to_rst(markdown)
        assert _doctree(converted).astext().strip() == text, (markdown, converted)
