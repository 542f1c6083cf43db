"""Choosing an equation's terms on the weak (integral) form, with a parsimony rule for near-ties.

The symbolic-regression network (:mod:`lincomb.learn.symreg`) is trained on estimated derivatives,
and its pruned expressions were first scored on them too.  Smoothing biases those derivatives, and on
noisy data the bias made spurious terms pay (``cos(y)``, ``y**2`` in the damped driven pendulum at
1 % noise).  Here the terms are chosen on the weak form instead (rows ``A w ~ b`` of
:func:`~lincomb.learn.ode_regression.weak_form_rows`, built from the raw data: no derivative, no
smoothing), in three steps:

1. **start sets**: the network's pruning path (its trained output weights thresholded at log-spaced
   levels, each set refitted until stable, :func:`~lincomb.learn.symreg.prune_path`) on the weak-form
   system, and any sets given by the caller (the derivative-based choice);
2. **stepwise search** from the best of them: drop a term, add a unit of the network, or swap one for
   another, taking the move that lowers the information criterion most, until none does;
3. **parsimony among near-ties**: of all the sets scored, those within ``margin`` (default 2) of the
   best criterion are equivalent as far as the data can tell (a BIC difference below 2 is not
   evidence, Kass and Raftery 1995), and the simplest of them is chosen: fewest terms, then fewest
   non-polynomial terms, then fewest operations, then the criterion.

Step 3 decides between ``y`` and ``sin(y)`` when ``y`` stays small (Hopf normal form,
``|y| <= 1``: ``sin(y) = y - y**3/6 + ...``, and a ``y**3`` term absorbs the difference), where the
fit alone cannot tell them apart; it prefers the polynomial.  When ``sin`` is the truth over a range
where the two differ (the pendulum), the criterion separates them by far more than 2.

The criterion counts a quarter of the rows as samples: neighbouring test functions overlap (stride a
quarter of the support), so their errors are correlated.

Examples
--------
>>> rng = np.random.default_rng(0)
>>> A = rng.standard_normal((200, 4))
>>> b = A[:, 0] - 2 * A[:, 3] + 1e-3 * rng.standard_normal(200)
>>> weak_select(A, b, np.array([1.0, 0.0, 0.0, -2.0]), complexities=[(0, 0)] * 4).terms
(0, 3)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np
import sympy

from lincomb.errors import UsageError

__all__ = ["WeakSelection", "term_complexity", "weak_select"]

_MAX_STEPS = 50


def term_complexity(term: sympy.Expr, symbols: Sequence[sympy.Symbol]) -> tuple[int, int]:
    """``(non-polynomial, operations)`` of one term: 1 if it is not a polynomial in ``symbols``, and
    its sympy operation count.

    Examples
    --------
    >>> x, y = sympy.symbols("x y")
    >>> term_complexity(y, [x, y]), term_complexity(sympy.sin(y), [x, y]), term_complexity(x**2 * y, [x, y])
    ((0, 0), (1, 1), (0, 2))
    >>> term_complexity(x**2 / (1 + x**2), [x])
    (1, 4)
    """
    polynomial = bool(term.is_polynomial(*symbols))
    return (0 if polynomial else 1, int(sympy.count_ops(term)))


@dataclass
class WeakSelection:
    """The outcome of :func:`weak_select`.

    Attributes
    ----------
    terms : tuple of int
        Chosen columns of ``A``, increasing.
    coefficients : numpy.ndarray
        Their least-squares weights on the (unscaled) weak form.
    criterion : float
        The chosen set's information criterion.
    best_criterion : float
        The lowest criterion seen (the chosen set is within ``margin`` of it).
    scored : dict
        Every set scored, mapped to its criterion.

    Examples
    --------
    >>> WeakSelection((0,), np.array([1.0]), -10.0, -10.0).terms
    (0,)
    """

    terms: tuple[int, ...]
    coefficients: np.ndarray
    criterion: float
    best_criterion: float
    scored: dict = field(default_factory=dict)


def weak_select(A: np.ndarray, b: np.ndarray, weights: np.ndarray, complexities: Sequence[tuple[int, int]],
                start_sets: Sequence[Sequence[int]] = (), criterion: str = "bic", margin: float = 2.0,
                thresholds: int = 40) -> WeakSelection:
    """Choose the columns of ``A`` that explain ``b`` (see the module text for the three steps).

    Parameters
    ----------
    A : numpy.ndarray, shape (rows, units)
        Weak-form rows of every candidate unit (finite).
    b : numpy.ndarray, shape (rows,)
        Weak-form targets.
    weights : numpy.ndarray, shape (units,)
        The network's trained output weights of the units (their pruning path gives start sets).
    complexities : sequence of (int, int)
        :func:`term_complexity` of each unit.
    start_sets : sequence of sequences of int
        Further start sets (e.g. the derivative-based choice).
    criterion : {"bic", "aic"}
        Information criterion.
    margin : float
        Sets within this much of the best criterion count as ties, decided by parsimony.
    thresholds : int
        Number of pruning thresholds (log-spaced between 1e-5 and 1).

    Returns
    -------
    WeakSelection

    Examples
    --------
    >>> weak_select(np.ones((5, 2)), np.ones(5), np.ones(3), [(0, 0)] * 2)
    Traceback (most recent call last):
    ...
    lincomb.errors.UsageError: A has 2 columns but 3 weights and 2 complexities were given; give one of each per column
    """
    from .symreg import information_criterion, prune_path

    A = np.asarray(A, dtype=float)
    b = np.asarray(b, dtype=float)
    units = A.shape[1]
    if len(weights) != units or len(complexities) != units:
        raise UsageError(f"A has {units} columns but {len(weights)} weights and {len(complexities)} complexities "
                         "were given; give one of each per column")
    if not (np.all(np.isfinite(A)) and np.all(np.isfinite(b))):
        raise UsageError("the weak-form rows are not all finite; leave out the units that are not finite on the data")
    scale = np.sqrt(np.mean(A**2, axis=0))
    scale[scale == 0] = 1.0
    target_scale = float(np.sqrt(np.mean(b**2))) or 1.0
    As, bs = A / scale, b / target_scale
    rows = A.shape[0]
    effective = max(1, rows // 4)
    gram, moment = As.T @ As, As.T @ bs
    scored: dict[tuple[int, ...], float] = {}

    def solve(kept: tuple[int, ...]) -> np.ndarray:
        sub = gram[np.ix_(kept, kept)]
        try:
            return np.linalg.solve(sub, moment[list(kept)])
        except np.linalg.LinAlgError:
            return np.linalg.lstsq(As[:, list(kept)], bs, rcond=None)[0]

    def score(kept: tuple[int, ...]) -> float:
        kept = tuple(sorted(kept))
        if kept not in scored:
            if kept:
                rss = float(np.sum((As[:, list(kept)] @ solve(kept) - bs) ** 2))
            else:
                rss = float(np.sum(bs**2))
            scored[kept] = information_criterion(rss * effective / rows, effective, len(kept), criterion)
        return scored[kept]

    scaled_weights = np.asarray(weights, dtype=float) * scale / target_scale
    starts = prune_path(As, bs, scaled_weights, np.logspace(-5, 0, thresholds))
    starts += [tuple(sorted(int(k) for k in s)) for s in start_sets]
    current = min((tuple(sorted(s)) for s in starts), key=score)
    for _ in range(_MAX_STEPS):
        inside, outside = list(current), [k for k in range(units) if k not in current]
        moves = [tuple(k for k in current if k != drop) for drop in inside]
        moves += [current + (add,) for add in outside]
        moves += [tuple(k for k in current if k != drop) + (add,) for drop in inside for add in outside]
        move = min(moves, key=score, default=None)
        if move is None or score(move) >= score(current):
            break
        current = tuple(sorted(move))
    best = min(scored.values())

    def simplicity(kept: tuple[int, ...]):
        return (len(kept), sum(complexities[k][0] for k in kept), sum(complexities[k][1] for k in kept), scored[kept])

    chosen = min((kept for kept, value in scored.items() if value <= best + margin), key=simplicity)
    coefficients = solve(chosen) * target_scale / scale[list(chosen)] if chosen else np.zeros(0)
    return WeakSelection(chosen, coefficients, scored[chosen], best, scored)
