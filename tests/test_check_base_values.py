"""check --base with values git could read another way: the change set is the same as
resolving ``--base`` to a commit first (``rev-parse --verify BASE^{commit}``) and
diffing from it, whatever files the change adds and whatever characters the value has."""

from __future__ import annotations

import pytest
from conftest import corpus, git


@pytest.fixture
def pr(project):
    project.write("RELEASES.md", corpus("main.RELEASES.md"))
    project.write("src/lib.rs", "fn a() {}\n")
    project.commit("base: initial layout")
    project.git("switch", "-q", "-c", "pr")
    project.write("src/lib.rs", "fn b() {}\n")
    return project


@pytest.mark.parametrize("base", ["origin/main", "main"])
def test_a_file_named_like_the_range_is_no_pathspec(pr, base):
    # The pull request adds a file named after the range relnotes builds from --base.
    # An unknown base must stay an unknown base (exit 2), not turn the range into a
    # path whose empty diff lets the change through; a known one still finds the code.
    pr.write(f"{base}^{{commit}}...HEAD", "x\n")
    pr.commit("change code")
    r = pr.run("check", "--base", base)
    if base == "origin/main":
        assert r.exit_code == 2, r.output
        assert "--base 'origin/main' is not a known commit or branch in this checkout" in r.stderr
    else:
        assert r.exit_code == 1, r.output
        assert "this change touches" in r.stderr and "src/lib.rs" in r.stderr


@pytest.mark.parametrize("base", ["HEAD^{/base: ..itial}", "main^{/in..ial}", "main^{/initial}"])
def test_a_base_with_dots_in_a_message_search(pr, base):
    # '..' inside ^{/regex} or :/regex is no range: the base is the commit it finds
    pr.commit("change code")
    assert git(pr.root, "rev-parse", "--verify", f"{base}^{{commit}}")
    r = pr.run("check", "--base", base)
    assert r.exit_code == 1, r.output
    assert "this change touches src/lib.rs but adds no fragment" in r.stderr


@pytest.mark.parametrize("base", ["", "  "])
def test_an_empty_base_is_refused_not_a_skipped_gate(pr, base):
    # an unset $BASE in CI ('relnotes check --base "$BASE"') must not let every change through
    pr.commit("change code")
    r = pr.run("check", "--base", base)
    assert r.exit_code == 2, r.output
    assert "--base is empty" in r.stderr


def test_a_negated_base_is_refused_with_the_fix(pr):
    pr.commit("change code")
    r = pr.run("check", "--base", "^main")
    assert r.exit_code == 2, r.output
    assert "starts with '^', which excludes a commit" in r.stderr and "hint: --base main" in r.stderr


@pytest.mark.parametrize("base, hint", [("^^main", "hint: --base main\n"),
                                        ("^", "hint: pass a commit, a branch or a tag"),
                                        ("^ ", "hint: pass a commit, a branch or a tag")])
def test_a_negated_base_gets_a_fix_that_works(pr, base, hint):
    # the hint is a --base that is accepted: not '--base ^main' again, nor an empty '--base '
    pr.commit("change code")
    r = pr.run("check", "--base", base)
    assert r.exit_code == 2 and "starts with '^'" in r.stderr and hint in r.stderr, r.output


@pytest.mark.parametrize("base", ["@", "HEAD", "pr", "HEAD^{/change code}"])
def test_a_base_that_names_head_says_it_compared_nothing(pr, base):
    # HEAD...HEAD is no change at all: the summary must not claim the change touched only
    # exempt files (a CI job with --base HEAD passed every pull request saying so)
    pr.commit("change code")
    r = pr.run("check", "--base", base)
    assert r.exit_code == 0, r.output
    assert "only exempt files" not in r.stdout
    assert f"no changes since {base} (nothing differs from its merge base with HEAD)" in r.stdout, r.stdout


def test_a_change_of_exempt_files_only_still_says_so(pr):
    pr.git("checkout", "-q", "src/lib.rs")
    pr.write("README.md", "docs\n")
    pr.commit("docs only")
    r = pr.run("check", "--base", "main")
    assert r.exit_code == 0, r.output
    assert "this change needs no fragment (only exempt files)" in r.stdout


def test_a_change_undone_in_the_same_branch_compares_nothing(pr):
    pr.commit("change code")
    pr.write("src/lib.rs", "fn a() {}\n")
    pr.commit("undo it")
    r = pr.run("check", "--base", "main")
    assert r.exit_code == 0 and "no changes since main (nothing differs from its merge base" in r.stdout, r.output


@pytest.mark.parametrize("base", ["origin/", "refs/heads/"])
def test_a_base_ending_in_a_slash_says_its_branch_is_missing(pr, base):
    # 'base: origin/${{ github.base_ref }}' on a push event (base_ref is set for pull
    # requests only): the hint was "git fetch origin ", which fetches nothing useful
    pr.commit("change code")
    r = pr.run("check", "--base", base)
    assert r.exit_code == 2, r.output
    assert f"--base {base!r} ends with '/': it names no branch" in r.stderr and "git fetch" not in r.stderr, r.stderr
    assert f"hint: name the branch, e.g. --base {base}main" in r.stderr
