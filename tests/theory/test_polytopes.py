"""Exact V-polytopes: vertices, Minkowski sums, hulls, face lattices, normalized volumes (hand-computed cases)."""

from __future__ import annotations

import math
import random
from fractions import Fraction
from itertools import combinations

import pytest

from lincomb.errors import ShapeError, UsageError
from lincomb.theory.polytopes import Polytope, cube, simplex, zonotope


@pytest.mark.parametrize("d", [1, 2, 3, 4, 5])
def test_unit_simplex_has_normalized_volume_one(d):
    assert simplex(d).normalized_volume() == 1
    assert simplex(d).f_vector() == tuple(math.comb(d + 1, i + 1) for i in range(d))


@pytest.mark.parametrize("d", [1, 2, 3, 4])
def test_unit_cube_has_normalized_volume_d_factorial(d):
    assert cube(d).normalized_volume() == math.factorial(d)
    assert cube(d).f_vector() == tuple(math.comb(d, i) * 2 ** (d - i) for i in range(d))


def test_zonotope_volume_is_sum_of_generator_determinants():
    generators = [[1, 2], [3, 1], [-1, 1]]
    dets = sum(abs(a[0] * b[1] - a[1] * b[0]) for a, b in combinations(generators, 2))
    Z = zonotope(generators)
    assert Z.normalized_volume() == 2 * dets == 2 * (5 + 3 + 4)
    assert Z.f_vector() == (6, 6)


def test_zonotope_in_three_dimensions():
    generators = [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 1]]
    Z = zonotope(generators)  # the rhombic dodecahedron
    dets = 0
    for a, b, c in combinations(generators, 3):
        dets += abs(
            a[0] * (b[1] * c[2] - b[2] * c[1]) - a[1] * (b[0] * c[2] - b[2] * c[0]) + a[2] * (b[0] * c[1] - b[1] * c[0])
        )
    assert Z.normalized_volume() == 6 * dets == 24
    assert Z.f_vector() == (14, 24, 12)


def test_lower_dimensional_volume_uses_the_lattice_of_the_affine_hull():
    assert Polytope([[0, 0], [2, 2]]).normalized_volume() == 2        # lattice length 2, not 2*sqrt(2)
    assert Polytope([[0, 0, 0], [1, 1, 0], [0, 0, 1]]).normalized_volume() == 1
    assert Polytope([[0, 0, 0], [2, 0, 0], [0, 2, 0]]).normalized_volume() == 4
    assert Polytope([[5, 5]]).normalized_volume() == 1


def test_face_volumes_of_the_cube():
    volumes = cube(3).face_volumes()
    by_dimension = {}
    lattice = cube(3).face_lattice()
    for key, volume in volumes.items():
        by_dimension.setdefault(lattice.nodes[key]["dimension"], set()).add(volume)
    assert by_dimension == {0: {1}, 1: {1}, 2: {2}, 3: {6}}


def test_non_lattice_volume_is_refused():
    with pytest.raises(UsageError, match="lattice polytope"):
        Polytope([[0], ["1/2"]]).normalized_volume()


def test_vertex_reduction_and_dimension():
    P = Polytope([[0, 0], [4, 0], [0, 4], [1, 1], [2, 2], ["1/3", "1/3"]])
    assert P.vertices == ((0, 0), (0, 4), (4, 0))
    assert P.dimension == 2
    assert Polytope([[0, 0, 0], [1, 1, 1], [2, 2, 2]]).dimension == 1
    assert Polytope([[1, 2, 3]]).dimension == 0


def test_minkowski_sum_and_hull_union_agree_with_brute_force_membership():
    rng = random.Random(5)
    for _ in range(5):
        P = Polytope([[rng.randint(-3, 3) for _ in range(2)] for _ in range(4)])
        Q = Polytope([[rng.randint(-3, 3) for _ in range(2)] for _ in range(3)])
        S, H = P + Q, P | Q
        for p in P.vertices:
            for q in Q.vertices:
                assert S.contains([a + b for a, b in zip(p, q)])
        for v in S.vertices:  # every vertex of P + Q is a sum of vertices
            assert any(tuple(a + b for a, b in zip(p, q)) == v for p in P.vertices for q in Q.vertices)
        assert set(H.vertices) <= set(P.vertices) | set(Q.vertices)
        assert all(H.contains(v) for v in P.vertices + Q.vertices)


def test_face_lattice_is_graded_and_facets_have_correct_normals():
    P = zonotope([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 0]])
    lattice = P.face_lattice()
    for parent, child in lattice.edges:
        assert lattice.nodes[parent]["dimension"] == lattice.nodes[child]["dimension"] + 1
        assert child < parent
    for indices, normal in P.facets():
        values = [sum(a * x for a, x in zip(normal, v)) for v in P.vertices]
        top = max(values)
        assert tuple(i for i, value in enumerate(values) if value == top) == indices
    # Euler: f0 - f1 + f2 = 2 for a 3-polytope
    f0, f1, f2 = P.f_vector()
    assert f0 - f1 + f2 == 2


def test_shape_errors():
    with pytest.raises(ShapeError):
        Polytope([[0, 0], [1]])
    with pytest.raises(ShapeError):
        Polytope([[0]]) + Polytope([[0, 0]])
