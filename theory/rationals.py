"""Exact rational numbers at the boundary of the toolkit.

Every number that enters :mod:`lincomb.theory` passes through :func:`to_rational`, which accepts
only exact input (``int``, :class:`fractions.Fraction`, ``"p/q"`` strings, sympy rationals,
python-flint ``fmpz``/``fmpq``) and rejects floats, so that nothing is ever silently rounded.

Examples
--------
>>> to_rational("3/6")
Fraction(1, 2)
>>> to_rational(2)
Fraction(2, 1)
>>> rational_str(to_rational("-4/2"))
'-2'
"""

from __future__ import annotations

import re
from fractions import Fraction
from numbers import Rational

from lincomb.errors import NotRationalError

_RATIONAL_STRING = re.compile(r"^\s*([+-]?\d+)\s*(?:/\s*(\d+)\s*)?$")


def to_rational(value, what: str = "value") -> Fraction:
    """Convert exact input to a :class:`~fractions.Fraction`.

    Parameters
    ----------
    value : int, Fraction, str, sympy.Rational, flint.fmpq or flint.fmpz
        The number. Strings have the form ``"p"`` or ``"p/q"``.
    what : str
        Names the value in the error message (e.g. ``"layer 2, weight (0, 1)"``).

    Returns
    -------
    Fraction

    Raises
    ------
    NotRationalError
        For floats, booleans, malformed strings, zero denominators and anything else inexact.

    Examples
    --------
    >>> to_rational(" -7/21 ")
    Fraction(-1, 3)
    >>> to_rational(0.5)
    Traceback (most recent call last):
    ...
    lincomb.errors.NotRationalError: value: 0.5 is a float; floats are not exact. Pass "1/2" or Fraction(1, 2) instead.
    """
    if isinstance(value, bool):
        raise NotRationalError(f"{what}: {value!r} is a boolean, not a number")
    if isinstance(value, Fraction):
        return value
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        hint = Fraction(value).limit_denominator(10**6)
        raise NotRationalError(
            f"{what}: {value!r} is a float; floats are not exact. "
            f'Pass "{hint.numerator}/{hint.denominator}" or Fraction({hint.numerator}, {hint.denominator}) instead.'
        )
    if isinstance(value, str):
        match = _RATIONAL_STRING.match(value)
        if not match:
            raise NotRationalError(f'{what}: {value!r} is not an exact rational; write it as "p" or "p/q"')
        numerator = int(match.group(1))
        denominator = int(match.group(2)) if match.group(2) is not None else 1
        if denominator == 0:
            raise NotRationalError(f"{what}: {value!r} has a zero denominator")
        return Fraction(numerator, denominator)
    if isinstance(value, Rational):
        return Fraction(int(value.numerator), int(value.denominator))
    type_name = type(value).__name__
    if type_name in {"fmpq", "fmpz"}:  # python-flint types are exact but not registered as numbers.Rational
        return Fraction(int(value.numerator), int(value.denominator))
    raise NotRationalError(f"{what}: {value!r} of type {type_name} is not an exact rational")


def to_rational_vector(values, what: str = "vector") -> tuple[Fraction, ...]:
    """Convert a sequence of exact numbers to a tuple of Fractions.

    Examples
    --------
    >>> to_rational_vector([1, "1/2"])
    (Fraction(1, 1), Fraction(1, 2))
    """
    if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
        raise NotRationalError(f"{what}: expected a list of numbers, got {type(values).__name__}")
    return tuple(to_rational(v, f"{what}[{i}]") for i, v in enumerate(values))


def rational_str(value) -> str:
    """Format an exact rational as ``"p"`` or ``"p/q"``, the certificate notation.

    Examples
    --------
    >>> rational_str(Fraction(-3, 4)), rational_str(5)
    ('-3/4', '5')
    """
    value = to_rational(value)
    if value.denominator == 1:
        return str(value.numerator)
    return f"{value.numerator}/{value.denominator}"
