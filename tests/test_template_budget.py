"""Template budgets: a project's template override is untrusted code.  Whatever it does —
loop without end, build a huge value, divide by zero, name an undefined value — the
command ends promptly with exit 2 and a message naming the template file and line,
and nothing on disk changes."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import corpus

from relnotes.render import sandbox

MAIN = corpus("main.RELEASES.md")
DRAFT = "templates/draft.md.j2"
ENTRY = "templates/entry.md.j2"


@pytest.fixture
def repo(project):
    project.write("RELEASES.md", MAIN)
    project.fragment("a.md", "Fixed", "A fix.", prs="[1]")
    project.commit("base")
    return project


def refused(project, template: str, message: str, *, name: str = DRAFT, line: int = 2,
            args=("build", "--draft"), seconds: float = 30.0):
    project.write(name, "{# a comment line #}\n" + template + "\n")
    before = project.snapshot_tree()
    start = time.monotonic()
    r = project.run(*args)
    elapsed = time.monotonic() - start
    assert r.exit_code == 2, r.output
    assert f"error: {name}:{line}: " in r.stderr, r.stderr
    assert message in r.stderr, r.stderr
    assert "Traceback" not in r.output
    assert project.snapshot_tree() == before
    assert elapsed < seconds, f"took {elapsed:.1f}s"
    return r


HUGE = {
    "str-mul": ('{{ "x" * 500000000 }}', "repeating a value to more than"),
    "str-mul-left": ('{{ 500000000 * "x" }}', "repeating a value to more than"),
    "list-mul": ("{{ [1, 2] * 100000000 }}", "repeating a value to more than"),
    "list-of-big-mul": ('{% set s = "x" * 1000000 %}{{ [s] * 100 }}', "repeating a value to more than"),
    "pow": ("{{ 2 ** 100000000 }}", "an integer of more than"),
    "int-mul": ("{% set n = 2 ** 60000 %}{{ n * n }}", "an integer of more than"),
    "ljust": ('{{ "x".ljust(500000000) }}', "a width of 500000000"),
    "center-method": ('{{ "x".center(500000000) }}', "a width of 500000000"),
    "zfill": ('{{ "1".zfill(500000000) }}', "a width of 500000000"),
    "center-filter": ('{{ "x"|center(500000000) }}', "a width of 500000000"),
    "indent-filter": ('{{ "a\\nb"|indent(500000000) }}', "a width of 500000000"),
    "format-method": ('{{ "{:>500000000}".format(1) }}', "a format width or precision above"),
    "format-nested": ('{{ "{:>{}}".format(1, 500000000) }}', "a format width or precision above"),
    "percent": ('{{ "%500000000d" % 1 }}', "a format width or precision above"),
    "percent-star": ('{{ "%*d" % (500000000, 1) }}', "a format width or precision above"),
    "precision": ('{{ "%.500000000f" % 1.5 }}', "a format width or precision above"),
    "format-filter": ('{{ "%500000000s"|format("x") }}', "a format width or precision above"),
    "replace-filter": ('{{ ("x" * 5000000)|replace("x", "yy") }}', "replacing to more than"),
    "replace-method": ('{{ ("x" * 5000000).replace("x", "yyy") }}', "replacing to more than"),
    "join": ('{% set s = "x" * 1000000 %}{{ [s, s, s, s, s, s, s, s, s]|join }}', "joining to more than"),
    "batch": ('{{ [1]|batch(500000000, "x")|list }}', "'batch' into more than"),
    "slice": ("{{ [1]|slice(500000000)|list }}", "'slice' into more than"),
    "concat-doubling": ('{% set ns = namespace(s="x") %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}'
                        "{% endfor %}{{ ns.s }}", "a value of more than"),
    "plus-doubling": ('{% set ns = namespace(s="x") %}{% for i in range(40) %}{% set ns.s = ns.s + ns.s %}'
                      "{% endfor %}{{ ns.s }}", "a value of more than"),
    "output": ('{% for i in range(10000) %}{{ "x" * 1000 }}{% endfor %}', "output of more than"),
    "macro-output": ('{% macro m() %}{% for i in range(10000) %}{{ "x" * 1000000 }}{% endfor %}{% endmacro %}'
                     "{{ m()|length }}", "output of more than"),
    "set-block": ('{% set b %}{% for i in range(10000) %}{{ "y" * 1000000 }}{% endfor %}{% endset %}{{ b|length }}',
                  "output of more than"),
    "range": ("{% for i in range(100000) %}{% endfor %}", "a range of 100000 items (at most 10000)"),
    "range-step": ("{{ range(0, 10 ** 9, 2)|length }}", "a range of 500000000 items"),
}


@pytest.mark.parametrize("case", sorted(HUGE))
def test_huge_values_are_refused_before_they_are_built(repo, case):
    template, message = HUGE[case]
    refused(repo, template, message)


@pytest.mark.parametrize("template", [
    "{% for i in range(10000) %}{% for j in range(10000) %}{% for k in range(10000) %}{% endfor %}{% endfor %}"
    "{% endfor %}",
    "{% set r = range(10000) %}{% for a in r %}{% for b in r %}{% for c in r %}{% endfor %}{% endfor %}{% endfor %}",
    '{% set s = "x" * 10000 %}{% for a in s %}{% for b in s %}{% for c in s %}{% endfor %}{% endfor %}{% endfor %}',
    "{% macro spin(n) %}{% for i in range(10000) %}{{ n }}{% endfor %}{% endmacro %}"
    "{% for a in range(10000) %}{% for b in range(10000) %}{{ spin(1)|length }}{% endfor %}{% endfor %}",
])
def test_endless_work_stops_at_the_time_budget(repo, monkeypatch, template):
    monkeypatch.setattr(sandbox, "TIME_BUDGET", 0.5)
    refused(repo, template, "templates ran longer than 0.5 seconds", seconds=30)


def test_the_time_budget_is_shared_by_every_entry(repo, monkeypatch):
    """An entry template slightly slow per fragment cannot multiply the budget."""
    for i in range(2, 40):
        repo.fragment(f"f{i}.md", "Fixed", f"Fix {i}.", prs=f"[{i}]")
    monkeypatch.setattr(sandbox, "TIME_BUDGET", 0.5)
    spin = "{% for a in range(10000) %}{% for b in range(10) %}{% endfor %}{% endfor %}"
    per_render = time.monotonic()
    refused(repo, spin + "* {{ fragment.text }}", "templates ran longer than 0.5 seconds", name=ENTRY,
            args=("build",), seconds=30)
    assert time.monotonic() - per_render < 30


ERRORS = {
    "zero-division": ("{{ 1 // 0 }}", "template error: ZeroDivisionError: integer division or modulo by zero"),
    "zero-modulo": ("{{ 1 % 0 }}", "template error: ZeroDivisionError"),
    "float-overflow": ("{{ 10.0 ** 400 }}", "template error: OverflowError"),
    "type-error": ('{{ "a" - 1 }}', "template error: TypeError"),
    "int-to-str": ("{{ 10 ** 5000 }}", "template error: ValueError"),
    "recursion": ("{% macro r(n) %}{{ r(n + 1) }}{% endmacro %}{{ r(0) }}", "template error: RecursionError"),
    "sandbox": ('{{ "".__class__.__mro__ }}', "template refused by the sandbox"),
    "sandbox-mutation": ("{% set l = [1] %}{{ l.append(2) }}", "template refused by the sandbox"),
    "syntax": ("{% for %}", "template syntax error"),
    "unknown-filter": ("{{ version|striptags }}", "No filter named 'striptags'"),
    "missing-include": ('{% include "nope.j2" %}', "template 'nope.j2' not found"),
    "dotdot-include": ('{% include "../relnotes.yaml" %}', "template '../relnotes.yaml' not found"),
}


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_template_errors_name_the_file_and_line(repo, case):
    template, message = ERRORS[case]
    refused(repo, template, message)


def test_undefined_names_list_what_the_template_receives(repo):
    r = refused(repo, "{{ verson }}", "template error: 'verson' is undefined")
    assert "hint: draft.md.j2 receives project, repository, version, categories" in r.stderr
    r = refused(repo, "* {{ fragment.txt }}", "'dict object' has no attribute 'txt'", name=ENTRY, args=("build",))
    assert "hint: entry.md.j2 receives project, repository, fragment.path, fragment.section, fragment.body" in r.stderr


def test_errors_in_an_included_template_name_that_file(repo):
    repo.write("templates/parts/footer.j2", "ok\n\n{{ 1 // 0 }}\n")
    repo.write(DRAFT, '{% include "parts/footer.j2" %}\n')
    before = repo.snapshot_tree()
    r = repo.run("build", "--draft")
    assert r.exit_code == 2
    assert "error: templates/parts/footer.j2:3: template error: ZeroDivisionError" in r.stderr
    assert repo.snapshot_tree() == before


def test_ordinary_templates_still_work(repo):
    """The budgets do not get in the way of what templates are for."""
    repo.write(DRAFT, "{% set ns = namespace(n=0) %}{% for c in categories %}{% set ns.n = ns.n + c.entries|length %}"
                      "{% endfor %}## {{ version }} ({{ ns.n }} entries, {{ '%03d'|format(7) }}, {{ '{:>4}'.format('x') }})\n"
                      "{% for c in categories %}{{ c.name|upper ~ ':' }} {{ c.entries|join('; ') }}\n{% endfor %}"
                      "{{ '-' * 10 }} {{ range(3)|list }} {{ 'a'.ljust(3) }}|{{ 2 ** 10 }}\n")
    r = repo.run("build", "--draft")
    assert r.exit_code == 0, r.output
    assert r.stdout == ("## 49.0.0 (1 entries, 007,    x)\nFIXED: * A fix.\n  "
                        "[#1](https://github.com/bytecodealliance/wasmtime/pull/1)\n---------- [0, 1, 2] a  |1024\n")


def test_build_with_a_failing_entry_template_changes_nothing(repo):
    refused(repo, '* {{ fragment.text }}{{ "x" * 10 ** 9 }}', "repeating a value", name=ENTRY, args=("build",))
    assert (repo.root / "changes.d/a.md").exists()


def test_builtin_templates_never_load_jinja(repo):
    """No override: build --draft renders natively, without importing Jinja at all."""
    code = ("import sys\nfrom relnotes.cli import main\nsys.argv = ['relnotes', 'build', '--draft']\n"
            "try:\n    main()\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
            "assert 'jinja2' not in sys.modules and 'relnotes.render.sandbox' not in sys.modules\n")
    r = subprocess.run([sys.executable, "-c", code], cwd=repo.root, capture_output=True, text=True,
                       env={"PYTHONPATH": str(Path(__file__).resolve().parent.parent), "PATH": "/usr/bin:/bin",
                            "GIT_CONFIG_NOSYSTEM": "1"})
    assert r.returncode == 0, r.stderr
    assert "* A fix." in r.stdout


def test_budget_error_from_a_real_process(repo):
    repo.write(DRAFT, '{{ "x" * 500000000 }}\n')
    r = subprocess.run([sys.executable, "-m", "relnotes", "build", "--draft"], cwd=repo.root, capture_output=True,
                       text=True, env={"PYTHONPATH": str(Path(__file__).resolve().parent.parent), "PATH": "/usr/bin:/bin"},
                       timeout=60)
    assert r.returncode == 2
    assert "error: templates/draft.md.j2:1: template stopped: repeating a value" in r.stderr
    assert "Traceback" not in r.stderr


# -- property: any composition of growing operations stays within the budgets ------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_N = st.sampled_from(["1", "3", "100", "10000", "1000000", "500000000"])
_GROW = [
    lambda x, n: f"({x}) * {n}", lambda x, n: f"[{x}] * {n}", lambda x, n: f"({x}) ~ ({x})",
    lambda x, n: f"({x}) + ({x})", lambda x, n: f"({x})|string|center({n})", lambda x, n: f"({x})|string|indent({n})",
    lambda x, n: f'({x})|string|replace("a", ({x})|string)', lambda x, n: f"[{x}, {x}, {x}]|join",
    lambda x, n: f'"%{n}s" % ({x})|string', lambda x, n: f'"{{:>{n}}}".format({x})',
    lambda x, n: f"({x})|string|truncate({n})", lambda x, n: f"range({n})|list",
    lambda x, n: f"({x})|string|list", lambda x, n: f"({x})|string|batch({n})|list",
]


@st.composite
def _expression(draw):
    x = '"ab"'
    for _ in range(draw(st.integers(1, 4))):
        x = draw(st.sampled_from(_GROW))(x, draw(_N))
    return x


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(expr=_expression(), loop=st.booleans())
def test_any_growing_expression_is_bounded(tmp_path_factory, expr, loop):
    """Rendered or refused with a located message, never more than the budgets allow."""
    import tracemalloc

    from relnotes.config import load as config
    from relnotes.errors import ConfigError
    from relnotes.render.environment import Renderer

    root = tmp_path_factory.mktemp("r")
    (root / "templates").mkdir()
    body = "{{ " + expr + " }}"
    if loop:
        body = "{% for i in range(1000) %}" + body + "{% endfor %}"
    (root / "templates/release.md.j2").write_text(body + "\n")
    tracemalloc.start()
    start = time.process_time()  # this process's CPU time: other processes on a busy machine do not count
    try:
        out = Renderer(config.defaults(root)).release_section("1.0.0")
    except ConfigError as e:
        assert e.message.startswith(("templates/release.md.j2:1: ", "templates/release.md.j2: ")), e.message
        out = ""
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert len(out) <= sandbox.MAX_OUTPUT + 1
    assert peak < 40 * sandbox.MAX_VALUE, f"{peak / 2**20:.0f} MiB for {body}"
    assert time.process_time() - start < sandbox.TIME_BUDGET + 30
