"""Every Markdown → HTML path is linear (issue 27, rule 9).

mistletoe's inline parser restarted scans at every ']' (``]`` repeated: 40 s on 48 KB;
ordinary links: 3 s on 48 KB; 1 MB took hours).  :mod:`relnotes.markdown.linear`
replaces those scans with ones that give the same tokens, and a paragraph holding more
than :data:`MAX_INLINE_MARKUP` of ``[ ] * _`` is rendered as text.
"""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from relnotes.markdown.limits import MAX_INLINE_MARKUP
from relnotes.markdown.safehtml import markdown_to_html

MB = 1_000_000


def _rep(unit: str, size: int = MB) -> str:
    return (unit * (size // len(unit) + 1))[:size]


# the shapes that were quadratic (seconds on 48 KB before), at 1 MB
HOSTILE = {
    "close brackets": _rep("]"),
    "bracket pairs": _rep("[a]"),
    "open links": _rep("[a]("),
    "bracket paren": _rep("]("),
    "links": _rep("[a](https://x.org) "),
    "open destinations": _rep("[a](b "),
    "open titles": _rep("[a](b ("),
    "stars and brackets": _rep("*]"),
    "nested links": _rep("[[a](b) "),
    "open labels": _rep("[a]["),
    "reference uses": _rep("[l1] ") + "\n\n[l1]: https://x.org\n",
}


@pytest.fixture(scope="module", autouse=True)
def _warm():
    markdown_to_html("x\n")  # mistletoe's import (a second) is not the parse


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_1mb_entries_render_in_linear_time(name):
    start = time.perf_counter()
    html = markdown_to_html("* " + HOSTILE[name] + "\n")
    assert time.perf_counter() - start < 5.0  # measured 0.3-0.4 s; hours before
    assert html.startswith("<ul>")


# below the density bound, mistletoe itself runs: these were quadratic there too
SPARSE = {
    "links apart": "".join(f"[l{i}](https://x.org/{i}) " + "word " * 40 + "\n" for i in range(1000)),
    "open titles": _rep("[a](b (" + "x" * 300, 400_000),
    "close brackets": _rep("]" + "x " * 150, 400_000),
    "reference uses": _rep("[l1] " + "y" * 200) + "\n\n[l1]: https://x.org\n",
}


@pytest.mark.parametrize("name", list(SPARSE))
def test_sparse_hostile_entries_are_parsed_and_fast(name):
    text = SPARSE[name]
    assert sum(text.count(c) for c in "[]*_") <= MAX_INLINE_MARKUP or name == "reference uses"
    start = time.perf_counter()
    markdown_to_html("* " + text + "\n")
    assert time.perf_counter() - start < 5.0


def test_links_stay_links_in_a_long_sparse_entry():
    html = markdown_to_html("* " + SPARSE["links apart"])
    assert html.count('<a href="https://x.org/') == 1000


def test_ordinary_markup_is_unchanged():
    text = ("* Fixed *this* and **that** in `code` with [a link](https://x.org \"t\"), [ref][r], "
            "<https://a.org> and \\[not a link\\].\n\n[r]: https://r.org\n")
    assert markdown_to_html(text) == (
        '<ul>\n<li>Fixed <em>this</em> and <strong>that</strong> in <code>code</code> with '
        '<a href="https://x.org" title="t">a link</a>, <a href="https://r.org">ref</a>, '
        '<a href="https://a.org">https://a.org</a> and [not a link].</li>\n</ul>\n')


def test_link_destinations_nest_at_most_32_parentheses_as_in_cmark():
    ok = "[a](x" + "(" * 32 + ")" * 32 + ")\n"
    too_deep = "[a](x" + "(" * 33 + ")" * 33 + ")\n"
    assert "<a " in markdown_to_html(ok)
    assert "<a " not in markdown_to_html(too_deep)


def test_a_dense_paragraph_is_text_and_its_neighbours_are_not():
    dense = "[x](javascript:alert(1)) " * MAX_INLINE_MARKUP
    html = markdown_to_html("[ok](https://ok.org)\n\n" + dense + "\n\n*em* `c\\*`\n\n```\n[]*_\\\n```\n")
    assert '<a href="https://ok.org">ok</a>' in html and "<em>em</em>" in html
    assert "[x](javascript:alert(1)) [x]" in html and "javascript:alert(1)\"" not in html
    assert "<code>c\\*</code>" in html and "[]*_\\\n</code>" in html
    assert "\ue000" not in html


def test_a_dense_paragraph_with_private_use_characters_keeps_them():
    text = "\ue000\ue003 " + "[a] " * MAX_INLINE_MARKUP + "\\*\n"
    html = markdown_to_html(text)
    assert html.startswith("<p>\ue000\ue003 [a] [a]") and "\\*" in html


def test_show_format_html_of_a_1mb_entry_is_fast_as_a_subprocess(project):
    entry = "* " + _rep("[a](https://x.org) ") + "\n"
    project.write("RELEASES.md", "## 1.0.0\n\nUnreleased.\n\n### Fixed\n\n" + entry + "\n" + "-" * 80
                  + "\n\n<!-- ARCHIVE_START -->\n")
    start = time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "relnotes", "show", "--format", "html"], cwd=project.root,
                       capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    assert r.returncode == 0, r.stderr
    assert "[a](https://x.org) [a]" in r.stdout
    assert elapsed < 6.0  # with start-up; measured about 1.5 s; the quadratic parse took hours
