"""Honest defaults: a project made with ``relnotes init`` and no Wasmtime preset never sees
Wasmtime's name, repository, versions or calendar; the calendar and support policy are
opt-in; ``init`` asks (at a terminal, or ``--ask``) or takes flags and writes the choice."""

from __future__ import annotations

import json
import os
import re
import shutil
from datetime import date

import pytest

from relnotes.flows import scaffold

DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def _past_dates(text: str) -> list[str]:
    today = date.today().isoformat()
    return [m[0] for m in DATE.finditer(text) if m[0] < today]


def _assert_honest(text: str) -> None:
    assert "wasmtime" not in text.casefold() and "bytecodealliance" not in text
    assert not _past_dates(text), text


@pytest.fixture
def plain(project):
    """A repository set up by ``relnotes init`` with no preset flag and no terminal."""
    (project.root / "relnotes.yaml").unlink()
    shutil.rmtree(project.root / "changes.d")
    r = project.run("init", "--version", "1.0.0")
    assert r.exit_code == 0, r.output
    project.commit("Set up relnotes (#1)")
    return project


# -- a plain project: every command, no Wasmtime, no past date ----------------------------------------

NO_CALENDAR = "no release calendar is configured"


@pytest.mark.parametrize("args", [
    ("schedule",), ("schedule", "--format", "json", "--count", "3"),
    ("support",), ("support", "--format", "json"), ("support", "--format", "svg"),
    ("backports",), ("backports", "--check", "--format", "json"),
])
def test_policy_commands_without_a_calendar_say_how_to_configure_one(plain, args):
    r = plain.run(*args)
    assert r.exit_code == 2, r.output
    assert r.stdout == ""  # no table, no svg, no partial answer
    assert f"error: relnotes.yaml: {NO_CALENDAR}" in r.stderr
    assert "schedule: {cadence: monthly, anchor_version: 1, anchor_date: " in r.stderr
    assert "preset: wasmtime" in r.stderr and "Traceback" not in r.stderr


def test_the_no_calendar_hint_of_a_semver_project_promises_no_monthly_major(plain):
    """A monthly calendar dates majors; a semver project makes a major only for a breaking
    change, so its hint must not say "a new major every month" (issue 19 follow-up)."""
    r = plain.run("schedule")
    assert r.exit_code == 2 and "Traceback" not in r.output
    hint = r.stderr
    assert "a new major every month" not in hint
    assert "a calendar dates major versions" in hint and "a major only for a breaking change" in hint
    assert "versioning: major-per-release  makes every release the next major" in hint
    assert "schedule: {cadence: monthly, anchor_version: 1, anchor_date: " in hint


def test_the_no_calendar_hint_of_a_major_per_release_project_says_a_major_a_month(plain):
    plain.write("relnotes.yaml", plain.read("relnotes.yaml") + "versioning: major-per-release\n")
    r = plain.run("support")
    assert r.exit_code == 2 and "Traceback" not in r.output
    assert "(1.0.0 on that date, a new major every month;" in r.stderr
    assert "under semver" not in r.stderr


def test_a_plain_project_from_init_shows_nothing_of_wasmtime(plain):
    cfg_text = plain.read("relnotes.yaml")
    assert "preset: plain\n" in cfg_text and f"project: {plain.root.name}\n" in cfg_text
    _assert_honest(cfg_text + plain.read("RELEASES.md"))
    plain.run("new", "-s", "Added", "--pr", "12", "--issue", "3", "-m", "A shiny new thing.")
    plain.run("new", "-s", "Security", "--advisory", "GHSA-vqjp-4c8c-hfgg", "-m", "A fix.")
    outputs = []
    for args in (("check",), ("check", "--format", "json"), ("build", "--draft"), ("build",), ("show",),
                 ("show", "--format", "json"), ("show", "--format", "page"), ("when", "HEAD"),
                 ("when", "HEAD", "--format", "json"), ("history", "--format", "json")):
        r = plain.run(*args)
        assert r.exit_code == 0, (args, r.output)
        outputs.append(r.output)
    _assert_honest("\n".join(outputs) + plain.read("RELEASES.md"))
    # no repository known (no origin remote): references are plain text, never a broken link
    assert "* A shiny new thing.\n  #12\n  #3\n" in plain.read("RELEASES.md")
    assert "  GHSA-vqjp-4c8c-hfgg\n" in plain.read("RELEASES.md")
    assert "](" not in plain.read("RELEASES.md") and "/pull/" not in "\n".join(outputs)


def test_when_without_a_calendar_says_the_next_release_and_no_date(plain):
    r = plain.run("when", "HEAD")
    sha = plain.git("rev-parse", "HEAD")
    assert r.exit_code == 0 and r.stdout == f"{sha[:12]} will ship in the next release (1.0.0 in RELEASES.md)\n"
    data = json.loads(plain.run("when", "HEAD", "--format", "json").stdout)
    assert (data["status"], data["version"], data["date"], data["branch"]) == ("upcoming", "1.0.0", None, None)
    # once branched: what git knows (the branch and its version), still no invented date
    plain.run("new", "-s", "Added", "--pr", "2", "-m", "Second.")
    plain.run("build")
    plain.commit("Notes (#2)")
    assert plain.run("cut", "--commit").exit_code == 0
    r = plain.run("when", "#2")
    assert r.exit_code == 0 and r.stdout.strip().endswith("will ship in 1.0.0 from release-1.0.0"), r.output
    assert not DATE.search(r.stdout)
    # released: the date is the project's own release date, from its notes
    plain.git("switch", "-q", "release-1.0.0")
    assert plain.run("release", "--date", "2099-01-20", "--commit").exit_code == 0
    plain.git("switch", "-q", "main")
    r = plain.run("when", "#2")
    assert "shipped in 1.0.0 (release-1.0.0), released 2099-01-20" in r.stdout, r.output


def test_when_under_semver_dates_only_what_the_calendar_dates(project):
    """A calendar dates majors (major N ships on its day as N.0.0).  Under semver a pending
    1.1.0 is not major 1's release: ``when`` once said 'expected' with 1.0.0's day, a date
    already past by then; it says "the next release" as a project without a calendar does."""
    (project.root / "relnotes.yaml").unlink()
    r = project.run("init", "--project", "Demo", "--version", "1.0.0", "--cadence", "monthly",
                    "--first-release", "2030-01-20")
    assert r.exit_code == 0, r.output
    project.commit("Set up relnotes (#1)")
    r = project.run("when", "HEAD")  # 1.0.0 is major 1: the calendar says when it ships
    assert r.exit_code == 0 and r.stdout.endswith("will ship in 1.0.0 (next cut), expected 2030-01-20\n"), r.output
    assert project.run("cut", "--commit").exit_code == 0  # main's notes now start 1.1.0
    project.run("new", "-s", "Added", "--pr", "2", "-m", "Second.")
    project.run("build")
    project.commit("Notes (#2)")
    sha = project.git("rev-parse", "HEAD")[:12]
    r = project.run("when", "#2")
    assert r.exit_code == 0 and r.stdout == f"{sha} will ship in the next release (1.1.0 in RELEASES.md)\n", r.output
    data = json.loads(project.run("when", "#2", "--format", "json").stdout)
    assert (data["status"], data["version"], data["date"], data["branch"]) == ("upcoming", "1.1.0", None, None)
    # branched: the branch and its version, still no date (with or without a versioned section)
    assert project.run("cut", "--commit").exit_code == 0
    r = project.run("when", "#2")
    assert r.exit_code == 0 and r.stdout == f"{sha} will ship in 1.1.0 from release-1.1.0\n", r.output
    project.git("switch", "-q", "release-1.1.0")
    project.write("RELEASES.md", "## Unreleased\n\nUnreleased.\n")
    project.commit("Unversioned notes")
    project.git("switch", "-q", "main")
    r = project.run("when", "#2")
    assert r.exit_code == 0 and r.stdout == f"{sha} will ship in 1.1.0 from release-1.1.0\n", r.output
    # a major under semver is what the calendar dates: major 2 on the release day a month on
    project.write("RELEASES.md", project.read("RELEASES.md").replace("## 1.2.0\n", "## 2.0.0\n", 1))
    project.commit("Breaking (#3)")
    r = project.run("when", "#3")
    assert r.exit_code == 0 and r.stdout.endswith("will ship in 2.0.0 (next cut), expected 2030-02-20\n"), r.output


def test_site_without_a_policy_has_no_timeline_or_support_columns(plain):
    r = plain.run("site", "public")
    assert r.exit_code == 0, r.output
    index = plain.read("public/index.html")
    assert "Support timeline" not in index and "<svg" not in index
    assert "End of support" not in index and "<th>LTS</th>" not in index
    assert "<th>Released</th>" in index and f"{plain.root.name} releases" in index
    _assert_honest(index)


def test_archive_without_a_repository_says_to_set_one(project):
    (project.root / "relnotes.yaml").unlink()
    shutil.rmtree(project.root / "changes.d")
    assert project.run("init", "--version", "1.0.0", "--branching", "release-branches").exit_code == 0
    project.commit("Set up relnotes (#1)")
    plain = project
    plain.run("new", "-s", "Added", "--pr", "2", "-m", "Second.")
    plain.run("build")
    plain.commit("Notes (#2)")
    assert plain.run("cut", "--commit").exit_code == 0  # cut itself works; it adds no link it cannot make
    assert "](" not in plain.read("RELEASES.md")
    r = plain.run("archive")
    assert r.exit_code == 2 and "no 'repository' is configured" in r.stderr and "repository: https://" in r.stderr


# -- opting in: a monthly calendar, or the wasmtime preset --------------------------------------------


def test_init_with_a_monthly_calendar_plans_from_the_projects_own_date(project):
    (project.root / "relnotes.yaml").unlink()
    r = project.run("init", "--version", "2.0.0", "--cadence", "monthly", "--first-release", "2030-03-15",
                    "--cut-day", "1", "--lts-every", "4", "--lts-months", "12", "--support-months", "1")
    assert r.exit_code == 0, r.output
    text = project.read("relnotes.yaml")
    assert "schedule: {cadence: monthly, cut_day: 1, release_day: 15, anchor_version: 2, anchor_date: 2030-03-15}\n" \
        in text and "support: {lts_every: 4, lts_months: 12, normal_months: 1}\n" in text
    rows = json.loads(project.run("schedule", "--from", "2030-03-01", "--count", "3", "--format", "json").stdout)
    assert rows == [{"version": "2.0.0", "cut": "2030-03-01", "release": "2030-03-15"},
                    {"version": "3.0.0", "cut": "2030-04-01", "release": "2030-04-15"},
                    {"version": "4.0.0", "cut": "2030-05-01", "release": "2030-05-15"}]
    rows = json.loads(project.run("support", "--on", "2030-05-15", "--format", "json").stdout)
    assert [(r["version"], r["lts"], r["end_of_support"]) for r in rows] == [
        ("4.0.0", True, "2031-05-15"), ("3.0.0", False, "2030-05-15")]


def test_init_with_the_wasmtime_preset_anchors_its_calendar_on_this_project(project):
    (project.root / "relnotes.yaml").unlink()
    r = project.run("init", "--preset", "wasmtime", "--version", "5.0.0", "--first-release", "2030-01-20")
    assert r.exit_code == 0, r.output
    rows = json.loads(project.run("support", "--on", "2030-04-25", "--format", "json").stdout)
    # Wasmtime's policy (two months; LTS from 24.0.0 on), with this project's own dates
    assert [(r["version"], r["end_of_support"]) for r in rows] == [("8.0.0", "2030-06-20"), ("7.0.0", "2030-05-20")]


def test_calendar_keys_without_a_cadence_mean_monthly(project):
    project.write("relnotes.yaml", "schedule: {anchor_version: 1, anchor_date: 2030-01-20}\n")
    r = project.run("schedule", "--from", "2030-01-01", "--count", "1", "--format", "json")
    assert json.loads(r.stdout) == [{"version": "1.0.0", "cut": "2030-01-05", "release": "2030-01-20"}]
    # with no support keys, a release is supported until the next one ships
    rows = json.loads(project.run("support", "--on", "2030-02-19", "--format", "json").stdout)
    assert rows == [{"version": "1.0.0", "lts": False, "released": "2030-01-20", "end_of_support": "2030-02-19"}]
    project.write("relnotes.yaml", "schedule: {cadence: monthly}\n")
    r = project.run("new", "-s", "Added", "-m", "x")
    assert r.exit_code == 2 and "a monthly release calendar needs schedule.anchor_version and " \
                                "schedule.anchor_date" in r.stderr


@pytest.mark.parametrize("args, message", [
    (("--cadence", "none", "--lts-every", "12"), "--cadence none takes no calendar or support flags"),
    (("--lts-months", "12", "--first-release", "2030-01-20"), "--lts-months needs --lts-every N"),
    (("--first-release", "2030-02-30"), "--first-release '2030-02-30' is not a real date"),
    (("--first-release", "2030-01-31"), "is on day 31; releases go on days 1 to 28"),
    (("--first-release", "2030-01-10", "--cut-day", "12"), "--cut-day 12 comes after the release day 10"),
    (("--lts-every", "5000"), "--lts-every must be from 1 to 1000"),
    (("--repository", "git@github.com:o/r.git"), "must be the web address of the repository"),
    (("--repository", "https://me:secret@example.org/r"), "no user name or password"),
    (("--version", "one"), "is not a version"),
    (("--preset", "cargo"), "Invalid value for '--preset'"),
])
def test_init_refuses_bad_flags_and_writes_nothing(project, args, message):
    (project.root / "relnotes.yaml").unlink()
    before = project.snapshot_tree()
    r = project.run("init", "--no-ask", *args)
    assert r.exit_code == 2 and message in r.stderr, r.output
    assert project.snapshot_tree() == before


# -- the repository, from origin -------------------------------------------------------------------------


@pytest.mark.parametrize("remote, web", [
    ("git@github.com:acme/widget.git", "https://github.com/acme/widget"),
    ("https://github.com/acme/widget.git", "https://github.com/acme/widget"),
    ("https://user:token@gitlab.example.org/group/sub/widget/", "https://gitlab.example.org/group/sub/widget"),
    ("ssh://git@git.example.org:2222/acme/widget.git", "https://git.example.org/acme/widget"),
    ("http://localhost:8080/acme/widget", "http://localhost:8080/acme/widget"),
    ("/srv/git/widget.git", None), ("file:///srv/git/widget.git", None), ("../widget", None),
    ("https://github.com/acme/widget?x=<script>", None), ("git@github.com:/abs/path", None),
    ("ext::sh -c touch% /tmp/pwned", None), ("-uhttps://x/y", None),
    ("https://github.com/acme/../../evil", None), ("git@github.com:acme/.hidden.git", None),
])
def test_web_url_of_a_remote_keeps_no_credentials(remote, web):
    assert scaffold.web_url(remote) == web


def test_init_takes_the_repository_from_origin(project):
    (project.root / "relnotes.yaml").unlink()
    project.git("remote", "add", "origin", "https://ci:ghp_SECRET@github.com/acme/widget.git")
    assert project.run("init").exit_code == 0
    text = project.read("relnotes.yaml")
    assert 'repository: "https://github.com/acme/widget"\n' in text and "SECRET" not in text
    project.run("new", "-s", "Added", "--pr", "9", "-m", "Linked.")
    project.run("build")
    assert "  [#9](https://github.com/acme/widget/pull/9)\n" in project.read("RELEASES.md")


# -- what init writes, per preset ---------------------------------------------------------------------------


@pytest.mark.parametrize("preset, extra", [
    ("plain", ()), ("wasmtime", ("--first-release", "2030-01-20")), ("keepachangelog", ()),
    ("plain", ("--cadence", "monthly", "--first-release", "2030-01-20", "--lts-every", "6")),
], ids=["plain", "wasmtime", "keepachangelog", "plain-monthly-lts"])
def test_init_writes_the_chosen_configuration(project, md_snapshot, preset, extra):
    (project.root / "relnotes.yaml").unlink()
    r = project.run("init", "--no-ask", "--project", "Demo", "--repository", "https://example.org/demo",
                    "--version", "1.0.0", "--preset", preset, *extra)
    assert r.exit_code == 0, r.output
    text = project.read("relnotes.yaml")
    assert f"preset: {preset}\n" in text
    assert text == md_snapshot


# -- prompts -------------------------------------------------------------------------------------------------


def test_init_asks_for_what_is_not_given(project):
    (project.root / "relnotes.yaml").unlink()
    answers = "\n".join([
        "Widget",                    # project
        "git@github.com:a/b.git",    # not a web address: asked again
        "https://github.com/acme/widget",
        "cargo", "1",                # preset: a typo, then plain
        "1.2",                       # not a version
        "1.0.0",
        "weekly", "monthly",         # calendar
        "2030-02-31", "2030-01-20",  # first release date
        "25",                        # cut day after the release day: asked again
        "5",
        "12",                        # LTS every 12
        "",                          # LTS months: the default (24)
        "2",                         # normal support months
    ]) + "\n"
    r = project.run("init", "--ask", input=answers)
    assert r.exit_code == 0, r.output
    for said in ("must be the web address", "'cargo' is not one of them", "'1.2' is not a version",
                 "'weekly' is not one of them", "'2030-02-31' is not a date", "'25': type a whole number from 1 to 20",
                 "  1) plain: the relnotes format, no release calendar"):
        assert said in r.output, said
    text = project.read("relnotes.yaml")
    assert 'project: Widget\n' in text and 'repository: "https://github.com/acme/widget"\n' in text
    assert "preset: plain\n" in text
    assert "schedule: {cadence: monthly, cut_day: 5, release_day: 20, anchor_version: 1, anchor_date: 2030-01-20}\n" \
        in text and "support: {lts_every: 12, lts_months: 24, normal_months: 2}\n" in text


def test_init_prompts_offer_the_defaults_and_enter_takes_them(project):
    (project.root / "relnotes.yaml").unlink()
    r = project.run("init", "--ask", input="\n" * 6)
    assert r.exit_code == 0, r.output
    assert "Branching [1-2] [one-branch]:" in r.output  # no calendar: asked, one branch by default
    text = project.read("relnotes.yaml")
    assert f"project: {project.root.name}\n" in text and "preset: plain\n" in text
    assert "branching" not in text  # the plain preset's own
    assert not re.search(r"^(schedule|support):", text, re.M)
    assert "## 0.1.0\n" in project.read("RELEASES.md")


def test_init_at_a_terminal_asks_and_writes(project, tmp_path):
    pytest.importorskip("pty")
    from test_new_interactive import Terminal

    (project.root / "relnotes.yaml").unlink()
    env = dict(os.environ, TERM="dumb")
    t = Terminal(project.root, env, "init", "--repository", "https://example.org/demo")
    t.expect("Project name [proj]:")
    t.type("Demo")
    screen = t.expect("Preset [1-3] [plain]:")
    assert "  2) wasmtime:" in screen and "Repository URL" not in screen  # given as a flag: not asked
    t.type("wasmtime")
    t.expect("First version [0.1.0]:")
    t.type("3.0.0")
    t.expect("(none/monthly) [monthly]:")  # the preset's calendar is the default
    t.type("")
    t.expect("Release date of 3.0.0 (YYYY-MM-DD)")
    t.type("2030-06-20")
    t.expect("Day of the month release branches are cut [5]:")
    t.type("")
    t.expect("Every how many releases is an LTS release (0 for none) [12]:")
    t.type("")
    t.expect("Months an LTS release is supported [24]:")
    t.type("")
    t.expect("Months other releases are supported (0: until the next release) [2]:")
    t.type("")
    assert t.finish() == 0, t.seen
    text = project.read("relnotes.yaml")
    assert "preset: wasmtime\nproject: Demo\n" in text and "support" not in text  # the preset's own policy
    assert "anchor_version: 3, anchor_date: 2030-06-20}" in text
    assert "branching" not in text and "Branching" not in t.seen  # the preset's release branches: not asked


def test_init_cancelled_at_a_prompt_writes_nothing(project):
    (project.root / "relnotes.yaml").unlink()
    before = project.snapshot_tree()
    r = project.run("init", "--ask", input="Demo\n")  # input ends: like Ctrl-D
    assert r.exit_code == 2 and "cancelled; nothing was written" in r.stderr
    assert project.snapshot_tree() == before


def test_the_readme_states_the_plain_defaults(tmp_path):
    """The Configuration section's YAML is a plain project's defaults, key for key."""
    from conftest import ROOT

    from relnotes.config import load as config

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("The defaults of a plain project", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    stated = config.from_text(block, tmp_path / "relnotes.yaml", tmp_path, use_cache=False)
    assert stated == config.defaults(tmp_path)._replace(path=stated.path)


def test_checks_preview_writes_plain_references_like_build(plain):
    plain.git("switch", "-q", "-c", "feature")
    plain.write("code.py", "x = 1\n")
    plain.run("new", "-s", "Fixed", "--pr", "44", "-m", "Fixed it.")
    plain.commit("Fix (#44)")
    r = plain.run("check", "--base", "main", "--preview", "preview.md")
    assert r.exit_code == 0, r.output
    assert "* Fixed it.\n  #44\n" in plain.read("preview.md") and "](" not in plain.read("preview.md")
