"""Tests of the Wang-Sun decomposition: every output is confirmed by the exact identity test."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lincomb.errors import ShapeError, UsageError
from lincomb.theory.affine import Affine
from lincomb.theory.identity import prove_identity
from lincomb.theory.program import max_combination_program
from lincomb.theory.wang_sun import decompose_max, wang_sun_terms


def program(terms, dimension):
    """The program of ``sum coefficient * max(pieces)`` for Affine pieces."""
    return max_combination_program(
        [(coefficient, [(piece.linear, piece.constant) for piece in pieces]) for coefficient, pieces in terms],
        dimension,
    )


def assert_decomposes(pieces):
    """decompose_max(pieces) has subsets of at most n+1 pieces and equals max(pieces) exactly."""
    dimension = pieces[0].dimension
    terms = decompose_max(pieces)
    assert terms, "a decomposition of a non-empty max is never empty"
    for coefficient, subset in terms:
        assert isinstance(coefficient, Fraction)
        assert 1 <= len(subset) <= dimension + 1
        assert set(subset) <= set(pieces)
    result = prove_identity(program([(1, pieces)], dimension), program(terms, dimension))
    assert result.equal, f"differs at {result.counterexample}"
    return terms


def affines(rows):
    """Affine functions from rows ``(*linear, constant)``."""
    return [Affine(row[:-1], row[-1]) for row in rows]


X, Y, ZERO = Affine([1, 0]), Affine([0, 1]), Affine([0, 0])


# worked examples on R^2 --------------------------------------------------------------------------
def test_diamond_with_redundant_zero():
    terms = assert_decomposes([ZERO, X, Y, -X, -Y])
    # 0 is the centre of the square of gradients at height 0: never the unique maximum.
    assert all(ZERO not in subset for _, subset in terms)
    assert sorted(int(c) for c, _ in terms) == [-1, 1, 1]


def test_four_pieces_on_the_plane():
    assert_decomposes([X, Y, -X - Y, X + Y + Affine([0, 0], -1)])


def test_hinge_tower_2d():
    rows = [(0, 0, 0), (1, 0, 0), (0, 1, 0), (1, 1, -1), (2, 0, -1), (2, 1, -2), (0, 2, -1)]
    assert_decomposes(affines(rows))


def test_triangle_needs_no_change():
    pieces = [ZERO, X, Y]
    assert decompose_max(pieces) == [(1, pieces)]


def test_non_vertex_pieces_are_dropped():
    # (1, 0, -1) lies below the max of the others, (0, 0, -5) below 0, (1, 1, 0) appears twice.
    pieces = affines([(0, 0, 0), (2, 0, 0), (0, 2, 0), (1, 0, -1), (0, 0, -5), (1, 1, 0), (1, 1, 0)])
    terms = assert_decomposes(pieces)
    used = {piece for _, subset in terms for piece in subset}
    assert Affine([1, 0], -1) not in used and Affine([0, 0], -5) not in used


def test_gradient_on_a_line():
    # All gradients on the line through (0, 0) and (1, 2): d = 1, so at most two pieces per max.
    pieces = affines([(0, 0, 0), (1, 2, -1), (2, 4, -3), (3, 6, -6), ("1/2", 1, "-1/4")])
    terms = assert_decomposes(pieces)
    assert all(len(subset) <= 2 for _, subset in terms)


def test_single_and_equal_pieces():
    f = Affine([1, -2], 3)
    assert decompose_max([f]) == [(1, [f])]
    assert decompose_max([f, f, f]) == [(1, [f])]
    assert decompose_max([f, f + Affine([0, 0], 1)]) == [(1, [f + Affine([0, 0], 1)])]


def test_deterministic():
    pieces = affines([(0, 0, 0), (1, 0, 0), (0, 1, 0), (1, 1, -1), (-1, 1, 0)])
    assert decompose_max(pieces) == decompose_max(list(pieces))


# R^3 ------------------------------------------------------------------------------------------------
def test_octahedron_in_3d():
    rows = [(1, 0, 0, 0), (-1, 0, 0, 0), (0, 1, 0, 0), (0, -1, 0, 0), (0, 0, 1, 0), (0, 0, -1, 0)]
    assert_decomposes(affines(rows))


def test_five_pieces_in_3d_with_heights():
    rows = [(0, 0, 0, 0), (1, 0, 0, -1), (0, 1, 0, 2), (0, 0, 1, "1/2"), (1, 1, 1, -3)]
    assert_decomposes(affines(rows))


def test_planar_gradients_in_3d():
    rows = [(0, 0, 0, 0), (1, 0, 0, 0), (0, 1, 0, 0), (1, 1, 0, -1), (2, 1, 0, -2)]
    terms = assert_decomposes(affines(rows))
    assert all(len(subset) <= 3 for _, subset in terms)


# linear combinations ----------------------------------------------------------------------------
def test_wang_sun_terms_merges_and_confirms():
    terms = [
        (2, [ZERO, X, Y, X + Y + Affine([0, 0], -1)]),
        (Fraction(-1, 2), [X, Y, -X, -Y]),
        (1, [X, -X]),
    ]
    rewritten = wang_sun_terms(terms, 2)
    assert all(len(subset) <= 3 and coefficient != 0 for coefficient, subset in rewritten)
    keys = [frozenset(subset) for _, subset in rewritten]
    assert len(keys) == len(set(keys))
    assert prove_identity(program(terms, 2), program(rewritten, 2)).equal


def test_wang_sun_terms_cancels_to_nothing():
    assert wang_sun_terms([(1, [X, Y]), (-1, [Y, X])], 2) == []


def test_errors():
    with pytest.raises(UsageError):
        decompose_max([])
    with pytest.raises(UsageError):
        decompose_max([((1, 0), 0)])
    with pytest.raises(ShapeError):
        decompose_max([X, Affine([1])])
    with pytest.raises(ShapeError):
        wang_sun_terms([(1, [X])], 3)


# property test ------------------------------------------------------------------------------------
def pieces_strategy(dimension, max_pieces):
    row = st.tuples(*[st.integers(-2, 2)] * dimension, st.integers(-3, 3))
    return st.lists(row, min_size=1, max_size=max_pieces).map(affines)


@settings(max_examples=25, deadline=None)
@given(pieces_strategy(2, 6))
def test_random_pieces_in_2d(pieces):
    assert_decomposes(pieces)


@settings(max_examples=25, deadline=None)
@given(pieces_strategy(3, 6))
def test_random_pieces_in_3d(pieces):
    assert_decomposes(pieces)
