"""Sizing a max-representation search before it starts, and refusing one that cannot fit (issue 14, item 6)."""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

import pytest

from lincomb.errors import UsageError
from lincomb.represent_cli import run
from lincomb.time_limit import Expired, alarm_available, wall_clock_limit
from lincomb.solvers.max_representation import estimate_search, machine_memory_bytes

# Template classes counted by the complete enumeration (lincomb for n <= 8; the frontier numbers for 9 - 11).
COUNTED_CLASSES = {(5, 2): 131, (6, 2): 144, (7, 3): 4469, (8, 3): 4716, (9, 4): 210_540, (10, 4): 216_428,
                   (11, 5): 12_179_657}


@pytest.mark.parametrize("n,k", sorted(COUNTED_CLASSES))
def test_the_burnside_bound_is_below_the_counted_classes_and_the_estimate_near_them(n, k):
    estimate = estimate_search(n, k)
    counted = COUNTED_CLASSES[n, k]
    assert estimate.classes_lower_bound <= counted
    assert 0.8 < estimate.columns / counted < 1.25


def test_the_bound_matches_the_enumeration_where_it_is_exact():
    from lincomb.solvers.max_templates import enumerate_templates

    # k = 1: pairs of single pairs; the bound counts orbits of a free action only, so it is at most the count.
    for n in (2, 3, 4):
        assert estimate_search(n, 1).classes_lower_bound <= len(enumerate_templates(n, 1))


def test_sampled_estimates_use_the_sample_size():
    estimate = estimate_search(9, sample=3000)
    assert estimate.columns == 3000 and estimate.rows is None and "sampled" in estimate.basis
    # Measured: 2.6 GB for this sample (benchmarks/results/max_representation_attempts.json).
    assert 1e9 < estimate.memory_bytes < 5e9


def test_the_complete_n9_search_and_n100_are_beyond_any_laptop():
    assert estimate_search(9).memory_bytes > 1e11
    assert estimate_search(100).memory_bytes > 1e100
    assert estimate_search(8).memory_bytes < 2e9
    assert machine_memory_bytes() > 0
    with pytest.raises(UsageError):
        estimate_search(1)


def test_represent_refuses_n100_before_starting():
    completed = subprocess.run([sys.executable, "-m", "lincomb", "represent", "max", "--n", "100"],
                               capture_output=True, text=True, timeout=60)
    assert completed.returncode == 2, completed.stderr
    assert completed.stdout == ""
    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 1 and "refused" in lines[0] and "--force" in lines[0] and "columns" in lines[0], lines


def _args(**overrides):
    values = dict(target="max", n=7, k=None, no_loops=False, out=None, sample=None, seed=0, force=False,
                  time_limit=None, memory_limit=None)
    values.update(overrides)
    return argparse.Namespace(**values)


def test_a_search_out_of_time_says_so_and_writes_nothing(tmp_path, capsys):
    out = tmp_path / "max7.json"
    assert run(_args(time_limit=0.3, out=str(out))) == 1
    captured = capsys.readouterr()
    assert "out of time" in captured.err and "nothing was written" in captured.err
    assert captured.out == "" and not out.exists()


@pytest.mark.skipif(not alarm_available(), reason="no SIGALRM on this platform")
def test_the_time_limit_fires_again_when_its_first_alarm_is_lost():
    # An exception raised while Python runs a finalizer is printed as "Exception ignored" and lost; the alarm
    # must then fire again, or the search would run to its end past --time-limit.
    lost = []
    with pytest.raises(Expired):
        with wall_clock_limit(0.05):
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                try:
                    time.sleep(0.01)
                except Expired:
                    if lost:
                        raise
                    lost.append(time.monotonic())  # the first alarm, lost as in a finalizer
    assert lost


def test_a_small_sample_of_n9_fits_and_starts(capsys):
    assert run(_args(n=9, sample=5, seed=1)) == 1               # it starts and finds nothing among 5 classes
    assert "not found among 5 sampled templates" in capsys.readouterr().out


def test_force_starts_a_refused_search(capsys):
    assert run(_args(n=9)) == 2
    assert "refused" in capsys.readouterr().err
    assert run(_args(n=9, force=True, time_limit=0.5)) == 1      # started, then stopped by the time limit
    assert "out of time" in capsys.readouterr().err


# Classes of the subclasses counted by enumerate_templates (docs/max_representation.md; n = 11 on at most 6, 7 indices
# from benchmarks/results/max_frontier_dask.json).
SUBCLASS_CLASSES = {(5, 2, "side-forests", None): 19, (6, 2, "side-forests", None): 25, (7, 3, "side-forests", None): 320,
                    (8, 3, "side-forests", None): 391, (9, 4, "side-forests", None): 8_966,
                    (10, 4, "side-forests", None): 10_159, (11, 5, "side-forests", 6): 1_301,
                    (11, 5, "side-forests", 7): 19_182, (5, 2, "forest", None): 6, (7, 3, "forest", None): 53,
                    (9, 4, "forest", None): 739, (10, 4, "forest", None): 1_387, (7, 3, "simple", None): 1_504}


@pytest.mark.parametrize("n,k,shape,max_vertices", sorted(SUBCLASS_CLASSES, key=str))
def test_the_subclass_bound_is_below_the_counted_classes(n, k, shape, max_vertices):
    estimate = estimate_search(n, k, shape=shape, max_vertices=max_vertices)
    counted = SUBCLASS_CLASSES[n, k, shape, max_vertices]
    assert 0 < estimate.classes_lower_bound <= counted
    if shape != "simple":  # for simple templates the bound counts only the forests among them
        assert estimate.classes_lower_bound >= counted / 3   # a useful bound, not a trivial one


def test_the_subclass_bound_against_a_fresh_enumeration():
    from lincomb.solvers.max_templates import enumerate_templates

    for n, k in ((4, 1), (5, 2), (6, 2)):
        for shape in ("side-forests", "forest", "simple"):
            bound = estimate_search(n, k, shape=shape).classes_lower_bound
            assert bound <= len(enumerate_templates(n, k, shape=shape)), (n, k, shape)


def test_represent_refuses_a_subclass_search_that_cannot_fit(tmp_path):
    out = tmp_path / "max100.json"
    completed = subprocess.run([sys.executable, "-m", "lincomb", "represent", "max", "--n", "100", "--shape",
                                "side-forests", "--out", str(out)], capture_output=True, text=True, timeout=60)
    assert completed.returncode == 2, completed.stderr
    assert completed.stdout == "" and not out.exists()
    lines = completed.stderr.strip().splitlines()
    assert len(lines) == 1 and "refused" in lines[0] and "subclass" in lines[0] and "--force" in lines[0], lines
