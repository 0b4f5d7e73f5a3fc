"""What ``relnotes init`` learns from the project's own files: its name, its current
version and the file (and pattern) the version lives in.

Read in this order, the first that names a version wins: ``pyproject.toml``
(``[project]``, else Poetry's ``[tool.poetry]``, ``name``/``version``; ``dynamic = ["version"]`` → the newest version tag
and, when the package has one, its ``__init__.py``'s ``__version__``), ``package.json``,
``Cargo.toml`` (``[package]``, or ``[workspace.package]``), and a package's
``__init__.py`` (``__version__ = "X.Y.Z"``).  Files are read bounded and parsed
without executing anything; an unreadable ``pyproject.toml`` or ``Cargo.toml`` is a
located error (file, line) with exit 2, since guessing past it would configure the
wrong project.  Read-only: :mod:`relnotes.flows.scaffold` writes what this finds.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import NamedTuple

from relnotes import fsio
from relnotes.config import pyproject
from relnotes.errors import ConfigError, RelnotesError
from relnotes.git.repo import Repo
from relnotes.patterns import lazy
from relnotes.policy import calver, pep440, tags
from relnotes.version import Version

LIMIT = 1024 * 1024  # a project file larger than this is not read
_INIT_VERSION = lazy(r"^__version__[ \t]*(?::[ \t]*str[ \t]*)?=[ \t]*(?P<q>[\"'])(?P<v>[^\"'\n]{1,64})(?P=q)",
                           re.MULTILINE)
# at a line's start: a dependency's inline 'requests = { version = "2.1.0" }' is not the project's
TOML_PATTERN = '\nversion = "{version}"'
_TAG = lazy(r"^v?(?P<v>\d{1,9}\.\d{1,9}\.\d{1,9})$", re.ASCII)
# pip's calendar versions: YY.N, with a bug-fix number after (24.1.2); the year a recent one
_YY_N = lazy(r"^v?(?P<yy>[1-9][0-9])\.(?:0|[1-9][0-9]{0,8})(?:\.(?:0|[1-9][0-9]{0,8}))?$", re.ASCII)
RECENT_YEARS = 10  # a YY.N version reads as calendar when its year is at most this many years back


class Identity(NamedTuple):
    """What the project's files say (None: they do not say it)."""

    name: str | None = None
    version: Version | None = None
    source: str = ""  # where the version was read, for the user: 'pyproject.toml [project] version'
    version_file: tuple[str, str] | None = None  # (path, pattern) for version_files
    found: tuple[str, ...] = ()  # one line per fact, for init to print
    versioning: str = "semver"  # the scheme the version is written in (pep440, calver)
    calver: str = ""  # with versioning calver: its format (YY.N)
    more_version_files: tuple[tuple[str, str], ...] = ()  # the same version in another file (__init__.py)


class Read(NamedTuple):
    """A version text read: the version, the scheme it is in, and what init says about it."""

    version: Version | None
    versioning: str = "semver"
    calver: str = ""
    note: str = ""  # why that scheme, or (version None) why none was chosen


def read(root: Path) -> Identity:
    """The project's identity from its files in ``root`` (an empty one when none says anything)."""
    ident = _read(root)
    if ident.version_file and ident.version_file[0] == "pyproject.toml":  # the package may say it again
        return _same_in_init_py(root, ident)
    return ident


def _same_in_init_py(root: Path, ident: Identity) -> Identity:
    """``ident`` with the package's ``__init__.py`` as a second version file when its
    ``__version__`` is the same version; said either way."""
    init = _init_py(root, ident.name)
    if init is None or init.version_file is None:
        return ident
    if init.version == ident.version and str(init.version) == str(ident.version):
        return ident._replace(more_version_files=(init.version_file,),
                              found=ident.found + (f"the same version in {init.source} (a second version file)",))
    return ident._replace(found=ident.found + (f"{init.source} says {init.version}, not {ident.version}: "
                                               f"not configured as a version file (make them agree, then add "
                                               f"it to version_files)",))


def _read(root: Path) -> Identity:
    for reader in (_pyproject, _package_json, _cargo):
        ident = reader(root)
        if ident is not None and (ident.version is not None or ident.name):
            if ident.version is None:  # a name without a version: a package's __init__.py may have it
                more = _init_py(root, ident.name)
                if more is not None:
                    return more._replace(name=ident.name, found=ident.found + more.found)
            return ident
    return _init_py(root, None) or Identity()


def _text(root: Path, name: str) -> str | None:
    path = root / name
    if not path.is_file():
        return None
    data = fsio.read_bytes(root, path, what=name, limit=LIMIT)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError(f"{name}: not UTF-8 text", hint=f"save {name} as UTF-8") from None


def _toml(root: Path, name: str) -> dict | None:
    text = _text(root, name)
    if text is None:
        return None
    try:
        return pyproject.parse(text, root / name)
    except ConfigError as e:
        raise ConfigError(e.message, hint=f"fix the TOML syntax (see https://toml.io): relnotes init reads the "
                                          f"project's name and version from {name}") from None


def _version(value: object) -> Version | None:
    return Version.try_parse(value.strip()) if isinstance(value, str) else None


def python_version(root: Path, value: object, where: str) -> Read:
    """A Python project's version text read in the scheme it is written in: CalVer ``YY.N``
    when its year is recent *and* the repository's newest final version tags are all such
    versions, one of them a two-number one semver cannot read (pip's ``26.2.1`` beside
    ``26.2``); else semver when it is ``X.Y.Z[-pre]``; else PEP 440 when only PEP 440 reads
    it (``1.2rc1``, ``0.27.0+dev``).  A two-number ``YY.N`` the tags do not confirm could be
    either: no scheme is guessed (version None, the note says how to choose)."""
    if not isinstance(value, str):
        return Read(None)
    text = value.strip()
    semver = Version.try_parse(text) if "+" not in text else None
    m = _YY_N.match(text)
    if m and _recent_year(int(m["yy"])):
        # pip's 26.2.1 is also semver's: the tags decide, and only when they cannot be semver's
        # (a two-number 26.1 among them), so a project at 24.0.0, 25.0.0 stays semver
        recent = [t for t in _recent_version_tags(root) if not pep440.parse(t).is_prerelease]
        if recent and all(_YY_N.match(t) for t in recent) and any(t.count(".") == 1 for t in recent):
            shown = ", ".join(recent[:3]) + (", …" if len(recent) > 3 else "")
            return Read(calver.CalVer("YY.N").parse(text), "calver", "YY.N",
                        f"versioning: calver (YY.N): {text} in {where} and the {len(recent)} newest final "
                        f"version tag{'s' if len(recent) > 1 else ''} ({shown}) are calendar versions; if they "
                        f"are not, set versioning: {'semver' if semver else 'pep440'} in relnotes.yaml")
        if semver is not None:
            return Read(semver)
        return Read(None, note=f"{where} says {text}, a calendar version (YY.N) or a PEP 440 one, and no "
                               f"release tags tell which: kept versioning: semver; set versioning: calver "
                               f"(calver: YY.N) or versioning: pep440, and base_version: \"{text}\", in "
                               f"relnotes.yaml")
    if semver is not None:
        return Read(semver)
    v = pep440.try_parse(text)
    if v is not None:
        return Read(v, "pep440", "", f"versioning: pep440: {text} in {where} is a PEP 440 version "
                                     f"(semver does not read it); written back as {v}")
    return Read(None)


def _recent_year(yy: int) -> bool:
    import datetime

    this = datetime.date.today().year - 2000
    return this - RECENT_YEARS <= yy <= this + 1


def _recent_version_tags(root: Path) -> list[str]:
    """The newest tags (:data:`relnotes.policy.tags.RECENT`) that hold a version of any
    scheme, a leading ``v`` dropped; [] outside a git repository."""
    if not (root / ".git").exists():
        return []
    try:
        with Repo(root) as repo:
            names = repo.recent_tag_names(tags.RECENT)
    except RelnotesError:
        return []
    out = []
    for n in names:
        bare = n[1:] if n[:1] == "v" else n
        if bare[:1].isdigit() and pep440.try_parse(bare) is not None:
            out.append(bare)
    return out


def _pyproject(root: Path) -> Identity | None:
    data = _toml(root, "pyproject.toml")
    if data is None:
        return None
    project, table = data.get("project"), "[project]"
    if not isinstance(project, dict):  # Poetry before PEP 621: [tool.poetry]
        tool = data.get("tool")
        project, table = (tool.get("poetry") if isinstance(tool, dict) else None), "[tool.poetry]"
    if not isinstance(project, dict):
        return None
    name = project.get("name") if isinstance(project.get("name"), str) else None
    found = [f"name {name!r} from pyproject.toml {table}"] if name else []
    dynamic = project.get("dynamic")
    if isinstance(dynamic, list) and "version" in dynamic:
        tag = newest_tag(root)
        init = _init_py(root, name)
        version = tag[1] if tag else (init.version if init else None)
        if tag:
            found.append(f"version {tag[1]} from the newest version tag {tag[0]} (pyproject.toml: dynamic version)")
        elif init is not None:
            found.append(f"version {init.version} from {init.source} (pyproject.toml: dynamic version)")
        scheme = (init.versioning, init.calver) if init is not None and not tag else ("semver", "")
        return Identity(name, version, "the newest version tag" if tag else (init.source if init else ""),
                        init.version_file if init else None, tuple(found), *scheme)
    r = python_version(root, project.get("version"), f"pyproject.toml {table}")
    if r.version is None:
        return Identity(name, None, "", None, tuple(found) + ((r.note,) if r.note else ()))
    found.append(f"version {r.version} from pyproject.toml {table}")
    if r.note:
        found.append(r.note)
    return Identity(name, r.version, f"pyproject.toml {table} version", ("pyproject.toml", TOML_PATTERN),
                    tuple(found), r.versioning, r.calver)


def _package_json(root: Path) -> Identity | None:
    text = _text(root, "package.json")
    if text is None:
        return None
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as e:
        line = getattr(e, "lineno", None)
        raise ConfigError(f"package.json{':' + str(line) if line else ''}: not valid JSON ({e})",
                          hint="fix the JSON: relnotes init reads the project's name and version from it") from None
    if not isinstance(data, dict):
        return None
    name = data.get("name") if isinstance(data.get("name"), str) else None
    v = _version(data.get("version"))
    found = ([f"name {name!r} from package.json"] if name else []) + ([f"version {v} from package.json"] if v else [])
    return Identity(name, v, "package.json version" if v else "",
                    ("package.json", '"version": "{version}"') if v else None, tuple(found))


def _cargo(root: Path) -> Identity | None:
    data = _toml(root, "Cargo.toml")
    if data is None:
        return None
    for key, table in (("[package]", data.get("package")),
                       ("[workspace.package]", (data.get("workspace") or {}).get("package")
                        if isinstance(data.get("workspace"), dict) else None)):
        if not isinstance(table, dict):
            continue
        name = table.get("name") if isinstance(table.get("name"), str) else None
        v = _version(table.get("version"))
        if name is None and v is None:
            continue
        found = ([f"name {name!r} from Cargo.toml {key}"] if name else []) + (
            [f"version {v} from Cargo.toml {key}"] if v else [])
        return Identity(name, v, f"Cargo.toml {key} version" if v else "",
                        ("Cargo.toml", TOML_PATTERN) if v else None, tuple(found))
    return None


def _init_py(root: Path, name: str | None) -> Identity | None:
    """``__version__`` in the package's ``__init__.py`` (``NAME/`` or ``src/NAME/``; without a
    name, the one package directory that has one)."""
    candidates: list[Path] = []
    if name:
        module = re.sub(r"[-.]+", "_", name).lower()
        candidates += [root / module / "__init__.py", root / "src" / module / "__init__.py"]
    else:
        for base in (root, root / "src"):
            if base.is_dir():
                candidates += sorted(p / "__init__.py" for p in base.iterdir()
                                     if p.is_dir() and not p.name.startswith(".") and p.name.isidentifier())
    hits = []
    for path in candidates:
        if not path.is_file():
            continue
        rel = path.relative_to(root).as_posix()
        try:
            text = fsio.read_bytes(root, path, what=rel, limit=LIMIT).decode("utf-8-sig")
        except (UnicodeDecodeError, RelnotesError):
            continue
        m = _INIT_VERSION.search(text)
        r = python_version(root, m["v"], rel) if m else Read(None)
        if m and r.version is not None:
            hits.append(Identity(path.parent.name if name is None else None, r.version, f"{rel} __version__",
                                 (rel, f"__version__ = {m['q']}{{version}}{m['q']}"),
                                 (f"version {r.version} from {rel} (__version__)",) + ((r.note,) if r.note else ()),
                                 r.versioning, r.calver))
    return hits[0] if len(hits) == 1 or (hits and name) else None


def newest_tag(root: Path) -> tuple[str, Version] | None:
    """The newest final-version tag (``v1.3.0`` or ``1.3.0``) of the repository at ``root``, or None."""
    if not (root / ".git").exists():
        return None
    try:
        with Repo(root) as repo:
            names = repo.tag_names()
    except RelnotesError:
        return None
    tagged = [(Version.parse(m["v"]), n) for n in names if (m := _TAG.match(n))]
    if not tagged:
        return None
    v, n = max(tagged, key=lambda t: t[0])
    return n, v
