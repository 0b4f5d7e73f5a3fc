"""Every release section of every release branch, stitched into one history.

Wasmtime keeps each release's notes only on its own branch (DESIGN.md §1): to see
them all, every ``release-*`` branch's notes file has to be read.  This module reads
them all at once — one ``for-each-ref``, one ``cat-file --batch-check`` for the
notes files' object ids, one ``cat-file --batch`` for the contents it has not seen
before — and deduplicates: the cumulative-era files (0.32.0 … 21.0.0) repeat every
older release, so the same ``## X.Y.Z`` appears in up to 57 files.

Which copy wins: the one on the release's own branch (``release-X.Y.0`` for
``X.Y.Z``), else main's, else one with a status line, else the newest branch's.

Parsing a notes file is the costly part (the files of Wasmtime's 57 branches are
78 000 lines), and a file is a pure function of its bytes, so the outline of each
file (its sections and where they are) is remembered by git object id in
``.git/relnotes``: a branch whose notes did not change is never parsed again.
"""

from __future__ import annotations

import marshal
from dataclasses import dataclass, field, replace

from relnotes.cache import STAMP, cache_file, read_marshal, write_atomic
from relnotes.config.load import Config
from relnotes.errors import GitError, StateError
from relnotes.git.arguments import fetch_release_branches
from relnotes.git.repo import Repo
from relnotes.markdown import structure
from relnotes.notes import base as notes
from relnotes.notes import formats
from relnotes.policy import schemes
from relnotes.version import Version, version_of_branch

CACHE_NAME = "notes-outline-v1.marshal"


@dataclass(frozen=True)
class Section:
    """One release section as found in one notes file (lines ``[start, end)`` of it)."""

    version: Version | None
    title: str
    status: str  # "released" | "unreleased" | "unknown"
    date: str | None
    branch: str  # the ref it was read from: release-48.0.0, origin/release-48.0.0, main
    blob: str  # object id of that notes file
    start: int
    end: int
    copies: int = 1  # how many notes files hold this release

    def as_dict(self) -> dict:
        return {"version": str(self.version) if self.version else None, "title": self.title,
                "status": self.status, "date": self.date, "branch": self.branch, "copies": self.copies}


@dataclass
class Stitched:
    """The deduplicated history, newest first, and what could not be read."""

    sections: list[Section]
    branches: list[str]  # refs whose notes were read
    main: str | None  # main's ref among them, when git knows it
    sections_in_files: int  # before deduplication
    warnings: list[str] = field(default_factory=list)
    repo: Repo | None = None  # the repository it was read through (None: one file, every text read)
    _texts: dict[str, list[str]] = field(default_factory=dict)
    _docs: dict[str, notes.NotesDocument] = field(default_factory=dict)
    fmt: str = "releases"  # the notes files' format (notes_format): keepachangelog headings differ
    reader: formats.Reader | None = None  # the version scheme's, when not semver (schemes.reader)

    def lines(self, blob: str) -> list[str]:
        """The lines of a notes file read for this history (one batch for all on first use)."""
        if blob not in self._texts:
            want = sorted({s.blob for s in self.sections} - set(self._texts))
            assert self.repo is not None  # one_file's history holds its one text already
            for b, text in zip(want, self.repo.read_blobs(want)):
                self._texts[b] = _split(text or "")
        return self._texts[blob]

    def text(self, section: Section) -> str:
        """The section's Markdown, heading and status line included, as the file has it."""
        return "".join(self.lines(section.blob)[section.start:section.end])

    def document(self, section: Section) -> notes.NotesDocument:
        """The parsed notes file a section lives in (parsed once per file)."""
        doc = self._docs.get(section.blob)
        if doc is None:
            doc = self._docs[section.blob] = formats.parse("".join(self.lines(section.blob)), section.branch,
                                                          self.fmt, self.reader)
        return doc

    def describe(self) -> str:
        """``57 release branches and main``: where the sections were read."""
        n = len(self.branches) - (self.main is not None)
        text = f"{n} release branch{'es' if n != 1 else ''}"
        return text + (f" and {self.main}" if self.main else "")

    def between(self, low: Version | None, high: Version | None) -> list[Section]:
        return [s for s in self.sections if s.version is not None
                and (low is None or s.version >= low) and (high is None or s.version <= high)]


def _split(text: str) -> list[str]:
    """Lines with their endings, indexed exactly as :class:`notes.NotesDocument` indexes them
    (a leading byte order mark split off as it does, so section text never carries it)."""
    parts = structure.split_bom(text)[1].split("\n")
    out = [p + "\n" for p in parts[:-1]]
    if parts[-1]:
        out.append(parts[-1])
    return out


def _outline(cfg: Config, text: str) -> list[tuple]:
    doc = schemes.parse_notes(cfg, text)
    return [(str(r.version) if r.version else None, r.title, r.status or "unknown", r.date, r.start, r.body_end)
            for r in doc.releases]


def _sources(cfg: Config, repo) -> list[tuple[str, str, Version | None]]:
    """(ref name, commit, version of the branch or None for main): local refs first."""
    seen: set[str] = set()
    out = []
    for ref in sorted(repo.branches(cfg.remote), key=lambda r: r.remote):  # local before remote-tracking
        if ref.branch in seen:
            continue
        v = version_of_branch(ref.branch, cfg.branch_patterns)
        if v is not None or ref.branch == cfg.main_branch:
            seen.add(ref.branch)
            out.append((ref.name, ref.commit, v))
    return out


def _rank(sec_version: Version | None, branch_version: Version | None, status: str) -> tuple:
    """Higher is better: own branch, then main, then a copy with a status, then the newest branch."""
    bv = branch_version
    own = bv is not None and sec_version is not None and (bv.major, bv.minor) == (sec_version.major, sec_version.minor)
    return (own, bv is None, status != "unknown", bv or Version(0, 0, 0))


def stitch(cfg: Config, repo=None) -> Stitched:
    """Read every release branch's notes (and main's) and deduplicate their sections."""
    repo = repo or Repo(cfg.root)
    sources = _sources(cfg, repo)
    warnings: list[str] = []
    single_branch = cfg.single_branch  # releases from one branch: none to fetch
    if not single_branch and not any(v is not None for _, _, v in sources):
        pattern = ", ".join(p.replace("{version}", "*") for p in cfg.branch_patterns)
        why = "this is a shallow clone and " if repo.is_shallow() else ""
        warnings.append(f"{why}git knows no release branch ({pattern}, local or remote-tracking): "
                        f"only {cfg.main_branch}'s notes are listed; fetch them with: "
                        + fetch_release_branches(cfg.remote, cfg.branch_patterns))
    ids = _partial_guard(cfg, repo, len(sources),
                         lambda: repo.blob_ids([f"{commit}:{cfg.notes_file}" for _, commit, _ in sources]))
    # outlines depend on the format a blob is read as: one cache per format
    # and the scheme its headings are read by (a calver '## 26.3' is no semver version)
    scheme = schemes.scheme_for(cfg)
    kind = cfg.notes_format + ("" if schemes.reader(cfg) is None else f"-{cfg.versioning}-{cfg.calver}")
    path = cache_file(cfg.root, CACHE_NAME if kind == "releases" else f"{kind}-{CACHE_NAME}")
    data = read_marshal(path) if path is not None else None
    known: dict[str, list] = data.get("outlines", {}) if data else {}
    if not isinstance(known, dict):
        known = {}
    unknown = sorted({b for b in ids if b is not None and b not in known})
    texts: dict[str, list[str]] = {}
    if unknown:
        read = _partial_guard(cfg, repo, len(unknown), lambda: repo.read_blobs(unknown))
        for b, text in zip(unknown, read):
            if text is not None:
                known[b] = _outline(cfg, text)
                texts[b] = _split(text)
    used: dict[str, list] = {}
    absent = []
    candidates: dict[object, list[tuple[tuple, Section]]] = {}
    total = 0
    read_from = []
    for source, blob in zip(sources, ids):
        name = source[0]
        if blob is None:
            absent.append(name)
            continue
        if blob not in known:
            continue  # unreadable: warned above
        used[blob] = known[blob]
        read_from.append(name)
        for ver, title, status, date, start, end in known[blob]:
            v = scheme.try_parse(ver) if ver else None
            if v is None and source[2] is not None:
                continue  # a heading that is no version on a release branch: not a release
            total += 1
            sec = Section(v, title, status, date, name, blob, start, end)
            key = v if v is not None else ("title", title)
            candidates.setdefault(key, []).append((_rank(v, source[2], status), sec))
    if absent:
        warnings.append(f"{len(absent)} branch(es) have no {cfg.notes_file} at their tip: {', '.join(absent[:5])}"
                        + (" …" if len(absent) > 5 else ""))
    if path is not None and (used.keys() != known.keys() or unknown):
        write_atomic(path, marshal.dumps({"version": _stamp(), "outlines": used}))
    if not candidates:
        raise StateError(f"no release section found in {cfg.notes_file} on {cfg.main_branch} or any release branch",
                         hint="run relnotes from a clone that has the branches: " +
                              fetch_release_branches(cfg.remote, cfg.branch_patterns))
    chosen = []
    for group in candidates.values():
        group.sort(key=lambda rs: rs[0], reverse=True)
        chosen.append(replace(group[0][1], copies=len(group)))
    chosen.sort(key=lambda s: (s.version is not None, s.version or Version(0, 0, 0)), reverse=True)
    chosen.sort(key=lambda s: s.version is not None)  # version-less (## Unreleased) first
    main = next((name for name, _, v in sources if v is None and name in read_from), None)
    return Stitched(chosen, read_from, main, total, warnings, repo, texts, fmt=cfg.notes_format,
                    reader=schemes.reader(cfg))


def one_file(doc: notes.NotesDocument) -> Stitched:
    """The history one notes file tells by itself, read from the working tree: no git,
    no other branch (``show --format page`` renders one release from it)."""
    sections = [Section(r.version, r.title, r.status or "unknown", r.date, doc.path, "", r.start, r.body_end)
                for r in doc.releases]
    history = Stitched(sections, [doc.path], None, len(sections), fmt=doc.format, reader=doc.read_version)
    history._texts[""] = list(doc.lines)
    history._docs[""] = doc
    return history


def _partial_guard(cfg: Config, repo, count: int, read):
    """Run a batch read; in a partial clone whose promisor remote cannot be reached, say what is missing."""
    try:
        return read()
    except GitError as e:
        if not repo.is_partial_clone():
            raise
        reason = e.message.splitlines()[-1] if e.message else "the remote did not answer"
        raise GitError(f"this is a partial clone: reading {cfg.notes_file} on {count} branch(es) needs files "
                       f"that are not on this machine, and fetching them failed: {reason}",
                       hint="run again where the remote is reachable (git downloads the missing files "
                            "once, on demand), or use a clone made without --filter") from None


def _stamp() -> str:
    return STAMP


def markdown(cfg: Config, history: Stitched, sections: list[Section]) -> str:
    """The stitched notes: every section as its file has it, newest first, one separator between."""
    parts = [f"# {cfg.project} release history\n\n"
             f"{len(sections)} releases from the notes of {history.describe()}, newest first.\n"]
    for s in sections:
        body = history.text(s).rstrip("\r\n")
        parts.append(f"\n{structure.SEPARATOR}\n\n{body}\n")
    return "".join(parts)
