"""Confinement: no path a repository (or a pull request) chooses — a configured path, a
symbolic link, a template include, a towncrier directory — makes relnotes read or
write outside the repository or inside ``.git``.  Every case: exit 2 (1 for a
fragment, reported with the other fragment problems), a message naming the path,
nothing changed on disk, inside the repository or outside it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import corpus

from relnotes import fsio
from relnotes.errors import ConfigError

MAIN = corpus("main.RELEASES.md")
GOOD = "---\nsection: Fixed\nprs: [1]\n---\nA fix from outside.\n"
SECRET = "TOP-SECRET-CONTENT"


def tree(root: Path) -> dict[str, bytes]:
    """Every file below ``root`` (symlinks listed by target text, not followed)."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d != ".git"]
        for name in filenames + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]:
            p = Path(dirpath, name)
            key = p.relative_to(root).as_posix()
            out[key] = ("-> " + os.readlink(p)).encode() if p.is_symlink() else p.read_bytes()
    return out


@pytest.fixture
def outside(tmp_path) -> Path:
    """A directory next to the repository, with a fragment and a secret in it."""
    d = tmp_path / "elsewhere"
    d.mkdir()
    (d / "stolen.md").write_text(GOOD)
    (d / "secret.txt").write_text(SECRET + "\n")
    return d


@pytest.fixture
def repo(project):
    project.write("RELEASES.md", MAIN)
    project.fragment("ok.md", "Fixed", "An honest fix.", prs="[2]")
    return project


def attempt(project, outside: Path, *args: str, code: int = 2, message: str = ""):
    """Run a command that must be refused; prove nothing changed anywhere."""
    before, before_out = tree(project.root), tree(outside)
    r = project.run(*args)
    assert r.exit_code == code, r.output
    assert message in r.stderr, r.stderr
    assert "Traceback" not in r.output
    assert SECRET not in r.output
    assert tree(project.root) == before
    assert tree(outside) == before_out
    return r


# -- the fragments directory -------------------------------------------------------------------


@pytest.mark.parametrize("args", [["check"], ["build"], ["build", "--draft"], ["release", "--date", "2026-01-01"],
                                  ["new", "-s", "Fixed", "-m", "New text."]])
def test_fragments_dir_symlinked_outside_is_refused(project, outside, args):
    project.write("RELEASES.md", MAIN)
    (project.root / "changes.d/.gitkeep").unlink()
    (project.root / "changes.d").rmdir()
    os.symlink(outside, project.root / "changes.d")
    project.commit("base")
    attempt(project, outside, *args, message="changes.d: fragments directory resolves outside the repository")


def test_fragments_dir_below_a_symlinked_parent_is_refused(project, outside):
    project.write("RELEASES.md", MAIN)
    project.write("relnotes.yaml", project.read("relnotes.yaml") + "fragments_dir: notes/pending\n")
    (outside / "pending").mkdir()
    (outside / "pending/a.md").write_text(GOOD)
    os.symlink(outside, project.root / "notes")
    attempt(project, outside, "build", message="notes/pending: fragments directory resolves outside the repository")


def test_fragments_dir_symlinked_into_git_is_refused(project, outside):
    project.write("RELEASES.md", MAIN)
    (project.root / "changes.d/.gitkeep").unlink()
    (project.root / "changes.d").rmdir()
    os.symlink(".git", project.root / "changes.d")
    attempt(project, outside, "check", message="changes.d: fragments directory resolves inside the git directory")


def test_fragments_dir_symlinked_inside_the_repository_works(project):
    project.write("RELEASES.md", MAIN)
    project.write("docs/pending/a.md", GOOD)
    (project.root / "changes.d/.gitkeep").unlink()
    (project.root / "changes.d").rmdir()
    os.symlink("docs/pending", project.root / "changes.d")
    assert project.run("check").exit_code == 0
    r = project.run("build")
    assert r.exit_code == 0, r.output
    assert "A fix from outside." in project.read("RELEASES.md")
    assert not (project.root / "docs/pending/a.md").exists()


# -- single fragments ----------------------------------------------------------------------------


@pytest.mark.parametrize("target", ["outside", ".git/config", ".git/HEAD"])
def test_fragment_symlinked_outside_or_into_git_is_a_problem(repo, outside, target):
    link = outside / "stolen.md" if target == "outside" else repo.root / target
    os.symlink(link, repo.root / "changes.d/link.md")
    r = attempt(repo, outside, "check", code=1,
                message="changes.d/link.md:1:1: is a symbolic link to a file outside the repository (or inside .git)")
    assert "repositoryformatversion" not in r.output and "refs/heads" not in r.output
    attempt(repo, outside, "build", code=1, message="fragments have problems; nothing was changed")


def test_fragment_symlinked_inside_the_repository_is_read(repo):
    repo.write("docs/shared-fix.md", GOOD)
    os.symlink("../docs/shared-fix.md", repo.root / "changes.d/shared.md")
    r = repo.run("build")
    assert r.exit_code == 0, r.output
    assert "A fix from outside." in repo.read("RELEASES.md")
    assert (repo.root / "docs/shared-fix.md").exists()  # the link went, never its target
    assert not (repo.root / "changes.d/shared.md").is_symlink()


# -- the notes file and version files -------------------------------------------------------------


@pytest.mark.parametrize("args", [["build"], ["check"], ["stamp"], ["show"]])
def test_notes_file_symlinked_into_git_is_refused(repo, outside, args):
    (repo.root / "RELEASES.md").unlink()
    os.symlink(".git/description", repo.root / "RELEASES.md")
    attempt(repo, outside, *args, message="RELEASES.md: notes file resolves inside the git directory")


def test_notes_file_below_a_symlinked_directory_is_refused(repo, outside):
    (outside / "RELEASES.md").write_text(MAIN)
    os.symlink(outside, repo.root / "docs")
    repo.write("relnotes.yaml", repo.read("relnotes.yaml") + "notes_file: docs/RELEASES.md\n")
    attempt(repo, outside, "build", message="docs/RELEASES.md: notes file resolves outside the repository")


def test_version_file_symlinked_outside_is_refused(repo, outside):
    (outside / "Cargo.toml").write_text('version = "49.0.0"\n')
    os.symlink(outside / "Cargo.toml", repo.root / "Cargo.toml")
    repo.write("relnotes.yaml", repo.read("relnotes.yaml")
               + "version_files: [{path: Cargo.toml, pattern: 'version = \"{version}\"'}]\n")
    repo.commit("base")
    attempt(repo, outside, "cut", message="Cargo.toml: version file resolves outside the repository")
    attempt(repo, outside, "cut", "--dry-run", message="Cargo.toml: version file resolves outside the repository")


@pytest.mark.parametrize("key, value", [("notes_file", ".git/config"), ("fragments_dir", ".git"),
                                        ("templates_dir", "sub/.GIT/x"), ("notes_file", "../x.md")])
def test_configured_paths_into_git_or_up_are_refused(repo, outside, key, value):
    repo.write("relnotes.yaml", repo.read("relnotes.yaml") + f"{key}: {value}\n")
    r = attempt(repo, outside, "check", message=f"relnotes.yaml:4:1: '{key}' ({value!r}) points")
    assert ("into the git directory" if ".." not in value else "outside the repository") in r.stderr


# -- the configuration file ----------------------------------------------------------------------


@pytest.mark.parametrize("target", ["outside", ".git/config"])
def test_config_file_symlinked_away_is_refused(repo, outside, target):
    (outside / "relnotes.yaml").write_text("project: Evil\n")
    (repo.root / "relnotes.yaml").unlink()
    os.symlink(outside / "relnotes.yaml" if target == "outside" else repo.root / target, repo.root / "relnotes.yaml")
    where = "outside the repository" if target == "outside" else "inside the git directory"
    attempt(repo, outside, "check", message=f"relnotes.yaml: configuration file resolves {where}")
    attempt(repo, outside, "--config", "relnotes.yaml", "check",
            message=f"relnotes.yaml: configuration file resolves {where}")


def test_explicit_config_elsewhere_names_that_repository(repo, outside):
    """--config is the user's choice, not the repository's: the file's directory is the
    repository relnotes then works on (and confines to)."""
    other = outside / "other"
    (other / "changes.d").mkdir(parents=True)
    (other / "relnotes.yaml").write_text("project: Other\n")
    (other / "RELEASES.md").write_text(MAIN)
    (other / "changes.d/x.md").write_text(GOOD)
    r = repo.run("--config", str(other / "relnotes.yaml"), "build", "--draft")
    assert r.exit_code == 0, r.output
    assert "A fix from outside." in r.stdout and "An honest fix." not in r.stdout


# -- templates -------------------------------------------------------------------------------------


DRAFT = "templates/draft.md.j2"


def test_template_include_through_nested_symlink_is_refused(repo, outside):
    repo.write(DRAFT, '{% include "parts/sys/secret.txt" %}\n')
    (repo.root / "templates/parts").mkdir()
    os.symlink(outside, repo.root / "templates/parts/sys")
    attempt(repo, outside, "build", "--draft",
            message="templates/parts/sys/secret.txt: template resolves outside the repository")


@pytest.mark.parametrize("include", [".git/config", ".git/HEAD", "sub/.git/config"])
def test_templates_dir_dot_cannot_include_git_files(repo, outside, include):
    (repo.root / "sub/.git").mkdir(parents=True)
    (repo.root / "sub/.git/config").write_text(SECRET)
    repo.write("relnotes.yaml", repo.read("relnotes.yaml") + 'templates_dir: "."\n')
    repo.write("draft.md.j2", '{% include "' + include + '" %}\n')
    r = attempt(repo, outside, "build", "--draft", message=f"{include}: template resolves inside the git directory")
    assert "repositoryformatversion" not in r.output


def test_templates_dir_symlinked_outside_is_refused(repo, outside):
    (outside / "draft.md.j2").write_text("{{ version }}\n")
    os.symlink(outside, repo.root / "templates")
    attempt(repo, outside, "build", "--draft", message="templates: templates_dir resolves outside the repository")


def test_template_file_symlinked_outside_is_refused(repo, outside):
    (outside / "draft.md.j2").write_text("{{ version }}\n")
    (repo.root / "templates").mkdir()
    os.symlink(outside / "draft.md.j2", repo.root / DRAFT)
    attempt(repo, outside, "build", "--draft", message=f"{DRAFT}: template resolves outside the repository")


def test_template_extends_and_includes_symlinks_that_stay_inside(repo):
    repo.write("shared/header.j2", "# {{ project }} {{ version }}\n")
    repo.write(DRAFT, '{% include "parts/header.j2" %}{% for c in categories %}{{ c.name }}\n{% endfor %}')
    os.symlink("../shared", repo.root / "templates/parts")
    r = repo.run("build", "--draft")
    assert r.exit_code == 0, r.output
    assert r.stdout == "# Wasmtime 49.0.0\nFixed\n"


# -- importers -------------------------------------------------------------------------------------


def _towncrier(project, toml: str) -> None:
    project.write("py/pyproject.toml", toml)


def test_towncrier_directory_outside_is_refused(repo, outside):
    (outside / "1.feature.md").write_text("Outside.\n")
    _towncrier(repo, '[tool.towncrier]\ndirectory = "../../elsewhere"\n')
    attempt(repo, outside, "import", "towncrier", "py",
            message="elsewhere: towncrier fragments directory resolves outside the repository")


def test_towncrier_absolute_directory_is_refused(repo, outside):
    (outside / "1.feature.md").write_text("Outside.\n")
    _towncrier(repo, f'[tool.towncrier]\ndirectory = "{outside}"\n')
    attempt(repo, outside, "import", "towncrier", "py", "--dry-run",
            message="towncrier fragments directory resolves outside the repository")


def test_towncrier_fragment_symlinked_outside_is_refused(repo, outside):
    (outside / "1.feature.md").write_text("Outside.\n")
    _towncrier(repo, '[tool.towncrier]\ndirectory = "news"\n')
    repo.write("py/news/2.bugfix.md", "Inside.\n")
    os.symlink(outside / "1.feature.md", repo.root / "py/news/1.feature.md")
    attempt(repo, outside, "import", "towncrier", "py",
            message="py/news/1.feature.md: towncrier fragment resolves outside the repository")


def test_towncrier_config_symlinked_outside_is_refused(repo, outside):
    (outside / "towncrier.toml").write_text('[tool.towncrier]\ndirectory = "news"\n')
    (repo.root / "py").mkdir()
    os.symlink(outside / "towncrier.toml", repo.root / "py/towncrier.toml")
    attempt(repo, outside, "import", "towncrier", "py",
            message="py/towncrier.toml: towncrier configuration resolves outside the repository")


def test_towncrier_directory_inside_still_imports(repo):
    _towncrier(repo, '[tool.towncrier]\ndirectory = "news"\n')
    repo.write("py/news/7.bugfix.md", "Fixed the thing.\n")
    r = repo.run("import", "towncrier", "py")
    assert r.exit_code == 0, r.output
    assert any("Fixed the thing." in p.read_text() for p in (repo.root / "changes.d").glob("towncrier-*.md"))


@pytest.mark.parametrize("source", ["outside", ".git/description"])
def test_import_notes_from_outside_or_git_is_refused(repo, outside, source):
    (outside / "OLD.md").write_text(MAIN)
    path = str(outside / "OLD.md") if source == "outside" else source
    attempt(repo, outside, "import", "notes", path, message="notes file resolves")


# -- the rule itself ---------------------------------------------------------------------------


@pytest.mark.parametrize("rel, ok", [("a/b.md", True), ("a/../b.md", True), (".git", False), (".git/config", False),
                                     ("x/.Git/config", False), ("..", False), ("../x", False), (".github/x", True),
                                     (".gitignore", True)])
def test_escape_problem(tmp_path, rel, ok):
    (tmp_path / "a").mkdir()
    assert (fsio.escape_problem(tmp_path, tmp_path / rel) is None) == ok
    if not ok:
        with pytest.raises(ConfigError) as e:
            fsio.inside(tmp_path, tmp_path / rel, what="thing")
        assert e.value.exit_code == 2 and "thing resolves" in e.value.message


def test_refusal_as_a_real_process(project, outside):
    """The same refusal from a real ``python -m relnotes`` process: exit 2, no traceback."""
    project.write("RELEASES.md", MAIN)
    (project.root / "changes.d/.gitkeep").unlink()
    (project.root / "changes.d").rmdir()
    os.symlink(outside, project.root / "changes.d")
    before = tree(outside)
    r = subprocess.run([sys.executable, "-m", "relnotes", "build"], cwd=project.root, capture_output=True, text=True,
                       env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)})
    assert r.returncode == 2, r.stderr
    assert "changes.d: fragments directory resolves outside the repository" in r.stderr
    assert "Traceback" not in r.stderr
    assert tree(outside) == before


def test_symlink_loops_are_refused_not_crashed(repo, outside):
    (repo.root / "RELEASES.md").unlink()
    os.symlink("loop-b", repo.root / "RELEASES.md")
    os.symlink("RELEASES.md", repo.root / "loop-b")
    # Python 3.11 and 3.12: Path.resolve() raises on the loop, and relnotes names it; 3.13's
    # resolve() leaves a loop as it is (as os.path.realpath does), so the refusal comes
    # from what follows: the read fails with ELOOP, the fragment is not a regular file.
    r = attempt(repo, outside, "build", message="error: RELEASES.md: ")
    assert ("RELEASES.md: notes file is a loop of symbolic links" in r.stderr
            or "RELEASES.md: cannot read the notes file: Too many levels of symbolic links" in r.stderr), r.stderr
    os.symlink("loop.md", repo.root / "changes.d/loop.md")
    r = attempt(repo, outside, "check", code=1, message="changes.d/loop.md:1:1: is ")
    assert ("changes.d/loop.md:1:1: is a symbolic link" in r.stderr
            or "changes.d/loop.md:1:1: is not a regular file" in r.stderr), r.stderr


# -- the static site -----------------------------------------------------------------------------


@pytest.fixture
def history_repo(git_env, tmp_path):
    from test_browsing import build_release_repo

    return build_release_repo(tmp_path / "repo", ["release-47.0.0", "release-48.0.0"])


def test_site_template_include_through_symlink_is_refused(history_repo, outside, tmp_path):
    history_repo.write("templates/site/index.html.j2", '{% include "parts/secret.txt" %}')
    os.symlink(outside, history_repo.root / "templates/site/parts")
    r = history_repo.run("site", str(history_repo.root / "_site"), "--on", "2026-08-21")
    assert r.exit_code == 2, r.output
    assert "templates/site/parts/secret.txt: template resolves outside the repository" in r.stderr
    assert SECRET not in r.output and not any((history_repo.root / "_site").glob("*.html"))


def test_site_template_budget_names_the_page(history_repo, tmp_path):
    history_repo.write("templates/site/index.html.j2", "ok\n{{ 'x' * 10 ** 9 }}")
    r = history_repo.run("site", str(history_repo.root / "_site"), "--on", "2026-08-21")
    assert r.exit_code == 2, r.output
    assert "error: templates/site/index.html.j2:2: template stopped: repeating a value" in r.stderr


@pytest.mark.parametrize("listed", ["ABSOLUTE", "sub/../../elsewhere/secret.txt"])
def test_site_rebuild_never_removes_files_outside_its_directory(history_repo, outside, tmp_path, listed):
    out = history_repo.root / "_site"
    assert history_repo.run("site", str(out), "--on", "2026-08-21").exit_code == 0
    target = str(outside / "secret.txt") if listed == "ABSOLUTE" else listed
    marker = out / ".relnotes-site"
    marker.write_text(marker.read_text() + target + "\n")
    before = tree(outside)
    r = history_repo.run("site", str(out), "--on", "2026-08-21")
    assert tree(outside) == before
    if listed == "ABSOLUTE":
        assert r.exit_code == 2 and "resolves outside the repository" in r.stderr
    else:  # '..' entries are ignored outright
        assert r.exit_code == 0, r.output


def test_site_directory_symlinked_subdirectory_is_refused(history_repo, outside, tmp_path):
    out = history_repo.root / "_site"
    assert history_repo.run("site", str(out), "--on", "2026-08-21").exit_code == 0
    import shutil

    shutil.rmtree(out / "releases")
    os.symlink(outside, out / "releases")
    before = tree(outside)
    r = history_repo.run("site", str(out), "--on", "2026-08-21")
    assert r.exit_code == 2 and "releases/" in r.stderr and "resolves outside" in r.stderr
    assert tree(outside) == before
