"""The pull-request preview: what this change's fragments will add to the notes.

``check --base`` in GitHub Actions appends it to the job summary
(``$GITHUB_STEP_SUMMARY``), and the action can post it as one sticky PR comment, so a
contributor sees the entry as it will be printed before release day.  The entries
are rendered by the same renderer ``build`` uses, under the release they will join
(the notes file's top section) and their section; the raw Markdown follows in a
fence longer than any backtick run in it, so a fragment cannot close it.

The bot posts the preview, so a pull request must not decide what it says: entries are
rendered with the template overrides of the **merge base** (read from git, never the
pull request's files), or the built-ins when the base has none, and a pull request that
changes its templates is told so in one line.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from pathlib import Path

from relnotes.config.load import Config, from_text
from relnotes.errors import ContentError, RelnotesError, StateError
from relnotes.fragments.fragment import load_all
from relnotes.fragments.grouping import group, intro
from relnotes.git.repo import Repo
from relnotes.policy import schemes
from relnotes.render.environment import TEMPLATES, Renderer

# what the action looks for to update its one comment instead of adding another
COMMENT_MARKER = "<!-- relnotes-preview -->"


def _fence(text: str) -> str:
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def _top_title(cfg: Config) -> str:
    try:
        return schemes.read_notes(cfg).release().title
    except ContentError:
        return "the next release"


TEMPLATES_CHANGED = ("This pull request changes its template overrides; this preview renders with the "
                     "templates of its base (the pull request's apply once it is merged).")
CONFIG_CHANGED = ("This pull request changes the relnotes configuration; this preview renders with the "
                  "built-in templates.")


class AtRevision(Mapping):
    """The files under one directory at a git revision, by path below it: a template
    override's text is read (through the open ``repo``) when a template asks for it."""

    def __init__(self, repo: Repo, rev: str, directory: str) -> None:
        self.repo, self.rev, self.directory = repo, rev, directory.strip("/")
        self._read: dict[str, str | None] = {}

    def _path(self, name: str) -> str:
        return f"{self.directory}/{name}" if self.directory not in ("", ".") else name

    def __getitem__(self, name: str) -> str:
        if name not in self._read:
            self._read[name] = self.repo.show_file(self.rev, self._path(name))
        text = self._read[name]
        if text is None:
            raise KeyError(name)
        return text

    def __iter__(self) -> Iterator[str]:
        cut = len(self._path(""))
        return (p[cut:] for p in self.repo.ls_tree(self.rev, self.directory))

    def __len__(self) -> int:
        return len(self.repo.ls_tree(self.rev, self.directory))


def _in_git(repo: Repo, cfg: Config, rel: str) -> str:
    """``rel`` (a path from the configuration's root) as a path from the git work tree's top
    ('' for the top itself), as ``REV:PATH`` wants it."""
    prefix = os.path.relpath(os.path.realpath(cfg.root), os.path.realpath(repo.root))
    return "/".join(x for x in f"{Path(prefix).as_posix()}/{rel}".split("/") if x not in ("", "."))


def base_templates(repo: Repo, cfg: Config, merge_base: str | None,
                   config_files: tuple[Path, ...], *, single: bool) -> tuple[Mapping[str, str], str | None]:
    """The template overrides the preview renders ``cfg``'s entries with — those of
    ``merge_base`` (empty: the built-ins) — and the line saying the pull request changes
    its templates or configuration (None when it does not).

    The templates directory is the pull request's ``templates_dir`` when no configuration
    file differs from the base; otherwise, for a single project, the base configuration's
    ``templates_dir`` (the built-ins when the base has no valid one), and in a monorepo the
    built-ins.
    """
    if merge_base is None:
        return {}, None
    files = sorted({_in_git(repo, cfg, Path(os.path.relpath(p, cfg.root)).as_posix()) for p in config_files})
    ids = repo.blob_ids([f"{rev}:{f}" for f in files for rev in (merge_base, "HEAD")])
    directory: str | None = cfg.templates_dir
    note = None
    if ids[0::2] != ids[1::2]:  # the pull request edits, adds or removes a configuration file
        directory = None
        if single and cfg.path is not None:
            text = repo.show_file(merge_base, _in_git(repo, cfg, cfg.path.relative_to(cfg.root).as_posix()))
            try:
                directory = from_text(text, cfg.path, cfg.root, use_cache=False).templates_dir if text else None
            except RelnotesError:
                directory = None
        if directory is None:
            return {}, CONFIG_CHANGED
    assert directory is not None  # the configuration's, or the base's when the PR edits it
    base_dir, head_dir = _in_git(repo, cfg, directory), _in_git(repo, cfg, cfg.templates_dir)
    if base_dir and head_dir:  # the directories' trees, or for templates_dir '.' the templates' blobs
        compared = [f"{rev}:{d}" for rev, d in ((merge_base, base_dir), ("HEAD", head_dir))]
    else:
        compared = [f"{rev}:{d}/{n}" if d else f"{rev}:{n}"
                    for n in TEMPLATES for rev, d in ((merge_base, base_dir), ("HEAD", head_dir))]
    ids = repo.blob_ids(compared)
    if ids[0::2] != ids[1::2]:
        note = TEMPLATES_CHANGED
    return AtRevision(repo, merge_base, base_dir), note


def markdown(cfg: Config, report, projects: tuple[Config, ...] = (), *, root: Config | None = None) -> str:
    """The preview for a :class:`relnotes.gate.check.Report` from ``check --base``; in a
    monorepo, the entries of each of ``projects`` under its own notes file (``root``: the
    workspace's root configuration).  Rendered with the merge base's templates."""
    lines = [COMMENT_MARKER, "## Release notes preview", ""]
    chosen = projects or (cfg,)
    config_files = tuple(c.path for c in (root or cfg, *chosen) if c.path is not None)
    added: list[str] = []
    notes: list[str] = []
    with Repo(cfg.root) as repo:
        merge_base = report.merge_base or (repo.merge_base(report.base) if report.base else None)
        for p in chosen:
            templates, note = base_templates(repo, p, merge_base, config_files, single=not projects)
            if note and note not in notes:
                notes.append(note)
            added += _entries(p, report, named=bool(projects), templates=templates)
    if notes:
        lines += [" ".join(notes), ""]
    if added:
        lines += added
    elif report.skipped:
        lines += [f"No release-notes entry: the requirement is skipped ({report.skipped}).", ""]
    else:
        lines += ["This pull request adds no release-notes entry.", ""]
    if report.advice:
        # the same message the check prints, as advice: in this project notes may be written later
        listed = "\n".join(p.format_text() for p in report.advice)
        fence = _fence(listed)
        lines += ["### A fragment is advised", "", "This project does not require one for this change "
                  "(check.mode / check.require_for at the base), but the notes will need an entry:", "",
                  fence + "text", listed, fence, ""]
    if report.problems:
        n = len(report.problems)
        lines += [f"### {n} problem{'s' if n != 1 else ''}", ""]
        # problems quote file names and front-matter keys from the pull request: shown
        # as text in a fence they cannot close, never as Markdown or HTML
        listed = "\n".join(p.format_text() for p in report.problems)
        fence = _fence(listed)
        lines += [fence + "text", listed, fence]
        lines.append("")
    return "\n".join(lines)


def _entries(cfg: Config, report, *, named: bool, templates: Mapping[str, str]) -> list[str]:
    """The preview lines of one project's entries (none when it adds none)."""
    changed = set(report.fragments_changed)
    bad = {p.path for p in report.problems}
    res = load_all(cfg.fragments_path, cfg.root, cfg.sections, fields=cfg.fields)
    mine = [f for f in res.fragments if f.path in changed and f.path not in bad]
    if not mine:
        return []
    title = _top_title(cfg)
    renderer = Renderer(cfg, templates=templates)
    grouped = [(section, renderer.entries(items)) for section, items in group(cfg, mine)]
    summaries, loose = intro(cfg, mine)  # a summary and entries outside any category come first
    draft = renderer.draft(title, grouped, renderer.summaries(summaries), renderer.entries(loose)).rstrip("\n")
    n = len(mine)
    which = f" of project **{cfg.name}**" if named else ""
    fence = _fence(draft)
    return [f"This pull request adds {n} entr{'y' if n == 1 else 'ies'} to **{title}**{which} "
            f"in `{cfg.notes_file}`:", "", draft, "",
            "<details><summary>Markdown</summary>", "", f"{fence}markdown", draft, fence, "", "</details>", ""]


def append_step_summary(text: str) -> bool:
    """Append ``text`` to ``$GITHUB_STEP_SUMMARY`` when it is set; whether it was."""
    import os

    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return False
    try:
        with open(target, "a", encoding="utf-8", newline="") as fh:
            fh.write(text if text.endswith("\n") else text + "\n")
    except OSError as e:
        raise StateError(f"{target}: cannot append the job summary: {e.strerror}",
                         hint="GITHUB_STEP_SUMMARY must name a writable file") from None
    return True
