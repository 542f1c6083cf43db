"""Checker for ``symmetric-network-identity`` certificates: an S_n-symmetric 2-hidden-layer ReLU network equals a
symmetric max-combination on R^n, shown on the one chamber ``x1 >= x2 >= ... >= xn``.

STANDARD LIBRARY ONLY.  Written from ``docs/certificates_symmetric-network-identity.md``; it shares no code with
``lincomb.theory.symmetric_network``.

The lemma (proved in the doc): if F and G are symmetric (``F(x_s(1), ..., x_s(n)) = F(x)`` for every permutation
s) and F = G on the closed chamber C = {x1 >= ... >= xn}, then F = G on R^n, since sorting the coordinates of any
point is a permutation that lands in C.  Both symmetries are checked *structurally*, on the generators
``(x1 x2)`` and ``(x1 x2 ... xn)`` of S_n:

* the first-layer neurons are pairwise distinct and each one's permuted weights (``w'[s(i)] = w[i]``, same bias)
  are again a neuron; that gives a permutation ``pi_s`` of the first layer;
* the second layer is given by orbits: a representative row ``v`` and every row reached from it by
  ``v'[pi_s(k)] = v[k]`` (closure under both generators, computed here), each with the representative's bias and
  output weight; the stated orbit sizes must match and no two orbits may coincide;
* the right-hand side's terms ``c max(pieces)`` are mapped onto terms with the same coefficient.

Then on C every first-layer neuron is affine (it has one sign there, or it is half of a pass-through pair
``relu(z), relu(-z)`` used with opposite weights), every second-layer neuron is affine or a hinge, and the
network is ``affine + sum c_h relu(h)`` with h primitive.  It equals the right-hand side on C iff the affine parts
agree and every ``c_h`` is 0 (the argument of ``braid-chamber-identity``, restricted to one chamber).

Examples
--------
>>> first = [{"weights": w, "bias": "0"} for w in (["1", "-1"], ["-1", "1"], ["1", "0"], ["-1", "0"], ["0", "1"],
...                                               ["0", "-1"])]
>>> l_row = [[0, 1], [1, 1], [2, 1], [3, -1], [4, 1], [5, -1]]              # 2 max(x1, x2), both orientations
>>> orbits = [{"weights": l_row, "bias": "0", "output": "1/2", "orbit_size": 1},
...           {"weights": [[k, -v] for k, v in l_row], "bias": "0", "output": "-1/2", "orbit_size": 1}]
>>> cert = {"format": "lincomb-certificate", "version": 1, "kind": "symmetric-network-identity",
...         "claim": {"statement": "max(x1, x2)", "input_dimension": 2, "lhs_widths": [6, 2],
...                   "lhs": {"type": "symmetric-relu-network", "first_layer": first,
...                           "second_layer_orbits": orbits, "output_bias": "0"},
...                   "rhs": {"type": "max-combination", "terms": [{"coefficient": "1", "pieces": [
...                       {"linear": ["1", "0"], "constant": "0"}, {"linear": ["0", "1"], "constant": "0"}]}]}},
...         "data": {"chamber_affine": ["1", "0", "0"], "chamber_hinges": 1},
...         "provenance": {"lincomb": "0.1.0", "solver": "hand", "seconds": 0}}
>>> verify(cert)
'lhs = rhs on R^2: both symmetric under S_2 (checked on generators), equal on x1 >= x2 (widths 6, 2; 1 hinge hyperplanes, all cancelled)'
>>> cert["claim"]["lhs"]["second_layer_orbits"][0]["output"] = "1"
>>> verify(cert)
Traceback (most recent call last):
...
lincomb.proofs_check.checkers._common.CertificateRejected: on x1 >= x2 the network is x1 + relu(x1), data.chamber_affine says x1
"""

from __future__ import annotations

from fractions import Fraction
from math import lcm

from ._common import (
    CertificateMalformed, CertificateRejected, field_path, get_int, get_int_list, get_list, get_object, get_objects,
    get_choice, get_rational_fast, get_vector, malformed_unless, open_certificate, parse_rational_fast, reject_unless,
)
from ._exact import add_relu_on_chamber, affine_str, chamber_sign, common_denominator, hinges_str, largest_on_chamber
from ._exact import merge_terms
from ._expressions import read_max_combination

KIND = "symmetric-network-identity"
#: Orbits have up to n! rows; beyond this the check would run for hours.
MAX_DIMENSION = 10


def _generators(n: int) -> list:
    """The transposition (x1 x2) and the n-cycle (x1 ... xn), as 0-based images s[i]; they generate S_n."""
    if n == 1:
        return [("identity", (0,))]
    transposition = (1, 0) + tuple(range(2, n))
    cycle = tuple((i + 1) % n for i in range(n))
    return [("(x1 x2)", transposition)] + ([(f"the {n}-cycle", cycle)] if cycle != transposition else [])


def _permuted(vector: tuple, s: tuple) -> tuple:
    """The vector with entry i moved to position s[i] (entry j of the image is entry s^-1(j))."""
    return tuple(vector[s.index(j)] for j in range(len(vector)))


def _first_layer_maps(neurons: list, n: int) -> list:
    index: dict = {}
    for k, neuron in enumerate(neurons):
        reject_unless(index.setdefault(neuron, k) == k, f"first-layer neurons {index[neuron]} and {k} are equal "
                                                        "(0-based); a symmetric network lists each neuron once")
    maps = []
    for name, s in _generators(n):
        pi = []
        for k, (weights, bias) in enumerate(neurons):
            image = (_permuted(weights, s), bias)
            if image not in index:
                raise CertificateRejected(
                    f"the first layer is not closed under {name}: neuron {k} (0-based) maps to weights "
                    f"{affine_str(image[0] + (bias,))}, which is not a neuron")
            pi.append(index[image])
        maps.append(tuple(pi))
    return maps


def _read_rhs(claim: dict, n: int) -> dict:
    """The right-hand side as ``{frozenset of pieces (linear + (constant,)): coefficient}``, zero terms dropped."""
    return merge_terms((frozenset(tuple(linear) + (constant,) for linear, constant in pieces), coefficient)
                   for coefficient, pieces in read_max_combination(claim, "rhs", n))


def _rhs_on_chamber(terms: dict, order: tuple) -> list:
    total = [0] * (len(order) + 1)
    for pieces, coefficient in terms.items():
        top = largest_on_chamber(list(pieces), order)
        reject_unless(top is not None, "a maximum of the right-hand side has no largest piece on x1 >= ... >= xn; "
                                       "this kind needs the right-hand side affine on that chamber")
        total = [t + coefficient * a for t, a in zip(total, top)]
    return total


def _check_rhs_symmetric(terms: dict, n: int) -> None:
    for name, s in _generators(n):
        # a permutation maps distinct terms to distinct terms, so the image keeps every (non-zero) coefficient
        image = merge_terms((frozenset(_permuted(piece[:-1], s) + piece[-1:] for piece in pieces), coefficient)
                        for pieces, coefficient in terms.items())
        reject_unless(image == terms, f"the right-hand side is not symmetric: {name} does not map its terms onto "
                                      "terms with the same coefficients")


def _read_row(orbit: dict, where: str, width: int) -> tuple:
    """A second-layer row, sparse: ``((first-layer index, weight), ...)`` sorted, zero weights left out."""
    row = {}
    for e, entry in enumerate(get_list(orbit, "weights", where)):
        entry_path = field_path(field_path(where, "weights"), e)
        malformed_unless(isinstance(entry, list) and len(entry) == 2 and type(entry[0]) is int, entry_path,
                         "must be [first-layer neuron index, weight]")
        k = entry[0]
        if not 0 <= k < width:  # per entry: format the message only on failure
            raise CertificateMalformed(entry_path, f"neuron index {k} is not in 0..{width - 1}")
        if k in row:
            raise CertificateMalformed(entry_path, f"neuron index {k} appears twice")
        value = parse_rational_fast(entry[1], field_path(entry_path, 1))
        if value:
            row[k] = value
    return tuple(sorted(row.items()))


def _orbit(row: tuple, maps: list) -> list:
    """The rows reached from ``row`` by the generators' first-layer permutations (closure, breadth first)."""
    seen, queue = {row}, [row]
    for current in queue:  # the queue grows while it is read: breadth first
        for pi in maps:
            image = tuple(sorted([(pi[k], v) for k, v in current]))
            if image not in seen:
                seen.add(image)
                queue.append(image)
    return list(seen)  # in the order of the set, as the hinges are summed (their order shows in messages)


def _network_on_chamber(neurons: list, orbits: list, output_bias, maps: list, order: tuple) -> tuple:
    """The network on C as ``(affine tuple, {primitive hinge: coefficient}, second-layer width)``; checks the orbits
    (sizes, no repeats) and that every first-layer neuron is affine on C or half of a used pass-through pair."""
    scale1 = common_denominator(value for weights, bias in neurons for value in weights + (bias,))
    negated = {(tuple(-w for w in weights), -bias): k for k, (weights, bias) in enumerate(neurons)}
    first = []  # (sparse integer affine on C or None when 0 there, partner index or None)
    for k, (weights, bias) in enumerate(neurons):
        affine = weights + (bias,)
        sign = chamber_sign(affine, order)
        sparse = [(j, int(a * scale1)) for j, a in enumerate(affine) if a]
        partner = negated.get((weights, bias), -1) if sign == 0 else None  # -1: crosses C, no pass-through partner
        first.append((None if sign < 0 else sparse, partner))

    # The second layer, orbit by orbit.
    n = len(order)
    total = [Fraction(0)] * n + [Fraction(output_bias)]
    hinges: dict = {}
    canonical_seen: dict = {}
    second_width = 0
    for o, (where, row, bias, output, stated_size) in enumerate(orbits):
        members = _orbit(row, maps)
        reject_unless(len(members) == stated_size, f"{where}: the orbit of this row under the generators has "
                                                   f"{len(members)} rows, orbit_size says {stated_size}")
        first_seen = canonical_seen.setdefault(min(members), o)
        reject_unless(first_seen == o, f"{where} is the same orbit as second_layer_orbits[{first_seen}]; merge them")
        second_width += len(members)
        scale = lcm(scale1 * common_denominator(v for _, v in row), common_denominator((bias,)))
        factor = scale // scale1  # row entries times factor are integers
        integer_bias = int(bias * scale)
        affine_sum = [0] * (n + 1)
        hinge_sum: dict = {}
        for member in members:
            values = dict(member)
            pre = [0] * n + [integer_bias]
            for k, v in member:
                sparse, partner = first[k]
                if sparse is None:
                    continue
                if partner is not None:
                    if partner < 0 or values.get(partner) != -v:
                        raise CertificateRejected(
                            f"{where}: first-layer neuron {k} changes sign on x1 >= ... >= xn and is not used as "
                            "half of a pass-through pair (its negation with the opposite weight)")
                    if partner < k:
                        continue  # the pair counts once: v relu(z) - v relu(-z) = v z
                weight = int(v * factor)
                for j, a in sparse:
                    pre[j] += weight * a
            add_relu_on_chamber(1, tuple(pre), order, affine_sum, hinge_sum)
        weight = Fraction(output) / scale
        total = [t + weight * a for t, a in zip(total, affine_sum)]
        for h, c in hinge_sum.items():
            hinges[h] = hinges.get(h, 0) + weight * c

    return tuple(total), hinges, second_width


def verify(cert: dict) -> str:
    """Verify a ``symmetric-network-identity`` certificate; return a one-line summary.

    Raises
    ------
    CertificateMalformed
        When a field is missing or has the wrong type.
    CertificateRejected
        When a symmetry fails on a generator, a stated orbit size or width is wrong, or the two sides differ on
        the chamber x1 >= ... >= xn.

    Examples
    --------
    >>> verify({"format": "lincomb-certificate", "version": 1, "kind": "symmetric-network-identity",
    ...         "claim": {"statement": "f = g", "input_dimension": 11}, "data": {},
    ...         "provenance": {"lincomb": "0.1.0", "solver": "hand", "seconds": 0}})
    Traceback (most recent call last):
    ...
    lincomb.proofs_check.checkers._common.CertificateMalformed: claim.input_dimension: orbits of up to 11! rows are too many for this checker (at most n = 10)
    """
    # -- parse
    claim, data = open_certificate(cert, KIND)
    n = get_int(claim, "input_dimension", "claim", minimum=1)
    malformed_unless(n <= MAX_DIMENSION, "claim.input_dimension",
                     f"orbits of up to {n}! rows are too many for this checker (at most n = {MAX_DIMENSION})")
    lhs = get_object(claim, "lhs", "claim")
    get_choice(lhs, "type", "claim.lhs", ("symmetric-relu-network",), 'must be "symmetric-relu-network"')
    # the first layer's neurons (weights tuple, bias)
    neurons = [(tuple(get_vector(neuron, "weights", where, n, fast=True)), get_rational_fast(neuron, "bias", where))
               for where, neuron in get_objects(lhs, "first_layer", "claim.lhs", "must be an object with weights and bias",
                                                empty="the first layer needs at least one neuron")]
    width = len(neurons)
    # read orbit by orbit as the network is recomputed (a broken symmetry is reported before a bad orbit)
    orbits = ((where, _read_row(orbit, where, width), get_rational_fast(orbit, "bias", where),
               get_rational_fast(orbit, "output", where), get_int(orbit, "orbit_size", where, minimum=1))
              for where, orbit in get_objects(lhs, "second_layer_orbits", "claim.lhs",
                                              "must be an object with weights, bias, output and orbit_size"))
    output_bias = get_rational_fast(lhs, "output_bias", "claim.lhs")
    # the optional shape fields of docs/certificates.md are part of the claim
    reject_unless("lhs_hidden_layers" not in claim or get_int(claim, "lhs_hidden_layers", "claim") == 2,
                  "claim.lhs_hidden_layers: a symmetric-relu-network has exactly 2 hidden layers")
    stated_widths = get_int_list(claim, "lhs_widths", "claim")
    malformed_unless(len(stated_widths) == 2, "claim.lhs_widths", "must be [first-layer width, second-layer width]")
    malformed_unless("lhs_max_pieces" not in claim, "claim.lhs_max_pieces",
                     "applies to a max-combination, but lhs is a network")
    terms = _read_rhs(claim, n)
    stated_affine = tuple(get_vector(data, "chamber_affine", "data", n + 1, fast=True))
    stated_hinges = get_int(data, "chamber_hinges", "data", minimum=0)

    # -- recompute: both sides symmetric on the generators; the network on C as affine + hinges
    order = tuple(range(n - 1, -1, -1))  # the braid chamber x_n <= ... <= x_1
    maps = _first_layer_maps(neurons, n)
    _check_rhs_symmetric(terms, n)
    left, hinges, second_width = _network_on_chamber(neurons, orbits, output_bias, maps, order)
    right = _rhs_on_chamber(terms, order)

    # -- compare
    chamber = " >= ".join(f"x{i + 1}" for i in range(n))
    network, stated = affine_str(left), affine_str(stated_affine)
    reject_unless([width, second_width] == stated_widths,
                  f"claim.lhs_widths says {stated_widths}, the network has widths [{width}, {second_width}]")
    reject_unless(not any(hinges.values()), f"on {chamber} the network is {network} + {hinges_str(hinges)}"
                  .replace("+ -", "- ") + f", data.chamber_affine says {stated}")
    reject_unless(left == stated_affine, f"on {chamber} the network is {network}, data.chamber_affine says {stated}")
    reject_unless(tuple(right) == stated_affine,
                  f"on {chamber} the right-hand side is {affine_str(right)}, the network is {network}")
    reject_unless(len(hinges) == stated_hinges,
                  f"data.chamber_hinges says {stated_hinges}, {len(hinges)} hinge hyperplanes cross the chamber")
    return (f"lhs = rhs on R^{n}: both symmetric under S_{n} (checked on generators), equal on {chamber} "
            f"(widths {width}, {second_width}; {len(hinges)} hinge hyperplanes, all cancelled)")
