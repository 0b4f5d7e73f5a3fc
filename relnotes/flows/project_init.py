"""``relnotes init`` in a monorepo: scaffold a package, and never write the root's files
by accident.

``init`` used to find the repository root and write there whatever directory it ran
in; in ``core/`` of a monorepo that silently configured the whole repository.  Here
``init --path DIR`` (DIR relative to the working directory) scaffolds the package in
DIR: its own ``relnotes.yaml``, notes file and fragments directory inside DIR, and its
path added to ``projects:`` of the root's relnotes.yaml (created when missing).
``init`` without ``--path`` in a subdirectory works on the package that directory is
in, or refuses with the two commands the user may have meant.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path, PurePosixPath
from typing import NamedTuple

from relnotes import fsio
from relnotes.config import load as config
from relnotes.config import projects
from relnotes.config.load import CONFIG_NAME
from relnotes.config.rules import PROJECT_NAME_PATTERN, coerce
from relnotes.errors import UsageError
from relnotes.flows import scaffold
from relnotes.version import Version


class PackageInit(NamedTuple):
    created: list[str]
    kept: list[str]
    notes: list[str]  # further lines for the user (what changed in the root's file)


def target(root: Path, cwd: Path, path: str | None) -> str | None:
    """The package directory (from the root) that ``init`` scaffolds, or None for the root."""
    if path is not None:
        return _relative(root, cwd, path)
    try:
        here = cwd.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return None
    if here == ".":
        return None
    owner = projects.cwd_project(projects.load(start=cwd), cwd)
    if owner is not None:
        return owner.base
    if (root / CONFIG_NAME).is_file():
        raise UsageError(f"you are in {here}/, not at the repository root, whose {CONFIG_NAME} already "
                         f"configures the repository",
                         hint=f"to give {here}/ notes of its own, run 'relnotes init --path .' here: it becomes "
                              f"a package listed under projects: in the root's {CONFIG_NAME}")
    raise UsageError(f"you are in {here}/, not at the repository root ({root})",
                     hint="run 'relnotes init --path .' here to give this directory notes of its own (a package "
                          "of a monorepo), or 'relnotes init' at the root for one set of notes for the repository")


def _relative(root: Path, cwd: Path, path: str) -> str | None:
    """``--path`` (relative to the working directory) as a package path from the root."""
    absolute = os.path.normpath(os.path.join(os.path.abspath(cwd), path))
    rel = os.path.relpath(absolute, os.path.abspath(root))
    if rel == ".":
        return None
    if rel == ".." or rel.startswith(".." + os.sep) or os.path.isabs(rel):
        raise UsageError(f"--path {path}: {absolute} is outside the repository ({root})",
                         hint="give a directory inside the repository")
    return coerce("path", rel.replace(os.sep, "/"), "--path", "--path")


def init_package(root: Path, base: str, *, name: str | None, repository: str | None, version: str,
                 preset: str | None = None) -> PackageInit:
    """Scaffold the package in ``base``: list it in the root's projects:, write its
    relnotes.yaml, notes file and fragments directory; never overwrite a file.

    A repository without a root relnotes.yaml gets one (``preset``, ``repository`` or
    the origin remote's address); with one, ``preset`` goes into the package's file."""
    v = Version.parse(version)
    res = PackageInit([], [], [])
    fsio.inside(root, root / base, what="package directory")
    root_file = root / CONFIG_NAME
    own_file = root / base / CONFIG_NAME
    dir_name = PurePosixPath(base).name
    pkg_name = name if name and re.match(PROJECT_NAME_PATTERN, name) else dir_name
    own_text = None
    if not own_file.exists() and not own_file.is_symlink():
        own_text = (f"# relnotes configuration of the package {pkg_name!r}, listed under projects: in the\n"
                    f"# repository root's {CONFIG_NAME}; what it does not set comes from there.\n"
                    f"# Paths are relative to this directory.\n"
                    + (f"name: {json.dumps(pkg_name)}\n" if pkg_name != dir_name else "")
                    + (f"preset: {preset}\n" if preset and root_file.is_file() else "")
                    + f"project: {json.dumps(name or pkg_name, ensure_ascii=False)}\n")
    if root_file.is_file():
        root_text = config.read_config(root_file, root)
        values = config.values_from_text(root_text, root_file, root)
    else:
        if repository is not None and scaffold.repository_problem(repository.strip()):
            raise UsageError(f"--repository {repository!r} {scaffold.repository_problem(repository.strip())}",
                             hint="or leave it out: no links")
        address = repository if repository is not None else (scaffold.repository_from_remote(root) or "")
        root_text = scaffold.config_text(scaffold.Choices(root.name, address.strip().rstrip("/"), str(v),
                                                          preset or "plain"))
        values = config.values_from_text(root_text, root_file, root, use_cache=False)
    entry = next((e for e in values.get("projects", ()) if e["path"] == base), None)
    if entry is not None and set(entry) != {"path"}:
        own_text = None  # configured by its entry in the root's file: no second place for its keys
    new_root_text = _listing(root_text, base, values) if entry is None else None
    if new_root_text is None and not root_file.is_file():
        new_root_text = root_text
    # everything is checked before anything is written: the workspace as the files will say
    final = (config.values_from_text(new_root_text, root_file, root, use_cache=False)
             if new_root_text is not None else values)
    own = config.values_from_text(own_text, own_file, root, use_cache=False, package=True) if own_text else {}
    projects.assemble(root, root_file, dict(final, projects=[dict(e, **own) if e["path"] == base else e
                                                             for e in final["projects"]]))
    if new_root_text is not None:
        existed = root_file.is_file()
        fsio.write_text(root, root_file, new_root_text)
        if existed:
            res.notes.append(f"listed {base} under projects: in {CONFIG_NAME}")
        else:
            res.created.append(CONFIG_NAME)
    if own_text is not None:
        fsio.write_text(root, own_file, own_text)
        res.created.append(f"{base}/{CONFIG_NAME}")
    elif own_file.exists():
        res.kept.append(f"{base}/{CONFIG_NAME}")
    ws = projects.load(root_file)
    cfg = next(p for p in ws.packages if p.base == base)
    scaffold.write_skeleton(root, cfg, scaffold.initial_notes(cfg, str(v)), res)
    return res


def _listing(text: str, base: str, values: dict) -> str:
    """``text`` (the root's relnotes.yaml) with ``base`` added to ``projects:``.

    A file without the key gets it appended, untouched otherwise; an existing list is
    extended through ruamel's round trip, which keeps comments and key order."""
    if "projects" not in values:
        sep = "" if not text or text.endswith("\n") else "\n"
        return f"{text}{sep}# the packages of this monorepo (relnotes init --path DIR adds one)\nprojects:\n" \
               f"  - {json.dumps(base, ensure_ascii=False)}\n"
    import io

    from ruamel.yaml import YAML

    yaml = YAML(typ="rt", pure=True)
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 4096
    data = yaml.load(text)
    if data.get("projects") is None:
        data["projects"] = []
    data["projects"].append(base)
    buf = io.StringIO()
    yaml.dump(data, buf)
    return buf.getvalue()
