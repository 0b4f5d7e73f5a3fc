"""Pre-release versions, version files, rc, release's marker, tag, show's release page."""

from __future__ import annotations

import json
import subprocess

import pytest
from conftest import corpus, git
from hypothesis import given
from hypothesis import strategies as st

from relnotes.version import Version

MARKER = "[automatically-tag-and-release-this-commit]"
VFILES = 'version_files: [{path: Cargo.toml, pattern: \'version = "{version}"\'}]\n'


# -- ordering -------------------------------------------------------------------------------


def test_prerelease_precedence_dev_rc_release():
    chain = ["49.0.0-dev", "49.0.0-rc.1", "49.0.0-rc.2", "49.0.0-rc.10", "49.0.0", "49.0.1-dev", "49.0.1", "50.0.0-dev"]
    versions = [Version.parse(v) for v in chain]
    assert sorted(reversed(versions)) == versions
    assert [str(v) for v in versions] == chain
    assert Version.parse("49.0.0-rc.2").release == Version.parse("49.0.0")


@given(st.lists(st.tuples(st.integers(0, 3), st.sampled_from(["-dev", "-rc.1", "-rc.2", "-rc.11", ""])), min_size=1))
def test_sorting_puts_every_prerelease_before_its_release(items):
    def stage(v: Version) -> int:  # dev < rc.1 < rc.2 < rc.11 < the release
        return 0 if v.pre == ("dev",) else int(v.pre[1]) if v.pre else 1000

    versions = sorted(Version.parse(f"{major}.0.0{suffix}") for major, suffix in items)
    assert versions == sorted(versions, key=lambda v: (v.major, stage(v)))


# -- version files ----------------------------------------------------------------------


@pytest.mark.parametrize("pattern", ['version = "{version}"', 'version = "{version}-dev"'])
@pytest.mark.parametrize("text, version", [
    ('[package]\nversion = "49.0.0-dev"\n', "49.0.0-dev"),
    ('[package]\nversion = "49.0.0-rc.3"\n', "49.0.0-rc.3"),
    ('[package]\nversion = "49.0.0"\n', "49.0.0"),
])
def test_version_files_read_every_stage(project, pattern, text, version):
    from relnotes.config import load as config
    from relnotes.flows import versionfiles

    project.write("Cargo.toml", 'name = "x"\nrust-version = "1.80.0"\n' + text)
    project.write("relnotes.yaml", project.read("relnotes.yaml")
                  + f"version_files: [{{path: Cargo.toml, pattern: '{pattern}'}}]\n")
    cfg = config.load(project.root / "relnotes.yaml")
    assert str(versionfiles.current(cfg)) == version
    changes = versionfiles.rewrite(cfg, Version.parse("49.0.0-rc.4"), expect=Version.parse("49.0.0"))
    before, after = changes["Cargo.toml"]
    assert after == before.replace(f'"{version}"', '"49.0.0-rc.4"')
    assert 'rust-version = "1.80.0"' in after


def test_version_files_that_disagree_are_refused(project):
    project.write("Cargo.toml", 'version = "49.0.0-rc.1"\n')
    project.write("npm.json", '"version": "49.0.0-rc.2"\n')
    project.write("relnotes.yaml", project.read("relnotes.yaml")
                  + "version_files: [{path: Cargo.toml, pattern: 'version = \"{version}\"'},"
                    " {path: npm.json, pattern: '\"version\": \"{version}\"'}]\n")
    project.write("RELEASES.md", corpus("history/release-48.0.0-at-cut-2026-08-03.RELEASES.md"))
    project.commit("state")
    r = project.run("tag", "--force")
    assert r.exit_code == 2
    assert "the version files disagree: Cargo.toml has 49.0.0-rc.1, npm.json has 49.0.0-rc.2" in r.stderr


# -- a release branch with candidates --------------------------------------------------------


@pytest.fixture
def branch(project):
    """release-48.0.0 just after the cut: notes Unreleased, Cargo.toml at 48.0.0-dev."""
    project.write("RELEASES.md", corpus("history/release-48.0.0-at-cut-2026-08-03.RELEASES.md"))
    project.write("Cargo.toml", '[workspace.package]\nversion = "48.0.0-dev"\n')
    project.write("relnotes.yaml", project.read("relnotes.yaml") + VFILES)
    project.commit("state")
    project.git("switch", "-q", "-c", "release-48.0.0")
    return project


def test_rc_writes_the_next_candidate_and_commits_with_the_marker(branch):
    notes = branch.read("RELEASES.md")
    r = branch.run("rc", "--commit")
    assert r.exit_code == 0, r.output
    assert "48.0.0-dev -> 48.0.0-rc.1 in Cargo.toml" in r.stdout
    assert branch.read("Cargo.toml") == '[workspace.package]\nversion = "48.0.0-rc.1"\n'
    assert branch.read("RELEASES.md") == notes  # candidates have no notes of their own
    assert branch.git("log", "-1", "--format=%B") == f"Release Wasmtime 48.0.0-rc.1\n\n{MARKER}"
    assert branch.git("status", "--porcelain") == ""
    assert branch.run("rc").exit_code == 0
    assert branch.read("Cargo.toml") == '[workspace.package]\nversion = "48.0.0-rc.2"\n'


@pytest.mark.parametrize("setup, message", [
    ("on-main", "rc runs on a release branch (release-{version}, stable-v{version}), but main is checked out"),
    ("no-version-files", "none are configured"),
    ("released", "the version files say 48.0.0, which is released"),
    ("dirty", "the working tree has uncommitted changes"),
    ("other-release", "the version files say 47.0.0-rc.1, but the top release in RELEASES.md is 48.0.0"),
    ("no-version", "Cargo.toml: no version matching 'version = \"{version}\"'"),
])
def test_rc_refusals_change_nothing(branch, setup, message):
    if setup == "on-main":
        branch.git("switch", "-q", "main")
    elif setup == "no-version-files":
        branch.write("relnotes.yaml", branch.read("relnotes.yaml").replace(VFILES, ""))
        branch.commit("no vfiles")
    elif setup == "released":
        branch.write("Cargo.toml", 'version = "48.0.0"\n')
        branch.commit("x")
    elif setup == "dirty":
        branch.write("src.rs", "x")
    elif setup == "other-release":
        branch.write("Cargo.toml", 'version = "47.0.0-rc.1"\n')
        branch.commit("x")
    elif setup == "no-version":
        branch.write("Cargo.toml", 'rust-version = "1.80.0"\n')
        branch.commit("x")
    before = branch.snapshot_tree()
    head = branch.git("rev-parse", "HEAD")
    r = branch.run("rc", "--commit")
    assert r.exit_code == 2, r.output
    assert message in r.stderr
    assert branch.snapshot_tree() == before and branch.git("rev-parse", "HEAD") == head


def test_release_drops_the_candidate_suffix_and_commits_with_the_marker(branch):
    branch.run("rc", "--commit")
    r = branch.run("release", "--date", "2026-08-20", "--commit")
    assert r.exit_code == 0, r.output
    assert branch.read("Cargo.toml") == '[workspace.package]\nversion = "48.0.0"\n'
    assert branch.read("RELEASES.md").startswith("## 48.0.0\n\nReleased 2026-08-20.\n")
    assert branch.git("log", "-1", "--format=%B") == f"Release Wasmtime 48.0.0\n\n{MARKER}"
    assert branch.git("status", "--porcelain") == ""


def test_commit_marker_is_configurable_and_placeable(branch):
    branch.write("relnotes.yaml", branch.read("relnotes.yaml")
                 + "commit: {rc: 'chore: {version} {marker}', marker: '[release]'}\n")
    branch.commit("config")
    assert branch.run("rc", "--commit").exit_code == 0
    assert branch.git("log", "-1", "--format=%B") == "chore: 48.0.0-rc.1 [release]"


def test_cut_keeps_main_on_dev_of_the_next_version(project):
    project.write("RELEASES.md", corpus("main.RELEASES.md"))
    project.write("Cargo.toml", 'version = "49.0.0-dev"\n')
    project.write("relnotes.yaml", project.read("relnotes.yaml") + VFILES)
    project.commit("state")
    assert project.run("cut", "--commit").exit_code == 0
    assert project.read("Cargo.toml") == 'version = "50.0.0-dev"\n'
    assert project.git("show", "release-49.0.0:Cargo.toml") == 'version = "49.0.0-dev"'


# -- tag -----------------------------------------------------------------------------------


def test_tag_does_nothing_without_the_marker(branch):
    r = branch.run("tag")
    assert r.exit_code == 0 and r.stdout == ""
    assert "does not carry" in r.stderr
    assert branch.git("tag") == ""


def test_tag_candidate_then_release_annotated_with_the_notes(branch, tmp_path):
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", str(origin))
    branch.git("remote", "add", "origin", str(origin))
    branch.run("rc", "--commit")
    r = branch.run("tag", "--push", "origin")
    assert r.exit_code == 0, r.output
    assert r.stdout == "v48.0.0-rc.1\n"
    assert git(origin, "tag") == "v48.0.0-rc.1"
    assert branch.git("cat-file", "-t", "v48.0.0-rc.1") == "tag"
    message = branch.git("tag", "-l", "--format=%(contents)", "v48.0.0-rc.1")
    assert message.startswith("Wasmtime 48.0.0-rc.1\n\n## 48.0.0\n\nUnreleased.\n")
    r = branch.run("tag")  # a re-run on the tagged commit: nothing to do
    assert r.exit_code == 0 and r.stdout == "" and "v48.0.0-rc.1 already names HEAD" in r.stderr
    branch.run("release", "--date", "2026-08-20", "--commit")
    assert branch.run("tag").stdout == "v48.0.0\n"
    assert branch.git("rev-parse", "v48.0.0^{commit}") == branch.git("rev-parse", "HEAD")


@pytest.mark.parametrize("setup, message", [
    ("dirty", "the working tree has uncommitted changes"),
    ("dev", "the version files say 48.0.0-dev, which is neither 48.0.0"),
    ("other", "the version files say 47.0.0, which is neither 48.0.0"),
    ("unstamped", "48.0.0 is not stamped as released"),
])
def test_tag_refusals(branch, setup, message):
    if setup == "dirty":
        branch.run("rc", "--commit")
        branch.write("src.rs", "x")
    elif setup == "dev":
        branch.commit(f"x\n\n{MARKER}")
    else:
        branch.write("Cargo.toml", 'version = "47.0.0"\n' if setup == "other" else 'version = "48.0.0"\n')
        branch.commit(f"x\n\n{MARKER}")
    r = branch.run("tag", "--push", "origin")
    assert r.exit_code == 2, r.output
    assert message in r.stderr and "Traceback" not in r.output
    assert branch.git("tag") == ""


def test_tag_refuses_an_option_as_remote_and_a_bad_tag_pattern(branch):
    branch.run("rc", "--commit")
    r = branch.run("tag", "--push", "--upload-pack=touch pwned")
    assert r.exit_code == 2 and "starts with '-'" in r.stderr
    branch.write("relnotes.yaml", branch.read("relnotes.yaml") + "tag: 'v {version}'\n")
    branch.commit(f"config\n\n{MARKER}")
    r = branch.run("tag")
    assert r.exit_code == 2 and "does not make a valid tag name" in r.stderr  # refused when the configuration loads
    assert branch.git("tag") == ""


# -- show: the release page -----------------------------------------------------------------


def test_show_md_is_wasmtimes_body_above_the_separator(project):
    for name in ("release-24.0.0", "release-36.0.0", "release-48.0.0", "main"):
        text = corpus(f"{name}.RELEASES.md")
        project.write("RELEASES.md", text)
        sed = subprocess.run(["sed", "/---------------/Q", str(project.root / "RELEASES.md")],
                             capture_output=True, text=True, check=True).stdout
        assert project.run("show").stdout.rstrip("\n") == sed.rstrip("\n"), name


def test_show_json_and_github_output_for_a_candidate(branch, tmp_path):
    branch.run("rc", "--commit")
    data = json.loads(branch.run("show", "--format", "json").stdout)
    assert (data["tag"], data["release"], data["prerelease"]) == ("v48.0.0-rc.1", "48.0.0-rc.1", True)
    assert data["body"] == data["markdown"]
    out = tmp_path / "gh-output"
    out.write_text("earlier=1\n")
    r = branch.run("show", "--github-output", env={"GITHUB_OUTPUT": str(out)})
    assert r.exit_code == 0, r.output
    text = out.read_text()
    assert text.startswith("earlier=1\ntag=v48.0.0-rc.1\ntitle=v48.0.0-rc.1\nversion=48.0.0-rc.1\nprerelease=true\nbody<<")
    delim = text.split("body<<", 1)[1].split("\n", 1)[0]
    assert text.endswith(f"\n{delim}\n") and delim not in data["body"]
    assert text.split(f"body<<{delim}\n", 1)[1][: -len(delim) - 1] == data["body"]
    branch.run("release", "--date", "2026-08-20", "--commit")
    data = json.loads(branch.run("show", "--format", "json").stdout)
    assert (data["tag"], data["prerelease"]) == ("v48.0.0", False)


def test_github_output_delimiter_never_occurs_in_the_body():
    from relnotes.flows.publishing import ReleasePage, github_output_text

    page = ReleasePage("1.0.0", "v1.0.0", False, "## 1.0.0\n\nEOF\nbody\n")
    text = github_output_text(page, delimiter="EOF")
    delim = text.split("body<<", 1)[1].split("\n", 1)[0]
    assert delim != "EOF" and delim not in page.body


def test_show_github_output_without_the_variable_is_a_usage_error(branch, monkeypatch):
    monkeypatch.delenv("GITHUB_OUTPUT", raising=False)
    r = branch.run("show", "--github-output")
    assert r.exit_code == 2 and "--github-output needs GITHUB_OUTPUT" in r.stderr


@given(st.text(alphabet='0123456789.-rcdev"= \nversion', max_size=400))
def test_version_pattern_search_is_bounded_and_finds_only_versions(text):
    from relnotes.flows.versionfiles import pattern_regex

    for pattern in ('version = "{version}"', "{version}", 'v{version}-dev"'):
        m = pattern_regex(pattern).search(text)
        if m is not None:
            assert Version.parse(m["version"]) is not None
    long = "version = \"" + "1" * 10_000 + ".0.0\""  # over-long numbers are not versions
    assert pattern_regex('version = "{version}"').search(long) is None


def test_rc_commit_failure_says_what_is_written(branch):
    hook = branch.root / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho refused by hook >&2\nexit 1\n")
    hook.chmod(0o755)
    r = branch.run("rc", "--commit")
    assert r.exit_code == 2 and "the version files say 48.0.0-rc.1 but nothing was committed" in r.stderr
    assert "rerun 'relnotes rc --commit': it commits 48.0.0-rc.1 (not the candidate after it)" in r.stderr
    assert branch.read("Cargo.toml").endswith('version = "48.0.0-rc.1"\n')
    head = branch.git("rev-parse", "HEAD")
    r = branch.run("rc", "--commit")  # the hook still refuses: still rc.1, never rc.2
    assert r.exit_code == 2 and "the version files say 48.0.0-rc.1 but nothing was committed" in r.stderr
    assert branch.read("Cargo.toml").endswith('version = "48.0.0-rc.1"\n')
    hook.unlink()
    r = branch.run("rc", "--commit")  # the rerun finishes the same candidate, exactly once
    assert r.exit_code == 0, r.output
    assert branch.read("Cargo.toml").endswith('version = "48.0.0-rc.1"\n')
    assert branch.git("rev-parse", "HEAD~1") == head
    assert branch.git("log", "-1", "--format=%B") == f"Release Wasmtime 48.0.0-rc.1\n\n{MARKER}"
    assert branch.git("status", "--porcelain") == ""


def test_tag_pattern_needs_version_and_schema_lists_the_new_keys(project):
    project.write("relnotes.yaml", project.read("relnotes.yaml") + "tag: release\n")
    r = project.run("check")
    assert r.exit_code == 2 and "'tag' must contain '{version}'" in r.stderr
    project.write("relnotes.yaml", project.read("relnotes.yaml").replace("tag: release\n", ""))
    schema = json.loads(project.run("schema", "config").stdout)
    assert schema["properties"]["tag"]["default"] == "v{version}"
    assert set(schema["properties"]["commit"]["properties"]) == {"cut", "release", "rc", "marker"}


@pytest.mark.parametrize("pattern,problem", [
    ('"v{version}\\nprerelease=true"', "a space or control character"),
    ('"v{version} x"', "a space or control character"),
    ('"refs/heads/main{version}"', "names a full ref"),
    ('"-v{version}"', ""),
    ('"v{version}..x"', ""),
])
def test_tag_pattern_must_make_a_tag_name(project, tmp_path, pattern, problem):
    """A tag pattern from a pull request cannot forge $GITHUB_OUTPUT lines or name a full
    ref: the configuration is refused (exit 2, its line) before any command uses it."""
    project.write("relnotes.yaml", project.read("relnotes.yaml") + f"tag: {pattern}\n")
    out = tmp_path / "out.txt"
    out.write_text("")
    r = project.run("show", "--github-output", env={"GITHUB_OUTPUT": str(out)})
    assert r.exit_code == 2, r.output
    assert "'tag' does not make a valid tag name" in r.stderr and problem in r.stderr
    assert out.read_text() == ""


def test_an_empty_push_remote_is_named_as_a_remote(branch):
    r = branch.run("tag", "--push", "", "--force")
    assert r.exit_code == 2 and "--push remote is empty" in r.stderr and "name a remote" in r.stderr
