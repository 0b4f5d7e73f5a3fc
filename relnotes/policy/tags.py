"""Which tags are release tags: ``v{version}`` or ``{version}``, told by the repository itself.

The ``tag`` key says it when the configuration sets it.  When it does not, the newest
tags (:data:`RECENT`, by the tag's date) decide: the style most of them that hold a
version use, the newest tag's on a tie.  An old stray tag cannot decide it (a
repository tagged ``9.1.1``, ``9.1.0`` … with one ``v7.4.3`` from years ago is a
``{version}`` repository), and only tags in the chosen style count as releases.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from relnotes.config.load import Config
from relnotes.policy.schemes import Scheme
from relnotes.version import Version

RECENT = 20  # the newest tags that decide the style
_STYLES = ("v{version}", "{version}")


class TagStyle(NamedTuple):
    pattern: str  # "v{version}", "{version}", or the configured pattern
    why: str  # how it was chosen, for ``relnotes next``
    detected: bool = True  # False: the configured pattern


def style_of(name: str, scheme: Scheme) -> str | None:
    """``v{version}`` or ``{version}`` when ``name`` is a version in that style, else None."""
    if name[:1] == "v" and name[1:2].isdigit() and scheme.try_parse(name[1:]) is not None:
        return "v{version}"
    if name[:1].isdigit() and scheme.try_parse(name) is not None:
        return "{version}"
    return None


def detect(cfg: Config, recent: list[str], scheme: Scheme) -> TagStyle:
    """The tag pattern: the configured one when set, else the style of ``recent`` tags (newest first)."""
    if cfg.tag_explicit or cfg.tag not in _STYLES:  # set, or a monorepo package's own (cli-v{version})
        return TagStyle(cfg.tag, "the tag key", False)
    styles = [s for s in (style_of(n, scheme) for n in recent) if s is not None]
    if not styles:
        return TagStyle(cfg.tag, "the default tag pattern (no recent tag holds a version)", False)
    counts = {s: styles.count(s) for s in _STYLES}
    best = max(_STYLES, key=lambda s: (counts[s], s == styles[0]))
    return TagStyle(best, f"{counts[best]} of the {len(styles)} newest version tags")


def tag_version(name: str, pattern: str, scheme: Scheme) -> Version | None:
    """The version in tag ``name`` made by ``pattern`` (``v{version}``), or None.  The
    version part starts with a digit: under ``{version}`` the tag ``v7.4.3`` is not a release."""
    if pattern.count("{version}") != 1:
        return None
    before, after = pattern.split("{version}")
    m = re.fullmatch(re.escape(before) + "(?P<v>[0-9].*)" + re.escape(after), name, re.DOTALL)
    return scheme.try_parse(m["v"]) if m else None


def style(cfg: Config, repo, scheme: Scheme) -> TagStyle:
    """:func:`detect` on ``repo``'s newest tags (git is asked only when ``tag`` is not set)."""
    if cfg.tag_explicit or cfg.tag not in _STYLES:
        return TagStyle(cfg.tag, "the tag key", False)
    return detect(cfg, repo.recent_tag_names(RECENT), scheme)


def pattern(cfg: Config, repo, scheme: Scheme) -> str:
    """The pattern a new release tag is made with (``relnotes tag``)."""
    return style(cfg, repo, scheme).pattern
