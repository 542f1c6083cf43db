"""Exact solution of a large sparse integer system ``M lam = t`` by elimination modulo word-size primes.

The system comes as compressed sparse columns (CSC: ``indptr``, ``indices``, ``data``, see
:func:`modular_solve`), for example the max_n ansatz of :mod:`lincomb.solvers.max_representation` at
n = 9, 10 (52k-113k rows, up to 220k columns, ~2,000 nonzeros per column). The search is modular, the
answer exact:

1. **Pivot columns modulo a prime** ``p0 < 2^22``. The columns are read in order, in blocks. A fully reduced
   basis ``E`` of the span of the columns read so far is kept (one vector per pivot column, 1 on its pivot
   row, 0 on the other pivot rows), stored densely (float64, or float32 on request) on the non-pivot rows
   only: ``(rows - rank) x rank`` entries, at most ``rows^2 / 4``. A column ``c`` is in the span exactly when
   ``c = E c[pivot rows]``; this is tested on a random sketch ``W`` (3 random rows mod p, integer arithmetic
   on the column's nonzeros only), so a dependent column costs ``O(nonzeros)``: a nonzero sketch residual
   proves independence, a zero one means dependence except with probability ``p0^-3``. Independent
   candidates of a block are reduced in full (``c - E c[pivots]``, float64 BLAS); their pivot columns are
   those of a random ``(width + 8)``-row mix of them, their pivot rows come from a few candidate rows per
   column, preferring rows with the fewest nonzeros in ``M`` (the row half of the Markowitz cost; the column
   order is fixed). New basis vectors wait as *pending* vectors and are applied to the stored basis in one
   rank-256 product every 256 pivots, so a block that adds a few pivots does not pass over the whole basis.
   The read stops as soon as the sketch says ``t`` is in the span (``stop_early``): the support is then the
   pivots of a prefix, at most its rank.
2. **Exact solve on the support**: the square system ``A x = t[pivot rows]``, ``A = M[pivot rows, pivot
   columns]``, is nonsingular modulo ``p0`` (so over Q). Above rank 100 it is solved by p-adic (Dixon)
   lifting: one inverse of ``A`` modulo ``p0`` by blocked Gauss-Jordan, then ``O(rank^2)`` per 22-bit digit in
   exact int64. Otherwise by CRT: a solve modulo each further prime (a prime dividing ``det A`` is skipped),
   each followed by a check of ``x mod q`` against *all* rows modulo ``q``: as ``q`` does not divide
   ``det A``, a nonzero residual proves that ``t`` is not in the span of these columns over Q (``p0`` was
   unlucky), and the pivot search is repeated with the next prime. Entries are rationally reconstructed
   (``|num|, den <= sqrt(modulus / 2)``, with a running common denominator).
3. **Termination rule**: the reconstruction is accepted when it is unchanged after one more prime (digit)
   *and* the exact residual ``M x - t`` is zero on every row, computed with Python integers over the common
   denominator. Nothing is returned without that exact check; ``max_primes`` bounds the primes or digits
   (:class:`~lincomb.errors.CheckFailed` beyond it).

When ``t`` is not in the span modulo the pivot primes the answer is ``status == "no solution found"``.
This path writes no infeasibility certificate: a restricted column class proves nothing, and the left
kernel is not computed here (:func:`lincomb.solvers.exact_sparse_solve.solve_sparse_exact` does that on
small systems).

Why this and not block Wiedemann / Lanczos: those need about ``2 rank`` matrix-vector products over *all*
nonzeros (``~4e8`` at n = 9), i.e. ``~4e13`` word operations for one solve, and they return one solution of
the full system, dense in the columns, not a small support; they win when the matrix is far sparser than its
rank squared. Here the columns are many (210k) and heavy (2,000 nonzeros) but the rank of a prefix that
reaches ``t`` is modest, a dependent column costs only its nonzeros, and all dense work (``rows x rank^2 / 2``
flops for the basis) runs in float64 BLAS, exact because primes below ``2^22`` keep every partial sum of at
most 512 products below ``2^53`` (the FFLAS-FFPACK technique). Measurements and the fill-in of the basis:
``docs/modular_solve.md``.

Examples
--------
>>> import numpy as np
>>> indptr = np.array([0, 2, 4, 6])                       # columns (1, 1), (1, -1), (2, 2)
>>> indices = np.array([0, 1, 0, 1, 0, 1])
>>> data = np.array([1, 1, 1, -1, 2, 2])
>>> result = modular_solve(indptr, indices, data, 2, np.array([3, 1]))
>>> result.status, result.solution
('solution', {0: Fraction(2, 1), 1: Fraction(1, 1)})
>>> modular_solve(np.array([0, 1]), np.array([0]), np.array([1]), 2, np.array([0, 1])).status
'no solution found'
"""

from __future__ import annotations

import resource
import sys
import time
from math import gcd, isqrt, lcm
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from lincomb.errors import CheckFailed, ShapeError, UsageError

__all__ = ["ModularSolveResult", "modular_solve", "csc_from_dict_columns", "stderr_progress", "solve_primes"]

#: Float64 holds integers exactly below 2^53; with p < 2^22 a sum of 512 products (p - 1)^2 stays below it.
_PRIME_BITS = 22
_EXACT = 2.0**53
#: Rows per chunk of the basis in its products (bounds the float64 temporaries).
_ROW_CHUNK = 8192
#: Rows of the random sketch used for the dependence test.
_SKETCH_ROWS = 3
#: Entries per chunk when the whole index array is scanned.
_ENTRY_CHUNK = 1 << 24
#: Columns per slab of the stored basis.
_SLAB = 256
#: Above this rank the support is solved by p-adic lifting instead of CRT.
_DIXON_FROM_RANK = 100


def _is_prime(value: int) -> bool:
    if value < 2:
        return False
    for small in (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37):
        if value % small == 0:
            return value == small
    d, s = value - 1, 0
    while d % 2 == 0:
        d, s = d // 2, s + 1
    for base in (2, 3, 5, 7, 11, 13, 17):  # deterministic far beyond 2^32
        x = pow(base, d, value)
        if x in (1, value - 1):
            continue
        for _ in range(s - 1):
            x = x * x % value
            if x == value - 1:
                break
        else:
            return False
    return True


def solve_primes(count: int, below: int = 2**_PRIME_BITS) -> list:
    """The ``count`` largest primes below ``below`` (default ``2^22``), largest first.

    Parameters
    ----------
    count : int
    below : int
        Must be at most ``2^22``: the float64 products assume it.

    Returns
    -------
    list of int

    Examples
    --------
    >>> solve_primes(3)
    [4194301, 4194287, 4194277]
    """
    if below > 2**_PRIME_BITS:
        raise UsageError(f"solve_primes: primes must be below 2^{_PRIME_BITS} for exact float64 products")
    primes, candidate = [], below - 1
    while len(primes) < count and candidate > 2:
        if _is_prime(candidate):
            primes.append(candidate)
        candidate -= 1
    return primes


# ----------------------------------------------------------------------------------------------------------
# Exact arithmetic modulo p in float64


def _block(p: int) -> int:
    """The largest inner dimension whose sums of products of residues stay exact in float64."""
    return max(1, int((_EXACT - 1) // float(p - 1) ** 2))


def _matmul_mod(a: np.ndarray, b: np.ndarray, p: int) -> np.ndarray:
    """``a @ b mod p`` in float64 for entries in ``[0, p)``, the inner dimension split so sums stay exact."""
    inner = a.shape[1]
    step = _block(p)
    out = np.zeros((a.shape[0], b.shape[1]), dtype=np.float64)
    for k0 in range(0, inner, step):
        k1 = min(inner, k0 + step)
        out += np.asarray(a[:, k0:k1], dtype=np.float64) @ np.asarray(b[k0:k1], dtype=np.float64)
        np.remainder(out, p, out=out)
    return out


def _row_reduce_mod(g: np.ndarray, p: int, ncols: int, row_weight=None, panel: int = 64) -> tuple:
    """Gauss-Jordan on ``g`` (float64, entries in [0, p)) in place, by row operations, pivoting the first ``ncols``
    columns in order and skipping dependent ones.

    Returns ``(pivot_columns, pivot_rows)``. Afterwards column ``pivot_columns[i]`` is the unit vector at
    ``pivot_rows[i]``, and the columns from ``ncols`` on have had the same row operations applied. Panels of
    ``panel`` columns find their pivots with rank-1 updates inside the panel; the rest of the matrix is updated
    with one matrix product per panel.
    """
    rows = g.shape[0]
    available = np.ones(rows, dtype=bool)
    weight = np.zeros(rows) if row_weight is None else np.asarray(row_weight, dtype=np.float64)
    big = float(weight.max(initial=0.0)) + 1.0
    pivot_columns, pivot_rows = [], []
    for k0 in range(0, ncols, panel):
        k1 = min(ncols, k0 + panel)
        work = g[:, k0:k1].copy()
        columns, chosen = [], []
        for j in range(k1 - k0):
            column = work[:, j]
            candidates = available & (column != 0)
            if not candidates.any():
                continue
            q = int(np.argmin(np.where(candidates, weight, big)))
            column *= pow(int(column[q]), p - 2, p)
            np.remainder(column, p, out=column)
            if j + 1 < k1 - k0:
                rest = work[:, j + 1:]
                rest -= np.outer(column, rest[q])
                np.remainder(rest, p, out=rest)
            available[q] = False
            columns.append(k0 + j)
            chosen.append(q)
        if not columns:
            continue
        # Row operations T x = x - (P - E_Q) S^-1 x[Q] with P = g[:, columns], S = P[Q]: T P = E_Q.
        pivots_here = g[:, columns].copy()
        square = pivots_here[chosen]
        inverse = _inverse_matrix_mod(square, p)
        if len(columns) == k1 - k0:  # the usual case: the rest is a contiguous view, updated in place
            if k1 < g.shape[1]:
                rest = g[:, k1:]
                y = _matmul_mod(inverse, rest[chosen], p)
                for r0 in range(0, rows, _ROW_CHUNK):
                    part = rest[r0:r0 + _ROW_CHUNK]
                    part -= _matmul_mod(pivots_here[r0:r0 + _ROW_CHUNK], y, p)
                    np.remainder(part, p, out=part)
                rest[chosen] = y
        else:
            rest_columns = np.r_[np.setdiff1d(np.arange(k0, k1), columns), np.arange(k1, g.shape[1])].astype(np.int64)
            y = _matmul_mod(inverse, g[np.ix_(chosen, rest_columns)], p)
            updated = g[:, rest_columns] - _matmul_mod(pivots_here, y, p)
            np.remainder(updated, p, out=updated)
            updated[chosen] = y
            g[:, rest_columns] = updated
        unit = np.zeros((rows, len(columns)))
        unit[chosen, np.arange(len(columns))] = 1.0
        g[:, columns] = unit
        pivot_columns += columns
        pivot_rows += chosen
    return pivot_columns, pivot_rows


def _block_pivots(residual: np.ndarray, p: int, weight: np.ndarray, rng) -> tuple:
    """Pivot columns and rows of a block of residual columns (``free rows x width``) without eliminating on all rows.

    The pivot columns are those of ``R @ residual`` for a random ``(width + 8) x rows`` matrix ``R`` (one-sided:
    columns independent there are independent; ``R`` fails to be injective on the span with probability about
    ``p^-9``). The pivot rows are then found among a few candidate rows per pivot column (its nonzero rows of
    fewest nonzeros in ``M``, the row half of the Markowitz cost); all rows are eliminated only when those do not
    give a nonsingular square.
    """
    rows, width = residual.shape
    mixer = rng.integers(0, p, size=(width + 8, rows)).astype(np.float64)
    sketch = _matmul_mod(mixer, residual, p)
    del mixer
    columns, _ = _row_reduce_mod(sketch, p, width)
    if not columns:
        return [], []
    independent = residual[:, columns]
    taken = np.zeros(rows, dtype=bool)
    for extra in (2, 2, 4, 8):  # fresh candidate rows for every column, more each round
        for j in range(len(columns)):
            nonzero = np.flatnonzero((independent[:, j] != 0) & ~taken)
            if nonzero.size > extra:
                nonzero = nonzero[np.argpartition(weight[nonzero], extra)[:extra]]
            taken[nonzero] = True
        candidates = np.flatnonzero(taken)
        found, chosen = _row_reduce_mod(independent[candidates], p, len(columns), weight[candidates])
        if len(found) == len(columns):
            return columns, [int(candidates[r]) for r in chosen]
    found, chosen = _row_reduce_mod(independent.copy(), p, len(columns), weight)
    if len(found) != len(columns):  # cannot happen: the columns are independent modulo p
        raise ArithmeticError("modular_solve: block pivots lost their independence")
    return columns, list(chosen)


def _inverse_matrix_mod(square: np.ndarray, p: int) -> np.ndarray:
    """Inverse of a small nonsingular matrix modulo p by unblocked Gauss-Jordan on ``[S | I]``."""
    size = square.shape[0]
    g = np.concatenate([square, np.eye(size)], axis=1)
    used = np.zeros(size, dtype=bool)
    order = []
    for j in range(size):
        candidates = np.flatnonzero(~used & (g[:, j] != 0))
        if candidates.size == 0:
            raise ArithmeticError("singular modulo p")
        q = int(candidates[0])
        g[q] = np.remainder(g[q] * pow(int(g[q, j]), p - 2, p), p)
        factors = g[:, j].copy()
        factors[q] = 0.0
        g -= np.outer(factors, g[q])
        np.remainder(g, p, out=g)
        used[q] = True
        order.append(q)
    return g[order, size:]


# ----------------------------------------------------------------------------------------------------------
# Input


def csc_from_dict_columns(columns: list, target: dict, row_keys: list | None = None) -> tuple:
    """Convert dict columns (row key -> int) and a dict target to the CSC layout of :func:`modular_solve`.

    Parameters
    ----------
    columns : list of dict
    target : dict
    row_keys : list, optional
        The row order; default: first appearance in the columns, then in the target.

    Returns
    -------
    (indptr, indices, data, n_rows, rhs, row_keys)
        ``rhs`` is a dense int64 vector.

    Examples
    --------
    >>> indptr, indices, data, n_rows, rhs, keys = csc_from_dict_columns([{"a": 1, "b": 2}, {"b": 3}], {"a": 1})
    >>> indptr.tolist(), indices.tolist(), data.tolist(), n_rows, rhs.tolist(), keys
    ([0, 2, 3], [0, 1, 1], [1, 2, 3], 2, [1, 0], ['a', 'b'])
    """
    if row_keys is None:
        row_keys = list(dict.fromkeys([key for column in columns for key in column] + list(target)))
    position = {key: i for i, key in enumerate(row_keys)}
    indptr = np.zeros(len(columns) + 1, dtype=np.int64)
    indices, data = [], []
    for j, column in enumerate(columns):
        entries = sorted((position[key], int(value)) for key, value in column.items() if value)
        indices += [row for row, _ in entries]
        data += [value for _, value in entries]
        indptr[j + 1] = len(indices)
    rhs = np.zeros(len(row_keys), dtype=np.int64)
    for key, value in target.items():
        rhs[position[key]] = int(value)
    return indptr, np.array(indices, dtype=np.int64), np.array(data, dtype=np.int64), len(row_keys), rhs, row_keys


def _sorted_unique_nonzero(indptr, indices, data) -> bool:
    """Whether rows increase strictly inside every column and no entry is zero, checked in chunks (no copy of the
    whole index array: at n = 9 it has ~4e8 entries)."""
    nnz = indices.size
    for c0 in range(0, nnz, _ENTRY_CHUNK):
        c1 = min(nnz, c0 + _ENTRY_CHUNK)
        if not np.all(data[c0:c1]):
            return False
        first = max(c0 - 1, 0)  # overlap one entry with the previous chunk
        segment = indices[first:c1].astype(np.int64)
        if segment.size < 2:
            continue
        increasing = np.diff(segment) > 0  # position i compares entries first + i and first + i + 1
        lo, hi = np.searchsorted(indptr, [first + 1, c1], side="left")
        increasing[indptr[lo:hi] - (first + 1)] = True  # a column starts there
        if not increasing.all():
            return False
    return True


def _canonical(indptr, indices, data, n_rows: int) -> tuple:
    indptr = np.asarray(indptr)
    indices = np.asarray(indices)
    data = np.asarray(data)
    if indptr.ndim != 1 or indptr.size < 1 or indptr[0] != 0 or np.any(np.diff(indptr) < 0):
        raise ShapeError("modular_solve: indptr must start at 0 and never decrease (CSC column pointers)")
    nnz = int(indptr[-1])
    if indices.shape != (nnz,) or data.shape != (nnz,):
        raise ShapeError(f"modular_solve: indices and data must have indptr[-1] = {nnz} entries, "
                         f"got {indices.shape} and {data.shape}")
    for name, array in (("indices", indices), ("data", data), ("indptr", indptr)):
        if not np.issubdtype(array.dtype, np.integer):
            raise UsageError(f"modular_solve: {name} must be an integer array, got dtype {array.dtype}")
    if nnz and (indices.min() < 0 or indices.max() >= n_rows):
        raise ShapeError(f"modular_solve: row indices must lie in [0, {n_rows})")
    # Sorted, unique rows inside each column; otherwise sort and sum duplicates (costs a copy).
    if not _sorted_unique_nonzero(indptr, indices, data):
        column = np.repeat(np.arange(indptr.size - 1, dtype=np.int64), np.diff(indptr))
        key = column * n_rows + indices.astype(np.int64)
        order = np.argsort(key, kind="stable")
        key, values = key[order], data[order].astype(np.int64)
        unique, first = np.unique(key, return_index=True)
        sums = np.add.reduceat(values, first) if values.size else values
        keep = sums != 0
        unique, sums = unique[keep], sums[keep]
        column = unique // n_rows
        indices = unique % n_rows
        data = sums
        indptr = np.zeros(indptr.size, dtype=np.int64)
        np.add.at(indptr, column + 1, 1)
        indptr = np.cumsum(indptr)
    return indptr.astype(np.int64), indices, data


def _dense_rhs(rhs, n_rows: int) -> np.ndarray:
    if isinstance(rhs, dict):
        vector = np.zeros(n_rows, dtype=object)
        for row, value in rhs.items():
            if not 0 <= int(row) < n_rows:
                raise ShapeError(f"modular_solve: right-hand side row {row} outside [0, {n_rows})")
            vector[int(row)] = int(value)
        return vector
    vector = np.asarray(rhs)
    if vector.shape != (n_rows,):
        raise ShapeError(f"modular_solve: the right-hand side must have n_rows = {n_rows} entries, got {vector.shape}")
    if vector.dtype != object and not np.issubdtype(vector.dtype, np.integer):
        raise UsageError(f"modular_solve: the right-hand side must be integers, got dtype {vector.dtype}")
    return np.array([int(v) for v in vector], dtype=object)


# ----------------------------------------------------------------------------------------------------------
# Progress and result


def stderr_progress(stream=None):
    """A progress callback for :func:`modular_solve` that prints stage, done / total, rate and ETA.

    Parameters
    ----------
    stream : file, optional
        Default ``sys.stderr``.

    Returns
    -------
    callable
        ``callback(stage, done, total, info)``.

    Examples
    --------
    >>> import io
    >>> out = io.StringIO()
    >>> callback = stderr_progress(out)
    >>> callback("pivots", 0, 10, "rank 0")
    >>> out.getvalue().startswith("[pivots] 0/10")
    True
    """
    stream = sys.stderr if stream is None else stream
    started: dict = {}

    def callback(stage: str, done: int, total: int, info: str = "") -> None:
        now = time.perf_counter()
        start = started.setdefault(stage, now)
        elapsed = now - start
        rate = done / elapsed if elapsed > 0 and done else 0.0
        eta = (total - done) / rate if rate > 0 else float("nan")
        print(f"[{stage}] {done}/{total} {rate:.1f}/s ETA {eta:.0f} s {info}", file=stream, flush=True)

    return callback


def _peak_rss_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


@dataclass
class ModularSolveResult:
    """The outcome of :func:`modular_solve`.

    Attributes
    ----------
    status : str
        ``"solution"`` (exactly verified on every row) or ``"no solution found"`` (``t`` is not in the span of
        the columns modulo the pivot primes tried; this proves nothing about other column sets).
    solution : dict or None
        Column index -> nonzero Fraction, when ``status == "solution"``.
    rank : int
        Rank modulo the pivot prime of the columns read (a prefix when the read stopped early).
    columns_read : int
        Columns read before ``t`` was found in the span (all when it was not).
    pivot_columns, pivot_rows : list of int
    rows, columns, nonzeros : int
        The size of the system.
    pivot_prime : int or None
        The prime whose pivots gave the answer.
    solve_primes : list of int
        The primes combined by CRT.
    seconds : dict
        Stage -> seconds (``"pivots"``, ``"solve"``, ``"check"``).
    peak_rss_bytes : int
        Peak resident memory of the process at the end (``getrusage``), including the caller's data.
    basis_bytes : int
        Largest size of the stored reduced basis.
    basis_density : float
        Fraction of nonzero entries of the reduced basis (on non-pivot rows) at the end.
    notes : list of str

    Examples
    --------
    >>> import numpy as np
    >>> r = modular_solve(np.array([0, 1]), np.array([0]), np.array([2]), 1, np.array([1]))
    >>> r.status, r.solution, r.rank, r.rows, r.columns, r.nonzeros
    ('solution', {0: Fraction(1, 2)}, 1, 1, 1, 1)
    """

    status: str
    solution: dict | None
    rank: int
    columns_read: int
    pivot_columns: list
    pivot_rows: list
    rows: int
    columns: int
    nonzeros: int
    pivot_prime: int | None
    solve_primes: list
    seconds: dict
    peak_rss_bytes: int
    basis_bytes: int
    basis_density: float
    notes: list = field(default_factory=list)

    @property
    def found(self) -> bool:
        """True when an exactly verified solution was found.

        Examples
        --------
        >>> import numpy as np
        >>> modular_solve(np.array([0, 1]), np.array([0]), np.array([1]), 1, np.array([3])).found
        True
        """
        return self.status == "solution"


# ----------------------------------------------------------------------------------------------------------
# Stage 1: pivot columns modulo p


class _Pivoting:
    """The fully reduced basis of the span of the columns read so far, modulo ``p``.

    The basis vectors are stored on the non-pivot ("free") rows only, in column slabs of ``_SLAB`` columns,
    float64 or float32 (exact either way: residues are below 2^22 < 2^24); a new pivot row leaves every slab by swapping in the
    last free row, so the memory is ``free rows x rank`` without any reallocation of the whole basis.
    """

    def __init__(self, n_rows: int, p: int, row_weight: np.ndarray, seed: int, dtype=np.float64):
        self.p = p
        self.n_rows = n_rows
        self.row_weight = row_weight
        self.rng = rng = np.random.default_rng(seed)
        self.dtype = dtype
        self.sketch = rng.integers(1, p, size=(_SKETCH_ROWS, n_rows), dtype=np.int64)
        self.pivot_rows: list = []
        self.pivot_columns: list = []
        self.position = np.full(n_rows, -1, dtype=np.int64)  # pivot row -> index in the basis
        self.free = np.arange(n_rows, dtype=np.int64)  # non-pivot rows, in the row order of the slabs
        self.free_position = np.arange(n_rows, dtype=np.int64)  # row -> index in free (-1 for pivot rows)
        self.n_free = n_rows
        self.slabs: list = []  # [array (rows >= n_free) x _SLAB float32, columns used]
        self.sketch_basis = np.zeros((_SKETCH_ROWS, 0), dtype=np.int64)  # W e_i for every basis vector
        self.basis_bytes = 0
        # Pending vectors (lazy update): the newest basis vectors N, reduced among themselves and zero on the stored
        # pivot rows, and EQ = stored basis rows on their pivot rows; flushed into the slabs every _SLAB vectors, so
        # a block that adds few pivots does not pass over the whole stored basis.
        self.stored = 0
        self.n_pending = 0
        self.pending = np.zeros((0, _SLAB), dtype=np.float64)
        self.pending_old = np.zeros((0, 0), dtype=np.float64)

    @property
    def rank(self) -> int:
        return len(self.pivot_rows)

    def _slab_columns(self):
        offset = 0
        for slab in self.slabs:
            yield slab[0], offset, slab[1]
            offset += slab[1]

    def sketch_residuals(self, indptr, rows, values) -> np.ndarray:
        """``W c - (W E) c[pivot rows]`` modulo p for a block of columns (int64, on the nonzeros only)."""
        p = self.p
        counts = np.diff(indptr)
        out = np.zeros((_SKETCH_ROWS, counts.size), dtype=np.int64)
        if rows.size == 0:
            return out
        nonempty = counts > 0
        starts = indptr[:-1][nonempty]
        position = self.position[rows]
        on_pivot = position >= 0
        for k in range(_SKETCH_ROWS):
            terms = self.sketch[k, rows] * values % p
            if on_pivot.any():
                terms[on_pivot] -= self.sketch_basis[k, position[on_pivot]] * values[on_pivot] % p
            out[k, nonempty] = np.add.reduceat(terms, starts) % p
        return out

    def reduce_dense(self, indptr, rows, values, selected) -> np.ndarray:
        """Full residuals ``c - E c[pivot rows]`` on the free rows of the selected columns of a block.

        With pending vectors ``N`` (pivot rows ``Q``) and the stale stored basis ``E_old`` (pivot rows ``P``), the true
        basis is ``[E_old - N EQ, N]`` with ``EQ = E_old[Q]``, so the residual is
        ``(c - E_old c[P]) - N (c[Q] - EQ c[P])``.
        """
        p = self.p
        stored, n_free = self.stored, self.n_free
        width = len(selected)
        residual = np.zeros((n_free, width), dtype=np.float64)
        on_pivots = np.zeros((self.rank, width), dtype=np.float64)
        for j, local in enumerate(selected):
            r = rows[indptr[local]:indptr[local + 1]]
            v = values[indptr[local]:indptr[local + 1]]
            f = self.free_position[r]
            residual[f[f >= 0], j] = v[f >= 0]
            q = self.position[r]
            on_pivots[q[q >= 0], j] = v[q >= 0]
        for slab, offset, used in self._slab_columns():
            coefficients = on_pivots[offset:offset + used]
            if not coefficients.any():
                continue
            for r0 in range(0, n_free, _ROW_CHUNK):
                r1 = min(n_free, r0 + _ROW_CHUNK)
                part = residual[r0:r1]
                part -= slab[r0:r1, :used].astype(np.float64, copy=False) @ coefficients
                np.remainder(part, p, out=part)
        if self.n_pending:
            pending = self.pending[:n_free, : self.n_pending]
            coefficients = on_pivots[stored:]
            if stored:
                coefficients = np.remainder(coefficients - _matmul_mod(self.pending_old, on_pivots[:stored], p), p)
            residual -= _matmul_mod(pending, coefficients, p)
            np.remainder(residual, p, out=residual)
        return residual

    def add_block(self, residual: np.ndarray, column_ids: list) -> int:
        """Find the pivots among the residual columns, add them as pending vectors; return how many were added."""
        p = self.p
        local, chosen = _block_pivots(residual, p, self.row_weight[self.free[: self.n_free]], self.rng)
        if not local:
            return 0
        # Column operations: the new basis vectors N = F[:, local] S^-1 with S = F[chosen, local], N[chosen] = I.
        square = residual[np.ix_(chosen, local)]
        new = _matmul_mod(residual[:, local], _inverse_matrix_mod(square, p), p)
        new[chosen] = 0.0
        new[chosen, np.arange(len(local))] = 1.0
        added, stored, waiting = len(local), self.stored, self.n_pending
        # Rows of the true basis [E_old - N EQ, N] on the new pivot rows, for the sketch; the stale E_old rows there
        # join EQ (the new vectors join N, whose old vectors must vanish on the new pivot rows).
        old_rows = np.zeros((added, stored), dtype=np.float64)
        for slab, offset, used in self._slab_columns():
            old_rows[:, offset:offset + used] = slab[chosen, :used]
        pending_rows = self.pending[chosen, :waiting].copy() if waiting else np.zeros((added, 0))
        true_rows = old_rows
        if waiting and stored:
            true_rows = np.remainder(old_rows - _matmul_mod(pending_rows, self.pending_old, p), p)
        sketch_new = self._sketch_of(new)
        if self.rank:
            correction = _matmul_mod(sketch_new.astype(np.float64), np.concatenate([true_rows, pending_rows], axis=1), p)
            self.sketch_basis = (self.sketch_basis - correction.astype(np.int64)) % p
        self.sketch_basis = np.concatenate([self.sketch_basis, sketch_new], axis=1)
        if waiting:
            block = self.pending[: self.n_free, :waiting]
            block -= _matmul_mod(new, pending_rows, p)
            np.remainder(block, p, out=block)
        if waiting + added > self.pending.shape[1]:
            grown = np.zeros((self.pending.shape[0], waiting + added + _SLAB), dtype=np.float64)
            grown[:, :waiting] = self.pending[:, :waiting]
            self.pending = grown
        if self.pending.shape[0] < self.n_free:
            self.pending = np.zeros((self.n_free, self.pending.shape[1]), dtype=np.float64)
        self.pending[: self.n_free, waiting:waiting + added] = new
        self.pending_old = np.concatenate([self.pending_old, old_rows], axis=0)
        self.n_pending += added
        # Record the pivots, then move the pivot rows out of the free rows (swap with the last free row).
        for j, q in zip(local, chosen):
            row = int(self.free[q])
            self.position[row] = len(self.pivot_rows)
            self.pivot_rows.append(row)
            self.pivot_columns.append(column_ids[j])
        for q in sorted(chosen, reverse=True):
            last = self.n_free - 1
            row = int(self.free[q])
            if q != last:
                moved = int(self.free[last])
                for slab in self.slabs:
                    slab[0][q] = slab[0][last]
                self.pending[q] = self.pending[last]
                self.free[q] = moved
                self.free_position[moved] = q
            self.free_position[row] = -1
            self.n_free -= 1
        if self.n_pending >= _SLAB:
            self.flush()
        self.basis_bytes = max(self.basis_bytes, sum(slab[0].nbytes for slab in self.slabs) + self.pending.nbytes)
        return added

    def flush(self) -> None:
        """Apply the pending vectors to the stored basis (``E_old -= N EQ``) and store them: one pass over it."""
        p, waiting = self.p, self.n_pending
        if not waiting:
            return
        pending = self.pending[: self.n_free, :waiting]
        for slab, offset, used in self._slab_columns():
            factors = self.pending_old[:, offset:offset + used]
            for r0 in range(0, self.n_free, _ROW_CHUNK):
                r1 = min(self.n_free, r0 + _ROW_CHUNK)
                if slab.dtype == np.float64:  # in place
                    part = slab[r0:r1, :used]
                    part -= _matmul_mod(pending[r0:r1], factors, p)
                    np.remainder(part, p, out=part)
                else:
                    part = slab[r0:r1, :used].astype(np.float64)
                    part -= _matmul_mod(pending[r0:r1], factors, p)
                    np.remainder(part, p, out=part)
                    slab[r0:r1, :used] = part
        done = 0
        while done < waiting:  # fill the last slab, then open new ones
            if not self.slabs or self.slabs[-1][1] == _SLAB:
                self.slabs.append([np.zeros((self.n_free, _SLAB), dtype=self.dtype), 0])
            slab = self.slabs[-1]
            take = min(_SLAB - slab[1], waiting - done)
            slab[0][: self.n_free, slab[1]:slab[1] + take] = pending[:, done:done + take]
            slab[1] += take
            done += take
        self.stored += waiting
        self.n_pending = 0
        self.pending_old = np.zeros((0, self.stored), dtype=np.float64)
        for slab in self.slabs:  # give back the rows of departed pivots once they are a quarter of a slab
            if slab[0].shape[0] > 1.25 * self.n_free + 64:
                slab[0] = slab[0][: self.n_free].copy()
        if self.pending.shape[0] > 1.25 * self.n_free + 64:
            self.pending = np.zeros((self.n_free, self.pending.shape[1]), dtype=np.float64)
        self.basis_bytes = max(self.basis_bytes, sum(slab[0].nbytes for slab in self.slabs) + self.pending.nbytes)

    def _sketch_of(self, vectors: np.ndarray) -> np.ndarray:
        """``W v`` modulo p for vectors given on the current free rows (int64, shape sketch x width)."""
        weights = self.sketch[:, self.free[: self.n_free]].astype(np.float64)
        return _matmul_mod(weights, vectors, self.p).astype(np.int64)

    def in_span(self, rhs_mod: np.ndarray) -> bool:
        """Whether ``t`` is in the span (by the sketch: exact when False, up to ``p^-3`` when True)."""
        rows = np.flatnonzero(rhs_mod)
        indptr = np.array([0, rows.size])
        return not self.sketch_residuals(indptr, rows, rhs_mod[rows]).any()

    def density(self) -> float:
        self.flush()
        if not self.rank or not self.n_free:
            return 0.0
        nonzero = sum(int(np.count_nonzero(slab[: self.n_free, :used])) for slab, _, used in self._slab_columns())
        return nonzero / (self.n_free * self.rank)

    def release(self) -> None:
        self.slabs = []
        self.pending = np.zeros((0, 0))


def _pivot_search(indptr, indices, data, n_rows, rhs_mod, p, block, row_weight, seed, stop_early, say, dtype):
    ncols = indptr.size - 1
    state = _Pivoting(n_rows, p, row_weight, seed, dtype)
    reached = state.in_span(rhs_mod)
    read = 0
    start = 0
    while start < ncols and not (reached and stop_early):
        end = min(ncols, start + block)
        lo, hi = int(indptr[start]), int(indptr[end])
        local_ptr = indptr[start:end + 1] - lo
        rows = np.asarray(indices[lo:hi], dtype=np.int64)
        values = np.asarray(data[lo:hi], dtype=np.int64) % p
        residual_sketch = state.sketch_residuals(local_ptr, rows, values)
        candidates = np.flatnonzero(residual_sketch.any(axis=0))
        if candidates.size:
            residual = state.reduce_dense(local_ptr, rows, values, candidates)
            added = state.add_block(residual, [start + int(c) for c in candidates])
            if added:
                reached = state.in_span(rhs_mod)
        read = end
        start = end
        if end < ncols and not (reached and stop_early):
            say("pivots", read, ncols, f"rank {state.rank} (prime {p})")
    # The last report has done == total so that a progress display closes the stage (total = columns read).
    say("pivots", read, read, f"rank {state.rank} (prime {p}); t {'in' if reached else 'not in'} the span"
        + (f"; stopped after {read} of {ncols} columns" if read < ncols else ""))
    return state, reached, read


# ----------------------------------------------------------------------------------------------------------
# Stage 2: the square system over Q


def _rational_reconstruction(value: int, modulus: int, bound: int):
    """``(a, b)`` with ``a = b value mod modulus``, ``|a| <= bound``, ``0 < b <= bound``, or None."""
    r0, r1 = modulus, value % modulus
    s0, s1 = 0, 1
    while r1 > bound:
        quotient = r0 // r1
        r0, r1 = r1, r0 - quotient * r1
        s0, s1 = s1, s0 - quotient * s1
    if s1 == 0 or abs(s1) > bound:
        return None
    if s1 < 0:
        r1, s1 = -r1, -s1
    return r1, s1


def _reconstruct(residues: list, modulus: int):
    """Rational reconstruction of every entry, sharing a running common denominator; None when one fails."""
    bound = isqrt(modulus // 2)
    common = 1
    values = []
    for residue in residues:
        scaled = residue * common % modulus
        if scaled > modulus // 2:
            scaled -= modulus
        if abs(scaled) <= bound:  # scaled / common is the unique reconstruction (2 bound^2 <= modulus)
            values.append(Fraction(scaled, common))
            continue
        found = _rational_reconstruction(residue, modulus, bound)
        if found is None:
            return None
        a, b = found
        values.append(Fraction(a, b))
        common = common * b // gcd(common, b)
        if common > bound:
            return None
    return values


def _support_system(indptr, indices, data, pivot_columns, pivot_rows, n_rows):
    rank = len(pivot_columns)
    index = np.full(n_rows, -1, dtype=np.int64)
    index[np.asarray(pivot_rows, dtype=np.int64)] = np.arange(rank)
    square = np.zeros((rank, rank), dtype=np.int64)
    for j, column in enumerate(pivot_columns):
        lo, hi = int(indptr[column]), int(indptr[column + 1])
        rows = index[np.asarray(indices[lo:hi], dtype=np.int64)]
        keep = rows >= 0
        square[rows[keep], j] = np.asarray(data[lo:hi], dtype=np.int64)[keep]
    return square


def _residual_mod(indptr, indices, data, columns, x_mod, rhs, n_rows, q) -> bool:
    """Whether ``M[:, columns] x = t`` holds modulo q on every row."""
    total = np.zeros(n_rows, dtype=np.float64)
    for j, column in enumerate(columns):
        if x_mod[j] == 0:
            continue
        lo, hi = int(indptr[column]), int(indptr[column + 1])
        terms = (np.asarray(data[lo:hi], dtype=np.int64) % q) * int(x_mod[j]) % q
        np.add.at(total, np.asarray(indices[lo:hi], dtype=np.int64), terms.astype(np.float64))
    rhs_mod = np.array([int(v) % q for v in rhs], dtype=np.float64)
    return not np.any(np.remainder(total - rhs_mod, q))


def _exact_residual_is_zero(indptr, indices, data, solution: dict, rhs, n_rows) -> bool:
    """``M lam = t`` checked over Q with Python integers (common denominator), on every row."""
    common = 1
    for value in solution.values():
        common = lcm(common, value.denominator)
    total = np.zeros(n_rows, dtype=object)
    total[:] = 0
    for column, value in solution.items():
        numerator = value.numerator * (common // value.denominator)
        lo, hi = int(indptr[column]), int(indptr[column + 1])
        total[np.asarray(indices[lo:hi], dtype=np.int64)] += np.asarray(data[lo:hi]).astype(object) * numerator
    return all(int(a) == int(b) * common for a, b in zip(total, rhs))


def _solve_support(indptr, indices, data, n_rows, rhs, pivot_columns, pivot_rows, primes, max_primes, say):
    """Return ('solution', dict, primes used) or ('not in span', None, primes used)."""
    rank = len(pivot_columns)
    square = _support_system(indptr, indices, data, pivot_columns, pivot_rows, n_rows)
    right = np.array([int(rhs[r]) for r in pivot_rows], dtype=object)
    modulus, residues, previous, used = 1, [0] * rank, None, []
    for q in primes[:max_primes]:
        g = np.zeros((rank, rank + 1), dtype=np.float64)
        g[:, :rank] = (square % q).astype(np.float64)
        g[:, rank] = (right % q).astype(np.float64)
        columns, rows = _row_reduce_mod(g, q, rank)
        if len(columns) < rank:  # q divides the determinant: skip it
            continue
        x = np.zeros(rank, dtype=np.int64)
        x[np.asarray(columns, dtype=np.int64)] = g[np.asarray(rows, dtype=np.int64), rank].astype(np.int64)
        if not _residual_mod(indptr, indices, data, pivot_columns, x, rhs, n_rows, q):
            say("solve", len(used) + 1, len(used) + 1, "not in the span over Q")
            return "not in span", None, used + [q]
        # Incremental CRT.
        factor = pow(modulus % q, q - 2, q)
        residues = [r + modulus * ((int(xi) - r) * factor % q) for r, xi in zip(residues, x)]
        modulus *= q
        used.append(q)
        say("solve", len(used), max_primes, f"{modulus.bit_length()} bits")
        current = _reconstruct(residues, modulus)
        if current is not None and current == previous:
            solution = {pivot_columns[j]: v for j, v in enumerate(current) if v != 0}
            if _exact_residual_is_zero(indptr, indices, data, solution, rhs, n_rows):
                say("solve", len(used), len(used), f"{modulus.bit_length()} bits: solution")
                return "solution", solution, used
        previous = current
    raise CheckFailed(f"modular_solve: no exactly verified solution after {len(used)} primes "
                      f"({modulus.bit_length()} bits); raise max_primes")


def _lift_support(indptr, indices, data, n_rows, rhs, pivot_columns, pivot_rows, p, max_digits, say):
    """p-adic (Dixon) lifting on the support: one inverse of the square system modulo ``p``, then ``x_i = A^-1 r_i
    mod p``, ``r_(i+1) = (r_i - A x_i) / p`` (exact, int64), ``x = sum x_i p^i``; rational reconstruction after each
    digit, accepted under the same rule as CRT (stable over one more digit, exact residual zero on every row).

    Returns ('solution', dict, [p]); ('not in span', None, [p]) when the expansion ends (``r_i = 0``: the square
    system has an integer solution) or a reconstruction stable over four more digits still fails the exact check
    on all rows (t is then not in the span of these columns over Q: the pivot prime was unlucky); or None when int64 could overflow or A is singular modulo p (use CRT then).
    """
    rank = len(pivot_columns)
    square = _support_system(indptr, indices, data, pivot_columns, pivot_rows, n_rows)
    right = np.array([int(rhs[r]) for r in pivot_rows], dtype=object)
    largest = int(np.abs(square).max(initial=0))
    right_max = max((abs(int(v)) for v in right), default=0)
    if (rank * largest + 1) * p + right_max >= 2**62:
        return None
    g = np.zeros((rank, 2 * rank), dtype=np.float64)
    g[:, :rank] = np.remainder(square, p)
    g[:, rank:] = np.eye(rank)
    columns, rows = _row_reduce_mod(g, p, rank)
    if len(columns) < rank:
        return None
    inverse = np.ascontiguousarray(g[np.asarray(rows, dtype=np.int64), rank:])
    del g
    residual = right.astype(np.int64)
    total = np.zeros(rank, dtype=object)
    power, previous, stable = 1, None, 0
    for digit in range(max_digits):
        x = _matmul_mod(inverse, np.remainder(residual, p).astype(np.float64)[:, None], p)[:, 0].astype(np.int64)
        difference = residual - square @ x
        if np.any(difference % p):  # cannot happen when the inverse is right
            raise ArithmeticError("modular_solve: p-adic lifting lost exactness")
        residual = difference // p
        total += x.astype(object) * power
        power *= p
        say("lift", digit + 1, max_digits, f"{power.bit_length()} bits")

        def finish(outcome, solution):  # closes the progress stage (done == total)
            say("lift", digit + 1, digit + 1, f"{power.bit_length()} bits: {outcome}")
            return outcome, solution, [p]
        current = _reconstruct([int(v) % power for v in total], power)
        if current is not None and current == previous:
            stable += 1
            solution = {pivot_columns[j]: v for j, v in enumerate(current) if v != 0}
            if stable == 1 and _exact_residual_is_zero(indptr, indices, data, solution, rhs, n_rows):
                return finish("solution", solution)
            if stable >= 4:
                return finish("not in span", None)
        else:
            stable = 0
        previous = current
        if not residual.any():  # the expansion is finite: A total = b exactly, total is the solution of the square
            solution = {pivot_columns[j]: Fraction(int(v)) for j, v in enumerate(total) if v != 0}
            if _exact_residual_is_zero(indptr, indices, data, solution, rhs, n_rows):
                return finish("solution", solution)
            return finish("not in span", None)
    raise CheckFailed(f"modular_solve: no exactly verified solution after {max_digits} p-adic digits "
                      f"({power.bit_length()} bits); raise max_primes")


# ----------------------------------------------------------------------------------------------------------


def modular_solve(
    indptr, indices, data, n_rows: int, rhs, *, block: int = 256, pivot_primes: int = 2, max_primes: int = 400,
    primes=None, stop_early: bool = True, seed: int = 0, progress=None, basis_dtype: str = "float64",
    method: str = "auto",
) -> ModularSolveResult:
    """Solve ``M lam = t`` exactly for a large sparse integer matrix ``M`` given by compressed sparse columns.

    Parameters
    ----------
    indptr : array of int, length ncols + 1
        Column ``j`` has its nonzeros at ``indices[indptr[j]:indptr[j + 1]]`` with values ``data[...]``
        (scipy's CSC layout). int32 or int64.
    indices : array of int
        Row numbers in ``[0, n_rows)``, ideally sorted and unique within each column (otherwise they are
        sorted and duplicates summed, at the cost of a copy). int32 saves memory.
    data : array of int
        The integer entries (any integer dtype; int32 saves memory).
    n_rows : int
    rhs : array of int (length n_rows) or dict row -> int
        The right-hand side ``t``.
    block : int
        Columns per block, at most 512 (float64 exactness of the basis update).
    pivot_primes : int
        How many primes to try for the pivot search before answering "no solution found" (a second one
        catches a prime that divides a minor of the system).
    max_primes : int
        Most primes combined by CRT in the exact solve (each adds ~22 bits).
    primes : sequence of int, optional
        Primes below ``2^22`` to use, pivot primes first; default :func:`solve_primes`.
    stop_early : bool
        Stop reading columns as soon as ``t`` is in the span (the support is then a prefix's pivots).
    seed : int
        Seed of the random sketch.
    progress : callable, optional
        ``progress(stage, done, total, info)``, e.g. :func:`stderr_progress` ``()``.
    method : {"auto", "crt", "dixon"}
        How the square system on the support is solved over Q: CRT over ``max_primes`` primes (one
        ``O(rank^3)`` solve per prime), or p-adic lifting (one ``O(rank^3)`` inverse, then ``O(rank^2)`` per
        22-bit digit, at most ``max_primes`` digits; falls back to CRT when int64 could overflow). "auto" lifts
        above rank 100 (measured on max_n n = 7, rank 316: lifting 0.2 s, CRT 0.6 s).
    basis_dtype : {"float64", "float32"}
        Storage of the reduced basis: float32 halves its memory (still exact, residues are below 2^24) at the
        cost of conversions in every product.

    Returns
    -------
    ModularSolveResult
        ``status == "solution"`` only after the exact check ``M lam = t`` over Q on every row.

    Raises
    ------
    ShapeError, UsageError
        Malformed input.
    CheckFailed
        When ``max_primes`` primes did not give a verified reconstruction.

    Examples
    --------
    >>> import numpy as np
    >>> indptr, indices, data = np.array([0, 1, 3]), np.array([0, 0, 1]), np.array([3, 1, 1])
    >>> r = modular_solve(indptr, indices, data, 2, {0: 1, 1: 1})     # columns (3, 0), (1, 1)
    >>> r.status, r.solution, r.rank
    ('solution', {1: Fraction(1, 1)}, 2)
    """
    started = time.perf_counter()
    if isinstance(n_rows, bool) or not isinstance(n_rows, (int, np.integer)) or n_rows < 0:
        raise UsageError(f"modular_solve: n_rows must be a nonnegative integer, got {n_rows!r}")
    n_rows = int(n_rows)
    if method not in ("auto", "crt", "dixon"):
        raise UsageError(f"modular_solve: method must be 'auto', 'crt' or 'dixon', got {method!r}")
    if basis_dtype not in ("float64", "float32"):
        raise UsageError(f"modular_solve: basis_dtype must be 'float64' or 'float32', got {basis_dtype!r}")
    if not 1 <= block <= 512:
        raise UsageError(f"modular_solve: block must be between 1 and 512, got {block}")
    indptr, indices, data = _canonical(indptr, indices, data, n_rows)
    rhs = _dense_rhs(rhs, n_rows)
    primes = list(primes) if primes is not None else solve_primes(pivot_primes + max_primes + 8)
    if any(q >= 2**_PRIME_BITS or not _is_prime(q) for q in primes):
        raise UsageError(f"modular_solve: primes must be primes below 2^{_PRIME_BITS}")
    ncols, nnz = indptr.size - 1, int(indptr[-1])

    def say(stage, done, total, info=""):
        if progress is not None:
            progress(stage, done, total, info)

    row_weight = np.zeros(n_rows, dtype=np.float64)  # nonzeros per row, counted in chunks
    for c0 in range(0, nnz, _ENTRY_CHUNK):
        row_weight += np.bincount(indices[c0:c0 + _ENTRY_CHUNK], minlength=n_rows)
    seconds = {"pivots": 0.0, "solve": 0.0}
    notes: list = []
    basis_bytes, density = 0, 0.0
    state, read = None, 0
    for attempt, p in enumerate(primes[:pivot_primes]):
        t0 = time.perf_counter()
        rhs_mod = np.array([int(v) % p for v in rhs], dtype=np.int64)
        state, reached, read = _pivot_search(indptr, indices, data, n_rows, rhs_mod, p, block, row_weight,
                                             seed + attempt, stop_early, say, np.dtype(basis_dtype))
        seconds["pivots"] += time.perf_counter() - t0
        basis_bytes = max(basis_bytes, state.basis_bytes)
        density = state.density()
        state.release()
        if not reached:
            notes.append(f"t is not in the span of the {read} columns modulo {p}")
            continue
        t0 = time.perf_counter()
        others = [q for q in primes if q != p]
        lifted = None
        if method == "dixon" or (method == "auto" and state.rank > _DIXON_FROM_RANK):
            lifted = _lift_support(indptr, indices, data, n_rows, rhs, state.pivot_columns, state.pivot_rows, p,
                                   max_primes, say)
        if lifted is not None:
            outcome, solution, used = lifted
            solve_method = "p-adic lifting"
        else:
            outcome, solution, used = _solve_support(indptr, indices, data, n_rows, rhs, state.pivot_columns,
                                                     state.pivot_rows, [p] + others, max_primes, say)
            solve_method = "CRT"
        notes.append(f"support solved by {solve_method}")
        seconds["solve"] += time.perf_counter() - t0
        if outcome == "solution":
            seconds["total"] = time.perf_counter() - started
            return ModularSolveResult("solution", solution, state.rank, read, list(state.pivot_columns),
                                      list(state.pivot_rows), n_rows, ncols, nnz, p, used, seconds,
                                      _peak_rss_bytes(), basis_bytes, density, notes)
        notes.append(f"pivots modulo {p}: t is in their span modulo {p} but not over Q (prime {used[-1]}); "
                     "the prime was unlucky")
    seconds["total"] = time.perf_counter() - started
    rank = state.rank if state is not None else 0
    return ModularSolveResult("no solution found", None, rank, read, list(state.pivot_columns) if state else [],
                              list(state.pivot_rows) if state else [], n_rows, ncols, nnz, None, [], seconds,
                              _peak_rss_bytes(), basis_bytes, density, notes)
