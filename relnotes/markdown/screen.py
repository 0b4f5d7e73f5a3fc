"""A fragment's body is data: the one place that decides which bodies may be rendered.

The rule (README, "Security"): rendering a body into the notes must never create
structure that ``relnotes.notes.releases`` would read — and that GitHub would show — so a
body is refused when

* a line, in any indentation, reads as notes structure: a release or category
  heading (``## …``, ``### …``), a status line (``Unreleased.``, ``Released …``), a
  separator (``---`` or longer), or holds the archive marker;
* rendered as ``build`` renders it, a code fence it opens is not closed by a fence
  line of its own, or one of its lines falls outside the entry's bullet (read by
  :mod:`relnotes.markdown.blocks`, the notes scanner's own tracker);
* mistletoe finds a heading, thematic break or raw HTML block, or raw inline HTML other
  than :mod:`relnotes.markdown.inline_html`'s allow-list (comments included);
* a link, image, autolink or link definition targets anything but ``http``,
  ``https``, ``mailto`` or a relative reference (:func:`relnotes.markdown.safehtml.is_safe_url`);
* its containers nest deeper than :data:`relnotes.markdown.limits.MAX_NESTING`, it
  holds more than :data:`MAX_MARKUP` delimiter characters, or it needs mistletoe and
  has more than :data:`MAX_PARSED_LINES` lines;
* (with the notes file at hand, :func:`relnotes.markdown.references.reference_conflicts`) it defines a link
  label that the notes file or another fragment already defines (CommonMark's first
  definition wins, so a new entry could otherwise re-point older releases' links), or
  one that text outside it uses as a reference (the definition would turn an older
  entry's plain ``[RFC 42]`` into a link).

Line ends are normalised before any of this (CRLF and a lone CR are line ends, as
in CommonMark), so a ``\\r`` cannot hide a line from the checks.

Every scan here is a single pass over each line with no backtracking regex, so a
fragment costs time linear in its size whatever its content; mistletoe, which is
superlinear on some inputs, sees only bodies within the budgets above, and only when
a cheap screen says it could find something.
"""

from __future__ import annotations

from relnotes.errors import Problem
from relnotes.markdown import inline_html, structure
from relnotes.markdown.blocks import TOP, BlockTracker, scan
from relnotes.markdown.entry import builtin_entry, split_references
from relnotes.markdown.limits import (
    MAX_NESTING,
    MarkdownTooDeep,
    parse_bounded,
    prefix_end,
    shorten_blank_runs,
    too_deep_line,
)
from relnotes.markdown.lines import line_end_problems
from relnotes.markdown.safehtml import is_safe_url
from relnotes.markdown.structure import ARCHIVE_MARKER

_THEMATIC_CHARS = frozenset("-*_=+.)0123456789 \t")
# mistletoe's inline parser is superlinear in the number of delimiters in a paragraph
# ('](' repeated, '**a' repeated, '[a](b ' repeated) and in long runs of blanks: a 64 KiB
# body of them takes minutes.  A body may hold at most this many delimiter characters
# (real entries hold a few dozen), and blank runs inside a line are shortened before
# parsing (which changes no block, link or target).
MAX_MARKUP = 2000
# mistletoe spends tens of microseconds per line on block structure: a body that needs it
# may have at most this many lines (real entries have a handful).
MAX_PARSED_LINES = 1000
_MARKUP_CHARS = "[]<>*_`"


def normalise_line_ends(text: str) -> str:
    """CRLF and lone CR become LF: CommonMark's three line endings, one spelling."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def _risky_line(line: str) -> bool:
    """Could mistletoe read a heading, thematic break or HTML block on this line?

    The container prefix (quotes, list markers — mistletoe also takes a bare ``.`` or
    ``)`` for an ordered marker — and indentation) is skipped in one pass; the rest is
    risky if it starts with ``#`` or ``<``, or if the line is made only of the
    characters a thematic break, a setext underline or list markers use.
    """
    rest = line[prefix_end(line):]
    if rest[:1] in ("#", "<"):
        return True
    stripped = line.lstrip(" \t>")
    return len(stripped) >= 1 and all(c in _THEMATIC_CHARS for c in stripped) and any(
        c in "-*_=" for c in stripped)


def may_hold_forbidden_blocks(body: str) -> bool:
    """False only when no line can start a heading, thematic break or HTML block."""
    return any(_risky_line(line) for line in body.split("\n"))


def _may_hold_links(body: str) -> bool:
    """False only when mistletoe cannot find a link target with a scheme in ``body``.

    A scheme needs a ':' (literal, an entity or a %-escape) and a target needs
    '](' , ']:' , '][' , ']' with a definition, or an autolink's '<'.
    """
    return ("]" in body or "<" in body) and (":" in body or "&" in body or "%" in body)


# -- structure lines ---------------------------------------------------------------------


def structure_line(line: str) -> str | None:
    """What notes structure ``line`` reads as in any indentation, or None."""
    if ARCHIVE_MARKER in line:
        return "the archive marker"
    t = line.strip()
    if not t:
        return None
    if t[0] == "#":
        if structure.heading_title(t, 2) is not None:
            return "a release heading"
        if structure.heading_title(t, 3) is not None:
            return "a category heading"
        return None
    if t[0] == "-":
        return "a release separator" if structure.SEPARATOR_RE.match(t) else None
    if t[0] in "UR" and structure.STATUS_RE.match(t):
        return "a release status line"
    return None


def _structure_problems(lines: list[str], path: str, first_line: int) -> list[Problem]:
    problems = []
    for i, line in enumerate(lines):
        what = structure_line(line)
        if what:
            problems.append(Problem(path, first_line + i, 1, "structure-line",
                                    f"this line reads as {what} of the notes file (in any indentation, "
                                    "code blocks included); reword it or drop the line"))
    return problems


def _entry_problems(body: str, path: str, first_line: int) -> list[Problem]:
    """Render the body as ``build`` does (``* `` + first line, the rest indented, the
    link lines, trailing definitions, the next entry) and read it with the notes
    scanner's tracker: every body line must stay inside the entry's list item, every
    fence must be closed by a fence line, and the next entry must be top level again.

    Only bodies that can break this pay for it: an indented first line changes the
    item's content column, and fences are the only blocks that can outlive their text.
    """
    if not (body[:1] in (" ", "\t") or "```" in body or "~~~" in body):
        return []

    text = split_references(body)[0] if "]:" in body else body
    count = text.count("\n") + 1
    entry = builtin_entry(body, ["[#1](https://example.com/pull/1)"]).split("\n")
    tracker = BlockTracker()
    problems = []
    for i, line in enumerate(entry):
        kind = tracker.feed(line)
        if i < count and kind == TOP and line.strip():
            problems.append(Problem(path, first_line + i, 1, "leaves-entry",
                                    "in the notes this line would fall outside the entry's bullet (the first "
                                    "line's indentation sets where the bullet's text starts); remove the "
                                    "leading blanks of the first line"))
    tracker.feed("")
    return problems + _end_problems(path, first_line, count, tracker.unclosed, tracker.feed("### The next category"),
                                    not problems, "leaves-entry", "the text does not end with its entry: what "
                                    "follows it in the notes would be read as part of it")


def _end_problems(path: str, first_line: int, count: int, unclosed: list[int], next_kind: str, check_end: bool,
                  code: str, message: str) -> list[Problem]:
    """How a text of ``count`` lines fails to end where it should: the fences it leaves
    open (``unclosed``), and (when ``check_end``) the category heading after it in the
    notes read as anything but a heading (``next_kind``)."""
    problems = [Problem(path, first_line + min(n, count) - 1, 1, "unclosed-fence",
                        "this code fence is never closed: add a closing fence line (``` or ~~~, "
                        "as long as the opening one, nothing after it) after the code") for n in unclosed]
    if next_kind != TOP and check_end and not problems:
        problems.append(Problem(path, first_line + count - 1, 1, code, message))
    return problems


def _rendered_problems(body: str, path: str, first_line: int) -> tuple[list[Problem], list[tuple[str, str]]]:
    """The body laid out as ``build`` lays it out, read by the notes scanner (GitHub's
    block rules, where mistletoe departs from them: an empty list item, lazy lines):
    the headings and open HTML blocks it would make, and the link labels it defines."""
    text = split_references(body)[0] if "]:" in body else body
    count = text.count("\n") + 1
    outline = scan(builtin_entry(body, ["[#1](https://example.com/pull/1)"]).split("\n"))[2]
    problems = [Problem(path, first_line + count - 1, 1, "open-definition",
                        "the text ends with an unfinished link definition ('[label]:'), which would take "
                        "the entry's first link line as its target; finish or drop it")
                for line, _, _ in outline.definitions if line == count + 1]
    problems += [Problem(path, first_line + min(line, count) - 1, 1, "heading",
                        "in the notes, under the entry's bullet, this makes a heading (a line of '=' or '-' "
                        "under text, or '#'); reword it") for line, _, _ in outline.headings]
    problems += [Problem(path, first_line + min(line, count) - 1, 1, "html",
                         "in the notes this opens an HTML block that nothing closes; use Markdown")
                 for line in outline.open_html]
    return problems, [(label, dest) for _, label, dest in outline.definitions]


def _summary_problems(body: str, path: str, first_line: int) -> list[Problem]:
    """A summary as ``build`` lays it out: as itself, under the release heading, not indented
    under a bullet, a blank line and the first category after it.  Read by the notes scanner:
    it may make no heading (a setext underline, a lazy line), define no link label (a summary
    has no place for definitions: they would serve the whole file), leave no HTML block or
    fence open, and must end with itself (the next category's heading must stay one)."""
    lines = body.split("\n")
    count = len(lines)
    _, _, outline = scan(lines + ["", "### The next category"])
    problems = [Problem(path, first_line + min(line, count) - 1, 1, "heading",
                        "in the notes this makes a heading (a line of '=' or '-' under text, or '#'); reword it")
                for line, _, _ in outline.headings if line <= count]
    problems += [Problem(path, first_line + min(line, count) - 1, 1, "summary-definition",
                         f"a summary may not define a link label ([{label}]): in the notes it would serve the "
                         "whole file; write the link inline, [text](url)") for line, label, _ in outline.definitions]
    problems += [Problem(path, first_line + min(line, count) - 1, 1, "html",
                         "in the notes this opens an HTML block that nothing closes; use Markdown")
                 for line in outline.open_html]
    problems += [Problem(path, first_line + n, 1, "summary-bullet",
                         "in the notes a '* ' or '- ' at the start of a line is an entry outside any category, "
                         "not part of the summary; number the list (1. 2.), use '+ ', or indent it")
                 for n, line in enumerate(lines) if structure.ENTRY_BULLET_RE.match(line)]
    tracker, ended = BlockTracker(), BlockTracker()
    for line in lines:
        tracker.feed(line)
        ended.feed(line)
    ended.finish()  # at the top level a fence runs on past the text: the text's end says so
    tracker.feed("")
    return problems + _end_problems(path, first_line, count, ended.unclosed, tracker.feed("### The next category"),
                                    not problems, "leaves-summary", "the text does not end with itself: the "
                                    "category heading after it in the notes would be read as part of it")


def _rule_after_bullet(first: str, path: str, line: int) -> list[Problem]:
    """A first line of two or more of one of ``-*_`` (and blanks) makes the rendered
    entry a horizontal rule, not an entry, under either bullet (``* **``, ``- --``):
    on its own the body is no rule, so mistletoe cannot see it."""
    t = first.strip(" \t")
    if t and t[0] in "-*_" and not t.replace(t[0], "").strip(" \t") and t.count(t[0]) >= 2:
        return [Problem(path, line, 1, "rule-after-bullet",
                        "after the entry's bullet ('* ' or '- ') this first line reads as a horizontal "
                        "rule, not as an entry; reword it")]
    return []


# -- mistletoe ---------------------------------------------------------------------------


def markdown_problems(body: str, path: str, first_line: int, *, blocks: bool = True, links: bool = True,
                      html: bool = True) -> tuple[list[Problem], tuple[tuple[str, str], ...]]:
    """mistletoe's view: forbidden blocks, inline HTML, unsafe link targets, defined labels."""
    from mistletoe import Document, block_token, span_token
    from mistletoe.markdown_renderer import MarkdownRenderer
    from mistletoe.utils import traverse

    forbidden = {
        block_token.Heading: ("heading", "headings are not allowed in a fragment; the section comes from 'section:'"),
        block_token.SetextHeading: ("heading", "headings are not allowed in a fragment (a line of '=' or '-' under text makes one)"),
        block_token.ThematicBreak: ("thematic-break", "thematic breaks ('---', '***') are not allowed in a fragment"),
        block_token.HtmlBlock: ("html", "raw HTML blocks are not allowed in a fragment; use Markdown"),
    }
    problems: list[Problem] = []
    text = shorten_blank_runs(body)
    with MarkdownRenderer():
        try:
            doc = parse_bounded(Document, text)
        except MarkdownTooDeep as e:
            return [Problem(path, first_line + e.line - 1, 1, "too-deep",
                            f"Markdown nested more than {MAX_NESTING} levels deep; flatten the quotes or lists")], ()
        # span tokens have no line: they take their block's (traverse goes breadth first,
        # so a parent is always seen before its children)
        lines_of: dict[int, int] = {id(doc): first_line}
        for r in traverse(doc):
            node = r.node
            ln = getattr(node, "line_number", None)
            line = first_line + ln - 1 if ln else lines_of.get(id(r.parent), first_line)
            lines_of[id(node)] = line
            if blocks:
                hit = forbidden.get(type(node))
                if hit is not None:
                    problems.append(Problem(path, line, 1, *hit))
            found = inline_html.refused(node, r.parent, span_token, block_token) if html else None
            if found:
                problems.append(inline_html.problem(text.split("\n"), found, path, first_line, line))
            if not links:
                continue
            target = None
            if isinstance(node, (span_token.Link, span_token.AutoLink)):
                target = node.target
            elif isinstance(node, span_token.Image):
                target = node.src
            if target is not None and not is_safe_url(target):
                problems.append(_unsafe(path, line, target))
        defined = tuple((label, dest) for label, (dest, _title) in doc.footnotes.items())
        for label, (dest, _title) in doc.footnotes.items():
            if links and not is_safe_url(dest):
                problems.append(_unsafe(path, first_line, dest, f" (link definition [{label}])"))
    return problems, defined


def _unsafe(path: str, line: int, target: str, where: str = "") -> Problem:
    shown = target if len(target) <= 60 else target[:57] + "..."
    return Problem(path, line, 1, "unsafe-link",
                   f"link target {shown!r}{where} is not allowed: use an http, https or mailto "
                   "URL or a relative link")


# A line whose first non-blank character is none of these, indented less than 17
# columns, can be no structure line, no forbidden block and no deep nesting.
_SPECIAL_FIRST = frozenset("#-*+_=<>`~0123456789.)UR")


def _plain(lines: list[str]) -> bool:
    """True when no line can need the line-by-line checks (most bodies: prose)."""
    for line in lines:
        t = line.lstrip(" \t")
        if t and (t[0] in _SPECIAL_FIRST or len(line) - len(t) > 16):
            return False
    return True


def body_problems(body: str, path: str, first_line: int, *,
                  summary: bool = False) -> tuple[list[Problem], tuple[tuple[str, str], ...]]:
    """Every reason ``body`` (line ends normalised) may not be rendered, and the link
    definitions it makes (normalised label, destination), for
    :func:`relnotes.markdown.references.reference_conflicts`.  ``summary``: the body is a
    release summary, rendered as itself (not under a bullet), which may define no label."""
    lines = body.split("\n")
    disputed = line_end_problems(body, path, first_line)
    if disputed:
        return disputed, ()
    plain = _plain(lines) and ARCHIVE_MARKER not in body
    # first: the scans below open a line's containers one level at a time, which a line of
    # 30,000 levels ('- - - … x') made quadratic (minutes for one summary)
    deep = None if plain else too_deep_line(body)
    if deep is not None:
        return [Problem(path, first_line + deep - 1, 1, "too-deep",
                        f"Markdown nested more than {MAX_NESTING} levels deep; flatten the quotes or lists")], ()
    problems = [] if plain else _structure_problems(lines, path, first_line)
    if summary:
        problems += _summary_problems(body, path, first_line)
    else:
        problems += _entry_problems(body, path, first_line)
    if not plain and not summary:
        problems += _rule_after_bullet(lines[0], path, first_line)
    # Checked for every body, not only those parsed here: `show --format html` and the
    # site parse every entry, and this bound keeps that parse fast too.
    markup = sum(body.count(c) for c in _MARKUP_CHARS)
    if markup > MAX_MARKUP:
        problems.append(Problem(path, first_line, 1, "too-much-markup",
                                f"the text holds {markup} Markdown delimiters ({' '.join(_MARKUP_CHARS)}); "
                                f"at most {MAX_MARKUP} are allowed: shorten it or split it into fragments"))
        return problems, ()
    blocks = not plain and may_hold_forbidden_blocks(body)
    links = _may_hold_links(body)
    html = "<" in body
    if not (blocks or links or html):
        return problems, ()
    if len(lines) > MAX_PARSED_LINES:
        problems.append(Problem(path, first_line, 1, "too-long",
                                f"the text has {len(lines)} lines with Markdown that needs checking; at most "
                                f"{MAX_PARSED_LINES} can be checked: shorten it or split it into fragments"))
        return problems, ()
    more, labels = markdown_problems(body, path, first_line, blocks=blocks, links=links, html=html)
    # a '## x' line is one problem: mistletoe's heading message is the more helpful one
    said = {p.line for p in more if p.code in ("heading", "thematic-break", "html")}
    problems = [p for p in problems if not (p.code == "structure-line" and p.line in said)]
    said |= {p.line + 1 for p in more if p.code == "heading"}  # a setext heading: mistletoe names its text
    if summary:  # its layout is itself: the scan above saw what the notes would
        seen = {p.line for p in problems if p.code in ("heading", "html")}
        more = [p for p in more if not (p.code in ("heading", "html") and p.line in seen)]
        return sorted(problems + more, key=lambda p: p.line), ()
    if blocks or "]:" in body:
        rendered, found = _rendered_problems(body, path, first_line)
        said |= {p.line for p in problems}
        problems += [p for p in rendered if p.line not in said]
        known = {label for label, _ in labels}
        labels = labels + tuple((label, dest) for label, dest in found if label not in known)
    return sorted(problems + more, key=lambda p: p.line), labels
