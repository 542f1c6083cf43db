"""Symmetric-by-structure networks of max-representations (lincomb.theory.symmetric_network)."""

from __future__ import annotations

import random
from fractions import Fraction
from itertools import permutations

import pytest

from lincomb.errors import UsageError
from lincomb.solvers.max_representation import max_representation
from lincomb.theory.chamber_identity import prove_identity_on_braid_chambers
from lincomb.theory.constructions import max_function
from lincomb.theory.symmetric_network import (
    SecondLayerOrbit,
    SymmetricNetwork,
    first_layer_permutation,
    permutation_generators,
    row_orbit,
    sorted_chamber_expansion,
    symmetric_max_network,
)


def _network(n):
    return symmetric_max_network(n, [(c, t.a, t.b) for c, t in max_representation(n).terms])


def test_generators_generate_the_symmetric_group():
    for n in (3, 4, 5):
        generated = {tuple(range(n))}
        frontier = list(generated)
        while frontier:
            following = []
            for p in frontier:
                for s in permutation_generators(n):
                    image = tuple(s[p[i]] for i in range(n))
                    if image not in generated:
                        generated.add(image)
                        following.append(image)
            frontier = following
        assert generated == set(permutations(range(n)))


def test_the_n4_network_is_max_on_every_braid_chamber():
    network = _network(4)
    explicit = network.to_relu_network()
    assert explicit.widths == network.widths == (20, 8)
    result = prove_identity_on_braid_chambers(explicit.to_program(), max_function(4).to_program())
    assert result.equal and result.chambers == 24


def test_the_n5_network_is_max_at_random_points_and_permutation_invariant():
    network = _network(5)
    rng = random.Random(5)
    for _ in range(4):
        x = [Fraction(rng.randint(-20, 20), rng.randint(1, 7)) for _ in range(5)]
        assert network(x) == max(x)
    # Structural symmetry: every orbit is closed, and the first layer is permuted by each generator.
    maps = network.maps()
    for orbit in network.orbits:
        members = set(row_orbit(orbit.row, maps))
        assert len(members) == orbit.size
        for pi in maps:
            assert {tuple(sorted((pi[k], v) for k, v in m)) for m in members} == members


def test_the_sorted_chamber_expansion_of_n6_is_x1_with_all_hinges_cancelled():
    affine, hinges = sorted_chamber_expansion(_network(6))
    assert affine == (1, 0, 0, 0, 0, 0, 0)
    assert hinges and not any(hinges.values())


def test_a_wrong_coefficient_leaves_hinges_on_the_chamber():
    terms = [(c * 2 if i == 0 else c, t.a, t.b) for i, (c, t) in enumerate(max_representation(5).terms)]
    affine, hinges = sorted_chamber_expansion(symmetric_max_network(5, terms))
    assert affine != (1, 0, 0, 0, 0, 0) or any(hinges.values())


def test_an_open_first_layer_is_refused():
    layer = [((Fraction(1), Fraction(-1), Fraction(0)), Fraction(0))]
    with pytest.raises(UsageError, match="not closed"):
        first_layer_permutation(layer, (1, 0, 2))
    with pytest.raises(UsageError, match="are equal"):
        first_layer_permutation(layer * 2, (0, 1, 2))


def test_a_crossing_neuron_without_partner_is_refused():
    layer = [((Fraction(1), Fraction(0)), Fraction(0)), ((Fraction(0), Fraction(1)), Fraction(0))]
    network = SymmetricNetwork(2, layer, [SecondLayerOrbit(((0, Fraction(1)),), Fraction(0), Fraction(1), 2)])
    with pytest.raises(UsageError, match="pass-through partner"):
        sorted_chamber_expansion(network)


def test_bad_terms_are_refused():
    with pytest.raises(Exception, match="0-based indices"):
        symmetric_max_network(3, [("1", [(0, 3)], [(1, 1)])])
    with pytest.raises(UsageError):
        symmetric_max_network(0, [])
