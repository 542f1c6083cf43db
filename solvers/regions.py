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
import random
from dataclasses import dataclass, field
from fractions import Fraction

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

    def adjacency_graph(self):
        """The regions as a networkx Graph (nodes are patterns), with an edge across every shared facet found.

        Each region's facets (constraints whose hyperplane meets the closure in dimension n - 1) are found by
        an exact LP in the hyperplane; the region on the other side is the pattern of a point just across a
        relative interior point of the facet. For one hidden layer (a hyperplane arrangement) this finds
        exactly the adjacent pairs; for deeper networks a facet that is subdivided on its far side is probed
        at one point from each side. Node attributes: ``point`` and ``pieces``.

        Examples
        --------
        >>> from lincomb.theory import ReLUNetwork
        >>> graph = enumerate_regions(ReLUNetwork([([[1], [1]], [0, -1]), ([[1, 1]], [0])])).adjacency_graph()
        >>> sorted(graph.edges)
        [('00', '10'), ('10', '11')]
        """
        import networkx

        graph = networkx.Graph()
        by_pattern = {r.pattern: r for r in self.regions}
        for region in self.regions:
            graph.add_node(region.pattern, point=region.point, pieces=region.pieces)
        if self._network is None:
            raise UsageError("adjacency_graph() needs the network; use the result of enumerate_regions()")
        rng = random.Random(0)
        for region in self.regions:
            for index, (label, constraint) in enumerate(region.constraints):
                if isinstance(label, str):
                    continue  # a side of the box: nothing beyond it
                others = [c for i, (_, c) in enumerate(region.constraints) if i != index]
                point = _facet_point(constraint, others)
                if point is None:
                    continue
                neighbour = _pattern_across(self._network, point, constraint, others, rng)
                if neighbour is not None and neighbour in by_pattern and neighbour != region.pattern:
                    graph.add_edge(region.pattern, neighbour)
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


def _facet_point(constraint: Affine, others: list):
    """A point of the hyperplane ``constraint = 0`` where every other constraint is > 0, or None."""
    n = constraint.dimension
    pivot = next(k for k, a in enumerate(constraint.linear) if a)
    a_pivot = constraint.linear[pivot]

    def lift(reduced):
        # x_pivot = -(constant + sum_{k != pivot} a_k x_k) / a_pivot
        full = list(reduced[:pivot]) + [Fraction(0)] + list(reduced[pivot:])
        full[pivot] = -(constraint.constant + sum(a * x for k, (a, x) in enumerate(zip(constraint.linear, full)) if k != pivot)) / a_pivot
        return tuple(full)

    if n == 1:
        point = lift(())
        return point if all(c(point) > 0 for c in others) else None
    reduced = []
    for c in others:
        factor = c.linear[pivot] / a_pivot
        linear = [c.linear[k] - factor * constraint.linear[k] for k in range(n) if k != pivot]
        reduced.append((linear, c.constant - factor * constraint.constant))
    if not reduced:
        return lift([Fraction(0)] * (n - 1))
    status = open_cell_status(reduced)
    if status.empty:
        return None
    return lift(status.point)


def _pattern_across(network, point, constraint: Affine, others: list, rng) -> str | None:
    """The pattern just beyond the facet at ``point`` (direction ``-grad constraint``); None when ambiguous."""
    direction = tuple(-a for a in constraint.linear)
    for attempt in range(8):
        pattern = _lexicographic_pattern(network, point, direction)
        if pattern is not None:
            return pattern
        # Ambiguous: another neuron's hyperplane contains the probe ray. Move within the facet.
        n = len(point)
        shift = [Fraction(rng.randint(-5, 5), 10 ** (attempt + 2)) for _ in range(n)]
        normal = constraint.linear
        norm = sum(a * a for a in normal)
        along = sum(a * s for a, s in zip(normal, shift)) / norm
        shift = [s - along * a for s, a in zip(shift, normal)]  # project onto the hyperplane
        candidate = tuple(p + s for p, s in zip(point, shift))
        if all(c(candidate) > 0 for c in others):
            point = candidate
    return None


def _lexicographic_pattern(network, point, direction) -> str | None:
    """Pattern at ``point + eps * direction`` for all small eps > 0, or None if some neuron stays at 0.

    The layer outputs are tracked as affine functions of x (given the pattern so far), so a neuron that is
    identically zero there (dead) is told apart from one whose hyperplane merely contains the probe ray.
    """
    n = len(point)
    inputs = [Affine.coordinate(i, n) for i in range(n)]
    pattern = []
    for weights, biases in network.layers[:-1]:
        outputs = []
        for row, b in zip(weights, biases):
            z = Affine([0] * n, b)
            for w, source in zip(row, inputs):
                if w:
                    z = z + w * source
            value, slope = z(point), sum((a * d for a, d in zip(z.linear, direction)), Fraction(0))
            if value > 0 or (value == 0 and slope > 0):
                pattern.append("1")
                outputs.append(z)
            elif value < 0 or slope < 0 or z.is_zero():
                pattern.append("0")
                outputs.append(Affine([0] * n, 0))
            else:
                return None
        inputs = outputs
    return "".join(pattern)


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
