"""Where changes have shipped: ``relnotes backports`` and ``relnotes when``.

Both combine the policy (which releases are supported, when a version ships) with a
few batched git questions: the release branches (one ``for-each-ref``), the branches
or tags containing a commit (one ``for-each-ref --contains`` each), each supported
branch's notes and fragments (``ls-tree`` and the persistent ``cat-file``), and the
``cherry picked from commit`` trailers on each branch (one ``log`` per branch).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from relnotes import notes, policy
from relnotes.config import Config
from relnotes.errors import StateError, UsageError
from relnotes.fragment import Fragment, load_all, parse_text  # noqa: F401
from relnotes.version import Version, version_of_branch

_CHERRY = re.compile(r"cherry picked from commit ([0-9a-f]{7,40})")
_PR_LINK = re.compile(r"/pull/(\d+)\)")
_GHSA = re.compile(r"GHSA(?:-[23456789cfghjmpqrvwx]{4}){3}")


def release_branches(cfg: Config, repo) -> dict[Version, str]:
    """Version → branch name (local preferred over remote-tracking), one git call."""
    found: dict[Version, str] = {}
    for ref in sorted(repo.branches(), key=lambda r: r.remote):
        v = version_of_branch(ref.branch, cfg.release_branch)
        if v is not None and v not in found:
            found[v] = ref.name
    return found


def _branch_fragments(cfg: Config, repo, rev: str) -> list[tuple[Fragment, str]]:
    out = []
    for path in repo.ls_tree(rev, cfg.fragments_dir):
        if not path.endswith(".md") or path.endswith("/README.md"):
            continue
        text = repo.read_blob(rev, path)
        if text is None:
            continue
        frag, _ = parse_text(text, path, cfg.sections)
        if frag is not None:
            out.append((frag, path))
    return out


@dataclass
class BackportRow:
    change: str
    fragment: str
    source: str
    present: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"change": self.change, "fragment": self.fragment, "source": self.source,
                "present": self.present, "missing": self.missing}


def _label(f: Fragment) -> str:
    if f.advisories:
        return f.advisories[0]
    if f.prs:
        return f"#{f.prs[0]}"
    return f.path


def backports(cfg: Config, on: date) -> tuple[list[BackportRow], list[str]]:
    """Backport candidates against every supported release branch that exists."""
    from relnotes.gitio import Repo

    with Repo(cfg.root) as repo:
        branches = release_branches(cfg, repo)
        wanted = policy.supported(cfg, on)
        targets: list[str] = []
        for w in wanted:
            match = [name for v, name in branches.items() if v.major == w.major and v.minor == 0]
            if match:
                targets.append(match[0])
        # candidates: pending on main (working tree) and on the newest release branch
        main_res = load_all(cfg.fragments_path, cfg.root, cfg.sections)
        added_main = repo.added_in("HEAD", cfg.fragments_dir)
        cands: list[tuple[Fragment, str, str | None]] = [
            (f, cfg.main_branch, added_main.get(f.path)) for f in main_res.fragments if f.backport or f.advisories]
        if branches:
            newest = branches[max(branches)]
            added_newest = repo.added_in(newest, cfg.fragments_dir)
            seen = {(f.prs, f.advisories) for f, _, _ in cands}
            for f, path in _branch_fragments(cfg, repo, newest):
                if (f.backport or f.advisories) and (f.prs, f.advisories) not in seen:
                    cands.append((f, newest, added_newest.get(path)))
        # what each target branch already has
        have: dict[str, tuple[set[int], set[str], set[str]]] = {}
        for b in targets:
            prs: set[int] = set()
            advs: set[str] = set()
            for f, _ in _branch_fragments(cfg, repo, b):
                prs.update(f.prs)
                advs.update(f.advisories)
            text = repo.read_blob(b, cfg.notes_file) or ""
            prs.update(int(n) for n in _PR_LINK.findall(text))
            advs.update(_GHSA.findall(text))
            base = repo.try_run("merge-base", "HEAD", b)
            picked = {m for _, body in repo.messages(f"{base}..{b}" if base else b) for m in _CHERRY.findall(body)}
            have[b] = (prs, advs, picked)
        # which candidate commits each target lacks: one rev-list per (source, target),
        # instead of one history walk per candidate
        sources = {cfg.main_branch if source == cfg.main_branch else source for _, source, _ in cands}
        lacking: dict[tuple[str, str], set[str]] = {}
        for source in sources:
            rev = "HEAD" if source == cfg.main_branch else source
            for b in targets:
                lacking[(source, b)] = repo.missing_from(rev, b)
        rows = []
        for f, source, commit in cands:
            row = BackportRow(_label(f), f.path, source)
            for b in targets:
                prs, advs, picked = have[b]
                contains = commit is not None and commit not in lacking[(source, b)]
                present = (bool(set(f.prs) & prs) or bool(set(f.advisories) & advs) or contains
                           or (commit is not None and any(commit.startswith(p) or p.startswith(commit)
                                                          for p in picked)))
                (row.present if present else row.missing).append(b)
            rows.append(row)
    return rows, targets


@dataclass
class WhenResult:
    commit: str
    version: str | None
    branch: str | None
    status: str  # "released" | "upcoming" | "unknown"
    date: str | None

    def as_dict(self) -> dict:
        return {"commit": self.commit, "version": self.version, "branch": self.branch,
                "status": self.status, "date": self.date}


def _notes_date(cfg: Config, repo, rev: str, version: Version) -> tuple[str | None, str | None]:
    text = repo.show_file(rev, cfg.notes_file)
    if text is None:
        return None, None
    doc = notes.parse(text, cfg.notes_file)
    for r in doc.releases:
        if r.version == version:
            return r.status, r.date
    return None, None


def when(cfg: Config, target: str) -> WhenResult:
    """The first release that contains a commit, or PR ``#N``'s merge commit."""
    from relnotes.gitio import Repo

    with Repo(cfg.root) as repo:
        if re.fullmatch(r"#\d+", target.strip()):
            n = int(target.strip()[1:])
            commit = repo.find_pr_commit(cfg.main_branch if repo.resolve(cfg.main_branch) else "HEAD", n)
            if commit is None:
                commit = repo.find_pr_commit("--all", n)
            if commit is None:
                raise StateError(f"no commit with '(#{n})' at the end of its subject",
                                 hint=f"fetch {cfg.main_branch}, or pass the commit itself: relnotes when SHA")
        else:
            commit = repo.resolve(target)
            if commit is None:
                raise UsageError(f"{target!r} is not a commit in this repository",
                                 hint="pass a commit, a branch, a tag, or #PR")
        branches = release_branches(cfg, repo)
        by_name = {name: v for v, name in branches.items()}

        def locate(sha: str) -> tuple[list[Version], list[tuple[Version, str, str]]]:
            """Release tags and release branches containing ``sha``: one for-each-ref walk."""
            tags, on = [], []
            for ref in repo.refs_containing(sha):
                if ref.startswith("refs/tags/"):
                    v = Version.try_parse(ref[len("refs/tags/"):])
                    if v is not None and not v.pre:
                        tags.append(v)
                else:
                    short = ref.removeprefix("refs/heads/").removeprefix("refs/remotes/")
                    if short in by_name:
                        on.append((by_name[short], short, sha))
            return tags, on

        tagged, found = locate(commit)
        # `git cherry-pick -x` copies live on release branches, past where they left main:
        # a short walk over branch-only commits, not the whole history
        main_rev = cfg.main_branch if repo.resolve(cfg.main_branch) else "HEAD"
        for sha, _ in repo.messages_grep(f"cherry picked from commit {commit}",
                                         [*branches.values(), f"^{main_rev}"] if branches else []):
            t, f = locate(sha)
            tagged += t
            found += f
        tagged.sort()
        if tagged:
            v = tagged[0]
            b = next((name for bv, name in branches.items() if (bv.major, bv.minor) == (v.major, v.minor)), None)
            _, stamped = _notes_date(cfg, repo, b, v) if b else (None, None)
            scheduled = policy.release_date(cfg, v.major).isoformat() if (v.minor, v.patch) == (0, 0) else None
            return WhenResult(commit, str(v), b, "released", stamped or scheduled)
        if found:
            v, b, sha = min(found)
            text = repo.show_file(b, cfg.notes_file)
            releases = notes.parse(text, cfg.notes_file).releases if text else []
            if releases and releases[0].version is not None:
                base = repo.try_run("merge-base", cfg.main_branch, b) if repo.resolve(cfg.main_branch) else None
                in_cut = base is not None and repo.try_run("merge-base", "--is-ancestor", sha, base) is not None
                rel = releases[-1] if in_cut and releases[-1].version else releases[0]
                if rel.status == "released" and not in_cut:
                    # picked after the release was stamped? then it ships in the next patch
                    stamped_at = repo.try_run("log", "-1", "--format=%H", b, "--", cfg.notes_file)
                    if stamped_at and repo.try_run("merge-base", "--is-ancestor", sha, stamped_at) is None:
                        return WhenResult(commit, str(rel.version.next_patch()), b, "upcoming", None)
                if rel.status == "released":
                    return WhenResult(commit, str(rel.version), b, "released", rel.date)
                d = policy.release_date(cfg, rel.version.major).isoformat() \
                    if (rel.version.minor, rel.version.patch) == (0, 0) else None
                return WhenResult(commit, str(rel.version), b, "upcoming", d)
            return WhenResult(commit, str(v), b, "upcoming", policy.release_date(cfg, v.major).isoformat())
        # only on main (or a topic branch): it ships with the next cut
        main_rev = cfg.main_branch if repo.resolve(cfg.main_branch) else "HEAD"
        on_main = repo.try_run("merge-base", "--is-ancestor", commit, main_rev) is not None
        text = repo.show_file(main_rev, cfg.notes_file)
        releases = notes.parse(text, cfg.notes_file).releases if text else []
        top = releases[0] if releases else None
        if on_main and top is not None and top.version is not None:
            return WhenResult(commit, str(top.version.release), None, "upcoming",
                              policy.release_date(cfg, top.version.major).isoformat())
        return WhenResult(commit, None, None, "unknown", None)
