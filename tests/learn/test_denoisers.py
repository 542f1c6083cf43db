"""Exact denoisers agree with brute-force posteriors; the EDM network trains, saves and reloads."""

import math

import pytest

torch = pytest.importorskip("torch")

from lincomb.errors import ShapeError, UsageError  # noqa: E402
from lincomb.learn.denoisers import (  # noqa: E402
    EDMDenoiser, GaussianDenoiser, GaussianMixtureDenoiser, fit_digits_mixture, load_edm_denoiser, train_edm_denoiser)

torch.set_num_threads(1)
DT = torch.float64


def test_gaussian_denoiser_matches_formula():
    C = torch.tensor([[2.0, 0.5], [0.5, 1.0]], dtype=DT)
    m = torch.tensor([1.0, -1.0], dtype=DT)
    x = torch.randn(5, 2, dtype=DT, generator=torch.Generator().manual_seed(0))
    s = 0.7
    expected = m + (x - m) @ torch.linalg.solve(C + s**2 * torch.eye(2, dtype=DT), C)  # C symmetric
    assert torch.allclose(GaussianDenoiser(m, C)(x, s), expected)


def test_mixture_matches_bruteforce_and_is_stable():
    g = torch.Generator().manual_seed(1)
    K, d = 3, 2
    means = torch.randn(K, d, dtype=DT, generator=g) * 2
    A = torch.randn(K, d, d, dtype=DT, generator=g)
    covs = A @ A.transpose(1, 2) + 0.1 * torch.eye(d, dtype=DT)
    w = torch.tensor([0.2, 0.3, 0.5], dtype=DT)
    D = GaussianMixtureDenoiser(w, means, covs)
    x = torch.randn(4, d, dtype=DT, generator=g) * 3
    s = 0.9
    dens, comps = [], []
    for k in range(K):
        Ck = covs[k] + s**2 * torch.eye(d, dtype=DT)
        dist = torch.distributions.MultivariateNormal(means[k], Ck)
        dens.append(w[k] * dist.log_prob(x).exp())
        comps.append(means[k] + (x - means[k]) @ torch.linalg.solve(Ck, covs[k]))
    p = torch.stack(dens, 1) / torch.stack(dens, 1).sum(1, keepdim=True)
    expected = (p[..., None] * torch.stack(comps, 1)).sum(1)
    assert torch.allclose(D(x, s), expected, atol=1e-10)
    # far from every component and at tiny sigma the log-sum-exp stays finite
    assert torch.isfinite(D(1e3 * torch.ones(1, d, dtype=DT), 1e-3)).all()
    assert torch.isfinite(D(torch.zeros(1, d, dtype=DT), 80.0)).all()


def test_mixture_at_large_sigma_is_mean():
    D = fit_digits_mixture(n_components=3, seed=0)
    out = D(torch.zeros(1, 64, dtype=DT), 1e4)
    mixture_mean = (D.weights[:, None] * D.means).sum(0)
    assert torch.allclose(out[0], mixture_mean, atol=1e-4)


def test_bad_inputs():
    with pytest.raises(ShapeError):
        GaussianDenoiser(torch.zeros(2), torch.eye(3))
    with pytest.raises(UsageError, match="sum to 1"):
        GaussianMixtureDenoiser(torch.tensor([0.5, 0.6]), torch.zeros(2, 1), torch.ones(2, 1, 1))
    with pytest.raises(ShapeError):
        GaussianDenoiser(torch.zeros(2), torch.eye(2))(torch.zeros(3, 5), 1.0)


def test_edm_network_trains_and_reloads(tmp_path):
    g = torch.Generator().manual_seed(0)
    data = torch.randn(256, 4, generator=g) * 0.5 + 1.0
    model = train_edm_denoiser(data, steps=300, batch_size=64, hidden=32, depth=2, seed=0)
    x = data[:64] + 0.5 * torch.randn(64, 4, generator=g)
    with torch.no_grad():
        mse_model = float(((model(x, 0.5) - data[:64]) ** 2).mean())
    mse_identity = float(((x - data[:64]) ** 2).mean())
    assert mse_model < mse_identity  # it learned to denoise
    path = model.save(tmp_path / "edm.pt")
    again = load_edm_denoiser(path)
    assert torch.equal(again(x, 0.5), model(x, 0.5))
    (tmp_path / "junk.pt").write_bytes(b"not a model")
    with pytest.raises(UsageError):
        load_edm_denoiser(tmp_path / "junk.pt")


def test_edm_preconditioning_limits():
    model = EDMDenoiser(3, sigma_data=0.5, hidden=8, depth=1)
    x = torch.randn(2, 3)
    assert torch.allclose(model(x, 1e-6), x, atol=1e-5)  # c_skip -> 1, c_out -> 0
    with torch.no_grad():
        assert math.isfinite(float(model(x, 80.0).sum()))


def test_random_mixture_family_is_seeded_and_spans_its_ranges():
    from lincomb.learn.denoisers import MIXTURE_KINDS, random_mixture

    targets = [random_mixture(seed) for seed in range(20)]
    assert [t.description for t in targets] == [random_mixture(seed).description for seed in range(20)]
    assert all(2 <= t.dim <= 64 and 2 <= t.weights.shape[0] <= 20 for t in targets)
    assert {t.description["kind"] for t in targets} == set(MIXTURE_KINDS)
    assert min(t.dim for t in targets) <= 4 and max(t.dim for t in targets) >= 48
    for t in targets:   # overall scale about 1 per coordinate, as the EDM grid assumes
        mean, cov = t.moments()
        assert abs(float(torch.trace(cov)) / t.dim - 1) < 1e-6


def test_random_mixture_kinds_and_moments():
    from lincomb.learn.denoisers import random_mixture

    sharp = random_mixture(3, dim=6, components=4, kind="sharp-anisotropic")
    broad = random_mixture(3, dim=6, components=4, kind="broad-isotropic")
    spread = lambda D: float(D.eigenvalues.max().sqrt())
    assert spread(sharp) < 0.1 < spread(broad)
    ratios = broad.eigenvalues.max(1).values / broad.eigenvalues.min(1).values
    assert torch.allclose(ratios, torch.ones_like(ratios), rtol=1e-6)           # isotropic
    assert float((sharp.eigenvalues.max(1).values / sharp.eigenvalues.min(1).values).min()) > 2   # anisotropic
    mean, cov = broad.moments()
    x = broad.sample(200_000, torch.Generator().manual_seed(0))
    assert torch.allclose(x.mean(0), mean, atol=0.02)
    assert torch.allclose(torch.cov(x.T), cov, atol=0.03)
    with pytest.raises(UsageError, match="kind"):
        random_mixture(0, kind="spiky")
