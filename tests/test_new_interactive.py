"""Interactive ``relnotes new`` under a real pseudo-terminal: the pick list, typos asked
again, PR numbers, and a failed validation that keeps the user's text.

The CLI runs as a real subprocess whose stdin, stdout and stderr are the slave side of
``os.openpty()``, so ``isatty()`` is true and click prompts exactly as for a person.
"""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not hasattr(os, "openpty"), reason="no pseudo-terminals on this platform")


class Terminal:
    """A tiny expect: read the pty until a text appears, type answers."""

    def __init__(self, cwd: Path, env: dict, *args: str) -> None:
        self.master, slave = os.openpty()
        self.proc = subprocess.Popen([sys.executable, "-m", "relnotes", *args], cwd=cwd, env=env,
                                     stdin=slave, stdout=slave, stderr=slave, close_fds=True)
        os.close(slave)
        self.seen = ""

    def expect(self, text: str, timeout: float = 30) -> str:
        end = time.monotonic() + timeout
        while text not in self.seen:
            left = end - time.monotonic()
            if left <= 0:
                raise AssertionError(f"waited for {text!r}; the terminal shows:\n{self.seen}")
            ready, _, _ = select.select([self.master], [], [], left)
            if ready:
                try:
                    chunk = os.read(self.master, 4096)
                except OSError:  # EIO: the program ended and closed the terminal
                    chunk = b""
                if not chunk:
                    raise AssertionError(f"the program ended before {text!r}; the terminal shows:\n{self.seen}")
                self.seen += chunk.decode("utf-8", "replace").replace("\r\n", "\n")
        return self.seen

    def type(self, line: str) -> None:
        os.write(self.master, line.encode() + b"\r")

    def finish(self, timeout: float = 30) -> int:
        end = time.monotonic() + timeout
        while self.proc.poll() is None and time.monotonic() < end:
            ready, _, _ = select.select([self.master], [], [], 0.2)
            if ready:
                try:
                    self.seen += os.read(self.master, 4096).decode("utf-8", "replace").replace("\r\n", "\n")
                except OSError:
                    pass
        code = self.proc.wait(timeout=5)
        os.close(self.master)
        return code


@pytest.fixture
def term_env(project, tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VISUAL", "EDITOR"))}
    env["TERM"] = "dumb"
    return env


def _editor(tmp_path: Path, replace: tuple[str, str] | None) -> str:
    """An editor command: a script that replaces one text in the file (or changes nothing),
    and counts how often it ran."""
    script = tmp_path / "editor.py"
    count = tmp_path / "editor-runs"
    script.write_text(
        "import sys, pathlib\n"
        f"c = pathlib.Path({str(count)!r}); c.write_text(str(int(c.read_text() or 0) + 1) if c.exists() else '1')\n"
        "p = pathlib.Path(sys.argv[1])\n"
        f"r = {replace!r}\n"
        "if r: p.write_text(p.read_text().replace(r[0], r[1]))\n")
    return f"{sys.executable} {script}"


def test_pick_list_typos_prs_and_text(project, term_env):
    t = Terminal(project.root, term_env, "new")
    screen = t.expect("Section [1-6]:")
    assert "  1) Added\n" in screen and "  3) Fixed\n" in screen and "  6) Security\n" in screen
    t.type("Fixd")
    t.expect("'Fixd' is not a section (did you mean Fixed?)")
    t.type("9")
    t.expect("'9' is not a section")
    t.type("3")
    t.expect("PR numbers (optional, e.g. 1234 1240):")
    t.type("12x")
    t.expect("'12x' is not a PR number")
    t.type("#1234, 1240 1234")
    t.expect("Entry text (Markdown; press Enter to write it in your editor):")
    t.type("Fixed a crash when a module has no memory.")
    assert t.finish() == 0, t.seen
    assert "changes.d/1234-fixed-a-crash-when-a.md" in t.seen
    text = project.read("changes.d/1234-fixed-a-crash-when-a.md")
    assert text.startswith("---\nsection: Fixed\nprs: [1234, 1240]\n---\n")
    assert "Fixed a crash when a module has no memory." in text


def test_section_by_name_and_no_prs(project, term_env):
    t = Terminal(project.root, term_env, "new", "--name", "by-name")
    t.expect("Section [1-6]:")
    t.type("security")
    t.expect("PR numbers")
    t.type("")
    t.expect("Entry text")
    t.type("Bounded a parser.")
    assert t.finish() == 0, t.seen
    text = project.read("changes.d/by-name.md")
    assert text.startswith("---\nsection: Security\n---\n") and "prs" not in text


def test_failed_validation_keeps_the_text_when_the_user_declines(project, term_env, tmp_path):
    term_env["VISUAL"] = _editor(tmp_path, None)
    t = Terminal(project.root, term_env, "new", "--section", "Added", "--name", "mine")
    t.expect("PR numbers")
    t.type("")
    t.expect("Entry text")
    t.type("# A heading is not an entry")
    t.expect("headings are not allowed in a fragment")
    t.expect("Edit it in your editor? [Y/n]:")
    t.type("y")
    # the editor changed nothing: the problems again, and the offer again
    t.expect("Edit it again? [Y/n]:")
    t.type("n")
    assert t.finish() == 1, t.seen
    assert "your text is kept in changes.d/mine.md" in t.seen and "Traceback" not in t.seen
    assert (tmp_path / "editor-runs").read_text() == "1"
    assert "# A heading is not an entry" in project.read("changes.d/mine.md")


def test_failed_validation_then_fixed_in_the_editor(project, term_env, tmp_path):
    term_env["VISUAL"] = _editor(tmp_path, ("# A heading", "A sentence"))
    t = Terminal(project.root, term_env, "new", "--name", "mine")
    t.expect("Section [1-6]:")
    t.type("1")
    t.expect("PR numbers")
    t.type("77")
    t.expect("Entry text")
    t.type("# A heading is not an entry")
    t.expect("Edit it in your editor? [Y/n]:")
    t.type("")  # the default: yes
    assert t.finish() == 0, t.seen
    text = project.read("changes.d/mine.md")
    assert text.startswith("---\nsection: Added\nprs: [77]\n---\n") and "A sentence is not an entry" in text


def test_empty_text_opens_the_editor_and_an_untouched_template_is_removed(project, term_env, tmp_path):
    term_env["VISUAL"] = _editor(tmp_path, None)
    t = Terminal(project.root, term_env, "new", "-s", "Fixed", "--pr", "5", "--name", "mine")
    t.expect("Entry text")
    t.type("")
    assert t.finish() == 1, t.seen
    assert "unchanged in the editor, so it was removed" in t.seen
    assert not (project.root / "changes.d" / "mine.md").exists()


def test_edit_flag_on_a_terminal_offers_the_editor_again(project, term_env, tmp_path):
    """``new -s X --edit`` at a terminal: no prompts before the editor, but a failed
    validation is shown and the editor offered again; the text stays either way."""
    term_env["VISUAL"] = _editor(tmp_path, ("Describe the change for users here, in one or more sentences.",
                                            "# Only a heading"))
    t = Terminal(project.root, term_env, "new", "-s", "Fixed", "--edit", "--name", "mine")
    t.expect("Edit it again? [Y/n]:")
    assert "PR numbers" not in t.seen
    t.type("n")
    assert t.finish() == 1, t.seen
    assert "# Only a heading" in project.read("changes.d/mine.md")


def test_ctrl_d_at_the_section_prompt_writes_nothing(project, term_env):
    t = Terminal(project.root, term_env, "new")
    t.expect("Section [1-6]:")
    os.write(t.master, b"\x04")
    assert t.finish() == 2, t.seen
    assert "cancelled; nothing was written" in t.seen
    assert sorted(p.name for p in (project.root / "changes.d").iterdir()) == [".gitkeep"]


def test_no_terminal_still_needs_the_options(project):
    r = subprocess.run([sys.executable, "-m", "relnotes", "new"], cwd=project.root, stdin=subprocess.DEVNULL,
                       capture_output=True, text=True)
    assert r.returncode == 2 and "missing --section" in r.stderr


def test_asks_only_for_a_required_custom_field(project, term_env):
    """Declared fields cost nothing at the prompt unless required; a typo is asked again."""
    project.write("relnotes.yaml", "project: Demo\nrepository: https://github.com/acme/demo\nfields:\n"
                                   "  component: {type: enum, values: [cli, core], required: true, "
                                   "description: the part that changed}\n"
                                   "  effort: {type: integer}\n")
    t = Terminal(project.root, term_env, "new", "--name", "fields", "--author", "octocat")
    t.expect("Section [1-6]:")
    t.type("3")
    t.expect("PR numbers")
    t.type("")
    screen = t.expect("component (the part that changed) [1-2]:")
    assert "  1) cli\n" in screen and "  2) core\n" in screen and "effort" not in screen
    t.type("gui")
    t.expect("'gui' is not one of them")
    t.type("2")
    t.expect("Entry text")
    t.type("Fixed a leak.")
    assert t.finish() == 0, t.seen
    assert project.read("changes.d/fields.md") == (
        '---\nsection: Fixed\nauthors: ["octocat"]\ncomponent: "core"\n---\nFixed a leak.\n')


def test_a_given_required_field_is_not_asked(project, term_env):
    project.write("relnotes.yaml", "project: Demo\nrepository: https://github.com/acme/demo\nfields:\n"
                                   "  component: {type: string, required: true}\n")
    t = Terminal(project.root, term_env, "new", "-s", "Fixed", "--name", "given", "--field", "component=cli")
    t.expect("PR numbers")
    t.type("")
    screen = t.expect("Entry text")
    assert "component" not in screen
    t.type("Fixed a leak.")
    assert t.finish() == 0, t.seen
    assert 'component: "cli"' in project.read("changes.d/given.md")


def test_a_summary_asks_only_for_its_text(project, term_env):
    t = Terminal(project.root, term_env, "new", "--summary", "--name", "summary")
    t.expect("Entry text")
    t.type("This release is big.")
    assert t.finish() == 0, t.seen
    assert "Section [" not in t.seen and "PR numbers" not in t.seen  # a summary has neither
    assert project.read("changes.d/summary.md") == "---\nkind: summary\n---\nThis release is big.\n"


def test_an_uncategorised_entry_asks_for_prs_but_no_section(project, term_env):
    project.write("relnotes.yaml", "preset: keepachangelog\nproject: Demo\n")  # Wasmtime's notes take none
    t = Terminal(project.root, term_env, "new", "--uncategorised", "--name", "loose")
    t.expect("PR numbers")
    t.type("7")
    t.expect("Entry text")
    t.type("A loose one.")
    assert t.finish() == 0, t.seen
    assert "Section [" not in t.seen
    assert project.read("changes.d/loose.md") == "---\nkind: uncategorised\nprs: [7]\n---\nA loose one.\n"
