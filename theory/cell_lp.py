"""Exact linear programming for open polyhedral cells: an interior point or a Farkas certificate.

A cell is the open polyhedron ``{x in R^n : c_k . x + d_k > 0 for every k}``. :func:`open_cell_status`
decides exactly whether it is empty. It solves, by the simplex method in exact rational arithmetic
(python-flint ``fmpq``), the linear program

    maximize t  subject to  c_k . x + d_k >= t  (all k),  t <= 1,

through its dual, ``minimize sum_k y_k d_k + z`` subject to ``sum_k y_k c_k = 0``, ``sum_k y_k + z = 1``,
``y, z >= 0``, a standard-form program with only n + 1 rows. If the optimum t* is positive, the simplex
multipliers give x with every ``c_k . x + d_k >= t* > 0``: an interior point. Otherwise the optimal y is
non-zero, satisfies ``sum y_k c_k = 0`` and ``sum y_k d_k <= -z <= 0``: a Farkas certificate of emptiness
(Motzkin's transposition theorem says one of the two always exists).

Examples
--------
>>> from fractions import Fraction
>>> status = open_cell_status([((1, 0), 0), ((0, 1), 0)])      # x1 > 0, x2 > 0
>>> status.empty, all(c1 * status.point[0] + c2 * status.point[1] + d > 0
...                   for (c1, c2), d in [((1, 0), 0), ((0, 1), 0)])
(False, True)
>>> open_cell_status([((1, -1), 0), ((-1, 1), 0)]).farkas       # x1 > x2 and x2 > x1
{0: Fraction(1, 2), 1: Fraction(1, 2)}
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import flint


@dataclass
class CellStatus:
    """The outcome of :func:`open_cell_status`.

    Attributes
    ----------
    empty : bool
    point : tuple of Fraction or None
        A point strictly inside the cell (when not empty).
    farkas : dict or None
        Multipliers ``{constraint index: y_k}``, y_k > 0, proving emptiness.

    Examples
    --------
    >>> open_cell_status([((1,), 0)])                          # x > 0
    CellStatus(empty=False, point=(Fraction(1, 1),), farkas=None)
    """

    empty: bool
    point: tuple | None = None
    farkas: dict | None = None


def _to_fraction(value) -> Fraction:
    return Fraction(int(value.p), int(value.q))


def _pivot(tableau, rhs, row, column):
    """Gauss-Jordan pivot on (row, column), skipping zero entries (the tableaux here are sparse)."""
    pivot_row = tableau[row]
    inverse = 1 / pivot_row[column]
    if inverse != 1:
        for j, value in enumerate(pivot_row):
            if value:
                pivot_row[j] = value * inverse
        rhs[row] = rhs[row] * inverse
    nonzero = [j for j, value in enumerate(pivot_row) if value]
    for i, other in enumerate(tableau):
        if i == row:
            continue
        factor = other[column]
        if factor:
            for j in nonzero:
                other[j] = other[j] - factor * pivot_row[j]
            if rhs[row]:
                rhs[i] = rhs[i] - factor * rhs[row]


def open_cell_status(constraints) -> CellStatus:
    """Decide exactly whether ``{x : c . x + d > 0 for all (c, d) in constraints}`` is empty.

    Parameters
    ----------
    constraints : sequence of (c, d)
        ``c`` a sequence of n exact rationals (int or Fraction), ``d`` an exact rational.

    Returns
    -------
    CellStatus
        With an interior point, or with Farkas multipliers ``{k: y_k}`` (y_k > 0, not all zero) such that
        ``sum y_k c_k = 0`` and ``sum y_k d_k <= 0``.

    Examples
    --------
    >>> open_cell_status([((1,), -1), ((-1,), 2)]).point       # 1 < x < 2
    (Fraction(3, 2),)
    >>> open_cell_status([((0,), -1)]).farkas                  # -1 > 0
    {0: Fraction(1, 1)}
    """
    constraints = list(constraints)
    if not constraints:
        raise ValueError("open_cell_status needs at least one constraint (R^n itself is not empty)")
    n = len(constraints[0][0])
    m = len(constraints)
    rows = n + 1
    z_column = m
    artificial = [m + 1 + i for i in range(n)]
    columns = m + 1 + n
    zero = flint.fmpq(0)
    one = flint.fmpq(1)
    tableau = [[zero] * columns for _ in range(rows)]
    costs = [zero] * columns
    for k, (c, d) in enumerate(constraints):
        for j in range(n):
            if c[j]:
                tableau[j][k] = flint.fmpq(-int(Fraction(c[j]).numerator), int(Fraction(c[j]).denominator))
        tableau[n][k] = one
        d = Fraction(d)
        costs[k] = flint.fmpq(d.numerator, d.denominator)
    tableau[n][z_column] = one
    costs[z_column] = one
    for i in range(n):
        tableau[i][artificial[i]] = one
    rhs = [zero] * n + [one]
    basis = artificial + [z_column]

    # Phase 1 is trivial (the artificial rows have right-hand side 0); drive the artificials out of the
    # basis by degenerate pivots. A row with no non-zero entry left is a redundant equation and keeps its
    # artificial, basic at value 0, for good.
    for i in range(n):
        for j in range(m):
            if tableau[i][j]:
                _pivot(tableau, rhs, i, j)
                basis[i] = j
                break

    # Phase 2, Bland's rule (smallest entering index, smallest leaving basis index): it cannot cycle.
    candidates = range(m + 1)
    while True:
        basic_costs = [costs[b] for b in basis]
        entering = None
        for j in candidates:
            reduced = costs[j]
            for i in range(rows):
                entry = tableau[i][j]
                if entry:
                    reduced -= basic_costs[i] * entry
            if reduced < 0:
                entering = j
                break
        if entering is None:
            break
        leaving = None
        best = None
        for i in range(rows):
            entry = tableau[i][entering]
            if entry > 0:
                ratio = rhs[i] / entry
                if best is None or ratio < best or (ratio == best and basis[i] < basis[leaving]):
                    best, leaving = ratio, i
        if leaving is None:  # cannot happen: the dual is bounded below by -infinity < ... (t <= 1 keeps it finite)
            raise ArithmeticError("unbounded dual in open_cell_status; please report this as a bug")
        _pivot(tableau, rhs, leaving, entering)
        basis[leaving] = entering

    basic_costs = [costs[b] for b in basis]
    identity_columns = artificial + [z_column]
    multipliers = [sum((basic_costs[i] * tableau[i][col] for i in range(rows)), zero) for col in identity_columns]
    optimum = multipliers[n]  # the primal t
    if optimum > 0:
        return CellStatus(empty=False, point=tuple(_to_fraction(v) for v in multipliers[:n]))
    farkas = {}
    for i, b in enumerate(basis):
        if b < m and rhs[i]:
            farkas[b] = _to_fraction(rhs[i])
    return CellStatus(empty=True, farkas=dict(sorted(farkas.items())))
