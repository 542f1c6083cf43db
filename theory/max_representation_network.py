"""Turn a max-representation (sum of symmetrized templates) into an explicit 2-hidden-layer ReLU network.

A representation ``max(x1..xn) = sum_t lam_t F_{A_t,B_t}``, with ``F_{A,B}(x) = sum over all n! permutations
s of max{sum_{(i,j) in A} max(x_si, x_sj), sum_{(i,j) in B} max(x_si, x_sj)}`` (Ruess et al.), becomes:

* first hidden layer: the pairwise maxima ``max(x_i, x_j) = x_j + relu(x_i - x_j)`` (one neuron per pair i < j
  that occurs) and the coordinates as pass-through pairs ``relu(x_j) - relu(-x_j)``: width at most
  ``C(n, 2) + 2n``;
* second hidden layer: one neuron ``relu(P - Q)`` per distinct permuted template ``max(P, Q) = Q + relu(P - Q)``
  (identical ones merged, coefficients added), plus one pass-through pair for the sum of all the ``Q``;
* a linear output.

The construction is :func:`lincomb.theory.two_hidden_layer.two_hidden_layer_network`, the one used for the
BBHSY max_5 network. Pairs are 0-based here; :func:`network_from_certificate` reads the 1-based certificate.

Examples
--------
>>> net = max_representation_network(3, [("1/6", [(0, 1)], [(2, 2)])])   # (1/6) F[{12}|{33}] = max(x1, x2, x3)
>>> net.hidden_layers, net([1, 5, "-2"]), net(["1/3", 0, "1/4"])
(2, Fraction(5, 1), Fraction(1, 3))
"""

from __future__ import annotations

from collections import Counter
from fractions import Fraction
from itertools import permutations

from lincomb.errors import ShapeError, UsageError

from .affine import Affine
from .two_hidden_layer import FirstLayerValue, two_hidden_layer_network
from .rationals import to_rational
from .relu_network import ReLUNetwork

__all__ = ["max_representation_network", "network_from_certificate", "permuted_templates", "representation_widths"]


def _side(pairs, n: int, what: str) -> tuple:
    side = []
    for pair in pairs:
        try:
            i, j = pair
        except (TypeError, ValueError):
            raise ShapeError(f"{what}: expected index pairs (i, j), got {pair!r}") from None
        if not (isinstance(i, int) and isinstance(j, int)) or not (0 <= i < n and 0 <= j < n):
            raise ShapeError(f"{what}: the pair {pair!r} needs 0-based indices in 0..{n - 1}")
        side.append((min(i, j), max(i, j)))
    return tuple(sorted(side))


def permuted_templates(n: int, terms) -> Counter:
    """The distinct permuted templates ``{P, Q}`` of ``sum_t lam_t F_t`` with their total coefficients.

    Parameters
    ----------
    n : int
        The number of inputs.
    terms : iterable of (coefficient, A, B)
        0-based index pairs; coefficients exact rationals.

    Returns
    -------
    Counter
        ``(P, Q) -> coefficient`` with ``P <= Q`` sorted tuples of pairs (zero totals dropped).

    Examples
    --------
    >>> sorted(permuted_templates(2, [(1, [(0, 0)], [(0, 1)])]).items())
    [((((0, 0),), ((0, 1),)), Fraction(1, 1)), ((((0, 1),), ((1, 1),)), Fraction(1, 1))]
    """
    total: Counter = Counter()
    for number, (coefficient, a, b) in enumerate(terms):
        coefficient = to_rational(coefficient, f"term {number + 1} coefficient")
        a, b = _side(a, n, f"term {number + 1}, A"), _side(b, n, f"term {number + 1}, B")
        for s in permutations(range(n)):
            p = tuple(sorted((min(s[i], s[j]), max(s[i], s[j])) for i, j in a))
            q = tuple(sorted((min(s[i], s[j]), max(s[i], s[j])) for i, j in b))
            total[min(p, q), max(p, q)] += coefficient
    return Counter({key: value for key, value in total.items() if value})


def representation_widths(n: int, terms) -> tuple:
    """Upper bounds on the widths of :func:`max_representation_network`, without building it.

    The second is exact; the first counts every coordinate as a pass-through pair (the network keeps only
    those the pre-activations use).

    Examples
    --------
    >>> representation_widths(3, [("1/6", [(0, 1)], [(2, 2)])])
    (9, 5)
    """
    distinct = permuted_templates(n, terms)
    pairs = {pair for p, q in distinct for pair in p + q if pair[0] != pair[1]}
    hinges = sum(1 for p, q in distinct if p != q)
    return len(pairs) + 2 * n, hinges + 2


def max_representation_network(n: int, terms) -> ReLUNetwork:
    """The 2-hidden-layer ReLU network of ``sum_t lam_t F_{A_t, B_t}`` (F sums over all n! permutations).

    Parameters
    ----------
    n : int
        The number of inputs.
    terms : iterable of (coefficient, A, B)
        0-based pairs, exact coefficients.

    Returns
    -------
    ReLUNetwork
        Widths ``(pairwise maxima used + 2n, distinct permuted templates + 2)``.

    Examples
    --------
    >>> net = max_representation_network(2, [("1/2", [(0, 1)], [(0, 1)])])      # (1/2) F = max(x1, x2)
    >>> net([3, "7/2"]), net.widths
    (Fraction(7, 2), (3, 3))
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise UsageError(f"max_representation_network: n must be a positive integer, got {n!r}")
    coordinates = [Affine.coordinate(i, n) for i in range(n)]
    first_maxima: list = []
    index_of: dict = {}

    def pair_value(i: int, j: int) -> FirstLayerValue:
        if i == j:
            return FirstLayerValue({}, coordinates[i])
        if (i, j) not in index_of:
            index_of[i, j] = len(first_maxima)
            first_maxima.append((coordinates[i], coordinates[j]))  # max(x_i, x_j) = x_j + relu(x_i - x_j)
        return FirstLayerValue({index_of[i, j]: Fraction(1)}, coordinates[j])

    def side_value(pairs) -> FirstLayerValue:
        value = FirstLayerValue({}, Affine.constant_function(0, n))
        for i, j in pairs:
            value = value + pair_value(i, j)
        return value

    targets = []
    linear_only = FirstLayerValue({}, Affine.constant_function(0, n))
    for (p, q), coefficient in sorted(permuted_templates(n, terms).items()):
        if p == q:  # max(P, P) = P: no second-layer neuron
            linear_only = linear_only + coefficient * side_value(p)
        else:
            targets.append((coefficient, side_value(p), side_value(q)))
    if not linear_only.is_zero():
        if targets:
            # Fold into the pass-through part: c (Q + E/c) + relu(P - Q) keeps P - Q and adds E to L.
            coefficient, a, b = targets[0]
            shift = (Fraction(1) / coefficient) * linear_only
            targets[0] = (coefficient, a + shift, b + shift)
        else:
            targets.append((Fraction(1), linear_only, linear_only))
    return two_hidden_layer_network(n, first_maxima, targets)


def network_from_certificate(certificate: dict) -> ReLUNetwork:
    """The network of a ``max-representation`` certificate (1-based pairs, ``data.terms``).

    Examples
    --------
    >>> cert = {"claim": {"n": 3}, "data": {"terms": [{"coefficient": "1/6", "pair": [[[1, 2]], [[3, 3]]]}]}}
    >>> network_from_certificate(cert)([2, 9, 4])
    Fraction(9, 1)
    """
    try:
        n = certificate["claim"]["n"]
        raw_terms = certificate["data"]["terms"]
        terms = [
            (term["coefficient"], [(i - 1, j - 1) for i, j in term["pair"][0]], [(i - 1, j - 1) for i, j in term["pair"][1]])
            for term in raw_terms
        ]
    except (KeyError, TypeError, ValueError, IndexError):
        raise UsageError(
            'expected a max-representation certificate: claim.n and data.terms = [{"coefficient": "p/q", '
            '"pair": [A, B]}, ...] with 1-based pairs'
        ) from None
    return max_representation_network(n, terms)
