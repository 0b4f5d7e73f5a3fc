"""relnotes templates: the catalog of built-in templates agrees with the renderer and the README."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import ROOT

from relnotes.render import catalog as template_catalog
from relnotes.render.environment import TEMPLATES


def test_catalog_lists_every_builtin_template():
    assert set(template_catalog.names()) == set(TEMPLATES)
    shipped = {p.name for p in (ROOT / "templates").glob("*.j2")}
    assert set(TEMPLATES) == shipped


def test_catalog_matches_what_the_renderer_passes(project, monkeypatch):
    """Render every built-in through Jinja and record the names each template got."""
    import jinja2.environment

    from relnotes.config import load as config
    from relnotes.fragments.fragment import Fragment
    from relnotes.render.environment import Renderer

    seen: dict[str, set[str]] = {}
    fragment_keys: set[str] = set()
    real = jinja2.environment.Template.generate  # relnotes.render.sandbox.render streams through generate()

    def spy(self, *args, **kwargs):
        seen[self.name] = set(kwargs)
        if "fragment" in kwargs:
            fragment_keys.update(kwargs["fragment"])
        return real(self, *args, **kwargs)

    monkeypatch.setattr(jinja2.environment.Template, "generate", spy)
    r = Renderer(config.load(project.root / "relnotes.yaml"), fast=False)
    r.entries([Fragment("changes.d/a.md", "a.md", "Fixed", "A fix.\n\n[x]: https://example.com", prs=(1,))])
    r.release_section("2.0.0")
    r.notes_file("2.0.0")
    r.draft("2.0.0", [("Fixed", ["* A fix."])])
    r.summaries([Fragment("changes.d/s.md", "s.md", "", "This release is big.", kind="summary")])
    assert set(seen) == set(TEMPLATES)
    for name, got in seen.items():
        assert got == set(template_catalog.variables(name)), name
    assert fragment_keys == {v.name for v in template_catalog.FRAGMENT_FIELDS}


def test_templates_command_lists_names_types_and_extension(project):
    r = project.run("templates")
    assert r.exit_code == 0
    for name in TEMPLATES:
        assert f"{name}  (used by: " in r.stdout
    assert "    ends_in_list  bool        the text ends in a list item" in r.stdout
    assert "  categories     list[dict]  " in r.stdout  # as wide as uncategorised
    assert '{% extends "builtin/NAME" %}' in r.stdout


def test_readme_table_is_generated_from_the_catalog():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start, end = "<!-- templates-table:start -->\n", "<!-- templates-table:end -->"
    assert start in readme and end in readme
    table = readme.split(start, 1)[1].split(end, 1)[0]
    assert table == template_catalog.as_markdown(), \
        "regenerate: python -c 'from relnotes.render.catalog import as_markdown; print(as_markdown())'"


def test_listing_is_cheap_and_runs_outside_a_project(tmp_path):
    """A real process, outside any repository: no configuration, no Jinja."""
    code = ("import sys\nsys.argv = ['relnotes', 'templates']\nfrom relnotes.__main__ import main\n"
            "try:\n    main()\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
            "assert 'jinja2' not in sys.modules and 'relnotes.render.sandbox' not in sys.modules\n")
    r = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("entry.md.j2  (used by: ")


@pytest.mark.parametrize("name", TEMPLATES)
def test_variables_known_for_each_template(name):
    assert {"project", "repository"} <= set(template_catalog.variables(name))


def test_undefined_variable_hint_names_what_the_template_receives(project):
    """An override using {{ body }} (it is fragment.body) is told the names it can use."""
    project.write("RELEASES.md", "## 1.0.0\n\nUnreleased.\n\n### Fixed\n\n" + "-" * 80 + "\n")
    project.write("templates/entry.md.j2", "* {{ body }}\n")
    project.fragment("a.md", "Fixed", "A fix.", prs="[1]")
    r = project.run("build", "--draft")
    assert r.exit_code == 2
    assert "entry.md.j2:1: template error: 'body' is undefined" in r.stderr
    assert "hint: entry.md.j2 receives project, repository, fragment.path, fragment.section, fragment.body," in r.stderr
    assert "'relnotes templates' lists every variable with its type" in r.stderr
