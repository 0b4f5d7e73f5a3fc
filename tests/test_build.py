"""relnotes build: fragments into the top Unreleased section, exactly as Wasmtime writes it."""

from __future__ import annotations

from conftest import corpus

from relnotes.config import load as config
from relnotes.migrate import notes_import as importer


def _import_48_fragments(project):
    """Fragments expressing the entries of the real 48.0.0 notes (named so order is real)."""
    project.write("RELEASES.md", corpus("history/release-48.0.0-notes-added-unreleased.RELEASES.md"))
    cfg = config.load(project.root / "relnotes.yaml")
    plan = importer.plan_notes(cfg, "RELEASES.md")
    assert len(plan.fragments) == 30 and all(p.exact for p in plan.fragments)
    importer.write_plan(cfg, plan)


def test_build_reproduces_real_48_notes_byte_for_byte(project):
    project.write("relnotes.yaml", project.read("relnotes.yaml") + "order: file\n")
    _import_48_fragments(project)
    project.write("RELEASES.md", corpus("history/release-48.0.0-at-cut-2026-08-03.RELEASES.md"))
    project.commit("at cut")
    r = project.run("build")
    assert r.exit_code == 0, r.output
    assert "added 30 entries to 48.0.0" in r.stdout
    assert project.read("RELEASES.md") == corpus("history/release-48.0.0-notes-added-unreleased.RELEASES.md")
    # fragments removed from the index and the tree with git rm
    assert project.git("status", "--porcelain", "changes.d").count("D  changes.d/") == 30
    assert sorted(p.name for p in (project.root / "changes.d").iterdir()) == [".gitkeep"]


def test_build_twice_is_build_once(project):
    project.write("RELEASES.md", corpus("history/release-48.0.0-at-cut-2026-08-03.RELEASES.md"))
    project.fragment("a.md", "Fixed", "A bug was fixed.", prs="[7]")
    assert project.run("build").exit_code == 0
    after = project.read("RELEASES.md")
    r = project.run("build")
    assert r.exit_code == 0 and "no pending fragments" in r.stdout
    assert project.read("RELEASES.md") == after


def test_interrupted_build_is_finished_not_duplicated(project):
    """Notes written but fragments not yet removed (a crash): a rerun adds nothing twice."""
    project.write("RELEASES.md", corpus("history/release-48.0.0-at-cut-2026-08-03.RELEASES.md"))
    project.fragment("a.md", "Fixed", "A bug was fixed.", prs="[7]")
    project.run("build", "--keep")
    once = project.read("RELEASES.md")
    r = project.run("build")
    assert r.exit_code == 0 and "already in RELEASES.md" in r.stdout
    assert project.read("RELEASES.md") == once
    assert not (project.root / "changes.d/a.md").exists()


def test_build_merges_into_existing_categories_and_keeps_hand_written(project):
    project.write("RELEASES.md", "## 2.0.0\n\nUnreleased.\n\n### Fixed\n\n* Hand-written.\n\n"
                  + "-" * 80 + "\n")
    project.fragment("b.md", "Fixed", "From a fragment.", prs="[9]")
    project.fragment("c.md", "Added", "Something new.", prs="[3]")
    assert project.run("build").exit_code == 0
    assert project.read("RELEASES.md") == (
        "## 2.0.0\n\nUnreleased.\n\n"
        "### Added\n\n* Something new.\n  [#3](https://github.com/bytecodealliance/wasmtime/pull/3)\n\n"
        "### Fixed\n\n* Hand-written.\n\n* From a fragment.\n"
        "  [#9](https://github.com/bytecodealliance/wasmtime/pull/9)\n\n" + "-" * 80 + "\n")


def test_default_order_is_by_first_pr_then_name(project):
    project.write("RELEASES.md", "## 2.0.0\n\nUnreleased.\n\n### Added\n\n" + "-" * 80 + "\n")
    project.fragment("z.md", "Added", "Third.")
    project.fragment("y.md", "Added", "Second.", prs="[20, 1]")
    project.fragment("x.md", "Added", "First.", prs="[10]")
    r = project.run("build", "--draft")
    assert r.exit_code == 0
    assert r.stdout.index("First.") < r.stdout.index("Second.") < r.stdout.index("Third.")


def test_draft_and_keep_write_nothing_or_keep_fragments(project):
    project.write("RELEASES.md", corpus("main.RELEASES.md"))
    project.fragment("a.md", "Added", "A new `thing`.", prs="[5]")
    before = project.snapshot_tree()
    r = project.run("build", "--draft")
    assert r.exit_code == 0 and "## 49.0.0 (draft)" in r.stdout and "* A new `thing`." in r.stdout
    assert project.snapshot_tree() == before
    assert project.run("build", "--keep").exit_code == 0
    assert (project.root / "changes.d/a.md").exists()
    assert "* A new `thing`." in project.read("RELEASES.md")


def test_nothing_pending_changes_nothing_and_says_so(project):
    project.write("RELEASES.md", corpus("main.RELEASES.md"))
    before = project.snapshot_tree()
    r = project.run("build")
    assert r.exit_code == 0
    assert r.stdout == "no pending fragments in changes.d/; RELEASES.md unchanged\n"
    assert project.snapshot_tree() == before


def test_build_refuses_released_top_section(project):
    project.write("RELEASES.md", corpus("history/release-48.0.0-released-2026-08-20.RELEASES.md"))
    project.fragment("a.md", "Fixed", "Late fix.", prs="[1]")
    before = project.snapshot_tree()
    r = project.run("build")
    assert r.exit_code == 2
    assert "RELEASES.md:1: the top release '## 48.0.0' is already released" in r.stderr
    assert "relnotes patch" in r.stderr
    assert project.snapshot_tree() == before
