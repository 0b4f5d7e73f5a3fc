"""Monorepos (relnotes.config.projects): a three-package repository in a real git repo.

``cli`` is configured by a mapping in the root's ``projects:``, ``core`` by its own
``core/relnotes.yaml`` (listed by path), ``web`` by a mapping with its own branch and tag
patterns.  The root has no notes of its own unless a test gives it some.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from conftest import ROOT, Project, git
from hypothesis import given, settings
from hypothesis import strategies as st

from relnotes.config import projects

ROOT_CONFIG = """\
project: Mono
repository: https://github.com/example/mono
sections: [Added, Changed, Fixed]
projects:
  - {name: cli, path: cli, sections: [Added, Fixed], template_sections: [Added]}
  - core
  - name: web
    path: packages/web
    notes_file: CHANGELOG.md
    release_branch: "web-{version}"
    tag: "web-v{version}"
"""
NOTES = "## 0.1.0\n\nUnreleased.\n\n### Added\n\n### Fixed\n\n"


@pytest.fixture
def mono(git_env, tmp_path) -> Project:
    return make_mono(tmp_path / "mono")


def make_mono(root) -> Project:
    """A three-package repository (cli, core with its own relnotes.yaml, packages/web), committed."""
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    p = Project(root)
    p.write("relnotes.yaml", ROOT_CONFIG)
    p.write("core/relnotes.yaml", "project: Core library\nfragments_dir: notes.d\n")
    for notes, frags in (("cli/RELEASES.md", "cli/changes.d"), ("core/RELEASES.md", "core/notes.d"),
                         ("packages/web/CHANGELOG.md", "packages/web/changes.d")):
        p.write(notes, NOTES)
        p.write(f"{frags}/.gitkeep", "")
    for src in ("cli/src/main.py", "core/src/lib.py", "packages/web/app.js", "Makefile"):
        p.write(src, "0\n")
    p.commit("base")
    return p


def run_in(p: Project, where: str, *args: str, env: dict | None = None):
    """The CLI in-process from a subdirectory."""
    from typer.testing import CliRunner

    from relnotes.cli import app

    old = Path.cwd()
    os.chdir(p.root / where)
    try:
        return CliRunner().invoke(app, list(args), env=env, catch_exceptions=False)
    finally:
        os.chdir(old)


def fragment(p: Project, frags: str, name: str, section: str = "Added") -> None:
    p.write(f"{frags}/{name}", f"---\nsection: {section}\nprs: [1]\n---\nA change in {frags}.\n")


def pr(p: Project, *paths: str) -> None:
    """A branch ``pr`` off main that changes ``paths`` (fragments written beforehand)."""
    p.git("switch", "-q", "-c", "pr")
    for path in paths:
        p.write(path, "changed\n")
    p.commit("the pull request")


# -- the configuration --------------------------------------------------------------------


def test_packages_inherit_the_root_and_live_under_their_paths(mono):
    ws = projects.load(start=mono.root)
    assert [c.name for c in ws.projects] == ["cli", "core", "web"]  # the root has no notes
    cli, core, web = ws.packages
    assert (cli.notes_file, cli.fragments_dir, cli.sections) == ("cli/RELEASES.md", "cli/changes.d", ("Added", "Fixed"))
    assert (core.fragments_dir, core.project, core.sections) == ("core/notes.d", "Core library",
                                                               ("Added", "Changed", "Fixed"))
    assert core.repository == "https://github.com/example/mono"  # inherited
    assert (cli.release_branch, cli.tag) == ("cli-release-{version}", "cli-v{version}")  # made distinct
    assert (web.release_branch, web.tag, web.notes_file) == ("web-{version}", "web-v{version}",
                                                             "packages/web/CHANGELOG.md")
    assert web.links.archive == "{repository}/blob/{branch}/packages/web/CHANGELOG.md"
    assert ws.owner("cli/src/main.py") is cli and ws.owner("Makefile") is None


@pytest.mark.parametrize("entry, message", [
    ("{name: x, path: ../x}", "points outside the repository"),
    ("{name: x, path: /etc}", "points outside the repository"),
    ("{name: x, path: sub/.git}", "points into the git directory"),
    ("{name: 'a b', path: x}", "must be a project name"),
    ("{name: root, path: x}", "the name 'root' is the repository root's"),
    # one crash record on macOS and Windows (.git/relnotes-cut-root and -Root), as 'cli' and 'CLI'
    ("{name: Root, path: x}", "the name 'Root' is the repository root's ('root'"),
    ("{name: cli, path: other}", "two projects are named 'cli'"),
    ("{name: CLI, path: other}", "two projects are named 'cli' and 'CLI' (names that differ only in case)"),
    ("{name: x, path: CLI}", "have paths that differ only in case ('CLI', 'cli'"),
    ("{name: x, path: x, tag: 'CLI-v{version}'}", "can make the same tag"),
    ("{name: x, path: cli/changes.d/deep}", "overlaps that of"),
    ("{name: x, path: x, tag: 'cli-v{version}'}", "can make the same tag"),
    ("{name: x, path: x, release_branch: 'web-{version}'}", "can make the same release branch"),
    ("{name: x}", "has no 'path'"),
])
def test_bad_projects_are_refused_with_exit_2(mono, entry, message):
    mono.write("relnotes.yaml", ROOT_CONFIG + f"  - {entry}\n")
    before = mono.snapshot_tree()
    for args in (["check"], ["new", "--project", "cli", "-s", "Added", "-m", "x"]):
        r = mono.run(*args)
        assert r.exit_code == 2, r.output
        assert message in r.stderr and "Traceback" not in r.output
    assert mono.snapshot_tree() == before


@pytest.mark.parametrize("entry", [
    "{name: cli, path: other}",
    "{name: CLI, path: other}",
    "{name: x, path: CLI}",
    "{name: x, path: cli/changes.d/deep}",
    "{name: x, path: x, tag: 'cli-v{version}'}",
    "{name: x, path: x, release_branch: 'web-{version}'}",
])
def test_a_collision_between_projects_names_the_line_of_the_later_entry(mono, entry):
    """Judged after loading, yet located: the entry that collides is on line 12."""
    mono.write("relnotes.yaml", ROOT_CONFIG + f"  - {entry}\n")
    r = mono.run("check")
    assert r.exit_code == 2 and r.stderr.startswith("error: relnotes.yaml:12: "), r.stderr


def test_a_collision_between_earlier_entries_names_the_second_ones_line(mono):
    mono.write("relnotes.yaml", ROOT_CONFIG.replace("  - core\n", "  - core\n  - {name: core, path: other}\n"))
    r = mono.run("check")
    assert r.exit_code == 2 and r.stderr.startswith("error: relnotes.yaml:7: two projects are named 'core'"), r.stderr


@pytest.mark.parametrize("later", ["projects: {a: 1}\n", "projects: [\n", "", "- a\n"])
def test_a_collision_is_reported_whatever_the_file_became_since_it_was_loaded(mono, monkeypatch, later):
    """The line is looked up by reading the file again: a file rewritten in between (an
    editor saving, a checkout) costs the line, never the message or a traceback."""
    mono.write("relnotes.yaml", ROOT_CONFIG + "  - {name: cli, path: other}\n")
    check_apart = projects._check_apart

    def rewritten_first(ws, where, path=None):
        (mono.root / "relnotes.yaml").write_text(later)
        return check_apart(ws, where, path)

    monkeypatch.setattr(projects, "_check_apart", rewritten_first)
    r = mono.run("check")
    assert r.exit_code == 2 and r.stderr.startswith("error: relnotes.yaml: two projects are named 'cli'"), r.stderr


def test_a_package_directory_symlinked_outside_is_refused(mono, tmp_path):
    outside = tmp_path / "outside"
    (outside / "changes.d").mkdir(parents=True)
    (outside / "RELEASES.md").write_text(NOTES)
    os.symlink(outside, mono.root / "evil")
    mono.write("relnotes.yaml", ROOT_CONFIG + "  - {name: evil, path: evil}\n")
    for args in (["check"], ["new", "--project", "evil", "-s", "Added", "-m", "x"], ["init", "--path", "evil"]):
        r = mono.run(*args)
        assert r.exit_code == 2, r.output
        what = "package directory" if args[0] == "init" else "project directory of projects[3]"
        assert f"evil: {what} resolves outside the repository" in r.stderr
    assert sorted(p.name for p in outside.rglob("*")) == ["RELEASES.md", "changes.d"]


def test_a_package_configuration_the_root_does_not_list_is_refused(mono):
    mono.write("tools/relnotes.yaml", "project: Tools\n")
    r = run_in(mono, "tools", "new", "-s", "Added", "-m", "x")
    assert r.exit_code == 2
    assert "does not list 'tools' under projects:" in r.stderr and "init --path tools" in r.stderr


def test_a_package_may_not_set_a_key_in_both_places(mono):
    mono.write("relnotes.yaml", ROOT_CONFIG.replace("  - core\n", "  - {path: core, fragments_dir: x}\n"))
    r = mono.run("check")
    assert r.exit_code == 2 and "'fragments_dir' is set both here and in projects[1]" in r.stderr


def test_a_package_file_is_validated_with_its_own_line_numbers(mono):
    mono.write("core/relnotes.yaml", "project: Core\nprojects: []\n")
    r = mono.run("check")
    assert r.exit_code == 2 and "core/relnotes.yaml:2:1: unknown key 'projects'" in r.stderr


# -- choosing the project -----------------------------------------------------------------


def test_project_option_env_and_working_directory_choose_the_project(mono):
    assert mono.run("new", "--project", "cli", "-s", "Added", "-m", "Per command.").stdout.strip() \
        == "cli/changes.d/per-command.md"
    assert mono.run("--project", "web", "new", "-s", "Added", "-m", "Root option.").stdout.strip() \
        == "packages/web/changes.d/root-option.md"
    r = mono.run("new", "-s", "Fixed", "-m", "From env.", env={"RELNOTES_PROJECT": "core"})
    assert r.stdout.strip() == "core/notes.d/from-env.md"
    r = run_in(mono, "core/src", "new", "-s", "Fixed", "-m", "From cwd.")
    assert r.exit_code == 0, r.output
    assert (mono.root / "core/notes.d/from-cwd.md").is_file()
    # the option wins over the working directory
    r = run_in(mono, "core/src", "new", "--project", "cli", "-s", "Fixed", "-m", "Option wins.")
    assert (mono.root / "cli/changes.d/option-wins.md").is_file(), r.output
    # sections are the package's: cli has no Changed
    r = mono.run("new", "--project", "cli", "-s", "Changed", "-m", "x")
    assert r.exit_code != 0 and "Added, Fixed" in r.output


def test_several_projects_and_none_chosen_is_exit_2_listing_them(mono):
    before = mono.snapshot_tree()
    for args in (["new", "-s", "Added", "-m", "x"], ["build"], ["show"]):
        r = mono.run(*args)
        assert r.exit_code == 2, r.output
        assert "several projects" in r.stderr and "cli, core, web" in r.stderr
    r = mono.run("new", "--project", "nope", "-s", "Added", "-m", "x")
    assert r.exit_code == 2 and "no such project" in r.stderr and "projects: cli, core, web" in r.stderr
    r = mono.run("show", "--project", "root")
    assert r.exit_code == 2 and "root has no notes of its own" in r.stderr
    assert mono.snapshot_tree() == before


def test_a_single_project_refuses_project(project):
    project.write("RELEASES.md", NOTES)
    r = project.run("check", "--project", "cli")
    assert r.exit_code == 2 and "has one project" in r.stderr


def test_build_and_show_work_on_one_package(mono):
    fragment(mono, "cli/changes.d", "a.md")
    fragment(mono, "core/notes.d", "b.md", "Fixed")
    r = mono.run("build", "--project", "cli")
    assert r.exit_code == 0, r.output
    assert "A change in cli/changes.d." in mono.read("cli/RELEASES.md")
    assert mono.read("core/RELEASES.md") == NOTES and (mono.root / "core/notes.d/b.md").exists()
    assert not (mono.root / "cli/changes.d/a.md").exists()
    r = run_in(mono, "core", "show", "--format", "json")  # core's notes (and its pending fragment)
    assert r.exit_code == 0, r.output
    assert '"tag": "core-v0.1.0"' in r.stdout and "A change in cli/changes.d." not in r.stdout
    r = mono.run("show", "--project", "cli")
    assert "A change in cli/changes.d." in r.stdout and "core/notes.d" not in r.stdout


def test_check_lints_every_project_unless_one_is_named(mono):
    mono.write("core/notes.d/bad.md", "---\nsection: Nope\n---\nx\n")
    fragment(mono, "cli/changes.d", "ok.md")
    r = mono.run("check")
    assert r.exit_code == 1 and "core/notes.d/bad.md" in r.stderr
    r = mono.run("check", "--project", "cli")
    assert r.exit_code == 0, r.output
    assert "ok: 1 fragment(s) valid" in r.stdout


def test_cut_on_a_package_makes_its_own_branch(mono):
    fragment(mono, "packages/web/changes.d", "w.md")
    mono.commit("web fragment")
    r = mono.run("cut", "--project", "web", "--version", "0.2.0", "--commit")
    assert r.exit_code == 0, r.output
    assert "created branch web-0.1.0" in r.stdout
    assert "web-0.1.0" in mono.git("branch", "--list", "web-0.1.0")
    assert mono.read("packages/web/CHANGELOG.md").startswith("## 0.2.0")
    assert mono.read("cli/RELEASES.md") == NOTES  # the other packages are untouched


def test_an_interrupted_package_cut_is_neither_resumed_nor_erased_by_another_packages(mono):
    """Each project keeps its own crash record (.git/relnotes-cut-NAME)."""
    fragment(mono, "packages/web/changes.d", "w.md")
    fragment(mono, "cli/changes.d", "c.md")
    mono.commit("fragments")
    hook = mono.root / ".git/hooks/pre-commit"
    hook.parent.mkdir(parents=True, exist_ok=True)
    hook.write_text("#!/bin/sh\nexit 1\n")
    hook.chmod(0o755)
    r = mono.run("cut", "--project", "web", "--version", "0.2.0", "--commit")
    assert r.exit_code == 2 and "nothing was committed" in r.stderr, r.output
    assert (mono.root / ".git/relnotes-cut-web").read_text() == "web-0.1.0\n"
    # the other package's cut sees web's uncommitted writes: refused, web's record kept
    r = mono.run("cut", "--project", "cli", "--version", "0.2.0", "--commit")
    assert r.exit_code == 2 and "uncommitted changes" in r.stderr, r.output
    assert (mono.root / ".git/relnotes-cut-web").is_file()
    hook.unlink()
    r = mono.run("cut", "--project", "web", "--version", "0.2.0", "--commit")
    assert r.exit_code == 0, r.output
    assert mono.read("packages/web/CHANGELOG.md").startswith("## 0.2.0")
    assert mono.git("status", "--porcelain") == ""
    assert not (mono.root / ".git/relnotes-cut-web").exists()
    r = mono.run("cut", "--project", "cli", "--version", "0.2.0", "--commit")
    assert r.exit_code == 0, r.output
    assert "cli-release-0.1.0" in mono.git("branch", "--list", "cli-release-0.1.0")


@pytest.mark.parametrize("name, notes, frags, branch", [
    ("web", "packages/web/CHANGELOG.md", "packages/web/changes.d", "web-0.1.0"),
    ("root", "RELEASES.md", "changes.d", "release-0.1.0"),
])
def test_a_cut_interrupted_before_the_upgrade_is_resumed_from_its_old_record(mono, name, notes, frags, branch):
    """The previous version recorded every project's interrupted cut in .git/relnotes-cut:
    the project whose release branch it names resumes it (and no other project takes it)."""
    if name == "root":
        mono.write("RELEASES.md", NOTES)
    fragment(mono, frags, "w.md")
    mono.commit("fragments")
    hook = mono.root / ".git/hooks/pre-commit"
    hook.parent.mkdir(parents=True, exist_ok=True)
    hook.write_text("#!/bin/sh\nexit 1\n")
    hook.chmod(0o755)
    r = mono.run("cut", "--project", name, "--version", "0.2.0", "--commit")
    assert r.exit_code == 2 and "nothing was committed" in r.stderr, r.output
    (mono.root / f".git/relnotes-cut-{name}").rename(mono.root / ".git/relnotes-cut")  # as the old version left it
    hook.unlink()
    r = mono.run("cut", "--project", "cli", "--version", "0.2.0", "--commit")
    assert r.exit_code == 2 and "uncommitted changes" in r.stderr, r.output
    assert (mono.root / ".git/relnotes-cut").read_text() == branch + "\n"  # not cli's: kept
    r = mono.run("cut", "--project", name, "--version", "0.2.0", "--commit")
    assert r.exit_code == 0, r.output
    assert mono.read(notes).startswith("## 0.2.0") and not (mono.root / frags / "w.md").exists()
    assert mono.git("status", "--porcelain") == ""
    assert not (mono.root / ".git/relnotes-cut").exists() and not (mono.root / f".git/relnotes-cut-{name}").exists()
    assert branch in mono.git("branch", "--list", branch)


# -- check --base -------------------------------------------------------------------------


def test_check_base_requires_a_fragment_per_touched_project(mono):
    pr(mono, "cli/src/main.py", "core/src/lib.py")
    r = mono.run("check", "--base", "main")
    assert r.exit_code == 1
    assert "cli/src/main.py (project cli) but adds no fragment to cli/changes.d/" in r.stderr
    assert "core/src/lib.py (project core) but adds no fragment to core/notes.d/" in r.stderr
    assert "relnotes new --project core" in r.stderr and "web" not in r.stderr


def test_a_change_to_b_only_does_not_fail_a(mono):
    fragment(mono, "core/notes.d", "c.md")
    pr(mono, "core/src/lib.py")
    assert mono.run("check", "--base", "main").exit_code == 0
    assert mono.run("check", "--base", "main", "--project", "cli").exit_code == 0
    r = mono.run("check", "--base", "main", "--format", "json")
    assert json.loads(r.stdout)["fragments_changed"] == ["core/notes.d/c.md"]


def test_a_fragment_in_another_project_does_not_count(mono):
    fragment(mono, "core/notes.d", "c.md")
    mono.write("changes.d/root.md", "---\nsection: Added\n---\nRoot fragment.\n")
    pr(mono, "cli/src/main.py")
    r = mono.run("check", "--base", "main")
    assert r.exit_code == 1 and "(project cli)" in r.stderr and "(project core)" not in r.stderr


def test_package_exempt_paths_are_relative_to_the_package(mono):
    mono.write("core/relnotes.yaml", "project: Core\nfragments_dir: notes.d\ncheck: {exempt_paths: ['src/**']}\n")
    mono.commit("exempt core sources")
    pr(mono, "core/src/lib.py")
    assert mono.run("check", "--base", "main").exit_code == 0


def test_root_files_follow_the_root_rules(mono):
    pr(mono, "Makefile", "docs/guide.md")
    r = mono.run("check", "--base", "main")
    assert r.exit_code == 1
    assert "Makefile, which belongs to no project" in r.stderr and "guide.md" not in r.stderr
    # a fragment for any project describes a change to shared files
    fragment(mono, "cli/changes.d", "shared.md")
    mono.commit("describe it")
    assert mono.run("check", "--base", "main").exit_code == 0
    # with notes of its own, the root is a project: root files need a root fragment
    mono.git("switch", "-q", "main")
    mono.write("RELEASES.md", NOTES)
    mono.write("changes.d/.gitkeep", "")
    mono.commit("root notes")
    mono.git("switch", "-q", "-c", "pr2")
    mono.write("Makefile", "again\n")
    mono.commit("root change")
    r = mono.run("check", "--base", "main")
    assert r.exit_code == 1 and "Makefile (project root) but adds no fragment to changes.d/" in r.stderr


def test_skip_label_covers_every_project(mono):
    pr(mono, "cli/src/main.py", "core/src/lib.py")
    assert mono.run("check", "--base", "main", "--label", "no-release-notes").exit_code == 0


def test_a_single_project_keeps_its_message(project):
    project.write("RELEASES.md", NOTES)
    project.commit("base")
    project.git("switch", "-q", "-c", "pr")
    project.write("src/x.py", "1\n")
    project.commit("change")
    r = project.run("check", "--base", "main")
    assert r.exit_code == 1
    assert "this change touches src/x.py but adds no fragment to changes.d/. Add one with: relnotes new --section" \
        in r.stderr


def test_check_base_as_a_real_subprocess(mono):
    pr(mono, "core/src/lib.py")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    r = subprocess.run([sys.executable, "-m", "relnotes", "check", "--base", "main"], cwd=mono.root,
                       capture_output=True, text=True, env=env)
    assert r.returncode == 1 and "(project core)" in r.stderr, r.stderr
    r = subprocess.run([sys.executable, "-m", "relnotes", "--project", "cli", "check", "--base", "main"],
                       cwd=mono.root, capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr


# -- init ---------------------------------------------------------------------------------


@pytest.fixture
def empty(git_env, tmp_path) -> Project:
    root = tmp_path / "repo"
    (root / "core").mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    return Project(root)


def test_init_in_a_subdirectory_does_not_write_the_root(empty):
    r = run_in(empty, "core", "init")
    assert r.exit_code == 2
    assert "not at the repository root" in r.stderr and "init --path ." in r.stderr
    assert empty.snapshot_tree() == {}
    assert empty.run("init", "--project", "Mono").exit_code == 0
    before = empty.snapshot_tree()
    r = run_in(empty, "core", "init")
    assert r.exit_code == 2 and "already configures the repository" in r.stderr
    assert empty.snapshot_tree() == before


def test_init_path_scaffolds_packages(empty):
    r = run_in(empty, "core", "init", "--path", ".")  # no root configuration yet: one is made
    assert r.exit_code == 0, r.output
    assert "created relnotes.yaml" in r.stdout and "created core/relnotes.yaml" in r.stdout
    assert "created core/changes.d/" in r.stdout and "created core/RELEASES.md" in r.stdout
    assert not (empty.root / "RELEASES.md").exists()
    r = empty.run("init", "--path", "packages/web/", "--project", "webapp")
    assert r.exit_code == 0, r.output
    assert "listed packages/web under projects:" in r.stdout
    text = empty.read("relnotes.yaml")
    assert "projects:" in text and "core" in text and "packages/web" in text
    assert empty.read("packages/web/relnotes.yaml").endswith('name: "webapp"\nproject: "webapp"\n')
    ws = projects.load(start=empty.root)
    assert [p.name for p in ws.projects] == ["core", "webapp"]
    assert (empty.root / "packages/web/RELEASES.md").is_file()
    # inside a package, init completes it and keeps what exists
    (empty.root / "core/RELEASES.md").unlink()
    r = run_in(empty, "core", "init")
    assert r.exit_code == 0 and "created core/RELEASES.md" in r.stdout and "kept existing core/changes.d/" in r.stdout
    # again: nothing new, the root's list unchanged
    before = empty.snapshot_tree()
    assert empty.run("init", "--path", "core").exit_code == 0
    assert empty.snapshot_tree() == before
    # the packages work
    assert empty.run("new", "--project", "webapp", "-s", "Added", "-m", "x").exit_code == 0
    assert empty.run("check").exit_code == 0


def test_init_path_extends_an_existing_list_keeping_comments(mono):
    mono.write("relnotes.yaml", "# top comment\n" + ROOT_CONFIG)
    r = mono.run("init", "--path", "tools")
    assert r.exit_code == 0, r.output
    text = mono.read("relnotes.yaml")
    assert text.startswith("# top comment\n") and "tools" in text and "web-v{version}" in text
    assert [p.name for p in projects.load(start=mono.root).packages] == ["cli", "core", "web", "tools"]


@pytest.mark.parametrize("path, message", [("../elsewhere", "outside the repository"),
                                           (".git/x", "points into the git directory")])
def test_init_path_outside_is_refused(empty, path, message):
    empty.run("init")
    before = empty.snapshot_tree()
    r = empty.run("init", "--path", path)
    assert r.exit_code == 2 and message in r.stderr, r.output
    assert empty.snapshot_tree() == before


def test_init_path_refuses_a_colliding_package_before_writing(mono):
    mono.write("relnotes.yaml", ROOT_CONFIG)
    before = mono.snapshot_tree()
    r = mono.run("init", "--path", "x/cli")  # a second package named cli
    assert r.exit_code == 2 and "two projects are named 'cli'" in r.stderr
    assert mono.snapshot_tree() == before


# -- properties ---------------------------------------------------------------------------

NAMES = st.from_regex(r"[a-z][a-z0-9]{0,7}", fullmatch=True)
PARTS = st.sampled_from(["a", "b", "ab"])  # few names, so packages nest and prefixes mislead


@settings(max_examples=200, deadline=None)
@given(NAMES, NAMES, st.sampled_from(["v{version}", "release-{version}", "{version}", "{version}-final"]))
def test_derived_patterns_collide_only_for_the_same_name(a, b, pattern):
    assert projects.patterns_collide(f"{a}-{pattern}", f"{b}-{pattern}") == (a == b)


def test_patterns_that_differ_only_in_case_collide():
    """One loose ref file on a case-insensitive filesystem (macOS, Windows)."""
    assert projects.patterns_collide("CLI-v{version}", "cli-v{version}")
    assert projects.patterns_collide("Release-{version}", "release-v{version}")
    assert not projects.patterns_collide("cli-v{version}", "core-v{version}")
    # one letter to one letter, as those filesystems fold: 'ß' is not 'ss' there
    assert not projects.patterns_collide("straße-v{version}", "strasse-v{version}")


def test_names_in_different_unicode_normalizations_collide():
    """macOS stores 'café' (precomposed é) and 'café' (e and a combining accent) as one
    directory, and one loose ref file."""
    nfc, nfd = unicodedata.normalize("NFC", "café"), unicodedata.normalize("NFD", "café")
    assert nfc != nfd and projects.patterns_collide(f"{nfc}-v{{version}}", f"{nfd}-v{{version}}")
    assert not projects.patterns_collide("cafe-v{version}", f"{nfc}-v{{version}}")


def test_package_paths_in_different_unicode_normalizations_are_refused(mono):
    nfc, nfd = unicodedata.normalize("NFC", "café"), unicodedata.normalize("NFD", "café")
    mono.write("relnotes.yaml", ROOT_CONFIG + f"  - {{name: a, path: {nfc}}}\n  - {{name: b, path: {nfd}}}\n")
    r = mono.run("check")
    assert r.exit_code == 2 and r.stderr.startswith("error: relnotes.yaml:13: projects 'b' and 'a' have paths "
                                                    "that differ only in Unicode normalization ('cafe\\u0301', "
                                                    "'caf\\xe9': one directory on macOS)"), r.stderr


def test_a_pattern_that_reads_another_projects_names_collides():
    assert projects.patterns_collide("release-{version}", "release-v{version}")  # v1.2.3 is a version too
    assert projects.patterns_collide("{version}", "{version}")
    assert not projects.patterns_collide("release-{version}", "cli-release-{version}")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(PARTS, min_size=1, max_size=3).map("/".join), min_size=1, max_size=5, unique=True),
       st.lists(PARTS, min_size=1, max_size=4).map("/".join))
def test_a_path_belongs_to_the_longest_package_containing_it(bases, path):
    from relnotes.config.load import defaults

    root = defaults(Path("/nonexistent"))
    ws = projects.Workspace(root, tuple(root._replace(name=f"p{i}", base=b) for i, b in enumerate(bases)), False, {})
    owner = ws.owner(path)
    containing = [b for b in bases if path == b or path.startswith(b + "/")]
    assert (owner.base if owner else None) == (max(containing, key=len) if containing else None)


def test_the_root_project_option_still_builds_only_the_invoked_command():
    from relnotes.cli import app_for

    pruned = app_for(["--project", "cli", "new", "-s", "Added"])
    assert [c.callback.__name__ for c in pruned.registered_commands] == ["new"]


def test_a_package_directory_symlinked_to_another_package_is_refused(mono):
    """``evil -> cli`` stays inside the repository, but made 'evil' a second owner of cli's
    notes and fragments: 'build --project evil' consumed cli's fragments into cli's notes."""
    os.symlink("cli", mono.root / "evil")
    fragment(mono, "cli/changes.d", "a.md")
    mono.write("relnotes.yaml", ROOT_CONFIG + "  - {name: evil, path: evil}\n")
    before = mono.snapshot_tree()
    for args in (["check"], ["build", "--project", "evil"], ["build", "--project", "cli"]):
        r = mono.run(*args)
        assert r.exit_code == 2, r.output
        assert "share a notes file: cli/RELEASES.md and evil/RELEASES.md" in r.stderr
    assert mono.snapshot_tree() == before


def test_a_fragments_directory_symlinked_to_another_projects_is_refused(mono):
    import shutil

    shutil.rmtree(mono.root / "cli" / "changes.d")
    os.symlink("../core/notes.d", mono.root / "cli" / "changes.d")
    r = mono.run("check")
    assert r.exit_code == 2, r.output
    assert "fragments directory of 'cli' (cli/changes.d) is, through a symbolic link" in r.stderr
