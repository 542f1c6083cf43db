"""Comparing learned equations with true ones: exact structure, terms, coefficients, equivalence.

A right-hand side is brought to a canonical sum of terms, ``sum_k c_k * m_k``, where ``c_k`` is a
number and ``m_k`` a product of powers of *bases* (variables, functions such as ``sin(x)``, or
sums in a denominator).  Floats are first replaced by the exact rationals of their shortest decimal
form, so everything after that is exact.  Logarithms are expanded (``log(K/x) = log(K) - log(x)``),
and a logistic unit ``1/(1 + exp(u))`` is written with ``u`` increasing in its first variable
(``1/(1 + exp(-u)) = 1 - 1/(1 + exp(u))``).
Rational functions of one variable are put in partial-fraction form first (``x**2/(1 + x**2)``
becomes ``1 - 1/(x**2 + 1)``), and so is each term whose denominator involves one variable only
(``x*y/(x + 2)`` becomes ``y - 2*y/(x + 2)``), so two ways of writing the same rational term have the
same terms.

Each ``m_k`` gets a *term key*, a string such as ``"x^2*y"``, ``"sin(x)"`` or ``"(x^2 + 1)^(-1)"``
(factors sorted, ``^`` for powers, non-integer or negative exponents in parentheses; ``"1"`` for the
constant term).  These keys are what the ``symreg-recovery`` certificates store and what their
standard-library checker re-canonicalises.

Metrics (the reference's list): exact structure (same key set per equation), term precision and
recall, relative coefficient error, SRBench-style symbolic equivalence after rounding, trajectory
R^2 and expression size.

Examples
--------
>>> x, y = sympy.symbols("x y")
>>> term_coefficients(x*(sympy.Float(1.84) - sympy.Rational(29, 20)*y), [x, y])
{'x': 46/25, 'x*y': -29/20}
>>> cmp = compare_equations([10.02*y - 9.99*x], [10*y - 10*x], [x, y])
>>> cmp.structure_equal, float(cmp.max_relative_error)
(True, 0.002)
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Sequence

import numpy as np
import sympy

from lincomb.errors import ShapeError, UsageError

__all__ = [
    "EquationComparison",
    "canonical_form",
    "compare_equations",
    "expression_size",
    "r2_score",
    "rationalize",
    "relative_coefficient_errors",
    "srbench_equivalent",
    "term_coefficients",
    "term_key",
    "term_precision_recall",
]


def _symbols(variables: Sequence) -> list[sympy.Symbol]:
    return [v if isinstance(v, sympy.Symbol) else sympy.Symbol(str(v)) for v in variables]


def rationalize(expr) -> sympy.Expr:
    """Replace every float by the exact rational of its shortest decimal form (``0.1 -> 1/10``).

    Examples
    --------
    >>> x = sympy.Symbol("x")
    >>> rationalize(0.4*x + 2.5)
    2*x/5 + 5/2
    """
    expr = sympy.sympify(expr)
    floats = {f: sympy.Rational(repr(float(f))) for f in expr.atoms(sympy.Float)}
    return expr.xreplace(floats) if floats else expr


def _orient_logistics(expr: sympy.Expr, symbols: Sequence[sympy.Symbol]) -> sympy.Expr:
    """Write every logistic unit ``1/(1 + exp(u))`` with ``u`` increasing in its first variable.

    ``1/(1 + exp(u)) = 1 - 1/(1 + exp(-u))``: the two forms of one unit are the same function, so the
    one whose exponent has a negative coefficient on its first variable (in the order given) is
    rewritten as the other.
    """
    # A unit may come with a numeric content in its denominator, 1/(c + c exp(u)) = (1/c)/(1 + exp(u))
    # (Wilson-Cowan's (1/tau)/(1 + exp(u)) written over a common denominator): the content is split off
    # first, or the same unit would be oriented in one equation and left as it is in the other.
    def is_logistic(node):
        if not (isinstance(node, sympy.Pow) and node.exp == -1 and isinstance(node.base, sympy.Add)):
            return False
        rest = node.base.as_content_primitive()[1] - 1
        return isinstance(rest, sympy.exp) and any(rest.has(s) for s in symbols)

    def oriented(node):
        content, primitive = node.base.as_content_primitive()
        argument = (primitive - 1).args[0]
        first = next(s for s in symbols if argument.has(s))
        slope = sympy.expand(argument).coeff(first)
        if slope.is_number and slope < 0:
            return (1 - 1 / (1 + sympy.exp(sympy.expand(-argument, power_exp=False)))) / content
        return node

    return expr.replace(is_logistic, oriented)


def canonical_form(expr, variables: Sequence) -> sympy.Expr:
    """The expanded, exact form whose top-level terms are compared.

    Floats become exact rationals; a rational function of a single variable with a non-constant
    denominator is split into partial fractions; then everything is expanded.

    Examples
    --------
    >>> x = sympy.Symbol("x")
    >>> canonical_form(-x**2/(1 + x**2) + 0.4*x, [x])
    2*x/5 - 1 + 1/(x**2 + 1)
    """
    symbols = _symbols(variables)
    expr = sympy.powsimp(sympy.expand_log(rationalize(expr), force=True), deep=True, combine="exp")  # exp(6)*exp(-4x) = exp(6 - 4x)
    expr = _orient_logistics(expr, symbols)
    present = [s for s in symbols if expr.has(s)]
    if len(present) == 1 and expr.is_rational_function(*present):
        _, denominator = sympy.fraction(sympy.together(expr))
        if denominator.has(present[0]):
            expr = sympy.apart(expr, present[0])
    elif len(present) > 1:
        # A term whose denominator is a polynomial in one variable only (x*y/(K + x), Holling type
        # II) is split into partial fractions in that variable: y - K*y/(K + x), so that
        # x*y/(K + x) and y*K/(K + x) written beside a y term have the same terms.
        pieces = []
        for term in sympy.Add.make_args(sympy.expand(expr, power_exp=False)):
            _, denominator = sympy.fraction(sympy.together(term))
            inside = [s for s in present if denominator.has(s)]
            if len(inside) == 1 and denominator.is_polynomial(inside[0]) and term.is_rational_function(*present):
                term = sympy.apart(term, inside[0])
            pieces.append(term)
        expr = sympy.Add(*pieces)
    return sympy.expand(expr, power_exp=False)


def _exponent_text(exponent: sympy.Expr) -> str:
    if exponent == 1:
        return ""
    if exponent.is_Integer and exponent > 0:
        return f"^{exponent}"
    return f"^({exponent})"


def _base_text(base: sympy.Expr) -> str:
    text = str(base).replace("**", "^")
    return f"({text})" if isinstance(base, sympy.Add) else text


def term_key(monomial) -> str:
    """The canonical key of a product of powers (no numeric coefficient).

    Examples
    --------
    >>> x, y = sympy.symbols("x y")
    >>> term_key(y * x**2), term_key(sympy.Integer(1)), term_key(1/(x**2 + 1)), term_key(sympy.sin(x))
    ('x^2*y', '1', '(x^2 + 1)^(-1)', 'sin(x)')
    """
    monomial = sympy.sympify(monomial)
    if monomial == 1:
        return "1"
    factors = []
    for factor in sympy.Mul.make_args(monomial):
        if isinstance(factor, sympy.exp):  # exp(u), not E^u
            factors.append(_base_text(factor))
            continue
        base, exponent = factor.as_base_exp()
        factors.append(_base_text(base) + _exponent_text(exponent))
    return "*".join(sorted(factors))


def term_coefficients(expr, variables: Sequence) -> dict[str, sympy.Rational]:
    """Map each term key of the canonical form to its exact coefficient (zero terms dropped).

    Examples
    --------
    >>> x, y, z = sympy.symbols("x y z")
    >>> term_coefficients(x*y - sympy.Rational(8, 3)*z, [x, y, z])
    {'x*y': 1, 'z': -8/3}
    >>> term_coefficients(x * sympy.Symbol("k"), [x])
    Traceback (most recent call last):
    ...
    lincomb.errors.UsageError: term_coefficients: the expression contains symbols ['k'] that are not variables; substitute parameter values first
    """
    symbols = _symbols(variables)
    expr = sympy.sympify(expr)
    stray = expr.free_symbols - set(symbols)
    if stray:
        raise UsageError(
            f"term_coefficients: the expression contains symbols {sorted(map(str, stray))} that are not "
            "variables; substitute parameter values first"
        )
    terms: dict[str, sympy.Rational] = {}
    for term in sympy.Add.make_args(canonical_form(expr, symbols)):
        coefficient, monomial = term.as_independent(*symbols, as_Add=False)
        # Pull the content out of sums (apart writes 100001/(100000*x**2 + 100000)), so that the
        # sum in a key is primitive: (x**2 + 1).
        factors = []
        for factor in sympy.Mul.make_args(monomial):
            base, exponent = factor.as_base_exp()
            if isinstance(base, sympy.Add):
                content, base = base.as_content_primitive()
                coefficient *= content**exponent
            factors.append(base**exponent)
        monomial = sympy.Mul(*factors)
        if coefficient.is_number and not coefficient.is_Rational and coefficient.is_real:
            # an exact irrational constant (log(20)/2 from expanding r*x*log(K/x)): its rational
            # value to 15 significant digits, as measured coefficients are compared with it
            coefficient = sympy.Rational(repr(float(coefficient)))
        if not coefficient.is_Rational:
            raise UsageError(f"term_coefficients: coefficient {coefficient} of {monomial} is not rational")
        key = term_key(monomial)
        terms[key] = terms.get(key, sympy.Integer(0)) + coefficient
    return {key: value for key, value in sorted(terms.items()) if value != 0}


def _as_terms(equations, variables) -> list[dict]:
    if isinstance(equations, dict) or not isinstance(equations, (list, tuple)):
        raise UsageError("give the equations as a list with one right-hand side per variable")
    return [term_coefficients(e, variables) for e in equations]


def term_precision_recall(learned: Sequence, true: Sequence, variables: Sequence) -> tuple[float, float]:
    """Term precision and recall over all equations: a term counts per (equation, key).

    Examples
    --------
    >>> x, y = sympy.symbols("x y")
    >>> term_precision_recall([x + y, x], [x, x + 2*y], [x, y])
    (0.6666666666666666, 0.6666666666666666)
    """
    if len(learned) != len(true):
        raise ShapeError(f"{len(learned)} learned equations for {len(true)} true ones")
    hits = found = wanted = 0
    for got, want in zip(_as_terms(learned, variables), _as_terms(true, variables)):
        hits += len(set(got) & set(want))
        found += len(got)
        wanted += len(want)
    precision = hits / found if found else (1.0 if not wanted else 0.0)
    recall = hits / wanted if wanted else 1.0
    return precision, recall


def relative_coefficient_errors(learned: Sequence, true: Sequence, variables: Sequence) -> list[dict[str, Fraction]]:
    """Exact relative error ``|c_learned - c_true| / |c_true|`` of every true term, per equation.

    A true term that was not learned has error 1; learned extra terms are not counted here (they
    show in the structure and the precision).

    Examples
    --------
    >>> x = sympy.Symbol("x")
    >>> relative_coefficient_errors([0.98*x], [x], [x])
    [{'x': Fraction(1, 50)}]
    """
    errors = []
    for got, want in zip(_as_terms(learned, variables), _as_terms(true, variables)):
        row = {}
        for key, value in want.items():
            c_true = Fraction(int(value.p), int(value.q))
            c_got = got.get(key)
            c_got = Fraction(int(c_got.p), int(c_got.q)) if c_got is not None else Fraction(0)
            row[key] = abs(c_got - c_true) / abs(c_true)
        errors.append(row)
    return errors


def _round_significant(expr: sympy.Expr, digits: int) -> sympy.Expr:
    def rounded(number):
        value = float(number)
        return sympy.Rational(f"{value:.{digits}g}") if value else sympy.Integer(0)

    numbers = {n: rounded(n) for n in expr.atoms(sympy.Number) if not n.is_Integer}
    return expr.xreplace(numbers)


def srbench_equivalent(learned, true, digits: int = 2) -> bool:
    """SRBench's "symbolic solution" test after rounding every non-integer number to ``digits`` significant digits.

    Both sides are expanded and rounded; they are equivalent when the difference simplifies to
    zero or a constant, or the ratio simplifies to a nonzero constant (SRBench's definition,
    which forgives an offset or a scale).

    Examples
    --------
    >>> x, y = sympy.symbols("x y")
    >>> srbench_equivalent(10.02*y - 9.99*x, 10*(y - x))
    True
    >>> srbench_equivalent(10*y - 9*x, 10*(y - x))
    False
    """
    a = _round_significant(sympy.expand(rationalize(learned)), digits)
    b = _round_significant(sympy.expand(rationalize(true)), digits)
    # Expanding and cancelling decide these for the rational, polynomial and trigonometric-polynomial
    # expressions compared here; sympy.simplify would be slow on large learned expressions.
    difference = sympy.cancel(sympy.together(a - b))
    if difference == 0 or difference.is_number:
        return True
    if b != 0:
        ratio = sympy.cancel(sympy.together(a / b))
        if ratio.is_number and ratio != 0:
            return True
    return False


def expression_size(expr) -> int:
    """Number of nodes of the sympy expression tree (the reference's expression size).

    Examples
    --------
    >>> x, y = sympy.symbols("x y")
    >>> expression_size(x*y + 1)
    5
    """
    return sum(1 for _ in sympy.preorder_traversal(sympy.sympify(expr)))


def r2_score(true: np.ndarray, predicted: np.ndarray) -> float:
    """Coefficient of determination, averaged over columns (1 is perfect, can be negative).

    Examples
    --------
    >>> r2_score(np.array([[1.0], [2.0], [3.0]]), np.array([[1.0], [2.0], [4.0]]))
    0.5
    """
    true = np.asarray(true, dtype=float)
    predicted = np.asarray(predicted, dtype=float)
    if true.shape != predicted.shape:
        raise ShapeError(f"r2_score: shapes {true.shape} and {predicted.shape} differ")
    true = true.reshape(true.shape[0], -1)
    predicted = predicted.reshape(true.shape)
    if not np.all(np.isfinite(predicted)):
        return float("-inf")
    residual = np.sum((true - predicted) ** 2, axis=0)
    total = np.sum((true - true.mean(axis=0)) ** 2, axis=0)
    total = np.where(total > 0, total, 1.0)
    return float(np.mean(1.0 - residual / total))


@dataclass(frozen=True)
class EquationComparison:
    """All metrics of one learned system against the true one.

    Attributes
    ----------
    structure_equal : bool
        Every equation has exactly the true set of term keys.
    precision, recall : float
        Term precision and recall (:func:`term_precision_recall`).
    max_relative_error : fractions.Fraction
        Largest relative coefficient error over all true terms (missing terms count 1).
    relative_errors : list of dict
        Per equation, key -> exact relative error.
    srbench_equivalent : bool
        Every equation passes :func:`srbench_equivalent`.
    size : int
        Total :func:`expression_size` of the learned equations.

    Examples
    --------
    >>> x = sympy.Symbol("x")
    >>> compare_equations([-x], [-x], [x]).structure_equal
    True
    """

    structure_equal: bool
    precision: float
    recall: float
    max_relative_error: Fraction
    relative_errors: list
    srbench_equivalent: bool
    size: int

    def within(self, tolerance) -> bool:
        """Exact structure and every relative coefficient error at most ``tolerance``.

        Examples
        --------
        >>> x = sympy.Symbol("x")
        >>> compare_equations([0.99*x], [x], [x]).within("1/50")
        True
        """
        return self.structure_equal and self.max_relative_error <= Fraction(tolerance)


def compare_equations(learned: Sequence, true: Sequence, variables: Sequence, digits: int = 2) -> EquationComparison:
    """Compare learned right-hand sides with the true ones (one per variable).

    Examples
    --------
    >>> x, y = sympy.symbols("x y")
    >>> c = compare_equations([y, -0.9*sympy.sin(x) + 0.01*x], [y, -sympy.Rational(9, 10)*sympy.sin(x)], [x, y])
    >>> c.structure_equal, c.precision, c.recall
    (False, 0.6666666666666666, 1.0)
    """
    if len(learned) != len(true):
        raise ShapeError(f"{len(learned)} learned equations for {len(true)} variables; give one per variable")
    got = _as_terms(learned, variables)
    want = _as_terms(true, variables)
    errors = relative_coefficient_errors(learned, true, variables)
    worst = max((e for row in errors for e in row.values()), default=Fraction(0))
    precision, recall = term_precision_recall(learned, true, variables)
    return EquationComparison(
        structure_equal=all(set(g) == set(w) for g, w in zip(got, want)),
        precision=precision,
        recall=recall,
        max_relative_error=worst,
        relative_errors=errors,
        srbench_equivalent=all(srbench_equivalent(a, b, digits) for a, b in zip(learned, true)),
        size=sum(expression_size(e) for e in learned),
    )
