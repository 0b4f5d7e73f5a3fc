"""One syrupy .md snapshot per built-in template, on a representative fragment set."""

from __future__ import annotations

from pathlib import Path

import pytest

from relnotes.config import load as config
from relnotes.errors import ConfigError
from relnotes.flows import build
from relnotes.fragments.fragment import Fragment, parse_text
from relnotes.render.environment import TEMPLATES, Renderer, builtin_template_dir

FRAGMENTS = {
    "multi-paragraph.md": "---\nsection: Changed\nprs: [13810, 13812, 13835]\nbreaking: true\n---\n"
                          "Host-implemented traits in `wasmtime-wasi-http` are now the same across\n"
                          "wasip2/wasip3.\n\nA second paragraph explains the migration.\n",
    "nested-list.md": "---\nsection: Added\nprs: [14013]\nissues: [13990]\n---\n"
                      "Wasmtime's `bindgen!` macro gained options:\n\n"
                      "- `include_component_type`, which emits:\n  - a `COMPONENT_TYPE` constant\n"
                      "  - its encoded world\n- `trappable_imports`\n",
    "advisory.md": "---\nsection: Security\nadvisories: [GHSA-vqjp-4c8c-hfgg]\nprs: [13433]\nbackport: true\n---\n"
                   "Fixed `path_open(TRUNCATE)` bypassing the `FilePerms::WRITE` check in `wasmtime-wasi`.\n",
    "template-syntax.md": "---\nsection: Fixed\nprs: [14017]\n---\n"
                          "A body with `{{ not_a_variable }}` and {% if x %} is printed literally.\n",
    "non-ascii.md": "---\nsection: Fixed\nprs: [14027]\n---\n"
                    "Atomic waits on big-endian hosts — naïve “CJK 日本語” and emoji 🦀 survive.\n",
}


@pytest.fixture
def cfg(tmp_path):
    (tmp_path / "relnotes.yaml").write_text("preset: wasmtime\nproject: Wasmtime\nrepository: https://github.com/bytecodealliance/wasmtime\n")
    return config.load(tmp_path / "relnotes.yaml")


def _fragments(cfg):
    out = []
    for name, text in FRAGMENTS.items():
        frag, problems = parse_text(text, f"changes.d/{name}", cfg.sections)
        assert problems == []
        out.append(frag)
    return out


def test_every_builtin_template_has_a_snapshot_test():
    assert sorted(p.name for p in builtin_template_dir().glob("*.j2")) == sorted(TEMPLATES)


def test_entry_template(cfg, md_snapshot):
    r = Renderer(cfg)
    text = "\n\n".join(r.entries(sorted(_fragments(cfg), key=lambda f: f.name))) + "\n"
    assert "{{ not_a_variable }}" in text and "{% if x %}" in text and "🦀" in text
    assert text == md_snapshot


def test_release_template_is_wasmtimes(cfg, md_snapshot):
    from conftest import corpus

    text = Renderer(cfg).release_section("49.0.0")
    assert text == corpus("RELEASES-template.md").replace("VERSION", "49.0.0")
    assert text == md_snapshot


def test_notes_template(cfg, md_snapshot):
    assert Renderer(cfg).notes_file("1.0.0") == md_snapshot


def test_draft_template(cfg, md_snapshot):
    r = Renderer(cfg)
    grouped = build.group(cfg, _fragments(cfg))
    text = r.draft("49.0.0", [(s, r.entries(items)) for s, items in grouped])
    assert text == md_snapshot


def test_project_can_override_and_extend_a_template(cfg):
    tdir = cfg.root / "templates"
    tdir.mkdir()
    (tdir / "entry.md.j2").write_text('{% extends "builtin/entry.md.j2" %}')
    (tdir / "release.md.j2").write_text("## {{ version }} — {{ project }}\n\nUnreleased.\n\n{{ separator }}\n")
    r = Renderer(cfg)
    assert r.release_section("2.0.0") == "## 2.0.0 — Wasmtime\n\nUnreleased.\n\n" + "-" * 80 + "\n"
    assert r.entries(_fragments(cfg)[:1])[0].startswith("* Host-implemented traits")


@pytest.mark.parametrize("body, message", [
    ("{{ ''.__class__.__mro__ }}", "template refused by the sandbox"),
    ("{{ cycler.__init__.__globals__ }}", "template refused by the sandbox"),
    ("{{ verson }}", "template error: 'verson' is undefined"),
    ("{% for %}", "template syntax error"),
])
def test_template_errors_are_clear(cfg, body, message):
    tdir = cfg.root / "templates"
    tdir.mkdir()
    (tdir / "release.md.j2").write_text("## x\n" + body + "\n")
    with pytest.raises(ConfigError) as e:
        Renderer(cfg).release_section("1.0.0")
    assert message in e.value.message
    assert "release.md.j2" in e.value.message


def test_builtin_templates_found_from_package(tmp_path):
    assert (builtin_template_dir() / "entry.md.j2").is_file()
    assert Path(builtin_template_dir()).name == "templates"


# -- the Python fast path renders exactly what the Jinja template renders -------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_LINE = st.one_of(st.sampled_from(["text", "- item", "  - nested", "1. one", "`code` {{ x }}", "", "[ref]: https://x",
                                   "[a]: u", "résumé — 日本", "    indented", "* star"]),
                  st.text(alphabet="ab `[]-*:#{}\t", max_size=12))


@settings(max_examples=300, deadline=None)
@given(body=st.lists(_LINE, min_size=1, max_size=7).map("\n".join).filter(lambda b: b.strip()),
       prs=st.lists(st.integers(1, 99999), max_size=3), issues=st.lists(st.integers(1, 99), max_size=2),
       advisories=st.lists(st.just("GHSA-vqjp-4c8c-hfgg"), max_size=1))
def test_fast_entries_equal_jinja_entries(tmp_path_factory, body, prs, issues, advisories):
    from relnotes.fragments.fragment import Fragment

    root = tmp_path_factory.mktemp("r")
    cfg = config.defaults(root)
    body = "\n".join(line.rstrip() for line in body.strip("\n").split("\n"))
    frag = Fragment(path="changes.d/x.md", name="x.md", section="Fixed", body=body, prs=tuple(prs),
                    issues=tuple(issues), advisories=tuple(advisories))
    fast = Renderer(cfg)
    slow = Renderer(cfg, fast=False)
    assert fast.fast_entries and not slow.fast_entries
    assert fast.entries([frag]) == slow.entries([frag])
    from relnotes.render.environment import NATIVE

    assert [NATIVE["entry.md.j2"]({"fragment": fast.entry_context(frag)})] == slow.entries([frag])


_NAME = st.text(alphabet="abcXYZ 0.-—日{}%#", min_size=1, max_size=10)


@settings(max_examples=200, deadline=None)
@given(version=_NAME, project=_NAME,
       sections=st.lists(_NAME, max_size=4),
       categories=st.lists(st.tuples(_NAME, st.lists(st.text(alphabet="* ab\n[]{}%", max_size=20), max_size=3)),
                           max_size=4),
       summaries=st.lists(st.text(alphabet="ab \n{}%#", min_size=1, max_size=20), max_size=2),
       loose=st.lists(st.text(alphabet="* ab\n[]{}%", max_size=20), max_size=2))
def test_native_templates_equal_jinja_templates(tmp_path_factory, version, project, sections, categories,
                                                summaries, loose):
    """draft (with summaries and uncategorised entries), summary, release section and new notes
    file: the Python versions give Jinja's bytes."""
    root = tmp_path_factory.mktemp("r")
    cfg = config.defaults(root)._replace(project=project, template_sections=tuple(sections))
    native, jinja = Renderer(cfg), Renderer(cfg, fast=False)
    assert native.native == {"entry.md.j2", "draft.md.j2", "release.md.j2", "notes.md.j2", "summary.md.j2"}
    assert not jinja.native
    assert native.draft(version, categories, summaries, loose) == jinja.draft(version, categories, summaries, loose)
    frags = [Fragment("changes.d/s.md", "s.md", "", text.strip("\n") or "x", kind="summary") for text in summaries]
    assert native.summaries(frags) == jinja.summaries(frags)
    assert native.release_section(version) == jinja.release_section(version)
    assert native.notes_file(version) == jinja.notes_file(version)
    assert native._env is None  # Jinja was never loaded for the built-ins


def test_overriding_release_template_also_changes_notes_file(cfg):
    tdir = cfg.root / "templates"
    tdir.mkdir()
    (tdir / "release.md.j2").write_text("## {{ version }} custom\n")
    r = Renderer(cfg)
    assert r.native == {"entry.md.j2", "draft.md.j2", "summary.md.j2"}
    assert r.notes_file("3.0.0").startswith("## 3.0.0 custom\n")
