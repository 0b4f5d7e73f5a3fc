"""Finding the repository: git's own answer (one ``rev-parse``), not a re-implementation.

:func:`relnotes.git.process.discover` asks git from the start directory, so worktrees,
``.git`` files, ``GIT_CEILING_DIRECTORIES``, bare repositories and repositories
without a commit mean what they mean to git.
"""

from __future__ import annotations

import pytest
from conftest import git

from relnotes.errors import StateError
from relnotes.git.process import discover
from relnotes.git.repo import Repo


def test_a_repository_without_commits(project):
    with Repo(project.root) as repo:
        assert repo.root == project.root and repo.head_commit() is None
        assert repo.current_branch() == "main" and not repo.is_shallow()
        assert repo.git_dir == project.root / ".git"


def test_head_branch_and_detached(project):
    first = project.commit("one")
    (project.root / "sub" / "deeper").mkdir(parents=True)
    with Repo(project.root / "sub" / "deeper") as repo:
        assert repo.root == project.root and repo.head_commit() == first and repo.current_branch() == "main"
    project.git("switch", "-q", "--detach")
    with Repo(project.root) as repo:
        assert repo.head_commit() == first and repo.current_branch() is None


def test_commit_moves_head(project):
    project.commit("one")
    project.write("a.txt", "a\n")
    with Repo(project.root) as repo:
        repo.add(["a.txt"])
        sha = repo.commit("two")
        assert repo.head_commit() == sha == project.git("rev-parse", "HEAD")


def test_a_linked_worktree(project, tmp_path):
    project.commit("one")
    other = tmp_path / "wt"
    project.git("worktree", "add", "-q", "-b", "topic", str(other))
    with Repo(other) as repo:
        assert repo.root == other and repo.current_branch() == "topic"
        assert repo.git_dir == project.root / ".git" / "worktrees" / "wt"
        assert repo.head_commit() == project.git("rev-parse", "HEAD")
    found = discover(other)
    assert found.common_dir == project.root / ".git"


def test_a_git_file_pointing_elsewhere(git_env, tmp_path):
    root, store = tmp_path / "work", tmp_path / "store.git"
    root.mkdir()
    git(root, "init", "-q", "-b", "main", f"--separate-git-dir={store}")
    assert (root / ".git").is_file()
    with Repo(root) as repo:
        assert repo.root == root and repo.git_dir == store and repo.current_branch() == "main"


def test_ceiling_directories_are_git_s(project, monkeypatch):
    (project.root / "sub").mkdir()
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(project.root))
    with pytest.raises(StateError) as e:
        Repo(project.root / "sub")
    assert "is not inside a git repository" in e.value.message
    with Repo(project.root) as repo:  # the ceiling itself is still searched
        assert repo.root == project.root


def test_bare_repository_and_plain_directory(git_env, tmp_path):
    bare = tmp_path / "bare.git"
    git(tmp_path, "init", "-q", "--bare", str(bare))
    (tmp_path / "plain").mkdir()
    for where in (bare, tmp_path / "plain"):
        with pytest.raises(StateError) as e:
            Repo(where)
        assert e.value.message == f"{where} is not inside a git repository"
        assert "git init" in (e.value.hint or "")
    (tmp_path / "file").write_text("x\n")
    with pytest.raises(StateError) as e:
        Repo(tmp_path / "file")
    assert e.value.message == f"{tmp_path / 'file'} is not a directory"


def test_a_shallow_clone(project, tmp_path):
    for i in range(3):
        project.write("a.txt", f"{i}\n")
        project.commit(f"c{i}")
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{project.root}", str(clone))
    with Repo(clone) as repo:
        assert repo.is_shallow() and repo.shallow_boundary().strip() == project.git("rev-parse", "HEAD").encode()
    with Repo(project.root) as repo:
        assert not repo.is_shallow() and repo.shallow_boundary() == b""


def test_git_refusing_the_repository_is_its_own_message(project, monkeypatch):
    """safe.directory: git's message (naming the fix), exit 2, not "not inside a repository"."""
    project.commit("one")
    monkeypatch.setenv("GIT_TEST_ASSUME_DIFFERENT_OWNER", "1")
    with pytest.raises(StateError) as e:
        Repo(project.root)
    assert "dubious ownership" in e.value.message and "safe.directory" in e.value.message



# -- the process runner ------------------------------------------------------------------------


def test_paths_are_literal_and_stdin_is_bytes(project):
    project.write("a.txt", "a\n")
    project.write("b.txt", "b\n")
    project.commit("two files")
    with Repo(project.root) as repo:
        assert repo.run("ls-files", paths=["*.txt"]) == ""  # no file is named "*.txt": no glob
        assert repo.run("ls-files", paths=[":(exclude)a.txt"]) == ""  # nor magic
        assert repo.run("ls-files", paths=["a.txt"]) == "a.txt"
        assert repo.run("hash-object", "--stdin", stdin=b"hello\n") == "ce013625030ba8dba906f756967f9e9ca394464a"
        assert repo.run("cat-file", "blob", revs=["HEAD:a.txt"], text=False) == b"a\n"


def test_a_failing_command_is_a_git_error_with_git_s_message(project, monkeypatch):
    from relnotes.errors import GitError

    project.commit("one")
    monkeypatch.setenv("LANGUAGE", "de")
    monkeypatch.setenv("LC_ALL", "de_DE.UTF-8")
    with Repo(project.root) as repo:
        with pytest.raises(GitError) as e:
            repo.run("rev-parse", "--verify", revs=["no-such-branch"])
        assert e.value.message == "git rev-parse --verify failed: fatal: Needed a single revision"
        assert repo.try_run("rev-parse", "--verify", revs=["no-such-branch"]) is None


def test_git_missing_is_a_state_error(project, monkeypatch, tmp_path):
    project.commit("one")
    with Repo(project.root) as repo:
        monkeypatch.setenv("PATH", str(tmp_path / "no-bin"))
        with pytest.raises(StateError) as e:
            repo.run("status")
        assert e.value.message == "git is not installed (or not on PATH)"
        with pytest.raises(StateError) as e:
            repo.read_blobs(["HEAD:relnotes.yaml"])
        assert e.value.message == "git is not installed (or not on PATH)"
    with pytest.raises(StateError) as e:
        Repo(project.root)
    assert e.value.message == "git is not installed (or not on PATH)"
