"""``relnotes site DIR``: a static, self-contained HTML site of every release.

The site must open from the file system (no server, no build step) and make no
request of its own, so everything a page needs is in it: the stylesheet, the
support timeline (``policy.support_svg``; only with a release calendar: a project without
one gets neither the timeline nor support columns, rather than empty ones), one small script (``site/site.js``,
allowed by its hash in each page's Content-Security-Policy, which also forbids every
fetch, image, font and frame: an entry's link to an image elsewhere cannot load it),
and for the search page the index of entries as inline JSON.

Entries are strangers' text: they become HTML only through
:func:`relnotes.markdown.safehtml.markdown_to_html`, the one place that knows which markup
and which link targets are safe.  Pages come from Jinja templates
(``templates/site/*.j2``) that a project overrides by putting files of the same
name in ``TEMPLATES_DIR/site/``; they run sandboxed, with HTML autoescaping.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from relnotes import fsio
from relnotes.config.load import Config
from relnotes.errors import StateError
from relnotes.flows.show import release_to_show
from relnotes.markdown.safehtml import is_safe_url, markdown_to_html
from relnotes.patterns import lazy
from relnotes.policy import calendar as policy
from relnotes.policy import schemes
from relnotes.questions.stitch import Section, Stitched, one_file, stitch
from relnotes.questions.upgrade import Entry, Guide, guide, section_entries
from relnotes.render.environment import builtin_template_dir
from relnotes.version import Version

MARKER = ".relnotes-site"  # lists the files the last build wrote, so a rebuild may replace them
_SLUG = lazy(r"[^a-z0-9]+")
_LINK_TARGET = lazy(r"\]\([^)\s]*\)")
_MARKUP = lazy(r"[*`\[\]]")


@dataclass
class Built:
    directory: Path
    pages: int
    entries: int
    upgrade_pages: int


def _dirs(cfg: Config) -> tuple[Path | None, Path]:
    """The project's ``site/`` overrides (None when there are none) and the built-in pages."""
    override = cfg.templates_path / "site"
    return (override if override.is_dir() else None), builtin_template_dir() / "site"


def _env(cfg: Config) -> Any:
    """The confined, sandboxed, budgeted, autoescaping environment (``relnotes.render.sandbox``):
    the project's ``site/`` overrides, then ours."""
    from relnotes.render import sandbox  # Jinja (~60 ms) loads with it: only the site pays

    env: Any = sandbox.make_environment(*_dirs(cfg), cfg.root, html=True)  # it carries the Config too
    env.relnotes_cfg = cfg  # for _render's messages
    return env


def _render(env: Any, name: str, **context: Any) -> str:
    cfg = env.relnotes_cfg
    override, builtin = _dirs(cfg)
    from relnotes.render import sandbox  # Jinja (~60 ms) loads with it: only the site pays

    return sandbox.render_named(env, name, context, shown_name=f"site/{name}", root=cfg.root,
                                dirs=(override or cfg.templates_path / "site", builtin))


def slug(text: str) -> str:
    return _SLUG.sub("-", text.casefold()).strip("-") or "notes"


def entry_html(text: str, definitions: str = "") -> Any:
    """One entry's HTML: the bullet marker and its two-space indent removed, then safe
    Markdown, with the release's link definitions it uses (which render as nothing)."""
    from markupsafe import Markup

    lines = text.split("\n")
    if lines and lines[0][:2] in ("* ", "- "):
        lines = [lines[0][2:]] + [ln[2:] if ln.startswith("  ") else ln for ln in lines[1:]]
    return Markup(markdown_to_html("\n".join(lines) + ("\n\n" + definitions if definitions else "")))


def plain(text: str) -> str:
    """Searchable text of an entry: link targets and Markdown punctuation dropped."""
    return " ".join(_MARKUP.sub("", _LINK_TARGET.sub("]", text)).split())


def _json_for_html(data: Any) -> Any:
    """JSON that can sit inside ``<script type="application/json">`` (no ``</script>``)."""
    from markupsafe import Markup

    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return Markup(text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e"))


def _script(env: Any) -> tuple[Any, str]:
    """The site's script and its CSP hash (computed from the exact text put in the page)."""
    from markupsafe import Markup

    source = env.loader.get_source(env, "site.js")[0]
    digest = base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode()
    return Markup(source), f"'sha256-{digest}'"


def line_rows(cfg: Config, history: Stitched, on: date) -> list[dict]:
    """One row per release line (``X.Y.0`` and its patches), newest first, with its policy."""
    lines: dict[tuple[int, int], list[tuple[Version, Section]]] = {}
    for s in history.sections:
        if s.version is not None and not s.version.pre:
            lines.setdefault((s.version.major, s.version.minor), []).append((s.version, s))
    rows = []
    for (major, minor), found in sorted(lines.items(), reverse=True):
        secs = [s for _, s in sorted(found, key=lambda vs: vs[0])]
        first, latest = secs[0], secs[-1]
        lts = eos = None
        if major >= 1 and minor == 0 and policy.has_calendar(cfg):  # no policy: no support windows
            lts, eos = policy.is_lts(cfg, major), policy.end_of_support(cfg, major)
        if first.status == "unreleased":
            status = "unreleased"
        elif eos is not None:
            status = "supported" if on <= eos else "end of support"
        else:
            status = "released"
        rows.append({"line": f"{major}.{minor}.x", "first": str(first.version), "latest": str(latest.version),
                     "versions": [str(s.version) for s in reversed(secs)], "lts": lts,
                     "released": first.date if first.status == "released" else None,
                     "end_of_support": eos.isoformat() if eos else None, "status": status})
    return rows


def _release_context(cfg: Config, history: Stitched, section: Section) -> tuple[list[dict], list[Entry]]:
    entries = section_entries(cfg, history, section)
    groups: list[dict] = []
    counts: dict[str, int] = {}
    for e in entries:
        if not groups or groups[-1]["title"] != e.category:
            groups.append({"title": e.category, "entries": []})
        key = slug(e.category)
        counts[key] = counts.get(key, 0) + 1
        groups[-1]["entries"].append({"id": f"{key}-{counts[key]}", "html": entry_html(e.text, e.definitions),
                                      "category": e.category, "plain": plain(e.text)})
    return groups, entries


def _guide_context(g: Guide) -> dict:
    groups = []
    for gid, title, entries in g.grouped():
        items = [{"id": f"{gid}-{i}", "html": entry_html(e.text, e.definitions), "release": e.release, "category": e.category,
                  "date": e.date, "pending": e.pending}
                 for i, e in enumerate(sorted(entries, key=lambda e: Version.parse(e.release)), 1)]
        if items:
            groups.append({"id": gid, "title": title, "entries": items})
    return {"start": str(g.start), "target": str(g.target), "path": [str(s.version) for s in g.path],
            "skipped": [str(s.version) for s in g.skipped], "groups": groups, "latest": g.latest,
            "line": f"{g.target.major}.{g.target.minor}.x"}


def _base(cfg: Config, env: Any, on: date, root: str, standalone: bool = False) -> dict:
    script, script_hash = _script(env)
    return {"project": cfg.project, "repository": cfg.repository, "generated": on.isoformat(),
            "repository_url": cfg.repository if is_safe_url(cfg.repository) else None,
            "root": root, "script": script, "script_hash": script_hash, "standalone": standalone}


def upgrade_page(cfg: Config, g: Guide, on: date | None = None) -> str:
    """A standalone HTML page for one guide (``upgrade --format html``)."""
    env = _env(cfg)
    return _render(env, "upgrade.html.j2", **_base(cfg, env, on or date.today(), "", standalone=True),
                   guide=_guide_context(g))


def release_page(cfg: Config, version: str | None = None, on: date | None = None) -> str:
    """A standalone HTML page for one release of the working tree's notes file
    (``show --format page``): the site's release page, without links to other pages."""
    doc = schemes.read_notes(cfg)  # in the configured notes_format, as every other command reads it
    rel = release_to_show(doc, version)
    history = one_file(doc)
    section = next(s for s in history.sections if s.start == rel.start)
    when = on or date.today()
    groups, _ = _release_context(cfg, history, section)
    shown = section.as_dict()
    shown["version"] = shown["version"] or section.title
    env = _env(cfg)
    return _render(env, "release.html.j2", **_base(cfg, env, when, "", standalone=True), section=shown,
                   groups=groups, newer=None, older=None,
                   line=next((r for r in line_rows(cfg, history, when) if shown["version"] in r["versions"]), None))


def _prepare(directory: Path) -> list[str]:
    """Refuse to write into a non-empty directory that is not a previous site; the old file list."""
    if directory.exists() and not directory.is_dir():
        raise StateError(f"{directory} exists and is not a directory", hint="pass a directory for the site")
    if not directory.exists():
        directory.mkdir(parents=True)
        return []
    marker = directory / MARKER
    if marker.is_file():
        listed = fsio.read_bytes(directory, marker, what="site file list").decode("utf-8", "replace")
        return [p for p in listed.splitlines() if p and ".." not in p.split("/")]
    if fsio.list_dir(directory, directory, what="site directory"):
        raise StateError(f"{directory} is not empty and holds no relnotes site ({MARKER} is missing)",
                         hint="choose an empty or new directory; relnotes never overwrites other files")
    return []


def build(cfg: Config, directory: Path, *, on: date, history: Stitched | None = None) -> Built:
    """Write the whole site into ``directory``."""
    if history is None:
        history = stitch(cfg)
    # DIR is the user's own output path, typed on the command line: like any Unix tool's
    # output it may be anywhere they can write (the repository's confinement is for paths
    # its content names); what is written below it stays below it (fsio, DIR as the root)
    directory = Path(directory).resolve()
    old = _prepare(directory)
    env = _env(cfg)
    files: dict[str, str] = {}
    rows = line_rows(cfg, history, on)
    supported = [r for r in rows if r["status"] == "supported"]
    pairs = [(a, b) for b in supported for a in supported if Version.parse(a["first"]) < Version.parse(b["first"])]
    upgrades = [{"from": a["latest"], "to": b["latest"], "from_line": a["line"], "to_line": b["line"],
                 "href": f"upgrade/{a['latest']}-{b['latest']}.html"} for a, b in pairs
                if Version.parse(a["latest"]) < Version.parse(b["latest"])]
    search: list[list[str]] = []
    versions = [s for s in history.sections if s.version is not None]
    total = 0
    for i, s in enumerate(versions):
        groups, entries = _release_context(cfg, history, s)
        total += len(entries)
        name = f"releases/{s.version}.html"
        search += [[str(s.version), item["category"], item["plain"], f"{name}#{item['id']}"]
                   for grp in groups for item in grp["entries"]]
        files[name] = _render(env, "release.html.j2", **_base(cfg, env, on, "../"), section=s.as_dict(),
                              groups=groups, newer=str(versions[i - 1].version) if i else None,
                              older=str(versions[i + 1].version) if i + 1 < len(versions) else None,
                              line=next((r for r in rows if str(s.version) in r["versions"]), None))
    for u in upgrades:
        g = guide(cfg, history, u["from"], u["to"], pending=False)
        files[u["href"]] = _render(env, "upgrade.html.j2", **_base(cfg, env, on, "../"),
                                   guide=_guide_context(g))
    from markupsafe import Markup

    files["index.html"] = _render(env, "index.html.j2", **_base(cfg, env, on, ""), rows=rows,
                                  timeline=Markup(policy.support_svg(cfg, on)) if policy.has_calendar(cfg) else None,
                                  upgrades=upgrades,
                                  supported=supported, unreleased=[s.as_dict() for s in history.sections
                                                                   if s.version is None])
    files["search.html"] = _render(env, "search.html.j2", **_base(cfg, env, on, ""),
                                   index=_json_for_html(search))
    files["search-index.json"] = json.dumps(
        [dict(zip(("version", "category", "text", "url"), row)) for row in search], ensure_ascii=False)
    # every file written or removed stays inside DIR (fsio's rule, with DIR as the root):
    # a hostile file list or symlink in a previous site cannot reach anything else
    stale = [directory / rel for rel in sorted(set(old) - set(files))]
    for rel, text in files.items():
        fsio.write_text(directory, directory / rel, text)
    fsio.remove_all(directory, stale)
    fsio.write_text(directory, directory / MARKER, "\n".join(sorted(files)) + "\n")
    return Built(directory, len(files), total, len(upgrades))
