"""Exact linear parts and hinge coefficients of symmetrized templates on the sorted cone.

On the sorted cone ``x_1 <= ... <= x_n`` every pairwise maximum is a coordinate, ``max(x_i, x_j) = x_max(i,j)``,
so for a permutation ``s`` the template function ``Phi_{A,B}(s x)`` is ``max(alpha . x, beta . x)`` with
``alpha = sum_{(i,j) in A} e_{max(s_i, s_j)}`` and ``beta`` likewise. With ``delta = alpha - beta`` (entries
summing to 0) there are three cases:

* ``delta . x`` has one sign on the cone (all suffix sums ``delta_j + ... + delta_n`` are >= 0, or all <= 0):
  the maximum is the linear function ``alpha`` or ``beta``;
* otherwise let ``g`` be the gcd of the entries and ``d`` = ``delta / g`` or ``-delta / g``, whichever has a
  positive first nonzero entry (the reduced direction: primitive, one of ``d ~ -d``). Then
  ``max(alpha . x, beta . x) = lin . x + g relu(d . x)`` with ``lin = beta`` when ``d = delta / g``, else ``alpha``.

The functions ``relu(d . x)`` of distinct reduced directions kink along distinct hyperplanes that cross the
interior of the cone, so they are linearly independent modulo linear functions: a combination of templates
equals ``x_n`` on the cone exactly when its hinge coefficients all cancel and its linear parts sum to ``e_n``.
As every ``F_{A,B}`` and ``max`` are symmetric, equality on the cone is equality on R^n.

The symmetrized column is computed without visiting the n! permutations one by one: a dynamic program over
subsets of the template's m used vertices gives the multiset of ``(alpha, beta)`` in *rank space* (the order of
the used vertices), the reduction is done there (it commutes with inserting zeros), and the result is spread
over the ``C(n, m)`` position sets and multiplied by ``(n - m)!`` for the unused indices.

Examples
--------
>>> decompose_ordering((0, 1, 1), (1, 0, 1))        # max(x2 + x3, x1 + x3) = x2 + x3 on the cone
((0, 1, 1), 0, None)
>>> decompose_ordering((0, 2, 0), (1, 0, 1))        # max(2 x2, x1 + x3) = 2 x2 + relu(x1 - 2 x2 + x3)
((0, 2, 0), 1, (1, -2, 1))
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache
from itertools import combinations
from math import factorial, gcd

from lincomb.errors import UsageError

from .max_templates import Template, template_vertices

__all__ = ["decompose_ordering", "template_column", "rank_space_counts", "brute_force_column", "LINEAR"]

#: Row key prefix of the linear part: ``(LINEAR, p)`` is the coefficient of ``x_{p+1}``.
LINEAR = "lin"


def decompose_ordering(alpha: tuple, beta: tuple) -> tuple:
    """Write ``max(alpha . x, beta . x)`` on the sorted cone as ``lin . x + g relu(d . x)``.

    Parameters
    ----------
    alpha, beta : tuple of int
        Coefficient vectors with equal sums.

    Returns
    -------
    (lin, g, d)
        ``d`` is the reduced direction (primitive, first nonzero entry positive), or None with ``g = 0``
        when the maximum is linear on the cone.

    Examples
    --------
    >>> decompose_ordering((1, 0), (0, 1))             # max(x1, x2) = x2 on x1 <= x2
    ((0, 1), 0, None)
    >>> decompose_ordering((2, 0, 2), (0, 4, 0))
    ((0, 4, 0), 2, (1, -2, 1))
    """
    delta = [a - b for a, b in zip(alpha, beta)]
    suffix, low, high = 0, 0, 0
    for value in reversed(delta):
        suffix += value
        low, high = min(low, suffix), max(high, suffix)
    if low >= 0:  # delta . x >= 0 on the cone
        return tuple(alpha), 0, None
    if high <= 0:
        return tuple(beta), 0, None
    g = 0
    for value in delta:
        g = gcd(g, value)
    first = next(value for value in delta if value)
    if first > 0:
        return tuple(beta), g, tuple(value // g for value in delta)
    return tuple(alpha), g, tuple(-value // g for value in delta)


def _edge_counts(template: Template):
    vertices = template_vertices(template)
    index = {v: i for i, v in enumerate(vertices)}
    m = len(vertices)
    count_a = [[0] * m for _ in range(m)]
    count_b = [[0] * m for _ in range(m)]
    for counts, pairs in ((count_a, template.a), (count_b, template.b)):
        for i, j in pairs:
            i, j = index[i], index[j]
            counts[i][j] += 1
            if i != j:
                counts[j][i] += 1
    return m, count_a, count_b


def rank_space_counts(template: Template) -> Counter:
    """The multiset of ``(alpha, beta)`` over all orderings of the template's used vertices.

    ``alpha[r]`` is the number of A-pairs whose higher-ranked endpoint has rank ``r`` (ranks ``0..m-1``).

    Examples
    --------
    >>> sorted(rank_space_counts(Template.from_pairs([(0, 1)], [(0, 0)])).items())
    [(((0, 1), (0, 1)), 1), (((0, 1), (1, 0)), 1)]
    """
    m, count_a, count_b = _edge_counts(template)

    @lru_cache(maxsize=None)
    def below(mask: int) -> tuple:
        # The vertices in `mask` occupy the lowest popcount(mask) ranks, in every order.
        if mask == 0:
            return (((), ()), 1),
        result: Counter = Counter()
        for v in range(m):
            bit = 1 << v
            if not mask & bit:
                continue
            a = sum(count_a[v][u] for u in range(m) if mask >> u & 1)
            b = sum(count_b[v][u] for u in range(m) if mask >> u & 1)
            for (alpha, beta), count in below(mask ^ bit):
                result[alpha + (a,), beta + (b,)] += count
        return tuple(result.items())

    return Counter(dict(below((1 << m) - 1)))


def template_column(template: Template, n: int) -> dict:
    """The exact column of ``F_{A,B}`` (sum over all n! permutations) on the sorted cone.

    Parameters
    ----------
    template : Template
    n : int
        The number of inputs; at least the number of used indices.

    Returns
    -------
    dict
        ``{(LINEAR, p): c}`` for the linear part (coefficient of ``x_{p+1}``) and ``{d: c}`` for the hinge
        coefficient of each reduced direction ``d`` (an n-tuple); zero entries are omitted.

    Examples
    --------
    >>> column = template_column(Template.from_pairs([(0, 0), (2, 2)], [(1, 1), (1, 1)]), 3)   # max(x1 + x3, 2 x2)
    >>> sorted(column.items(), key=str)
    [(('lin', 1), 6), (('lin', 2), 6), ((1, -2, 1), 2)]
    """
    m, _, _ = _edge_counts(template)
    if m > n:
        raise UsageError(f"the template {template} uses {m} indices, more than n = {n}")
    rank_column: Counter = Counter()
    for (alpha, beta), count in rank_space_counts(template).items():
        lin, g, d = decompose_ordering(alpha, beta)
        for r, value in enumerate(lin):
            if value:
                rank_column[LINEAR, r] += count * value
        if d is not None:
            rank_column[d] += count * g
    multiplier = factorial(n - m)
    column: Counter = Counter()
    for positions in combinations(range(n), m):
        for key, value in rank_column.items():
            if key[0] == LINEAR:
                column[LINEAR, positions[key[1]]] += multiplier * value
            else:
                spread = [0] * n
                for r, entry in enumerate(key):
                    spread[positions[r]] = entry
                column[tuple(spread)] += multiplier * value
    return {key: value for key, value in column.items() if value}


def brute_force_column(template: Template, n: int) -> dict:
    """The same column as :func:`template_column`, by visiting all n! permutations (for tests, small n).

    Examples
    --------
    >>> t = Template.from_pairs([(0, 1), (0, 2)], [(0, 3), (4, 5)])
    >>> brute_force_column(t, 6) == template_column(t, 6)
    True
    """
    from itertools import permutations

    column: Counter = Counter()
    for s in permutations(range(n)):
        alpha, beta = [0] * n, [0] * n
        for vector, pairs in ((alpha, template.a), (beta, template.b)):
            for i, j in pairs:
                vector[max(s[i], s[j])] += 1
        lin, g, d = decompose_ordering(alpha, beta)
        for p, value in enumerate(lin):
            column[LINEAR, p] += value
        if d is not None:
            column[d] += g
    return {key: value for key, value in column.items() if value}
