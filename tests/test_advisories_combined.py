"""Two advisories fixed by one combined backport (issue 30): the titles it lists are both
advisories' fixes, so title matching alone would call a branch that shipped only one of
them a carrier of the other.  A title that a patch release *not* naming the advisory
shipped is another advisory's fix, not this one's."""

from __future__ import annotations

import json

import pytest

SEP = "-" * 80
A = "GHSA-2222-3333-4444"  # buffered writes: fixed on 1.0.x and 2.0.x
B = "GHSA-5555-6666-7777"  # header lists: fixed on 0.9.x, 1.0.x and 2.0.x
TITLE_A = "Limit buffered writes in http files"
TITLE_B = "Reject oversized header field lists"


def _link(ident: str) -> str:
    return f"[{ident}](https://github.com/bytecodealliance/wasmtime/security/advisories/{ident})"


def _notes(version: str, fixed: list[tuple[str, str]], base: str) -> str:
    entries = "".join(f"* {text}\n  {_link(ident)}\n\n" for ident, text in fixed)
    return (f"## {version}\n\nReleased 2026-08-20.\n\n### Fixed\n\n{entries}{SEP}\n\n"
            f"## {base}\n\nReleased 2026-07-20.\n\n### Added\n\n* Things.\n")


@pytest.fixture
def combined(project):
    project.write("RELEASES.md", "## 0.9.0\n\nReleased 2026-07-20.\n\n### Added\n\n* Things.\n")
    project.commit("Initial")
    for line in ("0.9", "1.0", "2.0"):
        if line != "0.9":
            project.write("RELEASES.md", f"## {line}.0\n\nReleased 2026-07-20.\n\n### Added\n\n* Things.\n")
            project.commit(f"Release Wasmtime {line}.0")
        project.git("branch", f"release-{line}.0")
        project.git("tag", f"v{line}.0")
    project.write("RELEASES.md", "## 3.0.0\n\nUnreleased.\n\n### Added\n")
    project.commit("Bump Wasmtime to 3.0.0")
    for line, fixed in (("0.9", [(B, "Header field lists are bounded.")]),
                        ("1.0", [(A, "Buffered writes are limited."), (B, "Header field lists are bounded.")]),
                        ("2.0", [(A, "Buffered writes are limited."), (B, "Header field lists are bounded.")])):
        project.git("switch", "-q", f"release-{line}.0")
        bullets = "".join(f"* {TITLE_A if ident == A else TITLE_B}\n\n" for ident, _ in fixed)
        project.write("src.rs", f"fixed {line}\n")
        project.commit(f"[{line}.x] Backports for security fixes (#1{line[0]}0)\n\n{bullets}")
        project.write("RELEASES.md", _notes(f"{line}.1", fixed, f"{line}.0"))
        project.commit(f"Release Wasmtime {line}.1")
        project.git("tag", f"v{line}.1")
    project.git("switch", "-q", "main")
    project.write("a.rs", "a\n")
    project.commit(f"{TITLE_A} (#101)")
    project.write("b.rs", "b\n")
    project.commit(f"{TITLE_B} (#102)")
    return project


def _when(project, ident: str) -> set[str]:
    r = project.run("when", ident, "--format", "json")
    assert r.exit_code == 0, r.output
    return {rel["version"] for rel in json.loads(r.stdout)["releases"]}


def test_a_release_that_shipped_only_the_other_fix_does_not_carry_this_one(combined):
    assert _when(combined, A) == {"1.0.1", "2.0.1"}
    assert _when(combined, B) == {"0.9.1", "1.0.1", "2.0.1"}


def test_upgrade_to_a_release_with_only_the_other_fix(combined):
    r = combined.run("upgrade", "0.9.0", "1.0.0", "--format", "json")
    assert r.exit_code == 0, r.output
    groups = {g["id"]: {a for e in g["entries"] for a in e["advisories"]} for g in json.loads(r.stdout)["groups"]}
    assert A not in groups.get("security", set())  # 1.0.0 has neither fix; 0.9.1 lacks A too
