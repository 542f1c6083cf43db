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

from ._common import CertificateRejected, get_int, malformed_unless, open_certificate, reject_unless
from ._exact import affine_str, check_farkas, combine, read_empty_cells
from ._expressions import compile_sides

KIND = "cpwl-identity"
#: The most leaf cells a certificate may state (``data.leaves``); the walk stops once it finds more leaves than
#: stated, so the checker's time is at most about (leaves + empty cells) x (max nodes) steps.
MAX_LEAVES = 10_000_000
_MULTIPLIER_KEY = re.compile(r"(0|[1-9][0-9]*):(0|[1-9][0-9]*)", re.ASCII)
_CELL_KEY = re.compile(r"(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*", re.ASCII)
_NO_CELL = ({}, None)  # a trie position no declared key passes through (never written to)


# ---------------------------------------------------------------------------------------------
# The cell tree
# ---------------------------------------------------------------------------------------------
def _read_empty_cells(data: dict) -> tuple[dict, dict]:
    """``{cell key: {(depth, argument): (multiplier, field path)}}`` from ``data.empty_cells``, and the declared cell
    keys as a trie ``{position: [subtrie, key or None]}``.

    The walk follows the trie one step per ``max`` node, so it never builds or hashes a key string (a key is as
    long as the tree is deep: building one per node would make time and memory quadratic in the depth).
    """
    cells = read_empty_cells(data, _CELL_KEY.fullmatch, _MULTIPLIER_KEY, (
        'a cell key is a dot-separated path of argument positions such as "0.2.1"',
        'must be a non-empty object of multipliers {"d:i": "p/q"}', 'a multiplier key has the form "depth:argument", e.g. "2:0"'))
    trie: dict = {}
    for key in cells:
        *parents, last = key.split(".")
        node = trie
        for part in parents:
            node = node.setdefault(int(part), [{}, None])[0]
        node.setdefault(int(last), [{}, None])[1] = key
        cells[key] = {tuple(map(int, name.split(":"))): entry for name, entry in cells[key].items()}
    return cells, trie


def _walk(nodes: list, dimension: int, lhs_out: int, rhs_out: int, cells: dict, trie: dict,
          max_leaves: int) -> tuple[int, int, set]:
    """Walk the cell tree; return (explored leaves, empty cells used, keys used).

    The walk stops with a rejection as soon as it finds more than ``max_leaves`` leaves (the stated
    ``data.leaves``), so its time is bounded by the stated counts times the depth, not by the tree.
    """
    width = dimension + 1
    values = [tuple(1 if j == i else 0 for j in range(width)) for i in range(dimension)] + [None] * len(nodes)
    max_positions = [dimension + k for k, node in enumerate(nodes) if node[0] == "max"]
    last = max(lhs_out, rhs_out)
    counts = {"leaves": 0}
    used = set()
    path: list = []  # representatives chosen from the root to the current cell; a key is ".".join(path)
    # constraints[(depth, representative)] = vector, for the path currently explored
    constraints: dict = {}

    def key_of() -> str:
        return ".".join(str(p) for p in path) or "(root)"

    def evaluate(start: int, stop: int) -> None:
        for index in range(start, stop):
            _, constant, terms = nodes[index - dimension]
            values[index] = combine(constant, terms, values, width)

    def explore(depth: int, trie: dict) -> None:
        # A max node with one representative has one child with the same cell and adds no constraint:
        # follow such chains in this loop instead of recursing (a layer of 20,000 zero neurons is one chain).
        entered = len(path)
        try:
            while True:
                start = max_positions[depth - 1] + 1 if depth else dimension
                if depth == len(max_positions):
                    evaluate(start, max(last + 1, start))
                    residual = tuple(a - b for a, b in zip(values[lhs_out], values[rhs_out]))
                    if any(residual):
                        raise CertificateRejected(f"leaf {key_of()}: lhs - rhs = {affine_str(residual)} is not zero, "
                                                  "and the cell is not declared empty")
                    counts["leaves"] += 1
                    if counts["leaves"] > max_leaves:
                        raise CertificateRejected(f"data.leaves says {max_leaves} leaf cells, the tree has more "
                                                  f"(the walk stopped at leaf {key_of()})")
                    return
                position = max_positions[depth]
                evaluate(start, position)
                arguments = [values[i] for i in nodes[position - dimension][1]]
                first_index: dict = {}  # each distinct argument once, at its first position
                for index, vector in enumerate(arguments):
                    first_index.setdefault(vector, index)
                representatives = list(first_index.values())
                if len(representatives) == 1:
                    subtrie, key = trie.get(representatives[0], _NO_CELL)
                    if key is None:
                        values[position] = arguments[representatives[0]]
                        path.append(representatives[0])
                        trie, depth = subtrie, depth + 1
                        continue
                for chosen in representatives:
                    for other in representatives:
                        if other != chosen:
                            constraints[(depth, other)] = tuple(a - b for a, b in zip(arguments[chosen], arguments[other]))
                    subtrie, key = trie.get(chosen, _NO_CELL)
                    if key is not None:
                        used.add(key)  # each cell is reached once: the empty cells are counted by used
                        check_farkas(key, ((path_, y, constraints.get(di) if di[0] <= depth else None)
                                           for di, (y, path_) in cells[key].items()), width)
                    else:
                        values[position] = arguments[chosen]
                        path.append(chosen)
                        explore(depth + 1, subtrie)
                        path.pop()
                    for other in representatives:
                        constraints.pop((depth, other), None)
                return
        finally:
            del path[entered:]

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 4 * len(max_positions) + 1000))
    try:
        explore(0, trie)
    finally:
        sys.setrecursionlimit(limit)
    return counts["leaves"], len(used), used


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
    lincomb.proofs_check.checkers._common.CertificateRejected: leaf 1: lhs - rhs = -1*x1 is not zero, and the cell is not declared empty
    """
    claim, data = open_certificate(cert, KIND)
    dimension = get_int(claim, "input_dimension", "claim", minimum=1)
    nodes, lhs_out, rhs_out = compile_sides(claim, dimension)
    cells, trie = _read_empty_cells(data)
    stated_leaves = get_int(data, "leaves", "data", minimum=0)
    malformed_unless(stated_leaves <= MAX_LEAVES, "data.leaves",
                     f"{stated_leaves} leaf cells exceed the checker's limit of {MAX_LEAVES:,} (docs/certificates.md)")
    stated_empty = get_int(data, "empty_count", "data", minimum=0)
    # recompute: walk the cell tree (every leaf zero, every declared empty cell closed)
    leaves, empty, used = _walk(nodes, dimension, lhs_out, rhs_out, cells, trie, stated_leaves)
    # compare: every declared cell used, the stated counts
    unused = sorted(set(cells) - used)
    reject_unless(not unused, f"data.empty_cells names cells that are not in the tree: {', '.join(unused[:5])}")
    reject_unless(leaves == stated_leaves, f"data.leaves says {stated_leaves} leaf cells, the tree has {leaves}")
    reject_unless(empty == stated_empty, f"data.empty_count says {stated_empty} empty cells, the tree has {empty}")
    return (f"lhs = rhs on R^{dimension}: {leaves} leaf cells with lhs - rhs = 0, "
            f"{empty} empty cells closed by Farkas multipliers")
