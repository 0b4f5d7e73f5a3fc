"""``relnotes patch``: open the next patch release above the top section of a release branch.
"""

from typing import NamedTuple

from relnotes.config.load import Config
from relnotes.errors import ContentError, StateError, UsageError
from relnotes.flows import hooks, versionfiles
from relnotes.flows.steps import apply, refuse_keepachangelog, version_file_changes
from relnotes.notes import blocks
from relnotes.policy import schemes
from relnotes.render.environment import Renderer
from relnotes.version import Version


class PatchResult(NamedTuple):
    version: str
    previous: str
    files: list[str]
    opened: bool = True  # False: an earlier run (perhaps interrupted) already opened it


def _already_open(cfg: Config, doc, top, version: str | None) -> PatchResult | None:
    """The patch release an earlier ``patch`` opened, when the top section is exactly that:
    unreleased, without entries, right above its released predecessor, the version files
    already at it.  Running ``patch`` again (a rerun after a kill) then changes nothing."""
    if len(doc.releases) < 2 or top.version is None:
        return None
    prev = doc.releases[1]
    if prev.version is None or prev.unreleased or any(blocks.blocks(doc, c.start + 1, c.end) for c in top.categories):
        return None
    if top.version != (Version.parse(version) if version else prev.version.next_patch()):
        return None
    if cfg.version_files and versionfiles.current(cfg) != top.version:
        return None
    return PatchResult(str(top.version), str(prev.version), [], opened=False)


def patch(cfg: Config, *, version: str | None = None, dry_run: bool = False) -> tuple[PatchResult, dict[str, tuple[str, str]]]:
    """Open ``## X.Y.(Z+1)`` / ``Unreleased.`` above the top (released) section."""
    refuse_keepachangelog("patch", cfg)
    doc = schemes.read_notes(cfg)
    top = doc.release()
    if top.version is None:
        raise ContentError(f"{cfg.notes_file}:{top.start + 1}: top heading '## {top.title}' is not a version")
    if top.unreleased:
        done = _already_open(cfg, doc, top, version)
        if done is not None:
            return done, {}
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
    changes.update(version_file_changes(cfg, top.version, new_v))
    hooked: list[str] = []
    if not dry_run:
        old = hooks.files_version(cfg, top.version) if cfg.hooks.bump else ""
        apply(cfg, changes, command="patch")
        hooked = hooks.run_or_undo(cfg, None, old, hooks.files_version(cfg, new_v) if cfg.hooks.bump else "",
                                   changes, command="patch")
    return PatchResult(str(new_v), str(top.version), sorted({*changes, *hooked})), changes
