"""Compiling the expressions of identity certificates into straight-line programs (shared by the checkers).

STANDARD LIBRARY ONLY.  A program's nodes are ``("lin", constant, [(node, coefficient)])`` and
``("max", [node])``; the inputs are nodes ``0..n-1``.  The rules are those of ``docs/certificates.md``,
pass-through pairs included.  ``cpwl-identity`` and ``braid-chamber-identity`` read their two sides with
:func:`compile_sides`.

Examples
--------
>>> relu = {"type": "relu-network", "layers": [{"weights": [["1"]], "biases": ["0"]}, {"weights": [["1"]], "biases": ["0"]}]}
>>> nodes, lhs, rhs = compile_sides({"lhs": relu, "rhs": {"type": "max-combination", "terms": []}}, 1)
>>> lhs, rhs, nodes
(4, 5, [('lin', 0, [(0, 1)]), ('lin', 0, []), ('max', [1, 2]), ('lin', 0, [(3, 1)]), ('lin', 0, [])])
"""

from __future__ import annotations

from ._common import (
    get_choice, get_int, get_list, get_object, get_objects, get_rational_fast, get_vector, malformed_unless, reject_unless,
)
from ._relu_network import read_relu_network

# ---------------------------------------------------------------------------------------------
def _pass_through_pairs(weights: list, biases: list, following: list) -> dict:
    """Roles ``{neuron: "linear" | "zero"}`` of the pass-through pairs of one hidden layer.

    Neurons i < j pair when row j, bias j and column j of the next layer are exactly the negatives of
    those of i (then ``w relu(z) - w relu(-z) = w z``).  Greedy, as docs/certificates.md says: for
    i = 0, 1, ... (skipping paired neurons) the smallest unpaired j > i.  Neurons are grouped by their
    exact (row, bias, column) signature, so the search is linear in the size of the two layers, not
    quadratic in the width; the pairs are the same as those of the pairwise scan.

    Examples
    --------
    >>> _pass_through_pairs([[1], [-1], [1], [-1]], [0, 0, 0, 0], [[2, -2, 2, -2]])
    {0: 'linear', 1: 'zero', 2: 'linear', 3: 'zero'}
    >>> _pass_through_pairs([[0], [0], [0]], [0, 0, 0], [[0, 0, 1]])
    {0: 'linear', 1: 'zero'}
    """
    signatures = [(tuple(row), bias, tuple(next_row[neuron] for next_row in following))
                  for neuron, (row, bias) in enumerate(zip(weights, biases))]
    by_signature: dict = {}
    for neuron, signature in enumerate(signatures):
        by_signature.setdefault(signature, []).append(neuron)
    cursor: dict = {}  # per signature: candidates before the cursor are used or too small
    role: dict = {}
    for i, (row, bias, column) in enumerate(signatures):
        if i in role:
            continue
        negative = (tuple(-a for a in row), -bias, tuple(-c for c in column))
        candidates = by_signature.get(negative, ())
        position = cursor.get(negative, 0)
        while position < len(candidates) and (candidates[position] <= i or candidates[position] in role):
            position += 1
        cursor[negative] = position
        if position < len(candidates):
            role[i], role[candidates[position]] = "linear", "zero"
    return role


def _emit(nodes: list, dimension: int, node: tuple) -> int:
    """Append ``node`` to the program; return its index (the inputs are 0..dimension-1)."""
    nodes.append(node)
    return dimension + len(nodes) - 1


def _compile_network(layers: list, dimension: int, nodes: list) -> int:
    """Append the network's nodes (inputs are nodes 0..n-1); return the output node.

    A hidden neuron is ``max(pre-activation, 0)``, except the two halves of a pass-through pair: the ``linear``
    one is its pre-activation, the ``zero`` one the constant 0 (one node per layer).
    """
    current = list(range(dimension))
    for index, (weights, biases) in enumerate(layers):
        pre = [_emit(nodes, dimension, ("lin", bias, [(current[j], w) for j, w in enumerate(row) if w]))
               for row, bias in zip(weights, biases)]
        if index == len(layers) - 1:
            return pre[0]
        role = _pass_through_pairs(weights, biases, layers[index + 1][0])
        zero = None
        current = []
        for neuron, node in enumerate(pre):
            if role.get(neuron) == "linear":
                current.append(node)
            elif role.get(neuron) == "zero":
                zero = _emit(nodes, dimension, ("lin", 0, [])) if zero is None else zero
                current.append(zero)
            else:
                current.append(_emit(nodes, dimension, ("max", [node, _emit(nodes, dimension, ("lin", 0, []))])))
    raise AssertionError("unreachable")  # read_relu_network returns at least one layer


def read_max_combination(claim: dict, side: str, dimension: int) -> list:
    """``claim[side]``, a max-combination, as ``[(coefficient, [(linear, constant), ...]), ...]``; checks the
    claim's optional shape fields of that side (``<side>_max_pieces``; ``<side>_hidden_layers`` is refused).

    Examples
    --------
    >>> claim = {"rhs": {"type": "max-combination", "terms": [{"coefficient": "2", "pieces": [
    ...     {"linear": ["1"], "constant": "0"}, {"linear": ["0"], "constant": "0"}]}]}}
    >>> read_max_combination(claim, "rhs", 1)
    [(2, [([1], 0), ([0], 0)])]
    """
    path = f"claim.{side}"
    expression = get_object(claim, side, "claim")
    get_choice(expression, "type", path, ("max-combination",), 'must be "max-combination"')
    terms = []
    for term_path, term in get_objects(expression, "terms", path, "must be an object with coefficient and pieces"):
        coefficient = get_rational_fast(term, "coefficient", term_path)
        get_list(term, "pieces", term_path, empty="a maximum needs at least one piece")
        pieces = [(get_vector(piece, "linear", piece_path, dimension, fast=True),
                   get_rational_fast(piece, "constant", piece_path))
                  for piece_path, piece in get_objects(term, "pieces", term_path, "must be an object with linear and constant")]
        terms.append((coefficient, pieces))
    malformed_unless(f"{side}_hidden_layers" not in claim, f"claim.{side}_hidden_layers",
                     f"applies to a relu-network, but {side} is a max-combination")
    if f"{side}_max_pieces" in claim:
        bound = get_int(claim, f"{side}_max_pieces", "claim", minimum=1)
        for t, (_, pieces) in enumerate(terms):
            reject_unless(len(pieces) <= bound, f"claim.{side}_max_pieces says at most {bound} pieces per maximum, "
                                                f"but {side} term {t} has {len(pieces)}")
    return terms


def _compile_max_combination(terms: list, dimension: int, nodes: list) -> int:
    """Append the nodes of ``sum_t c_t max(pieces_t)`` (a maximum of one piece is that piece); return the output node."""
    combination = []
    for coefficient, pieces in terms:
        piece_nodes = [_emit(nodes, dimension, ("lin", constant, [(j, a) for j, a in enumerate(linear) if a]))
                       for linear, constant in pieces]
        top = _emit(nodes, dimension, ("max", piece_nodes)) if len(piece_nodes) > 1 else piece_nodes[0]
        combination.append((top, coefficient))
    return _emit(nodes, dimension, ("lin", 0, [(node, c) for node, c in combination if c]))


def compile_sides(claim: dict, dimension: int) -> tuple:
    """``(nodes, lhs output node, rhs output node)``: ``claim.lhs`` and ``claim.rhs`` (each a relu-network or a
    max-combination) compiled into one straight-line program.

    ``claim["<side>_hidden_layers"]`` and ``claim["<side>_max_pieces"]``, when present, are checked too.

    Examples
    --------
    >>> nodes, lhs, rhs = compile_sides({"lhs": {"type": "max-combination", "terms": []},
    ...                                  "rhs": {"type": "max-combination", "terms": []}}, 1)
    >>> nodes, lhs, rhs
    ([('lin', 0, []), ('lin', 0, [])], 1, 2)
    >>> compile_sides({"lhs": {"type": "polynomial"}}, 1)
    Traceback (most recent call last):
    ...
    lincomb.proofs_check.checkers._common.CertificateMalformed: claim.lhs.type: unknown expression type 'polynomial'; expected "relu-network" or "max-combination"
    """
    nodes: list = []
    return nodes, _compile_side(claim, "lhs", dimension, nodes), _compile_side(claim, "rhs", dimension, nodes)


def _compile_side(claim: dict, side: str, dimension: int, nodes: list) -> int:
    """Append the nodes of ``claim[side]`` to ``nodes``; return its output node."""
    path = f"claim.{side}"
    expression = get_object(claim, side, "claim")
    kind = get_choice(expression, "type", path, ("relu-network", "max-combination"),
                      'unknown expression type {value!r}; expected "relu-network" or "max-combination"')
    layers_key, pieces_key = f"{side}_hidden_layers", f"{side}_max_pieces"
    if kind == "relu-network":
        layers = read_relu_network(expression, path, dimension)
        malformed_unless(pieces_key not in claim, f"claim.{pieces_key}",
                         f"applies to a max-combination, but {side} is a relu-network")
        if layers_key in claim:
            stated = get_int(claim, layers_key, "claim", minimum=0)
            reject_unless(stated == len(layers) - 1,
                          f"claim.{layers_key} says {stated} hidden layers, but the {side} network has {len(layers) - 1}")
        return _compile_network(layers, dimension, nodes)
    return _compile_max_combination(read_max_combination(claim, side, dimension), dimension, nodes)
