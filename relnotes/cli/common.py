"""What every command module shares: the typer app, the error-to-exit-code decorator,
output helpers, and the root options (``--config``, ``--debug``, ``--version``).

Command modules register on ``app`` with ``@command()``, the one place that

* turns a RelnotesError into ``error: …`` on stderr with its exit code;
* turns any other exception — a bug — into ``error: internal error: …``, exit 3, with
  a hint to rerun with ``--debug`` (which re-raises, for the traceback) and report it;
  an OSError that names a file is a filesystem problem, not a bug: exit 2 with the path;
* for ``@command(mutating=True)``, holds the repository lock (``relnotes.lock``) from
  the moment the configuration is loaded until the command returns, so commands that
  change files never interleave;
* gives every command a ``--project NAME`` option (the same as the root option, so
  ``relnotes new --project cli`` and ``relnotes --project cli new`` agree); ``init``,
  whose ``--project`` names the project it creates, keeps its own.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from relnotes import __version__
from relnotes.cli.examples import epilog
from relnotes.errors import FileSystemError, InternalError, RelnotesError, ValidationError

APP_SETTINGS: dict[str, Any] = dict(
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
app = typer.Typer(**{**APP_SETTINGS, "add_completion": True})
import_app = typer.Typer(help="Migrate existing notes or a towncrier setup to fragments.",
                         no_args_is_help=True, rich_markup_mode=None, epilog=epilog("import"))
app.add_typer(import_app, name="import")

state: dict = {"config": None, "debug": False, "lock": None, "project": None}

_PROJECT_HELP = ("In a monorepo, the project to work on (default: the one the working directory is in; "
                 "also $RELNOTES_PROJECT).")
_PROJECT_PARAM = "project_option"


def command(target: typer.Typer = app, name: str | None = None, *, mutating: bool = False):
    """``@app.command()`` that turns every failure into a message and an exit code, with
    the command's example (``examples.EXAMPLES``) at the end of its ``--help``.

    ``mutating``: the command changes files, so it runs under the repository lock.
    """

    def deco(fn):
        path = name or fn.__name__.replace("_", "-")
        if target is import_app:
            path = f"import {path}"
        code = fn.__code__  # its parameter names, without building a Signature per command at import
        own_project = "project" in code.co_varnames[:code.co_argcount + code.co_kwonlyargcount]

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            chosen = kwargs.pop(_PROJECT_PARAM, None)
            if chosen:
                state["project"] = chosen
            with contextlib.ExitStack() as stack:
                state["lock"] = (stack, path) if mutating else None
                try:
                    try:
                        return fn(*args, **kwargs)
                    except (typer.Exit, typer.Abort, typer_errors()):
                        raise
                    except RelnotesError as e:
                        fail(e)
                    except BrokenPipeError:
                        raise
                    except OSError as e:
                        fail(FileSystemError.from_os(e.filename, "read or write it", e) if e.filename
                             else internal(e))
                    except Exception as e:  # noqa: BLE001 - the one top-level guard
                        fail(internal(e))
                    finally:
                        state["lock"] = None
                except BrokenPipeError:  # the reader went away (``relnotes history | head``)
                    closed_pipe()

        callback = _Callback(fn, wrapper, with_project=not own_project)
        return target.command(name=name, epilog=epilog(path))(callback)

    return deco


class _Callback:
    """A command's callback as typer reads it, its annotations evaluated once.

    typer reads a callback's parameters with ``inspect.signature(eval_str=True)`` and
    ``typing.get_type_hints``, twice per command it builds; with string annotations
    (``from __future__ import annotations``) each read compiles every annotation again.
    Here they are evaluated on first use (only for the command being built: ``cli.app_for``)
    and kept, and ``__annotations__`` holds the evaluated objects, so ``get_type_hints``
    compiles nothing.  ``with_project`` adds the ``--project NAME`` parameter.
    """

    def __init__(self, fn, call=None, *, with_project: bool = False) -> None:
        self._fn, self._call, self._with_project = fn, call or fn, with_project
        self._evaluated: inspect.Signature | None = None
        self.__name__, self.__qualname__, self.__doc__ = fn.__name__, fn.__qualname__, fn.__doc__
        self.__module__ = fn.__module__
        self.__wrapped__ = fn  # where get_type_hints finds the module's names

    def __call__(self, *args, **kwargs):
        return self._call(*args, **kwargs)

    @property
    def __signature__(self) -> inspect.Signature:
        if self._evaluated is None:
            signature = inspect.signature(self._fn, eval_str=True)
            if self._with_project:
                signature = signature.replace(parameters=[*signature.parameters.values(), _project_parameter()])
            self._evaluated = signature
        return self._evaluated

    @property  # typeshed gives every object a writable __annotations__; plain instances have none
    def __annotations__(self) -> dict:  # type: ignore[override]
        signature = self.__signature__
        hints = {name: p.annotation for name, p in signature.parameters.items()
                 if p.annotation is not inspect.Parameter.empty}
        if signature.return_annotation is not inspect.Signature.empty:
            hints["return"] = signature.return_annotation
        return hints


def _project_parameter() -> inspect.Parameter:
    return inspect.Parameter(_PROJECT_PARAM, inspect.Parameter.KEYWORD_ONLY, default=None,
                             annotation=Annotated[Optional[str], typer.Option(
                                 "--project", metavar="NAME", help=_PROJECT_HELP)])


def typer_errors() -> type:
    """typer's own usage errors (bad parameter, missing option), which typer reports."""
    from typer.exceptions import TyperException

    return TyperException


EXIT_CLOSED_PIPE = 141  # 128 + SIGPIPE: what the shell shows for ``git log | head``'s git


def closed_pipe():
    """Output went into a pipe whose reader has closed it (``relnotes history | head``):
    not a bug, so end quietly, as Unix tools do, with exit code 141 (128 + SIGPIPE, what
    a tool killed by SIGPIPE reports; never 1, which means the content has problems).

    stdout and stderr are pointed at /dev/null first, so what is still buffered for
    them is dropped at exit instead of failing again ("Exception ignored …")."""
    import os
    import sys

    devnull = os.open(os.devnull, os.O_WRONLY)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, OSError, ValueError):  # a replaced or closed stream
            os.dup2(devnull, stream.fileno())
    os.close(devnull)
    raise typer.Exit(EXIT_CLOSED_PIPE)


def internal(e: BaseException) -> InternalError:
    """An unexpected exception as the exit-3 error the user sees."""
    return InternalError(f"internal error: {type(e).__name__}: {e}",
                         hint="this is a bug in relnotes: rerun the same command with --debug for the "
                              "traceback, and report it with the command and the traceback")


def fail(e: RelnotesError):
    """Report ``e`` and exit with its code (``--debug``: re-raise the exception being handled)."""
    if state["debug"]:
        raise
    report(e)
    raise typer.Exit(e.exit_code) from None


def json_text(data) -> str:
    import json  # ~10 ms: only for --format json

    return json.dumps(data, indent=2, ensure_ascii=False)


# A line the GitHub Actions runner would execute as a workflow command: after leading
# blanks, ``::`` (``::error::``, ``::add-mask::``, ``::stop-commands::``, …), with lines
# ended by ``\r`` as well as ``\n``; and the runner's older ``##[command]`` form, which
# it looks for anywhere in a line.
_OLD_WORKFLOW_COMMAND = "##["


def printable(text: str, *, commands: bool = False) -> str:
    """``text`` as relnotes prints it: no line can start a workflow command, since under
    ``GITHUB_ACTIONS`` the runner executes every such line of stdout and stderr, and a
    file name, key or entry from a pull request may hold one.  A backslash goes before
    the command (``\\::error::``, ``##\\[``): Markdown shows ``\\:`` and ``\\[`` as the
    character itself, and the runner no longer sees a command.  ``commands``: the text
    is relnotes' own workflow commands (``check --format github``), whose user-controlled
    parts are escaped by ``gate.report``; only the older form is still neutralised.

    The ``::`` are found with ``str.find`` and only their own line is looked at: a
    regular expression tried at every position took 2.5 ms on the notes of 1,000 Rust
    entries (``Config::thing`` is everywhere), most of ``build --draft``'s own time."""
    if not commands and "::" in text:
        parts = []
        start = 0  # text[start:] is still to copy
        at = text.find("::")
        while at >= 0:
            # both searches stop at this line's start: never a scan back over the text
            line_start = text.rfind("\n", 0, at) + 1
            line_start = text.rfind("\r", line_start, at) + 1 or line_start
            blanks = text[line_start:at]
            if not blanks or blanks.isspace():
                parts.append(text[start:at])
                parts.append("\\::")
                start = at + 2
            at = text.find("::", at + 2)
        parts.append(text[start:])
        text = "".join(parts)
    return text.replace(_OLD_WORKFLOW_COMMAND, "##\\[")


def out(text: str = "", *, commands: bool = False) -> None:
    """Print to stdout: every line goes through :func:`printable`."""
    typer.echo(printable(text, commands=commands))


def err(text: str, *, commands: bool = False) -> None:
    """Print to stderr: every line goes through :func:`printable`."""
    typer.echo(printable(text, commands=commands), err=True)


def _version_callback(value: bool) -> None:
    if value:
        out(f"relnotes {__version__}")
        raise typer.Exit()


def _root(
    config: Annotated[Optional[Path], typer.Option("--config", help="Use this relnotes.yaml (or pyproject.toml with [tool.relnotes]) instead of searching upwards.")] = None,
    project: Annotated[Optional[str], typer.Option("--project", metavar="NAME", help=_PROJECT_HELP)] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show a traceback for errors.")] = False,
    version: Annotated[bool, typer.Option("--version", callback=_version_callback, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    state["config"] = config
    state["debug"] = debug
    state["project"] = project


app.callback()(_Callback(_root))


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

