"""Presets: named sets of defaults that a ``relnotes.yaml`` starts from (``preset:``).

relnotes serves projects with very different conventions, and no project should inherit
another's by accident (a plain project must never see Wasmtime's release calendar).  A
preset is only a table of default values over :data:`relnotes.config.keys.SCHEMA`; the
keys a configuration sets always win, and the result is validated like any other value
(the presets themselves are checked against the schema by the tests).

Each table names only what differs from the schema's defaults, as nested mappings in
the shape of ``relnotes.yaml``.
"""

from datetime import date
from typing import Any

DEFAULT_PRESET = "plain"

PRESETS: dict[str, dict[str, Any]] = {
    # Wasmtime's RELEASES.md format, release branches, monthly calendar and LTS policy.
    "wasmtime": {
        "project": "Wasmtime",
        "repository": "https://github.com/bytecodealliance/wasmtime",
        "release_branches": ["stable-v{version}"],  # stable-v0.26: 0.26.1, the CVE-2021-32629 fix
        "archive": {
            "oldest_suffix": " (and prior)",  # "* [0.32.x (and prior)](…)"
            "since": "0.32.0",  # the oldest release branch RELEASES.md links to
        },
        "schedule": {
            "cadence": "monthly",  # a major every month: cut on the 5th, released on the 20th
            "anchor_version": 20,  # 20.0.0 was released on Monday 2024-04-22 (the 20th was a Saturday)
            "anchor_date": date(2024, 4, 22),
            "weekend": "next-monday",  # "or shortly after if that happens to fall on a weekend"
        },
        "support": {
            "lts_every": 12,  # every 12th major is LTS...
            "lts_since": 24,  # ...from 24.0.0 on (12.0.0 never was)
            "lts_months": 24,  # LTS releases get two years
            "normal_months": 2,  # the others two months
        },
        "credit": {"style": "none"},  # Wasmtime's notes credit nobody by name
        "versioning": "major-per-release",  # a new major every month, whatever the changes
        "breaking_changes": {"style": "none"},  # Wasmtime's RELEASES.md marks no entry as breaking
        "branching": "release-branches",  # cut on the 5th, release and patch on the branch
    },
    # The relnotes format without any release calendar or support policy.
    "plain": {},
    # CHANGELOG.md in the Keep a Changelog 1.1.0 format.
    "keepachangelog": {
        "notes_format": "keepachangelog",  # '## [Unreleased]', '## [X.Y.Z] - DATE', compare links
        "notes_file": "CHANGELOG.md",  # the file name the format's site uses
        "sections": ["Added", "Changed", "Deprecated", "Removed", "Fixed", "Security"],  # its six types, its order
        "template_sections": [],  # a fresh '## [Unreleased]' has no empty categories
        # a prefix, not a group: Keep a Changelog's six categories stay the only headings
        "breaking_changes": {"style": "prefix"},
    },
}


def apply(defaults: dict[str, Any], preset: str) -> dict[str, Any]:
    """``defaults`` (the schema's, as nested dicts) overlaid with ``preset``'s values."""
    return overlay(defaults, PRESETS[preset])


def overlay(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``base`` with ``top``'s values, nested tables merged key by key."""
    out = dict(base)
    for key, value in top.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = overlay(out[key], value)
        else:
            out[key] = value
    return out
