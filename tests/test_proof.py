"""The notes are proven before they are written; bodies are screened as rendered (issue 27).

The hostile review's cases first (each passed ``check`` and changed what GitHub shows
before this), then the proof on its own (a template, which no screen reads, is the way
past the fragment screen), then the proof's rules one by one.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import released_notes

from relnotes.notes import formats, proof

NOTES = released_notes()


def github(text: str) -> tuple[list[tuple[str, str]], dict[str, str], list]:
    """What a CommonMark parser (markdown-it-py, GitHub's rules) reads: headings, definitions, HTML blocks."""
    markdown_it = pytest.importorskip("markdown_it")
    env: dict = {}
    tokens = markdown_it.MarkdownIt("commonmark").parse(text, env)
    heads = [(t.tag, tokens[i + 1].content) for i, t in enumerate(tokens) if t.type == "heading_open"]
    refs = {k.casefold(): v["href"] for k, v in env.get("references", {}).items()}
    html = [t.content for t in tokens if t.type == "html_block"]
    return heads, refs, html


def setup(project, notes: str = NOTES) -> None:
    project.write("RELEASES.md", notes)
    project.commit("base")


# -- the review's cases: screened as rendered ------------------------------------------------


@pytest.mark.parametrize("body", [
    "A fix.\n\n\t[ghsa]: https://evil.example/advisory",  # re-pointed the released security entry
    "A fix.\n\n \t[ghsa]: https://evil.example/advisory",
    "A fix\n\t===",  # a setext <h1> under the bullet
    "A fix\n\t---",
    "A fix.\n\n>\t[ghsa]: https://evil.example/advisory",
    "A fix.\n\n-\t\t[ghsa]: https://evil.example/advisory",
])
def test_tab_indented_lines_mean_in_the_notes_what_check_saw(project, body):
    setup(project)
    project.fragment("tab.md", "Fixed", body)
    before = github(NOTES)
    r = project.run("check")
    if r.exit_code == 0:  # accepted: then the notes must show exactly what the screen saw
        r = project.run("build")
        assert r.exit_code == 0, r.output
        heads, refs, html = github(project.read("RELEASES.md"))
        assert heads == before[0] and refs == before[1] and html == before[2]
        assert "\t" not in project.read("RELEASES.md").split("### Fixed", 1)[1].split("---")[0].split("A fix")[1][:6]
    else:
        assert r.exit_code == 1 and "changes.d/tab.md:" in r.stderr


@pytest.mark.parametrize("char", ["\x85", "\u2028", "\u2029", "\x0c", "\x0b", "\x1c", "\x1e"])
def test_line_ends_the_parsers_disagree_on_are_refused_with_their_place(project, char):
    setup(project)
    project.fragment("nel.md", "Fixed", f"A fix{char}```\n\n<!--")
    before = project.snapshot_tree()
    r = project.run("check")
    assert r.exit_code == 1
    assert "changes.d/nel.md:4:6:" in r.stderr and "GitHub does not" in r.stderr
    r = project.run("build")
    assert r.exit_code == 1 and project.snapshot_tree() == before


def test_a_disputed_line_end_is_refused_by_a_real_subprocess(project):
    setup(project)
    project.fragment("nel.md", "Fixed", "A fix\u2028## 9.0.0")
    r = subprocess.run([sys.executable, "-m", "relnotes", "build"], cwd=project.root, capture_output=True,
                       text=True)
    assert r.returncode == 1, r.stderr
    assert "changes.d/nel.md:4:6: U+2028 (LINE SEPARATOR)" in r.stderr and "Traceback" not in r.stderr
    assert project.read("RELEASES.md") == NOTES


# -- the proof, past the screen: a project template that writes structure ----------------------


@pytest.mark.parametrize("template, code", [
    ("{{ fragment.body }}\n\n[ghsa]: https://evil.example", "proof-redefined"),
    ("{{ fragment.body }}\n\n[other]: https://evil.example", "proof-new-definition"),
    ("{{ fragment.body }}\n\n  \t[ghsa]: https://evil.example", "proof-redefined"),
    ("{{ fragment.body }}\n\n## 9.9.9", "proof-heading"),
    ("{{ fragment.body }}\n  \t===", "proof-heading"),
    ("{{ fragment.body }}\n\n<!--", "proof-heading"),  # closed by the archive marker: it swallows 1.0.0
    ("{{ fragment.body }}\n\n<script>", "proof-open-html"),
])
def test_a_result_that_changes_the_structure_is_not_written(project, template, code):
    setup(project)
    project.write("templates/entry.md.j2", "* " + template + "\n")
    project.fragment("ok.md", "Fixed", "An ordinary fix.")
    before = project.snapshot_tree()
    r = project.run("build")
    assert r.exit_code == 1, r.output
    assert "RELEASES.md:" in r.stderr and "was not written" in r.stderr and "Traceback" not in r.output
    assert code in _codes(NOTES, project, template)
    assert project.snapshot_tree() == before


def _codes(notes: str, project, template: str) -> list[str]:
    """The proof's codes for the same composition, through the library."""
    entry = "* " + template.replace("{{ fragment.body }}", "An ordinary fix.")
    doc = formats.parse(notes)
    want = formats.parse(notes)
    doc.merge_entries(doc.releases[0], [("Fixed", [entry])], ["Fixed"])
    want.merge_entries(want.releases[0], [("Fixed", [proof.PLACEHOLDER])], ["Fixed"])
    return [p.code for p in proof.problems(formats.parse(notes), doc, want)]


def test_an_ordinary_build_cut_and_release_pass_the_proof(project):
    setup(project)
    project.fragment("a.md", "Fixed", "A fix with [a link][docs].\n\n[docs]: https://example.org/docs")
    project.fragment("b.md", "Added", "Something new.\n\n```\nlet x = 1;\n```")
    assert project.run("build").exit_code == 0
    heads, refs, _ = github(project.read("RELEASES.md"))
    assert refs["ghsa"].endswith("GHSA-vqjp-4c8c-hfgg") and refs["docs"] == "https://example.org/docs"
    assert project.run("release", "--date", "2026-02-01").exit_code == 0
    assert "Released 2026-02-01" in project.read("RELEASES.md")


def test_every_old_entry_must_survive(project):
    before = formats.parse(NOTES)
    after = formats.parse(NOTES.replace("* Fixed a sandbox escape", "* Fixed an escape"))
    assert [p.code for p in proof.problems(before, after)] == ["proof-entry-lost"]


def test_an_open_comment_the_old_notes_already_had_is_not_blamed_on_the_command():
    old = NOTES + "\n<!-- an old unclosed comment\n"
    before = formats.parse(old)
    after = formats.parse(old.replace("Unreleased.", "Released 2026-03-01."))
    assert proof.problems(before, after) == []


def test_the_proof_locates_the_line_in_the_result():
    after = formats.parse(NOTES.replace("### Fixed\n", "### Fixed\n\n* x\n\n  \t[ghsa]: https://e.example\n"))
    [p] = proof.problems(formats.parse(NOTES), after, formats.parse(NOTES.replace("### Fixed\n", "### Fixed\n\n* entry\n")))
    assert (p.line, p.code) == (9, "proof-redefined") and p.path == "RELEASES.md"


# -- configured strings that reach the notes pass the same rule --------------------------------


@pytest.mark.parametrize("yaml_line, key", [
    ('sections: [Added, "Fixed\\n## 99.0.0"]', "sections"),
    ('sections: [Added, "Fixed\\u2028## 99.0.0"]', "sections"),
    ('sections: [Added, Fixed]\ntemplate_sections: ["Added\\r### Security"]', "template_sections"),
    ('project: "Demo\\n\\n## 99.0.0"', "project"),
    ('archive: {label: "{major}.x](https://evil.example)"}', "archive.label"),
])
def test_configured_strings_that_reach_the_notes_cannot_write_structure(project, yaml_line, key):
    project.write("relnotes.yaml", "repository: https://github.com/x/y\n" + yaml_line + "\n")
    setup(project)
    before = project.snapshot_tree()
    for command in ("check", "cut"):
        r = project.run(command)
        assert r.exit_code == 2, r.output
        assert "relnotes.yaml:" in r.stderr and f"'{key}'" in r.stderr and "Traceback" not in r.output
    assert project.snapshot_tree() == before
