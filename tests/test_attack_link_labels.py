"""Attack: a fragment's link definition turns older entries' bracketed text into links.

An older entry reads ``Implements [RFC 42] as [designed].`` with no definition for
either label (plain text on GitHub).  A pull request adds a fragment that defines
``[rfc 42]`` and ``[designed]``: ``check`` and ``build`` accept it, the proof accepts it
(the labels are "the new entries' own" and re-point no definition), and GitHub now
renders the *older* entry's words as links to the pull request's URLs.  The diff a
reviewer sees is two definition lines under an unrelated entry.

README: "An entry is data: no fragment changes the notes' structure"; a fragment may
not define a label that would "re-point older entries' links"; the proof refuses a
result that defines "no link label but the new entries' own".  A label the older text
already uses as a reference is not the new entry's own.
"""

from __future__ import annotations

NOTES = ("## 2.0.0\n\nUnreleased.\n\n### Added\n\n### Changed\n\n"
         "## 1.0.0\n\nReleased 2026-01-01.\n\n### Added\n\n* Implements [RFC 42] as [designed].\n  #12\n\n"
         "--------------------------------------------------------------------------------\n")


def test_a_fragment_cannot_turn_an_older_entrys_brackets_into_its_links(project):
    project.write("relnotes.yaml", "preset: plain\nproject: demo\n")
    project.write("RELEASES.md", NOTES)
    project.commit("base")
    project.fragment("13.md", "Fixed", "Fixed a typo.\n\n[rfc 42]: https://evil.example/phish\n"
                     "[designed]: https://evil.example/2", prs="[13]")
    before = project.snapshot_tree()
    check = project.run("check")
    build = project.run("build")
    assert "evil.example" not in project.read("RELEASES.md"), (check.output, build.output)
    assert check.exit_code == 1 and build.exit_code == 1
    assert project.snapshot_tree() == before


# -- more of the same attack, and what stays allowed -------------------------------------------------

import json  # noqa: E402
import os  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402

import pytest  # noqa: E402
from conftest import ROOT  # noqa: E402

from relnotes.notes import formats, proof  # noqa: E402


def _setup(project, notes: str = NOTES) -> None:
    project.write("relnotes.yaml", "preset: plain\nproject: demo\n")
    project.write("RELEASES.md", notes)
    project.commit("base")


@pytest.mark.parametrize("old, label", [
    ("* Implements [RFC 42] as designed.", "[rfc 42]"),  # shortcut
    ("* Implements [RFC 42][] as designed.", "[RFC 42]"),  # collapsed
    ("* Implements [the RFC][RFC 42] as designed.", "[rfc  42]"),  # full, whitespace collapsed
    ("* Implements [RFC\n  42] as designed.", "[rfc 42]"),  # a label over two lines
    ("* Implements `x` and [RFC 42] as designed.", "[RFC 42]"),
])
def test_every_kind_of_reference_in_old_text_is_refused_at_the_definition(project, old, label):
    _setup(project, NOTES.replace("* Implements [RFC 42] as [designed].", old))
    project.fragment("13.md", "Fixed", f"Fixed a typo.\n\n{label}: https://evil.example/phish", prs="[13]")
    before = project.snapshot_tree()
    check = project.run("check", "--format", "json")
    problems = json.loads(check.stdout)["problems"]
    assert check.exit_code == 1
    [p] = [p for p in problems if p["code"] == "link-label-used"]
    assert p["path"].endswith("13.md") and p["line"] == 7, p  # front matter is 4 lines, the body starts at 5
    assert "inline link" in p["message"]
    assert project.run("build").exit_code == 1
    assert project.snapshot_tree() == before


@pytest.mark.parametrize("old", [
    "* Implements `[RFC 42]` as designed.",  # a code span is no reference
    "* Implements ``a `[RFC 42]` b`` as designed.",
    "* Implements the RFC:\n\n  ```\n  [RFC 42]\n  ```",  # nor a code block
    "* Implements [RFC 42](https://example.org/rfc) as designed.\n\n[rfc 42]: https://evil.example/phish",
])
def test_labels_in_code_or_already_defined_the_same_are_allowed(project, old):
    _setup(project, NOTES.replace("* Implements [RFC 42] as [designed].", old))
    project.fragment("13.md", "Fixed", "Fixed a typo, see [RFC 42].\n\n[rfc 42]: https://evil.example/phish",
                     prs="[13]")
    assert project.run("check").exit_code == 0
    assert project.run("build").exit_code == 0


def test_a_label_another_pending_fragment_uses_is_refused(project):
    _setup(project)
    project.fragment("14.md", "Added", "Supports [the new API].", prs="[14]")
    project.fragment("15.md", "Fixed", "Fixed [docs].\n\n[docs]: https://ok.example\n"
                     "[the new api]: https://evil.example", prs="[15]")
    check = project.run("check", "--format", "json")
    assert check.exit_code == 1
    [p] = [p for p in json.loads(check.stdout)["problems"] if p["code"] == "link-label-used"]
    assert p["path"].endswith("15.md") and p["line"] == 8 and "14.md" in p["message"], p
    assert project.run("build").exit_code == 1


def test_a_fragment_may_use_and_define_its_own_label(project):
    _setup(project)
    project.fragment("13.md", "Fixed", "Fixed [the docs].\n\n[the docs]: https://example.org/docs", prs="[13]")
    assert project.run("check").exit_code == 0
    assert project.run("build").exit_code == 0
    assert "[the docs]: https://example.org/docs" in project.read("RELEASES.md")


def test_the_proof_refuses_a_definition_that_links_old_text_even_past_the_screen():
    """``build`` refuses it even if the screen were bypassed: the proof of the composed file."""
    notes = NOTES
    entry = "* Fixed a typo.\n  #13\n\n  [rfc 42]: https://evil.example/phish"
    after, intended = formats.parse(notes), formats.parse(notes)
    after.merge_entries(after.releases[0], [("Fixed", [entry])], ["Added", "Changed", "Fixed"])
    intended.merge_entries(intended.releases[0], [("Fixed", [proof.PLACEHOLDER])], ["Added", "Changed", "Fixed"])
    found = proof.problems(formats.parse(notes), after, intended, labels=["rfc 42"])
    assert [p.code for p in found] == ["proof-redefined"], found
    assert "evil.example" in after.text().splitlines()[found[0].line - 1]
    # an unused label, defined by the entry that declares it, passes
    ok = formats.parse(notes)
    ok.merge_entries(ok.releases[0], [("Fixed", [entry.replace("rfc 42", "typo")])], ["Added", "Changed", "Fixed"])
    assert proof.problems(formats.parse(notes), ok, intended, labels=["typo"]) == []


def test_check_and_build_refuse_it_as_a_real_subprocess(project):
    _setup(project)
    project.fragment("13.md", "Fixed", "Fixed a typo.\n\n[designed]: https://evil.example/2", prs="[13]")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    for command in ("check", "build"):
        r = subprocess.run([sys.executable, "-m", "relnotes", command], cwd=project.root,
                           capture_output=True, text=True, env=env)
        assert r.returncode == 1, (command, r.stderr)
        assert "13.md:" in r.stderr and "[designed]" in r.stderr and "Traceback" not in r.stderr
    assert "evil.example" not in project.read("RELEASES.md")
