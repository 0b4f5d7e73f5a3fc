"""Where changes have shipped: ``relnotes backports`` and ``relnotes when``.

Both combine the policy (which releases are supported, when a version ships) with
the commit graph of every branch and tag (``relnotes.history``: read once, kept up
to date in the git directory, answered in memory), plus a few batched reads: each
supported branch's fragments and all the notes and fragment texts they need (one
persistent ``cat-file --batch`` for all of them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from relnotes import notes, policy
from relnotes.config import Config
from relnotes.errors import StateError, UsageError
from relnotes.fragment import FRAGMENT_SUFFIX, IGNORED_NAMES, Fragment, load_all, parse_text
from relnotes.version import Version, version_of_branch

_PR_LINK = re.compile(r"/pull/(\d+)\)")
_GHSA = re.compile(r"GHSA(?:-[23456789cfghjmpqrvwx]{4}){3}")


def release_branches(cfg: Config, refs: dict[str, str]) -> dict[Version, str]:
    """Version → branch name (local preferred over remote-tracking) from full ref names."""
    found: dict[Version, str] = {}
    for prefix, remote in (("refs/heads/", False), ("refs/remotes/", True)):
        for full in refs:
            if full.startswith(prefix):
                name = full[len(prefix):]
                v = version_of_branch(name.partition("/")[2] if remote else name, cfg.release_branch)
                if v is not None and v not in found:
                    found[v] = name
    return found


def _tip(refs: dict[str, str], name: str) -> str | None:
    """The commit of a short branch name as ``release_branches`` gives it."""
    return refs.get(f"refs/heads/{name}") or refs.get(f"refs/remotes/{name}")


def _branch_fragments(cfg: Config, repo, refs: dict[str, str],
                      revs: list[str]) -> dict[str, list[tuple[Fragment, str]]]:
    """The valid fragments on each branch: their trees and texts through one cat-file.

    git is asked by each branch's commit, never by its name: a ref named ``-x`` is data.
    """
    tips = {rev: _tip(refs, rev) for rev in revs}
    listed = repo.ls_trees(sorted({t for t in tips.values() if t}), cfg.fragments_dir)
    paths = {rev: [p for p in (listed[tips[rev]] if tips[rev] else [])
                   if p.endswith(FRAGMENT_SUFFIX) and p.rsplit("/", 1)[-1] not in IGNORED_NAMES]
             for rev in revs}
    specs = [f"{tips[rev]}:{p}" for rev in revs for p in paths[rev]]
    texts = dict(zip(specs, repo.read_blobs(specs)))
    out: dict[str, list[tuple[Fragment, str]]] = {}
    for rev in revs:
        out[rev] = []
        for path in paths[rev]:
            text = texts.get(f"{tips[rev]}:{path}")
            frag, _ = parse_text(text, path, cfg.sections) if text is not None else (None, [])
            if frag is not None:
                out[rev].append((frag, path))
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
    from relnotes.history import History

    with Repo(cfg.root) as repo:
        return _backports(cfg, on, repo, History.load(repo))


def _backports(cfg: Config, on: date, repo, h) -> tuple[list[BackportRow], list[str]]:
    branches = release_branches(cfg, h.refs)
    targets: list[str] = []
    for w in policy.supported(cfg, on):
        match = [name for v, name in branches.items() if v.major == w.major and v.minor == 0]
        if match:
            targets.append(match[0])
    newest = branches[max(branches)] if branches else None
    blobs = _branch_fragments(cfg, repo, h.refs, ([newest] if newest else []) + [b for b in targets if b != newest])
    notes_texts = dict(zip(targets, repo.read_blobs([f"{_tip(h.refs, b)}:{cfg.notes_file}" for b in targets])))
    # candidates: pending on main (working tree) and on the newest release branch
    main_res = load_all(cfg.fragments_path, cfg.root, cfg.sections)
    added_main = h.added_in(h.head, cfg.fragments_dir) if h.head else {}
    cands: list[tuple[Fragment, str, str | None]] = [
        (f, cfg.main_branch, added_main.get(f.path)) for f in main_res.fragments if f.backport or f.advisories]
    if newest:
        newest_tip = _tip(h.refs, newest)
        added_newest = h.added_in(newest_tip, cfg.fragments_dir) if newest_tip else {}
        seen = {(f.prs, f.advisories) for f, _, _ in cands}
        for f, path in blobs[newest]:
            if (f.backport or f.advisories) and (f.prs, f.advisories) not in seen:
                cands.append((f, newest, added_newest.get(path)))
    # what each target branch already has: fragments, notes entries, cherry-picks
    on_head = h.reachable(h.head)
    have: dict[str, tuple[set[int], set[str], set[str]]] = {}
    for b in targets:
        prs: set[int] = set()
        advs: set[str] = set()
        for f, _ in blobs[b]:
            prs.update(f.prs)
            advs.update(f.advisories)
        text = notes_texts.get(b) or ""
        prs.update(int(n) for n in _PR_LINK.findall(text))
        advs.update(_GHSA.findall(text))
        picked = {p for sha in h.only_on(_tip(h.refs, b), on_head) for p in h.picked_from(sha)}
        have[b] = (prs, advs, picked)
    rows = []
    for f, source, commit in cands:
        row = BackportRow(_label(f), f.path, source)
        for b in targets:
            prs, advs, picked = have[b]
            present = (bool(set(f.prs) & prs) or bool(set(f.advisories) & advs)
                       or (commit is not None and h.contains(_tip(h.refs, b), commit))
                       or (commit is not None and any(commit.startswith(p) or p.startswith(commit)
                                                      for p in picked)))
            (row.present if present else row.missing).append(b)
        rows.append(row)
    h.save_if_changed()
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
    from relnotes.history import History

    with Repo(cfg.root) as repo:
        h = History.load(repo)
        try:
            return _when(cfg, repo, h, target)
        finally:
            h.save_if_changed()  # the per-commit answers computed on the way


def _when(cfg: Config, repo, h, target: str) -> WhenResult:
    main_tip = h.ref(f"refs/heads/{cfg.main_branch}")
    main_rev = main_tip or h.head
    on_main_mask = h.reachable(main_rev)
    if re.fullmatch(r"#\d+", target.strip()):
        n = int(target.strip()[1:])
        found_prs = h.pr_commits(n)
        on_main = [c for c in found_prs if on_main_mask[h.index[c]]]
        commit = (on_main or found_prs or [None])[0]
        if commit is None:
            raise StateError(f"no commit with '(#{n})' at the end of its subject",
                             hint=f"fetch {cfg.main_branch}, or pass the commit itself: relnotes when SHA")
    else:
        commit = repo.resolve(target, "REV")  # refuses a value git would read as an option
        if commit is None:
            raise UsageError(f"{target!r} is not a commit in this repository",
                             hint="pass a commit, a branch, a tag, or #PR")
    branches = release_branches(cfg, h.refs)
    branch_order = sorted(branches)  # by version: the first containing is the earliest
    branch_tips = [_tip(h.refs, branches[v]) or "" for v in branch_order]
    tags = sorted((v, sha) for name, sha in h.refs.items() if name.startswith("refs/tags/")
                  for v in [Version.try_parse(name[len("refs/tags/"):])] if v is not None and not v.pre)
    # the commit itself, and its `git cherry-pick -x` copies that live only on release branches
    shas = [commit] + [c for c in h.copies_of(commit) if c in h.index and not on_main_mask[h.index[c]]]
    tagged: list[Version] = []
    found: list[tuple[Version, str, str]] = []
    for sha in shas:
        k = h.first_containing(sha, [t for _, t in tags])
        if k is not None:
            tagged.append(tags[k][0])
        k = h.first_containing(sha, branch_tips)
        if k is not None:
            v = branch_order[k]
            found.append((v, branches[v], sha))
    tagged.sort()
    if tagged:
        v = tagged[0]
        b = next((name for bv, name in branches.items() if (bv.major, bv.minor) == (v.major, v.minor)), None)
        _, stamped = _notes_date(cfg, repo, _tip(h.refs, b), v) if b else (None, None)
        scheduled = policy.release_date(cfg, v.major).isoformat() if (v.minor, v.patch) == (0, 0) else None
        return WhenResult(commit, str(v), b, "released", stamped or scheduled)
    if found:
        v, b, sha = min(found)
        b_tip = _tip(h.refs, b)
        text = repo.show_file(b_tip, cfg.notes_file)
        releases = notes.parse(text, cfg.notes_file).releases if text else []
        if releases and releases[0].version is not None:
            in_cut = h.contains(main_tip, sha)  # on main too: it was there when the branch was cut
            rel = releases[-1] if in_cut and releases[-1].version else releases[0]
            if rel.status == "released" and not in_cut:
                # picked after the release was stamped? then it ships in the next patch
                stamped_at = repo.last_commit(b_tip, cfg.notes_file)
                if stamped_at and not h.contains(stamped_at, sha):
                    return WhenResult(commit, str(rel.version.next_patch()), b, "upcoming", None)
            if rel.status == "released":
                return WhenResult(commit, str(rel.version), b, "released", rel.date)
            d = policy.release_date(cfg, rel.version.major).isoformat() \
                if (rel.version.minor, rel.version.patch) == (0, 0) else None
            return WhenResult(commit, str(rel.version), b, "upcoming", d)
        return WhenResult(commit, str(v), b, "upcoming", policy.release_date(cfg, v.major).isoformat())
    # only on main (or a topic branch): it ships with the next cut
    on_main = commit in h.index and bool(on_main_mask[h.index[commit]])
    text = repo.show_file(main_tip or "HEAD", cfg.notes_file)
    releases = notes.parse(text, cfg.notes_file).releases if text else []
    top = releases[0] if releases else None
    if on_main and top is not None and top.version is not None:
        return WhenResult(commit, str(top.version.release), None, "upcoming",
                          policy.release_date(cfg, top.version.major).isoformat())
    return WhenResult(commit, None, None, "unknown", None)
