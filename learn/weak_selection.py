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

from .model_selection import EXACT_FIT, ebic_penalty, information_criterion, prune_path

__all__ = ["StepwiseSearch", "WeakCriterion", "WeakSelection", "choose_simplest", "stepwise_search", "term_complexity",
           "weak_select"]

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


@dataclass
class StepwiseSearch:
    """The outcome of :func:`stepwise_search` for one equation.

    Attributes
    ----------
    chosen : tuple of int
        The chosen columns (the simplest set within ``margin`` of the best criterion).
    best : tuple of int
        The set with the lowest criterion.
    scored : dict
        Every set scored (sorted tuples of columns) mapped to its criterion.
    path : list of tuple of int
        The forward path (one set per size).
    ends : list of tuple of int
        Where each local search ended (one per sub-library and start).

    Examples
    --------
    >>> StepwiseSearch((0,), (0,), {(0,): -3.0}, [(0,)]).ranked(1)
    [(0,)]
    """

    chosen: tuple[int, ...]
    best: tuple[int, ...]
    scored: dict
    path: list
    ends: list = field(default_factory=list)

    def ranked(self, count: int) -> list[tuple[int, ...]]:
        """The ``count`` sets with the lowest criterion, best first.

        Examples
        --------
        >>> StepwiseSearch((), (), {(): 0.0, (1,): -1.0}, []).ranked(2)
        [(1,), ()]
        """
        return sorted(self.scored, key=self.scored.get)[:count]


class WeakCriterion:
    """The information criterion of column sets of ``A`` for the target ``b`` (both scaled to unit RMS).

    The score of a set of ``k`` columns with ``q`` inner (nonlinear) parameters in all is
    ``N log(RSS/N) + (k + q) log N + 2 gamma log C(P, k)``: BIC over ``N`` effective samples (every
    fitted number counts), plus the extended-BIC penalty for choosing ``k`` of ``P`` candidate units
    (Chen and Chen 2008), where ``P`` counts the library's *groups* (a unit with its inner parameters
    on a grid is one candidate, not one per grid point).  Without the extended term, with a library of
    a thousand columns some spurious column always fits the noise well enough to pay its ``log N``.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> A = rng.standard_normal((50, 3))
    >>> crit = WeakCriterion(A, A[:, 0] + 1e-3 * rng.standard_normal(50), effective=25, library_size=3)
    >>> crit.score((0,)) < crit.score((0, 1)) < crit.score(())
    True
    """

    def __init__(self, A: np.ndarray, b: np.ndarray, effective: float, library_size: int,
                 nonlinear: Sequence[int] | None = None, kind: str = "bic", gamma: float = 0.5):
        A = np.asarray(A, dtype=float)
        self.scale = np.sqrt(np.mean(A**2, axis=0))
        self.scale[self.scale == 0] = 1.0
        self.target_scale = float(np.sqrt(np.mean(np.asarray(b, dtype=float) ** 2))) or 1.0
        self.A = A / self.scale
        self.b = np.asarray(b, dtype=float) / self.target_scale
        self.rows = A.shape[0]
        self.effective = float(max(2.0, min(effective, self.rows)))
        self.library_size = int(library_size)
        self.nonlinear = np.zeros(A.shape[1], dtype=int) if nonlinear is None else np.asarray(nonlinear, dtype=int)
        self.kind = kind
        self.gamma = gamma
        self.cache: dict[tuple[int, ...], float] = {}

    def append(self, column: np.ndarray, nonlinear: int) -> int:
        """Add a column (unscaled, like the columns of ``A``); return its index.

        Examples
        --------
        >>> crit = WeakCriterion(np.eye(3), np.ones(3), 3, 3)
        >>> crit.append(np.ones(3), 1), crit.A.shape
        (3, (3, 4))
        """
        column = np.asarray(column, dtype=float)
        scale = float(np.sqrt(np.mean(column**2))) or 1.0
        self.A = np.hstack([self.A, (column / scale)[:, None]])
        self.scale = np.append(self.scale, scale)
        self.nonlinear = np.append(self.nonlinear, int(nonlinear))
        return self.A.shape[1] - 1

    def from_rss(self, rss: float, terms: int, inner: int, floored: bool = True) -> float:
        """The criterion of a fit with residual ``rss`` (scaled), ``terms`` columns and ``inner`` parameters.

        ``floored=False`` leaves out the exact-fit floor of ``RSS/N`` (see :meth:`at_exact_fit`).

        Examples
        --------
        >>> crit = WeakCriterion(np.eye(4), np.ones(4), effective=4, library_size=4)
        >>> crit.from_rss(1.0, 1, 0) < crit.from_rss(1.0, 1, 1)
        True
        >>> crit.from_rss(0.0, 1, 0) > crit.from_rss(1e-12, 1, 0, floored=False)
        True
        """
        return information_criterion(rss * self.effective / self.rows, self.effective, terms + inner, self.kind,
                                     extra=ebic_penalty(self.library_size, terms, self.gamma),
                                     exact_fit=EXACT_FIT if floored else 0.0)

    def at_exact_fit(self, rss: float) -> bool:
        """Whether a residual ``rss`` (scaled) reaches the criterion's exact-fit floor, ``RSS/N <= EXACT_FIT``.

        Examples
        --------
        >>> crit = WeakCriterion(np.eye(4), np.ones(4), effective=4, library_size=4)
        >>> crit.at_exact_fit(1e-8), crit.at_exact_fit(1.0)
        (True, False)
        """
        return rss <= EXACT_FIT * self.rows

    def rss_columns(self, columns: np.ndarray) -> tuple[float, np.ndarray]:
        """Residual (scaled) and least-squares weights of arbitrary scaled columns (rows, k).

        Examples
        --------
        >>> crit = WeakCriterion(np.eye(3), np.array([1.0, 1.0, 0.0]), effective=3, library_size=3)
        >>> round(crit.rss_columns(crit.A[:, :1])[0], 6)
        1.5
        """
        if columns.shape[1] == 0:
            return float(self.b @ self.b), np.zeros(0)
        weights, *_ = np.linalg.lstsq(columns, self.b, rcond=None)
        residual = self.b - columns @ weights
        return float(residual @ residual), weights

    def score(self, kept: Sequence[int]) -> float:
        """The criterion of a set of columns of ``A`` (cached).

        Examples
        --------
        >>> WeakCriterion(np.eye(2), np.ones(2), 2, 2).score(()) == WeakCriterion(np.eye(2), np.ones(2), 2, 2).score([])
        True
        """
        kept = tuple(sorted(int(k) for k in kept))
        if kept not in self.cache:
            rss, _ = self.rss_columns(self.A[:, list(kept)])
            self.cache[kept] = self.from_rss(rss, len(kept), int(self.nonlinear[list(kept)].sum()) if kept else 0)
        return self.cache[kept]

    def project_out(self, kept: Sequence[int], columns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``b`` and ``columns`` with their parts in the span of the ``kept`` columns of ``A`` removed.

        Examples
        --------
        >>> crit = WeakCriterion(np.eye(2), np.array([1.0, 2.0]), 2, 2)
        >>> residual, P = crit.project_out([0], crit.A)
        >>> bool(abs(residual @ crit.A[:, 0]) < 1e-12), bool(np.allclose(P[:, 0], 0)), bool(np.allclose(P[:, 1], crit.A[:, 1]))
        (True, True, True)
        """
        kept = list(kept)
        if not kept:
            return self.b, columns
        Q, _ = np.linalg.qr(self.A[:, kept])
        return self.b - Q @ (Q.T @ self.b), columns - Q @ (Q.T @ columns)

    def gains(self, kept: Sequence[int], mask: np.ndarray | None = None) -> tuple[float, np.ndarray]:
        """The residual of ``kept`` and, for every column (in ``mask``), the residual drop from adding it.

        Orthogonal least squares: a column's drop is ``(a' r)^2 / |a'|^2`` with ``a'`` its part
        orthogonal to the kept columns and ``r`` the residual.  Columns outside ``mask`` get 0.

        Examples
        --------
        >>> crit = WeakCriterion(np.eye(3), np.array([1.0, 2.0, 0.0]), 3, 3)
        >>> rss, drop = crit.gains([1])
        >>> round(rss, 6), [round(float(d), 6) for d in drop]
        (0.6, [0.6, 0.0, 0.0])
        """
        residual, P = self.project_out(kept, self.A if mask is None else self.A[:, mask])
        norms = np.einsum("ij,ij->j", P, P)
        usable = norms > 1e-9 * self.rows
        drop = np.zeros(P.shape[1])
        drop[usable] = (P[:, usable].T @ residual) ** 2 / norms[usable]
        if mask is None:
            return float(residual @ residual), drop
        full = np.zeros(self.A.shape[1])
        full[mask] = drop
        return float(residual @ residual), full


def stepwise_search(criterion: WeakCriterion, groups: Sequence, complexities: Sequence[tuple],
                    start_sets: Sequence[Sequence[int]] = (), max_terms: int = 10, margin: float = 2.0,
                    max_steps: int = 40, sublibraries: Sequence[Sequence[int]] = (),
                    forward_paths: bool = True, refine=None, pair_paths: bool = True) -> StepwiseSearch:
    """Choose columns by forward selection, then drop / add / swap moves, then parsimony among near-ties.

    1. **Forward paths** (orthogonal least squares): add the column that lowers the residual most,
       up to ``max_terms`` or two steps past the path's best set; at most one column per group (one grid point of a unit).  A greedy path in
       a large library of nearly collinear units is myopic (its first choice is the one unit that
       mimics most of the signal alone), so a path is run in each of ``sublibraries`` as well as in
       the whole library (from the empty set): the first sub-library from the empty set, each later
       one from the first one's greedy set of about ``max_terms / 2`` columns (e.g. the polynomials
       of low degree, then one more family grown onto them; the local search drops what is not
       needed).  Each family's sub-library is also grown from its best **pair** (the constant or a
       state beside one of the family's units, the few best at their grid points roughly refined),
       when that pair beats every set of at most two terms seen: most rate laws are a production or
       interaction term beside a first-order loss, and a truth of two or three terms is then not
       hidden behind the polynomial origin's stand-ins.
    2. **Local search** from the best set of each path and from each start set, in that path's
       sub-library and then in the whole library: the best of dropping a column, adding one or
       swapping one for another (the swap's new column chosen by the residual drop), while the
       criterion decreases.
    3. **Parsimony among near-ties**: of all the sets scored, those within ``margin`` of the best are
       equivalent as far as the data can tell (a BIC difference below 2 is not evidence, Kass and
       Raftery 1995), and the simplest is chosen: fewest fitted numbers (terms plus inner
       parameters), then fewest non-polynomial terms, fewest operations, then the criterion.

    Every set, whichever path found it, is scored by the same criterion; the sub-libraries only
    decide where the search looks.

    Parameters
    ----------
    criterion : WeakCriterion
        Scores sets of columns.
    groups : sequence
        A hashable group per column (a unit without its inner parameters).
    complexities : sequence of tuple
        ``(non-polynomial, operations)`` per column.
    start_sets : sequence of sequences of int
        Further starts for the local search (e.g. the network's pruning path).
    max_terms : int
        Longest forward path.
    margin : float
        Near-tie margin of the criterion.
    max_steps : int
        Longest local search.
    sublibraries : sequence of sequences of int
        Column subsets searched on their own first (default: none, only the whole library).
    forward_paths : bool
        Run the forward paths (False: only the local search from ``start_sets``).
    pair_paths : bool
        Also grow each family's sub-library from its best pair (needs ``refine``; default True).
    refine : callable, optional
        ``refine(kept, new)`` is called when a forward step adds a column with inner parameters
        (``criterion.nonlinear[new] > 0``) and may return a better column for it (its inner
        parameters refined in the context of ``kept``), which is appended to the library (same
        group, sub-libraries and complexity as ``new``) and replaces ``new`` in the path.  A grid
        point too far from the right parameter otherwise leaves a residual that the greedy path
        fills with further units.  The caller maps appended indices (``A``'s columns beyond its
        own) to its units in call order.

    Returns
    -------
    StepwiseSearch

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> A = rng.standard_normal((120, 30))
    >>> b = 2 * A[:, 3] - A[:, 17] + 0.01 * rng.standard_normal(120)
    >>> crit = WeakCriterion(A, b, effective=60, library_size=30)
    >>> stepwise_search(crit, list(range(30)), [(0, 0)] * 30).chosen
    (3, 17)
    """
    columns = criterion.A.shape[1]
    groups = list(groups)
    complexities = list(complexities)
    group_ids = {g: i for i, g in enumerate(dict.fromkeys(groups))}
    column_group = np.array([group_ids[g] for g in groups])
    masks: list[np.ndarray] = []
    for subset in sublibraries:
        mask = np.zeros(columns, dtype=bool)
        mask[list(subset)] = True
        masks.append(mask)
    masks.append(np.ones(columns, dtype=bool))
    whole = len(masks) - 1

    def best_additions(kept: tuple[int, ...], inside: np.ndarray, count: int, per_group: int = 1) -> list[int]:
        """The columns (at most ``per_group`` of a group) whose addition lowers the residual most, best first."""
        _, drop = criterion.gains(kept, None if inside.all() else inside)
        mask = inside.copy()
        if kept:
            mask &= ~np.isin(column_group, column_group[list(kept)])
        drop[~mask] = -np.inf
        found: list[int] = []
        for index in np.argsort(-drop):
            if not np.isfinite(drop[index]) or len(found) == count:
                break
            if np.count_nonzero(column_group[found] == column_group[index]) < per_group:
                found.append(int(index))
        return found

    def best_addition(kept: tuple[int, ...], inside: np.ndarray) -> tuple[int, ...] | None:
        found = best_additions(kept, inside, 1)
        return tuple(sorted(kept + (found[0],))) if found else None

    def append_refined(kept: tuple[int, ...], new: int) -> tuple[int, ...]:
        nonlocal column_group
        column = refine(kept, new)
        if column is None:
            return kept
        index = criterion.append(column, int(criterion.nonlinear[new]))
        column_group = np.append(column_group, column_group[new])
        complexities.append(complexities[new])
        for position, mask in enumerate(masks):
            masks[position] = np.append(mask, mask[new])
        return tuple(sorted([k for k in kept if k != new] + [index]))

    def forward(which: int, current: tuple[int, ...] = ()) -> list[tuple[int, ...]]:
        path: list[tuple[int, ...]] = [current]
        criterion.score(current)
        for _ in range(min(max_terms - len(current), int(masks[which].sum()))):
            if refine is None:
                grown = best_addition(current, masks[which])
                if grown is None:
                    break
            else:
                # the 24 best additions (up to three grid points of a unit), each unit with inner
                # parameters roughly refined first (the
                # best grid point of the right unit can rank below a wrong unit before refinement);
                # the winner is then refined fully and joins the library
                options = []
                for new in best_additions(current, masks[which], 24, per_group=3):
                    if criterion.nonlinear[new] > 0:
                        column = refine(tuple(sorted(current + (new,))), new, quick=True)
                        if column is not None:
                            scale = float(np.sqrt(np.mean(column**2))) or 1.0
                            stacked = np.column_stack([criterion.A[:, list(current)], column / scale])
                            rss, _ = criterion.rss_columns(stacked)
                            inner = int(criterion.nonlinear[list(current) + [new]].sum())
                            options.append((criterion.from_rss(rss, len(current) + 1, inner), new))
                            continue
                    options.append((criterion.score(tuple(sorted(current + (new,)))), new))
                if not options:
                    break
                new = min(options)[1]
                grown = tuple(sorted(current + (new,)))
                if criterion.nonlinear[new] > 0:
                    grown = append_refined(grown, new)
            current = grown
            path.append(current)
            criterion.score(current)
            # stop two steps past the best set of the path: only that set seeds the local search
            # (not the first sub-library's path, whose longer sets are the later paths' origins)
            scores = [criterion.score(p) for p in path]
            if which != 0 and len(path) - 1 - int(np.argmin(scores)) >= 2:
                break
        return path

    def best_pair(which: int, firsts: np.ndarray, count: int = 3) -> tuple[int, ...] | None:
        """The best two-term set of one column of ``firsts`` (the constant and the states) and one column of
        the sub-library outside the first sub-library, inner parameters refined: a production or
        interaction term beside a first-order loss or a constant source.  The ``2 count`` best second
        columns (at most two grid points of a unit) beside each first column are ranked at their grid
        points, then roughly refined (a grid point near the right parameter can rank below a wrong unit
        before, and a unit's best grid point can lie on the wrong side: ``exp(-2.5 x)`` for ``exp(x)``).
        The ``count`` best pairs of distinct units are then refined in full (their refined columns join
        the library) and the best is returned; at the exact-fit floor the unfloored criterion breaks ties."""
        options = []
        for first in [k for k in np.flatnonzero(firsts) if masks[which][k]]:
            rss, drop = criterion.gains((int(first),), masks[which] & ~masks[0])
            taken: list[int] = []
            for second in np.argsort(-drop):
                if drop[second] <= 0 or len(taken) == 2 * count:
                    break
                if taken.count(column_group[second]) == 2:
                    continue
                taken.append(column_group[second])
                pair = tuple(sorted((int(first), int(second))))
                inner = int(criterion.nonlinear[second])
                residual = rss - drop[second]
                if inner > 0:
                    column = refine(pair, int(second), quick=True)
                    if column is not None:
                        scale = float(np.sqrt(np.mean(column**2))) or 1.0
                        fitted, _ = criterion.rss_columns(np.column_stack([criterion.A[:, int(first)], column / scale]))
                        residual = min(residual, fitted)
                # pairs at the exact-fit floor (noise-free data) tie on the criterion: the unfloored one
                # decides, else the first pair in column order would win (the toggle switch's
                # v' = 3/(1 + u**2) - v lost to a Hill look-alike of u on its short arc)
                options.append((criterion.from_rss(residual, 2, inner), criterion.from_rss(residual, 2, inner, floored=False),
                                pair, int(second)))
        if not options:
            return None
        # The rough refinement only ranks: the ``count`` best pairs of distinct units are refined in full
        # and the best of them is taken (the toggle switch's 3/(1 + u**2) ranked fifth at its grid point
        # K = 0.93, behind a Haldane look-alike, and reached the exact fit only when refined to K = 1).
        finalists: list[tuple[tuple[int, ...], int]] = []  # (pair, its unit's column)
        for _, _, pair, second in sorted(options):
            if all(column_group[second] != column_group[other] for _, other in finalists):
                finalists.append((pair, second))
            if len(finalists) == count:
                break
        best = None
        for pair, second in finalists:
            if criterion.nonlinear[second] > 0:
                pair = append_refined(pair, second)
            fitted_rss, _ = criterion.rss_columns(criterion.A[:, list(pair)])
            key = (criterion.score(pair),
                   criterion.from_rss(fitted_rss, 2, int(criterion.nonlinear[list(pair)].sum()), floored=False))
            if best is None or key < best[0]:
                best = (key, pair)
        return best[1]

    def local(current: tuple[int, ...], inside: np.ndarray) -> tuple[int, ...]:
        inside_index = np.flatnonzero(inside)
        C = criterion.A if inside_index.size == criterion.A.shape[1] else criterion.A[:, inside_index]
        C_group = column_group[inside_index]
        for _ in range(max_steps):
            kept = list(current)
            moves = [tuple(k for k in current if k != drop) for drop in current]
            residual, P = criterion.project_out(kept, C)
            correlation = P.T @ residual
            norms = np.einsum("ij,ij->j", P, P)
            floor = 1e-9 * criterion.rows

            def best(numerator, denominator, excluded_groups):
                gain = np.where(denominator > floor, numerator**2 / np.maximum(denominator, floor), -np.inf)
                gain[np.isin(C_group, excluded_groups)] = -np.inf
                position = int(np.argmax(gain))
                return None if not np.isfinite(gain[position]) else int(inside_index[position])

            if len(current) < max_terms:
                added = best(correlation, norms, column_group[kept] if kept else [])
                if added is not None:
                    moves.append(tuple(sorted(current + (added,))))
            # Swaps without refactoring: dropping column j adds back the direction q_j (its part
            # orthogonal to the other kept columns), so the residual gains (q_j . b) q_j and every
            # projected column gains (q_j . a) q_j; both are rank-one updates.
            for drop in kept:
                rest = [k for k in kept if k != drop]
                Qj, _ = np.linalg.qr(criterion.A[:, rest + [drop]])
                q = Qj[:, -1]
                aq = C.T @ q
                added = best(correlation + aq * float(q @ criterion.b), norms + aq**2,
                             column_group[rest] if rest else [])
                if added is not None and added != drop:
                    moves.append(tuple(sorted(rest + [added])))
            if not moves:
                break
            move = min(moves, key=criterion.score)
            if criterion.score(move) >= criterion.score(current) - 1e-9:
                break
            current = move
        return current

    path: list[tuple[int, ...]] = []
    ends = []
    first_path: list[tuple[int, ...]] = []
    # the constant and the states (columns of the first sub-library with no operation): the first
    # terms of the pairs
    linear = np.zeros(columns, dtype=bool)
    if len(masks) > 1:
        for k in np.flatnonzero(masks[0]):
            linear[k] = tuple(complexities[k]) == (0, 0)
    for which in range(len(masks)) if forward_paths else []:
        # The first sub-library's choice is where the later sub-libraries start growing from (the
        # polynomials of low degree, then a family added to them: the library grows only while the
        # criterion improves); the whole library starts from nothing.
        origin = ()
        if first_path and which not in (0, whole) and len(sublibraries) > 1:
            # the greedy polynomial set of about half the largest size (the criterion's choice
            # can be empty when no polynomial fits well, and the family units then grow alone)
            origin = first_path[min(len(first_path) - 1, max(3, max_terms // 2))]
        sub_path = forward(which, origin)
        if which == 0:
            first_path = sub_path
        if which == whole:
            path = sub_path
        ends.append(local(min(sub_path, key=criterion.score), masks[which]))
        if origin and pair_paths and refine is not None:
            # The family grown from its best pair too: a saturating unit often replaces several of
            # the origin's polynomial terms at once (y' = a/(1 + x**3) - y is two terms, and from
            # {1, x, y, ...} plus a Hill unit at a grid point no single drop / add / swap reaches
            # it), and a path from nothing starts with the one unit that mimics most of the signal
            # alone.  Grown only when the pair beats every set of at most two terms seen so far (on a
            # polynomial system it does not, and the path would cost a second forward search).
            pair = best_pair(which, linear)
            if pair is not None and criterion.score(pair) < min(
                    value for kept, value in criterion.cache.items() if len(kept) <= 2 and kept != pair):
                sub_path = forward(which, pair)
                ends.append(local(min(sub_path, key=criterion.score), masks[which]))
    # The whole library is searched from the three best ends (and every start set given).
    given = [tuple(sorted(set(int(k) for k in s))) for s in start_sets]
    best_ends = sorted(dict.fromkeys(ends), key=criterion.score)[:3]
    for end in dict.fromkeys(best_ends + given):
        ends.append(local(end, masks[whole]))
    scored = dict(criterion.cache)
    best = min(scored, key=scored.get)
    chosen = choose_simplest(scored, complexities, criterion.nonlinear, margin)
    return StepwiseSearch(chosen, best, scored, path, list(dict.fromkeys(ends)))


def choose_simplest(scored: dict, complexities: Sequence[tuple], nonlinear: Sequence[int], margin: float = 2.0):
    """The simplest set among those within ``margin`` of the lowest criterion (see :func:`stepwise_search`).

    Examples
    --------
    >>> choose_simplest({(0, 1): -10.0, (2,): -9.0, (0,): -5.0}, [(0, 0), (0, 0), (1, 3)], [0, 0, 0])
    (2,)
    """
    best = min(scored.values())

    def simplicity(kept):
        return (len(kept) + sum(int(nonlinear[k]) for k in kept), sum(complexities[k][0] for k in kept),
                sum(complexities[k][1] for k in kept), scored[kept])

    return min((kept for kept, value in scored.items() if value <= best + margin), key=simplicity)
