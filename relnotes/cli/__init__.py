"""The ``relnotes`` command line: a thin typer shell over the library.

This package is the only code that prints, prompts or exits.  Each command loads the
configuration, calls one library function, and reports its result; every expected
failure arrives as a RelnotesError and leaves as ``error: …`` on stderr with the
error's exit code.  Commands live in one module per group (``contributing``,
``maintaining``, ``releasing``, ``asking``, ``migrating``, ``browsing``) and register on ``app`` (``app.py``).
Heavy modules (mistletoe, ruamel.yaml, Jinja, GitPython) are imported inside the
library functions that need them, and only the invoked command is built
(``app_for``), so every command starts fast.
"""

from __future__ import annotations

import os
import sys

import typer

# Importing a command module registers its commands on ``app``, in this order in --help.
from relnotes.cli import contributing, maintaining, releasing, asking, migrating, browsing  # noqa: F401,I001

__all__ = ["app", "app_for", "main", "contributing", "maintaining", "releasing", "asking", "migrating", "browsing"]
from relnotes.cli.app import _APP_SETTINGS, app, closed_pipe, err, internal, report, state



_COMPLETE_VAR = "_RELNOTES_COMPLETE"  # typer's name for relnotes' completion protocol


def _invoked_command(args: list[str]) -> str | None:
    """The subcommand name in ``args`` (skipping root options), or None."""
    skip = False
    for arg in args:
        if skip:
            skip = False
        elif arg in ("--config", "--project"):
            skip = True  # its value is the next argument
        elif not arg.startswith("-"):
            return arg
    return None


def app_for(args: list[str]) -> typer.Typer:
    """``app`` with only the command ``args`` invoke, or all of it when that is unclear.

    typer turns every registered function into a click command (signature and type
    inspection) before parsing — ~1 ms per command, 20 ms for all of them, on every
    run.  A known command name is unambiguous, so only that command (and the root
    options) is built; ``--help``, typos and anything unexpected get the full app,
    so help texts and "No such command" suggestions are unchanged.  A shell asking for
    completions (``_RELNOTES_COMPLETE`` set) also gets the full app: it completes any
    command, and only the full app carries typer's completion support.
    """
    from typer.main import get_command_name

    if os.environ.get(_COMPLETE_VAR):
        return app
    wanted = _invoked_command(args)
    groups = [g for g in app.registered_groups if g.name == wanted]
    commands = [c for c in app.registered_commands
                if (c.name or get_command_name(c.callback.__name__)) == wanted]
    if not groups and not commands:
        return app
    pruned = typer.Typer(**_APP_SETTINGS)
    pruned.registered_callback = app.registered_callback
    pruned.registered_commands = commands
    pruned.registered_groups = groups
    return pruned


def _accept_click_style_source() -> None:
    """Let ``_RELNOTES_COMPLETE=bash_source`` (click's spelling, in most tools' docs) mean
    typer's ``source_bash``, so ``eval "$(_RELNOTES_COMPLETE=bash_source relnotes)"`` works."""
    shell, _, what = os.environ.get(_COMPLETE_VAR, "").partition("_")
    if what == "source" and shell in ("bash", "zsh", "fish"):
        os.environ[_COMPLETE_VAR] = f"source_{shell}"


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point (see ``relnotes.__main__`` for the fast path)."""
    args = sys.argv[1:] if argv is None else argv
    _accept_click_style_source()
    try:
        try:
            app_for(args)(args=args, prog_name="relnotes")
        finally:
            if sys.stdout is not None:  # None: started with stdout closed (``relnotes check >&-``)
                sys.stdout.flush()  # what is still buffered: a closed pipe shows here, not at exit
    except BrokenPipeError:  # outside a command (the root callback), or the last flush
        try:
            closed_pipe()
        except typer.Exit as e:
            raise SystemExit(e.exit_code) from None
    except KeyboardInterrupt:
        err("interrupted")
        raise SystemExit(130) from None
    except Exception as e:  # noqa: BLE001 - outside any command (option parsing, the root callback)
        if state["debug"] or "--debug" in args:
            raise
        report(internal(e))
        raise SystemExit(3) from None
