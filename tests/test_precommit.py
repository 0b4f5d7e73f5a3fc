"""The pre-commit hook, run by the real ``pre-commit try-repo`` against projects that keep
their fragments somewhere other than changes.d/."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, Project, git

CONFIG = "project: Demo\nrepository: https://github.com/o/r\nfragments_dir: newsfragments\n"
NOTES = "## 1.0.0\n\nUnreleased.\n\n### Added\n\n### Fixed\n\n" + "-" * 80 + "\n"


def _pre_commit() -> str:
    exe = shutil.which("pre-commit") or str(Path(sys.executable).parent / "pre-commit")
    if not Path(exe).exists():
        pytest.skip("pre-commit is not installed (it is in the [test] extra: pip install -e '.[test]')")
    return exe


def _project(root: Path, fragment: str) -> Project:
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    p = Project(root)
    p.write("relnotes.yaml", CONFIG)
    p.write("RELEASES.md", NOTES)
    p.write("newsfragments/change.md", fragment)
    p.write("src/lib.rs", "fn a() {}\n")  # the commit touches no file the old files: pattern named
    p.commit("base")
    return p


def test_hook_definition_follows_the_configuration():
    from ruamel.yaml import YAML

    (hook,) = YAML(typ="safe", pure=True).load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hook["entry"] == "relnotes check" and hook["language"] == "python"
    assert hook["pass_filenames"] is False and hook["always_run"] is True
    assert "files" not in hook  # a files: pattern would hard-code changes.d/


@pytest.mark.slow
def test_pre_commit_try_repo_checks_a_custom_fragments_dir(git_env, tmp_path):
    """try-repo installs relnotes from this checkout into its own virtualenv (pip needs
    relnotes' dependencies from the package index), so both runs go in parallel."""
    exe = _pre_commit()
    bad = _project(tmp_path / "bad", "---\nsection: Nope\n---\nA change.\n")
    good = _project(tmp_path / "good", "---\nsection: Fixed\nprs: [1]\n---\nA fix.\n")
    runs = {
        p: subprocess.Popen([exe, "try-repo", str(ROOT), "relnotes-check", "--all-files"], cwd=p.root,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for p in (bad, good)
    }
    out = {}
    for p, proc in runs.items():
        out[p], _ = proc.communicate(timeout=900)
        if "Installing environment" in out[p] and proc.returncode == 3:
            pytest.skip(f"pre-commit could not install the hook environment (no package index?):\n{out[p][-2000:]}")
    assert runs[bad].returncode == 1, out[bad]
    assert "relnotes check (fragments and notes file)" in out[bad] and "Failed" in out[bad]
    assert "newsfragments/change.md:2:" in out[bad] and "Nope" in out[bad]
    assert runs[good].returncode == 0, out[good]
    assert "relnotes check (fragments and notes file)" in out[good] and "Passed" in out[good]
