"""What every equation learner of lincomb shares: derivatives from data, and the sklearn-style interface.

**Derivatives.**  Both learners fit ``x'(t) = f(x(t))`` to *estimated* derivatives.  They are
estimated by smoothed finite differences: a Savitzky-Golay filter (local cubic least-squares fits,
scipy's ``savgol_filter``) gives both the smoothed states and their derivatives.  Its window is
chosen per column from the data: the noise variance is estimated from the residual of a short
window, and the window is widened while the residual stays within 10 % of what pure noise would
leave (a wider window would start to flatten the signal).  Noise-free data thus get a short window
(7 points), noisy data up to 401 points.  ``window`` fixes it instead.  The samples within half a
window of either end are dropped (the filter is less accurate there).  Non-uniform sample times use
second-order finite differences (``numpy.gradient``) without smoothing.

**Interface.**  :class:`ODERegressorBase` gives ``fit(t, X)`` (one trajectory, or lists of
trajectories), ``equations()`` (sympy, one right-hand side per variable), ``to_sympy()`` (the same),
``predict(X)`` (the learned vector field), ``simulate(x0, t)`` (scipy ``solve_ivp`` of the learned
equations) and ``score(t, X)`` (R^2 of a simulated trajectory against ``X``).  Subclasses implement
``_fit_equations(X, dX)``.

Examples
--------
>>> t = np.linspace(0, 2, 201)
>>> X = np.c_[np.sin(t), np.cos(t)]
>>> Xs, dX = smoothed_derivatives(t, X)
>>> trim = (t.size - dX.shape[0]) // 2
>>> float(np.max(np.abs(dX - np.c_[np.cos(t), -np.sin(t)][trim:-trim]))) < 1e-6
True
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import sympy

from lincomb.errors import UsageError

from .data_validation import MIN_SAMPLES, validate_time_series

__all__ = ["ODERegressorBase", "choose_window", "is_monotone", "local_noise_variance", "smoothed_derivatives", "weak_form_rows", "weak_test_matrices",
           "weak_window"]

_WINDOWS = (7, 11, 15, 21, 31, 41, 61, 81, 121, 161, 201, 251, 301, 401)
_POLYORDER = 3


def choose_window(x: np.ndarray, polyorder: int = _POLYORDER, factor: float = 1.1) -> int:
    """Savitzky-Golay window for one column, from its estimated noise (see the module text).

    Examples
    --------
    >>> t = np.linspace(0, 10, 2001)
    >>> choose_window(np.sin(t)) <= 21
    True
    >>> choose_window(np.sin(t) + 0.05 * np.random.default_rng(0).standard_normal(t.size)) > 100
    True
    """
    x = np.asarray(x, dtype=float)
    limit = max(7, (x.size // 4) | 1)
    short = _WINDOWS[0]
    center, residual = _savgol_residual(x, short, polyorder)
    noise_variance = np.mean(residual**2) / (1.0 - center)
    floor = 1e-14 * np.mean(x**2)  # round-off: noise-free data keep the short window
    best = short
    for window in _WINDOWS[1:]:
        if window > limit:
            break
        center, residual = _savgol_residual(x, window, polyorder)
        if residual.size == 0 or np.mean(residual**2) > factor * noise_variance * (1.0 - center) + floor:
            break
        best = window
    return best


def _savgol_residual(x: np.ndarray, window: int, polyorder: int) -> tuple[float, np.ndarray]:
    """Savitzky-Golay smoothing in numpy (the interior only, which is all :func:`choose_window` uses):
    the centre weight and the residual ``x - smoothed`` on ``x[window:-window]``.

    (scipy's ``savgol_filter`` gives the same values there; importing ``scipy.signal`` costs seconds.)
    """
    half = window // 2
    positions = np.arange(-half, half + 1, dtype=float)
    weights = np.linalg.pinv(np.vander(positions, polyorder + 1, increasing=True))[0]
    if x.size < 2 * window + 1:
        return float(weights[half]), np.zeros(0)
    smoothed = np.convolve(x, weights[::-1], mode="valid")  # smoothed[i] is centred at x[i + half]
    return float(weights[half]), x[window:-window] - smoothed[window - half: x.size - window - half]


def smoothed_derivatives(t, X, window: int | None = None, return_window: bool = False):
    """Smoothed states and their time derivatives, with the unreliable ends dropped.

    Parameters
    ----------
    t : array_like, shape (n,)
        Sample times (validated: finite, strictly increasing).
    X : array_like, shape (n, d)
        States.
    window : int, optional
        Odd Savitzky-Golay window for every column (default: chosen per column by
        :func:`choose_window`).

    return_window : bool
        Also return the longest window used (1 for non-uniform times): neighbouring derivative
        estimates share that many samples, so their errors are correlated over about that span.

    Returns
    -------
    (X_smooth, dX) : arrays of shape (m, d), m = n minus the trimmed ends; with
    ``return_window`` also the window.

    Examples
    --------
    >>> t = np.linspace(0, 1, 50)
    >>> Xs, dX = smoothed_derivatives(t, t[:, None] ** 2, window=7)
    >>> Xs.shape, bool(np.allclose(dX[:, 0], 2 * t[3:-3]))
    ((44, 1), True)
    """
    from scipy.signal import savgol_filter

    t, X = validate_time_series(t, X, min_samples=MIN_SAMPLES)
    steps = np.diff(t)
    if not np.allclose(steps, steps[0], rtol=1e-6, atol=0):
        result = (X, np.gradient(X, t, axis=0, edge_order=2))
        return (*result, 1) if return_window else result
    if window is not None and (window < 5 or window % 2 == 0):
        raise UsageError(f"window must be an odd integer >= 5, got {window}")
    windows = [window or choose_window(X[:, i]) for i in range(X.shape[1])]
    if max(windows) >= X.shape[0]:
        raise UsageError(f"window {max(windows)} is longer than the {X.shape[0]} samples; give a shorter window")
    smooth = np.empty_like(X)
    derivative = np.empty_like(X)
    for i, w in enumerate(windows):
        smooth[:, i] = savgol_filter(X[:, i], w, _POLYORDER)
        derivative[:, i] = savgol_filter(X[:, i], w, _POLYORDER, deriv=1, delta=steps[0])
    trim = max(windows) // 2
    if return_window:
        return smooth[trim:-trim], derivative[trim:-trim], max(windows)
    return smooth[trim:-trim], derivative[trim:-trim]


def weak_form_rows(t, x, values, window: int = 101, order: int = 4):
    """Rows of the weak (integral) form of ``x' = sum_k w_k m_k(x)`` on one trajectory.

    For test functions ``phi(t) = (1 - s**2)**order`` (``s`` maps the support to [-1, 1]) supported on
    ``window`` consecutive samples, at a stride of a quarter window, integration by parts gives
    ``-integral phi' x dt = sum_k w_k integral phi m_k(x) dt`` (``phi`` vanishes at both ends), so no
    derivative of the data is taken.  Both integrals use the trapezoid rule on the samples.  Noise in
    ``x`` enters only through these weighted averages: it is averaged out over the support instead of
    being differentiated, and (unlike a cumulative integral from ``t_0``) errors do not accumulate
    along the trajectory.

    Parameters
    ----------
    t : array_like, shape (n,)
        Sample times (increasing).
    x : array_like, shape (n,) or (n, d)
        The state whose derivative is modelled (raw data), or several states: then ``b`` has one
        column per state, and the rows ``A`` (the same for all of them) are computed once.
    values : array_like, shape (n, k)
        The terms ``m_k`` evaluated on the samples.
    window : int
        Samples per test function (clipped to ``n``); at least 5.
    order : int
        Exponent of the test functions (>= 2, so that ``phi'`` vanishes at the ends too).

    Returns
    -------
    (A, b) : arrays of shape (rows, k) and (rows,) (or (rows, d)) with ``A w ~ b``.

    Examples
    --------
    >>> t = np.linspace(0, 2, 401)
    >>> x = np.exp(-3 * t)
    >>> A, b = weak_form_rows(t, x, x[:, None], window=41)
    >>> round(float(np.linalg.lstsq(A, b, rcond=None)[0][0]), 4)
    -3.0
    >>> A2, b2 = weak_form_rows(t, np.c_[x, 2 * x], x[:, None], window=41)     # two states, rows shared
    >>> b2.shape, bool(np.allclose(A2, A) and np.allclose(b2[:, 1], 2 * b))
    ((37, 2), True)
    """
    x = np.asarray(x, dtype=float)
    values = np.asarray(values, dtype=float)
    test, derivative = weak_test_matrices(t, window, order)
    return test @ values, -(derivative @ x)


def weak_test_matrices(t, window: int = 101, order: int = 4, stride: int | None = None):
    """The matrices ``(Phi, dPhi)`` of :func:`weak_form_rows`: ``A = Phi @ values``, ``b = -dPhi @ x``.

    Test functions start every ``stride`` samples (default a quarter of the window).  Row ``r`` holds
    the trapezoid weights times the test function ``phi_r`` (resp. its derivative) at the samples, so a term's weak-form row is one matrix product: the library's units (and a unit
    whose inner parameter is being refined) are integrated without rebuilding anything.

    Examples
    --------
    >>> Phi, dPhi = weak_test_matrices(np.linspace(0, 1, 41), window=21)
    >>> Phi.shape, bool(abs(dPhi.sum()) < 1e-12)
    ((5, 41), True)
    """
    t = np.asarray(t, dtype=float)
    if int(window) != window or window < 5:
        raise UsageError(f"weak-form window must be an integer >= 5 samples, got {window!r}")
    if order < 2:
        raise UsageError(f"weak-form test function order must be >= 2, got {order!r}")
    window = min(int(window), t.size)
    stride = max(1, window // 4) if stride is None else max(1, int(stride))
    starts = list(range(0, t.size - window + 1, stride))
    test = np.zeros((len(starts), t.size))
    derivative = np.zeros((len(starts), t.size))
    for r, start in enumerate(starts):
        piece = slice(start, start + window)
        tk = t[piece]
        half = (tk[-1] - tk[0]) / 2.0
        s = (tk - tk[0]) / half - 1.0
        phi = (1.0 - s**2) ** order
        dphi = -2.0 * order * s * (1.0 - s**2) ** (order - 1) / half
        steps = np.diff(tk)
        weights = np.zeros(tk.size)  # trapezoid weights
        weights[:-1] += steps / 2.0
        weights[1:] += steps / 2.0
        test[r, piece] = weights * phi
        derivative[r, piece] = weights * dphi
    return test, derivative


def local_noise_variance(X, window: int = 15, t=None) -> np.ndarray:
    """The noise variance of each sample, estimated locally: (n, d) like ``X``.

    The residual of a short Savitzky-Golay fit (7 samples, cubic) is mostly noise; its square,
    corrected for the part of the noise the fit absorbs, is averaged over ``window`` samples.  This
    follows noise whose size changes along the trajectory (multiplicative noise ``x (1 + g e)``: large
    where ``|x|`` is large), which the weak form's rows then weigh by (see
    :class:`~lincomb.learn.symreg.SymbolicODERegressor`).  The ends copy the nearest estimate.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = np.linspace(1, 10, 2000)
    >>> v = local_noise_variance((x * (1 + 0.01 * rng.standard_normal(x.size)))[:, None])
    >>> bool(3 < np.sqrt(v[-100:].mean() / v[:100].mean()) < 30)
    True
    """
    X = np.asarray(X, dtype=float)
    if X.ndim == 1:
        X = X[:, None]
    n, d = X.shape
    short = _WINDOWS[0]
    result = np.empty_like(X)
    if t is not None and n >= 3 and not _uniform(t):
        # Irregular times: the residual of linear interpolation between the two neighbours, in
        # time (a filter on the sample index would read the irregular spacing as noise).
        t = np.asarray(t, dtype=float)
        left, right = t[1:-1] - t[:-2], t[2:] - t[1:-1]
        a, b = right / (left + right), left / (left + right)
        kernel = np.ones(window) / window
        for j in range(d):
            residual = X[1:-1, j] - a * X[:-2, j] - b * X[2:, j]
            squares = residual**2 / (1.0 + a**2 + b**2)
            if squares.size >= window:
                squares = np.convolve(squares, kernel, mode="same")
            result[1:-1, j] = squares
            result[0, j], result[-1, j] = squares[0], squares[-1]
        return result
    if n < 2 * short + 1:
        result[:] = np.var(X, axis=0) * 1e-4
        return result
    kernel = np.ones(window) / window
    for j in range(d):
        center, residual = _savgol_residual(X[:, j], short, _POLYORDER)
        squares = residual**2 / (1.0 - center)
        if squares.size >= window:
            squares = np.convolve(squares, kernel, mode="same")
        padded = np.empty(n)
        padded[short:n - short] = squares
        padded[:short] = squares[0]
        padded[n - short:] = squares[-1]
        result[:, j] = padded
    return result


def _uniform(t) -> bool:
    steps = np.diff(np.asarray(t, dtype=float))
    return bool(np.allclose(steps, steps[0], rtol=1e-6, atol=0))


def weak_window(t, X) -> int:
    """The weak form's test-function support (in samples) for one trajectory, chosen from its noise.

    The Savitzky-Golay window of :func:`choose_window` is the widest local cubic fit that does not
    flatten the signal beyond what the estimated noise explains; the test functions get that support,
    at least 15 samples and at most 1/25 of the trajectory (so that there are at least about 100
    overlapping test functions, about 50 independent ones: with fewer, the criterion cannot tell a
    small true term from a spurious one).
    Noise-free data thus get short supports (many nearly independent rows), noisy data long ones
    (the noise is averaged over more samples).

    Examples
    --------
    >>> t = np.linspace(0, 10, 2001)
    >>> weak_window(t, np.c_[np.sin(t)]) <= 21
    True
    >>> weak_window(t, np.c_[np.sin(t) + 0.05 * np.random.default_rng(0).standard_normal(t.size)])
    80
    """
    t = np.asarray(t, dtype=float)
    X = np.asarray(X, dtype=float)
    if X.ndim == 1:
        X = X[:, None]
    n = X.shape[0]
    upper = max(15, n // 25)
    if n < 2 * _WINDOWS[0] + 1:
        return max(5, min(upper, n))
    if not _uniform(t):  # the noise-based rule assumes equal steps; irregular times get the shortest support
        return int(min(upper, 15))
    smoothing = max(choose_window(X[:, i]) for i in range(X.shape[1]))
    return int(min(upper, max(15, smoothing)))


def is_monotone(X, t=None, blocks: int = 10, z: float = 3.0, variance=None) -> bool:
    """Whether every state of a trajectory moves one way only, up to its noise (a relaxing trajectory).

    The samples are cut into ``blocks`` contiguous blocks.  A state *rises* when some block's mean
    exceeds an earlier block's by more than ``z`` standard errors of the difference (the noise
    variance from :func:`local_noise_variance`; differences below 1e-6 of the state's range count as
    none), and *falls* likewise; it is monotone unless it does both.  A one-state autonomous system
    always relaxes monotonically; so do many kinetics (a substrate consumed, a product formed), while
    oscillating and chaotic trajectories rise and fall.  ``variance`` is the noise variance per sample
    when already computed (default :func:`local_noise_variance` of ``X``).

    Examples
    --------
    >>> t = np.linspace(0, 10, 400)
    >>> rng = np.random.default_rng(0)
    >>> noisy = lambda x: x * (1 + 0.05 * rng.standard_normal(x.shape))
    >>> is_monotone(noisy(np.c_[1 - 0.5 * np.exp(-t)]), t), is_monotone(noisy(np.c_[2 + np.sin(t)]), t)
    (True, False)
    """
    X = np.asarray(X, dtype=float)
    if X.ndim == 1:
        X = X[:, None]
    n = X.shape[0]
    if n < 2 * blocks:
        return False
    variance = local_noise_variance(X, t=t) if variance is None else np.asarray(variance, dtype=float)
    parts = np.array_split(np.arange(n), blocks)
    means = np.array([X[p].mean(axis=0) for p in parts])
    errors = np.array([variance[p].mean(axis=0) / p.size for p in parts])
    change = means[None, :, :] - means[:, None, :]  # [i, j]: block j's mean minus block i's
    floor = 1e-6 * (X.max(axis=0) - X.min(axis=0))
    threshold = np.maximum(z * np.sqrt(errors[None, :, :] + errors[:, None, :]), floor)
    later = np.triu(np.ones((blocks, blocks), dtype=bool), 1)[:, :, None]
    rises = np.any(later & (change > threshold), axis=(0, 1))
    falls = np.any(later & (-change > threshold), axis=(0, 1))
    return not bool(np.any(rises & falls))


def _trajectories(t, X) -> list[tuple[np.ndarray, np.ndarray]]:
    """Pairs (t, X): one trajectory, or lists of them (t may be one array shared by all)."""
    if isinstance(X, (list, tuple)) and X and np.ndim(X[0]) == 2:
        times = t if isinstance(t, (list, tuple)) else [t] * len(X)
        if len(times) != len(X):
            raise UsageError(f"{len(times)} time arrays for {len(X)} trajectories; give one per trajectory")
        return list(zip(times, X))
    return [(t, X)]


class ODERegressorBase:
    """Shared part of the equation learners (see the module text); not used on its own.

    Fitted attributes: ``variables_`` (sympy symbols), ``equations_`` (sympy right-hand sides),
    ``n_samples_`` (derivative samples used), ``effective_samples_`` (samples divided by the
    smoothing window: roughly the number of independent derivative errors).

    Examples
    --------
    >>> from lincomb.learn.sindy import STLSQRegressor
    >>> issubclass(STLSQRegressor, ODERegressorBase)
    True
    """

    window: int | None = None

    def _uses_derivatives(self) -> bool:
        """Whether ``_fit_equations`` needs estimated derivatives (else it gets the raw states and NaN)."""
        return True

    def _fit_equations(self, X: np.ndarray, dX: np.ndarray) -> list[sympy.Expr]:  # pragma: no cover
        raise NotImplementedError

    def fit(self, t, X, names: Sequence[str] | None = None):
        """Learn ``x' = f(x)`` from one trajectory ``(t, X)`` or lists of trajectories.

        Parameters
        ----------
        t : array_like or list of array_like
            Sample times (one array shared by all trajectories, or one per trajectory).
        X : array_like of shape (n, d), or list of them
            States.
        names : sequence of str, optional
            Variable names (default ``x1, ..., xd``).

        Returns
        -------
        self

        Examples
        --------
        >>> from lincomb.learn.sindy import STLSQRegressor
        >>> t = np.linspace(0, 2, 401)
        >>> [e.evalf(6) for e in STLSQRegressor().fit(t, np.exp(-t)[:, None], names=["u"]).equations()]
        [-1.0*u]
        """
        pairs = _trajectories(t, X)
        smoothed, derivatives, raw = [], [], []
        independent = 0.0
        dimension = None
        for k, (tk, Xk) in enumerate(pairs):
            tk, Xk = validate_time_series(tk, Xk, names=names)
            if dimension is not None and Xk.shape[1] != dimension:
                raise UsageError(f"trajectory {k} has {Xk.shape[1]} columns, trajectory 0 has {dimension}")
            dimension = Xk.shape[1]
            if self._uses_derivatives():
                Xs, dXk, used = smoothed_derivatives(tk, Xk, window=self.window, return_window=True)
            else:  # a learner working on the raw data (the weak form) needs no derivative estimate
                Xs, dXk, used = Xk, np.full_like(Xk, np.nan), 1
            independent += Xs.shape[0] / used
            raw.append((tk, Xk))
            smoothed.append(Xs)
            derivatives.append(dXk)
        names = list(names) if names is not None else [f"x{i + 1}" for i in range(dimension)]
        self.variables_ = [sympy.Symbol(n) for n in names]
        Xs = np.vstack(smoothed)
        dX = np.vstack(derivatives)
        self._raw_trajectories = raw  # the validated data, for refits that need no derivatives
        self.n_samples_ = Xs.shape[0]
        self.effective_samples_ = max(1, int(round(independent)))
        self.equations_ = [sympy.sympify(e) for e in self._fit_equations(Xs, dX)]
        self._vector_field = sympy.lambdify(self.variables_, self.equations_, modules="numpy")
        return self

    def _check_fitted(self) -> None:
        if not hasattr(self, "equations_"):
            raise UsageError(f"this {type(self).__name__} is not fitted yet; call fit(t, X) first")

    def equations(self) -> list[sympy.Expr]:
        """The learned right-hand sides, one sympy expression per variable.

        Examples
        --------
        >>> from lincomb.learn.sindy import STLSQRegressor
        >>> STLSQRegressor().equations()
        Traceback (most recent call last):
        ...
        lincomb.errors.UsageError: this STLSQRegressor is not fitted yet; call fit(t, X) first
        """
        self._check_fitted()
        return list(self.equations_)

    def to_sympy(self) -> list[sympy.Expr]:
        """Same as :meth:`equations` (the PySINDy-style name used across lincomb).

        Examples
        --------
        >>> from lincomb.learn.sindy import STLSQRegressor
        >>> t = np.linspace(0, 2, 401)
        >>> [e.evalf(6) for e in STLSQRegressor().fit(t, np.exp(t)[:, None]).to_sympy()]
        [1.0*x1]
        """
        return self.equations()

    def predict(self, X) -> np.ndarray:
        """The learned vector field ``f(x)`` at the rows of ``X``.

        Examples
        --------
        >>> from lincomb.learn.sindy import STLSQRegressor
        >>> t = np.linspace(0, 2, 401)
        >>> model = STLSQRegressor().fit(t, np.exp(-t)[:, None])
        >>> np.round(model.predict([[2.0]]), 6)
        array([[-2.]])
        """
        self._check_fitted()
        X = np.atleast_2d(np.asarray(X, dtype=float))
        if X.shape[1] != len(self.variables_):
            raise UsageError(f"X has {X.shape[1]} columns, the model has {len(self.variables_)} variables")
        values = self._vector_field(*X.T)
        return np.column_stack([np.broadcast_to(np.asarray(v, dtype=float), (X.shape[0],)) for v in values])

    def simulate(self, x0, t) -> np.ndarray:
        """Integrate the learned equations from ``x0`` at the times ``t`` (rows after a blow-up are NaN).

        Examples
        --------
        >>> from lincomb.learn.sindy import STLSQRegressor
        >>> t = np.linspace(0, 2, 401)
        >>> model = STLSQRegressor().fit(t, np.exp(-t)[:, None])
        >>> np.round(model.simulate([1.0], [0.0, 1.0])[:, 0], 4)
        array([1.    , 0.3679])
        """
        from scipy.integrate import solve_ivp

        self._check_fitted()
        t = np.asarray(t, dtype=float)
        x0 = np.asarray(x0, dtype=float)
        if x0.shape != (len(self.variables_),):
            raise UsageError(f"x0 has shape {x0.shape}, expected ({len(self.variables_)},)")

        def field(_, x):
            return np.asarray(self._vector_field(*x), dtype=float).ravel()

        with np.errstate(all="ignore"):
            solution = solve_ivp(field, (t[0], t[-1]), x0, t_eval=t, method="LSODA", rtol=1e-8, atol=1e-8)
        result = np.full((t.size, x0.size), np.nan)
        result[: solution.y.shape[1]] = solution.y.T
        return result

    def score(self, t, X) -> float:
        """R^2 of the trajectory simulated from ``X[0]`` against ``X`` (1 is perfect).

        Examples
        --------
        >>> from lincomb.learn.sindy import STLSQRegressor
        >>> t = np.linspace(0, 2, 401)
        >>> X = np.exp(-t)[:, None]
        >>> round(STLSQRegressor().fit(t, X).score(t, X), 6)
        1.0
        """
        from lincomb.theory.expression_compare import r2_score

        t, X = validate_time_series(t, X, min_samples=2)
        return r2_score(X, self.simulate(X[0], t))
