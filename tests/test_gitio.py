"""The git layer: plumbing run directly, GitPython for history, every value reaching git validated or separated.

Hostile values come from flags (``--base``, ``when REV``), from relnotes.yaml in a
pull request (``release_branch``), from file names (a fragment ``-rf.md``) and from
refs someone pushed (a remote branch ``-x``).  Each is refused with exit 2 or treated
as data; none reaches git as an option.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import WASMTIME_CONFIG, corpus
from hypothesis import given, settings
from hypothesis import strategies as st
from test_policy import scenario  # noqa: F401  (a fixture: main, release branches, a backport candidate)

from relnotes.errors import StateError, UsageError
from relnotes.git.arguments import branch_name_problem, check_branch, check_path, check_revision
from relnotes.git.repo import Repo

ROOT = Path(__file__).resolve().parent.parent


# -- validators ---------------------------------------------------------------------------


@pytest.mark.parametrize("rev", ["HEAD", "origin/main", "v1.0.0^{commit}", "^abc123", "a..b", "a...HEAD",
                                 "refs/remotes/origin/-x", "HEAD~2", "release-1.0.0:RELEASES.md"])
def test_check_revision_accepts_revisions(rev):
    assert check_revision(rev) == rev


@pytest.mark.parametrize("rev", ["-x", "--output=x", "--all", "^-x", "a..-b", "a...--output=x", "",
                                 " ", "a\nb", "a\0b"])
def test_check_revision_refuses_options_and_line_breaks(rev):
    with pytest.raises(UsageError) as e:
        check_revision(rev, "--base")
    assert e.value.exit_code == 2 and "--base" in e.value.message


@settings(max_examples=300)
@given(st.text(alphabet=st.sampled_from(list("-^.a/\n\0 :~")), max_size=10))
def test_accepted_revisions_never_start_an_option(rev):
    """No accepted value, nor any part of an accepted range, can be read as an option
    or break a ``--stdin`` line."""
    try:
        check_revision(rev)
    except UsageError as e:
        assert e.exit_code == 2
        return
    parts = (rev[1:] if rev.startswith("^") else rev).replace("...", "..").split("..")
    assert rev.strip() and not rev.startswith("-") and not any(p.startswith("-") for p in parts)
    assert "\n" not in rev and "\0" not in rev


@pytest.mark.parametrize("path", ["changes.d/-rf.md", "./-rf.md", "RELEASES.md", "a b/c"])
def test_check_path_accepts_paths(path):
    assert check_path(path) == path


@pytest.mark.parametrize("path", ["-rf.md", "--output=x", "", "a\nb", "a\0b"])
def test_check_path_refuses_options_and_line_breaks(path):
    with pytest.raises(UsageError):
        check_path(path)


@pytest.mark.parametrize("name, problem", [
    ("release-1.0.0", None), ("release/1.0", None), ("weird-ü", None),
    ("--merged=:/1.0.0", "starts with '-'"), ("-x", "starts with '-'"), ("HEAD", "reserved"),
    ("a..b", "'..'"), ("a b", "space"), ("a~1", "'~'"), ("a^", "'^'"), ("a:b", "':'"), ("a?", "'?'"),
    ("a*", "'*'"), ("a[b", "'['"), ("a\\b", "'\\\\'"), ("a@{1}", "'@{'"), ("a/", "empty path"),
    ("/a", "empty path"), ("a//b", "empty path"), ("a.", "ends with '.'"), (".a", "starts with '.'"),
    ("a/.b", "starts with '.'"), ("a.lock", ".lock"), ("a.lock/b", ".lock"), ("", "empty"), ("@", "reserved"),
])
def test_branch_name_problem(name, problem):
    found = branch_name_problem(name)
    if problem is None:
        assert found is None
    else:
        assert found is not None and problem in found


def test_check_branch_names_the_source():
    with pytest.raises(UsageError) as e:
        check_branch("--merged=:/1.0.0", "release_branch in relnotes.yaml gives")
    assert "release_branch in relnotes.yaml gives '--merged=:/1.0.0' is not a valid branch name" in e.value.message


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab-./@{}~^:?*[\\ \t.lock") + ["ü", "\x7f", "\x01"]),
               min_size=1, max_size=12))
def test_branch_rules_agree_with_git(name):
    """Whatever relnotes accepts, ``git check-ref-format --branch`` accepts; and the
    other way round, except ``@{…}`` and ``@``, which relnotes refuses outright."""
    git_ok = subprocess.run(["git", "check-ref-format", "--branch", name], capture_output=True).returncode == 0
    ours = branch_name_problem(name) is None
    if "@{" not in name and name != "@":  # '@' alone is HEAD to --branch: relnotes refuses it
        assert ours == git_ok, (name, branch_name_problem(name))
    else:
        assert not ours


# -- option injection through the CLI --------------------------------------------------------


@pytest.fixture
def pr(project):
    project.write("RELEASES.md", corpus("main.RELEASES.md"))
    project.write("src/lib.rs", "fn a() {}\n")
    project.commit("base")
    project.git("switch", "-q", "-c", "pr")
    return project


def test_check_base_that_looks_like_an_option_is_refused(pr):
    pr.write("src/lib.rs", "fn b() {}\n")
    pr.commit("change code")
    before = pr.snapshot_tree()
    r = pr.run("check", "--base=--output=x")
    assert r.exit_code == 2
    assert "--base '--output=x' starts with '-'" in r.stderr
    assert not list(pr.root.glob("x*")) and pr.snapshot_tree() == before  # git wrote no `x...HEAD`


def test_when_refuses_an_option_as_revision(scenario, project):  # noqa: F811
    r = project.run("when", "--", "--all")
    assert r.exit_code == 2
    assert "REV '--all' starts with '-'" in r.stderr


def test_release_branch_that_renders_to_an_option_is_refused(project):
    project.write("relnotes.yaml", WASMTIME_CONFIG + 'release_branch: "--merged=:/{version}"\n')
    project.write("RELEASES.md", corpus("main.RELEASES.md"))
    project.commit("state")
    before = project.snapshot_tree()
    branches = project.git("branch", "--list")
    for args in (["cut"], ["cut", "--dry-run"], ["cut", "--commit"]):
        r = project.run(*args)
        assert r.exit_code == 2, r.output
        assert "release_branch in relnotes.yaml gives '--merged=:/49.0.0' is not a valid branch name: " \
               "it starts with '-'" in r.stderr
    assert project.snapshot_tree() == before and project.git("branch", "--list") == branches
    assert not (project.root / ".git" / "relnotes-cut").exists()


def test_fragment_named_like_an_option_is_data(pr):
    pr.write("src/lib.rs", "fn b() {}\n")
    pr.fragment("-rf.md", "Fixed", "A fix with an awkward file name.", prs="[2]")
    pr.commit("change code")
    r = pr.run("check", "--base", "main")
    assert r.exit_code == 0, r.output
    assert "this change adds or edits 1 fragment(s)" in r.stdout
    pr.git("switch", "-q", "main")
    pr.git("merge", "-q", "pr")
    r = pr.run("build")
    assert r.exit_code == 0, r.output
    assert "A fix with an awkward file name." in pr.read("RELEASES.md")
    assert not (pr.root / "changes.d/-rf.md").exists()
    assert pr.git("status", "--porcelain", "--", "changes.d") == "D  changes.d/-rf.md"  # staged, like git rm


def test_remote_branch_named_like_an_option_breaks_nothing(scenario, project):  # noqa: F811
    """Refs named ``-x`` (pushed by someone, or made with update-ref) are data."""
    archive_before = project.run("archive", "--check")
    project.git("update-ref", "refs/remotes/origin/-x", "HEAD")
    project.git("update-ref", "refs/heads/-x", "release-24.0.0")
    r = project.run("backports", "--on", "2026-08-20", "--format", "json")
    assert r.exit_code == 0, r.output
    (row,) = json.loads(r.stdout)
    assert sorted(row["present"]) == ["release-36.0.0", "release-47.0.0"]
    r = project.run("archive", "--check")
    assert (r.exit_code, r.stdout, r.stderr) == (archive_before.exit_code, archive_before.stdout,
                                                 archive_before.stderr)
    r = project.run("when", "refs/remotes/origin/-x")  # its full name is a revision like any other
    assert r.exit_code == 0, r.output
    r = project.run("when", "--", "-x")
    assert r.exit_code == 2 and "starts with '-'" in r.stderr


def test_release_branch_fitting_a_dash_name_is_asked_by_commit(scenario, project):  # noqa: F811
    """With release_branch '{version}', a remote branch '-…' would be a release branch
    by name; git is asked by its commit, so backports and when still work."""
    project.write("relnotes.yaml", WASMTIME_CONFIG + 'release_branch: "-{version}"\n')
    project.commit("config")
    for v in ("24.0.0", "36.0.0", "46.0.0", "47.0.0", "48.0.0"):
        project.git("update-ref", f"refs/remotes/origin/-{v}", f"release-{v}")
    r = project.run("backports", "--on", "2026-08-20", "--format", "json")
    assert r.exit_code == 0, r.output
    (row,) = json.loads(r.stdout)
    assert sorted(row["present"]) == ["origin/-36.0.0", "origin/-47.0.0"]
    r = project.run("when", "v48.0.0", "--format", "json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["branch"] == "origin/-48.0.0"


# -- the process runner and cat-file -----------------------------------------------------------


def test_repo_reaps_its_cat_file_when_closed(scenario, project):  # noqa: F811
    with Repo(project.root) as repo:
        texts = repo.read_blobs(["HEAD:RELEASES.md", "HEAD:nope", "HEAD:changes.d", "release-47.0.0:RELEASES.md",
                                 ":RELEASES.md", "no colon", "HEAD:a\nb"])
        pid = repo._cat._proc.pid
        os.kill(pid, 0)  # alive while the command runs
    assert texts[0] == project.read("RELEASES.md") and texts[1] is None and texts[2] is None
    assert texts[3].startswith("## 47.0.0") and texts[4] == texts[0] and texts[5:] == [None, None]
    with Repo(project.root) as repo:
        (blob,) = repo.blob_ids(["HEAD:RELEASES.md"])
        assert repo.read_blobs([blob]) == [texts[0]]  # a bare object id, as relnotes.questions.stitch asks
        assert repo.blob_ids(["HEAD:nope", "a\nb"]) == [None, None]
        for bad in (["-x:RELEASES.md"], ["--all"]):
            with pytest.raises(UsageError):
                repo.read_blobs(bad)
            with pytest.raises(UsageError):
                repo.blob_ids(bad)
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # exited and waited for: no zombie left


def test_cat_file_that_dies_is_a_git_error(scenario, project):  # noqa: F811
    import signal

    from relnotes.errors import GitError

    with Repo(project.root) as repo:
        assert repo.show_file("HEAD", "RELEASES.md") is not None
        proc = repo._cat._proc
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        with pytest.raises(GitError) as e:
            repo.read_blobs(["HEAD:RELEASES.md"])
        assert "git cat-file --batch failed" in e.value.message
        assert repo.show_file("HEAD", "RELEASES.md") is not None  # a fresh cat-file next time


def test_read_blobs_many_in_chunks(project):
    for i in range(300):
        project.write(f"changes.d/f{i:03d}-{'x' * 150}.md", f"text {i}\n")
    project.commit("many")
    with Repo(project.root) as repo:
        paths = repo.ls_tree("HEAD", "changes.d")
        texts = repo.read_blobs([f"HEAD:{p}" for p in paths] * 2)  # > one 32 KiB chunk of requests
    assert len(texts) == 602
    assert texts[1:301] == [f"text {i}\n" for i in range(300)] and texts[302:] == texts[1:301]


def test_ls_trees_lists_what_git_ls_tree_lists(project):
    """Trees read through cat-file give ``git ls-tree -r --name-only``'s paths, in its order."""
    names = ["-rf.md", "a b.md", "ü.md", "z.md", "sub/x.md", "sub/deeper/y.md", "sub.md", "sub-a/q.md", "a.lock.md"]
    for n in names:
        project.write(f"changes.d/{n}", f"{n}\n")
    project.write("other/file.md", "x\n")
    first = project.commit("tree")
    project.write("changes.d/sub/deeper/new.md", "new\n")
    (project.root / "changes.d/z.md").unlink()
    second = project.commit("second tree")
    with Repo(project.root) as repo:
        found = repo.ls_trees([first, second, "HEAD", "refs/heads/nope"], "changes.d/")
        assert repo.ls_tree("HEAD", ".") == project.git("-c", "core.quotePath=false", "ls-tree", "-r", "--name-only",
                                                        "HEAD").splitlines()
        assert repo.ls_tree("HEAD", "other/file.md") == []  # a file, not a directory
    for rev in (first, second):
        listed = project.git("-c", "core.quotePath=false", "ls-tree", "-r", "--name-only", rev, "--", "changes.d/")
        assert found[rev] == listed.splitlines()
    assert found["HEAD"] == found[second] and found["refs/heads/nope"] == []
    assert "changes.d/-rf.md" in found[first] and "changes.d/sub/deeper/y.md" in found[first]


def test_repo_outside_git_and_in_a_subdirectory(tmp_path, project):
    (tmp_path / "elsewhere").mkdir()
    with pytest.raises(StateError) as e:
        Repo(tmp_path / "elsewhere")
    assert "is not inside a git repository" in e.value.message
    (project.root / "sub").mkdir()
    with Repo(project.root / "sub") as repo:
        assert repo.root == project.root


def test_git_missing_is_relnotes_message(scenario, project):  # noqa: F811
    """No git on PATH: relnotes' own message, exit 2, no traceback (GIT_PYTHON_REFRESH=quiet)."""
    env = {k: v for k, v in os.environ.items() if k not in ("GIT_PYTHON_REFRESH",)}
    env["PATH"] = str(project.root / "no-bin")
    r = subprocess.run([sys.executable, "-m", "relnotes", "archive", "--check"], cwd=project.root, env=env,
                       capture_output=True, text=True)
    assert r.returncode == 2, r.stderr
    assert "error: git is not installed" in r.stderr and "Traceback" not in r.stderr


def test_no_git_process_outside_the_git_layer():
    """``subprocess`` appears only in the git layer's one process runner (and the
    ``cat-file`` it starts), where the CLI launches the user's editor and where
    ``hooks.bump`` runs the project's own tool (cargo, never git)."""
    users = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "relnotes").rglob("*.py")
                   if "subprocess" in p.read_text(encoding="utf-8"))
    assert users == ["relnotes/cli/composing.py", "relnotes/flows/hooks.py", "relnotes/git/catfile.py",
                     "relnotes/git/process.py"]


# -- start-up: commands that need no git never import GitPython ------------------------------

_PROBE = """
import sys
sys.argv = ["relnotes", *sys.argv[1:]]
from relnotes.__main__ import main
try:
    main()
except SystemExit:
    pass
finally:
    sys.stderr.write("\\nGIT-IMPORTED=%s\\n" % ("git" in sys.modules))
"""


@pytest.mark.parametrize("args, imported", [
    (["--version"], False),
    (["new", "-s", "Fixed", "-m", "A fix."], False),
    (["check"], False),
    (["build", "--draft"], False),
    (["show"], False),
    (["schedule"], False),
    (["support", "--on", "2026-08-20"], False),
    (["archive", "--check"], False),  # git, through plumbing; the control (GitPython loaded) is in test_git_processes
])
def test_commands_without_git_do_not_import_gitpython(project, args, imported):
    project.write("RELEASES.md", corpus("main.RELEASES.md"))
    project.fragment("a.md", "Fixed", "A fix.", prs="[1]")
    project.commit("state")
    r = subprocess.run([sys.executable, "-c", _PROBE, *args], cwd=project.root, capture_output=True, text=True)
    assert f"GIT-IMPORTED={imported}" in r.stderr, r.stderr
    assert "Traceback" not in r.stderr


def test_gitpython_import_leaves_the_collector_on_and_its_objects_frozen():
    """GitPython is imported with the collector paused and its objects frozen, once;
    the command itself then runs with the collector on."""
    import subprocess
    import sys

    code = ("import gc, relnotes.git.porcelain as g; before = gc.get_freeze_count(); m = g.gitpython(); "
            "assert gc.isenabled(); assert gc.get_freeze_count() > before + 1000, gc.get_freeze_count(); "
            "n = gc.get_freeze_count(); assert g.gitpython() is m and gc.get_freeze_count() == n; print('ok')")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert r.stdout.strip() == "ok", r.stderr
