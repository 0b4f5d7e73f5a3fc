"""One persistent ``git cat-file --batch`` (a plain child process, :func:`relnotes.git.process.start`),
for reading many objects.

``relnotes.git.repo.Repo`` reads every blob and tree it needs (fragment texts and
notes files on other branches, the fragment directories' trees) through one of
these per command.  Requests are pipelined in chunks smaller than a pipe's
capacity — so writing a chunk never blocks while cat-file waits for its answers to
be read — and a thousand objects cost one process and a few round trips, not a
process or a round trip each.  ``close`` ends the process at the end of its input
and waits for it: no child is left behind when a command ends.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from relnotes.errors import GitError
from relnotes.git import process

_PIPE_CHUNK = 32 * 1024  # bytes of requests written at once: below a pipe's capacity


class CatFile:
    """``git cat-file --batch`` for one repository, started on first use."""

    def __init__(self, root: Path) -> None:
        self._root = root  # the work tree it runs in
        self._proc: Any = None  # a subprocess.Popen once started

    def objects(self, requests: list[bytes]) -> list[tuple[bytes, bytes, bytes] | None]:
        """``(sha, type, data)`` of each object name (None when missing or ambiguous)."""
        found: list[tuple[bytes, bytes, bytes] | None] = []
        start = 0
        while start < len(requests):
            end, size = start, 0
            while end < len(requests) and (end == start or size + len(requests[end]) < _PIPE_CHUNK):
                size += len(requests[end]) + 1
                end += 1
            found.extend(self._read_chunk(requests[start:end]))
            start = end
        return found

    def _read_chunk(self, chunk: list[bytes]) -> list[tuple[bytes, bytes, bytes] | None]:
        proc = self._process()
        out: list[tuple[bytes, bytes, bytes] | None] = []
        try:
            proc.stdin.write(b"".join(spec + b"\n" for spec in chunk))
            proc.stdin.flush()
            for _spec in chunk:
                header = proc.stdout.readline().split()
                if not header:
                    raise OSError("cat-file stopped")
                if len(header) == 3 and header[1] in (b"blob", b"tree", b"commit", b"tag"):
                    size = int(header[2])
                    out.append((header[0], header[1], proc.stdout.read(size + 1)[:size]))
                else:  # "SPEC missing" / "SPEC ambiguous": one line
                    out.append(None)
        except (OSError, ValueError):
            err = _stderr_of(proc)
            self.close()
            raise GitError(f"git cat-file --batch failed: {err or 'it stopped answering'}") from None
        return out

    def _process(self):
        if self._proc is None:
            self._proc = process.start(self._root, ["cat-file", "--batch"])
        return self._proc

    def close(self) -> None:
        batch, self._proc = self._proc, None
        if batch is not None:
            try:
                batch.stdin.close()  # cat-file exits at the end of its input
                batch.wait()
            except OSError:
                pass
            batch.stdout.close()
            batch.stderr.close()


def _stderr_of(proc) -> str:
    """What a stopped cat-file said on stderr ("" if it is still running)."""
    try:
        proc.stdin.close()
        proc.wait(timeout=2)
        return proc.stderr.read().decode("utf-8", errors="replace").strip()
    except Exception:  # best effort: the GitError says cat-file failed either way
        return ""


def tree_entries(data: bytes, sha_len: int) -> list[tuple[bool, str, bytes]]:
    """A raw tree object's entries: ``(is_tree, name, sha as hex bytes)``, in tree order."""
    entries, pos = [], 0
    while pos < len(data):
        space = data.index(b" ", pos)
        nul = data.index(b"\0", space)
        sha = data[nul + 1:nul + 1 + sha_len].hex().encode()
        entries.append((data[pos:space] == b"40000", data[space + 1:nul].decode("utf-8", errors="replace"), sha))
        pos = nul + 1 + sha_len
    return entries
