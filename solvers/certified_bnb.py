"""Branch and bound whose every leaf carries an exact bound: the search side of ``mip-optimum`` certificates.

HiGHS (through highspy) solves the LP relaxation at a node in floating point; the optimal *basis*
it returns is then re-solved exactly (python-flint rationals) to get dual multipliers ``lam >= 0``
on the rows.  For ``max c.x`` s.t. ``A x <= b``, ``l <= x <= u`` any ``lam >= 0`` gives the safe bound

    ``lam.b + sum_j max(d_j l_j, d_j u_j)``  with ``d = c - A^T lam``

(:func:`safe_bound`), which is exactly what the standard-library checker recomputes.  A leaf is
closed when that bound is ``<=`` the target; otherwise the node is branched on its most
fractional binary.

Symmetry: the caller may give a group of column permutations that map the MIP onto itself
(:func:`is_automorphism` checks it).  After the binaries in ``branch_first`` are all fixed, a
node whose fixing is the image of an orbit representative's fixing is closed by reference to that
representative (the checker verifies the group action again).

Examples
--------
>>> from lincomb.solvers.milp import LinearMip
>>> mip = LinearMip.build("t", ["x", "w"], [0, -1], [1, 1], [True, False], {"x": 2, "w": 1},
...                       [("cap", {"x": 1, "w": 1}, "3/2")])
>>> tree = certified_tree(mip, target=Fraction(5, 2))
>>> tree.leaf_count, tree.nodes[0]["bound"]
(1, {'cap': Fraction(1, 1)})
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Callable, Sequence

from lincomb.errors import CertificateError, SolverUnavailable

from .milp import LinearMip

__all__ = [
    "BnbTree",
    "LpRelaxation",
    "TreeNodeLimit",
    "certified_tree",
    "exact_multipliers",
    "is_automorphism",
    "rounded_multipliers",
    "safe_bound",
]


def _integral_rows(mip: LinearMip):
    """The rows with integer coefficients (cached on the model), or None when some are fractional."""
    cached = mip.__dict__.get("_integral_rows_cache")
    if cached is None:
        rows = []
        for _, coefficients, rhs in mip.rows:
            if rhs.denominator != 1 or any(v.denominator != 1 for v in coefficients.values()):
                rows = False
                break
            rows.append(([(j, v.numerator) for j, v in coefficients.items()], rhs.numerator))
        cached = rows
        object.__setattr__(mip, "_integral_rows_cache", cached)
    return cached or None


def safe_bound(mip: LinearMip, fixings: dict[int, int], multipliers: dict[int, Fraction]) -> Fraction | None:
    """The exact upper bound that multipliers ``lam >= 0`` prove on the node (``None`` if infinite).

    Parameters
    ----------
    mip : LinearMip
    fixings : dict
        Binary column -> fixed value (0 or 1) at the node.
    multipliers : dict
        Row index -> multiplier (must be >= 0).

    Examples
    --------
    >>> from lincomb.solvers.milp import LinearMip
    >>> mip = LinearMip.build("t", ["x"], [0], [None], [False], {"x": 1}, [("r", {"x": 2}, 1)])
    >>> safe_bound(mip, {}, {0: Fraction(1, 2)}), safe_bound(mip, {}, {})
    (Fraction(1, 2), None)
    """
    for i, lam in multipliers.items():
        if lam < 0:
            raise CertificateError(f"multiplier of row {mip.rows[i][0]} is negative")
    # Integer arithmetic over a common denominator: the same value, many times faster than Fractions.
    scale = 1
    for lam in multipliers.values():
        scale = scale * lam.denominator // math.gcd(scale, lam.denominator)
    integral = _integral_rows(mip)
    objective, lower, upper = _integral_data(mip)
    if integral is None or objective is None:
        integral = [(list(c.items()), b) for _, c, b in mip.rows]
        objective, lower, upper = mip.objective, mip.lower, mip.upper
    reduced = {j: c * scale for j, c in objective.items()}
    total = 0
    for i, lam in multipliers.items():
        if not lam:
            continue
        weight = lam.numerator * (scale // lam.denominator)
        entries, rhs = integral[i]
        total += weight * rhs
        for j, value in entries:
            reduced[j] = reduced.get(j, 0) - weight * value
    for j, d in reduced.items():
        if not d:
            continue
        if j in fixings:
            end = fixings[j]
        else:
            end = upper[j] if d > 0 else lower[j]
            if end is None:
                return None
        total += d * end
    return Fraction(total) / scale


def _integral_data(mip: LinearMip):
    """(objective, lower, upper) with ints for integral values (cached), or (None, None, None)."""
    cached = mip.__dict__.get("_integral_data_cache")
    if cached is None:
        def as_int(v):
            return None if v is None else (v.numerator if v.denominator == 1 else v)

        objective = {j: c.numerator for j, c in mip.objective.items() if c.denominator == 1}
        if len(objective) != len(mip.objective):
            objective = None
        cached = (objective, [as_int(v) for v in mip.lower], [as_int(v) for v in mip.upper])
        object.__setattr__(mip, "_integral_data_cache", cached)
    return cached


def exact_multipliers(mip: LinearMip, basic_columns: Sequence[int], tight_rows: Sequence[int]) -> dict[int, Fraction] | None:
    """Dual multipliers of a basis, exactly: solve ``sum_{i tight} A_ij lam_i = c_j`` for basic ``j``.

    Negative entries (float noise in the basis choice) are set to 0, which keeps any bound valid.
    Returns ``None`` when the system is not square and regular.

    Examples
    --------
    >>> from lincomb.solvers.milp import LinearMip
    >>> mip = LinearMip.build("t", ["x", "w"], [0, -1], [1, 1], [False, False], {"x": 2, "w": 1},
    ...                       [("cap", {"x": 1, "w": 1}, "3/2")])
    >>> exact_multipliers(mip, [0], [0])
    {0: Fraction(2, 1)}
    """
    import flint

    if len(basic_columns) != len(tight_rows):
        return None
    if not tight_rows:
        return {}
    size = len(tight_rows)
    column_position = {j: k for k, j in enumerate(basic_columns)}

    def q(value):
        if value.denominator == 1:
            return value.numerator
        return flint.fmpq(value.numerator, value.denominator)

    matrix = [[0] * size for _ in range(size)]
    for r, i in enumerate(tight_rows):
        for j, value in mip.rows[i][1].items():
            k = column_position.get(j)
            if k is not None:
                matrix[k][r] = q(value)
    rhs = [[q(mip.objective.get(j, Fraction(0)))] for j in basic_columns]
    try:
        solution = flint.fmpq_mat(matrix).solve(flint.fmpq_mat(rhs))
    except ZeroDivisionError:
        return None
    out = {}
    for r, i in enumerate(tight_rows):
        value = solution[r, 0]
        if value > 0:
            out[i] = Fraction(int(value.p), int(value.q))
    return out


def rounded_multipliers(row_duals: Sequence[float], max_denominator: int = 10_000) -> dict[int, Fraction]:
    """Float duals rounded to nearby rationals with small denominators (negatives and noise dropped).

    Any ``lam >= 0`` gives a valid bound (:func:`safe_bound`), so rounding can only make the bound
    weaker, never wrong; when the exact optimal duals have small denominators it recovers them.

    Examples
    --------
    >>> rounded_multipliers([0.3333333333, -1e-12, 2.0])
    {0: Fraction(1, 3), 2: Fraction(2, 1)}
    """
    out = {}
    for i, value in enumerate(row_duals):
        if value > 1e-9:
            nearest = round(value)
            if abs(value - nearest) < 1e-9:
                out[i] = Fraction(nearest)  # the common case, without limit_denominator's cost
            else:
                out[i] = Fraction(value).limit_denominator(max_denominator)
    return out


class TreeNodeLimit(CertificateError):
    """:func:`certified_tree` stopped at its ``max_nodes`` bound: a resource limit, like its deadline.

    A caller that falls back to a weaker proved bound when time runs out (the H-conforming MIP for
    n = 5) must do the same here: on a fast or idle machine the node bound, not the deadline, is reached
    first.

    Examples
    --------
    >>> issubclass(TreeNodeLimit, CertificateError)
    True
    """


class LpRelaxation:
    """The LP relaxation of a :class:`LinearMip` in highspy, re-solved warm with changed binary bounds.

    Examples
    --------
    >>> from lincomb.solvers.milp import LinearMip
    >>> mip = LinearMip.build("t", ["x", "w"], [0, -1], [1, 1], [True, False], {"x": 2, "w": 1},
    ...                       [("cap", {"x": 1, "w": 1}, "3/2")])
    >>> lp = LpRelaxation(mip)
    >>> value, x, _, _ = lp.solve({})
    >>> round(value, 6), list(x)
    (2.5, [1.0, 0.5])
    """

    def __init__(self, mip: LinearMip):
        try:
            import highspy
        except ImportError:  # pragma: no cover - highspy is a core dependency
            raise SolverUnavailable("the certified branch and bound needs HiGHS; pip install highspy") from None
        from .milp import highs_model

        self._highspy = highspy
        self.mip = mip
        highs = highs_model(mip, integer=False)
        highs.setOptionValue("presolve", "off")
        self._highs = highs
        self._binaries = [j for j, b in enumerate(mip.binary) if b]
        self.row_duals: list[float] = []

    def solve(self, fixings: dict[int, int]):
        """Solve the relaxation with the given binaries fixed: (value, x, basic columns, tight rows).

        ``value`` is ``None`` when HiGHS did not report an optimum.  The float row duals of the
        last solve are kept in :attr:`row_duals`.

        Examples
        --------
        >>> from lincomb.solvers.milp import LinearMip
        >>> mip = LinearMip.build("t", ["x", "w"], [0, -1], [1, 1], [True, False], {"x": 2, "w": 1},
        ...                       [("cap", {"x": 1, "w": 1}, "3/2")])
        >>> LpRelaxation(mip).solve({0: 0})[0]
        1.0
        """
        import numpy as np

        highspy = self._highspy
        highs = self._highs
        cols = np.array(self._binaries, dtype=np.int32)
        lower = np.array([float(fixings.get(j, 0)) for j in self._binaries])
        upper = np.array([float(fixings.get(j, 1)) for j in self._binaries])
        highs.changeColsBounds(len(cols), cols, lower, upper)
        highs.run()
        if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None, None, [], []
        solution = highs.getSolution()
        x = solution.col_value
        self.row_duals = solution.row_dual
        return highs.getInfo().objective_function_value, x, None, None

    def basis(self) -> tuple[list[int], list[int]]:
        """The last solve's basic columns and tight (nonbasic) rows.

        Examples
        --------
        >>> from lincomb.solvers.milp import LinearMip
        >>> mip = LinearMip.build("t", ["x", "w"], [0, -1], [1, 1], [True, False], {"x": 2, "w": 1},
        ...                       [("cap", {"x": 1, "w": 1}, "3/2")])
        >>> lp = LpRelaxation(mip)
        >>> _ = lp.solve({})
        >>> lp.basis()
        ([1], [0])
        """
        basis = self._highs.getBasis()
        basic_kind = self._highspy.HighsBasisStatus.kBasic
        basic = [j for j, s in enumerate(basis.col_status) if s == basic_kind]
        tight = [i for i, s in enumerate(basis.row_status) if s != basic_kind]
        return basic, tight


def is_automorphism(mip: LinearMip, column_map: Sequence[int]) -> bool:
    """True when the column permutation maps bounds, integrality, objective and the set of rows onto themselves.

    Examples
    --------
    >>> from lincomb.solvers.milp import LinearMip
    >>> mip = LinearMip.build("t", ["x", "w"], [0, 0], [1, 1], [True, True], {"x": 1, "w": 1},
    ...                       [("cap", {"x": 1, "w": 1}, 1)])
    >>> is_automorphism(mip, [1, 0]), is_automorphism(mip, [0, 0])
    (True, False)
    """
    n = len(mip.variables)
    if sorted(column_map) != list(range(n)):
        return False
    for j in range(n):
        k = column_map[j]
        if (mip.lower[j], mip.upper[j], mip.binary[j]) != (mip.lower[k], mip.upper[k], mip.binary[k]):
            return False
        if mip.objective.get(j, 0) != mip.objective.get(k, 0):
            return False

    def key(coefficients, rhs):
        return (tuple(sorted((j, str(v)) for j, v in coefficients.items())), str(rhs))

    rows = {key(c, b) for _, c, b in mip.rows}
    images = {key({column_map[j]: v for j, v in c.items()}, b) for _, c, b in mip.rows}
    return rows == images


@dataclass
class BnbTree:
    """A branch-and-bound tree whose leaves are closed exactly.

    ``nodes[0]`` is the root.  A node is ``{"branch": column, "children": [id0, id1]}`` (child 0
    fixes the column to 0), ``{"bound": {row name: multiplier}, "value": bound}`` or
    ``{"image_of": id, "symmetry": k}`` (the node's fixing is symmetry ``k`` applied to node
    ``id``'s fixing).

    Examples
    --------
    >>> BnbTree(nodes=[{"bound": {}, "value": Fraction(0)}], target=Fraction(0)).leaf_count
    1
    """

    nodes: list[dict]
    target: Fraction
    lp_solves: int = 0
    exact_solves: int = 0
    seconds: float = 0.0
    symmetric_leaves: int = 0
    best_point: list[float] | None = None
    stats: dict = field(default_factory=dict)

    @property
    def leaf_count(self) -> int:
        """Leaves closed by multipliers.

        Examples
        --------
        >>> BnbTree(nodes=[{"branch": 0, "children": [1, 2]}, {"bound": {}}, {"image_of": 1, "symmetry": 0}],
        ...         target=Fraction(0)).leaf_count
        1
        """
        return sum(1 for node in self.nodes if "bound" in node)


def _most_fractional(x, candidates):
    best, best_score = None, -1.0
    for j in candidates:
        score = min(x[j], 1 - x[j])
        if score > best_score + 1e-12:
            best, best_score = j, score
    return best


def certified_tree(
    mip: LinearMip,
    target: Fraction,
    branch_first: Sequence[int] = (),
    symmetries: Sequence[Sequence[int]] = (),
    progress: Callable | None = None,
    max_nodes: int = 2_000_000,
    deadline: float | None = None,
) -> BnbTree:
    """Build a tree proving ``max <= target``: every leaf's exact safe bound is ``<= target``.

    Parameters
    ----------
    mip : LinearMip
    target : Fraction
        The upper bound to prove (e.g. the incumbent's value).
    branch_first : sequence of int
        Binary columns fixed first, in this order, in a complete tree (no LP solves until all
        are fixed: use this for binaries the relaxation cannot close without).
    symmetries : sequence of column permutations
        A group (closed under composition) of automorphisms of ``mip`` that maps the set
        ``branch_first`` onto itself; nodes with all of ``branch_first`` fixed are then reduced
        to orbit representatives.
    progress : callable, optional
        Called with a message now and then.
    max_nodes : int
        Stop with :class:`TreeNodeLimit` (a :class:`lincomb.errors.CertificateError`) beyond this many nodes.
    deadline : float, optional
        A ``time.perf_counter()`` value after which the search stops with :class:`TimeoutError`.

    Examples
    --------
    >>> from lincomb.solvers.milp import LinearMip
    >>> mip = LinearMip.build("t", ["x", "y", "w"], [0, 0, 0], [1, 1, 1], [True, True, False],
    ...                       {"x": 1, "y": 1, "w": 1}, [("r", {"x": 2, "y": 2, "w": 1}, 4)])
    >>> tree = certified_tree(mip, target=Fraction(2), symmetries=[[0, 1, 2], [1, 0, 2]], branch_first=[0, 1])
    >>> tree.leaf_count, tree.symmetric_leaves
    (3, 1)
    """
    start = time.perf_counter()
    for perm in symmetries:
        if not is_automorphism(mip, perm):
            raise CertificateError(f"the column permutation {list(perm)} is not an automorphism of the MIP")
        if {perm[j] for j in branch_first} != set(branch_first):
            raise CertificateError("a symmetry does not map the branch_first columns onto themselves")
    lp = LpRelaxation(mip)
    nodes: list[dict] = []
    tree = BnbTree(nodes, target)
    names = [row[0] for row in mip.rows]
    binaries = [j for j, b in enumerate(mip.binary) if b]
    first = list(branch_first)
    position = {j: k for k, j in enumerate(first)}

    def new_node(node=None) -> int:
        if len(nodes) >= max_nodes:
            raise TreeNodeLimit(f"the branch-and-bound tree exceeded {max_nodes} nodes")
        nodes.append(node if node is not None else {})
        return len(nodes) - 1

    def close(fixings: dict[int, int]) -> int:
        """Solve the node's LP; close it exactly or branch; return the node id."""
        if deadline is not None and time.perf_counter() > deadline:
            raise TimeoutError(f"certified branch and bound ran out of time after {len(nodes)} nodes")
        node_id = new_node()
        value, x, _, _ = lp.solve(fixings)
        tree.lp_solves += 1
        if value is None:
            raise CertificateError(f"HiGHS found no optimum of the relaxation at node {node_id}")
        # Fast path: the float duals, rounded; else the basis re-solved exactly.
        multipliers = rounded_multipliers(lp.row_duals)
        bound = safe_bound(mip, fixings, multipliers)
        if bound is None or bound > target:
            multipliers = exact_multipliers(mip, *lp.basis())
            bound = None if multipliers is None else safe_bound(mip, fixings, multipliers)
            tree.exact_solves += 1
        if bound is not None and bound <= target:
            nodes[node_id] = {"bound": {names[i]: lam for i, lam in sorted(multipliers.items())}, "value": bound}
            return node_id
        free = [j for j in binaries if j not in fixings]
        column = _most_fractional(x, free)
        if column is None:
            raise CertificateError(
                f"node {node_id}: all binaries fixed but the exact bound {bound} exceeds {target}; "
                "the target is not an upper bound (or the basis was not optimal)"
            )
        children = [close({**fixings, column: 0}), close({**fixings, column: 1})]
        nodes[node_id] = {"branch": column, "children": children}
        return node_id

    # Orbits of the patterns of branch_first under the group.
    representative: dict[tuple, tuple[tuple, int]] = {}

    def orbit_of(pattern: tuple) -> tuple[tuple, int]:
        found = representative.get(pattern)
        if found is not None:
            return found
        for k, perm in enumerate(symmetries):
            image = [0] * len(first)
            for idx, j in enumerate(first):
                image[position[perm[j]]] = pattern[idx]
            image = tuple(image)
            if image not in representative:
                representative[image] = (pattern, k)
        return representative[pattern]

    rep_node: dict[tuple, int] = {}
    pending: list[tuple[int, tuple, tuple, int]] = []

    def grow(depth: int, fixings: dict[int, int], pattern: tuple) -> int:
        if depth == len(first):
            if symmetries:
                rep, k = orbit_of(pattern)
                if rep != pattern:
                    node_id = new_node({"image_of": None, "symmetry": k})
                    pending.append((node_id, rep, pattern, k))
                    tree.symmetric_leaves += 1
                    return node_id
            node_id = close(fixings)
            rep_node[pattern] = node_id
            if progress is not None and len(rep_node) % 200 == 0:
                progress(f"{len(rep_node)} orbit representatives closed, {len(nodes)} nodes")
            return node_id
        node_id = new_node()
        column = first[depth]
        children = [grow(depth + 1, {**fixings, column: v}, pattern + (v,)) for v in (0, 1)]
        nodes[node_id] = {"branch": column, "children": children}
        return node_id

    if symmetries and first:
        # Identity first, so that each pattern's own orbit is listed with a representative.
        identity = tuple(range(len(mip.variables)))
        if tuple(symmetries[0]) != identity:
            raise CertificateError("symmetries[0] must be the identity permutation")
    grow(0, {}, ())
    for node_id, rep, pattern, k in pending:
        nodes[node_id]["image_of"] = rep_node[rep]
    tree.seconds = time.perf_counter() - start
    tree.stats = {"nodes": len(nodes), "lp_solves": tree.lp_solves, "exact_solves": tree.exact_solves, "representatives": len(rep_node)}
    return tree
