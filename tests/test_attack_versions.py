"""Attacks on the version schemes (semver, pep440, calver), 'next --on' and tag-style
detection: huge numbers, odd dates, enormous and hostile tag lists.  Each ends in a
bounded, located message with exit 0/1/2; never exit 3 or a hang."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

HUGE = "9" * 5000  # past Python's int-to-string limit (4300 digits)


def setup(project, versioning: str, notes: str) -> None:
    project.write("relnotes.yaml", f"project: Demo\nrepository: https://github.com/acme/demo\n{versioning}")
    project.write("RELEASES.md", notes)
    project.commit("init")


def released(heading: str) -> str:
    return f"## {heading}\n\nReleased 2026-03-01.\n\n### Fixed\n\n* A fix.\n"


def no_crash(r, codes=(0, 1, 2)) -> None:
    assert r.exit_code in codes, r.output
    assert "internal error" not in r.output
    if r.exit_code:
        assert len(r.output) < 3000, r.output[:300]  # a message quotes a value briefly


@pytest.mark.parametrize("on", ["2" * 5000, "99999-01-01", "2026-02-30", "2026-1-1\n::error::x", "-1"])
def test_next_on_refuses_what_is_no_date_briefly(project, on):
    setup(project, "versioning: calver\ncalver: YY.N\n", released("26.3"))
    r = project.run("next", "--on", on)
    no_crash(r, (2,))


@pytest.mark.parametrize("versioning, heading", [
    ("versioning: calver\ncalver: YY.N\n", "26." + HUGE),
    ("versioning: calver\ncalver: YYYY.0M.0D\n", HUGE + ".01.01"),
    ("versioning: pep440\n", "1.0.post" + HUGE),
    ("versioning: pep440\n", "1!2.0+" + "a." * 3000 + "b"),
    ("versioning: pep440\n", ".".join(["1"] * 3000)),
    ("versioning: semver\n", HUGE + ".0.0"),
    ("versioning: semver\n", "1.0.0-" + ".".join(["a"] * 5000)),
])
def test_huge_release_headings_are_located_and_briefly_quoted(project, versioning, heading):
    setup(project, versioning, released(heading))
    r = project.run("check")
    no_crash(r, (0, 1))
    assert r.exit_code == 0 or "RELEASES.md:1:" in r.output
    for args in (["next", "--on", "2026-12-01"] if "calver" in versioning else ["next"], ["show", "--format", "json"],
                 ["build", "--draft"]):
        no_crash(project.run(*args))


def _pack(project, names: list[str]) -> None:
    head = project.git("rev-parse", "HEAD")
    packed = project.root / ".git" / "packed-refs"
    old = packed.read_text() if packed.exists() else "# pack-refs with: peeled fully-peeled sorted \n"
    packed.write_text(old + "".join(f"{head} refs/tags/{n}\n" for n in names))


@pytest.mark.parametrize("versioning", ["versioning: semver\n", "versioning: pep440\n",
                                        "versioning: calver\ncalver: YY.N\n"])
def test_a_tag_with_a_huge_version_is_no_crash(project, versioning):
    setup(project, versioning, "## Unreleased\n\nUnreleased.\n\n### Fixed\n\n* A fix.\n")
    _pack(project, [f"v{HUGE}.0.0", f"v1.0.post{HUGE}", f"v26.{HUGE}", "v" + ".".join(["1"] * 2000)])
    r = project.run("next", "--on", "2026-12-01") if "calver" in versioning else project.run("next")
    no_crash(r)


def test_twenty_thousand_tags_are_read_in_bounded_time(project):
    setup(project, "versioning: semver\n", "## Unreleased\n\nUnreleased.\n\n### Fixed\n\n* A fix.\n")
    _pack(project, sorted([f"v{i // 100}.{i % 100}.0" for i in range(20_000)] + [f"x{i}" for i in range(5000)]))
    start = time.monotonic()
    r = project.run("next")
    no_crash(r, (0,))
    assert time.monotonic() - start < 60
    assert "199.99.0" in r.output


def test_tags_that_look_like_options_never_reach_git_as_options(project):
    setup(project, "versioning: semver\n", "## Unreleased\n\nUnreleased.\n\n### Fixed\n\n* A fix.\n")
    _pack(project, ["--output=pwned-1.0.0", "-v1.0.0", "v2.0.0"])
    r = project.run("next")
    no_crash(r, (0,))
    assert not (project.root / "pwned-1.0.0").exists()
    r = subprocess.run([sys.executable, "-m", "relnotes", "next"], cwd=project.root, capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "2.0.0" in r.stdout


@pytest.mark.parametrize("calver", ["YYYY.N; rm -rf /", "YY.N.N.N.N", "", HUGE, "{version}", "YY.N\n## 1.0.0"])
def test_calver_formats_are_a_closed_list(project, calver):
    import json

    project.write("relnotes.yaml", f"project: Demo\nversioning: calver\ncalver: {json.dumps(calver)}\n")
    project.write("RELEASES.md", released("26.3"))
    r = project.run("check")
    no_crash(r, (2,))
    assert "relnotes.yaml:3" in r.output


@pytest.mark.parametrize("version", [HUGE + ".0.0", "1.0.0\n## 2.0.0", "--help", "1.0.0-" + "a" * 100_000])
@pytest.mark.parametrize("command", ["stamp", "show"])
def test_version_arguments_refuse_hostile_values(project, version, command):
    setup(project, "versioning: semver\n", "## 1.0.0\n\nUnreleased.\n\n### Fixed\n\n* A fix.\n")
    before = project.snapshot_tree()
    r = project.run(command, "--version", version) if command == "stamp" else project.run(command, "--", version)
    no_crash(r, (1, 2))
    assert project.snapshot_tree() == before
