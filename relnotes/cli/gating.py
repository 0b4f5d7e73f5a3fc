"""``relnotes check``: the command CI runs on every push and pull request.

A group of its own so that the gate, run on every push, loads the lint and the PR rule
and nothing of ``init`` or ``new``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Literal, Optional

import typer

from relnotes.cli.common import command, err, out
from relnotes.cli.context import load_workspace
from relnotes.config import projects
from relnotes.errors import UsageError
from relnotes.gate import check as check_mod
from relnotes.gate import preview as preview_mod
from relnotes.gate.report import format_report, format_warnings


@command()
def check(
    base: Annotated[Optional[str], typer.Option("--base", help="Also require a fragment in changes since this ref (e.g. origin/main).")] = None,
    fmt: Annotated[Literal["text", "github", "json"], typer.Option("--format", help="Output format; github writes workflow annotations.")] = "text",
    label: Annotated[Optional[list[str]], typer.Option("--label", help="A PR label (repeatable; skip labels skip the check).")] = None,
    preview: Annotated[Optional[Path], typer.Option(
        "--preview", metavar="FILE", help="With --base: also write the PR preview (Markdown) to FILE.")] = None,
    all_history: Annotated[bool, typer.Option(
        "--all-history", help="Also check the released sections of a Keep a Changelog file "
                              "(by default only what relnotes writes).")] = False,
) -> None:
    """Validate fragments and the notes file; with --base, fail a change without a fragment.

    With --base in GitHub Actions ($GITHUB_STEP_SUMMARY set), the job summary gets a
    preview: the entries this change's fragments will add, then any problems.
    """
    workspace, name = load_workspace()
    chosen = projects.select_for_check(workspace, name)
    report = check_mod.run(workspace.root, base=base, labels=list(label or []),
                           workspace=workspace if workspace.packages else None,
                           chosen=chosen if workspace.packages else None, all_history=all_history)
    if base and (preview is not None or os.environ.get("GITHUB_STEP_SUMMARY")):
        summary = preview_mod.markdown(chosen[0], report, chosen if workspace.packages else (),
                                       root=workspace.root)
        preview_mod.append_step_summary(summary)
        if preview is not None:  # the caller's own output file (like a shell redirection)
            try:
                preview.write_text(summary, encoding="utf-8")
            except OSError as e:
                raise UsageError(f"--preview {preview}: cannot write: {e.strerror}") from None
    if fmt == "text":
        for line in format_warnings(report):
            err(line)
    text = format_report(report, fmt)
    if text:
        (out if fmt == "json" or report.ok else err)(text.rstrip("\n"), commands=fmt == "github")
    raise typer.Exit(0 if report.ok else 1)
