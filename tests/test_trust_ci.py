"""Issue 27, what CI reads: no output line starts a workflow command, YAML without bombs,
bounded numbers, no exit 3 from input, and the user's own output paths are theirs.

Each test is an attack from a pull request (a fragment, a file name, relnotes.yaml, the
event file) or from a typed answer, kept so that it stays closed."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time

import pytest
from conftest import corpus
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relnotes.cli.common import printable
from relnotes.errors import EXCERPT, quoted

MAIN = corpus("main.RELEASES.md")
COMMANDS = ["::error::pwned", "::add-mask::secret", "::set-output name=x::y", "::stop-commands::tok",
            "  ::warning file=a::b", "##[error]old form", "\u3000::notice::wide blank"]


def runner_commands(output: str) -> list[str]:
    """The lines the GitHub runner would execute: split as it splits (\\r, \\n, \\r\\n),
    blanks trimmed at the start, ``::`` opening the line, or ``##[`` anywhere."""
    lines = re.split(r"\r\n|\r|\n", output)
    return [ln for ln in lines if ln.lstrip().startswith("::") or "##[" in ln]


@pytest.fixture
def repo(project):
    project.write("RELEASES.md", MAIN)
    return project


# -- outputs CI reads -------------------------------------------------------------------------


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("fmt", ["text", "github", "json"])
def test_a_fragment_file_name_cannot_start_a_workflow_command(repo, command, fmt):
    name = f"changes.d/a\n{command}\r{command}.md"
    repo.write(name, "---\nsection: Fixd\n---\nA fix.\n")
    before = repo.snapshot_tree()
    r = repo.run("check", "--format", fmt)
    assert r.exit_code == 1, r.output
    ours = [ln for ln in runner_commands(r.output) if ln.startswith(("::error file=", "::error::"))]
    assert runner_commands(r.output) == ours, r.output
    if fmt == "text":  # the name is shown with its newline escaped, on one line
        assert "'changes.d/a\\n" in r.stderr and ":2:1: unknown section 'Fixd'" in r.stderr
    assert repo.snapshot_tree() == before


@pytest.mark.parametrize("command", COMMANDS)
def test_a_config_key_cannot_start_a_workflow_command(repo, command):
    repo.write("relnotes.yaml", "preset: wasmtime\nproject: W\n" + json.dumps(f"x\n{command}") + ": 1\n")
    r = repo.run("check")
    assert r.exit_code == 2, r.output
    assert runner_commands(r.output) == [], r.output
    assert "relnotes.yaml:3:1: unknown key 'x\\n" in r.stderr


def test_an_entry_line_cannot_start_a_workflow_command_but_reads_the_same_in_markdown(repo):
    repo.fragment("a.md", "Fixed", "A fix.\n::error::pwned\n  ::add-mask::x and ##[error]y", prs="[1]")
    r = repo.run("build", "--draft")
    assert r.exit_code == 0, r.output
    assert runner_commands(r.output) == [], r.output
    assert "\\::error::pwned" in r.stdout and "##\\[error]y" in r.stdout  # Markdown shows ':' and '['


def test_under_github_actions_a_real_process_prints_no_foreign_command(repo):
    """The runner reads every line of a real process's stdout and stderr."""
    repo.write("changes.d/a\n::error::pwned.md", "---\nsection: Fixd\n---\nA fix.\n")
    repo.write("relnotes.yaml", "preset: wasmtime\nproject: W\n\"k\\r::add-mask::x\": 1\n")
    env = {**os.environ, "GITHUB_ACTIONS": "true"}
    for args in (["check"], ["check", "--format", "github"]):
        p = subprocess.run([sys.executable, "-m", "relnotes", *args], cwd=repo.root, env=env,
                           capture_output=True, text=True, timeout=60)
        assert p.returncode == 2, p.stderr
        assert runner_commands(p.stdout + "\n" + p.stderr) == [], p.stderr
    repo.write("relnotes.yaml", "preset: wasmtime\nproject: W\n")
    p = subprocess.run([sys.executable, "-m", "relnotes", "check", "--format", "github"], cwd=repo.root,
                       env=env, capture_output=True, text=True, timeout=60)
    assert p.returncode == 1
    assert runner_commands(p.stderr) == ["::error file=changes.d/a%0A%3A%3Aerror%3A%3Apwned.md,line=2,col=1,"
                                         "title=relnotes section-unknown::unknown section 'Fixd'; did you mean "
                                         "'Fixed'? (one of: Added, Changed, Fixed, Removed, Deprecated, Security)",
                                         "::error::1 problem found"]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list(":#[ \t\r\n\u3000\u00a0\u2028ae%")), max_size=40))
def test_printable_never_lets_a_command_through(text):
    shown = printable(text)
    assert runner_commands(shown) == []
    # and it only ever adds a backslash: the text is otherwise the same
    assert shown.replace("\\::", "::").replace("##\\[", "##[") == text


_REGEX_PRINTABLE = re.compile(r"((?:^|[\r\n])[^\S\r\n]*)::")


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(list(":#[ \t\r\n\u3000\u00a0\u2028\x85\x1cae%")), max_size=60))
def test_printable_escapes_exactly_what_the_line_start_pattern_did(text):
    """The str.find scan escapes the same ``::`` as the regular expression it replaced
    (one tried at every position: 2.5 ms on 1,000 Rust entries)."""
    expected = _REGEX_PRINTABLE.sub(lambda m: m[1] + "\\::", text).replace("##[", "##\\[")
    assert printable(text) == expected


def test_printable_is_linear_on_long_text_full_of_double_colons():
    # 60,000 '::' on one 400 KB line: a scan back to the line's start per '::' would
    # read 10^10 characters (minutes); the linear scan takes milliseconds, so even a
    # loaded CI machine stays far under the bound
    text = "- `Config::a::b::c` " * 20000 + "\n::error::x\n"
    started = time.perf_counter()
    shown = printable(text)
    assert time.perf_counter() - started < 10.0
    assert shown.endswith("\n\\::error::x\n")


# -- YAML without bombs ------------------------------------------------------------------------

BOMB = ("[&a [lol,lol,lol,lol,lol,lol,lol,lol,lol], &b [*a,*a,*a,*a,*a,*a,*a,*a,*a], "
        "&c [*b,*b,*b,*b,*b,*b,*b,*b,*b], &d [*c,*c,*c,*c,*c,*c,*c,*c,*c], "
        "&e [*d,*d,*d,*d,*d,*d,*d,*d,*d], &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]]")


@pytest.mark.parametrize("key", ["prs", "section", "authors", "order"])
def test_an_alias_bomb_in_front_matter_is_refused_at_its_first_anchor(repo, key):
    repo.write("changes.d/bomb.md", f"---\nsection: Fixed\n{key}: {BOMB}\n---\nx\n")
    if key == "section":
        repo.write("changes.d/bomb.md", f"---\n{key}: {BOMB}\n---\nx\n")
    before = repo.snapshot_tree()
    r = repo.run("check")
    assert r.exit_code == 1 and len(r.output) < 2000, r.output[:500]
    line = 3 if key != "section" else 2
    assert f"changes.d/bomb.md:{line}:{len(key) + 4}: invalid front matter: an anchor" in r.stderr
    assert repo.snapshot_tree() == before
    cache = repo.root / ".git" / "relnotes" / "parse-cache-v7.marshal"
    assert not cache.exists() or cache.stat().st_size < 10_000


@pytest.mark.parametrize("text, where, what", [
    (f"preset: wasmtime\nproject: {BOMB}\n", "2:11", "an anchor"),
    ("preset: wasmtime\nproject: W\nbase: &b {since: '1.0.0'}\narchive: *b\n", "3:7", "an anchor"),
    ("preset: wasmtime\n<<: {project: W}\n", "2:1", "a merge key"),
    ("preset: wasmtime\nproject: W\n? !!merge x\n: {a: 1}\n", "3:3", "a merge key"),
])
def test_anchors_aliases_and_merge_keys_in_configuration_are_refused(repo, text, where, what):
    repo.write("relnotes.yaml", text)
    before = repo.snapshot_tree()
    r = repo.run("check")
    assert r.exit_code == 2 and len(r.output) < 2000, r.output[:500]
    assert f"relnotes.yaml:{where}: {what}: YAML anchors" in r.stderr and "hint:" in r.stderr
    assert repo.snapshot_tree() == before


def test_messages_quote_a_bounded_excerpt_of_a_value(repo):
    repo.write("relnotes.yaml", "preset: wasmtime\nproject: W\nnotes_file: [" + "x" * 100_000 + "]\n")
    r = repo.run("check")
    assert r.exit_code == 2 and len(r.stderr) < 1000, r.stderr[:300]
    assert "…" in r.stderr
    assert len(quoted("y" * 10_000)) == EXCERPT and quoted(10 ** 5000).startswith("<a number")


def test_nothing_large_is_cached(tmp_path):
    from relnotes import cache

    assert not cache.fits(("x" * (cache.MAX_ENTRY_BYTES + 1),)) and cache.fits(("x" * 1000,))


# -- bounded numbers -----------------------------------------------------------------------------


@pytest.mark.parametrize("front, where, message", [
    ("prs: [" + "9" * 5000 + "]", "3:7", "a number of more than 18 digits"),
    ("prs: [" + "9" * 13 + "]", "3:1", "is not one (at most 12 digits)"),
    ("order: 0x" + "f" * 4000, "3:8", "a number of more than 18 digits"),
    ("issues: " + "1" * 19, "3:9", "a number of more than 18 digits"),
])
def test_huge_numbers_in_a_fragment_are_located_content_errors(repo, front, where, message):
    repo.write("changes.d/n.md", f"---\nsection: Fixed\n{front}\n---\nx\n")
    r = repo.run("check")
    assert r.exit_code == 1, r.output[:500]
    assert f"changes.d/n.md:{where}: " in r.stderr and message in r.stderr and len(r.stderr) < 1000


@pytest.mark.parametrize("args", [
    ["new", "--section", "Fixed", "--pr", "9" * 4000, "-m", "x"],
    ["new", "--section", "Fixed", "--pr", "9" * 5000, "-m", "x"],
    ["upgrade", "9" * 5000 + ".0.0"],
    ["upgrade", "1.0.0-rc." + "9" * 5000],
    ["history", "--from", "1" * 19 + ".0.0"],
])
def test_huge_numbers_on_the_command_line_are_usage_errors(repo, args):
    before = repo.snapshot_tree()
    r = repo.run(*args)
    assert r.exit_code in (1, 2), r.output[:500]
    assert "internal error" not in r.output
    assert repo.snapshot_tree() == before


@pytest.mark.parametrize("text, where", [
    ("schedule: {cadence: monthly, cut_day: 5, release_day: 20, anchor_version: " + "4" * 5000
     + ", anchor_date: 2027-01-20}\n", "3:"),
    ("schedule: {cadence: monthly, cut_day: 5, release_day: 20, anchor_version: 1, anchor_date: 2027-01-20}\n"
     "support: {lts_every: " + "4" * 19 + "}\n", "4:"),
])
def test_huge_numbers_in_configuration_are_located_config_errors(repo, text, where):
    repo.write("relnotes.yaml", "preset: wasmtime\nproject: W\n" + text)
    r = repo.run("check")
    assert r.exit_code == 2, r.output[:500]
    assert f"relnotes.yaml:{where}" in r.stderr and "more than 18 digits" in r.stderr and len(r.stderr) < 1000


# -- no exit 3 from input ------------------------------------------------------------------------


@pytest.mark.parametrize("answer", ["²", "٣", "1_0", "9" * 5000, "+1", " 3 "])
def test_prompt_parsers_take_ascii_digits_only(answer):
    import typer

    from relnotes.cli import composing

    sections = ("Added", "Changed", "Fixed")
    try:
        assert composing.section_choice(sections, answer) == "Fixed"  # only " 3 "
    except typer.BadParameter:
        pass
    try:
        composing.numbers(answer)
    except typer.BadParameter:
        pass


def test_a_superscript_at_the_pr_prompt_is_asked_again(project):
    pytest.importorskip("pty")
    from test_new_interactive import Terminal

    env = {k: v for k, v in os.environ.items() if not k.startswith(("VISUAL", "EDITOR"))}
    env["TERM"] = "dumb"
    t = Terminal(project.root, env, "new", "--name", "sup")
    t.expect("Section [1-6]:")
    t.type("²")
    t.expect("'²' is not a section")
    t.type("3")
    t.expect("PR numbers")
    t.type("12²")
    t.expect("'12²' is not a PR number")
    t.type("٣")
    t.expect("'٣' is not a PR number")
    t.type("7")
    t.expect("Entry text")
    t.type("A fix.")
    assert t.finish() == 0, t.seen
    assert "internal error" not in t.seen
    assert project.read("changes.d/sup.md").startswith("---\nsection: Fixed\nprs: [7]\n---\n")


@pytest.mark.parametrize("name", ["²³.feature.md", "٣.feature.md", "1.feature.²", "9" * 5000 + ".feature.md",
                                  "1.feature." + "9" * 5000 + ".md"])
def test_towncrier_file_names_with_odd_digits(name):
    from relnotes.migrate.towncrier import parse_name

    parsed = parse_name(name, {"feature": "Features"})
    assert parsed is None or parsed[1] == "feature"


@pytest.mark.parametrize("event", [
    [], "a string", 5, None, {"pull_request": None}, {"pull_request": []},
    {"pull_request": {"labels": 5}}, {"pull_request": {"labels": "skip-changelog"}},
    {"pull_request": {"labels": [5, None, "x", {"name": 3}, {"name": None}]}},
    {"pull_request": {"labels": {"name": "x"}}}, {"pull_request": {"body": 5}},
    {"pull_request": {"body": ["release-notes: none"]}}, {"pull_request": {"body": {"a": 1}}},
])
def test_odd_event_files_count_as_no_labels_and_no_body(repo, tmp_path, event, monkeypatch):
    repo.commit("base")
    repo.git("checkout", "-q", "-b", "topic")
    repo.write("src.rs", "fn main() {}\n")
    repo.commit("code")
    path = tmp_path / "event.json"
    path.write_text(json.dumps(event))
    monkeypatch.setenv("GITHUB_EVENT_PATH", str(path))
    r = repo.run("check", "--base", "main")
    assert r.exit_code == 1, r.output  # no fragment, no skip: the rule's own failure
    assert "internal error" not in r.output


def test_an_event_file_nested_past_the_stack_counts_as_none(repo, tmp_path, monkeypatch):
    path = tmp_path / "event.json"
    path.write_text("[" * 200_000 + "]" * 200_000)
    monkeypatch.setenv("GITHUB_EVENT_PATH", str(path))
    from relnotes.gate.check import github_event

    assert github_event() == {}


# -- fuzz: nothing reaches the internal-error guard -----------------------------------------------

YAMLISH = st.text(alphabet=st.sampled_from(list("&*<!:[]{}-,#'\"|>?% \n\t0123456789²٣aZ_\u2028\ufeff.xe+")),
                  max_size=60)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(YAMLISH, st.text(max_size=20))
def test_fuzz_parsers_never_raise_unexpectedly(text, word):
    import typer

    from relnotes.cli import composing
    from relnotes.errors import RelnotesError
    from relnotes.fragments.fragment import parse_text
    from relnotes.migrate.towncrier import parse_name

    for answer in (text, word):
        for parse in (lambda a: composing.section_choice(("Added", "Fixed"), a), composing.numbers):
            try:
                parse(answer)
            except typer.BadParameter:
                pass
        parse_name(answer + ".feature.md", {"feature": "Features"})
        parse_name(answer, {"feature": "Features"})
    frag, problems = parse_text(f"---\nsection: Fixed\n{text}\n---\nbody\n", "changes.d/f.md", ("Fixed",))
    assert (frag is None) == bool(problems)
    from pathlib import Path

    from relnotes.config.load import values_from_text

    try:
        values_from_text("preset: wasmtime\n" + text, Path("relnotes.yaml"), Path("."), use_cache=False)
    except RelnotesError as e:
        assert e.exit_code == 2 and len(e.message) < 2000


@settings(max_examples=150, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=5),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
                        st.sampled_from(["pull_request", "labels", "name", "body"]), inner, max_size=3),
                    max_leaves=12))
def test_fuzz_event_shapes(event):
    from relnotes.gate import check

    if isinstance(event, dict):
        assert isinstance(check.event_labels(event), list)
        assert isinstance(check.event_body(event), str)


def test_deeply_nested_yaml_is_refused_at_once(project):
    """64 KiB of '[' in a fragment's front matter (or relnotes.yaml) took the YAML scanner
    minutes before it gave up; it is refused where the nesting passes 32, in one pass."""
    import time

    from relnotes.config.yamlguard import refused_node

    start = time.perf_counter()
    found = refused_node("prs: " + "[" * 32000 + "]" * 32000 + "\n")
    assert found is not None and found[:2] == (0, 37) and "nested more than 32 deep" in found[2]
    assert time.perf_counter() - start < 1
    assert refused_node("title: '" + "[" * 40 + "'\n# " + "{" * 40 + "\nprs: [1, [2]]\n") is None
    project.write("RELEASES.md", corpus("main.RELEASES.md"))
    project.write("changes.d/deep.md", "---\nsection: Fixed\nprs: " + "[" * 20000 + "]" * 20000 + "\n---\nA fix.\n")
    r = project.run("check")
    assert r.exit_code == 1 and "changes.d/deep.md:3:" in r.stderr and "nested more than 32 deep" in r.stderr
