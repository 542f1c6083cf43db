"""ReLU networks on R^n that are S_n-symmetric by structure, given by orbit representatives.

A 2-hidden-layer network is *symmetric by structure* when

* its first-layer neurons ``relu(w . x + b)`` are pairwise distinct and closed under permuting the inputs: for each
  generator ``s`` of S_n (the transposition ``(x1 x2)`` and the n-cycle ``(x1 x2 ... xn)``) the neuron with
  weights ``w'[s(i)] = w[i]`` and the same bias is again a neuron; this defines a permutation ``pi_s`` of the
  first layer;
* its second-layer neurons are whole orbits: a representative row ``v`` (weights on the first layer) and every
  image ``v'[pi_s(k)] = v[k]`` under the generators, all with the representative's bias and output weight.

Then ``N(x_s(1), ..., x_s(n)) = N(x)`` for every permutation ``s`` (docs/certificates_symmetric-network-identity.md
states and proves the lemma), so a network equal to a symmetric function such as max_n on the fundamental chamber
``x1 >= x2 >= ... >= xn`` equals it on R^n. The certificate kind ``symmetric-network-identity`` carries the first
layer and one row per second-layer orbit; its stdlib checker redoes the orbit closure and the chamber expansion.

:func:`symmetric_max_network` builds such a network from a max-representation ``sum_t lam_t F_{A_t, B_t}``: the
network of :mod:`lincomb.theory.max_representation_network` is not symmetric by structure (it writes
``max(x_i, x_j) = x_j + relu(x_i - x_j)``, one orientation per pair), so here every pairwise maximum is written
symmetrically, ``2 max(x_i, x_j) = x_i + x_j + relu(x_i - x_j) + relu(x_j - x_i)``, with both hinges of every pair
in the first layer (width ``n (n - 1) + 2 n``), and every second-layer neuron ``relu(P_s - Q_s)`` comes with its
whole S_n-orbit.

Examples
--------
>>> net = symmetric_max_network(3, [("1/6", [(0, 1)], [(2, 2)])])    # (1/6) F[{12}|{33}] = max(x1, x2, x3)
>>> net.widths, net([1, 5, "-2"]), net(["1/3", 0, "1/4"])
((12, 5), Fraction(5, 1), Fraction(1, 3))
>>> affine, hinges = sorted_chamber_expansion(net)
>>> affine, {h: c for h, c in hinges.items() if c}                    # x1 on x1 >= x2 >= x3, no hinge left
((Fraction(1, 1), Fraction(0, 1), Fraction(0, 1), Fraction(0, 1)), {})
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction

from lincomb.errors import ShapeError, UsageError

from .rationals import rational_str, to_rational
from .relu_network import ReLUNetwork

__all__ = [
    "SecondLayerOrbit",
    "SymmetricNetwork",
    "first_layer_permutation",
    "permutation_generators",
    "row_image",
    "row_orbit",
    "sorted_chamber_expansion",
    "symmetric_max_network",
]


def permutation_generators(n: int) -> list:
    """The generators of S_n used throughout: the transposition ``(x1 x2)`` and the n-cycle, as 0-based images.

    ``s`` sends coordinate ``i`` to position ``s[i]``; duplicates (n <= 2) are dropped.

    Examples
    --------
    >>> permutation_generators(4)
    [(1, 0, 2, 3), (1, 2, 3, 0)]
    >>> permutation_generators(2), permutation_generators(1)
    ([(1, 0)], [(0,)])
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise UsageError(f"permutation_generators: n must be a positive integer, got {n!r}")
    if n == 1:
        return [(0,)]
    transposition = (1, 0) + tuple(range(2, n))
    cycle = tuple((i + 1) % n for i in range(n))
    return [transposition] if transposition == cycle else [transposition, cycle]


def first_layer_permutation(first_layer: list, permutation) -> tuple:
    """``pi`` with ``pi[k]`` the first-layer neuron whose weights are neuron k's permuted (``w'[s(i)] = w[i]``).

    Raises
    ------
    UsageError
        When two neurons are equal or an image is not a neuron (the layer is not closed).

    Examples
    --------
    >>> layer = [((1, -1), 0), ((-1, 1), 0), ((1, 0), 0)]
    >>> first_layer_permutation(layer[:2], (1, 0))
    (1, 0)
    >>> first_layer_permutation(layer, (1, 0))
    Traceback (most recent call last):
    ...
    lincomb.errors.UsageError: first-layer neuron 3 maps to weights (0, 1), bias 0 under the permutation (1, 0), which is not a neuron: the layer is not closed
    """
    index = {}
    for k, (weights, bias) in enumerate(first_layer):
        key = (tuple(weights), bias)
        if key in index:
            raise UsageError(f"first-layer neurons {index[key] + 1} and {k + 1} are equal; merge them")
        index[key] = k
    images = []
    for k, (weights, bias) in enumerate(first_layer):
        image = [0] * len(weights)
        for i, w in enumerate(weights):
            image[permutation[i]] = w
        key = (tuple(image), bias)
        if key not in index:
            shown = ", ".join(str(w) for w in image)
            raise UsageError(f"first-layer neuron {k + 1} maps to weights ({shown}), bias {bias} under the permutation "
                             f"{tuple(permutation)}, which is not a neuron: the layer is not closed")
        images.append(index[key])
    return tuple(images)


def row_image(row: tuple, pi: tuple) -> tuple:
    """The image ``v'[pi[k]] = v[k]`` of a sparse row ``((k, v), ...)`` (sorted by k).

    Examples
    --------
    >>> row_image(((0, 2), (1, -1)), (1, 0))
    ((0, -1), (1, 2))
    """
    return tuple(sorted((pi[k], v) for k, v in row))


def row_orbit(row: tuple, maps: list) -> list:
    """The orbit of a sparse row under the group generated by the first-layer permutations ``maps``.

    Closure under the generators alone: a finite set mapped into itself by a bijection is mapped onto itself.

    Examples
    --------
    >>> sorted(row_orbit(((0, 1),), [(1, 2, 0)]))
    [((0, 1),), ((1, 1),), ((2, 1),)]
    """
    seen = {row}
    frontier = [row]
    while frontier:
        following = []
        for current in frontier:
            for pi in maps:
                image = tuple(sorted((pi[k], v) for k, v in current))
                if image not in seen:
                    seen.add(image)
                    following.append(image)
        frontier = following
    return list(seen)


@dataclass(frozen=True)
class SecondLayerOrbit:
    """One orbit of second-layer neurons: a representative row, its bias and output weight, the orbit size.

    Attributes
    ----------
    row : tuple of (int, Fraction)
        Sparse weights on the first layer (0-based neuron indices, sorted, no zeros).
    bias, output : Fraction
        The bias of every neuron of the orbit, and its weight in the output.
    size : int
        The number of distinct rows in the orbit.

    Examples
    --------
    >>> SecondLayerOrbit(((0, Fraction(1)),), Fraction(0), Fraction(1, 2), 6).size
    6
    """

    row: tuple
    bias: Fraction
    output: Fraction
    size: int


@dataclass
class SymmetricNetwork:
    """A 2-hidden-layer ReLU network on R^n whose second layer is a union of S_n-orbits (module text).

    Attributes
    ----------
    n : int
    first_layer : list of (tuple of Fraction, Fraction)
        Weights and bias of each first-layer neuron.
    orbits : list of SecondLayerOrbit
    output_bias : Fraction

    Examples
    --------
    >>> net = symmetric_max_network(2, [("1/2", [(0, 1)], [(0, 1)])])     # (1/2) F[{12}|{12}] = max(x1, x2)
    >>> net.widths, net([3, "7/2"])
    ((6, 2), Fraction(7, 2))
    """

    n: int
    first_layer: list
    orbits: list
    output_bias: Fraction = Fraction(0)
    _maps: list = field(default=None, repr=False, compare=False)

    @property
    def widths(self) -> tuple:
        """``(first-layer width, second-layer width)``, the second the sum of the orbit sizes.

        Examples
        --------
        >>> symmetric_max_network(4, [("1/24", [(2, 3)], [(0, 1)])]).widths
        (20, 8)
        """
        return len(self.first_layer), sum(orbit.size for orbit in self.orbits)

    def maps(self) -> list:
        """The first-layer permutations induced by :func:`permutation_generators` (checks the closure).

        Examples
        --------
        >>> symmetric_max_network(3, [("1/6", [(0, 1)], [(2, 2)])]).maps()[1][:3]   # the 3-cycle: relu(x1 - x2) -> relu(x2 - x3)
        (3, 2, 5)
        """
        if self._maps is None:
            self._maps = [first_layer_permutation(self.first_layer, s) for s in permutation_generators(self.n)]
        return self._maps

    def members(self, orbit: SecondLayerOrbit) -> list:
        """Every row of ``orbit`` (sorted).

        Examples
        --------
        >>> net = symmetric_max_network(3, [("1/6", [(0, 1)], [(2, 2)])])
        >>> len(net.members(net.orbits[0])) == net.orbits[0].size
        True
        """
        return sorted(row_orbit(orbit.row, self.maps()))

    def to_relu_network(self) -> ReLUNetwork:
        """The same network with every neuron listed (small n only: the second layer has up to n! rows per orbit).

        Examples
        --------
        >>> net = symmetric_max_network(3, [("1/6", [(0, 1)], [(2, 2)])])
        >>> explicit = net.to_relu_network()
        >>> explicit.widths == net.widths, explicit([2, 9, 4])
        (True, Fraction(9, 1))
        """
        width = len(self.first_layer)
        first = ([list(w) for w, _ in self.first_layer], [b for _, b in self.first_layer])
        rows, biases, outputs = [], [], []
        for orbit in self.orbits:
            for member in self.members(orbit):
                dense = [Fraction(0)] * width
                for k, v in member:
                    dense[k] = v
                rows.append(dense)
                biases.append(orbit.bias)
                outputs.append(orbit.output)
        return ReLUNetwork([first, (rows, biases), ([outputs], [self.output_bias])])

    def __call__(self, point) -> Fraction:
        """Exact value at a point (walks every second-layer neuron).

        Examples
        --------
        >>> symmetric_max_network(3, [("1/6", [(0, 1)], [(2, 2)])])([0, "-1/2", 7])
        Fraction(7, 1)
        """
        x = [to_rational(v, "point") for v in point]
        if len(x) != self.n:
            raise ShapeError(f"the network takes {self.n} inputs, got {len(x)}")
        hidden = [max(Fraction(0), sum(w * v for w, v in zip(weights, x)) + bias) for weights, bias in self.first_layer]
        total = self.output_bias
        for orbit in self.orbits:
            inner = sum(max(Fraction(0), sum(v * hidden[k] for k, v in member) + orbit.bias) for member in self.members(orbit))
            total += orbit.output * inner
        return total

    def to_json(self) -> dict:
        """The ``symmetric-relu-network`` expression of the certificate (``docs/certificates_symmetric-network-identity.md``).

        Examples
        --------
        >>> expression = symmetric_max_network(2, [("1/2", [(0, 1)], [(0, 1)])]).to_json()
        >>> expression["type"], len(expression["first_layer"]), expression["second_layer_orbits"][0]["orbit_size"]
        ('symmetric-relu-network', 6, 1)
        """
        return {
            "type": "symmetric-relu-network",
            "first_layer": [{"weights": [rational_str(w) for w in weights], "bias": rational_str(bias)}
                            for weights, bias in self.first_layer],
            "second_layer_orbits": [
                {"weights": [[k, rational_str(v)] for k, v in orbit.row], "bias": rational_str(orbit.bias),
                 "output": rational_str(orbit.output), "orbit_size": orbit.size}
                for orbit in self.orbits
            ],
            "output_bias": rational_str(self.output_bias),
        }


def _symmetric_first_layer(n: int) -> tuple:
    """Hinges ``relu(x_a - x_b)`` for all a != b, then the pass-through pairs ``relu(x_a)``, ``relu(-x_a)``."""
    layer, hinge, plus, minus = [], {}, {}, {}
    for a in range(n):
        for b in range(n):
            if a != b:
                weights = [Fraction(0)] * n
                weights[a], weights[b] = Fraction(1), Fraction(-1)
                hinge[a, b] = len(layer)
                layer.append((tuple(weights), Fraction(0)))
    for a in range(n):
        for sign, where in ((1, plus), (-1, minus)):
            weights = [Fraction(0)] * n
            weights[a] = Fraction(sign)
            where[a] = len(layer)
            layer.append((tuple(weights), Fraction(0)))
    return layer, hinge, plus, minus


def _add_into(target: dict, row, scale) -> None:
    for k, v in row:
        value = target.get(k, 0) + scale * v
        if value:
            target[k] = value
        else:
            target.pop(k, None)


def _integer_row(values: dict) -> tuple:
    """``(row, t)`` with ``values = t row``, ``row`` a sorted tuple of (k, int) with coprime entries, ``t > 0``."""
    common = 1
    for v in values.values():
        common = common * Fraction(v).denominator // math.gcd(common, Fraction(v).denominator)
    integers = {k: int(Fraction(v) * common) for k, v in values.items()}
    divisor = 0
    for v in integers.values():
        divisor = math.gcd(divisor, v)
    return tuple(sorted((k, v // divisor) for k, v in integers.items())), Fraction(divisor, common)


def symmetric_max_network(n: int, terms) -> SymmetricNetwork:
    """The network of ``sum_t lam_t F_{A_t, B_t}``, symmetric by structure (module text).

    Parameters
    ----------
    n : int
        The number of inputs.
    terms : iterable of (coefficient, A, B)
        0-based index pairs, exact coefficients (``F`` sums over all n! permutations, as in
        :func:`lincomb.theory.max_representation_network.max_representation_network`).

    Returns
    -------
    SymmetricNetwork
        First layer ``n (n - 1) + 2 n`` neurons; second layer one orbit per distinct orbit of
        ``P_s - Q_s`` (merged across terms), plus the pass-through pair of the linear part ``sum lam Q_s``.

    Examples
    --------
    >>> net = symmetric_max_network(4, [("1/24", [(2, 3)], [(0, 1)])])   # (1/24) F[{34}|{12}] = max_4
    >>> net([1, 4, 2, 3]), len(net.orbits)
    (Fraction(4, 1), 3)
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise UsageError(f"symmetric_max_network: n must be a positive integer, got {n!r}")
    layer, hinge, plus, minus = _symmetric_first_layer(n)
    maps = [first_layer_permutation(layer, s) for s in permutation_generators(n)]
    group_order = math.factorial(n)

    def doubled_side(pairs, what: str) -> dict:
        """2 * sum_{(i,j)} max(x_i, x_j) as a row on the first layer."""
        row: dict = {}
        for pair in pairs:
            try:
                i, j = pair
            except (TypeError, ValueError):
                raise ShapeError(f"{what}: expected index pairs (i, j), got {pair!r}") from None
            if not (isinstance(i, int) and isinstance(j, int) and 0 <= i < n and 0 <= j < n):
                raise ShapeError(f"{what}: the pair {pair!r} needs 0-based indices in 0..{n - 1}")
            if i == j:
                parts = ((plus[i], 2), (minus[i], -2))
            else:
                parts = ((hinge[i, j], 1), (hinge[j, i], 1), (plus[i], 1), (minus[i], -1), (plus[j], 1), (minus[j], -1))
            _add_into(row, parts, 1)
        return row

    def symmetrized(row: dict) -> dict:
        """sum over all n! permutations s of s . row."""
        if not row:
            return {}
        members = row_orbit(tuple(sorted(row.items())), maps)
        total: dict = {}
        for member in members:
            _add_into(total, member, Fraction(group_order, len(members)))
        return total

    hinge_orbits: dict = {}  # canonical row -> [size, output]
    linear: dict = {}        # the linear part sum_t lam_t sum_s Q_s, as a first-layer row
    for number, (coefficient, a, b) in enumerate(terms):
        coefficient = to_rational(coefficient, f"term {number + 1} coefficient")
        p, q = doubled_side(a, f"term {number + 1}, A"), doubled_side(b, f"term {number + 1}, B")
        difference = dict(p)
        _add_into(difference, q.items(), -1)
        # max(P, Q) = Q + relu(P - Q); the rows are doubled: relu(P - Q) = relu(row) / 2.
        _add_into(linear, symmetrized(q).items(), coefficient / 2)
        if not difference:
            continue
        row, scale = _integer_row(difference)
        members = row_orbit(row, maps)
        canonical = min(members)
        entry = hinge_orbits.setdefault(canonical, [len(members), Fraction(0)])
        entry[1] += coefficient * scale / 2 * Fraction(group_order, len(members))
    orbits = [SecondLayerOrbit(row, Fraction(0), output, size)
              for row, (size, output) in sorted(hinge_orbits.items()) if output]
    if linear:
        row, scale = _integer_row(linear)
        negated = tuple((k, -v) for k, v in row)
        for r, sign in ((row, 1), (negated, -1)):
            size = len(row_orbit(r, maps))
            if size != 1:
                raise AssertionError("the linear part of a symmetrized sum is symmetric")  # pragma: no cover
            orbits.append(SecondLayerOrbit(r, Fraction(0), sign * scale, 1))
    network = SymmetricNetwork(n, layer, orbits, Fraction(0))
    network._maps = maps
    return network


def _sign_on_sorted_chamber(affine) -> int:
    """+1 / -1 if ``affine`` (n linear entries, then the constant) is >= 0 / <= 0 on x1 >= ... >= xn, else 0.

    The chamber is spanned by the rays ``e_1 + ... + e_k`` (k < n) and the line through (1, ..., 1).
    """
    *linear, constant = affine
    if sum(linear) != 0:
        return 0
    prefix, low, high = 0, 0, 0
    for value in linear[:-1]:
        prefix += value
        low, high = min(low, prefix), max(high, prefix)
    if constant >= 0 and low >= 0:
        return 1
    if constant <= 0 and high <= 0:
        return -1
    return 0


def sorted_chamber_expansion(network: SymmetricNetwork) -> tuple:
    """The network on the fundamental chamber ``x1 >= x2 >= ... >= xn`` as ``(affine, {h: c})``.

    ``affine`` has n linear entries then the constant; each ``h`` is a primitive integer hyperplane (same layout,
    first non-zero entry positive) taking both signs on the chamber, and ``c`` is the total coefficient of
    ``relu(h)`` (zero totals kept: their number is the ``chamber_hinges`` of the certificate). First-layer
    neurons must have one sign on the chamber or be pass-through pairs used with opposite weights.

    Examples
    --------
    >>> affine, hinges = sorted_chamber_expansion(symmetric_max_network(2, [("1/2", [(0, 1)], [(0, 1)])]))
    >>> affine, hinges              # x1; the pass-through pair relu(L) - relu(-L) leaves a cancelled hinge along x1 = 0
    ((Fraction(1, 1), Fraction(0, 1), Fraction(0, 1)), {(1, 0, 0): Fraction(0, 1)})
    """
    n = network.n
    # Integer arithmetic: the first layer is scaled by the common denominator of its entries, each orbit's rows by
    # that of theirs (a permutation does not change which values occur), and the scales divided out per orbit.
    first_scale = 1
    for weights, bias in network.first_layer:
        for value in tuple(weights) + (bias,):
            first_scale = math.lcm(first_scale, Fraction(value).denominator)
    index = {(tuple(w), b): k for k, (w, b) in enumerate(network.first_layer)}
    first = []
    for k, (weights, bias) in enumerate(network.first_layer):
        affine = tuple(weights) + (bias,)
        sign = _sign_on_sorted_chamber(affine)
        partner = index.get((tuple(-w for w in weights), -bias))
        first.append(([(j, int(a * first_scale)) for j, a in enumerate(affine) if a], sign, partner))
    hinges: dict = {}
    total = [Fraction(0)] * (n + 1)
    total[-1] += network.output_bias
    for orbit in network.orbits:
        row_scale = math.lcm(Fraction(orbit.bias).denominator, *(Fraction(v).denominator for _, v in orbit.row))
        scale = row_scale * first_scale
        integer_bias = int(orbit.bias * scale)
        orbit_affine = [0] * (n + 1)
        orbit_hinges: dict = {}
        for member in row_orbit(orbit.row, network.maps()):
            values = dict(member)
            pre = [0] * (n + 1)
            pre[-1] = integer_bias
            for k, v in member:
                sparse, sign, partner = first[k]
                if sign < 0:
                    continue
                if sign == 0:
                    if partner is None or values.get(partner) != -v:
                        raise UsageError(f"a second-layer row uses first-layer neuron {k + 1}, which changes sign on "
                                         "the chamber, without its pass-through partner at the opposite weight")
                    if partner < k:
                        continue
                weight = int(v * row_scale)
                for j, a in sparse:
                    pre[j] += weight * a
            sign = _sign_on_sorted_chamber(pre)
            if sign > 0:
                for j, a in enumerate(pre):
                    orbit_affine[j] += a
            elif sign == 0:
                divisor = 0
                for a in pre:
                    divisor = math.gcd(divisor, a)
                h = tuple(a // divisor for a in pre)
                if next(a for a in h if a) < 0:  # relu(-h) = relu(h) - h
                    h = tuple(-a for a in h)
                    for j, a in enumerate(h):
                        orbit_affine[j] -= divisor * a
                orbit_hinges[h] = orbit_hinges.get(h, 0) + divisor
        weight = Fraction(orbit.output) / scale
        for j, a in enumerate(orbit_affine):
            total[j] += weight * a
        for h, c in orbit_hinges.items():
            hinges[h] = hinges.get(h, Fraction(0)) + weight * c
    return tuple(total), hinges
