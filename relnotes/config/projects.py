"""Monorepos: several projects, each with its own notes, in one repository.

The repository root's ``relnotes.yaml`` lists its packages under ``projects:``, each either
a mapping (``{name: cli, path: cli, notes_file: …}``) or a bare path whose directory holds
the package's own ``relnotes.yaml``; a package takes every key it does not set from the
root's file.  A package's paths (notes file, fragments and templates directories, version
files) are relative to its directory; the :class:`~relnotes.config.load.Config` built for it
holds them relative to the repository root, so every command works on a package exactly
as on a single project, and git sees the paths it expects.

Discovery is explicit on purpose: a ``relnotes.yaml`` found below the root is a package
only when the root lists it (or when the root has no configuration at all), never because
a directory walk stumbled on it (fixtures in ``tests/data`` must not become projects).

The root is itself a project when it has notes of its own (its notes file or fragments
directory exists), named ``root``.  Every rule that keeps projects apart lives here:
names are unique and safe, package directories stay inside the repository (symlinks
included), no fragments directory lies inside another, and no two projects can make the
same release branch or tag.
"""

import re
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, NamedTuple

from relnotes import fsio
from relnotes.config import load as config
from relnotes.config import presets
from relnotes.config.inherited import from_default_branch
from relnotes.config.load import CONFIG_NAME, Config, VersionFile
from relnotes.config.rules import PROJECT_NAME_PATTERN, coerce
from relnotes.errors import ConfigError, RelnotesError, UsageError, quoted

if TYPE_CHECKING:
    from collections.abc import Sequence

ROOT_NAME = "root"
ENV_VAR = "RELNOTES_PROJECT"


class Workspace(NamedTuple):
    """The root configuration and the packages it lists."""

    root: Config
    packages: tuple[Config, ...]
    root_has_notes: bool
    values: dict  # what the root relnotes.yaml sets (for init to extend)
    note: str = ""  # said on stderr: the configuration came from elsewhere (config.inherited)

    @property
    def projects(self) -> tuple[Config, ...]:
        """Every project with notes: the root first when it has its own, then the packages."""
        if not self.packages:
            return (self.root,)
        return ((self.root,) if self.root_has_notes else ()) + self.packages

    def names(self) -> list[str]:
        return [p.name for p in self.projects]

    def get(self, name: str) -> Config | None:
        for p in ((self.root, *self.packages) if self.packages else ()):
            if p.name == name:
                return p
        return None

    def owner(self, path: str) -> Config | None:
        """The project a repository path belongs to: the package with the longest path that
        contains it, else the root project (None when the root has no notes of its own)."""
        best = None
        for p in self.packages:
            if (path == p.base or path.startswith(p.base + "/")) and (best is None or len(p.base) > len(best.base)):
                best = p
        if best is not None:
            return best
        return self.root if (self.root_has_notes or not self.packages) else None


# -- loading --------------------------------------------------------------------------------


def _git_root(start: Path) -> Path | None:
    for d in (start, *start.parents):
        if (d / ".git").exists():
            return d
    return None


def load(config_path: Path | str | None = None, start: Path | None = None) -> Workspace:
    """The workspace: ``--config`` if given, else the nearest relnotes.yaml upwards.

    A relnotes.yaml found below the repository root is a package's: the root's
    configuration must list it (or there is none, and it is the only package).
    """
    if config_path is not None:
        cfg = config.load(config_path)  # the messages for a missing or escaping --config
        assert cfg.path is not None
        return _from_file(cfg.root, cfg.path)
    here = (start or Path.cwd()).resolve()
    found = config.find_config(here)
    if found is None:
        root = config.find_root(here)
        inherited = from_default_branch(root, lambda values: assemble(root, None, values))
        if inherited is not None:  # a release branch cut before relnotes.yaml: main's, said so
            return assemble(root, None, inherited.values)._replace(note=inherited.note)
        return Workspace(config.defaults(root), (), True, {})
    top = _git_root(here)
    if top is None or found.parent == top:
        return _from_file(found.parent, found)
    rel = found.parent.relative_to(top).as_posix()
    root_file = top / CONFIG_NAME
    if not root_file.is_file():
        return assemble(top, None, {}, implicit=[{"path": rel}])
    ws = _from_file(top, root_file)
    if not any(p.base == rel for p in ws.packages):
        raise ConfigError(f"{config.shown(found)}: a package configuration, but {config.shown(root_file)} "
                          f"does not list '{rel}' under projects:",
                          hint=f"add it to the root's relnotes.yaml:  projects: [{rel}]  (or run "
                               f"'relnotes init --path {rel}' at the root), or delete {config.shown(found)}")
    return ws


def _from_file(root: Path, path: Path) -> Workspace:
    values = config.values_from_text(config.read_config(path, root), path, root)
    return assemble(root, path, values)


def assemble(root: Path, path: Path | None, values: dict, *, implicit: "Sequence[dict]" = (),
             snapshot=None) -> Workspace:
    """The workspace of root ``values`` (validated), with their ``projects:`` entries.

    ``snapshot``: the files as another revision has them (``text(path)`` → str or None,
    ``exists(path)`` → bool, paths from the root), for ``check --base``, which reads the
    gate's rules as the base has them: packages' own files and whether the root has
    notes come from it instead of the work tree."""
    entries = list(values.get("projects", ())) + list(implicit)
    root_values = {k: v for k, v in values.items() if k != "projects"}
    root_cfg = config.build(root, path, root_values)
    if not entries:
        return Workspace(root_cfg, (), True, values)
    where = config.shown(path) if path else CONFIG_NAME
    packages = tuple(_package(root, path, where, root_values, entry, i, snapshot) for i, entry in enumerate(entries))
    if snapshot is not None:
        has_notes = snapshot.exists(root_cfg.notes_file) or snapshot.exists(root_cfg.fragments_dir)
    else:
        has_notes = root_cfg.notes_path.is_file() or root_cfg.fragments_path.is_dir()
    ws = Workspace(root_cfg._replace(name=ROOT_NAME), packages, has_notes, values)
    _check_apart(ws, where, path)
    return ws


def _package(root: Path, root_path: Path | None, where: str, root_values: dict, entry: dict, i: int,
             snapshot=None) -> Config:
    base = entry["path"]
    at = f"{where}: projects[{i}] (path {quoted(base)})"
    if base in (".", ""):
        raise ConfigError(f"{at}: a package is a subdirectory; the root's own notes come from the root's keys",
                          hint="remove this entry; the root is a project when its notes file exists")
    real = fsio.inside(root, root / base, what=f"project directory of projects[{i}]")
    if snapshot is None and real.exists() and not real.is_dir():
        raise ConfigError(f"{at}: not a directory")
    own_path = root / base / CONFIG_NAME
    file_values: dict = {}
    own_text = snapshot.text(f"{base}/{CONFIG_NAME}") if snapshot is not None else (
        config.read_config(own_path, root) if own_path.is_file() or own_path.is_symlink() else None)
    if own_text is not None:
        file_values = config.values_from_text(own_text, own_path, root, package=True)
    entry_values = {k: v for k, v in entry.items() if k != "path"}
    both = sorted(set(entry_values) & set(file_values))
    if both:
        raise ConfigError(f"{config.shown(own_path)}: '{both[0]}' is set both here and in projects[{i}] of {where}",
                          hint="set each of a package's keys in one place")
    own = {**entry_values, **file_values}
    name = own.pop("name", None) or PurePosixPath(base).name

    if not re.match(PROJECT_NAME_PATTERN, name):
        raise ConfigError(f"{at}: the directory name {quoted(name)} is not a valid project name",
                          hint="give the package a name: letters, digits, '_', '-' and single dots")
    if name.casefold() == ROOT_NAME:  # 'Root' too: one crash record file (.git/relnotes-cut-root) on macOS
        same = "" if name == ROOT_NAME else f" ('{ROOT_NAME}', in another case)"
        raise ConfigError(f"{at}: the name '{name}' is the repository root's{same}", hint="name the package otherwise")
    merged = presets.overlay(root_values, own)
    if "project" not in own:
        merged["project"] = name
    cfg = config.build(root, own_path if file_values else root_path, merged)
    return _placed(cfg, name, base, own, at)


def _placed(cfg: Config, name: str, base: str, own: dict, at: str) -> Config:
    """``cfg`` with its paths under ``base`` and, unless the package sets them, a release
    branch and tag of its own (``cli-release-{version}``, ``cli-v{version}``)."""
    def under(p: str) -> str:
        return base if p == "." else f"{base}/{p}"

    branch = cfg.release_branch if "release_branch" in own else coerce(
        "branch", f"{name}-{cfg.release_branch}", "release_branch", at)
    tag = cfg.tag if "tag" in own else coerce("tag", f"{name}-{cfg.tag}", "tag", at)
    notes_file = under(cfg.notes_file)
    links = cfg.links
    if "archive" not in own.get("links", {}):
        escaped = notes_file.replace("{", "{{").replace("}", "}}")
        links = links._replace(archive=f"{{repository}}/blob/{{branch}}/{escaped}")
    return cfg._replace(
        name=name, base=base, notes_file=notes_file, fragments_dir=under(cfg.fragments_dir),
        templates_dir=under(cfg.templates_dir), release_branch=branch, tag=tag, links=links,
        version_files=tuple(VersionFile(under(f.path), f.pattern) for f in cfg.version_files))


def _real(path: Path) -> str:
    """``path`` with every symlink followed (confinement is fsio.inside's job when it is used)."""
    import os

    return os.path.realpath(path)


def _fold(s: str) -> str:
    """``s`` as a case- and normalization-insensitive filesystem sees it (macOS stores
    'é' precomposed and decomposed as one name, Windows and macOS 'CLI' and 'cli').
    Simple lowercase, not ``casefold``: those filesystems map one letter to one letter,
    so 'straße' and 'strasse' stay two names there."""
    import unicodedata

    return unicodedata.normalize("NFD", unicodedata.normalize("NFD", s).lower())


def _alike(a: str, b: str) -> str:
    """How two different texts that fold alike differ, for a message."""
    return "case" if a.lower() == b.lower() else "Unicode normalization"


def _inside_or_same(a: str, b: str) -> bool:
    return a == b or a.startswith(b.rstrip("/") + "/")


def _check_apart(ws: Workspace, where: str, path: Path | None = None) -> None:
    """Names unique; no package directory twice; fragments directories and notes files
    apart; release branches and tags that no two projects can both make.

    Names, paths and ref patterns are compared without regard to case: on a
    case-insensitive filesystem (macOS, Windows) ``CLI/`` and ``cli/`` are one directory,
    and ``CLI-release-1.0.0`` and ``cli-release-1.0.0`` one loose ref file."""
    everyone = (ws.root, *ws.packages) if ws.root_has_notes else ws.packages

    def at(*involved: Config) -> str:
        """``where`` and the line of the later-listed package's ``projects:`` entry."""
        listed = [i for i, p in enumerate(ws.packages) if any(p is q for q in involved)]
        if path is None or not listed:
            return where

        try:  # the file is read again: what it became since (a save, a checkout) costs the line only
            lines = config.item_lines(path, ws.root.root, "projects")
        except (RelnotesError, OSError):
            return where
        return f"{where}:{lines[listed[-1]]}" if listed[-1] < len(lines) else where

    seen: dict[str, Config] = {}
    for p in ws.packages:
        if _fold(p.name) in seen:
            other = seen[_fold(p.name)]
            named = f"'{p.name}'" if other.name == p.name else \
                f"'{other.name}' and '{p.name}' (names that differ only in case)"
            raise ConfigError(f"{at(p)}: two projects are named {named} ({other.base} and {p.base})",
                              hint="give each package its own name: {name: …, path: …}")
        seen[_fold(p.name)] = p
        for q in ws.packages:
            if q is not p and _fold(q.base) == _fold(p.base):
                if q.base == p.base:
                    same = f"the same path {quoted(p.base)}"
                elif _alike(q.base, p.base) == "case":
                    same = (f"paths that differ only in case ({quoted(q.base)}, {quoted(p.base)}: one directory on macOS "
                            f"and Windows)")
                else:  # shown escaped: the two look the same
                    same = (f"paths that differ only in Unicode normalization ({ascii(q.base)}, {ascii(p.base)}: "
                            f"one directory on macOS)")
                raise ConfigError(f"{at(p, q)}: projects '{q.name}' and '{p.name}' have {same}")
    # a path belongs to the deepest package containing it (Workspace.owner, which check
    # --base attributes changed files with): a project's own fragments and notes must too
    for p in everyone:
        for what, rel in (("fragments directory", p.fragments_dir + "/x.md"), ("notes file", p.notes_file)):
            owner = ws.owner(rel)
            if owner is not None and owner is not p:
                raise ConfigError(f"{at(p, owner)}: the {what} of '{p.name}' ({rel.removesuffix('/x.md')}) "
                                  f"lies inside package '{owner.name}' ({owner.base}), so its files would "
                                  f"count as '{owner.name}''s",
                                  hint=f"keep '{p.name}''s {what} outside {owner.base}/")
    # compared as they really are: a package directory (or fragments directory, or notes
    # file) that is a symlink to another project's must not make two projects share one
    real = {id(p): (_real(p.fragments_path), _real(p.notes_path)) for p in everyone}
    for i, a in enumerate(everyone):
        for b in everyone[i + 1:]:
            if real[id(a)][1] == real[id(b)][1] and _fold(a.notes_file) != _fold(b.notes_file):
                raise ConfigError(f"{at(a, b)}: projects '{a.name}' and '{b.name}' share a notes file: {a.notes_file} "
                                  f"and {b.notes_file} are the same file (through a symbolic link)",
                                  hint="each project needs a notes file of its own; replace the symbolic link")
            for x, y in ((a, b), (b, a)):
                if _inside_or_same(real[id(x)][0], real[id(y)][0]) and not _inside_or_same(
                        _fold(x.fragments_dir), _fold(y.fragments_dir)):
                    raise ConfigError(f"{at(x, y)}: the fragments directory of '{x.name}' ({x.fragments_dir}) "
                                      f"is, through a symbolic link, inside or the same as that of '{y.name}' "
                                      f"({y.fragments_dir})",
                                      hint="each project needs a fragments directory of its own; replace the "
                                           "symbolic link")
                if _inside_or_same(_fold(x.fragments_dir), _fold(y.fragments_dir)):
                    raise ConfigError(f"{at(x, y)}: the fragments directory of '{x.name}' ({x.fragments_dir}) "
                                      f"overlaps that of '{y.name}' ({y.fragments_dir})",
                                      hint="each project needs a fragments directory of its own")
            if _fold(a.notes_file) == _fold(b.notes_file):
                raise ConfigError(f"{at(a, b)}: projects '{a.name}' and '{b.name}' share the notes file {a.notes_file}")
            for key, what in (("release_branch", "release branch"), ("tag", "tag")):
                pa, pb = getattr(a, key), getattr(b, key)
                if patterns_collide(pa, pb):
                    raise ConfigError(f"{at(a, b)}: projects '{a.name}' and '{b.name}' can make the same {what} "
                                      f"({quoted(pa)} and {quoted(pb)})",
                                      hint=f"give each project its own pattern, e.g. {key}: "
                                           f"'{b.name}-{'v' if key == 'tag' else 'release-'}{{version}}'")


_VERSION_RX = r"v?[0-9][0-9A-Za-z.+-]*"  # what {version} can become (a version may start with v)
_SAMPLES = ("1.2.3", "10.0.0-rc.1", "0.1.0+build.5")


def patterns_collide(a: str, b: str) -> bool:
    """Whether two ``{version}`` patterns can name the same branch (or tag), in any case
    (a ref is a file: on a case-insensitive filesystem ``CLI-v1`` and ``cli-v1`` are one)."""
    a, b = _fold(a), _fold(b)
    if a == b:
        return True
    return any(_pattern_rx(y, re.IGNORECASE).fullmatch(x.replace("{version}", v))
               for x, y in ((a, b), (b, a)) for v in _SAMPLES)


def pattern_makes(pattern: str, name: str) -> bool:
    """Whether the ``{version}`` pattern ``pattern`` can make the branch (or tag) ``name``."""
    return _pattern_rx(pattern).fullmatch(name) is not None


def _pattern_rx(pattern: str, flags: int = 0) -> re.Pattern[str]:
    return re.compile("".join(re.escape(part) if k % 2 == 0 else _VERSION_RX
                              for k, part in enumerate(_split(pattern))), flags)


def _split(pattern: str) -> list[str]:
    out: list[str] = []
    for piece in pattern.split("{version}"):
        out += [piece, "{version}"]
    return out[:-1]


# -- choosing -------------------------------------------------------------------------------


def _unknown(ws: Workspace, name: str) -> UsageError:
    if not ws.packages:
        return UsageError(f"--project {name}: this repository has one project (no 'projects:' in "
                          f"{CONFIG_NAME})", hint=f"leave out --project (and unset {ENV_VAR})")
    return UsageError(f"--project {name}: no such project", hint="projects: " + ", ".join(ws.names()))


def cwd_project(ws: Workspace, cwd: Path | None = None) -> Config | None:
    """The package the working directory is in (the longest path containing it), or None."""
    try:
        rel = (cwd or Path.cwd()).resolve().relative_to(ws.root.root.resolve()).as_posix()
    except ValueError:
        return None
    owner = ws.owner("" if rel == "." else rel)
    return owner if owner is not None and owner.base else None


def select(ws: Workspace, name: str | None, cwd: Path | None = None) -> Config:
    """The one project a command works on: ``--project``, else the package the working
    directory is in, else the root project; when none of these decides, exit 2."""
    if name:
        found = ws.get(name)
        if found is None or (found is ws.root and not ws.root_has_notes):
            if found is ws.root:
                raise UsageError(f"--project {name}: the repository root has no notes of its own",
                                 hint="projects: " + ", ".join(ws.names()))
            raise _unknown(ws, name)
        return found
    if not ws.packages:
        return ws.root
    here = cwd_project(ws, cwd)
    if here is not None:
        return here
    if ws.root_has_notes or len(ws.packages) == 1:
        return ws.projects[0]
    raise UsageError("this repository has several projects: say which with --project NAME",
                     hint=f"projects: {', '.join(ws.names())}; or run the command inside a project's "
                          f"directory, or set {ENV_VAR}=NAME")


def select_for_check(ws: Workspace, name: str | None) -> tuple[Config, ...]:
    """``check`` works on every project unless one is named."""
    return (select(ws, name),) if name else ws.projects


def selected_name(given: str | None) -> str | None:
    """``--project`` if given, else ``$RELNOTES_PROJECT`` (blank: none)."""
    import os

    return given or os.environ.get(ENV_VAR, "").strip() or None
