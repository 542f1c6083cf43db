"""Checks ``max-two-hidden-n5`` ... ``-n10``, ``max-two-hidden-published-n6``, ``max-two-hidden-k-lower-bound``.

Ruess et al. (arXiv 2607.21651) showed by exact linear algebra that max(x1..xn) is a rational combination of
symmetrized templates ``F_{A,B}`` (k pairs per side), each a 2-hidden-layer ReLU network, for n <= 10.
:func:`lincomb.solvers.max_representation.max_representation` repeats the search; the certificates
(kind ``max-representation``) are re-checked by the standard-library checker, which recomputes every ordering.
The published n = 6 certificate is checked as printed, and for small n the bound ``k >= floor((n-1)/2)`` is
confirmed by exact left-kernel proofs (kind ``max-representation-infeasible``).

Run one alone with e.g. ``python -m lincomb.proofs_check.max_two_hidden max-two-hidden-n5``.

Examples
--------
>>> certificate, = run_n5()
>>> certificate["kind"], certificate["claim"]["n"], certificate["claim"]["k"]
('max-representation', 5, 2)
"""

from __future__ import annotations

from lincomb.errors import CheckFailed
from lincomb.solvers.max_representation import MaxRepresentation, max_representation, published_n6_terms
from lincomb.theory.rationals import rational_str

from .certificate import make_certificate
from .runner import main

__all__ = [
    "representation_certificate",
    "infeasibility_certificate",
    "run_n5", "run_n6", "run_n7", "run_n8", "run_n9", "run_n10",
    "run_published_n6",
    "run_k_lower_bound",
    "run_k_lower_bound_full",
    "run_network_n5",
    "run_network_n6",
    "run_network_n7",
    "run_network_n8",
    "run_symmetric_network_n6",
    "symmetric_network_certificate_for",
]

SOURCE = "Ruess, Averkov, Brunck, Grillo, Hertrich, Loho, Stade, Stargalla, Sun, Winter, arXiv 2607.21651"
SOLVER = "lincomb.solvers.max_representation: templates up to isomorphism, exact columns, modular pivots + fmpq solve"


def representation_certificate(result: MaxRepresentation, *, check: str | None = None) -> dict:
    """The ``max-representation`` certificate of a feasible search result.

    Examples
    --------
    >>> cert = representation_certificate(max_representation(4))
    >>> cert["data"]["terms"]
    [{'coefficient': '1/24', 'pair': [[[3, 4]], [[1, 2]]]}]
    """
    if not result.feasible:
        raise CheckFailed(
            f"no representation of max(x1..x{result.n}) with k = {result.k} pairs per side was found; "
            "try a larger k"
        )
    n = result.n
    claim = {
        "statement": (
            f"max(x1, ..., x{n}) = sum of {len(result.terms)} symmetrized templates F_{{A,B}} with k = {result.k} "
            f"pairs per side (F sums over all {n}! permutations), each a 2-hidden-layer ReLU network; "
            f"so max_{n} is computable with 2 hidden layers"
        ),
        "n": n,
        "k": result.k,
        "hidden_layers": 2,
    }
    data = {
        "convention": "F_{A,B}(x) = sum over all n! permutations s of max(sum_A max(x_si, x_sj), sum_B max(x_si, x_sj)); pairs 1-based",
        "terms": result.terms_json(),
    }
    sampled = "" if result.sample is None else f" (sampled, seed {result.seed})"
    if getattr(result, "solver", "flint") == "modular":
        sampled = f" (subclass {result.shape}), vectorised columns, sparse modular solve + CRT"
    solver = (
        f"{SOLVER}; {result.templates} templates{sampled}, {result.directions} directions, {result.nonzeros} "
        f"nonzeros, rank {result.rank}"
    )
    return make_certificate("max-representation", claim, data, solver=solver,
                            seconds=sum(result.seconds.values()), check=check)


def infeasibility_certificate(result: MaxRepresentation, *, check: str | None = None) -> dict:
    """The ``max-representation-infeasible`` certificate (left-kernel vector) of an infeasible result.

    Examples
    --------
    >>> cert = infeasibility_certificate(max_representation(5, 1))
    >>> cert["data"]["linear"]
    ['1', '-4', '6', '-4', '1']
    """
    if result.feasible:
        raise CheckFailed(f"n = {result.n}, k = {result.k} is feasible: there is no infeasibility proof to write")
    if result.sample is not None or result.left_kernel is None:
        raise CheckFailed(
            f"the search for n = {result.n}, k = {result.k} used {result.sample} sampled templates, not all of them: "
            "failing on them proves nothing about the full template set; search without sampling for a proof"
        )
    n = result.n
    linear = [rational_str(result.left_kernel.get(("lin", p), 0)) for p in range(n)]
    hinges = [
        {"direction": list(key), "value": rational_str(value)}
        for key, value in sorted(((k, v) for k, v in result.left_kernel.items() if k[0] != "lin"))
    ]
    claim = {
        "statement": (
            f"no rational combination of symmetrized templates with k = {result.k} pairs per side "
            f"{'(loops allowed) ' if result.loops else '(no loops) '}equals max(x1, ..., x{n})"
        ),
        "n": n,
        "k": result.k,
        "loops": result.loops,
    }
    return make_certificate("max-representation-infeasible", claim, {"linear": linear, "hinges": hinges},
                            solver=f"{SOLVER}; left kernel", seconds=sum(result.seconds.values()), check=check)


def _run_n(n: int, progress=None) -> list:
    result = max_representation(n, progress=progress)
    return [representation_certificate(result)]


def run_n5(progress=None) -> list:
    """Check ``max-two-hidden-n5``: a certificate for max_5 with k = 2.

    Examples
    --------
    >>> len(run_n5()[0]["data"]["terms"])
    3
    """
    return _run_n(5, progress)


def run_n6(progress=None) -> list:
    """Check ``max-two-hidden-n6``: a certificate for max_6 with k = 2.

    Examples
    --------
    >>> run_n6()[0]["claim"]["k"]
    2
    """
    return _run_n(6, progress)


def run_n7(progress=None) -> list:
    """Check ``max-two-hidden-n7`` (k = 3; about a minute).

    Examples
    --------
    >>> callable(run_n7)
    True
    """
    return _run_n(7, progress)


def run_n8(progress=None) -> list:
    """Check ``max-two-hidden-n8`` (k = 3; a few minutes).

    Examples
    --------
    >>> callable(run_n8)
    True
    """
    return _run_n(8, progress)


def _run_frontier(n: int, progress=None) -> list:
    from lincomb.solvers.max_representation import max_representation_arrays

    def say(stage, done, total, info=""):
        if progress is not None and done == total:
            progress(f"{stage}: {done}/{total} {info}".rstrip())

    result = max_representation_arrays(n, shape="side-forests", progress=say)
    if not result.feasible:
        raise CheckFailed(f"no representation of max_{n} found among the side-forest templates (this proves "
                          "nothing about all templates)")
    return [representation_certificate(result)]


def run_n9(progress=None) -> list:
    """Check ``max-two-hidden-n9`` (k = 4) on the side-forest templates (A and B each a forest).

    The array pipeline (:func:`lincomb.solvers.max_representation.max_representation_arrays`): 8,966 template
    classes, 6,129 rows, ~8.7 million nonzeros; measured about 9 minutes and 0.6 GB under load
    (``docs/max_representation.md``). A subclass that contains a solution is a complete proof; the certificate is
    re-checked by the standard-library checker.

    Examples
    --------
    >>> callable(run_n9)
    True
    """
    return _run_frontier(9, progress)


def run_n10(progress=None) -> list:
    """Check ``max-two-hidden-n10`` (k = 4) on the side-forest templates (10,159 classes), as :func:`run_n9`.

    The search takes about 15-18 minutes and 1.9 GB under load and finds 400 terms; the stdlib checker then needs
    about 1.1e9 orderings (~30 CPU minutes) unless its ordering count uses a subset DP (docs/max_representation.md).

    Examples
    --------
    >>> callable(run_n10)
    True
    """
    return _run_frontier(10, progress)


def run_published_n6(progress=None) -> list:
    """Check ``max-two-hidden-published-n6``: the n = 6 certificate printed by Ruess et al., as printed.

    Examples
    --------
    >>> [t["coefficient"] for t in run_published_n6()[0]["data"]["terms"]]
    ['1/720', '1/360', '-1/1440', '-1/360']
    """
    terms = published_n6_terms()
    result = MaxRepresentation(n=6, k=2, feasible=True, terms=terms, left_kernel=None, templates=0, rows=0,
                               nonzeros=0, rank=0, seconds={"published": 0.0})
    certificate = representation_certificate(result)
    certificate["claim"]["statement"] = (
        "max(x1..x6) = (1/720) F[{12,12}|{34,34}] + (1/360) F[{12,13}|{14,56}] - (1/1440) F[{12,13}|{45,46}] "
        "- (1/360) F[{12,34}|{13,56}] (the certificate published by Ruess et al.)"
    )
    certificate["provenance"]["solver"] = "published certificate (arXiv 2607.21651), transcribed"
    if progress is not None:
        progress("published n = 6 certificate: 4 terms")
    return [certificate]


def run_k_lower_bound(progress=None, cases=((5, 1), (6, 1), (7, 1))) -> list:
    """Check ``max-two-hidden-k-lower-bound``: k below floor((n-1)/2) is infeasible, with exact proofs.

    Examples
    --------
    >>> [c["claim"]["n"] for c in run_k_lower_bound(cases=((5, 1),))]
    [5]
    """
    certificates = []
    for n, k in cases:
        result = max_representation(n, k, progress=progress)
        certificates.append(infeasibility_certificate(result))
    return certificates


def run_k_lower_bound_full(progress=None) -> list:
    """Check ``max-two-hidden-k-lower-bound-full``: k = 2 is infeasible for n = 7 and n = 8 (about 2 minutes).

    Examples
    --------
    >>> callable(run_k_lower_bound_full)
    True
    """
    return run_k_lower_bound(progress, cases=((7, 2), (8, 2)))


def _network_certificate(n: int, progress=None) -> dict:
    """The network of lincomb's own max_n representation, proved equal to max_n chamber by chamber."""
    from lincomb.theory.constructions import max_function

    from .identity_certificates import braid_chamber_identity_certificate

    result = max_representation(n, progress=progress)
    network = result.network()
    if progress is not None:
        progress(f"network widths {network.widths}; checking all {n}! braid chambers")
    return braid_chamber_identity_certificate(
        network,
        max_function(n),
        statement=(
            f"the 2-hidden-layer ReLU network (widths {network.widths}) built from lincomb's max-representation "
            f"of max(x1..x{n}) computes max(x1, ..., x{n}) on R^{n}"
        ),
        claim_extra={"lhs_hidden_layers": 2},
        progress=progress,
    )


def run_network_n5(progress=None) -> list:
    """Check ``max-two-hidden-network-n5``: the network built from the n = 5 solution equals max_5 (120 chambers).

    Examples
    --------
    >>> certificate, = run_network_n5()
    >>> certificate["kind"], certificate["data"]["chambers"], certificate["claim"]["lhs_hidden_layers"]
    ('braid-chamber-identity', 120, 2)
    """
    return [_network_certificate(5, progress)]


def run_network_n6(progress=None) -> list:
    """Check ``max-two-hidden-network-n6``: the network (widths 25, 497) built from the n = 6 solution equals
    max_6 on all 720 braid chambers (about a minute, and as long again for the checker).

    Examples
    --------
    >>> callable(run_network_n6)
    True
    """
    return [_network_certificate(6, progress)]


def symmetric_network_certificate_for(n: int, progress=None, *, check: str | None = None) -> dict:
    """lincomb's own max_n representation as an S_n-symmetric network, proved equal to max_n on one chamber.

    The network of :func:`lincomb.theory.symmetric_network.symmetric_max_network` (symmetric by structure: both
    hinges of every pair in the first layer, whole orbits in the second), certified by the kind
    ``symmetric-network-identity``: the checker verifies the symmetry on the generators of S_n and the identity on
    ``x1 >= ... >= xn`` only, instead of all n! braid chambers.

    Examples
    --------
    >>> cert = symmetric_network_certificate_for(5)
    >>> cert["kind"], cert["claim"]["lhs_widths"]
    ('symmetric-network-identity', [30, 77])
    """
    from lincomb.theory.symmetric_network import symmetric_max_network

    from .symmetric_network_certificates import symmetric_network_certificate

    result = max_representation(n, progress=progress)
    if not result.feasible:
        raise CheckFailed(f"no representation of max(x1..x{n}) with k = {result.k} was found: no network to build")
    network = symmetric_max_network(n, [(c, t.a, t.b) for c, t in result.terms])
    first, second = network.widths
    if progress is not None:
        progress(f"symmetric network: widths ({first}, {second}), {len(network.orbits)} second-layer orbits; "
                 f"expanding on x1 >= ... >= x{n}")
    return symmetric_network_certificate(
        network,
        statement=(
            f"the 2-hidden-layer ReLU network (widths {first}, {second}; first layer relu(x_i - x_j) for all i != j "
            f"and relu(+-x_i), second layer {len(network.orbits)} S_{n}-orbits) built from lincomb's "
            f"{len(result.terms)}-term max-representation of max(x1..x{n}) computes max(x1, ..., x{n}) on R^{n}"
        ),
        check=check,
        provenance_extra={"representation_terms": len(result.terms), "k": result.k},
    )


def run_symmetric_network_n6(progress=None) -> list:
    """Check ``max-two-hidden-symmetric-network-n6``: the symmetric network of the n = 6 solution equals max_6 (about
    a second, against minutes for the 720 braid chambers of ``max-two-hidden-network-n6``).

    Examples
    --------
    >>> run_symmetric_network_n6()[0]["claim"]["lhs_widths"]
    [42, 632]
    """
    return [symmetric_network_certificate_for(6, progress)]


def run_network_n7(progress=None) -> list:
    """Check ``max-two-hidden-network-n7``: the symmetric network of the n = 7 solution equals max_7.

    Examples
    --------
    >>> callable(run_network_n7)
    True
    """
    return [symmetric_network_certificate_for(7, progress)]


def run_network_n8(progress=None) -> list:
    """Check ``max-two-hidden-network-n8``: the symmetric network of the n = 8 solution equals max_8.

    Examples
    --------
    >>> callable(run_network_n8)
    True
    """
    return [symmetric_network_certificate_for(8, progress)]


if __name__ == "__main__":
    main()
