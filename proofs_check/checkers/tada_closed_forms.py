"""Checker of kind ``tada-closed-forms``: TADA's mu_t, M_t, Sigma_t solve its dynamics exactly.

STANDARD LIBRARY ONLY.  For each case ``N`` the certificate carries the polynomials
``mu_t`` (N), ``M_t`` (N x N) in ``t`` and ``Sigma_t`` (N x N) in ``t`` and ``k``.  The checker

1. rebuilds the claimed closed forms ``mu_t[j] = N!/(N-j)! t^(N-j)`` and
   ``M_t[j][k] = [k >= j] t^(k-j)/(k-j)! - N!/(N-j)! t^(N-j)/k!`` and requires equality;
2. verifies that every column ``v`` of ``[M_t | mu_t]`` (the coefficient of ``z_0[c]``, resp. of
   ``x1``) solves the dynamics: ``v_j' = v_{j+1}`` (``j < N-1``) and
   ``(1-t)^N v_{N-1}' = N! [e - sum_k (1-t)^k/k! v_k]`` with ``e = 1`` for the ``x1`` column and
   ``0`` otherwise (the force ``F`` times ``(1-t)^N``), as polynomial identities;
3. verifies the initial values ``M_0 = I``, ``mu_0 = 0`` (so ``z_t = M_t z_0 + mu_t x1`` is the
   unique solution on ``[0, 1)``);
4. re-multiplies ``Sigma_t = M_t S0 M_t^T`` with ``S0 = diag(1, ..., 1, k)``;
5. verifies ``Sigma_1[0][0] = 0`` (every ``k``) and ``mu_1[0] = 1``: the position is exactly
   ``x1`` at ``t = 1``.

Examples
--------
>>> KIND
'tada-closed-forms'
"""

from __future__ import annotations

import math
from fractions import Fraction
from functools import reduce

from . import _exact as P
from ._common import CertificateRejected, field_path, get_int, get_int_list, get_list, get_objects
from ._common import malformed_unless, open_certificate, reject_unless

KIND = "tada-closed-forms"
VARIABLES = ["t", "k"]


def _t_power(n: int) -> P.Poly:
    return {(n, 0): Fraction(1)}


def expected_mu(N: int) -> list:
    """The claimed ``mu_t`` as polynomials in ``(t, k)``.

    Examples
    --------
    >>> expected_mu(2) == [{(2, 0): 1}, {(1, 0): 2}]
    True
    """
    return [P.scale(_t_power(N - j), Fraction(math.factorial(N), math.factorial(N - j))) for j in range(N)]


def expected_M(N: int) -> list:
    """The claimed ``M_t`` as polynomials in ``(t, k)``.

    Examples
    --------
    >>> expected_M(1) == [[{(0, 0): 1, (1, 0): -1}]]
    True
    """
    def entry(j, k):
        chain = P.scale(_t_power(k - j), Fraction(1, math.factorial(k - j))) if k >= j else {}
        landing = P.scale(_t_power(N - j), Fraction(math.factorial(N), math.factorial(N - j) * math.factorial(k)))
        return P.sub(chain, landing)

    return [[entry(j, k) for k in range(N)] for j in range(N)]


def _read_matrix(case: dict, key: str, rows: int, cols: int | None, path: str) -> list:
    # rows polynomials, or with cols a rows x cols matrix: each row read as an array field of its own
    value = get_list(case, key, path)
    here = field_path(path, key)
    malformed_unless(len(value) == rows, here, f"expected {rows} entries, got {len(value)}")
    if cols is None:
        return [P.parse_poly(entry, 2, field_path(here, i)) for i, entry in enumerate(value)]
    return [_read_matrix(dict(enumerate(value)), i, cols, None, here) for i in range(rows)]


def check_case(N: int, mu: list, M: list, Sigma: list, where: str) -> None:
    """Verify one case; raise :class:`CertificateRejected` naming the failed condition.

    Examples
    --------
    >>> S = [[{(0, 1): 1, (1, 1): -2, (2, 1): 1}]]     # k (1 - t)^2
    >>> check_case(1, expected_mu(1), expected_M(1), S, "N=1")
    >>> check_case(1, expected_mu(1), expected_M(1), [[{}]], "N=1")
    Traceback (most recent call last):
    ...
    lincomb.proofs_check.checkers._common.CertificateRejected: N=1: Sigma[0][0] is not M S0 M^T
    """
    reject_unless(mu == expected_mu(N), f"{where}: mu_t is not the claimed closed form N!/(N-j)! t^(N-j)")
    reject_unless(M == expected_M(N), f"{where}: M_t is not the claimed closed form")
    one = P.constant(1, 2)
    one_minus_t = P.sub(one, P.variable(0, 2))
    weight = P.power(one_minus_t, N, 2)
    columns = [([M[j][c] for j in range(N)], 0, f"column {c} of M_t (coefficient of z_0[{c}])") for c in range(N)]
    columns.append((mu, 1, "mu_t (coefficient of x1)"))
    for v, landing, name in columns:
        for j in range(N - 1):
            reject_unless(P.derivative(v[j], 0) == v[j + 1], f"{where}: {name}: d/dt of entry {j} is not entry {j + 1}")
        taylor = reduce(P.add, (P.scale(P.mul(P.power(one_minus_t, k, 2), v[k]), Fraction(1, math.factorial(k)))
                                for k in range(N)), {})
        force_times_weight = P.scale(P.sub(P.constant(landing, 2), taylor), math.factorial(N))
        if P.mul(weight, P.derivative(v[N - 1], 0)) != force_times_weight:
            raise CertificateRejected(f"{where}: {name}: the last entry does not follow the force F")
    for j in range(N):
        reject_unless(not P.substitute(mu[j], 0, 0), f"{where}: mu_0[{j}] is not 0")
        for c in range(N):
            reject_unless(P.substitute(M[j][c], 0, 0) == P.constant(int(j == c), 2), f"{where}: M_0[{j}][{c}] is not the identity entry")
    prior = [one] * (N - 1) + [P.variable(1, 2)]  # the diagonal of S0 = diag(1, ..., 1, k)
    for a in range(N):
        for b in range(N):
            total = reduce(P.add, (P.mul(P.mul(M[a][c], prior[c]), M[b][c]) for c in range(N)), {})
            reject_unless(total == Sigma[a][b], f"{where}: Sigma[{a}][{b}] is not M S0 M^T")
    reject_unless(not P.substitute(Sigma[0][0], 0, 1), f"{where}: the position variance Sigma_1[0][0] is not 0")
    reject_unless(P.substitute(mu[0], 0, 1) == one, f"{where}: mu_1[0] is not 1")


def verify(cert: dict) -> str:
    """Verify a ``tada-closed-forms`` certificate; return a one-line summary.

    Examples
    --------
    >>> verify({"format": "lincomb-certificate", "version": 1, "kind": KIND, "claim": {"statement": "s", "N": [1]},
    ...         "data": {"cases": []}, "provenance": {"lincomb": "0", "solver": "hand", "seconds": 0}})
    Traceback (most recent call last):
    ...
    lincomb.proofs_check.checkers._common.CertificateRejected: claim.N lists [1] but the data has cases for []
    """
    claim, data = open_certificate(cert, KIND)
    claimed = get_int_list(claim, "N", "claim", minimum=1, empty="name at least one value")
    # data.variables is optional
    malformed_unless(data.get("variables", VARIABLES) == VARIABLES, "data.variables", f"expected {VARIABLES}")
    seen = []
    for path, case in get_objects(data, "cases", "data"):
        N = get_int(case, "N", path, minimum=1)
        mu, M, Sigma = (_read_matrix(case, key, N, cols, path) for key, cols in (("mu", None), ("M", N), ("Sigma", N)))
        check_case(N, mu, M, Sigma, f"N = {N}")
        seen.append(N)
    if sorted(seen) != sorted(claimed) or len(set(seen)) != len(seen):
        raise CertificateRejected(f"claim.N lists {claimed} but the data has cases for {seen}")
    return f"closed forms solve the TADA dynamics and Sigma_1[0][0] = 0 for N = {', '.join(map(str, seen))}"
