"""Moving to relnotes: ``import notes`` and ``import towncrier``."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Literal, Optional

import typer

from relnotes import fsio
from relnotes.cli.common import command, err, import_app, out
from relnotes.cli.context import load_config
from relnotes.config import load as config
from relnotes.errors import UsageError
from relnotes.flows import scaffold
from relnotes.migrate import notes_import as importer
from relnotes.migrate import towncrier
from relnotes.migrate import towncrier_config as migration
from relnotes.migrate.towncrier_config import table_span


@command(import_app, name="notes", mutating=True)
def import_notes(
    file: Annotated[Path, typer.Argument(help="The notes file to import from (e.g. RELEASES.md).")],
    version: Annotated[Optional[str], typer.Option("--version", help="The release to import (default: the top one).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="List what would be written; write nothing.")] = False,
    add_sections: Annotated[bool, typer.Option(
        "--add-sections", help="Add categories no configured section matches to sections in relnotes.yaml.")] = False,
) -> None:
    """Split one release section of a notes file into fragments (one per entry)."""
    cfg = load_config()
    rel_file = os.path.relpath(file.resolve(), cfg.root)
    plan = importer.plan_notes(cfg, rel_file, version, add_sections=add_sections)
    for note in plan.unmapped:
        err(f"note: {note}")
    if plan.added_sections:
        out(f"{'would add' if dry_run else 'added'} {', '.join(repr(s) for s in plan.added_sections)} "
            f"to sections in relnotes.yaml (categories of {plan.version} no section matched)")
    if dry_run:
        for p in plan.fragments:
            out(f"would write {cfg.fragments_dir}/{p.name} ({p.section or p.category}, from line {p.source_line})")
        if plan.move is not None:
            out(f"would move {_moved(plan)} of {plan.version} out of {cfg.notes_file} (they become the fragments)")
        return
    written = importer.write_plan(cfg, plan)
    exact = sum(p.exact for p in plan.fragments)
    out(f"wrote {len(written)} fragment(s) for {plan.version} to {cfg.fragments_dir}/; "
        f"{exact} rebuild their entry exactly")
    if plan.move is not None:
        out(f"moved {_moved(plan)} of {plan.version} out of {cfg.notes_file}: they are fragments now, "
            f"and 'relnotes build' writes them back")
    if plan.difference is None:
        out(f"'relnotes build' rebuilds the {plan.version} section byte for byte under this configuration")
    else:
        err(f"note: {plan.difference}: 'relnotes build' will not rebuild the section byte for byte")


def _moved(plan) -> str:
    """'17 entries', '2 entries and a summary': what a mid-cycle import takes out of the notes."""
    n = len(plan.move[2])
    said = f"{n} entr{'y' if n == 1 else 'ies'}"
    return said + (" and a summary" if any(p.category == "summary" and not p.section for p in plan.fragments) else "")


@command(import_app, name="towncrier", mutating=True)
def import_towncrier(
    directory: Annotated[Optional[Path], typer.Argument(help="The directory with towncrier.toml or pyproject.toml.")] = None,
    mapping: Annotated[Optional[list[str]], typer.Option("--map", help="TYPE=SECTION (repeatable), e.g. doc=Changed.")] = None,
    numbers: Annotated[Literal["issues", "prs"], typer.Option("--numbers", help="What towncrier issue numbers become.")] = "issues",
    to: Annotated[Literal["yaml", "pyproject"], typer.Option(
        "--to", help="Write the configuration to relnotes.yaml or as [tool.relnotes] in pyproject.toml.")] = "yaml",
    repository: Annotated[Optional[str], typer.Option(
        "--repository", metavar="URL", help="The repository's web address for links (default: from the git remote).")] = None,
    bump: Annotated[Optional[list[str]], typer.Option(
        "--bump", help="TYPE=LEVEL (repeatable): the bump level of a type's entries, e.g. doc=minor.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing relnotes configuration.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="List what would be written; write nothing.")] = False,
) -> None:
    """Convert a towncrier project: its fragments, and its settings into a relnotes configuration.

    Without a relnotes configuration (or with --force) the towncrier types become the
    sections, in their order, and the summary says where each setting came from and
    what could not be carried over.  An existing configuration is kept: the fragments
    go to its sections.
    """
    chosen: dict[str, str] = {}
    for item in mapping or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise UsageError(f"--map {item!r} is not TYPE=SECTION", hint="for example --map doc=Changed")
        chosen[key.strip()] = value.strip()
    bumps: dict[str, str] = {}
    for item in bump or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise UsageError(f"--bump {item!r} is not TYPE=LEVEL", hint="for example --bump doc=minor")
        bumps[key.strip()] = value.strip()
    address = None
    if repository is not None:
        problem = scaffold.repository_problem(repository) or (None if repository else "must not be empty")
        if problem:
            raise UsageError(f"--repository {repository!r} {problem}", hint="for example --repository https://github.com/OWNER/REPO")
        address = scaffold.web_url(repository) or repository.rstrip("/")
    cfg = load_config()
    src = (directory or cfg.root).resolve()
    fsio.inside(cfg.root, src)
    tc = towncrier.read_config(src, cfg.root)
    mig = migration.propose(cfg.root, src, tc, fragments_dir=cfg.fragments_dir, mapping=chosen, numbers=numbers,
                            repository=address, remote=None if address else scaffold.repository_from_remote(cfg.root),
                            bumps=bumps)
    source = f"{Path(tc.source).name} [tool.towncrier]"
    target = cfg.root / (config.CONFIG_NAME if to == "yaml" else config.PYPROJECT_NAME)
    replace = cfg.path is None or force
    if replace and to == "pyproject" and (cfg.root / config.CONFIG_NAME).exists():
        raise UsageError(f"{config.CONFIG_NAME} exists and would still be read instead of [tool.relnotes]; "
                         "nothing was written", hint="use --to yaml, or remove relnotes.yaml first")
    text, proposal = _render(mig, source, to, force if replace else None, cfg, target)
    if replace:
        new_cfg = config.from_text(text, target, cfg.root, use_cache=False)
        plan = towncrier.plan(new_cfg, src, mig.type_sections, numbers, tc=tc)
        if plan.authors:  # the text already credits them (-- by :user:`x`): no second credit line
            mig = migration.with_credit_in_text(mig)
            text, proposal = _render(mig, source, to, force, cfg, target)
    else:
        new_cfg = cfg
        # into the configuration kept: a type goes where --map says, else to the section
        # named as towncrier displays it, else to relnotes' usual section for its kind
        into = {key: chosen.get(key) or cfg.section_name(display) or towncrier.DEFAULT_MAP.get(key) or display
                for key, (display, _) in tc.types.items()}
        plan = towncrier.plan(cfg, src, into, numbers, tc=tc)
    for note in plan.notes:
        err(f"note: {note}")
    for problem in plan.problems:
        err(f"problem: {problem}")
    if dry_run:
        for name, _ in plan.fragments:
            out(f"would write {new_cfg.fragments_dir}/{name}")
        out(f"{plan.sources} towncrier fragment(s) -> {len(plan.fragments)} relnotes fragment(s)")
        _summary(mig, source)
        out(f"proposed {target.name}:\n" + proposal.rstrip("\n"))
        if plan.problems:
            raise typer.Exit(1)
        return
    files: dict[str, str] = {}
    if replace:
        files[target.name] = text
    version = None
    if not new_cfg.notes_path.exists():
        version = towncrier.upcoming(mig.version, plan.sections, mig.values.get("bump", {}))
        files[new_cfg.notes_file] = scaffold.initial_notes(new_cfg, version)
    written = towncrier.write(new_cfg, plan, files)  # every file, or none
    out(f"wrote {len(written)} fragment(s) from {plan.sources} towncrier fragment(s) to {new_cfg.fragments_dir}/"
        f" in towncrier's order (order: in each)")
    if plan.listed or plan.named or plan.authors:
        out(f"  carried: {plan.listed} reference-only entry(ies) (showcontent = false), {plan.named} name(s) that are "
            f"no issue number (after the text), {plan.authors} handle(s) from :user: roles (into authors:)")
    _summary(mig, source)
    if replace:
        out(f"wrote {target.name}" + (" ([tool.relnotes])" if to == "pyproject" else ""))
        if to == "yaml" and cfg.path is not None and cfg.path.name == config.PYPROJECT_NAME:
            err("note: pyproject.toml's [tool.relnotes] is now ignored (relnotes.yaml wins); remove it")
    else:
        out(f"proposed {target.name} ({cfg.path.name} was kept; --force replaces it):\n" + proposal.rstrip("\n"))
    if version is not None and new_cfg.notes_format == "rst":
        out(f"wrote {new_cfg.notes_file} (a title, towncrier's start marker and an unreleased release below it, "
            "in towncrier's layout)")
    elif version is not None:
        out(f"wrote {new_cfg.notes_file} (an unreleased {version} section for the imported entries)")
    filename = tc.table.get("filename", "NEWS.rst")
    if version is not None and new_cfg.notes_file != filename:
        out(f"note: {filename} keeps the releases made with towncrier; relnotes cannot write it (headings "
            f"relnotes does not read), so new releases go to {new_cfg.notes_file}")
    elif replace and new_cfg.notes_format == "rst":
        out(f"{new_cfg.notes_file} stays the notes file (notes_format: rst): 'relnotes build' writes the next "
            "release into it in towncrier's layout, below its start marker")
    out("next: 'relnotes check', then 'relnotes build --draft' to preview the release; "
        "'relnotes new' adds a fragment, 'relnotes release' makes the release")


def _render(mig, source: str, to: str, force: bool | None, cfg, target: Path) -> tuple[str, str]:
    """(the configuration file's new text, what a dry run shows); ``force`` None keeps the
    existing configuration (the proposal is only shown)."""
    if to == "yaml":
        text = migration.yaml_text(mig, source)
        return text, text
    if force is None:
        text = migration.table_text(mig, source)
        return text, text
    existing = fsio.read_text(cfg.root, target, what="pyproject.toml") if target.exists() else None
    text = migration.pyproject_text(existing, mig, source, replace=force)
    return text, _table_only(text)


def _summary(mig, source: str) -> None:
    out(f"migration summary (from {source}):")
    for line in mig.derived:
        out(f"  {line}")
    for line in mig.not_carried:
        out(f"  {line}")


def _table_only(text: str) -> str:
    """The [tool.relnotes] part of a pyproject text (what the dry run shows)."""
    start, end = table_span(text)
    return text[start:end] if start is not None else text
