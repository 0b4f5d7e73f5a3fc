"""What every command module shares: the typer app, the error-to-exit-code decorator,
output helpers, and the root options (``--config``, ``--debug``, ``--version``).

Command modules register on ``app`` with ``@command()``; a RelnotesError raised inside
a command leaves as ``error: …`` on stderr with its exit code (``--debug`` re-raises
it for the traceback).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Annotated, Optional

import typer

from relnotes import __version__
from relnotes.cli.examples import epilog
from relnotes.errors import RelnotesError, ValidationError

_APP_SETTINGS = dict(
    name="relnotes",
    help="Release-notes fragments in, RELEASES.md out, for projects that ship from release branches.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog=epilog(""),
)
# Only the full app (help, typos, and the shell's completion requests, which invoke
# ``relnotes`` with no arguments) offers --install-completion / --show-completion and
# answers ``_RELNOTES_COMPLETE``; the pruned app a command runs on stays as lean as before.
app = typer.Typer(**{**_APP_SETTINGS, "add_completion": True})
import_app = typer.Typer(help="Migrate existing notes or a towncrier setup to fragments.",
                         no_args_is_help=True, rich_markup_mode=None, epilog=epilog("import"))
app.add_typer(import_app, name="import")

state: dict = {"config": None, "debug": False}


def command(target: typer.Typer = app, name: str | None = None):
    """``@app.command()`` that turns a RelnotesError into its message and exit code,
    with the command's example (``examples.EXAMPLES``) at the end of its ``--help``."""

    def deco(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except RelnotesError as e:
                if state["debug"]:
                    raise
                report(e)
                raise typer.Exit(e.exit_code) from None

        path = name or fn.__name__.replace("_", "-")
        if target is import_app:
            path = f"import {path}"
        return target.command(name=name, epilog=epilog(path))(wrapper)

    return deco


def load_config():
    from relnotes import config

    return config.load(state["config"])


def json_text(data) -> str:
    import json  # ~10 ms: only for --format json

    return json.dumps(data, indent=2, ensure_ascii=False)


def out(text: str = "") -> None:
    typer.echo(text)


def err(text: str) -> None:
    typer.echo(text, err=True)


def _version_callback(value: bool) -> None:
    if value:
        out(f"relnotes {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    config: Annotated[Optional[Path], typer.Option("--config", help="Use this relnotes.yaml instead of searching upwards.")] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show a traceback for errors.")] = False,
    version: Annotated[bool, typer.Option("--version", callback=_version_callback, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    state["config"] = config
    state["debug"] = debug


def rows(fmt: str, rows: list, header: str, line) -> None:
    """Print result rows as a JSON list of objects, or as a table with a header."""
    if fmt == "json":
        out(json_text([r.as_dict() for r in rows]))
        return
    out(header)
    for r in rows:
        out(line(r))


def report(e: RelnotesError) -> None:
    if isinstance(e, ValidationError):
        for p in e.problems:
            err(p.format_text())
        err(f"error: {e.message}")
    else:
        err(f"error: {e.message}")
    if e.hint:
        err(f"hint: {e.hint}")

