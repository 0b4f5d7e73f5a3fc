"""Every git question relnotes asks: the repository, its state, its refs, its changes.

A :class:`Repo` is found by git itself (:func:`relnotes.git.process.discover`: one
``rev-parse``, which also answers HEAD's commit and whether the clone is shallow),
runs one persistent ``git cat-file --batch`` for reading blobs and trees
(:mod:`relnotes.git.catfile`), and runs each plumbing question as one git process
(:mod:`relnotes.git.process`) with a machine-readable format, parsed
by the callers.  Nothing loops one git process per item.  :meth:`Repo.close` (or
``with Repo(…)``) reaps the ``cat-file`` when a command ends.  Reading blobs and trees
through that ``cat-file`` is :class:`relnotes.git.objects.ObjectReading`, which
:class:`Repo` inherits.

The commands that change history (commit, tag, branch, push) go through GitPython
(:mod:`relnotes.git.porcelain`, imported on first use); everything else never loads
it: its import costs more than towncrier's whole ``check``.

Every value from a user, a file or a ref reaches git through :meth:`Repo.run`'s
``revs`` / ``paths`` / ``stdin_revs``, checked by :mod:`relnotes.git.arguments` (a leading
``-`` is refused, exit 2) and placed after ``--end-of-options`` / ``--``, with
pathspec magic off (``GIT_LITERAL_PATHSPECS``); revisions from users are resolved
with ``rev-parse --verify --end-of-options REV^{commit}`` (:meth:`Repo.resolve`)
and used as commits from then on, or peeled the same way (``REV^{commit}``) inside
the one call that uses them (:meth:`Repo.changed_names`).  A missing git is
:class:`~relnotes.errors.StateError`, a failing command :class:`~relnotes.errors.GitError`,
each with the fix.
"""

from pathlib import Path
from typing import NamedTuple

from relnotes.errors import GitError, quoted
from relnotes.fsio import is_temp
from relnotes.git import porcelain, process
from relnotes.git.arguments import check_branch, check_path, check_revision, check_tag
from relnotes.git.catfile import CatFile
from relnotes.git.objects import ObjectReading, object_names  # noqa: F401
from relnotes.patterns import lazy

_SHA = lazy(r"[0-9a-f]{40}|[0-9a-f]{64}")


class Ref(NamedTuple):
    name: str  # short name as git prints it: release-48.0.0 or origin/release-48.0.0
    branch: str  # without the remote: release-48.0.0
    commit: str
    remote: bool


def branch_ref(full: str, remote: str | None) -> Ref | None:
    """``refs/heads/B`` or ``refs/remotes/REMOTE/B`` as a branch (commit left empty), or
    None for any other ref.  The one rule for which branches relnotes lists: local ones and
    ``remote``'s remote-tracking ones (``None``: every remote's), never another remote's,
    so a fetched fork's ``release-1.0.0`` cannot stand in for origin's."""
    if full.startswith("refs/heads/"):
        name = full[len("refs/heads/"):]
        return Ref(name, name, "", False)
    if full.startswith("refs/remotes/"):
        name = full[len("refs/remotes/"):]
        owner, _, branch = name.partition("/")
        if branch and branch != "HEAD" and (remote is None or owner == remote):
            return Ref(name, branch, "", True)
    return None


class Repo(ObjectReading):
    """The git repository whose work tree holds ``root`` (``.root`` is that work tree)."""

    def __init__(self, root: Path) -> None:
        self._cat: CatFile | None = None
        found = process.discover(root)
        self.root = found.root
        self._git_dir = found.git_dir
        self._common_dir = found.common_dir
        self._shallow = found.shallow
        self._head = found.head

    def close(self) -> None:
        """Reap the persistent ``cat-file`` process (every command ends with this)."""
        if self._cat is not None:
            self._cat.close()
            self._cat = None

    def __del__(self) -> None:  # a Repo kept by a result (relnotes.questions.stitch) still ends its cat-file
        try:
            self.close()
        except Exception:  # interpreter shutdown: the child exits when its input closes
            pass

    def __enter__(self) -> "Repo":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def git_dir(self) -> Path:
        """The absolute git directory (``.git``, or a worktree's own)."""
        return self._git_dir

    # -- the one way a git process starts ----------------------------------------------

    def run(self, *args: str, revs: list[str] | tuple[str, ...] = (), paths: list[str] | tuple[str, ...] = (),
            stdin_revs: list[str] | None = None, strip: bool = True, stdin: bytes | None = None,
            text: bool = True, end_of_revisions: bool = False, gitpython: bool = False):
        """``git ARGS [--end-of-options REVS] [-- PATHS]`` → stdout (bytes when not ``text``).

        ``args`` are the command and relnotes' own literal options, never a value from
        a user or a file: those go in ``revs`` (checked, after ``--end-of-options``),
        ``paths`` (checked, after ``--``) or ``stdin_revs`` (checked, one per line).
        ``end_of_revisions`` writes the ``--`` even with no paths, for commands (diff,
        log) that would read a revision they cannot resolve as a path in the work tree.
        ``gitpython`` runs it through GitPython (:mod:`relnotes.git.porcelain`), for the
        commands that change history; any other through :mod:`relnotes.git.process`.
        GitError with git's message on failure.
        """
        argv = list(args[1:])
        if revs:
            argv += ["--end-of-options", *(check_revision(r) for r in revs)]
        if end_of_revisions and not paths:
            argv.append("--")
        if paths:
            argv += ["--", *(check_path(p) for p in paths)]
        if stdin_revs is not None:
            stdin = "".join(check_revision(r) + "\n" for r in stdin_revs).encode()
        if gitpython:  # a command that changes history: through GitPython
            status, out, err = porcelain.execute(self.root, args[0], argv, stdin)
        else:
            status, out, err = process.run(self.root, [args[0], *argv], stdin)
        if status != 0:
            msg = (err if isinstance(err, str) else err.decode("utf-8", errors="replace")).strip()
            raise GitError(f"git {' '.join(args[:3])} failed: {msg or status}")
        if not text:
            return out
        decoded = out.decode("utf-8", errors="replace")
        return decoded.rstrip("\n") if strip else decoded

    def try_run(self, *args: str, **kw) -> str | None:
        try:
            return self.run(*args, **kw)
        except GitError:
            return None

    # -- state, from discovery and the git directory ----------------------------------------

    def head_commit(self) -> str | None:
        """HEAD's commit, or None before the first commit (asked when the repository was
        found; :meth:`commit` moves it)."""
        return self._head

    def current_branch(self) -> str | None:
        """The checked-out branch, or None on a detached HEAD (``HEAD`` in the git
        directory; ``symbolic-ref`` only for anything unusual)."""
        try:
            text = (self._git_dir / "HEAD").read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError):
            text = ""
        if _SHA.fullmatch(text):
            return None
        full = text[len("ref: "):] if text.startswith("ref: refs/heads/") and text != "ref: refs/heads/.invalid" \
            else self.try_run("symbolic-ref", "-q", "HEAD")
        return full[len("refs/heads/"):] if full and full.startswith("refs/heads/") else None

    def is_shallow(self) -> bool:
        return self._shallow

    def shallow_boundary(self) -> bytes:
        """The shallow boundary commits as git lists them (``shallow`` in the common git
        directory; empty for a complete clone): a deepen or ``--unshallow`` changes it."""
        try:
            return (self._common_dir / "shallow").read_bytes()
        except OSError:
            return b""

    def dirty_paths(self) -> list[str]:
        """Every changed or untracked path, as it is (``status --porcelain -z``: no quoting,
        so ``RELEASES-é.md`` or a name with a space or newline is itself); relnotes' own
        staging files (``fsio.is_temp``) are not changes."""
        out = self.run("status", "--porcelain", "-z", "--untracked-files=normal", strip=False)
        paths, fields = [], iter(out.split("\0"))
        for entry in fields:
            if len(entry) < 4:
                continue
            paths.append(entry[3:])
            if entry[0] in "RC":  # a rename or copy: its source follows as a field of its own
                next(fields, None)
        return [p for p in paths if not is_temp(p)]

    # -- questions --------------------------------------------------------------------------

    def is_partial_clone(self) -> bool:
        """Cloned with ``--filter``: blobs not yet needed are left on the promisor remote."""
        out = self.try_run("config", "--get-regexp", r"^(extensions\.partialclone|remote\..*\.promisor)$")
        return any(line.split(" ", 1)[-1] != "false" for line in (out or "").splitlines())

    def resolve(self, rev: str, what: str = "revision") -> str | None:
        """``rev``'s commit (``rev-parse --verify --end-of-options REV^{commit}``), or None.

        The one door for revisions from users and configuration: a value starting
        with ``-`` is refused (UsageError) before git sees it.
        """
        check_revision(rev, what)
        return self.try_run("rev-parse", "--verify", "-q", revs=[f"{rev}^{{commit}}"])

    def branches(self, remote: str | None) -> list[Ref]:
        """Local branches and ``remote``'s remote-tracking ones (see :func:`branch_ref`),
        one for-each-ref call."""
        out = self.run("for-each-ref", "--format=%(refname)%00%(objectname)", "refs/heads", "refs/remotes")
        refs = []
        for line in out.splitlines():
            full, _, sha = line.partition("\0")
            ref = branch_ref(full, remote)
            if ref is not None:
                refs.append(ref._replace(commit=sha))
        return refs

    def tag_names(self) -> list[str]:
        """Every tag's name, one for-each-ref call."""
        out = self.run("for-each-ref", "--format=%(refname)", "refs/tags")
        return [line[len("refs/tags/"):] for line in out.splitlines() if line.startswith("refs/tags/")]

    def recent_tag_names(self, count: int = 20) -> list[str]:
        """The ``count`` newest tags' names, newest first (by the tag's date, or its commit's
        for a lightweight tag), one for-each-ref call."""
        out = self.run("for-each-ref", "--sort=-creatordate", f"--count={int(count)}", "--format=%(refname)",
                       "refs/tags")
        return [line[len("refs/tags/"):] for line in out.splitlines() if line.startswith("refs/tags/")]

    def changed_names(self, base: str) -> str:
        """``diff --name-status -z --find-renames`` from the merge base of ``base``'s commit
        and HEAD (raw ``-z`` output).

        ``base`` (checked like every revision) is peeled by git in this same call
        (``BASE^{commit}...HEAD``), the way :meth:`resolve` peels it: resolving it first
        would start a second git process on the path CI runs on every push.
        """
        check_revision(base, "--base")
        if ".." in base:  # git would split BASE^{commit}...HEAD at the first '..' (as in ^{/a..b})
            commit = self.resolve(base, "--base")
            if commit is None:
                raise GitError(f"--base {quoted(base)} is not a commit")
            base = commit
        # "--" ends the revisions: a BASE that git cannot resolve is an error, never a
        # path (a change could add a file named "origin/main^{commit}...HEAD")
        return self.run("diff", "--name-status", "-z", "--find-renames", revs=[f"{base}^{{commit}}...HEAD"],
                        strip=False, end_of_revisions=True)

    def merge_base(self, base: str) -> str | None:
        """The merge base of ``base``'s commit and HEAD (what ``BASE...HEAD`` compares
        from), or None when git finds none."""
        check_revision(base, "--base")
        out = self.try_run("merge-base", revs=[f"{base}^{{commit}}", "HEAD"])
        return out if out and _SHA.fullmatch(out) else None

    def messages(self, base: str) -> str:
        """Every commit message in ``base..HEAD``, each followed by a NUL."""
        return self.try_run("log", "--format=%B%x00", revs=[f"{base}..HEAD"]) or ""

    def last_commit(self, rev: str, path: str) -> str | None:
        """The newest commit on ``rev`` that changed ``path``."""
        return self.try_run("log", "-1", "--format=%H", revs=[rev], paths=[path]) or None

    def tracked_under(self, directory: str) -> set[str]:
        """Every path git tracks under ``directory``: one ls-files call with one pathspec.

        (Passing thousands of paths as pathspecs makes git match each against each:
        quadratic, 10+ seconds at 10 000 fragments.)
        """
        out = self.run("ls-files", "-z", paths=[directory.rstrip("/") + "/"], strip=False)
        return {p for p in out.split("\0") if p}

    def remove_from_index(self, paths: list[str]) -> None:
        """What ``git rm`` does for files already deleted: one call, paths on stdin."""
        if paths:
            self.run("update-index", "--remove", "-z", "--stdin",
                     stdin=b"".join(check_path(p).encode("utf-8") + b"\0" for p in paths))

    def restore(self, paths: list[str]) -> None:
        """``git checkout HEAD -- PATHS``: the committed state of ``paths``."""
        if paths:
            self.run("checkout", "HEAD", paths=paths)

    def add(self, paths: list[str]) -> None:
        if paths:
            self.run("add", paths=paths)

    def add_updates(self, paths: list[str]) -> None:
        """``git add -u -- PATHS``: stage the changes and removals of tracked files only."""
        if paths:
            self.run("add", "-u", paths=paths)

    def commit(self, message: str) -> str:
        self.run("commit", "-q", f"--message={message}", gitpython=True)
        self._head = self.run("rev-parse", "HEAD")
        return self._head

    def create_branch(self, name: str, at: str = "HEAD", what: str = "branch name") -> None:
        check_branch(name, what)
        self.run("branch", revs=[name, at], gitpython=True)

    def remote_url(self, name: str) -> str | None:
        """The fetch URL of remote ``name`` (``insteadOf`` applied), or None without one."""
        return self.try_run("remote", "get-url", revs=[name]) or None

    def head_message(self) -> str:
        """HEAD's full commit message."""
        return self.run("log", "-1", "--format=%B", "HEAD")

    def tag_exists(self, name: str) -> bool:
        check_tag(name)
        return self.try_run("rev-parse", "--verify", "-q", revs=[f"refs/tags/{name}"]) is not None

    def create_tag(self, name: str, message: str, at: str = "HEAD") -> None:
        """An annotated tag; the message is kept verbatim (its ``## `` lines are not comments)."""
        check_tag(name)
        self.run("tag", "--annotate", "--cleanup=verbatim", "--file=-", revs=[name, at],
                 stdin=message.encode("utf-8"), gitpython=True)

    def push_tag(self, remote: str, name: str) -> None:
        check_tag(name)
        self.run("push", "--quiet", revs=[remote, f"refs/tags/{name}"], gitpython=True)

    def read_objects(self, requests: list[bytes]) -> list[tuple[bytes, bytes, bytes] | None]:
        if self._cat is None:
            self._cat = CatFile(self.root)
        return self._cat.objects(requests)
