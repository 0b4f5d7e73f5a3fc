"""What a pushed range holds, for ``tag``: the commit a tag names, and the paths changed
since a commit (:mod:`relnotes.flows.publishing` reads a late notes change with them).

Apart from :mod:`relnotes.git.repo`, which stays within its size; every value reaches git
through :meth:`Repo.run <relnotes.git.repo.Repo.run>` and is checked there."""

from __future__ import annotations

from relnotes.git.arguments import check_tag
from relnotes.git.repo import Repo


def tag_commit(repo: Repo, name: str) -> str | None:
    """The commit tag ``name`` names, or None when there is no such tag."""
    return repo.try_run("rev-parse", "--verify", "-q", revs=[f"refs/tags/{check_tag(name)}^{{commit}}"])


def changed_since(repo: Repo, older: str) -> list[str] | None:
    """The paths that differ from ``older`` to HEAD; None when ``older`` is no ancestor of HEAD."""
    if repo.try_run("merge-base", "--is-ancestor", revs=[older, "HEAD"]) is None:
        return None
    out = repo.run("diff", "--name-only", "-z", "--no-renames", revs=[older, "HEAD"], strip=False,
                   end_of_revisions=True)
    return [p for p in out.split("\0") if p]
