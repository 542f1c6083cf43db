"""Checks ``symreg-recovers-<system>``: the network method recovers known ODEs from noisy data.

For each system the check simulates training trajectories (scipy, tolerances 1e-10), adds Gaussian
noise at 1 % of each signal's RMS with a fixed seed, fits
:class:`lincomb.learn.symreg.SymbolicODERegressor` with its defaults (fixed seed), and exports the learned equations as
term keys with the exact rationals of the learned (decimal) coefficients.  The certificate, of kind
``symreg-recovery``, is a **measurement record**: the coefficients are measured, not proved.  Its
standard-library checker re-derives exact structure equality with the stated true system and the
relative coefficient errors, in exact rational arithmetic, against the 2 % tolerance.

Run one alone with ``python -m lincomb.proofs_check.symreg_checks lorenz``.

Examples
--------
>>> sorted(RECOVERY_CHECKS)[:3]
['symreg-recovers-damped-pendulum', 'symreg-recovers-gompertz', 'symreg-recovers-logistic-switch']
"""

from __future__ import annotations

import sys
import time
from fractions import Fraction

from lincomb.proofs_check.certificate import make_certificate, rational_str
from lincomb.proofs_check.registry import CHECKS

__all__ = [
    "RECOVERY_CHECKS",
    "RECOVERY_SYSTEMS",
    "recovery_certificate",
    "run_damped_pendulum",
    "run_gompertz",
    "run_logistic_switch",
    "run_lorenz",
    "run_lotka_volterra",
    "run_michaelis_menten",
    "run_spruce_budworm",
    "run_van_der_pol",
]

NOISE = Fraction(1, 100)
TOLERANCE = Fraction(1, 50)
NOISE_SEED = 2024
MODEL_SEED = 0

#: builder function (in the registry row) -> (system name, regressor options); the options are recorded in the
#: certificate.  Every check uses the regressor's defaults (issue 15: one default configuration, no per-system options).
RECOVERY_SYSTEMS: dict[str, tuple[str, dict]] = {
    "run_lorenz": ("lorenz", {}),
    "run_van_der_pol": ("van_der_pol", {}),
    "run_lotka_volterra": ("lotka_volterra", {}),
    "run_damped_pendulum": ("damped_driven_pendulum", {}),
    "run_spruce_budworm": ("spruce_budworm", {}),
    "run_michaelis_menten": ("michaelis_menten", {}),
    "run_gompertz": ("gompertz", {}),
    "run_logistic_switch": ("logistic_switch", {}),
}
#: check id -> (system name, regressor options), derived from the registry (the one place a check id lives).
RECOVERY_CHECKS: dict[str, tuple[str, dict]] = {
    check.id: RECOVERY_SYSTEMS[check.function] for check in CHECKS if check.module == "symreg_checks"
}


def _registered(function: str) -> str:
    """The id of the registered check whose builder is ``function`` of this module."""
    return next(check.id for check in CHECKS if check.module == "symreg_checks" and check.function == function)


def _terms_json(terms: dict) -> dict[str, str]:
    return {key: rational_str(Fraction(int(value.p), int(value.q))) for key, value in terms.items()}


def recovery_certificate(check_id: str, progress=None, noise: Fraction = NOISE, tolerance: Fraction = TOLERANCE,
                         **overrides) -> dict:
    """Simulate, fit, and return the ``symreg-recovery`` certificate of one registered check.

    Parameters
    ----------
    check_id : str
        A key of :data:`RECOVERY_CHECKS`.
    progress : callable, optional
        Called with progress messages.
    noise, tolerance : fractions.Fraction
        Noise level (fraction of each signal's RMS) and the claimed coefficient tolerance.
    **overrides
        Regressor options replacing the check's (tests use fewer epochs).

    Examples
    --------
    >>> cert = recovery_certificate("symreg-recovers-lotka-volterra", degree=2, functions=())
    >>> cert["kind"], cert["claim"]["tolerance"], cert["data"]["learned_equations"][0].keys() == {"x", "x*y"}
    ('symreg-recovery', '1/50', True)
    """
    from lincomb.learn.symreg import SymbolicODERegressor
    from lincomb.learn.systems import get_system
    from lincomb.theory.expression_compare import relative_coefficient_errors, term_coefficients

    name, options = RECOVERY_CHECKS[check_id]
    options = {**options, **overrides, "seed": MODEL_SEED, "progress": False}
    system = get_system(name)
    t = system.time_grid()
    trajectories = [
        system.simulate(t, x0=x0, noise=float(noise), seed=NOISE_SEED + k) for k, x0 in enumerate(system.x0s)
    ]
    if progress is not None:
        progress(f"{name}: {len(trajectories)} trajectories of {t.size} samples, noise {noise}; fitting")
    start = time.perf_counter()
    model = SymbolicODERegressor(**options).fit(t, trajectories, names=system.names)
    seconds = time.perf_counter() - start
    learned = model.equations()
    true = system.equations()
    errors = relative_coefficient_errors(learned, true, system.symbols)
    worst = max(e for row in errors for e in row.values())
    if progress is not None:
        progress(f"{name}: learned {[str(e) for e in learned]}; max relative error {float(worst):.4g}")
    statement = (
        f"from simulated {name} trajectories with {noise} noise, SymbolicODERegressor learned equations with "
        f"exactly the true terms and MEASURED coefficients within relative error {tolerance} of the true ones"
    )
    claim = {
        "statement": statement,
        "system": name,
        "variables": system.names,
        "true_equations": [_terms_json(term_coefficients(e, system.symbols)) for e in true],
        "tolerance": rational_str(tolerance),
        "noise": rational_str(noise),
        "max_relative_error": rational_str(worst),
    }
    data = {
        "learned_equations": [_terms_json(term_coefficients(e, system.symbols)) for e in learned],
        "measurement": {
            "method": "lincomb.learn.symreg.SymbolicODERegressor",
            "options": {key: (list(v) if isinstance(v, tuple) else v) for key, v in options.items()},
            "initial_conditions": [x0.tolist() for x0 in system.x0s],
            "t_end": float(system.t_end),
            "samples_per_trajectory": int(t.size),
            "noise_seeds": [NOISE_SEED + k for k in range(len(trajectories))],
            "derivatives": ("none: terms chosen and coefficients fitted on the noise-weighted weak form of the raw "
                            "data (test functions of a support chosen from the data's noise)"
                            + ("; the trained network (on Savitzky-Golay derivatives) adds starting sets"
                               if options.get("network") else "")),
        },
    }
    return make_certificate("symreg-recovery", claim, data, solver="lincomb.learn.symreg.SymbolicODERegressor",
                            seconds=seconds, check=check_id, seed=MODEL_SEED)


def run_lorenz(progress=None) -> list[dict]:
    """Check ``symreg-recovers-lorenz``.

    Examples
    --------
    >>> callable(run_lorenz)
    True
    """
    return [recovery_certificate(_registered("run_lorenz"), progress)]


def run_van_der_pol(progress=None) -> list[dict]:
    """Check ``symreg-recovers-van-der-pol``.

    Examples
    --------
    >>> callable(run_van_der_pol)
    True
    """
    return [recovery_certificate(_registered("run_van_der_pol"), progress)]


def run_lotka_volterra(progress=None) -> list[dict]:
    """Check ``symreg-recovers-lotka-volterra``.

    Examples
    --------
    >>> callable(run_lotka_volterra)
    True
    """
    return [recovery_certificate(_registered("run_lotka_volterra"), progress)]


def run_damped_pendulum(progress=None) -> list[dict]:
    """Check ``symreg-recovers-damped-pendulum`` (the damped driven pendulum, a ``sin`` term).

    Examples
    --------
    >>> callable(run_damped_pendulum)
    True
    """
    return [recovery_certificate(_registered("run_damped_pendulum"), progress)]


def run_spruce_budworm(progress=None) -> list[dict]:
    """Check ``symreg-recovers-spruce-budworm`` (a rational term ``x**2/(1 + x**2)``).

    Examples
    --------
    >>> callable(run_spruce_budworm)
    True
    """
    return [recovery_certificate(_registered("run_spruce_budworm"), progress)]


def run_michaelis_menten(progress=None) -> list[dict]:
    """Check ``symreg-recovers-michaelis-menten`` (a saturating rate ``V s/(K + s)``, defaults).

    Examples
    --------
    >>> callable(run_michaelis_menten)
    True
    """
    return [recovery_certificate(_registered("run_michaelis_menten"), progress)]


def run_gompertz(progress=None) -> list[dict]:
    """Check ``symreg-recovers-gompertz`` (a logarithm, ``r x log(K/x)``, defaults).

    Examples
    --------
    >>> callable(run_gompertz)
    True
    """
    return [recovery_certificate(_registered("run_gompertz"), progress)]


def run_logistic_switch(progress=None) -> list[dict]:
    """Check ``symreg-recovers-logistic-switch`` (a logistic unit ``v/(1 + exp(-a (x - c)))``, defaults).

    Examples
    --------
    >>> callable(run_logistic_switch)
    True
    """
    return [recovery_certificate(_registered("run_logistic_switch"), progress)]


if __name__ == "__main__":
    from lincomb.proofs_check.runner import main

    _system = sys.argv[1].replace("_", "-") if len(sys.argv) > 1 else "lorenz"
    main(f"symreg-recovers-{_system}", sys.argv[2:])
