"""The everyday command-line surface: -h, examples in --help, --format choices, shell completion."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from relnotes.cli import app, app_for, main
from relnotes.cli.common import import_app
from relnotes.cli.examples import EXAMPLES


def _command_paths() -> list[str]:
    """Every command path as typed after ``relnotes``, read from the registered app."""
    from typer.main import get_command_name

    paths = [c.name or get_command_name(c.callback.__name__) for c in app.registered_commands]
    paths.append("import")
    paths += [f"import {c.name or get_command_name(c.callback.__name__)}" for c in import_app.registered_commands]
    return paths


COMMANDS = _command_paths()


def _invoke(args: list[str], env: dict | None = None):
    """What ``main`` does: the pruned app for the invoked command, then parse."""
    return CliRunner().invoke(app_for(args), args, prog_name="relnotes", env=env)


def test_every_command_has_an_example():
    assert set(COMMANDS) | {""} == set(EXAMPLES), "add the new command's example to relnotes/cli/examples.py"


@pytest.mark.parametrize("path", ["", *COMMANDS])
@pytest.mark.parametrize("flag", ["-h", "--help"])
def test_help_flag_shows_the_example(path, flag):
    r = _invoke([*path.split(), flag])
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith("Usage: relnotes")
    assert "-h, --help" in r.stdout
    assert f"  Example:\n\n    {EXAMPLES[path]}\n" in r.stdout


@pytest.mark.parametrize("path", COMMANDS)
def test_examples_use_real_options(path):
    """Each example parses: the command exists and takes every option it shows."""
    from typer.main import get_command

    words = shlex.split(EXAMPLES[path].split(" > ")[0])[1:]
    cmd = get_command(app)
    while words and hasattr(cmd, "commands") and words[0] in cmd.commands:
        cmd = cmd.commands[words.pop(0)]
    assert not hasattr(cmd, "commands") or path == "import", f"{path}: example names no command"
    if path != "import":
        cmd.make_context(path, words, resilient_parsing=True)  # raises on an unknown option


FORMATS = {
    "check": ("text", "github", "json"),
    "show": ("md", "json", "html", "page"),
    "schedule": ("table", "json"),
    "support": ("table", "json", "svg"),
    "backports": ("text", "json"),
    "when": ("text", "json"),
    "next": ("text", "json", "version"),
    "history": ("md", "table", "json"),
    "upgrade": ("md", "json", "html"),
}


@pytest.mark.parametrize("path,choices", FORMATS.items())
def test_format_choices_listed_and_validated(path, choices):
    h = _invoke([path, "--help"])
    assert f"--format <{'|'.join(choices)}>" in h.stdout
    args = [path, "--format", "xml"] + {"when": ["HEAD"], "upgrade": ["1.0.0", "2.0.0"]}.get(path, [])
    r = _invoke(args)
    assert r.exit_code == 2
    quoted = ", ".join(f"'{c}'" for c in choices)
    assert f"Invalid value for '--format': 'xml' is not one of {quoted}." in r.stderr


def test_every_format_option_is_a_choice():
    """No command takes a free-form --format (the framework validates all of them)."""
    from typer.main import get_command

    def walk(cmd, path):
        for name, sub in getattr(cmd, "commands", {}).items():
            yield from walk(sub, f"{path} {name}".strip())
        for p in getattr(cmd, "params", []):
            if "--format" in getattr(p, "opts", []):
                yield path, p

    found = dict(walk(get_command(app), ""))
    assert set(found) == set(FORMATS)
    for path, p in found.items():
        assert tuple(p.type.choices) == FORMATS[path]


def test_numbers_is_a_choice():
    r = _invoke(["import", "towncrier", "--numbers", "bugs"])
    assert r.exit_code == 2 and "'bugs' is not one of 'issues', 'prs'" in r.stderr


# -- completion ------------------------------------------------------------------------------

NAMED_SHELL = ("_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION", "1")  # read when the app is built


def _complete(words: str, cword: int, shell: str = "bash"):
    env = {"_RELNOTES_COMPLETE": f"complete_{shell}", "COMP_WORDS": words, "COMP_CWORD": str(cword),
           "_TYPER_COMPLETE_ARGS": words}
    return CliRunner().invoke(app_for([]), [], prog_name="relnotes", env=env)


def test_completion_of_commands_options_and_choices():
    assert _complete("relnotes bu", 1).output == "build\n"
    assert _complete("relnotes ba", 1).output == "backports\n"
    assert _complete("relnotes check --fo", 2).output == "--format\n"
    assert _complete("relnotes check --format ", 3).output.split() == ["text", "github", "json"]
    assert _complete("relnotes import t", 2).output == "towncrier\n"


def test_completion_zsh_and_fish_answer():
    zsh = _complete("relnotes sup", 1, "zsh").output
    assert "support" in zsh and "Releases supported on a date" in zsh
    fish = CliRunner().invoke(app_for([]), [], prog_name="relnotes", env={
        "_RELNOTES_COMPLETE": "complete_fish", "_TYPER_COMPLETE_ARGS": "relnotes sche",
        "_TYPER_COMPLETE_FISH_ACTION": "get-args"}).output
    assert fish.startswith("schedule\t")


def test_completion_needs_the_full_app_only_when_asked():
    """A normal command runs on the pruned app without completion options; a shell's
    completion request (no arguments, the variable set) gets the full app."""
    assert app_for(["build"]) is not app and app_for(["build"])._add_completion is False
    assert app_for([]) is app and app._add_completion is True
    os.environ["_RELNOTES_COMPLETE"] = "complete_bash"
    try:
        assert app_for(["build"]) is app
    finally:
        del os.environ["_RELNOTES_COMPLETE"]


@pytest.mark.parametrize("shell,needle", [("bash", "complete -o default -F _relnotes_completion relnotes"),
                                          ("zsh", "compdef _relnotes_completion relnotes"),
                                          ("fish", "complete --command relnotes")])
def test_show_completion_and_source(shell, needle, monkeypatch, capsys):
    # typer detects the calling shell (shellingham); its own tests name the shell instead
    monkeypatch.setenv(*NAMED_SHELL)
    r = _invoke(["--show-completion", shell])
    assert r.exit_code == 0 and needle in r.stdout
    # click's spelling (bash_source) and typer's (source_bash) both print the script
    for value in (f"{shell}_source", f"source_{shell}"):
        monkeypatch.setenv("_RELNOTES_COMPLETE", value)
        with pytest.raises(SystemExit) as exc:
            main([])
        assert exc.value.code == 0 and needle in capsys.readouterr().out


def test_install_completion_writes_the_shell_rc(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv(*NAMED_SHELL)
    r = _invoke(["--install-completion", "bash"])
    assert r.exit_code == 0 and "bash completion installed in" in r.stdout
    assert "_RELNOTES_COMPLETE=complete_bash" in (tmp_path / ".bash_completions" / "relnotes.sh").read_text()
    assert "relnotes.sh" in (tmp_path / ".bashrc").read_text()


def test_bash_completes_through_the_real_script(tmp_path):
    """A real bash evaluates the script relnotes prints and asks the real program."""
    exe = Path(sys.executable).parent / "relnotes"
    if shutil.which("bash") is None or not exe.exists():
        pytest.skip("needs bash and the installed relnotes script")
    script = ('eval "$(_RELNOTES_COMPLETE=bash_source relnotes)"\n'
              'COMP_WORDS=(relnotes support --format ""); COMP_CWORD=3\n'
              '_relnotes_completion relnotes\n'
              'printf "%s\\n" "${COMPREPLY[@]}"\n'
              'COMP_WORDS=(relnotes sch); COMP_CWORD=1\n'
              '_relnotes_completion relnotes\n'
              'printf "%s\\n" "${COMPREPLY[@]}"\n')
    env = {**os.environ, "PATH": f"{exe.parent}{os.pathsep}{os.environ['PATH']}"}
    env.pop("_RELNOTES_COMPLETE", None)
    r = subprocess.run(["bash", "--norc", "--noprofile", "-c", script], cwd=tmp_path, env=env,
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["table", "json", "svg", "schedule", "schema"]
