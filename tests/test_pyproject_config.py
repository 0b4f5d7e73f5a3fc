"""[tool.relnotes] in pyproject.toml: found like relnotes.yaml, validated by the same
SCHEMA, every mistake located at pyproject.toml:LINE:COL, relnotes.yaml winning beside it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relnotes.config import load as config
from relnotes.config import pyproject as config_toml
from relnotes.config import toml_writer
from relnotes.config.keys import HEADING_PATTERN, LINE_PATTERN
from relnotes.errors import ConfigError


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


PYPROJECT = """\
[project]
name = "demo"
version = "1.2.0"

[tool.black]
line-length = 99

[tool.relnotes]
project = "Demo"
repository = "https://github.com/o/demo"
notes_file = "CHANGELOG.md"
sections = ["Features", "Bug Fixes"]
template_sections = []
schedule.cut_day = 7

[tool.relnotes.check]
skip_labels = ["skip-news"]
"""


@pytest.fixture
def repo(tmp_path):
    (tmp_path / ".git").mkdir()
    return tmp_path


def test_table_is_read_when_there_is_no_relnotes_yaml(repo, monkeypatch):
    write(repo / "pyproject.toml", PYPROJECT)
    sub = repo / "src" / "demo"
    sub.mkdir(parents=True)
    monkeypatch.chdir(sub)
    cfg = config.load()
    assert cfg.path == repo.resolve() / "pyproject.toml" and cfg.root == repo.resolve()
    assert (cfg.project, cfg.repository, cfg.notes_file) == ("Demo", "https://github.com/o/demo", "CHANGELOG.md")
    assert cfg.sections == ("Features", "Bug Fixes") and cfg.template_sections == ()
    assert cfg.schedule.cut_day == 7 and cfg.check.skip_labels == ("skip-news",)
    assert cfg.link("pr", number=3) == "https://github.com/o/demo/pull/3"


def test_pyproject_without_the_table_is_not_a_configuration(repo, monkeypatch):
    write(repo / "relnotes.yaml", "project: Root\n")
    write(repo / "pkg" / "pyproject.toml", '[project]\nname = "pkg"\n[tool.relnotes-like]\nx = 1\n')
    monkeypatch.chdir(repo / "pkg")
    assert config.load().project == "Root"  # kept walking up
    (repo / "relnotes.yaml").unlink()
    cfg = config.load()
    assert cfg.path is None and cfg.root == repo.resolve()  # defaults


def test_relnotes_yaml_wins_and_check_warns(project):
    project.write("pyproject.toml", PYPROJECT)
    project.write("RELEASES.md", "# Releases\n")
    assert config.load(start=project.root).path.name == "relnotes.yaml"
    r = project.run("check")
    assert "pyproject.toml:8:7: warning: [tool.relnotes] is ignored: relnotes.yaml beside it" in r.stderr
    r = project.run("check", "--format", "github")
    assert "::warning file=pyproject.toml,line=8,col=7,title=relnotes config-ignored::" in r.stdout + r.stderr
    import json

    data = json.loads(project.run("check", "--format", "json").stdout)
    assert [w["code"] for w in data["warnings"]] == ["config-ignored"]
    (project.root / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert "warning" not in project.run("check").stderr


def test_the_warning_does_not_fail_check(project):
    project.write("pyproject.toml", PYPROJECT)
    r0 = project.run("check")
    (project.root / "pyproject.toml").unlink()
    r1 = project.run("check")
    assert r0.exit_code == r1.exit_code


def test_config_option_names_a_pyproject(repo, monkeypatch):
    write(repo / "pyproject.toml", PYPROJECT)
    assert config.load(repo / "pyproject.toml").project == "Demo"
    write(repo / "other" / "pyproject.toml", '[project]\nname = "x"\n')
    with pytest.raises(ConfigError, match=r"other/pyproject.toml: no \[tool.relnotes\] table"):
        config.load(repo / "other" / "pyproject.toml")


def test_cli_reads_the_table(project):
    (project.root / "relnotes.yaml").unlink()
    project.write("pyproject.toml", PYPROJECT)
    r = project.run("new", "--section", "Features", "-m", "A feature.")
    assert r.exit_code == 0, r.output
    r = project.run("new", "--section", "Added", "-m", "Wasmtime's section.")
    assert r.exit_code != 0 and "Features" in r.output
    r = project.run("--config", "pyproject.toml", "schema", "fragment")
    assert '"Bug Fixes"' in r.stdout


# -- located mistakes ---------------------------------------------------------------------------


@pytest.mark.parametrize("table, message", [
    ('[tool.relnotes]\nproject = "x"\nsectons = ["A"]\n',
     "pyproject.toml:3:1: unknown key 'sectons' — did you mean 'sections'?"),
    ('[tool.relnotes]\nschedule.cut_day = 40\n',
     "pyproject.toml:2:10: 'schedule.cut_day' must be a day from 1 to 28, not 40"),
    ('[tool.relnotes]\nproject = "x"\n\n[tool.relnotes.check]\nskip_lables = ["a"]\n',
     "pyproject.toml:5:1: unknown key 'check.skip_lables' — did you mean 'check.skip_labels'?"),
    ('[tool.relnotes.chek]\nskip_labels = []\n',
     "pyproject.toml:1:16: unknown key 'chek' — did you mean 'check'?"),
    ('[tool.relnotes]\nlinks = { pr = "{repository}/pull/{number}", issue = "{repository}/i/{nr}" }\n',
     "pyproject.toml:2:46: 'links.issue' uses the placeholder {nr}"),
    ('[tool.relnotes]\nsections = "Added"\n',
     "pyproject.toml:2:1: 'sections' must be a list of strings, not 'Added'"),
    ('[tool.relnotes]\n  "notes_file" = "../x.md"\n',
     "pyproject.toml:2:3: 'notes_file' ('../x.md') points outside the repository"),
    ('[tool]\nrelnotes.project = 1\n',
     "pyproject.toml:2:10: 'project' must be a string, not 1"),
    ('[tool.relnotes]\norder = "random"\n', "pyproject.toml:2:1: 'order' must be 'pr' or 'file'"),
    ('[tool.relnotes]\nschedule.anchor_version = 1\nschedule.anchor_date = 2024-04-20T10:00:00\n',
     "pyproject.toml:3:10: 'schedule.anchor_date' must be a date (YYYY-MM-DD) without a time"),
    ('[tool.relnotes]\ncheck = "x"\n', "pyproject.toml:2:1: 'check' must be a mapping"),
    ('[[tool.relnotes.version_files]]\npath = "Cargo.toml"\npattern = "no slot"\n',
     "pyproject.toml:1:17: 'version_files.pattern' must contain '{version}'"),
    ('[tool]\nrelnotes = "x"\n', "pyproject.toml:2:1: 'tool.relnotes' must be a table"),
    ('[tool.relnotes]\nproject = "a\n', "pyproject.toml:2:13: invalid TOML"),
    ('[tool.relnotes]\nproject = "a"\nproject = "b"\n', "pyproject.toml:3:"),
])
def test_mistakes_are_located(repo, table, message):
    write(repo / "pyproject.toml", '[project]\nname = "x"\n\n' * 0 + table)
    with pytest.raises(ConfigError) as e:
        config.load(repo / "pyproject.toml")
    assert message in str(e.value)
    assert e.value.exit_code == 2


def test_positions_after_multiline_strings_and_arrays(repo):
    text = ('[project]\ndescription = """\n[tool.relnotes]\nnot = "a table"\n"""\n'
            "classifiers = [\n  'a', # [tool.relnotes]\n  \"b\",\n]\n"
            "[tool.relnotes]  # here\n'project' = 'x'\ncheck = { skip_labels = [], skip_markr = \"s\" }\n")
    write(repo / "pyproject.toml", text)
    with pytest.raises(ConfigError, match=r"pyproject.toml:12:29: unknown key 'check.skip_markr'"):
        config.load(repo / "pyproject.toml")


def test_unlocatable_key_falls_back_to_its_table(repo):
    located = config_toml._located({"a": {"b": 1}}, ("tool", "relnotes"), {("tool", "relnotes"): (4, 1)}, (1, 1))
    assert located.lc.key("a") == (3, 0) and located["a"].lc.key("b") == (3, 0)


def test_toml_dates_are_dates(repo):
    write(repo / "pyproject.toml", '[tool.relnotes.schedule]\nanchor_version = 1\nanchor_date = 2025-01-20\n')
    assert config.load(repo / "pyproject.toml").schedule.anchor_date == date(2025, 1, 20)
    write(repo / "pyproject.toml", '[tool.relnotes.schedule]\nanchor_version = 1\nanchor_date = "2025-01-21"\n')
    assert config.load(repo / "pyproject.toml").schedule.anchor_date == date(2025, 1, 21)
    write(repo / "pyproject.toml", '[tool.relnotes.schedule]\nanchor_version = 1\nanchor_date = 10:00:00\n')
    with pytest.raises(ConfigError, match="pyproject.toml:3:1: 'schedule.anchor_date' must be a date"):
        config.load(repo / "pyproject.toml")


def test_confinement_and_size_apply(repo, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside")
    write(outside / "pyproject.toml", PYPROJECT)
    os.symlink(outside / "pyproject.toml", repo / "pyproject.toml")
    with pytest.raises(ConfigError, match="configuration file resolves outside the repository"):
        config.load(start=repo)
    (repo / "pyproject.toml").unlink()
    write(repo / "pyproject.toml", PYPROJECT + "# " + "x" * config.MAX_CONFIG_BYTES + "\n")
    with pytest.raises(ConfigError, match="too large for a configuration file"):
        config.load(start=repo)


def test_cache_serves_the_table_without_parsing(git_env, tmp_path, monkeypatch):
    root = tmp_path / "r"
    root.mkdir()
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    write(root / "pyproject.toml", PYPROJECT)
    first = config.load(start=root)
    monkeypatch.setattr(config_toml, "table", lambda *a: pytest.fail("parsed again"))
    assert config.load(start=root) == first
    # the same text as YAML is another configuration: the cache keys differ
    write(root / "pyproject.toml", PYPROJECT + "\n")
    monkeypatch.undo()
    assert config.load(start=root).project == "Demo"


def test_scan_is_total_and_linear_on_hostile_text():
    import time

    for text in ("[" * 100_000, '"""' + "\\" * 100_001, "a." * 50_000 + "= 1", "x = [" * 30_000,
                 "{" * 50_000, "k = 1979-05-27 " * 10_000):
        started = time.perf_counter()
        config_toml.locate(text)
        assert time.perf_counter() - started < 2.0


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="[]{}=.,\"'#\n abc12-_:T", max_size=80))
def test_scan_never_raises(text):
    config_toml.locate(text)


# -- round trip: any valid YAML configuration written as TOML loads the same ----------------------

_names = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=12)
# what the notes show: section names are heading titles, project and archive texts single lines
_titles = _names.filter(lambda s: re.match(HEADING_PATTERN, s) is not None)
_lines = _names.filter(lambda s: re.match(LINE_PATTERN, s) is not None)
_paths = st.from_regex(r"[a-z][a-z0-9_]{0,7}(/[a-z][a-z0-9_.]{0,7}){0,2}", fullmatch=True)


@st.composite
def valid_configs(draw) -> dict:
    cfg: dict = {}
    sections = draw(st.lists(_titles, min_size=1, max_size=5, unique_by=str.casefold))
    if draw(st.booleans()):
        cfg["sections"] = sections
        cfg["template_sections"] = draw(st.lists(st.sampled_from(sections), unique=True, max_size=3))
        cfg["patch_sections"] = draw(st.lists(st.sampled_from(sections), unique=True, max_size=2))
    if draw(st.booleans()):
        cfg["templates_dir"] = draw(_paths)
    if draw(st.booleans()):
        cfg["release_branch"] = draw(st.sampled_from(["release-{version}", "v{version}.x", "rel/{version}"]))
    if draw(st.booleans()):
        cfg["tag"] = draw(st.sampled_from(["v{version}", "{version}", "mypkg-v{version}"]))
    if draw(st.booleans()):
        cfg["support"] = draw(st.fixed_dictionaries({}, optional={
            "lts_every": st.integers(1, 1000), "lts_since": st.integers(0, 10_000),
            "lts_months": st.integers(1, 1200), "normal_releases": st.integers(1, 1000)}))
    if draw(st.booleans()):
        cfg["commit"] = draw(st.fixed_dictionaries({}, optional={"cut": _names, "release": _names, "marker": _names}))
    if draw(st.booleans()):
        cfg["project"] = draw(_lines)
    for key in ("main_branch",):
        if draw(st.booleans()):
            cfg[key] = draw(_names)
    if draw(st.booleans()):  # one http(s) URL (config_rules.REPOSITORY_PATTERN)
        cfg["repository"] = "https://example.org/" + draw(st.from_regex(r"[a-z0-9]{1,12}", fullmatch=True))
    for key in ("notes_file", "fragments_dir"):
        if draw(st.booleans()):
            cfg[key] = draw(_paths)
    if draw(st.booleans()):
        cfg["order"] = draw(st.sampled_from(["pr", "file"]))
    if draw(st.booleans()):
        cfg["preset"] = draw(st.sampled_from(["plain", "wasmtime", "keepachangelog"]))
    if draw(st.booleans()):
        cfg["links"] = draw(st.fixed_dictionaries({}, optional={
            "pr": st.sampled_from(["{repository}/pull/{number}", "https://x.org/{number}", "{{lit}}{number}"]),
            "issue": st.sampled_from(["{repository}/issues/{number}", "{repository}/i/{number}"])}))
    if draw(st.booleans()):
        cfg["schedule"] = draw(st.fixed_dictionaries({}, optional={
            "cut_day": st.integers(1, 28), "release_day": st.integers(1, 28),
            "weekend": st.sampled_from(["keep", "monday"])}))
        if draw(st.booleans()):  # a calendar: both anchors (a TOML date, a YAML date)
            cfg["schedule"]["anchor_version"] = draw(st.integers(0, 100))
            cfg["schedule"]["anchor_date"] = draw(st.dates(date(2000, 1, 1), date(2100, 12, 31)))
    if draw(st.booleans()):
        cfg["check"] = draw(st.fixed_dictionaries({}, optional={
            "skip_labels": st.lists(_names, max_size=3), "skip_marker": _names}))
    if draw(st.booleans()):
        cfg["archive"] = {"since": draw(st.from_regex(r"(0|[1-9][0-9]{0,2})\.(0|[1-9])\.(0|[1-9])", fullmatch=True)),
                          "oldest_suffix": draw(st.text(max_size=5).filter(lambda s: re.match(LINE_PATTERN, s) is not None)),
                          "label": draw(_lines)}
    if draw(st.booleans()):
        cfg["version_files"] = draw(st.lists(st.fixed_dictionaries({
            "path": _paths, "pattern": st.sampled_from(['version = "{version}"', "v{version}-dev"])}), max_size=2,
            unique_by=lambda f: f["path"]))  # one pattern per file: two in one file may overlap (refused)
    return cfg


def _yaml_scalar(v) -> str:
    if isinstance(v, (int, date)) and not isinstance(v, bool):
        return str(v) if isinstance(v, int) else v.isoformat()
    out = []
    for ch in v:
        if " " <= ch <= "~" and ch not in '"\\':
            out.append(ch)
        else:
            out.append(f"\\U{ord(ch):08x}")
    return '"' + "".join(out) + '"'


def _yaml(v, indent=0) -> str:
    pad = "  " * indent
    if isinstance(v, dict):
        return "".join(f"{pad}{k}:\n{_yaml(x, indent + 1)}" if isinstance(x, (dict, list)) and x
                       else f"{pad}{k}: {_yaml_flow(x)}\n" for k, x in v.items())
    return "".join(f"{pad}- {_yaml_flow(x)}\n" for x in v)


def _yaml_flow(v) -> str:
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k}: {_yaml_flow(x)}" for k, x in v.items()) + "}"
    if isinstance(v, list):
        return "[" + ", ".join(_yaml_flow(x) for x in v) + "]"
    return _yaml_scalar(v)


def _toml_scalar(v) -> str:
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, int):
        return str(v)
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k} = {_toml_scalar(x)}" for k, x in v.items()) + "}"
    if isinstance(v, list):
        return "[\n  " + ",\n  ".join(_toml_scalar(x) for x in v) + ",\n]" if v else "[]"
    if all(" " <= ch <= "~" and ch != "'" for ch in v):
        return "'" + v + "'"  # a literal string: no escapes at all
    return '"' + "".join(ch if " " <= ch <= "~" and ch not in '"\\' else f"\\U{ord(ch):08x}" for ch in v) + '"'


def _toml(cfg: dict, styles) -> str:
    lines = ["[project]", 'name = "round-trip"', "", "[tool.relnotes]"]
    later = []
    for key, value in cfg.items():
        if isinstance(value, dict):
            style = styles.draw(st.sampled_from(["table", "inline", "dotted"]))
            if style == "inline":
                lines.append(f"{key} = {_toml_scalar(value)}")
            elif style == "dotted":
                lines += [f"{key}.{k} = {_toml_scalar(x)}" for k, x in value.items()] or [f"{key} = {{}}"]
            else:
                later += ["", f"[tool.relnotes.{key}]"] + [f"{k} = {_toml_scalar(x)}" for k, x in value.items()]
        elif key == "version_files" and value and styles.draw(st.booleans()):
            for item in value:
                later += ["", "[[tool.relnotes.version_files]]"] + [f"{k} = {_toml_scalar(x)}" for k, x in item.items()]
        else:
            lines.append(f"{key} = {_toml_scalar(value)}")
    return "\n".join(lines + later) + "\n"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cfg=valid_configs(), styles=st.data())
def test_every_valid_yaml_config_loads_the_same_from_toml(tmp_path, cfg, styles):
    yaml_text = _yaml(cfg) or "{}\n"
    toml_text = _toml(cfg, styles)
    from_yaml = config.from_text(yaml_text, tmp_path / "relnotes.yaml", tmp_path, use_cache=False)
    from_toml = config.from_text(toml_text, tmp_path / "pyproject.toml", tmp_path, use_cache=False)
    assert from_toml._replace(path=None) == from_yaml._replace(path=None)


def test_round_trip_emitters_are_not_trivial(tmp_path):
    """The two spellings above differ in form: a property that compared a text with itself
    would prove nothing."""
    cfg = {"project": "Ünï", "schedule": {"cut_day": 3, "anchor_version": 2, "anchor_date": date(2030, 1, 2)}, "sections": ["A", "b"], "template_sections": []}
    y = config.from_text(_yaml(cfg), tmp_path / "relnotes.yaml", tmp_path, use_cache=False)
    t = config.from_text(_toml(cfg, _FirstStyle()), tmp_path / "pyproject.toml", tmp_path, use_cache=False)
    assert y.project == t.project == "Ünï" and t.schedule.anchor_date == date(2030, 1, 2)
    assert y.sections == t.sections == ("A", "b")


class _FirstStyle:
    def draw(self, strategy):
        return "dotted" if "dotted" in repr(strategy) else True


def test_render_table_reads_back(tmp_path):
    values = {"commit": {"cut": 'q"uo\\te\n\x7f'}, "sections": ["A", "B"], "template_sections": [],
              "links": {"issue": "{repository}/i/{number}"}}
    text = toml_writer.render_table(values, "made here")
    cfg = config.from_text(text, tmp_path / "pyproject.toml", tmp_path, use_cache=False)
    assert cfg.commit.cut == values["commit"]["cut"] and cfg.sections == ("A", "B")
    assert cfg.links.issue == "{repository}/i/{number}"


def test_subprocess_reads_pyproject(git_env, tmp_path):
    root = tmp_path / "p"
    root.mkdir()
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    write(root / "pyproject.toml", PYPROJECT)
    write(root / "CHANGELOG.md", "# Changelog\n")
    r = subprocess.run([sys.executable, "-m", "relnotes", "new", "--section", "bug fixes", "-m", "Fixed it."],
                       cwd=root, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    written = (root / r.stdout.strip()).read_text()
    assert "section: Bug Fixes" in written


def test_readme_example_loads_and_its_message_is_true(repo, monkeypatch):
    readme = (__import__("pathlib").Path(__file__).resolve().parent.parent / "README.md").read_text()
    example = readme.split("### `[tool.relnotes]` in `pyproject.toml`")[1].split("```toml\n")[1].split("```")[0]
    write(repo / "pyproject.toml", example)
    cfg = config.load(repo / "pyproject.toml")
    assert cfg.sections == ("Features", "Bug Fixes", "Removals") and cfg.schedule.anchor_date == date(2027, 1, 20)
    assert cfg.version_files == (config.VersionFile("pyproject.toml", 'version = "{version}"'),)
    write(repo / "pyproject.toml", example.replace("skip_labels", "skip_lables"))
    monkeypatch.chdir(repo)
    with pytest.raises(ConfigError) as e:
        config.load(repo / "pyproject.toml")
    message = readme.split("With `skip_labels` misspelt")[1].split("```console\nerror: ")[1].split("\n")[0]
    assert str(e.value) == message


def test_init_keeps_a_tool_relnotes_table_instead_of_shadowing_it(project):
    """init beside a pyproject.toml whose [tool.relnotes] configures the project writes no
    relnotes.yaml (which would win and silently hide the table) and uses the table's paths."""
    (project.root / "relnotes.yaml").unlink()
    project.write("pyproject.toml", '[project]\nname = "demo"\n\n[tool.relnotes]\nproject = "Demo"\n'
                                    'notes_file = "NEWS.md"\nfragments_dir = "news.d"\n')
    r = project.run("init", "--project", "Other", "--version", "1.0.0")
    assert r.exit_code == 0, r.output
    assert not (project.root / "relnotes.yaml").exists()
    assert (project.root / "NEWS.md").is_file() and (project.root / "news.d").is_dir()
    assert "pyproject.toml [tool.relnotes]" in r.output


def test_may_hold_table_is_linear_on_blank_lines():
    """``^\\s*`` in the mention regex rescanned every following blank line from every line
    start: 20,000 newlines took seconds, a 256 KiB pyproject.toml minutes, on every command."""
    import time

    for text in ("\n" * 200_000 + "x", " \n" * 100_000, "\t\r\n" * 60_000 + "relnotes"):
        started = time.perf_counter()
        assert not config_toml.may_hold_table(text)
        assert time.perf_counter() - started < 1.0
    for text in ('[ "tool" . "relnotes" ]\n', "[tool]\n\n\n  relnotes.project = 'x'\n", "tool = { relnotes = {} }\n"):
        assert config_toml.may_hold_table(text), text


@pytest.mark.parametrize("parts", [2_000, 120_000])
def test_a_deeply_dotted_table_is_a_located_error_in_bounded_time(repo, parts):
    """tomllib builds dotted keys quadratically and nests their tables without recursion; the
    positioned copy of the table recursed (exit 3 at 2,000 parts, minutes at 120,000)."""
    import time

    write(repo / "pyproject.toml", "[tool.relnotes." + ".".join(["a"] * parts) + "]\nb = 1\n")
    started = time.perf_counter()
    with pytest.raises(ConfigError) as e:
        config.load(start=repo)
    assert time.perf_counter() - started < 5.0
    assert e.value.exit_code == 2 and "pyproject.toml:1:" in e.value.message


def test_tables_nested_within_the_dot_limit_are_a_config_error(repo):
    write(repo / "pyproject.toml", "[tool.relnotes." + ".".join(["a"] * 500) + "]\nb = 1\n")
    with pytest.raises(ConfigError) as e:
        config.load(start=repo)
    assert e.value.exit_code == 2 and "pyproject.toml:1:" in e.value.message
