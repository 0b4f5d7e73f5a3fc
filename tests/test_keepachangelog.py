"""The Keep a Changelog format: the scanner on real files, check, and the lifecycle
init → new → build → release → tag on one branch of a real git repository."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relnotes.notes import formats
from relnotes.notes.formats import structure_problems
from relnotes.notes.keepachangelog import heading_parts
from relnotes.version import Version

DATA = Path(__file__).parent / "data" / "keepachangelog"  # real files: see its README.md
REAL = ("keep-a-changelog.md", "rich.md", "derive_more.md")
KAC_CONFIG = 'preset: keepachangelog\nproject: Demo\nrepository: "https://github.com/o/demo"\n'


def real(name: str) -> str:
    return (DATA / name).read_bytes().decode("utf-8")


def kac(text: str, path: str = "CHANGELOG.md"):
    return formats.parse(text, path, "keepachangelog")


@pytest.fixture
def kproject(project):
    """A git repository with the keepachangelog preset and a fresh CHANGELOG.md, committed."""
    (project.root / "relnotes.yaml").unlink()
    r = project.run("init", "--preset", "keepachangelog", "--project", "Demo",
                    "--repository", "https://github.com/o/demo")
    assert r.exit_code == 0, r.output
    project.commit("init")
    return project


# -- the scanner on real files ----------------------------------------------------------------


@pytest.mark.parametrize("name", REAL)
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
@pytest.mark.parametrize("final", [True, False])
def test_real_files_round_trip_byte_for_byte(name, newline, final):
    text = real(name).replace("\n", newline)
    if not final:
        text = text.rstrip("\r\n")
    assert kac(text).text() == text


def test_real_keep_a_changelog_file_is_read_as_its_structure():
    doc = kac(real("keep-a-changelog.md"))
    top = doc.releases[0]
    assert (top.title, top.status, top.version) == ("[Unreleased]", "unreleased", None)
    second = doc.releases[1]
    assert (str(second.version), second.date, second.status) == ("2.0.0", "2026-06-07", "released")
    assert [c.title for c in second.categories] == ["Added", "Changed", "Removed"]
    assert len(doc.releases) == 17 and str(doc.releases[-1].version) == "0.0.1"
    # the footer starts at [unreleased] and holds the other definitions after it too
    assert doc.lines[doc.footer].startswith("[unreleased]: https://github.com/olivierlacan/keep-a-changelog/compare/")
    assert doc.definition("0.0.1").url.endswith("/releases/tag/v0.0.1")
    assert doc.definition("@aishek").url == "https://github.com/aishek"
    assert doc.releases[-1].body_end == doc.footer  # the last release stops where the footer starts
    assert structure_problems(doc) == []  # the format's own changelog is well-formed


def test_real_files_problems_are_located():
    rich = {(p.line, p.code) for p in structure_problems(kac(real("rich.md"), "rich.md"))}
    assert rich == {(8, "notes-no-link"), (14, "notes-no-link")}  # no [Unreleased]: build opens one
    derive = structure_problems(kac(real("derive_more.md"), "derive_more.md"))
    assert [(p.line, p.code) for p in derive] == [(8, "notes-bad-heading")]
    assert "'## master' is neither '[Unreleased]' nor a version" in derive[0].message


def test_unbracketed_yanked_heading_is_a_release():
    doc = kac(real("derive_more.md"))
    yanked = [r for r in doc.releases if r.version == Version.parse("0.99.4")][0]
    assert (yanked.status, yanked.date, heading_parts(yanked.title).yanked) == ("released", "2020-03-28", True)
    assert heading_parts("[1.2.0] - 2026-11-30 [YANKED]") == ("1.2.0", True, "2026-11-30", True, None)
    assert heading_parts("1.2.0 \u2013 2026-11-30") == ("1.2.0", False, "2026-11-30", False, None)
    # towncrier's Markdown links the version inline: no definition needed
    assert heading_parts("[26.1.0](https://x/tree/26.1.0) - 2026-03-19") == (
        "26.1.0", False, "2026-03-19", False, "https://x/tree/26.1.0")
    assert heading_parts("[Unreleased]").unreleased and heading_parts("unreleased").unreleased


def test_check_on_a_hand_written_file_reports_each_problem_at_its_line():
    text = ("# Changelog\n\n## [1.0.0] - 2026-13-01\n\n## [Unreleased]\n\n## [1.1.0] - 2026-01-01\n\n"
            "## [1.0.0]\n\n## [Unreleased]\n\n[1.0.0]: https://x/1\n[1.1.0]: https://x/2\n")
    got = [(p.line, p.code) for p in structure_problems(kac(text))]
    assert got == [(3, "notes-bad-date"), (5, "notes-unreleased-not-top"), (7, "notes-version-order"),
                   (9, "notes-duplicate-version"), (9, "notes-no-date"), (11, "notes-two-unreleased")]


# -- the scanner under hypothesis -------------------------------------------------------------

LINES = st.sampled_from([
    "# Changelog", "## [Unreleased]", "## Unreleased", "## [1.2.0] - 2026-11-30", "## 1.0.0 - 2020-01-01",
    "## [0.9.0] - 2019-01-01 [YANKED]", "## master", "### Added", "### Fixed", "- an entry", "  continued",
    "* star", "", "", "```", "## [9.9.9] - inside a fence?", "[unreleased]: https://x/compare/v1...HEAD",
    "[1.2.0]: https://x/compare/v1.1.0...v1.2.0", "[foo]: https://foo", "> ## quoted", "    ## indented code",
    "text [1.2.0]: not a definition", "## [", "##", "Prose.", "---", "* * *", "___",
])


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(LINES, max_size=40), st.sampled_from(["\n", "\r\n"]), st.booleans())
def test_scanner_round_trips_and_indexes_consistently(lines, nl, final):
    text = nl.join(lines) + (nl if final and lines else "")
    doc = kac(text)
    assert doc.text() == text
    stop = doc.footer if doc.footer is not None else len(doc.lines)
    prev_end = 0
    for rel in doc.releases:
        assert doc.lines[rel.start].startswith("## ") and prev_end <= rel.start < rel.body_end <= rel.end <= stop
        for cat in rel.categories:
            assert rel.start < cat.start < cat.end <= rel.body_end
            assert doc.lines[cat.start].startswith("### ")
        if rel.separator is None:  # a '---' closing the release is its separator, outside its body
            assert rel.body_end == rel.end
        else:
            assert rel.body_end == rel.separator and doc.lines[rel.separator].strip()[0] in "-*_"
            assert not "".join(doc.lines[rel.separator + 1:rel.end]).strip()
        prev_end = rel.end
    if doc.releases:
        assert doc.releases[-1].end == stop
    for link in doc.links:
        assert link.line >= stop
    structure_problems(doc)  # never raises


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("#[]- \n\r\t:U1.0x`>*\ufeff"), max_size=300))
def test_scanner_round_trips_any_text(text):
    assert kac(text).text() == text


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(LINES, max_size=30), st.sampled_from(["\n", "\r\n"]))
def test_a_leading_bom_changes_nothing_but_is_kept(lines, nl):
    """A UTF-8 BOM before the first line (Windows editors write one) is the releases format's
    rule too: not part of line 1, so '## [Unreleased]' there is still a heading; written back."""
    text = nl.join(lines) + nl
    plain, marked = kac(text), kac("\ufeff" + text)
    assert marked.releases == plain.releases and marked.links == plain.links and marked.footer == plain.footer
    assert marked.text() == "\ufeff" + text
    assert [(p.line, p.code) for p in structure_problems(marked)] == \
        [(p.line, p.code) for p in structure_problems(plain)]
    if any(r.status == "unreleased" for r in marked.releases):
        marked.stamp_unreleased(Version(99, 0, 0), "2026-11-30", unreleased_url="https://u", version_url="https://v")
        assert marked.text().startswith("\ufeff") and marked.text().count("\ufeff") == 1


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(LINES, max_size=30), st.booleans())
def test_stamping_only_adds_lines_and_rewrites_the_heading(lines, with_links):
    text = "\n".join(["# Changelog", "", "## [Unreleased]", "", *lines]) + "\n"
    doc = kac(text)
    rel = doc.unreleased()
    before = list(doc.lines)
    newest = doc.newest_release()
    version = Version(99, 0, 0) if newest is None or newest.version < Version(99, 0, 0) else newest.version.next_major()
    doc.stamp_unreleased(version, "2026-11-30", unreleased_url="https://u" if with_links else None,
                         version_url="https://v" if with_links else None)
    after = doc.lines
    # every line of the old text is still there, in order, but the heading and [unreleased]'s URL
    it = iter(after)
    for i, line in enumerate(before):
        if i == rel.start or (doc.definition("unreleased") and line.startswith("[unreleased]:")):
            continue
        assert any(line == x for x in it), f"line {i} lost: {line!r}"
    again = kac(doc.text())
    stamped = [r for r in again.releases if r.version == version]
    assert len(stamped) == 1 and stamped[0].date == "2026-11-30"
    assert again.releases[0].status == "unreleased"


# -- check, build, show on the CLI ------------------------------------------------------------


def test_init_writes_the_format_and_check_passes(kproject):
    assert kproject.read("CHANGELOG.md").endswith(
        "and this project adheres to [Semantic Versioning](https://semver.org/spec/v2.0.0.html).\n\n## [Unreleased]\n")
    assert "preset: keepachangelog" in kproject.read("relnotes.yaml")
    assert not (kproject.root / "RELEASES.md").exists()
    r = kproject.run("check")
    assert r.exit_code == 0, r.output
    from relnotes.config import load as config

    cfg = config.load(kproject.root / "relnotes.yaml")
    assert (cfg.notes_format, cfg.notes_file) == ("keepachangelog", "CHANGELOG.md")
    assert cfg.sections == ("Added", "Changed", "Deprecated", "Removed", "Fixed", "Security")


def test_check_reports_structure_with_file_and_line(kproject):
    kproject.write("CHANGELOG.md", "# Changelog\n\n## [1.0.0] - 2026-02-30\n")
    r = kproject.run("check")  # a released section is the project's history: --all-history checks it
    assert r.exit_code == 0 and "2 problem(s) in released sections" in r.output  # the date, the link
    r = kproject.run("check", "--all-history")
    assert r.exit_code == 1
    assert "CHANGELOG.md:3:4: '2026-02-30' is not a date" in r.output
    assert "no '## [Unreleased]' section" not in r.output  # build opens one


def test_build_renders_into_unreleased_in_section_order(kproject, md_snapshot):
    kproject.fragment("b.md", "Security", "Escape names.", prs="[9]")
    kproject.fragment("a.md", "Added", "A flag.\n\nSee [the docs][d].\n\n[d]: https://example.org/d")
    kproject.fragment("c.md", "Fixed", "A crash.\n\n- one\n- two", issues="[4]")
    r = kproject.run("build")
    assert r.exit_code == 0, r.output
    assert "added 3 entries to [Unreleased] in CHANGELOG.md" in r.output
    text = kproject.read("CHANGELOG.md")
    assert text.index("### Added") < text.index("### Fixed") < text.index("### Security")
    assert text == md_snapshot
    assert kproject.run("check").exit_code == 0


def test_show_defaults_to_the_newest_release_with_its_link(kproject):
    kproject.fragment("a.md", "Added", "A flag.")
    assert kproject.run("release", "--version", "1.0.0", "--date", "2026-11-01").exit_code == 0
    r = kproject.run("show")
    assert r.stdout == ("## [1.0.0] - 2026-11-01\n\n### Added\n\n- A flag.\n\n"
                        "[1.0.0]: https://github.com/o/demo/releases/tag/v1.0.0\n")
    r = kproject.run("show", "unreleased")
    assert r.stdout.startswith("## [Unreleased]\n")
    r = kproject.run("show", "1.0.0", "--format", "html")
    assert '<a href="https://github.com/o/demo/releases/tag/v1.0.0">1.0.0</a>' in r.stdout
    import json

    data = json.loads(kproject.run("show", "--format", "json").stdout)
    assert (data["version"], data["tag"], data["date"]) == ("1.0.0", "v1.0.0", "2026-11-01")
    assert data["categories"] == [{"name": "Added", "entries": ["- A flag."],
                                   "items": [{"text": "- A flag.", "breaking": False}]}]
    assert data["yanked"] is False


# -- the lifecycle -------------------------------------------------------------------------------


def test_lifecycle_init_new_build_release_tag(kproject, md_snapshot):
    p = kproject
    p.write("pyproject.toml", '[project]\nname = "demo"\nversion = "0.9.0"\n')
    p.write("relnotes.yaml", p.read("relnotes.yaml")
            + "version_files: [{path: pyproject.toml, pattern: 'version = \"{version}\"'}]\n")
    p.commit("version file")
    assert p.run("new", "-s", "Added", "--pr", "3", "-m", "A `--json` flag.").exit_code == 0
    assert p.run("new", "-s", "Fixed", "-m", "A crash on empty input.").exit_code == 0
    assert p.run("build").exit_code == 0
    p.commit("notes")
    # the first release: the version files do not name a released version, so 1.0.0 must be given
    r = p.run("release", "--version", "1.0.0", "--date", "2026-11-01", "--commit")
    assert r.exit_code == 0, r.output
    assert "stamped 1.0.0: Released 2026-11-01" in r.output
    assert 'version = "1.0.0"' in p.read("pyproject.toml")
    assert p.git("log", "-1", "--format=%B") == "Release Demo 1.0.0\n\n[automatically-tag-and-release-this-commit]"
    assert p.git("status", "--porcelain") == ""
    r = p.run("tag")
    assert r.exit_code == 0 and r.stdout.strip() == "v1.0.0", r.output
    assert "## [1.0.0] - 2026-11-01" in p.git("tag", "-l", "--format=%(contents)", "v1.0.0")
    # the second: an Added entry and a hand-written one; the bump is minor
    assert p.run("new", "-s", "Added", "-m", "Colours.").exit_code == 0
    assert p.run("new", "-s", "Changed", "-m", "Faster start.").exit_code == 0
    r = p.run("release", "--date", "2026-11-30", "--commit")
    assert r.exit_code == 0, r.output
    assert "stamped 1.1.0: Released 2026-11-30" in r.output
    assert p.run("tag").stdout.strip() == "v1.1.0"
    # the third: a breaking change makes a major
    assert p.run("new", "-s", "Changed", "--breaking", "-m", "The config file moved.").exit_code == 0
    assert p.run("release", "--date", "2026-12-15", "--commit").exit_code == 0
    assert p.run("tag").stdout.strip() == "v2.0.0"
    assert p.read("CHANGELOG.md") == md_snapshot
    assert p.run("check").exit_code == 0
    assert p.git("tag", "-l") == "v1.0.0\nv1.1.0\nv2.0.0"


def test_release_as_a_real_subprocess(kproject):
    env = dict(os.environ)
    kproject.fragment("a.md", "Fixed", "A bug.")

    def run(*args):
        return subprocess.run([sys.executable, "-m", "relnotes", *args], cwd=kproject.root,
                              capture_output=True, text=True, env=env)

    r = run("release", "--version", "0.1.0", "--date", "2026-01-02", "--commit")
    assert r.returncode == 0, r.stderr
    assert "## [0.1.0] - 2026-01-02\n\n### Fixed\n\n- A bug.\n" in kproject.read("CHANGELOG.md")
    r = run("cut")
    assert r.returncode == 2 and "'relnotes cut' is not used with keepachangelog" in r.stderr
    assert "Traceback" not in r.stderr


@pytest.mark.parametrize("command", ["cut", "patch", "archive"])
def test_release_branch_commands_are_refused(kproject, command):
    before = kproject.snapshot_tree()
    r = kproject.run(command)
    assert r.exit_code == 2
    assert f"'relnotes {command}' is not used with keepachangelog" in r.output
    assert "relnotes release [--version X.Y.Z] --commit" in r.output
    assert kproject.snapshot_tree() == before


def test_release_refusals_change_nothing(kproject):
    before = kproject.snapshot_tree()
    r = kproject.run("release")
    assert r.exit_code == 2 and "CHANGELOG.md:8: '## [Unreleased]' is empty" in r.output
    kproject.fragment("a.md", "Fixed", "A bug.")
    before = kproject.snapshot_tree()
    r = kproject.run("release", "--version", "1.0.0-rc.1")
    assert r.exit_code == 2 and "pre-release" in r.output
    assert kproject.snapshot_tree() == before
    assert kproject.run("release", "--version", "1.0.0", "--date", "2026-01-01").exit_code == 0
    kproject.fragment("b.md", "Fixed", "Another.")
    before = kproject.snapshot_tree()
    r = kproject.run("release", "--version", "1.0.0")
    assert r.exit_code == 2 and "--version 1.0.0 is not newer than the newest release 1.0.0" in r.output
    assert kproject.snapshot_tree() == before


def test_release_commit_that_failed_is_finished_by_the_rerun(kproject):
    hook = kproject.root / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\nexit 1\n")
    hook.chmod(0o755)
    kproject.fragment("a.md", "Added", "A flag.")
    r = kproject.run("release", "--version", "1.0.0", "--date", "2026-01-01", "--commit")
    assert r.exit_code == 2 and "nothing was committed" in r.output
    hook.unlink()
    r = kproject.run("release", "--commit")
    assert r.exit_code == 0, r.output
    assert "1.0.0 was released (2026-01-01) by an earlier run that did not commit" in r.output
    assert kproject.git("log", "-1", "--format=%s") == "Release Demo 1.0.0"
    assert kproject.git("status", "--porcelain") == ""


def test_stamp_alone_and_an_unbracketed_file(kproject):
    kproject.write("CHANGELOG.md", "# Changelog\n\n## Unreleased\n\n### Fixed\n\n- A bug.\n\n"
                                   "## 0.1.0 - 2025-01-01\n\n- First.\n")
    r = kproject.run("stamp", "--date", "2026-03-04")
    assert r.exit_code == 0, r.output
    assert "stamped 0.1.1" in r.output  # a Fixed category: a patch
    assert kproject.read("CHANGELOG.md") == ("# Changelog\n\n## Unreleased\n\n## 0.1.1 - 2026-03-04\n\n### Fixed\n\n"
                                             "- A bug.\n\n## 0.1.0 - 2025-01-01\n\n- First.\n")


def test_stamping_a_real_file_updates_its_compare_links():
    from relnotes.config import load as config

    cfg = config.defaults(Path("/nonexistent"))._replace(
        repository="https://github.com/olivierlacan/keep-a-changelog", notes_format="keepachangelog")
    doc = kac(real("keep-a-changelog.md").replace("## [Unreleased]\n", "## [Unreleased]\n\n### Added\n\n- More.\n"))
    before = doc.text()
    from relnotes.flows.keepachangelog import stamp

    res = stamp(cfg, on="2026-12-01", doc=doc, write=False)
    assert res.version == "2.1.0"  # Added: a minor
    after = doc.text()
    assert "## [Unreleased]\n\n## [2.1.0] - 2026-12-01\n\n### Added\n\n- More.\n" in after
    assert ("[unreleased]: https://github.com/olivierlacan/keep-a-changelog/compare/v2.1.0...HEAD\n"
            "[2.1.0]: https://github.com/olivierlacan/keep-a-changelog/compare/v2.0.0...v2.1.0\n") in after
    removed = set(before.splitlines()) - set(after.splitlines())
    assert removed == {"[unreleased]: https://github.com/olivierlacan/keep-a-changelog/compare/v2.0.0...HEAD"}


# -- entries stay data -------------------------------------------------------------------------


@pytest.mark.parametrize(("body", "said"), [
    ("Sneaky.\n\n## [9.9.9] - 2026-01-01", "6:1: headings are not allowed in a fragment"),
    ("  ## [Unreleased]", "4:1: headings are not allowed in a fragment"),
    ("Docs.\n\n[unreleased]: https://evil.example/", "6:1: the link label [unreleased] is reserved"),
    ("Docs.\n\n[1.1.0]: https://evil.example/", "6:1: the link label [1.1.0] is reserved"),
    ("Docs.\n\n[ V2.0.0 ]: https://evil.example/", "6:1: the link label [v2.0.0] is reserved"),
    ("--", "4:1: after the entry's bullet ('* ' or '- ') this first line reads as a horizontal rule"),
    ("**", "4:1: after the entry's bullet ('* ' or '- ') this first line reads as a horizontal rule"),
])
def test_hostile_fragments_are_refused_and_nothing_changes(kproject, body, said):
    kproject.fragment("evil.md", "Added", body)
    before = kproject.snapshot_tree()
    r = kproject.run("check")
    assert r.exit_code == 1 and f"changes.d/evil.md:{said}" in r.output, r.output
    assert kproject.run("build").exit_code == 1
    r = kproject.run("release", "--version", "1.0.0")
    assert r.exit_code == 1
    assert kproject.snapshot_tree() == before


def test_a_label_that_is_not_a_release_is_allowed(kproject):
    kproject.fragment("ok.md", "Added", "See [the guide][guide].\n\n[guide]: https://example.org/guide")
    assert kproject.run("release", "--version", "1.0.0", "--date", "2026-01-01").exit_code == 0
    doc = kac(kproject.read("CHANGELOG.md"))
    assert doc.definition("guide") is None  # it stays in the release, above the footer
    assert "[guide]: https://example.org/guide" in doc.release_text(doc.newest_release())


# -- the next version: relnotes next and release agree (bump.plan is the one rule) ---------------


@pytest.mark.parametrize(("sections", "breaking", "want"), [
    (["Fixed"], False, "1.2.4"),
    (["Fixed", "Added"], False, "1.3.0"),
    (["Deprecated"], False, "1.3.0"),
    (["Removed"], False, "2.0.0"),
    (["Fixed"], True, "2.0.0"),
])
def test_release_takes_the_version_next_prints(kproject, sections, breaking, want):
    kproject.fragment("first.md", "Fixed", "The first fix.")
    assert kproject.run("release", "--version", "1.2.3", "--date", "2026-01-01").exit_code == 0
    for i, section in enumerate(sections):
        kproject.fragment(f"c{i}.md", section, f"Change {i}.", **({"breaking": "true"} if breaking else {}))
    nxt = kproject.run("next", "--format", "version")
    assert nxt.exit_code == 0 and nxt.output.strip() == want
    r = kproject.run("release", "--date", "2026-02-01")
    assert r.exit_code == 0, r.output
    assert f"## [{want}] - 2026-02-01" in kproject.read("CHANGELOG.md")


def test_a_first_release_without_version_is_the_one_next_prints(kproject):
    kproject.fragment("a.md", "Added", "A start.")
    want = kproject.run("next", "--format", "version").output.strip()
    assert want == "0.1.0"
    assert kproject.run("release", "--date", "2026-01-01").exit_code == 0
    assert "## [0.1.0] - 2026-01-01" in kproject.read("CHANGELOG.md")


_CHANGELOG = """# Changelog

## [Unreleased]

## [{current}] - 2026-11-01

### Added

- Things.

[unreleased]: https://github.com/o/demo/compare/v{current}...HEAD
[{current}]: https://github.com/o/demo/releases/tag/v{current}
"""


@pytest.mark.parametrize(("current", "sections", "breaking", "extra", "want"), [
    ("1.2.3", ["Fixed"], False, "", "1.2.4"),
    ("1.2.3", ["Fixed", "Added"], False, "", "1.3.0"),
    ("1.2.3", ["Changed"], False, "", "1.3.0"),  # bump.minor lists Changed by default
    ("1.2.3", ["Deprecated"], False, "", "1.3.0"),
    ("1.2.3", ["Removed"], False, "", "2.0.0"),
    ("1.2.3", ["Fixed"], True, "", "2.0.0"),
    ("0.4.1", ["Removed"], False, "", "0.5.0"),
    ("0.4.1", ["Added"], False, "", "0.4.2"),
    ("1.0.0-rc.1", ["Fixed"], False, "", "1.0.0"),  # a pre-release leads to its release
    ("2.0.0-beta.2", ["Removed"], False, "", "2.0.0"),
    ("1.2.3", ["Fixed"], False, "bump: {patch: [Fixed], major: [Security]}\n", "1.2.4"),
    ("1.2.3", ["Security"], False, "bump: {patch: [Fixed], major: [Security]}\n", "2.0.0"),
    ("1.2.3", ["Added"], False, "bump: {minor: [], default: patch}\n", "1.2.4"),
])
def test_release_makes_the_version_next_says_on_edge_cases(kproject, current, sections, breaking, extra, want):
    kproject.write("CHANGELOG.md", _CHANGELOG.format(current=current))
    if extra:
        kproject.write("relnotes.yaml", kproject.read("relnotes.yaml") + extra)
    for i, s in enumerate(sections):
        kproject.fragment(f"f{i}.md", s, f"Change {i}.", breaking=breaking)
    r = kproject.run("next")
    assert r.exit_code == 0, r.output
    assert r.output.startswith(f"next version: {want} "), r.output
    r = kproject.run("release", "--date", "2026-11-30")
    assert r.exit_code == 0, r.output
    assert f"stamped {want}" in r.output
    assert f"## [{want}] - 2026-11-30\n" in kproject.read("CHANGELOG.md")


def test_release_counts_entries_already_built_as_next_does(kproject):
    """A breaking entry built with the preset's prefix, and a hand-written Removed
    category, make the major release that 'next' names."""
    kproject.write("CHANGELOG.md", _CHANGELOG.format(current="1.2.3"))
    kproject.fragment("a.md", "Changed", "An incompatible change.", breaking=True)
    assert kproject.run("build").exit_code == 0
    assert "- **Breaking:** An incompatible change." in kproject.read("CHANGELOG.md")
    assert kproject.run("next").output.startswith("next version: 2.0.0 ")
    r = kproject.run("release", "--date", "2026-11-30")
    assert r.exit_code == 0 and "stamped 2.0.0" in r.output, r.output


# -- configuration -----------------------------------------------------------------------------


def test_notes_format_and_compare_link_are_validated(kproject):
    kproject.write("relnotes.yaml", KAC_CONFIG + "notes_format: changelog\n")
    r = kproject.run("check")
    assert r.exit_code == 2 and "relnotes.yaml:4:" in r.output and "'releases', 'keepachangelog' or 'rst'" in r.output
    kproject.write("relnotes.yaml", KAC_CONFIG + "links: {compare: '{repository}/compare/{tag}'}\n")
    r = kproject.run("check")
    assert r.exit_code == 2 and "{tag}" in r.output and "{previous}" in r.output


def test_a_custom_compare_link_is_used(kproject):
    kproject.write("relnotes.yaml", KAC_CONFIG + "tag: 'release-{version}'\n"
                   "links: {compare: '{repository}/-/compare/{previous}...{current}'}\n")
    kproject.fragment("a.md", "Fixed", "A bug.")
    assert kproject.run("release", "--version", "1.0.0", "--date", "2026-01-01").exit_code == 0
    kproject.fragment("b.md", "Fixed", "Another.")
    assert kproject.run("release", "--date", "2026-01-02").exit_code == 0
    text = kproject.read("CHANGELOG.md")
    assert "[unreleased]: https://github.com/o/demo/-/compare/release-1.0.1...HEAD\n" in text
    assert "[1.0.1]: https://github.com/o/demo/-/compare/release-1.0.0...release-1.0.1\n" in text


def test_the_releases_format_takes_release_version_too(project):
    """In RELEASES.md --version sets the top section's version (helper 19b's override)."""
    project.write("RELEASES.md", "## 1.0.0\n\nUnreleased.\n\n" + "-" * 80 + "\n")
    r = project.run("release", "--version", "1.1.0", "--date", "2026-01-01")
    assert r.exit_code == 0 and "set the top section's version to 1.1.0 (it said 1.0.0)" in r.stdout
    assert project.read("RELEASES.md").startswith("## 1.1.0\n\nReleased 2026-01-01.\n")


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_a_bom_before_unreleased_is_read_built_and_released_and_kept(kproject, newline):
    """A CHANGELOG.md saved with a UTF-8 BOM and no title: '## [Unreleased]' on line 1 is a heading
    (it was "no '## [Unreleased]' section"), and every write keeps the one BOM in front."""
    kproject.write("CHANGELOG.md", "\ufeff## [Unreleased]" + newline)
    r = kproject.run("check")
    assert r.exit_code == 0, r.output
    kproject.fragment("a.md", "Added", "A flag.")
    r = kproject.run("build")
    assert r.exit_code == 0 and "added 1 entry to [Unreleased]" in r.output, r.output
    assert kproject.read("CHANGELOG.md") == "\ufeff" + newline.join(["## [Unreleased]", "", "### Added", "",
                                                                        "- A flag.", ""])
    r = kproject.run("release", "--version", "1.0.0", "--date", "2026-11-01")
    assert r.exit_code == 0, r.output
    text = kproject.read("CHANGELOG.md")
    assert text.startswith("\ufeff## [Unreleased]" + newline + newline + "## [1.0.0] - 2026-11-01" + newline)
    assert text.count("\ufeff") == 1
    assert kproject.run("show").stdout.startswith("## [1.0.0] - 2026-11-01\n")  # shown without the BOM
    assert kproject.run("check").exit_code == 0


def test_a_bom_before_the_first_release_heading_of_releases_md(project):
    """The same rule in the releases format: the BOM is no part of line 1, and stays in front."""
    project.write("RELEASES.md", "\ufeff## 1.0.0\n\nUnreleased.\n\n" + "-" * 80 + "\n")
    project.fragment("a.md", "Added", "A flag.")
    r = project.run("build")
    assert r.exit_code == 0 and "added 1 entry to 1.0.0" in r.output, r.output
    r = project.run("release", "--date", "2026-01-01")
    assert r.exit_code == 0, r.output
    text = project.read("RELEASES.md")
    assert text.startswith("\ufeff## 1.0.0\n\nReleased 2026-01-01.\n") and text.count("\ufeff") == 1


def test_jinja_entry_template_and_native_agree_on_the_bullet(kproject):
    from relnotes.config import load as config
    from relnotes.fragments.fragment import load_all
    from relnotes.render.environment import Renderer

    kproject.fragment("a.md", "Added", "Two lines\nof text.", prs="[5]")
    cfg = config.load(kproject.root / "relnotes.yaml")
    frags = load_all(cfg.fragments_path, cfg.root, cfg.sections).fragments
    native = Renderer(cfg).entries(frags)
    jinja = Renderer(cfg, fast=False).entries(frags)
    assert native == jinja == ["- Two lines\n  of text.\n  [#5](https://github.com/o/demo/pull/5)"]


# -- init and the version files ------------------------------------------------------------------


def test_init_keepachangelog_keeps_an_existing_configuration(project):
    r = project.run("init", "--preset", "keepachangelog")
    assert r.exit_code == 0 and "kept existing relnotes.yaml" in r.output  # it says wasmtime: no CHANGELOG.md
    assert not (project.root / "CHANGELOG.md").exists()
    assert (project.root / "RELEASES.md").exists()


def test_scaffold_writes_the_format_for_init():
    from relnotes.config import load as config
    from relnotes.flows import scaffold

    text = scaffold.config_text(scaffold.Choices("Demo", "https://example.org/demo", "1.0.0", "keepachangelog", None))
    cfg = config.from_text(text, Path("/x/relnotes.yaml"), Path("/x"), use_cache=False)
    assert (cfg.preset, cfg.notes_format, cfg.notes_file) == ("keepachangelog", "keepachangelog", "CHANGELOG.md")
    doc = kac(scaffold.initial_notes(cfg, "1.0.0"))
    assert [r.title for r in doc.releases] == ["[Unreleased]"] and structure_problems(doc) == []
    assert doc.text().startswith("# Changelog\n\nAll notable changes to Demo will be documented")


def test_version_files_name_the_first_release(kproject):
    kproject.write("Cargo.toml", '[package]\nversion = "0.3.0-dev"\nrust-version = "1.80.0"\n')
    kproject.write("relnotes.yaml", kproject.read("relnotes.yaml")
                   + "version_files: [{path: Cargo.toml, pattern: 'version = \"{version}\"'}]\n")
    kproject.fragment("a.md", "Fixed", "A bug.")
    r = kproject.run("release", "--date", "2026-05-01")
    assert r.exit_code == 0, r.output
    assert "stamped 0.3.0" in r.output
    assert kproject.read("Cargo.toml") == '[package]\nversion = "0.3.0"\nrust-version = "1.80.0"\n'
    kproject.fragment("b.md", "Added", "A thing.")
    assert "stamped 0.3.1" in kproject.run("release", "--date", "2026-05-02").output  # 0.x: Added is a patch
    assert 'version = "0.3.1"' in kproject.read("Cargo.toml")


def test_build_without_an_unreleased_section_opens_one_above_the_newest_release(kproject):
    """A file that lists only releases (rich's, towncrier's) gets '## [Unreleased]' from build,
    above the newest release; a draft previews there and changes nothing."""
    kproject.write("CHANGELOG.md", real("rich.md"))
    kproject.fragment("a.md", "Fixed", "A bug.")
    before = kproject.snapshot_tree()
    r = kproject.run("build", "--draft")
    assert r.exit_code == 0 and r.stdout.startswith("## [Unreleased] (draft)"), r.output
    assert kproject.snapshot_tree() == before
    r = kproject.run("build")
    assert r.exit_code == 0, r.output
    text = kproject.read("CHANGELOG.md")
    assert text == real("rich.md").replace("## [14.3.3]", "## [Unreleased]\n\n### Fixed\n\n- A bug.\n\n## [14.3.3]", 1)


def test_init_says_where_its_version_goes(project):
    """A Keep a Changelog file has no version until a release: init's --version is not
    silently dropped, it says how the first release takes it."""
    (project.root / "relnotes.yaml").unlink()
    r = project.run("init", "--preset", "keepachangelog", "--project", "Demo", "--version", "1.0.0")
    assert r.exit_code == 0, r.output
    assert "note: CHANGELOG.md starts with [Unreleased]" in r.output
    assert "relnotes release --version 1.0.0" in r.output


# -- every reader of the notes file reads the configured format ---------------------------------


def _released_twice(p):
    """1.0.0 released with 'A flag.', then 'A crash.' built into [Unreleased]."""
    p.fragment("a.md", "Added", "A flag.")
    assert p.run("release", "--version", "1.0.0", "--date", "2026-11-01").exit_code == 0
    p.fragment("b.md", "Fixed", "A crash.")
    assert p.run("build").exit_code == 0


def test_show_page_reads_a_keep_a_changelog_file(kproject):
    """``show --format page`` once parsed CHANGELOG.md as RELEASES.md: its default was
    [Unreleased] and '1.0.0' was 'no section'.  It shows what ``show`` shows."""
    _released_twice(kproject)
    for args in ((), ("1.0.0",)):
        r = kproject.run("show", *args, "--format", "page")
        assert r.exit_code == 0, r.output
        assert "<h1>Demo 1.0.0</h1>" in r.stdout
        assert "A flag." in r.stdout and "A crash." not in r.stdout
    r = kproject.run("show", "unreleased", "--format", "page")
    assert r.exit_code == 0 and "<h1>Demo [Unreleased]</h1>" in r.stdout and "A crash." in r.stdout
    r = kproject.run("show", "9.9.9", "--format", "page")
    assert r.exit_code == 1 and "CHANGELOG.md: no '## 9.9.9' section" in r.stderr
    assert "Traceback" not in r.output
    done = subprocess.run([sys.executable, "-m", "relnotes", "show", "1.0.0", "--format", "page"],
                          cwd=kproject.root, capture_output=True, text=True, env=dict(os.environ))
    assert done.returncode == 0 and "<h1>Demo 1.0.0</h1>" in done.stdout, done.stderr


def test_import_notes_reads_a_keep_a_changelog_file(kproject):
    """``import notes`` splits a Keep a Changelog release into fragments that rebuild it."""
    _released_twice(kproject)
    r = kproject.run("import", "notes", "CHANGELOG.md", "--version", "1.0.0")
    assert r.exit_code == 0, r.output
    assert "wrote 1 fragment(s) for 1.0.0" in r.stdout and "byte for byte" in r.stdout
    names = [p.name for p in (kproject.root / "changes.d").glob("1.0.0-*.md")]
    assert names == ["1.0.0-001-a-flag.md"]
    assert kproject.read(f"changes.d/{names[0]}").endswith("---\nA flag.\n")


def test_parse_for_is_the_one_place_that_picks_the_model():
    """No module but relnotes.notes.formats parses the configured notes file with a model it
    picked itself (``show --format page`` once did, ignoring ``notes_format``): the rule
    that the configuration decides lives in ``formats.parse_for``."""
    import re

    call = re.compile(r"(?<![\w.])(?:notes\.)?(?:parse|NotesDocument|KeepAChangelogDocument)\(")
    offenders = []
    for path in sorted((Path(__file__).parent.parent / "relnotes").rglob("*.py")):
        if path.parts[-2:] == ("notes", "formats.py"):
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if call.search(line) and re.search(r"notes_(?:format|file|path)", line):
                offenders.append(f"{path.name}:{n}: {line.strip()}")
    assert offenders == []
