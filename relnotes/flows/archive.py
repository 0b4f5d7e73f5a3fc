"""``relnotes archive``: the archive list rewritten from the release branches git knows, by version.

A link to a branch git does not know here (a clone that never fetched the release
branches) is not dropped: ``archive`` refuses (exit 2) and says which links and how to
fetch their branches, unless ``--prune`` asks for exactly that; ``--check`` reports them
as a difference and keeps them in the list it compares.
"""

import re
from typing import NamedTuple

from relnotes.config.load import Config
from relnotes.errors import ConfigError, ContentError, StateError, UsageError
from relnotes.flows import steps
from relnotes.flows.steps import apply, refuse_keepachangelog, unified_diff
from relnotes.git.arguments import fetch_release_branches
from relnotes.markdown import structure
from relnotes.policy import schemes
from relnotes.version import Version, version_of_branch


def archive_label(cfg: Config, v: Version, oldest: bool = False) -> str:
    label = v.format(cfg.archive.label)
    return label + cfg.archive.oldest_suffix if oldest else label


class ArchiveResult(NamedTuple):
    links: list[tuple[str, str]]
    ignored: list[str]
    changed: bool
    diff: str
    unseen: tuple[str, ...] = ()  # links (as written) to branches git does not know, kept
    fetch: str = ""  # the command that fetches the release branches


def link_branch(cfg: Config, url: str) -> str | None:
    """The branch an archive link made by ``links.archive`` points to, or None."""
    slot = "\0branch\0"
    pattern = cfg.link("archive", branch=slot)
    if pattern is None or slot not in pattern:
        return None
    before, _, after = pattern.partition(slot)
    m = re.fullmatch(re.escape(before) + "(.+)" + re.escape(after), url)
    return m[1] if m else None


def _unseen(cfg: Config, doc, links: list[tuple[str, str]], names: set[str]) -> list:
    """The list's links that the rewrite would drop although git cannot say their branch is
    gone: a branch it does not know here, or a link not made from a branch at all."""
    urls, labels = {url for _, url in links}, {label for label, _ in links}
    return [link for link in doc.archive.links  # a link whose line the rewrite keeps (by label) is no loss
            if link.url not in urls and link.label not in labels and link_branch(cfg, link.url) not in names]


def archive_links(cfg: Config, branch_names: list[str], below: Version | None) -> tuple[list[tuple[str, str]], list[str]]:
    """Archive entries for the given branch names: deduplicated, filtered, by version.

    ``below`` is the notes file's top release: its line and newer lines are left out.
    """
    since = Version.parse(cfg.archive.since)
    prefix = cfg.release_branch.split("{version}")[0]  # "release-": names that look like release branches
    found: dict[Version, str] = {}
    ignored = []
    for name in sorted(set(branch_names)):
        v = version_of_branch(name, cfg.branch_patterns)
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


def archive(cfg: Config, *, check: bool = False, prune: bool = False) -> ArchiveResult:
    """Rewrite the archive list from the release branches git knows (the local ones and
    ``remote``'s); ``prune`` also drops links to branches git does not know."""
    refuse_keepachangelog("archive", cfg)
    doc = schemes.read_notes(cfg)
    if doc.archive is None and cfg.branching == "one-branch":
        raise UsageError(f"'relnotes archive' lists the notes of release branches; this project releases from one "
                         f"branch (branching: one-branch), so {cfg.notes_file} keeps every release itself and has "
                         f"no archive list", hint="nothing to do; a project that cuts release branches sets "
                                                  f"'branching: release-branches' and adds '{structure.ARCHIVE_MARKER}'")
    if doc.archive is None:
        raise ContentError(f"{cfg.notes_file}: no '{structure.ARCHIVE_MARKER}' line",
                           hint=f"add '{structure.ARCHIVE_MARKER}' on its own line where the archive list goes")
    top = doc.releases[0] if doc.releases else None
    with steps.open_repo(cfg) as repo:
        names = [r.branch for r in repo.branches(cfg.remote)]
    links, ignored = archive_links(cfg, names, top.version if top else None)
    unseen = [] if prune else _unseen(cfg, doc, links, set(names))
    fetch = fetch_release_branches(cfg.remote, cfg.branch_patterns)
    if unseen and not check:
        shown = ", ".join(f"[{link.label}]({link.url}) (line {link.line + 1})" for link in unseen[:5])
        more = f" and {len(unseen) - 5} more" if len(unseen) > 5 else ""
        raise StateError(f"{cfg.notes_file}: {len(unseen)} archive link(s) point to branches git does not know "
                         f"here: {shown}{more}; nothing was changed",
                         hint=f"fetch the release branches ({fetch}) and run again, or drop those links "
                              f"with 'relnotes archive --prune'")
    before = doc.text()
    doc.replace_archive(_keeping(cfg, links, unseen))
    after = doc.text()
    diff = unified_diff({cfg.notes_file: (before, after)}) if before != after else ""
    if before != after and not check:
        apply(cfg, {cfg.notes_file: (before, after)}, command="archive")
    return ArchiveResult(links, ignored, before != after or bool(unseen), diff,
                         tuple(f"[{link.label}]({link.url})" for link in unseen), fetch)


def _keeping(cfg: Config, links: list[tuple[str, str]], unseen: list) -> list[tuple[str, str]]:
    """``links`` with the ``unseen`` ones kept where their version puts them (at the end
    when the link names no release branch)."""
    if not unseen:
        return links

    def version(url: str) -> Version:
        branch = link_branch(cfg, url)
        v = version_of_branch(branch, cfg.branch_patterns) if branch else None
        return v or Version(0, 0, 0)

    merged = [(version(url), i, (label, url)) for i, (label, url) in enumerate(links)]
    merged += [(version(link.url), len(links) + i, (link.label, link.url)) for i, link in enumerate(unseen)]
    merged.sort(key=lambda m: m[0], reverse=True)  # stable: ties keep their order
    # a new link is labelled as the oldest only when no kept link comes after it
    return [(archive_label(cfg, v, oldest=(k == len(merged) - 1)), url) if i < len(links) else (label, url)
            for k, (v, i, (label, url)) in enumerate(merged)]
