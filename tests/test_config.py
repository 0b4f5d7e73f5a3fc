"""relnotes.yaml: defaults reproduce Wasmtime; errors name key, line and the fix."""

from __future__ import annotations

import pytest

from relnotes import config
from relnotes.errors import ConfigError


def load(tmp_path, text):
    p = tmp_path / "relnotes.yaml"
    p.write_text(text)
    return config.load(p)


def test_defaults_are_wasmtimes(tmp_path):
    cfg = config.defaults(tmp_path)
    assert cfg.notes_file == "RELEASES.md" and cfg.fragments_dir == "changes.d"
    assert cfg.link("pr", number=5) == "https://github.com/bytecodealliance/wasmtime/pull/5"
    assert cfg.link("archive", branch="release-1.0.0") == \
        "https://github.com/bytecodealliance/wasmtime/blob/release-1.0.0/RELEASES.md"
    assert cfg.support.lts_every == 12 and cfg.schedule.cut_day == 5


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
    schema = config.json_schema()
    assert set(schema["properties"]) == set(config.SCHEMA)
    assert schema["properties"]["links"]["properties"]["pr"]["default"] == "{repository}/pull/{number}"
