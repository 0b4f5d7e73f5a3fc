"""The records a validated configuration is made of: :class:`Config` and its tables.

Kept apart from :mod:`relnotes.config` (which finds, reads and validates the file) so the
shape of a configuration can be read, and imported, on its own; every name stays
importable from :mod:`relnotes.config`.
"""

from datetime import date
from pathlib import Path
from typing import Any, NamedTuple


class Links(NamedTuple):
    pr: str
    issue: str
    advisory: str
    archive: str
    author: str
    compare: str
    release: str


class ArchiveConfig(NamedTuple):
    label: str
    oldest_suffix: str
    since: str


class Schedule(NamedTuple):
    cadence: str  # "none" (no calendar) or "monthly"
    cut_day: int
    release_day: int
    anchor_version: int | None  # set whenever cadence is "monthly" (_build checks)
    anchor_date: date | None
    weekend: str


class Support(NamedTuple):
    lts_every: int | None  # None: no release is LTS
    lts_since: int
    lts_months: int | None
    normal_months: int | None
    lts_releases: int | None
    normal_releases: int | None


class Check(NamedTuple):
    exempt_paths: tuple[str, ...]
    skip_labels: tuple[str, ...]
    skip_marker: str


class CommitMessages(NamedTuple):
    cut: str
    release: str
    rc: str
    marker: str


class Credit(NamedTuple):
    style: str  # link | mention | none
    line: str  # with {authors} once


class VersionFile(NamedTuple):
    path: str
    pattern: str


class BumpRules(NamedTuple):
    """Semver bump per section: each section's level (canonical spelling → 'major' | 'minor'
    | 'patch'); a section absent from ``levels`` takes ``default``."""

    levels: dict
    default: str
    zero_shift: bool

    def level(self, section: str) -> str:
        return self.levels.get(section.casefold(), self.default)


class BreakingChanges(NamedTuple):
    style: str  # "group" | "prefix" | "none"
    prefix: str
    heading: str


class Config(NamedTuple):
    """The validated configuration.  Like every record here a NamedTuple: immutable, and
    cheaper to define at import than a frozen dataclass (this runs on every command)."""

    root: Path
    path: Path | None  # the relnotes.yaml it came from, None when defaults only
    preset: str  # the named defaults the file starts from (relnotes.presets)
    project: str
    repository: str
    notes_file: str
    notes_format: str  # "releases" | "keepachangelog" (relnotes.notes.parse reads it)
    fragments_dir: str
    templates_dir: str
    sections: tuple[str, ...]
    template_sections: tuple[str, ...]
    patch_sections: tuple[str, ...]
    order: str
    links: Links
    release_branch: str
    main_branch: str
    archive: ArchiveConfig
    schedule: Schedule
    support: Support
    check: Check
    commit: CommitMessages
    version_files: tuple[VersionFile, ...]
    tag: str
    fields: tuple  # custom fragment fields (relnotes.custom_fields.FieldSpec), in declared order
    credit: Credit
    versioning: str  # "semver" | "major-per-release"
    bump: BumpRules
    breaking_changes: BreakingChanges
    name: str = ""  # in a monorepo, the project's name (--project NAME); "" for a single project
    base: str = ""  # in a monorepo, the project's directory from the root ("" for the root)

    @property
    def notes_path(self) -> Path:
        return self.root / self.notes_file

    @property
    def fragments_path(self) -> Path:
        return self.root / self.fragments_dir

    @property
    def templates_path(self) -> Path:
        return self.root / self.templates_dir

    def link(self, kind: str, **values: Any) -> str | None:
        """The ``links.KIND`` pattern filled in (validation allowed only these placeholders),
        or None when it needs ``{repository}`` and no repository is configured: a link
        to ``/pull/12`` would be broken, so callers write the reference as plain text."""
        pattern = getattr(self.links, kind)
        if not self.repository.strip() and "{repository}" in pattern:
            return None
        return pattern.format(repository=self.repository.rstrip("/"), **values)

    def section_name(self, name: str) -> str | None:
        """The configured spelling of a section name (case-insensitive), or None."""
        for s in self.sections:
            if s.casefold() == name.strip().casefold():
                return s
        return None
