"""``relnotes import towncrier`` then ``relnotes build --draft`` against ``towncrier build
--draft`` on five real towncrier projects, entry for entry.

Each project under tests/data/towncrier/<name>/ is a trimmed copy of a real repository at
a real commit (README there: source, commit, licence) with ``towncrier-draft.txt``, the
output of towncrier 26.9.0's ``towncrier build --draft`` with the project's own
configuration and template.  Both outputs are read into sections of entries; an entry is
its text as a reader sees it (reStructuredText and Markdown markup taken off, Sphinx roles
as Sphinx displays them) and the issue numbers it references.  An entry is *identical*
when text and references are equal, *damaged* when its text differs.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import Project, git

DATA = Path(__file__).resolve().parent / "data" / "towncrier"
PROJECTS = {  # name -> the repository its links point to (the git remote a checkout has)
    "pytest": "https://github.com/pytest-dev/pytest",
    "pip": "https://github.com/pypa/pip",
    "aiohttp": "https://github.com/aio-libs/aiohttp",
    "trio": "https://github.com/python-trio/trio",
    "attrs-2024": "https://github.com/python-attrs/attrs",
}
# what a project's own template hides, which towncrier's semantics (and relnotes) show:
# pip's template leaves out showcontent = false types and the references of two types
TEMPLATE_HIDES = {"pip": {"sections": {"Trivial Changes"}, "references": {"Process", "Vendored Libraries"}}}  # (section names
# are compared without brackets and commas, which a relnotes section name cannot hold)

_UNDERLINE = re.compile(r"^([=\-~^\"'`#*+])\1{2,}\s*$")


def _plain(text: str, markdown: bool) -> str:
    """What a reader sees of an entry's text, in either markup."""
    if markdown:
        text = re.sub(r"\[([^\]]*)\]\([^)\s]+\)", r"\1", text).replace("`", "")
        text = re.sub(r"\(([\w.-]+)\)\s*$", r"\1", text.strip())
        return " ".join(text.split())
    text = re.sub(r"``([^`]+)``", r"\1", text)
    text = re.sub(r"\*Related (?:issues and pull requests|commits) on GitHub:\*", "", text)  # aiohttp's template
    text = re.sub(r":(?:user):`([^`]+)`", r"@\1", text)
    text = re.sub(r":(?:issue|pr):`(\d+)`", r"#\1", text)
    text = re.sub(r":pep:`(\d+)`", r"PEP \1", text)
    text = re.sub(r":rfc:`(\d+[^`]*)`", r"RFC \1", text)
    text = re.sub(r":[\w+.:-]+:`([^`<]*?)\s*<[^`>]*>`", r"\1", text)  # an explicit title
    text = re.sub(r":[\w+.:-]+:`~[\w.]*?\.?(\w+)`", r"\1", text)
    text = re.sub(r":[\w+.:-]+:`!?([^`]+)`", r"\1", text)
    text = re.sub(r"`([^`<]*?)\s*<[^`>]+>`__?", r"\1", text)  # rST hyperlinks
    text = re.sub(r"`([^`<]+?)\s*<[^`>]+>`", r"\1", text)  # default role with a title
    text = re.sub(r"\[([^\]]*)\]\([^)\s]+\)", r"\1", text)  # Markdown links
    text = text.replace("``", "`").replace("`", "")
    text = re.sub(r"\(([\w.-]+)\)\s*$", r"\1", text.strip())  # a name that is no number, after the text
    return " ".join(text.split())


def _split(plain: str) -> tuple[str, frozenset[int]]:
    """(the text without issue references, the numbers referenced)."""
    refs = frozenset(int(n) for n in re.findall(r"#(\d+)", plain))
    text = re.sub(r"#\d+", "", plain)
    for _ in range(3):
        text = re.sub(r"\(\s*[,\s]*\)", "", text)
        text = re.sub(r"^[\s,:]+|[\s,.]+$", "", text)
        text = re.sub(r"\s*,\s*(?=[,.)]|$)", "", text)
    return " ".join(text.split()), refs


def entries(output: str, markdown: bool = False) -> list[tuple[str, str, frozenset[int]]]:
    """(section, text, references) of every entry of a rendered release, in order."""
    lines = output.splitlines()
    out: list[tuple[str, list[str]]] = []
    section = None
    for i, line in enumerate(lines):
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if line.startswith("#"):
            section = line.lstrip("#").strip() if line.startswith("###") else None
            continue
        if line.strip() and _UNDERLINE.match(nxt) and not line.startswith(" "):
            section = None if nxt.startswith("=") else line.strip()
            continue
        if _UNDERLINE.match(line):
            continue
        if section and (line.startswith("- ") or line.startswith("* ")):
            out.append((section, [line[2:]]))
        elif out and section and (line.startswith(" ") or not line.strip()):
            out[-1][1].append(line)
    return [(re.sub(r"[(),]", "", sec), *_split(_plain("\n".join(body), markdown))) for sec, body in out]


def _migrate(tmp_path: Path, name: str) -> Project:
    root = tmp_path / name
    shutil.copytree(DATA / name, root)
    (root / "towncrier-draft.txt").unlink()
    git(root, "init", "-q", "-b", "main")
    git(root, "remote", "add", "origin", PROJECTS[name] + ".git")
    return Project(root)


def compare(tmp_path: Path, name: str) -> dict:
    p = _migrate(tmp_path, name)
    r = p.run("import", "towncrier")
    assert r.exit_code == 0, r.output
    assert p.run("check").exit_code == 0
    draft = p.run("build", "--draft")
    assert draft.exit_code == 0, draft.output
    theirs = entries((DATA / name / "towncrier-draft.txt").read_text())
    ours = entries(draft.stdout, markdown=True)
    hides = TEMPLATE_HIDES.get(name, {})
    hidden = [e for e in ours if e[0] in hides.get("sections", ())]
    ours = [e for e in ours if e[0] not in hides.get("sections", ())]
    pairs = list(zip(theirs, ours))
    hidden_refs = hides.get("references", ())

    def same(a, b) -> bool:  # equal, or equal but for references the project's template hides
        return a == b or (a[0] == b[0] and a[0] in hidden_refs and a[2] <= b[2] and b[1].startswith(a[1])
                          and " " not in b[1][len(a[1]):].strip())

    identical = sum(same(a, b) for a, b in pairs)
    same_text = sum(a[:2] == b[:2] or same(a, b) for a, b in pairs)
    sections = lambda es: list(dict.fromkeys(e[0] for e in es))  # noqa: E731
    return {"entries": len(theirs), "ours": len(ours), "identical": identical,
            "damaged": len(pairs) - same_text + abs(len(theirs) - len(ours)),
            "sections": (len(sections(theirs)), sections(theirs) == sections(ours)),
            "order": len(theirs) == len(ours) and all(a[:2] == b[:2] or same(a, b) for a, b in pairs),
            "hidden": len(hidden),
            "differences": [(a, b) for a, b in pairs if a != b]}


@pytest.mark.parametrize("name", list(PROJECTS))
def test_towncrier_and_relnotes_render_the_same_entries(git_env, tmp_path, name):
    figures = compare(tmp_path, name)
    print(name, {k: v for k, v in figures.items() if k != "differences"})
    assert figures["entries"] >= 10 and figures["ours"] == figures["entries"]
    assert figures["damaged"] == 0, figures["differences"]
    assert figures["identical"] >= 0.95 * figures["entries"], figures["differences"]
    assert figures["sections"][1] and figures["order"]


def test_the_comparison_sees_a_damaged_entry(git_env, tmp_path):
    """The measure can fail: a role whose target leaks, or entries out of order, show."""
    theirs = entries("Bug fixes\n---------\n\n- Use :func:`the f function <mod.f>` now. (#2)\n- B (#10)\n")
    assert theirs == [("Bug fixes", "Use the f function now", frozenset({2})), ("Bug fixes", "B", frozenset({10}))]
    leaked = entries(markdown=True, output="### Bug fixes\n\n* Use `the f function <mod.f>` now.\n  [#2](u)\n* B\n  [#10](u)\n")
    assert leaked[0][1] != theirs[0][1]
    swapped = entries("### Bug fixes\n\n* B\n  [#10](u)\n* Use `the f function` now.\n  [#2](u)\n", True)
    assert [e[1] for e in swapped] != [e[1] for e in theirs]


@pytest.mark.parametrize("name", list(PROJECTS))
def test_the_stored_draft_is_what_towncrier_writes(tmp_path, name):
    """towncrier-draft.txt is towncrier's own output for the vendored copy (run again here)."""
    pytest.importorskip("towncrier")
    import subprocess
    import sys

    root = tmp_path / name
    shutil.copytree(DATA / name, root)
    r = subprocess.run([sys.executable, "-m", "towncrier", "build", "--draft", "--version", "99.0", "--date",
                        "2026-12-08", "--name", name], cwd=root, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout == (DATA / name / "towncrier-draft.txt").read_text()


EDGES = """[project]
name = "edges"
version = "1.4.2"

[tool.towncrier]
directory = "news"
filename = "NEWS.rst"
issue_format = "`#{issue} <https://github.com/o/edges/issues/{issue}>`_"

[[tool.towncrier.type]]
directory = "feature"
name = "Features"
showcontent = true

[[tool.towncrier.type]]
directory = "bugfix"
name = "Bug fixes"
showcontent = true

[[tool.towncrier.type]]
directory = "misc"
name = "Misc"
showcontent = false
"""
# orphans (sorted last, by text), a counter, leading zeros, a name that is no number, the
# same text under two issues (one entry), showcontent = false with and without an issue
EDGE_FRAGMENTS = {
    "+zeta.feature.rst": "Zeta orphan.", "+alpha.feature.rst": "Alpha orphan.", "+.feature.rst": "Bare orphan.",
    "0042.feature.rst": "Answer, see :pep:`8`.", "7.feature.1.rst": "Seven, first.", "7.feature.2.rst": "Seven, second.",
    "gh-3.feature.rst": "Named with a digit.", "docs.feature.rst": "Named without.",
    "12.bugfix.rst": "Same text.", "3.bugfix.rst": "Same text.", "100.bugfix.rst": ":class:`~a.B` fixed.",
    "5.misc.rst": "hidden", "6.misc.rst": "hidden too", "+x.misc.rst": "An orphan misc keeps its text.",
}


def test_towncrier_s_edge_cases_render_alike(git_env, tmp_path):
    towncrier = pytest.importorskip("towncrier")
    import subprocess
    import sys

    root = tmp_path / "edges"
    (root / "news").mkdir(parents=True)
    (root / "pyproject.toml").write_text(EDGES)
    for name, text in EDGE_FRAGMENTS.items():
        (root / "news" / name).write_text(text + "\n")
    r = subprocess.run([sys.executable, "-m", "towncrier", "build", "--draft", "--version", "9.9.9"], cwd=root,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and towncrier, r.stderr
    git(root, "init", "-q", "-b", "main")
    git(root, "remote", "add", "origin", "https://github.com/o/edges.git")
    p = Project(root)
    assert p.run("import", "towncrier").exit_code == 0
    draft = p.run("build", "--draft")
    assert draft.exit_code == 0, draft.output
    theirs, ours = entries(r.stdout), entries(draft.stdout, markdown=True)
    assert len(theirs) == 12
    assert ours == theirs
