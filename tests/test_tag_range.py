"""``relnotes tag`` on what a push really brings: merge commits, a pushed range, and the
real 47.0.4 flow where the patch's notes landed after its version bump (issue 30)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import corpus

MARKER = "[automatically-tag-and-release-this-commit]"
VFILES = 'version_files: [{path: Cargo.toml, pattern: \'version = "{version}"\'}]\n'


@pytest.fixture
def released(project):
    """release-48.0.0 with 48.0.0 released and tagged, as on the 20th."""
    project.write("RELEASES.md", corpus("history/release-48.0.0-at-cut-2026-08-03.RELEASES.md"))
    project.write("Cargo.toml", 'version = "48.0.0-dev"\n')
    project.write("relnotes.yaml", project.read("relnotes.yaml") + VFILES)
    project.commit("state")
    project.git("switch", "-q", "-c", "release-48.0.0")
    assert project.run("release", "--date", "2026-08-20", "--commit").exit_code == 0
    assert project.run("tag").stdout == "v48.0.0\n"
    return project


def test_a_merge_commit_brings_the_marker(project):
    """A release PR merged with a merge commit: HEAD says 'Merge pull request …', the marked
    commit is its second parent. Before issue 30 tag said 'nothing tagged' and exited 0."""
    project.write("RELEASES.md", corpus("history/release-48.0.0-at-cut-2026-08-03.RELEASES.md"))
    project.write("Cargo.toml", 'version = "48.0.0-dev"\n')
    project.write("relnotes.yaml", project.read("relnotes.yaml") + VFILES)
    project.commit("state")
    project.git("switch", "-q", "-c", "release-48.0.0")
    assert project.run("rc", "--commit").exit_code == 0  # the PR's branch, made as the workflow does
    project.git("branch", "ci/release-48.0.0-rc.1")
    project.git("reset", "-q", "--hard", "HEAD~1")
    project.write("other.rs", "x")
    project.commit("a backport merged meanwhile")
    project.git("merge", "-q", "--no-ff", "-m", "Merge pull request #7 from ci/release-48.0.0-rc.1",
                "ci/release-48.0.0-rc.1")
    assert len(project.git("rev-list", "--parents", "-n", "1", "HEAD").split()) == 3
    r = project.run("tag")
    assert r.exit_code == 0, r.output
    assert r.stdout == "v48.0.0-rc.1\n"
    assert project.git("rev-parse", "v48.0.0-rc.1^{commit}") == project.git("rev-parse", "HEAD")


def test_a_merge_of_unmarked_commits_tags_nothing(released):
    released.git("switch", "-q", "-c", "topic")
    released.write("other.rs", "x")
    released.commit("a backport")
    released.git("switch", "-q", "release-48.0.0")
    released.git("merge", "-q", "--no-ff", "-m", "Merge topic", "topic")
    r = released.run("tag")
    assert r.exit_code == 0 and r.stdout == "" and "does not carry" in r.stderr


def test_since_reads_every_pushed_commit(released):
    """Two commits pushed at once, the marked one first (Wasmtime's push-tag greps
    'git log before...after'): without --since HEAD alone decides; with it, the range."""
    before = released.git("rev-parse", "HEAD")
    released.write("Cargo.toml", 'version = "48.0.1"\n')
    released.write("RELEASES.md", released.read("RELEASES.md").replace(
        "## 48.0.0\n", "## 48.0.1\n\nReleased 2026-08-25.\n\n### Fixed\n\n* A fix.\n\n"
        + "-" * 80 + "\n\n## 48.0.0\n", 1))
    released.commit(f"Release Wasmtime 48.0.1\n\n{MARKER}")
    released.write("ci.yml", "x")
    released.commit("Tweak CI (no marker)")
    assert released.run("tag").stdout == ""
    r = released.run("tag", "--since", before)
    assert r.exit_code == 0, r.output
    assert r.stdout == "v48.0.1\n"
    # a push that created the branch: 'before' is forty zeros, HEAD's own message decides
    assert released.run("tag", "--since", "0" * 40).stdout == ""


@pytest.mark.parametrize("since, message", [
    ("1234567890abcdef1234567890abcdef12345678", "is not a commit in this checkout"),
    ("--upload-pack=x", "starts with '-'"),
])
def test_since_refusals(released, since, message):
    released.commit(f"x\n\n{MARKER}", "RELEASES.md")
    r = released.run("tag", "--since", since)
    assert r.exit_code == 2 and message in r.stderr and "Traceback" not in r.output


def test_notes_after_the_version_bump_the_real_47_0_4_flow(released):
    """Wasmtime 47.0.4: 'Release Wasmtime 47.0.4 (#14171)' bumped the versions with the
    marker and no notes; 'Add release notes (#14183)' added them, marked too, and v47.0.4
    names that second commit. The bump is not tagged (exit 0, says why); the notes are."""
    released.write("Cargo.toml", 'version = "48.0.1"\n')
    released.commit(f"Release Wasmtime 48.0.1 (#1)\n\n{MARKER}")
    r = released.run("tag")
    assert r.exit_code == 0, r.output
    assert r.stdout == "" and "has no section for it yet" in r.stderr
    assert released.git("tag") == "v48.0.0"
    released.write("RELEASES.md", released.read("RELEASES.md").replace(
        "## 48.0.0\n", "## 48.0.1\n\nReleased 2026-08-25.\n\n### Fixed\n\n* A fix.\n\n"
        + "-" * 80 + "\n\n## 48.0.0\n", 1))
    released.commit(f"Add release notes (#2)\n\n{MARKER}")
    r = released.run("tag")
    assert r.stdout == "v48.0.1\n"
    assert "* A fix." in released.git("tag", "-l", "--format=%(contents)", "v48.0.1")


def test_notes_edited_after_the_tag_say_how_to_update_the_page(released):
    released.write("RELEASES.md", released.read("RELEASES.md").replace("Released 2026-08-20.",
                                                                       "Released 2026-08-20.\n\nA late note.", 1))
    released.commit(f"Add release notes\n\n{MARKER}")
    r = released.run("tag")
    assert r.exit_code == 0, r.output
    assert r.stdout == "" and "only RELEASES.md changed since" in r.stderr
    assert "gh release edit v48.0.0 --notes-file notes.md" in r.stderr
    assert released.git("tag") == "v48.0.0"
    released.write("src.rs", "code")  # code since the tag: that is no notes-only change
    released.commit(f"more\n\n{MARKER}")
    r = released.run("tag")
    assert r.exit_code == 2 and "tag v48.0.0 already exists" in r.stderr


def test_tag_on_the_tagged_commit_again_is_a_no_op(released):
    r = released.run("tag")
    assert r.exit_code == 0 and r.stdout == "" and "already names HEAD" in r.stderr


def test_since_as_a_real_subprocess(released):
    before = released.git("rev-parse", "HEAD")
    released.write("Cargo.toml", 'version = "48.0.1"\n')
    released.write("RELEASES.md", released.read("RELEASES.md").replace(
        "## 48.0.0\n", "## 48.0.1\n\nReleased 2026-08-25.\n\n### Fixed\n\n* A fix.\n\n"
        + "-" * 80 + "\n\n## 48.0.0\n", 1))
    released.commit(f"Release\n\n{MARKER}")
    released.write("ci.yml", "x")
    released.commit("later")
    r = subprocess.run([sys.executable, "-m", "relnotes", "tag", "--since", before], cwd=released.root,
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "v48.0.1\n"
