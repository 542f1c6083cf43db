"""Vectorised template columns on the sorted cone, stored as compressed sparse columns (CSC).

The same exact columns as :func:`lincomb.solvers.max_sorted_cone.template_column` (a test compares them column
by column), computed with numpy instead of Python dicts:

1. **Rank space, level by level.** The multiset of ``(alpha, beta)`` over the ``m!`` orderings of a template's
   ``m`` used vertices is built by the subset dynamic program of ``max_sorted_cone``, but one *level* (number of
   placed vertices) at a time for all subsets at once: a state is ``(subset, alpha prefix, beta prefix)`` packed
   into one unsigned 64-bit key (3 bits per entry, so ``k <= 7`` and ``m <= 10``), and equal states are merged by
   one ``numpy.unique`` per level.
2. **Reduction**, vectorised over the distinct ``(alpha, beta)``: suffix sums decide whether ``max(alpha.x,
   beta.x)`` is linear on the cone; otherwise the gcd and the sign of the first nonzero entry give the reduced
   direction ``d`` and the linear part (see ``max_sorted_cone``).
3. **Spread** over the ``C(n, m)`` position sets by one integer matrix product: a direction is packed as
   ``sum_p (d_p + 8) 16^p`` (4 bits per entry; entries lie in ``[-k, k]``, so ``k <= 7`` and ``n <= 15``).

Columns are kept as arrays: per column the sorted direction keys (int64) and values (int64), plus the ``n``
linear coefficients. :func:`assemble_csc` interns the keys of all columns once (``numpy.unique``) into a numbered
row table, linear rows first (row ``p`` is the coefficient of ``x_{p+1}``), then the reduced directions in key order,
and returns ``indptr`` / ``indices`` / ``data`` arrays (:class:`CSCColumns`). Templates beyond the packing limits
(``m > 10`` used vertices, ``k > 7``) fall back to the dict kernel.

Examples
--------
>>> from lincomb.solvers.max_templates import Template
>>> from lincomb.solvers.max_sorted_cone import template_column
>>> t = Template.from_pairs([(0, 1), (0, 2)], [(0, 3), (4, 5)])
>>> column_dict(t, 6) == template_column(t, 6)
True
>>> system = assemble_csc([template_column_arrays(t, 6)], 6)
>>> system.n_rows, system.indptr.tolist() == [0, system.nnz]
(13, True)
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from math import comb, factorial

import numpy as np

from lincomb.errors import UsageError

from .max_sorted_cone import LINEAR, template_column
from .max_templates import Template, template_vertices

__all__ = [
    "CSCColumns",
    "StageProgress",
    "assemble_csc",
    "column_dict",
    "decode_direction",
    "template_column_arrays",
    "rank_space_arrays",
]

_ENTRY_BITS = 3          # alpha / beta entries in 0..k, k <= 7
_DIRECTION_BITS = 4      # direction entries in -k..k, offset 8
_DIRECTION_OFFSET = 8
_MAX_RANK_VERTICES = 10  # 2 * 3 * m bits of alpha and beta prefixes plus m subset bits fit 64 bits up to m = 10
_MAX_N = 15              # 4 bits per position in an int64 key


def _edge_count_matrices(template: Template):
    vertices = template_vertices(template)
    index = {v: i for i, v in enumerate(vertices)}
    m = len(vertices)
    count_a = np.zeros((m, m), dtype=np.int64)
    count_b = np.zeros((m, m), dtype=np.int64)
    for counts, pairs in ((count_a, template.a), (count_b, template.b)):
        for i, j in pairs:
            i, j = index[i], index[j]
            counts[i, j] += 1
            if i != j:
                counts[j, i] += 1
    return m, count_a, count_b


def rank_space_arrays(template: Template) -> tuple:
    """The multiset of ``(alpha, beta)`` over all orderings of the template's m used vertices, as arrays.

    Returns ``(alpha, beta, counts)``: two ``(N, m)`` int64 arrays (row = one distinct pair; ``alpha[r]`` is the
    number of A-pairs whose higher-ranked endpoint has rank ``r``) and the number of orderings giving each.

    Examples
    --------
    >>> alpha, beta, counts = rank_space_arrays(Template.from_pairs([(0, 1)], [(0, 0)]))
    >>> sorted(zip(map(tuple, alpha.tolist()), map(tuple, beta.tolist()), counts.tolist()))
    [((0, 1), (0, 1), 1), ((0, 1), (1, 0), 1)]
    """
    m, count_a, count_b = _edge_count_matrices(template)
    k = max(len(template.a), len(template.b))
    if m > _MAX_RANK_VERTICES or k >= 1 << _ENTRY_BITS:
        raise UsageError(f"rank_space_arrays: the packing holds m <= {_MAX_RANK_VERTICES} used vertices and "
                         f"k <= {(1 << _ENTRY_BITS) - 1}; got m = {m}, k = {k}")
    full = (1 << m) - 1
    masks_all = np.arange(1 << m, dtype=np.int64)
    membership = (masks_all[:, None] >> np.arange(m)) & 1                 # (2^m, m)
    # into[v, mask]: pairs of a colour joining v to the vertices of mask (v's own loops count when v is in mask)
    into_a = (membership @ count_a).T
    into_b = (membership @ count_b).T
    # State key: subset bits above 6 bits per placed rank (3 for alpha, 3 for beta).
    masks = np.zeros(1, dtype=np.uint64)          # the subset, kept apart from the packed prefix
    prefix = np.zeros(1, dtype=np.uint64)
    counts = np.ones(1, dtype=np.int64)
    for level in range(m):
        shift = np.uint64(2 * _ENTRY_BITS * level)
        new_masks, new_prefix, new_counts = [], [], []
        mask_int = masks.astype(np.int64)
        for v in range(m):
            keep = ((mask_int >> v) & 1) == 0
            if not keep.any():
                continue
            grown = mask_int[keep] | (1 << v)
            a = into_a[v, grown].astype(np.uint64)
            b = into_b[v, grown].astype(np.uint64)
            new_masks.append(grown.astype(np.uint64))
            new_prefix.append(prefix[keep] | ((a | (b << np.uint64(_ENTRY_BITS))) << shift))
            new_counts.append(counts[keep])
        masks = np.concatenate(new_masks)
        prefix = np.concatenate(new_prefix)
        counts = np.concatenate(new_counts)
        # Merge equal (subset, prefix) states. The prefix uses 6 (level + 1) <= 60 bits and the subset m <= 10, so
        # the two are merged with a lexicographic sort rather than one packed key.
        order = np.lexsort((prefix, masks))
        masks, prefix, counts = masks[order], prefix[order], counts[order]
        new_group = np.ones(len(masks), dtype=bool)
        new_group[1:] = (masks[1:] != masks[:-1]) | (prefix[1:] != prefix[:-1])
        starts = np.flatnonzero(new_group)
        counts = np.add.reduceat(counts, starts)
        masks, prefix = masks[starts], prefix[starts]
    assert len(masks) == 0 or int(masks[0]) == full
    shifts = (np.arange(m, dtype=np.uint64) * np.uint64(2 * _ENTRY_BITS))
    low = np.uint64((1 << _ENTRY_BITS) - 1)
    alpha = ((prefix[:, None] >> shifts) & low).astype(np.int64)
    beta = ((prefix[:, None] >> (shifts + np.uint64(_ENTRY_BITS))) & low).astype(np.int64)
    return alpha, beta, counts


def _rank_column(template: Template):
    """Rank-space column: (m, linear (m,), directions (R, m), values (R,)) before spreading."""
    alpha, beta, counts = rank_space_arrays(template)
    m = alpha.shape[1]
    delta = alpha - beta
    suffix = np.cumsum(delta[:, ::-1], axis=1)
    nonnegative = (suffix >= 0).all(axis=1)           # delta . x >= 0 on the cone: the maximum is alpha
    nonpositive = (suffix <= 0).all(axis=1) & ~nonnegative
    hinge = ~(nonnegative | nonpositive)
    linear = (counts[nonnegative, None] * alpha[nonnegative]).sum(axis=0)
    linear = linear + (counts[nonpositive, None] * beta[nonpositive]).sum(axis=0)
    if not hinge.any():
        return m, linear, np.zeros((0, m), dtype=np.int64), np.zeros(0, dtype=np.int64)
    delta, alpha_h, beta_h, counts_h = delta[hinge], alpha[hinge], beta[hinge], counts[hinge]
    g = np.gcd.reduce(delta, axis=1)
    first = delta[np.arange(len(delta)), (delta != 0).argmax(axis=1)]
    positive = first > 0
    # d = delta / g with lin = beta when the first nonzero entry is positive, else d = -delta / g with lin = alpha.
    sign = np.where(positive, 1, -1)
    directions = delta // g[:, None] * sign[:, None]
    lin_h = np.where(positive[:, None], beta_h, alpha_h)
    linear = linear + (counts_h[:, None] * lin_h).sum(axis=0)
    weights = _DIRECTION_BITS * np.arange(m, dtype=np.int64)
    keys = ((directions + _DIRECTION_OFFSET) << weights).sum(axis=1)
    unique_keys, inverse = np.unique(keys, return_inverse=True)
    values = np.zeros(len(unique_keys), dtype=np.int64)
    np.add.at(values, inverse, counts_h * g)
    rank_directions = ((unique_keys[:, None] >> weights) & 15) - _DIRECTION_OFFSET
    keep = values != 0
    return m, linear, rank_directions[keep], values[keep]


_POSITION_SETS: dict = {}


def _position_sets(n: int, m: int) -> np.ndarray:
    key = (n, m)
    if key not in _POSITION_SETS:
        _POSITION_SETS[key] = np.array(list(combinations(range(n), m)), dtype=np.int64).reshape(comb(n, m), m)
    return _POSITION_SETS[key]


def template_column_arrays(template: Template, n: int) -> tuple:
    """The column of ``F_{A,B}`` on the sorted cone as arrays ``(linear, keys, values)``.

    ``linear`` is the int64 vector of the n linear coefficients; ``keys`` are the sorted packed direction keys
    (int64, ``sum_p (d_p + 8) 16^p``; :func:`decode_direction` unpacks one) and ``values`` their nonzero
    coefficients (int64). Falls back to the dict kernel beyond the packing limits.

    Examples
    --------
    >>> linear, keys, values = template_column_arrays(Template.from_pairs([(0, 0), (2, 2)], [(1, 1), (1, 1)]), 3)
    >>> linear.tolist(), [decode_direction(int(key), 3) for key in keys], values.tolist()
    ([0, 6, 6], [(1, -2, 1)], [2])
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise UsageError(f"template_column_arrays: n must be an integer >= 1, got {n!r}")
    if n > _MAX_N:
        raise UsageError(f"template_column_arrays: packed direction keys hold n <= {_MAX_N}; got n = {n}")
    m = len(template_vertices(template))
    if m > n:
        raise UsageError(f"the template {template} uses {m} indices, more than n = {n}")
    k = max(len(template.a), len(template.b))
    if m > _MAX_RANK_VERTICES or k >= 1 << _ENTRY_BITS:
        return _arrays_from_dict(template_column(template, n), n)
    m, rank_linear, rank_directions, rank_values = _rank_column(template)
    multiplier = factorial(n - m)
    positions = _position_sets(n, m)                                   # (C, m)
    linear = np.zeros(n, dtype=np.int64)
    np.add.at(linear, positions.ravel(), np.tile(rank_linear, len(positions)))
    linear *= multiplier
    if len(rank_values) == 0:
        return linear, np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    base = sum(_DIRECTION_OFFSET << (_DIRECTION_BITS * p) for p in range(n))
    place = np.left_shift(np.int64(1), _DIRECTION_BITS * positions)  # (C, m): 16^position
    keys = (base + rank_directions @ place.T).ravel()                  # (R * C,)
    values = np.repeat(rank_values * multiplier, len(positions))
    # Distinct position sets and distinct rank directions give distinct spread directions, except when a rank
    # direction has zero entries; merge equal keys.
    unique_keys, inverse = np.unique(keys, return_inverse=True)
    if len(unique_keys) < len(keys):
        merged = np.zeros(len(unique_keys), dtype=np.int64)
        np.add.at(merged, inverse, values)
        keep = merged != 0
        return linear, unique_keys[keep], merged[keep]
    order = np.argsort(keys)
    return linear, keys[order], values[order]


def _arrays_from_dict(column: dict, n: int) -> tuple:
    linear = np.zeros(n, dtype=np.int64)
    pairs = []
    for key, value in column.items():
        if key[0] == LINEAR:
            linear[key[1]] = value
        else:
            pairs.append((_encode_direction(key), value))
    pairs.sort()
    keys = np.array([p[0] for p in pairs], dtype=np.int64)
    values = np.array([p[1] for p in pairs], dtype=np.int64)
    return linear, keys, values


def _encode_direction(direction) -> int:
    return sum((entry + _DIRECTION_OFFSET) << (_DIRECTION_BITS * p) for p, entry in enumerate(direction))


def decode_direction(key: int, n: int) -> tuple:
    """The direction (n-tuple of ints) of a packed key of :func:`template_column_arrays`.

    Examples
    --------
    >>> decode_direction(8 + (7 << 4) + (9 << 8), 3)
    (0, -1, 1)
    """
    return tuple(((key >> (_DIRECTION_BITS * p)) & 15) - _DIRECTION_OFFSET for p in range(n))


def column_dict(template: Template, n: int) -> dict:
    """:func:`template_column_arrays` in the dict layout of :func:`~lincomb.solvers.max_sorted_cone.template_column`.

    Examples
    --------
    >>> t = Template.from_pairs([(0, 1), (2, 3)], [(0, 2), (1, 4)])
    >>> column_dict(t, 5) == template_column(t, 5)
    True
    """
    linear, keys, values = template_column_arrays(template, n)
    column = {(LINEAR, p): int(v) for p, v in enumerate(linear.tolist()) if v}
    for key, value in zip(keys.tolist(), values.tolist()):
        column[decode_direction(key, n)] = value
    return column


@dataclass
class CSCColumns:
    """A sparse integer matrix in compressed sparse column layout, with its row table.

    Attributes
    ----------
    n : int
        Inputs; rows ``0..n-1`` are the linear rows (row ``p``: coefficient of ``x_{p+1}``).
    indptr : numpy.ndarray
        int64, ``(columns + 1,)``; column ``j`` holds entries ``indptr[j]:indptr[j+1]``.
    indices : numpy.ndarray
        int64 row numbers, strictly increasing within each column.
    data : numpy.ndarray
        int64 nonzero values.
    direction_keys : numpy.ndarray
        Packed keys (sorted, int64) of the direction rows ``n, n+1, ...`` (:func:`decode_direction`).

    Examples
    --------
    >>> from lincomb.solvers.max_templates import enumerate_templates
    >>> system = assemble_csc([template_column_arrays(t, 5) for t in enumerate_templates(5, 2)], 5)
    >>> system.columns, system.n_rows, system.nnz
    (131, 20, 918)
    """

    n: int
    indptr: np.ndarray
    indices: np.ndarray
    data: np.ndarray
    direction_keys: np.ndarray

    @property
    def n_rows(self) -> int:
        """Linear rows plus direction rows.

        Examples
        --------
        >>> assemble_csc([], 4).n_rows
        4
        """
        return self.n + len(self.direction_keys)

    @property
    def columns(self) -> int:
        """The number of columns.

        Examples
        --------
        >>> assemble_csc([], 4).columns
        0
        """
        return len(self.indptr) - 1

    @property
    def nnz(self) -> int:
        """Stored nonzeros.

        Examples
        --------
        >>> assemble_csc([], 4).nnz
        0
        """
        return int(self.indptr[-1])

    def row_key(self, row: int):
        """The row key in the dict layout: ``("lin", p)`` or a direction tuple.

        Examples
        --------
        >>> assemble_csc([], 4).row_key(3)
        ('lin', 3)
        """
        if row < self.n:
            return (LINEAR, row)
        return decode_direction(int(self.direction_keys[row - self.n]), self.n)

    def rhs(self) -> np.ndarray:
        """The right-hand side ``e_n`` (the linear part of ``max``: ``x_n`` on the sorted cone).

        Examples
        --------
        >>> assemble_csc([], 3).rhs().tolist()
        [0, 0, 1]
        """
        target = np.zeros(self.n_rows, dtype=np.int64)
        target[self.n - 1] = 1
        return target

    def column(self, j: int) -> dict:
        """Column ``j`` in the dict layout (row key -> int).

        Examples
        --------
        >>> t = Template.from_pairs([(0, 1)], [(2, 2)])
        >>> assemble_csc([template_column_arrays(t, 3)], 3).column(0) == template_column(t, 3)
        True
        """
        start, stop = int(self.indptr[j]), int(self.indptr[j + 1])
        return {self.row_key(int(r)): int(v) for r, v in zip(self.indices[start:stop], self.data[start:stop])}


def assemble_csc(columns: list, n: int) -> CSCColumns:
    """Intern the direction keys of all columns once and lay the columns out as CSC arrays.

    Parameters
    ----------
    columns : list of (linear, keys, values)
        As returned by :func:`template_column_arrays` (keys sorted within each column).
    n : int

    Returns
    -------
    CSCColumns

    Examples
    --------
    >>> t = Template.from_pairs([(0, 0), (2, 2)], [(1, 1), (1, 1)])
    >>> system = assemble_csc([template_column_arrays(t, 3)], 3)
    >>> system.indices.tolist(), system.data.tolist(), system.row_key(3)
    ([1, 2, 3], [6, 6, 2], (1, -2, 1))
    """
    if not columns:
        return CSCColumns(n, np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.int64),
                          np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
    all_keys = np.concatenate([keys for _, keys, _ in columns])
    direction_keys, inverse = np.unique(all_keys, return_inverse=True)
    del all_keys
    counts = np.empty(len(columns), dtype=np.int64)
    pieces_rows, pieces_data = [], []
    offset = 0
    for j, (linear, keys, values) in enumerate(columns):
        linear_rows = np.flatnonzero(linear)
        rows = inverse[offset:offset + len(keys)] + n   # keys are sorted, so these rows increase
        offset += len(keys)
        pieces_rows.append(linear_rows)
        pieces_rows.append(rows)
        pieces_data.append(linear[linear_rows])
        pieces_data.append(values)
        counts[j] = len(linear_rows) + len(keys)
    indptr = np.zeros(len(columns) + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    return CSCColumns(n, indptr, np.concatenate(pieces_rows).astype(np.int64),
                      np.concatenate(pieces_data).astype(np.int64), direction_keys)


class StageProgress:
    """A progress display on a stream (stderr by default): ``[stage] done/total  rate/s  ETA``, one line per stage.

    Call it as ``progress(stage, done, total, info="")`` (the signature of the modular solver's progress); lines
    are redrawn at most every ``interval`` seconds with a carriage return, and a stage ends with a newline when
    ``done == total`` or when the next stage starts. ``rate`` and ``ETA`` are measured from the stage's first call.

    Examples
    --------
    >>> import io
    >>> out = io.StringIO()
    >>> show = StageProgress(out, interval=0)
    >>> show("columns", 0, 4); show("columns", 4, 4, "done")
    >>> out.getvalue().splitlines()[-1].startswith("[columns] 4/4")
    True
    """

    def __init__(self, stream=None, interval: float = 0.5):
        import sys

        self.stream = sys.stderr if stream is None else stream
        self.interval = interval
        self._stage = None
        self._started = 0.0
        self._last = -1e9
        self._open = False

    def __call__(self, stage: str, done: int, total: int, info: str = "") -> None:
        import time

        now = time.perf_counter()
        if stage != self._stage:
            if self._open:
                self.stream.write("\n")
            self._stage, self._started, self._last, self._open = stage, now, -1e9, False
        finished = total is not None and done >= total
        if not finished and now - self._last < self.interval:
            return
        self._last = now
        elapsed = now - self._started
        rate = done / elapsed if elapsed > 0 and done else 0.0
        if finished:
            eta = f"{elapsed:.1f} s"
        elif rate > 0 and total:
            eta = f"ETA {(total - done) / rate:.0f} s"
        else:
            eta = "ETA ?"
        line = f"[{stage}] {done}/{total if total is not None else '?'}  {rate:.3g}/s  {eta}"
        if info:
            line += f"  {info}"
        self.stream.write("\r" + line)
        self._open = True
        if finished:
            self.stream.write("\n")
            self._open = False
        self.stream.flush()
