"""The Dask array pipeline gives the local array pipeline's templates, columns and certificate (issue 14 item 5)."""

import numpy as np
import pytest

from lincomb.errors import UsageError
from lincomb.solvers.max_columns import template_column_arrays
from lincomb.solvers.max_representation import max_representation_arrays
from lincomb.solvers.max_representation_dask import (
    DaskRunStats,
    enumerate_templates_dask,
    max_representation_arrays_dask,
    template_column_arrays_dask,
)
from lincomb.solvers.max_templates import enumerate_templates, template_orbit_size


@pytest.mark.parametrize("shape", ["side-forests", "simple", "multigraph"])
@pytest.mark.parametrize("tasks", [1, 3, 50])
def test_split_enumeration_equals_enumerate_templates(shape, tasks):
    local = sorted(enumerate_templates(6, 2, shape=shape), key=lambda t: (template_orbit_size(t, 6), t))
    assert enumerate_templates_dask(6, 2, shape=shape, tasks=tasks) == local


@pytest.mark.parametrize("stripes", [2, 5])
def test_striped_enumeration_equals_enumerate_templates(stripes):
    local = sorted(enumerate_templates(7, 3, shape="side-forests"), key=lambda t: (template_orbit_size(t, 7), t))
    stats = DaskRunStats()
    assert enumerate_templates_dask(7, 3, shape="side-forests", tasks=2, stripes=stripes, stats=stats) == local
    assert stats.enumeration_tasks == 2 * stripes


def test_bad_stripes():
    with pytest.raises(UsageError):
        enumerate_templates_dask(6, 2, stripes=0)


def test_split_enumeration_with_max_vertices():
    local = enumerate_templates(7, 3, shape="side-forests", max_vertices=5)
    assert sorted(enumerate_templates_dask(7, 3, shape="side-forests", max_vertices=5, tasks=4)) == local


def test_column_blocks_equal_local_columns():
    templates = enumerate_templates(6, 2)
    stats = DaskRunStats()
    mine = template_column_arrays_dask(templates, 6, block_size=17, stats=stats)
    assert stats.column_tasks == -(-len(templates) // 17) and len(stats.column_block_bytes) == stats.column_tasks
    for got, template in zip(mine, templates):
        want = template_column_arrays(template, 6)
        assert all(np.array_equal(a, b) for a, b in zip(got, want))


def test_bad_block_size():
    with pytest.raises(UsageError):
        template_column_arrays_dask(enumerate_templates(4, 1), 4, block_size=0)


def _same(result, local):
    assert result.feasible == local.feasible
    assert [(c, str(t)) for c, t in result.terms] == [(c, str(t)) for c, t in local.terms]
    assert (result.templates, result.rows, result.nonzeros, result.rank) == (
        local.templates, local.rows, local.nonzeros, local.rank)


def test_no_client_equals_local_pipeline_n6():
    stats = DaskRunStats()
    result = max_representation_arrays_dask(6, 2, block_size=5, enumeration_tasks=4, stats=stats)
    _same(result, max_representation_arrays(6, 2))
    assert result.feasible and stats.rank_trace and stats.a_classes > 0


def test_local_cluster_equals_local_pipeline_n6():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=":0",
                                  silence_logs=40) as cluster, distributed.Client(cluster) as client:
        stats = DaskRunStats()
        result = max_representation_arrays_dask(6, 2, client=client, block_size=3, enumeration_tasks=5, stats=stats)
        assert stats.enumeration_tasks == min(5, stats.a_classes) and stats.column_tasks == -(-result.templates // 3)
    _same(result, max_representation_arrays(6, 2))
    assert result.feasible
