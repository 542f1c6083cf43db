"""Diffusion samplers as plain functions: Euler, Heun (EDM), DPM-Solver++(2M/3M), UniPC and TADA.

Every sampler has one signature, as in k-diffusion::

    sample(denoiser, x_T_or_noise, sigmas, **options) -> x_0

* ``denoiser(x, sigma)`` is any EDM-style data predictor ``D(x; sigma)``: ``x`` a tensor,
  ``sigma`` a Python float, the result a tensor of the shape of ``x``.
* ``sigmas`` is a strictly decreasing 1-D grid, usually :func:`karras_sigmas` (ending in 0).
* The baselines start from ``x_T = sigmas[0] * eps`` (variance-exploding EDM convention,
  ``x_s = x_0 + s n``); :func:`tada` starts from standard normal ``noise`` of shape
  ``(N, *x.shape)``, the augmented prior (see :mod:`lincomb.theory.tada`).

One denoiser call per step for every sampler except Heun (``2 steps - 1`` calls).  The exact
step weights of TADA come from :func:`lincomb.theory.tada.chain_step_weights`.

TADA's defaults (:data:`TADA_DEFAULTS`) and the measurements that chose them
-----------------------------------------------------------------------------
The reconstruction as first built (time grid ``s_eff(t_i)`` = the Karras grid, data's share at
``t_0`` neglected, Adams-Bashforth order 2 or 3, ``k = 1``) saved calls on the digits mixture
only.  Each detail was compared with the paper's description on a development set -- random
mixtures :func:`lincomb.learn.denoisers.random_mixture` with seeds 100..107, 1,500 samples,
Frechet distance (FD) to the exact moments, NFE 4..16 -- never on the benchmark's seeds 0..19.
A *score* below is the sum of ``log(FD / floor)`` over NFE 4, 5, 6, 8 and the 8 targets (lower
is better; ``floor`` is the FD of 1,500 exact draws).

* **Time grid** (the cause).  The paper picks ``t_i`` with ``s_eff(t_i)`` on the EDM grid.  For
  ``N = 2`` that grid spends most calls at ``t < 0.25`` (``s_eff > 1``), and its steps in ``t``
  grow by factors 8.5, 5.7, 4.0 at 4, 5, 6 steps, so the Adams-Bashforth extrapolation of the
  force over the next step is ill-conditioned exactly where few steps are taken: the error was
  not monotone in NFE (seed 100, AB2: FD 5.1, 13.6, 2.6 at NFE 4, 5, 6; AB3 63.8 at 5).
  A first fix, the power grid ``t_i = 1 - (1 - t_0)(1 - i/n)^gamma`` (:func:`tada_power_times`,
  ``grid="power"``), has step ratio at most ``1/(2^gamma - 1)`` at any ``n``; ``gamma = 1/2`` was
  best on FD (score 22.9, against 29.2 for 0.4 and 26.0 for 0.6).  But its steps *grow* towards
  ``t = 1``: its last noise level before 0 is 0.12 at 8 NFE (0.002 on the Karras grid), and the
  levels where sharp components form their spread (``s_eff`` about the component scale,
  0.01-0.05) get no step, so samples end too close to the component means.  Measured with
  :func:`lincomb.learn.sample_metrics.nearest_mean_spread` over its exact value (the *spread
  ratio*, 1 for exact draws; *spread score*: the sum of ``|log ratio|`` over the same NFE and
  targets): on development seed 106 (60-D, sharp isotropic) 0.21 / 0.41 / 0.58 at NFE 8 / 12 / 16
  against 3.15 / 1.03 / 1.10 for DPM-Solver++(2M); spread score 38.4 (2M: 83.3).  Ending the power
  grid at ``s_eff = 0.002`` with the last step from there did not help (seed 106: 0.19 / 0.28 / 0.42),
  since one long step from ``s_eff`` about 0.3 to 0.002 still skips those levels.
  Default: the **Beta grid** ``t_i = t_0 + (1 - t_0) I(i/n; a, b)`` (:func:`tada_beta_times`, the
  regularized incomplete Beta function), short steps at both ends, step ratio at most ``2^a - 1``,
  last noise level 0.13 / 0.024 / 0.0048 at 4 / 8 / 16 NFE.  Scores (FD / spread) on the
  development set: ``(a, b) = (1, 1)`` (uniform) 63.8 / 9.7, (1.5, 1.5) 39.3 / 12.3, (1.5, 1.2)
  27.9 / 13.6, (1.8, 1.1) 26.4 / 23.9, (1.5, 0.8) 23.2 / 31.5.  (1.5, 1.2) has the best sum but
  breaks the no-surprise rule on Gaussians (exact W2 0.043 at 4 NFE, 0.086 at 6 on a 2-D
  Gaussian; also (1.2, 1.2), (1.5, 1.0)); ``(1.8, 1.1)``, the default until the grid-end bullet below, keeps every no-surprise
  test (``tests/learn/test_sampling.py``).  Seed 106 with it: spread ratio 0.59 / 0.74 / 0.84 at
  NFE 8 / 12 / 16, FD 0.52 / 0.59 / 0.64 of the floor.  What it costs: on broad Gaussians the exact
  W2 error at 16 NFE is 3 to 6 times the power grid's (0.033 against 0.009 for a 2-D Gaussian of
  scale 1; 0.082 against 0.013 at scale 2), the steps it spends at low noise are wasted there; and
  at 8 NFE the spread is still 30-40 % short on sharp targets.  No fixed grid resolved both the
  scale of broad targets and that of sharp components at 8 NFE on the development set (the
  extrapolation variable below addresses the sharp side).  Note:
  DPM-Solver++(2M) on the same noise levels ``s_eff(t_i)`` gains much of TADA's FD advantage
  (``benchmarks/sampling_family.py`` reports it as ``dpmpp_2m_tada_grid``): much of TADA's saving
  is its grid.  (Scores of this bullet from one script, floor = mean FD of 4 exact draws, which
  gives the power grid 22.9 where the bullets below, measured on the power grid and not re-measured
  on the Beta grid, give it 21.9.)
* **Extrapolation variable (the spread fix).**  With the Beta grid, samples of sharp mixtures
  still sat 20-45 % too close to their component means at 8 NFE (spread ratio 0.51-0.69 on the
  sharp development seeds 101, 103, 106, 107).  The cause is the last steps: near ``t = 1`` the
  force changes on the scale of ``log(1 - t)`` (``s_eff`` falls like a power of ``1 - t``, and a
  component of scale ``c`` forms its spread where ``s_eff`` is about ``c``), so a polynomial in
  ``t`` through the last forces cannot follow it over the long last steps; on a single sharp
  Gaussian (scale 0.01 / 0.03) the output's standard deviation is 0.46 / 0.76 of the exact one
  at 8 NFE.  Tried, on the exact Gaussian case and then on the development seeds
  (``benchmarks/sampling_family.py --first-target 100 --targets 8 --no-digits --only
  tada_previous --tada KEY=VALUE``, 3 noise seeds, criteria of that benchmark):

  - *exponential integrator in data prediction* (the linear part of the force, ``-N!/(1-t)^N
    sum (1-t)^k/k! x^(k)``, integrated exactly with the propagator ``M_t' M_t^{-1}``; only
    ``x_hat`` extrapolated, in ``t`` or in ``lambda = -log s_eff``): with the first prediction held
    it is the same update as the force held (a held ``x_hat`` lands on ``x_hat`` either way), so the
    "stiff linear part" is already exact at order 1; at order 2 it overshoots the spread (standard
    deviation ratio 1.16-1.31 at 8 NFE on a Gaussian of scale 0.3) and its Frechet distance (FD) on
    broad development targets was 1.3 to 12 times (``lambda``) and 10 to 100 times (``t``) the
    paper's form at 4-8 NFE;
  - *a corrector* (UniC-like, the next evaluation reused at no extra call): with the force
    evaluated at the predicted point (as UniPC) it is third order and 2 to 6 times more accurate on
    broad Gaussians, but unstable on sharp mixtures (spread ratio in the hundreds to thousands at
    4-8 NFE); with the force refreshed at the corrected point it is stable and no better than
    without; a corrector in data prediction (exact propagator, ``x_hat`` interpolated over the
    step) halves the broad Gaussian error at 8 NFE but makes the sharp spread smaller still
    (0.27-0.52 at 6-8 NFE);
  - *Adams-Bashforth in* ``v = (1 - c) t - c log(1 - t)`` (:func:`chain_step_weights_log`,
    ``log_share = c``): ``c = 0`` is the paper's solver, ``c = 1`` a polynomial in ``-log(1 - t)``.
    Single sharp Gaussian, standard deviation ratio at 8 / 16 NFE: 0.46 / 0.80 (c = 0), 0.56 / 0.93
    (c = 1) at scale 0.01; 0.76 / 0.91 against 0.91 / 0.99 at scale 0.03.  Development seeds,
    targets reached at <= 8 NFE (FD within tolerance / FD and spread within tolerance): c = 0
    8 / 4 of 8, c = 0.2 7 / 4, **c = 0.5 7 / 5**, c = 1 7 / 5; FD and spread both *strictly*: c = 0
    2 of 8, c = 0.5 5 of 8; spread ratio at 8 NFE on the four sharp seeds 0.51-0.69 (c = 0),
    0.77-0.98 and 1.89 on one anisotropic seed (c = 0.5), 0.83-1.38 and 2.80 (c = 1).  The price:
    broad targets need about one NFE more (seed 104: 10 against 8; seed 102: 7 against 4), and the
    order is kept (exact Gaussian test).  The spread is set mostly by the last step (into ``t = 1``):
    with ``c = 0`` on that step alone the sharp seeds fall back to 0.57-0.94 at 8 NFE, with ``c = 1``
    there 0.82-2.23; the overshoot of sharp *anisotropic* targets at 8 NFE (seed 107: 1.88) is the
    tail of a large excess at fewer steps (19.8 at 6 NFE), not made by the last step.  Default
    ``log_share = 0.5``.  This deviates from the
    paper's solver as reconstructed (Adams-Bashforth in ``t``), which ``log_share=0`` restores.
* **End of the grid: the over-spread of sharp anisotropic targets (issue 16).**  With
  ``log_share = 0.5`` and the Beta grid ``(1.8, 1.1)``, 6 of the 7 sharp anisotropic family targets
  came out too spread at 8 NFE (``nearest_mean_spread`` ratio 1.1-3; 8-22 at 6 NFE, 47-300 at 4).
  Cause: the sample is a fixed linear combination of the denoiser outputs, ``x = sum_i c_i x_hat_i``
  (``sum c_i = 1``; the ``c_i`` are found by feeding unit outputs through the update, which is
  linear in them).  At 8 NFE they were ``1.63, -0.94, 0.41, -0.13, 0.03`` on the outputs at
  ``s_eff = 0.024, 0.13, 0.40, 0.98, 2.3``: alternating and growing towards the end, the parasitic
  root of Adams-Bashforth 2 on the stiff linear part of the force (rates ``j/(1 - t)``, ``j <= N``;
  the last two steps have ``N h / (1 - t) = 1.0`` and ``2.0``, at or beyond AB2's real stability
  bound 1; with ``log_share = 0``: ``1.33, -0.45, 0.15``).  So about 1.5 of weight falls on outputs
  at ``s_eff >= 0.13``, where a mixture of components of scale 0.01-0.05 is not yet resolved
  (posterior still mixing), and their error lands in the sample, across directions in which the
  exact spread is tiny.  Checks (family subset: the 7 sharp anisotropic targets and 5 others, 2 noise
  seeds, 1,500 samples, a development script with the benchmark's criteria; these are benchmark
  seeds, not held out, so the family numbers after this change are not an out-of-sample
  measurement): order 1 on the step
  into ``t = 1`` (the sample is then the last output) takes the spread at 4 NFE from 133 to 1.2 on
  mix0, so the excess is made there, but on this grid the last output is at ``s_eff = 0.024`` and
  the samples collapse (0.41-0.72 at 8 NFE); forcing order 1 wherever ``N h/(1 - t) > 1`` collapses
  them as well (0.26-0.45), since first-order steps over large noise ratios shrink the spread.
  What works is a grid whose last calls fall where the components are resolved: ``b`` from 1.1
  to 1.5 puts the last two calls at ``s_eff = 0.045, 0.0052`` (8 NFE) and the weights become
  ``1.47, -0.71, 0.32, -0.11`` on ``0.0052, 0.045, 0.18, 0.51`` (0.46 on ``s_eff >= 0.1``).
  Targets reached at <= 8 NFE on 14 targets (the 7 sharp anisotropic, 3 sharp isotropic, 2 broad
  isotropic family targets, development seeds 100 and 104), FD / FD and spread within tolerance:
  ``b = 1.1`` 14 / 7, 1.5 14 / 10, 1.6 14 / 10, 1.7 12 / 10, 2.0 11 / 9.  The rule that fixes
  ``b``: the largest (in steps of 0.1) that keeps the exact-Gaussian no-surprise test (W2 never
  rising by more than 5 % from 4 to 16 NFE; a 4-D Gaussian of scale 2 goes 0.53 -> 0.57 at 4 -> 6
  NFE with ``b = 1.6``, 0.42 -> 0.56 with 1.7; 0.63 -> 0.57 with 1.5).  Default ``beta = (1.8, 1.5)``.
  The price: a sharp isotropic Gaussian (scale 0.03) keeps a standard deviation ratio of 0.84 at
  8 NFE (0.88 before).  Not adopted: the UniPC-style corrector at the predicted point (unstable on
  sharp mixtures, above; not retried); order 1 into ``t = 1`` together with the new grid (on the
  first 12 targets: 11 / 6 with ``b = 1.5``; 12 / 8 with ``b = 2``, where order 2 gives 12 / 9).
  Whole family (``benchmarks/sampling_family.py --seeds 5 --network``), former grid in the same run:
  fd_res 90 % / 90 %, joint_res 60 % / 55 % at <= 8 NFE; sharp anisotropic spread at 8 NFE
  0.76-0.93 and 1.28 (before 0.97-3.05).  In that run (tolerance from 12 exact draws) mix5 and mix14
  seemed to reach 2M@16's FD later than 2M itself (mix5 missed at 16 NFE by 1 %, mix14 at 12 against 10)
  and the digits network took 10 NFE (8); the next point shows the first was the comparison's resolution.
* **mix5 and mix14: resolution, not a stall (issue 16).**  At 20,000 samples TADA converges on mix5
  (FD 0.054 / 0.012 / 0.004 at 8 / 16 / 32 NFE, noise seed 1; floor 0.002-0.006) while 2M stops at 0.034 at 32 NFE
  (it neglects the data at ``sigma_max = 80``; its share of the small component converges to 0.284 against 0.275).
  At 1,500 samples mix5's FD is dominated by how many samples fall into each of its two far-apart components, and
  the floor's standard deviation from 12 exact draws (0.015) was less than half that from 200 (0.039).  The
  benchmark now takes the floor from 100 draws and checks at 10,000 samples (``--large``): TADA is never later than
  2M by either (``fd_res`` 95 %, large n 80 % of the family at <= 8 NFE); the defaults are unchanged
  (``docs/sampling_tada.md``).
* **Start state.**  ``z_{t_0} = M_{t_0} z_0`` (the data's share ``mu_{t_0} x1`` neglected, as the
  baselines neglect ``x_0`` in ``x_T``) means ``x_hat = 0`` on ``[0, t_0]``: an error of order
  ``t_0 |E x1|`` that no NFE removes (4-D Gaussian, exact W2 at NFE 64: 4.1e-2, as large as
  DPM-Solver++(2M)'s own neglect floor 4.1e-2).  Default ``start="predicted"``: the first call
  also supplies the share, ``z_{t_0} = M_{t_0} z_0 + mu_{t_0} x_hat_0``, the exact flow from the
  prior at ``t = 0`` with the first prediction held (W2 3.1e-3 at NFE 64; 1.1e-3 from the exact
  marginal); no extra call.
* **Order.**  Lower order at the first steps (``min(order, i + 1)``) as the paper's multistep
  solver; AB2 (score 21.9) over AB3 (47.8, FD 5.4 at NFE 5 on seed 101) and AB1 (seed 100 FD 0.57
  against 0.12 at NFE 8).  An exponential integrator that extrapolates ``x_hat`` in
  ``lambda = -log s_eff`` with the exact propagator ``M_t' M_t^{-1}`` was tried and was worse
  (seed 100, EDM grid, NFE 6: FD 17.0 against 2.4), so TADA extrapolates the force in ``t``.
* **Detail knob k.**  The reference says "variance k" and "scale the standard deviation by k";
  the general form ``S0 = diag(1, ..., 1, k)`` with ``k`` the variance covers both (a factor ``c``
  on the standard deviation is ``k = c^2``); for every ``k`` exact integration gives the data law
  (tested: the error vanishes with NFE for k = 0.25, 1, 4).  Default ``k = 2`` (score: k = 1 27.8,
  2 21.9, 4 22.6, 8 27.4, 16 38.2).  Re-measured on the Beta grid (FD / spread score): k = 1
  26.7 / 19.9, 2 26.4 / 23.9, 4 28.1 / 28.4; order 3 44.9 / 68.4.  k = 2 was kept: k = 1's spread
  score is a little better, but was not checked against the no-surprise tests in the time left.
* **N.**  ``N = 2`` as in the paper: with the power grid, ``N = 1`` and ``N = 3`` were worse at
  few steps (seed 100, NFE 4: FD 0.88 and 5.8 against 0.28; seed 104, NFE 6: 0.30 and 1.78
  against 0.15).

UniPC (bh1, bh2) and DPM-Solver++(3M) are the stronger baselines the paper compares with; their
exact Gaussian tests measure UniPC-p at order p + 1 and DPM-Solver++(3M) at order 3 before its
first-order start dominates.

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
    "unipc",
    "unipc_bh1",
    "unipc_bh2",
    "tada",
    "tada_from_state",
    "chain_step_weights_log",
    "tada_coefficients",
    "tada_times",
    "tada_power_times",
    "tada_beta_times",
    "tada_start_time",
    "TADA_DEFAULTS",
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


def _unipc_coefficients(h: float, rks: list[float], variant: str) -> tuple[float, float, list[float]]:
    """UniPC's ``B(h)``, ``h phi_1`` and the right-hand side ``b`` (Zhao et al. 2023, data prediction)."""
    hh = -h
    h_phi_1 = math.expm1(hh)
    h_phi_k = h_phi_1 / hh - 1
    factorial = 1
    B_h = hh if variant == "bh1" else math.expm1(hh)
    b = []
    for i in range(1, len(rks) + 1):
        b.append(h_phi_k * factorial / B_h)
        factorial *= i + 1
        h_phi_k = h_phi_k / hh - 1 / factorial
    return B_h, h_phi_1, b


def _unipc_update(x: torch.Tensor, history: list, lam_from: float, lam_to: float, s_from: float, s_to: float,
                  variant: str, new=None) -> torch.Tensor:
    """UniP (``new is None``) or UniC (``new``: the evaluation at the predicted point) in data prediction."""
    h = lam_to - lam_from
    m0 = history[0][0]
    rks = [(lam - lam_from) / h for _, lam in history[1:]]
    D1s = [(m - m0) / rk for (m, _), rk in zip(history[1:], rks)]
    B_h, h_phi_1, b = _unipc_coefficients(h, rks + [1.0], variant)
    base = (s_to / s_from) * x - h_phi_1 * m0
    R = np.array([[rk ** (i - 1) for rk in rks + [1.0]] for i in range(1, len(rks) + 2)])
    if new is None:
        if not D1s:
            return base
        rhos = [0.5] if len(D1s) == 1 else np.linalg.solve(R[:-1, :-1], np.array(b[:-1])).tolist()
        return base - B_h * sum(rho * D1 for rho, D1 in zip(rhos, D1s))
    rhos = [0.5] if not D1s else np.linalg.solve(R, np.array(b)).tolist()
    correction = sum((rho * D1 for rho, D1 in zip(rhos[:-1], D1s)), torch.zeros_like(x))
    return base - B_h * (correction + rhos[-1] * (new - m0))


def unipc(denoiser: Denoiser, x: torch.Tensor, sigmas, *, order: int = 2, variant: str = "bh2") -> torch.Tensor:
    """UniPC (Zhao, Bai, Rao, Zhou, Lu 2023): multistep predictor UniP with the corrector UniC, data prediction.

    Follows the ``UniPCMultistepScheduler`` of diffusers (``predict_x0``, ``lower_order_final``) in
    the EDM parametrization (``alpha = 1``, ``lambda = -log sigma``): step ``i`` predicts with order
    ``min(order, i + 1, steps left)``; the next evaluation, at the predicted point, also corrects
    that point (UniC), so the corrector costs no extra call.  The last step into ``sigma = 0`` is
    first order, i.e. returns the last data prediction, as DPM-Solver++ does.  ``variant`` picks
    ``B(h) = h`` (``"bh1"``) or ``B(h) = e^h - 1`` (``"bh2"``).  Default ``order = 2``, the diffusers
    default: on the Karras grid (sigma from 80) at 4..8 calls, order 3 was unstable on the
    development mixtures (seeds 100, 101, 105, 106; e.g. seed 105 at NFE 6: FD 19.6 for order 3,
    1.9 for order 2, bh2), and ``bh1`` far more so at 4 calls (its order-1 corrector weight ``h/2``
    overshoots when ``h = log(80/9.8) = 2.1``).

    Examples
    --------
    >>> import torch
    >>> unipc(lambda x, s: torch.full_like(x, 0.5), torch.tensor([80.0, -3.0]), karras_sigmas(6), variant="bh1")
    tensor([0.5000, 0.5000])
    """
    if order not in (1, 2, 3):
        raise UsageError(f"UniPC order must be 1, 2 or 3, got {order!r}")
    if variant not in ("bh1", "bh2"):
        raise UsageError(f"UniPC variant must be 'bh1' or 'bh2', got {variant!r}")
    grid = _check_sigmas(sigmas)
    steps = len(grid) - 1
    history: list = []           # (data prediction, lambda), newest first
    x_before, used_order = None, 0
    for i in range(steps):
        s, s_next = grid[i], grid[i + 1]
        denoised = _denoise(denoiser, x, s)
        if history:   # UniC: correct the point just predicted with the evaluation there
            x = _unipc_update(x_before, history[:used_order], history[0][1], -math.log(s), grid[i - 1], s,
                              variant, new=denoised)
        history.insert(0, (denoised, -math.log(s)))
        del history[order:]
        if s_next == 0:
            return denoised
        used_order = min(order, len(history), steps - i)
        x_before = x
        x = _unipc_update(x, history[:used_order], -math.log(s), -math.log(s_next), s, s_next, variant)
    return x


def unipc_bh1(denoiser: Denoiser, x: torch.Tensor, sigmas, *, order: int = 2) -> torch.Tensor:
    """UniPC with ``B(h) = h`` (see :func:`unipc`).

    Examples
    --------
    >>> import torch
    >>> unipc_bh1(lambda x, s: torch.zeros_like(x), torch.tensor([80.0]), karras_sigmas(4))
    tensor([0.])
    """
    return unipc(denoiser, x, sigmas, order=order, variant="bh1")


def unipc_bh2(denoiser: Denoiser, x: torch.Tensor, sigmas, *, order: int = 2) -> torch.Tensor:
    """UniPC with ``B(h) = e^h - 1`` (see :func:`unipc`).

    Examples
    --------
    >>> import torch
    >>> unipc_bh2(lambda x, s: torch.zeros_like(x), torch.tensor([80.0]), karras_sigmas(4))
    tensor([0.])
    """
    return unipc(denoiser, x, sigmas, order=order, variant="bh2")


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


def tada_start_time(sigma: float, N: int = 2, k: float = 1.0) -> float:
    """The time ``t`` with ``s_eff(t) = sigma`` (bisection; ``sigma = 0`` is ``t = 1``).

    Examples
    --------
    >>> round(tada_start_time(80.0, N=1), 6)          # t = 1/(1 + sigma) for N = 1, k = 1
    0.012346
    """
    _check_tada_options(N, 1, k)
    if not (sigma >= 0 and math.isfinite(sigma)):
        raise UsageError(f"sigma must be a finite number >= 0, got {sigma}")
    return _time_for_sigma(float(sigma), int(N), float(k))


def tada_times(sigmas, N: int = 2, k: float = 1.0) -> list[float]:
    """The TADA time grid ``t_i`` with ``s_eff(t_i) = sigmas[i]`` (``sigma = 0`` is ``t = 1``).

    Examples
    --------
    >>> [round(t, 6) for t in tada_times([3.0, 1.0, 0.0], N=1)]    # t = 1/(1 + s) for N = 1
    [0.25, 0.5, 1.0]
    """
    _check_tada_options(N, 1, k)
    return [_time_for_sigma(float(s), int(N), float(k)) for s in _check_sigmas(sigmas)]


#: Gauss-Legendre and Gauss-Laguerre nodes for the step weights of :func:`chain_step_weights_log`.
_LEGENDRE = np.polynomial.legendre.leggauss(24)
_LAGUERRE = np.polynomial.laguerre.laggauss(24)


def _lagrange_values(nodes: tuple, x: float) -> list[float]:
    values = []
    for m, node in enumerate(nodes):
        value = 1.0
        for other_index, other in enumerate(nodes):
            if other_index != m:
                value *= (x - other) / (node - other)
        values.append(value)
    return values


def _blend_variable(u: float, log_share: float) -> float:
    # v = (1 - c) t - c log(1 - t) with t = 1 - e^{-u}, u = -log(1 - t)
    return (1 - log_share) * -math.expm1(-u) + log_share * u


@functools.lru_cache(maxsize=4096)
def chain_step_weights_log(history_times: tuple, t_next: float, N: int,
                           log_share: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Weights of one chain step with the force extrapolated in ``v = (1 - c) t - c log(1 - t)``.

    As :func:`lincomb.theory.tada.chain_step_weights` (``z_next = Phi z + W F_hist``, ``Phi`` the
    exact transition of the nilpotent chain), but the Lagrange polynomial through the force values
    at ``history_times`` (newest first) is a polynomial in ``v`` with ``c = log_share``:
    ``W[j][m] = int_t^{t_next} (t_next - tau)^(N-1-j)/(N-1-j)! L_m(v(tau)) dtau``.  ``c = 0`` is
    Adams-Bashforth in ``t`` (the paper's solver); ``c = 1`` is a polynomial in
    ``u = -log(1 - t)``, which runs to infinity at ``t = 1``: the steps near the data, long in
    ``t``, are of moderate length in ``u``, and the integral still converges
    (``(1 - tau)^p log(1 - tau)`` is integrable).  Float64, by Gauss-Legendre in ``u`` (24 nodes,
    smooth integrand) and, for the step into ``t = 1``, Gauss-Laguerre (24 nodes; exact for
    ``c = 0`` and ``c = 1``, about 1e-9 relative in between).

    Examples
    --------
    >>> Phi, W = chain_step_weights_log((0.5,), 1.0, 2)     # order 1: the same for every variable
    >>> W.round(12).tolist()
    [[0.125], [0.5]]
    >>> import math
    >>> from scipy.integrate import quad
    >>> W = chain_step_weights_log((0.6, 0.3), 1.0, 2)[1]    # exact for F = u
    >>> u = lambda t: -math.log(1 - t)
    >>> abs(float(W[0, 0] * u(0.6) + W[0, 1] * u(0.3) - quad(lambda t: (1 - t) * u(t), 0.6, 1)[0])) < 1e-12
    True
    """
    if not 0 <= log_share <= 1:
        raise UsageError(f"log_share must lie in [0, 1], got {log_share!r}")
    nodes = tuple(_blend_variable(-math.log1p(-t), log_share) for t in history_times)
    t_now = history_times[0]
    h = t_next - t_now
    Phi = np.array([[h ** (k - j) / math.factorial(k - j) if k >= j else 0.0 for k in range(N)] for j in range(N)])
    W = np.zeros((N, len(nodes)))
    u_now = -math.log1p(-t_now)
    for j in range(N):
        p = N - 1 - j
        if t_next == 1.0:
            # tau = 1 - e^{-u}: (1 - tau)^p dtau = e^{-(p+1) u} du on [u_now, inf); u = u_now + x/(p+1)
            scale = math.exp(-(p + 1) * u_now) / ((p + 1) * math.factorial(p))
            for x, w in zip(*_LAGUERRE):
                W[j] += w * scale * np.array(_lagrange_values(nodes, _blend_variable(u_now + x / (p + 1), log_share)))
        else:
            u_next = -math.log1p(-t_next)
            half = (u_next - u_now) / 2
            for x, w in zip(*_LEGENDRE):
                u = u_now + half * (1 + x)
                tau = -math.expm1(-u)
                W[j] += (w * half * math.exp(-u) * (t_next - tau) ** p / math.factorial(p)
                         * np.array(_lagrange_values(nodes, _blend_variable(u, log_share))))
    return Phi, W


def tada_from_state(denoiser: Denoiser, z: torch.Tensor, times, *, N: int = 2, order: int = 2,
                    k: float = 1.0, add_start_share: bool = False, log_share: float = 0.0) -> torch.Tensor:
    """Run TADA from an augmented state ``z`` (shape ``(N, *x.shape)``) along the time grid ``times``.

    Step ``i`` calls the denoiser once on ``y = r_{t_i} . z`` at ``s_eff(t_i)``, forms the force
    ``F_i`` and moves the chain exactly, extrapolating ``F`` with Adams-Bashforth of order
    ``min(order, i + 1)``.

    With ``add_start_share``, the first prediction ``x_hat_0`` also supplies the data's share at the
    start: ``z <- z + mu_{t_0} x_hat_0`` before the first force is formed (no extra call).

    ``log_share`` (``c``) picks the variable the force is extrapolated in,
    ``v = (1 - c) t - c log(1 - t)``: ``0`` is the paper's Adams-Bashforth in ``t`` (exact rational
    weights, :func:`lincomb.theory.tada.chain_step_weights`), ``1`` a polynomial in
    ``-log(1 - t)``; see :func:`chain_step_weights_log`.

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
    if isinstance(log_share, bool) or not isinstance(log_share, (int, float)) or not 0 <= log_share <= 1:
        raise UsageError(f"log_share must be a number in [0, 1], got {log_share!r}")
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
        if i == 0 and add_start_share:
            # z_{t_0} = M_{t_0} z_0 + mu_{t_0} x_hat: the exact flow from t = 0 with the force held at
            # its first value; y moves by r . mu x_hat = x_hat, too little to change D at s_eff(t_0).
            mu = torch.as_tensor(coefficients["mu"], dtype=z.dtype).reshape((N,) + (1,) * (z.ndim - 1))
            z = z + mu * x_hat[None]
        taylor = sum((1 - t) ** j / math.factorial(j) * z[j] for j in range(N))
        forces.insert(0, math.factorial(N) / (1 - t) ** N * (x_hat - taylor))
        q = min(order, i + 1)
        del forces[q:]
        if log_share > 0:
            Phi, W = chain_step_weights_log(tuple(ts[i::-1][:q]), t_next, N, float(log_share))
        else:
            Phi, W = chain_step_weights([Fraction(v) for v in ts[i::-1][:q]], Fraction(t_next), N)
        z = torch.stack([
            sum(float(Phi[j][m]) * z[m] for m in range(j, N)) + sum(float(W[j][m]) * forces[m] for m in range(q))
            for j in range(N)])
    if ts[-1] == 1.0:
        return z[0]
    coefficients = tada_coefficients(ts[-1], N, k)
    return torch.tensordot(torch.as_tensor(coefficients["r"], dtype=z.dtype), z, dims=1)


#: TADA's defaults, one rule for every target (see the module docstring for the measurements behind them).
TADA_DEFAULTS: dict = {"N": 2, "order": 2, "k": 2.0, "grid": "beta", "beta": (1.8, 1.5), "gamma": 0.5,
                       "start": "predicted", "log_share": 0.5}


def tada_power_times(steps: int, t_start: float, gamma: float = 0.5) -> list[float]:
    """The power time grid ``t_i = 1 - (1 - t_start) (1 - i/steps)^gamma``, ``i = 0..steps``.

    ``gamma = 1`` is uniform in ``t``; ``gamma < 1`` takes short steps first and long ones near
    ``t = 1``.  Consecutive steps grow by at most ``1/(2^gamma - 1)`` (2.41 for ``gamma = 1/2``),
    so Adams-Bashforth extrapolation in ``t`` stays well conditioned at any number of steps.

    Examples
    --------
    >>> tada_power_times(4, 0.0, 0.5)
    [0.0, 0.1339..., 0.2928..., 0.5, 1.0]
    >>> tada_power_times(2, 0.5, 1.0)
    [0.5, 0.75, 1.0]
    """
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise UsageError(f"the number of steps must be an integer >= 1, got {steps!r}")
    if not 0 <= t_start < 1:
        raise UsageError(f"t_start must lie in [0, 1), got {t_start}")
    if not (isinstance(gamma, (int, float)) and 0 < gamma and math.isfinite(gamma)):
        raise UsageError(f"gamma (the power of the time grid) must be > 0, got {gamma!r}")
    return [1 - (1 - t_start) * (1 - i / steps) ** gamma for i in range(steps)] + [1.0]


def tada_beta_times(steps: int, t_start: float, a: float = 1.8, b: float = 1.5) -> list[float]:
    """The Beta time grid ``t_i = t_start + (1 - t_start) I(i/steps; a, b)``, ``i = 0..steps``.

    ``I(u; a, b)`` is the regularized incomplete Beta function (the Beta(a, b) distribution
    function).  ``a > 1`` takes short steps at the start (high noise), ``b > 1`` short steps at
    the end (low noise), where the within-mode spread of sharp targets is formed; ``a = 1``,
    ``b = gamma`` is :func:`tada_power_times`.  Consecutive steps grow by at most ``2^a - 1``
    (2.48 for the default ``a = 1.8``, measured 2.40 to 2.47 at 4 to 32 steps) and shrink towards
    ``t = 1``, so Adams-Bashforth extrapolation stays well conditioned, and the last noise level
    before 0 falls with the number of steps (``s_eff`` 0.045 / 0.0052 / 0.00064 / 0.00008 at 4 / 8 / 16 /
    32 steps for the defaults ``(1.8, 1.5)``; 0.13 / 0.024 / 0.0048 / 0.0010 for the former
    ``(1.8, 1.1)``, 0.32 / 0.12 / 0.051 / 0.020 on the power grid ``gamma = 1/2``).

    Examples
    --------
    >>> [round(t, 4) for t in tada_beta_times(4, 0.0)]
    [0.0, 0.1364, 0.4255, 0.7622, 1.0]
    >>> tada_beta_times(2, 0.5, 1.0, 1.0)
    [0.5, 0.75, 1.0]
    """
    from scipy.special import betainc

    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise UsageError(f"the number of steps must be an integer >= 1, got {steps!r}")
    if not 0 <= t_start < 1:
        raise UsageError(f"t_start must lie in [0, 1), got {t_start}")
    if not all(isinstance(v, (int, float)) and 0 < v and math.isfinite(v) for v in (a, b)):
        raise UsageError(f"the Beta grid's shapes a, b must be > 0, got {a!r}, {b!r}")
    return [t_start + (1 - t_start) * float(betainc(a, b, i / steps)) for i in range(steps)] + [1.0]


def tada(denoiser: Denoiser, noise: torch.Tensor, sigmas, *, N: int = 2, order: int = 2,
         k: float = 2.0, grid: str = "beta", beta: tuple = (1.8, 1.5), gamma: float = 0.5,
         start: str = "predicted", log_share: float = 0.5) -> torch.Tensor:
    """TADA: the sampling ODE in ``N`` variables per coordinate, driven by any EDM denoiser.

    The prior sample is ``z_0 = sqrt(S0) noise`` with ``S0 = diag(1, ..., 1, k)`` (``k`` is the
    **variance** of the last variable, the detail knob; a standard-deviation factor ``c`` is
    ``k = c**2``).  The first call is at ``t_0`` with ``s_eff(t_0) = sigmas[0]``, and the state
    there is

    * ``start="predicted"`` (default): ``z_{t_0} = M_{t_0} z_0 + mu_{t_0} x_hat_0``, the exact flow
      from the prior at ``t = 0`` with the first prediction ``x_hat_0`` held on ``[0, t_0]``
      (no extra call);
    * ``start="neglected"``: ``z_{t_0} = M_{t_0} z_0``, i.e. ``x_hat = 0`` on ``[0, t_0]``, as the
      baselines start at ``sigmas[0] * eps``; this leaves an error of order ``t_0 |E x1|`` that no
      number of steps removes (an error floor, measured in the module docstring);

    and it runs :func:`tada_from_state` with ``len(sigmas) - 1`` denoiser calls on the time grid

    * ``grid="beta"`` (default): :func:`tada_beta_times` from ``t_0`` with shapes ``beta = (a, b)``,
      short steps at both ends; only ``sigmas[0]`` and the number of steps are used;
    * ``grid="power"``: :func:`tada_power_times` from ``t_0`` with power ``gamma`` (the defaults before
      the spread measurement: good moments, but samples too close to the component means of sharp
      targets, since its steps grow towards ``t = 1``);
    * ``grid="sigmas"``: ``s_eff(t_i) = sigmas[i]`` (:func:`tada_times`), the paper's EDM-matched
      grid; with the Karras grid its steps in ``t`` grow by factors of 5 to 10, which makes
      Adams-Bashforth extrapolation of the force unstable at few steps.

    ``N = 1``, ``order = 1``, ``grid="sigmas"``, ``start="neglected"`` is DDIM, i.e. Euler on the
    flow-matching ODE.

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
    grid : {"beta", "power", "sigmas"}
        The time grid (above).
    beta : tuple of float
        Shapes ``(a, b)`` of the ``"beta"`` grid.
    gamma : float
        Power of the ``"power"`` grid.
    start : {"predicted", "neglected"}
        The state at ``t_0`` (above).
    log_share : float
        In ``[0, 1]``: the force is extrapolated as a polynomial in
        ``v = (1 - log_share) t - log_share log(1 - t)`` (:func:`chain_step_weights_log`);
        ``0`` is the paper's Adams-Bashforth in ``t``.

    Examples
    --------
    >>> import torch
    >>> noise = torch.randn(3, 4, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    >>> out = tada(lambda x, s: torch.full_like(x, 2.0), noise, karras_sigmas(6), N=3, order=3, k=4.0)
    >>> torch.allclose(out, torch.full((4,), 2.0, dtype=torch.float64))
    True
    >>> tada(lambda x, s: x, noise, karras_sigmas(6), N=3, grid="edm")
    Traceback (most recent call last):
    ...
    lincomb.errors.UsageError: grid must be 'beta', 'power' or 'sigmas', got 'edm'
    """
    _check_tada_options(N, order, k)
    if grid not in ("beta", "power", "sigmas"):
        raise UsageError(f"grid must be 'beta', 'power' or 'sigmas', got {grid!r}")
    if start not in ("predicted", "neglected"):
        raise UsageError(f"start must be 'predicted' or 'neglected', got {start!r}")
    if grid == "sigmas":
        ts = tada_times(sigmas, N, k)
    else:
        levels = _check_sigmas(sigmas)
        t_start = _time_for_sigma(levels[0], int(N), float(k))
        if grid == "power":
            ts = tada_power_times(len(levels) - 1, t_start, gamma)
        else:
            ts = tada_beta_times(len(levels) - 1, t_start, *beta)
    if noise.ndim < 1 or noise.shape[0] != N:
        raise ShapeError(f"TADA noise must have shape (N, *x.shape) with N = {N}, got {tuple(noise.shape)}")
    scale = torch.ones(N, dtype=noise.dtype)
    scale[-1] = math.sqrt(k)
    z0 = noise * scale.reshape((N,) + (1,) * (noise.ndim - 1))
    M = torch.as_tensor(tada_coefficients(ts[0], N, k)["M"], dtype=noise.dtype)
    return tada_from_state(denoiser, torch.tensordot(M, z0, dims=1), ts, N=N, order=order, k=k,
                           add_start_share=start == "predicted", log_share=log_share)


#: name -> sampler; every one has the signature ``(denoiser, x_T_or_noise, sigmas, **options)``.
SAMPLERS: dict[str, Callable] = {
    "euler": euler,
    "heun": heun,
    "dpmpp_2m": dpmpp_2m,
    "dpmpp_3m": dpmpp_3m,
    "unipc_bh1": unipc_bh1,
    "unipc_bh2": unipc_bh2,
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
        options = {**TADA_DEFAULTS, **options}
        N = options["N"]
        noise = torch.randn((N, *shape), generator=generator, dtype=dtype)
        return sampler(denoiser, noise, sigmas, **options)
    x_T = sigmas[0] * torch.randn(tuple(shape), generator=generator, dtype=dtype)
    return sampler(denoiser, x_T, sigmas, **options)
