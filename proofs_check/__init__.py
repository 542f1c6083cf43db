"""Certificates, the independent checkers, the registry of checks, one module per theorem family.

Kept light and lazy (PEP 562): importing ``lincomb.proofs_check.checkers`` must not pull in
the search code or any third-party module, so nothing is imported here eagerly.

Lazily available names:

* from :mod:`~lincomb.proofs_check.certificate`: ``make_certificate``, ``write_certificate``,
  ``load_certificate``, ``rational_str``;
* from :mod:`~lincomb.proofs_check.checkers`: ``verify_certificate``, ``verify_file``, ``Verdict``;
* from :mod:`~lincomb.proofs_check.registry`: ``Check``, ``CHECKS``, ``get_check``;
* from :mod:`~lincomb.proofs_check.runner`: ``run_check``, ``CheckResult``, ``main``.

Examples
--------
>>> from fractions import Fraction
>>> import lincomb.proofs_check as pc
>>> pc.rational_str(Fraction(6, 4))
'3/2'
>>> "max-tree-upper-bound" in [c.id for c in pc.CHECKS]
True
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "make_certificate": "certificate",
    "write_certificate": "certificate",
    "load_certificate": "certificate",
    "rational_str": "certificate",
    "verify_certificate": "checkers",
    "verify_file": "checkers",
    "Verdict": "checkers",
    "Check": "registry",
    "CHECKS": "registry",
    "get_check": "registry",
    "run_check": "runner",
    "CheckResult": "runner",
    "main": "runner",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module_name = _EXPORTS.get(name)
    if module_name is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module_name}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
