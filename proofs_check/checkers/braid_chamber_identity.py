"""Checker for ``braid-chamber-identity`` certificates: two CPWL expressions agree on R^n, shown on
every chamber of the braid fan.

STANDARD LIBRARY ONLY.  Written from ``docs/certificates_braid-chamber-identity.md``; it shares no code
with ``lincomb.theory.chamber_identity`` (the expressions are compiled by the checkers' own
``_expressions`` module).

The proof, recomputed here in full (the certificate carries no search data, only counts to compare):
for each permutation ``s`` of 0..n-1, on the closed chamber ``C_s = {x_s(0) <= ... <= x_s(n-1)}``,
spanned by the line through (1, ..., 1) and the rays ``r_k = e_s(k) + ... + e_s(n-1)``, evaluate
lhs - rhs node by node as an affine function plus hinges ``c relu(h)``:

* a ``max`` of affine arguments is replaced by an argument ``a`` with ``a - b >= 0`` on ``C_s`` for every
  other argument ``b`` (an affine ``l.x + c`` is ``>= 0`` on ``C_s`` iff ``c >= 0``, ``l.(1,...,1) = 0``
  and ``l.r_k >= 0`` for all k);
* if there is none and it has exactly two distinct arguments ``a, b``, it is ``b + relu(a - b)``;
* anything else is rejected (outside what this kind can show).

At the output every hinge of constant sign on ``C_s`` is replaced by ``h`` or 0; the rest are written with
a primitive integer ``h`` whose first non-zero entry is positive (``relu(t h) = t relu(h)`` for t > 0,
``relu(-h) = relu(h) - h``) and summed per ``h``.  The chamber passes when the affine part and every
sum are zero: then lhs - rhs = 0 on ``C_s``, and the chambers cover R^n.

Examples
--------
>>> relu = {"type": "relu-network", "layers": [
...     {"weights": [["1", "-1"], ["0", "1"], ["0", "-1"]], "biases": ["0", "0", "0"]},
...     {"weights": [["1", "1", "-1"]], "biases": ["0"]}]}
>>> maximum = {"type": "max-combination", "terms": [{"coefficient": "1", "pieces": [
...     {"linear": ["1", "0"], "constant": "0"}, {"linear": ["0", "1"], "constant": "0"}]}]}
>>> cert = {"format": "lincomb-certificate", "version": 1, "kind": "braid-chamber-identity",
...         "claim": {"statement": "relu(x1 - x2) + x2 = max(x1, x2)", "input_dimension": 2,
...                   "lhs": relu, "rhs": maximum, "fan": "braid"},
...         "data": {"chambers": 2, "max_hinges": 0},
...         "provenance": {"lincomb": "0.1.0", "solver": "hand", "seconds": 0}}
>>> verify(cert)
'lhs = rhs on R^2: on each of the 2 braid chambers lhs - rhs is affine plus at most 0 hinges, all coefficients zero'
>>> cert["claim"]["rhs"]["terms"][0]["pieces"][0]["constant"] = "1/2"
>>> verify(cert)
Traceback (most recent call last):
...
lincomb.proofs_check.checkers._common.CertificateRejected: chamber x1 <= x2: lhs - rhs = -1/2*relu(2*x1 - 2*x2 + 1), not zero
"""

from __future__ import annotations

from itertools import permutations
from math import factorial

from ._common import CertificateRejected, get_choice, get_int, malformed_unless, open_certificate, reject_unless
from ._exact import add_relu_on_chamber, affine_str, combine, hinges_str, largest_on_chamber, merge_terms
from ._expressions import compile_sides

KIND = "braid-chamber-identity"
#: n! chambers are walked; beyond this the check would run for hours.
MAX_DIMENSION = 9


def _chamber(nodes: list, n: int, lhs_out: int, rhs_out: int, order: tuple) -> int:
    """Check one chamber; return the number of distinct crossing hinge hyperplanes at the output.

    Every node's value on the chamber is kept as an affine vector plus ``{hinge: coefficient}`` (None when there
    are no hinges): a ``lin`` node combines both parts, a ``max`` node of affine arguments becomes its largest
    argument, or ``b + relu(a - b)`` when it has two distinct arguments and neither is largest.
    """
    name = " <= ".join(f"x{i + 1}" for i in order)
    width = n + 1
    affine = [tuple(1 if j == i else 0 for j in range(width)) for i in range(n)]
    hinge = [None] * n
    for position, node in enumerate(nodes, start=n):
        if node[0] == "lin":
            affine.append(combine(node[1], node[2], affine, width))
            parts = {}  # zero sums stay: a maximum over them is refused as over a hinge
            for source, weight in node[2]:
                for h, c in (hinge[source] or {}).items():
                    parts[h] = parts.get(h, 0) + weight * c
            hinge.append(parts or None)
            continue
        if any(hinge[a] for a in node[1]):
            raise CertificateRejected(f"chamber {name}: node {position} is a maximum of non-affine functions, "
                                      "which a braid-chamber-identity certificate cannot show")
        arguments = list(dict.fromkeys(affine[a] for a in node[1]))
        top = largest_on_chamber(arguments, order)
        if top is not None:
            affine.append(top)
            hinge.append(None)
        elif len(arguments) == 2:
            a, b = arguments
            affine.append(b)
            hinge.append({tuple(p - q for p, q in zip(a, b)): 1})
        else:
            raise CertificateRejected(f"chamber {name}: node {position} is a maximum of {len(arguments)} affine "
                                      "functions with no largest one on the chamber; a braid-chamber-identity "
                                      "certificate cannot show that")
    # the output lhs - rhs: every hinge of constant sign on the chamber becomes h or 0, the rest are summed per
    # primitive hyperplane (relu(t p) = |t| relu(p), relu(-p) = relu(p) - p)
    residual = [p - q for p, q in zip(affine[lhs_out], affine[rhs_out])]
    difference = merge_terms([*(hinge[lhs_out] or {}).items(), *((h, -c) for h, c in (hinge[rhs_out] or {}).items())])
    sums: dict = {}
    for h, c in difference.items():
        add_relu_on_chamber(c, h, order, residual, sums)
    if any(residual) or any(sums.values()):
        text = " + ".join(part for part in (affine_str(tuple(residual)) if any(residual) else "", hinges_str(sums)) if part)
        raise CertificateRejected(f"chamber {name}: lhs - rhs = {text.replace('+ -', '- ')}, not zero")
    return len(sums)


def verify(cert: dict) -> str:
    """Verify a ``braid-chamber-identity`` certificate; return a one-line summary.

    Raises
    ------
    CertificateMalformed
        When a field is missing or has the wrong type, or the fan is not ``"braid"``.
    CertificateRejected
        When lhs - rhs is not zero on some chamber, or the stated counts differ from the recomputed ones.

    Examples
    --------
    >>> verify({"format": "lincomb-certificate", "version": 1, "kind": "braid-chamber-identity",
    ...         "claim": {"statement": "f = g", "input_dimension": 12}, "data": {},
    ...         "provenance": {"lincomb": "0.1.0", "solver": "hand", "seconds": 0}})
    Traceback (most recent call last):
    ...
    lincomb.proofs_check.checkers._common.CertificateMalformed: claim.input_dimension: 12! chambers is too many for this checker (at most n = 9)
    """
    # parse
    claim, data = open_certificate(cert, KIND)
    n = get_int(claim, "input_dimension", "claim", minimum=1)
    malformed_unless(n <= MAX_DIMENSION, "claim.input_dimension",
                     f"{n}! chambers is too many for this checker (at most n = {MAX_DIMENSION})")
    get_choice(claim, "fan", "claim", ("braid",), 'must be "braid" (the only fan this kind knows)')
    nodes, lhs_out, rhs_out = compile_sides(claim, n)
    stated_chambers = get_int(data, "chambers", "data", minimum=1)
    stated_hinges = get_int(data, "max_hinges", "data", minimum=0)
    # compare the chamber count, recompute every chamber (each rejects unless lhs - rhs = 0 there), compare hinges
    reject_unless(stated_chambers == factorial(n),
                  f"data.chambers says {stated_chambers}, but R^{n} has {factorial(n)} braid chambers")
    most = max(_chamber(nodes, n, lhs_out, rhs_out, order) for order in permutations(range(n)))
    reject_unless(most == stated_hinges, f"data.max_hinges says {stated_hinges}, the chambers have at most {most}")
    return (f"lhs = rhs on R^{n}: on each of the {stated_chambers} braid chambers lhs - rhs is affine plus at most "
            f"{most} hinges, all coefficients zero")
