"""The tropical semiring isomorphism, checked exactly on random instances, and f = g - h for ReLU networks."""

from __future__ import annotations

import random

import pytest

from lincomb.errors import UsageError
from lincomb.theory import CPWL, ReLUNetwork, bbhsy_max5_network, max_network
from lincomb.theory.polytopes import Polytope
from lincomb.theory.tropical import (
    convex_decomposition,
    convex_function,
    newton_polytope,
    random_convex_function,
    tropical_max,
    tropical_sum,
    upper_vertices,
)


@pytest.mark.parametrize("seed", range(6))
def test_semiring_isomorphism_on_random_instances(seed):
    rng = random.Random(seed)
    n = 1 + seed % 3
    f = random_convex_function(n, rng.randint(1, 4), rng)
    g = random_convex_function(n, rng.randint(1, 4), rng)
    P, Q = newton_polytope(f), newton_polytope(g)
    # as polytopes, exactly
    assert tropical_max(P, Q) == newton_polytope(CPWL.maximum_of([*f.terms[0][1], *g.terms[0][1]]))
    assert upper_vertices(tropical_sum(P, Q)) == upper_vertices(newton_polytope(f + g))
    # and back to functions, proved on all of R^n
    assert convex_function(tropical_max(P, Q)).equals(f.maximum(g))
    assert convex_function(tropical_sum(P, Q)).equals(f + g)
    assert convex_function(P).equals(f)


def test_newton_polytope_refuses_non_convex_forms():
    x = CPWL.coordinate(0, 1)
    with pytest.raises(UsageError, match="convex_decomposition"):
        newton_polytope(-abs(x))


def test_upper_vertices_drop_dominated_pieces():
    P = Polytope([[0, 0], [1, 0], [0, -5], ["1/2", -1]])
    assert upper_vertices(P) == ((0, 0), (1, 0))


@pytest.mark.parametrize(
    "network",
    [max_network(3), max_network(4), pytest.param(bbhsy_max5_network(), marks=pytest.mark.slow)],  # bbhsy: ~5 min
    ids=["max3", "max4", "bbhsy5"],
)
def test_convex_decomposition_of_networks(network):
    g, h = convex_decomposition(network)
    assert (g - h).equals(network)
    assert newton_polytope(g).ambient_dimension == network.input_dimension + 1


def test_convex_decomposition_of_a_small_random_network():
    net = ReLUNetwork([([[1, -2], [3, 1], [-1, -1]], [1, 0, 2]), ([[1, -1, 2]], [0])])
    g, h = convex_decomposition(net)
    assert (g - h).equals(net)
