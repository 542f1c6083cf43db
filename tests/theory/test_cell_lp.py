"""The exact cell LP: every answer carries its own proof, which these tests re-check."""

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lincomb.theory.cell_lp import open_cell_status


def _value(c, d, x):
    return sum(Fraction(a) * b for a, b in zip(c, x)) + Fraction(d)


def _assert_proved(constraints, status):
    if status.empty:
        y = status.farkas
        assert y and all(v > 0 for v in y.values())
        n = len(constraints[0][0])
        for j in range(n):
            assert sum(v * Fraction(constraints[k][0][j]) for k, v in y.items()) == 0
        assert sum(v * Fraction(constraints[k][1]) for k, v in y.items()) <= 0
    else:
        assert all(_value(c, d, status.point) > 0 for c, d in constraints)


small = st.integers(-3, 3)


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 4).flatmap(lambda n: st.lists(st.tuples(st.tuples(*[small] * n), small), min_size=1, max_size=8)))
def test_random_cells_are_decided_with_a_proof(constraints):
    _assert_proved(constraints, open_cell_status(constraints))


def test_thin_cell_is_found_nonempty():
    # 999/1000 x < y < x: thin, but open and non-empty.
    constraints = [((-999, 1000), 0), ((1, -1), 0)]
    status = open_cell_status(constraints)
    assert not status.empty
    _assert_proved(constraints, status)


def test_cell_that_is_only_a_hyperplane_is_empty():
    # x > y and y > x: the closure is the line x = y, the open cell is empty.
    constraints = [((1, -1), 0), ((-1, 1), 0)]
    status = open_cell_status(constraints)
    assert status.empty
    _assert_proved(constraints, status)


def test_rational_data():
    constraints = [((Fraction(1, 3), 0), Fraction(-1, 7)), ((Fraction(-1, 2), 0), Fraction(1, 5))]
    status = open_cell_status(constraints)  # 3/7 < x < 2/5 is empty
    assert status.empty
    _assert_proved(constraints, status)


def test_no_constraints_is_an_error():
    with pytest.raises(ValueError, match="at least one constraint"):
        open_cell_status([])
