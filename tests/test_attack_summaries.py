"""Attacks on release summaries (``kind: summary``) and uncategorised entries as a hostile
PR author writes them: whatever ``build`` accepts must leave the notes with exactly the
structure it meant (the same releases, the uncategorised entry and the category entry
where they belong); whatever it refuses leaves every file as it was; never exit 2 or 3."""

from __future__ import annotations

import json

import pytest

KAC = 'preset: keepachangelog\nproject: Demo\nrepository: "https://github.com/o/demo"\n'
CHANGELOG = "# Changelog\n\n## [Unreleased]\n\n## [1.0.0] - 2026-01-01\n\n### Added\n\n- One.\n\n[1.0.0]: https://github.com/o/demo/releases/tag/v1.0.0\n"
WASMTIME = """## 2.0.0

Unreleased.

### Fixed

--------------------------------------------------------------------------------

## 1.0.0

Released 2026-01-01.

### Fixed

* Old fix.

--------------------------------------------------------------------------------

<!-- ARCHIVE_START -->
* [0.9.x](https://github.com/x/y/blob/release-0.9.0/RELEASES.md)
"""

HOSTILE = {
    "atx": "Intro.\n\n## [9.9.9] - 2030-01-01",
    "atx-indented-3": "   ### Fixed",
    "setext-lazy": "> quoted\nlazy\n===",
    "setext-after-list": "- item\n\n---",
    "setext-tabbed": "Text\n\t===",
    "nel-heading": "Text\u0085## [9.9.9]",
    "ls-heading": "Text\u2028### Added",
    "cr-heading": "Text\r### Added",
    "linkdef": "See [x].\n\n[x]: https://evil.example",
    "linkdef-multiline": "[x]:\nhttps://evil.example\n'title'",
    "linkdef-in-list": "- [x]: https://evil.example",
    "linkdef-after-blank": "Text\n\n\n[unreleased]: https://evil.example",
    "linkdef-label-of-file": "[1.0.0]: https://evil.example",
    "html-comment-open": "Text\n\n<!--",
    "html-block-open": "<details>\n\nhidden",
    "html-pre": "<pre>\n- loose",
    "fence-open": "```\nnever closed",
    "fence-tilde-long": "~~~~\n~~~\nstill open",
    "list-swallows": "- a summary list",
    "star-list": "Intro:\n\n* one\n* two",
    "plus-list": "+ one\n+ two",
    "bullet-in-fence": "```\n- not an entry\n```",
    "indented-bullets": " - one\n - two",
    "list-lazy": "1. one\ncontinued",
    "list-ends-in-indent": "- item\n\n      indented code",
    "ordered-start-big": "999999999. big",
    "quote-lazy": "> quote",
    "indented-code": "    code block",
    "hr-stars": "Text\n\n* * *",
    "hr-underscores": "___",
    "table-like": "| a |\n|---|",
    "unreleased-label": "[Unreleased]",
    "unreleased-ref": "See [Unreleased][].",
    "archive-marker": "<!-- ARCHIVE_START -->",
    "separator-80": "-" * 80,
    "front-matter-lookalike": "---\nsection: Added\n---",
    "deep-quotes": "> " * 200 + "deep",
    "deep-lists": "".join("  " * i + "- x\n" for i in range(60)),
    "long": ("word " * 20000).strip(),
    "backslash-eol": "Text\\",
    "trailing-spaces": "Text   ",
    "zero-width": "\u200b## [9.9.9]",
    "bom": "\ufeff## Heading",
}


@pytest.fixture
def kac(project):
    project.write("relnotes.yaml", KAC)
    project.write("CHANGELOG.md", CHANGELOG)
    project.commit("init")
    return project


def _shown(p, version: str) -> dict:
    r = p.run("show", version, "--format", "json")
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_summary_in_keep_a_changelog(kac, name):
    body = HOSTILE[name]
    kac.write("changes.d/s.md", f"---\nkind: summary\n---\n{body}\n")
    kac.write("changes.d/u.md", "---\nkind: uncategorised\n---\nA loose one.\n")
    kac.write("changes.d/a.md", "---\nsection: Added\n---\nA flag.\n")
    before = kac.snapshot_tree()
    r = kac.run("build")
    assert r.exit_code in (0, 1), r.output
    if r.exit_code == 1:
        assert kac.snapshot_tree() == before
        return
    unreleased = _shown(kac, "unreleased")
    assert unreleased["uncategorised"] == ["- A loose one."], unreleased
    assert [c["name"] for c in unreleased["categories"]] == ["Added"], unreleased
    assert len(unreleased["categories"][0]["entries"]) == 1, unreleased
    old = _shown(kac, "1.0.0")
    assert [c["name"] for c in old["categories"]] == ["Added"] and old["summary"] == ""
    notes = kac.read("CHANGELOG.md")
    assert notes.count("\n## ") == 2 and "[1.0.0]: https://github.com/o/demo/releases/tag/v1.0.0" in notes
    assert kac.run("check").exit_code == 0


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_summary_in_wasmtime_notes(project, name):
    project.write("RELEASES.md", WASMTIME)
    project.write("changes.d/s.md", f"---\nkind: summary\n---\n{HOSTILE[name]}\n")
    project.fragment("f.md", "Fixed", "A fix.")
    project.commit("base")
    before = project.snapshot_tree()
    r = project.run("build")
    assert r.exit_code in (0, 1), r.output
    if r.exit_code == 1:
        assert project.snapshot_tree() == before
        return
    shown = _shown(project, "2.0.0")
    assert [c["name"] for c in shown["categories"]] == ["Fixed"], shown
    assert len(shown["categories"][0]["entries"]) == 1, shown
    assert _shown(project, "1.0.0")["categories"][0]["entries"], "1.0.0 lost its entry"
    assert project.read("RELEASES.md").endswith(WASMTIME[WASMTIME.index("## 1.0.0"):])


@pytest.mark.parametrize("template", ["- fake entry\n\n{{ fragment.body }}", "{{ fragment.body }}\n\n* fake"])
def test_a_summary_template_that_invents_entries_is_not_written(kac, template):
    """A project's summary template is the way past the screen: the proof counts the
    entries outside any category."""
    kac.write("templates/summary.md.j2", template)
    kac.write("changes.d/s.md", "---\nkind: summary\n---\nBig release.\n")
    kac.write("changes.d/a.md", "---\nsection: Added\n---\nA flag.\n")
    kac.commit("template")
    before = kac.snapshot_tree()
    r = kac.run("build")
    assert r.exit_code == 1 and "outside any category" in r.stderr, r.output
    assert kac.snapshot_tree() == before


def test_a_summary_template_with_uncategorised_entries_is_still_written(kac):
    kac.write("templates/summary.md.j2", "{{ fragment.body }}")
    kac.write("changes.d/s.md", "---\nkind: summary\n---\nBig release.\n")
    kac.write("changes.d/u.md", "---\nkind: uncategorised\n---\nOne.\n")
    kac.write("changes.d/v.md", "---\nkind: uncategorised\n---\nTwo.\n")
    kac.commit("template")
    r = kac.run("build")
    assert r.exit_code == 0, r.output
    assert "## [Unreleased]\n\nBig release.\n\n- One.\n\n- Two.\n" in kac.read("CHANGELOG.md") or \
        "## [Unreleased]\n\nBig release.\n\n- One.\n- Two.\n" in kac.read("CHANGELOG.md"), kac.read("CHANGELOG.md")


@pytest.mark.parametrize("unit", ["- ", "> - ", "1. ", "- * + ", ">\t", "* > "])
@pytest.mark.parametrize("front", ["kind: summary", "kind: uncategorised", "section: Added"])
def test_a_line_of_thousands_of_containers_is_refused_at_once(unit, front):
    """One 60 KB line that opens a container every few characters: the screen opened them
    one level at a time (each a copy or scan of the rest of the line), minutes for a summary
    of '- - - … x'; the nesting bound now comes first."""
    import time

    from relnotes.fragments.fragment import parse_text

    body = unit * (60000 // len(unit)) + "x"
    started = time.perf_counter()
    frag, problems = parse_text(f"---\n{front}\n---\n{body}\n", "changes.d/s.md", ("Added",))
    assert time.perf_counter() - started < 2
    assert frag is None and "too-deep" in [p.code for p in problems]


@pytest.mark.parametrize("line", ["- " * 40000 + "x", "- " * 40000 + "> -", "> - " * 20000 + "x"])
def test_check_of_a_notes_file_with_a_line_of_thousands_of_containers_is_fast(kac, line):
    """A PR that edits the notes file: reading it opened 40,000 list items one at a time,
    each a scan of the rest of the line (a minute for an 80 KB line, hours for a megabyte)."""
    import time

    kac.write("CHANGELOG.md", "# Changelog\n\n## [Unreleased]\n\n### Added\n\n" + line + "\n\n" + CHANGELOG[CHANGELOG.index("## [1.0.0]"):])
    started = time.perf_counter()
    r = kac.run("check")
    assert r.exit_code in (0, 1), r.output
    assert time.perf_counter() - started < 10
