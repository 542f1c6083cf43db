"""Kernel similarity matching vs Nystrom and random Fourier features; the exact rank-1 link."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

pytest.importorskip("sklearn")

from sklearn.datasets import make_moons

from lincomb.errors import ShapeError, UsageError
from lincomb.learn.kernels import (
    GaussianKernel,
    KernelSimilarityMatching,
    NystromApproximation,
    PolynomialKernel,
    RandomFourierFeatures,
    relative_kernel_error,
)
from lincomb.theory.sparse_coding import ksm_rank1_bound, polynomial_kernel


@pytest.fixture(scope="module")
def moons():
    x, _ = make_moons(400, noise=0.05, random_state=0)
    return x


def test_ksm_beats_random_nystrom_on_moons(moons):
    kernel = GaussianKernel(0.3)
    k = kernel(moons, moons)
    for components in (4, 8):
        ksm = KernelSimilarityMatching(components, kernel, iterations=600, seed=0).fit(moons)
        ksm_error = relative_kernel_error(k, ksm.transform(moons))
        random_errors = [relative_kernel_error(k, NystromApproximation(components, kernel, "random", seed=s).fit(moons).transform(moons)) for s in range(3)]
        assert ksm_error <= np.mean(random_errors), (components, ksm_error, random_errors)


def test_fixed_point_gains_are_rank1_nystrom(moons):
    ksm = KernelSimilarityMatching(4, GaussianKernel(0.3), iterations=1500, seed=1).fit(moons)
    assert np.allclose(ksm.rank1_nystrom_gains(moons), ksm.gains_, rtol=1e-2)


def test_nystrom_kmeans_and_rff(moons):
    kernel = GaussianKernel(0.3)
    k = kernel(moons, moons)
    kmeans = relative_kernel_error(k, NystromApproximation(16, kernel, "kmeans").fit(moons).transform(moons))
    rff = relative_kernel_error(k, RandomFourierFeatures(16, 0.3).fit(moons).transform(moons))
    assert 0 < kmeans < 1 and 0 < rff


def test_exact_export_feeds_the_exact_bound():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(12, 2)) / 2
    kernel = PolynomialKernel(1, 2)
    ksm = KernelSimilarityMatching(1, kernel, iterations=200, seed=0).fit(x)
    exported = ksm.exact_export()
    xs = [[Fraction(float(v)) for v in row] for row in x]
    ys = [Fraction(float(v)) for v in ksm.transform(x)[:, 0]]
    w = [Fraction(s) for s in exported["landmarks"][0]]
    bound = ksm_rank1_bound(xs, ys, w, polynomial_kernel(1, 2))
    assert bound.gap >= 0
    assert abs(float(bound.q_star) - ksm.rank1_nystrom_gains(x)[0]) < 1e-9
    assert len(ksm.to_sympy()) == 1


def test_kernel_errors():
    with pytest.raises(UsageError):
        GaussianKernel(0)
    with pytest.raises(UsageError):
        NystromApproximation(3, GaussianKernel(1), landmarks="grid")
    with pytest.raises(ShapeError):
        GaussianKernel(1)(np.zeros(3), np.zeros((1, 3)))
    with pytest.raises(UsageError):
        KernelSimilarityMatching(10, GaussianKernel(1)).fit(np.zeros((3, 2)))
