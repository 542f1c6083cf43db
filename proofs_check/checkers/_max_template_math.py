"""Shared arithmetic of the max-representation checkers (STANDARD LIBRARY ONLY).

On the sorted cone ``x_1 <= ... <= x_n`` a permuted template is ``max(alpha . x, beta . x)`` with integer
vectors ``alpha``, ``beta`` (``max(x_i, x_j) = x_max(i,j)`` there). :func:`decompose_ordering` writes it as
``lin . x + g relu(d . x)`` with ``d`` a reduced direction: primitive, first nonzero entry positive, and of
changing sign on the cone (otherwise the maximum is linear there and ``g = 0``). Reduced directions kink along
distinct hyperplanes through the interior of the cone, so their relus are independent modulo linear
functions: this is why comparing coefficients proves an identity.

Examples
--------
>>> decompose_ordering((0, 2, 0), (1, 0, 1))
((0, 2, 0), 1, (1, -2, 1))
>>> is_reduced_direction((1, -2, 1)), is_reduced_direction((1, -1, 0))
(True, False)
"""

from __future__ import annotations

from collections import Counter
from itertools import accumulate, combinations, combinations_with_replacement
from math import factorial, gcd

__all__ = ["decompose_ordering", "ordering_counts", "template_column", "is_reduced_direction", "normal_form_templates"]


def decompose_ordering(alpha, beta) -> tuple:
    """``max(alpha . x, beta . x) = lin . x + g relu(d . x)`` on the sorted cone: returns ``(lin, g, d)``.

    ``d`` is None (and ``g = 0``) when ``alpha - beta`` has one sign on the cone.

    Examples
    --------
    >>> decompose_ordering((1, 0), (0, 1))
    ((0, 1), 0, None)
    """
    delta = [a - b for a, b in zip(alpha, beta)]
    sums = tuple(accumulate(reversed(delta)))  # with 0, the values of delta . x on the cone's rays
    if min(0, *sums) >= 0:
        return tuple(alpha), 0, None
    if max(0, *sums) <= 0:
        return tuple(beta), 0, None
    g = gcd(*delta)
    first = next(value for value in delta if value)
    if first > 0:
        return tuple(beta), g, tuple(value // g for value in delta)
    return tuple(alpha), g, tuple(-value // g for value in delta)


def is_reduced_direction(direction) -> bool:
    """Whether ``direction`` sums to 0, is primitive, has a positive first nonzero entry and changes sign on the cone:
    exactly when :func:`decompose_ordering` of ``max(d . x, 0)`` returns ``d`` itself as the hinge direction.

    (A direction with a nonzero sum is unbounded both ways along the all-ones line; templates never produce it.)

    Examples
    --------
    >>> is_reduced_direction((2, -4, 2)), is_reduced_direction((-1, 2, -1)), is_reduced_direction((0, 0, 0))
    (False, False, False)
    """
    values = tuple(direction)
    return sum(values) == 0 and decompose_ordering(values, (0,) * len(values))[2] == values


def ordering_counts(a_pairs, b_pairs, n: int) -> tuple:
    """The multiset of ``(alpha, beta)`` over all orderings, and the multiplier of unused indices.

    Every permutation ``s`` of the n indices gives ``alpha = sum_{(i,j) in A} e_max(s_i, s_j)``; it depends only
    on where the m used indices go: a set of m positions and an order of the used indices on it. The positions
    only spread the vector, so the multiset over the m! orders is found once, by a dynamic program over the subsets
    of used indices that take the lowest ranks (the index placed next takes the next rank, and with it every pair
    joining it to the subset); it is then spread over the C(n, m) position sets. Each injection is counted once,
    and each stands for ``(n - m)!`` permutations (the returned multiplier). Enumerating the n!/(n - m)! injections
    one by one gives the same counts (tested) and took 28 CPU minutes for the n = 10 certificate; this takes two.

    Examples
    --------
    >>> counts, multiplier = ordering_counts([(0, 1)], [(2, 2)], 3)
    >>> sum(counts.values()) * multiplier
    6
    >>> sorted(counts.items())[:2]
    [(((0, 0, 1), (0, 1, 0)), 2), (((0, 0, 1), (1, 0, 0)), 2)]
    """
    used = sorted({v for pair in list(a_pairs) + list(b_pairs) for v in pair})
    m = len(used)
    index = {v: r for r, v in enumerate(used)}
    joins = [[[0] * m for _ in range(m)] for _ in range(2)]  # joins[side][v][u]: pairs {v, u} on that side
    for side, pairs in enumerate((a_pairs, b_pairs)):
        for i, j in pairs:
            joins[side][index[i]][index[j]] += 1
            if i != j:
                joins[side][index[j]][index[i]] += 1
    level = {0: Counter({((), ()): 1})}
    for _ in range(m):
        grown_level: dict = {}
        for mask, states in level.items():
            for v in (v for v in range(m) if not mask >> v & 1):
                grown = mask | 1 << v
                a, b = (sum(row[u] for u in range(m) if grown >> u & 1) for row in (joins[0][v], joins[1][v]))
                target = grown_level.setdefault(grown, Counter())
                for (alpha, beta), count in states.items():
                    target[alpha + (a,), beta + (b,)] += count
        level = grown_level
    counts: Counter = Counter()
    for positions in combinations(range(n), m):
        for (alpha_r, beta_r), count in level[(1 << m) - 1].items():
            alpha, beta = [0] * n, [0] * n
            for r, p in enumerate(positions):
                alpha[p], beta[p] = alpha_r[r], beta_r[r]
            counts[tuple(alpha), tuple(beta)] += count
    return counts, factorial(n - m)


def template_column(a_pairs, b_pairs, n: int) -> tuple:
    """The template ``F_{A,B}`` on the sorted cone as ``(linear, hinges, multiplier)``: ``F = multiplier * (linear . x +
    sum_d hinges[d] relu(d . x))``, the sum of :func:`decompose_ordering` over :func:`ordering_counts` (integers only).

    Both max-representation checkers read a template through this: its column of the linear system.

    Examples
    --------
    >>> template_column([(0, 1)], [(2, 2)], 3)         # 6 max(x_2, x_3) = 6 x_3 on the cone
    ([0, 0, 6], Counter(), 1)
    >>> template_column([(0, 0), (1, 1)], [(2, 2), (2, 2)], 3)
    ([0, 6, 6], Counter({(1, -2, 1): 2}), 1)
    """
    counts, multiplier = ordering_counts(a_pairs, b_pairs, n)
    linear, hinges = [0] * n, Counter()
    for (alpha, beta), count in counts.items():
        lin, g, direction = decompose_ordering(alpha, beta)
        for p, value in enumerate(lin):
            if value:
                linear[p] += count * value
        if direction is not None:
            hinges[direction] += count * g
    return linear, hinges, multiplier


def _prefix_end(pairs, start: int) -> int:
    """The end of the indices ``>= start`` that ``pairs`` use if they are ``start, start + 1, ...``, else -1."""
    new = sorted({v for pair in pairs for v in pair if v >= start})
    return start + len(new) if new == list(range(start, start + len(new))) else -1


def normal_form_templates(n: int, k: int, loops: bool):
    """Yield templates ``(A, B)`` (0-based) such that every template on n indices is a relabelling of one.

    A uses the indices ``0..m-1``; B uses some of those and new indices ``m, m+1, ...`` in order; at most n
    indices in all. (Relabelling does not change the symmetrized function, so checking these covers all.)

    Examples
    --------
    >>> sum(1 for _ in normal_form_templates(3, 1, True))
    10
    """
    def pairs_on(count):
        return [(i, j) for i in range(count) for j in range(i, count) if loops or i != j]

    for a_side in combinations_with_replacement(pairs_on(min(n, 2 * k)), k):
        m = _prefix_end(a_side, 0)
        if m < 0:
            continue
        for b_side in combinations_with_replacement(pairs_on(min(n, m + 2 * k)), k):
            if _prefix_end(b_side, m) >= 0:
                yield a_side, b_side
