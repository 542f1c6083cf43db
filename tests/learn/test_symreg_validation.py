"""The symbolic-regression benchmark zoo (benchmarks/symreg_systems.py) and lincomb.learn.symreg_validation."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("scipy")

ROOT = Path(__file__).resolve().parents[2]


def _zoo():
    spec = importlib.util.spec_from_file_location("symreg_systems", ROOT / "benchmarks" / "symreg_systems.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


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
        assert 200 <= system.samples <= 600, system.name
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
