"""Replay Wasmtime's real "Bump Wasmtime to N.0.0 (#PR)" commits with examples/wasmtime/relnotes.yaml.

For each bump commit of a bare clone of https://github.com/bytecodealliance/wasmtime
(e.g. the fetch tool's /work/.mirror/bytecodealliance+wasmtime/repo): a fresh repository
holds the parent's RELEASES.md and every file the example configures (those the parent
has), `relnotes cut` runs there with the hook replaced by a no-op, and each file the real
commit changed is compared with what relnotes wrote.  Cargo.lock and supply-chain/ are
Cargo's (the hook's) and counted apart.

    python benchmarks/wasmtime_bumps.py /path/to/wasmtime.git [--limit N]

Prints one line per bump and the totals; exits 0 (a measurement, not a test).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "wasmtime" / "relnotes.yaml"
HOOKED = re.compile(r"^(Cargo\.lock|supply-chain/)")


def git(repo: str, *args: str, check: bool = True) -> str:
    return subprocess.run(["git", "--git-dir", repo, *args], capture_output=True, text=True,
                          check=check).stdout


def show(repo: str, rev: str, path: str) -> str | None:
    p = subprocess.run(["git", "--git-dir", repo, "show", f"{rev}:{path}"], capture_output=True)
    return p.stdout.decode("utf-8") if p.returncode == 0 else None


def config(dropped: set[str]) -> str:
    """The example, its hook a no-op, without the entries of files the parent lacks."""
    lines = EXAMPLE.read_text().split("\n")
    lines = [ln for ln in lines if not any(f"path: {d}," in ln for d in dropped)]
    text = "\n".join(lines)
    return re.sub(r"(?ms)^hooks:.*", "hooks:\n  bump:\n    - [git, --version]\n", text)


def replay(repo: str, sha: str, relnotes: str) -> dict:
    parent = f"{sha}^"
    changed = [p for p in git(repo, "show", "--format=", "--name-only", sha).split("\n") if p]
    paths = sorted(set(re.findall(r"path: ([^,]+),", EXAMPLE.read_text())))
    present = {p: show(repo, parent, p) for p in paths}
    dropped = {p for p, t in present.items() if t is None}
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "GIT_AUTHOR_NAME": "r", "GIT_AUTHOR_EMAIL": "r@example.com",
               "GIT_COMMITTER_NAME": "r", "GIT_COMMITTER_EMAIL": "r@example.com", "RELNOTES_NO_CACHE": "1"}
        run = {"cwd": tmp, "env": env, "capture_output": True, "text": True}
        subprocess.run(["git", "init", "-q", "-b", "main"], check=True, **run)
        files = {"RELEASES.md": show(repo, parent, "RELEASES.md"), "relnotes.yaml": config(dropped),
                 **{p: t for p, t in present.items() if t is not None}}
        for p, t in files.items():
            (Path(tmp) / p).parent.mkdir(parents=True, exist_ok=True)
            (Path(tmp) / p).write_bytes((t or "").encode("utf-8"))
        subprocess.run(["git", "add", "-A"], check=True, **run)
        subprocess.run(["git", "commit", "-qm", "parent"], check=True, **run)
        cut = subprocess.run([relnotes, "cut"], **run)
        ours = {p: (Path(tmp) / p).read_text("utf-8") if (Path(tmp) / p).exists() else None for p in files}
    scope = [p for p in changed if not HOOKED.match(p)]
    same = [p for p in scope if p in ours and ours[p] == show(repo, sha, p)]
    extra = [p for p in ours if p not in changed and p != "relnotes.yaml" and ours[p] != files[p]]
    return {"sha": sha, "ok": cut.returncode == 0, "error": cut.stdout[-300:] + cut.stderr[-300:],
            "scope": scope, "same": same, "hooked": [p for p in changed if HOOKED.match(p)],
            "extra": extra, "dropped": sorted(dropped)}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("repo")
    ap.add_argument("--limit", type=int, default=1000)
    ap.add_argument("--relnotes", default=str(Path(sys.executable).parent / "relnotes"))
    a = ap.parse_args()
    log = git(a.repo, "log", "--all", "--format=%H %s", "--grep", r"^Bump Wasmtime to [0-9]*\.0\.0 (#")
    bumps = [ln.split(" ", 1) for ln in log.splitlines() if re.match(r"Bump Wasmtime to \d+\.0\.0 \(#\d+\)$",
                                                                     ln.split(" ", 1)[1])][:a.limit]
    total_scope = total_same = exact = 0
    for sha, subject in bumps:
        r = replay(a.repo, sha, a.relnotes)
        total_scope += len(r["scope"])
        total_same += len(r["same"])
        exact += r["ok"] and len(r["same"]) == len(r["scope"]) and not r["extra"]
        missed = sorted(set(r["scope"]) - set(r["same"]))
        print(f"{sha[:10]} {subject}: {len(r['same'])}/{len(r['scope'])} files reproduced"
              f" (+{len(r['hooked'])} for the hook)"
              + ("" if r["ok"] else f"; cut failed: {' '.join(r['error'].split())[:200]}")
              + (f"; missed {', '.join(missed[:4])}{' …' if len(missed) > 4 else ''}" if missed and r["ok"] else "")
              + (f"; also changed {', '.join(r['extra'][:3])}" if r["extra"] else "")
              + (f"; {len(r['dropped'])} configured files absent" if r["dropped"] else ""))
    print(f"\n{exact} of {len(bumps)} bumps reproduced exactly; "
          f"{total_same} of {total_scope} files (Cargo.lock and supply-chain/ excepted) reproduced")
    return 0


if __name__ == "__main__":
    sys.exit(main())
