"""examples/wasmtime/relnotes.yaml reproduces Wasmtime's real "Bump Wasmtime to N.0.0" commits.

The trees are trimmed real files (tests/data/wasmtime-bump/README.md): ``relnotes cut
--commit`` on ``before/`` must give ``after/`` byte for byte, every Cargo.toml,
wasmtime.h and RELEASES.md, and commit them with what the hook (a fake ``cargo``: it
writes Cargo.lock and supply-chain/imports.lock from the versions in its environment) changed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data" / "wasmtime-bump"
EXAMPLE = ROOT / "examples" / "wasmtime" / "relnotes.yaml"
BUMPS = ["41.0.0", "49.0.0"]

FAKE_CARGO = """\
import os, pathlib, sys
old, new = os.environ["RELNOTES_OLD_VERSION"], os.environ["RELNOTES_NEW_VERSION"]
if sys.argv[1] == "fetch":
    pathlib.Path("Cargo.lock").write_text(f'name = "wasmtime"\\nversion = "{new}"\\n')
else:
    p = pathlib.Path("supply-chain/imports.lock")
    p.parent.mkdir(exist_ok=True)
    p.write_text(f"# vetted {old} -> {new}\\n")
"""


def _files(side: Path) -> dict[str, str]:
    return {p.relative_to(side).as_posix(): p.read_bytes().decode("utf-8")
            for p in sorted(side.rglob("*")) if p.is_file()}


def example_config(cargo: list[str]) -> str:
    """The example as shipped, its hook's ``cargo`` replaced by ``cargo`` (an argument list)."""
    text = EXAMPLE.read_text()
    shown = ", ".join(f"'{a}'" for a in cargo)
    text = text.replace("    - [cargo, fetch]", f"    - [{shown}, fetch]").replace("    - [cargo, vet]",
                                                                                  f"    - [{shown}, vet]")
    assert text.count(shown) == 2
    return text


@pytest.fixture
def wasmtime(project):
    def setup(bump: str):
        for path, text in _files(DATA / bump / "before").items():
            project.write(path, text)
        project.write("Cargo.lock", "stale\n")
        project.write("fake_cargo.py", FAKE_CARGO)
        project.write("relnotes.yaml", example_config([sys.executable, "fake_cargo.py"]))
        project.commit(f"before the bump to {bump}")
        return project

    return setup


@pytest.mark.parametrize("bump", BUMPS)
def test_cut_reproduces_the_real_bump_commit(wasmtime, bump):
    project = wasmtime(bump)
    major = int(bump.split(".")[0])
    r = project.run("cut", "--commit")
    assert r.exit_code == 0, r.output
    after = _files(DATA / bump / "after")
    assert len(after) == 23  # Cargo.toml, 20 Cranelift manifests, wasmtime.h, RELEASES.md
    for path, text in after.items():
        assert project.read(path) == text, path
    # the hook ran with the versions and its files joined the one cut commit
    assert project.read("Cargo.lock") == f'name = "wasmtime"\nversion = "{bump}"\n'
    assert project.read("supply-chain/imports.lock") == f"# vetted {major - 1}.0.0 -> {bump}\n"
    assert "hooks.bump changed Cargo.lock, supply-chain/\n" in r.stdout  # a new directory, as git status names it
    assert project.git("log", "-1", "--format=%s") == f"Bump Wasmtime to {bump}"
    committed = set(project.git("show", "--format=", "--name-only", "HEAD").split("\n"))
    assert committed == set(after) | {"Cargo.lock", "supply-chain/imports.lock"}
    assert project.git("status", "--porcelain") == ""
    assert project.git("branch", "--list", f"release-{major - 1}.0.0") != ""


def test_cut_dry_run_runs_no_hook_and_shows_the_whole_bump(wasmtime):
    project = wasmtime("49.0.0")
    r = project.run("cut", "--dry-run")
    assert r.exit_code == 0, r.output
    assert project.read("Cargo.lock") == "stale\n"
    assert not (project.root / "supply-chain").exists()
    assert '-#define WASMTIME_VERSION_MAJOR 48\n+#define WASMTIME_VERSION_MAJOR 49' in r.stdout
    assert r.stdout.count('+cranelift-isle = { path = "../isle/isle", version = "=0.136.0" }') == 1
    assert r.stdout.count('version = "=49.0.0"') == 26  # every exact pin of the workspace


def test_cut_as_a_real_subprocess(wasmtime):
    project = wasmtime("49.0.0")
    env = {**os.environ, "RELNOTES_NO_CACHE": "1"}
    r = subprocess.run([sys.executable, "-m", "relnotes", "cut", "--commit"], cwd=project.root, env=env,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    assert project.read("Cargo.toml") == (DATA / "49.0.0" / "after" / "Cargo.toml").read_text()
    assert "Cargo.lock" in project.git("show", "--format=", "--name-only", "HEAD")


def test_a_failing_hook_commits_nothing_and_names_the_command(wasmtime):
    project = wasmtime("49.0.0")
    project.write("fake_cargo.py", "import sys\nopen('Cargo.lock', 'w').write('half')\n"
                                   "sys.stderr.write('error: failed to get `wasmtime` as a dependency\\n')\n"
                                   "sys.exit(101)\n")
    project.commit("a cargo that fails")
    head = project.git("rev-parse", "HEAD")
    r = project.run("cut", "--commit")
    assert r.exit_code == 2
    assert "hooks.bump[0]" in r.stderr and "fake_cargo.py fetch" in r.stderr
    assert "exited with status 101; nothing was committed" in r.stderr
    assert "error: failed to get `wasmtime` as a dependency" in r.stderr
    assert project.git("rev-parse", "HEAD") == head
    assert project.read("Cargo.lock") == "stale\n"  # what the command wrote is restored
    # fixed, the rerun finishes the same cut (the crash record) and commits it whole
    project.write("fake_cargo.py", FAKE_CARGO)
    r = project.run("cut", "--commit")
    assert r.exit_code == 0, r.output
    assert project.read("Cargo.toml") == (DATA / "49.0.0" / "after" / "Cargo.toml").read_text()
    assert "Cargo.lock" in project.git("show", "--format=", "--name-only", "HEAD")
