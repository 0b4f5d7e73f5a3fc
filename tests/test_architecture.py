"""The house keeps its shape (ARCHITECTURE.md): no import cycle, no private name taken
across modules, relnotes' own modules imported at the top, modules of one job and at
most ~400 lines, and the import-linter contracts kept — and each check can fail."""

from __future__ import annotations

import ast
import importlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

PACKAGE = ROOT / "relnotes"
MAX_LINES = 400
# A function-level import of relnotes' own code is allowed only where importing that
# module loads a heavy third-party library (its boundary), and the line says so.
LAZY_BOUNDARIES = {"relnotes.cli": "typer", "relnotes.render.sandbox": "Jinja", "relnotes.render.budgets": "Jinja"}
HEAVY_THIRD_PARTY = {"git", "mistletoe", "jinja2", "markupsafe", "ruamel", "typer"}


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_package(path: Path) -> bool:
    return path.name == "__init__.py"


class Imports:
    """Every import statement of every module (inside functions too), resolved."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.modules = {module_name(p, root): p for p in sorted(root.rglob("*.py"))}
        self.edges: dict[str, set[str]] = {m: set() for m in self.modules}
        self.private: list[str] = []
        self.lazy: list[tuple[str, int, str, str]] = []  # module, line, imported, source line
        for name, path in self.modules.items():
            self._read(name, path)

    def _resolve(self, base: str, names: list[str]) -> list[str]:
        return [f"{base}.{n}" if f"{base}.{n}" in self.modules else base for n in names]

    def _read(self, name: str, path: Path) -> None:
        text = path.read_text(encoding="utf-8")
        tree = ast.parse(text)
        top = {id(n) for n in tree.body}
        guarded = {id(c) for n in tree.body if isinstance(n, ast.If) for c in ast.walk(n)}
        lines = text.splitlines()
        aliases: dict[str, str] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    pkg = name if is_package(path) else name.rsplit(".", 1)[0]
                    pkg = ".".join(pkg.split(".")[: len(pkg.split(".")) - node.level + 1])
                    base = f"{pkg}.{node.module}" if node.module else pkg
                else:
                    base = node.module or ""
                if base.split(".")[0] != self.root.name:
                    targets, third = [], base.split(".")[0]
                else:
                    targets, third = self._resolve(base, [a.name for a in node.names]), ""
                    for a in node.names:
                        if a.name.startswith("_") and not a.name.startswith("__") and f"{base}.{a.name}" not in self.modules:
                            self.private.append(f"{name}: from {base} import {a.name}")
                        if f"{base}.{a.name}" in self.modules:
                            aliases[a.asname or a.name] = f"{base}.{a.name}"
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names if a.name.split(".")[0] == self.root.name]
                third = next((a.name.split(".")[0] for a in node.names if a.name.split(".")[0] != self.root.name), "")
                for a in node.names:
                    if a.asname and a.name in self.modules:
                        aliases[a.asname] = a.name
            else:
                continue
            for t in targets:
                if t in self.modules and t != name:
                    self.edges[name].add(t)
            if id(node) not in top and id(node) not in guarded:
                for t in targets:
                    self.lazy.append((name, node.lineno, t, lines[node.lineno - 1]))
                if third:
                    self.lazy.append((name, node.lineno, third, lines[node.lineno - 1]))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in aliases
                    and node.attr.startswith("_") and not node.attr.startswith("__")):
                self.private.append(f"{name}:{node.lineno}: {node.value.id}.{node.attr}")

    def cycles(self) -> list[list[str]]:
        index: dict[str, int] = {}
        low: dict[str, int] = {}
        stack: list[str] = []
        on: set[str] = set()
        found: list[list[str]] = []
        counter = [0]

        def visit(v: str) -> None:  # Tarjan's strongly connected components
            index[v] = low[v] = counter[0]
            counter[0] += 1
            stack.append(v)
            on.add(v)
            for w in sorted(self.edges[v]):
                if w not in index:
                    visit(w)
                    low[v] = min(low[v], low[w])
                elif w in on:
                    low[v] = min(low[v], index[w])
            if low[v] == index[v]:
                component = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    component.append(w)
                    if w == v:
                        break
                if len(component) > 1:
                    found.append(sorted(component))

        for v in sorted(self.edges):
            if v not in index:
                visit(v)
        return found


@pytest.fixture(scope="module")
def imports() -> Imports:
    return Imports(PACKAGE)


def test_no_import_cycle_counting_imports_inside_functions(imports):
    assert imports.cycles() == []


def test_no_module_takes_another_modules_private_names(imports):
    assert imports.private == []


def test_relnotes_modules_are_imported_at_the_top_except_at_a_heavy_boundary(imports):
    offenders = []
    for module, line, target, source in imports.lazy:
        if target.startswith("relnotes"):
            why = LAZY_BOUNDARIES.get(target)
            if why is None or why not in source:
                offenders.append(f"{module}:{line}: {source.strip()}")
        elif target not in HEAVY_THIRD_PARTY and target not in sys.stdlib_module_names:
            offenders.append(f"{module}:{line}: {source.strip()} (a light third-party import belongs at the top)")
    assert offenders == []


def test_modules_stay_small():
    sizes = {str(p.relative_to(ROOT)): len(p.read_text(encoding="utf-8").splitlines())
             for p in PACKAGE.rglob("*.py")}
    assert {p: n for p, n in sizes.items() if n > MAX_LINES} == {}


def test_every_subpackage_says_what_lives_there_and_what_it_may_import():
    for init in PACKAGE.glob("*/__init__.py"):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        assert len(doc) > 80, init
        if init.parent.name != "cli":
            assert "May import" in doc, init


def test_the_top_level_is_a_small_ground_floor():
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert top == ["__init__.py", "__main__.py", "cache.py", "errors.py", "fsio.py", "lock.py", "patterns.py", "transaction.py",
                   "version.py"]


# -- the checks can fail ----------------------------------------------------------------


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "pkg"
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def test_the_checks_see_a_lazy_cycle_a_private_name_and_a_lazy_own_import(tmp_path):
    root = _tree(tmp_path, {
        "__init__.py": "",
        "a.py": "from pkg.b import _hidden\n",
        "b.py": "def f():\n    from pkg import a\n    return a\n_hidden = 1\n",
        "c.py": "import pkg.b as bee\nx = bee._hidden\n",
    })
    found = Imports(root)
    assert found.cycles() == [["pkg.a", "pkg.b"]]
    assert len(found.private) == 2
    assert [(m, t) for m, _, t, _ in found.lazy] == [("pkg.b", "pkg.a")]


# -- import-linter: the declared layers ---------------------------------------------------


def _lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).parent / "lint-imports"
    if not exe.exists():
        pytest.skip("import-linter is not installed (pip install -e '.[test]')")
    return subprocess.run([str(exe), "--no-cache"], cwd=cwd, capture_output=True, text=True, check=False)


def test_the_import_linter_contracts_are_kept():
    r = _lint_imports(ROOT)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "0 broken" in r.stdout


def test_an_upward_import_breaks_the_layers_contract(tmp_path):
    copy = tmp_path / "tree"
    shutil.copytree(PACKAGE, copy / "relnotes", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    errors = copy / "relnotes" / "config" / "keys.py"
    errors.write_text(errors.read_text() + "\nfrom relnotes.flows import build  # noqa: E402\n")
    r = subprocess.run([str(Path(sys.executable).parent / "lint-imports"), "--no-cache"], cwd=copy,
                       capture_output=True, text=True, check=False,
                       env={"PYTHONPATH": str(copy), "PATH": "/usr/bin:/bin"})
    assert r.returncode == 1, r.stdout + r.stderr
    assert "relnotes.config.keys -> relnotes.flows.build" in r.stdout


# -- what the docstrings name exists ----------------------------------------------------------


_REF = re.compile(r"\brelnotes(?:\.[A-Za-z_][A-Za-z0-9_]*)+")
_LOCAL = re.compile(r":(?:mod|func|class|data):`~?([A-Za-z_][A-Za-z0-9_.]*)`")  # :meth: is the class's


def _resolves(ref: str, base=None) -> bool:
    parts = ref.split(".")
    if base is not None:
        obj = base
        for a in parts:
            if not hasattr(obj, a):
                return False
            obj = getattr(obj, a)
        return True
    for k in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:k]))
        except ImportError:
            continue
        for a in parts[k:]:
            if not hasattr(obj, a):
                return False
            obj = getattr(obj, a)
        return True
    return False


def test_docstrings_name_modules_and_functions_that_exist():
    """A module, function or class a docstring or comment names (``relnotes.x.y``,
    ``:func:`name```) exists: a move leaves no reader looking for the old place."""
    stale = []
    for path in sorted((ROOT / "relnotes").rglob("*.py")):
        mod_name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        mod = importlib.import_module(mod_name)
        for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for ref in _REF.findall(line):
                if not ref.endswith((".yaml", ".lock", ".md")) and not _resolves(ref.rstrip(".")):
                    stale.append(f"{path.relative_to(ROOT)}:{i}: {ref}")
            for ref in _LOCAL.findall(line):
                if not ref.startswith("relnotes.") and not _resolves(ref, mod) and "." not in ref:
                    stale.append(f"{path.relative_to(ROOT)}:{i}: {ref} (not in this module)")
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    stale += [f"pyproject.toml: {r}" for r in _REF.findall(pyproject)
              if r.count(".") == 1 and r != "relnotes.cli" and not _resolves(r) and not r.startswith("relnotes.lock")]
    assert stale == []


def test_no_user_facing_text_names_a_module():
    """What ``relnotes schema config`` prints is for users: it names keys, not modules
    (a module move once changed it)."""
    from relnotes.config.keys import SCHEMA

    assert not re.search(r"\brelnotes\.[a-z_]+\.[a-z_]+", str(SCHEMA))


def test_the_documents_name_files_that_exist():
    """README.md and ARCHITECTURE.md point readers at modules by path: each exists."""
    missing = [f"{doc}: {path}" for doc in ("README.md", "ARCHITECTURE.md")
               for path in re.findall(r"\brelnotes/[A-Za-z0-9_/]+\.py\b", (ROOT / doc).read_text(encoding="utf-8"))
               if not (ROOT / path).is_file()]
    assert missing == []
