"""``relnotes release``: the release-day step: build the pending fragments, then stamp.

On a release branch the top section is built and stamped, the version files lose
their ``-dev``/``-rc.N`` suffix, and ``--commit`` commits with the tag marker; a Keep
a Changelog project releases through :mod:`relnotes.flows.keepachangelog`.
"""

from relnotes.config.load import Config
from relnotes.flows import hooks, keepachangelog, retitle, steps
from relnotes.flows.build import BuildResult, build
from relnotes.flows.stamp import stamp
from relnotes.flows.steps import (
    ReleaseResult,
    StampResult,
    parse_date,
    release_paths,
    released_but_not_committed,
)
from relnotes.notes import formats
from relnotes.version import Version


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
    if cfg.single_branch:  # Keep a Changelog, rST: the one-branch lifecycle
        return keepachangelog.release(cfg, on=on, version=version, commit=commit)
    when = parse_date(on)  # refuse a bad date before changing anything
    wanted = Version.parse(version) if version else None
    if not commit:
        return _release(cfg, when, None, wanted)
    with steps.open_repo(cfg) as repo:  # not a git repository: refused before any write
        return _release(cfg, when, repo, wanted)


def _release(cfg: Config, when: str, repo, wanted: Version | None = None) -> ReleaseResult:
    doc = formats.read_for(cfg)
    top = doc.release()
    doc.require_status(top)
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
        return ReleaseResult(b, s, None)
    before = doc.text()
    retitled, why, versions = retitle.for_release(cfg, doc, top, repo, wanted)  # refused before any write
    # every file's new content first (the notes built and stamped, the version files),
    # then one all-or-nothing step writes them and removes the fragments
    b = build(cfg, doc=doc, write=False)  # `doc` now holds the built notes: stamp edits it, no re-read
    s = stamp(cfg, on=when, doc=doc, write=False)
    old = hooks.files_version(cfg, top.version) if cfg.hooks.bump else ""
    steps.apply(cfg, {cfg.notes_file: (before, doc.text()), **versions}, b.added + b.already_present, repo,
                command="release")
    hooked = hooks.run_in(cfg, repo, old, s.version, command="release")
    sha = steps.commit(cfg, repo, "release", cfg.commit.release, s.version,
                       sorted({*release_paths(cfg), *hooked}), marked=True) if repo else None
    return ReleaseResult(b, s, sha, retitled_from=retitled, why=why)

