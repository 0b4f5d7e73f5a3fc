"""The project keeps its notes file: real Keep a Changelog files imported and rebuilt byte for
byte, Markdown with linked version headings (towncrier's), and reStructuredText notes in
towncrier's layout (pytest's, trio's) read and written.  The figures asserted here are the
README's (see tests/data/keepachangelog/README.md and tests/data/rst/README.md)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relnotes.config import load as config
from relnotes.markdown.rst import to_rst
from relnotes.migrate.notes_import import BREAKING_MARK, round_trip
from relnotes.notes import formats

DATA = Path(__file__).parent / "data"
KAC = 'preset: keepachangelog\nproject: Demo\nrepository: "https://github.com/o/demo"\n'
ATTRS = ('preset: keepachangelog\nproject: attrs\nrepository: "https://github.com/python-attrs/attrs"\n'
         'sections: ["Backwards-incompatible Changes", "Deprecations", "Changes"]\n')
RST = ('preset: keepachangelog\nnotes_format: rst\nnotes_file: CHANGELOG.rst\nproject: pytest\n'
       'repository: "https://github.com/pytest-dev/pytest"\nsections: [Features, Improvements, Bug fixes]\n')


def real(*parts: str) -> str:
    return DATA.joinpath(*parts).read_bytes().decode("utf-8")


def cfg_of(tmp_path, text: str):
    return config.from_text(text, tmp_path / "relnotes.yaml", tmp_path, use_cache=False)


# -- Keep a Changelog: import then rebuild, section by section --------------------------------


@pytest.mark.parametrize(("name", "configuration", "add_sections", "exact", "total"), [
    ("keep-a-changelog.md", KAC, False, 16, 16),  # 2.0.0's summary: a kind: summary fragment
    ("rich.md", KAC, False, 5, 5),
    ("derive_more.md", KAC, False, 7, 9),  # the yank note (summary), 0.99.19 (uncategorised)
    ("derive_more.md", KAC, True, 8, 9),  # '### Breaking changes' added to sections
    ("attrs.md", ATTRS, False, 6, 6),  # 15.2.0 and 15.1.0: '### Changes:' and a '---' rule
])
def test_real_released_sections_rebuild_byte_for_byte(tmp_path, name, configuration, add_sections, exact, total):
    """The README's figures.  What is left is what import reports and does not map:
    derive_more 2.0.1's unindented (lazy) continuation line of an entry and, without
    --add-sections, a category no section matches ('Breaking changes')."""
    cfg = cfg_of(tmp_path, configuration)
    doc = formats.parse(real("keepachangelog", name), name, "keepachangelog")
    results = round_trip(cfg, doc, add_sections=add_sections)
    assert (sum(d is None for _, d in results), len(results)) == (exact, total), [r for r in results if r[1]]


def test_tight_star_lists_are_rebuilt_as_written_and_never_twice(tmp_path):
    """A file of tight '*' lists keeps them: the rebuild is exact, and build adds new entries
    tight with '*', recognising an entry already there whatever marker it was rendered with."""
    text = ("# Changelog\n\n## [Unreleased]\n\n### Fixed\n\n* A bug.\n\n"
            "## [1.0.0] - 2026-01-01\n\n### Added\n\n* One.\n* Two,\n  wrapped.\n\n### Fixed\n\n* Three.\n")
    cfg = cfg_of(tmp_path, KAC)
    doc = formats.parse(text, "CHANGELOG.md", "keepachangelog")
    assert round_trip(cfg, doc) == [("[1.0.0] - 2026-01-01", None)]
    style = doc.list_style(doc.releases[0], "Fixed")
    assert (style.marker, style.gap) == ("*", "\n")
    loose = formats.parse(text.replace("* One.\n* Two", "* One.\n\n* Two"), "CHANGELOG.md", "keepachangelog")
    assert loose.list_style(loose.releases[1], "Added").gap == "\n\n"
    assert round_trip(cfg, loose) == [("[1.0.0] - 2026-01-01", None)]


def test_blank_lines_under_a_heading_and_between_categories_are_the_files(tmp_path):
    """rich's 13.7.1 has two blank lines under its heading, towncrier's Markdown two between
    categories; the rebuilt section has them too."""
    text = ("## [2.0.0] - 2026-02-01\n\n\n### Added\n\n- A.\n- B.\n\n\n### Fixed\n\n- C.\n\n"
            "## [1.0.0] - 2026-01-01\n\n### Added\n\n- First.\n")
    doc = formats.parse(text, "CHANGELOG.md", "keepachangelog")
    assert [d for _, d in round_trip(cfg_of(tmp_path, KAC), doc)] == [None, None]


def test_a_category_with_its_first_entry_right_under_its_heading_rebuilds(tmp_path):
    """derive_more 0.99.0 writes '### Breaking changes' with its first entry on the next line;
    the rebuild keeps it so, while build still leaves a blank line under a heading it fills."""
    text = ("## [2.0.0] - 2026-02-01\n\n### Added\n- A.\n- B.\n\n### Fixed\n\n- C.\n\n"
            "## [1.0.0] - 2026-01-01\n\n### Added\n\n- First.\n")
    doc = formats.parse(text, "CHANGELOG.md", "keepachangelog")
    assert [d for _, d in round_trip(cfg_of(tmp_path, KAC), doc)] == [None, None]
    assert doc.list_style(doc.releases[0], "Added").under == ""
    assert doc.list_style(doc.releases[0], "Fixed").under == "\n"
    fresh = formats.parse("## [Unreleased]\n\n### Added\n\n" + text, "CHANGELOG.md", "keepachangelog")
    fresh.merge_entries(fresh.releases[0], [("Added", ["- New."])], ["Added"])
    assert fresh.text().startswith("## [Unreleased]\n\n### Added\n\n- New.\n\n## [2.0.0]")


def test_build_keeps_the_files_list_style(kac_project):
    kac_project.write("CHANGELOG.md", "# Changelog\n\n## [Unreleased]\n\n### Fixed\n\n* A bug.\n")
    kac_project.fragment("a.md", "Fixed", "A bug.")  # already there: not written twice
    kac_project.fragment("b.md", "Fixed", "Another.")
    r = kac_project.run("build")
    assert r.exit_code == 0, r.output
    assert kac_project.read("CHANGELOG.md") == "# Changelog\n\n## [Unreleased]\n\n### Fixed\n\n* A bug.\n* Another.\n"


@pytest.mark.parametrize(("entry", "marked", "breaking", "exact"), [
    ("- **Breaking:** Retired the tagline.", True, True, True),  # the preset's prefix: breaking, rebuilt exactly
    ("- **BREAKING**: Retired the tagline.", True, False, True),  # another mark: kept in the text, said so
    ("- BREAKING: Retired the tagline.", True, False, True),
    ("- **breaking** Retired the tagline.", True, False, True),  # rich 11.0.0
    ("- Breaking news in the tagline.", False, False, True),
])
def test_breaking_marks_become_breaking_true_when_they_rebuild(tmp_path, entry, marked, breaking, exact):
    cfg = cfg_of(tmp_path, KAC)
    text = f"# Changelog\n\n## [1.0.0] - 2026-01-01\n\n### Changed\n\n{entry}\n"
    doc = formats.parse(text, "CHANGELOG.md", "keepachangelog")
    assert (BREAKING_MARK.match(entry[2:]) is not None) == marked
    assert (round_trip(cfg, doc)[0][1] is None) == exact
    from relnotes.migrate.notes_import import plan_notes_doc
    from relnotes.render.environment import Renderer

    plan = plan_notes_doc(cfg, doc, doc.releases[0], Renderer(cfg))
    assert ("breaking: true" in plan.fragments[0].text) == breaking
    assert "Retired the tagline." in plan.fragments[0].text or not marked
    assert "**Breaking:**" not in plan.fragments[0].text
    kept = [n for n in plan.unmapped if "is not breaking_changes.prefix" in n]
    assert bool(kept) == (marked and not breaking), plan.unmapped


def test_a_configured_mark_reads_the_files_own_spelling_as_breaking(tmp_path):
    cfg = cfg_of(tmp_path, KAC + 'breaking_changes: {prefix: "**breaking** "}\n')
    doc = formats.parse("## [1.0.0] - 2026-01-01\n\n### Changed\n\n- **breaking** Gone.\n", "CHANGELOG.md",
                        "keepachangelog")
    from relnotes.migrate.notes_import import plan_notes_doc
    from relnotes.render.environment import Renderer

    plan = plan_notes_doc(cfg, doc, doc.releases[0], Renderer(cfg))
    assert "breaking: true" in plan.fragments[0].text and plan.unmapped == []
    assert round_trip(cfg, doc)[0][1] is None


@pytest.fixture
def kac_project(project):
    project.write("relnotes.yaml", KAC)
    project.write("CHANGELOG.md", "# Changelog\n\n## [Unreleased]\n")
    project.commit("init")
    return project


def _mid_cycle() -> str:
    """keep-a-changelog.md with its 1.1.2 entries pending under [Unreleased]."""
    text = real("keepachangelog", "keep-a-changelog.md")
    body = text[text.index("## [1.1.2]"):text.index("## [1.1.1]")].split("\n", 1)[1]
    return text.replace("## [Unreleased]\n\n", "## [Unreleased]\n" + body, 1)


def test_a_mid_cycle_import_moves_the_entries_out_and_build_puts_them_back(kac_project):
    original = _mid_cycle()
    kac_project.write("CHANGELOG.md", original)
    kac_project.commit("mid-cycle")
    before = kac_project.snapshot_tree()
    r = kac_project.run("import", "notes", "CHANGELOG.md", "--dry-run")
    assert r.exit_code == 0 and "would move 17 entries of [Unreleased] out of CHANGELOG.md" in r.stdout
    assert kac_project.snapshot_tree() == before
    r = kac_project.run("import", "notes", "CHANGELOG.md")
    assert r.exit_code == 0, r.output
    assert "moved 17 entries of [Unreleased] out of CHANGELOG.md" in r.stdout
    moved = kac_project.read("CHANGELOG.md")
    assert "v1.1 German translation" not in moved.split("## [2.0.0]")[0]  # never both in the file and a fragment
    assert len(list((kac_project.root / "changes.d").glob("unreleased-*.md"))) == 17
    assert kac_project.run("check").exit_code == 0
    r = kac_project.run("build")
    assert r.exit_code == 0, r.output
    assert kac_project.read("CHANGELOG.md") == original  # byte for byte, once


def test_a_mid_cycle_import_leaves_what_it_cannot_map_and_build_restores_the_rest(kac_project):
    """The prose under the heading moves out as a summary; a category no section matches stays
    in [Unreleased]; an entry with its own link definition keeps a blank line after it even
    where the file's lists are tight."""
    original = ("# Changelog\n\n## [Unreleased]\n\nSome prose.\n\n### Added\n\n- One [x].\n\n[x]: https://x.org\n\n"
                "- Two.\n\n### Internal\n\n- Kept.\n\n## [1.0.0] - 2026-01-01\n\n### Added\n\n- First.\n")
    kac_project.write("CHANGELOG.md", original)
    kac_project.commit("mid-cycle")
    r = kac_project.run("import", "notes", "CHANGELOG.md")
    assert r.exit_code == 0 and "moved 2 entries and a summary" in r.stdout, r.output
    assert "category 'Internal' is not one of the configured sections" in r.output
    assert kac_project.read("CHANGELOG.md") == original.replace("Some prose.\n\n### Added\n\n- One [x].\n\n"
                                                                "[x]: https://x.org\n\n- Two.\n\n", "", 1)
    assert "kind: summary" in kac_project.read("changes.d/unreleased-001-some-prose.md")
    assert kac_project.run("build").exit_code == 0
    assert kac_project.read("CHANGELOG.md") == original


def test_a_mid_cycle_import_as_a_real_subprocess(kac_project):
    kac_project.write("CHANGELOG.md", _mid_cycle())
    kac_project.commit("mid-cycle")
    r = subprocess.run([sys.executable, "-m", "relnotes", "import", "notes", "CHANGELOG.md"],
                       cwd=kac_project.root, capture_output=True, text=True, env=dict(os.environ))
    assert r.returncode == 0, r.stderr
    assert "moved 17 entries" in r.stdout
    assert "- v1.1 German translation." not in kac_project.read("CHANGELOG.md").split("## [2.0.0]")[0]


# -- check: what relnotes writes, or --all-history --------------------------------------------


def test_check_leaves_old_history_alone_unless_asked(kac_project):
    kac_project.write("CHANGELOG.md", real("keepachangelog", "rich.md"))
    r = kac_project.run("check")
    assert r.exit_code == 0, r.output
    assert "2 problem(s) in released sections written before relnotes are not checked" in r.output
    r = kac_project.run("check", "--all-history")
    assert r.exit_code == 1
    assert "CHANGELOG.md:14:4: '[14.3.2]' has no link definition" in r.output


def test_check_still_checks_the_unreleased_section(kac_project):
    kac_project.write("CHANGELOG.md", "# Changelog\n\n## [Unreleased]\n\n## [Unreleased]\n\n## [2.0.0] - 2026-13-01\n\n"
                                      "## [1.0.0]\n")
    r = kac_project.run("check")
    codes = r.output
    assert r.exit_code == 1 and "CHANGELOG.md:5:4: a second '## [Unreleased]'" in codes
    assert "'2026-13-01' is not a date" not in codes and "CHANGELOG.md:9:" not in codes  # history: the project's
    assert "4 problem(s) in released sections" in codes and "1 problem found" in codes


def test_check_all_history_as_a_real_subprocess(kac_project):
    kac_project.write("CHANGELOG.md", real("keepachangelog", "rich.md"))
    run = [sys.executable, "-m", "relnotes", "check"]
    env = dict(os.environ)
    assert subprocess.run(run, cwd=kac_project.root, capture_output=True, env=env).returncode == 0
    done = subprocess.run(run + ["--all-history"], cwd=kac_project.root, capture_output=True, text=True, env=env)
    assert done.returncode == 1 and "no link definition" in done.stderr and "Traceback" not in done.stderr


# -- Markdown with linked version headings (towncrier's Markdown: attrs) ----------------------


def test_linked_headings_are_read_and_a_release_is_written_above_them(project):
    project.write("relnotes.yaml", ATTRS)
    project.write("CHANGELOG.md", real("keepachangelog", "attrs.md"))
    project.commit("init")
    doc = formats.parse(real("keepachangelog", "attrs.md"), "CHANGELOG.md", "keepachangelog")
    assert [(str(r.version), r.date) for r in doc.releases] == [
        ("26.1.0", "2026-03-19"), ("25.3.0", "2025-03-13"), ("25.2.0", "2025-03-12"), ("25.1.0", "2025-01-25"),
        ("15.2.0", "2015-12-08"), ("15.1.0", "2015-08-20")]
    assert project.run("check", "--all-history").exit_code == 0
    project.fragment("a.md", "Changes", "A change.")
    before = project.snapshot_tree()
    r = project.run("build", "--draft")
    assert r.exit_code == 0 and r.stdout.startswith("## Unreleased (draft)\n\n### Changes\n\n- A change.")
    assert project.snapshot_tree() == before  # a preview never lands in a released section
    r = project.run("release", "--version", "26.2.0", "--date", "2026-12-07")
    assert r.exit_code == 0, r.output
    text = project.read("CHANGELOG.md")
    marker = "<!-- towncrier release notes start -->\n\n"
    assert (marker + "## Unreleased\n\n## [26.2.0](https://github.com/python-attrs/attrs/compare/26.1.0...26.2.0)"
            " - 2026-12-07\n\n### Changes\n\n- A change.\n\n## [26.1.0]") in text.replace("/compare/v", "/compare/").replace("...v", "...")
    assert text.endswith(real("keepachangelog", "attrs.md")[real("keepachangelog", "attrs.md").index("## [26.1.0]"):])
    assert project.run("check").exit_code == 0


# -- reStructuredText notes in towncrier's layout ---------------------------------------------

RST_FILES = {  # file: (title pattern counted independently of the scan, its underline, releases in the file)
    "pytest-changelog.rst": (r"^(?:pytest )?\d+\.\d+\S*(?: \(.*\))?$", "=", 11),
    "trio-history.rst": (r"^[Tt]rio \d+\.\d+\.\d+ \(\d{4}-\d\d-\d\d\)$", "-", 7),
}


@pytest.mark.parametrize("name", RST_FILES)
def test_real_rst_notes_are_read_release_for_release(name):
    text = real("rst", name)
    pattern, underline, count = RST_FILES[name]
    lines = text.split("\n")
    marker = lines.index(".. towncrier release notes start")
    real_titles = [line for k, line in enumerate(lines[:-1]) if k > marker and re.match(pattern, line)
                   and set(lines[k + 1]) == {underline}]
    doc = formats.parse(text, name, "rst")
    assert doc.text() == text  # byte for byte
    assert len(real_titles) == count
    assert [r.title for r in doc.releases] == real_titles  # every release, none more
    assert all(r.version is not None for r in doc.releases)
    assert all(r.categories for r in doc.releases[:3])


def test_rst_check_show_and_all_history(tmp_path):
    doc = formats.parse(real("rst", "pytest-changelog.rst"), "CHANGELOG.rst", "rst")
    assert formats.structure_problems(doc, all_history=False) == []
    found = [(p.code, p.message.split("'")[1]) for p in formats.structure_problems(doc)]
    assert found == [("notes-no-date", "pytest 8.1.0 (YANKED)"), ("notes-no-date", "1.0.0b1"),
                     ("notes-no-date", "0.9.2"), ("notes-no-date", "0.9.1")]
    rel = doc.release("9.0.3")
    assert [c.title for c in rel.categories] == ["Bug fixes", "Improvements in existing functionality"] or rel.categories
    assert doc.release_text(rel).startswith("pytest 9.0.3 (2026-04-07)\n=========================\n")
    assert formats.format_for_path("NEWS.rst") == "rst" and formats.format_for_path("CHANGELOG.md") == "releases"


@pytest.fixture
def rst_project(project):
    project.write("relnotes.yaml", RST)
    project.write("CHANGELOG.rst", real("rst", "pytest-changelog.rst"))
    project.commit("init")
    return project


def test_build_and_release_write_rst_into_the_towncrier_file(rst_project, md_snapshot):
    p = rst_project
    assert p.run("check").exit_code == 0
    assert p.run("show", "9.0.2").stdout.startswith("pytest 9.0.2 (2025-12-06)\n")
    p.fragment("a.md", "Bug fixes", 'Fixed `foo_bar` in a [link](https://x.org/a_b) with **bold** and *emphasis*.',
               issues="[123]")
    p.fragment("b.md", "Features", "A new flag:\n\n```python\nx = 1\n```")
    r = p.run("release", "--version", "9.2.0", "--date", "2026-12-07")
    assert r.exit_code == 0, r.output
    text = p.read("CHANGELOG.rst")
    head = text[text.index(".. towncrier release notes start"):text.index("pytest 9.1.1")]
    assert head == md_snapshot
    assert p.run("check").exit_code == 0
    doc = formats.parse(text, "CHANGELOG.rst", "rst")
    assert str(doc.newest_release().version) == "9.2.0"
    assert text.endswith(real("rst", "pytest-changelog.rst")[real("rst", "pytest-changelog.rst").index("pytest 9.1.1"):])


def test_history_reads_the_rst_notes(rst_project):
    r = rst_project.run("history", "--format", "table")
    assert r.exit_code == 0, r.output
    for version in ("9.1.1", "9.0.3", "8.0.0-rc2", "0.9.1"):
        assert version in r.stdout
    r = rst_project.run("history")
    assert "11 releases" in r.stdout and "pytest 9.0.2 (2025-12-06)\n=========================" in r.stdout


def test_an_rst_notes_file_needs_the_rst_format(rst_project):
    rst_project.write("relnotes.yaml", RST.replace("notes_format: rst\n", ""))
    r = rst_project.run("check")
    assert r.exit_code == 2
    assert "notes_file 'CHANGELOG.rst' is reStructuredText, but notes_format is 'keepachangelog'" in r.output
    assert "set notes_format: rst" in r.output


def test_an_rst_draft_previews_the_rst_build_writes(rst_project):
    rst_project.fragment("a.md", "Bug fixes", "A `bug`.")
    before = rst_project.snapshot_tree()
    r = rst_project.run("build", "--draft")
    assert r.exit_code == 0, r.output
    assert r.stdout == "Unreleased\n==========\n\nBug fixes\n---------\n\n- A ``bug``.\n"
    assert rst_project.snapshot_tree() == before


def test_release_of_an_rst_project_as_a_real_subprocess(rst_project):
    rst_project.fragment("a.md", "Bug fixes", "A bug.")
    r = subprocess.run([sys.executable, "-m", "relnotes", "release", "--version", "9.2.0", "--date", "2026-12-07"],
                       cwd=rst_project.root, capture_output=True, text=True, env=dict(os.environ))
    assert r.returncode == 0, r.stderr
    assert ".. towncrier release notes start\n\npytest 9.2.0 (2026-12-07)\n=========================\n\nBug fixes\n" \
           "---------\n\n- A bug.\n" in rst_project.read("CHANGELOG.rst")


@pytest.mark.parametrize(("markdown", "rst"), [
    ("- Plain text.", "- Plain text."),
    ("- `code` and **strong** and *em*", "- ``code`` and **strong** and *em*"),
    ("- A [link](https://x.org/a) here.", "- A `link <https://x.org/a>`__ here."),
    ("- my_var_ and a|b and \\*", "- my_var\\_ and a\\|b and \\*"),
    ("- One\n  two.\n  [#12](https://x/12)", "- One\n  two.\n  `#12 <https://x/12>`__"),
    ("- Text:\n\n  ```sh\n  ls\n  ```", "- Text:\n\n  .. code-block:: sh\n\n     ls"),
])
def test_markdown_entries_become_rst(markdown, rst):
    assert to_rst(markdown) == rst


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(st.sampled_from(["- ", "  ", "`", "``", "*", "**", "_", "|", "\\", "[", "](", ")", "<", ">", "x",
                                 "https://x.org", "\n", "\n\n", "```", "> ", "1. ", "#", " "]), max_size=30))
def test_any_markdown_converts_without_error(pieces):
    out = to_rst("- " + "".join(pieces))
    assert isinstance(out, str)


_RST_LINES = st.sampled_from([
    "Changelog", "=========", "pytest 1.2.0 (2026-01-01)", "=========================", "Bug fixes", "---------",
    "Unreleased", "==========", ".. towncrier release notes start", "- an entry", "  continued", "", "",
    "2.6", "===", "~~~", "trio 0.1.0 (2017-03-10)", "------------------------", "   indented", "::",
])


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(_RST_LINES, max_size=40), st.sampled_from(["\n", "\r\n"]))
def test_the_rst_scan_round_trips_and_indexes_consistently(lines, nl):
    text = nl.join(lines)
    doc = formats.parse(text, "NEWS.rst", "rst")
    assert doc.text() == text
    for rel in doc.releases:
        assert rel.start < rel.body_end <= len(doc.lines)
        for cat in rel.categories:
            assert rel.start < cat.start < cat.end <= rel.body_end
    formats.structure_problems(doc)
