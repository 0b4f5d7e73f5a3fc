"""cut, patch, stamp, release, archive — replayed on Wasmtime's real history."""

from __future__ import annotations

import pytest
from conftest import CORPUS, corpus

BRANCHES = [b for b in (CORPUS / "branches.txt").read_text().split() if b.startswith("release-")]


def _refs(project, names, prefix="refs/heads/"):
    sha = project.git("rev-parse", "HEAD")
    import subprocess

    subprocess.run(["git", "update-ref", "--stdin"], cwd=project.root, check=True, text=True,
                   input="".join(f"create {prefix}{n} {sha}\n" for n in names))


# -- cut ------------------------------------------------------------------------------------


def test_cut_replays_wasmtimes_37_bump_byte_for_byte(project):
    project.write("RELEASES.md", corpus("history/main-2025-08-05-before-bump-37.0.0.RELEASES.md"))
    project.commit("before bump")
    r = project.run("cut")
    assert r.exit_code == 0, r.output
    assert project.read("RELEASES.md") == corpus("history/main-2025-08-05-after-bump-37.0.0.RELEASES.md")
    assert project.git("branch", "--list", "release-36.0.0") != ""
    # the branch keeps main's notes as they were
    assert project.git("show", "release-36.0.0:RELEASES.md") + "\n" == \
        corpus("history/main-2025-08-05-before-bump-37.0.0.RELEASES.md")
    assert "entries of 36.0.0's notes now live on release-36.0.0" in r.stdout


def test_cut_moves_fragments_to_the_branch_and_commits(project):
    project.write("RELEASES.md", corpus("main.RELEASES.md"))
    project.write("Cargo.toml", '[workspace.package]\nversion = "49.0.0-dev"\n')
    project.write("relnotes.yaml", project.read("relnotes.yaml")
                  + 'version_files: [{path: Cargo.toml, pattern: \'version = "{version}-dev"\'}]\n')
    project.fragment("a.md", "Added", "Pending on main.", prs="[1]")
    project.commit("state")
    r = project.run("cut", "--commit")
    assert r.exit_code == 0, r.output
    assert project.git("log", "-1", "--format=%s") == "Bump Wasmtime to 50.0.0"
    assert project.git("status", "--porcelain") == ""
    assert project.read("Cargo.toml") == '[workspace.package]\nversion = "50.0.0-dev"\n'
    assert not (project.root / "changes.d/a.md").exists()
    assert "changes.d/a.md" in project.git("ls-tree", "-r", "--name-only", "release-49.0.0")
    notes = project.read("RELEASES.md")
    assert notes.startswith("## 50.0.0\n\nUnreleased.\n")
    assert "* [49.0.x](https://github.com/bytecodealliance/wasmtime/blob/release-49.0.0/RELEASES.md)\n" \
           "* [48.0.x]" in notes


def test_cut_dry_run_prints_diff_and_changes_nothing(project):
    project.write("RELEASES.md", corpus("main.RELEASES.md"))
    project.commit("state")
    before = project.snapshot_tree()
    r = project.run("cut", "--dry-run")
    assert r.exit_code == 0
    assert "-## 49.0.0\n+## 50.0.0" in r.stdout
    assert "+* [49.0.x](https://github.com/bytecodealliance/wasmtime/blob/release-49.0.0/RELEASES.md)" in r.stdout
    assert "would create branch release-49.0.0" in r.stdout
    assert project.snapshot_tree() == before
    assert project.git("branch", "--list", "release-49.0.0") == ""


def test_cut_zero_x_bumps_minor_and_version_overrides(project):
    project.write("RELEASES.md", "## 0.39.0\n\nUnreleased.\n\n" + "-" * 80 + "\n")
    project.commit("state")
    assert project.run("cut", "--dry-run").stdout.count("+## 0.40.0") == 1
    assert project.run("cut", "--dry-run", "--version", "1.0.0").stdout.count("+## 1.0.0") == 1


@pytest.mark.parametrize("setup, message", [
    ("dirty", "the working tree has uncommitted changes"),
    ("branch-exists", "branch release-49.0.0 already exists"),
    ("remote-branch-exists", "branch release-49.0.0 already exists"),
    ("not-main", "cut runs on main, but topic is checked out"),
    ("detached", "HEAD is detached"),
    ("released-top", "the top release 49.0.0 is already released"),
    ("bad-version", "'x.y' is not a version"),
    ("older-version", "--version 48.0.0 is not newer than 49.0.0"),
    ("version-file-mismatch", "Cargo.toml: does not contain 'version = \"49.0.0-dev\"'"),
])
def test_cut_refusals_exit_2_and_change_nothing(project, setup, message):
    text = corpus("main.RELEASES.md")
    if setup == "released-top":
        text = text.replace("Unreleased.", "Released 2026-09-20.")
    project.write("RELEASES.md", text)
    if setup == "version-file-mismatch":
        project.write("Cargo.toml", 'version = "48.0.0"\n')
        project.write("relnotes.yaml", project.read("relnotes.yaml")
                      + 'version_files: [{path: Cargo.toml, pattern: \'version = "{version}-dev"\'}]\n')
    project.commit("state")
    args = ["cut"]
    if setup == "dirty":
        project.write("src.rs", "fn main() {}\n")
        project.git("add", "src.rs")
    elif setup == "branch-exists":
        project.git("branch", "release-49.0.0")
    elif setup == "remote-branch-exists":
        _refs(project, ["origin/release-49.0.0"], prefix="refs/remotes/")
    elif setup == "not-main":
        project.git("switch", "-q", "-c", "topic")
    elif setup == "detached":
        project.git("switch", "-q", "--detach")
    elif setup == "bad-version":
        args += ["--version", "x.y"]
    elif setup == "older-version":
        args += ["--version", "48.0.0"]
    before = project.snapshot_tree()
    branches = project.git("for-each-ref")
    r = project.run(*args)
    assert r.exit_code == 2, r.output
    assert message in r.stderr
    assert "Traceback" not in r.output
    assert project.snapshot_tree() == before
    assert project.git("for-each-ref") == branches


# -- stamp / patch / release ---------------------------------------------------------------


@pytest.mark.parametrize("before, after, date", [
    ("release-48.0.0-notes-added-unreleased", "release-48.0.0-released-2026-08-20", "2026-08-20"),
    ("release-24.0.0-24.0.9-unreleased", "release-24.0.0-24.0.9-released", "2026-05-21"),
])
def test_stamp_reproduces_real_release_commits(project, before, after, date):
    project.write("RELEASES.md", corpus(f"history/{before}.RELEASES.md"))
    r = project.run("stamp", "--date", date)
    assert r.exit_code == 0 and f"Released {date}" in r.stdout
    assert project.read("RELEASES.md") == corpus(f"history/{after}.RELEASES.md")
    # idempotent: a second stamp (even with another date) changes nothing, exit 0
    r = project.run("stamp", "--date", "2030-01-01")
    assert r.exit_code == 0 and "already released" in r.stdout
    assert project.read("RELEASES.md") == corpus(f"history/{after}.RELEASES.md")


def test_stamp_only_touches_the_stamped_release(project):
    """Wasmtime's sed stamped every 'Unreleased' line; relnotes stamps one."""
    text = corpus("history/main-2024-05-20-before-stamp-21.0.0-old-algo.RELEASES.md")
    project.write("RELEASES.md", text)
    r = project.run("stamp", "--version", "21.0.0", "--date", "2024-05-20")
    assert r.exit_code == 0
    out = project.read("RELEASES.md")
    assert out.count("Unreleased.") == text.count("Unreleased.") - 1
    # the real commit was hand-edited and lost the period; relnotes keeps the line's own style
    real = corpus("history/main-2024-05-20-after-stamp-21.0.0-old-algo.RELEASES.md")
    assert "Released 2024-05-20\n" in real
    assert out == real.replace("Released 2024-05-20\n", "Released 2024-05-20.\n", 1)


@pytest.mark.parametrize("args, message", [
    (["--date", "2026-02-30"], "--date '2026-02-30' is not a real date"),
    (["--date", "tomorrow"], "--date 'tomorrow' is not a real date"),
    (["--version", "99.0.0"], "no '## 99.0.0' section"),
    (["--version", "banana"], "'banana' is not a version"),
])
def test_stamp_refusals(project, args, message):
    project.write("RELEASES.md", corpus("history/release-48.0.0-notes-added-unreleased.RELEASES.md"))
    before = project.snapshot_tree()
    r = project.run("stamp", *args)
    assert r.exit_code in (1, 2) and message in r.stderr
    assert r.exit_code == (1 if "section" in message else 2)
    assert project.snapshot_tree() == before


def test_patch_opens_next_patch_release(project):
    project.write("RELEASES.md", corpus("history/release-24.0.0-24.0.9-released.RELEASES.md"))
    r = project.run("patch")
    assert r.exit_code == 0 and "opened 24.0.10 (Unreleased) above 24.0.9" in r.stdout
    text = project.read("RELEASES.md")
    # patch_sections defaults to none: build adds the categories that get entries
    assert text.startswith("## 24.0.10\n\nUnreleased.\n\n" + "-" * 80
                           + "\n\n## 24.0.9\n\nReleased 2026-05-21.\n")
    assert text.endswith(corpus("history/release-24.0.0-24.0.9-released.RELEASES.md"))
    r = project.run("patch")  # the same patch again (a rerun after a kill): nothing to do
    assert r.exit_code == 0 and "24.0.10 is already open (Unreleased) above 24.0.9; nothing changed" in r.stdout
    assert project.read("RELEASES.md") == text
    project.write("RELEASES.md", text.replace("Unreleased.\n", "Unreleased.\n\n### Fixed\n\n* A fix.\n", 1))
    r = project.run("patch")  # the top holds entries now: it is not a fresh patch release
    assert r.exit_code == 2 and "the top release 24.0.10 is still unreleased" in r.stderr


def test_patch_opens_the_configured_patch_sections_not_the_cut_template(project):
    config = project.read("relnotes.yaml")
    project.write("relnotes.yaml", config + "patch_sections: [Fixed]\n")
    project.write("RELEASES.md", corpus("history/release-24.0.0-24.0.9-released.RELEASES.md"))
    r = project.run("patch")
    assert r.exit_code == 0, r.output
    assert project.read("RELEASES.md").startswith("## 24.0.10\n\nUnreleased.\n\n### Fixed\n\n" + "-" * 80)
    project.write("relnotes.yaml", config + "patch_sections: [Fixes]\n")
    r = project.run("patch")
    assert r.exit_code == 2 and "patch section 'Fixes' is not one of 'sections'" in r.stderr


def test_release_builds_then_stamps_and_commits(project):
    project.write("RELEASES.md", corpus("history/release-48.0.0-at-cut-2026-08-03.RELEASES.md"))
    project.fragment("a.md", "Fixed", "Enabling MPK with CoW images has been fixed.", prs="[14076]")
    project.commit("branch state")
    r = project.run("release", "--date", "2026-08-20", "--commit")
    assert r.exit_code == 0, r.output
    text = project.read("RELEASES.md")
    assert text.startswith("## 48.0.0\n\nReleased 2026-08-20.\n")
    assert "### Fixed\n\n* Enabling MPK with CoW images has been fixed.\n" in text
    assert project.git("log", "-1", "--format=%s") == "Release Wasmtime 48.0.0"
    assert project.git("status", "--porcelain") == ""
    r = project.run("release", "--date", "2026-08-21")
    assert r.exit_code == 0 and "already released" in r.stdout
    assert project.read("RELEASES.md") == text


def test_release_bad_date_changes_nothing(project):
    project.write("RELEASES.md", corpus("history/release-48.0.0-at-cut-2026-08-03.RELEASES.md"))
    project.fragment("a.md", "Fixed", "A fix.", prs="[1]")
    before = project.snapshot_tree()
    r = project.run("release", "--date", "2026-13-01")
    assert r.exit_code == 2 and project.snapshot_tree() == before


# -- archive --------------------------------------------------------------------------------


def _without_archive_links(text):
    head, marker, _ = text.partition("<!-- ARCHIVE_START -->\n")
    return head + marker


def test_archive_reproduces_mains_list_from_real_branches(project):
    project.write("RELEASES.md", _without_archive_links(corpus("main.RELEASES.md")))
    project.commit("main")
    assert len(BRANCHES) == 57
    _refs(project, BRANCHES)
    _refs(project, ["origin/release-47.0.0", "origin/release-0.9.0"], prefix="refs/remotes/")  # dedup, < since
    _refs(project, ["stable-v0.26", "release-foo"])
    r = project.run("archive", "--check")
    assert r.exit_code == 1 and "+* [48.0.x]" in r.stdout
    r = project.run("archive")
    assert r.exit_code == 0, r.output
    assert project.read("RELEASES.md") == corpus("main.RELEASES.md")
    assert "note: ignored branch release-foo: not a version" in r.stderr
    r = project.run("archive", "--check")
    assert r.exit_code == 0 and "archive list matches 57 release branch(es)" in r.stdout


def test_archive_sorts_by_version_not_name(project):
    project.write("RELEASES.md", "## 101.0.0\n\nUnreleased.\n\n" + "-" * 80 + "\n\n<!-- ARCHIVE_START -->\n")
    project.write("relnotes.yaml", project.read("relnotes.yaml") + "archive: {since: 1.9.0}\n")
    project.commit("main")
    _refs(project, ["release-1.9.0", "release-1.10.0", "release-99.0.0", "release-100.0.0",
                    "release-101.0.0", "release-100.0.0-rc.1"])
    assert project.run("archive").exit_code == 0
    labels = [line.split("]")[0][3:] for line in project.read("RELEASES.md").splitlines() if line.startswith("* [")]
    assert labels == ["100.0.x", "100.0.x", "99.0.x", "1.10.x", "1.9.x (and prior)"]


def test_archive_without_marker_is_a_content_error(project):
    project.write("RELEASES.md", "## 1.0.0\n\nUnreleased.\n")
    project.commit("main")
    r = project.run("archive")
    assert r.exit_code == 1 and "no '<!-- ARCHIVE_START -->' line" in r.stderr


# -- a whole cycle, every intermediate file snapshotted -------------------------------------


def test_full_cycle(project, md_snapshot):
    steps = []

    def ok(*args):
        r = project.run(*args)
        assert r.exit_code == 0, (args, r.output)
        steps.append((" ".join(args), project.read("RELEASES.md")))

    (project.root / "relnotes.yaml").unlink()
    ok("init", "--project", "Demo", "--repository", "https://example.org/demo", "--version", "1.0.0",
       "--branching", "release-branches")
    # every release a major (Wasmtime's scheme); tests/test_semver.py runs the semver cycle
    project.write("relnotes.yaml", project.read("relnotes.yaml") + "versioning: major-per-release\n")
    project.commit("init")
    ok("new", "-s", "Added", "--pr", "1", "-m", "First feature.")
    ok("new", "-s", "Fixed", "--pr", "2", "-m", "First fix.")
    ok("build")
    project.commit("notes")
    ok("cut", "--commit")
    project.git("switch", "-q", "release-1.0.0")
    ok("new", "-s", "Fixed", "--pr", "3", "-m", "Fixed on the branch before release.")
    ok("release", "--date", "2026-01-20", "--commit")
    ok("patch")
    ok("new", "-s", "Security", "--pr", "4", "--advisory", "GHSA-vqjp-4c8c-hfgg", "--backport",
       "-m", "A backported security fix.")
    ok("release", "--date", "2026-02-03", "--commit")
    project.git("switch", "-q", "main")
    ok("new", "-s", "Changed", "--pr", "5", "-m", "Second release change.")
    ok("build")
    project.commit("notes 2")
    ok("cut", "--commit")
    ok("archive", "--check")
    text = "".join(f"<!-- after: relnotes {cmd} -->\n{notes}\n" for cmd, notes in steps)
    assert text == md_snapshot
    assert project.git("branch", "--format=%(refname:short)").split() == ["main", "release-1.0.0", "release-2.0.0"]


@pytest.mark.parametrize("command", [["release", "--date", "2026-12-20"], ["build"], ["cut", "--dry-run"]])
def test_a_top_release_without_a_status_line_is_refused_not_taken_for_released(project, command):
    """Without 'Unreleased.' the top section is neither released nor unreleased: release once
    exited 0 having built nothing ('already released (None)'), build and cut said 'already
    released'.  Each now names the heading and says to add the line (exit 1)."""
    project.write("RELEASES.md", corpus("main.RELEASES.md").replace("Unreleased.\n", "", 1))
    project.fragment("a.md", "Fixed", "A fix.", prs="[1]")
    project.commit("no status line")
    before = project.snapshot_tree()
    r = project.run(*command)
    assert r.exit_code == 1, r.output
    assert "RELEASES.md:1: '## 49.0.0' has no status line" in r.stderr
    assert "add 'Unreleased.'" in r.stderr
    assert project.snapshot_tree() == before
