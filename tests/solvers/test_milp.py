"""The Pyomo MILP layer: solve, result fields, missing back-ends, MPS export round trip."""

from __future__ import annotations

from fractions import Fraction

import pytest

from lincomb.errors import SolverUnavailable, UsageError
from lincomb.solvers.hbdss_mip import hbdss_mip
from lincomb.solvers.milp import LinearMip, read_mps_optimum, solve, solve_highspy, write_mps


def toy():
    return LinearMip.build(
        "toy", ["x", "y", "w"], [0, 0, -1], [1, 1, 1], [True, True, False],
        {"x": 3, "y": 2, "w": 1}, [("cap", {"x": 2, "y": 2, "w": 1}, "5/2")],
    )


def test_solve_reports_termination_incumbent_bound_and_version():
    result = solve(toy(), backend="highs", time_limit=30)
    assert result.termination == "optimal"
    assert result.objective == pytest.approx(3.5)
    assert result.bound == pytest.approx(3.5)
    assert result.incumbent["x"] == pytest.approx(1.0)
    assert result.solver == "highs"
    assert result.solver_version.count(".") == 2
    assert result.seconds >= 0


def test_solve_accepts_a_pyomo_model_too():
    result = solve(toy().to_pyomo(), backend="highs")
    assert result.objective == pytest.approx(3.5)


def test_a_missing_backend_raises_solver_unavailable_with_a_hint():
    from lincomb.solvers.milp import _solver

    for backend in ("scip", "cbc", "glpk", "gurobi"):
        try:
            _solver(backend)
        except SolverUnavailable as error:
            assert "not available" in str(error) and ("install" in str(error))
            return
    pytest.skip("every optional back-end is installed here")


def test_unknown_backend_is_a_usage_error():
    with pytest.raises(UsageError, match="unknown MILP backend"):
        solve(toy(), backend="cplex9000")


def test_build_rejects_bad_models():
    with pytest.raises(UsageError, match="unknown variable"):
        LinearMip.build("t", ["x"], [0], [1], [False], {}, [("r", {"q": 1}, 0)])
    with pytest.raises(UsageError, match="must have bounds 0 and 1"):
        LinearMip.build("t", ["x"], [0], [2], [True], {}, [])
    with pytest.raises(UsageError, match="appears twice"):
        LinearMip.build("t", ["x"], [0], [1], [False], {}, [("r", {"x": 1}, 0), ("r", {"x": 1}, 1)])


def test_exact_feasibility_and_objective():
    mip = toy()
    assert mip.violations({"x": 1, "y": 0, "w": "1/2"}) == []
    assert mip.objective_value({"x": 1, "y": 0, "w": "1/2"}) == Fraction(7, 2)
    assert mip.violations({"x": 1, "y": 1, "w": 0}) == ["row cap: 4 > 5/2"]


@pytest.mark.parametrize("n, optimum", [(2, 1.0), (3, 2.0)])
def test_mps_round_trip_gives_the_same_optimum(tmp_path, n, optimum):
    mip = hbdss_mip(n)
    path = write_mps(mip, tmp_path / f"hbdss{n}.mps")
    status, value, _ = read_mps_optimum(path)
    direct = solve(mip, backend="highs")
    assert status == "Optimal"
    assert value == pytest.approx(optimum, abs=1e-6)
    assert direct.objective == pytest.approx(value, abs=1e-6)
    text = open(path).read()
    assert "z(0_1)" in text or "z[0,1]" in text  # names survive the export


def test_highspy_direct_agrees_with_pyomo():
    mip = hbdss_mip(3)
    assert solve_highspy(mip).objective == pytest.approx(solve(mip).objective, abs=1e-6)
