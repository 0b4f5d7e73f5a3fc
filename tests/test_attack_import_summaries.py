"""Attacks on ``import notes`` of hostile changelogs that produce summaries and uncategorised
fragments: a mid-cycle import moves the unreleased section out; ``build`` must give the file
back byte for byte (or the import refuses and changes nothing); after a SIGKILL anywhere in
the import, a rerun and a build restore each entry exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import pytest
from conftest import killed_at_staging

KAC = 'preset: keepachangelog\nproject: Demo\nrepository: "https://github.com/o/demo"\n'
TAIL = "## [1.0.0] - 2026-01-01\n\n### Added\n\n- One.\n\n[1.0.0]: https://github.com/o/demo/releases/tag/v1.0.0\n"

UNRELEASED = {
    "prose-and-loose": "This release is big.\n\n- A loose one.\n\n### Added\n\n- A flag.\n",
    "prose-list": "Highlights:\n\n1. Speed\n2. Size\n\n### Fixed\n\n- A bug.\n",
    "prose-star-list": "Highlights:\n\n* Speed\n* Size\n\n### Fixed\n\n- A bug.\n",
    "prose-fence-bullet": "Example:\n\n```\n- not an entry\n```\n\n### Fixed\n\n- A bug.\n",
    "prose-definition": "See [docs].\n\n[docs]: https://example.org\n\n### Fixed\n\n- A bug.\n",
    "prose-comment": "<!-- keep this -->\n\n### Fixed\n\n- A bug.\n",
    "prose-open-comment": "<!-- never closed\n\n### Fixed\n\n- A bug.\n",
    "prose-html": "<details>\n\nHidden.\n\n</details>\n\n### Fixed\n\n- A bug.\n",
    "prose-quote": "> Note: big.\n\n### Fixed\n\n- A bug.\n",
    "prose-after-loose": "- Loose.\n\nThen prose.\n\n### Fixed\n\n- A bug.\n",
    "loose-tight": "- One.\n- Two.\n\n### Fixed\n\n- A bug.\n",
    "loose-with-definition": "- See [x].\n\n[x]: https://example.org/x\n\n### Fixed\n\n- A bug.\n",
    "prose-crlf": "Big.\r\n\r\n### Fixed\r\n\r\n- A bug.\r\n",
    "prose-tabs": "\tIndented code.\n\n### Fixed\n\n- A bug.\n",
    "prose-setext": "Title\n===\n\n### Fixed\n\n- A bug.\n",
    "prose-long": ("word " * 5000).strip() + "\n\n### Fixed\n\n- A bug.\n",
    "only-prose": "Nothing but prose.\n",
    "prose-unreleased-ref": "See [Unreleased].\n\n### Fixed\n\n- A bug.\n",
}


@pytest.fixture
def kac(project):
    project.write("relnotes.yaml", KAC)
    return project


@pytest.mark.parametrize("name", sorted(UNRELEASED))
def test_a_mid_cycle_import_then_build_gives_the_file_back(kac, name):
    text = "# Changelog\n\n## [Unreleased]\n\n" + UNRELEASED[name] + "\n" + TAIL
    kac.write("CHANGELOG.md", text)
    kac.commit("init")
    before = kac.snapshot_tree()
    r = kac.run("import", "notes", "CHANGELOG.md")
    assert r.exit_code in (0, 1, 2), r.output
    if r.exit_code != 0:
        assert kac.snapshot_tree() == before, r.output
        return
    frags = sorted((kac.root / "changes.d").glob("*.md"))
    checked = kac.run("check")
    assert checked.exit_code == 0, checked.output  # import never writes a fragment check refuses
    b = kac.run("build")
    assert b.exit_code == 0, b.output
    got = kac.read("CHANGELOG.md")
    if "will not rebuild the section byte for byte" not in r.output:
        assert got == text, (frags, got)
        return
    # reported as not exact: nothing lost, nothing twice, the released part untouched
    assert got.endswith(TAIL) and got.count("## [") == 2
    for line in UNRELEASED[name].splitlines():
        words = line.strip().lstrip("-*").strip()
        if words and not words.startswith("#"):
            assert got.count(words) == text.count(words), (words, got)


def _killed_import(p, nth: int) -> int:
    return killed_at_staging(p.root, ["import", "notes", "CHANGELOG.md"], nth)


@pytest.mark.parametrize("nth", [1, 2, 3, 4])
def test_a_sigkilled_mid_cycle_import_then_build_restores_each_entry_once(kac, nth):
    text = "# Changelog\n\n## [Unreleased]\n\n" + UNRELEASED["prose-and-loose"] + "\n" + TAIL
    kac.write("CHANGELOG.md", text)
    kac.commit("init")
    code = _killed_import(kac, nth)
    assert code in (0, -signal.SIGKILL)
    r = kac.run("build")  # finishes or undoes the import first, then builds what is pending
    assert r.exit_code == 0, r.output
    assert kac.read("CHANGELOG.md") == text
    assert not list((kac.root / "changes.d").glob("*.md"))


@pytest.mark.parametrize("renamed", [1, 2])
def test_an_import_killed_between_its_renames_then_build(kac, renamed):
    """Killed after the commit point with only some targets renamed: the next command
    finishes the import, and build writes each entry back exactly once."""
    text = "# Changelog\n\n## [Unreleased]\n\n" + UNRELEASED["prose-and-loose"] + "\n" + TAIL
    kac.write("CHANGELOG.md", text)
    kac.commit("init")
    code = textwrap.dedent(f"""
        import os, signal, sys
        real = os.replace
        calls = [0]
        def step(a, b, *r, **k):
            out = real(a, b, *r, **k)
            if ".relnotes" in str(a) or "tmp" in str(a):
                calls[0] += 1
                if calls[0] == {renamed}:
                    os.kill(os.getpid(), signal.SIGKILL)
            return out
        os.replace = step
        sys.argv = ["relnotes", "import", "notes", "CHANGELOG.md"]
        from relnotes.__main__ import main
        main()
    """)
    r = subprocess.run([sys.executable, "-c", code], cwd=kac.root, capture_output=True, text=True,
                       env={**os.environ, "RELNOTES_NO_CACHE": "1"}, timeout=120)
    assert r.returncode == -signal.SIGKILL, r.stderr
    b = kac.run("build")
    assert b.exit_code == 0, b.output
    got = kac.read("CHANGELOG.md")
    assert got == text, got
    assert not list((kac.root / "changes.d").glob("*.md"))
