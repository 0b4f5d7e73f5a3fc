"""``relnotes show --format page``: one release as a complete, styled HTML page.

The page is the static site's release page (templates/site/release.html.j2 on
base.html.j2) rendered standalone; entries go through relnotes.markdown.safehtml.  In a real
browser (Debian's chromium through playwright) it must fit a phone and a desktop, in
light and dark, with a 300-character URL in an entry, and log no console error.
"""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

import pytest
from conftest import corpus, watched_page

LONG_URL = "https://example.com/" + "0123456789abcdef" * 17 + "abcdefgh"  # 300 characters, no break opportunity
NOTES = f"""# Wasmtime release notes

## 49.0.0

Unreleased.

### Added

* A plain entry with `code` and a [link](https://github.com/bytecodealliance/wasmtime/pull/1).
  [#1](https://github.com/bytecodealliance/wasmtime/pull/1)
* Documented at <{LONG_URL}> and as a [named link]({LONG_URL}); also a bare
  {LONG_URL} in the text.

### Fixed

* Escaped <script>alert(1)</script> and a [trap](javascript:alert(3)) next to a
  [real link](https://example.com/ok).

--------------------------------------------------------------------------------

## 48.0.0

Released 2026-08-20.

### Changed

* Something changed.

--------------------------------------------------------------------------------
"""


@pytest.fixture
def page_project(project):
    assert len(LONG_URL) == 300
    project.write("RELEASES.md", NOTES)
    return project


def _page(project, *args: str) -> str:
    r = project.run("show", *args, "--format", "page")
    assert r.exit_code == 0, r.output
    return r.stdout


def test_page_is_a_complete_standalone_document(page_project):
    html = _page(page_project)
    assert html.startswith("<!doctype html>") and html.rstrip().endswith("</html>")
    assert "<title>Wasmtime 49.0.0</title>" in html and "<h1>Wasmtime 49.0.0</h1>" in html
    assert '<meta name="viewport"' in html and "prefers-color-scheme: dark" in html
    # the site's own rules: no request of its own, no links to pages that do not exist here
    assert "default-src 'none'" in html
    assert "index.html" not in html and "search.html" not in html and 'class="pager"' not in html
    assert '<h2 id="added">Added</h2>' in html and '<li id="added-2">' in html
    assert '<span class="badge s-unreleased">unreleased</span>' in html


def test_page_entries_go_through_safehtml(page_project):
    html = _page(page_project)
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "javascript:" not in html and ">trap<" not in html and "trap" in html
    assert '<a href="https://example.com/ok">real link</a>' in html
    assert f'<a href="{LONG_URL}">{LONG_URL}</a>' in html  # the autolink stays a live link


def test_page_for_an_older_release_and_its_support_line(page_project):
    html = _page(page_project, "48.0.0")
    assert "<h1>Wasmtime 48.0.0</h1>" in html and "Released 2026-08-20." in html
    assert "Line 48.0.x (LTS), supported until 2028-08-20" in html  # policy, as on the site
    assert "Something changed." in html and "Added" not in html


def test_page_for_a_missing_release_is_a_located_error(page_project):
    r = page_project.run("show", "9.9.9", "--format", "page")
    assert r.exit_code == 1
    assert "RELEASES.md: no '## 9.9.9' section" in r.stderr and "Traceback" not in r.output


def test_page_main_snapshot(page_project, md_snapshot):
    """The page body for a fixed date (the style sheet is the site's, tested there)."""
    from relnotes.config import load as config
    from relnotes.questions import site

    cfg = config.load(page_project.root / "relnotes.yaml")
    html = site.release_page(cfg, None, on=date(2026, 8, 21))
    assert html[html.index("<main"):] == md_snapshot


def test_page_of_real_wasmtime_notes(project):
    project.write("RELEASES.md", corpus("history/release-24.0.0-24.0.9-released.RELEASES.md"))
    html = _page(project, "24.0.8")
    assert "<h1>Wasmtime 24.0.8</h1>" in html and "Released 2026-04-30." in html
    assert '<a href="https://github.com/bytecodealliance/wasmtime/security/advisories/GHSA-vc8c-j3xm-xj73">' in html


def test_page_honours_a_site_template_override(page_project):
    page_project.write("templates/site/release.html.j2",
                       '{% extends "builtin/release.html.j2" %}{% block title %}Custom {{ section.version }}{% endblock %}')
    assert "<title>Custom 49.0.0</title>" in _page(page_project)


# -- in a real browser ---------------------------------------------------------------------------





@pytest.mark.parametrize(("label", "viewport", "scheme"), [
    ("desktop-light", {"width": 1280, "height": 900}, "light"),
    ("desktop-dark", {"width": 1280, "height": 900}, "dark"),
    ("phone-light", {"width": 360, "height": 780}, "light"),
    ("phone-dark", {"width": 360, "height": 780}, "dark"),
])
def test_page_fits_in_chromium(page_project, browser, tmp_path, label, viewport, scheme):
    path = tmp_path / "49.0.0.html"
    path.write_text(_page(page_project), encoding="utf-8")
    page, problems, requests = watched_page(browser, viewport=viewport, color_scheme=scheme)
    try:
        page.goto(path.as_uri())
        shots = Path(os.environ.get("RELNOTES_SCREENSHOTS") or tmp_path)  # kept by pytest's tmp retention
        shots.mkdir(parents=True, exist_ok=True)
        shot = shots / f"show-page-{label}.png"
        page.screenshot(path=str(shot), full_page=True)
        widths = page.evaluate("""() => ({
            doc: document.documentElement.scrollWidth, view: window.innerWidth,
            widest: Math.max(...[...document.querySelectorAll('main li, main a, main p')]
                             .map(e => e.getBoundingClientRect().right)),
            bg: getComputedStyle(document.body).backgroundColor})""")
        long_link = page.locator(f'main a[href="{LONG_URL}"]').first
        box = long_link.bounding_box()
    finally:
        page.close()
    print(f"\nscreenshot ({label}): {shot}")
    assert shot.stat().st_size > 5000
    assert widths["doc"] <= widths["view"], widths  # no horizontal scrolling
    assert widths["widest"] <= widths["view"], widths
    assert box is not None and box["x"] + box["width"] <= viewport["width"]
    assert box["height"] > 30  # the 300-character link wraps onto several lines
    dark = re.fullmatch(r"rgb\((\d+), (\d+), (\d+)\)", widths["bg"])
    assert dark and (sum(map(int, dark.groups())) < 100) == (scheme == "dark"), widths["bg"]
    assert problems == []
    assert [u for u in requests if not u.startswith("file://")] == []
