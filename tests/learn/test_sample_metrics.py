"""Metrics on cases with known answers."""

import pytest

torch = pytest.importorskip("torch")

from lincomb.errors import ShapeError  # noqa: E402
from lincomb.learn.sample_metrics import (  # noqa: E402
    energy_distance, feature_frechet_distance, frechet_distance, gaussian_w2, nearest_mean_spread,
    pushforward_gaussian, train_digits_classifier)

torch.set_num_threads(1)
DT = torch.float64


def test_gaussian_w2_closed_forms():
    # 1-D: W2^2 = (m1 - m2)^2 + (s1 - s2)^2
    assert gaussian_w2(torch.tensor([1.0]), torch.tensor([[4.0]]), torch.tensor([-2.0]), torch.tensor([[1.0]])) == pytest.approx(10**0.5)
    # commuting covariances: sum over eigen-directions
    C1, C2 = torch.diag(torch.tensor([1.0, 9.0])), torch.diag(torch.tensor([4.0, 1.0]))
    assert gaussian_w2(torch.zeros(2), C1, torch.zeros(2), C2) == pytest.approx((1 + 4) ** 0.5)
    R = torch.tensor([[0.6, -0.8], [0.8, 0.6]])
    assert gaussian_w2(torch.zeros(2), R @ C1 @ R.T, torch.zeros(2), R @ C2 @ R.T) == pytest.approx(5**0.5)
    with pytest.raises(ShapeError):
        gaussian_w2(torch.zeros(2), torch.eye(2), torch.zeros(3), torch.eye(3))


def test_pushforward_is_exact_for_affine_maps():
    A = torch.tensor([[1.0, 2.0], [0.0, 3.0], [1.0, 1.0]], dtype=DT)
    b = torch.tensor([1.0, -1.0, 0.5], dtype=DT)
    m, C = pushforward_gaussian(lambda z: z @ A.T + b, torch.tensor([1.0, 2.0], dtype=DT), torch.eye(2, dtype=DT))
    assert torch.allclose(m, A @ torch.tensor([1.0, 2.0], dtype=DT) + b)
    assert torch.allclose(C, A @ A.T)


def test_frechet_and_energy():
    g = torch.Generator().manual_seed(0)
    a, b = torch.randn(3000, 3, generator=g), torch.randn(3000, 3, generator=g)
    assert frechet_distance(a, b) < 0.02
    assert frechet_distance(a, b + 2) == pytest.approx(12, rel=0.05)
    assert abs(energy_distance(a, b)) < 0.02
    assert energy_distance(a, b + 1) > 0.3


def test_digits_classifier_and_feature_distance():
    from lincomb.learn.denoisers import load_digits_vectors

    model, accuracy = train_digits_classifier(epochs=20, seed=0)
    assert accuracy > 0.9
    images, labels = load_digits_vectors()
    zeros, ones = images[labels == 0], images[labels == 1]
    same = feature_frechet_distance(zeros[:80], zeros[80:], model)
    other = feature_frechet_distance(zeros[:80], ones[:80], model)
    assert same < other


def test_nearest_mean_spread_sees_collapse_that_frechet_distance_misses():
    # Two sharp, far-apart components: exact draws have spread sum_k w_k tr C_k = 2 * 0.05^2; the same
    # draws pulled 80 % of the way to their component means keep the covariance (dominated by the
    # means) within a few per cent, but their spread falls to 4 % of the exact value.
    from lincomb.learn.denoisers import GaussianMixtureDenoiser

    means = torch.tensor([[-3.0, 0.0], [3.0, 0.0]], dtype=DT)
    D = GaussianMixtureDenoiser(torch.tensor([0.5, 0.5], dtype=DT), means, 0.05**2 * torch.eye(2, dtype=DT).repeat(2, 1, 1))
    x = D.sample(20000, torch.Generator().manual_seed(0))
    exact = 2 * 0.05**2
    assert nearest_mean_spread(x, means) == pytest.approx(exact, rel=0.03)
    nearest = means[torch.cdist(x, means).argmin(1)]
    collapsed = nearest + 0.2 * (x - nearest)
    assert nearest_mean_spread(collapsed, means) == pytest.approx(0.04 * exact, rel=0.03)
    assert frechet_distance(collapsed, x) < 0.01 * torch.cov(x.T).trace()
    with pytest.raises(ShapeError):
        nearest_mean_spread(x, means[:, :1])
