"""Checker for ``region-count`` certificates: a ReLU network has exactly N activation regions.

STANDARD LIBRARY ONLY. Re-derives every pre-activation from the weights in the claim; shares no code with
``lincomb.solvers.regions`` or ``lincomb.solvers.regions_planar``. The contract is
``docs/certificates_region-count.md``. Two layouts of ``data``, each parsed, recomputed and compared with the claim:

* ``walk`` (the default; any input dimension, R^n or a box). Walk the hidden neurons in order (layer by layer).
  Given the signs chosen for earlier neurons, the pre-activation z of the next neuron is one affine function of
  x. If z is identically zero the neuron is inactive (``"0"``) with no constraint; otherwise the cell splits into
  the child ``"1"`` (z > 0) and the child ``"0"`` (-z > 0). A child listed in ``data.empty_cells`` must be closed
  by Farkas multipliers over its constraints (box sides and path constraints); every full pattern reached must be
  listed in ``data.regions`` with a rational point satisfying all its constraints strictly. The children cover
  their parent up to a hyperplane, so the listed regions are all the activation regions, each non-empty.
* ``partition`` (a 1-D or 2-D box, possibly a slice of R^n). The cells of each hidden layer, level by level:
  every cell lies in its parent, every neuron has one weak sign on it as its bits say, and the cells of a parent
  tile it by exact area (length). The cells of the last level are the regions.

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
from functools import reduce
from itertools import accumulate
from operator import mul, or_

from ._common import (
    CertificateMalformed, CertificateRejected, field_path, get_int, get_list, get_object, get_objects, get_str,
    get_vector, malformed_unless, open_certificate, reject_unless,
)
from ._exact import check_farkas, combine, common_denominator, read_empty_cells
from ._relu_network import read_relu_network

KIND = "region-count"
_PATTERN = re.compile(r"[01]*", re.ASCII)
_LABEL = re.compile(r"(0|[1-9][0-9]*)|b(0|[1-9][0-9]*)", re.ASCII)
_HEX = re.compile(r"0|[1-9a-f][0-9a-f]*", re.ASCII)


def verify(cert: dict) -> str:
    """Check a ``region-count`` certificate; return a one-line summary or raise.

    Parse the envelope, the claim's network and the layout (``data.layout``: ``"walk"``, the default, or
    ``"partition"``); the layout recomputes the number of regions, then it is compared with the claim.

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
    layers = read_relu_network(get_object(claim, "network", "claim"), "claim.network", n, scalar=False)
    layouts = {"walk": _verify_walk, "partition": _verify_partition}
    layout = data.get("layout", "walk")
    malformed_unless(layout in layouts, "data.layout", 'must be "walk" (the default) or "partition"')
    claimed = get_int(claim, "regions", "claim", minimum=1)
    count, summary = layouts[layout](claim, data, n, layers)
    _compare_count(claim, claimed, count, layers[:-1], n)
    return summary


def _read_box(box: dict, k: int) -> tuple:
    """``(lower, upper)`` of ``claim.box``: k rationals each, lower below upper on every side."""
    lower, upper = (get_vector(box, side, "claim.box", k, fast=True) for side in ("lower", "upper"))
    for i in range(k):
        malformed_unless(lower[i] < upper[i], "claim.box", f"side {i}: lower {lower[i]} is not below upper {upper[i]}")
    return lower, upper


def _compare_count(claim: dict, claimed: int, count: int, hidden: list, n: int) -> None:
    """Compare the proven count with claim.regions, claim.hidden_layers and claim.zaslavsky."""
    reject_unless(count == claimed, f"claim.regions is {claimed}, but the certificate proves {count} regions")
    stated_layers = get_int(claim, "hidden_layers", "claim", minimum=0) if "hidden_layers" in claim else len(hidden)
    reject_unless(stated_layers == len(hidden), f"claim.hidden_layers is {stated_layers}, the network has {len(hidden)}")
    if "zaslavsky" in claim:
        formula = get_object(claim, "zaslavsky", "claim")
        hyperplanes = get_int(formula, "hyperplanes", "claim.zaslavsky", minimum=0)
        dimension = get_int(formula, "dimension", "claim.zaslavsky", minimum=0)
        reject_unless(len(hidden) == 1 and len(hidden[0][0]) == hyperplanes and dimension == n,
                      f"claim.zaslavsky: the network has {len(hidden)} hidden layers of widths {[len(w) for w, _ in hidden]} "
                      f"on R^{n}; the formula needs one hidden layer of {hyperplanes} neurons on R^{dimension}")
        value = sum(math.comb(hyperplanes, i) for i in range(dimension + 1))
        reject_unless(value == count, f"sum_(i<={dimension}) C({hyperplanes}, i) = {value}, but there are {count} regions")


# ---------------------------------------------------------------------------------------------------
# The "walk" layout: the binary cell tree over the neurons, Farkas multipliers for its empty cells.


def _verify_walk(claim: dict, data: dict, n: int, layers: list) -> tuple:
    """``(count, summary)`` of the ``walk`` layout: the cell tree with Farkas multipliers for the empty cells."""
    # -- parse
    neurons = sum(len(weights) for weights, _ in layers[:-1])
    root_constraints, domain = _parse_walk_domain(claim, n)
    listed = _parse_listed_regions(data, n, neurons)
    empty = read_empty_cells(data, lambda key: _PATTERN.fullmatch(key) and 0 < len(key) <= neurons, _LABEL, (
        "keys are non-empty 0/1 pattern prefixes", "must be a non-empty object {constraint label: multiplier}",
        'labels are neuron indices "7" or box sides "b3"'))
    # -- recompute: walk the cells, each listed region's point inside, each empty cell closed
    reached, used_empty, pieces = _walk_cells(layers, n, root_constraints, listed, empty)
    # -- compare
    unreached = min(set(listed) - reached, default=None)
    reject_unless(unreached is None, f"data.regions lists pattern {unreached}, which the cell walk never reaches")
    unused = min(set(empty) - used_empty, default=None)
    reject_unless(unused is None, f"data.empty_cells lists {unused}, which is not a cell of the walk")
    stated_pieces = get_int(claim, "distinct_pieces", "claim", minimum=1) if "distinct_pieces" in claim else len(pieces)
    reject_unless(stated_pieces == len(pieces),
                  f"claim.distinct_pieces is {stated_pieces}, but the regions carry {len(pieces)} distinct affine outputs")
    return len(reached), (f"{len(reached)} activation regions on {domain}: each with a rational interior point; "
                          f"{len(empty)} empty cells closed by Farkas multipliers")


def _parse_walk_domain(claim: dict, n: int) -> tuple:
    """``(box constraints labelled b0, b1, ..., domain words)``: R^n when ``claim.box`` is null."""
    # the walk counts on R^n or claim.box in the inputs' coordinates; a slice would change the claim's meaning
    malformed_unless(claim.get("slice") is None, "claim.slice",
                     'the walk layout has no slice (must be absent or null); use data.layout "partition"')
    malformed_unless("box" in claim, "claim.box", "missing required field (null for R^n)")
    if claim["box"] is None:
        return [], f"R^{n}"
    malformed_unless(isinstance(claim["box"], dict), "claim.box", "must be null or an object with lower and upper")
    lower, upper = _read_box(claim["box"], n)
    # side b(2i) is x_i - lower_i > 0, side b(2i + 1) is upper_i - x_i > 0
    constraints = [(f"b{2 * i + side}", tuple((1 - 2 * side) * int(j == i) for j in range(n)) + (upper[i] if side else -lower[i],))
                   for i in range(n) for side in (0, 1)]
    return constraints, "the open box " + " x ".join(f"({lower[i]}, {upper[i]})" for i in range(n))


def _parse_listed_regions(data: dict, n: int, neurons: int) -> dict:
    """``{pattern: point}`` of ``data.regions``."""
    listed = {}
    for path, region in get_objects(data, "regions", "data", "must be an object with pattern and point"):
        pattern = get_str(region, "pattern", path)
        here = field_path(path, "pattern")
        malformed_unless(len(pattern) == neurons and _PATTERN.fullmatch(pattern), here, f"must be {neurons} characters 0/1")
        malformed_unless(pattern not in listed, here, f"pattern {pattern} is listed twice")
        listed[pattern] = get_vector(region, "point", path, n, fast=True)
    return listed


def _walk_cells(layers: list, n: int, constraints_root: list, listed: dict, empty: dict) -> tuple:
    """Walk the cell tree: ``(patterns reached, empty cells used, distinct output pieces)``; rejects a reached pattern
    that is not listed or whose point is outside, and an empty cell whose multipliers do not close it.

    Affine functions of x are vectors ``(a_1, .., a_n, c)``; each row of a layer is read as ``_exact.combine``
    reads a ``lin`` node: ``(bias, [(input index, non-zero weight)])``."""
    width, zero = n + 1, (0,) * (n + 1)
    rows = [[(bias, [(k, w) for k, w in enumerate(row) if w]) for row, bias in zip(*layer)] for layer in layers]
    # a pattern prefix of length i stands before hidden neuron i (its label), in layer order
    neurons = [row for layer in rows[:-1] for row in layer]
    layer_ends = set(accumulate(len(layer) for layer in rows[:-1]))
    reached, used_empty, pieces = set(), set(), set()
    # Iterative depth-first walk; a stack entry is (prefix, the layer's inputs, its outputs so far, constraints).
    coordinates = [tuple(int(j == i) for j in range(width)) for i in range(n)]
    stack = [("", coordinates, [], constraints_root)]
    while stack:
        prefix, inputs, outputs, constraints = stack.pop()
        if len(prefix) in layer_ends:
            inputs, outputs = outputs, []  # a layer is complete: its outputs are the next layer's inputs
        if len(prefix) == len(neurons):
            if prefix not in listed:
                raise CertificateRejected(f"pattern {prefix} is reached by the cell walk but not listed in data.regions")
            for label, vector in constraints:
                value = sum((a * x for a, x in zip(vector, listed[prefix])), vector[-1])  # the point has n entries
                if value <= 0:
                    raise CertificateRejected(f"region {prefix}: the point violates constraint {label} (value {value}, must be > 0)")
            # ints and equal Fractions hash alike, so the affine outputs compare exactly
            pieces.add(tuple(combine(bias, terms, inputs, width) for bias, terms in rows[-1]))
            reached.add(prefix)
            continue
        bias, terms = neurons[len(prefix)]
        z = combine(bias, terms, inputs, width)
        if not any(z):
            stack.append((prefix + "0", inputs, outputs + [zero], constraints))
            continue
        label = str(len(prefix))
        for sign, constraint, output in (("0", (label, tuple(-a for a in z)), zero), ("1", (label, z), z)):
            child_prefix = prefix + sign
            child_constraints = constraints + [constraint]
            if child_prefix in empty:
                by_label = dict(child_constraints)
                check_farkas(child_prefix, ((label, y, by_label.get(label)) for label, (y, _) in empty[child_prefix].items()), width)
                used_empty.add(child_prefix)
            else:
                stack.append((child_prefix, inputs, outputs + [output], child_constraints))
    return reached, used_empty, pieces


# ---------------------------------------------------------------------------------------------------
# The "partition" layout: cells of a 1-D or 2-D box, level by level, that tile their parents.
# Vertices are homogeneous integers (X, Y, D) or (T, D), D > 0; lines are integer triples (a, b, c)
# or pairs (a, c), read at a vertex as a X + b Y + c D (that is D times the affine value).


def _verify_partition(claim: dict, data: dict, n: int, layers: list) -> tuple:
    """``(count, summary)`` of the ``partition`` layout: every level's cells recomputed exactly."""
    # -- parse
    hidden = layers[:-1]
    malformed_unless(hidden, "claim.network", "the partition layout needs at least one hidden layer")
    malformed_unless("distinct_pieces" not in claim, "claim.distinct_pieces", "not part of the partition layout")
    k, origin, directions, lower, upper, words = _parse_partition_domain(claim, n)
    vertices, levels = _parse_partition_data(data, k, [len(weights) for weights, _ in hidden])
    # -- recompute: each level's cells lie in their parent, obey their bits, and tile the parent by measure
    integer_layers = _integer_layers(hidden, origin, directions)
    root = _box_cell(lower, upper, k)
    largest = max(abs(v) for vertex in vertices + root for v in vertex)
    packed = [_PackedLayer(weights, biases, bound, k, largest) for weights, biases, bound in integer_layers]
    # the root's lines: on the box the inputs are the coordinates, so the first layer's packed weight columns
    # and its packed biases (the constant coordinate)
    root_lines = tuple(packed[0].columns) + (packed[0].bias,)
    measure = _polygon_measure if k == 2 else _interval_measure
    parents = [("the box", root, root_lines, measure(root, "the box"), None)]
    for level, cells in enumerate(levels):
        groups = [[] for _ in parents]
        for index, (parent, _, _) in enumerate(cells):
            groups[parent].append(index)
        following = packed[level + 1] if level + 1 < len(levels) else None
        parents = _check_level(level, cells, groups, parents, vertices, packed[level], following, measure, k)
    count = len(levels[-1])
    return count, f"{count} activation regions on {words}: cells tile their parents by exact {'areas' if k == 2 else 'lengths'}"


def _parse_partition_domain(claim: dict, n: int):
    """``(k, origin, directions, lower, upper, domain words)`` of the claim's slice and box."""
    malformed_unless("slice" in claim, "claim.slice", "missing required field (null for the inputs themselves)")
    piece = claim["slice"]
    origin, directions, k = None, None, n
    if piece is None:
        malformed_unless(k in (1, 2), "claim.slice", f"the partition layout needs a 1-D or 2-D domain; give a slice of R^{n}")
    else:
        malformed_unless(isinstance(piece, dict), "claim.slice", "must be null or an object with origin and directions")
        origin = get_vector(piece, "origin", "claim.slice", n, fast=True)
        directions_json = dict(enumerate(get_list(piece, "directions", "claim.slice")))  # each read as a field
        malformed_unless(len(directions_json) in (1, 2), "claim.slice.directions", "must hold 1 (a path) or 2 (a plane) directions")
        directions = [get_vector(directions_json, i, "claim.slice.directions", n, fast=True) for i in directions_json]
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
        if type(vertex) is not list or len(vertex) != k + 1 or not all(type(v) is int for v in vertex) or vertex[-1] <= 0:
            path = field_path("data.vertices", index)
            malformed_unless(isinstance(vertex, list) and len(vertex) == k + 1, path,
                             f"must be {k + 1} integers (homogeneous coordinates, last > 0)")
            for j, v in enumerate(vertex):
                malformed_unless(type(v) is int, field_path(path, j), "must be an integer")
            raise CertificateMalformed(field_path(path, k), "the last (homogeneous) coordinate must be > 0")
        vertices.append(tuple(vertex))
    levels_json = get_list(data, "levels", "data")
    malformed_unless(len(levels_json) == len(widths), "data.levels",
                     f"has {len(levels_json)} levels; the network has {len(widths)} hidden layers")
    levels = []
    for level, (cells, width) in enumerate(zip(levels_json, widths)):
        path = field_path("data.levels", level)
        malformed_unless(isinstance(cells, list), path, "must be an array of cells")
        parents = len(levels[-1]) if levels else 1
        levels.append([_parse_cell(cell, path, index, parents, width, len(vertices), k) for index, cell in enumerate(cells)])
    return vertices, levels


def _parse_cell(cell, level_path: str, index: int, parents: int, width: int, vertex_count: int, k: int) -> tuple:
    """``(parent, bits, vertex indices)`` of one cell ``[parent index, "hex bits", [vertex indices]]``."""
    if type(cell) is not list or len(cell) != 3 or type(cell[1]) is not str or type(cell[2]) is not list:
        raise CertificateMalformed(field_path(level_path, index), 'must be [parent index, "hex bits", [vertex indices]]')
    parent, hex_bits, indices = cell
    if type(parent) is not int or not 0 <= parent < parents:
        path = field_path(field_path(level_path, index), 0)
        raise CertificateMalformed(path, f"must be the index of a cell of the level above ({parents} cells)")
    if not _HEX.fullmatch(hex_bits) or int(hex_bits, 16) >> width:
        path = field_path(field_path(level_path, index), 1)
        raise CertificateMalformed(path, f"must be lower-case hexadecimal without leading zeros, of at most {width} bits")
    if not all(type(v) is int and 0 <= v < vertex_count for v in indices) or (len(indices) < 3 if k == 2 else len(indices) != 2):
        path = field_path(field_path(level_path, index), 2)
        raise CertificateMalformed(path, "must be indices into data.vertices: a polygon's 3 or more, or an interval's 2 ends")
    return parent, int(hex_bits, 16), tuple(indices)


def _integer_layers(hidden: list, origin, directions) -> list:
    """``[(weights, biases, bound)]``: the hidden layers composed with the slice and scaled to integers, with the
    same activation patterns, and a bound on the coefficients of each layer's lines.

    Layer l is multiplied by s_l (the lcm of its denominators) and its biases by s_1 ... s_(l-1) too, so
    every pre-activation of layer l is multiplied by s_1 ... s_l > 0: no sign changes. The bound holds for
    |coefficient| of every layer's lines over all patterns: row sums of |W| times the bound of the layer
    below (1 for the inputs, whose lines are coordinates) plus |b|.
    """
    layers = [([list(row) for row in w], list(b)) for w, b in hidden]
    if directions is not None:
        weights, biases = layers[0]
        layers[0] = (
            [[sum((w * a for w, a in zip(row, d)), 0) for d in directions] for row in weights],
            [sum((w * a for w, a in zip(row, origin)), b) for row, b in zip(weights, biases)],
        )
    result, prefix, bound = [], 1, 1
    for weights, biases in layers:
        scale = common_denominator([v for row in weights for v in row] + list(biases))
        prefix *= scale
        weights, biases = [[int(v * scale) for v in row] for row in weights], [int(v * prefix) for v in biases]
        bound = max(sum(abs(w) for w in row) * bound + abs(b) for row, b in zip(weights, biases))
        result.append((weights, biases, bound))
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


class _PackedLayer:
    """The lines of one layer on a cell, packed into big integers so that a vertex costs k + 1 products.

    A cell's lines ``r_i = (r_(i,0), .., r_(i,k))`` are stored as k + 1 integers ``R_m = sum_i r_(i,m) B^i``,
    B = 2^S. At a vertex V, ``U = sum_m V_m R_m + H`` (H = B/2 in every digit) has the digits
    ``z_i(V) + B/2``; S is chosen so that every |r_(i,m)| and every |z_i(V)| is below B/2 (from a bound
    over all activation patterns and the largest vertex coordinate), hence no digit borrows or carries.
    Then ``z_i(V) >= 0`` exactly when the top bit of digit i of U is set, and ``z_i(V) > 0`` exactly when
    the top bit of digit i of ``U - (1 in every digit)`` is set. Activation bits are compared in the same
    "spread" form (bit j at the top bit of digit j). ``columns[j]`` and ``bias`` are the layer's weight
    columns and biases packed, so the layer's lines on a cell are ``sum over active j of columns[j] r'_j``
    (r'_j the lines of the layer below) plus ``bias`` in the constant coordinate.
    """

    def __init__(self, weights: list, biases: list, bound: int, k: int, largest_vertex: int):
        value_bound = bound * (k + 1) * max(largest_vertex, 1)
        self.step = step = (value_bound.bit_length() + 2 + 7) // 8  # bytes per digit
        self.shift = 8 * step
        self.width = len(weights)
        self.half = 1 << (self.shift - 1)
        self.ones = self.pack([1] * self.width)
        self.top = self.ones << (self.shift - 1)
        self.columns = [self.pack([row[j] for row in weights]) for j in range(len(weights[0]))]
        self.bias = self.pack(biases)
        # the spread form of 8 activation bits, as the bytes of 8 digits: for spread() below
        self.spread_chunks = [b"".join(b"\0" * (step - 1) + (b"\x80" if value >> j & 1 else b"\0") for j in range(8))
                              for value in range(256)]

    def pack(self, digits: list) -> int:
        return sum(d << (self.shift * i) for i, d in enumerate(digits))

    def spread(self, bits: int) -> int:
        """Activation bits in spread form: bit j becomes the top bit of digit j (digits are whole bytes)."""
        chunks = self.spread_chunks
        return int.from_bytes(b"".join([chunks[byte] for byte in bits.to_bytes((self.width + 7) // 8, "little")]), "little")

    def rows(self, lines: tuple, neurons: int) -> list:
        """The lines ``(r_(j,0), .., r_(j,k))`` of the neurons j set in the mask ``neurons``, decoded (others None)."""
        step, half, from_bytes = self.step, self.half, int.from_bytes
        raws = [(value + self.top).to_bytes(step * self.width, "little") for value in lines]
        return [tuple([from_bytes(raw[j * step:(j + 1) * step], "little") - half for raw in raws]) if neurons >> j & 1 else None
                for j in range(self.width)]


def _check_level(level: int, cells: list, groups: list, parents: list, vertices: list, packed: _PackedLayer,
                 following: _PackedLayer | None, measure, k: int) -> list:
    """Check the cells of every parent (inside, bits, convex, distinct, tiling) and return them as the parents of
    the next level, ``(name, polygon, next layer's lines, measure, indices)``; ``following`` is the next layer
    packed, None for the last level (whose cells get no lines)."""
    next_parents = [None] * len(cells)
    for (parent_name, polygon, lines, parent_measure, parent_indices), group in zip(parents, groups):
        if not group:
            raise CertificateRejected(f"{parent_name} contains no cell of level {level}: the level does not cover it")
        # a parent that no line of this layer splits holds one cell with the parent's own vertex cycle: it
        # is the parent (convex, inside it, of its measure), so only its bits are checked
        unsplit = len(group) == 1 and cells[group[0]][2] == parent_indices
        edges, corners = [] if unsplit else _edge_lines(polygon, k), set(polygon)
        signs, seen, measures = {}, set(), []
        top, ones = packed.top, packed.ones
        if following is not None:
            # siblings differ only in the neurons whose lines cross the parent: each cell's next lines are the
            # previous sibling's, plus or minus the columns of the neurons in which their bits differ
            rows = packed.rows(lines, reduce(or_, (cells[index][1] for index in group)))
            next_lines, previous_bits = [0] * (len(lines) - 1) + [following.bias], 0
        for index in group:
            _, bits, indices = cells[index]
            name = f"cell {index} of level {level}"
            if bits in seen:
                raise CertificateRejected(f"{name}: {parent_name} holds two cells with the same activation bits")
            seen.add(bits)
            for v in indices:
                if v not in signs:
                    vertex = vertices[v]
                    if vertex not in corners and not _inside(edges, vertex):
                        raise CertificateRejected(f"{name}: vertex {v} lies outside {parent_name}")
                    # (z >= 0, z > 0) of every line at the vertex, in spread form (see _PackedLayer)
                    value = top + sum(map(mul, vertex, lines))
                    signs[v] = (value & top, (value - ones) & top)
            _check_bits(name, level, bits, indices, signs, packed)
            cell_polygon = polygon if unsplit else [vertices[v] for v in indices]
            cell_measure = parent_measure if unsplit else measure(cell_polygon, name)
            measures.append(cell_measure)
            if following is not None:
                differing = bits ^ previous_bits
                while differing:
                    low = differing & -differing
                    differing ^= low
                    j = low.bit_length() - 1
                    column = following.columns[j] if bits & low else -following.columns[j]
                    for m, coefficient in enumerate(rows[j]):
                        if coefficient:
                            next_lines[m] += coefficient * column
                previous_bits = bits
            cell_lines = None if following is None else tuple(next_lines)
            next_parents[index] = (name, cell_polygon, cell_lines, cell_measure, indices)
        total_numerator, total_denominator = _balanced_sum(measures)
        if total_numerator * parent_measure[1] != parent_measure[0] * total_denominator:
            word, half = ("areas", 2) if k == 2 else ("lengths", 1)
            total, parent_size = Fraction(total_numerator, total_denominator) / half, Fraction(*parent_measure) / half
            raise CertificateRejected(f"the cells of level {level} in {parent_name} have total {word} {total}, "
                                      f"it has {parent_size}: they do not tile it")
    return next_parents


def _check_bits(name: str, level: int, bits: int, indices: tuple, signs: dict, packed: _PackedLayer) -> None:
    """The bits' conditions on a cell, from the signs of the layer's lines at its vertices (in spread form)."""
    spread = packed.spread(bits)
    non_negative_everywhere, positive_somewhere = packed.top, 0
    for v in indices:
        non_negative, positive = signs[v]
        non_negative_everywhere &= non_negative
        positive_somewhere |= positive
    conditions = (  # (state, how the pre-activation contradicts it, the neurons where it does)
        ("active", "negative at a vertex", spread & ~non_negative_everywhere),
        ("inactive", "positive at a vertex", ~spread & positive_somewhere),
        ("active", "identically 0 on the cell (0 at every vertex)", spread & ~positive_somewhere),
    )
    for state, contradiction, neurons in conditions:
        if neurons:
            j = ((neurons & -neurons).bit_length() - 1) // packed.shift  # the lowest neuron set in the spread mask
            raise CertificateRejected(f"{name}: neuron {j} of layer {level + 1} is marked {state}, but its pre-activation is {contradiction}")


def _edge_lines(polygon: list, k: int) -> list:
    """Lines that are >= 0 exactly on the closed parent cell (its edges, interior positive)."""
    if k == 1:
        (t0, d0), (t1, d1) = polygon
        return [(d0, -t0), (-d1, t1)]
    return [(y1 * d2 - d1 * y2, d1 * x2 - x1 * d2, x1 * y2 - y1 * x2)
            for (x1, y1, d1), (x2, y2, d2) in zip(polygon, polygon[1:] + polygon[:1])]


def _inside(edges: list, vertex: tuple) -> bool:
    """Whether every edge line of a cell is >= 0 at the vertex."""
    return all(sum(map(mul, edge, vertex)) >= 0 for edge in edges)


def _polygon_measure(polygon: list, name: str) -> tuple:
    """Twice the area ``(numerator, denominator > 0)`` of a strictly convex counter-clockwise polygon; rejects
    any other vertex cycle.

    ``name`` names the cell in messages. Edge vectors are kept scaled by the positive products of their ends'
    denominators, which changes no sign: the turn at a vertex is the sign of the cross product of the edge
    vectors into and out of it.
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
            raise CertificateRejected(f"{name}: the turn at vertex {(i - 1) % count} of its cycle is not strictly counter-clockwise")
        # one full turn: the edge direction passes from the lower half-plane [pi, 2 pi) to [0, pi) once
        next_up = ey > 0 or (ey == 0 and ex > 0)
        if next_up and not up:
            turns += 1
        scale = d1 * d2
        numerator = numerator * scale + (x1 * y2 - x2 * y1) * denominator
        denominator *= scale
        x1, y1, d1, dx, dy, up = x2, y2, d2, ex, ey, next_up
    if turns != 1:
        raise CertificateRejected(f"{name}: the vertex cycle winds {turns} times; a convex polygon winds once")
    return numerator, denominator


def _interval_measure(interval: list, name: str) -> tuple:
    """The length ``(numerator, denominator > 0)`` of an interval; rejects ends out of order."""
    (t0, d0), (t1, d1) = interval
    if t1 * d0 - t0 * d1 <= 0:
        raise CertificateRejected(f"{name}: its ends are not in increasing order")
    return t1 * d0 - t0 * d1, d0 * d1


def _balanced_sum(fractions: list) -> tuple:
    """The exact sum of unreduced fractions ``(numerator, denominator > 0)``, added in pairs, level by level.

    Denominators of many cells can share few factors, so the sum's size grows with the number of terms;
    adding in a balanced tree keeps the cost near-linear in the total size (adding one term at a time to
    a growing sum would be quadratic).
    """
    while len(fractions) > 1:
        paired = [(n1 * d2 + n2 * d1, d1 * d2) for (n1, d1), (n2, d2) in zip(fractions[0::2], fractions[1::2])]
        fractions = paired + fractions[len(paired) * 2:]
    return fractions[0]
