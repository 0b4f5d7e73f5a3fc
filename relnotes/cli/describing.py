"""``schema``: JSON Schemas for editors (the fragment schema follows the project's
sections and fields); ``templates`` is in :mod:`relnotes.cli.catalog`."""

from __future__ import annotations

from typing import Annotated

import typer

from relnotes.cli.common import command, json_text, out
from relnotes.cli.context import load_config
from relnotes.config import schema as config_schema
from relnotes.errors import UsageError
from relnotes.fragments import fragment


@command()
def schema(
    which: Annotated[str, typer.Argument(help="'fragment', 'config' or 'all'.")] = "all",
) -> None:
    """Print JSON Schemas for fragment front matter and relnotes.yaml (for editors)."""
    cfg = load_config()
    schemas = {"fragment": fragment.json_schema(cfg.sections, cfg.fields), "config": config_schema.json_schema()}
    if which == "all":
        out(json_text(schemas))
    elif which in schemas:
        out(json_text(schemas[which]))
    else:
        raise UsageError(f"unknown schema {which!r}", hint="use fragment, config or all")
