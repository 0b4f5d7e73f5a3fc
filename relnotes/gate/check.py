"""``relnotes check``: lint every fragment and the notes file; gate PRs on a fragment.

With ``--base REF`` the change set is ``git diff --name-status REF...HEAD`` — one
git call, against the merge base — and a change that touches non-exempt files
without adding or editing a fragment fails.  CI checkouts are hostile (shallow,
detached, no ``origin/main``): each such case either works or fails with exit 2 and
a message that says how to fix the checkout, never with a traceback.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache

from relnotes.config.load import Config, shadowed_pyproject
from relnotes.config.projects import Workspace
from relnotes.errors import ContentError, GitError, Problem, UsageError, quoted
from relnotes.fragments.fragment import load_all
from relnotes.fragments.grouping import kind_problems
from relnotes.fsio import read_environment_file, read_text
from relnotes.gate.report import Report
from relnotes.gate.rules import gate_targets, gate_workspace
from relnotes.git.repo import Repo
from relnotes.markdown.references import reference_conflicts
from relnotes.markdown.visible import hidden_lines, split_lines
from relnotes.notes import formats
from relnotes.policy import schemes

# -- globs ---------------------------------------------------------------------------------


@lru_cache(maxsize=256)
def glob_regex(pattern: str) -> re.Pattern[str]:
    """``docs/**``, ``**/*.md``, ``.github/**`` → a regex over POSIX paths.

    ``**/`` matches any number of directories (including none), ``**`` at the end
    anything below, ``*`` anything within one path segment, ``?`` one character.
    """
    i, out = 0, []
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("^" + "".join(out) + "$")


def is_exempt(path: str, patterns: tuple[str, ...]) -> bool:
    return any(glob_regex(p).match(path) for p in patterns)


# -- the PR context (labels, body) ----------------------------------------------------------


def github_event() -> dict:
    """The GitHub Actions event payload, or {} outside Actions or when unreadable."""
    path = os.environ.get("GITHUB_EVENT_PATH")
    if not path:
        return {}
    import json

    raw = read_environment_file(path)
    try:
        data = json.loads(raw) if raw is not None else {}
    except (ValueError, RecursionError):  # also UnicodeDecodeError; JSON nested past Python's stack
        return {}
    return data if isinstance(data, dict) else {}


def _pr(event: dict) -> dict:
    pr = event.get("pull_request")
    return pr if isinstance(pr, dict) else {}


def event_labels(event: dict) -> list[str]:
    """The PR's label names; any other shape of ``labels`` (or of a label) counts as none."""
    labels = _pr(event).get("labels")
    if not isinstance(labels, list):
        return []
    return [lab["name"] for lab in labels if isinstance(lab, dict) and isinstance(lab.get("name"), str)]


def event_body(event: dict) -> str:
    """The PR's description; anything but a string (null, a number, a list) counts as empty."""
    body = _pr(event).get("body")
    return body if isinstance(body, str) else ""


_SPACE = r"[^\S\n]"  # whitespace within a line


@lru_cache(maxsize=8)
def marker_pattern(marker: str) -> re.Pattern[str]:
    """The regex for ``marker`` on a line of its own, case ignored, spacing flexible.

    The marker is split into words and punctuation marks.  Between two words the
    pattern wants one or more spaces or tabs; next to a punctuation mark, any number
    or none.  So ``Release-Notes:   None`` and ``RELEASE-NOTES :none`` match
    ``release-notes: none``, and ``release notes: none`` does not.  Linear: each run
    of optional spaces sits between literal characters that are never spaces, so a
    failed match gives back at most one run; PR bodies and commit messages come from
    strangers, and no configured marker can make the search superlinear.
    """
    tokens = re.findall(r"\w+|[^\w\s]", marker)
    parts = [f"^{_SPACE}*"]
    for prev, tok in zip([None, *tokens], tokens):
        if prev is not None:
            both_words = re.fullmatch(r"\w+", prev) and re.fullmatch(r"\w+", tok)
            parts.append(f"{_SPACE}+" if both_words else f"{_SPACE}*")
        parts.append(re.escape(tok))
    parts.append(f"{_SPACE}*$")
    return re.compile("".join(parts), re.IGNORECASE | re.MULTILINE)


def has_marker(text: str, marker: str) -> bool:
    """The skip marker as a whole line of visible text (case and spacing ignored; see
    ``marker_pattern``): a line in an HTML comment (``<!-- … -->``, which a PR template
    leaves in every description), in fenced or indented code, in a link reference
    definition (title lines included) or in an HTML block GitHub does not show as text
    does not count, as :func:`relnotes.markdown.visible.hidden_lines` decides for PR
    descriptions and commit messages alike.  Lines end where CommonMark ends them: at
    ``\r\n``, ``\r`` or ``\n``."""
    if not marker.strip() or not text:
        return False
    pattern = marker_pattern(marker)
    lines = split_lines(text)  # CommonMark's line ends (\r\n, \r, \n), for the search and the scan
    if "\r" in text:
        text = "\n".join(lines)
    if pattern.search(text) is None:  # the common case: no candidate line, no scan
        return False
    return any(not hidden and pattern.search(line) is not None
               for line, hidden in zip(lines, hidden_lines(lines)))


# -- the check -----------------------------------------------------------------------------


def lint(cfg: Config, report: Report, *, all_history: bool = False) -> None:
    """Validate every fragment and the notes file's structure: what relnotes writes, or with
    ``all_history`` every released section too (a Keep a Changelog file's old history is
    the project's, written before relnotes: it is counted in a warning, not failed)."""
    res = load_all(cfg.fragments_path, cfg.root, cfg.sections, fields=cfg.fields)
    report.fragments = len(res.fragments)
    report.problems.extend(res.problems)
    report.problems.extend(kind_problems(cfg, res.fragments))
    if not cfg.notes_path.exists():
        report.problems.append(Problem(cfg.notes_file, 1, 1, "notes-missing",
                                       "the notes file does not exist: run 'relnotes init' or set notes_file"))
        return

    try:
        text = read_text(cfg.root, cfg.notes_path, what="notes file")
    except ContentError as e:
        report.problems.append(Problem(cfg.notes_file, 1, 1, "notes-unreadable", e.message))
        return
    doc = formats.parse_for(cfg, text)
    # headings the project's version scheme reads (## 26.3 under calver) are no problem
    every = schemes.scheme_headings(cfg, doc, formats.structure_problems(doc))
    found = every if all_history else [q for q in formats.structure_problems(doc, all_history=False) if q in every]
    report.problems.extend(found)
    if len(found) < len(every):
        first = next(q for q in every if q not in found)
        report.warnings.append(Problem(first.path, first.line, first.col, "notes-history",
                                       f"{len(every) - len(found)} problem(s) in released sections written "
                                       f"before relnotes are not checked; 'relnotes check --all-history' lists them"))

    report.problems.extend(reference_conflicts(res.fragments, text, cfg.notes_file, cfg.notes_format))


def configuration_warnings(cfg: Config, report: Report) -> None:
    """A ``[tool.relnotes]`` table that relnotes.yaml beside it makes ignored: someone
    edits it and nothing changes, so ``check`` says so (without failing)."""
    where = shadowed_pyproject(cfg)
    if where and cfg.path is not None:  # shadowed: by the relnotes.yaml at cfg.path
        path, line, col = where.rsplit(":", 2)
        report.warnings.append(Problem(path, int(line), int(col), "config-ignored",
                                       f"[tool.relnotes] is ignored: {cfg.path.name} beside it is the "
                                       f"configuration; move its keys there and remove the table"))


def base_commit(repo, base: str) -> str:
    """The commit ``--base`` names; a value that starts with ``-`` is refused (exit 2)."""
    commit = repo.resolve(base, "--base")
    if commit is None:
        raise _diagnose(repo, base)
    return commit


def changed_files(repo, base: str) -> list[tuple[str, str]]:
    """``[(status, path), …]`` between the merge base of ``--base`` and HEAD: one git
    call, which also resolves ``base`` (a value starting with ``-`` is refused, exit 2).

    On failure, a second look says *why* (shallow clone, unknown ref, no HEAD) so the
    message can tell the user how to fix the checkout.
    """
    try:
        out = repo.changed_names(base)
    except GitError:
        raise _diagnose(repo, base) from None
    fields = out.split("\0")
    result = []
    i = 0
    while i < len(fields) - 1:
        status = fields[i]
        if not status:
            i += 1
            continue
        if status[0] in "RC":
            # a rename deletes its old path (a fragment moved out of the fragments
            # directory is a fragment deleted, never one added) and makes its new one;
            # a copy leaves its source as it was
            if status[0] == "R":
                result.append(("D", fields[i + 1]))
            result.append(("A" if status[0] == "C" else "R", fields[i + 2]))
            i += 3
        else:
            result.append((status[0], fields[i + 1]))
            i += 2
    return result


def _diagnose(repo, base: str) -> GitError:
    fix_depth = ("fetch full history: 'fetch-depth: 0' in actions/checkout, "
                 "or 'git fetch --unshallow origin'")
    if repo.head_commit() is None:
        return GitError("HEAD has no commit to compare", hint="commit your change first")
    if base.endswith("/"):  # no ref ends with '/': the variable after it was empty
        return GitError(f"--base {quoted(base)} ends with '/': it names no branch (was the variable after it empty? "
                        f"GitHub sets github.base_ref on pull_request events only)",
                        hint=f"name the branch, e.g. --base {base}main")
    shallow = repo.is_shallow()
    if repo.resolve(base) is None:
        hint = f"fetch it first: 'git fetch origin {base.split('/')[-1]}'"
        if shallow:
            hint += f"; this is a shallow clone, so also {fix_depth}"
        return GitError(f"--base {quoted(base)} is not a known commit or branch in this checkout", hint=hint)
    if shallow:
        return GitError(f"this shallow clone does not contain the merge base of {base} and HEAD",
                        hint=fix_depth)
    return GitError(f"{base} and HEAD have no common history", hint="pick a --base that HEAD was branched from")


def range_messages(repo, commit: str) -> str:
    return repo.messages(commit)


def pr_gate(cfg: Config, report: Report, base: str, labels: list[str], projects=None) -> None:
    """Require a fragment for the change since ``base``; ``projects`` (a
    :class:`relnotes.config.projects.Workspace` and the projects to require it of) for a monorepo.

    The rules (fragments directories, projects, exempt paths, skip labels and marker) are
    the base's: :func:`relnotes.gate.rules.gate_workspace` reads them at the merge base."""
    report.base = base
    if base.startswith("^"):  # git would read '^main' as "not main": no one commit to compare with
        raise UsageError(f"--base {quoted(base)} starts with '^', which excludes a commit; --base names the one "
                         f"commit the change is compared with",
                         hint=f"--base {base.lstrip('^')}" if base.lstrip("^").strip() else
                         "pass a commit, a branch or a tag")
    pr_ws, chosen = projects if projects is not None else (Workspace(cfg, (), True, {}), (cfg,))
    event = github_event()
    all_labels = set(labels) | set(event_labels(event))
    with Repo(cfg.root) as repo:
        changes = changed_files(repo, base)  # diagnoses a base git cannot compare with
        merge_base = repo.merge_base(base)
        if merge_base is None:
            raise _diagnose(repo, base)
        report.merge_base = merge_base
        theirs, warnings = gate_workspace(pr_ws, repo, merge_base, base)
        report.warnings.extend(warnings)
        targets = gate_targets(pr_ws, chosen, theirs)
        skip = sorted(all_labels & set(theirs.root.check.skip_labels))
        _gate(theirs.root, report, repo, base, event, skip, (theirs, targets) if theirs.packages else None,
              changes, all_labels)


def _is_fragment(status: str, path: str) -> bool:
    return status in "AMR" and path.endswith(".md") and os.path.basename(path) != "README.md"


def _needs(cfg: Config, changes, workspace, wanted) -> tuple[dict, dict]:
    """Per project name: the changed paths that need a fragment, and the fragments added or
    edited.  Each path belongs to the project with the longest path containing it; a path
    in no project (a monorepo whose root has no notes) needs a fragment in any project
    unless the root's exempt globs cover it (its key is None)."""
    needs: dict[str | None, list[str]] = {}  # None: the paths no project owns
    frags: dict[str, list[str]] = {}
    for status, path in changes:
        owner = workspace.owner(path) if workspace is not None else cfg
        if owner is None:
            if not is_exempt(path, cfg.check.exempt_paths):
                needs.setdefault(None, []).append(path)
            continue
        prefix = owner.fragments_dir.rstrip("/") + "/"
        if path.startswith(prefix):
            if _is_fragment(status, path):
                frags.setdefault(owner.name, []).append(path)
            continue
        inner = path[len(owner.base) + 1:] if owner.base else path
        if owner.name in wanted and not is_exempt(inner, owner.check.exempt_paths):
            needs.setdefault(owner.name, []).append(path)
    return needs, frags


def _gate(cfg: Config, report: Report, repo, base: str, event: dict, skip: list[str], projects=None,
          changes=None, labels: set[str] | None = None) -> None:
    workspace, chosen = projects if projects is not None else (None, (cfg,))
    changes = changed_files(repo, base) if changes is None else changes
    wanted = {p.name for p in chosen}
    needs, frags = _needs(cfg, changes, workspace, wanted)
    report.fragments_changed = sorted({f for name, fs in frags.items() if name in wanted for f in fs})
    report.changed_files = len(changes)
    lacking = [p for p in chosen if needs.get(p.name) and not frags.get(p.name)]
    everyone = workspace is not None and wanted == {p.name for p in workspace.projects}
    unowned = needs.get(None, []) if everyone and not frags else []
    if not lacking and not unowned:
        return
    if skip:
        report.skipped = f"label {skip[0]!r}"
        return
    marker = cfg.check.skip_marker
    if marker and has_marker(event_body(event), marker):
        report.skipped = "skip marker in the pull request description"
        return
    if marker and any(has_marker(m, marker) for m in range_messages(repo, base_commit(repo, base)).split("\0")):
        report.skipped = "skip marker in a commit message"
        return
    how_to_skip = []
    if cfg.check.skip_labels:
        how_to_skip.append(f"add the label '{cfg.check.skip_labels[0]}'")
    if marker:
        how_to_skip.append(f"put a line '{marker}' in the PR description or a commit message")
    skipping = f". If users will not notice the change, {' or '.join(how_to_skip)}." if how_to_skip else "."
    found: list[tuple[Problem, list[str]]] = []  # each problem with the paths that make it
    for p in lacking:
        which = f" (project {p.name})" if p.name else ""
        option = f"--project {p.name} " if p.name else ""
        found.append((Problem(
            p.fragments_dir, 1, 1, "missing-fragment",
            f"this change touches {_listed(needs[p.name])}{which} but adds no fragment to {p.fragments_dir}/. "
            f"Add one with: relnotes new {option}--section <{'|'.join(p.sections[:3])}|…> --pr <number> "
            f"-m \"what changed for users\"" + skipping), needs[p.name]))
    if unowned and workspace is not None:  # only a workspace has paths no project owns
        found.append((Problem(
            unowned[0], 1, 1, "missing-fragment",
            f"this change touches {_listed(unowned)}, which belongs to no project, and adds no fragment. "
            f"Add one to the project it changes (relnotes new --project NAME …; projects: "
            f"{', '.join(p.name for p in workspace.projects)}), or list the path in check.exempt_paths "
            f"of the root relnotes.yaml" + skipping), unowned))
    report.mode = cfg.check.mode
    for problem, paths in found:
        (report.problems if required(cfg, paths, labels or set()) else report.advice).append(problem)


def required(cfg: Config, paths: list[str], labels: set[str]) -> bool:
    """Whether a change that needs a fragment fails without one (the base's ``check``):
    with ``require_for`` set, when it touches one of its path globs or carries one of its
    labels; else when ``mode`` is ``require``.  Otherwise it is advised (exit 0)."""
    rule = cfg.check
    if rule.require_paths or rule.require_labels:  # is_exempt(path, globs): "matches one of the globs"
        return bool(labels & set(rule.require_labels)) or any(is_exempt(p, rule.require_paths) for p in paths)
    return rule.mode == "require"


def _listed(paths: list[str]) -> str:
    return ", ".join(paths[:5]) + (f" and {len(paths) - 5} more" if len(paths) > 5 else "")


def run(cfg: Config, *, base: str | None = None, labels: list[str] | None = None, workspace=None,
        chosen=None, all_history: bool = False) -> Report:
    """Lint and, with ``base``, gate.  In a monorepo (``workspace``), every project of
    ``chosen`` (default: all) is linted and must have a fragment for its own changes."""
    report = Report()
    targets = tuple(chosen) if chosen is not None else (workspace.projects if workspace is not None else (cfg,))
    configuration_warnings(cfg, report)
    total = 0
    for target in targets:
        lint(target, report, all_history=all_history)
        total += report.fragments
    report.fragments = total
    if base is not None:  # an empty --base (an unset $BASE in CI) is refused, never a skipped gate
        root_cfg = workspace.root if workspace is not None else cfg
        pr_gate(root_cfg, report, base, labels or [], (workspace, targets) if workspace is not None else None)
    return report


# -- output --------------------------------------------------------------------------------


