"""Tests of the coefficient refit by multiple shooting (lincomb.learn.trajectory_refit)."""

from __future__ import annotations

import copy

import numpy as np
import pytest
import sympy

from lincomb.errors import ShapeError, UsageError
from lincomb.learn.trajectory_refit import refit_coefficients, refit_symbolic_model


def _linear(Z):
    return Z


def test_harmonic_oscillator_coefficients_recovered_and_zeros_kept():
    t = np.linspace(0, 6, 301)
    X = np.c_[np.cos(t), -np.sin(t)]
    W0 = np.array([[0.0, -0.9], [1.1, 0.0]])
    fit = refit_coefficients(_linear, W0, t, X, time_limit=None)
    assert fit.improved and fit.cost_after < fit.cost_before
    np.testing.assert_allclose(fit.coefficients, [[0.0, -1.0], [1.0, 0.0]], atol=1e-4)
    assert fit.coefficients[0, 0] == 0.0 and fit.coefficients[1, 1] == 0.0  # not free: unchanged


def test_mask_fixes_entries():
    t = np.linspace(0, 6, 301)
    X = np.c_[np.cos(t), -np.sin(t)]
    W0 = np.array([[0.0, -0.9], [1.1, 0.0]])
    mask = np.array([[False, True], [False, False]])
    fit = refit_coefficients(_linear, W0, t, X, mask=mask, time_limit=None)
    assert fit.coefficients[1, 0] == 1.1
    assert fit.coefficients[0, 1] != -0.9


def test_irregular_times_and_several_trajectories():
    # x' = -a x + b x**2 (logistic-type), two trajectories with their own irregular time stamps
    rng = np.random.default_rng(1)
    a, b = 0.8, 0.3
    times, states = [], []
    for x0 in (0.5, 2.0):
        tk = np.sort(np.concatenate([[0.0], rng.uniform(0, 5, 150)]))
        # exact solution of x' = -a x + b x^2
        c = 1.0 / x0 - b / a
        times.append(tk)
        states.append((1.0 / (b / a + c * np.exp(a * tk)))[:, None])

    def features(Z):
        return np.c_[Z[:, 0], Z[:, 0] ** 2]

    fit = refit_coefficients(features, np.array([[-0.7], [0.25]]), times, states, time_limit=None)
    assert fit.improved
    np.testing.assert_allclose(fit.coefficients[:, 0], [-a, b], rtol=2e-3)


def test_too_stiff_model_is_left_alone():
    t = np.linspace(0, 10, 101)
    X = np.exp(-t)[:, None]
    fit = refit_coefficients(_linear, np.array([[-1e4]]), t, X, time_limit=None)
    assert not fit.improved and "stiff" in fit.message
    assert fit.coefficients[0, 0] == -1e4


def test_errors_are_clear():
    t = np.linspace(0, 1, 50)
    with pytest.raises(ShapeError):
        refit_coefficients(_linear, np.zeros(2), t, np.zeros((50, 2)), time_limit=None)
    with pytest.raises(ShapeError):
        refit_coefficients(_linear, np.ones((2, 2)), t, np.zeros((50, 3)), time_limit=None)
    with pytest.raises(UsageError):
        refit_coefficients(_linear, np.ones((1, 1)), t[::-1], np.zeros((50, 1)), time_limit=None)
    with pytest.raises(UsageError, match="significance"):
        refit_coefficients(_linear, np.ones((1, 1)), t, np.zeros((50, 1)), significance=1.0)
    fit = refit_coefficients(_linear, np.zeros((1, 1)), t, np.zeros((50, 1)), time_limit=None)
    assert not fit.improved and fit.message == "no free coefficients"  # all zero: nothing to integrate


@pytest.fixture(scope="module")
def noisy_lotka_volterra():
    from lincomb.learn.symreg import SymbolicODERegressor
    from lincomb.learn.systems import get_system

    lv = get_system("lotka_volterra")
    t = lv.time_grid()[:1501:5]
    X = lv.simulate(t)
    X = X * (1 + 0.01 * np.random.default_rng(3).standard_normal(X.shape))
    model = SymbolicODERegressor(refit=False, progress=False).fit(t, X, names=lv.names)
    return lv, model


def _coefficient_error(equations, truth, symbols):
    errors = []
    for learned, true in zip(equations, truth):
        learned = sympy.expand(learned).as_coefficients_dict()
        for term, value in sympy.expand(true).as_coefficients_dict().items():
            errors.append(abs(float(learned.get(term, 0)) - float(value)) / abs(float(value)))
    return max(errors)


def _biased(fitted, factor=1.05):
    """A copy of ``fitted`` with every coefficient off by ``factor`` (alternating up and down): an estimate
    the data reject, which the refit must correct.  The weak form's own coefficients on this clean
    Lotka-Volterra case already fit within chance (likelihood-ratio statistic about 8 for 4 coefficients),
    so the refit is rightly not taken on them."""
    model = copy.deepcopy(fitted)
    W = np.array(model.coefficients_, dtype=float)
    signs = np.where(np.arange(W.size).reshape(W.shape) % 2 == 0, factor, 1 / factor)
    model.coefficients_ = W * np.where(W != 0, signs, 1.0)
    units = list(model.units_)
    model.equations_ = [sympy.Add(*[sympy.Float(float(model.coefficients_[k, j])) * units[k]
                                    for k in range(len(units)) if W[k, j] != 0]) for j in range(W.shape[1])]
    model.r2_integrated_, model.diverged_ = model._simulate_on_data(model.equations_)
    return model


def test_regressor_refit_not_taken_when_the_weak_form_fits_within_chance(noisy_lotka_volterra):
    _, fitted = noisy_lotka_volterra
    model = copy.deepcopy(fitted)
    before = model.equations()
    outcome = refit_symbolic_model(model)
    assert outcome is not None and not outcome.improved and not model.refit_accepted_
    assert model.equations() == before


def test_regressor_refit_keeps_structure_and_improves_coefficients(noisy_lotka_volterra):
    lv, fitted = noisy_lotka_volterra
    model = _biased(fitted)
    before = model.equations()
    outcome = refit_symbolic_model(model)
    assert outcome is not None and model.refit_ is outcome
    assert model.refit_accepted_
    after = model.equations()
    for old, new in zip(before, after):
        assert set(old.as_coefficients_dict()) == set(new.as_coefficients_dict())
    truth = lv.equations() if callable(getattr(lv, "equations", None)) else lv.equations
    assert _coefficient_error(after, truth, lv.symbols) < _coefficient_error(before, truth, lv.symbols)
    assert model.r2_integrated_ >= fitted.r2_integrated_ - 1e-3 and not model.diverged_


def test_regressor_refit_rejected_when_the_refitted_model_diverges(noisy_lotka_volterra):
    _, fitted = noisy_lotka_volterra
    model = _biased(fitted)
    before = model.equations()
    model._simulate_on_data = lambda equations: (float("-inf"), True)
    outcome = refit_symbolic_model(model)
    assert outcome.improved and not model.refit_accepted_
    assert model.equations() == before


def test_regressor_refits_irregular_trajectories_at_their_own_times():
    from lincomb.learn.symreg import SymbolicODERegressor
    from lincomb.learn.trajectory_refit import TrajectoryRefit

    rng = np.random.default_rng(2)
    times, states = [], []
    for u0 in (0.2, 1.8):
        tk = np.sort(np.concatenate([[0.0], rng.uniform(0, 6, 120)]))
        u = 2 * u0 / (u0 + (2 - u0) * np.exp(-tk))  # u' = u - u**2 / 2
        times.append(tk)
        states.append((u * (1 + 0.005 * rng.standard_normal(tk.size)))[:, None])
    model = SymbolicODERegressor(progress=False).fit(times, states, names=["u"])
    assert model._given_data[0] is times  # the un-resampled data went to the refit
    assert isinstance(model.refit_, TrajectoryRefit) and model.refit_.segments >= 2
    u = sympy.Symbol("u")
    equation = sympy.expand(model.equations()[0]).as_coefficients_dict()
    assert set(equation) == {u, u**2}
    assert abs(float(equation[u]) - 1) < 0.03 and abs(float(equation[u**2]) + 0.5) < 0.03
    off = SymbolicODERegressor(progress=False, refit=False).fit(times, states, names=["u"])
    assert not hasattr(off, "refit_")
