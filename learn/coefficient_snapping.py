"""Coefficients snapped to the simplest numbers the data cannot tell from the fitted ones.

A fitted coefficient is a measurement; the law behind it is usually written with plain numbers (Lorenz's
10, 28 and 8/3, Rucklidge's 6.7).  This module replaces each coefficient of a fitted system by the
shortest plain number within a few standard errors of it (:func:`plain_numbers`: one or two significant
digits, or a half, third or quarter), refits the others with those fixed, and keeps the snap only when
a likelihood-ratio test on the data does not reject it: the snapped system is the null hypothesis, the
multiple-shooting refit with every coefficient free (:func:`~lincomb.learn.trajectory_refit.refit_coefficients`)
the alternative, with as many degrees of freedom as coefficients snapped, at level 1 %.  This is the
rational snapping of AI Feynman (Udrescu and Tegmark, Sci. Adv. 6, eaay2631, 2020: a constant replaced
by a nearby rational when the description length falls and the fit stays), with a test in place of
their error threshold.

Why it matters beyond tidiness: on a chaotic flow a coefficient error of a few parts in 10^4 decides
whether the integrated model follows a second trajectory (docs/symreg.md, "Session 9"), and one noisy
trajectory does not estimate the coefficients that well; when the law's numbers are plain, the snap
recovers them exactly.  When they are not, no plain number lies within the standard errors and the
coefficient stays as fitted, or the test rejects the snap, or (within the data's precision) a nearby
plain number is kept: a chaotic model can then leave a second trajectory sooner (docs/symreg.md,
"Session 10").

Examples
--------
>>> import numpy as np
>>> W = np.array([[0.0, -0.9987], [1.0012, 0.0]])
>>> se = np.full((2, 2), 0.002)
>>> exact, changed = snap_matrix(W, se, 3.0)
>>> exact, changed
([[None, Fraction(-1, 1)], [Fraction(1, 1), None]], 2)
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Callable, Sequence

import numpy as np

from .trajectory_refit import SEGMENT_SAMPLES, refit_coefficients

__all__ = ["SNAP_LEVELS", "CoefficientSnap", "plain_numbers", "snap_coefficients", "snap_matrix"]

#: Widths of the search for a simple number, in standard errors, widest (simplest numbers) first; the first
#: level whose snapped system the data do not reject is kept.
SNAP_LEVELS = (10.0, 3.0, 1.0)


@dataclass
class CoefficientSnap:
    """The outcome of :func:`snap_coefficients`.

    Attributes
    ----------
    exact : list of list or None
        (features, states) per coefficient its simple number (a Fraction), or None where it stays as fitted
        (no simple number within the level, or a zero entry); None when no snap was accepted.
    level : float or None
        The accepted width in standard errors.
    nearest : bool
        Whether the accepted snap took the nearest plain numbers in the window (else the shortest).
    snapped : int
        How many coefficients moved to a simple number.
    tried : list of tuple
        Per snap tried ``(level, nearest, coefficients snapped, statistic, accepted)``.
    coefficients : numpy.ndarray or None
        (features, states) the accepted system's coefficients as floats: the snapped values, and the other
        coefficients as the test's refit left them.
    seconds : float
        Wall-clock time of the tests.

    Examples
    --------
    >>> CoefficientSnap(None, None, 0).snapped
    0
    """

    exact: list | None
    level: float | None
    snapped: int
    nearest: bool = False
    tried: list = field(default_factory=list)
    coefficients: np.ndarray | None = None
    seconds: float = 0.0


def snap_matrix(W, standard_errors, level: float, nearest: bool = False) -> tuple[list[list[Fraction]], int]:
    """Each nonzero entry of ``W`` as the simplest plain number within ``level`` standard errors, if there is one.

    Returns the matrix of plain numbers (a Fraction, or None where an entry is zero, has no finite
    standard error or no plain number that close) and how many entries have one.  Simplest is shortest
    (:func:`plain_numbers`), then nearest; with ``nearest``, the nearest plain number within the width
    whatever its length.

    Examples
    --------
    >>> exact, changed = snap_matrix(np.array([[2.6671, 0.0]]), np.array([[0.003, np.nan]]), 2.0)
    >>> str(exact[0][0]), exact[0][1], changed
    ('8/3', None, 1)
    >>> snap_matrix(np.array([[2.6671]]), np.array([[1e-6]]), 2.0)[1]      # nothing plain that close
    0
    """
    W = np.asarray(W, dtype=float)
    se = np.asarray(standard_errors, dtype=float)
    if se.shape != W.shape:
        raise ValueError(f"standard errors of shape {se.shape} for coefficients of shape {W.shape}")
    exact: list[list[Fraction | None]] = [[None] * W.shape[1] for _ in range(W.shape[0])]
    changed = 0
    for k, j in zip(*np.nonzero(W)):
        value = float(W[k, j])
        width = level * float(se[k, j])
        if not (math.isfinite(width) and width > 0 and math.isfinite(value)):
            continue
        near = [(size, abs(float(c) - value), c) for size, c in plain_numbers(value) if abs(float(c) - value) <= width]
        if near:
            exact[k][j] = min(near, key=lambda item: item[1] if nearest else item[:2])[2]
            changed += 1
    return exact, changed


def plain_numbers(value: float) -> list[tuple[int, Fraction]]:
    """The plain numbers around ``value`` with their lengths, shortest (then nearest) first: its roundings to one and
    two significant digits, and the nearest fractions with denominators 2, 3 and 4.

    The length of a decimal is its count of significant digits, of a fraction ``p/q`` the digits of ``p``
    and ``q`` (8/3 is as long as 2.7, 27/4 longer than 6.7).  The coefficients of published laws are such
    numbers (28, 8/3, 6.7, 0.87); a fraction like 13/9 or a third digit is not simpler to a reader than
    the fitted value, so none is offered (the inner parameters' snapping,
    :func:`~lincomb.learn.symreg_library.simple_numbers`, goes further).

    Examples
    --------
    >>> [(size, str(c)) for size, c in plain_numbers(6.7245)]
    [(1, '7'), (2, '67/10'), (2, '13/2'), (3, '27/4'), (3, '20/3')]
    >>> [(size, str(c)) for size, c in plain_numbers(-0.0123)]
    [(1, '-1/100'), (2, '-3/250')]
    """
    if value == 0 or not math.isfinite(value):
        return []
    out: dict[Fraction, int] = {}
    magnitude = math.floor(math.log10(abs(value)))
    for digits in (1, 2):
        step = Fraction(10) ** (magnitude - digits + 1)
        candidate = round(Fraction(value) / step) * step
        if candidate != 0 and candidate not in out:
            out[candidate] = _digits(candidate)
    for denominator in (2, 3, 4):
        candidate = Fraction(round(value * denominator), denominator)
        if candidate != 0 and candidate.denominator == denominator and candidate not in out:
            out[candidate] = len(str(abs(candidate.numerator))) + 1 if denominator == 3 else _digits(candidate)
    return sorted(((size, c) for c, size in out.items()), key=lambda item: (item[0], abs(float(item[1]) - value)))


def _digits(number: Fraction) -> int:
    """Significant digits of a number with a terminating decimal expansion (6.75: 3, 30: 1, 0.05: 1)."""
    while number.denominator != 1:
        number *= 10
    return len(str(abs(number.numerator)).rstrip("0")) or 1


def _ladder(levels: Sequence[float]) -> list[tuple[float, bool]]:
    """The snaps tried, in order: the simplest numbers at every level (widest first), then the nearest plain numbers
    at the levels of at most 3 standard errors.  The nearest plain number within a wide window is a rounding
    to two digits (0.99 for 0.9945), no simpler than the estimate and farther from it; within 3 standard
    errors it costs nothing the data can see.

    Examples
    --------
    >>> _ladder((10.0, 3.0, 1.0))
    [(10.0, False), (3.0, False), (1.0, False), (3.0, True), (1.0, True)]
    """
    return [(level, False) for level in levels] + [(level, True) for level in levels if level <= 3.0]


def snap_coefficients(features: Callable[[np.ndarray], np.ndarray], W, reference, t, X,
                      levels: Sequence[float] = SNAP_LEVELS, significance: float = 0.01,
                      time_limit: float | None = 5.0) -> CoefficientSnap:
    """The coefficients of ``x' = W.T z(x)`` snapped to simple numbers, where the data allow it.

    For each level (widest first) the nonzero coefficients that have a plain number within that many
    of ``reference``'s standard errors are fixed at the shortest one (:func:`snap_matrix`), and the others
    refitted with them fixed (:func:`~lincomb.learn.trajectory_refit.refit_coefficients` on ``reference``'s
    segments; kept as given unless that refit is significant); then the nearest plain numbers within the
    levels of at most 3 standard errors (:func:`_ladder`).  The snapped system is the null
    hypothesis, ``reference`` (the refit with every coefficient free) the alternative: the statistic
    ``2 (cost_0 - cost_1) / s**2`` is chi-squared with as many degrees of freedom as coefficients snapped,
    and the snap is accepted when it stays below the ``1 - significance`` quantile.  The first accepted
    level is returned.  (A snap of some coefficients with the others left at their fitted values would
    be unfair to it: on a chaotic flow the fitted coefficients' errors are correlated, and only the
    refit of the rest, or the snap of all, fits.)

    Parameters
    ----------
    features : callable
        ``features(Z)`` maps states (m, n) to feature values (m, K).
    W : array_like
        (K, n) fitted coefficients.
    reference : TrajectoryRefit
        The refit of the same features with every nonzero coefficient free, on the same data: its
        ``standard_errors`` set the widths, its ``cost_after`` and ``variance`` the alternative and its
        ``segment_samples`` the segments of the test.
    t, X : array_like or lists of them
        The data, as for :func:`~lincomb.learn.trajectory_refit.refit_coefficients`.
    levels : sequence of float
        Widths in standard errors, tried in order.
    significance : float
        Level of the likelihood-ratio test.
    time_limit : float or None
        CPU seconds for each test's refit.

    Returns
    -------
    CoefficientSnap
        With ``coefficients`` the snapped system's (the snapped values and the others as refitted).

    Examples
    --------
    >>> from lincomb.learn.trajectory_refit import refit_coefficients
    >>> t = np.linspace(0, 6, 301)
    >>> rng = np.random.default_rng(0)
    >>> X = np.c_[np.cos(t), -np.sin(t)] * (1 + 0.01 * rng.standard_normal((301, 2)))   # x' = y, y' = -x
    >>> reference = refit_coefficients(lambda Z: Z, np.array([[0.0, -1.04], [0.97, 0.0]]), t, X)
    >>> out = snap_coefficients(lambda Z: Z, reference.coefficients, reference, t, X)
    >>> out.exact, out.level
    ([[None, Fraction(-1, 1)], [Fraction(1, 1), None]], 10.0)
    """
    from scipy.stats import chi2

    started = time.perf_counter()
    W = np.asarray(W, dtype=float)
    errors = getattr(reference, "standard_errors", None)
    alternative = float(getattr(reference, "cost_after", math.nan))
    variance = float(getattr(reference, "variance", math.nan))
    tried, seen = [], []
    if errors is None or np.shape(errors) != W.shape or not (math.isfinite(alternative) and variance > 0):
        return CoefficientSnap(None, None, 0, False, tried, None, time.perf_counter() - started)
    for level, nearest in _ladder(levels):
        exact, changed = snap_matrix(W, errors, level, nearest)
        if changed == 0 or exact in seen:
            continue
        seen.append(exact)
        fixed = np.array([[v is not None for v in row] for row in exact])
        start = np.where(fixed, np.array([[float(v) if v is not None else 0.0 for v in row] for row in exact]), W)
        test = refit_coefficients(features, start, t, X, mask=(W != 0) & ~fixed,
                                  segment_samples=reference.segment_samples or SEGMENT_SAMPLES,
                                  significance=significance, time_limit=time_limit)
        null = min(test.cost_before, test.cost_after)
        statistic = 2.0 * (null - alternative) / variance if math.isfinite(null) else math.inf
        accepted = bool(statistic <= chi2.ppf(1.0 - significance, changed))
        tried.append((float(level), nearest, changed, float(statistic), accepted))
        if accepted:
            return CoefficientSnap(exact, float(level), changed, nearest, tried, test.coefficients,
                                   time.perf_counter() - started)
    return CoefficientSnap(None, None, 0, False, tried, None, time.perf_counter() - started)
