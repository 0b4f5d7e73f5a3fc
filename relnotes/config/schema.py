"""The JSON Schema of ``relnotes.yaml`` (``relnotes schema config``), generated from
:data:`relnotes.config.keys.SCHEMA`, :data:`~relnotes.config.keys.BOUNDS` and the patterns that
:func:`relnotes.config.rules.coerce` validates with, so editors and ``check`` agree
(tests/test_schema_agreement.py runs a shared table through both)."""

from datetime import date
from typing import Any

from relnotes.config.fields import config_schema
from relnotes.config.rules import (
    ANY_VERSION_PATTERN,
    ARGV_LIMITS,
    BOUNDS,
    BRANCH_PATTERN,
    CREDIT_MAX,
    CREDIT_PATTERN,
    DATE_PATTERN,
    DAYS,
    ENTRY_SCHEMA,
    ENUMS,
    HEADING_PATTERN,
    INLINE_PATTERN,
    LINE_PATTERN,
    PATH_PATTERN,
    PROJECT_NAME_PATTERN,
    REMOTE_PATTERN,
    REPOSITORY_PATTERN,
    SCHEMA,
    VERSION_PATTERN,
    VFILE_PATTERN,
    VFILE_SLOT_PATTERN,
    link_pattern,
)
from relnotes.config.vpatterns import MAX_PATTERN


def json_schema() -> dict:
    """The schema: one property per SCHEMA key, nested tables as objects (or null)."""

    def number(name: str, kind: str) -> dict:
        low, high = DAYS if kind == "day" else BOUNDS.get(name, (0, None))
        out: dict[str, Any] = {"type": "integer", "minimum": low, "maximum": 10**18 - 1 if high is None else high}
        return {"anyOf": [{"type": "null"}, out]} if kind == "optint" else out

    def one(spec: Any, name: str) -> dict:
        if isinstance(spec, dict):
            return {"type": ["object", "null"], "additionalProperties": False,
                    "properties": {k: one(s, f"{name}.{k}" if name else k) for k, s in spec.items()}}
        kind, default, desc = spec
        path = {"type": "string", "pattern": PATH_PATTERN}
        strings = {"type": "array", "items": {"type": "string"}}
        if kind == "fields":
            return config_schema(desc)
        if kind in ("int", "optint", "day"):
            base = number(name, kind)
        elif kind in ENUMS:
            base = {"enum": list(ENUMS[kind])}
        elif kind == "projects":
            entry = {"type": "object", "additionalProperties": False, "required": ["path"],
                     "properties": {k: one(s, k) for k, s in ENTRY_SCHEMA.items()}}
            base = {"type": "array", "items": {"anyOf": [path, entry]}}
        elif kind == "optversion":  # "" (none) or a version
            base = {"anyOf": [{"type": "null"}, {"type": "string", "maxLength": 0},
                              {"type": "string", "pattern": ANY_VERSION_PATTERN}]}
        elif kind == "link":
            base = {"type": "string", "pattern": link_pattern(name.split(".")[-1])}
        else:
            bases: dict[str, dict] = {
                "str": {"type": "string"},
                "repository": {"type": "string", "pattern": REPOSITORY_PATTERN},
                "projname": {"type": "string", "pattern": PROJECT_NAME_PATTERN},
                "path": path,
                "branch": {"type": "string", "pattern": BRANCH_PATTERN},
                "branches": {"type": "array", "items": {"type": "string", "pattern": BRANCH_PATTERN}},
                "remote": {"type": "string", "pattern": REMOTE_PATTERN},
                "tag": {"type": "string", "pattern": VFILE_PATTERN},
                "version": {"type": "string", "pattern": VERSION_PATTERN},
                "bool": {"type": "boolean"},
                "credit_line": {"type": "string", "maxLength": CREDIT_MAX, "pattern": CREDIT_PATTERN},
                "date": {"type": "string", "format": "date", "pattern": DATE_PATTERN},
                "strlist": strings,
                "inline": {"type": "string", "pattern": INLINE_PATTERN},
                "heading": {"type": "string", "pattern": HEADING_PATTERN},
                "sections": {"type": "array", "items": {"type": "string", "pattern": HEADING_PATTERN},
                             "minItems": 1, "uniqueItems": True},
                "headings": {"type": "array", "items": {"type": "string", "pattern": HEADING_PATTERN}},
                "line": {"type": "string", "pattern": LINE_PATTERN},
                "argvs": {"type": "array", "maxItems": ARGV_LIMITS[0], "items": {
                    "type": "array", "minItems": 1, "maxItems": ARGV_LIMITS[1],
                    "items": {"type": "string", "maxLength": ARGV_LIMITS[2], "pattern": "^[^\\x00]*(?![\\s\\S])"}}},
                "vfiles": {"type": "array", "items": {
                    "type": "object", "additionalProperties": False, "required": ["path", "pattern"],
                    "properties": {"path": path, "pattern": {"type": "string", "pattern": VFILE_SLOT_PATTERN,
                                                              "maxLength": MAX_PATTERN}}}},
            }
            base = bases[kind]
        base = dict(base, description=desc)
        if default is not None:
            base["default"] = default.isoformat() if isinstance(default, date) else default
        return base

    schema = one(SCHEMA, "")
    schema["type"] = "object"
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "relnotes.yaml"
    schema["description"] = ("relnotes configuration: relnotes.yaml, or the [tool.relnotes] table of "
                             "pyproject.toml (the same keys; TOML dates may be written bare). Rules across keys that a schema cannot state, which "
                             "'relnotes check' enforces: every template_sections and patch_sections entry "
                             "is one of sections "
                             "(any case), as is every section a bump list names (each in one list only), and "
                             "sections holds no name twice in any case (the schema "
                             "refuses exact repeats only); a monthly schedule (schedule.cadence, or "
                             "anchor keys set without it) has both anchor_version and anchor_date, "
                             "from the file or its preset; a field's enum default is one of its values; "
                             "credit.line passes the screen an entry's body does; version_files has a "
                             "{version} pattern, no brace pair that looks like a placeholder and is not one, "
                             "and no two patterns of one file where one holds the other.")
    return schema
