"""One-branch projects (issue 28): identity from the project's own files, one command per
release, released sections without empty categories, ``show unreleased`` everywhere, and
the README's walkthrough run as written."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from conftest import ROOT, git

TINYCALC = '[project]\nname = "tinycalc"\nversion = "1.3.0"\n'


@pytest.fixture
def lib(project):
    """A small Python library, 1.3.0 tagged v1.3.0, without relnotes yet."""
    (project.root / "relnotes.yaml").unlink()
    (project.root / "changes.d" / ".gitkeep").unlink()
    (project.root / "changes.d").rmdir()
    project.write("pyproject.toml", TINYCALC)
    project.write("tinycalc/__init__.py", '"""tinycalc."""\n__version__ = "1.3.0"\n')
    project.commit("tinycalc 1.3.0")
    project.git("tag", "v1.3.0")
    return project


def ok(p, *args, code=0):
    r = p.run(*args)
    assert r.exit_code == code, (args, r.output)
    assert "Traceback" not in r.output
    return r.output


def _init(p, *args):
    out = ok(p, "init", "--no-ask", *args)
    p.commit("Set up relnotes")
    return out


# -- 2. identity from the project's own files ---------------------------------------------------


def test_init_reads_name_version_and_version_file_from_pyproject(lib):
    out = _init(lib)
    assert "found name 'tinycalc' from pyproject.toml [project]" in out
    assert "found version 1.3.0 from pyproject.toml [project]" in out
    text = lib.read("relnotes.yaml")
    assert "project: tinycalc\n" in text and 'base_version: "1.3.0"' in text
    # the package's __init__.py holds the same version: both files are configured (issue 28)
    assert ('version_files: [{path: pyproject.toml, pattern: "\\nversion = \\"{version}\\""}, '
            '{path: "tinycalc/__init__.py", pattern: "__version__ = \\"{version}\\""}]') in text
    assert "found the same version in tinycalc/__init__.py __version__ (a second version file)" in out
    notes = lib.read("RELEASES.md")
    assert notes.startswith("## Unreleased\n\nUnreleased.\n") and "0.1.0" not in notes
    assert "respective" not in notes and "ARCHIVE_START" not in notes  # no release branches to point to


@pytest.mark.parametrize("section, expected", [("Fixed", "1.3.1"), ("Added", "1.4.0")])
def test_next_after_init_counts_from_the_tagged_version(lib, section, expected):
    _init(lib)
    lib.fragment("a.md", section, "A change.")
    assert f"next version: {expected}" in ok(lib, "next")


def test_next_counts_from_base_version_without_a_tag(lib):
    lib.git("tag", "-d", "v1.3.0")
    _init(lib)
    lib.fragment("a.md", "Fixed", "A fix.")
    out = ok(lib, "next")
    assert "next version: 1.3.1" in out and "base_version" in out


def test_dynamic_version_comes_from_the_newest_version_tag(lib):
    lib.write("pyproject.toml", '[project]\nname = "tinycalc"\ndynamic = ["version"]\n')
    lib.commit("dynamic")
    lib.git("tag", "v0.9.0", "HEAD~1")  # an older tag does not win
    out = _init(lib)
    assert "found version 1.3.0 from the newest version tag v1.3.0" in out
    # the package's __version__ is where the version lives
    assert 'version_files: [{path: "tinycalc/__init__.py", pattern: "__version__ = \\"{version}\\""}]' \
        in lib.read("relnotes.yaml")


@pytest.mark.parametrize("name, text, found", [
    ("pyproject.toml", '[tool.poetry]\nname = "widget"\nversion = "2.1.0"\n\n[tool.poetry.dependencies]\n'
                       'requests = { version = "2.1.0" }\n', "version 2.1.0 from pyproject.toml [tool.poetry]"),
    ("Cargo.toml", '[package]\nname = "widget"\nversion = "2.1.0"\n\n[dependencies]\nserde = { version = "2.1.0" }\n',
     "version 2.1.0 from Cargo.toml [package]"),
    ("package.json", '{"name": "widget", "version": "2.1.0"}\n', "version 2.1.0 from package.json"),
    ("Cargo.toml", '[package]\nname = "widget"\nversion = "2.1.0"\n', "version 2.1.0 from Cargo.toml [package]"),
    ("Cargo.toml", '[workspace]\nmembers = ["a"]\n\n[workspace.package]\nversion = "2.1.0"\n',
     "version 2.1.0 from Cargo.toml [workspace.package]"),
])
def test_init_reads_package_json_and_cargo(project, name, text, found):
    (project.root / "relnotes.yaml").unlink()
    project.write(name, text)
    project.commit("project")
    out = _init(project)
    assert found in out
    assert 'base_version: "2.1.0"' in project.read("relnotes.yaml")
    project.fragment("a.md", "Added", "A feature.")
    assert "next version: 2.2.0" in ok(project, "next")
    ok(project, "release", "--commit")
    after = project.read(name)
    assert '"version": "2.2.0"' in after or '\nversion = "2.2.0"' in after
    assert after.count("2.1.0") == text.count("2.1.0") - 1  # a dependency's version is not the project's


def test_init_reads_a_packages_dunder_version(project):
    (project.root / "relnotes.yaml").unlink()
    project.write("src/widget/__init__.py", "__version__ = '0.4.2'\n")
    out = _init(project)
    assert "found version 0.4.2 from src/widget/__init__.py (__version__)" in out
    text = project.read("relnotes.yaml")
    assert "project: widget\n" in text and "version_files: [{path: \"src/widget/__init__.py\", pattern: " \
        "\"__version__ = '{version}'\"}]" in text  # its own quotes


def test_unreadable_pyproject_is_a_located_error(project):
    (project.root / "relnotes.yaml").unlink()
    project.write("pyproject.toml", '[project]\nname = "tinycalc\nversion = "1.3.0"\n')
    before = project.snapshot_tree()
    r = project.run("init", "--no-ask")
    assert r.exit_code == 2, r.output
    assert re.search(r"pyproject\.toml:2:\d+: invalid TOML", r.stderr) and "reads the project's name" in r.stderr
    assert project.snapshot_tree() == before


def test_keepachangelog_version_is_recorded(project):
    (project.root / "relnotes.yaml").unlink()
    _init(project, "--preset", "keepachangelog", "--version", "1.2.0")
    assert 'base_version: "1.2.0"' in project.read("relnotes.yaml")
    project.fragment("a.md", "Fixed", "A fix.")
    out = ok(project, "next")
    assert "next version: 1.2.1" in out and "0.1.0" not in out


# -- 1. one command per release -----------------------------------------------------------------


def test_three_releases_three_commands(lib, md_snapshot):
    _init(lib)
    made = []
    for day, (section, extra, text) in enumerate((("Added", (), "A `sqrt` function."), ("Fixed", (), "A fix."),
                                                  ("Removed", ("--breaking",), "The `calc` alias is gone.")), 1):
        ok(lib, "new", "-s", section, *extra, "-m", text)
        lib.commit(text)
        out = ok(lib, "release", "--tag", "--date", f"2026-12-0{day}")  # the one command
        made.append(re.search(r"tagged v(\S+)", out)[1])
    assert made == ["1.4.0", "1.4.1", "2.0.0"]
    assert lib.git("tag", "--list").split() == ["v1.3.0", "v1.4.0", "v1.4.1", "v2.0.0"]
    assert lib.git("status", "--porcelain") == ""
    assert 'version = "2.0.0"' in lib.read("pyproject.toml")
    notes = lib.read("RELEASES.md")
    assert [m for m in re.findall(r"^## (.+)$", notes, re.M)] == ["2.0.0", "1.4.1", "1.4.0"]
    assert "### Changed" not in notes and "Unreleased." not in notes
    assert lib.git("log", "-1", "--format=%s") == "Release tinycalc 2.0.0"
    assert "The `calc` alias is gone." in lib.git("tag", "-l", "--format=%(contents)", "v2.0.0")
    assert notes == md_snapshot


def test_init_asks_with_what_the_files_say_as_defaults(lib):
    r = lib.run("init", "--ask", input="\n" * 6)
    assert r.exit_code == 0, r.output
    for asked in ("Project name [tinycalc]:", "Current version (the next release counts from it) [1.3.0]:",
                  "Branching [1-2] [one-branch]:"):
        assert asked in r.output, asked
    assert 'base_version: "1.3.0"' in lib.read("relnotes.yaml")


def test_init_release_branches_with_a_found_version_opens_the_next_minor(lib):
    _init(lib, "--branching", "release-branches")
    assert lib.read("RELEASES.md").startswith("## 1.4.0\n\nUnreleased.\n")
    assert "respective" in lib.read("RELEASES.md") and "branching: release-branches" in lib.read("relnotes.yaml")


def test_release_version_flag_and_tag_refused_before_any_write(lib):
    _init(lib)
    lib.git("tag", "v1.5.0")
    lib.fragment("a.md", "Added", "A feature.")
    lib.commit("a")
    before = lib.snapshot_tree()
    r = lib.run("release", "--tag", "--version", "1.5.0")
    assert r.exit_code == 2 and "tag v1.5.0 already exists" in r.stderr
    assert lib.snapshot_tree() == before
    assert "tagged v1.6.0" in ok(lib, "release", "--tag", "--version", "1.6.0")


def test_release_without_commit_writes_and_leaves_the_commit(lib):
    _init(lib)
    lib.fragment("a.md", "Fixed", "A fix.")
    out = ok(lib, "release")
    assert "stamped 1.3.1" in out and "committed" not in out and "tagged" not in out
    assert not (lib.root / "changes.d" / "a.md").exists()


def test_release_with_nothing_pending_says_so(lib):
    _init(lib)
    r = lib.run("release")
    assert r.exit_code == 2 and "nothing to release" in r.stderr


def test_release_branch_project_never_exits_0_leaving_fragments(project):
    """wasmtime preset: a released top section and pending fragments is an error, not 'nothing changed'."""
    project.write("RELEASES.md", "## 1.0.0\n\nReleased 2026-01-20.\n\n### Fixed\n\n* A fix.\n\n" + "-" * 80 + "\n")
    project.fragment("b.md", "Fixed", "Another fix.")
    project.commit("notes")
    r = project.run("release")
    assert r.exit_code == 2 and "fragments are pending" in r.stderr and "relnotes patch" in r.stderr
    assert (project.root / "changes.d" / "b.md").exists()


def test_build_on_a_released_one_branch_project_points_to_release_not_cut(lib):
    _init(lib)
    lib.fragment("a.md", "Fixed", "A fix.")
    ok(lib, "release", "--commit")
    lib.fragment("b.md", "Fixed", "Another fix.")
    r = lib.run("build")
    assert r.exit_code == 2 and "relnotes release" in r.stderr and "cut" not in r.stderr


# -- 4. notes that fit the project --------------------------------------------------------------


@pytest.fixture
def fresh(git_env, tmp_path):
    """An empty repository with one commit."""
    from conftest import Project

    root = tmp_path / "demo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    git(root, "commit", "-q", "--allow-empty", "-m", "init")
    return Project(root)


def test_released_sections_drop_empty_categories(fresh):
    _init(fresh, "--version", "1.0.0")  # '## 1.0.0' with the template's empty Added and Changed
    assert "### Added\n\n### Changed\n" in fresh.read("RELEASES.md")
    fresh.fragment("a.md", "Fixed", "A fix.")
    ok(fresh, "release", "--commit", "--date", "2026-12-01")
    assert fresh.read("RELEASES.md") == ("## 1.0.0\n\nReleased 2026-12-01.\n\n### Fixed\n\n* A fix.\n\n"
                                         + "-" * 80 + "\n")


def test_wasmtime_preset_keeps_the_archive_text(project):
    (project.root / "relnotes.yaml").unlink()
    (project.root / "changes.d" / ".gitkeep").unlink()
    _init(project, "--preset", "wasmtime", "--version", "5.0.0", "--first-release", "2030-01-20")
    notes = project.read("RELEASES.md")
    assert "on the respective\nrelease branches" in notes and "<!-- ARCHIVE_START -->" in notes


@pytest.mark.parametrize("preset", ["plain", "wasmtime", "keepachangelog"])
def test_show_unreleased_under_every_preset(project, preset):
    (project.root / "relnotes.yaml").unlink()
    (project.root / "changes.d" / ".gitkeep").unlink()
    extra = ("--first-release", "2030-01-20") if preset == "wasmtime" else ()
    _init(project, "--preset", preset, "--version", "1.0.0", *extra)
    project.fragment("a.md", "Fixed", "A pending fix.")
    before = project.snapshot_tree()
    out = ok(project, "show", "unreleased")
    assert "### Fixed" in out and "A pending fix." in out
    assert project.snapshot_tree() == before  # nothing written, the fragment still pending


def test_show_unreleased_after_a_release(lib):
    _init(lib)
    lib.fragment("a.md", "Added", "A feature.")
    ok(lib, "release", "--commit")
    lib.fragment("b.md", "Fixed", "A later fix.")
    out = ok(lib, "show", "unreleased")
    # titled with the version 'release' would give it (1.4.0 + a fix), not "Unreleased"
    assert out.startswith("## 1.4.1\n") and "A later fix." in out and "A feature." not in out


def test_show_unreleased_keeps_unreleased_without_pending_changes(lib):
    _init(lib)
    lib.fragment("a.md", "Added", "A feature.")
    ok(lib, "release", "--commit")
    assert ok(lib, "show", "unreleased").startswith("## Unreleased\n")  # nothing pending: no version to compute


# -- 5. the README walkthrough, as written ------------------------------------------------------


def _walkthrough() -> list[tuple[str, list[str]]]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- onebranch -->\n```console\n", 1)[1].split("```\n<!-- /onebranch -->", 1)[0]
    steps: list[tuple[str, list[str]]] = []
    for line in block.splitlines():
        if line.startswith("$ "):
            steps.append((line[2:], []))
        else:
            steps[-1][1].append(line)
    return steps


def test_readme_walkthrough_runs_as_written(git_env, tmp_path):
    """Every command of the README's one-branch walkthrough, as a real process in a fresh
    repository; each prints exactly what the README shows (commit ids and dates aside)."""
    root = tmp_path / "tinycalc"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    (root / "pyproject.toml").write_text(TINYCALC)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "tinycalc 1.3.0")
    git(root, "tag", "v1.3.0")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
           "RELNOTES_NO_CACHE": "1"}
    today = date.today().isoformat()
    steps = _walkthrough()
    releases = [cmd for cmd, _ in steps if cmd.startswith("relnotes release")]
    assert releases == ["relnotes release --tag"] * 3  # three releases, three commands
    for cmd, shown in steps:
        proc = subprocess.run(["sh", "-c", cmd], cwd=root, capture_output=True, text=True, env=env, timeout=120)
        assert proc.returncode == 0, (cmd, proc.stdout, proc.stderr)
        got = re.sub(r"committed [0-9a-f]{12}", "committed <sha>", proc.stdout)
        want = "".join(line + "\n" for line in shown)
        want = re.sub(r"committed [0-9a-f]{12}", "committed <sha>", want).replace("2026-12-08", today)
        assert got == want, cmd
    assert git(root, "tag", "--list").split() == ["v1.3.0", "v1.4.0", "v1.4.1", "v2.0.0"]


# -- the readers are parsers of untrusted files: hypothesis -------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from relnotes.errors import RelnotesError  # noqa: E402
from relnotes.flows import identity, versionfiles  # noqa: E402
from relnotes.version import Version  # noqa: E402

_numbers = st.integers(min_value=0, max_value=10**6)


@settings(max_examples=60, deadline=None)
@given(v=st.tuples(_numbers, _numbers, _numbers), quote=st.sampled_from(['"', "'"]),
       before=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80))
def test_dunder_version_is_found_and_its_pattern_writes_it_back(tmp_path_factory, v, quote, before):
    root = tmp_path_factory.mktemp("pkg")
    version = Version(*v)
    text = before.replace("__version__", "_v_") + f"\n__version__ = {quote}{version}{quote}\n"
    (root / "pkg").mkdir()
    (root / "pkg" / "__init__.py").write_text(text, encoding="utf-8")
    found = identity.read(root)
    assert found.version == version and found.version_file is not None
    path, pattern = found.version_file
    m = versionfiles.pattern_regex(pattern).search((root / path).read_text(encoding="utf-8"))
    assert m is not None and Version.parse(m["version"]) == version


@settings(max_examples=60, deadline=None)
@given(name=st.sampled_from(["pyproject.toml", "package.json", "Cargo.toml"]),
       data=st.binary(max_size=300))
def test_any_project_file_gives_an_identity_or_a_located_error(tmp_path_factory, name, data):
    root = tmp_path_factory.mktemp("proj")
    (root / name).write_bytes(data)
    try:
        found = identity.read(root)
    except RelnotesError as e:
        assert e.exit_code == 2 and f"{name}:" in str(e)  # the file (and line, when it parses that far)
    else:
        assert found.version is None or isinstance(found.version, Version)


def test_bad_package_json_is_a_located_error(project):
    (project.root / "relnotes.yaml").unlink()
    project.write("package.json", '{\n  "name": "widget",\n  "version": 2.1.0\n}\n')
    r = project.run("init", "--no-ask")
    assert r.exit_code == 2 and r.stderr.startswith("error: package.json:3: not valid JSON")


def test_keepachangelog_with_a_found_version_releases_the_next_one(lib):
    """The version file says the current (released) 1.3.0: not the next release's version."""
    _init(lib, "--preset", "keepachangelog", "--repository", "https://github.com/acme/tinycalc")
    lib.fragment("a.md", "Fixed", "A fix.")
    lib.commit("fix")
    out = ok(lib, "release", "--tag", "--date", "2026-12-01")
    assert "stamped 1.3.1" in out and "tagged v1.3.1" in out
    assert "## [1.3.1] - 2026-12-01" in lib.read("CHANGELOG.md") and 'version = "1.3.1"' in lib.read("pyproject.toml")
