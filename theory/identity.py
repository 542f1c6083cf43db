"""The exact, complete identity test for CPWL programs, and the cell tree that certifies it.

:func:`prove_identity` decides whether two :class:`~lincomb.theory.program.Program` objects compute the
same function on R^n. It walks the cell tree of ``docs/certificates.md``: the ``max`` nodes of
``lhs - rhs`` are branched in program order, each child being the open cell where one argument is
strictly largest; a child is pruned when an exact LP (:mod:`lincomb.theory.cell_lp`) or a cheap
opposite-pair test proves it empty, and its Farkas multipliers go into the certificate. At each leaf the
difference is one affine function, which must be exactly zero. Nothing is sampled: when the functions
differ, the test returns a rational point where they differ.

Examples
--------
>>> from lincomb.theory.program import network_program, max_combination_program
>>> net = network_program([([[1, -1], [0, 1], [0, -1]], [0, 0, 0]), ([[1, 1, -1]], [0])], 2)
>>> target = max_combination_program([(1, [((1, 0), 0), ((0, 1), 0)])], 2)
>>> result = prove_identity(net, target)
>>> result.equal, result.leaves
(True, 2)
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from fractions import Fraction

from lincomb.errors import ShapeError

from .cell_lp import open_cell_status
from .program import Program, difference_program
from .rationals import rational_str


@dataclass
class IdentityResult:
    """The outcome of :func:`prove_identity`.

    Attributes
    ----------
    equal : bool
        Whether lhs and rhs agree on all of R^n.
    counterexample : tuple of Fraction or None
        A rational point with ``lhs(point) != rhs(point)`` (when not equal).
    empty_cells : dict
        Cell key -> Farkas multipliers ``{"d:i": Fraction}`` (the certificate's data).
    leaves, empty_count, lp_calls, nodes : int
        Statistics of the cell tree.
    seconds : float

    Examples
    --------
    >>> from lincomb.theory.program import max_combination_program
    >>> absolute = max_combination_program([(1, [((1,), 0), ((-1,), 0)])], 1)
    >>> result = prove_identity(absolute, absolute)
    >>> result.equal, result.leaves, result.empty_count
    (True, 2, 2)
    """

    equal: bool
    counterexample: tuple | None = None
    empty_cells: dict = field(default_factory=dict)
    leaves: int = 0
    empty_count: int = 0
    lp_calls: int = 0
    nodes: int = 0
    seconds: float = 0.0

    def certificate_data(self) -> dict:
        """The ``data`` object of a ``cpwl-identity`` certificate (rationals as strings).

        Examples
        --------
        >>> IdentityResult(equal=True, leaves=1).certificate_data()["leaves"]
        1
        """
        if not self.equal:
            raise ValueError("the functions differ; there is no identity certificate")
        return {
            "method": "cell tree over the max nodes of lhs - rhs in program order; empty cells closed by Farkas multipliers",
            "empty_cells": {
                path: {key: rational_str(y) for key, y in multipliers.items()}
                for path, multipliers in self.empty_cells.items()
            },
            "leaves": self.leaves,
            "empty_count": self.empty_count,
        }


def _exact(value):
    """Fractions with denominator 1 become ints: integer arithmetic is much faster in Python."""
    value = Fraction(value)
    return value.numerator if value.denominator == 1 else value


def _combine(terms, constant, values, width):
    vector = [0] * width
    vector[-1] = constant
    for node, coefficient in terms:
        source = values[node]
        for j in range(width):
            if source[j]:
                vector[j] += coefficient * source[j]
    return tuple(vector)


def _subtract(a, b):
    return tuple(x - y for x, y in zip(a, b))


def _evaluate(vector, point):
    return sum((c * x for c, x in zip(vector, point)), vector[-1])


def _direction_key(vector):
    """The linear part scaled so that its first non-zero entry is +1 (None for a constant)."""
    linear = vector[:-1]
    for entry in linear:
        if entry:
            return tuple(Fraction(x) / entry if x else 0 for x in linear), entry
    return None, 0


def _point_with_nonzero(residual, point, constraints):
    """A point of the open cell where the affine ``residual`` is not zero (the cell contains ``point``)."""
    if _evaluate(residual, point) != 0:
        return point
    gradient = residual[:-1]
    step = Fraction(1)
    while True:
        candidate = tuple(Fraction(x) + step * g for x, g in zip(point, gradient))
        if all(_evaluate(g, candidate) > 0 for _, g in constraints):
            return candidate
        step /= 2


def first_primes(count: int) -> list[int]:
    """The first ``count`` primes: coordinates ``1/p`` give points with no special relations among them.

    Examples
    --------
    >>> first_primes(5)
    [2, 3, 5, 7, 11]
    """
    primes: list[int] = []
    candidate = 2
    while len(primes) < count:
        if all(candidate % p for p in primes):
            primes.append(candidate)
        candidate += 1
    return primes


def prove_identity(lhs: Program, rhs: Program, *, progress=None, stop_at_difference: bool = True) -> IdentityResult:
    """Decide exactly whether two programs compute the same function on R^n.

    Parameters
    ----------
    lhs, rhs : Program
        Programs with the same input dimension and an output node each.
    progress : callable, optional
        Called as ``progress(nodes, leaves, empty_count)`` every 2000 tree nodes.
    stop_at_difference : bool, default True
        Return as soon as a leaf with a non-zero difference is found.

    Returns
    -------
    IdentityResult

    Examples
    --------
    >>> from lincomb.theory.program import max_combination_program
    >>> relu = max_combination_program([(1, [((1,), 0), ((0,), 0)])], 1)
    >>> almost = max_combination_program([(1, [((1,), 0), ((0,), "1/1000")])], 1)
    >>> result = prove_identity(relu, almost)
    >>> result.equal, relu.evaluate(result.counterexample) != almost.evaluate(result.counterexample)
    (False, True)
    """
    if lhs.dimension != rhs.dimension:
        raise ShapeError(f"cannot compare functions on R^{lhs.dimension} and R^{rhs.dimension}")
    started = time.perf_counter()
    program = difference_program(lhs, rhs)
    n = program.dimension
    width = n + 1
    nodes = [
        ("lin", _exact(node[1]), tuple((i, _exact(c)) for i, c in node[2])) if node[0] == "lin" else node
        for node in program.nodes
    ]
    max_positions = [n + k for k, node in enumerate(nodes) if node[0] == "max"]
    output = program.output

    values: list = [tuple(1 if j == i else 0 for j in range(width)) for i in range(n)]
    values.extend([None] * len(nodes))
    result = IdentityResult(equal=True)
    constraints: list = []  # (key, vector) with vector . (x, 1) > 0
    directions: dict = {}  # normalized direction -> list of (key, vector, scale)

    def evaluate_lin_nodes(start: int, stop: int) -> None:
        for index in range(start, stop):
            _, constant, terms = nodes[index - n]
            values[index] = _combine(terms, constant, values, width)

    def push(key, vector):
        constraints.append((key, vector))
        direction, scale = _direction_key(vector)
        if direction is not None:
            directions.setdefault(direction, []).append((key, vector, scale))

    def pop(count):
        for _ in range(count):
            key, vector = constraints.pop()
            direction, _ = _direction_key(vector)
            if direction is not None:
                directions[direction].pop()

    def quick_farkas(new):
        """Farkas multipliers from a constant constraint or an opposite pair, without an LP."""
        for key, vector in new:
            direction, scale = _direction_key(vector)
            if direction is None:
                if vector[-1] <= 0:
                    return {key: Fraction(1)}
                continue
            opposite = tuple(-x for x in direction)
            for other_key, other, other_scale in directions.get(opposite, ()):
                if other_key == key:
                    continue
                # vector = scale*u, other = other_scale*(-u): combine with y = 1 and y' = scale/other_scale.
                ratio = Fraction(scale) / Fraction(other_scale)
                if ratio < 0:
                    ratio = -ratio
                if vector[-1] + ratio * other[-1] <= 0:
                    return {key: Fraction(1), other_key: ratio}
        return None

    def explore(depth: int, path: str, point) -> bool:
        """Explore the cell at ``path`` (containing ``point`` strictly, or None); False when a difference is found."""
        result.nodes += 1
        if progress is not None and result.nodes % 2000 == 0:
            progress(result.nodes, result.leaves, result.empty_count)
        start = max_positions[depth - 1] + 1 if depth > 0 else n
        if depth == len(max_positions):
            evaluate_lin_nodes(start, output + 1 if output >= start else start)
            residual = values[output]
            result.leaves += 1
            if any(residual):
                result.equal = False
                if point is None:
                    status = open_cell_status([(g[:-1], g[-1]) for _, g in constraints])
                    point = status.point
                result.counterexample = _point_with_nonzero(residual, point, constraints)
                return not stop_at_difference
            return True
        position = max_positions[depth]
        evaluate_lin_nodes(start, position)
        arguments = [values[i] for i in nodes[position - n][1]]
        representatives = []
        seen = set()
        for index, vector in enumerate(arguments):
            if vector not in seen:
                seen.add(vector)
                representatives.append(index)
        for chosen in representatives:
            new = [
                (f"{depth}:{other}", _subtract(arguments[chosen], arguments[other]))
                for other in representatives
                if other != chosen
            ]
            child_path = f"{path}.{chosen}" if path else str(chosen)
            child_point = point if point is not None and all(_evaluate(g, point) > 0 for _, g in new) else None
            farkas = None
            if child_point is None:
                farkas = quick_farkas(new)
                if farkas is None:
                    result.lp_calls += 1
                    all_constraints = constraints + new
                    status = open_cell_status([(g[:-1], g[-1]) for _, g in all_constraints])
                    if status.empty:
                        farkas = {all_constraints[k][0]: y for k, y in status.farkas.items()}
                    else:
                        child_point = status.point
            if farkas is not None:
                result.empty_cells[child_path] = farkas
                result.empty_count += 1
                continue
            values[position] = arguments[chosen]
            for key, vector in new:
                push(key, vector)
            keep_going = explore(depth + 1, child_path, child_point)
            pop(len(new))
            if not keep_going:
                return False
        return True

    import sys

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 4 * len(max_positions) + 1000))
    try:
        # A point with no special relations among its coordinates avoids ties at the root.
        explore(0, "", tuple(Fraction(1, prime) for prime in first_primes(n)))
    finally:
        sys.setrecursionlimit(limit)
    result.seconds = time.perf_counter() - started
    return result
