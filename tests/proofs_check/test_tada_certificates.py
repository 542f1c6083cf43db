"""The four TADA checks pass; their checkers reject mutated and malformed certificates."""

import copy
import json
import subprocess
import sys
import textwrap

import pytest

from lincomb.proofs_check import tada_checks
from lincomb.proofs_check.checkers import verify_certificate
from lincomb.proofs_check.registry import Check
from lincomb.proofs_check.runner import run_check

SOURCE = tada_checks.SOURCE
CHECKS = {
    "tada-closed-forms": Check("tada-closed-forms", "closed forms", SOURCE, "quick", (), "tada_checks", "run_closed_forms"),
    "tada-n1-is-flow-matching": Check("tada-n1-is-flow-matching", "N = 1", SOURCE, "quick", (), "tada_checks",
                                      "run_n1_flow_matching"),
    "tada-exact-on-point-mass": Check("tada-exact-on-point-mass", "point mass", SOURCE, "quick", (), "tada_checks",
                                      "run_point_mass"),
    "tada-gaussian-convergence": Check("tada-gaussian-convergence", "measurement", SOURCE, "quick", ("torch",),
                                       "tada_checks", "run_gaussian_convergence"),
}


@pytest.fixture(scope="module")
def certs():
    pytest.importorskip("torch")
    return {
        "closed": tada_checks.run_closed_forms(orders=(1, 2, 3))[0],
        "n1": tada_checks.run_n1_flow_matching()[0],
        "point": tada_checks.run_point_mass(Ns=(1, 2), orders=(1, 2, 3), nfes=(4,))[0],
        "conv": tada_checks.run_gaussian_convergence(orders=(2,), nfes=(16, 32, 64))[0],
    }


@pytest.mark.parametrize("check_id", list(CHECKS))
def test_checks_pass(check_id, tmp_path):
    if check_id == "tada-gaussian-convergence":
        pytest.importorskip("torch")
    result = run_check(CHECKS[check_id], out_dir=tmp_path)
    assert result.status == "PASS", result.message


def _status(cert):
    return verify_certificate(json.loads(json.dumps(cert))).status


def test_valid_verify(certs):
    assert all(_status(c) == "VERIFIED" for c in certs.values())


def _mutations(certs):
    closed, n1, point, conv = (certs[k] for k in ("closed", "n1", "point", "conv"))

    def m_closed_coefficient(c):
        c["data"]["cases"][1]["M"][0][1][0][1] = "7"
    def m_closed_dropped_term(c):
        c["data"]["cases"][2]["Sigma"][0][0].pop()
    def m_closed_swapped(c):
        M = c["data"]["cases"][1]["M"]
        M[0], M[1] = M[1], M[0]
    def m_closed_claim(c):
        c["claim"]["N"] = [1, 2, 3, 4]
    def m_n1_velocity(c):
        c["data"]["flow_matching_velocity"]["numerator"][0][1] = "2"
    def m_n1_dropped(c):
        c["data"]["pf_ode_rhs"]["numerator"].pop()
    def m_point_state(c):
        c["data"]["cases"][3]["states"][2][0] = "1/3"
    def m_point_times_swapped(c):
        ts = c["data"]["cases"][0]["times"]
        ts[1], ts[2] = ts[2], ts[1]
    def m_point_target(c):
        for case in c["data"]["cases"]:
            case["point"] = "0"
    def m_point_dropped_case(c):
        c["data"]["cases"] = [case for case in c["data"]["cases"] if case["order"] != 3]
    def m_conv_order(c):
        c["claim"]["expected_order"] = 3
    def m_conv_error(c):
        c["data"]["errors"][2] = c["data"]["errors"][0]
    def m_conv_not_measurement(c):
        c["claim"]["measurement"] = False
    def m_conv_observed(c):
        c["claim"]["observed_order"] = "5/2"

    return [(closed, m_closed_coefficient), (closed, m_closed_dropped_term), (closed, m_closed_swapped),
            (closed, m_closed_claim), (n1, m_n1_velocity), (n1, m_n1_dropped), (point, m_point_state),
            (point, m_point_times_swapped), (point, m_point_target), (point, m_point_dropped_case),
            (conv, m_conv_order), (conv, m_conv_error), (conv, m_conv_not_measurement), (conv, m_conv_observed)]


def test_mutations_rejected(certs):
    for cert, mutate in _mutations(certs):
        bad = copy.deepcopy(cert)
        mutate(bad)
        assert _status(bad) == "NOT VERIFIED", mutate.__name__


@pytest.mark.parametrize("key,path,value", [
    ("closed", ("data", "cases", 0, "mu", 0, 0, 1), 0.5),
    ("closed", ("data", "cases", 0, "M"), "x"),
    ("n1", ("data", "dy_dsigma", "denominator"), []),
    ("point", ("data", "cases", 0, "z_init"), ["1.5"]),
    ("conv", ("data", "errors", 0), 1e-3),
])
def test_malformed(certs, key, path, value):
    bad = copy.deepcopy(certs[key])
    target = bad
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    verdict = verify_certificate(bad)
    assert verdict.status == "MALFORMED", verdict.line()


def test_checkers_verify_without_third_party(certs, tmp_path):
    paths = []
    for name, cert in certs.items():
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(cert))
        paths.append(str(path))
    script = textwrap.dedent("""
        import importlib.abc, sys
        class Blocker(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in {"numpy", "sympy", "torch", "flint", "scipy", "sklearn"}:
                    raise ImportError(name)
        sys.meta_path.insert(0, Blocker())
        from lincomb.proofs_check.checkers import verify_file
        bad = [p for p in sys.argv[1:] if not verify_file(p).verified]
        sys.exit(1 if bad else 0)
    """)
    done = subprocess.run([sys.executable, "-I", "-c", script, *paths], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
