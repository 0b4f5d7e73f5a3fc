"""``templates``: the built-in templates and what each receives.

A group of its own, apart from ``schema``: it needs no project, so it loads no
configuration, git or flow code (a release branch's configuration may come from main
through git: :mod:`relnotes.config.inherited`)."""

from __future__ import annotations

from relnotes.cli.common import command, out
from relnotes.render import catalog as template_catalog


@command()
def templates() -> None:
    """List the built-in templates, the variables each receives, and how to override one."""
    out(template_catalog.as_text().rstrip("\n"))
