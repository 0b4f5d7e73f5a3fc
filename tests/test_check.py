"""relnotes check: the PR gate, on real temporary repositories and CI-shaped checkouts."""

from __future__ import annotations

import json

import pytest
from conftest import Project, corpus, git


@pytest.fixture
def pr(project):
    """main with notes and code; a topic branch 'pr' checked out on top of it."""
    project.write("RELEASES.md", corpus("main.RELEASES.md"))
    project.write("src/lib.rs", "fn a() {}\n")
    project.write("docs/guide.md", "Guide\n")
    project.fragment("old.md", "Fixed", "An older pending fix.", prs="[1]")
    project.commit("base")
    project.git("switch", "-q", "-c", "pr")
    return project


def test_code_change_without_fragment_fails(pr):
    pr.write("src/lib.rs", "fn b() {}\n")
    pr.commit("change code")
    r = pr.run("check", "--base", "main")
    assert r.exit_code == 1
    assert "changes.d:1:1: this change touches src/lib.rs but adds no fragment to changes.d/." in r.stderr
    assert 'relnotes new --section <Added|Changed|Fixed|…> --pr <number> -m "what changed for users"' in r.stderr
    assert "add the label 'no-release-notes' or put a line 'release-notes: none'" in r.stderr


def test_code_change_with_new_fragment_passes(pr):
    pr.write("src/lib.rs", "fn b() {}\n")
    pr.fragment("new.md", "Added", "Function b.", prs="[2]")
    pr.commit("change code")
    r = pr.run("check", "--base", "main")
    assert r.exit_code == 0 and "this change adds or edits 1 fragment(s)" in r.stdout


def test_editing_an_existing_fragment_counts(pr):
    pr.write("src/lib.rs", "fn b() {}\n")
    pr.fragment("old.md", "Fixed", "An older pending fix, reworded.", prs="[1]")
    pr.commit("change code")
    assert pr.run("check", "--base", "main").exit_code == 0


def test_deleting_a_fragment_does_not_count(pr):
    pr.write("src/lib.rs", "fn b() {}\n")
    (pr.root / "changes.d/old.md").unlink()
    pr.commit("change code, drop fragment")
    r = pr.run("check", "--base", "main")
    assert r.exit_code == 1 and "adds no fragment" in r.stderr


def test_docs_only_change_needs_no_fragment(pr):
    pr.write("docs/guide.md", "Better guide\n")
    pr.write("README.md", "readme\n")
    pr.commit("docs")
    r = pr.run("check", "--base", "main")
    assert r.exit_code == 0 and "needs no fragment" in r.stdout


def test_skip_label_flag(pr):
    pr.write("src/lib.rs", "fn b() {}\n")
    pr.commit("change code")
    r = pr.run("check", "--base", "main", "--label", "no-release-notes")
    assert r.exit_code == 0 and "skipped (label 'no-release-notes')" in r.stdout


@pytest.mark.parametrize("pull_request, skipped_by", [
    ({"labels": [{"name": "bug"}, {"name": "no-release-notes"}], "body": "Refactor."},
     "label 'no-release-notes'"),
    ({"labels": [], "body": "Internal cleanup.\r\n\r\nRelease-notes: none\r\n"},
     "skip marker in the pull request description"),
], ids=["label", "body-marker"])
def test_skip_from_github_event(pr, tmp_path, pull_request, skipped_by):
    """GitHub Actions' event payload: a skip label, or the marker on its own line of the PR body."""
    pr.write("src/lib.rs", "fn b() {}\n")
    pr.commit("change code")
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": pull_request}))
    r = pr.run("check", "--base", "main", env={"GITHUB_EVENT_PATH": str(event)})
    assert r.exit_code == 0 and skipped_by in r.stdout


def test_skip_marker_in_commit_message(pr):
    pr.write("src/lib.rs", "fn b() {}\n")
    pr.commit("Refactor internals\n\nrelease-notes: none")
    r = pr.run("check", "--base", "main")
    assert r.exit_code == 0 and "skip marker in a commit message" in r.stdout


def test_marker_must_be_its_own_line(pr):
    pr.write("src/lib.rs", "fn b() {}\n")
    pr.commit("mentions release-notes: none inline only")
    assert pr.run("check", "--base", "main").exit_code == 1


def test_detached_head_and_subdirectory_work(pr):
    pr.write("src/lib.rs", "fn b() {}\n")
    pr.fragment("new.md", "Added", "Function b.", prs="[2]")
    pr.commit("change code")
    pr.git("switch", "-q", "--detach")
    sub = Project(pr.root / "src")
    r = sub.run("check", "--base", "main")
    assert r.exit_code == 0, r.output


def test_missing_base_ref_is_exit_2_with_fix(pr):
    r = pr.run("check", "--base", "origin/main")
    assert r.exit_code == 2
    assert "--base 'origin/main' is not a known commit or branch in this checkout" in r.stderr
    assert "git fetch origin main" in r.stderr


def test_shallow_clone_is_exit_2_with_fetch_depth_hint(pr, tmp_path):
    pr.write("src/lib.rs", "fn b() {}\n")
    pr.fragment("new.md", "Added", "Function b.", prs="[2]")
    pr.commit("change code 1")
    pr.write("src/lib.rs", "fn c() {}\n")
    pr.commit("change code 2")
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", "--branch", "pr", "--no-single-branch",
        f"file://{pr.root}", str(clone))
    shallow = Project(clone)
    r = shallow.run("check", "--base", "origin/main")
    assert r.exit_code == 2, r.output
    assert "shallow clone" in r.stderr and "fetch-depth: 0" in r.stderr
    assert "Traceback" not in r.output


def test_invalid_fragment_anywhere_fails_with_location(pr):
    pr.write("changes.d/bad.md", "---\nsection: Fixed\nprs: [x]\n---\nText.\n")
    pr.commit("bad fragment")
    r = pr.run("check")
    assert r.exit_code == 1
    assert "changes.d/bad.md:3:1: 'prs' must hold positive whole numbers; 'x' is not one" in r.stderr


def test_notes_structure_is_checked(pr):
    pr.write("RELEASES.md", "## 2.0.0\n\nUnreleased.\n\n## 2.0.0\n\nUnreleased.\n")
    r = pr.run("check")
    assert r.exit_code == 1
    assert "RELEASES.md:5:4: version 2.0.0 appears twice (first at line 1)" in r.stderr


def _failing(pr):
    """A code change without a fragment, and an invalid fragment in the working tree."""
    pr.write("src/lib.rs", "fn b() {}\n")
    pr.commit("change code")
    pr.write("changes.d/bad.md", "---\nsection: Fxied\n---\nText, with: 100% \"quotes\".\n")


@pytest.mark.parametrize("fmt", ["text", "github", "json"])
def test_output_formats(pr, fmt, md_snapshot):
    _failing(pr)
    r = pr.run("check", "--base", "main", "--format", fmt)
    assert r.exit_code == 1
    out = r.stdout if fmt == "json" else r.stderr
    if fmt == "json":
        data = json.loads(out)
        assert data["ok"] is False and {p["code"] for p in data["problems"]} == {"section-unknown", "missing-fragment"}
        assert data["fragments_changed"] == []
    assert out == md_snapshot


def test_bad_format_flag(pr):
    r = pr.run("check", "--format", "xml")
    assert r.exit_code == 2 and "Invalid value for '--format': 'xml' is not one of 'text', 'github', 'json'" in r.stderr


def test_glob_semantics():
    from relnotes.gate.check import is_exempt
    pats = ("docs/**", "**/*.md", ".github/**")
    assert is_exempt("docs/a/b.txt", pats) and is_exempt("README.md", pats) and is_exempt("a/b/c.md", pats)
    assert is_exempt(".github/workflows/ci.yml", pats)
    assert not is_exempt("src/docs/x.rs", pats) and not is_exempt("README.mdx", pats)


def test_shipped_integrations_run_relnotes_check():
    from conftest import ROOT
    from ruamel.yaml import YAML
    y = YAML(typ="safe", pure=True)
    action = y.load((ROOT / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    assert any("relnotes check --base" in step.get("run", "") for step in action["runs"]["steps"])
    (hook,) = y.load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hook["entry"] == "relnotes check" and hook["pass_filenames"] is False
    wf = y.load((ROOT / "examples/check-workflow.yml").read_text())
    assert wf["jobs"]["check"]["steps"][0]["with"]["fetch-depth"] == 0
