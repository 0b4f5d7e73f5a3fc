"""Commands contributors run: ``init``, ``new``, and ``check`` (what CI runs on every PR)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Any, Literal, Optional

import typer

from relnotes.cli import composing, setting_up
from relnotes.cli.common import command, out
from relnotes.cli.context import hold_lock, load_config
from relnotes.config import load as config
from relnotes.config import load as config_mod
from relnotes.config.fields import cli_values
from relnotes.errors import UsageError
from relnotes.flows import identity, project_init, scaffold
from relnotes.flows import new as new_flow


@command(mutating=True)
def init(
    project: Annotated[Optional[str], typer.Option(help="Project name (default: the repository directory's name).")] = None,
    repository: Annotated[Optional[str], typer.Option(
        help="Repository web address, for links (default: from the 'origin' remote; none: plain #123).")] = None,
    version: Annotated[Optional[str], typer.Option(help="The version the first notes section is for (default 0.1.0).")] = None,
    preset: Annotated[Optional[Literal["plain", "wasmtime", "keepachangelog"]], typer.Option(
        help="Conventions to start from (default: plain).")] = None,
    cadence: Annotated[Optional[Literal["none", "monthly"]], typer.Option(
        help="Release calendar: none, or a new major every month (default: the preset's; plain has none).")] = None,
    first_release: Annotated[Optional[str], typer.Option(
        "--first-release", metavar="DATE",
        help="With a calendar: the day the first version ships; later majors ship on that day of each month.")] = None,
    cut_day: Annotated[Optional[int], typer.Option(help="With a calendar: the day of the month branches are cut.")] = None,
    lts_every: Annotated[Optional[int], typer.Option(
        metavar="N", help="With a calendar: every Nth major is an LTS release (0: none).")] = None,
    lts_months: Annotated[Optional[int], typer.Option(metavar="M", help="Months an LTS release is supported.")] = None,
    support_months: Annotated[Optional[int], typer.Option(
        metavar="M", help="Months other releases are supported (0: until the next release).")] = None,
    branching: Annotated[Optional[Literal["one-branch", "release-branches"]], typer.Option(
        help="How releases are made: one-branch ('relnotes release' makes each one) or release-branches "
             "(cut, patch; the wasmtime preset's). Default: the preset's.")] = None,
    ask: Annotated[Optional[bool], typer.Option(
        "--ask/--no-ask", help="Ask for what is not given (default: when input is a terminal).")] = None,
    path: Annotated[Optional[str], typer.Option(
        "--path", metavar="DIR", help="In a monorepo: scaffold the package in DIR (its relnotes.yaml, notes file "
                                      "and fragments directory) and list it in the root's projects:.")] = None,
) -> None:
    """Create relnotes.yaml, changes.d/ and the notes file (never overwrites).

    At a terminal, what is not given is asked for; otherwise the plain preset with no
    release calendar (schedule, support and backports stay off until one is configured).
    With --path (or run inside a package of a monorepo), scaffold that package instead."""
    root = config.find_root()
    package = project_init.target(root, Path.cwd(), path)  # in a subdirectory: never the root by accident
    res: project_init.PackageInit | scaffold.InitResult
    after: list[str] = []  # what init recorded from the project's files, said after what it created
    if package is not None:
        hold_lock(root)
        res = project_init.init_package(root, package, name=project, repository=repository,
                                        version=version or "0.1.0", preset=preset)
    elif (root / config.CONFIG_NAME).exists():  # kept as it is: nothing to ask
        hold_lock(root)
        res = scaffold.init(root, project=project or root.name, version=version or "0.1.0")
    else:
        given = setting_up.Given(project, repository, version, preset, cadence, first_release, cut_day,
                                 lts_every, lts_months, support_months, branching)
        found = identity.read(root)  # the project's own files: name, version, where it lives
        for line in found.found:
            out(f"found {line}")
        choices = setting_up.choose(root, given, ask=sys.stdin.isatty() if ask is None else ask, found=found)
        hold_lock(root)  # after the questions: other relnotes commands need not wait for the answers
        res = scaffold.init(root, project=choices.project, repository=choices.repository,
                             version=choices.version, preset=choices.preset, calendar=choices.calendar,
                             branching=choices.branching, base_version=choices.base_version,
                             version_file=choices.version_file, versioning=choices.versioning,
                             calver=choices.calver, more_version_files=choices.more_version_files)
        if config.CONFIG_NAME in res.created:
            if choices.base_version:
                after.append(f"base_version: {choices.base_version} (relnotes next counts from it)")
            if choices.version_file:
                paths = " and ".join(p for p, _ in (choices.version_file, *choices.more_version_files))
                after.append(f"version_files: {paths} ('relnotes release' writes each new version there)")
            if choices.versioning != "semver":
                after.append(f"versioning: {choices.versioning}"
                             + (f" (calver: {choices.calver})" if choices.calver else "")
                             + ": the version's scheme, from what init found above")
    for p in res.created:
        out(f"created {p}")
    for p in res.kept:
        out(f"kept existing {p}")
    for line in [*getattr(res, "notes", ()), *after]:
        out(line)
    if package is None and version:
        cfg = config_mod.load(start=root)
        if cfg.single_branch:  # the file names no version until a release does
            out(f"note: {cfg.notes_file} starts with [Unreleased]; relnotes next counts from {version}, or "
                f"name the first release yourself: relnotes release --version {version}")


@command(mutating=True)
def new(
    section: Annotated[Optional[str], typer.Option("--section", "-s", help="Section, e.g. Added, Changed, Fixed (with --advisory: Fixed, or Security in Keep a Changelog).")] = None,
    pr: Annotated[Optional[list[int]], typer.Option("--pr", help="PR number (repeatable).")] = None,
    issue: Annotated[Optional[list[int]], typer.Option("--issue", help="Issue number (repeatable).")] = None,
    advisory: Annotated[Optional[list[str]], typer.Option("--advisory", help="GHSA id (repeatable).")] = None,
    breaking: Annotated[bool, typer.Option("--breaking", help="Mark as a breaking change.")] = False,
    backport: Annotated[bool, typer.Option("--backport", help="Candidate for supported release branches.")] = False,
    message: Annotated[Optional[str], typer.Option("--message", "-m", help="The entry text (Markdown).")] = None,
    edit: Annotated[bool, typer.Option("--edit", help="Open the fragment in $EDITOR.")] = False,
    name: Annotated[Optional[str], typer.Option("--name", help="File name (default: derived from PR and text).")] = None,
    author: Annotated[Optional[list[str]], typer.Option(
        "--author", metavar="HANDLE", help="Credit this GitHub handle, e.g. octocat (repeatable).")] = None,
    field: Annotated[Optional[list[str]], typer.Option(
        "--field", metavar="NAME=VALUE", help="A custom field from relnotes.yaml 'fields' (repeatable).")] = None,
    summary: Annotated[bool, typer.Option(
        "--summary", help="A release summary: prose under the release heading, before the categories (no section).")] = False,
    uncategorised: Annotated[bool, typer.Option(
        "--uncategorised", help="An entry under the release heading, outside any category (no section).")] = False,
) -> None:
    """Write a new fragment to changes.d/ and print its path.

    At a terminal, what is not given is asked for: the section from a numbered list,
    PR numbers, the text (or the editor); an invalid text is kept and offered for editing."""
    cfg = load_config()
    keys: dict[str, Any] = dict(issues=tuple(issue or ()), advisories=tuple(advisory or ()), breaking=breaking,
                backport=backport, name=name, authors=tuple(author or ()))
    if field or cfg.fields:
        keys["fields"] = cli_values(cfg.fields, list(field or ()))
    if summary and uncategorised:
        raise UsageError("--summary and --uncategorised exclude each other", hint="give one of them")
    if summary or uncategorised:
        keys["kind"] = "summary" if summary else "uncategorised"
    terminal = sys.stdin.isatty()
    if terminal and ((section is None and "kind" not in keys) or (message is None and not edit)):
        path = composing.compose(cfg, section=section, prs=tuple(pr or ()), message=message, edit=edit, **keys)
        out(os.path.relpath(path))
        return
    if section is None and advisory:  # Wasmtime's way: "### Fixed" with the advisory link;
        # Keep a Changelog's: its "Security" type
        wanted = "Security" if cfg.notes_format == "keepachangelog" else "Fixed"
        section = wanted if wanted in cfg.sections else None
    if section is None and "kind" not in keys:
        raise UsageError("missing --section", hint=f"one of: {', '.join(cfg.sections)} "
                                                   f"(or --summary, --uncategorised)")
    if message is None and not edit:
        raise UsageError("missing the entry text", hint="give it with -m TEXT, or use --edit")
    path = new_flow.new(cfg, section=section, body=message, prs=tuple(pr or ()), **keys)
    if edit:
        # with -m the file already holds the user's text: it is never "untouched"
        template = None if message is not None else path.read_text(encoding="utf-8")
        composing.edit_until_valid(cfg, path, template, ask=terminal)
    out(os.path.relpath(path))
