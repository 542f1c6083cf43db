"""Checker for ``region-count`` certificates: a ReLU network has exactly N activation regions.

STANDARD LIBRARY ONLY. Re-derives every pre-activation from the weights in the claim; shares no code with
``lincomb.solvers.regions``. The contract is ``docs/certificates_region-count.md``.

The proof. Walk the hidden neurons in order (layer by layer). Given the signs chosen for earlier neurons,
the pre-activation z of the next neuron is one affine function of x. If z is identically zero the neuron
is inactive (``"0"``) with no constraint; otherwise the cell splits into the child ``"1"`` (z > 0) and the
child ``"0"`` (-z > 0). A child listed in ``data.empty_cells`` must be closed by Farkas multipliers over its
constraints (box sides and path constraints); every full pattern reached must be listed in
``data.regions`` with a rational point satisfying all its constraints strictly. The children cover their
parent up to a hyperplane, so the listed regions are all the activation regions, each non-empty.

Examples
--------
>>> network = {"type": "relu-network", "layers": [
...     {"weights": [["1"], ["1"]], "biases": ["0", "-1"]}, {"weights": [["1", "1"]], "biases": ["0"]}]}
>>> cert = {"format": "lincomb-certificate", "version": 1, "kind": "region-count",
...         "claim": {"statement": "3 regions", "input_dimension": 1, "network": network, "box": None,
...                   "regions": 3},
...         "data": {"regions": [{"pattern": "00", "point": ["-1"]}, {"pattern": "10", "point": ["1/2"]},
...                              {"pattern": "11", "point": ["2"]}],
...                  "empty_cells": {"01": {"0": "1", "1": "1"}}},
...         "provenance": {"lincomb": "0.1.0", "solver": "hand", "seconds": 0}}
>>> verify(cert)
'3 activation regions on R^1: each with a rational interior point; 1 empty cells closed by Farkas multipliers'
>>> cert["data"]["regions"][1]["point"] = ["2"]
>>> verify(cert)
Traceback (most recent call last):
...
lincomb.proofs_check.checkers._common.CertificateRejected: region 10: the point violates constraint 1 (value -1, must be > 0)
"""

from __future__ import annotations

import math
import re
from fractions import Fraction

from ._common import (
    CertificateMalformed, CertificateRejected, field_path, get_int, get_list, get_object, get_objects, get_str,
    open_certificate, parse_rational_fast,
)
from ._exact import check_farkas, common_denominator
from ._relu_network import read_relu_network

KIND = "region-count"
_PATTERN = re.compile(r"[01]*", re.ASCII)
_LABEL = re.compile(r"(0|[1-9][0-9]*)|b(0|[1-9][0-9]*)", re.ASCII)


def _read_point(value, path: str, dimension: int) -> list:
    if not isinstance(value, list) or len(value) != dimension:
        raise CertificateMalformed(path, f"must be an array of {dimension} rationals")
    return [parse_rational_fast(v, field_path(path, j)) for j, v in enumerate(value)]


def _read_box(box: dict, k: int) -> tuple:
    """``(lower, upper)`` of ``claim.box``: k rationals each, lower below upper on every side."""
    lower = _read_point(get_list(box, "lower", "claim.box"), "claim.box.lower", k)
    upper = _read_point(get_list(box, "upper", "claim.box"), "claim.box.upper", k)
    for i in range(k):
        if lower[i] >= upper[i]:
            raise CertificateMalformed("claim.box", f"side {i}: lower {lower[i]} is not below upper {upper[i]}")
    return lower, upper


def _affine(row, bias, inputs, n):
    """sum_k row[k] * inputs[k] + bias, with inputs as (linear list, constant) pairs."""
    linear = [0] * n
    constant = bias
    for w, (source_linear, source_constant) in zip(row, inputs):
        if w:
            constant += w * source_constant
            for k, a in enumerate(source_linear):
                if a:
                    linear[k] += w * a
    return linear, constant


def _zaslavsky(hyperplanes: int, dimension: int) -> int:
    return sum(math.comb(hyperplanes, i) for i in range(dimension + 1))


def verify(cert: dict) -> str:
    """Check a ``region-count`` certificate; return a one-line summary or raise.

    Parse the envelope, the claim's network and the layout (``data.layout``: ``"walk"``, the default, or
    ``"partition"``); each layout then recomputes what it proves and compares it with the claim.

    Examples
    --------
    >>> net = {"type": "relu-network", "layers": [{"weights": [["0"]], "biases": ["0"]},
    ...                                             {"weights": [["1"]], "biases": ["0"]}]}
    >>> verify({"format": "lincomb-certificate", "version": 1, "kind": "region-count",
    ...         "claim": {"statement": "a dead neuron: 1 region", "input_dimension": 1, "network": net,
    ...                   "box": None, "regions": 1},
    ...         "data": {"regions": [{"pattern": "0", "point": ["5"]}], "empty_cells": {}},
    ...         "provenance": {"lincomb": "0.1.0", "solver": "hand", "seconds": 0}})
    '1 activation regions on R^1: each with a rational interior point; 0 empty cells closed by Farkas multipliers'
    """
    claim, data = open_certificate(cert, KIND)
    n = get_int(claim, "input_dimension", "claim", minimum=1)
    if "network" not in claim:
        raise CertificateMalformed("claim.network", "missing required field")
    layers = read_relu_network(claim["network"], "claim.network", n, scalar=False)
    layout = data.get("layout", "walk")
    if layout == "walk":
        return _verify_walk(claim, data, n, layers)
    if layout == "partition":
        return _verify_partition(claim, data, n, layers)
    raise CertificateMalformed("data.layout", 'must be "walk" (the default) or "partition"')


# ---------------------------------------------------------------------------------------------------
# The "partition" layout: cells of a 1-D or 2-D box, level by level, that tile their parents.
# Vertices are homogeneous integers (X, Y, D) or (T, D), D > 0; lines are integer triples (a, b, c)
# or pairs (a, c), read at a vertex as a X + b Y + c D (that is D times the affine value).

_HEX = re.compile(r"0|[1-9a-f][0-9a-f]*", re.ASCII)
_INT = {int}


def _integer(value, path: str) -> int:
    if type(value) is not int:
        raise CertificateMalformed(path, "must be an integer")
    return value


def _parse_partition_domain(claim: dict, n: int):
    """``(k, origin, directions, lower, upper, domain words)`` of the claim's slice and box."""
    if "slice" not in claim:
        raise CertificateMalformed("claim.slice", "missing required field (null for the inputs themselves)")
    piece = claim["slice"]
    if piece is None:
        origin = directions = None
        k = n
        if k not in (1, 2):
            raise CertificateMalformed("claim.slice", f"the partition layout needs a 1-D or 2-D domain; give a slice of R^{n}")
    else:
        if not isinstance(piece, dict):
            raise CertificateMalformed("claim.slice", "must be null or an object with origin and directions")
        origin = _read_point(get_list(piece, "origin", "claim.slice"), "claim.slice.origin", n)
        directions_json = get_list(piece, "directions", "claim.slice")
        if len(directions_json) not in (1, 2):
            raise CertificateMalformed("claim.slice.directions", "must hold 1 (a path) or 2 (a plane) directions")
        directions = [
            _read_point(d, field_path("claim.slice.directions", i), n) for i, d in enumerate(directions_json)
        ]
        k = len(directions)
    lower, upper = _read_box(get_object(claim, "box", "claim"), k)
    words = "the box " + " x ".join(f"({lower[i]}, {upper[i]})" for i in range(k))
    if directions is not None:
        words += f" of the {'path' if k == 1 else 'plane'} origin + " + " + ".join(f"u{i + 1} d{i + 1}" for i in range(k))
    return k, origin, directions, lower, upper, words


def _parse_partition_data(data: dict, k: int, widths: list):
    """``(vertices, levels)``: vertex tuples, and per level the cells ``(parent, bits, vertex indices)``."""
    vertices = []
    for index, vertex in enumerate(get_list(data, "vertices", "data")):
        if type(vertex) is not list or len(vertex) != k + 1 or not set(map(type, vertex)) <= _INT or vertex[-1] <= 0:
            path = field_path("data.vertices", index)  # the slow path names the first malformed field
            if not isinstance(vertex, list) or len(vertex) != k + 1:
                raise CertificateMalformed(path, f"must be {k + 1} integers (homogeneous coordinates, last > 0)")
            for j, v in enumerate(vertex):
                _integer(v, field_path(path, j))
            raise CertificateMalformed(field_path(path, k), "the last (homogeneous) coordinate must be > 0")
        vertices.append(tuple(vertex))
    levels_json = get_list(data, "levels", "data")
    if len(levels_json) != len(widths):
        raise CertificateMalformed("data.levels", f"has {len(levels_json)} levels; the network has {len(widths)} hidden layers")
    levels, previous = [], 1
    corners = k + 1 if k == 2 else 2
    for level, (cells, width) in enumerate(zip(levels_json, widths)):
        path = field_path("data.levels", level)
        if not isinstance(cells, list):
            raise CertificateMalformed(path, "must be an array of cells")
        parsed = []
        for index, cell in enumerate(cells):
            if (type(cell) is list and len(cell) == 3 and type(cell[0]) is int and 0 <= cell[0] < previous
                    and type(cell[1]) is str and _HEX.fullmatch(cell[1]) and type(cell[2]) is list
                    and (len(cell[2]) >= corners if k == 2 else len(cell[2]) == 2)
                    and set(map(type, cell[2])) <= _INT and min(cell[2]) >= 0 and max(cell[2]) < len(vertices)):
                bits = int(cell[1], 16)
                if not bits >> width:
                    parsed.append((cell[0], bits, tuple(cell[2])))
                    continue
            # the slow path (never returns) names the first malformed field
            cell_path = field_path(path, index)
            if not isinstance(cell, list) or len(cell) != 3 or not isinstance(cell[1], str) or not isinstance(cell[2], list):
                raise CertificateMalformed(cell_path, 'must be [parent index, "hex bits", [vertex indices]]')
            if not 0 <= _integer(cell[0], field_path(cell_path, 0)) < previous:
                raise CertificateMalformed(field_path(cell_path, 0), f"parent {cell[0]} is not a cell of the level above ({previous} cells)")
            if not _HEX.fullmatch(cell[1]):
                raise CertificateMalformed(field_path(cell_path, 1), "must be lower-case hexadecimal without leading zeros")
            if int(cell[1], 16) >> width:
                raise CertificateMalformed(field_path(cell_path, 1), f"has bits beyond the layer's {width} neurons")
            for j, v in enumerate(cell[2]):
                if not 0 <= _integer(v, field_path(field_path(cell_path, 2), j)) < len(vertices):
                    raise CertificateMalformed(field_path(field_path(cell_path, 2), j), f"vertex {v} is not in data.vertices")
            raise CertificateMalformed(field_path(cell_path, 2), "a polygon needs at least 3 vertices" if k == 2 else "an interval has 2 ends")
        levels.append(parsed)
        previous = len(parsed)
    return vertices, levels


def _integer_layers(hidden: list, origin, directions) -> list:
    """The hidden layers composed with the slice and scaled to integers, with the same activation patterns.

    Layer l is multiplied by s_l (the lcm of its denominators) and its biases by s_1 ... s_(l-1) too, so
    every pre-activation of layer l is multiplied by s_1 ... s_l > 0: no sign changes.
    """
    layers = [([list(row) for row in w], list(b)) for w, b in hidden]
    if directions is not None:
        weights, biases = layers[0]
        layers[0] = (
            [[sum((w * a for w, a in zip(row, d)), 0) for d in directions] for row in weights],
            [sum((w * a for w, a in zip(row, origin)), b) for row, b in zip(weights, biases)],
        )
    result, prefix = [], 1
    for weights, biases in layers:
        scale = common_denominator([v for row in weights for v in row] + list(biases))
        prefix *= scale
        result.append(([[int(v * scale) for v in row] for row in weights], [int(v * prefix) for v in biases]))
    return result


def _box_cell(lower: list, upper: list, k: int) -> list:
    """The box's corners (counter-clockwise) or ends, as homogeneous integer vertices."""
    def point(*coordinates):
        denominator = common_denominator(coordinates)
        return tuple(int(c * denominator) for c in coordinates) + (denominator,)

    if k == 1:
        return [point(lower[0]), point(upper[0])]
    (x0, y0), (x1, y1) = lower, upper
    return [point(x0, y0), point(x1, y0), point(x1, y1), point(x0, y1)]


def _name(where) -> str:
    return where if isinstance(where, str) else f"cell {where[0]} of level {where[1]}"


def _polygon_measure(polygon: list, where) -> tuple:
    """Twice the area ``(numerator, denominator > 0)`` of a strictly convex counter-clockwise polygon; rejects
    any other vertex cycle.

    ``where`` names the cell in messages: a string, or (index, level). Edge vectors are kept scaled by the
    positive products of their ends' denominators, which changes no sign: the turn at a vertex is the sign
    of the cross product of the edge vectors into and out of it.
    """
    count = len(polygon)
    numerator, denominator = 0, 1  # the shoelace sum, kept unreduced until the end
    turns = 0
    x1, y1, d1 = polygon[-1]
    x0, y0, d0 = polygon[-2]
    dx, dy = x1 * d0 - x0 * d1, y1 * d0 - y0 * d1  # the edge into polygon[-1], scaled by d0 d1 > 0
    up = dy > 0 or (dy == 0 and dx > 0)
    for i in range(count):
        x2, y2, d2 = polygon[i]
        ex, ey = x2 * d1 - x1 * d2, y2 * d1 - y1 * d2
        if dx * ey - dy * ex <= 0:
            raise CertificateRejected(f"{_name(where)}: the turn at vertex {(i - 1) % count} of its cycle is not strictly counter-clockwise")
        # one full turn: the edge direction passes from the lower half-plane [pi, 2 pi) to [0, pi) once
        next_up = ey > 0 or (ey == 0 and ex > 0)
        if next_up and not up:
            turns += 1
        scale = d1 * d2
        numerator = numerator * scale + (x1 * y2 - x2 * y1) * denominator
        denominator *= scale
        x1, y1, d1, dx, dy, up = x2, y2, d2, ex, ey, next_up
    if turns != 1:
        raise CertificateRejected(f"{_name(where)}: the vertex cycle winds {turns} times; a convex polygon winds once")
    return numerator, denominator


def _balanced_sum(fractions: list) -> tuple:
    """The exact sum of unreduced fractions ``(numerator, denominator > 0)``, added in pairs, level by level.

    Denominators of many cells can share few factors, so the sum's size grows with the number of terms;
    adding in a balanced tree keeps the cost near-linear in the total size (adding one term at a time to
    a growing sum would be quadratic).
    """
    while len(fractions) > 1:
        paired = [
            (n1 * d2 + n2 * d1, d1 * d2) for (n1, d1), (n2, d2) in zip(fractions[0::2], fractions[1::2])
        ]
        if len(fractions) % 2:
            paired.append(fractions[-1])
        fractions = paired
    return fractions[0] if fractions else (0, 1)


def _interval_measure(interval: list, where) -> tuple:
    """The length ``(numerator, denominator > 0)`` of an interval; rejects ends out of order."""
    (t0, d0), (t1, d1) = interval
    numerator = t1 * d0 - t0 * d1
    if numerator <= 0:
        raise CertificateRejected(f"{_name(where)}: its ends are not in increasing order")
    return numerator, d0 * d1


def _edge_lines(polygon: list, k: int) -> list:
    """Lines that are >= 0 exactly on the closed parent cell (its edges, interior positive)."""
    if k == 1:
        (t0, d0), (t1, d1) = polygon
        return [(d0, -t0), (-d1, t1)]
    lines = []
    for i in range(len(polygon)):
        x1, y1, d1 = polygon[i]
        x2, y2, d2 = polygon[(i + 1) % len(polygon)]
        lines.append((y1 * d2 - d1 * y2, d1 * x2 - x1 * d2, x1 * y2 - y1 * x2))
    return lines


def _outside(edges: list, vertex: tuple, k: int) -> bool:
    """Whether some edge line of the parent cell is < 0 at the vertex."""
    if k == 2:
        x, y, d = vertex
        for a, b, c in edges:
            if a * x + b * y + c * d < 0:
                return True
        return False
    t, d = vertex
    for a, c in edges:
        if a * t + c * d < 0:
            return True
    return False


class _PackedLevel:
    """The lines of one layer on every cell, packed into big integers so that a vertex costs k + 1 products.

    A cell's lines ``r_i = (r_(i,0), .., r_(i,k))`` are stored as k + 1 integers ``R_m = sum_i r_(i,m) B^i``,
    B = 2^S. At a vertex V, ``U = sum_m V_m R_m + H`` (H = B/2 in every digit) has the digits
    ``z_i(V) + B/2``; S is chosen so that every |r_(i,m)| and every |z_i(V)| is below B/2 (from a bound
    over all activation patterns and the largest vertex coordinate), hence no digit borrows or carries.
    Then ``z_i(V) >= 0`` exactly when the top bit of digit i of U is set, and ``z_i(V) > 0`` exactly when
    the top bit of digit i of ``U - (1 in every digit)`` is set. Activation bits are compared in the same
    "spread" form (bit j at position S j + S - 1).
    """

    def __init__(self, width: int, bound: int, k: int, largest_vertex: int):
        value_bound = bound * (k + 1) * max(largest_vertex, 1)
        self.step = (value_bound.bit_length() + 2 + 7) // 8  # bytes per digit
        self.shift = shift = 8 * self.step
        self.width = width
        self.half = 1 << (shift - 1)
        self.ones = sum(1 << (shift * i) for i in range(width))
        self.top = self.ones << (shift - 1)
        self.tables = [
            [sum(self.half << (shift * (8 * byte + j)) for j in range(8) if value >> j & 1) for value in range(256)]
            for byte in range((width + 7) // 8)
        ]

    def pack(self, rows: list) -> tuple:
        """The packed form ``(R_0, .., R_k)`` of integer rows."""
        shift = self.shift
        return tuple(sum(row[m] << (shift * i) for i, row in enumerate(rows)) for m in range(len(rows[0])))

    def spread(self, bits: int) -> int:
        """Activation bits in spread form."""
        result, byte = 0, 0
        while bits:
            result |= self.tables[byte][bits & 255]
            bits >>= 8
            byte += 1
        return result

    def neuron(self, spread_mask: int) -> int:
        """The lowest neuron whose bit is set in a spread mask."""
        return ((spread_mask & -spread_mask).bit_length() - 1) // self.shift


class _Rows:
    """``rows[j]``: row j of a packed cell, its digits read from the bytes when first asked for."""

    def __init__(self, level: _PackedLevel, packed: tuple):
        self.step, self.half = level.step, level.half
        self.raw = [(value + level.top).to_bytes(level.step * level.width, "little") for value in packed]
        self.size = len(packed)
        self.cache: dict = {}

    def __getitem__(self, j: int) -> tuple:
        row = self.cache.get(j)
        if row is None:
            start, step, half = j * self.step, self.step, self.half
            row = self.cache[j] = tuple(int.from_bytes(raw[start : start + step], "little") - half for raw in self.raw)
        return row


def _next_packed(rows: "_Rows", bits: int, weights: list, biases: list, level: _PackedLevel) -> tuple:
    """The next layer's lines on a cell, packed: ``sum over active j of W[:, j] rows[j]`` plus the biases."""
    columns = level.columns
    raws, step, half = rows.raw, rows.step, rows.half
    from_bytes = int.from_bytes
    remaining = bits
    if len(raws) == 3:
        raw0, raw1, raw2 = raws
        t0, t1, t2 = 0, 0, level.bias
        while remaining:
            low = remaining & -remaining
            remaining ^= low
            j = low.bit_length() - 1
            column = columns[j]
            start = j * step
            end = start + step
            t0 += (from_bytes(raw0[start:end], "little") - half) * column
            t1 += (from_bytes(raw1[start:end], "little") - half) * column
            t2 += (from_bytes(raw2[start:end], "little") - half) * column
        return t0, t1, t2
    raw0, raw1 = raws
    t0, t1 = 0, level.bias
    while remaining:
        low = remaining & -remaining
        remaining ^= low
        j = low.bit_length() - 1
        column = columns[j]
        start = j * step
        end = start + step
        t0 += (from_bytes(raw0[start:end], "little") - half) * column
        t1 += (from_bytes(raw1[start:end], "little") - half) * column
    return t0, t1


def _report_bits(where: str, level: int, bits: int, spread: int, indices: tuple, masks: dict, packed: "_PackedLevel"):
    """Raise the rejection that names the first neuron and vertex where the activation bits fail."""
    somewhere_positive = 0
    for v in indices:
        non_negative, positive = masks[v]
        somewhere_positive |= positive
        wrong = (spread & ~non_negative) | (~spread & positive)
        if wrong:
            j = packed.neuron(wrong)
            state = "active" if bits >> j & 1 else "inactive"
            raise CertificateRejected(
                f"{where}: neuron {j} of layer {level + 1} is marked {state}, but its pre-activation is "
                f"{'negative' if state == 'active' else 'positive'} at vertex {v}"
            )
    # >= 0 on the cell and 0 at every vertex: identically 0, which counts as inactive
    j = packed.neuron(spread & ~somewhere_positive)
    raise CertificateRejected(f"{where}: neuron {j} is marked active, but its pre-activation is identically 0 there")


def _sibling_packed(reference: tuple, reference_bits: int, rows: list, bits: int, level: _PackedLevel) -> tuple:
    """The packed next maps of a cell from a sibling's (same parent rows): add or remove the differing neurons."""
    differing = reference_bits ^ bits
    if not differing:
        return reference
    packed = list(reference)
    columns = level.columns
    while differing:
        low = differing & -differing
        differing ^= low
        j = low.bit_length() - 1
        column = columns[j] if bits & low else -columns[j]
        for m, v in enumerate(rows[j]):
            if v:
                packed[m] += v * column
    return tuple(packed)


def _map_bounds(integer_layers: list) -> list:
    """Bounds on |coefficient| of every layer's lines over all patterns (row sums of |W| times the bound below)."""
    bounds, previous = [], None
    for weights, biases in integer_layers:
        if previous is None:
            bound = max(max(abs(v) for v in row + [b]) for row, b in zip(weights, biases))
        else:
            bound = max(sum(abs(w) for w in row) * previous + abs(b) for row, b in zip(weights, biases))
        bounds.append(bound)
        previous = bound
    return bounds


def _verify_partition(claim: dict, data: dict, n: int, layers: list) -> str:
    """The ``partition`` layout: parse, recompute every level's cells exactly, compare with the claim."""
    # -- parse
    hidden = layers[:-1]
    if not hidden:
        raise CertificateMalformed("claim.network", "the partition layout needs at least one hidden layer")
    if "distinct_pieces" in claim:
        raise CertificateMalformed("claim.distinct_pieces", "not part of the partition layout")
    claimed = get_int(claim, "regions", "claim", minimum=1)
    k, origin, directions, lower, upper, words = _parse_partition_domain(claim, n)
    widths = [len(w) for w, _ in hidden]
    vertices, levels = _parse_partition_data(data, k, widths)

    # -- recompute: each level's cells lie in their parent, obey their bits, and tile the parent by measure
    integer_layers = _integer_layers(hidden, origin, directions)
    bounds = _map_bounds(integer_layers)
    measure = _polygon_measure if k == 2 else _interval_measure
    root = _box_cell(lower, upper, k)
    largest = max(abs(v) for vertex in vertices + root for v in vertex)
    packing = [_PackedLevel(width, bound, k, largest) for width, bound in zip(widths, bounds)]
    for level, (weights, biases) in enumerate(integer_layers[1:], start=1):
        shift = packing[level].shift
        packing[level].columns = [
            sum(row[j] << (shift * i) for i, row in enumerate(weights)) for j in range(len(weights[0]))
        ]
        packing[level].bias = sum(b << (shift * i) for i, b in enumerate(biases))
    first_weights, first_biases = integer_layers[0]
    root_lines = packing[0].pack([tuple(row) + (b,) for row, b in zip(first_weights, first_biases)])
    parents = [(root, root_lines, measure(root, "the box"), None)]
    for level, cells in enumerate(levels):
        packed_level = packing[level]
        groups = [[] for _ in parents]
        for index, (parent, _, _) in enumerate(cells):
            groups[parent].append(index)
        children = [None] * len(cells)
        for parent, group in enumerate(groups):
            parent_name = "the box" if level == 0 else (parent, level - 1)  # formatted by _name only in messages
            polygon, lines, parent_measure, parent_indices = parents[parent]
            if not group:
                raise CertificateRejected(f"{_name(parent_name)} contains no cell of level {level}: the level does not cover it")
            # a parent that no line of this layer splits holds one cell with the parent's own vertex cycle: it
            # is the parent (convex, inside it, of its measure), so only its bits are checked
            unsplit = len(group) == 1 and cells[group[0]][2] == parent_indices
            edges = None  # the parent's edge lines, made when a vertex that is not a corner comes
            corners = set(polygon)
            masks: dict = {}
            seen: set = set()
            measures = []
            top, ones = packed_level.top, packed_level.ones
            shift, high = packed_level.shift, packed_level.shift - 1
            previous_bits, spread = 0, 0
            for index in group:
                _, bits, indices = cells[index]
                if bits in seen:
                    raise CertificateRejected(f"cell {index} of level {level}: {_name(parent_name)} holds two cells with the same activation bits")
                seen.add(bits)
                # the spread bits: from the previous sibling's by the few neurons in which they differ
                differing = bits ^ previous_bits
                if differing.bit_count() <= 8:
                    while differing:
                        low = differing & -differing
                        spread ^= 1 << (shift * (low.bit_length() - 1) + high)
                        differing ^= low
                else:
                    spread = packed_level.spread(bits)
                previous_bits = bits
                everywhere_non_negative, somewhere_positive = top, 0
                for v in indices:
                    found = masks.get(v)
                    if found is None:
                        vertex = vertices[v]
                        if vertex not in corners and _outside(edges or (edges := _edge_lines(polygon, k)), vertex, k):
                            raise CertificateRejected(f"cell {index} of level {level}: vertex {v} lies outside {_name(parent_name)}")
                        # the signs of the lines at the vertex (see _PackedLevel), inlined: this is the inner loop
                        if k == 2:
                            value = top + vertex[0] * lines[0] + vertex[1] * lines[1] + vertex[2] * lines[2]
                        else:
                            value = top + vertex[0] * lines[0] + vertex[1] * lines[1]
                        found = masks[v] = (value & top, (value - ones) & top)
                    everywhere_non_negative &= found[0]
                    somewhere_positive |= found[1]
                # active: z >= 0 at every vertex and > 0 at one (not identically 0); inactive: z <= 0 at every vertex
                if (spread & ~everywhere_non_negative) or (~spread & somewhere_positive) or (spread & ~somewhere_positive):
                    _report_bits(f"cell {index} of level {level}", level, bits, spread, indices, masks, packed_level)
                if unsplit:
                    polygon_of_cell, cell_measure = polygon, parent_measure
                else:
                    polygon_of_cell = [vertices[v] for v in indices]
                    cell_measure = measure(polygon_of_cell, (index, level))
                measures.append(cell_measure)
                children[index] = (polygon_of_cell, bits, cell_measure)
            total_numerator, total_denominator = parent_measure if unsplit else _balanced_sum(measures)
            if total_numerator * parent_measure[1] != parent_measure[0] * total_denominator:
                total, parent_size = Fraction(total_numerator, total_denominator), Fraction(*parent_measure)
                word, half = ("areas", 2) if k == 2 else ("lengths", 1)
                raise CertificateRejected(
                    f"the cells of level {level} in {_name(parent_name)} have total {word} {total / half}, "
                    f"it has {parent_size / half}: they do not tile it"
                )
        if level + 1 < len(levels):
            weights, biases = integer_layers[level + 1]
            following = packing[level + 1]
            next_parents = [None] * len(children)
            for parent, group in enumerate(groups):
                # siblings differ only in the neurons whose lines cross the parent: the first sibling's maps
                # are computed in full, each next one from the one before by the differing neurons
                rows = _Rows(packed_level, parents[parent][1])
                reference_bits = children[group[0]][1]
                reference = _next_packed(rows, reference_bits, weights, biases, following)
                for index in group:
                    polygon, bits, cell_measure = children[index]
                    reference = _sibling_packed(reference, reference_bits, rows, bits, following)
                    reference_bits = bits
                    next_parents[index] = (polygon, reference, cell_measure, cells[index][2])
            parents = next_parents

    # -- compare
    count = len(levels[-1])
    _compare_count(claim, claimed, count, hidden, n)
    return f"{count} activation regions on {words}: cells tile their parents by exact {'areas' if k == 2 else 'lengths'}"


def _verify_walk(claim: dict, data: dict, n: int, layers: list) -> str:
    """The ``walk`` layout (the default): the cell tree with Farkas multipliers for the empty cells."""
    # -- parse
    claimed = get_int(claim, "regions", "claim", minimum=1)
    hidden = layers[:-1]
    constraints_root, domain, listed, empty = _parse_walk(claim, data, n, sum(len(w) for w, _ in hidden))
    # -- recompute: walk the cells, each listed region's point inside, each empty cell closed
    reached, used_empty, pieces = _walk_cells(layers, n, constraints_root, listed, empty)
    # -- compare
    unreached = sorted(set(listed) - reached)
    if unreached:
        raise CertificateRejected(f"data.regions lists pattern {unreached[0]}, which the cell walk never reaches")
    unused = sorted(set(empty) - used_empty)
    if unused:
        raise CertificateRejected(f"data.empty_cells lists {unused[0]}, which is not a cell of the walk")
    count = len(reached)
    if "distinct_pieces" in claim:
        distinct = get_int(claim, "distinct_pieces", "claim", minimum=1)
        if distinct != len(pieces):
            raise CertificateRejected(f"claim.distinct_pieces is {distinct}, but the regions carry {len(pieces)} distinct affine outputs")
    _compare_count(claim, claimed, count, hidden, n)
    return (
        f"{count} activation regions on {domain}: each with a rational interior point; "
        f"{len(empty)} empty cells closed by Farkas multipliers"
    )


def _parse_walk(claim: dict, data: dict, n: int, total_neurons: int) -> tuple:
    """``(box constraints, domain words, {pattern: point}, {empty prefix: {label: multiplier}})`` of the walk."""
    constraints_root = []
    if claim.get("slice") is not None:
        # the walk counts on R^n or claim.box in the inputs' coordinates; a slice would change the claim's meaning
        raise CertificateMalformed("claim.slice", 'the walk layout has no slice (must be absent or null); use data.layout "partition"')
    if "box" not in claim:
        raise CertificateMalformed("claim.box", "missing required field (null for R^n)")
    box = claim["box"]
    domain = f"R^{n}"
    if box is not None:
        if not isinstance(box, dict):
            raise CertificateMalformed("claim.box", "must be null or an object with lower and upper")
        lower, upper = _read_box(box, n)
        for i in range(n):
            constraints_root.append((f"b{2 * i}", [int(j == i) for j in range(n)], -lower[i]))
            constraints_root.append((f"b{2 * i + 1}", [-int(j == i) for j in range(n)], upper[i]))
        domain = "the open box " + " x ".join(f"({lower[i]}, {upper[i]})" for i in range(n))

    listed = {}
    for path, region in get_objects(data, "regions", "data", "must be an object with pattern and point"):
        pattern = get_str(region, "pattern", path)
        if len(pattern) != total_neurons or not _PATTERN.fullmatch(pattern):
            raise CertificateMalformed(field_path(path, "pattern"), f"must be {total_neurons} characters 0/1")
        if pattern in listed:
            raise CertificateMalformed(field_path(path, "pattern"), f"pattern {pattern} is listed twice")
        listed[pattern] = _read_point(get_list(region, "point", path), field_path(path, "point"), n)
    empty_json = get_object(data, "empty_cells", "data")
    empty = {}
    for prefix, multipliers in empty_json.items():
        path = field_path(field_path("data", "empty_cells"), prefix)
        if not _PATTERN.fullmatch(prefix) or not prefix or len(prefix) > total_neurons:
            raise CertificateMalformed(path, "keys are non-empty 0/1 pattern prefixes")
        if not isinstance(multipliers, dict) or not multipliers:
            raise CertificateMalformed(path, "must be a non-empty object {constraint label: multiplier}")
        parsed = {}
        for label, value in multipliers.items():
            if not _LABEL.fullmatch(label):
                raise CertificateMalformed(field_path(path, label), 'labels are neuron indices "7" or box sides "b3"')
            parsed[label] = parse_rational_fast(value, field_path(path, label))
        empty[prefix] = parsed

    return constraints_root, domain, listed, empty


def _walk_cells(layers: list, n: int, constraints_root: list, listed: dict, empty: dict) -> tuple:
    """Walk the cell tree: ``(patterns reached, empty cells used, distinct output pieces)``; rejects a reached pattern
    that is not listed or whose point is outside, and an empty cell whose multipliers do not close it."""
    hidden = layers[:-1]
    reached, used_empty = set(), set()
    pieces = set()
    # Iterative depth-first walk; a stack entry is (layer, neuron, inputs, outputs, constraints, prefix).
    coordinates = [([int(j == i) for j in range(n)], 0) for i in range(n)]
    stack = [(0, 0, coordinates, [], constraints_root, "")]
    while stack:
        layer, neuron, inputs, outputs, constraints, prefix = stack.pop()
        if layer == len(hidden):
            if prefix not in listed:
                raise CertificateRejected(f"pattern {prefix} is reached by the cell walk but not listed in data.regions")
            point = listed[prefix]
            for label, linear, constant in constraints:
                value = sum((a * x for a, x in zip(linear, point)), constant)
                if value <= 0:
                    raise CertificateRejected(
                        f"region {prefix}: the point violates constraint {label} (value {value}, must be > 0)"
                    )
            weights, biases = layers[-1]
            pieces.add(tuple(
                (tuple(Fraction(v) for v in lin), Fraction(c))
                for lin, c in (_affine(row, bias, inputs, n) for row, bias in zip(weights, biases))
            ))
            reached.add(prefix)
            continue
        weights, biases = hidden[layer]
        if neuron == len(weights):
            stack.append((layer + 1, 0, outputs, [], constraints, prefix))
            continue
        linear, constant = _affine(weights[neuron], biases[neuron], inputs, n)
        index = str(sum(len(w) for w, _ in hidden[:layer]) + neuron)
        if constant == 0 and not any(linear):
            stack.append((layer, neuron + 1, inputs, outputs + [([0] * n, 0)], constraints, prefix + "0"))
            continue
        children = (
            ("0", (index, [-a for a in linear], -constant), ([0] * n, 0)),
            ("1", (index, linear, constant), (linear, constant)),
        )
        for sign, constraint, output in children:
            child_prefix = prefix + sign
            child_constraints = constraints + [constraint]
            if child_prefix in empty:
                by_label = {label: (*linear, constant) for label, linear, constant in child_constraints}
                check_farkas(child_prefix, ((label, y, by_label.get(label)) for label, y in empty[child_prefix].items()),
                             n + 1)
                used_empty.add(child_prefix)
                continue
            stack.append((layer, neuron + 1, inputs, outputs + [output], child_constraints, child_prefix))

    return reached, used_empty, pieces


def _compare_count(claim: dict, claimed: int, count: int, hidden: list, n: int) -> None:
    """Compare the proven count with claim.regions, claim.hidden_layers and claim.zaslavsky."""
    if count != claimed:
        raise CertificateRejected(f"claim.regions is {claimed}, but the certificate proves {count} regions")
    if "hidden_layers" in claim:
        if get_int(claim, "hidden_layers", "claim", minimum=0) != len(hidden):
            raise CertificateRejected(f"claim.hidden_layers is {claim['hidden_layers']}, the network has {len(hidden)}")
    if "zaslavsky" in claim:
        formula = get_object(claim, "zaslavsky", "claim")
        hyperplanes = get_int(formula, "hyperplanes", "claim.zaslavsky", minimum=0)
        dimension = get_int(formula, "dimension", "claim.zaslavsky", minimum=0)
        if len(hidden) != 1 or len(hidden[0][0]) != hyperplanes or dimension != n:
            raise CertificateRejected(
                f"claim.zaslavsky: the network has {len(hidden)} hidden layers of widths {[len(w) for w, _ in hidden]} "
                f"on R^{n}; the formula needs one hidden layer of {hyperplanes} neurons on R^{dimension}"
            )
        value = _zaslavsky(hyperplanes, dimension)
        if value != count:
            raise CertificateRejected(f"sum_(i<={dimension}) C({hyperplanes}, i) = {value}, but there are {count} regions")
