"""``relnotes patch``: open the next patch release above the top section of a release branch.
"""

from typing import NamedTuple

from relnotes.config.load import Config
from relnotes.errors import ContentError, StateError, UsageError
from relnotes.flows.steps import apply, refuse_keepachangelog, version_file_changes
from relnotes.notes import formats
from relnotes.render.environment import Renderer
from relnotes.version import Version


class PatchResult(NamedTuple):
    version: str
    previous: str
    files: list[str]


def patch(cfg: Config, *, version: str | None = None, dry_run: bool = False) -> tuple[PatchResult, dict[str, tuple[str, str]]]:
    """Open ``## X.Y.(Z+1)`` / ``Unreleased.`` above the top (released) section."""
    refuse_keepachangelog("patch", cfg)
    doc = formats.read_for(cfg)
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
    changes.update(version_file_changes(cfg, top.version, new_v))
    if not dry_run:
        apply(cfg, changes, command="patch")
    return PatchResult(str(new_v), str(top.version), sorted(changes)), changes
