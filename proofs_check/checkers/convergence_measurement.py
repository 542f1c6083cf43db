"""Checker of kind ``convergence-measurement``: a recorded error series falls at the claimed order.

STANDARD LIBRARY ONLY.  This kind certifies a **measurement**, not a theorem: the errors were
computed in floating point (for TADA on Gaussian data: the Wasserstein-2 distance between the
sampler's Gaussian output law and the data, in closed form) and are recorded exactly as the
rationals equal to those floats.  The checker

1. requires ``claim.measurement`` to be ``true`` (so nobody mistakes it for a proof);
2. requires the NFE list to increase and the errors to be positive and decreasing;
3. recomputes the observed orders ``log(e_i/e_{i+1}) / log(n_{i+1}/n_i)`` and requires the last
   one (the most asymptotic) to equal ``claim.observed_order`` within 1e-6 and to lie within
   ``claim.tolerance`` of ``claim.expected_order``.

Examples
--------
>>> KIND
'convergence-measurement'
"""

from __future__ import annotations

import math

from ._common import (
    CertificateMalformed, CertificateRejected, field_path, get_int, get_list, get_rational, parse_rational,
)

KIND = "convergence-measurement"
RECORD = "measurement"


def observed_orders(nfe: list, errors: list) -> list:
    """The slopes ``log(e_i/e_{i+1}) / log(n_{i+1}/n_i)`` (floats).

    Examples
    --------
    >>> from fractions import Fraction
    >>> observed_orders([8, 16, 32], [Fraction(1, 4), Fraction(1, 16), Fraction(1, 64)])
    [2.0, 2.0]
    """
    return [math.log(errors[i] / errors[i + 1]) / math.log(nfe[i + 1] / nfe[i]) for i in range(len(nfe) - 1)]


def verify(cert: dict) -> str:
    """Verify a ``convergence-measurement`` certificate; return a one-line summary.

    Examples
    --------
    >>> verify({"claim": {"measurement": False}, "data": {}})
    Traceback (most recent call last):
    ...
    lincomb.proofs_check.checkers._common.CertificateRejected: claim.measurement must be true: this kind records a measurement
    """
    claim, data = cert["claim"], cert["data"]
    if claim.get("measurement") is not True:
        raise CertificateRejected("claim.measurement must be true: this kind records a measurement")
    expected = get_int(claim, "expected_order", "claim", minimum=1)
    tolerance = get_rational(claim, "tolerance", "claim")
    claimed_observed = get_rational(claim, "observed_order", "claim")
    if tolerance < 0:
        raise CertificateMalformed("claim.tolerance", "must be >= 0")
    nfe = get_list(data, "nfe", "data")
    for i, n in enumerate(nfe):
        if not isinstance(n, int) or isinstance(n, bool) or n < 1:
            raise CertificateMalformed(field_path("data.nfe", i), "expected an integer >= 1")
    errors = [parse_rational(v, field_path("data.errors", i)) for i, v in enumerate(get_list(data, "errors", "data"))]
    if len(nfe) < 2 or len(errors) != len(nfe):
        raise CertificateMalformed("data.errors", "need at least two NFE values and one error per NFE value")
    if any(b <= a for a, b in zip(nfe, nfe[1:])):
        raise CertificateRejected("data.nfe must increase")
    if any(e <= 0 for e in errors) or any(b >= a for a, b in zip(errors, errors[1:])):
        raise CertificateRejected("the errors must be positive and decrease as NFE grows")
    slopes = observed_orders(nfe, errors)
    last = slopes[-1]
    if abs(last - float(claimed_observed)) > 1e-6:
        raise CertificateRejected(f"the recorded errors give observed order {last:.6f}, not the claimed {float(claimed_observed):.6f}")
    if abs(last - expected) > float(tolerance):
        raise CertificateRejected(
            f"observed order {last:.3f} is not within {float(tolerance):g} of the expected order {expected}")
    return (f"measurement: observed order {last:.3f} (slopes {', '.join(f'{s:.2f}' for s in slopes)}) "
            f"within {float(tolerance):g} of {expected}")
