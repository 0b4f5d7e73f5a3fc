"""Output into a pipe whose reader has gone (``relnotes history | head``) ends quietly.

The real ``relnotes`` script runs with its stdout the write end of a pipe whose read
end is already closed, so its first write fails (EPIPE) every time, whatever the
timing: it must exit 141 (128 + SIGPIPE, as the shell reports a tool killed by the
signal) with nothing on stderr, never ``error: internal error: BrokenPipeError`` (exit 3).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CORPUS, WASMTIME_CONFIG, git

RELNOTES = Path(sys.executable).parent / "relnotes"


@pytest.fixture
def repo(git_env, tmp_path) -> Path:
    """A Wasmtime-style repository: main, and release-19.0.0 whose notes are ~150 KB."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    (root / "relnotes.yaml").write_text(WASMTIME_CONFIG)
    (root / "changes.d").mkdir()
    (root / "changes.d" / ".gitkeep").write_text("")
    (root / "RELEASES.md").write_bytes((CORPUS / "release-19.0.0.RELEASES.md").read_bytes())
    git(root, "add", "-A")
    git(root, "commit", "-qm", "Release 19.0.0")
    git(root, "branch", "release-19.0.0")
    (root / "RELEASES.md").write_bytes((CORPUS / "main.RELEASES.md").read_bytes())
    git(root, "commit", "-qam", "Main")
    return root


def run_into_closed_pipe(args: list[str], cwd: Path) -> tuple[int, str]:
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the first byte is written
    try:
        p = subprocess.Popen([str(RELNOTES), *args], cwd=cwd, stdin=subprocess.DEVNULL, stdout=write_end,
                             stderr=subprocess.PIPE, text=True)
    finally:
        os.close(write_end)
    _, stderr = p.communicate(timeout=120)
    return p.returncode, stderr


COMMANDS = [["history"], ["show"], ["schema"], ["--version"], ["history", "--format", "json"],
            ["support", "--format", "svg"], ["templates"]]


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_a_closed_pipe_ends_quietly_with_141(repo, args):
    ok = subprocess.run([str(RELNOTES), *args], cwd=repo, capture_output=True, text=True, check=False)
    assert ok.returncode == 0 and ok.stdout, ok.stderr  # it does print, into a pipe someone reads
    code, stderr = run_into_closed_pipe(args, repo)
    assert "internal error" not in stderr
    assert (code, stderr) == (141, "")


def test_help_into_a_closed_pipe_is_quiet_too(repo):
    """typer prints the help and handles the closed pipe itself (exit 1, as click does)."""
    code, stderr = run_into_closed_pipe(["--help"], repo)
    assert code in (1, 141) and stderr == ""


def test_history_piped_into_head_ends_quietly(repo):
    """The case from the issue: a reader that takes one line and closes the pipe."""
    p = subprocess.Popen([str(RELNOTES), "history"], cwd=repo, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert p.stdout.readline().startswith(b"# Wasmtime release history")
    p.stdout.close()
    stderr = p.stderr.read().decode()
    assert p.wait(timeout=120) in (0, 141)  # 0 when everything fitted in the pipe before it closed
    assert stderr == ""


@pytest.mark.parametrize("args", [["schema"], ["--version"], ["history"]], ids=" ".join)
def test_a_closed_stdout_is_not_an_error_either(repo, args):
    """Started with no stdout at all (``relnotes schema >&-``: Python's sys.stdout is None)."""
    r = subprocess.run(["sh", "-c", 'exec "$0" "$@" >&-', str(RELNOTES), *args], cwd=repo, capture_output=True,
                       text=True, check=False)
    assert (r.returncode, r.stderr) == (0, "")
