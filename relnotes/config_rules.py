"""What a valid ``relnotes.yaml`` value is: the one declarative table (:data:`SCHEMA`) and the
rules that check and coerce each value against it.

It exists apart from :mod:`relnotes.config` (which finds, reads, caches and assembles the
configuration) so that the description of the keys and the per-kind rules live in one
place that both the loader and :mod:`relnotes.config_schema` (the JSON Schema) read,
without either depending on how a file is found or cached.
"""

import re
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any

from relnotes.errors import ConfigError

# key: (type, default, description).  A dict value instead of a tuple is a nested table.
# Types: "str", "int", "optint", "day", "bool", "date", "path", "link", "branch", "tag", "version",
# "strlist", "sections", "vfiles", "inline", "heading", and the one-word kinds of ENUMS ("order", "weekend", "cadence", "versioning", …).  Each kind's rule is written once as a
# pattern or bound that both _coerce and json_schema read (tests/test_schema_agreement.py).
SCHEMA: dict[str, Any] = {
    "preset": ("preset", "plain",
               "Conventions the other keys default to: 'plain' (no release calendar or support policy), "
               "'wasmtime' (Wasmtime's format, monthly calendar and LTS policy) or 'keepachangelog' "
               "(CHANGELOG.md in the Keep a Changelog format). Keys set here override the preset."),
    "project": ("str", "", "Project name used in messages and templates (empty: the repository "
                           "directory's name)."),
    "repository": ("str", "", "Repository URL; {repository} in link patterns. Empty (unknown): PR, issue "
                              "and advisory references are plain text (#123) and the archive list has no links."),
    "notes_file": ("path", "RELEASES.md", "The notes file, relative to the repository root."),
    "notes_format": ("notes_format", "releases",
                     "The notes file's format: 'releases' (Wasmtime's RELEASES.md: '## X.Y.Z', a status line, "
                     "release branches) or 'keepachangelog' (Keep a Changelog 1.1.0: '## [Unreleased]', "
                     "'## [X.Y.Z] - DATE', compare links at the bottom; released from one branch)."),
    "fragments_dir": ("path", "changes.d", "Where fragments live, relative to the root."),
    "templates_dir": ("path", "templates", "Template overrides (built-ins ship in the package)."),
    "sections": ("sections", ["Added", "Changed", "Fixed", "Removed", "Deprecated", "Security"],
                 "Allowed fragment sections, in the order categories are created: at least one, "
                 "no name twice (in any case: Added and added count as the same)."),
    "template_sections": ("strlist", ["Added", "Changed"],
                          "Categories a fresh release section starts with (cut, init); each must be one "
                          "of 'sections' (any case), which relnotes check enforces across the two keys."),
    "patch_sections": ("strlist", [],
                       "Categories 'patch' opens; build adds the ones that receive entries. Each must be "
                       "one of 'sections' (any case), which relnotes check enforces across the two keys."),
    "order": ("order", "pr", "Entry order in a category: 'pr' (first PR, then file name) or 'file'."),
    "links": {
        "pr": ("link", "{repository}/pull/{number}", "Link for a PR number."),
        "issue": ("link", "{repository}/issues/{number}", "Link for an issue number."),
        "advisory": ("link", "{repository}/security/advisories/{id}", "Link for an advisory id."),
        "archive": ("link", "{repository}/blob/{branch}/RELEASES.md",
                    "Link to a release branch's notes in the archive list."),
        "author": ("link", "https://github.com/{handle}", "Link for a contributor's handle in the credit line."),
        "compare": ("link", "{repository}/compare/{previous}...{current}",
                    "keepachangelog: a release's link definition, from the previous tag to its tag "
                    "(and [unreleased]: from the newest tag to HEAD)."),
        "release": ("link", "{repository}/releases/tag/{current}",
                    "keepachangelog: the first release's link definition (there is no previous tag)."),
    },
    "release_branch": ("branch", "release-{version}", "Release branch name pattern, with {version} exactly once."),
    "main_branch": ("str", "main", "The development branch that cut works on."),
    "archive": {
        "label": ("str", "{major}.{minor}.x", "Archive link label pattern."),
        "oldest_suffix": ("str", "", "Appended to the oldest archive label."),
        "since": ("version", "0.0.0", "Oldest release branch listed in the archive (a version like 0.32.0)."),
    },
    "schedule": {
        "cadence": ("cadence", "none",
                    "'none': no release calendar (schedule, support and backports say how to set one up; "
                    "when gives no dates) or 'monthly': a new major every month from the anchor. Setting "
                    "anchor_version or anchor_date without cadence means 'monthly'."),
        "cut_day": ("day", 5, "Day of the month release branches are cut (1 to 28)."),
        "release_day": ("day", 20, "Day of the month releases ship (1 to 28)."),
        "anchor_version": ("optint", None, "A major version whose release date is known (needed by 'monthly')..."),
        "anchor_date": ("date", None, "...and that date (YYYY-MM-DD); one major a month from it."),
        "weekend": ("weekend", "keep", "'keep' or 'monday': move weekend releases to Monday."),
    },
    "support": {
        "lts_every": ("optint", None, "Every release whose major is a multiple of this is LTS (empty: no LTS)..."),
        "lts_since": ("int", 0, "...from this major on (Wasmtime's policy began with 24.0.0; 0: always)."),
        "lts_months": ("optint", None, "LTS support in months (inclusive end). With neither lts_months nor "
                                       "lts_releases, an LTS release is supported until the next release ships."),
        "normal_months": ("optint", None, "Normal support in months (inclusive end). With neither "
                                          "normal_months nor normal_releases, a release is supported until the "
                                          "next one ships."),
        "lts_releases": ("optint", None, "Alternative: LTS support for this many releases."),
        "normal_releases": ("optint", None, "Alternative: normal support for this many releases."),
    },
    "check": {
        "exempt_paths": ("strlist", ["docs/**", "**/*.md", ".github/**"],
                         "Changes only to these globs need no fragment."),
        "skip_labels": ("strlist", ["no-release-notes"], "PR labels that skip the check."),
        "skip_marker": ("str", "release-notes: none",
                        "A line in the PR body or a commit message that skips the check."),
    },
    "commit": {
        "cut": ("str", "Bump {project} to {version}", "Commit message for 'cut --commit'."),
        "release": ("str", "Release {project} {version}", "Commit message for 'release --commit'."),
        "rc": ("str", "Release {project} {version}", "Commit message for 'rc --commit'."),
        "marker": ("str", "[automatically-tag-and-release-this-commit]",
                   "Added to release and candidate commits; 'relnotes tag' tags a HEAD that carries it."),
    },
    "tag": ("tag", "v{version}", "Tag name pattern for 'relnotes tag', with {version}; what it makes must be a "
                                 "valid git tag name (check-ref-format) that does not start with 'refs/'."),
    "fields": ("fields", {}, "Custom fragment fields: {name: {type: string|integer|strings|boolean|enum, "
                             "required: false, description: ..., values: [...] (enum), default: ...}}."),
    "credit": {
        "style": ("credit_style", "link",
                  "How an entry credits its authors: 'link' ([@octocat](links.author)), 'mention' "
                  "(@octocat) or 'none' (no credit line)."),
        "line": ("credit_line", "Thanks to {authors}.",
                 "The credit line after an entry's links: one line with {authors} exactly once."),
    },
    "version_files": ("vfiles", [], "Files whose version string cut and patch rewrite: "
                                    "[{path: Cargo.toml, pattern: 'version = \"{version}-dev\"'}]."),
    "versioning": ("versioning", "semver",
                   "How the next version is chosen: 'semver' (from the changes: the bump rules and "
                   "'breaking: true'; relnotes next, cut and release use it) or 'major-per-release' "
                   "(every release is a new major, Wasmtime's scheme)."),
    "bump": {
        "major": ("strlist", ["Removed"], "Sections whose entries make a semver major release."),
        "minor": ("strlist", ["Added", "Changed", "Deprecated"],
                  "Sections whose entries make at least a minor release."),
        "patch": ("strlist", [], "Sections whose entries make at least a patch release (as 'default' does)."),
        "default": ("bumplevel", "patch", "The bump of a section no list names: 'major', 'minor' or 'patch'."),
        "zero_shift": ("bool", True, "Below 1.0.0 every bump shifts down one level (a breaking change makes "
                                     "0.(x+1).0, anything else 0.x.(y+1)), as SemVer and Cargo treat 0.x."),
    },
    "breaking_changes": {
        "style": ("breakingstyle", "group",
                  "How entries with 'breaking: true' stand out: 'group' (gathered under their own "
                  "category heading, first in the release), 'prefix' (the prefix before the text, in "
                  "their own section) or 'none'."),
        "prefix": ("inline", "**Breaking:** ",
                   "What 'prefix' puts before a breaking entry's text: one line of inline Markdown "
                   "(emphasis, words, emoji) that does not start a block and holds no link, HTML or code."),
        "heading": ("heading", "Breaking changes",
                    "The category 'group' gathers breaking entries under (### HEADING): one line."),
    },
    "projects": ("projects", [], "A monorepo's packages, each with its own notes (relnotes.projects): a list of "
                                 "{name, path, ...} where '...' is any other key of this file, its paths relative to "
                                 "the package's path (a package takes the keys it does not set from here), or of "
                                 "package paths whose directory holds the package's own relnotes.yaml."),
}

# A package of a monorepo (``projects:`` entries, and a package's own relnotes.yaml): every
# top-level key but ``projects``, plus its name and (in an entry) its path.
PROJECT_NAME_PATTERN = r"^(?=[\s\S]{1,64}(?![\s\S]))[A-Za-z0-9][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*(?![\s\S])"
PACKAGE_SCHEMA: dict[str, Any] = {
    "name": ("projname", None, "The package's name (--project NAME); default: its directory's name. "
                               "Letters, digits, '_', '-' and single dots, at most 64 characters."),
    **{k: v for k, v in SCHEMA.items() if k != "projects"},
}
ENTRY_SCHEMA: dict[str, Any] = {
    "path": ("path", None, "The package's directory, relative to the repository root."),
    **PACKAGE_SCHEMA,
}


# Kinds whose value is one of a few words: the check and the JSON Schema's enum read this.
ENUMS: dict[str, tuple[str, ...]] = {
    "order": ("pr", "file"),
    "weekend": ("keep", "monday"),
    "preset": ("plain", "wasmtime", "keepachangelog"),
    "cadence": ("none", "monthly"),
    "credit_style": ("link", "mention", "none"),
    "notes_format": ("releases", "keepachangelog"),
    "versioning": ("semver", "major-per-release"),
    "bumplevel": ("major", "minor", "patch"),
    "breakingstyle": ("group", "prefix", "none"),
}


# Numbers the calendar computes with, bounded so that every date it derives stays
# within what a date can hold (years 1 to 9999) for any sensible project.
BOUNDS: dict[str, tuple[int, int]] = {
    "schedule.anchor_version": (0, 100_000),
    "support.lts_every": (1, 1000),
    "support.lts_months": (1, 1200),
    "support.normal_months": (1, 1200),
    "support.lts_releases": (1, 1000),
    "support.normal_releases": (1, 1000),
}


DAYS = (1, 28)  # every month has these days

# Patterns valid in Python and in ECMA-262 (JSON Schema): the check and the schema use the same text.
# A relative path inside the repository: not blank, not absolute (/x, \x, C:), no '..' part.
PATH_PATTERN = (r"^(?!\s*$)(?![/\\])(?![\s\S]:)(?![\s\S]*(?:^|[/\\])(?:\.\.|\.[gG][iI][tT])(?:[/\\]|(?![\s\S])))"
                r"[\s\S]*$")  # and no '.git' part in any case (fsio.relative_path_problem says why)
BRANCH_PATTERN = r"^(?:(?!\{version\})[\s\S])*\{version\}(?:(?!\{version\})[\s\S])*$"
VERSION_PATTERN = (r"^\s*v?(?:0|[1-9][0-9]*)\.(?:0|[1-9][0-9]*)\.(?:0|[1-9][0-9]*)"
                   r"(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?\s*$")
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}(?![\s\S])"  # the very end, as in ECMA-262
VFILE_PATTERN = r"\{version\}"
# one line of literal text (doubled braces for a brace) with {authors} exactly once
CREDIT_PATTERN = (r"^(?:[^{}\r\n]|\{\{|\}\})*\{authors\}(?:[^{}\r\n]|\{\{|\}\})*(?![\s\S])")
CREDIT_MAX = 200
# breaking_changes.prefix: one line (no control character) of at most 100 characters that
# cannot start a Markdown block inside the bullet it begins (no blank, list marker, heading,
# quote, table, fence or thematic break at its start) and holds no link, HTML, code or escape
# (no [ ] ( ) < > ` \), so it cannot join the entry's own text into a link the body screen never saw.
INLINE_PATTERN = (r"^(?![ \t#>|=]|[-+*](?:[ \t]|(?![\s\S]))|[0-9]{1,9}[.)]|~~~"
                  r"|[-*_](?:[ \t]*[-*_]){2,}[ \t]*(?![\s\S]))[^\x00-\x1f\x7f\[\]()<>`\\]{1,100}(?![\s\S])")
# breaking_changes.heading: the title of a '### ' heading, on one line, without blanks or '#'
# at its ends (a closing '#' would be read as part of the heading's markup), and like the
# prefix without link, HTML or code characters.
HEADING_PATTERN = (r"^(?![ \t#])[^\x00-\x1f\x7f\[\]()<>`\\]{0,79}[^\x00-\x1f\x7f\[\]()<>`\\ \t#]"
                   r"(?![\s\S])")


def link_pattern(name: str) -> str:
    """Literal text, doubled braces, and the bare placeholders of the key's default only."""
    import string

    spec = SCHEMA["links"][name]
    fields = [f for _, f, _, _ in string.Formatter().parse(spec[1]) if f]
    return r"^(?:[^{}]|\{\{|\}\}|\{(?:" + "|".join(fields) + r")\})*$"


def shown(path: Path) -> str:
    """A path as messages show it: relative to the working directory when below it."""
    try:
        return Path(path).resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


def _line_of(mapping: Any, key: str) -> tuple[int, int]:
    try:
        line, col = mapping.lc.key(key)
        return line + 1, col + 1
    except Exception:
        return 1, 1


def _validate(data: dict, schema: dict, path: Path, prefix: str) -> dict:
    out: dict[str, Any] = {}
    for key, value in data.items():
        if not isinstance(key, str) or key not in schema:
            line, col = _line_of(data, key)
            import difflib

            close = difflib.get_close_matches(str(key), list(schema), n=1, cutoff=0.3)
            hint = f" — did you mean '{prefix}{close[0]}'?" if close else ""
            valid = ", ".join(prefix + k for k in schema)
            raise ConfigError(f"{shown(path)}:{line}:{col}: unknown key '{prefix}{key}'{hint}",
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
            out[key] = _validate(value, spec, path, prefix=f"{prefix}{key}.")
        elif spec[0] == "fields":  # a mapping of declarations, each located in the file
            from relnotes.custom_fields import coerce_config

            out[key] = coerce_config(value, where, lambda ln, c: f"{shown(path)}:{ln}:{c}")
        elif spec[0] == "projects":
            out[key] = _project_entries(value, path, where)
        else:
            out[key] = _coerce(spec[0], value, f"{prefix}{key}", where)
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
            entries.append({"path": _coerce("path", item, name, where)})
            continue
        if not isinstance(item, dict):
            raise ConfigError(f"{where}: '{name}' must be a {{name, path, ...}} mapping or a package path, "
                              f"not {item!r}")
        entry = _validate(item, ENTRY_SCHEMA, path, prefix=f"{name}.")
        if "path" not in entry:
            try:
                line, col = (n + 1 for n in value.lc.item(i))
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


def _link_problem(pattern: str, name: str) -> str | None:
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
        return f"'{name}' may use only the bare placeholders {names} (no format spec or conversion)"
    return None


def _coerce(kind: str, value: Any, name: str, where: str) -> Any:
    def bad(expected: str) -> ConfigError:
        return ConfigError(f"{where}: '{name}' must be {expected}, not {value!r}")

    if kind == "str":
        if not isinstance(value, str):
            raise bad("a string")
        return str(value)
    if kind == "link":
        if not isinstance(value, str):
            raise bad("a string")
        problem = _link_problem(value, name)
        if problem:
            raise ConfigError(f"{where}: {problem}")
        return str(value)
    if kind == "path":
        if not isinstance(value, str) or not value.strip():
            raise bad("a relative path")
        from relnotes.fsio import relative_path_problem

        problem = relative_path_problem(value) or (None if re.match(PATH_PATTERN, value)
                                                   else "points outside the repository")
        if problem:
            raise ConfigError(f"{where}: '{name}' ({value!r}) {problem}",
                              hint="use a path relative to the repository root, without '..' or '.git'")
        return str(PurePosixPath(value.replace("\\", "/")))
    if kind in ("int", "optint", "day"):
        if kind == "optint" and value is None:
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # JSON counts 12.0 as the whole number 12; so do we
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise bad("a non-negative whole number")
        if kind == "day" and not DAYS[0] <= value <= DAYS[1]:
            raise ConfigError(f"{where}: '{name}' must be a day from {DAYS[0]} to {DAYS[1]}, not {value}")
        low, high = BOUNDS.get(re.sub(r"^projects\[\d+\]\.", "", name), (0, None))
        if not low <= value <= (high if high is not None else value):
            raise ConfigError(f"{where}: '{name}' must be from {low} to {high}, not {value}")
        return int(value)
    if kind == "branch":
        if not isinstance(value, str):
            raise bad("a string")
        if not re.match(BRANCH_PATTERN, value):
            raise ConfigError(f"{where}: '{name}' must contain '{{version}}' exactly once",
                              hint="for example release-{version}")
        return value
    if kind == "tag":
        if not isinstance(value, str):
            raise bad("a string")
        if not re.search(VFILE_PATTERN, value):
            raise ConfigError(f"{where}: '{name}' must contain '{{version}}'", hint="for example tag: 'v{version}'")
        # what the pattern makes must be a tag name git accepts (no spaces, newlines,
        # '..', '@{', leading '-'), and a short one: it is written to $GITHUB_OUTPUT
        # and tag messages as well as given to git
        from relnotes.gitargs import branch_name_problem

        problem = branch_name_problem(value.replace("{version}", "1.2.3-rc.1"))
        if problem is None and value.startswith("refs/"):
            problem = "it names a full ref; give the short tag name"
        if problem:
            raise ConfigError(f"{where}: '{name}' does not make a valid tag name: {problem}",
                              hint="for example tag: 'v{version}'")
        return value
    if kind == "credit_line":
        if not isinstance(value, str) or len(value) > CREDIT_MAX or not re.match(CREDIT_PATTERN, value):
            raise ConfigError(f"{where}: '{name}' must be one line of at most {CREDIT_MAX} characters with "
                              f"{{authors}} exactly once (a literal brace doubled), not {value!r}",
                              hint="for example line: 'Thanks to {authors}.'")
        from relnotes.markdown_screen import body_problems  # the line is data, like an entry's body

        problems = body_problems(value.format(authors="@octocat"), name, 1)[0]
        if problems:
            raise ConfigError(f"{where}: '{name}' could change the notes' structure: {problems[0].message}")
        return value
    if kind == "version":
        if not isinstance(value, str) or not re.match(VERSION_PATTERN, value):
            raise ConfigError(f"{where}: '{name}' must be a version like 0.32.0, not {value!r}")
        return value
    if kind == "sections":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise bad("a list of strings")
        if not value:
            raise ConfigError(f"{where}: '{name}' must list at least one section")
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
    if kind == "vfiles":
        if not isinstance(value, list):
            raise bad("a list of {path, pattern} mappings")
        files = []
        for item in value:
            if not isinstance(item, dict) or set(item) != {"path", "pattern"}:
                raise bad("a list of {path, pattern} mappings")
            vpath = _coerce("path", item["path"], f"{name}.path", where)
            pattern = item["pattern"]
            if not isinstance(pattern, str) or not re.search(VFILE_PATTERN, pattern):
                raise ConfigError(f"{where}: '{name}.pattern' must contain '{{version}}'")
            files.append({"path": vpath, "pattern": pattern})
        return files
    raise AssertionError(kind)  # pragma: no cover
