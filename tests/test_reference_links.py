"""Reference-style links render as GitHub renders them: resolved within each release.

Wasmtime's older notes write ``* The [associated RFC][rfc] …`` and ``[rfc]: https://…``
below the entries.  markdown-it-py (a port of the CommonMark reference implementation)
renders the whole release section, as GitHub renders the file: every link it makes must
be in relnotes' per-entry HTML too, no definition may become an entry (an empty bullet,
an upgrade count, a search hit), and no resolvable reference may keep its brackets.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from conftest import corpus
from hypothesis import given, settings
from hypothesis import strategies as st

from relnotes.markdown.linkdefs import definitions_only, used_by
from relnotes.notes import formats
from relnotes.questions.site import entry_html
from relnotes.questions.stitch import one_file
from relnotes.questions.upgrade import section_entries

markdown_it = pytest.importorskip("markdown_it")
CM = markdown_it.MarkdownIt("commonmark")
HREF = re.compile(r'href="([^"]*)"')
FILES = ["release-12.0.0.RELEASES.md", "release-22.0.0.RELEASES.md", "release-30.0.0.RELEASES.md",
         "release-39.0.0.RELEASES.md", "release-44.0.0.RELEASES.md", "release-47.0.0.RELEASES.md"]


@pytest.mark.parametrize("name", FILES)
def test_every_link_github_makes_is_in_the_entries(name, project):
    from relnotes.config.load import load

    cfg = load(start=project.root)
    doc = formats.parse(corpus(name), "RELEASES.md", "releases")
    history = one_file(doc)
    checked = 0
    for section in history.sections:
        text = history.text(section)
        if not re.search(r"(?m)^ {0,3}\[[^\]]+\]: ", text):
            continue
        checked += 1
        entries = section_entries(cfg, history, section)
        html = [str(entry_html(e.text, e.definitions)) for e in entries]
        github = set(HREF.findall(CM.render(text)))
        ours = {h for page in html for h in HREF.findall(page)}
        assert github <= ours, (section.version, github - ours)
        for e, page in zip(entries, html):
            shown = re.sub(r"<[^>]+>", "", page)
            assert shown.strip(), (section.version, e.text)  # no empty bullet
            assert definitions_only(e.text) is None  # a definition is never an entry
            assert not re.search(r"\]\[[^\]\n]+\]", shown) or "][" in CM.render(text), e.text
    assert checked


def test_show_page_and_upgrade_resolve_the_rfc_link(project):
    """0.40.0's "available in the [1.0 RFC]" (real prose) is a link, its definition no entry."""
    project.write("RELEASES.md", corpus("release-1.0.0.RELEASES.md"))
    project.commit("notes")
    page = project.run("show", "0.40.0", "--format", "page").stdout
    assert 'href="https://github.com/bytecodealliance/rfcs/blob/main/accepted/wasmtime-one-dot-oh.md"' in page
    assert "][" not in re.sub(r"<[^>]+>", "", page)
    out = subprocess.run([sys.executable, "-m", "relnotes", "show", "0.40.0", "--format", "page"],
                         cwd=project.root, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and out.stdout == page
    data = json.loads(project.run("upgrade", "0.39.0", "0.40.0", "--format", "json").stdout)
    texts = [e["text"] for g in data["groups"] for e in g["entries"]]
    assert not [t for t in texts if definitions_only(t)]  # never counted
    rfc = [e for g in data["groups"] for e in g["entries"] if "1.0 RFC" in e["text"]]
    assert rfc and rfc[0]["definitions"].startswith("[1.0 RFC]: https://github.com/bytecodealliance/rfcs/")
    md = project.run("upgrade", "0.39.0", "0.40.0").stdout
    assert "\n[1.0 RFC]: https://github.com/bytecodealliance/rfcs/" in md  # the Markdown renders on GitHub too


def test_the_site_search_never_indexes_a_definition(project):
    project.write("RELEASES.md", corpus("release-1.0.0.RELEASES.md"))
    project.commit("notes")
    r = project.run("site", "out")
    assert r.exit_code == 0, r.output
    index = json.loads((project.root / "out" / "search-index.json").read_text(encoding="utf-8"))
    assert any("1.0 RFC" in row["text"] for row in index)  # the paragraph that uses it is indexed
    assert not [row for row in index if "wasmtime-one-dot-oh" in row["text"] or not row["text"].strip()]


# -- the block reader against CommonMark -----------------------------------------------------


@pytest.mark.parametrize("text, labels", [
    ("[cpp]: https://github.com/bytecodealliance/wasmtime-cpp", ["cpp"]),
    ('[RFC 11]: https://x/11\n[cpp]: <https://y> "title"\n\n[a]:\n  https://z', ["rfc 11", "cpp", "a"]),
    ("[a]: x\n[a]: y", ["a"]),
    ("* [cpp]: x", None),
    ("text [a]: b", None),
    ('[a]: <b> "open', None),
    ("[a]: b c", None),
])
def test_definition_blocks(text, labels):
    got = definitions_only(text)
    assert (list(got) if got is not None else None) == labels
    if labels is not None:
        assert CM.render(text).strip() == ""  # CommonMark renders a definitions block as nothing


def test_used_by_gives_only_the_labels_an_entry_uses():
    defs = {"cpp": "[cpp]: https://a", "rfc": "[rfc]: https://b"}
    assert used_by("* A [C++ embedding][cpp] has been written.", defs) == "[cpp]: https://a"
    assert used_by("* See [the RFC][RFC] and [cpp].", defs) == "[cpp]: https://a\n[rfc]: https://b"
    assert used_by("* No links.", defs) == ""


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet='[]:ab <>"\'()\n\\xhtps/.', max_size=80))
def test_a_block_read_as_definitions_renders_as_nothing_in_commonmark(text):
    got = definitions_only(text)
    if got is not None:
        env: dict = {}
        assert CM.render(text, env).strip() == ""
        assert set(got) <= {k.lower() for k in env.get("references", {})} | set(got)


def test_the_resolved_link_in_chromium(project, tmp_path, browser):
    """What a reader sees: the page's text has no brackets left, the label is a link."""
    from conftest import watched_page

    project.write("RELEASES.md", corpus("release-1.0.0.RELEASES.md"))
    project.commit("notes")
    html = tmp_path / "0.40.0.html"
    html.write_text(project.run("show", "0.40.0", "--format", "page").stdout, encoding="utf-8")
    page, problems, requests = watched_page(browser)
    try:
        page.goto(html.as_uri())
        link = page.locator('a[href$="wasmtime-one-dot-oh.md"]')
        assert link.count() == 1 and link.inner_text() == "1.0 RFC"
        assert "[1.0 RFC]" not in page.locator("main").inner_text()
    finally:
        page.close()
    assert problems == [] and [u for u in requests if not u.startswith("file://")] == []
