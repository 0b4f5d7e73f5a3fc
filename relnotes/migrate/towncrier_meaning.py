"""What towncrier settings mean in relnotes terms: bump levels per type, the repository.

towncrier has no notion of a version bump; its types do (a ``breaking`` or ``removal``
entry is a major change, a ``feature`` a minor one, anything else a patch), so each
imported section gets the highest level of the types it holds, and ``--bump TYPE=LEVEL``
changes one.  The repository a project names in ``[project.urls]`` is where its issue
links point when there is no git remote.
"""

from __future__ import annotations

import re
from typing import Any

from relnotes.config.rules import link_problem
from relnotes.errors import UsageError
from relnotes.migrate.towncrier import TowncrierConfig
from relnotes.patterns import lazy

# the bump level of a towncrier type's entries (any other type: patch); --bump TYPE=LEVEL overrides
DEFAULT_BUMPS = {"breaking": "major", "removal": "major", "feature": "minor"}
LEVELS = ("patch", "minor", "major")


def bump_levels(tc: TowncrierConfig, type_sections: dict[str, str], bumps: dict[str, str]) -> dict[str, Any]:
    """relnotes' ``bump`` lists: each section at the highest level of the types it holds."""
    unknown = [k for k in bumps if k not in tc.types]
    if unknown:
        raise UsageError(f"--bump {unknown[0]}=…: {unknown[0]!r} is not a towncrier type here",
                         hint=f"types: {', '.join(tc.types)}")
    bad = [f"{k}={v}" for k, v in bumps.items() if v not in LEVELS]
    if bad:
        raise UsageError(f"--bump {bad[0]}: the level must be major, minor or patch")
    level: dict[str, int] = {}
    for key, section in type_sections.items():
        rank = LEVELS.index(bumps.get(key) or DEFAULT_BUMPS.get(key, "patch"))
        level[section] = max(level.get(section, 0), rank)
    out: dict[str, Any] = {name: [s for s, r in level.items() if r == LEVELS.index(name)] for name in ("major", "minor")}
    out["default"] = "patch"
    return out


_REPO_URL = lazy(r"https://(?:github\.com|gitlab\.com|codeberg\.org)/[\w.-]+/[\w.-]+")


def project_url(doc: dict) -> tuple[str, str] | None:
    """(label, address) of the repository among ``[project.urls]`` (Source, Repository, …)."""
    project = doc.get("project")
    urls = project.get("urls") if isinstance(project, dict) else None
    if not isinstance(urls, dict):
        return None
    ranked = sorted(urls.items(), key=lambda kv: (str(kv[0]).lower() not in ("source", "repository", "source code",
                                                                          "github", "code"), 0))
    for label, url in ranked:
        m = _REPO_URL.match(url) if isinstance(url, str) else None
        if m and not link_problem(m.group().removesuffix(".git") + "/issues/{number}", "links.issue"):
            return str(label), m.group().removesuffix(".git")
    return None


def section_name(display: str) -> str:
    """A towncrier type's name as a relnotes section (which has no brackets, backquotes or
    angle brackets): ``Deprecations (removal in next major release)`` → ``Deprecations,
    removal in next major release``."""
    name = re.sub(r"\s*\((.*?)\)", r", \1", display)
    name = re.sub(r"[\[\]()<>`\\#]", "", name)
    return " ".join(name.split())[:80].strip(" ,") or "Changes"
