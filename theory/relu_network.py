"""Exact ReLU networks: layers of rational weights, exact evaluation, and the exact identity test.

A :class:`ReLUNetwork` is a list of affine layers ``(W, b)`` with ReLU after every layer but the last.
All entries are exact rationals (:func:`~lincomb.theory.rationals.to_rational`), so evaluation is exact and
:meth:`ReLUNetwork.equals` is a proof, not a sample: it compiles both sides to straight-line programs
(``docs/certificates.md``) and runs the complete cell-tree test :func:`~lincomb.theory.identity.prove_identity`.

Examples
--------
>>> net = ReLUNetwork([([[1, -1], [0, 1], [0, -1]], [0, 0, 0]), ([[1, 1, -1]], [0])])   # max(x1, x2)
>>> net([3, "7/2"]), net.hidden_layers, net.widths
(Fraction(7, 2), 1, (3,))
>>> from lincomb.theory.program import max_combination_program
>>> net.equals(max_combination_program([(1, [((1, 0), 0), ((0, 1), 0)])], 2))
True
"""

from __future__ import annotations

from fractions import Fraction

from lincomb.errors import NotRationalError, ShapeError, UsageError

from .identity import IdentityResult, prove_identity
from .program import Program, network_program, passthrough_pairs
from .rationals import rational_str, to_rational

__all__ = ["ReLUNetwork"]

_ZERO = Fraction(0)
_ONE = Fraction(1)


def _as_list(value, what: str, fix: str) -> list:
    """``list(value)`` for a sequence (not a string or a number), else a ShapeError naming ``what``."""
    if isinstance(value, (str, bytes, dict)) or not hasattr(value, "__iter__"):
        raise ShapeError(f"{what} must be a list, got {type(value).__name__} {value!r}; {fix}")
    return list(value)


def _validated_layers(layers) -> tuple:
    """Check shapes and convert every entry to a Fraction; the messages name the layer (1-based)."""
    layers = _as_list(layers, "layers", "pass a list of (W, b) pairs, one per layer")
    if not layers:
        raise ShapeError("a ReLU network needs at least one layer; pass [(W, b), ...] with W a list of rows")
    converted = []
    previous_width = None
    for index, layer in enumerate(layers):
        name = f"layer {index + 1}"
        try:
            weights, biases = layer
        except (TypeError, ValueError):
            raise ShapeError(
                f"{name} must be a pair (W, b) with W a list of rows and b a list of biases; got {layer!r}"
            ) from None
        rows = _as_list(weights, f"{name} weights W", "W is a list of rows, one row per neuron")
        rows = [
            _as_list(row, f"{name} weights W row {r + 1}", "W is a list of rows, one row per neuron")
            for r, row in enumerate(rows)
        ]
        biases = _as_list(biases, f"{name} biases b", "b is a list with one bias per neuron (row of W)")
        if not rows:
            raise ShapeError(f"{name} has no neurons (W has 0 rows); every layer needs at least one row")
        columns = len(rows[0])
        if columns == 0:
            raise ShapeError(f"{name} has rows with 0 entries; each row needs one weight per input")
        for r, row in enumerate(rows):
            if len(row) != columns:
                raise ShapeError(
                    f"{name} is ragged: row {r + 1} of W has {len(row)} entries, row 1 has {columns}; "
                    "every row needs one weight per input of the layer"
                )
        if previous_width is not None and columns != previous_width:
            raise ShapeError(
                f"{name}: W is {len(rows)}x{columns} but layer {index} has {previous_width} neurons; "
                f"W of {name} needs {previous_width} columns, one per neuron of layer {index}"
            )
        if len(biases) != len(rows):
            raise ShapeError(
                f"{name}: W is {len(rows)}x{columns} but b has {len(biases)} entries; "
                f"pass one bias per row of W ({len(rows)} biases)"
            )
        converted_rows = tuple(
            tuple(to_rational(w, f"{name}, weight (row {r + 1}, column {c + 1})") for c, w in enumerate(row))
            for r, row in enumerate(rows)
        )
        converted_biases = tuple(to_rational(v, f"{name}, bias {r + 1}") for r, v in enumerate(biases))
        converted.append((converted_rows, converted_biases))
        previous_width = len(rows)
    return tuple(converted)


def _relu(value: Fraction) -> Fraction:
    return value if value > 0 else _ZERO


def _identity_rows(size: int) -> list[list[Fraction]]:
    return [[_ONE if i == j else _ZERO for j in range(size)] for i in range(size)]


class ReLUNetwork:
    """A feed-forward ReLU network with exact rational weights.

    Parameters
    ----------
    layers : sequence of (W, b)
        One pair per layer: ``W`` a list of rows (one row per neuron, one entry per input of the layer),
        ``b`` a list with one bias per row. Entries are ints, :class:`~fractions.Fraction`, ``"p/q"``
        strings or sympy/flint rationals; floats are rejected. ReLU follows every layer but the last.

    Attributes
    ----------
    layers : tuple of (tuple of tuple of Fraction, tuple of Fraction)
        The exact weights and biases.
    input_dimension : int
    output_dimension : int
        Neurons of the last layer. Only scalar networks (1) can be compared, compiled or converted.
    hidden_layers : int
        ``len(layers) - 1``.
    widths : tuple of int
        The widths of the hidden layers.

    Raises
    ------
    ShapeError
        For ragged rows, mismatched column counts, ``len(b) != len(W)`` or empty layers; the message names
        the layer (1-based) and the shapes.
    NotRationalError
        For entries that are not exact rationals (floats, malformed strings).

    Examples
    --------
    >>> relu_x = ReLUNetwork([([[1]], [0]), ([[1]], [0])])
    >>> relu_x(["-2"]), relu_x([5])
    (Fraction(0, 1), Fraction(5, 1))
    >>> ReLUNetwork([([[1, 2]], [0]), ([[1], [-1]], ["1/2", 0])])([1, 1])       # vector output
    (Fraction(7, 2), Fraction(-3, 1))
    >>> ReLUNetwork([([[1, 2], [3]], [0, 0])])
    Traceback (most recent call last):
    ...
    lincomb.errors.ShapeError: layer 1 is ragged: row 2 of W has 1 entries, row 1 has 2; every row needs one weight per input of the layer
    """

    __slots__ = ("layers",)

    def __init__(self, layers):
        self.layers: tuple = _validated_layers(layers)

    # shape ----------------------------------------------------------------------------------
    @property
    def input_dimension(self) -> int:
        """The number of inputs (columns of the first layer's W).

        Examples
        --------
        >>> ReLUNetwork([([[1, 2, 3]], [0])]).input_dimension
        3
        """
        return len(self.layers[0][0][0])

    @property
    def output_dimension(self) -> int:
        """The number of outputs (rows of the last layer's W).

        Examples
        --------
        >>> ReLUNetwork([([[1], [2]], [0, 0])]).output_dimension
        2
        """
        return len(self.layers[-1][0])

    @property
    def hidden_layers(self) -> int:
        """The number of hidden layers, ``len(layers) - 1``.

        Examples
        --------
        >>> ReLUNetwork([([[1]], [0]), ([[1]], [0])]).hidden_layers
        1
        """
        return len(self.layers) - 1

    @property
    def widths(self) -> tuple:
        """The widths of the hidden layers (empty for an affine network).

        Examples
        --------
        >>> ReLUNetwork([([[1], [-1]], [0, 0]), ([[1, 1]], [0])]).widths
        (2,)
        """
        return tuple(len(weights) for weights, _ in self.layers[:-1])

    def _require_scalar(self, operation: str) -> None:
        if self.output_dimension != 1:
            raise ShapeError(
                f"{operation} needs a scalar network, but the last layer (layer {len(self.layers)}) has "
                f"{self.output_dimension} neurons; keep one row of its W (or sum the rows) to get one output"
            )

    # evaluation -----------------------------------------------------------------------------
    def __call__(self, point):
        """Evaluate exactly at a rational point.

        Returns
        -------
        Fraction, or tuple of Fraction when the last layer has more than one neuron.

        Examples
        --------
        >>> ReLUNetwork([([[1, -1]], [0]), ([[2]], [1])])(["1/2", 2])
        Fraction(1, 1)
        """
        values = self._forward(point)
        return values[0] if len(values) == 1 else tuple(values)

    def _forward(self, point) -> list:
        if isinstance(point, (str, bytes)) or not hasattr(point, "__iter__"):
            raise ShapeError(f"the point must be a list of {self.input_dimension} exact numbers, got {point!r}")
        values = [to_rational(v, f"point coordinate {i + 1}") for i, v in enumerate(point)]
        if len(values) != self.input_dimension:
            raise ShapeError(
                f"the point has {len(values)} coordinates, but layer 1 expects {self.input_dimension} inputs"
            )
        last = len(self.layers) - 1
        for index, (weights, biases) in enumerate(self.layers):
            values = [sum((w * v for w, v in zip(row, values)), bias) for row, bias in zip(weights, biases)]
            if index != last:
                values = [_relu(v) for v in values]
        return values

    # exact identity test ----------------------------------------------------------------------
    def to_program(self) -> Program:
        """The straight-line program of ``docs/certificates.md`` (pass-through pairs compile linearly).

        Examples
        --------
        >>> ReLUNetwork([([[1, -1], [0, 1], [0, -1]], [0, 0, 0]), ([[1, 1, -1]], [0])]).to_program().max_node_count
        1
        """
        self._require_scalar("to_program()")
        return network_program(self.layers, self.input_dimension)

    def _other_program(self, other) -> Program:
        # Duck-typed: the same module may be imported under two names (e.g. by doctest collection).
        if isinstance(other, Program) or all(hasattr(other, a) for a in ("nodes", "output", "dimension")):
            program = other
        elif hasattr(other, "to_program"):
            program = other.to_program()
        else:
            raise UsageError(
                f"cannot compare a ReLUNetwork with {type(other).__name__}; pass a ReLUNetwork, a CPWL, "
                "a Program, or anything with a to_program() method"
            )
        if program.dimension != self.input_dimension:
            raise ShapeError(
                f"cannot compare a network on R^{self.input_dimension} with a function on R^{program.dimension}"
            )
        return program

    def prove_identity(self, other) -> IdentityResult:
        """Run the exact cell-tree identity test against ``other``; the full result (statistics, Farkas data).

        Examples
        --------
        >>> x_net = ReLUNetwork([([[1], [-1]], [0, 0]), ([[1, -1]], [0])])        # relu(x) - relu(-x)
        >>> result = x_net.prove_identity(ReLUNetwork([([[1]], [0])]))
        >>> result.equal, result.leaves
        (True, 1)
        """
        self._require_scalar("prove_identity()")
        return prove_identity(self.to_program(), self._other_program(other))

    def equals(self, other) -> bool:
        """Whether ``self`` and ``other`` are the same function on all of R^n (exact and complete).

        Parameters
        ----------
        other : ReLUNetwork, Program, or anything with ``to_program()`` (e.g. a CPWL)

        Examples
        --------
        >>> abs_net = ReLUNetwork([([[1], [-1]], [0, 0]), ([[1, 1]], [0])])
        >>> abs_net.equals(ReLUNetwork([([[1], [-1]], [0, 0]), ([[1, 1]], ["1/1000"])]))
        False
        """
        return self.prove_identity(other).equal

    def difference_witness(self, other):
        """A rational point where ``self`` and ``other`` differ, or None when they are equal everywhere.

        Examples
        --------
        >>> relu_x = ReLUNetwork([([[1]], [0]), ([[1]], [0])])
        >>> point = relu_x.difference_witness(ReLUNetwork([([[1]], [0])]))       # relu(x) vs x
        >>> point[0] < 0
        True
        """
        return self.prove_identity(other).counterexample

    # conversions ------------------------------------------------------------------------------
    def to_cpwl(self):
        """The same function as a :class:`~lincomb.theory.cpwl.CPWL` (linear combination of maxima).

        Pass-through pairs ``relu(z) - relu(-z)`` become the affine ``z`` (no maximum).

        Examples
        --------
        >>> net = ReLUNetwork([([[1, -1], [0, 1], [0, -1]], [0, 0, 0]), ([[1, 1, -1]], [0])])
        >>> f = net.to_cpwl()
        >>> f([2, 5]), f.equals(net)
        (Fraction(5, 1), True)
        """
        from .affine import Affine
        from .cpwl import CPWL, relu

        self._require_scalar("to_cpwl()")
        n = self.input_dimension
        current = [CPWL.from_affine(Affine.coordinate(i, n)) for i in range(n)]
        last = len(self.layers) - 1
        for index, (weights, biases) in enumerate(self.layers):
            pre_activations = []
            for row, bias in zip(weights, biases):
                value = CPWL.from_affine(Affine.constant_function(bias, n))
                for w, source in zip(row, current):
                    if w:
                        value = value + w * source
                pre_activations.append(value)
            if index == last:
                return pre_activations[0]
            pairs = passthrough_pairs(weights, biases, self.layers[index + 1][0])
            linear = {i for i, _ in pairs}
            zero = {j for _, j in pairs}
            current = [
                value if neuron in linear else CPWL.constant(0, n) if neuron in zero else relu(value)
                for neuron, value in enumerate(pre_activations)
            ]
        raise AssertionError("unreachable: the last layer returns")  # pragma: no cover

    def to_sympy(self, symbols=None):
        """A sympy expression in ``x1, ..., xn`` with ``Max(..., 0)`` for every hidden neuron.

        Returns a tuple of expressions when the last layer has more than one neuron.

        Examples
        --------
        >>> ReLUNetwork([([[1, -1]], [0]), ([["1/2"]], [1])]).to_sympy()
        Max(0, x1 - x2)/2 + 1
        """
        import sympy

        if symbols is None:
            symbols = sympy.symbols(f"x1:{self.input_dimension + 1}")
        symbols = list(symbols)
        if len(symbols) != self.input_dimension:
            raise ShapeError(f"got {len(symbols)} symbols for a network with {self.input_dimension} inputs")

        def rational(value: Fraction):
            return sympy.Rational(value.numerator, value.denominator)

        current = symbols
        last = len(self.layers) - 1
        for index, (weights, biases) in enumerate(self.layers):
            current = [
                sum((rational(w) * v for w, v in zip(row, current) if w), rational(bias))
                for row, bias in zip(weights, biases)
            ]
            if index != last:
                current = [sympy.Max(v, 0) for v in current]
        return current[0] if len(current) == 1 else tuple(current)

    def to_json(self) -> dict:
        """The ``relu-network`` expression of ``docs/certificates.md`` (rationals as ``"p/q"`` strings).

        Examples
        --------
        >>> data = ReLUNetwork([([[1, "-1/2"]], [0]), ([[2]], [1])]).to_json()
        >>> data["type"], data["layers"][0]
        ('relu-network', {'weights': [['1', '-1/2']], 'biases': ['0']})
        """
        return {
            "type": "relu-network",
            "layers": [
                {
                    "weights": [[rational_str(w) for w in row] for row in weights],
                    "biases": [rational_str(b) for b in biases],
                }
                for weights, biases in self.layers
            ],
        }

    @classmethod
    def from_json(cls, data) -> "ReLUNetwork":
        """Read a ``relu-network`` expression (a dict, or a JSON string).

        Examples
        --------
        >>> net = ReLUNetwork([([[1, -1], [0, 1], [0, -1]], [0, 0, 0]), ([[1, 1, -1]], [0])])
        >>> ReLUNetwork.from_json(net.to_json()).layers == net.layers
        True
        """
        if isinstance(data, str):
            import json

            try:
                data = json.loads(data)
            except json.JSONDecodeError as error:
                raise UsageError(f"the relu-network expression is not valid JSON: {error}") from None
        if not isinstance(data, dict) or data.get("type") != "relu-network":
            raise UsageError(
                'expected an object {"type": "relu-network", "layers": [{"weights": [[...]], "biases": [...]}, ...]}'
            )
        layers = data.get("layers")
        if not isinstance(layers, list):
            raise UsageError('a relu-network expression needs "layers": a list of {"weights", "biases"} objects')
        pairs = []
        for index, layer in enumerate(layers):
            if not isinstance(layer, dict) or "weights" not in layer or "biases" not in layer:
                raise UsageError(f'layer {index + 1} must be an object with "weights" and "biases"')
            pairs.append((layer["weights"], layer["biases"]))
        return cls(pairs)

    # constructions ------------------------------------------------------------------------------
    def compose(self, inner: "ReLUNetwork") -> "ReLUNetwork":
        """The network of ``x -> self(inner(x))``; hidden layers add up.

        ``inner``'s last (affine) layer merges into ``self``'s first layer: ``W = W1 @ W_last``,
        ``b = W1 @ b_last + b1``.

        Examples
        --------
        >>> relu_x = ReLUNetwork([([[1]], [0]), ([[1]], [0])])
        >>> shift = ReLUNetwork([([[1]], [-1])])                                     # x - 1
        >>> net = relu_x.compose(shift)
        >>> net.hidden_layers, net([3]), net([0])
        (1, Fraction(2, 1), Fraction(0, 1))
        """
        if not isinstance(inner, ReLUNetwork):
            raise UsageError(f"compose() needs a ReLUNetwork as the inner network, got {type(inner).__name__}")
        if inner.output_dimension != self.input_dimension:
            raise ShapeError(
                f"cannot compose: the inner network has {inner.output_dimension} outputs but layer 1 of the "
                f"outer network has {self.input_dimension} inputs; they must agree"
            )
        last_weights, last_biases = inner.layers[-1]
        first_weights, first_biases = self.layers[0]
        merged_weights = [
            [sum((a * last_weights[k][j] for k, a in enumerate(row)), _ZERO) for j in range(len(last_weights[0]))]
            for row in first_weights
        ]
        merged_biases = [
            sum((a * c for a, c in zip(row, last_biases)), bias) for row, bias in zip(first_weights, first_biases)
        ]
        return ReLUNetwork([*inner.layers[:-1], (merged_weights, merged_biases), *self.layers[1:]])

    def _padded(self, hidden_layers: int) -> tuple:
        """Layers of the same function with ``hidden_layers`` hidden layers (pass-through pairs appended)."""
        extra = hidden_layers - self.hidden_layers
        if extra <= 0:
            return self.layers
        weights, biases = self.layers[-1]
        m = len(weights)
        layers = list(self.layers[:-1])
        # relu(z) and relu(-z) for the m outputs z; relu(z) - relu(-z) = z recovers them exactly.
        doubled_rows = [list(r) for r in weights] + [[-w for w in r] for r in weights]
        layers.append((doubled_rows, list(biases) + [-b for b in biases]))
        identity = _identity_rows(m)
        pass_on = [row + [-w for w in row] for row in identity]  # z = relu(z) - relu(-z)
        for _ in range(extra - 1):
            layers.append((pass_on + [[-w for w in row] for row in pass_on], [_ZERO] * (2 * m)))
        layers.append((pass_on, [_ZERO] * m))
        return tuple(layers)

    def parallel_sum(self, other: "ReLUNetwork") -> "ReLUNetwork":
        """The network of ``x -> self(x) + other(x)``: hidden layers stacked block-diagonally.

        When the depths differ, the shallower network is padded with pass-through pairs
        ``relu(z) - relu(-z) = z``, so the sum has ``max(hidden_layers)`` hidden layers and width the sum of
        the widths.

        Examples
        --------
        >>> relu_x = ReLUNetwork([([[1]], [0]), ([[1]], [0])])
        >>> x_net = ReLUNetwork([([[-1]], [0])])                                     # -x
        >>> net = relu_x.parallel_sum(x_net)                                         # relu(x) - x = relu(-x)
        >>> net.widths, net([-3]), net([4])
        ((3,), Fraction(3, 1), Fraction(0, 1))
        """
        if not isinstance(other, ReLUNetwork):
            raise UsageError(f"parallel_sum() needs a ReLUNetwork, got {type(other).__name__}")
        if other.input_dimension != self.input_dimension:
            raise ShapeError(
                f"cannot add networks with {self.input_dimension} and {other.input_dimension} inputs "
                "(layer 1 column counts); both need the same input"
            )
        if other.output_dimension != self.output_dimension:
            raise ShapeError(
                f"cannot add networks with {self.output_dimension} and {other.output_dimension} outputs "
                "(last-layer row counts); both need the same number of outputs"
            )
        depth = max(self.hidden_layers, other.hidden_layers)
        first, second = self._padded(depth), other._padded(depth)
        if depth == 0:
            (w1, b1), (w2, b2) = first[0], second[0]
            return ReLUNetwork(
                [([[a + c for a, c in zip(r1, r2)] for r1, r2 in zip(w1, w2)], [a + c for a, c in zip(b1, b2)])]
            )
        layers = [([*map(list, first[0][0]), *map(list, second[0][0])], [*first[0][1], *second[0][1]])]
        for (w1, b1), (w2, b2) in zip(first[1:-1], second[1:-1]):
            left_zeros, right_zeros = [_ZERO] * len(w2[0]), [_ZERO] * len(w1[0])
            rows = [list(r) + left_zeros for r in w1] + [right_zeros + list(r) for r in w2]
            layers.append((rows, [*b1, *b2]))
        (w1, b1), (w2, b2) = first[-1], second[-1]
        layers.append(([list(r1) + list(r2) for r1, r2 in zip(w1, w2)], [a + c for a, c in zip(b1, b2)]))
        return ReLUNetwork(layers)

    def __add__(self, other):
        if not isinstance(other, ReLUNetwork):
            return NotImplemented
        return self.parallel_sum(other)

    def __neg__(self) -> "ReLUNetwork":
        return self * -1

    def __sub__(self, other):
        if not isinstance(other, ReLUNetwork):
            return NotImplemented
        return self.parallel_sum(-other)

    def __mul__(self, scalar) -> "ReLUNetwork":
        """Scalar multiple: the last layer is scaled (exact).

        Examples
        --------
        >>> (ReLUNetwork([([[1]], [0]), ([[1]], [1])]) * "1/2")([3])
        Fraction(2, 1)
        """
        if isinstance(scalar, ReLUNetwork):
            return NotImplemented
        try:
            scalar = to_rational(scalar, "scalar")
        except NotRationalError:
            if isinstance(scalar, (int, float, str, Fraction)) or hasattr(scalar, "numerator"):
                raise
            return NotImplemented
        weights, biases = self.layers[-1]
        scaled = ([[scalar * w for w in row] for row in weights], [scalar * b for b in biases])
        return ReLUNetwork([*self.layers[:-1], scaled])

    __rmul__ = __mul__

    def __repr__(self) -> str:
        return (
            f"ReLUNetwork(input_dimension={self.input_dimension}, widths={self.widths}, "
            f"output_dimension={self.output_dimension})"
        )
