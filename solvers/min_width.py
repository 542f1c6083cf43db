"""The smallest width of a one-hidden-layer network of a piecewise-linear family that equals a CPWL target.

Families (one hidden layer, output ``c + sum_i v_i s_i(w_i . x + b_i)``):

* ``"relu"``: ``s = ReLU``;
* ``"leaky_relu"``: ``s = LeakyReLU`` with slope ``a`` (default 1/100);
* ``"la"``: LA over {identity, ReLU, LeakyReLU} with learnable mixing.  Since
  ``alpha_id y + alpha_relu relu(y) + alpha_leaky leaky(y) = beta y + gamma relu(y)`` with
  ``beta = alpha_id + a alpha_leaky`` and ``gamma = alpha_relu + (1 - a) alpha_leaky`` (any beta, gamma), an
  LA neuron is ``beta_i y + gamma_i relu(y)``.  Here the mixing weights are per neuron, which is the LA layer
  with W2 folded in: ``v_i (alpha . s)(y) = (v_i alpha) . s(y)``; a shared alpha is the special case, and the
  minimal widths below are attained with a shared alpha (beta, gamma) up to the scale v_i.

**Search** (:func:`min_width_milp`): a MILP solved by HiGHS through Pyomo.  Every neuron's pre-activation is
WLOG ``sigma (x - t)`` (1-D) or ``sigma l(x)`` (2-D) for a candidate kink ``t`` / line ``l`` of the target and
an orientation ``sigma = +-1`` (positive scale is absorbed into ``v``; neurons with equal pre-activation merge),
so a network is a choice of *slots* ``(candidate, sigma)`` with coefficients.  Binary ``u_s`` selects a slot,
big-M bounds ``|Y_s|, |B_s| <= M u_s`` switch its coefficients off, the network must equal the target at
sample points that determine a CPWL function with those breakpoints, and the objective is ``min sum u_s``.
The float answer is then re-solved exactly on the chosen slots and confirmed by the exact identity test
(:meth:`lincomb.theory.CPWL.equals`).

**Proof of optimality** (:func:`exact_min_width`, 1-D): each neuron has at most one kink, so width >= k
(the number of kinks).  At width exactly k every neuron sits at its own kink ``t_j`` with coefficient fixed by
the kink's size, and only the orientations are free: all ``2^k`` are enumerated exactly, and if none gives the
target's slope at ``-inf`` the width is k + 1 (attained by a pair of neurons at one point); an affine
non-constant target needs 2 (one ReLU-type neuron always has a kink).  LA's free linear part
makes width k (or 1 for a non-constant affine target) enough.  In 2-D, a target whose gradient jump differs at two
points of one line is not a one-hidden-layer network of any of these families (their jumps are constant along
each kink line): :func:`jump_obstruction_2d`.

Examples
--------
>>> result = min_width_milp(abs_target(), "relu")
>>> result.width, exact_min_width(abs_target(), "relu")[0], min_width_milp(abs_target(), "la").width
(2, 2, 1)
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field
from fractions import Fraction

from lincomb.errors import SolverUnavailable, UsageError
from lincomb.theory import CPWL, Affine
from lincomb.theory.rationals import rational_str, to_rational

__all__ = [
    "FAMILIES",
    "MaxOfAffineTarget",
    "MinWidthResult",
    "PiecewiseLinearTarget",
    "abs_target",
    "exact_min_width",
    "hat_target",
    "identity_target",
    "jump_obstruction_2d",
    "leaky_target",
    "max3_target",
    "min_width_milp",
    "network_cpwl",
    "sawtooth_target",
]

FAMILIES = ("relu", "leaky_relu", "la")
DEFAULT_LEAKY_SLOPE = Fraction(1, 100)


@dataclass(frozen=True)
class PiecewiseLinearTarget:
    """A CPWL function on R: linear interpolation of ``points`` with the given end slopes.

    Examples
    --------
    >>> t = hat_target()
    >>> t(Fraction(1, 2)), t.kinks()
    (Fraction(1, 2), [(Fraction(0, 1), Fraction(1, 1)), (Fraction(1, 1), Fraction(-2, 1)), (Fraction(2, 1), Fraction(1, 1))])
    """

    name: str
    points: tuple
    slope_left: Fraction
    slope_right: Fraction

    def __post_init__(self) -> None:
        points = tuple((to_rational(x, "x"), to_rational(y, "y")) for x, y in self.points)
        if not points or any(a[0] >= b[0] for a, b in zip(points, points[1:])):
            raise UsageError("a target needs at least one point, with strictly increasing x")
        object.__setattr__(self, "points", points)
        object.__setattr__(self, "slope_left", to_rational(self.slope_left, "slope_left"))
        object.__setattr__(self, "slope_right", to_rational(self.slope_right, "slope_right"))

    def slopes(self) -> list:
        """The slopes of the pieces from left to right.

        Examples
        --------
        >>> abs_target().slopes()
        [Fraction(-1, 1), Fraction(1, 1)]
        """
        inner = [(b[1] - a[1]) / (b[0] - a[0]) for a, b in zip(self.points, self.points[1:])]
        return [self.slope_left, *inner, self.slope_right]

    def kinks(self) -> list:
        """``(t, d)``: the breakpoints where the slope changes, and by how much (right minus left).

        Examples
        --------
        >>> abs_target().kinks()
        [(Fraction(0, 1), Fraction(2, 1))]
        """
        slopes = self.slopes()
        return [(x, slopes[i + 1] - slopes[i]) for i, (x, _) in enumerate(self.points) if slopes[i + 1] != slopes[i]]

    def __call__(self, x) -> Fraction:
        """The value at a rational x.

        Examples
        --------
        >>> abs_target()("-3/2")
        Fraction(3, 2)
        """
        if isinstance(x, (tuple, list)):  # a point of R^1
            (x,) = x
        x = to_rational(x, "x")
        first, last = self.points[0], self.points[-1]
        if x <= first[0]:
            return first[1] + self.slope_left * (x - first[0])
        if x >= last[0]:
            return last[1] + self.slope_right * (x - last[0])
        for (x0, y0), (x1, y1) in zip(self.points, self.points[1:]):
            if x0 <= x <= x1:
                return y0 + (y1 - y0) * (x - x0) / (x1 - x0)
        raise AssertionError("unreachable")

    def to_cpwl(self) -> CPWL:
        """The target as an exact :class:`lincomb.theory.CPWL` (affine part plus kinks times ReLU).

        Examples
        --------
        >>> abs_target().to_cpwl()(["-2"])
        Fraction(2, 1)
        """
        # f(x) = f(0) + L x + sum_j d_j (relu(x - t_j) - relu(-t_j))
        constant = self(0)
        for t, d in self.kinks():
            constant -= d * max(Fraction(0), -t)
        terms = [(1, [Affine([self.slope_left], constant)])]
        for t, d in self.kinks():
            terms.append((d, [Affine([1], -t), Affine([0], 0)]))
        return CPWL(terms, 1)

    def to_json(self) -> dict:
        """Exact JSON (the ``min-width`` certificate's target format).

        Examples
        --------
        >>> abs_target().to_json()["slope_left"]
        '-1'
        """
        return {"type": "piecewise-linear-1d", "name": self.name,
                "points": [[rational_str(x), rational_str(y)] for x, y in self.points],
                "slope_left": rational_str(self.slope_left), "slope_right": rational_str(self.slope_right)}


@dataclass(frozen=True)
class MaxOfAffineTarget:
    """A convex CPWL target ``max_j (g_j . x + h_j)`` on R^n, e.g. ``max(0, x1, x2)``.

    Examples
    --------
    >>> max3_target()([1, -2])
    Fraction(1, 1)
    """

    name: str
    pieces: tuple

    def __post_init__(self) -> None:
        object.__setattr__(self, "pieces", tuple(
            (tuple(to_rational(v, "gradient") for v in g), to_rational(h, "constant")) for g, h in self.pieces))

    def __call__(self, point) -> Fraction:
        """The value at a rational point.

        Examples
        --------
        >>> max3_target()(["-1", "-1"])
        Fraction(0, 1)
        """
        point = [to_rational(v, "point") for v in point]
        return max(sum((a * b for a, b in zip(g, point)), Fraction(0)) + h for g, h in self.pieces)

    def to_json(self) -> dict:
        """Exact JSON (the ``min-width`` certificate's target format).

        Examples
        --------
        >>> max3_target().to_json()["pieces"][1]
        {'gradient': ['1', '0'], 'constant': '0'}
        """
        return {"type": "max-of-affine", "name": self.name,
                "pieces": [{"gradient": [rational_str(v) for v in g], "constant": rational_str(h)} for g, h in self.pieces]}


def abs_target() -> PiecewiseLinearTarget:
    """``|x|``.

    Examples
    --------
    >>> abs_target()(-3)
    Fraction(3, 1)
    """
    return PiecewiseLinearTarget("|x|", ((0, 0),), -1, 1)


def hat_target() -> PiecewiseLinearTarget:
    """The hat: 0 left of 0, up to 1 at 1, down to 0 at 2, then 0.

    Examples
    --------
    >>> len(hat_target().kinks())
    3
    """
    return PiecewiseLinearTarget("hat", ((0, 0), (1, 1), (2, 0)), 0, 0)


def sawtooth_target(teeth: int) -> PiecewiseLinearTarget:
    """A sawtooth with ``teeth`` teeth of height 1 on [0, 2 teeth], 0 outside.

    Examples
    --------
    >>> len(sawtooth_target(3).kinks())
    7
    """
    if teeth < 1:
        raise UsageError("a sawtooth needs at least one tooth")
    return PiecewiseLinearTarget(f"sawtooth-{teeth}", tuple((x, x % 2) for x in range(2 * teeth + 1)), 0, 0)


def identity_target() -> PiecewiseLinearTarget:
    """``x``: affine, no kink (LA needs 1 neuron, ReLU and LeakyReLU 2).

    Examples
    --------
    >>> identity_target().kinks()
    []
    """
    return PiecewiseLinearTarget("x", ((0, 0),), 1, 1)


def leaky_target(slope=DEFAULT_LEAKY_SLOPE) -> PiecewiseLinearTarget:
    """``LeakyReLU(x)`` with the given slope (a fixed LeakyReLU needs 1 neuron, ReLU 2).

    Examples
    --------
    >>> leaky_target()("-1")
    Fraction(-1, 100)
    """
    return PiecewiseLinearTarget("leaky_relu(x)", ((0, 0),), slope, 1)


def max3_target() -> MaxOfAffineTarget:
    """``max(0, x1, x2)`` on R^2.

    Examples
    --------
    >>> max3_target()([2, 3])
    Fraction(3, 1)
    """
    return MaxOfAffineTarget("max(0,x1,x2)", (((0, 0), 0), ((1, 0), 0), ((0, 1), 0)))


def _slots(target) -> list:
    """Candidate pre-activations ``(w, b)``: both orientations of every kink point / kink line."""
    if isinstance(target, PiecewiseLinearTarget):
        kinks = [t for t, _ in target.kinks()] or [Fraction(0)]
        return [((Fraction(sigma),), -sigma * t) for t in kinks for sigma in (1, -1)]
    lines = set()
    for (g, h), (g2, h2) in itertools.combinations(target.pieces, 2):
        w = [x - y for x, y in zip(g, g2)]
        lead = next((v for v in w if v != 0), None)
        if lead is not None:
            lines.add((tuple(v / lead for v in w), (h - h2) / lead))
    for i in range(len(target.pieces[0][0])):  # coordinate lines, for linear parts
        lines.add((tuple(Fraction(int(j == i)) for j in range(len(target.pieces[0][0]))), Fraction(0)))
    return [(tuple(sigma * v for v in w), sigma * b) for w, b in sorted(lines) for sigma in (1, -1)]


def _samples(target, slots) -> list:
    if isinstance(target, PiecewiseLinearTarget):
        # a CPWL function with breakpoints among xs is determined by its values at xs and one point beyond each end
        xs = sorted({-b / w[0] for w, b in slots})
        return [(x,) for x in [xs[0] - 1, *xs, xs[-1] + 1]]
    grid = [Fraction(v, 2) for v in range(-6, 7)]
    return list(itertools.product(grid, repeat=len(target.pieces[0][0])))


def _unit_value(family: str, slope: Fraction, y: Fraction) -> Fraction:
    if family == "leaky_relu":
        return y if y > 0 else slope * y
    return max(y, Fraction(0))


@dataclass
class MinWidthResult:
    """What :func:`min_width_milp` found.

    Attributes
    ----------
    width : int or None
        The smallest width found (None: infeasible at every width up to the number of slots).
    termination : str
        The solver's termination condition.
    neurons : list
        Exact neurons ``(w, b, v, beta)`` from the exact re-solve (beta is 0 except for LA).
    output_bias : Fraction
    confirmed : bool
        True when the exact network equals the target (exact identity test).
    seconds : float
        Solver wall time.
    solver : str

    Examples
    --------
    >>> r = min_width_milp(hat_target(), "la")
    >>> r.width, r.confirmed
    (3, True)
    """

    width: int | None
    termination: str
    neurons: list = field(default_factory=list)
    output_bias: Fraction = Fraction(0)
    confirmed: bool = False
    seconds: float = 0.0
    solver: str = ""


def network_cpwl(neurons, output_bias, family: str, leaky_slope=DEFAULT_LEAKY_SLOPE) -> CPWL:
    """The exact CPWL of a one-hidden-layer network ``c + sum_i v_i s(w_i . x + b_i) + beta_i (w_i . x + b_i)``.

    ``neurons`` are ``(w, b, v, beta)``; ``s`` is ReLU (``family`` ``"relu"`` or ``"la"``) or LeakyReLU.

    Examples
    --------
    >>> one = Fraction(1)
    >>> network_cpwl([((one,), 0, one, 0), ((-one,), 0, one, 0)], 0, "relu")(["-5"])
    Fraction(5, 1)
    """
    a = to_rational(leaky_slope, "leaky_slope")
    if not neurons:
        raise UsageError("network_cpwl needs at least one neuron (a width-0 network is a constant)")
    n = len(neurons[0][0])
    terms = [(1, [Affine([0] * n, to_rational(output_bias, "output_bias"))])]
    for w, b, v, beta in neurons:
        pre = Affine(list(w), b)
        low = Affine([a * x for x in w], a * to_rational(b)) if family == "leaky_relu" else Affine([0] * n, 0)
        terms.append((v, [pre, low]))
        if beta:
            terms.append((beta, [pre]))
    return CPWL(terms, n)


def _column_value(unit: str, slope: Fraction, column: str, w, b, x) -> Fraction:
    y = sum((wi * xi for wi, xi in zip(w, x)), Fraction(0)) + b
    return _unit_value(unit, slope, y) if column == "Y" else y


def _exact_solve(rows, rhs):
    """One exact solution of ``rows x = rhs`` (free variables 0), or None when inconsistent."""
    rows = [list(r) + [b] for r, b in zip(rows, rhs)]
    columns = len(rows[0]) - 1 if rows else 0
    pivots = []
    r = 0
    for c in range(columns):
        pivot = next((i for i in range(r, len(rows)) if rows[i][c] != 0), None)
        if pivot is None:
            continue
        rows[r], rows[pivot] = rows[pivot], rows[r]
        inverse = 1 / rows[r][c]
        rows[r] = [v * inverse for v in rows[r]]
        for i in range(len(rows)):
            if i != r and rows[i][c] != 0:
                factor = rows[i][c]
                rows[i] = [a - factor * b for a, b in zip(rows[i], rows[r])]
        pivots.append(c)
        r += 1
    if any(all(v == 0 for v in row[:-1]) and row[-1] != 0 for row in rows):
        return None
    solution = [Fraction(0)] * columns
    for i, c in enumerate(pivots):
        solution[c] = rows[i][-1]
    return solution


def min_width_milp(target, family: str, leaky_slope=DEFAULT_LEAKY_SLOPE,
                   big_m: int = 1000, time_limit: float = 60.0) -> MinWidthResult:
    """Find the smallest width with a MILP (HiGHS via Pyomo), then re-solve and confirm exactly.

    For a 1-D target the samples determine the function, so a feasible pattern re-solves exactly and is
    confirmed by :meth:`lincomb.theory.CPWL.equals`.  For a 2-D :class:`MaxOfAffineTarget` the samples are a
    grid; infeasibility there is float evidence only (the exact argument is :func:`jump_obstruction_2d`).

    Raises
    ------
    SolverUnavailable
        When Pyomo's ``appsi_highs`` back-end is missing (``pip install highspy``).

    Examples
    --------
    >>> min_width_milp(sawtooth_target(2), "relu").width
    5
    >>> min_width_milp(max3_target(), "la").width is None       # no one-hidden-layer network at all
    True
    """
    if family not in FAMILIES:
        raise UsageError(f"family must be one of {', '.join(FAMILIES)}, got {family!r}")
    import pyomo.environ as pyo

    a = to_rational(leaky_slope, "leaky_slope")
    slots = _slots(target)
    samples = _samples(target, slots)
    with_beta = family == "la"
    unit = "relu" if family == "la" else family
    kinds = ("Y", "B") if with_beta else ("Y",)

    model = pyo.ConcreteModel()
    S = range(len(slots))
    model.c = pyo.Var(bounds=(-big_m, big_m))
    model.Y = pyo.Var(S, bounds=(-big_m, big_m))
    model.B = pyo.Var(S, bounds=(-big_m, big_m))
    model.u = pyo.Var(S, domain=pyo.Binary)
    model.fit = pyo.ConstraintList()
    for x in samples:
        expression = model.c
        for s, (w, b) in enumerate(slots):
            for kind in kinds:
                value = float(_column_value(unit, a, kind, w, b, x))
                if value:
                    expression = expression + value * (model.Y[s] if kind == "Y" else model.B[s])
        model.fit.add(expression == float(target(x)))
    model.switch = pyo.ConstraintList()
    for s in S:  # big-M: a slot's coefficients vanish unless the slot is used
        for var, bound in ((model.Y[s], big_m), (model.B[s], big_m if with_beta else 0)):
            model.switch.add(var <= bound * model.u[s])
            model.switch.add(-var <= bound * model.u[s])
    model.width = pyo.Objective(expr=sum(model.u[s] for s in S), sense=pyo.minimize)
    solver = pyo.SolverFactory("appsi_highs")
    if not solver.available():
        raise SolverUnavailable("the HiGHS back-end of Pyomo is not available; pip install highspy")
    solver.config.time_limit = time_limit
    name = "HiGHS " + ".".join(str(v) for v in (solver.version() or ("?",))) + " via Pyomo"
    start = time.perf_counter()
    results = solver.solve(model, load_solutions=False)
    seconds = time.perf_counter() - start
    termination = str(results.solver.termination_condition)
    if "optimal" not in termination.lower():
        return MinWidthResult(None, termination, seconds=seconds, solver=name)
    solver.load_vars()
    chosen = [s for s in S if pyo.value(model.u[s]) > 0.5]
    # exact re-solve on the chosen slots: unknowns c, Y_s (and B_s for LA)
    columns = ["c"] + [(kind, s) for kind in kinds for s in chosen]
    rows = [[Fraction(1) if col == "c" else _column_value(unit, a, col[0], *slots[col[1]], x) for col in columns]
            for x in samples]
    solution = _exact_solve(rows, [target(x) for x in samples])
    if solution is None:
        return MinWidthResult(len(chosen), "exact re-solve inconsistent", seconds=seconds, solver=name)
    values = dict(zip(columns, solution))
    neurons = [(slots[s][0], slots[s][1], values[("Y", s)], values.get(("B", s), Fraction(0))) for s in chosen]
    confirmed = False
    if isinstance(target, PiecewiseLinearTarget) and neurons:
        confirmed = network_cpwl(neurons, values["c"], unit, a).equals(target.to_cpwl())
    return MinWidthResult(len(chosen), termination, neurons, values["c"], confirmed, seconds, name)


def exact_min_width(target: PiecewiseLinearTarget, family: str, leaky_slope=DEFAULT_LEAKY_SLOPE) -> tuple:
    """The minimal width, proved: ``(width, argument)`` with the lower-bound argument as data.

    Examples
    --------
    >>> exact_min_width(abs_target(), "leaky_relu")
    (2, {'kinks': 1, 'orientations_checked': 2})
    >>> exact_min_width(hat_target(), "la")
    (3, {'kinks': 3, 'orientations_checked': 0})
    """
    if family not in FAMILIES:
        raise UsageError(f"family must be one of {', '.join(FAMILIES)}, got {family!r}")
    a = to_rational(leaky_slope, "leaky_slope")
    kinks = target.kinks()
    k = len(kinks)
    if family == "la":
        width = k if (k or target.slope_left == 0) else 1
        return width, {"kinks": k, "orientations_checked": 0}
    if k == 0:
        # affine target: constant (width 0), or a non-zero slope, which needs a pair relu(y) - relu(-y):
        # one neuron with v != 0 always has a kink
        return (0 if target.slope_left == 0 else 2), {"kinks": 0, "orientations_checked": 0}
    for orientation in itertools.product((1, -1), repeat=k):
        slope = Fraction(0)
        for (t, d), sigma in zip(kinks, orientation):
            v = d if family == "relu" else d / (1 - a)
            slope += (0 if family == "relu" else a * v) if sigma == 1 else -v
        if slope == target.slope_left:
            return k, {"kinks": k, "orientations_checked": 2**k}
    return k + 1, {"kinks": k, "orientations_checked": 2**k}


def jump_obstruction_2d(target: MaxOfAffineTarget, normal, offset, points) -> list:
    """The gradient jumps of a max-of-affine target across a line at given points (exact).

    At each point exactly one or two pieces may be active; two active pieces must differ by a multiple
    of ``normal . x + offset`` (so the target is ``max`` of two pieces across the line near the point).
    Returns the jump vectors (positive side minus negative side).

    Examples
    --------
    >>> jump_obstruction_2d(max3_target(), (1, 0), 0, [(0, -1), (0, 1)])
    [(Fraction(1, 1), Fraction(0, 1)), (Fraction(0, 1), Fraction(0, 1))]
    """
    normal = tuple(to_rational(v, "normal") for v in normal)
    offset = to_rational(offset, "offset")
    jumps = []
    for point in points:
        point = tuple(to_rational(v, "point") for v in point)
        if sum(n * p for n, p in zip(normal, point)) + offset != 0:
            raise UsageError(f"{point} is not on the line")
        values = [sum((g_i * p for g_i, p in zip(g, point)), Fraction(0)) + h for g, h in target.pieces]
        top = max(values)
        active = list(dict.fromkeys(target.pieces[i] for i, v in enumerate(values) if v == top))
        if len(active) == 1:
            jumps.append(tuple(Fraction(0) for _ in normal))
            continue
        if len(active) != 2:
            raise UsageError(f"{len(active)} pieces are active at {point}; choose a point where at most two are")
        (g, h), (g2, h2) = active
        difference = [x - y for x, y in zip(g, g2)]
        lead = next(i for i, v in enumerate(normal) if v != 0)
        ratio = difference[lead] / normal[lead]
        if ratio == 0 or any(d != ratio * n for d, n in zip(difference, normal)) or h - h2 != ratio * offset:
            raise UsageError(f"the active pieces at {point} do not meet along this line")
        plus, minus = ((g, g2) if ratio > 0 else (g2, g))
        jumps.append(tuple(p - m for p, m in zip(plus, minus)))
    return jumps
