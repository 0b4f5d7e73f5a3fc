"""Version schemes meet the one-branch release (issue 28): a PEP 440 project and a CalVer
``YY.N`` project released from one branch, every version read by the configured scheme
(notes headings, ``--version``, tags, version files), ``init`` choosing the scheme from
what the project's files say, ``show unreleased`` titled with the next version, and a
``release --tag`` rerun that finishes a release whose tag failed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relnotes.config import vpatterns
from relnotes.flows import identity
from relnotes.notes import formats
from relnotes.policy import calver, pep440
from relnotes.version import Version


def ok(p, *args, code=0):
    r = p.run(*args)
    assert r.exit_code == code, (args, r.output)
    assert "Traceback" not in r.output
    return r.output


def _python_project(p, name: str, version: str, *tags: str) -> None:
    """A Python package at ``version`` in pyproject.toml and __init__.py, tagged ``tags``."""
    (p.root / "relnotes.yaml").unlink()
    (p.root / "changes.d" / ".gitkeep").unlink()
    (p.root / "changes.d").rmdir()
    p.write("pyproject.toml", f'[project]\nname = "{name}"\nversion = "{version}"\n')
    p.write(f"{name}/__init__.py", f'"""{name}."""\n__version__ = "{version}"\n')
    p.commit(f"{name} {version}")
    for t in tags:
        p.git("tag", t)


def _versions(p, package: str) -> tuple[str, str]:
    """The version in pyproject.toml and in the package's ``__init__.py`` (``package`` its directory)."""
    return p.read("pyproject.toml").split('version = "')[1].split('"')[0], \
        p.read(f"{package}/__init__.py").split('__version__ = "')[1].split('"')[0]


# -- PEP 440: 1.3.0 → 1.4.0rc1 → 1.4.0 → 1.4.1 ----------------------------------------------------


@pytest.fixture
def pep(project):
    _python_project(project, "tinycalc", "1.3.0", "v1.3.0")
    out = ok(project, "init", "--no-ask")
    assert "version_files: pyproject.toml and tinycalc/__init__.py" in out
    project.write("relnotes.yaml", project.read("relnotes.yaml") + "versioning: pep440\n")
    project.commit("Set up relnotes")
    return project


def test_pep440_walkthrough_rc_then_final_then_fix(pep):
    pep.fragment("feat.md", "Added", "Division by zero is an error.")
    out = ok(pep, "release", "--version", "1.4.0-RC1", "--tag")  # read as PEP 440, written canonically
    assert "stamped 1.4.0rc1: Released" in out and "tagged v1.4.0rc1" in out
    assert pep.read("RELEASES.md").startswith("## 1.4.0rc1\n")
    assert _versions(pep, "tinycalc") == ("1.4.0rc1", "1.4.0rc1")

    pep.fragment("fix.md", "Fixed", "Rounding of halves.")
    assert "next version: 1.4.0 (patch bump from 1.4.0rc1)" in ok(pep, "next")
    assert ok(pep, "show", "unreleased").startswith("## 1.4.0\n")
    out = ok(pep, "release", "--tag")
    assert "stamped 1.4.0: Released" in out and "tagged v1.4.0" in out

    pep.fragment("fix2.md", "Fixed", "Negative zero prints as 0.")
    assert "tagged v1.4.1" in ok(pep, "release", "--tag")
    assert _versions(pep, "tinycalc") == ("1.4.1", "1.4.1")
    assert pep.git("tag", "--list").split() == ["v1.3.0", "v1.4.0", "v1.4.0rc1", "v1.4.1"]
    notes = pep.read("RELEASES.md")
    assert [line for line in notes.splitlines() if line.startswith("## ")] == ["## 1.4.1", "## 1.4.0", "## 1.4.0rc1"]

    # every other place that reads a version reads it as PEP 440
    assert ok(pep, "show", "1.4.0rc1").startswith("## 1.4.0rc1\n")
    assert ok(pep, "show", "1.4.0-rc1").startswith("## 1.4.0rc1\n")
    assert "is already released" in ok(pep, "stamp", "--version", "1.4.0rc1")
    table = ok(pep, "history", "--format", "table", "--from", "1.4.0rc1", "--to", "1.4.0")
    assert [line.split()[0] for line in table.splitlines() if line[:1].isdigit() and " releases" not in line] == ["1.4.0", "1.4.0rc1"]
    assert "ok:" in ok(pep, "check")


def test_pep440_release_refuses_an_older_version_naming_the_scheme(pep):
    pep.fragment("feat.md", "Added", "A feature.")
    ok(pep, "release", "--version", "1.4.0rc1", "--commit")
    pep.fragment("more.md", "Added", "More.")
    before = pep.snapshot_tree()
    out = ok(pep, "release", "--version", "1.4.0b2", code=2)
    assert "1.4.0b2 is not newer than the newest release 1.4.0rc1" in out
    out = ok(pep, "release", "--version", "1.4.0-foo", code=2)
    assert "not a PEP 440 version (versioning: pep440)" in out and "1.3.0rc1" in out  # the scheme's example
    assert pep.snapshot_tree() == before


# -- CalVer YY.N, pip's: 26.2 → 26.3 → 26.3.1 → 27.0, with the day injected ------------------------


@pytest.fixture
def cal(project):
    _python_project(project, "pipish", "26.2", "26.1", "26.2")
    out = ok(project, "init", "--no-ask")
    assert ("found versioning: calver (YY.N): 26.2 in pyproject.toml [project] and the 2 newest final version tags "
            in out)
    assert "version_files: pyproject.toml and pipish/__init__.py" in out
    text = project.read("relnotes.yaml")
    assert "versioning: calver" in text and "calver: YY.N" in text and 'base_version: "26.2"' in text
    project.commit("Set up relnotes")
    return project


def test_calver_walkthrough_with_an_injected_day(cal):
    cal.fragment("feat.md", "Added", "A resolver.")
    assert "next version: 26.3 (from 26.2)" in ok(cal, "next", "--on", "2026-12-07")
    out = ok(cal, "release", "--tag", "--date", "2026-12-07")
    assert "stamped 26.3: Released 2026-12-07" in out and "tagged 26.3" in out  # the repository's tag style
    cal.fragment("fix.md", "Fixed", "A crash.")
    assert "tagged 26.3.1" in ok(cal, "release", "--tag", "--date", "2026-12-08")  # a fix: the bug-fix number
    cal.fragment("ny.md", "Added", "A new year's feature.")
    assert "next version: 27.0 (from 26.3.1)" in ok(cal, "next", "--on", "2027-01-05")
    assert "tagged 27.0" in ok(cal, "release", "--tag", "--date", "2027-01-05")
    assert _versions(cal, "pipish") == ("27.0", "27.0")
    assert cal.git("tag", "--list").split() == ["26.1", "26.2", "26.3", "26.3.1", "27.0"]
    assert ok(cal, "show", "26.3").startswith("## 26.3\n\nReleased 2026-12-07.")
    assert "is already released" in ok(cal, "stamp", "--version", "26.3.1")
    assert "ok:" in ok(cal, "check")


def test_calver_release_as_a_real_process(cal):
    """The calendar release from a shell, as a user runs it (the installed entry point)."""
    cal.fragment("feat.md", "Added", "A resolver.")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
           "RELNOTES_NO_CACHE": "1"}
    proc = subprocess.run(["relnotes", "release", "--tag", "--date", "2026-12-07"], cwd=cal.root,
                          capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "stamped 26.3: Released 2026-12-07" in proc.stdout and "tagged 26.3" in proc.stdout
    proc = subprocess.run(["relnotes", "show", "26.3"], cwd=cal.root, capture_output=True, text=True,
                          env=env, timeout=120)
    assert proc.returncode == 0 and proc.stdout.startswith("## 26.3\n"), proc.stderr


def test_calver_rejects_a_version_in_another_format(cal):
    cal.fragment("feat.md", "Added", "A resolver.")
    out = ok(cal, "release", "--version", "2026.3", code=2)
    assert "not a calendar version in the format YY.N (versioning: calver)" in out


# -- init: the scheme from what the files say, never a silent guess --------------------------------


def test_init_without_calendar_tags_keeps_semver_and_says_how(project):
    _python_project(project, "pipish", "26.2")  # no tags: calendar or PEP 440 26.2?
    out = ok(project, "init", "--no-ask")
    assert "a calendar version (YY.N) or a PEP 440 one, and no release tags tell which: kept versioning: semver" \
        in out
    text = project.read("relnotes.yaml")
    assert "versioning:" not in text and "base_version" not in text


@pytest.mark.parametrize("version, canonical", [("1.2rc1", "1.2rc1"), ("0.27.0+dev", "0.27.0+dev"),
                                                ("2.0.dev3", "2.0.dev3"), ("1.0-post1", "1.0.post1")])
def test_init_picks_pep440_for_a_version_only_pep440_reads(project, version, canonical):
    _python_project(project, "trioish", version)
    out = ok(project, "init", "--no-ask")
    assert f"found versioning: pep440: {version} in pyproject.toml [project] is a PEP 440 version" in out
    text = project.read("relnotes.yaml")
    assert "versioning: pep440" in text and f'base_version: "{canonical}"' in text


def test_init_leaves_out_an_init_py_that_disagrees(project):
    _python_project(project, "tinycalc", "1.3.0")
    project.write("tinycalc/__init__.py", '__version__ = "1.2.0"\n')
    out = ok(project, "init", "--no-ask")
    assert "tinycalc/__init__.py __version__ says 1.2.0, not 1.3.0: not configured" in out
    assert "__init__" not in project.read("relnotes.yaml")


# -- release --tag, rerun after the tag failed --------------------------------------------------------


def test_release_tag_rerun_tags_the_committed_release_once(pep):
    pep.fragment("feat.md", "Added", "A feature.")
    ok(pep, "release", "--version", "1.4.0rc1", "--commit")  # as if the tag step had failed
    head = pep.git("rev-parse", "HEAD")
    out = ok(pep, "release", "--version", "1.4.0rc1", "--tag")
    assert "earlier run that did not tag it" in out and "tagged v1.4.0rc1" in out
    assert pep.git("rev-parse", "v1.4.0rc1^{commit}") == head and pep.git("rev-parse", "HEAD") == head
    out = ok(pep, "release", "--tag")  # again: nothing left to finish
    assert "tagged" not in out and "is already released" in out


def test_release_tag_rerun_does_not_tag_another_commit(pep):
    pep.fragment("feat.md", "Added", "A feature.")
    ok(pep, "release", "--commit")
    pep.write("README", "later work\n")
    pep.commit("later work")
    assert "tagged" not in ok(pep, "release", "--tag")
    assert pep.git("tag", "--list").split() == ["v1.3.0"]


# -- parsers: hypothesis -------------------------------------------------------------------------------

_pep_versions = st.builds(
    lambda nums, pre, post, dev: pep440.Pep440Version.make(tuple(nums), pre, post, dev),
    st.lists(st.integers(0, 999), min_size=1, max_size=4),
    st.none() | st.tuples(st.sampled_from(["a", "b", "rc"]), st.integers(0, 99)),
    st.none() | st.integers(0, 99), st.none() | st.integers(0, 99))


@settings(max_examples=200, deadline=None)
@given(_pep_versions)
def test_notes_read_any_pep440_heading_and_find_it_again(v):
    doc = formats.parse(f"## {v}\n\nReleased 2026-01-02.\n\n### Fixed\n\n* x\n", reader=pep440.try_parse)
    assert doc.releases[0].version == v and str(doc.releases[0].version) == str(v)
    assert doc.release(str(v)).start == 0


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 99), st.integers(0, 999), st.none() | st.integers(0, 999))
def test_notes_read_any_calver_heading(yy, n, micro):
    text = f"{yy}.{n}" + (f".{micro}" if micro is not None else "")
    fmt = calver.CalVer("YY.N")
    doc = formats.parse(f"## {text}\n\nReleased 2026-01-02.\n", reader=fmt.try_parse)
    assert str(doc.releases[0].version) == text
    assert doc.release(text).start == 0


@settings(max_examples=200, deadline=None)
@given(_pep_versions)
def test_a_version_file_of_any_pep440_version_is_found(v):
    m = vpatterns.finder('\nversion = "{version}"', vpatterns.ANY_VERSION_SLOT).search(f'x\nversion = "{v}"\n')
    assert m is not None and pep440.parse(m["version"]) == v


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 999), st.integers(0, 999), st.integers(0, 999))
def test_init_reads_every_plain_semver_version_as_semver(a, b, c):
    r = identity.python_version(Path("/nonexistent"), f"{a}.{b}.{c}", "pyproject.toml")
    assert r.versioning == "semver" and r.version == Version(a, b, c)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_init_never_crashes_on_a_version_text(text):
    r = identity.python_version(Path("/nonexistent"), text, "pyproject.toml")
    assert r.version is None or r.versioning in ("semver", "pep440", "calver")


# -- real tags (tests/data/tags/: pip, trio, pytest), replayed with their dates ----------------------


def _real_project(p, name: str, version: str, tags_of: str) -> str:
    from test_version_schemes_real import _replay, _tags

    (p.root / "relnotes.yaml").unlink()
    (p.root / "changes.d" / ".gitkeep").unlink()
    (p.root / "changes.d").rmdir()
    _replay(p.root, _tags(tags_of))
    p.write("pyproject.toml", f'[project]\nname = "{name}"\nversion = "{version}"\n')
    p.write(f"src/{name}/__init__.py", f'__version__ = "{version}"\n')
    p.commit(f"{name} {version}")
    out = ok(p, "init", "--no-ask")
    p.commit("Set up relnotes")
    return out


def test_pips_real_tags_make_init_choose_calver_and_release_26_3(project):
    out = _real_project(project, "pip", "26.2.1", "pip")  # pip's newest release; 26.2.1 is also semver's
    assert ("found versioning: calver (YY.N): 26.2.1 in pyproject.toml [project] and the 19 newest final version "
            "tags (26.2.1, 26.2, 26.1.2, …) are calendar versions") in out
    assert "version_files: pyproject.toml and src/pip/__init__.py" in out
    project.fragment("feat.md", "Added", "A feature.")
    assert "next version: 26.3 (from 26.2.1)" in ok(project, "next", "--on", "2026-12-07")
    assert "tagged 26.3" in ok(project, "release", "--tag", "--date", "2026-12-07")  # pip's bare tags
    assert _versions(project, "src/pip") == ("26.3", "26.3")


def test_trios_dev_version_makes_init_choose_pep440(project):
    out = _real_project(project, "trio", "0.34.0+dev", "trio")  # trio's main after v0.34.0
    assert "found versioning: pep440: 0.34.0+dev in pyproject.toml [project]" in out
    project.fragment("fix.md", "Fixed", "A fix.")
    assert "next version: 0.34.1" in ok(project, "next")
    assert "tagged v0.34.1" in ok(project, "release", "--tag")  # trio's v-prefixed tags
    assert _versions(project, "src/trio") == ("0.34.1", "0.34.1")


def test_pytests_real_tags_keep_semver(project):
    out = _real_project(project, "pytest", "9.1.1", "pytest")  # year-like? 9 is not a recent year
    assert "versioning" not in out and "found version 9.1.1" in out
    assert "versioning:" not in project.read("relnotes.yaml")


def test_a_semver_project_with_year_sized_majors_stays_semver(project):
    _python_project(project, "big", "26.0.0", "24.0.0", "25.0.0", "26.0.0")  # no two-number tag
    out = ok(project, "init", "--no-ask")
    assert "versioning:" not in project.read("relnotes.yaml") and "found version 26.0.0" in out
