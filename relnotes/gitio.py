"""Every git question relnotes asks, each answered by one git call.

Questions run ``git`` directly with an argument list and a machine-readable format,
parsed here; nothing loops one git call per item (many blobs: one ``cat-file
--batch``; history questions: ``relnotes.history``).  GitPython is not used: the one
thing it offered here, a persistent ``cat-file``, is a single batch call, and
importing it costs ~55 ms and two ``git version`` processes on every command that
touches git.  Every git failure becomes a :class:`~relnotes.errors.GitError` whose
message says how to fix the checkout.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import NamedTuple

from relnotes.errors import GitError, StateError


class Ref(NamedTuple):
    name: str  # short name as git prints it: release-48.0.0 or origin/release-48.0.0
    branch: str  # without the remote: release-48.0.0
    commit: str
    remote: bool


class Repo:
    """A git repository at ``root``; every method is one ``git`` process, none left running."""

    def __init__(self, root: Path) -> None:
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

    def run(self, *args: str, strip: bool = True, stdin: bytes | None = None, text: bool = True):
        """``git ARGS`` → stdout (bytes when not ``text``); GitError with git's message on failure."""
        proc = subprocess.run(["git", *args], cwd=self.root, capture_output=True, check=False, input=stdin)
        if proc.returncode != 0:
            err = proc.stderr.decode("utf-8", errors="replace").strip()
            raise GitError(f"git {' '.join(args[:3])} failed: {err or proc.returncode}")
        if not text:
            return proc.stdout
        out = proc.stdout.decode("utf-8", errors="replace")
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

    def is_partial_clone(self) -> bool:
        """Cloned with ``--filter``: blobs not yet needed are left on the promisor remote."""
        out = self.try_run("config", "--get-regexp", r"^(extensions\.partialclone|remote\..*\.promisor)$")
        return any(line.split(" ", 1)[-1] != "false" for line in (out or "").splitlines())

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

    def read_blobs(self, specs: list[str]) -> list[str | None]:
        """Many ``REV:PATH`` texts with one ``git cat-file --batch`` (None when absent)."""
        asked = [s for s in specs if "\n" not in s]
        found: dict[str, str | None] = {}
        if asked:
            data = self.run("cat-file", "--batch", stdin="".join(s + "\n" for s in asked).encode(),
                            strip=False, text=False)
            pos = 0
            for spec in asked:
                eol = data.index(b"\n", pos)
                header = data[pos:eol].split()
                pos = eol + 1
                if len(header) == 3 and header[1] in (b"blob", b"tree", b"commit", b"tag"):
                    size = int(header[2])
                    if header[1] == b"blob":
                        found[spec] = data[pos:pos + size].decode("utf-8", errors="replace")
                    pos += size + 1
                else:
                    found[spec] = None  # "SPEC missing" / "SPEC ambiguous"
        return [found.get(s) for s in specs]

    def blob_ids(self, specs: list[str]) -> list[str | None]:
        """The object ids of many ``REV:PATH`` (None when absent), one ``cat-file --batch-check``.

        Only names are asked for, so git resolves trees but never opens (or, in a partial
        clone, downloads) a blob: callers can skip the contents they already know by id.
        """
        asked = [s for s in specs if "\n" not in s]
        found: dict[str, str | None] = {}
        if asked:
            out = self.run("cat-file", "--batch-check=%(objectname)",
                           stdin="".join(s + "\n" for s in asked).encode(), strip=False)
            for spec, line in zip(asked, out.split("\n")):
                found[spec] = None if line.endswith((" missing", " ambiguous")) else line.strip()
        return [found.get(s) for s in specs]

    def show_file(self, rev: str, path: str) -> str | None:
        """A file's text at ``rev`` or None when absent (one process; see read_blobs for many)."""
        try:
            return self.run("cat-file", "blob", f"{rev}:{path}", strip=False)
        except GitError:
            return None


