"""lincomb.theory.expression_compare: canonical terms, exact coefficient errors, equivalence."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
import sympy

from lincomb.errors import ShapeError, UsageError
from lincomb.theory.expression_compare import (
    canonical_form,
    compare_equations,
    expression_size,
    r2_score,
    rationalize,
    relative_coefficient_errors,
    srbench_equivalent,
    term_coefficients,
    term_key,
    term_precision_recall,
)

x, y, z = sympy.symbols("x y z")


def test_floats_become_exact_decimal_rationals():
    assert rationalize(0.1 * x) == sympy.Rational(1, 10) * x
    assert term_coefficients(-9.9987 * x, [x]) == {"x": sympy.Rational(-99987, 10000)}


def test_term_keys_are_canonical():
    assert term_key(y * x**2) == term_key(x**2 * y) == "x^2*y"
    assert term_key(sympy.sin(x) * y) == "sin(x)*y"
    assert term_key(x ** sympy.Rational(1, 2)) == "x^(1/2)"
    assert term_key(sympy.Integer(1)) == "1"


def test_two_forms_of_a_rational_term_have_the_same_terms():
    a = term_coefficients(sympy.Rational(2, 5) * x - x**2 / (1 + x**2), [x])
    b = term_coefficients(sympy.Rational(2, 5) * x - 1 + 1 / (x**2 + 1), [x])
    assert a == b == {"(x^2 + 1)^(-1)": 1, "1": -1, "x": sympy.Rational(2, 5)}
    assert canonical_form(x * (x + 1), [x]) == x**2 + x


def test_structure_and_exact_relative_errors():
    true = [10 * y - 10 * x, x * y - sympy.Rational(8, 3) * z]
    learned = [10.1 * y - 9.9 * x, 1.0 * x * y - 2.64 * z]
    comparison = compare_equations(learned, true, [x, y, z])
    assert comparison.structure_equal
    assert comparison.max_relative_error == Fraction(1, 100)
    assert comparison.relative_errors[1]["z"] == Fraction(1, 100)  # |2.64 - 8/3| / (8/3)
    assert comparison.within("1/50") and not comparison.within("1/200")


def test_missing_and_extra_terms():
    true = [10 * y - 10 * x]
    comparison = compare_equations([10 * y + 0.01 * x * y], true, [x, y])
    assert not comparison.structure_equal
    assert comparison.relative_errors[0]["x"] == 1
    assert term_precision_recall([10 * y + 0.01 * x * y], true, [x, y]) == (0.5, 0.5)


def test_srbench_equivalence_after_rounding():
    assert srbench_equivalent(-0.901 * sympy.sin(x), -sympy.Rational(9, 10) * sympy.sin(x))
    assert srbench_equivalent(2 * x + 3, 2 * x)  # SRBench forgives a constant offset
    assert not srbench_equivalent(x**2, x**3)


def test_r2_and_size():
    true = np.c_[np.arange(10.0), np.arange(10.0) ** 2]
    assert r2_score(true, true) == 1.0
    assert r2_score(true, true + 1e9) < 0
    assert r2_score(true, np.full_like(true, np.nan)) == float("-inf")
    assert expression_size(x + y) == 3
    with pytest.raises(ShapeError):
        r2_score(true, true[:, :1])


def test_bad_input():
    with pytest.raises(UsageError, match="substitute parameter values"):
        term_coefficients(x * sympy.Symbol("k"), [x])
    with pytest.raises(ShapeError):
        compare_equations([x], [x, y], [x, y])
    with pytest.raises(UsageError, match="one right-hand side per variable"):
        relative_coefficient_errors({"x": x}, [x], [x])


@pytest.mark.parametrize("content", [1, 2, sympy.Rational(1, 3)])
def test_a_logistic_unit_has_one_form_whatever_its_orientation_and_denominator_content(content):
    # Wilson-Cowan's inhibitory rate (1/tau)/(1 + exp(-(15 E - 3 I - 7))) as the zoo writes it, over one
    # denominator 1/(2 + 2 exp(...)), against the learned -I/2 + 0.5/(1 + exp(-15 E + 3 I + 7)): the same
    # function, once counted as a different structure because only the unit without content was oriented.
    E, I = sympy.symbols("E I")
    u = -15 * E + 3 * I + 7
    written = -I / 2 + 1 / (content * 2 + content * 2 * sympy.exp(u)) * content
    learned = -I / 2 + sympy.Rational(1, 2) / (1 + sympy.exp(u))
    flipped = -I / 2 + sympy.Rational(1, 2) * (1 - 1 / (1 + sympy.exp(-u)))
    keys = [term_coefficients(e, ["E", "I"]) for e in (written, learned, flipped)]
    assert keys[0] == keys[1] == keys[2]
    assert compare_equations([learned], [written], ["E", "I"]).structure_equal
