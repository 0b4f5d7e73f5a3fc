"""Content-addressed caches inside ``.git/relnotes``: fragment parses and the config.

Parsing a fragment (front matter, validation, the Markdown screen) costs ~45 µs;
10 000 of them dominate ``build --draft`` and ``check``.  The result of parsing is a
pure function of relnotes' version, the configured sections and custom fields, the path shown in
messages and the file's bytes, so those, hashed, are the key: an edited file simply
gets a new key, and no timestamp is trusted.  Problems are cached as well as valid
fragments, since they are just as deterministic.

The cache lives in the repository's git directory (nothing outside the repository is
written), holds only the entries the last run used (so it never grows without bound),
is written atomically and only when it changed, and any unreadable or foreign cache
file is ignored.  ``RELNOTES_NO_CACHE=1`` turns it off.
"""

from __future__ import annotations

import marshal
import os
import sys
from pathlib import Path

from relnotes import __version__

try:  # the C module alone: ``hashlib`` would also load OpenSSL (~5 ms at start-up)
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - other Pythons
    from hashlib import blake2b

NAME = "parse-cache-v7.marshal"  # v3: link labels; v4: order; v5: fragment_schema rules; v6: authors, fields; v7: kind
CONFIG_NAME = "config-cache-v7.marshal"  # v5: the kinds shared with the JSON Schema; v6: preset; v7: fields
# The caches are ``marshal`` data (10 000 parse results load in ~5 ms; JSON takes ~25),
# whose format belongs to the Python version, so both versions stamp every file.
# marshal trusts its input: these files live in .git, which only the repository's owner
# writes — the same trust git itself places in .git/hooks and .git/config.
STAMP = f"relnotes {__version__} python {sys.version_info[0]}.{sys.version_info[1]}"


def _installed() -> str:
    """When this copy of relnotes was installed: the package file's modification time.
    Installing or upgrading (``pip install git+…@COMMIT`` keeps the version number from
    commit to commit) writes it anew, so no cache outlives the code that wrote it."""
    try:
        return str(os.stat(os.path.join(os.path.dirname(__file__), "__init__.py")).st_mtime_ns)
    except OSError:  # pragma: no cover - not installed as files
        return ""


STAMP += f" installed {_installed()}"
CONFIG_KEEP = 8  # configurations remembered (branches with different relnotes.yaml)
# What one entry may hold: a fragment is at most 64 KiB of text, so its parse result is
# far below this; anything larger (a bug, or input no limit foresaw) is not written.
MAX_ENTRY_BYTES = 256 * 1024


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


def cache_file(root: Path, name: str) -> Path | None:
    """``.git/relnotes/NAME`` for the repository at ``root``; None outside git or with
    ``RELNOTES_NO_CACHE`` set (every cache — parses, config, history — goes through here)."""
    if os.environ.get("RELNOTES_NO_CACHE"):
        return None
    gd = git_dir(root)
    if gd is None:
        return None
    d = gd / "relnotes"
    # relnotes' own directory in the git dir, never followed elsewhere (fsio's rule for
    # repository paths does not apply: this is relnotes' state, not a path a PR names)
    return None if d.is_symlink() else d / name


class ParseCache:
    def __init__(self, root: Path, sections: tuple[str, ...], fields: tuple = ()) -> None:
        self.entries: dict[bytes, tuple] = {}
        self.used: dict[bytes, tuple] = {}
        self.dirty = False
        # the declared custom fields decide validity too: a changed ``fields:`` is a new key
        self._salt = f"{STAMP}\0{chr(1).join(sections)}\0{fields!r}\0".encode()
        self.path: Path | None = cache_file(root, NAME)
        if self.path is not None:
            self.entries = _read_entries(self.path)

    def key(self, shown: str, data: bytes) -> bytes:
        return blake2b(self._salt + shown.encode() + b"\0" + data, digest_size=16).digest()

    def get(self, key: bytes) -> tuple | None:
        rec = self.entries.get(key)
        if rec is not None:
            self.used[key] = rec
        return rec

    def put(self, key: bytes, rec: tuple) -> None:
        if not fits(rec):
            return
        self.used[key] = rec
        self.dirty = True

    def save(self) -> None:
        """Write the entries this run used, if anything changed; never fail the command."""
        if self.path is None or (not self.dirty and len(self.used) == len(self.entries)):
            return
        write_atomic(self.path, marshal.dumps({"version": STAMP, "entries": self.used}))


def fits(value) -> bool:
    """Whether ``value`` is small enough to be one cache entry (``MAX_ENTRY_BYTES``)."""
    try:
        return len(marshal.dumps(value)) <= MAX_ENTRY_BYTES
    except ValueError:  # not marshallable: never cached
        return False


def write_atomic(path: Path, data: bytes) -> None:
    """Atomically replace ``path``; a failure is ignored (a cache is only an optimisation)."""
    import tempfile

    try:
        path.parent.mkdir(exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError:
        pass  # a read-only .git is fine


def read_marshal(path: Path) -> dict | None:
    """A cache file's contents, or None when missing, damaged or from another version."""
    try:
        with open(path, "rb") as f:
            data = marshal.loads(f.read())
    except (OSError, ValueError, EOFError, TypeError):
        return None
    return data if isinstance(data, dict) and data.get("version") == STAMP else None


def _read_entries(path: Path) -> dict:
    data = read_marshal(path)
    entries = data.get("entries") if data else None
    return entries if isinstance(entries, dict) else {}


# -- the configuration ---------------------------------------------------------------------
#
# Loading relnotes.yaml needs ruamel.yaml (~25 ms to import, ~5 ms to parse) on every
# command.  A configuration that loaded and validated is a pure function of relnotes'
# version and its text, so the validated values are remembered under a hash of both;
# configurations with problems are never remembered (they go through ruamel every time,
# which is what produces their messages).


def _config_key(text: str) -> bytes:
    return blake2b(f"{STAMP}\0{text}".encode(), digest_size=16).digest()


def _config_path(root: Path) -> Path | None:
    return cache_file(root, CONFIG_NAME)


def config_values(root: Path, text: str) -> dict | None:
    """The validated values of a configuration text seen before, or None."""
    path = _config_path(root)
    if path is None:
        return None
    rec = _read_entries(path).get(_config_key(text))
    try:
        return _decode(rec) if isinstance(rec, dict) else None
    except (ValueError, TypeError, AttributeError):  # a damaged entry: validate the text again
        return None


def remember_config(root: Path, text: str, values: dict) -> None:
    """Remember validated values for ``text`` (keeping the newest few configurations)."""
    path = _config_path(root)
    if path is None:
        return
    encoded = _encode(values)
    if not fits(encoded):
        return
    entries = _read_entries(path)
    key = _config_key(text)
    entries.pop(key, None)
    entries[key] = encoded
    while len(entries) > CONFIG_KEEP:
        del entries[next(iter(entries))]
    write_atomic(path, marshal.dumps({"version": STAMP, "entries": entries}))


def _encode(value):
    from datetime import date

    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    return value


def _decode(value):
    if isinstance(value, dict):
        if set(value) == {"$date"}:
            from datetime import date

            return date.fromisoformat(value["$date"])
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value
