"""Which commands load GitPython, and how many git processes a command starts.

Plumbing runs through :mod:`relnotes.git.process` (``subprocess``); GitPython, whose
import costs more than towncrier's whole ``check``, is loaded only by the commands
that change history (:mod:`relnotes.git.porcelain`).  Each command runs as a real
process, with a ``git`` on ``PATH`` that logs its arguments before running the real one.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import Project, corpus
from test_all_or_nothing import setup_release
from test_policy import scenario  # noqa: F401  (a fixture: main, release branches, a backport candidate)

_PROBE = """
import sys
sys.argv = ["relnotes", *sys.argv[1:]]
from relnotes.__main__ import main
try:
    main()
except SystemExit as e:
    sys.stderr.write("\\nEXIT=%s\\n" % (e.code or 0))
finally:
    sys.stderr.write("\\nGIT-IMPORTED=%s\\n" % ("git" in sys.modules))
"""


def logging_git(tmp_path: Path) -> tuple[dict[str, str], Path]:
    """An environment whose ``git`` logs each command line to the returned file."""
    real = shutil.which("git")
    assert real is not None
    bin_dir, log = tmp_path / "logging-bin", tmp_path / "git.log"
    bin_dir.mkdir(exist_ok=True)
    wrapper = bin_dir / "git"
    wrapper.write_text(f'#!/bin/sh\nprintf "%s\\n" "$*" >> "{log}"\nexec "{real}" "$@"\n', encoding="utf-8")
    wrapper.chmod(0o755)
    return {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}, log


def probe(p: Project, tmp_path: Path, *args: str) -> tuple[bool, list[str], str]:
    """Run ``relnotes ARGS`` as a process: (GitPython imported?, git commands started, stderr)."""
    env, log = logging_git(tmp_path)
    log.unlink(missing_ok=True)
    r = subprocess.run([sys.executable, "-c", _PROBE, *args], cwd=p.root, env=env, capture_output=True, text=True,
                       timeout=120)
    assert "Traceback" not in r.stderr, r.stderr
    assert "GIT-IMPORTED=" in r.stderr, r.stderr
    started = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    return "GIT-IMPORTED=True" in r.stderr, started, r.stderr


@pytest.mark.parametrize("args, uses_git", [
    (["check", "--base", "release-48.0.0"], True),
    (["build", "--draft"], False),
    (["build"], True),  # ls-files, update-index --remove: plumbing
    (["when", "#12"], True),
    (["backports", "--on", "2026-08-20"], True),
    (["archive", "--check"], True),
    (["history"], True),
    (["show"], False),
])
def test_reading_commands_never_import_gitpython(scenario, project, tmp_path, args, uses_git):  # noqa: F811
    imported, started, err = probe(project, tmp_path, *args)
    assert bool(started) == uses_git, f"{args}: git ran {started} ({err})"
    assert not imported, f"{args} imported GitPython; git ran: {started}"
    assert "EXIT=3" not in err, err
    if args == ["build"]:
        assert any(line.startswith("update-index --remove") for line in started), started


def test_commands_that_change_history_use_gitpython(project, tmp_path):
    args = setup_release(project)
    imported, started, err = probe(project, tmp_path, *args)
    assert "EXIT=0" in err and imported, err
    assert any(line.startswith("commit ") for line in started), started
    imported, started, err = probe(project, tmp_path, "tag")
    assert "EXIT=0" in err and imported, err
    assert any(line.startswith("tag ") for line in started), started
    assert project.git("tag", "--list") == "v49.0.0"


def test_check_base_starts_four_git_processes(project, tmp_path):
    """Find the repository, the changed names, the merge base, one cat-file: no more
    (it was five with GitPython, which starts ``git version`` twice on import)."""
    project.write("RELEASES.md", corpus("main.RELEASES.md"))
    project.commit("base")
    project.git("switch", "-q", "-c", "pr")
    for i in range(10):
        project.fragment(f"f{i}.md", "Fixed", f"Fix {i}.", prs=f"[{i + 1}]")
    project.commit("fragments")
    imported, started, err = probe(project, tmp_path, "check", "--base", "main")
    assert "EXIT=0" in err and not imported, err
    assert [line.split()[0] for line in started] == ["rev-parse", "diff", "merge-base", "cat-file"], started
