"""Symbolic regression of ODEs with a network whose units are primitive operations.

The method of Boddupalli, Matchen and Moehlis ("Symbolic regression via neural networks", Chaos 2023):
the network *is* the expression.  Its layers, for states ``x = (x_1, ..., x_n)``:

1. **unary units**: the states and functions of them (``sin``, ``cos``, ``log``, ``|x|``, and the
   fractional powers ``x**(1/2)`` and ``x**(2/3)`` of positive states), and monomials over a positive
   state (power -1: Leslie-Gower's ``y**2/x``);
2. **power-product units**: monomials ``prod x_j ** e_j`` of total degree at most ``degree``, and
   products of a state with any other unit (``x * sin(y)``, ``x * y / (K + y)``);
3. **depth-2 units** (a sum unit followed by a power or an exponential unit), each with *inner
   parameters*: ``x**h / (K**h + x**h)`` and ``K**h / (K**h + x**h)`` (Michaelis-Menten for h = 1,
   Hill for h = 2..5), ``x**p / (K**h + x**h)`` with ``0 < p < h <= 3`` (substrate inhibition,
   Lengyel-Epstein's ``u/(1 + u**2)``), ``exp(a x)``, ``exp(-a / x)`` (Arrhenius), ``1 / (1 + exp(a (x - c)))``
   (logistic), ``(|x + c| - |x - c|) / 2`` (saturation, Chua's diode; sum units followed by ``abs``); and
   with a sum unit of *two* states: ``x / (K + x + c y)`` (Beddington-DeAngelis,
   competitive inhibition) and ``1 / (1 + exp(a (x + c y - d)))`` (Wilson-Cowan firing rates); see
   :mod:`lincomb.learn.symreg_library`;
4. an **addition unit** per equation: a sparse linear combination of everything above.

**How it is fitted** (every step has one default; the defaults are :data:`DEFAULT_OPTIONS`, shared
with ``lincomb symreg fit``):

* *Weak form* (Messenger and Bortz, J. Comput. Phys. 2021): for local test functions ``phi`` the
  equation ``x' = sum_k w_k m_k(x)`` gives ``-int phi' x dt = sum_k w_k int phi m_k(x) dt``; the rows
  are built from the raw samples by the trapezoid rule, no derivative is estimated and nothing is
  smoothed (irregular times are first put on an even grid by cubic splines, on which the rule is
  accurate).  The support of the test functions is chosen from the data's
  noise (:func:`~lincomb.learn.ode_regression.weak_window`).
* *Long test functions on a noisy relaxing trajectory* (``long_windows``): when every state of a
  trajectory moves one way only (:func:`~lincomb.learn.ode_regression.is_monotone`) and the short
  rows' targets carry less signal than twice their noise, test functions of 4 times the support (at
  most a quarter of the trajectory) are added.  A relaxation's information lies in its slow trend,
  which short supports see as noise: at 5 % noise the criterion on the short rows alone preferred a
  constant or ``x' = 0`` on the strong Allee effect and on harvesting.  Integrating the equation over
  long intervals averages the noise (the integral formulation of Schaeffer and McCalla, Phys. Rev. E
  96, 023302, 2017); on oscillating or chaotic trajectories, and where the short rows already carry
  the signal, the long rows are left out, as there they added spurious terms (docs/symreg.md).
* *Selection on one library for all systems* (:mod:`lincomb.learn.weak_selection`): the units of
  every family, inner parameters on small grids scaled to the data, are the columns; forward
  orthogonal least squares, then drop / add / swap moves, minimise the **extended BIC** (Chen and
  Chen 2008): BIC over the effective number of weak-form rows (rows whose supports overlap are
  correlated: half the rows count), every inner parameter counted as a parameter, plus ``log C(P, k)``
  for choosing ``k`` of the library's ``P`` candidate units.  The library is thus chosen by the
  criterion, not by options: a family enters an equation only when its units pay for their
  parameters and for the size of the space searched.  Among the sets within 2 of the best criterion
  (no evidence either way, Kass and Raftery 1995) the simplest is returned: fewest fitted numbers
  (terms plus inner parameters), then fewest non-polynomial terms, then fewest operations.
  Each family is also grown from its best *pair* (the constant or a state beside one unit of the
  family, :func:`~lincomb.learn.weak_selection.stepwise_search`), and the best refined sets are
  pruned by *backward elimination with the inner parameters refitted after each drop*
  (:meth:`SymbolicODERegressor._eliminate_backward`): without both, a truth of two or three terms
  (``a/(1 + x**3) - y``) stayed hidden behind polynomial stand-ins that single moves at fixed
  inner parameters cannot remove.
* *Units shared by equations* (``share``, on by default; :meth:`SymbolicODERegressor._share_units`): the
  criterion of the system is the sum of the equations', and a nonlinear unit that several equations use
  with the same inner parameters has them fitted once, so they are counted once.  A flow between two
  compartments appears in both (an epidemic's saturating incidence in S' and E', a Holling response in
  prey and predator); per equation a look-alike with its own parameter ties with it, and the system's
  count tells them apart.  On noisy data only (at the exact-fit floor the count alone would decide).
* *Held-out windows*: the chosen terms of each equation are checked by blocked cross-validation on
  5 contiguous blocks of weak-form rows, and a term whose removal does not raise the held-out residual
  is dropped (:meth:`SymbolicODERegressor._prune_by_windows`; Roberts et al., Ecography 2017, for
  blocks; E-SINDy's refits on parts of the data, Fasel et al., Proc. R. Soc. A 2022).
* *Inner parameters*: refined by bounded minimisation of the weak-form residual, the linear weights
  refitted, then snapped to the simplest nearby number when the criterion does not worsen by more
  than the near-tie margin (:func:`~lincomb.learn.symreg_library.simple_numbers`).
* *The network, trained*: the power-product and unary units are also trained by gradient descent
  on smoothed derivatives (torch, Adam, L1/2 penalty), as in the paper, when ``network`` is True;
  its pruning path then gives further starting sets for the search.  Off by default, for speed
  (training adds a second or more per fit, and needs torch); whether its starting sets change the
  benchmark's results was not measured.
* *Integration* (Mangan et al., Proc. R. Soc. A 2017: a model is judged by its simulation): the
  returned system is integrated from each trajectory's first sample over the data's own span.  If it
  diverges, the next-best sets per equation (in order of the criterion) are tried, and a stable
  system within ``divergence_margin`` of the best total criterion is returned instead.  The R^2 of the
  integrated model against the data is ``r2_integrated_``.
* *Output-error choice on one-state data* (``output_error``, on by default): the search's sets within 10
  of its best criterion (at most 6) and the weak form's choice have their coefficients refitted so that
  one integration of the whole trajectory (start state fitted) matches the data, and the weak form's
  choice is replaced when a BIC on that misfit favours another set by more than the chi-squared(1)
  99 % quantile (:meth:`SymbolicODERegressor._choose_by_output_error`).  On a one-state arc under noise
  short test functions tie sets that the arc as a whole tells apart (a line against harvesting's
  parabola); a one-state flow is monotone, so the single integration is well conditioned there.
  Skipped at the exact-fit floor (noise-free data).  The reason and its measurement: the training data
  prefer the truth over the returned model, by output error, in 54 of the 77 misses of the benchmark at
  1 % noise (``benchmarks/symreg_identifiability.py``).
* *Coefficient refit* (``refit``, on by default): with the structure fixed, the coefficients are
  refitted by multiple shooting, the misfit between the data and short integrated segments (Bock 1981;
  Baake et al., Phys. Rev. A 1992), and kept only when a likelihood-ratio test at level 1 % rejects the
  weak-form ones and the refitted model stays stable (:mod:`lincomb.learn.trajectory_refit`).  The
  weak form's equation error is biased under noise in the regressors; on chaotic data a bias of a
  fraction of a percent sends the integrated model off the data.  On noisy data of three or more states
  (where a flow can be chaotic) the refit continues with segments of 96, then 192 samples, each stage
  started from the last and kept under the same test (:meth:`SymbolicODERegressor._refit_coefficients`):
  on a chaotic flow a coefficient error of a few parts in 10^4 decides whether the model follows a
  second trajectory.
* *Coefficients snapped to plain numbers* (``snap``, on by default; :mod:`lincomb.learn.coefficient_snapping`):
  each coefficient is replaced by the shortest plain number (one or two significant digits, a half, third or
  quarter) within 10, then 3, then 1 standard errors of the first refit stage, the others refitted with them
  fixed, and the snap is kept when a likelihood-ratio test at level 1 % on the multiple-shooting misfit does not
  reject it (the rational snapping of AI Feynman, Udrescu and Tegmark, Sci. Adv. 2020, with a test in place of
  an error threshold); on one or two states the snapped model must also follow the data over their span nearly
  as well as the fitted one.  The snapped coefficients are exact rationals.  Published laws are mostly written
  with such numbers, and where they are, the snap recovers them exactly, which one noisy trajectory of a
  chaotic flow does not estimate to the few parts in 10^4 that following a second trajectory needs.

Examples
--------
>>> from lincomb.learn.systems import get_system
>>> lv = get_system("lotka_volterra")
>>> t = lv.time_grid()[:1501:5]
>>> model = SymbolicODERegressor(seed=0).fit(t, lv.simulate(t), names=lv.names)
>>> [sorted(str(k) for k in e.as_coefficients_dict()) for e in model.equations()]
[['x', 'x*y'], ['x*y', 'y']]
>>> model.r2_integrated_ > 0.99
True
"""

from __future__ import annotations

import itertools
import math
import sys
import time
from fractions import Fraction
from typing import Sequence

import numpy as np
import sympy

from lincomb.errors import UsageError

from .model_selection import EXACT_FIT, information_criterion, least_squares as _least_squares, prune_path
from .ode_regression import ODERegressorBase, is_monotone, local_noise_variance, weak_test_matrices, weak_window
from .symreg_library import NOISE_FREE_HILL_REACH, PERIODIC_SPAN, FAMILIES, Unit, build_library, simple_numbers
from .weak_selection import WeakCriterion, stepwise_search

__all__ = ["DEFAULT_OPTIONS", "SymbolicODERegressor", "default_regressor", "information_criterion", "prune_path"]

_FUNCTIONS = {"sin": (sympy.sin, np.sin), "cos": (sympy.cos, np.cos), "exp": (sympy.exp, np.exp),
              "tanh": (sympy.tanh, np.tanh)}
#: Unary functions and depth-2 families a user may name in ``functions``.
_LIBRARY_FUNCTIONS = ("sin", "cos", "log", "abs", "pow", "ratio", "exp", "arrhenius", "logistic", "logistic2", "sat")
_LOG_FLOOR = 1e-12
#: Support of the long test functions on a relaxing trajectory, in windows (at most a quarter of the trajectory).
_LONG_WINDOWS = 4
#: The short rows are noise-dominated when, for every state, the mean square of their targets is at most this
#: multiple of the targets' mean noise variance (signal energy at most twice the noise's).
_NOISE_DOMINATED = 3.0
#: Output-error choice on one-state data (:meth:`SymbolicODERegressor._choose_by_output_error`): the search's sets
#: within this much of its best criterion, at most this many of them, each refitted by single shooting with at most
#: this many batched integrations.
_OUTPUT_ERROR_MARGIN = 10.0
_OUTPUT_ERROR_SETS = 6
_OUTPUT_ERROR_EVALUATIONS = 8
#: ... on data of at most this many states.  Relaxing multi-state data were tried (docs/symreg.md, "Session 8" and
#: "Session 9"): on the 7 zoo systems of 2-4 states whose noisy trajectories relax, R^2 > 0.9 gained 1 run at 1 % and 1
#: at 5 % (the CSTR) and the median CPU time of those fits rose from 1.6 to 4.7 s, even with all sets of an equation
#: in one batched integration; so it stays off there.
_OUTPUT_ERROR_STATES = 1
#: chi-squared(1) 99 % quantile: the output-error criterion must favour another set by more than this.
_OUTPUT_ERROR_THRESHOLD = 6.634896601021214
#: Samples per shooting segment of the coefficient refit's continuation stages on noisy data of three or more states
#: (:meth:`SymbolicODERegressor._refit_coefficients`), after the first stage's
#: :data:`~lincomb.learn.trajectory_refit.SEGMENT_SAMPLES`.
_REFIT_CONTINUATION = (96, 192)
#: Coefficient snapping (:meth:`SymbolicODERegressor._snap_coefficients`): on one or two states, where the fitted model,
#: integrated from each trajectory's first sample, follows the data (R^2 at least ``_SNAP_TRACKING``), the snapped one
#: must leave at most ``_SNAP_SLACK`` times its unexplained variance.  The likelihood-ratio test on 24-sample shooting
#: segments does not see a slow drift over a whole relaxation (the strong Allee effect at 5 %: ``-9 x/10`` for
#: ``-0.912 x``, R^2 on the data 0.978 -> 0.945).  On three or more states a flow can be chaotic, the integrated model
#: then leaves the data after a few Lyapunov times whatever its coefficients (Chen at 1 %: the snap to its exact
#: numbers follows the noisy data's span less well than the fitted ones), and only divergence is checked.
_SNAP_TRACKING = 0.9
_SNAP_SLACK = 1.25
#: Contiguous blocks of weak-form rows in the held-out-window check (:meth:`SymbolicODERegressor._prune_by_windows`).
_VALIDATION_FOLDS = 5
#: Shared units (:meth:`SymbolicODERegressor._share_units`): the refined sets of an equation within this much of its
#: best criterion are the ones a shared unit is tried in.
_SHARE_MARGIN = 10.0

#: The one default configuration, shared by :class:`SymbolicODERegressor` and ``lincomb symreg fit``.
DEFAULT_OPTIONS: dict = {
    "degree": None,
    "functions": None,
    "rational": None,
    "criterion": "bic",
    "gamma": 0.5,
    "margin": 2.0,
    "weak_window": None,
    "long_windows": True,
    "network": False,
    "window_validation": True,
    "output_error": True,
    "divergence_margin": 10.0,
    "refit": True,
    "snap": True,
    "share": True,
    "time_limit": None,
    "cpu_budget": 10.0,
    "progress": True,
    "seed": 0,
}


def default_regressor(**overrides) -> "SymbolicODERegressor":
    """A :class:`SymbolicODERegressor` with :data:`DEFAULT_OPTIONS`, some replaced by ``overrides``.

    ``lincomb symreg fit`` builds its regressor with this function, so the command line and the
    class fit the same model from the same data.

    Examples
    --------
    >>> default_regressor().get_params() == SymbolicODERegressor().get_params()
    True
    >>> default_regressor(time_limit=5).time_limit
    5
    """
    unknown = sorted(set(overrides) - set(_all_options()))
    if unknown:
        raise UsageError(f"unknown options {unknown}; choose from {', '.join(_all_options())}")
    return SymbolicODERegressor(**{**DEFAULT_OPTIONS, **overrides})


def _all_options() -> list[str]:
    import inspect

    return [name for name in inspect.signature(SymbolicODERegressor.__init__).parameters if name != "self"]


def _snap(value: float, steps: Sequence[int] = (1, 2), tolerance: float = 0.1) -> Fraction | None:
    """The nearest multiple of 1/s (s in ``steps``, coarsest first) within ``tolerance``, else None."""
    for step in steps:
        nearest = Fraction(round(value * step), step)
        if abs(value - float(nearest)) <= tolerance / step:
            return nearest
    return None


def _snap_weight(value: float) -> Fraction:
    """A sum unit's weight: 0 below 1e-3, else the simplest fraction (denominator <= 10) within 5 %."""
    if value < 1e-3:
        return Fraction(0)
    for denominator in range(1, 11):
        candidate = Fraction(round(value * denominator), denominator)
        if candidate > 0 and abs(float(candidate) - value) <= 0.05 * value:
            return candidate
    return Fraction(repr(round(value, 4)))


def _resample_irregular(t, X):
    """Trajectories with irregular times, put on an even grid of as many samples by cubic splines.

    The weak form integrates ``phi' x`` by the trapezoid rule; on equal steps that rule is very
    accurate for test functions that vanish smoothly at both ends (the end corrections of the
    Euler-Maclaurin formula vanish), on irregular steps it is not (errors of several percent at 60
    samples per support).  A cubic spline through the samples is accurate to fourth order in the
    step on smooth data and carries the noise linearly.  Evenly sampled trajectories are unchanged.
    """
    from scipy.interpolate import CubicSpline

    from .ode_regression import _trajectories, _uniform

    pairs = _trajectories(t, X)
    if all(np.ndim(tk) != 1 or np.size(tk) < 3 or _uniform(tk) for tk, _ in pairs):
        return t, X
    times, states = [], []
    for tk, Xk in pairs:
        tk = np.asarray(tk, dtype=float)
        Xk = np.asarray(Xk, dtype=float)
        if tk.ndim == 1 and tk.size >= 3 and not _uniform(tk) and np.all(np.diff(tk) > 0) and np.all(np.isfinite(Xk)):
            even = np.linspace(tk[0], tk[-1], tk.size)
            Xk = CubicSpline(tk, Xk, axis=0)(even)
            tk = even
        times.append(tk)
        states.append(Xk)
    if not isinstance(X, (list, tuple)):
        return times[0], states[0]
    return times, states


def _noise_dominated(dPhi, X, variance) -> bool:
    """Whether the weak-form targets ``-dPhi @ X`` of every state carry less signal than twice their noise.

    ``mean(b**2) / mean(var b) <= _NOISE_DOMINATED`` per state, ``var b = dPhi**2 @ variance`` (the noise
    of the targets alone, as in the row weights); ``mean(b**2)`` is the signal's energy plus the noise's.

    Examples
    --------
    >>> t = np.linspace(0, 10, 400)
    >>> _, dPhi = weak_test_matrices(t, 16, stride=4)
    >>> X = np.c_[1 - 0.2 * np.exp(-t / 2)]
    >>> _noise_dominated(dPhi, X, np.full_like(X, 0.05**2)), _noise_dominated(dPhi, X, np.full_like(X, 0.001**2))
    (True, False)
    """
    signal = np.mean((dPhi @ X) ** 2, axis=0)
    noise = np.mean(dPhi**2 @ variance, axis=0)
    return bool(np.all(signal <= _NOISE_DOMINATED * noise))


def _independent_rows(rows: int, stride: int, window: int) -> float:
    """How many of ``rows`` test functions of support ``window``, started every ``stride`` samples, count as independent.

    Neighbouring test functions overlap (stride a quarter of the support): about every second row carries
    an independent error (every row, once the stride reaches half the support).

    Examples
    --------
    >>> _independent_rows(97, 4, 16), _independent_rows(10, 8, 16)
    (48.5, 10.0)
    """
    return max(1.0, rows * min(1.0, 2.0 * stride / window))


def _with_long_windows(t, Phi, dPhi, window: int, stride: int, long: int):
    """The test matrices with rows of support ``long`` added, all rows in the order of their centres.

    Returns ``(Phi, dPhi, independent)``, ``independent`` the added rows that count as independent
    (half of them: the long supports overlap like the short ones).  The order keeps the rows in time,
    as the held-out-window check cuts them into contiguous blocks.

    Examples
    --------
    >>> t = np.linspace(0, 1, 101)
    >>> Phi, dPhi = weak_test_matrices(t, 11, stride=2)
    >>> both, _, independent = _with_long_windows(t, Phi, dPhi, 11, 2, 25)
    >>> both.shape[0] - Phi.shape[0], independent
    (13, 6.24)
    """
    long_stride = max(long // 4, 1)
    Phi_long, dPhi_long = weak_test_matrices(t, long, stride=long_stride)
    centres = np.r_[np.arange(Phi.shape[0]) * stride + window / 2, np.arange(Phi_long.shape[0]) * long_stride + long / 2]
    order = np.argsort(centres, kind="stable")
    independent = _independent_rows(Phi_long.shape[0], long_stride, long)
    return np.vstack([Phi, Phi_long])[order], np.vstack([dPhi, dPhi_long])[order], independent


def _complements(units: list[Unit]) -> list[list[Unit]]:
    """Simpler equivalents of a set: ``m * x**h/(K**h + x**h) + m * K**h/(K**h + x**h) = m``, so a set with
    both a multiplier ``m`` (a constant or a state) and ``m`` times a Hill unit spans the same as the
    set with the complementary Hill unit alone (one term fewer); the search on the grid may reach only
    the longer form."""
    variants = []
    width = max((len(u.power) for u in units if u.family == "poly"), default=0)
    for unit in units:
        # A sine or cosine over a small range is its Taylor polynomial (sin x ~ x - x**3/6,
        # cos x ~ 1 - x**2/2): the polynomial stand-in is offered too, and the parsimony rule
        # (polynomial before transcendental at equal size) decides when the fit cannot.
        if unit.family in ("sin", "cos") and width:
            powers = (1, 3) if unit.family == "sin" else (0, 2)
            stand_in = []
            for p in powers:
                exponent = [0] * width
                exponent[unit.state] += p
                if unit.multiplier is not None:
                    exponent[unit.multiplier] += 1
                stand_in.append(Unit("poly", 0, tuple(exponent), None))
            rest = [u for u in units if u != unit]
            variants.append(rest + [u for u in stand_in if u not in rest])
    for position, unit in enumerate(units):
        if unit.family not in ("hill", "repress"):
            continue
        power = [0] * (max((len(u.power) for u in units if u.family == "poly"), default=0))
        if not power:
            continue
        if unit.multiplier is not None:
            power[unit.multiplier] = 1
        plain = Unit("poly", 0, tuple(power), None)
        if plain in units:
            other = Unit("repress" if unit.family == "hill" else "hill", unit.state, unit.power, unit.multiplier,
                         unit.theta)
            variants.append([other if u is unit else u for u in units if u != plain])
    return variants


def _snap_candidates(unit: Unit, index: int, chosen: Sequence[Fraction]) -> list[Fraction]:
    """Simple numbers near inner parameter ``index`` of ``unit`` (:func:`simple_numbers`), simplest first.

    A logistic unit ``1/(1 + exp(a (x + c y - d)))`` is written with its slope ``a`` outside, but the
    laws it stands for give the weights and the threshold of the sum inside, ``a c`` and ``a d``
    (Wilson-Cowan's ``16 E - 12 I - 3``: ``d = 3/16``, ``c = -3/4``).  So once ``a`` is snapped,
    ``c`` and ``d`` are also tried as simple numbers divided by ``a`` (first, as the sum's weights
    are the simpler description), then as simple numbers themselves.

    Examples
    --------
    >>> unit = Unit("logistic2", 0, 1, None, (-16.0, -0.75, 0.18762))
    >>> [str(f) for f in _snap_candidates(unit, 2, [Fraction(-16), Fraction(-3, 4), Fraction(0)])][:2]
    ['3/16', '1/5']
    """
    value = unit.theta[index]
    direct = simple_numbers(value)
    if unit.family not in ("logistic", "logistic2") or index == 0 or not chosen[0]:
        return direct
    slope = Fraction(chosen[0])
    scaled = [candidate / slope for candidate in simple_numbers(float(slope) * value)[:4]]
    return list(dict.fromkeys(scaled + direct))


def _simplest_refined(refined: dict, margin: float):
    """The key of the simplest refined set within ``margin`` of the best (as in ``choose_simplest``)."""
    best = min(value[0] for value in refined.values())

    def simplicity(key):
        score, units, _, _ = refined[key]
        return (len(units) + sum(u.nonlinear for u in units), sum(u.complexity()[0] for u in units),
                sum(u.complexity()[1] for u in units), score)

    return min((key for key, value in refined.items() if value[0] <= best + margin), key=simplicity)


def _nonlinear_users(sets: Sequence[Sequence[Unit]]) -> dict:
    """Each nonlinear unit of the equations' sets (one per equation) with the equations that use it, in order of
    first use.

    Examples
    --------
    >>> hill = Unit("hill", state=0, power=1, multiplier=1, theta=(0.5,))
    >>> _nonlinear_users([[hill], [Unit("poly", 0, (0, 1), None), hill]])[hill]
    [0, 1]
    """
    users: dict = {}
    for j, units in enumerate(sets):
        for unit in units:
            if unit.nonlinear:
                users.setdefault(unit, []).append(j)
    return users


def _best_per_size(scored: dict, library: Sequence[Unit]) -> list[tuple[int, ...]]:
    """The best-scored set of each number of fitted numbers (terms plus inner parameters)."""
    best: dict[int, tuple[int, ...]] = {}
    for kept, value in scored.items():
        size = len(kept) + sum(library[k].nonlinear for k in kept)
        if size not in best or value < scored[best[size]]:
            best[size] = kept
    return [best[size] for size in sorted(best)]


def _sublibraries(library: Sequence[Unit]) -> list[list[int]]:
    """Where the search looks first: polynomials of degree <= 2, all polynomials, then each family
    beside the polynomials of degree <= 2 (see :func:`~lincomb.learn.weak_selection.stepwise_search`)."""
    def low(u):
        return u.family == "poly" and sum(u.power) <= 2

    subsets = [[k for k, u in enumerate(library) if low(u)], [k for k, u in enumerate(library) if u.family == "poly"]]
    kinds = [("sin", "cos"), ("hill", "repress", "haldane"), ("exp", "arrhenius"), ("logistic",), ("log", "abs", "pow", "sat"), ("ratio",),
             ("hill2",), ("logistic2",)]
    for kind in kinds:
        subset = [k for k, u in enumerate(library) if low(u) or u.family in kind]
        if len(subset) > len(subsets[0]):
            subsets.append(subset)
    return subsets


class SymbolicODERegressor(ODERegressorBase):
    """Learn ``x' = f(x)`` as a closed-form expression with a network of primitive-operation units.

    Every default is in :data:`DEFAULT_OPTIONS` (see the module text for the method); the options are
    for experts and restrict or change the search.

    Parameters
    ----------
    degree : int, optional
        Highest total degree of the power-product units (default: 4 for one or two states, 3 beyond).
    functions : sequence of str, optional
        Unary functions and depth-2 families to search (``sin``, ``cos``, ``log``, ``abs``, ``pow``,
        ``ratio`` (a monomial over a positive state, ``y**2/x``), ``exp``, ``arrhenius``, ``logistic``,
        ``logistic2`` (a logistic of two states), ``sat`` (the saturation ``clip(x, -c, c)``); default all).
        ``()`` restricts to polynomials (and rational units if ``rational``).
    rational : bool, optional
        Search the rational units ``x**h/(K**h + x**h)``, ``K**h/(K**h + x**h)`` and
        ``x/(K + x + c y)`` (default True).
    criterion : {"bic", "aic"}
        Information criterion (the extended term is added to either).
    gamma : float
        Weight of the extended-BIC term ``2 gamma log C(P, k)`` (0 gives plain BIC).
    margin : float
        Sets within this much of the best criterion count as ties, decided by simplicity.
    weak_window : int, optional
        Samples per test function (default: chosen from the data's noise per trajectory).
    long_windows : bool
        On a trajectory that relaxes (every state moves one way only, up to its noise:
        :func:`~lincomb.learn.ode_regression.is_monotone`) and whose short test functions see mostly
        noise (their targets' signal energy at most twice the noise's), add test functions of 4 times
        the support (at most a quarter of the trajectory) beside the short ones (default True; see the
        module text).
    network : bool
        Also train the primitive-operation network on smoothed derivatives and use its pruning
        path as starting sets of the search (slower; default False).
    window_validation : bool
        Drop the chosen terms that do not lower the residual on held-out time windows (blocked
        cross-validation on the weak form; default True).
    output_error : bool
        On one-state data, choose among the weak form's near-tie sets by their **output error**: each
        set's coefficients refitted so that its integrated solution (start state fitted) matches the
        whole trajectory, the sets compared by a BIC on that misfit, and the weak form's choice replaced
        only when the data reject it by a likelihood-ratio margin (the chi-squared(1) 99 % quantile;
        :meth:`_choose_by_output_error`).  A one-state flow is monotone, so one integration of the whole
        trajectory is well conditioned, and it weighs the whole arc where short test functions see local
        slopes under noise.  Equations at the weak form's exact-fit floor are left alone; the outcome is
        in ``output_error_`` (default True).
    divergence_margin : float
        A stable system is returned instead of a diverging best one when its total criterion is within
        this much of the best.
    refit : bool
        Refit the chosen terms' coefficients by multiple shooting on the data (output error,
        :mod:`lincomb.learn.trajectory_refit`); kept only when a likelihood-ratio test at level 1 %
        rejects the weak-form coefficients, the refitted model stays stable on the data's span and its
        integrated R^2 on the data is not lower (default True).
    snap : bool
        After the refit, replace coefficients by the shortest plain numbers within a few standard errors when a
        likelihood-ratio test on the data does not reject them (:mod:`lincomb.learn.coefficient_snapping`;
        exact rationals in the equations; default True; needs ``refit``).
    share : bool
        Let several equations use one nonlinear unit with the same inner parameters, counted once for the
        system (:meth:`_share_units`; on noisy data of two or more states; default True).
    time_limit : float, optional
        Seconds (a soft limit); once the fit runs past it, the search is cut short: short local
        searches, no further refinement of inner parameters, no second pass and no divergence
        fallback (default no limit).
    cpu_budget : float or None
        CPU seconds of this process (``time.process_time``, so independent of other load on the
        machine) after which the search is cut short in the same way (default 10; None: no budget).
        It bounds the slowest fits (a 3-state system whose best candidates all diverge tries up to
        eight alternatives, each integrated for up to 3 CPU seconds) without changing the others: on the
        benchmark zoo only fits that took over 10 s CPU reach it.
    progress : bool
        Print progress lines on stderr once a fit has taken more than 2 seconds.
    seed : int
        Seed of torch's generator for the network (recorded in ``seed_``).
    sparsity, epochs, learning_rate, exponent_learning_rate, train_samples, thresholds, window
        Options of the trained network (used when ``network`` is True): L1/2 weight, Adam steps, step
        sizes, rows used in training, pruning thresholds, Savitzky-Golay window.

    Attributes
    ----------
    units_ : list of sympy.Expr
        The units of the returned equations (with their snapped inner parameters).
    coefficients_ : numpy.ndarray
        (units, variables) weights of ``units_`` in each equation (zero where a unit is not used).
    searches_ : list of StepwiseSearch
        Per equation, the search on the weak form (every set scored with its criterion).
    r2_integrated_ : float
        R^2 of the returned model integrated from each trajectory's first sample, against the data.
    diverged_ : bool
        The returned model diverges on the data's span (no stable candidate scored close).
    library_size_ : int
        Number of candidate units (grid points counted once per unit).
    fit_seconds_ : float
        Wall-clock time of the fit.
    refit_ : TrajectoryRefit or None
        The coefficient refit's outcome (its last kept stage); ``refit_accepted_`` says whether coefficients
        were taken, ``refit_stages_`` lists every stage ``(segment samples, outcome, kept)``.
    snap_ : CoefficientSnap or None
        The snapping's outcome (levels tried, statistics, the snapped numbers); None when it did not run.
    snapped_ : int
        How many coefficients of the returned equations are snapped numbers (0 when none were taken).
    shared_units_ : list of (Unit, list of int)
        The nonlinear units that several of the returned equations use with the same inner parameters (fitted
        once, :meth:`_share_units`), each with those equations (0-based).
    output_error_ : dict or None
        The output-error choice on one-state data (``output_error``): the sets compared (``candidates``:
        equation, set with its refitted coefficients, misfit, criterion), per equation the statistic of the
        weak form's choice against the best (``statistic``), the sets of other terms (not supersets of the
        returned ones) within the threshold of the returned one (``ties``: the data do not single out the
        returned terms among them), and whether the choice was replaced (``replaced``); None when it did
        not run.

    Examples
    --------
    >>> SymbolicODERegressor(criterion="mdl")
    Traceback (most recent call last):
    ...
    lincomb.errors.UsageError: criterion must be 'bic' or 'aic', got 'mdl'
    """

    def __init__(self, degree: int | None = None, functions: Sequence[str] | None = None,
                 rational: bool | None = None, criterion: str = "bic", gamma: float = 0.5, margin: float = 2.0,
                 weak_window: int | None = None, long_windows: bool = True, network: bool = False,
                 window_validation: bool = True, output_error: bool = True,
                 divergence_margin: float = 10.0,
                 time_limit: float | None = None, progress: bool = True, seed: int = 0,
                 sparsity: float = 1e-3, epochs: int = 400, learning_rate: float = 0.01,
                 exponent_learning_rate: float = 5e-5, train_samples: int = 1000, thresholds: int = 40,
                 window: int | None = None, refit: bool = True, cpu_budget: float | None = 10.0, snap: bool = True,
                 share: bool = True):
        if criterion not in ("bic", "aic"):
            raise UsageError(f"criterion must be 'bic' or 'aic', got {criterion!r}")
        if functions is not None:
            unknown = [f for f in functions if f not in _LIBRARY_FUNCTIONS]
            if unknown:
                raise UsageError(f"unknown unary functions {unknown}; choose from {', '.join(_LIBRARY_FUNCTIONS)}")
        if degree is not None and (int(degree) != degree or degree < 1):
            raise UsageError(f"degree must be a positive integer, got {degree!r}")
        if weak_window is not None and (int(weak_window) != weak_window or weak_window < 5):
            raise UsageError(f"weak_window must be an integer >= 5 samples, got {weak_window!r}")
        if time_limit is not None and not time_limit > 0:
            raise UsageError(f"time_limit must be a positive number of seconds, got {time_limit!r}")
        if cpu_budget is not None and not cpu_budget > 0:
            raise UsageError(f"cpu_budget must be a positive number of seconds, got {cpu_budget!r}")
        self.degree = None if degree is None else int(degree)
        self.functions = None if functions is None else tuple(functions)
        self.rational = rational
        self.criterion = criterion
        self.gamma = float(gamma)
        self.margin = float(margin)
        self.weak_window = None if weak_window is None else int(weak_window)
        self.long_windows = bool(long_windows)
        self.network = bool(network)
        self.window_validation = bool(window_validation)
        self.output_error = bool(output_error)
        self.divergence_margin = float(divergence_margin)
        self.refit = bool(refit)
        self.snap = bool(snap)
        self.share = bool(share)
        self.time_limit = time_limit
        self.cpu_budget = cpu_budget
        self.progress = bool(progress)
        self.seed = int(seed)
        self.sparsity = sparsity
        self.epochs = int(epochs)
        self.learning_rate = learning_rate
        self.exponent_learning_rate = exponent_learning_rate
        self.train_samples = int(train_samples)
        self.thresholds = int(thresholds)
        self.window = window

    def get_params(self) -> dict:
        """The constructor's options (sklearn style).

        Examples
        --------
        >>> SymbolicODERegressor(gamma=1.0).get_params()["gamma"]
        1.0
        """
        return {name: getattr(self, name) for name in _all_options()}

    def _uses_derivatives(self) -> bool:
        return self.network

    # ------------------------------------------------------------------ progress and time
    def _say(self, message: str) -> None:
        if self.progress and time.perf_counter() - self._started > 2.0:
            print(f"symreg [{time.perf_counter() - self._started:5.1f} s] {message}", file=sys.stderr, flush=True)

    def _cpu_left(self) -> float | None:
        """CPU seconds left of ``cpu_budget`` (negative once spent), None without a budget."""
        return None if self.cpu_budget is None else self.cpu_budget - (time.process_time() - self._cpu_started)

    def _out_of_time(self) -> bool:
        left = self._cpu_left()
        if left is not None and left < 0:
            return True
        return self.time_limit is not None and time.perf_counter() - self._started > self.time_limit

    # ------------------------------------------------------------------ the library on the weak form
    def _families(self) -> tuple[str, ...]:
        functions = _LIBRARY_FUNCTIONS if self.functions is None else self.functions
        families = ["poly", *functions]
        if self.rational is None or self.rational:
            families += ["hill", "repress", "haldane", "hill2"]
        return tuple(f for f in FAMILIES if f in families)

    def _weak_system(self, units: list[Unit]):
        """Weak-form rows of all units, per trajectory stacked.

        Returns ``(A, B, effective rows, test matrices, row weights)``.  The row weights (rows, d)
        make the least squares a weighted one, each row divided by the standard deviation of its
        target's noise, ``sum_i phi'_r(t_i)**2 var(x_i)`` with the noise variance estimated locally
        (:func:`~lincomb.learn.ode_regression.local_noise_variance`): under multiplicative noise the
        rows where the state is large are far noisier, and unweighted they decide the fit alone.
        This is the covariance weighting of the weak form's residual in WENDy (Bortz, Messenger and
        Dukic, Bull. Math. Biol. 2023), with the noise of the targets only.  A floor of (1e-3 of the
        target's RMS)^2 keeps noise-free rows from infinite weights, and a floor of 0.1 x the median
        variance keeps any row below about 3x the median weight (the regressors' noise and the
        quadrature error are not in the estimate).  On a noisy relaxing trajectory the rows of long
        supports are added (``long_windows``, :func:`_with_long_windows`; see the module text).
        """
        from scipy import sparse

        blocks_A, blocks_B, blocks_V, tests = [], [], [], []
        effective = 0.0
        for t, X in self._raw_trajectories:
            window = self.weak_window or weak_window(t, X)
            window = min(window, t.size)
            # A quarter-window stride, but at most about 200 rows per trajectory (long noise-free
            # series would otherwise give thousands of nearly redundant rows).
            stride = max(window // 4, -(-t.size // 200), 1)
            Phi, dPhi = weak_test_matrices(t, window, stride=stride)
            effective += _independent_rows(Phi.shape[0], stride, window)
            variance = local_noise_variance(X, t=t)
            long = min(t.size // 4, _LONG_WINDOWS * window)
            if (self.long_windows and long >= 2 * window and _noise_dominated(dPhi, X, variance)
                    and is_monotone(X, t, variance=variance)):
                Phi, dPhi, independent = _with_long_windows(t, Phi, dPhi, window, stride, long)
                effective += independent
            values = np.column_stack([u.values(X) for u in units])
            blocks_A.append(Phi @ np.where(np.isfinite(values), values, np.nan))
            blocks_B.append(-(dPhi @ X))
            blocks_V.append(dPhi**2 @ variance)
            tests.append(sparse.csr_matrix(Phi))  # each row is nonzero on one window only
        B = np.vstack(blocks_B)
        V = np.vstack(blocks_V)
        # The floor also keeps a few rows from deciding the fit: under multiplicative noise the rows
        # where a state passes near 0 have almost no noise in the target, but the regressors' noise
        # and the quadrature error are not in V, and with weights of 100x the median those rows were fitted
        # by narrow units (x/(x**4 + 5e-4) in Lorenz-84 at 1 % noise).  So no row weighs more than
        # about 3x the median row (variance floor 0.1 x the median variance).
        floor = np.maximum(1e-6 * np.mean(B**2, axis=0), 0.1 * np.median(V, axis=0))
        weights = 1.0 / np.sqrt(V + floor)
        weights /= np.sqrt(np.mean(weights**2, axis=0))
        return np.vstack(blocks_A), B, effective, tests, weights

    def _column(self, unit: Unit, theta) -> np.ndarray:
        return self._raw_column(unit, theta) * self._row_weights

    def _raw_column(self, unit: Unit, theta) -> np.ndarray:
        """A unit's weak-form column over all trajectories, before an equation's row weights."""
        return np.concatenate([Phi @ unit.values(X, theta) for Phi, (_, X) in zip(self._tests, self._raw_trajectories)])

    def _score_units(self, crit: WeakCriterion, columns: list[np.ndarray], inner: int) -> tuple[float, np.ndarray]:
        """Criterion and (unscaled) weights of a set given by its weak-form columns."""
        if not columns:
            rss, _ = crit.rss_columns(np.zeros((crit.rows, 0)))
            return crit.from_rss(rss, 0, 0), np.zeros(0)
        M = np.column_stack(columns)
        if not np.all(np.isfinite(M)) or np.abs(M).max() > 1e100:  # an exploding unit: unusable
            return math.inf, np.zeros(len(columns))
        scale = np.sqrt(np.mean(M**2, axis=0))
        scale[scale == 0] = 1.0
        rss, weights = crit.rss_columns(M / scale)
        return crit.from_rss(rss, len(columns), inner), weights * crit.target_scale / scale

    def _objective(self, crit: WeakCriterion, units: list[Unit], columns: list, position: int):
        """The criterion as a function of one unit's inner parameters, the other columns fixed.

        Only one column changes: the target and the new column are projected off the others once
        (orthogonal least squares), so each evaluation costs one column and two dot products.
        """
        unit = units[position]
        inner = sum(u.nonlinear for u in units)
        others = [c for k, c in enumerate(columns) if k != position]
        if others:
            M = np.column_stack(others)
            norms = np.sqrt(np.mean(M**2, axis=0))
            Q, _ = np.linalg.qr(M / np.where(norms > 0, norms, 1.0))
        else:
            Q = np.zeros((crit.rows, 0))
        residual = crit.b - Q @ (Q.T @ crit.b)
        base = float(residual @ residual)

        def objective(theta):
            column = self._column(unit, theta)
            if not np.all(np.isfinite(column)) or np.abs(column).max() > 1e100:
                return 1e12
            column = column / (np.sqrt(np.mean(column**2)) or 1.0)
            orthogonal = column - Q @ (Q.T @ column)
            norm = float(orthogonal @ orthogonal)
            rss = base - (float(orthogonal @ residual) ** 2 / norm if norm > 1e-12 * crit.rows else 0.0)
            return crit.from_rss(max(rss, 0.0), len(columns), inner)
        return objective

    def _optimise(self, crit: WeakCriterion, units: list[Unit], columns: list, position: int,
                  quick: bool = False) -> Unit:
        """One unit's inner parameters minimising the criterion, the other units fixed (cached)."""
        from scipy.optimize import minimize, minimize_scalar

        unit = units[position]
        key = (id(crit), quick, unit, tuple(sorted((repr(u) for k, u in enumerate(units) if k != position))))
        if key in self._refine_cache:
            return self._refine_cache[key]
        self._criteria_alive.append(crit)  # keeps id(crit) unique while the cache lives
        bounds = unit.bounds(self._all_X, self._hill_reach)
        objective = self._objective(crit, units, columns, position)
        start = np.array(unit.theta, dtype=float)
        if not np.all(np.isfinite(start)) or np.any(start == 0):
            theta = start
        elif len(start) == 1:
            # one parameter: bounded Brent search on a log scale around the grid point (the grid's
            # neighbours are a factor of about 1.5 to 2 away)
            sign = 1.0 if start[0] > 0 else -1.0
            low, high = max(abs(start[0]) / 2.0, 1e-12), abs(start[0]) * 2.0
            result = minimize_scalar(lambda v: objective([sign * math.exp(v)]), bounds=(math.log(low), math.log(high)),
                                     method="bounded", options={"xatol": 1e-4, "maxiter": 8 if quick else 40})
            theta = np.clip([sign * math.exp(result.x)], [bounds[0][0]], [bounds[0][1]])
        else:
            result = minimize(objective, start, method="Nelder-Mead",
                              options={"xatol": 1e-4 * (np.abs(start).max() + 1e-12), "fatol": 1e-4,
                                       "maxiter": (6 if quick else 40) * len(start)})
            theta = np.clip(result.x, [b[0] for b in bounds], [b[1] for b in bounds])
        better = unit.with_theta(theta) if objective(theta) <= objective(start) else unit
        self._refine_cache[key] = better
        return better

    def _refine(self, crit: WeakCriterion, units: list[Unit]) -> tuple[float, list[Unit], list[tuple], np.ndarray]:
        """Refine, then snap, the inner parameters of a set of units; return (criterion, units, exact thetas, weights)."""
        units = list(units)
        inner = sum(u.nonlinear for u in units)
        columns = [self._column(u, u.theta) for u in units]

        for position, unit in enumerate(units):
            if not unit.nonlinear:
                continue
            units[position] = self._optimise(crit, units, columns, position)
            columns[position] = self._column(units[position], units[position].theta)
        best, _ = self._score_units(crit, columns, inner)
        exact: list[tuple] = []
        for position, unit in enumerate(units):
            if not unit.nonlinear:
                exact.append(())
                continue
            objective = self._objective(crit, units, columns, position)
            chosen = [Fraction(repr(float(f"{v:.4g}"))) for v in unit.theta]
            # Snap one parameter at a time, simplest number first, while the criterion stays within
            # the margin; with two parameters, the other one is re-fitted for each candidate (the
            # logistic's centre moves with its slope) before it is snapped in turn.
            limits = unit.bounds(self._all_X, self._hill_reach)
            for index in range(len(unit.theta)):
                for candidate in _snap_candidates(unit, index, chosen):
                    low, high = limits[index] if index < len(limits) else (-math.inf, math.inf)
                    if not low <= float(candidate) <= high:
                        continue
                    trial = list(chosen)
                    trial[index] = candidate
                    if len(trial) == 2 and index == 0:
                        other = float(unit.theta[1])

                        def partial(v, first=float(candidate)):
                            return objective([first, v])
                        from scipy.optimize import minimize_scalar

                        width = 0.2 * (abs(other) + float(np.ptp(self._all_X[:, unit.state])))
                        result = minimize_scalar(partial, bounds=(other - width, other + width), method="bounded",
                                                 options={"xatol": 1e-5 * (abs(other) + 1.0), "maxiter": 40})
                        trial[1] = Fraction(repr(float(f"{result.x:.4g}")))
                    if objective([float(v) for v in trial]) <= best + self.margin:
                        chosen = trial
                        break
            units[position] = unit.with_theta([float(v) for v in chosen])
            columns[position] = self._column(units[position], units[position].theta)
            exact.append(tuple(sympy.Rational(v.numerator, v.denominator) for v in chosen))
        score, weights = self._score_units(crit, columns, inner)
        return score, units, exact, weights

    def _fit_equations(self, X: np.ndarray, dX: np.ndarray) -> list[sympy.Expr]:
        self._started = getattr(self, "_started", time.perf_counter())
        self._cpu_started = getattr(self, "_cpu_started", time.process_time())
        self.seed_ = self.seed
        n = X.shape[1]
        self._all_X = np.vstack([Xk for _, Xk in self._raw_trajectories])
        self._noise_free_data = self._noise_free()
        self._hill_reach = NOISE_FREE_HILL_REACH if self._noise_free_data else None
        degree = self.degree or (4 if n <= 2 else 3)
        library = build_library(self._all_X, degree, self._families(),
                                periodic_span=0.0 if self._noise_free_data else PERIODIC_SPAN)
        A, B, effective, self._tests, row_weights = self._weak_system(library)
        finite = np.all(np.isfinite(A), axis=0) & (np.abs(A).max(axis=0) < 1e150)
        library = [u for u, keep in zip(library, finite) if keep]
        A = A[:, finite]
        self.library_size_ = len({u.group for u in library})
        self._say(f"{len(library)} library columns ({self.library_size_} units), {A.shape[0]} weak-form rows")
        groups = [u.group for u in library]
        library_index = {u: k for k, u in enumerate(library)}
        complexities = [u.complexity() for u in library]
        nonlinear = [u.nonlinear for u in library]
        starts = self._network_starts(X, dX, library) if self.network else [[] for _ in range(n)]
        max_terms = int(max(1, min(10, effective // 3)))
        sublibraries = _sublibraries(library)
        self.searches_, self._alternatives, self._refined = [], [], []
        self._criteria: list = [None] * n
        self.output_error_ = None
        self._refine_cache: dict = {}
        self._criteria_alive: list = []
        self._search_units: list = []
        for j in range(n):
            self._row_weights = row_weights[:, j]
            crit = WeakCriterion(A * self._row_weights[:, None], B[:, j] * self._row_weights, effective,
                                 self.library_size_, nonlinear, self.criterion, self.gamma)
            units_j = list(library)

            def refine(kept, new, quick=False, units_j=units_j, crit=crit):
                # a unit added by a forward step: its inner parameters refined in context (quick: a
                # rough search of a few evaluations, to rank the candidate additions)
                if self._out_of_time():
                    return None
                members = [units_j[k] for k in kept]
                position = members.index(units_j[new])
                columns = [crit.A[:, k] * crit.scale[k] for k in kept]
                better = self._optimise(crit, members, columns, position, quick=quick)
                if better == units_j[new]:
                    return None
                if not quick:
                    units_j.append(better)
                return self._column(better, better.theta)

            search = stepwise_search(crit, groups, complexities, start_sets=starts[j], max_terms=max_terms,
                                     margin=self.margin, max_steps=5 if self._out_of_time() else 40,
                                     sublibraries=sublibraries, refine=refine)
            self.searches_.append(search)
            self._search_units.append(units_j)
            refined = self._refine_candidates(crit, search, units_j, library_index)
            self._refined.append(refined)
            self._criteria[j] = crit
            self._choose(j, refined, crit)
            self._say(f"equation {j + 1}/{n}: {len(search.scored)} sets scored")
        shared = []
        for j in range(n):
            best = self._alternatives[j][0][1][0]
            for _, (score, units, _, _) in self._alternatives[j]:
                if score <= best + 30.0:
                    shared += [u for u in units if u.nonlinear and u not in shared and u not in library_index]
        if shared and not self._out_of_time():
            # Second pass: the refined nonlinear units of the good sets of every equation join the
            # library (a grid point may be too far from the right parameter for the search to pick
            # the unit; and a system often has one saturating or exponential rate in several
            # equations), and each equation's search continues from the refined sets of every equation.
            extra = np.column_stack([self._raw_column(u, u.theta) for u in shared])
            library = library + shared
            library_index = {u: k for k, u in enumerate(library)}
            A = np.hstack([A, extra])
            groups = [u.group for u in library]
            complexities = [u.complexity() for u in library]
            nonlinear = [u.nonlinear for u in library]
            for j in range(n):
                self._row_weights = row_weights[:, j]
                crit = WeakCriterion(A * self._row_weights[:, None], B[:, j] * self._row_weights, effective,
                                     self.library_size_, nonlinear, self.criterion, self.gamma)
                starts = [[library_index[u] for u in alternative[1][1] if u in library_index]
                          for i in range(n) for alternative in self._alternatives[i][:3]]
                search = stepwise_search(crit, groups, complexities, start_sets=starts, max_terms=max_terms,
                                         margin=self.margin, max_steps=20, forward_paths=False)
                refined = self._refine_candidates(crit, search, library, library_index, count=3,
                                                  known=self._refined[j])
                self._criteria[j] = crit
                self._choose(j, refined, crit)
            self._say("second pass with the shared nonlinear units done")
        # not on noise-free data: there every set that reaches the criterion's exact-fit floor has the same data
        # term, the count alone decides, and a shared look-alike that reaches it too wins by the parameter it
        # saves (on the zoo at g = 0: the coupled pendula's sin a for a Haldane unit, the CSTR, Genesio-Tesi)
        if self.share and n >= 2 and not self._noise_free_data and not self._out_of_time():
            self._share_units(row_weights)
        equations = self._assemble([0] * n)
        self._check_divergence(equations)
        if self.output_error and not self._out_of_time():
            self._choose_by_output_error(row_weights)
        self.shared_units_ = self._units_in_several_equations()
        if self.refit and not self._out_of_time():  # coefficients by output error (trajectory_refit)
            self._refit_coefficients()
        self.snap_, self.snapped_ = None, 0
        if self.snap and self.refit and not self._out_of_time():
            self._snap_coefficients()
        return self.equations_

    def _share_units(self, row_weights: np.ndarray) -> None:
        """Let equations use one nonlinear unit, its inner parameters counted once for the system.

        Each equation's criterion counts the inner parameters of its own units (BIC, :class:`WeakCriterion`);
        the system's criterion is the sum of the equations', and a unit that appears with the *same* inner
        parameters in several equations has them fitted once, so there they count once
        (:meth:`_system_count`).  A flow between compartments appears in both (``-b S I/(1 + a I)`` in S' and
        E' of an epidemic, a Holling response in prey and predator, an Arrhenius rate in a reactor's
        concentration and temperature), and per equation a look-alike with its own parameter ties with it.
        For every nonlinear unit of a set within the near-tie margin of some equation's best, each equation's
        sets within :data:`_SHARE_MARGIN` of its best are scored with the unit added or swapped in at those
        inner parameters, and the simplest within the near-tie margin of the best of them (the unit's
        parameters not counted) is the equation's candidate; equation by equation, a candidate replaces the
        current set when the system's criterion decreases.  The result is taken when the system's criterion
        is lower than the current system's and it has fewer fitted numbers (terms plus inner parameters), or as
        many and a criterion lower by more than the near-tie margin: the near-tie rule of each equation, for the
        system, which never grows the system.  The best such unit is taken, and the step repeats, at most once
        per state, while one is found (a unit is tried once).  The replaced sets stay as alternatives.  Equations
        take a unit one at a time, so a unit that no equation's current set has is taken only when one
        equation's gain pays for its parameters alone.
        """
        n = len(self.variables_)
        if any(crit is None for crit in self._criteria):
            return
        penalty = self._criteria[0].from_rss(1.0, 1, 1) - self._criteria[0].from_rss(1.0, 1, 0)
        columns: dict = {}

        def raw(unit):  # computed once for all equations
            if unit not in columns:
                columns[unit] = self._raw_column(unit, unit.theta)
            return columns[unit]

        tried: set = set()
        for _ in range(n):
            current = [self._alternatives[j][0][1] for j in range(n)]
            total, numbers = self._system_count(current, penalty)
            pool: dict = {}
            for j in range(n):
                lowest = min(value[0] for _, value in self._alternatives[j])
                for _, (score, units, exact, _) in self._alternatives[j]:
                    if score <= lowest + self.margin:
                        for unit, theta in zip(units, exact):
                            if unit.nonlinear and unit not in tried:
                                pool.setdefault(unit, theta)
            best = None
            for unit, theta in pool.items():
                tried.add(unit)
                trial = list(current)
                for j in range(n):
                    entry = self._with_shared(j, unit, theta, lambda u, j=j: raw(u) * row_weights[:, j], penalty)
                    if entry is None or entry[1] == current[j][1]:
                        continue
                    candidate = trial[:j] + [entry] + trial[j + 1:]
                    if self._system_count(candidate, penalty)[0] < self._system_count(trial, penalty)[0]:
                        trial = candidate
                value, count = self._system_count(trial, penalty)
                # the near-tie rule, for the system: lower and simpler, or lower by more than the margin and
                # no larger (the sets tried here are ones the search did not score: a larger one that wins
                # is a further search step, not sharing, and on noisy chaotic data it fits the noise)
                better = value < total and (count < numbers or (count == numbers and value < total - self.margin))
                if better and (best is None or value < best[0]):
                    best = (value, unit, trial)
            if best is None:
                return
            _, unit, trial = best
            changed = [j for j in range(n) if trial[j] is not current[j]]
            for j in changed:
                self._alternatives[j].insert(0, (tuple(sorted(trial[j][1], key=repr)), trial[j]))
            users = [j for j in range(n) if unit in trial[j][1]]
            self._say(f"one {unit.family} unit shared by equations {[j + 1 for j in users]}")

    def _units_in_several_equations(self) -> list[tuple[Unit, list[int]]]:
        """The nonlinear units that several of the returned equations use with the same inner parameters (their
        parameters fitted once: :meth:`_share_units`), each with those equations, in order of first use."""
        users = _nonlinear_users([self._alternatives[j][pick][1][1] for j, pick in enumerate(self.picks_)])
        return [(unit, equations) for unit, equations in users.items() if len(equations) >= 2]

    @staticmethod
    def _system_count(entries: Sequence[tuple], penalty: float) -> tuple[float, int]:
        """The system's criterion and fitted numbers for one refined entry per equation: the sums over the
        equations, with the inner parameters of a nonlinear unit used by ``k`` equations counted once
        (``k - 1`` times ``penalty``, the criterion's price of one parameter, and its count taken back).

        Examples
        --------
        >>> hill = Unit("hill", state=0, power=1, multiplier=1, theta=(0.5,))
        >>> y = Unit("poly", 0, (0, 1), None)
        >>> SymbolicODERegressor._system_count([(-10.0, [hill]), (-20.0, [hill, y])], penalty=4.0)
        (-34.0, 4)
        """
        total = sum(entry[0] for entry in entries)
        numbers = sum(len(entry[1]) + sum(u.nonlinear for u in entry[1]) for entry in entries)
        for unit, equations in _nonlinear_users([entry[1] for entry in entries]).items():
            total -= (len(equations) - 1) * unit.nonlinear * penalty
            numbers -= (len(equations) - 1) * unit.nonlinear
        return total, numbers

    def _with_shared(self, j: int, unit: Unit, theta, column, penalty: float) -> tuple | None:
        """Equation ``j``'s candidate with ``unit`` (a refined entry): among its sets within :data:`_SHARE_MARGIN`
        of its best, with ``unit`` added or swapped in for one of their units, the simplest within the near-tie
        margin of the best, ``unit``'s inner parameters not counted (they are the other equations'; every set
        tried has the unit, so this only sets the count by which the simplest is chosen); None when there is
        none.  ``column(u)`` is a unit's weak-form column in this equation."""
        crit = self._criteria[j]
        alternatives = self._alternatives[j]
        lowest = min(value[0] for _, value in alternatives)
        found = []
        seen = set()
        for _, (score, units, exact, _) in alternatives:
            if score > lowest + _SHARE_MARGIN:
                continue
            members = list(zip(units, exact))
            trials = [members] if unit in units else [members + [(unit, theta)]] + [
                [(u, e) for u, e in members if u != drop] + [(unit, theta)] for drop in units]
            for trial in trials:
                key = tuple(sorted((u for u, _ in trial), key=repr))
                if key in seen:
                    continue
                seen.add(key)
                inner = sum(u.nonlinear for u, _ in trial)
                value, weights = self._score_units(crit, [column(u) for u, _ in trial], inner)
                free = value - unit.nonlinear * penalty
                found.append(((len(trial) + inner - unit.nonlinear, free),
                              (value, [u for u, _ in trial], [e for _, e in trial], weights)))
        if not found:
            return None
        best = min(free for (_, free), _ in found)
        return min((item for item in found if item[0][1] <= best + self.margin), key=lambda item: item[0])[1]

    def _snap_coefficients(self) -> None:
        """The coefficients as the simplest numbers the data do not reject (:mod:`~lincomb.learn.coefficient_snapping`).

        The scale is the first refit stage's standard errors (``refit_stages_[0][1].standard_errors``); the test is
        that stage's multiple-shooting refit with the snapped coefficients fixed.  A snapped model that diverges
        on the data's span is not taken, nor, on one or two states, one that follows the data over their span
        clearly less well than the fitted one where that one follows them (:data:`_SNAP_TRACKING`,
        :data:`_SNAP_SLACK`).  ``snap_`` is the outcome (None when it did not run); the snapped coefficients are
        exact ``sympy.Rational`` in ``equations_``.
        """
        from .coefficient_snapping import snap_coefficients
        from .trajectory_refit import coefficient_equations, expression_features

        # the first stage is the reference: the test refits on its segments (a later, longer stage's errors
        # can be far smaller than its coefficients' distance from the first stage's optimum)
        reference = self.refit_stages_[0][1]
        W = np.asarray(self.coefficients_, dtype=float)
        if reference is None or not np.any(W):
            return
        units = [sympy.sympify(u) for u in self.units_]
        left = self._cpu_left()
        snap = snap_coefficients(expression_features(units, list(self.variables_)), W, reference, *self._data_as_given(),
                                 time_limit=5.0 if left is None else max(min(left, 5.0), 0.5))
        self.snap_ = snap
        if snap.exact is None:
            return
        V = snap.coefficients
        equations = coefficient_equations(units, [[V[k, j] if value is None else value for j, value in enumerate(row)]
                                                  for k, row in enumerate(snap.exact)], W != 0)
        r2, diverged = self._simulate_on_data(equations)
        before = float(getattr(self, "r2_integrated_", -math.inf))
        if diverged:
            self._say("the snapped coefficients diverge on the data's span; kept as fitted")
            return
        if len(self.variables_) <= 2 and before >= _SNAP_TRACKING and not 1.0 - r2 <= _SNAP_SLACK * (1.0 - before):
            # the fitted model follows the data over their whole span; the snapped one must nearly as well
            self._say(f"the snapped coefficients follow the data less well (R^2 {r2:.4f} < {before:.4f}); kept as fitted")
            return
        self._say(f"{snap.snapped} coefficients snapped to simple numbers (within {snap.level:g} standard errors)")
        self.coefficients_ = np.array(V, dtype=float)
        self.equations_ = equations
        self.r2_integrated_ = r2
        self.diverged_ = False
        self.snapped_ = snap.snapped

    def _refit_coefficients(self) -> None:
        """The coefficient refit by multiple shooting, then its continuation to longer segments on chaotic-capable data.

        The first stage uses :data:`~lincomb.learn.trajectory_refit.SEGMENT_SAMPLES` samples per segment; on noisy
        data of three or more states, stages of :data:`_REFIT_CONTINUATION` samples follow, each started from the
        coefficients the stages before left, each kept only under the first stage's rules (a likelihood-ratio
        test at level 1 % against the current coefficients, and an integrated model no worse on the data;
        :func:`~lincomb.learn.trajectory_refit.refit_symbolic_model`).  This is the continuation in the
        segments' length of multiple shooting on chaotic data (Baake, Baake, Bock and Briggs, Phys. Rev. A 45,
        5524, 1992; Voss, Timmer and Kurths, Int. J. Bifurcation Chaos 14, 1905, 2004): short segments keep the
        first fit well conditioned, and a longer segment must carry the trajectory further on the coefficients
        alone, which sharpens them once they are close.  On a chaotic flow an error of a few parts in 10^4 is
        the difference between following a second trajectory and leaving it (docs/symreg.md, "Session 9").
        Not on two states, where an autonomous flow cannot be chaotic (Poincare-Bendixson) and the stages
        gained 3 of 144 noisy benchmark runs for about 0.5 s each, nor on noise-free data
        (:meth:`_noise_free`), where the weak form's coefficients are already at round-off.
        ``refit_`` is the last kept stage's outcome (else the first stage's), ``refit_accepted_`` whether any
        stage was kept, ``refit_stages_`` the list of ``(segment samples, outcome, kept)``.
        """
        from .trajectory_refit import SEGMENT_SAMPLES, refit_symbolic_model

        given = self._data_as_given()
        refit_symbolic_model(self, *given)
        stages = [(SEGMENT_SAMPLES, self.refit_, self.refit_accepted_)]
        if len(self.variables_) >= 3 and not self._noise_free_data and self.refit_ is not None:
            for samples in _REFIT_CONTINUATION:
                if self._out_of_time():
                    break
                remaining = self._cpu_left()
                limit = 10.0 if remaining is None else max(min(remaining, 10.0), 0.5)
                refit_symbolic_model(self, *given, segment_samples=samples, time_limit=limit)
                stages.append((samples, self.refit_, self.refit_accepted_))
        kept = [outcome for _, outcome, accepted in stages if accepted]
        self.refit_ = kept[-1] if kept else stages[0][1]
        self.refit_accepted_ = bool(kept)
        self.refit_stages_ = stages

    def _choose(self, j: int, refined: dict, crit: WeakCriterion | None = None) -> None:
        """Equation ``j``'s choice and its alternatives (best criterion first) from the refined sets."""
        chosen = _simplest_refined(refined, self.margin)
        if crit is not None:
            chosen = self._below_floor(crit, refined, chosen)
        if crit is not None and self.window_validation:
            chosen = self._prune_by_windows(crit, refined, chosen)
        scored = {kept: value[0] for kept, value in refined.items()}
        order = sorted(scored, key=scored.get)
        alternatives = [(chosen, refined[chosen])] + [(k, refined[k]) for k in order if k != chosen]
        if j < len(self._alternatives):
            self._alternatives[j] = alternatives
        else:
            self._alternatives.append(alternatives)

    def _output_errors(self, systems: list, evaluations: int) -> list[tuple[float, list, int]]:
        """Single-shooting refits of several systems at once: per system ``(misfit, coefficients, residuals)``.

        ``systems`` are ``(sets, weights)``: per equation its units and their starting weights.  Every
        coefficient of every equation is free and every trajectory's start state fitted
        (:func:`~lincomb.learn.output_error.shoot_candidates`, all systems in one batched integration); an
        empty equation gets a free constant (``x' = c``, so that "no term" is compared at its best).  The
        misfit is half the sum of squared residuals in units of the local noise estimate, ``inf`` when the
        system cannot be integrated on the data; ``coefficients[j]`` are the refitted weights of ``sets[j]``.
        """
        from .output_error import shoot_candidates

        units: list[Unit] = []
        for sets, _ in systems:
            for members in sets:
                units += [u for u in members if u not in units]
        constant = any(not members for sets, _ in systems for members in sets)
        starts, masks = [], []
        for sets, weights in systems:
            W = np.zeros((len(units) + (1 if constant else 0), len(sets)))
            for j, (members, values) in enumerate(zip(sets, weights)):
                for unit, value in zip(members, values):
                    W[units.index(unit), j] += float(value)
            mask = np.zeros(W.shape, dtype=bool)
            for j, members in enumerate(sets):
                mask[[units.index(u) for u in members], j] = True
                if not members:
                    mask[-1, j] = True
            starts.append(W)
            masks.append(mask)

        def features(Z):
            with np.errstate(all="ignore"):
                columns = [u.values(Z) for u in units] + ([np.ones(Z.shape[0])] if constant else [])
                return np.column_stack(columns)

        times = [t for t, _ in self._raw_trajectories]
        data = [X for _, X in self._raw_trajectories]
        left = self._cpu_left()
        fits = shoot_candidates(features, starts, masks, times, data, evaluations=evaluations,
                                time_limit=3.0 if left is None else min(max(left, 0.1), 3.0))
        out = []
        for (sets, _), fit in zip(systems, fits):
            coefficients = [np.array([fit.coefficients[units.index(u), j] for u in members]) for j, members in enumerate(sets)]
            out.append((fit.cost if math.isfinite(fit.cost) else math.inf, coefficients, fit.residuals))
        return out

    def _describe(self, units: list[Unit], weights) -> str:
        """A set with its coefficients as a readable equation (inner parameters to 4 digits)."""
        terms = [sympy.Float(float(w), 5) * u.expression(self.variables_, tuple(sympy.Float(v, 4) for v in u.theta))
                 for u, w in zip(units, weights)]
        return str(sympy.Add(*terms))

    def _data_as_given(self) -> tuple[list, list]:
        """The trajectories as given to ``fit`` (irregular times included), for the integration-based steps: the
        refit and the snapping's test (the weak form works on the spline-resampled grid)."""
        t, X = getattr(self, "_given_data", (None, None))
        if X is not None:
            return t, X
        return [tk for tk, _ in self._raw_trajectories], [Xk for _, Xk in self._raw_trajectories]

    def _noise_free(self) -> bool:
        """Whether the data carry no measurable noise: for every state of every trajectory the median local noise
        variance (:func:`~lincomb.learn.ode_regression.local_noise_variance`) is at most
        :data:`~lincomb.learn.model_selection.EXACT_FIT` times the state's variance, the level at which the
        criterion treats a fit as exact.  There Hill units may reach further (:data:`NOISE_FREE_HILL_REACH`)."""
        for t, X in self._raw_trajectories:
            if X.shape[0] < 9:
                return False
            variance = np.var(X, axis=0)
            noise = np.median(local_noise_variance(X, t=t), axis=0)
            if np.any(noise > EXACT_FIT * np.where(variance > 0, variance, np.inf)):
                return False
        return True

    def _relaxing(self) -> bool:
        """Whether the output-error choice runs: at most :data:`_OUTPUT_ERROR_STATES` states and every trajectory
        relaxing (each state moves one way only, up to its noise; an autonomous one-state flow always does)."""
        n = len(self.variables_)
        if n > _OUTPUT_ERROR_STATES:
            return False
        return n == 1 or all(is_monotone(X, t, variance=local_noise_variance(X, t=t)) for t, X in self._raw_trajectories)

    def _choose_by_output_error(self, row_weights: np.ndarray) -> None:
        """On relaxing data, replace the weak form's choice by the near-tie set whose integrated solution fits best.

        The weak form scores a set by how well it predicts *local* integrals of the data; on a relaxing
        arc under noise, short test functions see local slopes whose signal is below the noise, and sets
        that differ on the arc as a whole (a line against the true ``c + b x - x**2`` of harvesting) tie.
        The output error weighs the whole arc.  Equation by equation, each of the search's sets within
        :data:`_OUTPUT_ERROR_MARGIN` of its best criterion (at most :data:`_OUTPUT_ERROR_SETS`), and the
        weak form's choice, are put into the current system, whose coefficients are refitted by single
        shooting (one integration per trajectory, start state fitted; well conditioned on a relaxing
        trajectory: no oscillation, no chaos), and the systems are compared by ``2 cost / s**2 + p log m``
        (BIC on the output error; ``p`` terms plus inner parameters, ``m`` residuals, ``s**2`` the smallest
        misfit's residual variance, at least the noise estimate's).  The choice is replaced only when its
        criterion exceeds the best by more than the chi-squared(1) 99 % quantile, so near-ties stay with
        the weak form.  Model selection by simulation is that of Mangan, Kutz, Brunton and Proctor (Proc.
        R. Soc. A 473, 20170009, 2017); the output-error fit that of system identification (Ljung, System
        Identification, 2nd ed., 1999, Sec. 7.3).  Equations at the weak form's exact-fit floor (noise-free
        data) are left alone: there the weak form already measures the derivative to round-off.  Runs
        only on relaxing data (:meth:`_relaxing`): on oscillating or chaotic data one integration of the
        whole span is ill conditioned.
        """
        n = len(self.variables_)
        if any(crit is None for crit in self._criteria) or not self._relaxing():
            return
        # the current choice of every equation first in its list (the divergence fallback may have picked another)
        for j, pick in enumerate(self.picks_):
            if pick:
                self._alternatives[j].insert(0, self._alternatives[j].pop(pick))
        self.picks_ = [0] * n
        current = [self._alternatives[j][0][1] for j in range(n)]
        open_equations = []
        for j in range(n):
            self._row_weights = row_weights[:, j]
            if not self._criteria[j].at_exact_fit(self._raw_rss(self._criteria[j], current[j][1])):
                open_equations.append(j)
        if not open_equations:
            return
        self.output_error_ = {"candidates": [], "statistic": [], "ties": [], "replaced": False}
        for j in open_equations:
            if self._out_of_time():
                break
            crit = self._criteria[j]
            self._row_weights = row_weights[:, j]
            search, units_j = self.searches_[j], self._search_units[j]
            best = min(search.scored.values())
            chosen_key = tuple(sorted(current[j][1], key=repr))
            options = [(list(current[j][1]), np.asarray(current[j][3], dtype=float))]
            ranked = [key for key, value in sorted(search.scored.items(), key=lambda item: item[1])
                      if key and value <= best + _OUTPUT_ERROR_MARGIN][:_OUTPUT_ERROR_SETS]
            for key in ranked:
                units = [units_j[k] for k in key]
                if tuple(sorted(units, key=repr)) == chosen_key:
                    continue
                columns = [self._column(u, u.theta) for u in units]
                options.append((units, self._score_units(crit, columns, sum(u.nonlinear for u in units))[1]))
            self._say(f"equation {j + 1}: output error of {len(options)} near-tie sets (single shooting)")
            systems = [([units if i == j else list(current[i][1]) for i in range(n)],
                        [weights if i == j else np.asarray(current[i][3], dtype=float) for i in range(n)])
                       for units, weights in options]
            results = []
            for (units, _), (sets, _), (cost, coefficients, residuals) in zip(
                    options, systems, self._output_errors(systems, _OUTPUT_ERROR_EVALUATIONS)):
                size = sum(len(s) + sum(u.nonlinear for u in s) + (0 if s else 1) for s in sets)
                results.append((cost, size, units, coefficients[j], residuals))
            finite = [r for r in results if math.isfinite(r[0])]
            if len(finite) < 2 or not math.isfinite(results[0][0]):
                continue
            residuals = finite[0][4]
            variance = max(2 * min(r[0] for r in finite) / residuals, 1.0)
            criteria = [2 * r[0] / variance + r[1] * math.log(residuals) for r in results]
            winner = int(np.nanargmin(criteria))
            statistic = criteria[0] - criteria[winner]
            described = [self._describe(r[2], r[3]) for r in results]
            self.output_error_["candidates"] += [(j, d, r[0], c) for d, r, c in zip(described, results, criteria)]
            self.output_error_["statistic"].append((j, statistic))
            replace = winner != 0 and statistic > _OUTPUT_ERROR_THRESHOLD and not self._out_of_time()
            kept = winner if replace else 0
            # sets of other terms that the whole trajectory does not tell from the returned one (a superset of the
            # returned terms is no rival: its extra terms are not needed)
            groups = {u.group for u in results[kept][2]}
            self.output_error_["ties"] += [(j, d) for k, (d, r, c) in enumerate(zip(described, results, criteria))
                                           if k != kept and c <= criteria[kept] + _OUTPUT_ERROR_THRESHOLD
                                           and not groups <= {u.group for u in r[2]}]
            if not replace:
                continue
            units = results[winner][2]
            entry = self._scored_set(crit, units, refine=any(u.nonlinear for u in units))
            sets = [entry[1] if i == j else list(current[i][1]) for i in range(n)]
            values = [entry[3] if i == j else np.asarray(current[i][3], dtype=float) for i in range(n)]
            cost, coefficients, _ = self._output_errors([(sets, values)], _OUTPUT_ERROR_EVALUATIONS)[0]
            if not math.isfinite(cost):
                continue
            current[j] = (entry[0], entry[1], entry[2], coefficients[j])
            self._alternatives[j].insert(0, (tuple(sorted(entry[1], key=repr)), current[j]))
            self.output_error_["replaced"] = True
            self._say(f"equation {j + 1}: the weak form's choice replaced by output error")
        if self.output_error_["replaced"]:
            self._check_divergence(self._assemble([0] * n))

    def _raw_rss(self, crit: WeakCriterion, units) -> float:
        """The weak-form residual (scaled target) of a set of units, not floored; inf when unusable."""
        if not units:
            return float(crit.b @ crit.b)
        M = np.column_stack([self._column(u, u.theta) for u in units])
        if not np.all(np.isfinite(M)) or np.abs(M).max() > 1e100:
            return math.inf
        scale = np.sqrt(np.mean(M**2, axis=0))
        return crit.rss_columns(M / np.where(scale > 0, scale, 1.0))[0]

    def _below_floor(self, crit: WeakCriterion, refined: dict, chosen: tuple) -> tuple:
        """At the exact-fit floor, the chosen set against the no larger sets on their unfloored criterion.

        The criterion floors ``RSS/N`` at 1e-6 so that *extra* terms cannot pay for themselves by
        fitting quadrature error (:func:`~lincomb.learn.model_selection.information_criterion`).  Among
        sets that all reach the floor the data term is then constant and only the counting decides:
        the extended-BIC term counts units, not inner parameters, so a look-alike of one unit with an
        inner parameter (``c - a exp(-E/x)``) beats a true polynomial of one more term (``x - x**2 - h``)
        although the truth fits to round-off and the look-alike a thousand times worse.  The floor's
        reason does not apply to sets with no more fitted numbers (terms plus inner parameters) than the
        choice, as none of them adds a term: when the choice is at the floor, those sets that reach the
        floor too are compared on the unfloored criterion and the lowest is taken.
        """
        if len(refined) < 2:
            return chosen

        def size(units):
            return len(units) + sum(u.nonlinear for u in units)

        chosen_rss = self._raw_rss(crit, refined[chosen][1])
        if not crit.at_exact_fit(chosen_rss):
            return chosen
        limit = size(refined[chosen][1])
        best, best_value = chosen, None
        for key in [chosen] + [key for key in refined if key != chosen]:  # the choice first: it wins ties
            units = refined[key][1]
            if size(units) > limit:
                continue
            rss = chosen_rss if key == chosen else self._raw_rss(crit, units)
            if crit.at_exact_fit(rss):
                value = crit.from_rss(rss, len(units), size(units) - len(units), floored=False)
                if best_value is None or value < best_value:
                    best, best_value = key, value
        return best

    def _prune_by_windows(self, crit: WeakCriterion, refined: dict, chosen: tuple) -> tuple:
        """Drop the chosen set's terms that do not predict held-out time windows (blocked cross-validation).

        The weak-form rows, in time order, are cut into :data:`_VALIDATION_FOLDS` contiguous blocks; the
        set is fitted on all blocks but one and its residual on that block summed over the blocks
        (cross-validation on held-out windows, the alternative to an information criterion that
        issue 15 names; blocked rather than random because neighbouring rows share samples, Roberts
        et al., Ecography 40, 2017).  A term whose removal does not raise that held-out residual is
        dropped (the weakest first, the rest refitted, until every term pays).  The criterion treats the
        rows as exchangeable, so a unit that fits one local feature of the noise, a narrow Hill
        "spike" ``x/(y**4 + 1e-5)`` at ``y = 0`` or a term that mimics a stretch of the trajectory,
        can pay for itself there; fitted without that window it does not predict it.  This is the
        held-out-data counterpart of the stability selection of E-SINDy (Fasel et al., Proc. R. Soc. A
        478, 2022): inclusion decided by refits on parts of the data, at the cost of a few small
        least-squares solves.
        """
        units = list(refined[chosen][1])
        exact = list(refined[chosen][2])
        if not units:
            return chosen
        columns = [self._column(u, u.theta) for u in units]
        M = np.column_stack(columns)
        if not np.all(np.isfinite(M)):
            return chosen
        M = M / np.where(np.sqrt(np.mean(M**2, axis=0)) > 0, np.sqrt(np.mean(M**2, axis=0)), 1.0)
        b = crit.b
        folds = np.array_split(np.arange(b.size), _VALIDATION_FOLDS)

        def held_out(keep: list[int]) -> float:
            total = 0.0
            for fold in folds:
                train = np.ones(b.size, dtype=bool)
                train[fold] = False
                if keep:
                    w, *_ = np.linalg.lstsq(M[np.ix_(train, keep)], b[train], rcond=None)
                    residual = b[fold] - M[np.ix_(fold, keep)] @ w
                else:
                    residual = b[fold]
                total += float(residual @ residual)
            return total

        keep = list(range(len(units)))
        while keep:
            error = held_out(keep)
            trials = [(held_out([k for k in keep if k != drop]), drop) for drop in keep]
            worst_error, drop = min(trials)
            if worst_error > error:
                break
            keep.remove(drop)
        if len(keep) == len(units):
            return chosen
        kept_units = [units[k] for k in keep]
        key = tuple(sorted(kept_units, key=repr))
        if key not in refined:
            inner = sum(u.nonlinear for u in kept_units)
            score, weights = self._score_units(crit, [columns[k] for k in keep], inner)
            refined[key] = (score, kept_units, [exact[k] for k in keep], weights)
        return key

    def _refine_candidates(self, crit: WeakCriterion, search, library: list[Unit], library_index: dict,
                           count: int = 6, known: dict | None = None) -> dict:
        """Refine the inner parameters of the best few sets of a search, and prune negligible terms.

        A grid point can be far enough from the truth to lose against a polynomial stand-in, so the
        best ``count`` sets, the search's choice, the best set of each size and the simpler
        equivalents (:func:`_complements`) are refined; then the choice is made again among them.
        """
        refined: dict[tuple, tuple] = dict(known or {})
        ranked = search.ranked(count) + [search.chosen] + _best_per_size(search.scored, library) + search.ends
        cutoff = min(search.scored.values()) + 30.0
        candidates = [[library[k] for k in kept] for kept in dict.fromkeys(
            k for k in ranked if search.scored[k] <= cutoff or k == search.chosen)]
        candidates += [variant for units in candidates for variant in _complements(units)]
        for units in candidates:
            for _ in range(3):
                kept = tuple(sorted(units, key=repr))
                if kept in refined:
                    break
                refine = any(u.nonlinear for u in units) and not self._out_of_time()
                refined[kept] = self._scored_set(crit, units, refine)
                # A term contributing less than 1e-3 of the target's RMS is below the resolution
                # the criterion treats as exact (its floor): it fits quadrature error or noise, and
                # is dropped (the rest refitted and scored again).
                _, fitted, _, weights = refined[kept]
                sizes = [abs(w) * np.sqrt(np.mean(self._column(u, u.theta) ** 2)) for u, w in zip(fitted, weights)]
                target = np.sqrt(np.mean(crit.b**2)) * crit.target_scale
                small = [u for u, size in zip(fitted, sizes) if size < 1e-3 * target]
                if not small:
                    break
                refined.pop(kept)
                units = [library[library_index[u]] if u in library_index else u for u in fitted if u not in small]
        self._eliminate_backward(crit, refined)
        return refined

    def _scored_set(self, crit: WeakCriterion, units: list[Unit], refine: bool) -> tuple:
        """A ``refined`` entry ``(score, units, exact inner parameters, weights)`` for a set of units: their
        inner parameters refined (:meth:`_refine`) when ``refine``, else scored as they are (their inner
        parameters still counted, and read out at their grid or earlier refined values; this happens to
        nonlinear units only once the fit is out of time)."""
        if refine:
            return self._refine(crit, units)
        inner = sum(u.nonlinear for u in units)
        score, weights = self._score_units(crit, [self._column(u, u.theta) for u in units], inner)
        return (score, units, [tuple(u.theta) for u in units], weights)

    def _eliminate_backward(self, crit: WeakCriterion, refined: dict, starts: int = 3) -> None:
        """Backward elimination with the inner parameters refitted after each drop, from the best refined sets.

        The search's drop / add / swap moves score units at their (grid or refined) parameters, fixed:
        a unit whose parameter was fitted beside stand-in terms (a Hill unit beside ``1, x, x**2``) keeps
        the stand-ins, since dropping one of them at the old parameter leaves a residual.  Here each
        drop is followed by refining every remaining inner parameter, and the best drop is taken while
        the criterion decreases (backward elimination, as in stepwise regression, with the nonlinear
        least squares of each step redone).  Adds every set it scores to ``refined``.
        """
        ranked = sorted((key for key, value in refined.items() if any(u.nonlinear for u in value[1])
                         and len(value[1]) >= 2), key=lambda key: refined[key][0])
        for key in ranked[:starts]:
            current = key
            while len(refined[current][1]) >= 2 and not self._out_of_time():
                units = refined[current][1]
                trials = []
                for drop in range(len(units)):
                    rest = [u for k, u in enumerate(units) if k != drop]
                    rest_key = tuple(sorted(rest, key=repr))
                    if rest_key not in refined:
                        refined[rest_key] = self._scored_set(crit, rest, any(u.nonlinear for u in rest))
                    trials.append((refined[rest_key][0], rest_key))
                score, best = min(trials, key=lambda item: item[0])
                if score >= refined[current][0]:
                    break
                current = best

    def _assemble(self, picks: Sequence[int]) -> list[sympy.Expr]:
        """The equations for the given alternative per equation; also sets ``units_``/``coefficients_``."""
        symbols = self.variables_
        equations, all_units, entries = [], [], []
        for j, pick in enumerate(picks):
            _, (_, units, exact, weights) = self._alternatives[j][pick]
            terms = []
            for unit, theta, weight in zip(units, exact, weights):
                expr = unit.expression(symbols, theta)
                terms.append(sympy.Float(float(weight)) * expr)
                if expr not in all_units:
                    all_units.append(expr)
                entries.append((all_units.index(expr), j, float(weight)))
            equations.append(sympy.Add(*terms))
        self.units_ = all_units
        self.coefficients_ = np.zeros((len(all_units), len(picks)))
        for k, j, w in entries:
            self.coefficients_[k, j] += w
        self.equations_ = equations
        return equations

    def _simulate_on_data(self, equations) -> tuple[float, bool]:
        """R^2 of the equations integrated from each trajectory's first sample, and whether they diverged
        (:func:`lincomb.learn.symreg_validation.integrated_r2`: LSODA, stopped when a state leaves 100
        times the data's scale; at most 3 CPU seconds for all trajectories here)."""
        from .symreg_validation import integrated_r2

        times = [t for t, _ in self._raw_trajectories]
        data = [X for _, X in self._raw_trajectories]
        fit = integrated_r2(equations, self.variables_, times, data, time_limit=3.0)
        return float(fit.r2), bool(fit.diverged)

    def _check_divergence(self, equations) -> None:
        """Integrate the chosen system; if it diverges, try stable alternatives that score close."""
        r2, diverged = self._simulate_on_data(equations)
        picks = [0] * len(equations)
        if diverged and not self._out_of_time():
            self._say("the best system diverges on the data's span; trying the next-best sets")
            base = sum(self._alternatives[j][0][1][0] for j in range(len(picks)))
            options = []
            for j, alternatives in enumerate(self._alternatives):
                for pick in range(1, len(alternatives)):
                    options.append((alternatives[pick][1][0] - alternatives[0][1][0], j, pick))
            for cost, j, pick in sorted(options)[:8]:
                if cost > self.divergence_margin or self._out_of_time():
                    break
                trial = [0] * len(picks)
                trial[j] = pick
                candidate = self._assemble(trial)
                r2_trial, bad = self._simulate_on_data(candidate)
                if not bad:
                    picks, r2, diverged = trial, r2_trial, False
                    break
            del base
            self._assemble(picks)
        self.r2_integrated_ = r2
        self.diverged_ = diverged
        self.picks_ = picks

    def fit(self, t, X, names: Sequence[str] | None = None):
        """Learn ``x' = f(x)`` from one trajectory ``(t, X)`` or lists of trajectories.

        Parameters
        ----------
        t : array_like or list of array_like
            Sample times (one array shared by all trajectories, or one per trajectory; irregular
            steps are fine).
        X : array_like of shape (n, d), or list of them
            States.
        names : sequence of str, optional
            Variable names (default ``x1, ..., xd``).

        Returns
        -------
        self

        Examples
        --------
        >>> t = np.linspace(0, 4, 201)
        >>> model = SymbolicODERegressor().fit(t, (2 / (1 + np.exp(-t)))[:, None], names=["u"])
        >>> model.equations()[0].evalf(3)
        -0.5*u**2 + 1.0*u
        """
        self._started = time.perf_counter()
        self._cpu_started = time.process_time()
        self._given_data = (None, None)
        resampled = _resample_irregular(t, X)
        if resampled[0] is not t:  # irregular times: the refit uses the given time stamps
            self._given_data = (t, X)
        t, X = resampled
        super().fit(t, X, names=names)
        self.fit_seconds_ = time.perf_counter() - self._started
        self._say(f"done: R^2 of the integrated model on the data {self.r2_integrated_:.4f}")
        return self

    def _network_starts(self, X: np.ndarray, dX: np.ndarray, library: list[Unit]) -> list[list[list[int]]]:
        """Train the primitive-operation network on smoothed derivatives; its pruned sets as library columns."""
        functions = _LIBRARY_FUNCTIONS if self.functions is None else self.functions
        self._net_functions = tuple(f for f in functions if f in ("sin", "cos"))
        self._net_degree = self.degree or (4 if X.shape[1] <= 2 else 3)
        self._net_rational = False
        trained = self._train(X, dX)
        self.exponents_ = trained["exponents"]
        _, _, coefficients, candidates, units_sym, _ = self._select(X, dX, trained, [])
        self.candidates_ = candidates
        position = {}
        for k, u in enumerate(library):
            if not u.nonlinear:
                position.setdefault(sympy.srepr(u.expression(self.variables_, ())), k)
        starts = []
        for j in range(X.shape[1]):
            sets = []
            for kept in [np.flatnonzero(coefficients[:, j])]:
                mapped = [position.get(sympy.srepr(units_sym[k])) for k in kept]
                if all(m is not None for m in mapped):
                    sets.append(mapped)
            starts.append(sets)
        return starts

    # ------------------------------------------------------------------ the network
    def _initial_exponents(self, n: int) -> np.ndarray:
        functions = len(self._net_functions)
        rows = []
        for total in range(self._net_degree + 1):
            for combination in itertools.combinations_with_replacement(range(n), total):
                row = np.zeros(n * (1 + functions))
                for i in combination:
                    row[i] += 1
                rows.append(row)
        for f in range(functions):
            for i in range(n):
                row = np.zeros(n * (1 + functions))
                row[n * (1 + f) + i] = 1
                rows.append(row)
        return np.array(rows)

    def _train(self, X: np.ndarray, dX: np.ndarray):
        import torch

        torch.manual_seed(self.seed)
        # Train on an evenly strided subset (training cost grows with the rows); the read-out
        # refits on all rows.
        stride = max(1, -(-X.shape[0] // self.train_samples))
        X, dX = X[::stride], dX[::stride]
        n = X.shape[1]
        x = torch.tensor(X, dtype=torch.float64)
        target = torch.tensor(dX, dtype=torch.float64)
        target_scale = target.std(dim=0).clamp_min(1e-12)
        unary = torch.cat([x] + [torch.tensor(_FUNCTIONS[f][1](X)) for f in self._net_functions], dim=1)
        log_abs = torch.log(unary.abs().clamp_min(_LOG_FLOOR))
        negative = (unary < 0).to(torch.float64)

        P0 = self._initial_exponents(n)
        exponents = torch.nn.Parameter(torch.tensor(P0, dtype=torch.float64))
        low = [k for k, row in enumerate(P0) if row[:n].sum() <= 2 and row[n:].sum() == 0]
        if self._net_rational:
            # Sum-unit weights through softplus (non-negative), started at random values in [0.5, 1]:
            # far from 0, where a sum unit is nearly constant and mimics polynomials.
            raw_weights = torch.nn.Parameter(torch.log(torch.expm1(0.5 + 0.5 * torch.rand(n, dtype=torch.float64))))
            powers = torch.nn.Parameter(-torch.ones(n, dtype=torch.float64))

        def features():
            odd = (torch.round(exponents.detach()) % 2 != 0).to(torch.float64)
            sign = 1.0 - 2.0 * torch.remainder(negative @ odd.T, 2.0)
            units = torch.exp(log_abs @ exponents.T) * sign
            if not self._net_rational:
                return units
            weights = torch.nn.functional.softplus(raw_weights)
            sums = 1.0 + x**2 * weights
            ratios = sums ** powers
            rational = (units[:, low, None] * ratios[:, None, :]).reshape(x.shape[0], -1)
            return torch.cat([units, rational], dim=1)

        with torch.no_grad():
            scale = features().pow(2).mean(dim=0).sqrt().clamp_min(1e-12)
        width = scale.shape[0]
        output = torch.nn.Parameter(torch.zeros(width, n, dtype=torch.float64))
        # Exponents move slowly, and only after the output weights have settled: with all weights
        # at zero their gradients are noise, and Adam would turn noise into full-size steps.
        groups = [{"params": [output], "lr": self.learning_rate}, {"params": [exponents], "lr": 0.0}]
        if self._net_rational:
            groups += [{"params": [raw_weights], "lr": 0.0}, {"params": [powers], "lr": 0.0}]
        optimizer = torch.optim.Adam(groups)
        loss = torch.tensor(0.0)
        for epoch in range(self.epochs):
            if epoch == self.epochs // 3:
                optimizer.param_groups[1]["lr"] = self.exponent_learning_rate
                if self._net_rational:
                    optimizer.param_groups[2]["lr"] = self.learning_rate
                    optimizer.param_groups[3]["lr"] = self.exponent_learning_rate
            optimizer.zero_grad()
            prediction = (features() / scale) @ output
            residual = (prediction - target) / target_scale
            loss = residual.pow(2).mean() + self.sparsity * (output.abs() + 1e-8).sqrt().sum()
            loss.backward()
            optimizer.step()
        self.training_loss_ = float(loss.detach())
        result = {
            "exponents": exponents.detach().numpy().copy(),
            "low": low,
            "output": (output.detach() / scale[:, None]).numpy().copy(),
        }
        if self._net_rational:
            result["weights"] = torch.nn.functional.softplus(raw_weights).detach().numpy().copy()
            result["powers"] = powers.detach().numpy().copy()
        return result

    # ------------------------------------------------------------------ the read-out
    def _read_out_units(self, X: np.ndarray, trained: dict, sum_weights: Sequence[Fraction] = ()):
        """Round the learned parameters and return (sympy units, numeric units, trained weights).

        ``sum_weights`` gives the (already rounded) weight of each sum unit.
        """
        n = X.shape[1]
        symbols = self.variables_
        unary_sym = list(symbols) + [_FUNCTIONS[f][0](s) for f in self._net_functions for s in symbols]
        unary_num = np.hstack([X] + [_FUNCTIONS[f][1](X) for f in self._net_functions])
        exponents = []
        for row in trained["exponents"]:
            exponents.append([_snap(p) if _snap(p) is not None else Fraction(repr(round(float(p), 3))) for p in row])
        units_sym, units_num = [], []
        for row in exponents:
            expr, value = sympy.Integer(1), np.ones(X.shape[0])
            for base_sym, base_num, p in zip(unary_sym, unary_num.T, row):
                if p == 0:
                    continue
                if p.denominator == 1 or np.all(base_num > 0):
                    expr *= base_sym ** sympy.Rational(p.numerator, p.denominator)
                    value = value * np.sign(base_num) ** (p.numerator % 2 if p.denominator == 1 else 0) * np.abs(base_num) ** float(p)
                else:  # a fractional power of a quantity of both signs: the signed power, explicitly
                    expr *= sympy.sign(base_sym) ** round(p) * sympy.Abs(base_sym) ** sympy.Rational(p.numerator, p.denominator)
                    value = value * np.sign(base_num) ** (round(p) % 2) * np.abs(base_num) ** float(p)
            units_sym.append(expr)
            units_num.append(value)
        weights = list(trained["output"])
        if self._net_rational:
            for j in range(n):
                q = _snap(float(trained["powers"][j])) or Fraction(repr(round(float(trained["powers"][j]), 3)))
                c = sum_weights[j]
                if float(c) * float(np.max(X[:, j] ** 2)) < 0.1:
                    # The denominator varies by less than 10 % over the data: the unit is a
                    # polynomial in disguise (it would only fit noise); read it out as c = 0.
                    c = Fraction(0)
                total_sym = 1 + sympy.Rational(c.numerator, c.denominator) * symbols[j] ** 2
                total_num = 1 + float(c) * X[:, j] ** 2
                ratio_sym = total_sym ** sympy.Rational(q.numerator, q.denominator)
                ratio_num = total_num ** float(q)
                for position, k in enumerate(trained["low"]):
                    if q == -1 and k == 0:
                        # 1/D = 1 - sum_i c_i x_i**2 / D: with a division the constant-over-D unit is a
                        # combination of the others and the constant, an exact collinearity; drop it.
                        units_sym.append(sympy.Integer(0))
                        units_num.append(np.zeros(X.shape[0]))
                        continue
                    units_sym.append(units_sym[k] * ratio_sym)
                    units_num.append(units_num[k] * ratio_num)
            # rational weights were stored unit-major then ratio (k, j): reorder to match
            count = len(trained["exponents"])
            rational_weights = trained["output"][count:].reshape(len(trained["low"]), n, -1)
            weights = list(trained["output"][:count]) + [rational_weights[k, j] for j in range(n) for k in range(len(trained["low"]))]
        # Merge units that became identical after rounding (their weights add up).
        merged_sym, merged_num, merged_w = [], [], []
        for expr, value, w in zip(units_sym, units_num, weights):
            if expr == 0 or not np.all(np.isfinite(value)):
                continue
            for index, existing in enumerate(merged_sym):
                if existing == expr:
                    merged_w[index] = merged_w[index] + w
                    break
            else:
                merged_sym.append(expr)
                merged_num.append(value)
                merged_w.append(np.array(w, dtype=float))
        return merged_sym, np.column_stack(merged_num), np.array(merged_w)

    def _select(self, X: np.ndarray, dX: np.ndarray, trained: dict, sum_weights: Sequence[Fraction]):
        """Prune and choose by the criterion.

        Returns (total criterion, equations, coefficients, candidates, units, trained weights of the units).
        """
        units_sym, units, weights = self._read_out_units(X, trained, sum_weights)
        unit_scale = np.sqrt(np.mean(units**2, axis=0))
        unit_scale[unit_scale == 0] = 1.0
        scaled_units = units / unit_scale
        thresholds = np.logspace(-5, 0, self.thresholds)
        coefficients = np.zeros((units.shape[1], dX.shape[1]))
        candidates = []
        equations = []
        total = 0.0
        # Smoothed derivative errors are correlated over a window, so the criterion counts
        # effective samples (rows / window), not rows: otherwise every extra term "pays".
        samples = X.shape[0]
        effective = getattr(self, "effective_samples_", samples)
        for j in range(dX.shape[1]):
            target_scale = np.sqrt(np.mean(dX[:, j] ** 2)) or 1.0
            target = dX[:, j] / target_scale
            scaled_weights = weights[:, j] * unit_scale / target_scale
            considered: list[dict] = []
            seen: dict[tuple, tuple] = {}
            gram, moment = scaled_units.T @ scaled_units, scaled_units.T @ target

            def evaluate(kept: tuple) -> tuple:
                if kept not in seen:
                    if kept:
                        mask = np.zeros(units.shape[1], dtype=bool)
                        mask[list(kept)] = True
                        coef = _least_squares(gram, moment, mask)
                        rss = float(np.sum((scaled_units[:, list(kept)] @ coef - target) ** 2))
                    else:
                        coef, rss = np.zeros(0), float(np.sum(target**2))
                    score = information_criterion(rss * effective / samples, effective, len(kept), self.criterion)
                    considered.append({"terms": [str(units_sym[k]) for k in kept], "rss": rss, "criterion": score})
                    seen[kept] = (score, kept, coef)
                return seen[kept]

            best = min((evaluate(kept) for kept in prune_path(scaled_units, target, scaled_weights, thresholds)),
                       key=lambda item: item[0])
            # Then prune one unit at a time from the best threshold's expression (the unit whose
            # removal costs least), down to nothing: with collinear units, thresholds on weights
            # alone can keep spurious pairs that cancel.
            current = best[1]
            while current:
                current = min((tuple(k for k in current if k != drop) for drop in current),
                              key=lambda kept: evaluate(kept)[0])
                if evaluate(current)[0] < best[0]:
                    best = evaluate(current)
            candidates.append(considered)
            total += best[0]
            _, kept, coef = best
            for k, c in zip(kept, coef):
                coefficients[k, j] = c * target_scale / unit_scale[k]
            equations.append(sympy.Add(*[sympy.Float(coefficients[k, j]) * units_sym[k] for k in kept]))
        return total, equations, coefficients, candidates, units_sym, weights
