"""The units of the symbolic-regression network beyond polynomials: rational, powers, exp, log, logistic, abs.

The network of Boddupalli, Matchen and Moehlis (Chaos 2023) *is* the expression: power-product units,
unary-function units, sum units followed by power units, and an addition unit per equation
(:mod:`lincomb.learn.symreg`).  This module adds the **depth-2 units** whose inner weights are
*nonlinear parameters*, each multiplied by a monomial of degree at most 1 (a product unit):

=============  ===========================================  ==============================  ==========
family         unit (state ``x = x_i``, multiplier ``m``)     inner parameters                 states
=============  ===========================================  ==============================  ==========
``poly``       ``prod x_j ** e_j``, total degree <= d        none                            all
``sin/cos``    ``m * sin(x)``, ``m * cos(x)``                none                            span >= 1
``log``        ``m * log(x)``                                none                            positive
``pow``        ``x**(1/2)``, ``x**(2/3)`` (no multiplier)     none                            positive
``ratio``      ``prod_{j != i} x_j**e_j / x``, degree <= 2    none                            positive
``abs``        ``m * |x|``                                   none                            both signs
``sat``        ``m * (|x + c| - |x - c|) / 2``               ``c > 0``                        both signs
``hill``       ``m * x**h / (K**h + x**h)``, h = 1..5        ``K > 0`` (sum unit, power -1)  positive
``repress``    ``m * K**h / (K**h + x**h)``, h = 1..5        ``K > 0``                       positive
``haldane``    ``m * K**(h-p) x**p / (K**h + x**h)``,        ``K > 0``                       positive
               ``0 < p < h <= 3``
``hill2``      ``m * x / (K + x + c y)``, ``m`` 1 or ``y``    ``K > 0``, ``c > 0``             positive
``exp``        ``m * exp(a x)``                              ``a`` (sum unit, then exp)      all
``arrhenius``  ``m * exp(-a / x)``                           ``a > 0``                       positive
``logistic``   ``m / (1 + exp(a (x - c)))``                  ``a``, ``c``                    all
``logistic2``  ``1 / (1 + exp(a (x + c y - d)))``            ``a``, ``c``, ``d``             all
=============  ===========================================  ==============================  ==========

``sat`` is the saturation ``clip(x, -c, c)``, a sum unit ``x + c`` and ``x - c`` each followed by ``abs``: the
piecewise-linear characteristic of Chua's diode (``m0 x + (m1 - m0)/2 (|x + 1| - |x - 1|)``, Chua, Komuro and
Matsumoto, IEEE Trans. Circuits Syst. 33, 1986), of a saturating amplifier, and the "hard tanh" of
piecewise-linear neuron models.  One inner parameter, the breakpoint ``c`` inside the data's ``|x|``.

``pow`` are the fractional powers of allometric and outflow laws: Torricelli's ``sqrt(h)`` (outflow
through an orifice), von Bertalanffy's ``x**(2/3)`` (surface-limited growth, Q. Rev. Biol. 32, 1957),
the exponents with small denominators that the power units of Boddupalli et al. learn.  Only these
two, and without a multiplier: with 1/3 and 3/2 and products with states (``x**(3/2) z``) the
criterion took them as look-alikes of terms the library lacks (Holling-Tanner's ``y**2/x``) and of
polynomial terms at 1 % noise, and the benchmark's R^2 at 1 % fell by 1.4 points.  (A ``tanh``
unit is not a family of its own: ``tanh(u) = 1 - 2/(1 + exp(2u))`` is a logistic unit beside a constant.)

``ratio`` are the power units of Boddupalli et al. with exponent -1 on one positive state: the
Leslie-Gower predator ``y**2/x`` (Leslie, Biometrika 35, 1948; the Holling-Tanner model), ratio-dependent
terms ``y/x``, and ``1/x``.  The numerator is a monomial of degree at most 2 in the *other* states
(``x y / x`` would be a polynomial).

``hill2`` is the saturating unit with a denominator in two states: the Beddington-DeAngelis functional
response ``x y / (1 + b x + c y)`` (Beddington, J. Anim. Ecol. 44, 1975; DeAngelis et al., Ecology 56,
1975) is ``(1/b) * y * hill2`` with ``K = 1/b``, and competitive inhibition in enzyme kinetics,
``V x / (K_m (1 + y/K_i) + x)`` (Michaelis-Menten with an inhibitor ``y``), is ``V * hill2``.  Its
multiplier is 1 or the other state ``y`` only (the two forms of those laws).

``haldane`` are the non-monotone saturating units, rising as ``x**p`` and falling as ``x**(p-h)``: substrate
inhibition (Haldane, Enzymes, 1930; Andrews, Biotechnol. Bioeng. 10, 1968: ``x/(K_s + x + x**2/K_i)``, of
which ``p = 1, h = 2`` is the case ``K_s = K**2 / K_i``, one parameter fewer) and the Lengyel-Epstein CIMA reaction
``u v/(1 + u**2)`` (Science 251, 1991), which is ``v`` times the unit with ``p = 1, h = 2``.  A Hill or
repression unit times a state cannot say these when the multiplier is another state (``v u/(1 + u**2)``
is a Hill unit times a monomial of degree 2).  Scaled so that its values are of order 1:
``(x/K)**p / (1 + (x/K)**h)``.

``logistic2`` is the sigmoid of a linear combination of two states, the firing-rate unit of the
Wilson-Cowan equations ``E' = -E + S(w_EE E - w_EI I + P)`` (Wilson and Cowan, Biophys. J. 12, 1972)
and of Hopfield's continuous network (PNAS 81, 1984) with two inputs: a sum unit of two states
followed by the logistic unit, one level deeper in the network of Boddupalli et al.  No multiplier.

(For a state of both signs ``hill`` and ``repress`` use even ``h`` only, so that the denominator
never vanishes: the ``(1 + c x**2)**-1`` unit of the original network is ``repress`` with h = 2.)

The inner parameters are not trained by gradient steps (slow, and full of local minima on noisy
data): each family is put into the library on a small **grid** of parameter values scaled to the
data's range, the selection (:mod:`lincomb.learn.weak_selection`) chooses among them, and a chosen
unit's parameters are then **refined** by a bounded local minimisation of the weak-form residual
with the other terms refitted, and finally **snapped** to the simplest nearby number (an integer, one
significant digit, a fraction with a small denominator, two significant digits ...) when that does
not worsen the information criterion by more than the near-tie margin.  This is the nonlinear least
squares on ``K`` inside ``x/(K + x)`` "with a small grid of starts, after the linear terms are fixed"
of the reference's list of remedies, applied to every inner parameter.

Examples
--------
>>> import sympy
>>> x = sympy.Symbol("x")
>>> unit = Unit("hill", state=0, power=2, multiplier=None, theta=(3.0,))
>>> unit.expression([x], (sympy.Integer(3),))
x**2/(x**2 + 9)
>>> float(unit.values(np.array([[3.0]]))[0])
0.5
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from fractions import Fraction
from typing import Sequence

import numpy as np
import sympy

from lincomb.errors import UsageError

__all__ = ["FAMILIES", "Unit", "build_library", "simple_numbers"]

#: Families of units in the default library (see the module text).
FAMILIES = ("poly", "sin", "cos", "log", "abs", "pow", "ratio", "hill", "repress", "haldane", "hill2", "exp",
            "arrhenius", "logistic", "logistic2", "sat")

_NONLINEAR = {"hill": 1, "repress": 1, "haldane": 1, "hill2": 2, "exp": 1, "arrhenius": 1, "logistic": 2, "logistic2": 3,
              "sat": 1}
_HILL_POWERS = (1, 2, 3, 4, 5)
#: On noisy data ``sin`` and ``cos`` act only on states whose data span at least this many radians.  Over a shorter
#: span they are, to the noise, low-degree polynomials: ``sin x`` departs from its best line over a span ``w`` by
#: about ``(w/2)**3/6`` (2 % of its range at ``w = 1``) and from its best cubic by under ``(w/2)**5/120``, so the
#: criterion cannot tell ``0.2 sin(E)`` from ``0.2 E`` and took the periodic look-alike in 28 noisy runs of the
#: benchmark (SEIR's exposed class, harvesting, Semenov's temperature; docs/symreg.md, "Session 10").  Every
#: periodic law of the zoo acts on an angle or phase that spans 1.5 to 28 radians.  On noise-free data the rule
#: is off (:func:`build_library`'s ``periodic_span``): there the criterion tells ``sin x`` from its Taylor
#: polynomial.
PERIODIC_SPAN = 1.0
#: Numerator and denominator powers ``(p, h)`` of the ``haldane`` family: ``x**p/(K**h + x**h)``, ``0 < p < h <= 3``.
_HALDANE_POWERS = ((1, 2), (1, 3), (2, 3))
#: Exponents ``(p, q)`` of the ``pow`` family: ``x**(p/q)``, small denominators only.
_FRACTIONAL_POWERS = ((1, 2), (2, 3))


@dataclass(frozen=True)
class Unit:
    """One column of the library: a family, the state it acts on, its power, multiplier and parameters.

    Parameters
    ----------
    family : str
        One of :data:`FAMILIES`.
    state : int
        Index of the state ``x`` the unit acts on (unused by ``poly``).
    power : int or tuple of int
        Hill exponent ``h`` (``hill``/``repress``), or the exponent vector of a ``poly`` unit.
    multiplier : int or None
        Index of the state multiplying the unit (a product unit), or None.
    theta : tuple of float
        Inner (nonlinear) parameters.

    Examples
    --------
    >>> Unit("poly", 0, (1, 2), None).expression(sympy.symbols("x y"), ())
    x*y**2
    """

    family: str
    state: int
    power: object
    multiplier: int | None
    theta: tuple = ()

    @property
    def group(self) -> tuple:
        """The unit without its inner parameters: at most one unit per group enters an equation.

        Examples
        --------
        >>> Unit("exp", 0, 0, 1, (2.0,)).group == Unit("exp", 0, 0, 1, (-1.0,)).group
        True
        """
        return (self.family, self.state, self.power, self.multiplier)

    @property
    def nonlinear(self) -> int:
        """Number of inner parameters.

        Examples
        --------
        >>> Unit("logistic", 0, 0, None, (1.0, 2.0)).nonlinear
        2
        """
        return _NONLINEAR.get(self.family, 0)

    def with_theta(self, theta) -> "Unit":
        """The same unit with other inner parameters.

        Examples
        --------
        >>> Unit("exp", 0, 0, None, (1.0,)).with_theta((2.0,)).theta
        (2.0,)
        """
        return Unit(self.family, self.state, self.power, self.multiplier, tuple(float(v) for v in theta))

    def values(self, X: np.ndarray, theta: Sequence[float] | None = None) -> np.ndarray:
        """The unit evaluated at the rows of ``X`` (with ``theta`` instead of ``self.theta`` if given).

        Examples
        --------
        >>> Unit("logistic", 0, 0, None, (2.0, 1.0)).values(np.array([[1.0]]))
        array([0.5])
        """
        X = np.asarray(X, dtype=float)
        theta = self.theta if theta is None else tuple(theta)
        x = X[:, self.state]
        f = self.family
        with np.errstate(all="ignore"):
            if f == "poly":
                value = np.prod(X ** np.asarray(self.power, dtype=float), axis=1)
            elif f == "sin":
                value = np.sin(x)
            elif f == "cos":
                value = np.cos(x)
            elif f == "log":
                value = np.log(x)
            elif f == "abs":
                value = np.abs(x)
            elif f == "sat":
                value = np.clip(x, -theta[0], theta[0])
            elif f == "pow":
                value = x ** (self.power[0] / self.power[1])
            elif f == "ratio":
                value = np.prod(X ** np.asarray(self.power, dtype=float), axis=1) / x
            elif f in ("hill", "repress"):
                ratio = (x / theta[0]) ** self.power
                value = ratio / (1.0 + ratio) if f == "hill" else 1.0 / (1.0 + ratio)
            elif f == "haldane":
                scaled = x / theta[0]
                value = scaled ** self.power[0] / (1.0 + scaled ** self.power[1])
            elif f == "hill2":
                value = x / (theta[0] + x + theta[1] * X[:, self.power])
            elif f == "logistic2":
                u = theta[0] * (x + theta[1] * X[:, self.power] - theta[2])
                value = 1.0 / (1.0 + np.exp(np.clip(u, -700, 700)))
            elif f == "exp":
                value = np.exp(np.clip(theta[0] * x, -700, 700))
            elif f == "arrhenius":
                value = np.exp(-theta[0] / x)
            elif f == "logistic":
                value = 1.0 / (1.0 + np.exp(np.clip(theta[0] * (x - theta[1]), -700, 700)))
            else:  # pragma: no cover - guarded by build_library
                raise UsageError(f"unknown unit family {f!r}")
            if self.multiplier is not None:
                value = value * X[:, self.multiplier]
        return value

    def expression(self, symbols: Sequence[sympy.Symbol], theta: Sequence) -> sympy.Expr:
        """The unit as a sympy expression, with the inner parameters ``theta`` (exact numbers).

        Examples
        --------
        >>> x, y = sympy.symbols("x y")
        >>> Unit("repress", 1, 1, 0, ()).expression([x, y], (sympy.Rational(1, 2),))
        x/(2*(y + 1/2))
        >>> Unit("logistic", 0, 0, None, ()).expression([x], (2, 1))
        1/(exp(2*x - 2) + 1)
        """
        theta = [sympy.nsimplify(v) if not isinstance(v, sympy.Basic) else v for v in theta]
        x = symbols[self.state] if self.family != "poly" else None
        f = self.family
        if f == "poly":
            expr = sympy.Mul(*[s**int(e) for s, e in zip(symbols, self.power)])
        elif f in ("sin", "cos", "log"):
            expr = getattr(sympy, f)(x)
        elif f == "abs":
            expr = sympy.Abs(x)
        elif f == "sat":
            expr = (sympy.Abs(x + theta[0]) - sympy.Abs(x - theta[0])) / 2
        elif f == "pow":
            expr = x ** sympy.Rational(*self.power)
        elif f == "ratio":
            expr = sympy.Mul(*[s**int(e) for s, e in zip(symbols, self.power)]) / x
        elif f == "hill":
            expr = x**self.power / (theta[0] ** self.power + x**self.power)
        elif f == "repress":
            expr = theta[0] ** self.power / (theta[0] ** self.power + x**self.power)
        elif f == "haldane":
            p, h = self.power
            expr = theta[0] ** (h - p) * x**p / (theta[0] ** h + x**h)
        elif f == "hill2":
            expr = x / (theta[0] + x + theta[1] * symbols[self.power])
        elif f == "logistic2":
            inner = sympy.expand(theta[0] * (x + theta[1] * symbols[self.power] - theta[2]))
            expr = 1 / (1 + sympy.exp(inner))
        elif f == "exp":
            expr = sympy.exp(theta[0] * x)
        elif f == "arrhenius":
            expr = sympy.exp(-theta[0] / x)
        elif f == "logistic":
            expr = 1 / (1 + sympy.exp(sympy.expand(theta[0] * (x - theta[1]))))
        else:  # pragma: no cover
            raise UsageError(f"unknown unit family {f!r}")
        if self.multiplier is not None:
            expr = expr * symbols[self.multiplier]
        return expr

    def complexity(self) -> tuple[int, int]:
        """``(non-polynomial, operations)``, used to break near-ties in favour of the simpler unit.

        Operations are counted with constants folded: ``x/(K + x)`` is an addition and a division (2, as
        ``exp(a x)``), ``x**h/(K**h + x**h)`` a power more (3); a multiplier adds one.

        Examples
        --------
        >>> Unit("poly", 0, (2, 0), None).complexity(), Unit("hill", 0, 2, None, (1.0,)).complexity()
        ((0, 1), (1, 3))
        >>> Unit("hill", 0, 1, 1, (1.0,)).complexity() == Unit("exp", 0, 0, 1, (1.0,)).complexity()
        True
        """
        if self.family == "poly":
            return (0, max(0, int(sum(self.power)) - 1))
        operations = {"sin": 1, "cos": 1, "log": 1, "abs": 1, "pow": 2, "exp": 2, "arrhenius": 3, "logistic": 5, "sat": 5}
        if self.family == "ratio":
            return (1, 1 + int(sum(self.power)))
        if self.family == "hill2":
            return (1, 5 + (1 if self.multiplier is not None else 0))
        if self.family == "haldane":
            return (1, 7 + (1 if self.multiplier is not None else 0))
        if self.family == "logistic2":
            return (1, 8)
        base = operations.get(self.family, 2 if self.power == 1 else 3)  # hill, repress
        return (1, base + (1 if self.multiplier is not None else 0))

    def bounds(self, X: np.ndarray, reach: float | None = None) -> list[tuple[float, float]]:
        """Search bounds of the inner parameters, from the data's range of the state.

        The bounds keep a unit *nonlinear over the data*: ``K`` not far below the data's 5th percentile
        (:func:`_hill_floor`; else a steep unit is a step, constant on most of the data), and a Hill unit whose
        ``K`` lies far above the data, ``exp(a x)`` with a tiny ``a``, a logistic unit with a tiny slope, all
        are polynomials in disguise there and would only fit noise (or stand in for a polynomial term).  So
        ``(max|x| / K)**h >= 1/3``, ``|a| span(x) >= 1/2`` (exp), ``|a| span(x) >= 2`` (logistic),
        ``min(x)/100 <= a <= 30 min(x)`` (Arrhenius).

        ``reach`` widens a Hill unit's ``K`` to ``(max|x| / K)**h >= 1/reach`` and ``(q05 / K)**h <= reach``
        (:func:`_hill_floor`).  The regressor passes :data:`NOISE_FREE_HILL_REACH` on noise-free data, where there is
        no noise for a disguised polynomial to fit, and a true ``K`` may lie beyond a short arc of the data:
        the toggle switch's ``1/(1 + v**2)`` with ``v`` at most 0.52 has ``(max|v| / K)**2 = 0.27``.

        Parameters
        ----------
        X : numpy.ndarray
            (samples, states) data.
        reach : float, optional
            The wider reach of Hill units' ``K`` (default: the ``1/3`` above and half the 5th percentile).

        Returns
        -------
        list of tuple
            (low, high) per inner parameter.

        Examples
        --------
        >>> Unit("hill", 0, 1, None, (1.0,)).bounds(np.array([[1.0], [4.0]]))
        [(0.575, 12.0)]
        >>> [(round(low, 3), high) for low, high in Unit("hill", 0, 1, None, (1.0,)).bounds(np.array([[1.0], [4.0]]), reach=10.0)]
        [(0.115, 40.0)]
        """
        x = np.asarray(X, dtype=float)[:, self.state]
        top = float(np.max(np.abs(x))) or 1.0
        span = float(np.ptp(x)) or top
        ceiling = _GRID_REACH if reach is None else float(reach)
        if self.family in ("hill", "repress"):
            low = _hill_floor(x, self.power, reach)
            if self.power % 2:
                low = max(low, 3.0 * max(0.0, -float(np.min(x))))
            return [(low, top * ceiling ** (1.0 / self.power))]
        if self.family == "haldane":
            return [(_hill_floor(x, self.power[1], reach), top * ceiling ** (1.0 / self.power[1]))]
        if self.family == "hill2":
            other = float(np.max(np.abs(np.asarray(X, dtype=float)[:, self.power]))) or 1.0
            return [(_hill_floor(x), 3.0 * top), (0.02 * top / other, 50.0 * top / other)]
        if self.family == "logistic2":
            other = np.asarray(X, dtype=float)[:, self.power]
            other_span = float(np.ptp(other)) or (float(np.max(np.abs(other))) or 1.0)
            extent = top + 20.0 * span / other_span * float(np.max(np.abs(other)))
            return [(-60.0 / span, 60.0 / span), (-20.0 * span / other_span, 20.0 * span / other_span),
                    (-extent, extent)]
        if self.family == "exp":
            return [(-8.0 / span, 8.0 / span)]
        if self.family == "arrhenius":
            low = float(np.min(x))
            return [(low / 100.0, 30.0 * low)]
        if self.family == "sat":
            # the breakpoint inside the data's |x| (else the unit is x, or the constant c times the sign of x)
            magnitude = np.abs(x)
            return [(float(np.quantile(magnitude, 0.05)), float(np.quantile(magnitude, 0.95)))]
        if self.family == "logistic":
            # the centre inside the data (5th to 95th percentile): a logistic centred at the edge is
            # a step that only fits the few samples there
            return [(-60.0 / span, 60.0 / span), (float(np.quantile(x, 0.05)), float(np.quantile(x, 0.95)))]
        return []


#: A Hill unit's ``K`` keeps to ``(max|x| / K)**h >= 1 / _GRID_REACH`` (its grid, and its bounds on noisy data), and
#: on noise-free data its bounds widen to ``(max|x| / K)**h >= 1 / NOISE_FREE_HILL_REACH`` and ``(q05 / K)**h <= NOISE_FREE_HILL_REACH``
#: (``q05`` the 5th percentile of ``|x|``; :meth:`Unit.bounds`).
NOISE_FREE_HILL_REACH = 10.0
_GRID_REACH = 3.0


def _hill_floor(x: np.ndarray, power: int = 1, reach: float | None = None) -> float:
    """The smallest ``K`` of a Hill unit of exponent ``power``: at least 1/100 of ``max|x|``, and half the
    5th percentile ``q05`` of ``|x|``, or with ``reach`` given ``q05 * min(1/2, reach ** (-1/h))``.

    Far below the data a high-exponent unit is a step that is constant on nearly all the data and
    only fits the few samples below ``K`` (noise, a start).  (The floor was the 5th percentile itself,
    which left out true constants just below the data's lower tail: the repressilator's ``K = 1`` with
    the repressor between 0.65 and 5.5, the Oregonator's ``q = 0.01``; a ``K`` below most of the data
    gives ``(K/x)**h``, a smooth decay, not a step.)  With ``reach`` the floor mirrors the ceiling of
    :meth:`Unit.bounds`, ``(q05 / K)**h <= reach``: a low exponent may reach further below the data (the
    toggle switch's ``1/(1 + u**2)`` with ``u`` between 2 and 2.6), where ``(K/x)**h`` is still smooth.
    """
    top = float(np.max(np.abs(x))) or 1.0
    low = float(np.quantile(np.abs(x), 0.05))
    factor = 0.5 if reach is None else min(0.5, reach ** (-1.0 / power))
    return max(low * factor, top / 100.0)


def _grid(unit_family: str, x: np.ndarray, power: int = 1) -> list[tuple[float, ...]]:
    """The starting grid of inner parameters for one state's data ``x`` (raw, all trajectories)."""
    top = float(np.max(np.abs(x))) or 1.0
    span = float(np.ptp(x)) or top
    if unit_family in ("hill", "repress"):
        return [(float(k),) for k in np.geomspace(_hill_floor(x), top * _GRID_REACH ** (1.0 / power), 9)]
    if unit_family == "exp":
        rates = np.geomspace(0.6, 6.0, 5) / span
        return [(float(a),) for a in np.concatenate([-rates[::-1], rates])]
    if unit_family == "arrhenius":
        scale = float(np.median(x))
        return [(float(a),) for a in np.geomspace(0.5, 20.0, 6) * scale]
    if unit_family == "sat":
        return [(float(c),) for c in np.quantile(np.abs(x), (0.25, 0.5, 0.75))]
    if unit_family == "logistic":
        rates = np.geomspace(2.0, 40.0, 5) / span
        centres = np.min(x) + span * np.array([0.15, 0.325, 0.5, 0.675, 0.85])
        return [(float(a), float(c)) for a in np.concatenate([-rates[::-1], rates]) for c in centres]
    return [()]


def _monomials(n: int, degree: int) -> list[tuple[int, ...]]:
    exponents = []
    for total in range(degree + 1):
        for combination in itertools.combinations_with_replacement(range(n), total):
            row = [0] * n
            for i in combination:
                row[i] += 1
            exponents.append(tuple(row))
    return exponents


def build_library(X: np.ndarray, degree: int, families: Sequence[str] = FAMILIES,
                  multipliers: bool = True, periodic_span: float = PERIODIC_SPAN) -> list[Unit]:
    """The library's units (inner parameters on their starting grids) for data ``X`` (all rows, raw).

    ``degree`` is the highest total degree of the ``poly`` units; ``families`` chooses the other
    families; ``multipliers`` adds each non-polynomial unit times each state (product units).  A
    family is used on a state only where it is defined on all the data (``log``, ``arrhenius``,
    ``hill``/``repress`` with odd powers, ``pow``: positive states; ``abs``: states of both signs),
    and ``sin``/``cos`` only on states that span at least ``periodic_span`` (:data:`PERIODIC_SPAN`; the
    regressor passes 0 on noise-free data, where the criterion tells ``sin x`` from its Taylor polynomial).

    Examples
    --------
    >>> X = np.c_[np.linspace(0.5, 2, 50), np.linspace(-1, 1, 50)]
    >>> units = build_library(X, 2, ("poly", "log"), multipliers=False)
    >>> [u.family for u in units].count("poly"), [u.family for u in units].count("log")
    (6, 1)
    >>> build_library(X, 2, ("tan",))
    Traceback (most recent call last):
    ...
    lincomb.errors.UsageError: unknown unit families ['tan']; choose from poly, sin, cos, log, abs, pow, ratio, hill, repress, haldane, hill2, exp, arrhenius, logistic, logistic2, sat
    """
    unknown = [f for f in families if f not in FAMILIES]
    if unknown:
        raise UsageError(f"unknown unit families {unknown}; choose from {', '.join(FAMILIES)}")
    X = np.asarray(X, dtype=float)
    n = X.shape[1]
    units = [Unit("poly", 0, e, None) for e in _monomials(n, degree)] if "poly" in families else []
    factors = [None] + (list(range(n)) if multipliers else [])
    for i in range(n):
        x = X[:, i]
        # Signs as the data show them (a few noisy samples across 0 do not make a state signed).
        positive = bool(np.quantile(x, 0.02) > 0)
        # Odd Hill powers need K**h + x**h > 0: a state that is positive but for noise near 0 keeps
        # them, with K above three times its most negative value.
        nonnegative = positive or bool(np.quantile(x, 0.02) > -0.05 * np.max(np.abs(x)))
        both = bool(np.quantile(x, 0.2) < 0 < np.quantile(x, 0.8))
        for family in families:
            if (family == "poly" or (family in ("log", "arrhenius", "pow", "ratio") and not positive)
                    or (family in ("abs", "sat") and not both)
                    or (family in ("sin", "cos") and np.ptp(x) < periodic_span)):
                continue
            if family in ("hill", "repress"):
                powers = [h for h in _HILL_POWERS if nonnegative or h % 2 == 0]
                if np.ptp(x) < 1e-12:
                    continue
            elif family == "haldane":
                if not positive or np.ptp(x) < 1e-12:
                    continue
                for p, h in _HALDANE_POWERS:
                    for m in factors:
                        for theta in _grid("hill", x, h):
                            units.append(Unit("haldane", i, (p, h), m, theta))
                continue
            elif family == "pow":
                powers = list(_FRACTIONAL_POWERS)
            elif family == "hill2":
                if not positive:
                    continue
                for k in range(n):
                    if k == i or not bool(np.quantile(X[:, k], 0.02) >= 0) or np.ptp(X[:, k]) < 1e-12:
                        continue
                    other = float(np.max(X[:, k])) or 1.0
                    top = float(np.max(x)) or 1.0
                    for m in (None, k) if multipliers else (None,):
                        for K in np.geomspace(_hill_floor(x), 1.5 * top, 5):
                            for c in (0.25, 1.0, 4.0):
                                units.append(Unit("hill2", i, k, m, (float(K), float(c * top / other))))
                continue
            elif family == "logistic2":
                # one unit per pair of states (x + c y and y + x/c are the same combination)
                for k in range(i + 1, n):
                    y = X[:, k]
                    span, other_span = float(np.ptp(x)), float(np.ptp(y))
                    if span < 1e-12 or other_span < 1e-12:
                        continue
                    for c in (-2.0, -1.0, -0.5, -0.25, 0.25, 0.5, 1.0, 2.0):
                        combination = x + c * span / other_span * y
                        width = float(np.ptp(combination)) or span
                        for a in (-16.0, -4.0, 4.0, 16.0):
                            for d in np.quantile(combination, (0.25, 0.5, 0.75)):
                                units.append(Unit("logistic2", i, k, None, (a / width, c * span / other_span, float(d))))
                continue
            elif family == "ratio":
                # numerators: monomials of degree <= 2 in the other states (see the module text)
                for exponent in _monomials(n, 2):
                    if exponent[i] == 0:
                        units.append(Unit("ratio", i, exponent, None))
                continue
            else:
                powers = [0]
            for h in powers:
                # sin and cos alone: times a state they mimic polynomials near 0 (y cos x ~ y - x**2 y/2)
                # and were chosen spuriously on noisy polynomial systems
                for m in (factors if family not in ("sin", "cos") else [None]):
                    if family == "pow" and m is not None:
                        continue  # see the module text
                    for theta in _grid(family, x, h if isinstance(h, int) and h else 1):
                        if family in ("hill", "repress") and h % 2 and theta[0] < 3.0 * max(0.0, -float(np.min(x))):
                            continue
                        units.append(Unit(family, i, h, m, theta))
    return units


def simple_numbers(value: float, relative: float = 0.15) -> list[Fraction]:
    """Numbers near ``value``, simplest first: integers, one significant digit, small fractions, ...

    The order is a description length: an integer, then a number with one significant digit, a
    fraction with denominator at most 4, two significant digits, denominator at most 12, three
    significant digits.  Only numbers within ``relative`` of ``value`` (relatively) are listed.

    Examples
    --------
    >>> [str(f) for f in simple_numbers(0.152)][:3]
    ['3/20', '1/6', '1/7']
    >>> [str(f) for f in simple_numbers(2.96)][:2]
    ['3', '74/25']
    """
    if value == 0 or not np.isfinite(value):
        return [Fraction(0)]
    found: list[Fraction] = []
    magnitude = int(np.floor(np.log10(abs(value))))

    def add(candidate: Fraction) -> None:
        if candidate != 0 and abs(float(candidate) - value) <= relative * abs(value) and candidate not in found:
            found.append(candidate)

    add(Fraction(round(value)))
    for digits in (1,):
        step = Fraction(10) ** (magnitude - digits + 1)
        add(round(Fraction(value) / step) * step)
    for denominator in range(2, 5):
        add(Fraction(round(value * denominator), denominator))
    step = Fraction(10) ** (magnitude - 1)
    add(round(Fraction(value) / step) * step)
    for denominator in range(5, 13):
        add(Fraction(round(value * denominator), denominator))
    step = Fraction(10) ** (magnitude - 2)
    add(round(Fraction(value) / step) * step)
    return found
