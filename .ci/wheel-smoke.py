#!/usr/bin/env python3
"""What a user installs, used once: build the wheel, install it with no extras into a
fresh virtual environment on each supported Python, and run a first use of every
command in scratch git repositories.

    python3 .ci/wheel-smoke.py                     # 3.11, 3.12 and 3.13
    python3 .ci/wheel-smoke.py --python 3.12       # one of them
    python3 .ci/wheel-smoke.py --relnotes .venv/bin/relnotes   # the scenario only
    python3 .ci/wheel-smoke.py --find 3.13         # print where that Python is

The test suite runs with the test extras installed, and they bring packages of their
own (click came with check-jsonschema and hid an undeclared import); this runs
relnotes the way ``pip install relnotes`` leaves it.  Every command must exit as
expected (0 unless noted) and none may exit 3 (an internal error) or print a
traceback.  Git is hermetic: its configuration is a temporary file, the system's is
ignored, names and dates are fixed.

Pythons are looked for as ``python3.X`` on PATH, then under pyenv
(``$PYENV_ROOT``, ``pyenv root``, ``~/.pyenv``: ``versions/3.X*/bin/python3.X``); each
candidate is run to confirm its version.  A missing one is reported by name; with
``CI=true`` (or ``--require-all``) it fails the run.  Exit status: 0 all passed, 1 a
command failed, 2 a Python is missing in CI or the wheel could not be built or
installed.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent
SUPPORTED = ("3.11", "3.12", "3.13")
DATE = "1767225600 +0000"  # 2026-01-01, for every commit


# -- finding Pythons -----------------------------------------------------------------------------


def _version_of(exe: str) -> str | None:
    try:
        r = subprocess.run([exe, "-c", "import sys; print('%d.%d.%d' % sys.version_info[:3])"],
                           capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return r.stdout.strip() if r.returncode == 0 and re.fullmatch(r"\d+\.\d+\.\d+", r.stdout.strip()) else None


def _pyenv_roots() -> list[Path]:
    roots = []
    if os.environ.get("PYENV_ROOT"):
        roots.append(Path(os.environ["PYENV_ROOT"]))
    pyenv = shutil.which("pyenv")
    if pyenv:
        r = subprocess.run([pyenv, "root"], capture_output=True, text=True, check=False)
        if r.returncode == 0 and r.stdout.strip():
            roots.append(Path(r.stdout.strip()))
    roots.append(Path.home() / ".pyenv")
    return list(dict.fromkeys(roots))


def _key(version: str) -> tuple[int, ...]:
    return tuple(int(x) for x in version.split("."))


def find_python(minor: str) -> tuple[str, str] | None:
    """(executable, full version) of a working Python ``minor`` (e.g. "3.12"), or None."""
    candidates: list[str] = []
    on_path = shutil.which(f"python{minor}")
    if on_path:
        candidates.append(on_path)  # may be a pyenv shim that refuses: it is run to find out
    for root in _pyenv_roots():
        found = glob.glob(str(root / "versions" / f"{minor}*" / "bin" / f"python{minor}"))
        found = [f for f in found if re.fullmatch(rf"{re.escape(minor)}(\.\d+)?", Path(f).parent.parent.name)]
        candidates += sorted(found, key=lambda f: _key(Path(f).parent.parent.name + ".0"), reverse=True)
    for exe in dict.fromkeys(candidates):
        version = _version_of(exe)
        if version and version.rsplit(".", 1)[0] == minor:
            return exe, version
    return None


# -- the wheel and the environment ---------------------------------------------------------------


def build_wheel(out: Path) -> Path:
    """The wheel of this checkout (``build`` without isolation when the running Python has
    build and hatchling, as the test extras give it; else ``pip wheel``)."""
    import importlib.util

    if importlib.util.find_spec("build") and importlib.util.find_spec("hatchling"):
        cmd = [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(SRC)]
    else:
        cmd = [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--wheel-dir", str(out), str(SRC)]
    r = subprocess.run(cmd, capture_output=True, text=True, check=False)
    wheels = sorted(out.glob("relnotes-*.whl"))
    if r.returncode != 0 or len(wheels) != 1:
        raise SystemExit(f"error: building the wheel failed ({' '.join(cmd)}):\n{r.stdout}{r.stderr}")
    return wheels[0]


def install(python: str, wheel: Path, venv: Path) -> Path:
    """A fresh virtual environment with the wheel and its runtime dependencies only."""
    for cmd in ([python, "-m", "venv", str(venv)],
                [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check",
                 str(wheel)],
                [str(venv / "bin" / "python"), "-m", "pip", "check"]):
        r = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if r.returncode != 0:
            raise SystemExit(f"error: {' '.join(cmd)} failed:\n{r.stdout}{r.stderr}")
    probe = ("import importlib.util as u; "
             "print(*[m for m in ('pytest', 'check_jsonschema', 'build') if u.find_spec(m)])")
    extras = subprocess.run([str(venv / "bin" / "python"), "-c", probe], capture_output=True, text=True,
                            check=True).stdout.split()
    if extras:
        raise SystemExit(f"error: {venv} has test packages ({', '.join(extras)}): not a plain install")
    return venv / "bin" / "relnotes"


# -- the scenario --------------------------------------------------------------------------------


class Run:
    """Runs relnotes commands, keeps the count, the failures and the time."""

    def __init__(self, relnotes: Path, env: dict[str, str], verbose: bool) -> None:
        self.relnotes, self.env, self.verbose = str(relnotes), env, verbose
        self.commands: set[str] = set()
        self.count = 0
        self.failures: list[str] = []

    def __call__(self, cwd: Path, *args: str, expect: int = 0, out: str | None = None) -> str:
        """``relnotes ARGS`` in ``cwd``; its stdout.  A failure: another exit code than
        ``expect``, exit 3, a traceback, an internal error, or ``out`` missing from stdout."""
        started = time.perf_counter()
        r = subprocess.run([self.relnotes, *args], cwd=cwd, env=self.env, stdin=subprocess.DEVNULL,
                           capture_output=True, text=True, check=False, timeout=300)
        took = time.perf_counter() - started
        self.count += 1
        words = [a for a in args if not a.startswith("-")]
        self.commands.add(" ".join(words[:2]) if words[:1] == ["import"] else (words[0] if words else args[0]))
        problems = []
        if r.returncode != expect:
            problems.append(f"exit {r.returncode}, expected {expect}")
        if r.returncode == 3 or "internal error" in r.stderr or "Traceback" in r.stdout + r.stderr:
            problems.append("an internal error")
        if out is not None and out not in r.stdout:
            problems.append(f"{out!r} is not in its output")
        shown = "relnotes " + " ".join(a if re.fullmatch(r"[\w@%+=:,./-]+", a) else repr(a) for a in args)
        if problems:
            self.failures.append(f"{shown} (in {cwd.name}): {'; '.join(problems)}")
            print(f"  FAIL {shown}  [{cwd.name}, {took:.2f} s]: {'; '.join(problems)}")
            for line in (r.stdout + r.stderr).splitlines()[-15:]:
                print(f"       | {line}")
        elif self.verbose:
            print(f"  ok   {shown}  [{cwd.name}, exit {r.returncode}, {took:.2f} s]")
        return r.stdout


def git(cwd: Path, env: dict[str, str], *args: str) -> str:
    r = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if r.returncode != 0:
        raise SystemExit(f"error: git {' '.join(args)} in {cwd}: {r.stderr.strip()}")
    return r.stdout.strip()


def new_repo(path: Path, env: dict[str, str]) -> Path:
    path.mkdir(parents=True)
    git(path, env, "init", "-q", "-b", "main")
    return path


def commit(path: Path, env: dict[str, str], message: str) -> None:
    git(path, env, "add", "-A")
    git(path, env, "commit", "-q", "--allow-empty", "-m", message)


def hermetic_env(scratch: Path) -> dict[str, str]:
    gitconfig = scratch / "gitconfig"
    gitconfig.write_text("[init]\n\tdefaultBranch = main\n[protocol \"file\"]\n\tallow = always\n")
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("GIT_", "GITHUB_", "RELNOTES_", "PYTHON")) and k not in ("VIRTUAL_ENV", "CI")}
    env.update(GIT_CONFIG_GLOBAL=str(gitconfig), GIT_CONFIG_NOSYSTEM="1", HOME=str(scratch), TZ="UTC",
               LC_ALL="C.UTF-8", EDITOR="false", VISUAL="false")
    for who in ("AUTHOR", "COMMITTER"):
        env[f"GIT_{who}_NAME"] = "Smoke Test"
        env[f"GIT_{who}_EMAIL"] = "smoke@example.org"
        env[f"GIT_{who}_DATE"] = DATE
    return env


def release_branch_project(rn: Run, root: Path, env: dict[str, str]) -> None:
    """Wasmtime's process: fragments on main, cut, candidates, release, tag, patch, stamp,
    and the questions asked of the branches afterwards."""
    repo = new_repo(root / "wasmtime-like", env)
    rn(repo, "init", "--preset", "wasmtime", "--project", "Demo", "--repository",
       "https://github.com/example/demo", "--version", "48.0.0", "--no-ask", out="relnotes.yaml")
    with open(repo / "relnotes.yaml", "a", encoding="utf-8") as f:
        f.write("version_files: [{path: Cargo.toml, pattern: 'version = \"{version}\"'}]\n")
    (repo / "Cargo.toml").write_text('[workspace.package]\nversion = "48.0.0-dev"\n')
    (repo / "src.rs").write_text("fn main() {}\n")
    commit(repo, env, "Set up relnotes")

    rn(repo, "new", "--section", "Added", "--pr", "101", "-m", "A `--json` flag prints machine-readable output.",
       out="changes.d/")
    rn(repo, "new", "--section", "Fixed", "--pr", "102", "--backport", "-m", "Fixed a crash on an empty input.")
    rn(repo, "check")
    commit(repo, env, "Two changes (#101) (#102)")

    # the PR gate: a change with a fragment passes, one without fails (exit 1)
    git(repo, env, "switch", "-q", "-c", "feature")
    (repo / "src.rs").write_text("fn main() { println!(\"hi\"); }\n")
    rn(repo, "new", "--section", "Changed", "--pr", "103", "-m", "The program now greets.")
    commit(repo, env, "Greet (#103)")
    rn(repo, "check", "--base", "main")
    git(repo, env, "switch", "-q", "-c", "no-fragment")
    (repo / "src.rs").write_text("fn main() { println!(\"hello\"); }\n")
    commit(repo, env, "Greet louder (#104)")
    rn(repo, "check", "--base", "feature", expect=1)
    git(repo, env, "switch", "-q", "main")
    git(repo, env, "merge", "-q", "--ff-only", "feature")

    rn(repo, "build", "--draft", out="A `--json` flag")
    rn(repo, "build", out="added 3 entries")
    commit(repo, env, "Build the notes for 48.0.0")
    rn(repo, "show", out="## 48.0.0")
    rn(repo, "next", out="48.0.0")
    rn(repo, "when", "#101", out="48.0.0")
    rn(repo, "cut", "--dry-run")
    rn(repo, "cut", "--commit", out="release-48.0.0")

    # on the release branch: a candidate, the release, their tags, then a patch release
    git(repo, env, "switch", "-q", "release-48.0.0")
    rn(repo, "rc", "--commit", out="48.0.0-rc.1")
    rn(repo, "tag", out="v48.0.0-rc.1")
    rn(repo, "release", "--date", "2026-12-20", "--commit")
    rn(repo, "tag", out="v48.0.0")
    rn(repo, "patch", out="48.0.1")
    rn(repo, "new", "--section", "Fixed", "--pr", "105", "-m", "Fixed a leak in the parser.")
    rn(repo, "build")
    rn(repo, "stamp", "--date", "2027-01-02", out="48.0.1")
    commit(repo, env, "Release 48.0.1")

    # back on main: the branches' questions
    git(repo, env, "switch", "-q", "main")
    rn(repo, "archive")
    rn(repo, "archive", "--check")
    commit(repo, env, "Archive")
    rn(repo, "when", "HEAD~1", out="49.0.0")
    rn(repo, "backports", "--on", "2027-01-03")
    rn(repo, "schedule", "--from", "2027-01-01", "--count", "3", out="49.0.0")
    rn(repo, "support", "--on", "2027-01-03", out="48.0.0")
    rn(repo, "support", "--on", "2027-01-03", "--format", "svg", out="<svg")
    rn(repo, "history", out="48.0.1")
    rn(repo, "history", "--format", "json")
    rn(repo, "upgrade", "48.0.0", "48.0.1", out="leak")
    rn(repo, "site", "public", "--on", "2027-01-03")
    if not (repo / "public" / "index.html").is_file():
        rn.failures.append("relnotes site wrote no public/index.html")
    rn(repo, "show", "--format", "json", out='"49.0.0"')


def one_branch_projects(rn: Run, root: Path, env: dict[str, str]) -> None:
    """The plain preset and Keep a Changelog: one branch, release stamps the next version."""
    # plain: init's --version is the first section's; Keep a Changelog's file has no place
    # for it, so it is recorded as the current version (base_version) that next counts
    # from; it needs a repository for the link definitions of its version headings
    for preset, notes, first, breaking in (("plain", "RELEASES.md", "1.0.0", "2.0.0"),
                                           ("keepachangelog", "CHANGELOG.md", "1.1.0", "2.0.0")):
        repo = new_repo(root / f"{preset}-project", env)
        rn(repo, "init", "--preset", preset, "--version", "1.0.0", "--repository", "https://github.com/example/demo",
           "--no-ask")
        commit(repo, env, "Set up relnotes")
        rn(repo, "new", "--section", "Added", "--pr", "1", "-m", "The first feature.")
        rn(repo, "new", "--section", "Fixed", "--pr", "2", "-m", "The first fix.")
        rn(repo, "new", "--summary", "-m", "The first release with a summary.")
        commit(repo, env, "Changes (#1) (#2)")
        rn(repo, "next", out=first)
        rn(repo, "release", "--date", "2026-01-20", "--commit")
        written = (repo / notes).read_text(encoding="utf-8")
        if first not in written or "The first release with a summary." not in written:
            rn.failures.append(f"relnotes release ({preset}) did not write {first} and its summary into {notes}")
        rn(repo, "new", "--section", "Added", "--pr", "3", "--breaking", "-m", "A breaking change.")
        commit(repo, env, "Break (#3)")
        rn(repo, "next", "--format", "version", out=breaking)
        rn(repo, "show", first, out="The first fix.")
        rn(repo, "check")


def migrations(rn: Run, root: Path, env: dict[str, str]) -> None:
    """import notes (an existing section into fragments) and import towncrier."""
    repo = new_repo(root / "existing-notes", env)
    rn(repo, "init", "--version", "2.0.0", "--no-ask")
    (repo / "OLD.md").write_text("## 1.4.0\n\nReleased 2025-11-02.\n\n### Added\n\n* Export to CSV.\n"
                                 "  [#41](https://github.com/example/demo/pull/41)\n\n### Fixed\n\n"
                                 "* No more crash on start.\n")
    commit(repo, env, "Old notes")
    rn(repo, "import", "notes", "OLD.md", "--version", "1.4.0", "--dry-run")
    rn(repo, "import", "notes", "OLD.md", "--version", "1.4.0", out="fragment")
    rn(repo, "check")
    # a Keep a Changelog file whose categories the configuration lacks: --add-sections
    repo = new_repo(root / "kac-notes", env)
    rn(repo, "init", "--preset", "keepachangelog", "--version", "1.0.0", "--no-ask")
    (repo / "HISTORY.md").write_text("# Changelog\n\n## [1.0.0] - 2025-11-02\n\nThe first release.\n\n"
                                     "### Performance\n\n- Twice as fast.\n")
    commit(repo, env, "Old changelog")
    rn(repo, "import", "notes", "HISTORY.md", "--version", "1.0.0", "--add-sections", out="Performance")
    rn(repo, "check")

    repo = new_repo(root / "towncrier-project", env)
    (repo / "pyproject.toml").write_text(
        '[project]\nname = "widget"\nversion = "0.3.0"\n\n[tool.towncrier]\ndirectory = "news"\n'
        'filename = "CHANGES.md"\n\n[tool.towncrier.fragment.feature]\nname = "Features"\n\n'
        '[tool.towncrier.fragment.bugfix]\nname = "Bug Fixes"\n')
    (repo / "news").mkdir()
    (repo / "news" / "12.feature.md").write_text("Added the `--json` flag.\n")
    (repo / "news" / "13.bugfix.md").write_text("Fixed a crash in the parser.\n")
    # as towncrier writes it (relnotes check would ask for a status line under the heading)
    (repo / "CHANGES.md").write_text("# Changes\n\n## 0.3.0 (2025-10-01)\n\n### Features\n\n- First.\n")
    commit(repo, env, "A towncrier project")
    rn(repo, "import", "towncrier", "--dry-run")
    rn(repo, "import", "towncrier", out="fragment")
    rn(repo, "build", "--draft", out="--json")


def anywhere(rn: Run, root: Path) -> None:
    """Commands that need no project."""
    rn(root, "--version", out="relnotes ")
    rn(root, "--help", out="Usage")
    schema = rn(root, "schema", "fragment")
    try:
        json.loads(schema)
    except ValueError:
        rn.failures.append("relnotes schema fragment did not print JSON")
    rn(root, "schema", out="$schema")
    rn(root, "templates", out="entry.md.j2")


EXPECTED = {"init", "new", "check", "build", "show", "next", "when", "backports", "schedule", "support", "cut",
            "rc", "release", "patch", "stamp", "tag", "archive", "history", "upgrade", "site", "import notes",
            "import towncrier", "schema", "templates"}


def scenario(relnotes: Path, label: str, verbose: bool) -> bool:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="relnotes-smoke-") as tmp:
        scratch = Path(tmp)
        env = hermetic_env(scratch)
        rn = Run(relnotes, env, verbose)
        anywhere(rn, scratch)
        for part in (release_branch_project, one_branch_projects, migrations):
            try:
                part(rn, scratch, env)
            except (SystemExit, OSError) as e:  # a git step or a file read after a command that did not do its part
                rn.failures.append(f"{part.__name__} stopped: {e}")
    missing = EXPECTED - rn.commands
    if missing:
        rn.failures.append(f"the scenario ran no {', '.join(sorted(missing))}")
    print(f"{label}: {rn.count} commands, {len(rn.failures)} failures, {time.perf_counter() - started:.1f} s")
    for f in rn.failures:
        print(f"  failure: {f}")
    return not rn.failures


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--python", action="append", metavar="3.X", help=f"a Python to test (default: {', '.join(SUPPORTED)})")
    ap.add_argument("--wheel", type=Path, help="install this wheel instead of building one")
    ap.add_argument("--relnotes", type=Path, help="run the scenario with this relnotes; no wheel, no venv")
    ap.add_argument("--require-all", action="store_true", default=os.environ.get("CI") == "true",
                    help="a missing Python fails the run (the default when CI=true)")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every command")
    ap.add_argument("--find", metavar="3.X", help="only print the path of that Python (exit 2 when there is none)")
    args = ap.parse_args()

    if args.find:
        found = find_python(args.find)
        if not found:
            print(f"python {args.find}: NOT FOUND (looked for python{args.find} on PATH and in pyenv's versions: "
                  f"{', '.join(str(r) for r in _pyenv_roots())})", file=sys.stderr)
            return 2
        print(found[0])
        return 0

    if args.relnotes:
        if not args.relnotes.is_file():
            print(f"error: --relnotes {args.relnotes}: no such file", file=sys.stderr)
            return 2
        return 0 if scenario(args.relnotes.resolve(), str(args.relnotes), args.verbose) else 1

    pythons, missing = [], []
    for minor in args.python or SUPPORTED:
        found = find_python(minor)
        if found:
            pythons.append((minor, *found))
        else:
            missing.append(minor)
            print(f"python {minor}: NOT FOUND (looked for python{minor} on PATH and in pyenv's versions: "
                  f"{', '.join(str(r) for r in _pyenv_roots())})", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="relnotes-wheel-") as tmp:
        wheel = args.wheel.resolve() if args.wheel else build_wheel(Path(tmp) / "dist")
        print(f"== {wheel.name}, installed with no extras into a fresh venv per Python")
        ok = True
        for minor, exe, version in pythons:
            relnotes = install(exe, wheel, Path(tmp) / f"venv-{minor}")
            ok &= scenario(relnotes, f"python {version}", args.verbose)
    if not ok:
        return 1
    if missing:
        print(f"missing: Python {', '.join(missing)}", file=sys.stderr)
        return 2 if args.require_all else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
