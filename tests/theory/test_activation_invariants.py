"""Exact invariants: piece structure, smoothness class, one-sided derivatives, gradient jumps."""

from __future__ import annotations

from fractions import Fraction

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from lincomb.errors import UsageError
from lincomb.theory.activation_invariants import (
    PiecewisePolynomial,
    activation_class,
    gradient_jump_at,
    gradient_jumps,
    one_sided_derivatives,
    restriction_1d,
    separating_invariant_1d,
)
from lincomb.theory.activations import DICTIONARY, Gate, Mixing, SymbolicFFN, activation

F = Fraction


def test_activation_classes_rederived_with_sympy():
    assert {name: activation_class(name) for name in DICTIONARY} == {
        "identity": "affine", "relu": "piecewise-linear", "relu2": "C1", "leaky_relu": "piecewise-linear",
        "gelu": "analytic", "silu": "analytic", "tanh": "analytic",
    }


def test_witness_piece_structure():
    la = SymbolicFFN.type1([[1]], [0], [[1]], [0], Mixing.learnable({"relu": 1, "relu2": 1}))
    pp = restriction_1d(la)
    assert pp.breakpoints == (F(0),)
    assert pp.pieces == ((F(0),), (F(0), F(1), F(1)))
    assert pp.smoothness_order() == 0 and pp.max_degree == 2
    assert pp.kinks() == [(F(0), F(0), F(1))]


def test_relu2_sum_is_c1():
    f = SymbolicFFN.type1([[1], [1]], [0, -1], [[1, -2]], [0], Mixing.fixed("relu2"))
    pp = restriction_1d(f)
    assert pp.smoothness_order() == 1 and pp.kinks() == []


def test_cancelling_units_leave_no_breakpoint():
    # relu(x) - relu(-x) = x : a single affine piece
    f = SymbolicFFN.type1([[1], [-1]], [0, 0], [[1, -1]], [0], Mixing.fixed("relu"))
    assert restriction_1d(f).pieces == ((F(0), F(1)),)


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.tuples(st.integers(-3, 3), st.integers(-3, 3), st.integers(-3, 3),
                       st.sampled_from(["identity", "relu", "relu2", "leaky_relu"])), min_size=1, max_size=4),
    st.integers(-5, 5),
)
def test_restriction_matches_sympy_values(units, point):
    """Property: the exact piecewise polynomial equals the sympy expression at rational points."""
    x = sp.Symbol("x", real=True)
    expression = sum((a * activation(name, w * x + b) for w, b, a, name in units), sp.Integer(0))
    gated_units = [SymbolicFFN.type1([[w]], [b], [[a]], [0], Mixing.fixed(name)).units()[0]
                   for w, b, a, name in units if a != 0]
    if not gated_units:
        return
    pp = restriction_1d(gated_units)
    assert pp(F(point, 3)) == expression.subs(x, sp.Rational(point, 3))


def test_one_sided_derivatives_with_sympy_limits():
    x = sp.Symbol("x", real=True)
    assert one_sided_derivatives(activation("leaky_relu", x), x, 0) == (sp.Rational(1, 100), 1)
    assert one_sided_derivatives(activation("relu2", x), x, 0) == (0, 0)
    assert one_sided_derivatives(sp.Abs(x - 1), x, 1) == (-1, 1)


def test_separating_invariant_against_each_class():
    witness = PiecewisePolynomial([0], [[0], [0, 1, 1]])
    kinds = {name: separating_invariant_1d(witness, name)["invariant"] for name in DICTIONARY}
    assert kinds["relu"] == kinds["leaky_relu"] == "piece-degree"
    assert kinds["relu2"] == kinds["gelu"] == kinds["silu"] == kinds["tanh"] == "derivative-jump"


def test_naive_la_witness_does_not_separate_from_relu2():
    # relu(x)^2 + relu(-x)^2 = x^2 is itself a ReLU^2 network (and C^1): no invariant separates it
    naive = SymbolicFFN.type1([[1], [-1]], [0, 0], [[1, 1]], [0], Mixing.fixed("relu2"))
    pp = restriction_1d(naive)
    assert separating_invariant_1d(pp, "relu2") is None
    assert separating_invariant_1d(pp, "gelu") is None
    assert separating_invariant_1d(pp, "relu")["invariant"] == "piece-degree"  # but it is not piecewise linear


def test_restriction_refuses_gated_or_analytic_units():
    moa = SymbolicFFN.type1([[1]], [0], [[1]], [0], Mixing.gated({"relu": Gate("tanh", [1])}))
    with pytest.raises(UsageError, match="not a piecewise polynomial"):
        restriction_1d(moa)
    with pytest.raises(UsageError, match="not a piecewise polynomial"):
        restriction_1d(SymbolicFFN.type1([[1]], [0], [[1]], [0], Mixing.fixed("gelu")))


def test_moa_witness_jump_varies_and_matches_sympy_limits():
    moa = SymbolicFFN.type1([[0, 1]], [0], [[1]], [0], Mixing.gated({"relu": Gate("tanh", [2, 0])}))
    [jump] = gradient_jumps(moa)
    assert jump.normal == (F(0), F(1)) and not jump.is_constant_along()
    s = sp.Symbol("s", real=True)
    x1, x2 = moa.symbols()
    assert gradient_jump_at(moa.expression(), (x1, x2), (0, 1), (s, 0)) == (0, sp.tanh(2 * s))
    p, q = jump.separating_points()
    assert jump.values_differ(p, q) is True


def test_la_jumps_are_constant_along_hyperplanes():
    la = SymbolicFFN.type1([[1, 1], [2, 2], [1, -1]], [0, 0, 1], [[1, 3, -1]], [0],
                           Mixing.learnable({"relu": 1, "leaky_relu": 2, "gelu": 5, "relu2": 1}))
    jumps = gradient_jumps(la)
    assert len(jumps) == 2  # rows 1 and 2 share the hyperplane x1 + x2 = 0
    assert all(j.is_constant_along() for j in jumps)
    assert all(j.separating_points() is None for j in jumps)
    # jump across x1 + x2 = 0: coefficient (1 + 3*2) * (1 + 2 * (1 - 1/100)) from relu + leaky
    merged = [j for j in jumps if j.offset == 0][0]
    assert merged.terms[0][0] == 7 * (1 + 2 * (1 - F(1, 100)))


def test_limits_cross_check_for_la_jump():
    la = SymbolicFFN.type1([[1, 2]], [1], [[3]], [0], Mixing.learnable({"relu": 1, "tanh": 1}))
    [jump] = gradient_jumps(la)
    x1, x2 = la.symbols()
    s = sp.Symbol("s", real=True)
    point = (-1 - 2 * s, s)  # on x1 + 2 x2 + 1 = 0
    by_limits = gradient_jump_at(la.expression(), (x1, x2), (1, 2), point)
    # jump vector = magnitude * normal (normal normalised to (1, 2)); the limits are along (1, 2) too
    assert by_limits == (3, 6)
    assert jump.magnitude() == 3 and jump.normal == (F(1), F(2))


def test_opposite_gates_are_undecided_not_wrongly_separated():
    moa = SymbolicFFN.type1([[0, 1], [0, 1]], [0, 0], [[1, 1]], [0],
                            Mixing.gated({"relu": Gate("tanh", [1, 0]), "leaky_relu": Gate("tanh", [-1, 0])}))
    [jump] = gradient_jumps(moa)
    # tanh(x1) + (99/100) tanh(-x1) per neuron: the two gated terms move in opposite directions
    assert jump.values_differ(jump.point_on([0]), jump.point_on([1])) is None
