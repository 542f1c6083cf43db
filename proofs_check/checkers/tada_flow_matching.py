"""Checker of kind ``tada-flow-matching``: with N = 1 the TADA ODE is the flow-matching / EDM PF ODE.

STANDARD LIBRARY ONLY.  Variables ``(t, x, D, c)``: time, position, the denoiser value
``D = D(y; sigma)`` and ``c = sqrt(k)``, the prior standard deviation (the detail knob).  The
checker recomputes, with exact rational functions,

1. the general TADA force at ``N = 1``, ``F = 1!/(1-t) [D - x]``, and requires it to equal the
   flow-matching velocity ``(D - x)/(1 - t)`` given in the data;
2. the sufficient statistic at ``N = 1``: ``mu_t = t``, ``Sigma_t = c^2 (1-t)^2``, so
   ``y = x/t`` and ``s_eff^2 = Sigma_t / mu_t^2 = (c (1-t)/t)^2``;
3. the chain rule ``dy/dsigma = (dy/dt)/(dsigma/dt)`` along ``dx/dt = F`` with ``y = x/t``,
   ``sigma = c (1-t)/t``, and requires it to equal the EDM probability-flow right-hand side
   ``(y - D)/sigma`` (both also given in the data, as numerator/denominator polynomials).

Equal rational functions are compared by cross-multiplying numerators and denominators.

Examples
--------
>>> KIND
'tada-flow-matching'
"""

from __future__ import annotations

from . import _exact as P
from ._common import CertificateRejected, field_path, get_int, get_list, get_object, malformed_unless, open_certificate
from ._common import reject_unless

KIND = "tada-flow-matching"
VARIABLES = ["t", "x", "D", "c"]
_NV = 4


def _v(name: str) -> P.Poly:
    return P.variable(VARIABLES.index(name), _NV)


def _one() -> P.Poly:
    return P.constant(1, _NV)


def r_mul(a, b):
    """Product of rational functions ``(num, den)``.

    Examples
    --------
    >>> r_mul((_v("t"), _one()), (_one(), _v("t")))[0] == _v("t")
    True
    """
    return P.mul(a[0], b[0]), P.mul(a[1], b[1])


def r_div(a, b):
    """Quotient of rational functions; ``b`` is never the zero function here (the checker divides by ``sigma`` and
    ``dsigma/dt = -c/t^2`` only, both its own, non-zero).

    Examples
    --------
    >>> r_div((_one(), _one()), (_v("c"), _one()))[1] == _v("c")
    True
    """
    return P.mul(a[0], b[1]), P.mul(a[1], b[0])


def r_add(a, b):
    """Sum of rational functions.

    Examples
    --------
    >>> r_equal(r_add((_one(), _v("t")), (_one(), _v("t"))), (P.constant(2, _NV), _v("t")))
    True
    """
    return P.add(P.mul(a[0], b[1]), P.mul(b[0], a[1])), P.mul(a[1], b[1])


def r_equal(a, b) -> bool:
    """Equality of rational functions by cross-multiplication.

    Examples
    --------
    >>> r_equal((P.mul(_v("t"), _v("x")), P.mul(_v("t"), _v("t"))), (_v("x"), _v("t")))
    True
    """
    return P.mul(a[0], b[1]) == P.mul(b[0], a[1])


def r_dt(a):
    """Partial derivative in ``t`` (quotient rule).

    Examples
    --------
    >>> r_equal(r_dt((_one(), _v("t"))), (P.constant(-1, _NV), P.mul(_v("t"), _v("t"))))
    True
    """
    num = P.sub(P.mul(P.derivative(a[0], 0), a[1]), P.mul(a[0], P.derivative(a[1], 0)))
    return num, P.mul(a[1], a[1])


def _read_fraction(data: dict, key: str):
    obj = get_object(data, key, "data")
    here = field_path("data", key)
    num = P.parse_poly(get_list(obj, "numerator", here), _NV, field_path(here, "numerator"))
    den = P.parse_poly(get_list(obj, "denominator", here), _NV, field_path(here, "denominator"))
    malformed_unless(den, field_path(here, "denominator"), "the zero polynomial is not a denominator")
    return num, den


def verify(cert: dict) -> str:
    """Verify a ``tada-flow-matching`` certificate; return a one-line summary.

    Examples
    --------
    >>> verify({"format": "lincomb-certificate", "version": 1, "kind": KIND, "claim": {"statement": "s", "N": 2},
    ...         "data": {}, "provenance": {"lincomb": "0", "solver": "hand", "seconds": 0}})
    Traceback (most recent call last):
    ...
    lincomb.proofs_check.checkers._common.CertificateRejected: claim.N must be 1 for this kind, got 2
    """
    claim, data = open_certificate(cert, KIND)
    reject_unless(get_int(claim, "N", "claim") == 1, f"claim.N must be 1 for this kind, got {claim.get('N')!r}")
    malformed_unless(data.get("variables") == VARIABLES, "data.variables", f"expected {VARIABLES}")
    t, x, D, c, one = _v("t"), _v("x"), _v("D"), _v("c"), _one()
    one_minus_t = P.sub(one, t)
    # 1. the general force N!/(1-t)^N [x_hat - sum_{k<N} (1-t)^k/k! x^(k)] at N = 1
    force = (P.sub(D, x), one_minus_t)
    velocity = _read_fraction(data, "flow_matching_velocity")
    reject_unless(r_equal(force, velocity), "the N = 1 TADA force is not the stated flow-matching velocity")
    # 2. sufficient statistic: mu = t, Sigma = c^2 (1 - t)^2  =>  y = x/t, s_eff = c (1 - t)/t
    mu, Sigma = t, P.mul(P.mul(c, c), P.mul(one_minus_t, one_minus_t))
    y, sigma = (x, t), (P.mul(c, one_minus_t), t)
    reject_unless(r_equal((Sigma, P.mul(mu, mu)), r_mul(sigma, sigma)), "s_eff^2 = Sigma_t/mu_t^2 is not (c (1 - t)/t)^2")
    # 3. chain rule along dx/dt = F: dy/dt = dy/dt|_x + (dy/dx) F = -x/t^2 + F/t
    dy_dt = r_add(r_dt(y), r_mul((one, t), force))
    dy_dsigma = r_div(dy_dt, r_dt(sigma))
    pf_rhs = r_div(r_add(y, (P.scale(D, -1), one)), sigma)  # (y - D)/sigma
    if not r_equal(dy_dsigma, _read_fraction(data, "dy_dsigma")):
        raise CertificateRejected("data.dy_dsigma is not the chain-rule derivative of y = x/t along the TADA ODE")
    reject_unless(r_equal(pf_rhs, _read_fraction(data, "pf_ode_rhs")), "data.pf_ode_rhs is not (y - D)/sigma")
    reject_unless(r_equal(dy_dsigma, pf_rhs), "dy/dsigma differs from the EDM probability-flow right-hand side (y - D)/sigma")
    return "N = 1: TADA force = (D - x)/(1 - t); in y = x/t, sigma = c(1-t)/t it is dy/dsigma = (y - D)/sigma"
