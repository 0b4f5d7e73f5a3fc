"""examples/release-process.yml, run as written: one month of Wasmtime's release process.

The workflow's shell steps are taken from the YAML and run with bash the way GitHub
runs them (``bash --noprofile --norc -eo pipefail``) in a clone of a bare "origin",
with relnotes from this checkout, a fake ``pip`` and a fake ``gh`` on PATH that
record their arguments.  ``uses:`` steps are emulated (checkout is the clone);
``if:`` conditions and ``${{ }}`` values are evaluated for the simple forms the
workflow uses.  A person merging a pull request is a fast-forward of its base branch
on origin, after which the ``tag`` job runs, as a push to a release branch would.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from conftest import ROOT, corpus, git

WORKFLOW = ROOT / "examples" / "release-process.yml"
PUBLISH = ROOT / "examples" / "publish-release.yml"
REPOSITORY = "bytecodealliance/wasmtime"  # the repository the examples' fork guards name
MARKER = "[automatically-tag-and-release-this-commit]"
RELNOTES = shutil.which("relnotes", path=str(Path(sys.executable).parent)) or shutil.which("relnotes")

pytestmark = pytest.mark.skipif(RELNOTES is None or shutil.which("jq") is None or shutil.which("bash") is None,
                                reason="needs the relnotes script, jq and bash")

_CONDITION = re.compile(r"^([\w.-]+) (==|!=) '([^']*)'$")
_EXPRESSION = re.compile(r"^\$\{\{ *([\w.-]+) *\}\}$")


def _workflow(path: Path = WORKFLOW) -> dict:
    from ruamel.yaml import YAML

    return YAML(typ="safe", pure=True).load(path.read_text())


def parse_github_output(text: str) -> dict[str, str]:
    """``key=value`` lines and ``key<<DELIM`` … ``DELIM`` blocks, as the runner reads them."""
    out: dict[str, str] = {}
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            key, delim = line.split("<<", 1)
            end = lines.index(delim, i + 1)
            out[key] = "\n".join(lines[i + 1:end])
            i = end + 1
        elif "=" in line:
            key, value = line.split("=", 1)
            out[key] = value
            i += 1
        else:
            i += 1
    return out


class Runner:
    """Runs one job of the workflow against ``origin``, GitHub-style."""

    def __init__(self, tmp_path: Path, origin: Path) -> None:
        self.tmp = tmp_path
        self.origin = origin
        self.bin = tmp_path / "fake-bin"
        self.bin.mkdir()
        self.gh_log = tmp_path / "gh.log"
        self.gh_log.touch()
        fake = (f"#!{sys.executable}\n"
                "import json, os, sys\n"
                "args = sys.argv[1:]\n"
                "record = {'tool': os.path.basename(sys.argv[0]), 'args': args}\n"
                "if '--body-file' in args:\n"
                "    record['body_file'] = open(args[args.index('--body-file') + 1]).read()\n"
                "with open(os.environ['FAKE_LOG'], 'a') as f:\n"
                "    f.write(json.dumps(record) + '\\n')\n"
                "if args[:2] == ['pr', 'create']:\n"
                "    print('https://github.com/example/project/pull/1')\n")
        for tool in ("gh", "pip"):
            (self.bin / tool).write_text(fake)
            (self.bin / tool).chmod(0o755)
        self.runs = 0

    def calls(self, tool: str = "gh") -> list[dict]:
        return [c for c in map(json.loads, self.gh_log.read_text().splitlines()) if c["tool"] == tool]

    def job_runs(self, job: str, *, event: str, workflow: Path = WORKFLOW, **context: str) -> bool:
        """Whether the job's ``if:`` lets it run (``context``: ``github.repository`` etc., dots as ``__``)."""
        ctx = {"github.event_name": event, "github.repository": REPOSITORY,
               **{k.replace("__", "."): v for k, v in context.items()}}
        return self._true(_workflow(workflow)["jobs"][job]["if"], ctx)

    def run_job(self, job: str, *, event: str, ref: str, env: dict[str, str], workflow: Path = WORKFLOW) -> dict:
        spec = _workflow(workflow)["jobs"][job]
        self.runs += 1
        work = self.tmp / f"run-{self.runs}"
        git(self.tmp, "clone", "-q", str(self.origin), str(work))  # actions/checkout, fetch-depth 0
        git(work, "checkout", "-q", ref)
        temp = self.tmp / f"runner-temp-{self.runs}"
        temp.mkdir()
        context = {"github.event_name": event, "github.ref_name": ref, "github.repository": REPOSITORY}
        if event == "workflow_run":  # CI succeeded on a push to the branch: the run names the commit it tested
            context.update({"github.event.workflow_run.conclusion": "success",
                            "github.event.workflow_run.event": "push",
                            "github.event.workflow_run.head_sha": git(work, "rev-parse", "HEAD")})
        assert self._true(spec["if"], context), f"job {job} does not run on {event}"
        job_env = {k: env.get(k, self._value(v, context)) for k, v in spec.get("env", {}).items()}
        context.update({f"env.{k}": v for k, v in job_env.items()})
        outputs: dict[str, dict[str, str]] = {}
        for step in spec["steps"]:
            if "uses" in step:
                continue  # checkout: the clone above; setup-python: this interpreter
            if "if" in step and not self._true(step["if"], context):
                continue
            out_file = temp / f"output-{len(outputs)}-{step.get('id', 'x')}"
            out_file.touch()
            step_env = {k: self._value(v, context) for k, v in step.get("env", {}).items()}
            script = temp / "step.sh"
            script.write_text(step["run"])
            full_env = {**os.environ, **job_env, **step_env,
                        "PATH": os.pathsep.join([str(self.bin), str(Path(RELNOTES).parent), os.environ["PATH"]]),
                        "RUNNER_TEMP": str(temp), "GITHUB_OUTPUT": str(out_file), "FAKE_LOG": str(self.gh_log)}
            full_env.pop("GITHUB_STEP_SUMMARY", None)
            r = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)], cwd=work,
                               env=full_env, capture_output=True, text=True)
            assert r.returncode == 0, f"step {step.get('name')!r} failed:\n{r.stdout}\n{r.stderr}"
            if "id" in step:
                outputs[step["id"]] = parse_github_output(out_file.read_text())
                context.update({f"steps.{step['id']}.outputs.{k}": v for k, v in outputs[step["id"]].items()})
        return outputs

    @staticmethod
    def _value(value: str, context: dict) -> str:
        m = _EXPRESSION.match(str(value))
        return context.get(m[1], "") if m else str(value)

    @staticmethod
    def _true(condition: str, context: dict) -> bool:
        """``a == 'x' && b != 'y' || …``: comparisons joined by && (binding tighter) and ||."""
        def atom(text: str) -> bool:
            m = _CONDITION.match(text.strip())
            assert m, f"the test cannot evaluate if: {condition}"
            left = context.get(m[1], "")
            return (left == m[3]) if m[2] == "==" else (left != m[3])

        return any(all(atom(a) for a in alt.split("&&")) for alt in condition.split("||"))


# -- the month ------------------------------------------------------------------------------


def _show(origin: Path, ref: str, path: str) -> str:
    return git(origin, "show", f"{ref}:{path}")


def _merge(origin: Path, pr: dict) -> str:
    """A person merges the pull request: its base fast-forwards to its head."""
    args = pr["args"]
    base, head = args[args.index("--base") + 1], args[args.index("--head") + 1]
    subprocess.run(["git", "merge-base", "--is-ancestor", f"refs/heads/{base}", f"refs/heads/{head}"],
                   cwd=origin, check=True)
    git(origin, "update-ref", f"refs/heads/{base}", git(origin, "rev-parse", f"refs/heads/{head}"))
    return base


def _contribute(tmp_path: Path, origin: Path, branch: str, name: str, files: dict[str, str], message: str) -> None:
    """A backport pull request, squash-merged into ``branch``."""
    dev = tmp_path / f"dev-{name}"
    git(tmp_path, "clone", "-q", "--branch", branch, str(origin), str(dev))
    for rel, text in files.items():
        (dev / rel).parent.mkdir(parents=True, exist_ok=True)
        (dev / rel).write_text(text)
    git(dev, "add", "-A")
    git(dev, "commit", "-q", "-m", message)
    git(dev, "push", "-q", "origin", branch)


@pytest.fixture
def origin(git_env, tmp_path) -> Path:
    """A bare origin whose main is at 49.0.0-dev with one pending fragment."""
    seed = tmp_path / "seed"
    seed.mkdir()
    git(seed, "init", "-q", "-b", "main")
    (seed / "relnotes.yaml").write_text(
        "preset: wasmtime\nproject: Wasmtime\nrepository: https://github.com/bytecodealliance/wasmtime\n"
        "version_files: [{path: Cargo.toml, pattern: 'version = \"{version}\"'}]\n")
    (seed / "Cargo.toml").write_text('[workspace.package]\nversion = "49.0.0-dev"\nrust-version = "1.88.0"\n')
    (seed / "RELEASES.md").write_text(corpus("main.RELEASES.md"))
    (seed / "changes.d").mkdir()
    (seed / "changes.d" / "component-model.md").write_text(
        "---\nsection: Added\nprs: [11900]\n---\nComponent-model async is on by default.\n")
    git(seed, "add", "-A")
    git(seed, "commit", "-q", "-m", "Wasmtime at 49.0.0-dev")
    bare = tmp_path / "origin.git"
    git(tmp_path, "clone", "-q", "--bare", str(seed), str(bare))
    return bare


def _tag_and_publish(actions: Runner, branch: str) -> dict:
    """CI succeeded on ``branch``: the tag job runs; a tag it pushes starts publish-release.yml."""
    out = actions.run_job("tag", event="workflow_run", ref=branch, env={"PUSH_TOKEN": "t"})
    if out["tag"]["tag"]:
        out.update(actions.run_job("publish", event="push", ref=out["tag"]["tag"], env={"GH_TOKEN": "t"},
                                   workflow=PUBLISH))
    return out


def test_one_month_cut_candidates_backport_release_tag_and_patch(origin, tmp_path):
    actions = Runner(tmp_path, origin)
    gh = actions.calls
    main_before = git(origin, "rev-parse", "main")

    # -- the 5th: cut, main's bump PR and the first candidate's PR ------------------------
    actions.run_job("release-process", event="schedule", ref="main", env={"ACTION": "cut", "GH_TOKEN": "t"})
    assert git(origin, "rev-parse", "release-49.0.0") == main_before  # cut from main as it was
    assert git(origin, "rev-parse", "main") == main_before  # nothing pushed to main
    bump, rc1 = gh()
    assert bump["args"][:6] == ["pr", "create", "--base", "main", "--head", "ci/bump-to-50.0.0"]
    assert bump["args"][bump["args"].index("--title") + 1] == "Bump Wasmtime to 50.0.0"
    assert _show(origin, "ci/bump-to-50.0.0", "Cargo.toml").startswith('[workspace.package]\nversion = "50.0.0-dev"\n')
    assert _show(origin, "ci/bump-to-50.0.0", "RELEASES.md").startswith("## 50.0.0\n\nUnreleased.\n")
    assert rc1["args"][:6] == ["pr", "create", "--base", "release-49.0.0", "--head", "ci/release-49.0.0-rc.1"]
    assert rc1["args"][rc1["args"].index("--title") + 1] == "Release Wasmtime 49.0.0-rc.1"
    assert git(origin, "log", "-1", "--format=%B", "ci/release-49.0.0-rc.1") == \
        f"Release Wasmtime 49.0.0-rc.1\n\n{MARKER}"
    assert 'version = "49.0.0-rc.1"' in _show(origin, "ci/release-49.0.0-rc.1", "Cargo.toml")
    assert 'rust-version = "1.88.0"' in _show(origin, "ci/release-49.0.0-rc.1", "Cargo.toml")
    assert rc1["body_file"].startswith("## 49.0.0\n\nUnreleased.\n")
    assert [c["args"] for c in actions.calls("pip")] == [["install", "relnotes"]]

    # -- both PRs merged; the candidate's merge is tagged and published as a pre-release ----
    _merge(origin, bump)
    assert _show(origin, "main", "Cargo.toml").startswith('[workspace.package]\nversion = "50.0.0-dev"')
    out = _tag_and_publish(actions, _merge(origin, rc1))
    assert out["tag"] == {"tag": "v49.0.0-rc.1"}
    assert out["page"]["prerelease"] == "true"
    assert git(origin, "rev-parse", "v49.0.0-rc.1^{commit}") == git(origin, "rev-parse", "release-49.0.0")
    assert git(origin, "cat-file", "-t", "v49.0.0-rc.1") == "tag"
    release = gh()[-1]["args"]
    assert release[:3] == ["release", "create", "v49.0.0-rc.1"] and release[-1] == "--prerelease"
    assert release[release.index("--notes") + 1] == _show(origin, "release-49.0.0", "RELEASES.md").split("\n---")[0].rstrip("\n")

    # -- a backport lands on the branch: not marked, so nothing is tagged -------------------
    _contribute(tmp_path, origin, "release-49.0.0", "backport-1", {
        "src/lib.rs": "// fixed\n",
        "changes.d/fix-mpk.md": "---\nsection: Fixed\nprs: [11950]\n---\nEnabling MPK with CoW images has been fixed.\n",
    }, "[49.0.0] Fix MPK with CoW images (#11950) (#11960)")
    n = len(gh())
    assert _tag_and_publish(actions, "release-49.0.0")["tag"] == {"tag": ""}
    assert len(gh()) == n and git(origin, "tag") == "v49.0.0-rc.1"

    # -- on demand: rc.2 of the newest branch ------------------------------------------------
    actions.run_job("release-process", event="workflow_dispatch", ref="main",
                    env={"ACTION": "release-rc", "GH_TOKEN": "t"})
    rc2 = gh()[-1]
    assert rc2["args"][:6] == ["pr", "create", "--base", "release-49.0.0", "--head", "ci/release-49.0.0-rc.2"]
    assert git(origin, "log", "-1", "--format=%B", "ci/release-49.0.0-rc.2") == \
        f"Release Wasmtime 49.0.0-rc.2\n\n{MARKER}"
    out = _tag_and_publish(actions, _merge(origin, rc2))
    assert out["tag"]["tag"] == "v49.0.0-rc.2" and gh()[-1]["args"][-1] == "--prerelease"

    # -- the 20th: the release PR, merged, tagged, published ---------------------------------
    actions.run_job("release-process", event="schedule", ref="main",
                    env={"ACTION": "release-latest", "GH_TOKEN": "t"})
    final = gh()[-1]
    assert final["args"][:6] == ["pr", "create", "--base", "release-49.0.0", "--head", "ci/release-49.0.0"]
    assert git(origin, "log", "-1", "--format=%B", "ci/release-49.0.0") == f"Release Wasmtime 49.0.0\n\n{MARKER}"
    notes = _show(origin, "ci/release-49.0.0", "RELEASES.md")
    today = date.today().isoformat()
    assert notes.startswith(f"## 49.0.0\n\nReleased {today}.\n\n### Added\n\n* Component-model async is on by default.\n"
                            "  [#11900](https://github.com/bytecodealliance/wasmtime/pull/11900)\n\n"  # no empty Changed
                            "### Fixed\n\n* Enabling MPK with CoW images has been fixed.\n"
                            "  [#11950](https://github.com/bytecodealliance/wasmtime/pull/11950)\n\n---")
    assert _show(origin, "ci/release-49.0.0", "Cargo.toml").startswith('[workspace.package]\nversion = "49.0.0"\n')
    assert git(origin, "ls-tree", "--name-only", "ci/release-49.0.0", "changes.d/") == ""  # fragments built
    out = _tag_and_publish(actions, _merge(origin, final))
    assert out["tag"]["tag"] == "v49.0.0" and out["page"]["prerelease"] == "false"
    published = gh()[-1]["args"]
    assert published[:3] == ["release", "create", "v49.0.0"] and "--prerelease" not in published
    assert published[published.index("--notes") + 1] == notes.split("\n---")[0].rstrip("\n")
    assert "Enabling MPK" in git(origin, "tag", "-l", "--format=%(contents)", "v49.0.0")

    # -- a later backport and a patch release with its tag ------------------------------------
    _contribute(tmp_path, origin, "release-49.0.0", "backport-2", {
        "src/lib.rs": "// fixed twice\n",
        "changes.d/fix-wasi.md": "---\nsection: Fixed\nprs: [12001]\n---\n`path_open(TRUNCATE)` checks `FilePerms::WRITE`.\n",
    }, "[49.0.0] Fix path_open(TRUNCATE) (#12001) (#12010)")
    assert _tag_and_publish(actions, "release-49.0.0")["tag"] == {"tag": ""}  # unmarked: nothing
    actions.run_job("release-process", event="workflow_dispatch", ref="release-49.0.0",
                    env={"ACTION": "release-patch", "GH_TOKEN": "t"})
    patch = gh()[-1]
    assert patch["args"][:6] == ["pr", "create", "--base", "release-49.0.0", "--head", "ci/release-49.0.1"]
    assert git(origin, "log", "-1", "--format=%B", "ci/release-49.0.1") == f"Release Wasmtime 49.0.1\n\n{MARKER}"
    patched = _show(origin, "ci/release-49.0.1", "RELEASES.md")
    top = patched.split("\n---")[0]  # which empty categories 'patch' opens is patch_sections' business
    assert top.startswith(f"## 49.0.1\n\nReleased {today}.\n\n")
    assert "### Fixed\n\n* `path_open(TRUNCATE)` checks `FilePerms::WRITE`.\n" in top
    assert f"## 49.0.0\n\nReleased {today}.\n" in patched
    assert 'version = "49.0.1"' in _show(origin, "ci/release-49.0.1", "Cargo.toml")
    out = _tag_and_publish(actions, _merge(origin, patch))
    assert out["tag"]["tag"] == "v49.0.1"
    assert gh()[-1]["args"][:3] == ["release", "create", "v49.0.1"]

    # -- the end of the month, on origin --------------------------------------------------------
    assert sorted(git(origin, "tag").split()) == ["v49.0.0", "v49.0.0-rc.1", "v49.0.0-rc.2", "v49.0.1"]
    assert git(origin, "for-each-ref", "--format=%(refname:short)", "refs/heads/").split() == [
        "ci/bump-to-50.0.0", "ci/release-49.0.0", "ci/release-49.0.0-rc.1", "ci/release-49.0.0-rc.2",
        "ci/release-49.0.1", "main", "release-49.0.0"]
    assert git(origin, "rev-parse", "v49.0.1^{commit}") == git(origin, "rev-parse", "release-49.0.0")
    assert [c["args"][:3] for c in gh() if c["args"][0] == "release"] == [
        ["release", "create", "v49.0.0-rc.1"], ["release", "create", "v49.0.0-rc.2"],
        ["release", "create", "v49.0.0"], ["release", "create", "v49.0.1"]]


def test_parse_github_output_reads_what_show_writes(tmp_path):
    from relnotes.flows.publishing import ReleasePage, github_output_text

    page = ReleasePage("1.0.0-rc.1", "v1.0.0-rc.1", True, "## 1.0.0\n\nbody<<EOF\nEOF\n")
    assert parse_github_output("tag=\n" + github_output_text(page)) == {
        "tag": "v1.0.0-rc.1", "title": "v1.0.0-rc.1", "version": "1.0.0-rc.1", "prerelease": "true",
        "body": "## 1.0.0\n\nbody<<EOF\nEOF"}  # the runner drops the last line break


# -- publishing that runs (issue 30): tokens, CI first, forks, the dispatched ref, late notes --


def test_jobs_run_only_after_ci_and_only_in_the_real_repository(origin, tmp_path):
    actions = Runner(tmp_path, origin)
    ci = {"github__event__workflow_run__event": "push"}
    assert actions.job_runs("tag", event="workflow_run", github__event__workflow_run__conclusion="success", **ci)
    assert not actions.job_runs("tag", event="workflow_run", github__event__workflow_run__conclusion="failure", **ci)
    assert not actions.job_runs("tag", event="workflow_run", github__event__workflow_run__conclusion="success",
                                github__repository="someone/wasmtime", **ci)
    assert not actions.job_runs("tag", event="workflow_run", github__event__workflow_run__conclusion="success",
                                github__event__workflow_run__event="pull_request")
    assert actions.job_runs("release-process", event="schedule")
    assert not actions.job_runs("release-process", event="schedule", github__repository="someone/wasmtime")
    assert actions.job_runs("release-process", event="workflow_dispatch", github__repository="someone/wasmtime")
    assert not actions.job_runs("release-process", event="workflow_run")
    assert not actions.job_runs("publish", event="push", workflow=PUBLISH, github__repository="someone/wasmtime")
    on = _workflow()["on"]
    assert "push" not in on and on["workflow_run"]["types"] == ["completed"]
    assert _workflow(PUBLISH)["on"] == {"push": {"tags": ["v*"]}}
    # the GitHub release is made once, by the publish workflow that the tag push starts
    assert "gh release create" not in WORKFLOW.read_text() and "gh release create" in PUBLISH.read_text()


def test_tags_are_pushed_with_a_token_that_starts_workflows(origin, tmp_path):
    """A tag pushed with GITHUB_TOKEN starts no workflow: without RELNOTES_PUSH_TOKEN both jobs stop."""
    actions = Runner(tmp_path, origin)
    spec = _workflow()["jobs"]
    assert spec["tag"]["env"]["PUSH_TOKEN"] == "${{ secrets.RELNOTES_PUSH_TOKEN }}"
    assert spec["tag"]["steps"][0]["with"]["token"] == "${{ secrets.RELNOTES_PUSH_TOKEN }}"
    assert "github.token" not in str(spec["release-process"])
    with pytest.raises(AssertionError, match="set the RELNOTES_PUSH_TOKEN secret"):
        actions.run_job("tag", event="workflow_run", ref="main", env={"PUSH_TOKEN": ""})
    with pytest.raises(AssertionError, match="set the RELNOTES_PUSH_TOKEN secret"):
        actions.run_job("release-process", event="schedule", ref="main", env={"ACTION": "cut", "GH_TOKEN": ""})


def test_release_rc_uses_the_branch_it_was_dispatched_on(origin, tmp_path):
    actions = Runner(tmp_path, origin)
    actions.run_job("release-process", event="schedule", ref="main", env={"ACTION": "cut", "GH_TOKEN": "t"})
    _merge(origin, actions.calls()[1])  # rc.1
    git(origin, "branch", "release-50.0.0", "main")  # a newer branch exists
    actions.run_job("release-process", event="workflow_dispatch", ref="release-49.0.0",
                    env={"ACTION": "release-rc", "GH_TOKEN": "t"})
    pr = actions.calls()[-1]
    assert pr["args"][:6] == ["pr", "create", "--base", "release-49.0.0", "--head", "ci/release-49.0.0-rc.2"]


def test_notes_that_land_after_the_patch_bump_are_tagged_with_it(origin, tmp_path):
    """The real 47.0.4 flow: the version bump, marked, without notes; then the notes, pushed
    with an unmarked commit after them. The bump is not tagged; the tag job's range (since
    the last tag) finds the marker, tags the tested commit and the publish workflow runs."""
    actions = Runner(tmp_path, origin)
    actions.run_job("release-process", event="schedule", ref="main", env={"ACTION": "cut", "GH_TOKEN": "t"})
    _merge(origin, actions.calls()[1])
    actions.run_job("release-process", event="schedule", ref="main", env={"ACTION": "release-latest", "GH_TOKEN": "t"})
    assert _tag_and_publish(actions, _merge(origin, actions.calls()[-1]))["tag"]["tag"] == "v49.0.0"
    notes = _show(origin, "release-49.0.0", "RELEASES.md")
    cargo = _show(origin, "release-49.0.0", "Cargo.toml").replace('"49.0.0"', '"49.0.1"') + "\n"
    _contribute(tmp_path, origin, "release-49.0.0", "bump", {"Cargo.toml": cargo},
                f"Release Wasmtime 49.0.1 (#14171)\n\n{MARKER}")
    out = _tag_and_publish(actions, "release-49.0.0")
    assert out["tag"] == {"tag": ""} and git(origin, "tag", "-l", "v49.0.1") == ""
    section = "## 49.0.1\n\nReleased 2026-08-20.\n\n### Fixed\n\n* A security fix.\n\n" + "-" * 80 + "\n\n"
    _contribute(tmp_path, origin, "release-49.0.0", "notes", {"RELEASES.md": section + notes},
                f"Add release notes (#14183)\n\n{MARKER}")
    _contribute(tmp_path, origin, "release-49.0.0", "later", {"ci/x.yml": "x\n"}, "An unmarked commit on top")
    n = len(actions.calls())
    out = _tag_and_publish(actions, "release-49.0.0")
    assert out["tag"]["tag"] == "v49.0.1"
    assert git(origin, "rev-parse", "v49.0.1^{commit}") == git(origin, "rev-parse", "release-49.0.0")
    published = actions.calls()[n]["args"]
    assert published[:3] == ["release", "create", "v49.0.1"]
    assert published[published.index("--notes") + 1].endswith("* A security fix.")
