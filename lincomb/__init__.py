"""lincomb: verify theorems about neural-network expressivity by computer, with exact certificates.

The top package is deliberately thin and lazy (PEP 562): ``import lincomb`` imports nothing
heavy, so that ``import lincomb.proofs_check.checkers`` runs on a bare Python without sympy,
numpy or torch.  The names below are imported on first use.

* ``Affine``, ``CPWL``, ``ReLUNetwork``, ``max_network``, ``bbhsy_max5_network``: from
  :mod:`lincomb.theory` (exact mathematics);
* subpackages ``theory``, ``solvers``, ``learn``, ``proofs_check`` and the modules ``cli`` and
  ``errors``;
* ``__version__``: the installed distribution's version.

Examples
--------
>>> import lincomb
>>> isinstance(lincomb.__version__, str)
True
>>> lincomb.errors.LincombError.__name__
'LincombError'
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # for type checkers and IDEs only; never executed
    from lincomb.theory import (  # noqa: F401
        CPWL,
        Affine,
        ReLUNetwork,
        bbhsy_max5_network,
        max_network,
    )

_FALLBACK_VERSION = "0.1.0"

# name -> module that defines it
_THEORY_EXPORTS = {
    "Affine": "lincomb.theory",
    "CPWL": "lincomb.theory",
    "ReLUNetwork": "lincomb.theory",
    "max_network": "lincomb.theory",
    "bbhsy_max5_network": "lincomb.theory",
}
_SUBMODULES = ("theory", "solvers", "learn", "proofs_check", "cli", "errors")

__all__ = ["__version__", *_THEORY_EXPORTS, *_SUBMODULES]


def _installed_version() -> str:
    # importlib.metadata scans sys.path, which costs milliseconds: done once, on first access.
    try:
        from importlib.metadata import PackageNotFoundError, version
    except ImportError:  # pragma: no cover - always present on Python >= 3.8
        return _FALLBACK_VERSION
    try:
        return version("lincomb")
    except PackageNotFoundError:  # running from a source tree that is not installed
        return _FALLBACK_VERSION


def __getattr__(name: str) -> Any:
    if name == "__version__":
        value = _installed_version()
    elif name in _THEORY_EXPORTS:
        value = getattr(importlib.import_module(_THEORY_EXPORTS[name]), name)
    elif name in _SUBMODULES:
        value = importlib.import_module(f"{__name__}.{name}")
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value  # cache: later lookups do not come back here
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
