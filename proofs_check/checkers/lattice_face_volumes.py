"""Checker for ``lattice-face-volumes`` certificates: the face lattice and exact normalized volumes of a lattice polytope.

STANDARD LIBRARY ONLY. Shares no code with ``lincomb.theory.polytopes`` (which uses pplpy and PyNormaliz).
The contract is ``docs/certificates_lattice-face-volumes.md``.

The proof, in four parts.

1. **The polytope.** ``claim.construction`` builds P from lattice points by convex hulls of unions and
   Minkowski sums (the Haase-Hertrich-Loho classes); the checker expands it into a finite generator set G
   with conv(G) = P, and recomputes its HHL level.
2. **Every listed face is a face.** Each face F in ``data.faces`` carries an integer normal a and offset b
   with a.v <= b for every listed vertex v, equality exactly on F's vertices: F is an exposed face of
   conv(V), and its vertex set is V ∩ F. Its dimension is recomputed as a rank.
3. **The list is complete.** Each face lists its facets (faces of one dimension less on a subset of its
   vertices). A segment needs exactly two; in a face of dimension r >= 2 every ridge (a facet of a listed
   facet) must lie in exactly two listed facets. Every ridge of a polytope lies in exactly two facets and
   the facet-ridge graph is connected, so (by induction on dimension) every facet of every listed face is
   listed, and hence, descending from ``faces[0]`` = conv(V), every face of conv(V). Each vertex must be a
   0-face, each vertex must be a generator, and each generator must satisfy the facet inequalities of
   conv(V) and lie in its affine hull: so V is exactly the vertex set of P.
4. **Volumes.** NVol(point) = 1 and, for a face F with first vertex v,
   NVol(F) = sum over facets G of F not containing v of h(v, G) * NVol(G) (F is the union of the pyramids
   conv(v, G)), where the lattice height h(v, G) = m(W_G + [v - g]) / m(W_G): W_G spans G - g by integer
   difference vectors and m(W) = gcd of the maximal minors of W = the index of the lattice spanned by W in
   its saturation lin(W) ∩ Z^d. All in exact integer arithmetic.

Examples
--------
>>> square = {"type": "sum", "terms": [
...     {"type": "hull", "left": {"type": "point", "point": [0, 0]}, "right": {"type": "point", "point": [1, 0]}},
...     {"type": "hull", "left": {"type": "point", "point": [0, 0]}, "right": {"type": "point", "point": [0, 1]}}]}
>>> def face(vertices, dimension, normal, offset, facets, volume):
...     return {"vertices": vertices, "dimension": dimension, "normal": normal, "offset": offset,
...             "facets": facets, "volume": volume}
>>> faces = [face([0, 1, 2, 3], 2, [0, 0], 0, [1, 2, 3, 4], 2),
...          face([0, 1], 1, [-1, 0], 0, [5, 6], 1), face([2, 3], 1, [1, 0], 1, [7, 8], 1),
...          face([0, 2], 1, [0, -1], 0, [5, 7], 1), face([1, 3], 1, [0, 1], 1, [6, 8], 1),
...          face([0], 0, [-1, -1], 0, [], 1), face([1], 0, [-1, 1], 1, [], 1),
...          face([2], 0, [1, -1], 1, [], 1), face([3], 0, [1, 1], 2, [], 1)]
>>> cert = {"format": "lincomb-certificate", "version": 1, "kind": "lattice-face-volumes",
...         "claim": {"statement": "the unit square", "ambient_dimension": 2, "construction": square,
...                   "newt_level": 1, "dimension": 2, "f_vector": [4, 4, 1], "volume": 2,
...                   "even_from_dimension": 2},
...         "data": {"vertices": [[0, 0], [0, 1], [1, 0], [1, 1]], "faces": faces},
...         "provenance": {"lincomb": "0.1.0", "solver": "hand", "seconds": 0}}
>>> verify(cert)
'conv of 4 lattice points in Z^2 (HHL level 1): dimension 2, f-vector (4, 4, 1), normalized volume 2; all 1 faces of dimension >= 2 have even normalized volume'
>>> cert["data"]["faces"][0]["volume"] = 4
>>> verify(cert)
Traceback (most recent call last):
...
lincomb.proofs_check.checkers._common.CertificateRejected: data.faces[0]: listed normalized volume 4, recomputed 2
"""

from __future__ import annotations

from collections import Counter

from ._exact import Echelon, minor_gcd
from ._common import CertificateMalformed, CertificateRejected, field_path, get_choice, get_indices, get_int, get_int_list
from ._common import get_list, get_object, get_objects, get_rational, get_vector, malformed_unless, open_certificate
from ._common import parse_rational, reject_unless

KIND = "lattice-face-volumes"

# Expanding Minkowski sums multiplies generator counts; beyond this the certificate is rejected rather than
# letting a checker run for hours (the construction can always be given with fewer, smaller summands).
MAX_GENERATORS = 200_000


# ---------------------------------------------------------------------------------------------------------
# exact integer linear algebra
# ---------------------------------------------------------------------------------------------------------
# reading
def _lattice_point(value, path: str, dimension: int) -> tuple:
    malformed_unless(isinstance(value, list), path, "expected an array of coordinates")
    malformed_unless(len(value) == dimension, path, f"has {len(value)} coordinates, the ambient dimension is {dimension}")
    point = []
    for i, entry in enumerate(value):
        number = parse_rational(entry, field_path(path, i))
        reject_unless(number.denominator == 1, f"{path}: coordinate {i} is {number}, not an integer: not a lattice point")
        point.append(int(number))
    return tuple(point)


def _expand(expression, path: str, dimension: int) -> tuple:
    """(generator set, HHL level) of a construction expression."""
    malformed_unless(isinstance(expression, dict), path, "expected an object with a \"type\"")
    kind = get_choice(expression, "type", path, ("point", "hull", "sum"),
                      "unknown expression type {value!r}; use point, hull or sum")
    if kind == "point":
        return {_lattice_point(get_list(expression, "point", path), field_path(path, "point"), dimension)}, 0
    if kind == "hull":
        left, left_level = _expand(get_object(expression, "left", path), field_path(path, "left"), dimension)
        right, right_level = _expand(get_object(expression, "right", path), field_path(path, "right"), dimension)
        return left | right, 1 + max(left_level, right_level)
    terms = get_list(expression, "terms", path, empty="a Minkowski sum needs at least one term")
    total, level = {tuple([0] * dimension)}, 0
    for i, term in enumerate(terms):
        points, term_level = _expand(term, field_path(field_path(path, "terms"), i), dimension)
        if len(total) * len(points) > MAX_GENERATORS:
            raise CertificateRejected(f"{path}: the Minkowski sum expands to more than {MAX_GENERATORS} generators; "
                                      "use a smaller construction")
        total = {tuple(a + b for a, b in zip(p, q)) for p in total for q in points}
        level = max(level, term_level)
    return total, level


def _integer(number, path: str) -> int:
    """A rational that must be an integer (``"3"`` or ``"6/2"``)."""
    malformed_unless(number.denominator == 1, path, f"expected an integer, got {number}")
    return int(number)


def _read_faces(data: dict, vertex_count: int, dimension: int) -> list:
    faces, seen = [], {}  # seen: vertex set -> index of its face
    raw_faces = get_objects(data, "faces", "data", empty="must list at least the polytope itself")
    for index, (path, raw) in enumerate(raw_faces):
        indices = get_indices(raw, "vertices", path, vertex_count, "vertex")
        if not indices or any(a >= b for a, b in zip(indices, indices[1:])):
            raise CertificateMalformed(field_path(path, "vertices"), "expected a non-empty, strictly increasing list of vertex indices")
        key = tuple(indices)
        reject_unless(key not in seen, f"{path}: the same vertex set as data.faces[{seen.get(key)}]; every face is listed once")
        seen[key] = index
        normal = get_vector(raw, "normal", path, dimension, " (the ambient dimension)")
        normal = tuple(_integer(v, field_path(field_path(path, "normal"), i)) for i, v in enumerate(normal))
        facets = get_indices(raw, "facets", path, len(raw_faces), "face")
        malformed_unless(len(set(facets)) == len(facets), field_path(path, "facets"), "lists a facet twice")
        faces.append(dict(path=path, vertices=key, vertex_set=frozenset(key), normal=normal, facets=list(facets),
                          dimension=get_int(raw, "dimension", path, minimum=0),
                          offset=_integer(get_rational(raw, "offset", path), field_path(path, "offset")),
                          volume=get_int(raw, "volume", path, minimum=1)))
    return faces


# ---------------------------------------------------------------------------------------------------------
# the proof
def _check_face(face: dict, vertices: list) -> list:
    """Exposure and dimension of one face; returns its integer spanning differences (a basis of F - v0)."""
    path, normal, offset, members = face["path"], face["normal"], face["offset"], face["vertex_set"]
    for j, vertex in enumerate(vertices):
        value = sum(a * x for a, x in zip(normal, vertex))
        if value > offset:
            raise CertificateRejected(f"{path}: the inequality normal . x <= offset is violated by vertex {j} ({value} > {offset})")
        if (value == offset) != (j in members):
            state = "tight at" if value == offset else "not tight at"
            raise CertificateRejected(f"{path}: the inequality is {state} vertex {j}, so it does not expose exactly the listed vertices")
    base = vertices[face["vertices"][0]]
    echelon = Echelon(len(base))
    basis = []
    for j in face["vertices"][1:]:
        difference = [a - b for a, b in zip(vertices[j], base)]
        if echelon.add(difference):
            basis.append(difference)
    if len(basis) != face["dimension"]:
        raise CertificateRejected(f"{path}: listed dimension {face['dimension']}, but its vertices span dimension {len(basis)}")
    return basis


def _check_facets(index: int, faces: list) -> None:
    face = faces[index]
    path, r, facets = face["path"], face["dimension"], face["facets"]
    if r == 0:
        reject_unless(not facets, f"{path}: a vertex has no facets, {len(facets)} listed")
        return
    for j in facets:
        facet = faces[j]
        reject_unless(facet["dimension"] == r - 1,
                      f"{path}: facet data.faces[{j}] has dimension {facet['dimension']}, not {r - 1}")
        reject_unless(facet["vertex_set"] < face["vertex_set"], f"{path}: facet data.faces[{j}] has vertices outside this face")
    if r == 1:
        reject_unless(len(facets) == 2, f"{path}: a segment has exactly 2 facets (its end points), {len(facets)} listed")
        return
    reject_unless(facets, f"{path}: a face of dimension {r} needs its facets listed")
    ridge_count = Counter(ridge for j in facets for ridge in faces[j]["facets"])
    for ridge, count in sorted(ridge_count.items()):
        reject_unless(count == 2, f"{path}: ridge data.faces[{ridge}] lies in {count} listed facets, not 2: "
                                  "the facet list is incomplete or wrong")


def _face_volumes(faces: list, vertices: list, bases: list) -> list:
    """Normalized volume of every face, by the pyramid recursion over facets (lowest dimension first)."""
    volumes = [0] * len(faces)
    for index in sorted(range(len(faces)), key=lambda i: faces[i]["dimension"]):
        face = faces[index]
        apex_index = face["vertices"][0]
        total = 0 if face["dimension"] else 1  # a point has volume 1 (and no facets: _check_facets)
        for j in face["facets"]:
            if apex_index in faces[j]["vertex_set"]:
                continue
            base_point = vertices[faces[j]["vertices"][0]]
            lifted = minor_gcd(bases[j] + [[a - b for a, b in zip(vertices[apex_index], base_point)]])
            height, remainder = divmod(lifted, minor_gcd(bases[j]))
            if remainder or height <= 0:  # cannot happen for a valid facet of a lattice face
                raise CertificateRejected(f"{face['path']}: the lattice height over facet data.faces[{j}] is not a positive integer")
            total += height * volumes[j]
        volumes[index] = total
    return volumes


def _check_face_lattice(faces: list, vertices: list) -> list:
    """Conditions 2 and 3: every listed face is an exposed face of conv(V) of its listed dimension,
    data.faces[0] is the polytope, the facet lists are complete, and every vertex is a 0-face.
    Returns the integer bases of the faces (F - v0)."""
    bases = [_check_face(face, vertices) for face in faces]
    reject_unless(faces[0]["vertices"] == tuple(range(len(vertices))), "data.faces[0] must be the polytope itself (all vertices)")
    for index in range(len(faces)):
        _check_facets(index, faces)
    zero_faces = {face["vertices"][0] for face in faces if face["dimension"] == 0}
    missing = next((j for j in range(len(vertices)) if j not in zero_faces), None)
    reject_unless(missing is None, f"data.vertices[{missing}] is not listed as a 0-dimensional face, so it is not shown to be a vertex")
    return bases


def _check_hull_is_construction(vertices: list, generators: set, faces: list, bases: list, dimension: int) -> None:
    """Condition 1: conv(V) = conv(G): V lies in G, and G lies in aff(V) and in every facet half-space of conv(V)."""
    for j, vertex in enumerate(vertices):
        reject_unless(vertex in generators, f"data.vertices[{j}] = {list(vertex)} is not a point generated by claim.construction")
    top = faces[0]
    hull = Echelon(dimension)
    for row in bases[0]:
        hull.add(row)
    for generator in sorted(generators):
        if top["dimension"] < dimension and not hull.contains([a - b for a, b in zip(generator, vertices[0])]):
            raise CertificateRejected(f"generator {list(generator)} of claim.construction is outside the affine hull of data.vertices")
        for j in top["facets"]:
            facet = faces[j]
            if sum(a * x for a, x in zip(facet["normal"], generator)) > facet["offset"]:
                raise CertificateRejected(f"generator {list(generator)} of claim.construction violates the inequality of "
                                          f"facet data.faces[{j}]: the listed vertices do not span the constructed polytope")


def _compare_polytope_claim(claim: dict, faces: list, volumes: list, level: int) -> list:
    """The claim's HHL level, dimension, f-vector and volume against the recomputed ones; returns the f-vector."""
    top = faces[0]
    if claim.get("newt_level") is not None:
        claimed_level = get_int(claim, "newt_level", "claim", minimum=0)
        reject_unless(level <= claimed_level, f"claim.newt_level is {claimed_level}, but the construction has HHL level {level}")
    polytope_dimension = get_int(claim, "dimension", "claim", minimum=0)
    reject_unless(polytope_dimension == top["dimension"],
                  f"claim.dimension is {polytope_dimension}, the polytope has dimension {top['dimension']}")
    dimensions = Counter(face["dimension"] for face in faces)
    f_vector = [dimensions[r] for r in range(top["dimension"] + 1)]
    claimed_f = get_int_list(claim, "f_vector", "claim")
    reject_unless(claimed_f == f_vector, f"claim.f_vector is {claimed_f}, recomputed {f_vector}")
    claimed_volume = get_int(claim, "volume", "claim", minimum=1)
    reject_unless(claimed_volume == volumes[0], f"claim.volume is {claimed_volume}, recomputed {volumes[0]}")
    return f_vector


def _compare_even_faces(claim: dict, faces: list, volumes: list) -> str:
    """claim.even_from_dimension: every face of at least that dimension has even normalized volume."""
    threshold = get_int(claim, "even_from_dimension", "claim", minimum=0)
    high = [(face, volume) for face, volume in zip(faces, volumes) if face["dimension"] >= threshold]
    for face, volume in high:
        reject_unless(volume % 2 == 0, f"{face['path']} has dimension {face['dimension']} >= {threshold} and odd "
                                       f"normalized volume {volume}")
    return f"; all {len(high)} faces of dimension >= {threshold} have even normalized volume"


def _compare_odd_face(claim: dict, faces: list, volumes: list, vertices: list, dimension: int) -> str:
    """claim.odd_face: the named vertex set is a face of the claimed dimension with that odd volume."""
    odd = get_object(claim, "odd_face", "claim")
    points = get_list(odd, "vertices", "claim.odd_face")
    wanted = {_lattice_point(p, field_path("claim.odd_face.vertices", i), dimension) for i, p in enumerate(points)}
    match = next((i for i, face in enumerate(faces) if {vertices[j] for j in face["vertices"]} == wanted), None)
    reject_unless(match is not None and len(wanted) == len(points),
                  "claim.odd_face.vertices is not the vertex set of a face of the polytope")
    odd_dimension = get_int(odd, "dimension", "claim.odd_face", minimum=0)
    odd_volume = get_int(odd, "volume", "claim.odd_face", minimum=1)
    reject_unless(odd_dimension == faces[match]["dimension"] and odd_volume == volumes[match],
                  f"claim.odd_face: claimed dimension {odd_dimension} and volume {odd_volume}, "
                  f"recomputed {faces[match]['dimension']} and {volumes[match]}")
    reject_unless(odd_volume % 2 != 0, f"claim.odd_face: the volume {odd_volume} is even")
    return f"; a face of dimension {odd_dimension} has odd normalized volume {odd_volume}"


def verify(cert: dict) -> str:
    """Verify a ``lattice-face-volumes`` certificate; return a one-line summary.

    Raises
    ------
    CertificateMalformed
        For a missing field or a wrong type, naming the field.
    CertificateRejected
        When the data does not prove the claim (says which part failed).

    Examples
    --------
    >>> point = {"format": "lincomb-certificate", "version": 1, "kind": "lattice-face-volumes",
    ...          "claim": {"statement": "a point", "ambient_dimension": 1,
    ...                    "construction": {"type": "point", "point": [3]},
    ...                    "dimension": 0, "f_vector": [1], "volume": 1},
    ...          "data": {"vertices": [[3]], "faces": [{"vertices": [0], "dimension": 0, "normal": [0],
    ...                   "offset": 0, "facets": [], "volume": 1}]},
    ...          "provenance": {"lincomb": "0.1.0", "solver": "hand", "seconds": 0}}
    >>> verify(point)
    'conv of 1 lattice points in Z^1 (HHL level 0): dimension 0, f-vector (1,), normalized volume 1'
    """
    claim, data = open_certificate(cert, KIND)
    dimension = get_int(claim, "ambient_dimension", "claim", minimum=1)
    generators, level = _expand(get_object(claim, "construction", "claim"), "claim.construction", dimension)
    raw_vertices = get_list(data, "vertices", "data", empty="must list at least one vertex")
    vertices = [_lattice_point(v, field_path("data.vertices", i), dimension) for i, v in enumerate(raw_vertices)]
    reject_unless(len(set(vertices)) == len(vertices), "data.vertices: a vertex is listed twice")
    faces = _read_faces(data, len(vertices), dimension)
    # recompute, checking each named condition
    bases = _check_face_lattice(faces, vertices)
    _check_hull_is_construction(vertices, generators, faces, bases, dimension)
    volumes = _face_volumes(faces, vertices, bases)
    for face, volume in zip(faces, volumes):
        reject_unless(face["volume"] == volume, f"{face['path']}: listed normalized volume {face['volume']}, recomputed {volume}")
    # compare with the claim
    f_vector = _compare_polytope_claim(claim, faces, volumes, level)
    summary = (f"conv of {len(vertices)} lattice points in Z^{dimension} (HHL level {level}): dimension "
               f"{faces[0]['dimension']}, f-vector {tuple(f_vector)}, normalized volume {volumes[0]}")
    if "even_from_dimension" in claim:
        summary += _compare_even_faces(claim, faces, volumes)
    if "odd_face" in claim:
        summary += _compare_odd_face(claim, faces, volumes, vertices, dimension)
    return summary
