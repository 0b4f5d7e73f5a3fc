"""What the release-branch commands do: patch, cut, release, archive.

Like ``relnotes.flows.lifecycle`` (whose helpers they share): each function takes a
:class:`~relnotes.config.load.Config`, does its checks first, then its writes (atomic,
notes before fragment removal), and returns a result object the CLI reports.  None
prints or exits.
"""

from typing import NamedTuple

from relnotes import fsio
from relnotes.notes import document as notes
from relnotes.markdown import structure
from relnotes.notes import blocks
from relnotes.notes import formats
from relnotes.flows import retitle
from relnotes.config.load import Config
from relnotes.errors import ConfigError, ContentError, GitError, RelnotesError, StateError, UsageError
from relnotes.flows.lifecycle import (BuildResult, StampResult, _open_repo, build, parse_date, pending_fragments,
                                read_notes, remove_fragments, stamp, verify_notes)
from relnotes.version import Version, version_of_branch

# -- patch -----------------------------------------------------------------------------


class PatchResult(NamedTuple):
    version: str
    previous: str
    files: list[str]


def patch(cfg: Config, *, version: str | None = None, dry_run: bool = False) -> tuple[PatchResult, dict[str, tuple[str, str]]]:
    """Open ``## X.Y.(Z+1)`` / ``Unreleased.`` above the top (released) section."""
    from relnotes.render.environment import Renderer

    _refuse_keepachangelog("patch", cfg)
    doc = read_notes(cfg)
    top = doc.release()
    if top.version is None:
        raise ContentError(f"{cfg.notes_file}:{top.start + 1}: top heading '## {top.title}' is not a version")
    if top.unreleased:
        raise StateError(
            f"{cfg.notes_file}:{top.start + 1}: the top release {top.version} is still unreleased",
            hint="add backport fragments and run 'relnotes build'; 'relnotes patch' opens the next "
                 "patch release once the top one is released")
    new_v = Version.parse(version) if version else top.version.next_patch()
    if new_v <= top.version:
        raise UsageError(f"--version {new_v} is not newer than the top release {top.version}")
    if any(r.version == new_v for r in doc.releases):
        raise ContentError(f"{cfg.notes_file}: '## {new_v}' already exists")
    before = doc.text()
    # patch_sections, not the cut's template: a patch release holds the categories its
    # backports fill (Wasmtime wrote `### Fixed` alone 69 times in 78), which build adds
    section = Renderer(cfg).release_section(str(new_v), cfg.patch_sections).rstrip("\n")
    doc.insert_text(top.start, section + "\n")
    changes = {cfg.notes_file: (before, doc.text())}
    changes.update(_version_file_changes(cfg, top.version, new_v))
    if not dry_run:
        _write_all(cfg, changes)
    return PatchResult(str(new_v), str(top.version), sorted(changes)), changes


def _version_file_changes(cfg: Config, old: Version, new_v: Version) -> dict[str, tuple[str, str]]:
    """Each configured version file moved from a stage of ``old`` to ``new_v`` (``-dev`` kept)."""
    from relnotes.flows import versionfiles

    return versionfiles.rewrite(cfg, new_v, expect=old, keep_dev=True)


def _write_all(cfg: Config, changes: dict[str, tuple[str, str]]) -> None:
    """Write every changed file, or none: a failed write puts back the files already written."""
    done: list[tuple[str, str]] = []
    try:
        for rel_path, (before, after) in changes.items():
            fsio.write_text(cfg.root, cfg.root / rel_path, after)
            done.append((rel_path, before))
    except RelnotesError:
        for rel_path, before in reversed(done):
            try:
                fsio.write_text(cfg.root, cfg.root / rel_path, before)
            except RelnotesError:  # pragma: no cover - the disk failed twice; report the first
                pass
        raise


def unified_diff(changes: dict[str, tuple[str, str]]) -> str:
    import difflib

    out = []
    for path, (before, after) in changes.items():
        out.extend(difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True),
                                        f"a/{path}", f"b/{path}"))
    return "".join(line if line.endswith("\n") else line + "\n" for line in out)


# -- cut -----------------------------------------------------------------------------------


class CutResult(NamedTuple):
    branch: str
    cut_version: str
    next_version: str
    moved_entries: int
    removed: list[str]
    commit: str | None
    diff: str
    retitled_from: str | None = None  # semver: main's heading before the changes set the version
    retitle_commit: str | None = None


def _archive_label(cfg: Config, v: Version, oldest: bool = False) -> str:
    label = v.format(cfg.archive.label)
    return label + cfg.archive.oldest_suffix if oldest else label


def cut(cfg: Config, *, version: str | None = None, dry_run: bool = False, commit: bool = False) -> CutResult:
    """Cut ``release-X.Y.Z`` from main and open the next version on main.

    Crash-safe: the branch name is recorded in ``.git/relnotes-cut`` (a monorepo
    package's in ``.git/relnotes-cut-NAME``: one record per project, so another
    project's cut neither resumes nor erases it; a package's record that an earlier version
    left in ``.git/relnotes-cut`` is its own when it names its branch) before the branch is
    created and removed when the cut is done.  A rerun after an interruption finds the record, restores the
    paths cut rewrites from HEAD, and finishes the same cut; a branch that exists
    without the record is refused.

    Under ``versioning: semver`` the changes name the release (:func:`relnotes.policy.bump.plan`):
    the branch is ``release-{that version}`` and main opens the version after it.  When
    main's heading says another version, ``commit`` first commits the new heading (so the
    branch made from HEAD carries it); without ``commit`` that is refused, before any write.
    """
    _refuse_keepachangelog("cut", cfg)
    with _open_repo(cfg) as repo:
        return _cut(cfg, repo, version=version, dry_run=dry_run, commit=commit)


def _cut(cfg: Config, repo, *, version: str | None, dry_run: bool, commit: bool) -> CutResult:
    from relnotes.git.arguments import check_branch
    from relnotes.render.environment import Renderer

    current = repo.current_branch()
    if current is None:
        raise StateError("HEAD is detached", hint=f"check out {cfg.main_branch} first: git switch {cfg.main_branch}")
    if current != cfg.main_branch:
        raise StateError(f"cut runs on {cfg.main_branch}, but {current} is checked out",
                         hint=f"git switch {cfg.main_branch}, or set main_branch in relnotes.yaml")
    head = repo.head_commit()
    if head is None:
        raise StateError("the repository has no commits yet", hint="commit the notes file first")
    marker = repo.git_dir / (f"relnotes-cut-{cfg.name}" if cfg.name else "relnotes-cut")  # names: [A-Za-z0-9._-]
    record = marker if marker.is_file() else _old_record(repo, cfg) or marker
    recorded = record.read_text().strip() if record.is_file() else None
    owned = [cfg.notes_file, *(vf.path for vf in cfg.version_files), cfg.fragments_dir]
    resume = False
    if recorded:
        existing = [r for r in repo.branches() if r.branch == recorded and not r.remote]
        resume = len(existing) == 1 and existing[0].commit == head
        if resume and not dry_run:
            repo.restore(owned)  # undo the interrupted run's partial writes
    if recorded and not resume:
        record.unlink(missing_ok=True)  # a finished or abandoned cut's record
    if not resume:
        dirty = repo.dirty_paths()
        if dirty:
            raise StateError(f"the working tree has uncommitted changes ({', '.join(dirty[:5])})",
                             hint="commit or stash them; the release branch is cut from HEAD as committed")
    doc = read_notes(cfg)
    top = doc.release()
    if top.version is None:
        raise ContentError(f"{cfg.notes_file}:{top.start + 1}: top heading '## {top.title}' is not a version",
                           hint="the top section must be '## X.Y.Z' to know which version to cut")
    if not top.unreleased:
        raise StateError(f"{cfg.notes_file}:{top.start + 1}: the top release {top.version} is already released",
                         hint="cut runs on main, whose top section is the unreleased next version")
    fragments = pending_fragments(cfg)
    cut_v = top.version.release
    planned = retitled = retitle_sha = None
    if cfg.versioning == "semver":
        from relnotes.policy import bump

        planned = bump.plan(cfg, doc=doc, fragments=fragments, repo=repo)
        if planned.version != cut_v:
            retitled, cut_v = str(cut_v), planned.version
        # main's next release starts the next line: patch numbers belong to the release branches
        next_v = Version.parse(version) if version else bump.bumped(cut_v, "minor")
    else:
        next_v = Version.parse(version) if version else cut_v.next_major()
    if next_v <= cut_v:
        raise UsageError(f"--version {next_v} is not newer than {cut_v}")
    branch = cfg.release_branch.replace("{version}", str(cut_v))
    what = f"release_branch in {cfg.path.name if cfg.path else 'the configuration'} gives"
    check_branch(branch, what)  # before anything is written, --dry-run included
    resume = resume and recorded == branch
    if not resume and any(r.branch == branch for r in repo.branches()):
        raise StateError(f"branch {branch} already exists",
                         hint=f"{cut_v} was already cut; use --version or delete the branch")
    if retitled and not dry_run:
        # the branch is made from HEAD, so HEAD's notes must carry the version first
        doc, retitle_sha = retitle.for_cut(cfg, repo, doc, top, planned, commit)
        top = doc.release()
    before = doc.text()
    moved = sum(1 for c in top.categories for b in blocks.blocks(doc, c.start + 1, c.end))
    doc.splice(top.start, top.end, [])
    section = Renderer(cfg).release_section(str(next_v))
    doc.insert_text(top.start, section.rstrip("\n"))
    if doc.archive is not None:
        url = cfg.link("archive", branch=branch)  # None: no repository to link to, no link
        if url is not None and not any(link.url == url for link in doc.archive.links):
            # label it as 'relnotes archive' would: the only link is also the oldest
            oldest = not doc.archive.links
            doc.insert_text(doc.archive.first, f"* [{_archive_label(cfg, cut_v, oldest)}]({url})")
    changes = {cfg.notes_file: (before, doc.text())}
    changes.update(_version_file_changes(cfg, top.version, next_v))
    diff = unified_diff(changes)
    if dry_run:
        return CutResult(branch, str(cut_v), str(next_v), moved, [f.path for f in fragments], None, diff, retitled)
    if not resume:
        marker.write_text(branch + "\n")
        repo.create_branch(branch, what=what)
    _write_all(cfg, changes)
    verify_notes(cfg, changes[cfg.notes_file][1])
    removed = remove_fragments(cfg, fragments, repo)
    sha = _commit(cfg, repo, "cut", cfg.commit.cut, str(next_v), sorted(changes)) if commit else None
    marker.unlink(missing_ok=True)  # kept when the commit fails: the rerun resumes this cut
    record.unlink(missing_ok=True)
    return CutResult(branch, str(cut_v), str(next_v), moved, removed, sha, diff, retitled, retitle_sha)


def _old_record(repo, cfg: Config):
    """The ``.git/relnotes-cut`` an earlier version wrote for every project, when it names a
    branch of this monorepo project's pattern (no two projects' can make one), else None."""
    from relnotes.config.projects import pattern_makes

    old = repo.git_dir / "relnotes-cut"
    return old if cfg.name and old.is_file() and pattern_makes(cfg.release_branch, old.read_text().strip()) else None


# -- release -------------------------------------------------------------------------------


class ReleaseResult(NamedTuple):
    build: BuildResult
    stamp: StampResult
    commit: str | None
    finished_earlier: bool = False  # the commit completes an earlier run whose commit failed
    retitled_from: str | None = None  # the top section's version before the computed (or --version) one
    why: str = ""  # what set the version (semver: the changes that force the bump)


def release(cfg: Config, *, on: str | None = None, commit: bool = False,
            version: str | None = None) -> ReleaseResult:
    """Release day: build pending fragments into the top section, then stamp it.

    Under ``versioning: semver`` the top section first gets the version the changes make
    (:func:`relnotes.policy.bump.plan`) when its heading says another; ``version`` sets it instead.

    ``commit`` is all-or-nothing from the user's side: git is opened before anything
    is written, and when the commit itself fails (a hook, no identity) the same
    command, rerun, finds the stamped release not yet committed and commits it.
    ``version`` names the release a Keep a Changelog project makes; in RELEASES.md it
    replaces the top section's version.
    """
    if cfg.notes_format == "keepachangelog":
        from relnotes.flows import keepachangelog

        return keepachangelog.release(cfg, on=on, version=version, commit=commit)
    when = parse_date(on)  # refuse a bad date before changing anything
    wanted = Version.parse(version) if version else None
    if not commit:
        return _release(cfg, when, None, wanted)
    with _open_repo(cfg) as repo:  # not a git repository: refused before any write
        return _release(cfg, when, repo, wanted)


def _release(cfg: Config, when: str, repo, wanted: Version | None = None) -> ReleaseResult:
    doc = read_notes(cfg)
    top = doc.release()
    if not top.unreleased:
        b = BuildResult(str(top.version), [], [], [], "", False)
        s = StampResult(str(top.version), top.date or "", False, top.date)
        if repo is not None and _released_but_not_committed(cfg, repo, top.version or top.title):
            return ReleaseResult(b, s, _commit(cfg, repo, "release", cfg.commit.release, s.version,
                                               _release_paths(cfg), marked=True), True)
        return ReleaseResult(b, s, None)
    retitled, why, versions = retitle.for_release(cfg, doc, top, repo, wanted)  # refused before any write
    b = build(cfg, doc=doc)  # `doc` now holds the built notes: stamp edits it, no re-read
    s = stamp(cfg, on=when, doc=doc)
    _write_all(cfg, versions)
    sha = _commit(cfg, repo, "release", cfg.commit.release, s.version, _release_paths(cfg),
                  marked=True) if repo else None
    return ReleaseResult(b, s, sha, retitled_from=retitled, why=why)


def _release_paths(cfg: Config) -> list[str]:
    """The notes and every version file: 'patch' bumped them and left the change for this commit."""
    return [cfg.notes_file, *sorted({vf.path for vf in cfg.version_files})]


def _released_but_not_committed(cfg: Config, repo, version) -> bool:
    """Whether HEAD's notes still show ``version`` unreleased (or lack it) while the
    working tree's show it released: what a failed ``release --commit`` leaves."""
    if cfg.notes_file not in repo.dirty_paths():
        return False
    head = repo.show_file("HEAD", cfg.notes_file)
    if head is None:
        return True
    try:
        return formats.parse_for(cfg, head).release(str(version)).unreleased
    except RelnotesError:
        return True  # HEAD's notes lack the release (or do not parse): it is not committed


def _commit(cfg: Config, repo, command: str, pattern: str, version: str, paths: list[str],
            *, marked: bool = False) -> str:
    """Stage ``paths`` and commit; a failure says how the rerun finishes the job."""
    repo.add(paths)
    try:
        return repo.commit(commit_message(cfg, pattern, version, marked=marked))
    except GitError as e:
        raise GitError(f"{e.message}; the files are written but nothing was committed",
                       hint=f"fix what stopped the commit (a commit hook? git's user.name/user.email?), "
                            f"then rerun 'relnotes {command} --commit': it finishes this {command} and "
                            f"commits") from None


def _final_version_changes(cfg: Config, top: Version | None) -> dict[str, tuple[str, str]]:
    """The version files without their ``-dev`` / ``-rc.N`` suffix (nothing when they have none)."""
    from relnotes.flows import versionfiles

    cur = versionfiles.current(cfg)
    if cur is None or top is None or not cur.pre:
        return {}
    return versionfiles.rewrite(cfg, cur.release, expect=top)


def commit_message(cfg: Config, pattern: str, version: str, *, marked: bool = False) -> str:
    """A configured commit message filled in; ``marked`` adds ``commit.marker`` as its own
    paragraph (unless the pattern already places it with ``{marker}``), the line the
    tag-on-merge job looks for."""
    text = pattern.replace("{project}", cfg.project).replace("{version}", version)
    marker = cfg.commit.marker
    if "{marker}" in text:
        return text.replace("{marker}", marker if marked else "").rstrip()
    return f"{text}\n\n{marker}" if marked and marker else text


# -- archive ------------------------------------------------------------------------------


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
    links = [(_archive_label(cfg, v, oldest=(i == len(ordered) - 1)), cfg.link("archive", branch=found[v]))
             for i, v in enumerate(ordered)]
    return links, ignored


def archive(cfg: Config, *, check: bool = False) -> ArchiveResult:
    """Rewrite the archive list from the release branches git knows."""
    _refuse_keepachangelog("archive", cfg)
    doc = read_notes(cfg)
    if doc.archive is None:
        raise ContentError(f"{cfg.notes_file}: no '{structure.ARCHIVE_MARKER}' line",
                           hint=f"add '{structure.ARCHIVE_MARKER}' on its own line where the archive list goes")
    top = doc.releases[0] if doc.releases else None
    with _open_repo(cfg) as repo:
        names = [r.branch for r in repo.branches()]
    links, ignored = archive_links(cfg, names, top.version if top else None)
    before = doc.text()
    doc.replace_archive(links)
    after = doc.text()
    diff = unified_diff({cfg.notes_file: (before, after)}) if before != after else ""
    if before != after and not check:
        fsio.write_text(cfg.root, cfg.notes_path, after)
    return ArchiveResult(links, ignored, before != after, diff)


def _refuse_keepachangelog(command: str, cfg: Config) -> None:
    if cfg.notes_format == "keepachangelog":
        from relnotes.flows.keepachangelog import not_used

        raise not_used(command, cfg)
