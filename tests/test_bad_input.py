"""The bad-input catalogue: every case exits with the right code and a located message,
shows no traceback, and leaves the working tree byte-identical."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from conftest import corpus
from hypothesis import given, settings
from hypothesis import strategies as st

from relnotes.errors import RelnotesError
from relnotes.version import Version

MAIN = corpus("main.RELEASES.md")
GOOD = "---\nsection: Fixed\nprs: [1]\n---\nA fix.\n"


def frag(text):
    return {"changes.d/bad.md": text}


ALIAS_BOMB = "---\nsection: Fixed\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\n" \
             "c: &c [*b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c]\n---\nText.\n"
DEEP = "---\nsection: Fixed\nprs: " + "[" * 60 + "]" * 60 + "\n---\nText.\n"

# id: (files to write, command, exit code, message substring)
CASES = {
    # fragments
    "frag-no-front-matter": (frag("Just text.\n"), ["check"], 1, "changes.d/bad.md:1:1: no front matter"),
    "frag-unclosed": (frag("---\nsection: Fixed\n"), ["check"], 1, "changes.d/bad.md:1:1: front matter is not closed"),
    "frag-broken-yaml": (frag("---\nsection: [Fixed\n---\nx\n"), ["check"], 1, "changes.d/bad.md:3:1: invalid front matter"),
    "frag-python-tag": (frag("---\nsection: !!python/object/apply:os.system ['echo pwned']\n---\nx\n"), ["check"], 1,
                        "changes.d/bad.md:2:10: invalid front matter"),
    "frag-custom-tag": (frag("---\nsection: !Fixed x\n---\nx\n"), ["check"], 1, "changes.d/bad.md:2:10: invalid front matter"),
    "frag-alias-bomb": (frag(ALIAS_BOMB), ["check"], 1, "changes.d/bad.md:3:4: invalid front matter: an anchor"),
    "frag-deep-nesting": (frag(DEEP), ["check"], 1, "changes.d/bad.md"),
    "frag-wrong-type-section": (frag("---\nsection: [Fixed]\n---\nx\n"), ["check"], 1, "changes.d/bad.md:2:1: 'section' must be text"),
    "frag-wrong-type-prs": (frag("---\nsection: Fixed\nprs: twelve\n---\nx\n"), ["check"], 1,
                            "changes.d/bad.md:3:1: 'prs' must be a list of positive whole numbers"),
    "frag-float-pr": (frag("---\nsection: Fixed\nprs: [1.5]\n---\nx\n"), ["check"], 1, "1.5 is not one"),
    "frag-bool-pr": (frag("---\nsection: Fixed\nprs: [true]\n---\nx\n"), ["check"], 1, "True is not one"),
    "frag-unknown-key": (frag("---\nsection: Fixed\nbackports: true\n---\nx\n"), ["check"], 1,
                         "changes.d/bad.md:3:1: unknown key 'backports'; did you mean 'backport'?"),
    "frag-unknown-section": (frag("---\nsection: Feature\n---\nx\n"), ["check"], 1, "unknown section 'Feature'"),
    "frag-empty-body": (frag("---\nsection: Fixed\n---\n"), ["check"], 1, "the fragment has no text"),
    "frag-placeholder": (frag("---\nsection: Fixed\n---\nDescribe the change for users here, in one or more sentences.\n"),
                         ["check"], 1, "still has the placeholder text"),
    "frag-heading": (frag("---\nsection: Fixed\n---\n# Title\n"), ["check"], 1, "changes.d/bad.md:4:1: headings are not allowed"),
    "frag-nested-heading": (frag("---\nsection: Fixed\n---\n- item\n\n  ## sub\n"), ["check"], 1, "headings are not allowed"),
    "frag-thematic-break": (frag("---\nsection: Fixed\n---\nx\n\n___\n"), ["check"], 1, "thematic breaks"),
    "frag-html-block": (frag("---\nsection: Fixed\n---\n<script>alert(1)</script>\n"), ["check"], 1, "raw HTML blocks"),
    "frag-html-comment": (frag("---\nsection: Fixed\n---\n<!-- hidden -->\n"), ["check"], 1, "raw HTML blocks"),
    "frag-non-utf8": ({"changes.d/bad.md": b"---\nsection: Fixed\n---\n\xff\xfe\n"}, ["check"], 1, "is not UTF-8"),
    "frag-10mb": ({"changes.d/bad.md": "---\nsection: Fixed\n---\n" + "x" * 10_000_000}, ["check"], 1,
                  "a fragment may be at most 65536 bytes"),
    "frag-wrong-extension": ({"changes.d/bad.txt": GOOD}, ["check"], 1, "changes.d/bad.txt:1:1: is not a fragment"),
    "frag-typo-name": ({"changes.d/fix.md~": GOOD}, ["check"], 1, "changes.d/fix.md~:1:1: is not a fragment"),
    "frag-directory": ({"changes.d/dir.md/x": "y"}, ["check"], 1, "changes.d/dir.md:1:1: is a directory"),
    "frag-symlink-outside": ({"changes.d/bad.md": ("symlink", "/etc/passwd")}, ["check"], 1,
                             "changes.d/bad.md:1:1: is a symbolic link to a file outside the repository"),
    "frag-duplicate-entry": ({"changes.d/a.md": GOOD, "changes.d/b.md": GOOD}, ["check"], 1,
                             "changes.d/b.md:5:1: renders the same entry as changes.d/a.md in section 'Fixed'"),
    "frag-advisory": (frag("---\nsection: Security\nadvisories: [CVE-2024-1]\n---\nx\n"), ["check"], 1,
                      "'CVE-2024-1' is not a GitHub advisory id"),
    "frag-bad-build": (frag("---\nsection: Nope\n---\nx\n"), ["build"], 1, "fragments have problems; nothing was changed"),
    "frag-bad-cut": ({**frag("---\nsection: Nope\n---\nx\n"), "@commit": ""}, ["cut"], 1, "fragments have problems; nothing was changed"),
    "frag-bad-release": (frag("---\nsection: Nope\n---\nx\n"), ["release", "--date", "2026-01-01"], 1, "nothing was changed"),
    # configs
    "cfg-unknown-key": ({"relnotes.yaml": "projct: x\n"}, ["check"], 2, "relnotes.yaml:1:1: unknown key 'projct' — did you mean 'project'?"),
    "cfg-wrong-type": ({"relnotes.yaml": "sections: 5\n"}, ["check"], 2, "relnotes.yaml:1:1: 'sections' must be a list of strings"),
    "cfg-nested-type": ({"relnotes.yaml": "support: {lts_every: x}\n"}, ["check"], 2, "'support.lts_every' must be a non-negative whole number"),
    "cfg-escape-notes": ({"relnotes.yaml": "notes_file: ../../etc/passwd\n"}, ["check"], 2, "points outside the repository"),
    "cfg-escape-abs": ({"relnotes.yaml": "fragments_dir: /tmp\n"}, ["check"], 2, "points outside the repository"),
    "cfg-escape-templates": ({"relnotes.yaml": "templates_dir: ../t\n"}, ["check"], 2, "points outside the repository"),
    "cfg-escape-version-file": ({"relnotes.yaml": "version_files: [{path: ../x, pattern: '{version}'}]\n"}, ["check"], 2,
                                "points outside the repository"),
    "cfg-broken-yaml": ({"relnotes.yaml": "project: 'x\n"}, ["check"], 2, "relnotes.yaml"),
    "cfg-tag": ({"relnotes.yaml": "project: !!python/name:os.system\n"}, ["check"], 2, "invalid YAML"),
    "cfg-not-mapping": ({"relnotes.yaml": "just a string\n"}, ["check"], 2, "must be a mapping"),
    "cfg-bad-date": ({"relnotes.yaml": "schedule: {anchor_date: 2024-02-30}\n"}, ["check"], 2,
                     "relnotes.yaml:1:25: invalid value: day is out of range for month"),
    "cfg-bad-day": ({"relnotes.yaml": "schedule: {cut_day: 31}\n"}, ["check"], 2, "'schedule.cut_day' must be a day from 1 to 28"),
    "cfg-branch-pattern": ({"relnotes.yaml": "release_branch: release\n"}, ["check"], 2, "must contain '{version}'"),
    "cfg-link-brace": ({"relnotes.yaml": "links:\n  pr: 'https://x/{'\n"}, ["build", "--draft"], 2,
                       "relnotes.yaml:2:3: 'links.pr' is not a valid link pattern (Single '{' encountered"),
    "cfg-link-placeholder": ({"relnotes.yaml": "links: {advisory: '{repository}/{number}'}\n"}, ["check"], 2,
                             "'links.advisory' uses the placeholder {number}; it may use {repository}, {id}"),
    "cfg-link-attribute": ({"relnotes.yaml": "links: {pr: '{number.__class__}'}\n"}, ["check"], 2,
                           "'links.pr' uses the placeholder {number.__class__}"),
    "cfg-link-spec": ({"relnotes.yaml": "links: {pr: '{number:zz}'}\n"}, ["check"], 2,
                      "relnotes.yaml:1:9: 'links.pr' is not a valid link pattern (Unknown format code 'z'"),
    "cfg-non-utf8": ({"relnotes.yaml": b"project: \xff\n"}, ["check"], 2, "not UTF-8"),
    "cfg-missing-file": ({}, ["--config", "nope.yaml", "check"], 2, "nope.yaml: no such configuration file"),
    # notes files
    "notes-missing": ({"RELEASES.md": None}, ["build"], 1, "RELEASES.md: no such notes file"),
    "notes-no-section": ({"RELEASES.md": "# Notes\n\nNothing yet.\n"}, ["build"], 1, "RELEASES.md: no release section"),
    "notes-two-unreleased": ({"RELEASES.md": "## 2.0.0\n\nUnreleased.\n\n## 1.0.0\n\nUnreleased.\n"}, ["check"], 1,
                             "RELEASES.md:7:1: '## 1.0.0' is a second unreleased release"),
    "notes-bom-two-unreleased": ({"RELEASES.md": "\ufeff## 2.0.0\n\nUnreleased.\n\n## 1.0.0\n\nUnreleased.\n"}, ["check"], 1,
                                 "RELEASES.md:7:1: '## 1.0.0' is a second unreleased release"),
    "notes-duplicate-version": ({"RELEASES.md": "## 1.0.0\n\nUnreleased.\n\n## 1.0.0\n\nReleased 2020-01-01.\n"},
                                ["check"], 1, "RELEASES.md:5:4: version 1.0.0 appears twice"),
    "notes-no-status": ({"RELEASES.md": "## 1.0.0\n\n### Added\n"}, ["check"], 1, "RELEASES.md:1:1: '## 1.0.0' has no status line"),
    "notes-bad-date": ({"RELEASES.md": "## 1.0.0\n\nReleased 2020-02-31.\n"}, ["check"], 1, "'2020-02-31' is not a date"),
    "notes-no-archive-marker": ({"RELEASES.md": "## 1.0.0\n\nUnreleased.\n"}, ["archive"], 1, "no '<!-- ARCHIVE_START -->' line"),
    "notes-non-version-top": ({"RELEASES.md": "## Next\n\nUnreleased.\n", "@commit": ""}, ["cut"], 1, "top heading '## Next' is not a version"),
    "notes-non-utf8": ({"RELEASES.md": b"## 1.0.0\n\nUnreleased \xff\n"}, ["build"], 1, "RELEASES.md:3: not UTF-8"),
    "notes-symlink-outside": ({"RELEASES.md": ("symlink", "/etc/hostname")}, ["build"], 2, "resolves outside the repository"),
    "notes-released-top-build": ({"RELEASES.md": MAIN.replace("Unreleased.", "Released 2026-09-20."),
                                  "changes.d/a.md": GOOD}, ["build"], 2, "is already released"),
    # flags
    "flag-bad-date-stamp": ({}, ["stamp", "--date", "20-08-2026"], 2, "--date '20-08-2026' is not a real date"),
    "flag-bad-date-release": ({}, ["release", "--date", "2026-02-29"], 2, "--date '2026-02-29' is not a real date"),
    "flag-bad-version-stamp": ({}, ["stamp", "--version", "1.2"], 2, "'1.2' is not a version"),
    "flag-bad-version-cut": ({}, ["cut", "--version", "v"], 2, "'v' is not a version"),
    "flag-unknown-option": ({}, ["build", "--nope"], 2, "No such option"),
    "flag-bad-format": ({}, ["show", "--format", "pdf"], 2, "Invalid value for '--format': 'pdf' is not one of 'md', 'json', 'html'"),
    "flag-bad-on": ({}, ["support", "--on", "yesterday"], 2, "--on 'yesterday' is not a real date"),
    "flag-unknown-command": ({}, ["frobnicate"], 2, "No such command"),
    "flag-new-bad-pr": ({}, ["new", "-s", "Fixed", "--pr", "abc", "-m", "x"], 2, "Invalid value for '--pr': 'abc' is not a valid int"),
    "flag-new-bad-advisory": ({}, ["new", "-s", "Fixed", "--advisory", "GHSA-x", "-m", "x"], 1, "'GHSA-x' is not a GitHub advisory id"),
    # git states
    "git-dirty-cut": ({"src.rs": "changed"}, ["cut"], 2, "the working tree has uncommitted changes (src.rs)"),
    "git-detached-cut": ({"@detach": ""}, ["cut"], 2, "HEAD is detached"),
    "git-missing-base": ({}, ["check", "--base", "origin/nope"], 2, "--base 'origin/nope' is not a known commit"),
    "git-when-missing": ({}, ["when", "0000000"], 2, "'0000000' is not a commit"),
    "git-not-a-repo": ({"@nogit": ""}, ["cut"], 2, "is not inside a git repository"),
}


# Failures that once reached the top-level guard (a traceback, now exit 3): each is a
# located message with exit 2 (issue 15).
NOTES_DIR = {"RELEASES.md": None, "RELEASES.md/x": "y"}
CASES.update({
    # the notes file is a directory
    "fs-notes-dir-build": (NOTES_DIR, ["build"], 2, "RELEASES.md: cannot read the notes file: is a directory"),
    "fs-notes-dir-check": (NOTES_DIR, ["check"], 2, "RELEASES.md: cannot read the notes file: is a directory"),
    "fs-notes-dir-show": (NOTES_DIR, ["show"], 2, "RELEASES.md: cannot read the notes file: is a directory"),
    "fs-notes-dir-stamp": (NOTES_DIR, ["stamp", "--date", "2026-01-01"], 2, "RELEASES.md: cannot read"),
    "fs-notes-dir-archive": (NOTES_DIR, ["archive"], 2, "RELEASES.md: cannot read"),
    "fs-version-file-dir": ({"relnotes.yaml": "version_files: [{path: Cargo.toml, pattern: '{version}'}]\n",
                             "Cargo.toml/x": "y", "@commit": ""}, ["cut"], 2,
                            "Cargo.toml: cannot read the version file: is a directory"),
    "fs-fragments-dir-file": ({"relnotes.yaml": "fragments_dir: frags\n", "frags": "not a directory"},
                              ["new", "-s", "Fixed", "-m", "A fix."], 2, "frags: is not a directory"),
    # a timestamp where a date belongs
    "cfg-anchor-datetime": ({"relnotes.yaml": "schedule: {anchor_date: 2024-04-20T10:00:00}\n"}, ["support"], 2,
                            "relnotes.yaml:1:12: 'schedule.anchor_date' must be a date (YYYY-MM-DD) without a time"),
    "cfg-anchor-datetime-space": ({"relnotes.yaml": "schedule:\n  anchor_date: 2024-04-20 10:00:00Z\n"},
                                  ["schedule"], 2, "without a time, not 2024-04-20T10:00:00"),
    "cfg-anchor-datetime-check": ({"relnotes.yaml": "schedule: {anchor_date: 2024-04-20t10:00:00.5}\n"},
                                  ["check"], 2, "without a time"),
    # {version} must appear once in the branch pattern
    "cfg-branch-twice-archive": ({"relnotes.yaml": "release_branch: 'r-{version}-{version}'\n"}, ["archive"], 2,
                                 "'release_branch' must contain '{version}' exactly once"),
    "cfg-branch-twice-check": ({"relnotes.yaml": "release_branch: '{version}/{version}'\n"}, ["check"], 2,
                               "exactly once"),
    "cfg-branch-twice-when": ({"relnotes.yaml": "release_branch: 'release-{version}{version}'\n"},
                              ["when", "HEAD"], 2, "exactly once"),
    # calendar numbers are bounded
    "cfg-lts-months-zero": ({"relnotes.yaml": "support: {lts_months: 0}\n"}, ["support"], 2,
                            "relnotes.yaml:1:11: 'support.lts_months' must be from 1 to 1200, not 0"),
    "cfg-normal-months-huge": ({"relnotes.yaml": "support: {normal_months: 100000000000}\n"}, ["support"], 2,
                               "'support.normal_months' must be from 1 to 1200"),
    "cfg-lts-every-zero": ({"relnotes.yaml": "support: {lts_every: 0}\n"}, ["support"], 2,
                           "'support.lts_every' must be from 1 to 1000, not 0"),
    "cfg-lts-releases-huge": ({"relnotes.yaml": "support: {lts_releases: 5000}\n"}, ["support"], 2,
                              "'support.lts_releases' must be from 1 to 1000"),
    "cfg-anchor-version-huge": ({"relnotes.yaml": "schedule: {anchor_version: 100000000000}\n"}, ["schedule"], 2,
                                "'schedule.anchor_version' must be from 0 to 100000"),
    "cfg-release-day-zero": ({"relnotes.yaml": "schedule: {release_day: 0}\n"}, ["schedule"], 2,
                             "'schedule.release_day' must be a day from 1 to 28"),
    # dates and counts past what a date can hold
    "date-schedule-count-huge": ({}, ["schedule", "--count", "100000"], 2, "--count must be from 1 to 1000, not 100000"),
    "date-schedule-count-zero": ({}, ["schedule", "--count", "0"], 2, "--count must be from 1 to 1000, not 0"),
    "date-schedule-count-negative": ({}, ["schedule", "--count", "-3"], 2, "--count must be from 1 to 1000"),
    "date-schedule-from-9999": ({}, ["schedule", "--from", "9999-12-01"], 2,
                                "the release calendar for this date runs outside the years 1 to 9999"),
    "date-support-9999": ({}, ["support", "--on", "9999-12-31"], 2, "runs outside the years 1 to 9999"),
    "date-support-svg-9999": ({}, ["support", "--on", "9999-12-31", "--format", "svg"], 2, "outside the years"),
    "date-support-svg-0001": ({}, ["support", "--on", "0001-01-01", "--format", "svg"], 2, "outside the years"),
    "date-backports-9999": ({}, ["backports", "--on", "9999-12-31"], 2, "outside the years 1 to 9999"),
    "date-support-10000": ({}, ["support", "--on", "10000-01-01"], 2, "--on '10000-01-01' is not a real date"),
    "date-stamp-0000": ({}, ["stamp", "--date", "0000-12-31"], 2, "--date '0000-12-31' is not a real date"),
    # --commit needs git before anything is written
    "git-release-commit-nogit": ({**frag(GOOD), "@nogit": ""}, ["release", "--commit", "--date", "2026-01-01"], 2,
                                 "is not inside a git repository"),
})

def _setup(project, files):
    project.write("RELEASES.md", MAIN)
    project.write("src.rs", "fn main() {}\n")
    project.commit("base")
    for rel, content in files.items():
        if rel == "@detach":
            project.git("switch", "-q", "--detach")
            continue
        if rel == "@commit":
            project.commit("bad input")
            continue
        if rel == "@nogit":
            import shutil
            shutil.rmtree(project.root / ".git")
            continue
        p = project.root / rel
        if content is None:
            p.unlink()
            continue
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, tuple):
            p.unlink(missing_ok=True)
            os.symlink(content[1], p)
        elif isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_text(content, encoding="utf-8", newline="")


def test_catalogue_has_at_least_50_cases():
    assert len(CASES) >= 50


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input(project, case):
    files, args, code, message = CASES[case]
    _setup(project, files)
    before = project.snapshot_tree()
    refs = project.git("for-each-ref") if (project.root / ".git").exists() else ""
    r = project.run(*args)
    assert r.exit_code == code, r.output
    assert message in r.stderr, r.stderr
    assert "Traceback" not in r.output
    assert "internal error" not in r.output  # the catalogue never reaches the top-level guard
    assert project.snapshot_tree() == before
    if (project.root / ".git").exists():
        assert project.git("for-each-ref") == refs


# -- property tests: parsers raise only RelnotesError ------------------------------------------


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.text(max_size=30),
                 st.from_regex(r"v?\d{1,3}\.\d{1,3}\.\d{1,3}(-[0-9A-Za-z.-]{1,10})?(\+[0-9A-Za-z.]{1,5})?", fullmatch=True)))
def test_version_parser_only_raises_relnotes_errors(text):
    try:
        v = Version.parse(text)
    except RelnotesError:
        return
    assert Version.parse(str(v)) == v
    assert not (v < v) and v <= v


@settings(max_examples=200, deadline=None)
@given(st.lists(st.from_regex(r"(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})\.(0|[1-9][0-9]{0,2})(-(rc|dev|alpha)(\.[1-9])?)?",
                              fullmatch=True),
                min_size=2, max_size=8))
def test_version_order_is_semver(texts):
    vs = [Version.parse(t) for t in texts]
    ordered = sorted(vs)
    for a, b in zip(ordered, ordered[1:]):
        assert (a.major, a.minor, a.patch) <= (b.major, b.minor, b.patch)
        if (a.major, a.minor, a.patch) == (b.major, b.minor, b.patch) and not b.pre:
            assert a.pre or a == b  # a pre-release sorts before its release


def test_version_ordering_examples():
    assert Version.parse("1.10.0") > Version.parse("1.9.0")
    assert Version.parse("100.0.0") > Version.parse("99.0.0")
    assert Version.parse("49.0.0-dev") < Version.parse("49.0.0")
    assert Version.parse("49.0.0-rc.2") < Version.parse("49.0.0-rc.10") < Version.parse("49.0.0")


# -- crash safety ------------------------------------------------------------------------------


def test_failed_notes_write_leaves_everything(project, monkeypatch):
    project.write("RELEASES.md", MAIN)
    project.fragment("a.md", "Fixed", "A fix.", prs="[1]")
    project.commit("base")
    before = project.snapshot_tree()

    def boom(*a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", boom)
    r = project.run("build")
    monkeypatch.undo()
    assert r.exit_code == 2, r.output
    assert "error: RELEASES.md: cannot write: no space left on the device" in r.stderr
    assert project.snapshot_tree() == before  # no temp file left behind, fragments intact


def test_interrupted_cut_is_finished_by_a_rerun(project, monkeypatch):
    from relnotes import transaction

    project.write("RELEASES.md", MAIN)
    project.fragment("a.md", "Fixed", "A fix.", prs="[1]")
    project.commit("base")
    calls = {"n": 0}
    real = transaction._finish

    class Killed(BaseException):
        """Stands for SIGKILL: not an Exception, so nothing in relnotes handles it."""

    def crash_after_notes(*a, **k):
        calls["n"] += 1
        raise Killed  # the change is definite (journaled), but no file is renamed or removed yet

    monkeypatch.setattr(transaction, "_finish", crash_after_notes)
    with pytest.raises(Killed):
        project.run("cut")
    monkeypatch.setattr(transaction, "_finish", real)
    assert project.git("branch", "--list", "release-49.0.0")
    r = project.run("cut")
    assert r.exit_code == 0, r.output
    assert project.read("RELEASES.md").startswith("## 50.0.0\n")
    assert project.read("RELEASES.md").count("[49.0.x]") == 1
    assert not (project.root / "changes.d/a.md").exists()
    assert not (project.root / ".git/relnotes-cut").exists()
    # and a third run is a new cut of 50.0.0, not a repeat of 49
    assert project.git("branch", "--list", "release-50.0.0") == ""


def test_sigkill_during_build_leaves_old_or_new_state(project):
    """A real SIGKILL at varying moments: rerunning build always converges on the same notes."""
    n = 1500
    project.write("RELEASES.md", MAIN)
    for i in range(n):
        project.write(f"changes.d/f{i:05d}.md", f"---\nsection: Fixed\nprs: [{i + 1}]\n---\nFix number {i}.\n")
    project.commit("base")
    expected_entries = n
    for delay in (0.3, 0.6, 0.9):
        # a git killed mid-write leaves .git/index.lock behind, as after any SIGKILL; git
        # itself refuses to run until it is removed, so the test clears it like a user would
        (project.root / ".git/index.lock").unlink(missing_ok=True)
        project.git("reset", "-q", "--hard")
        # its own process group: SIGKILL takes relnotes and its git child together, as a
        # cancelled CI job or a closed terminal does
        proc = subprocess.Popen([sys.executable, "-m", "relnotes", "build"], cwd=project.root,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        time.sleep(delay)
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()
        notes = project.read("RELEASES.md")
        entries = notes.count("\n* Fix number ")
        assert entries in (0, expected_entries)  # never half a file
        remaining = len(list((project.root / "changes.d").glob("*.md")))
        if entries == 0:
            assert remaining == n  # nothing removed before the notes were written
        r = project.run("build")
        if r.exit_code == 2 and "index.lock" in r.stderr:  # git was killed holding its lock
            (project.root / ".git/index.lock").unlink()
            r = project.run("build")
        assert r.exit_code == 0, r.output
        final = project.read("RELEASES.md")
        assert final.count("\n* Fix number ") == expected_entries
        assert not list((project.root / "changes.d").glob("*.md"))


def test_a_rejected_config_never_poisons_the_config_cache(project):
    """A timestamp anchor_date once failed every later run from the cache; now each run
    says what is wrong, and fixing the file is enough."""
    from relnotes import cache

    _setup(project, {"relnotes.yaml": "preset: wasmtime\nschedule: {anchor_date: 2024-04-20T10:00:00}\n"})
    for _ in range(2):
        r = project.run("support", "--on", "2026-01-01")
        assert r.exit_code == 2 and "without a time" in r.stderr, r.output
    project.write("relnotes.yaml", "preset: wasmtime\nschedule: {anchor_date: 2024-04-20}\n")
    for _ in range(2):
        r = project.run("support", "--on", "2026-01-01")
        assert r.exit_code == 0 and "24.0.0" in r.stdout, r.output
    # a damaged cache entry is a miss, not a crash
    path = cache.cache_file(project.root, cache.CONFIG_NAME)
    import marshal

    data = marshal.loads(path.read_bytes())
    data["entries"] = {k: {"schedule": {"anchor_date": {"$date": "not a date"}}} for k in data["entries"]}
    path.write_bytes(marshal.dumps(data))
    r = project.run("support", "--on", "2026-01-01")
    assert r.exit_code == 0 and "24.0.0" in r.stdout, r.output
