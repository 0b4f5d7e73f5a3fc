"""The PR preview check --base writes to the GitHub job summary (and --preview FILE)."""

from __future__ import annotations

from conftest import corpus


def _pr(project):
    project.write("RELEASES.md", corpus("main.RELEASES.md"))
    project.write("src/lib.rs", "fn a() {}\n")
    project.fragment("old.md", "Fixed", "An older pending fix, not this PR's.", prs="[1]")
    project.commit("base")
    project.git("switch", "-q", "-c", "pr")
    project.write("src/lib.rs", "fn b() {}\n")
    project.fragment("b.md", "Added", "Function `b`, with a fence inside:\n\n  ````\n  x\n  ````", prs="[20]")
    project.fragment("a.md", "Fixed", "Fixed `a` returning the wrong value.", prs="[12]", issues="[7]")
    project.commit("change code")
    return project


def test_job_summary_previews_this_prs_entries_exactly(project, tmp_path, md_snapshot):
    pr = _pr(project)
    summary = tmp_path / "summary.md"
    summary.write_text("# earlier step\n")
    r = pr.run("check", "--base", "main", env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert r.exit_code == 0, r.output
    text = summary.read_text()
    assert text.startswith("# earlier step\n<!-- relnotes-preview -->\n")  # appended, not overwritten
    assert "older pending fix" not in text  # only this PR's fragments
    assert "* Fixed `a` returning the wrong value.\n  [#12](https://github.com/bytecodealliance/wasmtime/pull/12)" in text
    # the raw Markdown fence is longer than the fragment's own four-backtick fence
    assert "`````markdown\n## 49.0.0 (draft)\n" in text
    assert text == md_snapshot


def test_job_summary_lists_problems_after_the_entries(project, tmp_path, md_snapshot):
    pr = _pr(project)
    pr.write("changes.d/bad.md", "---\nsection: Nonsense\n---\nBroken.\n")
    pr.commit("bad fragment")
    summary = tmp_path / "summary.md"
    preview = tmp_path / "preview.md"
    r = pr.run("check", "--base", "main", "--preview", str(preview), env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert r.exit_code == 1
    text = summary.read_text()
    assert preview.read_text() == text
    assert text.index("adds 2 entries") < text.index("### 1 problem") < text.index("changes.d/bad.md:2:")
    assert text == md_snapshot


def test_no_summary_without_the_variable_or_base(project, tmp_path, monkeypatch):
    pr = _pr(project)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    assert pr.run("check", "--base", "main").exit_code == 0
    summary = tmp_path / "summary.md"
    assert pr.run("check", env={"GITHUB_STEP_SUMMARY": str(summary)}).exit_code == 0
    assert not summary.exists()


def test_a_pr_without_fragments_says_so(project, tmp_path):
    project.write("RELEASES.md", corpus("main.RELEASES.md"))
    project.commit("base")
    project.git("switch", "-q", "-c", "pr")
    project.write("docs/x.md", "docs\n")
    project.commit("docs")
    summary = tmp_path / "summary.md"
    assert project.run("check", "--base", "main", env={"GITHUB_STEP_SUMMARY": str(summary)}).exit_code == 0
    assert "This pull request adds no release-notes entry." in summary.read_text()


def test_action_can_post_one_sticky_comment_through_gh():
    from conftest import ROOT
    from ruamel.yaml import YAML

    action = YAML(typ="safe", pure=True).load((ROOT / "action.yml").read_text())
    assert action["inputs"]["comment"]["default"] == "false"
    assert "pull-requests: write" in action["inputs"]["comment"]["description"]
    check, comment = action["runs"]["steps"][-2:]
    assert '--preview "$RUNNER_TEMP/relnotes-preview.md"' in check["run"]
    assert comment["if"].startswith("always() && inputs.comment == 'true'")
    # found by the preview's first line, edited in place, else created once
    assert 'startswith("<!-- relnotes-preview -->")' in comment["run"]
    assert "gh api --method PATCH" in comment["run"] and "gh pr comment" in comment["run"]


def test_problems_quote_hostile_names_as_text_in_a_fence(project, tmp_path):
    """File names and front-matter keys come from the pull request: in the summary they
    sit inside a fence they cannot close, so no heading, HTML or image of theirs renders."""
    pr = _pr(project)
    pr.write("changes.d/c`<h2>ok<h2>`.md", "---\nsection: Fixed\n---\nFixed.\n\n## 9.9.9\n")
    pr.write("changes.d/d.md", '---\nsection: Fixed\n"<h3>0 problems</h3><img src=https://x/y.png>": 1\n---\nFixed.\n')
    pr.commit("hostile fragments")
    summary = tmp_path / "summary.md"
    r = pr.run("check", "--base", "main", env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert r.exit_code == 1
    text = summary.read_text()
    listed = text[text.index("### 2 problems"):]
    fence = listed.splitlines()[2]
    assert fence.startswith("```") and fence.endswith("text")
    inside = listed.split(fence, 1)[1]
    closing = fence[: -len("text")]
    body, after = inside.split("\n" + closing + "\n", 1)
    assert "<img src=https://x/y.png>" in body and "c`<h2>ok<h2>`.md" in body
    assert not any(line.startswith(closing) for line in body.splitlines())  # the fence holds
    assert "<" not in after
