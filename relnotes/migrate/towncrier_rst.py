"""The inline reStructuredText of towncrier fragments, as the Markdown relnotes renders.

towncrier fragments are written for Sphinx: ``:issue:`123```, ``:pep:`8```,
``:func:`Metafunc.parametrize() <pytest.Metafunc.parametrize>```, ``:user:`octocat```,
```text <https://…>`_`` and ````literal````.  :func:`convert` turns each into what a
reader of the built documentation sees:

* roles whose address is derivable become links: ``:issue:``/``:pr:`` through the
  project's issue (or PR) URL pattern, ``:pep:`` to peps.python.org, ``:rfc:`` to the
  IETF datatracker, ``:user:`` to the contributor's GitHub page (and the handle is
  returned, for the fragment's ``authors:``);
* every other role (``:func:``, ``:external+yarl:doc:``, …) becomes code showing what
  Sphinx shows: the explicit title when there is one, else the target (the last dotted
  part for ``~target``), never the target behind a title;
* hyperlinks become Markdown links, the default role (single backquotes) code, and
  literals code.

Literal blocks become fenced code blocks (``.. code-block:: python`` with its language, and
the indented block after a paragraph ending in ``::``, which keeps one colon), their
text untouched.  Nothing else is touched (emphasis, lists and paragraphs read the same in
both).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from relnotes.patterns import lazy

PEP_URL = "https://peps.python.org/pep-{number:04d}/"
RFC_URL = "https://datatracker.ietf.org/doc/html/rfc{number}.html"
USER_URL = "https://github.com/{handle}"

# one inline token, in the order reStructuredText reads them: a literal, a role, a hyperlink
# reference (`text <url>`_ or __), an interpreted text of the default role
_TOKEN = lazy(
    r"(?P<literal>``(?P<lit>(?:[^`]|`(?!`))+?)``)"
    r"|(?P<role>:(?P<name>[A-Za-z][\w+.:-]{0,63}?):`(?P<body>[^`]+)`)"  # a role's name: at most 64
    r"|(?P<link>`(?P<ltext>[^`<]*)<(?P<url>[^`>]+)>`__?)"
    r"|(?P<ref>`(?P<rtext>[^`]+)`_(?!_))"
    r"|(?P<default>`(?P<dtext>[^`]+)`)")
_TITLE = lazy(r"^(?P<title>[^<]*)<(?P<target>[^<>]+)>$")
# (every pattern here is linear in the text: no two unbounded repeats can trade characters,
# so a 64 KiB fragment built against them converts in milliseconds; tests/test_towncrier_rst.py)
HANDLE = lazy(r"@?[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}")


class Links(NamedTuple):
    """Where numbers point: relnotes link patterns with ``{number}`` (None when unknown)."""

    issue: str | None = None
    pr: str | None = None


class Converted(NamedTuple):
    text: str
    authors: tuple[str, ...]  # handles named by :user: roles, in order, without '@'


def code(text: str) -> str:
    """``text`` as one Markdown code span (a longer fence when it holds backquotes)."""
    text = " ".join(text.split())
    fence = "`"
    while fence in text:
        fence += "`"
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _title_target(body: str) -> tuple[str | None, str]:
    m = _TITLE.match(body.strip())
    if m and m["title"].strip():
        return m["title"].strip(), m["target"]
    return None, body.strip()


def _number(target: str) -> tuple[int, str] | None:
    m = re.fullmatch(r"#?(\d{1,12})(#[\w.-]+)?", target.strip())
    return (int(m[1]), m[2] or "") if m else None


def _role(name: str, body: str, links: Links, authors: list[str]) -> str:
    title, target = _title_target(body)
    role = name.split(":")[-1].lower()
    if role in ("issue", "pr", "pull", "ghissue"):
        n = _number(target)
        pattern = links.pr if role != "issue" and links.pr else links.issue
        if n is not None and pattern:
            return f"[{title or f'#{n[0]}'}]({pattern.replace('{number}', str(n[0]))})"
    elif role == "pep":
        n = _number(target)
        if n is not None:
            return f"[{title or f'PEP {n[0]}{n[1]}'}]({PEP_URL.format(number=n[0])}{n[1]})"
    elif role == "rfc":
        n = _number(target)
        if n is not None:
            return f"[{title or f'RFC {n[0]}{n[1]}'}]({RFC_URL.format(number=n[0])}{n[1]})"
    elif role in ("user", "gh", "github"):
        handle = target.lstrip("@")
        if HANDLE.fullmatch(handle):
            authors.append(handle)
            return f"[{title or '@' + handle}]({USER_URL.format(handle=handle)})"
    if title is not None:
        return code(title)
    if target.startswith("~"):
        target = target[1:].rsplit(".", 1)[-1]
    return code(target.lstrip("!"))


_DIRECTIVE = lazy(r"^(?P<indent>[ \t]*)\.\.[ \t]+(?:code-block|code|sourcecode)::[ \t]*(?P<lang>[\w+-]*)[ \t]*$")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _blocks(text: str) -> list[tuple[bool, str]]:
    """``text`` as (is code, Markdown text) pieces: literal blocks fenced, the rest as written."""
    lines = text.split("\n")
    out: list[tuple[bool, str]] = []
    prose: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        directive = _DIRECTIVE.match(line)
        literal = not directive and line.rstrip().endswith("::") and not line.lstrip().startswith("..")
        if not (directive or literal):
            prose.append(line)
            i += 1
            continue
        base = _indent(line)
        j = i + 1
        while j < len(lines) and (not lines[j].strip() or lines[j].startswith(" ") and _indent(lines[j]) > base):
            j += 1
        body = lines[i + 1:j]
        while body and not body[-1].strip():
            body.pop()
        while body and not body[0].strip():
            body.pop(0)
        code_lines = [ln for ln in body if ln.strip()]
        if not code_lines or (not directive and j == i + 1):
            prose.append(line)
            i += 1
            continue
        depth = min(_indent(ln) for ln in code_lines)
        pad = " " * base
        if literal:
            head = line.rstrip()[:-2].rstrip()
            prose.append(head + ":" if head.strip() and not line.rstrip()[:-2].endswith((" ", "\t")) else head)
            if not head.strip():
                prose.pop()
        lang = directive["lang"] if directive else ""
        if prose:
            out.append((False, "\n".join(prose) + "\n"))
            prose = []
        fence = "```"
        while any(fence in ln for ln in body):
            fence += "`"
        block = [pad + fence + lang] + [pad + ln[depth:] if ln.strip() else "" for ln in body] + [pad + fence]
        if out and not out[-1][1].endswith("\n\n") and out[-1][1].strip():
            block.insert(0, "")
        if j < len(lines):
            block.append("")  # the blank line that ended the block
        out.append((True, "\n".join(block) + "\n"))
        i = j
    if prose:
        out.append((False, "\n".join(prose)))
    return out


def convert(text: str, links: Links = Links()) -> Converted:
    """``text`` (reStructuredText) as Markdown, and the handles its ``:user:`` roles name."""
    authors: list[str] = []

    def one(m: re.Match) -> str:
        if m["literal"]:
            return code(m["lit"])
        if m["role"]:
            return _role(m["name"], m["body"], links, authors)
        if m["link"]:
            url = m["url"].strip()
            label = m["ltext"].strip() or url
            if re.match(r"(?i)https?://|mailto:", url):
                return f"[{label}]({url})"
            return code(label)
        if m["ref"]:
            return m["rtext"]
        title, _target = _title_target(m["dtext"])
        return code(title if title is not None else m["dtext"])

    out = "".join(piece if is_code else _TOKEN.sub(one, piece) for is_code, piece in _blocks(text))
    return Converted(out.rstrip("\n") if not text.endswith("\n") else out, tuple(dict.fromkeys(authors)))
