"""The identity test is exact and complete: no sampling can fool it."""

from fractions import Fraction
from itertools import product

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lincomb.theory import CPWL, Affine, cpwl_max, cpwl_min, prove_identity
from lincomb.theory.program import Program, max_combination_program


def _thin_cone_pair():
    """f and f + bump, where the bump lives in the cone 999/1000 x < y < x (no integer point of the box)."""
    x, y = CPWL.coordinate(0, 2), CPWL.coordinate(1, 2)
    f = cpwl_max(x, y, 0)
    bump = cpwl_max(cpwl_min(1000 * y - 999 * x, x - y), 0)
    return f, f + bump


def test_thin_cone_functions_agree_on_every_integer_point_of_the_box():
    f, g = _thin_cone_pair()
    for point in product(range(-30, 31), repeat=2):
        assert f(point) == g(point)


def test_thin_cone_functions_are_told_apart():
    f, g = _thin_cone_pair()
    assert not f.equals(g)
    witness = f.difference_witness(g)
    assert f(witness) != g(witness)
    x, y = witness
    assert Fraction(999, 1000) * x < y < x


def test_difference_on_a_single_ray_direction_is_found():
    # max(x, 0) vs max(x, 0) + max(0, min(x - 10^6 y, 10^6 y - x + 1/10^6)) differ only near a line.
    x, y = CPWL.coordinate(0, 2), CPWL.coordinate(1, 2)
    f = cpwl_max(x, 0)
    g = f + cpwl_max(cpwl_min(x - 10**6 * y, 10**6 * y - x + Fraction(1, 10**6)), 0)
    assert not f.equals(g)
    witness = f.difference_witness(g)
    assert f(witness) != g(witness)


def test_equal_functions_in_different_forms():
    x, y = CPWL.coordinate(0, 2), CPWL.coordinate(1, 2)
    assert (abs(x) + abs(y)).equals(cpwl_max(x + y, x - y, -x + y, -x - y))
    assert cpwl_min(x, y).equals(x + y - cpwl_max(x, y))
    assert cpwl_max(x, y).equals(y + cpwl_max(x - y, 0))


def test_dimension_mismatch_is_a_clear_error():
    from lincomb.errors import ShapeError

    with pytest.raises(ShapeError, match="R\\^1 and R\\^2"):
        prove_identity(CPWL.coordinate(0, 1).to_program(), CPWL.coordinate(0, 2).to_program())


def test_program_without_max_nodes():
    a = max_combination_program([(2, [((1, 1), 1)])], 2)
    b = max_combination_program([(1, [((2, 2), 2)])], 2)
    assert prove_identity(a, b).equal
    c = max_combination_program([(1, [((2, 2), 3)])], 2)
    result = prove_identity(a, c)
    assert not result.equal and result.counterexample is not None


pieces = st.lists(st.tuples(st.tuples(st.integers(-2, 2), st.integers(-2, 2)), st.integers(-2, 2)), min_size=1, max_size=4)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(-2, 2), pieces), min_size=1, max_size=3), st.lists(st.tuples(st.integers(-2, 2), pieces), min_size=1, max_size=3))
def test_identity_agrees_with_the_verdict_and_witness(terms_a, terms_b):
    f = CPWL(terms_a, 2)
    g = CPWL(terms_b, 2)
    result = prove_identity(f.to_program(), g.to_program())
    if result.equal:
        # equal functions agree on a grid, and f - g is recognised as zero against the zero function
        for point in product([Fraction(k, 3) for k in range(-6, 7)], repeat=2):
            assert f(point) == g(point)
    else:
        assert f(result.counterexample) != g(result.counterexample)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(-2, 2), pieces), min_size=1, max_size=3))
def test_every_function_equals_its_own_rewrites(terms):
    f = CPWL(terms, 2)
    assert f.equals(f.simplify())
    assert (f + f).equals(2 * f)
    assert (f - f).equals(0)
