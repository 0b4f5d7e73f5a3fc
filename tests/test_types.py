"""Typed as it claims: the wheel ships ``py.typed``, so the real mypy, run on the package
from the repository root (its ``[tool.mypy]`` settings: defaults, with ``--strict``'s
checks for the modules listed there), finds nothing — and the same check fails on a
module with a type error."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import ROOT


def _mypy(*args: str, cwd: Path, cache: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "mypy", "--cache-dir", str(cache), *args],
                          cwd=cwd, capture_output=True, text=True, check=False)


def test_mypy_finds_no_error_in_the_package(tmp_path):
    r = _mypy("-p", "relnotes", cwd=ROOT, cache=tmp_path / "cache")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Success: no issues found" in r.stdout


def test_the_type_check_can_fail(tmp_path):
    (tmp_path / "wrong.py").write_text('def half(n: int) -> int:\n    return n / 2\n\n\nhalf("two")\n',
                                       encoding="utf-8")
    r = _mypy("wrong.py", cwd=tmp_path, cache=tmp_path / "cache")
    assert r.returncode == 1, r.stdout + r.stderr
    assert 'wrong.py:2: error: Incompatible return value type (got "float", expected "int")' in r.stdout
    assert "wrong.py:5: error: Argument 1 to \"half\" has incompatible type \"str\"" in r.stdout
