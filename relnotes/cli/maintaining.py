"""Commands maintainers run on release days: ``cut``, ``patch``, ``stamp``, ``release``, ``archive``."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from relnotes.cli.common import command, err, out
from relnotes.cli.context import load_config
from relnotes.flows import archive as archive_flow
from relnotes.flows import cut as cut_flow
from relnotes.flows import patch as patch_flow
from relnotes.flows import release as release_flow
from relnotes.flows import stamp as stamp_flow
from relnotes.flows import steps


@command(mutating=True)
def cut(
    version: Annotated[Optional[str], typer.Option("--version", help="The next version on main (default: the next "
                                                                      "major, or under semver the smallest bump).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print the diff; change nothing.")] = False,
    commit: Annotated[bool, typer.Option("--commit", help="Commit the change on main.")] = False,
) -> None:
    """On main: create the release branch and open the next version's notes."""
    res = cut_flow.cut(load_config(), version=version, dry_run=dry_run, commit=commit)
    if dry_run:
        out(res.diff.rstrip("\n"))
        if res.retitled_from:
            out(f"would first commit main's top section as {res.cut_version} (it says {res.retitled_from}; "
                f"'relnotes next' says why)")
        out(f"would create branch {res.branch} at HEAD, open {res.next_version} on main, "
             f"and remove {len(res.removed)} fragment(s)")
        return
    if res.retitled_from:
        out(f"the changes make this release {res.cut_version}: main's top section said {res.retitled_from}; "
            f"committed the new heading {res.retitle_commit[:12] if res.retitle_commit else ''}".rstrip())
    out(f"created branch {res.branch} at HEAD ({res.cut_version})")
    if res.moved_entries:
        out(f"{res.moved_entries} entr{'y' if res.moved_entries == 1 else 'ies'} of {res.cut_version}'s notes "
             f"now live on {res.branch}; main's notes start {res.next_version}")
    else:
        out(f"main's notes now start {res.next_version}")
    if res.removed:
        out(f"removed {len(res.removed)} fragment(s) from main; they stay pending on {res.branch}")
    if res.hooked:
        out(f"hooks.bump changed {', '.join(res.hooked[:10])}{' …' if len(res.hooked) > 10 else ''}")
    if res.commit:
        out(f"committed {res.commit[:12]}")


@command(mutating=True)
def patch(
    version: Annotated[Optional[str], typer.Option("--version", help="The patch version (default: top + 1).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print the diff; change nothing.")] = False,
) -> None:
    """On a release branch: open the next patch release above the top section."""
    res, changes = patch_flow.patch(load_config(), version=version, dry_run=dry_run)
    if dry_run:
        out(steps.unified_diff(changes).rstrip("\n"))
        return
    out(f"opened {res.version} (Unreleased) above {res.previous}" if res.opened
        else f"{res.version} is already open (Unreleased) above {res.previous}; nothing changed")


@command(mutating=True)
def stamp(
    date: Annotated[Optional[str], typer.Option("--date", help="Release date, YYYY-MM-DD (default: today).")] = None,
    version: Annotated[Optional[str], typer.Option(
        "--version", help="The release to stamp (default: the top one); keepachangelog: the version "
                          "[Unreleased] becomes.")] = None,
) -> None:
    """Mark one release as released: 'Unreleased.' becomes 'Released DATE.' ('[Unreleased]' becomes '[X.Y.Z] - DATE')."""
    res = stamp_flow.stamp(load_config(), on=date, version=version)
    if res.changed:
        out(f"stamped {res.version}: Released {res.date}")
    else:
        out(f"{res.version} is already released ({res.previous}); nothing changed")


@command(mutating=True)
def release(
    date: Annotated[Optional[str], typer.Option("--date", help="Release date, YYYY-MM-DD (default: today).")] = None,
    commit: Annotated[bool, typer.Option("--commit", help="Commit the notes.")] = False,
    version: Annotated[Optional[str], typer.Option(
        "--version", help="The release's version (default: the top section's; under semver the one the "
                          "changes make; keepachangelog: the version [Unreleased] becomes).")] = None,
    tag: Annotated[bool, typer.Option("--tag", help="Also tag the release commit (tag in relnotes.yaml, "
                                                    "v{version}); implies --commit.")] = False,
) -> None:
    """Release day: build pending fragments, then stamp the top release (under semver, with the version the changes make).

    On a one-branch project (branching: one-branch) the pending fragments become the next
    version's section (relnotes next says which), stamped, with the version files written."""
    res = release_flow.release(load_config(), on=date, commit=commit, version=version, tag=tag)
    if res.retitled_from:
        why = f": {res.why}" if res.why else ""
        out(f"set the top section's version to {res.stamp.version} (it said {res.retitled_from}){why}")
    if res.build.added:
        n = len(res.build.added)
        out(f"added {n} entr{'y' if n == 1 else 'ies'} to {res.build.version}")
    if res.stamp.changed:
        out(f"stamped {res.stamp.version}: Released {res.stamp.date}")
    elif res.finished_earlier:
        out(f"{res.stamp.version} was released ({res.stamp.previous}) by an earlier run that did not commit")
    elif res.tag:
        out(f"{res.stamp.version} was released and committed by an earlier run that did not tag it")
    else:
        out(f"{res.stamp.version} is already released ({res.stamp.previous}); nothing changed")
    if res.commit:
        out(f"committed {res.commit[:12]}")
    if res.tag:
        out(f"tagged {res.tag}")


@command(mutating=True)
def archive(
    check_only: Annotated[bool, typer.Option("--check", help="Exit 1 when the list and the branches disagree.")] = False,
    prune: Annotated[bool, typer.Option("--prune", help="Also drop links to branches git does not know here.")] = False,
) -> None:
    """Rewrite the archive list from the release branches git knows."""
    cfg = load_config()
    res = archive_flow.archive(cfg, check=check_only, prune=prune)
    for name in res.ignored:
        err(f"note: ignored branch {name}: not a version")
    if check_only:
        if res.unseen:
            err(f"{cfg.notes_file}: {len(res.unseen)} archive link(s) point to branches git does not know here "
                f"({', '.join(res.unseen[:5])}{' …' if len(res.unseen) > 5 else ''}); fetch them: {res.fetch}")
        if res.changed:
            if res.diff:
                out(res.diff.rstrip("\n"))
            then = "fetch them, then run 'relnotes archive'" if res.unseen else "run 'relnotes archive'"
            err(f"{cfg.notes_file}: the archive list differs from the release branches; {then}")
            raise typer.Exit(1)
        out(f"{cfg.notes_file}: archive list matches {len(res.links)} release branch(es)")
        return
    if res.changed:
        out(f"rewrote the archive list: {len(res.links)} link(s)")
    else:
        out(f"archive list already up to date ({len(res.links)} link(s))")
