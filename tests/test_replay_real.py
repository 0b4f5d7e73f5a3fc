"""Replays of real Wasmtime patch releases and imports (the vendored corpus), through the CLI.

Each replay starts from the branch's notes as they were before a real release, runs
what the maintainers would run with relnotes, and compares with what they published.
The full sweep over all 78 patch releases and 105 sections is
``benchmarks/wasmtime_replay.py``; these are representative ones, and the irregular
ones are named with what makes Wasmtime's own file irregular.
"""

from __future__ import annotations

import pytest
from conftest import CORPUS, corpus

BRANCHES = [b for b in (CORPUS / "branches.txt").read_text().split() if b.startswith("release-")]
PER_BRANCH = [b for b in BRANCHES if int(b.split("-")[1].split(".")[0]) >= 22]


def _from(text: str, version: str) -> str:
    """The file as it was when ``version`` was the top section: newer sections cut off."""
    return text[text.index(f"## {version}\n"):]


def _date(text: str, version: str) -> str:
    section = _from(text, version)
    return section.split("Released ", 1)[1][:10]


def _replay_patch(project, branch: str, version: str, previous: str) -> tuple[str, str, object]:
    text = corpus(f"{branch}.RELEASES.md")
    project.write("RELEASES.md", _from(text, previous))
    project.write("old.md", _from(text, version))
    r = project.run("patch")
    assert r.exit_code == 0 and f"opened {version} (Unreleased) above {previous}" in r.stdout, r.output
    imported = project.run("import", "notes", "old.md")
    assert imported.exit_code == 0, imported.output
    (project.root / "old.md").unlink()
    r = project.run("check")
    assert r.exit_code == 0, r.output
    r = project.run("build")
    assert r.exit_code == 0, r.output
    r = project.run("stamp", "--date", _date(text, version))
    assert r.exit_code == 0, r.output
    return project.read("RELEASES.md"), _from(text, version), imported


@pytest.mark.parametrize("branch, version, previous", [
    ("release-47.0.0", "47.0.2", "47.0.1"),  # written out of PR order: #13914 before #13871
    ("release-24.0.0", "24.0.10", "24.0.9"),
    ("release-36.0.0", "36.0.8", "36.0.7"),
    ("release-44.0.0", "44.0.1", "44.0.0"),
    ("release-30.0.0", "30.0.1", "30.0.0"),  # link definitions after an entry
])
def test_real_patch_release_replays_byte_for_byte(project, branch, version, previous):
    after, real, imported = _replay_patch(project, branch, version, previous)
    assert after == real
    assert f"rebuilds the {version} section byte for byte" in imported.stdout


@pytest.mark.parametrize("branch, version, previous, why", [
    ("release-30.0.0", "30.0.2", "30.0.1", "### Fixed written before ### Changed"),
    ("release-46.0.0", "46.0.1", "46.0.0", "no blank line between two bullets"),
    ("release-23.0.0", "23.0.1", "23.0.0", "a short '----' separator"),
    ("release-47.0.0", "47.0.4", "47.0.3", "'Released 2026-08-20' without its period"),
])
def test_irregular_real_patch_releases_are_the_only_differences(project, branch, version, previous, why):
    after, real, _ = _replay_patch(project, branch, version, previous)
    assert after != real, why
    assert after.count("\n## ") == real.count("\n## ")  # every release is there; only spacing or order differs


def test_import_says_byte_for_byte_only_when_build_would_give_it_back(project):
    text = corpus("release-46.0.0.RELEASES.md")
    project.write("old.md", _from(text, "46.0.1"))  # no blank line between its last two bullets
    r = project.run("import", "notes", "old.md", "--dry-run")
    assert r.exit_code == 0
    r = project.run("import", "notes", "old.md")
    assert "byte for byte under this configuration" not in r.stdout
    assert "old.md:" in r.stderr and "will not rebuild the section byte for byte" in r.stderr
