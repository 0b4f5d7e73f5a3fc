"""Several release branch patterns (issue 30): Wasmtime's 0.26.1, the CVE-2021-32629 fix,
lives on ``stable-v0.26``, a branch ``release-{version}`` does not name."""

from __future__ import annotations

import json

import pytest

from relnotes.version import Version, version_of_branch

SEP = "-" * 80
NOTES_026 = (f"## 0.26.1\n\nReleased 2021-05-21.\n\n### Security fixes.\n\n* Fixed CVE-2021-32629.\n\n{SEP}\n\n"
             f"## 0.26.0\n\nReleased 2021-04-05.\n\n### Added\n\n* Things.\n")
NOTES_027 = "## 0.27.0\n\nReleased 2021-05-21.\n\n### Added\n\n* More.\n"


@pytest.fixture
def repo(project):
    project.write("RELEASES.md", NOTES_026)
    project.commit("0.26")
    project.git("branch", "stable-v0.26")
    project.write("RELEASES.md", NOTES_027)
    project.commit("0.27")
    project.git("branch", "release-0.27.0")
    project.write("RELEASES.md", "## 0.28.0\n\nUnreleased.\n\n### Added\n")
    project.commit("main")
    return project


def _history(project) -> dict[str, str]:
    r = project.run("history", "--format", "json")
    assert r.exit_code == 0, r.output
    return {rel["version"]: rel["branch"] for rel in json.loads(r.stdout)["releases"]}


def test_the_wasmtime_preset_reads_stable_v_branches(repo):
    found = _history(repo)
    assert found["0.26.1"] == "stable-v0.26" and found["0.27.0"] == "release-0.27.0"


def test_without_the_pattern_the_branch_is_invisible(repo):
    repo.write("relnotes.yaml", repo.read("relnotes.yaml") + "release_branches: []\n")
    repo.commit("config")
    assert "0.26.1" not in _history(repo)


def test_when_names_the_stable_branch(repo):
    fix = repo.git("rev-parse", "stable-v0.26")
    r = repo.run("when", fix, "--format", "json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["branch"] == "stable-v0.26"


@pytest.mark.parametrize("value, message", [
    ("['stable-v']", "must contain '{version}' exactly once"),
    ("stable-v{version}", "must be a list of branch name patterns"),
])
def test_patterns_are_checked(project, value, message):
    project.write("relnotes.yaml", project.read("relnotes.yaml") + f"release_branches: {value}\n")
    r = project.run("check")
    assert r.exit_code == 2 and message in r.stderr, r.output


def test_version_of_branch_takes_major_minor_only_from_the_extra_patterns():
    patterns = ("release-{version}", "stable-v{version}")
    assert version_of_branch("stable-v0.26", patterns) == Version(0, 26, 0)
    assert version_of_branch("release-0.26", patterns) is None  # cut names whole versions
    assert version_of_branch("release-48.0.0", patterns) == Version(48, 0, 0)
    assert version_of_branch("stable-v0.26.1", patterns) == Version(0, 26, 1)
    assert version_of_branch("stable-vx", patterns) is None


# -- rc, cut's version lookup and the fetch hints read every pattern (issue 30's gaps) ---------

VFILES = 'version_files: [{path: Cargo.toml, pattern: \'version = "{version}"\'}]\n'


def test_rc_runs_on_a_branch_of_an_extra_pattern(project):
    project.write("RELEASES.md", "## 48.0.0\n\nUnreleased.\n\n### Added\n\n* Things.\n")
    project.write("Cargo.toml", 'version = "48.0.0-dev"\n')
    project.write("relnotes.yaml", project.read("relnotes.yaml") + VFILES)
    project.commit("state")
    project.git("switch", "-q", "-c", "stable-v48.0.0")
    r = project.run("rc")
    assert r.exit_code == 0, r.output
    assert project.read("Cargo.toml") == 'version = "48.0.0-rc.1"\n'


def test_rc_elsewhere_names_every_pattern(project):
    project.write("Cargo.toml", 'version = "48.0.0-dev"\n')
    project.write("relnotes.yaml", project.read("relnotes.yaml") + VFILES)
    project.commit("state")
    project.git("switch", "-q", "-c", "topic")
    r = project.run("rc")
    assert r.exit_code == 2
    assert "rc runs on a release branch (release-{version}, stable-v{version}), but topic is checked out" in r.stderr


def test_the_next_version_sees_branches_of_every_pattern(repo):
    from relnotes.config.load import load
    from relnotes.policy import bump, schemes

    cfg = load(start=repo.root)
    scheme = schemes.scheme_for(cfg)
    assert bump.branch_version(cfg, scheme, "stable-v0.26") == Version.parse("0.26.0")
    assert bump.branch_version(cfg, scheme, "release-0.27.0") == Version.parse("0.27.0")
    assert bump.branch_version(cfg, scheme, "release-0.27") is None  # cut's own pattern: whole versions
    assert bump.branch_version(cfg, scheme, "topic") is None


def test_the_fetch_hint_fetches_every_pattern(project):
    project.write("RELEASES.md", "## 1.0.0\n\nUnreleased.\n")
    project.commit("main")
    r = project.run("history")
    assert r.exit_code == 0, r.output
    assert ("git knows no release branch (release-*, stable-v*, local or remote-tracking)" in r.stderr
            and "git fetch origin '+refs/heads/release-*:refs/remotes/origin/release-*' "
                "'+refs/heads/stable-v*:refs/remotes/origin/stable-v*'" in r.stderr), r.stderr
