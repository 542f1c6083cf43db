"""The exception hierarchy of lincomb.

Every error lincomb raises on purpose is a :class:`LincombError`; the subclass says
what went wrong and the message says what to do next.  The command line maps
:class:`UsageError` and its subclasses to exit code 2.

Examples
--------
>>> from lincomb.errors import ShapeError, LincombError
>>> issubclass(ShapeError, LincombError)
True
"""

from __future__ import annotations


class LincombError(Exception):
    """Base class of every error raised on purpose by lincomb."""


class UsageError(LincombError):
    """Bad input from the user: wrong shapes, non-rational numbers, unknown names (exit code 2)."""


class NotRationalError(UsageError, ValueError):
    """A number that must be an exact rational is not one (a float, a malformed string, ...)."""


class ShapeError(UsageError, ValueError):
    """Matrices or vectors whose sizes do not fit together."""


class MissingDependencyError(UsageError, ImportError):
    """An optional dependency (an extra such as ``lincomb[learn]``) is not installed."""


class SolverUnavailable(MissingDependencyError):
    """The requested solver back-end is not installed or cannot be found."""


class CheckFailed(LincombError):
    """A registered check did not establish its claim (exit code 1)."""


class CertificateError(LincombError, ValueError):
    """A certificate could not be built or written: the code producing it is wrong (exit code 1).

    Malformed certificate *files* are reported by the checkers instead
    (:class:`lincomb.proofs_check.checkers.CertificateMalformed`).
    """
