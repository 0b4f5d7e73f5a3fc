"""Attacks on ``import notes FILE --add-sections``: hostile category names from a changelog
and odd relnotes.yaml layouts.  The result configures exactly the old sections plus the new
ones, or the command refuses (exit 2) naming relnotes.yaml and changes nothing."""

from __future__ import annotations

import pytest
from conftest import killed_at_staging

from relnotes.config import load as config
from relnotes.errors import RelnotesError

BASE = 'preset: keepachangelog\nproject: Demo\nrepository: "https://github.com/o/demo"\n'


def _changelog(category: str) -> str:
    return (f"# Changelog\n\n## [Unreleased]\n\n### Fixed\n\n- A bug.\n\n### {category}\n\n- Hostile.\n\n"
            "## [1.0.0] - 2026-01-01\n\n### Added\n\n- One.\n")


def _run(project, yaml: str, category: str, newline: str = ""):
    raw = yaml.encode("utf-8")
    (project.root / "relnotes.yaml").write_bytes(raw)
    project.write("CHANGELOG.md", _changelog(category))
    project.commit("init")
    cfg = config.from_text(yaml, project.root / "relnotes.yaml", project.root, use_cache=False)
    before = project.snapshot_tree()
    r = project.run("import", "notes", "CHANGELOG.md", "--add-sections")
    assert r.exit_code in (0, 2), r.output
    if r.exit_code == 2:
        assert project.snapshot_tree() == before
        assert "relnotes.yaml" in r.stderr, r.stderr
        return r, cfg, None
    text = project.read("relnotes.yaml")
    new = config.from_text(text, project.root / "relnotes.yaml", project.root, use_cache=False)
    return r, cfg, new


NAMES = ["Breaking: changes", "# hash", "it's", '"quoted"', "&anchor", "*alias", "!!python/object:os.system",
         "{x", "x}", "A" * 300, "Fіxed", "FIXED", "a\u2028b", "a\u0085b", "back\\slash", "- dash", "? q",
         "%pct", "@at", "`tick", "[x]", "tab\tin", "\u00a0nbsp", "a\ufeffb", "Ünïcode", "<b>bold</b>",
         "x: {y: z}", "|", ">", "null", "true", "123"]


@pytest.mark.parametrize("style", ["flow", "block", "none"])
@pytest.mark.parametrize("name", NAMES)
def test_a_hostile_category_name(project, name, style):
    head = {"flow": "sections: [Added, Fixed]\n", "block": "sections:\n  - Added\n  - Fixed\n", "none": ""}[style]
    r, cfg, new = _run(project, BASE + head, name)
    if new is None:
        return
    added = new.sections[len(cfg.sections):]
    assert new.sections[:len(cfg.sections)] == cfg.sections
    assert all(a.casefold() not in {s.casefold() for s in cfg.sections} for a in added)
    assert project.run("check").exit_code == 0


@pytest.mark.parametrize("yaml", [
    BASE.replace("\n", "\r\n") + "sections: [Added, Fixed]\r\n",
    BASE.replace("\n", "\r\n") + "sections:\r\n  - Added\r\n  - Fixed\r\n",
    "\ufeffsections: [Added, Fixed]\n" + BASE,
    "\ufeffsections:\n- Added\n- Fixed\n" + BASE,
    BASE + "sections: [Added, Fixed]",
    BASE + "sections:\n  - Added\n  - Fixed",
    BASE + '"sections": [Added, Fixed]\n',
    BASE + "'sections' : [Added, Fixed]\n",
    BASE + "sections : [Added, Fixed]\n",
    BASE + "sections: [Added, Fixed]  # trailing ] comment\n",
    BASE + "sections: [\n  Added,\n  Fixed,\n]\n",
    BASE + "sections:\n  - Added\n  # a comment\n  - Fixed\n",
    BASE + "sections:\n  - Added\n\n  - Fixed\n",
    BASE + "sections: !!seq [Added, Fixed]\n",
    BASE + "sections:\n  - Added\n  - Fixed\n...\n",
    "---\n" + BASE + "sections: [Added, Fixed]\n",
    BASE + "# sections: [Nope]\nsections: [Added, Fixed]\n",
    BASE,
    BASE.rstrip("\n"),
    BASE + "\n\n\n",
    BASE + "template_sections: []\n",
    BASE.replace("\n", "\r\n") + "sections: [Added, Fixed]\n",  # mixed: the LF line is edited
])
def test_an_odd_relnotes_yaml(project, yaml):
    r, cfg, new = _run(project, yaml, "Breaking changes")
    if new is None:
        return
    assert new.sections == cfg.sections + ("Breaking changes",), project.read("relnotes.yaml")
    text = project.read("relnotes.yaml")
    if yaml.count("\n") == yaml.count("\r\n"):
        assert text.count("\n") == text.count("\r\n")  # the file's own line endings
    assert project.run("check").exit_code == 0


def test_crlf_relnotes_yaml_is_edited_in_its_own_line_endings(project):
    yaml = BASE.replace("\n", "\r\n") + "sections:\r\n  - Added\r\n  - Fixed\r\n"
    r, cfg, new = _run(project, yaml, "Breaking changes")
    assert new is not None, r.output
    assert project.read("relnotes.yaml") == yaml + '  - "Breaking changes"\r\n'


def test_a_refusal_names_a_line_of_the_users_file(project):
    """A name the configuration refuses: the message names the category, not a line of an
    edited text the user never saw."""
    r, cfg, new = _run(project, BASE, "# hash")
    assert new is None
    lines = len(BASE.splitlines())
    assert f"relnotes.yaml:{lines + 1}:" not in r.stderr, r.stderr
    assert "# hash" in r.stderr


def test_a_rerun_after_an_interrupted_add_sections(project):
    r, cfg, new = _run(project, BASE + "sections: [Added, Fixed]\n", "Breaking changes")
    assert new is not None
    again = project.run("import", "notes", "CHANGELOG.md", "--add-sections")
    assert again.exit_code in (0, 1, 2), again.output
    text = project.read("relnotes.yaml")
    assert text.count("Breaking changes") == 1


def test_pyproject_configuration_is_refused_with_the_fix(project):
    (project.root / "relnotes.yaml").unlink()
    project.write("pyproject.toml", '[tool.relnotes]\npreset = "keepachangelog"\nproject = "Demo"\n'
                  'repository = "https://github.com/o/demo"\n')
    project.write("CHANGELOG.md", _changelog("Breaking changes"))
    project.commit("init")
    before = project.snapshot_tree()
    r = project.run("import", "notes", "CHANGELOG.md", "--add-sections")
    assert r.exit_code == 2 and "pyproject.toml" in r.stderr, r.output
    assert project.snapshot_tree() == before


def test_with_sections_never_raises_anything_else(tmp_path):
    from relnotes.migrate import notes_sections
    for name in NAMES:
        path = tmp_path / "relnotes.yaml"
        path.write_text(BASE)
        cfg = config.from_text(BASE, path, tmp_path, use_cache=False)
        try:
            notes_sections.with_sections(cfg, notes_sections.missing(cfg, [name]) or ["X"])
        except RelnotesError as e:
            assert e.exit_code == 2


@pytest.mark.parametrize("section", ["Breaking: changes", "true", "&x", '"q"', "- dash", "123", "it's", "Ünïcode"])
def test_new_writes_a_section_whose_name_is_yaml_syntax_so_it_reads_back(project, section):
    import json
    project.write("relnotes.yaml", BASE + f"sections: [Added, {json.dumps(section)}]\n")
    project.write("CHANGELOG.md", "# Changelog\n\n## [Unreleased]\n")
    project.commit("init")
    r = project.run("new", "-s", section, "-m", "A change.")
    assert r.exit_code == 0, r.output
    assert project.run("check").exit_code == 0
    assert project.run("build").exit_code == 0
    assert f"### {section}\n\n- A change." in project.read("CHANGELOG.md")


@pytest.mark.parametrize("nth", [1, 2, 3])
def test_a_sigkilled_add_sections_import_then_a_rerun(project, nth):
    """Killed at each staged file: the next command finishes or undoes the whole change, so
    relnotes.yaml names the new section once or not at all, and build gives the file back."""
    yaml = BASE + "sections: [Added, Fixed]\n"
    project.write("relnotes.yaml", yaml)
    text = _changelog("Breaking changes")
    project.write("CHANGELOG.md", text)
    project.commit("init")
    status = killed_at_staging(project.root, ["import", "notes", "CHANGELOG.md", "--add-sections"], nth)
    assert status in (0, -9), status
    again = project.run("import", "notes", "CHANGELOG.md", "--add-sections")
    assert again.exit_code in (0, 1), again.output
    assert project.read("relnotes.yaml").count("Breaking changes") == 1
    assert project.run("build").exit_code == 0
    assert project.read("CHANGELOG.md") == text
    assert not list((project.root / "changes.d").glob("*.md"))


@pytest.mark.parametrize("inside", [True, False])
def test_a_symlinked_relnotes_yaml(project, tmp_path, inside):
    import os
    target = (project.root / "conf" / "relnotes.yaml") if inside else (tmp_path / "outside.yaml")
    target.parent.mkdir(exist_ok=True)
    target.write_text(BASE + "sections: [Added, Fixed]\n")
    (project.root / "relnotes.yaml").unlink(missing_ok=True)
    os.symlink(target, project.root / "relnotes.yaml")
    project.write("CHANGELOG.md", _changelog("Breaking changes"))
    project.commit("init")
    outside_before = target.read_bytes()
    r = project.run("import", "notes", "CHANGELOG.md", "--add-sections")
    assert r.exit_code in (0, 2), r.output
    if not inside:
        assert target.read_bytes() == outside_before  # never written through a link that leads out
