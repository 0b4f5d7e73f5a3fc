"""No text is ever lost and every failure is a message: the repository lock, the
top-level guard (exit 3), ``new --edit`` keeping the user's text, ``--commit`` that a
rerun finishes, and filesystem errors reported with their path."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest
from conftest import corpus

from relnotes import fsio, lock
from relnotes.flows import build
from relnotes.notes import formats

MAIN = corpus("main.RELEASES.md")


def relnotes_proc(project, *args, env=None, **kw):
    """``python -m relnotes ARGS`` as a real process in the project."""
    return subprocess.Popen([sys.executable, "-m", "relnotes", *args], cwd=project.root, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


def hold_lock(project, command="build"):
    """A real process that holds the repository lock until killed; returns it once it holds it."""
    code = textwrap.dedent(f"""
        import sys, time
        from relnotes import lock
        with lock.held({str(project.root)!r}, {command!r}):
            print("held", flush=True)
            time.sleep(60)
    """)
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "held"
    return proc


# -- the lock ------------------------------------------------------------------------------------


def test_concurrent_builds_and_new_never_lose_or_duplicate_an_entry(project):
    """Two builds and a new at once, ten rounds: every entry is in the notes exactly once or
    still a fragment, never both, never neither (without the lock a late fragment vanished)."""
    project.write("RELEASES.md", MAIN)
    project.commit("base")
    expected = []
    for rnd in range(10):
        for i in range(5):
            text = f"Round {rnd} change {i}."
            project.fragment(f"r{rnd}-{i}.md", "Fixed", text, prs=f"[{1000 * rnd + i + 1}]")
            expected.append((text, f"changes.d/r{rnd}-{i}.md"))
        late = f"Round {rnd} late change."
        procs = [relnotes_proc(project, "build"), relnotes_proc(project, "build"),
                 relnotes_proc(project, "new", "-s", "Fixed", "--pr", str(1000 * rnd + 999), "-m", late,
                               "--name", f"r{rnd}-late")]
        for p in procs:
            out, err = p.communicate(timeout=120)
            assert p.returncode == 0, err
            assert "Traceback" not in err
        expected.append((late, f"changes.d/r{rnd}-late.md"))
        notes = project.read("RELEASES.md")
        for text, path in expected:
            in_notes = notes.count(f"* {text}\n")
            pending = (project.root / path).exists()
            assert in_notes + pending == 1, (rnd, text, in_notes, pending)
    assert not (project.root / ".git/relnotes/lock").exists()


def test_a_held_lock_is_a_message_naming_the_holder(project):
    project.write("RELEASES.md", MAIN)
    project.fragment("a.md", "Fixed", "A fix.", prs="[1]")
    project.commit("base")
    before = project.snapshot_tree()
    holder = hold_lock(project, "cut")
    try:
        for args in (["build"], ["new", "-s", "Fixed", "-m", "Late."], ["stamp", "--date", "2026-01-01"],
                     ["release"], ["archive"], ["patch"], ["cut"], ["build", "--draft"],
                     ["import", "notes", "RELEASES.md"], ["import", "towncrier"], ["init"]):
            r = project.run(*args, env={"RELNOTES_LOCK_WAIT": "0.2"})
            assert r.exit_code == 2, (args, r.output)
            assert f"relnotes cut (PID {holder.pid} on " in r.stderr
            assert "is changing this repository" in r.stderr and " UTC)" in r.stderr
            assert "internal error" not in r.output
        # commands that only read do not wait for it
        assert project.run("check").exit_code == 0
        assert project.run("show").exit_code == 0
        # a real process, and one that waits long enough gets the lock once it is free
        p = relnotes_proc(project, "build", env={**os.environ, "RELNOTES_LOCK_WAIT": "0"})
        _, err = p.communicate(timeout=60)
        assert p.returncode == 2 and "is changing this repository" in err and "Traceback" not in err
        waiting = relnotes_proc(project, "build", env={**os.environ, "RELNOTES_LOCK_WAIT": "60"})
        time.sleep(0.5)
        assert waiting.poll() is None  # still waiting
    finally:
        holder.kill()
        holder.wait()
    _, err = waiting.communicate(timeout=60)
    assert waiting.returncode == 0, err
    assert project.snapshot_tree() != before and "* A fix." in project.read("RELEASES.md")


def test_a_killed_holder_leaves_no_stale_lock(project):
    project.write("RELEASES.md", MAIN)
    project.fragment("a.md", "Fixed", "A fix.", prs="[1]")
    project.commit("base")
    holder = hold_lock(project, "build")
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    path = lock.lock_path(project.root)
    assert f"pid={holder.pid}" in path.read_text()  # the dead holder's file is still there
    r = project.run("build", env={"RELNOTES_LOCK_WAIT": "0"})
    assert r.exit_code == 0, r.output
    assert not path.exists()


def test_a_leftover_lock_file_from_a_dead_process_is_ignored(project):
    project.write("RELEASES.md", MAIN)
    project.commit("base")
    path = lock.lock_path(project.root)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("pid=999999999\nhost=elsewhere\ncommand=build\nsince=2020-01-01 00:00:00 UTC\n")
    r = project.run("new", "-s", "Fixed", "-m", "A fix.", env={"RELNOTES_LOCK_WAIT": "0"})
    assert r.exit_code == 0, r.output


def test_the_lock_is_reentrant_and_outside_the_working_tree(project):
    with lock.held(project.root, "test") as path:
        with lock.held(project.root, "nested"):
            assert path.exists()
        assert path.exists()
        assert path.parent.parent.name == ".git"
    assert not path.exists()


def test_fragments_are_kept_when_another_program_rewrote_the_notes(project, monkeypatch):
    project.write("RELEASES.md", MAIN)
    project.fragment("a.md", "Fixed", "A fix.", prs="[1]")
    project.commit("base")
    real = os.replace

    def and_someone_else_writes(src, dst):
        real(src, dst)
        if str(dst).endswith("RELEASES.md"):  # another program rewrites it right after relnotes did
            (project.root / "RELEASES.md").write_text(MAIN, encoding="utf-8", newline="")

    monkeypatch.setattr(os, "replace", and_someone_else_writes)
    r = project.run("build")
    assert r.exit_code == 2, r.output
    assert "RELEASES.md was changed by another program" in r.stderr and "no fragment was removed" in r.stderr
    assert (project.root / "changes.d/a.md").exists()


# -- the top-level guard ----------------------------------------------------------------------


def test_an_unexpected_exception_is_an_internal_error_with_exit_3(project, monkeypatch):
    project.write("RELEASES.md", MAIN)
    project.commit("base")

    def boom(*a, **k):
        raise ZeroDivisionError("boom")

    for target, name, args in ((build, "build", ["build"]), (formats, "read_for", ["show"]),
                               (lock, "held", ["stamp"])):
        monkeypatch.setattr(target, name, boom)
        r = project.run(*args)
        monkeypatch.undo()
        assert r.exit_code == 3, r.output
        assert "error: internal error: ZeroDivisionError: boom" in r.stderr
        assert "rerun the same command with --debug" in r.stderr and "report it" in r.stderr
        assert "Traceback" not in r.output
    monkeypatch.setattr(build, "build", boom)
    with pytest.raises(ZeroDivisionError):  # --debug lets the exception (and its traceback) through
        project.run("--debug", "build")


def test_the_guard_in_a_real_process(project):
    project.write("RELEASES.md", MAIN)
    project.commit("base")
    code = textwrap.dedent("""
        import sys
        from relnotes.flows import build
        def boom(*a, **k):
            raise KeyError("no such thing")
        build.build = boom
        sys.argv = ["relnotes", *sys.argv[1:]]
        from relnotes.__main__ import main
        main()
    """)
    r = subprocess.run([sys.executable, "-c", code, "build"], cwd=project.root, capture_output=True, text=True)
    assert r.returncode == 3, r.stderr
    assert r.stderr.startswith("error: internal error: KeyError: 'no such thing'\nhint: this is a bug")
    assert "Traceback" not in r.stderr
    r = subprocess.run([sys.executable, "-c", code, "--debug", "build"], cwd=project.root,
                       capture_output=True, text=True)
    assert r.returncode == 1 and "Traceback" in r.stderr and "KeyError" in r.stderr


# -- new --edit keeps what the user typed ---------------------------------------------------------


def _editor(tmp_path, body: bytes | None) -> str:
    """An editor command that replaces the file with ``body`` (None: leaves it as it is)."""
    script = tmp_path / "editor.py"
    script.write_text(f"import sys\nbody = {body!r}\nif body is not None:\n"
                      f"    open(sys.argv[1], 'wb').write(body)\n")
    return f"{sys.executable} {script}"


@pytest.mark.parametrize("body,code,message", [
    (b"---\nsection: Fixed\n---\n# A heading\n\nMy long careful text.\n", 1, "headings are not allowed"),
    (b"---\nsection: Nope\n---\nMy long careful text.\n", 1, "unknown section 'Nope'"),
    (b"---\nsection: Fixed\nprs: [x]\n---\nMy long careful text.\n", 1, "'prs' must hold positive whole numbers"),
    (b"My long careful text without front matter.\n", 1, "no front matter"),
    (b"---\nsection: Fixed\n---\nMy long careful text \xff\xfe.\n", 1, "not UTF-8"),
])
def test_new_edit_keeps_invalid_text_and_says_where(project, tmp_path, body, code, message):
    project.write("RELEASES.md", MAIN)
    r = project.run("new", "-s", "Fixed", "--edit", "--name", "mine", env={"VISUAL": _editor(tmp_path, body)})
    assert r.exit_code == code, r.output
    assert message in r.stderr
    assert "your text is kept in changes.d/mine.md" in r.stderr
    assert (project.root / "changes.d/mine.md").read_bytes() == body
    assert "Traceback" not in r.output and "internal error" not in r.output


def test_new_edit_valid_text_is_written(project, tmp_path):
    body = b"---\nsection: Fixed\n---\nA careful fix.\n"
    r = project.run("new", "-s", "Fixed", "--edit", "--name", "mine", env={"VISUAL": _editor(tmp_path, body)})
    assert r.exit_code == 0, r.output
    assert (project.root / "changes.d/mine.md").read_bytes() == body


def test_new_edit_unchanged_template_is_removed(project, tmp_path):
    r = project.run("new", "-s", "Fixed", "--edit", "--name", "mine", env={"VISUAL": _editor(tmp_path, None)})
    assert r.exit_code == 1, r.output
    assert "unchanged in the editor, so it was removed; nothing was written" in r.stderr
    assert not (project.root / "changes.d/mine.md").exists()


def test_new_edit_with_message_keeps_the_text_when_the_editor_changes_nothing(project, tmp_path):
    """With -m the file holds what the user typed, so saving it unchanged keeps it."""
    r = project.run("new", "-s", "Fixed", "-m", "My carefully written entry.", "--edit", "--name", "mine",
                    env={"VISUAL": _editor(tmp_path, None)})
    assert r.exit_code == 0, r.output
    assert (project.root / "changes.d/mine.md").read_text().endswith("My carefully written entry.\n")


@pytest.mark.parametrize("editor,message", [
    ("/nonexistent/bin/editor", "cannot start the editor '/nonexistent/bin/editor'"),
    ("no-such-editor-relnotes --wait", "cannot start the editor 'no-such-editor-relnotes'"),
    ("vi 'unbalanced", "cannot be parsed"),
    ("/", "cannot start the editor '/'"),
])
def test_new_edit_with_a_broken_editor_is_a_message(project, editor, message):
    r = project.run("new", "-s", "Fixed", "--edit", "--name", "mine", env={"VISUAL": editor})
    assert r.exit_code == 2, r.output
    assert message in r.stderr and "nothing was written" in r.stderr
    assert "Traceback" not in r.output and "internal error" not in r.output
    assert not (project.root / "changes.d/mine.md").exists()


# -- --commit: a failed commit is finished by the same command, rerun -----------------------------


def _failing_hook(project):
    hook = project.root / ".git/hooks/pre-commit"
    hook.parent.mkdir(parents=True, exist_ok=True)
    hook.write_text("#!/bin/sh\necho 'pre-commit: lint failed' >&2\nexit 1\n")
    hook.chmod(0o755)
    return hook


def test_release_commit_with_a_failing_hook_is_finished_by_a_rerun(project):
    project.write("RELEASES.md", MAIN)
    project.fragment("a.md", "Fixed", "A fix.", prs="[1]")
    project.commit("base")
    hook = _failing_hook(project)
    r = project.run("release", "--commit", "--date", "2026-08-20")
    assert r.exit_code == 2, r.output
    assert "pre-commit: lint failed" in r.stderr and "nothing was committed" in r.stderr
    assert "rerun 'relnotes release --commit'" in r.stderr
    r = project.run("release", "--commit", "--date", "2026-08-20")  # the hook still fails
    assert r.exit_code == 2 and "nothing was committed" in r.stderr
    hook.unlink()
    r = project.run("release", "--commit", "--date", "2026-08-20")
    assert r.exit_code == 0, r.output
    assert "released (2026-08-20) by an earlier run that did not commit" in r.stdout
    assert "committed " in r.stdout
    assert project.git("log", "-1", "--format=%s") == "Release Wasmtime 49.0.0"
    assert project.git("status", "--porcelain") == ""
    assert project.read("RELEASES.md").count("* A fix.") == 1
    assert "Released 2026-08-20." in project.git("show", "HEAD:RELEASES.md")
    # and once committed, a rerun changes and commits nothing
    head = project.git("rev-parse", "HEAD")
    r = project.run("release", "--commit", "--date", "2026-08-20")
    assert r.exit_code == 0 and "already released" in r.stdout
    assert project.git("rev-parse", "HEAD") == head


def test_cut_commit_with_a_failing_hook_is_finished_by_a_rerun(project):
    project.write("RELEASES.md", MAIN)
    project.fragment("a.md", "Fixed", "A fix.", prs="[1]")
    base = project.commit("base")
    hook = _failing_hook(project)
    r = project.run("cut", "--commit")
    assert r.exit_code == 2, r.output
    assert "nothing was committed" in r.stderr and "rerun 'relnotes cut --commit'" in r.stderr
    hook.unlink()
    r = project.run("cut", "--commit")
    assert r.exit_code == 0, r.output
    assert project.git("log", "-1", "--format=%s") == "Bump Wasmtime to 50.0.0"
    assert project.git("rev-parse", "release-49.0.0") == base
    assert project.git("status", "--porcelain") == ""
    assert project.read("RELEASES.md").startswith("## 50.0.0\n")
    assert project.read("RELEASES.md").count("[49.0.x]") == 1
    assert not (project.root / "changes.d/a.md").exists()
    assert project.git("show", "release-49.0.0:changes.d/a.md")  # the fragment stays pending there
    assert not (project.root / ".git/relnotes-cut").exists()


def test_release_commit_outside_git_changes_nothing(project):
    import shutil

    project.write("RELEASES.md", MAIN)
    project.fragment("a.md", "Fixed", "A fix.", prs="[1]")
    shutil.rmtree(project.root / ".git")
    before = project.snapshot_tree()
    r = project.run("release", "--commit", "--date", "2026-08-20")
    assert r.exit_code == 2 and "is not inside a git repository" in r.stderr
    assert project.snapshot_tree() == before


# -- filesystem errors: the path, exit 2, nothing half-written -----------------------------------


@pytest.mark.parametrize("err,args,message", [
    (OSError(errno.ENOSPC, "No space left on device"), ["build"], "RELEASES.md: cannot write: no space left"),
    (PermissionError(errno.EACCES, "Permission denied"), ["stamp", "--date", "2026-01-01"],
     "RELEASES.md: cannot write: permission denied"),
    (OSError(errno.EROFS, "Read-only file system"), ["archive", "--prune"], "RELEASES.md: cannot write: read-only file system"),
    (OSError(errno.EIO, "Input/output error"), ["release", "--date", "2026-01-01"],
     "RELEASES.md: cannot write: Input/output error"),
])
def test_a_failed_write_is_a_message_and_leaves_everything(project, monkeypatch, err, args, message):
    project.write("RELEASES.md", MAIN)
    project.fragment("a.md", "Fixed", "A fix.", prs="[1]")
    project.commit("base")
    project.git("branch", "release-48.0.0")  # so that archive has something to write
    before = project.snapshot_tree()

    def fail(*a, **k):
        raise err

    monkeypatch.setattr(os, "replace", fail)
    r = project.run(*args)
    monkeypatch.undo()
    assert r.exit_code == 2, r.output
    assert message in r.stderr
    assert "internal error" not in r.output
    assert project.snapshot_tree() == before


def test_a_fragment_that_cannot_be_removed_is_a_message_and_build_finishes_later(project, monkeypatch):
    from pathlib import Path

    project.write("RELEASES.md", MAIN)
    project.fragment("a.md", "Fixed", "A fix.", prs="[1]")
    project.commit("base")
    real = Path.unlink

    def refuse(self, *a, **k):
        if self.name == "a.md":
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real(self, *a, **k)

    monkeypatch.setattr(Path, "unlink", refuse)
    r = project.run("build")
    monkeypatch.undo()
    assert r.exit_code == 2, r.output
    assert "changes.d/a.md: cannot remove the fragment" in r.stderr
    r = project.run("build")
    assert r.exit_code == 0, r.output
    assert project.read("RELEASES.md").count("* A fix.") == 1
    assert not (project.root / "changes.d/a.md").exists()


def test_patch_writes_all_files_or_none(project, monkeypatch):
    project.write("relnotes.yaml", "project: Wasmtime\nrepository: https://github.com/bytecodealliance/wasmtime\n"
                                   "version_files: [{path: Cargo.toml, pattern: 'version = \"{version}\"'}]\n")
    project.write("RELEASES.md", MAIN.replace("Unreleased.", "Released 2026-08-20.", 1))
    project.write("Cargo.toml", 'version = "49.0.0"\n')
    project.commit("base")
    before = project.snapshot_tree()
    real = fsio.stage_temp

    def full_disk_on_cargo(target, text):
        if target.name == "Cargo.toml":
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(target, text)

    monkeypatch.setattr(fsio, "stage_temp", full_disk_on_cargo)
    r = project.run("patch")
    monkeypatch.undo()
    assert r.exit_code == 2 and "Cargo.toml: cannot write" in r.stderr
    assert project.snapshot_tree() == before  # RELEASES.md, written first, was put back
