"""Samplers on problems with closed-form answers: exact landing, measured convergence orders, errors."""

import math

import pytest

torch = pytest.importorskip("torch")

from lincomb.errors import ShapeError, UsageError  # noqa: E402
from lincomb.learn.denoisers import GaussianDenoiser  # noqa: E402
from lincomb.learn.sample_metrics import gaussian_w2, pushforward_gaussian  # noqa: E402
from lincomb.learn.sampling import (  # noqa: E402
    SAMPLERS, dpmpp_2m, euler, heun, karras_sigmas, sample, tada, tada_coefficients, tada_times)
from lincomb.proofs_check.tada_checks import gaussian_tada_errors  # noqa: E402

torch.set_num_threads(1)
DT = torch.float64
MEAN = torch.tensor([0.5, -0.3], dtype=DT)
COV = torch.tensor([[1.0, 0.3], [0.3, 0.25]], dtype=DT)


def baseline_error(sampler, nfe):
    sigmas = karras_sigmas(nfe)
    D = GaussianDenoiser(MEAN, COV)
    law = pushforward_gaussian(lambda x: sampler(D, x, sigmas), MEAN, COV + float(sigmas[0]) ** 2 * torch.eye(2, dtype=DT))
    return gaussian_w2(*law, MEAN, COV)


@pytest.mark.parametrize("name", list(SAMPLERS))
def test_point_mass_lands_on_point(name):
    point = lambda x, s: torch.full_like(x, 1.25)
    out = sample(name, point, (4, 3), 6, generator=torch.Generator().manual_seed(0))
    assert torch.allclose(out, torch.full((4, 3), 1.25, dtype=DT), atol=1e-10)


@pytest.mark.parametrize("sampler,expected,nfes", [(euler, 1, (32, 64)), (heun, 2, (33, 65)), (dpmpp_2m, 2, (32, 64))])
def test_baseline_orders(sampler, expected, nfes):
    steps = [(n + 1) // 2 if sampler is heun else n for n in nfes]
    e1, e2 = (baseline_error(sampler, s) for s in steps)
    order = math.log(e1 / e2) / math.log(steps[1] / steps[0])
    assert abs(order - expected) < 0.3, order


@pytest.mark.parametrize("order", [1, 2, 3])
def test_tada_order(order):
    e1, e2 = gaussian_tada_errors([32, 64], N=2, order=order)
    assert abs(math.log2(e1 / e2) - order) < 0.35


def test_tada_n1_order1_is_ddim():
    # N = 1, AB1: Euler on the flow-matching ODE equals DPM-Solver++(1)/DDIM step for step.
    D = GaussianDenoiser(MEAN, COV)
    sigmas = karras_sigmas(7)
    noise = torch.randn(1, 5, 2, dtype=DT, generator=torch.Generator().manual_seed(3))
    out = tada(D, noise, sigmas, N=1, order=1)
    x = float(sigmas[0]) * noise[0] * 1.0
    # DDIM in y = x/t starts from y = M_{t0} z0 / mu_{t0} = s_eff(t0) z0
    for s, s_next in zip(sigmas.tolist(), sigmas.tolist()[1:]):
        d = D(x, s)
        x = d + (s_next / s) * (x - d)
    assert torch.allclose(out, x, atol=1e-9)


def test_tada_grid_matches_sigmas():
    sigmas = karras_sigmas(6)
    for N in (1, 2, 3):
        ts = tada_times(sigmas, N, k=2.0)
        assert ts[-1] == 1.0
        for t, s in zip(ts[:-1], sigmas.tolist()):
            assert tada_coefficients(t, N, 2.0)["s_eff"] == pytest.approx(s, rel=1e-9)


def test_detail_knob_changes_path_not_point_mass():
    point = lambda x, s: torch.full_like(x, -0.5)
    noise = torch.randn(2, 3, dtype=DT, generator=torch.Generator().manual_seed(0))
    for k in (0.25, 1.0, 9.0):
        assert torch.allclose(tada(point, noise, karras_sigmas(5), N=2, k=k), torch.full((3,), -0.5, dtype=DT))


def test_errors_are_clear():
    D = GaussianDenoiser(MEAN, COV)
    x = torch.zeros(2, 2, dtype=DT)
    with pytest.raises(UsageError, match="strictly decreasing"):
        euler(D, x, torch.tensor([1.0, 2.0, 0.0]))
    with pytest.raises(UsageError, match="NFE"):
        karras_sigmas(0)
    with pytest.raises(UsageError, match="NFE"):
        dpmpp_2m(D, x, torch.tensor([1.0]))
    with pytest.raises(ShapeError, match="shape"):
        heun(lambda x, s: x[:, :1], x, karras_sigmas(3))
    with pytest.raises(ShapeError, match="shape"):
        tada(lambda x, s: x.sum(), torch.zeros(2, 2, 2, dtype=DT), karras_sigmas(3))
    with pytest.raises(UsageError, match="order"):
        tada(D, torch.zeros(2, 2, 2, dtype=DT), karras_sigmas(3), order=4)
    with pytest.raises(ShapeError, match="N = 3"):
        tada(D, torch.zeros(2, 2, 2, dtype=DT), karras_sigmas(3), N=3)
