"""Sparse max-representations (lincomb.solvers.max_sparsest): exact, verified, never worse than the pivots."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest

from lincomb.errors import UsageError
from lincomb.proofs_check.checkers import verify_certificate
from lincomb.proofs_check.max_two_hidden import representation_certificate
from lincomb.solvers.max_sparsest import min_support_milp, sparsest_representation


@pytest.mark.parametrize("n,expected", [(4, 1), (5, 3), (6, 4)])
def test_sparse_representations_verify_and_match_the_known_counts(n, expected):
    result = sparsest_representation(n, time_limit=30)
    assert result.feasible and len(result.terms) == expected <= result.pivot_terms
    certificate = representation_certificate(result.as_max_representation())
    verdict = verify_certificate(json.loads(json.dumps(certificate)))
    assert verdict.status == "VERIFIED", verdict.line()


def test_the_milp_picks_the_smaller_support():
    # x2 = (1/2) * column 0 = column 1 - column 2 (+ a hinge that cancels only in the second form).
    columns = [{("lin", 1): 2}, {("lin", 1): 1, (1, -1): 1}, {(1, -1): 1}]
    support, status, objective, bound = min_support_milp(columns, 2, {1: Fraction(1), 2: Fraction(-1)}, time_limit=5)
    assert support == [0] and status == "Optimal" and objective == pytest.approx(1.0)


def test_the_width_objective_never_does_worse_than_the_pivots():
    from lincomb.solvers.max_representation import max_representation
    from lincomb.solvers.max_templates import template_orbit_size

    pivots = max_representation(5)
    result = sparsest_representation(5, time_limit=30, objective="width")
    assert result.objective == "width" and result.feasible
    assert sum(template_orbit_size(t, 5) for _, t in result.terms) <= sum(template_orbit_size(t, 5) for _, t in pivots.terms)


def test_bad_arguments_are_refused():
    with pytest.raises(UsageError):
        sparsest_representation(1)
    with pytest.raises(UsageError, match="objective"):
        sparsest_representation(4, objective="fewest")


# The sparsest certificates ship in certificates/ (moved there from benchmarks/results).
RESULTS = __import__("pathlib").Path(__file__).resolve().parents[2] / "certificates"


@pytest.mark.parametrize("name", ["n5", "n6", "n7", "n7_width", pytest.param("n8", marks=pytest.mark.slow),
                                  pytest.param("n8_width", marks=pytest.mark.slow)])
def test_the_shipped_sparse_certificates_verify_and_a_corrupted_copy_does_not(name):
    path = RESULTS / f"max_representation_sparsest_{name}.json"
    assert path.exists(), f"{path.name} missing: python benchmarks/max_representation.py --sparsest ..."
    certificate = json.loads(path.read_text())
    assert verify_certificate(certificate).status == "VERIFIED"
    corrupted = json.loads(path.read_text())
    corrupted["data"]["terms"][0]["coefficient"] = str(Fraction(corrupted["data"]["terms"][0]["coefficient"]) * 2)
    assert verify_certificate(corrupted).status == "NOT VERIFIED"
