"""What relnotes publishes, checked by the clients that consume it.

The GitHub Action and the example workflows are validated with check-jsonschema's
vendored copies of GitHub's own schemas (no network), and the sdist and wheel are
built from this checkout and passed through ``twine check --strict``, the check PyPI
uploads go through.  A failure here means a user would see the problem first.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

from conftest import ROOT

BIN = Path(sys.executable).parent
WORKFLOWS = sorted((ROOT / "examples").glob("*.yml"))


def _run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, check=False)


def test_action_matches_the_github_actions_schema():
    r = _run(str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.github-actions", "action.yml")
    assert r.returncode == 0, r.stdout + r.stderr


def test_action_schema_check_catches_an_undescribed_input(tmp_path):
    """The check above can fail: an input without a description is refused."""
    bad = tmp_path / "action.yml"
    bad.write_text((ROOT / "action.yml").read_text().replace(
        "    description: The Python that installs and runs relnotes (3.11 or newer).\n", ""))
    r = _run(str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.github-actions", str(bad))
    assert r.returncode != 0
    assert "python-version" in r.stdout + r.stderr


def test_every_action_input_is_described_and_pip_is_cached():
    from ruamel.yaml import YAML

    action = YAML(typ="safe", pure=True).load((ROOT / "action.yml").read_text())
    assert all(spec.get("description") for spec in action["inputs"].values())
    assert any(step.get("uses", "").startswith("actions/cache@") for step in action["runs"]["steps"])


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_example_workflows_match_the_github_workflow_schema(workflow):
    r = _run(str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.github-workflows", str(workflow))
    assert r.returncode == 0, r.stdout + r.stderr


def test_there_are_example_workflows():
    assert len(WORKFLOWS) >= 2


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    r = _run(sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), ".")
    assert r.returncode == 0, r.stdout + r.stderr
    return out


def test_sdist_and_wheel_pass_twine_check_strict(dist):
    files = sorted(dist.iterdir())
    assert sorted(p.suffix for p in files) == [".gz", ".whl"]
    r = _run(str(BIN / "twine"), "check", "--strict", *map(str, files))
    assert r.returncode == 0, r.stdout + r.stderr


def test_wheel_carries_licence_types_templates_and_metadata(dist):
    wheel = next(dist.glob("*.whl"))
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        meta_name = next(n for n in names if n.endswith(".dist-info/METADATA"))
        meta = Parser().parsestr(z.read(meta_name).decode())
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert "relnotes/py.typed" in names
    assert {"relnotes/templates/entry.md.j2", "relnotes/templates/notes.md.j2"} <= names
    assert meta["License-Expression"] == "Apache-2.0"
    classifiers = meta.get_all("Classifier")
    for wanted in ("Environment :: Console", "Operating System :: OS Independent", "Typing :: Typed",
                   "Topic :: Software Development :: Build Tools", "Topic :: Software Development :: Documentation",
                   "Programming Language :: Python :: 3.11"):
        assert wanted in classifiers
    urls = {u.split(",")[0] for u in meta.get_all("Project-URL")}
    assert urls == {"Homepage", "Documentation", "Issues", "Changelog"}
    assert meta["Description-Content-Type"] == "text/markdown"


def test_sdist_carries_the_tests_and_their_vendored_data(dist):
    import tarfile

    sdist = next(dist.glob("*.tar.gz"))
    with tarfile.open(sdist) as t:
        names = {n.split("/", 1)[1] for n in t.getnames() if "/" in n}
    assert {"LICENSE", "tests/conftest.py", "tests/data/wasmtime/README.md",
            "tests/data/wasmtime/main.RELEASES.md"} <= names
