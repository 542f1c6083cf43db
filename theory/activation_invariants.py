"""Exact invariants that separate the activation families (fixed, LA, MoA).

Three invariants, each computed exactly:

* **Piece structure and smoothness class of a 1-D restriction.**  A Type-I network whose units are
  piecewise polynomial (identity, ReLU, ReLU^2, LeakyReLU) restricts to a line as a
  :class:`PiecewisePolynomial` with rational breakpoints and coefficients (:func:`restriction_1d`).
* **One-sided derivatives at kinks** (:meth:`PiecewisePolynomial.kinks`, and
  :func:`one_sided_derivatives` for any sympy expression).
* **The gradient jump across a kink hyperplane, as a function along it** (:func:`gradient_jumps`):
  across ``H = {w.x + b = 0}`` a unit ``a * gate(x) * s(w.x + b)`` with ``s`` ReLU-type jumps by
  ``a * gate(x) * |lambda| * (s'(0+) - s'(0-)) * w_hat`` (``w = lambda w_hat``, ``w_hat`` normalised);
  LA and fixed units have ``gate = 1``, so their jump is constant along ``H``.

Every fixed activation lies in a class closed under ``x -> a s(w x + b) + c`` and finite sums
(:func:`activation_class`): affine, piecewise linear, C^1, or real analytic.

Examples
--------
>>> from lincomb.theory.activations import SymbolicFFN, Mixing, Gate
>>> la = SymbolicFFN.type1([[1]], [0], [[1]], [0], Mixing.learnable({"relu": 1, "relu2": 1}))
>>> pp = restriction_1d(la)
>>> pp.kinks()
[(Fraction(0, 1), Fraction(0, 1), Fraction(1, 1))]
>>> moa = SymbolicFFN.type1([[0, 1]], [0], [[1]], [0], Mixing.gated({"relu": Gate("tanh", [3, 0])}))
>>> jump = gradient_jumps(moa)[0]
>>> jump.is_constant_along()
False
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import sympy as sp

from lincomb.errors import NotRationalError, UsageError
from lincomb.theory.activations import DICTIONARY, PIECEWISE_POLYNOMIAL, GatedUnit, SymbolicFFN, activation
from lincomb.theory.rationals import rational_str, to_rational

__all__ = [
    "GradientJump",
    "PiecewisePolynomial",
    "activation_class",
    "gradient_jump_at",
    "gradient_jumps",
    "one_sided_derivatives",
    "restriction_1d",
    "separating_invariant_1d",
]

#: Which closed function class each dictionary entry (and so every Type-I FFN of any width built
#: from it alone) lies in.  ``activation_class`` re-derives these with sympy.
_CLASS_OF = {
    "identity": "affine",
    "relu": "piecewise-linear",
    "leaky_relu": "piecewise-linear",
    "relu2": "C1",
    "gelu": "analytic",
    "silu": "analytic",
    "tanh": "analytic",
}


def _fraction(value: Any, what: str) -> Fraction:
    if isinstance(value, sp.Basic):
        value = sp.nsimplify(value) if isinstance(value, sp.Float) else value
        if not value.is_Rational:
            raise NotRationalError(f"{what}: {value} is not an exact rational; this invariant needs rational weights")
        return Fraction(int(value.p), int(value.q))
    return to_rational(value, what)


def _poly_trim(coefficients) -> tuple:
    coefficients = list(coefficients)
    while len(coefficients) > 1 and coefficients[-1] == 0:
        coefficients.pop()
    return tuple(coefficients) or (Fraction(0),)


def _poly_add(p, q) -> tuple:
    size = max(len(p), len(q))
    return _poly_trim([(p[i] if i < len(p) else 0) + (q[i] if i < len(q) else 0) for i in range(size)])


def _poly_scale_compose(coefficients, scale: Fraction, slope: Fraction, offset: Fraction) -> tuple:
    """``scale * P(slope * t + offset)`` as a polynomial in t (Horner with polynomial arithmetic)."""
    result = [Fraction(0)]
    for c in reversed(coefficients):
        shifted = [Fraction(0)] * (len(result) + 1)
        for i, r in enumerate(result):  # result * (slope t + offset)
            shifted[i] += r * offset
            shifted[i + 1] += r * slope
        shifted[0] += c
        result = shifted
    return _poly_trim([scale * r for r in result])


def _poly_eval(coefficients, t: Fraction) -> Fraction:
    value = Fraction(0)
    for c in reversed(coefficients):
        value = value * t + c
    return value


def _poly_derivative(coefficients) -> tuple:
    return _poly_trim([i * c for i, c in enumerate(coefficients)][1:] or [Fraction(0)])


class PiecewisePolynomial:
    """A function on R that is a polynomial on each interval between rational breakpoints.

    Parameters
    ----------
    breakpoints : sequence of rationals, strictly increasing
    pieces : sequence of coefficient lists (lowest degree first), one more than breakpoints

    Breakpoints where the two neighbouring pieces are equal are removed (they are not breakpoints).

    Examples
    --------
    >>> f = PiecewisePolynomial([0], [[0], [0, 1, 1]])     # relu(x) + relu(x)^2
    >>> f(2), f.max_degree, f.is_continuous(), f.smoothness_order()
    (Fraction(6, 1), 2, True, 0)
    """

    def __init__(self, breakpoints, pieces):
        points = [to_rational(b, "breakpoint") for b in breakpoints]
        polys = [_poly_trim([to_rational(c, "coefficient") for c in p]) for p in pieces]
        if len(polys) != len(points) + 1:
            raise UsageError(f"{len(points)} breakpoints need {len(points) + 1} pieces, got {len(polys)}")
        if any(a >= b for a, b in zip(points, points[1:])):
            raise UsageError("breakpoints must be strictly increasing")
        kept_points, kept_polys = [], [polys[0]]
        for point, poly in zip(points, polys[1:]):
            if poly == kept_polys[-1]:
                continue  # not a breakpoint: the same polynomial on both sides
            kept_points.append(point)
            kept_polys.append(poly)
        self.breakpoints: tuple = tuple(kept_points)
        self.pieces: tuple = tuple(kept_polys)

    def __call__(self, t) -> Fraction:
        """The value at a rational point (at a breakpoint, the right piece; continuous functions agree).

        Examples
        --------
        >>> PiecewisePolynomial([0], [[0], [0, 1]])("-1/2")
        Fraction(0, 1)
        """
        t = to_rational(t, "t")
        index = sum(1 for b in self.breakpoints if b <= t)
        return _poly_eval(self.pieces[index], t)

    @property
    def max_degree(self) -> int:
        """The largest degree of a piece.

        Examples
        --------
        >>> PiecewisePolynomial([], [[1, 2]]).max_degree
        1
        """
        return max(len(p) - 1 for p in self.pieces)

    def one_sided_derivatives(self, index: int, order: int = 1) -> tuple:
        """``(left, right)`` values of the ``order``-th derivative at breakpoint number ``index``.

        Examples
        --------
        >>> PiecewisePolynomial([1], [[0], [-1, 1]]).one_sided_derivatives(0)
        (Fraction(0, 1), Fraction(1, 1))
        """
        point = self.breakpoints[index]
        left, right = self.pieces[index], self.pieces[index + 1]
        for _ in range(order):
            left, right = _poly_derivative(left), _poly_derivative(right)
        return _poly_eval(left, point), _poly_eval(right, point)

    def is_continuous(self) -> bool:
        """True when the pieces agree at every breakpoint.

        Examples
        --------
        >>> PiecewisePolynomial([0], [[0], [1]]).is_continuous()
        False
        """
        return all(l == r for l, r in (self.one_sided_derivatives(i, 0) for i in range(len(self.breakpoints))))

    def smoothness_order(self):
        """The largest r with the function C^r; ``None`` for a single polynomial (C^infinity), -1 if discontinuous.

        Examples
        --------
        >>> PiecewisePolynomial([0], [[0], [0, 0, 1]]).smoothness_order()     # relu(x)^2 is C^1
        1
        >>> PiecewisePolynomial([], [[0, 1, 1]]).smoothness_order() is None
        True
        """
        if not self.breakpoints:
            return None
        order = 0
        while True:
            if any(l != r for l, r in (self.one_sided_derivatives(i, order) for i in range(len(self.breakpoints)))):
                return order - 1
            order += 1

    def kinks(self) -> list:
        """``(point, left derivative, right derivative)`` at every breakpoint where the first derivative jumps.

        Examples
        --------
        >>> PiecewisePolynomial([0], [[0, -1], [0, 1]]).kinks()     # |x|
        [(Fraction(0, 1), Fraction(-1, 1), Fraction(1, 1))]
        """
        found = []
        for i, point in enumerate(self.breakpoints):
            left, right = self.one_sided_derivatives(i)
            if left != right:
                found.append((point, left, right))
        return found

    def to_json(self) -> dict:
        """Exact JSON data: breakpoints and coefficient lists as ``"p/q"`` strings.

        Examples
        --------
        >>> PiecewisePolynomial([0], [[0], [0, 1, 1]]).to_json()
        {'breakpoints': ['0'], 'pieces': [['0'], ['0', '1', '1']]}
        """
        return {
            "breakpoints": [rational_str(b) for b in self.breakpoints],
            "pieces": [[rational_str(c) for c in p] for p in self.pieces],
        }

    def __eq__(self, other) -> bool:
        return isinstance(other, PiecewisePolynomial) and (self.breakpoints, self.pieces) == (other.breakpoints, other.pieces)

    def __hash__(self) -> int:
        return hash((self.breakpoints, self.pieces))

    def __repr__(self) -> str:
        return f"PiecewisePolynomial(breakpoints={[str(b) for b in self.breakpoints]}, pieces={len(self.pieces)})"


def _units_of(network) -> tuple:
    if isinstance(network, SymbolicFFN):
        return network.units(), network.output_bias(), network.input_dimension
    units = list(network)
    if units and not all(isinstance(u, GatedUnit) for u in units):
        raise UsageError("expected a SymbolicFFN (Type-I) or a list of GatedUnit terms")
    return units, 0, len(units[0].weights) if units else 0


def restriction_1d(network, point=None, direction=None) -> PiecewisePolynomial:
    """The restriction ``t -> f(point + t direction)`` of a Type-I network with piecewise-polynomial units.

    The units must be ungated (fixed or LA) with activations in identity, ReLU, ReLU^2, LeakyReLU, and
    rational weights.  For a 1-D network ``point`` and ``direction`` default to 0 and 1.

    Examples
    --------
    >>> from lincomb.theory.activations import SymbolicFFN, Mixing
    >>> f = SymbolicFFN.type1([[1], [-1]], [0, 0], [[1, 1]], [0], Mixing.fixed("relu2"))
    >>> restriction_1d(f).pieces        # relu(x)^2 + relu(-x)^2 = x^2: no breakpoint at all
    ((Fraction(0, 1), Fraction(0, 1), Fraction(1, 1)),)
    """
    units, bias, dimension = _units_of(network)
    point = [Fraction(0)] * dimension if point is None else [to_rational(v, "point") for v in point]
    if direction is None:
        if dimension != 1:
            raise UsageError(f"a {dimension}-D network needs a point and a direction to restrict to a line")
        direction = [Fraction(1)]
    direction = [to_rational(v, "direction") for v in direction]
    if len(point) != dimension or len(direction) != dimension:
        raise UsageError(f"point and direction need {dimension} coordinates")
    terms = []  # (breakpoint or None, poly left of it, poly right of it)
    constant = [_fraction(bias, "output bias")]
    for index, unit in enumerate(units):
        if unit.gate != "one" or unit.activation not in PIECEWISE_POLYNOMIAL:
            raise UsageError(
                f"unit {index} ({unit.gate} gate, {unit.activation}) is not a piecewise polynomial; "
                "restriction_1d takes ungated identity / relu / relu2 / leaky_relu units"
            )
        a = _fraction(unit.coefficient, f"unit {index} coefficient")
        w = [_fraction(v, f"unit {index} weight") for v in unit.weights]
        slope = sum((wi * di for wi, di in zip(w, direction)), Fraction(0))
        offset = sum((wi * pi for wi, pi in zip(w, point)), Fraction(0)) + _fraction(unit.bias, f"unit {index} bias")
        negative, positive = PIECEWISE_POLYNOMIAL[unit.activation]
        if unit.activation == "leaky_relu":
            negative = (Fraction(0), _fraction(unit.leaky_slope, "leaky slope"))
        if slope == 0:  # constant along the line
            side = positive if offset > 0 else negative
            constant = list(_poly_add(constant, [a * _poly_eval(side, offset)]))
            continue
        left_poly = _poly_scale_compose(negative if slope > 0 else positive, a, slope, offset)
        right_poly = _poly_scale_compose(positive if slope > 0 else negative, a, slope, offset)
        terms.append((-offset / slope, left_poly, right_poly))
    breakpoints = sorted({b for b, _, _ in terms})
    pieces = []
    for k in range(len(breakpoints) + 1):
        poly = tuple(constant)
        for b, left_poly, right_poly in terms:
            # piece k lies right of breakpoints[:k]
            poly = _poly_add(poly, right_poly if b in breakpoints[:k] else left_poly)
        pieces.append(poly)
    return PiecewisePolynomial(breakpoints, pieces)


def one_sided_derivatives(expression: sp.Expr, symbol: sp.Symbol, point) -> tuple:
    """Left and right limits of ``d expression / d symbol`` at ``point``, with sympy.

    Examples
    --------
    >>> import sympy as sp
    >>> x = sp.Symbol("x", real=True)
    >>> one_sided_derivatives(activation("relu", x) + activation("relu2", x), x, 0)
    (0, 1)
    """
    derivative = sp.diff(expression, symbol)
    point = sp.sympify(point)
    # Substitute point -/+ e with e > 0 so that Piecewise conditions resolve, then let e -> 0+
    # (sympy's limit of a Piecewise at its own breakpoint is unreliable).
    e = sp.Symbol("epsilon_", positive=True)
    return tuple(
        sp.simplify(sp.limit(sp.piecewise_fold(derivative.subs(symbol, point + sign * e)), e, 0, "+"))
        for sign in (-1, 1)
    )


def activation_class(name: str) -> str:
    """The closed class of the dictionary entry, re-derived with sympy.

    ``"affine"``, ``"piecewise-linear"`` (finitely many affine pieces), ``"C1"`` (continuously
    differentiable, not analytic) or ``"analytic"`` (real-analytic on R).  Each class is closed under
    ``s -> a s(w x + b) + c`` and finite sums, so every Type-I FFN of any width with this single
    activation lies in it.  Piecewise entries are checked piece by piece (degrees, one-sided
    derivatives at 0); the others are checked to be built from polynomials, ``exp``, ``erf`` and
    ``tanh`` with a denominator ``1 + exp(-y) > 0``, hence analytic.

    Examples
    --------
    >>> [activation_class(n) for n in ("relu", "relu2", "gelu", "identity")]
    ['piecewise-linear', 'C1', 'analytic', 'affine']
    """
    if name not in DICTIONARY:
        raise UsageError(f"unknown activation {name!r}; the dictionary is {', '.join(DICTIONARY)}")
    y = sp.Symbol("y", real=True)
    expression = activation(name, y)
    if isinstance(expression, sp.Piecewise):
        (right, _), (left, _) = expression.args
        degrees = [sp.Poly(piece, y).degree() for piece in (left, right)]
        left_d, right_d = one_sided_derivatives(expression, y, 0)
        if max(degrees) <= 1:
            derived = "affine" if left_d == right_d else "piecewise-linear"
        elif left_d == right_d and sp.limit(expression, y, 0, "-") == sp.limit(expression, y, 0, "+"):
            derived = "C1" if sp.diff(left, y, 2).subs(y, 0) != sp.diff(right, y, 2).subs(y, 0) else "analytic"
        else:
            derived = "piecewise"
    else:
        allowed = (sp.exp, sp.erf, sp.tanh)
        functions = {type(f) for f in expression.atoms(sp.Function)}
        denominators_positive = all(
            sp.simplify(d - (1 + sp.exp(-y))) == 0 or d.is_positive
            for d in [sp.denom(term) for term in sp.Add.make_args(sp.together(expression))]
            if d != 1
        )
        if not all(issubclass(f, allowed) for f in functions) or not denominators_positive:
            derived = "unknown"
        elif expression.is_polynomial(y) and sp.Poly(expression, y).degree() <= 1:
            derived = "affine"
        else:
            derived = "analytic"
    if derived != _CLASS_OF[name]:
        raise UsageError(f"activation {name!r}: derived class {derived!r} disagrees with {_CLASS_OF[name]!r}")
    return derived


def separating_invariant_1d(witness: PiecewisePolynomial, name: str):
    """An exact invariant of ``witness`` that no Type-I FFN with the single activation ``name`` has, or None.

    * against ``affine`` / ``piecewise-linear`` classes: a piece of degree >= 2 (an affine function, or a
      finite piecewise-linear one, is affine on some subinterval of every interval; a polynomial of
      degree >= 2 on an interval is affine on none of its subintervals);
    * against ``affine`` / ``C1`` / ``analytic`` classes: a kink, where the one-sided derivatives differ.

    Returns ``{"invariant": "piece-degree", "piece": i, "degree": d}`` or
    ``{"invariant": "derivative-jump", "kink": j, "point": t, "left": l, "right": r}``; ``None`` when the
    witness has neither (it does not separate).

    Examples
    --------
    >>> w = PiecewisePolynomial([0], [[0], [0, 1, 1]])
    >>> separating_invariant_1d(w, "relu")["invariant"], separating_invariant_1d(w, "gelu")["invariant"]
    ('piece-degree', 'derivative-jump')
    >>> separating_invariant_1d(PiecewisePolynomial([], [[0, 0, 1]]), "relu2") is None   # x^2
    True
    """
    cls = activation_class(name)
    if cls in ("affine", "piecewise-linear"):
        for i, piece in enumerate(witness.pieces):
            if len(piece) - 1 >= 2:
                return {"invariant": "piece-degree", "piece": i, "degree": len(piece) - 1}
    if cls in ("affine", "C1", "analytic"):
        for j, (point, left, right) in enumerate(witness.kinks()):
            return {"invariant": "derivative-jump", "kink": j, "point": point, "left": left, "right": right}
    return None


# ---------------------------------------------------------------------------------------------
# gradient jumps across kink hyperplanes

#: ReLU-type entries: s'(0+) - s'(0-); the other entries are C^1 at 0 (no jump).
def _derivative_jump_at_zero(unit: GatedUnit) -> Fraction:
    if unit.activation == "relu":
        return Fraction(1)
    if unit.activation == "leaky_relu":
        return 1 - _fraction(unit.leaky_slope, "leaky slope")
    return Fraction(0)


def _normalised(weights, bias) -> tuple:
    """(w_hat, b_hat, lambda) with w = lambda w_hat, first non-zero entry of w_hat equal to 1."""
    lead = next(v for v in weights if v != 0)
    return tuple(v / lead for v in weights), bias / lead, lead


@dataclass(frozen=True)
class GradientJump:
    """The jump of the gradient across ``H = {normal . x + offset = 0}``: ``magnitude(x) * normal``.

    ``magnitude`` is ``sum_j c_j * gate_j(u_j . x + d_j)`` over ``terms = ((c_j, gate_j, u_j, d_j), ...)``
    (gate ``"one"`` is the constant 1), evaluated on H; the jump is "positive side minus negative side",
    the positive side being ``normal . x + offset > 0``.

    Examples
    --------
    >>> j = GradientJump((Fraction(0), Fraction(1)), Fraction(0), ((Fraction(1), "tanh", (Fraction(3), Fraction(0)), Fraction(0)),))
    >>> j.magnitude()
    tanh(3*x1)
    """

    normal: tuple
    offset: Fraction
    terms: tuple

    def magnitude(self, symbols=None) -> sp.Expr:
        """The magnitude as a sympy expression of the inputs.

        Examples
        --------
        >>> GradientJump((Fraction(1),), Fraction(0), ((Fraction(2), "one", (), Fraction(0)),)).magnitude()
        2
        """
        from lincomb.theory.activations import gate_function

        symbols = symbols or sp.symbols(f"x1:{len(self.normal) + 1}", real=True)
        total = sp.Integer(0)
        for c, gate, u, d in self.terms:
            argument = sum((sp.Rational(v.numerator, v.denominator) * s for v, s in zip(u, symbols)), sp.Integer(0))
            total += sp.Rational(c.numerator, c.denominator) * gate_function(gate, argument + sp.Rational(d.numerator, d.denominator))
        return total

    def point_on(self, parameters) -> tuple:
        """The point of H with the given coordinates along H's basis (``len(normal) - 1`` of them).

        The basis: the unit vectors e_i, i != k, corrected to lie in H, where k is the first
        coordinate of the normal that is non-zero (it equals 1).

        Examples
        --------
        >>> j = GradientJump((Fraction(0), Fraction(1)), Fraction(0), ())
        >>> j.point_on([5])
        (Fraction(5, 1), Fraction(0, 1))
        """
        n = len(self.normal)
        k = next(i for i, v in enumerate(self.normal) if v != 0)
        free = [i for i in range(n) if i != k]
        parameters = [to_rational(p, "parameter") for p in parameters]
        if len(parameters) != len(free):
            raise UsageError(f"a point of H needs {len(free)} parameters")
        point = [Fraction(0)] * n
        for i, p in zip(free, parameters):
            point[i] = p
        point[k] = -(self.offset + sum(self.normal[i] * point[i] for i in free)) / self.normal[k]
        return tuple(point)

    def is_constant_along(self) -> bool:
        """True when the magnitude is constant on H (sympy: every derivative along H simplifies to 0).

        Examples
        --------
        >>> GradientJump((Fraction(1),), Fraction(0), ((Fraction(2), "one", (), Fraction(0)),)).is_constant_along()
        True
        """
        n = len(self.normal)
        if n == 1:
            return True  # H is a point
        parameters = sp.symbols(f"t1:{n}", real=True)
        symbols = sp.symbols(f"x1:{n + 1}", real=True)
        k = next(i for i, v in enumerate(self.normal) if v != 0)
        free = [i for i in range(n) if i != k]
        coordinates = [sp.Integer(0)] * n
        for i, t in zip(free, parameters):
            coordinates[i] = t
        coordinates[k] = -(sp.Rational(self.offset.numerator, self.offset.denominator)
                           + sum(sp.Rational(self.normal[i].numerator, self.normal[i].denominator) * coordinates[i] for i in free))
        along = self.magnitude(symbols).subs(dict(zip(symbols, coordinates)))
        return all(sp.simplify(sp.diff(along, t)) == 0 for t in parameters)

    def values_differ(self, p, q) -> bool | None:
        """Whether the magnitude differs at the points p, q of H, decided exactly, or None if undecided.

        Gate-free terms cancel; for gated terms (sigmoid and tanh are strictly increasing) the sign of
        ``c (gate(a(p)) - gate(a(q)))`` is ``sign(c) sign(a(p) - a(q))``.  Terms with the same gate and
        argument are merged first.  If all non-zero signs agree and one is non-zero, the values differ
        (True); if no term changes, they are equal (False); mixed signs are undecided (None).

        Examples
        --------
        >>> j = GradientJump((Fraction(0), Fraction(1)), Fraction(0), ((Fraction(1), "tanh", (Fraction(3), Fraction(0)), Fraction(0)),))
        >>> j.values_differ(j.point_on([0]), j.point_on([1]))
        True
        """
        merged: dict = {}
        for c, gate, u, d in self.terms:
            if gate == "one":
                continue
            merged[(gate, u, d)] = merged.get((gate, u, d), Fraction(0)) + c
        signs = set()
        for (gate, u, d), c in merged.items():
            delta = sum((ui * (pi - qi) for ui, pi, qi in zip(u, p, q)), Fraction(0))
            if c != 0 and delta != 0:
                signs.add((c > 0) == (delta > 0))
        if not signs:
            return False
        return True if len(signs) == 1 else None

    def separating_points(self, tries=(0, 1, -1, 2, -2, 3)):
        """Two rational points of H where :meth:`values_differ` is True, or None.

        Examples
        --------
        >>> j = GradientJump((Fraction(0), Fraction(1)), Fraction(0), ((Fraction(1), "tanh", (Fraction(3), Fraction(0)), Fraction(0)),))
        >>> j.separating_points()
        ((Fraction(0, 1), Fraction(0, 1)), (Fraction(1, 1), Fraction(0, 1)))
        """
        free = len(self.normal) - 1
        if free == 0:
            return None
        base = self.point_on([0] * free)
        for axis in range(free):
            for t in tries[1:]:
                parameters = [0] * free
                parameters[axis] = t
                other = self.point_on(parameters)
                if self.values_differ(base, other):
                    return base, other
        return None

    def to_json(self) -> dict:
        """Exact JSON data of the jump.

        Examples
        --------
        >>> GradientJump((Fraction(1),), Fraction(0), ((Fraction(2), "one", (), Fraction(0)),)).to_json()["terms"][0]["gate"]
        'one'
        """
        return {
            "normal": [rational_str(v) for v in self.normal],
            "offset": rational_str(self.offset),
            "terms": [
                {"coefficient": rational_str(c), "gate": g, "gate_weights": [rational_str(v) for v in u],
                 "gate_bias": rational_str(d)}
                for c, g, u, d in self.terms
            ],
        }


def gradient_jumps(network) -> list[GradientJump]:
    """The gradient jump across every kink hyperplane of a Type-I network (fixed, LA or MoA).

    Units with ReLU or LeakyReLU create kinks on ``w.x + b = 0``; units on the same hyperplane are
    collected; smooth units (identity, ReLU^2, GELU, SiLU, tanh) are C^1 and add nothing.  Hyperplanes
    whose jump is identically zero (all terms cancel) are dropped.  Weights must be rational.

    Examples
    --------
    >>> from lincomb.theory.activations import SymbolicFFN, Mixing
    >>> la = SymbolicFFN.type1([[1, 0], [2, 0]], [0, 0], [[1, -1]], [0], Mixing.learnable({"relu": 1, "tanh": 1}))
    >>> [j.magnitude() for j in gradient_jumps(la)]       # relu(x1) - relu(2 x1): jump 1 - 2 = -1
    [-1]
    """
    units, _, dimension = _units_of(network)
    groups: dict = {}
    for index, unit in enumerate(units):
        jump = _derivative_jump_at_zero(unit)
        if jump == 0:
            continue
        w = tuple(_fraction(v, f"unit {index} weight") for v in unit.weights)
        if all(v == 0 for v in w):
            continue  # constant pre-activation: no kink
        normal, offset, lead = _normalised(w, _fraction(unit.bias, f"unit {index} bias"))
        # jump of s(lead * t) across t = 0 is |lead| (s'(0+) - s'(0-)), positive side t > 0
        c = _fraction(unit.coefficient, f"unit {index} coefficient") * abs(lead) * jump
        if unit.gate == "one":
            term = (c, "one", (), Fraction(0))
        else:
            term = (c, unit.gate, tuple(_fraction(v, f"unit {index} gate weight") for v in unit.gate_weights),
                    _fraction(unit.gate_bias, f"unit {index} gate bias"))
        groups.setdefault((normal, offset), []).append(term)
    jumps = []
    for (normal, offset), terms in groups.items():
        merged: dict = {}
        for c, g, u, d in terms:
            merged[(g, u, d)] = merged.get((g, u, d), Fraction(0)) + c
        kept = tuple((c, g, u, d) for (g, u, d), c in merged.items() if c != 0)
        if kept:
            jumps.append(GradientJump(normal, offset, kept))
    return jumps


def gradient_jump_at(expression: sp.Expr, symbols, normal, point) -> tuple:
    """The gradient jump of any sympy expression across the direction ``normal`` at ``point``, by limits.

    Returns ``lim_{e->0+} grad f(point + e normal) - lim_{e->0-} grad f(point + e normal)``, one
    component per symbol.  ``point`` may contain sympy symbols (a point moving along the hyperplane).

    Examples
    --------
    >>> import sympy as sp
    >>> x1, x2, s = sp.symbols("x1 x2 s", real=True)
    >>> f = sp.tanh(3 * x1) * activation("relu", x2)
    >>> gradient_jump_at(f, (x1, x2), (0, 1), (s, 0))
    (0, tanh(3*s))
    """
    e = sp.Symbol("epsilon_", positive=True)
    jump = []
    for x in symbols:
        derivative = sp.diff(expression, x)
        sides = []
        for sign in (1, -1):
            shifted = {y: sp.sympify(p) + sign * e * sp.sympify(n) for y, p, n in zip(symbols, point, normal)}
            value = sp.piecewise_fold(derivative.subs(shifted, simultaneous=True))
            sides.append(sp.limit(sp.simplify(value), e, 0, "+"))
        jump.append(sp.simplify(sides[0] - sides[1]))
    return tuple(jump)
