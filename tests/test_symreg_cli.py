"""``lincomb symreg fit``: the same equations as the class, the integrated R^2, --plot, --out, --time-limit."""

from __future__ import annotations

import json

import numpy as np
import pytest
import sympy

pytest.importorskip("scipy")
pytest.importorskip("torch")
pytest.importorskip("matplotlib")

from lincomb.cli import main  # noqa: E402
from lincomb.learn.systems import ODESystem  # noqa: E402
from lincomb.symreg_cli import displayed  # noqa: E402

# A small system keeps the default fit to a second or two: logistic growth, 200 samples.
LOGISTIC = ODESystem("logistic", ["x"], ["r*x*(1 - x/K)"], {"r": 1, "K": 10}, [[0.5]], t_end=10.0, samples=200)


@pytest.fixture(scope="module")
def data_csv(tmp_path_factory):
    t = LOGISTIC.time_grid()
    X = LOGISTIC.simulate(t, noise=0.01, seed=3)
    path = tmp_path_factory.mktemp("symreg") / "logistic.csv"
    np.savetxt(path, np.c_[t, X], delimiter=",", header="t,x", comments="", fmt="%.17g")
    return path, t, X


def test_cli_and_class_return_the_same_equations_and_plot(data_csv, tmp_path, capsys):
    from lincomb.learn.symreg import SymbolicODERegressor
    from lincomb.learn.symreg_validation import integrated_r2

    path, t, X = data_csv
    out, png = tmp_path / "fit.json", tmp_path / "fit.png"
    assert main(["symreg", "fit", str(path), "--out", str(out), "--plot", str(png)]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("x' = ") and "# integrated R^2 on the data: " in printed
    result = json.loads(out.read_text())
    assert result["options"] == {}  # the command set no option: the class's defaults

    model = SymbolicODERegressor().fit(t, X, names=["x"])
    expected = [displayed(e) for e in model.equations()]
    assert result["equations"] == {"x": str(expected[0])}
    # the logistic law x' = x - x**2/10 at 1 % noise: its numbers snap, and the command prints them exactly
    assert result["snapped_coefficients"] == model.snapped_ == 2
    assert sympy.expand(sympy.sympify(result["equations"]["x"]) - sympy.sympify("x - x**2/10")) == 0
    x = sympy.Symbol("x")
    assert result["r2_integrated"] == pytest.approx(integrated_r2(model.equations(), [x], t, X).r2)
    assert result["r2_integrated"] > 0.95 and not result["diverged"]  # integrated from the noisy first sample
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 5000


@pytest.mark.parametrize("flag", ["--plot", "--out"])
def test_unwritable_output_path_is_refused_before_fitting(data_csv, tmp_path, capsys, flag):
    path, _, _ = data_csv
    missing = tmp_path / "no such folder" / "fit.png"
    assert main(["symreg", "fit", str(path), flag, str(missing)]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "does not exist" in captured.err and len(captured.err.strip().splitlines()) == 1
    assert main(["symreg", "fit", str(path), flag, str(tmp_path)]) == 2
    assert "is a folder" in capsys.readouterr().err


def test_time_limit_exits_1_and_writes_nothing(data_csv, tmp_path, capsys):
    path, _, _ = data_csv
    out, png = tmp_path / "fit.json", tmp_path / "fit.png"
    assert main(["symreg", "fit", str(path), "--time-limit", "0.001", "--out", str(out), "--plot", str(png)]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and "--time-limit" in captured.err and "no result written" in captured.err
    assert not out.exists() and not png.exists()
    assert main(["symreg", "fit", str(path), "--time-limit", "-1"]) == 2


def test_expert_options_are_passed_on_and_unknown_ones_refused(data_csv, capsys):
    path, _, _ = data_csv
    assert main(["symreg", "fit", str(path), "--json", "--degree", "2", "--functions", "", "--no-rational"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["options"] == {"degree": 2, "functions": [], "rational": False}
    x = sympy.Symbol("x")
    learned = sympy.sympify(result["equations"]["x"], locals={"x": x})
    assert set(sympy.Poly(learned, x).monoms()) == {(1,), (2,)}
    assert main(["symreg", "fit", str(path), "--option", "no_such_option=1"]) == 2
    assert "no_such_option" in capsys.readouterr().err


def test_fit_warnings_name_divergence_and_a_model_that_does_not_follow_its_data():
    from lincomb.learn.symreg_validation import IntegratedR2
    from lincomb.symreg_cli import fit_warnings

    assert fit_warnings(IntegratedR2(0.5, (0.9, 0.1), False, "ok", "")) == []
    diverged = fit_warnings(IntegratedR2(float("-inf"), (float("-inf"),), True, "timeout", "stopped"))
    assert len(diverged) == 1 and "did not reach the end of the data (timeout: stopped)" in diverged[0]
    below = fit_warnings(IntegratedR2(-12.0, (-12.0,), False, "ok", ""))
    assert len(below) == 1 and "R^2 -12 < 0" in below[0] and "chaotic" in below[0]


def test_fit_warns_when_other_terms_fit_the_whole_trajectory_as_well(tmp_path, capsys):
    # Harvesting x' = x (1 - x) - 1/5 on an arc from 0.9 at 1 % noise (the benchmark's seed-0 data): the output
    # error rejects the weak form's line, but several sets of other terms fit the arc as well as the one returned.
    system = ODESystem("harvesting", ["x"], ["x*(1 - x) - h"], {"h": "0.2"}, [[0.9]], t_end=10.0, samples=400)
    t = system.time_grid()
    clean = system.simulate(t)
    X = clean * (1 + 0.01 * np.random.default_rng(sum(map(ord, "harvesting"))).standard_normal(clean.shape))
    path = tmp_path / "harvesting.csv"
    np.savetxt(path, np.c_[t, X], delimiter=",", header="t,x", comments="", fmt="%.17g")
    assert main(["symreg", "fit", str(path), "--json"]) == 0
    captured = capsys.readouterr()
    result = json.loads(captured.out)
    assert result["not_singled_out"] and result["not_singled_out"][0].startswith("x': ")
    assert "fit the whole trajectory as well" in captured.err
    # a logistic arc at 1 % noise: the returned terms are the only ones that fit it
    logistic = tmp_path / "logistic.csv"
    np.savetxt(logistic, np.c_[LOGISTIC.time_grid(), LOGISTIC.simulate(LOGISTIC.time_grid(), noise=0.01, seed=3)],
               delimiter=",", header="t,x", comments="", fmt="%.17g")
    assert main(["symreg", "fit", str(logistic), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["not_singled_out"] == []


def test_json_names_a_unit_the_equations_share(tmp_path, capsys):
    # Rosenzweig-MacArthur at 5 % noise (see tests/learn/test_symreg.py): the Holling response is fitted once
    # for both equations, and the command's JSON says so
    system = ODESystem("rm", ["x", "y"], ["x*(1 - x/3) - x*y/(1 + x)", "x*y/(2*(1 + x)) - y/5"], {},
                       [[2.0, 0.5]], t_end=60.0, samples=300)
    t = system.time_grid()
    clean = system.simulate(t)
    X = clean * (1 + 0.05 * np.random.default_rng(3).standard_normal(clean.shape))
    path = tmp_path / "rm.csv"
    np.savetxt(path, np.c_[t, X], delimiter=",", header="t,x,y", comments="", fmt="%.17g")
    # no CPU budget: on a loaded machine the budget would skip the step
    assert main(["symreg", "fit", str(path), "--json", "--option", "cpu_budget=None"]) == 0
    result = json.loads(capsys.readouterr().out)
    [shared] = result["shared_units"]
    assert shared["equations"] == ["x", "y"]
    x, y = sympy.symbols("x y")
    assert sympy.simplify(sympy.sympify(shared["unit"]) - x * y / (x + 1)) == 0
