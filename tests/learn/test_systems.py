"""lincomb.learn.systems: exact right-hand sides, tight simulation, RMS-scaled noise."""

from __future__ import annotations

import numpy as np
import pytest
import sympy

pytest.importorskip("scipy")

from lincomb.errors import UsageError
from lincomb.learn.systems import ODESystem, SYSTEMS, add_noise, get_system, system_names


def test_reference_systems_have_exact_rational_parameters():
    x, y, z = sympy.symbols("x y z")
    assert get_system("lorenz").equations() == [10 * y - 10 * x, -x * z + 28 * x - y, x * y - sympy.Rational(8, 3) * z]
    budworm = get_system("spruce_budworm").equations()[0]
    assert sympy.simplify(budworm - (sympy.Rational(2, 5) * x * (1 - x / 20) - x**2 / (1 + x**2))) == 0
    for system in SYSTEMS.values():
        for expression in system.equations():
            assert not expression.atoms(sympy.Float), f"{system.name}: float in {expression}"


def test_simulation_matches_closed_form_solution():
    decay = ODESystem("decay", ["u"], ["-k*u"], {"k": "3/2"}, [[2.0]], t_end=3.0, samples=31)
    t = decay.time_grid()
    assert np.max(np.abs(decay.simulate()[:, 0] - 2.0 * np.exp(-1.5 * t))) < 1e-8


def test_vector_field_matches_sympy():
    lorenz = get_system("lorenz")
    point = np.array([[1.5, -2.0, 0.25]])
    exact = [float(e.subs(dict(zip(lorenz.symbols, point[0])))) for e in lorenz.equations()]
    assert np.allclose(lorenz.vector_field(point)[0], exact)


def test_noise_is_scaled_to_each_column_rms_and_reproducible():
    X = np.c_[np.full(20000, 2.0), np.full(20000, 100.0)]
    noisy = add_noise(X, 0.05, seed=3)
    assert np.allclose((noisy - X).std(axis=0) / [2.0, 100.0], 0.05, rtol=0.05)
    assert np.array_equal(noisy, add_noise(X, 0.05, seed=3))
    assert not np.array_equal(noisy, add_noise(X, 0.05, seed=4))


def test_every_reference_system_simulates_from_each_initial_condition():
    for name in system_names():
        system = get_system(name)
        t = np.linspace(0, 1, 11)
        for x0 in [*system.x0s, system.test_x0]:
            X = system.simulate(t, x0=x0)
            assert X.shape == (11, system.dimension) and np.all(np.isfinite(X))


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(rhs=["-k*u*w"], params={"k": 1}), "unknown symbols ['w']"),
        (dict(rhs=["-k*u"], params={"k": 0.5}), "is a float"),
        (dict(rhs=["-u", "u"], params={}), "2 right-hand sides for 1 variables"),
    ],
)
def test_bad_systems_are_refused_with_the_reason(kwargs, message):
    with pytest.raises(UsageError, match=message.replace("[", r"\[").replace("]", r"\]")):
        ODESystem("bad", ["u"], x0s=[[1.0]], **kwargs)


def test_bad_simulation_arguments():
    lorenz = get_system("lorenz")
    with pytest.raises(UsageError, match="x0 has shape"):
        lorenz.simulate(np.linspace(0, 1, 5), x0=[1.0, 2.0])
    with pytest.raises(UsageError, match="strictly increasing"):
        lorenz.simulate([0.0, 0.0, 1.0])
    with pytest.raises(UsageError, match="unknown system 'nope'"):
        get_system("nope")
