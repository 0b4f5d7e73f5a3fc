"""Version schemes (``versioning: semver | pep440 | calver | major-per-release``) and the
detection of the tag style (``v{version}`` or ``{version}``) from the newest tags."""

from __future__ import annotations

import datetime
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from packaging.version import Version as PyPAVersion

from relnotes.config import load as config
from relnotes.config.keys import ENUMS
from relnotes.errors import ConfigError, UsageError
from relnotes.policy import calver, pep440, schemes, tags
from relnotes.version import Version

PLAIN = "project: Demo\nrepository: https://example.org/demo\n"
NOTES_UNRELEASED = "## Unreleased\n\nUnreleased.\n\n### Added\n\n"


def _cfg(tmp: Path, text: str) -> config.Config:
    (tmp / "relnotes.yaml").write_text(text)
    return config.from_text(text, tmp / "relnotes.yaml", tmp, use_cache=False)


# -- PEP 440 ----------------------------------------------------------------------------------

_small = st.integers(min_value=0, max_value=30)
pep440_versions = st.builds(
    pep440.Pep440Version.make,
    st.lists(_small, min_size=1, max_size=4).map(tuple),
    st.none() | st.tuples(st.sampled_from(["a", "b", "rc"]), _small),
    st.none() | _small,
    st.none() | _small,
    st.lists(st.from_regex(r"[a-z]{1,4}|[1-9][0-9]{0,2}", fullmatch=True), max_size=3).map(tuple),
    st.integers(min_value=0, max_value=2),
)


@given(pep440_versions)
def test_pep440_round_trip_is_canonical_as_packaging_writes_it(v):
    text = str(v)
    assert pep440.parse(text) == v and str(pep440.parse(text)) == text
    assert text == str(PyPAVersion(text))


@given(pep440_versions, pep440_versions)
def test_pep440_order_is_packaging_order(a, b):
    pa, pb = PyPAVersion(str(a)), PyPAVersion(str(b))
    assert (a < b) == (pa < pb) and (a == b) == (pa == pb) and (a > b) == (pa > pb)


@settings(max_examples=300)
@given(st.from_regex(r"v?([0-9]!)?[0-9]{1,3}(\.[0-9]{1,3}){0,3}([-_.]?(alpha|a|beta|b|c|pre|preview|rc)[-_.]?[0-9]{0,2})?"
                     r"((-[0-9]{1,2})|([-_.]?(post|rev|r)[-_.]?[0-9]{0,2}))?([-_.]?dev[-_.]?[0-9]{0,2})?"
                     r"(\+[a-z0-9]{1,3}([-_.][a-z0-9]{1,3}){0,2})?", fullmatch=True))
def test_pep440_reads_every_spelling_packaging_reads_and_normalises_it_alike(text):
    assert str(pep440.parse(text)) == str(PyPAVersion(text))


@pytest.mark.parametrize("text, canonical", [
    ("0.27.0+dev", "0.27.0+dev"), ("1.2.0rc1", "1.2.0rc1"), ("1.2.0-RC1", "1.2.0rc1"), ("2.0.dev3", "2.0.dev3"),
    ("2.0-dev3", "2.0.dev3"), ("1.0-1", "1.0.post1"), ("v1.0", "1.0"), ("1!2.0a", "1!2.0a0"),
])
def test_pep440_canonical_forms(text, canonical):
    assert str(pep440.parse(text)) == canonical


@pytest.mark.parametrize("current, how, expected", [
    ("2.0.0rc1", "major", "2.0.0"), ("2.0.0rc1", "patch", "2.0.0"), ("1.2.0rc1", "major", "2.0.0"),
    ("2.0.dev3", "minor", "2.0"), ("0.27.0+dev", "minor", "0.28.0"), ("0.27.0+dev", "patch", "0.27.1"),
    ("1.2", "patch", "1.2.1"), ("1.2.0.post1", "patch", "1.2.1"), ("1!1.2.3", "major", "1!2.0.0"),
])
def test_pep440_bumps(current, how, expected):
    assert str(pep440.bump(pep440.parse(current), how)) == expected


def test_pep440_refuses_what_it_cannot_read_naming_the_scheme_and_an_example():
    with pytest.raises(UsageError, match=r"--version '1\.2\.x' is not a PEP 440 version \(versioning: pep440\)") as e:
        pep440.parse("1.2.x", "--version")
    assert "1.3.0rc1" in (e.value.hint or "")
    with pytest.raises(UsageError, match="more than 18 digits"):
        pep440.parse("1." + "9" * 19)
    assert pep440.try_parse("x" * 10_000) is None


# -- CalVer ------------------------------------------------------------------------------------

@given(st.sampled_from(ENUMS["calver"]), st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2999, 12, 31)),
       st.integers(0, 40), st.integers(0, 40))
def test_calver_round_trip_and_order(fmt, day, n, fix):
    cal = calver.CalVer(fmt)
    first = cal.first(day)
    v = first
    for _ in range(n % 4):
        v = cal.bump(v, "minor", day)
    assert cal.parse(str(v)) == v and str(cal.parse(str(v))) == str(v)
    later = cal.bump(v, "patch", day)
    assert later > v and cal.parse(str(later)) == later
    assert cal.bump(v, "minor", day + datetime.timedelta(days=400)) > later


@pytest.mark.parametrize("fmt, current, day, how, expected", [
    ("YY.N", "26.3", "2026-12-07", "minor", "26.4"),      # pip: the fourth release of 2026
    ("YY.N", "26.3", "2027-01-02", "minor", "27.0"),      # a new year starts at .0
    ("YY.N", "26.3", "2026-12-07", "patch", "26.3.1"),    # pip's bug-fix releases
    ("YY.N", "26.3.1", "2026-12-07", "patch", "26.3.2"),
    ("YY.N", "26.3.1", "2026-12-07", "major", "26.4"),
    ("YYYY.MM.DD", "2026.12.1", "2026-12-07", "minor", "2026.12.7"),
    ("YYYY.MM.DD", "2026.12.7", "2026-12-07", "minor", "2026.12.7.1"),  # a second release that day
    ("YYYY.0M.0D", "2026.01.02", "2026-03-04", "minor", "2026.03.04"),
    ("YY.MM.MICRO", "26.12.0", "2026-12-07", "minor", "26.12.1"),
    ("YY.MM.MICRO", "26.11.4", "2026-12-07", "major", "26.12.0"),
])
def test_calver_next_is_the_calendars(fmt, current, day, how, expected):
    cal = calver.CalVer(fmt)
    assert str(cal.bump(cal.parse(current), how, datetime.date.fromisoformat(day))) == expected


def test_calver_refuses_a_version_later_than_the_calendar_and_a_bad_text():
    cal = calver.CalVer("YY.N")
    with pytest.raises(UsageError, match="later than the calendar's 26.0"):
        cal.bump(cal.parse("27.1"), "minor", datetime.date(2026, 1, 1))
    with pytest.raises(UsageError, match=r"'2026\.3' is not a calendar version in the format YY\.N") as e:
        cal.parse("2026.3")
    assert "26.0" in (e.value.hint or "")
    with pytest.raises(ConfigError):
        calver.CalVer("MM.YY")


def test_config_names_the_schemes_and_refuses_an_unknown_format(tmp_path):
    assert isinstance(schemes.scheme_for(_cfg(tmp_path, PLAIN + "versioning: pep440\n")), schemes.Pep440)
    cal = schemes.scheme_for(_cfg(tmp_path, PLAIN + "versioning: calver\ncalver: YYYY.MM.DD\n"))
    assert isinstance(cal, schemes.CalendarScheme) and cal.calendar.format == "YYYY.MM.DD"
    assert type(schemes.scheme_for(_cfg(tmp_path, PLAIN))) is schemes.Semver
    with pytest.raises(ConfigError, match="calver"):
        _cfg(tmp_path, PLAIN + "versioning: calver\ncalver: MM.YY\n")
    with pytest.raises(UsageError, match=r"'26\.3' is not a version \(versioning: semver\)"):
        schemes.parse_version(_cfg(tmp_path, PLAIN), "26.3", "--version")


# -- tag detection -----------------------------------------------------------------------------


def test_tag_style_comes_from_the_newest_tags(tmp_path):
    cfg = _cfg(tmp_path, PLAIN)
    semver = schemes.Semver()
    assert tags.detect(cfg, ["9.1.1", "9.1.0", "v7.4.3"], semver).pattern == "{version}"
    assert tags.detect(cfg, ["v2.0.0", "1.9.0", "v1.8.0"], semver).pattern == "v{version}"
    assert tags.detect(cfg, ["v2.0.0", "1.9.0"], semver).pattern == "v{version}"  # a tie: the newest
    assert tags.detect(cfg, ["nightly", "latest"], semver).pattern == "v{version}"  # nothing to go by
    explicit = _cfg(tmp_path, PLAIN + "tag: 'v{version}'\n")
    assert tags.detect(explicit, ["9.1.1", "9.1.0"], semver) == ("v{version}", "the tag key", False)
    package = explicit._replace(tag="cli-v{version}", tag_explicit=False)  # a monorepo package's own pattern
    assert tags.detect(package, ["9.1.1", "9.1.0"], semver).pattern == "cli-v{version}"
    assert tags.tag_version("v7.4.3", "{version}", semver) is None
    assert tags.tag_version("9.1.1", "{version}", semver) == Version(9, 1, 1)


def _tagged(project, monkeypatch, tags_by_date: list[tuple[str, str]]) -> None:
    for tag, when in tags_by_date:
        monkeypatch.setenv("GIT_COMMITTER_DATE", f"{when}T12:00:00 +0000")
        project.commit(f"release {tag}")
        project.git("tag", tag)


def test_next_counts_from_the_recent_bare_tags_not_a_stray_old_v_tag(project, monkeypatch):
    project.write("relnotes.yaml", PLAIN)
    project.write("RELEASES.md", NOTES_UNRELEASED)
    _tagged(project, monkeypatch, [("v7.4.3", "2023-10-01"), ("9.0.0", "2025-06-01"), ("9.1.0", "2025-09-01"),
                                   ("9.1.1", "2025-11-01")])
    project.fragment("fix.md", "Fixed", "A fix.")
    r = project.run("next", "--format", "json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert data["current"] == "9.1.1" and data["basis"].startswith("tag 9.1.1 (tags are {version}")
    # the configured pattern wins: only v-tags are releases then
    project.write("relnotes.yaml", PLAIN + "tag: 'v{version}'\n")
    assert json.loads(project.run("next", "--format", "json").output)["current"] == "7.4.3"


# -- relnotes next under each scheme -------------------------------------------------------------


def test_next_under_pep440_reads_headings_and_tags_and_writes_canonical(project, monkeypatch):
    project.write("relnotes.yaml", PLAIN + "versioning: pep440\n")
    project.write("RELEASES.md", NOTES_UNRELEASED + "-" * 80 + "\n\n## 1.2.0rc1\n\nReleased 2026-11-01.\n\n"
                  "### Fixed\n\n* A fix.\n")
    project.fragment("feature.md", "Added", "A feature.")
    r = project.run("next")
    assert r.exit_code == 0, r.output
    assert r.output.splitlines()[0] == "next version: 1.2.0 (minor bump from 1.2.0rc1)"
    assert "versioning: pep440;" in r.output
    assert project.run("check").exit_code == 0  # '## 1.2.0rc1' is a heading pep440 reads


def test_next_under_pep440_from_a_trio_style_tag(project, monkeypatch):
    # release branches: main's next release starts a new line (a one-branch project's is 0.27.1)
    project.write("relnotes.yaml", PLAIN + "versioning: pep440\nbranching: release-branches\n")
    project.write("RELEASES.md", NOTES_UNRELEASED)
    _tagged(project, monkeypatch, [("v0.26.2", "2025-01-01"), ("v0.27.0", "2025-06-01")])
    project.fragment("fix.md", "Fixed", "A fix.")
    assert project.run("next", "--format", "version").output.strip() == "0.28.0"  # main: a new line
    project.write("relnotes.yaml", PLAIN + "versioning: pep440\n")  # one branch: a fix is a patch
    assert project.run("next", "--format", "version").output.strip() == "0.27.1"


def test_next_under_calver_is_the_calendars_for_the_day(project):
    project.write("relnotes.yaml", PLAIN + "versioning: calver\n")
    project.write("RELEASES.md", NOTES_UNRELEASED + "-" * 80 + "\n\n## 26.3\n\nReleased 2026-10-01.\n\n"
                  "### Fixed\n\n* A fix.\n")
    project.fragment("feature.md", "Added", "A feature.")
    r = project.run("next", "--on", "2026-12-07")
    assert r.exit_code == 0, r.output
    assert r.output.splitlines()[:2] == [
        "next version: 26.4 (from 26.3)",
        "versioning: calver, the calendar on 2026-12-07; 26.3 is the newest released section of RELEASES.md "
        "(line 9)"]
    assert project.run("next", "--on", "2027-01-02", "--format", "version").output.strip() == "27.0"
    data = json.loads(project.run("next", "--on", "2027-01-02", "--format", "json").output)
    assert data["scheme"] == "calver" and data["on"] == "2027-01-02"
    assert project.run("check").exit_code == 0
    bad = project.run("next", "--on", "2026-13-01")
    assert bad.exit_code == 2 and "--on '2026-13-01' is not a real date" in bad.output


def test_next_under_semver_and_major_per_release_are_unchanged(project):
    project.write("relnotes.yaml", PLAIN)
    project.write("RELEASES.md", NOTES_UNRELEASED + "-" * 80 + "\n\n## 0.3.1\n\nReleased 2026-10-01.\n\n"
                  "### Fixed\n\n* A fix.\n")
    project.fragment("feature.md", "Removed", "A removal.")
    assert project.run("next", "--format", "version").output.strip() == "0.4.0"  # bump.zero_shift
    project.write("relnotes.yaml", PLAIN + "bump: {zero_shift: false}\n")
    assert project.run("next", "--format", "version").output.strip() == "1.0.0"
    project.write("relnotes.yaml", PLAIN + "versioning: major-per-release\n")
    assert project.run("next", "--format", "version").output.strip() == "0.4.0"  # 0.x: the next minor


def test_next_under_calver_as_a_real_process(project):
    project.write("relnotes.yaml", PLAIN + "versioning: calver\ncalver: YYYY.0M.0D\n")
    project.write("RELEASES.md", NOTES_UNRELEASED + "-" * 80 + "\n\n## 2026.12.01\n\nReleased 2026-12-01.\n\n"
                  "### Fixed\n\n* A fix.\n")
    done = subprocess.run([sys.executable, "-m", "relnotes", "next", "--on", "2026-12-07", "--format", "version"],
                          cwd=project.root, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "2026.12.07"


semver_versions = st.builds(Version, _small, _small, _small,
                            st.lists(st.from_regex(r"rc|dev|[1-9][0-9]?|alpha", fullmatch=True), max_size=2).map(tuple))


@given(semver_versions)
def test_semver_scheme_round_trip_and_bumps_grow(v):
    scheme = schemes.Semver()
    assert scheme.parse(str(v)) == v and str(scheme.parse(str(v))) == str(v)
    day = datetime.date(2026, 12, 7)
    for how in ("patch", "minor", "major"):
        assert scheme.bump(v, how, day) > v
    assert schemes.MajorPerRelease().bump(v, "patch", day) == v.next_major()


def test_tag_makes_tags_in_the_repositorys_own_style(project, monkeypatch):
    project.write("relnotes.yaml", PLAIN)
    project.write("RELEASES.md", "## 9.2.0\n\nReleased 2026-12-01.\n\n### Fixed\n\n* A fix.\n")
    _tagged(project, monkeypatch, [("v7.4.3", "2023-10-01"), ("9.1.0", "2025-09-01"), ("9.1.1", "2025-11-01")])
    r = project.run("tag", "--force")
    assert r.exit_code == 0, r.output
    assert r.output.strip() == "9.2.0" and project.git("tag", "-l", "9.2.0") == "9.2.0"
    project.write("relnotes.yaml", PLAIN + "tag: 'v{version}'\n")  # the key decides when set
    project.write("RELEASES.md", "## 9.2.1\n\nReleased 2026-12-02.\n\n### Fixed\n\n* A fix.\n")
    project.commit("9.2.1")
    assert project.run("tag", "--force").output.strip() == "v9.2.1"


@given(semver_versions, pep440_versions)
def test_a_scheme_version_and_a_plain_one_compare_either_way_without_mixing_orders(plain, v):
    # the notes model still reads semver headings: a plain Version meets a PEP 440 or calendar one
    as440 = pep440.try_parse(str(plain))
    if as440 is not None:
        assert (plain < v) == (as440 < v) and (v < plain) == (v < as440) and (plain == v) == (as440 == v)
    assert (plain < v) != (plain >= v)
    cal = calver.CalVer("YY.N").parse("26.3")
    assert (plain < cal) == ((plain.major, plain.minor, plain.patch) < (26, 3, 0))
    assert max([plain, cal]) in (plain, cal)


def test_a_keepachangelog_project_releases_under_pep440(project):
    project.write("relnotes.yaml", PLAIN + "preset: keepachangelog\nversioning: pep440\n")
    project.write("CHANGELOG.md", "# Changelog\n\n## [Unreleased]\n\n## [1.2.0] - 2026-11-01\n\n### Added\n\n- One.\n")
    project.commit("start")
    project.fragment("feature.md", "Added", "A feature.")
    r = project.run("release", "--date", "2026-12-01")
    assert r.exit_code == 0, r.output
    assert "## [1.3.0] - 2026-12-01" in project.read("CHANGELOG.md")
    project.commit("1.3.0")
    project.fragment("fix.md", "Fixed", "A fix.")
    assert project.run("release", "--date", "2026-12-02").exit_code == 0
    assert "## [1.3.1] - 2026-12-02" in project.read("CHANGELOG.md")
