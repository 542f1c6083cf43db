"""The symbolic-regression benchmark zoo (benchmarks/symreg_systems.py) and lincomb.learn.symreg_validation."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("scipy")

ROOT = Path(__file__).resolve().parents[2]


def _load_benchmark(name: str, file: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / file)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _zoo():
    return _load_benchmark("symreg_systems", "symreg_systems.py")


def test_zoo_has_sixty_cited_systems_of_every_class():
    zoo = _zoo()
    assert len(zoo.ZOO) >= 60
    assert set(zoo.CITATIONS) == set(zoo.ZOO) and all(c[0] for c in zoo.CITATIONS.values())
    classes = {zoo.system_class(s) for s in zoo.ZOO.values()}
    for states in (1, 2, 3, 4):
        assert f"{states}-state polynomial" in classes and f"{states}-state non-polynomial" in classes
    share = sum(not zoo.is_polynomial(s) for s in zoo.ZOO.values()) / len(zoo.ZOO)
    assert 0.3 <= share <= 0.6
    assert {"lorenz", "spruce_budworm", "van_der_pol"}.isdisjoint(zoo.ZOO)  # lincomb's tuning systems are not in it


def test_every_zoo_system_simulates_finitely_from_both_initial_conditions():
    zoo = _zoo()
    for system in zoo.ZOO.values():
        assert 200 <= system.samples <= 512, system.name
        t = np.linspace(0.0, float(system.t_end), 41)  # a coarse grid keeps the test fast; the benchmark checks the full one
        for x0 in (system.x0s[0], system.test_x0):
            X = system.simulate(t, x0=x0)
            assert np.all(np.isfinite(X)) and np.abs(X).max() < 1e4, system.name
            assert np.all(np.ptp(X, axis=0) > 0), system.name


def test_check_system_flags_a_constant_state():
    from lincomb.learn.systems import ODESystem

    zoo = _zoo()
    still = ODESystem("still", ["u", "w"], ["-u", "0"], {}, [[1.0, 2.0]], test_x0=[2.0, 2.0], t_end=1.0, samples=11)
    assert any("hardly vary" in problem for problem in zoo.check_system(still))
    assert zoo.check_system(zoo.ZOO["logistic"]) == []


# ----------------------------------------------------------------------------- lincomb.learn.symreg_validation
import sympy  # noqa: E402

from lincomb.errors import ShapeError, UsageError  # noqa: E402
from lincomb.learn.symreg_validation import data_scale, integrate_model, integrated_r2  # noqa: E402

x, y = sympy.symbols("x y")


def test_integrated_r2_is_one_for_the_true_model_and_pools_trajectories():
    t = np.linspace(0, 3, 61)
    runs = [np.c_[a * np.exp(-t)] for a in (1.0, 2.0)]
    fit = integrated_r2([-x], [x], [t, t], runs)
    assert fit.r2 > 1 - 1e-8 and not fit.diverged and fit.status == "ok"
    wrong = integrated_r2([-0.5 * x], [x], [t, t], runs)
    assert wrong.r2 < 0.9 and not wrong.diverged


def test_a_model_leaving_the_data_scale_is_diverged_with_minus_inf():
    t = np.linspace(0, 5, 51)
    data = np.c_[np.exp(-t)]
    fit = integrated_r2([x], [x], t, data)  # exp(t) reaches 100 x the data's scale (1) before t = 5
    assert fit.diverged and fit.status == "diverged" and fit.r2 == float("-inf")
    assert fit.per_state == (float("-inf"),)
    # with a larger bound it stays "ok" (e^5 < 1000) and merely scores badly
    assert integrated_r2([x], [x], t, data, factor=1000).status == "ok"


def test_non_finite_right_hand_side_is_diverged():
    t = np.linspace(0, 2, 21)
    run = integrate_model([-sympy.sqrt(x) - 1], [x], [0.5], t)  # reaches x < 0: sqrt is NaN in numpy
    assert run.status == "diverged" and np.isnan(run.X[-1, 0])
    assert integrate_model([sympy.log(x)], [x], [float("nan")], t).status == "diverged"


def test_cpu_time_limit_stops_the_integration():
    # a cap that has passed before the first step stops any model deterministically; the data
    # then gets no trajectory and the model scores -inf, flagged as timed out
    t = np.linspace(0, 50, 201)
    field = [y, (1 - x**2) * y - x]
    run = integrate_model(field, [x, y], [2.0, 0.0], t, time_limit=0.0)
    assert run.status == "timeout" and np.all(np.isnan(run.X)) and "CPU-time" in run.message
    fit = integrated_r2(field, [x, y], t, np.c_[np.cos(t), np.sin(t)], time_limit=0.0)
    assert fit.diverged and fit.status == "timeout" and fit.r2 == float("-inf")
    assert integrate_model(field, [x, y], [2.0, 0.0], t, time_limit=30.0).status == "ok"


def test_bad_inputs_are_refused():
    t = np.linspace(0, 1, 5)
    with pytest.raises(ShapeError):
        integrated_r2([-x, -y], [x, y], t, np.ones((5, 1)))
    with pytest.raises(UsageError, match="not variables"):
        integrate_model([-x * sympy.Symbol("k")], [x], [1.0], t)
    with pytest.raises(UsageError, match="strictly increasing"):
        integrate_model([-x], [x], [1.0], t[::-1])
    assert np.array_equal(data_scale(np.array([[0.0], [0.0]])), [1e-12])


# ----------------------------------------------------------------------------- benchmarks/symreg.py summaries
def _bench():
    import sys

    # The benchmark imports its sibling ``symreg_systems`` by name. Register that module directly rather than
    # putting benchmarks/ on sys.path, where a benchmark named like an installed package would shadow it in every
    # Dask worker that later tests spawn (they inherit sys.path; benchmarks/distributed.py once did).
    sys.modules.setdefault("symreg_systems", _zoo())
    return _load_benchmark("symreg_bench", "symreg.py")


def test_benchmark_noise_is_multiplicative_and_summary_splits_by_class():
    bench = _bench()
    X = np.full((20000, 2), [2.0, -5.0])
    noisy = bench.multiplicative_noise(X, 0.05, seed=1)
    assert np.allclose((noisy / X - 1).std(axis=0), 0.05, rtol=0.05)

    def row(system, states, polynomial, structure, r2, method="lincomb"):
        return {"system": system, "noise": 0.01, "seed": 0, "method": method, "states": states, "polynomial": polynomial,
                "structure": structure, "r2_test": r2, "r2_train": r2, "status_test": "ok" if r2 is not None else "diverged",
                "precision": 1.0, "recall": 1.0, "max_relative_error": 0.01, "terms": 3, "seconds": 1.0, "samples": 400}

    rows = [row("a", 1, True, True, 0.99), row("b", 1, False, False, None), row("c", 3, False, True, 0.5),
            row("a", 1, True, False, 0.95, method="pysindy-poly2")]
    table = bench.summarize(rows)
    cells = {(r["method"], r["group"]): r for r in table}
    assert cells[("lincomb", "all")]["exact"] == pytest.approx(2 / 3)
    assert cells[("lincomb", "non-polynomial")]["r2_test_gt_0.9"] == 0
    assert cells[("lincomb", "non-polynomial")]["diverged"] == 0.5
    assert cells[("lincomb", "1-state poly")]["exact"] == 1 and ("lincomb", "2-state poly") not in cells
    text = bench.markdown(table, rows)
    assert "| 3-state non-poly (1) | 100 % |" in text and "pysindy-poly2" in text


# ----------------------------------------------------------------------------- benchmarks/symreg_identifiability.py
def test_identifiability_tells_a_miss_the_data_settle_from_one_they_cannot():
    # Harvesting at 1 % noise, seed 0: the line the weak form once returned is rejected for the truth by the output
    # error of one integration of the whole arc; the truth's own terms count as exact structure, no refit needed.
    _bench()  # registers the zoo module that the benchmark imports by name
    ident = _load_benchmark("symreg_identifiability", "symreg_identifiability.py")
    row = {"system": "harvesting", "noise": 0.01, "seed": 0, "states": 1, "polynomial": True, "structure": False,
           "r2_test": 0.715, "equations": ["0.3975 - 0.54789*x"]}
    verdict = ident.classify(row)
    assert verdict["class"] == "data prefer the truth", verdict
    assert verdict["fits"]["single"]["statistic"] > ident.THRESHOLD
    assert ident.classify({**row, "structure": True})["class"] == "exact structure"
    table = ident.table([verdict], [row, {**row, "seed": 1, "r2_test": 0.95}], [0.01])
    assert "| 0.01 | 2 | 1 (50%) | 1 | 0 | 0 | 1 | 100% |" in table
