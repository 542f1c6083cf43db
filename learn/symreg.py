"""Symbolic regression of ODEs with a network whose units are primitive operations.

The method of Boddupalli, Matchen and Moehlis ("Symbolic regression via neural networks", Chaos 2023):
the network *is* the expression.  Its layers, for states ``x = (x_1, ..., x_n)``:

1. **unary units** ``u = (x_1, ..., x_n, f(x_1), ..., f(x_n), ...)`` for the chosen functions ``f``
   (default ``sin`` and ``cos``);
2. **power-product units** ``m_k = prod_j u_j ** p_kj`` with *learned* real exponents ``p_kj``
   (a signed power ``sign(u)^round(p) |u|^p``, so negative states are allowed); the exponents start on
   the integer lattice of total degree <= ``degree`` (and single function units) and are trained;
3. **sum units followed by power units** (depth 2, the composition of operations):
   ``r_j = (1 + c_j x_j**2) ** q_j``, one per variable, with a learned weight ``c_j >= 0`` (kept
   non-negative, so the sum never vanishes) and a learned exponent ``q_j`` (started at -1, a
   division), multiplied with the power-product units of degree <= 2: rational terms such as
   ``x**2/(1 + x**2)``;
4. an **addition unit** per equation: a linear combination of everything above.

Training (torch, float64, Adam, full batch) minimises the mean squared error against estimated
derivatives, each equation scaled to unit variance, plus a sparsity penalty ``lambda * sum |w|^(1/2)``
on the output weights (the L1/2 penalty of the follow-up work).

Read-out, as in the paper: the learned exponents are rounded to the nearest integer (or half-integer)
when they are that close; then the output weights are **pruned at log-spaced thresholds** (each
threshold keeps the units whose scaled trained weight exceeds it, refits the kept weights by least
squares and drops what falls below the threshold, until stable), the best of these is pruned further one
unit at a time, and an **information criterion** (BIC by default, AIC on request) chooses among all
these pruned expressions.  Its sample count is the number of rows divided by the smoothing window,
since smoothed derivative errors are correlated over a window.  A sum unit's weight is chosen the same
way: the trained value (rounded to a simple fraction within 5 %) and the powers of 4 from 1/64 to 64
are each read out, pruned and scored, and the criterion decides; a weight that changes the
denominator by less than 10 % over the data is read out as 0.  The chosen expression is read out with
sympy.

What is learned by gradient descent and what by search, plainly: the output weights and the sum
units' weights are trained; the exponents start on the integer lattice and are trained with a small
step (``exponent_learning_rate``), so in practice they stay near the lattice and the rounding returns
lattice points; fractional exponents are reachable only when the data pull them there.

Derivatives are estimated from data by smoothed finite differences (Savitzky-Golay), documented in
:mod:`lincomb.learn.ode_regression`; the model is not integrated during training.  The network is trained
on them and their pruned expressions give one start set.  The final choice of terms and their
coefficients is made on the weak form of the raw data (:mod:`lincomb.learn.weak_selection`: local test
functions and integration by parts, no derivatives and no smoothing, whose bias would otherwise reach
both the terms and the coefficients): the network's pruning path and the derivative-based choice are
scored there, improved stepwise (drop, add or swap a unit of the network), and among the sets within 2
of the best criterion the simplest is taken (fewest terms, then polynomial over transcendental, then
fewest operations), which settles ``y`` against ``sin(y)`` when ``y`` stays small.

Examples
--------
>>> from lincomb.learn.systems import get_system
>>> lv = get_system("lotka_volterra")
>>> t = lv.time_grid()[:1501]
>>> model = SymbolicODERegressor(degree=2, functions=(), epochs=300, seed=0)
>>> model = model.fit(t, lv.simulate(t), names=lv.names)
>>> [sorted(str(k) for k in e.as_coefficients_dict()) for e in model.equations()]
[['x', 'x*y'], ['x*y', 'y']]
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction
from typing import Sequence

import numpy as np
import sympy

from lincomb.errors import UsageError

from .ode_regression import ODERegressorBase

__all__ = ["SymbolicODERegressor", "prune_path", "information_criterion"]

_FUNCTIONS = {"sin": (sympy.sin, np.sin), "cos": (sympy.cos, np.cos), "exp": (sympy.exp, np.exp),
              "tanh": (sympy.tanh, np.tanh)}
_LOG_FLOOR = 1e-12
_EXACT_FIT = 1e-8


def information_criterion(rss: float, samples: int, terms: int, kind: str = "bic") -> float:
    """BIC ``N log(RSS/N) + k log N`` or AIC ``N log(RSS/N) + 2k`` of a least-squares fit.

    ``RSS/N`` is floored at 1e-8 (targets are scaled to unit root-mean-square): a relative residual
    below 1e-4 counts as exact, so that extra terms cannot win by fitting round-off.

    Examples
    --------
    >>> information_criterion(1.0, 100, 2) < information_criterion(1.0, 100, 3)
    True
    >>> information_criterion(1.0, 100, 2, "aic") - information_criterion(1.0, 100, 1, "aic")
    2.0
    """
    if kind not in ("bic", "aic"):
        raise UsageError(f"criterion must be 'bic' or 'aic', got {kind!r}")
    # Residuals below a relative root-mean-square of 1e-4 (of a unit-scaled target) count as an
    # exact fit: below that level the residual is derivative-estimation error, and letting extra
    # terms chase it would reward spurious terms on noise-free data.
    fit = samples * math.log(max(rss / samples, _EXACT_FIT))
    return fit + terms * (math.log(samples) if kind == "bic" else 2.0)


def prune_path(features: np.ndarray, target: np.ndarray, weights: np.ndarray,
               thresholds: Sequence[float]) -> list[tuple[int, ...]]:
    """The distinct sets of kept units when pruning trained ``weights`` at each threshold.

    ``features`` are scaled to unit root-mean-square and ``target`` too, so weights and thresholds
    are relative.  At threshold ``tau`` the units with ``|weight| >= tau`` are kept, refitted by least
    squares, and those whose refitted weight falls below ``tau`` are dropped, until stable.

    Examples
    --------
    >>> F = np.c_[np.linspace(-1, 1, 40), np.linspace(-1, 1, 40) ** 2]
    >>> prune_path(F, F[:, 0], np.array([0.9, 0.01]), [1e-3, 0.1, 2.0])
    [(0,), ()]
    """
    gram, moment = features.T @ features, features.T @ target
    sets: list[tuple[int, ...]] = []
    for tau in thresholds:
        active = np.abs(weights) >= tau
        while active.any():
            coef = _least_squares(gram, moment, active)
            small = np.abs(coef) < tau
            if not small.any():
                break
            indices = np.flatnonzero(active)
            active[indices[small]] = False
        chosen = tuple(int(i) for i in np.flatnonzero(active))
        if chosen not in sets:
            sets.append(chosen)
    return sets


def _least_squares(gram: np.ndarray, moment: np.ndarray, active: np.ndarray) -> np.ndarray:
    """Least-squares weights of the active columns from the Gram matrix (small solves, no BLAS threads)."""
    sub = gram[np.ix_(active, active)]
    try:
        return np.linalg.solve(sub, moment[active])
    except np.linalg.LinAlgError:
        return np.linalg.lstsq(sub, moment[active], rcond=None)[0]


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


class SymbolicODERegressor(ODERegressorBase):
    """Learn ``x' = f(x)`` as a closed-form expression with a network of primitive-operation units.

    Parameters
    ----------
    degree : int
        Highest total degree of the initial exponent lattice of the power-product units.
    functions : sequence of str
        Unary functions applied to each variable (``sin``, ``cos``, ``exp``, ``tanh``).
    rational : bool
        Include the depth-2 sum/power units (rational terms).  Default False: on noisy data (1 %)
        of systems without rational terms (the damped driven pendulum) they were chosen spuriously,
        fitting the smoothing error; switch them on when rational terms are expected.
    sparsity : float
        Weight ``lambda`` of the L1/2 penalty on the output weights.
    epochs : int
        Adam steps (full batch).
    learning_rate : float
        Adam step size of the output weights and the sum units' weights.
    exponent_learning_rate : float
        Adam step size of the exponents (power-product and power units), which are trained in the
        last two thirds of the epochs only.
    train_samples : int
        Training uses at most about this many rows (evenly strided); the pruning refits use all.
    criterion : {"bic", "aic"}
        Information criterion choosing among the pruned expressions.
    thresholds : int
        Number of log-spaced pruning thresholds between 1e-5 and 1 (relative to unit-scaled weights).
    seed : int
        Seed of torch's generator (initial sum-unit weights); recorded in ``seed_``.
    window : int, optional
        Savitzky-Golay window for the derivatives (default: chosen from the data).
    integral_refit : bool
        Choose the terms and fit their coefficients on the weak (integral) form of the raw data (no
        derivatives, no smoothing; default True).  False keeps the derivative-based choice and fit.
    weak_window : int
        Samples per test function of the weak-form refit (default 101; clipped to a trajectory's
        length).

    Attributes
    ----------
    units_ : list of sympy.Expr
        The read-out units (after rounding) that the output layer combines.
    coefficients_ : numpy.ndarray
        (units, variables) output weights of the chosen expression (zeros for pruned units).
    exponents_ : numpy.ndarray
        Trained exponents of the power-product units, before rounding.
    candidates_ : list of dict
        Per equation, the pruned expressions considered: ``{"terms", "rss", "criterion"}``.
    training_loss_ : float
        Final training loss.

    Examples
    --------
    >>> SymbolicODERegressor(criterion="mdl")
    Traceback (most recent call last):
    ...
    lincomb.errors.UsageError: criterion must be 'bic' or 'aic', got 'mdl'
    """

    def __init__(self, degree: int = 3, functions: Sequence[str] = ("sin", "cos"), rational: bool = False,
                 sparsity: float = 1e-3, epochs: int = 800, learning_rate: float = 0.01,
                 exponent_learning_rate: float = 5e-5, train_samples: int = 1000,
                 criterion: str = "bic", thresholds: int = 40, seed: int = 0, window: int | None = None,
                 integral_refit: bool = True, weak_window: int = 101):
        if criterion not in ("bic", "aic"):
            raise UsageError(f"criterion must be 'bic' or 'aic', got {criterion!r}")
        unknown = [f for f in functions if f not in _FUNCTIONS]
        if unknown:
            raise UsageError(f"unknown unary functions {unknown}; choose from {', '.join(_FUNCTIONS)}")
        if int(degree) != degree or degree < 1:
            raise UsageError(f"degree must be a positive integer, got {degree!r}")
        self.degree = int(degree)
        self.functions = tuple(functions)
        self.rational = rational
        self.sparsity = sparsity
        self.epochs = int(epochs)
        self.learning_rate = learning_rate
        self.exponent_learning_rate = exponent_learning_rate
        self.train_samples = int(train_samples)
        self.criterion = criterion
        self.thresholds = int(thresholds)
        self.seed = int(seed)
        self.window = window
        self.integral_refit = integral_refit
        if int(weak_window) != weak_window or weak_window < 5:
            raise UsageError(f"weak_window must be an integer >= 5 samples, got {weak_window!r}")
        self.weak_window = int(weak_window)

    # ------------------------------------------------------------------ the network
    def _initial_exponents(self, n: int) -> np.ndarray:
        functions = len(self.functions)
        rows = []
        for total in range(self.degree + 1):
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
        unary = torch.cat([x] + [torch.tensor(_FUNCTIONS[f][1](X)) for f in self.functions], dim=1)
        log_abs = torch.log(unary.abs().clamp_min(_LOG_FLOOR))
        negative = (unary < 0).to(torch.float64)

        P0 = self._initial_exponents(n)
        exponents = torch.nn.Parameter(torch.tensor(P0, dtype=torch.float64))
        low = [k for k, row in enumerate(P0) if row[:n].sum() <= 2 and row[n:].sum() == 0]
        if self.rational:
            # Sum-unit weights through softplus (non-negative), started at random values in [0.5, 1]:
            # far from 0, where a sum unit is nearly constant and mimics polynomials.
            raw_weights = torch.nn.Parameter(torch.log(torch.expm1(0.5 + 0.5 * torch.rand(n, dtype=torch.float64))))
            powers = torch.nn.Parameter(-torch.ones(n, dtype=torch.float64))

        def features():
            odd = (torch.round(exponents.detach()) % 2 != 0).to(torch.float64)
            sign = 1.0 - 2.0 * torch.remainder(negative @ odd.T, 2.0)
            units = torch.exp(log_abs @ exponents.T) * sign
            if not self.rational:
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
        if self.rational:
            groups += [{"params": [raw_weights], "lr": 0.0}, {"params": [powers], "lr": 0.0}]
        optimizer = torch.optim.Adam(groups)
        loss = torch.tensor(0.0)
        for epoch in range(self.epochs):
            if epoch == self.epochs // 3:
                optimizer.param_groups[1]["lr"] = self.exponent_learning_rate
                if self.rational:
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
        if self.rational:
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
        unary_sym = list(symbols) + [_FUNCTIONS[f][0](s) for f in self.functions for s in symbols]
        unary_num = np.hstack([X] + [_FUNCTIONS[f][1](X) for f in self.functions])
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
        if self.rational:
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

    def _fit_equations(self, X: np.ndarray, dX: np.ndarray) -> list[sympy.Expr]:
        trained = self._train(X, dX)
        self.exponents_ = trained["exponents"]
        weights: list[Fraction] = []
        if self.rational:
            # The sum units' weights: gradient steps on them are slow (the output weights adapt to
            # every value), so the read-out also tries the powers of 4 from 1/64 to 64 beside the
            # trained value, and the information criterion of the pruned expressions decides, one
            # sum unit at a time.
            weights = [_snap_weight(float(c)) for c in trained["weights"]]
            grid = [Fraction(4) ** e for e in range(-3, 4)]
            for j in range(len(weights)):
                options = {weights[j], *grid}
                scored = []
                for c in sorted(options):
                    trial = list(weights)
                    trial[j] = c
                    scored.append((self._select(X, dX, trained, trial)[0], c))
                weights[j] = min(scored)[1]
        self.sum_weights_ = weights
        selected = self._select(X, dX, trained, weights)
        _, equations, self.coefficients_, self.candidates_, self.units_, unit_weights = selected
        self.seed_ = self.seed
        if self.integral_refit:
            equations = self._integral_refit(unit_weights)
        return equations

    def _integral_refit(self, unit_weights: np.ndarray) -> list[sympy.Expr]:
        """Choose the terms and fit their coefficients on the weak (integral) form of the raw data.

        Every read-out unit of the network (not only those the derivative-based selection kept) is
        put into the weak form: for each trajectory and each test function ``phi`` of
        :func:`~lincomb.learn.ode_regression.weak_form_rows` (``weak_window`` samples wide),
        ``-integral phi' x_j dt = sum_k w_k integral phi m_k(x) dt``.  The terms are then chosen by
        :func:`~lincomb.learn.weak_selection.weak_select` (start sets: the network's pruning path
        and the derivative-based choice; a stepwise search; parsimony among near-ties), and their
        coefficients are the weak-form least-squares fit.  No derivative is estimated and the states
        are not smoothed: the noise is averaged out by the integrals, while smoothing biases both the
        coefficients (on Lorenz at 1 % noise, ``-y`` in ``y'`` by about 8 %) and the choice of terms
        (``cos(y)``, ``y**2`` in the damped driven pendulum).  A product of distinct noisy states has no
        bias; a square ``x**2`` gains the noise variance, 1e-4 of the signal's mean square at 1 % noise.
        Units that are not finite on the raw data (a fractional power of a noisy value near 0) are left
        out; if the derivative-based choice needs one, that choice is kept as it is.  ``unit_weights``
        are the trained output weights of ``units_`` (units, variables).
        """
        from .ode_regression import weak_form_rows
        from .weak_selection import term_complexity, weak_select

        function = sympy.lambdify(self.variables_, list(self.units_), modules="numpy")
        values = []
        for t, X in self._raw_trajectories:
            with np.errstate(all="ignore"):
                values.append(np.column_stack([np.broadcast_to(np.asarray(v, dtype=float), (X.shape[0],))
                                               for v in function(*X.T)]))
        finite = np.flatnonzero(np.all([np.all(np.isfinite(v), axis=0) for v in values], axis=0))
        derivative_choice = [np.flatnonzero(self.coefficients_[:, j]) for j in range(self.coefficients_.shape[1])]
        if any(not np.isin(kept, finite).all() for kept in derivative_choice):
            return [sympy.Add(*[sympy.Float(self.coefficients_[k, j]) * self.units_[k] for k in kept])
                    for j, kept in enumerate(derivative_choice)]
        complexities = [term_complexity(self.units_[k], self.variables_) for k in finite]
        position = {int(k): i for i, k in enumerate(finite)}
        # The weak-form rows of the units are the same for every equation; only the targets differ.
        pieces = [weak_form_rows(t, X, V[:, finite], window=self.weak_window)
                  for (t, X), V in zip(self._raw_trajectories, values)]
        A = np.vstack([rows for rows, _ in pieces])
        B = np.vstack([targets for _, targets in pieces])
        equations = []
        self.weak_selections_ = []
        for j in range(self.coefficients_.shape[1]):
            selection = weak_select(A, B[:, j], unit_weights[finite, j], complexities,
                                    start_sets=[[position[int(k)] for k in derivative_choice[j]]],
                                    criterion=self.criterion)
            self.weak_selections_.append(selection)
            kept = finite[list(selection.terms)]
            self.coefficients_[:, j] = 0.0
            self.coefficients_[kept, j] = selection.coefficients
            equations.append(sympy.Add(*[sympy.Float(c) * self.units_[k] for c, k in zip(selection.coefficients, kept)]))
        return equations
