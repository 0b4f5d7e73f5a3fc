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
from relnotes.version import Version

LIMIT = 1024 * 1024  # a project file larger than this is not read
_INIT_VERSION = re.compile(r"^__version__[ \t]*(?::[ \t]*str[ \t]*)?=[ \t]*(?P<q>[\"'])(?P<v>[^\"'\n]{1,64})(?P=q)",
                           re.MULTILINE)
# at a line's start: a dependency's inline 'requests = { version = "2.1.0" }' is not the project's
TOML_PATTERN = '\nversion = "{version}"'
_TAG = re.compile(r"^v?(?P<v>\d{1,9}\.\d{1,9}\.\d{1,9})$", re.ASCII)


class Identity(NamedTuple):
    """What the project's files say (None: they do not say it)."""

    name: str | None = None
    version: Version | None = None
    source: str = ""  # where the version was read, for the user: 'pyproject.toml [project] version'
    version_file: tuple[str, str] | None = None  # (path, pattern) for version_files
    found: tuple[str, ...] = ()  # one line per fact, for init to print


def read(root: Path) -> Identity:
    """The project's identity from its files in ``root`` (an empty one when none says anything)."""
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
        return Identity(name, version, "the newest version tag" if tag else (init.source if init else ""),
                        init.version_file if init else None, tuple(found))
    v = _version(project.get("version"))
    if v is None:
        return Identity(name, None, "", None, tuple(found))
    found.append(f"version {v} from pyproject.toml {table}")
    return Identity(name, v, f"pyproject.toml {table} version", ("pyproject.toml", TOML_PATTERN),
                    tuple(found))


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
        v = _version(m["v"]) if m else None
        if m and v is not None:
            hits.append(Identity(path.parent.name if name is None else None, v, f"{rel} __version__",
                                 (rel, f"__version__ = {m['q']}{{version}}{m['q']}"),
                                 (f"version {v} from {rel} (__version__)",)))
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
