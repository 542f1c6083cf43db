"""The checkers import nothing but the standard library (the de Bruijn principle, enforced).

Two tests: a subprocess that blocks the heavy third-party modules, imports every module of
``lincomb.proofs_check.checkers`` and verifies the valid certificate fixtures; and a static scan
of the checkers' import statements.
"""

from __future__ import annotations

import ast
import importlib.util
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

BLOCKED = (
    "numpy", "sympy", "flint", "torch", "pyomo", "highspy", "networkx", "scipy", "ppl",
    "PyNormaliz", "mpmath", "gmpy2", "sklearn", "matplotlib",
)
VALID_DIR = Path(__file__).parent / "certificates" / "valid"

SCRIPT = textwrap.dedent(
    """
    import importlib, importlib.abc, os, sys

    BLOCKED = set(sys.argv[1].split(","))

    class Blocker(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in BLOCKED:
                raise ImportError(f"blocked third-party module {name!r}: checkers must be stdlib-only")
            return None

    already = sorted(m for m in sys.modules if m.split(".")[0] in BLOCKED)
    assert not already, f"imported before the test started: {already}"
    sys.meta_path.insert(0, Blocker())

    import lincomb.proofs_check.checkers as package
    folder = package.__path__[0]
    names = sorted(f[:-3] for f in os.listdir(folder) if f.endswith(".py") and f != "__init__.py")
    for name in names:
        importlib.import_module(f"{package.__name__}.{name}")
    print("imported", ", ".join(names) or "(none)")

    # The checkers must not reach into the search side either.
    heavy = sorted(m for m in sys.modules
                   if m.startswith(("lincomb.theory", "lincomb.solvers", "lincomb.learn")))
    assert not heavy, f"checkers imported the search side: {heavy}"

    failed = 0
    for path in sys.argv[2:]:
        verdict = package.verify_file(path)
        print(path, verdict.line())
        failed += not verdict.verified
    sys.exit(1 if failed else 0)
    """
)


def _run(paths: list[str]) -> subprocess.CompletedProcess:
    # -I: isolated mode, so the installed lincomb is imported (not a folder in the cwd).
    return subprocess.run(
        [sys.executable, "-I", "-c", SCRIPT, ",".join(BLOCKED), *paths],
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_checkers_import_without_third_party_modules():
    completed = _run([])
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "imported" in completed.stdout


def test_valid_certificates_verify_without_third_party_modules():
    paths = sorted(str(p) for p in VALID_DIR.glob("*.json"))
    if not paths:
        pytest.skip("no certificate fixtures in tests/proofs_check/certificates/valid/ yet")
    completed = _run(paths)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    # proofs print s VERIFIED, measurements s REPRODUCED
    assert completed.stdout.count("s VERIFIED") + completed.stdout.count("s REPRODUCED") == len(paths)


def _checker_sources() -> list[Path]:
    spec = importlib.util.find_spec("lincomb.proofs_check.checkers")
    folder = Path(list(spec.submodule_search_locations)[0])
    return sorted(folder.glob("*.py"))


def _imported_modules(source: Path) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import statement; relative imports are ''."""
    tree = ast.parse(source.read_text(encoding="utf-8"), filename=str(source))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            found.append((node.lineno, "" if node.level else node.module or ""))
    return found


def test_checker_sources_import_only_stdlib_or_own_package():
    sources = _checker_sources()
    assert sources, "no checker sources found"
    offending = []
    for source in sources:
        for line, module in _imported_modules(source):
            if module == "":  # relative import inside the checkers package
                continue
            top = module.split(".")[0]
            if top in sys.stdlib_module_names:
                continue
            if module == "lincomb.proofs_check.checkers" or module.startswith(
                "lincomb.proofs_check.checkers."
            ):
                continue
            offending.append(f"{source.name}:{line}: import {module}")
    assert not offending, "checkers may import only the standard library:\n" + "\n".join(offending)


def test_scanner_sees_a_third_party_import(tmp_path):
    # Guards the guard: the scan must notice an `import numpy` and a `from sympy import x`.
    source = tmp_path / "bad.py"
    source.write_text("import json\nimport numpy as np\nfrom sympy import Rational\nfrom . import x\n")
    modules = [module for _, module in _imported_modules(source)]
    assert modules == ["json", "numpy", "sympy", ""]
