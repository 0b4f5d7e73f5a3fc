"""Replay Wasmtime's real history through relnotes and measure how often it is right.

    python benchmarks/wasmtime_replay.py /path/to/wasmtime-clone [--sample 60] [--only when,archive,patch,import]

The clone must have every release branch (local or remote-tracking) and every tag
(``git clone`` of github.com/bytecodealliance/wasmtime does).  Nothing is written to
the clone except relnotes' own cache in its git directory, and, while the replay runs, a
``relnotes.yaml`` saying ``preset: wasmtime`` (Wasmtime has none; relnotes' defaults are
a plain project's) and the RELEASES.md ``archive --check`` reads; both are put back
afterwards.  Every replay that edits files runs in a temporary repository.  Not part of the tests (it needs the network
once, for the clone, and minutes to run).

What it measures (issue 16):

* ``when``: on a deterministic sample of PRs, half of them backported, relnotes'
  answer against a ground truth computed from git alone: the PR's merge commit on
  main and every commit off main whose message mentions ``#N`` or ``/pull/N``
  anywhere, and ``git tag --contains`` of each; the truth is the earliest tagged
  release by tag date (ties: lowest version).  Mentions that are not backports
  (``follow-up to #N``) are listed for review, not silently dropped.
* ``archive --check`` on main and every per-branch release branch (22.0.0 onward).
* ``patch`` -> ``import``ed fragments -> ``build`` -> ``stamp`` for every real patch
  release on those branches, compared byte for byte with the real file.
* ``import notes`` -> ``check`` -> ``build`` -> ``stamp`` round trips through the CLI
  for every release section on those branches.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

RELNOTES = [sys.executable, "-m", "relnotes"]
SEP = "-" * 80
_VERSION = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")


def git(repo: Path, *args: str, input: str | None = None) -> str:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True,
                          input=input).stdout


def vkey(v: str) -> tuple[int, int, int]:
    m = _VERSION.match(v)
    return (int(m[1]), int(m[2]), int(m[3])) if m else (-1, -1, -1)


def relnotes(cwd: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    e = dict(os.environ)
    e["PYTHONPATH"] = str(Path(__file__).resolve().parent.parent) + os.pathsep + e.get("PYTHONPATH", "")
    e.update(env or {})
    return subprocess.run([*RELNOTES, *args], cwd=cwd, capture_output=True, text=True, env=e)


# -- the clone --------------------------------------------------------------------------


class Clone:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.branches: dict[str, str] = {}  # release-X.Y.Z -> ref
        for line in git(path, "for-each-ref", "--format=%(refname)", "refs/heads", "refs/remotes").split():
            name = line.rsplit("/", 1)[-1]
            if name.startswith("release-") and _VERSION.match(name[len("release-"):]):
                self.branches.setdefault(name, line)
        main = "refs/heads/main"
        if not git(path, "for-each-ref", main).strip():
            main = "refs/remotes/origin/main"
        self.main = main
        self.tags: dict[str, tuple[str, str]] = {}  # version -> (tag name, UTC day)
        out = git(path, "for-each-ref", "--format=%(refname:short) %(creatordate:unix)", "refs/tags/v*")
        for line in out.splitlines():
            name, ts = line.split()
            if _VERSION.match(name[1:]):
                self.tags[name[1:]] = (name, datetime.fromtimestamp(int(ts), timezone.utc).date().isoformat())

    def per_branch(self) -> list[str]:
        """The per-branch era: release-22.0.0 onward, by version."""
        return sorted((b for b in self.branches if vkey(b[len("release-"):]) >= (22, 0, 0)),
                      key=lambda b: vkey(b[len("release-"):]))

    def notes(self, branch: str) -> str:
        return git(self.path, "show", f"{self.branches.get(branch, branch)}:RELEASES.md")


# -- when -----------------------------------------------------------------------------------


def log_records(clone: Clone, *revs: str) -> list[tuple[str, str, str]]:
    out = git(clone.path, "log", "--format=%H%x00%s%x00%b%x01", *revs)
    recs = []
    for rec in out.split("\x01"):
        rec = rec.strip("\n")
        if rec:
            sha, subject, body = rec.split("\0", 2)
            recs.append((sha, subject, body))
    return recs


def tags_containing(clone: Clone, sha: str) -> list[str]:
    out = git(clone.path, "tag", "--contains", sha, "--list", "v*")
    return [t[1:] for t in out.split() if _VERSION.match(t[1:])]


def truth_for(clone: Clone, n: int, main_commits: dict[int, str], off_main: list[tuple[str, str, str]]):
    """Earliest tagged release (by tag day, then version) containing #n's main commit or
    any off-main commit mentioning #n; and the off-main commits used."""
    mention = re.compile(rf"(?:#|/pull/){n}\b")
    shas = [main_commits[n]] + [sha for sha, s, b in off_main if mention.search(s + "\n" + b)]
    versions: set[str] = set()
    dates = {v: day for v, (_, day) in clone.tags.items()}
    for sha in shas:
        found = tags_containing(clone, sha)
        versions.update(found)
        # an X.Y.0 that was never tagged (38.0.0) but is documented as released in its
        # branch's notes: a commit in the branch's cut (the merge base with main) was in it
        for v in found:
            major, minor, patch = vkey(v)
            first = f"{major}.{minor}.0"
            branch = f"release-{first}"
            if patch and first not in clone.tags and branch in clone.branches:
                cut = git(clone.path, "merge-base", clone.main, clone.branches[branch]).strip()
                inside = subprocess.run(["git", "merge-base", "--is-ancestor", sha, cut], cwd=clone.path).returncode == 0
                released = status_date(clone.notes(branch)[clone.notes(branch).find(f"## {first}\n"):])
                if inside and released:
                    versions.add(first)
                    dates[first] = released
    if not versions:
        return None, shas
    best = min(versions, key=lambda v: (dates[v], vkey(v)))
    return best, shas


def measure_when(clone: Clone, sample: int, seed: int = 16) -> dict:
    rel_refs = [clone.branches[b] for b in clone.branches]
    main_log = log_records(clone, clone.main)
    own = re.compile(r"\(#(\d+)\)\s*$")
    main_commits: dict[int, str] = {}
    for sha, subject, _ in main_log:
        m = own.search(subject)
        if m:
            main_commits.setdefault(int(m[1]), sha)
    off_main = log_records(clone, *rel_refs, f"^{clone.main}")
    mentioned = set()
    for _, s, b in off_main:
        mentioned.update(int(x) for x in re.findall(r"(?:#|/pull/)(\d+)\b", s + "\n" + b))
    backported = sorted(n for n in mentioned if n in main_commits)
    # the per-branch era and the cumulative one alike, but only PRs already in a tag
    plain = sorted(n for n in main_commits if n not in mentioned)
    rng = random.Random(seed)
    picked = [("backported", n) for n in rng.sample(backported, min(sample // 2, len(backported)))]
    picked += [("plain", n) for n in rng.sample(plain, sample - len(picked))]
    rows = []
    for kind, n in picked:
        truth, used = truth_for(clone, n, main_commits, off_main)
        r = relnotes(clone.path, "when", f"#{n}", "--format", "json")
        got = json.loads(r.stdout) if r.returncode == 0 else {"version": None, "status": f"exit {r.returncode}"}
        if truth is None:  # on main only, not tagged yet: upcoming
            ok = got.get("status") == "upcoming"
        else:
            ok = got.get("version") == truth and got.get("status") == "released"
        rows.append({"kind": kind, "pr": n, "truth": truth, "got": got.get("version"), "status": got.get("status"),
                     "ok": ok, "commits": len(used)})
    # timings: cold (no .git/relnotes) and warm
    timing = {}
    cache = clone.path / ".git" / "relnotes"
    for label, args in (("when", ["when", f"#{picked[0][1]}"]),
                        ("backports", ["backports", "--on", "2026-08-21"])):
        shutil.rmtree(cache, ignore_errors=True)
        t = time.perf_counter()
        relnotes(clone.path, *args)
        cold = time.perf_counter() - t
        warm = []
        for _ in range(3):
            t = time.perf_counter()
            relnotes(clone.path, *args)
            warm.append(time.perf_counter() - t)
        timing[label] = {"cold": round(cold, 3), "warm": round(min(warm), 3)}
    t = time.perf_counter()
    git(clone.path, "for-each-ref", "--contains", main_commits[picked[0][1]], "refs/tags")
    timing["git for-each-ref --contains"] = round(time.perf_counter() - t, 3)
    return {"rows": rows, "timing": timing}


# -- archive --------------------------------------------------------------------------------


WASMTIME_CONFIG = "preset: wasmtime\n"


class wasmtime_config:
    """``relnotes.yaml`` with the Wasmtime preset in ``root`` while the block runs, then the
    directory as it was (an existing file is kept byte for byte)."""

    def __init__(self, root: Path) -> None:
        self.path = root / "relnotes.yaml"

    def __enter__(self) -> None:
        self.saved = self.path.read_bytes() if self.path.exists() else None
        self.path.write_text(WASMTIME_CONFIG, encoding="utf-8")

    def __exit__(self, *exc) -> None:
        if self.saved is None:
            self.path.unlink(missing_ok=True)
        else:
            self.path.write_bytes(self.saved)


def scratch_repo(files: dict[str, str]) -> Path:
    d = Path(tempfile.mkdtemp(prefix="relnotes-replay-"))
    subprocess.run(["git", "init", "-q", "-b", "main", str(d)], check=True)
    files = {"relnotes.yaml": WASMTIME_CONFIG, **files}
    for name, text in files.items():
        (d / name).parent.mkdir(parents=True, exist_ok=True)
        (d / name).write_text(text, encoding="utf-8")
    return d


def measure_archive(clone: Clone) -> list[dict]:
    """``archive --check`` with each branch's own RELEASES.md in the clone's work tree."""
    rows = []
    target = clone.path / "RELEASES.md"
    saved = target.read_bytes() if target.exists() else None
    try:
        for branch in ["main"] + clone.per_branch():
            text = git(clone.path, "show", f"{clone.main}:RELEASES.md") if branch == "main" else clone.notes(branch)
            target.write_text(text, encoding="utf-8")
            r = relnotes(clone.path, "archive", "--check")
            rows.append({"branch": branch, "ok": r.returncode == 0,
                         "diff": r.stdout if r.returncode else ""})
    finally:
        if saved is None:
            target.unlink(missing_ok=True)
        else:
            target.write_bytes(saved)
    return rows


# -- sections of a real file --------------------------------------------------------------


def split_sections(text: str) -> list[tuple[str, int, int]]:
    """(version, start, end) line ranges of every ``## X.Y.Z`` section, in file order."""
    lines = text.split("\n")
    heads = [(i, ln[3:].strip()) for i, ln in enumerate(lines) if ln.startswith("## ")]
    archive = next((i for i, ln in enumerate(lines) if ln.startswith("<!-- ARCHIVE_START")), len(lines))
    out = []
    for k, (i, v) in enumerate(heads):
        end = heads[k + 1][0] if k + 1 < len(heads) else archive
        if _VERSION.match(v):
            out.append((v, i, end))
    return out


def status_date(section: str) -> str | None:
    m = re.search(r"^Released (\d{4}-\d{2}-\d{2})", section, re.M)
    return m[1] if m else None


def entry_free(section_lines: list[str]) -> list[str]:
    """The section without its bullet entries (what it looked like before they were written)."""
    out: list[str] = []
    in_entry = False
    for ln in section_lines:
        if ln.startswith(("* ", "- ")):
            in_entry = True
            continue
        if re.match(r"\[[^\]]+\]: ", ln):  # a link definition: import keeps it with its entry
            continue
        if in_entry and (ln.startswith((" ", "\t")) or ln == ""):
            continue
        in_entry = False
        out.append(ln)
    # collapse the blank lines the entries leave behind under each heading
    text = "\n".join(out)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.split("\n")


def run_cli(repo: Path, *args: str) -> subprocess.CompletedProcess:
    return relnotes(repo, *args, env={"RELNOTES_NO_CACHE": "1"})


def replay_import(text: str, version: str, start: int, end: int, *, opened_by_patch: bool) -> dict:
    """import the real section -> check -> (patch | skeleton) -> build -> stamp; compare."""
    lines = text.split("\n")
    date = status_date("\n".join(lines[start:end]))
    expected = text
    if opened_by_patch:
        base = "\n".join(lines[end:])  # the file as it was before this patch release
        expected = "\n".join(lines[start:])
        files = {"RELEASES.md": base, "old.md": text}
    else:
        skeleton = entry_free(lines[start:end])
        # back to its status before the stamp, in the file's own style (with or without the period)
        skeleton = [(("Unreleased." if ln.rstrip().endswith(".") else "Unreleased") if ln.startswith("Released")
                     else ln) for ln in skeleton]
        # the file as it was while this release was the open top section: newer ones cut off
        base = "\n".join(skeleton + lines[end:])
        expected = "\n".join(lines[start:])
        files = {"RELEASES.md": base, "old.md": text}
    repo = scratch_repo(files)
    try:
        steps = []
        if opened_by_patch:
            r = run_cli(repo, "patch", "--version", version)
            steps.append(("patch", r))
        r = run_cli(repo, "import", "notes", "old.md", "--version", version)
        steps.append(("import", r))
        (repo / "old.md").unlink()
        r = run_cli(repo, "check")
        steps.append(("check", r))
        r = run_cli(repo, "build")
        steps.append(("build", r))
        r = run_cli(repo, "stamp", "--version", version, "--date", date or "2000-01-01")
        steps.append(("stamp", r))
        failed = next(((n, r) for n, r in steps if r.returncode != 0), None)
        after = (repo / "RELEASES.md").read_text(encoding="utf-8")
        ok = failed is None and after == expected
        said_exact = "byte for byte" in steps[1 if opened_by_patch else 0][1].stdout
        m = re.search(r"(\d+) rebuild their entry byte for byte", steps[1 if opened_by_patch else 0][1].stdout)
        info = {"ok": ok, "failed": failed[0] if failed else None,
                "error": (failed[1].stderr.strip()[:300] if failed else ""),
                "check_rejected": steps[-3][1].returncode != 0, "import_said": m[1] if m else None,
                "said_exact": said_exact}
        if not ok and failed is None:
            import difflib

            info["diff"] = "".join(difflib.unified_diff(expected.splitlines(True), after.splitlines(True),
                                                        "real", "replayed", n=1))[:1500]
        return info
    finally:
        shutil.rmtree(repo, ignore_errors=True)


def measure_sections(clone: Clone, patch_only: bool) -> list[dict]:
    rows = []
    for branch in clone.per_branch():
        text = clone.notes(branch)
        for version, start, end in split_sections(text):
            is_patch = not version.endswith(".0")
            if patch_only and not is_patch:
                continue
            info = replay_import(text, version, start, end, opened_by_patch=patch_only)
            info.update({"branch": branch, "version": version})
            rows.append(info)
    return rows


# -- report ---------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("clone", type=Path)
    ap.add_argument("--sample", type=int, default=60)
    ap.add_argument("--only", default="when,archive,patch,import")
    ap.add_argument("--json", type=Path, help="also write every row here")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every failing row")
    a = ap.parse_args(argv)
    clone = Clone(a.clone.resolve())
    with wasmtime_config(clone.path):
        return replay(clone, a)


def replay(clone: Clone, a: argparse.Namespace) -> int:
    only = set(a.only.split(","))
    report: dict = {}
    if "when" in only:
        w = measure_when(clone, a.sample)
        report["when"] = w
        rows = w["rows"]
        for kind in ("backported", "plain"):
            sub = [r for r in rows if r["kind"] == kind]
            print(f"when, {kind}: {sum(r['ok'] for r in sub)}/{len(sub)} right")
        print(f"when, all: {sum(r['ok'] for r in rows)}/{len(rows)} right "
              f"({100 * sum(r['ok'] for r in rows) / len(rows):.1f} %)")
        for r in rows:
            if not r["ok"]:
                print(f"  #{r['pr']} ({r['kind']}): truth {r['truth']}, relnotes {r['got']} ({r['status']})")
        print(f"timings (s): {json.dumps(w['timing'])}")
    if "archive" in only:
        rows = measure_archive(clone)
        report["archive"] = rows
        print(f"archive --check: {sum(r['ok'] for r in rows)}/{len(rows)} accepted (main + per-branch release branches)")
        for r in rows:
            if not r["ok"]:
                print(f"  {r['branch']}:" + ("\n" + r["diff"] if a.verbose else ""))
    for key, patch_only in (("patch", True), ("import", False)):
        if key not in only:
            continue
        rows = measure_sections(clone, patch_only=(key == "patch"))
        report[key] = rows
        what = "patch -> import -> build -> stamp" if key == "patch" else "import -> check -> build -> stamp"
        print(f"{what}: {sum(r['ok'] for r in rows)}/{len(rows)} byte for byte; "
              f"check rejected {sum(r['check_rejected'] for r in rows)}")
        for r in rows:
            if not r["ok"]:
                print(f"  {r['branch']} {r['version']}: {r['failed'] or 'differs'} {r['error']}")
                if a.verbose and r.get("diff"):
                    print("    " + r["diff"].replace("\n", "\n    "))
    if a.json:
        a.json.write_text(json.dumps(report, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
