"""The HBDSS MIP: its size, its float optima, its symmetries, and the certified tree."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest

from lincomb.errors import CertificateError, UsageError
from lincomb.solvers.certified_bnb import is_automorphism, safe_bound
from lincomb.solvers.hbdss_mip import (
    hbdss_big_m,
    hbdss_certified_tree,
    hbdss_column_permutation,
    hbdss_even_binaries,
    hbdss_exact_point,
    hbdss_incumbent,
    hbdss_mip,
    hbdss_symmetry_group,
    hbdss_zero_point,
)
from lincomb.solvers.milp import solve_highspy


@pytest.mark.parametrize("n", [2, 3, 4, 5])
def test_sizes(n):
    mip = hbdss_mip(n)
    rays = 2 ** (n + 1) - 2
    pairs = 3 ** (n + 1) - 3 * 2 ** (n + 1) + 3
    basis = 2 * n + math.comb(n, 2)
    assert len(mip.variables) == basis + 2 * rays
    assert sum(mip.binary) == rays
    assert len(mip.rows) == 3 * rays + 2 * pairs
    assert hbdss_big_m(n) == basis + 1


def test_n4_is_the_papers_model():
    mip = hbdss_mip(4)
    assert (len(mip.variables), sum(mip.binary), len(mip.rows)) == (74, 30, 390)
    assert max(abs(c) for _, row, _ in mip.rows for c in row.values()) == 15


@pytest.mark.parametrize("n, optimum", [(2, 1), (3, 2)])
def test_float_optimum(n, optimum):
    result = solve_highspy(hbdss_mip(n), time_limit=60)
    assert result.objective == pytest.approx(optimum, abs=1e-6)


@pytest.mark.parametrize("n", [2, 3, 4])
def test_symmetry_group_is_the_permutations_of_1_to_n_and_preserves_the_model(n):
    mip = hbdss_mip(n)
    group = hbdss_symmetry_group(n)
    assert len(group) == math.factorial(n)
    assert all(p[0] == 0 for p in group)
    assert all(is_automorphism(mip, hbdss_column_permutation(n, p)) for p in group)


def test_moving_zero_is_not_a_symmetry():
    mip = hbdss_mip(3)
    with pytest.raises(UsageError, match="not a variable"):
        hbdss_column_permutation(3, (1, 0, 2, 3))


def test_zero_point_and_exact_repair():
    mip = hbdss_mip(3)
    assert mip.violations(hbdss_zero_point(3)) == []
    point, source = hbdss_incumbent(3, time_limit=30)
    assert mip.violations(point) == []
    assert mip.objective_value(point) == 2
    assert hbdss_exact_point(3, {k: v for k, v in point.items() if k.startswith("a[")}) == point


@pytest.mark.parametrize("n, optimum", [(2, 1), (3, 2)])
def test_certified_tree_closes_at_the_optimum(n, optimum):
    mip = hbdss_mip(n)
    tree = hbdss_certified_tree(n, Fraction(optimum))
    assert tree.leaf_count > 0
    # every leaf bound is exactly recomputable and within the target
    leaves = [node for node in tree.nodes if "bound" in node]
    assert all(node["value"] <= optimum for node in leaves)
    even = len(hbdss_even_binaries(n))
    assert len(tree.nodes) >= 2 ** (even + 1) - 1  # complete over the even-size z's


def test_certified_tree_refuses_a_target_below_the_optimum():
    with pytest.raises(CertificateError, match="not an upper bound"):
        hbdss_certified_tree(2, Fraction(1, 2))


def test_safe_bound_rejects_negative_multipliers():
    mip = hbdss_mip(2)
    with pytest.raises(CertificateError, match="negative"):
        safe_bound(mip, {}, {0: Fraction(-1)})


@pytest.mark.parametrize("bad", [1, 9, "4"])
def test_bad_n(bad):
    with pytest.raises(UsageError):
        hbdss_mip(bad)


def test_node_limit_is_a_resource_limit_and_n5_style_certificates_fall_back_to_the_root_bound(monkeypatch):
    # On an idle machine the n = 5 tree reached its 2,000,000-node bound before its 240 s deadline and the
    # check ended in ERROR instead of the root relaxation's proved bound, as on a timeout.
    import lincomb.solvers.hbdss_mip as hbdss
    from lincomb.proofs_check.hbdss_mip import certificate_for
    from lincomb.solvers.certified_bnb import TreeNodeLimit, certified_tree

    mip = hbdss.hbdss_mip(3)
    with pytest.raises(TreeNodeLimit, match="exceeded 1 nodes"):
        certified_tree(mip, Fraction(2), max_nodes=1)

    def full(*args, **kwargs):
        raise TreeNodeLimit("the branch-and-bound tree exceeded 1 nodes")

    monkeypatch.setattr(hbdss, "hbdss_certified_tree", full)
    cert = certificate_for(3)
    lower, upper = Fraction(cert["claim"]["lower_bound"]), Fraction(cert["claim"]["upper_bound"])
    assert lower == 2 and upper >= lower and len(cert["data"]["tree"]) == 1
    assert "lies in" in cert["claim"]["statement"] or upper == lower
    from lincomb.proofs_check.checkers import verify_certificate

    assert verify_certificate(cert).status == "VERIFIED"  # the fallback bound is a proof too
