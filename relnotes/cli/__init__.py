"""The ``relnotes`` command line: a thin typer shell over the library.

This package is the only code that prints, prompts or exits.  Each command loads the
configuration, calls one library function, and reports its result; every expected
failure arrives as a RelnotesError and leaves as ``error: …`` on stderr with the
error's exit code.  Commands live in one module per group (``contributing``,
``gating``, ``building``, ``maintaining``, ``showing``, ``releasing``, ``asking``, ``describing``, ``migrating``,
``browsing``) and register on
``app`` (``common.py``) when their module is imported.

Only the invoked command's group is imported (:data:`COMMANDS` names it, as pip's
command registry does), so a command loads the part of the library it uses and no
other; ``--help``, typos and shell completion load every group.  Heavy libraries
(mistletoe, ruamel.yaml, Jinja, GitPython) are imported inside the library functions
that need them, and only the invoked command is built (``app_for``).
"""

from __future__ import annotations

import os
import sys
from importlib import import_module

import typer
from typer.main import get_command_name

from relnotes.cli import common as app_module
from relnotes.cli.common import APP_SETTINGS, closed_pipe, err, internal, report, state

__all__ = ["COMMANDS", "GROUPS", "app", "app_for", "load_for", "load_groups", "main"]

# The module of each command, in --help order.  Importing a group's module registers
# its commands on the app; tests/test_cli.py keeps this table and the modules in step.
GROUPS = ("contributing", "gating", "building", "maintaining", "showing", "releasing", "asking", "describing", "catalog",
          "migrating", "browsing")
COMMANDS = {
    "init": "contributing", "new": "contributing", "check": "gating",
    "build": "building", "show": "showing", "cut": "maintaining", "patch": "maintaining",
    "stamp": "maintaining", "release": "maintaining", "archive": "maintaining",
    "rc": "releasing", "tag": "releasing",
    "schedule": "asking", "support": "asking", "backports": "asking", "when": "asking", "next": "asking",
    "schema": "describing", "templates": "catalog", "import": "migrating",
    "history": "browsing", "upgrade": "browsing", "site": "browsing",
}


def load_groups(*names: str) -> typer.Typer:
    """Import the named command groups (all of them when none is named), in --help
    order, so their commands are registered; the app they registered on."""
    for group in GROUPS:
        if not names or group in names:
            import_module(f"relnotes.cli.{group}")
    app = app_module.app
    if not names:  # --help lists them in this order, whichever group an earlier call loaded first
        order = list(COMMANDS)
        app.registered_commands.sort(key=lambda c: order.index(_name(c)) if _name(c) in order else len(order))
    return app


def _name(command) -> str:
    return command.name or get_command_name(command.callback.__name__)


def __getattr__(name: str) -> typer.Typer:
    if name == "app":  # ``relnotes.cli.app`` as an attribute: the whole command line
        return load_groups()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")



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


def load_for(args: list[str]) -> typer.Typer:
    """Import the command group ``args`` invoke (every group for ``--help``, a typo or a
    shell asking for completions); the app they registered on.  ``relnotes.__main__``
    calls this while the start-up objects are being frozen."""
    wanted = None if os.environ.get(_COMPLETE_VAR) else _invoked_command(args)
    return load_groups(COMMANDS[wanted]) if wanted in COMMANDS else load_groups()


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
    app = load_for(args)
    if os.environ.get(_COMPLETE_VAR):
        return app
    wanted = _invoked_command(args)
    groups = [g for g in app.registered_groups if g.name == wanted]
    commands = [c for c in app.registered_commands if _name(c) == wanted]
    if not groups and not commands:
        return load_groups()
    pruned = typer.Typer(**APP_SETTINGS)
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
