"""The Jinja environment for a project's template overrides: confined, sandboxed, budgeted.

A project's ``templates/`` arrives in pull requests like everything else, so an
override is untrusted code.  Three defences, all here:

* **Confinement.** Every template an override loads — the file itself and anything it
  ``{% include %}``s, ``{% import %}``s or ``{% extends %}`` — is read through
  :class:`ConfinedLoader`, which resolves the file's real path and refuses one outside
  the repository or inside ``.git`` (``relnotes.fsio.inside``), so neither a nested
  symlink (``parts/sys -> /etc``) nor ``templates_dir: "."`` reaches other files.
* **The sandbox.** :class:`BudgetedSandbox` is Jinja's immutable sandbox (no attribute
  of Python internals, no mutating methods), with ``StrictUndefined``.
* **Budgets** (the limits and checks live in ``relnotes.render.budgets``).  Work is bounded
  where it can grow: ``range`` yields at most ``MAX_RANGE`` items; ``*``, ``**``, ``+``,
  ``%``, ``~``, string padding methods, format widths and amplifying filters are
  refused *before* they would build a value heavier than ``MAX_VALUE``; every loop,
  call and attribute access checks the wall clock against :data:`TIME_BUDGET`
  (shared by every render of one command); output stops at ``MAX_OUTPUT``.

Every failure of a template — syntax, undefined name, sandbox refusal, budget, a
runtime error such as ``{{ 1 // 0 }}`` — becomes a ConfigError (exit 2) that names
the template file, line and message (:func:`template_error`).
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any, Callable, Mapping

from jinja2 import BaseLoader, TemplateNotFound, nodes
from jinja2.compiler import CodeGenerator
from jinja2.exceptions import SecurityError
from jinja2.loaders import split_template_path
from jinja2.sandbox import ImmutableSandboxedEnvironment

from relnotes import fsio
from relnotes.errors import ConfigError, RelnotesError
from relnotes.render.budgets import (
    MAX_OUTPUT,
    MAX_RANGE,
    MAX_TEMPLATE_BYTES,
    MAX_VALUE,
    BoundedNamespace,
    BudgetExceeded,
    bounded_filter,
    check_binop,
    check_format,
    check_str_method,
    check_value,
    refuse,
)
from relnotes.render.catalog import undefined_hint, variables

TIME_BUDGET = 10.0  # seconds of template work in one command
_TICK_EVERY = 256  # loop iterations between clock checks


# -- loading: every template file confined to the repository ---------------------------


class ConfinedLoader(BaseLoader):
    """Templates from one directory, each resolved and confined before it is read."""

    def __init__(self, directory: Path, root: Path) -> None:
        self.directory = directory
        self.root = root

    def get_source(self, environment: Any, template: str) -> tuple[str, str, Callable[[], bool]]:
        path = self.directory.joinpath(*split_template_path(template))  # refuses '..'
        if not path.is_file():
            raise TemplateNotFound(template)
        data = fsio.read_bytes(self.root, path, what="template", limit=MAX_TEMPLATE_BYTES)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as e:
            raise ConfigError(f"{shown(path, self.root)}: template is not UTF-8 (byte {e.start})") from None
        return text, str(path), lambda: True


class RevisionLoader(BaseLoader):
    """Templates given as texts by name — the files of a ``templates_dir`` read from a
    git revision (``check --base``'s preview renders with its base's, never the pull
    request's) — shown as the files of ``directory``."""

    def __init__(self, texts: Mapping[str, str], directory: Path, root: Path) -> None:
        self.texts = texts
        self.directory = directory
        self.root = root

    def get_source(self, environment: Any, template: str) -> tuple[str, str, Callable[[], bool]]:
        name = "/".join(split_template_path(template))  # refuses '..'
        text = self.texts.get(name)
        path = self.directory / name
        if text is None:
            raise TemplateNotFound(template)
        if len(text.encode("utf-8")) > MAX_TEMPLATE_BYTES:
            raise ConfigError(f"{shown(path, self.root)}: template is larger than {MAX_TEMPLATE_BYTES} bytes")
        return text, str(path), lambda: True


def shown(path: Path | str, root: Path) -> str:
    try:
        return Path(path).relative_to(root).as_posix()
    except ValueError:
        return str(path)


class _Codegen(CodeGenerator):
    """Jinja's code generator with three hooks: every ``{{ … }}`` output (also into a
    macro's or block's buffer), ``~`` concatenation and ``{% for %}`` iteration go
    through the environment, where they are budgeted."""

    def _output_child_pre(self, node: nodes.Expr, frame: Any, finalize: Any) -> None:
        self.write("environment.budget_output(")
        super()._output_child_pre(node, frame, finalize)

    def _output_child_post(self, node: nodes.Expr, frame: Any, finalize: Any) -> None:
        super()._output_child_post(node, frame, finalize)
        self.write(")")

    def visit_Concat(self, node: nodes.Concat, frame: Any) -> None:
        if frame.eval_ctx.volatile:
            markup = "context.eval_ctx.autoescape"
        else:
            markup = "True" if frame.eval_ctx.autoescape else "False"
        self.write("environment.budget_concat((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write(f"), {markup})")

    def visit_For(self, node: nodes.For, frame: Any) -> None:
        if not getattr(node, "budgeted", False):
            node.iter = nodes.Call(nodes.EnvironmentAttribute("budget_iter", lineno=node.lineno),
                                   [node.iter], [], None, None, lineno=node.lineno)
            node.budgeted = True  # type: ignore[attr-defined]
        super().visit_For(node, frame)


# HTML helpers with backtracking regexes, and a text generator: nothing a Markdown
# release note needs, and each a way around the budgets.
_DROPPED_FILTERS = ("striptags", "urlize")
_DROPPED_GLOBALS = ("lipsum",)


class BudgetedSandbox(ImmutableSandboxedEnvironment):
    """The immutable sandbox with work budgets (see the module docstring)."""

    code_generator_class = _Codegen
    intercepted_binops = frozenset({"*", "**", "+", "%", "//", "/"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.deadline: float | None = None
        self.output_used = 0  # characters of {{ … }} output in the current render
        self.globals["range"] = self._range
        self.globals["namespace"] = BoundedNamespace
        for name in _DROPPED_GLOBALS:
            self.globals.pop(name, None)
        for name in _DROPPED_FILTERS:
            self.filters.pop(name, None)
        for name, f in list(self.filters.items()):
            wrapped = bounded_filter(name, f)
            wrapped.env = self  # type: ignore[attr-defined]
            self.filters[name] = wrapped

    # -- the clock
    def start(self) -> None:
        """Start the command's time budget (the first render does; later ones share it)."""
        if self.deadline is None:
            self.deadline = time.monotonic() + TIME_BUDGET

    def tick(self) -> None:
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise refuse(f"templates ran longer than {TIME_BUDGET:g} seconds")

    # -- hooks the compiled templates call
    def _range(self, *args: int) -> range:
        self.tick()
        r = range(*args)
        if len(r) > MAX_RANGE:
            raise refuse(f"a range of {len(r)} items (at most {MAX_RANGE})")
        return r

    def budget_iter(self, iterable: Any) -> Any:
        self.tick()
        for n, item in enumerate(iterable):
            if not n % _TICK_EVERY:
                self.tick()
            yield item

    def budget_output(self, text: str) -> str:
        self.output_used += len(text)
        if self.output_used > MAX_OUTPUT:
            raise refuse(f"output of more than {MAX_OUTPUT} characters")
        return text

    def budget_concat(self, parts: tuple, markup: bool = False) -> str:
        """``a ~ b``: Jinja's ``str_join`` (``markup_join`` when autoescaping), bounded."""
        self.tick()
        texts = [str(p) for p in parts]
        if sum(map(len, texts)) > MAX_VALUE:
            raise refuse(f"a value of more than {MAX_VALUE} characters")
        if markup:
            from jinja2.runtime import markup_join

            return markup_join(parts)
        return "".join(texts)

    def concat(self, parts: Any) -> str:  # type: ignore[override]
        """Joins a macro's, a block's or ``{% set %}`` block's output."""
        parts = list(parts)
        if sum(map(len, parts)) > MAX_OUTPUT:
            raise refuse(f"output of more than {MAX_OUTPUT} characters")
        return "".join(parts)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        __self.tick()
        check_str_method(__obj, args, kwargs)
        return check_value(super().call(__context, __obj, *args, **kwargs))

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        self.tick()
        check_binop(operator, left, right)
        return check_value(super().call_binop(context, operator, left, right))

    def getattr(self, obj: Any, attribute: str) -> Any:
        self.tick()
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        self.tick()
        return super().getitem(obj, argument)

    def wrap_str_format(self, value: Any) -> Any:
        wrapper = super().wrap_str_format(value)
        if wrapper is None:
            return None
        fmt = value.__self__

        def checked(*args: Any, **kwargs: Any) -> str:
            check_format(fmt, list(args) + list(kwargs.values()), percent=False)
            return check_value(wrapper(*args, **kwargs))

        return checked


def make_environment(override: Path | None, builtin: Path, root: Path, *, html: bool = False,
                     texts: Mapping[str, str] | None = None) -> BudgetedSandbox:
    """The environment: the project's overrides (confined) first, then the built-ins,
    which an override may extend as ``builtin/NAME``.  ``html``: the site's pages,
    autoescaped; otherwise Markdown, kept byte for byte.  ``texts``: the overrides as
    texts by name (read from a revision, :class:`RevisionLoader`), not from ``override``
    on disk, which then only names them."""
    from jinja2 import ChoiceLoader, FileSystemLoader, PrefixLoader, StrictUndefined

    loaders: list[Any] = []
    if override is not None and texts is not None:
        loaders.append(RevisionLoader(texts, override, root))
    elif override is not None:
        fsio.inside(root, override, what="templates directory")
        loaders.append(ConfinedLoader(override, root))
    shipped = FileSystemLoader(str(builtin))
    loaders += [shipped, PrefixLoader({"builtin": shipped})]
    return BudgetedSandbox(loader=ChoiceLoader(loaders), undefined=StrictUndefined, autoescape=html,
                           keep_trailing_newline=not html, trim_blocks=True, lstrip_blocks=True)


def render_named(env: BudgetedSandbox, name: str, context: dict, *, shown_name: str, root: Path,
                 dirs: tuple[Path, ...]) -> str:
    """Load and render one template; any failure is :func:`template_error`'s message."""
    try:
        env.start()
        return render(env, env.get_template(name), context)
    except Exception as e:  # any failure of a template is a located message, never a traceback
        raise template_error(e, shown_name, root=root, dirs=dirs, context=context) from None


def render(env: BudgetedSandbox, template: Any, context: dict) -> str:
    """Render within the budgets; ``template_error`` turns any failure into a message."""
    env.start()
    env.output_used = 0
    out: list[str] = []
    size = 0
    for chunk in template.generate(**context):
        size += len(chunk)
        if size > MAX_OUTPUT:
            e = refuse(f"output of more than {MAX_OUTPUT} characters")
            e.filename = template.filename  # type: ignore[attr-defined]  # no template frame to name it
            raise e
        out.append(chunk)
        if len(out) % _TICK_EVERY == 0:
            env.tick()
    return "".join(out)


# -- errors ----------------------------------------------------------------------------


def template_error(e: BaseException, name: str, *, root: Path, dirs: tuple[Path, ...],
                   context: dict | None = None) -> RelnotesError:
    """A located ConfigError for any failure of a template (RelnotesErrors pass through)."""
    if isinstance(e, RelnotesError):
        return e
    from jinja2 import TemplateNotFound, TemplateSyntaxError, UndefinedError

    def where_of(filename: str | None, lineno: int | None) -> str:
        place = _place(filename, root, dirs) if filename else name
        return f"{place}:{lineno}" if lineno else place

    if isinstance(e, TemplateSyntaxError):
        return ConfigError(f"{where_of(e.filename, e.lineno)}: template syntax error: {e.message}")
    import traceback

    prefixes = tuple(str(d) + os.sep for d in dirs)
    frames = [f for f in traceback.extract_tb(e.__traceback__) if f.filename.startswith(prefixes)]
    if frames:
        where = where_of(frames[-1].filename, frames[-1].lineno)
    else:
        where = where_of(getattr(e, "filename", None), None)
    if isinstance(e, TemplateNotFound):
        return ConfigError(f"{where}: template {e.name!r} not found",
                           hint="an override may include files of its templates_dir, or 'builtin/NAME'")
    if isinstance(e, BudgetExceeded):
        return ConfigError(f"{where}: template stopped: {e}",
                           hint="templates may not build huge values, loop without end or run long; "
                                "see 'Security' in the README")
    if isinstance(e, SecurityError):
        return ConfigError(f"{where}: template refused by the sandbox: {e}",
                           hint="templates may only use the values relnotes passes to them")
    if isinstance(e, UndefinedError):
        hint = undefined_hint(name) if variables(name) else (
            f"{name} receives {receives(context or {})}; probe optional values with '{{% if name is defined %}}'")
        return ConfigError(f"{where}: template error: {e.message}", hint=hint)
    message = str(e) or type(e).__name__
    if isinstance(e, RecursionError):
        message = "too deeply nested (a macro or include that recurses without end?)"
    return ConfigError(f"{where}: template error: {type(e).__name__}: {message}")


def receives(context: dict) -> str:
    """``fragment.body, fragment.links, …, project``: what a template outside the catalog
    (``relnotes.render.catalog``) was given."""
    parts = []
    for key in sorted(context):
        value = context[key]
        parts += [f"{key}.{k}" for k in value] if isinstance(value, dict) and value else [key]
    return ", ".join(parts)


def _place(filename: str, root: Path, dirs: tuple[Path, ...]) -> str:
    for d in dirs[1:]:  # the built-in directory, shown as the name an override extends
        try:
            return "builtin/" + Path(filename).relative_to(d).as_posix()
        except ValueError:
            pass
    return shown(filename, root)
