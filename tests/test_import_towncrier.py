"""relnotes import towncrier on real towncrier projects: attrs' setup (vendored, see
tests/data/towncrier/README.md) and a package laid out as the issue describes (mypkg)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from conftest import Project, git

from relnotes.config import load as config

ATTRS = Path(__file__).resolve().parent / "data" / "towncrier" / "attrs"


def _repo(tmp_path, name: str) -> Project:
    root = tmp_path / name
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    return Project(root)


@pytest.fixture
def attrs(git_env, tmp_path) -> Project:
    """attrs' towncrier project in a git repository whose origin is GitHub over ssh."""
    p = _repo(tmp_path, "attrs-checkout")
    shutil.copytree(ATTRS, p.root, dirs_exist_ok=True)
    p.git("remote", "add", "origin", "git@github.com:python-attrs/attrs.git")
    return p


def yaml_config(p: Project) -> config.Config:
    return config.load(p.root / "relnotes.yaml")


def test_attrs_migration_carries_over_what_has_a_home(attrs, md_snapshot):
    r = attrs.run("import", "towncrier")
    assert r.exit_code == 0, r.output
    cfg = yaml_config(attrs)
    assert cfg.project == "attrs"  # towncrier's name, not the directory (attrs-checkout)
    assert cfg.repository == "https://github.com/python-attrs/attrs"
    assert cfg.notes_file == "RELEASES.md"  # CHANGELOG.md keeps its linked headings (relnotes cannot read them yet)
    assert (attrs.root / "RELEASES.md").is_file() and attrs.run("check").exit_code == 0
    assert cfg.sections == ("Backwards-incompatible Changes", "Deprecations", "Changes")  # towncrier's order
    assert "wrote 5 fragment(s) from 5 towncrier fragment(s)" in r.stdout  # the template is not a fragment
    assert md_snapshot == r.stdout


def test_attrs_summary_names_what_is_not_carried_over(attrs):
    r = attrs.run("import", "towncrier", "--dry-run")
    assert r.exit_code == 0, r.output
    out = r.stdout
    assert "current version: 26.1.0 (from the newest heading of CHANGELOG.md)" in out
    assert "repository: https://github.com/python-attrs/attrs (from the git remote 'origin')" in out
    for key in ("template", "title_format", "start_string", "underlines"):
        assert f"  {key} = " in out and "not carried over, because" in out.split(f"  {key} = ")[1].split("\n")[0]
    assert "the release headings of CHANGELOG.md:23" in out
    assert "links.issue: {repository}/issues/{number} (from issue_format)" in out
    assert not (attrs.root / "relnotes.yaml").exists() and not (attrs.root / "changes.d").exists()


def test_attrs_build_renders_in_towncrier_order_with_attrs_links(attrs):
    assert attrs.run("import", "towncrier").exit_code == 0
    draft = attrs.run("build", "--draft").stdout
    breaking = draft.index("### Backwards-incompatible Changes")
    assert breaking < draft.index("### Deprecations") < draft.index("### Changes")
    assert "Field aliases are now resolved *before*" in draft[breaking:draft.index("### Deprecations")]
    assert "[#1564](https://github.com/python-attrs/attrs/issues/1564)" in draft
    assert "wasmtime" not in draft


def test_to_pyproject_keeps_every_byte_and_is_the_configuration(attrs):
    before = (attrs.root / "pyproject.toml").read_bytes()
    r = attrs.run("import", "towncrier", "--to", "pyproject")
    assert r.exit_code == 0, r.output
    after = (attrs.root / "pyproject.toml").read_bytes()
    assert after.startswith(before) and b"\n[tool.relnotes]\n" in after[len(before):]
    assert not (attrs.root / "relnotes.yaml").exists()
    cfg = config.load(start=attrs.root)
    assert cfg.path.name == "pyproject.toml" and cfg.project == "attrs" and cfg.sections[0] == "Backwards-incompatible Changes"
    assert tomllib.loads(after.decode())["tool"]["towncrier"] == tomllib.loads(before.decode())["tool"]["towncrier"]


def test_existing_configuration_is_kept_unless_forced(attrs):
    assert attrs.run("import", "towncrier", "--to", "pyproject").exit_code == 0
    shutil.rmtree(attrs.root / "changes.d")
    first = (attrs.root / "pyproject.toml").read_bytes()
    r = attrs.run("import", "towncrier", "--to", "pyproject", "--dry-run")
    assert r.exit_code == 0, r.output
    assert "(pyproject.toml was kept; --force replaces it)" not in r.stdout  # a dry run only proposes
    r = attrs.run("import", "towncrier", "--to", "pyproject")
    assert r.exit_code == 0, r.output
    assert "pyproject.toml was kept; --force replaces it" in r.stdout
    assert (attrs.root / "pyproject.toml").read_bytes() == first
    shutil.rmtree(attrs.root / "changes.d")
    (attrs.root / "pyproject.toml").write_bytes(first + b"\n[tool.mypy]\nstrict = true\n")
    r = attrs.run("import", "towncrier", "--to", "pyproject", "--force", "--repository", "https://example.org/a/b")
    assert r.exit_code == 0, r.output
    text = (attrs.root / "pyproject.toml").read_text()
    assert text.count("[tool.relnotes]") == 1 and text.count("# proposed by 'relnotes import towncrier'") == 1
    assert text.endswith("[tool.mypy]\nstrict = true\n")
    assert config.load(start=attrs.root).repository == "https://example.org/a/b"


def test_pyproject_target_refused_while_relnotes_yaml_exists(attrs):
    attrs.write("relnotes.yaml", "project: Mine\nsections: [Changes]\ntemplate_sections: []\n")
    before = attrs.snapshot_tree()
    r = attrs.run("import", "towncrier", "--to", "pyproject", "--force")
    assert r.exit_code == 2 and "relnotes.yaml exists and would still be read" in r.stderr
    assert attrs.snapshot_tree() == before


def test_yaml_is_not_overwritten_without_force(attrs):
    attrs.write("relnotes.yaml", "project: Mine\nsections: [Changed, Deprecated]\ntemplate_sections: []\n")
    r = attrs.run("import", "towncrier", "--map", "breaking=Changed", "--map", "change=Changed")
    assert r.exit_code == 0, r.output
    assert attrs.read("relnotes.yaml") == "project: Mine\nsections: [Changed, Deprecated]\ntemplate_sections: []\n"
    assert "relnotes.yaml was kept; --force replaces it" in r.stdout
    assert 'sections: ["Changed", "Deprecations"]' in r.stdout  # --map shapes the proposal too
    shutil.rmtree(attrs.root / "changes.d")
    r = attrs.run("import", "towncrier", "--force")
    assert r.exit_code == 0, r.output
    assert yaml_config(attrs).project == "attrs"


def test_forced_replacement_refused_when_keys_live_elsewhere(attrs):
    attrs.write("pyproject.toml", attrs.read("pyproject.toml") + '\n[tool.relnotes]\nproject = "x"\n'
                '\n[tool.other]\na = 1\n\n[tool.relnotes.check]\nskip_labels = []\n')
    before = attrs.snapshot_tree()
    r = attrs.run("import", "towncrier", "--to", "pyproject", "--force")
    assert r.exit_code == 2 and "outside a [tool.relnotes] table" in r.stderr
    assert attrs.snapshot_tree() == before


# -- repository -------------------------------------------------------------------------------


def test_repository_flag_and_missing_remote(attrs):
    attrs.git("remote", "remove", "origin")
    r = attrs.run("import", "towncrier", "--dry-run")
    assert "repository: left out (no 'origin' remote with a web address)" in r.stdout
    assert "repository:" not in r.stdout.split("proposed relnotes.yaml:")[1]
    r = attrs.run("import", "towncrier", "--dry-run", "--repository", "https://gitlab.com/g/sub/attrs.git/")
    assert 'repository: "https://gitlab.com/g/sub/attrs"' in r.stdout
    r = attrs.run("import", "towncrier", "--repository", "--upload-pack=evil")
    assert r.exit_code == 2 and "--repository '--upload-pack=evil' must be the web address" in r.stderr
    r = attrs.run("import", "towncrier", "--repository", "https://me:tok@github.com/o/r")
    assert r.exit_code == 2 and "no user name or password" in r.stderr


def test_credentials_in_the_remote_never_reach_the_configuration(attrs):
    attrs.git("remote", "set-url", "origin", "https://user:s3cret@github.com/python-attrs/attrs.git")
    r = attrs.run("import", "towncrier")
    assert r.exit_code == 0, r.output
    assert "s3cret" not in r.output and "s3cret" not in attrs.read("relnotes.yaml")
    assert yaml_config(attrs).repository == "https://github.com/python-attrs/attrs"


# -- the package the issue describes ----------------------------------------------------------

MYPKG = """\
[project]
name = "mypkg-dist"
version = "1.2.0"

[tool.towncrier]
package = "mypkg"
package_dir = "src"
filename = "CHANGELOG.md"
directory = "newsfragments"
title_format = "## {version} ({project_date})"
issue_format = "[#{issue}](https://github.com/acme/mypkg/pull/{issue})"
orphan_prefix = "+"
wrap = true

[[tool.towncrier.type]]
directory = "breaking"
name = "Breaking Changes"
showcontent = true

[[tool.towncrier.type]]
directory = "feature"
name = "Features"
showcontent = true

[[tool.towncrier.type]]
directory = "bugfix"
name = "Bug Fixes"
showcontent = true

[[tool.towncrier.type]]
directory = "misc"
name = "Misc"
showcontent = false
"""


@pytest.fixture
def mypkg(git_env, tmp_path) -> Project:
    p = _repo(tmp_path, "checkout-dir")
    p.write("pyproject.toml", MYPKG)
    p.write("src/mypkg/__init__.py", '"""mypkg."""\n\n__version__ = "1.2.0"\n')
    p.write("CHANGELOG.md", "# Changelog\n\n## 1.1.0 (2026-01-05)\n\n### Features\n\n- Something.\n")
    p.write("newsfragments/12.feature.md", "Added `--fast`.\n")
    p.write("newsfragments/13.bugfix.md", "Fixed a crash.\n")
    p.write("newsfragments/14.breaking.md", "Dropped Python 3.9.\n")
    p.write("newsfragments/+orphan.misc", "")
    p.git("remote", "add", "origin", "https://github.com/acme/mypkg.git")
    return p


def test_mypkg_project_version_sections_and_links(mypkg):
    r = mypkg.run("import", "towncrier", "--numbers", "prs")
    assert r.exit_code == 0, r.output
    cfg = yaml_config(mypkg)
    assert cfg.project == "mypkg" and cfg.notes_file == "RELEASES.md"  # CHANGELOG.md's headings are foreign
    assert cfg.sections == ("Breaking Changes", "Features", "Bug Fixes", "Misc")
    assert cfg.repository == "https://github.com/acme/mypkg"
    assert cfg.link("pr", number=12) == "https://github.com/acme/mypkg/pull/12"
    assert "current version: 1.2.0 (from pyproject.toml [project] version)" in r.stdout
    assert cfg.version_files == (config.VersionFile("pyproject.toml", 'version = "{version}"'),)
    from relnotes.flows import versionfiles

    assert str(versionfiles.current(cfg)) == "1.2.0"
    for key in ("title_format", "orphan_prefix", "wrap"):
        assert f"  {key} = " in r.stdout
    assert "showcontent = false (misc: Misc): its entries list their references only" in r.stdout
    assert "+orphan.misc: an empty orphan fragment" in r.stderr
    assert "bump: major: Breaking Changes; minor: Features; patch: the others" in r.stdout
    assert [cfg.bump.level(s) for s in cfg.sections] == ["major", "minor", "patch", "patch"]
    draft = mypkg.run("build", "--draft").stdout
    assert draft.index("### Breaking Changes") < draft.index("### Features") < draft.index("### Bug Fixes")


def test_mypkg_version_from_the_package_then_towncrier_then_heading(mypkg):
    mypkg.write("pyproject.toml", MYPKG.replace('version = "1.2.0"', 'dynamic = ["version"]'))
    r = mypkg.run("import", "towncrier", "--dry-run")
    assert "current version: 1.2.0 (from __version__ in src/mypkg/__init__.py)" in r.stdout
    assert "version_files: [{path: \"src/mypkg/__init__.py\", pattern: \"__version__ = \\\"{version}\\\"\"}]" in r.stdout
    (mypkg.root / "src/mypkg/__init__.py").write_text("from importlib.metadata import version\n")
    mypkg.write("towncrier.toml", MYPKG.split("[project]")[1].split("\n", 3)[3].replace(
        "[tool.towncrier]\n", '[tool.towncrier]\nversion = "1.3.0rc1"\n'))
    r = mypkg.run("import", "towncrier", "--dry-run")
    assert "current version: 1.3.0rc1 (from version in towncrier.toml)" in r.stdout
    assert "version_files" not in r.stdout.split("proposed relnotes.yaml:")[1]
    (mypkg.root / "towncrier.toml").unlink()
    r = mypkg.run("import", "towncrier", "--dry-run")
    assert "current version: 1.1.0 (from the newest heading of CHANGELOG.md)" in r.stdout


def test_rst_changelog_is_not_carried_over(mypkg):
    mypkg.write("pyproject.toml", MYPKG.replace('filename = "CHANGELOG.md"', 'filename = "NEWS.rst"'))
    r = mypkg.run("import", "towncrier", "--dry-run")
    assert "filename = 'NEWS.rst': not carried over, because relnotes writes Markdown" in r.stdout
    assert "notes_file" not in r.stdout.split("proposed relnotes.yaml:")[1]


def test_map_merges_types_into_one_section(mypkg):
    r = mypkg.run("import", "towncrier", "--map", "misc=Bug Fixes", "--map", "breaking=Removed")
    assert r.exit_code == 0, r.output
    assert yaml_config(mypkg).sections == ("Removed", "Features", "Bug Fixes")


def test_subprocess_migration_to_pyproject(mypkg):
    r = subprocess.run([sys.executable, "-m", "relnotes", "import", "towncrier", "--to", "pyproject"],
                       cwd=mypkg.root, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "migration summary (from pyproject.toml [tool.towncrier]):" in r.stdout
    assert "the release headings of CHANGELOG.md:3 ('## 1.1.0 (2026-01-05)'): not carried over" in r.stdout
    r = subprocess.run([sys.executable, "-m", "relnotes", "new", "--section", "bug fixes", "--pr", "15", "-m", "Fixed."],
                       cwd=mypkg.root / "src", capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "section: Bug Fixes" in (mypkg.root / "src" / r.stdout.strip()).read_text()


PIP = Path(__file__).resolve().parent / "data" / "towncrier" / "pip"


@pytest.fixture
def pip_project(git_env, tmp_path) -> Project:
    """pip's towncrier project (vendored, see tests/data/towncrier/README.md), origin on GitHub."""
    p = _repo(tmp_path, "pip")
    shutil.copytree(PIP, p.root, dirs_exist_ok=True)
    (p.root / "towncrier-draft.txt").unlink()
    p.git("remote", "add", "origin", "https://github.com/pypa/pip.git")
    return p


def test_one_command_migrates_then_check_build_and_release_work(pip_project):
    p = pip_project
    r = p.run("import", "towncrier")
    assert r.exit_code == 0, r.output
    assert "wrote RELEASES.md (an unreleased 26.3.0 section for the imported entries)" in r.stdout
    assert "carried: 1 reference-only entry(ies) (showcontent = false), 5 name(s) that are no issue number" in r.stdout
    assert "note: NEWS.rst keeps the releases made with towncrier" in r.stdout
    assert r.stdout.rstrip().splitlines()[-1].startswith("next: 'relnotes check', then 'relnotes build --draft'")
    assert p.run("check").exit_code == 0
    draft = p.run("build", "--draft").stdout
    assert draft.startswith("## 26.3.0")
    assert "* [#14160](https://github.com/pypa/pip/issues/14160), [#14177](https://github.com/pypa/pip/issues/14177)" \
        in draft  # showcontent = false: the references only
    assert "* Upgrade certifi to 2026.7.22 (#certifi)" in draft  # a name that is no number, as issue_format shows it
    p.git("add", "-A")
    p.git("commit", "-qm", "relnotes")
    rel = p.run("release", "--date", "2026-12-08")
    assert rel.exit_code == 0, rel.output
    assert (p.root / "RELEASES.md").read_text().startswith("## 26.3.0\n\nReleased 2026-12-08.\n")
    assert not [f for f in (p.root / "changes.d").iterdir() if f.name.startswith("towncrier-")]


def test_bump_levels_follow_the_types_and_bump_changes_one_in_a_subprocess(pip_project):
    r = subprocess.run([sys.executable, "-m", "relnotes", "import", "towncrier", "--bump", "vendor=major",
                        "--bump", "feature=patch"], cwd=pip_project.root, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    cfg = yaml_config(pip_project)
    levels = {s: cfg.bump.level(s) for s in cfg.sections}
    assert levels["Deprecations and Removals"] == levels["Vendored Libraries"] == "major"
    assert levels["Features"] == levels["Bug Fixes"] == "patch"
    assert "wrote RELEASES.md (an unreleased 27.0.0 section" in r.stdout


@pytest.mark.parametrize(("option", "message"), [("nosuch=major", "'nosuch' is not a towncrier type here"),
                                                 ("doc=huge", "the level must be major, minor or patch"),
                                                 ("doc", "is not TYPE=LEVEL")])
def test_a_wrong_bump_is_a_usage_error_and_writes_nothing(pip_project, option, message):
    r = pip_project.run("import", "towncrier", "--bump", option)
    assert r.exit_code == 2 and message in r.output
    assert not (pip_project.root / "relnotes.yaml").exists() and not (pip_project.root / "changes.d").exists()
