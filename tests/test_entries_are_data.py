"""An entry is data: no fragment changes the notes file's structure (issue 15).

The issue's cases first (each failed before the fix), then several variants of each
class, then property tests: bodies ``check`` accepts never change the structure the
scanner reads, the scanner agrees with CommonMark, and ``check``/``build`` on random
fragments end in 0, 1 or 2 without a traceback.
"""

from __future__ import annotations

import time

import pytest
from conftest import corpus
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from relnotes.fragments.fragment import parse_text
from relnotes.markdown import structure as lines_grammar
from relnotes.markdown.blocks import classify
from relnotes.markdown.entry import builtin_entry
from relnotes.notes import base as notes
from relnotes.notes import blocks, formats

MAIN = corpus("main.RELEASES.md")
SECTIONS = ("Added", "Changed", "Fixed", "Removed", "Security")
P = "changes.d/x.md"


def body_problems(body: str) -> list[str]:
    """The problem codes ``check`` reports for a Fixed fragment with this body."""
    frag, problems = parse_text("---\nsection: Fixed\nprs: [7]\n---\n" + body + "\n", P, SECTIONS)
    return [p.code for p in problems]


def structure(doc: notes.NotesDocument) -> tuple:
    """What the scanner read: releases, their status and categories, the archive."""
    rels = tuple((r.title, r.status, r.date, r.separator is not None, tuple(c.title for c in r.categories))
                 for r in doc.releases)
    archive = None if doc.archive is None else tuple((a.label, a.url) for a in doc.archive.links)
    return rels, archive


def entries_in(doc: notes.NotesDocument, category: str) -> int:
    cat = doc.releases[0].category(category)
    return sum(1 for b in blocks.blocks(doc, cat.start + 1, cat.end) if b.kind == "entry")


def with_entry(text: str, entry: str, category: str = "Added") -> notes.NotesDocument:
    doc = formats.parse(text)
    doc.merge_entries(doc.releases[0], [(category, [entry])], list(SECTIONS))
    return doc


# -- the issue's cases ------------------------------------------------------------------------


UNCLOSED = "Fixed a crash in this code:\n\n```rust\nfn main() { panic!() }"


def test_issue_unclosed_fence_is_refused_by_check(project):
    project.write("RELEASES.md", MAIN)
    project.fragment("fence.md", "Fixed", UNCLOSED, prs="[1]")
    r = project.run("check")
    assert r.exit_code == 1
    assert "changes.d/fence.md:7:1: this code fence is never closed" in r.stderr
    before = project.snapshot_tree()
    r = project.run("build")
    assert r.exit_code == 1 and "never closed" in r.stderr and "Traceback" not in r.output
    assert project.snapshot_tree() == before


def test_issue_unclosed_fence_in_the_notes_cannot_lose_releases_or_the_archive(project):
    """Even hand-written into the notes (check bypassed), an unclosed fence in an entry
    ends with its list item: cut --commit keeps the archive and the older releases."""
    broken = MAIN.replace("### Added\n", "### Added\n\n* Fixed a crash:\n\n  ```rust\n  fn main() {}\n", 1)
    doc = formats.parse(broken)
    assert structure(doc) == structure(formats.parse(MAIN))
    branch = corpus("release-24.0.0.RELEASES.md")
    top = formats.parse(branch).releases[0]
    cat = top.categories[0]
    lines = branch.split("\n")
    lines.insert(cat.start + 1, "\n* A fix:\n\n  ```rust\n  fn main() {}")
    assert structure(formats.parse("\n".join(lines))) == structure(formats.parse(branch))

    project.write("RELEASES.md", broken)
    project.commit("base")
    r = project.run("cut", "--commit")
    assert r.exit_code == 0, r.output
    after = project.read("RELEASES.md")
    assert after.startswith("## 50.0.0\n") and "<!-- ARCHIVE_START -->" in after
    assert "* [49.0.x](" in after and "* [48.0.x](" in after and "0.32.x (and prior)" in after
    on_branch = project.git("show", "release-49.0.0:RELEASES.md")
    assert "fn main() {}" in on_branch and "<!-- ARCHIVE_START -->" in on_branch


@pytest.mark.parametrize("indent", ["", " ", "  ", "   ", "    ", "        ", "\t", "> ", "- "])
def test_issue_indented_archive_marker_is_refused_and_not_read(indent):
    assert "structure-line" in body_problems(f"Text.\n\n{indent}<!-- ARCHIVE_START -->") or \
        "html" in body_problems(f"Text.\n\n{indent}<!-- ARCHIVE_START -->")
    # in the notes, only a top-level marker (at most three spaces in) is the marker
    entry = f"* Text.\n\n  {indent}<!-- ARCHIVE_START -->\n  [#1](https://x.org/pull/1)"
    doc = with_entry(MAIN, entry)
    assert structure(doc) == structure(formats.parse(MAIN))
    assert doc.archive.marker == doc.lines.index("<!-- ARCHIVE_START -->\n")


@pytest.mark.parametrize("body", [
    "Fixed.\r## 99.0.0",
    "Fixed.\r### Fixed",
    "Fixed.\r\r---",
    "Fixed.\r\n## 99.0.0",
    "Fixed.\rUnreleased.",
    "Fixed.\r<!-- ARCHIVE_START -->",
    "Fixed.\r```rust",
])
def test_issue_lone_carriage_return_is_a_line_end(project, body):
    project.write("RELEASES.md", MAIN)
    project.write("changes.d/cr.md", "---\nsection: Fixed\n---\n" + body + "\n")
    r = project.run("check")
    assert r.exit_code == 1, r.output
    assert "changes.d/cr.md:" in r.stderr and "Traceback" not in r.output


def test_lone_carriage_return_in_the_notes_is_reported_and_tracked():
    """A hand-written lone CR is a line end for the scanner, as for GitHub: here it
    opens a top-level fence that hides the rest (so check says why)."""
    text = MAIN.replace("### Added\n", "### Added\n\n* text\r```\n", 1)
    doc = formats.parse(text)
    assert doc.archive is None and [c.title for c in doc.releases[0].categories] == ["Added"]
    problems = formats.structure_problems(doc)
    assert ("notes-lone-cr", 7, 7) in [(p.code, p.line, p.col) for p in problems]
    harmless = formats.parse(MAIN.replace("### Added\n", "### Added\n\n* text\r  more\n", 1))
    assert structure(harmless) == structure(formats.parse(MAIN))


# -- structure lines, in any indentation --------------------------------------------------------


@pytest.mark.parametrize("body", [
    "Text.\n\n    ## 99.0.0",
    "Text.\n\n```\n## 99.0.0\n```",
    "Text.\n\n~~~\n### Fixed\n~~~",
    "Text.\n\n        ### Security",
    "Text.\n\n```\n-----\n```",
    "Text.\n\n    --------------------------------------------------------------------------------",
    "Text.\n\nUnreleased.",
    "Text.\n\n  Released 2020-01-01.",
    "Text.\n\n```\nReleased 2020-01-01\n```",
    "Text.\n\n```\n<!-- ARCHIVE_START -->\n```",
    "Text with `<!-- ARCHIVE_START -->` inline.",
])
def test_structure_lines_in_any_indentation_are_refused(body):
    assert "structure-line" in body_problems(body)


@pytest.mark.parametrize("body", [
    "Text.\n\n```sh\n# a shell comment\n```",
    "Released the lock before calling back into wasm.",
    "Text.\n\n    #[derive(Debug)]",
    "A list:\n\n- one\n- two",
    "Text with `--flag` and ## inside.",
])
def test_ordinary_bodies_pass(body):
    assert body_problems(body) == []


# -- fences ------------------------------------------------------------------------------------


@pytest.mark.parametrize("body", [
    "```rust\nfn x() {}",
    "Text.\n\n````\n```\n",
    "Text.\n\n```\ncode\n```rust",  # a closing fence has no info string
    "Text.\n\n~~~\n```",
    "Text.\n\n```\ncode\n  ``",
    "- item\n\n  ```\n  code",
    "> ```\n> code",
    "Text.\n\n```\na\n```\n\n```\nb",
])
def test_unclosed_fences_are_refused(body):
    assert "unclosed-fence" in body_problems(body)


@pytest.mark.parametrize("body", [
    "```rust\nfn x() {}\n```",
    "Text.\n\n````\n```\n````",
    "Text.\n\n~~~\n```\n~~~",
    "- item\n\n  ```\n  x\n  ```",
    "Text.\n\n    ```\n    indented code, not a fence",
    "Inline ``` code ``` in a line.",
    "Text.\n\n```\ncode\n```   ",
])
def test_closed_fences_pass(body):
    assert "unclosed-fence" not in body_problems(body)


# -- link definitions the notes already have ---------------------------------------------------------


NOTES_WITH_REF = MAIN.replace("### Changed\n", "### Changed\n\n* Uses [the spec][spec].\n\n"
                              "[spec]: https://webassembly.github.io/spec/\n", 1)


@pytest.mark.parametrize("label", ["spec", "SPEC", " Spec ", "sPeC"])
def test_link_label_the_notes_define_is_refused(project, label):
    project.write("RELEASES.md", NOTES_WITH_REF)
    project.fragment("ref.md", "Fixed", f"See [here][{label}].\n\n[{label}]: https://evil.example/", prs="[1]")
    r = project.run("check")
    assert r.exit_code == 1 and "link label [spec] is already defined in RELEASES.md" in r.stderr
    r = project.run("build")
    assert r.exit_code == 1 and "already defined" in r.stderr


def test_same_label_same_target_and_new_labels_pass(project):
    project.write("RELEASES.md", NOTES_WITH_REF)
    project.fragment("a.md", "Fixed", "See [it][spec].\n\n[spec]: https://webassembly.github.io/spec/", prs="[1]")
    project.fragment("b.md", "Fixed", "See [it][other].\n\n[other]: https://example.com/", prs="[2]")
    assert project.run("check").exit_code == 0


def test_two_fragments_defining_one_label_differently_are_refused(project):
    project.write("RELEASES.md", MAIN)
    project.fragment("a.md", "Fixed", "See [it][x].\n\n[x]: https://a.example/", prs="[1]")
    project.fragment("b.md", "Fixed", "See [it][x].\n\n[x]: https://b.example/", prs="[2]")
    r = project.run("check")
    assert r.exit_code == 1 and "changes.d/b.md" in r.stderr and "already defined in changes.d/a.md" in r.stderr


# -- unsafe link targets -------------------------------------------------------------------------


@pytest.mark.parametrize("body", [
    "Click [here](javascript:alert(1)).",
    "Click [here](JaVaScRiPt:alert(1)).",
    "Click [here](java&#115;cript:alert(1)).",
    "Click [here](<java\tscript:alert(1)>).",
    "Click <vbscript:msgbox(1)>.",
    "See ![img](data:image/svg+xml;base64,PHN2Zz4=).",
    "See [here][r].\n\n[r]: javascript:alert(1)",
    "Unused definition.\n\n[r]: data:text/html,x",
    "- item with [x](%6Aavascript:alert(1))",
])
def test_unsafe_link_targets_are_reported(project, body):
    project.write("RELEASES.md", MAIN)
    project.fragment("link.md", "Fixed", body, prs="[1]")
    r = project.run("check")
    assert r.exit_code == 1 and "changes.d/link.md:" in r.stderr and "is not allowed" in r.stderr, r.output


def test_safe_link_targets_pass():
    assert body_problems("See [PR](https://github.com/x/y/pull/1), <mailto:a@b.c>, [doc](docs/x.md), "
                         "![logo](/logo.png) and [a](#anchor).") == []


# -- bounded work ----------------------------------------------------------------------------------


@pytest.mark.parametrize("body", [
    "- " * 32_000 + "a",
    "> " * 32_000 + "a",
    "* " * 32_000 + "a",
    "1. " * 21_000 + "a",
    "# " * 32_000 + "a",
    "[" * 32_000 + "a",
    "- a\n" * 16_000,
    "a" + " " * 60_000 + "#\n===",
])
def test_hostile_64k_bodies_are_checked_in_linear_time(body):
    """The quadratic screen took 8-11 s on the first; a generous bound still catches it."""
    start = time.perf_counter()
    frag, problems = parse_text("---\nsection: Fixed\n---\n" + body + "\n", P, SECTIONS)
    assert time.perf_counter() - start < 3.0
    assert (frag is None) == bool(problems)


@pytest.mark.parametrize("line", ["- " * 32_000 + "a", "- " * 32_000 + "-a", "1. " * 21_000 + "a", " " * 64_000 + "a",
                                  "> " * 32_000 + "- a"])
def test_block_screen_is_linear_on_its_own(line):
    """The screen alone (its old regex backtracked quadratically on these)."""
    from relnotes.markdown.screen import may_hold_forbidden_blocks

    start = time.perf_counter()
    may_hold_forbidden_blocks(line)
    assert time.perf_counter() - start < 1.0


def test_long_front_matter_lines_are_linear():
    head = "section: Fixed" + " " * 60_000 + "x#\n"
    start = time.perf_counter()
    frag, problems = parse_text("---\n" + head + "---\nText.\n", P, SECTIONS)
    assert time.perf_counter() - start < 3.0


@pytest.mark.parametrize("body", ["> " * 400 + "<b>", "- " * 200 + "a", "> " * 40 + "a",
                                  "".join("  " * i + "- a\n" for i in range(60))])
def test_deep_nesting_is_a_problem_not_a_crash(project, body):
    project.write("RELEASES.md", MAIN)
    project.write("changes.d/deep.md", "---\nsection: Fixed\n---\n" + body + "\n")
    r = project.run("check")
    assert r.exit_code == 1, r.output
    assert "nested more than 32 levels deep" in r.stderr and "Traceback" not in r.output


def test_check_on_the_issues_64k_body_is_fast_as_a_subprocess(project):
    import subprocess
    import sys

    project.write("RELEASES.md", MAIN)
    project.write("changes.d/dash.md", "---\nsection: Fixed\n---\n" + "- " * 32_000 + "a\n")
    start = time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "relnotes", "check"], cwd=project.root,
                       capture_output=True, text=True, env={**__import__("os").environ, "RELNOTES_NO_CACHE": "1"})
    elapsed = time.perf_counter() - start
    assert r.returncode == 1 and "nested more than 32 levels" in r.stderr and "Traceback" not in r.stderr
    assert elapsed < 5.0  # includes interpreter start-up; the quadratic screen alone took 8-11 s


# -- properties ------------------------------------------------------------------------------------

_PIECES = st.sampled_from([
    "text", "Fixed.", "`code`", "```", "```rust", "````", "~~~", "  ```", "    ```", "   ~~~",
    "## 99.0.0", "### Fixed", "#", "# h", "---", "----", "-" * 80, "***", "===", "<!-- ARCHIVE_START -->",
    "<b>", "Unreleased.", "Released 2020-01-01.", "- item", "* item", "1. item", "  - nested", "> quote",
    "[a]: https://x.org", "[spec]: https://evil.example", "[x](javascript:y)", "\r", "\r## 9.0.0", "",
    "    indented", "\t# tab", ". #", ") x", "- - - a",
])
_BENIGN = st.sampled_from(["text", "Fixed a bug.", "`code`", "- item", "1. item", "  more", "", "> quote",
                           "a [link](https://x.org)", "```rust\nfn x() {}\n```", "~~~\ncode\n~~~", "    code"])
_PIECE = st.one_of(_BENIGN, _BENIGN, _PIECES)  # most bodies pass, so the property is exercised
_BODY = st.lists(st.lists(_PIECE, min_size=1, max_size=3).map(" ".join), min_size=1, max_size=8).map("\n".join)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(_BODY, st.sampled_from(["Added", "Changed", "Fixed"]))
def test_accepted_bodies_never_change_the_notes_structure(body, category):
    """parse(notes + rendered entry) has the same releases, categories and archive,
    plus exactly one entry in the entry's category."""
    frag, problems = parse_text("---\nsection: Fixed\nprs: [5]\n---\n" + body + "\n", P, SECTIONS)
    assume(frag is not None)
    entry = builtin_entry(frag.body, ["[#5](https://github.com/x/y/pull/5)"])
    for text in (MAIN, corpus("release-24.0.0.RELEASES.md")):
        before = formats.parse(text)
        if before.releases[0].category(category) is None:
            continue
        after = with_entry(text, entry, category)
        assert structure(after) == structure(before)
        assert entries_in(after, category) == entries_in(before, category) + 1
        assert after.text().endswith(text[-200:])  # nothing below the entry moved
        assert commonmark_outline(after.text()) == commonmark_outline(text)  # and GitHub agrees


def commonmark_outline(text: str) -> list[tuple[str, str]]:
    """Top-level headings and HTML blocks as a CommonMark parser reads them."""
    markdown_it = pytest.importorskip("markdown_it")
    tokens = markdown_it.MarkdownIt("commonmark").parse(text)
    out = []
    for i, t in enumerate(tokens):
        if t.level == 0 and t.type == "heading_open":
            out.append((t.tag, tokens[i + 1].content))
        elif t.level == 0 and t.type == "html_block":
            out.append(("html", t.content.strip()))
    return out


# The scanner against CommonMark's reference behaviour (markdown-it-py, a port of the
# reference-conformant markdown-it, installed with typer's rich; mistletoe departs from
# CommonMark on empty list items, bare '.' markers and '```rust' closing a fence): a
# line the tracker calls top-level '## x' is exactly a top-level level-2 heading.
_DOC_LINES = st.sampled_from([
    "## 1.0.0", "### Fixed", "text", "", "```", "```rust", "``` rust", "````", "~~~", "~~~ x", " ```", "  ```",
    "    ```", "* item", "- item", "1. item", "  more", "    code", "      deeper", "> quote", "> ```", "lazy",
    "  * nested", "*", "-", "   ## 2.0.0", "    ## 3.0.0", "---", "***", "<!-- c -->",
])


@settings(max_examples=500, deadline=None)
@given(st.lists(_DOC_LINES, min_size=1, max_size=14))
@example(["*", "lazy", "  ```", "## 1.0.0"])  # mistletoe keeps 'lazy' in the empty item; CommonMark does not
@example(["```", "```rust", "## 1.0.0"])  # a closing fence has no info string
@example(["1. item", "*", "  ```", "## 1.0.0"])  # an empty item outside the paragraph's container ends it
@example(["> para", "-", "## 1.0.0"])
def test_tracker_finds_exactly_commonmarks_top_level_headings(lines):
    markdown_it = pytest.importorskip("markdown_it")
    tokens = markdown_it.MarkdownIt("commonmark").parse("\n".join(lines) + "\n")
    expected = [t.map[0] + 1 for t in tokens if t.type == "heading_open" and t.tag == "h2" and t.level == 0
                and lines[t.map[0]].startswith("##")]
    kinds, _ = classify(lines)
    found = [i + 1 for i, line in enumerate(lines) if kinds[i] == "top" and lines_grammar.heading_title(line, 2) is not None]
    assert found == expected


_FRONT = st.one_of(
    st.sampled_from(["section: Fixed", "section: Added\nprs: [1, 2]", "section: Nope", "section: [x]",
                     "prs: [1]", "section: Fixed\nadvisories: [GHSA-vqjp-4c8c-hfgg]", "section: Fixed\nbreaking: 3",
                     "section: Fixed\nx: &a [*a]", "section: !!python/name:os.system", "section: Fixed\n\r"]),
    st.text(alphabet="sectionFxd: []\n#-'\"&*!{}", max_size=30),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(_FRONT, _BODY), min_size=1, max_size=3))
def test_fuzz_check_and_build(project, frags):
    """Random fragments: check and build exit 0, 1 or 2, never with a traceback, and a
    build that is accepted leaves the notes' structure intact plus its entries."""
    for p in (project.root / "changes.d").glob("*.md"):
        p.unlink()
    project.write("RELEASES.md", MAIN)
    for i, (front, body) in enumerate(frags):
        project.write(f"changes.d/f{i}.md", f"---\n{front}\n---\n{body}\n")
    r = project.run("check")
    assert r.exit_code in (0, 1, 2) and "Traceback" not in r.output, r.output
    r2 = project.run("build", "--keep")
    assert r2.exit_code in (0, 1, 2) and "Traceback" not in r2.output, r2.output
    if r.exit_code == 0:
        assert r2.exit_code == 0, r2.output
        after = formats.parse(project.read("RELEASES.md"))
        assert structure(after)[1] == structure(formats.parse(MAIN))[1]
        assert [r[:3] for r in structure(after)[0]] == [r[:3] for r in structure(formats.parse(MAIN))[0]]
        added = sum(entries_in(after, c) for c in ("Added", "Changed", "Fixed", "Removed", "Security")
                    if after.releases[0].category(c) is not None)
        assert added == len(frags)


def test_the_screen_and_the_scanner_share_the_archive_marker():
    from relnotes.markdown import screen as markdown_screen

    assert markdown_screen.ARCHIVE_MARKER == lines_grammar.ARCHIVE_MARKER


def test_new_does_not_import_the_notes_model_or_mistletoe():
    import subprocess
    import sys

    code = ("import sys; import relnotes.fragments.fragment; "
            "print(sorted(m for m in ('relnotes.notes.releases', 'mistletoe') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_unsafe_links_are_located_on_their_own_line():
    frag, problems = parse_text("---\nsection: Fixed\n---\nFirst paragraph [ok](https://x.org).\n\n"
                                "Second *with [bad](javascript:x)*.\n\n- item\n- [worse](vbscript:y)\n", P, SECTIONS)
    assert [(p.line, p.code) for p in problems] == [(6, "unsafe-link"), (9, "unsafe-link")]


# -- configuration a PR can change: link patterns and the repository are one URL each --------

_FORGED = "\n\n## [9.9.9] - 2020-01-01\n\n### Added\n\n- forged"


@pytest.mark.parametrize(("key", "value"), [
    ("links: {compare: %s}", "{repository}/compare/{previous}...{current}" + _FORGED),
    ("links: {pr: %s}", "{repository}/pull/{number})" + _FORGED + "\n\n[x](y"),
    ("links: {release: %s}", "{repository}/releases/tag/{current}\n"),
    ("links: {issue: %s}", "{repository}/issues/{number} \"title\""),
    ("links: {author: %s}", "https://github.com/{handle}><script>alert(1)</script>"),
    ("links: {advisory: %s}", "javascript:alert('{id}')"),
    ("links: {pr: %s}", "JavaScript:{number}"),
    ("repository: %s", "https://github.com/o/demo" + _FORGED),
    ("repository: %s", "https://github.com/o/demo\n"),
    ("repository: %s", "https://github.com/o/demo) <b>x</b>"),
    ("repository: %s", "javascript:alert(1)//"),
])
def test_a_link_pattern_or_repository_cannot_forge_notes_structure(project, key, value):
    """Links are filled into link lines and Keep a Changelog's footer definitions: a line
    break, blank or bracket in the configured pattern or repository would write a release
    heading (or a title, or HTML) of the configuration's making into the notes."""
    import json

    project.write("relnotes.yaml", "preset: keepachangelog\nrepository: https://github.com/o/demo\n"
                  + key % json.dumps(value) + "\n")
    project.fragment("x.md", "Fixed", "A fix.", prs="[5]", authors="[octocat]")
    before = project.snapshot_tree()
    r = project.run("check")
    assert r.exit_code == 2, r.output
    assert "relnotes.yaml:" in r.output and ("must be one URL" in r.output or "http" in r.output), r.output
    assert project.run("build").exit_code == 2
    assert project.snapshot_tree() == before


@pytest.mark.parametrize("value", ["", "https://github.com/o/demo", "http://localhost:8080/git/x/",
                                   "https://gitlab.example.org/group/sub/proj"])
def test_real_repositories_and_patterns_still_pass(tmp_path, value):
    from relnotes.config import load as config

    (tmp_path / "relnotes.yaml").write_text(
        f"repository: '{value}'\nlinks: {{pr: '{{repository}}/-/merge_requests/{{number}}', "
        "compare: 'https://example.org/c?from={previous}&to={current}#x', author: 'mailto:{handle}@example.org'}\n")
    cfg = config.load(tmp_path / "relnotes.yaml")
    assert cfg.repository == value
