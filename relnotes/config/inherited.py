"""The configuration a release branch inherits from the default branch.

A release branch cut before the project adopted relnotes (Wasmtime's release-47.0.0
when relnotes.yaml arrives on main in the 48 cycle) has no relnotes.yaml of its own.
Falling back to the plain preset there changes what every command does without a word:
PR numbers unlinked, no calendar, no version files.  So on a branch that main's
configuration names a release branch (``release_branch``, ``release_branches``), the
configuration is main's, read from the default branch's tip through git (held to the
work tree's size limit, through the same YAML guard and validation), and the command
says so (:attr:`Inherited.note`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, NamedTuple

from relnotes.config import load as config
from relnotes.config.load import CONFIG_NAME, MAX_CONFIG_BYTES
from relnotes.errors import ConfigError
from relnotes.git.repo import Repo
from relnotes.version import version_of_branch

# where the default branch is looked for, in order: the remote's HEAD, then the usual names
DEFAULT_BRANCHES = ("origin/HEAD", "main", "origin/main", "master", "origin/master")


class Inherited(NamedTuple):
    values: dict  # validated, as config.values_from_text gives them
    note: str


def from_default_branch(root: Path, workspace: Callable[[dict], Any] | None = None) -> Inherited | None:
    """Main's configuration when ``root`` has none and HEAD is on a release branch; else None.

    ``workspace``: builds a monorepo's workspace from main's values (``projects.assemble``,
    which imports this module), so that a package's own release branch
    (``cli-release-{version}``) counts too."""
    if not (root / ".git").exists():
        return None
    with Repo(root) as repo:
        branch = repo.current_branch()
        if branch is None:
            return None
        for ref in DEFAULT_BRANCHES:
            commit = repo.resolve(ref)
            if commit is None or ref.split("/")[-1] == branch:
                continue
            text = repo.read_blobs([f"{commit}:{CONFIG_NAME}"])[0]
            if text is None:
                continue
            size = len(text.encode("utf-8"))
            where = f"{ref}:{CONFIG_NAME}"
            if size > MAX_CONFIG_BYTES:
                raise ConfigError(f"{where}: {size} bytes is too large for a configuration file "
                                  f"(limit {MAX_CONFIG_BYTES})",
                                  hint=f"{branch} has no {CONFIG_NAME} and inherits {ref}'s: fix it there, or "
                                       f"add one to {branch}")
            values = config.values_from_text(text, root / CONFIG_NAME, root)
            patterns = config.build(root, None, values).branch_patterns
            if version_of_branch(branch, patterns) is None and not _makes(branch, values, workspace):
                return None
            return Inherited(values, f"{branch} has no {CONFIG_NAME}: using the one at {ref} (commit "
                                     f"{commit[:12]}); add one to {branch} to change that")
    return None


def _makes(branch: str, values: dict, workspace: Callable[[dict], Any] | None) -> bool:
    """Whether a package of main's ``projects:`` makes ``branch`` its release branch (a
    workspace main's values cannot make here, e.g. a package file the branch lacks: no)."""
    if workspace is None or not values.get("projects"):
        return False
    try:
        packages = workspace(values).packages
    except ConfigError:
        return False
    return any(version_of_branch(branch, p.branch_patterns) is not None for p in packages)
