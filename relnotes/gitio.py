"""Every git question relnotes asks, each answered by one git call.

One-shot questions run ``git`` directly with an argument list and a machine-readable
format, parsed here; nothing loops one git call per item.  GitPython is used where it
earns its place — its persistent ``git cat-file --batch`` process reads many blobs
(other branches' notes and fragments) without a process each — and is imported only
then (it costs ~50 ms and spawns ``git version`` twice at import).  Every git failure
becomes a :class:`~relnotes.errors.GitError` whose message says how to fix the checkout.
"""

from __future__ import annotations

import os
import subprocess
from typing import NamedTuple
from pathlib import Path

from relnotes.errors import GitError, StateError


def _git():
    os.environ.setdefault("GIT_PYTHON_REFRESH", "quiet")
    import git  # noqa: PLC0415 - deliberately lazy

    return git


class Ref(NamedTuple):
    name: str  # short name as git prints it: release-48.0.0 or origin/release-48.0.0
    branch: str  # without the remote: release-48.0.0
    commit: str
    remote: bool


class Repo:
    """A git repository at ``root`` (a context manager that reaps git's helpers)."""

    def __init__(self, root: Path) -> None:
        self._gp = None  # the GitPython Repo, created on the first blob read
        if not Path(root).is_dir():
            raise StateError(f"{root} is not a directory")
        if (Path(root) / ".git").exists() and not (os.environ.keys() & {"GIT_DIR", "GIT_WORK_TREE"}):
            # the usual case, answered without a process: git would say the same
            self.root = Path(root)
            return
        try:
            top = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=root, capture_output=True,
                                 text=True, check=False)
        except FileNotFoundError:  # the directory exists, so it is the git executable that is missing
            raise StateError("git is not installed", hint="install git and run again") from None
        if top is None or top.returncode != 0:
            raise StateError(f"{root} is not inside a git repository",
                             hint="run relnotes from a git checkout (git init / git clone)")
        self.root = Path(top.stdout.strip())

    def __enter__(self) -> Repo:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._gp is not None:
            self._gp.close()
            self._gp = None

    def run(self, *args: str, strip: bool = True, stdin: bytes | None = None) -> str:
        """``git ARGS`` → stdout; GitError with git's own message on failure."""
        proc = subprocess.run(["git", *args], cwd=self.root, capture_output=True, check=False, input=stdin)
        out = proc.stdout.decode("utf-8", errors="replace")
        if proc.returncode != 0:
            err = proc.stderr.decode("utf-8", errors="replace").strip()
            raise GitError(f"git {' '.join(args[:3])} failed: {err or proc.returncode}")
        return out.rstrip("\n") if strip else out

    def try_run(self, *args: str) -> str | None:
        try:
            return self.run(*args)
        except GitError:
            return None

    # -- questions ------------------------------------------------------------------

    def head_commit(self) -> str | None:
        return self.try_run("rev-parse", "--verify", "-q", "HEAD")

    def current_branch(self) -> str | None:
        """The checked-out branch, or None on a detached HEAD."""
        out = self.try_run("symbolic-ref", "-q", "--short", "HEAD")
        return out or None

    def dirty_paths(self) -> list[str]:
        out = self.run("status", "--porcelain", "--untracked-files=normal", strip=False)
        return [line[3:] for line in out.splitlines() if line.strip()]

    def is_shallow(self) -> bool:
        return self.run("rev-parse", "--is-shallow-repository") == "true"

    def resolve(self, rev: str) -> str | None:
        return self.try_run("rev-parse", "--verify", "-q", f"{rev}^{{commit}}")

    def branches(self) -> list[Ref]:
        """Local and remote-tracking branches, one for-each-ref call."""
        out = self.run("for-each-ref", "--format=%(refname)%00%(objectname)",
                       "refs/heads", "refs/remotes")
        refs = []
        for line in out.splitlines():
            full, _, sha = line.partition("\0")
            if full.startswith("refs/heads/"):
                name = full[len("refs/heads/"):]
                refs.append(Ref(name, name, sha, False))
            elif full.startswith("refs/remotes/"):
                name = full[len("refs/remotes/"):]
                remote, _, branch = name.partition("/")
                if branch == "HEAD":
                    continue
                refs.append(Ref(name, branch, sha, True))
        return refs

    def refs_containing(self, commit: str) -> list[str]:
        """Full names of branches, remote branches and tags containing ``commit``: one walk."""
        out = self.run("for-each-ref", "--format=%(refname)", f"--contains={commit}",
                       "refs/heads", "refs/remotes", "refs/tags")
        return out.split()

    def missing_from(self, rev: str, branch: str) -> set[str]:
        """Commits reachable from ``rev`` but not from ``branch`` (one rev-list call)."""
        return set(self.run("rev-list", rev, f"^{branch}").split())

    def tracked_under(self, directory: str) -> set[str]:
        """Every path git tracks under ``directory``: one ls-files call with one pathspec.

        (Passing thousands of paths as pathspecs makes git match each against each:
        quadratic, 10+ seconds at 10 000 fragments.)
        """
        out = self.run("ls-files", "-z", "--", directory.rstrip("/") + "/", strip=False)
        return {p for p in out.split("\0") if p}

    def remove_from_index(self, paths: list[str]) -> None:
        """What ``git rm`` does for files already deleted: one call, paths on stdin."""
        if paths:
            self.run("update-index", "--remove", "-z", "--stdin",
                     stdin=b"".join(p.encode("utf-8") + b"\0" for p in paths))

    def add(self, paths: list[str]) -> None:
        if paths:
            self.run("add", "--", *paths)

    def commit(self, message: str) -> str:
        self.run("commit", "-q", "-m", message)
        return self.run("rev-parse", "HEAD")

    def create_branch(self, name: str, at: str = "HEAD") -> None:
        self.run("branch", name, at)

    def ls_tree(self, rev: str, directory: str) -> list[str]:
        """Paths of the files under ``directory`` at ``rev`` (one ls-tree call)."""
        out = self.try_run("ls-tree", "-r", "--name-only", "-z", rev, "--", directory.rstrip("/") + "/")
        return [p for p in (out or "").split("\0") if p]

    def read_blob(self, rev: str, path: str) -> str | None:
        """A file's text at ``rev`` through GitPython's persistent ``cat-file --batch``."""
        if self._gp is None:
            self._gp = _git().Repo(self.root)
        try:
            _, kind, _, data = self._gp.git.get_object_data(f"{rev}:{path}")
        except Exception:  # GitPython raises ValueError or its own errors for a missing object
            return None
        if kind not in (b"blob", "blob"):
            return None
        return data.decode("utf-8", errors="replace")

    def added_in(self, rev: str, directory: str) -> dict[str, str]:
        """For each file under ``directory`` at ``rev``, the commit that added it: one log call."""
        out = self.try_run("log", "--diff-filter=A", "--name-only", "--format=%x00%H", rev, "--", directory) or ""
        found: dict[str, str] = {}
        for chunk in out.split("\0"):
            lines = [ln for ln in chunk.splitlines() if ln.strip()]
            if not lines:
                continue
            sha, files = lines[0], lines[1:]
            for f in files:
                found.setdefault(f, sha)  # newest first: keep the latest add
        return found

    def messages(self, rev_range: str) -> list[tuple[str, str]]:
        """``[(sha, full message), …]`` for a range (one log call)."""
        return _parse_messages(self.try_run("log", "--format=%H%x00%B%x01", rev_range) or "")

    def messages_grep(self, text: str, revs: list[str]) -> list[tuple[str, str]]:
        """Commits in ``revs`` (e.g. branches and ``^main``) whose message contains ``text``."""
        if not revs:
            return []
        return _parse_messages(self.try_run("log", "-F", f"--grep={text}", "--format=%H%x00%B%x01", *revs) or "")

    def find_pr_commit(self, rev: str, number: int) -> str | None:
        """The commit on ``rev`` whose subject ends with ``(#N)`` (GitHub's squash merges)."""
        out = self.try_run("log", "--format=%H%x00%s", "-F", f"--grep=(#{number})", rev) or ""
        for line in out.splitlines():
            sha, _, subject = line.partition("\0")
            if subject.rstrip().endswith(f"(#{number})"):
                return sha
        return None

    def show_file(self, rev: str, path: str) -> str | None:
        """A file's text at ``rev`` or None when absent (one process; see read_blob for many)."""
        try:
            return self.run("cat-file", "blob", f"{rev}:{path}", strip=False)
        except GitError:
            return None


def _parse_messages(out: str) -> list[tuple[str, str]]:
    """Parse ``--format=%H%x00%B%x01`` output into ``[(sha, message), …]``."""
    result = []
    for rec in out.split("\x01"):
        rec = rec.strip("\n")
        if "\0" in rec:
            sha, _, body = rec.partition("\0")
            result.append((sha.strip(), body))
    return result
