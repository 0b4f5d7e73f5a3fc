"""``relnotes new`` at a terminal: prompts that validate as you go, an editor loop
that never loses the text.

The section comes from a numbered pick list of the configured sections, and PR
numbers from an optional prompt; both are checked at the prompt and asked again on a
typo (click's ``value_proc``), so nothing is typed in vain.  When the entry text
fails validation, the problems are shown and the user is offered the editor again;
whatever they answer, their text stays in the fragment file (the same rule as
``new --edit``, decided in :func:`relnotes.flows.new.finish_edit`).
"""

from __future__ import annotations

import os
from functools import partial
from pathlib import Path

import typer

from relnotes import fsio
from relnotes.cli.common import err
from relnotes.config.fields import check_value
from relnotes.errors import UsageError, ValidationError, quoted
from relnotes.flows import new
from relnotes.patterns import lazy
from relnotes.version import whole_number

_NUMBER = lazy(r"#?([1-9][0-9]{0,11})")  # PR numbers: at most 12 digits


def section_choice(sections: tuple[str, ...], answer: str) -> str:
    """The section a pick-list answer names: its number or its name (any case)."""
    text = answer.strip()
    n = whole_number(text)
    if n is not None and 1 <= n <= len(sections):
        return sections[n - 1]
    for s in sections:
        if s.casefold() == text.casefold():
            return s
    import difflib

    close = difflib.get_close_matches(text, sections, n=1, cutoff=0.5)
    guess = f" (did you mean {close[0]}?)" if close else ""
    raise typer.BadParameter(f"{text!r} is not a section{guess}; type a number from 1 to {len(sections)} "
                             "or one of the names above")


def numbers(answer: str) -> tuple[int, ...]:
    """PR numbers typed as ``1234 1240``, ``#1234, #1240`` or nothing at all."""
    out: list[int] = []
    for word in answer.replace(",", " ").split():
        m = _NUMBER.fullmatch(word)
        if m is None:
            raise typer.BadParameter(f"{word!r} is not a PR number; type whole numbers like 1234 "
                                     "(separated by spaces or commas), or press Enter for none")
        if int(m[1]) not in out:
            out.append(int(m[1]))
    return tuple(out)


def pick_section(sections: tuple[str, ...]) -> str:
    for i, s in enumerate(sections, 1):
        err(f"  {i}) {s}")
    return typer.prompt(f"Section [1-{len(sections)}]", value_proc=lambda a: section_choice(sections, a),
                        err=True)


def ask_prs() -> tuple[int, ...]:
    return typer.prompt("PR numbers (optional, e.g. 1234 1240)", default="", show_default=False,
                        value_proc=numbers, err=True)


def ask_required_fields(declared, given: dict) -> dict:
    """``given`` plus an answer for every required field it lacks, each checked as typed."""
    for spec in declared:
        if not spec.required or spec.name in given:
            continue
        what = f" ({spec.description})" if spec.description else ""
        if spec.type == "boolean":
            given[spec.name] = typer.confirm(f"{spec.name}{what}", err=True)
            continue
        if spec.type == "enum":
            for i, v in enumerate(spec.values, 1):
                err(f"  {i}) {v}")
            given[spec.name] = typer.prompt(f"{spec.name}{what} [1-{len(spec.values)}]",
                                            value_proc=partial(_pick, spec.values), err=True)
            continue
        given[spec.name] = typer.prompt(f"{spec.name}{what}", err=True,
                                        value_proc=partial(_typed_answer, spec))
    return given


def _pick(values: tuple[str, ...], answer: str) -> str:
    text = answer.strip()
    n = whole_number(text)
    if n is not None and 1 <= n <= len(values):
        return values[n - 1]
    if text in values:
        return text
    raise typer.BadParameter(f"{text!r} is not one of them; type a number from 1 to {len(values)} or a word above")


def _typed_answer(spec, answer: str):
    value: object = answer.strip()
    if spec.type == "integer":
        text = answer.strip()
        value = whole_number(text.removeprefix("-"), 18)
        if value is None:
            raise typer.BadParameter(f"{quoted(answer)} is not a whole number (digits 0-9, at most 18)")
        value = -value if text.startswith("-") else value
    elif spec.type == "strings":
        value = [part.strip() for part in answer.split(",") if part.strip()]
    problems: list[str] = []
    checked = check_value(spec, value, lambda code, msg: problems.append(msg))
    if problems:
        raise typer.BadParameter(problems[0])
    return list(checked) if isinstance(checked, tuple) else checked


def ask_text() -> str | None:
    """One line of Markdown, or None (an empty answer) to write the entry in the editor."""
    text = typer.prompt("Entry text (Markdown; press Enter to write it in your editor)", default="",
                        show_default=False, err=True)
    return text.strip() or None


def open_editor(cfg, path: Path, *, fresh: bool) -> None:
    """Run $VISUAL / $EDITOR on ``path``.  ``fresh``: it holds only the template, so a
    file that never reached an editor may go; otherwise it holds the user's text and stays."""
    import shlex
    import subprocess

    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    kept = "nothing was written" if fresh else f"your text is kept in {fsio.shown(cfg.root, path)}"
    try:
        argv = shlex.split(editor) or ["vi"]
    except ValueError as e:
        if fresh:
            path.unlink(missing_ok=True)
        raise UsageError(f"the editor command {editor!r} cannot be parsed ({e}); {kept}",
                         hint="fix VISUAL or EDITOR, or give the text with -m TEXT") from None
    try:
        subprocess.run([*argv, str(path)], check=False)
    except OSError as e:
        if fresh:
            path.unlink(missing_ok=True)
        raise UsageError(f"cannot start the editor {argv[0]!r}: {e.strerror}; {kept}",
                         hint="set VISUAL or EDITOR to an installed editor (e.g. EDITOR=nano), "
                              "or give the text with -m TEXT") from None


def _show(problems) -> None:
    for p in problems:
        err(p.format_text())


def edit_until_valid(cfg, path: Path, template: str | None, *, ask: bool) -> None:
    """Open the editor; while the result is invalid and ``ask`` (a terminal), show the
    problems and offer the editor again.  The file is never removed once it holds text."""
    while True:
        open_editor(cfg, path, fresh=template is not None)
        try:
            new.finish_edit(cfg, path, template)
            return
        except ValidationError as e:
            if not ask:
                raise
            _show(e.problems)
            try:
                again = typer.confirm("Edit it again?", default=True, err=True)
            except typer.Abort:
                again = False
            if not again:
                raise
        template = None  # from now on the file holds the user's text


def compose(cfg, *, section: str | None, prs: tuple[int, ...], message: str | None, edit: bool,
            **keys) -> Path:
    """The terminal dialogue: section, PRs, text, then validation with the editor loop."""
    kind = keys.get("kind", "entry")
    try:
        if section is None and kind == "entry":
            section = pick_section(cfg.sections)
        if not prs and kind != "summary":  # a summary renders its text only
            prs = ask_prs()
        if cfg.fields:  # only a required custom field that no --field gave is asked for
            keys["fields"] = ask_required_fields(cfg.fields, dict(keys.get("fields") or {}))
        if message is None and not edit:
            message = ask_text()
    except typer.Abort:
        raise UsageError("cancelled; nothing was written") from None
    if message is None:
        path = new.new(cfg, section=section, body=None, prs=prs, **keys)
        edit_until_valid(cfg, path, path.read_text(encoding="utf-8"), ask=True)
        return path
    try:
        return new.new(cfg, section=section, body=message, prs=prs, **keys)
    except ValidationError as e:
        path = new.new(cfg, section=section, body=message, prs=prs, validate=False, **keys)
        shown = fsio.shown(cfg.root, path)
        _show(e.problems)
        err(f"your text is saved in {shown}")
        try:
            again = typer.confirm("Edit it in your editor?", default=True, err=True)
        except typer.Abort:
            again = False
        if not again:
            raise ValidationError(e.problems, f"the fragment is not valid; your text is kept in {shown}: "
                                              "fix it and run 'relnotes check', or delete it") from None
        edit_until_valid(cfg, path, None, ask=True)
        return path
