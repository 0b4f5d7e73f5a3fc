"""check --base for projects that write notes in bulk (issue 30): ``check.mode: advise``
and ``check.require_for`` (paths, labels), read like every gate rule from the base."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import corpus

ADVISE = "check: {mode: advise}\n"
BY_PATH = "check: {mode: advise, require_for: {paths: ['crates/wasi/**', 'src/security/**']}}\n"


@pytest.fixture
def base(project):
    project.write("RELEASES.md", corpus("main.RELEASES.md"))
    project.write("src/lib.rs", "fn a() {}\n")
    project.write("crates/wasi/lib.rs", "fn w() {}\n")
    return project


def _pr(project, config: str = "") -> None:
    if config:
        project.write("relnotes.yaml", project.read("relnotes.yaml") + config)
    project.commit("base")
    project.git("switch", "-q", "-c", "pr")


def test_require_is_the_default_and_fails(base):
    _pr(base)
    base.write("src/lib.rs", "fn b() {}\n")
    base.commit("code")
    r = base.run("check", "--base", "main")
    assert r.exit_code == 1 and "this change touches src/lib.rs but adds no fragment" in r.stderr


def test_advise_passes_with_the_same_message(base):
    _pr(base, ADVISE)
    base.write("src/lib.rs", "fn b() {}\n")
    base.commit("code")
    r = base.run("check", "--base", "main")
    assert r.exit_code == 0, r.output
    assert "this change touches src/lib.rs but adds no fragment to changes.d/" in r.stdout
    assert "(advised, not required)" in r.stdout
    assert "advised, not required (the base's check.mode: advise)" in r.stdout
    data = json.loads(base.run("check", "--base", "main", "--format", "json").stdout)
    assert data["ok"] is True and data["problems"] == []
    assert [a["code"] for a in data["advice"]] == ["missing-fragment"]
    gh = base.run("check", "--base", "main", "--format", "github")
    assert gh.exit_code == 0 and "::warning file=changes.d,line=1,col=1,title=relnotes missing-fragment::" in gh.stdout


def test_advise_still_fails_a_bad_fragment(base):
    _pr(base, ADVISE)
    base.write("changes.d/bad.md", "---\nsection: Nope\n---\nx\n")
    base.commit("bad fragment")
    r = base.run("check", "--base", "main")
    assert r.exit_code == 1 and "Nope" in r.stderr


@pytest.mark.parametrize("path, code", [("crates/wasi/lib.rs", 1), ("src/lib.rs", 0)])
def test_require_for_paths(base, path, code):
    _pr(base, BY_PATH)
    base.write(path, "changed\n")
    base.commit("code")
    r = base.run("check", "--base", "main")
    assert r.exit_code == code, r.output
    assert f"this change touches {path} but adds no fragment" in r.output


@pytest.mark.parametrize("labels, code", [((), 0), (("security",), 1), (("other",), 0)])
def test_require_for_labels(base, labels, code):
    _pr(base, "check: {require_for: {labels: [security]}}\n")
    base.write("src/lib.rs", "fn b() {}\n")
    base.commit("code")
    args = [a for label in labels for a in ("--label", label)]
    r = base.run("check", "--base", "main", *args)
    assert r.exit_code == code, r.output


def test_the_base_decides_a_pr_cannot_turn_itself_to_advise(base):
    _pr(base)
    base.write("relnotes.yaml", base.read("relnotes.yaml") + ADVISE)
    base.write("src/lib.rs", "fn b() {}\n")
    base.commit("code, and advise please")
    r = base.run("check", "--base", "main")
    assert r.exit_code == 1, r.output
    assert "changes the gate's rules (check.mode)" in r.stderr


def test_advice_is_in_the_preview(base, tmp_path):
    _pr(base, ADVISE)
    base.write("src/lib.rs", "fn b() {}\n")
    base.commit("code")
    out = tmp_path / "preview.md"
    r = base.run("check", "--base", "main", "--preview", str(out))
    assert r.exit_code == 0, r.output
    text = out.read_text()
    assert "### A fragment is advised" in text and "this change touches src/lib.rs" in text
    assert "problem" not in text


def test_unknown_mode_is_refused_with_the_words(base):
    base.write("relnotes.yaml", base.read("relnotes.yaml") + "check: {mode: warn}\n")
    r = base.run("check")
    assert r.exit_code == 2 and "require" in r.stderr and "advise" in r.stderr


def test_advise_as_a_real_subprocess(base):
    _pr(base, ADVISE)
    base.write("src/lib.rs", "fn b() {}\n")
    base.commit("code")
    r = subprocess.run([sys.executable, "-m", "relnotes", "check", "--base", "main"], cwd=base.root,
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "adds no fragment" in r.stdout
