"""version_files: every occurrence, several patterns per file, derived numbers, refusals;
hooks.bump: when it runs, what it gets, what a failure leaves."""

from __future__ import annotations

import sys

import pytest
from conftest import corpus
from hypothesis import given, settings
from hypothesis import strategies as st

from relnotes.config import load as config
from relnotes.config import vpatterns
from relnotes.errors import ConfigError, StateError
from relnotes.flows import versionfiles
from relnotes.version import Version

CARGO = """\
[workspace.package]
version = "48.0.0"
rust-version = "1.89.0"

[workspace.dependencies]
wasmtime = { path = "crates/wasmtime", version = "48.0.0", default-features = false }
wasmtime-environ = { path = "crates/environ", version = "=48.0.0" }
cranelift-codegen = { path = "cranelift/codegen", version = "0.135.0" }
wasm-encoder = { version = "0.236.0", default-features = false }
anyhow = { version = "48.0.0-beta" }
"""
HEADER = '#define WASMTIME_VERSION "48.0.0"\n#define WASMTIME_VERSION_MAJOR 48\n#define WASMTIME_VERSION_MAJOR_X 480\n'


def vfiles(*entries: tuple[str, str]) -> str:
    return "version_files:\n" + "".join(f"  - {{path: {p}, pattern: '{pat}'}}\n" for p, pat in entries)


def load(project, extra: str):
    project.write("relnotes.yaml", project.read("relnotes.yaml") + extra)
    return config.load(project.root / "relnotes.yaml")


WORKSPACE = vfiles(("Cargo.toml", 'version = "{version}"'), ("Cargo.toml", 'version = "={version}"'),
                   ("Cargo.toml", 'version = "0.{major+87}.{patch}"'),
                   ("wasmtime.h", '#define WASMTIME_VERSION "{version}"'),
                   ("wasmtime.h", "#define WASMTIME_VERSION_MAJOR {major}"))


def test_every_occurrence_of_every_pattern_moves_and_nothing_else(project):
    project.write("Cargo.toml", CARGO)
    project.write("wasmtime.h", HEADER)
    cfg = load(project, WORKSPACE)
    assert versionfiles.current(cfg) == Version(48, 0, 0)
    changes = versionfiles.rewrite(cfg, Version(49, 0, 0), expect=Version(48, 0, 0), keep_dev=True)
    assert changes["Cargo.toml"][1] == CARGO.replace('"48.0.0"', '"49.0.0"').replace('"=48.0.0"', '"=49.0.0"') \
        .replace('"0.135.0"', '"0.136.0"')
    assert 'rust-version = "1.89.0"' in changes["Cargo.toml"][1]
    assert '{ version = "48.0.0-beta" }' in changes["Cargo.toml"][1]  # another version is left alone
    assert changes["wasmtime.h"][1] == HEADER.replace("48", "49").replace("MAJOR_X 490", "MAJOR_X 480")


def test_a_file_listed_twice_keeps_both_edits(project):
    project.write("Cargo.toml", '[package]\nversion = "1.2.0"\n[dependencies]\nself = { version = "=1.2.0" }\n')
    cfg = load(project, vfiles(("Cargo.toml", 'version = "{version}"'), ("Cargo.toml", 'version = "={version}"')))
    after = versionfiles.rewrite(cfg, Version(1, 3, 0))["Cargo.toml"][1]
    assert after == '[package]\nversion = "1.3.0"\n[dependencies]\nself = { version = "=1.3.0" }\n'


def test_patch_moves_a_derived_number_with_its_patch(project):
    project.write("Cargo.toml", 'version = "48.0.0"\n')
    project.write("cranelift.toml", 'version = "0.135.0"\n')
    cfg = load(project, vfiles(("Cargo.toml", 'version = "{version}"'),
                               ("cranelift.toml", 'version = "0.{major+87}.{patch}"')))
    changes = versionfiles.rewrite(cfg, Version(48, 0, 1), expect=Version(48, 0, 0))
    assert changes["cranelift.toml"][1] == 'version = "0.135.1"\n'


def test_a_pattern_that_matches_nothing_is_an_error_naming_file_and_pattern(project):
    project.write("Cargo.toml", CARGO)
    project.write("wasmtime.h", HEADER.replace("MAJOR 48", "MAJOR 47"))
    cfg = load(project, WORKSPACE)
    with pytest.raises(StateError) as e:
        versionfiles.current(cfg)
    assert "wasmtime.h: the pattern '#define WASMTIME_VERSION_MAJOR {major}' matches nothing" in e.value.message
    assert "'#define WASMTIME_VERSION_MAJOR 48' (version 48.0.0)" in e.value.message
    assert "the file has '#define WASMTIME_VERSION_MAJOR 47'" in e.value.message


def test_the_cli_refuses_a_bump_with_a_pattern_that_matches_nothing_and_writes_nothing(project):
    project.write("RELEASES.md", corpus("history/main-2025-08-05-before-bump-37.0.0.RELEASES.md"))
    project.write("Cargo.toml", 'version = "36.0.0"\nmajor = 35\n')
    load(project, vfiles(("Cargo.toml", 'version = "{version}"'), ("Cargo.toml", "major = {major}")))
    project.commit("state")
    before = project.snapshot_tree()
    r = project.run("cut", "--commit")
    assert r.exit_code == 2
    assert "Cargo.toml: the pattern 'major = {major}' matches nothing: it looks for 'major = 36'" in r.stderr
    assert project.snapshot_tree() == before


def test_overlapping_patterns_are_refused_at_load_with_their_line(project):
    project.write("relnotes.yaml", project.read("relnotes.yaml") + vfiles(
        ("Cargo.toml", 'version = "{version}"'), ("x.h", "X {major}"),
        ("Cargo.toml", 'wasmtime = { version = "{version}" }')))
    with pytest.raises(ConfigError) as e:
        config.load(project.root / "relnotes.yaml")
    lines = project.read("relnotes.yaml").splitlines()
    line = next(i for i, ln in enumerate(lines, 1) if "wasmtime = {" in ln)
    assert f"relnotes.yaml:{line}:" in e.value.message
    assert "overlap" in e.value.message and f"entry 1 at {line - 2}" in e.value.message


@pytest.mark.parametrize("pattern, why", [
    ('v = "{majr}.0"', "only known placeholders"),
    ("X {major * 2}", "only known placeholders"),
    ("no placeholder", "must contain '{version}'"),
])
def test_bad_patterns_are_refused_at_load(project, pattern, why):
    project.write("relnotes.yaml", project.read("relnotes.yaml")
                  + vfiles(("a.toml", 'version = "{version}"'), ("b.h", pattern)))
    with pytest.raises(ConfigError) as e:
        config.load(project.root / "relnotes.yaml")
    assert why in e.value.message and "relnotes.yaml:" in e.value.message


def test_a_list_without_version_is_refused(project):
    project.write("relnotes.yaml", project.read("relnotes.yaml") + vfiles(("b.h", "X {major}")))
    with pytest.raises(ConfigError, match="needs one pattern with {version}"):
        config.load(project.root / "relnotes.yaml")


def test_a_derived_number_below_zero_is_an_error(project):
    project.write("a.toml", 'version = "1.0.0"\n')
    project.write("b.h", "X 0\n")
    cfg = load(project, vfiles(("a.toml", 'version = "{version}"'), ("b.h", "X {major-1}")))
    with pytest.raises(StateError, match="cannot be filled: {major-1} is -1"):
        versionfiles.rewrite(cfg, Version(0, 1, 0))


versions = st.builds(Version, st.integers(0, 10**6), st.integers(0, 10**6), st.integers(0, 10**6),
                     st.sampled_from([(), ("dev",), ("rc", "3")]))


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="{}majorpatchversion+-0123456789 =\"x", max_size=60), versions)
def test_patterns_render_or_are_refused_and_never_evaluate(pattern, v):
    if vpatterns.problem(pattern) is not None:
        return
    try:
        text = vpatterns.render(pattern, v)
    except ValueError:
        return  # a number below zero
    found = vpatterns.exact(pattern, v).search(text)
    assert found is not None and found.group() == text
    if vpatterns.has_version(pattern):
        m = vpatterns.finder(pattern).search(text)
        assert m is not None and Version.parse(m["version"]).release == v.release


# -- hooks.bump ---------------------------------------------------------------------------

RECORDER = ("import os, sys\nopen('hook.log', 'a').write(' '.join([os.environ['RELNOTES_OLD_VERSION'], "
            "os.environ['RELNOTES_NEW_VERSION'], *sys.argv[1:]]) + '\\n')\n")


def hooked(project, argv_tail: str = "[recorded]") -> None:
    project.write("hook.py", RECORDER)
    project.write("relnotes.yaml", project.read("relnotes.yaml")
                  + vfiles(("Cargo.toml", 'version = "{version}"'))
                  + f"hooks:\n  bump:\n    - ['{sys.executable}', hook.py, {argv_tail[1:-1]}]\n  timeout: 20\n")


@pytest.fixture
def release_branch(project):
    project.write("RELEASES.md", corpus("history/release-48.0.0-at-cut-2026-08-03.RELEASES.md"))
    project.write("Cargo.toml", 'version = "48.0.0-dev"\n')
    hooked(project)
    project.commit("release branch")
    project.git("switch", "-q", "-c", "release-48.0.0")
    return project


def test_rc_release_and_patch_run_the_hook_with_the_versions(release_branch):
    p = release_branch
    assert p.run("rc", "--commit").exit_code == 0
    assert p.read("hook.log") == "48.0.0-dev 48.0.0-rc.1 recorded\n"
    assert "hook.log" in p.git("show", "--format=", "--name-only", "HEAD")  # it joined the commit
    r = p.run("release", "--commit", "--date", "2026-08-20")
    assert r.exit_code == 0, r.output
    assert p.read("hook.log").splitlines()[-1] == "48.0.0-rc.1 48.0.0 recorded"
    assert "hook.log" in p.git("show", "--format=", "--name-only", "HEAD")
    r = p.run("patch")
    assert r.exit_code == 0, r.output
    assert p.read("hook.log").splitlines()[-1] == "48.0.0 48.0.1 recorded"


@pytest.mark.parametrize("args, runs", [(["check"], False), (["build", "--draft"], False), (["show"], False),
                                        (["cut", "--dry-run"], False), (["cut"], True)])
def test_commands_that_do_not_bump_never_run_the_hook(project, args, runs):
    project.write("RELEASES.md", corpus("history/main-2025-08-05-before-bump-37.0.0.RELEASES.md"))
    project.write("Cargo.toml", 'version = "36.0.0"\n')
    hooked(project)
    project.commit("state")
    r = project.run(*args)
    assert r.exit_code == 0, r.output
    assert (project.root / "hook.log").exists() == runs


def test_a_failing_hook_in_rc_leaves_the_tree_as_it_was(release_branch):
    p = release_branch
    p.write("hook.py", "import sys\nopen('Cargo.toml', 'a').write('# half\\n')\nsys.exit(3)\n")
    p.commit("a failing hook")
    before = p.snapshot_tree()
    head = p.git("rev-parse", "HEAD")
    r = p.run("rc", "--commit")
    assert r.exit_code == 2
    assert "exited with status 3; nothing was committed" in r.stderr
    assert p.snapshot_tree() == before and p.git("rev-parse", "HEAD") == head


def test_a_hook_that_hangs_is_stopped_at_the_timeout(release_branch):
    p = release_branch
    p.write("relnotes.yaml", p.read("relnotes.yaml").replace("timeout: 20", "timeout: 1"))
    p.write("hook.py", "import time\ntime.sleep(60)\n")
    p.commit("a hanging hook")
    r = p.run("rc", "--commit")
    assert r.exit_code == 2
    assert "did not finish within hooks.timeout (1 s) and was stopped" in r.stderr


def test_a_command_that_does_not_exist_is_a_located_error(release_branch):
    p = release_branch
    p.write("relnotes.yaml", p.read("relnotes.yaml").replace(f"'{sys.executable}', hook.py",
                                                             "no-such-cargo-xyz"))
    p.commit("a missing tool")
    r = p.run("rc")
    assert r.exit_code == 2
    assert "relnotes.yaml: hooks.bump[0] (no-such-cargo-xyz recorded) could not start" in r.stderr


@pytest.mark.parametrize("value", ["cargo update", [[]], [["a", 1]], [["x"]] * 21])
def test_hooks_bump_must_be_argument_lists(project, value):
    import json

    project.write("relnotes.yaml", project.read("relnotes.yaml") + f"hooks: {{bump: {json.dumps(value)}}}\n")
    with pytest.raises(ConfigError, match="'hooks.bump' must be a list of at most 20 commands"):
        config.load(project.root / "relnotes.yaml")


def test_check_base_never_runs_a_hook_a_pull_request_adds(project):
    project.write("RELEASES.md", corpus("history/main-2025-08-05-before-bump-37.0.0.RELEASES.md"))
    project.write("Cargo.toml", 'version = "36.0.0"\n')
    project.commit("main")
    project.git("switch", "-q", "-c", "pr")
    hooked(project)
    project.fragment("hook.md", "Added", "A hook.")
    project.commit("a pull request that adds a hook")
    r = project.run("check", "--base", "main")
    assert r.exit_code == 0, r.output
    assert not (project.root / "hook.log").exists()


def test_pre_follows_the_stage_in_a_derived_version(project):
    project.write("Cargo.toml", 'version = "49.0.0-dev"\n')
    project.write("cranelift.toml", 'version = "0.136.0-dev"\n')
    cfg = load(project, vfiles(("Cargo.toml", 'version = "{version}"'),
                               ("cranelift.toml", 'version = "0.{major+87}.{patch}{pre}"')))
    changes = versionfiles.rewrite(cfg, Version(49, 0, 0, ("rc", "1")), expect=Version(49, 0, 0))
    assert changes["cranelift.toml"][1] == 'version = "0.136.0-rc.1"\n'
