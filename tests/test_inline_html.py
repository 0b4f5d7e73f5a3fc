"""Raw inline HTML in a fragment is refused, but for a few harmless tags (issue 27, rule 6).

What is HTML is what mistletoe (CommonMark) reads as an HTML span: code, autolinks,
entities and escapes are not.  HTML blocks were refused already.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import corpus

from relnotes.fragments.fragment import parse_text

P = "changes.d/x.md"


def problems(body: str) -> list[tuple[int, int, str]]:
    frag, found = parse_text("---\nsection: Fixed\n---\n" + body + "\n", P, ("Fixed",))
    return [(p.line, p.col, p.code) for p in found]


@pytest.mark.parametrize("body", [
    'Fixed <a href="javascript:alert(1)">x</a>.',
    "Fixed <img src=x onerror=alert(1)>.",
    "Fixed <svg onload=alert(1)>.",
    "Fixed <iframe src=https://x.org></iframe>.",
    "Fixed <details open ontoggle=alert(1)>x</details>.",
    "Fixed <a\nhref=https://x.org>x</a>.",           # a tag across lines
    "Fixed <IMG SRC=x ONERROR=alert(1)>.",            # upper case
    "Fixed <b title=x>x</b>.",                        # an allowed-looking tag with attributes
    "Fixed <br onclick=x>.",
    "Fixed <code class=x>x</code>.",
    "Fixed <b>x</b>.",                                # not on the allow-list
    "Fixed <span>x</span>.",
    "Fixed <!-- hidden from reviewers -->.",
    "Fixed <!---->.",
    "Fixed <!--> x <!--->.",
    "Fixed <!-- a -- b -->.",
    "Fixed <?php x ?>.",
    "Fixed <![CDATA[x]]>.",
    "Fixed <!DOCTYPE x>.",
    "- item <img src=x onerror=alert(1)>",            # in a list item
    "> quoted <img src=x onerror=alert(1)>",          # in a quote
    "[link <img src=x onerror=y>](https://x.org)",    # in a link's text
    "*<img src=x onerror=y>*",                        # in emphasis
    "Store<T> and <Engine>",                          # generics outside backticks read as tags
    "a <x-y>",
])
def test_raw_inline_html_is_refused(body):
    found = problems(body)
    assert found and all(code == "inline-html" for _, _, code in found), found


@pytest.mark.parametrize("body", [
    "Fixed `<img src=x onerror=alert(1)>` in a code span.",
    "Fixed ``<a href=`x`>`` in a code span.",
    "Fixed this:\n\n```html\n<img src=x onerror=alert(1)>\n```",
    "Fixed this:\n\n    <img src=x onerror=alert(1)>",
    "See <https://x.org/a?b=c> and <mailto:a@b.org>.",
    "Mail <foo@bar.com>.",
    "Entities &lt;img src=x&gt; and &#60;b&#62; are text.",
    "An escaped \\<img src=x> is text.",
    "a < b and c > d, 1<2, x <- y, <3",
    "Key <kbd>Ctrl</kbd>+<KBD>C</KBD>, H<sub>2</sub>O, x<sup>2</sup>, <code>x</code>, <em>a</em>, "
    "<strong>b</strong>, <del>c</del>, <ins>d</ins>, line<br>break<br/>again<BR >and<br />.",
    "Store`<T>` and `<Engine>`",
    "Comments `<!-- x -->` in code:\n\n```\n<!-- y -->\n```\n\n    <!-- z -->",
])
def test_allowed_and_non_html_pass(body):
    assert problems(body) == []


def test_problem_is_located_at_the_tag():
    assert problems("First line.\nThen <img src=x onerror=y> and </span>.") == [
        (5, 6, "inline-html"), (5, 32, "inline-html")]


def test_a_tag_across_lines_is_located_at_its_start():
    assert problems("Text\nFixed <a\nhref=x>y</a>.")[0] == (5, 7, "inline-html")


def test_the_message_says_what_to_do():
    frag, found = parse_text("---\nsection: Fixed\n---\nFixed <img src=x>.\n", P, ("Fixed",))
    assert frag is None
    assert "as Markdown" in found[0].message and "backticks" in found[0].message and "<br>" in found[0].message


def test_check_refuses_inline_html_and_build_writes_nothing(project):
    project.write("RELEASES.md", corpus("main.RELEASES.md"))
    project.write("changes.d/xss.md", '---\nsection: Fixed\n---\nFixed <a href="javascript:alert(1)">x</a>.\n')
    before = project.read("RELEASES.md")
    r = subprocess.run([sys.executable, "-m", "relnotes", "check"], cwd=project.root, capture_output=True, text=True)
    assert r.returncode == 1, r.stderr
    assert "changes.d/xss.md:4:7: raw HTML" in r.stderr and "Traceback" not in r.stderr
    r = subprocess.run([sys.executable, "-m", "relnotes", "build"], cwd=project.root, capture_output=True, text=True)
    assert r.returncode == 1 and project.read("RELEASES.md") == before


def test_check_passes_allowed_tags_and_code(project):
    project.write("RELEASES.md", corpus("main.RELEASES.md"))
    project.write("changes.d/ok.md", "---\nsection: Fixed\n---\nPress <kbd>Ctrl</kbd>; `<img src=x>` is code.\n")
    r = subprocess.run([sys.executable, "-m", "relnotes", "check"], cwd=project.root, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
