"""The one place that decides whether a value may reach git.

Values reaching git come from untrusted places — a ``--base`` flag in CI, a
``relnotes.yaml`` in a pull request, fragment file names, refs someone pushed — and
git reads any argument that starts with ``-`` as an option (``--output=FILE`` makes
it write a file).  :class:`relnotes.git.repo.Repo` passes every revision and path
through these checks, and places them after ``--end-of-options`` / ``--``, so a
hostile value is refused (exit 2, with a message) or is data, never an option.
Pure functions, no GitPython: they are cheap to test exhaustively.
"""

from __future__ import annotations

import re

from relnotes.errors import UsageError, quoted
from relnotes.patterns import lazy

_BAD_REF_CHARS = lazy(r"[\x00-\x20\x7f~^:?*\[\\]")
MAX_REVISION = 1024  # characters: a ref is a path below .git, and no revision of any use is longer


def check_revision(rev: str, what: str = "revision", hint: str = "pass a commit, a branch or a tag") -> str:
    """``rev`` unchanged, or UsageError when git could read it as an option or it
    cannot travel as one argument or one ``--stdin`` line.

    A leading ``^`` (exclude) and the parts of ``A..B`` / ``A...B`` are checked too.
    """
    if not isinstance(rev, str) or not rev.strip():
        raise UsageError(f"{what} is empty", hint=hint)
    if len(rev) > MAX_REVISION:
        raise UsageError(f"{what} {quoted(rev)} is longer than {MAX_REVISION} characters", hint=hint)
    if "\0" in rev or "\n" in rev or "\r" in rev:
        raise UsageError(f"{what} {quoted(rev)} contains a line break or NUL", hint=hint)
    parts = re.split(r"\.\.\.?", rev[1:] if rev.startswith("^") else rev)
    if any(p.startswith("-") for p in parts) or rev.startswith("-"):
        raise UsageError(f"{what} {quoted(rev)} starts with '-': relnotes never passes it to git, where it "
                         f"would be read as an option",
                         hint="pass a commit, a branch or a tag; for a ref whose name starts with '-', "
                              "use its full name (refs/heads/…) or its commit")
    return rev


def check_path(path: str, what: str = "path") -> str:
    """``path`` unchanged, or UsageError when it starts with ``-`` or holds a NUL/line break."""
    if not isinstance(path, str) or not path:
        raise UsageError(f"{what} is empty")
    if "\0" in path or "\n" in path:
        raise UsageError(f"{what} {path!r} contains a line break or NUL")
    if path.startswith("-"):
        raise UsageError(f"{what} {path!r} starts with '-': relnotes never passes it to git, where it "
                         f"would be read as an option", hint="use a path that does not start with '-' (e.g. ./-name)")
    return path


def branch_name_problem(name: str) -> str | None:
    """Why ``git check-ref-format --branch NAME`` would refuse ``name``, or None.

    The rules of git-check-ref-format(1) for ``refs/heads/NAME``, checked without a
    process; ``@{…}`` (which ``--branch`` would expand) is refused outright.
    """
    if not name:
        return "it is empty"
    if name.startswith("-"):
        return "it starts with '-'"
    if name == "HEAD" or name == "@":
        return f"'{name}' is reserved"
    m = _BAD_REF_CHARS.search(name)
    if m:
        ch = m.group()
        return f"it contains {'a space or control character' if ch <= ' ' or ch == chr(127) else repr(ch)}"
    if ".." in name:
        return "it contains '..'"
    if "@{" in name:
        return "it contains '@{'"
    if name.startswith("/") or name.endswith("/") or "//" in name:
        return "it has an empty path component ('/' at either end or '//')"
    if name.endswith("."):
        return "it ends with '.'"
    for part in name.split("/"):
        if part.startswith("."):
            return "a component starts with '.'"
        if part.endswith(".lock"):
            return "a component ends with '.lock'"
    return None


def check_branch(name: str, what: str = "branch name") -> str:
    """``name`` unchanged, or UsageError saying why git would not accept it as a branch."""
    problem = branch_name_problem(name)
    if problem:
        raise UsageError(f"{what} {name!r} is not a valid branch name: {problem}",
                         hint="see 'git check-ref-format --branch'; for release_branch, use a pattern "
                              "like 'release-{version}'")
    return name


def check_tag(name: str, what: str = "tag name") -> str:
    """``name`` unchanged, or UsageError: tags follow the same ref-name rules as branches."""
    problem = branch_name_problem(name)
    if problem:
        raise UsageError(f"{what} {name!r} is not a valid tag name: {problem}",
                         hint="see 'git check-ref-format'; for tag, use a pattern like 'v{version}'")
    return name


def fetch_release_branches(remote: str, release_branch: str | tuple[str, ...]) -> str:
    """The command a hint gives for fetching every release branch from ``remote`` (one
    refspec per pattern: ``release_branch`` and ``release_branches``), quoted for a shell:
    the patterns come from a configuration, so a user who copies the hint must run only
    ``git fetch``, whatever quotes or ``$(…)`` they hold."""
    import shlex  # stdlib: only a hint pays for it

    patterns = (release_branch,) if isinstance(release_branch, str) else release_branch
    globs = dict.fromkeys(p.replace("{version}", "*") for p in patterns)
    return shlex.join(["git", "fetch", remote, *(f"+refs/heads/{g}:refs/remotes/{remote}/{g}" for g in globs)])
