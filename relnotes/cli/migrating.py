"""Moving to relnotes and editor support: ``schema``, ``templates``, ``import notes``, ``import towncrier``."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Literal, Optional

import typer

from relnotes.cli.app import command, err, import_app, json_text, load_config, out
from relnotes.errors import UsageError


@command()
def schema(
    which: Annotated[str, typer.Argument(help="'fragment', 'config' or 'all'.")] = "all",
) -> None:
    """Print JSON Schemas for fragment front matter and relnotes.yaml (for editors)."""
    from relnotes import config, fragment

    cfg = load_config()
    schemas = {"fragment": fragment.json_schema(cfg.sections, cfg.fields), "config": config.json_schema()}
    if which == "all":
        out(json_text(schemas))
    elif which in schemas:
        out(json_text(schemas[which]))
    else:
        raise UsageError(f"unknown schema {which!r}", hint="use fragment, config or all")


@command()
def templates() -> None:
    """List the built-in templates, the variables each receives, and how to override one."""
    from relnotes import template_catalog

    out(template_catalog.as_text().rstrip("\n"))


@command(import_app, name="notes", mutating=True)
def import_notes(
    file: Annotated[Path, typer.Argument(help="The notes file to import from (e.g. RELEASES.md).")],
    version: Annotated[Optional[str], typer.Option("--version", help="The release to import (default: the top one).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="List what would be written; write nothing.")] = False,
) -> None:
    """Split one release section of a notes file into fragments (one per entry)."""
    from relnotes import importer

    cfg = load_config()
    rel_file = os.path.relpath(file.resolve(), cfg.root)
    plan = importer.plan_notes(cfg, rel_file, version)
    for note in plan.unmapped:
        err(f"note: {note}")
    if dry_run:
        for p in plan.fragments:
            out(f"would write {cfg.fragments_dir}/{p.name} ({p.section}, from line {p.source_line})")
        return
    written = importer.write_plan(cfg, plan)
    exact = sum(p.exact for p in plan.fragments)
    out(f"wrote {len(written)} fragment(s) for {plan.version} to {cfg.fragments_dir}/; "
        f"{exact} rebuild their entry exactly")
    if plan.difference is None:
        out(f"'relnotes build' rebuilds the {plan.version} section byte for byte under this configuration")
    else:
        err(f"note: {plan.difference}: 'relnotes build' will not rebuild the section byte for byte")


@command(import_app, name="towncrier", mutating=True)
def import_towncrier(
    directory: Annotated[Optional[Path], typer.Argument(help="The directory with towncrier.toml or pyproject.toml.")] = None,
    mapping: Annotated[Optional[list[str]], typer.Option("--map", help="TYPE=SECTION (repeatable), e.g. doc=Changed.")] = None,
    numbers: Annotated[Literal["issues", "prs"], typer.Option("--numbers", help="What towncrier issue numbers become.")] = "issues",
    dry_run: Annotated[bool, typer.Option("--dry-run", help="List what would be written; write nothing.")] = False,
) -> None:
    """Convert a towncrier configuration and its fragments to relnotes fragments."""
    from relnotes import config, fsio, towncrier

    table = dict(towncrier.DEFAULT_MAP)
    for item in mapping or []:
        key, sep, value = item.partition("=")
        if not sep or not key or not value:
            raise UsageError(f"--map {item!r} is not TYPE=SECTION", hint="for example --map doc=Changed")
        table[key.strip()] = value.strip()
    cfg = load_config()
    src = (directory or cfg.root).resolve()
    fsio.inside(cfg.root, src)
    plan = towncrier.plan(cfg, src, table, numbers)
    for note in plan.notes:
        err(f"note: {note}")
    for problem in plan.problems:
        err(f"problem: {problem}")
    proposal = towncrier.proposal(cfg, plan, cfg.project if cfg.path else src.name)
    if dry_run:
        for name, _ in plan.fragments:
            out(f"would write {cfg.fragments_dir}/{name}")
        out(f"{plan.sources} towncrier fragment(s) -> {len(plan.fragments)} relnotes fragment(s)")
        out("proposed relnotes.yaml:\n" + proposal.rstrip("\n"))
        if plan.problems:
            raise typer.Exit(1)
        return
    written = towncrier.write(cfg, plan)
    out(f"wrote {len(written)} fragment(s) from {plan.sources} towncrier fragment(s) to {cfg.fragments_dir}/")
    if cfg.path is None:
        fsio.write_text(cfg.root, cfg.root / config.CONFIG_NAME, proposal)
        out(f"wrote {config.CONFIG_NAME}")
    else:
        out("proposed relnotes.yaml (yours was kept):\n" + proposal.rstrip("\n"))
