"""The ``relnotes`` command line: a thin typer shell over the library.

This is the only module that prints, prompts or exits.  Each command loads the
configuration, calls one library function, and reports its result; every expected
failure arrives as a RelnotesError and leaves as ``error: …`` on stderr with the
error's exit code (``--debug`` adds the traceback).  Heavy modules (mistletoe,
ruamel.yaml, Jinja) are imported inside the library functions that need them, and
only the invoked command is built (``app_for``), so every command starts fast.
"""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from relnotes import __version__
from relnotes.errors import RelnotesError, UsageError, ValidationError

_APP_SETTINGS = dict(
    name="relnotes",
    help="Release-notes fragments in, RELEASES.md out, for projects that ship from release branches.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
)
app = typer.Typer(**_APP_SETTINGS)
import_app = typer.Typer(help="Migrate existing notes or a towncrier setup to fragments.",
                         no_args_is_help=True, rich_markup_mode=None)
app.add_typer(import_app, name="import")

_state: dict = {"config": None, "debug": False}


def _command(target: typer.Typer = app, name: str | None = None):
    """``@app.command()`` that turns a RelnotesError into its message and exit code."""

    def deco(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except RelnotesError as e:
                if _state["debug"]:
                    raise
                _report(e)
                raise typer.Exit(e.exit_code) from None

        return target.command(name=name)(wrapper)

    return deco


def _cfg():
    from relnotes import config

    return config.load(_state["config"])


def _json(data) -> str:
    import json  # ~10 ms: only for --format json

    return json.dumps(data, indent=2, ensure_ascii=False)


def _out(text: str = "") -> None:
    typer.echo(text)


def _err(text: str) -> None:
    typer.echo(text, err=True)


def _version_callback(value: bool) -> None:
    if value:
        _out(f"relnotes {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    config: Annotated[Optional[Path], typer.Option("--config", help="Use this relnotes.yaml instead of searching upwards.")] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show a traceback for errors.")] = False,
    version: Annotated[bool, typer.Option("--version", callback=_version_callback, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    _state["config"] = config
    _state["debug"] = debug


# -- contributors ------------------------------------------------------------------------


@_command()
def init(
    project: Annotated[Optional[str], typer.Option(help="Project name.")] = None,
    repository: Annotated[str, typer.Option(help="Repository URL (for links).")] = "https://github.com/OWNER/REPO",
    version: Annotated[str, typer.Option(help="The version the first notes section is for.")] = "0.1.0",
) -> None:
    """Create relnotes.yaml, changes.d/ and RELEASES.md (never overwrites)."""
    from relnotes import config, lifecycle

    root = config.find_root()
    res = lifecycle.init(root, project=project or root.name, repository=repository, version=version)
    for p in res.created:
        _out(f"created {p}")
    for p in res.kept:
        _out(f"kept existing {p}")


@_command()
def new(
    section: Annotated[Optional[str], typer.Option("--section", "-s", help="Section, e.g. Added, Changed, Fixed.")] = None,
    pr: Annotated[Optional[list[int]], typer.Option("--pr", help="PR number (repeatable).")] = None,
    issue: Annotated[Optional[list[int]], typer.Option("--issue", help="Issue number (repeatable).")] = None,
    advisory: Annotated[Optional[list[str]], typer.Option("--advisory", help="GHSA id (repeatable).")] = None,
    breaking: Annotated[bool, typer.Option("--breaking", help="Mark as a breaking change.")] = False,
    backport: Annotated[bool, typer.Option("--backport", help="Candidate for supported release branches.")] = False,
    message: Annotated[Optional[str], typer.Option("--message", "-m", help="The entry text (Markdown).")] = None,
    edit: Annotated[bool, typer.Option("--edit", help="Open the fragment in $EDITOR.")] = False,
    name: Annotated[Optional[str], typer.Option("--name", help="File name (default: derived from PR and text).")] = None,
) -> None:
    """Write a new fragment to changes.d/ and print its path."""
    from relnotes import lifecycle

    cfg = _cfg()
    interactive = sys.stdin.isatty()
    if section is None:
        if not interactive:
            raise UsageError("missing --section", hint=f"one of: {', '.join(cfg.sections)}")
        section = typer.prompt(f"Section ({', '.join(cfg.sections)})")
    if message is None and not edit:
        if not interactive:
            raise UsageError("missing the entry text", hint="give it with -m TEXT, or use --edit")
        message = typer.prompt("Entry text (one line; use --edit for more)")
    path = lifecycle.new(cfg, section=section, body=message, prs=tuple(pr or ()), issues=tuple(issue or ()),
                         advisories=tuple(advisory or ()), breaking=breaking, backport=backport, name=name)
    if edit:
        _edit_fragment(cfg, path)
    _out(os.path.relpath(path))


def _edit_fragment(cfg, path: Path) -> None:
    import shlex
    import subprocess

    from relnotes.fragment import parse_text

    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    subprocess.run([*shlex.split(editor), str(path)], check=False)
    text = path.read_text(encoding="utf-8")
    frag, problems = parse_text(text, str(path.relative_to(cfg.root)), cfg.sections)
    if problems:
        path.unlink()
        raise ValidationError(problems, f"the edited fragment is not valid; {path.name} was removed")


@_command()
def check(
    base: Annotated[Optional[str], typer.Option("--base", help="Also require a fragment in changes since this ref (e.g. origin/main).")] = None,
    fmt: Annotated[str, typer.Option("--format", help="text, github or json.")] = "text",
    label: Annotated[Optional[list[str]], typer.Option("--label", help="A PR label (repeatable; skip labels skip the check).")] = None,
) -> None:
    """Validate fragments and the notes file; with --base, fail a change without a fragment."""
    from relnotes import check as check_mod

    if fmt not in ("text", "github", "json"):
        raise UsageError(f"--format {fmt!r} is not one of text, github, json")
    cfg = _cfg()
    report = check_mod.run(cfg, base=base, labels=list(label or []))
    out = check_mod.format_report(report, fmt)
    if out:
        (_out if fmt == "json" or report.ok else _err)(out.rstrip("\n"))
    raise typer.Exit(0 if report.ok else 1)


# -- maintainers ------------------------------------------------------------------------


@_command()
def build(
    draft: Annotated[bool, typer.Option("--draft", help="Print what would be added; write nothing.")] = False,
    keep: Annotated[bool, typer.Option("--keep", help="Keep the fragment files.")] = False,
) -> None:
    """Render pending fragments into the top Unreleased section of the notes file."""
    from relnotes import lifecycle

    cfg = _cfg()
    res = lifecycle.build(cfg, draft=draft, keep=keep)
    if draft:
        _out(res.draft.rstrip("\n") if res.draft else f"no pending fragments in {cfg.fragments_dir}/")
        return
    if not res.added and not res.already_present:
        _out(f"no pending fragments in {cfg.fragments_dir}/; {cfg.notes_file} unchanged")
        return
    if res.added:
        _out(f"added {len(res.added)} entr{'y' if len(res.added) == 1 else 'ies'} to {res.version} in {cfg.notes_file}")
    if res.already_present:
        _out(f"{len(res.already_present)} fragment(s) were already in {cfg.notes_file}; not added again")
    if res.removed:
        _out(f"removed {len(res.removed)} fragment(s)")


@_command()
def show(
    version: Annotated[Optional[str], typer.Argument(help="The release (default: the top one).")] = None,
    fmt: Annotated[str, typer.Option("--format", help="md, json or html.")] = "md",
) -> None:
    """Print one release's notes, for example as a GitHub release body."""
    from relnotes import lifecycle

    if fmt not in ("md", "json", "html"):
        raise UsageError(f"--format {fmt!r} is not one of md, json, html")
    data = lifecycle.show(_cfg(), version)
    if fmt == "json":
        _out(_json(data))
    elif fmt == "html":
        from mistletoe import Document
        from mistletoe.html_renderer import HtmlRenderer

        with HtmlRenderer(process_html_tokens=False) as r:
            _out(r.render(Document(data["markdown"])).rstrip("\n"))
    else:
        _out(data["markdown"].rstrip("\n"))


@_command()
def cut(
    version: Annotated[Optional[str], typer.Option("--version", help="The next version on main (default: next major).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print the diff; change nothing.")] = False,
    commit: Annotated[bool, typer.Option("--commit", help="Commit the change on main.")] = False,
) -> None:
    """On main: create the release branch and open the next version's notes."""
    from relnotes import lifecycle

    res = lifecycle.cut(_cfg(), version=version, dry_run=dry_run, commit=commit)
    if dry_run:
        _out(res.diff.rstrip("\n"))
        _out(f"would create branch {res.branch} at HEAD, open {res.next_version} on main, "
             f"and remove {len(res.removed)} fragment(s)")
        return
    _out(f"created branch {res.branch} at HEAD ({res.cut_version})")
    if res.moved_entries:
        _out(f"{res.moved_entries} entr{'y' if res.moved_entries == 1 else 'ies'} of {res.cut_version}'s notes "
             f"now live on {res.branch}; main's notes start {res.next_version}")
    else:
        _out(f"main's notes now start {res.next_version}")
    if res.removed:
        _out(f"removed {len(res.removed)} fragment(s) from main; they stay pending on {res.branch}")
    if res.commit:
        _out(f"committed {res.commit[:12]}")


@_command()
def patch(
    version: Annotated[Optional[str], typer.Option("--version", help="The patch version (default: top + 1).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print the diff; change nothing.")] = False,
) -> None:
    """On a release branch: open the next patch release above the top section."""
    from relnotes import lifecycle

    res, changes = lifecycle.patch(_cfg(), version=version, dry_run=dry_run)
    if dry_run:
        _out(lifecycle.unified_diff(changes).rstrip("\n"))
        return
    _out(f"opened {res.version} (Unreleased) above {res.previous}")


@_command()
def stamp(
    date: Annotated[Optional[str], typer.Option("--date", help="Release date, YYYY-MM-DD (default: today).")] = None,
    version: Annotated[Optional[str], typer.Option("--version", help="The release to stamp (default: the top one).")] = None,
) -> None:
    """Mark one release as released: 'Unreleased.' becomes 'Released DATE.'."""
    from relnotes import lifecycle

    res = lifecycle.stamp(_cfg(), on=date, version=version)
    if res.changed:
        _out(f"stamped {res.version}: Released {res.date}")
    else:
        _out(f"{res.version} is already released ({res.previous}); nothing changed")


@_command()
def release(
    date: Annotated[Optional[str], typer.Option("--date", help="Release date, YYYY-MM-DD (default: today).")] = None,
    commit: Annotated[bool, typer.Option("--commit", help="Commit the notes.")] = False,
) -> None:
    """Release day: build pending fragments, then stamp the top release."""
    from relnotes import lifecycle

    res = lifecycle.release(_cfg(), on=date, commit=commit)
    if res.build.added:
        _out(f"added {len(res.build.added)} entries to {res.build.version}")
    if res.stamp.changed:
        _out(f"stamped {res.stamp.version}: Released {res.stamp.date}")
    else:
        _out(f"{res.stamp.version} is already released ({res.stamp.previous}); nothing changed")
    if res.commit:
        _out(f"committed {res.commit[:12]}")


@_command()
def archive(
    check_only: Annotated[bool, typer.Option("--check", help="Exit 1 when the list and the branches disagree.")] = False,
) -> None:
    """Rewrite the archive list from the release branches git knows."""
    from relnotes import lifecycle

    cfg = _cfg()
    res = lifecycle.archive(cfg, check=check_only)
    for name in res.ignored:
        _err(f"note: ignored branch {name}: not a version")
    if check_only:
        if res.changed:
            _out(res.diff.rstrip("\n"))
            _err(f"{cfg.notes_file}: the archive list differs from the release branches; run 'relnotes archive'")
            raise typer.Exit(1)
        _out(f"{cfg.notes_file}: archive list matches {len(res.links)} release branch(es)")
        return
    if res.changed:
        _out(f"rewrote the archive list: {len(res.links)} link(s)")
    else:
        _out(f"archive list already up to date ({len(res.links)} link(s))")


# -- policy -------------------------------------------------------------------------------


@_command()
def schedule(
    start: Annotated[Optional[str], typer.Option("--from", help="First date to list from (default: today).")] = None,
    count: Annotated[int, typer.Option("--count", help="How many releases.")] = 6,
    fmt: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
) -> None:
    """The coming branch cuts and releases with their versions and dates."""
    from relnotes import policy

    _formats(fmt, ("table", "json"))
    rows = policy.schedule(_cfg(), start=policy.parse_day(start, "--from"), count=count)
    _rows(fmt, rows, f"{'version':<10} {'branch cut':<12} release",
          lambda r: f"{r.version:<10} {r.cut.isoformat():<12} {r.release.isoformat()}")


@_command()
def support(
    on: Annotated[Optional[str], typer.Option("--on", help="The date (default: today).")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table, json or svg.")] = "table",
) -> None:
    """Releases supported on a date, with LTS flag and end of support."""
    from relnotes import policy

    _formats(fmt, ("table", "json", "svg"))
    cfg = _cfg()
    day = policy.parse_day(on)
    if fmt == "svg":
        _out(policy.support_svg(cfg, day).rstrip("\n"))
        return
    _rows(fmt, policy.supported(cfg, day), f"{'version':<10} {'LTS':<4} {'released':<11} end of support",
          lambda r: f"{r.version:<10} {'yes' if r.lts else '':<4} {r.released.isoformat():<11} "
                    f"{r.end_of_support.isoformat()}")


@_command()
def backports(
    on: Annotated[Optional[str], typer.Option("--on", help="The date that decides support (default: today).")] = None,
    fmt: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
    check_only: Annotated[bool, typer.Option("--check", help="Exit 1 when a supported branch lacks a candidate.")] = False,
) -> None:
    """Which supported release branches still lack each backport candidate."""
    from relnotes import policy, shipping

    _formats(fmt, ("text", "json"))
    rows, targets = shipping.backports(_cfg(), policy.parse_day(on))
    if fmt == "json":
        _out(_json([r.as_dict() for r in rows]))
    else:
        if not targets:
            _out("no supported release branch exists in this repository")
        if not rows:
            _out("no backport candidates (fragments with 'backport: true' or an advisory)")
        for r in rows:
            _out(f"{r.change} ({r.fragment}, pending on {r.source})")
            _out(f"  present: {', '.join(r.present) or '-'}")
            _out(f"  missing: {', '.join(r.missing) or '-'}")
    if check_only and any(r.missing for r in rows):
        raise typer.Exit(1)


@_command()
def when(
    target: Annotated[str, typer.Argument(help="A commit, branch, tag, or #PR.")],
    fmt: Annotated[str, typer.Option("--format", help="text or json.")] = "text",
) -> None:
    """The first release that contains a commit or PR, released or expected."""
    from relnotes import shipping

    _formats(fmt, ("text", "json"))
    res = shipping.when(_cfg(), target)
    if fmt == "json":
        _out(_json(res.as_dict()))
    elif res.status == "unknown":
        _out(f"{res.commit[:12]} is not on {_cfg().main_branch} or any release branch yet")
    elif res.status == "released":
        _out(f"{res.commit[:12]} shipped in {res.version} ({res.branch or 'tag'}), released {res.date}")
    else:
        when_ = f", expected {res.date}" if res.date else ""
        _out(f"{res.commit[:12]} will ship in {res.version}{' from ' + res.branch if res.branch else ' (next cut)'}{when_}")


def _rows(fmt: str, rows: list, header: str, line) -> None:
    """Print result rows as a JSON list of objects, or as a table with a header."""
    if fmt == "json":
        _out(_json([r.as_dict() for r in rows]))
        return
    _out(header)
    for r in rows:
        _out(line(r))


def _formats(fmt: str, allowed: tuple[str, ...]) -> None:
    if fmt not in allowed:
        raise UsageError(f"--format {fmt!r} is not one of {', '.join(allowed)}")


@_command()
def schema(
    which: Annotated[str, typer.Argument(help="'fragment', 'config' or 'all'.")] = "all",
) -> None:
    """Print JSON Schemas for fragment front matter and relnotes.yaml (for editors)."""
    from relnotes import config, fragment

    cfg = _cfg()
    schemas = {"fragment": fragment.json_schema(cfg.sections), "config": config.json_schema()}
    if which == "all":
        _out(_json(schemas))
    elif which in schemas:
        _out(_json(schemas[which]))
    else:
        raise UsageError(f"unknown schema {which!r}", hint="use fragment, config or all")


@_command(import_app, name="notes")
def import_notes(
    file: Annotated[Path, typer.Argument(help="The notes file to import from (e.g. RELEASES.md).")],
    version: Annotated[Optional[str], typer.Option("--version", help="The release to import (default: the top one).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="List what would be written; write nothing.")] = False,
) -> None:
    """Split one release section of a notes file into fragments (one per entry)."""
    from relnotes import importer

    cfg = _cfg()
    rel_file = os.path.relpath(file.resolve(), cfg.root)
    plan = importer.plan_notes(cfg, rel_file, version)
    for note in plan.unmapped:
        _err(f"note: {note}")
    if dry_run:
        for p in plan.fragments:
            _out(f"would write {cfg.fragments_dir}/{p.name} ({p.section}, from line {p.source_line})")
        return
    written = importer.write_plan(cfg, plan)
    exact = sum(p.exact for p in plan.fragments)
    _out(f"wrote {len(written)} fragment(s) for {plan.version} to {cfg.fragments_dir}/; "
         f"{exact} rebuild their entry byte for byte")


@_command(import_app, name="towncrier")
def import_towncrier(
    directory: Annotated[Optional[Path], typer.Argument(help="The directory with towncrier.toml or pyproject.toml.")] = None,
    mapping: Annotated[Optional[list[str]], typer.Option("--map", help="TYPE=SECTION (repeatable), e.g. doc=Changed.")] = None,
    numbers: Annotated[str, typer.Option("--numbers", help="What towncrier issue numbers become: issues or prs.")] = "issues",
    dry_run: Annotated[bool, typer.Option("--dry-run", help="List what would be written; write nothing.")] = False,
) -> None:
    """Convert a towncrier configuration and its fragments to relnotes fragments."""
    from relnotes import config, fsio, towncrier

    if numbers not in ("issues", "prs"):
        raise UsageError(f"--numbers {numbers!r} is not one of issues, prs")
    table = dict(towncrier.DEFAULT_MAP)
    for item in mapping or []:
        key, sep, value = item.partition("=")
        if not sep or not key or not value:
            raise UsageError(f"--map {item!r} is not TYPE=SECTION", hint="for example --map doc=Changed")
        table[key.strip()] = value.strip()
    cfg = _cfg()
    src = (directory or cfg.root).resolve()
    fsio.inside(cfg.root, src)
    plan = towncrier.plan(cfg, src, table, numbers)
    for note in plan.notes:
        _err(f"note: {note}")
    for problem in plan.problems:
        _err(f"problem: {problem}")
    proposal = towncrier.proposal(cfg, plan, cfg.project if cfg.path else src.name)
    if dry_run:
        for name, _ in plan.fragments:
            _out(f"would write {cfg.fragments_dir}/{name}")
        _out(f"{plan.sources} towncrier fragment(s) -> {len(plan.fragments)} relnotes fragment(s)")
        _out("proposed relnotes.yaml:\n" + proposal.rstrip("\n"))
        if plan.problems:
            raise typer.Exit(1)
        return
    written = towncrier.write(cfg, plan)
    _out(f"wrote {len(written)} fragment(s) from {plan.sources} towncrier fragment(s) to {cfg.fragments_dir}/")
    if cfg.path is None:
        fsio.write_text(cfg.root, cfg.root / config.CONFIG_NAME, proposal)
        _out(f"wrote {config.CONFIG_NAME}")
    else:
        _out("proposed relnotes.yaml (yours was kept):\n" + proposal.rstrip("\n"))


# -- entry point ------------------------------------------------------------------------


def _report(e: RelnotesError) -> None:
    if isinstance(e, ValidationError):
        for p in e.problems:
            _err(p.format_text())
        _err(f"error: {e.message}")
    else:
        _err(f"error: {e.message}")
    if e.hint:
        _err(f"hint: {e.hint}")


def _invoked_command(args: list[str]) -> str | None:
    """The subcommand name in ``args`` (skipping root options), or None."""
    skip = False
    for arg in args:
        if skip:
            skip = False
        elif arg == "--config":
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
    so help texts and "No such command" suggestions are unchanged.
    """
    from typer.main import get_command_name

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


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point (see ``relnotes.__main__`` for the fast path)."""
    args = sys.argv[1:] if argv is None else argv
    try:
        app_for(args)(args=args, prog_name="relnotes")
    except KeyboardInterrupt:
        _err("interrupted")
        raise SystemExit(130) from None
