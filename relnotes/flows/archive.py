"""``relnotes archive``: the archive list rewritten from the release branches git knows, by version.
"""

from typing import NamedTuple

from relnotes.config.load import Config
from relnotes.errors import ConfigError, ContentError
from relnotes.flows import steps
from relnotes.flows.steps import refuse_keepachangelog, unified_diff, write_all
from relnotes.markdown import structure
from relnotes.notes import formats
from relnotes.version import Version, version_of_branch


def archive_label(cfg: Config, v: Version, oldest: bool = False) -> str:
    label = v.format(cfg.archive.label)
    return label + cfg.archive.oldest_suffix if oldest else label


class ArchiveResult(NamedTuple):
    links: list[tuple[str, str]]
    ignored: list[str]
    changed: bool
    diff: str


def archive_links(cfg: Config, branch_names: list[str], below: Version | None) -> tuple[list[tuple[str, str]], list[str]]:
    """Archive entries for the given branch names: deduplicated, filtered, by version.

    ``below`` is the notes file's top release: its line and newer lines are left out.
    """
    since = Version.parse(cfg.archive.since)
    prefix = cfg.release_branch.split("{version}")[0]  # "release-": names that look like release branches
    found: dict[Version, str] = {}
    ignored = []
    for name in sorted(set(branch_names)):
        v = version_of_branch(name, cfg.release_branch)
        if v is None:
            if prefix and name.startswith(prefix):
                ignored.append(name)  # reported: looks like a release branch but has no version
            continue
        # the notes' own release line (X.Y, whatever its patch level: release-24.0.0 holds
        # 24.0.13) and every newer one are not archive: the list is of older branches
        if v < since or (below is not None and (v.major, v.minor) >= (below.major, below.minor)):
            continue
        found[v] = name
    ordered = sorted(found, reverse=True)
    if ordered and cfg.link("archive", branch=found[ordered[0]]) is None:
        raise ConfigError(f"{cfg.path.name if cfg.path else 'relnotes.yaml'}: the archive list links to each "
                          f"release branch's notes in the repository, and no 'repository' is configured",
                          hint="set  repository: https://…  in relnotes.yaml (or links.archive to a URL "
                               "pattern without {repository})")
    links = [(archive_label(cfg, v, oldest=(i == len(ordered) - 1)), url)  # every url is set: the first was
             for i, v in enumerate(ordered) if (url := cfg.link("archive", branch=found[v])) is not None]
    return links, ignored


def archive(cfg: Config, *, check: bool = False) -> ArchiveResult:
    """Rewrite the archive list from the release branches git knows."""
    refuse_keepachangelog("archive", cfg)
    doc = formats.read_for(cfg)
    if doc.archive is None:
        raise ContentError(f"{cfg.notes_file}: no '{structure.ARCHIVE_MARKER}' line",
                           hint=f"add '{structure.ARCHIVE_MARKER}' on its own line where the archive list goes")
    top = doc.releases[0] if doc.releases else None
    with steps.open_repo(cfg) as repo:
        names = [r.branch for r in repo.branches()]
    links, ignored = archive_links(cfg, names, top.version if top else None)
    before = doc.text()
    doc.replace_archive(links)
    after = doc.text()
    diff = unified_diff({cfg.notes_file: (before, after)}) if before != after else ""
    if before != after and not check:
        write_all(cfg, {cfg.notes_file: (before, after)})
    return ArchiveResult(links, ignored, before != after, diff)
