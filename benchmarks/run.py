"""Benchmark relnotes side by side with towncrier, scriv and reno; write RESULTS.md.

    python benchmarks/run.py            # everything (several minutes)
    python benchmarks/run.py --quick    # fewer runs, smaller history (a smoke test)

It builds its own virtual environment under ``benchmarks/work/`` with the peers from
PyPI and relnotes from this checkout, generates identical fixtures (the same entry
texts as relnotes, towncrier and scriv fragments; a git repository with tens of
thousands of commits and ~60 release branches, with reno notes), runs each pair of
commands interleaved (A B A B …) after a warm-up, and records medians, min–max and
peak memory (``ru_maxrss`` of each child).  It is not part of the test suite.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / "work"
VENV = WORK / "venv"
BIN = VENV / "bin"
PEERS = ["towncrier", "scriv", "reno"]
SECTIONS = [("Added", "feature"), ("Fixed", "bugfix"), ("Removed", "removal")]

GIT_ENV = {
    # fixtures live inside this project's checkout: never let a tool find that repository
    "GIT_CEILING_DIRECTORIES": str(WORK),
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "bench@example.org",
    "GIT_COMMITTER_NAME": "Bench", "GIT_COMMITTER_EMAIL": "bench@example.org",
    "GIT_AUTHOR_DATE": "1767225600 +0000", "GIT_COMMITTER_DATE": "1767225600 +0000",
}


def sh(*args, cwd=None, env=None, check=True, quiet=True):
    e = {**os.environ, **GIT_ENV, "GIT_CONFIG_GLOBAL": str(WORK / "gitconfig"), **(env or {})}
    return subprocess.run(args, cwd=cwd, env=e, check=check, text=True,
                          stdout=subprocess.PIPE if quiet else None, stderr=subprocess.PIPE if quiet else None)


def setup_venv() -> dict[str, str]:
    WORK.mkdir(exist_ok=True)
    (WORK / "gitconfig").write_text("[init]\n\tdefaultBranch = main\n")
    if not (BIN / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    subprocess.run([str(BIN / "pip"), "install", "-q", *PEERS], check=True)
    # relnotes from this checkout, rebuilt every time so the numbers are for this code
    subprocess.run([str(BIN / "pip"), "install", "-q", "--force-reinstall", "--no-deps", str(ROOT)], check=True)
    subprocess.run([str(BIN / "pip"), "install", "-q", str(ROOT)], check=True)
    out = subprocess.run([str(BIN / "pip"), "list", "--format=freeze"], capture_output=True, text=True).stdout
    versions = dict(line.split("==") for line in out.splitlines() if "==" in line)
    return {k: versions.get(k, "?") for k in ["relnotes", "towncrier", "scriv", "reno", "typer", "mistletoe",
                                              "ruamel.yaml", "Jinja2", "GitPython"]}


# -- fixtures -----------------------------------------------------------------------------------


def entry_text(i: int) -> str:
    return (f"Change number {i}: the `Config::thing_{i}` option now handles the case where\n"
            f"the input is empty, which used to panic.")


def make_fragment_repos(n: int) -> Path:
    """One git repository holding the same n entries in relnotes, towncrier and scriv form."""
    d = WORK / f"frag-{n}"
    if d.exists():
        return d
    d.mkdir(parents=True)
    sh("git", "init", "-q", "-b", "main", cwd=d)
    (d / "relnotes.yaml").write_text("project: Demo\nrepository: https://github.com/example/demo\n")
    (d / "RELEASES.md").write_text("## 1.0.0\n\nUnreleased.\n\n### Added\n\n### Changed\n\n" + "-" * 80
                                   + "\n\n<!-- ARCHIVE_START -->\n")
    (d / "pyproject.toml").write_text(
        '[tool.towncrier]\nname = "Demo"\ndirectory = "newsfragments"\nfilename = "NEWS.md"\n')
    (d / "NEWS.md").write_text("# Demo\n\n.. towncrier release notes start\n")
    (d / "changelog.d").mkdir()
    (d / "changelog.d" / "scriv.ini").write_text("[scriv]\nformat = md\nmd_header_level = 2\n")
    (d / "CHANGELOG.md").write_text("# Changelog\n\n<!-- scriv-insert-here -->\n")
    (d / "changes.d").mkdir()
    (d / "newsfragments").mkdir()
    (d / "src.py").write_text("x = 0\n")
    for i in range(n):
        section, tc_type = SECTIONS[i % len(SECTIONS)]
        text = entry_text(i)
        (d / "changes.d" / f"f{i:05d}.md").write_text(f"---\nsection: {section}\nprs: [{i + 1}]\n---\n{text}\n")
        (d / "newsfragments" / f"{i + 1}.{tc_type}.md").write_text(text + "\n")
        (d / "changelog.d" / f"20260101_000000_bench_{i:05d}.md").write_text(f"### {section}\n\n- {text}\n")
    sh("git", "add", "-A", cwd=d)
    sh("git", "commit", "-q", "-m", "fixtures", cwd=d)
    return d


def make_pr_repo() -> Path:
    """10 pending fragments on main; a branch 'pr' that changes code and adds one fragment."""
    d = WORK / "pr-10"
    if d.exists():
        return d
    src = make_fragment_repos(10)
    shutil.copytree(src, d)
    sh("git", "switch", "-q", "-c", "pr", cwd=d)
    (d / "src.py").write_text("x = 1\n")
    (d / "changes.d" / "new.md").write_text("---\nsection: Fixed\nprs: [99]\n---\nA fix.\n")
    (d / "newsfragments" / "99.bugfix.md").write_text("A fix.\n")
    sh("git", "add", "-A", cwd=d)
    sh("git", "commit", "-q", "-m", "change", cwd=d)
    return d


def make_history_repo(commits: int, branches: int) -> Path:
    """A repository with `commits` commits and `branches` release branches, via fast-import.

    Every release branch is cut from main, gets two backport commits and its notes; a
    reno note is added every 250 commits and each release is tagged, so `reno report`
    has real work to do.
    """
    d = WORK / f"history-{commits}-{branches}"
    if d.exists():
        return d
    d.mkdir(parents=True)
    sh("git", "init", "-q", "-b", "main", cwd=d)
    per_release = commits // branches
    stream = []
    mark = 0
    ts = 1600000000

    def blob(data: str) -> int:
        nonlocal mark
        mark += 1
        raw = data.encode()
        stream.append(f"blob\nmark :{mark}\ndata {len(raw)}\n".encode() + raw + b"\n")
        return mark

    def commit(ref: str, msg: str, files: dict[str, int], parent: int | None) -> int:
        nonlocal mark, ts
        mark += 1
        ts += 60
        m = msg.encode()
        out = (f"commit {ref}\nmark :{mark}\nauthor Bench <b@e.org> {ts} +0000\n"
               f"committer Bench <b@e.org> {ts} +0000\ndata {len(m)}\n").encode() + m + b"\n"
        if parent is not None:
            out += f"from :{parent}\n".encode()
        for path, b in files.items():
            out += f"M 100644 :{b} {path}\n".encode()
        stream.append(out)
        return mark

    cfg = blob("preset: wasmtime\nproject: Demo\nrepository: https://github.com/example/demo\narchive: {since: 1.0.0}\n")
    notes_main = blob("## 1.0.0\n\nUnreleased.\n\n### Added\n\n### Changed\n\n" + "-" * 80
                      + "\n\nRelease notes for previous releases are on the release branches.\n\n"
                      "<!-- ARCHIVE_START -->\n")
    head = commit("refs/heads/main", "Initial (#1)", {"relnotes.yaml": cfg, "RELEASES.md": notes_main}, None)
    pr = 1
    reno_n = 0
    for v in range(1, branches + 1):
        for _ in range(per_release):
            pr += 1
            files = {"src/lib.rs": blob(f"// change {pr}\n")}
            if pr % 250 == 0:
                reno_n += 1
                files[f"releasenotes/notes/change-{reno_n:05d}-{pr:08x}.yaml"] = blob(
                    f"---\nfeatures:\n  - |\n    Change {pr} adds a feature.\nfixes:\n  - Fixed bug {pr}.\n")
            if pr % 500 == 0:
                files[f"changes.d/fix-{pr}.md"] = blob(
                    f"---\nsection: Fixed\nprs: [{pr}]\nbackport: true\n---\nSecurity fix {pr}.\n")
            head = commit("refs/heads/main", f"Change {pr} (#{pr})", files, head)
        branch_notes = blob(f"## {v}.0.0\n\nReleased 2026-01-20.\n\n### Fixed\n\n* Fix.\n  "
                            f"[#{pr}](https://github.com/example/demo/pull/{pr})\n\n" + "-" * 80 + "\n")
        b = commit(f"refs/heads/release-{v}.0.0", f"Release Demo {v}.0.0", {"RELEASES.md": branch_notes}, head)
        stream.append(f"tag {v}.0.0\nfrom :{b}\ntagger Bench <b@e.org> {ts} +0000\ndata 7\nrelease\n".encode())
        for k in range(2):
            b = commit(f"refs/heads/release-{v}.0.0", f"Backport fix {v}.{k}", {f"src/b{k}.rs": blob(f"{v}{k}\n")}, b)
    data = b"".join(stream)
    subprocess.run(["git", "fast-import", "--quiet"], cwd=d, input=data, check=True,
                   env={**os.environ, **GIT_ENV})
    sh("git", "checkout", "-q", "-f", "main", cwd=d)
    return d


# -- measuring ----------------------------------------------------------------------------------


def run_once(cmd: list[str], cwd: Path, prepare=None) -> tuple[float, int, int]:
    """(seconds, peak RSS in KiB, exit code) of one run; `prepare` makes a fresh copy first."""
    where = prepare() if prepare else cwd
    env = {**os.environ, **GIT_ENV, "GIT_CONFIG_GLOBAL": str(WORK / "gitconfig"), "PATH": f"{BIN}:{os.environ['PATH']}"}
    # stderr to a file, not a pipe: a chatty tool would block on a full pipe we only read later
    with open(WORK / "stderr.log", "w+b") as errf:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=where, env=env, stdout=subprocess.DEVNULL, stderr=errf)
        _, status, usage = os.wait4(proc.pid, 0)
        dt = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        errf.seek(0)
        err = errf.read().decode(errors="replace")
    code = proc.returncode
    if code not in (0, 1):
        raise SystemExit(f"benchmark command failed ({code}): {' '.join(cmd)} in {where}\n{err[-2000:]}")
    return dt, usage.ru_maxrss, code


def fresh_copy(src: Path, *, without_git: bool = False):
    def prepare() -> Path:
        # outside this checkout: a relnotes.yaml below a repository whose own configuration
        # does not list it is refused (an unlisted monorepo package), and a copy without .git
        # would be found inside relnotes' repository
        import tempfile

        dst = Path(tempfile.gettempdir()) / "relnotes-bench-scratch"
        if dst.exists():
            shutil.rmtree(dst)
        shutil.copytree(src, dst, symlinks=True, ignore=shutil.ignore_patterns(".git") if without_git else None)
        return dst
    return prepare


def pair(a: list[str], b: list[str], cwd: Path, runs: int, prepare=None, b_cwd: Path | None = None):
    """Interleave A and B after one warm-up each; return both sample lists."""
    run_once(a, cwd, prepare)
    run_once(b, b_cwd or cwd, prepare)
    sa, sb = [], []
    for _ in range(runs):
        sa.append(run_once(a, cwd, prepare))
        sb.append(run_once(b, b_cwd or cwd, prepare))
    return sa, sb


def callgrind_instructions(cmd: list[str], cwd: Path) -> int | None:
    """Instructions the command's own process executes (valgrind's callgrind; its git
    children are not followed), or None without valgrind."""
    if shutil.which("valgrind") is None:
        return None
    out = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *cmd], cwd=cwd,
                         env={**os.environ, **GIT_ENV, "GIT_CONFIG_GLOBAL": str(WORK / "gitconfig")},
                         capture_output=True, text=True).stderr
    found = [line.split("Collected :")[1].strip() for line in out.splitlines() if "Collected :" in line]
    return int(found[0]) if found else None


def stats(samples) -> dict:
    times = [s[0] * 1000 for s in samples]
    return {"median": statistics.median(times), "min": min(times), "max": max(times),
            "rss": max(s[1] for s in samples) / 1024}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="3 runs and a 3 000-commit history")
    ap.add_argument("--runs", type=int, default=None)
    args = ap.parse_args()
    runs = args.runs or (3 if args.quick else 7)
    # rows that take well under a second get three times the runs: their medians move
    # by ±15 % between runs of the harness on a shared 2-core machine otherwise
    fast_runs = runs * 3
    commits, branches = (3000, 30) if args.quick else (30000, 60)
    versions = setup_venv()
    rn = [str(BIN / "relnotes")]
    rows = []

    def row(name, target_desc, target_ratio, a, b, peer_name):
        ra, rb = stats(a), stats(b)
        # each run of A is paired with the run of B right after it: the median of the pairs'
        # ratios cancels what the machine's load does to both, which the ratio of the two
        # medians does not (on a shared machine a peer's median moves between harness runs
        # while relnotes' does not)
        ratio = statistics.median(x[0] / y[0] for x, y in zip(a, b))
        met = ratio <= target_ratio if target_ratio else None
        rows.append((name, ra, rb, peer_name, ratio, target_desc, met))
        print(f"{name}: {ra['median']:.0f} ms vs {peer_name} {rb['median']:.0f} ms, ratio {ratio:.2f}", flush=True)

    empty = make_fragment_repos(10)
    a, b = pair(rn + ["--version"], [str(BIN / "python"), "-c", "pass"], empty, fast_runs)
    row("`relnotes --version`", "≤ 4 × python -c pass", 4.0, a, b, "`python -c pass`")

    pr_repo = make_pr_repo()
    check_rn = rn + ["check", "--base", "main"]
    check_tc = [str(BIN / "towncrier"), "check", "--compare-with", "main"]
    # The target is issue 14's.  The gate runs git's plumbing itself (relnotes.git.process):
    # GitPython, whose import alone cost more than towncrier's whole check, loads only
    # for commands that commit, tag or push.  This row gets three times the runs of the
    # other fast rows, and the instructions each side executes (callgrind, which the
    # machine's load does not move) are reported beside it.
    a, b = pair(check_rn, check_tc, pr_repo, fast_runs * 3)
    row("`relnotes check --base main`, 10 fragments", "≤ 1 × towncrier check", 1.0, a, b,
        "`towncrier check --compare-with main`")
    instructions = (callgrind_instructions(check_rn, pr_repo), callgrind_instructions(check_tc, pr_repo))

    for n in (10, 1000, 10000):
        d = make_fragment_repos(n)
        a, b = pair(rn + ["build", "--draft"],
                    [str(BIN / "towncrier"), "build", "--draft", "--version", "1.0.0"], d,
                    runs if n >= 10000 else fast_runs)
        row(f"`relnotes build --draft`, {n:,} fragments", "≤ 0.5 × towncrier" if n >= 1000 else "—",
            0.5 if n >= 1000 else None, a, b, "`towncrier build --draft`")
        if n == 1000:
            # the floor under every typer command: starting Python and importing typer,
            # before any relnotes code runs, against the same towncrier command
            a, b = pair([str(BIN / "python"), "-c", "import typer"],
                        [str(BIN / "towncrier"), "build", "--draft", "--version", "1.0.0"], d, fast_runs)
            row("floor: `python -c 'import typer'` (no relnotes code)", "— (the CLI library alone)", None, a, b,
                "`towncrier build --draft`, 1,000")

    d = make_fragment_repos(10000)
    a, b = pair(rn + ["build"], [str(BIN / "towncrier"), "build", "--yes", "--version", "1.0.0"], d,
                max(3, runs // 2), prepare=fresh_copy(d))
    row("`relnotes build` (writes, removes fragments), 10,000", "≤ 0.2 × towncrier build --yes", 0.2, a, b,
        "`towncrier build --yes`")
    mem_row = (stats(a)["rss"], stats(b)["rss"])
    # both tools on a copy without git: each deletes the fragment files itself
    a, b = pair(rn + ["build"], [str(BIN / "scriv"), "collect", "--version", "1.0.0"], d,
                max(3, runs // 2), prepare=fresh_copy(d, without_git=True))
    row("`relnotes build` vs `scriv collect` (no git), 10,000", "faster than scriv", 1.0, a, b, "`scriv collect`")

    h = make_history_repo(commits, branches)
    reno = [str(BIN / "reno"), "report", "."]
    reno_samples = [run_once(reno, h) for _ in range(2 if args.quick else 3)]
    reno_ms = stats(reno_samples)["median"]
    first_pr = 2 + (commits // branches) * 3  # on main, in release 4
    state = h / ".git" / "relnotes"

    def cold() -> Path:
        """No history index yet: what the first run after a clone (or a fetch of everything) pays.

        Every version of the index file goes (``history-v*.marshal``), so a renamed
        cache can never make a "cold" row warm."""
        for index in state.glob("history-v*.marshal"):
            index.unlink()
        return h

    for name, cmd, prepare in [("archive --check", rn + ["archive", "--check"], None),
                               ("when", rn + ["when", f"#{first_pr}"], None),
                               ("backports", rn + ["backports", "--on", "2026-01-25"], None),
                               ("when", rn + ["when", f"#{first_pr}"], cold),
                               ("backports", rn + ["backports", "--on", "2026-01-25"], cold)]:
        samples = [run_once(cmd, h, prepare) for _ in range(fast_runs + 1)][1:]
        st = stats(samples)
        ratio = st["median"] / reno_ms
        if prepare is None:
            label, target, met = "", "≤ 0.3 s and ≤ 1/20 of reno report", st["median"] <= 300 and ratio <= 1 / 20
        else:
            label, target, met = " (cold: no index in .git/relnotes)", "— (first run only)", None
        rows.append((f"`relnotes {name}`{label}, {commits:,} commits, {branches} branches", st,
                     stats(reno_samples), "`reno report`", ratio, target, met))
        print(f"{name}{label}: {st['median']:.0f} ms vs reno report {reno_ms:.0f} ms", flush=True)

    write_results(rows, versions, mem_row, runs, commits, branches, instructions)


def write_results(rows, versions, mem_row, runs, commits, branches, instructions=(None, None)) -> None:
    lines = [
        "# Benchmark results",
        "",
        f"Written by `python benchmarks/run.py` on {time.strftime('%Y-%m-%d')}: medians of {runs * 3} interleaved",
        f"runs after a warm-up for the rows under a second, {runs} for the 10,000-fragment rows and",
        f"{max(3, runs // 2)} for the ones that copy a repository first (min–max in brackets), peak RSS",
        "of the child process. Ratios are relnotes ÷ peer from this one run: for the rows run in",
        "pairs, the median of the pairs' ratios (each relnotes run and the peer's run right after",
        "it); the history rows divide by `reno report`'s median.",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}.",
        "Versions: " + ", ".join(f"{k} {v}" for k, v in versions.items()) + ".",
        f"History repository: {commits:,} commits, {branches} release branches, tags and reno notes.",
        "",
        "| command | relnotes ms | peer | peer ms | ratio | target | met |",
        "|---|---:|---|---:|---:|---|:---:|",
    ]
    for name, ra, rb, peer, ratio, target, met in rows:
        lines.append(f"| {name} | {ra['median']:.0f} ({ra['min']:.0f}–{ra['max']:.0f}) | {peer} | "
                     f"{rb['median']:.0f} ({rb['min']:.0f}–{rb['max']:.0f}) | {ratio:.2f} | {target} | "
                     f"{'—' if met is None else ('yes' if met else 'no')} |")
    lines += ["", f"Peak memory at 10,000 fragments (`build`, writes): relnotes {mem_row[0]:.0f} MiB, "
              f"towncrier {mem_row[1]:.0f} MiB — target ≤ towncrier's: "
              f"{'met' if mem_row[0] <= mem_row[1] else 'not met'}.", ""]
    if None not in instructions:
        lines[-1:-1] = [f"Instructions executed by `check --base main` (callgrind, the Python process alone, "
                        f"not its git children): relnotes {instructions[0] / 1e6:.0f} M, towncrier "
                        f"{instructions[1] / 1e6:.0f} M, ratio {instructions[0] / instructions[1]:.2f}; this "
                        f"row gets {runs * 9} interleaved runs.", ""]
    (HERE / "RESULTS.md").write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
