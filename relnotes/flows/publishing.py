"""Release candidates, tags and the GitHub release page: ``rc``, ``tag``, ``show``'s page.

Wasmtime's release branch moves ``49.0.0-dev`` → ``49.0.0-rc.1`` → ``-rc.2`` → ``49.0.0``
in its version files; each step is a commit carrying the marker line
(``commit.marker``), and the tag-on-merge job tags exactly those commits.  The version
files are the source of the version being published; the notes have no section per
candidate, so a candidate's page shows its release's notes.  Like the other library
modules: checks first, then writes; nothing prints or exits.
"""

from __future__ import annotations

from typing import NamedTuple

from relnotes.config.load import Config
from relnotes.errors import ConfigError, ContentError, GitError, StateError, UsageError
from relnotes.flows import hooks, steps, versionfiles
from relnotes.flows.show import show
from relnotes.flows.steps import commit_message
from relnotes.git import ranges
from relnotes.git.arguments import check_revision, check_tag
from relnotes.notes.base import NotesDocument, SingleBranchDocument
from relnotes.notes.model import Release
from relnotes.policy import schemes, tags
from relnotes.version import Version, version_of_branch

# -- rc -----------------------------------------------------------------------------------


class RcResult(NamedTuple):
    version: str
    previous: str
    files: list[str]
    commit: str | None


def _top_release(cfg: Config) -> tuple[NotesDocument, Release, Version]:
    """The notes, the release being published and its version."""
    doc = schemes.read_notes(cfg)
    top = doc.release()
    if isinstance(doc, SingleBranchDocument):  # [Unreleased] stays on top: the newest release is what ships
        top = doc.newest_release() or top
    if top.version is None:
        raise ContentError(f"{cfg.notes_file}:{top.start + 1}: top heading '## {top.title}' is not a version")
    return doc, top, top.version


def rc(cfg: Config, *, commit: bool = False) -> RcResult:
    """Write the next candidate (``-rc.1``, ``-rc.2``, …) into the version files."""
    if not cfg.version_files:
        raise ConfigError("'relnotes rc' writes the candidate into the version files, and none are configured",
                          hint="add version_files: [{path: Cargo.toml, pattern: 'version = \"{version}\"'}] "
                               "to relnotes.yaml")
    with steps.open_repo(cfg) as repo:
        branch = repo.current_branch()
        if branch is None or version_of_branch(branch, cfg.branch_patterns) is None:
            raise StateError(f"rc runs on a release branch ({', '.join(cfg.branch_patterns)}), "
                             f"but {'HEAD is detached' if branch is None else branch + ' is checked out'}",
                             hint="git switch to the release branch 'relnotes cut' created")
        record = repo.git_dir / "relnotes-rc"  # the candidate being committed, until it is
        if commit:
            dirty = repo.dirty_paths()
            done = _committed_candidate(cfg, repo, record, dirty)
            if done is not None:  # killed after its commit: that rc is done, not the next one
                return done
            earlier = _uncommitted_candidate(cfg, repo, dirty)
            if earlier is not None:  # an earlier rc wrote it but did not commit: commit that one
                return RcResult(str(earlier[1]), str(earlier[0]), sorted(dirty),
                                _commit_candidate(cfg, repo, earlier[1], sorted(dirty), record))
            if dirty:
                raise StateError(f"the working tree has uncommitted changes ({', '.join(dirty[:5])})",
                                 hint="commit or stash them; --commit commits only the candidate")
        cur = versionfiles.current(cfg)
        assert cur is not None  # version files are configured (checked above)
        nxt = versionfiles.next_candidate(cur)
        _, top, top_version = _top_release(cfg)
        if top_version.release != cur.release:
            raise StateError(f"the version files say {cur}, but the top release in {cfg.notes_file} is {top_version}",
                             hint="a candidate is for the release being prepared: fix the version files")
        if not top.unreleased:
            raise StateError(f"{cfg.notes_file}:{top.start + 1}: {top.version} is already released",
                             hint="candidates come before the release")
        changes = versionfiles.rewrite(cfg, nxt, expect=top.version)
        steps.apply(cfg, changes, command="rc")
        hooked = hooks.run_or_undo(cfg, repo, str(cur), str(nxt), changes, command="rc")
        paths = sorted({*changes, *hooked})
        sha = _commit_candidate(cfg, repo, nxt, paths, record) if commit else None
    return RcResult(str(nxt), str(cur), paths, sha)


def _committed_candidate(cfg: Config, repo, record, dirty: list[str]) -> RcResult | None:
    """The candidate ``record`` names when HEAD is its commit and nothing changed since (an
    ``rc --commit`` killed between its commit and the record's removal), else None."""
    if not record.is_file():
        return None
    named = record.read_text(encoding="utf-8").strip()
    record.unlink(missing_ok=True)
    try:
        v = schemes.parse_version(cfg, named)
    except UsageError:
        return None
    if dirty or versionfiles.current(cfg) != v or \
            repo.head_message().strip() != commit_message(cfg, cfg.commit.rc, named, marked=True).strip():
        return None
    return RcResult(named, named, [], repo.head_commit())


def _commit_candidate(cfg: Config, repo, nxt: Version, paths: list[str], record) -> str:
    repo.add(paths)
    record.write_text(f"{nxt}\n", encoding="utf-8")
    try:
        sha = repo.commit(commit_message(cfg, cfg.commit.rc, str(nxt), marked=True))
        record.unlink(missing_ok=True)
        return sha
    except GitError as e:
        record.unlink(missing_ok=True)
        raise GitError(f"{e.message}; the version files say {nxt} but nothing was committed",
                       hint="fix what stopped the commit, then rerun 'relnotes rc --commit': it "
                            f"commits {nxt} (not the candidate after it)") from None


def _uncommitted_candidate(cfg: Config, repo, dirty: list[str]):
    """``(HEAD's version, the candidate after it)`` when the only changes are the version
    files and they hold exactly that candidate (an ``rc --commit`` whose commit failed or
    was killed), else None."""
    paths = {vf.path for vf in cfg.version_files}
    if not dirty or not set(dirty) <= paths:
        return None
    before = versionfiles.committed(cfg, repo)
    cur = versionfiles.current(cfg)
    if before is None or cur is None or not before.pre:
        return None
    try:
        return (before, cur) if versionfiles.next_candidate(before) == cur else None
    except StateError:  # a pre-release relnotes does not continue
        return None


# -- the release page ------------------------------------------------------------------


class ReleasePage(NamedTuple):
    version: str  # what is published: 49.0.0-rc.2 or 49.0.0
    tag: str
    prerelease: bool
    body: str  # the release's notes, exactly as 'show --format md' prints them


def page(cfg: Config, version: str | None = None) -> ReleasePage:
    """What a GitHub release shows for ``version`` (default: the top release, as the
    candidate the version files name when they name one of it): its tag, whether it
    is a pre-release, and its notes (a candidate shows its release's notes)."""
    asked = schemes.parse_version(cfg, version, "VERSION") if version else None
    data = show(cfg, _section_for(cfg, asked))
    published = schemes.parse_version(cfg, data["version"]) if data["version"] else None
    if published is None:
        raise ContentError(f"{cfg.notes_file}: '## {data['title']}' is not a version: it has no release page")
    if asked is not None and versionfiles.is_candidate(asked):
        published = asked
    elif asked is None and cfg.version_files:
        cur = versionfiles.current(cfg)
        if cur is not None and cur.release == published and versionfiles.is_candidate(cur):
            published = cur
    return ReleasePage(str(published), published.format(cfg.tag), bool(published.pre), data["markdown"])


def _section_for(cfg: Config, asked: Version | None) -> str | None:
    """The section a page shows: the asked version's own (a one-branch ``1.4.0rc1`` has one),
    else its release's (a release branch's candidate shows its release's notes)."""
    if asked is None:
        return None
    if asked.release != asked and any(r.version == asked for r in schemes.read_notes(cfg).releases):
        return str(asked)
    return str(asked.release)


def github_output_text(p: ReleasePage, delimiter: str | None = None) -> str:
    """``tag=``, ``title=``, ``prerelease=`` lines and a ``body<<DELIM`` block, as GitHub
    Actions reads ``$GITHUB_OUTPUT``; the delimiter is random and never a line of the body."""
    import secrets

    while not delimiter or delimiter in p.body:
        delimiter = f"RELNOTES_{secrets.token_hex(16)}"
    for value in (p.tag, p.version):  # one-line outputs: a line break would start another output
        if "\n" in value or "\r" in value:
            raise ContentError(f"{value!r} cannot be a GitHub output value: it holds a line break",
                               hint="check the 'tag' pattern in the configuration")
    body = p.body if p.body.endswith("\n") else p.body + "\n"
    return (f"tag={p.tag}\ntitle={p.tag}\nversion={p.version}\nprerelease={'true' if p.prerelease else 'false'}\n"
            f"body<<{delimiter}\n{body}{delimiter}\n")


def write_github_output(p: ReleasePage) -> str:
    """Append :func:`github_output_text` to the file ``$GITHUB_OUTPUT`` names; its path."""
    import os

    target = os.environ.get("GITHUB_OUTPUT")
    if not target:
        raise UsageError("--github-output needs GITHUB_OUTPUT set to a file",
                         hint="GitHub Actions sets it in every step; elsewhere: GITHUB_OUTPUT=out.txt relnotes show ...")
    try:
        with open(target, "a", encoding="utf-8", newline="") as fh:
            fh.write(github_output_text(p))
    except OSError as e:
        raise StateError(f"{target}: cannot append the outputs: {e.strerror}",
                         hint="GITHUB_OUTPUT must name a writable file") from None
    return target


# -- tag ------------------------------------------------------------------------------------


class TagResult(NamedTuple):
    tag: str | None  # None: HEAD is not marked, nothing was tagged
    version: str | None
    prerelease: bool
    pushed: str | None
    reason: str


def carries_marker(message: str, marker: str) -> bool:
    """``commit.marker`` as a whole line of ``message`` (blanks around it ignored): a
    marker quoted inside a sentence, a longer word or a reverted commit's subject
    (``Revert "… [marker]"``) does not tag."""
    wanted = marker.strip(" \t")
    return bool(wanted) and any(line.strip(" \t\r") == wanted for line in message.split("\n"))


def _in_repo(repo, path) -> str:
    import os
    from pathlib import Path

    return Path(os.path.relpath(os.path.realpath(path), os.path.realpath(repo.root))).as_posix()


def marked_commits(cfg: Config, repo, since: str | None) -> bool:
    """Whether the change being published carries ``commit.marker``: HEAD's message, the
    commits a merge commit at HEAD brings in (a release PR merged with a merge commit), and
    with ``since`` (a push's ``github.event.before``) every commit of ``since..HEAD``, as
    Wasmtime's push-tag reads ``git log before...after``."""
    marker = cfg.commit.marker
    # HEAD^..HEAD: HEAD itself, and when HEAD is a merge commit every commit it brings in
    messages = [repo.head_message(), *repo.messages("HEAD^").split("\0")]
    if since is not None and since.strip("0"):
        start = repo.resolve(since, "--since")
        if start is None:
            raise GitError(f"--since {since!r} is not a commit in this checkout",
                           hint="fetch full history ('fetch-depth: 0' in actions/checkout) so the push's "
                                "'before' commit is there")
        messages += repo.messages(start).split("\0")
    return any(carries_marker(m, marker) for m in messages)


def tag(cfg: Config, *, push: str | None = None, force: bool = False, since: str | None = None) -> TagResult:
    """Tag HEAD ``v{version}`` when the change carries ``commit.marker`` (or ``force``):
    HEAD's message, a merge's merged commits, and with ``since`` every pushed commit.

    Refused (nothing created): a dirty tree, a tag that exists elsewhere, a version that is
    not the top release or one of its candidates, a final version whose notes are not
    stamped.  Not refused, but nothing tagged (exit 0): the version files name a patch
    release whose notes have not landed yet (the notes PR that follows is tagged, as
    Wasmtime's 47.0.4 was), and a tag that already names an ancestor of HEAD where only the
    notes file changed since (the notes landed after the tag: ``reason`` says how to
    update the release page).  The tag is annotated; its message is the release's notes.
    """
    if push is not None:
        check_revision(push, "--push remote", hint="name a remote, e.g. --push origin")
    with steps.open_repo(cfg) as repo:
        if repo.head_commit() is None:
            raise StateError("the repository has no commits yet")
        marker = cfg.commit.marker
        if not force and not marked_commits(cfg, repo, since):
            where = "HEAD" if since is None else f"no commit since {since[:12]}"
            return TagResult(None, None, False, None,
                             f"{where} does not carry {marker!r} on a line of its own; nothing tagged" if marker
                             else "commit.marker is empty; nothing tagged (use --force)")
        dirty = repo.dirty_paths()
        if dirty:
            raise StateError(f"the working tree has uncommitted changes ({', '.join(dirty[:5])})",
                             hint="a tag names a commit: commit or stash the changes first")
        _, top, top_version = _top_release(cfg)
        cur = versionfiles.current(cfg) if cfg.version_files else None
        v = top_version if cur is None else cur
        if not v.pre and v.release > top_version.release and not top.unreleased:
            return TagResult(None, str(v), False, None,
                             f"the version files say {v} but {cfg.notes_file} has no section for it yet (its "
                             f"top release is {top.version}); nothing tagged: the commit that adds {v}'s notes "
                             f"with the marker line is tagged")
        if v.release != top.version or (v.pre and not versionfiles.is_candidate(v)):
            raise StateError(f"the version files say {v}, which is neither {top.version} (the top release in "
                             f"{cfg.notes_file}) nor one of its candidates",
                             hint="tag on the release branch after 'relnotes rc' or 'relnotes release'")
        if not v.pre and top.unreleased:
            raise StateError(f"{cfg.notes_file}:{top.start + 1}: {top.version} is not stamped as released",
                             hint="run 'relnotes release' first")
        name = check_tag(v.format(tags.pattern(cfg, repo, schemes.scheme_for(cfg))),
                         "the tag pattern (tag in relnotes.yaml, or the newest tags' style) gives")
        at = ranges.tag_commit(repo, name)
        if at is not None:
            head = repo.head_commit()
            if at == head:
                return TagResult(None, str(v), bool(v.pre), None, f"{name} already names HEAD; nothing tagged")
            since_tag = ranges.changed_since(repo, at)
            if since_tag is not None and set(since_tag) <= {_in_repo(repo, cfg.notes_path)}:
                return TagResult(None, str(v), bool(v.pre), None,
                                 f"{name} already names {at[:12]} and only {cfg.notes_file} changed since: the "
                                 f"notes landed after the tag; nothing tagged. Update the release page: "
                                 f"relnotes show {v} --format md > notes.md && gh release edit {name} "
                                 f"--notes-file notes.md")
            raise StateError(f"tag {name} already exists", hint=f"{v} was already tagged; delete the tag to redo it")
        body = page(cfg, str(v)).body
        repo.create_tag(name, f"{cfg.project} {v}\n\n{body}")
        if push is not None:
            repo.push_tag(push, name)
    return TagResult(name, str(v), bool(v.pre), push, "tagged")
