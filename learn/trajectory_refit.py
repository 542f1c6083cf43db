"""Refitting the coefficients of a chosen model by matching its integrated trajectories to the data.

The weak form (Messenger and Bortz, J. Comput. Phys. 2021) chooses the terms of a model and gives
their coefficients without differentiating the data, but those coefficients minimise an *equation*
error: under noise in the regressors (the terms are evaluated on noisy states) they are biased, and
on chaotic systems a bias of a fraction of a percent is enough for the integrated model to leave the
data within a few oscillations.  Once the structure is fixed, this module refits the continuous
coefficients by the *output error*, the misfit between the data and the model's integrated
solution, in the form of **multiple shooting** (Bock, "Numerical treatment of inverse problems in
chemical reaction kinetics", in Ebert, Deuflhard and Jaeger (eds.), *Modelling of Chemical Reaction
Systems*, Springer 1981; for chaotic data Baake, Baake, Bock and Briggs, "Fitting ordinary differential
equations to chaotic data", Phys. Rev. A 45, 5524, 1992, and the review of Voss, Timmer and Kurths,
Int. J. Bifurcation Chaos 14, 1905, 2004): the trajectory is cut into short segments, each segment's
start state is a free parameter (started from the data), each segment is integrated, and
:func:`scipy.optimize.least_squares` minimises the noise-weighted misfit of all samples together
with a soft continuity term (each segment's end against the next segment's start).  Segments of a
couple of dozen samples keep the problem well conditioned on chaotic data, where one long
integration would not be (its misfit has a landscape of local minima; a segment shorter than the
Lyapunov time does not).  The same idea in the SINDy line: the "modified SINDy" of Kaheman, Brunton
and Kutz (Mach. Learn.: Sci. Technol. 3, 015031, 2022) fits the coefficients to the data through
short Runge-Kutta predictions forward and backward from every sample; Mangan, Kutz, Brunton and
Proctor (Proc. R. Soc. A 473, 20170009, 2017) judge candidate models by their simulations.  Here the
structure comes from the weak form and only its coefficients are refitted.

The model is linear in the refitted coefficients: ``x_j' = sum_k W[k, j] z_k(x)`` with fixed
features ``z_k`` (the chosen units of :class:`~lincomb.learn.symreg.SymbolicODERegressor` with
their exact inner parameters), and only the nonzero entries of ``W`` are free, so the structure and
the exact sympy form of every unit are kept.  All segments of all trajectories, and the finite
difference perturbations of the Jacobian, are integrated together as one batch by a classical
Runge-Kutta scheme at the samples' own time stamps (irregular steps included; a step is split into
``substeps`` chosen so that halving it changes the solution by less than a tenth of the noise), so
one Jacobian costs about one integration of the data's span in vectorised numpy.

The result is only a proposal: :func:`refit_coefficients` reports the misfit before (start states
fitted, coefficients as given) and after, and :func:`refit_symbolic_model` accepts the refitted
coefficients into a fitted regressor only when the misfit is lower and the refitted model, integrated
from each trajectory's first sample by :func:`~lincomb.learn.symreg_validation.integrated_r2`, does
not diverge on the data's span.

Examples
--------
>>> t = np.linspace(0, 4, 201)
>>> rng = np.random.default_rng(0)
>>> X = (np.exp(-0.7 * t) * (1 + 0.01 * rng.standard_normal(t.size)))[:, None]
>>> fit = refit_coefficients(lambda Z: Z, np.array([[-0.6]]), t, X)   # x' = w x, started at w = -0.6
>>> bool(fit.statistic > 1), fit.improved, abs(float(fit.coefficients[0, 0]) + 0.7) < 0.02
(True, True, True)
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Callable, Sequence

import numpy as np

from lincomb.errors import ShapeError, UsageError

__all__ = ["TrajectoryRefit", "choose_substeps", "expression_features", "integrate_batch", "refit_coefficients",
           "refit_symbolic_model"]

#: Samples per shooting segment (observed samples; the segment is integrated one step further, to the
#: next segment's start, for the continuity term).
SEGMENT_SAMPLES = 24
#: At most this many segments are used (evenly spread over the trajectories) to bound the cost.
MAX_SEGMENTS = 48
#: Runge-Kutta substeps per sample interval tried, finest last.
_SUBSTEPS = (1, 2, 4, 8, 16)
#: States beyond this multiple of the data's scale are clipped during the integration (divergence).
_BOUND = 100.0


@dataclass
class TrajectoryRefit:
    """The outcome of :func:`refit_coefficients`.

    Attributes
    ----------
    coefficients : numpy.ndarray
        (features, states) refitted coefficients (the given ones where nothing improved); entries that
        were not free are unchanged.
    cost_before, cost_after : float
        Half the sum of squared noise-weighted residuals (data and continuity) with the given and with
        the refitted coefficients, the segments' start states fitted in both.
    improved : bool
        Whether the refit lowered the misfit by more than chance: the likelihood-ratio statistic
        ``2 (cost_before - cost_after) / s**2`` (``s**2`` the residual variance of the refit, from its
        cost over its degrees of freedom), chi-squared with ``P`` degrees of freedom (``P`` free
        coefficients) were the given coefficients the true ones, exceeds that distribution's
        ``1 - significance`` quantile: the data reject the given coefficients in a test at level
        ``significance``.  Otherwise they are kept: a nearly flat direction of the misfit would move a
        well-estimated coefficient by noise.  The level is 1 %, not the statistic's mean ``P`` (a test
        at about 40 %): with ``P`` as threshold, refits of well-fitting 1-state models at 1 % noise
        (Gompertz, statistic 5.6 for ``P`` = 2; spruce budworm, 6.0 for 3) were taken and doubled their
        coefficient errors, while the refits that rescue chaotic models score 10 to 10^5.
    statistic : float
        That likelihood-ratio statistic (NaN when nothing was refitted).
    variance : float
        The residual variance ``s**2`` of the refit (of the given coefficients when nothing is free).
    standard_errors : numpy.ndarray or None
        (features, states) asymptotic standard errors of the refitted coefficients at the joint fit's optimum
        (from its Jacobian, the start states profiled out, the residual variance as above); NaN where a
        coefficient is not free or the Jacobian is rank deficient, None when nothing was refitted.  They are
        the scale on which :mod:`lincomb.learn.coefficient_snapping` looks for simple numbers.
    segments, segment_samples, substeps : int
        Shooting segments used, samples per segment, Runge-Kutta substeps per sample interval.
    evaluations : int
        Batched integrations (each covers all segments and the Jacobian's perturbations).
    seconds : float
        Wall-clock time of the refit.
    message : str
        Why nothing was refitted, or how the optimiser stopped.

    Examples
    --------
    >>> TrajectoryRefit(np.zeros((1, 1)), 1.0, 1.0, False).improved
    False
    """

    coefficients: np.ndarray
    cost_before: float
    cost_after: float
    improved: bool
    segments: int = 0
    segment_samples: int = 0
    substeps: int = 0
    evaluations: int = 0
    seconds: float = 0.0
    message: str = ""
    statistic: float = math.nan
    start_states: np.ndarray = field(default=None, repr=False)
    variance: float = math.nan
    standard_errors: np.ndarray = field(default=None, repr=False)


class _Deadline(Exception):
    pass


def _pairs(t, X) -> list[tuple[np.ndarray, np.ndarray]]:
    """The trajectories as float arrays, split as the regressors split them (``ode_regression._trajectories``)."""
    from .ode_regression import _trajectories

    out = []
    for tk, Xk in _trajectories(t, X):
        tk = np.asarray(tk, dtype=float).reshape(-1)
        Xk = np.asarray(Xk, dtype=float)
        if Xk.ndim == 1:
            Xk = Xk[:, None]
        if Xk.shape[0] != tk.size:
            raise ShapeError(f"{tk.size} times for {Xk.shape[0]} samples")
        if tk.size >= 2 and np.any(np.diff(tk) <= 0):
            raise UsageError("refit_coefficients: times must be strictly increasing")
        out.append((tk, Xk))
    return out


def _noise_sigma(pairs) -> list[np.ndarray]:
    """Per-sample noise scale of each state (local estimate, floored as in the weak form's row weights)."""
    from .ode_regression import local_noise_variance

    variances = [local_noise_variance(Xk, t=tk) if Xk.shape[0] >= 9 else np.full_like(Xk, np.nan) for tk, Xk in pairs]
    stacked = np.vstack(variances)
    data = np.vstack([Xk for _, Xk in pairs])
    median = np.nanmedian(stacked, axis=0) if np.any(np.isfinite(stacked)) else np.zeros(data.shape[1])
    median = np.where(np.isfinite(median), median, 0.0)
    # A floor of 1e-6 of the mean square (noise-free data) and of 0.1 x the median variance (no sample
    # weighs more than about 3x the median one: states passing near 0 under multiplicative noise).
    floor = np.maximum(np.maximum(1e-6 * np.mean(data**2, axis=0), 0.1 * median), 1e-24)
    return [np.sqrt(np.where(np.isfinite(v), v, 0.0) + floor) for v in variances]


def _segments(pairs, segment_samples: int, max_segments: int):
    """Index layout of the shooting segments: start sample, sample indices, time steps, masks."""
    layout = []  # (trajectory, start, stop) with stop exclusive, observed samples start..stop-1
    for k, (tk, _) in enumerate(pairs):
        n = tk.size
        starts = list(range(0, n - 1, segment_samples))
        if len(starts) > 1 and n - starts[-1] < max(3, segment_samples // 3):
            starts.pop()  # a short tail joins the previous segment's trajectory as its own segment end
        for a, start in enumerate(starts):
            stop = starts[a + 1] if a + 1 < len(starts) else n
            layout.append((k, start, stop, a + 1 < len(starts)))
    if len(layout) > max_segments:
        keep = np.unique(np.round(np.linspace(0, len(layout) - 1, max_segments)).astype(int))
        keep_set = set(int(i) for i in keep)
        # continuity only between kept neighbours
        layout = [(k, s, e, cont and (i + 1) in keep_set) for i, (k, s, e, cont) in enumerate(layout) if i in keep_set]
    return layout


def integrate_batch(features: Callable[[np.ndarray], np.ndarray], Wb: np.ndarray, starts: np.ndarray,
                    steps: np.ndarray, substeps: int, bound: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Classical Runge-Kutta for ``B`` linear-in-coefficients systems ``x' = W_b.T z(x)`` from ``B x S`` start states.

    Parameters
    ----------
    features : callable
        ``features(Z)`` maps states (m, n) to feature values (m, K).
    Wb : numpy.ndarray
        (B, K, n) coefficients of the B systems.
    starts : numpy.ndarray
        (B, S, n) start states of S segments per system.
    steps : numpy.ndarray
        (S, L) time step from each observed sample to the next (0 past a segment's end: the state is held).
    substeps : int
        Runge-Kutta steps per time step.
    bound : numpy.ndarray
        (n,) states are clipped to ``[-bound, bound]``; a system whose state leaves it (or is not finite) is flagged.

    Returns
    -------
    out : numpy.ndarray
        (B, S, L + 1, n) states at the samples.
    escaped : numpy.ndarray
        (B,) bool, whether system b left the bound (diverged, or a step too large for it).

    Examples
    --------
    >>> out, escaped = integrate_batch(lambda Z: Z, np.array([[[-1.0]], [[50.0]]]), np.ones((2, 1, 1)),
    ...                                np.full((1, 10), 0.1), 2, np.array([100.0]))
    >>> round(float(out[0, 0, -1, 0]), 4), escaped.tolist()      # exp(-1); the second system blows up
    (0.3679, [False, True])
    """
    B, S, n = starts.shape
    L = steps.shape[1]
    out = np.empty((B, S, L + 1, n))
    escaped = np.zeros(B, dtype=bool)
    x = starts.copy()
    out[:, :, 0] = x

    def f(state):
        Z = np.asarray(features(state.reshape(-1, n)), dtype=float).reshape(B, S, -1)
        return np.einsum("bsk,bkn->bsn", Z, Wb)

    with np.errstate(all="ignore"):
        for i in range(L):
            h = (steps[:, i] / substeps)[None, :, None]
            if not np.any(h):
                out[:, :, i + 1] = x
                continue
            for _ in range(substeps):
                k1 = f(x)
                k2 = f(x + 0.5 * h * k1)
                k3 = f(x + 0.5 * h * k2)
                k4 = f(x + h * k3)
                x = x + h / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)
                bad = ~np.isfinite(x) | (np.abs(x) > bound)
                if bad.any():
                    escaped |= bad.any(axis=(1, 2))
                    x = np.clip(np.nan_to_num(x, nan=_BOUND, posinf=_BOUND, neginf=-_BOUND), -bound, bound)
            out[:, :, i + 1] = x
    return out, escaped


def choose_substeps(weighted: Callable[[int], tuple[np.ndarray, np.ndarray]],
                    deadline: float | None = None) -> tuple[int | None, np.ndarray | None]:
    """Runge-Kutta substeps per sample interval: the fewest of :data:`_SUBSTEPS` that halving moves by under 0.1.

    ``weighted(m)`` integrates ``C`` systems with ``m`` substeps and returns their noise-weighted states
    (C, R) and whether each left its bound (C,).  The answer is the first ``m`` of ``1, 2, 4, ...`` at which
    going to ``2 m`` moves every system that stayed in bounds at both by less than 0.1 (a tenth of the
    noise), with those systems marked; ``(None, None)`` when no step size converged, or once this process's
    CPU time passes ``deadline``.

    Examples
    --------
    >>> def weighted(m):          # system 0: a step error of 0.5**m; system 1 leaves its bound
    ...     return np.array([[1.0 + 0.5 ** m], [np.nan]]), np.array([False, True])
    >>> substeps, integrable = choose_substeps(weighted)
    >>> substeps, integrable.tolist()
    (4, [True, False])
    """
    previous = None
    for m in _SUBSTEPS:
        values, escaped = weighted(m)
        if previous is not None:
            ok = ~escaped & ~previous[1]
            if ok.any() and float(np.abs(values - previous[0])[ok].max()) < 0.1:
                return m // 2, ok
        previous = (values, escaped)
        if deadline is not None and time.process_time() > deadline:
            break
    return None, None


def refit_coefficients(features: Callable[[np.ndarray], np.ndarray], coefficients, t, X, mask=None,
                       segment_samples: int = SEGMENT_SAMPLES, max_segments: int = MAX_SEGMENTS,
                       max_evaluations: int = 30, time_limit: float | None = 10.0,
                       continuity_weight: float = 1.0, significance: float = 0.01) -> TrajectoryRefit:
    """Refit ``W`` in ``x' = W.T z(x)`` by multiple shooting on one or several trajectories.

    Parameters
    ----------
    features : callable
        ``features(Z)`` maps states (m, n) to feature values (m, K); vectorised over rows.
    coefficients : array_like
        (K, n) starting coefficients (e.g. from the weak form).
    t : array_like or list of array_like
        Sample times of one trajectory, or one array per trajectory (irregular steps are fine).
    X : array_like or list of array_like
        (samples, n) data, or a list of them.
    mask : array_like of bool, optional
        (K, n) entries of ``W`` that are free (default: the nonzero ones).  With none free (and ``W`` not all
        zero) only the start states are fitted: ``cost_before == cost_after`` is the given coefficients' misfit.
    segment_samples : int
        Observed samples per shooting segment.
    max_segments : int
        At most this many segments (evenly spread) are used.
    max_evaluations : int
        Bound on the optimiser's evaluations of the joint fit (each one batched integration, residuals
        and Jacobian together; a third of it for the start states alone), divided by half the
        substeps beyond 2 (at least 6).
    time_limit : float or None
        CPU seconds of this process, a safety net (the cost is bounded by ``max_evaluations``, each one batched
        integration); past it the best coefficients found so far are returned.
    continuity_weight : float
        Weight of the mismatch between a segment's end and the next segment's start.
    significance : float
        Level of the likelihood-ratio test that decides ``improved`` (see :class:`TrajectoryRefit`).

    Returns
    -------
    TrajectoryRefit

    Examples
    --------
    >>> t = np.linspace(0, 6, 301)
    >>> X = np.c_[np.cos(t), -np.sin(t)]             # x' = y, y' = -x
    >>> W = np.array([[0.0, -0.9], [1.1, 0.0]])       # rows: features x, y; columns: equations
    >>> fit = refit_coefficients(lambda Z: Z, W, t, X)
    >>> np.round(fit.coefficients, 4).tolist(), fit.improved
    ([[0.0, -1.0], [1.0, 0.0]], True)
    """
    # The problems are small (a few thousand residuals, tens to a couple of hundred parameters): the
    # optimiser's SVDs run fastest on one BLAS thread, and many times slower when BLAS threads
    # compete for a loaded machine's cores.
    if not 0 < significance < 1:
        raise UsageError(f"significance must lie strictly between 0 and 1, got {significance!r}")
    with _one_blas_thread():
        return _refit(features, coefficients, t, X, mask, segment_samples, max_segments, max_evaluations, time_limit,
                      continuity_weight, significance)


def _one_blas_thread():
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn (the learn extra)
        import contextlib

        return contextlib.nullcontext()
    return threadpool_limits(limits=1)


def _refit(features, coefficients, t, X, mask, segment_samples, max_segments, max_evaluations, time_limit,
           continuity_weight, significance) -> TrajectoryRefit:
    from scipy.optimize import least_squares
    from scipy.stats import chi2

    started = time.perf_counter()
    # The deadline counts this process's CPU time, so that a loaded machine does not cut refits short.
    deadline = None if time_limit is None else time.process_time() + float(time_limit)
    W0 = np.asarray(coefficients, dtype=float)
    if W0.ndim != 2:
        raise ShapeError(f"coefficients must be (features, states), got shape {W0.shape}")
    K, n = W0.shape
    mask = (W0 != 0) if mask is None else np.asarray(mask, dtype=bool)
    if mask.shape != W0.shape:
        raise ShapeError(f"mask has shape {mask.shape}, coefficients {W0.shape}")
    if int(segment_samples) < 2:
        raise UsageError(f"segment_samples must be at least 2, got {segment_samples!r}")
    pairs = _pairs(t, X)
    for _, Xk in pairs:
        if Xk.shape[1] != n:
            raise ShapeError(f"data has {Xk.shape[1]} states for {n} equations")

    def nothing(message, evaluations=0):
        return TrajectoryRefit(W0.copy(), math.nan, math.nan, False, message=message, evaluations=evaluations,
                               seconds=time.perf_counter() - started)

    free = np.flatnonzero(mask.reshape(-1))
    if free.size == 0 and not np.any(W0):
        return nothing("no free coefficients")
    if any(not np.all(np.isfinite(Xk)) for _, Xk in pairs):
        return nothing("the data are not finite")
    sigmas = _noise_sigma(pairs)
    # Long, densely sampled data: every ``stride``-th sample only, so that the segments (at most
    # ``max_segments`` of ``segment_samples``) cover the whole span and each one spans enough of the
    # dynamics to inform the coefficients (24 consecutive samples of a 5,000-sample trajectory are
    # nearly a straight line under the noise).  The noise scale is estimated on all samples first.
    total = sum(tk.size for tk, _ in pairs)
    stride = max(1, math.ceil(total / (int(max_segments) * int(segment_samples))))
    if stride > 1:
        sigmas = [sk[::stride] for sk in sigmas]
        pairs = [(tk[::stride], Xk[::stride]) for tk, Xk in pairs]
    scale = np.maximum(np.vstack([np.abs(Xk) for _, Xk in pairs]).max(axis=0), 1e-12)
    bound = _BOUND * scale
    layout = _segments(pairs, int(segment_samples), int(max_segments))
    if not layout:
        return nothing("too few samples")
    S = len(layout)
    L = max(stop - start for _, start, stop, _ in layout)
    # steps[s, i]: time step from observed sample i to i + 1 (the last one to the next segment's
    # start); 0 beyond the segment (padding).  Y, weights: observed data and 1/sigma, 0 on padding.
    steps = np.zeros((S, L))
    Y = np.zeros((S, L, n))
    weight = np.zeros((S, L, n))
    next_weight = np.zeros((S, n))
    next_index = np.full(S, -1)
    for s, (k, start, stop, continued) in enumerate(layout):
        tk, Xk = pairs[k]
        m = stop - start
        Y[s, :m] = Xk[start:stop]
        weight[s, :m] = 1.0 / sigmas[k][start:stop]
        last = stop if stop < tk.size else stop - 1
        steps[s, : last - start] = np.diff(tk[start : last + 1])
        if continued and s + 1 < S and layout[s + 1][0] == k and layout[s + 1][1] == stop:
            next_index[s] = s + 1
            next_weight[s] = continuity_weight / sigmas[k][stop]
    has_next = next_index >= 0
    x0_data = Y[:, 0, :].copy()

    evaluations = [0]
    escaped = [False]  # whether the last integration left the bound (diverged or unstable steps)

    def integrate(Wb: np.ndarray, starts: np.ndarray, substeps: int) -> np.ndarray:
        """Trajectories (B, S, L + 1, n) of B coefficient sets from B x S start states."""
        if deadline is not None and time.process_time() > deadline:
            raise _Deadline
        evaluations[0] += 1
        out, left = integrate_batch(features, Wb, starts, steps, substeps, bound)
        escaped[0] = bool(left.any())
        return out

    def residuals(traj: np.ndarray, starts: np.ndarray) -> np.ndarray:
        """(B, R) weighted residuals: data of every segment, then continuity."""
        B = traj.shape[0]
        data = ((traj[:, :, :L] - Y[None]) * weight[None]).reshape(B, -1)
        following = np.where(has_next[None, :, None], starts[:, np.maximum(next_index, 0)], 0.0)
        ends = np.take_along_axis(traj, _end_index[None, :, None, None].repeat(B, 0).repeat(n, 3), axis=2)[:, :, 0]
        cont = ((ends - following) * next_weight[None]).reshape(B, -1)
        return np.concatenate([data, cont], axis=1)

    # the sample index of each segment's end (its last nonzero step), for the continuity residual
    _end_index = np.array([int(np.count_nonzero(steps[s])) for s in range(S)])

    # ---- substeps: halving the step must move the solution by under a tenth of the noise
    def weighted(m):
        states = integrate(W0[None], x0_data[None], m)[:, :, :L]
        return (states * weight[None]).reshape(1, -1), np.array([escaped[0]])

    try:
        substeps, _ = choose_substeps(weighted)
    except _Deadline:
        return nothing("out of time choosing the step", evaluations[0])
    if substeps is None:
        return nothing("the model is too stiff or fast for the sampling (no step size converged)", evaluations[0])

    Wfree0 = W0.reshape(-1)[free]
    coef_step = 1e-6 * np.maximum(np.abs(Wfree0), 1e-3 * max(np.abs(Wfree0).max(initial=0.0), 1e-12))
    state_step = 1e-6 * scale
    best = {"cost": math.inf, "p": None}

    def unpack(p, with_coefficients):
        if with_coefficients:
            W = W0.reshape(-1).copy()
            W[free] = p[: free.size]
            return W.reshape(K, n), p[free.size :].reshape(S, n)
        return W0, p.reshape(S, n)

    def make(with_coefficients):
        P = free.size if with_coefficients else 0
        cache = {}

        def evaluate(p):
            key = p.tobytes()
            if key in cache:
                return cache[key]
            W, starts = unpack(p, with_coefficients)
            # batch: base, one member per free coefficient, one per state component (all segments at once)
            B = 1 + P + n
            Wb = np.repeat(W[None], B, axis=0)
            flat = Wb.reshape(B, -1)
            for q in range(P):
                flat[1 + q, free[q]] += coef_step[q]
            St = np.repeat(starts[None], B, axis=0)
            for i in range(n):
                St[1 + P + i, :, i] += state_step[i]
            traj = integrate(Wb, St, substeps)
            r = residuals(traj, St)
            base = r[0]
            R = base.size
            J = np.zeros((R, P + S * n))
            for q in range(P):
                J[:, q] = (r[1 + q] - base) / coef_step[q]
            # start states: segment s's own rows only (its data rows and its continuity row), plus the
            # previous segment's continuity row, which depends on this start exactly as -weight
            data_rows = S * L * n
            for i in range(n):
                diff = (r[1 + P + i] - base) / state_step[i]
                d_data = diff[:data_rows].reshape(S, L, n)
                d_cont = diff[data_rows:].reshape(S, n).copy()
                # the simultaneous perturbation also moved the next segment's start: take its part out
                d_cont[has_next, i] += next_weight[has_next, i]
                for s in range(S):
                    col = P + s * n + i
                    J[s * L * n : (s + 1) * L * n, col] = d_data[s].reshape(-1)
                    J[data_rows + s * n : data_rows + (s + 1) * n, col] = d_cont[s]
            for s in np.flatnonzero(has_next):
                nxt = next_index[s]
                for i in range(n):
                    J[data_rows + s * n + i, P + nxt * n + i] = -next_weight[s, i]
            cost = 0.5 * float(base @ base)
            if with_coefficients and cost < best["cost"]:
                best["cost"], best["p"] = cost, p.copy()
            if len(cache) > 4:
                cache.clear()
            cache[key] = (base, J)
            return base, J

        return (lambda p: evaluate(p)[0]), (lambda p: evaluate(p)[1])

    # The cost of one evaluation grows with the substeps: fine steps get proportionally fewer evaluations.
    max_evaluations = max(6, int(max_evaluations) * 2 // max(substeps, 2))
    # ---- 1. start states alone, coefficients as given (the "before" misfit)
    fun, jac = make(False)
    try:
        first = least_squares(fun, x0_data.reshape(-1), jac=jac, method="trf", x_scale="jac",
                              max_nfev=max(3, max_evaluations // 3), ftol=1e-6, xtol=1e-8)
    except _Deadline:
        return nothing("out of time fitting the start states", evaluations[0])
    cost_before = float(first.cost)
    starts0 = first.x.reshape(S, n)
    residual_count = int(np.count_nonzero(weight)) + int(np.count_nonzero(next_weight))
    if free.size == 0:  # nothing free: the misfit of the given coefficients, start states fitted
        variance = 2.0 * cost_before / max(1, residual_count - S * n)
        return TrajectoryRefit(W0.copy(), cost_before, cost_before, False, S, L, substeps, evaluations[0],
                               time.perf_counter() - started, "no free coefficients: the misfit of the given ones",
                               statistic=0.0, start_states=starts0, variance=variance)
    # ---- 2. coefficients and start states together
    fun, jac = make(True)
    p0 = np.concatenate([Wfree0, starts0.reshape(-1)])
    message = ""
    jacobian = None
    try:
        result = least_squares(fun, p0, jac=jac, method="trf", x_scale="jac", max_nfev=max_evaluations,
                               ftol=1e-8, xtol=1e-10)
        p, cost_after, message, jacobian = result.x, float(result.cost), str(result.message), result.jac
        if best["p"] is not None and best["cost"] < cost_after:
            p, cost_after = best["p"], best["cost"]
    except _Deadline:
        if best["p"] is None:
            return nothing("out of time in the joint fit", evaluations[0])
        p, cost_after, message = best["p"], best["cost"], "stopped at the time limit (best so far)"
    W, starts = unpack(p, True)
    dof = max(1, residual_count - free.size - S * n)
    variance = 2.0 * cost_after / dof if np.isfinite(cost_after) else math.nan
    statistic = 2.0 * (cost_before - cost_after) / variance if variance > 0 else math.inf
    threshold = float(chi2.ppf(1.0 - significance, free.size))
    improved = bool(np.isfinite(cost_after) and cost_after < cost_before * (1 - 1e-6) and statistic > threshold)
    return TrajectoryRefit(W if improved else W0.copy(), cost_before, cost_after, improved, S, L, substeps,
                           evaluations[0], time.perf_counter() - started, message, statistic=statistic,
                           start_states=starts if improved else starts0, variance=variance,
                           standard_errors=_standard_errors(jacobian, variance, free, (K, n)))


def _standard_errors(jacobian, variance: float, free: np.ndarray, shape: tuple) -> np.ndarray:
    """Asymptotic standard errors of the free coefficients, ``sqrt(diag(variance (J^T J)^-1))`` over the
    coefficient block (the start states are nuisance parameters, profiled out by the full inverse); NaN
    where a coefficient is not free or the Jacobian is missing or rank deficient."""
    out = np.full(int(np.prod(shape)), math.nan)
    if jacobian is None or not np.isfinite(variance) or variance <= 0:
        return out.reshape(shape)
    J = np.asarray(jacobian, dtype=float)
    if not np.all(np.isfinite(J)):
        return out.reshape(shape)
    _, singular, Vt = np.linalg.svd(J, full_matrices=False)
    if singular.size == 0 or singular[-1] <= 1e-12 * singular[0]:
        return out.reshape(shape)
    covariance_diag = np.sum((Vt[:, : free.size] / singular[:, None]) ** 2, axis=0) * variance
    out[free] = np.sqrt(covariance_diag)
    return out.reshape(shape)


def expression_features(expressions: Sequence, symbols: Sequence) -> Callable[[np.ndarray], np.ndarray]:
    """The ``features`` of :func:`refit_coefficients` for sympy expressions: states (m, n) to their values (m, K).

    A constant expression is broadcast to a column; no expression gives an (m, 0) array; floating-point
    warnings (a unit evaluated where it is not defined) are silenced, the values left as numpy makes them.

    Parameters
    ----------
    expressions : sequence of sympy.Expr
        One per feature column.
    symbols : sequence of sympy.Symbol
        The states, in the order of the columns of ``Z``.

    Returns
    -------
    callable

    Examples
    --------
    >>> import sympy
    >>> x, y = sympy.symbols("x y")
    >>> expression_features([x * y, sympy.Integer(1)], [x, y])(np.array([[2.0, 3.0], [1.0, 0.5]])).tolist()
    [[6.0, 1.0], [0.5, 1.0]]
    """
    import sympy

    expressions = list(expressions)
    function = sympy.lambdify(list(symbols), expressions, modules="numpy")

    def features(Z):
        if not expressions:
            return np.zeros((Z.shape[0], 0))
        with np.errstate(all="ignore"):
            values = function(*Z.T)
        return np.column_stack([np.broadcast_to(np.asarray(v, dtype=float), (Z.shape[0],)) for v in values])

    return features


def coefficient_equations(units: Sequence, coefficients, mask) -> list:
    """The equations ``x_j' = sum_k c_kj units_k`` over the entries where ``mask`` holds, as sympy.

    A coefficient that is a :class:`fractions.Fraction` stays exact (a snapped number,
    :mod:`lincomb.learn.coefficient_snapping`); any other becomes a sympy Float.

    Examples
    --------
    >>> import sympy
    >>> from fractions import Fraction
    >>> x, y = sympy.symbols("x y")
    >>> coefficient_equations([x, y], [[0.5, Fraction(-1)], [2.0, 0.0]], np.array([[True, True], [True, False]]))
    [0.5*x + 2.0*y, -x]
    """
    import sympy

    mask = np.asarray(mask, dtype=bool)

    def number(value):
        if isinstance(value, Fraction):
            return sympy.Rational(value.numerator, value.denominator)
        return sympy.Float(float(value))

    return [sympy.Add(*[number(coefficients[k][j]) * units[k] for k in range(len(units)) if mask[k, j]])
            for j in range(mask.shape[1])]


def refit_symbolic_model(model, t=None, X=None, **options) -> TrajectoryRefit | None:
    """Refit a fitted :class:`~lincomb.learn.symreg.SymbolicODERegressor`'s coefficients in place.

    The model's units (``units_``, exact sympy with snapped inner parameters) are the features and
    the nonzero entries of ``coefficients_`` the free coefficients (:func:`refit_coefficients`).  The
    refitted coefficients replace the model's (``equations_``, ``coefficients_``, ``r2_integrated_``,
    ``diverged_``) only if the misfit is lower and the new model, integrated from each trajectory's
    first sample, does not diverge on the data's span; the outcome is kept in ``refit_`` and
    whether it was taken in ``refit_accepted_``.

    Parameters
    ----------
    model : SymbolicODERegressor
        A fitted regressor.
    t, X : optional
        The data as given to ``fit`` (with its own, possibly irregular, time stamps); default the
        trajectories the regressor fitted.
    **options
        Passed to :func:`refit_coefficients`.

    Returns
    -------
    TrajectoryRefit or None
        None when there is nothing to refit.

    Examples
    --------
    >>> from lincomb.learn.symreg import SymbolicODERegressor
    >>> t = np.linspace(0, 4, 201)
    >>> model = SymbolicODERegressor(refit=False, progress=False).fit(t, (2 / (1 + np.exp(-t)))[:, None], names=["u"])
    >>> outcome = refit_symbolic_model(model)
    >>> model.refit_accepted_ == outcome.improved, model.equations()[0].evalf(3)
    (True, -0.5*u**2 + 1.0*u)
    """
    import sympy

    symbols = list(model.variables_)
    units = [sympy.sympify(u) for u in getattr(model, "units_", [])]
    W0 = np.asarray(getattr(model, "coefficients_", np.zeros((0, len(symbols)))), dtype=float)
    model.refit_, model.refit_accepted_ = None, False
    if not units or W0.size == 0 or not np.any(W0):
        return None
    if X is None:
        t = [tk for tk, _ in model._raw_trajectories]
        X = [Xk for _, Xk in model._raw_trajectories]
    try:
        outcome = refit_coefficients(expression_features(units, symbols), W0, t, X, **options)
    except (ShapeError, UsageError):
        return None
    model.refit_ = outcome
    say = getattr(model, "_say", None)
    if callable(say):
        say(f"coefficient refit: misfit {outcome.cost_before:.4g} -> {outcome.cost_after:.4g} "
            f"(statistic {outcome.statistic:.3g} for {int(np.count_nonzero(W0))} coefficients), {outcome.segments} segments")
    if not outcome.improved:
        return outcome
    W = outcome.coefficients
    equations = coefficient_equations(units, W, W0 != 0)
    r2, diverged = model._simulate_on_data(equations)
    before = getattr(model, "r2_integrated_", -math.inf)
    if diverged or not r2 >= (before if np.isfinite(before) else -math.inf):
        # kept only if the whole span, integrated from each trajectory's first sample, fits no worse
        return outcome
    model.coefficients_ = W
    model.equations_ = equations
    model.r2_integrated_ = r2
    model.diverged_ = False
    model.refit_accepted_ = True
    if hasattr(model, "_vector_field"):  # refitted after ``fit`` returned: keep the numeric field in step
        model._vector_field = sympy.lambdify(symbols, equations, modules="numpy")
    return outcome
