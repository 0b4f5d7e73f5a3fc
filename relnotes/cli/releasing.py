"""Commands that publish a release branch's state: ``rc`` (the next candidate) and ``tag``."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from relnotes.cli.common import command, err, out
from relnotes.cli.context import load_config
from relnotes.flows import publishing


@command(mutating=True)
def rc(
    commit: Annotated[bool, typer.Option("--commit", help="Commit the candidate with the release marker.")] = False,
) -> None:
    """On a release branch: write the next release candidate (-rc.1, -rc.2, ...) to the version files."""
    res = publishing.rc(load_config(), commit=commit)
    if not res.files:
        out(f"{res.version} was committed by an earlier run ({(res.commit or '')[:12]}); nothing changed")
        return
    out(f"{res.previous} -> {res.version} in {', '.join(res.files)}")
    if res.commit:
        out(f"committed {res.commit[:12]}")


@command(mutating=True)
def tag(
    push: Annotated[Optional[str], typer.Option("--push", metavar="REMOTE", help="Push the tag to this remote.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Tag even when HEAD's message lacks the marker.")] = False,
    since: Annotated[Optional[str], typer.Option(
        "--since", metavar="REV",
        help="Also look for the marker in every commit of REV..HEAD (a push's github.event.before).")] = None,
) -> None:
    """Tag HEAD (v{version}, annotated with the release's notes) when its commit carries the release marker.

    The marker counts on HEAD, on the commits a merge commit at HEAD brings in, and with
    --since on every pushed commit. Prints the tag on stdout, or nothing (exit 0) when
    nothing is marked or the notes have not landed yet, so a job that runs on every push
    can test the output.
    """
    res = publishing.tag(load_config(), push=push, force=force, since=since)
    if res.tag is None:
        err(res.reason)
        return
    out(res.tag)
    if res.pushed:
        err(f"pushed {res.tag} to {res.pushed}")
