"""Attack: the skip marker counts "only as a line of visible text" (README, "The gate
cannot be argued with"), held by a property test against mistletoe's rendering.

A link reference definition's title may span lines; the whole definition renders as
nothing, yet a title line that is exactly the marker counts.  A pull request can so
skip the fragment requirement with a marker no reviewer sees in the description.
"""

from __future__ import annotations

import json

import pytest

from relnotes.gate.check import has_marker

MARKER = "release-notes: none"

HIDDEN_IN_A_DEFINITION = [
    'Fixes the parser.\n\n[ref]: https://example.com "\nrelease-notes: none\n"',
    "Fixes the parser.\n\n[ref]: https://example.com '\nrelease-notes: none\n'",
    "Fixes the parser.\n\n[ref]: https://example.com (\nrelease-notes: none\n)",
    "Fixes the parser.\n\n[ref]:\nhttps://example.com\n\"x\nrelease-notes: none\ny\"",
]


@pytest.mark.parametrize("text", HIDDEN_IN_A_DEFINITION)
def test_a_marker_inside_a_link_definition_title_is_not_visible_and_does_not_count(text):
    import mistletoe

    html = mistletoe.markdown(text)
    assert MARKER not in html  # nobody reading the description sees it
    assert not has_marker(text, MARKER)


def test_check_base_does_not_skip_on_a_marker_hidden_in_a_definition_title(project, tmp_path, monkeypatch):
    project.write("RELEASES.md", "## 1.0.0\n\nUnreleased.\n\n### Added\n\n### Changed\n")
    project.write("src/lib.rs", "fn a() {}\n")
    project.commit("base")
    project.git("switch", "-q", "-c", "pr")
    project.write("src/lib.rs", "fn b() {}\n")
    project.commit("change")
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"body": HIDDEN_IN_A_DEFINITION[0], "labels": []}}))
    monkeypatch.setenv("GITHUB_EVENT_PATH", str(event))
    r = project.run("check", "--base", "main", "--format", "json")
    data = json.loads(r.stdout)
    assert data["skipped"] is None, data
    assert r.exit_code == 1


def test_a_marker_after_a_lone_carriage_return_is_a_visible_line():
    """The reverse (low): CommonMark ends a line at a lone CR, and mistletoe shows the
    marker on a line of its own, yet it does not count (fails a change that should pass)."""
    text = "Refactor only.\rrelease-notes: none\r"
    import mistletoe

    assert "\nrelease-notes: none" in mistletoe.markdown(text).replace("\r\n", "\n")
    assert has_marker(text, MARKER)
