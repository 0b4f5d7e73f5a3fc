"""The questions :class:`relnotes.git.history.History` answers from its commit graph in memory.

It exists apart from :mod:`relnotes.git.history` because reading, updating and storing the
graph (one ``git log`` of new commits, the cache in the git directory) and asking
reachability questions of it (contains, descendants, first_containing, a PR's commits…)
change for different reasons.  :class:`GraphQuestions` holds no state of its own: it
reads the arrays History fills (``shas``, ``first``, ``more``, ``gen``, ``pr``,
``time``, ``carried``, ``picks``, ``index``) and the per-commit answers it remembers
(``derived``, ``added``), so History inherits it.
"""

from __future__ import annotations

from array import array
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from relnotes.git.repo import Repo

DERIVED_KEEP = 8  # per-commit answers kept (one per ordered set of tips asked about)
ADDED_KEEP = 8  # "which commit added each fragment" answers kept (per revision and directory)


class GraphQuestions:
    """Reachability and message questions over the graph of :class:`relnotes.git.history.History`."""

    # What History fills (see its docstring); declared here for the type checker only.
    repo: Repo
    refs: dict[str, str]
    shas: list[str]
    first: array[int]
    more: dict[int, list[int]]
    gen: array[int]
    pr: array[int]
    time: array[int]
    carried: dict[int, list[int]]
    picks: dict[int, list[str]]
    index: dict[str, int]
    derived: dict[str, bytes]
    added: dict[str, dict[str, str]]
    _by_pr: dict[int, list[int]] | None
    _children: list[list[int]] | None
    _changed: bool

    def ref(self, *names: str) -> str | None:
        """The commit of the first of ``names`` (full ref names) that exists."""
        for n in names:
            if n in self.refs:
                return self.refs[n]
        return None

    def _parents(self, c: int) -> list[int]:
        p = self.first[c]
        ps = [p] if p >= 0 else []
        return ps + self.more[c] if c in self.more else ps

    def contains(self, tip: str | None, target: str) -> bool:
        """Is ``target`` reachable from ``tip`` (``git merge-base --is-ancestor``)?

        A walk down from ``tip`` that never goes below ``target``'s generation: for a
        recent commit and an old branch it stops at once.
        """
        if tip is None or tip not in self.index or target not in self.index:
            return False
        goal = self.index[target]
        floor, gen = self.gen[goal], self.gen
        start = self.index[tip]
        seen = {start}
        stack = [start]
        while stack:
            c = stack.pop()
            if c == goal:
                return True
            for p in self._parents(c):
                if p not in seen and gen[p] >= floor:
                    seen.add(p)
                    stack.append(p)
        return False

    def _per_commit(self, tips: list[str]) -> bytes:
        """For every commit, 1 + the position of the first of ``tips`` that reaches it (0: none).

        One walk for all tips, in order: a commit already reached from an earlier tip
        is not entered again (its ancestors were reached then too).  Remembered with
        the graph until the refs move, so repeated questions cost a lookup.
        """
        key = "\n".join(tips)
        found = self.derived.get(key)
        if found is not None:
            return found
        first, more = self.first, self.more
        mark = array("I", bytes(4 * len(self.shas)))  # 0 = not reached
        for k, tip in enumerate(tips, 1):
            start = self.index.get(tip)
            if start is None or mark[start]:
                continue
            mark[start] = k
            stack = [start]
            while stack:
                c = stack.pop()
                p = first[c]
                if p >= 0 and not mark[p]:
                    mark[p] = k
                    stack.append(p)
                if c in more:
                    for p in more[c]:
                        if not mark[p]:
                            mark[p] = k
                            stack.append(p)
        found = self.derived[key] = mark.tobytes()
        while len(self.derived) > DERIVED_KEEP:
            del self.derived[next(iter(self.derived))]
        self._changed = True
        return found

    def first_containing(self, target: str, tips: list[str]) -> int | None:
        """The position in ``tips`` of the first one that contains ``target``, or None."""
        i = self.index.get(target)
        if i is None or not tips:
            return None
        mark = self._marks(tips)
        return mark[i] - 1 if mark[i] else None

    def _marks(self, tips: list[str]) -> array:
        mark = array("I")
        mark.frombytes(self._per_commit(tips))
        return mark

    def reachable(self, tip: str | None) -> array:
        """For every commit, non-zero if ``tip`` reaches it (``git rev-list TIP``)."""
        if tip is None or tip not in self.index:
            return array("I", bytes(4 * len(self.shas)))
        return self._marks([tip])

    def only_on(self, tip: str | None, excluded: array) -> list[str]:
        """Commits reachable from ``tip`` that are not in ``excluded`` (``git rev-list TIP ^X``)."""
        if tip is None or tip not in self.index:
            return []
        start = self.index[tip]
        if excluded[start]:
            return []
        out, seen, stack = [], {start}, [start]
        while stack:
            c = stack.pop()
            out.append(self.shas[c])
            for p in self._parents(c):
                if p not in seen and not excluded[p]:
                    seen.add(p)
                    stack.append(p)
        return out

    def _pr_index(self) -> dict[int, list[int]]:
        """PR number -> commits whose message names it, its own or carried (built once per run)."""
        if self._by_pr is None:
            by: dict[int, list[int]] = {}
            for i, n in enumerate(self.pr):
                if n:
                    by.setdefault(n, []).append(i)
            for i, ns in self.carried.items():
                for n in ns:
                    by.setdefault(n, []).append(i)
            self._by_pr = by
        return self._by_pr

    def pr_commits(self, number: int) -> list[str]:
        """Commits whose message names PR ``number``: as their own ``(#N)`` or as an
        original they carry (a backport), newest (highest generation) first."""
        found = set(self._pr_index().get(number, ()))
        return [self.shas[i] for i in sorted(found, key=lambda i: -self.gen[i])]

    def own_pr(self, sha: str) -> int:
        """The commit's own PR number (the last ``(#N)`` of its subject), 0 for none."""
        i = self.index.get(sha)
        return self.pr[i] if i is not None else 0

    def carries(self, sha: str) -> list[int]:
        """The original PRs ``sha``'s message says it carries (a backport's originals)."""
        i = self.index.get(sha)
        return list(self.carried.get(i, [])) if i is not None else []

    def commit_time(self, sha: str) -> int:
        i = self.index.get(sha)
        return self.time[i] if i is not None else 0

    def descendants(self, sha: str) -> bytearray:
        """For every commit, 1 if it contains ``sha`` (``sha`` itself included).

        One walk up the child links from ``sha``: every tag and branch containing a
        commit is then a lookup, where asking each tip would be one walk per tip.
        """
        mark = bytearray(len(self.shas))
        start = self.index.get(sha)
        if start is None:
            return mark
        if self._children is None:
            children: list[list[int]] = [[] for _ in self.shas]
            first, more = self.first, self.more
            for c in range(len(first)):
                p = first[c]
                if p >= 0:
                    children[p].append(c)
            for c, ps in more.items():
                for p in ps:
                    children[p].append(c)
            self._children = children
        children = self._children
        mark[start] = 1
        stack = [start]
        while stack:
            for ch in children[stack.pop()]:
                if not mark[ch]:
                    mark[ch] = 1
                    stack.append(ch)
        return mark

    def picked_from(self, sha: str) -> list[str]:
        """What ``sha``'s ``cherry picked from commit`` / ``Port of`` lines name (as written)."""
        i = self.index.get(sha)
        return list(self.picks.get(i, [])) if i is not None else []

    def copies_of(self, sha: str) -> list[str]:
        """Commits whose ``cherry picked from commit`` trailer names ``sha`` (or a prefix of it)."""
        return [self.shas[i] for i, froms in self.picks.items() if any(sha.startswith(f) for f in froms)]

    def added_in(self, rev_sha: str, directory: str) -> dict[str, str]:
        """For each file under ``directory`` at ``rev_sha``, the commit that added it.

        One ``git log --diff-filter=A`` (tree diffs of the whole history, the costly
        part) the first time; after that only over the commits since a remembered
        revision of the same directory that ``rev_sha`` contains.
        """
        key = f"{rev_sha}:{directory}"
        if key in self.added:
            return self.added[key]
        base_key = next((k for k in reversed(list(self.added))
                         if k.endswith(f":{directory}") and self.contains(rev_sha, k.split(":", 1)[0])), None)
        found = dict(self.added[base_key]) if base_key else {}
        revs = [rev_sha] + ([f"^{base_key.split(':', 1)[0]}"] if base_key else [])
        # -z: every path as it is (no quoting of 'é', spaces or newlines), NUL-terminated
        out = self.repo.try_run("log", "-z", "--diff-filter=A", "--name-only", "--format=%x00%H", revs=revs,
                                paths=[directory], strip=False) or ""
        newer: dict[str, str] = {}
        commit, first, after_empty = None, False, True
        for field in out.split("\0"):  # '', SHA, '\nPATH', PATH, …, '', '', SHA, '\nPATH', …
            if after_empty and len(field) in (40, 64) and all(c in "0123456789abcdef" for c in field):
                commit, first = field, True
            elif field and commit is not None:
                path = field[1:] if first and field.startswith("\n") else field
                first = False
                newer.setdefault(path, commit)  # newest first: keep the latest add
            after_empty = not field
        found.update(newer)
        self.added[key] = found
        while len(self.added) > ADDED_KEEP:
            del self.added[next(iter(self.added))]
        self._changed = True
        return found
