"""Categories of an imported notes file that no configured section matches.

A category matches a section by :func:`relnotes.notes.model.category_key` (any case, a
trailing ``.`` or ``:`` ignored: attrs' ``### Changes:`` is ``Changes``).  What still
matches nothing — derive_more's ``### Breaking changes``, attrs' older ``Backward-incompatible
Changes`` — is never dropped: ``import notes`` reports it and, asked with
``--add-sections``, appends it to ``sections`` in ``relnotes.yaml``
(:func:`with_sections`), keeping every other byte of the file.
"""

from __future__ import annotations

import json
import re

from relnotes import fsio
from relnotes.config import load as config
from relnotes.config.load import Config
from relnotes.errors import RelnotesError, UsageError
from relnotes.notes.model import category_key

# 'sections:' at the top level, its value on the line ('[A, B]') or a block list below it
_KEY = re.compile(r"^sections[ \t]*:[ \t]*(?P<value>[^#\n]*?)[ \t]*(?:#[^\n]*)?$", re.MULTILINE)
_PLACE = re.compile(r"^[^\n]*?relnotes\.yaml(?::\d+){0,2}: ")  # a message's place in a file
_ITEM = re.compile(r"^(?P<indent>[ \t]*)-[ \t]")


def section_for(cfg: Config, title: str) -> str | None:
    """The configured section a category heading's title names (any case, a trailing ``.``
    or ``:`` ignored), or None."""
    key = category_key(title)
    return next((s for s in cfg.sections if category_key(s) == key), None)


def missing(cfg: Config, titles: list[str]) -> list[str]:
    """The titles no section matches, each once (first spelling, trailing ``.``/``:`` dropped)."""
    out: list[str] = []
    for title in titles:
        name = title.strip().rstrip(".:").strip()
        if name and section_for(cfg, name) is None and all(category_key(o) != category_key(name) for o in out):
            out.append(name)
    return out


def yaml_text(text: str, current: tuple[str, ...], added: list[str]) -> str | None:
    """``relnotes.yaml``'s text with ``added`` appended to its ``sections`` (the flow list
    on the key's line, the block list under it, or a new key holding the sections in force);
    None when the file spells the key some other way.  A file whose every line ends in CRLF
    is edited in CRLF (any other '\r' makes its line one this cannot edit)."""
    lf = text.replace("\r\n", "\n")
    if lf != text and "\r" not in lf and lf.count("\n") == text.count("\r\n"):
        edited = _lf_text(lf, current, added)
        return None if edited is None else edited.replace("\n", "\r\n")
    return _lf_text(text, current, added)


def _lf_text(text: str, current: tuple[str, ...], added: list[str]) -> str | None:
    quoted = [json.dumps(s, ensure_ascii=False) for s in added]  # a JSON string is a YAML scalar
    m = _KEY.search(text)
    if m is None:
        sep = "" if not text or text.endswith("\n") else "\n"
        return text + sep + "sections: [" + ", ".join(json.dumps(s, ensure_ascii=False) for s in current) + \
            (", " if current else "") + ", ".join(quoted) + "]\n"
    value = m["value"]
    if value.startswith("[") and value.endswith("]"):
        close = m.start("value") + len(value) - 1
        inner = value[1:-1].strip()
        return text[:close] + (", " if inner else "") + ", ".join(quoted) + text[close:]
    if value:
        return None
    lines = text[m.end():].split("\n")[1:]
    at = m.end() + 1
    indent = None
    for line in lines:
        item = _ITEM.match(line)
        if item is None or (indent is not None and item["indent"] != indent):
            break
        indent = item["indent"]
        at += len(line) + 1
    if indent is None:
        return None
    if at > len(text):  # the last item ends the file without a newline
        return text + "\n" + "".join(f"{indent}- {q}\n" for q in quoted)
    return text[:at] + "".join(f"{indent}- {q}\n" for q in quoted) + text[at:]


def with_sections(cfg: Config, added: list[str]) -> tuple[Config, tuple[str | None, str]]:
    """The configuration with ``added`` appended to its sections, and ``relnotes.yaml``'s
    change (its text before, None when there is no file yet; after).  Refused when the
    configuration is ``[tool.relnotes]`` or spells ``sections`` in a way this cannot edit."""
    path = cfg.path
    if path is not None and path.name != config.CONFIG_NAME:
        raise UsageError(f"{fsio.shown(cfg.root, path)}: --add-sections edits relnotes.yaml only",
                         hint=f"add {', '.join(repr(s) for s in added)} to sections in [tool.relnotes] yourself")
    target = path or cfg.root / config.CONFIG_NAME
    before = fsio.read_text(cfg.root, target, what="configuration") if path is not None else None
    after = yaml_text(before or "", cfg.sections, added)
    if after is None:
        raise UsageError(f"{config.CONFIG_NAME}: 'sections' is neither a [list] on its line nor a '- item' list",
                         hint=f"add {', '.join(repr(s) for s in added)} to sections yourself and import again")
    try:
        new_cfg = config.from_text(after, target, cfg.root, use_cache=False)
    except RelnotesError as e:  # its place is in the edited text, which the user never saw
        why = _PLACE.sub("", e.message, count=1)
        raise UsageError(f"{config.CONFIG_NAME}: --add-sections cannot add {', '.join(repr(s) for s in added)}: {why}",
                         hint="rename the category in the notes file to a configured section, or configure a "
                              "section for it yourself and import again") from None
    if new_cfg.sections != cfg.sections + tuple(added):  # the edit must mean exactly this
        raise UsageError(f"{config.CONFIG_NAME}: could not add {', '.join(repr(s) for s in added)} to sections",
                         hint="add them to sections yourself and import again")
    return new_cfg, (before, after)
