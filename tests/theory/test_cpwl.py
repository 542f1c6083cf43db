"""CPWL functions: exact arithmetic, max/min, composition, homogeneity, conversions."""

from fractions import Fraction
from itertools import product

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from lincomb.errors import NotRationalError, ShapeError
from lincomb.theory import CPWL, Affine, cpwl_max, cpwl_min, relu
from lincomb.theory.cpwl import prune_pieces

GRID = [Fraction(k, 2) for k in range(-4, 5)]

pieces = st.lists(st.tuples(st.tuples(st.integers(-3, 3), st.integers(-3, 3)), st.integers(-3, 3)), min_size=1, max_size=4)
functions = st.lists(st.tuples(st.integers(-2, 2), pieces), min_size=1, max_size=3).map(lambda terms: CPWL(terms, 2))


@settings(max_examples=40, deadline=None)
@given(functions, functions)
def test_max_and_min_are_pointwise_and_exactly_equal(f, g):
    upper, lower = f.maximum(g), f.minimum(g)
    for point in product(GRID, repeat=2):
        assert upper(point) == max(f(point), g(point))
        assert lower(point) == min(f(point), g(point))
    assert (upper + lower).equals(f + g)


@settings(max_examples=40, deadline=None)
@given(functions, functions, st.fractions(min_value=-3, max_value=3, max_denominator=5))
def test_linear_operations_are_pointwise(f, g, c):
    for point in product(GRID[::2], repeat=2):
        assert (f + g)(point) == f(point) + g(point)
        assert (f - g)(point) == f(point) - g(point)
        assert (c * f)(point) == c * f(point)


@settings(max_examples=30, deadline=None)
@given(functions, st.lists(st.integers(-2, 2), min_size=4, max_size=4), st.lists(st.integers(-2, 2), min_size=2, max_size=2))
def test_composition_with_an_affine_map(f, entries, offset):
    matrix = [entries[:2], entries[2:]]
    g = f.compose(matrix, offset)
    for point in product(GRID[::2], repeat=2):
        image = [sum(Fraction(a) * b for a, b in zip(row, point)) + o for row, o in zip(matrix, offset)]
        assert g(point) == f(image)


def test_prune_pieces_keeps_exactly_the_vertices():
    kept = prune_pieces([Affine([1, 0]), Affine([0, 1]), Affine(["1/2", "1/2"]), Affine(["1/2", "1/2"], 1), Affine([0, 1])])
    assert kept == (Affine([1, 0]), Affine([0, 1]), Affine(["1/2", "1/2"], 1))


def test_positive_homogeneity():
    x, y = CPWL.coordinate(0, 2), CPWL.coordinate(1, 2)
    assert cpwl_max(x, y, 0).is_positively_homogeneous()
    assert not cpwl_max(x, y, 1).is_positively_homogeneous()
    # constants that cancel: max(x, 1) - max(x, 1) + |y| is homogeneous although pieces have constants
    assert (cpwl_max(x, 1) - cpwl_max(x, 1) + abs(y)).is_positively_homogeneous()
    # a function whose pieces have constants but which is homogeneous after all: max(x, 1) - max(x - 0, 1) is 0
    assert (CPWL([(1, [([1, 0], 1), ([1, 0], 0)])], 2) - x).is_positively_homogeneous() is False


def test_to_sympy_and_back_values():
    x, y = CPWL.coordinate(0, 2), CPWL.coordinate(1, 2)
    f = relu(x - y) + Fraction(1, 2) * cpwl_min(x, y)
    s1, s2 = sympy.symbols("x1 x2")
    expression = f.to_sympy()
    for point in product(GRID, repeat=2):
        assert expression.subs({s1: point[0], s2: point[1]}) == f(point)


def test_json_round_trip():
    x, y = CPWL.coordinate(0, 2), CPWL.coordinate(1, 2)
    f = cpwl_max(x, 2 * y - Fraction(1, 3)) - abs(x)
    assert CPWL.from_json(f.to_json()).equals(f)


def test_bad_input_names_the_problem():
    with pytest.raises(NotRationalError, match="float"):
        CPWL([(0.5, [([1], 0)])])
    with pytest.raises(ShapeError, match="dimension"):
        CPWL([(1, [([1], 0), ([1, 2], 0)])])
    with pytest.raises(ShapeError, match="no pieces"):
        CPWL([(1, [])], 1)
    with pytest.raises(ShapeError, match="R\\^1 and R\\^2"):
        CPWL.coordinate(0, 1) + CPWL.coordinate(0, 2)
    with pytest.raises(ShapeError, match="rows"):
        CPWL.coordinate(0, 2).compose([[1, 0]])
