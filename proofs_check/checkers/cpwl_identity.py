"""Checker for ``cpwl-identity`` certificates: two CPWL expressions agree on all of R^n.

STANDARD LIBRARY ONLY. This module re-implements, from ``docs/certificates.md`` alone, the
compilation of both expressions into straight-line programs and the walk of the cell tree; it shares
no code with the search in ``lincomb.theory``.

The proof. Branch on the ``max`` nodes of lhs and rhs in program order; a child cell is the open
set where one argument is strictly larger than every other distinct argument. Children cover their
parent up to finitely many hyperplanes. Each cell is either closed by Farkas multipliers (then it is
empty) or explored; at every explored leaf lhs - rhs is one affine function, which must be exactly
zero. lhs - rhs is continuous and vanishes on a dense set, hence everywhere.

Examples
--------
>>> relu_net = {"type": "relu-network", "layers": [
...     {"weights": [["1", "-1"], ["0", "1"], ["0", "-1"]], "biases": ["0", "0", "0"]},
...     {"weights": [["1", "1", "-1"]], "biases": ["0"]}]}
>>> maximum = {"type": "max-combination", "terms": [{"coefficient": "1", "pieces": [
...     {"linear": ["1", "0"], "constant": "0"}, {"linear": ["0", "1"], "constant": "0"}]}]}
>>> cert = {"format": "lincomb-certificate", "version": 1, "kind": "cpwl-identity",
...         "claim": {"statement": "relu(x1 - x2) + x2 = max(x1, x2)", "input_dimension": 2,
...                   "lhs": relu_net, "rhs": maximum, "lhs_hidden_layers": 1},
...         "data": {"empty_cells": {"0.1": {"0:1": "1", "1:0": "1"}, "1.0": {"0:0": "1", "1:1": "1"}},
...                  "leaves": 2, "empty_count": 2},
...         "provenance": {"lincomb": "0.1.0", "solver": "hand", "seconds": 0}}
>>> verify(cert)
'lhs = rhs on R^2: 2 leaf cells with lhs - rhs = 0, 2 empty cells closed by Farkas multipliers'
>>> cert["data"]["empty_cells"]["0.1"]["0:1"] = "0"
>>> verify(cert)
Traceback (most recent call last):
...
lincomb.proofs_check.checkers._common.CertificateRejected: empty cell 0.1: the multipliers combine the constraints' linear parts to (-1, 1), not 0
"""

from __future__ import annotations

import re
import sys

from ._common import (
    CertificateMalformed,
    CertificateRejected,
    check_envelope,
    field_path,
    get_int,
    get_list,
    get_object,
    get_str,
    parse_rational_fast,
)
from ._relu_network import read_matrix, read_relu_network

KIND = "cpwl-identity"
_MULTIPLIER_KEY = re.compile(r"(0|[1-9][0-9]*):(0|[1-9][0-9]*)", re.ASCII)
_CELL_KEY = re.compile(r"(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*", re.ASCII)


# ---------------------------------------------------------------------------------------------
# Compiling expressions into programs: nodes ("lin", constant, [(node, coefficient)]) / ("max", [node])
# ---------------------------------------------------------------------------------------------
def _compile_network(layers: list, dimension: int, nodes: list) -> int:
    """Append the network's nodes (inputs are nodes 0..n-1); return the output node."""
    current = list(range(dimension))
    for index, (weights, biases) in enumerate(layers):
        pre = []
        for row, bias in zip(weights, biases):
            nodes.append(("lin", bias, [(current[j], w) for j, w in enumerate(row) if w]))
            pre.append(dimension + len(nodes) - 1)
        if index == len(layers) - 1:
            return pre[0]
        following = layers[index + 1][0]
        # Pass-through pairs: w relu(z) - w relu(-z) = w z, compiled without a max (docs/certificates.md).
        role = {}
        for i in range(len(weights)):
            if i in role:
                continue
            for j in range(i + 1, len(weights)):
                if j in role:
                    continue
                if biases[j] == -biases[i] and all(a == -b for a, b in zip(weights[j], weights[i])) and all(
                    row[j] == -row[i] for row in following
                ):
                    role[i], role[j] = "linear", "zero"
                    break
        outputs = []
        zero = None
        for neuron, node in enumerate(pre):
            kind = role.get(neuron)
            if kind == "linear":
                outputs.append(node)
            elif kind == "zero":
                if zero is None:
                    nodes.append(("lin", 0, []))
                    zero = dimension + len(nodes) - 1
                outputs.append(zero)
            else:
                nodes.append(("lin", 0, []))
                nodes.append(("max", [node, dimension + len(nodes) - 1]))
                outputs.append(dimension + len(nodes) - 1)
        current = outputs
    raise AssertionError("unreachable")


def _read_max_combination(expression: dict, path: str, dimension: int) -> list:
    terms_json = get_list(expression, "terms", path)
    terms = []
    for t, term in enumerate(terms_json):
        term_path = field_path(field_path(path, "terms"), t)
        if not isinstance(term, dict):
            raise CertificateMalformed(term_path, "must be an object with coefficient and pieces")
        if "coefficient" not in term:
            raise CertificateMalformed(field_path(term_path, "coefficient"), "missing")
        coefficient = parse_rational_fast(term["coefficient"], field_path(term_path, "coefficient"))
        pieces_json = get_list(term, "pieces", term_path)
        if not pieces_json:
            raise CertificateMalformed(field_path(term_path, "pieces"), "a maximum needs at least one piece")
        pieces = []
        for p, piece in enumerate(pieces_json):
            piece_path = field_path(field_path(term_path, "pieces"), p)
            if not isinstance(piece, dict):
                raise CertificateMalformed(piece_path, "must be an object with linear and constant")
            linear = read_matrix([get_list(piece, "linear", piece_path)], field_path(piece_path, "linear"), dimension)[0]
            if "constant" not in piece:
                raise CertificateMalformed(field_path(piece_path, "constant"), "missing")
            constant = parse_rational_fast(piece["constant"], field_path(piece_path, "constant"))
            pieces.append((linear, constant))
        terms.append((coefficient, pieces))
    return terms


def _compile_max_combination(terms: list, dimension: int, nodes: list) -> int:
    combination = []
    for coefficient, pieces in terms:
        piece_nodes = []
        for linear, constant in pieces:
            nodes.append(("lin", constant, [(j, a) for j, a in enumerate(linear) if a]))
            piece_nodes.append(dimension + len(nodes) - 1)
        if len(piece_nodes) > 1:
            nodes.append(("max", piece_nodes))
            combination.append((dimension + len(nodes) - 1, coefficient))
        else:
            combination.append((piece_nodes[0], coefficient))
    nodes.append(("lin", 0, [(node, c) for node, c in combination if c]))
    return dimension + len(nodes) - 1


def _compile_side(claim: dict, side: str, dimension: int, nodes: list) -> int:
    path = f"claim.{side}"
    expression = get_object(claim, side, "claim")
    kind = get_str(expression, "type", path)
    layers_key, pieces_key = f"{side}_hidden_layers", f"{side}_max_pieces"
    if kind == "relu-network":
        layers = read_relu_network(expression, path, dimension)
        if pieces_key in claim:
            raise CertificateMalformed(f"claim.{pieces_key}", f"applies to a max-combination, but {side} is a relu-network")
        if layers_key in claim:
            stated = get_int(claim, layers_key, "claim", minimum=0)
            if stated != len(layers) - 1:
                raise CertificateRejected(
                    f"claim.{layers_key} says {stated} hidden layers, but the {side} network has {len(layers) - 1}"
                )
        return _compile_network(layers, dimension, nodes)
    if kind == "max-combination":
        terms = _read_max_combination(expression, path, dimension)
        if layers_key in claim:
            raise CertificateMalformed(f"claim.{layers_key}", f"applies to a relu-network, but {side} is a max-combination")
        if pieces_key in claim:
            bound = get_int(claim, pieces_key, "claim", minimum=1)
            for t, (_, pieces) in enumerate(terms):
                if len(pieces) > bound:
                    raise CertificateRejected(
                        f"claim.{pieces_key} says at most {bound} pieces per maximum, but {side} term {t} has {len(pieces)}"
                    )
        return _compile_max_combination(terms, dimension, nodes)
    raise CertificateMalformed(field_path(path, "type"), f'unknown expression type {kind!r}; expected "relu-network" or "max-combination"')


# ---------------------------------------------------------------------------------------------
# The cell tree
# ---------------------------------------------------------------------------------------------
def _read_empty_cells(data: dict) -> dict:
    cells_json = get_object(data, "empty_cells", "data")
    cells = {}
    for key, multipliers in cells_json.items():
        path = field_path("data.empty_cells", key)
        if not _CELL_KEY.fullmatch(key):
            raise CertificateMalformed(path, 'a cell key is a dot-separated path of argument positions such as "0.2.1"')
        if not isinstance(multipliers, dict) or not multipliers:
            raise CertificateMalformed(path, 'must be a non-empty object of multipliers {"d:i": "p/q"}')
        parsed = {}
        for name, value in multipliers.items():
            entry_path = field_path(path, name)
            match = _MULTIPLIER_KEY.fullmatch(name)
            if not match:
                raise CertificateMalformed(entry_path, 'a multiplier key has the form "depth:argument", e.g. "2:0"')
            parsed[(int(match.group(1)), int(match.group(2)))] = (parse_rational_fast(value, entry_path), entry_path)
        cells[key] = parsed
    return cells


def _vector(values) -> str:
    return "(" + ", ".join(str(v) for v in values) + ")"


def _describe(vector) -> str:
    terms = [f"{c}*x{j + 1}" for j, c in enumerate(vector[:-1]) if c]
    terms.append(str(vector[-1]))
    return " + ".join(terms)


def _walk(nodes: list, dimension: int, lhs_out: int, rhs_out: int, cells: dict) -> tuple[int, int, set]:
    """Walk the cell tree; return (explored leaves, empty cells used, keys used)."""
    width = dimension + 1
    values = [tuple(1 if j == i else 0 for j in range(width)) for i in range(dimension)] + [None] * len(nodes)
    max_positions = [dimension + k for k, node in enumerate(nodes) if node[0] == "max"]
    last = max(lhs_out, rhs_out)
    counts = {"leaves": 0, "empty": 0}
    used = set()
    # constraints[(depth, representative)] = vector, for the path currently explored
    constraints: dict = {}

    def evaluate(start: int, stop: int) -> None:
        for index in range(start, stop):
            _, constant, terms = nodes[index - dimension]
            vector = [0] * width
            vector[-1] = constant
            for node, coefficient in terms:
                source = values[node]
                for j in range(width):
                    if source[j]:
                        vector[j] += coefficient * source[j]
            values[index] = tuple(vector)

    def check_empty(key: str, depth: int) -> None:
        combination = [0] * width
        nonzero = False
        for (d, i), (y, entry_path) in cells[key].items():
            if y < 0:
                raise CertificateRejected(f"empty cell {key}: multiplier {entry_path} is negative")
            if (d, i) not in constraints or d >= depth:
                raise CertificateRejected(f"empty cell {key}: multiplier {entry_path} names no constraint of this cell")
            if y:
                nonzero = True
                vector = constraints[(d, i)]
                for j in range(width):
                    combination[j] += y * vector[j]
        if not nonzero:
            raise CertificateRejected(f"empty cell {key}: the multipliers are all zero")
        if any(combination[:-1]):
            raise CertificateRejected(
                f"empty cell {key}: the multipliers combine the constraints' linear parts to {_vector(combination[:-1])}, not 0"
            )
        if combination[-1] > 0:
            raise CertificateRejected(f"empty cell {key}: the multipliers combine the constants to {combination[-1]} > 0")

    def explore(depth: int, key: str) -> None:
        start = max_positions[depth - 1] + 1 if depth else dimension
        if depth == len(max_positions):
            evaluate(start, max(last + 1, start))
            residual = tuple(a - b for a, b in zip(values[lhs_out], values[rhs_out]))
            if any(residual):
                raise CertificateRejected(
                    f"leaf {key or '(root)'}: lhs - rhs = {_describe(residual)} is not zero, "
                    "and the cell is not declared empty"
                )
            counts["leaves"] += 1
            return
        position = max_positions[depth]
        evaluate(start, position)
        arguments = [values[i] for i in nodes[position - dimension][1]]
        representatives = []
        seen = set()
        for index, vector in enumerate(arguments):
            if vector not in seen:
                seen.add(vector)
                representatives.append(index)
        for chosen in representatives:
            child = f"{key}.{chosen}" if key else str(chosen)
            for other in representatives:
                if other != chosen:
                    constraints[(depth, other)] = tuple(a - b for a, b in zip(arguments[chosen], arguments[other]))
            if child in cells:
                used.add(child)
                check_empty(child, depth + 1)
                counts["empty"] += 1
            else:
                values[position] = arguments[chosen]
                explore(depth + 1, child)
            for other in representatives:
                constraints.pop((depth, other), None)

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 4 * len(max_positions) + 1000))
    try:
        explore(0, "")
    finally:
        sys.setrecursionlimit(limit)
    return counts["leaves"], counts["empty"], used


def verify(cert: dict) -> str:
    """Verify a ``cpwl-identity`` certificate; return a one-line summary.

    Raises
    ------
    CertificateMalformed
        When a field is missing, has the wrong type, or is not an exact rational.
    CertificateRejected
        When the data does not prove the claim.

    Examples
    --------
    >>> from copy import deepcopy
    >>> x_vs_relu = {"format": "lincomb-certificate", "version": 1, "kind": "cpwl-identity",
    ...     "claim": {"statement": "max(x, 0) = x", "input_dimension": 1,
    ...               "lhs": {"type": "max-combination", "terms": [{"coefficient": "1", "pieces": [
    ...                   {"linear": ["1"], "constant": "0"}, {"linear": ["0"], "constant": "0"}]}]},
    ...               "rhs": {"type": "max-combination", "terms": [{"coefficient": "1", "pieces": [
    ...                   {"linear": ["1"], "constant": "0"}]}]}},
    ...     "data": {"empty_cells": {}, "leaves": 2, "empty_count": 0},
    ...     "provenance": {"lincomb": "0.1.0", "solver": "hand", "seconds": 0}}
    >>> verify(x_vs_relu)
    Traceback (most recent call last):
    ...
    lincomb.proofs_check.checkers._common.CertificateRejected: leaf 1: lhs - rhs = -1*x1 + 0 is not zero, and the cell is not declared empty
    """
    kind = check_envelope(cert)
    if kind != KIND:
        raise CertificateMalformed("kind", f"this checker reads {KIND!r}, not {kind!r}")
    claim, data = cert["claim"], cert["data"]
    dimension = get_int(claim, "input_dimension", "claim", minimum=1)
    nodes: list = []
    lhs_out = _compile_side(claim, "lhs", dimension, nodes)
    rhs_out = _compile_side(claim, "rhs", dimension, nodes)
    cells = _read_empty_cells(data)
    stated_leaves = get_int(data, "leaves", "data", minimum=0)
    stated_empty = get_int(data, "empty_count", "data", minimum=0)
    leaves, empty, used = _walk(nodes, dimension, lhs_out, rhs_out, cells)
    unused = sorted(set(cells) - used)
    if unused:
        raise CertificateRejected(f"data.empty_cells names cells that are not in the tree: {', '.join(unused[:5])}")
    if leaves != stated_leaves:
        raise CertificateRejected(f"data.leaves says {stated_leaves} leaf cells, the tree has {leaves}")
    if empty != stated_empty:
        raise CertificateRejected(f"data.empty_count says {stated_empty} empty cells, the tree has {empty}")
    return (
        f"lhs = rhs on R^{dimension}: {leaves} leaf cells with lhs - rhs = 0, "
        f"{empty} empty cells closed by Farkas multipliers"
    )
