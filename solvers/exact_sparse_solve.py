"""Exact rational solution of a sparse linear system, or an exact proof that there is none.

The system ``M lam = t`` is given by sparse integer columns (dicts row key -> int). The search is
modular, the answer exact:

1. row reduction of ``[M | t]`` modulo a 61-bit prime (python-flint ``nmod_mat``) finds the pivot columns;
   the columns are processed in blocks, so only the current basis and one block are ever dense;
2. when ``t`` is not a pivot, the square system on the pivot columns and the independent rows (found the
   same way) is solved over Q with ``flint.fmpq_mat``; the solution has at most ``rank`` nonzeros;
3. when ``t`` is a pivot, the system is infeasible, and by the Fredholm alternative there is a vector ``y``
   with ``y^T M = 0`` and ``y^T t = 1`` (a rational vector in the left kernel); it is found by the same
   routine applied to the transposed system;
4. every answer is checked exactly on all rows (with ``fractions.Fraction``) before it is returned; an
   unlucky prime (one dividing a minor) is detected there and the next prime is tried.

Examples
--------
>>> columns = [{"r1": 1, "r2": 1}, {"r1": 1, "r2": -1}, {"r1": 2, "r2": 2}]
>>> result = solve_sparse_exact(columns, {"r1": 3, "r2": 1})
>>> result.feasible, result.solution
(True, {0: Fraction(2, 1), 1: Fraction(1, 1)})
>>> proof = solve_sparse_exact([{"r1": 1, "r2": 1}], {"r1": 1}).left_kernel
>>> proof                                          # y with y.M = 0 and y.t = 1
{'r1': Fraction(1, 1), 'r2': Fraction(-1, 1)}
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from fractions import Fraction

from lincomb.errors import CheckFailed, MissingDependencyError

__all__ = ["SparseSolveResult", "solve_sparse_exact", "PRIMES"]

#: Primes tried in order (the first is 2^61 - 1).
PRIMES = (2305843009213693951, 2305843009213693921, 2305843009213693907)


@dataclass
class SparseSolveResult:
    """The outcome of :func:`solve_sparse_exact`.

    Attributes
    ----------
    feasible : bool
    solution : dict or None
        Column index -> nonzero Fraction, when feasible.
    left_kernel : dict or None
        Row key -> nonzero Fraction ``y`` with ``y^T M = 0`` and ``y^T t = 1``, when infeasible.
    rank : int
        The rank of ``M`` (modulo the prime used, equal to the rank over Q when the answer verified).
    rows, columns, nonzeros : int
        The size of the system.
    seconds : float
    prime : int
        The prime whose pivots gave the verified answer.

    Examples
    --------
    >>> r = solve_sparse_exact([{"a": 2}], {"a": 1})
    >>> r.rank, r.rows, r.columns, r.nonzeros, r.solution
    (1, 1, 1, 1, {0: Fraction(1, 2)})
    """

    feasible: bool
    solution: dict | None
    left_kernel: dict | None
    rank: int
    rows: int
    columns: int
    nonzeros: int
    seconds: float
    prime: int
    steps: list = field(default_factory=list)


def _flint():
    try:
        import flint
    except ImportError:  # pragma: no cover - python-flint is a core dependency
        raise MissingDependencyError("python-flint is required for exact linear algebra; pip install python-flint") from None
    return flint


def _pivots_mod_p(columns: list, row_index: dict, prime: int, block: int, progress=None) -> list:
    """Indices of pivot columns of the matrix (columns in order) modulo ``prime``, processed in blocks."""
    flint = _flint()
    rows = len(row_index)
    basis: list = []
    start = 0
    while start < len(columns):
        candidates = basis + list(range(start, min(start + block, len(columns))))
        width = len(candidates)
        # Filled entry by entry: a Python list of all rows * width entries would double the memory.
        matrix = flint.nmod_mat(rows, width, prime)
        for position, column in enumerate(candidates):
            for key, value in columns[column].items():
                matrix[row_index[key], position] = value % prime
        reduced, rank = matrix.rref()
        pivots = []
        row = 0
        for position in range(width):
            if row < rank and int(reduced[row, position]) != 0:
                pivots.append(candidates[position])
                row += 1
        basis = pivots
        start += block
        if progress is not None:
            progress(f"rank {len(basis)} after {min(start, len(columns))} of {len(columns)} columns")
        if len(basis) == rows:
            break
    return basis


def _solve_once(columns: list, target: dict, row_keys: list, prime: int, progress) -> tuple:
    """Return (outcome, solution or None, rank) using the pivots modulo ``prime``; outcome is
    'solution', 'infeasible' or 'retry'."""
    flint = _flint()
    row_index = {key: i for i, key in enumerate(row_keys)}
    block = max(64, 2 * len(row_keys))
    augmented = list(columns) + [target]
    pivots = _pivots_mod_p(augmented, row_index, prime, block, progress)
    if len(columns) in pivots:
        return "infeasible", None, len(pivots) - 1
    rank = len(pivots)
    if rank == 0:
        return "solution", {}, 0
    # Independent rows: pivots of the transpose restricted to the pivot columns.
    transposed: dict = {}
    for position, column in enumerate(pivots):
        for key, value in columns[column].items():
            transposed.setdefault(row_index[key], {})[position] = value
    row_columns = [transposed.get(i, {}) for i in range(len(row_keys))]
    chosen_rows = _pivots_mod_p(row_columns, {p: p for p in range(rank)}, prime, max(64, 2 * rank))
    if len(chosen_rows) != rank:
        return "retry", None, rank
    square = flint.fmpq_mat(rank, rank)
    right = flint.fmpq_mat(rank, 1)
    chosen_index = {row: i for i, row in enumerate(chosen_rows)}
    for position, column in enumerate(pivots):
        for key, value in columns[column].items():
            i = chosen_index.get(row_index[key])
            if i is not None:
                square[i, position] = value
    for key, value in target.items():
        i = chosen_index.get(row_index[key])
        if i is not None:
            right[i, 0] = value
    try:
        values = square.solve(right)
    except ZeroDivisionError:
        return "retry", None, rank
    solution = {}
    for position, column in enumerate(pivots):
        value = values[position, 0]
        if value != 0:
            solution[column] = Fraction(int(value.p), int(value.q))
    return "solution", solution, rank


def _residual_is_zero(columns: list, target: dict, solution: dict) -> bool:
    total: dict = {}
    for column, coefficient in solution.items():
        for key, value in columns[column].items():
            total[key] = total.get(key, 0) + coefficient * value
    keys = set(total) | set(target)
    return all(total.get(key, 0) == target.get(key, 0) for key in keys)


def solve_sparse_exact(columns: list, target: dict, *, progress=None, want_left_kernel: bool = True) -> SparseSolveResult:
    """Solve ``sum_j lam_j columns[j] = target`` exactly, or prove it has no solution.

    Parameters
    ----------
    columns : list of dict
        Sparse integer (or Fraction) columns, row key -> value; keys must be hashable.
    target : dict
        The right-hand side, row key -> value.
    progress : callable, optional
        Receives progress strings (rank after each block).
    want_left_kernel : bool
        When infeasible, also compute the left-kernel proof (one more exact solve, of the transposed system).

    Returns
    -------
    SparseSolveResult
        Verified exactly: ``solution`` reproduces ``target`` on every row, or ``left_kernel`` annihilates every
        column and has product 1 with ``target``.

    Raises
    ------
    CheckFailed
        When no prime gave a verified answer (not expected in practice).

    Examples
    --------
    >>> solve_sparse_exact([{"x": 1, "y": 1}], {"x": 1, "y": 1}).solution
    {0: Fraction(1, 1)}
    """
    start = time.perf_counter()
    row_keys = list(dict.fromkeys([key for column in columns for key in column] + list(target)))
    nonzeros = sum(len(column) for column in columns)
    for prime in PRIMES:
        outcome, value, rank = _solve_once(columns, target, row_keys, prime, progress)
        if outcome == "solution" and _residual_is_zero(columns, target, value):
            return SparseSolveResult(True, value, None, rank, len(row_keys),
                                     len(columns), nonzeros, time.perf_counter() - start, prime)
        if outcome == "infeasible":
            if not want_left_kernel:
                return SparseSolveResult(False, None, None, rank, len(row_keys), len(columns), nonzeros,
                                         time.perf_counter() - start, prime)
            kernel = _left_kernel(columns, target, row_keys, progress)
            if kernel is not None:
                return SparseSolveResult(False, None, kernel, rank, len(row_keys), len(columns), nonzeros,
                                         time.perf_counter() - start, prime)
    raise CheckFailed("exact sparse solve: no prime gave a verified answer; the system may be too large for flint")


def _left_kernel(columns: list, target: dict, row_keys: list, progress) -> dict | None:
    """y with y^T column = 0 for every column and y^T target = 1, exactly verified; None if not found."""
    # The transposed system: one column per row key, one row per original column, plus the target row.
    row_position = {key: i for i, key in enumerate(row_keys)}
    transposed = [dict() for _ in row_keys]
    for j, column in enumerate(columns):
        for key, value in column.items():
            transposed[row_position[key]][j] = value
    target_row = len(columns)
    for key, value in target.items():
        transposed[row_position[key]][target_row] = value
    result = solve_sparse_exact(transposed, {target_row: 1}, progress=progress, want_left_kernel=False)
    if not result.feasible:
        return None
    y = {row_keys[i]: value for i, value in result.solution.items()}
    # Exact re-check of the proof.
    for column in columns:
        if sum((y.get(key, 0) * value for key, value in column.items()), Fraction(0)) != 0:
            return None
    if sum((y.get(key, 0) * value for key, value in target.items()), Fraction(0)) != 1:
        return None
    return y
