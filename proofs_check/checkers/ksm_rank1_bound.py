"""Checker of kind ``ksm-rank1-bound``: the kernel-similarity-matching bound and its maximising q.

STANDARD LIBRARY ONLY.  For T rational points x_t, outputs y_t, a landmark w and the polynomial
kernel ``f(x, y) = (c + x . y)^p`` (c >= 0), with

    A = (1/T^2) sum_{t,t'} y_t y_t' f(x_t, x_t'),  B = (1/T) sum_t y_t f(x_t, w),  C = f(w, w),

the certificate claims (Luther & Seung 2022, the rank-1 Nystrom appendix):

1. ``A >= 2 q B - q^2 C`` for every real q, and for every choice of outputs y: the checker verifies
   ``G = L D L^T`` exactly for the Gram matrix G of (x_1, ..., x_T, w), L unit lower triangular and
   D >= 0 (``data.gram_ldl``).  Then G is positive semidefinite and the gap
   ``A - 2 q B + q^2 C = v^T G v`` with ``v = (y_1/T, ..., y_T/T, -q)`` is >= 0.
2. The right side is maximised at ``q* = C^+ B = f(w, w)^+ <y f(x, w)>``, the claimed
   ``claim.q_star``, with maximum ``claim.max_rhs = B^2 / C``: the checker recomputes A, B, C and
   verifies the identity ``2 q B - q^2 C = max_rhs - C (q - q*)^2`` coefficient by coefficient
   (with C > 0 this is maximal exactly at q*), and ``A >= max_rhs``.

Examples
--------
>>> cert = {"format": "lincomb-certificate", "version": 1, "kind": "ksm-rank1-bound",
...         "claim": {"statement": "KSM bound", "kernel": {"type": "polynomial", "offset": "0", "degree": 1},
...                   "q_star": "3/2", "max_rhs": "9/4"},
...         "data": {"points": [["1"], ["2"]], "outputs": ["1", "1"], "landmark": ["1"],
...                  "similarity": "9/4", "correlation": "3/2", "landmark_norm": "1",
...                  "gram_ldl": {"lower": [["1", "0", "0"], ["2", "1", "0"], ["1", "0", "1"]],
...                               "diagonal": ["1", "0", "0"]}},
...         "provenance": {"lincomb": "0.1.0", "solver": "hand", "seconds": 0}}
>>> verify(cert)
'T = 2, kernel (0 + x.y)^1: A = 9/4 >= 2qB - q^2C for all q and all outputs (Gram matrix PSD by LDL^T); maximised at q* = f(w,w)^+ <y f(x,w)> = 3/2, value 9/4, gap 0'
>>> cert["claim"]["q_star"] = "1"
>>> verify(cert)
Traceback (most recent call last):
...
lincomb.proofs_check.checkers._common.CertificateRejected: claim.q_star is 1, but f(w,w)^+ <y f(x,w)> = B/C = 3/2
"""

from __future__ import annotations

from fractions import Fraction

from ._common import CertificateRejected, get_int, get_matrix, get_object, get_rational
from ._common import get_choice, get_vector, malformed_unless, open_certificate, reject_unless

KIND = "ksm-rank1-bound"


def verify(cert: dict) -> str:
    """Verify a ``ksm-rank1-bound`` certificate; return a one-line summary.

    Examples
    --------
    >>> verify({"format": "lincomb-certificate", "version": 1, "kind": KIND,
    ...         "claim": {"statement": "s", "kernel": {"type": "gaussian"}}, "data": {},
    ...         "provenance": {"lincomb": "0", "solver": "s", "seconds": 0}})
    Traceback (most recent call last):
    ...
    lincomb.proofs_check.checkers._common.CertificateMalformed: claim.kernel.type: only the exact 'polynomial' kernel is supported, got 'gaussian'
    """
    claim, data = open_certificate(cert, KIND)
    kernel = get_object(claim, "kernel", "claim")
    get_choice(kernel, "type", "claim.kernel", ("polynomial",), "only the exact 'polynomial' kernel is supported, got {value!r}")
    offset = get_rational(kernel, "offset", "claim.kernel")
    malformed_unless(offset >= 0, "claim.kernel.offset", f"must be >= 0 (else the kernel need not be PSD), got {offset}")
    degree = get_int(kernel, "degree", "claim.kernel", minimum=1)
    malformed_unless(degree <= 16, "claim.kernel.degree", f"at most 16 is supported, got {degree}")

    points = get_matrix(data, "points", "data", empty="needs at least one point")
    t, n = len(points), len(points[0])
    outputs = get_vector(data, "outputs", "data", t, fast=True)
    landmark = get_vector(data, "landmark", "data", n, fast=True)

    def f(x, y):
        return (offset + sum(a * b for a, b in zip(x, y))) ** degree

    a = Fraction(sum(outputs[i] * outputs[j] * f(points[i], points[j]) for i in range(t) for j in range(t)), t * t)
    b = Fraction(sum(outputs[i] * f(points[i], landmark) for i in range(t)), t)
    c = Fraction(f(landmark, landmark))
    for key, value, name in (("similarity", a, "A"), ("correlation", b, "B"), ("landmark_norm", c, "C")):
        claimed = get_rational(data, key, "data")
        reject_unless(claimed == value, f"data.{key} is {claimed}, but {name} recomputes to {value}")

    # 1. The Gram matrix of (x_1..x_T, w) is PSD: G = L D L^T, L unit lower triangular, D >= 0.
    nodes = points + [landmark]
    size = t + 1
    ldl = get_object(data, "gram_ldl", "data")
    lower = get_matrix(ldl, "lower", "data.gram_ldl", size, size)
    diagonal = get_vector(ldl, "diagonal", "data.gram_ldl", size, fast=True)
    for i in range(size):
        reject_unless(lower[i][i] == 1 and not any(lower[i][i + 1:]),
                      f"data.gram_ldl.lower row {i} is not that of a unit lower triangular matrix")
        reject_unless(diagonal[i] >= 0, f"data.gram_ldl.diagonal[{i}] = {diagonal[i]} is negative")
    for i in range(size):
        for j in range(i + 1):
            product = sum(lower[i][k] * diagonal[k] * lower[j][k] for k in range(j + 1))
            gram = f(nodes[i], nodes[j])
            if product != gram:
                raise CertificateRejected(f"(L D L^T)[{i}][{j}] = {Fraction(product)} but the Gram entry f(node {i}, node {j}) = {Fraction(gram)}")

    # 2. The maximiser q* = C^+ B and the identity 2qB - q^2C = max_rhs - C (q - q*)^2.
    q_star, max_rhs = get_rational(claim, "q_star", "claim"), get_rational(claim, "max_rhs", "claim")
    expected_q = b / c if c != 0 else Fraction(0)
    reject_unless(q_star == expected_q, f"claim.q_star is {q_star}, but f(w,w)^+ <y f(x,w)> = B/C = {expected_q}")
    if c == 0 and (b != 0 or max_rhs != 0):
        # C = f(w,w) = 0 forces B = 0 (Cauchy-Schwarz in the PSD Gram matrix): the right side is 0.
        raise CertificateRejected(f"with C = 0 the right side is 2qB = 0 only if B = 0; B = {b}, claim.max_rhs = {max_rhs}")
    if c != 0 and (2 * c * q_star != 2 * b or max_rhs - c * q_star * q_star != 0):
        # coefficients of q^2, q^1, q^0 on both sides of 2qB - q^2C = max_rhs - C (q - q*)^2
        raise CertificateRejected(f"2qB - q^2C != max_rhs - C (q - q*)^2 with max_rhs = {max_rhs}, q* = {q_star}")
    reject_unless(a >= max_rhs, f"A = {a} < max_rhs = {max_rhs}: the bound fails")
    return (f"T = {t}, kernel ({offset} + x.y)^{degree}: A = {a} >= 2qB - q^2C for all q and all outputs (Gram matrix "
            f"PSD by LDL^T); maximised at q* = f(w,w)^+ <y f(x,w)> = {q_star}, value {max_rhs}, gap {a - max_rhs}")
