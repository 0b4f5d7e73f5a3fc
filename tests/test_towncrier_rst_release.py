"""After ``import towncrier``, ``relnotes release`` writes the next release into the project's
own reStructuredText notes as ``towncrier build --yes`` writes it into the same file.

On the four vendored projects whose notes are rST (tests/data/towncrier/README.md): both
tools release the same version on the same date into a copy each; the files must agree
outside the new release byte for byte (the preamble, the start marker, every old release),
the new release's title and underline must be identical, and its categories the same
titles in the same order (up to the brackets a relnotes section name cannot hold).  The
lines that differ inside the new release are counted (README, "Migrating from towncrier").
"""

from __future__ import annotations

import difflib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import Project, git

DATA = Path(__file__).resolve().parent / "data" / "towncrier"
PROJECTS = {  # name -> (origin, notes file, the version released)
    "pytest": ("https://github.com/pytest-dev/pytest", "doc/en/changelog.rst", "9.2.0"),
    "pip": ("https://github.com/pypa/pip", "NEWS.rst", "26.3.0"),
    "trio": ("https://github.com/python-trio/trio", "docs/source/history.rst", "0.28.0"),
    "aiohttp": ("https://github.com/aio-libs/aiohttp", "CHANGES.rst", "3.15.0"),
}
# lines of the new release that differ (towncrier's minus relnotes' and the other way),
# measured; each project's reasons are in the README
MEASURED = {"pytest": (35, 35), "pip": (6, 12), "trio": (11, 11), "aiohttp": (1308, 649)}
MARKER = ".. towncrier release notes start"
_UNDERLINE = re.compile(r"^([=\-~^])\1{2,}$")


def _copy(tmp_path: Path, who: str, name: str) -> Path:
    root = tmp_path / who / name
    shutil.copytree(DATA / name, root)
    (root / "towncrier-draft.txt").unlink()
    git(root, "init", "-q", "-b", "main")
    git(root, "remote", "add", "origin", PROJECTS[name][0] + ".git")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "the project")
    return root


def _titles(section: list[str]) -> list[str]:
    return [re.sub(r"[(),]", "", line) for line, under in zip(section, section[1:])
            if line.strip() and _UNDERLINE.match(under) and len(under) >= len(line)]


@pytest.mark.parametrize("name", list(PROJECTS))
def test_release_writes_what_towncrier_build_writes(git_env, tmp_path, name):
    pytest.importorskip("towncrier")
    _, notes, version = PROJECTS[name]
    theirs_root = _copy(tmp_path, "towncrier", name)
    r = subprocess.run([sys.executable, "-m", "towncrier", "build", "--yes", "--version", version, "--date",
                        "2026-12-08"], cwd=theirs_root, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    p = Project(_copy(tmp_path, "relnotes", name))
    assert p.run("import", "towncrier").exit_code == 0
    assert not (p.root / "RELEASES.md").exists()
    p.git("add", "-A")
    p.git("commit", "-qm", "relnotes")
    rel = p.run("release", "--version", version, "--date", "2026-12-08")
    assert rel.exit_code == 0, rel.output
    before = (DATA / name / notes).read_text()
    theirs, ours = (theirs_root / notes).read_text(), p.read(notes)
    head, old = before.split(MARKER + "\n\n", 1)
    for text in (theirs, ours):  # the preamble, the marker and every old release, byte for byte
        assert text.startswith(head + MARKER + "\n\n") and text.endswith(old)
    new_theirs = theirs[len(head) + len(MARKER) + 2:len(theirs) - len(old)].splitlines()
    new_ours = ours[len(head) + len(MARKER) + 2:len(ours) - len(old)].splitlines()
    title = next(t for t in new_theirs if t.strip())
    if name == "trio":  # towncrier names trio by its package; relnotes follows the file's 'Trio 0.27.0'
        assert (title, new_ours[0]) == (f"trio {version} (2026-12-08)", f"Trio {version} (2026-12-08)")
    else:
        assert new_ours[:2] == new_theirs[:2]
    assert new_ours[1] == new_theirs[1]  # the underline
    theirs_categories = _titles(new_theirs)[1:]
    if name == "pip":  # pip's template leaves out its showcontent = false type (relnotes lists it)
        assert _titles(new_ours)[1:] == [*theirs_categories, "Trivial Changes"]
    else:
        assert _titles(new_ours)[1:] == theirs_categories
    diff = [d for d in difflib.unified_diff(new_theirs, new_ours, lineterm="", n=0)
            if d[:1] in "+-" and d[:3] not in ("+++", "---")]
    minus, plus = sum(d[0] == "-" for d in diff), sum(d[0] == "+" for d in diff)
    print(f"{name}: towncrier {len(new_theirs)} lines, relnotes {len(new_ours)}; differing -{minus} +{plus}")
    assert minus <= MEASURED[name][0] and plus <= MEASURED[name][1]


@pytest.mark.parametrize(("name", "followed"), [
    ("trio", "underlines = ['-', '~', '^']: followed, because docs/source/history.rst underlines its releases with "
             "'-' and categories with '~'"),
    ("pytest", "title_format = 'pytest {version} ({project_date})': followed, because doc/en/changelog.rst's newest "
               "title 'pytest 9.1.1 (2026-06-19)' has its words"),
])
def test_the_summary_says_which_towncrier_settings_the_file_follows(git_env, tmp_path, name, followed):
    p = Project(_copy(tmp_path, "relnotes", name))
    r = p.run("import", "towncrier", "--dry-run")
    assert r.exit_code == 0, r.output
    assert followed in r.stdout
    assert "notes_format: \"rst\"" in r.stdout and "RELEASES.md" not in r.stdout


def test_a_title_format_the_file_does_not_follow_is_reported(git_env, tmp_path):
    p = Project(_copy(tmp_path, "relnotes", "pytest"))
    p.write("pyproject.toml", p.read("pyproject.toml").replace('title_format = "pytest {version} ({project_date})"',
                                                               'title_format = "v{version} ({project_date})"'))
    r = p.run("import", "towncrier", "--dry-run")
    assert r.exit_code == 0, r.output
    assert "title_format = 'v{version} ({project_date})': not carried over" in r.stdout
