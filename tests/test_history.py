"""The cached commit graph answers exactly what git answers, cold, warm and after refs move."""

from __future__ import annotations

import subprocess

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relnotes.git.history import History
from relnotes.git.repo import Repo

EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
OPS = st.lists(st.tuples(st.sampled_from(["commit", "commit", "commit", "branch", "merge", "tag", "pick",
                                          "rewind"]),
                         st.integers(0, 10_000)), min_size=2, max_size=25)


class Builder:
    """A repository built with plumbing from a list of operations (fast: no work tree)."""

    def __init__(self, root):
        self.root = root
        self.tips: dict[str, str] = {}
        self.commits: list[str] = []
        self.subjects: dict[str, str] = {}
        self.picked: dict[str, str] = {}  # copy -> the commit its trailer names
        self.n = 0
        subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
        self.commit("main", "Initial (#1)")

    def git(self, *args: str, stdin: str | None = None) -> str:
        return subprocess.run(["git", *args], cwd=self.root, check=True, capture_output=True, text=True,
                              input=stdin).stdout.strip()

    def commit(self, branch: str, subject: str, *, parents: list[str] | None = None, body: str = "") -> str:
        ps = parents if parents is not None else ([self.tips[branch]] if branch in self.tips else [])
        args = ["commit-tree", EMPTY_TREE]
        for p in ps:
            args += ["-p", p]
        self.n += 1
        sha = self.git(*args, stdin=f"{subject}\n\n{body}\nserial {self.n}\n")
        self.tips[branch] = sha
        self.commits.append(sha)
        self.subjects[sha] = subject
        self.git("update-ref", f"refs/heads/{branch}", sha)
        return sha

    def apply(self, ops) -> None:
        for op, k in ops:
            names = sorted(self.tips)
            branch = names[k % len(names)]
            some = self.commits[k % len(self.commits)]
            if op == "commit":
                self.commit(branch, f"Change {k} (#{k % 7 + 1})" if k % 3 else f"Change {k}")
            elif op == "branch":
                name = f"release-{k % 9 + 1}.0.0"
                self.tips[name] = some
                self.git("update-ref", f"refs/heads/{name}", some)
            elif op == "merge" and len(names) > 1:
                other = names[(k + 1) % len(names)]
                self.commit(branch, f"Merge {other}", parents=[self.tips[branch], self.tips[other]])
            elif op == "tag":
                name = f"{k % 9 + 1}.0.{k % 2}"
                if k % 2:
                    self.git("tag", "-f", "-a", "-m", "release", name, some)
                else:
                    self.git("tag", "-f", name, some)
            elif op == "pick":
                copy = self.commit(branch, f"Backport {k}", body=f"(cherry picked from commit {some})")
                self.picked[copy] = some
            elif op == "rewind" and branch != "main":
                self.tips[branch] = some  # a force-push: commits left behind stay in the cache
                self.git("update-ref", f"refs/heads/{branch}", some)

    def refs(self) -> dict[str, str]:
        out = self.git("for-each-ref", "--format=%(refname) %(objectname) %(*objectname)",
                       "refs/heads", "refs/tags")
        return {name: (peeled or sha) for name, sha, *rest in (line.split(" ") + [""] for line in out.splitlines())
                for peeled in [rest[0] if rest else ""]}

    def reach(self, tip: str) -> set[str]:
        return set(self.git("rev-list", tip).split())


def check_against_git(b: Builder, h: History) -> None:
    refs = b.refs()
    assert h.refs == refs
    assert h.head == refs["refs/heads/main"]
    reach = {name: b.reach(sha) for name, sha in refs.items()}
    order = sorted(refs)
    tips = [refs[n] for n in order]
    main_mask = h.reachable(refs["refs/heads/main"])
    for c in b.commits:
        live = any(c in r for r in reach.values())
        desc = h.descendants(c)
        for name, sha in refs.items():
            assert h.contains(sha, c) == (c in reach[name]), (c, name)
            assert bool(desc[h.index[sha]]) == (c in reach[name]), (c, name)
        want = next((k for k, n in enumerate(order) if c in reach[n]), None)
        assert h.first_containing(c, tips) == want
        if live:
            assert bool(main_mask[h.index[c]]) == (c in reach["refs/heads/main"])
    for name, sha in refs.items():
        assert set(h.only_on(sha, main_mask)) == reach[name] - reach["refs/heads/main"]
    for n in range(1, 8):
        want = {c for c, s in b.subjects.items() if s.endswith(f"(#{n})") and c in h.index}
        assert set(h.pr_commits(n)) == want
    for copy, original in b.picked.items():
        if copy not in h.index:  # rewound away before the history was read
            assert not any(copy in r for r in reach.values())
            continue
        assert h.picked_from(copy) == [original]
        assert copy in h.copies_of(original)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=OPS, then=OPS)
def test_history_answers_like_git(git_env, tmp_path_factory, monkeypatch, first, then):
    b = Builder(tmp_path_factory.mktemp("hist"))
    b.apply(first)
    repo = Repo(b.root)
    cold = History.load(repo)
    check_against_git(b, cold)
    assert (b.root / ".git/relnotes/history-v2.marshal").exists()
    warm = History.load(repo)  # from the cache alone
    assert warm.shas == cold.shas
    check_against_git(b, warm)
    b.apply(then)  # refs move, some rewound: brought up to date from the cache
    moved = History.load(repo)
    check_against_git(b, moved)
    monkeypatch.setenv("RELNOTES_NO_CACHE", "1")
    fresh = History.load(repo)
    monkeypatch.delenv("RELNOTES_NO_CACHE")
    check_against_git(b, fresh)
    assert set(fresh.shas) <= set(moved.shas)


def test_damaged_cache_is_read_again(git_env, tmp_path):
    b = Builder(tmp_path / "r")
    b.apply([("commit", 1), ("branch", 2), ("commit", 3), ("tag", 4)])
    repo = Repo(b.root)
    History.load(repo)
    cache = b.root / ".git/relnotes/history-v2.marshal"
    cache.write_bytes(b"\x00garbage")
    check_against_git(b, History.load(repo))
    History.load(repo)  # rewritten whole
    cache.write_bytes(cache.read_bytes()[:100])  # truncated
    check_against_git(b, History.load(repo))


def test_commits_of_deleted_branches_are_compacted_away(git_env, tmp_path, monkeypatch):
    from relnotes.git import history

    monkeypatch.setattr(history, "COMPACT_MIN", 0)
    b = Builder(tmp_path / "r")
    b.apply([("commit", 1), ("branch", 0)])
    for k in range(6):
        b.commit("release-1.0.0", f"Work {k}")
    repo = Repo(b.root)
    assert len(History.load(repo).shas) == 8
    b.git("update-ref", "-d", "refs/heads/release-1.0.0")  # the branch's 6 commits are unreachable now
    del b.tips["release-1.0.0"]
    h = History.load(repo)
    assert len(h.shas) == 2
    check_against_git(b, h)
    assert len(History.load(repo).shas) == 2
