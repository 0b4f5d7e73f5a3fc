"""Safe HTML: raw HTML is escaped and only http, https, mailto and relative targets
become live links, whatever obfuscation a hostile fragment tries."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relnotes.markdown.limits import MarkdownTooDeep
from relnotes.markdown.safehtml import is_safe_url, markdown_to_html

SAFE = [
    "https://github.com/bytecodealliance/wasmtime/pull/1",
    "http://example.com",
    "HTTPS://EXAMPLE.COM/x",
    "mailto:security@example.com",
    "MailTo:a@b.c",
    "/docs/x.md",
    "docs/x.md",
    "../RELEASES.md",
    "#anchor",
    "?q=a:b",
    "//example.com/path",
    "x.md#a:b",
    "",
    "a/b:c",  # a colon after a slash is in the path, not a scheme
]

UNSAFE = [
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    "JAVASCRIPT:alert(1)",
    " javascript:alert(1)",
    "\tjavascript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "java\rscript:alert(1)",
    "java\x00script:alert(1)",
    "\x01javascript:alert(1)",
    "java\x7fscript:alert(1)",
    "java\u200bscript:alert(1)",  # zero-width space
    "\ufeffjavascript:alert(1)",
    "java\u00adscript:alert(1)",  # soft hyphen
    "javascript&#58;alert(1)",
    "javascript&colon;alert(1)",
    "&#106;avascript:alert(1)",
    "&#x6A;avascript:alert(1)",
    "&#X6a;avascript:alert(1)",
    "&#0000106;avascript:alert(1)",
    "java&#x09;script:alert(1)",
    "java&Tab;script:alert(1)",
    "java&NewLine;script:alert(1)",
    "&amp;#106;avascript:alert(1)",  # double-encoded
    "%6Aavascript:alert(1)",
    "javascript%3Aalert(1)",
    "%256Aavascript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "DATA:image/svg+xml,<svg onload=alert(1)>",
    "vbscript:msgbox(1)",
    "VBScript:msgbox(1)",
    "file:///etc/passwd",
    "ftp://example.com",
    "jar:http://x!/",
    "x:y",
]


@pytest.mark.parametrize("url", SAFE)
def test_safe_targets(url):
    assert is_safe_url(url)


@pytest.mark.parametrize("url", UNSAFE)
def test_unsafe_targets(url):
    assert not is_safe_url(url)


def _hrefs(html: str) -> list[str]:
    return re.findall(r'(?:href|src)="([^"]*)"', html)


@pytest.mark.parametrize("url", [u for u in UNSAFE if "\n" not in u and "\r" not in u])
@pytest.mark.parametrize("form", ["[click]({})", "[click](<{}>)", "![img]({})", "[click][r]\n\n[r]: <{}>"])
def test_unsafe_links_render_without_a_live_target(url, form):
    html = markdown_to_html("Text " + form.format(url) + "\n")
    assert not _hrefs(html) and "<a" not in html and "<img" not in html, html


@pytest.mark.parametrize("text", ["<javascript:alert(1)>", "<JAVASCRIPT:alert(1)>", "<vbscript:x>",
                                  "<data:text/html,x>"])
def test_unsafe_autolinks_render_as_text(text):
    html = markdown_to_html(text + "\n")
    assert "<a" not in html and not _hrefs(html)


def test_safe_links_stay_links():
    html = markdown_to_html("See [PR](https://example.com/pull/1), <mailto:a@b.c>, [doc](docs/x.md) "
                            "and ![logo](/logo.png).\n")
    assert _hrefs(html) == ["https://example.com/pull/1", "mailto:a@b.c", "docs/x.md", "/logo.png"]


def test_unsafe_link_keeps_its_text_and_image_its_alt():
    html = markdown_to_html("[click *here*](javascript:alert(1)) ![the alt](data:x)\n")
    assert "<em>here</em>" in html and "click" in html and "the alt" in html
    assert "<img" not in html and "<a" not in html


def test_raw_html_is_escaped():
    html = markdown_to_html("<script>alert(1)</script>\n\nText <img src=x onerror=alert(1)> and <b>b</b>.\n")
    assert "<script>" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html


def test_deep_nesting_is_an_error_not_a_crash():
    with pytest.raises(MarkdownTooDeep) as e:
        markdown_to_html("> " * 400 + "<b>")
    assert e.value.exit_code == 1 and "nested" in e.value.message
    with pytest.raises(MarkdownTooDeep):
        markdown_to_html("- " * 32000 + "a")


_OBFUSCATION = st.sampled_from(["", " ", "\t", "\x00", "\x0b", "&#x09;", "&#10;", "%09", "\u200b", "&Tab;"])


@settings(max_examples=200, deadline=None)
@given(scheme=st.sampled_from(["javascript", "vbscript", "data", "file"]),
       cases=st.lists(st.booleans(), min_size=1, max_size=12),
       noise=st.lists(_OBFUSCATION, min_size=1, max_size=12),
       colon=st.sampled_from([":", "&#58;", "&colon;", "%3A", "&#x3a;"]))
def test_obfuscated_schemes_are_never_safe(scheme, cases, noise, colon):
    """Mixed case, whitespace, control characters, entities and %-escapes inside the
    scheme never make a dangerous target safe, nor a live link in the HTML."""
    chars = [c.upper() if cases[i % len(cases)] else c for i, c in enumerate(scheme)]
    url = "".join(c + noise[i % len(noise)] for i, c in enumerate(chars)) + colon + "alert(1)"
    assert not is_safe_url(url), url
    html = markdown_to_html(f"[x](<{url}>)\n")
    assert not _hrefs(html), (url, html)


def test_show_html_drops_unsafe_links(project):
    project.write("RELEASES.md", "## 1.0.0\n\nUnreleased.\n\n### Fixed\n\n"
                  "* [click](javascript:alert(1)) and [ok](https://example.com) <b>bold</b>\n\n"
                  + "-" * 80 + "\n\n<!-- ARCHIVE_START -->\n")
    r = project.run("show", "--format", "html")
    assert r.exit_code == 0, r.output
    assert "javascript" not in r.stdout and 'href="https://example.com"' in r.stdout
    assert "&lt;b&gt;" in r.stdout


def test_show_html_of_too_deeply_nested_notes_is_a_message(project):
    project.write("RELEASES.md", "## 1.0.0\n\nUnreleased.\n\n### Fixed\n\n* " + "> " * 400 + "x\n")
    r = project.run("show", "--format", "html")
    assert r.exit_code == 1 and "nested more than 32 levels deep" in r.stderr
    assert "Traceback" not in r.output


def test_html_of_hostile_but_valid_text_is_fast_and_keeps_code():
    import time

    start = time.perf_counter()
    html = markdown_to_html("* a" + " " * 60_000 + "b\n\n  ```\n  x      y\n  ```\n")
    assert time.perf_counter() - start < 3.0  # the unshortened run took about a minute
    assert "x      y" in html and "a   b" in html
