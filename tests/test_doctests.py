"""Run the doctests (the numpydoc Examples sections) of every module of the lincomb package.

Modules are found on disk, without importing them, so that one broken module fails its own
test instead of the whole collection.  ``lincomb.learn`` modules are skipped without torch.
"""

from __future__ import annotations

import doctest
import importlib
import importlib.util
from pathlib import Path

import pytest

PACKAGES = ("lincomb", "lincomb.theory", "lincomb.solvers", "lincomb.learn", "lincomb.proofs_check")
OPTIONS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def _package_folder(package: str) -> Path | None:
    # find_spec imports the parent package only (lincomb, which is lazy), not the package itself.
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0])


def _modules_in(package: str, folder: Path) -> list[str]:
    names = []
    for path in sorted(folder.rglob("*.py")):
        relative = path.relative_to(folder)
        # Only folders that are packages (have __init__.py) all the way down.
        parents = [folder.joinpath(*relative.parts[:i]) for i in range(1, len(relative.parts))]
        if any(not (p / "__init__.py").is_file() for p in parents):
            continue
        if path.name == "__main__.py":
            continue
        parts = list(relative.with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        name = ".".join([package, *parts])
        # Sub-packages mapped elsewhere by pyproject (lincomb.theory, ...) are walked on their own.
        names.append(name)
    return names


def discover_modules() -> list[str]:
    found: list[str] = []
    for package in PACKAGES:
        folder = _package_folder(package)
        if folder is not None:
            found.extend(_modules_in(package, folder))
    return sorted(dict.fromkeys(found))


MODULES = discover_modules()


def test_modules_were_found():
    assert "lincomb.cli" in MODULES
    assert "lincomb.proofs_check.checkers._common" in MODULES


@pytest.mark.parametrize("module_name", MODULES)
def test_doctests(module_name):
    if module_name.startswith("lincomb.learn") and importlib.util.find_spec("torch") is None:
        pytest.skip("lincomb.learn needs torch")
    module = importlib.import_module(module_name)
    result = doctest.testmod(module, optionflags=OPTIONS, report=True, verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} doctest examples failed in {module_name}"
