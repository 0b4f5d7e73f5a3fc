"""The command line: init, new, show, --version, exit codes; once as a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from conftest import corpus


def test_version_fast_path_as_real_subprocess(project):
    r = subprocess.run([sys.executable, "-m", "relnotes", "--version"], capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout.startswith("relnotes ")


def test_entry_point_freezes_start_up_and_runs_the_command_with_the_collector_on(monkeypatch):
    """Start-up objects are frozen (out of every collection), but the command itself runs
    with the garbage collector enabled, so a long command still reclaims its cycles."""
    import gc

    import relnotes.__main__ as entry
    import relnotes.cli

    seen = {}

    def fake_cli_main():
        seen.update(enabled=gc.isenabled(), frozen=gc.get_freeze_count())

    monkeypatch.setattr(relnotes.cli, "main", fake_cli_main)
    monkeypatch.setattr(sys, "argv", ["relnotes", "check"])
    gc.unfreeze()
    try:
        entry.main()
    finally:
        gc.unfreeze()
    assert seen["enabled"] is True
    assert seen["frozen"] > 1000


def test_full_flow_as_real_subprocess(project):
    """init → new → build → show through the installed console entry point."""
    env = dict(os.environ)
    def run(*args):
        return subprocess.run([sys.executable, "-m", "relnotes", *args], cwd=project.root,
                              capture_output=True, text=True, env=env)
    (project.root / "relnotes.yaml").unlink()
    r = run("init", "--project", "Demo", "--repository", "https://example.org/demo", "--version", "1.0.0")
    assert r.returncode == 0 and "created relnotes.yaml" in r.stdout and "created RELEASES.md" in r.stdout
    r = run("new", "--section", "Added", "--pr", "12", "-m", "A shiny new thing.")
    assert r.returncode == 0 and r.stdout.strip() == "changes.d/12-a-shiny-new-thing.md"
    r = run("build")
    assert r.returncode == 0, r.stderr
    r = run("show")
    assert r.returncode == 0
    assert r.stdout == ("## 1.0.0\n\nUnreleased.\n\n### Added\n\n* A shiny new thing.\n"
                        "  [#12](https://example.org/demo/pull/12)\n\n### Changed\n")
    r = run("build", "--bogus")
    assert r.returncode == 2 and "No such option" in r.stderr and "Traceback" not in r.stderr
    r = run("show", "9.9.9")
    assert r.returncode == 1 and "error: RELEASES.md: no '## 9.9.9' section" in r.stderr


def test_init_never_overwrites(project):
    project.write("RELEASES.md", "mine\n")
    r = project.run("init")
    assert r.exit_code == 0 and "kept existing RELEASES.md" in r.stdout and "kept existing relnotes.yaml" in r.stdout
    assert project.read("RELEASES.md") == "mine\n"


def test_new_writes_valid_fragment_and_never_overwrites(project):
    r1 = project.run("new", "-s", "fixed", "--pr", "7", "--advisory", "GHSA-vqjp-4c8c-hfgg", "--backport",
                     "-m", "Fixed a crash.")
    r2 = project.run("new", "-s", "Fixed", "--pr", "7", "-m", "Fixed a crash.")
    assert r1.exit_code == 0 and r2.exit_code == 0
    assert r1.stdout.strip() == "changes.d/7-fixed-a-crash.md"
    assert r2.stdout.strip() == "changes.d/7-fixed-a-crash-2.md"
    assert project.read("changes.d/7-fixed-a-crash.md") == (
        "---\nsection: Fixed\nprs: [7]\nadvisories: [GHSA-vqjp-4c8c-hfgg]\nbackport: true\n---\nFixed a crash.\n")


def test_new_refuses_invalid_input_and_writes_nothing(project):
    before = project.snapshot_tree()
    r = project.run("new", "-s", "Fxied", "-m", "x")
    assert r.exit_code == 2 and "unknown section 'Fxied'" in r.stderr and "one of: Added" in r.stderr
    r = project.run("new", "-s", "Fixed", "-m", "# heading")
    assert r.exit_code == 1 and "headings are not allowed" in r.stderr
    r = project.run("new", "-s", "Fixed")  # no text, no terminal
    assert r.exit_code == 2 and "missing the entry text" in r.stderr
    assert project.snapshot_tree() == before


def test_twenty_concurrent_new_make_twenty_files(project):
    env = dict(os.environ)
    def one(_):
        return subprocess.run([sys.executable, "-m", "relnotes", "new", "-s", "Fixed", "-m", "Same text."],
                              cwd=project.root, capture_output=True, text=True, env=env)
    with ThreadPoolExecutor(20) as ex:
        results = list(ex.map(one, range(20)))
    assert all(r.returncode == 0 for r in results), [r.stderr for r in results]
    paths = {r.stdout.strip() for r in results}
    assert len(paths) == 20
    assert len(list((project.root / "changes.d").glob("*.md"))) == 20


def test_show_formats(project):
    project.write("RELEASES.md", corpus("history/release-24.0.0-24.0.9-released.RELEASES.md"))
    r = project.run("show", "24.0.8", "--format", "json")
    data = json.loads(r.stdout)
    assert data["version"] == "24.0.8" and data["status"] == "released" and data["date"] == "2026-04-30"
    assert data["categories"][0]["name"] == "Fixed"
    assert data["categories"][0]["entries"][0].startswith("* Fixed a bug in lowering of `f64.copysign`")
    r = project.run("show", "--format", "html")
    assert r.exit_code == 0 and "<h2>24.0.9</h2>" in r.stdout
    r = project.run("show")
    assert r.stdout.startswith("## 24.0.9\n\nReleased 2026-05-21.\n") and "---" not in r.stdout


def test_schema_command(project):
    r = project.run("schema", "fragment")
    schema = json.loads(r.stdout)
    assert schema["properties"]["section"]["anyOf"][0]["enum"][:3] == ["Added", "Changed", "Fixed"]
    assert project.run("schema", "nope").exit_code == 2


def test_debug_shows_traceback(project):
    import pytest

    from relnotes.errors import ContentError
    with pytest.raises(ContentError):
        project.run("--debug", "show")


def test_pruned_app_behaves_like_the_full_app():
    """main() builds only the invoked command; help, errors and typos must not change."""
    import pytest
    from typer.main import get_command_name
    from typer.testing import CliRunner

    from relnotes import cli

    names = [c.name or get_command_name(c.callback.__name__) for c in cli.app.registered_commands]
    assert {"check", "build", "when", "backports", "archive"} <= set(names)
    cases = [[n, "--help"] for n in names] + [
        ["import", "--help"], ["import", "notes", "--help"], ["--config", "x.yaml", "check", "--help"],
        ["build", "--bogus"], ["chek"], ["--help"], [],
    ]
    runner = CliRunner()
    for args in cases:
        pruned = cli.app_for(args)
        if args and args[0] in names:
            assert pruned is not cli.app and len(pruned.registered_commands) == 1, args
        full_r = runner.invoke(cli.app, args, prog_name="relnotes")
        pruned_r = runner.invoke(pruned, args, prog_name="relnotes")
        assert (pruned_r.exit_code, pruned_r.output) == (full_r.exit_code, full_r.output), args
    with pytest.raises(SystemExit):
        cli.main(["chek"])


def test_the_command_registry_names_each_commands_module():
    """main() imports only the invoked command's group (cli.COMMANDS): the table must name
    every command, with the module that registers it, in the order --help lists them."""
    from relnotes import cli

    app = cli.load_groups()
    listed = [(cli._name(c), c.callback.__module__) for c in app.registered_commands]
    listed += [(g.name, "relnotes.cli.migrating") for g in app.registered_groups]
    expected = [(name, f"relnotes.cli.{group}") for name, group in cli.COMMANDS.items()]
    assert sorted(listed) == sorted(expected)
    assert [n for n, _ in listed[:-1]] == [n for n in cli.COMMANDS if n != "import"]


def test_a_command_loads_its_own_group_only():
    """A real process: `schedule` imports the questions it answers, not the release flows."""
    code = ("import sys\nfrom relnotes.cli import main\n"
            "try:\n    main(['schedule'])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in sys.modules if m.startswith('relnotes.cli.') or m.startswith('relnotes.flows.')))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    loaded = r.stdout.strip().splitlines()[-1]
    assert "relnotes.cli.asking" in loaded and "relnotes.cli.maintaining" not in loaded, r.stdout + r.stderr
    assert "relnotes.flows.cut" not in loaded


# -- each command loads what it uses (as measured for the review of the new layout) --------------


def _loaded(args: list[str], cwd: Path) -> set[str]:
    code = ("import sys\nsys.argv = ['relnotes', *sys.argv[1:]]\nfrom relnotes.__main__ import main\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "sys.stderr.write('\\nLOADED=' + ' '.join(sorted(m for m in sys.modules if m.startswith('relnotes'))))")
    r = subprocess.run([sys.executable, "-c", code, *args], cwd=cwd, capture_output=True, text=True, timeout=60)
    return set(r.stderr.rsplit("LOADED=", 1)[1].split())


def test_templates_listing_loads_only_the_catalog(tmp_path):
    """`templates` lists the catalog: it loads no migration, flow or git code."""
    loaded = _loaded(["templates"], tmp_path)
    heavy = ("relnotes.migrate", "relnotes.flows", "relnotes.git.repo", "relnotes.git.history", "relnotes.render.sandbox")
    assert not {m for m in loaded if m.startswith(heavy)}, sorted(loaded)


def test_build_does_not_load_the_static_site_or_the_history_questions(tmp_path):
    """`build` loads no question (the site, history, upgrade, when): `show --format page`
    has its own CLI module."""
    loaded = _loaded(["build", "--draft"], tmp_path)
    assert not {m for m in loaded if m.startswith("relnotes.questions")}, sorted(loaded)
