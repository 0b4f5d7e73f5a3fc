"""The version string in the files ``version_files`` names (``Cargo.toml``, …).

A pattern's ``{version}`` stands for the whole version, pre-release included, so one
pattern (``version = "{version}"``) reads and writes ``49.0.0-dev`` on main,
``49.0.0-rc.2`` on a release branch during its candidates and ``49.0.0`` once
released.  The older spelling ``{version}-dev`` means the same slot: the files say
which stage a branch is at, and ``cut``, ``rc``, ``release`` and ``patch`` move it
on.  Matching is one linear regex search per file (the version part is bounded).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from relnotes import fsio
from relnotes.config.load import Config, VersionFile
from relnotes.errors import StateError, quoted
from relnotes.version import Version

# bounded: a version is short, so a hostile file cannot make the search slow
_VERSION_SLOT = r"(?P<version>(?:0|[1-9]\d{0,8})\.(?:0|[1-9]\d{0,8})\.(?:0|[1-9]\d{0,8})(?:-[0-9A-Za-z]{1,30}(?:\.[0-9A-Za-z]{1,30}){0,5})?)"


class Found(NamedTuple):
    path: str
    version: Version
    text: str
    start: int  # the version's span in ``text``
    end: int


def _slot_pattern(pattern: str) -> str:
    return pattern.replace("{version}-dev", "{version}")


def pattern_regex(pattern: str) -> re.Pattern[str]:
    """The regex that finds ``pattern`` in a file, its ``{version}`` as group ``version``."""
    parts = re.split(r"(\{version\})", _slot_pattern(pattern))
    seen = False
    rx = []
    for p in parts:
        if p == "{version}" and not seen:
            rx.append(_VERSION_SLOT)
            seen = True
        elif p == "{version}":
            rx.append("(?P=version)")
        else:
            rx.append(re.escape(p))
    # a pattern that starts with a word does not match inside a longer one:
    # 'version = "{version}"' must not find Cargo.toml's 'rust-version = "1.80.0"'
    guard = r"(?<![\w-])" if re.match(r"\w", pattern) else ""
    return re.compile(guard + "".join(rx), re.ASCII)


def expected_text(vf: VersionFile, v: Version) -> str:
    """What the pattern looks like filled with ``v`` (for messages)."""
    if "{version}-dev" in vf.pattern and v.pre == ("dev",):
        v = v.release  # the older spelling writes -dev itself
    return vf.pattern.replace("{version}", str(v))


def read(cfg: Config) -> list[Found]:
    """Each version file's version; StateError naming the file when the pattern is absent."""
    found = []
    for vf, f in zip(cfg.version_files, _read_lenient(cfg)):
        if f is None:
            raise StateError(f"{vf.path}: no version matching {quoted(vf.pattern)}",
                             hint="fix the file or the 'version_files' pattern in relnotes.yaml")
        found.append(f)
    return found


def current(cfg: Config) -> Version | None:
    """The version the version files agree on; None without version files."""
    found = read(cfg)
    if not found:
        return None
    versions = {f.version for f in found}
    if len(versions) > 1:
        listing = ", ".join(f"{f.path} has {f.version}" for f in found)
        raise StateError(f"the version files disagree: {listing}",
                         hint="make them name the same version, then run again")
    return found[0].version


def committed(cfg: Config, repo, rev: str = "HEAD") -> Version | None:
    """The version the version files agree on at ``rev`` (None: none, missing, or they disagree)."""
    texts = [repo.show_file(rev, vf.path) for vf in cfg.version_files]
    found = {pattern_regex(vf.pattern).search(t) if t is not None else None
             for vf, t in zip(cfg.version_files, texts)}
    versions = {Version.parse(m["version"]) for m in found if m is not None}
    return versions.pop() if len(versions) == 1 and None not in found else None


def rewrite(cfg: Config, new: Version, *, expect: Version | None = None,
            keep_dev: bool = False) -> dict[str, tuple[str, str]]:
    """``{path: (before, after)}`` with each file's version set to ``new``.

    ``expect``: refuse (StateError, nothing written) a file whose version is not a
    stage of that release (``49.0.0``, ``49.0.0-dev`` and ``49.0.0-rc.3`` all are
    stages of 49.0.0).  ``keep_dev``: a file that said ``-dev`` gets ``new-dev``
    (main stays a development version after a cut).
    """
    out = {}
    for vf, f in zip(cfg.version_files, _read_lenient(cfg)):
        if f is None or (expect is not None and f.version.release != expect.release):
            want = expect if expect is not None else new
            raise StateError(f"{vf.path}: does not contain {expected_text(vf, _dev(want, vf))!r}"
                             + (f" (it has {f.version})" if f is not None else ""),
                             hint="fix the file or the 'version_files' pattern in relnotes.yaml")
        target = Version(new.major, new.minor, new.patch, ("dev",)) if keep_dev and f.version.pre == ("dev",) else new
        out[vf.path] = (f.text, f.text[:f.start] + str(target) + f.text[f.end:])
    return out


def _dev(v: Version, vf: VersionFile) -> Version:
    return Version(v.major, v.minor, v.patch, ("dev",)) if "{version}-dev" in vf.pattern else v


def _read_lenient(cfg: Config) -> list[Found | None]:
    out: list[Found | None] = []
    for vf in cfg.version_files:
        text = fsio.read_text(cfg.root, cfg.root / vf.path, what="version file")
        m = pattern_regex(vf.pattern).search(text)
        out.append(Found(vf.path, Version.parse(m["version"]), text, m.start("version"), m.end("version"))
                   if m else None)
    return out


def next_candidate(v: Version) -> Version:
    """``49.0.0-dev`` → ``49.0.0-rc.1``; ``49.0.0-rc.1`` → ``49.0.0-rc.2``.

    StateError for a released version (a candidate comes before its release) or a
    pre-release relnotes does not know how to continue.
    """
    if not v.pre:
        raise StateError(f"the version files say {v}, which is released: there is no next candidate",
                         hint="release candidates come before a release; 'relnotes patch' opens the next patch")
    if v.pre == ("dev",):
        return Version(v.major, v.minor, v.patch, ("rc", "1"))
    if len(v.pre) == 2 and v.pre[0] == "rc" and v.pre[1].isdigit():
        return Version(v.major, v.minor, v.patch, ("rc", str(int(v.pre[1]) + 1)))
    raise StateError(f"the version files say {v}: relnotes continues only -dev and -rc.N versions",
                     hint="set the version to X.Y.Z-dev or X.Y.Z-rc.N by hand, then run again")


def is_candidate(v: Version) -> bool:
    return len(v.pre) == 2 and v.pre[0] == "rc" and v.pre[1].isdigit()
