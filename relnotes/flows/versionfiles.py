"""The version in the files ``version_files`` names (``Cargo.toml``, ``wasmtime.h``, …).

A pattern's ``{version}`` stands for the whole version, pre-release included, so one
pattern (``version = "{version}"``) reads and writes ``49.0.0-dev`` on main,
``49.0.0-rc.2`` on a release branch during its candidates and ``49.0.0`` once
released.  The older spelling ``{version}-dev`` means the same slot: the files say
which stage a branch is at, and ``cut``, ``rc``, ``release`` and ``patch`` move it
on.  Numbers derived from the version (``0.{major+87}.{patch}``, ``{major}``) follow it;
:mod:`relnotes.config.vpatterns` is the pattern language.

Which version the files are at: the one every ``{version}`` pattern finds (the first
pattern's first when several are).  A rewrite then changes **every** occurrence of
each pattern filled with that version, several patterns per file; a pattern that
finds none is an error naming the file and the pattern, and two patterns claiming the
same text are refused.  Other versions in a file (a dependency's ``version =
"1.0.0"``) are left alone.  Matching is linear regex searches (the version part is
bounded).
"""

from __future__ import annotations

from typing import NamedTuple

from relnotes import fsio
from relnotes.config import vpatterns
from relnotes.config.load import Config, VersionFile
from relnotes.errors import StateError, UsageError, quoted
from relnotes.policy import schemes
from relnotes.version import Version

_HINT = "fix the file or the 'version_files' pattern in relnotes.yaml"


class _NoVersion(StateError):
    """A ``{version}`` pattern that finds no version at all."""


class Found(NamedTuple):
    path: str
    version: Version
    text: str
    start: int  # the span of the first occurrence of the version in ``text``
    end: int


def pattern_regex(pattern: str):
    """The regex that finds ``pattern`` with any version, its ``{version}`` as group ``version``."""
    return vpatterns.finder(pattern)


def expected_text(vf: VersionFile, v: Version) -> str:
    """What the pattern looks like filled with ``v`` (for messages)."""
    try:
        return vpatterns.render(vf.pattern, v)
    except ValueError:
        return vf.pattern


def _texts(cfg: Config) -> dict[str, str]:
    return {vf.path: fsio.read_text(cfg.root, cfg.root / vf.path, what="version file")
            for vf in cfg.version_files}


def _version(cfg: Config, texts: dict[str, str | None]) -> list[Found]:
    """The version the files are at, as each ``{version}`` pattern's occurrence of it;
    StateError when a pattern finds no version or they find none in common."""
    seen: list[tuple[VersionFile, list]] = []
    scheme = schemes.scheme_for(cfg)  # semver reads its own slot; pep440 and calver any version-like text
    slot = vpatterns.ANY_VERSION_SLOT if schemes.reader(cfg) is not None else None
    for vf in cfg.version_files:
        text = texts.get(vf.path)
        if not vpatterns.has_version(vf.pattern):
            continue
        matches = list(vpatterns.finder(vf.pattern, slot).finditer(text)) if text is not None else []
        if not matches:
            raise _NoVersion(f"{vf.path}: no version matching {quoted(vf.pattern)}", hint=_HINT)
        seen.append((vf, matches))
    if not seen:
        raise StateError("no 'version_files' pattern has {version}, which says the version", hint=_HINT)
    common = set.intersection(*({m["version"] for m in ms} for _, ms in seen))
    first = seen[0][1][0]["version"]
    if not common:
        listing = ", ".join(f"{vf.path} has {ms[0]['version']}" for vf, ms in seen)
        raise StateError(f"the version files disagree: {listing}",
                         hint="make them name the same version, then run again")
    chosen = first if first in common else next(m["version"] for m in seen[0][1] if m["version"] in common)
    found = []
    for vf, ms in seen:
        m = next(m for m in ms if m["version"] == chosen)
        try:
            v = scheme.parse(chosen, f"{vf.path}:")
        except UsageError as e:
            raise StateError(e.message, hint=e.hint) from None
        found.append(Found(vf.path, v, m.string, m.start("version"), m.end("version")))
    return found


def _spans(cfg: Config, texts: dict[str, str], v: Version) -> dict[str, list[tuple[int, int, VersionFile]]]:
    """Every occurrence of every pattern filled with ``v``, by file; StateError for a pattern
    with none, for two that claim the same text, or for a derived number below zero."""
    spans: dict[str, list[tuple[int, int, VersionFile]]] = {p: [] for p in texts}
    for vf in cfg.version_files:
        try:
            rx = vpatterns.exact(vf.pattern, v)
        except ValueError as e:
            raise StateError(f"{vf.path}: the pattern {quoted(vf.pattern)} cannot be filled: {e}", hint=_HINT) from None
        hits = [(m.start(), m.end(), vf) for m in rx.finditer(texts[vf.path])]
        if not hits:
            other = vpatterns.finder(vf.pattern).search(texts[vf.path])
            raise StateError(f"{vf.path}: the pattern {quoted(vf.pattern)} matches nothing: it looks for "
                             f"{quoted(vpatterns.render(vf.pattern, v))} (version {v})"
                             + (f", the file has {quoted(other.group())}" if other else ""), hint=_HINT)
        spans[vf.path].extend(hits)
    for path, hits in spans.items():
        hits.sort(key=lambda h: h[0])
        for (s1, e1, a), (s2, e2, b) in zip(hits, hits[1:]):
            if s2 < e1:
                line = texts[path].count("\n", 0, s2) + 1
                raise StateError(f"{path}:{line}: the patterns {quoted(a.pattern)} and {quoted(b.pattern)} "
                                 f"both match here", hint="make one of the two patterns more specific")
    return spans


def read(cfg: Config) -> list[Found]:
    """Each ``{version}`` pattern's occurrence of the version; StateError naming the file
    and the pattern when a pattern finds nothing."""
    if not cfg.version_files:
        return []
    texts = _texts(cfg)
    found = _version(cfg, dict(texts))
    _spans(cfg, texts, found[0].version)
    return found


def current(cfg: Config) -> Version | None:
    """The version the version files agree on; None without version files."""
    if not cfg.version_files:
        return None
    return read(cfg)[0].version


def committed(cfg: Config, repo, rev: str = "HEAD") -> Version | None:
    """The version the version files agree on at ``rev`` (None: none, missing, or they disagree)."""
    texts = {vf.path: repo.show_file(rev, vf.path) for vf in cfg.version_files}
    if not texts or None in texts.values():
        return None
    try:
        v = _version(cfg, dict(texts))[0].version
        _spans(cfg, texts, v)  # type: ignore[arg-type]
    except StateError:
        return None
    return v


def rewrite(cfg: Config, new: Version, *, expect: Version | None = None,
            keep_dev: bool = False) -> dict[str, tuple[str, str]]:
    """``{path: (before, after)}`` with every occurrence of each pattern moved to ``new``.

    ``expect``: refuse (StateError, nothing written) files whose version is not a
    stage of that release (``49.0.0``, ``49.0.0-dev`` and ``49.0.0-rc.3`` all are
    stages of 49.0.0).  ``keep_dev``: files that said ``-dev`` get ``new-dev``
    (main stays a development version after a cut).
    """
    if not cfg.version_files:
        return {}
    texts = _texts(cfg)
    try:
        found = _version(cfg, dict(texts))
    except _NoVersion:
        if expect is None:
            raise
        vf = next(vf for vf in cfg.version_files if vpatterns.has_version(vf.pattern))
        raise StateError(f"{vf.path}: does not contain {expected_text(vf, _dev(expect, vf))!r}", hint=_HINT) from None
    old = found[0].version
    if expect is not None and old.release != expect.release:
        vf = next(vf for vf in cfg.version_files if vpatterns.has_version(vf.pattern))
        raise StateError(f"{vf.path}: does not contain {expected_text(vf, _dev(expect, vf))!r} (it has {old})",
                         hint=_HINT)
    target = Version(new.major, new.minor, new.patch, ("dev",)) if keep_dev and old.pre == ("dev",) else new
    out = {}
    for path, hits in _spans(cfg, texts, old).items():
        text, parts, pos = texts[path], [], 0
        for start, end, vf in hits:
            try:
                filled = vpatterns.render(vf.pattern, target)
            except ValueError as e:
                raise StateError(f"{path}: the pattern {quoted(vf.pattern)} cannot be filled: {e}",
                                 hint=_HINT) from None
            parts += [text[pos:start], filled]
            pos = end
        out[path] = (text, "".join(parts) + text[pos:])
    return out


def _dev(v: Version, vf: VersionFile) -> Version:
    return Version(v.major, v.minor, v.patch, ("dev",)) if "{version}-dev" in vf.pattern else v


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
