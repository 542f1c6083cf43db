"""The braid fan facts of Hertrich, Basu, Di Summa, Skutella (reference: relu_depth.md)."""

from __future__ import annotations

import math
from fractions import Fraction
from itertools import combinations

import flint
import pytest

from lincomb.errors import UsageError
from lincomb.theory.braid_fan import (
    basis_subsets,
    basis_value,
    braid_cone_count,
    braid_cones,
    braid_ray,
    braid_subsets,
    comparable_pairs,
    evaluation_matrix,
    one_hidden_layer_subsets,
    phi,
    phi_of_basis,
)


def g(m, point):
    """g_M evaluated directly: max over M of the coordinates, with x_0 = 0."""
    x = (0, *point)
    return max(x[i] for i in m)


def test_counts_for_n4():
    assert len(braid_subsets(4)) == 30
    assert len(comparable_pairs(4)) == 150
    assert braid_cone_count(4) == 120
    assert len(basis_subsets(4)) == 30
    assert len(one_hidden_layer_subsets(4)) == 14


@pytest.mark.parametrize("n", [2, 3, 4, 5])
def test_count_formulas(n):
    assert len(braid_subsets(n)) == 2 ** (n + 1) - 2
    assert len(comparable_pairs(n)) == 3 ** (n + 1) - 3 * 2 ** (n + 1) + 3
    assert len(one_hidden_layer_subsets(n)) == 2 * n + math.comb(n, 2)


@pytest.mark.parametrize("n", [2, 3, 4])
def test_cones_are_simplicial_and_count_factorial(n):
    cones = braid_cones(n)
    assert len(cones) == math.factorial(n + 1)
    for chain in cones:
        assert len(chain) == n
        rays = [braid_ray(s, n) for s in chain]
        assert flint.fmpq_mat([list(r) for r in rays]).det() != 0  # n independent rays span the cone


@pytest.mark.parametrize("n", [2, 3, 4])
def test_comparable_pairs_are_the_pairs_sharing_a_cone(n):
    together = set()
    for chain in braid_cones(n):
        for s, t in combinations(chain, 2):
            together.add((s, t) if s < t else (t, s))
    assert together == set(comparable_pairs(n))


@pytest.mark.parametrize("n", [2, 3, 4])
def test_evaluation_matrix_is_invertible_and_matches_direct_evaluation(n):
    matrix = evaluation_matrix(n)
    assert flint.fmpq_mat(matrix).det() != 0
    for r, s in enumerate(braid_subsets(n)):
        for c, m in enumerate(basis_subsets(n)):
            assert matrix[r][c] == g(m, braid_ray(s, n)) == basis_value(m, s)


@pytest.mark.parametrize("n", [2, 3, 4])
def test_phi_vanishes_on_every_basis_function_but_the_full_one(n):
    full = frozenset(range(n + 1))
    for m in basis_subsets(n):
        value = phi(lambda x, m=m: g(m, x), n)
        assert (value != 0) == (m == full)
        assert value == phi_of_basis(n)[m]
    assert phi(lambda x: max([0, *x]), 4) == 1


def test_rays_follow_the_definition():
    assert braid_ray(frozenset({0, 3}), 4) == (1, 1, 0, 1)
    assert braid_ray(frozenset({2, 4}), 4) == (0, -1, 0, -1)


@pytest.mark.parametrize("bad", [0, -1, 2.0, "3", True])
def test_bad_dimension_is_a_usage_error(bad):
    with pytest.raises(UsageError, match="n must be an integer"):
        braid_subsets(bad)


def test_ray_of_a_non_subset_is_rejected():
    with pytest.raises(UsageError, match="not a nonempty proper subset"):
        braid_ray(frozenset({0, 1, 2}), 2)
