"""Attack: the transaction journal names its targets by absolute path, and recovery
follows those paths without confining them to the repository it runs in.

A repository copied (``cp -a``, a CI cache or workspace restore, a backup) or moved
while an interrupted ``build`` left a committed journal: the rerun in the copy finishes
the *original* repository's change — renames the staged notes over the original's
``RELEASES.md`` and deletes the original's fragments — outside the repository it was
run in, and leaves the copy's own half-made change unfinished.

README, "Nothing outside the repository": every path relnotes writes or removes must
have its real path inside the repository.  So the journal stores paths relative to the
root, and recovery confines every entry (``..``, absolute, a symbolic link leading out,
``.git``, garbage) or refuses with exit 2, changing nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import Project
from test_all_or_nothing import killed, make, state

from relnotes import transaction

KILL_AFTER_COMMIT = ("relnotes.transaction", "_mark_committed", "after", 1)


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def tree(d: Path) -> dict[str, bytes]:
    """Every file under ``d`` (the .git directory too, but for relnotes' caches there),
    symbolic links not followed."""
    out: dict[str, bytes] = {}
    for dirpath, _, files in os.walk(d):
        for name in files:
            p = Path(dirpath, name)
            if p.parent.name == "relnotes" and p.parent.parent.name == ".git" and name != "transaction":
                continue  # the parse and config caches a run may fill
            out[p.relative_to(d).as_posix()] = os.readlink(p).encode() if p.is_symlink() else p.read_bytes()
    return out


def interrupted(tmp_path, name: str) -> tuple[Project, list[str]]:
    """A repository whose ``build`` was SIGKILLed after the commit line, before any rename."""
    p, args = make(tmp_path, name, "build")
    assert killed(p, args, *KILL_AFTER_COMMIT) == -9
    assert transaction.journal_path(p.root).exists()
    return p, args


def rerun(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "relnotes", *args], cwd=root, capture_output=True, text=True)


def test_recovery_in_a_copied_repository_never_touches_the_original(tmp_path, git_env):
    ref, args = make(tmp_path, "reference", "build")
    assert ref.run(*args).exit_code == 0
    original, _ = interrupted(tmp_path, "original")

    copy_root = tmp_path / "copy"
    shutil.copytree(original.root, copy_root, symlinks=True)
    copy = Project(copy_root)
    before = tree(original.root)

    r = rerun(copy_root, *args)

    # the original repository was not this command's to change
    assert tree(original.root) == before, "recovery in the copy rewrote/removed files of the original"
    assert r.returncode == 0, r.stderr
    # the copy recovered its own change and ends exactly as an uninterrupted build
    assert state(copy) == state(ref)
    assert not (copy_root / "changes.d" / "a.md").exists()
    assert "See [the docs]" in copy.read("RELEASES.md")
    # and the original, rerun in place, still finishes its own
    assert rerun(original.root, *args).returncode == 0
    assert state(original) == state(ref)


def test_recovery_in_a_moved_repository_finishes_its_change(tmp_path, git_env):
    ref, args = make(tmp_path, "reference", "build")
    assert ref.run(*args).exit_code == 0
    original, _ = interrupted(tmp_path, "original")
    moved = Project(tmp_path / "moved")
    shutil.move(original.root, moved.root)
    r = rerun(moved.root, *args)
    assert r.returncode == 0, r.stderr
    assert state(moved) == state(ref)
    assert not original.root.exists()


def _legacy(p: Project, root_named: Path) -> None:
    """Rewrite ``p``'s journal as relnotes before version 2 wrote it: absolute paths
    under ``root_named``, no version key."""
    journal = transaction.journal_path(p.root)
    first, _, rest = journal.read_text().partition("\n")
    plan = json.loads(first)
    plan.pop("version")
    plan["writes"] = [[str(root_named.resolve() / t), b, a] for t, b, a in plan["writes"]]
    plan["removes"] = [[str(root_named / r), d] for r, d in plan["removes"]]
    journal.write_text(json.dumps(plan) + "\n" + rest)


def test_an_older_journal_with_absolute_paths_inside_the_repository_is_recovered(tmp_path, git_env):
    ref, args = make(tmp_path, "reference", "build")
    assert ref.run(*args).exit_code == 0
    p, _ = interrupted(tmp_path, "legacy")
    _legacy(p, p.root)
    r = rerun(p.root, *args)
    assert r.returncode == 0, r.stderr
    assert state(p) == state(ref)


def test_an_older_journal_copied_from_another_repository_is_refused(tmp_path, git_env):
    original, args = interrupted(tmp_path, "original")
    _legacy(original, original.root)
    copy_root = tmp_path / "copy"
    shutil.copytree(original.root, copy_root, symlinks=True)
    before, copy_before = tree(original.root), tree(copy_root)
    r = rerun(copy_root, *args)
    assert r.returncode == 2, r.stderr
    journal = transaction.journal_path(copy_root)
    assert str(journal) in r.stderr and "lies outside this repository" in r.stderr
    assert f"rm {journal}" in r.stderr
    assert tree(original.root) == before and tree(copy_root) == copy_before


# -- hand-edited journals: each would make an unconfined recovery write or delete ----------------

EVIL = "evil\n"
PRECIOUS = "precious\n"


def _plant(p: Project, outside: Path, case: str) -> tuple[list, list]:
    """Files an unconfined recovery would act on, and the journal's writes and removes."""
    outside.mkdir()
    (outside / "x").write_text(PRECIOUS)
    (outside / ".x.relnotes-tmp").write_text(EVIL)
    (outside / "victim.md").write_text(PRECIOUS)
    if case == "dotdot":
        rel = os.path.relpath(outside, p.root).replace(os.sep, "/")
        return [[f"{rel}/x", sha(PRECIOUS), sha(EVIL)]], [[f"{rel}/victim.md", sha(PRECIOUS)]]
    if case in ("absolute", "absolute-legacy"):
        return [[str(outside / "x"), sha(PRECIOUS), sha(EVIL)]], [[str(outside / "victim.md"), sha(PRECIOUS)]]
    if case == "symlinked-parent":
        os.symlink(outside, p.root / "link", target_is_directory=True)
        return [["link/x", sha(PRECIOUS), sha(EVIL)]], [["link/victim.md", sha(PRECIOUS)]]
    if case == "git-config":
        config = p.root / ".git" / "config"
        text = config.read_text()
        (p.root / ".git" / ".config.relnotes-tmp").write_text(EVIL)
        return [[".git/config", sha(text), sha(EVIL)]], [[".git/HEAD", sha((p.root / ".git/HEAD").read_text())]]
    raise AssertionError(case)


@pytest.mark.parametrize("case", ["dotdot", "absolute", "absolute-legacy", "symlinked-parent", "git-config"])
def test_a_hand_edited_journal_never_leads_recovery_out(tmp_path, git_env, case):
    p, args = make(tmp_path, "proj", "build")
    outside = tmp_path / "outside"
    writes, removes = _plant(p, outside, case)
    plan = {"command": "build", "writes": writes, "removes": removes}
    if case != "absolute-legacy":
        plan = {"version": 2, **plan}
    journal = transaction.journal_path(p.root)
    journal.parent.mkdir(parents=True, exist_ok=True)
    journal.write_text(json.dumps(plan) + "\n" + transaction.COMMIT_LINE)
    outside_before, before = tree(outside), tree(p.root)

    r = p.run(*args)

    assert r.exit_code == 2, r.output
    assert tree(outside) == outside_before and tree(p.root) == before  # .git/config included
    assert f"{journal}: cannot follow this journal of an interrupted relnotes command" in r.stderr
    assert f"its write entry {writes[0][0]!r}"[:90] in r.stderr
    assert f"cat {journal}" in r.stderr and f"rm {journal}" in r.stderr
    journal.unlink()  # as the hint says: then the command runs
    assert p.run(*args).exit_code == 0
    assert tree(outside) == outside_before


HEX = sha("x")

GARBAGE = {
    "not json, committed": "not json\ncommit\n",
    "a list": "[]\ncommit\n",
    "writes not a list": '{"version": 2, "writes": 5, "removes": []}\ncommit\n',
    "short entry": '{"version": 2, "writes": [["RELEASES.md"]], "removes": []}\ncommit\n',
    "a path that is a number": f'{{"version": 2, "writes": [[7, null, "{HEX}"]], "removes": []}}\ncommit\n',
    "a NUL in a path": f'{{"version": 2, "writes": [["a\\u0000b", null, "{HEX}"]], "removes": []}}\ncommit\n',
    "a bad hash": '{"version": 2, "writes": [["RELEASES.md", null, "zz"]], "removes": []}\ncommit\n',
    "remove a directory": '{"version": 2, "writes": [], "removes": [["changes.d", null]]}\ncommit\n',
    "remove the root": '{"version": 2, "writes": [], "removes": [[".", null]]}\ncommit\n',
    "not normal": f'{{"version": 2, "writes": [["changes.d/./a.md", null, "{HEX}"]], "removes": []}}\ncommit\n',
    "write a directory": f'{{"version": 2, "writes": [["changes.d", null, "{HEX}"]], "removes": []}}\ncommit\n',
    "twice": '{"version": 2, "writes": [], "removes": [["changes.d/a.md", null], ["changes.d/a.md", null]]}\n',
    "unknown version": '{"version": 99, "writes": [], "removes": []}\ncommit\n',
    "version true": '{"version": true, "writes": [], "removes": []}\ncommit\n',
    "command not a string": '{"version": 2, "command": [1], "writes": [], "removes": []}\ncommit\n',
    "a foreign last line": '{"version": 2, "writes": [], "removes": []}\nrm -rf /\n',
    "a relative path in an old journal": '{"writes": [], "removes": [["changes.d/a.md", null]]}\ncommit\n',
    "nested past the recursion limit": "[" * 100_000 + "]" * 100_000 + "\ncommit\n",
}


@pytest.mark.parametrize("name", list(GARBAGE))
def test_a_garbage_journal_is_refused_and_changes_nothing(tmp_path, git_env, name):
    p, args = make(tmp_path, "proj", "build")
    journal = transaction.journal_path(p.root)
    journal.parent.mkdir(parents=True, exist_ok=True)
    journal.write_text(GARBAGE[name])
    neighbours = tree(tmp_path)
    r = p.run(*args)
    assert r.exit_code == 2, r.output
    assert "internal error" not in r.output
    assert f"{journal}: cannot follow this journal of an interrupted relnotes command" in r.stderr
    assert tree(tmp_path) == neighbours
    assert journal.exists()


@pytest.mark.parametrize("data", [b"\xff\xfe garbage\n", b"\0" * 64, b'{"version": 2, "writes": [["../x'])
def test_an_unreadable_or_torn_journal_is_never_an_internal_error(tmp_path, git_env, data):
    p, args = make(tmp_path, "proj", "build")
    journal = transaction.journal_path(p.root)
    journal.parent.mkdir(parents=True, exist_ok=True)
    journal.write_bytes(data)
    (tmp_path / "x").write_text(PRECIOUS)
    r = p.run(*args)
    assert r.exit_code in (0, 2) and "internal error" not in r.output, r.output
    assert (tmp_path / "x").read_text() == PRECIOUS
    if r.exit_code == 0:  # torn while first written: dropped, and the build ran
        assert not journal.exists() and not (p.root / "changes.d/a.md").exists()
