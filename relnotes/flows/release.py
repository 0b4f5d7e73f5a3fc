"""``relnotes release``: the release-day step: build the pending fragments, then stamp.

On a release branch the top section is built and stamped, the version files lose
their ``-dev``/``-rc.N`` suffix, and ``--commit`` commits with the tag marker; a Keep
a Changelog project releases through :mod:`relnotes.flows.keepachangelog`.  On a
one-branch project (``branching: one-branch``) the pending fragments become the next
version's section first (:mod:`relnotes.flows.onebranch`), and ``--tag`` tags the commit.
A released section keeps no empty category.
"""

from datetime import date

from relnotes.config.load import Config
from relnotes.errors import StateError
from relnotes.flows import hooks, keepachangelog, onebranch, retitle, steps
from relnotes.flows.build import BuildResult, build
from relnotes.flows.publishing import page
from relnotes.flows.stamp import stamp
from relnotes.flows.steps import (
    ReleaseResult,
    StampResult,
    parse_date,
    release_paths,
    released_but_not_committed,
)
from relnotes.fragments.fragment import pending_fragments
from relnotes.policy import schemes
from relnotes.version import Version


def release(cfg: Config, *, on: str | None = None, commit: bool = False,
            version: str | None = None, tag: bool = False) -> ReleaseResult:
    """Release day: build pending fragments into the top section, then stamp it.

    Under ``versioning: semver`` the top section first gets the version the changes make
    (:func:`relnotes.policy.bump.plan`) when its heading says another; ``version`` sets it instead.
    On a one-branch project a released top section gets the next version's section above it.

    ``commit`` is all-or-nothing from the user's side: git is opened before anything
    is written, and when the commit itself fails (a hook, no identity) the same
    command, rerun, finds the stamped release not yet committed and commits it.
    ``version`` names the release a Keep a Changelog project makes; in RELEASES.md it
    replaces the top section's version.  ``tag`` (which implies ``commit``) tags the
    release commit ``tag`` in relnotes.yaml (``v{version}``), its message the release's notes.
    """
    commit = commit or tag
    if cfg.single_branch:  # Keep a Changelog, rST: the one-branch lifecycle
        res = keepachangelog.release(cfg, on=on, version=version, commit=commit, tag=tag)
        return _tagged(cfg, res) if tag and res.commit else _untagged(cfg, res) if tag else res
    when = parse_date(on)  # refuse a bad date before changing anything
    wanted = schemes.parse_version(cfg, version, "--version") if version else None
    if not commit:
        return _release(cfg, when, None, wanted)
    with steps.open_repo(cfg) as repo:  # not a git repository: refused before any write
        res = _release(cfg, when, repo, wanted, tag=tag)
    return _tagged(cfg, res) if tag and res.commit else _untagged(cfg, res) if tag else res


def _tagged(cfg: Config, res: ReleaseResult) -> ReleaseResult:
    """``res`` with its commit tagged (the name was checked free before anything was written)."""
    with steps.open_repo(cfg) as repo:
        name = onebranch.tag_name(cfg, repo, res.stamp.version)
        repo.create_tag(name, f"{cfg.project} {res.stamp.version}\n\n{page(cfg, res.stamp.version).body}")
    return res._replace(tag=name)


def _untagged(cfg: Config, res: ReleaseResult) -> ReleaseResult:
    """A rerun of ``release --tag`` whose earlier run committed the release but did not tag
    it (the tag step failed, or was killed): HEAD is that release commit, its tag missing,
    so the rerun tags it, once.  Anything else is left as it is (nothing to finish)."""
    version = res.stamp.version
    if not version or res.stamp.changed:
        return res
    with steps.open_repo(cfg) as repo:
        expected = steps.commit_message(cfg, cfg.commit.release, version, marked=True).strip()
        if repo.head_message().strip() != expected or repo.dirty_paths():
            return res
        try:
            onebranch.tag_name(cfg, repo, version)
        except StateError:  # tagged already: nothing to finish
            return res
    return _tagged(cfg, res)


def _release(cfg: Config, when: str, repo, wanted: Version | None = None, *, tag: bool = False) -> ReleaseResult:
    doc = schemes.read_notes(cfg)
    top = doc.release()
    doc.require_status(top)
    before = doc.text()
    prepared = None
    if onebranch.uses(cfg):
        fragments = pending_fragments(cfg)
        prepared = onebranch.prepare(cfg, doc, top, repo, wanted, fragments, date.fromisoformat(when))
        if prepared is not None:
            top = doc.release()
            wanted = prepared.version
    if not top.unreleased:
        b = BuildResult(str(top.version), [], [], [], "", False)
        s = StampResult(str(top.version), top.date or "", False, top.date)
        if repo is not None and released_but_not_committed(cfg, repo, top.version or top.title):
            # the version files too, should an earlier relnotes have stamped without writing them
            old = hooks.files_version(cfg, top.version) if cfg.hooks.bump else ""
            steps.apply(cfg, steps.final_version_changes(cfg, top.version), command="release")
            hooked = hooks.run_bump(cfg, repo, old, s.version, command="release")  # [] without hooks
            return ReleaseResult(b, s, steps.commit(cfg, repo, "release", cfg.commit.release, s.version,
                                               sorted({*release_paths(cfg), *hooked}), marked=True), True)
        if pending_fragments(cfg):  # never exit 0 having left pending fragments unreleased
            raise StateError(f"{cfg.notes_file}:{top.start + 1}: the top release {top.title} is already released "
                             f"and fragments are pending in {cfg.fragments_dir}/",
                             hint="on a release branch run 'relnotes patch' to open the next patch release, "
                                  "then 'relnotes release'; on main, 'relnotes cut' opens the next version")
        return ReleaseResult(b, s, None)
    retitled, why, versions = retitle.for_release(cfg, doc, top, repo, wanted)  # refused before any write
    if prepared is not None:
        versions = {**versions, **prepared.versions}
        why = prepared.why
    if tag and repo is not None:
        released = doc.release().version
        if released is None:
            raise StateError(f"{cfg.notes_file}:{top.start + 1}: '## {top.title}' names no version to tag",
                             hint="give it one: relnotes release --version X.Y.Z --tag")
        onebranch.tag_name(cfg, repo, released)  # refused before any write
    # every file's new content first (the notes built and stamped, the version files),
    # then one all-or-nothing step writes them and removes the fragments
    b = build(cfg, doc=doc, write=False)  # `doc` now holds the built notes: stamp edits it, no re-read
    s = stamp(cfg, on=when, doc=doc, write=False)
    onebranch.drop_empty_categories(doc, doc.release(s.version))
    old = hooks.files_version(cfg, top.version) if cfg.hooks.bump else ""
    steps.apply(cfg, {cfg.notes_file: (before, doc.text()), **versions}, b.added + b.already_present, repo,
                command="release")
    hooked = hooks.run_in(cfg, repo, old, s.version, command="release")
    sha = steps.commit(cfg, repo, "release", cfg.commit.release, s.version,
                       sorted({*release_paths(cfg), *hooked}), marked=True) if repo else None
    return ReleaseResult(b, s, sha, retitled_from=retitled, why=why)

