"""Setting the unreleased top section's version to the one the changes make: what ``cut``
and ``release`` do under ``versioning: semver`` (or ``release --version``).

Apart from :mod:`relnotes.flows.cut` and :mod:`relnotes.flows.release` (which run the commands) and :mod:`relnotes.policy.bump`
(which only answers the question), since changing a heading must also move the version
files and, before a cut, be committed: the release branch is made from HEAD.
"""

from __future__ import annotations

from relnotes.config.load import Config
from relnotes.errors import ContentError, StateError
from relnotes.flows import steps, versionfiles
from relnotes.notes import base as notes
from relnotes.notes import model
from relnotes.policy import bump
from relnotes.version import Version


def set_version(doc, rel, version: Version) -> None:
    """Give release ``rel`` of ``doc`` the heading ``## VERSION`` (the rest of its title kept)."""
    line = doc.lines[rel.start]
    body = line.rstrip("\r\n")
    eol = line[len(body):]
    old = str(rel.version) if rel.version is not None else rel.title
    at = body.find(old)
    new = body[:at] + str(version) + body[at + len(old):] if at >= 0 else f"## {version}"
    doc.splice(rel.start, rel.start + 1, [new + eol])


def for_cut(cfg: Config, repo, doc: notes.NotesDocument, top: model.Release, planned, commit: bool):
    """Semver cut: give main's top section (and the version files) the version the changes
    make, and commit that, so the release branch made from HEAD carries it."""
    if not commit:
        why = "; ".join(r.describe() for r in planned.reasons[:3]) or planned.basis
        raise StateError(f"{cfg.notes_file}:{top.start + 1}: main's notes say {top.version}, but the changes make "
                         f"this release {planned.version} ({why}); the release branch is made from HEAD, so "
                         f"HEAD's notes must say {planned.version} first",
                         hint=f"rerun with --commit (it commits the new heading, then cuts), or change the "
                              f"heading to '## {planned.version}' yourself, commit, and cut again")
    before = doc.text()
    set_version(doc, top, planned.version)
    changes = {cfg.notes_file: (before, doc.text())}
    changes.update(steps.version_file_changes(cfg, top.version, planned.version))
    steps.apply(cfg, changes, command="cut")
    sha = steps.commit(cfg, repo, "cut", cfg.commit.cut, str(planned.version), sorted(changes))
    return doc, sha


def for_release(cfg: Config, doc: notes.NotesDocument, top: model.Release, repo, wanted: Version | None):
    """Set the top section's version to ``wanted`` or (semver) the planned one, in ``doc``;
    returns the old version when it changed, why, and the version files' final changes."""
    why = ""
    if wanted is None and cfg.versioning == "semver" and top.version is not None:
        planned = bump.plan(cfg, doc=doc, repo=repo)
        wanted = planned.version
        why = planned.note or "; ".join(r.describe() for r in planned.reasons[:3])
    if wanted is None or top.version is None or wanted in (top.version, top.version.release):
        return None, why, steps.final_version_changes(cfg, top.version)
    if any(r.version == wanted for r in doc.releases):
        raise ContentError(f"{cfg.notes_file}: '## {wanted}' already exists",
                           hint="give --version a version the notes do not have yet")

    old = top.version
    versions = versionfiles.rewrite(cfg, wanted, expect=old) if cfg.version_files else {}
    set_version(doc, top, wanted)
    return str(old), why, versions
