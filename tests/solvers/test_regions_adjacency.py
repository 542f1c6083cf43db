"""The adjacency graph of activation regions: exact for any depth, cross-checked by brute force.

Two regions are adjacent when their closures meet in dimension n - 1. The brute force here decides that
for every pair of regions on its own, two ways: the affine dimension of the intersection of the closed
polyhedra (pplpy), and an exact LP in each candidate hyperplane (:func:`open_cell_status`).
"""

from __future__ import annotations

import itertools
import json
import math
import random
from fractions import Fraction

import pytest

from lincomb.errors import UsageError
from lincomb.proofs_check.region_checks import generic_one_hidden_network
from lincomb.solvers.regions import enumerate_regions
from lincomb.theory import ReLUNetwork
from lincomb.theory.cell_lp import open_cell_status

ppl = pytest.importorskip("ppl")


def random_network(widths, n, seed, bound):
    rng = random.Random(seed)
    layers, previous = [], n
    for width in [*widths, 1]:
        layers.append(
            ([[rng.randint(-bound, bound) for _ in range(previous)] for _ in range(width)],
             [rng.randint(-bound, bound) for _ in range(width)])
        )
        previous = width
    return ReLUNetwork(layers)


def integer_row(affine):
    scale = math.lcm(*(v.denominator for v in (*affine.linear, affine.constant)))
    return [int(a * scale) for a in affine.linear], int(affine.constant * scale)


def closure(region, n):
    polyhedron = ppl.C_Polyhedron(n, "universe")
    for _, constraint in region.constraints:
        linear, constant = integer_row(constraint)
        polyhedron.add_constraint(ppl.Linear_Expression(linear, constant) >= 0)
    return polyhedron


def edges_by_closure_dimension(result):
    """Pairs whose closed polyhedra meet in affine dimension n - 1 (pplpy, no use of the network)."""
    n = result.input_dimension
    closures = {r.pattern: closure(r, n) for r in result.regions}
    edges = set()
    for a, b in itertools.combinations(result.patterns(), 2):
        meet = ppl.C_Polyhedron(closures[a])
        meet.intersection_assign(closures[b])
        if meet.affine_dimension() == n - 1:
            edges.add(frozenset((a, b)))
    return edges


def proportional(c, d):
    """The factor t with c = t d (as vectors of linear part and constant), or None."""
    u = (*c.linear, c.constant)
    v = (*d.linear, d.constant)
    pivot = next(i for i, x in enumerate(v) if x)
    t = u[pivot] / v[pivot]
    return t if all(x == t * y for x, y in zip(u, v)) else None


def meet_in_hyperplane(a, b, g, n) -> bool:
    """Whether {x : g(x) = 0, every constraint of a and b not vanishing there > 0} is non-empty (exact LP)."""
    pivot = next(i for i, x in enumerate(g.linear) if x)
    cell = []
    for _, c in (*a.constraints, *b.constraints):
        factor = c.linear[pivot] / g.linear[pivot]
        linear = [c.linear[i] - factor * g.linear[i] for i in range(n) if i != pivot]
        constant = c.constant - factor * g.constant
        if any(linear):
            cell.append((linear, constant))
        elif constant < 0 or (constant == 0 and proportional(c, g) is None):
            return False
    return not cell or not open_cell_status(cell).empty


def edges_by_hyperplane_lp(result):
    """Pairs meeting in n - 1 dimensions inside a hyperplane g = 0 with g > 0 on one and g < 0 on the other.

    (The common part of two disjoint open convex sets lies in a separating hyperplane, which is then the
    hyperplane of a facet of each: of a constraint g of A, with a negative multiple of g among B's.)
    """
    n = result.input_dimension
    edges = set()
    for a, b in itertools.combinations(result.regions, 2):
        for _, g in a.constraints:
            if not any(g.linear):
                continue
            if not any((t := proportional(c, g)) is not None and t < 0 for _, c in b.constraints):
                continue
            if meet_in_hyperplane(a, b, g, n):
                edges.add(frozenset((a.pattern, b.pattern)))
                break
    return edges


def assert_edge_points(result, graph):
    regions = {r.pattern: r for r in result.regions}
    for a, b, data in graph.edges(data=True):
        point = data["point"]
        assert all(isinstance(v, Fraction) for v in point)
        for _, constraint in (*regions[a].constraints, *regions[b].constraints):
            assert constraint(point) >= 0  # in both closures
        neuron = data["neuron"]
        assert a[neuron] != b[neuron] and a[:neuron] == b[:neuron]  # k is the first differing neuron


RANDOM_CASES = [
    # (seed, widths, n, weight bound, box)
    (1, [3, 3], 2, 5, None),
    (2, [4, 3, 2], 2, 2, None),
    (3, [3, 4], 2, 1, None),             # small weights: parallel and duplicate hyperplanes, dead neurons
    (4, [2, 3, 3], 2, 1, None),
    (5, [4, 4], 2, 2, ([-2, -2], [2, 3])),
    (6, [3, 3], 3, 5, None),
    (7, [3, 2, 2], 3, 2, None),
    (8, [3, 3], 3, 1, None),
    (9, [2, 3, 2], 3, 5, ([-1, -1, -1], [1, 1, 1])),
    (10, [4, 3], 3, 2, None),
]


@pytest.mark.parametrize("seed, widths, n, bound, box", RANDOM_CASES)
def test_adjacency_matches_brute_force_on_deep_networks(seed, widths, n, bound, box):
    network = random_network(widths, n, seed, bound)
    result = enumerate_regions(network, box=box)
    expected = edges_by_closure_dimension(result)
    assert edges_by_hyperplane_lp(result) == expected  # the two brute forces agree
    for method in ("ppl", "lp"):
        graph = result.adjacency_graph(method=method)
        assert set(graph.nodes) == set(result.patterns())
        assert {frozenset(e) for e in graph.edges} == expected, method
        assert_edge_points(result, graph)


def test_facets_are_never_split_on_their_far_side():
    """Each facet of a region (off the box) is a facet of exactly one other region (brute force, pplpy).

    This is the step of the method's correctness argument that an algorithm probing one point per facet
    relies on; it is checked here without the network, from the closures alone.
    """
    for seed, widths, n, bound in [(11, [3, 3, 2], 2, 2), (12, [4, 4], 2, 1), (13, [3, 3], 3, 2)]:
        result = enumerate_regions(random_network(widths, n, seed, bound))
        closures = {r.pattern: closure(r, n) for r in result.regions}
        for region in result.regions:
            for facet in closures[region.pattern].minimized_constraints():
                face = ppl.C_Polyhedron(closures[region.pattern])
                face.add_constraint(ppl.Linear_Expression(facet.coefficients(), facet.inhomogeneous_term()) == 0)
                across = 0
                for other in result.regions:
                    if other.pattern != region.pattern:
                        meet = ppl.C_Polyhedron(face)
                        meet.intersection_assign(closures[other.pattern])
                        across += meet.affine_dimension() == n - 1
                assert across == 1, (seed, region.pattern, facet)


def test_duplicate_hyperplane_across_layers():
    # Layer 2 neuron m = relu(x1) - relu(-x1) = x1 has the hyperplane of layer-1 neuron a = relu(x1); c = relu(x2).
    # Patterns (a, b, c, m); the four quadrants; opposite quadrants meet in a point only.
    network = ReLUNetwork([
        ([[1, 0], [-1, 0], [0, 1]], [0, 0, 0]),
        ([[1, -1, 0]], [0]),
        ([[1]], [0]),
    ])
    result = enumerate_regions(network)
    assert result.patterns() == ["0100", "0110", "1001", "1011"]
    graph = result.adjacency_graph()
    assert {frozenset(e) for e in graph.edges} == {
        frozenset(("1011", "1001")), frozenset(("1011", "0110")),
        frozenset(("1001", "0100")), frozenset(("0110", "0100")),
    }
    assert graph.edges["1011", "0110"]["neuron"] == 0  # found across a's hyperplane, the first difference
    assert {frozenset(e) for e in result.adjacency_graph(method="lp").edges} == {frozenset(e) for e in graph.edges}


def test_facet_bent_by_a_deeper_layer():
    # A layer-2 neuron bends at x1 = 0 (x2 - |x1| + 1/2 changes formula there), so the line x1 = 0 carries
    # two facets on each side; the edges across it pair them up, and the bent line adds its own edges.
    network = ReLUNetwork([
        ([[1, 0], [-1, 0], [0, 1], [0, -1]], [0, 0, 0, 0]),
        ([[-1, -1, 1, -1]], ["1/2"]),
        ([[1]], [0]),
    ])
    result = enumerate_regions(network)
    graph = result.adjacency_graph()
    assert {frozenset(e) for e in graph.edges} == edges_by_closure_dimension(result)
    across_x1 = [e for e in graph.edges if e[0][:2] != e[1][:2]]
    assert len(across_x1) == 3  # x1 = 0 is cut at x2 = 0 and x2 = -1/2: three segments
    assert all(graph.edges[e]["point"][0] == 0 for e in across_x1)


@pytest.mark.parametrize("neurons, dimension, seed", [(5, 2, 1), (6, 2, 2), (5, 3, 3), (6, 3, 4)])
def test_arrangement_edges_differ_in_one_sign(neurons, dimension, seed):
    network = generic_one_hidden_network(neurons, dimension, random.Random(seed))
    result = enumerate_regions(network)
    expected = {
        frozenset((a, b)) for a, b in itertools.combinations(result.patterns(), 2)
        if sum(x != y for x, y in zip(a, b)) == 1
    }
    graph = result.adjacency_graph()
    assert {frozenset(e) for e in graph.edges} == expected
    assert all(graph.edges[e]["neuron"] == next(i for i, (x, y) in enumerate(zip(*e)) if x != y) for e in graph.edges)


def test_box_sides_and_hyperplanes_outside_the_box():
    # x1 = 0 is a side of the box, x2 = 5 misses it, x2 = x1 cuts it: two regions, one edge.
    network = ReLUNetwork([([[1, 0], [0, 1], [1, -1]], [0, -5, 0]), ([[1, 1, 1]], [0])])
    result = enumerate_regions(network, box=([0, -1], [1, 1]))
    assert result.patterns() == ["100", "101"]
    graph = result.adjacency_graph()
    assert [frozenset(e) for e in graph.edges] == [frozenset(("100", "101"))]
    assert graph.edges["100", "101"]["neuron"] == 2
    assert {frozenset(e) for e in graph.edges} == edges_by_closure_dimension(result)


def test_one_input_regions_form_a_path():
    # breakpoints -2, 0, 1 (x - 1 twice: a duplicate neuron), and a dead neuron
    network = ReLUNetwork([([[1], [1], [1], [1], [0]], [0, -1, -1, 2, 0]), ([[1, 1, 1, 1, 1]], [0])])
    result = enumerate_regions(network)
    graph = result.adjacency_graph()
    order = sorted(result.regions, key=lambda r: r.point[0])
    assert {frozenset(e) for e in graph.edges} == {
        frozenset((left.pattern, right.pattern)) for left, right in zip(order, order[1:])
    }
    assert sorted(data["point"] for _, _, data in graph.edges(data=True)) == [(-2,), (0,), (1,)]
    assert {frozenset(e) for e in result.adjacency_graph(method="lp").edges} == {frozenset(e) for e in graph.edges}


def test_neurons_constant_on_a_region():
    # Layer 2 sees only relu(x1); where x1 < 0 its neurons are the constants 1 and -1: no hyperplane there.
    network = ReLUNetwork([([[1, 0], [0, 1]], [0, 0]), ([[1, 0], [-1, 0]], [1, -1]), ([[1, 1]], [0])])
    result = enumerate_regions(network)
    graph = result.adjacency_graph()
    assert {frozenset(e) for e in graph.edges} == edges_by_closure_dimension(result)
    assert graph.number_of_edges() == 4


def test_adjacency_graph_rejects_an_unknown_method():
    result = enumerate_regions(ReLUNetwork([([[1]], [0]), ([[1]], [0])]))
    with pytest.raises(UsageError, match='use "ppl" or "lp"'):
        result.adjacency_graph(method="probe")


def test_regions_plot_command_writes_a_png(tmp_path):
    pytest.importorskip("matplotlib")
    from lincomb.cli import main

    network = ReLUNetwork([([[1, 0], [0, 1], [1, 1]], [0, 0, -1]), ([[1, -1, 2]], [0])])
    path = tmp_path / "net.json"
    path.write_text(json.dumps(network.to_json()))
    out = tmp_path / "regions.png"
    # (a negative fraction such as -1/2 is read by argparse as an option; see the report)
    code = main(["regions", "plot", str(path), "--box", "-1", "1/2", "-1", "2", "--out", str(out)])
    assert code == 0
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
