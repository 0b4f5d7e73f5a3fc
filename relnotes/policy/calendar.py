"""The release policy: schedule, support windows, backports, and "when does this ship?".

Everything here comes from ``relnotes.yaml`` (``schedule`` and ``support``) because
policies change: Wasmtime's 2022 RFC had an LTS every 5th release supported for 10
releases; today every 12th is LTS for 24 months and the others get 2.  Dates are
computed, never stored: the release of major ``v`` is ``anchor_date + (v -
anchor_version)`` months on ``release_day``; its branch is cut on ``cut_day`` of the
same month; end of support is inclusive.

The calendar is opt-in (``schedule.cadence: monthly``, or ``preset: wasmtime``): a
project that has none must never be shown another project's dates, so every date
goes through :func:`calendar_of`, the one place that refuses (:class:`NoCalendar`).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, cast

from relnotes.config.load import Config
from relnotes.errors import ConfigError, UsageError, quoted
from relnotes.version import Version

MAX_COUNT = 1000  # releases one ``schedule`` lists


class NoCalendar(ConfigError):
    """The project has no release calendar, and the question needs one (exit 2)."""

    def __init__(self, cfg: Config) -> None:
        where = cfg.path.name if cfg.path else "relnotes.yaml"
        super().__init__(
            f"{where}: no release calendar is configured (schedule.cadence is 'none'), so there are no "
            f"release dates or support windows to show",
            hint=calendar_hint(cfg, date.today()))


def calendar_hint(cfg: Config, today: date) -> str:
    """How to add a calendar, told in the project's own versioning.

    A monthly calendar dates major versions (major N on ``anchor_date + (N -
    anchor_version)`` months): under ``major-per-release`` that is "a new major every
    month", but under semver the changes choose each version, so saying so would promise
    a major a month the project never makes; the hint says what the dates mean instead.
    """
    example = f"schedule: {{cadence: monthly, anchor_version: 1, anchor_date: {next_month_20th(today)}}}"
    lts = "support: {lts_every: 12, lts_months: 24, normal_months: 2} for an LTS policy"
    if cfg.versioning == "major-per-release":
        how = f"to plan monthly releases add  {example}  (1.0.0 on that date, a new major every month; {lts})"
    else:
        how = (f"to date releases add  {example}  (a calendar dates major versions: 1.0.0 on that date, major N "
               "on the release day N-1 months later; under semver the changes choose each version, a major only "
               "for a breaking change, so its dates are the majors' alone, not a release a month;  "
               f"versioning: major-per-release  makes every release the next major, one a month; {lts})")
    return how + ", or  preset: wasmtime  for Wasmtime's calendar and LTS policy; see 'Presets' in the README"


def next_month_20th(today: date) -> date:
    """An example first-release date for hints: always ahead of ``today``, never a fixed date that ages."""
    year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
    return date(year, month, 20)


def has_calendar(cfg: Config) -> bool:
    return cfg.schedule.cadence == "monthly"


if TYPE_CHECKING:  # for the type checker only: no class is made at start-up
    from typing import Protocol

    class Calendar(Protocol):
        """A :class:`~relnotes.config.records.Schedule` whose cadence is monthly: the
        configuration sets its anchor then (``relnotes.config`` checks), so it is no longer optional."""

        @property
        def cut_day(self) -> int: ...
        @property
        def release_day(self) -> int: ...
        @property
        def anchor_version(self) -> int: ...
        @property
        def anchor_date(self) -> date: ...
        @property
        def weekend(self) -> str: ...


def calendar_of(cfg: Config) -> Calendar:
    """The release calendar, or :class:`NoCalendar`: every computed date starts here."""
    if not has_calendar(cfg):
        raise NoCalendar(cfg)
    return cast("Calendar", cfg.schedule)  # monthly: anchor_version and anchor_date are set


def expected_release(cfg: Config, version: Version) -> date | None:
    """When ``version`` is planned to ship, or None when the calendar does not say (never a guess).

    A calendar dates majors: major N's day is the day ``N.0.0`` ships.  Under
    ``major-per-release`` every release is such a major; under semver the changes choose
    each version, and a minor or patch ships whenever the project makes it, possibly
    long after (or before) its major's day, so giving ``1.1.0`` the day of 1.0.0 would
    state a date that is already past or simply wrong.  Only an ``X.0.0`` gets a date,
    and only with a calendar; everything else is "the next release" without one."""
    if not has_calendar(cfg) or (version.minor, version.patch) != (0, 0):
        return None
    return release_date(cfg, version.major)


class OutOfCalendar(UsageError):
    """A date the policy would compute falls outside years 1-9999 (what a date can hold)."""

    def __init__(self) -> None:
        super().__init__("the release calendar for this date runs outside the years 1 to 9999",
                         hint="use a date (--on/--from) or a --count whose releases fall within those years")


def add_months(d: date, months: int, day: int | None = None) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    if not 1 <= year <= 9999:
        raise OutOfCalendar()
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day or d.day, last))


def add_days(d: date, days: int) -> date:
    try:
        return d + timedelta(days=days)
    except OverflowError:
        raise OutOfCalendar() from None


def parse_day(text: str | None, flag: str = "--on") -> date:
    if text is None:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{flag} {quoted(text)} is not a real date", hint="use YYYY-MM-DD") from None


def on_weekday(rule: str, d: date) -> date:
    """``d`` moved off a weekend by ``schedule.weekend``: ``next-monday`` (or ``monday``) the
    Monday after, ``previous-friday`` the Friday before, ``keep`` as it is.  Wasmtime ships
    on the 20th "or shortly after if that happens to fall on a weekend" (46.0.0 on Monday
    2026-06-22)."""
    if d.weekday() < 5 or rule == "keep":
        return d
    if rule == "previous-friday":
        return add_days(d, 4 - d.weekday())
    return add_days(d, 7 - d.weekday())


def _weekend(cfg: Config, d: date) -> date:
    return on_weekday(calendar_of(cfg).weekend, d)


def scheduled_date(cfg: Config, major: int) -> date:
    """Major ``major``'s release day in the calendar (the 20th), before the weekend rule."""
    s = calendar_of(cfg)
    return add_months(s.anchor_date, major - s.anchor_version, s.release_day)


def release_date(cfg: Config, major: int) -> date:
    """The day major ``major`` ships: its scheduled day, off the weekend by ``schedule.weekend``;
    the anchor release on ``anchor_date`` as given (a fact: ``init --first-release``)."""
    s = calendar_of(cfg)
    if major == s.anchor_version:
        return s.anchor_date
    return _weekend(cfg, scheduled_date(cfg, major))


def cut_date(cfg: Config, major: int) -> date:
    s = calendar_of(cfg)
    return add_months(s.anchor_date, major - s.anchor_version, s.cut_day)


def current_major(cfg: Config, on: date) -> int:
    """The newest major released on or before ``on``."""
    s = calendar_of(cfg)
    months = (on.year - s.anchor_date.year) * 12 + (on.month - s.anchor_date.month)
    v = max(s.anchor_version + months + 1, 0)
    while v > 0 and release_date(cfg, v) > on:
        v -= 1
    return v


@dataclass(frozen=True)
class Planned:
    version: str
    cut: date
    release: date

    def as_dict(self) -> dict:
        return {"version": self.version, "cut": self.cut.isoformat(), "release": self.release.isoformat()}


def schedule(cfg: Config, *, start: date, count: int) -> list[Planned]:
    """The next ``count`` releases whose release date is on or after ``start``."""
    s = calendar_of(cfg)  # no calendar: say so before judging the flags
    if not 1 <= count <= MAX_COUNT:
        raise UsageError(f"--count must be from 1 to {MAX_COUNT}, not {count}")
    # major 0 is no monthly release (a calendar anchored on 1.0.0 would invent a 0.0.0 a month before it)
    v = max(current_major(cfg, start), min(s.anchor_version, 1))
    while release_date(cfg, v) < start:
        v += 1
    return [Planned(f"{m}.0.0", cut_date(cfg, m), release_date(cfg, m)) for m in range(v, v + count)]


@dataclass(frozen=True)
class Supported:
    version: str
    major: int
    lts: bool
    released: date
    end_of_support: date

    def as_dict(self) -> dict:
        return {"version": self.version, "lts": self.lts, "released": self.released.isoformat(),
                "end_of_support": self.end_of_support.isoformat()}


def is_lts(cfg: Config, major: int) -> bool:
    """A multiple of ``lts_every`` from ``lts_since`` on (Wasmtime's 12.0.0 was never an LTS);
    never without ``lts_every``."""
    every = cfg.support.lts_every
    return every is not None and major % every == 0 and major >= cfg.support.lts_since


def end_of_support(cfg: Config, major: int) -> date:
    sp = cfg.support
    lts = is_lts(cfg, major)
    releases = sp.lts_releases if lts else sp.normal_releases
    if releases is not None:  # supported until the release `releases` later comes out
        return add_days(release_date(cfg, major + releases), -1)
    months = sp.lts_months if lts else sp.normal_months
    if months is None:  # nothing said: supported until the next release comes out
        return add_days(release_date(cfg, major + 1), -1)
    # months count from the scheduled day: a release moved off a Sunday to Monday still
    # ends its support on the 20th, as the policy's table says
    return add_months(scheduled_date(cfg, major), months)


def window(cfg: Config, major: int) -> Supported:
    return Supported(f"{major}.0.0", major, is_lts(cfg, major), release_date(cfg, major),
                     end_of_support(cfg, major))


def supported(cfg: Config, on: date) -> list[Supported]:
    """Releases supported on ``on``: released on or before it, support ending on or after it."""
    newest = current_major(cfg, on)
    out = []
    for major in range(newest, 0, -1):
        w = window(cfg, major)
        if w.released <= on <= w.end_of_support:
            out.append(w)
    return out


def timeline(cfg: Config, on: date, months_back: int = 14) -> list[Supported]:
    """Recent releases for the timeline picture: supported ones plus those of the last months."""
    newest = current_major(cfg, on) + 1
    start = add_months(on, -months_back)
    out = []
    for major in range(newest, 0, -1):
        w = window(cfg, major)
        if w.end_of_support >= start:
            out.append(w)
    return out


def axis_start(on: date, rows: list[Supported]) -> date:
    """Where the timeline's axis begins: 14 months of history back from ``on``.

    A project whose first release is still ahead has no history to show, and 14 empty
    months before it only push its one upcoming bar to the right edge; its axis begins
    the month before the earlier of ``on`` and its first release instead.
    """
    if any(w.released <= on for w in rows):
        return min([add_months(on, -14), *(w.released for w in rows)]).replace(day=1)
    return add_months(min([on, *(w.released for w in rows)]), -1, 1)


def support_svg(cfg: Config, on: date) -> str:
    """A self-contained SVG timeline: one bar per recent release, LTS bars distinct."""
    from html import escape

    rows = timeline(cfg, on)
    # the axis spans every bar: an LTS release supported for years widens it rather than
    # being cut at the edge, so each bar ends at its real end of support
    start = axis_start(on, rows)
    end = add_months(max([add_months(on, 14), *(w.end_of_support for w in rows)]), 1, 1)
    days = (end - start).days
    left, width, row_h, top, right = 110, 760, 22, 48, 80
    height = top + row_h * len(rows) + 40

    def x(d: date) -> float:
        return left + width * (d - start).days / days

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + right}" height="{height}" '
        f'viewBox="0 0 {left + width + right} {height}" font-family="sans-serif" font-size="12">',
        f"<title>{escape(cfg.project)} releases supported on {on.isoformat()}</title>",
        '<rect width="100%" height="100%" fill="#ffffff"/>',
        f'<text x="{left}" y="18" font-size="14" font-weight="bold">{escape(cfg.project)} release support'
        f' — {on.isoformat()}</text>',
    ]
    # a label every 3, 6 or 12 months: the first step that leaves room for "Oct 2026"
    month_px = width * 30.44 / days
    step = next((k for k in (3, 6) if k * month_px >= 64), 12)
    m = start
    while m <= end:
        parts.append(f'<line x1="{x(m):.1f}" y1="{top - 8}" x2="{x(m):.1f}" y2="{height - 30}" stroke="#e5e5e5"/>')
        if (m.month - 1) % step == 0:
            parts.append(f'<text x="{x(m):.1f}" y="{height - 14}" text-anchor="middle" fill="#555">'
                         f"{m.strftime('%b %Y')}</text>")
        m = add_months(m, 1, 1)
    for i, w in enumerate(rows):
        y = top + i * row_h
        active = w.released <= on <= w.end_of_support
        upcoming = w.released > on
        color = ("#1f6feb" if w.lts else "#2da44e") if active else ("#ffffff" if upcoming else "#b8b8b8")
        stroke = ' stroke="#57606a" stroke-dasharray="4 3"' if upcoming else ""
        label = f"{w.version}{' LTS' if w.lts else ''}"
        parts.append(f'<text x="{left - 8}" y="{y + 14}" text-anchor="end">{escape(label)}</text>')
        x0, x1 = x(w.released), x(w.end_of_support)
        parts.append(f'<rect x="{x0:.1f}" y="{y + 3}" width="{max(x1 - x0, 2):.1f}" height="{row_h - 6}" '
                     f'rx="3" fill="{color}"{stroke}><title>{escape(label)}: {w.released} to '
                     f"{w.end_of_support}</title></rect>")
        parts.append(f'<text x="{x1 + 4:.1f}" y="{y + 14}" fill="#555" font-size="11">'
                     f"{w.end_of_support.isoformat()}</text>")
    parts.append(f'<line x1="{x(on):.1f}" y1="{top - 12}" x2="{x(on):.1f}" y2="{height - 30}" '
                 f'stroke="#d1242f" stroke-width="2"/>')
    parts.append(f'<text x="{x(on) + 4:.1f}" y="{top - 14}" fill="#d1242f">{on.isoformat()}</text>')
    parts.append(f'<text x="{left}" y="34" fill="#555" font-size="11">one bar per release, from its release '
                 f"to its end of support (inclusive)</text>")
    # the legend sits top right, clear of the bars and the month labels
    legend = [("#1f6feb", "", "LTS"), ("#2da44e", "", "supported"), ("#b8b8b8", "", "ended"),
              ("#ffffff", ' stroke="#57606a" stroke-dasharray="3 2"', "upcoming")]
    lx = left + width - 330
    for fill, extra, text in legend:
        parts.append(f'<rect x="{lx}" y="8" width="10" height="10" fill="{fill}"{extra}/>'
                     f'<text x="{lx + 14}" y="17">{text}</text>')
        lx += 24 + 7 * len(text)
    parts.append("</svg>")
    return "\n".join(parts) + "\n"

