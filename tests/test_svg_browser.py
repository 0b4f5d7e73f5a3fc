"""The support timeline in a real browser (headless Chromium): every bar and label inside the picture."""

from __future__ import annotations

import re
import xml.dom.minidom
from datetime import date

import pytest

DATES = ["2026-08-20", "2026-01-05", "2027-12-31"]


def _svg(project, on: str) -> str:
    r = project.run("support", "--on", on, "--format", "svg")
    assert r.exit_code == 0, r.stderr
    return r.stdout


@pytest.mark.parametrize("on", DATES)
def test_every_bar_ends_at_its_end_of_support(project, on):
    """No bar is clamped: each ends at its own date, and that date is printed beside it."""
    from relnotes.config import load as config
    from relnotes.policy import calendar as policy

    svg = _svg(project, on)
    doc = xml.dom.minidom.parseString(svg)
    total = float(doc.documentElement.getAttribute("width"))
    bars = [r for r in doc.getElementsByTagName("rect") if r.getElementsByTagName("title")]
    rows = policy.timeline(config.load(project.root / "relnotes.yaml"), date.fromisoformat(on))
    assert len(bars) == len(rows) > 0
    ends = []
    for bar, w in zip(bars, rows):
        x, width = float(bar.getAttribute("x")), float(bar.getAttribute("width"))
        assert x >= 0 and x + width < total
        ends.append((w.end_of_support, x + width))
        assert f">{w.end_of_support.isoformat()}</text>" in svg
    # bar ends are proportional to their dates (same scale for every row, nothing clipped)
    ends.sort()
    (d0, x0), (d1, x1) = ends[0], ends[-1]
    for d, xe in ends:
        if d1 != d0:
            assert abs(xe - (x0 + (x1 - x0) * (d - d0).days / (d1 - d0).days)) < 1.0




BOXES_JS = """() => {
  const svg = document.querySelector('svg');
  const vb = svg.viewBox.baseVal;
  const boxes = [...svg.querySelectorAll('rect, text')].map(e => {
    const b = e.getBBox();
    return {tag: e.tagName, text: e.textContent.slice(0, 40), x: b.x, y: b.y, w: b.width, h: b.height,
            bar: !!e.querySelector('title')};
  });
  return {vb: {w: vb.width, h: vb.height}, boxes};
}"""


@pytest.mark.parametrize("on", DATES)
def test_timeline_fits_in_chromium(project, browser, tmp_path, on):
    # the way a README or docs page shows it: the SVG inline in an HTML page
    html = f"<!doctype html><html><body style='margin:0'>{_svg(project, on)}</body></html>"
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    try:
        page.set_content(html)
        got = page.evaluate(BOXES_JS)
        page.screenshot(path=str(tmp_path / f"support-{on}.png"), full_page=True)
    finally:
        page.close()
    assert (tmp_path / f"support-{on}.png").stat().st_size > 1000
    vb = got["vb"]
    bars = [b for b in got["boxes"] if b["bar"]]
    assert bars, "no bars drawn"
    for b in got["boxes"]:
        assert b["x"] >= 0 and b["y"] >= 0, b
        assert b["x"] + b["w"] <= vb["w"] + 0.5 and b["y"] + b["h"] <= vb["h"] + 0.5, b
    # every bar has its end date written just right of it, also inside the picture
    dates = [b for b in got["boxes"] if b["tag"] == "text" and re.fullmatch(r"\d{4}-\d\d-\d\d", b["text"])]
    for bar in bars:
        right = bar["x"] + bar["w"]
        assert any(abs(d["x"] - right - 4) < 1 and abs(d["y"] - bar["y"]) < 8 for d in dates), bar
