"""Issue 27: release branches come from the configured remote (``remote``, default
origin) and local branches only; ``archive`` never drops a link to a branch it cannot see."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import ROOT, corpus

from relnotes.config import load as config
from relnotes.config import schema as config_schema
from relnotes.errors import ConfigError
from relnotes.git.history import History
from relnotes.git.repo import Repo

NOTES = "## 2.0.0\n\nUnreleased.\n\n### Added\n\n" + "-" * 80 + "\n\n<!-- ARCHIVE_START -->\n"


def release_branch(p, remote: str, name: str, notes: str) -> None:
    """A commit whose RELEASES.md is ``notes``, as ``refs/remotes/REMOTE/NAME``."""
    p.git("switch", "-q", "--orphan", f"tmp-{remote}-{name}")
    p.write("RELEASES.md", notes)
    p.commit(f"{remote} {name}")
    p.git("update-ref", f"refs/remotes/{remote}/{name}", "HEAD")
    p.git("switch", "-q", "-f", "main")
    p.git("branch", "-q", "-D", f"tmp-{remote}-{name}")


@pytest.fixture
def forked(project):
    project.write("RELEASES.md", NOTES)
    project.commit("main")
    release_branch(project, "origin", "release-1.0.0", "## 1.0.0\n\nReleased 2025-01-01.\n\n### Added\n\n* Real.\n")
    release_branch(project, "fork", "release-1.0.0", "## 1.0.0\n\nReleased 2025-01-01.\n\n### Added\n\n* EVIL.\n")
    release_branch(project, "fork", "release-1.5.0", "## 1.5.0\n\nReleased 2025-02-01.\n\n### Added\n\n* EVIL too.\n")
    return project


def test_branches_and_history_list_the_configured_remote_only(forked):
    with Repo(forked.root) as repo:
        assert sorted(r.name for r in repo.branches("origin")) == ["main", "origin/release-1.0.0"]
        assert sorted(r.name for r in repo.branches("fork")) == ["fork/release-1.0.0", "fork/release-1.5.0", "main"]
        refs = History.load(repo, "origin").refs
    assert not any(name.startswith("refs/remotes/fork/") for name in refs)
    assert "refs/remotes/origin/release-1.0.0" in refs


def test_history_and_site_do_not_read_a_forks_release_branch(forked):
    r = forked.run("history")
    assert r.exit_code == 0, r.output
    assert "Real." in r.stdout and "EVIL" not in r.stdout
    r = forked.run("site", str(forked.root / "site"))
    assert r.exit_code == 0, r.output
    pages = "".join(p.read_text() for p in (forked.root / "site").rglob("*.html"))
    assert "Real." in pages and "EVIL" not in pages


def test_the_remote_key_chooses_another_remote(forked):
    forked.write("relnotes.yaml", forked.read("relnotes.yaml") + "remote: fork\n")
    r = forked.run("history")
    assert r.exit_code == 0 and "EVIL" in r.stdout and "Real." not in r.stdout


def test_archive_lists_the_configured_remotes_branches(forked):
    assert forked.run("archive").exit_code == 0
    text = forked.read("RELEASES.md")
    assert "* [1.0.x (and prior)](https://github.com/bytecodealliance/wasmtime/blob/release-1.0.0/RELEASES.md)" in text
    assert "1.5.x" not in text


@pytest.mark.parametrize("value", ["", "a/b", "-x", "..", "a..b", "x.lock", " origin", "origin\n", 5, None])
def test_a_bad_remote_is_refused_with_its_line(tmp_path, value):
    import json

    text = "preset: wasmtime\nremote: " + json.dumps(value) + "\n"
    with pytest.raises(ConfigError) as e:
        config.from_text(text, tmp_path / "relnotes.yaml", tmp_path, use_cache=False)
    assert "relnotes.yaml:2:1: 'remote' must be the name of a git remote" in e.value.message


def test_the_schema_has_the_remote_key():
    schema = config_schema.json_schema()
    assert schema["properties"]["remote"]["default"] == "origin"
    assert "pattern" in schema["properties"]["remote"]


# -- archive never drops what it cannot see -------------------------------------------------


@pytest.fixture
def clone(project):
    """main's real notes, with 57 archive links, in a clone that has no release branch."""
    project.write("RELEASES.md", corpus("main.RELEASES.md"))
    project.commit("main")
    return project


def test_archive_in_a_clone_without_the_branches_refuses(clone):
    before = clone.snapshot_tree()
    r = clone.run("archive")
    assert r.exit_code == 2, r.output
    assert "RELEASES.md: 57 archive link(s) point to branches git does not know here: [48.0.x](" in r.stderr
    assert "(line " in r.stderr and "and 52 more; nothing was changed" in r.stderr
    assert "git fetch origin '+refs/heads/release-*:refs/remotes/origin/release-*'" in r.stderr
    assert "relnotes archive --prune" in r.stderr
    assert clone.snapshot_tree() == before


def test_archive_check_reports_them_without_proposing_to_drop_them(clone):
    r = clone.run("archive", "--check")
    assert r.exit_code == 1
    assert "57 archive link(s) point to branches git does not know here" in r.stderr
    assert "fetch them, then run 'relnotes archive'" in r.stderr
    assert not any(line.startswith("-* [") for line in r.stdout.splitlines())


def test_archive_prune_drops_them_when_asked(clone):
    r = clone.run("archive", "--prune")
    assert r.exit_code == 0, r.output
    assert "* [" not in clone.read("RELEASES.md").partition("<!-- ARCHIVE_START -->")[2]


def test_archive_keeps_unseen_links_in_version_order_and_adds_the_new(clone):
    text = clone.read("RELEASES.md")
    sha = clone.git("rev-parse", "HEAD")
    clone.git("update-ref", "refs/remotes/origin/release-47.0.0", sha)
    clone.git("update-ref", "refs/remotes/fork/release-46.0.0", sha)  # a fork's: still unseen
    r = clone.run("archive", "--check")
    assert r.exit_code == 1 and "56 archive link(s)" in r.stderr and r.stdout == ""
    r = clone.run("archive")
    assert r.exit_code == 2 and clone.read("RELEASES.md") == text


def test_archive_refusal_as_a_real_subprocess(clone):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    r = subprocess.run([sys.executable, "-m", "relnotes", "archive"], cwd=clone.root, capture_output=True,
                       text=True, env=env)
    assert r.returncode == 2 and "git does not know here" in r.stderr and "Traceback" not in r.stderr


def test_a_hand_written_archive_link_is_not_dropped_silently(project):
    project.write("RELEASES.md", NOTES + "* [0.1.x](https://example.org/old-notes.html)\n")
    project.commit("main")
    r = project.run("archive")
    assert r.exit_code == 2 and "[0.1.x](https://example.org/old-notes.html) (line 10)" in r.stderr
    assert project.run("archive", "--prune").exit_code == 0
    assert "example.org" not in project.read("RELEASES.md")


def test_the_fetch_hint_is_one_git_command_whatever_the_configured_branch_name():
    """The hint comes from the configuration: copied into a shell it runs `git fetch` and
    nothing else (a quote or `$(…)` in release_branch stays inside its argument)."""
    import shlex

    from relnotes.git.arguments import fetch_release_branches

    hint = fetch_release_branches("origin", "r'$(touch /tmp/pw)'-{version}")
    assert shlex.split(hint) == ["git", "fetch", "origin",
                                 "+refs/heads/r'$(touch /tmp/pw)'-*:refs/remotes/origin/r'$(touch /tmp/pw)'-*"]
    assert fetch_release_branches("origin", "release-{version}") == \
        "git fetch origin '+refs/heads/release-*:refs/remotes/origin/release-*'"
