"""The Jinja environment: sandboxed, strict, built-in templates overridable per project.

Templates are the *only* place the output format lives.  Built-ins ship in the
package (``relnotes/templates`` in a wheel, top-level ``templates/`` in a source or
editable checkout); a project overrides any of them by putting a file of the same
name in its ``templates_dir``, and may ``{% extends "builtin/NAME" %}`` to reuse one.

Fragment text is passed to templates as data and never compiled, so ``{{ x }}`` in
a fragment body is printed literally.  Templates come from the repository, which in
a PR may be a stranger's: they run in Jinja's sandbox with ``StrictUndefined``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Mapping, Sequence

from relnotes import fsio
from relnotes.fragments.credit import credit_line
from relnotes.markdown.entry import LIST_ITEM, breaking_prefix, builtin_entry, indent_body, split_references

if TYPE_CHECKING:
    from relnotes.config.load import Config
    from relnotes.fragments.fragment import Fragment


TEMPLATES = ("entry.md.j2", "release.md.j2", "notes.md.j2", "draft.md.j2", "summary.md.j2")


def builtin_template_dir() -> Path:
    """Where the shipped templates are, for both wheel and editable installs."""
    import importlib.resources

    packaged = importlib.resources.files("relnotes") / "templates"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / "templates"


class Renderer:
    """Renders fragments, release sections and whole files for one configuration.

    Every built-in template is also implemented in plain Python (``NATIVE``; property
    tests prove both give the same bytes).  A template the project does not override
    is rendered natively, and Jinja — ~60 ms to import, ~10 ms to compile a template,
    ~50 µs per entry in the sandbox — is only loaded for an overridden one.
    """

    def __init__(self, cfg: Config, *, fast: bool = True, templates: Mapping[str, str] | None = None) -> None:
        """``templates``: the overrides as texts by path under ``templates_dir`` (the files
        of a git revision: the PR preview renders with its base's), instead of the files
        on disk; an empty mapping means the built-ins only."""
        self.cfg = cfg
        self._override = cfg.templates_path
        self._overridden: set[str] = set()
        self._texts = templates
        self._fillers: dict[str, Callable[..., str] | None] | None = None  # Config.link_filler per kind (links)
        if templates is not None:
            self._overridden = {n for n in TEMPLATES if n in templates}
        elif self._override.is_dir():
            fsio.inside(cfg.root, self._override, what="templates_dir")  # each file: sandbox.ConfinedLoader
            self._overridden = {n for n in TEMPLATES if (self._override / n).exists()}
        self._env: Any = None
        self._cache: dict[str, Any] = {}
        self.native = {n for n in NATIVE if fast and not (self._overridden & ({n} | NATIVE_USES.get(n, set())))}
        self.fast_entries = "entry.md.j2" in self.native
        # Keep a Changelog writes '- ' bullets (its own file does); RELEASES.md '* '
        self.bullet = "-" if cfg.single_branch else "*"  # rST: towncrier's '- ' too

    @property
    def env(self) -> Any:
        """The confined, sandboxed, budgeted Jinja environment (``relnotes.render.sandbox``),
        created on first use."""
        if self._env is None:
            from relnotes.render import sandbox  # Jinja (~60 ms) loads with it: overrides only

            self._env = sandbox.make_environment(self._override if self._overridden else None,
                                                 builtin_template_dir(), self.cfg.root, texts=self._texts)
            self._env.filters["indent_body"] = indent_body
        return self._env

    def _template(self, name: str) -> Any:
        t = self._cache.get(name)
        if t is None:
            try:
                self.env.start()  # compiling counts against the time budget too
                t = self._cache[name] = self.env.get_template(name)
            except Exception as e:
                raise self._error(e, name, {}) from None
        return t

    def _render(self, name: str, context: dict) -> str:
        template = self._template(name)
        try:
            from relnotes.render import sandbox  # Jinja (~60 ms) loads with it: overrides only

            return sandbox.render(self.env, template, context)
        except Exception as e:  # any failure of a template is a located message, never a traceback
            raise self._error(e, name, context) from None

    def _error(self, e: BaseException, name: str, context: dict) -> Exception:
        from relnotes.render import sandbox  # Jinja (~60 ms) loads with it: overrides only

        return sandbox.template_error(e, name, root=self.cfg.root, context=context,
                                      dirs=(self._override, builtin_template_dir()))

    def render(self, name: str, **context: Any) -> str:
        base = {"project": self.cfg.project, "repository": self.cfg.repository}
        if name in self.native:
            return NATIVE[name]({**base, **context})
        return self._render(name, {**base, **context})

    # -- what the commands need -------------------------------------------------

    def links(self, frag: Fragment) -> list[str]:
        """The link lines of an entry: PRs, then issues, then advisories (plain ``#12`` when
        no repository is configured to link to)."""
        fillers = self._fillers
        if fillers is None:  # once per renderer, not once per reference (Config.link_filler)
            fillers = self._fillers = {kind: self.cfg.link_filler(kind) for kind in ("pr", "issue", "advisory")}
        pr, issue, advisory = fillers["pr"], fillers["issue"], fillers["advisory"]
        out = [f"[#{n}]({pr(number=n)})" if pr else f"#{n}" for n in frag.prs]
        if frag.issues:
            out += [f"[#{n}]({issue(number=n)})" if issue else f"#{n}" for n in frag.issues]
        if frag.advisories:
            out += [f"[{a}]({advisory(id=a)})" if advisory else a for a in frag.advisories]
        return out

    def _fast_context(self, frag: Fragment) -> dict:
        """The values ``entry.md.j2`` derives from the body: text, trailing references,
        link lines, and whether the text ends in a list (then a blank line goes before
        the link lines, or they would join its last item)."""
        text, references = split_references(frag.body) if "]:" in frag.body else (frag.body, [])
        ends_in_list = "\n" in text and bool(LIST_ITEM.match(text.rsplit("\n", 1)[-1]))
        prefix = self.breaking_prefix(frag)
        if prefix:
            full = prefix + text
            ends_in_list = "\n" in full and bool(LIST_ITEM.match(full.rsplit("\n", 1)[-1]))
        return {"text": text, "references": references, "links": self.links(frag), "ends_in_list": ends_in_list,
                "credit": self.credit(frag), "prefix": prefix}

    def credit(self, frag: Fragment) -> str:
        """The entry's credit line (``credit`` in relnotes.yaml), or "" for none."""
        if not frag.authors:
            return ""

        return credit_line(self.cfg, frag.authors)

    def breaking_prefix(self, frag: Fragment) -> str:
        """What goes before a breaking entry's text under ``breaking_changes.style: prefix``
        ('' otherwise): the prefix, on a line of its own when the text starts a block."""
        bc = self.cfg.breaking_changes
        if not frag.breaking or bc.style != "prefix":
            return ""
        return breaking_prefix(bc.prefix, frag.body)

    def entry_context(self, frag: Fragment) -> dict:
        """Everything a (possibly overridden) entry template may use."""
        return {**frag.as_dict(), **self._fast_context(frag)}

    def entries(self, fragments: list[Fragment]) -> list[str]:
        """One rendered bullet block per fragment (no final newline), in input order."""
        if self.fast_entries:
            links, credit, bullet, prefix = self.links, self.credit, self.bullet, self.breaking_prefix
            return [builtin_entry(f.body, links(f), credit(f), bullet, prefix(f) if f.breaking else "")
                    for f in fragments]
        base = {"project": self.cfg.project, "repository": self.cfg.repository, "bullet": self.bullet}
        out = [self._render("entry.md.j2", {**base, "fragment": self.entry_context(f)}).rstrip("\n")
               for f in fragments]
        if self.bullet != "*" and "entry.md.j2" not in self._overridden:  # the built-in's '* ', as native
            out = [self.bullet + e[1:] if e.startswith("* ") else e for e in out]
        return out

    def summaries(self, fragments: list[Fragment]) -> list[str]:
        """One rendered release summary per fragment (no final newline), in input order: the
        body as written (``summary.md.j2``)."""
        if "summary.md.j2" in self.native:
            return [f.body for f in fragments]
        base = {"project": self.cfg.project, "repository": self.cfg.repository}
        return [self._render("summary.md.j2", {**base, "fragment": self.entry_context(f)}).strip("\n")
                for f in fragments]

    def release_section(self, version: str, sections: tuple[str, ...] | None = None) -> str:
        """A fresh ``## VERSION`` / ``Unreleased.`` section (Wasmtime's RELEASES-template)
        with ``sections`` as its empty categories (default: ``template_sections``)."""
        chosen = self.cfg.template_sections if sections is None else sections
        return self.render("release.md.j2", version=version, sections=list(chosen), separator="-" * 80)

    def notes_file(self, version: str) -> str:
        return self.render("notes.md.j2", version=version, sections=list(self.cfg.template_sections),
                           separator="-" * 80, branching=self.cfg.branching)

    def draft(self, version: str, categories: list[tuple[str, list[str]]],
              summaries: Sequence[str] = (), uncategorised: Sequence[str] = ()) -> str:
        """``summaries`` and ``uncategorised`` are rendered already (:meth:`summaries`, :meth:`entries`)."""
        return self.render("draft.md.j2", version=version,
                           categories=[{"name": n, "entries": e} for n, e in categories],
                           summaries=list(summaries), uncategorised=list(uncategorised))


# -- the built-in templates in Python (each must give exactly its template's output) ----------


def builtin_draft(c: dict) -> str:
    """``templates/draft.md.j2``."""
    out = [f"## {c['version']} (draft)\n"]
    out += [f"\n{text}\n" for text in c.get("summaries", ())]
    out += [f"\n{entry}\n" for entry in c.get("uncategorised", ())]
    for category in c["categories"]:
        out.append(f"\n### {category['name']}\n")
        out += [f"\n{entry}\n" for entry in category["entries"]]
    return "".join(out)


def builtin_release(c: dict) -> str:
    """``templates/release.md.j2``."""
    return (f"## {c['version']}\n\nUnreleased.\n\n" + "".join(f"### {name}\n\n" for name in c["sections"])
            + f"{c['separator']}\n")


def builtin_notes(c: dict) -> str:
    """``templates/notes.md.j2`` (which includes ``release.md.j2``)."""
    if c["branching"] != "release-branches":  # one branch: no release branches to point to
        return builtin_release(c)
    return (builtin_release(c) + f"\nRelease notes for previous releases of {c['project']} can be found on the "
            f"respective\nrelease branches of the {c['project']} repository.\n\n<!-- ARCHIVE_START -->\n")


NATIVE = {"entry.md.j2": lambda c: builtin_entry(c["fragment"]["body"], c["fragment"]["links"],
                                                 c["fragment"].get("credit", ""),
                                                 prefix=c["fragment"].get("prefix", "")),
          "draft.md.j2": builtin_draft,
          "summary.md.j2": lambda c: c["fragment"]["body"],
          "release.md.j2": builtin_release, "notes.md.j2": builtin_notes}
NATIVE_USES = {"notes.md.j2": {"release.md.j2"}}  # an override of these changes the template too


