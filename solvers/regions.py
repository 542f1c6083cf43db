"""Exact enumeration of the linear (activation) regions of a ReLU network, on R^n or on an open box.

An *activation region* is a set ``{x : every hidden neuron has a fixed sign}`` with non-empty interior.
Layer by layer, given the signs of earlier neurons, each pre-activation is one affine function z of x; the
region of a pattern is the open polyhedron where each z is > 0 (active, ``1``) or < 0 (inactive, ``0``).
A neuron whose z is identically zero on the cell (a dead neuron, a zero row, or cancellation) is
inactive there and adds no constraint. These sets are convex, pairwise disjoint, and their closures cover
the domain; the network is one affine function (the *piece*) on each.

:func:`enumerate_regions` splits cells neuron by neuron (depth first). A child cell keeps its parent's
interior point when the point already has the right sign; otherwise the exact LP
:func:`lincomb.theory.cell_lp.open_cell_status` returns a new rational interior point or Farkas
multipliers that prove the child empty. So the count is exact, every region comes with a rational witness,
and the Farkas data make the ``region-count`` certificate (``docs/certificates_region-count.md``).

Examples
--------
>>> from lincomb.theory import ReLUNetwork
>>> net = ReLUNetwork([([[1, 0], [0, 1], [1, 1]], [0, 0, -1]), ([[1, 1, 1]], [0])])
>>> result = enumerate_regions(net)
>>> result.count, zaslavsky_count(3, 2)
(7, 7)
>>> result.adjacency_graph().number_of_edges()
9
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction

import flint

from lincomb.errors import ShapeError, UsageError
from lincomb.theory.affine import Affine
from lincomb.theory.cell_lp import open_cell_status
from lincomb.theory.rationals import rational_str, to_rational_vector

__all__ = [
    "LinearRegion",
    "RegionEnumeration",
    "enumerate_regions",
    "activation_pattern",
    "zaslavsky_count",
    "serra_upper_bound",
    "product_upper_bound",
]


@dataclass
class LinearRegion:
    """One activation region.

    Attributes
    ----------
    pattern : str
        One character per hidden neuron, layer by layer: ``"1"`` active, ``"0"`` inactive.
    point : tuple of Fraction
        A rational point strictly inside the region.
    pieces : tuple of Affine
        The network's output on the region, one affine function per output neuron.
    constraints : tuple
        ``(label, Affine)`` pairs, all > 0 exactly on the region; labels are neuron indices (int) or box
        sides ``"b0", "b1", ...``.

    Examples
    --------
    >>> from lincomb.theory import ReLUNetwork
    >>> region = enumerate_regions(ReLUNetwork([([[1]], [0]), ([[2]], [1])])).regions[1]
    >>> region.pattern, region.piece
    ('1', Affine([2], 1))
    """

    pattern: str
    point: tuple
    pieces: tuple
    constraints: tuple = field(repr=False, default=())

    @property
    def piece(self) -> Affine:
        """The output piece of a scalar network.

        Examples
        --------
        >>> from lincomb.theory import ReLUNetwork
        >>> enumerate_regions(ReLUNetwork([([[1]], [0]), ([[-1]], [0])])).regions[0].piece
        Affine([0], 0)
        """
        if len(self.pieces) != 1:
            raise ShapeError(f"the network has {len(self.pieces)} outputs; use .pieces")
        return self.pieces[0]


@dataclass
class RegionEnumeration:
    """All activation regions of a network, with the Farkas data that prove no other pattern has a region.

    Attributes
    ----------
    regions : list of LinearRegion
        Sorted by pattern.
    empty_cells : dict
        ``{pattern prefix: {constraint label: multiplier}}`` for every cell proven empty.
    input_dimension : int
    box : tuple or None
        ``(lower, upper)`` of the open box, or None for R^n.
    lp_calls : int
        Exact LPs solved (the others were settled by the parent's point).

    Examples
    --------
    >>> from lincomb.theory import ReLUNetwork
    >>> enumerate_regions(ReLUNetwork([([[1], [1]], [0, -1]), ([[1, 1]], [0])])).count
    3
    """

    regions: list
    empty_cells: dict
    input_dimension: int
    box: tuple | None = None
    lp_calls: int = 0

    @property
    def count(self) -> int:
        """The number of activation regions.

        Examples
        --------
        >>> from lincomb.theory import ReLUNetwork
        >>> enumerate_regions(ReLUNetwork([([[0]], [0]), ([[1]], [0])])).count       # a dead neuron
        1
        """
        return len(self.regions)

    def patterns(self) -> list:
        """The activation patterns of the regions.

        Examples
        --------
        >>> from lincomb.theory import ReLUNetwork
        >>> enumerate_regions(ReLUNetwork([([[1]], [0]), ([[1]], [0])])).patterns()
        ['0', '1']
        """
        return [r.pattern for r in self.regions]

    def distinct_pieces(self) -> int:
        """How many different affine output functions occur (a lower bound on the function's regions).

        Examples
        --------
        >>> from lincomb.theory import max_network
        >>> enumerate_regions(max_network(3)).distinct_pieces()
        3
        """
        return len({r.pieces for r in self.regions})

    def adjacency_graph(self, method: str = "ppl"):
        """The regions as a networkx Graph (nodes are patterns) with an edge between every two adjacent regions.

        Two regions A and B are *adjacent* when their closures meet in a set of dimension n - 1 (on a box:
        a set of dimension n - 1 inside the open box). The graph is exact for networks of any depth.

        Method: let k be the first neuron, in pattern order, where A and B differ. All earlier neurons
        agree, so k has the same pre-activation z on both, z > 0 on A and z < 0 on B (z is not identically
        zero, or both would say "0"); so the closures meet inside H = {z = 0}, and z > 0 is one of A's
        constraints. Each adjacent pair is therefore found once, from the region active at k: if z > 0
        defines a facet F of cl A, take a rational point p in its relative interior, and the region beyond
        F has the pattern ``A[:k] + "0"`` followed by the signs of the later neurons just beyond p, read
        off exactly from their affine pre-activations (the argument is in :func:`_neighbour_across`: the
        pre-activations are continuous and have one weak sign on cl A, so no later hyperplane crosses F
        and exactly one region lies beyond each facet). No neighbour is probed numerically.

        Parameters
        ----------
        method : {"ppl", "lp"}
            How facets and their relative interior points are found: ``"ppl"`` (default, faster) by the
            exact double description of each closure (pplpy: facet inequalities, and the mean of the
            facet's vertices plus its rays); ``"lp"`` by the exact LP
            :func:`lincomb.theory.cell_lp.open_cell_status` in n - 1 exact coordinates of H. Both exact;
            they give the same graph.

        Node attributes: ``point`` and ``pieces``. Edge attributes: ``neuron`` (the index k whose hyperplane
        holds the common facet) and ``point`` (a rational point in the relative interior of the common
        facet). Graph attribute ``lp_calls``: the exact LPs solved (0 with ``method="ppl"``).

        Examples
        --------
        >>> from lincomb.theory import ReLUNetwork
        >>> graph = enumerate_regions(ReLUNetwork([([[1], [1]], [0, -1]), ([[1, 1]], [0])])).adjacency_graph()
        >>> sorted(graph.edges(data="neuron"))
        [('00', '10', 0), ('10', '11', 1)]
        >>> graph.edges["00", "10"]["point"]
        (Fraction(0, 1),)
        """
        import networkx

        if self._network is None:
            raise UsageError("adjacency_graph() needs the network; use the result of enumerate_regions()")
        graph = networkx.Graph(lp_calls=0)
        by_pattern = {r.pattern: r for r in self.regions}
        for region in self.regions:
            graph.add_node(region.pattern, point=region.point, pieces=region.pieces)
        if method not in ("ppl", "lp"):
            raise UsageError(f'adjacency_graph(method={method!r}): use "ppl" or "lp"')
        counter = [0]
        layers = _exact_layers(self._network)
        for region in self.regions:
            inputs = _layer_inputs(layers, region.pattern, self.input_dimension)
            constraints = []
            for label, c in region.constraints:
                vector = _affine_vector(c)
                constraints.append((label, vector, _primitive(vector)))
            faces = None
            if method == "ppl" and any(any(c.linear) for _, c in region.constraints):
                faces = _closure_faces(constraints, self.input_dimension)
            for label, constraint in region.constraints:
                if isinstance(label, str) or region.pattern[label] != "1" or not any(constraint.linear):
                    # box sides have nothing beyond; a neuron constant on the region has no hyperplane; a
                    # pair is found from its side active at its first differing neuron
                    continue
                found = _neighbour_across(layers, region, constraints, label, inputs, faces, counter)
                if found is None:
                    continue
                neighbour, point = found
                if neighbour not in by_pattern:  # pragma: no cover - the enumeration is exact
                    raise AssertionError(f"region {neighbour} beyond {region.pattern} was not enumerated")
                graph.add_edge(region.pattern, neighbour, neuron=label, point=point)
        graph.graph["lp_calls"] = counter[0]
        return graph

    _network: object = field(default=None, repr=False)

    def certificate_data(self) -> dict:
        """The ``data`` of a ``region-count`` certificate: the regions with witnesses, the empty cells.

        Examples
        --------
        >>> from lincomb.theory import ReLUNetwork
        >>> enumerate_regions(ReLUNetwork([([[1]], [0]), ([[1]], [0])])).certificate_data()["regions"][0]
        {'pattern': '0', 'point': ['-1']}
        """
        return {
            "regions": [{"pattern": r.pattern, "point": [rational_str(v) for v in r.point]} for r in self.regions],
            "empty_cells": {
                prefix: {str(label): rational_str(y) for label, y in multipliers.items()}
                for prefix, multipliers in sorted(self.empty_cells.items())
            },
        }


def _box_constraints(box, n: int) -> list:
    if box is None:
        return []
    try:
        lower, upper = box
    except (TypeError, ValueError):
        raise ShapeError("box must be a pair (lower, upper) of coordinate lists") from None
    lower, upper = to_rational_vector(lower, "box lower"), to_rational_vector(upper, "box upper")
    if len(lower) != n or len(upper) != n:
        raise ShapeError(f"box corners need {n} coordinates each (the network has {n} inputs)")
    for i, (a, b) in enumerate(zip(lower, upper)):
        if a >= b:
            raise ShapeError(f"box side {i}: lower {a} is not below upper {b}; the open box would be empty")
    constraints = []
    for i in range(n):
        constraints.append((f"b{2 * i}", Affine([int(j == i) for j in range(n)], -lower[i])))
        constraints.append((f"b{2 * i + 1}", Affine([-int(j == i) for j in range(n)], upper[i])))
    return constraints


def enumerate_regions(network, box=None, progress=None) -> RegionEnumeration:
    """All activation regions of a ReLU network on R^n, or on the open box ``lower < x < upper``.

    Parameters
    ----------
    network : ReLUNetwork
    box : (lower, upper), optional
        Exact corner coordinates.
    progress : callable, optional
        Called with a message every 1000 regions.

    Returns
    -------
    RegionEnumeration

    Examples
    --------
    >>> from lincomb.theory import ReLUNetwork
    >>> net = ReLUNetwork([([[1, 0], [0, 1]], [0, 0]), ([[1, 1]], [0])])
    >>> enumerate_regions(net).count, enumerate_regions(net, box=([1, -1], [2, 1])).count
    (4, 2)
    """
    from lincomb.theory.relu_network import ReLUNetwork

    if not isinstance(network, ReLUNetwork):
        raise UsageError(f"enumerate_regions needs a ReLUNetwork, got {type(network).__name__}")
    n = network.input_dimension
    box_constraints = _box_constraints(box, n)
    regions: list = []
    empty: dict = {}
    lp_calls = 0
    layers = network.layers
    hidden = layers[:-1]
    coordinates = [Affine.coordinate(i, n) for i in range(n)]
    if box_constraints:
        lower = [-c.constant for label, c in box_constraints[::2]]
        upper = [c.constant for label, c in box_constraints[1::2]]
        start = tuple((a + b) / 2 for a, b in zip(lower, upper))
    else:
        start = tuple(Fraction(0) for _ in range(n))

    def affine_of(row, bias, inputs) -> Affine:
        linear = [Fraction(0)] * n
        constant = bias
        for w, source in zip(row, inputs):
            if w:
                constant += w * source.constant
                for k, a in enumerate(source.linear):
                    if a:
                        linear[k] += w * a
        return Affine(linear, constant)

    def cell_status(constraints):
        nonlocal lp_calls
        lp_calls += 1
        return open_cell_status([(c.linear, c.constant) for _, c in constraints])

    # Depth-first over (layer, neuron); recursion depth = number of hidden neurons.
    def explore(layer: int, neuron: int, inputs, outputs, constraints, point, prefix: str) -> None:
        if layer == len(hidden):
            weights, biases = layers[-1]
            pieces = tuple(affine_of(row, bias, inputs) for row, bias in zip(weights, biases))
            regions.append(LinearRegion(prefix, point, pieces, tuple(constraints)))
            if progress is not None and len(regions) % 1000 == 0:
                progress(f"{len(regions)} regions")
            return
        weights, biases = hidden[layer]
        if neuron == len(weights):
            explore(layer + 1, 0, outputs, [], constraints, point, prefix)
            return
        z = affine_of(weights[neuron], biases[neuron], inputs)
        index = sum(len(w) for w, _ in hidden[:layer]) + neuron
        if z.is_zero():
            explore(layer, neuron + 1, inputs, outputs + [z], constraints, point, prefix + "0")
            return
        for sign, side, output in (("1", z, z), ("0", -z, Affine([0] * n, 0))):
            child = constraints + [(index, side)]
            if side(point) > 0:
                child_point = point
            else:
                status = cell_status(child)
                if status.empty:
                    empty[prefix + sign] = {child[k][0]: y for k, y in status.farkas.items()}
                    continue
                child_point = status.point
            explore(layer, neuron + 1, inputs, outputs + [output], child, child_point, prefix + sign)

    if box_constraints and any(c(start) <= 0 for _, c in box_constraints):  # pragma: no cover - start is the centre
        raise AssertionError("box centre not inside the box")
    explore(0, 0, coordinates, [], list(box_constraints), start, "")
    regions.sort(key=lambda r: r.pattern)
    result = RegionEnumeration(regions, empty, n, None if box is None else tuple(map(tuple, box)), lp_calls)
    result._network = network
    return result


def activation_pattern(network, point) -> str:
    """The activation pattern at a point (``"1"`` where the pre-activation is > 0), exact.

    Examples
    --------
    >>> from lincomb.theory import ReLUNetwork
    >>> activation_pattern(ReLUNetwork([([[1], [-1]], [0, 0]), ([[1, 1]], [0])]), ["1/2"])
    '10'
    """
    values = list(to_rational_vector(point, "point"))
    if len(values) != network.input_dimension:
        raise ShapeError(f"the point has {len(values)} coordinates; the network has {network.input_dimension} inputs")
    pattern = []
    for weights, biases in network.layers[:-1]:
        pre = [sum((w * v for w, v in zip(row, values)), b) for row, b in zip(weights, biases)]
        pattern.extend("1" if v > 0 else "0" for v in pre)
        values = [v if v > 0 else Fraction(0) for v in pre]
    return "".join(pattern)


# The adjacency helpers work on affine functions as lists ``[a_1, ..., a_n, constant]`` of python-flint
# ``fmpq`` (exact rationals, about ten times faster than fractions.Fraction).


def _fmpq(value) -> flint.fmpq:
    value = Fraction(value)
    return flint.fmpq(value.numerator, value.denominator)


def _fraction(value) -> Fraction:
    return Fraction(int(value.p), int(value.q))


def _affine_vector(affine: Affine) -> list:
    return [_fmpq(a) for a in affine.linear] + [_fmpq(affine.constant)]


def _exact_layers(network) -> list:
    """The hidden layers as ``(rows, biases)`` of fmpq."""
    return [
        ([[_fmpq(w) for w in row] for row in weights], [_fmpq(b) for b in biases])
        for weights, biases in network.layers[:-1]
    ]


def _combine(row, bias, inputs, n: int) -> list:
    """``sum_j row[j] * inputs[j] + bias`` as an affine vector."""
    vector = [flint.fmpq(0)] * n + [bias]
    for w, source in zip(row, inputs):
        if w:
            for i, a in enumerate(source):
                if a:
                    vector[i] += w * a
    return vector


def _layer_inputs(layers, pattern: str, n: int) -> list:
    """The inputs of every hidden layer (affine vectors) on the region of ``pattern``.

    Neuron outputs follow the enumeration's convention: the pre-activation where the pattern says ``"1"``,
    zero where it says ``"0"``.
    """
    inputs = [[flint.fmpq(int(i == j)) for j in range(n)] + [flint.fmpq(0)] for i in range(n)]
    zero = [flint.fmpq(0)] * (n + 1)
    layer_inputs = []
    index = 0
    for weights, biases in layers:
        layer_inputs.append(inputs)
        outputs = []
        for row, bias in zip(weights, biases):
            outputs.append(_combine(row, bias, inputs, n) if pattern[index] == "1" else zero)
            index += 1
        inputs = outputs
    return layer_inputs


class _Hyperplane:
    """The hyperplane ``{h = 0}`` in exact coordinates: every coordinate but a pivot is free.

    On H, ``x_pivot = -(h_constant + sum_{j != pivot} h_j x_j) / h_pivot``; an affine function c restricts
    to ``c - (c_pivot / h_pivot) h``, written in the n - 1 free coordinates (constant last).
    """

    def __init__(self, h: list):
        self.h = h
        self.pivot = next(k for k, a in enumerate(h[:-1]) if a)

    def multiple(self, c: list):
        """The factor lambda with ``c - lambda h`` free of the pivot coordinate."""
        return c[self.pivot] / self.h[self.pivot]

    def restrict(self, c: list) -> list:
        """``c`` on H, in the free coordinates (constant last)."""
        factor = self.multiple(c)
        if not factor:
            return c[: self.pivot] + c[self.pivot + 1 :]
        return [a - factor * b for k, (a, b) in enumerate(zip(c, self.h)) if k != self.pivot]

    def lift(self, free) -> list:
        """The point of H with the given free coordinates."""
        full = list(free[: self.pivot]) + [flint.fmpq(0)] + list(free[self.pivot :])
        h = self.h
        rest = h[-1]
        for k, x in enumerate(full):
            if k != self.pivot and h[k]:
                rest += h[k] * x
        full[self.pivot] = -rest / h[self.pivot]
        return full


def _projection(h: list, point) -> list:
    """The orthogonal projection of ``point`` onto the hyperplane ``{h = 0}`` (fmpq)."""
    point = [_fmpq(v) for v in point]
    value = h[-1]
    norm = flint.fmpq(0)
    for a, x in zip(h, point):
        value += a * x
        norm += a * a
    return [x - value / norm * a for a, x in zip(h, point)]


def _facet_point(plane: _Hyperplane, restricted: list, counter, guess=None):
    """A point (fmpq list) of ``{x in H : every restricted constraint > 0}``, or None if it is empty.

    The restricted constraints must not vanish on all of H. Those constant on H are settled at once. A
    ``guess`` (a point of H, e.g. the region's witness projected onto H) that satisfies the rest is
    returned as it is; otherwise they go, scaled to integers, to the exact LP in the n - 1 free
    coordinates of H.
    """
    if guess is not None:
        free = guess[: plane.pivot] + guess[plane.pivot + 1 :]
        if all(sum((a * x for a, x in zip(c, free) if a), c[-1]) > 0 for c in restricted):
            return guess
    constraints = []
    for c in restricted:
        if not any(c[:-1]):
            if c[-1] <= 0:
                return None
            continue
        scale = math.lcm(*(int(v.q) for v in c))
        constraints.append(([int(v * scale) for v in c[:-1]], int(c[-1] * scale)))
    if not constraints:
        return plane.lift([flint.fmpq(0)] * (len(plane.h) - 2))
    counter[0] += 1
    status = open_cell_status(constraints)
    return None if status.empty else plane.lift([_fmpq(v) for v in status.point])


def _primitive(vector) -> tuple:
    """The integer vector with coprime entries that is a positive multiple of ``vector`` (fmpq or int)."""
    scale = math.lcm(*(int(flint.fmpq(v).q) for v in vector))
    integers = [int(flint.fmpq(v) * scale) for v in vector]
    divisor = math.gcd(*integers) or 1
    return tuple(v // divisor for v in integers)


def _padded(values: list, n: int) -> list:
    """``values`` with zeros appended up to length n (ppl may drop trailing zero coefficients)."""
    return values + [0] * (n - len(values))


def _closure_faces(constraints: list, n: int) -> tuple:
    """``(facets, points, rays)`` of the closure of a region, by the exact double description (pplpy).

    ``constraints`` are ``(label, affine vector, primitive vector)``. ``facets`` holds the primitive
    vectors of its facet inequalities (one per facet); ``points`` and ``rays`` are its minimal generators
    (fmpq lists); lines need no listing here.
    """
    import ppl

    polyhedron = ppl.C_Polyhedron(n, "universe")
    for _, _, integers in constraints:
        polyhedron.add_constraint(ppl.Linear_Expression(list(integers[:-1]), integers[-1]) >= 0)
    facets = set()
    for constraint in polyhedron.minimized_constraints():
        if constraint.is_inequality():  # (a full-dimensional closure has no equalities)
            linear = _padded([int(a) for a in constraint.coefficients()], n)
            facets.add(_primitive(linear + [int(constraint.inhomogeneous_term())]))
    points, rays = [], []
    for generator in polyhedron.minimized_generators():
        coefficients = _padded([flint.fmpq(int(c)) for c in generator.coefficients()], n)
        if generator.is_point():
            divisor = int(generator.divisor())
            points.append([c / divisor for c in coefficients])
        elif generator.is_ray():
            rays.append(coefficients)
    return facets, points, rays


def _relative_interior_point(z: list, key: tuple, facets: set, points: list, rays: list):
    """A point in the relative interior of the facet ``cl A cap {z = 0}``, or None if z > 0 is no facet.

    The facet is generated by the generators of cl A that lie on it (points with z = 0, rays along it,
    all lines); the mean of those points plus the sum of those rays is a strictly positive combination
    of them, hence relatively interior.
    """
    if key not in facets:
        return None
    linear, constant = z[:-1], z[-1]
    on_facet = [p for p in points if sum((a * x for a, x in zip(linear, p) if a), constant) == 0]
    point = [sum((p[i] for p in on_facet), flint.fmpq(0)) / len(on_facet) for i in range(len(linear))]
    for ray in rays:
        if sum((a * r for a, r in zip(linear, ray) if a), flint.fmpq(0)) == 0:
            point = [x + r for x, r in zip(point, ray)]
    return point


def _neighbour_across(layers, region, constraints: list, k: int, layer_inputs: list, faces, counter):
    """``(pattern, point)`` of the region adjacent to ``region`` whose first differing neuron is k, or None.

    ``constraints`` are the region's ``(label, affine vector, primitive vector)``; ``region`` (A) is active at k with
    constraint ``z > 0``; H = {z = 0}. A's facet in H is F = {x in H : A's constraints that do not vanish
    on H are > 0}, an open subset of H (empty unless z > 0 defines a facet of cl A). A point p of F comes
    from ``faces`` (see :func:`_closure_faces`) or, when ``faces`` is None, from the exact LP.

    * A constraint shared by both sides (a box side, a neuron before k) that vanishes on H is a positive
      multiple of z, negative beyond H: no region beyond differs first at k. Likewise if F is empty.
    * Otherwise, with p in F, the neighbour's pattern is ``A[:k] + "0"`` followed by, for each later
      neuron with far-side pre-activation w (computed from the pattern so far): ``"0"`` if w is
      identically zero; if w vanishes on H, w = lambda z and it is active exactly when lambda < 0
      (beyond H, z < 0); otherwise the sign of w(p).

    Why this is exact, by induction over the neurons: near p, every neuron up to k keeps A's affine
    pre-activation (its sign at p is strict), and beyond H each later neuron has the affine
    pre-activation w of the far pattern so far. The true pre-activation is continuous, so w equals A's
    pre-activation of that neuron on H near p, which has one weak sign on all of cl A, hence on F. A
    non-zero affine function on H with a weak sign on the open set F has that sign strictly on F, so
    w(p) != 0 and the same sign holds for every p in F. Hence a half-ball beyond p lies in one region B
    (its closure and A's both contain a neighbourhood of p in H: adjacent), and every region adjacent to A
    across F with first difference k meets that half-ball at some p of F, so it is B. In particular a
    facet of an activation region is never subdivided on its far side.
    """
    z, key = next((c, p) for label, c, p in constraints if label == k)
    # A constraint of A vanishes on H exactly when it is a positive multiple of z (a negative one would
    # make A empty), i.e. when its primitive vector is z's.
    if any(p == key for label, _, p in constraints if isinstance(label, str) or label < k):
        return None
    plane = _Hyperplane(z)
    if faces is None:
        # later neurons of A along H are left out: the far side decides them afresh
        facet = [plane.restrict(c) for label, c, p in constraints if p != key]
        point = _facet_point(plane, facet, counter, _projection(z, region.point))
    else:
        point = _relative_interior_point(z, key, *faces)
    if point is None:
        return None
    n = len(point)
    zero = [flint.fmpq(0)] * (n + 1)
    layer, first = 0, k
    while first >= len(layers[layer][0]):
        first -= len(layers[layer][0])
        layer += 1
    inputs = layer_inputs[layer]
    weights, biases = layers[layer]
    # The neurons before k in its layer keep A's outputs; k itself is inactive beyond H.
    outputs = [
        _combine(row, bias, inputs, n) if region.pattern[k - first + j] == "1" else zero
        for j, (row, bias) in enumerate(zip(weights[:first], biases[:first]))
    ] + [zero]
    pattern = [region.pattern[:k], "0"]
    neuron = first + 1
    while layer < len(layers):
        weights, biases = layers[layer]
        for row, bias in zip(weights[neuron:], biases[neuron:]):
            w = _combine(row, bias, inputs, n)
            if not any(w):
                active = False
            elif not any(plane.restrict(w)):
                active = plane.multiple(w) < 0
            else:
                value = w[-1]
                for a, x in zip(w, point):
                    if a:
                        value += a * x
                if value == 0:  # pragma: no cover - excluded by the argument above
                    raise AssertionError("a far-side hyperplane crosses a facet; please report this as a bug")
                active = value > 0
            pattern.append("01"[active])
            outputs.append(w if active else zero)
        layer, neuron, inputs, outputs = layer + 1, 0, outputs, []
    return "".join(pattern), tuple(_fraction(v) for v in point)


def zaslavsky_count(hyperplanes: int, dimension: int) -> int:
    """Regions of N affine hyperplanes in general position in R^d: ``sum_{i=0}^{d} C(N, i)`` (Zaslavsky).

    Examples
    --------
    >>> zaslavsky_count(12, 4)
    794
    """
    if hyperplanes < 0 or dimension < 0:
        raise UsageError("zaslavsky_count needs non-negative N and d")
    return sum(math.comb(hyperplanes, i) for i in range(dimension + 1))


def product_upper_bound(widths, input_dimension: int) -> int:
    """``prod_l sum_{j=0}^{n_0} C(n_l, j)``: each layer at most an arrangement in R^{n_0} (Raghu et al. 2017).

    Examples
    --------
    >>> product_upper_bound([3, 3], 2)
    49
    """
    return math.prod(zaslavsky_count(width, input_dimension) for width in widths)


def serra_upper_bound(widths, input_dimension: int) -> int:
    """The bound of Serra, Tjandraatmadja and Ramalingam (ICML 2018, Theorem 1) on the activation regions.

    ``sum over (j_1..j_L) in J of prod_l C(n_l, j_l)``, with
    ``J = {0 <= j_l <= min(n_0, n_1 - j_1, ..., n_{l-1} - j_{l-1}, n_l)}``.

    Examples
    --------
    >>> serra_upper_bound([3], 2), serra_upper_bound([3, 3], 2) <= product_upper_bound([3, 3], 2)
    (7, True)
    """
    widths = list(widths)
    total = 0

    def walk(level: int, bound: int, product: int) -> None:
        nonlocal total
        if level == len(widths):
            total += product
            return
        width = widths[level]
        for j in range(min(bound, width) + 1):
            walk(level + 1, min(bound, width - j), product * math.comb(width, j))

    walk(0, input_dimension, 1)
    return total
