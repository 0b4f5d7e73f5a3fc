"""Advisories on Wasmtime's real 2026-08-20 security release: PR-less combined backports.

``tests/data/wasmtime-advisories/history.json`` holds the real messages (bullets only),
dates and notes of that release on five lines (see its README): the fix landed on main
as #14181 and on each branch as one ``[X.Y.x] Backports for security fixes`` commit that
names no PR; 48.0.0's notes do not name the advisory at all.  The repository is rebuilt
here commit by commit, so ``when`` and ``backports`` answer without the network.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relnotes.git.samechange import MIN_WORDS, title_key, titles
from relnotes.questions.advisories import advisory_id

DATA = Path(__file__).parent / "data" / "wasmtime-advisories" / "history.json"
HISTORY = json.loads(DATA.read_text(encoding="utf-8"))
X84V = "GHSA-x84v-gj2h-g759"  # guest-controlled host allocation: fixed by #14181
VQJP = "GHSA-vqjp-4c8c-hfgg"  # trailing-slash sandbox escape: the cap-std update


def _git(root: Path, *args: str, env: dict | None = None, input: str | None = None) -> str:
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, input=input).stdout.strip()


def _tree(root: Path, notes: str) -> str:
    blob = _git(root, "hash-object", "-w", "--stdin", input=notes)
    return _git(root, "mktree", input=f"100644 blob {blob}\tRELEASES.md\n")


@pytest.fixture
def security_release(project):
    """main plus release-24/36/46/47/48 as they were on 2026-08-20, tags and notes real."""
    root = project.root
    dated = {"GIT_AUTHOR_DATE": "2026-07-01T00:00:00+00:00", "GIT_COMMITTER_DATE": "2026-07-01T00:00:00+00:00"}
    empty = _tree(root, "## 48.0.0\n\nUnreleased.\n")
    tips = {"main": _git(root, "commit-tree", empty, "-m", "Initial", env=dated)}
    trees = {"main": empty}
    shas: dict[str, str] = {}
    for e in HISTORY["events"]:
        b = e["branch"]
        if e["event"] == "cut":
            tips[b], trees[b] = tips["main"], trees["main"]
        elif e["event"] == "commit":
            if "notes" in e:
                trees[b] = _tree(root, e["notes"])
            msg = e["subject"] + ("\n\n" + e["body"] if e["body"] else "")
            env = {"GIT_AUTHOR_DATE": e["date"], "GIT_COMMITTER_DATE": e["date"]}
            tips[b] = shas[e["sha"][:10]] = _git(root, "commit-tree", trees[b], "-p", tips[b], "-F", "-",
                                                 env=env, input=msg)
        else:
            _git(root, "tag", e["name"], tips[b])
    _git(root, "update-ref", "--stdin", input="".join(f"update refs/heads/{b} {c}\n" for b, c in tips.items()))
    _git(root, "reset", "-q", "--soft", "main")
    project.write("RELEASES.md", "## 49.0.0\n\nUnreleased.\n\n" + "-" * 80 + "\n")
    project.commit("Bump Wasmtime to 49.0.0")
    return shas


def _when(project, target: str) -> dict:
    r = project.run("when", target, "--format", "json")
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def _versions(w: dict) -> set[str]:
    return {x["version"] for x in w["releases"]}


def test_a_pr_whose_fix_shipped_in_pr_less_backports(security_release, project):
    """The issue's case: #14181 shipped in 48.0.0, 47.0.4 and 46.0.3, not "will ship in 49.0.0"."""
    w = _when(project, "#14181")
    assert w["status"] == "released"
    assert _versions(w) == {"48.0.0", "47.0.4", "46.0.3"}
    via = {x["version"]: x["commit"] for x in w["releases"]}
    assert via["48.0.0"] == security_release["f821ba610e"]  # "[48.0.0] Backports for security fixes"
    assert via["47.0.4"] == security_release["a32843fed4"]
    text = project.run("when", "#14181").stdout
    assert "will ship" not in text and "shipped in 46.0.3" in text


def test_an_advisory_is_found_where_notes_name_it_and_where_they_do_not(security_release, project):
    w = _when(project, X84V)
    assert w["advisory"] == X84V
    assert _versions(w) == {"46.0.3", "47.0.4", "48.0.0"}  # 48.0.0's notes never name it
    assert all(x["status"] == "released" and x["date"] for x in w["releases"])
    # the cap-std fix reached the LTS lines too; a CI change that only 36.0.x's combined
    # backport also carries (on main since July) must not pull in older releases
    assert _versions(_when(project, VQJP)) == {"24.0.13", "36.0.14", "46.0.3", "47.0.4", "48.0.0"}
    # the previous advisory: named in 47.0.3's notes only, which this history starts from
    assert _versions(_when(project, "ghsa-HGJW-h833-99q9")) == {"47.0.3", "46.0.2", "36.0.13", "24.0.12"}


def test_advisory_text_output_names_the_advisory(security_release, project):
    r = project.run("when", X84V)
    assert r.exit_code == 0, r.output
    first, also = r.stdout.splitlines()[:2]
    assert first.startswith(f"{X84V} shipped in 46.0.3 (release-46.0.0, fixed by ")
    assert also == "  also in: 47.0.4, 48.0.0"


def test_an_advisory_nobody_names_is_a_state_error(security_release, project):
    r = project.run("when", "CVE-2021-32629")
    assert r.exit_code == 2
    assert "names CVE-2021-32629" in r.output and "fetch the release branches" in r.output


def test_backports_knows_the_branches_that_ship_the_fix(security_release, project):
    """release-48.0.0 got the fix as a PR-less backport: it is not missing it."""
    project.fragment("limit.md", "Fixed", "Limit buffered writes in http/files.", prs="[14181]", backport="true")
    project.fragment("adv.md", "Fixed", "Guest controlled-size host heap allocation.", advisories=f"[{X84V}]")
    project.commit("fragments")
    r = project.run("backports", "--on", "2026-08-21", "--format", "json")
    assert r.exit_code == 0, r.output
    rows = {row["change"]: row for row in json.loads(r.stdout)}
    for change in ("#14181", X84V):
        assert "release-48.0.0" in rows[change]["present"], rows[change]
        assert "release-47.0.0" in rows[change]["present"]
        assert "release-48.0.0" not in rows[change]["missing"]
    assert "release-36.0.0" in rows[X84V]["missing"]  # 36.0.14 fixed only the other advisory


def test_when_advisory_as_a_subprocess(security_release, project):
    out = subprocess.run([sys.executable, "-m", "relnotes", "when", X84V, "--format", "json"], cwd=project.root,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["version"] in {"46.0.3", "47.0.4", "48.0.0"}


# -- the pure parts ------------------------------------------------------------------------


@pytest.mark.parametrize("target, ident", [
    ("GHSA-x84v-gj2h-g759", "GHSA-x84v-gj2h-g759"),
    ("ghsa-X84V-gj2h-g759", "GHSA-x84v-gj2h-g759"),
    ("cve-2021-32629", "CVE-2021-32629"),
    ("RUSTSEC-2024-0436", "RUSTSEC-2024-0436"),
    ("#14181", None),
    ("GHSA-x84v-gj2h", None),
    ("CVE-21-1", None),
    ("GHSA-x84v-gj2h-g759\nx", None),
])
def test_advisory_ids(target, ident):
    assert advisory_id(target) == ident


def test_titles_of_real_messages():
    by = {e["sha"][:10]: e for e in HISTORY["events"] if e["event"] == "commit"}
    combined = titles(by["a32843fed4"]["subject"], by["a32843fed4"]["body"])
    assert "limit buffered writes in http/files" in combined
    assert "fix msrv" not in combined and "update cap-std dependencies" not in combined  # too generic
    assert titles(by["f8cb4ca18d"]["subject"], bullets=False) == {"limit buffered writes in http/files"}
    assert title_key("[48.0.0] Limit buffered writes in http/files (#14175)") == "limit buffered writes in http/files"
    assert titles("x", "  * Indented bullets are details of a bullet") == set()


@settings(max_examples=200, deadline=None)
@given(subject=st.text(max_size=400), body=st.text(alphabet="*- \n[](#)0123456789abc.", max_size=2000))
def test_titles_are_specific_and_bounded(subject, body):
    for t in titles(subject, body):
        assert len(t.split(" ")) >= MIN_WORDS and t == t.strip() and "\n" not in t and len(t) <= 300


# -- upgrade: by ancestry, not by version number -------------------------------------------


def _groups(project, a: str, b: str) -> tuple[dict, dict]:
    r = project.run("upgrade", a, b, "--format", "json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    return data, {g["id"]: [x for e in g["entries"] for x in e["advisories"]] for g in data["groups"]}


def test_upgrade_lists_only_fixes_the_target_contains(security_release, project):
    """24.0.13's fix shipped in 36.0.14, after 36.0.13: upgrading to 36.0.13 does not get it."""
    data, groups = _groups(project, "24.0.12", "36.0.13")
    assert "24.0.13" in data["skipped"]
    assert VQJP not in groups["security"]
    assert data["latest"] == "36.0.14"
    assert "Take 36.0.14, the latest patch of 36.0.x" in project.run("upgrade", "24.0.12", "36.0.13").stdout
    # 48.0.0's notes never name them, but it carries both fixes (f821ba610e)
    data, groups = _groups(project, "24.0.12", "48.0.0")
    assert {X84V, VQJP} <= set(groups["security"]) and data["latest"] is None


def test_upgrade_names_the_fixes_a_user_would_lose(security_release, project):
    """36.0.14 has the trailing-slash fix; 46.0.2 (older by date, newer by number) does not."""
    data, groups = _groups(project, "36.0.14", "46.0.2")
    assert groups["lost"] == [VQJP]
    assert "GHSA-hgjw-h833-99q9" not in groups["lost"]  # fixed in 36.0.13 and 46.0.2 alike
    text = project.run("upgrade", "36.0.14", "46.0.2").stdout
    assert "## Security fixes you would lose (1)" in text and "Take 46.0.3" in text
    html = project.run("upgrade", "36.0.14", "46.0.2", "--format", "html").stdout
    assert 'id="lost"' in html and "Take 46.0.3, the latest patch of 46.0.x" in html


def test_the_preset_writes_a_security_fix_as_wasmtime_does(project):
    """`new --advisory` without --section: `### Fixed` with the advisory link, as 47.0.4's notes have it."""
    real = next(e["notes"] for e in HISTORY["events"] if e.get("sha", "").startswith("254cb7a02d"))
    entry = real.split("### Fixed\n\n", 1)[1].split("\n\n", 1)[0]  # the first entry, verbatim
    assert X84V in entry
    project.write("RELEASES.md", "## 49.0.0\n\nUnreleased.\n\n### Added\n\n### Changed\n\n" + "-" * 80 + "\n")
    project.commit("notes")
    out = subprocess.run([sys.executable, "-m", "relnotes", "new", "--advisory", X84V, "-m",
                          "Guest controlled-size host heap allocation through WASIp3 streams."],
                         cwd=project.root, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert out.returncode == 0, out.stderr
    assert "section: Fixed\n" in (project.root / out.stdout.strip()).read_text(encoding="utf-8")
    draft = project.run("build", "--draft").stdout
    assert "### Fixed\n\n" + entry + "\n" in draft
