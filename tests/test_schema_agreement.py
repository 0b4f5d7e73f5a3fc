"""``relnotes schema`` and ``relnotes check`` agree: one shared table of fragment front
matters and configurations goes through both the real validator (parse_text,
config.from_text) and a real JSON Schema validator (the ``jsonschema`` package, with
format checking as editors do), and each case gets the same answer from both.

A rule that a JSON Schema cannot state (across keys) is marked ``CROSS`` in the table:
there ``check`` refuses and the schema accepts, and the schema's ``description`` says so.
"""

from __future__ import annotations

import json

import pytest

from relnotes.config import load as config
from relnotes.config import schema as config_schema
from relnotes.fragments import fragment

jsonschema = pytest.importorskip("jsonschema", reason="the jsonschema package is not installed")

OK, BAD, CROSS = "ok", "bad", "cross-field: check refuses, the schema cannot say it"
SECTIONS = ("Added", "Changed", "Fixed", "Removed", "Deprecated", "Security")
GHSA = "GHSA-vqjp-4c8c-hfgg"

FRAGMENTS: list[tuple[str, dict, str]] = [
    ("minimal", {"section": "Fixed"}, OK),
    ("summary", {"kind": "summary"}, OK),
    ("summary with order and backport", {"kind": "summary", "order": 2, "backport": True}, OK),
    ("summary with a section", {"kind": "summary", "section": "Fixed"}, BAD),
    ("summary with prs", {"kind": "summary", "prs": [1]}, BAD),
    ("summary with empty prs", {"kind": "summary", "prs": []}, BAD),
    ("summary with breaking", {"kind": "summary", "breaking": False}, BAD),
    ("summary with authors", {"kind": "summary", "authors": ["octocat"]}, BAD),
    ("uncategorised", {"kind": "uncategorised", "prs": [1], "breaking": True}, OK),
    ("uncategorised with a section", {"kind": "uncategorised", "section": "Fixed"}, BAD),
    ("entry kind", {"kind": "entry", "section": "Fixed"}, OK),
    ("entry kind without a section", {"kind": "entry"}, BAD),
    ("kind unknown", {"kind": "summray"}, BAD),
    ("kind unknown with a section", {"kind": "note", "section": "Fixed"}, BAD),
    ("kind null", {"kind": None, "section": "Fixed"}, BAD),
    ("kind in upper case", {"kind": "Summary"}, BAD),
    ("every key", {"section": "Added", "prs": [1, 2], "issues": [3], "advisories": [GHSA],
                   "breaking": True, "backport": False}, OK),
    ("section lower case", {"section": "fixed"}, OK),
    ("section upper case", {"section": "SECURITY"}, OK),
    ("section mixed case", {"section": "dEpReCaTeD"}, OK),
    ("section with blanks", {"section": "  Fixed "}, OK),
    ("section unknown", {"section": "Fixd"}, BAD),
    ("section empty", {"section": ""}, BAD),
    ("section prefix", {"section": "Fix"}, BAD),
    ("section longer", {"section": "Fixedd"}, BAD),
    ("section two names", {"section": "Fixed Added"}, BAD),
    ("section number", {"section": 5}, BAD),
    ("section list", {"section": ["Fixed"]}, BAD),
    ("section null", {"section": None}, BAD),
    ("section missing", {"prs": [1]}, BAD),
    ("empty mapping", {}, BAD),
    ("unknown key", {"section": "Fixed", "pr": [1]}, BAD),
    ("unknown key only", {"sectoin": "Fixed"}, BAD),
    ("prs one number", {"section": "Fixed", "prs": 123}, OK),
    ("prs list", {"section": "Fixed", "prs": [123, 456]}, OK),
    ("prs empty list", {"section": "Fixed", "prs": []}, OK),
    ("prs whole float", {"section": "Fixed", "prs": [12.0]}, OK),
    ("prs scalar whole float", {"section": "Fixed", "prs": 12.0}, OK),
    ("prs fraction", {"section": "Fixed", "prs": [12.5]}, BAD),
    ("prs duplicate", {"section": "Fixed", "prs": [5, 5]}, BAD),
    ("prs duplicate as float", {"section": "Fixed", "prs": [5, 5.0]}, BAD),
    ("prs zero", {"section": "Fixed", "prs": [0]}, BAD),
    ("prs negative", {"section": "Fixed", "prs": [-3]}, BAD),
    ("prs scalar zero", {"section": "Fixed", "prs": 0}, BAD),
    ("prs string", {"section": "Fixed", "prs": "123"}, BAD),
    ("prs string item", {"section": "Fixed", "prs": ["123"]}, BAD),
    ("prs bool", {"section": "Fixed", "prs": [True]}, BAD),
    ("prs null", {"section": "Fixed", "prs": None}, BAD),
    ("prs mapping", {"section": "Fixed", "prs": {"a": 1}}, BAD),
    ("prs nested list", {"section": "Fixed", "prs": [[1]]}, BAD),
    ("prs of 12 digits", {"section": "Fixed", "prs": [10 ** 12 - 1]}, OK),
    ("prs of 13 digits", {"section": "Fixed", "prs": [10 ** 12]}, BAD),
    ("order of 13 digits", {"section": "Fixed", "order": 10 ** 12}, BAD),
    ("issues one number", {"section": "Fixed", "issues": 7}, OK),
    ("issues duplicate", {"section": "Fixed", "issues": [7, 7]}, BAD),
    ("issues negative", {"section": "Fixed", "issues": [-7]}, BAD),
    ("advisory one id", {"section": "Security", "advisories": GHSA}, OK),
    ("advisory list", {"section": "Security", "advisories": [GHSA, "GHSA-vc8c-j3xm-xj73"]}, OK),
    ("advisory duplicate", {"section": "Security", "advisories": [GHSA, GHSA]}, BAD),
    ("advisory malformed", {"section": "Security", "advisories": ["GHSA-1234"]}, BAD),
    ("advisory lower alphabet", {"section": "Security", "advisories": ["GHSA-aaaa-bbbb-cccc"]}, BAD),
    ("advisory number", {"section": "Security", "advisories": [5]}, BAD),
    ("advisory with a line break after it", {"section": "Security", "advisories": [GHSA + "\n"]}, BAD),
    ("advisory null", {"section": "Security", "advisories": None}, BAD),
    ("breaking true", {"section": "Changed", "breaking": True}, OK),
    ("breaking false", {"section": "Changed", "breaking": False}, OK),
    ("breaking string", {"section": "Changed", "breaking": "yes"}, BAD),
    ("breaking number", {"section": "Changed", "breaking": 1}, BAD),
    ("breaking null", {"section": "Changed", "breaking": None}, BAD),
    ("backport true", {"section": "Fixed", "backport": True}, OK),
    ("backport list", {"section": "Fixed", "backport": [True]}, BAD),
    ("order position", {"section": "Fixed", "order": 3}, OK),
    ("order zero", {"section": "Fixed", "order": 0}, OK),
    ("order negative", {"section": "Fixed", "order": -1}, BAD),
    ("order text", {"section": "Fixed", "order": "first"}, BAD),
    ("authors list", {"section": "Fixed", "authors": ["octocat", "@Alice-B", "x1"]}, OK),
    ("authors one handle", {"section": "Fixed", "authors": "octocat"}, OK),
    ("authors empty list", {"section": "Fixed", "authors": []}, OK),
    ("authors same handle in two spellings", {"section": "Fixed", "authors": ["octocat", "@OctoCat"]}, OK),
    ("authors duplicate", {"section": "Fixed", "authors": ["octocat", "octocat"]}, BAD),
    ("authors with markup", {"section": "Fixed", "authors": ["[x](javascript:1)"]}, BAD),
    ("authors with a blank", {"section": "Fixed", "authors": ["octo cat"]}, BAD),
    ("authors with a line break after", {"section": "Fixed", "authors": ["octocat\n"]}, BAD),
    ("authors leading hyphen", {"section": "Fixed", "authors": ["-octocat"]}, BAD),
    ("authors double hyphen", {"section": "Fixed", "authors": ["octo--cat"]}, BAD),
    ("authors 40 characters", {"section": "Fixed", "authors": ["a" * 40]}, BAD),
    ("authors 39 characters", {"section": "Fixed", "authors": ["a" * 39]}, OK),
    ("authors number", {"section": "Fixed", "authors": [1234]}, BAD),
    ("authors too many", {"section": "Fixed", "authors": [f"u{i}" for i in range(21)]}, BAD),
    ("authors null", {"section": "Fixed", "authors": None}, BAD),
]

# The declarations of FIELDS_CONFIG, and front matters checked against them.
FIELDS_CONFIG = {"fields": {
    "component": {"type": "enum", "values": ["cli", "core"], "required": True},
    "effort": {"type": "integer", "default": 1},
    "platforms": {"type": "strings"},
    "summary": {"type": "string"},
    "internal": {"type": "boolean"},
}}
FIELD_FRAGMENTS: list[tuple[str, dict, str]] = [
    ("required only", {"section": "Fixed", "component": "cli"}, OK),
    ("every field", {"section": "Fixed", "component": "core", "effort": -3, "platforms": ["linux"],
                     "summary": "Faster", "internal": False, "authors": ["octocat"]}, OK),
    ("required missing", {"section": "Fixed"}, BAD),
    ("enum other word", {"section": "Fixed", "component": "gui"}, BAD),
    ("enum other case", {"section": "Fixed", "component": "CLI"}, BAD),
    ("enum number", {"section": "Fixed", "component": 1}, BAD),
    ("integer whole float", {"section": "Fixed", "component": "cli", "effort": 2.0}, OK),
    ("integer fraction", {"section": "Fixed", "component": "cli", "effort": 2.5}, BAD),
    ("integer text", {"section": "Fixed", "component": "cli", "effort": "2"}, BAD),
    ("integer bool", {"section": "Fixed", "component": "cli", "effort": True}, BAD),
    ("integer too large", {"section": "Fixed", "component": "cli", "effort": 2 ** 53}, BAD),
    ("strings one text", {"section": "Fixed", "component": "cli", "platforms": "linux"}, BAD),
    ("strings number item", {"section": "Fixed", "component": "cli", "platforms": [1]}, BAD),
    ("strings too many", {"section": "Fixed", "component": "cli", "platforms": ["a"] * 51}, BAD),
    ("strings empty", {"section": "Fixed", "component": "cli", "platforms": []}, OK),
    ("string too long", {"section": "Fixed", "component": "cli", "summary": "x" * 501}, BAD),
    ("string longest", {"section": "Fixed", "component": "cli", "summary": "x" * 500}, OK),
    ("string line break", {"section": "Fixed", "component": "cli", "summary": "a\nb"}, BAD),
    ("string final line break", {"section": "Fixed", "component": "cli", "summary": "a\n"}, BAD),
    ("string null", {"section": "Fixed", "component": "cli", "summary": None}, BAD),
    ("boolean text", {"section": "Fixed", "component": "cli", "internal": "yes"}, BAD),
    ("unknown custom key", {"section": "Fixed", "component": "cli", "componet": "cli"}, BAD),
]

CONFIGS: list[tuple[str, dict, str]] = [
    ("empty", {}, OK),
    ("project and repository", {"project": "Demo", "repository": "https://example.org/demo"}, OK),
    ("unknown key", {"sectons": ["A"]}, BAD),
    ("unknown nested key", {"links": {"pull": "{repository}/pull/{number}"}}, BAD),
    ("sections", {"sections": ["Added", "Fixed"], "template_sections": ["Added"]}, OK),
    ("sections empty", {"sections": []}, BAD),
    ("sections duplicate", {"sections": ["Added", "Added"]}, BAD),
    ("sections duplicate in another case", {"sections": ["Added", "added", "Changed"]}, CROSS),
    ("sections not a list", {"sections": "Fixed"}, BAD),
    ("sections number item", {"sections": ["Added", 5]}, BAD),
    ("template section unknown", {"template_sections": ["Foo"]}, CROSS),
    ("template section other case", {"template_sections": ["added"]}, OK),
    ("patch section", {"patch_sections": ["Fixed"]}, OK),
    ("patch section unknown", {"patch_sections": ["Bugs"]}, CROSS),
    ("lts_since 0", {"support": {"lts_since": 0}}, OK),
    ("cut_day 0", {"schedule": {"cut_day": 0}}, BAD),
    ("cut_day 32", {"schedule": {"cut_day": 32}}, BAD),
    ("cut_day 29", {"schedule": {"cut_day": 29}}, BAD),
    ("cut_day 1 and release_day 28", {"schedule": {"cut_day": 1, "release_day": 28}}, OK),
    ("cut_day whole float", {"schedule": {"cut_day": 7.0}}, OK),
    ("cut_day string", {"schedule": {"cut_day": "five"}}, BAD),
    ("anchor_version negative", {"schedule": {"anchor_version": -1}}, BAD),
    ("anchor_date", {"schedule": {"anchor_date": "2025-01-20", "anchor_version": 3}}, OK),
    ("anchor_date without anchor_version", {"schedule": {"anchor_date": "2025-01-20"}}, CROSS),
    ("cadence monthly without anchors", {"schedule": {"cadence": "monthly"}}, CROSS),
    ("cadence monthly from the wasmtime preset", {"preset": "wasmtime", "schedule": {"cadence": "monthly"}}, OK),
    ("cadence none", {"schedule": {"cadence": "none"}}, OK),
    ("cadence weekly", {"schedule": {"cadence": "weekly"}}, BAD),
    ("lts_every null", {"support": {"lts_every": None}}, OK),
    ("anchor_date not a date", {"schedule": {"anchor_date": "2024-02-30"}}, BAD),
    ("anchor_date compact", {"schedule": {"anchor_date": "20240420"}}, BAD),
    ("anchor_date with a line break", {"schedule": {"anchor_date": "2024-04-20\n"}}, BAD),
    ("weekend monday", {"schedule": {"weekend": "monday"}}, OK),
    ("weekend other", {"schedule": {"weekend": "sunday"}}, BAD),
    ("lts_every 0", {"support": {"lts_every": 0}}, BAD),
    ("lts_every 12", {"support": {"lts_every": 12}}, OK),
    ("lts_months null", {"support": {"lts_months": None, "lts_releases": 10}}, OK),
    ("lts_months 0", {"support": {"lts_months": 0}}, BAD),
    ("normal_months too many", {"support": {"normal_months": 1201}}, BAD),
    ("nested table null", {"links": None}, OK),
    ("nested table not a mapping", {"support": [1]}, BAD),
    ("link default", {"links": {"pr": "{repository}/pull/{number}"}}, OK),
    ("link with {num}", {"links": {"pr": "{repository}/pull/{num}"}}, BAD),
    ("link placeholder of another key", {"links": {"advisory": "{repository}/{number}"}}, BAD),
    ("link attribute", {"links": {"pr": "{number.__class__}"}}, BAD),
    ("link format spec", {"links": {"pr": "{number:>5}"}}, BAD),
    ("link conversion", {"links": {"pr": "{number!r}"}}, BAD),
    ("link doubled braces", {"links": {"pr": "{{x}}/{number}"}}, OK),
    ("link lone brace", {"links": {"pr": "x/{"}}, BAD),
    ("link lone closing brace", {"links": {"pr": "x}/{number}"}}, BAD),
    ("link without placeholder", {"links": {"issue": "https://example.org/issues"}}, OK),
    ("release_branch", {"release_branch": "v{version}"}, OK),
    ("release_branch without version", {"release_branch": "release"}, BAD),
    ("release_branch version twice", {"release_branch": "r-{version}-{version}"}, BAD),
    ("tag", {"tag": "release-{version}"}, OK),
    ("tag without version", {"tag": "latest"}, BAD),
    ("notes_file nested", {"notes_file": "docs/RELEASES.md"}, OK),
    ("notes_file with dots in a name", {"notes_file": "docs/a..b.md"}, OK),
    ("notes_file parent", {"notes_file": "../outside.md"}, BAD),
    ("notes_file inner parent", {"notes_file": "docs/../../x.md"}, BAD),
    ("fragments_dir absolute", {"fragments_dir": "/etc"}, BAD),
    ("fragments_dir in the git directory", {"fragments_dir": ".GIT/hooks"}, BAD),
    ("notes_file named like git", {"notes_file": "docs/.github/x.md"}, OK),
    ("fragments_dir backslash absolute", {"fragments_dir": "\\etc"}, BAD),
    ("templates_dir drive", {"templates_dir": "C:tmp"}, BAD),
    ("templates_dir blank", {"templates_dir": "  "}, BAD),
    ("order file", {"order": "file"}, OK),
    ("order random", {"order": "random"}, BAD),
    ("archive since", {"archive": {"since": "1.0.0"}}, OK),
    ("archive since not a version", {"archive": {"since": "one"}}, BAD),
    ("archive since a number", {"archive": {"since": 1}}, BAD),
    ("version file", {"version_files": [{"path": "Cargo.toml", "pattern": 'version = "{version}"'}]}, OK),
    ("version file without {version}", {"version_files": [{"path": "Cargo.toml", "pattern": 'version = "1"'}]}, BAD),
    ("version file outside", {"version_files": [{"path": "../x", "pattern": "{version}"}]}, BAD),
    ("version file extra key", {"version_files": [{"path": "x", "pattern": "{version}", "n": 1}]}, BAD),
    ("version file missing pattern", {"version_files": [{"path": "x"}]}, BAD),
    ("version files derived", {"version_files": [{"path": "a", "pattern": 'v = "{version}"'},
                                                 {"path": "b.h", "pattern": "X {major+87}"}]}, OK),
    ("version file bad placeholder only", {"version_files": [{"path": "a", "pattern": "X {majr}"}]}, BAD),
    ("version file pattern too long", {"version_files": [{"path": "a", "pattern": "{version}" + "x" * 500}]}, BAD),
    ("hooks", {"hooks": {"bump": [["cargo", "fetch"], ["cargo", "vet"]], "timeout": 60}}, OK),
    ("hooks empty command", {"hooks": {"bump": [[]]}}, BAD),
    ("hooks a string", {"hooks": {"bump": "cargo fetch"}}, BAD),
    ("hooks argument not a string", {"hooks": {"bump": [["cargo", 1]]}}, BAD),
    ("hooks argument with NUL", {"hooks": {"bump": [["a\x00b"]]}}, BAD),
    ("hooks timeout zero", {"hooks": {"timeout": 0}}, BAD),
    ("check lists", {"check": {"exempt_paths": ["docs/**"], "skip_labels": [], "skip_marker": "no notes"}}, OK),
    ("check labels not strings", {"check": {"skip_labels": [1]}}, BAD),
    ("commit message", {"commit": {"cut": "Bump to {version}"}}, OK),
    ("project not a string", {"project": ["x"]}, BAD),
    ("fields", FIELDS_CONFIG, OK),
    ("fields null", {"fields": None}, OK),
    ("fields a list", {"fields": ["a"]}, BAD),
    ("field reserved name", {"fields": {"section": {"type": "string"}}}, BAD),
    ("field dict method name", {"fields": {"keys": {"type": "string"}}}, BAD),
    ("field upper-case name", {"fields": {"Team": {"type": "string"}}}, BAD),
    ("field name too long", {"fields": {"a" * 33: {"type": "string"}}}, BAD),
    ("field without type", {"fields": {"a": {"required": True}}}, BAD),
    ("field unknown type", {"fields": {"a": {"type": "float"}}}, BAD),
    ("field unknown key", {"fields": {"a": {"type": "string", "requird": True}}}, BAD),
    ("field enum without values", {"fields": {"a": {"type": "enum"}}}, BAD),
    ("field values on a string", {"fields": {"a": {"type": "string", "values": ["x"]}}}, BAD),
    ("field enum value with markup", {"fields": {"a": {"type": "enum", "values": ["<b>"]}}}, BAD),
    ("field enum value repeated", {"fields": {"a": {"type": "enum", "values": ["x", "x"]}}}, BAD),
    ("field required with default", {"fields": {"a": {"type": "string", "required": True, "default": "x"}}}, BAD),
    ("field optional with default", {"fields": {"a": {"type": "string", "required": False, "default": "x"}}}, OK),
    ("field default of another type", {"fields": {"a": {"type": "integer", "default": "x"}}}, BAD),
    ("field boolean default", {"fields": {"a": {"type": "boolean", "default": True}}}, OK),
    ("field strings default", {"fields": {"a": {"type": "strings", "default": ["x"]}}}, OK),
    ("field enum default one of values", {"fields": {"a": {"type": "enum", "values": ["x"], "default": "x"}}}, OK),
    ("field enum default not a value", {"fields": {"a": {"type": "enum", "values": ["x"], "default": "y"}}}, CROSS),
    ("field description not text", {"fields": {"a": {"type": "string", "description": 5}}}, BAD),
    ("field required not a flag", {"fields": {"a": {"type": "string", "required": "yes"}}}, BAD),
    ("fields too many", {"fields": {f"f{i}": {"type": "string"} for i in range(33)}}, BAD),
    ("credit mention", {"credit": {"style": "mention", "line": "Merci {authors} !"}}, OK),
    ("credit none", {"credit": {"style": "none"}}, OK),
    ("credit other style", {"credit": {"style": "emoji"}}, BAD),
    ("credit line without authors", {"credit": {"line": "Thanks"}}, BAD),
    ("credit line authors twice", {"credit": {"line": "{authors} {authors}"}}, BAD),
    ("credit line doubled braces", {"credit": {"line": "{{thanks}} {authors}"}}, OK),
    ("credit line two lines", {"credit": {"line": "Thanks\n{authors}"}}, BAD),
    ("credit line too long", {"credit": {"line": "x" * 200 + "{authors}"}}, BAD),
    ("credit line a heading", {"credit": {"line": "## {authors}"}}, CROSS),
    ("author link", {"links": {"author": "https://gitlab.com/{handle}"}}, OK),
    ("author link other placeholder", {"links": {"author": "https://gitlab.com/{number}"}}, BAD),
    ("projects", {"projects": [{"name": "cli", "path": "cli", "tag": "cli-v{version}"}, "core"]}, OK),
    ("project path up", {"projects": [{"path": "../x"}]}, BAD),
    ("project bare path into git", {"projects": [".git"]}, BAD),
    ("project name with a space", {"projects": [{"name": "a b", "path": "x"}]}, BAD),
    ("project name ends in a newline", {"projects": [{"name": "cli\n", "path": "x"}]}, BAD),
    ("project name too long", {"projects": [{"name": "a" * 65, "path": "x"}]}, BAD),
    ("project without path", {"projects": [{"name": "x"}]}, BAD),
    ("project unknown key", {"projects": [{"path": "x", "nope": 1}]}, BAD),
    ("project nested projects", {"projects": [{"path": "x", "projects": []}]}, BAD),
    ("projects not a list", {"projects": {"cli": "cli"}}, BAD),
    ("project out of bounds", {"projects": [{"path": "x", "support": {"lts_every": 0}}]}, BAD),
    ("versioning semver", {"versioning": "semver"}, OK),
    ("versioning major-per-release", {"versioning": "major-per-release"}, OK),
    ("versioning calendar", {"versioning": "calver"}, OK),
    ("versioning pep440", {"versioning": "pep440"}, OK),
    ("versioning unknown", {"versioning": "calendar"}, BAD),
    ("calver format", {"versioning": "calver", "calver": "YYYY.0M.0D"}, OK),
    ("calver format unknown", {"calver": "MM.YY"}, BAD),
    ("branching one-branch", {"branching": "one-branch"}, OK),
    ("branching release-branches", {"branching": "release-branches"}, OK),
    ("branching trunk", {"branching": "trunk"}, BAD),
    ("base_version", {"base_version": "1.3.0"}, OK),
    ("base_version empty", {"base_version": ""}, OK),
    ("base_version another scheme's", {"base_version": "26.3"}, OK),  # calver, pep440: read by versioning's
    ("base_version not a version", {"base_version": "1.3 beta"}, BAD),
    ("base_version a word", {"base_version": "latest"}, BAD),
    ("base_version a number", {"base_version": 1}, BAD),
    ("bump lists", {"bump": {"major": ["Removed", "Changed"], "minor": ["Added"], "default": "minor"}}, OK),
    ("bump default unknown", {"bump": {"default": "huge"}}, BAD),
    ("bump zero_shift not bool", {"bump": {"zero_shift": "yes"}}, BAD),
    ("bump names an unknown section", {"bump": {"major": ["Breaking"]}}, CROSS),
    ("bump names a section twice", {"bump": {"major": ["Added"], "minor": ["added"]}}, CROSS),
    ("breaking style prefix", {"breaking_changes": {"style": "prefix", "prefix": "⚠️ **Breaking:** "}}, OK),
    ("breaking style unknown", {"breaking_changes": {"style": "bold"}}, BAD),
    ("breaking prefix a list marker", {"breaking_changes": {"prefix": "- Breaking: "}}, BAD),
    ("breaking prefix a heading", {"breaking_changes": {"prefix": "## 99.0.0 "}}, BAD),
    ("breaking prefix two lines", {"breaking_changes": {"prefix": "a\n## 9.9.9"}}, BAD),
    ("breaking prefix a link", {"breaking_changes": {"prefix": "[x](javascript:alert(1)) "}}, BAD),
    ("breaking prefix a lone bracket", {"breaking_changes": {"prefix": "[x"}}, BAD),
    ("breaking prefix a fence", {"breaking_changes": {"prefix": "~~~ "}}, BAD),
    ("breaking prefix empty", {"breaking_changes": {"prefix": ""}}, BAD),
    ("breaking heading", {"breaking_changes": {"heading": "⚠ Breaking changes"}}, OK),
    ("breaking heading closing hash", {"breaking_changes": {"heading": "Breaking #"}}, BAD),
    ("breaking heading html", {"breaking_changes": {"heading": "<b>Breaking</b>"}}, BAD),
    ("breaking heading newline", {"breaking_changes": {"heading": "Breaking\n## 1.0.0"}}, BAD),
]


def _validator(schema: dict):
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def _fragment_text(front: dict) -> str:
    lines = "".join(f"{k}: {json.dumps(v)}\n" for k, v in front.items())
    return f"---\n{lines}---\nA change users notice.\n"


def test_the_tables_are_large_enough():
    assert len(FRAGMENTS) >= 40 and len(CONFIGS) >= 30
    assert len({n for n, _, _ in FRAGMENTS}) == len(FRAGMENTS) and len({n for n, _, _ in CONFIGS}) == len(CONFIGS)


@pytest.mark.parametrize("name, front, expected", FRAGMENTS, ids=[c[0] for c in FRAGMENTS])
def test_fragment_check_and_schema_agree(name, front, expected):
    _, problems = fragment.parse_text(_fragment_text(front), "changes.d/x.md", SECTIONS)
    by_check = OK if not problems else BAD
    errors = list(_validator(fragment.json_schema(SECTIONS)).iter_errors(front))
    by_schema = OK if not errors else BAD
    assert (by_check, by_schema) == (expected, expected), (problems, [e.message for e in errors])


@pytest.mark.parametrize("name, front, expected", FIELD_FRAGMENTS, ids=[c[0] for c in FIELD_FRAGMENTS])
def test_custom_field_check_and_schema_agree(tmp_path, name, front, expected):
    cfg = config.from_text(json.dumps(FIELDS_CONFIG), tmp_path / "relnotes.yaml", tmp_path, use_cache=False)
    _, problems = fragment.parse_text(_fragment_text(front), "changes.d/x.md", SECTIONS, fields=cfg.fields)
    by_check = OK if not problems else BAD
    errors = list(_validator(fragment.json_schema(SECTIONS, cfg.fields)).iter_errors(front))
    by_schema = OK if not errors else BAD
    assert (by_check, by_schema) == (expected, expected), (problems, [e.message for e in errors])


@pytest.mark.parametrize("name, data, expected", CONFIGS, ids=[c[0] for c in CONFIGS])
def test_config_check_and_schema_agree(tmp_path, name, data, expected):
    try:
        config.from_text(json.dumps(data), tmp_path / "relnotes.yaml", tmp_path, use_cache=False)
        by_check, why = OK, ""
    except config.ConfigError as e:
        by_check, why = BAD, e.message
    errors = list(_validator(config_schema.json_schema()).iter_errors(data))
    by_schema = OK if not errors else BAD
    want = (BAD, OK) if expected == CROSS else (expected, expected)
    assert (by_check, by_schema) == want, (why, [e.message for e in errors])


def test_cross_field_rules_are_described_in_the_schema():
    schema = config_schema.json_schema()
    assert "template_sections" in schema["description"] and "any case" in schema["description"]
    assert "one of 'sections'" in schema["properties"]["template_sections"]["description"]
    assert "no name twice" in schema["properties"]["sections"]["description"]
    assert "across files" in fragment.json_schema(SECTIONS)["description"]


def test_two_same_sections_name_the_duplicate_not_a_template_section(tmp_path):
    with pytest.raises(config.ConfigError) as e:
        config.from_text("sections: [Added, Added]\n", tmp_path / "relnotes.yaml", tmp_path, use_cache=False)
    assert e.value.message.endswith("relnotes.yaml:1:1: 'sections' lists 'Added' twice; name each section once")
    assert "Changed" not in e.value.message


def test_schema_command_prints_the_generated_schemas(project):
    r = project.run("schema", "all")
    assert r.exit_code == 0
    both = json.loads(r.stdout)
    assert both["config"] == config_schema.json_schema()
    assert both["fragment"] == fragment.json_schema(SECTIONS)
