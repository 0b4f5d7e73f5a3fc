"""Reading the notes of every release at once: ``history``, ``upgrade``, ``site``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal, Optional

import typer

from relnotes.cli.common import command, err, json_text, out
from relnotes.cli.context import load_config
from relnotes.policy import calendar as policy
from relnotes.policy.schemes import parse_version
from relnotes.questions import site as site_lib
from relnotes.questions import site as site_question
from relnotes.questions import stitch
from relnotes.questions import upgrade as up


def _stitched(cfg):
    h = stitch.stitch(cfg)
    for w in h.warnings:
        err(f"warning: {w}")
    return h


@command()
def history(
    start: Annotated[Optional[str], typer.Option("--from", help="Oldest version to list.")] = None,
    end: Annotated[Optional[str], typer.Option("--to", help="Newest version to list.")] = None,
    fmt: Annotated[Literal["md", "table", "json"], typer.Option("--format", help="Output format; md is the stitched notes.")] = "md",
) -> None:
    """Every release section from every release branch (and main), newest first."""
    cfg = load_config()
    lo = parse_version(cfg, start, "--from") if start else None
    hi = parse_version(cfg, end, "--to") if end else None
    h = _stitched(cfg)
    sections = h.between(lo, hi) if lo or hi else h.sections
    if fmt == "json":
        out(json_text({"branches": len(h.branches), "sections_in_files": h.sections_in_files,
                       "releases": [dict(s.as_dict(), text=h.text(s)) for s in sections]}))
    elif fmt == "table":
        out(f"{'version':<14} {'status':<11} {'date':<11} {'copies':>6}  branch")
        for s in sections:
            out(f"{str(s.version or s.title):<14} {s.status:<11} {s.date or '-':<11} {s.copies:>6}  {s.branch}")
        out(f"{len(sections)} releases; {h.sections_in_files} sections in the notes of {h.describe()}")
    else:
        out(stitch.markdown(cfg, h, sections).rstrip("\n"))


@command()
def upgrade(
    start: Annotated[str, typer.Argument(metavar="FROM", help="The release you run now.")],
    target: Annotated[str, typer.Argument(metavar="TO", help="The release you move to.")],
    fmt: Annotated[Literal["md", "json", "html"], typer.Option("--format", help="Output format.")] = "md",
) -> None:
    """What to read when moving from one release to another: changed behaviour first."""
    cfg = load_config()
    g = up.guide(cfg, _stitched(cfg), start, target)
    if fmt == "json":
        out(json_text(g.as_dict()))
    elif fmt == "html":
        out(site_question.upgrade_page(cfg, g).rstrip("\n"))
    else:
        out(up.markdown(g).rstrip("\n"))


@command()
def site(
    directory: Annotated[Path, typer.Argument(metavar="DIR", help="Where to write the site (new or empty, or a previous site).")],
    on: Annotated[Optional[str], typer.Option("--on", help="The date that decides support status (default: today).")] = None,
) -> None:
    """A static, self-contained HTML site: release table, timeline, every release, upgrade guides, search."""
    cfg = load_config()
    built = site_lib.build(cfg, directory, on=policy.parse_day(on), history=_stitched(cfg))
    out(f"wrote {built.pages} files ({built.entries} entries, {built.upgrade_pages} upgrade guides) "
        f"to {built.directory}; open {built.directory / 'index.html'}")
