"""Custom fragment fields (``fields:`` in relnotes.yaml) and contributor credit (``authors``).

The declarations are checked with ``file:line:col``; a fragment's values are checked like
the built-in keys (every problem at once, located, did-you-mean over custom names too),
and agree with the JSON Schema ``relnotes schema fragment`` prints (checked with the
``jsonschema`` package, on hostile values from hypothesis).  Handles and the credit line
are data: whatever a fragment says, the credit line cannot change the notes' structure.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relnotes.config import fields as custom_fields
from relnotes.config import load as config
from relnotes.config import schema as config_schema
from relnotes.config.fields import FieldSpec, check_value, value_schema
from relnotes.errors import ConfigError
from relnotes.fragments import fragment
from relnotes.fragments import schema as fragment_schema
from relnotes.markdown.screen import body_problems
from relnotes.render.environment import Renderer

jsonschema = pytest.importorskip("jsonschema", reason="the jsonschema package is not installed")

SECTIONS = ("Added", "Changed", "Fixed", "Removed", "Deprecated", "Security")
FIELDS_YAML = """\
project: Demo
repository: https://github.com/acme/demo
fields:
  component:
    type: enum
    values: [cli, core, docs]
    required: true
    description: Which part of Demo changed.
  effort:
    type: integer
    default: 1
  platforms:
    type: strings
  summary:
    type: string
  internal:
    type: boolean
    default: false
"""
ROOT = Path(__file__).resolve().parent.parent


def _cfg(tmp_path: Path, text: str = FIELDS_YAML) -> config.Config:
    return config.from_text(text, tmp_path / "relnotes.yaml", tmp_path, use_cache=False)


def _config_error(tmp_path: Path, text: str) -> str:
    with pytest.raises(ConfigError) as e:
        _cfg(tmp_path, text)
    return e.value.message + " | " + (e.value.hint or "")


def _validator(schema: dict):
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def _parse(cfg, front: str, body: str = "A change users notice.\n"):
    return fragment.parse_text(f"---\n{front}---\n{body}", "changes.d/x.md", cfg.sections, fields=cfg.fields)


# -- the declarations ------------------------------------------------------------------------


def test_declared_fields_load_in_order_with_their_types(tmp_path):
    cfg = _cfg(tmp_path)
    assert [(s.name, s.type, s.required) for s in cfg.fields] == [
        ("component", "enum", True), ("effort", "integer", False), ("platforms", "strings", False),
        ("summary", "string", False), ("internal", "boolean", False)]
    assert cfg.fields[0].values == ("cli", "core", "docs") and cfg.fields[1].default == 1
    assert _cfg(tmp_path, "project: x\n").fields == ()


@pytest.mark.parametrize("text, expected", [
    ("fields:\n  section:\n    type: string\n", "relnotes.yaml:2:3: field name 'section' is reserved"),
    ("fields:\n  authors: {type: strings}\n", "relnotes.yaml:2:3: field name 'authors' is reserved"),
    ("fields:\n  items: {type: string}\n", "field name 'items' is reserved"),
    ("fields:\n  for: {type: string}\n", "field name 'for' is reserved"),
    ("fields:\n  Component: {type: string}\n", "relnotes.yaml:2:3: field name 'Component' is not a safe identifier"),
    ("fields:\n  a-b: {type: string}\n", "'a-b' is not a safe identifier"),
    ("fields:\n  x: {type: strng}\n", "relnotes.yaml:2:7: 'fields.x.type' must be one of string, integer"),
    ("fields:\n  x: {}\n", "'fields.x.type' must be one of"),
    ("fields:\n  x: string\n", "'fields.x' must be a mapping with a 'type'"),
    ("fields:\n  x:\n    type: enum\n    valus: [a]\n", "relnotes.yaml:4:5: unknown key 'fields.x.valus' — did you mean 'fields.x.values'?"),
    ("fields:\n  x: {type: enum}\n", "'fields.x.values' must be a non-empty list of words"),
    ("fields:\n  x: {type: enum, values: []}\n", "'fields.x.values' must be a non-empty list"),
    ("fields:\n  x: {type: enum, values: [a, a]}\n", "lists a word twice"),
    ("fields:\n  x: {type: enum, values: ['## a']}\n", "is not a word"),
    ("fields:\n  x: {type: string, values: [a]}\n", "'fields.x.values' is only for type enum"),
    ("fields:\n  x: {type: string, required: yes}\n", "'fields.x.required' must be true or false"),
    ("fields:\n  x: {type: string, required: true, default: a}\n", "is required, so it cannot have a default"),
    ("fields:\n  x: {type: integer, default: many}\n", "default of 'fields.x': 'x' must be a whole number"),
    ("fields:\n  x: {type: enum, values: [a, b], default: c}\n", "default of 'fields.x': 'x' must be one of a, b"),
    ("fields:\n  x: {type: string, default: \"a\\nb\"}\n", "must be one line"),
    ("fields:\n  x: {type: string, description: [a]}\n", "'fields.x.description' must be a text"),
    ("fields: [a, b]\n", "relnotes.yaml:1:1: 'fields' must be a mapping"),
    ("fields:\n" + "".join(f"  f{i}: {{type: string}}\n" for i in range(33)), "at most 32 are allowed"),
    ("credit: {line: 'Thanks'}\n", "relnotes.yaml:1:10: 'credit.line' must be one line of at most 200 characters with {authors}"),
    ("credit: {line: '{authors} and {authors}'}\n", "{authors} exactly once"),
    ("credit: {line: 'Thanks {who}: {authors}'}\n", "{authors} exactly once"),
    ("credit: {line: '## Thanks {authors}'}\n", "'credit.line' could change the notes' structure: headings"),
    ("credit: {line: '<!-- ARCHIVE_START --> {authors}'}\n", "could change the notes' structure"),
    ("credit: {line: 'See [x](javascript:alert(1)) {authors}'}\n", "could change the notes' structure"),
    ("credit: {line: '[unreleased]: https://evil.example/x \"{authors}\"'}\n",
     "'credit.line' could change the notes' structure: it reads as the definition of the link label [unreleased]"),
    ("credit: {line: ' [1.2.3]: <https://evil.example> ({authors})'}\n", "definition of the link label [1.2.3]"),
    ("credit: {line: '[x]:\thttps://evil.example \"{authors}\"'}\n", "definition of the link label [x]"),
    ("credit: {style: emoji}\n", "'credit.style' must be 'link', 'mention' or 'none'"),
    ("links: {author: 'https://x.org/{login}'}\n", "'links.author' uses the placeholder {login}; it may use {handle}"),
])
def test_bad_declarations_are_located(tmp_path, text, expected):
    assert expected in _config_error(tmp_path, text)


def test_a_wrong_default_names_the_default_line(tmp_path):
    message = _config_error(tmp_path, "fields:\n  x:\n    type: boolean\n    default: maybe\n")
    assert message.startswith(f"{config.shown(tmp_path / 'relnotes.yaml')}:4:5: default of 'fields.x'")


# -- a fragment's values ---------------------------------------------------------------------


def test_every_type_accepts_its_values(tmp_path):
    cfg = _cfg(tmp_path)
    frag, problems = _parse(cfg, "section: Fixed\ncomponent: core\neffort: 3\nplatforms: [linux, 'mac os']\n"
                                 "summary: Faster `build`\ninternal: true\nauthors: [octocat, '@Alice-B']\n")
    assert problems == []
    assert dict(frag.fields) == {"component": "core", "effort": 3, "platforms": ("linux", "mac os"),
                                 "summary": "Faster `build`", "internal": True}
    assert frag.authors == ("octocat", "Alice-B")
    assert frag.as_dict()["fields"]["platforms"] == ["linux", "mac os"]


def test_absent_fields_take_their_defaults(tmp_path):
    frag, problems = _parse(_cfg(tmp_path), "section: Fixed\ncomponent: cli\n")
    assert problems == [] and dict(frag.fields) == {"component": "cli", "effort": 1, "platforms": None,
                                                    "summary": None, "internal": False}
    assert frag.authors == ()


@pytest.mark.parametrize("line, message", [
    ("effort: three", "'effort' must be a whole number, not 'three'"),
    ("effort: 2.5", "'effort' must be a whole number, not 2.5"),
    ("effort: true", "'effort' must be a whole number, not True"),
    ("effort: 99999999999999999999", "a number of more than 18 digits"),  # refused as YAML, before the field
    ("effort: 999999999999999999", "'effort' must be from"),
    ("internal: 1", "'internal' must be true or false, not 1"),
    ("internal: 'yes'", "'internal' must be true or false"),
    ("platforms: linux", "'platforms' must be a list of texts"),
    ("platforms: [1]", "'platforms' must be text, not 1"),
    ("platforms: [" + ", ".join(["a"] * 51) + "]", "'platforms' lists 51 items; at most 50"),
    ("summary: [a]", "'summary' must be text"),
    ("summary: '" + "x" * 501 + "'", "'summary' is 501 characters long; at most 500"),
    ("summary: \"a\\nb\"", "'summary' must be one line of text"),
    ("summary: '## 99.0.0'", "'summary': headings are not allowed"),
    ("summary: '[x](javascript:alert(1))'", "'summary':"),
    ("summary: '<!-- ARCHIVE_START -->'", "'summary':"),
    ("summary: null", "'summary' must be text, not None"),
    ("authors: [octo cat]", "'octo cat' is not a handle"),
    ("authors: ['-octocat']", "is not a handle"),
    ("authors: ['octo--cat']", "is not a handle"),
    ("authors: ['dependabot[bot]']", "is not a handle"),
    ("authors: [" + "a" * 40 + "]", "is not a handle"),
    ("authors: [1234]", "1234 is not a handle"),
    ("authors: [octocat, octocat]", "'authors' lists octocat twice"),
    ("authors: {a: 1}", "'authors' must be a list of handles"),
    ("authors: [" + ", ".join(f"u{i}" for i in range(21)) + "]", "'authors' lists 21 handles; at most 20"),
])
def test_each_type_refuses_wrong_values(tmp_path, line, message):
    frag, problems = _parse(_cfg(tmp_path), f"section: Fixed\ncomponent: cli\n{line}\n")
    assert frag is None
    assert any(message in p.message for p in problems), [p.message for p in problems]
    assert all(p.line == 4 for p in problems), problems  # located on the key's own line


def test_enum_value_gets_a_did_you_mean(tmp_path):
    _, problems = _parse(_cfg(tmp_path), "section: Fixed\ncomponent: coer\n")
    assert [p.format_text() for p in problems] == [
        "changes.d/x.md:3:1: 'component' must be one of cli, core, docs, not 'coer'; did you mean 'core'?"]


def test_required_field_missing_and_unknown_keys_all_at_once(tmp_path):
    _, problems = _parse(_cfg(tmp_path), "section: Fixed\ncomponnt: cli\neffort: x\nauthor: [octocat]\n")
    texts = [p.format_text() for p in problems]
    assert "changes.d/x.md:3:1: unknown key 'componnt'; did you mean 'component'?" in texts
    assert "changes.d/x.md:5:1: unknown key 'author'; did you mean 'authors'?" in texts
    assert "changes.d/x.md:4:1: 'effort' must be a whole number, not 'x'" in texts
    assert any(t.startswith("changes.d/x.md:2:1: 'component' is required (Which part of Demo changed.)")
               for t in texts), texts
    assert len(texts) == 4


def test_custom_keys_are_unknown_without_a_declaration(tmp_path):
    _, problems = _parse(_cfg(tmp_path, "project: x\n"), "section: Fixed\ncomponent: cli\n")
    assert [p.code for p in problems] == ["unknown-key"]


# -- hostile values: the validator never fails, and agrees with the schema ---------------------

_SPECS = [FieldSpec("s", "string"), FieldSpec("n", "integer"), FieldSpec("l", "strings"),
          FieldSpec("b", "boolean"), FieldSpec("e", "enum", values=("cli", "core-2", "a.b"))]
_HOSTILE_TEXT = st.one_of(st.text(max_size=40), st.sampled_from(
    ["## 1.0.0", "---", "<script>", "Unreleased.", "<!-- ARCHIVE_START -->", "a\nb", "a\r", "[x](javascript:1)",
     "x" * 600, "cli", "core-2", "a.b", "CLI", "\u2028", "{{ x }}"]))
_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-(2 ** 60), 2 ** 60), st.floats(allow_nan=False), _HOSTILE_TEXT),
    lambda inner: st.one_of(st.lists(inner, max_size=60), st.dictionaries(st.text(max_size=5), inner, max_size=3)),
    max_leaves=70)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spec=st.sampled_from(_SPECS), value=_VALUES)
def test_hostile_values_check_and_schema_agree(spec, value):
    """Without the body screen (which only check applies) the two give the same answer;
    with it, check may refuse more, never accept more."""
    problems: list[str] = []
    out = check_value(spec, value, lambda code, msg: problems.append(msg))
    by_schema = not list(_validator(value_schema(spec)).iter_errors(value))
    assert (not problems) == by_schema, (problems, value)
    if not problems:
        assert out is not None
    screened: list[str] = []

    def screen(text):
        return [p.message for p in body_problems(text, "x", 1)[0]]

    checked = check_value(spec, value, lambda code, msg: screened.append(msg), screen)
    if not screened and isinstance(checked, str):  # what a template may print is one safe line
        assert "\n" not in checked and not body_problems(checked, "x", 1)[0]
    assert not problems or screened  # the screen only ever refuses more


_HANDLE_CHARS = st.text(alphabet="aZ09-_@[]() .<>\n#*`", max_size=45)


@settings(max_examples=400, deadline=None)
@given(items=st.one_of(_HANDLE_CHARS, st.lists(st.one_of(_HANDLE_CHARS, st.integers(), st.none()), max_size=25)))
def test_hostile_handles_never_make_markup(tmp_path_factory, items):
    problems: list[str] = []
    handles = fragment_schema._handles("authors", items, SECTIONS, lambda k, c, m: problems.append(m))
    schema = fragment_schema.json_schema(SECTIONS)["properties"]["authors"]
    by_schema = not list(_validator(schema).iter_errors(items))
    assert (not problems) == by_schema, (problems, items)
    root = tmp_path_factory.mktemp("r")
    for style in ("link", "mention"):
        cfg = config.defaults(root)._replace(credit=config.Credit(style, "Thanks to {authors}."))
        line = Renderer(cfg).credit(fragment.Fragment("changes.d/x.md", "x.md", "Fixed", "x", authors=handles))
        assert "\n" not in line and not body_problems(line, "x", 1)[0]
        for h in handles:
            assert h.replace("-", "").isalnum() and h.isascii()


# -- the configuration's JSON Schema -----------------------------------------------------------


def test_config_schema_describes_fields_and_credit():
    schema = config_schema.json_schema()
    fields = schema["properties"]["fields"]
    assert set(fields["propertyNames"]["not"]["enum"]) >= {"section", "authors", "prs", "items"}
    assert fields["additionalProperties"]["properties"]["type"]["enum"] == list(custom_fields.TYPES)
    assert schema["properties"]["credit"]["properties"]["style"]["enum"] == ["link", "mention", "none"]
    assert schema["properties"]["links"]["properties"]["author"]["default"] == "https://github.com/{handle}"


# -- the parse cache follows the declarations --------------------------------------------------


def test_a_changed_fields_config_invalidates_cached_parses(project):
    project.write("relnotes.yaml", "project: Demo\nrepository: https://github.com/acme/demo\n")
    project.write("RELEASES.md", "## 1.0.0\n\nUnreleased.\n\n### Fixed\n\n" + "-" * 80 + "\n")
    project.fragment("a.md", "Fixed", "A fix.", component="cli")
    r = project.run("check")
    assert r.exit_code == 1 and "unknown key 'component'" in r.stderr
    project.write("relnotes.yaml", "project: Demo\nrepository: https://github.com/acme/demo\n"
                                   "fields: {component: {type: enum, values: [cli, core]}}\n")
    assert project.run("check").exit_code == 0
    project.write("relnotes.yaml", "project: Demo\nrepository: https://github.com/acme/demo\n"
                                   "fields: {component: {type: enum, values: [core]}}\n")
    r = project.run("check")
    assert r.exit_code == 1 and "'component' must be one of core, not 'cli'" in r.stderr
    assert (project.root / ".git/relnotes/parse-cache-v7.marshal").exists()


def test_every_fragment_reader_passes_the_declared_fields():
    """A call of parse_text or load_all without ``fields=`` would call custom keys unknown."""
    missing = []
    for path in sorted((ROOT / "relnotes").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if name in ("parse_text", "load_all") and not any(k.arg == "fields" for k in node.keywords):
                    missing.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert missing == []


# -- relnotes new --author / --field -------------------------------------------------------------


@pytest.fixture
def demo(project):
    project.write("relnotes.yaml", FIELDS_YAML)
    project.write("RELEASES.md", "## 1.0.0\n\nUnreleased.\n\n### Added\n\n### Fixed\n\n" + "-" * 80 + "\n")
    return project


def test_new_writes_authors_and_typed_fields(demo):
    r = demo.run("new", "-s", "Fixed", "-m", "Fixed a crash.", "--name", "crash", "--author", "octocat",
                 "--author", "@Alice-B", "--author", "null", "--field", "component=core", "--field", "effort=3",
                 "--field", "platforms=linux", "--field", "platforms=mac os", "--field", "internal=yes",
                 "--field", "summary=Faster builds: 2×")
    assert r.exit_code == 0, r.output
    assert demo.read("changes.d/crash.md") == (
        '---\nsection: Fixed\nauthors: ["octocat", "Alice-B", "null"]\ncomponent: "core"\neffort: 3\n'
        'platforms: ["linux", "mac os"]\ninternal: true\nsummary: "Faster builds: 2×"\n---\nFixed a crash.\n')
    assert demo.run("check").exit_code == 0


@pytest.mark.parametrize("args, code, message", [
    (["--field", "componnt=cli"], 2, "error: --field componnt: no such field\nhint: did you mean 'component'?"),
    (["--field", "component"], 2, "--field 'component': write it as NAME=VALUE"),
    (["--field", "component=cli", "--field", "effort=lots"], 2, "--field effort=lots: not a whole number"),
    (["--field", "component=cli", "--field", "internal=perhaps"], 2, "--field internal=perhaps: not true or false"),
    (["--field", "component=cli", "--field", "component=core"], 2, "--field component: given twice"),
    ([], 2, "error: missing the required field component\nhint: give --field component=... "
            "(component: one of cli, core, docs)"),
    (["--field", "component=gui"], 1, "'component' must be one of cli, core, docs, not 'gui'"),
    (["--field", "component=cli", "--author", "x](javascript:1)"], 1, "is not a handle"),
    (["--field", "component=cli", "--field", "summary=## 2.0.0"], 1, "'summary': headings are not allowed"),
])
def test_new_refuses_bad_fields_and_writes_nothing(demo, args, code, message):
    before = demo.snapshot_tree()
    r = demo.run("new", "-s", "Fixed", "-m", "Fixed a crash.", *args)
    assert r.exit_code == code, r.output
    assert message in r.stderr
    assert demo.snapshot_tree() == before


def test_new_edit_checks_the_front_matter_before_the_editor(demo):
    r = demo.run("new", "-s", "Fixed", "--edit", "--field", "component=cli", "--author", "a b",
                 env={"EDITOR": "false"})
    assert r.exit_code == 1 and "'a b' is not a handle" in r.stderr
    assert not list((demo.root / "changes.d").glob("*.md"))


def test_new_with_fields_as_a_real_process(demo):
    env = dict(os.environ, RELNOTES_NO_CACHE="1")
    cmd = [sys.executable, "-m", "relnotes", "new", "-s", "Added", "-m", "A flag.", "--name", "flag",
           "--field", "component=cli", "--author", "octocat"]
    r = subprocess.run(cmd, cwd=demo.root, env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert 'authors: ["octocat"]\ncomponent: "cli"\n' in demo.read("changes.d/flag.md")
    r = subprocess.run(cmd[:-4] + ["--field", "effort=x"], cwd=demo.root, env=env, capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 2 and "--field effort=x: not a whole number" in r.stderr
    assert "Traceback" not in r.stderr


def test_without_declared_fields_a_field_option_says_how_to_declare(project):
    r = project.run("new", "-s", "Fixed", "-m", "x", "--field", "a=b")
    assert r.exit_code == 2 and "declare custom fields under 'fields:' in relnotes.yaml" in r.stderr


# -- rendering -----------------------------------------------------------------------------------


def _build_draft(project, extra_config: str = "") -> str:
    project.write("relnotes.yaml", FIELDS_YAML + extra_config)
    project.write("RELEASES.md", "## 1.0.0\n\nUnreleased.\n\n### Added\n\n### Fixed\n\n" + "-" * 80 + "\n")
    project.fragment("a.md", "Fixed", "Fixed a crash.", prs="[12]", component="cli", authors="[octocat, Alice-B]")
    project.fragment("b.md", "Added", "A list:\n\n- one\n- two", component="core", authors="[bob]")
    project.fragment("c.md", "Added", "No credit here.", component="docs")
    r = project.run("build", "--draft")
    assert r.exit_code == 0, r.output
    return r.stdout


def test_credit_line_links_handles_by_default(project, md_snapshot):
    out = _build_draft(project)
    assert "  Thanks to [@octocat](https://github.com/octocat), [@Alice-B](https://github.com/Alice-B).\n" in out
    assert out == md_snapshot


def test_credit_line_as_mentions_in_other_words(project, md_snapshot):
    out = _build_draft(project, "credit: {style: mention, line: 'Merci {authors} !'}\n"
                                "links: {author: 'https://gitlab.com/{handle}'}\n")
    assert "  Merci @octocat, @Alice-B !\n" in out
    assert out == md_snapshot


def test_credit_line_is_off_in_the_wasmtime_preset(project):
    out = _build_draft(project, "preset: wasmtime\n")
    assert "Thanks" not in out and "octocat" not in out
    out = _build_draft(project, "preset: wasmtime\ncredit: {style: mention}\n")
    assert "Thanks to @bob." in out  # a key set in the file wins over the preset


def test_a_credit_line_that_defines_a_link_is_refused(tmp_path):
    """After a body ending in a list or code block the credit line starts a paragraph of its
    own: a line like '[unreleased]: URL "{authors}"' would be a link definition there,
    re-pointing the Keep a Changelog '## [Unreleased]' heading (the first definition wins)."""
    ok = "credit: {line: 'Thanks to {authors} [(how to help)](https://example.org/help)'}\n"
    assert _cfg(tmp_path, ok).credit.line.startswith("Thanks to")
    assert _cfg(tmp_path, "credit: {line: '[{authors}] thanks'}\n").credit.line == "[{authors}] thanks"


def test_a_hostile_credit_line_never_reaches_the_changelog(project):
    (project.root / "relnotes.yaml").unlink()
    assert project.run("init", "--preset", "keepachangelog", "--project", "Demo",
                       "--repository", "https://github.com/o/demo").exit_code == 0
    project.write("relnotes.yaml", project.read("relnotes.yaml")
                  + "credit:\n  style: mention\n  line: '[unreleased]: https://evil.example/x \"{authors}\"'\n")
    project.fragment("a.md", "Fixed", "A fix:\n\n```\ncode\n```", authors="[octocat]")
    before = project.snapshot_tree()
    r = project.run("release", "--version", "1.0.0")
    assert r.exit_code == 2 and "definition of the link label [unreleased]" in r.output, r.output
    assert project.snapshot_tree() == before


def test_presets_set_credit(tmp_path):
    assert _cfg(tmp_path, "preset: wasmtime\n").credit.style == "none"
    assert _cfg(tmp_path, "preset: plain\n").credit.style == "link"
    assert _cfg(tmp_path, "preset: keepachangelog\n").credit.style == "link"


def test_a_credited_entry_stays_one_entry_in_the_notes(project):
    """Built into the notes, the credit line belongs to its bullet: the notes read back the
    same entries, and show lists the credited handles."""
    _build_draft(project)
    assert project.run("build").exit_code == 0
    r = project.run("show", "--format", "json")
    data = json.loads(r.stdout)
    fixed = next(c for c in data["categories"] if c["name"] == "Fixed")
    assert len(fixed["entries"]) == 1 and fixed["entries"][0].endswith("[@Alice-B](https://github.com/Alice-B).")
    assert data["authors"] == ["bob", "octocat", "Alice-B"]
    assert data["pending"] == []


def test_show_json_carries_pending_authors_and_fields(demo):
    demo.fragment("a.md", "Fixed", "Fixed a crash.", component="cli", authors="[octocat]", platforms="[linux]")
    data = json.loads(demo.run("show", "--format", "json").stdout)
    assert data["authors"] == []
    [pending] = data["pending"]
    assert pending["authors"] == ["octocat"] and pending["credit"] == "Thanks to [@octocat](https://github.com/octocat)."
    assert pending["fields"] == {"component": "cli", "effort": 1, "platforms": ["linux"], "summary": None,
                                 "internal": False}


def test_templates_receive_fields_and_authors(demo):
    demo.write("templates/entry.md.j2",
               "* [{{ fragment.fields.component }}] {{ fragment.text }}"
               "{% if fragment.fields.platforms %} ({{ fragment.fields.platforms | join(', ') }}){% endif %}"
               "{% for a in fragment.authors %} @{{ a }}{% endfor %}\n")
    demo.fragment("a.md", "Fixed", "Fixed a crash.", component="cli", authors="[octocat]", platforms="[linux, mac]")
    demo.fragment("b.md", "Fixed", "Fixed a leak.", component="core")
    r = demo.run("build", "--draft")
    assert r.exit_code == 0, r.output
    assert "* [cli] Fixed a crash. (linux, mac) @octocat\n" in r.stdout
    assert "* [core] Fixed a leak.\n" in r.stdout


@settings(max_examples=150, deadline=None)
@given(body=st.sampled_from(["text", "a\n- item", "x\n\n[r]: https://x", "1. one\n2. two"]),
       prs=st.lists(st.integers(1, 999), max_size=2),
       authors=st.lists(st.sampled_from(["octocat", "Alice-B", "x1"]), max_size=3, unique=True),
       style=st.sampled_from(["link", "mention", "none"]))
def test_fast_entry_equals_the_template_with_credit(tmp_path_factory, body, prs, authors, style):
    from relnotes.render.environment import NATIVE

    cfg = config.defaults(tmp_path_factory.mktemp("r"))._replace(credit=config.Credit(style, "Thanks to {authors}."))
    frag = fragment.Fragment("changes.d/x.md", "x.md", "Fixed", body, prs=tuple(prs), authors=tuple(authors))
    fast, slow = Renderer(cfg), Renderer(cfg, fast=False)
    assert fast.entries([frag]) == slow.entries([frag])
    assert [NATIVE["entry.md.j2"]({"fragment": fast.entry_context(frag)})] == slow.entries([frag])
    assert ("Thanks to" in fast.entries([frag])[0]) == bool(authors and style != "none")


# -- relnotes schema fragment ------------------------------------------------------------------


def test_schema_fragment_lists_declared_fields_and_validates_real_fragments(demo):
    schema = json.loads(demo.run("schema", "fragment").stdout)
    assert schema["required"] == ["component"]  # 'section' is required by kind, in allOf
    assert schema["allOf"][0]["else"] == {"required": ["section"]}
    assert schema["properties"]["component"]["enum"] == ["cli", "core", "docs"]
    assert schema["properties"]["component"]["description"] == "Which part of Demo changed."
    assert schema["properties"]["effort"]["default"] == 1
    assert "authors" in schema["properties"]
    validator = _validator(schema)
    assert demo.run("new", "-s", "Fixed", "-m", "A fix.", "--name", "real", "--field", "component=docs",
                    "--field", "platforms=linux", "--author", "octocat").exit_code == 0
    from relnotes.fragments.front_matter import yaml_load

    text = demo.read("changes.d/real.md")
    front, _ = yaml_load(text.split("---\n")[1], "x", 2)
    assert list(validator.iter_errors(front)) == []
    assert list(validator.iter_errors({**front, "component": "gui"}))
    assert list(validator.iter_errors({**front, "platfroms": ["x"]}))
    assert list(validator.iter_errors({"section": "Fixed"}))  # component is required


def test_handle_lists_take_the_fast_front_matter_path():
    from relnotes.fragments.front_matter import simple_front_matter

    assert simple_front_matter("section: Fixed\nauthors: [octocat, Alice-B]\n") == {
        "section": "Fixed", "authors": ["octocat", "Alice-B"]}
    assert simple_front_matter("authors: [null, octocat]\n") is None  # YAML reads null as nothing: ruamel
    assert simple_front_matter("authors: ['@octocat']\n") is None


def test_import_notes_refuses_a_required_field_up_front(demo):
    demo.write("OLD.md", "## 1.0.0\n\nUnreleased.\n\n### Fixed\n\n* Fixed a thing.\n\n" + "-" * 80 + "\n")
    before = demo.snapshot_tree()
    r = demo.run("import", "notes", "OLD.md")
    assert r.exit_code == 2
    assert "requires the custom field component, which imported entries do not have" in r.stderr
    assert demo.snapshot_tree() == before
    demo.write("relnotes.yaml", FIELDS_YAML.replace("    required: true\n", ""))
    r = demo.run("import", "notes", "OLD.md")
    assert r.exit_code == 0, r.output
    assert demo.run("check").exit_code == 0
