"""The steps every mutating flow shares: the repository, all-or-nothing writes, the commit.

Each verb (:mod:`~relnotes.flows.build`, :mod:`~relnotes.flows.cut`, ...) is a short
sequence of these: checks first, then every file written or none
and fragments removed in one all-or-nothing step (:func:`apply`), and a commit whose
failure says how the rerun finishes the job (:func:`commit`).  The records the verbs share
(:class:`StampResult`, :class:`ReleaseResult`) live here so no verb imports another's.
"""

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import NamedTuple

from relnotes import transaction
from relnotes.config.load import Config
from relnotes.errors import GitError, RelnotesError, UsageError, quoted
from relnotes.flows import versionfiles
from relnotes.fragments.fragment import Fragment
from relnotes.git.repo import Repo
from relnotes.notes import proof
from relnotes.notes.base import NotesDocument
from relnotes.policy import schemes
from relnotes.version import Version


def parse_date(text: str | None) -> str:
    if text is None:
        return date.today().isoformat()
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise UsageError(f"--date {quoted(text)} is not a real date", hint="use YYYY-MM-DD, e.g. 2026-08-20") from None


def open_repo(cfg: Config):
    return Repo(cfg.root)


def has_git(cfg: Config) -> bool:
    return (cfg.root / ".git").exists()


def apply(cfg: Config, changes: Mapping[str, tuple[str | None, str]], fragments: Sequence[Fragment] = (), repo=None,
          *, command: str, intended: str | None = None, labels: Iterable[str] = (),
          repoint: Iterable[str] = (), parsed: Iterable[NotesDocument] = (), taken: Iterable[str] = ()) -> list[str]:
    """Write every changed file and remove every fragment in one all-or-nothing step
    (:func:`relnotes.transaction.apply`: a rerun after any interruption finds all of it
    done or none), then drop the tracked fragments from git's index; the removed paths.

    The one place a notes file is written: the new notes must pass
    :func:`relnotes.notes.proof.prove` first (``intended`` is the same composition with
    every untrusted entry replaced by :data:`~relnotes.notes.proof.PLACEHOLDER`,
    ``labels`` the link labels those entries define, ``repoint`` the labels the command
    itself moves, ``taken`` the entries it moves out to fragments; a file ``changes`` creates
    has ``None`` as its text before), or nothing is written (exit 1).  ``parsed``: documents the caller
    already holds (a text not among theirs is parsed here).
    """
    if cfg.notes_file in changes:
        before, after = changes[cfg.notes_file]
        _prove(cfg, before, after, intended, parsed, labels=labels, repoint=repoint, taken=taken)
    paths = [f.path for f in fragments]
    tracked = repo.tracked_under(cfg.fragments_dir) if repo is not None and paths else set()
    transaction.apply(cfg.root, {cfg.root / p: change for p, change in changes.items()},
                      [cfg.root / p for p in paths], command=command,
                      digests=[f.digest for f in fragments])
    if repo is not None:
        repo.remove_from_index([p for p in paths if p in tracked])
    return paths



def _prove(cfg: Config, before: str | None, after: str, intended: str | None, parsed: Iterable[NotesDocument],
           **rules: Iterable[str]) -> None:
    """:func:`relnotes.notes.proof.prove` on the notes' texts, with the documents the caller
    already holds (``parsed``, found by their text; a text not among them is parsed here).
    Its own frame: the texts it joins to find them (a few MB at 10,000 entries) are freed
    before the write."""
    known = {doc.text(): doc for doc in parsed}

    def model(text: str | None) -> NotesDocument:  # None: a notes file this command creates
        return known.get(text or "") or schemes.parse_notes(cfg, text or "")

    proof.prove(model(before), model(after), None if intended is None else model(intended), **rules)

def undo(cfg: Config, changes: dict[str, tuple[str, str]], *, command: str) -> None:
    """Write back what :func:`apply` wrote from ``changes`` (each file as it was before), in
    one all-or-nothing step: a command whose later step failed leaves the tree as it was."""
    transaction.apply(cfg.root, {cfg.root / p: (after, before) for p, (before, after) in changes.items()},
                      [], command=command)


class StampResult(NamedTuple):
    version: str
    date: str
    changed: bool
    previous: str | None


def version_file_changes(cfg: Config, old: Version | None, new_v: Version) -> dict[str, tuple[str, str]]:
    """Each configured version file moved from a stage of ``old`` to ``new_v`` (``-dev`` kept)."""
    return versionfiles.rewrite(cfg, new_v, expect=old, keep_dev=True)


def unified_diff(changes: dict[str, tuple[str, str]]) -> str:
    import difflib

    out: list[str] = []
    for path, (before, after) in changes.items():
        out.extend(difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True),
                                        f"a/{path}", f"b/{path}"))
    return "".join(line if line.endswith("\n") else line + "\n" for line in out)


def release_paths(cfg: Config) -> list[str]:
    """The notes and every version file: 'patch' bumped them and left the change for this commit."""
    return [cfg.notes_file, *sorted({vf.path for vf in cfg.version_files})]


def released_but_not_committed(cfg: Config, repo, version) -> bool:
    """Whether HEAD's notes still show ``version`` unreleased (or lack it) while the
    working tree's show it released: what a failed ``release --commit`` leaves."""
    if cfg.notes_file not in repo.dirty_paths():
        return False
    head = repo.show_file("HEAD", cfg.notes_file)
    if head is None:
        return True
    try:
        return schemes.parse_notes(cfg, head).release(str(version)).unreleased
    except RelnotesError:
        return True  # HEAD's notes lack the release (or do not parse): it is not committed


def commit(cfg: Config, repo, command: str, pattern: str, version: str, paths: list[str],
            *, marked: bool = False) -> str:
    """Stage ``paths`` and commit; a failure says how the rerun finishes the job."""
    repo.add(paths)
    repo.add_updates([cfg.fragments_dir])  # removed fragments, even when a killed run left them unstaged
    try:
        return repo.commit(commit_message(cfg, pattern, version, marked=marked))
    except GitError as e:
        raise GitError(f"{e.message}; the files are written but nothing was committed",
                       hint=f"fix what stopped the commit (a commit hook? git's user.name/user.email?), "
                            f"then rerun 'relnotes {command} --commit': it finishes this {command} and "
                            f"commits") from None


def final_version_changes(cfg: Config, top: Version | None) -> dict[str, tuple[str, str]]:
    """The version files without their ``-dev`` / ``-rc.N`` suffix (nothing when they have none)."""
    cur = versionfiles.current(cfg)
    if cur is None or top is None or not cur.pre:
        return {}
    return versionfiles.rewrite(cfg, cur.release, expect=top)


def commit_message(cfg: Config, pattern: str, version: str, *, marked: bool = False) -> str:
    """A configured commit message filled in; ``marked`` adds ``commit.marker`` as its own
    paragraph (unless the pattern already places it with ``{marker}``), the line the
    tag-on-merge job looks for."""
    text = pattern.replace("{project}", cfg.project).replace("{version}", version)
    marker = cfg.commit.marker
    if "{marker}" in text:
        return text.replace("{marker}", marker if marked else "").rstrip()
    return f"{text}\n\n{marker}" if marked and marker else text


def refuse_keepachangelog(command: str, cfg: Config) -> None:
    if cfg.single_branch:

        raise not_used(command, cfg)


FORMAT = "keepachangelog"


def uses(cfg: Config) -> bool:
    return cfg.single_branch


def not_used(command: str, cfg: Config) -> UsageError:
    """The refusal of a release-branch command on a Keep a Changelog project (exit 2)."""
    return UsageError(f"'relnotes {command}' is not used with {cfg.notes_format} (notes_format in "
                      f"{cfg.path.name if cfg.path else 'relnotes.yaml'}): there are no release branches",
                      hint="release from your main branch: 'relnotes release [--version X.Y.Z] --commit', "
                           "then 'relnotes tag'")


class BuildResult(NamedTuple):
    version: str
    added: list[Fragment]
    already_present: list[Fragment]
    removed: list[str]
    draft: str
    written: bool


class ReleaseResult(NamedTuple):
    build: BuildResult
    stamp: StampResult
    commit: str | None
    finished_earlier: bool = False  # the commit completes an earlier run whose commit failed
    retitled_from: str | None = None  # the top section's version before the computed (or --version) one
    why: str = ""  # what set the version (semver: the changes that force the bump)
    tag: str | None = None  # the tag 'release --tag' made
