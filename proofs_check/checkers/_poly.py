"""Exact multivariate polynomials and rational functions for the checkers (STANDARD LIBRARY ONLY).

A polynomial is a dict ``{exponent tuple: Fraction}`` without zero coefficients; in a
certificate it is a JSON list of terms ``[[e_1, ..., e_n], "p/q"]`` over the variables the
certificate names.  A rational function is a pair ``(numerator, denominator)``.

Examples
--------
>>> t = variable(0, 2); one = constant(1, 2)
>>> p = mul(sub(one, t), sub(one, t))          # (1 - t)^2
>>> sorted(p.items())
[((0, 0), Fraction(1, 1)), ((1, 0), Fraction(-2, 1)), ((2, 0), Fraction(1, 1))]
>>> evaluate(p, [Fraction(3), Fraction(0)])
Fraction(4, 1)
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from ._common import CertificateMalformed, field_path, parse_rational

Poly = dict


def constant(value, nvars: int) -> Poly:
    """The constant polynomial ``value`` in ``nvars`` variables.

    Examples
    --------
    >>> constant(0, 2), constant(3, 1)
    ({}, {(0,): Fraction(3, 1)})
    """
    value = Fraction(value)
    return {(0,) * nvars: value} if value else {}


def variable(index: int, nvars: int) -> Poly:
    """The polynomial ``x_index``.

    Examples
    --------
    >>> variable(1, 2)
    {(0, 1): Fraction(1, 1)}
    """
    exponents = [0] * nvars
    exponents[index] = 1
    return {tuple(exponents): Fraction(1)}


def add(a: Poly, b: Poly) -> Poly:
    """``a + b``.

    Examples
    --------
    >>> add(variable(0, 1), constant(-1, 1)) == {(1,): 1, (0,): -1}
    True
    """
    out = dict(a)
    for key, value in b.items():
        total = out.get(key, 0) + value
        if total:
            out[key] = total
        else:
            out.pop(key, None)
    return out


def scale(a: Poly, factor) -> Poly:
    """``factor * a``.

    Examples
    --------
    >>> scale(variable(0, 1), Fraction(1, 2))
    {(1,): Fraction(1, 2)}
    """
    factor = Fraction(factor)
    return {key: value * factor for key, value in a.items()} if factor else {}


def sub(a: Poly, b: Poly) -> Poly:
    """``a - b``.

    Examples
    --------
    >>> sub(variable(0, 1), variable(0, 1))
    {}
    """
    return add(a, scale(b, -1))


def mul(a: Poly, b: Poly) -> Poly:
    """``a * b``.

    Examples
    --------
    >>> mul(variable(0, 2), variable(1, 2))
    {(1, 1): Fraction(1, 1)}
    """
    out: dict = {}
    for ka, va in a.items():
        for kb, vb in b.items():
            key = tuple(x + y for x, y in zip(ka, kb))
            out[key] = out.get(key, 0) + va * vb
    return {key: value for key, value in out.items() if value}


def power(a: Poly, n: int, nvars: int) -> Poly:
    """``a ** n`` for an integer ``n >= 0``.

    Examples
    --------
    >>> power(add(variable(0, 1), constant(1, 1)), 2, 1) == {(2,): 1, (1,): 2, (0,): 1}
    True
    """
    out = constant(1, nvars)
    for _ in range(n):
        out = mul(out, a)
    return out


def derivative(a: Poly, index: int) -> Poly:
    """The partial derivative along variable ``index``.

    Examples
    --------
    >>> derivative({(3,): Fraction(2)}, 0)
    {(2,): Fraction(6, 1)}
    """
    out = {}
    for key, value in a.items():
        if key[index]:
            new = list(key)
            new[index] -= 1
            out[tuple(new)] = value * key[index]
    return out


def substitute(a: Poly, index: int, value) -> Poly:
    """Set variable ``index`` to the rational ``value`` (the variable stays, with exponent 0).

    Examples
    --------
    >>> substitute({(2, 1): Fraction(1)}, 0, 3)
    {(0, 1): Fraction(9, 1)}
    """
    value = Fraction(value)
    out: Poly = {}
    for key, coefficient in a.items():
        new = list(key)
        new[index] = 0
        out = add(out, {tuple(new): coefficient * value ** key[index]})
    return out


def evaluate(a: Poly, point) -> Fraction:
    """The value at a rational point.

    Examples
    --------
    >>> evaluate({(1, 1): Fraction(2)}, [Fraction(1, 2), 3])
    Fraction(3, 1)
    """
    total = Fraction(0)
    for key, coefficient in a.items():
        term = coefficient
        for x, e in zip(point, key):
            term *= Fraction(x) ** e
        total += term
    return total


def parse_poly(value: Any, nvars: int, field: str) -> Poly:
    """Read a polynomial ``[[exponents], "p/q"], ...`` over ``nvars`` variables.

    Raises
    ------
    CertificateMalformed
        For a wrong structure, negative exponents, a repeated monomial or a non-rational coefficient.

    Examples
    --------
    >>> parse_poly([[[1, 0], "1/2"], [[0, 0], "-1"]], 2, "p") == {(1, 0): Fraction(1, 2), (0, 0): -1}
    True
    >>> parse_poly([[[1], "1"]], 2, "data.mu[0]")
    Traceback (most recent call last):
    ...
    lincomb.proofs_check.checkers._common.CertificateMalformed: data.mu[0][0]: a term is [exponents, coefficient] with 2 non-negative integer exponents
    """
    if not isinstance(value, list):
        raise CertificateMalformed(field, "a polynomial is a list of terms [[exponents], \"p/q\"]")
    out: Poly = {}
    for i, term in enumerate(value):
        here = field_path(field, i)
        if (not isinstance(term, list) or len(term) != 2 or not isinstance(term[0], list) or len(term[0]) != nvars
                or not all(isinstance(e, int) and not isinstance(e, bool) and e >= 0 for e in term[0])):
            raise CertificateMalformed(
                here, f"a term is [exponents, coefficient] with {nvars} non-negative integer exponents")
        key = tuple(term[0])
        if key in out:
            raise CertificateMalformed(here, f"monomial {list(key)} appears twice")
        coefficient = parse_rational(term[1], field_path(here, 1))
        if coefficient:
            out[key] = coefficient
    return out


def poly_str(a: Poly, names) -> str:
    """A short human-readable form, for messages.

    Examples
    --------
    >>> poly_str({(2,): Fraction(1), (0,): Fraction(-1, 2)}, ["t"])
    '-1/2 + t^2'
    """
    if not a:
        return "0"
    parts = []
    for key in sorted(a):
        monomial = "*".join(n if e == 1 else f"{n}^{e}" for n, e in zip(names, key) if e)
        coefficient = a[key]
        if not monomial:
            parts.append(str(coefficient))
        elif coefficient == 1:
            parts.append(monomial)
        else:
            parts.append(f"{coefficient}*{monomial}")
    return " + ".join(parts)
