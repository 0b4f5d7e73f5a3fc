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


def _sticky_comment_query() -> str:
    """The jq program of the action's step that picks the PR comment to edit."""
    import re

    from ruamel.yaml import YAML

    action = YAML(typ="safe", pure=True).load((ROOT / "action.yml").read_text())
    [script] = [step["run"] for step in action["runs"]["steps"] if "PATCH" in step.get("run", "")]
    m = re.search(r"--jq '([^']*)'", script)
    assert m, script
    return m[1]


def test_the_sticky_comment_is_only_ever_the_bots_own():
    """Anyone can post a comment that starts with ``<!-- relnotes-preview -->``: the step
    must edit only the one this workflow's bot wrote, never a planted one."""
    import json
    import shutil

    query = _sticky_comment_query()
    assert '.user.login == "github-actions[bot]"' in query and '.user.type == "Bot"' in query
    if shutil.which("jq") is None:
        pytest.skip("jq is not installed")
    marker = "<!-- relnotes-preview -->\n"
    comments = [
        {"id": 1, "user": {"login": "mallory", "type": "User"}, "body": marker + "planted"},
        {"id": 2, "user": {"login": "github-actions", "type": "User"}, "body": marker + "lookalike"},
        {"id": 3, "user": {"login": "other-app[bot]", "type": "Bot"}, "body": marker + "another bot"},
        {"id": 4, "user": {"login": "github-actions[bot]", "type": "Bot"}, "body": "an unrelated comment"},
        {"id": 5, "user": {"login": "github-actions[bot]", "type": "Bot"}, "body": marker + "ours"},
    ]
    r = subprocess.run(["jq", "-r", query], input=json.dumps(comments), capture_output=True, text=True, check=True)
    assert r.stdout.split() == ["5"]
    r = subprocess.run(["jq", "-r", query], input=json.dumps(comments[:4]), capture_output=True, text=True,
                       check=True)
    assert r.stdout.split() == []  # no comment of ours yet: the step posts a new one


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
                   "Programming Language :: Python :: 3.11", "Programming Language :: Python :: 3.12",
                   "Programming Language :: Python :: 3.13"):
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


# Declared = imported: every third-party module that relnotes imports (anywhere, inside
# functions too) belongs to a distribution the wheel requires, and every runtime
# requirement is imported.  A module the suite's own tools happen to install (click
# comes with check-jsonschema) would otherwise pass here and fail for a user.

def _normal(name: str) -> str:
    """A distribution name as PEP 503 compares them."""
    import re

    return re.sub(r"[-_.]+", "-", name).lower()


def imported_modules(package: Path) -> dict[str, set[str]]:
    """Every absolute import under ``package`` that is neither the standard library nor
    the package itself, by top-level module name, with where (``path:line``).  Imports
    inside functions, classes and ``if`` blocks count, and so do
    ``importlib.import_module("name")`` calls with a literal name."""
    import ast

    found: dict[str, set[str]] = {}
    for path in sorted(package.rglob("*.py")):
        tree = ast.parse(path.read_bytes(), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module] if node.level == 0 and node.module else []
            elif (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)
                  and isinstance(node.args[0].value, str)
                  and getattr(node.func, "attr", getattr(node.func, "id", None)) in ("import_module", "__import__")):
                names = [] if node.args[0].value.startswith(".") else [node.args[0].value]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top in sys.stdlib_module_names or top == package.name:
                    continue
                found.setdefault(top, set()).add(f"{path.relative_to(package.parent)}:{node.lineno}")
    return found


def runtime_requirements(metadata) -> set[str]:
    """The normalised names of a wheel's ``Requires-Dist`` that no extra guards."""
    import re

    names = set()
    for line in metadata.get_all("Requires-Dist") or []:
        requirement, _, marker = line.partition(";")
        if re.search(r"\bextra\s*==", marker):
            continue
        names.add(_normal(re.match(r"\s*[A-Za-z0-9][A-Za-z0-9._-]*", requirement)[0]))
    return names


def dependency_differences(imported: dict[str, set[str]], required: set[str],
                           distributions: dict[str, list[str]]) -> list[str]:
    """What stops declared = imported: an import no requirement provides (or that no
    installed distribution provides at all), a requirement nothing imports."""
    problems, provided = [], set()
    for module, where in sorted(imported.items()):
        dists = {_normal(d) for d in distributions.get(module, [])}
        provided |= dists & required
        if not dists & required:
            owner = ", ".join(sorted(dists)) or "no installed distribution"
            problems.append(f"{module} (from {owner}) is imported at {', '.join(sorted(where))} "
                            "but is not a runtime dependency in pyproject.toml")
    for name in sorted(required - provided):
        problems.append(f"{name} is a runtime dependency but relnotes/ never imports it")
    return problems


def _wheel_metadata(dist: Path):
    wheel = next(dist.glob("*.whl"))
    with zipfile.ZipFile(wheel) as z:
        meta_name = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
        return Parser().parsestr(z.read(meta_name).decode())


def test_every_import_is_a_declared_dependency_and_every_dependency_is_imported(dist):
    from importlib.metadata import packages_distributions

    imported = imported_modules(ROOT / "relnotes")
    required = runtime_requirements(_wheel_metadata(dist))
    assert {"typer", "gitpython", "ruamel-yaml"} <= required  # the metadata was read
    assert {"typer", "git", "ruamel"} <= set(imported)  # and so were the imports
    assert dependency_differences(imported, required, packages_distributions()) == []


def test_dependency_check_catches_an_undeclared_import_and_an_unused_requirement():
    """The check above can fail, in both directions, and names the culprit."""
    distributions = {"typer": ["typer"], "click": ["click"], "git": ["GitPython"], "ruamel": ["ruamel.yaml"]}
    imported = {"typer": {"relnotes/cli/app.py:26"}, "click": {"relnotes/cli/composing.py:18"},
                "ruamel": {"relnotes/config.py:223"}, "mystery": {"relnotes/x.py:1"}}
    problems = dependency_differences(imported, {"typer", "gitpython", "ruamel-yaml"}, distributions)
    assert problems == [
        "click (from click) is imported at relnotes/cli/composing.py:18 but is not a runtime dependency "
        "in pyproject.toml",
        "mystery (from no installed distribution) is imported at relnotes/x.py:1 but is not a runtime "
        "dependency in pyproject.toml",
        "gitpython is a runtime dependency but relnotes/ never imports it",
    ]


def test_imports_are_found_at_any_depth_and_requirements_skip_extras(tmp_path):
    pkg = tmp_path / "relnotes"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "top.py").write_text("import os, json\nimport typer\nfrom . import sub\nfrom relnotes import x\n")
    (pkg / "sub" / "deep.py").write_text(
        "def f():\n    if True:\n        from ruamel.yaml import YAML\n"
        "class C:\n    def g(self):\n        import git.exc\n"
        "import importlib\nimportlib.import_module('markupsafe')\n")
    found = imported_modules(pkg)
    assert set(found) == {"typer", "ruamel", "git", "markupsafe"}
    assert found["ruamel"] == {"relnotes/sub/deep.py:3"}
    meta = Parser().parsestr("Requires-Dist: typer<0.29,>=0.27\nRequires-Dist: ruamel.yaml<0.20,>=0.19.1\n"
                             "Requires-Dist: pytest>=8; extra == 'test'\nRequires-Dist: GitPython>=3.1\n")
    assert runtime_requirements(meta) == {"typer", "ruamel-yaml", "gitpython"}


# What CI installs: .ci/wheel-smoke.py installs the wheel with no extras on every supported
# Python and runs a first use of every command.

def _wheel_smoke():
    import importlib.util

    spec = importlib.util.spec_from_file_location("wheel_smoke", ROOT / ".ci" / "wheel-smoke.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_wheel_smoke_covers_every_command():
    """A new command fails this until the smoke scenario runs it too."""
    from typer.main import get_command_name

    from relnotes.cli import app

    def names(typer_app):
        return {c.name or get_command_name(c.callback.__name__) for c in typer_app.registered_commands}

    commands = names(app) | {f"{g.name} {n}" for g in app.registered_groups for n in names(g.typer_instance)}
    assert _wheel_smoke().EXPECTED == commands


def test_the_wheel_smoke_scenario_passes_with_this_checkout(has_git):
    """The scenario itself (no wheel, no venv: this environment's relnotes), so a change
    that breaks a first use shows here before CI; CI runs it on the installed wheel."""
    r = _run(sys.executable, str(ROOT / ".ci" / "wheel-smoke.py"), "--relnotes", str(BIN / "relnotes"))
    assert r.returncode == 0, r.stdout + r.stderr
    assert ", 0 failures, " in r.stdout


def test_the_wheel_smoke_reports_a_failing_command(tmp_path):
    """... and can fail: a relnotes that exits 3 is reported, command by command."""
    fake = tmp_path / "relnotes"
    fake.write_text("#!/bin/sh\necho 'error: internal error: ModuleNotFoundError' >&2\nexit 3\n")
    fake.chmod(0o755)
    r = _run(sys.executable, str(ROOT / ".ci" / "wheel-smoke.py"), "--relnotes", str(fake))
    assert r.returncode == 1
    assert "FAIL relnotes init --preset wasmtime" in r.stdout and "exit 3, expected 0; an internal error" in r.stdout


def pinned_versions(text: str) -> set[str]:
    """Versions the text pins relnotes to: ``relnotes/relnotes@vX.Y.Z``, ``rev: vX.Y.Z``."""
    import re

    return set(re.findall(r"relnotes/relnotes@(v?\d+\.\d+\.\d+\S*?)[`\"'\s]", text)
               + re.findall(r"^\s*rev:\s*['\"]?(v?\d+\.\d+\.\d+[^\s'\"]*)", text, re.M))


def test_install_examples_pin_only_what_exists():
    """The README's install, Action and pre-commit examples pin no tag that does not exist."""
    tags = set(subprocess.run(["git", "tag"], cwd=ROOT, capture_output=True, text=True, check=False).stdout.split())
    for name in ("README.md", "action.yml", *(f"examples/{p.name}" for p in WORKFLOWS)):
        assert pinned_versions((ROOT / name).read_text(encoding="utf-8")) <= tags, name
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    install = readme.split("\n## Install\n", 1)[1].split("\n## ", 1)[0]
    for command in ("pip install .", 'pip install "git+https://github.com/relnotes/relnotes@', "pipx install"):
        assert command in install


def test_pinned_versions_finds_a_tag_pin():
    assert pinned_versions("uses: relnotes/relnotes@v0.1.0 (a tag)\n  rev: v0.1.0\n") == {"v0.1.0"}
    assert pinned_versions("uses: relnotes/relnotes@<commit-sha>\n  rev: <commit-sha>  # SHA\n") == set()
