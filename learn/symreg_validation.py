"""Validating learned ODE models by integrating them: divergence detection and integrated R^2.

A learned right-hand side can fit the derivatives well and still be useless: its solution may blow
up, leave the region of the data, or stall a stiff integrator for minutes.  The test that matters
(Mangan, Kutz, Brunton & Proctor, Proc. R. Soc. A 473:20170009, 2017: score models on simulated
trajectories, not on derivatives) is to integrate the model from the data's initial state over the
data's time span and compare the trajectory with the data.

* :func:`integrate_model` integrates sympy right-hand sides with scipy's LSODA (it switches to a
  stiff method by itself) under a CPU-time cap, and stops as *diverged* as soon as the state is
  non-finite or some ``|x_i|`` exceeds ``factor`` times the data's scale of that state
  (``max(max |x_i|, range x_i)`` over the data; ``factor`` defaults to 100).
* :func:`integrated_r2` returns the coefficient of determination of the integrated model against
  the data, per state and averaged over states, pooled over one or several trajectories.  A model
  that diverged, timed out or failed scores ``-inf`` (per state and mean) and is flagged, so that
  ``r2 > 0.9`` is a well-defined test for every model.

Examples
--------
>>> import sympy
>>> x = sympy.Symbol("x")
>>> t = np.linspace(0, 2, 21)
>>> data = np.exp(-t)[:, None]
>>> fit = integrated_r2([-x], [x], t, data)
>>> round(fit.r2, 6), fit.diverged
(1.0, False)
>>> integrated_r2([x**2], [x], t, data).diverged   # x' = x^2 from x = 1 blows up at t = 1
True
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import NamedTuple, Sequence

import numpy as np
import sympy

from lincomb.errors import ShapeError, UsageError

__all__ = ["Integration", "IntegratedR2", "data_scale", "integrate_model", "integrated_r2"]

#: Default factor of the divergence bound: ``|x_i| > DIVERGENCE_FACTOR * scale_i`` is diverged.
DIVERGENCE_FACTOR = 100.0
#: Default cap (CPU seconds of this process, ``time.process_time``) of one integration.  CPU time, not
#: wall-clock time: on a loaded machine a wall-clock cap stopped integrations that finish in time on
#: an idle one (a benchmark run's verdict then depended on the machine's load).
TIME_LIMIT = 10.0


class Integration(NamedTuple):
    """A trajectory of a learned model and how its integration ended.

    Attributes
    ----------
    X : numpy.ndarray
        (len(t), states) trajectory at the requested times; rows after a stop are NaN.
    status : str
        ``"ok"``, ``"diverged"`` (non-finite or beyond the bound), ``"timeout"`` (CPU-time cap
        reached) or ``"failed"`` (the integrator gave up, e.g. step size underflow).
    message : str
        A short explanation (empty when ``"ok"``).

    Examples
    --------
    >>> Integration(np.zeros((2, 1)), "ok", "").status
    'ok'
    """

    X: np.ndarray
    status: str
    message: str


@dataclass(frozen=True)
class IntegratedR2:
    """R^2 of an integrated model against data.

    Attributes
    ----------
    r2 : float
        Mean over states of the per-state R^2; ``-inf`` when the integration did not finish.
    per_state : tuple of float
        R^2 of each state, pooled over the trajectories.
    diverged : bool
        True when any trajectory diverged, timed out or failed.
    status : str
        The worst :class:`Integration` status over the trajectories.
    message : str
        The message of that integration.

    Examples
    --------
    >>> IntegratedR2(0.5, (0.5,), False, "ok", "").r2
    0.5
    """

    r2: float
    per_state: tuple
    diverged: bool
    status: str
    message: str


class _Stop(Exception):
    def __init__(self, status: str, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def data_scale(X) -> np.ndarray:
    """Per-state scale of data: ``max(max |x_i|, range of x_i)``, at least 1e-12.

    Parameters
    ----------
    X : array_like or list of array_like
        (samples, states) data, or a list of such arrays (pooled).

    Examples
    --------
    >>> data_scale(np.array([[1.0, -3.0], [2.0, -1.0]]))
    array([2., 3.])
    """
    arrays = _as_list(X)
    stacked = np.vstack(arrays)
    finite = np.where(np.isfinite(stacked), stacked, 0.0)
    return np.maximum(np.maximum(np.abs(finite).max(axis=0), np.ptp(finite, axis=0)), 1e-12)


def _as_list(X) -> list[np.ndarray]:
    if isinstance(X, (list, tuple)) and len(X) and np.ndim(X[0]) == 2:
        return [np.asarray(a, dtype=float) for a in X]
    array = np.asarray(X, dtype=float)
    if array.ndim == 1:
        array = array[:, None]
    if array.ndim != 2:
        raise ShapeError(f"data must be (samples, states) or a list of such arrays, got shape {array.shape}")
    return [array]


def _field(equations: Sequence, symbols: Sequence):
    symbols = [s if isinstance(s, sympy.Symbol) else sympy.Symbol(str(s)) for s in symbols]
    if len(equations) != len(symbols):
        raise ShapeError(f"{len(equations)} right-hand sides for {len(symbols)} variables; give one per variable")
    expressions = [sympy.sympify(e) for e in equations]
    stray = set().union(*(e.free_symbols for e in expressions)) - set(symbols)
    if stray:
        raise UsageError(f"the equations contain symbols {sorted(map(str, stray))} that are not variables")
    function = sympy.lambdify(symbols, expressions, modules="numpy")
    n = len(symbols)

    def field(x):
        values = function(*x)
        try:  # one state: every value a scalar (the fast path, called once per solver step)
            return np.array(values, dtype=float).reshape(n)
        except (TypeError, ValueError):
            return np.array([np.broadcast_to(np.asarray(v, dtype=float), ()) for v in values], dtype=float).reshape(n)

    return field


def integrate_model(equations: Sequence, symbols: Sequence, x0, t, time_limit: float | None = TIME_LIMIT,
                    scale=None, factor: float = DIVERGENCE_FACTOR, rtol: float = 1e-6, atol: float = 1e-9) -> Integration:
    """Integrate ``x' = f(x)`` (sympy right-hand sides) with divergence detection and a CPU-time cap.

    Parameters
    ----------
    equations : sequence of sympy.Expr
        One right-hand side per state, in ``symbols`` only.
    symbols : sequence of sympy.Symbol or str
        The states, in order.
    x0 : array_like
        Initial state at ``t[0]``.
    t : array_like
        Increasing output times.
    time_limit : float or None
        CPU seconds of this process (:data:`TIME_LIMIT`) before the integration is stopped with status
        ``"timeout"``.
    scale : array_like, optional
        Per-state scale of the data (:func:`data_scale`); default ``max(|x0_i|, 1)``.
    factor : float
        Diverged when some ``|x_i| > factor * scale_i`` or the state is non-finite.
    rtol, atol : float
        Tolerances of LSODA (``atol`` is multiplied by the scale).

    Returns
    -------
    Integration

    Examples
    --------
    >>> x, y = sympy.symbols("x y")
    >>> t = np.linspace(0, np.pi, 5)
    >>> run = integrate_model([y, -x], [x, y], [1.0, 0.0], t)
    >>> run.status, np.round(run.X[-1], 5)
    ('ok', array([-1.,  0.]))
    >>> run = integrate_model([x**2], [x], [1.0], np.linspace(0, 2, 5), scale=[1.0])
    >>> run.status, int(np.isnan(run.X[:, 0]).sum())
    ('diverged', 3)
    """
    from scipy.integrate import solve_ivp

    t = np.asarray(t, dtype=float)
    if t.ndim != 1 or t.size < 2 or np.any(np.diff(t) <= 0):
        raise UsageError("integrate_model: t must be a strictly increasing 1-d array of at least 2 times")
    x0 = np.asarray(x0, dtype=float).reshape(-1)
    field = _field(equations, symbols)
    if x0.size != len(equations):
        raise ShapeError(f"integrate_model: x0 has {x0.size} entries for {len(equations)} states")
    scale = np.maximum(np.abs(x0), 1.0) if scale is None else np.asarray(scale, dtype=float).reshape(-1)
    bound = factor * scale
    deadline = None if time_limit is None else time.process_time() + float(time_limit)
    X = np.full((t.size, x0.size), np.nan)
    if not np.all(np.isfinite(x0)):
        return Integration(X, "diverged", "the initial state is not finite")

    def rhs(_, x):
        if deadline is not None and time.process_time() > deadline:
            raise _Stop("timeout", f"integration stopped after the CPU-time limit of {time_limit} s")
        with np.errstate(all="ignore"):
            value = field(x)
        if not np.all(np.isfinite(value)):
            raise _Stop("diverged", "the right-hand side is not finite")
        return value

    def escape(_, x):
        return float(np.min(bound - np.abs(x)))

    escape.terminal = True
    try:
        with np.errstate(all="ignore"):
            solution = solve_ivp(rhs, (t[0], t[-1]), x0, t_eval=t, method="LSODA", rtol=rtol, atol=atol * scale,
                                 events=escape)
    except _Stop as stop:
        return Integration(X, stop.status, stop.message)
    except (ValueError, ArithmeticError, TypeError) as error:  # e.g. a complex value from x**(1/2) at x < 0
        return Integration(X, "diverged", f"{type(error).__name__}: {error}")
    computed = solution.y.T
    X[: computed.shape[0]] = computed
    if solution.status == 1:  # the escape event fired
        return Integration(X, "diverged", f"|x| exceeded {factor} x the data's scale at t = {solution.t_events[0][0]:.4g}")
    if solution.status != 0 or computed.shape[0] != t.size:
        return Integration(X, "failed", str(solution.message))
    if not np.all(np.isfinite(X)):
        return Integration(X, "diverged", "the trajectory is not finite")
    return Integration(X, "ok", "")


_SEVERITY = {"ok": 0, "failed": 1, "diverged": 2, "timeout": 3}


def integrated_r2(equations: Sequence, symbols: Sequence, t, X, time_limit: float | None = TIME_LIMIT,
                  factor: float = DIVERGENCE_FACTOR) -> IntegratedR2:
    """R^2 of the model integrated from the data's first sample over the data's time span.

    Parameters
    ----------
    equations : sequence of sympy.Expr
        The learned right-hand sides, one per state.
    symbols : sequence of sympy.Symbol or str
        The states, in order.
    t : array_like or list of array_like
        Sample times of one trajectory, or a list (one per trajectory).
    X : array_like or list of array_like
        (samples, states) data, or a list matching ``t``.  Each trajectory is integrated from its
        own first sample; the R^2 pools all trajectories.
    time_limit : float or None
        Cap in CPU seconds of this process, for all trajectories together.
    factor : float
        Divergence bound as a multiple of the data's scale (:func:`data_scale`).

    Returns
    -------
    IntegratedR2
        ``r2`` is the mean over states of ``1 - SS_res / SS_tot`` (``SS_tot`` of a constant state
        taken as 1); ``-inf`` with ``diverged=True`` when an integration did not finish.

    Examples
    --------
    >>> x, y = sympy.symbols("x y")
    >>> t = np.linspace(0, 6, 61)
    >>> data = np.c_[np.cos(t), -np.sin(t)]
    >>> good = integrated_r2([y, -x], [x, y], t, data)
    >>> round(good.r2, 4), good.diverged
    (1.0, False)
    >>> bad = integrated_r2([y, -2 * x], [x, y], t, data)
    >>> bad.r2 < 0.9, bad.diverged
    (True, False)
    >>> integrated_r2([x * 5, y], [x, y], t, data).r2
    -inf
    """
    ts = [np.asarray(a, dtype=float) for a in t] if isinstance(t, (list, tuple)) and np.ndim(t[0]) == 1 else [np.asarray(t, dtype=float)]
    Xs = _as_list(X)
    if len(ts) != len(Xs):
        raise ShapeError(f"{len(ts)} time arrays for {len(Xs)} trajectories")
    for times, data in zip(ts, Xs):
        if times.shape[0] != data.shape[0]:
            raise ShapeError(f"{times.shape[0]} times for {data.shape[0]} samples")
        if data.shape[1] != len(equations):
            raise ShapeError(f"data has {data.shape[1]} states for {len(equations)} equations")
    scale = data_scale(Xs)
    start = time.process_time()
    worst = ("ok", "")
    predictions = []
    for times, data in zip(ts, Xs):
        left = None if time_limit is None else max(1e-3, float(time_limit) - (time.process_time() - start))
        run = integrate_model(equations, symbols, data[0], times, time_limit=left, scale=scale, factor=factor)
        if _SEVERITY[run.status] > _SEVERITY[worst[0]]:
            worst = (run.status, run.message)
        predictions.append(run.X)
    states = len(equations)
    if worst[0] != "ok":
        return IntegratedR2(float("-inf"), (float("-inf"),) * states, True, worst[0], worst[1])
    data = np.vstack(Xs)
    predicted = np.vstack(predictions)
    residual = np.sum((data - predicted) ** 2, axis=0)
    total = np.sum((data - data.mean(axis=0)) ** 2, axis=0)
    total = np.where(total > 0, total, 1.0)
    per_state = tuple(float(v) for v in 1.0 - residual / total)
    return IntegratedR2(float(np.mean(per_state)), per_state, False, "ok", "")
