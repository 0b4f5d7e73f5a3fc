"""The commit graph of every branch and tag, kept up to date in ``.git/relnotes``.

``when`` and ``backports`` ask reachability questions — which release tags and
branches contain a commit, which commit a PR was merged as, which commits a branch
has that main does not, which were cherry-picked from where.  Asked of git directly
each is a history walk (``for-each-ref --contains``, ``log --grep``, ``merge-base``,
``rev-list A ^B``): 0.1–0.4 s apiece on a 30 000-commit repository, several per
command.  Instead relnotes reads the graph once — hashes, parents, the PR number at
each message names (``relnotes.git.backports``: the commit's own PR, the original PRs a
squash-merged backport names, ``cherry picked from commit`` trailers) and commit
times — and answers them in memory.

The graph is stored in the git directory and brought up to date on every run with
one ``git show-ref`` and, when refs moved, one ``git log`` of only the new commits
(``NEW_TIPS ^OLD_TIPS``); a ref that was rewound or deleted just leaves unreachable
commits behind, which no question reaches from the current refs.  The graph is also
keyed on the shallow boundary (``.git/shallow``): ``git fetch --unshallow`` or a
deepen adds history below commits already read without moving any ref, so a changed
boundary reads the graph again.  Commits are
immutable, so a cached graph is never stale for the commits it holds; a property
test compares every answer with git's own on random histories.

This module loads, updates and stores the graph; the questions asked of it are
:class:`relnotes.git.graph.GraphQuestions`, which :class:`History` inherits.
"""

from __future__ import annotations

import marshal
import re
from array import array
from typing import TYPE_CHECKING

from relnotes.cache import STAMP, blake2b, cache_file, git_dir, read_marshal, write_atomic
from relnotes.git.backports import parse as parse_message
from relnotes.git.graph import ADDED_KEEP, DERIVED_KEEP, GraphQuestions  # noqa: F401
from relnotes.git.repo import branch_ref

if TYPE_CHECKING:
    from pathlib import Path

    from relnotes.git.repo import Repo

NAME = "history-v2.marshal"  # marshal, stamped like the other caches (see relnotes.cache)
COMPACT_MIN = 1000  # graphs smaller than this are never worth compacting
_FORMAT = "%H%x00%P%x00%ct%x00%s%x00%b%x01"


class History(GraphQuestions):
    """Refs and the commit graph reachable from them (see the module docstring).

    Commit ``i`` is ``shas[i]``; its first parent is ``first[i]`` (-1 for a root), any
    further parents are ``more[i]``; ``gen[i]`` is 1 + the longest path to a root, so
    a parent's is always smaller; ``time[i]`` its committer time (Unix seconds);
    ``pr[i]`` is the last ``(#N)`` of its subject, its own PR (0 for none);
    ``carried[i]`` the original PRs its message says it carries and ``picks[i]`` the
    commits it names as its source (both from :func:`relnotes.git.backports.parse`).
    """

    def __init__(self, repo: Repo, refs: dict[str, str], head: str | None) -> None:
        self.repo = repo
        self.refs = refs  # full ref name -> commit (annotated tags peeled)
        self.head = head
        self.shallow = ""  # the shallow boundary the graph was read with (see _shallow_key)
        self._reset()

    def _reset(self) -> None:
        self.shas: list[str] = []
        self.first = array("i")
        self.more: dict[int, list[int]] = {}
        self.gen = array("i")
        self.pr = array("i")
        self.time = array("q")
        self.carried: dict[int, list[int]] = {}
        self.picks: dict[int, list[str]] = {}
        self._by_pr: dict[int, list[int]] | None = None
        self._children: list[list[int]] | None = None
        self.added: dict[str, dict[str, str]] = {}
        self.derived: dict[str, bytes] = {}  # answers for every commit, per set of refs (see _per_commit)
        self.tips: list[str] = []
        self.index: dict[str, int] = {}
        self._changed = False

    # -- loading -------------------------------------------------------------------

    @classmethod
    def load(cls, repo: Repo, remote: str | None = None) -> History:
        """The graph of the tags, the local branches and ``remote``'s remote-tracking ones
        (None: every remote's; :func:`relnotes.git.repo.branch_ref` decides)."""
        refs, head = _read_refs(repo, remote)
        h = cls(repo, refs, head)
        path = _cache_path(repo)
        if path is not None:
            h._restore(path)
        tips = sorted(set(refs.values()) | ({head} if head else set()))
        shallow = _shallow_key(repo)
        if shallow != h.shallow and h.shas:
            h._reset()  # deepened or unshallowed: history appeared below commits already read
        h.shallow = shallow
        new = [t for t in tips if t not in h.index]
        if new:
            try:
                h._walk(new, [t for t in h.tips if t in h.index])
            except Exception:  # an old tip garbage-collected, a damaged cache: read it all again
                h._reset()
                h._walk(tips, [])
        if tips != h.tips:
            gone = set(h.tips) - set(tips)
            h.tips = tips
            h.derived = {}
            h._changed = True
            if gone and len(h.shas) > COMPACT_MIN and 3 * h._live_count() < 2 * len(h.shas):
                h._reset()  # over a third of the graph left behind by rewound or deleted refs: compact
                h._walk(tips, [])
                h.tips = tips
        h.save_if_changed()
        return h

    def _live_count(self) -> int:
        """How many commits the current tips reach (one walk over the graph in memory)."""
        seen = bytearray(len(self.shas))
        stack = [self.index[t] for t in self.tips if t in self.index]
        for c in stack:
            seen[c] = 1
        count = len(stack)
        while stack:
            for p in self._parents(stack.pop()):
                if not seen[p]:
                    seen[p] = 1
                    count += 1
                    stack.append(p)
        return count

    def _restore(self, path: Path) -> None:
        data = read_marshal(path)
        if data is None:
            return
        try:
            self.shas = data["shas"]
            for name, code in (("first", "i"), ("gen", "i"), ("pr", "i"), ("time", "q")):
                arr = array(code)
                arr.frombytes(data[name])
                setattr(self, name, arr)
            if not (len(self.shas) == len(self.first) == len(self.gen) == len(self.pr) == len(self.time)):
                raise ValueError("inconsistent history cache")
            self.more, self.picks, self.added = data["more"], data["picks"], data["added"]
            self.carried, self.shallow = data["carried"], data["shallow"]
            self.derived, self.tips = data["derived"], data["tips"]
            self.index = dict(zip(self.shas, range(len(self.shas))))
        except (ValueError, KeyError, TypeError, AttributeError):
            self._reset()  # damaged: read the history again

    def _walk(self, include: list[str], exclude: list[str]) -> None:
        """Add the commits reachable from ``include`` but not from ``exclude``: one git log."""
        out = self.repo.run("log", "--topo-order", f"--format={_FORMAT}", "--stdin",
                            stdin_revs=[*include, *(f"^{s}" for s in exclude)], strip=False)
        records = [r for r in out.split("\x01") if r.strip("\n")]
        index, shas = self.index, self.shas
        pending = []
        for rec in reversed(records):  # topo order lists children first: parents go in first
            sha, parent_list, when, subject, body = rec.lstrip("\n").split("\0", 4)
            if sha in index:
                continue
            index[sha] = len(shas)
            shas.append(sha)
            pending.append((parent_list.split(), when, subject, body))
        first, more, gen, pr = self.first, self.more, self.gen, self.pr

        for plist, when, subject, body in pending:
            i = len(first)
            ps = [index[p] for p in plist if p in index]  # a shallow clone's boundary has no parents here
            first.append(ps[0] if ps else -1)
            if len(ps) > 1:
                more[i] = ps[1:]
            gen.append(1 + max((gen[p] for p in ps), default=0))
            self.time.append(int(when) if when.isdigit() else 0)
            named = parse_message(subject, body)
            pr.append(named.own)
            if named.originals:
                self.carried[i] = list(named.originals)
            if named.commits:
                self.picks[i] = list(named.commits)
        self.derived = {}
        self._by_pr = self._children = None
        self._changed = True

    def save_if_changed(self) -> None:
        """Write the cache atomically if this run added to it (marshal: ~10 ms to load 30 000 commits)."""
        path = _cache_path(self.repo)
        if path is None or not self._changed:
            return

        write_atomic(path, marshal.dumps({"version": STAMP, "tips": self.tips, "shas": self.shas,
                                          "first": self.first.tobytes(), "more": self.more,
                                          "gen": self.gen.tobytes(), "pr": self.pr.tobytes(),
                                          "time": self.time.tobytes(), "carried": self.carried,
                                          "shallow": self.shallow, "picks": self.picks, "added": self.added, "derived": self.derived}))
        self._changed = False


def _read_refs(repo: Repo, remote: str | None = None) -> tuple[dict[str, str], str | None]:
    """Branches, ``remote``'s remote-tracking branches and tags (peeled to their commits),
    and HEAD's commit.

    One ``for-each-ref``; HEAD is read from the git directory (``ref: refs/heads/…``
    or a detached commit), with ``rev-parse`` only for anything unusual.
    """
    out = repo.run("for-each-ref", "--format=%(objectname) %(objecttype) %(*objectname) %(*objecttype) %(refname)",
                   "refs/heads", "refs/remotes", "refs/tags")
    refs: dict[str, str] = {}
    for line in out.splitlines():
        sha, kind, peeled, peeled_kind, name = line.split(" ", 4)
        if not name.startswith("refs/tags/") and branch_ref(name, remote) is None:
            continue  # another remote's branch (a fork's): not one of ours
        if kind == "commit":
            refs[name] = sha
        elif kind == "tag" and peeled_kind == "commit":
            refs[name] = peeled  # an annotated tag: the commit it points to
    return refs, _head(repo, refs)


def _head(repo: Repo, refs: dict[str, str]) -> str | None:
    gd = git_dir(repo.root)
    try:
        text = (gd / "HEAD").read_text(encoding="utf-8").strip() if gd is not None else ""
    except (OSError, UnicodeDecodeError):
        text = ""
    if text.startswith("ref: refs/heads/"):
        return refs.get(text[len("ref: "):])  # not among the branches: unborn, no commits yet
    if re.fullmatch(r"[0-9a-f]{40}|[0-9a-f]{64}", text):
        return text  # detached
    return repo.try_run("rev-parse", "-q", "--verify", "HEAD^{commit}")


def _shallow_key(repo: Repo) -> str:
    """A digest of the shallow boundary ("" for a complete clone)."""
    data = repo.shallow_boundary()
    if not data:
        return ""

    return blake2b(data, digest_size=16).hexdigest()


def _cache_path(repo: Repo) -> Path | None:
    return cache_file(repo.root, NAME)
