"""The same change under another commit: PR-less backports matched by their titles.

Security fixes are prepared in private and land as combined backports that name no
PR (Wasmtime's ``[48.0.0] Backports for security fixes (#14175)``); the body lists
the squashed commits as bullets, ``* Limit buffered writes in http/files``, the very
title the fix has on main (``Limit buffered writes in http/files (#14181)``).  A
commit's *titles* are its subject and its body's top-level bullets, normalised: the
``[X.Y.Z]`` prefix and ``(#N)`` references dropped, case and spacing folded.  Two
commits are the same change when a title of one is a title of the other and it is
specific enough to say so: at least :data:`MIN_WORDS` words (``Fix MSRV``,
``Add vets``, ``Review feedback`` are in many unrelated backports).

This module is the parsing (pure and bounded) and the one ``git log`` that reads the
messages of the commits to compare; which commits are compared is the caller's.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from relnotes.git.backports import MAX_MESSAGE
from relnotes.patterns import lazy

if TYPE_CHECKING:
    from relnotes.git.repo import Repo

MIN_WORDS = 4  # a shorter title names no particular change
MAX_TITLE = 300  # characters; longer lines are prose, not titles
_PREFIX = lazy(r"^\s*\[[^\]\n]{1,40}\]:?\s*")
_REFS = lazy(r"\s*\(#\d{1,9}\)")
_BULLET = lazy(r"^[*-][ \t]+(\S[^\r\n]*)", re.M)  # top level only: nested bullets are details
_SPACE = lazy(r"\s+")


def title_key(line: str) -> str | None:
    """The normalised title of one subject or bullet line, or None when too generic."""
    line = _REFS.sub("", _PREFIX.sub("", line[:MAX_TITLE]))
    key = _SPACE.sub(" ", line).strip().rstrip(".").lower()
    return key if len(key.split(" ")) >= MIN_WORDS else None


def titles(subject: str, body: str = "", *, bullets: bool = True) -> set[str]:
    """The specific titles a message gives its change(s): the subject, and the body's
    top-level bullets when ``bullets`` (a combined backport's squashed commits)."""
    found = {title_key(subject)}
    if bullets:
        found.update(title_key(m) for m in _BULLET.findall(body[:MAX_MESSAGE]))
    found.discard(None)
    return found  # type: ignore[return-value]


def read_messages(repo: Repo, include: list[str], exclude: list[str],
                  since: int | None = None, until: int | None = None,
                  no_walk: bool = False) -> dict[str, tuple[str, str]]:
    """sha -> (subject, body) of the commits reachable from ``include`` and not from
    ``exclude`` (commit hashes, checked), committed in [``since``, ``until``] (Unix times);
    with ``no_walk``, of the commits ``include`` only."""
    if not include:
        return {}
    args = ["log", "--no-show-signature", "--format=%H%x00%s%x00%b%x01"]
    if no_walk:
        args.append("--no-walk=unsorted")
    if since is not None:
        args.append(f"--since={int(since)}")
    if until is not None:
        args.append(f"--until={int(until)}")
    args.append("--stdin")
    out = repo.try_run(*args, stdin_revs=sorted(set(include)) + [f"^{c}" for c in sorted(set(exclude))],
                       strip=False) or ""
    found: dict[str, tuple[str, str]] = {}
    for record in out.split("\x01"):
        parts = record.lstrip("\n").split("\x00")
        if len(parts) == 3 and parts[0]:
            found[parts[0]] = (parts[1], parts[2])
    return found
