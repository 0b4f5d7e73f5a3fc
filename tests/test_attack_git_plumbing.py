"""Attacks on git without GitPython on the read path: hostile repository paths, git's own
environment variables, a ``git`` on PATH that prints garbage, dies or hangs, hostile
``check --base`` values.  Every outcome is an answer or a located refusal (exit 1 or 2),
never exit 3, and nothing outside the repository is touched."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import Project, git


def _branch_with_fragment(p: Project) -> None:
    p.write("RELEASES.md", "## 2.0.0\n\nUnreleased.\n\n### Fixed\n\n" + "-" * 80 + "\n")
    p.commit("base")
    p.git("checkout", "-q", "-b", "topic")
    p.write("src.rs", "fn main() {}\n")
    p.fragment("fix.md", "Fixed", "A fix.", prs="[7]")
    p.commit("topic")


def _cli(p: Project, *args: str, env: dict | None = None, cwd: Path | None = None, timeout: int = 120):
    code = ("import sys\nsys.argv = ['relnotes', *sys.argv[1:]]\nfrom relnotes.__main__ import main\nmain()\n")
    return subprocess.run([sys.executable, "-c", code, *args], cwd=cwd or p.root, capture_output=True,
                          env={**os.environ, "RELNOTES_NO_CACHE": "1", **(env or {})}, timeout=timeout)


@pytest.mark.parametrize("name", ["with space", "new\nline", "quote'\"$(id)", "-dash", "é ü"])
def test_check_from_a_hostile_repository_path(git_env, tmp_path, name):
    root = tmp_path / name / "repo"
    root.mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    p = Project(root)
    p.write("relnotes.yaml", "preset: wasmtime\nproject: W\nrepository: https://github.com/o/w\n")
    _branch_with_fragment(p)
    r = _cli(p, "check", "--base", "main")
    assert r.returncode == 0, r.stderr


def test_a_linked_worktree_and_a_subdirectory_under_a_path_with_a_line_break(git_env, tmp_path):
    root = tmp_path / "a\nb" / "repo"
    root.mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    p = Project(root)
    p.write("relnotes.yaml", "preset: wasmtime\nproject: W\nrepository: https://github.com/o/w\n")
    _branch_with_fragment(p)
    (root / "src").mkdir()
    assert _cli(p, "check", "--base", "main", cwd=root / "src").returncode == 0
    wt = tmp_path / "a\nb" / "wt\nx"
    p.git("worktree", "add", "-q", str(wt), "-b", "other", "topic")
    r = _cli(p, "check", "--base", "main", cwd=wt)
    assert r.returncode == 0, r.stderr


def test_check_from_a_non_utf8_repository_path(git_env, tmp_path):
    root = Path(os.fsdecode(bytes(tmp_path) + b"/\xff\xfe-repo"))
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    p = Project(root)
    p.write("relnotes.yaml", "preset: wasmtime\nproject: W\nrepository: https://github.com/o/w\n")
    _branch_with_fragment(p)
    r = _cli(p, "check", "--base", "main")
    assert r.returncode == 0, r.stderr


@pytest.mark.parametrize("variables", [
    {"GIT_CONFIG_PARAMETERS": "'color.ui'='always' 'color.diff'='always' 'diff.noprefix'='true'"},
    {"GIT_CONFIG_PARAMETERS": "'core.quotepath'='true' 'diff.renames'='copies' 'diff.relative'='true'"},
    {"GIT_CONFIG_PARAMETERS": "'log.showsignature'='true' 'format.pretty'='oneline' 'log.decorate'='full'"},
    {"GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": "diff.external", "GIT_CONFIG_VALUE_0": "false"},
    {"GIT_EXTERNAL_DIFF": "false", "GIT_PAGER": "false", "PAGER": "false"},
    {"GIT_TRACE": "1", "GIT_TRACE_PACKET": "1"},
    {"GIT_LITERAL_PATHSPECS": "0", "GIT_GLOB_PATHSPECS": "1"},
    {"GIT_ICASE_PATHSPECS": "1"},
    {"GIT_NOGLOB_PATHSPECS": "1"},
    {"GIT_DIFF_OPTS": "--unified=0"},
])
def test_check_with_git_environment_variables_set(project, variables):
    _branch_with_fragment(project)
    r = _cli(project, "check", "--base", "main", env=variables)
    assert r.returncode == 0, r.stderr
    p = project
    p.fragment("bad.md", "Nope", "x")
    p.commit("bad")
    r = _cli(project, "check", "--base", "main", env=variables)
    assert r.returncode == 1 and b"changes.d/bad.md" in r.stderr, r.stderr


def test_git_dir_and_work_tree_from_elsewhere(project, tmp_path):
    _branch_with_fragment(project)
    away = tmp_path / "away"
    away.mkdir()
    env = {"GIT_DIR": str(project.root / ".git"), "GIT_WORK_TREE": str(project.root)}
    r = _cli(project, "check", "--base", "main", env=env, cwd=project.root)
    assert r.returncode == 0, r.stderr


@pytest.mark.parametrize("base", [
    "--output=/tmp/relnotes-attack-out", "-p", "--no-index", "HEAD:changes.d", ":/topic", "@{-1}",
    "main..HEAD", "main...HEAD", "$(touch /tmp/relnotes-pwned)", "a b", "refs/heads/../x", "x\ny",
    "HEAD^{/a..b}", "main^{commit}", "ext::sh -c touch% /tmp/relnotes-pwned", ":(glob)*", "HEAD@{upstream}",
    "--end-of-options", "\x00", "main\r", "é", "a" * 5000,
])
def test_check_base_hostile_values(project, base):
    _branch_with_fragment(project)
    r = project.run("check", "--base", base)
    assert r.exit_code in (0, 1, 2), r.output
    assert not Path("/tmp/relnotes-attack-out").exists() and not Path("/tmp/relnotes-pwned").exists()


def _fake_git(tmp_path: Path, script: str) -> dict:
    bin_dir = tmp_path / "fake-bin"
    bin_dir.mkdir(exist_ok=True)
    (bin_dir / "git").write_text("#!/bin/sh\n" + script, encoding="utf-8")
    (bin_dir / "git").chmod(0o755)
    return {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}


@pytest.mark.parametrize("script", [
    "printf 'garbage\\n\\377\\376\\n'\nexit 0\n",
    "printf 'a\\nb\\nc\\ntrue\\n'\nexit 0\n",  # four plausible lines, no real paths
    "printf '/\\n/\\n/\\nfalse\\nnotasha\\n'\nexit 0\n",
    "exit 0\n",
    "kill -9 $$\n",
    "printf 'fatal: boom\\n' >&2\nexit 128\n",
    "head -c 3000000 /dev/zero\nexit 0\n",
])
def test_a_git_on_path_that_misbehaves(project, tmp_path, script):
    _branch_with_fragment(project)
    r = _cli(project, "check", "--base", "main", env=_fake_git(tmp_path, script))
    assert r.returncode in (1, 2), r.stderr
    assert b"Traceback" not in r.stderr, r.stderr


def test_reading_commands_never_import_gitpython_under_hostile_environment(project):
    _branch_with_fragment(project)
    code = ("import sys\nsys.argv = ['relnotes', 'check', '--base', 'main']\nfrom relnotes.__main__ import main\n"
            "try:\n    main()\nexcept SystemExit as e:\n    print('EXIT', e.code)\nprint('GIT', 'git' in sys.modules)\n")
    r = subprocess.run([sys.executable, "-c", code], cwd=project.root, capture_output=True, text=True,
                       env={**os.environ, "GIT_PYTHON_REFRESH": "quiet"}, timeout=120)
    assert "GIT False" in r.stdout, r.stdout + r.stderr


@pytest.mark.parametrize("name", [b"a\nb.md", b"\xff\xfe.md", b"-rf.md", b":(glob)x.md", b"x\r.md", b" lead.md",
                                  b"a\\b.md", b'"q".md'])
def test_a_pr_adds_a_fragment_with_a_hostile_file_name(project, name):
    _branch_with_fragment(project)
    path = os.path.join(os.fsencode(project.root), b"changes.d", name)
    with open(path, "wb") as f:
        f.write(b"---\nsection: Fixed\n---\nA hostile name.\n")
    project.git("add", "-A")
    project.git("commit", "-q", "-m", "hostile")
    r = _cli(project, "check", "--base", "main")
    assert r.returncode in (0, 1), r.stderr
    assert b"Traceback" not in r.stderr
