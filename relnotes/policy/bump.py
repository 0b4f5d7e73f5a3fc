"""The next version, and why: semantic versions from the changes (``relnotes next``).

Under ``versioning: semver`` every change asks for a bump: ``breaking: true`` a major,
otherwise its section's level from the ``bump`` lists (``default`` for a section no list
names).  The release takes the largest; below 1.0.0 (``bump.zero_shift``) each level
shifts down one, as SemVer §4 and Cargo treat 0.x: a breaking change makes 0.(x+1).0,
anything else 0.x.(y+1).  The changes are both the pending fragments and the entries
already built into the unreleased section (by their category: the breaking-changes
group, or the breaking prefix, counts as breaking), so the answer is the same before
and after ``build``.

Under ``versioning: major-per-release`` (Wasmtime) the answer is the top section's
version: every release is the next major, whatever the changes.  Under ``pep440`` the
bump is semver's on PEP 440 versions; under ``calver`` the version is the calendar's for
``today`` (:mod:`relnotes.policy.schemes`).

The version the bump starts from (:func:`current_version`) is what is exact: the newest
release the notes file records as released.  Main's notes after a ``cut`` keep only the
upcoming section, so when the notes record none, git answers instead (and is only then
opened): the newest release tag (the ``tag`` pattern, or the style of the newest tags:
:mod:`relnotes.policy.tags`) or release branch (a branch is cut,
so main's next release comes after it) below the top section's version.
"""

from __future__ import annotations

import datetime
from typing import Callable, Iterable, Mapping, NamedTuple

from relnotes.config.load import Config
from relnotes.fragments.fragment import pending_fragments
from relnotes.git.repo import Repo
from relnotes.notes.blocks import blocks
from relnotes.notes.model import category_key
from relnotes.policy import schemes, tags
from relnotes.version import Version, branch_pattern, version_of_branch

LEVELS = ("patch", "minor", "major")  # by rank
_SHIFTED = {"major": "minor", "minor": "patch", "patch": "patch"}


class Reason(NamedTuple):
    """One change that asks for ``bump``: a fragment file, or an entry already in the notes."""

    source: str  # changes.d/x.md, or RELEASES.md:12 for a built entry
    section: str
    breaking: bool
    bump: str
    built: bool = False

    def as_dict(self) -> dict:
        return {"source": self.source, "section": self.section, "breaking": self.breaking, "bump": self.bump,
                "built": self.built}

    def describe(self) -> str:
        marked = self.breaking and "breaking" not in self.section.casefold()  # the group's name says it
        what = f"{self.section}, breaking" if marked else self.section
        return f"{self.source}: {what}" + (" (already built)" if self.built else "")


class Built(NamedTuple):
    """An entry already in the unreleased section: its category, where it is, whether breaking."""

    category: str
    source: str = ""
    breaking: bool = False


class NextVersion(NamedTuple):
    version: Version
    bump: str  # "major" | "minor" | "patch", or "none" for a first release (nothing to bump from)
    reasons: tuple[Reason, ...]  # the changes that force ``bump`` (the others ask for less)
    current: Version | None = None
    scheme: str = "semver"
    basis: str = ""  # where ``current`` (or the version itself) comes from
    others: int = 0  # changes that ask for less than ``bump``
    kept_heading: bool = False  # the top section's version is kept (see ``note``)
    note: str = ""
    on: str = ""  # under versioning: calver, the day the calendar version is for (ISO)

    def as_dict(self) -> dict:
        return {"version": str(self.version), "bump": self.bump, "scheme": self.scheme,
                "current": str(self.current) if self.current else None, "basis": self.basis,
                "reasons": [r.as_dict() for r in self.reasons], "others": self.others,
                "kept_heading": self.kept_heading, "note": self.note, **({"on": self.on} if self.on else {})}


def level(cfg: Config, section: str, breaking: bool, current: Version) -> str:
    """The bump one change asks for, the 0.x shift applied."""
    wanted = "major" if breaking else cfg.bump.level(section)
    if current.major == 0 and cfg.bump.zero_shift:
        return _SHIFTED[wanted]
    return wanted


def bumped(current: Version, how: str) -> Version:
    """``current`` raised by one level under semver (:meth:`relnotes.version.Version.bumped`)."""
    return Version.bumped(current, how)


def next_version(cfg: Config, current: Version, fragments: Iterable = (),
                 unreleased_categories: Mapping[str, int] | Iterable[Built] = (),
                 scheme: schemes.Scheme | None = None, today: datetime.date | None = None) -> NextVersion:
    """The semver release after ``current`` that the changes need.

    ``fragments``: pending :class:`~relnotes.fragments.fragment.Fragment` objects (``section``,
    ``breaking``, ``path``).  ``unreleased_categories``: the entries already built into
    the unreleased section, as :class:`Built` items (:func:`built_entries` reads them
    from the notes) or simply ``{category: number of entries}``.  Without any change
    the release is still at least ``bump.default`` (a release always changes the version).
    ``scheme`` (default semver) raises the version, on ``today`` for calendar versions.
    """
    up: Callable[[Version, str], Version] = bumped
    if scheme is not None:
        on = today or datetime.date.today()
        up = lambda v, how: scheme.bump(v, how, on)  # noqa: E731
    asks: list[Reason] = []
    for f in fragments:
        if getattr(f, "kind", "entry") == "summary":  # prose about the release: it changes nothing itself
            continue
        asks.append(Reason(f.path, f.section, f.breaking, level(cfg, f.section, f.breaking, current)))
    for b in _built(cfg, unreleased_categories):
        section = cfg.section_name(b.category) or b.category
        asks.append(Reason(b.source or b.category, section, b.breaking,
                           level(cfg, section, b.breaking, current), built=True))
    if not asks:
        how = level(cfg, "", False, current)  # no section: bump.default
        return NextVersion(up(current, how), how, (), current)
    how = max((r.bump for r in asks), key=LEVELS.index)
    forcing = tuple(r for r in asks if r.bump == how)
    return NextVersion(up(current, how), how, forcing, current, others=len(asks) - len(forcing))


def _built(cfg: Config, given: Mapping[str, int] | Iterable[Built]) -> list[Built]:
    if isinstance(given, Mapping):
        heading = _group_key(cfg)

        return [Built(cat, cat, category_key(cat) == heading) for cat, n in given.items() for _ in range(n)]
    return list(given)


def _group_key(cfg: Config) -> str | None:
    return category_key(cfg.breaking_changes.heading) if cfg.breaking_changes.style == "group" else None


def is_breaking_entry(cfg: Config, category: str, text: str) -> bool:
    """Whether an entry in the notes is marked breaking the way this configuration marks it:
    in the breaking-changes group, or (style ``prefix``) starting with the prefix."""
    bc = cfg.breaking_changes
    if bc.style == "group":
        return category_key(category) == category_key(bc.heading)
    if bc.style == "prefix":
        import re

        bullet = re.match(r"[*-][ \t]+", text)
        return text[bullet.end() if bullet else 0:].startswith(bc.prefix.rstrip())
    return False


def built_entries(cfg: Config, doc, rel) -> list[Built]:
    """The entries of release ``rel`` in ``doc``, with their category and line."""
    out = []
    for cat in rel.categories:
        for b in blocks(doc, cat.start + 1, cat.end):
            if b.kind == "entry":
                out.append(Built(cat.title.strip(), f"{doc.path}:{b.start + 1}",
                                 is_breaking_entry(cfg, cat.title, b.text)))
    return out


# -- where the bump starts: the current version -----------------------------------------------


def current_version(cfg: Config, doc, repo=None,
                    scheme: schemes.Scheme | None = None) -> tuple[Version | None, str]:
    """The newest release, and where that answer comes from (see the module docstring)."""
    scheme = scheme or schemes.scheme_for(cfg)
    released = [(v, r) for r in doc.releases if r.status == "released"
                for v in (version_of(scheme, r),) if v is not None]
    if released:
        newest, rel = max(released, key=lambda p: p[0])
        return newest, f"the newest released section of {doc.path} (line {rel.start + 1})"
    if not (cfg.root / ".git").exists():
        return _recorded(cfg, None, f"no released section in {doc.path}, and no git repository", scheme)
    top = doc.releases[0] if doc.releases else None
    top_v = version_of(scheme, top) if top is not None else None
    below = top_v.release if top is not None and top_v is not None and top.unreleased else None
    with _repo(cfg, repo) as r:
        return _recorded(cfg, *_from_git(cfg, r, below, scheme), scheme=scheme)


def _recorded(cfg: Config, found: Version | None, basis: str,
              scheme: schemes.Scheme | None = None) -> tuple[Version | None, str]:
    """``found`` (from git), else ``base_version``: the version ``init`` read from the project's files."""
    scheme = scheme or schemes.scheme_for(cfg)
    base = scheme.parse(cfg.base_version, "base_version") if cfg.base_version else None
    if base is not None and (found is None or base > found):
        return base, "base_version in the configuration (the version init found in the project's files)"
    return found, basis


def version_of(scheme: schemes.Scheme, rel) -> Version | None:
    """A release section's version as the scheme reads its heading (semver: as the notes read it)."""
    if type(scheme) in (schemes.Semver, schemes.MajorPerRelease):
        return rel.version
    return scheme.of_heading(rel.title)


def _repo(cfg: Config, repo):
    """``repo`` when the caller has one open, else a new one (closed after use)."""
    import contextlib

    if repo is not None:
        return contextlib.nullcontext(repo)

    return Repo(cfg.root)


def _from_git(cfg: Config, repo, below: Version | None, scheme: schemes.Scheme) -> tuple[Version | None, str]:
    found: list[tuple[Version, str]] = []
    style = tags.style(cfg, repo, scheme)
    for name in repo.tag_names():
        v = tags.tag_version(name, style.pattern, scheme)
        if v is not None:
            found.append((v, f"tag {name}" + (f" (tags are {style.pattern}: {style.why})" if style.detected else "")))
    for ref in repo.branches(cfg.remote):
        v = branch_version(cfg, scheme, ref.branch)
        if v is not None:
            found.append((v, f"release branch {ref.name}"))
    found = [(v, w) for v, w in found if not v.pre and (below is None or v < below)]
    if not found:
        return None, "no released section in the notes, and no release tag or branch in git"
    v, where = max(found, key=lambda f: f[0])
    return v, f"{where} (the notes record no released section)"


# -- the whole question, as next / cut / release ask it -----------------------------------------


def plan(cfg: Config, doc=None, fragments=None, repo=None, today: datetime.date | None = None) -> NextVersion:
    """The next release for the notes and fragments as they are (``relnotes next``; ``cut``
    and ``release`` under semver).  ``repo``: an open :class:`~relnotes.git.repo.Repo` to use
    when git must answer (else one is opened only then).  ``today``: the day a calendar
    version is for (default: the clock's)."""
    doc = doc if doc is not None else schemes.read_notes(cfg)
    scheme = schemes.scheme_for(cfg)
    top = doc.release()
    top_v = version_of(scheme, top)
    heading = top_v.release if top.unreleased and top_v is not None else None
    if cfg.versioning == "major-per-release":
        released = [r.version for r in doc.releases if r.status == "released" and r.version is not None]
        current = max(released) if released else None
        if heading is not None:
            return NextVersion(heading, "major", (), current, cfg.versioning,
                               f"the unreleased top section of {doc.path} (line {top.start + 1})")
        base = current or (top.version.release if top.version else Version(0, 0, 0))
        return NextVersion(base.next_major(), "major", (), current, cfg.versioning,
                           "every release is a new major")
    fragments = pending_fragments(cfg) if fragments is None else fragments
    current, basis = current_version(cfg, doc, repo, scheme)
    day = today or datetime.date.today()
    on = day.isoformat() if scheme.from_calendar() else ""
    if current is None:
        first = heading or scheme.first(day)
        where = (f"the unreleased top section of {doc.path} (line {top.start + 1})" if heading else f"a first {first}")
        return NextVersion(first, "none", (), None, cfg.versioning, f"{basis}: the first release is {where}", on=on)
    built = built_entries(cfg, doc, top) if top.unreleased else []
    nv = next_version(cfg, current, fragments, built, scheme, day)._replace(scheme=cfg.versioning, basis=basis, on=on)
    if scheme.from_calendar():
        if heading is not None and heading > nv.version:
            return nv._replace(version=heading, kept_heading=True,
                               note=f"the top section already says {heading}, later than the calendar's; kept")
        return nv
    if (nv.bump == "patch" and cfg.branching == "release-branches"
            and not any(r.status == "released" for r in doc.releases)):
        # the notes hold no released section: main (or a branch before its first release) in
        # the release-branch flow, where patch numbers belong to the release branches
        nv = nv._replace(version=scheme.bump(current, "minor", day), bump="minor", reasons=(),
                         others=nv.others + len(nv.reasons),
                         note="a release cut from the main branch starts a release line (X.Y.0): at least "
                              "a minor bump, since patch releases are made on the release branches")
    if heading is not None and heading > nv.version and heading > current:
        return nv._replace(version=heading, kept_heading=True,
                           note=f"the top section already says {heading}, more than the changes need; kept")
    if (heading is not None and heading.patch > 0 and nv.version != heading
            and (current.major, current.minor) == (heading.major, heading.minor)):
        branch = _release_branch(cfg, repo)
        if branch:
            return nv._replace(version=heading, bump="patch", kept_heading=True, reasons=(),
                               others=nv.others + len(nv.reasons),
                               note=f"{branch} is a release branch: its next release stays the patch "
                                    f"release {heading} (the changes alone would make {nv.version})")
    return nv


def branch_version(cfg: Config, scheme: schemes.Scheme, name: str) -> Version | None:
    """The version a release branch's name gives under any of ``cfg.branch_patterns``
    (``release_branch`` and ``release_branches``: Wasmtime's ``stable-v0.26`` is 0.26.0), read
    in the project's scheme; None for any other branch."""
    for pattern in cfg.branch_patterns:
        m = branch_pattern(pattern).match(name)
        v = scheme.try_parse(m["version"]) if m else None
        if v is not None:
            return v
    v = version_of_branch(name, cfg.branch_patterns)  # a line named by its major.minor
    return scheme.try_parse(str(v)) if v is not None else None


def _release_branch(cfg: Config, repo) -> str | None:
    """The checked-out branch when it is a release branch (by ``release_branch`` or
    ``release_branches``), else None."""
    if repo is None and not (cfg.root / ".git").exists():
        return None
    with _repo(cfg, repo) as r:
        name = r.current_branch()
    return name if name and version_of_branch(name, cfg.branch_patterns) is not None else None


def describe(nv: NextVersion) -> str:
    """``relnotes next``'s text: the version, then why."""
    lines = [f"next version: {nv.version}"]
    if nv.scheme == "major-per-release":
        lines.append(f"versioning: major-per-release (every release is a new major); {nv.basis}")
        return "\n".join(lines) + "\n"
    scheme = nv.scheme + (f", the calendar on {nv.on}" if nv.on else "")
    if nv.current is None:
        lines.append(f"versioning: {scheme}; {nv.basis}")
        return "\n".join(lines) + "\n"
    lines[0] += f" ({nv.bump} bump from {nv.current})" if not nv.on else f" (from {nv.current})"
    lines.append(f"versioning: {scheme}; {nv.current} is {nv.basis}")
    if nv.note:
        lines.append(nv.note)
    if nv.reasons:
        lines.append(f"{nv.bump} because of:")
        lines += [f"  {r.describe()}" for r in nv.reasons]
    elif not nv.note:
        lines.append(f"no changes yet: a release is at least a {nv.bump} bump (bump.default)")
    if nv.others and nv.reasons:
        lines.append(f"{nv.others} other change{'s' if nv.others != 1 else ''} need{'' if nv.others != 1 else 's'} less")
    elif nv.others:
        lines.append(f"{nv.others} change{'s' if nv.others != 1 else ''} pending or built")
    return "\n".join(lines) + "\n"
