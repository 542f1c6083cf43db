"""The MILP enumeration of activation patterns (Serra, Tjandraatmadja, Ramalingam, ICML 2018), Pyomo + HiGHS.

For every hidden neuron with pre-activation ``g = w . h_prev + b`` the model has ``g = h - hbar``,
``0 <= h <= M z``, ``0 <= hbar <= M (1 - z)`` with z binary, and the input x in a box (big-M needs bounded
pre-activations; M comes from interval arithmetic over the box). A margin ``h >= eps z``,
``hbar >= eps (1 - z)`` keeps only patterns whose region has points at distance about eps from every
neuron's hyperplane, i.e. full-dimensional ones. Feasible patterns are enumerated by re-solving with a
no-good cut after each one.

This is a floating-point search: its count is **evidence**, used to cross-check the exact enumeration of
:mod:`lincomb.solvers.regions` on small networks (a region thinner than eps is missed). Dead neurons
(pre-activation identically zero on a region) can only be inactive with margin eps; they are fixed to 0
when their row and bias are zero.

Examples
--------
>>> from lincomb.theory import ReLUNetwork
>>> net = ReLUNetwork([([[1, 0], [0, 1], [1, 1]], [0, 0, -1]), ([[1, 1, 1]], [0])])
>>> result = milp_enumerate_patterns(net, box=([-4, -4], [4, 4]))
>>> result.count
7
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from lincomb.errors import SolverUnavailable, UsageError

__all__ = ["MilpRegionResult", "milp_enumerate_patterns"]


@dataclass
class MilpRegionResult:
    """The patterns found by the MILP enumeration.

    Attributes
    ----------
    patterns : list of str
        ``"1"``/``"0"`` per hidden neuron, layer by layer (as in :mod:`lincomb.solvers.regions`), sorted.
    solves : int
        MILP solves (patterns + the final infeasible one).
    seconds : float
    solver : str

    Examples
    --------
    >>> MilpRegionResult(["0", "1"], 3, 0.1, "appsi_highs").count
    2
    """

    patterns: list
    solves: int
    seconds: float
    solver: str

    @property
    def count(self) -> int:
        """The number of patterns found.

        Examples
        --------
        >>> MilpRegionResult([], 1, 0.0, "appsi_highs").count
        0
        """
        return len(self.patterns)


def _interval(row, bias, lows, highs):
    low = high = float(bias)
    for w, a, b in zip(row, lows, highs):
        w = float(w)
        low += min(w * a, w * b)
        high += max(w * a, w * b)
    return low, high


def milp_enumerate_patterns(network, box, epsilon: float = 1e-3, time_limit: float | None = None) -> MilpRegionResult:
    """Enumerate the activation patterns of full-dimensional regions inside an open box by MILP.

    Parameters
    ----------
    network : ReLUNetwork
    box : (lower, upper)
        The input box (required: big-M constants come from it).
    epsilon : float
        The margin that excludes lower-dimensional patterns.
    time_limit : float, optional
        Seconds for the whole enumeration; raises :class:`TimeoutError` beyond it.

    Examples
    --------
    >>> from lincomb.theory import ReLUNetwork
    >>> milp_enumerate_patterns(ReLUNetwork([([[1]], [0]), ([[1]], [0])]), box=([-1], [1])).patterns
    ['0', '1']
    """
    try:
        import pyomo.environ as pyo
    except ImportError:  # pragma: no cover - pyomo is a core dependency
        raise SolverUnavailable("the MILP enumeration needs Pyomo: pip install pyomo highspy") from None
    solver = pyo.SolverFactory("appsi_highs")
    if not solver.available(exception_flag=False):
        raise SolverUnavailable("HiGHS is not available to Pyomo: pip install highspy")
    try:
        lower, upper = [[float(v) for v in corner] for corner in box]
    except (TypeError, ValueError):
        raise UsageError("box must be a pair (lower, upper) of coordinate lists") from None
    n = network.input_dimension
    if len(lower) != n or len(upper) != n:
        raise UsageError(f"box corners need {n} coordinates each")

    start = time.perf_counter()
    model = pyo.ConcreteModel()
    model.x = pyo.Var(range(n), bounds=lambda m, i: (lower[i], upper[i]))
    model.cons = pyo.ConstraintList()
    previous = [model.x[i] for i in range(n)]
    lows, highs = lower, upper
    binaries = []
    for layer, (weights, biases) in enumerate(network.layers[:-1]):
        width = len(weights)
        h = pyo.Var(range(width), within=pyo.NonNegativeReals)
        hbar = pyo.Var(range(width), within=pyo.NonNegativeReals)
        z = pyo.Var(range(width), within=pyo.Binary)
        model.add_component(f"h{layer}", h)
        model.add_component(f"hbar{layer}", hbar)
        model.add_component(f"z{layer}", z)
        new_lows, new_highs = [], []
        for j, (row, bias) in enumerate(zip(weights, biases)):
            low, high = _interval(row, bias, lows, highs)
            big_m = max(abs(low), abs(high), 1.0) + 1.0
            expression = sum(float(w) * v for w, v in zip(row, previous) if w) + float(bias)
            if not any(row) and bias == 0:
                model.cons.add(z[j] == 0)  # a zero row is dead everywhere: inactive, no margin
                model.cons.add(h[j] == 0)
                model.cons.add(hbar[j] == 0)
            else:
                model.cons.add(expression == h[j] - hbar[j])
                model.cons.add(h[j] <= big_m * z[j])
                model.cons.add(hbar[j] <= big_m * (1 - z[j]))
                model.cons.add(h[j] >= epsilon * z[j])
                model.cons.add(hbar[j] >= epsilon * (1 - z[j]))
            binaries.append(z[j])
            new_lows.append(max(low, 0.0))
            new_highs.append(max(high, 0.0))
        previous = [h[j] for j in range(width)]
        lows, highs = new_lows, new_highs
    model.objective = pyo.Objective(expr=0)

    patterns = []
    solves = 0
    while True:
        if time_limit is not None and time.perf_counter() - start > time_limit:
            raise TimeoutError(f"MILP enumeration passed {time_limit} s after {len(patterns)} patterns")
        solves += 1
        result = solver.solve(model, load_solutions=False)
        condition = str(result.solver.termination_condition)
        if "infeasible" in condition.lower():
            break
        model.solutions.load_from(result)
        values = [int(round(pyo.value(z))) for z in binaries]
        patterns.append("".join(str(v) for v in values))
        # No-good cut: at least one binary differs from this pattern.
        model.cons.add(sum((1 - z) if v else z for z, v in zip(binaries, values)) >= 1)
    return MilpRegionResult(sorted(patterns), solves, time.perf_counter() - start, "pyomo appsi_highs")
