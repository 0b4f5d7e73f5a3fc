"""The pull-request preview: what this change's fragments will add to the notes.

``check --base`` in GitHub Actions appends it to the job summary
(``$GITHUB_STEP_SUMMARY``), and the action can post it as one sticky PR comment, so a
contributor sees the entry as it will be printed before release day.  The entries
are rendered by the same renderer ``build`` uses, under the release they will join
(the notes file's top section) and their section; the raw Markdown follows in a
fence longer than any backtick run in it, so a fragment cannot close it.
"""

from __future__ import annotations

import re

from relnotes.config.load import Config
from relnotes.errors import ContentError, StateError
from relnotes.fragments.fragment import load_all
from relnotes.fragments.grouping import group
from relnotes.notes import formats
from relnotes.render.environment import Renderer

# what the action looks for to update its one comment instead of adding another
COMMENT_MARKER = "<!-- relnotes-preview -->"


def _fence(text: str) -> str:
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def _top_title(cfg: Config) -> str:
    try:
        return formats.read_for(cfg).release().title
    except ContentError:
        return "the next release"


def markdown(cfg: Config, report, projects: tuple[Config, ...] = ()) -> str:
    """The preview for a :class:`relnotes.gate.check.Report` from ``check --base``; in a
    monorepo, the entries of each of ``projects`` under its own notes file."""
    lines = [COMMENT_MARKER, "## Release notes preview", ""]
    added = [part for p in (projects or (cfg,)) for part in _entries(p, report, named=bool(projects))]
    if added:
        lines += added
    elif report.skipped:
        lines += [f"No release-notes entry: the requirement is skipped ({report.skipped}).", ""]
    else:
        lines += ["This pull request adds no release-notes entry.", ""]
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


def _entries(cfg: Config, report, *, named: bool) -> list[str]:
    """The preview lines of one project's entries (none when it adds none)."""
    changed = set(report.fragments_changed)
    bad = {p.path for p in report.problems}
    res = load_all(cfg.fragments_path, cfg.root, cfg.sections, fields=cfg.fields)
    mine = [f for f in res.fragments if f.path in changed and f.path not in bad]
    if not mine:
        return []
    title = _top_title(cfg)
    renderer = Renderer(cfg)
    grouped = [(section, renderer.entries(items)) for section, items in group(cfg, mine)]
    draft = renderer.draft(title, grouped).rstrip("\n")
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
