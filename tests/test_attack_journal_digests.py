"""Attacks on the write journal's load-time fragment digests: a fragment edited or removed
between the moment build read it and the moment it would be removed is never deleted
silently; a symlinked fragment; a SIGKILL and a rerun finish exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

from conftest import corpus

from relnotes import transaction

MAIN = corpus("main.RELEASES.md")


def _setup(project):
    project.write("RELEASES.md", MAIN)
    project.fragment("a.md", "Fixed", "The old text.", prs="[1]")
    project.fragment("b.md", "Added", "A feature.", prs="[2]")
    project.commit("base")


def _meddle(monkeypatch, action):
    real = transaction.apply

    def spy(root, writes, removes=(), **kw):
        action()
        return real(root, writes, removes, **kw)

    monkeypatch.setattr(transaction, "apply", spy)


def test_a_fragment_edited_after_build_read_it_is_never_deleted(project, monkeypatch):
    _setup(project)
    frag = project.root / "changes.d" / "a.md"
    before = project.snapshot_tree()
    _meddle(monkeypatch, lambda: frag.write_text("---\nsection: Fixed\nprs: [1]\n---\nThe NEW text.\n"))
    r = project.run("build")
    assert r.exit_code == 2, r.output
    assert "changes.d/a.md" in r.stderr and "changed" in r.stderr
    assert frag.read_text().endswith("The NEW text.\n")  # the edit is kept
    after = project.snapshot_tree()
    assert after.pop("changes.d/a.md") != before.pop("changes.d/a.md")
    assert after == before  # nothing else was written: the notes do not hold the old text
    monkeypatch.undo()
    assert project.run("build").exit_code == 0
    notes = project.read("RELEASES.md")
    assert "The NEW text." in notes and "The old text." not in notes and not frag.exists()


def test_a_fragment_removed_after_build_read_it_stops_the_build(project, monkeypatch):
    _setup(project)
    frag = project.root / "changes.d" / "a.md"
    _meddle(monkeypatch, frag.unlink)
    r = project.run("build")
    assert r.exit_code == 2, r.output
    assert "The old text." not in project.read("RELEASES.md")
    assert (project.root / "changes.d" / "b.md").exists()


def test_a_fragment_edited_back_to_the_same_bytes_is_no_conflict(project, monkeypatch):
    _setup(project)
    frag = project.root / "changes.d" / "a.md"
    same = frag.read_bytes()
    _meddle(monkeypatch, lambda: frag.write_bytes(same))
    assert project.run("build").exit_code == 0
    assert not frag.exists() and "The old text." in project.read("RELEASES.md")


def test_a_symlinked_fragment_inside_the_repository(project):
    project.write("RELEASES.md", MAIN)
    project.write("elsewhere/real.md", "---\nsection: Fixed\nprs: [3]\n---\nLinked.\n")
    os.symlink("../elsewhere/real.md", project.root / "changes.d" / "l.md")
    project.commit("base")
    r = project.run("build")
    assert r.exit_code in (0, 1), r.output  # accepted or refused as content, never a crash
    if r.exit_code == 0:
        assert project.read("RELEASES.md").count("Linked.") == 1
        assert (project.root / "elsewhere" / "real.md").exists()  # the link goes, not its target


def test_sigkill_after_the_commit_point_then_an_edit_is_refused_by_the_rerun(project):
    """Killed after the journal's commit line; the fragment is edited; the rerun must not
    finish the removal of the edited fragment."""
    _setup(project)
    code = textwrap.dedent("""
        import os, signal, sys
        from relnotes import transaction
        real = transaction._finish
        def die(*a, **k):
            os.kill(os.getpid(), signal.SIGKILL)
        transaction._finish = die
        sys.argv = ["relnotes", "build"]
        from relnotes.__main__ import main
        main()
    """)
    r = subprocess.run([sys.executable, "-c", code], cwd=project.root, capture_output=True, text=True,
                       env={**os.environ, "RELNOTES_NO_CACHE": "1"}, timeout=120)
    assert r.returncode == -signal.SIGKILL, r.stderr
    frag = project.root / "changes.d" / "a.md"
    frag.write_text("---\nsection: Fixed\nprs: [1]\n---\nEdited after the kill.\n")
    r = project.run("build")
    assert r.exit_code == 2 and "changes.d/a.md" in r.stderr, r.output
    assert frag.exists()


def test_sigkill_then_rerun_adds_each_entry_exactly_once(project):
    _setup(project)
    code = textwrap.dedent("""
        import os, signal, sys
        from relnotes import transaction
        real = transaction._finish
        def half(root, targets, removes, journal):
            for t in targets:
                os.replace(transaction.fsio.temp_path(t), t)
            os.kill(os.getpid(), signal.SIGKILL)
        transaction._finish = half
        sys.argv = ["relnotes", "build"]
        from relnotes.__main__ import main
        main()
    """)
    r = subprocess.run([sys.executable, "-c", code], cwd=project.root, capture_output=True, text=True,
                       env={**os.environ, "RELNOTES_NO_CACHE": "1"}, timeout=120)
    assert r.returncode == -signal.SIGKILL, r.stderr
    r = project.run("build")
    assert r.exit_code == 0, r.output
    notes = project.read("RELEASES.md")
    assert notes.count("The old text.") == 1 and notes.count("A feature.") == 1
    assert not list((project.root / "changes.d").glob("*.md"))
