"""Semantic versions and breaking changes: the bump rules, ``relnotes next``, ``cut`` and
``release`` under ``versioning: semver``, and how breaking entries are presented."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relnotes.config import load as config
from relnotes.errors import ConfigError
from relnotes.fragments.fragment import Fragment
from relnotes.policy import bump
from relnotes.version import Version

PLAIN = "project: Demo\nrepository: https://example.org/demo\n"
SECTIONS = ("Added", "Changed", "Fixed", "Removed", "Deprecated", "Security")


def _cfg(tmp: Path, text: str = PLAIN) -> config.Config:
    (tmp / "relnotes.yaml").write_text(text)
    return config.from_text(text, tmp / "relnotes.yaml", tmp, use_cache=False)


def _frag(section: str, breaking: bool = False, name: str = "x.md") -> Fragment:
    return Fragment(f"changes.d/{name}", name, section, "A change.", breaking=breaking)


# -- the configuration ------------------------------------------------------------------------


def test_plain_is_semver_with_a_group_and_the_presets_keep_their_formats(tmp_path):
    plain = _cfg(tmp_path)
    assert plain.versioning == "semver" and plain.breaking_changes.style == "group"
    assert plain.bump.level("Removed") == "major" and plain.bump.level("added") == "minor"
    assert plain.bump.level("Fixed") == "patch" and plain.bump.level("Security") == "patch"
    wasmtime = _cfg(tmp_path, "preset: wasmtime\n")
    assert wasmtime.versioning == "major-per-release" and wasmtime.breaking_changes.style == "none"
    kac = _cfg(tmp_path, "preset: keepachangelog\n")
    assert kac.versioning == "semver" and kac.breaking_changes.style == "prefix"


def test_bump_lists_name_configured_sections_once(tmp_path):
    with pytest.raises(ConfigError, match=r"'bump.major' names 'Breaking', which is not one of 'sections'"):
        _cfg(tmp_path, PLAIN + "bump: {major: [Breaking]}\n")
    with pytest.raises(ConfigError, match=r"section 'Added' is in both 'bump.major' and 'bump.minor'"):
        _cfg(tmp_path, PLAIN + "bump: {major: [Added], minor: [added]}\n")
    # a list the file gives takes its sections out of the default lists
    moved = _cfg(tmp_path, PLAIN + "bump: {major: [Added]}\n").bump
    assert moved.level("Added") == "major" and moved.level("Removed") == "patch"  # major list replaced
    # the default lists skip sections a project does not have: no bump key needed
    own = _cfg(tmp_path, PLAIN + "sections: [Feature, Bugfix, Removed]\ntemplate_sections: [Feature]\n").bump
    assert own.levels == {"removed": "major"} and own.level("Feature") == "patch"


def test_a_bad_prefix_is_located_in_the_file(tmp_path):
    with pytest.raises(ConfigError) as e:
        _cfg(tmp_path, PLAIN + "breaking_changes:\n  prefix: '# Breaking '\n")
    assert "relnotes.yaml:4:3: 'breaking_changes.prefix' must be one line of inline Markdown" in e.value.message


# -- the bump rules (properties) -------------------------------------------------------------

_VERSIONS = st.builds(lambda a, b, c: Version(a, b, c), st.integers(0, 30), st.integers(0, 30), st.integers(0, 30))
_CHANGES = st.lists(st.tuples(st.sampled_from(SECTIONS), st.booleans()), max_size=8)


@pytest.fixture(scope="module")
def plain_cfg(tmp_path_factory):
    return _cfg(tmp_path_factory.mktemp("plain"))


@settings(max_examples=300, deadline=None)
@given(current=_VERSIONS, changes=_CHANGES, extra=st.tuples(st.sampled_from(SECTIONS), st.booleans()))
def test_more_changes_never_make_a_smaller_release(plain_cfg, current, changes, extra):
    frags = [_frag(s, b, f"{i}.md") for i, (s, b) in enumerate(changes)]
    before = bump.next_version(plain_cfg, current, frags)
    after = bump.next_version(plain_cfg, current, frags + [_frag(*extra, name="extra.md")])
    assert current < before.version <= after.version
    assert bump.LEVELS.index(before.bump) <= bump.LEVELS.index(after.bump)


@settings(max_examples=300, deadline=None)
@given(current=_VERSIONS, changes=_CHANGES)
def test_breaking_dominates_and_below_1_shifts_down(plain_cfg, current, changes):
    frags = [_frag(s, b, f"{i}.md") for i, (s, b) in enumerate(changes)]
    nv = bump.next_version(plain_cfg, current, frags)
    breaking = any(b for _, b in changes) or any(s == "Removed" for s, _ in changes)
    if current.major == 0:
        # 0.x: a breaking change makes 0.(x+1).0, anything else 0.x.(y+1)
        assert nv.version == (Version(0, current.minor + 1, 0) if breaking
                              else Version(0, current.minor, current.patch + 1))
    elif breaking:
        assert nv.version == Version(current.major + 1, 0, 0) and nv.bump == "major"
        assert all(r.bump == "major" for r in nv.reasons) and nv.reasons
    else:
        assert nv.version.major == current.major
    # the reasons are exactly the changes that force the bump
    assert len(nv.reasons) + nv.others == len(changes)


def test_without_the_shift_0x_bumps_like_1x(tmp_path):
    cfg = _cfg(tmp_path, PLAIN + "bump: {zero_shift: false}\n")
    assert bump.next_version(cfg, Version(0, 4, 2), [_frag("Added")]).version == Version(0, 5, 0)
    assert bump.next_version(cfg, Version(0, 4, 2), [_frag("Fixed", True)]).version == Version(1, 0, 0)


def test_built_entries_count_by_category_and_a_prerelease_leads_to_its_release(plain_cfg):
    nv = bump.next_version(plain_cfg, Version(1, 2, 3), [], {"Added": 2, "Fixed": 1})
    assert nv.version == Version(1, 3, 0) and [r.built for r in nv.reasons] == [True, True]
    grouped = bump.next_version(plain_cfg, Version(1, 2, 3), [], {"Breaking changes": 1})
    assert grouped.version == Version(2, 0, 0) and grouped.reasons[0].breaking
    assert bump.bumped(Version(2, 0, 0, ("rc", "1")), "major") == Version(2, 0, 0)
    assert bump.bumped(Version(2, 1, 0, ("rc", "1")), "major") == Version(3, 0, 0)


# -- relnotes next -------------------------------------------------------------------------------

RELEASED = """## 1.3.0

Unreleased.

### Added

* Built already.

--------------------------------------------------------------------------------

## 1.2.0

Released 2026-10-01.

### Fixed

* A fix.

--------------------------------------------------------------------------------

<!-- ARCHIVE_START -->
"""


@pytest.fixture
def plain(project):
    project.write("relnotes.yaml", PLAIN)
    project.write("RELEASES.md", RELEASED)
    return project


def test_next_names_the_fragments_that_force_the_bump(plain):
    plain.fragment("gone.md", "Fixed", "Removed the old flag.", breaking="true")
    plain.fragment("fix.md", "Fixed", "A fix.")
    r = plain.run("next")
    assert r.exit_code == 0, r.output
    assert r.stdout.splitlines()[:5] == [
        "next version: 2.0.0 (major bump from 1.2.0)",
        "versioning: semver; 1.2.0 is the newest released section of RELEASES.md (line 11)",
        "major because of:",
        "  changes.d/gone.md: Fixed, breaking",
        "2 other changes need less",
    ]
    data = json.loads(plain.run("next", "--format", "json").stdout)
    assert data["version"] == "2.0.0" and data["bump"] == "major" and data["current"] == "1.2.0"
    assert data["reasons"] == [{"source": "changes.d/gone.md", "section": "Fixed", "breaking": True,
                                "bump": "major", "built": False}]
    assert plain.run("next", "--format", "version").stdout == "2.0.0\n"


def test_next_stays_right_after_build(plain):
    plain.fragment("gone.md", "Changed", "Removed the old flag.", breaking="true")
    before = json.loads(plain.run("next", "--format", "json").stdout)
    assert plain.run("build").exit_code == 0
    assert "### Breaking changes\n\n* Removed the old flag.\n" in plain.read("RELEASES.md")
    after = json.loads(plain.run("next", "--format", "json").stdout)
    assert before["version"] == after["version"] == "2.0.0"
    assert after["reasons"] == [{"source": "RELEASES.md:7", "section": "Breaking changes", "breaking": True,
                                 "bump": "major", "built": True}]


def test_next_under_major_per_release_is_the_top_section(project):
    from tests.conftest import corpus

    project.write("RELEASES.md", corpus("main.RELEASES.md"))
    project.fragment("gone.md", "Removed", "Removed a thing.", breaking="true")
    r = project.run("next")
    assert r.exit_code == 0
    top = corpus("main.RELEASES.md").split("\n", 1)[0].removeprefix("## ")
    assert r.stdout.splitlines() == [f"next version: {top}", "versioning: major-per-release (every release is "
                                     "a new major); the unreleased top section of RELEASES.md (line 1)"]
    data = json.loads(project.run("next", "--format", "json").stdout)
    assert (data["version"], data["bump"], data["scheme"], data["reasons"]) == (top, "major", "major-per-release", [])


_PROBE = """
import sys
sys.argv = ["relnotes", *sys.argv[1:]]
from relnotes.__main__ import main
try:
    main()
finally:
    sys.stderr.write("GIT-IMPORTED=%s" % ("git" in sys.modules))
"""


def test_next_as_a_process_reads_no_git_when_the_notes_know_the_release(plain):
    plain.fragment("add.md", "Added", "A feature.")
    plain.commit("state")
    r = subprocess.run([sys.executable, "-c", _PROBE, "next", "--format", "json"], cwd=plain.root,
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["version"] == "1.3.0"
    assert r.stderr.endswith("GIT-IMPORTED=False")
    done = subprocess.run([sys.executable, "-m", "relnotes", "next", "--format", "version"], cwd=plain.root,
                          capture_output=True, text=True)
    assert (done.returncode, done.stdout) == (0, "1.3.0\n")


def test_next_keeps_a_heading_that_asks_for_more(plain):
    plain.write("RELEASES.md", RELEASED.replace("## 1.3.0", "## 2.0.0", 1))
    r = plain.run("next", "--format", "json")
    data = json.loads(r.stdout)
    assert data["version"] == "2.0.0" and data["kept_heading"] and "more than the changes need" in data["note"]


# -- cut and release under semver, in real repositories ---------------------------------------------


def _init(project, version="1.0.0"):
    (project.root / "relnotes.yaml").unlink()
    r = project.run("init", "--project", "Demo", "--repository", "https://example.org/demo", "--version", version)
    assert r.exit_code == 0, r.output
    project.commit("init")


def test_semver_cycle_names_branches_from_the_changes(project):
    _init(project)
    project.run("new", "-s", "Added", "--pr", "1", "-m", "First feature.")
    project.commit("first")
    r = project.run("cut", "--commit")
    assert r.exit_code == 0, r.output
    assert "created branch release-1.0.0" in r.stdout and "main's notes now start 1.1.0" in r.stdout
    # a breaking change on main: the next release is 2.0.0, not the 1.1.0 main's notes say
    project.run("new", "-s", "Changed", "--pr", "2", "--breaking", "-m", "Changed the API.")
    project.commit("break")
    before = project.snapshot_tree()
    refused = project.run("cut")
    assert refused.exit_code == 2
    assert "main's notes say 1.1.0, but the changes make this release 2.0.0 (changes.d/2-changed-the-api.md: " \
           "Changed, breaking)" in refused.stderr
    assert project.snapshot_tree() == before and "release-2.0.0" not in project.git("branch")
    r = project.run("cut", "--commit")
    assert r.exit_code == 0, r.output
    assert "the changes make this release 2.0.0: main's top section said 1.1.0; committed" in r.stdout
    assert project.git("show", "release-2.0.0:RELEASES.md").startswith("## 2.0.0\n")
    assert project.read("RELEASES.md").startswith("## 2.1.0\n")
    assert project.git("log", "--format=%s", "-3").splitlines() == [
        "Bump Demo to 2.1.0", "Bump Demo to 2.0.0", "break"]
    # on the branch: release keeps 2.0.0; a later patch stays a patch whatever its sections
    project.git("switch", "-q", "release-2.0.0")
    r = project.run("release", "--date", "2026-12-01", "--commit")
    assert r.exit_code == 0 and "stamped 2.0.0: Released 2026-12-01" in r.stdout and "set the top" not in r.stdout
    assert project.run("patch").exit_code == 0
    project.run("new", "-s", "Added", "--pr", "3", "-m", "A backported feature.")
    nxt = project.run("next").stdout
    assert "next version: 2.0.1" in nxt and "release-2.0.0 is a release branch" in nxt
    r = project.run("release", "--date", "2026-12-05")
    assert "stamped 2.0.1" in r.stdout


def test_release_sets_the_computed_version_and_version_overrides(plain):
    plain.fragment("add.md", "Added", "A feature.")
    plain.write("RELEASES.md", RELEASED.replace("## 1.3.0", "## 1.2.1", 1))
    plain.commit("state")
    r = plain.run("release", "--date", "2026-12-01")
    assert r.exit_code == 0, r.output
    assert r.stdout.splitlines()[0] == ("set the top section's version to 1.3.0 (it said 1.2.1): "
                                        "changes.d/add.md: Added; RELEASES.md:7: Added (already built)")
    assert plain.read("RELEASES.md").startswith("## 1.3.0\n\nReleased 2026-12-01.\n")
    plain.write("RELEASES.md", RELEASED)
    r = plain.run("release", "--date", "2026-12-02", "--version", "1.5.0")
    assert r.exit_code == 0 and "set the top section's version to 1.5.0 (it said 1.3.0)" in r.stdout
    plain.write("RELEASES.md", RELEASED)
    clash = plain.run("release", "--version", "1.2.0")
    assert clash.exit_code == 1 and "'## 1.2.0' already exists" in clash.stderr
    assert plain.read("RELEASES.md") == RELEASED


def test_major_per_release_release_keeps_the_heading(project):
    project.write("RELEASES.md", RELEASED)
    project.fragment("gone.md", "Removed", "Removed a thing.", breaking="true")
    r = project.run("release", "--date", "2026-12-01")
    assert r.exit_code == 0 and "set the top" not in r.stdout
    assert project.read("RELEASES.md").startswith("## 1.3.0\n\nReleased 2026-12-01.\n")


# -- breaking changes: presentation ---------------------------------------------------------------

FRAGMENTS = {
    "a.md": ("Changed", "The `run` command now exits 2 on usage errors.", {"prs": "[10]", "breaking": "true"}),
    "b.md": ("Added", "A `--quiet` flag.", {"prs": "[11]"}),
    "c.md": ("Removed", "- the `--old` flag\n- the `legacy` module", {"prs": "[12]", "breaking": "true"}),
    "d.md": ("Fixed", "A crash on empty input.", {"prs": "[13]"}),
}


@pytest.mark.parametrize("style", ["group", "prefix", "none"])
def test_breaking_presentation(project, md_snapshot, style):
    project.write("relnotes.yaml", PLAIN + f"breaking_changes: {{style: {style}}}\n")
    project.write("RELEASES.md", "## 1.0.0\n\nUnreleased.\n\n### Added\n\n### Fixed\n\n" + "-" * 80 + "\n")
    for name, (section, body, keys) in FRAGMENTS.items():
        project.fragment(name, section, body, **keys)
    assert project.run("build").exit_code == 0
    # a later build merges into the group relnotes wrote, never a second heading
    project.fragment("e.md", "Fixed", "Renamed `x` to `y`.", prs="[14]", breaking="true")
    assert project.run("build").exit_code == 0
    text = project.read("RELEASES.md")
    assert text.count("### Breaking changes") == (1 if style == "group" else 0)
    assert text.count("**Breaking:**") == (3 if style == "prefix" else 0)
    assert text == md_snapshot
    items = [i for c in json.loads(project.run("show", "--format", "json").stdout)["categories"] for i in c["items"]]
    flagged = sorted(i["text"].split("\n")[0] for i in items if i["breaking"])
    if style == "none":
        assert flagged == []
    else:
        assert len(flagged) == 3 and not any("quiet" in t or "crash" in t for t in flagged)


@settings(max_examples=150, deadline=None)
@given(body=st.lists(st.sampled_from(["text", "- item", "1. one", "`code`", "", "> quote", "*em* x", "    code",
                                      "[ref]: https://x", "résumé"]), min_size=1, max_size=5)
       .map("\n".join).filter(lambda b: b.strip() and not b.startswith(("\n", " "))),
       prs=st.lists(st.integers(1, 999), max_size=2), authors=st.lists(st.sampled_from(["octocat", "Alice-B"]),
                                                                          max_size=2, unique=True))
def test_prefixed_entries_agree_between_python_and_the_template(tmp_path_factory, body, prs, authors):
    """The built-in entry in Python and entry.md.j2 give the same bytes for breaking entries
    too, with a credit line (helper 19d's) or without."""
    from relnotes.render.environment import NATIVE, Renderer

    root = tmp_path_factory.mktemp("r")
    cfg = _cfg(root, PLAIN + "breaking_changes: {style: prefix}\n")
    body = "\n".join(line.rstrip() for line in body.strip("\n").split("\n"))
    frag = Fragment("changes.d/x.md", "x.md", "Changed", body, prs=tuple(prs), breaking=True,
                    authors=tuple(authors))
    fast, slow = Renderer(cfg), Renderer(cfg, fast=False)
    got = fast.entries([frag])
    assert got == slow.entries([frag])
    assert [NATIVE["entry.md.j2"]({"fragment": fast.entry_context(frag)})] == got
    assert got[0].startswith("* **Breaking:**")
    assert ("@octocat" in got[0]) == ("octocat" in authors)


def test_a_body_that_starts_a_block_gets_the_prefix_on_its_own_line(tmp_path):
    from relnotes.render.environment import Renderer

    cfg = _cfg(tmp_path, PLAIN + "breaking_changes: {style: prefix}\n")
    frag = Fragment("changes.d/x.md", "x.md", "Removed", "- one\n- two", prs=(5,), breaking=True)
    assert Renderer(cfg).entries([frag]) == [
        "* **Breaking:**\n\n  - one\n  - two\n\n  [#5](https://example.org/demo/pull/5)"]


# -- a configured prefix cannot change the notes' structure either ---------------------------------

from hypothesis import assume  # noqa: E402
from test_entries_are_data import _BODY, MAIN, commonmark_outline, entries_in, structure, with_entry  # noqa: E402

from relnotes.config.rules import INLINE_PATTERN  # noqa: E402
from relnotes.fragments.fragment import parse_text  # noqa: E402
from relnotes.markdown.entry import breaking_prefix, builtin_entry  # noqa: E402
from relnotes.notes import formats  # noqa: E402

_GOOD_PREFIXES = st.sampled_from(["**Breaking:** ", "BREAKING: ", "⚠️ ", "*x* ", "_Breaking_ — ", "Breaking:", "!"])
_PREFIXES = st.one_of(
    _GOOD_PREFIXES, _GOOD_PREFIXES,
    # what the configuration must refuse: each would change the structure if it got through
    st.sampled_from(["x\n## 99.0.0\n", "x\n<!-- ARCHIVE_START -->\n", "x\n\n" + "-" * 80 + "\n\n",
                     "x\r### Fixed\r", "<!-- ARCHIVE_START -->\n", "x\n\n### Removed\n\n"]),
    st.text(alphabet="*_#-+=~>|!:. aB0\t\n", min_size=1, max_size=10))


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(prefix=_PREFIXES, category=st.sampled_from(["Added", "Changed", "Fixed"]), data=st.data())
def test_accepted_prefixes_never_change_the_notes_structure(prefix, category, data):
    """A prefix the configuration accepts, before any body the fragment check accepts, gives
    one more entry in its category and nothing else: the same releases, categories, archive
    and CommonMark headings (the property tests/test_entries_are_data.py holds for bodies)."""
    assume(re.match(INLINE_PATTERN, prefix))
    body = data.draw(_BODY)
    frag, _ = parse_text("---\nsection: Fixed\nprs: [5]\nbreaking: true\n---\n" + body + "\n", "changes.d/x.md",
                         SECTIONS)
    assume(frag is not None)
    entry = builtin_entry(frag.body, ["[#5](https://github.com/x/y/pull/5)"],
                          prefix=breaking_prefix(prefix, frag.body))
    before = formats.parse(MAIN)
    assume(before.releases[0].category(category) is not None)
    after = with_entry(MAIN, entry, category)
    assert structure(after) == structure(before)
    assert entries_in(after, category) == entries_in(before, category) + 1
    assert commonmark_outline(after.text()) == commonmark_outline(MAIN)
