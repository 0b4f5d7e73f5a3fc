"""What the release commands do: init, new, build, show, stamp, patch, cut, release, archive.

Each function takes a :class:`~relnotes.config.Config`, does its checks first, then
its writes (atomic, notes before fragment removal), and returns a result object the
CLI reports.  None prints or exits.  Every refusal is a RelnotesError raised before
anything on disk changed.
"""

import re
import unicodedata
from datetime import date
from pathlib import Path
from typing import NamedTuple

from relnotes import fsio, notes
from relnotes.config import Config
from relnotes.errors import ContentError, StateError, UsageError, ValidationError
from relnotes.fragment import PLACEHOLDER, Fragment, load_all, parse_text
from relnotes.version import Version, version_of_branch

# -- shared helpers --------------------------------------------------------------------


def read_notes(cfg: Config) -> notes.NotesDocument:
    text = fsio.read_text(cfg.root, cfg.notes_path, what="notes file")
    return notes.parse(text, cfg.notes_file)


def pending_fragments(cfg: Config) -> list[Fragment]:
    """Every fragment, validated; ValidationError (exit 1) listing all problems."""
    res = load_all(cfg.fragments_path, cfg.root, cfg.sections)
    if res.problems:
        raise ValidationError(res.problems, "fragments have problems; nothing was changed")
    return res.fragments


def group(cfg: Config, fragments: list[Fragment]) -> list[tuple[str, list[Fragment]]]:
    """Fragments by section in the configured section order, sorted within each."""
    out = []
    for section in cfg.sections:
        items = sorted((f for f in fragments if f.section == section), key=lambda f: f.sort_key(cfg.order))
        if items:
            out.append((section, items))
    return out


def parse_date(text: str | None) -> str:
    if text is None:
        return date.today().isoformat()
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise UsageError(f"--date {text!r} is not a real date", hint="use YYYY-MM-DD, e.g. 2026-08-20") from None


def _open_repo(cfg: Config):
    from relnotes.gitio import Repo

    return Repo(cfg.root)


def _has_git(cfg: Config) -> bool:
    return (cfg.root / ".git").exists()


def remove_fragments(cfg: Config, fragments: list[Fragment], repo=None) -> list[str]:
    """Remove fragment files, and drop the tracked ones from the index (``git rm``).

    The files are unlinked, then one ``git update-index --remove --stdin`` call
    records the removals: linear in the number of fragments, unlike ``git rm`` with
    thousands of pathspecs.
    """
    paths = [f.path for f in fragments]
    tracked = repo.tracked_under(cfg.fragments_dir) if repo is not None else set()
    for p in paths:
        try:
            (cfg.root / p).unlink()
        except FileNotFoundError:
            pass
    if repo is not None:
        repo.remove_from_index([p for p in paths if p in tracked])
    return paths


def _slug(text: str, words: int = 6) -> str:
    norm = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    parts = re.findall(r"[A-Za-z0-9]+", norm.lower())
    return "-".join(parts[:words])[:60].strip("-")


# -- init ----------------------------------------------------------------------------------


class InitResult(NamedTuple):
    created: list[str]
    kept: list[str]


def init(root: Path, *, project: str, repository: str, version: str) -> InitResult:
    """Scaffold relnotes.yaml, the fragments directory and the notes file; never overwrite."""
    from relnotes import config as config_mod
    from relnotes.render import Renderer

    v = Version.parse(version)
    res = InitResult([], [])
    cfg_path = root / config_mod.CONFIG_NAME
    if cfg_path.exists():
        res.kept.append(config_mod.CONFIG_NAME)
        cfg = config_mod.load(cfg_path)
    else:
        text = config_mod.render_default_yaml(project, repository, str(v))
        cfg = config_mod.from_text(text, cfg_path, root)
    notes_text = Renderer(cfg).notes_file(str(v))
    if not cfg_path.exists():
        fsio.write_text(root, cfg_path, text)
        res.created.append(config_mod.CONFIG_NAME)
    keep = cfg.fragments_path / ".gitkeep"
    if cfg.fragments_path.is_dir():
        res.kept.append(cfg.fragments_dir + "/")
    else:
        fsio.write_text(root, keep, "")
        res.created.append(cfg.fragments_dir + "/")
    if cfg.notes_path.exists():
        res.kept.append(cfg.notes_file)
    else:
        fsio.write_text(root, cfg.notes_path, notes_text)
        res.created.append(cfg.notes_file)
    return res


# -- new -----------------------------------------------------------------------------------


def fragment_text(section: str, body: str, *, prs=(), issues=(), advisories=(),
                  breaking: bool = False, backport: bool = False) -> str:
    lines = ["---", f"section: {section}"]
    if prs:
        lines.append(f"prs: [{', '.join(str(n) for n in prs)}]")
    if issues:
        lines.append(f"issues: [{', '.join(str(n) for n in issues)}]")
    if advisories:
        lines.append(f"advisories: [{', '.join(advisories)}]")
    if breaking:
        lines.append("breaking: true")
    if backport:
        lines.append("backport: true")
    lines.append("---")
    return "\n".join(lines) + "\n" + body.strip("\n") + "\n"


def new(cfg: Config, *, section: str, body: str | None, prs=(), issues=(), advisories=(),
        breaking: bool = False, backport: bool = False, name: str | None = None) -> Path:
    """Write a new fragment with a unique name and return its path.

    The text is validated before anything is written (with the placeholder when
    ``body`` is None, for ``--edit``); the file is created with O_EXCL, so concurrent
    runs never overwrite each other: a taken name gets ``-2``, ``-3``, … appended.
    """
    canonical = cfg.section_name(section)
    if canonical is None:
        raise UsageError(f"unknown section {section!r}", hint=f"one of: {', '.join(cfg.sections)}")
    text = fragment_text(canonical, body if body is not None else PLACEHOLDER, prs=prs,
                         issues=issues, advisories=advisories, breaking=breaking, backport=backport)
    stem = name.removesuffix(".md") if name else _slug(
        " ".join([str(prs[0]) if prs else "", body or canonical]))
    stem = _slug(stem, words=12) or "change"
    shown = f"{cfg.fragments_dir}/{stem}.md"
    if body is not None:
        frag, problems = parse_text(text, shown, cfg.sections)
        if problems:
            raise ValidationError(problems, "the fragment would not be valid; nothing was written")
    fsio.inside(cfg.root, cfg.fragments_path.parent)
    cfg.fragments_path.mkdir(parents=True, exist_ok=True)
    for n in range(1, 10_000):
        candidate = cfg.fragments_path / (f"{stem}.md" if n == 1 else f"{stem}-{n}.md")
        if fsio.create_exclusive(cfg.root, candidate, text):
            return candidate
    raise StateError(f"could not find a free fragment name for {stem!r}")  # pragma: no cover


# -- build -----------------------------------------------------------------------------


class BuildResult(NamedTuple):
    version: str
    added: list[Fragment]
    already_present: list[Fragment]
    removed: list[str]
    draft: str
    written: bool


def build(cfg: Config, *, draft: bool = False, keep: bool = False,
          doc: notes.NotesDocument | None = None) -> BuildResult:
    """Render pending fragments into the top unreleased section, then remove them.

    Idempotent and crash-safe by content: an entry whose exact text is already in its
    category (because an interrupted build wrote the notes but did not get to remove
    the fragments) is not added again; its fragment is just removed.
    """
    from relnotes.render import Renderer

    doc = doc or read_notes(cfg)
    fragments = pending_fragments(cfg)
    rel = doc.release()
    version = str(rel.version) if rel.version else rel.title
    renderer = Renderer(cfg)
    grouped = group(cfg, fragments)
    rendered = [(section, items, renderer.entries(items)) for section, items in grouped]
    draft_text = renderer.draft(version, [(s, e) for s, _, e in rendered]) if fragments else ""
    if draft or not fragments:
        return BuildResult(version, [f for _, items, _ in rendered for f in items], [], [], draft_text, False)
    if not rel.unreleased:
        raise StateError(
            f"{cfg.notes_file}:{rel.start + 1}: the top release '## {rel.title}' is already released",
            hint="on a release branch run 'relnotes patch' to open the next patch release; "
                 "on main, 'relnotes cut' opens the next version")
    added: list[Fragment] = []
    present: list[Fragment] = []
    merge: list[tuple[str, list[str]]] = []
    for section, items, entries in rendered:
        cat = rel.category(section)
        existing = doc.section_text(rel) if cat is not None else ""
        fresh = []
        for frag, entry in zip(items, entries):
            if cat is not None and _contains_entry(existing, entry):
                present.append(frag)
            else:
                fresh.append(entry)
                added.append(frag)
        merge.append((section, fresh))
    doc.merge_entries(rel, merge, list(cfg.sections))
    repo = _open_repo(cfg) if _has_git(cfg) and not keep else None
    if added:
        fsio.write_text(cfg.root, cfg.notes_path, doc.text())
    removed = [] if keep else remove_fragments(cfg, added + present, repo)
    return BuildResult(version, added, present, removed, draft_text, bool(added))


def _contains_entry(section_text: str, entry: str) -> bool:
    body = section_text.replace("\r\n", "\n")
    return ("\n" + entry + "\n") in ("\n" + body + "\n")


# -- show ------------------------------------------------------------------------------------


def show(cfg: Config, version: str | None = None) -> dict:
    """One release's notes: markdown text plus a structured view (for --format json)."""
    doc = read_notes(cfg)
    rel = doc.release(version)
    text = doc.section_text(rel).rstrip() + "\n"
    cats = []
    for cat in rel.categories:
        entries = [b.text.rstrip() for b in notes.blocks(doc, cat.start + 1, cat.end)]
        cats.append({"name": cat.title, "entries": entries})
    return {
        "version": str(rel.version) if rel.version else None,
        "title": rel.title,
        "status": rel.status,
        "date": rel.date,
        "categories": cats,
        "markdown": text,
    }


# -- stamp / patch -------------------------------------------------------------------


class StampResult(NamedTuple):
    version: str
    date: str
    changed: bool
    previous: str | None


def stamp(cfg: Config, *, on: str | None = None, version: str | None = None,
          doc: notes.NotesDocument | None = None, write: bool = True) -> StampResult:
    """Mark exactly one release (the top one, or ``version``) as released on a date."""
    when = parse_date(on)
    doc = doc or read_notes(cfg)
    rel = doc.release(version)
    shown = str(rel.version) if rel.version else rel.title
    if rel.status == "released":
        return StampResult(shown, rel.date or "", False, rel.date)
    doc.set_status(rel, when)
    if write:
        fsio.write_text(cfg.root, cfg.notes_path, doc.text())
    return StampResult(shown, when, True, None)


class PatchResult(NamedTuple):
    version: str
    previous: str
    files: list[str]


def patch(cfg: Config, *, version: str | None = None, dry_run: bool = False) -> tuple[PatchResult, dict[str, tuple[str, str]]]:
    """Open ``## X.Y.(Z+1)`` / ``Unreleased.`` above the top (released) section."""
    from relnotes.render import Renderer

    doc = read_notes(cfg)
    top = doc.release()
    if top.version is None:
        raise ContentError(f"{cfg.notes_file}:{top.start + 1}: top heading '## {top.title}' is not a version")
    if top.unreleased:
        raise StateError(
            f"{cfg.notes_file}:{top.start + 1}: the top release {top.version} is still unreleased",
            hint="add backport fragments and run 'relnotes build'; 'relnotes patch' opens the next "
                 "patch release once the top one is released")
    new_v = Version.parse(version) if version else top.version.next_patch()
    if new_v <= top.version:
        raise UsageError(f"--version {new_v} is not newer than the top release {top.version}")
    if any(r.version == new_v for r in doc.releases):
        raise ContentError(f"{cfg.notes_file}: '## {new_v}' already exists")
    before = doc.text()
    section = Renderer(cfg).release_section(str(new_v)).rstrip("\n")
    doc.insert_text(top.start, section + "\n")
    changes = {cfg.notes_file: (before, doc.text())}
    changes.update(_version_file_changes(cfg, top.version, new_v))
    if not dry_run:
        _write_all(cfg, changes)
    return PatchResult(str(new_v), str(top.version), sorted(changes)), changes


def _version_file_changes(cfg: Config, old: Version, new_v: Version) -> dict[str, tuple[str, str]]:
    """Rewrite each configured version file's pattern from ``old`` to ``new_v``."""
    out = {}
    for vf in cfg.version_files:
        path = cfg.root / vf.path
        text = fsio.read_text(cfg.root, path, what="version file")
        candidates = [old, old.release]
        for cand in candidates:
            needle = cand.format(vf.pattern)
            if needle in text:
                out[vf.path] = (text, text.replace(needle, new_v.format(vf.pattern), 1))
                break
        else:
            raise StateError(f"{vf.path}: does not contain {old.format(vf.pattern)!r}",
                             hint="fix the file or the 'version_files' pattern in relnotes.yaml")
    return out


def _write_all(cfg: Config, changes: dict[str, tuple[str, str]]) -> None:
    for rel_path, (_, after) in changes.items():
        fsio.write_text(cfg.root, cfg.root / rel_path, after)


def unified_diff(changes: dict[str, tuple[str, str]]) -> str:
    import difflib

    out = []
    for path, (before, after) in changes.items():
        out.extend(difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True),
                                        f"a/{path}", f"b/{path}"))
    return "".join(line if line.endswith("\n") else line + "\n" for line in out)


# -- cut -----------------------------------------------------------------------------------


class CutResult(NamedTuple):
    branch: str
    cut_version: str
    next_version: str
    moved_entries: int
    removed: list[str]
    commit: str | None
    diff: str


def _archive_label(cfg: Config, v: Version, oldest: bool = False) -> str:
    label = v.format(cfg.archive.label)
    return label + cfg.archive.oldest_suffix if oldest else label


def cut(cfg: Config, *, version: str | None = None, dry_run: bool = False, commit: bool = False) -> CutResult:
    """Cut ``release-X.Y.Z`` from main and open the next version on main.

    Crash-safe: the branch name is recorded in ``.git/relnotes-cut`` before the branch
    is created and removed when the cut is done.  A rerun after an interruption finds
    the record, restores the paths cut rewrites from HEAD, and finishes the same cut;
    a branch that exists without the record is refused.
    """
    from relnotes.render import Renderer

    repo = _open_repo(cfg)
    current = repo.current_branch()
    if current is None:
        raise StateError("HEAD is detached", hint=f"check out {cfg.main_branch} first: git switch {cfg.main_branch}")
    if current != cfg.main_branch:
        raise StateError(f"cut runs on {cfg.main_branch}, but {current} is checked out",
                         hint=f"git switch {cfg.main_branch}, or set main_branch in relnotes.yaml")
    head = repo.head_commit()
    if head is None:
        raise StateError("the repository has no commits yet", hint="commit the notes file first")
    marker = Path(repo.run("rev-parse", "--absolute-git-dir")) / "relnotes-cut"
    recorded = marker.read_text().strip() if marker.is_file() else None
    owned = [cfg.notes_file, *(vf.path for vf in cfg.version_files), cfg.fragments_dir]
    resume = False
    if recorded:
        existing = [r for r in repo.branches() if r.branch == recorded and not r.remote]
        resume = len(existing) == 1 and existing[0].commit == head
        if resume and not dry_run:
            repo.run("checkout", "HEAD", "--", *owned)  # undo the interrupted run's partial writes
    if recorded and not resume:
        marker.unlink(missing_ok=True)  # a finished or abandoned cut's record
    if not resume:
        dirty = repo.dirty_paths()
        if dirty:
            raise StateError(f"the working tree has uncommitted changes ({', '.join(dirty[:5])})",
                             hint="commit or stash them; the release branch is cut from HEAD as committed")
    doc = read_notes(cfg)
    top = doc.release()
    if top.version is None:
        raise ContentError(f"{cfg.notes_file}:{top.start + 1}: top heading '## {top.title}' is not a version",
                           hint="the top section must be '## X.Y.Z' to know which version to cut")
    if not top.unreleased:
        raise StateError(f"{cfg.notes_file}:{top.start + 1}: the top release {top.version} is already released",
                         hint="cut runs on main, whose top section is the unreleased next version")
    cut_v = top.version.release
    next_v = Version.parse(version) if version else cut_v.next_major()
    if next_v <= cut_v:
        raise UsageError(f"--version {next_v} is not newer than {cut_v}")
    branch = cfg.release_branch.replace("{version}", str(cut_v))
    resume = resume and recorded == branch
    if not resume and any(r.branch == branch for r in repo.branches()):
        raise StateError(f"branch {branch} already exists",
                         hint=f"{cut_v} was already cut; use --version or delete the branch")
    fragments = pending_fragments(cfg)
    before = doc.text()
    moved = sum(1 for c in top.categories for b in notes.blocks(doc, c.start + 1, c.end))
    doc.splice(top.start, top.end, [])
    section = Renderer(cfg).release_section(str(next_v))
    doc.insert_text(top.start, section.rstrip("\n"))
    if doc.archive is not None:
        url = cfg.link("archive", branch=branch)
        if not any(link.url == url for link in doc.archive.links):
            # label it as 'relnotes archive' would: the only link is also the oldest
            oldest = not doc.archive.links
            doc.insert_text(doc.archive.first, f"* [{_archive_label(cfg, cut_v, oldest)}]({url})")
    changes = {cfg.notes_file: (before, doc.text())}
    changes.update(_version_file_changes(cfg, top.version, next_v))
    diff = unified_diff(changes)
    if dry_run:
        return CutResult(branch, str(cut_v), str(next_v), moved, [f.path for f in fragments], None, diff)
    if not resume:
        marker.write_text(branch + "\n")
        repo.create_branch(branch)
    _write_all(cfg, changes)
    removed = remove_fragments(cfg, fragments, repo)
    sha = None
    if commit:
        repo.add(sorted(changes))
        sha = repo.commit(cfg.commit.cut.replace("{project}", cfg.project).replace("{version}", str(next_v)))
    marker.unlink(missing_ok=True)
    return CutResult(branch, str(cut_v), str(next_v), moved, removed, sha, diff)


# -- release -------------------------------------------------------------------------------


class ReleaseResult(NamedTuple):
    build: BuildResult
    stamp: StampResult
    commit: str | None


def release(cfg: Config, *, on: str | None = None, commit: bool = False) -> ReleaseResult:
    """Release day: build pending fragments into the top section, then stamp it."""
    when = parse_date(on)  # refuse a bad date before changing anything
    doc = read_notes(cfg)
    top = doc.release()
    if not top.unreleased:
        b = BuildResult(str(top.version), [], [], [], "", False)
        return ReleaseResult(b, StampResult(str(top.version), top.date or "", False, top.date), None)
    b = build(cfg, doc=doc)  # `doc` now holds the built notes: stamp edits it, no re-read
    s = stamp(cfg, on=when, doc=doc)
    sha = None
    if commit:
        repo = _open_repo(cfg)
        repo.add([cfg.notes_file])
        sha = repo.commit(cfg.commit.release.replace("{project}", cfg.project).replace("{version}", s.version))
    return ReleaseResult(b, s, sha)


# -- archive ------------------------------------------------------------------------------


class ArchiveResult(NamedTuple):
    links: list[tuple[str, str]]
    ignored: list[str]
    changed: bool
    diff: str


def archive_links(cfg: Config, branch_names: list[str], below: Version | None) -> tuple[list[tuple[str, str]], list[str]]:
    """Archive entries for the given branch names: deduplicated, filtered, by version."""
    since = Version.parse(cfg.archive.since)
    prefix = cfg.release_branch.split("{version}")[0]  # "release-": names that look like release branches
    found: dict[Version, str] = {}
    ignored = []
    for name in sorted(set(branch_names)):
        v = version_of_branch(name, cfg.release_branch)
        if v is None:
            if prefix and name.startswith(prefix):
                ignored.append(name)  # reported: looks like a release branch but has no version
            continue
        if v < since or (below is not None and v.release >= below.release):
            continue
        found[v] = name
    ordered = sorted(found, reverse=True)
    links = [(_archive_label(cfg, v, oldest=(i == len(ordered) - 1)), cfg.link("archive", branch=found[v]))
             for i, v in enumerate(ordered)]
    return links, ignored


def archive(cfg: Config, *, check: bool = False) -> ArchiveResult:
    """Rewrite the archive list from the release branches git knows."""
    doc = read_notes(cfg)
    if doc.archive is None:
        raise ContentError(f"{cfg.notes_file}: no '{notes.ARCHIVE_MARKER}' line",
                           hint=f"add '{notes.ARCHIVE_MARKER}' on its own line where the archive list goes")
    top = doc.releases[0] if doc.releases else None
    repo = _open_repo(cfg)
    names = [r.branch for r in repo.branches()]
    links, ignored = archive_links(cfg, names, top.version if top else None)
    before = doc.text()
    doc.replace_archive(links)
    after = doc.text()
    diff = unified_diff({cfg.notes_file: (before, after)}) if before != after else ""
    if before != after and not check:
        fsio.write_text(cfg.root, cfg.notes_path, after)
    return ArchiveResult(links, ignored, before != after, diff)
