"""Attacks on version_files and hooks.bump: a hostile relnotes.yaml or version file, a
careless maintainer.  Each case names what it tries; every one must end in a located
message with exit 0/1/2, never exit 3, a hang, a write outside the repository or a lost byte."""

from __future__ import annotations

import os
import sys
import time

import pytest
from conftest import corpus

from relnotes.config import load as config
from relnotes.config import vpatterns
from relnotes.errors import ConfigError


def vfiles(*entries: tuple[str, str]) -> str:
    return "version_files:\n" + "".join(f"  - {{path: '{p}', pattern: '{pat}'}}\n" for p, pat in entries)


def on_main(project, cargo: str = 'version = "36.0.0"\n', extra: str = "") -> None:
    project.write("RELEASES.md", corpus("history/main-2025-08-05-before-bump-37.0.0.RELEASES.md"))
    project.write("Cargo.toml", cargo)
    project.write("relnotes.yaml", project.read("relnotes.yaml") + extra)
    project.commit("state")


def refused_at_load(project, extra: str, match: str) -> None:
    project.write("relnotes.yaml", project.read("relnotes.yaml") + extra)
    with pytest.raises(ConfigError, match=match):
        config.load(project.root / "relnotes.yaml")
    r = project.run("check")
    assert r.exit_code == 2, r.output
    assert "relnotes.yaml" in r.stderr


# -- paths -----------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["../outside.toml", "/etc/passwd", "a/../../outside.toml", "C:/x.toml"])
def test_version_file_paths_outside_the_repository_are_refused(project, path):
    refused_at_load(project, vfiles((path, 'version = "{version}"')), "version_files")


def test_a_version_file_symlinked_outside_is_never_written(project, tmp_path):
    outside = tmp_path / "outside.toml"
    outside.write_text('version = "36.0.0"\n')
    on_main(project, extra=vfiles(("Cargo.toml", 'version = "{version}"'), ("link.toml", 'version = "{version}"')))
    os.symlink(outside, project.root / "link.toml")
    project.commit("a symlink")
    r = project.run("cut", "--commit")
    assert r.exit_code == 2, r.output
    assert "link.toml" in r.stderr
    assert outside.read_text() == 'version = "36.0.0"\n'


def test_a_version_file_inside_the_git_directory_or_through_a_symlinked_directory_is_refused(project, tmp_path):
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "Cargo.toml").write_text('version = "36.0.0"\n')
    os.symlink(tmp_path / "elsewhere", project.root / "crates")
    for path in (".git/config", "crates/Cargo.toml"):
        project.write("relnotes.yaml", "preset: wasmtime\nproject: Wasmtime\nrepository: https://github.com/bytecodealliance/wasmtime\n")
        on_main(project, extra=vfiles(("Cargo.toml", 'version = "{version}"'), (path, '{version}')))
        git_config = (project.root / ".git" / "config").read_bytes()
        r = project.run("cut", "--commit")
        assert r.exit_code == 2, r.output
        assert path.split("/")[0] in r.output and "internal error" not in r.output
        assert (project.root / ".git" / "config").read_bytes() == git_config
        assert (tmp_path / "elsewhere" / "Cargo.toml").read_text() == 'version = "36.0.0"\n'


# -- patterns: bounded work --------------------------------------------------------------------

@pytest.mark.parametrize("pattern", [
    "{major}" * 30 + "{version}",                  # adjacent number slots: every split of a digit run
    "v" + "{major}1" * 20 + "{version}",           # a digit between two number slots is no boundary
    "{minor}{patch}{major}{minor}{patch}{version}",
])
def test_patterns_whose_slots_run_into_each_other_are_refused(project, pattern):
    refused_at_load(project, vfiles(("Cargo.toml", pattern)), "version_files")


def test_accepted_patterns_search_in_linear_time():
    # the worst text for the patterns relnotes accepts: long digit and dot runs
    text = ("1." * 20000 + "\n" + "9" * 40000 + "\n" + "1.2.3-" + "a." * 20000) * 2
    for pattern in ['version = "{version}"', "0.{major+87}.{patch}", "{major}.{minor}.{patch}{pre}",
                    "{version}.{major}", "#define X {major}", "{version}{pre}"]:
        assert vpatterns.problem(pattern) is None, pattern
        start = time.perf_counter()
        list(vpatterns.finder(pattern).finditer(text))
        assert time.perf_counter() - start < 5, pattern


def test_a_huge_version_in_a_version_file_is_a_located_error(project):
    on_main(project, cargo='version = "' + "9" * 100_000 + '.0.0"\n',
            extra=vfiles(("Cargo.toml", 'version = "{version}"')))
    r = project.run("cut")
    assert r.exit_code == 2, r.output
    assert "Cargo.toml" in r.stderr


def test_a_derived_number_that_would_be_huge_stays_bounded(project):
    refused_at_load(project, vfiles(("Cargo.toml", 'version = "{version}"'),
                                    ("Cargo.toml", "X {major+9999999}")), "version_files")


# -- hooks ---------------------------------------------------------------------------------------

def hooked(project, script: str, timeout: int = 20) -> None:
    project.write("hook.py", script)
    project.write("relnotes.yaml", project.read("relnotes.yaml") + vfiles(("Cargo.toml", 'version = "{version}"'))
                  + f"hooks:\n  bump:\n    - ['{sys.executable}', hook.py]\n  timeout: {timeout}\n")


def test_a_failing_hook_in_cut_commits_nothing_and_a_rerun_finishes_once(project):
    # cut keeps its crash record when a hook fails (the branch is made, the files written):
    # the rerun, once the hook is fixed, finishes this cut exactly once
    project.write("RELEASES.md", corpus("history/main-2025-08-05-before-bump-37.0.0.RELEASES.md"))
    project.write("Cargo.toml", 'version = "36.0.0-dev"\n')
    hooked(project, "import sys\nopen('Cargo.lock', 'w').write('half')\nsys.exit(4)\n")
    project.write("Cargo.lock", "lock 36\n")
    project.commit("state")
    head = project.git("rev-parse", "HEAD")
    r = project.run("cut", "--commit")
    assert r.exit_code == 2, r.output
    assert "hooks.bump[0]" in r.stderr and "exited with status 4" in r.stderr
    assert project.git("rev-parse", "HEAD") == head and project.read("Cargo.lock") == "lock 36\n"
    project.write("hook.py", "open('Cargo.lock', 'w').write('lock 37\\n')\n")
    r = project.run("cut", "--commit")
    assert r.exit_code == 0, r.output
    assert project.read("Cargo.lock") == "lock 37\n"
    assert project.read("Cargo.toml") == 'version = "37.0.0-dev"\n'
    assert project.git("branch", "--list", "release-*").split() == ["release-36.0.0"]
    assert project.git("rev-parse", "release-36.0.0") == head
    notes = project.read("RELEASES.md")
    assert notes.count("## 37.0.0") == 1 and "## 36.0.0" not in notes
    assert notes.count("release-36.0.0/RELEASES.md") == 1
    assert project.git("rev-parse", "HEAD^") == head


def test_hook_output_cannot_inject_workflow_commands(project):
    on_main(project)
    hooked(project, "import sys\nprint('::error file=x::pwned')\nprint('::add-mask::x', file=sys.stderr)\nsys.exit(1)\n")
    project.commit("hook")
    r = project.run("cut", env={"GITHUB_ACTIONS": "true"})
    assert r.exit_code == 2, r.output
    assert not any(line.startswith("::error file=x") or line.startswith("::add-mask")
                   for line in (r.stdout + r.stderr).splitlines())


def test_hook_runs_in_the_repository_root_even_from_a_subdirectory(project):
    on_main(project)
    hooked(project, "import os\nopen('where.txt', 'w').write(os.getcwd())\n")
    project.write("sub/x.txt", "x")
    project.commit("hook")
    from typer.testing import CliRunner

    from relnotes.cli import app

    old = os.getcwd()
    os.chdir(project.root / "sub")
    try:
        r = CliRunner().invoke(app, ["cut"], catch_exceptions=False)
    finally:
        os.chdir(old)
    assert r.exit_code == 0, r.output
    assert os.path.realpath(project.read("where.txt")) == os.path.realpath(project.root)


def test_check_base_never_runs_a_hook_even_when_the_base_has_one(project):
    on_main(project)
    hooked(project, "open('ran.txt', 'w').write('ran')\n")
    project.commit("main with a hook")
    project.git("switch", "-q", "-c", "pr")
    project.fragment("x.md", "Added", "A thing.")
    project.commit("pr")
    r = project.run("check", "--base", "main")
    assert r.exit_code == 0, r.output
    assert not (project.root / "ran.txt").exists()


def test_a_hook_that_spawns_a_child_is_killed_with_its_group(project):
    on_main(project)
    hooked(project, "import subprocess, sys, time\n"
                    "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(30); open(\"late.txt\",\"w\")'])\n"
                    "time.sleep(30)\n", timeout=1)
    project.commit("hook")
    start = time.monotonic()
    r = project.run("cut")
    assert r.exit_code == 2, r.output
    assert time.monotonic() - start < 20
    assert "did not finish within hooks.timeout (1 s)" in r.stderr


def test_hook_commands_from_a_huge_config_are_bounded(project):
    refused_at_load(project, "hooks:\n  bump:\n    - [" + ", ".join(["a"] * 101) + "]\n", "hooks.bump")
    project.write("relnotes.yaml", project.read("relnotes.yaml").split("hooks:")[0])
    refused_at_load(project, "hooks:\n  timeout: 100000000\n", "hooks.timeout")
