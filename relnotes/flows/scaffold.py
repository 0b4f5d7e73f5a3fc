"""What ``relnotes init`` decides and writes: the user's choices → ``relnotes.yaml``.

A new project gets only what its maintainer chose: the conventions of a preset
(``plain`` by default, with no release calendar), and a calendar and support policy
only when asked for.  The file states the preset and every choice that differs from
it, so that reading ``relnotes.yaml`` tells what the project does; a monthly calendar
is always anchored on the project's own first version and date, never on another
project's (Wasmtime's anchor is right only for Wasmtime).

The repository URL comes from the flag, else from the ``origin`` remote, rewritten to
the web address links need (``git@github.com:o/r.git`` → ``https://github.com/o/r``)
and checked: no credentials, nothing but a host and a path.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from relnotes import fsio
from relnotes.config import load as config_mod
from relnotes.config import presets
from relnotes.config.load import default_values
from relnotes.config.rules import BOUNDS, DAYS, SCHEMA
from relnotes.errors import RelnotesError, UsageError
from relnotes.flows import keepachangelog
from relnotes.git.repo import Repo
from relnotes.notes import rst
from relnotes.patterns import lazy
from relnotes.policy import schemes
from relnotes.render.environment import Renderer
from relnotes.version import Version

if TYPE_CHECKING:  # for the type checker only: no class is made at start-up
    from typing import Protocol

    class Written(Protocol):
        """What :func:`write_skeleton` reports into: ``init``'s result, or ``init --path``'s."""

        @property
        def created(self) -> list[str]: ...
        @property
        def kept(self) -> list[str]: ...

CADENCES = ("none", "monthly")


class Calendar(NamedTuple):
    """A monthly release calendar and its support policy, as ``init`` asks for them."""

    first_release: date  # the day the first version's major ships: the calendar's anchor
    cut_day: int = 5
    release_day: int = 20
    lts_every: int | None = None  # None or 0: no LTS
    lts_months: int | None = 24
    normal_months: int | None = None  # None: supported until the next release ships


class Choices(NamedTuple):
    project: str
    repository: str = ""  # "" unknown: plain #123 references
    version: str = "0.1.0"
    preset: str = "plain"
    calendar: Calendar | None = None  # None: no calendar (cadence none)
    branching: str | None = None  # None: the preset's (one-branch, or wasmtime's release-branches)
    base_version: str = ""  # the version the project's files name (already released): next counts from it
    version_file: tuple[str, str] | None = None  # (path, pattern) where that version lives
    versioning: str = "semver"  # the scheme the project's files write their version in
    calver: str = ""  # with versioning calver: its format
    more_version_files: tuple[tuple[str, str], ...] = ()  # the same version in other files (__init__.py)


# -- the repository -------------------------------------------------------------------

_SCP = lazy(r"^[A-Za-z0-9._-]+@(?P<host>[A-Za-z0-9.-]+):(?P<path>(?!/)[^\s:]+)$")
_URL = lazy(r"^(?P<scheme>https?|ssh|git|git\+ssh)://(?:[^@/\s]*@)?(?P<host>[A-Za-z0-9.-]+)"
                  r"(?::(?P<port>[0-9]{1,5}))?(?P<path>/[^\s?#]*)$")
_WEB = lazy(r"^https?://[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::[0-9]{1,5})?"
                  r"(?:/(?!\.)[A-Za-z0-9._~-]+)+$")  # no '.', '..' or hidden path segment


def web_url(remote: str) -> str | None:
    """The web address of a git remote URL, or None when it has none (a local path,
    ``file://``, anything unusual).  User names and passwords are never kept."""
    text = remote.strip()
    m = _SCP.match(text)
    if m:
        host, path, scheme, port = m["host"], "/" + m["path"], "https", None
    else:
        m = _URL.match(text)
        if m is None:
            return None
        host, path, port = m["host"], m["path"], m["port"]
        scheme = "http" if m["scheme"] == "http" else "https"
        if m["scheme"] != scheme:
            port = None  # an ssh or git port says nothing about the web server's
    path = path.rstrip("/").removesuffix(".git")
    url = f"{scheme}://{host}{':' + port if port else ''}{path}"
    return url if _WEB.match(url) else None


def repository_problem(url: str) -> str | None:
    """Why ``url`` cannot be the ``repository`` links are made from, or None ("" is fine:
    no repository)."""
    if not url:
        return None
    if not _WEB.match(url.rstrip("/")):
        return ("must be the web address of the repository, like https://github.com/OWNER/REPO "
                "(http or https, a host and a path, no user name or password)")
    return None


def repository_from_remote(root: Path) -> str | None:
    """The web address of the ``origin`` remote (through the git layer), or None."""
    if not (root / ".git").exists():
        return None

    try:
        with Repo(root) as repo:
            url = repo.remote_url("origin")
    except RelnotesError:
        return None
    return web_url(url) if url else None


# -- the calendar -------------------------------------------------------------------------


def next_release_day(today: date, day: int) -> date:
    """The first ``day`` of a month after ``today``: a first release date never in the past."""
    if today.day < day:
        return today.replace(day=day)
    year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    return date(year, month, day)


def check_calendar(cal: Calendar) -> None:
    """Refuse values ``relnotes.yaml`` would refuse, naming the flag."""
    for flag, day in (("--cut-day", cal.cut_day), ("--release-day", cal.release_day)):
        if not DAYS[0] <= day <= DAYS[1]:
            raise UsageError(f"{flag} must be a day from {DAYS[0]} to {DAYS[1]}, not {day}")
    for flag, key, value in (("--lts-every", "support.lts_every", cal.lts_every),
                             ("--lts-months", "support.lts_months", cal.lts_months),
                             ("--support-months", "support.normal_months", cal.normal_months)):
        low, high = BOUNDS[key]
        if value is not None and value != 0 and not low <= value <= high:
            raise UsageError(f"{flag} must be from {low} to {high} (or 0 for none), not {value}")


# -- relnotes.yaml ----------------------------------------------------------------------------


def preset_defaults(preset: str) -> dict[str, Any]:
    """Every key's value in a file that says only ``preset: PRESET`` (nested dicts)."""
    return presets.apply(default_values(SCHEMA), preset)


def _yaml(value: Any) -> str:
    import json

    if isinstance(value, date):
        return value.isoformat()
    if value is None:
        return "null"
    if isinstance(value, list):
        return "[" + ", ".join(_yaml(v) for v in value) + "]"
    if isinstance(value, str) and re.fullmatch(r"[A-Za-z][A-Za-z0-9_.-]*", value) and value not in (
            "null", "true", "false", "yes", "no", "on", "off", "y", "n"):
        return value
    return json.dumps(value, ensure_ascii=False)


def _flow(table: dict[str, Any]) -> str:
    return "{" + ", ".join(f"{k}: {_yaml(v)}" for k, v in table.items()) + "}"


def wanted_tables(choices: Choices) -> tuple[dict[str, Any], dict[str, Any]]:
    """The ``schedule`` keys to write (all of a calendar; else what differs from the preset) and
    the ``support`` keys that differ from the preset."""
    base = preset_defaults(choices.preset)
    cal = choices.calendar
    if cal is None:
        want_schedule: dict[str, Any] = {"cadence": "none"}
        want_support: dict[str, Any] = {}
    else:
        major = Version.parse(choices.version).major
        want_schedule = {"cadence": "monthly", "cut_day": cal.cut_day, "release_day": cal.release_day,
                         "anchor_version": major, "anchor_date": cal.first_release}
        lts = cal.lts_every or None
        want_support = {"lts_every": lts}
        if lts:
            want_support["lts_months"] = cal.lts_months or None
        want_support["normal_months"] = cal.normal_months or None
    # a calendar is written out whole (its days are what a reader looks for), said or not by the preset
    schedule = want_schedule if cal is not None else {k: v for k, v in want_schedule.items()
                                                       if base["schedule"][k] != v}
    support = {k: v for k, v in want_support.items() if base["support"][k] != v}
    return schedule, support


def config_text(choices: Choices) -> str:
    """The ``relnotes.yaml`` that ``init`` writes for ``choices``."""
    base = preset_defaults(choices.preset)
    lines = ["# relnotes configuration; every key not set here comes from the preset (see README, Presets).",
             f"preset: {choices.preset}",
             f"project: {_yaml(choices.project)}"]
    if choices.repository:
        lines.append(f"repository: {_yaml(choices.repository.rstrip('/'))}")
    else:
        lines.append("# repository: https://github.com/OWNER/REPO   # links #123 to its pull requests")
    branching = choices.branching or base["branching"]
    if branching != base["branching"]:
        lines.append(f"branching: {branching}")
    if choices.base_version:
        lines.append(f"base_version: {_yaml(choices.base_version)}   # the version found at init: next counts from it")
    if choices.versioning != "semver":
        lines.append(f"versioning: {choices.versioning}   # found at init (README, Version schemes)")
        if choices.versioning == "calver":
            lines.append(f"calver: {_yaml(choices.calver or 'YY.N')}")
    if choices.version_file:
        files = ", ".join(f"{{path: {_yaml(path)}, pattern: {_yaml(pattern)}}}"
                          for path, pattern in (choices.version_file, *choices.more_version_files))
        lines.append(f"version_files: [{files}]   # release rewrites it")
    if choices.preset != "keepachangelog":  # that preset says the rest (one file, no branches)
        lines += [f"notes_file: {_yaml(base['notes_file'])}",
                  f"fragments_dir: {_yaml(base['fragments_dir'])}",
                  f"sections: {_yaml(base['sections'])}",
                  f"template_sections: {_yaml(base['template_sections'])}"]
        if branching == "release-branches":
            lines += ["# the archive lists release branches from the first one on",
                      f"archive: {_flow({'since': choices.version.lstrip('v'), 'oldest_suffix': ''})}"]
    schedule, support = wanted_tables(choices)
    if choices.calendar is None:
        if schedule:
            lines.append(f"schedule: {_flow(schedule)}   # no release calendar")
        else:
            lines.append("# no release calendar; schedule: {cadence: monthly, ...} adds one (README, Presets)")
    elif schedule:
        lines.append(f"schedule: {_flow(schedule)}")
    if support:
        lines.append(f"support: {_flow(support)}")
    return "\n".join(lines) + "\n"


def initial_notes(cfg, version: str) -> str:
    """The first notes file for ``cfg``'s format: one release section for ``version``, or
    for the Keep a Changelog format (``notes_format``, helper 19e's) its ``[Unreleased]``.

    A one-branch project whose files already name a released version (``base_version``)
    starts with ``## Unreleased``: its next version is what the changes make, which
    ``relnotes release`` puts in the heading."""
    if getattr(cfg, "notes_format", None) == "keepachangelog":
        return keepachangelog.notes_text(cfg.project)
    if getattr(cfg, "notes_format", None) == "rst":  # the unreleased release, below the start marker
        return rst.notes_text()
    if getattr(cfg, "base_version", "") and cfg.branching == "one-branch":
        return Renderer(cfg).notes_file(UNVERSIONED)
    return Renderer(cfg).notes_file(version)


UNVERSIONED = "Unreleased"  # the heading of a one-branch project's pending section before it has a version


# -- init ----------------------------------------------------------------------------------


class InitResult(NamedTuple):
    created: list[str]
    kept: list[str]


def init(root: Path, *, project: str, repository: str = "", version: str = "0.1.0", preset: str = "plain",
         calendar=None, branching: str | None = None, base_version: str = "",
         version_file: tuple[str, str] | None = None, versioning: str = "semver", calver: str = "",
         more_version_files: tuple[tuple[str, str], ...] = ()) -> InitResult:
    """Scaffold relnotes.yaml, the fragments directory and the notes file; never overwrite.

    ``calendar`` (a :class:`Calendar`) turns on a monthly release
    calendar; without it the project has none, whatever the preset's."""
    v = schemes.scheme_named(versioning, calver).parse(version)
    res = InitResult([], [])
    cfg_path = root / config_mod.CONFIG_NAME
    pyproject = root / config_mod.PYPROJECT_NAME
    text = None
    if cfg_path.exists():
        res.kept.append(config_mod.CONFIG_NAME)
        cfg = config_mod.load(cfg_path)
    elif config_mod.is_pyproject_config(pyproject, root):
        # a relnotes.yaml written now would silently shadow the table the project keeps
        res.kept.append(config_mod.PYPROJECT_NAME + " [tool.relnotes]")
        cfg = config_mod.load(pyproject)
    else:
        text = config_text(Choices(project, repository, str(v), preset, calendar, branching, base_version,
                                   version_file, versioning, calver, more_version_files))
        cfg = config_mod.from_text(text, cfg_path, root)
    notes_text = initial_notes(cfg, str(v))
    if text is not None:
        fsio.write_text(root, cfg_path, text)
        res.created.append(config_mod.CONFIG_NAME)
    write_skeleton(root, cfg, notes_text, res)
    return res


def write_skeleton(root: Path, cfg, notes_text: str, res: Written) -> None:
    """The fragments directory and the notes file of ``cfg`` when missing (an existing one is
    kept and listed as kept): what ``init`` and ``init --path`` write after the configuration."""
    if cfg.fragments_path.is_dir():
        res.kept.append(cfg.fragments_dir + "/")
    else:
        fsio.write_text(root, cfg.fragments_path / ".gitkeep", "")
        res.created.append(cfg.fragments_dir + "/")
    if cfg.notes_path.exists():
        res.kept.append(cfg.notes_file)
    else:
        fsio.write_text(root, cfg.notes_path, notes_text)
        res.created.append(cfg.notes_file)
