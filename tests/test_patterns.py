"""relnotes.patterns.lazy: a pattern compiled on first use behaves as re.compile's."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relnotes.patterns import lazy


def test_not_compiled_until_used(monkeypatch):
    calls = []
    real = re.compile
    monkeypatch.setattr(re, "compile", lambda *a: calls.append(a) or real(*a))
    pattern = lazy(r"a(b+)", re.I)
    assert calls == []
    assert pattern.match("ABB")[1] == "BB"
    assert pattern.search("xab") is not None
    assert calls == [(r"a(b+)", int(re.I))]  # once: later uses go to the compiled methods


def test_every_method_and_attribute_of_a_pattern():
    pattern, real = lazy(r"(\d+)-(?P<w>\w)"), re.compile(r"(\d+)-(?P<w>\w)")
    text = "1-a 22-b x"
    assert pattern.fullmatch("3-c")[0] == real.fullmatch("3-c")[0]
    assert pattern.sub(r"<\1>", text) == real.sub(r"<\1>", text)
    assert pattern.subn("", text) == real.subn("", text)
    assert pattern.split(text) == real.split(text)
    assert pattern.findall(text) == real.findall(text)
    assert [m.span() for m in pattern.finditer(text)] == [m.span() for m in real.finditer(text)]
    assert (pattern.pattern, pattern.flags, pattern.groups, dict(pattern.groupindex)) == \
           (real.pattern, real.flags, real.groups, dict(real.groupindex))


def test_a_bad_pattern_fails_when_used_and_names_the_error():
    pattern = lazy(r"(unclosed")
    with pytest.raises(re.error):
        pattern.match("x")


def test_every_module_pattern_compiles():
    """A deferred pattern is only checked when used: compile each one the package defines."""
    import importlib
    import pkgutil

    import relnotes
    from relnotes import patterns

    checked = 0
    for info in pkgutil.walk_packages(relnotes.__path__, "relnotes."):
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if isinstance(value, patterns._Deferred):  # noqa: SLF001 - the test of the module itself
                re.compile(*value._arguments)
                checked += 1
    assert checked >= 25


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="ab-_ \n", max_size=30))
def test_same_answers_as_re_compile(text):
    assert lazy(r"[ab]+(?=-)").findall(text) == re.compile(r"[ab]+(?=-)").findall(text)
