"""Exact TADA mathematics: closed forms, limits, the N = 1 reduction, exact landing on a point mass."""

from fractions import Fraction

import pytest
import sympy

from lincomb.errors import UsageError
from lincomb.theory.tada import (
    chain_step_weights,
    effective_sigma_squared,
    flow_matching_residual,
    tada_closed_forms,
    tada_dynamics_residuals,
    tada_exact_trajectory,
    tada_M,
    tada_mu,
    verify_closed_forms,
)


@pytest.mark.parametrize("N", [1, 2, 3, 4])
def test_closed_forms_solve_dynamics(N):
    assert all(r == 0 for r in tada_dynamics_residuals(N))
    assert verify_closed_forms(N)


def test_sigma_position_variance_vanishes_and_s_eff_limits():
    for N in (1, 2, 3):
        cf = tada_closed_forms(N)
        assert sympy.expand(cf["Sigma"][0, 0].subs(cf["t"], 1)) == 0
        s2 = effective_sigma_squared(N)
        t = sympy.Symbol("t")
        assert sympy.limit(s2.subs(sympy.Symbol("k"), 1), t, 1) == 0
        assert sympy.limit(s2.subs(sympy.Symbol("k"), 1), t, 0, "+") == sympy.oo


def test_mu_is_derivative_chain_of_t_power():
    t = sympy.Symbol("t")
    mu = tada_mu(t, 4)
    for j in range(3):
        assert sympy.expand(sympy.diff(mu[j], t) - mu[j + 1]) == 0


def test_n1_is_flow_matching():
    assert flow_matching_residual() == 0
    assert tada_M(Fraction(1, 4), 1) == [[Fraction(3, 4)]]


def test_ab_weights_integrate_polynomials_exactly():
    # AB order q integrates F polynomial of degree q-1 exactly: N = 1, F(t) = t^2, order 3.
    nodes = [Fraction(1, 2), Fraction(1, 3), Fraction(1, 5)]
    _, W = chain_step_weights(nodes, Fraction(3, 4), 1)
    approx = sum(w * n**2 for w, n in zip(W[0], nodes))
    assert approx == (Fraction(3, 4) ** 3 - Fraction(1, 2) ** 3) / 3


@pytest.mark.parametrize("N", [1, 2, 3])
@pytest.mark.parametrize("order", [1, 2, 3])
def test_point_mass_exact_landing(N, order):
    times = [Fraction(1, 10), Fraction(1, 4), Fraction(1, 2), Fraction(5, 6), Fraction(1)]
    states, forces = tada_exact_trajectory([Fraction(j + 1) for j in range(N)], times, N, order, lambda z, t: Fraction(2, 7))
    assert states[-1][0] == Fraction(2, 7)
    assert len(set(forces)) == 1


def test_non_constant_prediction_does_not_land_trivially():
    # Guards the test above: order 1 lands on the last prediction, order 2 extrapolates the force,
    # so with a prediction that changes it does not land on the last prediction.
    times = [Fraction(1, 10), Fraction(1, 2), Fraction(1)]
    first, _ = tada_exact_trajectory([Fraction(0), Fraction(0)], times, 2, 1, lambda z, t: t)
    second, forces = tada_exact_trajectory([Fraction(0), Fraction(0)], times, 2, 2, lambda z, t: t)
    assert first[-1][0] == Fraction(1, 2)
    assert second[-1][0] != Fraction(1, 2) and forces[0] != forces[1]


def test_bad_input():
    with pytest.raises(UsageError, match="N"):
        tada_mu(Fraction(1), 0)
    with pytest.raises(UsageError, match="increasing"):
        tada_exact_trajectory([Fraction(0)], [Fraction(1, 2), Fraction(1, 4)], 1, 1, lambda z, t: 0)
    with pytest.raises(UsageError, match="order"):
        tada_exact_trajectory([Fraction(0)], [Fraction(1, 2), Fraction(1)], 1, 4, lambda z, t: 0)
