"""Wasmtime end to end (issue 30): relnotes replayed as a Wasmtime maintainer on the real repository.

    python benchmarks/wasmtime_e2e.py [--mirror /work/.mirror/bytecodealliance+wasmtime/repo]
                                      [--out benchmarks/RESULTS-wasmtime.md]

The mirror is a bare clone of https://github.com/bytecodealliance/wasmtime with every
``release-*`` and ``stable-v*`` branch and every tag (the ``fetch`` tool's copy).  Work
happens in two temporary clones that share its objects (``git clone --shared``); files
whose blobs the mirror lacks (model weights, submodules) are left out of the checkout.
Every command runs as a maintainer would, through the ``relnotes`` executable, with
``examples/wasmtime/relnotes.yaml`` in the working tree:

a. the security questions: ``when`` for every advisory any notes file names (its
   release per line against the notes' own: the ground truth is read here from
   ``git show BRANCH:RELEASES.md``, not through relnotes), ``backports`` for the
   2026-08-20 security release (a fragment per advisory, as the maintainer writes
   them), ``upgrade 24.0.0 36.0.0`` and ``upgrade 40.0.4 41.0.0`` (with their CPU time);
b. ``site``: every real release has a page, and a page's links all resolve: no raw
   ``[...]`` link brackets, no empty bullets, no link definition shown as text, every
   link of the notes section an ``<a href>``, every relative link a file of the site;
c. ``cut`` at the parent of "Bump Wasmtime to 49.0.0 (#14079)", compared file by file
   with that commit (Cargo.lock and supply-chain/ are Cargo's, through the hook).

Not a test (it needs the mirror and a minute); it writes its figures to ``--out``.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "wasmtime" / "relnotes.yaml"
ADVISORY = re.compile(r"(?<![\w-])(GHSA(?:-[23456789cfghjmpqrvwx]{4}){3}|CVE-\d{4}-\d{4,7}|RUSTSEC-\d{4}-\d{4})(?![\w-])",
                      re.I)
HEADING = re.compile(r"^## (\d+\.\d+\.\d+)\s*$", re.M)
BUMP_49 = "Bump Wasmtime to 49.0.0 (#14079)"
HOOKED = re.compile(r"^(Cargo\.lock|supply-chain/)")


def git(cwd: Path, *args: str, check: bool = True) -> str:
    p = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)
    if check and p.returncode:
        raise SystemExit(f"git {' '.join(args)}: {p.stderr.strip()}")
    return p.stdout


class Run:
    """One relnotes command: its result and the CPU time it took (user + system, children)."""

    def __init__(self, relnotes: str, cwd: Path, *args: str) -> None:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        p = subprocess.run([relnotes, *args], cwd=cwd, capture_output=True, text=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.wall = time.perf_counter() - t0
        self.cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        self.code, self.out, self.err = p.returncode, p.stdout, p.stderr

    def json(self):
        return json.loads(self.out)


def clone(mirror: Path, dest: Path, rev: str) -> Path:
    """A working clone of ``mirror`` at ``rev`` on a branch ``main``, without the files whose
    blobs the mirror lacks."""
    git(dest.parent, "clone", "-q", "--shared", "--no-checkout", str(mirror), str(dest))
    sha = git(dest, "rev-parse", rev).strip()
    tree = [ln.split(None, 3) for ln in git(dest, "ls-tree", "-r", sha).splitlines()]
    blobs = [(obj, path) for _mode, kind, obj, path in tree if kind == "blob"]
    check = subprocess.run(["git", "cat-file", "--batch-check"], cwd=dest, capture_output=True, text=True,
                           input="".join(f"{o}\n" for o, _ in blobs)).stdout.splitlines()
    absent = [path for (_o, path), line in zip(blobs, check) if line.endswith(" missing")]
    git(dest, "sparse-checkout", "set", "--no-cone", "/*", *(f"!/{p}" for p in absent))
    git(dest, "checkout", "-q", "-B", "main", sha)
    return dest


def commit_file(repo: Path, name: str, message: str) -> None:
    """Commit one new top-level file onto HEAD with plumbing: ``git commit`` would verify every
    blob of the tree, and the mirror lacks a few."""
    blob = git(repo, "hash-object", "-w", name).strip()
    entries = git(repo, "ls-tree", "HEAD") + f"100644 blob {blob}\t{name}\n"
    tree = subprocess.run(["git", "mktree", "--missing"], cwd=repo, input=entries, capture_output=True,
                          text=True, check=True).stdout.strip()
    env = {"GIT_AUTHOR_NAME": "e2e", "GIT_AUTHOR_EMAIL": "e2e@example.com",
           "GIT_COMMITTER_NAME": "e2e", "GIT_COMMITTER_EMAIL": "e2e@example.com", "PATH": os.environ["PATH"]}
    sha = subprocess.run(["git", "commit-tree", tree, "-p", "HEAD", "-m", message], cwd=repo, env=env,
                         capture_output=True, text=True, check=True).stdout.strip()
    git(repo, "update-ref", "HEAD", sha)
    git(repo, "reset", "-q")


# -- the ground truth, read from git alone -------------------------------------------------------


def named_in_notes(repo: Path) -> tuple[dict[str, dict[str, str]], dict[str, str]]:
    """advisory -> {version: release date} over every release branch's RELEASES.md, and
    version -> date for every release."""
    refs = [r for r in git(repo, "for-each-ref", "--format=%(refname)", "refs/remotes/origin").split()
            if re.search(r"/(release-\d|stable-v\d)", r)]
    named: dict[str, dict[str, str]] = {}
    dates: dict[str, str] = {}
    for ref in refs:
        text = git(repo, "show", f"{ref}:RELEASES.md", check=False)
        parts = HEADING.split(text)
        for version, body in zip(parts[1::2], parts[2::2]):
            body = body.split("\n## ", 1)[0]
            m = re.search(r"Released (\d{4}-\d{2}-\d{2})", body)
            if not m:
                continue
            dates[version] = m[1]
            for ident in ADVISORY.findall(body):
                named.setdefault(ident.upper() if not ident.upper().startswith("GHSA") else
                                 "GHSA" + ident[4:].lower(), {})[version] = m[1]
    return named, dates


def line(v: str) -> str:
    return ".".join(v.split(".")[:2])


def vkey(v: str) -> tuple[int, ...]:
    return tuple(int(x) for x in v.split("."))


# -- a. the security questions ------------------------------------------------------------------


def security(relnotes: str, repo: Path) -> list[str]:
    named, dates = named_in_notes(repo)
    out = ["## a. Security questions", ""]
    pairs = right = 0
    exits: dict[int, int] = {}
    wrong: list[str] = []
    cpu = 0.0
    for ident in sorted(named):
        r = Run(relnotes, repo, "when", ident, "--format", "json")
        cpu += r.cpu
        exits[r.code] = exits.get(r.code, 0) + 1
        got = {}
        if r.code == 0:
            for rel in r.json()["releases"]:
                got.setdefault(line(rel["version"]), rel["version"])
        first: dict[str, str] = {}
        for v in sorted(named[ident], key=vkey):
            first.setdefault(line(v), v)
        for ln, v in first.items():
            pairs += 1
            if got.get(ln) == v:
                right += 1
            else:
                wrong.append(f"{ident} on {ln}.x: notes {v}, when {got.get(ln, 'nothing' if r.code == 0 else f'exit {r.code}')}")
    out += [f"`when ID` for each of the {len(named)} advisories the notes files name "
            f"(exit codes: {', '.join(f'{k}: {v}' for k, v in sorted(exits.items()))}; {cpu:.1f} s CPU in all):",
            f"the release each line's notes name is the one `when` gives on **{right} of {pairs}** "
            "(advisory, release line) pairs.", ""]
    out += [f"* {w}" for w in wrong[:12]] + ([f"* … and {len(wrong) - 12} more"] if len(wrong) > 12 else [])
    cve = Run(relnotes, repo, "when", "CVE-2021-32629")
    out += ["", f"`when CVE-2021-32629` (exit {cve.code}): `{cve.out.splitlines()[0] if cve.out else cve.err.strip()}`", ""]

    # the 2026-08-20 security release: a fragment per advisory it fixed, as the maintainer writes them
    fixed = sorted(i for i, vs in named.items() if "2026-08-20" in vs.values())
    for i in fixed:
        Run(relnotes, repo, "new", "--advisory", i, "--backport", "-m", f"Fixed {i}.", "--name", f"e2e-{i}")
    b = Run(relnotes, repo, "backports", "--on", "2026-08-20", "--format", "json")
    for f in (repo / "changes.d").glob("e2e-*"):
        f.unlink()
    shipped = {i: sorted((v for v, d in named[i].items() if d == "2026-08-20"), key=vkey) for i in fixed}
    out += [f"`backports --on 2026-08-20` with a fragment for each of the {len(fixed)} advisories "
            f"fixed that day (exit {b.code}, {b.cpu:.1f} s CPU):", ""]
    if b.code == 0:
        for cand in b.json():
            ident = next((i for i in fixed if i in json.dumps(cand)), "?")
            lacking = cand.get("lacking", cand.get("missing", []))
            having = cand.get("present", [])
            out.append(f"* {ident} (notes: {', '.join(shipped.get(ident, []))}): has it: "
                       f"{', '.join(map(str, having)) or 'none'}; lacks it: {', '.join(map(str, lacking)) or 'none'}")
    else:
        out.append(f"* failed: {b.err.strip()[:300]}")
    out.append("")

    for a, z in (("24.0.0", "36.0.0"), ("40.0.4", "41.0.0")):
        up = Run(relnotes, repo, "upgrade", a, z, "--format", "json")
        if up.code != 0:
            out.append(f"`upgrade {a} {z}`: exit {up.code}: {up.err.strip()[:300]}")
            continue
        g = {x["id"]: x["entries"] for x in up.json()["groups"]}
        sec = sorted({i for e in g.get("security", []) for i in e["advisories"]})
        lost = sorted({i for e in g.get("lost", []) for i in e["advisories"]})
        lacking = [i for i in sec if not any(vkey(v) <= vkey(z) and line(v) == line(z) or vkey(v) < vkey(z)
                                             and dates.get(v, "9") <= dates.get(z, "0") for v in named.get(i, {}))]
        out.append(f"`upgrade {a} {z}` ({up.cpu:.2f} s CPU, {up.wall:.2f} s wall): {len(sec)} security fixes listed "
                   f"({len(lacking)} of them released after {z}, by the notes' dates), "
                   f"{len(lost)} named as lost{': ' + ', '.join(lost) if lost else ''}; "
                   f"latest patch of the target's line: {up.json()['latest']}; "
                   + ", ".join(f"{k}: {len(v)}" for k, v in g.items() if k not in ("security", "lost")) + ".")
        out.append("")
    return out


# -- b. the site ---------------------------------------------------------------------------------

_CODE = re.compile(r"(?s)<(code|pre)\b.*?</\1>")
_TAG = re.compile(r"<[^>]+>")
_RAW_LINK = re.compile(r"\[[^\]\n]{1,200}\](?:\[[^\]\n]{0,100}\]|\()")
_DEFINITION = re.compile(r"^\s*\[[^\]\n]{1,100}\]:\s*\S", re.M)
_EMPTY_LI = re.compile(r"<li\b[^>]*>\s*(?:<a class=\"anchor\"[^>]*>#</a>)?\s*(?:<p>\s*</p>)?\s*</li>")
_SOURCE_LINKS = re.compile(r"\[[^\]\n]{1,200}\]\([^)\s]+\)|\[[^\]\n]{1,200}\]\[[^\]\n]{0,100}\]|<https?://[^>\s]+>")
_SHORTCUT = re.compile(r"(?<![\]\\])\[([^\]\n]{1,100})\](?![\[(:])")


def site(relnotes: str, repo: Path, work: Path) -> list[str]:
    out_dir = work / "site"
    r = Run(relnotes, repo, "site", str(out_dir))
    out = ["## b. The site", ""]
    if r.code != 0:
        return out + [f"`site` failed (exit {r.code}): {r.err.strip()[:300]}", ""]
    hist = Run(relnotes, repo, "history", "--format", "json").json()["releases"]
    released = [h for h in hist if h["status"] != "unreleased"]  # real releases: some old ones give no date
    pages = ok = 0
    problems: list[str] = []
    for h in released:
        page = out_dir / "releases" / f"{h['version']}.html"
        if not page.is_file():
            problems.append(f"{h['version']}: no page")
            continue
        pages += 1
        text = page.read_text("utf-8")
        main = text[text.find("<main"):text.find("</main>")]
        visible = html.unescape(_TAG.sub("", _CODE.sub("", main)))
        source = re.sub(r"(?s)```.*?```|`[^`\n]*`", "", h["text"])
        defined = {m.lower() for m in re.findall(r"^\s*\[([^\]\n]{1,100})\]:", source, re.M)}
        want = len(_SOURCE_LINKS.findall(source)) + sum(1 for m in _SHORTCUT.findall(source) if m.lower() in defined)
        anchors = re.findall(r'<a href="(https?://[^"]+|mailto:[^"]+)"', main)
        relative = [u for u in re.findall(r'<a [^>]*href="([^"#:]+)(?:#[^"]*)?"', text)]
        bad = []
        raw = _RAW_LINK.findall(visible)
        if raw:
            bad.append(f"raw brackets {raw[:2]}")
        if _EMPTY_LI.search(main):
            bad.append("an empty bullet")
        if _DEFINITION.search(visible):
            bad.append("a link definition as text")
        if len(anchors) < want:
            bad.append(f"{len(anchors)} links for the notes' {want}")
        gone = [u for u in relative if not (page.parent / u).resolve().exists()]
        if gone:
            bad.append(f"relative links to no file: {gone[:2]}")
        if bad:
            problems.append(f"{h['version']}: {'; '.join(bad)}")
        else:
            ok += 1
    wrote = re.sub(r" to \S+; open \S+$", "", r.out.strip())  # the temporary directory: gone
    out += [f"`relnotes site` ({r.cpu:.1f} s CPU): {wrote}",
            f"History: {len(hist)} releases ({len(released)} real, the others main's unreleased one). Release pages: {pages} of {len(released)}; "
            f"**{ok} of {pages}** pages have every link resolved (no raw `[...]` link brackets, no empty bullet, "
            "no link definition as text, at least as many links as the notes section, every relative link a file).", ""]
    out += [f"* {p}" for p in problems]
    return out + [""]


# -- c. cut at the parent of the 49.0.0 bump ----------------------------------------------------


def cut(relnotes: str, mirror: Path, work: Path) -> list[str]:
    out = ["## c. `cut` at the parent of " + BUMP_49, ""]
    log = git(mirror, "log", "--format=%H %s", "--fixed-strings", "--grep", BUMP_49, "main")
    sha = next((ln.split(" ", 1)[0] for ln in log.splitlines() if ln.split(" ", 1)[1] == BUMP_49), None)
    if sha is None:
        return out + ["the mirror has no such commit", ""]
    repo = clone(mirror, work / "cut", f"{sha}^")
    # as the repository was then: release-48.0.0 (cut from a commit just before) is this cut's own
    for ref in git(repo, "for-each-ref", "--format=%(refname)", "refs/remotes/origin/release-48.0.0",
                   "refs/remotes/origin/release-49.0.0").split():
        git(repo, "update-ref", "-d", ref)
    config = EXAMPLE.read_text("utf-8")
    # the hook runs `cargo fetch` and `cargo vet`, which need the network: a no-op here, so
    # Cargo.lock and supply-chain/ are left as they are (and counted apart)
    config = re.sub(r"(?ms)^hooks:.*", "hooks:\n  bump:\n    - [git, --version]\n", config)
    (repo / "relnotes.yaml").write_text(config, "utf-8")
    commit_file(repo, "relnotes.yaml", "Adopt relnotes")
    r = Run(relnotes, repo, "cut")
    changed = [p for p in git(mirror, "show", "--format=", "--name-only", sha).splitlines() if p]
    scope = [p for p in changed if not HOOKED.match(p)]
    same = [p for p in scope if (repo / p).is_file()
            and (repo / p).read_bytes() == subprocess.run(["git", "show", f"{sha}:{p}"], cwd=mirror,
                                                          capture_output=True).stdout]
    ours = [p for p in git(repo, "diff", "--name-only", "HEAD").splitlines() if p]
    extra = [p for p in ours if p not in changed]
    out += [f"`relnotes cut` (exit {r.code}, {r.cpu:.1f} s CPU) on a clone at {sha[:12]}^ with "
            "examples/wasmtime/relnotes.yaml (its hook a no-op: cargo needs the network): "
            f"**{len(same)} of {len(scope)}** files the real commit changed are byte for byte the same "
            f"({len(changed) - len(scope)} more, Cargo.lock and supply-chain/, are the hook's); "
            f"files relnotes changed that the commit did not: {', '.join(extra) or 'none'}; "
            f"branch release-48.0.0 made: {'yes' if git(repo, 'branch', '--list', 'release-48.0.0').strip() else 'no'}.", ""]
    missed = sorted(set(scope) - set(same))
    if missed:
        out += [f"* differs: {p}" for p in missed] + [""]
    if r.code != 0:
        out += [f"cut failed: {r.err.strip()[:400]}", ""]
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mirror", type=Path, default=Path("/work/.mirror/bytecodealliance+wasmtime/repo"))
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "RESULTS-wasmtime.md")
    ap.add_argument("--relnotes", default=str(Path(sys.executable).parent / "relnotes"))
    ap.add_argument("--only", default="security,site,cut")
    a = ap.parse_args()
    only = set(a.only.split(","))
    with tempfile.TemporaryDirectory(prefix="wasmtime-e2e-") as tmp:
        work = Path(tmp)
        repo = clone(a.mirror, work / "wasmtime", "main")
        shutil.copy(EXAMPLE, repo / "relnotes.yaml")  # untracked: Wasmtime has none
        head = git(repo, "log", "-1", "--format=%h %cs %s").strip()
        lines = ["# Wasmtime end to end", "",
                 f"`python benchmarks/wasmtime_e2e.py` on the public repository (main at {head}; "
                 f"{len(git(repo, 'branch', '-r').splitlines())} remote branches, {len(git(repo, 'tag').splitlines())} tags), "
                 "with examples/wasmtime/relnotes.yaml.", ""]
        if "security" in only:
            lines += security(a.relnotes, repo)
        if "site" in only:
            lines += site(a.relnotes, repo, work)
        if "cut" in only:
            lines += cut(a.relnotes, a.mirror, work)
    text = "\n".join(lines).rstrip() + "\n"
    a.out.write_text(text, "utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
