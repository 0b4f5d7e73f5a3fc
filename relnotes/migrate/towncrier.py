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
from dataclasses import dataclass, field
from pathlib import Path

from relnotes import fsio
from relnotes.config import pyproject
from relnotes.config.load import Config
from relnotes.errors import ConfigError, ContentError, UsageError, ValidationError
from relnotes.flows import new, steps
from relnotes.flows.new import fragment_text
from relnotes.fragments.fragment import MAX_FRAGMENT_BYTES, parse_text
from relnotes.migrate import towncrier_order, towncrier_rst, towncrier_types
from relnotes.version import Version, whole_number

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
    authors: tuple[str, ...] = ()


@dataclass
class TcPlan:
    config: TowncrierConfig
    fragments: list[tuple[str, str]] = field(default_factory=list)  # (file name, text)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)
    sources: int = 0
    listed: int = 0  # entries of a showcontent = false type: their references only
    named: int = 0  # entries with names that are no issue numbers (shown after the text, as towncrier does)
    authors: int = 0  # handles taken from :user: roles into authors:


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
        except UnicodeDecodeError as e:
            raise ConfigError(f"{path}: invalid TOML: {e}") from None
        data = pyproject.parse(text, path)  # located errors; bounded nesting and dotted keys
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


def parse_name(name: str, types: dict, orphan_prefix: str = "+") -> tuple[str | None, str, int] | None:
    """``123.feature.1.md`` → ("123", "feature", 1), as towncrier reads a name
    (``_builder.parse_newfragment_basename``): the last part that is a known type is the
    type, what comes before it the issue (a number without its leading zeros), the part
    after it the counter when it is a number; an orphan (``+…``) has no issue.  None when
    no known type is in it."""
    parts = name.split(".")
    for i in reversed(range(1, len(parts))):
        if parts[i] in types:
            issue = ".".join(parts[:i]).strip()
            if issue.isascii() and issue.isdigit():  # '²' is a digit to isdigit(), not to int()
                issue = issue.lstrip("0") or "0"  # towncrier's int(): no leading zeros
            after = parts[i + 1] if len(parts) > i + 1 else ""
            counter = int(after) if after.isascii() and after.isdigit() and len(after) <= 18 else 0
            orphan = bool(orphan_prefix) and issue.startswith(orphan_prefix)
            return (None if orphan or not issue else issue), parts[i], counter
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
    links = towncrier_rst.Links(issue=link_pattern(cfg, "issue"), pr=link_pattern(cfg, "pr"))
    skip = _not_fragments(tc, project_dir)
    orphan = tc.table.get("orphan_prefix", "+") if isinstance(tc.table.get("orphan_prefix", "+"), str) else "+"
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
            parsed = parse_name(f.name, tc.types, orphan)
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
            content, authors = raw.strip(), tuple[str, ...]()
            if f.name.endswith(".rst") or not f.name.endswith((".md", ".markdown")):
                content, authors = towncrier_rst.convert(content, links)
            found.append(TcFragment(shown, parsed[0], parsed[1], parsed[2], content, sub_name, authors))
    p.sources = len(found)
    by_reference = towncrier_order.template_sorts_by_reference(_template_text(tc, project_dir, root))
    issue_format = tc.table.get("issue_format") if isinstance(tc.table.get("issue_format"), str) else None
    # towncrier renders fragments of one type with the same text as one entry with all their
    # issues; a type with showcontent = false shows only the issues of the fragments that have one
    groups: dict[tuple[str, str], dict[str, list[TcFragment]]] = {}
    for frag in found:
        text = "" if frag.issue and not tc.types[frag.type][1] else frag.content
        groups.setdefault((frag.subsection, frag.type), {}).setdefault(text, []).append(frag)
    order_keys = {key: i for i, key in enumerate((s, t) for s, _ in tc.subdirs for t in tc.types)}
    used_sections: list[str] = []
    position = 0
    for (sub, typ) in sorted(groups, key=lambda k: order_keys.get(k, len(order_keys))):
        entries = list(groups[sub, typ].items())
        ranked = towncrier_order.order([(text, [f.issue for f in frags if f.issue]) for text, frags in entries],
                                       issue_format=issue_format, by_reference=by_reference)
        for index in ranked:
            content, frags = entries[index]
            position += 1
            _plan_entry(cfg, p, tc, mapping, (numbers, issue_format), links, used_sections, sub, typ, content,
                        frags, position)
    p.sections = used_sections
    return p


def _plan_entry(cfg: Config, p: TcPlan, tc: TowncrierConfig, mapping: dict[str, str], how: tuple[str, str | None],
                links: towncrier_rst.Links, used_sections: list[str], sub: str, typ: str, content: str,
                frags: list[TcFragment], position: int) -> None:
    """One towncrier entry (fragments of a type with the same text) as one relnotes fragment;
    ``how``: what numbers become (``issues`` or ``prs``) and towncrier's ``issue_format``."""
    numbers, issue_format = how
    display, showcontent = tc.types[typ]
    section = mapping.get(typ) or cfg.section_name(display) or cfg.section_name(typ)
    if section is None or (canonical := cfg.section_name(section)) is None:
        p.problems.append(f"{frags[0].path}: no relnotes section for towncrier type '{typ}' ({display}); "
                          f"map it with --map {typ}=SECTION (sections: {', '.join(cfg.sections)})")
        return
    section = canonical
    if section not in used_sections:
        used_sections.append(section)
    nums = sorted({n for f in frags if f.issue and (n := whole_number(f.issue)) is not None})
    others = sorted({f.issue for f in frags if f.issue and whole_number(f.issue) is None},
                    key=towncrier_order.issue_key)
    authors = tuple(dict.fromkeys(a for f in frags for a in f.authors))
    body = content
    if not body:
        if not nums and not others:
            p.notes.append(f"{frags[0].path}: an empty orphan fragment; towncrier shows an empty bullet, "
                           "relnotes has no entry for it")
            return
        # towncrier lists only the references: relnotes writes them as the entry's text
        body = ", ".join([_reference(links, numbers, n) for n in nums] + others)
        if not showcontent:
            p.listed += 1
        nums = []
    elif others:  # names that are no issue numbers: towncrier shows them after the text, as written
        p.named += 1
        body += " (" + ", ".join(_shown_name(issue_format, name) for name in others) + ")"
    if sub:
        body = f"{sub}: {body}"
    first = frags[0]
    stem = new.slug(f"{first.issue or 'orphan'} {typ} {content}", 8) or "towncrier"
    name = f"towncrier-{stem}.md"
    n = 2
    while any(name == existing for existing, _ in p.fragments) or (cfg.fragments_path / name).exists():
        name = f"towncrier-{stem}-{n}.md"
        n += 1
    text = fragment_text(section, body, order=position, authors=authors, prs=nums if numbers == "prs" else (),
                         issues=nums if numbers != "prs" else ())
    _, problems = parse_text(text, f"{cfg.fragments_dir}/{name}", cfg.sections, fields=cfg.fields)
    if problems:
        p.problems.extend(f"{first.path}: {pr.message}" for pr in problems)
        return
    p.authors += len(authors)
    p.fragments.append((name, text))


def _shown_name(issue_format: str | None, name: str) -> str:
    """A name that is no issue number as towncrier shows it (through ``issue_format``), less
    the link it would make of it (``#docs`` → …/issues/docs leads nowhere)."""
    shown = towncrier_rst.convert(towncrier_order.render_issue(issue_format, name)).text
    shown = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", shown)
    return shown if 0 < len(shown) <= 200 else name


def _reference(links: towncrier_rst.Links, numbers: str, number: int) -> str:
    pattern = links.pr if numbers == "prs" else links.issue
    return f"[#{number}]({pattern.replace('{number}', str(number))})" if pattern else f"#{number}"


def link_pattern(cfg: Config, kind: str) -> str | None:
    """The configured issue or PR link with the repository filled in; None when it needs a
    repository the configuration does not name."""
    pattern = getattr(cfg.links, kind)
    if "{repository}" in pattern:
        if not cfg.repository:
            return None
        pattern = pattern.replace("{repository}", cfg.repository.rstrip("/"))
    return pattern


def _template_text(tc: TowncrierConfig, project_dir: Path, root: Path) -> str | None:
    """The project's towncrier template, when it is a readable file (for its entry order)."""
    template = tc.table.get("template")
    if not isinstance(template, str) or ":" in template:
        return None
    path = project_dir / template
    try:
        fsio.inside(root, path, what="towncrier template")
        return fsio.read_bytes(root, path, what="towncrier template", limit=MAX_CONFIG_BYTES).decode("utf-8")
    except (ContentError, UsageError, ConfigError, OSError, UnicodeDecodeError):
        return None


def write(cfg: Config, p: TcPlan, files: dict[str, str] | None = None) -> list[str]:
    """Write the planned fragments and ``files`` ({path from the root: text}: the
    configuration, a new notes file) in one all-or-nothing step; the fragments written."""
    if p.problems:
        raise ValidationError([], "the towncrier fragments have problems; nothing was written:\n  "
                              + "\n  ".join(p.problems))
    taken = [n for n, _ in p.fragments if (cfg.fragments_path / n).exists()]
    if taken:
        raise UsageError(f"{cfg.fragments_dir}/{taken[0]} already exists")
    out = [f"{cfg.fragments_dir}/{name}" for name, _ in p.fragments]
    changes: dict[str, tuple[str | None, str]] = {path: (None, text) for path, (_, text) in zip(out, p.fragments)}
    for path, text in (files or {}).items():
        target = cfg.root / path
        before = fsio.read_text(cfg.root, target, what=path) if target.exists() else None
        changes[path] = (before, text)
    notes = changes.get(cfg.notes_file)
    steps.apply(cfg, changes, command="import towncrier", intended=notes[1] if notes else None)
    return out


def upcoming(current: str | None, sections: list[str], bump: dict) -> str:
    """The version the imported entries are released as: ``current`` bumped by the highest
    level of the sections they go to (below 1.0.0 one level less, as ``relnotes next``);
    the release itself after a pre-release; 0.1.0 without a current version."""
    v = Version.try_parse(current or "")
    if v is None:  # PEP 440 spellings (1.3.0rc1, 26.2): their release part
        m = re.match(r"v?(\d{1,9})\.(\d{1,9})(?:\.(\d{1,9}))?(\D.*)?$", current or "")
        if m is None:
            return "0.1.0"
        v = Version(int(m[1]), int(m[2]), int(m[3] or 0), ("pre",) if m[4] else ())
    if v.pre:  # a pre-release of the release to come
        return str(v.release)
    level = 2 if set(sections) & set(bump.get("major", [])) else 1 if set(sections) & set(bump.get("minor", [])) else 0
    if v.major == 0:
        level = max(level - 1, 0)
    if level == 2:
        return str(Version(v.major + 1, 0, 0))
    if level == 1:
        return str(Version(v.major, v.minor + 1, 0))
    return str(v.next_patch())
