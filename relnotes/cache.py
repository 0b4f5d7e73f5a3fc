"""A content-addressed cache of fragment parse results, inside ``.git/``.

Parsing a fragment (front matter, validation, the Markdown screen) costs ~45 µs;
10 000 of them dominate ``build --draft`` and ``check``.  The result of parsing is a
pure function of relnotes' version, the configured sections, the path shown in
messages and the file's bytes, so those, hashed, are the key: an edited file simply
gets a new key, and no timestamp is trusted.  Problems are cached as well as valid
fragments, since they are just as deterministic.

The cache lives in the repository's git directory (nothing outside the repository is
written), holds only the entries the last run used (so it never grows without bound),
is written atomically and only when it changed, and any unreadable or foreign cache
file is ignored.  ``RELNOTES_NO_CACHE=1`` turns it off.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from relnotes import __version__

NAME = "parse-cache-v1.json"


def git_dir(root: Path) -> Path | None:
    """``root/.git`` (a directory, or the file a worktree or submodule uses), or None."""
    dot = root / ".git"
    if dot.is_dir():
        return dot
    if dot.is_file():
        try:
            line = dot.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError):
            return None
        if line.startswith("gitdir:"):
            p = Path(line[len("gitdir:"):].strip())
            p = p if p.is_absolute() else (root / p)
            return p if p.is_dir() else None
    return None


class ParseCache:
    def __init__(self, root: Path, sections: tuple[str, ...]) -> None:
        self.path: Path | None = None
        self.entries: dict[str, list] = {}
        self.used: dict[str, list] = {}
        self.dirty = False
        self._salt = f"{__version__}\0{chr(1).join(sections)}\0".encode()
        if os.environ.get("RELNOTES_NO_CACHE"):
            return
        gd = git_dir(root)
        if gd is None:
            return
        self.path = gd / "relnotes" / NAME
        try:
            import json

            data = json.loads(self.path.read_bytes())
            if isinstance(data, dict) and data.get("version") == __version__ and isinstance(data.get("entries"), dict):
                self.entries = data["entries"]
        except (OSError, ValueError):
            self.entries = {}

    def key(self, shown: str, data: bytes) -> str:
        return hashlib.blake2b(self._salt + shown.encode() + b"\0" + data, digest_size=16).hexdigest()

    def get(self, key: str) -> list | None:
        rec = self.entries.get(key)
        if rec is not None:
            self.used[key] = rec
        return rec

    def put(self, key: str, rec: list) -> None:
        self.used[key] = rec
        self.dirty = True

    def save(self) -> None:
        """Write the entries this run used, if anything changed; never fail the command."""
        if self.path is None or (not self.dirty and len(self.used) == len(self.entries)):
            return
        import json
        import tempfile

        try:
            self.path.parent.mkdir(exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".parse-cache.", dir=self.path.parent)
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump({"version": __version__, "entries": self.used}, f, separators=(",", ":"))
            os.replace(tmp, self.path)
        except OSError:
            pass  # a read-only .git is fine: the cache is only an optimisation
