"""Known ReLU-network constructions for the maximum function, with exact weights.

* :func:`max_network`: the binary tree ``max{a, b} = relu(a - b) + relu(b) - relu(-b)``, computing
  ``max(x1..xn)`` with ``ceil(log2 n)`` hidden layers and no biases (Hertrich, Basu, Di Summa, Skutella).
* :func:`bbhsy_max5_network`: ``max(x1..x5)`` with 2 hidden layers, from the identity of Bakaev, Brunck,
  Hertrich, Stade, Yehudayoff ("Better Neural Network Expressivity: Subdividing the Simplex", arXiv 2505.14338).
* :func:`max_target` / :func:`max_function`: the target ``max(x1..xn)`` as a program / a CPWL function,
  to compare against with :meth:`~lincomb.theory.relu_network.ReLUNetwork.equals`.

Examples
--------
>>> net = max_network(4)
>>> net.hidden_layers, net.widths, net([1, "7/2", -2, 3])
(2, (6, 3), Fraction(7, 2))
>>> net.equals(max_target(4))
True
"""

from __future__ import annotations

from fractions import Fraction

from lincomb.errors import UsageError

from .affine import Affine
from .program import Program, max_combination_program
from .relu_network import ReLUNetwork
from .two_hidden_layer import FirstLayerValue, two_hidden_layer_network

__all__ = ["bbhsy_max5_network", "max_function", "max_network", "max_target"]

_ZERO = Fraction(0)
_ONE = Fraction(1)


def _check_count(n, name: str) -> int:
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise UsageError(f"{name}: n must be a positive integer (the number of inputs), got {n!r}")
    return n


def max_target(n: int) -> Program:
    """The program of ``max(x1, ..., xn)`` (one ``max`` node), the target of the identity tests.

    Parameters
    ----------
    n : int
        The number of inputs, at least 1.

    Returns
    -------
    Program

    Examples
    --------
    >>> p = max_target(3)
    >>> p.evaluate([1, "5/2", 2]), p.max_node_count
    (Fraction(5, 2), 1)
    """
    n = _check_count(n, "max_target")
    pieces = [(tuple(1 if j == i else 0 for j in range(n)), 0) for i in range(n)]
    return max_combination_program([(1, pieces)], n)


def max_function(n: int):
    """``max(x1, ..., xn)`` as a :class:`~lincomb.theory.cpwl.CPWL` function (one term, n pieces).

    Examples
    --------
    >>> f = max_function(3)
    >>> f([1, "5/2", 2]), f.max_pieces
    (Fraction(5, 2), 3)
    """
    n = _check_count(n, "max_function")
    from .cpwl import CPWL

    return CPWL([(1, [Affine.coordinate(i, n) for i in range(n)])], n)


def max_network(n: int) -> ReLUNetwork:
    """A ReLU network for ``max(x1, ..., xn)`` with ``ceil(log2 n)`` hidden layers and no biases.

    Each hidden layer pairs up the current values ``(a, b)`` (in order) into the neurons ``relu(a - b)``,
    ``relu(b)``, ``relu(-b)`` and ``max{a, b} = relu(a - b) + relu(b) - relu(-b)`` (width 3 per pair); an odd
    value left over passes through as ``relu(a) - relu(-a)`` (width 2). For ``n = 1`` the network is the
    identity ``x -> x`` with no hidden layer.

    Parameters
    ----------
    n : int
        The number of inputs, at least 1.

    Returns
    -------
    ReLUNetwork

    Examples
    --------
    >>> [max_network(n).widths for n in (1, 2, 3, 5)]
    [(), (3,), (5, 3), (8, 5, 3)]
    >>> max_network(5)([3, -1, "9/2", 0, 4])
    Fraction(9, 2)
    """
    n = _check_count(n, "max_network")
    # Each current value is a linear form (a coefficient list) over the outputs of the previous layer.
    values = [[_ONE if j == i else _ZERO for j in range(n)] for i in range(n)]
    layers = []
    while len(values) > 1:
        rows: list = []
        next_values = []
        for start in range(0, len(values) - 1, 2):
            a, b = values[start], values[start + 1]
            first = len(rows)
            rows += [[p - q for p, q in zip(a, b)], list(b), [-q for q in b]]
            next_values.append({first: _ONE, first + 1: _ONE, first + 2: -_ONE})
        if len(values) % 2:
            a = values[-1]
            first = len(rows)
            rows += [list(a), [-p for p in a]]
            next_values.append({first: _ONE, first + 1: -_ONE})
        layers.append((rows, [_ZERO] * len(rows)))
        values = [[value.get(k, _ZERO) for k in range(len(rows))] for value in next_values]
    layers.append(([values[0]], [_ZERO]))
    return ReLUNetwork(layers)


def bbhsy_max5_network() -> ReLUNetwork:
    """A 2-hidden-layer ReLU network for ``max(x1, ..., x5)`` (Bakaev, Brunck, Hertrich, Stade, Yehudayoff).

    It implements the identity

        max(x1..x5) = 1/2 [P1 + P2 + P3 + P4 + Q - R13 - R14 - R23 - R24]

    with ``P1 = max(max(2x5, x1+x2), max(x1,x3) + max(x1,x4))`` (P2: 1 <-> 2; P3, P4: the same with
    ``{1,2} <-> {3,4}``), ``Q = max(2x5, max(x1+x2, x3+x4))`` and
    ``R_ij = max(max(2x5, xi+xj), max(x1+x2, x3+x4))``.

    First layer: the 11 distinct inner maxima ``max(u, v) = v + relu(u - v)`` (``max(x1,x3)`` and
    ``max(x3,x1)`` are one neuron), plus the coordinates ``x1..x5`` as pass-through pairs
    ``relu(xj) - relu(-xj)`` (width 21). Second layer: each of the 9 outer maxima as ``max(A, B) = B +
    relu(A - B)``, plus one pass-through pair for the sum of all the ``B`` parts (width 11). Linear output
    with the factor 1/2.

    Returns
    -------
    ReLUNetwork

    Examples
    --------
    >>> net = bbhsy_max5_network()
    >>> net.hidden_layers, net.widths
    (2, (21, 11))
    >>> net([1, "-3/2", 4, 2, "7/2"]), net([0, 0, 0, 0, -1])
    (Fraction(4, 1), Fraction(0, 1))
    """
    dimension = 5
    x = [None] + [Affine.coordinate(i, dimension) for i in range(dimension)]  # x[1]..x[5], 1-based as in the paper
    first_maxima: list = []
    index_of: dict = {}

    def first_max(u: Affine, v: Affine) -> FirstLayerValue:
        # max(u, v) = max(v, u): one hinge neuron per unordered pair.
        key = frozenset((u, v))
        if key not in index_of:
            index_of[key] = len(first_maxima)
            first_maxima.append((u, v))
        k = index_of[key]
        _, v_k = first_maxima[k]
        return FirstLayerValue({k: _ONE}, v_k)

    def lift(affine: Affine) -> FirstLayerValue:
        return FirstLayerValue({}, affine)

    two_x5 = 2 * x[5]
    pairs_12_34 = first_max(x[1] + x[2], x[3] + x[4])
    half = Fraction(1, 2)
    targets = []
    # P_i = max(max(2x5, pair sum), max(xi, xk) + max(xi, xl)), coefficient +1/2
    for i, same, others in ((1, 2, (3, 4)), (2, 1, (3, 4)), (3, 4, (1, 2)), (4, 3, (1, 2))):
        pair_sum = x[min(i, same)] + x[max(i, same)]
        a = first_max(two_x5, pair_sum)
        b = first_max(x[i], x[others[0]]) + first_max(x[i], x[others[1]])
        targets.append((half, a, b))
    # Q = max(2x5, max(x1+x2, x3+x4)), coefficient +1/2
    targets.append((half, lift(two_x5), pairs_12_34))
    # R_ij = max(max(2x5, xi+xj), max(x1+x2, x3+x4)), coefficient -1/2
    for i, j in ((1, 3), (1, 4), (2, 3), (2, 4)):
        targets.append((-half, first_max(two_x5, x[i] + x[j]), pairs_12_34))
    return two_hidden_layer_network(dimension, first_maxima, targets)
