"""Diffusion samplers as plain functions: Euler, Heun (EDM), DPM-Solver++(2M/3M) and TADA.

Every sampler has one signature, as in k-diffusion::

    sample(denoiser, x_T_or_noise, sigmas, **options) -> x_0

* ``denoiser(x, sigma)`` is any EDM-style data predictor ``D(x; sigma)``: ``x`` a tensor,
  ``sigma`` a Python float, the result a tensor of the shape of ``x``.
* ``sigmas`` is a strictly decreasing 1-D grid, usually :func:`karras_sigmas` (ending in 0).
* The baselines start from ``x_T = sigmas[0] * eps`` (variance-exploding EDM convention,
  ``x_s = x_0 + s n``); :func:`tada` starts from standard normal ``noise`` of shape
  ``(N, *x.shape)``, the augmented prior (see :mod:`lincomb.theory.tada`).

One denoiser call per step for every sampler except Heun (``2 steps - 1`` calls); TADA's
time grid has effective noise level ``s_eff(t_i) = sigmas[i]``, so all samplers see the same
noise levels.  The exact step weights of TADA come from :func:`lincomb.theory.tada.chain_step_weights`.

Examples
--------
>>> import torch
>>> from lincomb.learn.denoisers import GaussianDenoiser
>>> D = GaussianDenoiser(torch.zeros(2, dtype=torch.float64), torch.eye(2, dtype=torch.float64))
>>> sigmas = karras_sigmas(8)
>>> x_T = sigmas[0] * torch.randn(5, 2, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
>>> dpmpp_2m(D, x_T, sigmas).shape
torch.Size([5, 2])
>>> tada(D, torch.randn(2, 5, 2, dtype=torch.float64), sigmas, N=2, order=2).shape
torch.Size([5, 2])
"""

from __future__ import annotations

import functools
import math
from fractions import Fraction
from typing import Callable

import numpy as np
import torch

from lincomb.errors import ShapeError, UsageError
from lincomb.theory.tada import chain_step_weights, tada_M, tada_mu

__all__ = [
    "SAMPLERS",
    "karras_sigmas",
    "euler",
    "heun",
    "dpmpp_2m",
    "dpmpp_3m",
    "tada",
    "tada_from_state",
    "tada_coefficients",
    "tada_times",
    "sample",
    "nfe_of",
    "steps_for_nfe",
]

Denoiser = Callable[[torch.Tensor, float], torch.Tensor]


def karras_sigmas(nfe: int, sigma_min: float = 0.002, sigma_max: float = 80.0, rho: float = 7.0,
                  dtype=torch.float64) -> torch.Tensor:
    """The EDM (Karras et al. 2022) noise grid with ``nfe`` levels, followed by 0.

    ``s_i = (smax^(1/rho) + i/(n-1) (smin^(1/rho) - smax^(1/rho)))^rho`` for ``i < n``, then 0.

    Parameters
    ----------
    nfe : int
        Number of noise levels (the number of steps), ``>= 1``.
    sigma_min, sigma_max, rho : float

    Returns
    -------
    torch.Tensor
        ``nfe + 1`` strictly decreasing values ending in 0.

    Raises
    ------
    lincomb.errors.UsageError
        When ``nfe < 1`` or ``0 < sigma_min < sigma_max`` fails.

    Examples
    --------
    >>> karras_sigmas(3).tolist()
    [80.0, 2.515..., 0.002, 0.0]
    >>> karras_sigmas(0)
    Traceback (most recent call last):
    ...
    lincomb.errors.UsageError: NFE must be an integer >= 1, got 0
    """
    if isinstance(nfe, bool) or not isinstance(nfe, int) or nfe < 1:
        raise UsageError(f"NFE must be an integer >= 1, got {nfe!r}")
    if not 0 < sigma_min < sigma_max:
        raise UsageError(f"need 0 < sigma_min < sigma_max, got {sigma_min} and {sigma_max}")
    if nfe == 1:
        levels = [sigma_max]
    else:
        lo, hi = sigma_min ** (1 / rho), sigma_max ** (1 / rho)
        levels = [(hi + i / (nfe - 1) * (lo - hi)) ** rho for i in range(nfe)]
        levels[0], levels[-1] = sigma_max, sigma_min  # exact ends, no rounding residue
    return torch.tensor(levels + [0.0], dtype=dtype)


def _check_sigmas(sigmas) -> list[float]:
    values = torch.as_tensor(sigmas, dtype=torch.float64)
    if values.ndim != 1 or values.numel() < 2:
        raise UsageError(
            f"sigmas must be a 1-D grid with at least 2 entries (NFE >= 1), got shape {tuple(values.shape)}; "
            "use karras_sigmas(nfe)")
    out = values.tolist()
    if not all(math.isfinite(s) for s in out) or out[-1] < 0:
        raise UsageError("sigmas must be finite and non-negative")
    if any(b >= a for a, b in zip(out, out[1:])):
        raise UsageError(f"sigmas must be strictly decreasing (from noise to data), got {out}")
    return out


def _denoise(denoiser: Denoiser, x: torch.Tensor, sigma: float) -> torch.Tensor:
    out = denoiser(x, sigma)
    if not isinstance(out, torch.Tensor) or out.shape != x.shape:
        shape = tuple(out.shape) if isinstance(out, torch.Tensor) else type(out).__name__
        raise ShapeError(
            f"the denoiser returned {shape} for an input of shape {tuple(x.shape)}; "
            "D(x, sigma) must return a tensor of the input's shape")
    return out


def euler(denoiser: Denoiser, x: torch.Tensor, sigmas) -> torch.Tensor:
    """Euler on the probability-flow ODE ``dx/ds = (x - D(x; s))/s``.

    Examples
    --------
    >>> import torch
    >>> point = lambda x, s: torch.full_like(x, 3.0)    # data = the point 3
    >>> euler(point, torch.tensor([80.0]), karras_sigmas(2))
    tensor([3.])
    """
    grid = _check_sigmas(sigmas)
    for s, s_next in zip(grid, grid[1:]):
        d = (x - _denoise(denoiser, x, s)) / s
        x = x + (s_next - s) * d
    return x


def heun(denoiser: Denoiser, x: torch.Tensor, sigmas) -> torch.Tensor:
    """EDM's Heun sampler (Karras et al. 2022, Alg. 1): Euler predictor, trapezoid corrector.

    The last step into ``sigma = 0`` is plain Euler, so ``n`` steps cost ``2n - 1`` calls.

    Examples
    --------
    >>> import torch
    >>> calls = []
    >>> def point(x, s):
    ...     calls.append(s)
    ...     return torch.zeros_like(x)
    >>> heun(point, torch.tensor([80.0]), karras_sigmas(3)), len(calls)
    (tensor([0.]), 5)
    """
    grid = _check_sigmas(sigmas)
    for s, s_next in zip(grid, grid[1:]):
        d = (x - _denoise(denoiser, x, s)) / s
        x_next = x + (s_next - s) * d
        if s_next > 0:
            d_next = (x_next - _denoise(denoiser, x_next, s_next)) / s_next
            x_next = x + (s_next - s) * (d + d_next) / 2
        x = x_next
    return x


def dpmpp_2m(denoiser: Denoiser, x: torch.Tensor, sigmas) -> torch.Tensor:
    """DPM-Solver++(2M) (Lu et al. 2022), the k-diffusion form, deterministic.

    With ``h = log(s_i/s_{i+1})``: ``x <- (s_{i+1}/s_i) x - (e^{-h} - 1) D'``, where
    ``D' = D_i`` on the first step and into ``sigma = 0``, else
    ``D' = (1 + 1/(2r)) D_i - 1/(2r) D_{i-1}`` with ``r = h_{i-1}/h``.

    Examples
    --------
    >>> import torch
    >>> dpmpp_2m(lambda x, s: torch.full_like(x, -1.0), torch.tensor([80.0, 3.0]), karras_sigmas(4))
    tensor([-1., -1.])
    """
    grid = _check_sigmas(sigmas)
    previous, h_last = None, None
    for s, s_next in zip(grid, grid[1:]):
        denoised = _denoise(denoiser, x, s)
        if s_next == 0:
            x = denoised
            break
        h = math.log(s / s_next)
        if previous is None:
            estimate = denoised
        else:
            r = h_last / h
            estimate = (1 + 1 / (2 * r)) * denoised - (1 / (2 * r)) * previous
        x = (s_next / s) * x - math.expm1(-h) * estimate
        previous, h_last = denoised, h
    return x


def dpmpp_3m(denoiser: Denoiser, x: torch.Tensor, sigmas) -> torch.Tensor:
    """DPM-Solver++(3M): third-order multistep in log-sigma (k-diffusion's 3M SDE with eta = 0).

    Examples
    --------
    >>> import torch
    >>> dpmpp_3m(lambda x, s: torch.zeros_like(x), torch.tensor([80.0]), karras_sigmas(5))
    tensor([0.])
    """
    grid = _check_sigmas(sigmas)
    d1_prev = d2_prev = None
    h1 = h2 = None
    for s, s_next in zip(grid, grid[1:]):
        denoised = _denoise(denoiser, x, s)
        if s_next == 0:
            x = denoised
            break
        h = math.log(s / s_next)
        x = math.exp(-h) * x - math.expm1(-h) * denoised
        phi_2 = math.expm1(-h) / h + 1
        if h2 is not None:
            r0, r1 = h1 / h, h2 / h
            d1_0 = (denoised - d1_prev) / r0
            d1_1 = (d1_prev - d2_prev) / r1
            d1 = d1_0 + (d1_0 - d1_1) * r0 / (r0 + r1)
            d2 = (d1_0 - d1_1) / (r0 + r1)
            phi_3 = phi_2 / h - 0.5
            x = x + phi_2 * d1 - phi_3 * d2
        elif h1 is not None:
            x = x + phi_2 * (denoised - d1_prev) / (h1 / h)
        d1_prev, d2_prev = denoised, d1_prev
        h1, h2 = h, h1
    return x


# --- TADA -----------------------------------------------------------------------------------

def _check_tada_options(N, order, k) -> None:
    if isinstance(N, bool) or not isinstance(N, int) or N < 1:
        raise UsageError(f"N (variables per coordinate) must be an integer >= 1, got {N!r}")
    if order not in (1, 2, 3):
        raise UsageError(f"order (Adams-Bashforth) must be 1, 2 or 3, got {order!r}")
    if not (isinstance(k, (int, float)) and k > 0 and math.isfinite(k)):
        raise UsageError(f"the detail knob k (prior variance of the last variable) must be > 0, got {k!r}")


def tada_coefficients(t: float, N: int, k: float = 1.0) -> dict:
    """TADA's ``mu_t``, ``M_t``, ``Sigma_t``, ``s_eff(t)`` and ``r_t`` in float64 (numpy).

    ``y_t = r_t . z_t`` is distributed as ``N(x1, s_eff^2)`` given the data point ``x1``.

    Examples
    --------
    >>> c = tada_coefficients(0.5, 1)
    >>> c["s_eff"], c["r"].tolist()       # s_eff = (1 - t)/t, y = x/t
    (1.0, [2.0])
    """
    _check_tada_options(N, 1, k)
    mu = np.array([float(v) for v in tada_mu(t, N)])
    M = np.array([[float(v) for v in row] for row in tada_M(t, N)])
    S0 = np.diag([1.0] * (N - 1) + [float(k)])
    Sigma = M @ S0 @ M.T
    solved = np.linalg.solve(Sigma, mu)
    precision = float(mu @ solved)
    return {"mu": mu, "M": M, "Sigma": Sigma, "s_eff": 1 / math.sqrt(precision), "r": solved / precision}


@functools.lru_cache(maxsize=4096)
def _time_for_sigma(sigma: float, N: int, k: float) -> float:
    # Cached: the benchmark and the checks ask for the same grids many times.
    if sigma == 0:
        return 1.0
    lo, hi = 0.0, 1.0  # s_eff decreases from infinity (t = 0) to 0 (t = 1)
    for _ in range(200):
        mid = (lo + hi) / 2
        if mid in (lo, hi):
            break
        if tada_coefficients(mid, N, k)["s_eff"] > sigma:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def tada_times(sigmas, N: int = 2, k: float = 1.0) -> list[float]:
    """The TADA time grid ``t_i`` with ``s_eff(t_i) = sigmas[i]`` (``sigma = 0`` is ``t = 1``).

    Examples
    --------
    >>> [round(t, 6) for t in tada_times([3.0, 1.0, 0.0], N=1)]    # t = 1/(1 + s) for N = 1
    [0.25, 0.5, 1.0]
    """
    _check_tada_options(N, 1, k)
    return [_time_for_sigma(float(s), int(N), float(k)) for s in _check_sigmas(sigmas)]


def tada_from_state(denoiser: Denoiser, z: torch.Tensor, times, *, N: int = 2, order: int = 2,
                    k: float = 1.0) -> torch.Tensor:
    """Run TADA from an augmented state ``z`` (shape ``(N, *x.shape)``) along the time grid ``times``.

    Step ``i`` calls the denoiser once on ``y = r_{t_i} . z`` at ``s_eff(t_i)``, forms the force
    ``F_i`` and moves the chain exactly, extrapolating ``F`` with Adams-Bashforth of order
    ``min(order, i + 1)``.

    Returns
    -------
    torch.Tensor
        The position ``z[0]`` when the grid ends at ``t = 1``, else the statistic ``y``.

    Examples
    --------
    >>> import torch
    >>> z = torch.tensor([[2.0], [-1.0]], dtype=torch.float64)
    >>> out = tada_from_state(lambda y, s: torch.full_like(y, 0.5), z, [0.1, 0.6, 1.0], N=2, order=2)
    >>> round(out.item(), 12)
    0.5
    """
    _check_tada_options(N, order, k)
    ts = [float(t) for t in times]
    if len(ts) < 2 or any(b <= a for a, b in zip(ts, ts[1:])) or not (0 < ts[0] and ts[-1] <= 1):
        raise UsageError(f"TADA times must increase within (0, 1] with at least 2 entries, got {ts}")
    if z.ndim < 1 or z.shape[0] != N:
        raise ShapeError(f"the TADA state must have shape (N, *x.shape) with N = {N}, got {tuple(z.shape)}")
    forces: list[torch.Tensor] = []
    for i, (t, t_next) in enumerate(zip(ts, ts[1:])):
        coefficients = tada_coefficients(t, N, k)
        y = torch.tensordot(torch.as_tensor(coefficients["r"], dtype=z.dtype), z, dims=1)
        x_hat = _denoise(denoiser, y, coefficients["s_eff"])
        taylor = sum((1 - t) ** j / math.factorial(j) * z[j] for j in range(N))
        forces.insert(0, math.factorial(N) / (1 - t) ** N * (x_hat - taylor))
        q = min(order, i + 1)
        del forces[q:]
        Phi, W = chain_step_weights([Fraction(v) for v in ts[i::-1][:q]], Fraction(t_next), N)
        z = torch.stack([
            sum(float(Phi[j][m]) * z[m] for m in range(j, N)) + sum(float(W[j][m]) * forces[m] for m in range(q))
            for j in range(N)])
    if ts[-1] == 1.0:
        return z[0]
    coefficients = tada_coefficients(ts[-1], N, k)
    return torch.tensordot(torch.as_tensor(coefficients["r"], dtype=z.dtype), z, dims=1)


def tada(denoiser: Denoiser, noise: torch.Tensor, sigmas, *, N: int = 2, order: int = 2,
         k: float = 1.0) -> torch.Tensor:
    """TADA: the sampling ODE in ``N`` variables per coordinate, driven by any EDM denoiser.

    The prior sample is ``z_0 = sqrt(S0) noise`` with ``S0 = diag(1, ..., 1, k)`` (``k`` is the
    **variance** of the last variable, the detail knob); the sampler starts at
    ``z_{t_0} = M_{t_0} z_0``, where ``s_eff(t_0) = sigmas[0]`` (as the baselines start at
    ``sigmas[0] * eps``, the data's contribution at ``t_0`` is neglected), and runs
    :func:`tada_from_state` on the grid :func:`tada_times` (``len(sigmas) - 1`` denoiser calls).
    ``N = 1``, ``order = 1`` is DDIM, i.e. Euler on the flow-matching ODE.

    Parameters
    ----------
    denoiser : callable
        ``D(x, sigma)``.
    noise : torch.Tensor
        Standard normal, shape ``(N, *x.shape)``.
    sigmas : 1-D grid
        Strictly decreasing effective noise levels, e.g. :func:`karras_sigmas`.
    N : int
        Variables per coordinate, ``>= 1``.
    order : int
        Adams-Bashforth order of the force extrapolation, 1..3.
    k : float
        Detail knob, ``> 0``.

    Examples
    --------
    >>> import torch
    >>> noise = torch.randn(3, 4, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    >>> out = tada(lambda x, s: torch.full_like(x, 2.0), noise, karras_sigmas(6), N=3, order=3, k=4.0)
    >>> torch.allclose(out, torch.full((4,), 2.0, dtype=torch.float64))
    True
    """
    _check_tada_options(N, order, k)
    ts = tada_times(sigmas, N, k)
    if noise.ndim < 1 or noise.shape[0] != N:
        raise ShapeError(f"TADA noise must have shape (N, *x.shape) with N = {N}, got {tuple(noise.shape)}")
    scale = torch.ones(N, dtype=noise.dtype)
    scale[-1] = math.sqrt(k)
    z0 = noise * scale.reshape((N,) + (1,) * (noise.ndim - 1))
    M = torch.as_tensor(tada_coefficients(ts[0], N, k)["M"], dtype=noise.dtype)
    return tada_from_state(denoiser, torch.tensordot(M, z0, dims=1), ts, N=N, order=order, k=k)


#: name -> sampler; every one has the signature ``(denoiser, x_T_or_noise, sigmas, **options)``.
SAMPLERS: dict[str, Callable] = {
    "euler": euler,
    "heun": heun,
    "dpmpp_2m": dpmpp_2m,
    "dpmpp_3m": dpmpp_3m,
    "tada": tada,
}


def nfe_of(name: str, steps: int) -> int:
    """Denoiser calls of sampler ``name`` on a grid with ``steps`` steps into ``sigma = 0``.

    Examples
    --------
    >>> nfe_of("heun", 5), nfe_of("tada", 5)
    (9, 5)
    """
    if name not in SAMPLERS:
        raise UsageError(f"unknown sampler {name!r}; known: {', '.join(SAMPLERS)}")
    return 2 * steps - 1 if name == "heun" else steps


def steps_for_nfe(name: str, nfe: int) -> int:
    """The most steps sampler ``name`` can take within ``nfe`` denoiser calls.

    Examples
    --------
    >>> steps_for_nfe("heun", 10), steps_for_nfe("dpmpp_2m", 10)
    (5, 10)
    """
    if isinstance(nfe, bool) or not isinstance(nfe, int) or nfe < 1:
        raise UsageError(f"NFE must be an integer >= 1, got {nfe!r}")
    return (nfe + 1) // 2 if name == "heun" else nfe if name in SAMPLERS else nfe_of(name, nfe)


def sample(name: str, denoiser: Denoiser, shape, nfe: int, *, generator: torch.Generator | None = None,
           dtype=torch.float64, sigma_min: float = 0.002, sigma_max: float = 80.0, **options) -> torch.Tensor:
    """Draw samples with sampler ``name`` within ``nfe`` calls on the Karras grid (rho = 7).

    Parameters
    ----------
    name : str
        A key of :data:`SAMPLERS`.
    denoiser : callable
    shape : tuple
        Shape of the output batch.
    nfe : int
        Budget of denoiser calls, ``>= 1``.
    generator : torch.Generator, optional
        For reproducible noise.
    options
        Passed to the sampler (e.g. ``N``, ``order``, ``k`` for TADA).

    Examples
    --------
    >>> import torch
    >>> g = torch.Generator().manual_seed(0)
    >>> sample("tada", lambda x, s: torch.zeros_like(x), (3, 2), 4, generator=g, N=2).abs().max() < 1e-9
    tensor(True)
    """
    sampler = SAMPLERS.get(name)
    if sampler is None:
        raise UsageError(f"unknown sampler {name!r}; known: {', '.join(SAMPLERS)}")
    sigmas = karras_sigmas(steps_for_nfe(name, nfe), sigma_min, sigma_max, dtype=dtype)
    if name == "tada":
        N = options.get("N", 2)
        noise = torch.randn((N, *shape), generator=generator, dtype=dtype)
        return sampler(denoiser, noise, sigmas, **options)
    x_T = sigmas[0] * torch.randn(tuple(shape), generator=generator, dtype=dtype)
    return sampler(denoiser, x_T, sigmas, **options)
