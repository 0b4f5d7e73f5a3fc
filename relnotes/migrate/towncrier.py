"""``relnotes import towncrier``: convert a towncrier setup and its fragments.

Reads ``towncrier.toml`` or ``[tool.towncrier]`` in ``pyproject.toml`` (both type
syntaxes: ``[[tool.towncrier.type]]`` and ``[tool.towncrier.fragment.<type>]``,
custom directories and ``[[tool.towncrier.section]]`` subdirectories), parses every
fragment name (``<issue>.<type>[.<counter>][.md|.rst|.txt]``, orphans starting with
``+``), maps types to relnotes sections, and plans relnotes fragments.  Fragments of
one type with the same text become one fragment listing all their numbers, as
towncrier renders them.  Unlike towncrier, a file whose type is unknown is reported,
never silently dropped.  Everything is planned and validated before anything is
written.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from relnotes import fsio
from relnotes.config.load import Config
from relnotes.errors import ConfigError, ContentError, UsageError, ValidationError
from relnotes.flows import new
from relnotes.flows.new import fragment_text
from relnotes.fragments.fragment import MAX_FRAGMENT_BYTES, parse_text
from relnotes.migrate import towncrier_types
from relnotes.version import whole_number

# towncrier's built-in types: (key, display name)
DEFAULT_TYPES = [("feature", "Features"), ("bugfix", "Bugfixes"), ("doc", "Improved Documentation"),
                 ("removal", "Deprecations and Removals"), ("misc", "Misc")]
DEFAULT_MAP = {"feature": "Added", "bugfix": "Fixed", "removal": "Removed", "doc": "Changed", "misc": "Changed",
               "security": "Security", "deprecation": "Deprecated", "breaking": "Changed"}
EXTENSIONS = (".md", ".rst", ".txt", ".markdown")


@dataclass
class TowncrierConfig:
    source: str
    directory: Path
    types: dict[str, tuple[str, bool]]  # key -> (display name, showcontent), in towncrier's order
    subdirs: list[tuple[str, str]]  # (towncrier section name, path below directory)
    table: dict = field(default_factory=dict)  # [tool.towncrier] as written (for the migration)
    document: dict = field(default_factory=dict)  # the whole file it came from ([project] etc.)


@dataclass
class TcFragment:
    path: str
    issue: str | None
    type: str
    counter: int
    content: str
    subsection: str


@dataclass
class TcPlan:
    config: TowncrierConfig
    fragments: list[tuple[str, str]] = field(default_factory=list)  # (file name, text)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)
    sources: int = 0


MAX_CONFIG_BYTES = 1024 * 1024


def read_config(project_dir: Path, root: Path | None = None) -> TowncrierConfig:
    """The towncrier configuration in ``project_dir``; with ``root``, every file it
    names (and the configuration itself) must resolve inside that repository."""
    root = root or project_dir
    candidates = [project_dir / "towncrier.toml", project_dir / "pyproject.toml"]
    for path in candidates:
        if not path.is_file():
            continue
        raw = fsio.read_bytes(root, path, what="towncrier configuration", limit=MAX_CONFIG_BYTES)
        try:
            text = raw.decode("utf-8")
            data = tomllib.loads(text)
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
            raise ConfigError(f"{path}: invalid TOML: {e}") from None
        tc = towncrier_types.check_document(data, path, text)  # every setting read is of its type
        if tc is None:
            continue
        parsed = _parse_config(tc, path, project_dir)
        parsed.table, parsed.document = tc, data
        return parsed
    raise ConfigError(f"{project_dir}: no towncrier configuration (towncrier.toml, or [tool.towncrier] in "
                      "pyproject.toml)", hint="pass the directory that holds it: relnotes import towncrier DIR")


def _parse_config(tc: dict, path: Path, project_dir: Path) -> TowncrierConfig:
    directory = tc.get("directory")
    if directory is None:
        package = tc.get("package")
        directory = (str(Path(tc.get("package_dir", ".")) / package / "newsfragments") if package
                     else "newsfragments")
    types: dict[str, tuple[str, bool]] = {}
    if isinstance(tc.get("type"), list):  # [[tool.towncrier.type]]
        for t in tc["type"]:
            types[t["directory"]] = (t["name"], t.get("showcontent", True))
    if isinstance(tc.get("fragment"), dict):  # [tool.towncrier.fragment.<type>]
        for key, t in tc["fragment"].items():
            types[key] = (str(t.get("name", key.title())), bool(t.get("showcontent", True)))
    if not types:
        types = {k: (name, k != "misc") for k, name in DEFAULT_TYPES}
    subdirs = []
    if isinstance(tc.get("section"), list):
        for sec in tc["section"]:
            if isinstance(sec, dict):
                subdirs.append((str(sec.get("name", "")), str(sec.get("path", ""))))
    if not subdirs:
        subdirs = [("", "")]
    return TowncrierConfig(str(path), project_dir / directory, types, subdirs)


def parse_name(name: str, types: dict) -> tuple[str | None, str, int] | None:
    """``123.feature.1.md`` → ("123", "feature", 1); None when no known type is in it."""
    base = name
    for ext in EXTENSIONS:
        if base.endswith(ext):
            base = base[: -len(ext)]
            break
    parts = base.split(".")
    counter = 0
    if len(parts) >= 3 and whole_number(parts[-1], 18) is not None and parts[-2] in types:
        counter = int(parts[-1])
        parts = parts[:-1]
    if len(parts) >= 2 and parts[-1] in types:
        issue = ".".join(parts[:-1])
        return (None if issue.startswith("+") else issue), parts[-1], counter
    return None


def _not_fragments(tc: TowncrierConfig, project_dir: Path):
    """Files towncrier itself passes over in the fragments directory: its ``template``
    (attrs keeps it there) and the ``ignore`` patterns."""
    import fnmatch

    template = tc.table.get("template")
    template_path = os.path.normpath(project_dir / template) if isinstance(template, str) else None
    ignore = [p for p in tc.table.get("ignore") or [] if isinstance(p, str)]

    def skip(f: Path) -> bool:
        return (os.path.normpath(f) == template_path) or any(fnmatch.fnmatchcase(f.name, p) for p in ignore)

    return skip


def rst_to_markdown(text: str) -> str:
    """The inline reStructuredText towncrier fragments use, as Markdown."""
    text = re.sub(r"`([^`<]+?)\s*<([^>]+)>`__?", r"[\1](\2)", text)
    text = re.sub(r":[a-z:]+:`~?([^`]+)`", r"`\1`", text)
    text = re.sub(r"``([^`]+)``", r"`\1`", text)
    return text


def plan(cfg: Config, project_dir: Path, mapping: dict[str, str], numbers: str = "issues",
         tc: TowncrierConfig | None = None) -> TcPlan:
    root = cfg.root
    tc = tc or read_config(project_dir, root)
    p = TcPlan(tc)
    fsio.inside(root, tc.directory, what="towncrier fragments directory")
    if not tc.directory.is_dir():
        raise ConfigError(f"{tc.directory}: the towncrier fragments directory does not exist",
                          hint=f"set 'directory' in {tc.source}")
    found: list[TcFragment] = []
    skip = _not_fragments(tc, project_dir)
    for sub_name, sub_path in tc.subdirs:
        d = tc.directory / sub_path if sub_path else tc.directory
        for entry in fsio.list_dir(root, d, what="towncrier fragments directory"):
            f = Path(entry.path)
            if entry.is_symlink():
                fsio.inside(root, f, what="towncrier fragment")
            if not f.is_file() or f.name in (".gitignore", ".gitkeep", "README.rst", "README.md", "template.rst",
                                             "template.md", "template.jinja") or skip(f):
                continue
            shown = os.path.relpath(f, project_dir).replace(os.sep, "/")
            parsed = parse_name(f.name, tc.types)
            if parsed is None:
                p.problems.append(f"{shown}: unknown fragment type (known: {', '.join(tc.types)}); "
                                  "towncrier would silently drop it")
                continue
            try:
                raw = fsio.read_bytes(root, f, what="towncrier fragment", limit=MAX_FRAGMENT_BYTES).decode("utf-8")
            except UnicodeDecodeError:
                p.problems.append(f"{shown}: not UTF-8")
                continue
            except ContentError as e:
                p.problems.append(e.message)
                continue
            content = raw.strip()
            if f.name.endswith(".rst") or not f.name.endswith((".md", ".markdown")):
                content = rst_to_markdown(content)
            found.append(TcFragment(shown, parsed[0], parsed[1], parsed[2], content, sub_name))
    p.sources = len(found)
    # towncrier renders fragments of one type with the same text as one entry with all their issues
    groups: dict[tuple[str, str, str], list[TcFragment]] = {}
    for frag in found:
        groups.setdefault((frag.subsection, frag.type, frag.content), []).append(frag)
    used_sections = []
    for (sub, typ, content), frags in groups.items():
        display, showcontent = tc.types[typ]
        section = mapping.get(typ) or cfg.section_name(display) or cfg.section_name(typ)
        if section is None or (canonical := cfg.section_name(section)) is None:
            p.problems.append(f"{frags[0].path}: no relnotes section for towncrier type '{typ}' ({display}); "
                              f"map it with --map {typ}=SECTION (sections: {', '.join(cfg.sections)})")
            continue
        section = canonical
        if section not in used_sections:
            used_sections.append(section)
        nums = sorted({n for f in frags if f.issue and (n := whole_number(f.issue)) is not None})
        others = sorted({f.issue for f in frags if f.issue and whole_number(f.issue) is None})
        body = content
        if not body:
            body = f"{display}."
            p.notes.append(f"{frags[0].path}: empty fragment ({display}, showcontent={showcontent}); "
                           f"imported with the text '{body}'")
        if sub:
            body = f"{sub}: {body}"
        if others:
            body += "\n\n(" + ", ".join(others) + ")"
        first = frags[0]
        stem = new.slug(f"{first.issue or 'orphan'} {typ} {content}", 8) or "towncrier"
        name = f"towncrier-{stem}.md"
        n = 2
        while any(name == existing for existing, _ in p.fragments) or (cfg.fragments_path / name).exists():
            name = f"towncrier-{stem}-{n}.md"
            n += 1
        text = (fragment_text(section, body, prs=nums) if numbers == "prs"
                else fragment_text(section, body, issues=nums))
        _, problems = parse_text(text, f"{cfg.fragments_dir}/{name}", cfg.sections, fields=cfg.fields)
        if problems:
            p.problems.extend(f"{first.path}: {pr.message}" for pr in problems)
            continue
        p.fragments.append((name, text))
    p.sections = used_sections
    return p


def write(cfg: Config, p: TcPlan) -> list[str]:
    if p.problems:
        raise ValidationError([], "the towncrier fragments have problems; nothing was written:\n  "
                              + "\n  ".join(p.problems))
    taken = [n for n, _ in p.fragments if (cfg.fragments_path / n).exists()]
    if taken:
        raise UsageError(f"{cfg.fragments_dir}/{taken[0]} already exists")
    fsio.make_dir(cfg.root, cfg.fragments_path, what="fragments directory")
    out = []
    for name, text in p.fragments:
        fsio.write_text(cfg.root, cfg.fragments_path / name, text)
        out.append(f"{cfg.fragments_dir}/{name}")
    return out
