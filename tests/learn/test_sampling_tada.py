"""TADA's force extrapolation variable v = (1 - c) t - c log(1 - t): weights, order, options."""

import math

import pytest

torch = pytest.importorskip("torch")
scipy_integrate = pytest.importorskip("scipy.integrate")

from lincomb.errors import UsageError  # noqa: E402
from lincomb.learn.denoisers import GaussianDenoiser  # noqa: E402
from lincomb.learn.sample_metrics import pushforward_gaussian  # noqa: E402
from lincomb.learn.sampling import (  # noqa: E402
    chain_step_weights_log, karras_sigmas, sample, tada, tada_from_state)
from lincomb.theory.tada import chain_step_weights  # noqa: E402

torch.set_num_threads(1)
DT = torch.float64


@pytest.mark.parametrize("share", [0.0, 0.2, 0.5, 1.0])
@pytest.mark.parametrize("history,t_next", [((0.9, 0.7, 0.4), 1.0), ((0.95, 0.8), 1.0), ((0.9, 0.7), 0.99),
                                            ((0.3, 0.1, 0.05), 0.5)])
def test_weights_integrate_polynomials_in_the_variable_exactly(share, history, t_next):
    # W[j] . F(history) must equal int_t^{t_next} (t_next - tau)^(N-1-j)/(N-1-j)! F(tau) dtau for every F
    # that is a polynomial of degree < len(history) in v (against scipy's adaptive quadrature; the quadrature of
    # the step into t = 1 is accurate to about 1e-9 relative for 0 < c < 1, exact for c = 0 and c = 1).
    v = lambda t: (1 - share) * t - share * math.log(1 - t)
    N = 3
    _, W = chain_step_weights_log(history, t_next, N, share)
    for degree in range(len(history)):
        F = lambda t: v(t) ** degree
        for j in range(N):
            p = N - 1 - j
            exact = scipy_integrate.quad(lambda t: (t_next - t) ** p / math.factorial(p) * F(t), history[0], t_next,
                                         limit=200)[0]
            approx = sum(W[j][m] * F(h) for m, h in enumerate(history))
            assert approx == pytest.approx(exact, rel=1e-7, abs=1e-12), (degree, j)


def test_share_zero_is_the_papers_adams_bashforth_in_t():
    from fractions import Fraction

    for history, t_next in [((0.6, 0.3), 1.0), ((0.5, 0.2, 0.1), 0.8)]:
        Phi, W = chain_step_weights_log(history, t_next, 2, 0.0)
        Phi_t, W_t = chain_step_weights([Fraction(h) for h in history], Fraction(t_next), 2)
        assert Phi.ravel().tolist() == pytest.approx([float(v) for row in Phi_t for v in row], abs=1e-14)
        assert W.ravel().tolist() == pytest.approx([float(v) for row in W_t for v in row], abs=1e-12)


def test_point_mass_lands_exactly_for_any_share():
    point = lambda x, s: torch.full_like(x, -0.75)
    noise = torch.randn(2, 4, 3, dtype=DT, generator=torch.Generator().manual_seed(0))
    for share in (0.0, 0.3, 1.0):
        out = tada(point, noise, karras_sigmas(6), log_share=share)
        assert torch.allclose(out, torch.full((4, 3), -0.75, dtype=DT), atol=1e-10)


def test_log_share_is_validated():
    D = GaussianDenoiser(torch.zeros(1, dtype=DT), torch.eye(1, dtype=DT))
    with pytest.raises(UsageError, match="log_share"):
        tada(D, torch.zeros(2, 3, 1, dtype=DT), karras_sigmas(4), log_share=1.5)
    with pytest.raises(UsageError, match="log_share"):
        tada_from_state(D, torch.zeros(2, 3, 1, dtype=DT), [0.1, 0.5, 1.0], log_share=True)


def test_sample_passes_log_share():
    D = GaussianDenoiser(torch.tensor([0.2, -0.1], dtype=DT), torch.eye(2, dtype=DT) * 0.3)
    a = sample("tada", D, (5, 2), 6, generator=torch.Generator().manual_seed(1), log_share=0.0)
    b = sample("tada", D, (5, 2), 6, generator=torch.Generator().manual_seed(1), log_share=1.0)
    assert not torch.allclose(a, b)


def test_defaults_keep_more_of_a_sharp_components_spread_than_extrapolating_in_t():
    # Exact (noise-free) output law on a sharp Gaussian N(m, s^2 I), s = 0.03 (a sharp mixture component):
    # the standard deviation ratio at 8 / 16 NFE is 0.76 / 0.93 with the force extrapolated in t and
    # 0.84 / 0.98 with the defaults (log_share = 0.5, Beta grid (1.8, 1.5)); on a broad one (s = 0.3) both
    # stay within 5 %.
    from lincomb.learn.sample_metrics import pushforward_gaussian

    def std_ratio(scale, nfe, **options):
        D = GaussianDenoiser(torch.tensor([1.0, -0.5], dtype=DT), scale**2 * torch.eye(2, dtype=DT))
        run = lambda batch: tada(D, batch.reshape(-1, 2, 2).transpose(0, 1), karras_sigmas(nfe), **options)
        law = pushforward_gaussian(run, torch.zeros(4, dtype=DT), torch.eye(4, dtype=DT))
        return math.sqrt(float(law[1][0, 0])) / scale

    for nfe in (8, 16):
        default, in_t = std_ratio(0.03, nfe), std_ratio(0.03, nfe, log_share=0.0)
        assert in_t < default <= 1.0 and default > 0.8, (nfe, default, in_t)
        assert abs(std_ratio(0.3, nfe) - 1) < 0.05


def test_cli_passes_log_share_and_beta(tmp_path, capsys):
    # lincomb sample --log-share / --beta reach the sampler (an untrained tiny network: only the plumbing).
    import argparse

    pytest.importorskip("matplotlib")
    from lincomb.learn.denoisers import EDMDenoiser
    from lincomb.sample_cli import add_parser, run

    model = tmp_path / "m.pt"
    torch.manual_seed(0)
    EDMDenoiser(64, hidden=8, depth=1).save(model)
    parser = argparse.ArgumentParser()
    add_parser(parser.add_subparsers(dest="command"))
    seen = []
    import lincomb.learn.sampling as sampling

    original = sampling.sample

    def spy(name, *args, **options):
        seen.append(options)
        return original(name, *args, **options)

    sampling.sample = spy
    try:
        args = parser.parse_args(["sample", "--model", str(model), "--nfe", "4", "--n", "4", "--out",
                                  str(tmp_path / "s.png"), "--log-share", "0", "--beta", "1.8", "1.1"])
        assert run(args) == 0
        bad = parser.parse_args(["sample", "--model", str(model), "--nfe", "4", "--n", "4", "--out",
                                 str(tmp_path / "t.png"), "--log-share", "1.5"])
        assert run(bad) == 2 and "log_share" in capsys.readouterr().err
    finally:
        sampling.sample = original
    assert seen[0]["log_share"] == 0.0 and seen[0]["beta"] == (1.8, 1.1)
    assert (tmp_path / "s.png").exists() and not (tmp_path / "t.png").exists()
