"""Kernel similarity matching (Luther & Seung 2022) with learned landmarks, and its baselines.

Goal: outputs ``y_t in R^k`` whose inner products match a kernel, ``Y Y^T ~ K``.

* :class:`KernelSimilarityMatching` -- the Hebbian network: feedforward drive ``q_i f(x, w_i)``
  from a *learned* landmark ``w_i`` per neuron, lateral weights L, output
  ``y = (L + lambda I)^{-1} (q * f(x, W))``; full-batch updates
  ``dq ~ <y f(x,w)> - q f(w,w)``, ``dw_i ~ (q_i <y_i grad_w f(x, w_i)> - q_i^2 grad f(w_i, w_i)/2) / q_i^2``,
  ``dL ~ C_yy - L``.  At a fixed point of q, ``q_i = f(w_i, w_i)^+ <y_i f(x, w_i)>``: the rank-1
  Nystrom coefficient of landmark ``w_i`` (:func:`lincomb.theory.sparse_coding.ksm_rank1_bound`
  proves the bound behind it exactly).
* Baselines: :class:`NystromApproximation` with random or k-means landmarks, and
  :class:`RandomFourierFeatures` (Gaussian kernel).
* :func:`relative_kernel_error` ``||K - Y Y^T||_F / ||K||_F``.

Kernels: :class:`GaussianKernel` ``exp(-||x - y||^2 / (2 sigma^2))`` and :class:`PolynomialKernel`
``(c + x.y)^p`` (exact at rational points, used by the exact check).  numpy only (no torch).

Examples
--------
>>> import numpy as np
>>> from sklearn.datasets import make_moons
>>> x, _ = make_moons(200, noise=0.05, random_state=0)
>>> kernel = GaussianKernel(0.3)
>>> ksm = KernelSimilarityMatching(8, kernel, iterations=300, seed=0).fit(x)
>>> nystrom = NystromApproximation(8, kernel, landmarks="random", seed=0).fit(x)
>>> K = kernel(x, x)
>>> relative_kernel_error(K, ksm.transform(x)) < 1, relative_kernel_error(K, nystrom.transform(x)) < 1
(True, True)
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from lincomb.errors import ShapeError, UsageError

__all__ = [
    "GaussianKernel",
    "KernelSimilarityMatching",
    "NystromApproximation",
    "PolynomialKernel",
    "RandomFourierFeatures",
    "relative_kernel_error",
]


def _as_matrix(x, what: str) -> np.ndarray:
    array = np.asarray(x, dtype=np.float64)
    if array.ndim != 2:
        raise ShapeError(f"{what} must be a 2-d array (samples x features), got shape {array.shape}")
    return array


class GaussianKernel:
    """``f(x, y) = exp(-||x - y||^2 / (2 sigma^2))``.

    Examples
    --------
    >>> GaussianKernel(1.0)(np.zeros((1, 2)), np.ones((1, 2))).round(4).tolist()
    [[0.3679]]
    """

    def __init__(self, sigma: float):
        if not sigma > 0:
            raise UsageError(f"sigma must be positive, got {sigma}")
        self.sigma = float(sigma)

    def __call__(self, x, y) -> np.ndarray:
        x, y = _as_matrix(x, "x"), _as_matrix(y, "y")
        squared = (x**2).sum(1)[:, None] + (y**2).sum(1)[None, :] - 2 * x @ y.T
        return np.exp(-np.maximum(squared, 0.0) / (2 * self.sigma**2))

    def self_similarity(self, w) -> np.ndarray:
        """``f(w_i, w_i)`` for each row (1 for the Gaussian kernel).

        Examples
        --------
        >>> GaussianKernel(0.5).self_similarity(np.ones((3, 2))).tolist()
        [1.0, 1.0, 1.0]
        """
        return np.ones(len(_as_matrix(w, "w")))

    def landmark_gradient(self, x, w, weights, features=None) -> np.ndarray:
        """``sum_t weights[t, i] grad_{w_i} f(x_t, w_i)`` for every landmark i, (k, n).

        ``features``, if given, must be ``self(x, w)``; passing it saves recomputing it.

        Examples
        --------
        >>> GaussianKernel(1.0).landmark_gradient(np.array([[1.0, 0.0]]), np.zeros((1, 2)), np.ones((1, 1))).round(4).tolist()
        [[0.6065, 0.0]]
        """
        x, w = _as_matrix(x, "x"), _as_matrix(w, "w")
        f = (self(x, w) if features is None else features) * weights  # (T, k)
        return (f.T @ x - f.sum(0)[:, None] * w) / self.sigma**2

    def self_gradient(self, w) -> np.ndarray:
        """``grad f(w, w)`` (zero for the Gaussian kernel).

        Examples
        --------
        >>> GaussianKernel(1.0).self_gradient(np.ones((2, 3))).tolist()
        [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]
        """
        return np.zeros_like(_as_matrix(w, "w"))


class PolynomialKernel:
    """``f(x, y) = (c + x . y)^p`` (c >= 0, integer p >= 1): positive semidefinite, exact at rationals.

    Examples
    --------
    >>> PolynomialKernel(1, 2)(np.array([[1.0, 2.0]]), np.array([[0.5, 0.0]])).tolist()
    [[2.25]]
    """

    def __init__(self, offset: float = 1.0, degree: int = 2):
        if offset < 0 or int(degree) != degree or degree < 1:
            raise UsageError(f"need offset >= 0 and an integer degree >= 1, got {offset}, {degree}")
        self.offset, self.degree = float(offset), int(degree)

    def __call__(self, x, y) -> np.ndarray:
        return (self.offset + _as_matrix(x, "x") @ _as_matrix(y, "y").T) ** self.degree

    def self_similarity(self, w) -> np.ndarray:
        """``f(w_i, w_i)`` per row.

        Examples
        --------
        >>> PolynomialKernel(1, 2).self_similarity(np.array([[1.0, 1.0]])).tolist()
        [9.0]
        """
        w = _as_matrix(w, "w")
        return (self.offset + (w**2).sum(1)) ** self.degree

    def landmark_gradient(self, x, w, weights, features=None) -> np.ndarray:
        """``sum_t weights[t, i] grad_{w_i} f(x_t, w_i)``, (k, n).

        ``features`` is accepted for the same signature as :meth:`GaussianKernel.landmark_gradient`
        and unused: the polynomial gradient needs ``c + x . w``, not ``f``.

        Examples
        --------
        >>> PolynomialKernel(0, 2).landmark_gradient(np.array([[1.0, 0.0]]), np.array([[2.0, 0.0]]), np.ones((1, 1))).tolist()
        [[4.0, 0.0]]
        """
        x, w = _as_matrix(x, "x"), _as_matrix(w, "w")
        inner = self.offset + x @ w.T
        return ((self.degree * inner ** (self.degree - 1)) * weights).T @ x

    def self_gradient(self, w) -> np.ndarray:
        """``grad_w f(w, w) = 2 p (c + |w|^2)^(p-1) w``.

        Examples
        --------
        >>> PolynomialKernel(0, 2).self_gradient(np.array([[1.0, 0.0]])).tolist()
        [[4.0, 0.0]]
        """
        w = _as_matrix(w, "w")
        return 2 * self.degree * ((self.offset + (w**2).sum(1)) ** (self.degree - 1))[:, None] * w


def relative_kernel_error(kernel_matrix, features) -> float:
    """``||K - Y Y^T||_F / ||K||_F`` for features Y (samples x components).

    Examples
    --------
    >>> relative_kernel_error(np.eye(2), np.eye(2)), relative_kernel_error(np.eye(2), np.zeros((2, 1)))
    (0.0, 1.0)
    """
    k = np.asarray(kernel_matrix, dtype=np.float64)
    y = np.asarray(features, dtype=np.float64)
    return float(np.linalg.norm(k - y @ y.T) / np.linalg.norm(k))


def _inverse_sqrt_psd(matrix: np.ndarray, rcond: float = 1e-10) -> np.ndarray:
    values, vectors = np.linalg.eigh((matrix + matrix.T) / 2)
    keep = values > rcond * max(values.max(), 0.0)
    inv = np.zeros_like(values)
    inv[keep] = values[keep] ** -0.5
    return (vectors * inv) @ vectors.T


class NystromApproximation:
    """Nystrom features ``Y = f(X, W) f(W, W)^{-1/2}`` with random or k-means landmarks W.

    Parameters
    ----------
    n_components : int
    kernel : GaussianKernel or PolynomialKernel
    landmarks : {"random", "kmeans"}
    seed : int

    Examples
    --------
    >>> x = np.random.default_rng(0).normal(size=(50, 2))
    >>> ny = NystromApproximation(50, GaussianKernel(1.0), seed=0).fit(x)   # all points: exact
    >>> relative_kernel_error(GaussianKernel(1.0)(x, x), ny.transform(x)) < 1e-6
    True
    """

    def __init__(self, n_components: int, kernel, landmarks: str = "random", seed: int = 0):
        if landmarks not in ("random", "kmeans"):
            raise UsageError(f"landmarks must be 'random' or 'kmeans', got {landmarks!r}")
        self.n_components, self.kernel, self.landmarks, self.seed = int(n_components), kernel, landmarks, seed

    def fit(self, x) -> "NystromApproximation":
        """Choose the landmarks and the whitening ``f(W, W)^{-1/2}``.

        Examples
        --------
        >>> NystromApproximation(3, GaussianKernel(1.0), "kmeans").fit(np.eye(4)).landmarks_.shape
        (3, 4)
        """
        x = _as_matrix(x, "x")
        if not 1 <= self.n_components <= len(x):
            raise UsageError(f"n_components must be between 1 and the {len(x)} samples, got {self.n_components}")
        if self.landmarks == "random":
            rng = np.random.default_rng(self.seed)
            self.landmarks_ = x[rng.choice(len(x), self.n_components, replace=False)]
        else:
            from sklearn.cluster import KMeans

            km = KMeans(self.n_components, n_init=3, random_state=self.seed).fit(x)
            self.landmarks_ = km.cluster_centers_
        self.whitening_ = _inverse_sqrt_psd(self.kernel(self.landmarks_, self.landmarks_))
        return self

    def transform(self, x) -> np.ndarray:
        """The features, (samples x n_components).

        Examples
        --------
        >>> NystromApproximation(2, GaussianKernel(1.0)).fit(np.eye(3)).transform(np.eye(3)).shape
        (3, 2)
        """
        return self.kernel(x, self.landmarks_) @ self.whitening_


class RandomFourierFeatures:
    """Random Fourier features of the Gaussian kernel: ``sqrt(2/k) cos(x Omega + b)``.

    Examples
    --------
    >>> x = np.random.default_rng(0).normal(size=(20, 2))
    >>> rff = RandomFourierFeatures(4000, sigma=1.0, seed=0).fit(x)
    >>> relative_kernel_error(GaussianKernel(1.0)(x, x), rff.transform(x)) < 0.1
    True
    """

    def __init__(self, n_components: int, sigma: float, seed: int = 0):
        self.n_components, self.sigma, self.seed = int(n_components), float(sigma), seed

    def fit(self, x) -> "RandomFourierFeatures":
        """Draw the frequencies and phases.

        Examples
        --------
        >>> RandomFourierFeatures(5, 1.0).fit(np.zeros((3, 2))).frequencies_.shape
        (2, 5)
        """
        x = _as_matrix(x, "x")
        rng = np.random.default_rng(self.seed)
        self.frequencies_ = rng.normal(scale=1.0 / self.sigma, size=(x.shape[1], self.n_components))
        self.phases_ = rng.uniform(0, 2 * np.pi, size=self.n_components)
        return self

    def transform(self, x) -> np.ndarray:
        """The features, (samples x n_components).

        Examples
        --------
        >>> RandomFourierFeatures(3, 1.0).fit(np.zeros((2, 2))).transform(np.zeros((2, 2))).shape
        (2, 3)
        """
        return np.sqrt(2.0 / self.n_components) * np.cos(_as_matrix(x, "x") @ self.frequencies_ + self.phases_)


class KernelSimilarityMatching:
    """The KSM Hebbian network with learned landmarks w, feedforward gains q and lateral weights L.

    Parameters
    ----------
    n_components : int
        Output neurons k.
    kernel : GaussianKernel or PolynomialKernel
    iterations : int
        Full-batch update steps.
    rates : tuple of float
        Step sizes ``(eta_w, eta_q, eta_L)``.
    ridge : float
        ``lambda`` in ``(L + lambda I)^{-1}``.
    seed : int
        Seeds the initial landmarks (random samples).

    Attributes
    ----------
    landmarks_, gains_, lateral_ : ndarray
        W (k x n), q (k), L (k x k) after :meth:`fit`.
    history_ : list of float
        ``||K - Y Y^T||_F / ||K||_F`` on the training data every 50 iterations (when recorded).

    Examples
    --------
    >>> x = np.random.default_rng(0).normal(size=(100, 2))
    >>> ksm = KernelSimilarityMatching(4, GaussianKernel(1.0), iterations=200).fit(x)
    >>> ksm.landmarks_.shape, ksm.gains_.shape, ksm.lateral_.shape, ksm.transform(x).shape
    ((4, 2), (4,), (4, 4), (100, 4))
    """

    def __init__(self, n_components: int, kernel, iterations: int = 2000, rates=(0.02, 0.2, 0.2),
                 ridge: float = 1e-6, seed: int = 0, record: bool = False):
        self.n_components, self.kernel, self.iterations = int(n_components), kernel, int(iterations)
        self.rates, self.ridge, self.seed, self.record = tuple(rates), float(ridge), seed, record

    def _outputs(self, drive: np.ndarray) -> np.ndarray:
        # y_t = (L + lambda I)^{-1} (q * f(x_t, W)); L is symmetric, so solve for all rows at once.
        system = self.lateral_ + self.ridge * np.eye(self.n_components)
        return np.linalg.solve(system, drive.T).T

    def fit(self, x) -> "KernelSimilarityMatching":
        """Run the full-batch Hebbian/anti-Hebbian updates.

        Examples
        --------
        >>> x = np.random.default_rng(1).normal(size=(60, 2))
        >>> ksm = KernelSimilarityMatching(3, GaussianKernel(1.0), iterations=50).fit(x)
        >>> bool(np.all(np.linalg.eigvalsh(ksm.lateral_) > 0))
        True
        """
        x = _as_matrix(x, "x")
        if not 1 <= self.n_components <= len(x):
            raise UsageError(f"n_components must be between 1 and the {len(x)} samples, got {self.n_components}")
        rng = np.random.default_rng(self.seed)
        eta_w, eta_q, eta_l = self.rates
        count = len(x)
        self.landmarks_ = x[rng.choice(count, self.n_components, replace=False)].copy()
        # Start at the fixed point of q and L of independent neurons (no cross terms):
        # L_ii = <f_i^2> / f(w_i, w_i) and q_i = <f_i^2> / f(w_i, w_i)^(3/2), so that the early
        # iterations refine landmarks and decorrelate instead of finding the scale.
        features = self.kernel(x, self.landmarks_)
        self_sim = self.kernel.self_similarity(self.landmarks_)
        self.gains_ = (features**2).mean(0) / self_sim**1.5
        self.lateral_ = np.diag((features**2).mean(0) / self_sim)
        self.history_ = []
        for step in range(self.iterations):
            features = self.kernel(x, self.landmarks_)
            outputs = self._outputs(features * self.gains_)
            correlation = (outputs * features).mean(0)  # <y_i f(x, w_i)>
            self_sim = self.kernel.self_similarity(self.landmarks_)
            gradient_w = self.kernel.landmark_gradient(x, self.landmarks_, outputs, features=features) / count
            gains_sq = np.maximum(self.gains_**2, 1e-12)
            self.landmarks_ += eta_w * (
                self.gains_[:, None] * gradient_w - 0.5 * gains_sq[:, None] * self.kernel.self_gradient(self.landmarks_)
            ) / gains_sq[:, None]
            self.gains_ += eta_q * (correlation - self.gains_ * self_sim)
            covariance = outputs.T @ outputs / count
            self.lateral_ += eta_l * (covariance - self.lateral_)
            if self.record and step % 50 == 0:
                self.history_.append(relative_kernel_error(self.kernel(x, x), outputs))
        return self

    def transform(self, x) -> np.ndarray:
        """The network's outputs ``(L + lambda I)^{-1} (q * f(x, W))``, (samples x k).

        Examples
        --------
        >>> x = np.random.default_rng(2).normal(size=(30, 2))
        >>> KernelSimilarityMatching(2, GaussianKernel(1.0), iterations=10).fit(x).transform(x[:5]).shape
        (5, 2)
        """
        return self._outputs(self.kernel(x, self.landmarks_) * self.gains_)

    def rank1_nystrom_gains(self, x) -> np.ndarray:
        """``f(w_i, w_i)^+ <y_i f(x, w_i)>`` per neuron: the q that maximises each neuron's bound.

        At a fixed point of the q-update it equals ``gains_``.

        Examples
        --------
        >>> x = np.random.default_rng(3).normal(size=(80, 2))
        >>> ksm = KernelSimilarityMatching(3, GaussianKernel(1.0), iterations=3000).fit(x)
        >>> bool(np.allclose(ksm.rank1_nystrom_gains(x), ksm.gains_, rtol=1e-3))
        True
        """
        features = self.kernel(x, self.landmarks_)
        outputs = self._outputs(features * self.gains_)
        self_sim = self.kernel.self_similarity(self.landmarks_)
        return np.where(self_sim > 0, (outputs * features).mean(0) / np.where(self_sim > 0, self_sim, 1), 0.0)

    def to_sympy(self):
        """Each neuron's feedforward drive ``q_i f(x, w_i)`` as a sympy expression in x0, x1, ...

        The learned float64 numbers enter as the exact rationals they are (no rounding).

        Examples
        --------
        >>> ksm = KernelSimilarityMatching(1, PolynomialKernel(1, 1), iterations=0).fit(np.array([[0.5, 0.25]]))
        >>> ksm.gains_ = np.array([2.0])
        >>> ksm.to_sympy()
        [x0 + x1/2 + 2]
        """
        import sympy

        dimension = self.landmarks_.shape[1]
        xs = sympy.symbols(f"x0:{dimension}")

        def exact(v):
            f = Fraction(float(v))
            return sympy.Rational(f.numerator, f.denominator)

        drives = []
        for w, q in zip(self.landmarks_, self.gains_):
            if isinstance(self.kernel, GaussianKernel):
                distance = sum((xi - exact(wi)) ** 2 for xi, wi in zip(xs, w))
                f = sympy.exp(-distance / (2 * exact(self.kernel.sigma) ** 2))
            else:
                inner = exact(self.kernel.offset) + sum(xi * exact(wi) for xi, wi in zip(xs, w))
                f = inner**self.kernel.degree
            drives.append(exact(q) * f)
        return drives

    def exact_export(self) -> dict:
        """Landmarks, gains and lateral weights as exact rational strings ``"p/q"``.

        Examples
        --------
        >>> ksm = KernelSimilarityMatching(1, PolynomialKernel(1, 1), iterations=0).fit(np.array([[0.5, 0.25]]))
        >>> ksm.exact_export()["landmarks"]
        [['1/2', '1/4']]
        """
        from lincomb.theory.rationals import rational_str

        def rows(a):
            return [[rational_str(Fraction(float(v))) for v in row] for row in np.atleast_2d(a)]

        return {"landmarks": rows(self.landmarks_), "gains": rows(self.gains_)[0], "lateral": rows(self.lateral_)}
