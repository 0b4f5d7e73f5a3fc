"""A release branch cut before relnotes.yaml existed uses main's, and says so (issue 30).
Before, it silently got the plain preset: no calendar, PR numbers unlinked."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import corpus


@pytest.fixture
def repo(project):
    config = project.read("relnotes.yaml")
    (project.root / "relnotes.yaml").unlink()
    project.write("RELEASES.md", corpus("history/release-48.0.0-at-cut-2026-08-03.RELEASES.md"))
    project.commit("before relnotes")
    project.git("branch", "release-48.0.0")
    project.write("relnotes.yaml", config)
    project.commit("adopt relnotes")
    project.git("switch", "-q", "release-48.0.0")
    assert not (project.root / "relnotes.yaml").exists()
    return project


def test_a_release_branch_without_configuration_uses_mains(repo):
    r = repo.run("schedule", "--from", "2026-09-01", "--count", "1")
    assert r.exit_code == 0, r.output  # the plain preset has no calendar: exit 2
    assert "49.0.0" in r.stdout and "2026-09-21" in r.stdout
    assert "note: release-48.0.0 has no relnotes.yaml: using the one at main (commit" in r.stderr


def test_fragments_are_linked_with_mains_repository(repo):
    repo.fragment("fix.md", "Fixed", "A fix.", prs=[11950])
    r = repo.run("build", "--draft")
    assert r.exit_code == 0, r.output
    assert "[#11950](https://github.com/bytecodealliance/wasmtime/pull/11950)" in r.stdout


def test_another_branch_keeps_the_defaults(repo):
    repo.git("switch", "-q", "-c", "topic")
    r = repo.run("schedule")
    assert r.exit_code == 2 and "note:" not in r.stderr


def test_main_on_its_own_keeps_the_defaults(project):
    (project.root / "relnotes.yaml").unlink()
    project.write("RELEASES.md", "## 1.0.0\n\nUnreleased.\n")
    project.commit("x")
    r = project.run("schedule")
    assert r.exit_code == 2 and "note:" not in r.stderr


def test_mains_configuration_is_bounded_and_validated(repo):
    repo.git("switch", "-q", "main")
    repo.write("relnotes.yaml", repo.read("relnotes.yaml") + "unknown_key: 1\n")
    repo.commit("bad key on main")
    repo.git("switch", "-q", "release-48.0.0")
    r = repo.run("schedule")
    assert r.exit_code == 2 and "unknown key 'unknown_key'" in r.stderr and "Traceback" not in r.output
    repo.git("switch", "-q", "main")
    repo.write("relnotes.yaml", "# " + "x" * (300 * 1024) + "\npreset: wasmtime\n")
    repo.commit("huge")
    repo.git("switch", "-q", "release-48.0.0")
    r = repo.run("schedule")
    assert r.exit_code == 2 and "main:relnotes.yaml" in r.stderr and "too large" in r.stderr


def test_as_a_real_subprocess(repo):
    r = subprocess.run([sys.executable, "-m", "relnotes", "schedule", "--count", "1", "--from", "2026-09-01"],
                       cwd=repo.root, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "using the one at main" in r.stderr


# -- monorepo packages: a package's release branch cut before the root's relnotes.yaml --------


@pytest.fixture
def mono_branch(git_env, tmp_path):
    """Mono's cli package had a release branch (cli-release-0.1.0) before relnotes.yaml arrived."""
    from test_monorepo import make_mono

    p = make_mono(tmp_path / "mono")
    config = p.read("relnotes.yaml")
    p.git("rm", "-q", "relnotes.yaml")
    p.commit("before relnotes")
    p.git("branch", "cli-release-0.1.0")
    p.git("branch", "web-0.1.0")
    p.git("branch", "feature")
    p.write("relnotes.yaml", config)
    p.commit("adopt relnotes")
    return p


@pytest.mark.parametrize("branch, project", [("cli-release-0.1.0", "cli"), ("web-0.1.0", "web")])
def test_a_package_release_branch_uses_mains_configuration(mono_branch, branch, project):
    mono_branch.git("switch", "-q", branch)
    mono_branch.write(f"{'packages/web' if project == 'web' else 'cli'}/changes.d/fix.md",
                      "---\nsection: Fixed\nprs: [7]\n---\nA fix.\n")
    r = mono_branch.run("--project", project, "build", "--draft")
    assert r.exit_code == 0, r.output
    assert f"note: {branch} has no relnotes.yaml: using the one at main (commit" in r.stderr
    assert "[#7](https://github.com/example/mono/pull/7)" in r.stdout  # main's repository: linked


def test_another_branch_of_a_monorepo_keeps_the_defaults(mono_branch):
    mono_branch.git("switch", "-q", "feature")
    r = mono_branch.run("--project", "cli", "check")
    assert "has no relnotes.yaml: using the one at" not in r.stderr
    assert r.exit_code == 2 and "cli" in r.stderr  # no projects without a configuration
