"""Denoisers ``D(x; sigma)`` for the samplers: exact ones (Gaussian, Gaussian mixture) and a trained network.

* :class:`GaussianDenoiser` -- data ``N(m, C)``: ``D(x; s) = m + C (C + s^2 I)^{-1} (x - m)``.
  The probability-flow ODE is linear, so every sampler's output is Gaussian and its error can be
  computed exactly (:func:`lincomb.learn.sample_metrics.gaussian_w2`).
* :class:`GaussianMixtureDenoiser` -- data ``sum_k w_k N(m_k, C_k)``: the posterior-weighted
  component denoisers, with posteriors computed by log-sum-exp.  :func:`fit_digits_mixture`
  fits one to scikit-learn's bundled 8x8 digits (no download): a real-structured data set with
  an error-free denoiser, so any sampler gap is pure discretization error.
  :func:`random_mixture` draws one target of a seeded random family (dimension 2 to 64, 2 to 20
  components, sharp or broad, isotropic or anisotropic) for benchmarks across targets.
* :class:`EDMDenoiser` -- a small EDM-preconditioned MLP (Karras et al. 2022, c_skip / c_out /
  c_in / c_noise), trained by :func:`train_edm_denoiser`, saved by :meth:`EDMDenoiser.save` and
  reloaded by :func:`load_edm_denoiser` from a local file.

Images are flattened: digits are vectors of 64 pixels scaled to ``[-1, 1]``
(:func:`load_digits_vectors`).  Every denoiser is called as ``D(x, sigma)`` with ``x`` of shape
``(batch, dim)`` and a Python float ``sigma``.

Examples
--------
>>> import torch
>>> D = GaussianDenoiser(torch.tensor([1.0], dtype=torch.float64), torch.tensor([[3.0]], dtype=torch.float64))
>>> D(torch.tensor([[5.0]], dtype=torch.float64), 1.0)       # 1 + 3/(3 + 1) (5 - 1)
tensor([[4.]], dtype=torch.float64)
"""

from __future__ import annotations

import math
import os
import time
from pathlib import Path
from typing import Callable

import torch

from lincomb.errors import ShapeError, UsageError

__all__ = [
    "GaussianDenoiser",
    "GaussianMixtureDenoiser",
    "EDMDenoiser",
    "load_digits_vectors",
    "fit_digits_mixture",
    "random_mixture",
    "train_edm_denoiser",
    "load_edm_denoiser",
]


def _as_batch(x: torch.Tensor, dim: int) -> torch.Tensor:
    if not isinstance(x, torch.Tensor) or x.ndim < 1 or x.shape[-1] != dim:
        shape = tuple(x.shape) if isinstance(x, torch.Tensor) else type(x).__name__
        raise ShapeError(f"expected a tensor whose last axis has {dim} entries, got {shape}")
    return x


def _check_sigma(sigma) -> float:
    sigma = float(sigma)
    if not (sigma >= 0 and math.isfinite(sigma)):
        raise UsageError(f"sigma must be a finite number >= 0, got {sigma}")
    return sigma


class GaussianDenoiser:
    """The exact denoiser of Gaussian data ``N(mean, cov)``.

    Parameters
    ----------
    mean : torch.Tensor
        Shape ``(d,)``.
    cov : torch.Tensor
        Symmetric positive semidefinite, ``(d, d)``.

    Examples
    --------
    >>> import torch
    >>> D = GaussianDenoiser(torch.zeros(2, dtype=torch.float64), torch.diag(torch.tensor([1.0, 4.0], dtype=torch.float64)))
    >>> D(torch.ones(1, 2, dtype=torch.float64), 2.0)
    tensor([[0.2000, 0.5000]], dtype=torch.float64)
    """

    def __init__(self, mean: torch.Tensor, cov: torch.Tensor):
        mean = torch.as_tensor(mean)
        cov = torch.as_tensor(cov, dtype=mean.dtype)
        if mean.ndim != 1 or cov.shape != (mean.shape[0], mean.shape[0]):
            raise ShapeError(f"mean must be (d,) and cov (d, d); got {tuple(mean.shape)} and {tuple(cov.shape)}")
        self.mean = mean
        self.cov = cov
        eigenvalues, self.eigenvectors = torch.linalg.eigh((cov + cov.T) / 2)
        if eigenvalues.min() < -1e-9 * max(1.0, float(eigenvalues.abs().max())):
            raise UsageError("cov must be positive semidefinite")
        self.eigenvalues = eigenvalues.clamp(min=0)

    @property
    def dim(self) -> int:
        """The data dimension ``d``.

        Examples
        --------
        >>> import torch
        >>> GaussianDenoiser(torch.zeros(3), torch.eye(3)).dim
        3
        """
        return self.mean.shape[0]

    def shrinkage(self, sigma: float) -> torch.Tensor:
        """The factors ``lambda / (lambda + sigma^2)`` along the eigenvectors of ``cov``.

        Examples
        --------
        >>> import torch
        >>> GaussianDenoiser(torch.zeros(1), torch.eye(1)).shrinkage(1.0)
        tensor([0.5000])
        """
        sigma = _check_sigma(sigma)
        return self.eigenvalues / (self.eigenvalues + sigma**2)

    def __call__(self, x: torch.Tensor, sigma: float) -> torch.Tensor:
        x = _as_batch(x, self.dim)
        V = self.eigenvectors.to(x.dtype)
        centred = (x - self.mean.to(x.dtype)) @ V
        return self.mean.to(x.dtype) + (centred * self.shrinkage(sigma).to(x.dtype)) @ V.T


class GaussianMixtureDenoiser:
    """The exact denoiser of a Gaussian mixture ``sum_k w_k N(m_k, C_k)``.

    ``D(x; s) = sum_k p_k(x) [m_k + C_k (C_k + s^2 I)^{-1} (x - m_k)]`` with posteriors
    ``p_k(x)`` proportional to ``w_k N(x; m_k, C_k + s^2 I)``, computed by log-sum-exp, so that
    ``sigma`` from 0 to 80 is stable.

    Parameters
    ----------
    weights : torch.Tensor
        ``(K,)``, positive, summing to 1.
    means : torch.Tensor
        ``(K, d)``.
    covs : torch.Tensor
        ``(K, d, d)``, symmetric positive definite.

    Examples
    --------
    >>> import torch
    >>> D = GaussianMixtureDenoiser(torch.tensor([0.5, 0.5]), torch.tensor([[-1.0], [1.0]]),
    ...                             torch.full((2, 1, 1), 1e-4))
    >>> D(torch.tensor([[0.9], [-2.0]]), 0.1).round(decimals=1)
    tensor([[ 1.],
            [-1.]])
    """

    def __init__(self, weights: torch.Tensor, means: torch.Tensor, covs: torch.Tensor):
        weights, means, covs = (torch.as_tensor(v) for v in (weights, means, covs))
        K = weights.shape[0] if weights.ndim == 1 else -1
        if K < 1 or means.ndim != 2 or means.shape[0] != K or covs.shape != (K, means.shape[1], means.shape[1]):
            raise ShapeError(
                f"need weights (K,), means (K, d), covs (K, d, d); got {tuple(weights.shape)}, "
                f"{tuple(means.shape)}, {tuple(covs.shape)}")
        if (weights <= 0).any() or abs(float(weights.sum()) - 1) > 1e-6:
            raise UsageError("mixture weights must be positive and sum to 1")
        self.weights, self.means, self.covs = weights, means, covs
        eigenvalues, self.eigenvectors = torch.linalg.eigh((covs + covs.transpose(1, 2)) / 2)
        if eigenvalues.min() <= 0:
            raise UsageError("mixture covariances must be positive definite (add a small ridge)")
        self.eigenvalues = eigenvalues

    @property
    def dim(self) -> int:
        """The data dimension ``d``.

        Examples
        --------
        >>> import torch
        >>> GaussianMixtureDenoiser(torch.ones(1), torch.zeros(1, 2), torch.eye(2)[None]).dim
        2
        """
        return self.means.shape[1]

    def posteriors(self, x: torch.Tensor, sigma: float) -> torch.Tensor:
        """The component posteriors ``p_k(x)`` at noise level ``sigma``, shape ``(batch, K)``.

        Examples
        --------
        >>> import torch
        >>> D = GaussianMixtureDenoiser(torch.tensor([0.5, 0.5]), torch.tensor([[-1.0], [1.0]]), torch.ones(2, 1, 1))
        >>> D.posteriors(torch.zeros(1, 1), 1.0)
        tensor([[0.5000, 0.5000]])
        """
        x = _as_batch(x, self.dim)
        projected, variances = self._project(x, _check_sigma(sigma))
        log_density = -0.5 * ((projected**2 / variances).sum(-1) + torch.log(variances).sum(-1))
        return torch.softmax(log_density + torch.log(self.weights.to(x.dtype)), dim=-1)

    def _project(self, x: torch.Tensor, sigma: float):
        V = self.eigenvectors.to(x.dtype)                                   # (K, d, d)
        centred = x[..., None, :] - self.means.to(x.dtype)                  # (B, K, d)
        projected = torch.einsum("bkd,kde->bke", centred, V)                # coordinates along eigenvectors
        variances = self.eigenvalues.to(x.dtype) + sigma**2                 # (K, d)
        return projected, variances

    def __call__(self, x: torch.Tensor, sigma: float) -> torch.Tensor:
        x = _as_batch(x, self.dim)
        sigma = _check_sigma(sigma)
        projected, variances = self._project(x, sigma)
        log_density = -0.5 * ((projected**2 / variances).sum(-1) + torch.log(variances).sum(-1))
        p = torch.softmax(log_density + torch.log(self.weights.to(x.dtype)), dim=-1)   # (B, K)
        shrunk = projected * (self.eigenvalues.to(x.dtype) / variances)
        component = self.means.to(x.dtype) + torch.einsum("bke,kde->bkd", shrunk, self.eigenvectors.to(x.dtype))
        return torch.einsum("bk,bkd->bd", p, component)

    def sample(self, n: int, generator: torch.Generator | None = None) -> torch.Tensor:
        """``n`` exact samples of the mixture (the reference data for metrics).

        Examples
        --------
        >>> import torch
        >>> D = GaussianMixtureDenoiser(torch.ones(1), torch.full((1, 2), 5.0), 1e-6 * torch.eye(2)[None])
        >>> D.sample(3, torch.Generator().manual_seed(0)).round().tolist()
        [[5.0, 5.0], [5.0, 5.0], [5.0, 5.0]]
        """
        labels = torch.multinomial(self.weights.double(), n, replacement=True, generator=generator)
        eps = torch.randn(n, self.dim, generator=generator, dtype=torch.float64).to(self.means.dtype)
        roots = self.eigenvectors * self.eigenvalues.sqrt()[:, None, :]
        return self.means[labels] + torch.einsum("nde,ne->nd", roots[labels], eps)


    def moments(self) -> tuple[torch.Tensor, torch.Tensor]:
        """The mixture's exact mean and covariance (the law of total covariance).

        Examples
        --------
        >>> import torch
        >>> D = GaussianMixtureDenoiser(torch.tensor([0.5, 0.5]), torch.tensor([[-1.0], [1.0]]), torch.ones(2, 1, 1))
        >>> [v.tolist() for v in D.moments()]
        [[0.0], [[2.0]]]
        """
        w = self.weights.to(self.means.dtype)
        mean = w @ self.means
        centred = self.means - mean
        cov = torch.einsum("k,kde->de", w, self.covs) + torch.einsum("k,kd,ke->de", w, centred, centred)
        return mean, (cov + cov.T) / 2


#: The kinds of target :func:`random_mixture` draws (component scale x covariance shape).
MIXTURE_KINDS = ("sharp-isotropic", "sharp-anisotropic", "broad-isotropic", "broad-anisotropic")


def random_mixture(seed: int, dim: int | None = None, components: int | None = None,
                   kind: str | None = None, dtype=torch.float64) -> GaussianMixtureDenoiser:
    """One target of a seeded random family of Gaussian mixtures, with its exact denoiser.

    The seed fixes everything not given: the dimension (log-uniform in 2..64), the number of
    components (2..20), the kind (one of :data:`MIXTURE_KINDS`), then the means (standard
    normal, rescaled so that the mixture's overall standard deviation is about 1, the usual
    EDM data scale), the weights (Dirichlet(2)) and the covariances.  *Sharp* components have
    standard deviations 0.01..0.05 of the data scale, *broad* ones 0.2..0.6; *isotropic*
    components are ``s^2 I``, *anisotropic* ones ``Q diag(s_i^2) Q^T`` with a random rotation
    ``Q`` and ``s_i`` log-uniform over a factor of 30 below ``s``.

    Parameters
    ----------
    seed : int
    dim, components : int, optional
        Override the drawn dimension / number of components.
    kind : str, optional
        One of :data:`MIXTURE_KINDS`.

    Returns
    -------
    GaussianMixtureDenoiser
        With an extra attribute ``description`` (a dict: seed, dim, components, kind).

    Examples
    --------
    >>> D = random_mixture(3)
    >>> D.description == random_mixture(3).description, 2 <= D.dim <= 64, 2 <= D.weights.shape[0] <= 20
    (True, True, True)
    >>> random_mixture(0, dim=5, components=4, kind="sharp-isotropic").description["kind"]
    'sharp-isotropic'
    """
    import numpy as np

    rng = np.random.default_rng(seed)
    drawn_dim = int(round(math.exp(rng.uniform(math.log(2), math.log(64)))))
    drawn_components = int(rng.integers(2, 21))
    drawn_kind = MIXTURE_KINDS[int(rng.integers(len(MIXTURE_KINDS)))]
    dim = drawn_dim if dim is None else int(dim)
    components = drawn_components if components is None else int(components)
    kind = drawn_kind if kind is None else kind
    if kind not in MIXTURE_KINDS:
        raise UsageError(f"kind must be one of {', '.join(MIXTURE_KINDS)}, got {kind!r}")
    if dim < 1 or components < 1:
        raise UsageError(f"dim and components must be >= 1, got {dim} and {components}")
    sharp, anisotropic = kind.startswith("sharp"), kind.endswith("anisotropic")
    weights = rng.dirichlet(np.full(components, 2.0))
    scales = rng.uniform(0.01, 0.05, components) if sharp else rng.uniform(0.2, 0.6, components)
    means = rng.standard_normal((components, dim))
    covs = []
    for scale in scales:
        if anisotropic:
            q, r = np.linalg.qr(rng.standard_normal((dim, dim)))
            q = q * np.sign(np.diag(r))
            spread = scale * np.exp(-rng.uniform(0, math.log(30), dim))
            spread[0] = scale
            covs.append((q * spread**2) @ q.T)
        else:
            covs.append(scale**2 * np.eye(dim))
    covs = np.stack(covs)
    # rescale so that the mean squared distance to the overall mean is about dim (data std about 1)
    centred = means - weights @ means
    total = float(weights @ (centred**2).sum(1) + np.einsum("k,kdd->", weights, covs))
    factor = math.sqrt(dim / total)
    mixture = GaussianMixtureDenoiser(torch.as_tensor(weights, dtype=dtype), torch.as_tensor(means * factor, dtype=dtype),
                                      torch.as_tensor(covs * factor**2 + 1e-10 * np.eye(dim), dtype=dtype))
    mixture.description = {"seed": int(seed), "dim": dim, "components": components, "kind": kind}
    return mixture


def load_digits_vectors(dtype=torch.float64) -> tuple[torch.Tensor, torch.Tensor]:
    """scikit-learn's bundled 8x8 digits (1797 images, no download) as vectors in ``[-1, 1]``.

    Returns
    -------
    (images, labels)
        ``(1797, 64)`` and ``(1797,)``.

    Examples
    --------
    >>> images, labels = load_digits_vectors()
    >>> tuple(images.shape), float(images.min()), float(images.max()), int(labels[0])
    ((1797, 64), -1.0, 1.0, 0)
    """
    from sklearn.datasets import load_digits

    digits = load_digits()
    images = torch.as_tensor(digits.data, dtype=dtype) / 8.0 - 1.0
    return images, torch.as_tensor(digits.target)


def fit_digits_mixture(n_components: int = 20, ridge: float = 1e-2, seed: int = 0) -> GaussianMixtureDenoiser:
    """A Gaussian mixture fitted to the digits (scikit-learn EM, full covariances) and its exact denoiser.

    ``ridge`` is added to every covariance's diagonal (``reg_covar``), which keeps the
    always-zero border pixels from making a component singular.

    Examples
    --------
    >>> D = fit_digits_mixture(n_components=2, seed=0)
    >>> D.dim, tuple(D.weights.shape)
    (64, (2,))
    """
    from sklearn.mixture import GaussianMixture

    images, _ = load_digits_vectors()
    model = GaussianMixture(n_components=n_components, covariance_type="full", reg_covar=ridge,
                            random_state=seed, max_iter=200).fit(images.numpy())
    return GaussianMixtureDenoiser(torch.as_tensor(model.weights_), torch.as_tensor(model.means_),
                                   torch.as_tensor(model.covariances_))


class _EDMNet(torch.nn.Module):
    """F_theta(c_in x, c_noise): an MLP with a Fourier embedding of the noise level."""

    def __init__(self, dim: int, hidden: int, depth: int, embedding: int):
        super().__init__()
        self.register_buffer("frequencies", torch.randn(embedding // 2, generator=torch.Generator().manual_seed(0)) * 4)
        layers, width = [], dim + embedding
        for _ in range(depth):
            layers += [torch.nn.Linear(width, hidden), torch.nn.SiLU()]
            width = hidden
        layers.append(torch.nn.Linear(width, dim))
        self.body = torch.nn.Sequential(*layers)

    def forward(self, x: torch.Tensor, c_noise: torch.Tensor) -> torch.Tensor:
        angles = c_noise[:, None] * self.frequencies[None, :] * 2 * math.pi
        return self.body(torch.cat([x, torch.cos(angles), torch.sin(angles)], dim=-1))


class EDMDenoiser(torch.nn.Module):
    """An EDM-preconditioned MLP denoiser (Karras et al. 2022, Table 1).

    ``D(x; s) = c_skip x + c_out F(c_in x, c_noise)`` with ``c_skip = sd^2/(s^2 + sd^2)``,
    ``c_out = s sd / sqrt(s^2 + sd^2)``, ``c_in = 1/sqrt(s^2 + sd^2)``, ``c_noise = log(s)/4``.

    Parameters
    ----------
    dim : int
        Data dimension (64 for digits).
    sigma_data : float
        Standard deviation of the data.
    hidden, depth, embedding : int
        Width and number of hidden layers of the MLP, size of the noise embedding.

    Examples
    --------
    >>> import torch
    >>> net = EDMDenoiser(4, sigma_data=0.5, hidden=8, depth=1)
    >>> net(torch.zeros(2, 4), 1.0).shape
    torch.Size([2, 4])
    """

    def __init__(self, dim: int, sigma_data: float = 0.5, hidden: int = 256, depth: int = 3, embedding: int = 32):
        super().__init__()
        self.config = {"dim": int(dim), "sigma_data": float(sigma_data), "hidden": int(hidden),
                       "depth": int(depth), "embedding": int(embedding)}
        self.sigma_data = float(sigma_data)
        self.net = _EDMNet(dim, hidden, depth, embedding)

    @property
    def dim(self) -> int:
        """The data dimension.

        Examples
        --------
        >>> EDMDenoiser(4, hidden=8, depth=1).dim
        4
        """
        return self.config["dim"]

    def forward(self, x: torch.Tensor, sigma) -> torch.Tensor:
        """``D(x; sigma)``; ``sigma`` a float or a tensor of shape ``(batch,)``.

        Examples
        --------
        >>> import torch
        >>> net = EDMDenoiser(2, hidden=8, depth=1)
        >>> net(torch.zeros(3, 2), torch.tensor([0.1, 1.0, 10.0])).shape
        torch.Size([3, 2])
        """
        x = _as_batch(x, self.dim)
        param = next(self.parameters())
        batch = x.reshape(-1, self.dim).to(param.dtype)
        s = torch.as_tensor(sigma, dtype=param.dtype, device=param.device).reshape(-1)
        s = s.expand(batch.shape[0]).clamp(min=1e-6)
        sd = self.sigma_data
        c_skip = sd**2 / (s**2 + sd**2)
        c_out = s * sd / torch.sqrt(s**2 + sd**2)
        c_in = 1 / torch.sqrt(s**2 + sd**2)
        out = c_skip[:, None] * batch + c_out[:, None] * self.net(c_in[:, None] * batch, torch.log(s) / 4)
        return out.reshape(x.shape).to(x.dtype)

    def save(self, path: str | os.PathLike) -> Path:
        """Write the configuration and weights to a local file (``torch.save``).

        Examples
        --------
        >>> import tempfile, pathlib, torch
        >>> net = EDMDenoiser(2, hidden=8, depth=1)
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     again = load_edm_denoiser(net.save(pathlib.Path(tmp) / "m.pt"))
        >>> bool(torch.equal(again(torch.ones(1, 2), 0.5), net(torch.ones(1, 2), 0.5)))
        True
        """
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        torch.save({"format": "lincomb-edm-denoiser", "config": self.config,
                    "state_dict": {k: v.cpu() for k, v in self.state_dict().items()}}, target)
        return target


def load_edm_denoiser(path: str | os.PathLike, device: str = "cpu") -> EDMDenoiser:
    """Reload an :class:`EDMDenoiser` written by :meth:`EDMDenoiser.save`.

    Raises
    ------
    lincomb.errors.UsageError
        When the file is missing or is not such a model.

    Examples
    --------
    >>> load_edm_denoiser("/no/such/model.pt")
    Traceback (most recent call last):
    ...
    lincomb.errors.UsageError: model file /no/such/model.pt does not exist; train one with train_edm_denoiser(...).save(path)
    """
    target = Path(path)
    if not target.is_file():
        raise UsageError(f"model file {target} does not exist; train one with train_edm_denoiser(...).save(path)")
    expected = "expected a lincomb EDM denoiser file written by EDMDenoiser.save (a torch file of tensors and plain data)"
    try:
        record = torch.load(target, map_location=device, weights_only=True)
    except Exception as exc:  # noqa: BLE001 - any unreadable file is a usage error
        # torch's message is a long paragraph about weights_only: name the file, the cause and the format, in one line.
        raise UsageError(f"model file {target}: cannot be read as a model ({type(exc).__name__}); {expected}") from None
    if not isinstance(record, dict) or record.get("format") != "lincomb-edm-denoiser":
        raise UsageError(f"model file {target}: is not a lincomb EDM denoiser file; {expected}")
    try:
        model = EDMDenoiser(**record["config"])
        model.load_state_dict(record["state_dict"])
    except Exception as exc:  # noqa: BLE001 - a damaged or mismatched record is a usage error
        raise UsageError(f"model file {target}: its configuration or weights do not fit ({type(exc).__name__}); {expected}") from None
    return model.to(device).eval()


def train_edm_denoiser(data: torch.Tensor, *, steps: int = 4000, batch_size: int = 256, lr: float = 2e-3,
                       hidden: int = 256, depth: int = 3, seed: int = 0, device: str = "cpu",
                       progress: Callable[[str], None] | None = None) -> EDMDenoiser:
    """Train an :class:`EDMDenoiser` with the EDM loss.

    ``ln sigma ~ N(-1.2, 1.2^2)``, loss weight ``(s^2 + sd^2)/(s sd)^2``, Adam with cosine decay.
    On the 1797 digits, 4000 steps take a few minutes on one CPU core.

    Parameters
    ----------
    data : torch.Tensor
        ``(n, dim)`` training vectors.
    steps, batch_size, lr, hidden, depth : int or float
    seed : int
        Fixes initialisation and the noise draws.
    device : str
        ``"cpu"`` or ``"cuda"``.
    progress : callable, optional
        Called with a line every 500 steps.

    Examples
    --------
    >>> import torch
    >>> data = torch.randn(64, 3, generator=torch.Generator().manual_seed(0))
    >>> net = train_edm_denoiser(data, steps=5, batch_size=16, hidden=16, depth=1)
    >>> net.dim, net.training
    (3, False)
    """
    if data.ndim != 2 or data.shape[0] < 2:
        raise ShapeError(f"training data must be (n, dim) with n >= 2, got {tuple(data.shape)}")
    torch.manual_seed(seed)
    generator = torch.Generator(device=device).manual_seed(seed)
    data = data.to(device=device, dtype=torch.float32)
    model = EDMDenoiser(data.shape[1], sigma_data=float(data.std()), hidden=hidden, depth=depth).to(device)
    optimiser = torch.optim.Adam(model.parameters(), lr=lr)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimiser, max(steps, 1))
    sd = model.sigma_data
    start = time.perf_counter()
    model.train()
    for step in range(steps):
        index = torch.randint(0, data.shape[0], (batch_size,), generator=generator, device=device)
        clean = data[index]
        sigma = torch.exp(-1.2 + 1.2 * torch.randn(batch_size, generator=generator, device=device))
        noisy = clean + sigma[:, None] * torch.randn(clean.shape, generator=generator, device=device)
        weight = (sigma**2 + sd**2) / (sigma * sd) ** 2
        loss = (weight[:, None] * (model(noisy, sigma) - clean) ** 2).mean()
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        schedule.step()
        if progress is not None and (step + 1) % 500 == 0:
            progress(f"step {step + 1}/{steps}: loss {loss.item():.4f} ({time.perf_counter() - start:.0f} s)")
    return model.eval()
