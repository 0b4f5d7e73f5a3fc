"""What a command works in: the project's configuration (``--config``, ``--project``) and,
for a command that changes files, the repository lock.

Apart from :mod:`relnotes.cli.common` so that commands that need no project
(``templates``, ``schema``, ``--help``) do not load the configuration's code.
"""

from __future__ import annotations

from relnotes import lock
from relnotes.cli.common import err, state
from relnotes.config import projects


def load_config():
    """The configuration of the project the command works on (in a monorepo: ``--project``,
    else the working directory's); a mutating command holds the repository lock from here on."""
    workspace = projects.load(state["config"])
    if workspace.note:
        err(f"note: {workspace.note}")
    cfg = projects.select(workspace, projects.selected_name(state["project"]))
    hold_lock(cfg.root)
    return cfg


def load_workspace():
    """Every project (``relnotes.config.projects.Workspace``) and the name ``--project`` gives, if any."""
    workspace = projects.load(state["config"])
    if workspace.note:
        err(f"note: {workspace.note}")
    hold_lock(workspace.root.root)
    return workspace, projects.selected_name(state["project"])


def hold_lock(root) -> None:
    """In a mutating command, take the repository lock for ``root`` until it returns.

    ``load_config`` calls this; a command that runs before any configuration exists
    (``init``) calls it with the root it found.
    """
    if state["lock"] is not None:
        stack, command_name = state["lock"]
        state["lock"] = None
        stack.enter_context(lock.held(root, command_name))
