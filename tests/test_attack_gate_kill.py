"""Attacks on the gate (check --base reads its rules from the base, runs nothing from the
head) and on interruption (a SIGKILL while hooks.bump runs): a rerun finishes exactly once."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import corpus


def vfiles(path: str, pattern: str) -> str:
    return f"version_files:\n  - {{path: '{path}', pattern: '{pattern}'}}\n"


@pytest.fixture
def pr(project):
    project.write("RELEASES.md", corpus("history/main-2025-08-05-before-bump-37.0.0.RELEASES.md"))
    project.write("Cargo.toml", 'version = "36.0.0"\n')
    project.write("src/lib.rs", "fn main() {}\n")
    project.commit("main")
    project.git("switch", "-q", "-c", "pr")
    return project


def test_a_pull_request_cannot_exempt_itself_from_the_gate(pr):
    pr.write("relnotes.yaml", pr.read("relnotes.yaml") + "check:\n  exempt_paths: ['**']\n  skip_marker: 'x'\n")
    pr.write("src/lib.rs", "fn main() { evil() }\n")
    pr.commit("x: sneak a change")
    r = pr.run("check", "--base", "main")
    assert r.exit_code == 1, r.output


def test_a_pull_request_config_with_hostile_hooks_and_paths_runs_nothing(pr, tmp_path):
    marker = tmp_path / "ran"
    pr.write("relnotes.yaml", pr.read("relnotes.yaml") + vfiles("Cargo.toml", 'version = "{version}"')
             + f"hooks:\n  bump:\n    - ['{sys.executable}', '-c', 'open(r\"{marker}\", \"w\")']\n")
    pr.fragment("x.md", "Added", "A thing.")
    pr.commit("a pull request with a hook")
    for args in (["check", "--base", "main"], ["check", "--base", "main", "--format", "github"],
                 ["check", "--base", "main", "--format", "json"], ["build", "--draft"], ["show"]):
        r = pr.run(*args)
        assert r.exit_code in (0, 1), r.output
        assert not marker.exists(), args


def test_a_pull_request_config_naming_files_outside_is_a_located_error(pr):
    pr.write("relnotes.yaml", pr.read("relnotes.yaml") + vfiles("../../etc/passwd", 'root:{version}'))
    pr.fragment("x.md", "Added", "A thing.")
    pr.commit("outside")
    r = pr.run("check", "--base", "main")
    assert r.exit_code == 2, r.output
    assert "relnotes.yaml" in r.output and "internal error" not in r.output


@pytest.mark.parametrize("base", ["--output=/tmp/pwned", "-c", "main\n--all", "main..--x", "^-x", "main@{-1}" * 2000])
def test_hostile_base_values_are_usage_errors(pr, base):
    pr.fragment("x.md", "Added", "A thing.")
    pr.commit("x")
    r = pr.run("check", "--base", base)
    assert r.exit_code == 2, r.output
    assert "internal error" not in r.output and len(r.output) < 3000


def test_a_pull_request_branch_name_with_shell_syntax_is_only_data(pr):
    pr.git("branch", "-m", "pr", "pr/$(touch${IFS}pwned)")
    pr.fragment("x.md", "Added", "A thing.")
    pr.commit("x")
    r = pr.run("check", "--base", "main", "--format", "github")
    assert r.exit_code == 0, r.output
    assert not (pr.root / "pwned").exists()


KILLER = "import os, signal, sys\nif not os.path.exists('killed'):\n    open('killed', 'w').close()\n" \
         "    os.kill(os.getppid(), signal.SIGKILL)\n"


def relnotes(root, *args):
    return subprocess.run([sys.executable, "-m", "relnotes", *args], cwd=root, capture_output=True, text=True,
                          timeout=120)


def test_sigkill_during_the_cut_hook_then_a_rerun_finishes_once(project):
    project.write("RELEASES.md", corpus("history/main-2025-08-05-before-bump-37.0.0.RELEASES.md"))
    project.write("Cargo.toml", 'version = "36.0.0-dev"\n')
    project.write("hook.py", KILLER)
    project.write(".gitignore", "killed\n")
    project.write("relnotes.yaml", project.read("relnotes.yaml") + vfiles("Cargo.toml", 'version = "{version}"')
                  + f"hooks:\n  bump:\n    - ['{sys.executable}', hook.py]\n")
    head = project.commit("state")
    r = relnotes(project.root, "cut", "--commit")
    assert r.returncode == -9, r.stdout + r.stderr
    r = relnotes(project.root, "cut", "--commit")
    assert r.returncode == 0, r.stdout + r.stderr
    notes = project.read("RELEASES.md")
    assert notes.count("## 37.0.0") == 1 and "## 36.0.0" not in notes
    assert notes.count("release-36.0.0/RELEASES.md") == 1
    assert project.read("Cargo.toml") == 'version = "37.0.0-dev"\n'
    assert project.git("rev-parse", "release-36.0.0") == head and project.git("rev-parse", "HEAD^") == head
    assert project.git("status", "--porcelain") == ""


def test_sigkill_during_the_rc_hook_then_a_rerun_makes_one_candidate(project):
    project.write("RELEASES.md", corpus("history/release-48.0.0-at-cut-2026-08-03.RELEASES.md"))
    project.write("Cargo.toml", 'version = "48.0.0-dev"\n')
    project.write("hook.py", KILLER)
    project.write(".gitignore", "killed\n")
    project.write("relnotes.yaml", project.read("relnotes.yaml") + vfiles("Cargo.toml", 'version = "{version}"')
                  + f"hooks:\n  bump:\n    - ['{sys.executable}', hook.py]\n")
    project.commit("state")
    project.git("switch", "-q", "-c", "release-48.0.0")
    head = project.git("rev-parse", "HEAD")
    r = relnotes(project.root, "rc", "--commit")
    assert r.returncode == -9, r.stdout + r.stderr
    r = relnotes(project.root, "rc", "--commit")
    assert r.returncode == 0, r.stdout + r.stderr
    assert project.read("Cargo.toml") == 'version = "48.0.0-rc.1"\n'
    assert project.git("rev-parse", "HEAD^") == head
    assert project.git("status", "--porcelain") == ""
