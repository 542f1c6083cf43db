"""Tests for lincomb.theory.relu_network: validation, exact evaluation, identity test, constructions, JSON."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from lincomb.errors import LincombError, NotRationalError, ShapeError, UsageError
from lincomb.theory.program import max_combination_program
from lincomb.theory.relu_network import ReLUNetwork

# ---------------------------------------------------------------------------------------------
# strategies and an independent reference evaluation


def rationals(bound=3, denominator=4):
    return st.fractions(min_value=-bound, max_value=bound, max_denominator=denominator)


@st.composite
def layer_lists(draw, input_dimension=None, output_dimension=1, max_hidden=3, max_width=4, max_input=3):
    """Layers ``[(W, b), ...]`` of a random network with small rational entries."""
    n = input_dimension if input_dimension is not None else draw(st.integers(1, max_input))
    hidden = draw(st.integers(0, max_hidden))
    sizes = [n] + [draw(st.integers(1, max_width)) for _ in range(hidden)] + [output_dimension]
    layers = []
    for rows, columns in zip(sizes[1:], sizes[:-1]):
        weights = [[draw(rationals()) for _ in range(columns)] for _ in range(rows)]
        biases = [draw(rationals()) for _ in range(rows)]
        layers.append((weights, biases))
    return layers


def points(dimension):
    return st.lists(rationals(5, 7), min_size=dimension, max_size=dimension)


def reference_eval(layers, point):
    """Straightforward evaluation, written independently of the module under test."""
    values = [Fraction(v) for v in point]
    for index, (weights, biases) in enumerate(layers):
        values = [
            Fraction(bias) + sum(Fraction(w) * v for w, v in zip(row, values)) for row, bias in zip(weights, biases)
        ]
        if index < len(layers) - 1:
            values = [max(v, Fraction(0)) for v in values]
    return values


def naive_composition(outer: ReLUNetwork, inner: ReLUNetwork) -> ReLUNetwork:
    """outer(inner(x)) without merging: inner's output z goes through relu(z), relu(-z) (one extra layer)."""
    last_weights, last_biases = inner.layers[-1]
    hidden = (
        [list(r) for r in last_weights] + [[-w for w in r] for r in last_weights],
        list(last_biases) + [-b for b in last_biases],
    )
    first_weights, first_biases = outer.layers[0]
    merged = ([list(r) + [-w for w in r] for r in first_weights], list(first_biases))
    return ReLUNetwork([*inner.layers[:-1], hidden, merged, *outer.layers[1:]])


MAX2 = [([[1, -1], [0, 1], [0, -1]], [0, 0, 0]), ([[1, 1, -1]], [0])]


def max_program(dimension, coordinates=None):
    coordinates = range(dimension) if coordinates is None else coordinates
    pieces = [(tuple(1 if j == i else 0 for j in range(dimension)), 0) for i in coordinates]
    return max_combination_program([(1, pieces)], dimension)


# ---------------------------------------------------------------------------------------------
# validation


@pytest.mark.parametrize(
    "layers, error, fragments",
    [
        ([], ShapeError, ["at least one layer"]),
        ([([[1, 2], [3]], [0, 0])], ShapeError, ["layer 1", "ragged", "row 2", "1 entries", "2"]),
        ([([[1, 2]], [0]), ([[1, 2, 3]], [0])], ShapeError, ["layer 2", "1x3", "layer 1 has 1 neurons", "1 columns"]),
        ([([[1], [2]], [0, 0]), ([[1]], [0])], ShapeError, ["layer 2", "1x1", "layer 1 has 2 neurons", "2 columns"]),
        ([([[1, 2], [3, 4]], [0])], ShapeError, ["layer 1", "2x2", "b has 1 entries", "2 biases"]),
        ([([[1]], [0]), ([], [])], ShapeError, ["layer 2", "no neurons", "0 rows"]),
        ([([[]], [0])], ShapeError, ["layer 1", "0 entries"]),
        ([([[1]], [0]), "nonsense"], ShapeError, ["layer 2", "pair (W, b)"]),
        ([([[1]], [0]), ([[0.5]], [0])], NotRationalError, ["layer 2", "row 1, column 1", "1/2"]),
        ([([[1]], ["1.5"])], NotRationalError, ["layer 1", "bias 1", "p/q"]),
        ([([[1, "2/0"]], [0])], NotRationalError, ["layer 1", "row 1, column 2", "zero denominator"]),
        ([([[True]], [0])], NotRationalError, ["layer 1", "boolean"]),
        ([([1, 2], [0])], ShapeError, ["layer 1", "row 1", "list of rows"]),
        ([("12", [0])], ShapeError, ["layer 1", "weights W", "list"]),
        ([([[1]], 0)], ShapeError, ["layer 1", "biases b"]),
    ],
)
def test_validation_errors_name_the_layer_and_shapes(layers, error, fragments):
    with pytest.raises(error) as raised:
        ReLUNetwork(layers)
    assert isinstance(raised.value, LincombError)
    message = str(raised.value)
    for fragment in fragments:
        assert fragment in message, (fragment, message)


def test_entries_are_exact_fractions_and_attributes():
    net = ReLUNetwork([([[1, "1/2"], [sympy.Rational(2, 3), 0], [0, -1]], [0, "-1/3", 2]), ([[1, 1, 1]], [0])])
    assert net.input_dimension == 2
    assert net.output_dimension == 1
    assert net.hidden_layers == 1
    assert net.widths == (3,)
    assert isinstance(net.layers, tuple)
    for weights, biases in net.layers:
        assert isinstance(weights, tuple) and isinstance(biases, tuple)
        assert all(isinstance(row, tuple) for row in weights)
        assert all(type(w) is Fraction for row in weights for w in row)
        assert all(type(b) is Fraction for b in biases)
    assert net.layers[0][0][1][0] == Fraction(2, 3)
    assert repr(net) == "ReLUNetwork(input_dimension=2, widths=(3,), output_dimension=1)"


def test_point_validation():
    net = ReLUNetwork(MAX2)
    with pytest.raises(ShapeError, match="3 coordinates.*2 inputs"):
        net([1, 2, 3])
    with pytest.raises(NotRationalError, match="coordinate 1"):
        net([0.25, 1])
    with pytest.raises(ShapeError):
        net(5)


def test_vector_output_evaluates_but_is_not_compared():
    net = ReLUNetwork([([[1, 0], [0, 1]], [0, 0]), ([[1, 0], [0, 1], [1, 1]], [0, 0, "1/2"])])
    assert net.output_dimension == 3
    assert net([-1, 2]) == (Fraction(0), Fraction(2), Fraction(5, 2))
    for method in (net.to_program, net.to_cpwl, lambda: net.equals(net), lambda: net.difference_witness(net)):
        with pytest.raises(ShapeError, match="layer 2.*3 neurons"):
            method()
    x1, x2 = sympy.symbols("x1 x2")
    relu1, relu2 = sympy.Max(0, x1), sympy.Max(0, x2)
    assert net.to_sympy() == (relu1, relu2, relu1 + relu2 + sympy.Rational(1, 2))


def test_affine_network_with_no_hidden_layer():
    net = ReLUNetwork([([[2, "-1/3"]], [1])])
    assert net.hidden_layers == 0 and net.widths == ()
    assert net([3, 3]) == Fraction(6)
    assert net.equals(max_combination_program([(1, [((2, Fraction(-1, 3)), 1)])], 2))


# ---------------------------------------------------------------------------------------------
# exact evaluation


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_evaluation_matches_reference(data):
    layers = data.draw(layer_lists(output_dimension=data.draw(st.integers(1, 2))))
    net = ReLUNetwork(layers)
    point = data.draw(points(net.input_dimension))
    expected = reference_eval(layers, point)
    value = net(point)
    if net.output_dimension == 1:
        assert value == expected[0]
        assert type(value) is Fraction
        assert net.to_program().evaluate(point) == expected[0]
    else:
        assert value == tuple(expected)


@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_to_sympy_matches_reference(data):
    layers = data.draw(layer_lists(max_hidden=2))
    net = ReLUNetwork(layers)
    point = data.draw(points(net.input_dimension))
    expected = reference_eval(layers, point)[0]
    symbols = sympy.symbols(f"x1:{net.input_dimension + 1}")
    substituted = net.to_sympy().subs({s: sympy.Rational(p.numerator, p.denominator) for s, p in zip(symbols, point)})
    assert substituted == sympy.Rational(expected.numerator, expected.denominator)


def test_string_point_coordinates_are_exact():
    assert ReLUNetwork(MAX2)(["1/3", "2/7"]) == Fraction(1, 3)


def test_to_sympy_literal_form():
    x1, x2 = sympy.symbols("x1 x2")
    assert ReLUNetwork(MAX2).to_sympy() == sympy.Max(0, x1 - x2) + sympy.Max(0, x2) - sympy.Max(0, -x2)


# ---------------------------------------------------------------------------------------------
# the exact identity test


def test_equals_accepts_networks_and_programs():
    net = ReLUNetwork(MAX2)
    assert net.equals(max_program(2))
    # max(a, b) = |a - b| / 2 + (a + b) / 2, the linear part as a pass-through pair
    other = ReLUNetwork([([[1, -1], [-1, 1], [1, 1], [-1, -1]], [0] * 4), ([["1/2", "1/2", "1/2", "-1/2"]], [0])])
    assert net.equals(other) and other.equals(net)
    assert net.difference_witness(max_program(2)) is None


def test_equals_rejects_other_objects_and_dimensions():
    net = ReLUNetwork(MAX2)
    with pytest.raises(UsageError, match="to_program"):
        net.equals(3)
    with pytest.raises(ShapeError, match="R\\^2.*R\\^3"):
        net.equals(max_program(3))


def test_wrong_network_is_told_apart_with_a_counterexample():
    wrong = [([[1, -1], [0, 1], [0, -1]], [0, 0, 0]), ([[1, 1, "-1/2"]], [0])]
    net = ReLUNetwork(wrong)
    target = max_program(2)
    assert not net.equals(target)
    point = net.difference_witness(target)
    assert point is not None and all(type(p) is Fraction for p in point)
    assert net(point) != target.evaluate(point)
    assert net(point) != max(point)


def test_prove_identity_returns_statistics():
    result = ReLUNetwork(MAX2).prove_identity(max_program(2))
    assert result.equal and result.leaves == 2 and result.counterexample is None


# ---------------------------------------------------------------------------------------------
# compose, parallel_sum, scalar multiples


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_compose_matches_pointwise_composition(data):
    inner_layers = data.draw(layer_lists(output_dimension=data.draw(st.integers(1, 3))))
    inner = ReLUNetwork(inner_layers)
    outer = ReLUNetwork(data.draw(layer_lists(input_dimension=inner.output_dimension)))
    composed = outer.compose(inner)
    assert composed.hidden_layers == inner.hidden_layers + outer.hidden_layers
    assert composed.input_dimension == inner.input_dimension
    point = data.draw(points(inner.input_dimension))
    inner_value = inner(point)
    inner_value = [inner_value] if inner.output_dimension == 1 else list(inner_value)
    assert composed(point) == outer(inner_value)


@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_compose_equals_unmerged_composition(data):
    inner = ReLUNetwork(data.draw(layer_lists(output_dimension=2, max_hidden=1, max_width=3, max_input=2)))
    outer = ReLUNetwork(data.draw(layer_lists(input_dimension=2, max_hidden=1, max_width=3)))
    assert outer.compose(inner).equals(naive_composition(outer, inner))


def test_compose_builds_max4_from_max2():
    max2 = ReLUNetwork(MAX2)
    # the 2-output network (max(x1, x2), max(x3, x4)) on R^4
    pair = ReLUNetwork(
        [
            ([[1, -1, 0, 0], [0, 1, 0, 0], [0, -1, 0, 0], [0, 0, 1, -1], [0, 0, 0, 1], [0, 0, 0, -1]], [0] * 6),
            ([[1, 1, -1, 0, 0, 0], [0, 0, 0, 1, 1, -1]], [0, 0]),
        ]
    )
    net = max2.compose(pair)
    assert net.hidden_layers == 2 and net.widths == (6, 3)
    assert net.equals(max_program(4))
    assert net([1, "9/2", 3, -7]) == Fraction(9, 2)


def test_compose_shape_mismatch():
    with pytest.raises(ShapeError, match="2 outputs.*1 inputs"):
        ReLUNetwork([([[1]], [0])]).compose(ReLUNetwork([([[1], [2]], [0, 0])]))
    with pytest.raises(UsageError):
        ReLUNetwork([([[1]], [0])]).compose("x")


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_parallel_sum_matches_pointwise_sum(data):
    n = data.draw(st.integers(1, 3))
    m = data.draw(st.integers(1, 2))
    a = ReLUNetwork(data.draw(layer_lists(input_dimension=n, output_dimension=m)))
    b = ReLUNetwork(data.draw(layer_lists(input_dimension=n, output_dimension=m)))
    total = a + b
    assert total.hidden_layers == max(a.hidden_layers, b.hidden_layers)
    point = data.draw(points(n))
    if m == 1:
        assert total(point) == a(point) + b(point)
        assert (a - b)(point) == a(point) - b(point)
    else:
        assert total(point) == tuple(p + q for p, q in zip(a(point), b(point)))
    scalar = data.draw(rationals())
    scaled = a * scalar
    assert scaled.hidden_layers == a.hidden_layers
    if m == 1:
        assert scaled(point) == scalar * a(point)
        assert (scalar * a)(point) == scalar * a(point)


@settings(max_examples=20, deadline=None)
@given(data=st.data())
def test_parallel_sum_minus_summand_equals_other(data):
    n = data.draw(st.integers(1, 2))
    a = ReLUNetwork(data.draw(layer_lists(input_dimension=n, max_hidden=2, max_width=2)))
    b = ReLUNetwork(data.draw(layer_lists(input_dimension=n, max_hidden=2, max_width=2)))
    assert ((a + b) - a).equals(b)


def test_parallel_sum_pads_the_shallower_network():
    max4 = ReLUNetwork(MAX2).compose(
        ReLUNetwork(
            [
                ([[1, -1, 0, 0], [0, 1, 0, 0], [0, -1, 0, 0], [0, 0, 1, -1], [0, 0, 0, 1], [0, 0, 0, -1]], [0] * 6),
                ([[1, 1, -1, 0, 0, 0], [0, 0, 0, 1, 1, -1]], [0, 0]),
            ]
        )
    )
    relu_x1 = ReLUNetwork([([[1, 0, 0, 0]], [0]), ([[1]], [0])])
    affine = ReLUNetwork([([[0, 0, 0, "1/2"]], [3])])
    total = max4 + relu_x1 + affine
    assert total.hidden_layers == 2
    # max4: (6, 3); relu(x1) padded: (1, 2); the affine network padded: (2, 2)
    assert total.widths == (6 + 1 + 2, 3 + 2 + 2)
    target = max_combination_program(
        [
            (1, [(tuple(1 if j == i else 0 for j in range(4)), 0) for i in range(4)]),
            (1, [((1, 0, 0, 0), 0), ((0, 0, 0, 0), 0)]),
            (1, [((0, 0, 0, Fraction(1, 2)), 3)]),
        ],
        4,
    )
    assert total.equals(target)
    # padding keeps the pass-through pairs linear: no extra max nodes in the compiled program
    assert total.to_program().max_node_count == 3 + 1


def test_affine_plus_affine_stays_affine():
    total = ReLUNetwork([([[1, 2]], [1])]) + ReLUNetwork([([["1/2", -2]], [-1])])
    assert total.hidden_layers == 0
    assert total.layers[0] == (((Fraction(3, 2), Fraction(0)),), (Fraction(0),))


def test_sum_shape_errors_and_non_numbers():
    one = ReLUNetwork([([[1]], [0])])
    two = ReLUNetwork([([[1, 1]], [0])])
    with pytest.raises(ShapeError, match="1 and 2 inputs"):
        one + two
    with pytest.raises(ShapeError, match="outputs"):
        one + ReLUNetwork([([[1], [1]], [0, 0])])
    with pytest.raises(NotRationalError):
        one * 0.5
    with pytest.raises(TypeError):
        one + 1
    with pytest.raises(TypeError):
        one * one


# ---------------------------------------------------------------------------------------------
# JSON


@settings(max_examples=40, deadline=None)
@given(layers=layer_lists(output_dimension=2))
def test_json_round_trip(layers):
    net = ReLUNetwork(layers)
    data = net.to_json()
    assert data["type"] == "relu-network"
    assert all(isinstance(w, str) for layer in data["layers"] for row in layer["weights"] for w in row)
    assert ReLUNetwork.from_json(data).layers == net.layers
    assert ReLUNetwork.from_json(json.dumps(data)).layers == net.layers


def test_from_json_rejects_malformed_input():
    with pytest.raises(UsageError, match="relu-network"):
        ReLUNetwork.from_json({"type": "max-combination", "terms": []})
    with pytest.raises(UsageError, match="layers"):
        ReLUNetwork.from_json({"type": "relu-network"})
    with pytest.raises(UsageError, match="layer 2"):
        ReLUNetwork.from_json({"type": "relu-network", "layers": [{"weights": [["1"]], "biases": ["0"]}, {"w": 1}]})
    with pytest.raises(NotRationalError, match="layer 1"):
        ReLUNetwork.from_json({"type": "relu-network", "layers": [{"weights": [["0.5"]], "biases": ["0"]}]})
    with pytest.raises(NotRationalError, match="layer 1"):
        ReLUNetwork.from_json('{"type": "relu-network", "layers": [{"weights": [[0.5]], "biases": [0]}]}')
    with pytest.raises(UsageError, match="not valid JSON"):
        ReLUNetwork.from_json("{")
    # plain JSON integers are accepted (docs/certificates.md)
    assert ReLUNetwork.from_json({"type": "relu-network", "layers": [{"weights": [[2]], "biases": [1]}]})([1]) == 3


# ---------------------------------------------------------------------------------------------
# to_cpwl (needs lincomb.theory.cpwl)


@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_to_cpwl_agrees_pointwise_and_exactly(data):
    pytest.importorskip("lincomb.theory.cpwl")
    net = ReLUNetwork(data.draw(layer_lists(max_hidden=2, max_width=3, max_input=2)))
    function = net.to_cpwl()
    assert function.dimension == net.input_dimension
    point = data.draw(points(net.input_dimension))
    assert function(point) == net(point)
    assert net.equals(function)


def test_to_cpwl_of_max2_and_passthrough():
    pytest.importorskip("lincomb.theory.cpwl")
    net = ReLUNetwork(MAX2)
    function = net.to_cpwl()
    assert net.equals(function) and function.equals(net)
    assert function([2, 5]) == 5
    # the pass-through pair relu(x2) - relu(-x2) becomes the affine x2: only one maximum is left
    assert sum(1 for _, pieces in function.terms if len(pieces) > 1) == 1
