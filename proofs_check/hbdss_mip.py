"""Checks ``hbdss-mip-n2`` .. ``hbdss-mip-n5``: the optimum of the H-conforming ReLU-depth MIP, exactly.

Hertrich, Basu, Di Summa and Skutella (Theorem 1.7) show that no H-conforming 2-hidden-layer
ReLU network computes ``max{0, x1..x4}``: the MIP of :func:`lincomb.solvers.hbdss_mip.hbdss_mip`
has maximum 0 for n = 4 (and 1, 2 for n = 2, 3, where two hidden layers do suffice).

Each check writes a ``mip-optimum`` certificate: an exact incumbent (the lower bound) and a
branch-and-bound tree whose leaves carry rational dual multipliers (the upper bound), reduced by
the permutations of ``{1..n}``; the standard-library checker rebuilds the MIP from ``n`` and
verifies everything.  For n = 5 (2^30 sign patterns of the even-size rays) the check proves what
it can in its time: the incumbent's value and the root relaxation's exact bound.

Run one alone with ``python -m lincomb.proofs_check.hbdss_mip n4``.

Examples
--------
>>> cert = run_n2()[0]
>>> cert["claim"]["lower_bound"], cert["claim"]["upper_bound"]
('1', '1')
"""

from __future__ import annotations

import time
from fractions import Fraction

from lincomb.errors import CheckFailed
from lincomb.theory.rationals import rational_str

from .certificate import make_certificate
from .runner import main

__all__ = ["certificate_for", "run_n2", "run_n3", "run_n4", "run_n5"]

FAMILY = "hbdss-conforming-relu"


def _tree_json(mip, tree) -> list[dict]:
    out = []
    for node in tree.nodes:
        if "branch" in node:
            out.append({"branch": mip.variables[node["branch"]], "children": list(node["children"])})
        elif "bound" in node:
            out.append({"bound": {name: rational_str(lam) for name, lam in node["bound"].items()}})
        else:
            out.append({"image_of": node["image_of"], "symmetry": node["symmetry"]})
    return out


def _statement(n: int, lower: Fraction, upper: Fraction) -> str:
    what = f"is exactly {lower}" if lower == upper else f"lies in [{lower}, {upper}]"
    return (f"the maximum of the H-conforming MIP of Hertrich-Basu-Di Summa-Skutella for max{{0, x1..x{n}}} {what}"
            + (" (so no H-conforming 2-hidden-layer ReLU network computes max{0, x1..x4})" if n == 4 and upper == 0 else ""))


def certificate_for(n: int, incumbent_time: float = 5.0, tree_time: float | None = None, progress=None) -> dict:
    """Build the ``mip-optimum`` certificate for ``n``: exact incumbent plus a certified tree.

    With ``tree_time`` set and exceeded, or the tree's node bound reached (whichever comes first: on an
    idle machine n = 5 reaches 2,000,000 nodes before 240 s), the certificate falls back to the root
    relaxation's exact bound (a weaker but proved upper bound), and says so in its statement.

    Examples
    --------
    >>> certificate_for(3)["claim"]["upper_bound"]
    '2'
    """
    from lincomb.solvers.certified_bnb import BnbTree, LpRelaxation, TreeNodeLimit, exact_multipliers, safe_bound
    from lincomb.solvers.hbdss_mip import (
        hbdss_certified_tree,
        hbdss_incumbent,
        hbdss_mip,
        hbdss_symmetry_group,
    )

    start = time.perf_counter()
    mip = hbdss_mip(n)
    incumbent, found_by = hbdss_incumbent(n, time_limit=incumbent_time, progress=progress)
    lower = mip.objective_value(incumbent)
    if progress is not None:
        progress(f"n = {n}: exact incumbent of value {lower} ({found_by}); building the certified tree")
    deadline = None if tree_time is None else time.perf_counter() + tree_time
    try:
        tree = hbdss_certified_tree(n, lower, progress=progress, deadline=deadline)
        upper = lower
    except (TimeoutError, TreeNodeLimit) as stop:  # out of time or nodes: a resource limit either way
        if progress is not None:
            progress(f"n = {n}: {stop}; proving the root relaxation's bound instead")
        lp = LpRelaxation(mip)
        lp.solve({})
        multipliers = exact_multipliers(mip, *lp.basis())
        if multipliers is None:
            raise CheckFailed(f"n = {n}: the root basis could not be re-solved exactly") from None
        upper = safe_bound(mip, {}, multipliers)
        if upper is None:
            raise CheckFailed(f"n = {n}: the root multipliers give no finite bound") from None
        names = mip.row_names
        tree = BnbTree([{"bound": {names[i]: lam for i, lam in sorted(multipliers.items())}}], upper)
    if progress is not None:
        progress(f"n = {n}: {lower} <= max <= {upper}; {tree.leaf_count} leaves with multipliers, "
                 f"{tree.symmetric_leaves} by symmetry")
    claim = {
        "statement": _statement(n, lower, upper),
        "model": {"family": FAMILY, "n": n},
        "sense": "maximize",
        "lower_bound": rational_str(lower),
        "upper_bound": rational_str(upper),
    }
    data = {
        "incumbent": {name: rational_str(incumbent[name]) for name in mip.variables},
        "symmetries": [list(p) for p in hbdss_symmetry_group(n)],
        "tree": _tree_json(mip, tree),
        "leaves": tree.leaf_count,
    }
    return make_certificate(
        "mip-optimum", claim, data,
        solver=f"lincomb.solvers.certified_bnb (HiGHS LP relaxations, exact duals); incumbent: {found_by}",
        seconds=time.perf_counter() - start,
    )


def run_n2(progress=None) -> list[dict]:
    """``hbdss-mip-n2``: the maximum for n = 2 is exactly 1.

    Examples
    --------
    >>> run_n2()[0]["kind"]
    'mip-optimum'
    """
    return [certificate_for(2, progress=progress)]


def run_n3(progress=None) -> list[dict]:
    """``hbdss-mip-n3``: the maximum for n = 3 is exactly 2.

    Examples
    --------
    >>> run_n3()[0]["claim"]["lower_bound"]
    '2'
    """
    return [certificate_for(3, progress=progress)]


def run_n4(progress=None) -> list[dict]:
    """``hbdss-mip-n4``: the maximum for n = 4 is exactly 0 (Theorem 1.7).

    The incumbent search is short (HiGHS needs ~15 s to finish n = 4; the zero point is optimal).

    Examples
    --------
    >>> callable(run_n4)  # takes ~10 s: run it with `lincomb check hbdss-mip-n4`
    True
    """
    return [certificate_for(4, incumbent_time=1.0, progress=progress)]


def run_n5(progress=None, incumbent_time: float = 60.0, tree_time: float = 240.0) -> list[dict]:
    """``hbdss-mip-n5`` (full tier): what lincomb proves for n = 5 in a few minutes.

    The tree needs the 2^30 patterns of the even-size rays (up to the 120 permutations of
    {1..5}); within ``tree_time`` it cannot finish, so the certificate proves the incumbent's value
    as lower bound and the root relaxation's exact bound as upper bound.

    Examples
    --------
    >>> callable(run_n5)  # minutes: run it with `lincomb check hbdss-mip-n5`
    True
    """
    return [certificate_for(5, incumbent_time=incumbent_time, tree_time=tree_time, progress=progress)]


if __name__ == "__main__":
    main()  # python -m lincomb.proofs_check.hbdss_mip hbdss-mip-n4 [--json ...]
