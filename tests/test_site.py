"""``relnotes site``: the static site's files, its safety rules, and the pages in a real browser."""

from __future__ import annotations

import base64
import hashlib
import re
from html import unescape
from pathlib import Path

import pytest
from conftest import watched_page
from test_browsing import build_release_repo

ON = "2026-08-21"  # 48.0.0 LTS, 47.0.0 and 36.0.0 LTS supported; 46.0.0 just ended
HOSTILE = """## 47.0.5

Released 2026-08-21.

### Fixed

* Escaped <script>alert(1)</script> and <img src=x onerror=alert(2)>, and a
  [trap](javascript:alert(3)) next to a [real link](https://example.com/ok).
  [#1](https://github.com/bytecodealliance/wasmtime/pull/1)

--------------------------------------------------------------------------------

"""


@pytest.fixture
def repo(git_env, tmp_path):
    p = build_release_repo(tmp_path / "repo", ["release-36.0.0", "release-46.0.0", "release-47.0.0",
                                               "release-48.0.0"])
    return p


def _site(repo, tmp_path, *extra) -> Path:
    out = repo.root / "_site"
    res = repo.run("site", str(out), "--on", ON, *extra)
    assert res.exit_code == 0, res.output
    assert res.stdout.startswith("wrote ") and "upgrade guides" in res.stdout
    return out


def test_site_has_index_release_pages_guides_and_search(repo, tmp_path):
    out = _site(repo, tmp_path)
    index = (out / "index.html").read_text()
    # the release table: version, LTS, released, end of support, status
    row = re.search(r'<tr id="line-48\.0\.x">(.*?)</tr>', index, re.S)[1]
    assert "48.0.0" in row and "LTS" in row and "2026-08-20" in row and "2028-08-20" in row and "supported" in row
    row46 = re.search(r'<tr id="line-46\.0\.x">(.*?)</tr>', index, re.S)[1]
    assert "end of support" in row46 and "46.0.3" in row46
    assert "<svg" in index and "release support" in index
    assert (out / "releases" / "47.0.4.html").is_file() and (out / "releases" / "36.0.14.html").is_file()
    guides = sorted(p.name for p in (out / "upgrade").iterdir())
    assert guides == ["36.0.14-47.0.4.html", "36.0.14-48.0.0.html", "47.0.4-48.0.0.html"]
    page = (out / "releases" / "48.0.0.html").read_text()
    assert '<li id="added-1"><a class="anchor" href="#added-1"' in page
    assert '<a href="https://github.com/bytecodealliance/wasmtime/pull/12315">#12315</a>' in page
    search = (out / "search.html").read_text()
    assert '"releases/48.0.0.html#added-1"' in search
    assert (out / "search-index.json").is_file()


def test_every_page_forbids_requests_and_allows_only_its_own_script(repo, tmp_path):
    out = _site(repo, tmp_path)
    script = (Path(__file__).resolve().parent.parent / "templates" / "site" / "site.js").read_text()
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    pages = list(out.rglob("*.html"))
    assert len(pages) == 31  # index, search, 3 guides, 26 releases
    for page in pages:
        html = page.read_text()
        csp = unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', html)[1])
        assert csp.startswith("default-src 'none';") and f"script-src 'sha256-{digest}';" in csp, page
        assert not re.search(r"""\s(?:src|srcset)=["']?(?:https?:)?//""", html), page
        assert "<link " not in html and "@import" not in html, page
        for body in re.findall(r"<script>(.*?)</script>", html, re.S):
            assert body == script, page


def test_hostile_entries_are_escaped_and_unsafe_links_dropped(repo, tmp_path):
    notes = repo.git("show", "release-47.0.0:RELEASES.md")
    repo.git("checkout", "-q", "release-47.0.0")
    repo.write("RELEASES.md", HOSTILE + notes + "\n")
    repo.commit("hostile")
    repo.git("checkout", "-q", "main")
    out = _site(repo, tmp_path)
    page = (out / "releases" / "47.0.5.html").read_text()
    assert "<script>alert" not in page and "<img" not in page and "javascript:" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert '<a href="https://example.com/ok">real link</a>' in page and "trap" in page
    search = (out / "search.html").read_text()
    assert "<script>alert" not in search and "\\u003cscript\\u003ealert(1)" in search


def test_site_refuses_a_directory_with_other_files_and_rebuilds_its_own(repo, tmp_path):
    out = repo.root / "_site"
    out.mkdir()
    (out / "mine.txt").write_text("keep me")
    res = repo.run("site", str(out), "--on", ON)
    assert res.exit_code == 2
    assert "is not empty and holds no relnotes site (.relnotes-site is missing)" in res.stderr
    assert (out / "mine.txt").read_text() == "keep me" and len(list(out.iterdir())) == 1
    (out / "mine.txt").unlink()
    _site(repo, tmp_path)
    stale = out / "releases" / "0.0.1.html"
    stale.write_text("old")
    (out / ".relnotes-site").write_text((out / ".relnotes-site").read_text() + "releases/0.0.1.html\n")
    _site(repo, tmp_path)
    assert not stale.exists() and (out / "index.html").is_file()


def test_projects_override_site_templates(repo, tmp_path):
    repo.write("templates/site/release.html.j2",
               '{% extends "builtin/release.html.j2" %}{% block title %}OURS {{ section.version }}{% endblock %}')
    out = _site(repo, tmp_path)
    assert "<title>OURS 48.0.0</title>" in (out / "releases" / "48.0.0.html").read_text()
    assert "<title>Wasmtime releases</title>" in (out / "index.html").read_text()


def test_upgrade_as_a_standalone_html_page(repo):
    res = repo.run("upgrade", "47.0.0", "48.0.0", "--format", "html")
    assert res.exit_code == 0, res.output
    html = res.stdout
    assert html.startswith("<!doctype html>") and "<h1>Upgrading Wasmtime from 47.0.0 to 48.0.0</h1>" in html
    assert 'action="search.html"' not in html and "default-src 'none'" in html
    assert html.index('id="changed"') < html.index('id="fixed"') < html.index('id="added"')
    assert 'id="breaking"' not in html  # nothing is marked breaking: Changed is listed as Changed


# -- in a real browser ---------------------------------------------------------------------------

@pytest.mark.parametrize(("label", "viewport", "scheme"), [
    ("desktop-light", {"width": 1200, "height": 900}, "light"),
    ("phone-dark", {"width": 390, "height": 844}, "dark"),
])
def test_site_in_chromium(repo, tmp_path, browser, label, viewport, scheme):
    out = _site(repo, tmp_path)
    shots = tmp_path / "screenshots"
    shots.mkdir()
    page, problems, requests = watched_page(browser, viewport=viewport, color_scheme=scheme)
    try:
        page.goto((out / "index.html").as_uri())
        assert page.locator("tr#line-48\\.0\\.x").inner_text().split()[:2] == ["48.0.0", "LTS"]
        page.screenshot(path=str(shots / f"{label}-index.png"), full_page=True)
        # the upgrade form leads to the precomputed guide
        page.select_option("#upgrade-form select[name=from]", "36.0.14")
        page.select_option("#upgrade-form select[name=to]", "48.0.0")
        page.click("#upgrade-form button")
        page.wait_for_url("**/upgrade/36.0.14-48.0.0.html")
        assert page.locator("h2#changed").is_visible()  # nothing is marked breaking: listed as Changed
        page.screenshot(path=str(shots / f"{label}-upgrade.png"))
        page.goto((out / "releases" / "48.0.0.html").as_uri())
        assert page.locator("h1").inner_text() == "Wasmtime 48.0.0"
        page.screenshot(path=str(shots / f"{label}-release.png"))
        # search from the header form, then follow the hit to its entry's anchor
        page.fill("header input[name=q]", "fixed-length-lists")
        page.press("header input[name=q]", "Enter")
        page.wait_for_url("**/search.html?q=fixed-length-lists")
        hits = page.locator("#results li a")
        assert page.locator("#count").inner_text() == "1 entry"
        assert hits.first.inner_text() == "48.0.0 · Added"
        page.screenshot(path=str(shots / f"{label}-search.png"))
        hits.first.click()
        page.wait_for_url("**/releases/48.0.0.html#added-1")
        assert "fixed-length-lists" in page.locator("li#added-1").inner_text()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    finally:
        page.close()
    print(f"\nscreenshots ({label}): {shots}")
    assert problems == []
    assert [u for u in requests if not u.startswith("file://")] == []


@pytest.mark.parametrize("where", ["outside", "absolute", "parent", "symlink-out"])
def test_site_directory_is_the_users_choice(repo, tmp_path, where):
    """DIR is an output path the user types, so like any Unix tool's output it may be
    anywhere they can write (``relnotes site /srv/www/releases``): the repository's
    confinement is for paths its content names.  (It used to be refused with exit 2.)"""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    target = {"outside": str(tmp_path / "srv" / "www" / "releases"), "absolute": str(elsewhere),
              "parent": "../site", "symlink-out": "_site"}[where]
    if where == "symlink-out":
        (repo.root / "_site").symlink_to(elsewhere, target_is_directory=True)
    res = repo.run("site", target, "--on", ON)
    assert res.exit_code == 0, res.output
    written = {"outside": tmp_path / "srv" / "www" / "releases", "absolute": elsewhere,
               "parent": tmp_path / "site", "symlink-out": elsewhere}[where]
    assert (written / "index.html").is_file() and (written / ".relnotes-site").is_file()


@pytest.mark.parametrize("what", ["file", "file-parent", "foreign"])
def test_site_still_refuses_to_write_through_what_is_not_its_directory(repo, tmp_path, what):
    """Anywhere is not anything: a DIR that is a file, under a file, or a directory of
    other files is exit 2 naming it, with nothing changed."""
    (tmp_path / "afile").write_text("keep\n")
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "mine.txt").write_text("keep\n")
    target = {"file": tmp_path / "afile", "file-parent": tmp_path / "afile" / "site",
              "foreign": tmp_path / "other"}[what]
    res = repo.run("site", str(target), "--on", ON)
    assert res.exit_code == 2, res.output
    assert "internal error" not in res.output and str(tmp_path) in res.stderr
    assert (tmp_path / "afile").read_text() == "keep\n"
    assert sorted(p.name for p in (tmp_path / "other").iterdir()) == ["mine.txt"]
