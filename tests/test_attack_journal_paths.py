"""Attack: the transaction journal names its targets by absolute path, and recovery
follows those paths without confining them to the repository it runs in.

A repository copied (``cp -a``, a CI cache or workspace restore, a backup) or moved
while an interrupted ``build`` left a committed journal: the rerun in the copy finishes
the *original* repository's change — renames the staged notes over the original's
``RELEASES.md`` and deletes the original's fragments — outside the repository it was
run in, and leaves the copy's own half-made change unfinished.

README, "Nothing outside the repository": every path relnotes writes or removes must
have its real path inside the repository.
"""

from __future__ import annotations

import shutil
import subprocess
import sys

from conftest import Project
from test_all_or_nothing import killed, make

from relnotes import transaction


def test_recovery_in_a_copied_repository_never_touches_the_original(tmp_path, git_env):
    original, args = make(tmp_path, "original", "build")
    assert args == ["build"]
    # SIGKILL after the commit line, before any rename: a committed, unfinished change
    assert killed(original, args, "relnotes.transaction", "_mark_committed", "after", 1) == -9
    assert transaction.journal_path(original.root).exists()

    copy_root = tmp_path / "copy"
    shutil.copytree(original.root, copy_root, symlinks=True)
    copy = Project(copy_root)
    before = original.snapshot_tree()

    r = subprocess.run([sys.executable, "-m", "relnotes", "build"], cwd=copy_root, capture_output=True, text=True)

    # the original repository was not this command's to change
    assert original.snapshot_tree() == before, "recovery in the copy rewrote/removed files of the original"
    assert r.returncode in (0, 1, 2), r.stderr
    if r.returncode == 0:  # the copy itself ends as an uninterrupted build would
        assert not (copy_root / "changes.d" / "a.md").exists()
        assert "See [the docs]" in copy.read("RELEASES.md")
