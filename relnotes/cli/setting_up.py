"""``relnotes init``'s questions: flags first, then (at a terminal, or with ``--ask``) a
prompt for each choice not given, each checked as it is typed and asked again on a typo.

Without a terminal nothing is asked: what is not given is the plain preset's (no
release calendar), so a script never gets another project's conventions by accident.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, Callable, NamedTuple

import typer

from relnotes.cli.common import err
from relnotes.config.rules import BOUNDS, ENUMS
from relnotes.errors import UsageError
from relnotes.flows import scaffold
from relnotes.flows.identity import Identity
from relnotes.flows.scaffold import repository_problem
from relnotes.policy import schemes
from relnotes.version import Version, whole_number

PRESET_HELP = {
    "plain": "the relnotes format, no release calendar",
    "wasmtime": "Wasmtime's RELEASES.md, release branches, a major every month, LTS",
    "keepachangelog": "CHANGELOG.md in the Keep a Changelog format",
}


class Given(NamedTuple):
    """The flags of ``relnotes init`` (None: not given)."""

    project: str | None = None
    repository: str | None = None
    version: str | None = None
    preset: str | None = None
    cadence: str | None = None
    first_release: str | None = None
    cut_day: int | None = None
    lts_every: int | None = None
    lts_months: int | None = None
    support_months: int | None = None
    branching: str | None = None


def _pick(words: tuple[str, ...], answer: str) -> str:
    text = answer.strip()
    n = whole_number(text)
    if n is not None and 1 <= n <= len(words):
        return words[n - 1]
    for w in words:
        if w.casefold() == text.casefold():
            return w
    raise typer.BadParameter(f"{text!r} is not one of them; type a number from 1 to {len(words)} or a name")


def _day(answer: str) -> date:
    try:
        return date.fromisoformat(answer.strip())
    except ValueError:
        raise typer.BadParameter(f"{answer.strip()!r} is not a date; type it as YYYY-MM-DD") from None


def _count(low: int, high: int, *, none: bool = True) -> Callable[[str], int]:
    def parse(answer: str) -> int:
        text = answer.strip()
        n = whole_number(text)
        if n is None or not ((none and n == 0) or low <= n <= high):
            raise typer.BadParameter(f"{text!r}: type a whole number from {low} to {high}"
                                     + (", or 0 for none" if none else ""))
        return n
    return parse


def _version(answer: str) -> str:
    v = Version.try_parse(answer.strip())
    if v is None:
        raise typer.BadParameter(f"{answer.strip()!r} is not a version; type one like 1.0.0")
    return str(v)


def _version_in(scheme: schemes.Scheme) -> Callable[[str], str]:
    """:func:`_version` in the scheme the project's files write (PEP 440's ``1.2rc1``, CalVer's ``26.3``)."""
    def parse(answer: str) -> str:
        v = scheme.try_parse(answer.strip())
        if v is None:
            raise typer.BadParameter(f"{answer.strip()!r} is not a version (versioning: {scheme.name}); "
                                     f"type one like {scheme.example}")
        return str(v)
    return parse if scheme.name != "semver" else _version


def _repository(answer: str) -> str:
    text = answer.strip()
    problem = repository_problem(text)
    if problem:
        raise typer.BadParameter(f"{text!r} {problem}; press Enter for none")
    return text.rstrip("/")


def _ask(text: str, default: Any, proc: Callable[[str], Any]) -> Any:
    """One question; Enter takes ``default`` (shown in brackets unless it is empty)."""
    shown = "" if default is None else str(default)
    return typer.prompt(text, default=shown, show_default=bool(shown), value_proc=proc, err=True)


BRANCHING_HELP = {
    "one-branch": "every release from the main branch: 'relnotes release' makes it, in one command",
    "release-branches": "cut a release branch, then release and patch on it (Wasmtime's way)",
}


def choose(root: Path, given: Given, *, ask: bool, today: date | None = None, found: Identity | None = None):
    """The :class:`relnotes.flows.scaffold.Choices` for ``init``: each flag, else the answer to
    a prompt (``ask``), else what the project's files say (``found``), else the default (the
    plain preset, one branch, no calendar)."""
    try:
        return _choose(root, given, ask=ask, today=today or date.today(), ident=found or Identity())
    except typer.Abort:
        raise UsageError("cancelled; nothing was written") from None


def _choose(root: Path, g: Given, *, ask: bool, today: date, ident: Identity):
    named = ident.name if ident.name and ident.name.strip() and ident.name.isprintable() else root.name
    project = g.project or (_ask("Project name", named, lambda a: a.strip() or named) if ask else named)
    if g.repository is not None:
        problem = scaffold.repository_problem(g.repository.strip())
        if problem:
            raise UsageError(f"--repository {g.repository!r} {problem}", hint="or leave it out: no links")
        repository = g.repository.strip().rstrip("/")
    else:
        found = scaffold.repository_from_remote(root) or ""
        repository = _ask("Repository URL, for links to pull requests (Enter for none)", found,
                          _repository) if ask else found
    presets = ENUMS["preset"]
    if g.preset is not None:
        preset = g.preset
    elif ask:
        for i, name in enumerate(presets, 1):
            err(f"  {i}) {name}: {PRESET_HELP.get(name, '')}")
        preset = _ask(f"Preset [1-{len(presets)}]", "plain", lambda a: _pick(presets, a))
    else:
        preset = "plain"
    if preset == "keepachangelog" and g.branching == "release-branches":
        raise UsageError("--branching release-branches does not go with --preset keepachangelog: a Keep a "
                         "Changelog file is released from one branch", hint="leave --branching out")
    # a monthly calendar cuts release branches: asked (or given) after the calendar, so it decides the default
    wants_calendar = g.cadence == "monthly" or any(d is not None for d in (
        g.first_release, g.cut_day, g.lts_every, g.lts_months, g.support_months))
    by_preset = "release-branches" if wants_calendar else scaffold.preset_defaults(preset)["branching"]
    branching = g.branching or by_preset
    base, vfile = "", None
    scheme = schemes.scheme_named(ident.versioning, ident.calver)  # semver unless the files say otherwise
    read = _version_in(scheme)
    if g.version is not None:
        try:
            version = read(g.version)
        except typer.BadParameter as e:
            raise UsageError(f"--version {e.message}") from None
        if preset == "keepachangelog":  # its notes have no place for a version: the configuration records it
            base = version
        elif ident.version is not None and ident.version < scheme.parse(version):
            base, vfile = str(ident.version), ident.version_file
    elif ident.version is not None and preset != "wasmtime":  # Wasmtime's files name the major main makes
        # the project's files name its current (released) version: the notes start at '## Unreleased'
        version = (_ask("Current version (the next release counts from it)", str(ident.version), read)
                   if ask else str(ident.version))
        base, vfile = version, ident.version_file
    else:
        version = _ask("First version", "0.1.0", _version) if ask else "0.1.0"
    calendar = _calendar(g, preset, version, ask=ask, today=today)
    if g.branching is None and calendar is not None:
        branching = "release-branches"
    elif g.branching is None and ask and preset == "plain":
        words = ENUMS["branching"]
        for i, name in enumerate(words, 1):
            err(f"  {i}) {name}: {BRANCHING_HELP[name]}")
        branching = _ask(f"Branching [1-{len(words)}]", branching, lambda a: _pick(words, a))
    if branching == "release-branches" and base and g.version is None:
        # main's notes name the version it is making: the next minor after the project's current one;
        # its version file says the current one, which cut (expecting main's version) would refuse
        version, vfile = str(scheme.bump(scheme.parse(base), "minor", today)), None
    return scaffold.Choices(project, repository, version, preset, calendar, branching, base, vfile,
                            ident.versioning, ident.calver, ident.more_version_files if vfile else ())


def _calendar(g: Given, preset: str, version: str, *, ask: bool, today: date):
    """A :class:`relnotes.flows.scaffold.Calendar`, or None for no release calendar."""
    base = scaffold.preset_defaults(preset)
    sched, sup = base["schedule"], base["support"]
    details = (g.first_release, g.cut_day, g.lts_every, g.lts_months, g.support_months)
    if g.cadence is not None:
        cadence = g.cadence
    elif any(d is not None for d in details):
        cadence = "monthly"  # calendar details given: they describe a monthly calendar
    elif ask:
        cadence = _ask("Release calendar: none, or a new major every month (none/monthly)", sched["cadence"],
                       lambda a: _pick(scaffold.CADENCES, a))
    else:
        cadence = sched["cadence"] if preset != "plain" else "none"
    if cadence == "none":
        if any(d is not None for d in details):
            raise UsageError("--cadence none takes no calendar or support flags",
                             hint="leave them out, or use --cadence monthly")
        return None
    if g.first_release is not None:
        try:
            first = date.fromisoformat(g.first_release)
        except ValueError:
            raise UsageError(f"--first-release {g.first_release!r} is not a real date",
                             hint="use YYYY-MM-DD, e.g. 2027-01-20") from None
    else:
        default = scaffold.next_release_day(today, sched["release_day"])
        first = _ask(f"Release date of {version} (YYYY-MM-DD)", default.isoformat(), _day) if ask else default
    if first.day > 28:
        raise UsageError(f"the first release date {first} is on day {first.day}; releases go on days 1 to 28 "
                         "(every month has them)", hint="pick a day from 1 to 28")

    def number(flag_value: int | None, question: str, key: str, preset_value: int | None) -> int | None:
        if flag_value is not None:
            return flag_value
        low, high = BOUNDS[key]
        return _ask(question, preset_value or 0, _count(low, high)) if ask else preset_value

    cut_day = g.cut_day if g.cut_day is not None else (
        _ask("Day of the month release branches are cut", min(sched["cut_day"], first.day),
             _count(1, first.day, none=False)) if ask else min(sched["cut_day"], first.day))
    lts_every = number(g.lts_every, "Every how many releases is an LTS release (0 for none)",
                       "support.lts_every", sup["lts_every"])
    lts_months = None
    if lts_every:
        lts_months = number(g.lts_months, "Months an LTS release is supported", "support.lts_months",
                            sup["lts_months"] or 24)
    elif g.lts_months is not None:
        raise UsageError("--lts-months needs --lts-every N (which releases are LTS)")
    normal = number(g.support_months, "Months other releases are supported (0: until the next release)",
                    "support.normal_months", sup["normal_months"])
    cal = scaffold.Calendar(first, cut_day, first.day, lts_every, lts_months, normal)
    scaffold.check_calendar(cal)
    if cal.cut_day > cal.release_day:
        raise UsageError(f"--cut-day {cal.cut_day} comes after the release day {cal.release_day} "
                         f"(the first release's day of the month)",
                         hint="branches are cut before the release of the same month")
    return cal
