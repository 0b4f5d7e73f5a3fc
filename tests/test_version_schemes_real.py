"""The version schemes on real release tags (tests/data/tags/: pip, trio, pytest): PEP 440
as ``packaging`` reads them, pip's CalVer, and the tag style from the newest tags, replayed
into a real repository with the tags' own dates."""

from __future__ import annotations

import datetime
import json
import subprocess
from pathlib import Path

import pytest
from packaging.version import InvalidVersion
from packaging.version import Version as PyPAVersion

from relnotes.policy import calver, pep440

DATA = Path(__file__).parent / "data" / "tags"
PLAIN = "project: Demo\n"
NOTES_UNRELEASED = "## Unreleased\n\nUnreleased.\n\n### Added\n\n"


def _tags(name: str) -> list[tuple[str, datetime.datetime]]:
    out = []
    for line in (DATA / f"{name}.txt").read_text(encoding="utf-8").splitlines():
        tag, when = line.split(" ")
        out.append((tag, datetime.datetime.fromisoformat(when)))
    return out


@pytest.mark.parametrize("name, count", [("pip", 165), ("trio", 43), ("pytest", 224)])
def test_pep440_reads_orders_and_writes_every_real_tag_as_packaging_does(name, count):
    names = [t for t, _ in _tags(name)]
    assert len(names) == count
    ours = {t: pep440.try_parse(t) for t in names}
    theirs = {}
    for t in names:
        try:
            theirs[t] = PyPAVersion(t)
        except InvalidVersion:
            pass
    assert {t for t, v in ours.items() if v is not None} == set(theirs)
    assert all(str(ours[t]) == str(theirs[t]) for t in theirs)
    assert sorted(theirs, key=lambda t: ours[t]) == sorted(theirs, key=lambda t: theirs[t])


def test_pips_calendar_tags_read_as_yy_n():
    cal = calver.CalVer("YY.N")
    since_18 = [t for t, _ in _tags("pip") if t.split(".")[0].isdigit() and int(t.split(".")[0]) >= 18]
    read = {t: cal.try_parse(t) for t in since_18}
    assert sorted(t for t, v in read.items() if v is None) == ["20.1b1", "20.2b1", "20.3b1", "22.1b1", "24.1b1",
                                                               "24.1b2"]  # CalVer has no pre-releases
    assert all(str(v) == t for t, v in read.items() if v is not None)
    assert max((v for v in read.values() if v is not None)) == cal.parse("26.2.1")


def _replay(root: Path, tags: list[tuple[str, datetime.datetime]]) -> None:
    """One commit per tag, dated as the tag, and the tag on it (one git fast-import)."""
    stream = []
    for i, (tag, when) in enumerate(sorted(tags, key=lambda t: t[1]), 1):
        stamp = int(when.timestamp())
        stream += ["commit refs/heads/main", f"mark :{i}", f"committer T <t@example.com> {stamp} +0000",
                   f"data {len(tag)}", tag] + ([f"from :{i - 1}"] if i > 1 else [])
        stream += [f"reset refs/tags/{tag}", f"from :{i}", ""]
    subprocess.run(["git", "fast-import", "--quiet"], cwd=root, input="\n".join(stream) + "\n", text=True,
                   check=True, capture_output=True)
    subprocess.run(["git", "reset", "-q", "--mixed", "main"], cwd=root, check=True)


def test_pytests_real_tags_count_from_9_1_1_not_the_stray_v7_4_3(project):
    newest = _tags("pytest")[:40]
    assert "v7.4.3" in [t for t, _ in newest]  # the stray old tag is among them
    _replay(project.root, newest)
    project.write("relnotes.yaml", PLAIN + "versioning: pep440\n")
    project.write("RELEASES.md", NOTES_UNRELEASED)
    project.fragment("fix.md", "Fixed", "A fix.")
    data = json.loads(project.run("next", "--format", "json").output)
    # a one-branch project (the plain preset's): a fix after 9.1.1 is 9.1.2 (with release branches,
    # main's next release would start the 9.2 line)
    assert data["current"] == "9.1.1" and data["version"] == "9.1.2"
    assert data["basis"] == ("tag 9.1.1 (tags are {version}: 20 of the 20 newest version tags) "
                             "(the notes record no released section)")
    project.write("relnotes.yaml", PLAIN)  # semver: 9.2.0.dev0 is not a version, the style is the same
    assert json.loads(project.run("next", "--format", "json").output)["current"] == "9.1.1"


def test_pips_real_tags_give_the_calendars_next(project):
    _replay(project.root, _tags("pip")[:20])
    project.write("relnotes.yaml", PLAIN + "versioning: calver\ncalver: YY.N\n")
    project.write("RELEASES.md", NOTES_UNRELEASED)
    project.fragment("fix.md", "Fixed", "A fix.")
    assert project.run("next", "--on", "2026-12-07", "--format", "version").output.strip() == "26.2.2"
    project.fragment("feature.md", "Added", "A feature.")
    assert project.run("next", "--on", "2026-12-07", "--format", "version").output.strip() == "26.3"
    assert project.run("next", "--on", "2027-01-15", "--format", "version").output.strip() == "27.0"


def test_trios_real_v_tags(project):
    _replay(project.root, _tags("trio")[:10])
    project.write("relnotes.yaml", PLAIN + "versioning: pep440\n")
    project.write("RELEASES.md", NOTES_UNRELEASED)
    project.fragment("feature.md", "Added", "A feature.")
    data = json.loads(project.run("next", "--format", "json").output)
    # one branch, below 1.0.0 (bump.zero_shift): a feature is 0.34.1; release branches would open 0.35.0
    assert (data["current"], data["version"]) == ("0.34.0", "0.34.1")
    assert data["basis"].startswith("tag v0.34.0 (tags are v{version}: 10 of the 10 newest")
