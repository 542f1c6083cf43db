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
    """Base class of every error raised on purpose by lincomb.

    Examples
    --------
    >>> issubclass(UsageError, LincombError)
    True
    """


class UsageError(LincombError):
    """Bad input from the user: wrong shapes, non-rational numbers, unknown names (exit code 2).

    Examples
    --------
    >>> isinstance(ShapeError("W is 2x3, expected 2x2"), UsageError)
    True
    """


class NotRationalError(UsageError, ValueError):
    """A number that must be an exact rational is not one (a float, a malformed string, ...).

    Examples
    --------
    >>> from lincomb.theory.rationals import to_rational
    >>> try:
    ...     to_rational("1.5")
    ... except NotRationalError as error:
    ...     print(error)
    value: '1.5' is not an exact rational; write it as "p" or "p/q"
    """


class ShapeError(UsageError, ValueError):
    """Matrices or vectors whose sizes do not fit together.

    Examples
    --------
    >>> issubclass(ShapeError, ValueError)
    True
    """


class MissingDependencyError(UsageError, ImportError):
    """An optional dependency (an extra such as ``lincomb[learn]``) is not installed.

    Examples
    --------
    >>> issubclass(MissingDependencyError, ImportError)
    True
    """


class SolverUnavailable(MissingDependencyError):
    """The requested solver back-end is not installed or cannot be found.

    Examples
    --------
    >>> str(SolverUnavailable("scip is not installed; pip install pyscipopt"))
    'scip is not installed; pip install pyscipopt'
    """


class CheckFailed(LincombError):
    """A registered check did not establish its claim (exit code 1).

    Examples
    --------
    >>> issubclass(CheckFailed, UsageError)
    False
    """


class CertificateError(LincombError, ValueError):
    """A certificate could not be built or written: the code producing it is wrong (exit code 1).

    Malformed certificate *files* are reported by the checkers instead
    (:class:`lincomb.proofs_check.checkers.CertificateMalformed`).

    Examples
    --------
    >>> issubclass(CertificateError, UsageError)
    False
    """
