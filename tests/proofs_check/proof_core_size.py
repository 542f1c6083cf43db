"""Code lines of the proof core: the proof checkers and their helpers, without docstrings, comments or blank lines.

Run from the repository root: ``python tests/proofs_check/proof_core_size.py``.  Measurement checkers
(``RECORD = "measurement"``) are left out; the shared modules (``__init__``, ``_common``, ``_exact``, ...)
count.  Issue 17 asks for at most 2,500 lines; ``test_proof_core_size.py`` holds the bound.
"""

from __future__ import annotations

import ast
import importlib
import io
import sys
import tokenize
from pathlib import Path


def code_lines(path: Path) -> int:
    """Lines holding code: not blank, not a comment, not part of a docstring."""
    source = path.read_text(encoding="utf-8")
    docstrings: set[int] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                docstrings.update(range(first.lineno, first.end_lineno + 1))
    lines: set[int] = set()
    skip = (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER)
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type not in skip:
            lines.update(n for n in range(token.start[0], token.end[0] + 1) if n not in docstrings)
    return len(lines)


def proof_core_sizes() -> dict:
    """``{file name: code lines}`` of the proof core: every module of the checkers package except the
    measurement checkers (kinds with ``RECORD = "measurement"``)."""
    package = importlib.import_module("lincomb.proofs_check.checkers")
    measurement_modules = {
        verify.__module__.rsplit(".", 1)[1]
        for kind, verify in package.CHECKERS.items()
        if package.RECORD_OF.get(kind) == "measurement"
    }
    return {path.name: code_lines(path) for path in sorted(Path(package.__path__[0]).glob("*.py"))
            if path.stem not in measurement_modules}


def main() -> int:
    sizes = proof_core_sizes()
    for name, count in sizes.items():
        print(f"{count:5d}  {name}")
    print(f"{sum(sizes.values()):5d}  proof core (measurement checkers left out)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
