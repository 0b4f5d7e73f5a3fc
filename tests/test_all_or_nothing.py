"""All or nothing, across real SIGKILLs: ``cut``, ``release`` (release branch and Keep a
Changelog), ``patch``, ``stamp``, ``build`` and ``rc`` write every file or none, and a rerun
after a kill at any write, rename, removal or commit step ends exactly where an
uninterrupted run ends: the same files, the same commits, a clean tree."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest
from conftest import WASMTIME_CONFIG, Project, corpus, git
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relnotes import fsio, transaction
from relnotes.git.repo import Repo

MAIN = corpus("main.RELEASES.md")
VFILES = "version_files: [{path: Cargo.toml, pattern: 'version = \"{version}\"'}]\n"
KAC = 'preset: keepachangelog\nproject: Demo\nrepository: "https://github.com/o/demo"\n'
NOTES = "RELEASES-é x.md"  # a name git would quote without -z


def _frags(p: Project) -> None:
    p.fragment("a.md", "Fixed", "See [the docs](https://e.com/?a=1&amp;b=2) & more.", prs="[1]")
    p.fragment("b.md", "Added", "A feature.\n\n  With a second paragraph.", prs="[2]")


def setup_build(p: Project) -> list[str]:
    p.write("RELEASES.md", MAIN)
    _frags(p)
    return ["build"]


def setup_cut(p: Project) -> list[str]:
    p.write("relnotes.yaml", WASMTIME_CONFIG + VFILES)
    p.write("Cargo.toml", 'version = "49.0.0-dev"\n')
    p.write("RELEASES.md", MAIN)
    _frags(p)
    return ["cut", "--commit"]


def setup_release(p: Project) -> list[str]:
    p.write("relnotes.yaml", WASMTIME_CONFIG + VFILES + f"notes_file: {NOTES}\n")
    p.write("Cargo.toml", 'version = "49.0.0-rc.1"\n')
    p.write(NOTES, MAIN)
    _frags(p)
    p.commit("base")
    p.git("switch", "-q", "-c", "release-49.0.0")
    return ["release", "--commit", "--date", "2026-08-20"]


def setup_kac(p: Project) -> list[str]:
    p.write("relnotes.yaml", KAC + VFILES)
    p.write("Cargo.toml", 'version = "1.0.0"\n')
    p.write("CHANGELOG.md", "# Changelog\n\n## [Unreleased]\n\n## [0.9.0] - 2026-01-01\n\n### Added\n\n* Old.\n")
    _frags(p)
    return ["release", "--commit", "--version", "1.0.0", "--date", "2026-08-20"]


def setup_patch(p: Project) -> list[str]:
    p.write("relnotes.yaml", WASMTIME_CONFIG + VFILES)
    p.write("Cargo.toml", 'version = "49.0.0"\n')
    p.write("RELEASES.md", MAIN.replace("Unreleased.", "Released 2026-08-20.", 1))
    return ["patch"]


def setup_stamp(p: Project) -> list[str]:
    p.write("RELEASES.md", MAIN)
    return ["stamp", "--date", "2026-08-20"]


def setup_rc(p: Project) -> list[str]:
    p.write("relnotes.yaml", WASMTIME_CONFIG + VFILES)
    p.write("Cargo.toml", 'version = "49.0.0-dev"\n')
    p.write("RELEASES.md", MAIN)
    p.commit("base")
    p.git("switch", "-q", "-c", "release-49.0.0")
    return ["rc", "--commit"]


SETUPS = {"build": setup_build, "cut": setup_cut, "release": setup_release, "keepachangelog": setup_kac,
          "patch": setup_patch, "stamp": setup_stamp, "rc": setup_rc}

# (module, attribute, before|after, which call): every step of the transaction and the commit
KILLS = [
    ("relnotes.transaction", "_write_journal", "before", 1),
    ("relnotes.fsio", "stage_temp", "before", 1),
    ("relnotes.fsio", "stage_temp", "after", 1),  # a staged file left behind
    ("relnotes.fsio", "stage_temp", "after", 2),
    ("relnotes.transaction", "_mark_committed", "before", 1),
    ("relnotes.transaction", "_mark_committed", "after", 1),
    ("os", "replace", "after", 1),  # between two renames
    ("os", "replace", "after", 2),
    ("relnotes.transaction", "_file_digest", "after", 3),  # between the renames and the removals
    ("pathlib", "Path.unlink", "after", 1, "a.md"),  # between two removals
    ("relnotes.git.repo", "Repo.remove_from_index", "before", 1),
    ("relnotes.git.repo", "Repo.commit", "before", 1),
    ("relnotes.git.repo", "Repo.commit", "after", 1),
]


def make(tmp_path, name: str, scenario: str) -> tuple[Project, list[str]]:
    root = tmp_path / name
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    p = Project(root)
    p.write("relnotes.yaml", WASMTIME_CONFIG)
    p.write("changes.d/.gitkeep", "")
    args = SETUPS[scenario](p)
    if p.git("status", "--porcelain"):
        p.commit("base")
    return p, args


def killed(p: Project, args: list[str], module: str, attr: str, when: str, nth: int, match: str = "") -> int:
    """Run relnotes in a child process that SIGKILLs itself at the ``nth`` call of ``attr``
    (counting only calls whose arguments mention ``match``)."""
    owner, _, name = attr.rpartition(".")
    code = textwrap.dedent(f"""
        import importlib, os, signal, sys
        target = importlib.import_module({module!r})
        if {owner!r}:
            target = getattr(target, {owner!r})
        real = getattr(target, {name!r})
        calls = [0]
        def step(*a, **k):
            if {match!r} not in repr(a):
                return real(*a, **k)
            calls[0] += 1
            if calls[0] == {nth} and {when!r} == "before":
                os.kill(os.getpid(), signal.SIGKILL)
            out = real(*a, **k)
            if calls[0] == {nth} and {when!r} == "after":
                os.kill(os.getpid(), signal.SIGKILL)
            return out
        setattr(target, {name!r}, step)
        sys.argv = ["relnotes", *{args!r}]
        from relnotes.__main__ import main
        main()
    """)
    env = {**os.environ, "RELNOTES_NO_CACHE": "1"}
    r = subprocess.run([sys.executable, "-c", code], cwd=p.root, env=env, capture_output=True, text=True,
                       timeout=120)
    assert "Traceback" not in r.stderr, r.stderr
    return r.returncode


def state(p: Project) -> tuple:
    """Everything an uninterrupted run decides: files, commits (SHAs: same trees, same
    fixed dates), branches, the index and what git reports."""
    branches = p.git("for-each-ref", "--format=%(refname) %(objectname)", "refs/heads")
    return (p.snapshot_tree(), p.git("log", "--format=%H %s", "--all"), branches,
            p.git("diff", "HEAD", "--name-status", "-z"),  # the work tree against HEAD
            sorted(x.name for x in (p.root / ".git").iterdir() if x.name.startswith("relnotes-cut")),
            transaction.journal_path(p.root).exists())


@pytest.mark.parametrize("scenario", list(SETUPS))
def test_a_rerun_after_a_sigkill_at_any_step_ends_as_an_uninterrupted_run(tmp_path, git_env, scenario):
    ref, args = make(tmp_path, "reference", scenario)
    r = ref.run(*args)
    assert r.exit_code == 0, r.output
    expected = state(ref)
    if "--commit" in args:
        assert ref.git("status", "--porcelain") == ""
    tried = held = 0
    for i, (module, attr, when, nth, *match) in enumerate(KILLS):
        p, _ = make(tmp_path, f"{scenario}-{i}", scenario)
        code = killed(p, args, module, attr, when, nth, *match)
        if code != -9:  # this run never reached that step (no fragments to remove, no commit, ...)
            continue
        tried += 1
        with Repo(p.root) as repo:  # a staging file left behind is never a change to relnotes
            assert not any(fsio.is_temp(name) for name in repo.dirty_paths())
        (p.root / ".git/index.lock").unlink(missing_ok=True)  # git's own, if git died holding it
        r = p.run(*args)
        assert r.exit_code == 0, (module, attr, when, nth, r.output)
        assert "internal error" not in r.output
        assert state(p) == expected, (module, attr, when, nth)
        if "--commit" in args:
            assert p.git("status", "--porcelain") == "", (module, attr, when, nth)
        held += 1
    assert tried == held and tried >= 5, (scenario, tried)


def test_a_subprocess_rerun_after_a_kill_mid_transaction(tmp_path, git_env):
    """The CLI as a real process both times: killed after the first rename of release's
    notes and version files, then rerun: one release commit, every file right."""
    ref, args = make(tmp_path, "reference", "release")
    assert ref.run(*args).exit_code == 0
    p, _ = make(tmp_path, "killed", "release")
    assert killed(p, args, "os", "replace", "after", 1) == -9
    assert transaction.journal_path(p.root).exists()
    r = subprocess.run([sys.executable, "-m", "relnotes", *args], cwd=p.root, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert state(p) == state(ref)
    assert p.read("Cargo.toml") == 'version = "49.0.0"\n'
    assert p.git("log", "-1", "--format=%s") == "Release Wasmtime 49.0.0"


# -- the holes a hostile review found ------------------------------------------------------------


def test_release_never_commits_stamped_notes_with_a_candidate_version(project, monkeypatch):
    """The version file's write fails: the notes are not stamped either, and the rerun
    releases 49.0.0 everywhere (before, the notes said Released and Cargo.toml -rc.1)."""
    setup_release(project)
    before = project.snapshot_tree()
    real = fsio.stage_temp

    def full_disk(target, text):
        if target.name == "Cargo.toml":
            raise OSError(28, "No space left on device")
        return real(target, text)

    monkeypatch.setattr(fsio, "stage_temp", full_disk)
    r = project.run("release", "--commit", "--date", "2026-08-20")
    monkeypatch.undo()
    assert r.exit_code == 2 and "Cargo.toml: cannot write: no space left" in r.stderr, r.output
    assert project.snapshot_tree() == before
    r = project.run("release", "--commit", "--date", "2026-08-20")
    assert r.exit_code == 0, r.output
    assert project.git("show", "HEAD:Cargo.toml") == 'version = "49.0.0"'
    assert "Released 2026-08-20." in project.git("show", f"HEAD:{NOTES}")


def test_a_rerun_finishes_version_files_left_behind_by_stamped_notes(project):
    """A partial state an older relnotes left: notes stamped, Cargo.toml still -rc.1, nothing
    committed.  The rerun writes the version file too, then commits: never 'Release 49.0.0'
    with 49.0.0-rc.1 in it."""
    setup_release(project)
    assert project.run("stamp", "--date", "2026-08-20").exit_code == 0
    r = project.run("release", "--commit", "--date", "2026-08-20")
    assert r.exit_code == 0, r.output
    assert project.git("show", "HEAD:Cargo.toml") == 'version = "49.0.0"'
    assert project.git("status", "--porcelain") == ""


def test_a_leftover_staging_file_never_blocks_cut(project):
    setup_cut(project)
    project.commit("base")
    project.write(".RELEASES.md.relnotes-tmp", "half a file")  # a SIGKILL mid-write
    project.write("changes.d/.a.md.relnotes-tmp", "half")
    r = project.run("cut", "--commit")
    assert r.exit_code == 0, r.output
    assert not (project.root / ".RELEASES.md.relnotes-tmp").exists()  # replaced, then renamed
    assert project.run("check").exit_code == 0


def test_a_planted_staging_symlink_is_never_followed(project, tmp_path):
    """A pull request commits .RELEASES.md.relnotes-tmp as a link to a file outside:
    relnotes removes the link and writes its own file, never through it."""
    outside = tmp_path / "outside.txt"
    outside.write_text("precious\n")
    setup_stamp(project)
    os.symlink(outside, project.root / ".RELEASES.md.relnotes-tmp")
    project.commit("base")
    r = project.run("stamp", "--date", "2026-08-20")
    assert r.exit_code == 0, r.output
    assert outside.read_text() == "precious\n"
    assert "Released 2026-08-20." in project.read("RELEASES.md")


@pytest.mark.parametrize("name", ["RELEASES-é.md", "RELEASES x.md", 'RELEASES"q.md'])
def test_release_reruns_commit_with_any_notes_file_name(project, name):
    """`git status` without -z quotes such names, so the rerun never found the notes dirty."""
    import json

    project.write("relnotes.yaml", WASMTIME_CONFIG + f"notes_file: {json.dumps(name)}\n")
    project.write(name, MAIN)
    project.fragment("a.md", "Fixed", "A fix.", prs="[1]")
    project.commit("base")
    hook = project.root / ".git/hooks/pre-commit"
    hook.write_text("#!/bin/sh\nexit 1\n")
    hook.chmod(0o755)
    assert project.run("release", "--commit", "--date", "2026-08-20").exit_code == 2
    hook.unlink()
    r = project.run("release", "--commit", "--date", "2026-08-20")
    assert r.exit_code == 0 and "by an earlier run that did not commit" in r.stdout, r.output
    assert project.git("status", "--porcelain") == ""
    assert project.git("log", "--format=%s") == "Release Wasmtime 49.0.0\nbase"


def test_build_keeps_a_fragment_that_is_only_the_first_line_of_an_entry(project):
    assert "### Changed\n" in MAIN
    project.write("RELEASES.md", MAIN.replace("### Changed\n", "### Changed\n\n* A fix.\n  More of it.\n", 1))
    project.fragment("a.md", "Changed", "A fix.")
    project.fragment("b.md", "Changed", "More of it.")
    project.commit("base")
    r = project.run("build")
    assert r.exit_code == 0, r.output
    notes = project.read("RELEASES.md")
    assert notes.count("* A fix.\n") == 2 and "* More of it.\n" in notes


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40)
       .map(str.strip).filter(bool))
def test_entry_detection_is_exact_for_any_text(tmp_path_factory, body):
    """For any body: an entry already in the notes is recognised (never added twice), and a
    fragment that is a strict part of an entry is not (never dropped)."""
    from relnotes.config.load import load
    from relnotes.flows.build import entry_texts
    from relnotes.notes import formats
    from relnotes.render.environment import Renderer

    root = tmp_path_factory.mktemp("exact")
    (root / "relnotes.yaml").write_text(WASMTIME_CONFIG)
    cfg = load(root / "relnotes.yaml")
    from relnotes.fragments.fragment import parse_text

    frag, problems = parse_text(f"---\nsection: Fixed\nprs: [7]\n---\n{body}\n", "changes.d/x.md", cfg.sections)
    if frag is None or problems:
        return
    entry = Renderer(cfg).entries([frag])[0]
    doc = formats.parse(MAIN.replace("### Changed\n", f"### Changed\n\n{entry}\n", 1), "RELEASES.md", "releases")
    assert entry in entry_texts(doc, doc.release())
    first = entry.split("\n")[0]
    assert first == entry or first not in entry_texts(doc, doc.release())


# -- the journal itself, attacked ------------------------------------------------------------------


def test_an_edit_after_a_kill_stops_the_recovery_and_names_the_file(tmp_path, git_env):
    p, args = make(tmp_path, "edited", "release")
    assert killed(p, args, "os", "replace", "after", 1) == -9  # the notes renamed, Cargo.toml not yet
    p.write("Cargo.toml", 'version = "7.7.7"\n')  # someone edits a file of the unfinished change
    before = p.snapshot_tree()
    r = p.run(*args)
    assert r.exit_code == 2, r.output
    assert "an interrupted 'relnotes release' left its change half made, and Cargo.toml changed since" in r.stderr
    assert "git checkout -- PATH" in r.stderr and "internal error" not in r.output
    assert p.snapshot_tree() == before
    p.git("checkout", "--", "Cargo.toml")  # as the hint says: then the rerun finishes it
    ref, _ = make(tmp_path, "reference", "release")
    assert ref.run(*args).exit_code == 0
    r = p.run(*args)
    assert r.exit_code == 0, r.output
    assert state(p) == state(ref)


def test_a_torn_journal_is_dropped_and_changes_nothing(project):
    setup_stamp(project)
    project.commit("base")
    journal = transaction.journal_path(project.root)
    journal.parent.mkdir(parents=True, exist_ok=True)
    journal.write_text('{"command": "stamp", "writes": [["/etc/pass')  # killed while writing it
    before = project.snapshot_tree()
    assert project.run("archive", "--check").exit_code in (0, 1)
    assert not journal.exists() and project.snapshot_tree() == before


def test_a_directory_where_the_staging_file_goes_is_a_message(project):
    setup_patch(project)
    (project.root / ".Cargo.toml.relnotes-tmp").mkdir()
    (project.root / ".Cargo.toml.relnotes-tmp/x").write_text("x")
    project.commit("base")
    before = project.snapshot_tree()
    r = project.run("patch")
    assert r.exit_code == 2 and "Cargo.toml: cannot write" in r.stderr, r.output
    assert project.snapshot_tree() == before
    assert not transaction.journal_path(project.root).exists()


def test_git_listings_of_paths_read_any_file_name(project):
    """`git status` and `git log --name-only` quote such names without -z: every listing is -z."""
    from relnotes.git.history import History

    names = ["changes.d/é x.md", "changes.d/new\nline.md", 'changes.d/q"uote.md', "changes.d/plain.md"]
    for n in names:
        project.write(n, "x\n")
    project.commit("add")
    head = project.git("rev-parse", "HEAD")
    for n in names:
        project.write(n, "y\n")
    project.write("RELEASES-é.md", "z\n")
    with Repo(project.root) as repo:
        assert sorted(repo.dirty_paths()) == sorted(names + ["RELEASES-é.md"])
        added = History.load(repo).added_in(head, "changes.d")
    assert {n: added.get(n) for n in names} == {n: head for n in names}


def test_build_journals_each_removed_fragment_as_it_read_it_without_opening_it_again(project, monkeypatch):
    """The journal's record of a removed fragment is the SHA-256 of the bytes build parsed
    (carried from loading); each is opened once more, right before the commit point, so a
    fragment edited after it was read stops the build (tests/test_attack_journal_digests.py)."""
    import hashlib

    setup_build(project)
    frag_dir = project.root / "changes.d"
    expected = {frag_dir / n: hashlib.sha256((frag_dir / n).read_bytes()).hexdigest() for n in ("a.md", "b.md")}
    seen: dict = {}
    real_apply, real_digest = transaction.apply, transaction._file_digest
    opened: list = []

    def spy_apply(root, writes, removes=(), **kw):
        seen.update(zip(removes, kw.get("digests") or ()))
        return real_apply(root, writes, removes, **kw)

    def spy_digest(p):
        opened.append(p)
        return real_digest(p)

    monkeypatch.setattr(transaction, "apply", spy_apply)
    monkeypatch.setattr(transaction, "_file_digest", spy_digest)
    r = project.run("build")
    assert r.exit_code == 0, r.output
    assert seen == expected
    assert sorted(p for p in opened if p.parent == frag_dir) == sorted(expected)  # once each, before the commit
    assert not (frag_dir / "a.md").exists() and not (frag_dir / "b.md").exists()
