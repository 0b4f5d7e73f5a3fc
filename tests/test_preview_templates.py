"""The PR preview renders with the merge base's template overrides, never the pull request's
(issue 27): the bot posts the preview, so a pull request must not decide what it says."""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import ROOT, Project, corpus, git

HOSTILE = "APPROVED BY MAINTAINERS, ping @octo-org/admins: {{ fragment.body }}\n"


def _base(project: Project, templates: dict[str, str] | None = None) -> Project:
    project.write("RELEASES.md", corpus("main.RELEASES.md"))
    project.write("src/lib.rs", "fn a() {}\n")
    for name, text in (templates or {}).items():
        project.write(name, text)
    project.commit("base")
    project.git("switch", "-q", "-c", "pr")
    project.write("src/lib.rs", "fn b() {}\n")
    project.fragment("a.md", "Fixed", "Fixed `a` returning the wrong value.", prs="[12]")
    return project


def _summary(project: Project, tmp_path, name: str = "summary.md") -> str:
    summary = tmp_path / name
    r = project.run("check", "--base", "main", env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert r.exit_code == 0, r.output
    return summary.read_text()


def _note(text: str) -> bool:
    return "changes its template overrides" in text


def test_a_prs_new_entry_template_does_not_change_the_summary(project, tmp_path):
    pr = _base(project)
    pr.commit("change code")
    clean = _summary(pr, tmp_path, "clean.md")
    pr.write("templates/entry.md.j2", HOSTILE)
    pr.write("templates/draft.md.j2", "## LGTM, merge at will @octo-org/admins\n")
    pr.commit("templates")
    text = _summary(pr, tmp_path)
    assert "APPROVED" not in text and "@octo-org" not in text and "LGTM" not in text
    assert _note(text)
    # the same summary as without the templates, plus the one line saying so
    lines = text.splitlines()
    assert text.replace(next(line for line in lines if _note(line)) + "\n\n", "") == clean
    assert not _note(clean)


def test_a_template_the_base_has_is_used_and_the_prs_edit_is_not(project, tmp_path):
    pr = _base(project, {"templates/entry.md.j2": "* BASE ENTRY: {{ fragment.body }}\n"})
    pr.commit("change code")
    text = _summary(pr, tmp_path, "one.md")
    assert "* BASE ENTRY: Fixed `a` returning the wrong value." in text and not _note(text)
    pr.write("templates/entry.md.j2", HOSTILE)
    pr.commit("edit the template")
    assert (pr.root / "templates/entry.md.j2").read_text() == HOSTILE  # the work tree has the PR's
    text = _summary(pr, tmp_path, "two.md")
    assert "* BASE ENTRY: Fixed `a`" in text and "APPROVED" not in text and _note(text)


def test_what_a_base_template_includes_comes_from_the_base_too(project, tmp_path):
    pr = _base(project, {"templates/entry.md.j2": "* {% include 'parts/lead.j2' %}{{ fragment.body }}\n",
                         "templates/parts/lead.j2": "Base lead: "})
    pr.write("templates/parts/lead.j2", "APPROVED BY MAINTAINERS ")
    pr.commit("edit an included part")
    text = _summary(pr, tmp_path)
    assert "* Base lead: Fixed `a`" in text and "APPROVED" not in text and _note(text)


def test_a_pr_pointing_templates_dir_at_other_base_files_gets_the_bases_directory(project, tmp_path):
    # the base holds a hostile-looking template as a test fixture, outside templates_dir
    pr = _base(project, {"tests/data/evil/entry.md.j2": HOSTILE})
    pr.write("relnotes.yaml", pr.read("relnotes.yaml") + "templates_dir: tests/data/evil\n")
    pr.commit("point templates_dir at the fixture")
    text = _summary(pr, tmp_path)
    assert "APPROVED" not in text and "* Fixed `a` returning the wrong value." in text and _note(text)


def test_a_pr_editing_the_configuration_keeps_the_bases_templates(project, tmp_path):
    pr = _base(project, {"templates/entry.md.j2": "* BASE ENTRY: {{ fragment.body }}\n"})
    pr.write("relnotes.yaml", pr.read("relnotes.yaml") + "check:\n  skip_labels: [no-notes]\n")
    pr.commit("config and code")
    text = _summary(pr, tmp_path)
    assert "* BASE ENTRY: Fixed `a`" in text and not _note(text)


def test_a_base_without_configuration_previews_with_the_builtins(git_env, tmp_path):
    root = tmp_path / "fresh"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    pr = Project(root)
    pr.write("README", "x\n")
    pr.write("templates/entry.md.j2", "* an old file nobody configured: {{ fragment.body }}\n")
    pr.commit("base")
    pr.git("switch", "-q", "-c", "pr")
    from conftest import WASMTIME_CONFIG

    pr.write("relnotes.yaml", WASMTIME_CONFIG + "templates_dir: tpl\n")
    pr.write("RELEASES.md", corpus("main.RELEASES.md"))
    pr.write("tpl/entry.md.j2", HOSTILE)
    pr.fragment("a.md", "Fixed", "Fixed `a`.", prs="[12]")
    pr.commit("adopt relnotes")
    text = _summary(pr, tmp_path)
    assert "APPROVED" not in text and "nobody configured" not in text and "* Fixed `a`." in text
    assert "changes the relnotes configuration" in text


def test_the_summary_through_a_real_process(project, tmp_path):
    pr = _base(project)
    pr.write("templates/entry.md.j2", HOSTILE)
    pr.commit("hostile template")
    summary, preview = tmp_path / "summary.md", tmp_path / "preview.md"
    env = {**os.environ, "GITHUB_STEP_SUMMARY": str(summary), "PYTHONPATH": str(ROOT)}
    p = subprocess.run([sys.executable, "-m", "relnotes", "check", "--base", "main", "--preview", str(preview)],
                       cwd=pr.root, env=env, capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert summary.read_text() == preview.read_text()
    assert "APPROVED" not in preview.read_text() and _note(preview.read_text())
    assert "* Fixed `a` returning the wrong value." in preview.read_text()


def test_build_still_renders_with_the_work_trees_templates(project):
    pr = _base(project, {"templates/entry.md.j2": "* BASE ENTRY: {{ fragment.body }}\n"})
    pr.write("templates/entry.md.j2", "* NEW ENTRY: {{ fragment.body }}\n")
    pr.commit("new template")
    r = pr.run("build", "--draft")
    assert r.exit_code == 0, r.output
    assert "* NEW ENTRY: Fixed `a`" in r.output


def test_templates_dir_dot_compares_only_the_template_files(project, tmp_path):
    pr = _base(project, {"relnotes.yaml": project.read("relnotes.yaml") + "templates_dir: .\n",
                         "entry.md.j2": "* BASE ENTRY: {{ fragment.body }}\n"})
    pr.commit("code only: the root tree changes, the templates do not")
    text = _summary(pr, tmp_path, "one.md")
    assert "* BASE ENTRY: Fixed `a`" in text and not _note(text)
    pr.write("entry.md.j2", HOSTILE)
    pr.commit("edit")
    text = _summary(pr, tmp_path, "two.md")
    assert "* BASE ENTRY: Fixed `a`" in text and "APPROVED" not in text and _note(text)


MONO = """\
project: Mono
repository: https://github.com/example/mono
projects:
  - {name: cli, path: cli}
  - {name: web, path: web}
"""


def _mono(git_env, tmp_path) -> Project:
    root = tmp_path / "mono"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    p = Project(root)
    p.write("relnotes.yaml", MONO)
    for name in ("cli", "web"):
        p.write(f"{name}/RELEASES.md", "## 0.1.0\n\nUnreleased.\n\n### Added\n\n### Fixed\n\n")
        p.write(f"{name}/changes.d/.gitkeep", "")
        p.write(f"{name}/src.py", "0\n")
    p.write("web/templates/entry.md.j2", "* WEB BASE: {{ fragment.body }}\n")
    p.commit("base")
    p.git("switch", "-q", "-c", "pr")
    for name in ("cli", "web"):
        p.write(f"{name}/src.py", "1\n")
        p.write(f"{name}/changes.d/a.md", f"---\nsection: Fixed\n---\nFixed {name}.\n")
    return p


def test_monorepo_packages_use_their_bases_templates(git_env, tmp_path):
    pr = _mono(git_env, tmp_path)
    pr.write("cli/templates/entry.md.j2", HOSTILE)
    pr.write("web/templates/entry.md.j2", HOSTILE)
    pr.commit("hostile package templates")
    text = _summary(pr, tmp_path)
    assert "APPROVED" not in text and _note(text)
    assert "* Fixed cli." in text and "* WEB BASE: Fixed web." in text


def test_monorepo_pr_changing_the_configuration_previews_with_the_builtins(git_env, tmp_path):
    pr = _mono(git_env, tmp_path)
    pr.write("relnotes.yaml", MONO.replace("{name: web, path: web}", "{name: web, path: web, templates_dir: evil}"))
    pr.write("web/evil/entry.md.j2", HOSTILE)
    pr.commit("point web's templates elsewhere")
    text = _summary(pr, tmp_path)
    assert "APPROVED" not in text and "WEB BASE" not in text and "* Fixed web." in text
    assert "changes the relnotes configuration" in text
