"""The checks of issue 9 through run_check, and mutation / malformed tests of their certificate kinds."""

from __future__ import annotations

import copy
import importlib.util

import pytest

from lincomb.proofs_check.checkers import verify_certificate
from lincomb.proofs_check.registry import Check
from lincomb.proofs_check.runner import run_check

ZERO = Check("soft-threshold-zero-target", "c", "s", "quick", (), "attention_checks", "run_zero_target")
KSM = Check("ksm-rank1-nystrom", "c", "s", "quick", (), "ksm_checks")
LEARNS = Check("sparse-attention-learns-rule", "c", "s", "quick", ("torch",), "attention_checks", "run_learns_rule")


@pytest.fixture(scope="module")
def zero_cert():
    from lincomb.proofs_check.attention_checks import run_zero_target

    return run_zero_target()[0]


@pytest.fixture(scope="module")
def ksm_cert():
    from lincomb.proofs_check.ksm_checks import run

    return run(seeds=(0,), points=5, dimension=2)[0]


@pytest.fixture
def lifting_cert():
    return {
        "format": "lincomb-certificate", "version": 1, "kind": "lifting-measurement",
        "claim": {"statement": "MEASUREMENT (not a proof): ...", "measurement": True, "context_length": 2,
                  "exact_coefficients": ["-1", "2"], "tolerance": "1/20", "norm": "max-abs"},
        "data": {"measured_coefficients": ["-8392197/8388608", "524379/262144"], "distance": "3589/8388608"},
        "provenance": {"lincomb": "0.1.0", "solver": "torch", "seconds": 1.0},
    }


def test_exact_checks_pass(tmp_path):
    for check in (ZERO, KSM):
        result = run_check(check, out_dir=tmp_path)
        assert result.status == "PASS", result.message
        assert result.certificate_paths


@pytest.mark.skipif(importlib.util.find_spec("torch") is None, reason="needs torch")
def test_learned_rule_check_passes_as_a_measurement():
    result = run_check(LEARNS)
    assert result.status == "PASS", result.message
    assert result.message.startswith("reproduced: measurement:")


def _status(cert):
    return verify_certificate(cert).status


def test_valid_certificates(zero_cert, ksm_cert, lifting_cert):
    assert all(_status(c) == "VERIFIED" for c in (zero_cert, ksm_cert, lifting_cert))


@pytest.mark.parametrize("mutate", [
    lambda c: c["data"]["measured_coefficients"].__setitem__(0, "-1/2"),           # far from the rule
    lambda c: c["data"].__setitem__("distance", "0"),                              # wrong distance
    lambda c: c["claim"].__setitem__("exact_coefficients", ["2", "-1"]),            # swapped
    lambda c: c["claim"].__setitem__("tolerance", "1/10000000"),                    # tighter than measured
    lambda c: c["claim"].__setitem__("measurement", False),                         # passed off as a proof
    lambda c: c["claim"].__setitem__("statement", "a theorem"),
])
def test_lifting_mutations_rejected(lifting_cert, mutate):
    mutate(lifting_cert)
    assert _status(lifting_cert) == "NOT VERIFIED"


@pytest.mark.parametrize("mutate", [
    lambda c: c["data"]["measured_coefficients"].pop(),
    lambda c: c["data"]["measured_coefficients"].__setitem__(0, -0.99),
    lambda c: c["claim"].__setitem__("norm", "l2"),
])
def test_lifting_malformed(lifting_cert, mutate):
    mutate(lifting_cert)
    assert _status(lifting_cert) == "MALFORMED"


@pytest.mark.parametrize("mutate", [
    lambda c: c["data"]["tokens"][6].__setitem__(0, "1"),                    # target not zero
    lambda c: c["data"]["target_sparse_codes"][0].__setitem__(0, "1/7"),      # nonzero code
    lambda c: c["data"]["target_softmax_weights"][1].__setitem__(0, "1/8"),   # not uniform
    lambda c: c["data"]["target_softmax_outputs"][2].__setitem__(0, "0"),     # not the average
    lambda c: c["data"]["value_matrix"][0].__setitem__(0, "12345"),           # changed coefficient
    lambda c: c["data"]["tokens"].insert(0, c["data"]["tokens"].pop(6)),    # swapped rows: a target is not zero
])
def test_zero_target_mutations_rejected(zero_cert, mutate):
    cert = copy.deepcopy(zero_cert)
    mutate(cert)
    assert _status(cert) == "NOT VERIFIED"


@pytest.mark.parametrize("mutate", [
    lambda c: c["claim"].__setitem__("target_rows", [6, 7, 9]),
    lambda c: c["data"]["tokens"].pop(),
    lambda c: c["claim"].__setitem__("threshold", "-1/20"),
    lambda c: c["data"]["score_matrix"][0].__setitem__(0, "0.5"),
])
def test_zero_target_malformed(zero_cert, mutate):
    cert = copy.deepcopy(zero_cert)
    mutate(cert)
    assert _status(cert) == "MALFORMED"


@pytest.mark.parametrize("mutate", [
    lambda c: c["claim"].__setitem__("q_star", "0"),
    lambda c: c["claim"].__setitem__("max_rhs", "1"),
    lambda c: c["data"]["outputs"].__setitem__(0, "77"),                       # changed data, stale A/B
    lambda c: c["data"]["gram_ldl"]["diagonal"].__setitem__(1, "-1"),
    lambda c: c["data"]["gram_ldl"]["lower"][2].__setitem__(0, "1/3"),
    lambda c: c["data"]["points"].reverse(),
])
def test_ksm_mutations_rejected(ksm_cert, mutate):
    cert = copy.deepcopy(ksm_cert)
    mutate(cert)
    assert _status(cert) == "NOT VERIFIED"


@pytest.mark.parametrize("mutate", [
    lambda c: c["claim"]["kernel"].__setitem__("type", "gaussian"),
    lambda c: c["data"]["outputs"].pop(),
    lambda c: c["data"]["gram_ldl"]["lower"].pop(),
    lambda c: c["data"].__delitem__("landmark"),
])
def test_ksm_malformed(ksm_cert, mutate):
    cert = copy.deepcopy(ksm_cert)
    mutate(cert)
    assert _status(cert) == "MALFORMED"
