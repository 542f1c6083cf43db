"""The activation dictionary and the symbolic FFNs of the three families (exact, sympy)."""

from __future__ import annotations

from fractions import Fraction

import pytest
import sympy as sp

from lincomb.errors import NotRationalError, ShapeError, UsageError
from lincomb.theory.activations import (
    DICTIONARY,
    Gate,
    Mixing,
    SymbolicFFN,
    activation,
    gate_function,
    to_sympy_number,
)

y = sp.Symbol("y", real=True)


@pytest.mark.parametrize(
    "name, point, value",
    [
        ("identity", -3, -3),
        ("relu", -3, 0),
        ("relu", 2, 2),
        ("relu2", 3, 9),
        ("relu2", -3, 0),
        ("leaky_relu", -100, -1),
        ("leaky_relu", 5, 5),
        ("gelu", 0, 0),
        ("silu", 0, 0),
        ("tanh", 0, 0),
    ],
)
def test_dictionary_values(name, point, value):
    assert sp.simplify(activation(name, y).subs(y, point) - value) == 0


def test_dictionary_closed_forms():
    # GELU = y Phi(y), SiLU = y sigmoid(y): compare numerically with the textbook forms
    assert abs(float(activation("gelu", y).subs(y, 1)) - 0.8413447460685429) < 1e-12
    assert abs(float(activation("silu", y).subs(y, 1)) - 0.7310585786300049) < 1e-12
    assert len(DICTIONARY) == 7


def test_unknown_names_are_refused():
    with pytest.raises(UsageError, match="unknown activation"):
        activation("swish", y)
    with pytest.raises(UsageError, match="unknown gate"):
        gate_function("softmax", y)
    with pytest.raises(UsageError, match="unknown activation"):
        Mixing.learnable({"softplus": 1})


def test_floats_need_consent():
    with pytest.raises(NotRationalError):
        to_sympy_number(0.1)
    assert isinstance(to_sympy_number(0.1, allow_float=True), sp.Float)
    ffn = SymbolicFFN.type1([[0.5]], [0], [[1]], [0], Mixing.fixed("relu"), allow_float=True)
    assert ffn.exact is False
    assert SymbolicFFN.type1([["1/2"]], [0], [[1]], [0], Mixing.fixed("relu")).exact is True


def test_families_and_variants():
    fixed = SymbolicFFN.type1([[1]], [0], [[1]], [0], Mixing.fixed("gelu"))
    la = SymbolicFFN.type1([[1]], [0], [[1]], [0], Mixing.learnable({"relu": 1, "tanh": 2}))
    moa = SymbolicFFN.type1([[1]], [0], [[1]], [0], Mixing.gated({"relu": Gate("sigmoid", [1], 0)}))
    assert (fixed.family, la.family, moa.family) == ("fixed", "la", "moa")
    swiglu = SymbolicFFN.type2([[1]], [0], [[1]], [0], [[1]], [0], Mixing.fixed("silu"))
    bi = SymbolicFFN.type2([[1]], [0], [[1]], [0], [[1]], [0], Mixing.fixed("silu"), Mixing.gated({"tanh": Gate("tanh", [1])}))
    assert (swiglu.variant, bi.variant, bi.family) == ("type2-one-sided", "type2-bi-sided", "moa")


def test_type1_expression_is_the_definition():
    # f(x) = 2 relu(x1 - x2) + 3 relu(x1 + x2)^2 ... with LA weights (1 relu, 1/2 relu2)
    W1, b1, W2 = [[1, -1], [1, 1]], [0, 1], [[2, 3]]
    f = SymbolicFFN.type1(W1, b1, W2, ["1/3"], Mixing.learnable({"relu": 1, "relu2": "1/2"}))
    x1, x2 = f.symbols()
    expected = (
        sp.Rational(1, 3)
        + 2 * (activation("relu", x1 - x2) + activation("relu2", x1 - x2) / 2)
        + 3 * (activation("relu", x1 + x2 + 1) + activation("relu2", x1 + x2 + 1) / 2)
    )
    for point in [(1, 2), (3, -1), (-2, -2), (sp.Rational(1, 2), 0)]:
        assert f.expression().subs({x1: point[0], x2: point[1]}) == expected.subs({x1: point[0], x2: point[1]})


def test_moa_gate_is_shared_by_all_neurons():
    gate = Gate("tanh", [1, 0], "1/2")
    f = SymbolicFFN.type1([[0, 1], [0, 2]], [0, 0], [[1, 1]], [0], Mixing.gated({"relu": gate}))
    x1, x2 = f.symbols()
    assert sp.simplify(f.expression() - sp.tanh(x1 + sp.Rational(1, 2)) * (activation("relu", x2) + activation("relu", 2 * x2))) == 0


def test_moa_with_constant_gates_is_la():
    # u = 0: the gate is the constant tanh(c), so MoA contains LA (scaled weights)
    moa = SymbolicFFN.type1([[1]], [0], [[1]], [0], Mixing.gated({"relu": Gate("tanh", [0], 1)}))
    la = SymbolicFFN.type1([[1]], [0], [[1]], [0], Mixing.learnable({"relu": sp.tanh(1)}))
    assert sp.simplify(moa.expression() - la.expression()) == 0


def test_type2_one_sided_and_bi_sided():
    reglu = SymbolicFFN.type2([[1]], [0], [[1]], [1], [[1]], [0], Mixing.fixed("relu"))
    x = reglu.symbols()[0]
    # ReGLU of width 1 equals relu(x) + relu(x)^2: a Type-II fixed layer already contains the LA witness
    assert sp.simplify(sp.piecewise_fold(reglu.expression() - activation("relu", x) - activation("relu2", x))) == 0
    bi = SymbolicFFN.type2([[0, 1]], [0], [[1, 0]], [0], [[1]], [0], Mixing.fixed("relu"), Mixing.fixed("tanh"))
    x1, x2 = bi.symbols()
    assert sp.simplify(bi.expression() - activation("relu", x2) * sp.tanh(x1)) == 0


def test_units_expand_type1_networks():
    f = SymbolicFFN.type1([[1], [2]], [0, 1], [[3, 0]], [0], Mixing.learnable({"relu": 2, "tanh": 0}))
    units = f.units()
    assert [(u.activation, u.coefficient) for u in units] == [("relu", 6)]  # zero terms dropped
    total = sum((u.expression(f.symbols()) for u in units), f.output_bias())
    assert sp.simplify(total - f.expression()) == 0
    with pytest.raises(UsageError, match="Type-I"):
        SymbolicFFN.type2([[1]], [0], [[1]], [0], [[1]], [0], Mixing.fixed("relu")).units()


def test_shape_errors_name_the_matrix():
    with pytest.raises(ShapeError, match="output matrix"):
        SymbolicFFN.type1([[1]], [0], [[1], [1]], [0, 0], Mixing.fixed("relu"))
    with pytest.raises(ShapeError, match="gate needs 2 weights"):
        SymbolicFFN.type1([[1, 0]], [0], [[1]], [0], Mixing.gated({"relu": Gate("tanh", [1])}))
    with pytest.raises(ShapeError, match="b1"):
        SymbolicFFN.type1([[1]], [0, 0], [[1]], [0], Mixing.fixed("relu"))


def test_exact_evaluation():
    f = SymbolicFFN.type1([[1]], [0], [[1]], [0], Mixing.learnable({"relu": 1, "relu2": 1}))
    assert f([Fraction(3, 2)]) == sp.Rational(15, 4)
