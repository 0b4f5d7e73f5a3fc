"""The credit line: who an entry thanks, as ``credit.line`` in relnotes.yaml says.

Handles come from fragments, which a stranger's pull request may write, so they are
admitted only by :data:`relnotes.fragments.schema.HANDLE_PATTERN` (letters, digits,
inner hyphens: nothing Markdown reads as markup), and the configured line is screened
like an entry's body when the configuration is checked.  A credit line therefore
cannot change the notes' structure, whatever a fragment says.

The same configuration reads the line back (:func:`authors_in`), so ``show --format
json`` can list a released section's contributors from the notes alone.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from relnotes.fragments.fragment import load_all

if TYPE_CHECKING:
    from relnotes.config.load import Config

SEPARATOR = ", "


def handle_text(cfg: Config, handle: str) -> str:
    """One handle as the credit style shows it."""
    if cfg.credit.style == "link":
        return f"[@{handle}]({cfg.link('author', handle=handle)})"
    return f"@{handle}"


def credit_line(cfg: Config, authors: tuple[str, ...]) -> str:
    """The line thanking ``authors``; empty when there is none or credit is off."""
    if not authors or cfg.credit.style == "none":
        return ""
    return cfg.credit.line.format(authors=SEPARATOR.join(handle_text(cfg, h) for h in authors))


def _line_regex(cfg: Config) -> str:
    before, _, after = cfg.credit.line.partition("{authors}")
    literal = [part.replace("{{", "{").replace("}}", "}") for part in (before, after)]
    return rf"{re.escape(literal[0])}(.+){re.escape(literal[1])}"


def authors_in(cfg: Config, entries: list[str]) -> list[str]:
    """The handles credited in rendered ``entries``, each once, in order of appearance.

    Only a line that is exactly a credit line (as the configured ``credit.line`` makes
    it) counts, so a handle mentioned in an entry's text is not taken for a credit.
    """
    if cfg.credit.style == "none":
        return []
    pattern = _line_regex(cfg)
    one = r"\[@([A-Za-z0-9-]{1,39})\]\([^()\s]*\)" if cfg.credit.style == "link" else r"@([A-Za-z0-9-]{1,39})"
    found: list[str] = []
    for entry in entries:
        for line in entry.split("\n"):
            m = re.fullmatch(pattern, line.strip())
            if m is None:
                continue
            parts = m[1].split(SEPARATOR)
            handles = [h for p in parts if (h := re.fullmatch(one, p)) is not None]
            if len(handles) == len(parts):
                found += [h[1] for h in handles if h[1] not in found]
    return found


def show_fields(cfg: Config, top_unreleased: bool, categories: list[dict]) -> dict:
    """What ``show --format json`` adds: ``authors`` credited in the section's entries,
    and for the release the next ``build`` fills (the top one, unreleased) ``pending``:
    the valid fragments waiting for it, with their authors and custom fields (which
    exist only in fragments until a template writes them into the notes)."""
    extra: dict = {"authors": authors_in(cfg, [e for c in categories for e in c["entries"]])}
    if top_unreleased:
        res = load_all(cfg.fragments_path, cfg.root, cfg.sections, fields=cfg.fields)
        extra["pending"] = [dict(f.as_dict(), credit=credit_line(cfg, f.authors))
                            for f in sorted(res.fragments, key=lambda f: (  # summaries, uncategorised first
                                cfg.sections.index(f.section) if f.section in cfg.sections else -1,
                                f.kind != "summary", f.sort_key(cfg.order)))]
    return extra
