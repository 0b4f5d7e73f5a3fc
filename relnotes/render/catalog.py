"""What each built-in template is for and the variables it receives, in one place.

``relnotes templates`` prints it, the README's table is generated from it (a test
keeps them equal), and a test checks it against the context ``Renderer`` really
passes, so the documentation of template variables cannot drift from the code.
Plain data: listing it imports neither Jinja nor the renderer.
"""

from __future__ import annotations

from typing import NamedTuple


class Variable(NamedTuple):
    name: str
    type: str
    meaning: str


class TemplateDoc(NamedTuple):
    name: str
    used_by: str
    purpose: str
    variables: tuple[Variable, ...]


_COMMON = (
    Variable("project", "str", "the project name from relnotes.yaml"),
    Variable("repository", "str", "the repository URL from relnotes.yaml"),
)

# The keys of ``fragment`` in entry.md.j2 (Fragment.as_dict() plus Renderer._fast_context()).
FRAGMENT_FIELDS = (
    Variable("path", "str", "the fragment file, relative to the repository root"),
    Variable("section", "str", "its section, e.g. Fixed ('' for an uncategorised entry or a summary)"),
    Variable("body", "str", "the entry text as written (Markdown)"),
    Variable("text", "str", "the body without trailing link reference definitions"),
    Variable("references", "list[str]", "those link reference definitions, one per item"),
    Variable("links", "list[str]", "Markdown links to the PRs, issues and advisories"),
    Variable("ends_in_list", "bool", "the text ends in a list item (a blank line must come before links)"),
    Variable("prefix", "str", "what goes before the text: for a breaking entry under breaking_changes "
                              "style 'prefix' (the prefix, or it and a blank line); '' otherwise"),
    Variable("prs", "list[int]", "PR numbers"),
    Variable("issues", "list[int]", "issue numbers"),
    Variable("advisories", "list[str]", "GHSA advisory ids"),
    Variable("breaking", "bool", "marked as a breaking change"),
    Variable("backport", "bool", "a candidate for supported release branches"),
    Variable("order", "int | None", "its explicit position in the category (imported entries), or none"),
    Variable("authors", "list[str]", "the handles to credit, without '@'"),
    Variable("fields", "dict", "the custom fields relnotes.yaml declares: fields.NAME is its value or default"),
    Variable("credit", "str", "the credit line for the authors (credit.line), or empty"),
    Variable("kind", "str", "'entry', 'uncategorised' (a bullet under the release heading) or 'summary'"),
)

_SECTION_VARS = (
    Variable("version", "str", "the release, e.g. 1.2.0"),
    Variable("sections", "list[str]", "the categories to open, in order (template_sections; patch_sections for patch)"),
    Variable("separator", "str", "the line of 80 dashes that ends a release section"),
)

CATALOG: tuple[TemplateDoc, ...] = (
    TemplateDoc("entry.md.j2", "build, build --draft, release, import notes",
                "one entry: a bullet with the text, link lines, then reference definitions",
                (*_COMMON, Variable("fragment", "dict", "the fragment; keys listed below"),
                 Variable("bullet", "str", "the list marker of the notes format: '*' (releases) or '-' "
                                           "(keepachangelog)"))),
    TemplateDoc("release.md.j2", "patch, cut",
                "a fresh '## VERSION' section with 'Unreleased.' and empty subsections",
                (*_COMMON, *_SECTION_VARS)),
    TemplateDoc("notes.md.j2", "init",
                "a whole new notes file: includes release.md.j2, then (release branches) the archive",
                (*_COMMON, *_SECTION_VARS,
                 Variable("branching", "str", "'one-branch' or 'release-branches' (branching in relnotes.yaml)"))),
    TemplateDoc("draft.md.j2", "build --draft",
                "what build --draft prints: the pending summaries, uncategorised entries, entries by category",
                (*_COMMON, Variable("version", "str", "the release the entries go to"),
                 Variable("categories", "list[dict]", "{name: str, entries: list[str]} per section, "
                          "each entry already rendered by entry.md.j2"),
                 Variable("summaries", "list[str]", "the release summaries, each rendered by summary.md.j2"),
                 Variable("uncategorised", "list[str]", "the entries outside any category, each rendered "
                          "by entry.md.j2"))),
    TemplateDoc("summary.md.j2", "build, build --draft, release, import notes",
                "one release summary: its text as written, under the release heading",
                (*_COMMON, Variable("fragment", "dict", "the fragment; keys listed below"))),
)

EXTENDING = (
    "Override a template by putting a file of the same name in the project's templates "
    "directory (templates_dir, default 'templates/'). Reuse a built-in with "
    "{% extends \"builtin/NAME\" %} or {% include \"builtin/NAME\" %}. Templates run in "
    "Jinja's sandbox; an undefined name is an error, so probe optional values with "
    "'{% if name is defined %}'."
)


def names() -> tuple[str, ...]:
    return tuple(t.name for t in CATALOG)


def variables(name: str) -> tuple[str, ...]:
    """The top-level names template ``name`` receives (for error hints)."""
    for t in CATALOG:
        if t.name == name:
            return tuple(v.name for v in t.variables)
    return ()


def undefined_hint(name: str) -> str:
    """The hint for an undefined name in template ``name``: every name it could use."""
    shown = []
    for v in variables(name):
        shown += [f"fragment.{f.name}" for f in FRAGMENT_FIELDS] if v == "fragment" else [v]
    known = f"{name} receives {', '.join(shown)}; " if shown else ""
    return (f"{known}probe optional values with '{{% if name is defined %}}' "
            f"('relnotes templates' lists every variable with its type)")


def as_text() -> str:
    """What ``relnotes templates`` prints."""
    lines = []
    for t in CATALOG:
        lines += [f"{t.name}  (used by: {t.used_by})", f"  {t.purpose}"]
        width = max(len(v.name) for v in t.variables)
        lines += [f"  {v.name:<{width}}  {v.type:<10}  {v.meaning}" for v in t.variables]
        if any(v.name == "fragment" for v in t.variables):
            lines.append("  fragment keys:")
            w2 = max(len(v.name) for v in FRAGMENT_FIELDS)
            lines += [f"    {v.name:<{w2}}  {v.type:<10}  {v.meaning}" for v in FRAGMENT_FIELDS]
        lines.append("")
    lines.append(EXTENDING)
    return "\n".join(lines) + "\n"


def as_markdown() -> str:
    """The README's template table (tests/test_templates_cmd.py keeps README equal to it)."""
    rows = ["| template | used by | variables |", "|---|---|---|"]
    for t in CATALOG:
        shown = ", ".join(f"`{v.name}` ({v.type})" for v in t.variables)
        rows.append(f"| `{t.name}` | {t.used_by} | {shown} |")
    rows += ["", "`fragment` in `entry.md.j2` has: "
             + ", ".join(f"`{v.name}` ({v.type})" for v in FRAGMENT_FIELDS) + "."]
    return "\n".join(rows) + "\n"
