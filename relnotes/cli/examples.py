"""One example invocation per command, shown at the end of its ``--help`` (click's epilog).

Kept in one table so the examples read as a set and a test can require one for every
command (tests/test_cli_ergonomics.py).  Keys are command paths as typed after
``relnotes``.
"""

from __future__ import annotations

EXAMPLES: dict[str, str] = {
    "": "relnotes check --base origin/main",
    "init": "relnotes init --project Widget --version 1.0.0 --cadence monthly --first-release 2027-01-20",
    "new": 'relnotes new --section Fixed --pr 1234 --author octocat -m "Fixed a crash when a module has no memory."',
    "check": "relnotes check --base origin/main --format github",
    "build": "relnotes build --draft",
    "show": "relnotes show 1.2.0 --format json",
    "cut": "relnotes cut --dry-run",
    "patch": "relnotes patch --dry-run",
    "stamp": "relnotes stamp --date 2027-01-20",
    "release": "relnotes release --date 2027-01-20 --commit",
    "archive": "relnotes archive --check",
    "rc": "relnotes rc --commit",
    "tag": "relnotes tag --push origin",
    "schedule": "relnotes schedule --from 2027-01-01 --count 3",
    "support": "relnotes support --on 2027-01-20 --format svg > support.svg",
    "backports": "relnotes backports --check",
    "when": "relnotes when '#1234'",
    "next": "relnotes next --format json",
    "schema": "relnotes schema fragment > fragment.schema.json",
    "templates": "relnotes templates",
    "history": "relnotes history --from 1.0.0 --format table",
    "upgrade": "relnotes upgrade 1.0.0 2.0.0 --format html > upgrade.html",
    "site": "relnotes site public/",
    "import": "relnotes import towncrier --dry-run",
    "import notes": "relnotes import notes RELEASES.md --version 1.0.0 --dry-run",
    "import towncrier": "relnotes import towncrier --to pyproject --dry-run",
}


def epilog(path: str) -> str | None:
    """The ``--help`` epilog for the command at ``path`` (``\\b`` keeps click from rewrapping it)."""
    example = EXAMPLES.get(path)
    return f"Example:\n\n\b\n  {example}" if example else None
