"""relnotes.yaml: plain defaults, the wasmtime preset reproduces Wasmtime; errors name key, line and the fix."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relnotes.cache import CONFIG_NAME as CONFIG_CACHE
from relnotes.config import load as config
from relnotes.config import schema as config_schema
from relnotes.errors import ConfigError


def load(tmp_path, text):
    p = tmp_path / "relnotes.yaml"
    p.write_text(text)
    return config.load(p)


def test_defaults_are_plain_and_the_wasmtime_preset_is_wasmtimes(tmp_path):
    cfg = config.defaults(tmp_path)
    assert cfg.notes_file == "RELEASES.md" and cfg.fragments_dir == "changes.d"
    assert cfg.project == tmp_path.name and cfg.repository == ""  # nobody else's name or repository
    assert cfg.link("pr", number=5) is None  # no repository: references are plain text
    assert cfg.schedule.cadence == "none" and cfg.support.lts_every is None
    assert cfg.archive.since == "0.0.0" and cfg.archive.oldest_suffix == ""
    cfg = load(tmp_path, "preset: wasmtime\n")
    assert cfg.project == "Wasmtime"
    assert cfg.link("pr", number=5) == "https://github.com/bytecodealliance/wasmtime/pull/5"
    assert cfg.link("archive", branch="release-1.0.0") == \
        "https://github.com/bytecodealliance/wasmtime/blob/release-1.0.0/RELEASES.md"
    assert cfg.schedule.cadence == "monthly" and cfg.schedule.cut_day == 5
    assert (cfg.schedule.anchor_version, str(cfg.schedule.anchor_date)) == (20, "2024-04-22")
    assert (cfg.support.lts_every, cfg.support.lts_since, cfg.support.lts_months) == (12, 24, 24)
    assert cfg.archive.since == "0.32.0"


@pytest.mark.parametrize("text, cadence", [
    ("schedule: {anchor_version: 3, anchor_date: 2027-01-20}\n", "monthly"),  # anchors imply monthly
    ("schedule: {anchor_date: 2027-01-20, anchor_version: 3, cadence: none}\n", "none"),  # said: none
    ("preset: wasmtime\nschedule: {cadence: none}\n", "none"),  # a preset's calendar turned off
    ("schedule: {cut_day: 7}\n", "none"),  # days alone are no calendar
])
def test_cadence_from_the_keys_set(tmp_path, text, cadence):
    assert load(tmp_path, text).schedule.cadence == cadence


@pytest.mark.parametrize("text, message", [
    ("sectons: [A]\n", "relnotes.yaml:1:1: unknown key 'sectons' — did you mean 'sections'?"),
    ("project: x\nlinks:\n  pull: '{repository}/pull/{number}'\n",
     "relnotes.yaml:3:3: unknown key 'links.pull' — did you mean 'links.pr'?"),
    ("sections: Fixed\n", "relnotes.yaml:1:1: 'sections' must be a list of strings, not 'Fixed'"),
    ("schedule:\n  cut_day: five\n", "relnotes.yaml:2:3: 'schedule.cut_day' must be a non-negative whole number"),
    ("notes_file: ../outside.md\n", "relnotes.yaml:1:1: 'notes_file' ('../outside.md') points outside the repository"),
    ("fragments_dir: /etc\n", "'fragments_dir' ('/etc') points outside the repository"),
    ("order: random\n", "'order' must be 'pr' or 'file'"),
    ("project: [unclosed\n", "invalid YAML"),
    ("- a\n", "the configuration must be a mapping"),
    ("template_sections: [Nope]\n", "template section 'Nope' is not one of 'sections'"),
    ("project: !!python/object:os.system x\n", "invalid YAML"),
    ("project: a\nproject: b\n", "invalid YAML"),
    ("schedule: {cadence: weekly}\n", "'schedule.cadence' must be 'none' or 'monthly'"),
    ("schedule: {cadence: monthly}\n",
     "relnotes.yaml: a monthly release calendar needs schedule.anchor_version and schedule.anchor_date"),
    ("schedule: {anchor_version: 4}\n", "a monthly release calendar needs schedule.anchor_date"),
])
def test_config_errors(tmp_path, text, message):
    with pytest.raises(ConfigError) as e:
        load(tmp_path, text)
    assert message in str(e.value)
    assert e.value.exit_code == 2


def test_config_found_by_walking_up(tmp_path, monkeypatch):
    (tmp_path / ".git").mkdir()
    (tmp_path / "relnotes.yaml").write_text("project: Found\n")
    sub = tmp_path / "a" / "b"
    sub.mkdir(parents=True)
    monkeypatch.chdir(sub)
    cfg = config.load()
    assert cfg.project == "Found" and cfg.root == tmp_path.resolve()


def test_cli_reports_config_error_without_traceback(project):
    project.write("relnotes.yaml", "sectons: [A]\n")
    before = project.snapshot_tree()
    r = project.run("build")
    assert r.exit_code == 2
    assert "unknown key 'sectons' — did you mean 'sections'?" in r.stderr
    assert "Traceback" not in r.output
    assert project.snapshot_tree() == before


def test_json_schema_lists_every_key():
    schema = config_schema.json_schema()
    assert set(schema["properties"]) == set(config.SCHEMA)
    assert schema["properties"]["links"]["properties"]["pr"]["default"] == "{repository}/pull/{number}"


# -- the configuration cache gives exactly what loading gives --------------------------------

_CONFIG_LINES = st.sampled_from([
    "project: Demo\n", "repository: https://github.com/example/demo\n", "sections: [Added, Fixed]\n",
    "template_sections: [Added]\n", "order: file\n", "order: random\n", "sectons: [A]\n",
    "schedule: {cut_day: 7, anchor_date: 2025-01-20}\n", "schedule: {anchor_date: 2024-02-30}\n",
    "support: {lts_releases: 10, normal_releases: 1}\n", "archive: {since: 1.0.0, oldest_suffix: ''}\n",
    "version_files: [{path: Cargo.toml, pattern: 'version = \"{version}\"'}]\n",
    "links:\n  pr: '{repository}/pull/{number}'\n", "links: {pr: 'x/{'}\n", "links: {issue: '{id}'}\n",
    "notes_file: ../x.md\n", "project: [unclosed\n",
    "check: {exempt_paths: ['docs/**'], skip_marker: 'no notes'}\n", "# a comment\n",
])


def _outcome(tmp, text, **kw):
    try:
        return config.from_text(text, tmp / "relnotes.yaml", tmp, **kw)
    except ConfigError as e:
        return ("error", e.message, e.hint, e.exit_code)


@settings(max_examples=80, deadline=None)
@given(st.lists(_CONFIG_LINES, max_size=6))
def test_cached_config_equals_plain_config(tmp_path_factory, lines):
    root = tmp_path_factory.mktemp("repo")
    (root / ".git").mkdir()
    text = "".join(lines)
    plain = _outcome(root, text, use_cache=False)
    cold = _outcome(root, text)
    warm = _outcome(root, text)
    assert cold == plain and warm == plain
    if isinstance(plain, config.Config):
        assert cached_entries(root) == 1
    elif "invalid YAML" in plain[1] or "unknown key" in plain[1]:  # problems are never remembered
        assert not (root / ".git/relnotes" / CONFIG_CACHE).exists()


def test_config_cache_hit_skips_yaml_and_ignores_garbage(tmp_path, monkeypatch):
    (tmp_path / ".git").mkdir()
    text = "project: Cached\nschedule: {anchor_version: 3, anchor_date: 2025-01-20}\n"
    first = config.from_text(text, tmp_path / "relnotes.yaml", tmp_path)
    assert cached_entries(tmp_path) == 1

    def no_yaml(*a):
        raise AssertionError("ruamel.yaml used on a cache hit")

    monkeypatch.setattr(config, "_parse_and_validate", no_yaml)
    assert config.from_text(text, tmp_path / "relnotes.yaml", tmp_path) == first
    assert first.schedule.anchor_date.isoformat() == "2025-01-20"
    (tmp_path / ".git/relnotes" / CONFIG_CACHE).write_text("{not json")
    monkeypatch.undo()
    assert config.from_text(text, tmp_path / "relnotes.yaml", tmp_path) == first
    assert cached_entries(tmp_path) == 1
    monkeypatch.setenv("RELNOTES_NO_CACHE", "1")
    monkeypatch.setattr(config, "_parse_and_validate", no_yaml)
    with pytest.raises(AssertionError):
        config.from_text(text, tmp_path / "relnotes.yaml", tmp_path)


def test_config_cache_keeps_the_newest_few(tmp_path):
    (tmp_path / ".git").mkdir()
    for i in range(12):
        config.from_text(f"project: P{i}\n", tmp_path / "relnotes.yaml", tmp_path)
    assert cached_entries(tmp_path) == 8


def cached_entries(root):
    from relnotes.cache import read_marshal

    return len(read_marshal(root / ".git/relnotes" / CONFIG_CACHE)["entries"])


@pytest.mark.parametrize("name", sorted(__import__("relnotes.config.presets", fromlist=["PRESETS"]).PRESETS))
def test_every_preset_is_a_valid_configuration(tmp_path, name):
    """A preset's table passes the same validation as a user's relnotes.yaml, and loads."""
    from relnotes.config import presets
    from relnotes.config.rules import SCHEMA, validate

    assert validate(presets.PRESETS[name], SCHEMA, tmp_path / "relnotes.yaml", prefix="") is not None
    cfg = config.from_text(f"preset: {name}\n", tmp_path / "relnotes.yaml", tmp_path, use_cache=False)
    assert cfg.preset == name


def test_unknown_preset_is_refused_with_the_choices(tmp_path):
    with pytest.raises(ConfigError, match="'preset' must be 'plain', 'wasmtime' or 'keepachangelog'"):
        config.from_text("preset: cargo\n", tmp_path / "relnotes.yaml", tmp_path, use_cache=False)


def test_readme_names_every_cache_file_as_the_code_writes_it():
    """The README tells users which files in .git/relnotes/ they may delete; a version
    bump of a cache's name must not leave the README pointing at a file that no longer exists."""
    from pathlib import Path

    from relnotes import cache
    from relnotes.git import history
    from relnotes.questions import stitch

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    for name in (cache.NAME, cache.CONFIG_NAME, history.NAME, stitch.CACHE_NAME):
        assert f"`{name}`" in readme, name


@pytest.mark.parametrize("text", ["remote: '" + "a-" * 30000 + "'\n", "sections: ['" + "x#" * 30000 + "']\n"])
def test_a_refused_key_quotes_a_bounded_excerpt(tmp_path, text):
    """The newer keys' messages quote a value as every message does (errors.quoted)."""
    with pytest.raises(ConfigError) as e:
        config.from_text(text, tmp_path / "relnotes.yaml", tmp_path, use_cache=False)
    assert len(e.value.message) < 400 and "…" in e.value.message
