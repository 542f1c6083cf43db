"""Exact partition of a 2-D box (or a segment) into the activation regions of a ReLU network, by splitting.

SplineCam style (Humayun et al., CVPR 2023): start from the box, a convex polygon; for each hidden layer,
split every cell by the hyperplanes (lines) of that layer's neurons restricted to the cell, one neuron
after the other. On a cell every neuron of the next layer is one affine function of the input, so each
cell carries its activation prefix and the affine maps of the next layer. The cells after the last hidden
layer are the activation regions, as convex polygons with exact rational vertices.

Exactness. The network is first rescaled to integers without changing any activation pattern (layer l's
weights times s_l > 0 and its biases times s_1...s_l; every pre-activation of layer l is then multiplied
by s_1...s_l > 0). Every line is an integer triple (a, b, c) meaning ``a x + b y + c``, every vertex is an
integer homogeneous triple (X, Y, D) with D > 0 meaning ``(X/D, Y/D)``, and a vertex is the intersection
of two lines (their cross product, divided by its gcd), so every sign test is an exact integer
computation. Floating point is used only where it is provably exact or provably right:

* the next layer's affine maps, for all cells of a level at once, by a float64 matrix product, when a
  bound computed beforehand shows every partial sum is an integer below 2^53 (otherwise Python integers);
* a float64 pre-filter of which lines cross which cell, trusted only where its value exceeds a rigorous
  rounding-error bound; every undecided (cell, line) pair is decided with integers and counted in
  ``Partition.exact_decisions``.

Splitting itself (the sign of every vertex, every new vertex) is integer arithmetic, so float and exact
can never disagree about a region. The result gives the claim and data of a ``region-count`` certificate with
the ``partition`` layout (``docs/certificates_region-count.md``; wrapped by
:func:`lincomb.proofs_check.region_checks.partition_certificate`), which the stdlib checker verifies by areas.

Domains: a box in the plane of the inputs (2 inputs), a box in a 2-D affine slice ``origin + u1 d1 +
u2 d2`` of R^n (a plane through data points), or a segment ``origin + t d`` (a path, 1-D).

Examples
--------
>>> from lincomb.theory import ReLUNetwork
>>> net = ReLUNetwork([([[1, 0], [0, 1], [1, 1]], [0, 0, -1]), ([[1, 1, 1]], [0])])
>>> partition = planar_partition(net, ([-2, -2], [2, 2]))
>>> partition.count, partition.patterns()[:3]
(7, ['000', '010', '011'])
>>> path_partition(net, [-2, -2], [2, 2]).count      # two of the lines cross the diagonal at the same point
3
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from lincomb.errors import ShapeError, UsageError
from lincomb.theory.rationals import rational_str, to_rational_vector

__all__ = ["Partition", "planar_partition", "path_partition", "frontier_partition", "integer_hidden_layers"]

# float64 integers are exact below 2^53; the filter trusts a float value only beyond this relative bound
# (a dot product of 3 terms of converted integers errs by at most ~6 units of 2^-53 of the sum of |terms|).
_EXACT_FLOAT = 2**53
_FILTER_RELATIVE = 1e-12


def _lcm_denominators(values) -> int:
    return math.lcm(1, *(Fraction(v).denominator for v in values))


def integer_hidden_layers(network, origin=None, directions=None) -> list:
    """The hidden layers, composed with the slice and rescaled to integers, with the same activation patterns.

    The first layer is composed with ``x = origin + sum_i u_i directions[i]`` (identity when both are
    None). Layer l is multiplied by ``s_l = lcm`` of its denominators and its biases also by
    ``s_1 ... s_(l-1)``, so each pre-activation is multiplied by ``s_1 ... s_l > 0``.

    Returns
    -------
    list of (weights, biases)
        Python ints; the first layer's weights have one column per slice coordinate.

    Examples
    --------
    >>> from lincomb.theory import ReLUNetwork
    >>> integer_hidden_layers(ReLUNetwork([([["1/2", 1]], ["1/3"]), ([[2]], [0])]))
    [([[3, 6]], [2])]
    >>> integer_hidden_layers(ReLUNetwork([([[1, 1]], [0]), ([[1]], [0])]), [1, 0], [[0, 1]])
    [([[1]], [1])]
    """
    layers = [([list(map(Fraction, row)) for row in w], list(map(Fraction, b))) for w, b in network.layers[:-1]]
    n = network.input_dimension
    if origin is not None or directions is not None:
        origin = list(to_rational_vector(origin if origin is not None else [0] * n, "origin"))
        directions = [list(to_rational_vector(d, "direction")) for d in directions]
        if len(origin) != n or any(len(d) != n for d in directions):
            raise ShapeError(f"the slice origin and directions need {n} coordinates (the network has {n} inputs)")
        weights, biases = layers[0]
        layers[0] = (
            [[sum((w * a for w, a in zip(row, d)), Fraction(0)) for d in directions] for row in weights],
            [sum((w * a for w, a in zip(row, origin)), b) for row, b in zip(weights, biases)],
        )
    result, prefix = [], 1
    for weights, biases in layers:
        scale = _lcm_denominators([v for row in weights for v in row] + list(biases))
        prefix *= scale
        result.append(([[int(v * scale) for v in row] for row in weights], [int(v * prefix) for v in biases]))
    return result


@dataclass
class Partition:
    """The activation regions of a network on a box of a 1-D or 2-D slice, as exact cells by level.

    Attributes
    ----------
    dimension : int
        1 (a segment) or 2 (a box in the plane).
    box : tuple
        ``(lower, upper)`` in slice coordinates (Fractions).
    origin, directions
        The slice (None: the inputs themselves).
    widths : tuple of int
        Hidden widths.
    vertices : list of tuple of int
        Homogeneous integer vertices ``(X, Y, D)`` (2-D) or ``(T, D)`` (1-D), D > 0, gcd 1.
    levels : list of list
        ``levels[l]`` holds the cells after hidden layer l + 1 as ``(parent, bits, vertex indices)``: the
        index of the cell of the previous level that contains it (0, the box, for the first level), the
        layer's activation bits (bit j is neuron j), and the polygon's vertices counter-clockwise (2-D)
        or the interval's two ends (1-D). The last level holds the regions.
    seconds : float
        Enumeration time.
    exact_decisions : int
        (cell, line) pairs the float filter could not decide, decided in integers.
    exact_map_cells : int
        Cells whose next-layer maps needed Python integers (no exact float64 bound).

    Examples
    --------
    >>> from lincomb.theory import ReLUNetwork
    >>> p = planar_partition(ReLUNetwork([([[1, 0]], [0]), ([[1]], [0])]), ([-1, -1], [1, 1]))
    >>> p.levels[0]
    [(0, 1, (0, 1, 2, 3)), (0, 0, (4, 0, 3, 5))]
    >>> p.vertices[:2]
    [(0, -1, 1), (1, -1, 1)]
    """

    dimension: int
    box: tuple
    origin: object
    directions: object
    widths: tuple
    vertices: list
    levels: list
    seconds: float = 0.0
    exact_decisions: int = 0
    exact_map_cells: int = 0
    _network: object = field(default=None, repr=False)

    @property
    def count(self) -> int:
        """The number of activation regions.

        Examples
        --------
        >>> from lincomb.theory import ReLUNetwork
        >>> planar_partition(ReLUNetwork([([[1, 1]], [5]), ([[1]], [0])]), ([-1, -1], [1, 1])).count
        1
        """
        return len(self.levels[-1])

    def patterns(self) -> list:
        """The regions' activation patterns (``"1"`` active, one character per hidden neuron), sorted.

        Examples
        --------
        >>> from lincomb.theory import ReLUNetwork
        >>> planar_partition(ReLUNetwork([([[1, 0], [0, 1]], [0, 0]), ([[1, 1]], [0])]), ([-1, -1], [1, 1])).patterns()
        ['00', '01', '10', '11']
        """
        return sorted(self.region_patterns())

    def region_patterns(self) -> list:
        """The activation pattern of every region, in the order of ``levels[-1]``.

        Examples
        --------
        >>> from lincomb.theory import ReLUNetwork
        >>> planar_partition(ReLUNetwork([([[1, 0]], [0]), ([[1]], [0])]), ([-1, -1], [1, 1])).region_patterns()
        ['1', '0']
        """
        prefixes = [""]
        for level, width in zip(self.levels, self.widths):
            prefixes = [prefixes[parent] + _bits_string(bits, width) for parent, bits, _ in level]
        return prefixes

    def points(self) -> list:
        """A rational point strictly inside every region (the mean of three vertices, or the midpoint).

        Examples
        --------
        >>> from lincomb.theory import ReLUNetwork
        >>> planar_partition(ReLUNetwork([([[1, 0]], [0]), ([[1]], [0])]), ([-1, -1], [1, 1])).points()[1]
        (Fraction(-1, 3), Fraction(-1, 3))
        """
        result = []
        for _, _, indices in self.levels[-1]:
            corners = [self.vertices[i] for i in indices[: self.dimension + 1]]
            result.append(tuple(
                sum(Fraction(v[k], v[-1]) for v in corners) / len(corners) for k in range(self.dimension)
            ))
        return result

    def polygons(self) -> list:
        """The regions as float arrays of vertices (2-D: ``(m, 2)`` polygons; 1-D: ``(2, 1)`` intervals), for plotting.

        Examples
        --------
        >>> from lincomb.theory import ReLUNetwork
        >>> planar_partition(ReLUNetwork([([[1, 0]], [0]), ([[1]], [0])]), ([-1, -1], [1, 1])).polygons()[0].tolist()
        [[0.0, -1.0], [1.0, -1.0], [1.0, 1.0], [0.0, 1.0]]
        """
        coordinates = np.array([[v[k] / v[-1] for k in range(self.dimension)] for v in self.vertices], dtype=float)
        return [coordinates[list(indices)] for _, _, indices in self.levels[-1]]

    def certificate_data(self) -> dict:
        """The ``data`` of a ``region-count`` certificate in the ``partition`` layout.

        Examples
        --------
        >>> from lincomb.theory import ReLUNetwork
        >>> data = planar_partition(ReLUNetwork([([[1, 0]], [0]), ([[1]], [0])]), ([-1, -1], [1, 1])).certificate_data()
        >>> data["layout"], data["levels"][0][1]
        ('partition', [0, '0', [4, 0, 3, 5]])
        """
        return {
            "layout": "partition",
            "vertices": [list(v) for v in self.vertices],
            "levels": [[[parent, format(bits, "x"), list(indices)] for parent, bits, indices in level] for level in self.levels],
        }

    def claim(self, statement: str) -> dict:
        """The claim of the certificate: the network, the slice, the box, the count.

        Examples
        --------
        >>> from lincomb.theory import ReLUNetwork
        >>> p = planar_partition(ReLUNetwork([([[1, 0]], [0]), ([[1]], [0])]), ([-1, -1], [1, 1]))
        >>> p.claim("two regions")["box"]
        {'lower': ['-1', '-1'], 'upper': ['1', '1']}
        """
        network = self._network
        return {
            "statement": statement,
            "input_dimension": network.input_dimension,
            "network": network.to_json(),
            "slice": None if self.directions is None else {
                "origin": [rational_str(v) for v in self.origin],
                "directions": [[rational_str(v) for v in d] for d in self.directions],
            },
            "box": {"lower": [rational_str(v) for v in self.box[0]], "upper": [rational_str(v) for v in self.box[1]]},
            "regions": self.count,
            "hidden_layers": len(self.widths),
        }


def _bits_string(bits: int, width: int) -> str:
    return "".join("1" if bits >> j & 1 else "0" for j in range(width))


def _reduced(triple) -> tuple:
    """The homogeneous vertex with last coordinate > 0 and coprime entries."""
    if triple[-1] < 0:
        triple = tuple(-v for v in triple)
    divisor = math.gcd(*triple)
    return tuple(v // divisor for v in triple) if divisor > 1 else tuple(triple)


def _primitive_line(line) -> tuple:
    divisor = math.gcd(*line)
    return tuple(v // divisor for v in line) if divisor > 1 else tuple(line)


def _split_polygon(vertices, edges, line, values):
    """Split a convex polygon (vertices ccw, edges[i] the line from vertex i to i+1, interior positive)
    by ``line``, whose exact values at the vertices (some > 0, some < 0) are ``values``.

    Returns ``(positive part, negative part)``, each ``(vertices, edges)``.
    """
    a2, b2, c2 = line
    negative_line = (-a2, -b2, -c2)
    pos_v, pos_e, neg_v, neg_e = [], [], [], []
    count = len(vertices)
    for i in range(count):
        si = values[i]
        sj = values[i + 1 if i + 1 < count else 0]
        vertex, edge = vertices[i], edges[i]
        if si >= 0:
            pos_v.append(vertex)
            pos_e.append(line if si == 0 and sj < 0 else edge)
        if si <= 0:
            neg_v.append(vertex)
            neg_e.append(negative_line if si == 0 and sj > 0 else edge)
        if (si > 0 and sj < 0) or (si < 0 and sj > 0):
            a1, b1, c1 = edge
            crossing = _reduced((b1 * c2 - c1 * b2, c1 * a2 - a1 * c2, a1 * b2 - b1 * a2))
            pos_v.append(crossing)
            neg_v.append(crossing)
            if si > 0:
                pos_e.append(line)
                neg_e.append(edge)
            else:
                pos_e.append(edge)
                neg_e.append(negative_line)
    return (pos_v, pos_e), (neg_v, neg_e)


def _split_cell_2d(vertices, edges, crossing, rows, fixed_bits):
    """All sub-polygons of a cell cut by the crossing lines (indices, integer rows): ``[(vertices, edges, bits)]``."""
    pieces = [(vertices, edges, fixed_bits)]
    for j, row in zip(crossing, rows):
        a, b, c = line = _primitive_line(row)
        bit = 1 << j
        next_pieces = []
        for piece_vertices, piece_edges, bits in pieces:
            values = [a * x + b * y + c * d for x, y, d in piece_vertices]
            if max(values) <= 0:
                next_pieces.append((piece_vertices, piece_edges, bits))
            elif min(values) >= 0:
                next_pieces.append((piece_vertices, piece_edges, bits | bit))
            else:
                (pv, pe), (nv, ne) = _split_polygon(piece_vertices, piece_edges, line, values)
                next_pieces.append((pv, pe, bits | bit))
                next_pieces.append((nv, ne, bits))
        pieces = next_pieces
    return pieces


def _split_cell_1d(ends, crossing, rows, fixed_bits):
    """The sub-intervals of an interval ``(T0, D0), (T1, D1)`` cut by the crossing points."""
    points = []
    for j, (a, c) in zip(crossing, rows):
        points.append((_reduced((-c, a)), j, a > 0))
    points.sort(key=lambda p: Fraction(p[0][0], p[0][1]))
    pieces, start = [], ends[0]
    # left of all crossing points: a line with a > 0 (increasing) is negative there, a < 0 positive
    bits = fixed_bits
    for _, j, increasing in points:
        if not increasing:
            bits |= 1 << j
    index = 0
    while index < len(points):
        point = points[index][0]
        if Fraction(point[0], point[1]) > Fraction(start[0], start[1]):
            pieces.append(((start, point), bits))
        # all lines through this point flip together
        while index < len(points) and points[index][0] == point:
            _, j, increasing = points[index]
            bits ^= 1 << j
            index += 1
        start = point
    pieces.append(((start, ends[1]), bits))
    return pieces


def _crossing_lines(cell_vertices: list, maps, dimension: int):
    """For each cell, ``(crossing line indices, fixed bits)``: float64 filter, integers where undecided.

    ``maps`` is the array (cells x width x (dimension + 1)) of the cells' integer lines. Returns the list and
    the number of (cell, line) pairs decided in integers.
    """
    results, undecided_count = [], 0
    if not cell_vertices:
        return results, 0
    width = maps.shape[1]
    size = max(len(v) for v in cell_vertices)
    chunk = max(1, 4_000_000 // (width * size * (dimension + 1)))
    for start in range(0, len(cell_vertices), chunk):
        block_vertices = cell_vertices[start : start + chunk]
        # pad every polygon with copies of its first vertex (same signs, no effect on any/all)
        padded = np.array([v + [v[0]] * (size - len(v)) for v in block_vertices], dtype=float)
        lines = maps[start : start + chunk].astype(float)
        values = np.matmul(lines, padded.transpose(0, 2, 1))
        bound = np.matmul(np.abs(lines), np.abs(padded).transpose(0, 2, 1)) * _FILTER_RELATIVE
        positive = (values > bound).any(axis=2)
        negative = (values < -bound).any(axis=2)
        # undecided: no certain crossing yet, and some vertex value within the error bound
        undecided = ~(positive & negative) & ((np.abs(values) <= bound) | ~np.isfinite(values)).any(axis=2)
        fixed = positive & ~negative
        packed = np.packbits(fixed, axis=1, bitorder="little")
        crossing_all = positive & negative
        for c in range(len(block_vertices)):
            crossing = np.flatnonzero(crossing_all[c]).tolist()
            bits = int.from_bytes(packed[c].tobytes(), "little")
            if undecided[c].any():
                for j in np.flatnonzero(undecided[c]).tolist():
                    undecided_count += 1
                    coefficients = maps[start + c, j].tolist()
                    exact = [sum(a * v for a, v in zip(coefficients, vertex)) for vertex in block_vertices[c]]
                    has_positive, has_negative = max(exact) > 0, min(exact) < 0
                    bits &= ~(1 << j)
                    if has_positive and has_negative:
                        crossing.append(j)
                    elif has_positive:
                        bits |= 1 << j
                crossing.sort()
            results.append((crossing, bits))
    return results, undecided_count


def _layer_bounds(layers) -> list:
    """Upper bounds on |coefficient| of every layer's affine maps (over any pattern), and of their partial sums."""
    bounds = []
    previous = None
    for weights, biases in layers:
        if previous is None:
            bound = max(sum(abs(w) for w in row) + abs(b) for row, b in zip(weights, biases))
        else:
            bound = max(sum(abs(w) for w in row) * previous + abs(b) for row, b in zip(weights, biases))
        bounds.append(bound)
        previous = bound
    return bounds


def _next_maps(maps, parents, bits_list: list, weights, biases, exact_float: bool):
    """The next layer's affine maps on each child cell: ``W[:, active] @ maps[parent][active] + (0, .., b)``.

    ``maps`` holds the parents' maps, ``parents`` each child's parent index. In float64 when the bound
    says every partial sum is an integer below 2^53 (then exact), else with Python integers (object arrays).
    """
    width = maps.shape[1]
    size = (width + 7) // 8
    masks = np.unpackbits(
        np.frombuffer(b"".join(bits.to_bytes(size, "little") for bits in bits_list), dtype=np.uint8).reshape(-1, size),
        axis=1, bitorder="little",
    )[:, :width]
    if exact_float:
        matrix, bias, kind = np.array(weights, dtype=float), np.array(biases, dtype=float), np.int64
    else:
        matrix, bias, kind = np.array(weights, dtype=object), np.array(biases, dtype=object), object
    result = np.empty((len(bits_list), len(weights), maps.shape[2]), dtype=kind)
    parents = np.asarray(parents)
    chunk = max(1, 2_000_000 // (width * maps.shape[2]))
    for start in range(0, len(bits_list), chunk):
        block = maps[parents[start : start + chunk]] * masks[start : start + chunk, :, None]
        if exact_float:
            block = block.astype(float)
        values = np.matmul(matrix, block)
        values[:, :, -1] += bias
        result[start : start + chunk] = values.astype(kind) if exact_float else values
    return result


def _box_cell(lower, upper, dimension: int):
    """The box as a homogeneous polygon (ccw, edges with interior positive) or interval."""
    if dimension == 1:
        return [_reduced((lower[0].numerator, lower[0].denominator)), _reduced((upper[0].numerator, upper[0].denominator))], None
    (x0, y0), (x1, y1) = lower, upper

    def point(x, y):
        return _reduced((x.numerator * y.denominator, y.numerator * x.denominator, x.denominator * y.denominator))

    vertices = [point(x0, y0), point(x1, y0), point(x1, y1), point(x0, y1)]
    edges = [
        (0, y0.denominator, -y0.numerator), (-x1.denominator, 0, x1.numerator),
        (0, -y1.denominator, y1.numerator), (x0.denominator, 0, -x0.numerator),
    ]
    return vertices, edges


def _check_box(box, dimension: int):
    try:
        lower, upper = box
    except (TypeError, ValueError):
        raise ShapeError("box must be a pair (lower, upper) of coordinate lists") from None
    lower, upper = list(to_rational_vector(lower, "box lower")), list(to_rational_vector(upper, "box upper"))
    if len(lower) != dimension or len(upper) != dimension:
        raise ShapeError(f"box corners need {dimension} coordinates each (the partition is {dimension}-D)")
    for i, (a, b) in enumerate(zip(lower, upper)):
        if a >= b:
            raise ShapeError(f"box side {i}: lower {a} is not below upper {b}; the open box would be empty")
    return lower, upper


def _split_levels(cells: list, maps, layers: list, first: int, exact_float: list, dimension: int, progress=None):
    """Split ``cells`` (vertex and edge lists; ``maps`` their lines of layer ``first``) through the last layer.

    Returns ``(levels, exact_decisions, exact_map_cells)``; a level's cells are ``(parent, bits, vertices)``
    with the parent's index in the level before (in ``cells`` for the first) and the vertex tuples.
    """
    levels = []
    exact_decisions = exact_map_cells = 0
    for layer in range(first, len(layers)):
        decisions, undecided = _crossing_lines([c[0] for c in cells], maps, dimension)
        exact_decisions += undecided
        children, parents, child_bits, level = [], [], [], []
        for parent, ((cell_vertices, cell_edges), (crossing, fixed)) in enumerate(zip(cells, decisions)):
            rows = maps[parent, crossing].tolist() if crossing else []
            if dimension == 2:
                pieces = _split_cell_2d(cell_vertices, cell_edges, crossing, rows, fixed)
            else:
                pieces = [(ends, None, bits) for ends, bits in _split_cell_1d(cell_vertices, crossing, rows, fixed)]
            for piece_vertices, piece_edges, bits in pieces:
                level.append((parent, bits, tuple(piece_vertices)))
                children.append((list(piece_vertices), piece_edges))
                parents.append(parent)
                child_bits.append(bits)
        levels.append(level)
        if progress is not None:
            progress(f"hidden layer {layer + 1}: {len(level)} cells")
        if layer + 1 < len(layers):
            next_weights, next_biases = layers[layer + 1]
            maps = _next_maps(maps, parents, child_bits, next_weights, next_biases, exact_float[layer + 1])
            if not exact_float[layer + 1]:
                exact_map_cells += len(children)
            cells = children
    return levels, exact_decisions, exact_map_cells


def _setup(network, box, origin, directions, dimension: int):
    """``(lower, upper, integer layers, exact_float flags, [box cell], box maps)``."""
    from lincomb.theory.relu_network import ReLUNetwork

    if not isinstance(network, ReLUNetwork):
        raise UsageError(f"the partition needs a ReLUNetwork, got {type(network).__name__}")
    if network.hidden_layers == 0:
        raise UsageError("the network has no hidden layer: it is affine, one region")
    lower, upper = _check_box(box, dimension)
    layers = integer_hidden_layers(network, origin, directions)
    box_vertices, box_edges = _box_cell(lower, upper, dimension)
    # maps of layer l+1 as floats are exact when every partial sum is an integer below 2^53
    exact_float = [bound < _EXACT_FLOAT for bound in _layer_bounds(layers)]
    first_weights, first_biases = layers[0]
    maps = np.array([[list(row) + [b] for row, b in zip(first_weights, first_biases)]],
                    dtype=np.int64 if exact_float[0] else object)
    return lower, upper, layers, exact_float, [(box_vertices, box_edges)], maps


def _result(network, lower, upper, origin, directions, dimension, levels, seconds, exact_decisions, exact_map_cells):
    """The :class:`Partition`, vertices numbered in order of first appearance, level by level."""
    vertex_index: dict = {}
    vertices: list = []
    indexed = []
    for level in levels:
        cells = []
        for parent, bits, cell_vertices in level:
            indices = []
            for vertex in cell_vertices:
                found = vertex_index.get(vertex)
                if found is None:
                    found = vertex_index[vertex] = len(vertices)
                    vertices.append(vertex)
                indices.append(found)
            cells.append((parent, bits, tuple(indices)))
        indexed.append(cells)
    result = Partition(
        dimension, (tuple(lower), tuple(upper)),
        None if directions is None else tuple(to_rational_vector(origin, "origin")),
        None if directions is None else tuple(tuple(to_rational_vector(d, "direction")) for d in directions),
        tuple(network.widths), vertices, indexed, seconds, exact_decisions, exact_map_cells,
    )
    result._network = network
    return result


def _partition(network, box, origin, directions, dimension: int, progress=None) -> Partition:
    start = time.perf_counter()
    lower, upper, layers, exact_float, cells, maps = _setup(network, box, origin, directions, dimension)
    levels, decisions, map_cells = _split_levels(cells, maps, layers, 0, exact_float, dimension, progress)
    return _result(network, lower, upper, origin, directions, dimension, levels, time.perf_counter() - start,
                   decisions, map_cells)


def _subtree_task(task):
    """Levels 2.. of the partition below a chunk of first-level cells (a task of :func:`frontier_partition`)."""
    from lincomb.theory.relu_network import ReLUNetwork

    network_json, box, origin, directions, dimension, chunk = task
    network = ReLUNetwork.from_json(network_json)
    _, _, layers, exact_float, root, root_maps = _setup(network, box, origin, directions, dimension)
    weights, biases = layers[1]
    maps = _next_maps(root_maps, [0] * len(chunk), [bits for _, bits in chunk], weights, biases, exact_float[1])
    cells = [(list(vertices), edges) for (vertices, edges), _ in chunk]
    return _split_levels(cells, maps, layers, 1, exact_float, dimension)


def frontier_partition(network, box, *, origin=None, directions=None, chunks: int = 8, client=None) -> Partition:
    """:func:`planar_partition` (or, with one direction, a path) with the work below the first layer split.

    The first layer's cells are computed here; contiguous chunks of them go out as independent tasks
    (Dask tasks when a ``distributed.Client`` is given, :func:`lincomb.solvers.keyed_tasks.map_keyed`),
    each splitting its cells through the remaining layers. The chunks are concatenated in order and the
    vertices numbered as a local run numbers them, so the result (and its certificate data) is identical to
    :func:`planar_partition`'s.

    Examples
    --------
    >>> from lincomb.theory import ReLUNetwork
    >>> net = ReLUNetwork([([[1, 0], [0, 1], [1, -1]], [0, 0, 1]), ([[1, 1, 1], [1, -1, 0]], [0, -1]), ([[1, 1]], [0])])
    >>> box = ([-2, -2], [2, 2])
    >>> split = frontier_partition(net, box, chunks=3)
    >>> split.certificate_data() == planar_partition(net, box).certificate_data()
    True
    """
    from lincomb.solvers.keyed_tasks import map_keyed

    start = time.perf_counter()
    if directions is None and network.input_dimension != 2:
        raise ShapeError(f"the network has {network.input_dimension} inputs: give a plane (origin, directions) or use 2 inputs")
    dimension = 2 if directions is None else len(directions)
    lower, upper, layers, exact_float, cells, maps = _setup(network, box, origin, directions, dimension)
    first, decisions, map_cells = _split_levels(cells, maps, layers[:1], 0, exact_float, dimension)
    levels = [first[0]]
    if len(layers) > 1:
        # the first level's cells with their edges (re-derived: _split_levels keeps only vertices in levels)
        decided, _ = _crossing_lines([cells[0][0]], maps, dimension)
        crossing, fixed = decided[0]
        rows = maps[0, crossing].tolist() if crossing else []
        if dimension == 2:
            pieces = _split_cell_2d(cells[0][0], cells[0][1], crossing, rows, fixed)
        else:
            pieces = [(ends, None, bits) for ends, bits in _split_cell_1d(cells[0][0], crossing, rows, fixed)]
        first_cells = [((list(v), e), bits) for v, e, bits in pieces]
        size = max(1, -(-len(first_cells) // max(1, chunks)))
        parts = [first_cells[i : i + size] for i in range(0, len(first_cells), size)]
        network_json = network.to_json()
        tasks = [(network_json, box, origin, directions, dimension, part) for part in parts]
        token = abs(hash((str(network_json), str(box), str(origin), str(directions))))
        results = map_keyed(_subtree_task, tasks, [f"regions-frontier-{token}-{i}" for i in range(len(tasks))], client)
        # offsets: a chunk's parents at depth d index its own cells of depth d - 1 (the chunk itself at d = 0)
        levels = [levels[0]] + _merge_offsets(results, [len(p) for p in parts], len(layers) - 1)
        decisions += sum(r[1] for r in results)
        map_cells += sum(r[2] for r in results)
    return _result(network, lower, upper, origin, directions, dimension, levels, time.perf_counter() - start,
                   decisions, map_cells)


def _merge_offsets(results: list, chunk_sizes: list, depth_count: int) -> list:
    """Concatenate the chunks' levels, shifting each chunk's parent indices by the cells before it."""
    merged_levels = []
    previous_sizes = chunk_sizes
    for depth in range(depth_count):
        merged, offset = [], 0
        sizes = []
        for (part_levels, _, _), before in zip(results, previous_sizes):
            merged.extend((parent + offset, bits, vertices) for parent, bits, vertices in part_levels[depth])
            offset += before
            sizes.append(len(part_levels[depth]))
        merged_levels.append(merged)
        previous_sizes = sizes
    return merged_levels


def planar_partition(network, box, *, origin=None, directions=None, progress=None) -> Partition:
    """The exact activation regions of a network on a 2-D box, as polygons.

    Parameters
    ----------
    network : ReLUNetwork
        With 2 inputs, or any number of inputs when ``directions`` is given.
    box : (lower, upper)
        Exact corners, in the inputs or in the slice coordinates (u1, u2).
    origin, directions : optional
        A plane ``origin + u1 directions[0] + u2 directions[1]`` of R^n (e.g. through three data points).
    progress : callable, optional
        Called with a message after every layer.

    Returns
    -------
    Partition

    Examples
    --------
    >>> from lincomb.theory import ReLUNetwork
    >>> net = ReLUNetwork([([[1, 0, 0], [0, 1, 0], [0, 0, 1]], [0, 0, 0]), ([[1, 1, 1]], [0])])
    >>> planar_partition(net, ([-1, -1], [1, 1]), origin=[0, 0, 5], directions=[[1, 0, 0], [0, 1, 0]]).patterns()
    ['001', '011', '101', '111']
    """
    if directions is None:
        if network.input_dimension != 2:
            raise ShapeError(f"the network has {network.input_dimension} inputs: give a plane (origin, directions) or use 2 inputs")
    elif len(directions) != 2:
        raise ShapeError(f"a plane needs 2 directions, got {len(directions)}")
    return _partition(network, box, origin, directions, 2, progress)


def path_partition(network, start, end, *, progress=None) -> Partition:
    """The exact activation regions met along the open segment from ``start`` to ``end`` (any input dimension).

    The segment is ``start + t (end - start)``, 0 < t < 1; regions are intervals of t.

    Examples
    --------
    >>> from lincomb.theory import ReLUNetwork
    >>> net = ReLUNetwork([([[1], [1]], [0, -1]), ([[1, 1]], [0])])
    >>> p = path_partition(net, [-1], [2])
    >>> p.patterns(), p.points()
    (['00', '10', '11'], [(Fraction(1, 6),), (Fraction(1, 2),), (Fraction(5, 6),)])
    """
    start = list(to_rational_vector(start, "start"))
    end = list(to_rational_vector(end, "end"))
    if start == end:
        raise UsageError("the path's two points coincide")
    return _partition(network, ([0], [1]), start, [[b - a for a, b in zip(start, end)]], 1, progress)
