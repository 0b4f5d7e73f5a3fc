"""The one description of a fragment's front matter.

``relnotes check`` (through :func:`relnotes.fragments.fragment.parse_text`) validates with
:func:`validate`, and ``relnotes schema fragment`` prints :func:`json_schema`; both
read :data:`FIELDS` and the same patterns, so an editor that shows a fragment green
agrees with CI (tests/test_schema_agreement.py runs a shared table through both).

Rules follow what a JSON Schema can say, so nothing is left to one side only: a
section matches a configured name in any case with blanks around it (a pattern built
from the names), numbers may be one number or a list of distinct positive whole
numbers (``12.0`` is the whole number 12, as in JSON), an advisory one id or a list of
distinct ids.
"""

import functools
import re
from typing import Any, Callable, NamedTuple

from relnotes.config.fields import check_value, value_schema
from relnotes.errors import quoted
from relnotes.patterns import lazy

# ``(?![\s\S])`` is "the very end" in Python and ECMA-262 alike (Python's ``$`` also
# matches before a final line break, which the JSON Schema validators written in Python inherit).
ADVISORY_ID = r"GHSA(?:-[23456789cfghjmpqrvwx]{4}){3}"  # a GitHub security advisory id, anywhere
ADVISORY_PATTERN = rf"^{ADVISORY_ID}(?![\s\S])"  # a whole value that is one
# a GitHub-style handle (letters, digits, single inner hyphens, at most 39), '@' optional:
# nothing in it Markdown could read as markup, so a credit line made of handles is data
HANDLE_PATTERN = r"^@?[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}(?![\s\S])"
_HANDLE = lazy(HANDLE_PATTERN)  # the string is shared with the JSON Schema
MAX_AUTHORS = 20


class Field(NamedTuple):
    kind: str  # "section" | "kind" | "numbers" | "advisories" | "flag" | "position" | "handles"
    required: bool
    description: str


# What a fragment is (``kind``): an entry of a category (the default), a release summary
# (prose under the release heading, before the categories) or an uncategorised entry (a
# bullet under the release heading, as small Keep a Changelog files write them).
ENTRY, SUMMARY, UNCATEGORISED = "entry", "summary", "uncategorised"
KINDS = (ENTRY, SUMMARY, UNCATEGORISED)
# a summary renders its text only: these keys would be lost in it
NOT_IN_SUMMARY = ("prs", "issues", "advisories", "breaking", "authors")

FIELDS: dict[str, Field] = {
    "section": Field("section", True, "The category the entry goes in: one of the configured sections, any case "
                                      "(required, except for a summary or an uncategorised entry, which have none)."),
    "kind": Field("kind", False, "entry (the default: an entry of its section), summary (prose under the "
                                 "release heading, before the categories) or uncategorised (a bullet under the "
                                 "release heading, outside any category)."),
    "prs": Field("numbers", False, "Pull request numbers, rendered as links: one number or a list of distinct ones."),
    "issues": Field("numbers", False, "Issue numbers, rendered as links: one number or a list of distinct ones."),
    "advisories": Field("advisories", False, "GitHub security advisory ids (GHSA-xxxx-xxxx-xxxx): one or a list."),
    "breaking": Field("flag", False, "A breaking change (true or false)."),
    "backport": Field("flag", False, "A candidate for supported release branches (true or false)."),
    "order": Field("position", False, "Position in its category, before the configured order (import sets it)."),
    "authors": Field("handles", False, "Who to credit: GitHub-style handles (octocat or @octocat), one or a list."),
}
KEYS = tuple(FIELDS)

Report = Callable[[str | None, str, str], None]  # (key or None for the whole mapping, code, message)


@functools.lru_cache(maxsize=64)  # built per fragment otherwise: one per section list suffices
def section_pattern(sections: tuple[str, ...]) -> str:
    """A regex (Python and ECMA-262 alike) for any configured section name in any case, blanks around."""
    def one(name: str) -> str:
        return "".join(f"[{re.escape(c.lower())}{re.escape(c.upper())}]" if c.lower() != c.upper()
                       else re.escape(c) for c in name)

    return r"^\s*(?:" + "|".join(one(s) for s in sections) + r")\s*$"


@functools.lru_cache(maxsize=1024)  # fragments repeat a handful of section spellings
def canonical_section(value: str, sections: tuple[str, ...]) -> str | None:
    """The configured spelling of the section ``value`` names, by the schema's own pattern."""
    for s in sections:
        if re.match(section_pattern((s,)), value):
            return s
    return None


MAX_NUMBER = 10**12 - 1  # PR and issue numbers (and positions): at most 12 digits


def _whole(item: Any) -> int | None:
    """A positive whole number as JSON Schema's ``integer`` counts them (``12.0`` too) of at
    most 12 digits, else None."""
    if isinstance(item, bool):
        return None
    if isinstance(item, float) and item.is_integer():
        item = int(item)
    return item if isinstance(item, int) and 1 <= item <= MAX_NUMBER else None


def _too_long(item: Any) -> str:
    """Why a whole number that looks fine is refused: too many digits."""
    big = isinstance(item, (int, float)) and not isinstance(item, bool) and item > MAX_NUMBER
    return f" (at most {len(str(MAX_NUMBER))} digits)" if big else ""


def validate(data: dict, sections: tuple[str, ...], report: Report, custom: tuple = (),
             screen: Callable[[str], list[str]] | None = None) -> dict[str, Any]:
    """Check every key of ``data``; report each problem; return the normalised values.

    ``custom``: the declared fields (:class:`relnotes.config.fields.FieldSpec`), whose values
    come back under ``"fields"`` (every declared name, its default when absent);
    ``screen``: the body's screen for their texts (messages for one text).
    """
    import difflib

    known = KEYS + tuple(s.name for s in custom)
    for key in data:
        if key not in known:
            close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.5)
            hint = f"; did you mean '{close[0]}'?" if close else f"; allowed: {', '.join(known)}"
            report(str(key), "unknown-key", f"unknown key '{key}'{hint}")
    out: dict[str, Any] = {}
    kind = _kind("kind", data["kind"], sections, report) if "kind" in data else ENTRY
    for key, field in FIELDS.items():
        if key not in data:
            if field.required and kind in (ENTRY, None):
                report(None, f"{key}-missing", f"'{key}' is required; one of: {', '.join(sections)}")
            continue
        if key == "kind":
            out[key] = kind
            continue
        if key == "section" and kind in (SUMMARY, UNCATEGORISED):
            report(key, "section-with-kind", f"a fragment of kind '{kind}' has no section: it goes under the "
                                             f"release heading, before the categories; drop 'section' or 'kind'")
            continue
        if key in NOT_IN_SUMMARY and kind == SUMMARY:
            report(key, "summary-key", f"a summary renders its text only, so '{key}' would be lost: "
                                       f"write it in the text, or make the fragment an entry")
            continue
        out[key] = _CHECKS[field.kind](key, data[key], sections, report)
    if custom:
        values: dict[str, Any] = {}
        for spec in custom:
            if spec.name not in data:
                if spec.required:
                    what = f" ({spec.description})" if spec.description else ""
                    report(None, f"{spec.name}-missing", f"'{spec.name}' is required{what}; "
                                                         f"a custom {spec.type} field of relnotes.yaml")
                values[spec.name] = spec.default
                continue
            values[spec.name] = check_value(spec, data[spec.name],
                                            functools.partial(report, spec.name), screen)
        out["fields"] = values
    return out


def _section(key: str, value: Any, sections: tuple[str, ...], report: Report) -> str | None:
    if value is None:
        report(key, "section-missing", f"'section' is required; one of: {', '.join(sections)}")
        return None
    if not isinstance(value, str):
        report(key, "section-type", f"'section' must be text, one of: {', '.join(sections)}")
        return None
    canonical = canonical_section(value, sections)
    if canonical is None:
        import difflib

        close = difflib.get_close_matches(value, sections, n=1, cutoff=0.5)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        report(key, "section-unknown", f"unknown section '{value}'{hint} (one of: {', '.join(sections)})")
    return canonical


def _kind(key: str, value: Any, sections, report: Report) -> str | None:
    if isinstance(value, str) and value in KINDS:
        return value
    report(key, "kind-unknown", f"'kind' must be one of {', '.join(KINDS)}, not {quoted(value)}")
    return None


def _numbers(key: str, value: Any, sections, report: Report) -> tuple[int, ...]:
    items = value if isinstance(value, list) else [value] if _whole(value) is not None else None
    if items is None:
        report(key, f"{key}-type", f"'{key}' must be a list of positive whole numbers, like [1234]")
        return ()
    good: list[int] = []
    for item in items:
        n = _whole(item)
        if n is None:
            report(key, f"{key}-type", f"'{key}' must hold positive whole numbers; {quoted(item)} is not one{_too_long(item)}")
        elif n in good:
            report(key, f"{key}-duplicate", f"'{key}' lists {n} twice; list each number once")
        else:
            good.append(n)
    return tuple(good)


def _advisories(key: str, value: Any, sections, report: Report) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list):
        report(key, "advisories-type", "'advisories' must be a list of ids like [GHSA-vqjp-4c8c-hfgg]")
        return ()
    good: list[str] = []
    for item in items:
        if not isinstance(item, str) or not re.fullmatch(ADVISORY_PATTERN, item):
            report(key, "advisory-id", f"{quoted(item)} is not a GitHub advisory id (GHSA-xxxx-xxxx-xxxx)")
        elif item in good:
            report(key, "advisories-duplicate", f"'advisories' lists {item} twice; list each id once")
        else:
            good.append(item)
    return tuple(good)


def _flag(key: str, value: Any, sections, report: Report) -> bool:
    if not isinstance(value, bool):
        report(key, f"{key}-type", f"'{key}' must be true or false, not {quoted(value)}")
        return False
    return value


def _position(key: str, value: Any, sections, report: Report) -> int:
    n = 0 if value == 0 and not isinstance(value, bool) else _whole(value)  # 0: no position
    if n is None:
        report(key, f"{key}-type", f"'{key}' must be a positive whole number (the entry's position), "
                                   f"not {quoted(value)}{_too_long(value)}")
        return 0
    return n


def _handles(key: str, value: Any, sections, report: Report) -> tuple[str, ...]:
    """Handles without their '@'.  The same item twice is a problem (as in the schema);
    spellings of one handle (``octocat``, ``@OctoCat``: GitHub ignores case) count once."""
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list):
        report(key, "authors-type", "'authors' must be a list of handles like [octocat]")
        return ()
    if len(items) > MAX_AUTHORS:
        report(key, "authors-size", f"'authors' lists {len(items)} handles; at most {MAX_AUTHORS} are allowed")
        return ()
    good: list[str] = []
    seen: list[Any] = []
    for item in items:
        if not isinstance(item, str) or not _HANDLE.match(item):
            shown = quoted(item)
            report(key, "author-handle", f"{shown} is not a handle (letters, digits and single inner "
                                         f"hyphens, at most 39, like octocat or @octocat)")
        elif item in seen:
            report(key, "authors-duplicate", f"'authors' lists {item} twice; list each handle once")
        else:
            seen.append(item)
            handle = item.removeprefix("@")
            if all(handle.casefold() != g.casefold() for g in good):
                good.append(handle)
    return tuple(good)


_CHECKS = {"section": _section, "kind": _kind, "numbers": _numbers, "advisories": _advisories, "flag": _flag,
           "position": _position, "handles": _handles}


def _schema_of(field: Field, sections: tuple[str, ...]) -> dict:
    number = {"type": "integer", "minimum": 1, "maximum": MAX_NUMBER}
    advisory = {"type": "string", "pattern": ADVISORY_PATTERN}
    handle = {"type": "string", "pattern": HANDLE_PATTERN}
    bodies: dict[str, dict] = {
        # the enum gives editors their completion list; the pattern admits other cases
        "section": {"anyOf": [{"enum": list(sections)}, {"type": "string", "pattern": section_pattern(sections)}]},
        "numbers": {"anyOf": [number, {"type": "array", "items": number, "uniqueItems": True}]},
        "advisories": {"anyOf": [advisory, {"type": "array", "items": advisory, "uniqueItems": True}]},
        "kind": {"enum": list(KINDS), "default": ENTRY},
        "flag": {"type": "boolean", "default": False},
        "position": {"type": "integer", "minimum": 0, "maximum": MAX_NUMBER},
        "handles": {"anyOf": [handle, {"type": "array", "items": handle, "uniqueItems": True,
                                       "maxItems": MAX_AUTHORS}]},
    }
    body = bodies[field.kind]
    return {**body, "description": field.description}


def json_schema(sections: tuple[str, ...], custom: tuple = ()) -> dict:
    """JSON Schema for the front matter, generated from :data:`FIELDS` and the declared
    custom fields (:func:`relnotes.config.fields.value_schema`)."""
    properties = {k: _schema_of(f, sections) for k, f in FIELDS.items()}
    required = [k for k, f in FIELDS.items() if f.required and k != "section"]  # see allOf
    if custom:
        properties.update({s.name: value_schema(s) for s in custom})
        required += [s.name for s in custom if s.required]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "relnotes fragment front matter",
        "description": "The YAML between the '---' lines of a fragment. The Markdown body below it is "
                       "checked by 'relnotes check' only (no headings, thematic breaks, raw HTML or "
                       "unsafe links; at most 64 KiB), and so are the texts of custom fields, which go "
                       "through the same screen; a PR listed in two fragments of one section is a "
                       "problem across files that no schema of one file can see.",
        "type": "object",
        "additionalProperties": False,
        "required": required,
        "properties": properties,
        # a summary or an uncategorised entry has no section, every other fragment one;
        # a summary renders its text only, so it takes no links, breaking mark or authors
        "allOf": [
            {"if": {"required": ["kind"], "properties": {"kind": {"enum": [SUMMARY, UNCATEGORISED]}}},
             "then": {"not": {"required": ["section"]}},
             "else": {"required": ["section"]}},
            {"if": {"required": ["kind"], "properties": {"kind": {"const": SUMMARY}}},
             "then": {"properties": {k: False for k in NOT_IN_SUMMARY}}},
        ],
    }
