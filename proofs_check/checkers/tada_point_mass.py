"""Checker of kind ``tada-point-mass``: on single-point data TADA lands exactly on the point.

STANDARD LIBRARY ONLY.  The data prediction of a point mass at ``p`` is ``p`` for every input.
For each case (``N``, Adams-Bashforth ``order``, a rational time grid ending at ``t = 1``, a
rational initial state) the checker re-runs the sampler in exact arithmetic, with its own
implementation of the step:

* the force ``F_i = N!/(1-t_i)^N [p - sum_{k<N} (1-t_i)^k/k! z_i[k]]``;
* ``z_{i+1} = Phi z_i + W (F_i, F_{i-1}, ...)``, ``Phi[j][k] = h^(k-j)/(k-j)!``,
  ``W[j][m] = int_{t_i}^{t_{i+1}} (t_{i+1} - tau)^(N-1-j)/(N-1-j)! L_m(tau) dtau`` with the
  Lagrange basis ``L_m`` on the last ``min(order, i + 1)`` times;

and requires every recorded state and force to match exactly and the final position
``z_n[0]`` to equal ``p``.  It also checks the invariant behind the theorem: the force is the
same at every step (a constant is extrapolated exactly by every Adams-Bashforth order, and under
a constant force the chain moves along the degree-``N`` polynomial that reaches ``p`` at ``t = 1``).

Examples
--------
>>> KIND
'tada-point-mass'
"""

from __future__ import annotations

import math
from fractions import Fraction

from . import _exact as P
from ._common import CertificateRejected, field_path, get_int, get_int_list, get_matrix, get_objects, get_vector
from ._common import malformed_unless, open_certificate, parse_rational, reject_unless


def step_weights(nodes: list, t_next: Fraction, N: int) -> tuple[list, list]:
    """``Phi`` (N x N) and ``W`` (N x len(nodes)) of one exact step, nodes newest first.

    Examples
    --------
    >>> step_weights([Fraction(1, 2), Fraction(0)], Fraction(1), 1)[1]
    [[Fraction(3, 4), Fraction(-1, 4)]]
    """
    t_now = nodes[0]
    h = t_next - t_now
    Phi = [[h ** (k - j) / math.factorial(k - j) if k >= j else Fraction(0) for k in range(N)] for j in range(N)]

    def weight(p: int, m: int) -> Fraction:
        # int_{t_now}^{t_next} (t_next - tau)^p / p! L_m(tau) dtau: the kernel's and L_m's coefficients in tau
        # (polynomials in tau as _exact's {(exponent,): coefficient})
        kernel = {(i,): Fraction(math.comb(p, i) * (-1) ** i) * t_next ** (p - i) / math.factorial(p) for i in range(p + 1)}
        basis = P.constant(1, 1)
        for other in nodes[:m] + nodes[m + 1:]:
            basis = P.mul(basis, {(0,): -other / (nodes[m] - other), (1,): 1 / (nodes[m] - other)})
        integrand = P.mul(kernel, basis)
        return sum((a * (t_next ** (n + 1) - t_now ** (n + 1)) / (n + 1) for (n,), a in integrand.items()), Fraction(0))

    return Phi, [[weight(N - 1 - j, m) for m in range(len(nodes))] for j in range(N)]


KIND = "tada-point-mass"


def check_case(case: dict, path: str) -> tuple[int, int]:
    """Re-run one case exactly; return ``(N, order)``.

    Examples
    --------
    >>> case = {"N": 1, "order": 2, "times": ["1/2", 1], "z_init": ["3"], "point": "5",
    ...         "forces": ["4"], "states": [["3"], ["5"]]}
    >>> check_case(case, "data.cases[0]")
    (1, 2)
    """
    N, order = get_int(case, "N", path, minimum=1), get_int(case, "order", path, minimum=1)
    malformed_unless(order <= 3, field_path(path, "order"), "Adams-Bashforth order must be 1, 2 or 3")
    times = get_vector(case, "times", path)
    if len(times) < 2 or any(b <= a for a, b in zip(times, times[1:])) or times[0] < 0 or times[-1] != 1:
        raise CertificateRejected(f"{path}.times must increase from t >= 0 to exactly t = 1")
    point = parse_rational(case.get("point"), field_path(path, "point"))
    z = get_vector(case, "z_init", path, N)
    forces_recorded = get_vector(case, "forces", path, len(times) - 1)
    states = get_matrix(case, "states", path, N, len(times))
    forces: list = []
    for i in range(len(times)):
        reject_unless(states[i] == z, f"{path}: recorded state {i} differs from the exact recomputation")
        if i == len(times) - 1:
            break
        t = times[i]
        taylor = sum(((1 - t) ** k / math.factorial(k) * z[k] for k in range(N)), Fraction(0))
        force = math.factorial(N) * (point - taylor) / (1 - t) ** N
        reject_unless(force == forces_recorded[i], f"{path}: recorded force {i} differs from the exact recomputation")
        forces.insert(0, force)
        q = min(order, i + 1)
        Phi, W = step_weights(times[i::-1][:q], times[i + 1], N)
        z = [sum((Phi[j][k] * z[k] for k in range(N)), Fraction(0))
             + sum((W[j][m] * forces[m] for m in range(q)), Fraction(0)) for j in range(N)]
    reject_unless(z[0] == point, f"{path}: the final position {z[0]} is not the point {point}")
    reject_unless(len(set(forces_recorded)) == 1, f"{path}: the force is not constant along the trajectory")
    return N, order


def verify(cert: dict) -> str:
    """Verify a ``tada-point-mass`` certificate; return a one-line summary.

    Examples
    --------
    >>> verify({"format": "lincomb-certificate", "version": 1, "kind": KIND, "claim": {"statement": "s", "N": [1], "orders": [1]},
    ...         "data": {"cases": []}, "provenance": {"lincomb": "0", "solver": "hand", "seconds": 0}})
    Traceback (most recent call last):
    ...
    lincomb.proofs_check.checkers._common.CertificateRejected: no case for N = 1, order 1
    """
    claim, data = open_certificate(cert, KIND)
    Ns = get_int_list(claim, "N", "claim", minimum=1, empty="name at least one value")
    orders = get_int_list(claim, "orders", "claim", minimum=1, empty="name at least one value")
    cases = get_objects(data, "cases", "data")
    covered = {check_case(case, path) for path, case in cases}
    for N in Ns:
        for order in orders:
            reject_unless((N, order) in covered, f"no case for N = {N}, order {order}")
    return f"{len(cases)} exact runs land on the point (N in {Ns}, orders {orders})"
