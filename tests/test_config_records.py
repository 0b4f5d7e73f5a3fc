"""The configuration's records (config_types.Record) keep NamedTuple's contract where
relnotes relies on it: fields in declared order with defaults, value equality, _replace."""

from __future__ import annotations

import inspect
import pickle
from typing import ClassVar

import pytest

from relnotes.config import records as config_types
from relnotes.config.records import Credit, Record


def _records():
    return [c for c in vars(config_types).values()
            if isinstance(c, type) and issubclass(c, Record) and c is not Record]


@pytest.mark.parametrize("cls", _records(), ids=lambda c: c.__name__)
def test_fields_are_the_declared_annotations(cls):
    # read through the public API (inspect.get_annotations), which Python 3.14's lazily
    # evaluated annotations keep working, unlike the class __dict__
    declared = [n for c in reversed(cls.__mro__) if issubclass(c, Record) and c is not Record
                for n, kind in inspect.get_annotations(c).items() if getattr(kind, "__origin__", None) is not ClassVar]
    assert cls._fields == tuple(declared) and cls._fields


def test_value_semantics_and_construction_errors():
    a = Credit("link", "by {authors}")
    assert a == Credit(style="link", line="by {authors}") and hash(a) == hash(Credit("link", "by {authors}"))
    assert a._replace(style="none") == Credit("none", "by {authors}") and a.style == "link"
    assert pickle.loads(pickle.dumps(a)) == a
    with pytest.raises(AttributeError, match="immutable"):
        a.style = "none"
    with pytest.raises(TypeError, match="missing field 'line'"):
        Credit("link")
    with pytest.raises(TypeError, match="unexpected or repeated field 'style'"):
        Credit("link", style="none")
