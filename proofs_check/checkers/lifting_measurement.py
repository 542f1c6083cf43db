"""Checker of kind ``lifting-measurement``: a learned lifting's distance to the exact rule, recomputed.

STANDARD LIBRARY ONLY.  This kind records a **measurement**, not a proof: a trained sparse-coding
attention layer exported its lifting coefficients (float32 values written as the exact dyadic
rationals they are), and the claim is that they lie within a stated tolerance of the exact rule.
The checker

1. refuses the certificate unless ``claim.measurement`` is ``true`` and the statement begins with
   ``"MEASUREMENT"`` (so it can never be read as a proof of anything about all networks);
2. proves the *exact* part: the claimed rule ``lambda`` satisfies ``sum_i lambda_i i^k = (n+1)^k``
   for k = 0..n-1 (n = ``context_length``), i.e. it continues every polynomial sequence of degree
   < n (for n = 2: every arithmetic progression), and it is the only such lambda because the
   Vandermonde matrix of the distinct nodes 1..n is invertible;
3. recomputes, in exact rationals, ``max_i |measured_i - lambda_i|`` from the exported coefficients,
   compares it with ``data.distance`` and with ``claim.tolerance``.

Examples
--------
>>> cert = {"format": "lincomb-certificate", "version": 1, "kind": "lifting-measurement",
...         "claim": {"statement": "MEASUREMENT: learned lifting within 1/20 of (-1, 2)",
...                   "measurement": True, "context_length": 2,
...                   "exact_coefficients": ["-1", "2"], "tolerance": "1/20", "norm": "max-abs"},
...         "data": {"measured_coefficients": ["-63/64", "2"], "distance": "1/64"},
...         "provenance": {"lincomb": "0.1.0", "solver": "hand", "seconds": 0}}
>>> verify(cert)
'measurement: learned lifting (-63/64, 2) is within max-abs distance 1/64 <= 1/20 of the exact rule (-1, 2), the unique lifting that continues every polynomial sequence of degree < 2'
>>> cert["claim"]["exact_coefficients"] = ["-1", "3"]
>>> verify(cert)
Traceback (most recent call last):
...
lincomb.proofs_check.checkers._common.CertificateRejected: claim.exact_coefficients (-1, 3) do not continue the sequence i^0: sum lambda_i i^0 = 2, but 3^0 = 1
"""

from __future__ import annotations

from fractions import Fraction

from ._common import (
    CertificateMalformed, CertificateRejected, check_envelope, get_field, get_int, get_object, get_rational,
    get_str, get_vector,
)

KIND = "lifting-measurement"
RECORD = "measurement"


def _text(values) -> str:
    return "(" + ", ".join(str(v) for v in values) + ")"


def verify(cert: dict) -> str:
    """Verify a ``lifting-measurement`` certificate; return a one-line summary.

    Examples
    --------
    >>> verify({"format": "lincomb-certificate", "version": 1, "kind": KIND,
    ...         "claim": {"statement": "a proof", "measurement": False}, "data": {},
    ...         "provenance": {"lincomb": "0", "solver": "s", "seconds": 0}})
    Traceback (most recent call last):
    ...
    lincomb.proofs_check.checkers._common.CertificateRejected: claim.measurement must be true: this kind records a measurement, not a proof
    """
    check_envelope(cert)
    claim = get_object(cert, "claim", "")
    data = get_object(cert, "data", "")
    if get_field(claim, "measurement", "claim", bool, "a boolean") is not True:
        raise CertificateRejected("claim.measurement must be true: this kind records a measurement, not a proof")
    if not get_str(claim, "statement", "claim").startswith("MEASUREMENT"):
        raise CertificateRejected('claim.statement must begin with "MEASUREMENT": this kind is not a proof')
    n = get_int(claim, "context_length", "claim", minimum=1)
    exact = get_vector(claim, "exact_coefficients", "claim", n, " (claim.context_length)")
    tolerance = get_rational(claim, "tolerance", "claim")
    if tolerance < 0:
        raise CertificateMalformed("claim.tolerance", f"must be >= 0, got {tolerance}")
    norm = get_str(claim, "norm", "claim")
    if norm != "max-abs":
        raise CertificateMalformed("claim.norm", f"only 'max-abs' is defined, got {norm!r}")
    # The exact part: lambda continues i^k for k < n (a basis of the polynomials of degree < n).
    for k in range(n):
        total = sum((lam * Fraction(i + 1) ** k for i, lam in enumerate(exact)), Fraction(0))
        if total != Fraction(n + 1) ** k:
            raise CertificateRejected(
                f"claim.exact_coefficients {_text(exact)} do not continue the sequence i^{k}: "
                f"sum lambda_i i^{k} = {total}, but {n + 1}^{k} = {Fraction(n + 1) ** k}"
            )
    measured = get_vector(data, "measured_coefficients", "data", n, " (claim.context_length)")
    distance = max(abs(m - e) for m, e in zip(measured, exact))
    claimed = get_rational(data, "distance", "data")
    if claimed != distance:
        raise CertificateRejected(f"data.distance is {claimed}, but max |measured - exact| is {distance}")
    if distance > tolerance:
        raise CertificateRejected(f"the measured lifting {_text(measured)} is at distance {distance} > tolerance {tolerance}")
    return (
        f"measurement: learned lifting {_text(measured)} is within max-abs distance {distance} <= {tolerance} "
        f"of the exact rule {_text(exact)}, the unique lifting that continues every polynomial sequence of degree < {n}"
    )
