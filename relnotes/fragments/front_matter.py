"""A fragment's YAML front matter: a fast reader for the plain subset, ruamel for the rest.

Most fragments have three or four ``key: value`` lines.  :func:`simple_front_matter`
reads exactly that subset of YAML with string operations (no backtracking regex over
a line: a stranger's fragment may hold 64 KiB of blanks) and gives up (returns None)
on anything else, handing the text to ruamel.yaml's safe loader (:func:`yaml_load`),
which is given a depth limit.  A test proves both agree on generated input.
"""

from relnotes.config.yamlguard import refused_node
from relnotes.errors import Problem
from relnotes.patterns import lazy

MAX_YAML_DEPTH = 20

_SIMPLE_KEY = lazy(r"[A-Za-z_][A-Za-z0-9_]*:")
_SIMPLE_WORD = lazy(r"^[A-Za-z][A-Za-z0-9_ -]*[A-Za-z0-9_]$|^[A-Za-z]$")
_SIMPLE_ITEM = lazy(r"^(?:[1-9][0-9]{0,17}|GHSA(?:-[0-9a-z]{4}){3})$")
_SIMPLE_HANDLE = lazy(r"[A-Za-z][A-Za-z0-9-]{0,38}")  # a word in a list (authors: [octocat, Alice-B])
_SIMPLE_NUMBER = lazy(r"[1-9][0-9]{0,17}")
_TOP_KEY = lazy(r"^([A-Za-z_][\w-]*)\s*:")
_YAML_SPECIAL_WORDS = frozenset(
    "true True TRUE false False FALSE null Null NULL yes Yes YES no No NO on On ON off Off OFF y Y n N".split()
)


def _simple_scalar(text: str) -> tuple[bool, object]:
    if text in ("true", "True", "TRUE"):
        return True, True
    if text in ("false", "False", "FALSE"):
        return True, False
    if _SIMPLE_NUMBER.fullmatch(text):
        return True, int(text)
    if _SIMPLE_WORD.match(text) and text not in _YAML_SPECIAL_WORDS and "  " not in text:
        return True, text
    return False, None


def simple_front_matter(head: str) -> dict | None:
    """Read the plain subset of YAML most fragments use; None means "use ruamel"."""
    out: dict = {}
    for line in head.split("\n"):
        if not line.strip():
            continue
        if line.lstrip().startswith("#"):
            continue
        key, value = _simple_line(line)
        if key is None or key in out or not value:
            return None
        if value.startswith("["):
            if not value.endswith("]"):
                return None
            inner = value[1:-1].strip()
            items: list = []
            if inner:
                for part in inner.split(","):
                    part = part.strip()
                    if _SIMPLE_ITEM.match(part):
                        items.append(int(part) if part[0].isdigit() else part)
                    elif _SIMPLE_HANDLE.fullmatch(part) and part not in _YAML_SPECIAL_WORDS:
                        items.append(part)
                    else:
                        return None
            out[key] = items
            continue
        ok, parsed = _simple_scalar(value)
        if not ok:
            return None
        out[key] = parsed
    return out or None


def _simple_line(line: str) -> tuple[str | None, str | None]:
    """``key: value  # comment`` → (key, value); (None, None) when the line is not one.

    String operations after one anchored key match: a single regex for the value and
    its optional comment backtracks quadratically on long runs of blanks.
    """
    m = _SIMPLE_KEY.match(line)
    if not m:
        return None, None
    rest = line[m.end():]
    if rest and rest[0] not in " \t":
        return None, None
    rest = rest.lstrip(" \t")
    hash_at = rest.find("#")
    if hash_at == -1:
        return m[0][:-1], rest.rstrip(" \t")
    if hash_at == 0 or rest[hash_at - 1] not in " \t":
        return None, None  # '#' inside a value (or a value that is only a comment): ruamel decides
    return m[0][:-1], rest[:hash_at].rstrip(" \t")


def yaml_load(head: str, path: str, first_line: int) -> tuple[object, list[Problem]]:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    refused = refused_node(head)
    if refused is not None:
        line, col, message = refused
        return None, [Problem(path, first_line + line, col + 1, "yaml-refused", f"invalid front matter: {message}")]
    yaml = YAML(typ="safe", pure=True)
    try:
        yaml.max_depth = MAX_YAML_DEPTH
    except AttributeError:  # pragma: no cover - older ruamel.yaml
        pass
    try:
        return yaml.load(head), []
    except MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = first_line + (mark.line if mark else 0)
        col = (mark.column + 1) if mark else 1
        what = e.problem or e.context or "invalid YAML"
        if "could not determine a constructor" in str(what) or "tag" in str(e.problem or ""):
            what = f"{what} (YAML tags are not allowed in fragments)"
        return None, [Problem(path, line, col, "yaml", f"invalid front matter: {what}")]
    except (YAMLError, RecursionError, ValueError) as e:
        msg = str(e).splitlines()[0] if str(e) else type(e).__name__
        if isinstance(e, RecursionError) or "depth" in msg.lower():
            msg = f"nested deeper than {MAX_YAML_DEPTH} levels"
        return None, [Problem(path, first_line, 1, "yaml", f"invalid front matter: {msg}")]


def key_lines(head: str) -> dict[str, tuple[int, int]]:
    """0-based (line, col) of each top-level key in the front matter, by a plain scan."""
    found: dict[str, tuple[int, int]] = {}
    for i, line in enumerate(head.split("\n")):
        m = _TOP_KEY.match(line)
        if m and m[1] not in found:
            found[m[1]] = (i, 0)
    return found
