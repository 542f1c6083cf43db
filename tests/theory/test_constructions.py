"""Tests for lincomb.theory.constructions: the max tree and the BBHSY 2-hidden-layer max of 5."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lincomb.errors import UsageError
from lincomb.theory.constructions import bbhsy_max5_network, max_function, max_network, max_target
from lincomb.theory.relu_network import ReLUNetwork


def rational_points(dimension):
    return st.lists(
        st.fractions(min_value=-10, max_value=10, max_denominator=9), min_size=dimension, max_size=dimension
    )


def expected_widths(n):
    widths = []
    while n > 1:
        widths.append(3 * (n // 2) + 2 * (n % 2))
        n = (n + 1) // 2
    return tuple(widths)


def bbhsy_formula(x):
    """The BBHSY identity's right-hand side, evaluated directly (1-based names as in the paper)."""
    x1, x2, x3, x4, x5 = x
    xs = {1: x1, 2: x2, 3: x3, 4: x4}
    p1 = max(max(2 * x5, x1 + x2), max(x1, x3) + max(x1, x4))
    p2 = max(max(2 * x5, x1 + x2), max(x2, x3) + max(x2, x4))
    p3 = max(max(2 * x5, x3 + x4), max(x3, x1) + max(x3, x2))
    p4 = max(max(2 * x5, x3 + x4), max(x4, x1) + max(x4, x2))
    q = max(2 * x5, max(x1 + x2, x3 + x4))

    def r(i, j):
        return max(max(2 * x5, xs[i] + xs[j]), max(x1 + x2, x3 + x4))

    return Fraction(1, 2) * (p1 + p2 + p3 + p4 + q - r(1, 3) - r(1, 4) - r(2, 3) - r(2, 4))


# ---------------------------------------------------------------------------------------------
# max_network


@pytest.mark.parametrize("n", range(1, 9))
def test_max_network_shape(n):
    net = max_network(n)
    assert net.input_dimension == n and net.output_dimension == 1
    assert net.hidden_layers == math.ceil(math.log2(n))
    assert net.widths == expected_widths(n)
    assert all(b == 0 for _, biases in net.layers for b in biases)


def test_max_network_widths_listed():
    assert [max_network(n).widths for n in range(1, 9)] == [
        (),
        (3,),
        (5, 3),
        (6, 3),
        (8, 5, 3),
        (9, 5, 3),
        (11, 6, 3),
        (12, 6, 3),
    ]


@pytest.mark.parametrize("n", range(1, 9))
def test_max_network_is_max_exactly(n):
    # n = 8 takes about 1 s (128 leaves); see the slow cases below for n = 9..12
    net = max_network(n)
    result = net.prove_identity(max_target(n))
    assert result.equal, result.counterexample
    assert result.leaves == 2 ** (n - 1) if n > 1 else result.leaves == 1
    # the pass-through pairs compile linearly: one max node per pair of the tree
    assert net.to_program().max_node_count == n - 1


@pytest.mark.slow
@pytest.mark.parametrize("n", range(9, 13))
def test_max_network_is_max_exactly_large(n):
    # measured: n = 9: 2 s, 10: 5 s, 11: 12 s, 12: 35 s
    assert max_network(n).equals(max_target(n))


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_max_network_evaluates_to_max(data):
    n = data.draw(st.integers(1, 9))
    point = data.draw(rational_points(n))
    value = max_network(n)(point)
    assert value == max(point) and type(value) is Fraction
    assert max_target(n).evaluate(point) == max(point)


def test_max_network_identity_for_one_input():
    net = max_network(1)
    assert net.layers == ((((Fraction(1),),), (Fraction(0),)),)
    assert net(["-7/3"]) == Fraction(-7, 3)


@pytest.mark.parametrize("bad", [0, -2, "3", 2.0, True, None])
def test_bad_counts_are_usage_errors(bad):
    for function in (max_network, max_target, max_function):
        with pytest.raises(UsageError, match="positive integer"):
            function(bad)


# ---------------------------------------------------------------------------------------------
# the BBHSY network


def test_bbhsy_shape():
    net = bbhsy_max5_network()
    assert net.input_dimension == 5 and net.output_dimension == 1
    assert net.hidden_layers == 2
    assert net.widths == (21, 11)
    # 11 deduplicated first-layer maxima + 9 outer maxima; every other neuron is a pass-through pair
    assert net.to_program().max_node_count == 11 + 9


@settings(max_examples=80, deadline=None)
@given(point=rational_points(5))
def test_bbhsy_evaluates_to_the_formula_and_to_max(point):
    value = bbhsy_max5_network()(point)
    assert value == bbhsy_formula(point) == max(point)


def test_bbhsy_is_max5_exactly():
    # about 2.5 s: 198 leaves, 2748 empty cells, ~3000 exact LPs
    result = bbhsy_max5_network().prove_identity(max_target(5))
    assert result.equal, result.counterexample
    assert result.leaves > 0


def test_bbhsy_equals_the_max_tree():
    # a 2-hidden-layer and a 3-hidden-layer network for the same function
    assert bbhsy_max5_network().equals(max_network(5))


def _changed(net: ReLUNetwork, layer: int, row: int, column: int, delta) -> ReLUNetwork:
    layers = [[list(map(list, weights)), list(biases)] for weights, biases in net.layers]
    layers[layer][0][row][column] += Fraction(delta)
    return ReLUNetwork([tuple(layer_) for layer_ in layers])


@pytest.mark.parametrize(
    "layer, row, column, delta",
    [
        (0, 0, 0, 1),  # a hinge neuron of the first layer
        (0, 12, 1, "1/3"),  # a pass-through neuron of the first layer (breaks the pair)
        (1, 3, 5, -1),  # a second-layer weight
        (1, 9, 0, "1/2"),  # the pass-through pair of the linear part
        (2, 0, 8, "1/1000"),  # an output weight
    ],
)
def test_changed_bbhsy_weight_is_told_apart(layer, row, column, delta):
    wrong = _changed(bbhsy_max5_network(), layer, row, column, delta)
    target = max_target(5)
    result = wrong.prove_identity(target)
    assert not result.equal
    point = result.counterexample
    assert all(type(p) is Fraction for p in point)
    assert wrong(point) != target.evaluate(point) == max(point)
    assert wrong.difference_witness(target) is not None


def test_changed_max_tree_weight_is_told_apart():
    wrong = _changed(max_network(6), 0, 0, 0, 1)  # relu(2 x1 - x2) instead of relu(x1 - x2)
    point = wrong.difference_witness(max_target(6))
    assert point is not None and wrong(point) != max(point)


def test_changed_weight_that_keeps_the_function_is_recognized():
    # Neuron relu(-max(x3, x4)) of layer 2 gets + relu(x4): relu(x4) - max(x3, x4) <= 0 wherever relu(x4) > 0,
    # so the function is unchanged although the weights (and the pass-through pair) are not.
    changed = _changed(max_network(6), 1, 2, 4, 1)
    assert changed.layers != max_network(6).layers
    assert changed.equals(max_target(6))


# ---------------------------------------------------------------------------------------------
# CPWL targets (need lincomb.theory.cpwl)


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_max_function_matches_networks(n):
    pytest.importorskip("lincomb.theory.cpwl")
    function = max_function(n)
    assert function([Fraction(i, 3) for i in range(n)]) == Fraction(n - 1, 3)
    assert max_network(n).equals(function)
    assert max_network(n).to_cpwl().equals(function)


def test_bbhsy_to_cpwl_is_max5():
    pytest.importorskip("lincomb.theory.cpwl")
    function = bbhsy_max5_network().to_cpwl()
    assert function([1, 2, "7/2", 0, -1]) == Fraction(7, 2)
    assert function.equals(max_network(5))
