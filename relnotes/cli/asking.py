"""Questions anyone asks of the release policy and history: ``schedule``, ``support``, ``backports``, ``when``,
``next``."""

from __future__ import annotations

from typing import Annotated, Literal, Optional

import typer

from relnotes.cli.common import command, json_text, out, rows
from relnotes.cli.context import load_config
from relnotes.policy import bump
from relnotes.policy import calendar as policy
from relnotes.questions import shipping


@command()
def schedule(
    start: Annotated[Optional[str], typer.Option("--from", help="First date to list from (default: today).")] = None,
    count: Annotated[int, typer.Option("--count", help="How many releases.")] = 6,
    fmt: Annotated[Literal["table", "json"], typer.Option("--format", help="Output format.")] = "table",
) -> None:
    """The coming branch cuts and releases with their versions and dates."""
    releases = policy.schedule(load_config(), start=policy.parse_day(start, "--from"), count=count)
    rows(fmt, releases, f"{'version':<10} {'branch cut':<12} release",
          lambda r: f"{r.version:<10} {r.cut.isoformat():<12} {r.release.isoformat()}")


@command()
def support(
    on: Annotated[Optional[str], typer.Option("--on", help="The date (default: today).")] = None,
    fmt: Annotated[Literal["table", "json", "svg"], typer.Option("--format", help="Output format; svg draws a timeline.")] = "table",
) -> None:
    """Releases supported on a date, with LTS flag and end of support."""
    cfg = load_config()
    day = policy.parse_day(on)
    if fmt == "svg":
        out(policy.support_svg(cfg, day).rstrip("\n"))
        return
    rows(fmt, policy.supported(cfg, day), f"{'version':<10} {'LTS':<4} {'released':<11} end of support",
          lambda r: f"{r.version:<10} {'yes' if r.lts else '':<4} {r.released.isoformat():<11} "
                    f"{r.end_of_support.isoformat()}")


@command()
def backports(
    on: Annotated[Optional[str], typer.Option("--on", help="The date that decides support (default: today).")] = None,
    fmt: Annotated[Literal["text", "json"], typer.Option("--format", help="Output format.")] = "text",
    check_only: Annotated[bool, typer.Option("--check", help="Exit 1 when a supported branch lacks a candidate.")] = False,
) -> None:
    """Which supported release branches still lack each backport candidate."""
    rows, targets = shipping.backports(load_config(), policy.parse_day(on))
    if fmt == "json":
        out(json_text([r.as_dict() for r in rows]))
    else:
        if not targets:
            out("no supported release branch exists in this repository")
        if not rows:
            out("no backport candidates (fragments with 'backport: true' or an advisory)")
        for r in rows:
            out(f"{r.change} ({r.fragment}, pending on {r.source})")
            out(f"  present: {', '.join(r.present) or '-'}")
            out(f"  missing: {', '.join(r.missing) or '-'}")
    if check_only and any(r.missing for r in rows):
        raise typer.Exit(1)


@command()
def when(
    target: Annotated[str, typer.Argument(help="A commit, branch, tag, #PR, or advisory (GHSA-…, CVE-…, RUSTSEC-…).")],
    fmt: Annotated[Literal["text", "json"], typer.Option("--format", help="Output format.")] = "text",
) -> None:
    """The earliest release that shipped a commit or PR (or a backport of it), and the others carrying it."""
    res = shipping.when(load_config(), target)
    name = res.advisory or res.commit[:12]  # an advisory: every line names its fix commit
    if fmt == "json":
        out(json_text(res.as_dict()))
    elif res.status == "unknown":
        out(f"{name} is not on {load_config().main_branch} or any release branch yet")
    elif res.status == "released":
        via = res.releases[0].commit if res.releases else res.commit
        how = f", as backport {via[:12]}" if via != res.commit else ""
        how = f", fixed by {via[:12]}" if res.advisory and via else how
        out(f"{name} shipped in {res.version} ({res.branch or 'tag'}{how}), released {res.date}")
    elif res.candidate:
        when_ = f" on {res.date}" if res.date else ""
        out(f"{name} is in {res.candidate}, to be released as {res.version} from {res.branch}{when_}")
    elif res.branch is None and res.date is None:  # on main; no calendar dates the next release
        cfg = load_config()
        named = f" ({res.version} in {cfg.notes_file})" if res.version else ""
        out(f"{name} will ship in the next release{named}")
    else:
        when_ = f", expected {res.date}" if res.date else ""
        out(f"{name} will ship in {res.version}{' from ' + res.branch if res.branch else ' (next cut)'}{when_}")
    others = res.releases[1:]
    if fmt != "json" and others:
        shown = [f"{r.version}{'' if r.status == 'released' else ' (upcoming)'}"
                 + (f" as backport {r.commit[:12]}" if r.commit != res.commit and not res.advisory else "") for r in others[:8]]
        more = f" and {len(others) - 8} later line(s)" if len(others) > 8 else ""
        out(f"  also in: {', '.join(shown)}{more}")


@command(name="next")
def next_release(
    fmt: Annotated[Literal["text", "json", "version"],
                   typer.Option("--format", help="Output format; 'version' prints the version alone.")] = "text",
    on: Annotated[Optional[str], typer.Option(
        "--on", help="The day a calendar version is for (versioning: calver; default: today).")] = None,
) -> None:
    """The next version and why: which changes force the bump (semver, pep440), today's calendar
    version (calver), or the next major."""
    nv = bump.plan(load_config(), today=policy.parse_day(on, "--on"))
    if fmt == "json":
        out(json_text(nv.as_dict()))
    elif fmt == "version":
        out(str(nv.version))
    else:
        out(bump.describe(nv).rstrip("\n"))
