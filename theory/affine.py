"""Affine functions with exact rational coefficients.

Examples
--------
>>> f = Affine([1, "-1/2"], 3)
>>> f([2, 2])
Fraction(4, 1)
>>> (f - f).is_zero()
True
"""

from __future__ import annotations

from fractions import Fraction

from lincomb.errors import ShapeError

from .rationals import rational_str, to_rational, to_rational_vector


class Affine:
    """An affine function ``x -> linear . x + constant`` on Q^n (and R^n), exact.

    Parameters
    ----------
    linear : sequence of exact numbers
        The gradient, one entry per input variable.
    constant : exact number, default 0

    Examples
    --------
    >>> g = Affine(["1/3", 0])
    >>> g.dimension, g.linear, g.constant
    (2, (Fraction(1, 3), Fraction(0, 1)), Fraction(0, 1))
    >>> 3 * g
    Affine([1, 0], 0)
    """

    __slots__ = ("linear", "constant", "_hash")

    def __init__(self, linear, constant=0):
        self.linear = to_rational_vector(linear, "Affine.linear")
        self.constant = to_rational(constant, "Affine.constant")
        self._hash = None

    # construction helpers -------------------------------------------------------------------
    @classmethod
    def coordinate(cls, index: int, dimension: int) -> "Affine":
        """The coordinate function ``x -> x[index]`` (0-based) on R^dimension.

        Examples
        --------
        >>> Affine.coordinate(1, 3)
        Affine([0, 1, 0], 0)
        """
        if not 0 <= index < dimension:
            raise ShapeError(f"coordinate index {index} is outside 0..{dimension - 1}")
        return cls([1 if i == index else 0 for i in range(dimension)], 0)

    @classmethod
    def constant_function(cls, value, dimension: int) -> "Affine":
        """The constant function ``x -> value`` on R^dimension.

        Examples
        --------
        >>> Affine.constant_function("1/2", 2)
        Affine([0, 0], 1/2)
        """
        return cls([0] * dimension, value)

    @property
    def dimension(self) -> int:
        """Number of input variables.

        Examples
        --------
        >>> Affine([1, 2, 3]).dimension
        3
        """
        return len(self.linear)

    # evaluation ------------------------------------------------------------------------------
    def __call__(self, point) -> Fraction:
        """Evaluate exactly at a rational point.

        Examples
        --------
        >>> Affine([1, 1], -1)(["1/2", "1/3"])
        Fraction(-1, 6)
        """
        point = to_rational_vector(point, "point")
        self._check_dimension(len(point), "point")
        return sum((a * x for a, x in zip(self.linear, point)), self.constant)

    # arithmetic ------------------------------------------------------------------------------
    def _check_dimension(self, other_dimension: int, what: str) -> None:
        if other_dimension != self.dimension:
            raise ShapeError(f"{what} has dimension {other_dimension}, the affine function has {self.dimension}")

    def __add__(self, other):
        if isinstance(other, Affine):
            self._check_dimension(other.dimension, "summand")
            return Affine([a + b for a, b in zip(self.linear, other.linear)], self.constant + other.constant)
        return NotImplemented

    def __neg__(self):
        return Affine([-a for a in self.linear], -self.constant)

    def __sub__(self, other):
        if isinstance(other, Affine):
            return self + (-other)
        return NotImplemented

    def __mul__(self, scalar):
        if isinstance(scalar, Affine):
            return NotImplemented
        scalar = to_rational(scalar, "scalar")
        return Affine([scalar * a for a in self.linear], scalar * self.constant)

    __rmul__ = __mul__

    def compose(self, matrix, offset=None) -> "Affine":
        """The affine function ``y -> self(matrix @ y + offset)``.

        Parameters
        ----------
        matrix : list of rows
            ``dimension`` rows, each of the new input dimension.
        offset : sequence, optional
            Defaults to zero.

        Examples
        --------
        >>> Affine([1, 2]).compose([[1, 1], [0, 1]], [0, 1])
        Affine([1, 3], 2)
        """
        rows = [to_rational_vector(row, f"matrix row {i}") for i, row in enumerate(matrix)]
        self._check_dimension(len(rows), "matrix (number of rows)")
        new_dimension = len(rows[0]) if rows else 0
        for i, row in enumerate(rows):
            if len(row) != new_dimension:
                raise ShapeError(f"matrix row {i} has {len(row)} entries, row 0 has {new_dimension}")
        offset = to_rational_vector(offset, "offset") if offset is not None else (Fraction(0),) * len(rows)
        self._check_dimension(len(offset), "offset")
        linear = [sum((a * row[j] for a, row in zip(self.linear, rows)), Fraction(0)) for j in range(new_dimension)]
        constant = self.constant + sum((a * c for a, c in zip(self.linear, offset)), Fraction(0))
        return Affine(linear, constant)

    # predicates and conversions -------------------------------------------------------------
    def is_zero(self) -> bool:
        """True when every coefficient and the constant are 0.

        Examples
        --------
        >>> Affine([0, 0], 0).is_zero(), Affine([0, 1]).is_zero()
        (True, False)
        """
        return self.constant == 0 and not any(self.linear)

    def is_linear(self) -> bool:
        """True when the constant term is 0 (the function is linear).

        Examples
        --------
        >>> Affine([1, 2]).is_linear()
        True
        """
        return self.constant == 0

    def drop_constant(self) -> "Affine":
        """The linear part ``x -> linear . x``.

        Examples
        --------
        >>> Affine([1], 5).drop_constant()
        Affine([1], 0)
        """
        return Affine(self.linear, 0)

    def to_sympy(self, symbols=None):
        """A sympy expression in the symbols ``x1, ..., xn`` (or the ones given).

        Examples
        --------
        >>> Affine([1, "-1/2"], 3).to_sympy()
        x1 - x2/2 + 3
        """
        import sympy

        if symbols is None:
            symbols = sympy.symbols(f"x1:{self.dimension + 1}")
        expression = sympy.Rational(self.constant.numerator, self.constant.denominator)
        for a, x in zip(self.linear, symbols):
            expression += sympy.Rational(a.numerator, a.denominator) * x
        return expression

    def to_json(self) -> dict:
        """The certificate notation ``{"linear": [...], "constant": "p/q"}``.

        Examples
        --------
        >>> Affine(["1/2", 0], 1).to_json()
        {'linear': ['1/2', '0'], 'constant': '1'}
        """
        return {"linear": [rational_str(a) for a in self.linear], "constant": rational_str(self.constant)}

    def key(self) -> tuple:
        """A hashable exact key (the coefficients, then the constant).

        Examples
        --------
        >>> Affine([1], 2).key()
        (Fraction(1, 1), Fraction(2, 1))
        """
        return (*self.linear, self.constant)

    def __eq__(self, other):
        if not isinstance(other, Affine):
            return NotImplemented
        return self.key() == other.key()

    def __hash__(self):
        if self._hash is None:
            self._hash = hash(self.key())
        return self._hash

    def __repr__(self):
        return f"Affine([{', '.join(rational_str(a) for a in self.linear)}], {rational_str(self.constant)})"
