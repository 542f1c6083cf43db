"""region-count certificates: valid ones verify, mutated ones are rejected, malformed ones name the field."""

from __future__ import annotations

import copy
import json
import random

import pytest

from lincomb.proofs_check.checkers import verify_certificate
from lincomb.proofs_check.region_checks import generic_one_hidden_network, partition_certificate, region_certificate
from lincomb.proofs_check.registry import Check
from lincomb.proofs_check.runner import run_check
from lincomb.theory import ReLUNetwork


@pytest.fixture(scope="module")
def deep_certificate():
    net = ReLUNetwork([([[1, 2], [-1, 1], [2, -1]], [0, -1, 1]), ([[1, -1, 1], [-1, 1, 2]], [0, 1]), ([[1, 1]], [0])])
    return json.loads(json.dumps(region_certificate(net, statement="regions of a small deep network", check="test")))


@pytest.fixture(scope="module")
def zaslavsky_certificate():
    net = generic_one_hidden_network(5, 2, random.Random(3))
    cert = region_certificate(net, statement="5 lines", check="test", claim_extra={"zaslavsky": {"hyperplanes": 5, "dimension": 2}})
    return json.loads(json.dumps(cert))


def test_valid_certificates_verify(deep_certificate, zaslavsky_certificate):
    for cert in (deep_certificate, zaslavsky_certificate):
        verdict = verify_certificate(cert)
        assert verdict.verified, verdict.line()
    assert zaslavsky_certificate["claim"]["regions"] == 16


def test_box_certificate_verifies():
    net = ReLUNetwork([([[1, 0], [0, 1], [1, 1]], [0, 0, -1]), ([[1, 1, 1]], [0])])
    cert = region_certificate(net, statement="box", check="test", box=(["-1/2", "-1/2"], ["1/2", 1]))
    assert verify_certificate(cert).verified
    assert cert["claim"]["regions"] == 5
    cert["claim"]["box"]["upper"][1] = "2"  # a larger box has more cells: the walk finds unlisted ones
    assert verify_certificate(cert).status == "NOT VERIFIED"


def mutate(cert, change):
    cert = copy.deepcopy(cert)
    change(cert)
    return verify_certificate(cert)


def test_mutations_are_rejected(deep_certificate, zaslavsky_certificate):
    def wrong_count(c):
        c["claim"]["regions"] += 1

    def dropped_region(c):
        c["data"]["regions"].pop()

    def dropped_empty(c):
        c["data"]["empty_cells"].pop(sorted(c["data"]["empty_cells"])[0])

    def changed_multiplier(c):
        # a cell closed by two or more multipliers (a single one may be scaled freely)
        key = next(k for k, v in sorted(c["data"]["empty_cells"].items()) if len(v) >= 2)
        label = sorted(c["data"]["empty_cells"][key])[0]
        c["data"]["empty_cells"][key][label] = "1000"

    def negative_multiplier(c):
        key = sorted(c["data"]["empty_cells"])[0]
        label = sorted(c["data"]["empty_cells"][key])[0]
        c["data"]["empty_cells"][key][label] = "-1"

    def moved_point(c):
        c["data"]["regions"][0]["point"] = c["data"]["regions"][-1]["point"]

    def changed_weight(c):
        c["claim"]["network"]["layers"][0]["weights"][0][0] = "7"

    def swapped_patterns(c):
        regions = c["data"]["regions"]
        regions[0]["pattern"], regions[1]["pattern"] = regions[1]["pattern"], regions[0]["pattern"]

    for cert in (deep_certificate, zaslavsky_certificate):
        for change in (wrong_count, dropped_region, dropped_empty, changed_multiplier, negative_multiplier,
                       moved_point, changed_weight, swapped_patterns):
            verdict = mutate(cert, change)
            assert verdict.status == "NOT VERIFIED", (change.__name__, verdict.line())

    def wrong_formula(c):
        c["claim"]["zaslavsky"]["dimension"] = 1

    assert mutate(zaslavsky_certificate, wrong_formula).status == "NOT VERIFIED"


def test_malformed_certificates_name_the_field(deep_certificate):
    verdict = mutate(deep_certificate, lambda c: c["data"]["regions"][0].__setitem__("point", [0.5, 1]))
    assert verdict.status == "MALFORMED" and verdict.field == "data.regions[0].point[0]"
    verdict = mutate(deep_certificate, lambda c: c["data"]["regions"][0].__setitem__("pattern", "01x"))
    assert verdict.status == "MALFORMED" and verdict.field == "data.regions[0].pattern"
    verdict = mutate(deep_certificate, lambda c: c["claim"].pop("network"))
    assert verdict.status == "MALFORMED" and verdict.field == "claim.network"
    verdict = mutate(deep_certificate, lambda c: c["data"]["empty_cells"].__setitem__("0", {"q1": "1"}))
    assert verdict.status == "MALFORMED"


def test_zaslavsky_check_passes_through_the_runner():
    result = run_check(Check("zaslavsky-one-hidden", "c", "s", "quick", (), "region_checks"))
    assert result.status == "PASS", result.message
    assert len(result.verdicts) == 5


def test_tropical_check_passes_through_the_runner():
    result = run_check(Check("tropical-semiring-iso", "c", "s", "quick", (), "tropical_checks"))
    assert result.status == "PASS", result.message


@pytest.mark.slow
def test_max5_regions_check_passes_through_the_runner():
    result = run_check(Check("max5-regions", "c", "s", "full", (), "region_checks", "run_max5"))
    assert result.status == "PASS", result.message


# -- the partition layout (lincomb.solvers.regions_planar) ------------------------------------------


def _partition_network(widths, n, seed):
    rng = random.Random(seed)
    layers, previous = [], n
    for width in [*widths, 1]:
        layers.append(([[rng.randint(-4, 4) for _ in range(previous)] for _ in range(width)],
                       [rng.randint(-4, 4) for _ in range(width)]))
        previous = width
    return ReLUNetwork(layers)


@pytest.fixture(scope="module")
def planar_certificate():
    from lincomb.solvers.regions_planar import planar_partition

    partition = planar_partition(_partition_network([5, 4, 3], 2, 11), (["-5/2", -2], [3, 2]))
    return json.loads(json.dumps(partition_certificate(partition, check="test")))


@pytest.fixture(scope="module")
def path_certificate():
    from lincomb.solvers.regions_planar import path_partition

    partition = path_partition(_partition_network([6, 5], 3, 4), [-3, 1, 2], [3, "-1/2", -2])
    return json.loads(json.dumps(partition_certificate(partition, check="test")))


def test_partition_certificates_verify(planar_certificate, path_certificate):
    for cert in (planar_certificate, path_certificate):
        verdict = verify_certificate(cert)
        assert verdict.verified, verdict.line()
        assert cert["claim"]["regions"] == len(cert["data"]["levels"][-1]) > 5


def _flip_bit(hex_bits: str, width: int) -> str:
    return format(int(hex_bits, 16) ^ 1, "x")


def test_partition_mutations_are_rejected(planar_certificate, path_certificate):
    def wrong_count(c):
        c["claim"]["regions"] += 1

    def dropped_region(c):
        c["data"]["levels"][-1].pop()

    def duplicated_region(c):
        c["data"]["levels"][-1].append(copy.deepcopy(c["data"]["levels"][-1][0]))

    def wrong_pattern(c):
        cell = c["data"]["levels"][-1][0]
        cell[1] = format(int(cell[1], 16) ^ 1, "x")

    def wrong_parent_pattern(c):
        cell = c["data"]["levels"][0][-1]
        cell[1] = format(int(cell[1], 16) ^ 2, "x")

    def moved_vertex(c):
        # a vertex used by some region moves: the cells no longer tile, or leave their parent, or break a sign
        used = c["data"]["levels"][-1][0][2][0]
        c["data"]["vertices"][used][0] += 1

    def scaled_vertex(c):
        # the same point written with a larger denominator must still verify; a different point must not
        used = c["data"]["levels"][-1][-1][2][-1]
        c["data"]["vertices"][used][-1] *= 3

    def reversed_polygon(c):
        c["data"]["levels"][-1][0][2].reverse()

    def changed_weight(c):
        # every first-layer hyperplane moves
        layer = c["claim"]["network"]["layers"][0]
        layer["biases"] = [str(int(b) + 1) for b in layer["biases"]]

    def dropped_intermediate_cell(c):
        c["data"]["levels"][0].pop()

    def swapped_parents(c):
        cells = [cell for cell in c["data"]["levels"][-1]]
        first = next(i for i, cell in enumerate(cells) if cell[0] != cells[0][0])
        cells[0][0], cells[first][0] = cells[first][0], cells[0][0]

    for cert in (planar_certificate, path_certificate):
        for change in (wrong_count, dropped_region, duplicated_region, wrong_pattern, wrong_parent_pattern, moved_vertex,
                       scaled_vertex, reversed_polygon, changed_weight, dropped_intermediate_cell, swapped_parents):
            verdict = mutate(cert, change)
            assert verdict.status in ("NOT VERIFIED", "MALFORMED"), (change.__name__, verdict.line())
            assert verdict.status == "NOT VERIFIED" or change in (dropped_intermediate_cell, reversed_polygon), (
                change.__name__, verdict.line())


def test_partition_accepts_an_equivalent_vertex_encoding(planar_certificate):
    def doubled(c):
        c["data"]["vertices"] = [[2 * v for v in vertex] for vertex in c["data"]["vertices"]]

    assert mutate(planar_certificate, doubled).verified


def test_partition_malformed_certificates_name_the_field(planar_certificate):
    verdict = mutate(planar_certificate, lambda c: c["data"]["vertices"][0].__setitem__(2, 0))
    assert verdict.status == "MALFORMED" and verdict.field == "data.vertices[0][2]"
    verdict = mutate(planar_certificate, lambda c: c["data"]["vertices"][0].__setitem__(0, "1/2"))
    assert verdict.status == "MALFORMED" and verdict.field == "data.vertices[0][0]"
    verdict = mutate(planar_certificate, lambda c: c["data"]["levels"][0][0].__setitem__(1, "0x1"))
    assert verdict.status == "MALFORMED" and verdict.field == "data.levels[0][0][1]"
    verdict = mutate(planar_certificate, lambda c: c["data"]["levels"][1][0].__setitem__(0, 10**6))
    assert verdict.status == "MALFORMED" and verdict.field == "data.levels[1][0][0]"
    verdict = mutate(planar_certificate, lambda c: c["data"].__setitem__("layout", "other"))
    assert verdict.status == "MALFORMED" and verdict.field == "data.layout"
    verdict = mutate(planar_certificate, lambda c: c["claim"].pop("slice"))
    assert verdict.status == "MALFORMED" and verdict.field == "claim.slice"


def test_partition_polygons_must_be_convex_and_wind_once():
    from lincomb.proofs_check.checkers._common import CertificateRejected
    from lincomb.proofs_check.checkers.region_count import _polygon_measure

    square = [(0, 0, 1), (1, 0, 1), (1, 1, 1), (0, 1, 1)]
    assert _polygon_measure(square, "square") == (2, 1)
    # a pentagram turns left at every vertex but winds twice: its shoelace sum is no area of a convex cell
    star = [(2, 0, 1), (-2, 1, 1), (1, -2, 1), (1, 2, 1), (-2, -1, 1)]
    with pytest.raises(CertificateRejected, match="winds 2 times"):
        _polygon_measure(star, "star")
    with pytest.raises(CertificateRejected, match="not strictly counter-clockwise"):
        _polygon_measure(square[::-1], "clockwise")
    with pytest.raises(CertificateRejected, match="not strictly counter-clockwise"):
        _polygon_measure([(0, 0, 1), (1, 0, 1), (2, 0, 1), (1, 1, 1)], "collinear")


def test_zaslavsky_planar_partition_certificate():
    from lincomb.proofs_check.region_checks import run_planar

    cert = json.loads(json.dumps(run_planar(lines=12)[0]))
    assert verify_certificate(cert).verified and cert["claim"]["regions"] == 1 + 12 + 66
    assert mutate(cert, lambda c: c["claim"]["zaslavsky"].__setitem__("hyperplanes", 13)).status == "NOT VERIFIED"
    assert mutate(cert, lambda c: c["claim"].__setitem__("regions", 78)).status == "NOT VERIFIED"


def _unsplit_cells(cert):
    """(level, index) of the cells that are the only cell of their parent, with the parent's vertex cycle."""
    levels = cert["data"]["levels"]
    found = []
    for level in range(1, len(levels)):
        counts = {}
        for cell in levels[level]:
            counts[cell[0]] = counts.get(cell[0], 0) + 1
        found += [(level, i) for i, cell in enumerate(levels[level])
                  if counts[cell[0]] == 1 and cell[2] == levels[level - 1][cell[0]][2]]
    return found


def test_partition_unsplit_cells_are_still_checked(planar_certificate, path_certificate):
    # a cell that is its parent (one cell, the parent's vertex cycle) skips the geometry, never the bits
    for cert in (planar_certificate, path_certificate):
        unsplit = _unsplit_cells(cert)
        assert unsplit
        for level, index in unsplit[:3]:
            def flipped(c, level=level, index=index):
                cell = c["data"]["levels"][level][index]
                cell[1] = format(int(cell[1], 16) ^ 1, "x")

            assert mutate(cert, flipped).status == "NOT VERIFIED"

    # the same cell written from another starting vertex is checked as a new polygon, and verifies
    level, index = _unsplit_cells(planar_certificate)[0]

    def rotated(c):
        cell = c["data"]["levels"][level][index]
        cell[2] = cell[2][1:] + cell[2][:1]

    assert mutate(planar_certificate, rotated).verified

    def wrong_parent_cycle(c):
        # the parent's cycle (and so its single cell's) reversed: rejected at the parent's level
        parent = c["data"]["levels"][level][index][0]
        c["data"]["levels"][level - 1][parent][2].reverse()
        c["data"]["levels"][level][index][2].reverse()

    assert mutate(planar_certificate, wrong_parent_cycle).status == "NOT VERIFIED"


def test_walk_layout_rejects_a_slice_it_would_ignore():
    # z = x1 - 10 on the plane origin (10, 0) + u1 e1 + u2 e2, box (-1, 1)^2 in u: 2 regions (u1 < 0, u1 > 0).
    # The walk counts in the inputs' own coordinates (1 region on (-1, 1)^2), so a walk certificate carrying
    # claim.slice would verify the false claim "1 region"; it must be refused.
    net = {"type": "relu-network", "layers": [{"weights": [["1", "0"]], "biases": ["-10"]}, {"weights": [["1"]], "biases": ["0"]}]}
    cert = {
        "format": "lincomb-certificate", "version": 1, "kind": "region-count",
        "claim": {"statement": "1 region on the plane", "input_dimension": 2, "network": net,
                  "slice": {"origin": ["10", "0"], "directions": [["1", "0"], ["0", "1"]]},
                  "box": {"lower": ["-1", "-1"], "upper": ["1", "1"]}, "regions": 1},
        "data": {"regions": [{"pattern": "0", "point": ["0", "0"]}], "empty_cells": {"1": {"0": "1", "b1": "1"}}},
        "provenance": {"lincomb": "0.1.0", "solver": "hand", "seconds": 0},
    }
    verdict = verify_certificate(copy.deepcopy(cert))
    assert not verdict.verified
    assert "claim.slice" in verdict.line()
    cert["claim"]["slice"] = None  # the same claim on the inputs themselves is true and verifies
    assert verify_certificate(cert).verified
