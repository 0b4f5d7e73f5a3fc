"""Where changes have shipped: ``relnotes backports`` and ``relnotes when``.

Both combine the policy (which releases are supported, when a version ships) with
the commit graph of every branch and tag (``relnotes.git.history``: read once, kept up
to date in the git directory, answered in memory), plus a few batched reads: each
supported branch's fragments, notes and fragment texts (one ``cat-file --batch``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from relnotes.config.load import Config
from relnotes.errors import StateError, UsageError, quoted
from relnotes.fragments.fragment import FRAGMENT_SUFFIX, IGNORED_NAMES, Fragment, load_all, parse_text
from relnotes.fragments.schema import ADVISORY_ID
from relnotes.git.history import History
from relnotes.git.repo import Repo
from relnotes.patterns import lazy
from relnotes.policy import calendar as policy
from relnotes.policy import schemes
from relnotes.questions import advisories
from relnotes.version import Version, version_of_branch

_PR_LINK = lazy(r"/pull/(\d+)\)")
ADVISORY_RE = lazy(ADVISORY_ID)  # advisory ids named in notes text


def release_branches(cfg: Config, refs: dict[str, str]) -> dict[Version, str]:
    """Version → branch name (local preferred over remote-tracking) from full ref names."""
    found: dict[Version, str] = {}
    for prefix, remote in (("refs/heads/", False), ("refs/remotes/", True)):
        for full in refs:
            if full.startswith(prefix):
                name = full[len(prefix):]
                v = version_of_branch(name.partition("/")[2] if remote else name, cfg.branch_patterns)
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
            frag, _ = parse_text(text, path, cfg.sections, fields=cfg.fields) if text is not None else (None, [])
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
    policy.calendar_of(cfg)  # "supported" needs a support policy: without one, say so first

    with Repo(cfg.root) as repo:
        return _backports(cfg, on, repo, History.load(repo, cfg.remote))


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
    main_res = load_all(cfg.fragments_path, cfg.root, cfg.sections, fields=cfg.fields)
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
    # what each target branch already has: fragments, notes entries, backports, cherry-picks
    on_head = h.reachable(h.head)
    have: dict[str, tuple[set[int], set[str], set[str], set[int]]] = {}
    for b in targets:
        prs: set[int] = set()
        advs: set[str] = set()
        for f, _ in blobs[b]:
            prs.update(f.prs)
            advs.update(f.advisories)
        text = notes_texts.get(b) or ""
        prs.update(int(n) for n in _PR_LINK.findall(text))
        advs.update(ADVISORY_RE.findall(text))
        only = h.only_on(_tip(h.refs, b), on_head)
        picked = {p for sha in only for p in h.picked_from(sha)}
        carried = {n for sha in only for n in h.carries(sha)}  # squash-merged backports name their originals
        have[b] = (prs, advs, picked, carried)
    rows = []
    tips = {b: t for b in branches.values() if (t := _tip(h.refs, b))}
    main_tip, shared = h.ref(f"refs/heads/{cfg.main_branch}"), dict[str, object]()  # one read for all candidates
    advisories.read_seeds(repo, [c for f, _, _ in cands for c in advisories.own_commits(h, f.prs)], shared)
    for f, source, commit in cands:
        row = BackportRow(_label(f), f.path, source)
        same = advisories.carried_by(cfg, repo, h, f.prs, f.advisories, tips, main_tip, shared)
        for b in targets:
            prs, advs, picked, carried = have[b]
            present = (bool(set(f.prs) & (prs | carried)) or bool(set(f.advisories) & advs)
                       or any(h.contains(_tip(h.refs, b), c) for c in same)  # PR-less, by title or advisory
                       or (commit is not None and h.own_pr(commit) in carried)
                       or (commit is not None and h.contains(_tip(h.refs, b), commit))
                       or (commit is not None and any(commit.startswith(p) or p.startswith(commit)
                                                      for p in picked)))
            (row.present if present else row.missing).append(b)
        rows.append(row)
    h.save_if_changed()
    return rows, targets


@dataclass
class Shipped:
    """One release line that carries a change: its first release with it, and how."""
    version: str | None  # None: the next release, whose version main's notes do not name
    branch: str | None
    status: str  # "released" | "upcoming"
    date: str | None
    commit: str  # the commit there: the change itself or a backport of it
    candidate: str | None = None  # upcoming: the first release candidate (X.Y.Z-rc.N) that has it

    def as_dict(self) -> dict:
        return {"version": self.version, "branch": self.branch, "status": self.status,
                "date": self.date, "commit": self.commit, "candidate": self.candidate}


@dataclass
class WhenResult:
    commit: str
    version: str | None
    branch: str | None
    status: str  # "released" | "upcoming" | "unknown"
    date: str | None
    releases: list[Shipped] = field(default_factory=list)  # every line carrying it, earliest first
    candidate: str | None = None  # upcoming and already in a release candidate: its version
    advisory: str | None = None  # asked about an advisory: its id (``commit`` is one fix commit)

    def as_dict(self) -> dict:
        return {"commit": self.commit, "version": self.version, "branch": self.branch,
                "status": self.status, "date": self.date, "candidate": self.candidate,
                "advisory": self.advisory, "releases": [r.as_dict() for r in self.releases]}


def _notes_date(cfg: Config, repo, rev: str | None, version: Version) -> tuple[str | None, str | None]:
    text = repo.show_file(rev, cfg.notes_file) if rev is not None else None
    if text is None:
        return None, None
    doc = schemes.parse_notes(cfg, text)
    for r in doc.releases:
        if r.version == version:
            return r.status, r.date
    return None, None


def when(cfg: Config, target: str) -> WhenResult:
    """The earliest release that shipped a commit or PR ``#N`` (or a backport of it), and
    every other release line that carries it."""
    with Repo(cfg.root) as repo:
        h = History.load(repo, cfg.remote)
        try:
            return _when(cfg, repo, h, target)
        finally:
            h.save_if_changed()  # the per-commit answers computed on the way


def _target(cfg: Config, repo, h, target: str, on_main) -> tuple[str, int]:
    """The commit asked about and its PR number (0 when it has none)."""
    if re.fullmatch(r"#\d+", target.strip()):
        if len(target.strip()) > 13:  # '#' and twelve digits: more than any forge has numbered
            raise UsageError(f"{quoted(target.strip())} is no pull request number (at most 12 digits)",
                             hint="pass #N with the pull request's number, a commit, a branch or a tag")
        n = int(target.strip()[1:])
        named = h.pr_commits(n)  # its own merge commit, and backports that name it
        own = [c for c in named if h.own_pr(c) == n]
        pick = [c for c in own if on_main(c)] or own or [c for c in named if on_main(c)] or named
        if not pick:
            raise StateError(f"no commit with '(#{n})' in its subject or naming #{n} as a backport",
                             hint=f"fetch {cfg.main_branch}, or pass the commit itself: relnotes when SHA")
        return pick[0], n
    commit = repo.resolve(target, "REV")  # refuses a value git would read as an option
    if commit is None:
        raise UsageError(f"{quoted(target)} is not a commit in this repository",
                         hint="pass a commit, a branch, a tag, or #PR")
    return commit, h.own_pr(commit)


def carriers(h, commit: str, number: int, on_main) -> list[str]:
    """The commit and its backports: commits off the main line whose message names its
    PR (or, one level further, a backport's PR) or whose cherry-pick trailer names it."""
    found = [commit]
    numbers = [number] if number else []
    for depth in range(2):  # a backport of a backport names the first backport's PR
        for n in list(numbers):
            for c in h.pr_commits(n):
                if c not in found and not on_main(c):
                    found.append(c)
                    own = h.own_pr(c)
                    if depth == 0 and own and own not in numbers:
                        numbers.append(own)
    for c in h.copies_of(commit):
        if c in h.index and c not in found and not on_main(c):
            found.append(c)
    return found


def _day(ts: int) -> str:
    from datetime import datetime, timezone

    return datetime.fromtimestamp(ts, timezone.utc).date().isoformat()


def _when(cfg: Config, repo, h, target: str) -> WhenResult:
    main_tip = h.ref(f"refs/heads/{cfg.main_branch}")
    main_rev = main_tip or h.head
    on_main_mask = h.reachable(main_rev)

    def on_main(c: str) -> bool:
        return c in h.index and bool(on_main_mask[h.index[c]])

    branches = release_branches(cfg, h.refs)
    tips = {b: t for b in branches.values() if (t := _tip(h.refs, b))}
    ident = advisories.advisory_id(target)
    named: list[advisories.Named] = []
    if ident:  # the fixes the notes' patch releases added for it, and the same change elsewhere
        shas, named = advisories.carriers_of(cfg, repo, h, ident, tips, main_tip)
        if not shas and not named:
            raise StateError(f"no release section of {cfg.notes_file} on any release branch names {ident}",
                             hint="fetch the release branches and tags, or check the advisory id")
        commit = next((c for c in shas if on_main(c)), shas[0] if shas else "")
    else:
        commit, number = _target(cfg, repo, h, target, on_main)
        shas = carriers(h, commit, number, on_main)  # then PR-less backports listing its title
        shas += [c for c in advisories.same_change(repo, h, [[commit]], list(tips.values()), main_rev,
                                                   bullets=False, near_on_main=False) if c not in shas]
    marks = [(sha, h.descendants(sha)) for sha in shas]

    def carrier_in(tip: str | None) -> str | None:
        i = h.index.get(tip) if tip else None
        return next((sha for sha, m in marks if m[i]), None) if i is not None else None

    # released: per line, the first tag containing the change or a backport (an rc tag only noted)
    tagged: dict[tuple[int, int], tuple[Version, str, str]] = {}
    candidates: dict[str, Version] = {}  # release version -> its first candidate with the change
    for name, sha in h.refs.items():
        if not name.startswith("refs/tags/"):
            continue
        v = Version.try_parse(name[len("refs/tags/"):])
        if v is None:
            continue
        if v.pre:
            final = str(v.release)
            if v.pre[0] == "rc" and (final not in candidates or v < candidates[final]) and carrier_in(sha):
                candidates[final] = v
            continue
        line = (v.major, v.minor)
        if line in tagged and tagged[line][0] < v:
            continue
        hit = carrier_in(sha)
        if hit is not None:
            tagged[line] = (v, sha, hit)
    for n in advisories.earliest_per_line(named):  # the notes name it: no later than that
        line = (n.version.major, n.version.minor)
        tag = h.ref(f"refs/tags/{n.version.format(cfg.tag)}")
        if tag and (line not in tagged or n.version < tagged[line][0]):
            tagged[line] = (n.version, tag, tagged[line][2] if line in tagged else tag)
    shipped: list[Shipped] = []
    tag_names = {name[len("refs/tags/"):] for name in h.refs if name.startswith("refs/tags/")}
    for line, (v, tag_sha, hit) in tagged.items():
        b = next((name for bv, name in branches.items() if (bv.major, bv.minor) == line), None)
        first = Version.parse(f"{line[0]}.{line[1]}.0")
        if v.patch and b and on_main(hit) and not any(Version.try_parse(t) == first for t in tag_names):
            # X.Y.0 was never tagged (Wasmtime 38.0.0) but the change was in the cut: the
            # notes say whether and when X.Y.0 was released
            status, stamped = _notes_date(cfg, repo, _tip(h.refs, b), first)
            if status == "released":
                shipped.append(Shipped(str(first), b, "released", stamped, hit))
                continue
        shipped.append(Shipped(str(v), b, "released", _day(h.commit_time(tag_sha)), hit))
    # lines without such a tag: the branch's own notes say released or upcoming
    for bv, b in sorted(branches.items()):
        if (bv.major, bv.minor) in tagged:
            continue
        hit = carrier_in(_tip(h.refs, b))
        if hit is not None:
            shipped.append(_on_branch(cfg, repo, h, b, bv, hit, main_tip))
        elif un := next((n for n in advisories.earliest_per_line(named) if (bv.major, bv.minor) ==
                         (n.version.major, n.version.minor)), None):  # named, untagged, no fix commit
            shipped.append(Shipped(str(un.version), b, "released" if un.status == "released" else "upcoming",
                                   un.date, tips.get(b, "")))
    # every line found so far names its version (only "the next release" below may not)
    released = sorted((s for s in shipped if s.status == "released"),
                      key=lambda s: (s.date or "", Version.parse(s.version or "")))
    upcoming = sorted((s for s in shipped if s.status != "released"), key=lambda s: Version.parse(s.version or ""))
    # on main but in no release branch yet: it ships with the next cut
    if on_main(commit) and not any(s.branch is not None and s.status == "upcoming" for s in upcoming) \
            and not _in_any_branch(h, branches, marks):
        text = repo.show_file(main_tip or "HEAD", cfg.notes_file)
        releases = schemes.parse_notes(cfg, text).releases if text else []
        top = releases[0] if releases else None
        # the next release: main's top section names it; only a calendar dates it (policy.expected_release)
        nxt = top.version.release if top is not None and top.version is not None else None
        upcoming.append(Shipped(str(nxt) if nxt else None, None, "upcoming",
                                _expected(cfg, nxt) if nxt else None, commit))
    for s in upcoming:
        rc = candidates.get(s.version) if s.version is not None else None
        s.candidate = str(rc) if rc is not None else None
    ordered = released + upcoming
    if not ordered:
        return WhenResult(commit, None, None, "unknown", None, [], advisory=ident)
    soonest = ordered[0]
    if soonest.status == "released" and soonest.branch:
        v = Version.parse(soonest.version or "")
        _, stamped = _notes_date(cfg, repo, _tip(h.refs, soonest.branch), v)
        if stamped:
            soonest.date = stamped
    return WhenResult(commit, soonest.version, soonest.branch, soonest.status, soonest.date, ordered,
                      soonest.candidate, ident)


def _in_any_branch(h, branches: dict[Version, str], marks) -> bool:
    for b in branches.values():
        i = h.index.get(_tip(h.refs, b) or "")
        if i is not None and any(m[i] for _, m in marks):
            return True
    return False


def _on_branch(cfg: Config, repo, h, b: str, bv: Version, sha: str, main_tip: str | None) -> Shipped:
    """A release line with no tag carrying ``sha``: what the branch's notes say."""
    b_tip = _tip(h.refs, b)  # git is asked by commit, never by a branch name
    text = repo.show_file(b_tip, cfg.notes_file)
    releases = schemes.parse_notes(cfg, text).releases if text else []
    if releases and releases[0].version is not None:
        in_cut = h.contains(main_tip, sha)  # on main too: it was there when the branch was cut
        rel = releases[-1] if in_cut and releases[-1].version else releases[0]
        assert rel.version is not None  # either one has a version: checked just above
        if rel.status == "released" and not in_cut:
            # picked after the release was stamped? then it ships in the next patch
            stamped_at = repo.last_commit(b_tip, cfg.notes_file)
            if stamped_at and not h.contains(stamped_at, sha):
                return Shipped(str(rel.version.next_patch()), b, "upcoming", None, sha)
        if rel.status == "released":
            return Shipped(str(rel.version), b, "released", rel.date, sha)
        return Shipped(str(rel.version), b, "upcoming", _expected(cfg, rel.version), sha)
    return Shipped(str(bv), b, "upcoming", _expected(cfg, bv), sha)


def _expected(cfg: Config, version: Version) -> str | None:
    """The calendar's day for ``version`` as text, or None (see :func:`policy.expected_release`)."""
    d = policy.expected_release(cfg, version)
    return d.isoformat() if d else None
