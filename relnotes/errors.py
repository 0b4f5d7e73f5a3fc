"""Every expected failure of relnotes, each with the exit code the CLI uses.

The library raises these and never prints or exits; ``relnotes.cli`` turns them into
a message on stderr and an exit status.  Exit codes (DESIGN.md §4):

* 0 — success;
* 1 — the *content* has problems (invalid fragments, a missing fragment, a notes file
  that does not have the expected structure, ``--check`` differences);
* 2 — usage, configuration or repository-state errors, and filesystem errors
  (a path that is a directory, not writable, a full disk);
* 3 — an internal error: an exception relnotes did not expect, i.e. a bug.  The CLI
  turns any such exception into :class:`InternalError`'s message (``--debug`` shows
  the traceback).
"""

from typing import NamedTuple

EXCERPT = 80  # the most characters of a value any message quotes


def quoted(value: object) -> str:
    """A value as every message quotes it: ``repr``-style, so control characters and
    newlines are shown escaped, and at most ``EXCERPT`` characters (then ``…``)."""
    try:
        text = repr(value)
    except ValueError:  # an int past Python's int-to-string limit
        bits = value.bit_length() if isinstance(value, int) else 0
        text = f"<a number of about {int(bits * 0.30103)} digits>"
    return text if len(text) <= EXCERPT else text[:EXCERPT - 1] + "…"


def shown_name(name: str) -> str:
    """A file name or key as messages show it: as written when every character is
    printable, else quoted with its control characters and newlines escaped (a name
    can never start a line of output of its own)."""
    return name if name.isprintable() else repr(name)


class Problem(NamedTuple):
    """One located problem: what ``check`` reports and validation collects."""

    path: str
    line: int
    col: int
    code: str
    message: str

    def format_text(self) -> str:
        return f"{shown_name(self.path)}:{self.line}:{self.col}: {self.message}"

    def as_dict(self) -> "dict[str, object]":
        return {
            "path": self.path,
            "line": self.line,
            "col": self.col,
            "code": self.code,
            "message": self.message,
        }


class RelnotesError(Exception):
    """Base class: an expected failure with a user-facing message and an exit code."""

    exit_code = 2

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


class UsageError(RelnotesError):
    """A bad flag value or combination (bad date, bad version, …)."""

    exit_code = 2


class ConfigError(RelnotesError):
    """``relnotes.yaml`` is missing something, has an unknown key or a wrong type."""

    exit_code = 2


class StateError(RelnotesError):
    """The repository is not in a state the command can work from (dirty tree, …)."""

    exit_code = 2


class GitError(RelnotesError):
    """git failed, or the checkout lacks what the command needs (shallow, no base)."""

    exit_code = 2


class FileSystemError(RelnotesError):
    """Reading or writing a path failed (a directory, no permission, a full disk)."""

    exit_code = 2

    @classmethod
    def from_os(cls, path: object, action: str, e: OSError) -> "FileSystemError":
        import errno

        why = {errno.EISDIR: "is a directory", errno.ENOTDIR: "a parent is not a directory",
               errno.EACCES: "permission denied", errno.EPERM: "permission denied",
               errno.ENOSPC: "no space left on the device", errno.EROFS: "read-only file system",
               errno.ENOENT: "no such file or directory"}.get(e.errno or 0, e.strerror or str(e))
        hint = {errno.ENOSPC: "free some space; nothing was half-written, so rerun the same command",
                errno.EISDIR: "it must be a file: move the directory away, or point relnotes.yaml elsewhere"}.get(
            e.errno or 0, "fix the path or its permissions and rerun; nothing was half-written")
        return cls(f"{path}: cannot {action}: {why}", hint=hint)


class LockedError(StateError):
    """Another relnotes process holds the repository lock (``relnotes.lock``)."""


class InternalError(RelnotesError):
    """An unexpected exception: a bug in relnotes, reported with exit code 3."""

    exit_code = 3


class ContentError(RelnotesError):
    """The content is wrong: the notes file lacks a section, a version is duplicated…"""

    exit_code = 1


class ValidationError(ContentError):
    """A set of located problems, all reported at once."""

    def __init__(self, problems: list[Problem], message: str | None = None) -> None:
        n = len(problems)
        super().__init__(message or f"{n} problem{'s' if n != 1 else ''} found")
        self.problems = problems

    def __str__(self) -> str:
        lines = [p.format_text() for p in self.problems]
        lines.append(self.message)
        return "\n".join(lines)
