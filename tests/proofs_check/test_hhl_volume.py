"""hhl-even-volume and lattice-face-volumes certificates: valid ones verify, mutated ones are rejected,
and the checker's exact volumes agree with PyNormaliz and with hand-computed values."""

from __future__ import annotations

import copy
import json
import math
import random

import pytest

from lincomb.proofs_check.checkers import verify_certificate
from lincomb.proofs_check.hhl_volume import (
    INSTANCES,
    construction_level,
    construction_polytope,
    face_volume_certificate,
    hhl_hull,
    hhl_point,
    hhl_sum,
    random_construction,
    run,
    simplex_construction,
)
from lincomb.proofs_check.registry import Check
from lincomb.proofs_check.runner import run_check
from lincomb.theory.polytopes import Polytope, cube, simplex, zonotope


def _round_trip(cert):
    return json.loads(json.dumps(cert))


@pytest.fixture(scope="module")
def small_certificates():
    """P in Newt^(1) in Z^3 (even from 2) and P + simplex (an odd face)."""
    return [_round_trip(c) for c in run(instances=((1, 3, 3),))]


def unit_cube_construction(d):
    origin = [0] * d
    return hhl_sum([hhl_hull(hhl_point(origin), hhl_point([int(i == j) for j in range(d)])) for i in range(d)])


def zonotope_construction(generators):
    d = len(generators[0])
    return hhl_sum([hhl_hull(hhl_point([0] * d), hhl_point(list(g))) for g in generators])


def mutate(cert, change):
    cert = copy.deepcopy(cert)
    change(cert)
    return verify_certificate(cert)


def drop_face(cert, index):
    """Remove data.faces[index] and every reference to it, renumbering the others (a well-formed result)."""
    faces = cert["data"]["faces"]
    del faces[index]
    for face in faces:
        face["facets"] = [j - (j > index) for j in face["facets"] if j != index]


# -------------------------------------------------------------------------------------------------- valid
def test_check_passes_through_the_runner():
    result = run_check(Check(
        id="hhl-even-volume",
        claim="HHL polytopes of Newt^(k), k = 1, 2, have even face volumes from dimension 2^k; adding the simplex makes one odd",
        source="Haase, Hertrich, Loho (ICLR 2023), arXiv 2302.12553",
        tier="quick",
        needs=(),
        module="hhl_volume",
    ))
    assert result.status == "PASS", result.message
    assert len(result.verdicts) == 2 * len(INSTANCES)
    summaries = [v.summary for v in result.verdicts]
    assert "all 1 faces of dimension >= 4 have even normalized volume" in summaries[4]  # k = 2, d = 4
    assert "odd normalized volume" in summaries[5]


def test_small_certificates_verify(small_certificates):
    even, odd = small_certificates
    for cert in small_certificates:
        verdict = verify_certificate(cert)
        assert verdict.verified, verdict.line()
    assert even["claim"]["newt_level"] == 1 and even["claim"]["even_from_dimension"] == 2
    assert odd["claim"]["odd_face"]["volume"] % 2 == 1 and odd["claim"]["odd_face"]["dimension"] >= 2


def test_certificate_volumes_equal_pynormaliz_on_every_face(small_certificates):
    for cert in small_certificates:
        polytope = construction_polytope(cert["claim"]["construction"])
        by_vertices = {tuple(face["vertices"]): face["volume"] for face in cert["data"]["faces"]}
        assert by_vertices == {tuple(sorted(key)): volume for key, volume in polytope.face_volumes(0).items()}


@pytest.mark.parametrize("d", [1, 2, 3, 4])
def test_unit_simplex_and_cube_volumes(d):
    simplex_cert = face_volume_certificate(simplex_construction(d), statement="simplex")
    cube_cert = face_volume_certificate(unit_cube_construction(d), statement="cube", newt_level=1, even_from_dimension=2)
    for cert, expected, polytope in ((simplex_cert, 1, simplex(d)), (cube_cert, math.factorial(d), cube(d))):
        verdict = verify_certificate(_round_trip(cert))
        assert verdict.verified, verdict.line()  # the checker recomputed every face's volume and agreed
        assert cert["claim"]["volume"] == expected == polytope.normalized_volume()
        assert cert["claim"]["f_vector"][:-1] == list(polytope.f_vector())


@pytest.mark.parametrize("generators", [
    [[1, 0], [0, 1], [1, 1]],                 # a hexagon: 2 * (1 + 1 + 1) = 6
    [[2, 0], [0, 3]],                         # a 2 x 3 box: 12
    [[1, 2, 0], [0, 1, 3], [1, 1, 1], [2, 0, 1]],
    [[1, 0, 0, 1], [0, 1, 1, 0], [1, 1, 0, 0], [0, 0, 1, 1], [1, -1, 1, 0]],
])
def test_zonotope_volumes_match_pynormaliz(generators):
    cert = face_volume_certificate(zonotope_construction(generators), statement="zonotope", newt_level=1, even_from_dimension=2)
    assert verify_certificate(_round_trip(cert)).verified
    polytope = zonotope(generators)
    by_vertices = {tuple(face["vertices"]): face["volume"] for face in cert["data"]["faces"]}
    assert by_vertices == {tuple(sorted(key)): volume for key, volume in polytope.face_volumes(0).items()}
    d = len(generators[0])
    assert polytope.dimension == d
    # a full-dimensional zonotope's normalized volume: d! * sum over d-subsets of generators of |det|
    expected = math.factorial(d) * sum(abs(_det([generators[i] for i in subset])) for subset in _subsets(len(generators), d))
    assert cert["claim"]["volume"] == expected


def _subsets(n, r):
    from itertools import combinations

    return combinations(range(n), r)


def _det(rows):
    from fractions import Fraction

    a = [[Fraction(x) for x in row] for row in rows]
    n, sign, result = len(a), 1, Fraction(1)
    for k in range(n):
        pivot = next((i for i in range(k, n) if a[i][k]), None)
        if pivot is None:
            return 0
        if pivot != k:
            a[k], a[pivot], sign = a[pivot], a[k], -sign
        result *= a[k][k]
        for i in range(k + 1, n):
            factor = a[i][k] / a[k][k]
            a[i] = [x - factor * y for x, y in zip(a[i], a[k])]
    return sign * result


def test_lower_dimensional_polytope_in_its_own_lattice():
    # a triangle in the plane x + y + z = 2 of Z^3, and a segment of lattice length 3
    triangle = hhl_hull(hhl_hull(hhl_point([2, 0, 0]), hhl_point([0, 2, 0])), hhl_point([0, 0, 2]))
    cert = face_volume_certificate(triangle, statement="triangle")
    assert verify_certificate(_round_trip(cert)).verified
    assert cert["claim"]["volume"] == 4 == Polytope([[2, 0, 0], [0, 2, 0], [0, 0, 2]]).normalized_volume()
    segment = face_volume_certificate(hhl_hull(hhl_point([0, 0]), hhl_point([3, 6])), statement="segment")
    assert verify_certificate(_round_trip(segment)).verified and segment["claim"]["volume"] == 3


def test_random_constructions_have_the_requested_level():
    rng = random.Random(5)
    for k in (0, 1, 2):
        assert construction_level(random_construction(k, 3, rng)) == k


# ----------------------------------------------------------------------------------------------- rejected
def test_mutated_volumes_are_rejected(small_certificates):
    even, odd = small_certificates

    def face_volume(c):
        index = next(i for i, f in enumerate(c["data"]["faces"]) if f["dimension"] == 2)
        c["data"]["faces"][index]["volume"] += 2  # still even: only the recomputation catches it

    def claim_volume(c):
        c["claim"]["volume"] += 2

    def odd_face_volume(c):
        c["claim"]["odd_face"]["volume"] += 2

    for cert, change, needle in (
        (even, face_volume, "listed normalized volume"),
        (even, claim_volume, "claim.volume"),
        (odd, odd_face_volume, "claim.odd_face"),
    ):
        verdict = mutate(cert, change)
        assert verdict.status == "NOT VERIFIED" and needle in verdict.reason, verdict.line()


@pytest.mark.parametrize("dimension", [0, 1, 2])
def test_dropped_faces_are_rejected(small_certificates, dimension):
    even = small_certificates[0]
    index = next(i for i, f in enumerate(even["data"]["faces"]) if f["dimension"] == dimension)
    verdict = mutate(even, lambda c: drop_face(c, index))
    assert verdict.status == "NOT VERIFIED", verdict.line()


def test_dropped_facet_reference_is_rejected(small_certificates):
    verdict = mutate(small_certificates[0], lambda c: c["data"]["faces"][0]["facets"].pop())
    assert verdict.status == "NOT VERIFIED" and "ridge" in verdict.reason, verdict.line()


def test_wrong_normals_are_rejected(small_certificates):
    even = small_certificates[0]
    for index in (1, len(even["data"]["faces"]) - 1):  # a facet and a vertex

        def change(c, index=index):
            c["data"]["faces"][index]["normal"][0] += 1

        verdict = mutate(even, change)
        assert verdict.status == "NOT VERIFIED" and "data.faces" in verdict.reason, verdict.line()

    def shifted_offset(c):
        c["data"]["faces"][1]["offset"] += 1

    assert mutate(even, shifted_offset).status == "NOT VERIFIED"


def test_non_lattice_points_are_rejected(small_certificates):
    even = small_certificates[0]

    def half_vertex(c):
        c["data"]["vertices"][0][0] = "1/2"

    def half_construction_point(c):
        term = c["claim"]["construction"]["terms"][0]["left"]
        term["point"][0] = "1/2"

    for change in (half_vertex, half_construction_point):
        verdict = mutate(even, change)
        assert verdict.status == "NOT VERIFIED" and "not a lattice point" in verdict.reason, verdict.line()


def test_wrong_claims_are_rejected(small_certificates):
    even, odd = small_certificates

    def f_vector(c):
        c["claim"]["f_vector"][0] += 1

    def level(c):
        c["claim"]["newt_level"] = 0

    def even_claim_on_the_odd_polytope(c):
        c["claim"]["even_from_dimension"] = 2

    def other_construction(c):  # the listed vertices no longer span the constructed polytope
        c["claim"]["construction"] = hhl_sum([c["claim"]["construction"], hhl_hull(hhl_point([0, 0, 0]), hhl_point([1, 0, 0]))])

    def odd_face_not_a_face(c):
        c["claim"]["odd_face"]["vertices"] = c["claim"]["odd_face"]["vertices"][:-1]

    for cert, change in ((even, f_vector), (even, level), (odd, even_claim_on_the_odd_polytope),
                         (even, other_construction), (odd, odd_face_not_a_face)):
        verdict = mutate(cert, change)
        assert verdict.status == "NOT VERIFIED", (change.__name__, verdict.line())


def test_extra_vertex_that_is_not_a_vertex_is_rejected():
    # conv of the square's corners and its centre: the centre is a generator but not a vertex
    square = unit_cube_construction(2)
    cert = _round_trip(face_volume_certificate(hhl_sum([square, square]), statement="2 x square"))
    assert verify_certificate(cert).verified

    def add_centre(c):
        c["data"]["vertices"].append([1, 1])
        for face in c["data"]["faces"]:
            if face["dimension"] == 2:
                face["vertices"].append(len(c["data"]["vertices"]) - 1)

    verdict = mutate(cert, add_centre)
    assert verdict.status == "NOT VERIFIED", verdict.line()


def test_malformed_input_names_the_field(small_certificates):
    even = small_certificates[0]

    def missing_faces(c):
        del c["data"]["faces"]

    def float_normal(c):
        c["data"]["faces"][1]["normal"][0] = 0.5

    def bad_type(c):
        c["claim"]["construction"]["type"] = "product"

    for change, field in ((missing_faces, "data.faces"), (float_normal, "data.faces[1].normal[0]"),
                          (bad_type, "claim.construction.type")):
        verdict = mutate(even, change)
        assert verdict.status == "MALFORMED" and verdict.field == field, verdict.line()


def test_certificate_verifies_without_third_party_modules(small_certificates, tmp_path):
    from test_checkers_stdlib_only import _run  # the same blocked-import subprocess as the stdlib test

    path = tmp_path / "hhl.json"
    path.write_text(json.dumps(small_certificates[1]))
    completed = _run([str(path)])
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "s VERIFIED" in completed.stdout
