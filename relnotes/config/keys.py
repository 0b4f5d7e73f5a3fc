"""Every key of ``relnotes.yaml``: the one declarative table (:data:`SCHEMA`) with each key's
kind, default and meaning, and the words, bounds and patterns the kinds are checked with.

Data only: :mod:`relnotes.config.rules` holds the rules that apply it, and
:mod:`relnotes.config.schema` turns the same table into the JSON Schema, so the check and
the editors' schema cannot drift apart.  Patterns are valid in Python and ECMA-262 alike.
"""

from typing import Any

# key: (type, default, description).  A dict value instead of a tuple is a nested table.
# Types: "str", "repository", "int", "optint", "day", "bool", "date", "path", "link", "branch", "tag", "version",
# "strlist", "sections", "headings", "line", "vfiles", "argvs", "inline", "heading", and the one-word kinds of ENUMS ("order", "weekend", "cadence", "versioning", …).  Each kind's rule is written once as a
# pattern or bound that both coerce and json_schema read (tests/test_schema_agreement.py).
SCHEMA: dict[str, Any] = {
    "preset": ("preset", "plain",
               "Conventions the other keys default to: 'plain' (no release calendar or support policy), "
               "'wasmtime' (Wasmtime's format, monthly calendar and LTS policy) or 'keepachangelog' "
               "(CHANGELOG.md in the Keep a Changelog format). Keys set here override the preset."),
    "project": ("line", "", "Project name used in messages and templates (empty: the repository "
                           "directory's name)."),
    "repository": ("repository", "", "Repository URL; {repository} in link patterns. Empty (unknown): PR, issue "
                              "and advisory references are plain text (#123) and the archive list has no links."),
    "notes_file": ("path", "RELEASES.md", "The notes file, relative to the repository root."),
    "notes_format": ("notes_format", "releases",
                     "The notes file's format: 'releases' (Wasmtime's RELEASES.md: '## X.Y.Z', a status line, "
                     "release branches) or 'keepachangelog' (Keep a Changelog 1.1.0: '## [Unreleased]', "
                     "'## [X.Y.Z] - DATE', compare links at the bottom; released from one branch) or 'rst' "
                     "(reStructuredText in towncrier's layout: 'project X.Y.Z (DATE)' titles below "
                     "'.. towncrier release notes start'; entries converted from Markdown; one branch)."),
    "fragments_dir": ("path", "changes.d", "Where fragments live, relative to the root."),
    "templates_dir": ("path", "templates", "Template overrides (built-ins ship in the package)."),
    "sections": ("sections", ["Added", "Changed", "Fixed", "Removed", "Deprecated", "Security"],
                 "Allowed fragment sections, in the order categories are created: at least one, "
                 "no name twice (in any case: Added and added count as the same)."),
    "template_sections": ("headings", ["Added", "Changed"],
                          "Categories a fresh release section starts with (cut, init); each must be one "
                          "of 'sections' (any case), which relnotes check enforces across the two keys."),
    "patch_sections": ("headings", [],
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
    "release_branches": ("branches", [],
                         "More names of release branches, each a pattern with {version} exactly once, for the "
                         "questions that read every release branch (when, history, support, backports, archive, "
                         "site); {version} may be a major.minor there (Wasmtime's stable-v0.26 under "
                         "'stable-v{version}'). cut still makes release_branch."),
    "main_branch": ("str", "main", "The development branch that cut works on."),
    "remote": ("remote", "origin",
               "The remote whose release branches history, site, archive, backports and when read (as "
               "remote-tracking branches, besides local ones); another remote's, a fork's, are ignored."),
    "archive": {
        "label": ("line", "{major}.{minor}.x", "Archive link label pattern."),
        "oldest_suffix": ("line", "", "Appended to the oldest archive label."),
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
        "weekend": ("weekend", "keep",
                    "A release day on a Saturday or Sunday: 'keep' it, 'next-monday' (the Monday after; "
                    "'monday' is the same) or 'previous-friday' (the Friday before)."),
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
        "mode": ("gatemode", "require",
                 "What 'check --base' does with a change that needs a fragment and has none: 'require' fails "
                 "it (exit 1); 'advise' passes it (exit 0) with the same message as a warning, in the preview "
                 "and the PR comment (for projects that write notes in bulk)."),
        "require_for": {
            "paths": ("strlist", [], "With paths or labels set, only a change that touches one of these globs "
                                     "(or carries one of the labels) must have a fragment; any other is advised."),
            "labels": ("strlist", [], "PR labels whose changes must have a fragment (see require_for.paths)."),
        },
    },
    "commit": {
        "cut": ("str", "Bump {project} to {version}", "Commit message for 'cut --commit'."),
        "release": ("str", "Release {project} {version}", "Commit message for 'release --commit'."),
        "rc": ("str", "Release {project} {version}", "Commit message for 'rc --commit'."),
        "marker": ("str", "[automatically-tag-and-release-this-commit]",
                   "Added to release and candidate commits; 'relnotes tag' tags a HEAD that carries it."),
    },
    "tag": ("tag", "v{version}", "Tag name pattern for 'relnotes tag', with {version}; what it makes must be a "
                                 "valid git tag name (check-ref-format) that does not start with 'refs/'. "
                                 "When not set, 'next' reads the repository's newest tags to tell "
                                 "v{version} from {version}."),
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
    "hooks": {
        "bump": ("argvs", [], "Commands cut, rc, release and patch run (never check, build or show) after "
                              "writing the version files, each an argument list run without a shell in the "
                              "repository root with RELNOTES_OLD_VERSION and RELNOTES_NEW_VERSION set; the "
                              "files they change join the release commit: [[cargo, update, --workspace, "
                              "--offline]]."),
        "timeout": ("int", 600, "Seconds each 'hooks.bump' command may run before it is stopped (a failure)."),
    },
    "branching": ("branching", "one-branch",
                  "How the project releases: 'one-branch' (every release from the main branch: 'relnotes release' "
                  "turns the pending fragments into the next version's section, stamped, committed and tagged) "
                  "or 'release-branches' (cut a release branch, then release and patch on it; Wasmtime's)."),
    "base_version": ("optversion", "",
                     "The version the project had when relnotes was set up ('relnotes init' reads it from "
                     "pyproject.toml, package.json, Cargo.toml or __version__): 'relnotes next' counts from it "
                     "while the notes have no released section and git no release tag. Empty: none."),
    "versioning": ("versioning", "semver",
                   "How the next version is chosen: 'semver' (from the changes: the bump rules and "
                   "'breaking: true'; relnotes next, cut and release use it), 'pep440' (Python's versions: "
                   "1.2.0rc1, 2.0.dev3, 1.0.post1, 0.27.0+dev, bumped as semver is, written in canonical form), "
                   "'calver' (calendar versions in the 'calver' format: the next one is today's) or "
                   "'major-per-release' (every release is a new major, Wasmtime's scheme)."),
    "calver": ("calver", "YY.N",
               "The calendar version format under 'versioning: calver': YY.N (pip: 26.0, 26.1, ... a new year "
               "starts at .0), YYYY.N, YY.N.MICRO, YY.MM, YY.0M, YY.MM.MICRO, YY.0M.MICRO, YYYY.MM.MICRO, "
               "YYYY.MM.DD or YYYY.0M.0D (0M, 0D: zero-padded). A fix-only release, or a second one in the "
               "same period, adds or raises a last bug-fix number (26.3.1)."),
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
    "projects": ("projects", [], "A monorepo's packages, each with its own notes: a list of "
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
    "weekend": ("keep", "next-monday", "previous-friday", "monday"),
    "gatemode": ("require", "advise"),
    "preset": ("plain", "wasmtime", "keepachangelog"),
    "cadence": ("none", "monthly"),
    "credit_style": ("link", "mention", "none"),
    "notes_format": ("releases", "keepachangelog", "rst"),
    "versioning": ("semver", "pep440", "calver", "major-per-release"),
    "calver": ("YY.N", "YYYY.N", "YY.N.MICRO", "YY.MM", "YY.0M", "YY.MM.MICRO", "YY.0M.MICRO", "YYYY.MM.MICRO",
               "YYYY.MM.DD", "YYYY.0M.0D"),
    "branching": ("one-branch", "release-branches"),
    "bumplevel": ("major", "minor", "patch"),
    "breakingstyle": ("group", "prefix", "none"),
}


# Numbers the calendar computes with, bounded so that every date it derives stays
# within what a date can hold (years 1 to 9999) for any sensible project.
BOUNDS: dict[str, tuple[int, int]] = {
    "schedule.anchor_version": (0, 100_000),
    "support.lts_every": (1, 1000),
    "hooks.timeout": (1, 86_400),
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
# a remote's name: one path segment git accepts, so that refs/remotes/NAME/ names its branches only
REMOTE_PATTERN = r"^(?![\s\S]*\.\.)(?![\s\S]*\.lock(?![\s\S]))[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}(?![\s\S])"
BRANCH_PATTERN = r"^(?:(?!\{version\})[\s\S])*\{version\}(?:(?!\{version\})[\s\S])*$"
VERSION_PATTERN = (r"^\s*v?(?:0|[1-9][0-9]*)\.(?:0|[1-9][0-9]*)\.(?:0|[1-9][0-9]*)"
                   r"(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?\s*$")
# a version in any scheme (semver's, PEP 440's 1.2.0rc1, CalVer's 26.3): read then by the scheme
ANY_VERSION_PATTERN = r"^\s*v?[0-9](?:[0-9A-Za-z!+_-]|\.(?=[0-9A-Za-z])){0,63}\s*$"
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}(?![\s\S])"  # the very end, as in ECMA-262
VFILE_PATTERN = r"\{version\}"
# a version file's pattern holds a placeholder (relnotes.config.vpatterns: the whole language)
ARGV_LIMITS = (20, 100, 4096)  # hooks.bump: commands, arguments per command, characters per argument
VFILE_SLOT_PATTERN = r"\{(?:version|pre|(?:major|minor|patch|[0-9]{1,6})(?:[+-](?:major|minor|patch|[0-9]{1,6})){0,7})\}"
# one line of literal text (doubled braces for a brace) with {authors} exactly once
CREDIT_PATTERN = (r"^(?:[^{}\r\n]|\{\{|\}\})*\{authors\}(?:[^{}\r\n]|\{\{|\}\})*(?![\s\S])")
CREDIT_MAX = 200
# breaking_changes.prefix: one line (no control character) of at most 100 characters that
# cannot start a Markdown block inside the bullet it begins (no blank, list marker, heading,
# quote, table, fence or thematic break at its start) and holds no link, HTML, code or escape
# (no [ ] ( ) < > ` \), so it cannot join the entry's own text into a link the body screen never saw.
INLINE_PATTERN = (r"^(?![ \t#>|=]|[-+*](?:[ \t]|(?![\s\S]))|[0-9]{1,9}[.)]|~~~"
                  r"|[-*_](?:[ \t]*[-*_]){2,}[ \t]*(?![\s\S]))[^\x00-\x1f\x7f\x85\u2028\u2029\[\]()<>`\\]{1,100}(?![\s\S])")
# breaking_changes.heading: the title of a '### ' heading, on one line, without blanks or '#'
# at its ends (a closing '#' would be read as part of the heading's markup), and like the
# prefix without link, HTML or code characters.
# project, archive.label, archive.oldest_suffix: text the notes show inside a sentence or a
# link label: one line (no line end of any parser's, no control character), no [ ] < > ` \
LINE_PATTERN = r"^[^\x00-\x1f\x7f\x85\u2028\u2029\[\]<>`\\]{0,200}(?![\s\S])"
HEADING_PATTERN = (r"^(?![ \t#])[^\x00-\x1f\x7f\x85\u2028\u2029\[\]()<>`\\]{0,79}"
                   r"[^\x00-\x1f\x7f\x85\u2028\u2029\[\]()<>`\\ \t#]"
                   r"(?![\s\S])")
