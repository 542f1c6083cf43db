"""Checks on linear regions: ``zaslavsky-one-hidden`` and ``max5-regions`` (``region-count`` certificates).

* ``zaslavsky-one-hidden``: for several (N, d), a one-hidden-layer network whose N neuron hyperplanes are
  in general position in R^d (verified exactly while building it) has exactly ``sum_{i<=d} C(N, i)``
  activation regions; the checker recounts the regions from Farkas data and interior points and
  recomputes the formula.
* ``max5-regions``: the activation regions of ``max_network(5)`` and of the two-hidden-layer BBHSY network
  are counted exactly, and on them each network's output takes exactly 5 distinct affine pieces
  (x1, ..., x5). With the convexity of max (each set ``{x_i = max}`` is convex) this gives the 5 linear
  regions of max(x1..x5) as a function; the certified parts are the counts and the distinct pieces.

Run alone with ``python -m lincomb.proofs_check.region_checks ID`` (the runner finds this module's checks in
the registry) or see :func:`run_max5`.

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


def region_certificate(network, *, statement: str, check: str | None = None, box=None, claim_extra=None, seed=None, progress=None) -> dict:
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


def partition_certificate(partition, statement: str | None = None, *, check: str | None = None) -> dict:
    """The ``region-count`` certificate (``partition`` layout) of a :class:`~lincomb.solvers.regions_planar.Partition`.

    Examples
    --------
    >>> from lincomb.proofs_check.checkers import verify_certificate
    >>> from lincomb.solvers.regions_planar import planar_partition
    >>> p = planar_partition(ReLUNetwork([([[1, 0], [1, 1]], [0, 0]), ([[1, 1]], [0])]), ([-1, -1], [1, 1]))
    >>> verdict = verify_certificate(partition_certificate(p))
    >>> verdict.verified, verdict.summary
    (True, '4 activation regions on the box (-1, 1) x (-1, 1): cells tile their parents by exact areas')
    """
    where = "the box" if partition.directions is None else f"a {partition.dimension}-D slice"
    statement = statement or f"the network has exactly {partition.count} activation regions on {where}"
    return make_certificate(
        "region-count", partition.claim(statement), partition.certificate_data(),
        solver=(f"lincomb.solvers.regions_planar (exact integer splitting; {partition.exact_decisions} float-undecided "
                "line tests decided exactly)"),
        seconds=partition.seconds, check=check,
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
            claim_extra={"distinct_pieces": None},
            progress=progress,
        )
        cert["claim"]["statement"] = cert["claim"]["statement"].replace("N activation", f"{cert['claim']['regions']} activation")
        if cert["claim"]["distinct_pieces"] != 5:
            raise CheckFailed(f"{name}: {cert['claim']['distinct_pieces']} distinct pieces, expected 5")
        certificates.append(cert)
    return certificates


def generic_lines(count: int, rng, size: int = 1000) -> list:
    """``count`` integer lines ``(a, b, c)`` in general position: no two parallel, no three through one point.

    Checked exactly: every pair meets (``a1 b2 != a2 b1``) and the pairwise intersection points, as reduced
    homogeneous integer triples, are all distinct.

    Examples
    --------
    >>> len(generic_lines(5, random.Random(1)))
    5
    """
    import math

    lines, points = [], set()
    while len(lines) < count:
        a, b, c = (rng.randint(-size, size) for _ in range(3))
        if a == 0 and b == 0:
            continue
        new_points = []
        for a2, b2, c2 in lines:
            x, y, d = b * c2 - c * b2, c * a2 - a * c2, a * b2 - b * a2
            if d == 0:
                break
            if d < 0:
                x, y, d = -x, -y, -d
            g = math.gcd(x, y, d)
            new_points.append((x // g, y // g, d // g))
        else:
            if len(set(new_points)) == len(new_points) and not points.intersection(new_points):
                lines.append((a, b, c))
                points.update(new_points)
    return lines


def run_planar(progress=None, lines: int = 150) -> list[dict]:
    """``zaslavsky-planar-partition``: ``lines`` generic lines cut a box around all their crossings into
    ``1 + N + C(N, 2)`` activation regions, certified by the ``partition`` layout (11,326 regions for N = 150).

    A one-hidden-layer network with one neuron per line; the box contains every intersection point, so
    the arrangement's regions are exactly the regions in the box, and the checker compares the count
    with Zaslavsky's formula.

    Examples
    --------
    >>> cert = run_planar(lines=6)[0]
    >>> cert["claim"]["regions"], cert["data"]["layout"]
    (22, 'partition')
    """
    from lincomb.solvers.regions_planar import planar_partition

    rng = random.Random(SEED)
    generic = generic_lines(lines, rng)
    # an integer strictly beyond every coordinate |x / d| of an intersection point
    size = 2 + max(
        abs(x) // abs(a1 * b2 - b1 * a2)
        for a, (a1, b1, c1) in enumerate(generic) for (a2, b2, c2) in generic[a + 1 :]
        for x in (b1 * c2 - c1 * b2, c1 * a2 - a1 * c2)
    )
    network = ReLUNetwork([([[a, b] for a, b, _ in generic], [c for _, _, c in generic]), ([[1] * lines], [0])])
    expected = zaslavsky_count(lines, 2)
    if progress is not None:
        progress(f"{lines} generic lines, box (-{size}, {size})^2: expecting {expected} regions")
    partition = planar_partition(network, ([-size, -size], [size, size]))
    claim = partition.claim(
        f"a ReLU network with one hidden layer of {lines} neurons whose lines are in general position has exactly "
        f"sum_(i<=2) C({lines}, i) = {expected} activation regions in the box (-{size}, {size})^2, which contains "
        "every intersection of two of its lines"
    )
    claim["zaslavsky"] = {"hyperplanes": lines, "dimension": 2}
    if claim["regions"] != expected:
        raise CheckFailed(f"{lines} lines: found {claim['regions']} regions, Zaslavsky says {expected}")
    return [make_certificate(
        "region-count", claim, partition.certificate_data(),
        solver="lincomb.solvers.regions_planar (exact integer splitting)", seconds=partition.seconds,
        seed=SEED,
    )]


if __name__ == "__main__":
    main()
