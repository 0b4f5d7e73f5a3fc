"""The gate's own rules, as the base has them.

``check --base`` decides whether a pull request needs a fragment, and a pull request
can edit the configuration that says so: ``check.exempt_paths: ['**']``, another
``fragments_dir``, ``projects``, ``check.skip_labels``, ``check.skip_marker``,
``check.mode: advise`` or ``check.require_for``.  So the
gate reads those rules from the configuration file's blob at the merge base (through
the git layer), never from the work tree; the lint of fragments keeps the PR's own
configuration (its sections, fields, ...).  When the PR changes the gate's rules, the
output says which, and that the base's apply.  A base without any configuration (the
PR adopts relnotes) has no rules to keep: the PR's apply, and the output says so.
"""

from __future__ import annotations

import os
from pathlib import Path

from relnotes.config import load as config
from relnotes.config import projects
from relnotes.config.load import CONFIG_NAME, MAX_CONFIG_BYTES, Config
from relnotes.config.projects import Workspace
from relnotes.config.pyproject import may_hold_table, table
from relnotes.errors import ConfigError, Problem

PYPROJECT = "pyproject.toml"


class Snapshot:
    """The files of one commit, by path from the configuration's directory (for
    :func:`relnotes.config.projects.assemble`)."""

    def __init__(self, repo, commit: str, prefix: str) -> None:
        self.repo, self.commit, self.prefix = repo, commit, prefix

    def _spec(self, path: str) -> str:
        return f"{self.commit}:{self.prefix}{path.strip('/')}"

    def text(self, path: str) -> str | None:
        """The file's text at the commit (None when absent), held to the work tree's size limit
        for a configuration file (``config.load.MAX_CONFIG_BYTES``)."""
        text = self.repo.read_blobs([self._spec(path)])[0]
        size = len(text.encode("utf-8")) if text is not None else 0
        if size > MAX_CONFIG_BYTES:
            raise ConfigError(f"{self._spec(path)}: {size} bytes is too large for a configuration file "
                              f"(limit {MAX_CONFIG_BYTES})", hint="the base's configuration is read as the "
                              "work tree's is; fix it on the base branch")
        return text

    def exists(self, path: str) -> bool:
        return self.repo.blob_ids([self._spec(path)])[0] is not None


def _config_at(snap: Snapshot, root: Path) -> tuple[Path, str] | None:
    """The configuration file the snapshot has in its root directory: relnotes.yaml, else
    a pyproject.toml with a ``[tool.relnotes]`` table (as :func:`config.find_config`)."""
    text = snap.text(CONFIG_NAME)
    if text is not None:
        return root / CONFIG_NAME, text
    text = snap.text(PYPROJECT)
    if text is not None and "relnotes" in text and may_hold_table(text) and table(text, root / PYPROJECT) is not None:
        return root / PYPROJECT, text
    return None


def _rules(ws: Workspace) -> dict[str, object]:
    """What the gate decides with, by the key that sets it."""
    everyone = (ws.root, *ws.packages)
    return {
        "projects": (ws.root_has_notes, tuple((p.name, p.base) for p in ws.packages)),
        "fragments_dir": tuple(p.fragments_dir for p in everyone),
        "check.exempt_paths": tuple(p.check.exempt_paths for p in everyone),
        "check.skip_labels": ws.root.check.skip_labels,
        "check.skip_marker": ws.root.check.skip_marker,
        "check.mode": ws.root.check.mode,
        "check.require_for": (ws.root.check.require_paths, ws.root.check.require_labels),
    }


def gate_workspace(pr: Workspace, repo, commit: str, base: str) -> tuple[Workspace, list[Problem]]:
    """The workspace whose rules the gate applies (the base's), and the warnings to show.

    ``commit`` is the merge base of ``base`` and HEAD; a configuration there that does not
    load is the base's problem, reported as such (exit 2)."""
    root = pr.root.root
    try:
        prefix = Path(os.path.relpath(root, repo.root)).as_posix()
    except ValueError:  # another drive: the configuration is not in this repository
        prefix = "."
    prefix = "" if prefix == "." else prefix + "/"
    snap = Snapshot(repo, commit, prefix)
    shown = pr.root.path.name if pr.root.path is not None else CONFIG_NAME
    try:
        found = _config_at(snap, root)
    except ConfigError as e:
        raise _at_base(e, base, commit, PYPROJECT) from None
    if found is None:
        if pr.root.path is None:
            return pr, []  # no configuration on either side: the defaults, the same rules
        return pr, [Problem(shown, 1, 1, "gate-rules-new",
                            f"{base} has no relnotes configuration, so this check uses this change's "
                            f"({shown}) to decide whether a fragment is needed")]
    path, text = found
    try:
        values = config.values_from_text(text, path, root)
        theirs = projects.assemble(root, path, values, snapshot=snap)
    except ConfigError as e:
        raise _at_base(e, base, commit, path.name) from None
    ours, kept = _rules(pr), _rules(theirs)
    changed = [key for key in kept if ours[key] != kept[key]]
    if not changed:
        return theirs, []
    return theirs, [Problem(shown, 1, 1, "gate-rules-changed",
                            f"{shown} changes the gate's rules ({', '.join(changed)}); this check uses "
                            f"the base's ({path.name} at {base}, commit {commit[:12]})")]


def _at_base(e: ConfigError, base: str, commit: str, name: str) -> ConfigError:
    return ConfigError(f"the configuration at {base} ({name} in commit {commit[:12]}), whose rules check --base "
                       f"applies: {e.message}",
                       hint=(e.hint + "; " if e.hint else "") + "the gate fails closed until the base branch's "
                       "configuration loads: fix it there")


def gate_targets(pr: Workspace, chosen: tuple[Config, ...], theirs: Workspace) -> tuple[Config, ...]:
    """The projects of ``theirs`` to require a fragment of, for the PR's choice ``chosen``:
    all of them when every project was chosen; else those of the chosen names (a project
    new in this change keeps its own definition: the base has none)."""
    if {p.name for p in chosen} == {p.name for p in pr.projects}:
        return theirs.projects
    named = {p.name: p for p in theirs.projects}
    return tuple(named.get(p.name, p) for p in chosen)
