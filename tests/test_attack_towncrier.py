"""Attacks on 'import towncrier': a hostile pyproject.toml, towncrier fragments and file
names.  Each must end in a located message (exit 1 or 2) with nothing written, or in
fragments that keep the notes' structure; never exit 3, a hang, or a read outside."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
from conftest import Project, git

PYPROJECT = """\
[project]
name = "mypkg"
version = "1.2.0"

[tool.towncrier]
directory = "newsfragments"
filename = "CHANGELOG.md"
issue_format = "`#{issue} <https://github.com/acme/mypkg/issues/{issue}>`_"

[[tool.towncrier.type]]
directory = "feature"
name = "Features"
showcontent = true

[[tool.towncrier.type]]
directory = "bugfix"
name = "Bug Fixes"
showcontent = true
"""


@pytest.fixture
def tc(git_env, tmp_path) -> Project:
    root = tmp_path / "mypkg"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    p = Project(root)
    p.write("pyproject.toml", PYPROJECT)
    p.write("newsfragments/12.feature.rst", "Added ``--fast``.\n")
    p.git("remote", "add", "origin", "https://github.com/acme/mypkg.git")
    return p


def refused(p: Project, *args: str, code: int, says: str) -> None:
    before = p.snapshot_tree()
    r = p.run("import", "towncrier", *args)
    assert r.exit_code == code, r.output
    assert says in r.output
    assert "internal error" not in r.output
    assert p.snapshot_tree() == before


def test_deeply_nested_toml_is_a_located_error_not_a_crash(tc):
    tc.write("pyproject.toml", PYPROJECT.replace('version = "1.2.0"',
                                                 'version = "1.2.0"\nv = ' + "[" * 50_000 + "]" * 50_000))
    refused(tc, code=2, says="pyproject.toml: TOML nested too deeply")


def test_a_towncrier_toml_of_long_dotted_keys_is_refused(tc):
    tc.write("towncrier.toml", "[tool.towncrier]\n" + "a" + ".a" * 5000 + " = 1\n")
    refused(tc, code=2, says="towncrier.toml")


@pytest.mark.parametrize("directory", ["../outside", "/tmp", "newsfragments/../../outside"])
def test_a_fragments_directory_outside_the_repository_is_refused(tc, tmp_path, directory):
    (tmp_path / "outside").mkdir(exist_ok=True)
    (tmp_path / "outside" / "1.feature").write_text("secret\n")
    tc.write("pyproject.toml", PYPROJECT.replace('directory = "newsfragments"', f'directory = "{directory}"'))
    refused(tc, code=2, says="outside")


def test_a_fragment_symlinked_outside_is_refused_and_never_copied(tc, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET\n")
    os.symlink(secret, tc.root / "newsfragments" / "13.bugfix")
    refused(tc, code=2, says="13.bugfix")


def test_a_type_directory_outside_is_refused(tc, tmp_path):
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "1.md").write_text("secret\n")
    tc.write("pyproject.toml", PYPROJECT.replace('directory = "bugfix"', 'directory = "../../x"')
             .replace("[tool.towncrier]\n", "[tool.towncrier]\nsingle_file = true\n"))
    r = tc.run("import", "towncrier")
    assert r.exit_code in (0, 1, 2), r.output
    assert "internal error" not in r.output
    assert "secret" not in "".join(p.read_text() for p in (tc.root).rglob("*.md") if ".git" not in p.parts)


def test_role_titles_cannot_smuggle_structure_or_scripts(tc):
    tc.write("newsfragments/13.bugfix.rst", ":issue:`x\n\n## 99.0.0\n\n<12>` and :issue:`y](javascript:alert(1)) <3>`\n")
    refused(tc, code=1, says="newsfragments/13.bugfix.rst")


def test_hyperlink_targets_cannot_become_javascript_links(tc):
    tc.write("newsfragments/13.bugfix.rst", "`x <https://a.example) [y](javascript:alert(1)>`_\n")
    refused(tc, code=1, says="javascript:alert(1)")


def test_an_issue_format_with_a_javascript_url_gives_no_link_pattern(tc):
    tc.write("pyproject.toml", PYPROJECT.replace("https://github.com/acme/mypkg/issues/{issue}",
                                                 "javascript:alert({issue})"))
    r = tc.run("import", "towncrier")
    assert "internal error" not in r.output
    if r.exit_code == 0:
        assert "javascript" not in tc.read("relnotes.yaml")
        assert "javascript" not in "".join(p.read_text() for p in (tc.root / "changes.d").iterdir())


def test_a_huge_issue_number_in_a_file_name_is_no_crash(tc):
    tc.write("newsfragments/" + "9" * 200 + ".bugfix.rst", "Fixed.\n")
    r = tc.run("import", "towncrier")
    assert r.exit_code in (0, 1, 2), r.output
    assert "internal error" not in r.output


def test_template_syntax_in_a_fragment_stays_text(tc):
    tc.write("newsfragments/13.bugfix.rst", "Fixed {{ 7*7 }} and {% raw %}x.\n")
    r = tc.run("import", "towncrier")
    assert r.exit_code == 0, r.output
    draft = tc.run("build", "--draft")
    assert draft.exit_code == 0, draft.output
    assert "Fixed {{ 7*7 }} and {% raw %}x." in draft.stdout


@pytest.mark.parametrize("body", [
    ":a:`" * 20_000,                                 # a role opened twenty thousand times
    "`" * 60_000,                                    # a run of backquotes
    ":" * 30_000 + "`x`",                            # colons before a role
    "`x <" * 15_000,                                 # hyperlinks that never close
    "::\n\n" + "  a\n" * 15_000,                     # a long literal block
    "\n".join("  " * i + ".. code-block:: python" for i in range(2000)),  # nested directives
])
def test_pathological_rst_converts_in_bounded_time(tc, body):
    tc.write("newsfragments/13.bugfix.rst", body[:60_000] + "\n")
    start = time.monotonic()
    r = tc.run("import", "towncrier", "--dry-run")
    assert time.monotonic() - start < 30
    assert r.exit_code in (0, 1, 2), r.output
    assert "internal error" not in r.output


@pytest.mark.parametrize("bump", ["feature=huge", "nosuchtype=major", "feature", "=major", "feature=major=minor",
                                  "feature=major\nx", "x" * 100_000 + "=major"])
def test_bad_bump_options_are_usage_errors(tc, bump):
    refused(tc, "--bump", bump, code=2, says="--bump")


def test_user_roles_give_only_real_handles(tc):
    tc.write("newsfragments/13.bugfix.rst", "Fixed by :user:`../../evil` and :user:`a\nb` and :user:`octo-cat`.\n")
    r = tc.run("import", "towncrier")
    assert r.exit_code == 0, r.output
    text = "".join(p.read_text() for p in sorted((tc.root / "changes.d").glob("*.md")))
    assert "octo-cat" in text and "https://github.com/../../evil" not in text


def test_import_as_a_subprocess_refuses_a_nested_toml(tc):
    tc.write("pyproject.toml", PYPROJECT + "x = " + "{a=" * 20_000 + "}" * 20_000 + "\n")
    r = subprocess.run([sys.executable, "-m", "relnotes", "import", "towncrier"], cwd=tc.root,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2, r.stdout + r.stderr
    assert "TOML nested too deeply" in r.stderr


def test_a_changelog_symlinked_outside_is_never_written(tc, tmp_path):
    outside = tmp_path / "outside.md"
    outside.write_text("# Changelog\n\n## 1.1.0 (2026-01-05)\n\n### Features\n\n- Something.\n")
    before = outside.read_bytes()
    os.symlink(outside, tc.root / "CHANGELOG.md")
    refused(tc, code=2, says="CHANGELOG.md: file resolves outside the repository")
    assert outside.read_bytes() == before
