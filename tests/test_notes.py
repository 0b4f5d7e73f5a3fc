"""The notes-file model: every corpus file round-trips, edits are surgical."""

from __future__ import annotations

import pytest
from conftest import CORPUS, corpus
from hypothesis import given, settings
from hypothesis import strategies as st

from relnotes.notes import blocks, formats
from relnotes.version import Version

ALL_FILES = sorted(p.relative_to(CORPUS).as_posix() for p in CORPUS.rglob("*.md") if p.name != "README.md")


def test_corpus_is_all_there():
    # main, 57 release branches and stable-v0.26; 13 history files
    assert len([f for f in ALL_FILES if f.endswith("RELEASES.md") and "/" not in f]) == 59
    assert len([f for f in ALL_FILES if f.startswith("history/")]) == 13


@pytest.mark.parametrize("name", ALL_FILES)
def test_corpus_file_round_trips_byte_for_byte(name):
    text = corpus(name)
    doc = formats.parse(text, name)
    assert doc.text() == text
    if name.endswith("RELEASES.md") and "template" not in name:
        assert doc.releases, "every notes file has at least one release section"


@pytest.mark.parametrize("name", [f for f in ALL_FILES if f.startswith("release-") and "/" not in f])
def test_branch_files_top_release_matches_branch(name):
    doc = formats.parse(corpus(name), name)
    branch = Version.parse(name.split("-")[1].removesuffix(".RELEASES.md"))
    top = doc.releases[0]
    assert top.version is not None
    assert (top.version.major, top.version.minor) == (branch.major, branch.minor)
    assert top.status == "released" and top.date


def test_main_file_structure():
    doc = formats.parse(corpus("main.RELEASES.md"))
    (top,) = doc.releases
    assert str(top.version) == "49.0.0" and top.unreleased
    assert [c.title for c in top.categories] == ["Added", "Changed"]
    assert doc.archive is not None and len(doc.archive.links) == 57
    assert doc.archive.links[-1].label == "0.32.x (and prior)"
    assert formats.structure_problems(doc, need_archive=True) == []


def test_irregular_files_are_indexed():
    # release-23.0.0 uses short '----' separators; release-33.0.0 lacks one
    d23 = formats.parse(corpus("release-23.0.0.RELEASES.md"))
    assert [str(r.version) for r in d23.releases] == ["23.0.3", "23.0.2", "23.0.1", "23.0.0"]
    assert all(r.separator is not None for r in d23.releases)
    d33 = formats.parse(corpus("release-33.0.0.RELEASES.md"))
    assert [str(r.version) for r in d33.releases] == ["33.0.2", "33.0.1", "33.0.0"]
    assert d33.releases[0].separator is None and d33.releases[0].body_end == d33.releases[1].start
    # status lines with and without the period
    d1 = formats.parse(corpus("release-1.0.0.RELEASES.md"))
    assert d1.releases[0].date == "2022-09-26"
    # an H1 title before the first release
    d32 = formats.parse(corpus("release-0.32.0.RELEASES.md"))
    assert d32.releases[0].start > 0 and d32.lines[0].startswith("# Wasmtime Releases")


def test_blocks_split_entries_and_prose():
    doc = formats.parse(corpus("release-30.0.0.RELEASES.md"))
    kinds = {b.kind for r in doc.releases for c in r.categories for b in blocks.blocks(doc, c.start + 1, c.end)}
    assert kinds == {"entry", "prose"}


def test_stamp_changes_only_the_status_line():
    text = corpus("history/release-48.0.0-notes-added-unreleased.RELEASES.md")
    doc = formats.parse(text)
    assert doc.set_status(doc.releases[0], "2026-08-20") is True
    assert doc.text() == corpus("history/release-48.0.0-released-2026-08-20.RELEASES.md")
    assert doc.set_status(doc.releases[0], "2027-01-01") is False  # already released: no change


def test_crlf_file_keeps_its_line_endings():
    text = "## 1.0.0\r\n\r\nUnreleased.\r\n\r\n### Added\r\n\r\n" + "-" * 80 + "\r\n"
    doc = formats.parse(text)
    doc.merge_entries(doc.releases[0], [("Added", ["* New thing.\n  [#1](u)"])], ["Added"])
    assert "\r\n* New thing.\r\n  [#1](u)\r\n" in doc.text()
    assert "\n" not in doc.text().replace("\r\n", "")


def test_structure_problems_are_located():
    text = ("## 2.0.0\n\nUnreleased.\n\n## 2.0.0\n\nUnreleased.\n\n## 1.0.0\n\nReleased 2024-13-45.\n")
    probs = formats.structure_problems(formats.parse(text, "N.md"))
    codes = [(p.code, p.line) for p in probs]
    assert ("notes-duplicate-version", 5) in codes
    assert ("notes-two-unreleased", 7) in codes
    assert ("notes-bad-date", 11) in codes


_PIECES = st.sampled_from(["## 1.0.0", "## 2.0.0-rc.1", "## Unreleased", "Unreleased.", "Released 2020-01-01",
                           "### Fixed", "### Added.", "<!-- ARCHIVE_START -->", "-" * 80, "----",
                           "* [1.0.x](u)", "* entry", "  continued", "```", "text", "", "\t", "# Title"])
_LINES = st.lists(st.one_of(_PIECES, st.text(max_size=12)), max_size=40)
_EOL = st.sampled_from(["\n", "\r\n", "\r"])


@settings(max_examples=300, deadline=None)
@given(_LINES, _EOL, st.booleans(), st.booleans())
def test_any_text_round_trips_and_indexes(lines, eol, final_newline, bom):
    text = ("\ufeff" if bom else "") + eol.join(lines) + (eol if final_newline else "")
    doc = formats.parse(text)
    assert doc.text() == text
    if bom:  # a leading BOM is no part of line 1: the same structure as without it
        assert doc.releases == formats.parse(text[1:]).releases
    formats.structure_problems(doc)  # never raises
    for r in doc.releases:
        assert r.start < r.end <= len(doc.lines)
        for c in r.categories:
            assert r.start < c.start < c.end <= r.body_end
