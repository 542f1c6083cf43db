"""Sparse max-representations: few templates, by a support-minimising MILP (HiGHS) and an exact re-solve.

The system of :func:`lincomb.solvers.max_representation.max_representation` (one column per template class, rows
the hinge directions and the linear part on the sorted cone, target ``x_n``) has many solutions; the one the
modular pivots return uses up to ``rank`` templates (39 for n = 7, 62 for n = 8). Fewer templates mean a smaller
network (the second layer has one neuron per permuted template). This module searches a sparse support:

1. **MILP** (HiGHS, floating point): ``min sum_t z_t`` subject to ``M lam = e_n`` and ``|lam_t| <= U z_t``,
   ``z_t`` binary, with the columns scaled to max-norm 1 and ``U`` ten times the largest scaled coefficient of the
   pivots' solution, which is passed to HiGHS as the starting incumbent (so the answer is never worse);
2. an **exact re-solve** on the MILP's support
   (:func:`~lincomb.solvers.exact_sparse_solve.solve_sparse_exact`: modular pivots, an exact rational solve,
   checked on every row). That solution is the result, and its certificate is checked by the stdlib
   ``max-representation`` checker like any other.

The MILP is evidence, not proof: its dual bound holds only for the float model with the big-M ``U``, so a result
is the smallest support *found*; ``optimal`` in :attr:`SparsestResult.milp_status` (n = 5, 6) means HiGHS proved
it minimum for that model, not that an exact proof of minimality exists. (Reweighted-L1 LP rounds were tried first:
on n = 7 they stall at a 68-template vertex, worse than the pivots' 39; and a basic solution cannot be pruned,
its columns being independent.)

Examples
--------
>>> result = sparsest_representation(6, time_limit=20)
>>> result.feasible, len(result.terms), result.pivot_terms
(True, 4, 4)
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from lincomb.errors import SolverUnavailable, UsageError

from .exact_sparse_solve import solve_sparse_exact
from .max_representation import MaxRepresentation, minimum_pairs, sorted_templates
from .max_sorted_cone import LINEAR, template_column
from .max_templates import template_orbit_size

__all__ = ["SparsestResult", "min_support_milp", "sparsest_representation"]


@dataclass
class SparsestResult:
    """The outcome of :func:`sparsest_representation`.

    Attributes
    ----------
    n, k : int
    feasible : bool
    terms : list of (Fraction, Template)
        The exact sparse representation (the smaller of the MILP's and the pivots').
    pivot_terms : int
        Templates used by the pivots' solution (the starting point).
    milp_status : str
        HiGHS's model status (``"Optimal"``, ``"Time limit reached"``, ...).
    milp_objective, milp_bound : float or None
        The MILP's incumbent and dual bound (float evidence for the big-M model, not a proof).
    templates, rows, nonzeros : int
        Size of the full system.
    seconds : dict
        ``{"columns", "pivots", "milp", "exact"}`` wall times.
    objective : str
        What was minimised: ``"templates"`` or ``"width"``.

    Examples
    --------
    >>> r = sparsest_representation(5, time_limit=20)
    >>> r.feasible, len(r.terms), r.as_max_representation().feasible
    (True, 3, True)
    """

    n: int
    k: int
    feasible: bool
    terms: list
    pivot_terms: int
    milp_status: str
    milp_objective: float | None
    milp_bound: float | None
    templates: int
    rows: int
    nonzeros: int
    seconds: dict = field(default_factory=dict)
    objective: str = "templates"

    def as_max_representation(self) -> MaxRepresentation:
        """The result as a :class:`MaxRepresentation` (for certificates and networks).

        Examples
        --------
        >>> sparsest_representation(4, time_limit=10).as_max_representation().widths()
        (12, 5)
        """
        return MaxRepresentation(n=self.n, k=self.k, feasible=self.feasible, terms=self.terms, left_kernel=None,
                                 templates=self.templates, rows=self.rows, nonzeros=self.nonzeros,
                                 rank=len(self.terms), seconds=dict(self.seconds))


def min_support_milp(columns: list, n: int, start: dict, *, time_limit: float = 60.0, weights=None) -> tuple:
    """The MILP ``min #support`` of ``M lam = e_n`` (module text), warm-started at ``start``.

    Parameters
    ----------
    columns : list of dict
        The template columns (row key -> int).
    n : int
    start : dict
        A known exact solution, column index -> Fraction (fixes the big-M and is the first incumbent).
    time_limit : float
        Seconds for HiGHS.
    weights : list of float, optional
        Cost of using each column (default 1 each: the number of templates).

    Returns
    -------
    (support, status, objective, bound)
        ``support``: the column indices HiGHS selects (re-solve them exactly before use).

    Examples
    --------
    >>> from fractions import Fraction
    >>> cols = [{("lin", 1): 2}, {("lin", 0): 1, ("lin", 1): 1}, {("lin", 1): 1, (1, -1): 1}]
    >>> min_support_milp(cols, 2, {0: Fraction(1, 2)}, time_limit=5)[:2]       # 2 x2 = 2 * (1/2) ... = x2
    ([0], 'Optimal')
    """
    import highspy
    import numpy as np

    from .milp import quiet_highs

    count = len(columns)
    row_keys = list(dict.fromkeys([(LINEAR, p) for p in range(n)] + [key for column in columns for key in column]))
    row_index = {key: i for i, key in enumerate(row_keys)}
    rows = len(row_keys)
    scales = [max(abs(v) for v in column.values()) if column else 1 for column in columns]
    bound = 10.0 * max((abs(float(v)) * scales[t] for t, v in start.items()), default=1.0)
    starts, index, value = [0], [], []
    for t, (column, scale) in enumerate(zip(columns, scales)):  # lam_t: the system, then lam_t - U z_t <= 0 ...
        for key, entry in column.items():
            index.append(row_index[key])
            value.append(entry / scale)
        index += [rows + 2 * t, rows + 2 * t + 1]
        value += [1.0, -1.0]                                     # ... and -lam_t - U z_t <= 0
        starts.append(len(index))
    for t in range(count):
        index += [rows + 2 * t, rows + 2 * t + 1]
        value += [-bound, -bound]
        starts.append(len(index))
    rhs = np.zeros(rows)
    rhs[row_index[LINEAR, n - 1]] = 1.0
    infinity = highspy.kHighsInf
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = 2 * count, rows + 2 * count
    costs = np.ones(count) if weights is None else np.array([float(w) for w in weights])
    lp.col_cost_ = np.concatenate([np.zeros(count), costs])
    lp.col_lower_ = np.concatenate([np.full(count, -infinity), np.zeros(count)])
    lp.col_upper_ = np.concatenate([np.full(count, infinity), np.ones(count)])
    lp.row_lower_ = np.concatenate([rhs, np.full(2 * count, -infinity)])
    lp.row_upper_ = np.concatenate([rhs, np.zeros(2 * count)])
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = np.array(starts, dtype=np.int32)
    lp.a_matrix_.index_ = np.array(index, dtype=np.int32)
    lp.a_matrix_.value_ = np.array(value, dtype=float)
    lp.integrality_ = [highspy.HighsVarType.kContinuous] * count + [highspy.HighsVarType.kInteger] * count
    highs = quiet_highs()
    highs.passModel(lp)
    highs.setOptionValue("time_limit", float(time_limit))
    # No "threads" option: HiGHS keeps one global scheduler per process, and once an earlier solve (Pyomo's
    # appsi_highs, say) has started it, asking for another thread count makes run() fail with status "Not Set".
    incumbent = np.zeros(2 * count)
    for t, v in start.items():
        if v:
            incumbent[t] = float(v) * scales[t]
            incumbent[count + t] = 1.0
    solution = highspy.HighsSolution()
    solution.col_value = list(incumbent)
    solution.value_valid = True
    highs.setSolution(solution)
    if highs.run() == highspy.HighsStatus.kError:
        raise SolverUnavailable(f"HiGHS failed to run the sparsest-support MILP (model status "
                                f"{highs.modelStatusToString(highs.getModelStatus())!r})")
    info = highs.getInfo()
    status = highs.modelStatusToString(highs.getModelStatus())
    if info.primal_solution_status != 2:
        return sorted(start), status, None, None
    values = highs.getSolution().col_value
    support = [t for t in range(count) if values[count + t] > 0.5 and abs(values[t]) > 1e-9]
    return support, status, info.objective_function_value, info.mip_dual_bound


def sparsest_representation(n: int, k: int | None = None, *, time_limit: float = 60.0, objective: str = "templates",
                            progress=None) -> SparsestResult:
    """A sparse exact representation of max_n: the MILP's support, re-solved exactly (module text).

    Parameters
    ----------
    n : int
        The number of inputs (the complete template set is built: n <= 8 in practice).
    k : int, optional
        Pairs per side; default ``floor((n - 1) / 2)``.
    time_limit : float
        Seconds for the MILP.
    objective : str
        ``"templates"``: minimise the number of templates; ``"width"``: minimise the sum of their orbit sizes
        (:func:`~lincomb.solvers.max_templates.template_orbit_size`, the permuted templates, i.e. about the second-layer
        width of the network). A result replaces the pivots' solution only when it is better for this objective.
    progress : callable, optional
        Receives progress strings.

    Returns
    -------
    SparsestResult

    Examples
    --------
    >>> sparsest_representation(3, time_limit=5).terms[0][1].one_based()
    [[[1, 2]], [[3, 3]]]
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 2:
        raise UsageError(f"sparsest_representation: n must be an integer >= 2, got {n!r}")
    k = minimum_pairs(n) if k is None else k
    if objective not in ("templates", "width"):
        raise UsageError(f'sparsest_representation: objective must be "templates" or "width", got {objective!r}')

    def say(message):
        if progress is not None:
            progress(message)

    seconds = {}
    start = time.perf_counter()
    templates = sorted_templates(n, k)
    columns = [template_column(t, n) for t in templates]
    rows = len({key for column in columns for key in column} | {(LINEAR, p) for p in range(n)})
    nonzeros = sum(len(c) for c in columns)
    seconds["columns"] = time.perf_counter() - start
    say(f"n = {n}, k = {k}: {len(templates)} templates, {rows} rows, {nonzeros} nonzeros")

    target = {(LINEAR, n - 1): 1}
    start = time.perf_counter()
    pivots = solve_sparse_exact(columns, target, want_left_kernel=False)
    seconds["pivots"] = time.perf_counter() - start
    if not pivots.feasible:
        return SparsestResult(n, k, False, [], 0, "infeasible", None, None, len(templates), rows, nonzeros, seconds)
    best = dict(pivots.solution)
    say(f"pivots: {len(best)} templates; MILP for at most {time_limit:g} s")

    start = time.perf_counter()
    weights = None if objective == "templates" else [template_orbit_size(t, n) for t in templates]

    def cost(solution: dict) -> int:
        return len(solution) if weights is None else sum(weights[t] for t in solution)

    support, status, incumbent, bound = min_support_milp(columns, n, best, time_limit=time_limit, weights=weights)
    seconds["milp"] = time.perf_counter() - start
    say(f"MILP: {status}, incumbent {incumbent}, bound {bound}, support {len(support)}")

    start = time.perf_counter()
    if support and set(support) != set(best):
        exact = solve_sparse_exact([columns[t] for t in support], target, want_left_kernel=False)
        if exact.feasible:
            candidate = {support[j]: v for j, v in exact.solution.items()}
            if cost(candidate) < cost(best):
                best = candidate
    seconds["exact"] = time.perf_counter() - start
    say(f"exact: {len(best)} templates")
    terms = [(coefficient, templates[t]) for t, coefficient in sorted(best.items())]
    return SparsestResult(n, k, True, terms, len(pivots.solution), status, incumbent, bound, len(templates), rows,
                          nonzeros, seconds, objective)
