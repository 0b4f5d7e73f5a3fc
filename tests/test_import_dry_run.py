"""``import notes --dry-run`` refuses exactly where the real run refuses (issue 27): same
message, same exit code, and neither changes anything."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import ROOT, Project

NOTES = ("## 3.0.0\n\nUnreleased.\n\n### Fixed\n\n* A fix.\n  [#4](https://github.com/bytecodealliance/wasmtime/pull/4)\n\n"
         "* Another fix.\n")


def _taken(p: Project) -> None:
    r = p.run("import", "notes", "RELEASES.md", "--dry-run")
    name = r.stdout.split("would write ")[1].split(" ")[0]
    p.write(name, "---\nsection: Fixed\n---\nA pending fragment of the same name.\n")


def _dangling_symlink_out(p: Project) -> None:
    r = p.run("import", "notes", "RELEASES.md", "--dry-run")
    name = r.stdout.split("would write ")[-1].split(" ")[0]  # the last: the first would be written before it
    os.symlink(p.root.parent / "outside-target.md", p.root / name)


def _dangling_symlink_inside(p: Project) -> None:
    r = p.run("import", "notes", "RELEASES.md", "--dry-run")
    name = r.stdout.split("would write ")[-1].split(" ")[0]
    os.symlink(p.root / "src" / "nowhere.md", p.root / name)


def _fragments_dir_leads_out(p: Project) -> None:
    (p.root / "changes.d" / ".gitkeep").unlink()
    (p.root / "changes.d").rmdir()
    (p.root.parent / "elsewhere").mkdir()
    os.symlink(p.root.parent / "elsewhere", p.root / "changes.d")


def _fragments_dir_is_a_file(p: Project) -> None:
    (p.root / "changes.d" / ".gitkeep").unlink()
    (p.root / "changes.d").rmdir()
    p.write("changes.d", "not a directory\n")


def _fragments_dir_parent_is_a_file(p: Project) -> None:
    p.write("relnotes.yaml", p.read("relnotes.yaml") + "fragments_dir: notes/changes.d\n")
    p.write("notes", "a file where a directory should be\n")


def _entry_that_is_no_valid_fragment(p: Project) -> None:
    p.write("RELEASES.md", NOTES + "\n* Click [here](javascript:alert(1)).\n")


REFUSALS = {
    "a planned name is taken": (_taken, 2, "already exists"),
    "a dangling symlink leading out at a planned name": (_dangling_symlink_out, 2, "already exists"),
    "a dangling symlink inside at a planned name": (_dangling_symlink_inside, 2, "already exists"),
    "the fragments directory leads out": (_fragments_dir_leads_out, 2, "resolves outside the repository"),
    "the fragments directory is a file": (_fragments_dir_is_a_file, 2, "is not a directory"),
    "a parent of the fragments directory is a file": (_fragments_dir_parent_is_a_file, 2, "is not a directory"),
    "an entry that is no valid fragment": (_entry_that_is_no_valid_fragment, 1, "RELEASES.md:12: "),
}


@pytest.mark.parametrize("case", list(REFUSALS))
def test_the_dry_run_refuses_as_the_real_run_does(project, case):
    arrange, code, words = REFUSALS[case]
    project.write("RELEASES.md", NOTES)
    arrange(project)
    before = project.snapshot_tree()
    links = sorted(str(q) for q in project.root.rglob("*") if q.is_symlink())
    real = project.run("import", "notes", "RELEASES.md")
    dry = project.run("import", "notes", "RELEASES.md", "--dry-run")
    assert real.exit_code == code, real.output
    assert words in real.stderr, real.stderr
    assert (dry.exit_code, dry.stderr) == (real.exit_code, real.stderr)
    assert "would write" not in dry.stdout
    assert project.snapshot_tree() == before
    assert sorted(str(q) for q in project.root.rglob("*") if q.is_symlink()) == links
    assert not (project.root.parent / "outside-target.md").exists()
    assert not any((project.root.parent / "elsewhere").glob("*")) if case.endswith("leads out") else True


def test_an_invalid_entry_is_a_located_content_problem(project):
    _entry_that_is_no_valid_fragment(project)
    r = project.run("import", "notes", "RELEASES.md")
    assert r.exit_code == 1
    assert "RELEASES.md:12: this entry cannot be imported: " in r.stderr and "javascript" in r.stderr
    assert "internal" not in r.stderr


def test_dry_run_and_real_run_through_a_real_process(project):
    project.write("RELEASES.md", NOTES)
    _taken(project)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}

    def run(*extra):
        return subprocess.run([sys.executable, "-m", "relnotes", "import", "notes", "RELEASES.md", *extra],
                              cwd=project.root, env=env, capture_output=True, text=True)

    dry, real = run("--dry-run"), run()
    assert dry.returncode == real.returncode == 2
    assert dry.stderr == real.stderr and "already exists" in dry.stderr


def test_a_clean_dry_run_still_lists_and_the_real_run_writes(project):
    project.write("RELEASES.md", NOTES)
    dry = project.run("import", "notes", "RELEASES.md", "--dry-run")
    assert dry.exit_code == 0 and dry.stdout.count("would write changes.d/") == 2
    real = project.run("import", "notes", "RELEASES.md")
    assert real.exit_code == 0 and "wrote 2 fragment(s)" in real.stdout
