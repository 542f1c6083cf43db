"""The SINDy baseline inside lincomb: sequentially thresholded least squares on a fixed library.

SINDy (Brunton, Proctor, Kutz 2016) writes each ``x_i'`` as a sparse linear combination of a fixed
library of candidate functions.  Here the library is polynomial (all monomials up to ``degree``,
with the constant) plus ``sin`` and ``cos`` of every variable, and the sparse fit is STLSQ as in
PySINDy: ridge regression (``alpha``), then repeatedly drop the coefficients below ``threshold``
and refit on the rest, until nothing changes.  The defaults are PySINDy's (threshold 0.1,
alpha 0.05); the last refit is plain least squares on the kept terms, as PySINDy does.

A fixed library cannot express terms outside it: ``x**2/(1 + x**2)`` (a rational term) is
approximated by polynomials, never recovered.  That is the contrast with
:class:`lincomb.learn.symreg.SymbolicODERegressor`.

Derivatives are estimated as documented in :mod:`lincomb.learn.ode_regression`.

Examples
--------
>>> from lincomb.learn.systems import get_system
>>> lv = get_system("lotka_volterra")
>>> t = lv.time_grid()
>>> model = STLSQRegressor(degree=2, functions=()).fit(t, lv.simulate(t), names=lv.names)
>>> [sympy.nsimplify(sympy.Float(c, 6)) for c in model.equations()[0].as_coefficients_dict().values()]
[46/25, -29/20]
"""

from __future__ import annotations

import itertools
from typing import Sequence

import numpy as np
import sympy

from lincomb.errors import UsageError

from .ode_regression import ODERegressorBase

__all__ = ["PolynomialTrigLibrary", "STLSQRegressor", "stlsq"]

_FUNCTIONS = {"sin": sympy.sin, "cos": sympy.cos, "exp": sympy.exp, "tanh": sympy.tanh}


class PolynomialTrigLibrary:
    """Monomials up to ``degree`` (with the constant) and ``f(x_i)`` for each function ``f``.

    Parameters
    ----------
    degree : int
        Highest total degree of the monomials.
    functions : sequence of str
        Names among ``sin``, ``cos``, ``exp``, ``tanh``.

    Examples
    --------
    >>> x, y = sympy.symbols("x y")
    >>> PolynomialTrigLibrary(degree=2, functions=("sin",)).features([x, y])
    [1, x, y, x**2, x*y, y**2, sin(x), sin(y)]
    """

    def __init__(self, degree: int = 3, functions: Sequence[str] = ("sin", "cos")):
        if int(degree) != degree or degree < 1:
            raise UsageError(f"degree must be a positive integer, got {degree!r}")
        unknown = [f for f in functions if f not in _FUNCTIONS]
        if unknown:
            raise UsageError(f"unknown library functions {unknown}; choose from {', '.join(_FUNCTIONS)}")
        self.degree = int(degree)
        self.functions = tuple(functions)

    def features(self, symbols: Sequence[sympy.Symbol]) -> list[sympy.Expr]:
        """The library's functions of ``symbols``, as sympy expressions.

        Examples
        --------
        >>> len(PolynomialTrigLibrary(degree=3).features(sympy.symbols("x y z")))
        26
        """
        result: list[sympy.Expr] = [sympy.Integer(1)]
        for d in range(1, self.degree + 1):
            for combination in itertools.combinations_with_replacement(symbols, d):
                result.append(sympy.Mul(*combination))
        for name in self.functions:
            result.extend(_FUNCTIONS[name](s) for s in symbols)
        return result

    def evaluate(self, symbols: Sequence[sympy.Symbol], X: np.ndarray) -> np.ndarray:
        """The library matrix: one column per feature, one row per sample of ``X``.

        Examples
        --------
        >>> x = sympy.Symbol("x")
        >>> PolynomialTrigLibrary(degree=2, functions=()).evaluate([x], np.array([[3.0]]))
        array([[1., 3., 9.]])
        """
        function = sympy.lambdify(list(symbols), self.features(symbols), modules="numpy")
        columns = function(*np.asarray(X, dtype=float).T)
        return np.column_stack([np.broadcast_to(np.asarray(c, dtype=float), (X.shape[0],)) for c in columns])


def stlsq(theta: np.ndarray, target: np.ndarray, threshold: float = 0.1, alpha: float = 0.05,
          max_iter: int = 20) -> np.ndarray:
    """Sequentially thresholded (ridge) least squares, one target column at a time.

    Returns the coefficient matrix of shape (features, targets); entries below ``threshold`` in
    absolute value are exactly zero.

    Examples
    --------
    >>> theta = np.c_[np.ones(50), np.linspace(0, 1, 50), np.linspace(0, 1, 50) ** 2]
    >>> stlsq(theta, (2 * theta[:, 1])[:, None]).round(6).ravel()
    array([0., 2., 0.])
    """
    theta = np.asarray(theta, dtype=float)
    target = np.asarray(target, dtype=float).reshape(theta.shape[0], -1)
    coefficients = np.zeros((theta.shape[1], target.shape[1]))
    for j in range(target.shape[1]):
        active = np.ones(theta.shape[1], dtype=bool)
        xi = _ridge(theta, target[:, j], alpha)
        for _ in range(max_iter):
            keep = np.abs(xi) >= threshold
            if not keep.any():
                xi = np.zeros_like(xi)
                break
            if np.array_equal(keep, active) and _ > 0:
                break
            active = keep
            xi = np.zeros_like(xi)
            xi[active] = _ridge(theta[:, active], target[:, j], alpha)
        # Final unbiased refit on the kept terms; a term whose least-squares coefficient falls
        # below the threshold is dropped too, so every reported coefficient is >= threshold.
        while active.any():
            xi = np.zeros_like(xi)
            xi[active] = np.linalg.lstsq(theta[:, active], target[:, j], rcond=None)[0]
            small = active & (np.abs(xi) < threshold)
            if not small.any():
                break
            active &= ~small
        if not active.any():
            xi = np.zeros_like(xi)
        coefficients[:, j] = xi
    return coefficients


def _ridge(theta: np.ndarray, y: np.ndarray, alpha: float) -> np.ndarray:
    gram = theta.T @ theta + alpha * np.eye(theta.shape[1])
    return np.linalg.solve(gram, theta.T @ y)


class STLSQRegressor(ODERegressorBase):
    """SINDy with STLSQ on a polynomial + trigonometric library (sklearn style).

    Parameters
    ----------
    degree : int
        Polynomial degree of the library (default 3).
    functions : sequence of str
        Unary functions of each variable in the library (default ``("sin", "cos")``).
    threshold, alpha : float
        STLSQ threshold and ridge parameter (PySINDy's defaults 0.1 and 0.05).
    window : int, optional
        Savitzky-Golay window for the derivatives (default: chosen from the data).

    Attributes
    ----------
    coefficients_ : numpy.ndarray
        (features, variables) after fitting.
    features_ : list of sympy.Expr
        The library.

    Examples
    --------
    >>> from lincomb.learn.systems import get_system
    >>> pendulum = get_system("pendulum")
    >>> t = pendulum.time_grid()
    >>> model = STLSQRegressor().fit(t, pendulum.simulate(t), names=pendulum.names)
    >>> [sympy.Float(c, 4) for c in model.coefficients_[model.coefficients_ != 0]]
    [1.000, -0.9000]
    """

    def __init__(self, degree: int = 3, functions: Sequence[str] = ("sin", "cos"), threshold: float = 0.1,
                 alpha: float = 0.05, window: int | None = None):
        self.library = PolynomialTrigLibrary(degree, functions)
        self.degree = degree
        self.functions = tuple(functions)
        self.threshold = threshold
        self.alpha = alpha
        self.window = window

    def _fit_equations(self, X: np.ndarray, dX: np.ndarray) -> list[sympy.Expr]:
        self.features_ = self.library.features(self.variables_)
        theta = self.library.evaluate(self.variables_, X)
        self.coefficients_ = stlsq(theta, dX, self.threshold, self.alpha)
        return [
            sympy.Add(*[sympy.Float(c) * f for c, f in zip(self.coefficients_[:, j], self.features_) if c != 0])
            for j in range(dX.shape[1])
        ]
