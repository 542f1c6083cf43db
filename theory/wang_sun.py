"""Wang & Sun (2005): a maximum of affine functions as a signed sum of maxima of at most n+1 of them.

Every CPWL function on R^n is a linear combination of maxima of at most n+1 affine functions. The
constructive step is :func:`decompose_max`, which rewrites one convex term ``max_i (a_i . x + b_i)``;
:func:`wang_sun_terms` applies it to every term of a linear combination and merges equal maxima.

Method
------
``f(x) = max_i (a_i . x + b_i)`` is the support function of ``Q = conv{(a_i, b_i)}`` at ``(x, 1)``.

1. Pieces that are not vertices of the upper hull ``Q + ray(-e_{n+1})`` never attain the maximum
   alone, so they are dropped (exactly, with pplpy); equal pieces collapse to one.
2. The upper facets of the lifted points project to the cells of a regular subdivision S of
   ``P' = conv{a_i}``. A pulling triangulation T of every cell, with one global vertex order (the
   input order), refines S; pulling is used because its restriction to a face is the pulling
   triangulation of that face, so the cells' triangulations agree on shared faces.
3. With ``d = dim P'``, ``f = sum (-1)^(d - dim F) max_{i in F} (a_i . x + b_i)`` over the faces F of T
   that are not contained in the relative boundary of P'. Each F is a simplex, so ``|F| <= d+1 <= n+1``.

Why 3 holds: fix x and let ``phi(y) = x . y + g(y)`` on P', where g is the upper-hull height
function; phi is concave (g is) and affine on every simplex of T, so ``max_F phi = max_{i in F} f_i(x)``
and ``f(x) = max_{P'} phi``. The indicator identity ``sum_{F interior} (-1)^(d - dim F) [F] = [P']``
of a triangulated polytope holds for every valuation on polyconvex sets, in particular for
``K -> chi(K cap {phi >= t})`` (the superlevel sets are convex because phi is concave, which is where T
refining S matters); integrating over t (``max_K phi = m + int_m^oo chi(K cap {phi >= t}) dt`` for
``m = min_{P'} phi``) gives the formula.

Examples
--------
>>> pieces = [Affine([1, 0]), Affine([0, 1]), Affine([-1, 0]), Affine([0, -1]), Affine([0, 0])]
>>> for coefficient, subset in decompose_max(pieces):
...     print(coefficient, subset)
1 [Affine([1, 0], 0), Affine([0, 1], 0), Affine([-1, 0], 0)]
1 [Affine([1, 0], 0), Affine([-1, 0], 0), Affine([0, -1], 0)]
-1 [Affine([1, 0], 0), Affine([-1, 0], 0)]
"""

from __future__ import annotations

from fractions import Fraction
from math import lcm

import ppl

from lincomb.errors import ShapeError, UsageError

from .affine import Affine
from .rationals import to_rational

__all__ = ["decompose_max", "wang_sun_terms"]


# exact polyhedra through pplpy ---------------------------------------------------------------------
def _polyhedron(points, ray_down: bool = False) -> ppl.C_Polyhedron:
    """conv(points) (+ ray(-e_last) when ``ray_down``); pplpy wants integers, so scale by a common denominator."""
    dimension = len(points[0])
    polyhedron = ppl.C_Polyhedron(dimension, "empty")
    for point in points:
        denominator = lcm(*(c.denominator for c in point))
        numerators = [int(c * denominator) for c in point]
        polyhedron.add_generator(ppl.point(ppl.Linear_Expression(numerators, 0), denominator))
    if ray_down:
        polyhedron.add_generator(ppl.ray(-ppl.Variable(dimension - 1)))
    return polyhedron


def _inequalities(polyhedron: ppl.C_Polyhedron):
    """The facet inequalities ``c . y + c0 >= 0`` (equalities, i.e. the affine hull, left out)."""
    return [
        ([int(c) for c in constraint.coefficients()], int(constraint.inhomogeneous_term()))
        for constraint in polyhedron.minimized_constraints()
        if not constraint.is_equality()
    ]


def _saturating(inequality, points, indices) -> frozenset:
    coefficients, constant = inequality
    return frozenset(i for i in indices if sum((c * y for c, y in zip(coefficients, points[i])), constant) == 0)


# the construction ---------------------------------------------------------------------------------
def _upper_hull(pieces: list[Affine]):
    """Indices of the upper-hull vertices and the cells (index sets) of the induced subdivision S."""
    lifted = [(*piece.linear, piece.constant) for piece in pieces]
    hull = _polyhedron(lifted, ray_down=True)
    vertex_keys = set()
    for generator in hull.minimized_generators():
        if generator.is_point():
            divisor = int(generator.divisor())
            vertex_keys.add(tuple(Fraction(int(c), divisor) for c in generator.coefficients()))
    vertices = [i for i, point in enumerate(lifted) if point in vertex_keys]
    # An upper facet has a negative coefficient on the height; vertical facets (coefficient 0) lie
    # over the boundary of P' and bound no cell.
    cells = [
        _saturating(inequality, lifted, vertices)
        for inequality in _inequalities(hull)
        if inequality[0][-1] < 0
    ]
    return vertices, cells


def _pulling_triangulation(cell: frozenset, gradients, cache: dict) -> list[frozenset]:
    """The maximal simplices of the pulling triangulation of conv(cell), pulling smallest index first."""
    if cell in cache:
        return cache[cell]
    polyhedron = _polyhedron([gradients[i] for i in sorted(cell)])
    if len(cell) == polyhedron.affine_dimension() + 1:
        simplices = [cell]
    else:
        apex = min(cell)
        simplices = []
        for inequality in _inequalities(polyhedron):
            facet = _saturating(inequality, gradients, cell)
            if apex not in facet:
                simplices.extend(simplex | {apex} for simplex in _pulling_triangulation(facet, gradients, cache))
    cache[cell] = simplices
    return simplices


def _faces(simplex: frozenset):
    """All non-empty faces of a simplex (every subset of its vertex set)."""
    members = sorted(simplex)
    for mask in range(1, 1 << len(members)):
        yield frozenset(m for bit, m in enumerate(members) if mask >> bit & 1)


def decompose_max(pieces) -> list[tuple[Fraction, list[Affine]]]:
    """Write ``max(pieces)`` as ``sum coefficient * max(subset)`` with every subset of at most n+1 pieces.

    Parameters
    ----------
    pieces : sequence of Affine
        Affine functions on R^n, at least one, all of the same dimension n.

    Returns
    -------
    list of (Fraction, list of Affine)
        Terms ``(coefficient, subset)``, coefficients +1 or -1, each subset a list of (deduplicated)
        input pieces in input order with at most ``d + 1 <= n + 1`` entries (d: the dimension of the
        convex hull of the gradients), such that ``max(pieces) == sum coefficient * max(subset)`` on all of
        R^n. Terms come simplices of top dimension first, then by input order. Redundant pieces
        (never the unique maximum) appear in no subset. See the module docstring for the method.

    Raises
    ------
    UsageError
        When ``pieces`` is empty or holds something that is not an :class:`Affine`.
    ShapeError
        When the pieces have different dimensions.

    Examples
    --------
    >>> decompose_max([Affine([1]), Affine([0]), Affine([-1])])     # |x| (0 is redundant)
    [(Fraction(1, 1), [Affine([1], 0), Affine([-1], 0)])]
    >>> decompose_max([Affine([1, 0], 1), Affine([1, 0], 3)])      # same gradient: the larger one
    [(Fraction(1, 1), [Affine([1, 0], 3)])]
    >>> terms = decompose_max([Affine([0, 0]), Affine([1, 0]), Affine([0, 1]), Affine([1, 1], -1)])
    >>> [(int(c), len(subset)) for c, subset in terms]
    [(1, 3), (1, 3), (-1, 2)]
    >>> x = [Fraction(2, 3), Fraction(1, 2)]
    >>> sum(c * max(p(x) for p in subset) for c, subset in terms)
    Fraction(2, 3)
    """
    pieces = list(pieces)
    if not pieces:
        raise UsageError("decompose_max needs at least one affine piece")
    for index, piece in enumerate(pieces):
        if not isinstance(piece, Affine):
            raise UsageError(f"piece {index} is {piece!r}, not an Affine; wrap it as Affine(linear, constant)")
        if piece.dimension != pieces[0].dimension:
            raise ShapeError(f"piece {index} is on R^{piece.dimension}, piece 0 on R^{pieces[0].dimension}")
    unique = list(dict.fromkeys(pieces))  # keeps input order, so the output is deterministic

    vertices, cells = _upper_hull(unique)
    if len(vertices) == 1:
        return [(Fraction(1), [unique[vertices[0]]])]

    gradients = {i: unique[i].linear for i in vertices}
    hull = _polyhedron([gradients[i] for i in vertices])
    d = hull.affine_dimension()
    boundary_facets = [_saturating(inequality, gradients, vertices) for inequality in _inequalities(hull)]

    cache: dict = {}
    faces = set()
    for cell in cells:
        for simplex in _pulling_triangulation(cell, gradients, cache):
            faces.update(_faces(simplex))
    interior = [face for face in faces if not any(face <= facet for facet in boundary_facets)]
    interior.sort(key=lambda face: (-len(face), sorted(face)))
    return [
        (Fraction((-1) ** (d - (len(face) - 1))), [unique[i] for i in sorted(face)])
        for face in interior
    ]


def wang_sun_terms(terms, dimension: int) -> list[tuple[Fraction, list[Affine]]]:
    """Rewrite ``sum coefficient * max(pieces)`` with maxima of at most ``dimension + 1`` pieces.

    Every term goes through :func:`decompose_max`; maxima of the same set of pieces are merged by
    adding their coefficients, and terms whose coefficient becomes zero are dropped.

    Parameters
    ----------
    terms : sequence of (exact number, sequence of Affine)
        The linear combination ``[(coefficient, pieces), ...]``.
    dimension : int
        The input dimension n; every piece must be on R^n.

    Returns
    -------
    list of (Fraction, list of Affine)
        The merged terms in order of first appearance, each with at most ``dimension + 1`` pieces.

    Raises
    ------
    ShapeError
        When a piece is not on R^dimension.

    Examples
    --------
    >>> x, y, zero = Affine([1, 0]), Affine([0, 1]), Affine([0, 0])
    >>> wang_sun_terms([(1, [x, y, -x, -y]), (1, [x, -x])], 2)
    [(Fraction(1, 1), [Affine([1, 0], 0), Affine([0, 1], 0), Affine([-1, 0], 0)]), \
(Fraction(1, 1), [Affine([1, 0], 0), Affine([-1, 0], 0), Affine([0, -1], 0)])]
    >>> wang_sun_terms([(2, [zero, x]), ("-2", [x, zero])], 2)
    []
    """
    merged: dict = {}
    for index, (coefficient, pieces) in enumerate(terms):
        coefficient = to_rational(coefficient, f"term {index} coefficient")
        pieces = list(pieces)
        for piece in pieces:
            if isinstance(piece, Affine) and piece.dimension != dimension:
                raise ShapeError(f"term {index} has a piece on R^{piece.dimension}, expected R^{dimension}")
        if coefficient == 0:
            continue
        for sign, subset in decompose_max(pieces):
            entry = merged.setdefault(frozenset(subset), [Fraction(0), subset])
            entry[0] += coefficient * sign
    return [(total, subset) for total, subset in merged.values() if total != 0]
