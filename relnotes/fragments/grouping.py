"""The order entries go in: categories in the configured order, fragments sorted within each.

``build``, the PR preview and ``import notes``' round trip all lay fragments out the
same way, so the preview shows exactly what ``build`` will write.
"""

from relnotes.config.load import Config
from relnotes.fragments.fragment import Fragment


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
        items = sorted((f for f in fragments if (gather if gather and f.breaking else f.section) == name),
                       key=lambda f: f.sort_key(cfg.order))
        if items:
            out.append((name, items))
    return out
