"""``relnotes.yaml`` → a frozen :class:`Config`, with defaults and validation.

One declarative table (:data:`SCHEMA`) says every key, its type, its default and
what it means.  Loading, validation ("unknown key 'sectons' — did you mean
'sections'?"), the defaults (Wasmtime's conventions) and the JSON Schema printed by
``relnotes schema`` all come from it, so they cannot drift apart.
"""

import os
import re
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any, NamedTuple

from relnotes.errors import ConfigError

CONFIG_NAME = "relnotes.yaml"
MAX_CONFIG_BYTES = 256 * 1024

# key: (type, default, description).  A dict value instead of a tuple is a nested table.
# Types: "str", "int", "optint", "day", "bool", "date", "path", "link", "branch", "tag", "version",
# "strlist", "sections", "vfiles", "order", "weekend".  Each kind's rule is written once as a
# pattern or bound that both _coerce and json_schema read (tests/test_schema_agreement.py).
SCHEMA: dict[str, Any] = {
    "project": ("str", "Wasmtime", "Project name used in messages and templates."),
    "repository": ("str", "https://github.com/bytecodealliance/wasmtime",
                   "Repository URL; {repository} in link patterns."),
    "notes_file": ("path", "RELEASES.md", "The notes file, relative to the repository root."),
    "fragments_dir": ("path", "changes.d", "Where fragments live, relative to the root."),
    "templates_dir": ("path", "templates", "Template overrides (built-ins ship in the package)."),
    "sections": ("sections", ["Added", "Changed", "Fixed", "Removed", "Deprecated", "Security"],
                 "Allowed fragment sections, in the order categories are created: at least one, "
                 "no name twice (in any case: Added and added count as the same)."),
    "template_sections": ("strlist", ["Added", "Changed"],
                          "Categories a fresh release section starts with (cut, init); each must be one "
                          "of 'sections' (any case), which relnotes check enforces across the two keys."),
    "patch_sections": ("strlist", [],
                       "Categories 'patch' opens; build adds the ones that receive entries. Each must be "
                       "one of 'sections' (any case), which relnotes check enforces across the two keys."),
    "order": ("order", "pr", "Entry order in a category: 'pr' (first PR, then file name) or 'file'."),
    "links": {
        "pr": ("link", "{repository}/pull/{number}", "Link for a PR number."),
        "issue": ("link", "{repository}/issues/{number}", "Link for an issue number."),
        "advisory": ("link", "{repository}/security/advisories/{id}", "Link for an advisory id."),
        "archive": ("link", "{repository}/blob/{branch}/RELEASES.md",
                    "Link to a release branch's notes in the archive list."),
    },
    "release_branch": ("branch", "release-{version}", "Release branch name pattern, with {version} exactly once."),
    "main_branch": ("str", "main", "The development branch that cut works on."),
    "archive": {
        "label": ("str", "{major}.{minor}.x", "Archive link label pattern."),
        "oldest_suffix": ("str", " (and prior)", "Appended to the oldest archive label."),
        "since": ("version", "0.32.0", "Oldest release branch listed in the archive (a version like 0.32.0)."),
    },
    "schedule": {
        "cut_day": ("day", 5, "Day of the month release branches are cut (1 to 28)."),
        "release_day": ("day", 20, "Day of the month releases ship (1 to 28)."),
        "anchor_version": ("int", 20, "A major version whose release date is known..."),
        "anchor_date": ("date", date(2024, 4, 20), "...and that date; one major a month from it."),
        "weekend": ("weekend", "keep", "'keep' or 'monday': move weekend releases to Monday."),
    },
    "support": {
        "lts_every": ("int", 12, "Every release whose major is a multiple of this is LTS..."),
        "lts_since": ("int", 24, "...from this major on (Wasmtime's policy began with 24.0.0; 0: always)."),
        "lts_months": ("optint", 24, "LTS support in months (inclusive end)."),
        "normal_months": ("optint", 2, "Normal support in months (inclusive end)."),
        "lts_releases": ("optint", None, "Alternative: LTS support for this many releases."),
        "normal_releases": ("optint", None, "Alternative: normal support for this many releases."),
    },
    "check": {
        "exempt_paths": ("strlist", ["docs/**", "**/*.md", ".github/**"],
                         "Changes only to these globs need no fragment."),
        "skip_labels": ("strlist", ["no-release-notes"], "PR labels that skip the check."),
        "skip_marker": ("str", "release-notes: none",
                        "A line in the PR body or a commit message that skips the check."),
    },
    "commit": {
        "cut": ("str", "Bump {project} to {version}", "Commit message for 'cut --commit'."),
        "release": ("str", "Release {project} {version}", "Commit message for 'release --commit'."),
        "rc": ("str", "Release {project} {version}", "Commit message for 'rc --commit'."),
        "marker": ("str", "[automatically-tag-and-release-this-commit]",
                   "Added to release and candidate commits; 'relnotes tag' tags a HEAD that carries it."),
    },
    "tag": ("tag", "v{version}", "Tag name pattern for 'relnotes tag', with {version}."),
    "version_files": ("vfiles", [], "Files whose version string cut and patch rewrite: "
                                    "[{path: Cargo.toml, pattern: 'version = \"{version}-dev\"'}]."),
}


# Numbers the calendar computes with, bounded so that every date it derives stays
# within what a date can hold (years 1 to 9999) for any sensible project.
BOUNDS: dict[str, tuple[int, int]] = {
    "schedule.anchor_version": (0, 100_000),
    "support.lts_every": (1, 1000),
    "support.lts_months": (1, 1200),
    "support.normal_months": (1, 1200),
    "support.lts_releases": (1, 1000),
    "support.normal_releases": (1, 1000),
}


DAYS = (1, 28)  # every month has these days

# Patterns valid in Python and in ECMA-262 (JSON Schema): the check and the schema use the same text.
# A relative path inside the repository: not blank, not absolute (/x, \x, C:), no '..' part.
PATH_PATTERN = (r"^(?!\s*$)(?![/\\])(?![\s\S]:)(?![\s\S]*(?:^|[/\\])(?:\.\.|\.[gG][iI][tT])(?:[/\\]|(?![\s\S])))"
                r"[\s\S]*$")  # and no '.git' part in any case (fsio.relative_path_problem says why)
BRANCH_PATTERN = r"^(?:(?!\{version\})[\s\S])*\{version\}(?:(?!\{version\})[\s\S])*$"
VERSION_PATTERN = (r"^\s*v?(?:0|[1-9][0-9]*)\.(?:0|[1-9][0-9]*)\.(?:0|[1-9][0-9]*)"
                   r"(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?\s*$")
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}(?![\s\S])"  # the very end, as in ECMA-262
VFILE_PATTERN = r"\{version\}"


def link_pattern(name: str) -> str:
    """Literal text, doubled braces, and the bare placeholders of the key's default only."""
    import string

    spec = SCHEMA["links"][name]
    fields = [f for _, f, _, _ in string.Formatter().parse(spec[1]) if f]
    return r"^(?:[^{}]|\{\{|\}\}|\{(?:" + "|".join(fields) + r")\})*$"


class Links(NamedTuple):
    pr: str
    issue: str
    advisory: str
    archive: str


class ArchiveConfig(NamedTuple):
    label: str
    oldest_suffix: str
    since: str


class Schedule(NamedTuple):
    cut_day: int
    release_day: int
    anchor_version: int
    anchor_date: date
    weekend: str


class Support(NamedTuple):
    lts_every: int
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


class VersionFile(NamedTuple):
    path: str
    pattern: str


class Config(NamedTuple):
    """The validated configuration.  Like every record here a NamedTuple: immutable, and
    ~10× cheaper to define at import than a frozen dataclass (this runs on every command)."""

    root: Path
    path: Path | None  # the relnotes.yaml it came from, None when defaults only
    project: str
    repository: str
    notes_file: str
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

    @property
    def notes_path(self) -> Path:
        return self.root / self.notes_file

    @property
    def fragments_path(self) -> Path:
        return self.root / self.fragments_dir

    @property
    def templates_path(self) -> Path:
        return self.root / self.templates_dir

    def link(self, kind: str, **values: Any) -> str:
        """The ``links.KIND`` pattern filled in (validation allowed only these placeholders)."""
        return getattr(self.links, kind).format(repository=self.repository.rstrip("/"), **values)

    def section_name(self, name: str) -> str | None:
        """The configured spelling of a section name (case-insensitive), or None."""
        for s in self.sections:
            if s.casefold() == name.strip().casefold():
                return s
        return None


# -- finding and loading ---------------------------------------------------------


def find_config(start: Path | None = None) -> Path | None:
    """Walk up from ``start`` (default: the working directory) to find relnotes.yaml."""
    here = (start or Path.cwd()).resolve()
    for d in (here, *here.parents):
        candidate = d / CONFIG_NAME
        if candidate.is_file():
            return candidate
        if (d / ".git").exists():
            return None
    return None


def find_root(start: Path | None = None) -> Path:
    """The repository root: the nearest ancestor with ``.git`` (else the start dir)."""
    here = (start or Path.cwd()).resolve()
    for d in (here, *here.parents):
        if (d / ".git").exists():
            return d
    return here


def load(config_path: Path | str | None = None, start: Path | None = None) -> Config:
    """Load the configuration: ``--config`` if given, else walk up, else all defaults."""
    if config_path is not None:
        path = Path(config_path)
        if not path.is_file():
            raise ConfigError(f"{path}: no such configuration file",
                              hint="check the --config path, or run 'relnotes init'")
        # --config names the repository: its directory is the root.  The file itself may
        # not lead anywhere else (a symlink out of that directory, or into .git).
        path = Path(os.path.abspath(path))
        root = path.parent.resolve()
        path = root / path.name
        return from_text(_read_config(path, root), path, root)
    found = find_config(start)
    if found is None:
        return defaults(find_root(start))
    return from_text(_read_config(found, found.parent), found, found.parent)


def _read_config(path: Path, root: Path) -> str:
    from relnotes import fsio

    fsio.inside(root, path, what="configuration file")
    size = path.stat().st_size
    if size > MAX_CONFIG_BYTES:
        raise ConfigError(f"{path}: {size} bytes is too large for a configuration file "
                          f"(limit {MAX_CONFIG_BYTES})")
    try:
        return fsio.read_bytes(root, path, what="configuration file").decode("utf-8")
    except UnicodeDecodeError as e:
        raise ConfigError(f"{path}: not UTF-8 (byte {e.start})",
                          hint="save the file as UTF-8") from None


def defaults(root: Path) -> Config:
    return _build(root, None, {})


def from_text(text: str, path: Path, root: Path, *, use_cache: bool = True) -> Config:
    """Parse and validate YAML text; every problem is a ConfigError naming key and line.

    A text that validated before comes from the cache in the git directory
    (``relnotes.cache``) without ruamel.yaml; a property test holds both paths equal.
    """
    if not use_cache:
        return _build(root, path, _parse_and_validate(text, path))
    from relnotes import cache

    values = cache.config_values(root, text)
    if values is None:
        values = _parse_and_validate(text, path)
        cache.remember_config(root, text, values)
    return _build(root, path, values)


def _parse_and_validate(text: str, path: Path) -> dict:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    # The safe loader decides what is valid YAML (it refuses tags like !!python/object);
    # the round-trip loader then gives the line of every key for messages.
    safe = YAML(typ="safe", pure=True)
    yaml = YAML(typ="rt", pure=True)
    yaml.allow_duplicate_keys = False
    try:
        safe.load(text.lstrip("\ufeff"))
        data = yaml.load(text.lstrip("\ufeff"))
    except YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"{shown(path)}:{mark.line + 1}:{mark.column + 1}" if mark else shown(path)
        problem = getattr(e, "problem", None) or str(e).splitlines()[0]
        raise ConfigError(f"{where}: invalid YAML: {problem}") from None
    except RecursionError:
        raise ConfigError(f"{shown(path)}: YAML nested too deeply") from None
    except (ValueError, TypeError) as e:  # ruamel constructs dates eagerly: 2024-02-30 fails here
        raise ConfigError(f"{_bad_date_where(text, path)}: invalid value: {e}",
                          hint="dates must be real dates (YYYY-MM-DD); quote other values") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{shown(path)}:1:1: the configuration must be a mapping of keys to values",
                          hint="see the README for an example relnotes.yaml")
    return _validate(data, SCHEMA, path, prefix="")


def _bad_date_where(text: str, path: Path) -> str:
    """``file:line:col`` of the first date-looking value that is not a real date."""
    import re

    for n, line in enumerate(text.splitlines(), 1):
        for m in re.finditer(r"\b\d{4}-\d{1,2}-\d{1,2}\b", line):
            try:
                date(*map(int, m.group().split("-")))
            except ValueError:
                return f"{shown(path)}:{n}:{m.start() + 1}"
    return shown(path)


def shown(path: Path) -> str:
    """A path as messages show it: relative to the working directory when below it."""
    try:
        return Path(path).resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


def _line_of(mapping: Any, key: str) -> tuple[int, int]:
    try:
        line, col = mapping.lc.key(key)
        return line + 1, col + 1
    except Exception:
        return 1, 1


def _validate(data: dict, schema: dict, path: Path, prefix: str) -> dict:
    out: dict[str, Any] = {}
    for key, value in data.items():
        if not isinstance(key, str) or key not in schema:
            line, col = _line_of(data, key)
            import difflib

            close = difflib.get_close_matches(str(key), list(schema), n=1, cutoff=0.3)
            hint = f" — did you mean '{prefix}{close[0]}'?" if close else ""
            valid = ", ".join(prefix + k for k in schema)
            raise ConfigError(f"{shown(path)}:{line}:{col}: unknown key '{prefix}{key}'{hint}",
                              hint=f"valid keys here: {valid}")
        spec = schema[key]
        line, col = _line_of(data, key)
        where = f"{shown(path)}:{line}:{col}"
        if isinstance(spec, dict):
            if value is None:
                value = {}
            if not isinstance(value, dict):
                raise ConfigError(f"{where}: '{prefix}{key}' must be a mapping",
                                  hint="valid keys: " + ", ".join(spec))
            out[key] = _validate(value, spec, path, prefix=f"{prefix}{key}.")
        else:
            out[key] = _coerce(spec[0], value, f"{prefix}{key}", where)
    return out


# A sample value for every placeholder a link pattern may have, to try a pattern with.
_LINK_SAMPLES: dict[str, Any] = {"repository": "https://example.org/r", "number": 1,
                                 "id": "GHSA-xxxx-xxxx-xxxx", "branch": "release-1.0.0"}


def _link_problem(pattern: str, name: str) -> str | None:
    """Why ``pattern`` cannot be the link pattern ``name`` (``links.pr``), or None.

    Links are filled with ``str.format``, so a stray brace or an unknown placeholder
    would fail (or leak attributes, ``{id.__class__}``) at render time; config comes
    from untrusted PRs, so only the bare placeholders of the key's default are allowed.
    """
    import string

    def fields(text: str) -> list[str]:
        return [f for _, f, _, _ in string.Formatter().parse(text) if f is not None]

    allowed = {f: _LINK_SAMPLES[f] for f in fields(SCHEMA["links"][name.split(".")[-1]][1])}
    try:
        used = fields(pattern)
    except ValueError as e:
        return f"'{name}' is not a valid link pattern ({e}); write a literal brace as '{{{{' or '}}}}'"
    for field in used:
        if field not in allowed:
            names = ", ".join("{" + f + "}" for f in allowed)
            return f"'{name}' uses the placeholder {{{field}}}; it may use {names}"
    try:
        pattern.format(**allowed)
    except (ValueError, TypeError) as e:
        return f"'{name}' is not a valid link pattern ({e})"
    if not re.match(link_pattern(name.split(".")[-1]), pattern):
        names = ", ".join("{" + f + "}" for f in allowed)
        return f"'{name}' may use only the bare placeholders {names} (no format spec or conversion)"
    return None


def _coerce(kind: str, value: Any, name: str, where: str) -> Any:
    def bad(expected: str) -> ConfigError:
        return ConfigError(f"{where}: '{name}' must be {expected}, not {value!r}")

    if kind == "str":
        if not isinstance(value, str):
            raise bad("a string")
        return str(value)
    if kind == "link":
        if not isinstance(value, str):
            raise bad("a string")
        problem = _link_problem(value, name)
        if problem:
            raise ConfigError(f"{where}: {problem}")
        return str(value)
    if kind == "path":
        if not isinstance(value, str) or not value.strip():
            raise bad("a relative path")
        from relnotes.fsio import relative_path_problem

        problem = relative_path_problem(value) or (None if re.match(PATH_PATTERN, value)
                                                   else "points outside the repository")
        if problem:
            raise ConfigError(f"{where}: '{name}' ({value!r}) {problem}",
                              hint="use a path relative to the repository root, without '..' or '.git'")
        return str(PurePosixPath(value.replace("\\", "/")))
    if kind in ("int", "optint", "day"):
        if kind == "optint" and value is None:
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # JSON counts 12.0 as the whole number 12; so do we
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise bad("a non-negative whole number")
        if kind == "day" and not DAYS[0] <= value <= DAYS[1]:
            raise ConfigError(f"{where}: '{name}' must be a day from {DAYS[0]} to {DAYS[1]}, not {value}")
        low, high = BOUNDS.get(name, (0, None))
        if not low <= value <= (high if high is not None else value):
            raise ConfigError(f"{where}: '{name}' must be from {low} to {high}, not {value}")
        return int(value)
    if kind == "branch":
        if not isinstance(value, str):
            raise bad("a string")
        if not re.match(BRANCH_PATTERN, value):
            raise ConfigError(f"{where}: '{name}' must contain '{{version}}' exactly once",
                              hint="for example release-{version}")
        return value
    if kind == "tag":
        if not isinstance(value, str):
            raise bad("a string")
        if not re.search(VFILE_PATTERN, value):
            raise ConfigError(f"{where}: '{name}' must contain '{{version}}'", hint="for example tag: 'v{version}'")
        return value
    if kind == "version":
        if not isinstance(value, str) or not re.match(VERSION_PATTERN, value):
            raise ConfigError(f"{where}: '{name}' must be a version like 0.32.0, not {value!r}")
        return value
    if kind == "sections":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise bad("a list of strings")
        if not value:
            raise ConfigError(f"{where}: '{name}' must list at least one section")
        seen: dict[str, str] = {}
        for v in value:
            if v.casefold() in seen:
                same = "" if seen[v.casefold()] == v else f" (as '{seen[v.casefold()]}')"
                raise ConfigError(f"{where}: '{name}' lists '{v}' twice{same}; name each section once")
            seen[v.casefold()] = v
        return [str(v) for v in value]
    if kind == "bool":
        if not isinstance(value, bool):
            raise bad("true or false")
        return value
    if kind == "date":
        from datetime import datetime

        if isinstance(value, datetime):  # YAML reads 2024-04-20T10:00:00 as a timestamp
            raise ConfigError(f"{where}: '{name}' must be a date (YYYY-MM-DD) without a time, "
                              f"not {value.isoformat()}", hint="write it as YYYY-MM-DD, e.g. 2024-04-20")
        if isinstance(value, date):
            return value
        try:
            if not isinstance(value, str) or not re.match(DATE_PATTERN, value):
                raise ValueError(value)
            return date.fromisoformat(value)
        except ValueError:
            raise bad("a date (YYYY-MM-DD)") from None
    if kind == "strlist":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise bad("a list of strings")
        return [str(v) for v in value]
    if kind == "order":
        if value not in ("pr", "file"):
            raise bad("'pr' or 'file'")
        return value
    if kind == "weekend":
        if value not in ("keep", "monday"):
            raise bad("'keep' or 'monday'")
        return value
    if kind == "vfiles":
        if not isinstance(value, list):
            raise bad("a list of {path, pattern} mappings")
        files = []
        for item in value:
            if not isinstance(item, dict) or set(item) != {"path", "pattern"}:
                raise bad("a list of {path, pattern} mappings")
            vpath = _coerce("path", item["path"], f"{name}.path", where)
            pattern = item["pattern"]
            if not isinstance(pattern, str) or not re.search(VFILE_PATTERN, pattern):
                raise ConfigError(f"{where}: '{name}.pattern' must contain '{{version}}'")
            files.append({"path": vpath, "pattern": pattern})
        return files
    raise AssertionError(kind)  # pragma: no cover


def _default(spec: Any) -> Any:
    if isinstance(spec, dict):
        return {k: _default(v) for k, v in spec.items()}
    return spec[1]


def _build(root: Path, path: Path | None, values: dict) -> Config:
    v = _default(SCHEMA)
    for key, val in values.items():
        if isinstance(val, dict) and isinstance(v.get(key), dict):
            v[key].update(val)
        else:
            v[key] = val
    where = shown(path) if path else CONFIG_NAME
    sections = tuple(v["sections"])
    folded = {s.casefold() for s in sections}
    for key, what in (("template_sections", "template"), ("patch_sections", "patch")):
        for s in v[key]:
            if s.casefold() not in folded:
                raise ConfigError(f"{where}: {what} section '{s}' is not one of 'sections' "
                                  f"({', '.join(sections)})")
    return Config(
        root=root,
        path=path,
        project=v["project"],
        repository=v["repository"],
        notes_file=v["notes_file"],
        fragments_dir=v["fragments_dir"],
        templates_dir=v["templates_dir"],
        sections=sections,
        template_sections=tuple(v["template_sections"]),
        patch_sections=tuple(v["patch_sections"]),
        order=v["order"],
        links=Links(**v["links"]),
        release_branch=v["release_branch"],
        main_branch=v["main_branch"],
        archive=ArchiveConfig(**v["archive"]),
        schedule=Schedule(**v["schedule"]),
        support=Support(**v["support"]),
        check=Check(tuple(v["check"]["exempt_paths"]), tuple(v["check"]["skip_labels"]),
                    v["check"]["skip_marker"]),
        commit=CommitMessages(**v["commit"]),
        version_files=tuple(VersionFile(**f) for f in v["version_files"]),
        tag=v["tag"],
    )


def json_schema() -> dict:
    """A JSON Schema for relnotes.yaml (for editors), generated in relnotes.config_schema."""
    from relnotes.config_schema import json_schema

    return json_schema()


def render_default_yaml(project: str, repository: str, first_version: str = "0.1.0") -> str:
    """The relnotes.yaml that ``relnotes init`` writes: the few keys people change."""
    return (
        f"# relnotes configuration; every key not set here has a default (see README).\n"
        f"project: {_yaml_str(project)}\n"
        f"repository: {_yaml_str(repository)}\n"
        f"notes_file: RELEASES.md\n"
        f"fragments_dir: changes.d\n"
        f"sections: [Added, Changed, Fixed, Removed, Deprecated, Security]\n"
        f"template_sections: [Added, Changed]\n"
        f"# the archive lists release branches from the first one on\n"
        f"archive: {{since: {_yaml_str(first_version)}, oldest_suffix: \"\"}}\n"
    )


def _yaml_str(s: str) -> str:
    import json

    return json.dumps(s, ensure_ascii=False)

