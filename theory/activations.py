"""The activation dictionary and symbolic FFNs of the three families: fixed, LA and MoA.

Definitions (the best reading of Wang, Wang, Xia, Shen, Zhong, arXiv 2605.26647; where the source is
unclear the more general form is taken):

* **Dictionary** ``D = (identity, relu, relu2, leaky_relu, gelu, silu, tanh)``, as sympy expressions
  (:func:`activation`).  ``leaky_relu`` has negative slope :data:`LEAKY_SLOPE` = 1/100 (torch's default)
  unless another rational slope is given.
* **Type-I** (ReLU-type) layer: ``f(x) = W2 m(W1 x + b1) + b2``; **Type-II** (SwiGLU-type):
  ``g(x) = W3 ( m(W1 x + b1) * r(W2 x + b2) ) + b3`` with ``*`` elementwise.
* The *mixing* ``m`` (a :class:`Mixing`) says the family: **fixed** ``m = s`` (one dictionary entry),
  **LA** ``m = sum_k alpha_k s_k`` with learned scalars, **MoA** ``m(x; z) = sum_k pi_k(x) s_k(z)`` with gates
  ``pi_k(x) = sigmoid(u_k . x + c_k)`` or ``tanh(u_k . x + c_k)``: one scalar per token and entry, shared by all
  hidden neurons.  With ``u_k = 0`` a gate is a constant, so MoA contains LA.
* Type-II *one-sided* variants mix the left branch only (``r`` is the identity); *bi-sided* variants
  (bi-LA, bi-MoA) mix both branches with their own weights / gates.

Every Type-I network expands into a sum of :class:`GatedUnit` terms ``a * gate(u.x + c) * s(w.x + b)``;
:mod:`lincomb.theory.activation_invariants` computes the separating invariants from that expansion.

Examples
--------
>>> import sympy as sp
>>> y = sp.Symbol("y", real=True)
>>> activation("relu2", y).subs(y, 3)
9
>>> la = SymbolicFFN.type1([[1]], [0], [[1]], [0], Mixing.learnable({"relu": 1, "relu2": 1}))
>>> la.family, la(["1/2"])
('la', 3/4)
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Mapping

import sympy as sp

from lincomb.errors import NotRationalError, ShapeError, UsageError
from lincomb.theory.rationals import to_rational

__all__ = [
    "DICTIONARY",
    "GATES",
    "LEAKY_SLOPE",
    "PIECEWISE_POLYNOMIAL",
    "Gate",
    "GatedUnit",
    "Mixing",
    "SymbolicFFN",
    "activation",
    "gate_function",
    "to_sympy_number",
]

#: The activation dictionary, in the paper's order.
DICTIONARY = ("identity", "relu", "relu2", "leaky_relu", "gelu", "silu", "tanh")
#: Gate functions of MoA.
GATES = ("sigmoid", "tanh")
#: Default negative slope of LeakyReLU (torch's default 0.01).
LEAKY_SLOPE = Fraction(1, 100)

#: Dictionary entries that are piecewise polynomial with one breakpoint at 0:
#: name -> (coefficients for y < 0, coefficients for y > 0), lowest degree first.
#: ``leaky_relu`` is listed with the default slope; a unit carries its own slope (``GatedUnit.leaky_slope``).
PIECEWISE_POLYNOMIAL = {
    "identity": ((Fraction(0), Fraction(1)), (Fraction(0), Fraction(1))),
    "relu": ((Fraction(0),), (Fraction(0), Fraction(1))),
    "relu2": ((Fraction(0),), (Fraction(0), Fraction(0), Fraction(1))),
    "leaky_relu": ((Fraction(0), LEAKY_SLOPE), (Fraction(0), Fraction(1))),
}


def to_sympy_number(value: Any, what: str = "value", allow_float: bool = False) -> sp.Expr:
    """An exact sympy number from an int, a Fraction, a ``"p/q"`` string or a sympy expression.

    Floats are refused unless ``allow_float`` (then they become ``sympy.Float``, and the result is
    labelled inexact by :class:`SymbolicFFN`).

    Examples
    --------
    >>> to_sympy_number("3/6")
    1/2
    >>> to_sympy_number(0.5)
    Traceback (most recent call last):
    ...
    lincomb.errors.NotRationalError: value: 0.5 is a float; pass "p/q" or a Fraction, or allow_float=True
    """
    if isinstance(value, sp.Basic):
        return value
    if isinstance(value, float):
        if not allow_float:
            raise NotRationalError(f"{what}: {value!r} is a float; pass \"p/q\" or a Fraction, or allow_float=True")
        return sp.Float(value)
    fraction = to_rational(value, what)
    return sp.Rational(fraction.numerator, fraction.denominator)


def activation(name: str, y: sp.Expr, leaky_slope: Any = LEAKY_SLOPE) -> sp.Expr:
    """The dictionary entry ``name`` applied to the sympy expression ``y``.

    ReLU-type entries are ``Piecewise`` expressions; GELU is ``y (1 + erf(y / sqrt 2)) / 2``, SiLU is
    ``y / (1 + exp(-y))``.

    Examples
    --------
    >>> import sympy as sp
    >>> y = sp.Symbol("y", real=True)
    >>> activation("leaky_relu", y).subs(y, -2)
    -1/50
    >>> activation("gelu", y)
    y*(erf(sqrt(2)*y/2) + 1)/2
    >>> activation("softplus", y)
    Traceback (most recent call last):
    ...
    lincomb.errors.UsageError: unknown activation 'softplus'; the dictionary is identity, relu, relu2, leaky_relu, gelu, silu, tanh
    """
    if name == "identity":
        return y
    if name == "relu":
        return sp.Piecewise((y, y > 0), (0, True))
    if name == "relu2":
        return sp.Piecewise((y**2, y > 0), (0, True))
    if name == "leaky_relu":
        return sp.Piecewise((y, y > 0), (to_sympy_number(leaky_slope, "leaky_slope") * y, True))
    if name == "gelu":
        return y * (1 + sp.erf(y / sp.sqrt(2))) / 2
    if name == "silu":
        return y / (1 + sp.exp(-y))
    if name == "tanh":
        return sp.tanh(y)
    raise UsageError(f"unknown activation {name!r}; the dictionary is {', '.join(DICTIONARY)}")


def gate_function(name: str, y: sp.Expr) -> sp.Expr:
    """A MoA gate: ``sigmoid(y) = 1 / (1 + exp(-y))``, ``tanh(y)``, or ``one`` (the constant 1 of LA).

    Examples
    --------
    >>> import sympy as sp
    >>> gate_function("sigmoid", sp.Integer(0))
    1/2
    >>> gate_function("one", sp.Symbol("y"))
    1
    """
    if name == "sigmoid":
        return 1 / (1 + sp.exp(-y))
    if name == "tanh":
        return sp.tanh(y)
    if name == "one":
        return sp.Integer(1)
    raise UsageError(f"unknown gate {name!r}; choose sigmoid, tanh (MoA) or one (LA / fixed)")


def _vector(values, what: str, allow_float: bool) -> tuple:
    try:
        return tuple(to_sympy_number(v, f"{what}[{i}]", allow_float) for i, v in enumerate(values))
    except TypeError:
        raise ShapeError(f"{what} must be a list of numbers, got {values!r}") from None


def _matrix(rows, what: str, allow_float: bool) -> tuple:
    matrix = tuple(_vector(row, f"{what}[{i}]", allow_float) for i, row in enumerate(rows))
    if not matrix or len({len(row) for row in matrix}) != 1 or not matrix[0]:
        raise ShapeError(f"{what} must be a non-empty rectangular matrix (list of equal-length rows)")
    return matrix


@dataclass(frozen=True)
class Gate:
    """A MoA gate ``kind(weights . x + bias)`` with ``kind`` in ``("sigmoid", "tanh")``.

    Examples
    --------
    >>> g = Gate("tanh", ["2", 0], 0)
    >>> g.expression([1, 5])
    tanh(2)
    """

    kind: str
    weights: tuple
    bias: Any = 0

    def __post_init__(self) -> None:
        if self.kind not in GATES:
            raise UsageError(f"unknown gate {self.kind!r}; choose one of {', '.join(GATES)}")
        object.__setattr__(self, "weights", tuple(self.weights))

    def expression(self, symbols, allow_float: bool = False) -> sp.Expr:
        """The gate as a sympy expression of the input ``symbols``.

        Examples
        --------
        >>> import sympy as sp
        >>> Gate("sigmoid", [1], "1/2").expression([sp.Symbol("x")])
        1/(exp(-x - 1/2) + 1)
        """
        weights = _vector(self.weights, "gate weights", allow_float)
        if len(weights) != len(symbols):
            raise ShapeError(f"gate has {len(weights)} weights for {len(symbols)} inputs")
        argument = sum((w * s for w, s in zip(weights, symbols)), sp.Integer(0))
        return gate_function(self.kind, argument + to_sympy_number(self.bias, "gate bias", allow_float))


@dataclass(frozen=True)
class Mixing:
    """How a branch mixes the dictionary: fixed, LA (scalars) or MoA (gates).

    ``entries`` is a tuple of ``(activation name, weight)``; the weight is a number (fixed / LA) or a
    :class:`Gate` (MoA).  Build it with :meth:`fixed`, :meth:`learnable` or :meth:`gated`.

    Examples
    --------
    >>> Mixing.fixed("gelu").family
    'fixed'
    >>> Mixing.gated({"relu": Gate("tanh", [1, 0])}).family
    'moa'
    """

    entries: tuple
    leaky_slope: Any = LEAKY_SLOPE

    def __post_init__(self) -> None:
        if not self.entries:
            raise UsageError("a mixing needs at least one dictionary entry")
        for name, _ in self.entries:
            if name not in DICTIONARY:
                raise UsageError(f"unknown activation {name!r}; the dictionary is {', '.join(DICTIONARY)}")

    @classmethod
    def fixed(cls, name: str, leaky_slope: Any = LEAKY_SLOPE) -> "Mixing":
        """A single fixed activation (weight 1).

        Examples
        --------
        >>> Mixing.fixed("relu").entries
        (('relu', 1),)
        """
        return cls(((name, 1),), leaky_slope)

    @classmethod
    def learnable(cls, alphas: Mapping[str, Any], leaky_slope: Any = LEAKY_SLOPE) -> "Mixing":
        """LA: ``sum_k alpha_k s_k`` with scalar weights ``alphas[name]``.

        Examples
        --------
        >>> Mixing.learnable({"relu": 1, "relu2": "1/2"}).family
        'la'
        """
        return cls(tuple(alphas.items()), leaky_slope)

    @classmethod
    def gated(cls, gates: Mapping[str, Gate], leaky_slope: Any = LEAKY_SLOPE) -> "Mixing":
        """MoA: ``sum_k pi_k(x) s_k`` with a :class:`Gate` per entry.

        Examples
        --------
        >>> Mixing.gated({"identity": Gate("sigmoid", [0], 3)}).entries[0][0]
        'identity'
        """
        for name, gate in gates.items():
            if not isinstance(gate, Gate):
                raise UsageError(f"MoA entry {name!r} needs a Gate, got {gate!r}")
        return cls(tuple(gates.items()), leaky_slope)

    @property
    def family(self) -> str:
        """``"fixed"`` (one entry, weight 1), ``"la"`` (scalar weights) or ``"moa"`` (gates).

        Examples
        --------
        >>> Mixing.learnable({"relu": 1}).family   # one entry with weight 1 is the fixed ReLU
        'fixed'
        """
        if any(isinstance(weight, Gate) for _, weight in self.entries):
            return "moa"
        if len(self.entries) == 1 and to_sympy_number(self.entries[0][1], allow_float=True) == 1:
            return "fixed"
        return "la"

    def expression(self, z: sp.Expr, symbols, allow_float: bool = False) -> sp.Expr:
        """The mixed activation at pre-activation ``z``; ``symbols`` are the inputs (for gates).

        Examples
        --------
        >>> import sympy as sp
        >>> z = sp.Symbol("z", real=True)
        >>> Mixing.learnable({"identity": 2, "tanh": -1}).expression(z, [z])
        2*z - tanh(z)
        """
        total = sp.Integer(0)
        for name, weight in self.entries:
            factor = (
                weight.expression(symbols, allow_float)
                if isinstance(weight, Gate)
                else to_sympy_number(weight, f"weight of {name}", allow_float)
            )
            total += factor * activation(name, z, self.leaky_slope)
        return total


@dataclass(frozen=True)
class GatedUnit:
    """One term ``coefficient * gate(gate_weights . x + gate_bias) * s(weights . x + bias)`` of a Type-I FFN.

    ``gate`` is ``"one"`` for fixed and LA terms (then the gate fields are unused).

    Examples
    --------
    >>> u = GatedUnit(2, "one", (), 0, "relu", (1,), -1)
    >>> u.expression(__import__("sympy").symbols("x1:2", real=True))
    2*Piecewise((x1 - 1, x1 > 1), (0, True))
    """

    coefficient: Any
    gate: str
    gate_weights: tuple
    gate_bias: Any
    activation: str
    weights: tuple
    bias: Any
    leaky_slope: Any = LEAKY_SLOPE

    def expression(self, symbols) -> sp.Expr:
        """The unit as a sympy expression of the inputs.

        Examples
        --------
        >>> import sympy as sp
        >>> x = sp.symbols("x1:3", real=True)
        >>> GatedUnit(1, "tanh", (3, 0), 0, "identity", (0, 1), 0).expression(x)
        x2*tanh(3*x1)
        """
        z = sum((sp.sympify(w) * s for w, s in zip(self.weights, symbols)), sp.Integer(0)) + sp.sympify(self.bias)
        if self.gate == "one":
            factor = sp.Integer(1)
        else:
            g = sum((sp.sympify(w) * s for w, s in zip(self.gate_weights, symbols)), sp.Integer(0))
            factor = gate_function(self.gate, g + sp.sympify(self.gate_bias))
        return sp.sympify(self.coefficient) * factor * activation(self.activation, z, self.leaky_slope)


class SymbolicFFN:
    """A one-layer FFN of one of the three families, Type-I or Type-II, as an exact sympy object.

    Build with :meth:`type1` (``W2 m(W1 x + b1) + b2``) or :meth:`type2`
    (``W3 (m(W1 x + b1) * r(W2 x + b2)) + b3``; ``right=None`` means ``r`` = identity, the one-sided
    variant).  The output is scalar (``W2`` / ``W3`` has one row).

    Attributes
    ----------
    kind : str
        ``"type1"`` or ``"type2"``.
    family : str
        ``"fixed"``, ``"la"`` or ``"moa"`` (the most general of the branches' families).
    exact : bool
        True when every weight is an exact rational (or sympy expression); False when floats were
        allowed (``allow_float=True``, e.g. an export of float weights).
    input_dimension, width : int

    Examples
    --------
    >>> moa = SymbolicFFN.type1([[0, 1]], [0], [[1]], [0], Mixing.gated({"relu": Gate("tanh", [3, 0])}))
    >>> moa.expression()
    Piecewise((x2, x2 > 0), (0, True))*tanh(3*x1)
    >>> moa.family, moa.width, moa.exact
    ('moa', 1, True)
    """

    def __init__(self, kind, matrices, biases, left: Mixing, right: Mixing | None, allow_float: bool = False):
        self.kind = kind
        self.left = left
        self.right = right
        self.allow_float = allow_float
        self.matrices = tuple(_matrix(m, f"W{i + 1}", allow_float) for i, m in enumerate(matrices))
        self.biases = tuple(_vector(b, f"b{i + 1}", allow_float) for i, b in enumerate(biases))
        first = self.matrices[0]
        self.input_dimension = len(first[0])
        self.width = len(first)
        hidden = self.matrices[:-1]
        for index, matrix in enumerate(hidden):
            if len(matrix) != self.width or len(matrix[0]) != self.input_dimension:
                raise ShapeError(f"W{index + 1} must be {self.width} x {self.input_dimension}")
            if len(self.biases[index]) != self.width:
                raise ShapeError(f"b{index + 1} must have {self.width} entries")
        out = self.matrices[-1]
        if len(out) != 1 or len(out[0]) != self.width:
            raise ShapeError(f"the output matrix must be 1 x {self.width} (a scalar output)")
        if len(self.biases[-1]) != 1:
            raise ShapeError("the output bias must have exactly one entry")
        for mixing in (left, right):
            if mixing is None:
                continue
            for _, weight in mixing.entries:
                if isinstance(weight, Gate) and len(weight.weights) != self.input_dimension:
                    raise ShapeError(f"a gate needs {self.input_dimension} weights, got {len(weight.weights)}")
        self.exact = not any(
            isinstance(v, sp.Float)
            for group in (*self.matrices, *self.biases)
            for row in (group if isinstance(group[0], tuple) else (group,))
            for v in row
        ) and not self._float_mixing()

    def _float_mixing(self) -> bool:
        for mixing in (self.left, self.right):
            if mixing is None:
                continue
            for _, weight in mixing.entries:
                values = [*weight.weights, weight.bias] if isinstance(weight, Gate) else [weight]
                if any(isinstance(v, float) for v in values):
                    return True
        return False

    @classmethod
    def type1(cls, W1, b1, W2, b2, mixing: Mixing, allow_float: bool = False) -> "SymbolicFFN":
        """Type-I: ``f(x) = W2 m(W1 x + b1) + b2``.

        Examples
        --------
        >>> SymbolicFFN.type1([[1], [-1]], [0, 0], [[1, 1]], [0], Mixing.fixed("relu"))(["-3"])
        3
        """
        return cls("type1", (W1, W2), (b1, b2), mixing, None, allow_float)

    @classmethod
    def type2(cls, W1, b1, W2, b2, W3, b3, left: Mixing, right: Mixing | None = None,
              allow_float: bool = False) -> "SymbolicFFN":
        """Type-II: ``g(x) = W3 (m(W1 x + b1) * r(W2 x + b2)) + b3``; ``right=None`` is one-sided.

        Examples
        --------
        >>> g = SymbolicFFN.type2([[1]], [0], [[1]], [1], [[1]], [0], Mixing.fixed("relu"))
        >>> g.expression()   # ReGLU of width 1: relu(x) (x + 1) = relu(x) + relu(x)^2
        (x1 + 1)*Piecewise((x1, x1 > 0), (0, True))
        """
        return cls("type2", (W1, W2, W3), (b1, b2, b3), left, right, allow_float)

    @property
    def family(self) -> str:
        """The most general family among the branches: ``"moa"`` > ``"la"`` > ``"fixed"``.

        Examples
        --------
        >>> SymbolicFFN.type2([[1]], [0], [[1]], [0], [[1]], [0], Mixing.fixed("silu"),
        ...                   Mixing.learnable({"relu": 1, "tanh": 1})).family
        'la'
        """
        order = ("fixed", "la", "moa")
        families = [m.family for m in (self.left, self.right) if m is not None]
        return max(families, key=order.index)

    @property
    def variant(self) -> str:
        """``"type1"``, ``"type2-one-sided"`` or ``"type2-bi-sided"``.

        Examples
        --------
        >>> SymbolicFFN.type1([[1]], [0], [[1]], [0], Mixing.fixed("relu")).variant
        'type1'
        """
        if self.kind == "type1":
            return "type1"
        return "type2-one-sided" if self.right is None else "type2-bi-sided"

    def symbols(self) -> tuple:
        """The input symbols ``x1, ..., xn`` (real).

        Examples
        --------
        >>> SymbolicFFN.type1([[1, 2]], [0], [[1]], [0], Mixing.fixed("tanh")).symbols()
        (x1, x2)
        """
        return sp.symbols(f"x1:{self.input_dimension + 1}", real=True)

    def _preactivation(self, index: int, symbols) -> list:
        matrix, bias = self.matrices[index], self.biases[index]
        return [sum((w * s for w, s in zip(row, symbols)), sp.Integer(0)) + b for row, b in zip(matrix, bias)]

    def expression(self, symbols=None) -> sp.Expr:
        """The network as a sympy expression (in :meth:`symbols` unless others are given).

        Examples
        --------
        >>> SymbolicFFN.type1([[2]], [0], [[1]], [0], Mixing.learnable({"silu": "1/2", "identity": -1})).expression()
        -2*x1 + x1/(1 + exp(-2*x1))
        """
        symbols = tuple(symbols) if symbols is not None else self.symbols()
        if len(symbols) != self.input_dimension:
            raise ShapeError(f"expected {self.input_dimension} symbols, got {len(symbols)}")
        left = [self.left.expression(z, symbols, self.allow_float) for z in self._preactivation(0, symbols)]
        if self.kind == "type1":
            hidden = left
        else:
            right_z = self._preactivation(1, symbols)
            right = right_z if self.right is None else [self.right.expression(z, symbols, self.allow_float) for z in right_z]
            hidden = [a * b for a, b in zip(left, right)]
        out, bias = self.matrices[-1][0], self.biases[-1][0]
        return sum((w * h for w, h in zip(out, hidden)), sp.Integer(0)) + bias

    def __call__(self, point) -> sp.Expr:
        """The value at a point (exact where the point and weights are; simplified).

        Examples
        --------
        >>> SymbolicFFN.type1([[1]], [0], [[1]], [0], Mixing.fixed("relu2"))(["-1/2"])
        0
        """
        symbols = self.symbols()
        values = [to_sympy_number(v, "point", allow_float=True) for v in point]
        if len(values) != len(symbols):
            raise ShapeError(f"point has {len(values)} coordinates, the network {len(symbols)} inputs")
        return sp.simplify(self.expression(symbols).subs(dict(zip(symbols, values))))

    def units(self) -> list[GatedUnit]:
        """The Type-I expansion into :class:`GatedUnit` terms (zero terms dropped).

        Type-II networks are products of branches and have no such expansion.

        Examples
        --------
        >>> f = SymbolicFFN.type1([[1]], [0], [[2]], [0], Mixing.learnable({"relu": 1, "relu2": 3}))
        >>> [(u.activation, u.coefficient) for u in f.units()]
        [('relu', 2), ('relu2', 6)]
        """
        if self.kind != "type1":
            raise UsageError("units() exists for Type-I networks only; a Type-II layer multiplies two branches")
        units = []
        out = self.matrices[-1][0]
        for i, (row, bias) in enumerate(zip(self.matrices[0], self.biases[0])):
            for name, weight in self.left.entries:
                if isinstance(weight, Gate):
                    coefficient = out[i]
                    gate = (weight.kind, _vector(weight.weights, "gate weights", self.allow_float),
                            to_sympy_number(weight.bias, "gate bias", self.allow_float))
                else:
                    coefficient = out[i] * to_sympy_number(weight, f"weight of {name}", self.allow_float)
                    gate = ("one", (), sp.Integer(0))
                if coefficient == 0:
                    continue
                units.append(GatedUnit(coefficient, gate[0], gate[1], gate[2], name, row, bias, self.left.leaky_slope))
        return units

    def output_bias(self) -> sp.Expr:
        """The output bias (a constant added to the sum of units).

        Examples
        --------
        >>> SymbolicFFN.type1([[1]], [0], [[1]], ["5/2"], Mixing.fixed("relu")).output_bias()
        5/2
        """
        return self.biases[-1][0]

    def __repr__(self) -> str:
        return f"SymbolicFFN({self.variant}, {self.family}, width={self.width}, n={self.input_dimension})"
