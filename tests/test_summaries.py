"""Release summaries (``kind: summary``) and uncategorised entries (``kind: uncategorised``):
the fragment format, the screen in the summary's own context, the notes proof, build, the
draft, templates, ``new`` and ``import notes``."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import released_notes
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relnotes.fragments.fragment import parse_text
from relnotes.notes import formats, proof

SECTIONS = ("Added", "Changed", "Fixed")
KAC = 'preset: keepachangelog\nproject: Demo\nrepository: "https://github.com/o/demo"\n'
NOTES = released_notes("Fixed", "Fixed a crash")


def parsed(front: str, body: str = "This release is big."):
    return parse_text(f"---\n{front}\n---\n{body}\n", "changes.d/s.md", SECTIONS)


@pytest.fixture
def kac(project):
    project.write("relnotes.yaml", KAC)
    project.write("CHANGELOG.md", "# Changelog\n\n## [Unreleased]\n\n## [1.0.0] - 2026-01-01\n\n### Added\n\n- One.\n")
    project.commit("init")
    return project


# -- the fragment format -------------------------------------------------------------------------


@pytest.mark.parametrize("front, kind", [
    ("kind: summary", "summary"),
    ("kind: uncategorised\nprs: [4]", "uncategorised"),
    ("kind: entry\nsection: Fixed", "entry"),
    ("section: Fixed", "entry"),
])
def test_kinds_that_are_valid(front, kind):
    frag, problems = parsed(front)
    assert problems == [] and frag is not None
    assert frag.kind == kind and (frag.section == "") == (kind != "entry")


@pytest.mark.parametrize("front, where, words", [
    ("kind: summary\nsection: Fixed", "3:1", "has no section"),
    ("kind: uncategorised\nsection: Fixed", "3:1", "has no section"),
    ("kind: summary\nprs: [4]", "3:1", "'prs' would be lost"),
    ("kind: summary\nbreaking: true", "3:1", "'breaking' would be lost"),
    ("kind: summray", "2:1", "'kind' must be one of entry, summary, uncategorised"),
    ("kind: entry", "2:1", "'section' is required"),
])
def test_kinds_that_are_refused_with_their_place(front, where, words):
    frag, problems = parsed(front)
    assert frag is None
    assert any(f"{p.line}:{p.col}" == where and words in p.message for p in problems), problems


@pytest.mark.parametrize("body, code", [
    ("This release\n===", "heading"),  # a setext underline
    ("This release\n---", "heading"),
    ("See [x].\n\n[x]: https://example.org", "summary-definition"),  # it would serve the whole file
    ("Text\n\n<!-- a comment never closed", "html"),
    ("Text\n\n<div>", "html"),
    ("Text\n\n```\ncode never closed", "unclosed-fence"),
    ("\t## 9.9.9", "structure-line"),  # a release heading in any indentation, a tab too
    ("Text\n\n> quote\n### Added", "heading"),
])
def test_a_summary_is_screened_where_it_is_rendered(body, code):
    frag, problems = parsed("kind: summary", body)
    assert frag is None and code in [p.code for p in problems], problems


def test_a_summary_may_hold_paragraphs_lists_and_closed_code():
    body = "This release is big.\n\n1. One\n2. Two\n\n```\nx = 1\n```\n\nMore: [docs](https://example.org)."
    frag, problems = parsed("kind: summary", body)
    assert problems == [] and frag is not None and frag.labels == ()


# -- the notes proof: a summary adds prose under the heading and nothing else ------------------


def _compose(summary: str, loose: str = "") -> list[str]:
    doc, want = formats.parse(NOTES), formats.parse(NOTES)
    doc.merge_entries(doc.releases[0], [], ["Fixed"], summaries=[summary], uncategorised=[loose] if loose else [])
    want.merge_entries(want.releases[0], [], ["Fixed"], summaries=[proof.SUMMARY_PLACEHOLDER],
                       uncategorised=[proof.PLACEHOLDER] if loose else [])
    return [p.code for p in proof.problems(formats.parse(NOTES), doc, want)]


@pytest.mark.parametrize("summary, code", [
    ("Text\n===", "proof-heading"),
    ("Text\n   ---", "proof-heading"),  # three blanks: still a setext underline
    ("Text\n\n> quote\n### Added", "proof-heading"),  # a lazy line is no help: the heading is one
    ("[x]: https://evil.example", "proof-new-definition"),
    ("[ghsa]: https://evil.example", "proof-redefined"),
    ("<!--", "proof-heading"),  # closed only by the archive marker: it swallows 1.0.0
    ("<script>", "proof-open-html"),
])
def test_the_proof_refuses_a_summary_that_adds_structure(summary, code):
    assert code in _compose(summary)


def test_the_proof_passes_plain_summaries_and_entries():
    assert _compose("This release is big.\n\nTwo paragraphs.", "* A loose entry.") == []


def test_a_summary_template_that_writes_structure_is_not_written(project):
    """A project template is the way past the screen: the proof stops it."""
    project.write("RELEASES.md", NOTES)
    project.write("templates/summary.md.j2", "{{ fragment.body }}\n\n## 9.9.9\n")
    project.write("changes.d/s.md", "---\nkind: summary\n---\nThis release is big.\n")
    project.commit("base")
    before = project.snapshot_tree()
    r = project.run("build")
    assert r.exit_code == 1 and "RELEASES.md:" in r.stderr and "was not written" in r.stderr, r.output
    assert project.snapshot_tree() == before


# -- build, draft, show, templates ---------------------------------------------------------------


def test_build_writes_summaries_then_uncategorised_entries_then_categories(kac, md_snapshot):
    kac.write("changes.d/a.md", "---\nsection: Added\n---\nA flag.\n")
    kac.write("changes.d/s.md", "---\nkind: summary\n---\nThis release is big.\n\nIt has two paragraphs.\n")
    kac.write("changes.d/u.md", "---\nkind: uncategorised\nprs: [4]\n---\nA loose one.\n")
    kac.write("changes.d/v.md", "---\nkind: uncategorised\n---\nAnother.\n")
    draft = kac.run("build", "--draft")
    assert draft.exit_code == 0, draft.output
    assert draft.stdout.index("It has two") < draft.stdout.index("- A loose one.") < draft.stdout.index("### Added")
    assert kac.run("build", "--keep").exit_code == 0
    once = kac.read("CHANGELOG.md")
    assert kac.run("build").exit_code == 0  # the same fragments again: nothing is written twice
    assert kac.read("CHANGELOG.md") == once == md_snapshot
    shown = kac.run("show", "unreleased").stdout
    assert shown.startswith("## [Unreleased]\n\nThis release is big.\n\nIt has two paragraphs.\n\n- A loose one.")


def test_a_summary_goes_after_the_status_line_in_wasmtime_notes(project):
    project.write("RELEASES.md", NOTES)
    project.write("changes.d/s.md", "---\nkind: summary\n---\nThis release is big.\n")
    project.fragment("f.md", "Fixed", "A fix.")
    project.commit("base")
    assert project.run("build").exit_code == 0, project.run("build").output
    assert project.read("RELEASES.md").startswith(
        "## 2.0.0\n\nUnreleased.\n\nThis release is big.\n\n### Fixed\n\n* A fix.\n\n---")
    project.commit("built")
    assert project.run("check").exit_code == 0  # Wasmtime's format reads the summary as the section's prose
    r = project.run("stamp", "--date", "2026-02-01")
    assert r.exit_code == 0 and "Released 2026-02-01.\n\nThis release is big.\n" in project.read("RELEASES.md")


def test_wasmtime_notes_refuse_an_uncategorised_entry_with_the_reason(project):
    project.write("RELEASES.md", NOTES)
    project.write("changes.d/u.md", "---\nkind: uncategorised\n---\nA loose one.\n")
    project.commit("base")
    r = project.run("check")
    assert r.exit_code == 1 and "changes.d/u.md:2:1: a fragment of kind 'uncategorised' cannot go into" in r.output
    assert "puts every entry in a category" in r.output
    assert project.run("build").exit_code == 1
    made = project.run("new", "--uncategorised", "-m", "Another loose one.")
    assert made.exit_code == 1 and "cannot go into RELEASES.md" in made.stderr, made.output
    assert project.read("RELEASES.md") == NOTES


def test_an_override_of_todays_draft_template_still_renders(kac):
    kac.write("templates/draft.md.j2", "{% for c in categories %}{{ c.name }}: {{ c.entries | length }}\n{% endfor %}")
    kac.write("changes.d/s.md", "---\nkind: summary\n---\nThis release is big.\n")
    kac.write("changes.d/a.md", "---\nsection: Added\n---\nA flag.\n")
    r = kac.run("build", "--draft")
    assert r.exit_code == 0 and r.stdout == "Added: 1\n", r.output


def test_a_summary_template_override_is_used(kac):
    kac.write("templates/summary.md.j2", "_{{ fragment.kind }}:_ {{ fragment.body }}\n")
    kac.write("changes.d/s.md", "---\nkind: summary\n---\nThis release is big.\n")
    assert kac.run("build").exit_code == 0
    assert "## [Unreleased]\n\n_summary:_ This release is big.\n\n## [1.0.0]" in kac.read("CHANGELOG.md")


def test_the_release_keeps_the_summary_under_its_heading(kac):
    kac.write("changes.d/s.md", "---\nkind: summary\n---\nThis release is big.\n")
    kac.write("changes.d/a.md", "---\nsection: Added\n---\nA flag.\n")
    kac.commit("fragments")
    assert kac.run("release", "--version", "1.1.0", "--date", "2026-02-01").exit_code == 0
    text = kac.read("CHANGELOG.md")
    assert "## [1.1.0] - 2026-02-01\n\nThis release is big.\n\n### Added\n\n- A flag.\n" in text


# -- relnotes new --------------------------------------------------------------------------------


def test_new_writes_a_summary_and_an_uncategorised_entry(kac):
    r = kac.run("new", "--summary", "-m", "This release is big.")
    assert r.exit_code == 0, r.output
    assert kac.read(r.stdout.strip()) == "---\nkind: summary\n---\nThis release is big.\n"
    r = kac.run("new", "--uncategorised", "--pr", "7", "-m", "A loose one.")
    assert kac.read(r.stdout.strip()) == "---\nkind: uncategorised\nprs: [7]\n---\nA loose one.\n"
    assert kac.run("check").exit_code == 0


@pytest.mark.parametrize("args, words", [
    (["--summary", "--pr", "3"], "a summary renders its text only"),
    (["--summary", "-s", "Added"], "has no section"),
    (["--summary", "--uncategorised"], "exclude each other"),
])
def test_new_refuses_what_a_summary_cannot_hold(kac, args, words):
    r = kac.run("new", *args, "-m", "Text.")
    assert r.exit_code == 2 and words in r.stderr, r.output
    assert list((kac.root / "changes.d").glob("*.md")) == []


def test_new_summary_screens_the_text_as_a_real_subprocess(kac):
    run = [sys.executable, "-m", "relnotes", "new", "--summary", "-m", "Big\n==="]
    r = subprocess.run(run, cwd=kac.root, capture_output=True, text=True, env=dict(os.environ))
    assert r.returncode == 1 and "heading" in r.stderr and "Traceback" not in r.stderr
    ok = subprocess.run(run[:-1] + ["A big release."], cwd=kac.root, capture_output=True, text=True,
                        env=dict(os.environ))
    assert ok.returncode == 0 and ok.stdout.strip().endswith(".md"), ok.stderr


# -- import notes --------------------------------------------------------------------------------


def test_import_turns_prose_and_loose_bullets_into_summaries_and_uncategorised_entries(kac):
    section = ("## [Unreleased]\n\nThis release is big.\n\nReally.\n\n- Loose one.\n- Loose two.\n\n"
               "### Added\n\n- A flag.\n\n")
    original = "# Changelog\n\n" + section + "## [1.0.0] - 2026-01-01\n\n### Added\n\n- One.\n"
    kac.write("CHANGELOG.md", original)
    kac.commit("mid-cycle")
    r = kac.run("import", "notes", "CHANGELOG.md")
    assert r.exit_code == 0 and "moved 3 entries and a summary" in r.stdout, r.output
    assert "byte for byte" in r.stdout
    assert kac.read("CHANGELOG.md") == original.replace(section, "## [Unreleased]\n\n")
    names = sorted(p.name for p in (kac.root / "changes.d").glob("*.md"))
    assert kac.read(f"changes.d/{names[0]}") == "---\nkind: summary\norder: 1\n---\nThis release is big.\n\nReally.\n"
    assert kac.read(f"changes.d/{names[1]}").startswith("---\nkind: uncategorised\norder: 2\n---\nLoose one.")
    assert kac.run("build").exit_code == 0
    assert kac.read("CHANGELOG.md") == original


def test_prose_after_an_uncategorised_entry_is_reported(tmp_path):
    from relnotes.config import load as config
    from relnotes.migrate.notes_import import plan_notes_doc
    from relnotes.render.environment import Renderer

    cfg = config.from_text(KAC, tmp_path / "relnotes.yaml", tmp_path, use_cache=False)
    doc = formats.parse("## [1.0.0] - 2026-01-01\n\n- Loose.\n\nA remark.\n\n### Added\n\n- One.\n",
                        "CHANGELOG.md", "keepachangelog")
    plan = plan_notes_doc(cfg, doc, doc.releases[0], Renderer(cfg))
    assert any("CHANGELOG.md:5: text after an entry outside any category" in n for n in plan.unmapped)
    assert [p.category for p in plan.fragments] == ["uncategorised", "Added"]


def test_show_json_lists_pending_summaries_first_and_next_ignores_them(kac):
    kac.write("changes.d/a.md", "---\nsection: Added\n---\nA flag.\n")
    kac.write("changes.d/s.md", "---\nkind: summary\n---\nThis release is big.\n")
    kac.write("changes.d/u.md", "---\nkind: uncategorised\n---\nA loose one.\n")
    r = kac.run("show", "unreleased", "--format", "json")
    assert r.exit_code == 0, r.output
    import json

    pending = json.loads(r.stdout)["pending"]
    assert [p["kind"] for p in pending] == ["summary", "uncategorised", "entry"]
    r = kac.run("next")
    assert r.exit_code == 0 and "s.md" not in r.stdout, r.output  # a summary asks for no bump


def test_a_release_of_uncategorised_entries_only(kac):
    kac.write("changes.d/u.md", "---\nkind: uncategorised\n---\nA loose one.\n")
    kac.commit("fragment")
    assert kac.run("build").exit_code == 0
    kac.commit("built")
    r = kac.run("release", "--version", "1.0.1", "--date", "2026-02-01")
    assert r.exit_code == 0, r.output  # the built entry outside any category counts as content
    assert "## [1.0.1] - 2026-02-01\n\n- A loose one.\n\n## [1.0.0]" in kac.read("CHANGELOG.md")


def test_show_json_gives_the_summary_and_the_uncategorised_entries(kac):
    kac.write("changes.d/s.md", "---\nkind: summary\n---\nThis release is big.\n\nReally.\n")
    kac.write("changes.d/u.md", "---\nkind: uncategorised\n---\nA loose one.\n")
    kac.write("changes.d/a.md", "---\nsection: Added\n---\nA flag.\n")
    assert kac.run("build").exit_code == 0
    import json

    shown = json.loads(kac.run("show", "unreleased", "--format", "json").stdout)
    assert shown["summary"] == "This release is big.\n\nReally."
    assert shown["uncategorised"] == ["- A loose one."]
    assert [c["name"] for c in shown["categories"]] == ["Added"]
    released = json.loads(kac.run("show", "1.0.0", "--format", "json").stdout)
    assert released["summary"] == "" and released["uncategorised"] == []


# -- the screen and the proof agree: what check accepts, the proof accepts ---------------------


_LINE = st.text(alphabet="ab #=-*>_<!`~[]:()\t1.", max_size=12)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines=st.lists(_LINE, min_size=1, max_size=6))
def test_a_summary_check_accepts_passes_the_proof(lines):
    body = "\n".join(lines).strip("\n")
    frag, problems = parsed("kind: summary", body)
    if frag is None:
        return
    assert _compose(frag.body) == [], body
    assert _compose(frag.body, "* A loose entry.") == [], body


@pytest.mark.parametrize("kind", ["summary", "uncategorised"])
def test_rst_notes_refuse_both_kinds_with_the_reason(project, kind):
    project.write("relnotes.yaml", "preset: keepachangelog\nnotes_format: rst\nnotes_file: CHANGELOG.rst\n"
                                   "project: demo\nsections: [Features, Bug fixes]\n")
    project.write("changes.d/k.md", f"---\nkind: {kind}\n---\nText.\n")
    r = project.run("check")
    assert r.exit_code == 1 and f"changes.d/k.md:2:1: a fragment of kind '{kind}' cannot go into CHANGELOG.rst" in r.output
    assert "take entries in categories only" in r.output
