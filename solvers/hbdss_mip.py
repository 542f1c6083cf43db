"""The H-conforming MIP of Hertrich, Basu, Di Summa and Skutella (Theorem 1.7), for any n >= 2.

One second-layer neuron ``h = relu(g)`` with ``g = sum_M a_M g_M`` over the one-hidden-layer basis
(``|M| <= 2``, see :func:`lincomb.theory.braid_fan.one_hidden_layer_subsets`).  With
``G_S = g(r_S)`` on the rays of the braid fan and big-M ``K = (number of a_M) + 1``:

* variables ``a[M]`` in ``[-1, 1]``, ``y[S] >= 0``, ``z[S]`` binary;
* rows (all ``<=``):
  ``lower[S]``: ``G_S - y_S <= 0``;  ``on[S]``: ``y_S - K z_S <= 0``;
  ``off[S]``: ``y_S - G_S + K z_S <= K``;
  ``link[U|V]`` for each comparable pair ``{U, V}`` (both orders): ``-G_U + K z_V <= K``
  (``G_U >= K (z_V - 1)``);
* maximise ``sum_S (-1)^{|S|} y_S``.

For n = 4: 74 variables (30 binary), 390 rows; the optimum is 0 (no H-conforming 2-hidden-layer
network computes max{0, x1..x4}).  For n = 2, 3 the optima are 1 and 2.

Examples
--------
>>> mip = hbdss_mip(4)
>>> len(mip.variables), sum(mip.binary), len(mip.rows)
(74, 30, 390)
>>> hbdss_big_m(4)
15
"""

from __future__ import annotations

from functools import lru_cache

from lincomb.errors import UsageError
from lincomb.theory.braid_fan import (
    basis_value,
    braid_subsets,
    comparable_pairs,
    one_hidden_layer_subsets,
    subset_label,
)

from .milp import LinearMip

__all__ = [
    "hbdss_big_m",
    "hbdss_column_permutation",
    "hbdss_even_binaries",
    "hbdss_mip",
    "hbdss_symmetries",
    "hbdss_symmetry_group",
    "hbdss_zero_point",
]


def _check_n(n) -> int:
    if isinstance(n, bool) or not isinstance(n, int) or n < 2:
        raise UsageError(f"hbdss_mip(n) needs an integer n >= 2, got {n!r}")
    if n > 8:
        raise UsageError(f"hbdss_mip({n}) would have 2^{n + 1} - 2 binaries; use n <= 8")
    return n


def hbdss_big_m(n: int) -> int:
    """The big-M constant: the number of basis coefficients plus one (``|G_S| <= #a``).

    Examples
    --------
    >>> [hbdss_big_m(n) for n in (2, 3, 4, 5)]
    [6, 10, 15, 21]
    """
    return len(one_hidden_layer_subsets(_check_n(n))) + 1


@lru_cache(maxsize=8)  # immutable once built; the symmetry and tree code ask for it many times
def hbdss_mip(n: int) -> LinearMip:
    """The MIP for ``max{0, x1, ..., xn}`` as an exact :class:`~lincomb.solvers.milp.LinearMip`.

    Use ``.to_pyomo()`` for the Pyomo model, :func:`lincomb.solvers.milp.solve` to solve it in
    floating point, :func:`lincomb.solvers.milp.write_mps` to export it.

    Parameters
    ----------
    n : int
        The input dimension, ``2 <= n <= 8``.

    Examples
    --------
    >>> mip = hbdss_mip(2)
    >>> mip.variables[:6]
    ('a[1]', 'a[2]', 'a[0,1]', 'a[0,2]', 'a[1,2]', 'y[0]')
    >>> mip.rows[0]
    ('lower[0]', {0: Fraction(1, 1), 1: Fraction(1, 1), 2: Fraction(1, 1), 3: Fraction(1, 1),
                  4: Fraction(1, 1), 5: Fraction(-1, 1)}, Fraction(0, 1))
    """
    _check_n(n)
    big_m = hbdss_big_m(n)
    basis = one_hidden_layer_subsets(n)
    subsets = braid_subsets(n)
    a = {m: f"a[{subset_label(m)}]" for m in basis}
    y = {s: f"y[{subset_label(s)}]" for s in subsets}
    z = {s: f"z[{subset_label(s)}]" for s in subsets}
    variables = [*a.values(), *y.values(), *z.values()]
    lower = [-1] * len(a) + [0] * len(y) + [0] * len(z)
    upper = [1] * len(a) + [None] * len(y) + [1] * len(z)
    binary = [False] * (len(a) + len(y)) + [True] * len(z)

    def g(s, sign=1):
        # G_S as a linear form in the a's: coefficients g_M(r_S), values in {-1, 0, 1}
        return {a[m]: sign * basis_value(m, s) for m in basis if basis_value(m, s)}

    def plus(*parts):
        total: dict[str, int] = {}
        for part in parts:
            for key, value in part.items():
                total[key] = total.get(key, 0) + value
        return total

    rows = []
    for s in subsets:
        label = subset_label(s)
        rows.append((f"lower[{label}]", plus(g(s), {y[s]: -1}), 0))
        rows.append((f"on[{label}]", {y[s]: 1, z[s]: -big_m}, 0))
        rows.append((f"off[{label}]", plus({y[s]: 1}, g(s, -1), {z[s]: big_m}), big_m))
    for small, large in comparable_pairs(n):
        for u, v in ((small, large), (large, small)):
            rows.append((f"link[{subset_label(u)}|{subset_label(v)}]", plus(g(u, -1), {z[v]: big_m}), big_m))
    objective = {y[s]: (-1) ** len(s) for s in subsets}
    return LinearMip.build(f"hbdss_n{n}", variables, lower, upper, binary, objective, rows)


def hbdss_zero_point(n: int) -> dict[str, int]:
    """The feasible point ``a = 0, y = 0, z = 0`` (objective 0), by variable name.

    Examples
    --------
    >>> mip = hbdss_mip(3)
    >>> mip.violations(hbdss_zero_point(3)), mip.objective_value(hbdss_zero_point(3))
    ([], Fraction(0, 1))
    """
    return {name: 0 for name in hbdss_mip(n).variables}


def hbdss_symmetries(n: int) -> list[tuple[int, ...]]:
    """Generators of the permutations of ``{1..n}`` (fixing 0), which map the MIP onto itself.

    Each is a tuple ``p`` with ``p[i]`` the image of ``i`` (``p[0] = 0``): a transposition and an
    n-cycle.  (Permutations moving 0 do not preserve the box ``-1 <= a <= 1``, and ``x -> -x`` negates
    the objective, so neither is a symmetry of this MIP.)

    Examples
    --------
    >>> hbdss_symmetries(3)
    [(0, 2, 1, 3), (0, 2, 3, 1)]
    """
    _check_n(n)
    swap = (0, 2, 1, *range(3, n + 1))
    cycle = (0, *range(2, n + 1), 1)
    return [swap, cycle] if n > 2 else [swap]


def hbdss_symmetry_group(n: int) -> list[tuple[int, ...]]:
    """All permutations of ``{0..n}`` generated by :func:`hbdss_symmetries` (the identity first).

    Examples
    --------
    >>> group = hbdss_symmetry_group(3)
    >>> len(group), group[0]
    (6, (0, 1, 2, 3))
    """
    identity = tuple(range(n + 1))
    group = [identity]
    seen = {identity}
    generators = hbdss_symmetries(n)
    frontier = [identity]
    while frontier:
        element = frontier.pop()
        for generator in generators:
            product = tuple(generator[element[i]] for i in range(n + 1))
            if product not in seen:
                seen.add(product)
                group.append(product)
                frontier.append(product)
    return group


def hbdss_column_permutation(n: int, permutation) -> list[int]:
    """The permutation of the MIP's columns induced by a permutation of ``{0..n}`` acting on subsets.

    ``a[M] -> a[p(M)]``, ``y[S] -> y[p(S)]``, ``z[S] -> z[p(S)]``.

    Examples
    --------
    >>> mip = hbdss_mip(2)
    >>> columns = hbdss_column_permutation(2, (0, 2, 1))
    >>> mip.variables[0], mip.variables[columns[0]]
    ('a[1]', 'a[2]')
    """
    mip = hbdss_mip(n)
    index = {name: j for j, name in enumerate(mip.variables)}
    out = []
    for name in mip.variables:
        prefix, label = name[0], name[2:-1]
        image = sorted(permutation[int(i)] for i in label.split(","))
        target = f"{prefix}[{subset_label(image)}]"
        if target not in index:
            raise UsageError(f"{permutation} maps {name} to {target}, which is not a variable")
        out.append(index[target])
    return out


def hbdss_even_binaries(n: int) -> list[int]:
    """Columns of ``z[S]`` with ``|S|`` even (objective +1): the relaxation cannot close a node
    while one of them is free (``a = 0``, ``z_S = 1/2``, ``y_S = K/2`` is feasible there).

    Examples
    --------
    >>> mip = hbdss_mip(2)
    >>> [mip.variables[j] for j in hbdss_even_binaries(2)]
    ['z[0,1]', 'z[0,2]', 'z[1,2]']
    """
    mip = hbdss_mip(n)
    return [j for j, name in enumerate(mip.variables)
            if name.startswith("z[") and len(name[2:-1].split(",")) % 2 == 0]


def hbdss_exact_point(n: int, a_values) -> dict | None:
    """A feasible exact point from (float or exact) values of the ``a`` variables, or ``None``.

    The ``a`` are rounded to nearby rationals and clipped to ``[-1, 1]``; then ``y_S = max(0, G_S)``
    and ``z_S = [G_S > 0]``, the only choice that can satisfy the rows.  Returns the point by name
    when it satisfies every row exactly.

    Examples
    --------
    >>> point = hbdss_exact_point(2, {"a[1]": 0.0, "a[2]": 0.0, "a[0,1]": 0.0, "a[0,2]": 0.0, "a[1,2]": 0.0})
    >>> hbdss_mip(2).objective_value(point)
    Fraction(0, 1)
    """
    from fractions import Fraction

    mip = hbdss_mip(n)
    basis = one_hidden_layer_subsets(n)
    a = {}
    for m in basis:
        name = f"a[{subset_label(m)}]"
        value = a_values[name]
        value = value if isinstance(value, Fraction) else Fraction(value).limit_denominator(1000)
        a[m] = min(Fraction(1), max(Fraction(-1), value))
    point: dict = {f"a[{subset_label(m)}]": a[m] for m in basis}
    for s in braid_subsets(n):
        g = sum(a[m] * basis_value(m, s) for m in basis)
        point[f"y[{subset_label(s)}]"] = max(Fraction(0), g)
        point[f"z[{subset_label(s)}]"] = 1 if g > 0 else 0
    return point if not mip.violations(point) else None


def hbdss_incumbent(n: int, time_limit: float = 5.0, progress=None) -> tuple[dict, str]:
    """The best exact feasible point found: HiGHS's incumbent (float MIP solve, time-limited), repaired
    by :func:`hbdss_exact_point`, or the zero point.  Returns (point, what found it).

    Examples
    --------
    >>> point, source = hbdss_incumbent(2, time_limit=10)
    >>> hbdss_mip(2).objective_value(point), source
    (Fraction(1, 1), 'HiGHS incumbent, rounded to rationals')
    """
    from .milp import solve_highspy

    mip = hbdss_mip(n)
    best, source = hbdss_zero_point(n), "the zero point"
    best_value = mip.objective_value(best)
    result = solve_highspy(mip, time_limit=time_limit)
    if progress is not None:
        progress(f"HiGHS float MIP (evidence, not proof): {result.termination}, objective {result.objective}, "
                 f"bound {result.bound}, {result.seconds:.2f} s")
    if result.incumbent:
        point = hbdss_exact_point(n, result.incumbent)
        if point is not None and mip.objective_value(point) > best_value:
            best, source = point, "HiGHS incumbent, rounded to rationals"
    return best, source


def hbdss_certified_tree(n: int, target, progress=None, deadline: float | None = None):
    """A branch-and-bound tree proving ``max <= target`` for the MIP of ``n`` (exact leaf bounds).

    Branches first on the even-size ``z`` (:func:`hbdss_even_binaries`), reduces the complete
    patterns to orbits of :func:`hbdss_symmetry_group`, then closes or branches each representative.

    Examples
    --------
    >>> from fractions import Fraction
    >>> tree = hbdss_certified_tree(2, Fraction(1))
    >>> tree.leaf_count, tree.symmetric_leaves
    (6, 2)
    """
    from .certified_bnb import certified_tree

    mip = hbdss_mip(n)
    group = [hbdss_column_permutation(n, p) for p in hbdss_symmetry_group(n)]
    return certified_tree(mip, target, branch_first=hbdss_even_binaries(n), symmetries=group,
                          progress=progress, deadline=deadline)
