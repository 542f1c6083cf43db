"""The 2-hidden-layer network built from a max-representation (issue 4)."""

from __future__ import annotations

import random
from fractions import Fraction

import pytest

from lincomb.errors import ShapeError, UsageError
from lincomb.solvers.max_representation import max_representation, published_n6_terms
from lincomb.theory.constructions import max_function
from lincomb.theory.max_representation_network import (
    max_representation_network,
    network_from_certificate,
    representation_widths,
)


def _terms(result):
    return [(c, t.a, t.b) for c, t in result.terms]


@pytest.mark.parametrize("n", [3, 4])
def test_small_networks_pass_the_exact_identity_test(n):
    network = max_representation(n).network()
    assert network.hidden_layers == 2
    assert network.equals(max_function(n))


@pytest.mark.parametrize("n", [5, 6])
def test_networks_agree_with_max_at_random_rational_points(n):
    # Evidence only (the proof is the certificate, and the slow identity test below).
    terms = _terms(max_representation(n)) if n == 5 else [(c, t.a, t.b) for c, t in published_n6_terms()]
    network = max_representation_network(n, terms)
    assert network.hidden_layers == 2
    bound = representation_widths(n, terms)
    assert network.widths[0] <= bound[0] and network.widths[1] == bound[1]
    rng = random.Random(n)
    for _ in range(20):
        point = [Fraction(rng.randint(-50, 50), rng.randint(1, 7)) for _ in range(n)]
        assert network(point) == max(point)


def test_a_wrong_coefficient_gives_a_network_that_is_not_max():
    (c, a, b), *rest = [(c, t.a, t.b) for c, t in published_n6_terms()]
    network = max_representation_network(6, [(2 * c, a, b), *rest])
    rng = random.Random(0)
    points = [[Fraction(rng.randint(-9, 9)) for _ in range(6)] for _ in range(20)]
    assert any(network(p) != max(p) for p in points)


def test_network_from_certificate_reads_one_based_pairs():
    cert = {"claim": {"n": 4}, "data": {"terms": [{"coefficient": "1/24", "pair": [[[3, 4]], [[1, 2]]]}]}}
    network = network_from_certificate(cert)
    assert network([1, 7, 3, -2]) == 7
    with pytest.raises(UsageError, match="expected a max-representation certificate"):
        network_from_certificate({"claim": {}})
    with pytest.raises(ShapeError, match="0-based indices in 0..3"):
        max_representation_network(4, [(1, [(0, 4)], [(0, 0)])])


@pytest.mark.slow
def test_n5_network_passes_the_exact_identity_test():
    # About 4 minutes on 2 shared cores: the cell tree branches on all 62 second-layer neurons.
    network = max_representation(5).network()
    assert network.widths == (20, 62)
    assert network.equals(max_function(5))
