"""The registry of checks: the one place a check id lives, with its claim, source, kinds and record type.

Adding a check
--------------
1. Write a *builder* in a module of :mod:`lincomb.proofs_check`: ``run(progress=None) -> list[dict]``
   returning certificates made with :func:`lincomb.proofs_check.certificate.make_certificate`
   (claim, data, provenance).  It builds and nothing else: no verifying, printing or writing.
2. Add a row below (keywords in this order): ``id``, ``claim``, ``source``, ``tier``, ``needs``,
   ``module``, ``function`` (default ``"run"``), ``kinds`` (the certificate kinds the builder
   returns) and ``record`` (``"proof"``: checked exactly, ``s VERIFIED``; ``"measurement"``:
   recorded numbers re-derived within a stated tolerance, ``s REPRODUCED``).
3. A new kind also needs a checker ``proofs_check/checkers/<kind_with_underscores>.py`` (standard
   library only; ``KIND``, ``verify(cert) -> summary`` and, for a measurement,
   ``RECORD = "measurement"``), a page ``docs/certificates_<kind>.md`` and fixtures under
   ``tests/proofs_check/certificates/`` (``make_fixtures.py`` there writes them).

:func:`lincomb.proofs_check.runner.build_check` calls the builder and
:func:`lincomb.proofs_check.runner.verify_built` verifies what it built: the same two steps
locally and on Dask.  Tests check that every row's kinds have checkers whose record type matches.

The registry is a static tuple, so ``lincomb list`` imports no check module.

Print the README table with ``python -m lincomb.proofs_check.registry --markdown``.

Examples
--------
>>> get_check("bbhsy-max5-two-hidden").module
'bbhsy_max5'
>>> get_check("tada-gaussian-convergence").record
'measurement'
>>> [c.id for c in checks_for_tier("quick")][:1]
['max-tree-upper-bound']
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import asdict, dataclass
from typing import Any

from lincomb.errors import UsageError

__all__ = [
    "CHECKS",
    "RECORDS",
    "TIERS",
    "Check",
    "checks_for_tier",
    "get_check",
    "registry_markdown",
]

RUESS_ET_AL = (
    "Ruess, Averkov, Brunck, Grillo, Hertrich, Loho, Stade, Stargalla, Sun, Winter (2026), arXiv 2607.21651"
)

#: "quick" checks run by default (seconds to a minute each); "full" adds the long ones.
TIERS = ("quick", "full")
#: "proof": checked exactly (``s VERIFIED``); "measurement": numbers re-derived within a stated
#: tolerance (``s REPRODUCED``).
RECORDS = ("proof", "measurement")
_ID_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass(frozen=True)
class Check:
    """A registered check: a claim, its source, and the module that proves it.

    Attributes
    ----------
    id : str
        Lower-case words joined by hyphens, e.g. ``"max-tree-upper-bound"``.
    claim : str
        What is proved, in one sentence.
    source : str
        Where the theorem comes from (paper, arXiv id, section).
    tier : str
        ``"quick"`` or ``"full"``.
    needs : tuple of str
        Importable modules the check requires beyond the core dependencies (e.g.
        ``("torch",)``); when one is missing the check is SKIP with the reason.
    module : str
        Module path inside :mod:`lincomb.proofs_check`, e.g. ``"max_tree"``.
    function : str
        Name of the function in ``module`` that builds the certificates.
    kinds : tuple of str
        The certificate kinds the function returns (each has a checker).
    record : str
        ``"proof"`` or ``"measurement"``.

    Examples
    --------
    >>> c = Check("demo-check", "1 + 1 = 2", "arithmetic", "quick", (), "demo")
    >>> c.import_path
    'lincomb.proofs_check.demo'
    >>> Check("Bad Id", "c", "s", "quick", (), "m")
    Traceback (most recent call last):
    ...
    ValueError: check id 'Bad Id' must be lower-case words joined by hyphens
    """

    id: str
    claim: str
    source: str
    tier: str
    needs: tuple[str, ...]
    module: str
    function: str = "run"
    kinds: tuple[str, ...] = ()
    record: str = "proof"

    def __post_init__(self) -> None:
        if not _ID_RE.fullmatch(self.id):
            raise ValueError(f"check id {self.id!r} must be lower-case words joined by hyphens")
        if self.tier not in TIERS:
            raise ValueError(f"check {self.id!r}: tier must be one of {TIERS}, got {self.tier!r}")
        if not isinstance(self.needs, tuple):
            raise ValueError(f"check {self.id!r}: needs must be a tuple of module names")
        if not isinstance(self.kinds, tuple) or not all(isinstance(k, str) for k in self.kinds):
            raise ValueError(f"check {self.id!r}: kinds must be a tuple of certificate kinds")
        if self.record not in RECORDS:
            raise ValueError(f"check {self.id!r}: record must be one of {RECORDS}, got {self.record!r}")

    @property
    def import_path(self) -> str:
        """The full dotted name of the check's module.

        Examples
        --------
        >>> get_check("max-tree-upper-bound").import_path
        'lincomb.proofs_check.max_tree'
        """
        return f"lincomb.proofs_check.{self.module}"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (``needs`` as a list).

        Examples
        --------
        >>> get_check("wang-sun-max-terms").to_dict()["tier"]
        'quick'
        """
        record = asdict(self)
        record["needs"] = list(self.needs)
        record["kinds"] = list(self.kinds)
        return record


CHECKS: tuple[Check, ...] = (
    Check(
        id="max-tree-upper-bound",
        claim="for n = 2..8, max_network(n) computes max(x1..xn) exactly "
        "with ceil(log2 n) hidden layers",
        source="folklore; Hertrich et al. (2021), arXiv 2105.14835, Sec. 1",
        tier="quick",
        needs=(),
        module="max_tree",
        kinds=("cpwl-identity",),
        record="proof",
    ),
    Check(
        id="bbhsy-max5-two-hidden",
        claim="a ReLU network with 2 hidden layers computes max(x1..x5) exactly",
        source="Bakaev, Brunck, Hertrich, Stade, Yehudayoff (STOC 2026), arXiv 2505.14338",
        tier="quick",
        needs=(),
        module="bbhsy_max5",
        kinds=("cpwl-identity",),
        record="proof",
    ),
    Check(
        id="wang-sun-max-terms",
        claim="explicit CPWL functions on R^2 and R^3 are linear combinations of maxima "
        "of at most n+1 affine functions",
        source="Wang & Sun (2005), IEEE Trans. Inf. Theory 51(12)",
        tier="quick",
        needs=(),
        module="wang_sun_max_terms",
        kinds=("cpwl-identity",),
        record="proof",
    ),
    Check(
        id="hbdss-mip-n2",
        claim="the H-conforming depth MIP of Hertrich et al. for max{0,x1,x2} has maximum exactly 1",
        source="Hertrich, Basu, Di Summa, Skutella (NeurIPS 2021), arXiv 2105.14835, Thm 1.7",
        tier="quick",
        needs=(),
        module="hbdss_mip",
        function="run_n2",
        kinds=("mip-optimum",),
        record="proof",
    ),
    Check(
        id="hbdss-mip-n3",
        claim="the H-conforming depth MIP of Hertrich et al. for max{0,x1..x3} has maximum exactly 2",
        source="Hertrich, Basu, Di Summa, Skutella (NeurIPS 2021), arXiv 2105.14835, Thm 1.7",
        tier="quick",
        needs=(),
        module="hbdss_mip",
        function="run_n3",
        kinds=("mip-optimum",),
        record="proof",
    ),
    Check(
        id="hbdss-mip-n4",
        claim="the H-conforming depth MIP for max{0,x1..x4} has maximum exactly 0: no H-conforming "
        "2-hidden-layer ReLU network computes max{0,x1..x4}",
        source="Hertrich, Basu, Di Summa, Skutella (NeurIPS 2021), arXiv 2105.14835, Thm 1.7",
        tier="quick",
        needs=(),
        module="hbdss_mip",
        function="run_n4",
        kinds=("mip-optimum",),
        record="proof",
    ),
    Check(
        id="hbdss-mip-n5",
        claim="exact lower and upper bounds on the H-conforming depth MIP for max{0,x1..x5} "
        "(the bounds reached in a time limit)",
        source="Hertrich, Basu, Di Summa, Skutella (NeurIPS 2021), arXiv 2105.14835, Sec. 4",
        tier="full",
        needs=(),
        module="hbdss_mip",
        function="run_n5",
        kinds=("mip-optimum",),
        record="proof",
    ),
    Check(
        id="tada-closed-forms",
        claim="for N = 1..5, TADA's closed forms mu_t, M_t, Sigma_t = M_t S0 M_t^T solve its augmented dynamics "
        "exactly and the position variance vanishes at t = 1",
        source="Chen, Zheng, Berthelot, Gu, Susskind, Zhai, TADA (2025), arXiv 2506.21757 (reconstruction)",
        tier="quick",
        needs=(),
        module="tada_checks",
        function="run_closed_forms",
        kinds=("tada-closed-forms",),
        record="proof",
    ),
    Check(
        id="tada-n1-is-flow-matching",
        claim="with N = 1 the TADA ODE is the flow-matching ODE, and in y = x/t, sigma = c(1-t)/t the EDM "
        "probability-flow ODE",
        source="Chen, Zheng, Berthelot, Gu, Susskind, Zhai, TADA (2025), arXiv 2506.21757 (reconstruction)",
        tier="quick",
        needs=(),
        module="tada_checks",
        function="run_n1_flow_matching",
        kinds=("tada-flow-matching",),
        record="proof",
    ),
    Check(
        id="tada-exact-on-point-mass",
        claim="for single-point data TADA with N = 1..3 and Adams-Bashforth orders 1..3 lands exactly on the point "
        "(exact rational runs)",
        source="Chen, Zheng, Berthelot, Gu, Susskind, Zhai, TADA (2025), arXiv 2506.21757 (reconstruction)",
        tier="quick",
        needs=(),
        module="tada_checks",
        function="run_point_mass",
        kinds=("tada-point-mass",),
        record="proof",
    ),
    Check(
        id="tada-gaussian-convergence",
        claim="measurement: on Gaussian data TADA's exactly computed W2 error falls at order 1, 2, 3 "
        "(Adams-Bashforth order) as NFE doubles",
        source="Chen, Zheng, Berthelot, Gu, Susskind, Zhai, TADA (2025), arXiv 2506.21757 (reconstruction)",
        tier="quick",
        needs=("torch",),
        module="tada_checks",
        function="run_gaussian_convergence",
        kinds=("convergence-measurement",),
        record="measurement",
    ),
    Check(
        id="zaslavsky-one-hidden",
        claim="one-hidden-layer ReLU networks with N neurons in general position on R^d have exactly "
        "sum_{i<=d} C(N,i) activation regions, for (N,d) = (4,1),(6,2),(8,3),(10,3),(10,4)",
        source="Zaslavsky (1975), Mem. AMS 154; Serra, Tjandraatmadja, Ramalingam (ICML 2018)",
        tier="quick",
        needs=(),
        module="region_checks",
        kinds=("region-count",),
        record="proof",
    ),
    Check(
        id="zaslavsky-planar-partition",
        claim="150 lines in general position (one hidden layer of 150 ReLU neurons on R^2) cut a box containing all "
        "their crossings into exactly 1 + 150 + C(150,2) = 11326 activation regions (exact polygon partition)",
        source="Zaslavsky (1975), Mem. AMS 154; SplineCam, Humayun, Balestriero, Baraniuk (CVPR 2023)",
        tier="quick",
        needs=(),
        module="region_checks",
        function="run_planar",
        kinds=("region-count",),
        record="proof",
    ),
    Check(
        id="tropical-semiring-iso",
        claim="for random convex CPWL f, g: max over the vertices of conv(Newt f u Newt g) equals max(f,g) and "
        "over Newt f + Newt g equals f + g, exactly on R^n",
        source="Zhang, Naitzat, Lim (ICML 2018); Hertrich et al. (2021), arXiv 2105.14835, Sec. 3",
        tier="quick",
        needs=(),
        module="tropical_checks",
        kinds=("cpwl-identity",),
        record="proof",
    ),
    Check(
        id="max5-regions",
        claim="max_network(5) and the BBHSY network have exactly 101 and 1792 activation regions on R^5, and "
        "their output takes exactly 5 distinct affine pieces",
        source="Bakaev, Brunck, Hertrich, Stade, Yehudayoff (STOC 2026), arXiv 2505.14338",
        tier="full",
        needs=(),
        module="region_checks",
        function="run_max5",
        kinds=("region-count",),
        record="proof",
    ),
    Check(
        id="sparse-attention-learns-rule",
        claim="MEASUREMENT: sparse-coding attention trained on the 3x3 panel progression task learns lifting "
        "coefficients within 1/20 (max-abs) of (-1, 2), the unique lifting that continues every arithmetic progression",
        source="Chen, Yu, Miao, Qiu (NeurIPS 2025), arXiv 2511.20194",
        tier="quick",
        needs=("torch",),
        module="attention_checks",
        function="run_learns_rule",
        kinds=("lifting-measurement",),
        record="measurement",
    ),
    Check(
        id="soft-threshold-zero-target",
        claim="for zero-content target tokens, soft-thresholded attention codes are exactly 0 while softmax weights "
        "are exactly uniform 1/T",
        source="Chen, Yu, Miao, Qiu (NeurIPS 2025), arXiv 2511.20194",
        tier="quick",
        needs=(),
        module="attention_checks",
        function="run_zero_target",
        kinds=("soft-threshold-zero-target",),
        record="proof",
    ),
    Check(
        id="ksm-rank1-nystrom",
        claim="the kernel-similarity-matching bound (1/T^2) sum y y' f >= (2/T) q sum y f(x,w) - q^2 f(w,w) holds for "
        "all q, maximised at q = f(w,w)^+ <y f(x,w)>, exactly on random rational data (3 seeds)",
        source="Luther & Seung (NeurIPS 2022), arXiv 2204.07475",
        tier="quick",
        needs=(),
        module="ksm_checks",
        kinds=("ksm-rank1-bound",),
        record="proof",
    ),
    Check(
        id="hhl-even-volume",
        claim="lattice polytopes of the Haase-Hertrich-Loho classes Newt^(1) (Z^2, Z^3) and Newt^(2) (Z^4), "
        "random with a fixed seed: every face of dimension >= 2^k has even normalized volume, and adding "
        "the standard simplex gives a face of dimension >= 2^k with odd normalized volume",
        source="Haase, Hertrich, Loho (ICLR 2023), arXiv 2302.12553",
        tier="quick",
        needs=(),
        module="hhl_volume",
        kinds=("lattice-face-volumes",),
        record="proof",
    ),
    Check(
        id="max-two-hidden-n5",
        claim="max(x1..x5) is an exact rational combination of symmetrized templates with k = 2 pairs per side, "
        "each a 2-hidden-layer ReLU network",
        source=RUESS_ET_AL,
        tier="quick",
        needs=(),
        module="max_two_hidden",
        function="run_n5",
        kinds=("max-representation",),
        record="proof",
    ),
    Check(
        id="max-two-hidden-n6",
        claim="max(x1..x6) is an exact rational combination of symmetrized templates with k = 2 pairs per side "
        "(2 hidden layers)",
        source=RUESS_ET_AL,
        tier="quick",
        needs=(),
        module="max_two_hidden",
        function="run_n6",
        kinds=("max-representation",),
        record="proof",
    ),
    Check(
        id="max-two-hidden-published-n6",
        claim="the n = 6 certificate published by Ruess et al. (4 terms, k = 2) is exactly correct",
        source=RUESS_ET_AL,
        tier="quick",
        needs=(),
        module="max_two_hidden",
        function="run_published_n6",
        kinds=("max-representation",),
        record="proof",
    ),
    Check(
        id="max-two-hidden-k-lower-bound",
        claim="for n = 5, 6, 7, templates with k = 1 pair per side cannot represent max(x1..xn) "
        "(exact left-kernel proofs)",
        source=RUESS_ET_AL,
        tier="quick",
        needs=(),
        module="max_two_hidden",
        function="run_k_lower_bound",
        kinds=("max-representation-infeasible",),
        record="proof",
    ),
    Check(
        id="max-two-hidden-n7",
        claim="max(x1..x7) is an exact rational combination of symmetrized templates with k = 3 pairs per side "
        "(2 hidden layers)",
        source=RUESS_ET_AL,
        tier="full",
        needs=(),
        module="max_two_hidden",
        function="run_n7",
        kinds=("max-representation",),
        record="proof",
    ),
    Check(
        id="max-two-hidden-n8",
        claim="max(x1..x8) is an exact rational combination of symmetrized templates with k = 3 pairs per side "
        "(2 hidden layers)",
        source=RUESS_ET_AL,
        tier="full",
        needs=(),
        module="max_two_hidden",
        function="run_n8",
        kinds=("max-representation",),
        record="proof",
    ),
    Check(
        id="max-two-hidden-k-lower-bound-full",
        claim="for n = 7, 8, templates with k = 2 pairs per side cannot represent max(x1..xn) (exact left-kernel proofs)",
        source=RUESS_ET_AL,
        tier="full",
        needs=(),
        module="max_two_hidden",
        function="run_k_lower_bound_full",
        kinds=("max-representation-infeasible",),
        record="proof",
    ),
    Check(
        id="max-two-hidden-network-n5",
        claim="the 2-hidden-layer ReLU network (widths 20, 62) built from the n = 5 representation equals "
        "max(x1..x5) (exact, on each of the 120 braid chambers)",
        source=RUESS_ET_AL,
        tier="quick",
        needs=(),
        module="max_two_hidden",
        function="run_network_n5",
        kinds=("braid-chamber-identity",),
        record="proof",
    ),
    Check(
        id="max-two-hidden-network-n6",
        claim="the 2-hidden-layer ReLU network (widths 25, 497) built from the n = 6 representation equals "
        "max(x1..x6) (exact, on each of the 720 braid chambers)",
        source=RUESS_ET_AL,
        tier="full",
        needs=(),
        module="max_two_hidden",
        function="run_network_n6",
        kinds=("braid-chamber-identity",),
        record="proof",
    ),
    Check(
        id="max-two-hidden-symmetric-network-n6",
        claim="the S_6-symmetric 2-hidden-layer ReLU network (widths 42, 632) built from the n = 6 representation "
        "equals max(x1..x6) (symmetry checked on generators, identity on the chamber x1 >= ... >= x6)",
        source=RUESS_ET_AL,
        tier="quick",
        needs=(),
        module="max_two_hidden",
        function="run_symmetric_network_n6",
        kinds=("symmetric-network-identity",),
        record="proof",
    ),
    Check(
        id="max-two-hidden-network-n7",
        claim="the S_7-symmetric 2-hidden-layer ReLU network (widths 56, 26042) built from the n = 7 representation "
        "equals max(x1..x7) (symmetry checked on generators, identity on the chamber x1 >= ... >= x7)",
        source=RUESS_ET_AL,
        tier="full",
        needs=(),
        module="max_two_hidden",
        function="run_network_n7",
        kinds=("symmetric-network-identity",),
        record="proof",
    ),
    Check(
        id="max-two-hidden-network-n8",
        claim="the S_8-symmetric 2-hidden-layer ReLU network (widths 72, 345900) built from the n = 8 representation "
        "equals max(x1..x8) (symmetry checked on generators, identity on the chamber x1 >= ... >= x8)",
        source=RUESS_ET_AL,
        tier="full",
        needs=(),
        module="max_two_hidden",
        function="run_network_n8",
        kinds=("symmetric-network-identity",),
        record="proof",
    ),
    Check(
        id="max-two-hidden-n9",
        claim="max(x1..x9) is an exact rational combination of symmetrized templates with k = 4 pairs per side "
        "(2 hidden layers)",
        source=RUESS_ET_AL,
        tier="full",
        needs=(),
        module="max_two_hidden",
        function="run_n9",
        kinds=("max-representation",),
        record="proof",
    ),
    Check(
        id="max-two-hidden-n10",
        claim="max(x1..x10) is an exact rational combination of symmetrized templates with k = 4 pairs per side "
        "(2 hidden layers)",
        source=RUESS_ET_AL,
        tier="full",
        needs=(),
        module="max_two_hidden",
        function="run_n10",
        kinds=("max-representation",),
        record="proof",
    ),
    Check(
        id="la-strictly-contains-fixed",
        claim="ReLU(x) + ReLU(x)^2 (a width-1 Type-I LA network) is no Type-I FFN c + sum_i a_i s(w_i x + b_i) of any "
        "width, for each single s in {identity, ReLU, ReLU^2, LeakyReLU, GELU, SiLU, tanh}",
        source="Wang, Wang, Xia, Shen, Zhong, arXiv 2605.26647 (2026): fixed < LA",
        tier="quick",
        needs=(),
        module="activation_checks",
        function="run_la_strictly_contains_fixed",
        kinds=("fixed-activation-separation",),
        record="proof",
    ),
    Check(
        id="moa-strictly-contains-la",
        claim="tanh(2 x1) ReLU(x2) (a width-1 Type-I MoA network) is no one-hidden-layer Type-I LA network of any "
        "width: its gradient jump across x2 = 0 varies",
        source="Wang, Wang, Xia, Shen, Zhong, arXiv 2605.26647 (2026): LA < MoA",
        tier="quick",
        needs=(),
        module="activation_checks",
        function="run_moa_strictly_contains_la",
        kinds=("gradient-jump-separation",),
        record="proof",
    ),
    Check(
        id="learned-moa-exports-witness",
        claim="a small MoA trained on samples of tanh(2 x1) ReLU(x2), exported exactly, is a MoA network outside "
        "one-hidden-layer Type-I LA",
        source="Wang, Wang, Xia, Shen, Zhong, arXiv 2605.26647 (2026)",
        tier="full",
        needs=("torch",),
        module="activation_checks",
        function="run_learned_moa_exports_witness",
        kinds=("gradient-jump-separation",),
        record="proof",
    ),
    Check(
        id="min-width-table",
        claim="exact minimal one-hidden-layer widths (ReLU, LeakyReLU, LA over {id, ReLU, LeakyReLU}) for |x|, hat, "
        "sawtooth-2/3, x, LeakyReLU(x); max(0,x1,x2) needs more than one hidden layer",
        source="lincomb (exact argument + HiGHS MILP); arXiv 2605.26647 for the LA family",
        tier="quick",
        needs=(),
        module="activation_checks",
        function="run_min_width_table",
        kinds=("min-width",),
        record="proof",
    ),
    Check(
        id="symreg-recovers-van-der-pol",
        claim="the symbolic-regression network learns the Van der Pol equations from 1% noisy data with exactly "
        "the true terms and measured coefficients within 2%",
        source="Boddupalli, Matchen, Moehlis, Chaos (2023), doi 10.1063/5.0134464",
        tier="full",
        needs=("torch", "scipy"),
        module="symreg_checks",
        function="run_van_der_pol",
        kinds=("symreg-recovery",),
        record="measurement",
    ),
    Check(
        id="symreg-recovers-lotka-volterra",
        claim="the symbolic-regression network learns the Lotka-Volterra equations from 1% noisy data with exactly "
        "the true terms and measured coefficients within 2%",
        source="Boddupalli, Matchen, Moehlis, Chaos (2023), doi 10.1063/5.0134464",
        tier="full",
        needs=("torch", "scipy"),
        module="symreg_checks",
        function="run_lotka_volterra",
        kinds=("symreg-recovery",),
        record="measurement",
    ),
    Check(
        id="symreg-recovers-damped-pendulum",
        claim="the symbolic-regression network learns the damped driven pendulum (a sin term) from 1% noisy data "
        "with exactly the true terms and measured coefficients within 2%",
        source="Boddupalli, Matchen, Moehlis, Chaos (2023), doi 10.1063/5.0134464",
        tier="full",
        needs=("torch", "scipy"),
        module="symreg_checks",
        function="run_damped_pendulum",
        kinds=("symreg-recovery",),
        record="measurement",
    ),
    Check(
        id="symreg-recovers-spruce-budworm",
        claim="the symbolic-regression network learns the spruce budworm equation with its rational term "
        "x^2/(1+x^2) from 1% noisy data with exactly the true terms and measured coefficients within 2%",
        source="Boddupalli, Matchen, Moehlis, Chaos (2023), doi 10.1063/5.0134464",
        tier="full",
        needs=("torch", "scipy"),
        module="symreg_checks",
        function="run_spruce_budworm",
        kinds=("symreg-recovery",),
        record="measurement",
    ),
    Check(
        id="symreg-recovers-lorenz",
        claim="the symbolic-regression network learns the Lorenz equations from 1% noisy data with exactly "
        "the true terms and measured coefficients within 2%",
        source="Boddupalli, Matchen, Moehlis, Chaos (2023), doi 10.1063/5.0134464",
        tier="full",
        needs=("torch", "scipy"),
        module="symreg_checks",
        function="run_lorenz",
        kinds=("symreg-recovery",),
        record="measurement",
    ),
    Check(
        id="symreg-recovers-michaelis-menten",
        claim="with its defaults, the symbolic-regression network learns a Michaelis-Menten system "
        "(s' = -V s/(K + s), p' = V s/(K + s) - k p) from 1% noisy data with exactly the true terms and "
        "measured coefficients within 2%",
        source="Michaelis & Menten, Biochem. Z. 49 (1913); method: Boddupalli, Matchen, Moehlis, Chaos (2023)",
        tier="full",
        needs=("torch", "scipy"),
        module="symreg_checks",
        function="run_michaelis_menten",
        kinds=("symreg-recovery",),
        record="measurement",
    ),
    Check(
        id="symreg-recovers-gompertz",
        claim="with its defaults, the symbolic-regression network learns Gompertz growth x' = r x log(K/x) "
        "from 1% noisy data with exactly the true terms and measured coefficients within 2%",
        source="Gompertz, Phil. Trans. R. Soc. 115 (1825); method: Boddupalli, Matchen, Moehlis, Chaos (2023)",
        tier="full",
        needs=("torch", "scipy"),
        module="symreg_checks",
        function="run_gompertz",
        kinds=("symreg-recovery",),
        record="measurement",
    ),
    Check(
        id="symreg-recovers-logistic-switch",
        claim="with its defaults, the symbolic-regression network learns a bistable switch with a logistic "
        "term x' = b - k x + v/(1 + exp(-a (x - c))) from 1% noisy data with exactly the true terms and "
        "measured coefficients within 2%",
        source="Boddupalli, Matchen, Moehlis, Chaos (2023), doi 10.1063/5.0134464 (logistic units)",
        tier="full",
        needs=("torch", "scipy"),
        module="symreg_checks",
        function="run_logistic_switch",
        kinds=("symreg-recovery",),
        record="measurement",
    ),
)


def _check_unique_ids(checks: tuple[Check, ...]) -> None:
    seen: set[str] = set()
    for check in checks:
        if check.id in seen:
            raise ValueError(f"check id {check.id!r} is registered twice")
        seen.add(check.id)


_check_unique_ids(CHECKS)


def get_check(check_id: str) -> Check:
    """The registered check with this id.

    Raises
    ------
    lincomb.errors.UsageError
        For an unknown id; the message lists the known ids.

    Examples
    --------
    >>> get_check("max-tree-upper-bound").tier
    'quick'
    >>> get_check("no-such-check")
    Traceback (most recent call last):
    ...
    lincomb.errors.UsageError: unknown check 'no-such-check'; known checks: max-tree-upper-bound, ...
    """
    for check in CHECKS:
        if check.id == check_id:
            return check
    known = ", ".join(c.id for c in CHECKS)
    raise UsageError(f"unknown check {check_id!r}; known checks: {known} (see `lincomb list`)")


def checks_for_tier(tier: str) -> list[Check]:
    """The checks that ``lincomb check --all --tier TIER`` runs: ``quick``, or ``full`` = all.

    Examples
    --------
    >>> len(checks_for_tier("full")) >= len(checks_for_tier("quick"))
    True
    """
    if tier not in TIERS:
        raise UsageError(f"unknown tier {tier!r}; choose one of {', '.join(TIERS)}")
    if tier == "full":
        return list(CHECKS)
    return [check for check in CHECKS if check.tier == "quick"]


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def registry_markdown(checks: tuple[Check, ...] | list[Check] = CHECKS) -> str:
    """A Markdown table of the registered checks: id, record (proof or measurement), claim, source.

    Examples
    --------
    >>> print(registry_markdown()[:100])
    | id | record | claim | source |
    | --- | --- | --- | --- |
    | `max-tree-upper-bound` | proof |...
    """
    rows = ["| id | record | claim | source |", "| --- | --- | --- | --- |"]
    for check in checks:
        rows.append(f"| `{check.id}` | {check.record} | {_cell(check.claim)} | {_cell(check.source)} |")
    return "\n".join(rows)


def _cli(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m lincomb.proofs_check.registry",
        description="Print the registered checks.",
    )
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--markdown", action="store_true", help="a Markdown table for the README")
    group.add_argument("--json", action="store_true", help="a JSON list")
    args = parser.parse_args(argv)
    if args.json:
        print(json.dumps([c.to_dict() for c in CHECKS], indent=2))
    else:
        # Markdown is also the default: it is readable as plain text.
        print(registry_markdown())
    return 0


if __name__ == "__main__":
    sys.exit(_cli())
