"""Coefficients snapped to simple numbers under a likelihood-ratio test (lincomb.learn.coefficient_snapping)."""

from fractions import Fraction

import numpy as np
import pytest

from lincomb.learn.coefficient_snapping import plain_numbers, snap_coefficients, snap_matrix
from lincomb.learn.trajectory_refit import refit_coefficients


def _rotation(Z):
    return Z


@pytest.fixture(scope="module")
def oscillator():
    """x' = a y, y' = -a x with 1 % multiplicative noise; returns (t, X) for a given a."""
    def make(a):
        t = np.linspace(0, 8, 401)
        rng = np.random.default_rng(3)
        X = np.c_[np.cos(a * t), -np.sin(a * t)] * (1 + 0.01 * rng.standard_normal((t.size, 2)))
        return t, X
    return make


def test_snap_matrix_simplest_and_nearest():
    W = np.array([[6.69, 0.0], [2.6671, -0.993]])
    se = np.array([[0.05, 0.1], [0.001, 0.003]])
    simplest, changed = snap_matrix(W, se, 10.0)
    # within 0.5 of 6.69 the simplest number is 7; 8/3 is within 0.01 of 2.6671; 1 within 0.03 of 0.993
    assert simplest == [[Fraction(7), None], [Fraction(8, 3), Fraction(-1)]] and changed == 3
    nearest, _ = snap_matrix(W, se, 10.0, nearest=True)
    assert nearest[0][0] == Fraction(67, 10) and nearest[1][1] == Fraction(-99, 100)
    # zero entries, NaN or zero standard errors and entries with nothing plain that close stay as fitted
    exact, changed = snap_matrix(np.array([[1.2345, 0.0, 3.0]]), np.array([[1e-6, 1.0, np.nan]]), 3.0)
    assert exact == [[None, None, None]] and changed == 0
    with pytest.raises(ValueError, match="shape"):
        snap_matrix(W, se[:1], 3.0)


def test_plain_numbers_are_short_and_ordered_by_length():
    def lengths(value):
        return {str(c): size for size, c in plain_numbers(value)}
    assert lengths(2.6671) == {"3": 1, "27/10": 2, "8/3": 2, "5/2": 2, "11/4": 3}
    assert lengths(28.01)["28"] == 2 and lengths(28.01)["30"] == 1
    # shortest first, ties by distance: for 6.69 the two-digit 6.7 before 13/2 = 6.5
    assert [str(c) for _, c in plain_numbers(6.69)][:3] == ["7", "67/10", "13/2"]
    # nothing longer than two digits or a quarter (13/9, 6.72 and 117/35 are not offered)
    offered = {c for value in (1.444, 6.72, 3.3428) for _, c in plain_numbers(value)}
    assert not {Fraction(13, 9), Fraction(672, 100), Fraction(117, 35)} & offered
    assert plain_numbers(0.0) == [] and plain_numbers(float("nan")) == []


def test_a_simple_law_is_recovered_exactly(oscillator):
    t, X = oscillator(1.0)
    reference = refit_coefficients(_rotation, np.array([[0.0, -1.03], [0.98, 0.0]]), t, X)
    out = snap_coefficients(_rotation, reference.coefficients, reference, t, X)
    assert out.exact == [[None, Fraction(-1)], [Fraction(1), None]]
    assert out.snapped == 2 and out.tried[-1][-1] and not out.nearest
    assert np.allclose(out.coefficients, [[0.0, -1.0], [1.0, 0.0]])


def test_a_snap_the_data_reject_is_refused(oscillator):
    # the law's number is 1.137: with standard errors made 100 times too large every level snaps to a
    # plain number far from it (1, 1.1), and the likelihood-ratio test must refuse them all
    t, X = oscillator(1.137)
    reference = refit_coefficients(_rotation, np.array([[0.0, -1.1], [1.2, 0.0]]), t, X)
    assert abs(reference.coefficients[1, 0] - 1.137) < 0.01
    reference.standard_errors = np.where(reference.coefficients != 0, 0.02, np.nan)
    out = snap_coefficients(_rotation, reference.coefficients, reference, t, X, levels=(10.0,))
    assert out.exact is None and out.tried and not any(accepted for *_, accepted in out.tried)
    assert all(statistic > 20 for *_, statistic, _ in out.tried)


def test_without_standard_errors_nothing_is_tried(oscillator):
    t, X = oscillator(1.0)
    reference = refit_coefficients(_rotation, np.array([[0.0, -1.03], [0.98, 0.0]]), t, X)
    reference.standard_errors = None
    out = snap_coefficients(_rotation, reference.coefficients, reference, t, X)
    assert out.exact is None and out.tried == []


def test_the_refit_reports_standard_errors_that_cover_the_truth(oscillator):
    t, X = oscillator(1.0)
    reference = refit_coefficients(_rotation, np.array([[0.0, -1.03], [0.98, 0.0]]), t, X)
    se = reference.standard_errors
    assert np.isnan(se[0, 0]) and np.isnan(se[1, 1])  # not free
    free = reference.coefficients != 0
    assert np.all(se[free] > 0) and np.all(se[free] < 0.01)
    assert np.all(np.abs(np.abs(reference.coefficients[free]) - 1.0) < 5 * se[free])
    assert reference.variance > 0


def test_fixed_coefficients_give_their_misfit(oscillator):
    t, X = oscillator(1.0)
    W = np.array([[0.0, -1.0], [1.0, 0.0]])
    fixed = refit_coefficients(_rotation, W, t, X, mask=np.zeros((2, 2), dtype=bool))
    free = refit_coefficients(_rotation, W, t, X)
    assert fixed.message.startswith("no free coefficients") and not fixed.improved
    assert fixed.cost_before == fixed.cost_after == pytest.approx(free.cost_before)
    assert np.array_equal(fixed.coefficients, W)
