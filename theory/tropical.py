"""The tropical view of CPWL functions: Newton polytopes and the semiring isomorphism.

A convex CPWL function ``f(x) = max_i (a_i . x + b_i)`` on R^n has the Newton polytope
``Newt(f) = conv{(a_i, b_i)}`` in Q^(n+1) (the reference adds the ray ``-e_(n+1)``; only the upper hull
matters for f, see :func:`upper_vertices`). The map f -> Newt(f) turns the tropical semiring operations into
polytope operations:

* ``max(f, g)`` <-> ``conv(Newt f ∪ Newt g)`` (:func:`tropical_max`),
* ``f + g``     <-> ``Newt f + Newt g``, the Minkowski sum (:func:`tropical_sum`),

and :func:`convex_function` goes back. Every CPWL function is a difference ``g - h`` of convex ones
(a tropical rational map); :func:`convex_decomposition` computes it for a ReLU network or a CPWL.

Examples
--------
>>> from lincomb.theory import CPWL
>>> x, y = CPWL.coordinate(0, 2), CPWL.coordinate(1, 2)
>>> f, g = x.maximum(0), y.maximum(1)
>>> P = tropical_sum(newton_polytope(f), newton_polytope(g))
>>> P == newton_polytope(f + g), convex_function(P).equals(f + g)
(True, True)
"""

from __future__ import annotations

from lincomb.errors import ShapeError, UsageError

from .affine import Affine
from .cpwl import CPWL, prune_pieces
from .polytopes import Polytope

__all__ = [
    "newton_polytope",
    "convex_function",
    "tropical_max",
    "tropical_sum",
    "upper_vertices",
    "convex_decomposition",
    "random_convex_function",
]


def _lift(piece: Affine) -> tuple:
    return (*piece.linear, piece.constant)


def newton_polytope(function) -> Polytope:
    """The Newton polytope of a convex CPWL function written with non-negative coefficients.

    Parameters
    ----------
    function : CPWL, or a sequence of Affine pieces (read as their maximum)
        ``sum_t c_t max(pieces_t)`` with every ``c_t > 0``: its polytope is ``sum_t c_t conv{(a, b)}`` over the
        lifted pieces ``(a, b)`` in Q^(n+1). The polytope is taken literally (dominated pieces stay as points of
        the polytope), so that the isomorphism holds for polytopes, not only for functions.

    Raises
    ------
    UsageError
        When a coefficient is negative (the form is not convex); use :func:`convex_decomposition` first.

    Examples
    --------
    >>> from lincomb.theory import CPWL
    >>> newton_polytope(CPWL.coordinate(0, 1).maximum(0)).vertices
    ((Fraction(0, 1), Fraction(0, 1)), (Fraction(1, 1), Fraction(0, 1)))
    """
    if not isinstance(function, CPWL):
        pieces = [p if isinstance(p, Affine) else Affine(*p) for p in function]
        if not pieces:
            raise ShapeError("newton_polytope needs at least one affine piece")
        return Polytope([_lift(p) for p in pieces])
    result = Polytope([[0] * (function.dimension + 1)])
    for coefficient, pieces in function.terms:
        if coefficient < 0:
            raise UsageError(
                f"newton_polytope needs a convex form (non-negative coefficients), found coefficient {coefficient}; "
                "split the function with convex_decomposition() and take the Newton polytope of each part"
            )
        result = result + Polytope([_lift(coefficient * p) for p in pieces])
    return result


def upper_vertices(polytope: Polytope) -> tuple:
    """The vertices of ``polytope + ray(-e_last)``: the lifted pieces that are not dominated.

    Examples
    --------
    >>> upper_vertices(Polytope([[0, 0], [1, 0], ["1/2", -1]]))
    ((Fraction(0, 1), Fraction(0, 1)), (Fraction(1, 1), Fraction(0, 1)))
    """
    pieces = prune_pieces(Affine(v[:-1], v[-1]) for v in polytope.vertices)
    return tuple(sorted(_lift(p) for p in pieces))


def convex_function(polytope: Polytope) -> CPWL:
    """The convex function ``x -> max over vertices (a, b) of a . x + b`` (the inverse of :func:`newton_polytope`).

    Examples
    --------
    >>> convex_function(Polytope([[1, 0], [-1, 0]]))(["-3"])
    Fraction(3, 1)
    """
    if polytope.ambient_dimension < 2:
        raise ShapeError("a Newton polytope of a function on R^n lives in Q^(n+1) with n >= 1")
    return CPWL.maximum_of([Affine(v[:-1], v[-1]) for v in upper_vertices(polytope)])


def tropical_max(first: Polytope, second: Polytope) -> Polytope:
    """``Newt(max(f, g)) = conv(Newt f ∪ Newt g)``.

    Examples
    --------
    >>> tropical_max(Polytope([[1, 0]]), Polytope([[-1, 0]])).dimension
    1
    """
    return first.hull_union(second)


def tropical_sum(first: Polytope, second: Polytope) -> Polytope:
    """``Newt(f + g) = Newt f + Newt g`` (Minkowski sum).

    Examples
    --------
    >>> tropical_sum(Polytope([[0, 0], [1, 0]]), Polytope([[0, 0], [1, 0]])).vertices[-1]
    (Fraction(2, 1), Fraction(0, 1))
    """
    return first + second


def convex_decomposition(function) -> tuple:
    """Convex ``g``, ``h`` (single maxima) with ``function = g - h``: a tropical rational map.

    Parameters
    ----------
    function : CPWL or ReLUNetwork (scalar output)

    Returns
    -------
    (CPWL, CPWL)
        ``g = max(G)``, ``h = max(H)`` with pieces from :meth:`CPWL.convex_parts`; their Newton polytopes are
        ``newton_polytope(g)`` and ``newton_polytope(h)``.

    Examples
    --------
    >>> from lincomb.theory import max_network
    >>> g, h = convex_decomposition(max_network(3))
    >>> (g - h).equals(max_network(3))
    True
    """
    if hasattr(function, "to_cpwl") and not isinstance(function, CPWL):
        function = function.to_cpwl()
    if not isinstance(function, CPWL):
        raise UsageError(f"convex_decomposition needs a CPWL or a ReLUNetwork, got {type(function).__name__}")
    positive, negative = function.convex_parts()
    return CPWL.maximum_of(positive), CPWL.maximum_of(negative)


def random_convex_function(dimension: int, pieces: int, rng, bound: int = 3) -> CPWL:
    """A random convex max of ``pieces`` affine functions with integer coefficients in ``[-bound, bound]``.

    Parameters
    ----------
    rng : random.Random

    Examples
    --------
    >>> import random
    >>> random_convex_function(2, 3, random.Random(0)).dimension
    2
    """
    return CPWL.maximum_of(
        [Affine([rng.randint(-bound, bound) for _ in range(dimension)], rng.randint(-bound, bound)) for _ in range(pieces)]
    )

