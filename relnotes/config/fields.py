"""Custom fragment fields: what ``fields:`` in ``relnotes.yaml`` may declare, and how a
fragment's value for a declared field is checked.

A project adds its own front-matter keys (a component, an effort estimate, a list of
affected platforms) without forking the fragment format.  Each rule is written once
here and read by three consumers, so none can drift: the configuration check (with
``file:line:col``), the fragment check in :mod:`relnotes.fragments.schema`, and both
JSON Schemas (``relnotes schema config`` and ``relnotes schema fragment``).

A declared value is data like an entry's body: a text value is one line, bounded, and
goes through the body's screen (:func:`relnotes.markdown.screen.body_problems`), so a
template that prints it cannot be made to print notes structure.  Names are safe
identifiers that no built-in key, Python or Jinja keyword or ``dict`` method shadows,
so ``fragment.fields.NAME`` in a template always means the field.
"""

from __future__ import annotations

import re
from functools import partial
from typing import Any, Callable, NamedTuple

from relnotes.errors import ConfigError, UsageError, quoted

TYPES = ("string", "integer", "strings", "boolean", "enum")
NAME_PATTERN = r"^[a-z][a-z0-9_]{0,31}(?![\s\S])"
# front matter built-ins (fragment_schema.FIELDS, authors included), Python and Jinja
# words, and the attributes a dict answers before its keys in a template
RESERVED = frozenset(
    "section prs issues advisories breaking backport authors order fields "
    "and as assert async await break class continue def del elif else except finally for from global if "
    "import in is lambda nonlocal not or pass raise return try while with yield true false none "
    "clear copy fromkeys get items keys pop popitem setdefault update values".split())
MAX_FIELDS = 32
MAX_TEXT = 500  # characters in a text value (a string field, one item of a strings field)
MAX_ITEMS = 50  # items in a strings field
MAX_ENUM_VALUES = 64
MAX_DESCRIPTION = 500
INTEGER_RANGE = (-(2 ** 53 - 1), 2 ** 53 - 1)  # whole numbers every JSON reader holds exactly
ONE_LINE = r"^[^\r\n]*(?![\s\S])"  # Python and ECMA-262 alike: no line break anywhere
SPEC_KEYS = ("type", "required", "description", "values", "default")

Report = Callable[[str, str], None]  # (code, message) for one field's value


class FieldSpec(NamedTuple):
    """One declared field, immutable and hashable (it salts the parse cache)."""

    name: str
    type: str
    required: bool = False
    description: str = ""
    values: tuple[str, ...] = ()  # the words of an enum
    default: Any = None  # a strings default is a tuple

    def as_dict(self) -> dict:
        return {"name": self.name, "type": self.type, "required": self.required,
                "description": self.description, "values": list(self.values),
                "default": list(self.default) if isinstance(self.default, tuple) else self.default}


def specs(values: dict) -> tuple[FieldSpec, ...]:
    """The validated ``fields`` mapping (as the config check returns it) as FieldSpecs."""
    out = []
    for name, spec in values.items():
        default = spec.get("default")
        out.append(FieldSpec(name, spec["type"], bool(spec.get("required", False)),
                             spec.get("description", ""), tuple(spec.get("values", ())),
                             tuple(default) if isinstance(default, list) else default))
    return tuple(out)


# -- a fragment's value ----------------------------------------------------------------------


def check_value(spec: FieldSpec, value: Any, report: Report, screen: Callable[[str], list[str]] | None = None) -> Any:
    """The normalised value of ``spec`` in a fragment, or None after reporting why not.

    ``screen`` returns the body-screen messages for one text (None: not screened).
    """
    name, kind = spec.name, spec.type
    if kind == "boolean":
        if isinstance(value, bool):
            return value
        report(f"{name}-type", f"'{name}' must be true or false, not {quoted(value)}")
        return None
    if kind == "integer":
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # JSON counts 12.0 as the whole number 12
        if isinstance(value, bool) or not isinstance(value, int):
            report(f"{name}-type", f"'{name}' must be a whole number, not {quoted(value)}")
            return None
        low, high = INTEGER_RANGE
        if not low <= value <= high:
            report(f"{name}-range", f"'{name}' must be from {low} to {high}")
            return None
        return value
    if kind == "enum":
        if isinstance(value, str) and value in spec.values:
            return value
        import difflib

        close = difflib.get_close_matches(str(value), spec.values, n=1, cutoff=0.5) if isinstance(value, str) else []
        hint = f"; did you mean '{close[0]}'?" if close else ""
        report(f"{name}-value", f"'{name}' must be one of {', '.join(spec.values)}, not {quoted(value)}{hint}")
        return None
    if kind == "string":
        return _text(name, value, report, screen)
    if kind == "strings":
        if not isinstance(value, list):
            report(f"{name}-type", f"'{name}' must be a list of texts, like [a, b], not {quoted(value)}")
            return None
        if len(value) > MAX_ITEMS:
            report(f"{name}-size", f"'{name}' lists {len(value)} items; at most {MAX_ITEMS} are allowed")
            return None
        items = [_text(name, item, report, screen) for item in value]
        return None if any(i is None for i in items) else tuple(items)
    raise AssertionError(kind)  # pragma: no cover


def _text(name: str, value: Any, report: Report, screen) -> str | None:
    if not isinstance(value, str):
        report(f"{name}-type", f"'{name}' must be text, not {quoted(value)}")
        return None
    if len(value) > MAX_TEXT:
        report(f"{name}-size", f"'{name}' is {len(value)} characters long; at most {MAX_TEXT} are allowed")
        return None
    if not re.match(ONE_LINE, value):
        report(f"{name}-line", f"'{name}' must be one line of text (no line breaks)")
        return None
    for message in screen(value) if screen is not None else ():
        report(f"{name}-markup", f"'{name}': {message}")
        return None
    return value


def value_schema(spec: FieldSpec) -> dict:
    """The JSON Schema of a fragment's value for ``spec`` (the rules of :func:`check_value`
    that a schema can state; the body screen of texts is ``check``'s alone)."""
    text = {"type": "string", "maxLength": MAX_TEXT, "pattern": ONE_LINE}
    bodies: dict[str, dict] = {
        "boolean": {"type": "boolean"},
        "integer": {"type": "integer", "minimum": INTEGER_RANGE[0], "maximum": INTEGER_RANGE[1]},
        "enum": {"enum": list(spec.values)},
        "string": text,
        "strings": {"type": "array", "items": text, "maxItems": MAX_ITEMS},
    }
    body = bodies[spec.type]
    out = {**body, "description": spec.description or f"A custom {spec.type} field (relnotes.yaml 'fields')."}
    if spec.default is not None:
        out["default"] = list(spec.default) if isinstance(spec.default, tuple) else spec.default
    return out


# -- the configuration -----------------------------------------------------------------------


def _line_of(mapping: Any, key: Any) -> tuple[int, int]:
    try:
        line, col = mapping.lc.key(key)
        return line + 1, col + 1
    except Exception:
        return 0, 0


def coerce_config(value: Any, where: str, locate: Callable[[int, int], str]) -> dict:
    """Validate the ``fields`` mapping of relnotes.yaml; ConfigError at the first problem.

    ``where`` is the ``file:line:col`` of the ``fields`` key; ``locate(line, col)`` makes
    one for a position inside it (0, 0: unknown, use ``where``).
    """
    def at(mapping: Any, key: Any) -> str:
        line, col = _line_of(mapping, key)
        return locate(line, col) if line else where

    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: 'fields' must be a mapping of field names to declarations",
                          hint="fields: {component: {type: enum, values: [cli, core]}}")
    if len(value) > MAX_FIELDS:
        raise ConfigError(f"{where}: 'fields' declares {len(value)} fields; at most {MAX_FIELDS} are allowed")
    out: dict[str, dict] = {}
    for name, decl in value.items():
        here = at(value, name)
        if not isinstance(name, str) or not re.match(NAME_PATTERN, name):
            raise ConfigError(f"{here}: field name {quoted(name)} is not a safe identifier",
                              hint="use lower-case letters, digits and '_', starting with a letter (at most 32)")
        if name in RESERVED:
            raise ConfigError(f"{here}: field name '{name}' is reserved (a built-in fragment key or a word "
                              f"templates give another meaning)", hint="choose another name, e.g. 'my_" + name + "'")
        out[name] = _declaration(name, decl, here, partial(at, decl))
    return out


def _declaration(name: str, decl: Any, where: str, at: Callable[[str], str]) -> dict:
    full = f"fields.{name}"
    if not isinstance(decl, dict):
        raise ConfigError(f"{where}: '{full}' must be a mapping with a 'type'",
                          hint=f"{name}: {{type: string}}; types: {', '.join(TYPES)}")
    for key in decl:
        if key not in SPEC_KEYS:
            import difflib

            close = difflib.get_close_matches(str(key), SPEC_KEYS, n=1, cutoff=0.5)
            hint = f" — did you mean '{full}.{close[0]}'?" if close else ""
            raise ConfigError(f"{at(key)}: unknown key '{full}.{key}'{hint}",
                              hint=f"valid keys here: {', '.join(SPEC_KEYS)}")
    kind = decl.get("type")
    if kind not in TYPES:
        raise ConfigError(f"{at('type') if 'type' in decl else where}: '{full}.type' must be one of "
                          f"{', '.join(TYPES)}, not {quoted(kind)}")
    required = decl.get("required", False)
    if not isinstance(required, bool):
        raise ConfigError(f"{at('required')}: '{full}.required' must be true or false, not {quoted(required)}")
    description = decl.get("description", "")
    if not isinstance(description, str) or len(description) > MAX_DESCRIPTION:
        raise ConfigError(f"{at('description')}: '{full}.description' must be a text of at most "
                          f"{MAX_DESCRIPTION} characters")
    out: dict[str, Any] = {"type": kind, "required": required, "description": description}
    if kind == "enum":
        out["values"] = _enum_values(full, decl.get("values"), at("values") if "values" in decl else where)
    elif "values" in decl:
        raise ConfigError(f"{at('values')}: '{full}.values' is only for type enum")
    if "default" in decl:
        if required:
            raise ConfigError(f"{at('default')}: '{full}' is required, so it cannot have a default",
                              hint="drop 'default', or make the field optional (required: false)")
        spec = FieldSpec(name, kind, values=tuple(out.get("values", ())))
        problems: list[str] = []
        default = check_value(spec, decl["default"], lambda code, msg: problems.append(msg))
        if problems:
            raise ConfigError(f"{at('default')}: default of '{full}': {problems[0]}")
        out["default"] = list(default) if isinstance(default, tuple) else default
    return out


def _enum_values(full: str, values: Any, where: str) -> list[str]:
    if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
        raise ConfigError(f"{where}: '{full}.values' must be a non-empty list of words",
                          hint="values: [cranelift, wasmtime, wasi]")
    if len(values) > MAX_ENUM_VALUES:
        raise ConfigError(f"{where}: '{full}.values' lists {len(values)} words; at most {MAX_ENUM_VALUES}")
    for v in values:
        if not re.match(ENUM_VALUE_PATTERN, v):
            raise ConfigError(f"{where}: '{full}.values': {quoted(v)} is not a word (letters, digits, '.', "
                              f"'_', '-' and '/' only, at most 64 characters)")
    if len(set(values)) != len(values):
        raise ConfigError(f"{where}: '{full}.values' lists a word twice")
    return [str(v) for v in values]


# a word a contributor types and a template prints: nothing Markdown could read as markup
ENUM_VALUE_PATTERN = r"^[A-Za-z0-9](?:[A-Za-z0-9._/-]{0,62}[A-Za-z0-9])?(?![\s\S])"


def config_schema(description: str) -> dict:
    """The JSON Schema of ``fields`` in relnotes.yaml (rules as :func:`coerce_config`)."""
    text_default = {"type": "string", "maxLength": MAX_TEXT, "pattern": ONE_LINE}
    defaults = {
        "string": text_default,
        "integer": {"type": "integer", "minimum": INTEGER_RANGE[0], "maximum": INTEGER_RANGE[1]},
        "strings": {"type": "array", "items": text_default, "maxItems": MAX_ITEMS},
        "boolean": {"type": "boolean"},
        "enum": {"type": "string"},  # one of its own values: across keys, check's rule
    }
    per_type = [{"if": {"properties": {"type": {"const": t}}},
                 "then": {"properties": {"default": d}}} for t, d in defaults.items()]
    declaration = {
        "type": "object",
        "additionalProperties": False,
        "required": ["type"],
        "properties": {
            "type": {"enum": list(TYPES)},
            "required": {"type": "boolean", "default": False},
            "description": {"type": "string", "maxLength": MAX_DESCRIPTION},
            "values": {"type": "array", "minItems": 1, "maxItems": MAX_ENUM_VALUES, "uniqueItems": True,
                       "items": {"type": "string", "pattern": ENUM_VALUE_PATTERN}},
            "default": {},
        },
        "allOf": [
            {"if": {"properties": {"type": {"const": "enum"}}},
             "then": {"required": ["values"]}, "else": {"not": {"required": ["values"]}}},
            {"if": {"properties": {"required": {"const": True}}, "required": ["required"]},
             "then": {"not": {"required": ["default"]}}},
            *per_type,
        ],
    }
    return {"type": ["object", "null"], "maxProperties": MAX_FIELDS,
            "propertyNames": {"pattern": NAME_PATTERN, "not": {"enum": sorted(RESERVED)}},
            "additionalProperties": declaration, "description": description, "default": {}}


# -- ``relnotes new --field NAME=VALUE`` -----------------------------------------------------


def cli_values(declared: tuple[FieldSpec, ...], given: list[str]) -> dict[str, Any]:
    """``--field NAME=VALUE`` options as typed values (a strings field collects repeats);
    a UsageError names the option.  Values are checked again with the whole fragment."""
    by_name = {s.name: s for s in declared}
    out: dict[str, Any] = {}
    for item in given:
        name, sep, text = item.partition("=")
        name = name.strip()
        if not sep:
            raise UsageError(f"--field {quoted(item)}: write it as NAME=VALUE", hint="e.g. --field component=cli")
        spec = by_name.get(name)
        if spec is None:
            import difflib

            close = difflib.get_close_matches(name, list(by_name), n=1, cutoff=0.5)
            hint = (f"did you mean '{close[0]}'?" if close else
                    f"declared fields: {', '.join(by_name)}" if by_name else
                    "declare custom fields under 'fields:' in relnotes.yaml")
            raise UsageError(f"--field {name}: no such field", hint=hint)
        if spec.type == "strings":
            out.setdefault(name, []).append(text)
            continue
        if name in out:
            raise UsageError(f"--field {name}: given twice", hint="a field that is not a list takes one value")
        out[name] = _typed(spec, text)
    return out


def _typed(spec: FieldSpec, text: str) -> Any:
    if spec.type == "integer":
        try:
            return int(text.strip())
        except ValueError:
            raise UsageError(f"--field {spec.name}={text}: not a whole number", hint=f"e.g. --field {spec.name}=3") from None
    if spec.type == "boolean":
        word = text.strip().lower()
        if word in ("true", "yes", "1", "on"):
            return True
        if word in ("false", "no", "0", "off"):
            return False
        raise UsageError(f"--field {spec.name}={text}: not true or false", hint=f"e.g. --field {spec.name}=true")
    return text
