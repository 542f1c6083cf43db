"""Information criteria and pruning paths shared by the symbolic-regression modules.

This is the lowest module of the symbolic-regression stack: :mod:`lincomb.learn.symreg`,
:mod:`lincomb.learn.weak_selection` and :mod:`lincomb.learn.symreg_library` import it, and it imports
none of them (no import cycle).

**The criterion.**  A least-squares fit with ``k`` terms, residual sum of squares ``RSS`` over ``N``
(effective) samples, is scored by BIC ``N log(RSS/N) + k log N`` (Schwarz 1978) or AIC
``N log(RSS/N) + 2k``.  When the terms are chosen from a library of ``p`` candidates, the chance that
*some* spurious candidate fits the noise grows with ``p``; the extended BIC of Chen and Chen
(Biometrika 95, 2008) adds ``2 gamma log C(p, k)`` for that.  :func:`information_criterion` takes that
extra penalty as ``extra`` (see :func:`ebic_penalty`).  ``RSS/N`` is floored at 1e-6 (targets are
scaled to unit root-mean-square): a relative residual below 1e-3 counts as exact, so that extra terms
cannot win by fitting round-off or the quadrature error of the weak form (on noise-free samples a few
per mille of the signal at the shortest test functions; any noise of 1 % or more leaves a larger
residual).

Examples
--------
>>> information_criterion(1.0, 100, 2) < information_criterion(1.0, 100, 3)
True
>>> round(ebic_penalty(1000, 2), 3)
13.121
"""

from __future__ import annotations

import math
from typing import Sequence

import numpy as np

from lincomb.errors import UsageError

__all__ = ["EXACT_FIT", "ebic_penalty", "information_criterion", "least_squares", "prune_path"]

#: The floor of ``RSS/N`` in :func:`information_criterion` (targets scaled to unit root-mean-square).
EXACT_FIT = 1e-6


def information_criterion(rss: float, samples: float, terms: float, kind: str = "bic", extra: float = 0.0,
                          exact_fit: float = EXACT_FIT) -> float:
    """BIC ``N log(RSS/N) + k log N`` or AIC ``N log(RSS/N) + 2k`` of a least-squares fit, plus ``extra``.

    ``RSS/N`` is floored at 1e-6 (targets are scaled to unit root-mean-square): a relative residual
    below 1e-3 counts as exact, so that extra terms cannot win by fitting round-off or quadrature error.  ``terms`` counts
    every fitted parameter (a nonlinear parameter inside a unit counts as one more).  ``exact_fit = 0``
    drops the floor (for comparing sets that all reach it, where it would leave only the counting).

    Examples
    --------
    >>> information_criterion(1.0, 100, 2) < information_criterion(1.0, 100, 3)
    True
    >>> information_criterion(1.0, 100, 2, "aic") - information_criterion(1.0, 100, 1, "aic")
    2.0
    >>> information_criterion(1e-9, 100, 1) > information_criterion(1e-9, 100, 1, exact_fit=0)
    True
    >>> information_criterion(1.0, 100, 2, "mdl")
    Traceback (most recent call last):
    ...
    lincomb.errors.UsageError: criterion must be 'bic' or 'aic', got 'mdl'
    """
    if kind not in ("bic", "aic"):
        raise UsageError(f"criterion must be 'bic' or 'aic', got {kind!r}")
    # Residuals below a relative root-mean-square of 1e-3 (of a unit-scaled target) count as an
    # exact fit: below that level the residual is estimation or quadrature error, and letting extra
    # terms chase it would reward spurious terms on noise-free data.
    fit = samples * math.log(max(rss / samples, exact_fit, 1e-300))
    return fit + terms * (math.log(samples) if kind == "bic" else 2.0) + extra


def ebic_penalty(library_size: int, terms: int, gamma: float = 0.5) -> float:
    """The extended-BIC term ``2 gamma log C(p, k)`` (Chen and Chen 2008) for ``k`` of ``p`` candidates.

    Examples
    --------
    >>> ebic_penalty(10, 0), round(ebic_penalty(10, 1), 4)
    (0.0, 2.3026)
    """
    p, k = max(int(library_size), 1), max(int(terms), 0)
    if k > p:
        k = p
    return 2.0 * gamma * (math.lgamma(p + 1) - math.lgamma(k + 1) - math.lgamma(p - k + 1))


def least_squares(gram: np.ndarray, moment: np.ndarray, active) -> np.ndarray:
    """Least-squares weights of the active columns from the Gram matrix (small solves, no BLAS threads).

    Examples
    --------
    >>> least_squares(np.eye(2) * 2, np.array([2.0, 4.0]), np.array([True, True]))
    array([1., 2.])
    """
    sub = gram[np.ix_(active, active)]
    try:
        return np.linalg.solve(sub, moment[active])
    except np.linalg.LinAlgError:
        return np.linalg.lstsq(sub, moment[active], rcond=None)[0]


def prune_path(features: np.ndarray, target: np.ndarray, weights: np.ndarray,
               thresholds: Sequence[float]) -> list[tuple[int, ...]]:
    """The distinct sets of kept units when pruning trained ``weights`` at each threshold.

    ``features`` are scaled to unit root-mean-square and ``target`` too, so weights and thresholds
    are relative.  At threshold ``tau`` the units with ``|weight| >= tau`` are kept, refitted by least
    squares, and those whose refitted weight falls below ``tau`` are dropped, until stable.

    Examples
    --------
    >>> F = np.c_[np.linspace(-1, 1, 40), np.linspace(-1, 1, 40) ** 2]
    >>> prune_path(F, F[:, 0], np.array([0.9, 0.01]), [1e-3, 0.1, 2.0])
    [(0,), ()]
    """
    gram, moment = features.T @ features, features.T @ target
    sets: list[tuple[int, ...]] = []
    for tau in thresholds:
        active = np.abs(weights) >= tau
        while active.any():
            coef = least_squares(gram, moment, active)
            small = np.abs(coef) < tau
            if not small.any():
                break
            indices = np.flatnonzero(active)
            active[indices[small]] = False
        chosen = tuple(int(i) for i in np.flatnonzero(active))
        if chosen not in sets:
            sets.append(chosen)
    return sets
