"""Template subclasses, the vectorised column kernel, CSC assembly and the array pipeline (issue 14)."""

from __future__ import annotations

import io

import numpy as np
import pytest

from lincomb.errors import UsageError
from lincomb.solvers.max_columns import (
    StageProgress,
    assemble_csc,
    column_dict,
    decode_direction,
    rank_space_arrays,
    template_column_arrays,
)
from lincomb.solvers.max_representation import SearchLimit, max_representation_arrays
from lincomb.solvers.max_sorted_cone import brute_force_column, rank_space_counts, template_column
from lincomb.solvers.max_templates import (
    SHAPES,
    Template,
    enumerate_templates,
    in_shape,
    sample_templates,
)


@pytest.mark.parametrize("n, k, count", [(5, 2, 30), (6, 2, 30), (7, 3, 25), (8, 3, 20), (8, 4, 10)])
def test_array_columns_equal_dict_columns_on_random_templates(n, k, count):
    for template in sample_templates(n, k, count, seed=11):
        assert column_dict(template, n) == template_column(template, n), template


def test_array_columns_equal_brute_force_on_all_small_templates():
    for template in enumerate_templates(4, 2):
        assert column_dict(template, 4) == brute_force_column(template, 4), template


def test_rank_space_arrays_equal_the_subset_dp():
    for template in sample_templates(6, 3, 15, seed=2):
        alpha, beta, counts = rank_space_arrays(template)
        arrays = {(tuple(a), tuple(b)): c for a, b, c in zip(alpha.tolist(), beta.tolist(), counts.tolist())}
        assert arrays == dict(rank_space_counts(template)), template


def test_csc_layout_invariants_and_columns():
    n = 6
    templates = enumerate_templates(n, 2)
    system = assemble_csc([template_column_arrays(t, n) for t in templates], n)
    assert system.indptr.dtype == system.indices.dtype == system.data.dtype == np.int64
    assert system.indptr[0] == 0 and system.columns == len(templates)
    assert (np.diff(system.indptr) >= 0).all()
    assert (system.data != 0).all()
    assert system.indices.min() >= 0 and system.indices.max() < system.n_rows
    for j in range(system.columns):
        rows = system.indices[system.indptr[j]:system.indptr[j + 1]]
        assert (np.diff(rows) > 0).all()                       # sorted, unique within a column
        assert system.column(j) == template_column(templates[j], n)
    # linear rows first, then every direction once, in key order
    assert [system.row_key(p) for p in range(n)] == [("lin", p) for p in range(n)]
    directions = [system.row_key(r) for r in range(n, system.n_rows)]
    assert len(set(directions)) == len(directions) == 35
    assert system.rhs().tolist() == [0] * (n - 1) + [1] + [0] * 35


def test_direction_keys_round_trip():
    assert decode_direction(int(template_column_arrays(Template.from_pairs([(0, 0), (2, 2)], [(1, 1), (1, 1)]), 3)[1][0]), 3) == (1, -2, 1)


@pytest.mark.parametrize("n, k", [(5, 2), (6, 2)])
def test_shapes_are_the_filtered_full_enumeration(n, k):
    full = enumerate_templates(n, k)
    for shape in SHAPES:
        assert enumerate_templates(n, k, shape=shape) == [t for t in full if in_shape(t, shape)], shape
    bounded = enumerate_templates(n, k, shape="simple", max_vertices=4)
    assert bounded == [t for t in full if in_shape(t, "simple") and len({v for p in t.a + t.b for v in p}) <= 4]


def test_shape_options_are_checked():
    with pytest.raises(UsageError, match="shape must be one of"):
        enumerate_templates(5, 2, shape="tree")
    with pytest.raises(UsageError, match="max_vertices"):
        enumerate_templates(5, 2, max_vertices=0)


def test_forest_shapes_exclude_loops_and_cycles():
    triangle = Template.from_pairs([(0, 1), (1, 2)], [(0, 2), (3, 4)])
    assert in_shape(triangle, "side-forests") and not in_shape(triangle, "forest")
    loop = Template.from_pairs([(0, 0), (1, 2)], [(0, 3), (4, 5)])
    assert not in_shape(loop, "side-forests") and in_shape(loop, "simple")
    for t in enumerate_templates(6, 2, shape="side-forests"):
        assert all(i != j for i, j in t.a + t.b)


@pytest.mark.parametrize("n", [5, 6])
def test_array_pipeline_finds_certified_representations(n, tmp_path):
    from lincomb.proofs_check.certificate import write_certificate
    from lincomb.proofs_check.checkers import verify_file
    from lincomb.proofs_check.max_two_hidden import representation_certificate

    result = max_representation_arrays(n, shape="side-forests")
    assert result.feasible and result.solver == "modular" and result.restricted
    assert all(in_shape(t, "side-forests") for _, t in result.terms)
    path = write_certificate(representation_certificate(result), tmp_path / f"n{n}.json")
    assert verify_file(path).verified


def test_a_failed_restricted_search_says_nothing():
    result = max_representation_arrays(6, 2, shape="forest")     # no forest solution exists for n = 6
    assert not result.feasible and result.left_kernel is None and result.restricted
    from lincomb.errors import CheckFailed
    from lincomb.proofs_check.max_two_hidden import representation_certificate

    with pytest.raises(CheckFailed):
        representation_certificate(result)


def test_time_limit_stops_the_search():
    with pytest.raises(SearchLimit, match="out of time"):
        max_representation_arrays(6, 2, time_limit=0.0)
    with pytest.raises(SearchLimit, match="memory"):
        max_representation_arrays(6, 2, memory_limit=1.0)


def test_stage_progress_lines():
    out = io.StringIO()
    show = StageProgress(out, interval=0)
    show("columns", 0, 10)
    show("columns", 5, 10, "half")
    show("solve", 1, 2)
    text = out.getvalue()
    assert "[columns] 5/10" in text and "ETA" in text and "half" in text
    assert text.count("\n") == 1 and "[solve] 1/2" in text        # a new stage ends the previous line
    show("solve", 2, 2)
    assert out.getvalue().endswith("\n")                           # a finished stage ends its line


def test_represent_max_shape_certifies_or_says_nothing(tmp_path, capsys):
    from lincomb.cli import main

    out = tmp_path / "n6.json"
    assert main(["represent", "max", "--n", "6", "--shape", "side-forests", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "feasible" in text and "VERIFIED" in text and out.exists()
    missing = tmp_path / "none.json"
    assert main(["represent", "max", "--n", "6", "--shape", "forest", "--out", str(missing)]) == 1
    assert "proves nothing" in capsys.readouterr().out and not missing.exists()


@pytest.mark.parametrize("n, k", [(5, 2), (6, 2), pytest.param(6, 3, marks=pytest.mark.slow)])
def test_new_vertex_order_filter_loses_no_class(n, k, monkeypatch):
    from lincomb.solvers import max_templates

    filtered = {shape: enumerate_templates(n, k, shape=shape) for shape in SHAPES}
    monkeypatch.setattr(max_templates, "_new_vertices_in_order", lambda pairs, start: True)
    for shape in SHAPES:
        assert enumerate_templates(n, k, shape=shape) == filtered[shape], shape


def test_represent_max_shape_time_limit_writes_nothing(tmp_path, capsys):
    from lincomb.cli import main

    out = tmp_path / "n7.json"
    assert main(["represent", "max", "--n", "7", "--shape", "side-forests", "--time-limit", "0",
                 "--out", str(out)]) == 1
    assert "out of time" in capsys.readouterr().err and not out.exists()
