"""Attack: a fragment's link definition turns older entries' bracketed text into links.

An older entry reads ``Implements [RFC 42] as [designed].`` with no definition for
either label (plain text on GitHub).  A pull request adds a fragment that defines
``[rfc 42]`` and ``[designed]``: ``check`` and ``build`` accept it, the proof accepts it
(the labels are "the new entries' own" and re-point no definition), and GitHub now
renders the *older* entry's words as links to the pull request's URLs.  The diff a
reviewer sees is two definition lines under an unrelated entry.

README: "An entry is data: no fragment changes the notes' structure"; a fragment may
not define a label that would "re-point older entries' links"; the proof refuses a
result that defines "no link label but the new entries' own".  A label the older text
already uses as a reference is not the new entry's own.
"""

from __future__ import annotations

NOTES = ("## 2.0.0\n\nUnreleased.\n\n### Added\n\n### Changed\n\n"
         "## 1.0.0\n\nReleased 2026-01-01.\n\n### Added\n\n* Implements [RFC 42] as [designed].\n  #12\n\n"
         "--------------------------------------------------------------------------------\n")


def test_a_fragment_cannot_turn_an_older_entrys_brackets_into_its_links(project):
    project.write("relnotes.yaml", "preset: plain\nproject: demo\n")
    project.write("RELEASES.md", NOTES)
    project.commit("base")
    project.fragment("13.md", "Fixed", "Fixed a typo.\n\n[rfc 42]: https://evil.example/phish\n"
                     "[designed]: https://evil.example/2", prs="[13]")
    before = project.snapshot_tree()
    check = project.run("check")
    build = project.run("build")
    assert "evil.example" not in project.read("RELEASES.md"), (check.output, build.output)
    assert check.exit_code == 1 and build.exit_code == 1
    assert project.snapshot_tree() == before
