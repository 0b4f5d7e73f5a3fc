"""``import notes``: categories no configured section matches (``--add-sections``), headings
spelled with a trailing colon (attrs' ``### Changes:``) and a ``---`` rule between releases."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relnotes.config import load as config
from relnotes.errors import UsageError
from relnotes.migrate import notes_sections
from relnotes.migrate.notes_import import round_trip
from relnotes.notes import formats

KAC = 'preset: keepachangelog\nproject: Demo\nrepository: "https://github.com/o/demo"\n'
CHANGELOG = ("# Changelog\n\n## [Unreleased]\n\n### Fixed\n\n- A bug.\n\n### Breaking changes\n\n"
             "- Dropped `foo`.\n\n## [1.0.0] - 2026-01-01\n\n### Changes:\n\n- First.\n\n---\n\n"
             "## [0.9.0] - 2025-01-01\n\n### Added\n\n- Zero.\n")


def cfg_of(tmp_path, text: str = KAC):
    return config.from_text(text, tmp_path / "relnotes.yaml", tmp_path, use_cache=False)


@pytest.mark.parametrize(("title", "section"), [
    ("Fixed", "Fixed"), ("fixed:", "Fixed"), ("Fixed.", "Fixed"), ("  ADDED : ", "Added"),
    ("Breaking changes", None), ("Fixes", None),
])
def test_a_category_matches_a_section_in_any_case_with_a_trailing_colon(tmp_path, title, section):
    assert notes_sections.section_for(cfg_of(tmp_path), title) == section


def test_missing_lists_each_unmatched_title_once(tmp_path):
    got = notes_sections.missing(cfg_of(tmp_path), ["Fixed", "Breaking changes:", "breaking changes", "Fixes", "Added."])
    assert got == ["Breaking changes", "Fixes"]


@pytest.mark.parametrize(("text", "expected"), [
    ('sections: [Added, Fixed]  # ours\n', 'sections: [Added, Fixed, "Breaking changes"]  # ours\n'),
    ('sections:\n  - Added\n  - Fixed\nproject: x\n', 'sections:\n  - Added\n  - Fixed\n  - "Breaking changes"\nproject: x\n'),
    ('sections:\n- Added\n- Fixed', 'sections:\n- Added\n- Fixed\n- "Breaking changes"\n'),
    ('project: x\n', 'project: x\nsections: ["Added", "Fixed", "Breaking changes"]\n'),
    ('sections: Added\n', None),
])
def test_the_yaml_edit_appends_and_keeps_every_other_byte(text, expected):
    assert notes_sections.yaml_text(text, ("Added", "Fixed"), ["Breaking changes"]) == expected


_NAME = st.text(st.characters(min_codepoint=32, max_codepoint=0x2FF, blacklist_characters="\x7f"), min_size=1,
                max_size=20).map(str.strip).filter(lambda s: s and not s.startswith(("#", "-")))


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
          deadline=None)
@given(st.lists(_NAME, min_size=1, max_size=3, unique_by=str.casefold), st.sampled_from(["flow", "block", "none"]))
def test_added_sections_are_exactly_the_ones_asked_for(tmp_path, names, style):
    """Whatever the names (quotes, colons, brackets, '#'), the edited file configures the old
    sections plus exactly these, or the edit is refused; never another meaning."""
    head = {"flow": "sections: [Added, Fixed]\n", "block": "sections:\n  - Added\n  - Fixed\n", "none": ""}[style]
    path = tmp_path / "relnotes.yaml"
    path.write_text(KAC + head)
    cfg = config.from_text(KAC + head, path, tmp_path, use_cache=False)
    names = [n for n in names if notes_sections.section_for(cfg, n) is None]
    try:
        new_cfg, (before, after) = notes_sections.with_sections(cfg, names)
    except UsageError:
        return
    except config.ConfigError:
        return  # a name the configuration itself refuses (as a hand edit would be)
    assert new_cfg.sections == cfg.sections + tuple(names)
    assert before == KAC + head and after.startswith(KAC)


def test_a_rule_between_releases_is_a_separator_not_content(tmp_path):
    doc = formats.parse(CHANGELOG, "CHANGELOG.md", "keepachangelog")
    assert doc.text() == CHANGELOG
    rel = doc.releases[1]
    assert rel.separator is not None and doc.lines[rel.separator] == "---\n"
    assert doc.release_text(rel) == "## [1.0.0] - 2026-01-01\n\n### Changes:\n\n- First.\n"
    assert round_trip(cfg_of(tmp_path, KAC + "sections: [Added, Changes]\n"), doc) == [
        ("[1.0.0] - 2026-01-01", None), ("[0.9.0] - 2025-01-01", None)]


def test_a_setext_underline_is_not_a_separator():
    doc = formats.parse("## [1.0.0] - 2026-01-01\n\nSome prose\n---\n", "CHANGELOG.md", "keepachangelog")
    assert doc.releases[0].separator is None


@pytest.fixture
def kac_project(project):
    project.write("relnotes.yaml", KAC)
    project.write("CHANGELOG.md", CHANGELOG)
    project.commit("init")
    return project


def test_import_reports_an_unmatched_category_and_offers_add_sections(kac_project):
    r = kac_project.run("import", "notes", "CHANGELOG.md")
    assert r.exit_code == 0, r.output
    assert "category 'Breaking changes' is not one of the configured sections" in r.output
    assert "--add-sections adds it to relnotes.yaml" in r.output
    assert kac_project.read("relnotes.yaml") == KAC
    assert "- Dropped `foo`." in kac_project.read("CHANGELOG.md")  # left where it is, never dropped


def test_add_sections_configures_the_category_and_build_gives_the_file_back(kac_project):
    before = kac_project.snapshot_tree()
    r = kac_project.run("import", "notes", "CHANGELOG.md", "--add-sections", "--dry-run")
    assert r.exit_code == 0, r.output
    assert "would add 'Breaking changes' to sections in relnotes.yaml" in r.stdout
    assert kac_project.snapshot_tree() == before
    r = kac_project.run("import", "notes", "CHANGELOG.md", "--add-sections")
    assert r.exit_code == 0, r.output
    assert "added 'Breaking changes' to sections in relnotes.yaml" in r.stdout
    assert "byte for byte" in r.stdout
    assert kac_project.read("relnotes.yaml") == KAC + 'sections: ["Added", "Changed", "Deprecated", "Removed", ' \
        '"Fixed", "Security", "Breaking changes"]\n'
    assert kac_project.run("check").exit_code == 0
    assert kac_project.run("build").exit_code == 0  # a new section comes last in sections, as here
    assert kac_project.read("CHANGELOG.md") == CHANGELOG


def test_add_sections_as_a_real_subprocess(kac_project):
    kac_project.write("relnotes.yaml", KAC + "sections:\n  - Added\n  - Fixed\n")
    r = subprocess.run([sys.executable, "-m", "relnotes", "import", "notes", "CHANGELOG.md", "--add-sections"],
                       cwd=kac_project.root, capture_output=True, text=True, env=dict(os.environ))
    assert r.returncode == 0, r.stderr
    assert kac_project.read("relnotes.yaml").endswith("  - Fixed\n  - \"Breaking changes\"\n")


def test_add_sections_refuses_pyproject(project):
    (project.root / "relnotes.yaml").unlink()
    project.write("pyproject.toml", '[tool.relnotes]\npreset = "keepachangelog"\nproject = "Demo"\n')
    project.write("CHANGELOG.md", CHANGELOG)
    project.commit("init")
    before = project.snapshot_tree()
    r = project.run("import", "notes", "CHANGELOG.md", "--add-sections")
    assert r.exit_code == 2
    assert "--add-sections edits relnotes.yaml only" in r.output and "'Breaking changes'" in r.output
    assert project.snapshot_tree() == before


def test_a_category_written_twice_is_named_with_both_lines(kac_project):
    """rich 9.0.0 has '### Fixed' twice: build writes one, so the section cannot come back as
    it was, and import says where and why."""
    kac_project.write("CHANGELOG.md", "# Changelog\n\n## [Unreleased]\n\n### Fixed\n\n- One.\n\n### Added\n\n- Two.\n\n"
                                      "### Fixed\n\n- Three.\n")
    r = kac_project.run("import", "notes", "CHANGELOG.md", "--dry-run")
    assert r.exit_code == 0, r.output
    assert "CHANGELOG.md:13: a second '### Fixed' in this release (the first is line 5)" in r.output
