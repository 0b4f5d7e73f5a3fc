"""What a user crossing from one release to another must read: ``relnotes upgrade``.

The path from FROM to TO is every release in ``(FROM, TO]`` that starts a line
(``X.Y.0``: Wasmtime's monthly majors) plus the patch releases of TO's own line.  A
patch release of another line is left out: its fixes are backports of changes that
ship in the next release on the path anyway (they are listed as skipped).

Security fixes are the exception: an advisory fixed only in skipped patch releases is
still listed once, since the user's FROM release has the vulnerability.

Entries are regrouped by what they mean to someone upgrading — changed behaviour
first, then security fixes, then fixes, then additions — each keeping its text
(and so its PR and advisory links) and naming the release it came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from relnotes.config.load import Config
from relnotes.errors import ContentError, UsageError
from relnotes.fragments.fragment import load_all
from relnotes.markdown import linkdefs
from relnotes.notes import blocks, model
from relnotes.patterns import lazy
from relnotes.policy.bump import is_breaking_entry
from relnotes.questions import advisories
from relnotes.questions.shipping import ADVISORY_RE
from relnotes.questions.stitch import Section, Stitched
from relnotes.render.environment import Renderer
from relnotes.version import Version

_PR = lazy(r"\[#(\d+)\]\([^)\s]*/pull/\d+\)")

GROUPS = (
    ("breaking", "Breaking changes"),
    ("lost", "Security fixes you would lose"),
    ("security", "Security fixes"),
    ("changed", "Changed"),
    ("fixed", "Fixes"),
    ("added", "Additions"),
    ("other", "Other notes"),
)
_BREAKING = {"breaking changes", "breaking"}  # besides `breaking: true` and the configured section
_CHANGED = {"changed", "removed", "deprecated"}


def group_of(category: str, text: str, breaking: bool = False) -> str:
    """The group an entry goes in, from its category, its advisory links and ``breaking``:
    "breaking" only for what is marked breaking, a ``Changed`` entry is listed as changed."""
    key = model.category_key(category)
    if breaking or key in _BREAKING:
        return "breaking"
    if key in _CHANGED:
        return "changed"
    if "security" in key or ADVISORY_RE.search(text):
        return "security"
    if key.startswith(("fix", "bug")):
        return "fixed"
    if key.startswith(("add", "new")):
        return "added"
    return "other"


@dataclass(frozen=True)
class Entry:
    release: str
    date: str | None
    category: str
    text: str  # Markdown, as the notes file has it
    group: str
    breaking: bool = False
    pending: bool = False  # from a fragment not yet built into the notes
    definitions: str = ""  # the release's link reference definitions this entry uses

    @property
    def prs(self) -> list[int]:
        return [int(n) for n in _PR.findall(self.text)]

    @property
    def advisories(self) -> list[str]:
        return list(dict.fromkeys(ADVISORY_RE.findall(self.text)))

    def as_dict(self) -> dict:
        return {"release": self.release, "date": self.date, "category": self.category, "group": self.group,
                "text": self.text, "prs": self.prs, "advisories": self.advisories,
                "breaking": self.breaking, "pending": self.pending, "definitions": self.definitions}

    @property
    def markdown(self) -> str:
        """The entry with the definitions its reference links need, as GitHub would resolve them."""
        return self.text + ("\n\n" + self.definitions if self.definitions else "")


@dataclass
class Guide:
    project: str
    start: Version
    target: Version
    path: list[Section]
    skipped: list[Section]
    entries: list[Entry] = field(default_factory=list)
    latest: str | None = None  # the newest patch of the target's line, when newer than the target

    def grouped(self) -> list[tuple[str, str, list[Entry]]]:
        return [(gid, title, [e for e in self.entries if e.group == gid]) for gid, title in GROUPS]

    def as_dict(self) -> dict:
        return {"project": self.project, "from": str(self.start), "to": str(self.target), "latest": self.latest,
                "path": [s.as_dict() for s in self.path], "skipped": [str(s.version) for s in self.skipped],
                "groups": [{"id": gid, "title": title, "entries": [e.as_dict() for e in es]}
                           for gid, title, es in self.grouped()]}


def on_path(v: Version, start: Version, target: Version) -> bool:
    """In ``(start, target]`` and a line's first release, or one of target's line."""
    if not start < v <= target:
        return False
    if (v.major, v.minor) == (target.major, target.minor):
        return True
    return v.patch == 0 and not v.pre


def section_entries(cfg: Config, history: Stitched, section: Section) -> list[Entry]:
    """Every entry and paragraph of one section, with its category and group.

    An entry is breaking when the configuration marks it so, in the breaking-changes
    group or (``breaking_changes.style: prefix``) starting with the prefix: the rule
    :func:`relnotes.policy.bump.is_breaking_entry` keeps for ``next`` and ``show`` too, so a
    prefixed "**Breaking:**" fix is read first by someone upgrading, not among the fixes.
    """
    doc = history.document(section)
    rel = next(r for r in doc.releases if r.start == section.start)
    ver = str(section.version)
    out: list[Entry] = []
    first = rel.categories[0].start if rel.categories else rel.body_end
    intro_from = (rel.status_line if rel.status_line is not None else rel.start) + 1
    spans = [("", intro_from, first)] + [(c.title, c.start + 1, c.end) for c in rel.categories]
    found = [(title, block.text.rstrip("\r\n")) for title, a, b in spans for block in blocks.blocks(doc, a, b)]
    defined: dict[str, str] = {}
    texts = []
    for title, text in found:  # a block of link definitions is no entry: it serves the entries
        defs = linkdefs.definitions_only(text)
        if defs is None:
            texts.append((title, text))
        else:
            defined.update((k, v) for k, v in defs.items() if k not in defined)
    for title, text in texts:
        breaking = is_breaking_entry(cfg, title, text)
        out.append(Entry(ver, section.date, title.strip(), text, group_of(title, text, breaking), breaking,
                         definitions=linkdefs.used_by(text, defined)))
    return out


def _pending(cfg: Config) -> list[Entry]:
    """Fragments in the working tree of main: entries of the unreleased top release."""
    res = load_all(cfg.fragments_path, cfg.root, cfg.sections, fields=cfg.fields)
    frags = [f for f in res.fragments if f.kind != "summary"]  # a summary is prose, not a change to list
    texts = Renderer(cfg).entries(frags)
    return [Entry("", None, f.section, t, group_of(f.section, t, f.breaking), f.breaking, True)
            for f, t in zip(frags, texts)]


def guide(cfg: Config, history: Stitched, start: str, target: str, *, pending: bool = True) -> Guide:
    """The upgrade guide from ``start`` to ``target`` over a stitched history."""
    lo, hi = Version.parse(start, "FROM"), Version.parse(target, "TO")
    if not lo < hi:
        raise UsageError(f"FROM {lo} is not older than TO {hi}", hint="relnotes upgrade OLD NEW, e.g. relnotes upgrade 1.0.0 2.0.0")
    known = {s.version: s for s in history.sections if s.version is not None}
    if hi not in known:
        near = sorted(known, reverse=True)[:6]
        raise ContentError(f"no release {hi} in the notes of any branch",
                           hint="newest known: " + ", ".join(map(str, near)))
    ordered = sorted(known.items(), key=lambda vs: vs[0])
    chosen = [s for v, s in ordered if on_path(v, lo, hi)]
    skipped = [s for v, s in ordered if lo < v <= hi and not on_path(v, lo, hi)]
    g = Guide(cfg.project, lo, hi, chosen, skipped)
    for s in chosen:
        g.entries += section_entries(cfg, history, s)
    off_path = _advisories_off_path(cfg, history, skipped, g.entries)
    lost = [replace(e, group="lost") for v, s in ordered if (v.major, v.minor) == (lo.major, lo.minor) and v <= lo
            for e in section_entries(cfg, history, s) if e.group == "security"]
    g.entries += _contained(cfg, history, hi, off_path, keep=True) + _contained(cfg, history, hi, lost, keep=False)
    newer = [v for v in known if (v.major, v.minor) == (hi.major, hi.minor) and v > hi and not v.pre]
    g.latest = str(max(newer)) if newer else None
    top = history.sections[0] if history.sections else None
    if pending and top is not None and top in chosen and top.status == "unreleased" and _on_main(cfg, history):
        g.entries += [Entry(str(top.version), None, e.category, e.text, e.group, e.breaking, True)
                      for e in _pending(cfg)]
    return g


def _contained(cfg: Config, history: Stitched, target: Version, entries: list[Entry], *, keep: bool) -> list[Entry]:
    """The security entries whose advisories ``target`` contains (``keep``) or lacks (not
    ``keep``), by ancestry of its tag; without a tag or a repository, by release date: a
    fix published after the target was released cannot be in it."""
    if not entries:
        return []
    idents = list(dict.fromkeys(a for e in entries for a in e.advisories))
    has = advisories.contained_in(cfg, history.repo, idents, target) if history.repo is not None else {}
    when = next((s.date for s in history.sections if s.version == target), None)
    out = []
    for e in entries:
        known = [has[a] for a in e.advisories if a in has]
        inside = all(known) if known else not (e.date and when and e.date > when)
        if inside == keep:
            out.append(e)
    return out


def _advisories_off_path(cfg: Config, history: Stitched, skipped: list[Section], have: list[Entry]) -> list[Entry]:
    """Security fixes that only patch releases of other lines name: a user of FROM is exposed to
    them, so the guide lists each advisory once (from the oldest release that fixed it).
    A fix its release line marks breaking is still a security fix here: its breaking change
    is that line's, not one on the way to TO, so it is listed among the security fixes."""
    seen = {a for e in have for a in e.advisories}
    out = []
    for s in skipped:
        for e in section_entries(cfg, history, s):
            if group_of(e.category, e.text) == "security" and not set(e.advisories) <= seen:
                seen.update(e.advisories)
                out.append(replace(e, group="security"))
    return out


def _on_main(cfg: Config, history: Stitched) -> bool:
    """Whether the working tree is main, whose fragments belong to the unreleased release."""
    return history.repo is not None and history.repo.current_branch() == cfg.main_branch


def markdown(g: Guide) -> str:
    """The guide as Markdown: groups in order, releases oldest first inside each."""
    path = ", ".join(str(s.version) for s in g.path)
    lines = [f"# Upgrading {g.project} from {g.start} to {g.target}", "",
             f"{len(g.path)} release{'s' if len(g.path) != 1 else ''} on the way: {path}."]
    if g.skipped:
        off = {str(s.version) for s in g.skipped}
        listed = "; their security fixes are listed below" if any(e.release in off for e in g.entries) else ""
        lines += ["", f"Not on the path ({len(g.skipped)}): patch releases of other lines, whose fixes are "
                      f"also in the releases above{listed}: {', '.join(str(s.version) for s in g.skipped)}."]
    for _gid, title, entries in g.grouped():
        if not entries:
            continue
        lines += ["", f"## {title} ({len(entries)})"]
        heading = None
        for e in sorted(entries, key=lambda e: Version.parse(e.release)):
            h = f"### {e.release}" + (f" — {e.category}" if e.category else "") + (
                f" (released {e.date})" if e.date else " (unreleased)")
            if e.pending:
                h += " — pending fragment"
            if h != heading:
                lines += ["", h]
                heading = h
            lines += ["", e.markdown]
    if not g.entries:
        lines += ["", "No entries in these releases' notes."]
    if g.latest:
        lines += ["", f"Take {g.latest}, the latest patch of {g.target.major}.{g.target.minor}.x, rather "
                      f"than {g.target}: its fixes (security fixes among them) are not in {g.target}."]
    return "\n".join(lines) + "\n"
