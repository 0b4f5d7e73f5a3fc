"""The limits on what a template override may build, and the checks that enforce them.

Each check runs *before* the operation that would build a value (``"x" * 10**9`` is
refused, not attempted): repetition, powers, padding, format widths, replacing,
joining and batching are the operations whose result can be far larger than their
operands.  :func:`weight` measures a value (strings, containers, big integers) so
that a list of a million references to one big string weighs what printing it
would cost.  ``relnotes.render.sandbox`` calls these from the environment's hooks.
"""

from __future__ import annotations

import re
from typing import Any, Callable

from jinja2.exceptions import SecurityError
from jinja2.utils import Namespace

from relnotes.patterns import lazy

MAX_RANGE = 10_000  # items one range() may produce
MAX_VALUE = 8 * 1024 * 1024  # characters (or items) of any one value a template builds
MAX_OUTPUT = 8 * 1024 * 1024  # characters one render may produce
MAX_INT_BITS = 100_000  # bits of an integer a template may compute
MAX_WIDTH = 100_000  # a padding width, format width or precision
MAX_TEMPLATE_BYTES = 256 * 1024  # size of one template file


class BudgetExceeded(SecurityError):
    """A template tried to do more work than relnotes allows (a TemplateError, so Jinja
    gives it the template's file and line)."""


def weight(value: Any, limit: int = MAX_VALUE, depth: int = 0) -> int:
    """Roughly how many characters ``value`` stands for (strings, containers, big ints);
    stops counting once past ``limit``."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, bool) or value is None:
        return 1
    if isinstance(value, int):
        return value.bit_length() // 8 + 1
    if isinstance(value, dict):
        value = list(value.items())
    if isinstance(value, (list, tuple, set, frozenset)):
        total = len(value)
        if depth > 30:
            return total
        for item in value:
            if total > limit:
                break
            total += weight(item, limit - total, depth + 1)
        return total
    return 1


def refuse(what: str) -> BudgetExceeded:
    return BudgetExceeded(f"{what} (template budget)")


def check_value(value: Any) -> Any:
    if isinstance(value, (str, list, tuple, dict, set, frozenset)) and weight(value) > MAX_VALUE:
        raise refuse(f"a value of more than {MAX_VALUE} characters")
    return value


_PERCENT_SPEC = lazy(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d*)(?:\.(\*|\d*))?")
_BRACE_FIELD = lazy(r"\{[^{}]*(?:\{[^{}]*\}[^{}]*)*\}")


def check_format(fmt: str, args: Any, percent: bool) -> None:
    """Refuse a ``%`` or ``str.format`` format whose width or precision is too large."""
    widths: list[int] = []
    dynamic = False
    if percent:
        for m in _PERCENT_SPEC.finditer(fmt):
            for group in m.groups():
                if group == "*":
                    dynamic = True
                elif group:
                    widths.append(int(group[:7]))
    else:
        for m in _BRACE_FIELD.finditer(fmt):
            field = m.group()
            dynamic = dynamic or field.count("{") > 1
            widths += [int(d[:7]) for d in re.findall(r"\d+", field.partition(":")[2])]
    if dynamic:
        values = args.values() if isinstance(args, dict) else args if isinstance(args, (list, tuple)) else [args]
        widths += [abs(v) for v in values if isinstance(v, int) and not isinstance(v, bool)]
    if widths and max(widths) > MAX_WIDTH:
        raise refuse(f"a format width or precision above {MAX_WIDTH}")


def check_width(width: Any) -> None:
    if isinstance(width, int) and width > MAX_WIDTH:
        raise refuse(f"a width of {width} (at most {MAX_WIDTH})")


def check_binop(operator: str, left: Any, right: Any) -> None:
    ints = all(isinstance(v, int) and not isinstance(v, bool) for v in (left, right))
    if operator == "*":
        if ints:
            if left.bit_length() + right.bit_length() > MAX_INT_BITS:
                raise refuse(f"an integer of more than {MAX_INT_BITS} bits")
            return
        for seq, n in ((left, right), (right, left)):
            if isinstance(seq, (str, list, tuple)) and isinstance(n, int) and n > 0:
                if weight(seq) * n > MAX_VALUE:
                    raise refuse(f"repeating a value to more than {MAX_VALUE} characters")
    elif operator == "**" and ints:
        if abs(left) > 1 and right > 0 and left.bit_length() * right > MAX_INT_BITS:
            raise refuse(f"an integer of more than {MAX_INT_BITS} bits")
    elif operator == "+" and not ints:
        if weight(left) + weight(right) > MAX_VALUE:
            raise refuse(f"a value of more than {MAX_VALUE} characters")
    elif operator == "%" and isinstance(left, str):
        check_format(left, right, percent=True)


def check_str_method(method: Any, args: tuple, kwargs: dict) -> None:
    """Padding and replacing methods of ``str`` grow a value by their arguments."""
    owner = getattr(method, "__self__", None)
    if not isinstance(owner, str):
        return
    name = getattr(method, "__name__", "")
    values = list(args) + list(kwargs.values())
    if name in ("ljust", "rjust", "center", "zfill"):
        check_width(values[0] if values else 0)
    elif name == "expandtabs":
        size = values[0] if values else 8
        if isinstance(size, int) and owner.count("\t") * size > MAX_VALUE:
            raise refuse(f"expanding tabs to more than {MAX_VALUE} characters")
    elif name == "replace" and len(values) >= 2:
        check_replace(owner, values[0], values[1])
    elif name == "join" and values:
        check_join(owner, values[0])


def check_replace(s: Any, old: Any, new: Any) -> None:
    if isinstance(s, str) and isinstance(old, str) and isinstance(new, str):
        count = len(s) + 1 if not old else s.count(old)
        if len(s) + count * max(0, len(new) - len(old)) > MAX_VALUE:
            raise refuse(f"replacing to more than {MAX_VALUE} characters")


def check_join(sep: Any, items: Any) -> None:
    if isinstance(items, (list, tuple)):
        if weight(list(items)) + len(items) * len(str(sep)) > MAX_VALUE:
            raise refuse(f"joining to more than {MAX_VALUE} characters")


def bounded_filter(name: str, f: Callable) -> Callable:
    """A built-in filter whose arguments are checked before and result after it runs."""

    skip = 1 if hasattr(f, "jinja_pass_arg") else 0  # the context or environment comes first

    def checked(*args: Any, **kwargs: Any) -> Any:
        checked.env.tick()  # type: ignore[attr-defined]
        value, rest = (args[skip], args[skip + 1:]) if len(args) > skip else (None, ())
        if name in ("center", "indent", "wordwrap", "truncate"):
            check_width(kwargs.get("width", kwargs.get("length", rest[0] if rest else 0)))
        elif name in ("batch", "slice"):
            count = kwargs.get("linecount", kwargs.get("slices", rest[0] if rest else 0))
            if isinstance(count, int) and count > MAX_RANGE:
                raise refuse(f"'{name}' into more than {MAX_RANGE} parts")
        elif name == "format" and isinstance(value, str):
            check_format(value, list(rest) or kwargs, percent=True)
        elif name == "replace" and len(rest) >= 2:
            check_replace(str(value), rest[0], rest[1])
        elif name in ("join", "sum") and value is not None and not isinstance(value, (str, dict)):
            value = list(value)  # materialised once, to weigh it before it is joined
            args = (*args[:skip], value, *rest)
            if name == "join":
                check_join(kwargs.get("d", rest[0] if rest else ""), value)
            elif weight(value) > MAX_VALUE:
                raise refuse(f"a sum of more than {MAX_VALUE} characters")
        return check_value(f(*args, **kwargs))

    if skip:
        checked.jinja_pass_arg = f.jinja_pass_arg  # type: ignore[attr-defined]
    checked.__name__ = getattr(f, "__name__", name)
    return checked


class BoundedNamespace(Namespace):
    """``namespace()`` whose attributes cannot grow past the value budget (doubling a
    string through ``{% set ns.s = ns.s ~ ns.s %}`` in a loop would)."""

    def __setitem__(self, name: str, value: Any) -> None:
        super().__setitem__(name, check_value(value))
