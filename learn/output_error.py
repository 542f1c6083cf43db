"""The output error of many candidate models at once: single shooting, all candidates in one batched integration.

Model selection by simulation (Mangan, Kutz, Brunton and Proctor, Proc. R. Soc. A 473, 20170009, 2017)
compares candidate structures by how well their *integrated* solutions match the data, each with its
coefficients refitted by the output error (Ljung, *System Identification*, 2nd ed., 1999, Sec. 7.3):
the misfit between the data and one integration of every trajectory, its start state fitted.  The
candidates of one choice differ only in which coefficients are free (the units of one equation), so
they are all written over the union of their features, ``x' = W_c.T z(x)`` with a mask per candidate,
and fitted *together*: every Levenberg-Marquardt iteration (Marquardt, J. SIAM 11, 431, 1963) of every
candidate, its finite-difference Jacobian included, is one member of a single batched Runge-Kutta
integration (:func:`~lincomb.learn.trajectory_refit.integrate_batch`).  An integration's cost is
dominated by Python's per-step overhead, not by the batch's size, so ``C`` candidates cost about
as much as one; fitting them one by one (:func:`~lincomb.learn.trajectory_refit.refit_coefficients`
with one segment per trajectory) cost ``C`` times as much.

Examples
--------
>>> t = np.linspace(0, 4, 201)
>>> X = (2 / (1 + np.exp(-t)))[:, None]                     # logistic arc: x' = x - x**2 / 2
>>> features = lambda Z: np.c_[Z, Z**2, np.ones(len(Z))]    # x, x**2, 1
>>> logistic = np.array([[True], [True], [False]])
>>> line = np.array([[True], [False], [True]])
>>> W = np.array([[0.9], [-0.4], [0.0]]), np.array([[-0.5], [0.0], [1.0]])
>>> fits = shoot_candidates(features, W, [logistic, line], t, X)
>>> fits[0].cost < 1e-3 < fits[1].cost, np.round(fits[0].coefficients[:2, 0], 3).tolist()
(True, [1.0, -0.5])
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from lincomb.errors import ShapeError, UsageError

from .trajectory_refit import _BOUND, _noise_sigma, _pairs, choose_substeps, integrate_batch

__all__ = ["ShootingFit", "shoot_candidates"]

#: Marquardt's damping: its start, and its factors after a rejected and an accepted step.
_DAMPING = (1e-3, 4.0, 1 / 3)


@dataclass
class ShootingFit:
    """One candidate's single-shooting fit (:func:`shoot_candidates`).

    Attributes
    ----------
    cost : float
        Half the sum of squared residuals in units of the local noise estimate, coefficients and start
        states fitted; ``inf`` when the candidate could not be integrated on the data.
    coefficients : numpy.ndarray
        (K, n) fitted coefficients (zero outside the candidate's mask).
    residuals : int
        Number of residuals (observed sample components).
    iterations : int
        Levenberg-Marquardt steps tried.

    Examples
    --------
    >>> ShootingFit(math.inf, np.zeros((1, 1)), 10, 0).cost
    inf
    """

    cost: float
    coefficients: np.ndarray
    residuals: int
    iterations: int


def shoot_candidates(features: Callable[[np.ndarray], np.ndarray], coefficients: Sequence, masks: Sequence, t, X,
                     evaluations: int = 8, time_limit: float | None = 3.0) -> list[ShootingFit]:
    """Fit each candidate ``x' = W_c.T z(x)`` (free entries ``masks[c]``) to the data by single shooting, all at once.

    Parameters
    ----------
    features : callable
        ``features(Z)`` maps states (m, n) to the values (m, K) of the union of all candidates' features.
    coefficients : sequence of array_like
        (K, n) starting coefficients per candidate (entries outside its mask are held).
    masks : sequence of array_like of bool
        (K, n) free coefficients per candidate.
    t, X
        One trajectory (times, (samples, n) data) or lists of them; every trajectory is one shooting segment.
    evaluations : int
        Batched integrations of the Levenberg-Marquardt phase (each one every candidate's step and Jacobian).
    time_limit : float or None
        CPU seconds of this process; past it every candidate keeps the best point found.

    Returns
    -------
    list of ShootingFit
        One per candidate, in order.

    Notes
    -----
    The Runge-Kutta substeps are chosen once for all candidates, on their starting coefficients (halving the
    step must move each integrable candidate's solution by less than a tenth of the noise), as in
    :func:`~lincomb.learn.trajectory_refit.refit_coefficients`.  Each candidate's start states begin at
    the first samples.  A candidate whose integration leaves 100 times the data's scale at its starting
    coefficients gets ``cost = inf``; a step that leaves it later is rejected.

    Examples
    --------
    >>> t = np.linspace(0, 3, 151)
    >>> X = np.exp(-0.5 * t)[:, None]                            # x' = -x / 2
    >>> decay, constant = np.array([[True], [False]]), np.array([[False], [True]])
    >>> fits = shoot_candidates(lambda Z: np.c_[Z, np.ones(len(Z))], [np.array([[-0.4], [0.0]]),
    ...                         np.array([[0.0], [-0.3]])], [decay, constant], t, X)
    >>> round(float(fits[0].coefficients[0, 0]), 4), fits[0].cost < fits[1].cost
    (-0.5, True)
    """
    masks = [np.asarray(m, dtype=bool) for m in masks]
    starting = [np.array(w, dtype=float) for w in coefficients]
    if len(starting) != len(masks):
        raise UsageError(f"{len(starting)} coefficient arrays for {len(masks)} masks")
    if not masks:
        return []
    K, n = starting[0].shape
    for w, m in zip(starting, masks):
        if w.shape != (K, n) or m.shape != (K, n):
            raise ShapeError(f"every candidate's coefficients and mask must be ({K}, {n}), got {w.shape} and {m.shape}")
    deadline = None if time_limit is None else time.process_time() + float(time_limit)
    pairs = _pairs(t, X)
    sigmas = _noise_sigma(pairs)
    S, L = len(pairs), max(tk.size for tk, _ in pairs)
    steps = np.zeros((S, L - 1))
    Y = np.zeros((S, L, n))
    weight = np.zeros((S, L, n))
    for s, (tk, Xk) in enumerate(pairs):
        Y[s, : tk.size], weight[s, : tk.size] = Xk, 1.0 / sigmas[s]
        steps[s, : tk.size - 1] = np.diff(tk)
    bound = _BOUND * np.maximum(np.vstack([np.abs(Xk) for _, Xk in pairs]).max(axis=0), 1e-12)
    residual_count = int(np.count_nonzero(weight))
    C = len(masks)
    free = [np.flatnonzero(m.reshape(-1)) for m in masks]

    def run(Wb, starts, substeps):
        out, escaped = integrate_batch(features, Wb, starts, steps, substeps, bound)
        return ((out - Y[None]) * weight[None]).reshape(len(Wb), -1), escaped

    # ---- substeps, on the starting coefficients of all candidates at once
    x0 = np.repeat(Y[None, :, 0], C, axis=0)
    Wstart = np.stack(starting)
    substeps, alive = choose_substeps(lambda m: run(Wstart, x0, m), deadline)
    if substeps is None:
        return [ShootingFit(math.inf, w.copy(), residual_count, 0) for w in starting]

    # ---- Levenberg-Marquardt, every live candidate's trial point and its Jacobian in one integration
    state_step = 1e-6 * bound / _BOUND
    coef_step = []
    for c in range(C):
        w = Wstart[c].reshape(-1)[free[c]]
        coef_step.append(1e-6 * np.maximum(np.abs(w), 1e-3 * max(np.abs(w).max(initial=0.0), 1e-12)))
    point = [np.concatenate([Wstart[c].reshape(-1)[free[c]], x0[c].reshape(-1)]) for c in range(C)]
    trial = [p.copy() for p in point]
    best = [None] * C  # (cost, residuals, Jacobian) at the accepted point
    damping = [_DAMPING[0]] * C
    tried = [0] * C

    def evaluate(members):
        """Residuals and Jacobians at ``trial[c]`` for the candidates ``members``, one integration."""
        blocks, Ws, Xs, size = [], [], [], 0
        for c in members:
            P = free[c].size
            W = Wstart[c].reshape(-1).copy()
            W[free[c]] = trial[c][:P]
            starts = trial[c][P:].reshape(S, n)
            Wc = np.repeat(W.reshape(K, n)[None], 1 + P + n, axis=0)
            flat = Wc.reshape(1 + P + n, -1)
            for q in range(P):
                flat[1 + q, free[c][q]] += coef_step[c][q]
            Sc = np.repeat(starts[None], 1 + P + n, axis=0)
            for i in range(n):
                Sc[1 + P + i, :, i] += state_step[i]
            blocks.append(size)  # candidate c's members start at this row of the batch
            size += 1 + P + n
            Ws.append(Wc)
            Xs.append(Sc)
        r, escaped = run(np.concatenate(Ws), np.concatenate(Xs), substeps)
        out = {}
        for c, at in zip(members, blocks):
            P = free[c].size
            if escaped[at]:
                out[c] = None
                continue
            base = r[at]
            J = np.zeros((base.size, P + S * n))
            J[:, :P] = (r[at + 1 : at + 1 + P] - base).T / coef_step[c]
            for i in range(n):
                d = ((r[at + 1 + P + i] - base) / state_step[i]).reshape(S, L * n)
                for s in range(S):  # a trajectory's rows depend on its own start only
                    J[s * L * n : (s + 1) * L * n, P + s * n + i] = d[s]
            out[c] = (0.5 * float(base @ base), base, J)
        return out

    members = [c for c in range(C) if alive[c]]
    for _ in range(max(int(evaluations), 1)):
        if not members or (deadline is not None and time.process_time() > deadline):
            break
        results = evaluate(members)
        still = []
        for c in members:
            tried[c] += 1
            got = results[c]
            if got is not None and (best[c] is None or got[0] < best[c][0]):
                converged = best[c] is not None and best[c][0] - got[0] < 1e-8 * best[c][0]
                point[c], best[c] = trial[c].copy(), got
                damping[c] *= _DAMPING[2]
                if converged:
                    continue
            elif best[c] is None:
                continue  # escaped at its starting point: cost stays inf
            else:
                damping[c] *= _DAMPING[1]
            _, base, J = best[c]
            JTJ = J.T @ J
            D = np.diag(JTJ).copy()
            D[D <= 0] = 1.0
            try:
                delta = np.linalg.solve(JTJ + damping[c] * np.diag(D), -J.T @ base)
            except np.linalg.LinAlgError:
                continue
            trial[c] = point[c] + delta
            still.append(c)
        members = still

    fits = []
    for c in range(C):
        W = Wstart[c].reshape(-1).copy()
        if best[c] is None:
            fits.append(ShootingFit(math.inf, W.reshape(K, n), residual_count, tried[c]))
            continue
        W[free[c]] = point[c][: free[c].size]
        fits.append(ShootingFit(best[c][0], W.reshape(K, n), residual_count, tried[c]))
    return fits
