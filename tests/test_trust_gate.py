"""Issue 27: a gate that cannot be argued with, and markers that count only as whole lines.

Each test is an attack from a pull request (a moved fragment, a hidden skip marker, a
rewritten configuration) or from a commit message, kept so that it stays closed.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
from conftest import ROOT, corpus
from hypothesis import example, given, settings
from hypothesis import strategies as st

from relnotes.flows.publishing import carries_marker
from relnotes.gate.check import has_marker
from relnotes.markdown.visible import hidden_lines

MARKER = "release-notes: none"
TAG_MARKER = "[automatically-tag-and-release-this-commit]"


@pytest.fixture
def repo(project):
    """``project`` with notes, a source file and a fragment of an earlier PR on main."""
    project.write("RELEASES.md", corpus("main.RELEASES.md"))
    project.write("src/lib.rs", "fn a() {}\n")
    project.write("changes.d/other-pr.md", "---\nsection: Fixed\nprs: [7]\n---\nSomeone else's fix.\n")
    project.commit("base")
    project.git("switch", "-q", "-c", "pr")
    return project


def change_code(p, message: str = "change") -> None:
    p.write("src/lib.rs", "fn b() {}\n")
    p.commit(message)


# -- (a) a rename out of the fragments directory deletes a fragment ---------------------------


@pytest.mark.parametrize("to", ["docs/other-pr.md", "other-pr.md", "changes.d.old/other-pr.md", "src/other-pr.rs"])
def test_moving_another_prs_fragment_out_does_not_count_as_adding_one(repo, to):
    change_code(repo)
    repo.git("mv", "changes.d/other-pr.md", to) if "/" not in to or os.path.dirname(to) == "" else None
    if "/" in to:
        (repo.root / os.path.dirname(to)).mkdir(parents=True, exist_ok=True)
        repo.git("mv", "changes.d/other-pr.md", to)
    repo.commit("move it")
    r = repo.run("check", "--base", "main", "--format", "json")
    assert r.exit_code == 1, r.output
    data = json.loads(r.stdout)
    assert data["fragments_changed"] == []
    assert [p["code"] for p in data["problems"]] == ["missing-fragment"]
    assert "src/lib.rs" in data["problems"][0]["message"]


def test_a_rename_within_the_fragments_directory_is_an_edit(repo):
    change_code(repo)
    repo.git("mv", "changes.d/other-pr.md", "changes.d/renamed.md")
    repo.commit("rename")
    r = repo.run("check", "--base", "main", "--format", "json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["fragments_changed"] == ["changes.d/renamed.md"]


def test_a_file_moved_into_the_fragments_directory_is_a_fragment_added(repo):
    repo.write("notes/mine.md", "---\nsection: Added\nprs: [8]\n---\nMine.\n")
    repo.commit("draft")
    repo.git("switch", "-q", "-c", "pr2")
    change_code(repo)
    repo.git("mv", "notes/mine.md", "changes.d/mine.md")
    repo.commit("move mine in")
    r = repo.run("check", "--base", "pr", "--format", "json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["fragments_changed"] == ["changes.d/mine.md"]


# -- (b) the skip marker counts only as a whole line of visible text --------------------------


@pytest.mark.parametrize("text", [
    "<!-- release-notes: none -->",
    "<!--\nrelease-notes: none\n-->",
    "Describe the change.\n<!-- Write\nrelease-notes: none\nif users will not notice -->\nFixes a bug.",
    "Text <!-- inline,\nrelease-notes: none\n--> more",
    "<!-- unclosed\n\nrelease-notes: none",
    "```\nrelease-notes: none\n```",
    "~~~~ text\nrelease-notes: none\n~~~~",
    "Intro.\n\n    release-notes: none",
    "Intro.\n\n\trelease-notes: none",
    "```\nunclosed fence\n\nrelease-notes: none",
    "<!--\n```\n-->\nx\n```\nrelease-notes: none\n```",
    "the marker is release-notes: none, written in a sentence",
    "`release-notes: none`",
    # a link reference definition renders as nothing: its label, destination and title
    # may each run over lines (in a container, lazily too)
    "[\nrelease-notes: none\n]: https://example.com",
    "> [a]: /u \"\nrelease-notes: none\n\"",
    "- [a]:\n  https://example.com\n  (\n  release-notes: none\n  )",
    "[a]: /u \"\n<b>\nrelease-notes: none\n\"",  # a tag alone cannot interrupt the title
    # raw HTML blocks: no Markdown text
    "<script>\nrelease-notes: none\n</script>",
    "<style>\nrelease-notes: none\n</style>",
    "<textarea>\nrelease-notes: none\n</textarea>",
    "<pre>\nrelease-notes: none\n</pre>",
    "<?x\nrelease-notes: none\n?>",
    "<!X\nrelease-notes: none\n>",
    "<![CDATA[\nrelease-notes: none\n]]>",
    "<div>\n<!--\nrelease-notes: none\n-->\n</div>",
    "<div title='\nrelease-notes: none\n'>",
    "<!X\n<!--\n<script>\nrelease-notes: none",  # a '<!--' inside raw HTML, left open, hides the rest
    "<div>\n<script>\n\nrelease-notes: none",  # a raw-text element left open swallows the page
    "Text <style>\nrelease-notes: none\n</style>",
    "[ref]: https://example.com (\n- item\nrelease-notes: none\n)",  # mistletoe reads the title on
])
def test_a_hidden_or_embedded_marker_does_not_count(text):
    assert not has_marker(text, MARKER)


@pytest.mark.parametrize("text", [
    "release-notes: none",
    "<!-- Describe your change. -->\nrelease-notes: none",
    "<!-- a --> <!-- b -->\nrelease-notes: none",
    "<!---->\nrelease-notes: none",
    "<!-->\nrelease-notes: none",  # a whole HTML block to CommonMark, an empty comment to browsers
    "<!--\n```\n-->\nrelease-notes: none",  # a fence inside a comment opens no code block
    "```\ncode\n```\nrelease-notes: none",
    "Intro line\n    release-notes: none",  # indented, but continues the paragraph: visible
    "Refactor\r\n\r\n<!-- template -->\r\nRelease-Notes: None\r\n",
    "Refactor only.\rrelease-notes: none\r",  # a lone CR ends a line (CommonMark)
    "x\r\rrelease-notes: none",
    "<script>x</script>\nrelease-notes: none",
    "<title>x</title> <style>y</style>\n\nrelease-notes: none",
    "[ref]: https://example.com\nrelease-notes: none",  # the definition ended: text again
    "[ref]: https://example.com \"title\"\nrelease-notes: none",
    "[x]: https://example.com\r\n\r\nrelease-notes: none",
    "[WIP] refactor\nrelease-notes: none",
    # an unfinished definition is paragraph text after all
    "[a]: /u \"\nrelease-notes: none\n",  # a title never closed
    "[a]: /u \"\nrelease-notes: none\n\nmore\"",  # a blank line ends it
    "[a]:\nhttps://x\n\"t\nrelease-notes: none\n\" trailing",  # text after the title
    "[see\nrelease-notes: none\n]",  # a label without ':'
    "- [\n  release-notes: none",
    "<details>\n<summary>Why</summary>\n\nrelease-notes: none\n\n</details>",  # Markdown after the blank line
])
def test_a_visible_marker_line_counts(text):
    assert has_marker(text, MARKER)


LINES = ["release-notes: none", "```", "~~~", "    indented", "\tx", "<!--", "-->", "<!-- c -->", "", "text",
         "- item", "> quote", "  release-notes: none", "    release-notes: none", "a <!-- b", "c --> d",
         "<!-->", "````", "1. one",
         # link reference definitions: label, destination and title may each run over lines
         '[ref]: https://example.com "', "[ref]: https://example.com '", "[ref]: https://example.com (",
         "[ref]: https://example.com", "[ref]:", "https://example.com", "<https://example.com>", '"', "'", "(",
         ")", '"title"', "[", "]: https://example.com", "[ref]: https://example.com 'x' y",
         # HTML blocks GitHub shows as no text (types 1, 3-5)
         "<script>", "</script>", "<pre>", "</pre>", "<?x", "?>", "<!X", ">", "<![CDATA[", "]]>", "<div>"]


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(LINES), max_size=12))
# mistletoe 1.6 reads ']: url' right after a definition as one more (its label runs from
# the text's start), then the '[' label over the next lines: all hidden (found by this test)
@example(["[ref]: https://example.com", "]: https://example.com", "[", MARKER, "]: https://example.com"])
@example(["</script>", "<pre>", "", MARKER])  # a raw <pre> element shows its text
def test_a_marker_that_counts_is_text_mistletoe_shows(lines):
    """Soundness against mistletoe, and against CommonMark's reference rules (GitHub's)
    through markdown-it: when the marker counts, the rendered HTML shows it outside
    every comment, code block, code span, script, style, textarea and processing
    instruction (a link definition, its title included, renders as nothing)."""
    import mistletoe

    text = "\n".join(lines)
    if not has_marker(text, MARKER):
        return
    html = browser_text(mistletoe.markdown(text))
    assert MARKER in html, (text, html)
    markdown_it = pytest.importorskip("markdown_it")
    html = browser_text(markdown_it.MarkdownIt("commonmark").render(text))
    assert MARKER in html, (text, html)


def browser_text(html: str) -> str:
    """``html`` without what a browser does not show as text, in document order: a
    comment to its '-->' (or the end), a processing instruction, declaration or CDATA
    to the first '>', the raw text of script, style and textarea, and code.  (A raw
    ``<pre>`` element's text is shown, preformatted: ``</script>``, ``<pre>``, a blank
    line and the marker show the marker, as random examples found.)"""
    return re.sub(r"<!--(?:-?>|[\s\S]*?-->|[\s\S]*$)|<[?!][\s\S]*?(?:>|$)"
                  r"|<(script|style|textarea)\b[\s\S]*?(?:</\1>|$)|<code>[\s\S]*?</code>", "", html)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="<!->`~ \t\nrelas:o", max_size=80))
def test_hidden_lines_never_fails_and_keeps_one_answer_per_line(text):
    lines = text.split("\n")
    assert len(hidden_lines(lines)) == len(lines)
    has_marker(text, MARKER)


def test_hostile_definitions_stay_linear():
    import time

    n = 50_000
    for text in ("<script></script>" * n + "\nrelease-notes: none", "[" + "a\n" * n + "release-notes: none", "[a]: /u \"" + "\nx" * n + "\nrelease-notes: none",
                 "[a]: /u\n" * n + "release-notes: none", "[" * n + "\n" + "]:" * n):
        start = time.perf_counter()
        has_marker(text, MARKER)
        assert time.perf_counter() - start < 2.0


def test_a_marker_in_a_definition_title_does_not_skip_the_gate_as_a_real_subprocess(repo, tmp_path):
    change_code(repo, "Refactor.\n\n[ref]: https://example.com (\nrelease-notes: none\n)")
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"labels": [], "body":
                                 'Fixes the parser.\n\n[ref]: https://example.com "\nrelease-notes: none\n"'}}))
    env = dict(os.environ, PYTHONPATH=str(ROOT), GITHUB_EVENT_PATH=str(event))
    r = subprocess.run([sys.executable, "-m", "relnotes", "check", "--base", "main"], cwd=repo.root,
                       capture_output=True, text=True, env=env)
    assert r.returncode == 1, r.stderr
    assert "adds no fragment to changes.d/" in r.stderr


def test_a_marker_after_a_lone_cr_skips_the_gate_as_a_real_subprocess(repo, tmp_path):
    change_code(repo)
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"labels": [], "body": "Refactor only.\rrelease-notes: none\r"}}))
    env = dict(os.environ, PYTHONPATH=str(ROOT), GITHUB_EVENT_PATH=str(event))
    r = subprocess.run([sys.executable, "-m", "relnotes", "check", "--base", "main", "--format", "json"],
                       cwd=repo.root, capture_output=True, text=True, env=env)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["skipped"] == "skip marker in the pull request description"


def test_hostile_comment_text_stays_linear():
    import time

    n = 100_000
    text = "<!--" * n + "\n" + "-->" * n + "\n" + "```\n" * n + "release-notes: none\n"
    start = time.perf_counter()
    has_marker(text, MARKER)
    assert time.perf_counter() - start < 2.0


def test_a_marker_in_the_pr_templates_comment_does_not_skip_the_gate(repo, tmp_path, monkeypatch):
    change_code(repo)
    event = tmp_path / "event.json"
    body = "## What\n\n<!-- If users will not notice, write a line:\nrelease-notes: none\n-->\nRefactor."
    event.write_text(json.dumps({"pull_request": {"body": body, "labels": []}}))
    r = repo.run("check", "--base", "main", env={"GITHUB_EVENT_PATH": str(event)})
    assert r.exit_code == 1 and "missing" not in r.stdout and "adds no fragment" in r.stderr
    event.write_text(json.dumps({"pull_request": {"body": body + "\n\nrelease-notes: none\n", "labels": []}}))
    r = repo.run("check", "--base", "main", env={"GITHUB_EVENT_PATH": str(event)})
    assert r.exit_code == 0 and "skip marker in the pull request description" in r.stdout


def test_a_marker_in_a_commit_messages_code_block_does_not_skip_the_gate(repo):
    change_code(repo, "Explain the marker\n\n```\nrelease-notes: none\n```\n")
    assert repo.run("check", "--base", "main").exit_code == 1


# -- exact tag marker -----------------------------------------------------------------------


@pytest.mark.parametrize("message", [
    f"Release Wasmtime 49.0.0\n\n{TAG_MARKER}",
    f"Release Wasmtime 49.0.0-rc.1\n\n{TAG_MARKER}\n",
    f"Release Wasmtime 49.0.0 (#1234)\n\n* Release Wasmtime 49.0.0\n\n{TAG_MARKER}\n\nCo-authored-by: a <a@b>",
    f"Release Wasmtime 49.0.0\r\n\r\n  {TAG_MARKER}  \r\n",
])
def test_the_tag_marker_on_a_line_of_its_own_counts(message):
    assert carries_marker(message, TAG_MARKER)


@pytest.mark.parametrize("message", [
    f"Revert \"Release Wasmtime 49.0.0 {TAG_MARKER}\"",
    f"Docs: explain {TAG_MARKER} in the README",
    f"Release\n\n`{TAG_MARKER}`",
    f"Release\n\n{TAG_MARKER}x",
    f"Release\n\n* {TAG_MARKER}",
    f"Release\n\n{TAG_MARKER[:-1]}",
    "",
])
def test_the_tag_marker_inside_a_line_does_not_count(message):
    assert not carries_marker(message, TAG_MARKER)
    assert not carries_marker(message, "")


def test_tag_ignores_a_marker_quoted_in_a_sentence(project):
    project.write("RELEASES.md", "## 1.0.0\n\nReleased 2026-01-01.\n\n### Added\n\n")
    project.commit(f"Docs: how {TAG_MARKER} works")
    before = project.snapshot_tree()
    r = project.run("tag")
    assert r.exit_code == 0 and "on a line of its own; nothing tagged" in r.stderr
    assert project.git("tag") == "" and project.snapshot_tree() == before
    project.commit(f"Release 1.0.0\n\n{TAG_MARKER}")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-m", "relnotes", "tag"], cwd=project.root, capture_output=True,
                          text=True, env=env)
    assert done.returncode == 0 and done.stdout == "v1.0.0\n", done.stderr


# -- (c) the gate's rules are the base's --------------------------------------------------


def gate(p, *args, env=None):
    r = p.run("check", "--base", "main", "--format", "json", *args, env=env)
    return r, (json.loads(r.stdout) if r.stdout.strip().startswith("{") else None)


@pytest.mark.parametrize("setting, key", [
    ("check: {exempt_paths: ['**']}\n", "check.exempt_paths"),
    ("check: {exempt_paths: ['src/**']}\n", "check.exempt_paths"),
    ("fragments_dir: src\n", "fragments_dir"),
    ("projects: [{name: evil, path: src, check: {exempt_paths: ['**']}}]\n", "projects"),
])
def test_a_pr_cannot_exempt_itself_in_its_own_configuration(repo, setting, key):
    repo.write("relnotes.yaml", repo.read("relnotes.yaml") + setting)
    change_code(repo, "exempt myself")
    before = repo.snapshot_tree()
    r, data = gate(repo)
    assert r.exit_code == 1, r.output
    assert [p["code"] for p in data["problems"]][-1] == "missing-fragment"
    warning = data["warnings"][-1]
    assert (warning["path"], warning["code"]) == ("relnotes.yaml", "gate-rules-changed")
    assert f"relnotes.yaml changes the gate's rules ({key}" in warning["message"]
    assert "this check uses the base's (relnotes.yaml at main, commit " in warning["message"]
    assert repo.snapshot_tree() == before


def test_a_pr_cannot_skip_itself_with_a_label_or_marker_of_its_own(repo):
    repo.write("relnotes.yaml", repo.read("relnotes.yaml") + "check: {skip_labels: [ci], skip_marker: 'ok'}\n")
    change_code(repo, "harmless\n\nok")
    r, data = gate(repo, "--label", "ci")
    assert r.exit_code == 1 and data["skipped"] is None
    assert "(check.skip_labels, check.skip_marker)" in data["warnings"][-1]["message"]
    r, data = gate(repo, "--label", "no-release-notes")  # the base's label still skips
    assert r.exit_code == 0 and data["skipped"] == "label 'no-release-notes'"


def test_moving_the_configuration_to_pyproject_changes_nothing(repo):
    repo.git("rm", "-q", "relnotes.yaml")
    repo.write("pyproject.toml", "[tool.relnotes]\npreset = 'wasmtime'\n[tool.relnotes.check]\nexempt_paths = ['**']\n")
    change_code(repo)
    r, data = gate(repo)
    assert r.exit_code == 1, r.output
    assert "pyproject.toml changes the gate's rules (check.exempt_paths)" in data["warnings"][-1]["message"]


def test_the_lint_keeps_the_prs_own_configuration(repo):
    repo.write("relnotes.yaml", repo.read("relnotes.yaml") + "sections: [Added, Changed, Fixed, Performance]\n")
    repo.write("changes.d/fast.md", "---\nsection: Performance\nprs: [9]\n---\nFaster.\n")
    change_code(repo)
    r, data = gate(repo)
    assert r.exit_code == 0, r.output
    assert data["warnings"] == [] and data["fragments_changed"] == ["changes.d/fast.md"]


def test_first_adoption_uses_the_prs_configuration_and_says_so(project):
    config = project.read("relnotes.yaml")
    (project.root / "relnotes.yaml").unlink()
    project.write("src/lib.rs", "fn a() {}\n")
    project.commit("before relnotes")
    project.git("switch", "-q", "-c", "pr")
    project.write("relnotes.yaml", config + "check: {exempt_paths: ['**']}\n")
    project.write("RELEASES.md", corpus("main.RELEASES.md"))
    change_code(project, "adopt relnotes")
    r, data = gate(project)
    assert r.exit_code == 0, r.output
    assert data["warnings"][-1]["code"] == "gate-rules-new"
    assert "main has no relnotes configuration, so this check uses this change's (relnotes.yaml)" \
        in data["warnings"][-1]["message"]


def test_a_broken_configuration_at_the_base_is_exit_2_and_says_where(repo):
    good = repo.read("relnotes.yaml")
    repo.git("switch", "-q", "main")
    repo.write("relnotes.yaml", good + "check: {exempt_paths: 5}\n")
    repo.commit("break it")
    repo.git("switch", "-q", "pr")
    repo.git("rebase", "-q", "main")
    repo.write("relnotes.yaml", good)  # the PR repairs it: its rules still are not the gate's
    change_code(repo)
    before = repo.snapshot_tree()
    r = repo.run("check", "--base", "main")
    assert r.exit_code == 2, r.output
    assert "the configuration at main (relnotes.yaml in commit" in r.stderr
    assert "'check.exempt_paths' must be a list of strings" in r.stderr and "Traceback" not in r.output
    assert repo.snapshot_tree() == before


def test_the_base_rules_as_a_real_subprocess(repo):
    repo.write("relnotes.yaml", repo.read("relnotes.yaml") + "check: {exempt_paths: ['**']}\n")
    change_code(repo)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    r = subprocess.run([sys.executable, "-m", "relnotes", "check", "--base", "main"], cwd=repo.root,
                       capture_output=True, text=True, env=env)
    assert r.returncode == 1, r.stderr
    assert "relnotes.yaml:1:1: warning: relnotes.yaml changes the gate's rules (check.exempt_paths)" in r.stderr
    assert "adds no fragment to changes.d/" in r.stderr


def test_a_package_cannot_exempt_itself_in_its_own_relnotes_yaml(git_env, tmp_path):
    from test_monorepo import make_mono

    p = make_mono(tmp_path / "mono")
    p.git("switch", "-q", "-c", "pr")
    p.write("core/relnotes.yaml", "project: Core library\nfragments_dir: notes.d\ncheck: {exempt_paths: ['**']}\n")
    p.write("core/src/lib.py", "1\n")
    p.commit("exempt core")
    r, data = gate(p)
    assert r.exit_code == 1, r.output
    assert "core/src/lib.py (project core)" in data["problems"][0]["message"]
    assert "relnotes.yaml changes the gate's rules (check.exempt_paths)" in data["warnings"][-1]["message"]


# -- (d) nested packages: the deepest package owns a path ------------------------------------


NESTED = """\
project: Mono
repository: https://github.com/example/mono
projects:
{entries}
"""


def nested_repo(git_env, tmp_path, entries: str, outer_frags: str = "changes.d"):
    from conftest import Project
    from conftest import git as run_git

    root = tmp_path / "nest"
    root.mkdir()
    run_git(root, "init", "-q", "-b", "main")
    p = Project(root)
    p.write("relnotes.yaml", NESTED.format(entries=entries))
    for notes, frags in (("pkg/RELEASES.md", f"pkg/{outer_frags}"), ("pkg/sub/RELEASES.md", "pkg/sub/changes.d")):
        p.write(notes, "## 0.1.0\n\nUnreleased.\n\n### Added\n\n")
        p.write(f"{frags}/.gitkeep", "")
    p.write("pkg/src/a.py", "0\n")
    p.write("pkg/sub/src/b.py", "0\n")
    p.commit("base")
    p.git("switch", "-q", "-c", "pr")
    return p


@pytest.mark.parametrize("entries", [
    "  - {name: outer, path: pkg}\n  - {name: inner, path: pkg/sub}",
    "  - {name: inner, path: pkg/sub}\n  - {name: outer, path: pkg}",
    "  - {name: inner, path: ./pkg/sub/}\n  - {name: outer, path: pkg/}",
])
def test_nested_packages_attribute_to_the_deepest(git_env, tmp_path, entries):
    p = nested_repo(git_env, tmp_path, entries)
    p.write("pkg/sub/src/b.py", "1\n")
    p.write("pkg/changes.d/outer.md", "---\nsection: Added\nprs: [1]\n---\nOuter.\n")
    p.commit("inner change, outer fragment")
    r, data = gate(p)
    assert r.exit_code == 1, r.output
    assert "pkg/sub/src/b.py (project inner)" in data["problems"][0]["message"]
    p.write("pkg/sub/changes.d/inner.md", "---\nsection: Added\nprs: [1]\n---\nInner.\n")
    p.commit("inner fragment")
    r, data = gate(p)
    assert r.exit_code == 0, r.output


def test_a_fragments_directory_inside_a_nested_package_is_refused(git_env, tmp_path):
    p = nested_repo(git_env, tmp_path, "  - {name: outer, path: pkg, fragments_dir: sub/notes.d}\n"
                                       "  - {name: inner, path: pkg/sub}", outer_frags="sub/notes.d")
    before = p.snapshot_tree()
    r = p.run("check")
    assert r.exit_code == 2, r.output
    assert "the fragments directory of 'outer' (pkg/sub/notes.d) lies inside package 'inner' (pkg/sub)" in r.stderr
    assert "relnotes.yaml:" in r.stderr and "Traceback" not in r.output
    assert p.snapshot_tree() == before


def test_an_oversized_configuration_at_the_base_is_refused_as_the_work_trees_is(repo):
    """The work tree's relnotes.yaml is refused past 256 KiB; the base's, read from git, too
    (a 50 MB one took over a minute to parse)."""
    good = repo.read("relnotes.yaml")
    repo.git("switch", "-q", "main")
    repo.write("relnotes.yaml", good + "# " + "x" * 300_000 + "\n")
    repo.commit("grow it")
    repo.git("switch", "-q", "pr")
    repo.git("rebase", "-q", "main")
    repo.write("relnotes.yaml", good)
    change_code(repo)
    r = repo.run("check", "--base", "main")
    assert r.exit_code == 2, r.output
    assert "bytes is too large for a configuration file (limit 262144)" in r.stderr
    assert "relnotes.yaml" in r.stderr and "Traceback" not in r.output
