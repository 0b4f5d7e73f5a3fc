"""upgrade: a security fix on a release line off the path is listed even when the
configuration marks it breaking (``breaking_changes.style: prefix``)."""

from __future__ import annotations

import json

import pytest

NOTES = """# Changelog

## [Unreleased]

## [2.0.0] - 2026-03-01

### Added

- Second.

## [1.0.1] - 2026-02-01

### Security

- {prefix}Template values are escaped; GHSA-2345-6789-cfgh.

## [1.0.0] - 2026-01-01

### Added

- First.
"""


@pytest.mark.parametrize("prefix", ["**Breaking:** ", ""])
def test_a_breaking_advisory_off_the_path_is_still_listed(project, prefix):
    (project.root / "relnotes.yaml").unlink()
    assert project.run("init", "--preset", "keepachangelog", "--project", "Demo",
                       "--repository", "https://github.com/o/demo").exit_code == 0
    project.write("relnotes.yaml", project.read("relnotes.yaml") + "breaking_changes: {style: prefix}\n")
    project.write("CHANGELOG.md", NOTES.format(prefix=prefix))
    project.commit("notes")
    r = project.run("upgrade", "1.0.0", "2.0.0", "--format", "json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert data["skipped"] == ["1.0.1"]
    groups = {g["id"]: g["entries"] for g in data["groups"]}
    assert [(e["release"], e["advisories"], e["breaking"]) for e in groups["security"]] == [
        ("1.0.1", ["GHSA-2345-6789-cfgh"], bool(prefix))]
    assert groups["breaking"] == []
    assert "GHSA-2345-6789-cfgh" in project.run("upgrade", "1.0.0", "2.0.0").stdout
