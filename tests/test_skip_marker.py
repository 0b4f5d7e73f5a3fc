"""The skip marker: a line of its own, case-insensitive, flexible spacing, linear on hostile text."""

from __future__ import annotations

import re
import time

import pytest
from conftest import corpus
from hypothesis import given, settings
from hypothesis import strategies as st

from relnotes.gate.check import has_marker, marker_pattern
from relnotes.markdown.visible import hidden_lines

DEFAULT = "release-notes: none"


@pytest.mark.parametrize("text", [
    "release-notes: none",
    "Release-Notes:   None",
    "RELEASE-NOTES: NONE",
    "  release-notes:none  ",
    "release-notes :\tnone",
    "release - notes : none",
    "Refactor internals\r\n\r\nRelease-Notes: None\r\n",
    "first line\n\t release-notes:    none\t\nlast line",
])
def test_marker_variants_match(text):
    assert has_marker(text, DEFAULT)


@pytest.mark.parametrize("text", [
    "",
    "release notes: none",          # a space is not a hyphen
    "releasenotes: none",
    "release-notes: nonetheless",
    "release-notes: none please",   # not alone on its line
    "mentions release-notes: none inline",
    "release-notes none",
    "release-notes:\nnone",         # split over two lines
    "release-notes: n one",
])
def test_non_markers_do_not_match(text):
    assert not has_marker(text, DEFAULT)


def test_custom_markers():
    assert has_marker("intro\n[ Skip   Notes ]\n", "[skip notes]")
    assert not has_marker("[skipnotes]", "[skip notes]")
    assert has_marker("No  Notes", "no notes") and not has_marker("nonotes", "no notes")
    assert has_marker("a.b*c", "a.b*c") and not has_marker("axbbc", "a.b*c")  # punctuation is literal
    assert not has_marker("anything", "") and not has_marker("", "   ")


def _tokens(line: str) -> list[str]:
    return re.findall(r"\w+|[^\w\s]", line.lower())


@settings(max_examples=300, deadline=None)
@given(marker=st.text(alphabet="aBz09-:_[] \t", min_size=1, max_size=12),
       text=st.text(alphabet="aAbBzZ09-:_[] \t\r\n", max_size=60))
def test_marker_means_same_tokens_on_one_line(marker, text):
    """Reference: a line matches when it has the marker's words and punctuation in order
    (whitespace between two words required, anywhere else optional) and is not code
    (an indented line after a blank one is; ``test_trust_gate`` holds that against mistletoe)."""
    want = _tokens(marker)
    lines = re.split(r"\r\n|\r|\n", text)  # CommonMark's line ends
    expected = bool(want) and any(_tokens(line) == want and not hidden
                                  for line, hidden in zip(lines, hidden_lines(lines)))
    assert has_marker(text, marker) == expected


@settings(max_examples=100, deadline=None)
@given(words=st.lists(st.sampled_from(["release", "notes", "none", "skip", "-", ":", "[", "]"]), min_size=1, max_size=6),
       gaps=st.lists(st.sampled_from(["", " ", "\t", "   "]), min_size=7, max_size=7), upper=st.booleans())
def test_respaced_marker_matches(words, gaps, upper):
    marker = " ".join(words)
    line = gaps[0] + "".join(w + (g or (" " if w.isalnum() else "")) for w, g in zip(words, gaps[1:]))
    assert has_marker("x\n" + (line.upper() if upper else line) + "\ny", marker)


def test_hostile_text_is_linear():
    n = 200_000
    hostile = ("release-notes" + " " * n + "x\n") * 3 + "release" + "-" * n + "\n" + ("\t" * n) + "release\n"
    start = time.perf_counter()
    assert not has_marker(hostile, DEFAULT)
    assert time.perf_counter() - start < 2.0  # a backtracking blow-up would take minutes


def test_pattern_is_built_once_per_marker():
    assert marker_pattern(DEFAULT) is marker_pattern(DEFAULT)


def test_check_skips_on_a_respaced_marker_in_a_commit(project):
    project.write("RELEASES.md", corpus("main.RELEASES.md"))
    project.write("src/lib.rs", "fn a() {}\n")
    project.commit("base")
    project.git("switch", "-q", "-c", "pr")
    project.write("src/lib.rs", "fn b() {}\n")
    project.commit("Refactor internals\n\nRelease-Notes:   None")
    r = project.run("check", "--base", "main")
    assert r.exit_code == 0 and "skip marker in a commit message" in r.stdout
    project.commit("Another\n\nrelease notes: none")  # wrong marker: the earlier commit still skips
    assert project.run("check", "--base", "main").exit_code == 0
    project.git("reset", "-q", "--hard", "main")
    project.write("src/lib.rs", "fn c() {}\n")
    project.commit("Change\n\nrelease notes: none")
    assert project.run("check", "--base", "main").exit_code == 1
