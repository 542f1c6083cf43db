"""The symreg-recovery checker (standard library) and the symreg-recovers-* checks."""

from __future__ import annotations

import copy

import pytest

from lincomb.proofs_check.checkers import verify_certificate
from lincomb.proofs_check.checkers.symreg_recovery import canonical_key

TRUE = [{"x": "-10", "y": "10"}, {"x": "28", "x*z": "-1", "y": "-1"}, {"x*y": "1", "z": "-8/3"}]
LEARNED = [{"x": "-999/100", "y": "1001/100"},
           {"x": "2799/100", "x*z": "-1", "y": "-1"}, {"x*y": "1", "z": "-2667/1000"}]


def _cert(learned=None, true=None, **claim):
    body = {
        "statement": "from simulated lorenz trajectories ... MEASURED coefficients within 1/50",
        "system": "lorenz",
        "variables": ["x", "y", "z"],
        "true_equations": copy.deepcopy(TRUE if true is None else true),
        "tolerance": "1/50",
        "noise": "1/100",
        "max_relative_error": "1/1000",
    }
    body.update(claim)
    return {
        "format": "lincomb-certificate", "version": 1, "kind": "symreg-recovery", "claim": body,
        "data": {"learned_equations": copy.deepcopy(LEARNED if learned is None else learned), "measurement": {}},
        "provenance": {"lincomb": "0.1.0", "solver": "test", "seconds": 0},
    }


def test_valid_certificate_verifies_with_exact_maximum():
    verdict = verify_certificate(_cert())
    assert verdict.verified, verdict.line()
    assert "exact structure (3 equations, 7 terms)" in verdict.summary
    assert "1/1000 <= 1/50" in verdict.summary


def test_reordered_factors_are_the_same_term():
    learned = copy.deepcopy(LEARNED)
    learned[1]["z*x"] = learned[1].pop("x*z")
    assert verify_certificate(_cert(learned)).verified
    assert canonical_key("x*x*y^(1/2)", ["x", "y"], "k") == canonical_key("y^(1/2)*x^2", ["x", "y"], "k")


@pytest.mark.parametrize(
    "mutate, reason",
    [
        (lambda l: l[2].__setitem__("z", "-2"), "relative coefficient error 1/4"),          # coefficient off by 25 %
        (lambda l: l[1].pop("x*z"), "missing terms ['x*z']"),                                # dropped term
        (lambda l: l[0].__setitem__("x*y", "1/1000"), "extra terms ['x*y']"),                # spurious term
        (lambda l: l.reverse(), "structure differs"),                                        # swapped equations
        (lambda l: l[0].__setitem__("x", "-1002/100"), "recomputed maximum relative error is 1/500"),
    ],
)
def test_mutations_are_rejected(mutate, reason):
    learned = copy.deepcopy(LEARNED)
    mutate(learned)
    verdict = verify_certificate(_cert(learned))
    assert verdict.status == "NOT VERIFIED", verdict.line()
    assert reason in verdict.reason


def test_wrong_claimed_maximum_and_tighter_tolerance_are_rejected():
    assert "recomputed maximum" in verify_certificate(_cert(max_relative_error="1/2000")).reason
    assert "exceeds the tolerance 1/2000" in verify_certificate(_cert(tolerance="1/2000")).reason


@pytest.mark.parametrize(
    "change, field",
    [
        (lambda c: c["data"]["learned_equations"][0].__setitem__("x", -9.99), 'data.learned_equations[0].x'),
        (lambda c: c["data"]["learned_equations"][0].__setitem__("w*x", "1"), 'data.learned_equations[0]["w*x"]'),
        (lambda c: c["data"]["learned_equations"][0].__setitem__("(x", "1"), 'data.learned_equations[0]["(x"]'),
        (lambda c: c["data"]["learned_equations"].pop(), "data.learned_equations"),
        (lambda c: c["claim"]["true_equations"][0].__setitem__("y", "0"), "claim.true_equations[0].y"),
        (lambda c: c["claim"].pop("tolerance"), "claim.tolerance"),
        (lambda c: c["claim"].__setitem__("variables", ["x", "x", "z"]), "claim.variables[1]"),
        (lambda c: c["data"]["learned_equations"][0].__setitem__("x*1", "1"), 'data.learned_equations[0]["x*1"]'),
    ],
)
def test_malformed_certificates_name_the_field(change, field):
    cert = _cert()
    change(cert)
    verdict = verify_certificate(cert)
    assert verdict.status == "MALFORMED", verdict.line()
    assert verdict.field == field


# ------------------------------------------------------------------ the checks, end to end
def test_check_passes_and_fails_through_the_runner(monkeypatch, tmp_path):
    pytest.importorskip("torch").set_num_threads(1)
    pytest.importorskip("scipy")
    from lincomb.proofs_check import symreg_checks
    from lincomb.proofs_check.registry import Check
    from lincomb.proofs_check.runner import run_check

    check = Check("symreg-recovers-lotka-volterra", "c", "s", "full", ("torch", "scipy"), "symreg_checks",
                  function="run_lotka_volterra")
    fast = {"degree": 2, "functions": (), "rational": False, "epochs": 200, "train_samples": 500}
    monkeypatch.setitem(symreg_checks.RECOVERY_CHECKS, check.id, ("lotka_volterra", fast))
    result = run_check(check, out_dir=tmp_path)
    assert result.status == "PASS", result.message
    assert "lotka_volterra: exact structure (2 equations, 4 terms)" in result.message
    assert (tmp_path / f"{check.id}.json").is_file()

    # A network without products cannot express x*y: the certificate records it, the checker rejects it.
    monkeypatch.setitem(symreg_checks.RECOVERY_CHECKS, check.id, ("lotka_volterra", {**fast, "degree": 1}))
    result = run_check(check)
    assert result.status == "FAIL" and "structure differs from the true system" in result.message
