"""``relnotes.yaml`` → a frozen :class:`Config`, with defaults and validation.

One declarative table (:data:`SCHEMA`, in :mod:`relnotes.config.keys`; the rule of every
value kind is in :mod:`relnotes.config.rules`) says every key, its type, its default and what it means.  Loading,
validation ("unknown key 'sectons' — did you mean 'sections'?"), the defaults (a plain
project's, which a ``preset:`` such as Wasmtime's overlays) and the JSON Schema printed by ``relnotes schema`` all come from it, so they
cannot drift apart.  This module finds, reads, caches and assembles the configuration;
the records (:mod:`relnotes.config.records`) and the names of config_rules stay importable
from here.
"""

import os
from datetime import date
from pathlib import Path
from typing import Any

from relnotes import cache, fsio
from relnotes.config import presets
from relnotes.config import pyproject as config_toml
from relnotes.config.fields import specs
from relnotes.config.records import (  # noqa: F401 (the records stay importable from here)
    ArchiveConfig,
    BreakingChanges,
    BumpRules,
    Check,
    CommitMessages,
    Config,
    Credit,
    Hooks,
    Links,
    Schedule,
    Support,
    VersionFile,
)
from relnotes.config.rules import (  # noqa: F401
    BOUNDS,
    BRANCH_PATTERN,
    DATE_PATTERN,
    DAYS,
    PACKAGE_SCHEMA,
    PATH_PATTERN,
    SCHEMA,
    VERSION_PATTERN,
    VFILE_PATTERN,
    coerce,
    link_pattern,
    link_problem,
    shown,
    validate,
)
from relnotes.config.yamlguard import refuse_in_config
from relnotes.errors import ConfigError

CONFIG_NAME = "relnotes.yaml"
PYPROJECT_NAME = "pyproject.toml"  # its [tool.relnotes] table, when there is no relnotes.yaml
MAX_CONFIG_BYTES = 256 * 1024


# -- finding and loading ---------------------------------------------------------


def find_config(start: Path | None = None) -> Path | None:
    """Walk up from ``start`` (default: the working directory) to find relnotes.yaml, or
    a pyproject.toml with a ``[tool.relnotes]`` table (relnotes.yaml wins beside it)."""
    here = (start or Path.cwd()).resolve()
    for d in (here, *here.parents):
        candidate = d / CONFIG_NAME
        if candidate.is_file():
            return candidate
        if is_pyproject_config(d / PYPROJECT_NAME, d):
            return d / PYPROJECT_NAME
        if (d / ".git").exists():
            return None
    return None


def is_pyproject_config(path: Path, root: Path) -> bool:
    """A pyproject.toml that has ``[tool.relnotes]`` (one without is not a configuration)."""
    if not path.is_file():
        return False
    text = _read_config(path, root)
    if "relnotes" not in text:  # the table's name is in the text (may_hold_table needs it too)
        return False

    if not config_toml.may_hold_table(text):
        return False

    # a table that validated before is in the config cache: no TOML parse to find it
    return (cache.config_values(root, _cache_key(text, path)) is not None
            or config_toml.table(text, path) is not None)


def shadowed_pyproject(cfg: "Config") -> str | None:
    """When relnotes.yaml is in use and a pyproject.toml beside it also has ``[tool.relnotes]``
    (which is then ignored), where that table is (``pyproject.toml:LINE:COL``); else None."""
    if cfg.path is None or cfg.path.name != CONFIG_NAME:
        return None
    path = cfg.path.parent / PYPROJECT_NAME
    try:
        if not path.is_file():
            return None
        text = _read_config(path, cfg.path.parent)
        if "relnotes" not in text:  # as in is_pyproject_config: no TOML layer to import
            return None

        if not config_toml.may_hold_table(text) or config_toml.table(text, path) is None:
            return None
        line, col = config_toml.locate(text.lstrip("\ufeff")).get(config_toml.TABLE, (1, 1))
    except ConfigError:  # a broken pyproject.toml beside relnotes.yaml: still shadowed, say where
        line, col = 1, 1
    return f"{shown(path)}:{line}:{col}"


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


def read_config(path: Path, root: Path) -> str:
    """The text of a configuration file inside ``root`` (size-limited, UTF-8)."""
    return _read_config(path, root)


def _read_config(path: Path, root: Path) -> str:
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
    """Parse and validate YAML text (or, for a ``.toml`` path, its ``[tool.relnotes]``
    table); every problem is a ConfigError naming key and line.

    A text that validated before comes from the cache in the git directory
    (``relnotes.cache``) without ruamel.yaml or tomllib; a property test holds both paths equal.
    """
    return _build(root, path, values_from_text(text, path, root, use_cache=use_cache))


def values_from_text(text: str, path: Path, root: Path, *, use_cache: bool = True, package: bool = False) -> dict:
    """The validated values a configuration text sets (cached like :func:`from_text`).

    ``package``: the text is a monorepo package's own relnotes.yaml, checked against
    ``PACKAGE_SCHEMA`` (its cache entries are kept apart from root configurations').
    """
    if package:
        parse = _parse_package
    else:
        parse = _parse_and_validate_toml if _is_toml(path) else _parse_and_validate
    if not use_cache:
        return parse(text, path)

    key = ("package\0" + text) if package else _cache_key(text, path)
    values = cache.config_values(root, key)
    if values is None:
        values = parse(text, path)
        cache.remember_config(root, key, values)
    return values


def item_lines(path: Path, root: Path, key: str) -> list[int]:
    """The 1-based line of each item of the list ``key`` in a configuration file.

    For a message about an item that is judged only after loading (two ``projects:``
    entries that collide): the file is read and parsed again, so only a failure pays
    for it.  TOML gives every item the line of its key.
    """
    text = read_config(path, root)
    if _is_toml(path):
        table = config_toml.table(text, path)
        if table is None:
            return []
        items = table.get(key)
        line = table.lc.key(key)[0] + 1 if key in table else 1
        return [line] * len(items) if isinstance(items, list) else []
    data = _parse(text, path)
    items = data.get(key) if hasattr(data, "get") else None
    if not isinstance(items, list) or not hasattr(items, "lc"):  # a mapping's lc.item(0) is a KeyError
        return []
    return [items.lc.item(i)[0] + 1 for i in range(len(items))]


def _cache_key(text: str, path: Path) -> str:
    return f"[tool.relnotes]\0{text}" if _is_toml(path) else text  # one text, two meanings


def _is_toml(path: Path | None) -> bool:
    return path is not None and path.suffix.casefold() == ".toml"


def _parse_and_validate_toml(text: str, path: Path) -> dict:
    data = config_toml.table(text, path)
    if data is None:
        raise ConfigError(f"{shown(path)}: no [tool.relnotes] table, so it is not a relnotes configuration",
                          hint="add a [tool.relnotes] table (see the README), or point --config at relnotes.yaml")
    return validate(data, SCHEMA, path, prefix="")


def _parse_and_validate(text: str, path: Path) -> dict:
    return validate(_parse(text, path), SCHEMA, path, prefix="")


def _parse_package(text: str, path: Path) -> dict:
    return validate(_parse(text, path), PACKAGE_SCHEMA, path, prefix="")


def _parse(text: str, path: Path):
    """The YAML mapping of a configuration text (ruamel's, with the line of every key)."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    # The safe loader decides what is valid YAML (it refuses tags like !!python/object);
    # the round-trip loader then gives the line of every key for messages.
    refuse_in_config(text.lstrip("\ufeff"), shown(path))
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
    return data


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



def default_values(spec: Any) -> Any:
    if isinstance(spec, dict):
        return {k: default_values(v) for k, v in spec.items()}
    return spec[1]


def build(root: Path, path: Path | None, values: dict) -> Config:
    """A Config from validated values (relnotes.config.projects builds each package's with it)."""
    return _build(root, path, values)


def _build(root: Path, path: Path | None, values: dict) -> Config:
    preset = values.get("preset", presets.DEFAULT_PRESET)
    v = presets.overlay(presets.apply(default_values(SCHEMA), preset), values)
    where = shown(path) if path else CONFIG_NAME
    v["schedule"] = _calendar(v["schedule"], values.get("schedule") or {}, where)
    sections = tuple(v["sections"])
    folded = {s.casefold() for s in sections}
    for key, what in (("template_sections", "template"), ("patch_sections", "patch")):
        for s in v[key]:
            if s.casefold() not in folded:
                raise ConfigError(f"{where}: {what} section '{s}' is not one of 'sections' "
                                  f"({', '.join(sections)})")
    if v["notes_file"].casefold().endswith(".rst") and v["notes_format"] != "rst":
        # read as Markdown, towncrier's NEWS.rst would be all problems and no release
        raise ConfigError(f"{where}: notes_file '{v['notes_file']}' is reStructuredText, but notes_format "
                          f"is '{v['notes_format']}'", hint="set notes_format: rst (towncrier's layout)")
    given = presets.overlay(presets.PRESETS[preset].get("bump", {}), values.get("bump", {}))
    bump = _bump_rules(v["bump"], given, sections, where)
    return Config(
        root=root,
        path=path,
        preset=preset,
        project=v["project"].strip() or root.name,  # not another project's name by default
        repository=v["repository"],
        notes_file=v["notes_file"],
        notes_format=v["notes_format"],
        fragments_dir=v["fragments_dir"],
        templates_dir=v["templates_dir"],
        sections=sections,
        template_sections=tuple(v["template_sections"]),
        patch_sections=tuple(v["patch_sections"]),
        order=v["order"],
        links=Links(**v["links"]),
        release_branch=v["release_branch"],
        release_branches=tuple(v["release_branches"]),
        main_branch=v["main_branch"],
        remote=v["remote"],
        archive=ArchiveConfig(**v["archive"]),
        schedule=Schedule(**v["schedule"]),
        support=Support(**v["support"]),
        check=Check(tuple(v["check"]["exempt_paths"]), tuple(v["check"]["skip_labels"]),
                    v["check"]["skip_marker"], v["check"]["mode"], tuple(v["check"]["require_for"]["paths"]),
                    tuple(v["check"]["require_for"]["labels"])),
        commit=CommitMessages(**v["commit"]),
        version_files=tuple(VersionFile(**f) for f in v["version_files"]),
        hooks=Hooks(tuple(tuple(c) for c in v["hooks"]["bump"]), v["hooks"]["timeout"]),
        tag=v["tag"],
        fields=_fields(v["fields"]),
        credit=Credit(**v["credit"]),
        versioning=v["versioning"],
        branching=v["branching"],
        base_version=v["base_version"].strip(),
        calver=v["calver"],
        tag_explicit="tag" in values or "tag" in presets.PRESETS[preset],
        bump=bump,
        breaking_changes=BreakingChanges(**v["breaking_changes"]),
    )


def _calendar(schedule: dict, given: dict, where: str) -> dict:
    """The ``schedule`` table with its cadence decided: anchor keys set without a cadence
    mean the monthly calendar they describe; a monthly calendar needs its anchor."""
    if "cadence" not in given and ({"anchor_version", "anchor_date"} & set(given)):
        schedule = dict(schedule, cadence="monthly")
    if schedule["cadence"] == "monthly":
        missing = [k for k in ("anchor_version", "anchor_date") if schedule[k] is None]
        if missing:
            raise ConfigError(f"{where}: a monthly release calendar needs schedule.{' and schedule.'.join(missing)}: "
                              f"a major version and the date it is (or was) released",
                              hint="for example  schedule: {cadence: monthly, anchor_version: 1, "
                                   "anchor_date: 2027-01-20}  (1.0.0 on 2027-01-20, 2.0.0 a month later)")
    return schedule


def _fields(values: dict) -> tuple:
    if not values:
        return ()

    return specs(values)
def _bump_rules(merged: dict, given: dict, sections: tuple[str, ...], where: str) -> BumpRules:
    """Each section's bump level.  The lists the file (or preset) gives come first: a section
    named there must exist, in one of them only, and leaves the default lists.  The default
    lists (Keep a Changelog's names) skip sections the project does not have, so a project
    with its own sections needs no bump key at all."""
    folded = {s.casefold(): s for s in sections}
    levels: dict[str, str] = {}
    order = [lv for lv in ("major", "minor", "patch") if lv in given]
    order += [lv for lv in ("major", "minor", "patch") if lv not in given]
    for level in order:
        for name in merged[level]:
            key = name.casefold()
            if level not in given:
                if key in folded and key not in levels:
                    levels[key] = level
                continue
            if key not in folded:
                raise ConfigError(f"{where}: 'bump.{level}' names '{name}', which is not one of 'sections' "
                                  f"({', '.join(sections)})")
            if key in levels and levels[key] != level:
                raise ConfigError(f"{where}: section '{folded[key]}' is in both 'bump.{levels[key]}' and "
                                  f"'bump.{level}'; name it in one list")
            levels[key] = level
    return BumpRules(levels, merged["default"], merged["zero_shift"])
