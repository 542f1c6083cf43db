"""Tests of the batched single-shooting fits of candidate models (lincomb.learn.output_error)."""

from __future__ import annotations

import math

import numpy as np
import pytest

pytest.importorskip("scipy")

from lincomb.errors import ShapeError, UsageError
from lincomb.learn.output_error import shoot_candidates
from lincomb.learn.trajectory_refit import refit_coefficients


def _features(Z):
    return np.c_[Z, Z**2, np.ones(len(Z))]  # x, x**2, 1


def _logistic_arc(noise=0.0, seed=0):
    t = np.linspace(0, 4, 201)
    clean = (2 / (1 + np.exp(-t)))[:, None]  # x' = x - x**2 / 2 from x = 1
    rng = np.random.default_rng(seed)
    return t, clean * (1 + noise * rng.standard_normal(clean.shape))


LOGISTIC = np.array([[True], [True], [False]])
LINE = np.array([[True], [False], [True]])
STARTS = [np.array([[0.9], [-0.4], [0.0]]), np.array([[-0.5], [0.0], [1.0]])]


def test_batched_candidates_are_fitted_as_if_alone():
    # Batching shares the integration, not the fit: each candidate's result is the one it gets by itself.
    t, X = _logistic_arc(0.01)
    together = shoot_candidates(_features, STARTS, [LOGISTIC, LINE], t, X, time_limit=None)
    alone = [shoot_candidates(_features, [w], [m], t, X, time_limit=None)[0] for w, m in zip(STARTS, [LOGISTIC, LINE])]
    for a, b in zip(together, alone):
        assert a.cost == pytest.approx(b.cost, rel=1e-9)
        np.testing.assert_allclose(a.coefficients, b.coefficients, rtol=1e-9, atol=1e-12)
    assert together[0].cost < together[1].cost  # the true law fits the arc's shape, the line cannot
    np.testing.assert_allclose(together[0].coefficients[:2, 0], [1.0, -0.5], rtol=0.03)
    assert together[0].coefficients[2, 0] == 0.0  # outside its mask: held


def test_single_shooting_misfit_agrees_with_the_multiple_shooting_refit_on_one_segment():
    # refit_coefficients with one segment per trajectory is the same problem solved by scipy's least squares.
    t, X = _logistic_arc(0.01, seed=3)
    batched = shoot_candidates(_features, STARTS[:1], [LOGISTIC], t, X, evaluations=30, time_limit=None)[0]
    reference = refit_coefficients(_features, STARTS[0], t, X, segment_samples=t.size, max_evaluations=60,
                                   time_limit=None, significance=0.5)
    assert batched.cost == pytest.approx(reference.cost_after, rel=1e-3)
    np.testing.assert_allclose(batched.coefficients, reference.coefficients, rtol=1e-3, atol=1e-9)
    assert batched.residuals == t.size


def test_a_candidate_that_blows_up_gets_an_infinite_misfit_and_the_others_are_fitted():
    t, X = _logistic_arc()
    exploding = np.array([[40.0], [0.0], [0.0]])  # x' = 40 x leaves 100 x the data's scale at once
    fits = shoot_candidates(_features, [STARTS[0], exploding], [LOGISTIC, exploding != 0], t, X, time_limit=None)
    assert math.isfinite(fits[0].cost) and fits[0].cost < 1e-3
    assert fits[1].cost == math.inf and fits[1].iterations == 0


def test_several_trajectories_each_with_its_own_start():
    t, X = _logistic_arc(0.01)
    t2 = np.linspace(0, 3, 150)
    X2 = (2 / (1 + 3 * np.exp(-t2)))[:, None]  # the same law from x = 0.5
    fit = shoot_candidates(_features, STARTS[:1], [LOGISTIC], [t, t2], [X, X2], time_limit=None)[0]
    assert fit.residuals == t.size + t2.size
    np.testing.assert_allclose(fit.coefficients[:2, 0], [1.0, -0.5], rtol=0.03)


def test_bad_shapes_are_refused():
    t, X = _logistic_arc()
    with pytest.raises(ShapeError, match="must be"):
        shoot_candidates(_features, [np.zeros((2, 1))], [np.ones((3, 1), dtype=bool)], t, X)
    with pytest.raises(UsageError, match="masks"):
        shoot_candidates(_features, STARTS, [LOGISTIC], t, X)
    assert shoot_candidates(_features, [], [], t, X) == []
