"""Exact enumeration of activation regions: Zaslavsky, degenerate networks, bounds, MILP cross-check."""

from __future__ import annotations

import random

import pytest

from lincomb.errors import ShapeError, UsageError
from lincomb.proofs_check.region_checks import generic_one_hidden_network, in_general_position
from lincomb.solvers.regions import (
    activation_pattern,
    enumerate_regions,
    product_upper_bound,
    serra_upper_bound,
    zaslavsky_count,
)
from lincomb.theory import ReLUNetwork, max_network


def random_network(widths, n, seed, bound=5):
    rng = random.Random(seed)
    layers, previous = [], n
    for width in [*widths, 1]:
        layers.append(
            ([[rng.randint(-bound, bound) for _ in range(previous)] for _ in range(width)],
             [rng.randint(-bound, bound) for _ in range(width)])
        )
        previous = width
    return ReLUNetwork(layers)


def assert_regions_are_consistent(result, network):
    patterns = result.patterns()
    assert len(set(patterns)) == len(patterns)  # no double counting
    for region in result.regions:
        assert activation_pattern(network, region.point) == region.pattern
        for label, constraint in region.constraints:
            assert constraint(region.point) > 0
        # the piece is the network's value at the witness (and near it, by openness)
        assert region.piece(region.point) == network(region.point)


@pytest.mark.parametrize(
    "neurons, dimension",
    [(1, 1), (3, 1), (4, 2), (6, 2), (7, 3), (8, 3), (9, 4), (12, 2), (12, 3), (12, 4)],
)
def test_generic_one_hidden_layer_matches_zaslavsky(neurons, dimension):
    network = generic_one_hidden_network(neurons, dimension, random.Random(neurons * 10 + dimension))
    result = enumerate_regions(network)
    assert result.count == zaslavsky_count(neurons, dimension)
    assert result.count == serra_upper_bound([neurons], dimension)


def test_general_position_test():
    assert in_general_position([[1, 0], [0, 1], [1, 1]], [0, 0, -1])
    assert not in_general_position([[1, 0], [0, 1], [1, 1]], [0, 0, 0])  # three lines through the origin
    assert not in_general_position([[1, 1], [2, 2]], [0, 1])              # parallel


def test_parallel_hyperplanes_are_not_double_counted():
    # x > 0, x > 1, 2x > 2 (the same hyperplane twice): 3 regions on R
    net = ReLUNetwork([([[1], [1], [2]], [0, -1, -2]), ([[1, 1, 1]], [0])])
    result = enumerate_regions(net)
    assert result.patterns() == ["000", "100", "111"]
    assert_regions_are_consistent(result, net)
    # parallel lines in the plane: 2 + 1 regions split by a transversal: 3 * 2
    net = ReLUNetwork([([[1, 1], [1, 1], [1, -1]], [0, -3, 0]), ([[1, 1, 1]], [0])])
    assert enumerate_regions(net).count == 6


def test_dead_neurons_and_zero_rows():
    net = ReLUNetwork([([[0, 0], [1, 0], [0, 0]], [0, 0, -1]), ([[1, 1, 1]], [0])])
    result = enumerate_regions(net)
    assert result.patterns() == ["000", "010"]  # zero row with bias 0 and with bias -1: always inactive
    assert_regions_are_consistent(result, net)
    # a second-layer neuron that is identically zero once the first layer is off
    net = ReLUNetwork([([[1]], [0]), ([[1], [-1]], [0, 0]), ([[1, 1]], [0])])
    result = enumerate_regions(net)
    assert result.patterns() == ["000", "110"]
    assert_regions_are_consistent(result, net)
    # a neuron with constant positive pre-activation: always active
    net = ReLUNetwork([([[0], [1]], [2, 0]), ([[1, 1]], [0])])
    assert enumerate_regions(net).patterns() == ["10", "11"]


def test_box_restriction():
    net = ReLUNetwork([([[1, 0], [0, 1], [1, 1]], [0, 0, -1]), ([[1, 1, 1]], [0])])
    assert enumerate_regions(net).count == 7
    assert enumerate_regions(net, box=([1, 1], [2, 2])).count == 1
    assert enumerate_regions(net, box=(["-1/2", "-1/2"], ["1/2", 1])).count == 5  # 4 quadrants, x + y > 1 cuts one
    with pytest.raises(ShapeError, match="not below"):
        enumerate_regions(net, box=([1, 1], [1, 2]))
    with pytest.raises(UsageError):
        enumerate_regions("not a network")


@pytest.mark.parametrize("seed", range(4))
def test_deep_random_networks_are_consistent_and_within_bounds(seed):
    widths = [4, 3] if seed % 2 else [3, 3, 2]
    net = random_network(widths, 2, seed)
    result = enumerate_regions(net)
    assert_regions_are_consistent(result, net)
    assert result.count <= serra_upper_bound(widths, 2) <= product_upper_bound(widths, 2)


def test_max_network_pieces():
    result = enumerate_regions(max_network(4))
    assert result.distinct_pieces() == 4
    assert_regions_are_consistent(result, max_network(4))


def test_adjacency_graph_of_an_arrangement():
    net = generic_one_hidden_network(4, 2, random.Random(1))
    result = enumerate_regions(net)
    graph = result.adjacency_graph()
    # in an arrangement, adjacent regions differ in exactly one neuron, and every such pair is adjacent
    expected = {
        frozenset((a, b)) for a in result.patterns() for b in result.patterns()
        if sum(x != y for x, y in zip(a, b)) == 1
    }
    assert {frozenset(e) for e in graph.edges} == expected
    # edges = sum over lines of the number of segments on it = N + 2 * C(N, 2) for lines in general position
    assert graph.number_of_edges() == 4 + 2 * 6


def test_milp_enumeration_matches_exact_on_small_deep_networks():
    pytest.importorskip("pyomo")
    from lincomb.solvers.regions_milp import milp_enumerate_patterns

    for seed, widths, n in [(3, [4, 4], 2), (5, [3, 3], 3), (7, [3, 2, 2], 2)]:
        net = random_network(widths, n, seed)
        box = ([-3] * n, [3] * n)
        exact = enumerate_regions(net, box=box)
        milp = milp_enumerate_patterns(net, box)
        assert milp.patterns == exact.patterns(), (seed, widths)
