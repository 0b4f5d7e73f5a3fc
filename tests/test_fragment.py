"""Fragment validation: each rule fails with its exact message, exit 1, nothing changed."""

from __future__ import annotations

import marshal
import os
import signal

import pytest
from conftest import corpus
from hypothesis import example, given, settings
from hypothesis import strategies as st

from relnotes.fragments import fragment, front_matter
from relnotes.fragments.fragment import PLACEHOLDER, parse_text
from relnotes.markdown import screen as markdown_screen

SECTIONS = ("Added", "Changed", "Fixed", "Removed", "Deprecated", "Security")
P = "changes.d/x.md"

# (file text, expected "line:col: message" lines)
CASES = {
    "no-front-matter": ("Just text.\n", ["1:1: no front matter: start the file with '---', 'section: …', '---'"]),
    "unclosed-front-matter": ("---\nsection: Fixed\nText.\n",
                              ["1:1: front matter is not closed: add a line '---' after the YAML keys"]),
    "not-a-mapping": ("---\n- a\n- b\n---\nText.\n",
                      ["2:1: front matter must be a mapping of keys (section: …, prs: […])"]),
    "broken-yaml": ("---\nsection: [Fixed\n---\nText.\n",
                    ["3:1: invalid front matter: expected ',' or ']', but got '<stream end>'"]),
    "unknown-key": ("---\nsection: Fixed\nprss: [1]\n---\nText.\n",
                    ["3:1: unknown key 'prss'; did you mean 'prs'?"]),
    "section-missing": ("---\nprs: [1]\n---\nText.\n",
                        ["2:1: 'section' is required; one of: Added, Changed, Fixed, Removed, Deprecated, Security"]),
    "section-unknown": ("---\nsection: Fxied\n---\nText.\n",
                        ["2:1: unknown section 'Fxied'; did you mean 'Fixed'? (one of: Added, Changed, Fixed, "
                         "Removed, Deprecated, Security)"]),
    "pr-not-positive": ("---\nsection: Fixed\nprs: [0, -3]\n---\nText.\n",
                        ["3:1: 'prs' must hold positive whole numbers; 0 is not one",
                         "3:1: 'prs' must hold positive whole numbers; -3 is not one"]),
    "pr-not-a-number": ("---\nsection: Fixed\nprs: [\"12a\"]\n---\nText.\n",
                        ["3:1: 'prs' must hold positive whole numbers; '12a' is not one"]),
    "issues-not-list": ("---\nsection: Fixed\nissues: {a: 1}\n---\nText.\n",
                        ["3:1: 'issues' must be a list of positive whole numbers, like [1234]"]),
    "bad-advisory": ("---\nsection: Security\nadvisories: [GHSA-1234]\n---\nText.\n",
                     ["3:1: 'GHSA-1234' is not a GitHub advisory id (GHSA-xxxx-xxxx-xxxx)"]),
    "breaking-not-bool": ("---\nsection: Fixed\nbreaking: no\n---\nText.\n",
                          ["3:1: 'breaking' must be true or false, not 'no'"]),
    "empty-body": ("---\nsection: Fixed\n---\n\n\n", ["4:1: the fragment has no text: describe the change below the front matter"]),
    "placeholder": (f"---\nsection: Fixed\n---\n{PLACEHOLDER}\n",
                    ["4:1: the fragment still has the placeholder text: replace it with a description"]),
    "heading": ("---\nsection: Fixed\n---\nText.\n\n## Details\n",
                ["6:1: headings are not allowed in a fragment; the section comes from 'section:'"]),
    "setext-heading": ("---\nsection: Fixed\n---\nText\n===\n",
                       ["4:1: headings are not allowed in a fragment (a line of '=' or '-' under text makes one)"]),
    "thematic-break": ("---\nsection: Fixed\n---\nText.\n\n***\n\nMore.\n",
                       ["6:1: thematic breaks ('---', '***') are not allowed in a fragment"]),
    "html-block": ("---\nsection: Fixed\n---\nText.\n\n<div>\nhi\n</div>\n",
                   ["6:1: raw HTML blocks are not allowed in a fragment; use Markdown"]),
    "yaml-tag": ("---\nsection: !!python/object:os.system Fixed\n---\nText.\n",
                 None),  # message checked separately: ruamel's wording
    "duplicate-key": ("---\nsection: Fixed\nsection: Added\n---\nText.\n", None),
    "many-at-once": ("---\nsection: Nope\nprs: [x]\nbackport: 1\n---\n\n",
                     ["2:1: unknown section 'Nope' (one of: Added, Changed, Fixed, Removed, Deprecated, Security)",
                      "3:1: 'prs' must hold positive whole numbers; 'x' is not one",
                      "4:1: 'backport' must be true or false, not 1",
                      "6:1: the fragment has no text: describe the change below the front matter"]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_parse_text_reports_exact_problems(case):
    text, expected = CASES[case]
    frag, problems = parse_text(text, P, SECTIONS)
    assert frag is None and problems
    if expected is not None:
        assert [f"{p.line}:{p.col}: {p.message}" for p in problems] == expected
    else:
        assert problems[0].line >= 2 and "invalid front matter" in problems[0].message


@pytest.mark.parametrize("case", sorted(CASES))
def test_build_refuses_invalid_fragment_exit_1_nothing_changed(project, case):
    text, expected = CASES[case]
    project.write("RELEASES.md", corpus("main.RELEASES.md"))
    project.fragment("good.md", "Fixed", "A good one.", prs="[1]")
    project.write("changes.d/bad.md", text)
    project.commit("state")
    before = project.snapshot_tree()
    r = project.run("build")
    assert r.exit_code == 1
    assert "Traceback" not in r.output
    if expected:
        for line in expected:
            assert f"changes.d/bad.md:{line}" in r.stderr
    assert r.stderr.rstrip().endswith("error: fragments have problems; nothing was changed")
    assert project.snapshot_tree() == before
    assert project.git("status", "--porcelain") == ""


def test_directory_entries_that_are_not_fragments_are_errors(project, tmp_path):
    project.write("RELEASES.md", corpus("main.RELEASES.md"))
    project.write("changes.d/typo.mdx", "---\nsection: Fixed\n---\nText.\n")
    project.write("changes.d/.hidden.md", "---\nsection: Fixed\n---\nText.\n")
    (project.root / "changes.d/dir.md").mkdir()
    project.write("changes.d/README.md", "How to write fragments.\n")  # allowed
    outside = tmp_path / "secret.md"
    outside.write_text("---\nsection: Fixed\n---\nsecret\n")
    os.symlink(outside, project.root / "changes.d/link.md")
    project.write("changes.d/latin1.md", "")
    (project.root / "changes.d/latin1.md").write_bytes(b"---\nsection: Fixed\n---\ncaf\xe9\n")
    project.write("changes.d/big.md", "---\nsection: Fixed\n---\n" + "x" * 70_000 + "\n")
    r = project.run("check")
    assert r.exit_code == 1
    err = r.stderr
    assert "changes.d/typo.mdx:1:1: is not a fragment: fragment files end in '.md'" in err
    assert "changes.d/.hidden.md:1:1: is not a fragment" in err
    assert "changes.d/dir.md:1:1: is a directory; the fragments directory holds only fragment files" in err
    assert "changes.d/link.md:1:1: is a symbolic link to a file outside the repository" in err
    assert "changes.d/latin1.md:4:1: is not UTF-8 (byte 0xe9 at offset 26); save it as UTF-8" in err
    assert "changes.d/big.md:1:1: is 70024 bytes; a fragment may be at most 65536 bytes" in err
    assert "README" not in err
    assert "secret" not in r.output
    assert err.rstrip().endswith("6 problems found")


@pytest.mark.parametrize("size, ok", [(fragment.MAX_FRAGMENT_BYTES, True), (fragment.MAX_FRAGMENT_BYTES + 1, False),
                                      (fragment._CHUNK - 1, True), (fragment._CHUNK * 2 + 5, False)])
def test_size_limit_is_exact_around_read_chunk_boundaries(project, size, ok):
    """Reads stop at a short read: a file of exactly one chunk must still be read to its end."""
    project.write("RELEASES.md", corpus("main.RELEASES.md"))
    head = "---\nsection: Fixed\n---\n"
    project.write("changes.d/edge.md", head + "x" * (size - len(head) - 1) + "\n")
    assert (project.root / "changes.d/edge.md").stat().st_size == size
    res = fragment.load_all(project.root / "changes.d", project.root, SECTIONS, use_cache=False)
    if ok:
        assert [len(f.body) for f in res.fragments] == [size - len(head) - 1] and not res.problems
    else:
        assert not res.fragments
        assert [(p.code, p.message) for p in res.problems] == [
            ("too-large", f"is {size} bytes; a fragment may be at most {fragment.MAX_FRAGMENT_BYTES} bytes")]


@pytest.mark.skipif(not hasattr(os, "mkfifo") or not hasattr(signal, "SIGALRM"), reason="needs FIFOs")
def test_a_fifo_in_the_fragments_directory_is_reported_not_read(project):
    """Opening a FIFO for reading blocks until a writer comes: it must never be opened."""
    project.write("RELEASES.md", corpus("main.RELEASES.md"))
    project.fragment("ok.md", "Fixed", "Fine.", prs="[1]")
    os.mkfifo(project.root / "changes.d/pipe.md")
    os.symlink("pipe.md", project.root / "changes.d/to-pipe.md")

    def hung(signum, frame):
        raise AssertionError("check blocked on the FIFO")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(20)  # a regression fails the test instead of hanging the suite
    try:
        r = project.run("check")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert r.exit_code == 1
    assert ("changes.d/pipe.md:1:1: is not a regular file (a FIFO, socket or device); "
            "the fragments directory holds only fragment files") in r.stderr
    assert "changes.d/to-pipe.md:1:1: is not a regular file" in r.stderr
    assert r.stderr.rstrip().endswith("2 problems found")


def test_same_pr_in_two_different_entries_passes_check(project):
    project.write("RELEASES.md", corpus("main.RELEASES.md"))
    project.fragment("a.md", "Fixed", "One.", prs="[5]")
    project.fragment("b.md", "Fixed", "Two.", prs="[5]")
    project.fragment("c.md", "Added", "Other section is fine.", prs="[5]")
    r = project.run("check")
    assert r.exit_code == 0, r.output
    project.fragment("d.md", "Fixed", "Two.", prs="[5]")
    r = project.run("check")
    assert r.exit_code == 1
    assert "changes.d/d.md:5:1: renders the same entry as changes.d/b.md in section 'Fixed'" in r.stderr


def test_bom_and_crlf_are_accepted():
    text = "\ufeff---\r\nsection: Fixed\r\nprs: [3]\r\n---\r\nLine one\r\nline two.\r\n"
    frag, problems = parse_text(text, P, SECTIONS)
    assert problems == [] and frag.body == "Line one\nline two." and frag.prs == (3,)


def test_body_braces_are_data():
    frag, problems = parse_text("---\nsection: Fixed\n---\nUse {{ not_a_variable }} and {% raw %}.\n", P, SECTIONS)
    assert problems == [] and "{{ not_a_variable }}" in frag.body


# -- the fast paths agree with the full parsers ------------------------------------------

_KEY = st.sampled_from(["section", "prs", "issues", "advisories", "breaking", "backport", "authors", "other"])
_SCALAR = st.one_of(
    st.sampled_from(["Fixed", "Added", "true", "false", "True", "no", "yes", "null", "~", "0", "012", "1e3",
                     "0x1F", "Fixed # c", "'Fixed'", "\"Fixed\"", "a: b", "- x", "[1, 2]", "[GHSA-vqjp-4c8c-hfgg]",
                     "[1,2 ,3]", "[]", "[1, two]", "[1", "Security Fixes", "a  b", "&a x", "*a", "!!str 5", "|",
                     "[octocat, Alice-B]", "[null, x]", "[yes]", "[True, a]", "[on, off]", "[a-, -b]", "[N]",
                     "[x1, 2]", "[NULL]", "[a_b]", "[Y]"]),
    st.integers(min_value=-5, max_value=10**6).map(str),
    st.text(alphabet="abcXYZ -_:#[],'\"0123456789", min_size=1, max_size=10),
)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.tuples(_KEY, _SCALAR), max_size=5))
def test_simple_front_matter_agrees_with_ruamel(items):
    head = "".join(f"{k}: {v}\n" for k, v in items)
    fast = front_matter.simple_front_matter(head)
    if fast is None:
        return  # the fast path declined: ruamel decides
    data, problems = front_matter.yaml_load(head, P, 2)
    assert problems == [] and data == fast


_BODY_LINE = st.one_of(
    st.sampled_from(["text", "- item", "* item", "1. item", "  - nested", "# h", "## h", "---", "***", "___",
                     "===", "<div>", "<!-- c -->", "  <p>", "> quote", "> # h", "- # h", "- ---", "* * *",
                     "```", "    code # not heading", "", "a <b>inline</b>", "- <div>", "1) x", "\t# h"]),
    st.text(alphabet="ab#-*_=<> \t>1.)", max_size=8),
)


@settings(max_examples=500, deadline=None)
@given(st.lists(_BODY_LINE, min_size=1, max_size=8))
@example([". #"])  # mistletoe takes a bare '.' for an ordered-list marker
@example(["- > # h"])
def test_markdown_screen_never_hides_a_forbidden_block(lines):
    body = "\n".join(lines)
    if not markdown_screen.may_hold_forbidden_blocks(body):
        assert markdown_screen.markdown_problems(body, P, 1, links=False, html=False)[0] == []


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_parse_text_never_raises(text):
    frag, problems = parse_text(text, P, SECTIONS)
    assert (frag is None) == bool(problems)


# -- the parse cache gives exactly what parsing gives ---------------------------------------

_FRAG_TEXT = st.one_of(
    st.sampled_from(["---\nsection: Fixed\nprs: [1]\n---\nA fix.\n", "---\nsection: Nope\n---\nx\n",
                     "---\nsection: Added\n---\n# heading\n", "no front matter\n", "---\nsection: [\n---\nx\n",
                     "---\nsection: Fixed\nprs: [2]\nbackport: true\nadvisories: [GHSA-vqjp-4c8c-hfgg]\n---\n- a\n- b\n"]),
    st.text(max_size=80).map(lambda t: "---\nsection: Fixed\n---\n" + t),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(_FRAG_TEXT, min_size=1, max_size=6))
def test_cached_loading_equals_plain_loading(tmp_path_factory, texts):
    root = tmp_path_factory.mktemp("repo")
    (root / ".git").mkdir()
    d = root / "changes.d"
    d.mkdir()
    for i, t in enumerate(texts):
        (d / f"f{i}.md").write_bytes(t.encode("utf-8", errors="surrogatepass") if "\ud800" not in t else b"\xff")
    plain = fragment.load_all(d, root, SECTIONS, use_cache=False)
    cold = fragment.load_all(d, root, SECTIONS)
    warm = fragment.load_all(d, root, SECTIONS)
    assert (root / ".git/relnotes/parse-cache-v7.marshal").exists()
    for other in (cold, warm):
        assert other.fragments == plain.fragments
        assert other.problems == plain.problems


def test_cache_follows_edits_and_ignores_garbage(project):
    project.write("RELEASES.md", corpus("main.RELEASES.md"))
    project.write("changes.d/a.md", "---\nsection: Fixed\nprs: [1]\n---\nFirst text.\n")
    assert project.run("check").exit_code == 0
    project.write("changes.d/a.md", "---\nsection: Fixed\nprs: [1]\n---\n# now a heading\n")
    r = project.run("check")
    assert r.exit_code == 1 and "headings are not allowed" in r.stderr
    (project.root / ".git/relnotes/parse-cache-v7.marshal").write_text("{not json")
    r = project.run("check")
    assert r.exit_code == 1 and "headings are not allowed" in r.stderr


def test_a_cache_never_outlives_the_installed_code(project, monkeypatch):
    """The caches are stamped with when relnotes was installed (its package file's
    modification time), not only its version: `pip install git+…@COMMIT` keeps the version
    number from commit to commit, and a result cached by the old code must not be served."""
    import relnotes
    from relnotes import cache

    assert cache.STAMP.endswith(f" installed {os.stat(relnotes.__file__).st_mtime_ns}")
    project.write("RELEASES.md", corpus("main.RELEASES.md"))
    project.write("changes.d/a.md", "---\nsection: Fixed\nprs: [1]\n---\nFirst text.\n")
    assert project.run("check").exit_code == 0
    path = project.root / ".git/relnotes" / cache.NAME
    entries = marshal.loads(path.read_bytes())["entries"]
    # the same bytes, cached as a problem by "another install": this install parses them again
    monkeypatch.setattr(cache, "STAMP", cache.STAMP.replace(" installed ", " installed 1"))
    stale = {key: ("problems", [("changes.d/a.md", 1, 1, "stale", "cached by other code")]) for key in entries}
    path.write_bytes(marshal.dumps({"version": cache.STAMP, "entries": stale}))
    monkeypatch.undo()
    r = project.run("check")
    assert r.exit_code == 0, r.output
    assert "cached by other code" not in r.output


def test_one_pr_in_two_different_entries_is_fine_the_same_entry_twice_is_not(tmp_path):
    """Wasmtime 28.0.0 lists #9614 in two Added entries; two fragments rendering one entry are an error."""
    from relnotes.fragments.fragment import load_all

    d = tmp_path / "changes.d"
    d.mkdir()
    (d / "a.md").write_text("---\nsection: Added\nprs: [9614]\n---\nThe `wasmtime` CLI can explore modules.\n")
    (d / "b.md").write_text("---\nsection: Added\nprs: [9614]\n---\nCranelift can dump its IR.\n")
    res = load_all(d, tmp_path, ("Added", "Fixed"))
    assert res.problems == [] and len(res.fragments) == 2
    (d / "c.md").write_text("---\nsection: Added\nprs: [9614]\n---\nCranelift can dump its IR.\n")
    res = load_all(d, tmp_path, ("Added", "Fixed"))
    assert [(p.path, p.code) for p in res.problems] == [("changes.d/c.md", "duplicate-entry")]
    (d / "c.md").write_text("---\nsection: Fixed\nprs: [9614]\n---\nCranelift can dump its IR.\n")
    assert load_all(d, tmp_path, ("Added", "Fixed")).problems == []  # another section: another entry


@pytest.mark.parametrize("value, ok", [("3", True), ("0", True), ("-1", False), ("two", False), ("true", False)])
def test_order_is_a_position_or_a_located_problem(value, ok):
    frag, problems = parse_text(f"---\nsection: Fixed\norder: {value}\n---\nA fix.\n", P, SECTIONS)
    if ok:
        assert problems == [] and frag.order == int(value)
    else:
        assert [(p.line, p.code) for p in problems] == [(3, "order-type")]


def test_order_puts_fragments_first_by_position_under_any_configured_order():
    def frag(name, prs, order=0):
        return parse_text(f"---\nsection: Fixed\nprs: [{prs}]\n" + (f"order: {order}\n" if order else "")
                          + "---\nA fix.\n", f"changes.d/{name}", SECTIONS)[0]._replace(name=name)

    frags = [frag("a.md", 1), frag("z.md", 9, order=2), frag("m.md", 5, order=1)]
    for order in ("pr", "file"):
        assert [f.name for f in sorted(frags, key=lambda f: f.sort_key(order))] == ["m.md", "z.md", "a.md"]
