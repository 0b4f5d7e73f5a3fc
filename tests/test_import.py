"""relnotes import: release sections → fragments → the same bytes; towncrier projects."""

from __future__ import annotations

import re

import pytest
from conftest import CORPUS, corpus

from relnotes.config import load as config
from relnotes.migrate import notes_import as importer
from relnotes.notes import formats
from relnotes.render.environment import Renderer

PER_BRANCH = sorted(p.name for p in CORPUS.glob("release-*.RELEASES.md")
                    if int(p.name.split("-")[1].split(".")[0]) >= 22)


def _corpus_config(tmp_path):
    """Sections = every category title the corpus uses, so each maps to a section."""
    titles = set()
    for name in PER_BRANCH:
        titles.update(m.rstrip(".").strip() for m in re.findall(r"^### (.+)$", corpus(name), re.M))
    (tmp_path / "relnotes.yaml").write_text(
        "project: Wasmtime\nrepository: https://github.com/bytecodealliance/wasmtime\norder: file\n"
        f"sections: {sorted(titles)!r}\ntemplate_sections: []\n".replace("'", '"'))
    return config.load(tmp_path / "relnotes.yaml")


def round_trip(cfg, renderer, name, text, rel):
    """Import one section, rebuild it into its empty skeleton; (ok, reason)."""
    doc = formats.parse(text, name)
    plan = importer.plan_notes_doc(cfg, doc, rel, renderer)
    original = doc.section_text(rel)
    skeleton = [doc.lines[rel.start]]
    if rel.status_line is not None:
        skeleton += ["\n", doc.lines[rel.status_line], "\n"]
    for cat in rel.categories:
        skeleton += [doc.lines[cat.start], "\n"]
    rebuilt = formats.parse("".join(skeleton) + "-" * 80 + "\n", name)
    by_cat = {}
    for p in plan.fragments:
        frag = importer.fragment_of(cfg, p.text, p.name)
        by_cat.setdefault(p.category, []).append(renderer.entries([frag])[0])
    r = rebuilt.releases[0]
    rebuilt.merge_entries(r, list(by_cat.items()), [c.title for c in rel.categories])
    out = rebuilt.section_text(rebuilt.releases[0])
    if out == original:
        return True, ""
    a, b = original.split("\n"), out.split("\n")
    n = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    line = rel.start + n + 1
    return False, (f"line {line}: original {a[n] if n < len(a) else '<end>'!r}, "
                   f"rebuilt {b[n] if n < len(b) else '<end>'!r}")


def test_corpus_sections_round_trip(tmp_path, capsys):
    cfg = _corpus_config(tmp_path)
    renderer = Renderer(cfg)
    total, ok, failures = 0, 0, []
    for name in PER_BRANCH:
        text = corpus(name)
        for rel in formats.parse(text, name).releases:
            total += 1
            good, why = round_trip(cfg, renderer, name, text, rel)
            ok += good
            if not good:
                failures.append(f"{name} {rel.title}: {why}")
    with capsys.disabled():
        print(f"\nimport round trip: {ok}/{total} sections byte for byte ({100 * ok / total:.1f}%)")
        for f in failures:
            print("  not exact:", f[:200])
    assert total == 105  # every release section of release-22.0.0 … release-48.0.0
    assert ok / total >= 0.95


def test_import_dry_run_writes_nothing(project):
    project.write("RELEASES.md", corpus("history/release-48.0.0-notes-added-unreleased.RELEASES.md"))
    before = project.snapshot_tree()
    r = project.run("import", "notes", "RELEASES.md", "--dry-run")
    assert r.exit_code == 0 and r.stdout.count("would write changes.d/") == 30
    assert project.snapshot_tree() == before


def test_import_reports_prose_and_unknown_categories(project):
    project.write("OLD.md", "## 3.0.0\n\nReleased 2020-01-01.\n\nIntro text.\n\n### Internal\n\n* Hidden thing.\n\n"
                  "### Fixed\n\nA prose paragraph.\n\n* A fix.\n  [#4](https://github.com/bytecodealliance/wasmtime/pull/4)\n")
    r = project.run("import", "notes", "OLD.md")
    assert r.exit_code == 0, r.output
    assert "OLD.md:5" not in r.stderr  # the text before the first category is the release's summary
    assert "OLD.md:9: category 'Internal' is not one of the configured sections" in r.stderr
    assert "OLD.md:13: prose paragraph imported as a bullet entry" in r.stderr
    names = sorted(p.name for p in (project.root / "changes.d").glob("*.md"))
    assert len(names) == 3
    assert project.read(f"changes.d/{names[0]}") == "---\nkind: summary\norder: 1\n---\nIntro text.\n"
    assert project.read(f"changes.d/{names[2]}") == "---\nsection: Fixed\nprs: [4]\norder: 3\n---\nA fix.\n"


def test_import_refuses_to_overwrite(project):
    # a released section (24.0.8) stays in the file when imported, so a second import plans the
    # same fragments again; the unreleased 24.0.9 would have moved out (the test below)
    project.write("RELEASES.md", corpus("history/release-24.0.0-24.0.9-unreleased.RELEASES.md"))
    assert project.run("import", "notes", "RELEASES.md", "--version", "24.0.8").exit_code == 0
    before = project.snapshot_tree()
    r = project.run("import", "notes", "RELEASES.md", "--version", "24.0.8")
    assert r.exit_code == 2 and "already exists" in r.stderr
    assert project.snapshot_tree() == before


def test_import_moves_the_unreleased_section_of_releases_md(project):
    """Mid-cycle, RELEASES.md's unreleased top section is where build writes, as Keep a
    Changelog's [Unreleased] is: its entries move to fragments (never both), and build then
    gives the file back byte for byte."""
    original = corpus("history/release-24.0.0-24.0.9-unreleased.RELEASES.md")
    project.write("RELEASES.md", original)
    r = project.run("import", "notes", "RELEASES.md")
    assert r.exit_code == 0, r.output
    assert "moved 1 entry of 24.0.9 out of RELEASES.md" in r.stdout
    moved = project.read("RELEASES.md")
    assert "GHSA-2r75-cxrj-cmph" not in moved and moved.startswith("## 24.0.9\n\nUnreleased.\n\n-----")
    assert moved.split("-" * 80, 1)[1] == original.split("-" * 80, 1)[1]  # the released sections untouched
    assert len(list((project.root / "changes.d").glob("*.md"))) == 1
    second = project.run("import", "notes", "RELEASES.md")  # nothing left to import twice
    assert second.exit_code == 0 and "wrote 0 fragment(s)" in second.stdout
    assert project.run("build").exit_code == 0
    assert project.read("RELEASES.md") == original


# -- towncrier ----------------------------------------------------------------------------------

TOWNCRIER_TOML = """
[tool.towncrier]
directory = "news"
filename = "CHANGES.rst"

[tool.towncrier.fragment.feature]
name = "Features"

[tool.towncrier.fragment.bugfix]
name = "Bug Fixes"

[tool.towncrier.fragment.vendor]
name = "Vendored Libraries"

[tool.towncrier.fragment.security]
name = "Security"

[tool.towncrier.fragment.trivial]
name = "Trivial"
showcontent = false
"""

NEWS = {
    "123.feature.md": "Added the ``--json`` flag.",
    "124.bugfix.rst": "Fixed a crash in `the parser <https://example.org/p>`_ with :func:`parse`.",
    "125.bugfix": "Same text shared by two issues.",
    "126.bugfix": "Same text shared by two issues.",
    "127.feature.1": "First change under one issue.",
    "127.feature.2": "Second change under one issue.",
    "+orphan.feature.md": "An orphan fragment with no issue.",
    "+abc123.security": "Hardened the loader.",
    "128.vendor": "Upgraded vendored urllib3 to 2.0.",
    "129.trivial": "",
    "130.featur": "A misspelt type that towncrier would drop.",
}


@pytest.fixture
def tc_project(project):
    project.write("pyproject.toml", TOWNCRIER_TOML)
    for name, text in NEWS.items():
        project.write(f"news/{name}", text + "\n")
    project.write("RELEASES.md", corpus("main.RELEASES.md"))
    return project


def test_towncrier_unknown_type_is_reported_and_nothing_written(tc_project):
    before = tc_project.snapshot_tree()
    r = tc_project.run("import", "towncrier", "--map", "vendor=Changed", "--map", "trivial=Changed")
    assert r.exit_code == 1
    assert "news/130.featur: unknown fragment type" in r.stderr and "towncrier would silently drop it" in r.stderr
    assert tc_project.snapshot_tree() == before


def test_towncrier_dry_run_writes_nothing(tc_project):
    (tc_project.root / "news/130.featur").unlink()
    before = tc_project.snapshot_tree()
    r = tc_project.run("import", "towncrier", "--dry-run", "--map", "vendor=Changed", "--map", "trivial=Changed")
    assert r.exit_code == 0, r.output
    assert "10 towncrier fragment(s) -> 9 relnotes fragment(s)" in r.stdout
    assert tc_project.snapshot_tree() == before


def test_towncrier_custom_type_needs_a_mapping(tc_project):
    (tc_project.root / "news/130.featur").unlink()
    r = tc_project.run("import", "towncrier", "--map", "trivial=Changed")
    assert r.exit_code == 1
    assert "news/128.vendor: no relnotes section for towncrier type 'vendor' (Vendored Libraries)" in r.stderr


def test_towncrier_import_then_build_has_every_text_once(tc_project):
    (tc_project.root / "news/130.featur").unlink()
    r = tc_project.run("import", "towncrier", "--map", "vendor=Changed", "--map", "trivial=Changed")
    assert r.exit_code == 0, r.output
    assert "wrote 9 fragment(s) from 10 towncrier fragment(s)" in r.stdout
    r = tc_project.run("build", "--draft")
    assert r.exit_code == 0, r.output
    draft = r.stdout
    texts = {
        "Added the ``--json`` flag.": 1,  # a .md fragment is kept as written
        "Fixed a crash in [the parser](https://example.org/p) with `parse`.": 1,
        "Same text shared by two issues.": 1,
        "First change under one issue.": 1,
        "Second change under one issue.": 1,
        "An orphan fragment with no issue.": 1,
        "Hardened the loader.": 1,
        "Upgraded vendored urllib3 to 2.0.": 1,
    }
    for text, count in texts.items():
        assert draft.count(text) == count, text
    # showcontent = false: towncrier lists only the references, and so does the import
    assert draft.count("[#129]") == 1 and "Trivial." not in draft
    shared = draft[draft.index("Same text shared"):]
    assert "[#125](https://github.com/bytecodealliance/wasmtime/issues/125)\n  [#126]" in shared
    assert draft.index("### Added") < draft.index("An orphan") < draft.index("### Changed")
    assert draft.index("### Security") < draft.index("Hardened the loader.")


def test_towncrier_old_type_syntax_and_default_types(project):
    project.write("towncrier.toml", '[tool.towncrier]\ndirectory = "changes"\n\n'
                  '[[tool.towncrier.type]]\ndirectory = "feature"\nname = "New"\nshowcontent = true\n'
                  '[[tool.towncrier.type]]\ndirectory = "removal"\nname = "Gone"\nshowcontent = true\n')
    project.write("RELEASES.md", corpus("main.RELEASES.md"))
    project.write("changes/1.feature", "New thing.\n")
    project.write("changes/2.removal.md", "Old thing removed.\n")
    r = project.run("import", "towncrier")
    assert r.exit_code == 0, r.output
    draft = project.run("build", "--draft").stdout
    assert "### Added\n\n* New thing." in draft and "### Removed\n\n* Old thing removed." in draft
