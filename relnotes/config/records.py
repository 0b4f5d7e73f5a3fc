"""The records a validated configuration is made of: :class:`Config` and its tables.

Kept apart from :mod:`relnotes.config.load` (which finds, reads and validates the file) so the
shape of a configuration can be read, and imported, on its own; every name stays
importable from :mod:`relnotes.config.load`.
"""

import functools
from datetime import date
from pathlib import Path
from typing import Any, Callable, ClassVar


class Record:
    """An immutable record: the fields its class annotates, in order, with the defaults
    it assigns; equal and hashed by value; ``_replace`` and ``_asdict`` as on a NamedTuple.

    The configuration's tables were NamedTuples.  Every command defines these classes
    at start-up, and defining a NamedTuple class (an ``eval`` and a generated class per
    record) costs several times a plain class; instances are few (one set per project),
    so building them with a generic ``__init__`` costs nothing that shows.
    """

    _fields: ClassVar[tuple[str, ...]] = ()
    _field_defaults: ClassVar[dict[str, Any]] = {}

    def __init_subclass__(cls) -> None:
        super().__init_subclass__()
        # the class's own annotations: cls.__annotations__, not cls.__dict__["__annotations__"],
        # which Python 3.14 no longer fills (annotations are evaluated lazily there)
        own = [name for name, kind in cls.__annotations__.items()
               if getattr(kind, "__origin__", None) is not ClassVar]
        cls._fields = (*cls._fields, *own)
        cls._field_defaults = {**cls._field_defaults,
                               **{name: cls.__dict__[name] for name in own if name in cls.__dict__}}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        fields = self._fields
        if len(args) > len(fields):
            raise TypeError(f"{type(self).__name__} takes {len(fields)} values, {len(args)} given")
        values = dict(zip(fields, args))
        for name, value in kwargs.items():
            if name not in fields or name in values:
                raise TypeError(f"{type(self).__name__}: unexpected or repeated field {name!r}")
            values[name] = value
        for name in fields:
            if name not in values:
                if name not in self._field_defaults:
                    raise TypeError(f"{type(self).__name__}: missing field {name!r}")
                values[name] = self._field_defaults[name]
        object.__setattr__(self, "__dict__", {name: values[name] for name in fields})

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable: use _replace({name}=…)")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.__dict__ == self.__dict__

    def __hash__(self) -> int:
        return hash((type(self).__name__, *self.__dict__.values()))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in self.__dict__.items())})"

    def __reduce__(self):
        return (type(self), tuple(self.__dict__.values()))

    def _replace(self, **changes: Any):
        return type(self)(**{**self.__dict__, **changes})

    def _asdict(self) -> dict[str, Any]:
        return dict(self.__dict__)


class Links(Record):
    pr: str
    issue: str
    advisory: str
    archive: str
    author: str
    compare: str
    release: str


class ArchiveConfig(Record):
    label: str
    oldest_suffix: str
    since: str


class Schedule(Record):
    cadence: str  # "none" (no calendar) or "monthly"
    cut_day: int
    release_day: int
    anchor_version: int | None  # set whenever cadence is "monthly" (_build checks)
    anchor_date: date | None
    weekend: str


class Support(Record):
    lts_every: int | None  # None: no release is LTS
    lts_since: int
    lts_months: int | None
    normal_months: int | None
    lts_releases: int | None
    normal_releases: int | None


class Check(Record):
    exempt_paths: tuple[str, ...]
    skip_labels: tuple[str, ...]
    skip_marker: str
    mode: str = "require"  # require | advise
    require_paths: tuple[str, ...] = ()  # check.require_for.paths
    require_labels: tuple[str, ...] = ()  # check.require_for.labels


class CommitMessages(Record):
    cut: str
    release: str
    rc: str
    marker: str


class Hooks(Record):
    bump: tuple  # commands (each a tuple of arguments) cut, rc, release and patch run
    timeout: int  # seconds per command


class Credit(Record):
    style: str  # link | mention | none
    line: str  # with {authors} once


class VersionFile(Record):
    path: str
    pattern: str


class BumpRules(Record):
    """Semver bump per section: each section's level (canonical spelling → 'major' | 'minor'
    | 'patch'); a section absent from ``levels`` takes ``default``."""

    levels: dict
    default: str
    zero_shift: bool

    def level(self, section: str) -> str:
        return self.levels.get(section.casefold(), self.default)


class BreakingChanges(Record):
    style: str  # "group" | "prefix" | "none"
    prefix: str
    heading: str


class Config(Record):
    """The validated configuration (immutable, like every :class:`Record`)."""

    root: Path
    path: Path | None  # the relnotes.yaml it came from, None when defaults only
    preset: str  # the named defaults the file starts from (relnotes.config.presets)
    project: str
    repository: str
    notes_file: str
    notes_format: str  # "releases" | "keepachangelog" | "rst" (relnotes.notes.formats.parse reads it)
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
    fields: tuple  # custom fragment fields (relnotes.config.fields.FieldSpec), in declared order
    credit: Credit
    versioning: str  # "semver" | "pep440" | "calver" | "major-per-release"
    branching: str  # "one-branch" | "release-branches"
    base_version: str  # the version init found in the project's files ("" none): next's base without releases
    bump: BumpRules
    breaking_changes: BreakingChanges
    name: str = ""  # in a monorepo, the project's name (--project NAME); "" for a single project
    base: str = ""  # in a monorepo, the project's directory from the root ("" for the root)
    remote: str = "origin"  # the remote whose remote-tracking branches are release branches
    calver: str = "YY.N"  # the calendar version format under versioning: calver
    tag_explicit: bool = False  # whether the configuration sets ``tag`` (else next detects v{version} or {version})
    hooks: Hooks = Hooks((), 600)  # commands the bump runs (relnotes.flows.hooks)
    release_branches: tuple[str, ...] = ()  # more release branch patterns, for reading (stable-v{version})

    @property
    def branch_patterns(self) -> tuple[str, ...]:
        """Every pattern a release branch's name may follow: ``release_branch`` first."""
        return (self.release_branch, *(p for p in self.release_branches if p != self.release_branch))

    @property
    def single_branch(self) -> bool:
        """Released from one branch: Keep a Changelog and towncrier's rST notes (no release
        branches, an unreleased section that a release stamps)."""
        return self.notes_format in ("keepachangelog", "rst")

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
        fill = self.link_filler(kind)
        return None if fill is None else fill(**values)

    def link_filler(self, kind: str) -> Callable[..., str] | None:
        """:meth:`link` for one kind, its repository already in: what a caller filling
        thousands of references (``build``) keeps, or None when they are plain text."""
        pattern = getattr(self.links, kind)
        if not self.repository.strip() and "{repository}" in pattern:
            return None
        return functools.partial(pattern.format, repository=self.repository.rstrip("/"))

    def section_name(self, name: str) -> str | None:
        """The configured spelling of a section name (case-insensitive), or None."""
        for s in self.sections:
            if s.casefold() == name.strip().casefold():
                return s
        return None
