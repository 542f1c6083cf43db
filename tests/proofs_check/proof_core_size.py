"""Code lines of the proof core: the proof checkers and their helpers, without docstrings, comments or blank lines.

Run from the repository root: ``python tests/proofs_check/proof_core_size.py``.  Measurement checkers
(``RECORD = "measurement"``) are left out; the shared modules (``__init__``, ``_common``, ``_exact``, ...)
count.  Issue 17 asks for at most 2,500 lines.
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


def main() -> int:
    package = importlib.import_module("lincomb.proofs_check.checkers")
    measurement_modules = {
        verify.__module__.rsplit(".", 1)[1]
        for kind, verify in package.CHECKERS.items()
        if package.RECORD_OF.get(kind) == "measurement"
    }
    total = 0
    for path in sorted(Path(package.__path__[0]).glob("*.py")):
        if path.stem in measurement_modules:
            print(f"{'-':>5}  {path.name} (measurement)")
            continue
        count = code_lines(path)
        total += count
        print(f"{count:5d}  {path.name}")
    print(f"{total:5d}  proof core")
    return 0


if __name__ == "__main__":
    sys.exit(main())
