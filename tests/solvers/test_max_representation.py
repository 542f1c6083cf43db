"""Templates, sorted-cone columns, the exact sparse solve and max_representation (issue 4)."""

from __future__ import annotations

from fractions import Fraction
from itertools import combinations_with_replacement

import pytest

from lincomb.errors import UsageError
from lincomb.solvers.exact_sparse_solve import solve_sparse_exact
from lincomb.solvers.max_representation import max_representation, minimum_pairs, published_n6_terms
from lincomb.solvers.max_sorted_cone import LINEAR, brute_force_column, template_column
from lincomb.solvers.max_templates import (
    Template,
    canonical_template,
    enumerate_templates,
    template_orbit_size,
    templates_isomorphic,
)


def _all_labelled_templates(n, k):
    pairs = [(i, j) for i in range(n) for j in range(i, n)]
    sides = list(combinations_with_replacement(pairs, k))
    return [Template.from_pairs(a, b) for a in sides for b in sides]


@pytest.mark.parametrize("n, k", [(3, 1), (4, 1), (3, 2)])
def test_canonical_forms_agree_with_networkx_isomorphism(n, k):
    labelled = _all_labelled_templates(n, k)
    by_canonical = {}
    for t in labelled:
        by_canonical.setdefault(canonical_template(t.a, t.b), []).append(t)
    representatives = list(by_canonical)
    # no class is split: every labelled template is isomorphic to its canonical representative
    for rep, members in by_canonical.items():
        assert all(templates_isomorphic(rep, m) for m in members[:5])
    # no two classes are merged: distinct representatives are never isomorphic
    for i, first in enumerate(representatives):
        for second in representatives[i + 1:]:
            assert not templates_isomorphic(first, second), (first, second)
    # enumeration finds exactly these classes
    assert sorted(representatives) == enumerate_templates(n, k)


def test_enumeration_counts():
    assert len(enumerate_templates(5, 2)) == 131
    assert len(enumerate_templates(6, 2)) == 144
    assert len(enumerate_templates(6, 2, loops=False)) == 37


@pytest.mark.parametrize("n, k", [(4, 1), (5, 2), (6, 2)])
def test_columns_match_brute_force_over_all_permutations(n, k):
    for template in enumerate_templates(n, k)[:: 7 if n == 6 else 3]:
        assert template_column(template, n) == brute_force_column(template, n), template


def test_orbit_sizes():
    published = [t for _, t in published_n6_terms()]
    assert [template_orbit_size(t, 6) for t in published] == [45, 180, 90, 180]


def test_published_n6_terms_sum_to_x6():
    total = {}
    for coefficient, template in published_n6_terms():
        for key, value in template_column(template, 6).items():
            total[key] = total.get(key, 0) + coefficient * value
    assert {key: value for key, value in total.items() if value} == {(LINEAR, 5): 1}


def test_changing_a_published_coefficient_breaks_the_identity():
    terms = published_n6_terms()
    terms[1] = (terms[1][0] * 2, terms[1][1])
    total = {}
    for coefficient, template in terms:
        for key, value in template_column(template, 6).items():
            total[key] = total.get(key, 0) + coefficient * value
    assert {key: value for key, value in total.items() if value} != {(LINEAR, 5): 1}


@pytest.mark.parametrize("n", [2, 3, 4, 5, 6])
def test_max_representation_is_an_exact_identity(n):
    result = max_representation(n)
    assert result.feasible and result.k == minimum_pairs(n)
    total = {}
    for coefficient, template in result.terms:
        for key, value in brute_force_column(template, n).items():
            total[key] = total.get(key, 0) + coefficient * value
    assert {key: value for key, value in total.items() if value} == {(LINEAR, n - 1): 1}


@pytest.mark.parametrize("n, k", [(5, 1), (6, 1), (7, 2)])
def test_k_below_the_bound_has_a_left_kernel_proof(n, k):
    result = max_representation(n, k)
    assert not result.feasible and result.terms == []
    y = result.left_kernel
    assert y[(LINEAR, n - 1)] == 1
    for template in enumerate_templates(n, k):
        column = template_column(template, n)
        assert sum((y.get(key, 0) * value for key, value in column.items()), Fraction(0)) == 0


def test_exact_sparse_solve_small_systems():
    result = solve_sparse_exact([{"a": 1, "b": 2}, {"a": 3, "b": 6}, {"c": 1}], {"a": 2, "b": 4, "c": -1})
    assert result.feasible and result.rank == 2
    assert result.solution == {0: Fraction(2), 2: Fraction(-1)}
    proof = solve_sparse_exact([{"a": 1, "b": 2}], {"a": 1, "b": 1})
    assert not proof.feasible
    y = proof.left_kernel
    assert y.get("a", 0) * 1 + y.get("b", 0) * 2 == 0
    assert y.get("a", 0) * 1 + y.get("b", 0) * 1 == 1


def test_bad_input_is_a_usage_error():
    with pytest.raises(UsageError, match="n must be an integer >= 2"):
        max_representation(1)
    with pytest.raises(UsageError, match="k must be an integer >= 1"):
        max_representation(5, 0)
    with pytest.raises(UsageError, match="indices must be >= 0"):
        Template.from_pairs([(-1, 0)], [])
    with pytest.raises(UsageError, match="uses 3 indices, more than n = 2"):
        template_column(Template.from_pairs([(0, 1)], [(2, 2)]), 2)


@pytest.mark.slow
@pytest.mark.parametrize("n", [7, 8])
def test_max_representation_n7_n8(n):
    result = max_representation(n)
    assert result.feasible and result.k == 3


def test_a_sampled_search_finds_a_certified_representation_but_proves_no_infeasibility():
    from lincomb.errors import CheckFailed
    from lincomb.proofs_check.checkers import verify_certificate
    from lincomb.proofs_check.max_two_hidden import infeasibility_certificate, representation_certificate
    from lincomb.solvers.max_templates import sample_templates

    # n = 7 has 4469 classes; 1500 drawn ones (about 5x the rank 316) suffice, the certificate checks.
    found = max_representation(7, sample=1500, seed=0)
    assert found.feasible and found.sample == 1500 and found.templates == 1500
    certificate = representation_certificate(found)
    assert "sampled, seed 0" in certificate["provenance"]["solver"]
    assert verify_certificate(certificate).status == "VERIFIED"
    # Too few templates: nothing found, and no infeasibility certificate may be written from it.
    missed = max_representation(6, 2, sample=20, seed=0)
    assert not missed.feasible
    with pytest.raises(CheckFailed, match="proves nothing about the full template set"):
        infeasibility_certificate(missed)
    # The Dask pipeline (here without a client) samples the same way.
    from lincomb.solvers.max_representation_dask import max_representation_dask

    same = max_representation_dask(6, 2, sample=20, seed=0)
    assert (same.sample, same.templates, same.rank, same.feasible) == (20, 20, missed.rank, False)
    # Reproducible, and a subset of the full enumeration.
    assert sample_templates(7, 3, 50, seed=3) == sample_templates(7, 3, 50, seed=3)
    assert set(sample_templates(5, 2, 60, seed=3)) <= set(enumerate_templates(5, 2))
    with pytest.raises(UsageError, match="count must be an integer >= 1"):
        sample_templates(5, 2, 0)
