"""``history`` and ``upgrade`` over a repository whose release branches hold Wasmtime's real notes."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from conftest import CORPUS, WASMTIME_CONFIG, Project, git

BRANCHES = sorted(p.name[: -len(".RELEASES.md")] for p in CORPUS.glob("release-*.RELEASES.md"))
ENV = {"GIT_CONFIG_NOSYSTEM": "1", "GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@example.com",
       "GIT_COMMITTER_NAME": "T", "GIT_COMMITTER_EMAIL": "t@example.com",
       "GIT_AUTHOR_DATE": "1767225600 +0000", "GIT_COMMITTER_DATE": "1767225600 +0000"}


def build_release_repo(root, branches: list[str], *, main: bool = True) -> Project:
    """main with main's notes, then every branch (forked from main) with its own notes: one
    ``git fast-import`` for all branches, so 57 branches take a fraction of a second."""
    root.mkdir(parents=True)
    env = {**os.environ, **ENV, "GIT_CONFIG_GLOBAL": str(root.parent / "gitconfig")}
    (root.parent / "gitconfig").write_text("[init]\n\tdefaultBranch = main\n")
    run = lambda *a, **kw: subprocess.run(["git", *a], cwd=root, env=env, check=True,  # noqa: E731
                                          capture_output=True, **kw)
    run("init", "-q", "-b", "main")
    p = Project(root)
    p.write("relnotes.yaml", WASMTIME_CONFIG)
    p.write("changes.d/.gitkeep", "")
    if main:
        (root / "RELEASES.md").write_bytes((CORPUS / "main.RELEASES.md").read_bytes())
    run("add", "-A")
    run("commit", "-q", "-m", "main")
    stream = b""
    for b in branches:
        data = (CORPUS / f"{b}.RELEASES.md").read_bytes()
        msg = f"notes of {b}".encode()
        stream += (b"commit refs/heads/%s\ncommitter T <t@example.com> 1767225600 +0000\ndata %d\n%s\n"
                   b"from refs/heads/main^0\nM 100644 inline RELEASES.md\ndata %d\n%s\n"
                   % (b.encode(), len(msg), msg, len(data), data))
    run("fast-import", "--quiet", input=stream)
    return p


@pytest.fixture(scope="module")
def wasmtime(tmp_path_factory) -> Project:
    """All 57 release branches of the vendored corpus, and main."""
    return build_release_repo(tmp_path_factory.mktemp("wasmtime") / "repo", BRANCHES)


@pytest.fixture
def small(git_env, tmp_path) -> Project:
    return build_release_repo(tmp_path / "small", ["release-46.0.0", "release-47.0.0", "release-48.0.0"])


def test_history_lists_each_release_once_newest_first(git_env, wasmtime, md_snapshot):
    res = wasmtime.run("history", "--format", "table")
    assert res.exit_code == 0, res.output
    rows = res.output.splitlines()[1:-1]
    versions = [r.split()[0] for r in rows]
    assert len(versions) == len(set(versions)) == 208
    assert versions[:3] == ["49.0.0", "48.0.0", "47.0.4"] and versions[-1] == "0.12.0"
    assert res.output.splitlines()[-1] == "208 releases; 1822 sections in the notes of 57 release branches and main"
    assert res.output == md_snapshot


def test_history_takes_each_release_from_its_own_branch(git_env, wasmtime):
    data = json.loads(wasmtime.run("history", "--format", "json").output)
    by = {r["version"]: r for r in data["releases"]}
    # 20.0.0 is in the cumulative files of release-20.0.0 and release-21.0.0: its own wins
    assert by["20.0.0"]["branch"] == "release-20.0.0" and by["20.0.0"]["copies"] == 2
    assert by["49.0.0"] == {**by["49.0.0"], "status": "unreleased", "branch": "main", "date": None}
    assert by["48.0.0"]["status"] == "released" and by["48.0.0"]["date"] == "2026-08-20"
    assert by["48.0.0"]["text"].startswith("## 48.0.0\n\nReleased 2026-08-20.\n")
    assert data["sections_in_files"] == 1822


def test_history_markdown_stitches_the_sections(small, md_snapshot):
    res = small.run("history", "--from", "47.0.0")
    assert res.exit_code == 0, res.output
    text = res.output
    assert text.index("## 49.0.0\n") < text.index("## 48.0.0\n") < text.index("## 47.0.4\n")
    assert "## 46.0.3" not in text and "## 47.0.0\n" in text
    assert text == md_snapshot


def test_history_reads_remote_tracking_branches_and_warns_without_any(small, tmp_path):
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--no-local", str(small.root), str(clone))
    c = Project(clone)
    data = json.loads(c.run("history", "--format", "json").output)
    assert data["sections_in_files"] == 11
    assert {r["branch"] for r in data["releases"]} == {
        "main", "origin/release-46.0.0", "origin/release-47.0.0", "origin/release-48.0.0"}
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", "--single-branch", "--branch", "main",
        f"file://{small.root}", str(shallow))
    res = Project(shallow).run("history", "--format", "table")
    assert res.exit_code == 0
    assert "warning: this is a shallow clone and git knows no release branch (release-*" in res.stderr
    assert "git fetch origin '+refs/heads/release-*:refs/remotes/origin/release-*'" in res.stderr
    assert res.stdout.splitlines()[1].split()[:2] == ["49.0.0", "unreleased"]


def test_history_in_a_partial_clone_says_what_is_missing(small, tmp_path):
    small.git("config", "uploadpack.allowFilter", "true")
    clone = tmp_path / "partial"
    git(tmp_path, "clone", "-q", "--filter=blob:none", "--no-checkout", f"file://{small.root}", str(clone))
    c = Project(clone)
    c.write("relnotes.yaml", "project: Wasmtime\n")
    small.root.rename(tmp_path / "gone")  # the promisor remote cannot be reached
    res = c.run("history")
    assert res.exit_code == 2
    assert ("error: this is a partial clone: reading RELEASES.md on 4 branch(es) needs files that are not on "
            "this machine, and fetching them failed: ") in res.stderr
    assert "hint: run again where the remote is reachable" in res.stderr
    (tmp_path / "gone").rename(small.root)
    assert c.run("history", "--format", "table").stdout.splitlines()[-1] == (
        "11 releases; 11 sections in the notes of 3 release branches and main")


def test_history_without_any_notes_is_a_state_error(project):
    project.commit("empty")
    res = project.run("history")
    assert res.exit_code == 2
    assert "error: no release section found in RELEASES.md on main or any release branch" in res.stderr


def test_history_parses_a_notes_file_once(small, monkeypatch):
    from relnotes.config import load as config
    from relnotes.notes import formats
    from relnotes.questions import stitch

    cfg = config.load(start=small.root)
    stitch.stitch(cfg)
    calls = []
    real = formats.parse
    monkeypatch.setattr(formats, "parse", lambda *a, **k: calls.append(a) or real(*a, **k))
    again = stitch.stitch(cfg)
    assert calls == [] and len(again.sections) == 11
    assert again.text(again.sections[1]).startswith("## 48.0.0\n")


def test_upgrade_36_to_48_reads_changed_behaviour_first(git_env, wasmtime, md_snapshot):
    res = wasmtime.run("upgrade", "36.0.0", "48.0.0")
    assert res.exit_code == 0, res.output
    text = res.output
    heads = [ln for ln in text.splitlines() if ln.startswith("## ")]
    # nothing in these notes is marked breaking: Changed entries are listed as Changed
    assert [h.rsplit(" (", 1)[0] for h in heads] == [
        "## Security fixes", "## Changed", "## Fixes", "## Additions"]
    assert "12 releases on the way: 37.0.0, 38.0.0," in text and "47.0.0, 48.0.0." in text
    assert "### 37.0.0 — Changed (released 2025-09-20)" in text
    assert "[#11380](https://github.com/bytecodealliance/wasmtime/pull/11380)" in text
    assert text == md_snapshot


def test_upgrade_json_names_each_entrys_release_and_links(git_env, wasmtime):
    data = json.loads(wasmtime.run("upgrade", "36.0.0", "48.0.0", "--format", "json").output)
    assert [g["id"] for g in data["groups"]] == ["breaking", "lost", "security", "changed", "fixed", "added", "other"]
    assert data["groups"][0]["entries"] == [] and data["groups"][1]["entries"] == []
    assert [s["version"] for s in data["path"]] == [f"{v}.0.0" for v in range(37, 49)]
    assert "36.0.14" in data["skipped"] and "48.0.0" not in data["skipped"]
    first = data["groups"][3]["entries"][0]
    assert first["release"] == "37.0.0" and first["category"] == "Changed" and first["prs"] == [11380]
    security = data["groups"][2]["entries"]
    advisories = [a for e in security for a in e["advisories"]]
    assert advisories and len(advisories) == len(set(advisories))  # each advisory once
    assert all(e["advisories"] or "security" in e["category"].lower() for e in security)


def test_upgrade_within_a_line_lists_its_patch_releases(git_env, wasmtime):
    data = json.loads(wasmtime.run("upgrade", "36.0.3", "36.0.6", "--format", "json").output)
    assert [s["version"] for s in data["path"]] == ["36.0.4", "36.0.5", "36.0.6"]
    assert data["skipped"] == []


def test_upgrade_includes_pending_breaking_fragments_on_main(small):
    small.fragment("a.md", "Added", "A quiet addition.")
    small.fragment("b.md", "Fixed", "The `Engine` default changed.", breaking="true", prs="[99]")
    res = small.run("upgrade", "48.0.0", "49.0.0", "--format", "json")
    assert res.exit_code == 0, res.output
    breaking = json.loads(res.output)["groups"][0]["entries"]
    pending = [e for e in breaking if e["pending"]]
    assert len(pending) == 1 and pending[0]["breaking"] and pending[0]["prs"] == [99]
    assert pending[0]["release"] == "49.0.0"
    md = small.run("upgrade", "48.0.0", "49.0.0").output
    assert "### 49.0.0 — Fixed (unreleased) — pending fragment\n\n* The `Engine` default changed." in md


@pytest.mark.parametrize("marking", [
    "breaking_changes: {style: prefix}\n",  # the default prefix, "**Breaking:** "
    'breaking_changes: {style: prefix, prefix: "BREAKING: "}\n',
    "breaking_changes: {style: group, heading: Incompatible changes}\n",
])
def test_upgrade_reads_breaking_entries_as_the_configuration_marks_them(project, marking):
    """A released entry marked breaking by the configured prefix (or a renamed group) is read
    first, as breaking; an unmarked fix stays among the fixes (issue 19 follow-up: only the
    group heading 'Breaking changes' was recognised)."""
    (project.root / "relnotes.yaml").unlink()
    assert project.run("init", "--preset", "keepachangelog", "--project", "Demo",
                       "--repository", "https://github.com/o/demo").exit_code == 0
    project.write("relnotes.yaml", project.read("relnotes.yaml") + marking)
    project.commit("init")
    project.fragment("a.md", "Added", "First.", prs="[1]")
    assert project.run("release", "--version", "1.0.0", "--date", "2026-01-01").exit_code == 0
    project.fragment("b.md", "Fixed", "The parser rejects tabs.", prs="[2]", breaking="true")
    project.fragment("c.md", "Fixed", "A crash.", prs="[3]")
    r = project.run("release", "--date", "2026-02-01")
    assert r.exit_code == 0 and "stamped 2.0.0" in r.output, r.output
    project.commit("release 2.0.0")
    r = project.run("upgrade", "1.0.0", "2.0.0", "--format", "json")
    assert r.exit_code == 0, r.output
    groups = {g["id"]: g["entries"] for g in json.loads(r.stdout)["groups"]}
    assert [(e["prs"], e["breaking"]) for e in groups["breaking"]] == [([2], True)]
    assert [(e["prs"], e["breaking"]) for e in groups["fixed"]] == [([3], False)]
    md = project.run("upgrade", "1.0.0", "2.0.0").stdout
    assert md.index("The parser rejects tabs.") < md.index("## Fixes (1)") < md.index("A crash.")


@pytest.mark.parametrize(("args", "code", "message"), [
    (["48.0.0", "36.0.0"], 2, "error: FROM 48.0.0 is not older than TO 36.0.0"),
    (["36.0.0", "99.0.0"], 1, "error: no release 99.0.0 in the notes of any branch"),
    (["36.0.0", "latest"], 2, "error: TO 'latest' is not a version"),
    (["garbage", "48.0.0"], 2, "error: FROM 'garbage' is not a version"),
    (["36.0.0", "48.0.0", "--format", "pdf"], 2, "Error: Invalid value for '--format': 'pdf' is not one of 'md', 'json', 'html'."),
])
def test_upgrade_refuses_bad_arguments(small, args, code, message):
    res = small.run("upgrade", *args)
    assert res.exit_code == code
    assert message in res.stderr
    assert "Traceback" not in res.output


@pytest.mark.parametrize(("flag", "value"), [("--from", "garbage"), ("--to", "v")])
def test_history_names_the_option_whose_version_is_bad(small, flag, value):
    res = small.run("history", flag, value)
    assert res.exit_code == 2
    assert f"error: {flag} {value!r} is not a version" in res.stderr


def test_history_as_a_real_process(small):
    env = {**os.environ, "RELNOTES_NO_CACHE": "1"}
    proc = subprocess.run([sys.executable, "-m", "relnotes", "history", "--format", "table", "--to", "46.0.1"],
                          cwd=small.root, capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[1:3] == [
        "46.0.1         released    2026-06-24       1  release-46.0.0",
        "46.0.0         released    2026-06-22       1  release-46.0.0"]
