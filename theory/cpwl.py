"""Continuous piecewise-linear functions as linear combinations of maxima of affine functions.

A :class:`CPWL` on R^n is ``sum_t c_t * max(pieces_t)`` with exact rational coefficients and affine
pieces (the Wang-Sun form; every CPWL function has one). Arithmetic, ``max``/``min``, composition
with affine maps and the identity test are exact. ``max`` and ``min`` stay inside the form through
``relu(P - N) = max(P, N) - N`` for convex P, N, with redundant pieces pruned exactly (pplpy).

Examples
--------
>>> x, y = CPWL.coordinate(0, 2), CPWL.coordinate(1, 2)
>>> f = abs(x) + abs(y)
>>> f(["-1/2", 2])
Fraction(5, 2)
>>> f.equals(cpwl_max(x + y, x - y, -x + y, -x - y))
True
>>> cpwl_min(x, y).equals(x + y - cpwl_max(x, y))
True
"""

from __future__ import annotations

from fractions import Fraction
from itertools import product

from lincomb.errors import ShapeError, UsageError

from .affine import Affine
from .identity import prove_identity
from .program import Program, max_combination_program
from .rationals import rational_str, to_rational, to_rational_vector


def _as_affine(piece, dimension: int | None) -> Affine:
    if isinstance(piece, Affine):
        affine = piece
    elif isinstance(piece, dict):
        affine = Affine(piece["linear"], piece.get("constant", 0))
    else:
        try:
            linear, constant = piece
        except (TypeError, ValueError):
            raise ShapeError(f"a piece must be an Affine or a pair (linear, constant); got {piece!r}") from None
        affine = Affine(linear, constant)
    if dimension is not None and affine.dimension != dimension:
        raise ShapeError(f"piece {affine!r} has dimension {affine.dimension}, expected {dimension}")
    return affine


def prune_pieces(pieces) -> tuple[Affine, ...]:
    """The pieces that matter for ``max(pieces)``: duplicates and dominated pieces removed, exactly.

    Piece ``(a, b)`` is redundant when the lifted point ``(a, b)`` is not a vertex of
    ``conv{(a_j, b_j)} + ray(-e_{n+1})``: then ``a.x + b`` never exceeds the others' maximum. The vertices
    are computed exactly by pplpy. The order of the remaining pieces follows the input.

    Examples
    --------
    >>> prune_pieces([Affine([0]), Affine([2], 0), Affine([1], -1), Affine([1], 0)])
    (Affine([0], 0), Affine([2], 0))
    """
    unique = list(dict.fromkeys(_as_affine(p, None) for p in pieces))
    if len(unique) <= 2:
        if len(unique) == 2 and unique[0].linear == unique[1].linear:
            return (max(unique, key=lambda a: a.constant),)
        return tuple(unique)
    import ppl

    dimension = unique[0].dimension
    generators = ppl.Generator_System()
    scaled = []
    for affine in unique:
        coordinates = (*affine.linear, affine.constant)
        denominator = 1
        for value in coordinates:
            denominator = denominator * value.denominator // _gcd(denominator, value.denominator)
        integers = [int(value * denominator) for value in coordinates]
        scaled.append((tuple(Fraction(v, denominator) for v in integers)))
        generators.insert(ppl.Generator.point(ppl.Linear_Expression(integers, 0), denominator))
    generators.insert(ppl.Generator.ray(ppl.Linear_Expression([0] * dimension + [-1], 0)))
    polyhedron = ppl.C_Polyhedron(generators)
    vertices = set()
    for generator in polyhedron.minimized_generators():
        if generator.is_point():
            divisor = int(generator.divisor())
            vertices.add(tuple(Fraction(int(c), divisor) for c in generator.coefficients()))
    return tuple(affine for affine, point in zip(unique, scaled) if point in vertices)


def _gcd(a: int, b: int) -> int:
    while b:
        a, b = b, a % b
    return a


def _minkowski(first: tuple[Affine, ...], second: tuple[Affine, ...]) -> tuple[Affine, ...]:
    """Pieces of ``max(first) + max(second)`` (all sums, pruned)."""
    return prune_pieces(a + b for a, b in product(first, second))


class CPWL:
    """A linear combination of maxima of affine functions, ``sum_t c_t * max(pieces_t)``, exact.

    Parameters
    ----------
    terms : sequence of (coefficient, pieces)
        Coefficients are exact numbers; pieces are :class:`Affine` objects or ``(linear, constant)`` pairs.
    dimension : int, optional
        The input dimension n (needed when ``terms`` is empty).

    Examples
    --------
    >>> f = CPWL([(1, [([1, 0], 0), ([0, 1], 0)]), ("-1/2", [([1, 1], 0)])])
    >>> f([4, 2]), f.dimension, f.max_pieces
    (Fraction(1, 1), 2, 2)
    >>> f
    CPWL(-x1/2 - x2/2 + Max(x1, x2))
    """

    __slots__ = ("terms", "dimension")

    def __init__(self, terms, dimension: int | None = None):
        cleaned = []
        for index, term in enumerate(terms):
            try:
                coefficient, pieces = term
            except (TypeError, ValueError):
                raise ShapeError(f"term {index} must be a pair (coefficient, pieces); got {term!r}") from None
            coefficient = to_rational(coefficient, f"term {index} coefficient")
            pieces = tuple(dict.fromkeys(_as_affine(p, dimension) for p in pieces))
            if not pieces:
                raise ShapeError(f"term {index} has no pieces; a maximum needs at least one affine function")
            if dimension is None:
                dimension = pieces[0].dimension
            for piece in pieces:
                if piece.dimension != dimension:
                    raise ShapeError(f"term {index} mixes dimensions {dimension} and {piece.dimension}")
            if coefficient:
                cleaned.append((coefficient, pieces))
        if dimension is None:
            raise ShapeError("CPWL() with no terms needs an explicit dimension")
        self.terms: tuple = tuple(cleaned)
        self.dimension: int = dimension

    # constructors ---------------------------------------------------------------------------
    @classmethod
    def from_affine(cls, affine: Affine) -> "CPWL":
        """The affine function as a CPWL (one term, one piece).

        Examples
        --------
        >>> CPWL.from_affine(Affine([1, 1], 2))([1, 1])
        Fraction(4, 1)
        """
        return cls([(1, [affine])], affine.dimension)

    @classmethod
    def coordinate(cls, index: int, dimension: int) -> "CPWL":
        """The coordinate function ``x -> x[index]`` (0-based).

        Examples
        --------
        >>> CPWL.coordinate(0, 3)([7, 8, 9])
        Fraction(7, 1)
        """
        return cls.from_affine(Affine.coordinate(index, dimension))

    @classmethod
    def constant(cls, value, dimension: int) -> "CPWL":
        """The constant function.

        Examples
        --------
        >>> CPWL.constant("2/3", 2)([0, 0])
        Fraction(2, 3)
        """
        return cls.from_affine(Affine.constant_function(value, dimension))

    @classmethod
    def maximum_of(cls, pieces) -> "CPWL":
        """``max(pieces)`` for affine pieces.

        Examples
        --------
        >>> CPWL.maximum_of([Affine([1]), Affine([-1])])(["-3"])
        Fraction(3, 1)
        """
        pieces = [_as_affine(p, None) for p in pieces]
        if not pieces:
            raise ShapeError("maximum_of needs at least one piece")
        return cls([(1, pieces)], pieces[0].dimension)

    # evaluation -----------------------------------------------------------------------------
    def __call__(self, point) -> Fraction:
        """Evaluate exactly at a rational point.

        Examples
        --------
        >>> CPWL.maximum_of([Affine([1, 0]), Affine([0, 1])])([1, "3/2"])
        Fraction(3, 2)
        """
        point = to_rational_vector(point, "point")
        if len(point) != self.dimension:
            raise ShapeError(f"point has {len(point)} coordinates, the function is on R^{self.dimension}")
        return sum((c * max(p(point) for p in pieces) for c, pieces in self.terms), Fraction(0))

    @property
    def max_pieces(self) -> int:
        """The largest number of affine pieces in one maximum (1 for an affine function, 0 for zero).

        Examples
        --------
        >>> CPWL.maximum_of([Affine([1]), Affine([-1]), Affine([0])]).max_pieces
        3
        """
        return max((len(pieces) for _, pieces in self.terms), default=0)

    # arithmetic -----------------------------------------------------------------------------
    def _coerce(self, other) -> "CPWL":
        if isinstance(other, CPWL):
            result = other
        elif isinstance(other, Affine):
            result = CPWL.from_affine(other)
        else:
            result = CPWL.constant(to_rational(other, "summand"), self.dimension)
        if result.dimension != self.dimension:
            raise ShapeError(f"cannot combine functions on R^{self.dimension} and R^{result.dimension}")
        return result

    def __add__(self, other):
        other = self._coerce(other)
        return CPWL(self.terms + other.terms, self.dimension).simplify()

    __radd__ = __add__

    def __neg__(self):
        return CPWL([(-c, pieces) for c, pieces in self.terms], self.dimension)

    def __sub__(self, other):
        return self + (-self._coerce(other))

    def __rsub__(self, other):
        return self._coerce(other) - self

    def __mul__(self, scalar):
        if isinstance(scalar, (CPWL, Affine)):
            return NotImplemented  # products of CPWL functions are not piecewise linear
        scalar = to_rational(scalar, "scalar")
        return CPWL([(scalar * c, pieces) for c, pieces in self.terms], self.dimension)

    __rmul__ = __mul__

    def __truediv__(self, scalar):
        scalar = to_rational(scalar, "divisor")
        if scalar == 0:
            raise ZeroDivisionError("division of a CPWL function by 0")
        return self * (1 / scalar)

    def __abs__(self):
        return self.maximum(-self)

    def simplify(self) -> "CPWL":
        """Merge affine terms into one, merge equal maxima, prune dominated pieces, drop zero terms.

        Examples
        --------
        >>> x = CPWL.coordinate(0, 1)
        >>> (x + x - 2 * x).simplify().terms
        ()
        """
        affine = Affine.constant_function(0, self.dimension)
        merged: dict = {}
        for coefficient, pieces in self.terms:
            if len(pieces) > 1:
                pieces = prune_pieces(pieces)
            if len(pieces) == 1:
                affine = affine + coefficient * pieces[0]
            else:
                key = frozenset(pieces)
                if key in merged:
                    merged[key] = (merged[key][0] + coefficient, merged[key][1])
                else:
                    merged[key] = (coefficient, pieces)
        terms = [(c, pieces) for c, pieces in merged.values() if c]
        if not affine.is_zero():
            terms.append((Fraction(1), (affine,)))
        return CPWL(terms, self.dimension)

    def convex_parts(self) -> tuple[tuple[Affine, ...], tuple[Affine, ...]]:
        """Pieces of convex G and H with ``self = max(G) - max(H)`` (Minkowski sums of the terms).

        The number of pieces can grow like a product of the terms' sizes; dominated pieces are pruned
        after every addition.

        Examples
        --------
        >>> x = CPWL.coordinate(0, 1)
        >>> positive, negative = (abs(x) - abs(x - 1)).convex_parts()
        >>> len(positive), len(negative)
        (2, 2)
        """
        zero = (Affine.constant_function(0, self.dimension),)
        positive, negative = zero, zero
        for coefficient, pieces in self.terms:
            scaled = tuple(abs(coefficient) * p for p in pieces)
            if coefficient > 0:
                positive = _minkowski(positive, scaled)
            else:
                negative = _minkowski(negative, scaled)
        return positive, negative

    def maximum(self, *others) -> "CPWL":
        """The pointwise maximum of ``self`` and ``others``, as a new CPWL.

        Uses ``max(f, g) = g + max(P, N) - max(N)`` where ``f - g = max(P) - max(N)`` with P, N convex.

        Examples
        --------
        >>> x, y = CPWL.coordinate(0, 2), CPWL.coordinate(1, 2)
        >>> x.maximum(y, 0)([-1, -2])
        Fraction(0, 1)
        """
        result = self
        for other in others:
            other = self._coerce(other)
            positive, negative = (result - other).convex_parts()
            result = (
                other
                + CPWL([(1, positive + negative)], self.dimension)
                - CPWL([(1, negative)], self.dimension)
            ).simplify()
        return result

    def minimum(self, *others) -> "CPWL":
        """The pointwise minimum, ``-max(-self, -others)``.

        Examples
        --------
        >>> x = CPWL.coordinate(0, 1)
        >>> x.minimum(1)([5])
        Fraction(1, 1)
        """
        return -((-self).maximum(*[-self._coerce(o) for o in others]))

    def compose(self, matrix, offset=None) -> "CPWL":
        """The function ``y -> self(matrix @ y + offset)`` (precomposition with an affine map).

        Examples
        --------
        >>> f = CPWL.maximum_of([Affine([1, 0]), Affine([0, 1])])
        >>> f.compose([[1], [-1]])(["-2"])                       # max(y, -y)
        Fraction(2, 1)
        """
        rows = [to_rational_vector(row, f"matrix row {i}") for i, row in enumerate(matrix)]
        if len(rows) != self.dimension:
            raise ShapeError(f"matrix has {len(rows)} rows; the function is on R^{self.dimension}, so it needs {self.dimension}")
        if not rows or not rows[0]:
            raise ShapeError("matrix must have at least one column")
        new_dimension = len(rows[0])
        return CPWL(
            [(c, [p.compose(rows, offset) for p in pieces]) for c, pieces in self.terms],
            new_dimension,
        ).simplify()

    def drop_constants(self) -> "CPWL":
        """The recession function: every piece's constant set to 0 (``lim f(t x) / t``, t -> infinity).

        Examples
        --------
        >>> CPWL.maximum_of([Affine([1], 0), Affine([0], 1)]).drop_constants()([-1])
        Fraction(0, 1)
        """
        return CPWL([(c, [p.drop_constant() for p in pieces]) for c, pieces in self.terms], self.dimension)

    # exact tests ----------------------------------------------------------------------------
    def to_program(self) -> Program:
        """The straight-line program (``docs/certificates.md``) used by the identity test.

        Examples
        --------
        >>> CPWL.maximum_of([Affine([1]), Affine([-1])]).to_program().max_node_count
        1
        """
        return max_combination_program(
            [(c, [(p.linear, p.constant) for p in pieces]) for c, pieces in self.terms], self.dimension
        )

    def _other_program(self, other) -> Program:
        if isinstance(other, Program):
            program = other
        elif hasattr(other, "to_program"):
            program = other.to_program()
        else:
            program = self._coerce(other).to_program()
        if program.dimension != self.dimension:
            raise ShapeError(f"cannot compare functions on R^{self.dimension} and R^{program.dimension}")
        return program

    def difference_witness(self, other):
        """A rational point where ``self`` and ``other`` differ, or None when they are equal everywhere.

        Examples
        --------
        >>> x = CPWL.coordinate(0, 1)
        >>> x.maximum(0).difference_witness(x.maximum("1/1000")) is not None
        True
        """
        return prove_identity(self.to_program(), self._other_program(other)).counterexample

    def equals(self, other) -> bool:
        """Exact, complete identity test on all of R^n (no sampling).

        ``other`` may be a CPWL, an Affine, a number, or anything with ``to_program()`` (a ReLUNetwork).

        Examples
        --------
        >>> x = CPWL.coordinate(0, 1)
        >>> x.maximum(0).equals(x + (-x).maximum(0))
        True
        """
        return prove_identity(self.to_program(), self._other_program(other)).equal

    def is_positively_homogeneous(self) -> bool:
        """Whether ``f(t x) = t f(x)`` for all t > 0 and x (exact).

        A CPWL function is positively homogeneous exactly when it equals its recession function.

        Examples
        --------
        >>> x = CPWL.coordinate(0, 1)
        >>> x.maximum(0).is_positively_homogeneous(), x.maximum(1).is_positively_homogeneous()
        (True, False)
        """
        return self.equals(self.drop_constants())

    def wang_sun(self) -> "CPWL":
        """An equal CPWL whose every maximum has at most n + 1 pieces (Wang & Sun 2005).

        Examples
        --------
        >>> f = CPWL.maximum_of([Affine([0, 0]), Affine([1, 0]), Affine([0, 1]), Affine([-1, 0]), Affine([0, -1])])
        >>> g = f.wang_sun()
        >>> g.max_pieces <= 3, g.equals(f)
        (True, True)
        """
        from .wang_sun import wang_sun_terms

        return CPWL(wang_sun_terms(self.terms, self.dimension), self.dimension)

    # conversions ----------------------------------------------------------------------------
    def to_sympy(self, symbols=None):
        """A sympy expression with ``Max``.

        Examples
        --------
        >>> CPWL.maximum_of([Affine([1, 0]), Affine([0, 1], 1)]).to_sympy()
        Max(x1, x2 + 1)
        """
        import sympy

        if symbols is None:
            symbols = sympy.symbols(f"x1:{self.dimension + 1}")
        expression = sympy.Integer(0)
        for coefficient, pieces in self.terms:
            inner = [p.to_sympy(symbols) for p in pieces]
            value = inner[0] if len(inner) == 1 else sympy.Max(*inner)
            expression += sympy.Rational(coefficient.numerator, coefficient.denominator) * value
        return expression

    def to_json(self) -> dict:
        """The ``max-combination`` expression of ``docs/certificates.md``.

        Examples
        --------
        >>> CPWL.maximum_of([Affine([1]), Affine([-1])]).to_json()["terms"][0]["coefficient"]
        '1'
        """
        return {
            "type": "max-combination",
            "terms": [
                {"coefficient": rational_str(c), "pieces": [p.to_json() for p in pieces]}
                for c, pieces in self.terms
            ],
        }

    @classmethod
    def from_json(cls, data, dimension: int | None = None) -> "CPWL":
        """Read a ``max-combination`` expression.

        Examples
        --------
        >>> f = CPWL.maximum_of([Affine([1]), Affine([-1])])
        >>> CPWL.from_json(f.to_json()).equals(f)
        True
        """
        if not isinstance(data, dict) or data.get("type") != "max-combination":
            raise UsageError('expected an object with "type": "max-combination"')
        return cls(
            [(t["coefficient"], [_as_affine(p, dimension) for p in t["pieces"]]) for t in data["terms"]],
            dimension,
        )

    def __repr__(self):
        return f"CPWL({self.to_sympy()})"


def cpwl_max(first, *others) -> CPWL:
    """Pointwise maximum of CPWL functions (numbers and Affine objects are coerced).

    Examples
    --------
    >>> x = CPWL.coordinate(0, 1)
    >>> cpwl_max(x, -x, 1)(["1/2"])
    Fraction(1, 1)
    """
    if not isinstance(first, CPWL):
        raise UsageError("cpwl_max: the first argument must be a CPWL function (it fixes the dimension)")
    return first.maximum(*others)


def cpwl_min(first, *others) -> CPWL:
    """Pointwise minimum of CPWL functions.

    Examples
    --------
    >>> x = CPWL.coordinate(0, 1)
    >>> cpwl_min(x, 0)([3])
    Fraction(0, 1)
    """
    if not isinstance(first, CPWL):
        raise UsageError("cpwl_min: the first argument must be a CPWL function (it fixes the dimension)")
    return first.minimum(*others)


def relu(function: CPWL) -> CPWL:
    """``max(function, 0)``.

    Examples
    --------
    >>> relu(CPWL.coordinate(0, 1))(["-5"])
    Fraction(0, 1)
    """
    return function.maximum(0)
