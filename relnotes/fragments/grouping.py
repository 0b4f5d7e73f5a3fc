"""The order entries go in: categories in the configured order, fragments sorted within each.

``build``, the PR preview and ``import notes``' round trip all lay fragments out the
same way, so the preview shows exactly what ``build`` will write.
"""

from relnotes.config.load import Config
from relnotes.errors import Problem
from relnotes.fragments.fragment import Fragment
from relnotes.fragments.schema import ENTRY, SUMMARY, UNCATEGORISED


def category_order(cfg: Config) -> list[str]:
    """The categories entries go in, in order: the sections, after the breaking-changes group
    when ``breaking_changes.style`` is ``group`` (a heading relnotes writes, never a fragment)."""
    if cfg.breaking_changes.style != "group":
        return list(cfg.sections)
    head = cfg.section_name(cfg.breaking_changes.heading) or cfg.breaking_changes.heading
    return [head] + [s for s in cfg.sections if s != head]


def group(cfg: Config, fragments: list[Fragment]) -> list[tuple[str, list[Fragment]]]:
    """Fragments by category in :func:`category_order`, sorted within each: a breaking
    fragment in the breaking-changes group when there is one, else in its section."""
    order = category_order(cfg)
    gather = order[0] if cfg.breaking_changes.style == "group" else None
    out = []
    for name in order:
        items = sorted((f for f in fragments if f.kind == ENTRY
                        and (gather if gather and f.breaking else f.section) == name),
                       key=lambda f: f.sort_key(cfg.order))
        if items:
            out.append((name, items))
    return out


def intro(cfg: Config, fragments: list[Fragment]) -> tuple[list[Fragment], list[Fragment]]:
    """The fragments that go under the release heading, before the categories: the release
    summaries, then the uncategorised entries, each sorted as entries are."""
    def of(kind: str) -> list[Fragment]:
        return sorted((f for f in fragments if f.kind == kind), key=lambda f: f.sort_key(cfg.order))

    return of(SUMMARY), of(UNCATEGORISED)


# Where the notes format has no place for a kind: why, for the located message
_NO_PLACE = {
    ("releases", UNCATEGORISED): "Wasmtime's RELEASES.md puts every entry in a category (its tools and "
                                 "readers expect one); give the fragment a section instead of 'kind'",
    ("rst", SUMMARY): "reStructuredText notes (towncrier's layout) take entries in categories only",
    ("rst", UNCATEGORISED): "reStructuredText notes (towncrier's layout) take entries in categories only; "
                            "give the fragment a section instead of 'kind'",
}


def kind_problems(cfg: Config, fragments: list[Fragment]) -> list[Problem]:
    """Fragments whose kind the configured notes format has no place for (located at the file)."""
    out = []
    for f in fragments:
        why = _NO_PLACE.get((cfg.notes_format, f.kind))
        if why is not None:
            out.append(Problem(f.path, 2, 1, "kind-format",
                               f"a fragment of kind '{f.kind}' cannot go into {cfg.notes_file} "
                               f"(notes_format: {cfg.notes_format}): {why}"))
    return out
