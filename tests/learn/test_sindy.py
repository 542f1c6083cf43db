"""lincomb.learn.sindy (STLSQ baseline) and the shared data checks of the equation learners."""

from __future__ import annotations

import numpy as np
import pytest
import sympy

pytest.importorskip("scipy")

from lincomb.errors import ShapeError, UsageError
from lincomb.learn.data_validation import read_time_series_csv, validate_time_series
from lincomb.learn.ode_regression import choose_window, smoothed_derivatives
from lincomb.learn.sindy import PolynomialTrigLibrary, STLSQRegressor, stlsq
from lincomb.learn.systems import get_system
from lincomb.theory.expression_compare import compare_equations


def test_stlsq_recovers_a_sparse_combination():
    rng = np.random.default_rng(0)
    theta = rng.standard_normal((200, 6))
    truth = np.array([[0.0, 1.5, 0.0, 0.0, -0.7, 0.0]]).T
    assert np.allclose(stlsq(theta, theta @ truth), truth)


def test_stlsq_regressor_recovers_lotka_volterra():
    system = get_system("lotka_volterra")
    t = system.time_grid()[:2001]
    model = STLSQRegressor().fit(t, system.simulate(t), names=system.names)
    comparison = compare_equations(model.equations(), system.equations(), system.symbols)
    assert comparison.structure_equal and comparison.max_relative_error < 1e-4


def test_a_polynomial_library_cannot_recover_a_rational_term():
    system = get_system("spruce_budworm")
    t = system.time_grid()
    model = STLSQRegressor(functions=()).fit(t, [system.simulate(t, x0=x0) for x0 in system.x0s], names=system.names)
    assert not compare_equations(model.equations(), system.equations(), system.symbols).structure_equal


def test_predict_simulate_score():
    system = get_system("van_der_pol")
    t = system.time_grid()[:2501]
    X = system.simulate(t)
    model = STLSQRegressor().fit(t, X, names=system.names)
    assert np.allclose(model.predict(X[:5]), system.vector_field(X[:5]), atol=1e-4)
    X_test = system.simulate(t, x0=system.test_x0)
    assert model.score(t, X_test) > 0.999
    assert model.simulate(system.test_x0, t).shape == X_test.shape


def test_window_adapts_to_noise_and_derivatives_are_accurate():
    t = np.linspace(0, 10, 2001)
    clean = np.sin(t)
    noisy = clean + 0.02 * np.random.default_rng(1).standard_normal(t.size)
    assert choose_window(clean) < choose_window(noisy)
    Xs, dX = smoothed_derivatives(t, noisy[:, None])
    trim = (t.size - dX.shape[0]) // 2
    assert np.sqrt(np.mean((dX[:, 0] - np.cos(t[trim:-trim])) ** 2)) < 0.02


def test_library_features():
    x, y = sympy.symbols("x y")
    assert PolynomialTrigLibrary(2, ("cos",)).features([x, y])[-2:] == [sympy.cos(x), sympy.cos(y)]
    with pytest.raises(UsageError, match="unknown library functions"):
        PolynomialTrigLibrary(2, ("log",))


# ------------------------------------------------------------------ bad data
T = np.linspace(0, 1, 50)
X = np.c_[np.sin(T), np.cos(T)]


def test_nan_names_row_and_column():
    bad = X.copy()
    bad[17, 1] = np.nan
    with pytest.raises(UsageError, match=r"at row 17, column 'y'"):
        STLSQRegressor().fit(T, bad, names=["x", "y"])


def test_non_monotone_time_names_the_row():
    t = T.copy()
    t[30] = t[29]
    with pytest.raises(UsageError, match="not strictly increasing at row 30"):
        STLSQRegressor().fit(t, X)


def test_too_few_samples():
    with pytest.raises(UsageError, match="only 10 samples; at least 20"):
        STLSQRegressor().fit(T[:10], X[:10])


def test_mismatched_columns_and_rows():
    with pytest.raises(ShapeError, match="t has 49 samples but X has 50 rows"):
        validate_time_series(T[:49], X)
    with pytest.raises(ShapeError, match="3 column names for 2 columns"):
        validate_time_series(T, X, names=["a", "b", "c"])


def test_csv_errors_name_line_and_column(tmp_path):
    path = tmp_path / "data.csv"
    rows = ["t,x,y"] + [f"{t},{a},{b}" for t, (a, b) in zip(T, X)]
    rows[5] = rows[5] + ",7"
    path.write_text("\n".join(rows))
    with pytest.raises(UsageError, match="line 6: 4 columns, but the header has 3"):
        read_time_series_csv(path)
    rows[5] = f"{T[4]},nan,1"
    path.write_text("\n".join(rows))
    with pytest.raises(UsageError, match="line 6, column 'x'"):
        read_time_series_csv(path)
    path.write_text("time,x\n0,1\n")
    with pytest.raises(UsageError, match="header must be 't'"):
        read_time_series_csv(path)
    with pytest.raises(UsageError, match="cannot read"):
        read_time_series_csv(tmp_path / "missing.csv")


def test_unfitted_model():
    with pytest.raises(UsageError, match="not fitted yet"):
        STLSQRegressor().predict([[1.0]])
