"""``relnotes show``: one release's notes as Markdown, JSON, HTML or a GitHub release page.

A group of its own: only ``show --format page`` needs the site's templates.
"""

from __future__ import annotations

from typing import Annotated, Literal, Optional

import typer

from relnotes.cli.common import command, json_text, out
from relnotes.cli.context import load_config
from relnotes.flows import publishing
from relnotes.flows import show as show_flow
from relnotes.markdown.safehtml import markdown_to_html
from relnotes.questions import site


@command()
def show(
    version: Annotated[Optional[str], typer.Argument(help="The release (default: the top one).")] = None,
    fmt: Annotated[Literal["md", "json", "html", "page"],
                   typer.Option("--format", help="Output format: html is a fragment to embed, "
                                                 "page a complete styled HTML page.")] = "md",
    github_output: Annotated[bool, typer.Option(
        "--github-output", help="Also append tag=, title=, prerelease= and body to the file $GITHUB_OUTPUT names.")] = False,
) -> None:
    """Print one release's notes, for example as a GitHub release body."""
    cfg = load_config()
    data = show_flow.show(cfg, version)
    if (fmt == "json" and data["version"]) or github_output:
        page = publishing.page(cfg, version)
        data.update(tag=page.tag, release=page.version, prerelease=page.prerelease, body=page.body)
        if github_output:
            publishing.write_github_output(page)
    if fmt == "page":
        out(site.release_page(cfg, version).rstrip("\n"))
        return
    if fmt == "json":
        out(json_text(data))
    elif fmt == "html":
        out(markdown_to_html(data["markdown"]).rstrip("\n"))
    else:
        out(data["markdown"].rstrip("\n"))
