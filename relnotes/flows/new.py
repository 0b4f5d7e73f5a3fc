"""``relnotes new``: write one fragment, under a name derived from its text.

The file name is a slug of the text's first words (:func:`slug`), made unique, never
overwriting a file; the text is validated as ``check`` would before it is written.
"""

import re
import unicodedata
from pathlib import Path

from relnotes import fsio
from relnotes.config.load import Config
from relnotes.errors import ContentError, FileSystemError, StateError, UsageError, ValidationError
from relnotes.fragments.fragment import PLACEHOLDER, Fragment, parse_text
from relnotes.fragments.grouping import kind_problems
from relnotes.fragments.schema import ENTRY, KINDS, SUMMARY


def slug(text: str, words: int = 6) -> str:
    norm = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    parts = re.findall(r"[A-Za-z0-9]+", norm.lower())
    return "-".join(parts[:words])[:60].strip("-")


_YAML_WORDS = {"null", "true", "false", "yes", "no", "on", "off", "y", "n"}


def yaml_scalar(value: str) -> str:
    """``value`` as a YAML scalar that reads back as this very string: bare when it is plain
    words (``Fixed``, ``Security Fixes``, ``Breaking changes``), else a JSON string, so a
    section named from a changelog's heading (``Breaking: changes``, ``&x``, ``"q"``,
    ``- x``, ``true``) never breaks the front matter or changes its type."""
    import json

    if value and value[0].isalpha() and value[-1] != " " and value.casefold() not in _YAML_WORDS \
            and all(c.isalnum() or c in " _.()/'-" for c in value) and "  " not in value:
        return value
    return json.dumps(value, ensure_ascii=False)


def fragment_text(section: str | None, body: str, *, prs=(), issues=(), advisories=(),
                  breaking: bool = False, backport: bool = False, order: int = 0,
                  authors=(), fields: dict | None = None, kind: str = ENTRY) -> str:
    """A fragment's text.  Handles and custom values are written as JSON scalars (valid
    YAML), so a handle like ``null`` or ``1234`` stays text.  ``kind``: a summary or an
    uncategorised entry is written with its kind and without a section."""
    import json

    lines = ["---", f"section: {yaml_scalar(section or '')}"] if kind == ENTRY else ["---", f"kind: {kind}"]
    if prs:
        lines.append(f"prs: [{', '.join(str(n) for n in prs)}]")
    if issues:
        lines.append(f"issues: [{', '.join(str(n) for n in issues)}]")
    if advisories:
        # a well-formed id is written bare; anything else as a JSON string, so a value such
        # as 'GHSA-…]\nbreaking: true' stays one (refused) id and never adds a key
        ids = (a if re.fullmatch(r"[A-Za-z0-9-]{1,64}", a) else json.dumps(a) for a in advisories)
        lines.append(f"advisories: [{', '.join(ids)}]")
    if breaking:
        lines.append("breaking: true")
    if backport:
        lines.append("backport: true")
    if order:
        lines.append(f"order: {order}")
    if authors:
        handles = ", ".join(json.dumps(a.removeprefix("@")) for a in authors)
        lines.append(f"authors: [{handles}]")
    for key, value in (fields or {}).items():
        lines.append(f"{key}: {json.dumps(value, ensure_ascii=False)}")
    lines.append("---")
    return "\n".join(lines) + "\n" + body.strip("\n") + "\n"


def new(cfg: Config, *, section: str | None, body: str | None, prs=(), issues=(), advisories=(),
        breaking: bool = False, backport: bool = False, name: str | None = None,
        validate: bool = True, authors=(), fields: dict | None = None, kind: str = ENTRY) -> Path:
    """Write a new fragment with a unique name and return its path.

    The text is validated before anything is written (with the placeholder when
    ``body`` is None, for ``--edit``); the file is created with O_EXCL, so concurrent
    runs never overwrite each other: a taken name gets ``-2``, ``-3``, … appended.
    ``validate=False`` writes text that failed validation, so that what a user typed
    at a prompt is kept for them to fix (the section must still be a configured one).
    ``authors`` are handles; ``fields`` the custom fields' typed values (``--field``).
    """
    if kind not in KINDS:
        raise UsageError(f"unknown kind {kind!r}", hint=f"one of: {', '.join(KINDS)}")
    if kind != ENTRY:  # a summary or an uncategorised entry goes under the release heading
        if section is not None:
            raise UsageError(f"a {kind} has no section, but --section {section} was given",
                             hint=f"drop --section, or drop --{kind} to write an entry of that section")
        if kind == SUMMARY and (prs or issues or advisories or breaking or authors):
            raise UsageError("a summary renders its text only: --pr, --issue, --advisory, --breaking and "
                             "--author would be lost", hint="write the links in the text")
        canonical: str | None = None
    else:
        canonical = cfg.section_name(section) if section is not None else None
        if canonical is None:
            raise UsageError(f"unknown section {section!r}", hint=f"one of: {', '.join(cfg.sections)}")
    fields = fields or {}
    missing = [s for s in cfg.fields if s.required and s.name not in fields]
    if missing and validate:
        raise UsageError(f"missing the required field{'s' if len(missing) > 1 else ''} "
                         f"{', '.join(s.name for s in missing)}",
                         hint="give " + " ".join(f"--field {s.name}=..." for s in missing)
                              + (f" ({missing[0].name}: one of {', '.join(missing[0].values)})"
                                 if missing[0].values else ""))
    text = fragment_text(canonical, body if body is not None else PLACEHOLDER, prs=prs,
                         issues=issues, advisories=advisories, breaking=breaking, backport=backport,
                         authors=authors, fields=fields, kind=kind)
    stem = name.removesuffix(".md") if name else slug(
        " ".join([str(prs[0]) if prs else "", body or canonical or kind]))
    stem = slug(stem, words=12) or "change"
    shown = f"{cfg.fragments_dir}/{stem}.md"
    if validate:  # with the placeholder (--edit), the front matter is checked all the same
        frag, problems = parse_text(text, shown, cfg.sections, fields=cfg.fields)
        problems = [p for p in problems if body is not None or p.code != "body-placeholder"]
        if frag is not None:  # a kind the notes format has no place for (Wasmtime's: no uncategorised)
            problems += kind_problems(cfg, [frag])
        if problems:
            raise ValidationError(problems, "the fragment would not be valid; nothing was written")
    fsio.inside(cfg.root, cfg.fragments_path, what="fragments directory")
    if cfg.fragments_path.exists() and not cfg.fragments_path.is_dir():
        raise FileSystemError(f"{cfg.fragments_dir}: is not a directory, so no fragment can be written in it",
                              hint="move the file away, or set fragments_dir in relnotes.yaml")
    try:
        cfg.fragments_path.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise FileSystemError.from_os(cfg.fragments_dir, "create the fragments directory", e) from None
    for n in range(1, 10_000):
        candidate = cfg.fragments_path / (f"{stem}.md" if n == 1 else f"{stem}-{n}.md")
        if fsio.create_exclusive(cfg.root, candidate, text):
            return candidate
    raise StateError(f"could not find a free fragment name for {stem!r}")  # pragma: no cover


def finish_edit(cfg: Config, path: Path, template: str | None) -> Fragment:
    """Check a fragment the user edited in place; never delete what they typed.

    A file still holding exactly ``template`` (nothing typed) is removed; with
    ``template=None`` (the file already held the user's text) it never is.  Anything
    else stays where it is, and the error says so: an invalid fragment is the user's
    text, and ``check`` will keep pointing at it until it is fixed or deleted.
    """
    shown = fsio.shown(cfg.root, path)
    kept = f"your text is kept in {shown}"
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"{shown}: the editor removed the file; nothing was written") from None
    except OSError as e:
        raise FileSystemError.from_os(shown, "read the edited fragment", e) from None
    if template is not None and data == template.encode("utf-8"):
        path.unlink(missing_ok=True)
        raise ContentError(f"{shown}: unchanged in the editor, so it was removed; nothing was written",
                           hint="run 'relnotes new --edit' again and replace the placeholder text, or use -m TEXT")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise ContentError(f"{shown}:{line}: not UTF-8 (byte {e.start}); {kept}",
                           hint="save it as UTF-8 in your editor, then run 'relnotes check'") from None
    frag, problems = parse_text(text, shown, cfg.sections, fields=cfg.fields)
    if problems:
        raise ValidationError(problems, f"the edited fragment is not valid; {kept}: fix it and run "
                                        f"'relnotes check', or delete it")
    assert frag is not None  # no problems: a fragment
    return frag
