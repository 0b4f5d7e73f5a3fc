"""Security advisories as first-class changes: which commits carry a fix, which releases ship it.

An advisory fix usually names no PR where it ships: it is prepared in private and
lands on each release branch as one combined backport (Wasmtime's ``[47.0.x]
Backports for security fixes (#14176)``), the notes of the patch release link the
advisory (``[GHSA-…](…/security/advisories/GHSA-…)``), and the branch cut next from
main carries the same change with no note at all (48.0.0 for GHSA-x84v-gj2h-g759).
So an advisory is found in three steps:

1. the release sections that name it, in the notes of every release branch;
2. the *fix commits*: those a tagged patch release that names it added since the
   previous tag of its line, less the release commits and the commits of PRs that
   other entries of that section link;
3. the same change elsewhere (:mod:`relnotes.git.samechange`): commits off main and
   commits on main near the fixes in time whose titles are a fix commit's titles.

``relnotes when '#N'`` uses step 3 too: a PR on main whose title a combined backport
lists is carried by that backport.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from relnotes.config.load import Config
from relnotes.git.history import History
from relnotes.git.samechange import read_messages, titles
from relnotes.patterns import lazy
from relnotes.policy import schemes
from relnotes.version import Version, version_of_branch

_GHSA = r"GHSA(?:-[23456789cfghjmpqrvwx]{4}){3}"
ADVISORY_TARGET = lazy(rf"(?i)(?:{_GHSA}|CVE-\d{{4}}-\d{{4,7}}|RUSTSEC-\d{{4}}-\d{{4}})")
# an advisory id as a word of its own (not inside a longer name); matched ids are compared lowercased
_ADVISORY_WORD = lazy(rf"(?i)(?<![\w-])(?:{_GHSA}|CVE-\d{{4}}-\d{{4,7}}|RUSTSEC-\d{{4}}-\d{{4}})(?![\w-])")
_PR_LINK = lazy(r"/pull/(\d{1,9})\)")
_PREFIXED = lazy(r"^\s*\[[^\]\n]{1,40}\]")
_RELEASE_SUBJECT = lazy(r"(?i)^\s*(?:\[[^\]]{1,40}\]\s*)?(?:release|bump)\s")
NEAR = 30 * 86400  # seconds: a fix lands on main within this long of its backports
MAX_FIXES = 64  # fix commits per advisory: more means the range was not a security release


def advisory_id(target: str) -> str | None:
    """The advisory ``target`` names (``GHSA-…``, ``CVE-…``, ``RUSTSEC-…``), normalised, or None."""
    t = target.strip()
    if not ADVISORY_TARGET.fullmatch(t):
        return None
    head, _, rest = t.partition("-")
    return f"{head.upper()}-{rest.lower() if head.upper() == 'GHSA' else rest}"


@dataclass(frozen=True)
class Named:
    """A release section that names the advisory."""
    version: Version
    branch: str
    status: str | None
    date: str | None
    other_prs: frozenset[int]  # PRs linked by the section's entries that do not name it
    other_advisories: frozenset[str] = frozenset()  # the other advisories the section names (lowercase)


def _entries(section: str) -> list[str]:
    """The section's entries, roughly: paragraphs split at top-level bullets."""
    return re.split(r"\n(?=[*-] )", section)


def named_in_notes(cfg: Config, repo, tips: dict[str, str], ident: str) -> list[Named]:
    """Every release section naming ``ident`` in the notes of the branches ``tips``
    (branch -> commit), one per version (its own line's branch preferred)."""
    return named_in_notes_of(cfg, repo, tips, [ident])[ident]


def named_in_notes_of(cfg: Config, repo, tips: dict[str, str], idents: list[str]) -> dict[str, list[Named]]:
    """:func:`named_in_notes` for several advisories in one pass: one read of the notes
    files, each parsed once, each section scanned once for every advisory id it names."""
    names = sorted(tips)
    texts = repo.read_blobs([f"{tips[b]}:{cfg.notes_file}" for b in names])
    wanted = {i.lower(): i for i in idents}
    found: dict[str, dict[Version, Named]] = {i: {} for i in idents}
    for b, text in zip(names, texts):
        if not text:
            continue
        low = text.lower()
        if not any(w in low for w in wanted):
            continue
        doc = schemes.parse_notes(cfg, text)
        for rel in doc.releases:
            if rel.version is None:
                continue
            section = doc.section_text(rel)
            entries = _entries(section)
            every = [{m.lower() for m in _ADVISORY_WORD.findall(e)} for e in entries]
            named_by = [ids & wanted.keys() for ids in every]
            own_line = b.endswith(f"{rel.version.major}.{rel.version.minor}.0")
            for key in set().union(*named_by):
                ident = wanted[key]
                others = frozenset(int(n) for e, ids in zip(entries, named_by) if key not in ids
                                   for n in _PR_LINK.findall(e))
                if rel.version not in found[ident] or own_line:
                    found[ident][rel.version] = Named(rel.version, b, rel.status, rel.date, others,
                                                      frozenset(set().union(*every) - {key}))
    return {i: sorted(f.values(), key=lambda n: n.version) for i, f in found.items()}


def earliest_per_line(named: list[Named]) -> list[Named]:
    """The first release of each line among ``named``."""
    first: dict[tuple[int, int], Named] = {}
    for n in named:
        line = (n.version.major, n.version.minor)
        if line not in first or n.version < first[line].version:
            first[line] = n
    return list(first.values())


def _tags_by_line(refs: dict[str, str]) -> dict[tuple[int, int], list[tuple[Version, str]]]:
    lines: dict[tuple[int, int], list[tuple[Version, str]]] = {}
    for name, sha in refs.items():
        if name.startswith("refs/tags/"):
            v = Version.try_parse(name[len("refs/tags/"):])
            if v is not None and not v.pre:
                lines.setdefault((v.major, v.minor), []).append((v, sha))
    for tags in lines.values():
        tags.sort(key=lambda t: t[0])
    return lines


def fix_commits(cfg: Config, h, named: list[Named]) -> list[list[str]]:
    """Per tagged patch release naming the advisory, the commits it added (step 2)."""
    lines = _tags_by_line(h.refs)
    groups: list[list[str]] = []
    for n in named:
        tags = lines.get((n.version.major, n.version.minor), [])
        at = next((i for i, (v, _) in enumerate(tags) if v == n.version), None)
        if not at:  # untagged, or the line's first release: its range is the whole cycle
            continue
        added = [sha for sha in h.only_on(tags[at][1], h.reachable(tags[at - 1][1]))
                 if h.own_pr(sha) not in n.other_prs and not set(h.carries(sha)) & n.other_prs]
        if added and len(added) <= MAX_FIXES:
            groups.append(added)
    return groups


def _keys(subject: str, body: str) -> set[str]:
    """A seed's titles, less a release commit's and a combined backport's own subject."""
    if _RELEASE_SUBJECT.match(subject):
        return set()
    found = titles(subject, body)
    if _PREFIXED.match(subject) and len(found) > 1:
        found -= titles(subject, bullets=False)  # "[48.0.0] Backports for security fixes"
    return found


def same_change(repo, h, groups: list[list[str]], branch_tips: list[str], main_tip: str | None,
                *, bullets: bool = True, near_on_main: bool = True, cache: dict | None = None,
                foreign: frozenset[str] = frozenset()) -> list[str]:
    """Commits that carry the change of the seed commits ``groups`` under another commit
    (step 3): off main (not reachable from ``main_tip``), a commit listing a seed's
    title; with ``near_on_main``, on main near the seeds in time, one titled so.  With several groups (the fixes of several patch releases), a
    title counts only when two groups share it: a combined backport also carries
    unrelated changes (a CI tweak) that the other lines did not need."""
    seeds = [s for g in groups for s in g]
    if not seeds:
        return []
    cache = {} if cache is None else cache  # one read of each kind of messages per command
    msgs = _seed_messages(repo, seeds, cache)
    per_group = [set().union(*(_keys(*msgs.get(s, ("", ""))) if bullets else
                               titles(msgs.get(s, ("", ""))[0], bullets=False) for s in g)) for g in groups]
    keys = {k for k in set().union(*per_group) if len(groups) < 2 or sum(k in g for g in per_group) >= 2} - foreign
    if not keys:
        return []
    found: list[str] = []
    if "off_main" not in cache:
        cache["off_main"] = read_messages(repo, branch_tips, [main_tip] if main_tip else [])
    if "off_main_titles" not in cache:  # each message's titles once, for every advisory
        cache["off_main_titles"] = {sha: titles(subject, body) for sha, (subject, body) in cache["off_main"].items()}
    for sha, found_titles in cache["off_main_titles"].items():
        if sha not in seeds and found_titles & keys:
            found.append(sha)
    if main_tip and near_on_main:
        times = [h.commit_time(s) for s in seeds]
        lo, hi = min(times) - NEAR, max(times) + NEAR
        near = cache.get("near_main")  # (since, until, messages): main's commits over a wider window
        if near is None or not near[0] <= lo <= hi <= near[1]:
            near = (lo, hi, read_messages(repo, [main_tip], [], since=lo, until=hi))
        for sha, (subject, _) in near[2].items():
            if sha not in seeds and titles(subject, bullets=False) & keys and lo <= h.commit_time(sha) <= hi:
                found.append(sha)
    return found


def _seed_messages(repo, seeds: list[str], cache: dict) -> dict[str, tuple[str, str]]:
    """The messages of ``seeds``: from ``cache["seeds"]`` when it has them all (one read for
    every advisory of a command), else one read."""
    have = cache.get("seeds", {})
    if all(s in have for s in seeds):
        return have
    return read_messages(repo, seeds, [], no_walk=True)


def prepare(repo, h, groups: list[list[str]], main_tip: str | None, cache: dict) -> None:
    """Read once, into ``cache``, what :func:`same_change` reads for each of several
    advisories' fix ``groups``: the seeds' messages and main's near them in time."""
    seeds = sorted({s for g in groups for s in g})
    if not seeds:
        return
    cache["seeds"] = read_messages(repo, seeds, [], no_walk=True)
    if main_tip:
        times = [h.commit_time(s) for s in seeds]
        lo, hi = min(times) - NEAR, max(times) + NEAR
        cache["near_main"] = (lo, hi, read_messages(repo, [main_tip], [], since=lo, until=hi))


def _foreign_titles(cfg: Config, repo, h, named: list[Named], tips: dict[str, str], cache: dict) -> frozenset[str]:
    """The titles another advisory's fix has: one combined backport lists the fixes of all
    the advisories its release names, so a title that a patch release *not* naming this
    advisory also shipped (0.9.1 fixing only B, where 1.0.1 fixed A and B together) is the
    other advisory's, and matching it would call 0.9.1 a carrier of A."""
    mine = {n.version for n in named}
    others = sorted({o for n in named for o in n.other_advisories})
    if not others:
        return frozenset()
    known = cache.setdefault("named", {})
    missing = [o for o in others if o not in known]
    if missing:  # one pass over the notes for all of them (upgrade has most in its cache already)
        known.update(named_in_notes_of(cfg, repo, tips, missing))
    theirs = {m.version: m for o in others for m in known[o] if m.version not in mine}
    groups = fix_commits(cfg, h, sorted(theirs.values(), key=lambda m: m.version))
    msgs = _seed_messages(repo, [s for g in groups for s in g], cache)
    return frozenset(k for g in groups for s in g for k in _keys(*msgs.get(s, ("", ""))))


def carriers_of(cfg: Config, repo, h, ident: str, tips: dict[str, str],
                main_tip: str | None, cache: dict | None = None,
                named: list[Named] | None = None,
                groups: list[list[str]] | None = None) -> tuple[list[str], list[Named]]:
    """The commits that carry ``ident``'s fix and the release sections naming it
    (``named`` and its ``groups`` of fix commits when the caller has them already)."""
    named = named_in_notes(cfg, repo, tips, ident) if named is None else named
    groups = fix_commits(cfg, h, named) if groups is None else groups
    msgs = _seed_messages(repo, [s for g in groups for s in g], {} if cache is None else cache)
    # the fixes first, the release commits of those ranges after them (both mark the release)
    fixes = sorted((s for g in groups for s in g), key=lambda s: not _keys(*msgs.get(s, ("", ""))))
    foreign = _foreign_titles(cfg, repo, h, named, tips, {} if cache is None else cache)
    more = same_change(repo, h, groups, list(tips.values()), main_tip, cache=cache, foreign=foreign)
    return fixes + [c for c in more if c not in fixes], named


def own_commits(h, prs: tuple[int, ...] | list[int]) -> list[str]:
    """The commits that are the PRs ``prs`` themselves (merged or squashed under their number)."""
    return [c for n in prs for c in h.pr_commits(n) if h.own_pr(c) == n]


def read_seeds(repo, seeds: list[str], cache: dict) -> None:
    """Read the messages of ``seeds`` into ``cache`` in one ``git log``, for a command that
    asks :func:`carried_by` about many changes (``backports``: one read, not one per fragment)."""
    have = cache.setdefault("seeds", {})
    missing = sorted({s for s in seeds if s not in have})
    if missing:
        have.update(read_messages(repo, missing, [], no_walk=True))


def carried_by(cfg: Config, repo, h, prs: tuple[int, ...] | list[int], advs: tuple[str, ...] | list[str],
               tips: dict[str, str], main_tip: str | None, cache: dict | None = None) -> list[str]:
    """Every commit that carries a change known by its PRs and advisories: the PRs' own
    commits, the PR-less backports listing their titles, and each advisory's fixes.
    ``cache``: shared by the calls of one command, whose tips and main tip are the same
    (the messages off main are then read once, not once per change)."""
    cache = {} if cache is None else cache
    own = own_commits(h, prs)
    found = own + same_change(repo, h, [[c] for c in own], list(tips.values()), main_tip, bullets=False,
                              near_on_main=False, cache=cache)
    for ident in advs:
        found += carriers_of(cfg, repo, h, ident, tips, main_tip, cache)[0]
    return list(dict.fromkeys(found))


def contained_in(cfg: Config, repo, idents: list[str], version: Version) -> dict[str, bool]:
    """For each advisory, whether release ``version`` (its tag) contains a commit that
    carries its fix: by ancestry, never by version number.  Advisories whose fix commits
    are not found, and all of them when ``version`` has no tag, are left out: the caller
    decides from the notes."""
    h = History.load(repo, cfg.remote)
    tag = h.ref(f"refs/tags/{version.format(cfg.tag)}")
    if tag is None:
        return {}
    tips = {full: sha for full, sha in h.refs.items() if full.startswith(("refs/heads/", "refs/remotes/"))
            and version_of_branch(full.rsplit("/", 1)[-1], cfg.branch_patterns) is not None}
    main = h.ref(f"refs/heads/{cfg.main_branch}", f"refs/remotes/{cfg.remote or 'origin'}/{cfg.main_branch}")
    out: dict[str, bool] = {}
    cache: dict = {}
    named = named_in_notes_of(cfg, repo, tips, idents)  # one pass for all: upgrade asks about dozens
    cache["named"] = {i.lower(): v for i, v in named.items()}
    others = sorted({o for v in named.values() for n in v for o in n.other_advisories} - cache["named"].keys())
    cache["named"].update(named_in_notes_of(cfg, repo, tips, others))  # their titles are foreign: read them too
    groups = {i: fix_commits(cfg, h, named[i]) for i in idents}
    foreign = [g for o in others for g in fix_commits(cfg, h, cache["named"][o])]
    prepare(repo, h, [g for i in idents for g in groups[i]] + foreign, main, cache)
    for ident in idents:
        carriers, _ = carriers_of(cfg, repo, h, ident, tips, main, cache, named[ident], groups[ident])
        if carriers:  # no fix commit found (an untagged range): the caller decides
            out[ident] = any(h.contains(tag, c) for c in carriers)
    h.save_if_changed()
    return out
