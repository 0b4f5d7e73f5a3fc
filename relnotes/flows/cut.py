"""``relnotes cut``: on main, make ``release-X.Y.Z`` and restart main's notes for the next version.

The branch keeps main's notes and pending fragments; main's notes restart from the
template with an archive link to the new branch, its fragments (now the branch's) are
removed and its version files move to the next ``-dev``.  A crash record in ``.git``
lets a rerun after an interruption finish the same cut exactly once.
"""

from typing import NamedTuple

from relnotes.config.load import Config
from relnotes.config.projects import pattern_makes
from relnotes.errors import ContentError, StateError, UsageError
from relnotes.flows import hooks, retitle, steps
from relnotes.flows.archive import archive_label
from relnotes.flows.steps import (
    apply,
    refuse_keepachangelog,
    unified_diff,
    version_file_changes,
)
from relnotes.fragments.fragment import pending_fragments
from relnotes.git.arguments import check_branch
from relnotes.notes import blocks
from relnotes.policy import bump, schemes
from relnotes.render.environment import Renderer
from relnotes.version import Version, version_of_branch


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
    hooked: tuple[str, ...] = ()  # what hooks.bump changed (it joined the commit)


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
    refuse_keepachangelog("cut", cfg)
    with steps.open_repo(cfg) as repo:
        return _cut(cfg, repo, version=version, dry_run=dry_run, commit=commit)


def _cut(cfg: Config, repo, *, version: str | None, dry_run: bool, commit: bool) -> CutResult:
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
        existing = [r for r in repo.branches(cfg.remote) if r.branch == recorded and not r.remote]
        resume = len(existing) == 1 and existing[0].commit == head
        if resume and not dry_run:
            repo.restore(owned)  # undo the interrupted run's partial writes
    if recorded and not resume and not dry_run:
        done = _finished(cfg, repo, recorded, existing, head)
        record.unlink(missing_ok=True)  # a finished or abandoned cut's record
        if done is not None:  # killed after its commit, before it removed the record: done once
            return done
    if not resume:
        dirty = repo.dirty_paths()
        if dirty:
            raise StateError(f"the working tree has uncommitted changes ({', '.join(dirty[:5])})",
                             hint="commit or stash them; the release branch is cut from HEAD as committed")
    doc = schemes.read_notes(cfg)
    top = doc.release()
    if top.version is None:
        raise ContentError(f"{cfg.notes_file}:{top.start + 1}: top heading '## {top.title}' is not a version",
                           hint="the top section must be '## X.Y.Z' to know which version to cut")
    doc.require_status(top)
    if not top.unreleased:
        raise StateError(f"{cfg.notes_file}:{top.start + 1}: the top release {top.version} is already released",
                         hint="cut runs on main, whose top section is the unreleased next version")
    fragments = pending_fragments(cfg)
    cut_v = top.version.release
    planned = retitled = retitle_sha = None
    if cfg.versioning == "semver":
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
    if not resume and any(r.branch == branch for r in repo.branches(cfg.remote)):
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
            doc.insert_text(doc.archive.first, f"* [{archive_label(cfg, cut_v, oldest)}]({url})")
    changes = {cfg.notes_file: (before, doc.text())}
    changes.update(version_file_changes(cfg, top.version, next_v))
    diff = unified_diff(changes)
    if dry_run:
        return CutResult(branch, str(cut_v), str(next_v), moved, [f.path for f in fragments], None, diff, retitled)
    if not resume:
        marker.write_text(branch + "\n")
        repo.create_branch(branch, what=what)
    old = hooks.files_version(cfg, cut_v) if cfg.hooks.bump else ""
    removed = apply(cfg, changes, fragments, repo, command="cut")  # every file, or none
    # a failing command leaves the crash record: the rerun restores the files and finishes this cut
    hooked = hooks.run_bump(cfg, repo, old, hooks.files_version(cfg, next_v), command="cut") \
        if cfg.hooks.bump else []
    sha = steps.commit(cfg, repo, "cut", cfg.commit.cut, str(next_v), sorted({*changes, *hooked})) \
        if commit else None
    marker.unlink(missing_ok=True)  # kept when the commit fails: the rerun resumes this cut
    record.unlink(missing_ok=True)
    return CutResult(branch, str(cut_v), str(next_v), moved, removed, sha, diff, retitled, retitle_sha,
                     tuple(hooked))


def _finished(cfg: Config, repo, branch: str, existing: list, head: str) -> CutResult | None:
    """The cut a record names, when HEAD is its commit (HEAD's parent is the branch's commit and
    HEAD's message is the cut's): a rerun after a kill between the commit and the record's
    removal has nothing left to do.  None otherwise."""
    if len(existing) != 1 or repo.resolve("HEAD^") != existing[0].commit or repo.dirty_paths():
        return None
    top = schemes.read_notes(cfg).release()
    cut_v = version_of_branch(branch, cfg.release_branch)
    if top.version is None or cut_v is None or not top.unreleased:
        return None
    if repo.head_message().strip() != steps.commit_message(cfg, cfg.commit.cut, str(top.version)).strip():
        return None
    return CutResult(branch, str(cut_v), str(top.version), 0, [], head, "")


def _old_record(repo, cfg: Config):
    """The ``.git/relnotes-cut`` an earlier version wrote for every project, when it names a
    branch of this monorepo project's pattern (no two projects' can make one), else None."""
    old = repo.git_dir / "relnotes-cut"
    return old if cfg.name and old.is_file() and pattern_makes(cfg.release_branch, old.read_text().strip()) else None
