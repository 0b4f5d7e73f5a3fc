"""What a valid ``relnotes.yaml`` value is: the rules that check and coerce each value
against the declarative table of :mod:`relnotes.config.keys` (whose names stay importable
from here).

It exists apart from :mod:`relnotes.config.load` (which finds, reads, caches and assembles the
configuration) so that the description of the keys and the per-kind rules live in one
place that both the loader and :mod:`relnotes.config.schema` (the JSON Schema) read,
without either depending on how a file is found or cached.
"""

import re
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any

from relnotes.config import vpatterns
from relnotes.config.fields import coerce_config
from relnotes.config.keys import (  # noqa: F401 (re-exported for the loader and the tests)
    ANY_VERSION_PATTERN,
    ARGV_LIMITS,
    BOUNDS,
    BRANCH_PATTERN,
    CREDIT_MAX,
    CREDIT_PATTERN,
    DATE_PATTERN,
    DAYS,
    ENTRY_SCHEMA,
    ENUMS,
    HEADING_PATTERN,
    INLINE_PATTERN,
    LINE_PATTERN,
    PACKAGE_SCHEMA,
    PATH_PATTERN,
    PROJECT_NAME_PATTERN,
    REMOTE_PATTERN,
    SCHEMA,
    VERSION_PATTERN,
    VFILE_PATTERN,
    VFILE_SLOT_PATTERN,
)
from relnotes.errors import ConfigError, quoted, shown_name
from relnotes.fsio import relative_path_problem
from relnotes.git.arguments import branch_name_problem
from relnotes.markdown.safehtml import is_safe_url
from relnotes.markdown.screen import body_problems

# One character of a URL that relnotes writes into a notes file (a link line, a compare
# link definition): no blank, line break or other control character, and nothing that
# could end the link or start markup around it ([ ] ( ) < > " ' ` \\).  A filled link
# is then one token on its line, whatever the configuration (a PR's) says.
URL_CHAR = r"""[^\x00-\x20\x7f-\x9f<>()\[\]"'`\\{}]"""
REPOSITORY_PATTERN = rf"^(?:https?://{URL_CHAR}+)?(?![\s\S])"  # "" (none) or an http(s) URL


def link_pattern(name: str) -> str:
    """URL characters, doubled braces, and the bare placeholders of the key's default only."""
    import string

    spec = SCHEMA["links"][name]
    fields = [f for _, f, _, _ in string.Formatter().parse(spec[1]) if f]
    return r"^(?:" + URL_CHAR + r"|\{\{|\}\}|\{(?:" + "|".join(fields) + r")\})*(?![\s\S])"


def shown(path: Path) -> str:
    """A path as messages show it: relative to the working directory when below it."""
    try:
        return shown_name(Path(path).resolve().relative_to(Path.cwd().resolve()).as_posix())
    except ValueError:
        return shown_name(str(path))


def _line_of(mapping: Any, key: str) -> tuple[int, int]:
    try:
        line, col = mapping.lc.key(key)
        return line + 1, col + 1
    except Exception:
        return 1, 1


def validate(data: dict, schema: dict, path: Path, prefix: str) -> dict:
    out: dict[str, Any] = {}
    for key, value in data.items():
        if not isinstance(key, str) or key not in schema:
            line, col = _line_of(data, key)
            import difflib

            close = difflib.get_close_matches(str(key)[:100], list(schema), n=1, cutoff=0.3)
            hint = f" — did you mean '{prefix}{close[0]}'?" if close else ""
            valid = ", ".join(prefix + k for k in schema)
            raise ConfigError(f"{shown(path)}:{line}:{col}: unknown key {quoted(f'{prefix}{key}')}{hint}",
                              hint=f"valid keys here: {valid}")
        spec = schema[key]
        line, col = _line_of(data, key)
        where = f"{shown(path)}:{line}:{col}"
        if isinstance(spec, dict):
            if value is None:
                value = {}
            if not isinstance(value, dict):
                raise ConfigError(f"{where}: '{prefix}{key}' must be a mapping",
                                  hint="valid keys: " + ", ".join(spec))
            out[key] = validate(value, spec, path, prefix=f"{prefix}{key}.")
        elif spec[0] == "fields":  # a mapping of declarations, each located in the file

            out[key] = coerce_config(value, where, lambda ln, c: f"{shown(path)}:{ln}:{c}")
        elif spec[0] == "projects":
            out[key] = _project_entries(value, path, where)
        else:
            out[key] = coerce(spec[0], value, f"{prefix}{key}", where)
    return out


def _project_entries(value: Any, path: Path, where: str) -> list[dict]:
    """``projects:`` validated: each entry a mapping checked like the top level (its own
    line numbers), or a bare path (a package directory with its own relnotes.yaml)."""
    if not isinstance(value, list):
        raise ConfigError(f"{where}: 'projects' must be a list of {{name, path, ...}} mappings or package paths",
                          hint="projects: [{name: cli, path: cli}, {name: core, path: core}]")
    entries = []
    for i, item in enumerate(value):
        name = f"projects[{i}]"
        if isinstance(item, str):
            entries.append({"path": coerce("path", item, name, where)})
            continue
        if not isinstance(item, dict):
            raise ConfigError(f"{where}: '{name}' must be a {{name, path, ...}} mapping or a package path, "
                              f"not {quoted(item)}")
        entry = validate(item, ENTRY_SCHEMA, path, prefix=f"{name}.")
        if "path" not in entry:
            try:
                line, col = (n + 1 for n in getattr(value, "lc").item(i))  # ruamel's positions: TOML has none
                at = f"{shown(path)}:{line}:{col}"
            except Exception:
                at = where
            raise ConfigError(f"{at}: '{name}' has no 'path'",
                              hint="give the package's directory: {name: cli, path: cli}")
        entries.append(entry)
    return entries


# A sample value for every placeholder a link pattern may have, to try a pattern with.
_LINK_SAMPLES: dict[str, Any] = {"repository": "https://example.org/r", "number": 1,
                                 "id": "GHSA-xxxx-xxxx-xxxx", "branch": "release-1.0.0", "handle": "octocat",
                                 "previous": "v1.0.0", "current": "v1.1.0"}


def link_problem(pattern: str, name: str) -> str | None:
    """Why ``pattern`` cannot be the link pattern ``name`` (``links.pr``), or None.

    Links are filled with ``str.format``, so a stray brace or an unknown placeholder
    would fail (or leak attributes, ``{id.__class__}``) at render time; config comes
    from untrusted PRs, so only the bare placeholders of the key's default are allowed.
    """
    import string

    def fields(text: str) -> list[str]:
        return [f for _, f, _, _ in string.Formatter().parse(text) if f is not None]

    allowed = {f: _LINK_SAMPLES[f] for f in fields(SCHEMA["links"][name.split(".")[-1]][1])}
    try:
        used = fields(pattern)
    except ValueError as e:
        return f"'{name}' is not a valid link pattern ({e}); write a literal brace as '{{{{' or '}}}}'"
    for field in used:
        if field not in allowed:
            names = ", ".join("{" + f + "}" for f in allowed)
            return f"'{name}' uses the placeholder {{{field}}}; it may use {names}"
    try:
        pattern.format(**allowed)
    except (ValueError, TypeError) as e:
        return f"'{name}' is not a valid link pattern ({e})"
    if not re.match(link_pattern(name.split(".")[-1]), pattern):
        names = ", ".join("{" + f + "}" for f in allowed)
        return (f"'{name}' must be one URL: no blank, line break or [ ] ( ) < > \" ' ` \\, and only the bare "
                f"placeholders {names} (no format spec or conversion)")

    if not is_safe_url(pattern.format(**allowed)):
        return f"'{name}' must make an http, https or mailto URL or a relative link"
    return None


def coerce(kind: str, value: Any, name: str, where: str) -> Any:
    def bad(expected: str) -> ConfigError:
        return ConfigError(f"{where}: '{name}' must be {expected}, not {quoted(value)}")

    if kind == "str":
        if not isinstance(value, str):
            raise bad("a string")
        return str(value)
    if kind == "line":
        if not isinstance(value, str):
            raise bad("a string")
        if not re.match(LINE_PATTERN, value):
            raise bad("one line of at most 200 characters without line breaks, control characters or "
                      "[ ] < > ` \\ (the notes show it)")
        return value
    if kind == "repository":
        if not isinstance(value, str) or not re.match(REPOSITORY_PATTERN, value):
            raise bad("empty or the repository's http(s) web address, one URL without blanks, line breaks "
                      "or [ ] ( ) < > \" ' ` \\")
        return value
    if kind == "link":
        if not isinstance(value, str):
            raise bad("a string")
        problem = link_problem(value, name)
        if problem:
            raise ConfigError(f"{where}: {problem}")
        return str(value)
    if kind == "path":
        if not isinstance(value, str) or not value.strip():
            raise bad("a relative path")

        problem = relative_path_problem(value) or (None if re.match(PATH_PATTERN, value)
                                                   else "points outside the repository")
        if problem:
            raise ConfigError(f"{where}: '{name}' ({quoted(value)}) {problem}",
                              hint="use a path relative to the repository root, without '..' or '.git'")
        return str(PurePosixPath(value.replace("\\", "/")))
    if kind in ("int", "optint", "day"):
        if kind == "optint" and value is None:
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # JSON counts 12.0 as the whole number 12; so do we
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 10**18:
            raise bad("a non-negative whole number of at most 18 digits")
        if kind == "day" and not DAYS[0] <= value <= DAYS[1]:
            raise ConfigError(f"{where}: '{name}' must be a day from {DAYS[0]} to {DAYS[1]}, not {value}")
        low, high = BOUNDS.get(re.sub(r"^projects\[\d+\]\.", "", name), (0, None))
        if not low <= value <= (high if high is not None else value):
            raise ConfigError(f"{where}: '{name}' must be from {low} to {high}, not {value}")
        return int(value)
    if kind == "branches":
        if not isinstance(value, list):
            raise bad("a list of branch name patterns such as 'stable-v{version}'")
        return [coerce("branch", item, f"{name}[{i}]", where) for i, item in enumerate(value)]
    if kind == "branch":
        if not isinstance(value, str):
            raise bad("a string")
        if not re.match(BRANCH_PATTERN, value):
            raise ConfigError(f"{where}: '{name}' must contain '{{version}}' exactly once",
                              hint="for example release-{version}")
        return value
    if kind == "remote":
        if not isinstance(value, str) or not re.match(REMOTE_PATTERN, value):
            raise ConfigError(f"{where}: '{name}' must be the name of a git remote (letters, digits, '_', '-' "
                              f"and '.', no '/'), not {quoted(value)}", hint="for example remote: origin")
        return value
    if kind == "tag":
        if not isinstance(value, str):
            raise bad("a string")
        if not re.search(VFILE_PATTERN, value):
            raise ConfigError(f"{where}: '{name}' must contain '{{version}}'", hint="for example tag: 'v{version}'")
        # what the pattern makes must be a tag name git accepts (no spaces, newlines,
        # '..', '@{', leading '-'), and a short one: it is written to $GITHUB_OUTPUT
        # and tag messages as well as given to git

        problem = branch_name_problem(value.replace("{version}", "1.2.3-rc.1"))
        stray = re.sub(r"\{(?:version|major|minor|patch)\}", "", value)
        if problem is None and ("{" in stray or "}" in stray):
            problem = "it has a brace that is not one of {version}, {major}, {minor}, {patch}"
        if problem is None and value.startswith("refs/"):
            problem = "it names a full ref; give the short tag name"
        if problem:
            raise ConfigError(f"{where}: '{name}' does not make a valid tag name: {problem}",
                              hint="for example tag: 'v{version}'")
        return value
    if kind == "credit_line":
        if not isinstance(value, str) or len(value) > CREDIT_MAX or not re.match(CREDIT_PATTERN, value):
            raise ConfigError(f"{where}: '{name}' must be one line of at most {CREDIT_MAX} characters with "
                              f"{{authors}} exactly once (a literal brace doubled), not {quoted(value)}",
                              hint="for example line: 'Thanks to {authors}.'")

        # as 'mention' and 'link' fill it; after a list or a code block the line starts a
        # paragraph of its own, where a link definition (``[unreleased]: URL "{authors}"``)
        # would re-point every link of that label in the notes: the line may define none
        for authors in ("@octocat", "[@octocat](https://github.com/octocat)"):
            problems, labels = body_problems(value.format(authors=authors), name, 1)
            if problems:
                raise ConfigError(f"{where}: '{name}' could change the notes' structure: {problems[0].message}")
            if labels:
                raise ConfigError(f"{where}: '{name}' could change the notes' structure: it reads as the "
                                  f"definition of the link label [{labels[0][0]}], which would re-point that "
                                  "label's links in the whole notes file",
                                  hint="use an inline link [text](url), or put words before the '['")
        return value
    if kind == "optversion" and value in ("", None):
        return ""
    if kind in ("version", "optversion"):  # optversion (base_version): any scheme's, read by versioning's
        if not isinstance(value, str) or not re.match(VERSION_PATTERN if kind == "version" else ANY_VERSION_PATTERN,
                                                      value):
            raise ConfigError(f"{where}: '{name}' must be a version like 0.32.0, not {quoted(value)}")
        return value
    if kind in ("sections", "headings"):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise bad("a list of strings")
        if not value and kind == "sections":
            raise ConfigError(f"{where}: '{name}' must list at least one section")
        for v in value:  # each is written as a '### ' heading: one line, no structure of its own
            if not re.match(HEADING_PATTERN, v):
                raise ConfigError(f"{where}: '{name}' has {quoted(v)}, which is no heading title: a section name is "
                                  f"one line of at most 80 characters without blanks or '#' at its ends, "
                                  f"line breaks, control characters or [ ] ( ) < > ` \\",
                                  hint="a line break would write a heading of its own into the notes; "
                                       "name the section in a few plain words")
        seen: dict[str, str] = {}
        for v in value:
            if v.casefold() in seen:
                same = "" if seen[v.casefold()] == v else f" (as '{seen[v.casefold()]}')"
                raise ConfigError(f"{where}: '{name}' lists '{v}' twice{same}; name each section once")
            seen[v.casefold()] = v
        return [str(v) for v in value]
    if kind == "projname":
        if not isinstance(value, str) or not re.match(PROJECT_NAME_PATTERN, value):
            raise bad("a project name (letters, digits, '_', '-' and single dots; at most 64 characters, "
                      "starting with a letter or digit)")
        return value
    if kind == "bool":
        if not isinstance(value, bool):
            raise bad("true or false")
        return value
    if kind == "date":
        from datetime import datetime

        if isinstance(value, datetime):  # YAML reads 2024-04-20T10:00:00 as a timestamp
            raise ConfigError(f"{where}: '{name}' must be a date (YYYY-MM-DD) without a time, "
                              f"not {value.isoformat()}", hint="write it as YYYY-MM-DD, e.g. 2024-04-20")
        if isinstance(value, date):
            return value
        try:
            if not isinstance(value, str) or not re.match(DATE_PATTERN, value):
                raise ValueError(value)
            return date.fromisoformat(value)
        except ValueError:
            raise bad("a date (YYYY-MM-DD)") from None
    if kind == "strlist":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise bad("a list of strings")
        return [str(v) for v in value]
    if kind in ENUMS:
        words = ENUMS[kind]
        if not isinstance(value, str) or value not in words:
            raise bad(", ".join(f"'{w}'" for w in words[:-1]) + f" or '{words[-1]}'")
        return value
    if kind in ("inline", "heading"):
        pattern, what = ((INLINE_PATTERN, "one line of inline Markdown (at most 100 characters) that does "
                                          "not start a block (no blank, list marker, '#', '>' or fence at its "
                                          "start) and holds no link, HTML or code ([ ] ( ) < > ` \\)")
                         if kind == "inline" else
                         (HEADING_PATTERN, "a heading title on one line (at most 80 characters) without "
                                           "blanks or '#' at its ends, and no [ ] ( ) < > ` \\"))
        if not isinstance(value, str) or not re.match(pattern, value):
            raise bad(what)
        return value
    if kind == "argvs":
        most, args, chars = ARGV_LIMITS
        if (not isinstance(value, list) or len(value) > most
                or not all(isinstance(c, list) and 1 <= len(c) <= args for c in value)
                or not all(isinstance(a, str) and len(a) <= chars and "\0" not in a for c in value for a in c)):
            raise bad(f"a list of at most {most} commands, each a non-empty list of at most {args} strings "
                      f"(no NUL, at most {chars} characters), e.g. [[cargo, update, --workspace]]")
        return [[str(a) for a in c] for c in value]
    if kind == "vfiles":
        if not isinstance(value, list):
            raise bad("a list of {path, pattern} mappings")
        files: list[dict] = []
        for item in value:
            if not isinstance(item, dict) or set(item) != {"path", "pattern"}:
                raise bad("a list of {path, pattern} mappings")
            vpath = coerce("path", item["path"], f"{name}.path", where)
            pattern = item["pattern"]
            wrong = vpatterns.problem(pattern) if isinstance(pattern, str) else "be a string"
            if wrong:
                raise ConfigError(f"{_item_where(value, len(files), where)}: '{name}.pattern' must {wrong}")
            files.append({"path": vpath, "pattern": pattern})
        _refuse_overlaps(value, files, name, where)
        return files
    raise AssertionError(kind)  # pragma: no cover


def _item_where(items: Any, i: int, where: str) -> str:
    """``file:line`` of item ``i`` of a YAML list (ruamel keeps its line), else ``where``."""
    lc = getattr(items, "lc", None)
    try:
        return f"{where.rsplit(':', 2)[0]}:{lc.item(i)[0] + 1}" if lc is not None else where
    except (KeyError, IndexError, AttributeError):  # pragma: no cover - ruamel always records it
        return where


def _refuse_overlaps(items: Any, files: list[dict], name: str, where: str) -> None:
    """Two patterns of one file that can claim the same text, or no {version} anywhere: refused."""
    for j, b in enumerate(files):
        for i, a in enumerate(files[:j]):
            if a["path"] == b["path"] and vpatterns.overlap(a["pattern"], b["pattern"]):
                raise ConfigError(
                    f"{_item_where(items, j, where)}: '{name}' patterns {quoted(a['pattern'])} and "
                    f"{quoted(b['pattern'])} for {a['path']} overlap (entry {i + 1} at "
                    f"{_item_where(items, i, where).rsplit(':', 1)[-1]}): both would rewrite the same text",
                    hint="drop one, or make one more specific so that neither holds the other")
    if files and not any(vpatterns.has_version(f["pattern"]) for f in files):
        raise ConfigError(f"{where}: '{name}' needs one pattern with {{version}}: it says which version "
                          f"the files are at", hint="for example {path: Cargo.toml, pattern: 'version = \"{version}\"'}")
