"""Towncrier settings of the wrong type are located errors, exit 2, never exit 3 (issue 27)."""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys

import pytest
from conftest import ROOT, Project, git
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

GOOD_TYPES = '[[tool.towncrier.type]]\ndirectory = "feature"\nname = "Features"\nshowcontent = true\n'


@pytest.fixture
def tc_repo(git_env, tmp_path) -> Project:
    root = tmp_path / "tc"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    p = Project(root)
    p.write("newsfragments/12.feature.md", "Added a thing.\n")
    return p


# (file text, the line the message names, words it must hold)
CASES = {
    "directory = 5": ('[tool.towncrier]\ndirectory = 5\n', 2, "directory must be a string (a path), not an integer (5)"),
    "type a string": ('[tool.towncrier]\ntype = "x"\n', 2, "type must be a list of tables ([[…]]), not a string ('x')"),
    "type without directory": ('[tool.towncrier]\n' + GOOD_TYPES + '[[tool.towncrier.type]]\nname = "Bugs"\n',
                               6, "[[tool.towncrier.type]] #2 has no 'directory'"),
    "type without name": ('[tool.towncrier]\n[[tool.towncrier.type]]\ndirectory = "feature"\n', 2,
                          "[[tool.towncrier.type]] #1 has no 'name'"),
    "type name a number": ('[tool.towncrier]\n[[tool.towncrier.type]]\ndirectory = "feature"\nname = 3\n', 2,
                           "[[tool.towncrier.type]] #1 name must be a string, not an integer (3)"),
    "type directory a table": ('[tool.towncrier]\ntype = [{directory = {a = 1}, name = "F"}]\n', 2,
                               "#1 directory must be a string, not a table ({'a': 1})"),
    "type showcontent a string": ('[tool.towncrier]\n' + GOOD_TYPES.replace("true", '"no"'), 2,
                                  "showcontent must be true or false, not a string ('no')"),
    "type entry not a table": ('[tool.towncrier]\ntype = [1]\n', 2, "[[tool.towncrier.type]] #1 must be a table"),
    "issue_format = []": ('[tool.towncrier]\nissue_format = []\n', 2, "issue_format must be a string, not an array ([])"),
    "filename = {}": ('[tool.towncrier]\n\nfilename = {}\n', 3, "filename must be a string (a path), not a table ({})"),
    "package = 1": ('[tool.towncrier]\npackage = 1\n', 2, "package must be a string (a path), not an integer (1)"),
    "package_dir a date": ('[tool.towncrier]\npackage = "p"\npackage_dir = 2024-01-01\n', 3,
                           "package_dir must be a string (a path), not a date"),
    "directory with NUL": ('[tool.towncrier]\ndirectory = "news\\u0000"\n', 2, "holds no NUL character"),
    "ignore holds a number": ('[tool.towncrier]\nignore = ["a", 1]\n', 2, "ignore must be a list of strings, but holds an integer (1)"),
    "towncrier a string": ('[tool]\ntowncrier = "s"\n', 2, "[tool.towncrier] must be a table, not a string ('s')"),
    "tool a number": ('tool = 1\n', 1, "tool must be a table, not an integer (1)"),
    "fragment a list": ('[tool.towncrier]\nfragment = [1]\n', 2, "fragment must be a table, not an array"),
    "fragment entry a string": ('[tool.towncrier.fragment]\nfeature = "x"\n', 2,
                                "[tool.towncrier.fragment.feature] must be a table, not a string"),
    "fragment name a bool": ('[tool.towncrier.fragment.feature]\nname = true\n', 2,
                             "[tool.towncrier.fragment.feature] name must be a string, not a boolean"),
    "section a table": ('[tool.towncrier.section]\nname = "x"\n', 1, "section must be a list of tables"),
    "section path a number": ('[tool.towncrier]\n\n[[tool.towncrier.section]]\nname = ""\npath = 1\n', 3,
                              "[[tool.towncrier.section]] #1 path must be a string (a path), not an integer"),
}


@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("file", ["towncrier.toml", "pyproject.toml"])
@pytest.mark.parametrize("dry_run", [True, False])
def test_a_setting_of_the_wrong_type_is_a_located_error(tc_repo, name, file, dry_run):
    text, line, words = CASES[name]
    tc_repo.write(file, text)
    before = tc_repo.snapshot_tree()
    r = tc_repo.run("import", "towncrier", *(["--dry-run"] if dry_run else []))
    assert r.exit_code == 2, r.output
    assert f"{tc_repo.root / file}:{line}: " in r.stderr, r.stderr
    assert words in r.stderr, r.stderr
    assert "internal error" not in r.output
    assert tc_repo.snapshot_tree() == before


def test_the_same_through_a_real_process(tc_repo):
    tc_repo.write("towncrier.toml", '[tool.towncrier]\ndirectory = 5\n')
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    p = subprocess.run([sys.executable, "-m", "relnotes", "import", "towncrier"], cwd=tc_repo.root, env=env,
                       capture_output=True, text=True)
    assert p.returncode == 2, p.stderr
    assert f"{tc_repo.root / 'towncrier.toml'}:2: directory must be a string (a path), not an integer (5)" in p.stderr
    assert not (tc_repo.root / "relnotes.yaml").exists()


def test_well_typed_settings_still_import(tc_repo):
    tc_repo.write("towncrier.toml", '[tool.towncrier]\ndirectory = "newsfragments"\nissue_format = "#{issue}"\n'
                  + GOOD_TYPES)
    r = tc_repo.run("import", "towncrier")
    assert r.exit_code == 0, r.output
    assert "wrote 1 fragment(s) from 1 towncrier fragment(s)" in r.stdout


# -- any TOML value in any setting: exit 0, 1 or 2, never 3 ------------------------------------

KEYS = ["directory", "package", "package_dir", "filename", "name", "issue_format", "template", "start_string",
        "version", "ignore", "title_format", "underlines", "wrap", "all_bullets", "orphan_prefix", "single_file"]


def toml_value(v) -> str:
    """``v`` as an inline TOML value."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v)  # a JSON string is a TOML basic string
    if isinstance(v, (datetime.date, datetime.time)):
        return v.isoformat()
    if isinstance(v, list):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    return "{" + ", ".join(f"{json.dumps(k)} = {toml_value(x)}" for k, x in v.items()) + "}"


scalars = st.one_of(st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=False, allow_infinity=False),
                    st.text(max_size=12), st.sampled_from(["newsfragments", "feature", "", ".", "../x", "/etc",
                                                           "NEWS.md", "a\0b", "pkg"]),
                    st.dates(), st.times())
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                       st.dictionaries(st.sampled_from(["directory", "name",
                                                                                        "showcontent", "path", "x"]),
                                                                       inner, max_size=3)), max_leaves=6)
tables = st.fixed_dictionaries({}, optional={
    **{k: values for k in KEYS},
    "type": st.one_of(values, st.lists(st.dictionaries(st.sampled_from(["directory", "name", "showcontent"]),
                                                       values, max_size=3), max_size=3)),
    "fragment": st.one_of(values, st.dictionaries(st.sampled_from(["feature", "bugfix"]),
                                                  st.one_of(values, st.dictionaries(st.sampled_from(["name", "showcontent"]),
                                                                                    values, max_size=2)), max_size=2)),
    "section": st.one_of(values, st.lists(st.dictionaries(st.sampled_from(["name", "path"]), values, max_size=2),
                                          max_size=2)),
})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(table=tables, file=st.sampled_from(["towncrier.toml", "pyproject.toml"]))
def test_any_value_of_any_setting_never_exits_3(tc_repo, table, file):
    for name in ("towncrier.toml", "pyproject.toml", "relnotes.yaml"):
        (tc_repo.root / name).unlink(missing_ok=True)
    lines = ["[tool.towncrier]"] + [f"{json.dumps(k)} = {toml_value(v)}" for k, v in table.items()]
    tc_repo.write(file, "\n".join(lines) + "\n")
    r = tc_repo.run("import", "towncrier", "--dry-run")
    assert r.exit_code in (0, 1, 2), r.output
    assert "internal error" not in r.output
