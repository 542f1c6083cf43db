"""Checks on linear regions: ``zaslavsky-one-hidden`` and ``max5-regions`` (``region-count`` certificates).

* ``zaslavsky-one-hidden``: for several (N, d), a one-hidden-layer network whose N neuron hyperplanes are
  in general position in R^d (verified exactly while building it) has exactly ``sum_{i<=d} C(N, i)``
  activation regions; the checker recounts the regions from Farkas data and interior points and
  recomputes the formula.
* ``max5-regions``: the activation regions of ``max_network(5)`` and of the two-hidden-layer BBHSY network
  are counted exactly, and on them each network's output takes exactly 5 distinct affine pieces
  (x1, ..., x5). With the convexity of max (each set ``{x_i = max}`` is convex) this gives the 5 linear
  regions of max(x1..x5) as a function; the certified parts are the counts and the distinct pieces.

Run alone with ``python -m lincomb.proofs_check.region_checks`` (zaslavsky) or see :func:`run_max5`.

Examples
--------
>>> certificates = run(cases=((3, 1), (4, 2)))
>>> [c["claim"]["regions"] for c in certificates]
[4, 11]
"""

from __future__ import annotations

import random
import time
from fractions import Fraction
from itertools import combinations

from lincomb.errors import CheckFailed
from lincomb.solvers.regions import enumerate_regions, zaslavsky_count
from lincomb.theory import ReLUNetwork, bbhsy_max5_network, max_network

from .certificate import make_certificate
from .runner import main

CHECK_ID = "zaslavsky-one-hidden"
MAX5_CHECK_ID = "max5-regions"
SEED = 2018
CASES = ((4, 1), (6, 2), (8, 3), (10, 3), (10, 4))


def _rank(rows) -> int:
    rows = [[Fraction(v) for v in row] for row in rows]
    rank, columns = 0, len(rows[0]) if rows else 0
    for column in range(columns):
        pivot = next((r for r in range(rank, len(rows)) if rows[r][column]), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        for r in range(len(rows)):
            if r != rank and rows[r][column]:
                factor = rows[r][column] / rows[rank][column]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[rank])]
        rank += 1
    return rank


def in_general_position(weights, biases) -> bool:
    """Whether the hyperplanes ``w.x + b = 0`` are in general position in R^d (exact).

    Every k <= d normals are independent, and no d + 1 hyperplanes share a point.

    Examples
    --------
    >>> in_general_position([[1, 0], [0, 1], [1, 1]], [0, 0, -1]), in_general_position([[1, 0], [2, 0]], [0, 1])
    (True, False)
    """
    d = len(weights[0])
    indices = range(len(weights))
    for k in range(1, min(d, len(weights)) + 1):
        for subset in combinations(indices, k):
            if _rank([weights[i] for i in subset]) < k:
                return False
    for subset in combinations(indices, d + 1):
        if _rank([list(weights[i]) + [biases[i]] for i in subset]) == d + 1 and _rank([weights[i] for i in subset]) == d:
            # d + 1 hyperplanes with independent normals among d meet in a point iff the augmented rank is d
            continue
        return False
    return True


def generic_one_hidden_network(neurons: int, dimension: int, rng) -> ReLUNetwork:
    """A one-hidden-layer network with integer weights whose hyperplanes are in general position.

    Examples
    --------
    >>> generic_one_hidden_network(3, 2, random.Random(0)).widths
    (3,)
    """
    while True:
        weights = [[rng.randint(-40, 40) for _ in range(dimension)] for _ in range(neurons)]
        biases = [rng.randint(-40, 40) for _ in range(neurons)]
        if in_general_position(weights, biases):
            output = [[rng.choice([-2, -1, 1, 2]) for _ in range(neurons)]]
            return ReLUNetwork([(weights, biases), (output, [0])])


def region_certificate(network, *, statement: str, check: str, box=None, claim_extra=None, seed=None, progress=None) -> dict:
    """Enumerate the regions exactly and wrap them in a ``region-count`` certificate.

    Examples
    --------
    >>> net = ReLUNetwork([([[1], [1]], [0, -1]), ([[1, 1]], [0])])
    >>> region_certificate(net, statement="3 regions", check="demo")["claim"]["regions"]
    3
    """
    start = time.perf_counter()
    result = enumerate_regions(network, box=box, progress=progress)
    seconds = time.perf_counter() - start
    claim = {
        "statement": statement,
        "input_dimension": network.input_dimension,
        "network": network.to_json(),
        "box": None if box is None else {"lower": [str(Fraction(v)) for v in box[0]], "upper": [str(Fraction(v)) for v in box[1]]},
        "regions": result.count,
        "hidden_layers": network.hidden_layers,
    }
    claim.update(claim_extra or {})
    if "distinct_pieces" in claim and claim["distinct_pieces"] is None:
        claim["distinct_pieces"] = result.distinct_pieces()
    return make_certificate(
        "region-count", claim, result.certificate_data(),
        solver=f"lincomb.solvers.regions (exact LP, {result.lp_calls} calls)", seconds=seconds, check=check, seed=seed,
    )


def run(progress=None, cases=CASES) -> list[dict]:
    """``zaslavsky-one-hidden``: one certificate per (N, d) in ``cases``.

    Examples
    --------
    >>> run(cases=((2, 1),))[0]["claim"]["zaslavsky"]
    {'hyperplanes': 2, 'dimension': 1}
    """
    rng = random.Random(SEED)
    certificates = []
    for neurons, dimension in cases:
        network = generic_one_hidden_network(neurons, dimension, rng)
        expected = zaslavsky_count(neurons, dimension)
        if progress is not None:
            progress(f"N = {neurons}, d = {dimension}: expecting {expected} regions")
        cert = region_certificate(
            network,
            statement=(
                f"a ReLU network with one hidden layer of {neurons} neurons in general position on R^{dimension} has "
                f"exactly sum_(i<={dimension}) C({neurons}, i) = {expected} activation regions"
            ),
            check=CHECK_ID,
            claim_extra={"zaslavsky": {"hyperplanes": neurons, "dimension": dimension}},
            seed=SEED,
        )
        if cert["claim"]["regions"] != expected:
            raise CheckFailed(f"N = {neurons}, d = {dimension}: found {cert['claim']['regions']} regions, Zaslavsky says {expected}")
        certificates.append(cert)
    return certificates


def run_max5(progress=None) -> list[dict]:
    """``max5-regions``: activation regions of max_network(5) and the BBHSY network, with 5 distinct pieces.

    Examples
    --------
    >>> from lincomb.proofs_check.registry import Check  # slow (about a minute): see the tests
    """
    certificates = []
    for name, network in (("max_network(5)", max_network(5)), ("the BBHSY two-hidden-layer network", bbhsy_max5_network())):
        if progress is not None:
            progress(f"{name}: enumerating activation regions")
        cert = region_certificate(
            network,
            statement=(
                f"{name} has exactly N activation regions on R^5 (N = claim.regions) and its output takes exactly 5 "
                "distinct affine pieces on them; max(x1..x5) is convex, so it has exactly 5 linear regions as a function"
            ),
            check=MAX5_CHECK_ID,
            claim_extra={"distinct_pieces": None},
            progress=progress,
        )
        cert["claim"]["statement"] = cert["claim"]["statement"].replace("N activation", f"{cert['claim']['regions']} activation")
        if cert["claim"]["distinct_pieces"] != 5:
            raise CheckFailed(f"{name}: {cert['claim']['distinct_pieces']} distinct pieces, expected 5")
        certificates.append(cert)
    return certificates


if __name__ == "__main__":
    main(CHECK_ID)
