"""Parse and validate fragments: YAML front matter plus a Markdown body.

Every problem is a :class:`~relnotes.errors.Problem` with ``path:line:col``; a file
yields all its problems at once, and :func:`load_all` collects them over the whole
fragments directory, so a contributor fixes everything in one round.

Speed without a second semantics: most fragments have three or four ``key: value``
lines and a plain paragraph.  :func:`relnotes.fragments.front_matter.simple_front_matter` reads exactly that
subset of YAML and gives up (returns None) on anything else, handing the text to
ruamel.yaml's safe loader.  What a body may contain is decided in
:mod:`relnotes.markdown.screen` (an entry is data).  Tests prove that both
fast paths agree with the full parsers on generated input.
"""

import os
from pathlib import Path
from typing import Any, NamedTuple

from relnotes.cache import ParseCache
from relnotes.config.load import Config
from relnotes.errors import Problem, ValidationError
from relnotes.fragments import schema as fragment_schema
from relnotes.fragments.front_matter import key_lines, simple_front_matter, yaml_load
from relnotes.fragments.schema import ADVISORY_PATTERN, KEYS  # noqa: F401  (re-exported)
from relnotes.fsio import escape_problem, is_temp, list_dir
from relnotes.markdown.lines import expand_indent_tabs
from relnotes.markdown.screen import body_problems, normalise_line_ends
from relnotes.patterns import lazy

MAX_FRAGMENT_BYTES = 64 * 1024
FRAGMENT_SUFFIX = ".md"
PLACEHOLDER = "Describe the change for users here, in one or more sentences."
# Files that may sit in the fragments directory without being fragments.
IGNORED_NAMES = frozenset({".gitkeep", ".gitignore", "README.md"})

# Compiled on first use (relnotes.patterns): only needed when a fragment is parsed, so a
# run whose fragments all come from the parse cache never pays to compile it.
_FRONT_MATTER = lazy(r"(?s)\A---[ \t]*\n(?P<yaml>(?:.*?\n)??)---[ \t]*(?:\n|\Z)")


class Fragment(NamedTuple):
    """A valid fragment, ready to render."""

    path: str  # as shown to users (relative to the repository root)
    name: str
    section: str
    body: str  # Markdown, stripped of surrounding blank lines
    prs: tuple[int, ...] = ()
    issues: tuple[int, ...] = ()
    advisories: tuple[str, ...] = ()
    breaking: bool = False
    backport: bool = False
    body_line: int = 1
    labels: tuple[tuple[str, str], ...] = ()  # the body's link definitions: (label, destination)
    order: int = 0  # an explicit position in its category (imported entries); 0 for none
    authors: tuple[str, ...] = ()  # handles to credit, without '@'
    fields: tuple[tuple[str, Any], ...] = ()  # every declared custom field: (name, value or default)
    # "entry" (in its section), "summary" (prose under the release heading) or "uncategorised"
    # (a bullet under the release heading); the last two have no section ("")
    kind: str = "entry"
    # the SHA-256 of the file's bytes as loaded (``load_all(digests=True)``), for the write
    # journal's record of what it removes; "" when not asked for (or read through a link)
    digest: str = ""

    def sort_key(self, order: str) -> tuple:
        """Fragments with an ``order`` first, by it (an imported section keeps its editorial
        order under any configuration); then the configured order."""
        explicit = self.order or float("inf")
        if order == "file":
            return (explicit, self.name)
        return (explicit, self.prs[0] if self.prs else float("inf"), self.name)

    def as_dict(self) -> dict:
        return {
            "path": self.path,
            "section": self.section,
            "kind": self.kind,
            "prs": list(self.prs),
            "issues": list(self.issues),
            "advisories": list(self.advisories),
            "breaking": self.breaking,
            "backport": self.backport,
            "order": self.order or None,
            "authors": list(self.authors),
            "fields": {k: list(v) if isinstance(v, tuple) else v for k, v in self.fields},
            "body": self.body,
        }


class LoadResult(NamedTuple):
    fragments: list[Fragment]
    problems: list[Problem]


# -- one file --------------------------------------------------------------------------


def parse_text(raw: str, path: str, sections: tuple[str, ...], *,
               fields: tuple = ()) -> tuple[Fragment | None, list[Problem]]:
    """Parse and validate one fragment's text; (fragment, []) or (None, problems).

    ``fields``: the custom fields the configuration declares (``cfg.fields``)."""
    text = normalise_line_ends(raw.lstrip("\ufeff"))
    name = os.path.basename(path)
    m = _FRONT_MATTER.match(text)
    if not m:
        if text.startswith("---"):
            return None, [Problem(path, 1, 1, "front-matter",
                                  "front matter is not closed: add a line '---' after the YAML keys")]
        return None, [Problem(path, 1, 1, "front-matter",
                              "no front matter: start the file with '---', 'section: …', '---'")]
    head = m["yaml"] or ""
    body_raw = text[m.end():]
    first_line = 2  # the YAML starts on the line after the opening '---'
    data: object = simple_front_matter(head)
    problems: list[Problem] = []
    if data is None:
        data, problems = yaml_load(head, path, first_line)
        if problems:
            return None, problems
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return None, [Problem(path, first_line, 1, "front-matter",
                              "front matter must be a mapping of keys (section: …, prs: […])")]
    where: dict[str, tuple[int, int]] | None = None

    def at(key: str) -> tuple[int, int]:
        nonlocal where
        if where is None:  # only a fragment with a problem pays for locating its keys
            where = key_lines(head)
        ln, col = where.get(key, (0, 0))
        return first_line + ln, col + 1

    def report(key: str | None, code: str, message: str) -> None:
        problems.append(Problem(path, *(at(key) if key is not None and key in data else (first_line, 1)),
                                code, message))

    def screen(text: str) -> list[str]:  # a custom field's text is data, like the body
        return [p.message for p in body_problems(text, path, first_line)[0]]

    values = fragment_schema.validate(data, sections, report, fields, screen)
    kind = values.get("kind") or fragment_schema.ENTRY
    canonical = values.get("section") if kind == fragment_schema.ENTRY else ""
    prs, issues = values.get("prs", ()), values.get("issues", ())
    advisories = values.get("advisories", ())
    flags = {k: values.get(k, False) for k in ("breaking", "backport")}
    position = values.get("order", 0)

    # The body: its first non-blank line, for messages.
    body_start_line = text[: m.end()].count("\n") + 1
    if m.end() == len(text) and not text.endswith("\n"):
        body_start_line = text.count("\n") + 2
    lines = body_raw.split("\n")
    lead = 0
    while lead < len(lines) and not lines[lead].strip():
        lead += 1
    body = "\n".join(expand_indent_tabs(line.rstrip()) for line in lines[lead:]).strip("\n")
    body_line = body_start_line + lead
    labels: tuple[tuple[str, str], ...] = ()
    if not body.strip():
        problems.append(Problem(path, body_start_line, 1, "body-empty",
                                "the fragment has no text: describe the change below the front matter"))
    elif PLACEHOLDER in body:
        problems.append(Problem(path, body_line, 1, "body-placeholder",
                                "the fragment still has the placeholder text: replace it with a description"))
    else:
        body_issues, labels = body_problems(body, path, body_line, summary=kind == fragment_schema.SUMMARY)
        problems.extend(body_issues)
    if problems:
        return None, problems
    assert canonical is not None
    return Fragment(path=path, name=name, section=canonical, body=body, prs=prs, issues=issues,
                    advisories=tuple(advisories), breaking=flags["breaking"],
                    backport=flags["backport"], body_line=body_line, labels=labels,
                    order=position, authors=values.get("authors", ()),
                    fields=tuple(values.get("fields", {}).items()), kind=kind), []


def read_file(p: Path, shown: str, root: Path) -> tuple[str | None, list[Problem]]:
    """Read a fragment's bytes safely: size, symlinks, encoding."""
    try:
        if p.is_symlink() and escape_problem(root, p):
            return None, [Problem(shown, 1, 1, "symlink",
                                  "is a symbolic link to a file outside the repository (or inside .git); "
                                  "fragments must be real files")]
        if not p.is_file():
            return None, [_not_a_file(shown, p.is_dir())]
        size = p.stat().st_size
        if size > MAX_FRAGMENT_BYTES:
            return None, [Problem(shown, 1, 1, "too-large",
                                  f"is {size} bytes; a fragment may be at most {MAX_FRAGMENT_BYTES} bytes")]
        data = p.read_bytes()
    except OSError as e:
        return None, [Problem(shown, 1, 1, "unreadable", f"cannot be read: {e.strerror}")]
    return _decode(data, shown)


def _not_a_file(shown: str, is_dir: bool) -> Problem:
    what = "a directory" if is_dir else "not a regular file (a FIFO, socket or device)"
    return Problem(shown, 1, 1, "not-a-file", f"is {what}; the fragments directory holds only fragment files")


def load_all(frag_dir: Path, root: Path, sections: tuple[str, ...], *, use_cache: bool = True,
             fields: tuple = (), digests: bool = False) -> LoadResult:
    """Load every fragment; anything in the directory that is not one is a problem.

    One ``scandir`` pass: the directory entry already says whether a name is a file,
    a directory or a link, so a regular fragment costs one open and one read.  Parse
    results come from the content-addressed cache (``relnotes.cache``) when the same
    bytes were parsed before.  ``digests``: each fragment also carries the SHA-256 of the
    bytes it was parsed from, so a command that removes it journals what it read
    (:func:`relnotes.transaction.apply`) instead of opening every file a second time.
    """
    sha256 = _sha256() if digests else None
    entries = list_dir(root, frag_dir, what="fragments directory")  # confined: exit 2 if it leads out
    cache = ParseCache(root, sections, fields) if use_cache else None
    if cache is not None and cache.path is None:  # outside git (or RELNOTES_NO_CACHE): no key to compute
        cache = None
    result = LoadResult([], [])
    prefix = _shown(frag_dir, root) + "/"
    for e in entries:
        name = e.name
        shown = prefix + name
        link = e.is_symlink()
        if not link and (name in IGNORED_NAMES or name[:1] == "." and is_temp(name)) and e.is_file():
            continue
        if not link and not e.is_file():  # opening a FIFO would block until a writer comes
            result.problems.append(_not_a_file(shown, e.is_dir()))
            continue
        if not name.endswith(FRAGMENT_SUFFIX) or name.startswith("."):
            result.problems.append(Problem(
                shown, 1, 1, "not-a-fragment",
                f"is not a fragment: fragment files end in '{FRAGMENT_SUFFIX}' and do not start with '.'; "
                f"rename it or move it out of {prefix}"))
            continue
        if link:
            text, problems = read_file(Path(e.path), shown, root)
            frag, problems = (parse_text(text, shown, sections, fields=fields) if text is not None
                              else (None, problems))
        else:
            data, problems = _read_bytes(e.path, shown)
            if data is None:
                result.problems.extend(problems)
                continue
            frag, problems = _parse_cached(cache, data, shown, name, sections, fields,
                                           sha256(data).hexdigest() if sha256 is not None else "")
        if frag is None:
            result.problems.extend(problems)
        else:
            result.fragments.append(frag)
    if cache is not None:
        cache.save()
    result.problems.extend(duplicate_problems(result.fragments))
    return result


def _parse_cached(cache, data: bytes, shown: str, name: str, sections,
                  fields: tuple = (), digest: str = "") -> tuple[Fragment | None, list[Problem]]:
    """parse_text on the decoded bytes, through the cache when there is one; the
    Fragment carries ``digest``."""
    key = cache.key(shown, data) if cache is not None else None
    rec = cache.get(key) if cache is not None else None
    if rec is not None and rec[0] == "ok" and len(rec) != len(Fragment._fields) - 2:
        rec = None  # written before the Fragment had its present fields: parse again
    if rec is not None:
        if rec[0] == "ok":  # the Fragment's fields after path and name but the digest, tuples and all
            return Fragment._make((shown, name, *rec[1:], digest)), []
        return None, [Problem(*p) for p in rec[1]]
    text, problems = _decode(data, shown)
    frag, problems = parse_text(text, shown, sections, fields=fields) if text is not None else (None, problems)
    if frag is not None and digest:
        frag = frag._replace(digest=digest)
    if cache is not None:
        if frag is not None:
            cache.put(key, ("ok", *frag[2:-1]))  # not the digest: a record is for any load
        else:
            cache.put(key, ("problems", [tuple(p) for p in problems]))
    return frag, problems


def _sha256():
    import hashlib  # stdlib, 2.4 ms to import: only a command that removes fragments pays for it

    return hashlib.sha256


_CHUNK = 64 * 1024
# O_NOFOLLOW: an entry that was a regular file when listed is never followed if it
# became a symbolic link since (links go through read_file and its confinement check)
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOFOLLOW", 0)


def _read_bytes(path: str, shown: str) -> tuple[bytes | None, list[Problem]]:
    """Read a regular file: at most the size limit plus one byte.

    ``os.open``/``os.read`` rather than ``open()``: no buffered file object per
    fragment, half the time at 10 000 fragments.
    """
    limit = MAX_FRAGMENT_BYTES + 1
    try:
        fd = os.open(path, _READ_FLAGS)
        try:
            # 64 KiB at a time: asking for the whole limit would allocate (and page-fault)
            # a 1 MiB buffer per fragment, 0.3 s at 1 000 fragments
            data = os.read(fd, _CHUNK)
            # a regular file's read comes back short only at its end, so a fragment
            # (well under 64 KiB) costs one read, not a second one that returns b""
            more = data
            while len(more) == _CHUNK and len(data) < limit:
                more = os.read(fd, _CHUNK)
                data += more
            if len(data) >= limit:
                size = os.fstat(fd).st_size
                return None, [Problem(shown, 1, 1, "too-large",
                                      f"is {size} bytes; a fragment may be at most {MAX_FRAGMENT_BYTES} bytes")]
        finally:
            os.close(fd)
    except OSError as e:
        return None, [Problem(shown, 1, 1, "unreadable", f"cannot be read: {e.strerror}")]
    return data, []


def _decode(data: bytes, shown: str) -> tuple[str | None, list[Problem]]:
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        return None, [Problem(shown, line, 1, "encoding",
                              f"is not UTF-8 (byte 0x{data[e.start]:02x} at offset {e.start}); save it as UTF-8")]


def duplicate_problems(fragments: list[Fragment]) -> list[Problem]:
    """Two fragments that would render to the same entry: same section, body and links.

    One PR in two *different* entries of a section is real (Wasmtime 17.0.0 Added
    #7649, 22.0.0 Changed #8581, 28.0.0 Added #9614), so a shared PR alone is fine;
    these are exactly the entry renderer's inputs, so equal keys mean equal entries.
    """
    if len({(f.kind, f.section, f.body, f.prs, f.issues, f.advisories) for f in fragments}) == len(fragments):
        return []  # the common case, without sorting 10,000 names for messages nobody reads
    seen: dict[tuple, str] = {}
    problems = []
    for f in sorted(fragments, key=lambda f: f.name):
        key = (f.kind, f.section, f.body, f.prs, f.issues, f.advisories)
        if key in seen:
            problems.append(Problem(f.path, f.body_line, 1, "duplicate-entry",
                                    f"renders the same entry as {seen[key]} in "
                                    f"{repr(f.section).join(('section ', '')) if f.section else 'the ' + f.kind + ' fragments'}; "
                                    f"delete one of the two fragments"))
        else:
            seen[key] = f.path
    return problems


def _shown(p: Path, root: Path) -> str:
    try:
        return p.relative_to(root).as_posix()
    except ValueError:
        return str(p)


def json_schema(sections: tuple[str, ...], fields: tuple = ()) -> dict:
    """JSON Schema for the front matter (generated from relnotes.fragments.schema.FIELDS and
    the declared custom fields)."""
    return fragment_schema.json_schema(sections, fields)


def pending_fragments(cfg: Config, *, digests: bool = False) -> list[Fragment]:
    """Every fragment, validated; ValidationError (exit 1) listing all problems.
    ``digests``: for a command that will remove them (see :func:`load_all`)."""
    res = load_all(cfg.fragments_path, cfg.root, cfg.sections, fields=cfg.fields, digests=digests)
    if res.problems:
        raise ValidationError(res.problems, "fragments have problems; nothing was changed")
    return res.fragments
