"""The layer rules of DESIGN.md, enforced for every module by one static scan of its imports.

Every ``import`` and ``from ... import`` statement counts, at module level or inside a function
(only those under ``if TYPE_CHECKING:`` are skipped: they never run).  The rules:

* ``theory`` imports nothing from ``solvers``, ``learn``, ``proofs_check`` or the command line;
* ``solvers`` nothing from ``learn``, ``proofs_check`` or the command line;
* ``learn`` nothing from ``proofs_check`` or the command line;
* ``proofs_check`` nothing from the command line;
* the checkers (``proofs_check/checkers``) the standard library and each other only;
* no import cycles between modules.

``lincomb/__init__.py`` (lazy re-exports) and ``lincomb/errors.py`` (the error hierarchy) are the
shared base that every layer may import.  A known violation in a file owned by someone else is
listed in :data:`KNOWN` with its owner, as a strict xfail: the test flips to a failure (remove the
entry then) as soon as it is fixed.
"""

from __future__ import annotations

import ast
import sys
from functools import lru_cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# folder in the checkout -> package name (pyproject.toml's package-dir)
PACKAGES = {
    "lincomb": "lincomb",
    "theory": "lincomb.theory",
    "solvers": "lincomb.solvers",
    "learn": "lincomb.learn",
    "proofs_check": "lincomb.proofs_check",
}
BASE = {"lincomb", "lincomb.errors"}
FORBIDDEN = {
    "theory": {"solvers", "learn", "proofs_check", "checkers", "cli"},
    "solvers": {"learn", "proofs_check", "checkers", "cli"},
    "learn": {"proofs_check", "checkers", "cli"},
    "proofs_check": {"cli"},
    "checkers": {"theory", "solvers", "learn", "proofs_check", "cli", "base"},
}
# Known violations in files owned by other developers: (layer or "cycle", description) -> owner.
KNOWN: dict[tuple[str, str], str] = {}


def _module_files() -> dict[str, Path]:
    modules = {}
    for folder, package in PACKAGES.items():
        for path in sorted((ROOT / folder).rglob("*.py")):
            relative = path.relative_to(ROOT / folder).with_suffix("")
            parts = [] if relative.name == "__init__" else [relative.name]
            parts = list(relative.parent.parts) + parts
            modules[".".join([package, *parts])] = path
    return modules


MODULES = _module_files()


def layer_of(module: str) -> str | None:
    """The layer of a lincomb module (None for a third-party or standard-library module)."""
    if module in BASE:
        return "base"
    for prefix, layer in (
        ("lincomb.proofs_check.checkers", "checkers"),
        ("lincomb.proofs_check", "proofs_check"),
        ("lincomb.theory", "theory"),
        ("lincomb.solvers", "solvers"),
        ("lincomb.learn", "learn"),
    ):
        if module == prefix or module.startswith(prefix + "."):
            return layer
    if module == "lincomb" or module.startswith("lincomb."):
        return "cli"  # lincomb/cli.py, the *_cli.py commands, lincomb/distributed.py, __main__
    return None


def _is_package(module: str) -> bool:
    return MODULES.get(module, Path()).name == "__init__.py"


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                skipped.update(id(n) for n in ast.walk(child))
    return skipped


@lru_cache(maxsize=None)
def imports_of(module: str) -> tuple[str, ...]:
    """Every module that ``module`` imports (top-level names for third-party ones), function level included."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    skipped = _type_checking_nodes(tree)
    package = module if _is_package(module) else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            for alias in node.names:
                candidate = f"{source}.{alias.name}"
                found.add(candidate if candidate in MODULES else source)
    return tuple(sorted(found))


def violations(layer: str) -> list[str]:
    """``module -> imported`` lines breaking the rules of ``layer``."""
    stdlib = set(sys.stdlib_module_names) | {"__future__"}
    lines = []
    for module in MODULES:
        if layer_of(module) != layer:
            continue
        for imported in imports_of(module):
            target = layer_of(imported)
            if target in FORBIDDEN[layer]:
                lines.append(f"{module} -> {imported}")
            elif layer == "checkers" and target is None and imported.split(".")[0] not in stdlib:
                lines.append(f"{module} -> {imported} (not the standard library)")
    return lines


def import_cycles() -> list[str]:
    """Each strongly connected component of the lincomb import graph with more than one module."""
    graph = {m: [i for i in imports_of(m) if i in MODULES and i != m] for m in MODULES}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    counter = [0]

    def visit(start: str) -> None:  # iterative Tarjan: deep graphs must not hit the recursion limit
        work = [(start, iter(graph[start]))]
        index[start] = low[start] = counter[0]
        counter[0] += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter[0]
                    counter[0] += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(graph[child])))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    components.append(sorted(component))

    for module in MODULES:
        if module not in index:
            visit(module)
    return sorted(" <-> ".join(component) for component in components)


def _unknown(found: list[str], kind: str) -> list[str]:
    return [line for line in found if (kind, line) not in KNOWN]


def test_the_scan_sees_every_package_and_function_level_imports():
    assert {layer_of(m) for m in MODULES} >= {"theory", "solvers", "learn", "proofs_check", "checkers", "cli"}
    # runner.verify_built imports certificate.write_certificate inside the function.
    assert "lincomb.proofs_check.certificate" in imports_of("lincomb.proofs_check.runner")
    assert "lincomb.proofs_check.checkers._common" in imports_of("lincomb.proofs_check.checkers")


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports_only_what_it_may(layer):
    found = _unknown(violations(layer), layer)
    assert not found, f"{layer} breaks the layer rules of DESIGN.md:\n" + "\n".join(found)


def test_no_import_cycles():
    found = _unknown(import_cycles(), "cycle")
    assert not found, "import cycles (function-level imports included):\n" + "\n".join(found)


@pytest.mark.parametrize(
    "kind, description",
    [pytest.param(kind, text, marks=pytest.mark.xfail(strict=True, reason=f"known; owner: {owner}"),
                  id=f"{kind}: {text} (owner: {owner})") for (kind, text), owner in KNOWN.items()],
)
def test_known_exception_is_still_there_until_its_owner_fixes_it(kind, description):
    # xfail(strict=True): passes while the violation exists; when it is fixed this XPASSes and fails: remove
    # the entry from KNOWN.
    found = import_cycles() if kind == "cycle" else violations(kind)
    assert description not in found
