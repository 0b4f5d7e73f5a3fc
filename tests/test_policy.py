"""Schedule, support windows, backports and `when`, from the policy and the repository."""

from __future__ import annotations

import json

import pytest
from conftest import corpus

RFC_2022 = ("schedule: {anchor_version: 1, anchor_date: 2022-09-20}\n"
            "support: {lts_every: 5, lts_since: 0, lts_releases: 10, normal_releases: 1}\n")


def versions(project, *args):
    r = project.run("support", "--format", "json", *args)
    assert r.exit_code == 0, r.output
    return [row["version"] for row in json.loads(r.stdout)]


def test_support_matches_wasmtimes_documented_example(project):
    assert versions(project, "--on", "2025-11-25") == ["39.0.0", "38.0.0", "36.0.0", "24.0.0"]


def test_support_on_the_day_of_ghsa_vqjp(project):
    """2026-08-20: 48 released; 47, 46, 36 and 24 got GHSA-vqjp-4c8c-hfgg (end dates inclusive)."""
    assert versions(project, "--on", "2026-08-20") == ["48.0.0", "47.0.0", "46.0.0", "36.0.0", "24.0.0"]
    rows = json.loads(project.run("support", "--on", "2026-08-20", "--format", "json").stdout)
    assert rows[-1] == {"version": "24.0.0", "lts": True, "released": "2024-08-20", "end_of_support": "2026-08-20"}
    assert versions(project, "--on", "2026-08-21")[-1] == "36.0.0"


def test_lts_policy_starts_at_24(project):
    """docs/stability-release.md: the LTS policy began with 24.0.0; 12.0.0 was never an LTS."""
    rows = json.loads(project.run("support", "--on", "2023-08-25", "--format", "json").stdout)
    assert [(r["version"], r["lts"]) for r in rows] == [("12.0.0", False), ("11.0.0", False)]
    assert rows[0]["end_of_support"] == "2023-10-20"  # a normal release's two months
    project.write("relnotes.yaml", project.read("relnotes.yaml") + "support: {lts_since: 0}\n")
    rows = json.loads(project.run("support", "--on", "2023-08-25", "--format", "json").stdout)
    assert (rows[0]["version"], rows[0]["lts"], rows[0]["end_of_support"]) == ("12.0.0", True, "2025-08-20")
    project.write("relnotes.yaml", project.read("relnotes.yaml").replace("lts_since: 0", "lts_since: -1"))
    r = project.run("support")
    assert r.exit_code == 2 and "relnotes.yaml:4:11: 'support.lts_since' must be a non-negative whole number" in r.stderr


def test_rfc_2022_policy_is_configuration(project):
    project.write("relnotes.yaml", project.read("relnotes.yaml") + RFC_2022)
    # "current 12 → 12, 10 and 5 get a security patch"
    assert versions(project, "--on", "2023-08-25") == ["12.0.0", "10.0.0", "5.0.0"]


def test_schedule(project):
    """The wasmtime preset moves a weekend release to the Monday after (issue 30): 49.0.0's
    20th, 2026-09-20, is a Sunday, so it is expected Monday 2026-09-21."""
    r = project.run("schedule", "--from", "2026-08-06", "--count", "2", "--format", "json")
    assert json.loads(r.stdout) == [
        {"version": "48.0.0", "cut": "2026-08-05", "release": "2026-08-20"},
        {"version": "49.0.0", "cut": "2026-09-05", "release": "2026-09-21"}]


@pytest.mark.parametrize(("rule", "day"), [("keep", "2026-09-20"), ("next-monday", "2026-09-21"),
                                           ("monday", "2026-09-21"), ("previous-friday", "2026-09-18")])
def test_weekend_rule_is_configuration(project, rule, day):
    project.write("relnotes.yaml", project.read("relnotes.yaml") + f"schedule: {{weekend: {rule}}}\n")
    r = project.run("schedule", "--from", "2026-09-01", "--count", "1", "--format", "json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)[0]["release"] == day  # 2026-09-20 is a Sunday


def test_weekend_release_keeps_its_support_window_and_when(project):
    """46.0.0 (Saturday 2026-06-20) ships Monday 2026-06-22, as the real one did; its two months
    of support still end on the 20th, and 'when' gives the moved date for a change on main."""
    rows = {r["version"]: r for r in json.loads(project.run("support", "--on", "2026-07-01", "--format",
                                                              "json").stdout)}
    assert rows["46.0.0"]["released"] == "2026-06-22" and rows["46.0.0"]["end_of_support"] == "2026-08-20"
    r = project.run("support", "--on", "2026-06-21", "--format", "json")
    assert "46.0.0" not in [row["version"] for row in json.loads(r.stdout)]  # not out on the Sunday


def test_weekend_rule_unknown_is_refused(project):
    project.write("relnotes.yaml", project.read("relnotes.yaml") + "schedule: {weekend: sunday}\n")
    r = project.run("schedule")
    assert r.exit_code == 2 and "next-monday" in r.stderr


def test_support_svg_is_a_timeline(project):
    r = project.run("support", "--on", "2026-08-20", "--format", "svg")
    assert r.exit_code == 0
    svg = r.stdout
    assert svg.startswith("<svg xmlns=\"http://www.w3.org/2000/svg\"") and svg.rstrip().endswith("</svg>")
    assert "36.0.0 LTS" in svg and "#1f6feb" in svg and "2026-08-20" in svg
    import xml.dom.minidom
    xml.dom.minidom.parseString(svg)  # well-formed


def test_support_svg_of_a_project_not_yet_released_starts_near_today(project):
    """First release ahead (1.0.0 on 2027-01-20, asked on 2026-11-30): the axis begins the month
    before today, not 14 empty months back (issue 19 follow-up); today's line and the bar show."""
    import re
    import xml.dom.minidom
    from datetime import date

    from relnotes.config import load as config
    from relnotes.policy import calendar as policy

    project.write("relnotes.yaml", "preset: plain\nproject: Demo\nrepository: https://github.com/acme/demo\n"
                  "schedule: {cadence: monthly, anchor_version: 1, anchor_date: 2027-01-20}\n")
    r = project.run("support", "--on", "2026-11-30", "--format", "svg")
    assert r.exit_code == 0, r.output
    svg = r.stdout
    xml.dom.minidom.parseString(svg)
    labels = re.findall(r">([A-Z][a-z]{2} \d{4})</text>", svg)
    assert labels[0] == "Oct 2026" and not any(label.endswith("2025") for label in labels), labels
    assert '<line x1="110.0" y1="40"' in svg  # the first month line is the axis' left edge
    assert ">1.0.0</text>" in svg and "1.0.0: 2027-01-20 to 2027-02-19" in svg
    cfg = config.load(project.root / "relnotes.yaml")
    on = date(2026, 11, 30)
    assert policy.axis_start(on, policy.timeline(cfg, on)) == date(2026, 10, 1)


def test_support_svg_with_history_keeps_14_months_back(project):
    """Releases before today: the axis still reaches 14 months back (or to an older bar)."""
    from datetime import date

    from relnotes.config import load as config
    from relnotes.policy import calendar as policy

    cfg = config.load(project.root / "relnotes.yaml")
    on = date(2025, 11, 25)
    rows = policy.timeline(cfg, on)
    assert policy.axis_start(on, rows) == min(date(2024, 9, 1), *(w.released.replace(day=1) for w in rows))
    assert policy.axis_start(date(2022, 10, 1), policy.timeline(cfg, date(2022, 10, 1))) == date(2021, 8, 1)


@pytest.mark.parametrize("args", [["support", "--on", "2026-02-30"], ["schedule", "--from", "x"],
                                  ["support", "--format", "pdf"], ["schedule", "--count", "0"]])
def test_policy_flag_errors(project, args):
    r = project.run(*args)
    assert r.exit_code == 2 and "error:" in r.stderr.lower()  # ours, or click's "Error:"


# -- scenario repository: branches, tags, cherry-picks ---------------------------------------


@pytest.fixture
def scenario(project):
    """main with 48.0.0 cut (tagged, released), 47/46/36/24 branches, fixes in flight."""
    p = project
    p.write("RELEASES.md", corpus("main.RELEASES.md").replace("49.0.0", "48.0.0"))
    p.write("src.rs", "0\n")
    p.commit("Initial (#1)")
    for v, day in (("24.0.0", "2024-08-20"), ("36.0.0", "2025-08-20"), ("46.0.0", "2026-06-20"),
                   ("47.0.0", "2026-07-20")):
        p.git("switch", "-q", "-c", f"release-{v}")
        p.write("RELEASES.md", f"## {v}\n\nReleased {day}.\n\n### Fixed\n\n" + "-" * 80 + "\n")
        p.commit(f"Release Wasmtime {v}")
        p.git("switch", "-q", "main")
    p.write("src.rs", "1\n")
    feature = p.commit("Feature in 48 (#10)")
    p.git("branch", "release-48.0.0")
    p.git("switch", "-q", "release-48.0.0")
    p.write("RELEASES.md", corpus("main.RELEASES.md").replace("49.0.0", "48.0.0").replace("Unreleased.", "Released 2026-08-20."))
    p.commit("Release Wasmtime 48.0.0")
    p.git("tag", "v48.0.0")
    p.git("switch", "-q", "main")
    p.write("RELEASES.md", corpus("main.RELEASES.md"))  # main bumped to 49.0.0
    p.commit("Bump Wasmtime to 49.0.0")
    p.write("src.rs", "2\n")
    later = p.commit("Feature after the cut (#11)")
    p.write("wasi.rs", "fixed\n")
    p.fragment("fix.md", "Security", "Fixed `path_open(TRUNCATE)`.", prs="[12]",
               advisories="[GHSA-vqjp-4c8c-hfgg]", backport="true")
    fix = p.commit("Fix path_open (#12)")
    # backported by cherry-pick -x to 47 and by a notes entry on 36; 46 and 24 still lack it
    p.git("switch", "-q", "release-47.0.0")
    p.git("cherry-pick", "-x", fix)
    p.git("switch", "-q", "release-36.0.0")
    p.write("RELEASES.md", "## 36.0.9\n\nUnreleased.\n\n### Fixed\n\n* Fixed it.\n"
            "  [GHSA-vqjp-4c8c-hfgg](https://github.com/bytecodealliance/wasmtime/security/advisories/GHSA-vqjp-4c8c-hfgg)\n"
            "\n" + "-" * 80 + "\n\n" + p.read("RELEASES.md"))
    p.commit("release-36.0.0: backport")
    p.git("switch", "-q", "main")
    return {"feature": feature, "later": later, "fix": fix}


def test_backports_shows_present_and_missing(scenario, project):
    r = project.run("backports", "--on", "2026-08-20", "--format", "json")
    assert r.exit_code == 0, r.output
    (row,) = json.loads(r.stdout)
    assert row["change"] == "GHSA-vqjp-4c8c-hfgg" and row["fragment"] == "changes.d/fix.md"
    # 47 has a cherry-pick -x of the fix, 36 a notes entry naming the advisory;
    # 48 was cut before the fix, 46 and 24 never got it
    assert sorted(row["present"]) == ["release-36.0.0", "release-47.0.0"]
    assert sorted(row["missing"]) == ["release-24.0.0", "release-46.0.0", "release-48.0.0"]
    r = project.run("backports", "--on", "2026-08-20", "--check")
    assert r.exit_code == 1
    assert "missing: release-48.0.0, release-46.0.0, release-24.0.0" in r.stdout


def test_when_for_each_kind_of_commit(scenario, project):
    def when(target):
        r = project.run("when", target, "--format", "json")
        assert r.exit_code == 0, r.output
        return json.loads(r.stdout)

    w = when(scenario["feature"])
    assert (w["version"], w["branch"], w["status"], w["date"]) == ("48.0.0", "release-48.0.0", "released", "2026-08-20")
    w = when("#10")
    assert w["commit"] == scenario["feature"] and w["version"] == "48.0.0"
    w = when(scenario["later"])  # only on main: ships with the next cut
    assert (w["version"], w["branch"], w["status"], w["date"]) == ("49.0.0", None, "upcoming", "2026-09-21")  # a Sunday: the Monday after
    # cherry-picked to 47 after 47.0.0 was released: the next patch of the oldest branch with it
    w = when(scenario["fix"])
    assert (w["version"], w["branch"], w["status"], w["date"]) == ("47.0.1", "release-47.0.0", "upcoming", None)
    r = project.run("when", scenario["fix"])
    assert r.stdout.startswith(scenario["fix"][:12] + " will ship in 47.0.1 from release-47.0.0")
    r = project.run("when", "deadbeef")
    assert r.exit_code == 2 and "'deadbeef' is not a commit" in r.stderr
    r = project.run("when", "#999")
    assert r.exit_code == 2 and "no commit with '(#999)'" in r.stderr


def test_when_names_the_release_candidate_and_never_counts_it_as_a_release(scenario, project):
    """A change in 49.0.0-rc.1 is 'in 49.0.0-rc.1, to be released as 49.0.0'; the
    candidate's tag is never taken for the release, and the final tag wins once it exists."""
    p = project
    p.git("switch", "-q", "-c", "release-49.0.0")
    p.write("src.rs", "rc\n")
    rc_fix = p.commit("Fix found in the candidate (#13)")
    p.git("tag", "v49.0.0-rc.2")
    p.git("tag", "v49.0.0-rc.1", scenario["later"])  # rc.1 predates the fix
    p.git("switch", "-q", "main")
    r = p.run("when", rc_fix, "--format", "json")
    w = json.loads(r.stdout)
    assert (w["version"], w["status"], w["candidate"]) == ("49.0.0", "upcoming", "49.0.0-rc.2"), r.output
    later = json.loads(p.run("when", scenario["later"], "--format", "json").stdout)
    assert (later["version"], later["status"], later["candidate"]) == ("49.0.0", "upcoming", "49.0.0-rc.1")
    r = p.run("when", rc_fix)
    assert r.stdout.startswith(f"{rc_fix[:12]} is in 49.0.0-rc.2, to be released as 49.0.0 from release-49.0.0 on ")
    p.git("tag", "v49.0.0", "release-49.0.0")
    w = json.loads(p.run("when", rc_fix, "--format", "json").stdout)
    assert (w["version"], w["status"], w["candidate"]) == ("49.0.0", "released", None)


def test_the_anchor_release_keeps_its_given_date(project):
    """The anchor is a fact: 40.0.0 shipped on Saturday 2025-12-20, and stays there under the
    weekend rule; the preset's 20.0.0 is Wasmtime's real Monday 2024-04-22."""
    project.write("relnotes.yaml", project.read("relnotes.yaml")
                  + "schedule: {anchor_version: 40, anchor_date: 2025-12-20}\n")
    rows = {r["version"]: r for r in json.loads(project.run("support", "--on", "2026-01-01", "--format",
                                                              "json").stdout)}
    assert rows["40.0.0"]["released"] == "2025-12-20"
    project.write("relnotes.yaml", "preset: wasmtime\n")
    r = project.run("schedule", "--from", "2024-04-01", "--count", "1", "--format", "json")
    assert json.loads(r.stdout)[0]["release"] == "2024-04-22"
