"""The exact algebra of the proof checkers (STANDARD LIBRARY ONLY): one module for all of them.

* multivariate polynomials and rational functions (below);
* univariate polynomials as coefficient tuples (``poly_*``);
* integer lattice algebra: :func:`determinant`, :func:`minor_gcd`, :class:`Echelon`, :func:`dot`;
* affine functions: :func:`common_denominator`, :func:`affine_str`, :func:`hinges_str`, :func:`combine`; Farkas
  multipliers of an empty cell: :func:`check_farkas`;
* affine functions and hinges on a braid chamber: :func:`chamber_sign`, :func:`largest_on_chamber`,
  :func:`primitive_form`, :func:`add_relu_on_chamber`.

Parsing of certificate fields lives in ``_common``; this module computes.

A polynomial is a dict ``{exponent tuple: Fraction}`` without zero coefficients; in a
certificate it is a JSON list of terms ``[[e_1, ..., e_n], "p/q"]`` over the variables the
certificate names.  A rational function is a pair ``(numerator, denominator)``.

Examples
--------
>>> t = variable(0, 2); one = constant(1, 2)
>>> p = mul(sub(one, t), sub(one, t))          # (1 - t)^2
>>> sorted(p.items())
[((0, 0), Fraction(1, 1)), ((1, 0), Fraction(-2, 1)), ((2, 0), Fraction(1, 1))]
>>> substitute(p, 0, 3)
{(0, 0): Fraction(4, 1)}
"""

from __future__ import annotations

import math
import operator
from functools import reduce
from itertools import chain, combinations, zip_longest
from fractions import Fraction
from typing import Any

from ._common import CertificateMalformed, CertificateRejected, field_path, get_object, malformed_unless, parse_rational
from ._common import parse_rational_fast, reject_unless

Poly = dict


def merge_terms(pairs) -> dict:
    """``{key: sum of its coefficients}`` over ``(key, coefficient)`` pairs, zero sums dropped (first-seen order).

    The sparse sum behind polynomials (monomial -> coefficient) and hinge sums (hinge -> coefficient).

    Examples
    --------
    >>> merge_terms([("x", 1), ("y", 2), ("x", -1), ("z", Fraction(1, 2))])
    {'y': 2, 'z': Fraction(1, 2)}
    """
    total: dict = {}
    for key, coefficient in pairs:
        total[key] = total.get(key, 0) + coefficient
    return {key: c for key, c in total.items() if c}


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
    return {tuple(int(j == index) for j in range(nvars)): Fraction(1)}


def add(a: Poly, b: Poly) -> Poly:
    """``a + b``.

    Examples
    --------
    >>> add(variable(0, 1), constant(-1, 1)) == {(1,): 1, (0,): -1}
    True
    """
    return merge_terms(chain(a.items(), b.items()))  # a polynomial holds no zero coefficients


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
    return merge_terms((tuple(map(operator.add, ka, kb)), va * vb) for ka, va in a.items() for kb, vb in b.items())


def power(a: Poly, n: int, nvars: int) -> Poly:
    """``a ** n`` for an integer ``n >= 0``.

    Examples
    --------
    >>> power(add(variable(0, 1), constant(1, 1)), 2, 1) == {(2,): 1, (1,): 2, (0,): 1}
    True
    """
    return reduce(mul, [a] * n, constant(1, nvars))


def derivative(a: Poly, index: int) -> Poly:
    """The partial derivative along variable ``index``.

    Examples
    --------
    >>> derivative({(3,): Fraction(2)}, 0)
    {(2,): Fraction(6, 1)}
    """
    return {key[:index] + (key[index] - 1,) + key[index + 1:]: value * key[index] for key, value in a.items() if key[index]}


def substitute(a: Poly, index: int, value) -> Poly:
    """Set variable ``index`` to the rational ``value`` (the variable stays, with exponent 0).

    Examples
    --------
    >>> substitute({(2, 1): Fraction(1)}, 0, 3)
    {(0, 1): Fraction(9, 1)}
    """
    value = Fraction(value)
    return merge_terms((key[:index] + (0,) + key[index + 1:], coefficient * value ** key[index])
                       for key, coefficient in a.items())


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
    malformed_unless(isinstance(value, list), field, "a polynomial is a list of terms [[exponents], \"p/q\"]")
    out: Poly = {}
    for i, term in enumerate(value):
        here = field_path(field, i)
        malformed_unless(isinstance(term, list) and len(term) == 2 and isinstance(term[0], list) and len(term[0]) == nvars
                         and all(isinstance(e, int) and not isinstance(e, bool) and e >= 0 for e in term[0]),
                         here, f"a term is [exponents, coefficient] with {nvars} non-negative integer exponents")
        key = tuple(term[0])
        malformed_unless(key not in out, here, f"monomial {list(key)} appears twice")
        coefficient = parse_rational(term[1], field_path(here, 1))
        if coefficient:
            out[key] = coefficient
    return out


# ----------------------------------------------------------------- univariate polynomials
def poly_trim(coefficients) -> tuple:
    """Drop trailing zero coefficients (keep at least one).

    Examples
    --------
    >>> poly_trim([Fraction(1), Fraction(0)])
    (Fraction(1, 1),)
    """
    coefficients = list(coefficients)
    while len(coefficients) > 1 and coefficients[-1] == 0:
        coefficients.pop()
    return tuple(coefficients) or (Fraction(0),)


def poly_add(p, q) -> tuple:
    """The sum of two coefficient lists.

    Examples
    --------
    >>> poly_add((Fraction(1),), (Fraction(0), Fraction(2)))
    (Fraction(1, 1), Fraction(2, 1))
    """
    return poly_trim([a + b for a, b in zip_longest(p, q, fillvalue=0)])


def poly_eval(coefficients, t: Fraction) -> Fraction:
    """The value ``sum_i c_i t^i`` of the coefficients ``(c_0, c_1, ...)`` at ``t`` (exact).

    Examples
    --------
    >>> poly_eval((Fraction(0), Fraction(1), Fraction(1)), Fraction(2))
    Fraction(6, 1)
    """
    return sum((c * t ** i for i, c in enumerate(coefficients)), Fraction(0))


def poly_derivative(coefficients) -> tuple:
    """The derivative's coefficient list.

    Examples
    --------
    >>> poly_derivative((Fraction(5), Fraction(1), Fraction(1)))
    (Fraction(1, 1), Fraction(2, 1))
    """
    return poly_trim([i * c for i, c in enumerate(coefficients)][1:] or [Fraction(0)])


def poly_scale_compose(coefficients, scale: Fraction, slope: Fraction, offset: Fraction) -> tuple:
    """``scale * P(slope * t + offset)`` as a coefficient list in t.

    Examples
    --------
    >>> poly_scale_compose((Fraction(0), Fraction(0), Fraction(1)), Fraction(1), Fraction(2), Fraction(1))
    (Fraction(1, 1), Fraction(4, 1), Fraction(4, 1))
    """
    result = (Fraction(0),)
    for c in reversed(coefficients):  # Horner: result * (slope t + offset) + c
        result = poly_add([r * offset for r in result] + [0], [0] + [r * slope for r in result])
        result = poly_add(result, (c,))
    return poly_trim([scale * r for r in result])


# ----------------------------------------------------------------- integer and rational linear algebra
def common_denominator(values) -> int:
    """The least common multiple of the denominators of rationals (``int`` entries count as 1).

    Examples
    --------
    >>> common_denominator([Fraction(1, 4), 3, Fraction(5, 6)])
    12
    """
    return math.lcm(1, *(value.denominator for value in values if isinstance(value, Fraction)))


def affine_str(affine) -> str:
    """An affine function ``(a_1, ..., a_n, constant)`` as text: ``2*x1 - 1*x3 + 1``.

    Examples
    --------
    >>> affine_str((2, 0, -1, 1)), affine_str((0, 0))
    ('2*x1 - 1*x3 + 1', '0')
    """
    parts = [f"{c}*x{j + 1}" if c != 1 else f"x{j + 1}" for j, c in enumerate(affine[:-1]) if c]
    if affine[-1]:
        parts.append(str(affine[-1]))
    return " + ".join(parts).replace("+ -", "- ") or "0"


def hinges_str(hinges: dict) -> str:
    """A sum ``{affine: coefficient}`` of hinges as text: ``2*relu(x1 - x2)``, zero terms left out.

    Examples
    --------
    >>> hinges_str({(1, -1, 0): 2, (0, 1, 0): 0, (1, 0, 1): 1})
    '2*relu(x1 - 1*x2) + relu(x1 + 1)'
    """
    return " + ".join(f"{c}*relu({affine_str(h)})" if c != 1 else f"relu({affine_str(h)})" for h, c in hinges.items() if c)


def combine(constant, terms, vectors: list, width: int) -> tuple:
    """The vector ``constant * e_last + sum_k coefficient_k * vectors[node_k]`` for ``terms = [(node, coefficient)]``.

    This is how a ``("lin", constant, terms)`` node of a straight-line program (see ``_expressions``) evaluates
    when every node's value is an affine function stored as ``(a_1, ..., a_n, constant)``.

    Examples
    --------
    >>> combine(1, [(0, 2), (1, -1)], [(1, 0, 0), (0, 1, 0)], 3)
    (2, -1, 1)
    """
    vector = [0] * (width - 1) + [constant]
    for node, coefficient in terms:
        for j, value in enumerate(vectors[node]):
            if value:
                vector[j] += coefficient * value
    return tuple(vector)


# ----------------------------------------------------------------- affine functions on a braid chamber
def chamber_sign(affine, order) -> int:
    """+1 / -1 when ``affine = (a_1, ..., a_n, c)`` is >= 0 / <= 0 on the closed braid chamber
    ``x_order[0] <= ... <= x_order[n-1]``, else 0 (+1 for the zero function).

    The chamber is the line through (1, ..., 1) plus the cone of the rays ``r_k = e_order[k] + ... + e_order[n-1]``
    (k = 1..n-1), so ``a.x + c >= 0`` on it iff ``c >= 0``, ``sum a = 0`` and ``a.r_k >= 0``; with ``sum a = 0``,
    ``a.r_k`` is minus the prefix sum ``a_order[0] + ... + a_order[k-1]``.

    Examples
    --------
    >>> chamber_sign((-1, 1, 0), (0, 1)), chamber_sign((-1, 1, 0), (1, 0)), chamber_sign((1, 0, 0), (0, 1))
    (1, -1, 0)
    """
    *linear, constant = affine
    if sum(linear) != 0:
        return 0
    prefix, low, high = 0, 0, 0
    for index in order[:-1]:
        prefix += linear[index]
        if prefix < low:
            low = prefix
        elif prefix > high:
            high = prefix
    if constant >= 0 and high <= 0:
        return 1
    if constant <= 0 and low >= 0:
        return -1
    return 0


def largest_on_chamber(arguments, order):
    """The first affine function of ``arguments`` that is >= every other one on the chamber of ``order``, or None.

    Examples
    --------
    >>> largest_on_chamber([(1, 0, 0), (0, 1, 0)], (0, 1)), largest_on_chamber([(1, 0, 0), (0, 0, 0)], (0, 1))
    ((0, 1, 0), None)
    """
    def largest(a) -> bool:
        return all(chamber_sign(tuple(p - q for p, q in zip(a, b)), order) > 0 for b in arguments if b != a)

    return next(filter(largest, arguments), None)


def primitive_form(affine) -> tuple:
    """``(p, t)`` with ``affine = t p``: ``p`` a primitive integer vector whose first non-zero entry is positive,
    ``t`` a non-zero rational of either sign (an ``int`` when integral); ``affine`` must not be zero.

    Examples
    --------
    >>> primitive_form((Fraction(-1, 2), 1, 0)), primitive_form((2, -4, 6))
    (((1, -2, 0), Fraction(-1, 2)), ((1, -2, 3), 2))
    """
    common = common_denominator(affine)
    integers = [int(a * common) for a in affine]
    divisor = math.gcd(*integers)
    if next(a for a in integers if a) < 0:
        divisor = -divisor
    t = divisor if common == 1 else Fraction(divisor, common)  # an int for integer input (the fast, common case)
    return tuple(a // divisor for a in integers), (t.numerator if t.denominator == 1 else t)


def add_relu_on_chamber(coefficient, h, order, affine: list, hinges: dict) -> None:
    """Add ``coefficient * relu(h)``, restricted to the chamber of ``order``, to ``affine + sum_p hinges[p] relu(p)``.

    Where ``h >= 0`` on the chamber that is ``h``, where ``h <= 0`` nothing; otherwise ``h = t p`` in
    :func:`primitive_form` and ``relu(t p) = |t| relu(p)`` for t > 0, ``= |t| (relu(p) - p)`` for t < 0, so hinges of
    the same hyperplane are summed under one key.  ``affine`` (a list) and ``hinges`` are updated in place.

    Examples
    --------
    >>> affine, hinges = [0, 0, 0], {}
    >>> add_relu_on_chamber(1, (-2, 0, 1), (0, 1), affine, hinges)   # relu(1 - 2 x1) = 2 relu(x1 - 1/2) - 2 x1 + 1
    >>> affine, hinges
    ([-2, 0, 1], {(2, 0, -1): 1})
    >>> add_relu_on_chamber(3, (-1, 1, 0), (0, 1), affine, hinges)   # x2 - x1 >= 0 on x1 <= x2
    >>> affine
    [-5, 3, 1]
    """
    sign = chamber_sign(h, order)
    if sign > 0:
        for j, value in enumerate(h):
            affine[j] += coefficient * value
    elif sign == 0:
        primitive, t = primitive_form(h)
        if t < 0:
            for j, value in enumerate(primitive):
                affine[j] += coefficient * t * value
        hinges[primitive] = hinges.get(primitive, 0) + coefficient * abs(t)


def read_empty_cells(data: dict, key_ok, label, messages: tuple) -> dict:
    """``{cell key: {label: (multiplier, field path)}}`` of ``data.empty_cells``, the Farkas multipliers of the empty
    cells of a cell walk (region-count, cpwl-identity), each cell an object ``{constraint label: "p/q"}``.

    ``key_ok(key)`` and the regular expression ``label`` say which keys and labels are well formed; ``messages``
    are the kind's (bad key, not a non-empty object, bad label). See :func:`check_farkas` for the check itself.

    Examples
    --------
    >>> import re
    >>> read_empty_cells({"empty_cells": {"01": {"1": "1/2"}}}, str.isdigit, re.compile("[0-9]+"), ("k", "o", "l"))
    {'01': {'1': (Fraction(1, 2), 'data.empty_cells["01"]["1"]')}}
    >>> read_empty_cells({"empty_cells": {"01": {"x": 1}}}, str.isdigit, re.compile("[0-9]+"), ("k", "o", "bad label"))
    Traceback (most recent call last):
    ...
    lincomb.proofs_check.checkers._common.CertificateMalformed: data.empty_cells["01"].x: bad label
    """
    key_message, object_message, label_message = messages
    cells: dict = {}
    for key, multipliers in get_object(data, "empty_cells", "data").items():
        path = field_path("data.empty_cells", key)
        malformed_unless(key_ok(key), path, key_message)
        malformed_unless(isinstance(multipliers, dict) and multipliers, path, object_message)
        cells[key] = {}
        for name, value in multipliers.items():
            where = field_path(path, name)
            if not label.fullmatch(name):  # per multiplier: the message is built only on failure
                raise CertificateMalformed(where, label_message)
            cells[key][name] = (parse_rational_fast(value, where), where)
    return cells


def check_farkas(cell: str, multipliers, width: int) -> None:
    """Check that Farkas multipliers close an empty cell; reject, naming the failed condition, otherwise.

    The cell's constraints are strict, ``a . (x, 1) > 0`` for vectors ``a`` of length ``width``.  Multipliers
    ``y >= 0``, not all zero, whose combination ``sum y a`` has linear part 0 and constant ``<= 0`` show that no x
    satisfies them all.  ``multipliers`` yields ``(name, y, a)``, with ``a`` None when ``name`` is no constraint of
    the cell.

    Examples
    --------
    >>> check_farkas("0.1", [("x > 0", 1, (1, 0)), ("-x > 0", 1, (-1, 0))], 2)
    >>> check_farkas("0.1", [("x > 0", 1, (1, 0)), ("x - 1 > 0", 1, (1, -1))], 2)
    Traceback (most recent call last):
    ...
    lincomb.proofs_check.checkers._common.CertificateRejected: empty cell 0.1: the multipliers combine the constraints' linear parts to (2), not 0
    """
    combination = [0] * width
    nonzero = False
    for name, y, vector in multipliers:
        if y < 0:
            raise CertificateRejected(f"empty cell {cell}: multiplier {name} is negative")
        if vector is None:
            raise CertificateRejected(f"empty cell {cell}: multiplier {name} names no constraint of this cell")
        if y:
            nonzero = True
            for j in range(width):
                combination[j] += y * vector[j]
    reject_unless(nonzero, f"empty cell {cell}: the multipliers are all zero")
    if any(combination[:-1]):
        shown = ", ".join(str(v) for v in combination[:-1])
        raise CertificateRejected(f"empty cell {cell}: the multipliers combine the constraints' linear parts to ({shown}), not 0")
    reject_unless(combination[-1] <= 0, f"empty cell {cell}: the multipliers combine the constants to {combination[-1]} > 0")


def dot(u, x) -> Fraction:
    """The exact inner product of two vectors of rationals.

    Examples
    --------
    >>> dot([Fraction(1, 2), 3], [2, Fraction(1, 3)])
    Fraction(2, 1)
    """
    return sum((a * b for a, b in zip(u, x)), Fraction(0))


def determinant(matrix: list) -> int:
    """Determinant of a square integer matrix (fraction-free Bareiss elimination).

    Examples
    --------
    >>> determinant([[2, 1], [1, 3]]), determinant([])
    (5, 1)
    """
    a = [list(row) for row in matrix]
    n = len(a)
    sign, previous = 1, 1
    for k in range(n - 1):
        if a[k][k] == 0:
            swap = next((i for i in range(k + 1, n) if a[i][k] != 0), None)
            if swap is None:
                return 0
            a[k], a[swap] = a[swap], a[k]
            sign = -sign
        for i in range(k + 1, n):
            for j in range(k + 1, n):
                a[i][j] = (a[i][j] * a[k][k] - a[i][k] * a[k][j]) // previous
        previous = a[k][k]
    return sign * a[n - 1][n - 1] if n else 1  # the empty matrix has determinant 1


def minor_gcd(rows: list) -> int:
    """gcd of the maximal minors of an r x d integer matrix of rank r (1 for r = 0).

    It is the index of the lattice spanned by the rows in its saturation lin(rows) ∩ Z^d.

    Examples
    --------
    >>> minor_gcd([[2, 0], [0, 1]]), minor_gcd([])
    (2, 1)
    """
    result = 0
    for columns in combinations(range(len(rows[0]) if rows else 0), len(rows)):  # no rows: one empty minor, 1
        result = math.gcd(result, determinant([[row[c] for c in columns] for row in rows]))
        if result == 1:
            break
    return result


class Echelon:
    """A row-echelon basis over the rationals: adds independent vectors, tests membership of the span.

    Examples
    --------
    >>> basis = Echelon(3)
    >>> basis.add([1, 0, 1]), basis.add([2, 0, 2]), basis.contains([3, 0, 3])
    (True, False, True)
    """

    def __init__(self, dimension: int):
        self.dimension = dimension
        self.rows: list = []  # (pivot column, row with 1 at the pivot)

    def _reduce(self, vector) -> list:
        v = [Fraction(x) for x in vector]
        for pivot, row in self.rows:
            if v[pivot]:
                factor = v[pivot]
                v = [x - factor * y for x, y in zip(v, row)]
        return v

    def add(self, vector) -> bool:
        """Add the vector when it is independent of the basis; return whether it was.

        Examples
        --------
        >>> Echelon(2).add([0, 0])
        False
        """
        v = self._reduce(vector)
        pivot = next((i for i, x in enumerate(v) if x), None)
        if pivot is None:
            return False
        self.rows.append((pivot, [x / v[pivot] for x in v]))
        return True

    def contains(self, vector) -> bool:
        """Whether the vector lies in the span of the basis.

        Examples
        --------
        >>> Echelon(2).contains([0, 0])
        True
        """
        return not any(self._reduce(vector))
