"""Check ``hhl-even-volume``: Haase-Hertrich-Loho lattice polytopes have even face volumes; adding a simplex makes one odd.

Haase, Hertrich and Loho (ICLR 2023) bound the depth of integer-weight ReLU networks through the classes

* Newt^(0): the lattice points;
* Newt^(k): the Minkowski sums of polytopes conv(P ∪ Q) with P, Q in Newt^(k-1)

(the Newton polytopes of the convex parts of networks with k hidden layers). Their key lemma: every face of
dimension >= 2^k of a polytope in Newt^(k) has even normalized volume. The standard simplex has volume 1, and
adding it to such a polytope produces a face with odd volume, which is why max{0, x_1, ..., x_{2^k}} needs more
than k hidden layers.

This check builds random polytopes of Newt^(1) in dimensions 2 and 3 and of Newt^(2) in dimension 4 (fixed
seed, small integer points), computes the face lattice (pplpy) and every face's normalized volume
(PyNormaliz), and writes for each P two ``lattice-face-volumes`` certificates: every face of P of dimension
>= 2^k has even volume, and P + conv(0, e_1, ..., e_d) has a face of dimension >= 2^k (the top one when
possible) with odd volume. The standard-library checker re-derives the polytope from the construction, the
face lattice from integer exposing normals, and every volume by an exact pyramid recursion, so each run also
cross-checks PyNormaliz.

Run it alone with ``python -m lincomb.proofs_check.hhl_volume``.

Examples
--------
>>> certificates = run(instances=((1, 2, 2),))
>>> [c["claim"]["dimension"] for c in certificates], certificates[1]["claim"]["odd_face"]["volume"] % 2
([2, 2], 1)
"""

from __future__ import annotations

import math
import random
import time

from lincomb.errors import CheckFailed, ShapeError, UsageError
from lincomb.theory.polytopes import Polytope

from .certificate import make_certificate
from .runner import main

__all__ = [
    "hhl_point",
    "hhl_hull",
    "hhl_sum",
    "construction_polytope",
    "construction_level",
    "random_construction",
    "simplex_construction",
    "face_volume_certificate",
    "run",
    "SEED",
    "INSTANCES",
]

SEED = 2302
KIND = "lattice-face-volumes"
#: (k, d, number of Minkowski summands per level): Newt^(1) in dimensions 2 and 3, Newt^(2) in dimension 4.
INSTANCES = ((1, 2, 3), (1, 3, 3), (2, 4, 2))


# ---------------------------------------------------------------------------------------------------------
# constructions: JSON-ready expression trees
def hhl_point(coordinates) -> dict:
    """A lattice point, the building block of Newt^(0).

    Examples
    --------
    >>> hhl_point([1, -2])
    {'type': 'point', 'point': [1, -2]}
    >>> hhl_point([1, "1/2"])
    Traceback (most recent call last):
    ...
    lincomb.errors.UsageError: hhl_point needs integer coordinates (a lattice point), got '1/2' at position 1
    """
    point = []
    for i, value in enumerate(coordinates):
        if isinstance(value, bool) or not isinstance(value, int):
            raise UsageError(f"hhl_point needs integer coordinates (a lattice point), got {value!r} at position {i}")
        point.append(value)
    if not point:
        raise ShapeError("hhl_point needs at least one coordinate")
    return {"type": "point", "point": point}


def hhl_hull(left: dict, right: dict) -> dict:
    """conv(P ∪ Q) of two constructions (raises the HHL level by one).

    Examples
    --------
    >>> construction_level(hhl_hull(hhl_point([0]), hhl_point([2])))
    1
    """
    return {"type": "hull", "left": left, "right": right}


def hhl_sum(terms) -> dict:
    """The Minkowski sum of one or more constructions (keeps the largest level).

    Examples
    --------
    >>> segment = hhl_hull(hhl_point([0, 0]), hhl_point([1, 1]))
    >>> construction_polytope(hhl_sum([segment, segment])).vertices[-1]
    (Fraction(2, 1), Fraction(2, 1))
    """
    terms = list(terms)
    if not terms:
        raise UsageError("hhl_sum needs at least one term")
    return {"type": "sum", "terms": terms}


def construction_polytope(expression: dict) -> Polytope:
    """The polytope a construction describes, computed exactly (pplpy).

    Examples
    --------
    >>> construction_polytope(hhl_hull(hhl_point([0, 0]), hhl_point([1, 2]))).normalized_volume()
    1
    """
    kind = expression.get("type") if isinstance(expression, dict) else None
    if kind == "point":
        return Polytope([expression["point"]])
    if kind == "hull":
        return construction_polytope(expression["left"]) | construction_polytope(expression["right"])
    if kind == "sum":
        result = construction_polytope(expression["terms"][0])
        for term in expression["terms"][1:]:
            result = result + construction_polytope(term)
        return result
    raise UsageError(f"not a construction expression: {expression!r}; build one with hhl_point, hhl_hull, hhl_sum")


def construction_level(expression: dict) -> int:
    """The smallest k with the construction in Newt^(k) by its syntax: hulls nest, sums take the maximum.

    Examples
    --------
    >>> p, q = hhl_point([0]), hhl_point([1])
    >>> construction_level(p), construction_level(hhl_sum([hhl_hull(p, q), hhl_hull(hhl_hull(p, q), p)]))
    (0, 2)
    """
    kind = expression.get("type") if isinstance(expression, dict) else None
    if kind == "point":
        return 0
    if kind == "hull":
        return 1 + max(construction_level(expression["left"]), construction_level(expression["right"]))
    if kind == "sum":
        return max(construction_level(term) for term in expression["terms"])
    raise UsageError(f"not a construction expression: {expression!r}; build one with hhl_point, hhl_hull, hhl_sum")


def random_construction(k: int, dimension: int, rng: random.Random, terms: int = 2, coordinates=(-1, 0, 1)) -> dict:
    """A random member of Newt^(k): ``terms`` summands conv(P ∪ Q), P and Q random members of Newt^(k-1).

    Points have coordinates drawn from ``coordinates``.

    Examples
    --------
    >>> construction = random_construction(1, 2, random.Random(0), terms=2)
    >>> construction_level(construction), construction_polytope(construction).dimension <= 2
    (1, True)
    """
    if k < 0 or dimension < 1 or terms < 1:
        raise UsageError(f"random_construction needs k >= 0, dimension >= 1, terms >= 1; got {k}, {dimension}, {terms}")
    if k == 0:
        return hhl_point([rng.choice(coordinates) for _ in range(dimension)])
    return hhl_sum([
        hhl_hull(random_construction(k - 1, dimension, rng, terms, coordinates),
                 random_construction(k - 1, dimension, rng, terms, coordinates))
        for _ in range(terms)
    ])


def simplex_construction(dimension: int) -> dict:
    """The standard simplex conv(0, e_1, ..., e_d) as a balanced tree of hulls of its vertices.

    Examples
    --------
    >>> construction_polytope(simplex_construction(3)).normalized_volume()
    1
    >>> construction_level(simplex_construction(3))
    2
    """
    if dimension < 1:
        raise UsageError(f"simplex_construction needs dimension >= 1, got {dimension}")
    points = [hhl_point([0] * dimension)] + [hhl_point([int(i == j) for j in range(dimension)]) for i in range(dimension)]

    def tree(items):
        if len(items) == 1:
            return items[0]
        middle = (len(items) + 1) // 2
        return hhl_hull(tree(items[:middle]), tree(items[middle:]))

    return tree(points)


# ---------------------------------------------------------------------------------------------------------
# certificates
def _exposing_normals(polytope: Polytope, keys) -> dict:
    """Integer (normal, offset) exposing each face: the sum of the facet inequalities of P containing it."""
    vertices = polytope.vertices
    halfspaces = []
    for normal, offset, equality in polytope.inequalities():
        if equality:
            continue
        scale = math.lcm(*(x.denominator for x in normal), offset.denominator)
        integer_normal = tuple(int(x * scale) for x in normal)
        integer_offset = int(offset * scale)
        tight = frozenset(
            i for i, v in enumerate(vertices) if sum(a * x for a, x in zip(integer_normal, v)) == integer_offset
        )
        halfspaces.append((integer_normal, integer_offset, tight))
    d = polytope.ambient_dimension
    result = {}
    for key in keys:
        normal, offset = [0] * d, 0
        for facet_normal, facet_offset, tight in halfspaces:
            if key <= tight:
                normal = [a + b for a, b in zip(normal, facet_normal)]
                offset += facet_offset
        result[key] = (normal, offset)
    return result


def _face_volume(polytope: Polytope, key, dimension: int) -> int:
    """Normalized volume of a face: closed forms for points and segments, PyNormaliz above."""
    if dimension == 0:
        return 1
    points = [polytope.vertices[i] for i in sorted(key)]
    if dimension == 1:
        return math.gcd(*(int(a - b) for a, b in zip(points[0], points[1])))
    return Polytope._from_vertices(points, polytope.ambient_dimension, dimension).normalized_volume()


def face_volume_certificate(
    construction: dict,
    *,
    statement: str,
    check: str | None = None,
    newt_level: int | None = None,
    even_from_dimension: int | None = None,
    odd_from_dimension: int | None = None,
    seed: int | None = None,
) -> dict:
    """A ``lattice-face-volumes`` certificate for the polytope of ``construction``.

    Parameters
    ----------
    construction : dict
        An expression of :func:`hhl_point`, :func:`hhl_hull`, :func:`hhl_sum`.
    statement : str
        The sentence proved.
    check : str, optional
        The registered check that produced it.
    newt_level : int, optional
        Claim the construction lies in Newt^(newt_level) (the checker recomputes its level).
    even_from_dimension : int, optional
        Claim every face of at least this dimension has even normalized volume.
    odd_from_dimension : int, optional
        Claim a face of at least this dimension with odd volume: the top face when its volume is odd, else the
        lowest-dimensional such face.
    seed : int, optional
        Recorded in the provenance.

    Raises
    ------
    lincomb.errors.CheckFailed
        When a requested parity claim is false for this polytope.

    Examples
    --------
    >>> square = hhl_sum([hhl_hull(hhl_point([0, 0]), hhl_point([1, 0])), hhl_hull(hhl_point([0, 0]), hhl_point([0, 1]))])
    >>> cert = face_volume_certificate(square, statement="the unit square", even_from_dimension=2)
    >>> cert["claim"]["f_vector"], cert["claim"]["volume"]
    ([4, 4, 1], 2)
    >>> face_volume_certificate(square, statement="no", odd_from_dimension=2)
    Traceback (most recent call last):
    ...
    lincomb.errors.CheckFailed: no face of dimension >= 2 has odd normalized volume
    """
    started = time.perf_counter()
    polytope = construction_polytope(construction)
    if not polytope.is_lattice():  # cannot happen: hulls and sums of lattice points
        raise CheckFailed("the construction is not a lattice polytope")
    lattice = polytope.face_lattice()
    top = frozenset(range(len(polytope.vertices)))
    # the polytope first, then by falling dimension and vertex list: a stable, readable order
    keys = sorted(lattice.nodes, key=lambda key: (key != top, -lattice.nodes[key]["dimension"], sorted(key)))
    position = {key: i for i, key in enumerate(keys)}
    normals = _exposing_normals(polytope, keys)
    volumes = {key: _face_volume(polytope, key, lattice.nodes[key]["dimension"]) for key in keys}
    faces = []
    for key in keys:
        normal, offset = normals[key]
        faces.append({
            "vertices": sorted(key),
            "dimension": lattice.nodes[key]["dimension"],
            "normal": normal,
            "offset": offset,
            "facets": sorted(position[child] for child in lattice.successors(key)),
            "volume": volumes[key],
        })
    dimension = polytope.dimension
    f_vector = [0] * (dimension + 1)
    for face in faces:
        f_vector[face["dimension"]] += 1
    claim = {
        "statement": statement,
        "ambient_dimension": polytope.ambient_dimension,
        "construction": construction,
    }
    if newt_level is not None:
        claim["newt_level"] = newt_level
    claim.update({"dimension": dimension, "f_vector": f_vector, "volume": volumes[top]})
    if even_from_dimension is not None:
        odd = [face for face in faces if face["dimension"] >= even_from_dimension and face["volume"] % 2]
        if odd:
            raise CheckFailed(
                f"a face of dimension {odd[0]['dimension']} >= {even_from_dimension} has odd normalized volume "
                f"{odd[0]['volume']} (vertices {odd[0]['vertices']})"
            )
        claim["even_from_dimension"] = even_from_dimension
    if odd_from_dimension is not None:
        candidates = [face for face in faces if face["dimension"] >= odd_from_dimension and face["volume"] % 2]
        if not candidates:
            raise CheckFailed(f"no face of dimension >= {odd_from_dimension} has odd normalized volume")
        chosen = candidates[0] if candidates[0] is faces[0] else min(candidates, key=lambda f: (f["dimension"], f["vertices"]))
        claim["odd_face"] = {
            "vertices": [[int(x) for x in polytope.vertices[i]] for i in chosen["vertices"]],
            "dimension": chosen["dimension"],
            "volume": chosen["volume"],
        }
    data = {"vertices": [[int(x) for x in vertex] for vertex in polytope.vertices], "faces": faces}
    return make_certificate(
        KIND, claim, data, solver="pplpy (faces) + PyNormaliz (volumes)",
        seconds=time.perf_counter() - started, check=check, seed=seed,
    )


def run(progress=None, instances=INSTANCES) -> list[dict]:
    """Two certificates per instance (k, d, terms): P in Newt^(k) is face-even from 2^k; P + simplex is not.

    Random constructions are redrawn (same seeded generator) until P is full-dimensional.

    Examples
    --------
    >>> [c["claim"]["statement"][:22] for c in run(instances=((1, 2, 2),))]
    ['P in Newt^(1) (random ', 'P + conv(0, e_1, ..., ']
    """
    rng = random.Random(SEED)
    certificates = []
    for k, d, terms in instances:
        threshold = 2**k
        for attempt in range(100):
            construction = random_construction(k, d, rng, terms)
            if construction_polytope(construction).dimension == d:
                break
        else:  # pragma: no cover - the draws above are full-dimensional within a few attempts
            raise CheckFailed(f"no full-dimensional random polytope of Newt^({k}) in dimension {d} after 100 draws")
        label = f"P in Newt^({k}) (random lattice polytope in Z^{d}, {terms} summands, seed {SEED})"
        certificates.append(face_volume_certificate(
            construction,
            statement=f"{label}: every face of dimension >= 2^{k} = {threshold} has even normalized volume",
            newt_level=k, even_from_dimension=threshold, seed=SEED,
        ))
        with_simplex = hhl_sum([construction, simplex_construction(d)])
        certificate = face_volume_certificate(
            with_simplex,
            statement=f"P + conv(0, e_1, ..., e_{d}), for the {label}, has a face of dimension >= {threshold} "
            "with odd normalized volume",
            odd_from_dimension=threshold, seed=SEED,
        )
        certificates.append(certificate)
        if progress is not None:
            odd = certificate["claim"]["odd_face"]
            progress(
                f"k = {k}, d = {d}: P has f-vector {certificates[-2]['claim']['f_vector']} and volume "
                f"{certificates[-2]['claim']['volume']}; P + simplex has a {odd['dimension']}-face of volume {odd['volume']}"
            )
    return certificates


if __name__ == "__main__":
    main()
