"""The relnotes configuration a towncrier project gets (``relnotes import towncrier``).

A migration must not leave a project quietly worse off: its name, its repository (every
link points there), its changelog file, its version and its section order all have a
home in relnotes, so each is carried over from where towncrier or the package keeps it
and the summary says where each value came from.  What has no equivalent (towncrier's
Jinja template, title and underline formats, its start marker, …) is listed as "not
carried over", each with the reason, so nothing is dropped without a word.

:func:`propose` decides; :func:`yaml_text` and :func:`pyproject_text` write the result,
the latter into an existing ``pyproject.toml`` without changing any other byte of it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, NamedTuple

from relnotes import fsio
from relnotes.config import pyproject as config_toml
from relnotes.config import toml_writer
from relnotes.config.rules import SCHEMA, coerce, link_problem
from relnotes.errors import ConfigError, ContentError, UsageError
from relnotes.migrate import towncrier_meaning, towncrier_notes
from relnotes.migrate.towncrier import TowncrierConfig
from relnotes.patterns import lazy
from relnotes.version import Version

MAX_SOURCE_BYTES = 1024 * 1024  # a package's __init__.py or a changelog read for its version
# towncrier settings relnotes has no place for, and why (each one found is listed in the summary)
NOT_CARRIED: dict[str, str] = {
    "template": "relnotes renders with its own templates ('relnotes templates' lists them; "
                "put an override in templates_dir)",
    "title_format": "release headings come from relnotes' notes template (override it in templates_dir)",
    "start_string": "relnotes finds release sections by their headings and needs no start marker",
    "underlines": "relnotes writes Markdown headings, which have no underlines",
    "orphan_prefix": "orphan fragments were imported without numbers; relnotes fragments need no prefix",
    "issue_format": "it is not a link relnotes can write (links.issue / links.pr are URL patterns)",
    "wrap": "relnotes keeps each entry's text as written",
    "all_bullets": "relnotes writes every entry as a bullet",
    "single_file": "relnotes keeps every release in one notes file",
    "create_eof_newline": "relnotes writes fragments itself ('relnotes new')",
    "create_add_extension": "relnotes writes fragments itself ('relnotes new')",
    "issue_pattern": "fragment numbers are checked by relnotes' own rules",
    "version": "relnotes reads the version from version_files or the notes file",
    "build_system": "relnotes' Markdown output needs no build system",
}
_USED = {"directory", "filename", "name", "package", "package_dir", "type", "fragment", "section", "ignore"}


class Migration(NamedTuple):
    values: dict[str, Any]  # the proposed configuration, in the order it is written
    derived: list[str]  # "key: value (from …)" for the summary
    not_carried: list[str]  # "name = value: not carried over, because …"
    version: str | None
    type_sections: dict[str, str]  # towncrier type → the relnotes section its fragments go to


def propose(root: Path, project_dir: Path, tc: TowncrierConfig, *, fragments_dir: str,
            mapping: dict[str, str], numbers: str = "issues", repository: str | None = None,
            remote: str | None = None, bumps: dict[str, str] | None = None) -> Migration:
    """The configuration for a towncrier project, and the summary of how it was made.

    ``mapping`` overrides where a type goes (``--map``); every other type becomes a section
    named as towncrier displays it, in towncrier's order.  ``repository`` is a checked
    ``--repository``; otherwise ``remote`` (the web address of the ``origin`` remote,
    :func:`relnotes.flows.scaffold.repository_from_remote`) is used.
    """
    table, doc = tc.table, tc.document
    source = Path(tc.source).name
    derived: list[str] = []
    not_carried: list[str] = []
    values: dict[str, Any] = {}

    project, where = _project_name(table, doc, project_dir)
    values["project"] = project
    derived.append(f"project: {project} ({where})")

    urls = towncrier_meaning.project_url(doc)
    if repository is None and remote:
        repository = remote
        derived.append(f"repository: {repository} (from the git remote 'origin')")
    elif repository is not None:
        derived.append(f"repository: {repository} (from --repository)")
    elif urls is not None:
        repository = urls[1]
        derived.append(f"repository: {repository} (from [project.urls] {urls[0]})")
    if repository is not None:
        values["repository"] = repository
    else:
        derived.append("repository: left out (no 'origin' remote with a web address); set it, or pass --repository URL")

    filename = table.get("filename", "NEWS.rst")
    chosen = towncrier_notes.choose(root, _root_relative(root, project_dir, str(filename)), str(filename), table,
                                    project)
    values.update(chosen.values)
    derived += chosen.derived
    not_carried += chosen.not_carried
    values["fragments_dir"] = fragments_dir

    type_sections: dict[str, str] = {}
    sections: list[str] = []
    for key, (display, _show) in tc.types.items():
        section = mapping.get(key) or towncrier_meaning.section_name(display)
        if section != display and key not in mapping:
            derived.append(f"section {section!r}: towncrier's {display!r} (a section name has no brackets)")
        known = next((s for s in sections if s.casefold() == section.casefold()), None)
        if known is None:
            sections.append(section)
            known = section
        type_sections[key] = known
    values["sections"] = sections
    values["template_sections"] = []  # towncrier shows only the types that have entries
    derived.append(f"sections: {', '.join(sections)} (the towncrier types, in their order)")
    values["bump"] = towncrier_meaning.bump_levels(tc, type_sections, bumps or {})
    derived.append("bump: " + "; ".join(f"{level}: {', '.join(values['bump'][level])}" for level in ("major", "minor")
                                       if values["bump"][level]) + "; patch: the others (from the towncrier types; "
                   "--bump TYPE=LEVEL changes one)")

    version, vsource, vfile = current_version(root, project_dir, tc)
    if version is not None:
        derived.append(f"current version: {version} ({vsource})")
        if vfile is not None:
            values["version_files"] = [vfile]
            derived.append(f"version_files: {vfile['path']} ({vfile['pattern']}), where relnotes reads and "
                           "bumps the version")
    else:
        derived.append("current version: not found (no [project] version, __version__ or version heading)")

    link = _issue_link(table.get("issue_format"), repository)
    if link is not None:
        kind = "pr" if numbers == "prs" else "issue"
        if link != SCHEMA["links"][kind][1]:
            values["links"] = {kind: link}
        derived.append(f"links.{kind}: {link} (from issue_format)")
    for key, value in table.items():
        if key in _USED or (key == "issue_format" and link is not None):
            continue
        if key in chosen.followed:
            derived.append(f"{key} = {_short(value)}: followed, because {chosen.followed[key]}")
            continue
        reason = chosen.reasons.get(key) or NOT_CARRIED.get(key, "relnotes has no equivalent setting")
        not_carried.append(f"{key} = {_short(value)}: not carried over, because {reason}")
    for key, (display, show) in tc.types.items():
        if not show:
            derived.append(f"showcontent = false ({key}: {display}): its entries list their references only, "
                           "as towncrier shows them")
    if tc.subdirs != [("", "")] and any(name for name, _ in tc.subdirs):
        not_carried.append(f"[[tool.towncrier.section]] in {source}: not carried over, because relnotes has one "
                           "fragments directory (each entry starts with its towncrier section's name)")
    return Migration(values, derived, not_carried, version, type_sections)


def with_credit_in_text(m: Migration) -> Migration:
    """``m`` for fragments whose text credits their authors (``-- by :user:`x```, kept as a
    link): their handles go to ``authors:``, and no credit line repeats them."""
    values = dict(m.values, credit={"style": "none"})
    derived = [*m.derived, "credit.style: none (the fragments credit their authors in their text with :user:; "
                           "the handles are kept in authors:)"]
    return m._replace(values=values, derived=derived)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _project_name(table: dict, doc: dict, project_dir: Path) -> tuple[str, str]:
    for key in ("name", "package"):
        value = table.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip(), f"from [tool.towncrier] {key}"
    project = doc.get("project")
    if isinstance(project, dict) and isinstance(project.get("name"), str) and project["name"].strip():
        return project["name"].strip(), "from [project] name"
    return project_dir.name, "from the directory name: towncrier names no project"


def _root_relative(root: Path, project_dir: Path, name: str) -> str | None:
    """``name`` (relative to the towncrier configuration) relative to the repository root,
    if it is a valid relnotes path there."""
    rel = os.path.relpath(os.path.normpath(project_dir / name), root).replace(os.sep, "/")
    try:
        return coerce("path", rel, "notes_file", str(project_dir / name))
    except ConfigError:
        return None


_URL_IN = lazy(r"https?://[^\s<>()`'\"\]\[]*\{issue\}[^\s<>()`'\"\]\[]*")


def _issue_link(issue_format: Any, repository: str | None) -> str | None:
    """The URL pattern inside towncrier's ``issue_format`` as a relnotes link pattern, or None."""
    if not isinstance(issue_format, str):
        return None
    m = _URL_IN.search(issue_format)
    if not m:
        return None
    link = m.group().replace("{issue}", "{number}")
    if repository and link.startswith(repository.rstrip("/") + "/"):
        link = "{repository}" + link[len(repository.rstrip("/")):]
    return None if link_problem(link, "links.issue") else link


# -- the current version -------------------------------------------------------------------

_DUNDER = lazy(r"""^(?P<text>__version__[ \t]*(?::[ \t]*str[ \t]*)?=[ \t]*(?P<q>["'])(?P<v>[^"'\n]{1,64})(?P=q))""",
                     re.MULTILINE)
_VERSION_WORD = lazy(r"(?<![\w.])v?(\d{1,9}\.\d{1,9}(?:\.\d{1,9})?(?:[-.]?(?:a|b|rc|dev|post|alpha|beta)\.?\d*)*)(?![\w])")
_RST_UNDERLINE = lazy(r"^([=\-~^\"'`#*+<>:._])\1{2,}[ \t]*$")


def current_version(root: Path, project_dir: Path, tc: TowncrierConfig) -> tuple[str | None, str, dict | None]:
    """(version, where it was found, a version_files entry when relnotes can keep it there).

    In towncrier's order of trust: the package metadata (``[project] version``, then
    ``__version__`` in the package), towncrier's own ``version``, and last the newest
    release heading of the changelog.
    """
    doc, table = tc.document, tc.table
    pyproject = Path(tc.source) if Path(tc.source).name == "pyproject.toml" else project_dir / "pyproject.toml"
    pdoc = doc if pyproject == Path(tc.source) else _toml_or_empty(root, pyproject)
    project = found if isinstance(found := pdoc.get("project"), dict) else {}
    version = project.get("version")
    if isinstance(version, str) and "version" not in (project.get("dynamic") or []):
        return version, "from pyproject.toml [project] version", _version_file(
            root, pyproject, r"^(?P<text>version[ \t]*=[ \t]*(?P<q>[\"'])(?P<v>[^\"'\n]{1,64})(?P=q))", version)
    package = table.get("package")
    if isinstance(package, str) and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", package):
        base = project_dir / str(table.get("package_dir", ".")) / package.replace(".", "/")
        for candidate in ("__init__.py", "__about__.py", "_version.py", "version.py"):
            path = base / candidate
            text = _read_or_none(root, path)
            m = _DUNDER.search(text or "")
            if m:
                shown = fsio.shown(root.resolve(), path.resolve())
                vfile = _version_file(root, path, _DUNDER.pattern, m["v"])
                return m["v"], f"from __version__ in {shown}", vfile
    if isinstance(table.get("version"), str):
        return table["version"], f"from version in {Path(tc.source).name}", None
    newest = _newest_heading(root, project_dir, table)
    if newest:
        return newest[0], f"from the newest heading of {newest[1]}", None
    return None, "", None


def _version_file(root: Path, path: Path, pattern: str, version: str) -> dict | None:
    """``{path, pattern}`` for version_files when relnotes can read and write the version
    there (an X.Y.Z version, written once on its line)."""
    if Version.try_parse(version) is None:
        return None
    text = _read_or_none(root, path) or ""
    m = re.search(pattern, text, re.MULTILINE)
    if not m or m["v"] != version:
        return None
    line = m["text"]
    if line.count(version) != 1:
        return None
    rel = fsio.shown(root.resolve(), path.resolve())
    return {"path": rel, "pattern": line.replace(version, "{version}")}


def _read_or_none(root: Path, path: Path) -> str | None:
    if not path.is_file():
        return None
    try:
        return fsio.read_bytes(root, path, what="file", limit=MAX_SOURCE_BYTES).decode("utf-8")
    except (ContentError, UnicodeDecodeError):
        return None


def _toml_or_empty(root: Path, path: Path) -> dict:
    text = _read_or_none(root, path)
    try:
        return config_toml.parse(text, path) if text else {}
    except ConfigError:  # invalid, or nested too deeply: no version from it
        return {}


def _newest_heading(root: Path, project_dir: Path, table: dict) -> tuple[str, str] | None:
    """The version in the changelog's first release heading (below towncrier's start marker)."""
    name = str(table.get("filename", "NEWS.rst"))
    path = project_dir / name
    text = _read_or_none(root, path)
    if not text:
        return None
    start = table.get("start_string", ".. towncrier release notes start\n")
    if isinstance(start, str) and start.strip() and start.strip() in text:
        text = text[text.index(start.strip()) + len(start.strip()):]
    lines = text.splitlines()
    for i, line in enumerate(lines):
        heading = line.startswith("#") or (i + 1 < len(lines) and line.strip()
                                            and _RST_UNDERLINE.match(lines[i + 1]))
        if heading:
            m = _VERSION_WORD.search(line)
            if m:
                return m.group(1), fsio.shown(root.resolve(), path.resolve())
    return None


# -- writing the configuration --------------------------------------------------------------


def yaml_text(m: Migration, source: str) -> str:
    """The proposal as relnotes.yaml (JSON-style scalars, which YAML reads as written)."""
    import json

    def dump(v: Any) -> str:
        if isinstance(v, dict):
            return "{" + ", ".join(f"{k}: {dump(x)}" for k, x in v.items()) + "}"
        if isinstance(v, list):
            return "[" + ", ".join(dump(x) for x in v) + "]"
        return json.dumps(v, ensure_ascii=False)

    lines = [f"# proposed by 'relnotes import towncrier' from {source}"]
    lines += [f"{k}: {dump(v)}" for k, v in m.values.items()]
    return "\n".join(lines) + "\n"


def table_text(m: Migration, source: str) -> str:
    """The proposal as a ``[tool.relnotes]`` table."""
    return toml_writer.render_table(m.values, f"proposed by 'relnotes import towncrier' from {source}")


def pyproject_text(existing: str | None, m: Migration, source: str, *, replace: bool) -> str:
    """``existing`` pyproject.toml text with ``[tool.relnotes]`` added at the end (or, with
    ``replace``, in place of the one it has); every other byte is kept, which is checked:
    the result must parse to the same document apart from that table."""
    import tomllib

    table = table_text(m, source)
    before = config_toml.parse(existing, Path("pyproject.toml")) if existing else {}
    if existing and isinstance(before.get("tool"), dict) and "relnotes" in before["tool"]:
        if not replace:
            raise UsageError("pyproject.toml already has [tool.relnotes]; it was kept",
                             hint="pass --force to replace it")
        start, end = table_span(existing)
        if start is None:
            raise UsageError("pyproject.toml sets tool.relnotes outside a [tool.relnotes] table; nothing was written",
                             hint="move those keys under [tool.relnotes], or remove them, and run again")
        text = existing[:start] + table + ("\n" if end < len(existing) else "") + existing[end:]
    elif not existing:
        text = table
    else:
        text = existing + ("" if existing.endswith("\n") else "\n") + "\n" + table
    after = tomllib.loads(text)
    after_tool = dict(after.get("tool", {}))
    after_tool.pop("relnotes", None)
    before_tool = dict(before.get("tool", {})) if isinstance(before.get("tool"), dict) else {}
    before_tool.pop("relnotes", None)
    if {**after, "tool": after_tool} != {**before, "tool": before_tool} and before:  # pragma: no cover - a bug
        raise UsageError("internal: writing [tool.relnotes] would change the rest of pyproject.toml; nothing was written")
    return text


_PROPOSED = "# proposed by 'relnotes import towncrier'"


def table_span(text: str) -> tuple[int | None, int]:
    """Where ``[tool.relnotes]`` and its sub-tables are written: from its header (with the
    comment this module writes above it) to the next other table's header, less the
    comments and blank lines just above that header, which belong to it.  (None, 0) when
    there is no such header, other tables come between, or keys of it are set elsewhere."""
    found, positions = config_toml.headers(text)
    ours = [i for i, (_, path) in enumerate(found) if path[:2] == ("tool", "relnotes")]
    if not ours or ours != list(range(ours[0], ours[-1] + 1)):
        return None, 0
    start = found[ours[0]][0]
    end = found[ours[-1] + 1][0] if ours[-1] + 1 < len(found) else len(text)
    lines_before = text[:start].splitlines(keepends=True)
    if lines_before and lines_before[-1].startswith(_PROPOSED):
        start -= len(lines_before[-1])
    tail = text[start:end].splitlines(keepends=True)
    while end < len(text) and tail and (not tail[-1].strip() or tail[-1].lstrip().startswith("#")):
        end -= len(tail.pop())
    starts = [0] + [mm.end() for mm in re.finditer("\n", text)]
    elsewhere = [p for p, (line, _) in positions.items()
                 if p[:2] == ("tool", "relnotes") and not start <= starts[line - 1] < end]
    return (None, 0) if elsewhere else (start, end)
