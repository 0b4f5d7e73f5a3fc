"""Attacks on the advisory and HTML surfaces: a hostile notes file or fragment (link
definitions, role-made links, ids), a careless configuration (tag patterns), and
printed values that reach a CI log."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from relnotes.config import load as config
from relnotes.errors import ConfigError

GHSA = "GHSA-x84v-gj2h-g759"
NOTES = f"""## 1.0.0

Released 2026-01-01.

### Fixed

* Fixed a hole.
  [{GHSA}](https://github.com/acme/demo/security/advisories/{GHSA})

"""
CONFIG = "project: Demo\nrepository: https://github.com/acme/demo\nversioning: semver\n"


@pytest.fixture
def demo(project):
    project.write("relnotes.yaml", CONFIG)
    project.write("RELEASES.md", NOTES)
    project.commit(f"Fix a hole ({GHSA})")
    project.git("branch", "release-1.0.0")
    return project


def test_a_tag_pattern_with_major_answers_when_for_an_advisory(demo):
    demo.write("relnotes.yaml", CONFIG + 'tag: "r{major}-v{version}"\n')
    demo.commit("tag style")
    demo.git("tag", "r1-v1.0.0", "release-1.0.0")
    r = demo.run("when", GHSA)
    assert r.exit_code == 0, r.output
    assert f"{GHSA} shipped in 1.0.0" in r.stdout


@pytest.mark.parametrize("tag", ["v{version}{x}", "v{version}-{0}", "v{version}{version.__class__}", "v{version}}"])
def test_a_tag_pattern_with_an_unknown_placeholder_is_refused_at_load(demo, tag):
    demo.write("relnotes.yaml", CONFIG + f'tag: "{tag}"\n')
    with pytest.raises(ConfigError, match="relnotes.yaml:4:1: 'tag' does not make a valid tag name"):
        config.load(demo.root / "relnotes.yaml")
    r = demo.run("when", GHSA)
    assert r.exit_code == 2, r.output


@pytest.mark.parametrize("target", ["--output=/tmp/x", "-p", "#" + "9" * 100_000, "CVE-2024-" + "1" * 100_000,
                                    "GHSA-" + "x" * 100_000, "HEAD\n--all", "RUSTSEC-2024-" + "9" * 5000])
def test_when_refuses_hostile_targets_with_a_usage_error(demo, target):
    r = demo.run("when", target)
    assert r.exit_code == 2, r.output
    assert "internal error" not in r.output
    assert len(r.stderr) < 2000  # the echo of a huge value is shortened


@pytest.mark.parametrize("ident", ["GHSA-bad", "GHSA-x84v-gj2h-g759\n## 2.0.0", "CVE-" + "9" * 100_000,
                                   "javascript:alert(1)"])
def test_new_advisory_refuses_what_is_no_advisory_id(demo, ident):
    # new reports the fragment it would write as content (exit 1), located, and writes nothing
    before = demo.snapshot_tree()
    r = demo.run("new", "--advisory", ident, "-m", "Fixed a hole.")
    assert r.exit_code == 1, r.output
    assert "changes.d/" in r.output and "nothing was written" in r.output
    assert "internal error" not in r.output and len(r.output) < 2000
    assert demo.snapshot_tree() == before


@pytest.mark.parametrize("ident", [f"{GHSA}]\nbreaking: true\nprs: [1", f"{GHSA}, CVE-2024-1234]\nbackport: true\nx: [",
                                   f"{GHSA}\nsection: Security"])
def test_new_advisory_cannot_inject_front_matter_keys(demo, ident):
    before = demo.snapshot_tree()
    r = demo.run("new", "--advisory", ident, "-m", "Fixed a hole.")
    assert r.exit_code == 1, r.output
    assert "is not a GitHub advisory id" in r.output and "nothing was written" in r.output
    assert demo.snapshot_tree() == before


HOSTILE_DEFS = """## 1.0.0

Released 2026-01-01.

### Fixed

* The [associated fix][x] and [another][y] and [third][z].

[x]: javascript:alert(1)
[y]: https://example.org/ "t\\" onmouseover=\\"alert(2)"
[z]: <data:text/html,x> "<script>alert(3)</script>"

"""


def _no_live_script(html: str) -> None:
    assert not re.search(r"(?i)href\s*=\s*[\"']?\s*(javascript|data|vbscript):", html)
    assert not re.search(r"(?i)<script[^>]*>\s*alert", html)
    assert not re.search(r"(?i)\son\w+\s*=\s*[\"']?alert", html)


def test_link_definitions_in_notes_cannot_inject_script_into_show_page(demo):
    demo.write("RELEASES.md", HOSTILE_DEFS)
    for fmt in ("html", "page"):
        r = demo.run("show", "1.0.0", "--format", fmt)
        assert r.exit_code == 0, r.output
        _no_live_script(r.stdout)
        assert "https://example.org/" in r.stdout  # the safe one still links


def test_link_definitions_in_notes_cannot_inject_script_into_upgrade_html(demo):
    demo.write("RELEASES.md", HOSTILE_DEFS)
    demo.commit("hostile")
    demo.git("branch", "-f", "release-1.0.0")
    r = demo.run("upgrade", "0.9.0", "1.0.0", "--format", "html")
    assert r.exit_code == 0, r.output
    _no_live_script(r.stdout)


def test_link_definitions_in_notes_cannot_inject_script_into_the_site(demo, tmp_path):
    demo.write("RELEASES.md", HOSTILE_DEFS)
    demo.commit("hostile")
    demo.git("branch", "-f", "release-1.0.0")
    out = tmp_path / "site"
    r = demo.run("site", str(out))
    assert r.exit_code == 0, r.output
    pages = [p.read_text() for p in out.rglob("*.html")]
    assert pages
    for html in pages:
        _no_live_script(html)


def test_a_fragment_cannot_define_a_javascript_link_label(demo):
    demo.fragment("x.md", "Fixed", "See [the fix][x].\n\n[x]: javascript:alert(1)")
    r = demo.run("check")
    assert r.exit_code == 1, r.output
    assert "changes.d/x.md" in r.output


def test_check_in_github_format_cannot_be_made_to_emit_a_workflow_command(demo):
    demo.write("changes.d/evil%0A::error file=x::pwned.md", "---\nsection: Nope\n---\nx\n")
    demo.write("changes.d/y.md", "---\nsection: \"Fixed\\n::warning::pwned\"\n---\nBody.\n")
    demo.fragment("z.md", "Fixed", "Body\n::error::pwned")
    r = subprocess.run([sys.executable, "-m", "relnotes", "check", "--format", "github"], cwd=demo.root,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 1, r.stdout + r.stderr
    for line in (r.stdout + r.stderr).splitlines():
        assert "::error file=x::" not in line and not line.startswith(("::warning::pwned", "::error::pwned"))
