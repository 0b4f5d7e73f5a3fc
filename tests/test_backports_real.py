"""Backports on Wasmtime's squash-merged history: real commit messages, real branch placement.

``tests/data/wasmtime-backports/history.json`` holds trimmed real messages of every
backport shape Wasmtime writes, with the branch each landed on and the tags around
them (see its README); the repository is rebuilt here commit by commit, so ``when``
and ``backports`` answer on the real shapes without the network.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relnotes.git.backports import MAX_MESSAGE, parse

DATA = Path(__file__).parent / "data" / "wasmtime-backports" / "history.json"
HISTORY = json.loads(DATA.read_text(encoding="utf-8"))
EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"


def _message(sha_prefix: str) -> dict:
    return next(e for e in HISTORY["events"] if e["event"] == "commit" and e["sha"].startswith(sha_prefix))


# -- the parser on each real shape ------------------------------------------------------------


@pytest.mark.parametrize("sha, own, originals", [
    ("4c582a2412", 13679, (13610,)),  # Title (#orig) (#backport)
    ("a90217a15d", 14166, (14162,)),
    ("69a78fc135", 8767, (8766,)),  # [22.0.0] title; the original as a body bullet
    ("bb8eec8b9e", 7537, (7527, 7533)),  # [15.0.0] combined, CRLF line ends
    ("c267eed305", 14138, (14130, 14126, 14133, 14107, 14111)),  # [48.0.0] combined
    ("cda17438e0", 11697, (11696,)),  # (backport of https://…/pull/11696)
    ("8aa579dd1f", 13610, ()),  # the original on main names nothing
])
def test_real_backport_messages(sha, own, originals):
    m = _message(sha)
    got = parse(m["subject"], m["body"])
    assert got.own == own
    assert got.originals[:len(originals)] == originals
    assert set(got.originals) >= set(originals)


def test_mentions_that_are_not_backports_are_not_originals():
    # "partial revert of #8609" in the body of #8766 on main; "Fixes #14053" in a bullet's text
    assert parse(*[_message("9592d12e1e")[k] for k in ("subject", "body")]).originals == ()
    assert parse("Fix it (#3)", "Fixes #14053\nfollow-up to #11514\n").originals == ()


def test_cherry_pick_and_port_of_trailers_name_commits():
    m = _message("a3eb27af01")
    got = parse(m["subject"], m["body"])
    assert got.commits == ("4afa5455ad9227ad272a1f7ae9daab94a4eb601a",) and got.branch_prefixed
    assert parse("x", "Port of 89d1a79 to release-36.0.0 branch").commits == ("89d1a79",)


@settings(max_examples=200, deadline=None)
@given(subject=st.text(alphabet="([#0-9)] *-\nbackport of/pull", max_size=200),
       body=st.text(alphabet="([#0-9)] *-\r\nbackport cherry-pick of/pull", max_size=600))
def test_parse_never_fails_and_names_only_numbers_it_saw(subject, body):
    got = parse(subject, body)
    for n in got.originals + ((got.own,) if got.own else ()):
        assert str(n) in subject + body and 0 < n < 10 ** 9
    assert got.own not in got.originals


@pytest.mark.parametrize("hostile", [
    "* " + "(#1" * 20000,
    "backport " * 20000,
    "* x" + " " * 60000 + "(#1",
    ("backport #1 " * 5000 + "\n") * 4,
])
def test_hostile_messages_are_linear(hostile):
    t = time.perf_counter()
    parse(hostile, hostile)
    assert time.perf_counter() - t < 0.5
    assert len(hostile[:MAX_MESSAGE]) <= MAX_MESSAGE


# -- the repository rebuilt from the real events ------------------------------------------


def _git(root: Path, *args: str, env: dict | None = None, input: str | None = None) -> str:
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, input=input).stdout.strip()


def _dated(iso: str) -> dict:
    return {"GIT_AUTHOR_DATE": iso, "GIT_COMMITTER_DATE": iso}


@pytest.fixture
def real_history(project):
    """main plus release-15.0.0 … release-48.0.0 as they happened, messages and dates real."""
    root = project.root
    tips = {"main": _git(root, "commit-tree", EMPTY_TREE, "-m", "Initial", env=_dated("2023-11-01T00:00:00+00:00"))}
    shas = {}
    for e in HISTORY["events"]:
        if e["event"] == "cut":
            tips[e["branch"]] = tips["main"]
        elif e["event"] == "commit":
            msg = e["subject"] + ("\n\n" + e["body"] if e["body"] else "")
            new = _git(root, "commit-tree", EMPTY_TREE, "-p", tips[e["branch"]], "-F", "-",
                       env=_dated(e["date"]), input=msg)
            tips[e["branch"]] = shas[e["sha"][:10]] = new
        else:  # a release: an empty "Release Wasmtime X" commit on the branch, tagged
            new = _git(root, "commit-tree", EMPTY_TREE, "-p", tips[e["branch"]], "-m",
                       f"Release Wasmtime {e['name'][1:]}", env=_dated(e["date"]))
            tips[e["branch"]] = new
            _git(root, "tag", e["name"], new)
    _git(root, "update-ref", "--stdin", input="".join(f"update refs/heads/{b} {c}\n" for b, c in tips.items()))
    project.write("RELEASES.md", "## 49.0.0\n\nUnreleased.\n\n" + "-" * 80 + "\n")
    project.commit("Bump Wasmtime to 49.0.0")
    return shas


@pytest.mark.parametrize("pr, version, via, others", [
    (7527, "15.0.0", "bb8eec8b9e", ["16.0.0", "22.0.0"]),  # combined [15.0.0] backport, CRLF
    (8766, "22.0.0", "69a78fc135", ["23.0.0"]),  # [22.0.0] title, original as a body bullet
    (11696, "37.0.0", "cda17438e0", ["46.0.0"]),  # "(backport of https://…/pull/11696)"
    (13610, "46.0.0", "4c582a2412", ["47.0.0", "48.0.0"]),  # Title (#orig) (#backport)
    (14126, "48.0.0", "c267eed305", []),  # merged to main after the 48 cut; only the backport ships
    (14162, "48.0.0", "a90217a15d", []),
])
def test_when_finds_the_earliest_release_through_the_backport(real_history, project, pr, version, via, others):
    r = project.run("when", f"#{pr}", "--format", "json")
    assert r.exit_code == 0, r.output
    w = json.loads(r.stdout)
    assert (w["version"], w["status"]) == (version, "released")
    assert w["releases"][0]["commit"] == real_history[via]
    assert [x["version"] for x in w["releases"][1:]][:len(others)] == others
    text = project.run("when", f"#{pr}").stdout
    assert f"shipped in {version} (release-{version}, as backport {real_history[via][:12]})" in text


def test_when_on_the_backport_commit_itself(real_history, project):
    r = project.run("when", real_history["4c582a2412"], "--format", "json")
    w = json.loads(r.stdout)
    assert (w["version"], w["status"]) == ("46.0.0", "released")


def test_backports_sees_a_squash_merged_backport(real_history, project):
    """#14162 landed on release-48.0.0 as a90217a15d: present there, missing on 47 and 46."""
    project.fragment("alias.md", "Fixed", "Alias analysis keeps loads with different byte orders.",
                     prs="[14162]", backport="true")
    project.commit("fragment")
    r = project.run("backports", "--on", "2026-08-20", "--format", "json")  # 46 supported to the 20th
    assert r.exit_code == 0, r.output
    (row,) = json.loads(r.stdout)
    assert row["present"] == ["release-48.0.0"]
    assert sorted(row["missing"]) == ["release-46.0.0", "release-47.0.0"]


def test_the_index_is_keyed_on_the_shallow_boundary(real_history, project, tmp_path):
    """A deepen adds history without moving a ref: the cached graph must be read again."""
    clone = tmp_path / "shallow"
    _git(tmp_path, "clone", "-q", "--depth", "1", "--no-single-branch", f"file://{project.root}", str(clone))
    _git(clone, "fetch", "-q", "--depth", "1", "origin", "+refs/tags/*:refs/tags/*")
    from typer.testing import CliRunner

    from relnotes.cli import app

    def when(target):
        old = Path.cwd()
        os.chdir(clone)
        try:
            return CliRunner().invoke(app, ["when", target, "--format", "json"])
        finally:
            os.chdir(old)

    assert when("#13610").exit_code == 2  # the original is below the boundary
    assert (clone / ".git/relnotes/history-v2.marshal").exists()
    _git(clone, "fetch", "-q", "--unshallow", "origin")
    r = when("#13610")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["version"] == "46.0.0"


def test_an_untagged_first_release_falls_back_to_the_notes(project):
    """v38.0.0 was never tagged, v38.0.1 was; release-38.0.0's notes say 38.0.0 was released."""
    project.write("RELEASES.md", "## 38.0.0\n\nUnreleased.\n\n" + "-" * 80 + "\n")
    feature = project.commit("Speed up testing the C API in CI (#11765)")
    project.git("switch", "-q", "-c", "release-38.0.0")
    project.write("RELEASES.md", "## 38.0.1\n\nReleased 2025-10-20.\n\n" + "-" * 80 + "\n\n"
                  "## 38.0.0\n\nReleased 2025-10-20.\n\n" + "-" * 80 + "\n")
    project.commit("Release Wasmtime 38.0.1 (#11888)")
    project.git("tag", "v38.0.1")
    fix = project.commit("Fix compatibility with the Go runtime (#11892) (#11900)")
    project.git("switch", "-q", "main")
    project.write("RELEASES.md", "## 39.0.0\n\nUnreleased.\n\n" + "-" * 80 + "\n")
    project.commit("Bump Wasmtime to 39.0.0")
    w = json.loads(project.run("when", feature, "--format", "json").stdout)
    assert (w["version"], w["status"], w["date"]) == ("38.0.0", "released", "2025-10-20")
    w = json.loads(project.run("when", fix, "--format", "json").stdout)  # after the tag: the next patch
    assert (w["version"], w["status"]) == ("38.0.2", "upcoming")
