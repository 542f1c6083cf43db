"""Sample-quality metrics: exact W2 for Gaussians, Frechet distances, energy distance.

* :func:`gaussian_w2` -- the Wasserstein-2 distance between two Gaussians in closed form,
  ``W2^2 = |m1 - m2|^2 + tr(C1 + C2 - 2 (C2^{1/2} C1 C2^{1/2})^{1/2})``.  With an exact Gaussian
  denoiser every sampler is an affine map of its initial noise (:func:`pushforward_gaussian`),
  so its output law, and its error, are known without sampling.
* :func:`frechet_distance` -- the same formula between Gaussians fitted to two sample sets
  (FID's formula), on raw pixels or on the penultimate features of a small digits classifier
  trained locally (:func:`train_digits_classifier`; Inception weights cannot be downloaded).
* :func:`energy_distance` -- ``2 E|X - Y| - E|X - X'| - E|Y - Y'|`` (V-statistic), zero iff the
  laws agree.
* :func:`nearest_mean_spread` -- the mean squared distance of the samples to their nearest
  component mean: the within-mode spread, which Frechet distances of mean and covariance hardly
  see (samples collapsed onto the component means keep nearly the right covariance when the
  components are sharp).  For a mixture with well-separated components its exact value is
  ``sum_k w_k tr C_k``.

All results are floats: these are measurements, not proofs.

Examples
--------
>>> import torch
>>> gaussian_w2(torch.zeros(1), torch.eye(1), torch.ones(1), 4 * torch.eye(1))   # sqrt(1 + 1)
1.414...
"""

from __future__ import annotations

import math
from typing import Callable

import torch

from lincomb.errors import ShapeError, UsageError

__all__ = [
    "gaussian_w2",
    "pushforward_gaussian",
    "frechet_distance",
    "energy_distance",
    "nearest_mean_spread",
    "DigitsClassifier",
    "train_digits_classifier",
    "feature_frechet_distance",
]


def _psd_sqrt(matrix: torch.Tensor) -> torch.Tensor:
    values, vectors = torch.linalg.eigh((matrix + matrix.T) / 2)
    return (vectors * values.clamp(min=0).sqrt()) @ vectors.T


def gaussian_w2(mean1: torch.Tensor, cov1: torch.Tensor, mean2: torch.Tensor, cov2: torch.Tensor) -> float:
    """The Wasserstein-2 distance between ``N(mean1, cov1)`` and ``N(mean2, cov2)`` (float64).

    Examples
    --------
    >>> import torch
    >>> C = torch.tensor([[2.0, 1.0], [1.0, 2.0]])
    >>> gaussian_w2(torch.zeros(2), C, torch.zeros(2), C) < 1e-6
    True
    """
    mean1, cov1, mean2, cov2 = (torch.as_tensor(v, dtype=torch.float64) for v in (mean1, cov1, mean2, cov2))
    d = mean1.shape[0]
    if mean2.shape != (d,) or cov1.shape != (d, d) or cov2.shape != (d, d):
        raise ShapeError(f"means must be (d,) and covariances (d, d); got {tuple(mean1.shape)}, "
                         f"{tuple(cov1.shape)}, {tuple(mean2.shape)}, {tuple(cov2.shape)}")
    root2 = _psd_sqrt(cov2)
    cross = _psd_sqrt(root2 @ cov1 @ root2)
    squared = float(((mean1 - mean2) ** 2).sum() + torch.trace(cov1 + cov2 - 2 * cross))
    return math.sqrt(max(squared, 0.0))


def pushforward_gaussian(affine_map: Callable[[torch.Tensor], torch.Tensor], mean: torch.Tensor,
                         cov: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """The law of ``f(Z)`` for ``Z ~ N(mean, cov)`` and an affine ``f`` (a sampler with a Gaussian denoiser).

    ``f`` is evaluated once on the batch ``[mean, mean + e_1, ..., mean + e_n]``; its columns
    give ``f(z) = A z + b``, hence ``N(f(mean), A cov A^T)``.

    Parameters
    ----------
    affine_map : callable
        Maps a batch ``(b, n)`` to ``(b, m)``.
    mean, cov : torch.Tensor
        ``(n,)`` and ``(n, n)``.

    Examples
    --------
    >>> import torch
    >>> m, C = pushforward_gaussian(lambda z: 2 * z + 1, torch.zeros(1, dtype=torch.float64), torch.eye(1, dtype=torch.float64))
    >>> m.tolist(), C.tolist()
    ([1.0], [[4.0]])
    """
    mean = torch.as_tensor(mean, dtype=torch.float64)
    n = mean.shape[0]
    points = torch.cat([mean[None, :], mean[None, :] + torch.eye(n, dtype=torch.float64)])
    images = affine_map(points)
    if images.ndim != 2 or images.shape[0] != n + 1:
        raise ShapeError(f"affine_map must map a ({n + 1}, {n}) batch to ({n + 1}, m), got {tuple(images.shape)}")
    A = (images[1:] - images[:1]).T
    return images[0], A @ torch.as_tensor(cov, dtype=torch.float64) @ A.T


def _moments(samples: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    samples = torch.as_tensor(samples, dtype=torch.float64)
    if samples.ndim != 2 or samples.shape[0] < 2:
        raise ShapeError(f"samples must be (n, d) with n >= 2, got {tuple(samples.shape)}")
    return samples.mean(0), torch.cov(samples.T).reshape(samples.shape[1], samples.shape[1])


def frechet_distance(x: torch.Tensor, y: torch.Tensor) -> float:
    """The Frechet distance (FID's formula, squared W2 of fitted Gaussians) between two sample sets.

    Examples
    --------
    >>> import torch
    >>> g = torch.Generator().manual_seed(0)
    >>> a = torch.randn(4000, 2, generator=g); b = torch.randn(4000, 2, generator=g) + 1
    >>> round(frechet_distance(a, b), 1)        # |shift|^2 = 2
    2.0
    """
    m1, c1 = _moments(x)
    m2, c2 = _moments(y)
    if m1.shape != m2.shape:
        raise ShapeError(f"sample sets of dimension {m1.shape[0]} and {m2.shape[0]}")
    return gaussian_w2(m1, c1, m2, c2) ** 2


def energy_distance(x: torch.Tensor, y: torch.Tensor) -> float:
    """The energy distance ``2 E|X - Y| - E|X - X'| - E|Y - Y'|`` (V-statistic, float64).

    Examples
    --------
    >>> import torch
    >>> energy_distance(torch.zeros(3, 1), torch.ones(2, 1))
    2.0
    """
    x, y = (torch.as_tensor(v, dtype=torch.float64) for v in (x, y))
    if x.ndim != 2 or y.ndim != 2 or x.shape[1] != y.shape[1]:
        raise ShapeError(f"need (n, d) and (m, d) samples, got {tuple(x.shape)} and {tuple(y.shape)}")
    return float(2 * torch.cdist(x, y).mean() - torch.cdist(x, x).mean() - torch.cdist(y, y).mean())


def nearest_mean_spread(samples: torch.Tensor, means: torch.Tensor) -> float:
    """The mean over samples of ``min_k |x - m_k|^2``: the within-mode spread around the means ``m_k``.

    Parameters
    ----------
    samples : torch.Tensor
        ``(n, d)``.
    means : torch.Tensor
        ``(K, d)``, e.g. a mixture's component means.

    Returns
    -------
    float
        Samples collapsed onto the means give 0; exact draws of a mixture with well-separated
        components give about ``sum_k w_k tr C_k``.

    Examples
    --------
    >>> import torch
    >>> nearest_mean_spread(torch.tensor([[0.1, 0.0], [4.0, 0.2]]), torch.tensor([[0.0, 0.0], [4.0, 0.0]]))
    0.025...
    """
    samples, means = (torch.as_tensor(v, dtype=torch.float64) for v in (samples, means))
    if samples.ndim != 2 or means.ndim != 2 or samples.shape[1] != means.shape[1] or len(means) == 0:
        raise ShapeError(f"need samples (n, d) and means (K, d), got {tuple(samples.shape)} and {tuple(means.shape)}")
    return float(torch.cdist(samples, means).pow(2).min(1).values.mean())


class DigitsClassifier(torch.nn.Module):
    """A small MLP classifier of 8x8 digits in ``[-1, 1]``; its penultimate layer gives features.

    Examples
    --------
    >>> import torch
    >>> DigitsClassifier(hidden=16).features(torch.zeros(2, 64)).shape
    torch.Size([2, 16])
    """

    def __init__(self, hidden: int = 64):
        super().__init__()
        self.trunk = torch.nn.Sequential(torch.nn.Linear(64, 128), torch.nn.ReLU(),
                                         torch.nn.Linear(128, hidden), torch.nn.ReLU())
        self.head = torch.nn.Linear(hidden, 10)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """Penultimate-layer features, shape ``(batch, hidden)``.

        Examples
        --------
        >>> import torch
        >>> DigitsClassifier(hidden=8).features(torch.zeros(1, 64)).shape
        torch.Size([1, 8])
        """
        if x.ndim != 2 or x.shape[1] != 64:
            raise ShapeError(f"digits are (batch, 64) vectors, got {tuple(x.shape)}")
        with torch.no_grad():
            return self.trunk(x.to(torch.float32))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Class logits, shape ``(batch, 10)``.

        Examples
        --------
        >>> import torch
        >>> DigitsClassifier().forward(torch.zeros(1, 64)).shape
        torch.Size([1, 10])
        """
        return self.head(self.trunk(x.to(torch.float32)))


def train_digits_classifier(epochs: int = 60, seed: int = 0) -> tuple[DigitsClassifier, float]:
    """Train :class:`DigitsClassifier` on 1500 digits; return it and its accuracy on the other 297.

    Examples
    --------
    >>> model, accuracy = train_digits_classifier(epochs=3, seed=0)
    >>> 0.0 <= accuracy <= 1.0
    True
    """
    from lincomb.learn.denoisers import load_digits_vectors

    if epochs < 1:
        raise UsageError(f"epochs must be >= 1, got {epochs}")
    torch.manual_seed(seed)
    images, labels = load_digits_vectors(torch.float32)
    order = torch.randperm(images.shape[0], generator=torch.Generator().manual_seed(seed))
    train, test = order[:1500], order[1500:]
    model = DigitsClassifier()
    optimiser = torch.optim.Adam(model.parameters(), lr=2e-3)
    generator = torch.Generator().manual_seed(seed)
    for _ in range(epochs):
        for batch in torch.randperm(1500, generator=generator).split(100):
            index = train[batch]
            # small noise makes the features robust to the residual noise of sampled images
            noisy = images[index] + 0.05 * torch.randn(len(index), 64, generator=generator)
            loss = torch.nn.functional.cross_entropy(model(noisy), labels[index])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
    model.eval()
    with torch.no_grad():
        accuracy = float((model(images[test]).argmax(1) == labels[test]).float().mean())
    return model, accuracy


def feature_frechet_distance(x: torch.Tensor, y: torch.Tensor, classifier: DigitsClassifier) -> float:
    """Frechet distance between the classifier features of two digit sample sets ("FID-like").

    Examples
    --------
    >>> import torch
    >>> model = DigitsClassifier(hidden=4)
    >>> x = torch.randn(50, 64, generator=torch.Generator().manual_seed(0))
    >>> feature_frechet_distance(x, x, model) < 1e-6
    True
    """
    return frechet_distance(classifier.features(x).double(), classifier.features(y).double())
