"""The braid fan of R^n and the conforming basis of Hertrich, Basu, Di Summa and Skutella.

Put ``x_0 = 0``.  The hyperplanes ``x_i = x_j`` (``0 <= i < j <= n``) cut R^n into ``(n+1)!``
simplicial cones.  Their rays are ``r_S``, one per nonempty proper subset ``S`` of ``{0..n}``:
``r_S`` is the indicator of the complement of ``S`` (in coordinates ``1..n``) when ``0`` is in ``S``,
else ``-(indicator of S)``.  Two rays lie in a common cone iff one subset contains the other; the
cones are the maximal chains of the subset lattice (built with networkx).

A function linear on every cone is fixed by its values on the rays; a basis of that space is
``g_M(x) = max_{i in M} x_i`` over nonempty ``M`` with ``M != {0}``.  The functional
``phi(g) = sum_S (-1)^{|S|} g(r_S)`` vanishes on every ``g_M`` except ``M = {0..n}``.

Everything here is exact (integers and :class:`fractions.Fraction`).

Examples
--------
>>> len(braid_subsets(4)), len(comparable_pairs(4)), braid_cone_count(4)
(30, 150, 120)
>>> braid_ray(frozenset({0, 2}), 4)
(1, 0, 1, 1)
>>> phi(lambda x: max([0, *x]), 4)
Fraction(1, 1)
"""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache
from itertools import combinations
from typing import Callable, Iterable

from lincomb.errors import UsageError

__all__ = [
    "basis_subsets",
    "basis_value",
    "braid_cone_count",
    "braid_cones",
    "braid_ray",
    "braid_subsets",
    "comparable_pairs",
    "evaluation_matrix",
    "one_hidden_layer_subsets",
    "phi",
    "phi_of_basis",
    "subset_label",
    "subset_lattice",
]


def _check_n(n) -> int:
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise UsageError(f"n must be an integer >= 1 (the input dimension), got {n!r}")
    if n > 12:
        raise UsageError(f"n = {n} gives 2^{n + 1} - 2 rays; use n <= 12")
    return n


def _ordered(subsets: Iterable[frozenset]) -> list[frozenset]:
    return sorted(subsets, key=lambda s: (len(s), sorted(s)))


@lru_cache(maxsize=None)
def braid_subsets(n: int) -> tuple[frozenset, ...]:
    """The nonempty proper subsets ``S`` of ``{0..n}``, one per ray, by size then lexicographically.

    Parameters
    ----------
    n : int
        The input dimension (``n >= 1``).

    Returns
    -------
    tuple of frozenset
        ``2^(n+1) - 2`` subsets.

    Examples
    --------
    >>> [subset_label(s) for s in braid_subsets(2)]
    ['0', '1', '2', '0,1', '0,2', '1,2']
    """
    _check_n(n)
    ground = range(n + 1)
    return tuple(frozenset(c) for size in range(1, n + 1) for c in combinations(ground, size))


def subset_label(subset: Iterable[int]) -> str:
    """The label of a subset used in variable and row names: sorted elements joined by commas.

    Examples
    --------
    >>> subset_label({3, 0, 1})
    '0,1,3'
    """
    return ",".join(str(i) for i in sorted(subset))


def braid_ray(subset: frozenset, n: int) -> tuple[int, ...]:
    """The ray ``r_S`` in R^n (coordinates ``1..n``; ``x_0 = 0``).

    Examples
    --------
    >>> braid_ray(frozenset({1, 3}), 3)
    (-1, 0, -1)
    >>> braid_ray(frozenset({0, 1}), 3)
    (0, 1, 1)
    """
    _check_n(n)
    subset = frozenset(subset)
    if not subset or len(subset) > n or not subset <= set(range(n + 1)):
        raise UsageError(f"{sorted(subset)} is not a nonempty proper subset of {{0..{n}}}")
    if 0 in subset:
        return tuple(0 if i in subset else 1 for i in range(1, n + 1))
    return tuple(-1 if i in subset else 0 for i in range(1, n + 1))


@lru_cache(maxsize=None)
def subset_lattice(n: int):
    """The rays' containment order as a networkx DiGraph: an edge ``S -> T`` for every ``S`` strictly inside ``T``.

    Built as the transitive closure of the covering relation (add one element).

    Examples
    --------
    >>> lattice = subset_lattice(2)
    >>> lattice.number_of_nodes(), lattice.number_of_edges()
    (6, 6)
    """
    import networkx as nx

    subsets = braid_subsets(n)
    cover = nx.DiGraph()
    cover.add_nodes_from(subsets)
    present = set(subsets)
    for s in subsets:
        for i in range(n + 1):
            if i not in s and (s | {i}) in present:
                cover.add_edge(s, s | {i})
    return nx.transitive_closure_dag(cover)


@lru_cache(maxsize=None)
def comparable_pairs(n: int) -> tuple[tuple[frozenset, frozenset], ...]:
    """The pairs ``(S, T)`` with ``S`` strictly inside ``T``: the pairs of rays sharing a cone.

    There are ``3^(n+1) - 3 * 2^(n+1) + 3`` of them, ordered by ``S`` then ``T``.

    Examples
    --------
    >>> [len(comparable_pairs(n)) for n in (2, 3, 4)]
    [6, 36, 150]
    """
    lattice = subset_lattice(n)
    order = {s: i for i, s in enumerate(braid_subsets(n))}
    return tuple(sorted(lattice.edges(), key=lambda e: (order[e[0]], order[e[1]])))


def braid_cones(n: int) -> list[tuple[frozenset, ...]]:
    """The maximal cones of the braid fan, each as its chain of ``n`` subsets (its spanning rays).

    A maximal chain ``S_1 < S_2 < ... < S_n`` of the subset lattice; there are ``(n+1)!``.

    Examples
    --------
    >>> cones = braid_cones(2)
    >>> len(cones), [subset_label(s) for s in cones[0]]
    (6, ['0', '0,1'])
    """
    import networkx as nx

    lattice = subset_lattice(n)
    cover = nx.transitive_reduction(lattice)
    minimal = [s for s in braid_subsets(n) if len(s) == 1]
    maximal = [s for s in braid_subsets(n) if len(s) == n]
    cones = []
    for start in minimal:
        for end in maximal:
            if start <= end:
                cones.extend(tuple(path) for path in nx.all_simple_paths(cover, start, end))
    return cones


def braid_cone_count(n: int) -> int:
    """The number of maximal cones, counted from the lattice (equals ``(n+1)!``).

    Examples
    --------
    >>> [braid_cone_count(n) for n in (1, 2, 3)]
    [2, 6, 24]
    """
    return len(braid_cones(n))


@lru_cache(maxsize=None)
def basis_subsets(n: int) -> tuple[frozenset, ...]:
    """The index sets ``M`` of the basis ``g_M``: nonempty subsets of ``{0..n}`` other than ``{0}``.

    There are ``2^(n+1) - 2`` of them, as many as rays.

    Examples
    --------
    >>> [subset_label(m) for m in basis_subsets(1)]
    ['1', '0,1']
    """
    _check_n(n)
    ground = range(n + 1)
    found = [frozenset(c) for size in range(1, n + 2) for c in combinations(ground, size)]
    return tuple(m for m in found if m != frozenset({0}))


@lru_cache(maxsize=None)
def one_hidden_layer_subsets(n: int) -> tuple[frozenset, ...]:
    """The ``M`` with ``|M| <= 2``: ``x_i``, ``max(0, x_i)``, ``max(x_i, x_j)``, ``2n + C(n,2)`` functions.

    These span what one conforming hidden layer computes.

    Examples
    --------
    >>> [len(one_hidden_layer_subsets(n)) for n in (2, 3, 4, 5)]
    [5, 9, 14, 20]
    """
    return tuple(m for m in basis_subsets(n) if len(m) <= 2)


def basis_value(m: Iterable[int], s: Iterable[int]) -> int:
    """``g_M(r_S)``, in closed form: ``[M not inside S] - [0 not in S]``, a value in ``{-1, 0, 1}``.

    For ``0`` in ``S`` the ray is 1 off ``S`` and 0 on it; otherwise it is -1 on ``S`` and 0 off it.

    Examples
    --------
    >>> basis_value({1, 2}, {0, 1}), basis_value({1, 2}, {1, 2}), basis_value({1}, {2})
    (1, -1, 0)
    """
    m, s = frozenset(m), frozenset(s)
    return int(not m <= s) - int(0 not in s)


def evaluation_matrix(n: int) -> list[list[int]]:
    """The matrix ``[g_M(r_S)]`` with rows ``S`` (:func:`braid_subsets`) and columns ``M`` (:func:`basis_subsets`).

    Square and invertible: evaluation on the rays is an isomorphism of the space of functions
    linear on every cone.

    Examples
    --------
    >>> evaluation_matrix(1)
    [[1, 1], [-1, 0]]
    """
    return [[basis_value(m, s) for m in basis_subsets(n)] for s in braid_subsets(n)]


def phi(function: Callable, n: int) -> Fraction:
    """``phi(g) = sum_S (-1)^{|S|} g(r_S)``, for any function ``g`` of a point of R^n (a tuple).

    Examples
    --------
    >>> phi(lambda x: max([0, *x]), 2)
    Fraction(1, 1)
    >>> phi(lambda x: max(x[0], x[1]), 2)
    Fraction(0, 1)
    """
    total = Fraction(0)
    for s in braid_subsets(n):
        total += (-1) ** len(s) * Fraction(function(braid_ray(s, n)))
    return total


def phi_of_basis(n: int) -> dict[frozenset, int]:
    """``phi(g_M)`` for every basis function, from the closed form of :func:`basis_value`.

    Examples
    --------
    >>> values = phi_of_basis(3)
    >>> [subset_label(m) for m, v in values.items() if v != 0], values[frozenset(range(4))]
    (['0,1,2,3'], -1)
    """
    subsets = braid_subsets(n)
    return {m: sum((-1) ** len(s) * basis_value(m, s) for s in subsets) for m in basis_subsets(n)}
