"""TADA's augmented dynamics, exactly: closed forms, the force, and the exact multistep step.

TADA (Chen et al., arXiv 2506.21757) samples in an augmented space of ``N`` variables per data
coordinate, the position ``x^(0)`` and its time derivatives ``x^(1..N-1)``.  Time runs from
``t = 0`` (prior ``N(0, S0)``) to ``t = 1`` (data).  This module holds the reconstruction in
``/work/shared/references/diffusion.md`` in exact arithmetic:

* the force ``F = N!/(1-t)^N [x_hat - sum_{k<N} (1-t)^k/k! x^(k)]`` that lands the position on
  ``x_hat`` at ``t = 1`` when held constant, with ``dx^(j)/dt = x^(j+1)``, ``dx^(N-1)/dt = F``;
* the closed forms ``mu_t``, ``M_t`` with ``z_t = M_t z_0 + mu_t x1`` and ``Sigma_t = M_t S0 M_t^T``,
  where ``S0 = diag(1, ..., 1, k)``: **k is the variance** of the last variable's prior (scaling its
  standard deviation by ``c`` is ``k = c**2``);
* the multistep exponential integrator of the nilpotent chain with Adams-Bashforth
  extrapolation of ``F`` (:func:`chain_step_weights`, :func:`tada_exact_trajectory`).

The functions :func:`tada_mu` and :func:`tada_M` are generic: they work with ``int``,
:class:`~fractions.Fraction` or sympy symbols, so the sympy closed forms and the exact
rational sampler share one definition.  No floating point, no torch.

Examples
--------
>>> from fractions import Fraction
>>> tada_mu(Fraction(1, 2), 2)
[Fraction(1, 4), Fraction(1, 1)]
>>> cf = tada_closed_forms(2)
>>> cf["Sigma"][0, 0].subs(cf["t"], 1)
0
>>> verify_closed_forms(2)
True
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Callable, Sequence

import sympy

from lincomb.errors import UsageError

__all__ = [
    "tada_mu",
    "tada_M",
    "tada_force",
    "tada_closed_forms",
    "tada_dynamics_residuals",
    "verify_closed_forms",
    "effective_sigma_squared",
    "flow_matching_residual",
    "chain_step_weights",
    "tada_exact_step",
    "tada_exact_trajectory",
    "poly_terms",
]


def _check_order(N) -> int:
    if isinstance(N, bool) or not isinstance(N, int) or N < 1:
        raise UsageError(f"N (variables per coordinate) must be an integer >= 1, got {N!r}")
    return N


def tada_mu(t, N: int) -> list:
    """The conditional mean direction ``mu_t[j] = N!/(N-j)! t^(N-j)`` (``j = 0..N-1``).

    ``mu_t[j]`` is the ``j``-th derivative of ``t**N``: the path of the chain that starts at rest
    at the origin and lands on ``x1 = 1`` at ``t = 1``.

    Parameters
    ----------
    t : int, Fraction or sympy expression
    N : int
        Variables per coordinate, ``N >= 1``.

    Returns
    -------
    list
        ``N`` entries of the type of ``t``.

    Examples
    --------
    >>> tada_mu(2, 3)
    [8, 12, 12]
    >>> tada_mu(sympy.Symbol("t"), 2)
    [t**2, 2*t]
    """
    N = _check_order(N)
    return [math.factorial(N) // math.factorial(N - j) * t ** (N - j) for j in range(N)]


def tada_M(t, N: int) -> list[list]:
    """The noise transport ``M_t[j][k] = [k >= j] t^(k-j)/(k-j)! - N!/(N-j)! t^(N-j)/k!``.

    Parameters
    ----------
    t : int, Fraction or sympy expression
    N : int
        Variables per coordinate, ``N >= 1``.

    Returns
    -------
    list of lists
        The ``N x N`` matrix, row ``j`` for the ``j``-th derivative.

    Examples
    --------
    >>> tada_M(Fraction(1, 2), 1)
    [[Fraction(1, 2)]]
    >>> tada_M(1, 2)      # at t = 1 the position row vanishes: the noise is gone
    [[Fraction(0, 1), Fraction(0, 1)], [Fraction(-2, 1), Fraction(-1, 1)]]
    """
    N = _check_order(N)
    rows = []
    for j in range(N):
        row = []
        for k in range(N):
            chain = t ** (k - j) * Fraction(1, math.factorial(k - j)) if k >= j else 0
            landing = Fraction(math.factorial(N), math.factorial(N - j) * math.factorial(k)) * t ** (N - j)
            row.append(chain - landing)
        rows.append(row)
    if isinstance(t, sympy.Basic):
        rows = [[sympy.nsimplify(entry) for entry in row] for row in rows]
    return rows


def tada_force(t, z: Sequence, x_hat, N: int):
    """The force ``F = N!/(1-t)^N [x_hat - sum_{k<N} (1-t)^k/k! z[k]]`` (for ``t < 1``).

    Held constant from time ``t`` on, it moves the position to ``x_hat`` exactly at ``t = 1``
    (the Taylor polynomial of degree ``N``).

    Parameters
    ----------
    t : Fraction or sympy expression
        Time, ``t != 1``.
    z : sequence
        The ``N`` chain variables of one coordinate.
    x_hat : number or sympy expression
        The data prediction.
    N : int

    Returns
    -------
    The force, in the arithmetic of the inputs.

    Examples
    --------
    >>> tada_force(Fraction(1, 2), [Fraction(0)], Fraction(1), 1)    # (x_hat - x)/(1 - t)
    Fraction(2, 1)
    """
    N = _check_order(N)
    if len(z) != N:
        raise UsageError(f"z has {len(z)} chain variables, expected N = {N}")
    one_minus_t = 1 - t
    taylor = sum(one_minus_t**k * Fraction(1, math.factorial(k)) * z[k] for k in range(N))
    return math.factorial(N) * (x_hat - taylor) / one_minus_t**N


def tada_closed_forms(N: int) -> dict:
    """The sympy closed forms of TADA for ``N`` variables per coordinate.

    Returns
    -------
    dict
        ``t``, ``k`` (symbols: time and the detail knob, the variance of the last prior
        variable), ``mu`` (``N x 1``), ``M`` (``N x N``), ``S0`` (``diag(1, ..., 1, k)``) and
        ``Sigma = M S0 M^T``, all sympy matrices with polynomial entries.

    Examples
    --------
    >>> cf = tada_closed_forms(1)
    >>> cf["mu"][0], cf["M"][0, 0], sympy.factor(cf["Sigma"][0, 0])
    (t, 1 - t, k*(t - 1)**2)
    """
    N = _check_order(N)
    t, k = sympy.symbols("t k")
    mu = sympy.Matrix(tada_mu(t, N))
    M = sympy.Matrix(tada_M(t, N))
    S0 = sympy.diag(*([1] * (N - 1) + [k]))
    Sigma = (M * S0 * M.T).applyfunc(sympy.expand)
    return {"t": t, "k": k, "mu": mu, "M": M, "S0": S0, "Sigma": Sigma}


def tada_dynamics_residuals(N: int) -> list:
    """The residuals of the TADA dynamics along ``z_t = M_t z_0 + mu_t x1``, times ``(1-t)^N``.

    Entry ``j < N-1`` is ``(1-t)^N (dz_j/dt - z_{j+1})``, the last entry is
    ``(1-t)^N (dz_{N-1}/dt - F(t, z_t, x1))``; all are polynomials in ``t``, ``z_0`` and ``x1``
    and vanish identically exactly when the closed forms solve the dynamics.

    Examples
    --------
    >>> tada_dynamics_residuals(3)
    [0, 0, 0]
    """
    N = _check_order(N)
    cf = tada_closed_forms(N)
    t = cf["t"]
    z0 = sympy.Matrix(sympy.symbols(f"z0_0:{N}"))
    x1 = sympy.Symbol("x1")
    z = cf["M"] * z0 + cf["mu"] * x1
    weight = (1 - t) ** N
    residuals = []
    for j in range(N):
        target = z[j + 1] if j < N - 1 else tada_force(t, list(z), x1, N)
        residuals.append(sympy.expand(sympy.cancel(weight * (sympy.diff(z[j], t) - target))))
    return residuals


def verify_closed_forms(N: int) -> bool:
    """True when the closed forms solve the dynamics, start at ``z_0`` and kill the noise at ``t = 1``.

    Checks with sympy: the residuals of :func:`tada_dynamics_residuals` vanish, ``M_0 = I``,
    ``mu_0 = 0``, ``mu_1[0] = 1``, the position row of ``M_1`` is zero and the position
    variance ``Sigma_1[0, 0]`` is zero.

    Examples
    --------
    >>> all(verify_closed_forms(N) for N in (1, 2, 3))
    True
    """
    cf = tada_closed_forms(N)
    t = cf["t"]
    ok = all(r == 0 for r in tada_dynamics_residuals(N))
    ok &= cf["M"].subs(t, 0) == sympy.eye(N) and cf["mu"].subs(t, 0) == sympy.zeros(N, 1)
    ok &= cf["mu"][0].subs(t, 1) == 1 and all(cf["M"][0, j].subs(t, 1) == 0 for j in range(N))
    ok &= sympy.expand(cf["Sigma"][0, 0].subs(t, 1)) == 0
    return bool(ok)


def effective_sigma_squared(N: int):
    """``s_eff(t)^2 = 1 / (mu_t^T Sigma_t^{-1} mu_t)`` as a sympy rational function of ``t`` and ``k``.

    The statistic ``y_t = r_t^T z_t`` with ``r_t = Sigma_t^{-1} mu_t s_eff^2`` is distributed as
    ``N(x1, s_eff^2)`` given ``x1``, so an EDM denoiser ``D(y; s_eff)`` gives the data prediction.

    Examples
    --------
    >>> t, k = sympy.symbols("t k")
    >>> sympy.factor(effective_sigma_squared(1))
    k*(t - 1)**2/t**2
    """
    cf = tada_closed_forms(N)
    mu, Sigma = cf["mu"], cf["Sigma"]
    precision = sympy.cancel((mu.T * Sigma.adjugate() * mu)[0, 0] / Sigma.det())
    return sympy.cancel(1 / precision)


def flow_matching_residual():
    """With ``N = 1``, TADA's ODE in ``(y, sigma) = (x/t, c(1-t)/t)`` minus the EDM PF ODE.

    Returns the numerator (a sympy polynomial in ``t, x, D, c``) of
    ``dy/dsigma - (y - D)/sigma`` when ``dx/dt = F = (D - x)/(1 - t)``; it is zero, so the N = 1
    TADA ODE *is* the flow-matching ODE, i.e. the EDM probability-flow ODE under this change of
    variables (``c**2 = k`` is the detail knob's variance).

    Examples
    --------
    >>> flow_matching_residual()
    0
    """
    t, x, D, c = sympy.symbols("t x D c")
    F = tada_force(t, [x], D, 1)
    y = x / t
    sigma = c * (1 - t) / t
    dy_dt = sympy.diff(y, t) + sympy.diff(y, x) * F
    dy_dsigma = dy_dt / sympy.diff(sigma, t)
    numerator, _ = sympy.fraction(sympy.together(dy_dsigma - (y - D) / sigma))
    return sympy.expand(numerator)


def poly_terms(expr, variables: Sequence) -> list[list]:
    """Exponent vectors and exact coefficients of a polynomial, for certificates.

    Returns
    -------
    list of ``[exponents, "p/q"]``, in sympy's term order; ``[]`` for the zero polynomial.

    Examples
    --------
    >>> t, k = sympy.symbols("t k")
    >>> poly_terms(k * (1 - t) ** 2 / 2, [t, k])
    [[[2, 1], '1/2'], [[1, 1], '-1'], [[0, 1], '1/2']]
    """
    poly = sympy.Poly(sympy.expand(expr), *variables, domain="QQ")
    terms = []
    for exponents, coefficient in poly.terms():
        if coefficient != 0:
            q = sympy.Rational(coefficient)
            text = str(q.p) if q.q == 1 else f"{q.p}/{q.q}"
            terms.append([list(exponents), text])
    return terms


# --- exact multistep integrator -------------------------------------------------------------

def _poly_mul(a: list, b: list) -> list:
    out = [Fraction(0)] * (len(a) + len(b) - 1)
    for i, ai in enumerate(a):
        for j, bj in enumerate(b):
            out[i + j] += ai * bj
    return out


def _poly_integral(p: list, lo, hi) -> Fraction:
    return sum((c * (hi ** (n + 1) - lo ** (n + 1)) / (n + 1) for n, c in enumerate(p)), Fraction(0))


def chain_step_weights(history_times: Sequence, t_next, N: int) -> tuple[list, list]:
    """Exact weights of one step of the chain integrator with Adams-Bashforth extrapolation of F.

    From ``t = history_times[0]`` to ``t_next``: ``z_next = Phi z + W F_hist`` where
    ``Phi[j][k] = h^(k-j)/(k-j)!`` is the exact transition of the nilpotent chain and
    ``W[j][m] = int_t^{t_next} (t_next - tau)^(N-1-j)/(N-1-j)! L_m(tau) dtau`` integrates the
    polynomial through the force values ``F_hist[m]`` at ``history_times[m]`` (newest first;
    ``len(history_times)`` is the Adams-Bashforth order).

    Parameters
    ----------
    history_times : sequence of rationals
        Distinct times, newest first.
    t_next : rational
    N : int

    Returns
    -------
    (Phi, W) : lists of lists of Fraction, ``N x N`` and ``N x order``.

    Examples
    --------
    >>> Phi, W = chain_step_weights([Fraction(0)], Fraction(1, 2), 1)    # Euler in t
    >>> Phi, W
    ([[Fraction(1, 1)]], [[Fraction(1, 2)]])
    >>> chain_step_weights([Fraction(1, 2), Fraction(0)], Fraction(1), 1)[1]    # AB2
    [[Fraction(3, 4), Fraction(-1, 4)]]
    """
    N = _check_order(N)
    nodes = [Fraction(v) for v in history_times]
    t_next = Fraction(t_next)
    if not nodes or len(set(nodes)) != len(nodes):
        raise UsageError("history_times must be a non-empty list of distinct times")
    t_now = nodes[0]
    h = t_next - t_now
    Phi = [[h ** (k - j) / math.factorial(k - j) if k >= j else Fraction(0) for k in range(N)] for j in range(N)]
    lagrange = []
    for m, node in enumerate(nodes):
        basis = [Fraction(1)]
        for other_index, other in enumerate(nodes):
            if other_index != m:
                basis = _poly_mul(basis, [-other / (node - other), 1 / (node - other)])
        lagrange.append(basis)
    W = []
    for j in range(N):
        power = N - 1 - j
        # (t_next - tau)^power / power! as a polynomial in tau
        kernel = [Fraction(math.comb(power, i) * (-1) ** i) * t_next ** (power - i) / math.factorial(power)
                  for i in range(power + 1)]
        W.append([_poly_integral(_poly_mul(kernel, basis), t_now, t_next) for basis in lagrange])
    return Phi, W


def tada_exact_step(z: Sequence, forces: Sequence, history_times: Sequence, t_next, N: int) -> list:
    """One exact step ``z_next = Phi z + W forces`` (see :func:`chain_step_weights`).

    Examples
    --------
    >>> tada_exact_step([Fraction(0)], [Fraction(2)], [Fraction(1, 2)], Fraction(1), 1)
    [Fraction(1, 1)]
    """
    Phi, W = chain_step_weights(history_times, t_next, N)
    return [sum((Phi[j][k] * z[k] for k in range(N)), Fraction(0))
            + sum((W[j][m] * forces[m] for m in range(len(forces))), Fraction(0)) for j in range(N)]


def tada_exact_trajectory(
    z_init: Sequence,
    times: Sequence,
    N: int,
    order: int,
    data_prediction: Callable[[list, Fraction], Fraction],
) -> tuple[list[list[Fraction]], list[Fraction]]:
    """Run the TADA multistep sampler for one coordinate in exact rational arithmetic.

    Step ``i`` evaluates ``x_hat = data_prediction(z_i, t_i)``, the force ``F_i`` and moves to
    ``t_{i+1}`` with Adams-Bashforth order ``min(order, i + 1)`` (lower orders at the start).

    Parameters
    ----------
    z_init : sequence of rationals
        The ``N`` chain variables at ``times[0]``.
    times : sequence of rationals
        Increasing, ``0 <= times[0]``, ``times[-1] <= 1``; the force is evaluated at every time
        but the last, so only the last may equal 1.
    N : int
    order : int
        Adams-Bashforth order, 1..3.
    data_prediction : callable
        ``(z, t) -> x_hat``.

    Returns
    -------
    (states, forces)
        ``len(times)`` states and ``len(times) - 1`` forces.

    Examples
    --------
    >>> ts = [Fraction(0), Fraction(1, 3), Fraction(3, 4), Fraction(1)]
    >>> states, _ = tada_exact_trajectory([Fraction(5), Fraction(-1)], ts, 2, 3, lambda z, t: Fraction(7, 2))
    >>> states[-1][0]    # a point mass at 7/2: lands exactly on it
    Fraction(7, 2)
    """
    N = _check_order(N)
    if order not in (1, 2, 3):
        raise UsageError(f"Adams-Bashforth order must be 1, 2 or 3, got {order!r}")
    times = [Fraction(v) for v in times]
    if len(times) < 2 or any(b <= a for a, b in zip(times, times[1:])):
        raise UsageError("times must be increasing with at least two entries (one step)")
    if times[0] < 0 or times[-1] > 1 or 1 in times[:-1]:
        raise UsageError("times must lie in [0, 1], and only the last may equal 1")
    z = [Fraction(v) for v in z_init]
    if len(z) != N:
        raise UsageError(f"z_init has {len(z)} entries, expected N = {N}")
    states, forces = [z], []
    for i in range(len(times) - 1):
        x_hat = Fraction(data_prediction(list(z), times[i]))
        forces.append(tada_force(times[i], z, x_hat, N))
        q = min(order, i + 1)
        z = tada_exact_step(z, forces[::-1][:q], times[i::-1][:q], times[i + 1], N)
        states.append(z)
    return states, forces
