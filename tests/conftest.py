"""Shared fixtures: the Wasmtime corpus, hermetic git repositories, the CLI, snapshots."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import settings
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

# HYPOTHESIS_PROFILE=ci (.ci/run): every property test draws the same examples on every
# run, so a red CI is the code's and can be rerun here as it was; a developer's run
# keeps drawing new ones (and found most of what the property tests ever found).
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "wasmtime"  # vendored real data: see its README.md
HISTORY = CORPUS / "history"

WASMTIME_CONFIG = (
    "preset: wasmtime\n"
    "project: Wasmtime\n"
    "repository: https://github.com/bytecodealliance/wasmtime\n"
)


def released_notes(category: str = "Security Fixes", entry: str = "Fixed a sandbox escape") -> str:
    """A Wasmtime-style notes file: 2.0.0 unreleased and empty, 1.0.0 released with one entry
    in ``category`` linking an advisory by a reference definition, and an archive."""
    return f"""## 2.0.0

Unreleased.

### Fixed

--------------------------------------------------------------------------------

## 1.0.0

Released 2026-01-01.

### {category}

* {entry}, see [the advisory][ghsa].

[ghsa]: https://github.com/x/y/security/advisories/GHSA-vqjp-4c8c-hfgg

--------------------------------------------------------------------------------

<!-- ARCHIVE_START -->
* [0.9.x](https://github.com/x/y/blob/release-0.9.0/RELEASES.md)
"""


def killed_at_staging(root: Path, args: list[str], nth: int) -> int:
    """``relnotes ARGS`` as a real process in ``root``, killed (SIGKILL) right after its
    ``nth`` staged write (``fsio.stage_temp``); its exit status (``-9`` when killed)."""
    import sys
    import textwrap

    code = textwrap.dedent(f"""
        import os, signal, sys
        from relnotes import fsio
        real = fsio.stage_temp
        calls = [0]
        def step(*a, **k):
            calls[0] += 1
            out = real(*a, **k)
            if calls[0] == {nth}:
                os.kill(os.getpid(), signal.SIGKILL)
            return out
        fsio.stage_temp = step
        sys.argv = ["relnotes", *{args!r}]
        from relnotes.__main__ import main
        main()
    """)
    return subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True,
                          env={**os.environ, "RELNOTES_NO_CACHE": "1"}, timeout=120).returncode


def corpus(name: str) -> str:
    """A corpus file's exact text (bytes decoded as UTF-8, newlines untouched)."""
    path = CORPUS / name
    if not path.exists():
        pytest.fail(f"vendored corpus file {path} is missing (tests/data/wasmtime/README.md lists them)")
    return path.read_bytes().decode("utf-8")


class MarkdownSnapshot(SingleFileSnapshotExtension):
    _write_mode = WriteMode.TEXT
    file_extension = "md"


@pytest.fixture
def md_snapshot(snapshot):
    return snapshot.use_extension(MarkdownSnapshot)


@pytest.fixture
def git_env(monkeypatch, tmp_path):
    """Make git ignore the developer's configuration and use a fixed identity and date."""
    gitconfig = tmp_path / "gitconfig"
    gitconfig.write_text("[init]\n\tdefaultBranch = main\n[protocol \"file\"]\n\tallow = always\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(gitconfig))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for who in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{who}_NAME", "Test User")
        monkeypatch.setenv(f"GIT_{who}_EMAIL", "test@example.com")
        monkeypatch.setenv(f"GIT_{who}_DATE", "1767225600 +0000")
    monkeypatch.delenv("GITHUB_EVENT_PATH", raising=False)


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True,
                          text=True).stdout.strip()


class Project:
    """A real temporary git repository with relnotes set up, driven through the CLI."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def write(self, rel: str, text: str) -> Path:
        p = self.root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8", newline="")
        return p

    def read(self, rel: str) -> str:
        return (self.root / rel).read_bytes().decode("utf-8")

    def git(self, *args: str) -> str:
        return git(self.root, *args)

    def commit(self, message: str, *paths: str) -> str:
        self.git("add", "-A", *paths)
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.git("rev-parse", "HEAD")

    def fragment(self, name: str, section: str, body: str, **keys) -> Path:
        head = [f"section: {section}"]
        for k, v in keys.items():
            head.append(f"{k}: {v}")
        return self.write(f"changes.d/{name}", "---\n" + "\n".join(head) + "\n---\n" + body + "\n")

    def snapshot_tree(self) -> dict[str, bytes]:
        """Every file's bytes (outside .git), to prove a failed command changed nothing."""
        out = {}
        for p in sorted(self.root.rglob("*")):
            if ".git" in p.relative_to(self.root).parts or not p.is_file():
                continue
            out[p.relative_to(self.root).as_posix()] = p.read_bytes()
        return out

    def run(self, *args: str, input: str | None = None, env: dict | None = None):
        """Invoke the CLI in-process (typer's CliRunner) from the project root."""
        from typer.testing import CliRunner

        from relnotes.cli import app

        old = Path.cwd()
        os.chdir(self.root)
        try:
            return CliRunner().invoke(app, list(args), input=input, env=env, catch_exceptions=False)
        finally:
            os.chdir(old)


@pytest.fixture
def project(git_env, tmp_path) -> Project:
    """An empty git repository on ``main`` with a Wasmtime-style relnotes.yaml."""
    root = tmp_path / "proj"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    p = Project(root)
    p.write("relnotes.yaml", WASMTIME_CONFIG)
    p.write("changes.d/.gitkeep", "")
    return p


@pytest.fixture
def has_git() -> None:
    if shutil.which("git") is None:  # pragma: no cover
        pytest.skip("git is not installed")


# -- a real browser: Debian's chromium driven by playwright (no browser download) ---------------

CHROMIUM = os.environ.get("RELNOTES_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for every browser test, or a skip that says what is missing."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"no Chromium at {CHROMIUM} (install Debian's chromium or set RELNOTES_CHROMIUM)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM,
                              args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        try:
            yield b
        finally:
            b.close()


def watched_page(browser, **options):
    """A new page that records console errors and warnings, page errors and every
    request URL: ``(page, problems, requests)``."""
    page = browser.new_page(**options)
    problems: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: problems.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("request", lambda r: requests.append(r.url))
    return page, problems, requests
