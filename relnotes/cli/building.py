"""``relnotes build``: pending fragments into the notes (or, with ``--draft``, to the screen).

A group of its own: the command run most often, and on every pull request's preview,
loads the build and nothing of the release-branch verbs.
"""

from __future__ import annotations

from typing import Annotated

import typer

from relnotes.cli.common import command, out
from relnotes.cli.context import load_config
from relnotes.flows import build as build_flow


@command(mutating=True)
def build(
    draft: Annotated[bool, typer.Option("--draft", help="Print what would be added; write nothing.")] = False,
    keep: Annotated[bool, typer.Option("--keep", help="Keep the fragment files.")] = False,
) -> None:
    """Render pending fragments into the top Unreleased section of the notes file."""
    cfg = load_config()
    res = build_flow.build(cfg, draft=draft, keep=keep)
    if draft:
        out(res.draft.rstrip("\n") if res.draft else f"no pending fragments in {cfg.fragments_dir}/")
        return
    if not res.added and not res.already_present:
        out(f"no pending fragments in {cfg.fragments_dir}/; {cfg.notes_file} unchanged")
        return
    if res.added:
        out(f"added {len(res.added)} entr{'y' if len(res.added) == 1 else 'ies'} to {res.version} in {cfg.notes_file}")
    if res.already_present:
        out(f"{len(res.already_present)} fragment(s) were already in {cfg.notes_file}; not added again")
    if res.removed:
        out(f"removed {len(res.removed)} fragment(s)")
