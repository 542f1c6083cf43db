"""The activation-family checks and their certificate kinds: PASS, mutations rejected, naive witnesses caught."""

from __future__ import annotations

import copy
import json

import pytest

from lincomb.errors import CheckFailed
from lincomb.proofs_check.activation_checks import (
    collapse_identity,
    gated_units_json,
    la_witness,
    min_width_table_certificates,
    moa_separation_certificate,
    moa_witness,
    moa_witness_separates,
    run_la_strictly_contains_fixed,
    run_moa_strictly_contains_la,
)
from lincomb.proofs_check.checkers import verify_certificate
from lincomb.proofs_check.registry import Check
from lincomb.proofs_check.runner import run_check
from lincomb.theory.activations import Gate, Mixing, SymbolicFFN

from test_checkers_stdlib_only import _run as run_stdlib_only  # same folder: the subprocess with blocked imports

CHECKS = {
    "la-strictly-contains-fixed": ("run_la_strictly_contains_fixed", "quick", ()),
    "moa-strictly-contains-la": ("run_moa_strictly_contains_la", "quick", ()),
    "learned-moa-exports-witness": ("run_learned_moa_exports_witness", "full", ("torch",)),
    "min-width-table": ("run_min_width_table", "quick", ()),
}


def _check(check_id: str) -> Check:
    function, tier, needs = CHECKS[check_id]
    return Check(check_id, "c", "s", tier, needs, "activation_checks", function=function)


@pytest.fixture(scope="module")
def la_cert():
    return run_la_strictly_contains_fixed()[0]


@pytest.fixture(scope="module")
def moa_cert():
    return run_moa_strictly_contains_la()[0]


@pytest.fixture(scope="module")
def width_certs():
    return min_width_table_certificates(teeth=(2,))


@pytest.mark.parametrize("check_id", ["la-strictly-contains-fixed", "moa-strictly-contains-la", "min-width-table"])
def test_quick_checks_pass(check_id, tmp_path):
    result = run_check(_check(check_id), out_dir=tmp_path)
    assert result.status == "PASS", result.message
    assert all(v.verified for v in result.verdicts)


@pytest.mark.slow
def test_learned_moa_check_passes(tmp_path):
    pytest.importorskip("torch")
    result = run_check(_check("learned-moa-exports-witness"), out_dir=tmp_path)
    assert result.status == "PASS", result.message


def test_certificates_verify_without_third_party_modules(tmp_path, la_cert, moa_cert, width_certs):
    paths = []
    for i, cert in enumerate([la_cert, moa_cert, width_certs[0], width_certs[-1]]):
        path = tmp_path / f"{i}.json"
        path.write_text(json.dumps(cert))
        paths.append(str(path))
    completed = run_stdlib_only(paths)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert completed.stdout.count("s VERIFIED") == len(paths)


# --- mutations: every change to the proof data or the claim must be rejected ---------------------

def _status(cert) -> str:
    return verify_certificate(json.loads(json.dumps(cert))).status


def _mutated(cert, change):
    cert = copy.deepcopy(cert)
    change(cert)
    return cert


LA_MUTATIONS = {
    "coefficient": lambda c: c["claim"]["witness"]["units"][1].__setitem__("coefficient", "0"),
    "dropped unit": lambda c: c["claim"]["witness"]["units"].pop(1),
    "swapped one-sided derivatives": lambda c: c["data"]["separations"]["relu2"].update(left="1", right="0"),
    "shifted unit": lambda c: c["claim"]["witness"]["units"][1].__setitem__("bias", "1"),
    "wrong piece": lambda c: c["data"]["restriction"]["pieces"][1].__setitem__(2, "2"),
    "wrong class": lambda c: c["data"]["separations"]["gelu"].__setitem__("class", "piecewise-linear"),
    "invariant that does not apply": lambda c: c["data"]["separations"]["relu2"].update(invariant="piece-degree", piece=1),
    "wrong derivative": lambda c: c["data"]["separations"]["tanh"].__setitem__("right", "0"),
    "degree-1 piece": lambda c: c["data"]["separations"]["relu"].__setitem__("piece", 0),
}


@pytest.mark.parametrize("name", sorted(LA_MUTATIONS))
def test_la_certificate_mutations_are_rejected(la_cert, name):
    assert _status(la_cert) == "VERIFIED"
    assert _status(_mutated(la_cert, LA_MUTATIONS[name])) != "VERIFIED"


MOA_MUTATIONS = {
    "gate made constant": lambda c: c["claim"]["witness"]["units"][0].__setitem__("gate_weights", ["0", "0"]),
    "gate removed": lambda c: c["claim"]["witness"]["units"][0].update(gate="one"),
    "jump coefficient": lambda c: c["data"]["jump_terms"][0].__setitem__("coefficient", "2"),
    "point off the line": lambda c: c["data"]["points"][0].__setitem__(1, "1"),
    "same point twice": lambda c: c["data"]["points"].__setitem__(1, ["0", "0"]),
    "other hyperplane": lambda c: c["data"]["hyperplane"].__setitem__("offset", "1"),
    "unnormalised normal": lambda c: c["data"]["hyperplane"].__setitem__("normal", ["0", "2"]),
}


@pytest.mark.parametrize("name", sorted(MOA_MUTATIONS))
def test_moa_certificate_mutations_are_rejected(moa_cert, name):
    assert _status(moa_cert) == "VERIFIED"
    assert _status(_mutated(moa_cert, MOA_MUTATIONS[name])) != "VERIFIED"


def test_min_width_mutations_are_rejected(width_certs):
    relu_abs, la_abs = width_certs[0], width_certs[2]
    assert _status(relu_abs) == _status(la_abs) == "VERIFIED"
    assert relu_abs["claim"]["minimal_width"] == 2 and la_abs["claim"]["minimal_width"] == 1
    # claiming LA's width 1 for ReLU: the network has 1 neuron with a linear part ReLU does not have
    lie = _mutated(relu_abs, lambda c: (c["claim"].__setitem__("minimal_width", 1),
                                       c["data"].__setitem__("network", la_abs["data"]["network"])))
    assert _status(lie) == "NOT VERIFIED"
    assert _status(_mutated(relu_abs, lambda c: c["data"]["network"]["neurons"][0].__setitem__("v", "3"))) == "NOT VERIFIED"
    assert _status(_mutated(relu_abs, lambda c: c["data"]["lower_bound"].__setitem__("argument", "count"))) == "NOT VERIFIED"
    assert _status(_mutated(relu_abs, lambda c: c["claim"]["target"].__setitem__("slope_left", "0"))) == "NOT VERIFIED"
    linear_relu = width_certs[9]  # x with ReLU: width 2, width 1 excluded because one neuron has a kink
    assert linear_relu["claim"]["target"]["name"] == "x" and linear_relu["claim"]["family"] == "relu"
    assert linear_relu["data"]["lower_bound"]["argument"] == "single-kink" and _status(linear_relu) == "VERIFIED"
    one_neuron = _mutated(linear_relu, lambda c: (c["claim"].__setitem__("minimal_width", 1),
                                                 c["data"]["network"]["neurons"].pop()))
    assert _status(one_neuron) == "NOT VERIFIED"
    none = width_certs[-1]
    assert _status(none) == "VERIFIED"
    assert _status(_mutated(none, lambda c: c["data"]["points"].__setitem__(1, ["0", "-2"]))) == "NOT VERIFIED"


def test_malformed_certificates(la_cert, moa_cert):
    float_coefficient = _mutated(la_cert, lambda c: c["claim"]["witness"]["units"][0].__setitem__("coefficient", 1.0))
    verdict = verify_certificate(float_coefficient)
    assert verdict.status == "MALFORMED" and verdict.field == "claim.witness.units[0].coefficient"
    unknown = _mutated(moa_cert, lambda c: c["claim"]["witness"]["units"][0].__setitem__("activation", "softplus"))
    assert verify_certificate(unknown).status == "MALFORMED"
    missing = _mutated(moa_cert, lambda c: c["data"].pop("points"))
    assert verify_certificate(missing).field == "data.points"


# --- naive witnesses are detected as not separating -----------------------------------------------

def test_naive_moa_witness_collapses_into_la():
    # x tanh(l x): a width-1 MoA unit (tanh gate on the identity) that equals SiLU(2 l x)/l - x, a width-1 LA network
    naive = SymbolicFFN.type1([[1]], [0], [[1]], [0], Mixing.gated({"identity": Gate("tanh", [3], 0)}))
    assert collapse_identity(3)
    assert moa_witness_separates(naive) is None
    with pytest.raises(CheckFailed, match="does not separate"):
        moa_separation_certificate(naive, "x tanh(3x) is outside LA", "demo")


def test_naive_gradient_jump_certificate_is_rejected(moa_cert):
    # an LA candidate (ungated relu) dressed up as a separation: its jump is constant, the checker refuses
    la = SymbolicFFN.type1([[0, 1]], [0], [[1]], [0], Mixing.learnable({"relu": 2, "tanh": 1}))
    cert = copy.deepcopy(moa_cert)
    cert["claim"]["witness"] = gated_units_json(la)
    cert["data"]["jump_terms"] = [{"coefficient": "2", "gate": "one"}]
    verdict = verify_certificate(cert)
    assert verdict.status == "NOT VERIFIED" and "no gated term changes" in verdict.reason


def test_naive_la_witness_is_rejected_against_relu2(la_cert):
    # relu(x)^2 + relu(-x)^2 = x^2 is a ReLU^2 network: no invariant separates it, and a certificate
    # claiming the separation is rejected
    naive = SymbolicFFN.type1([[1], [-1]], [0, 0], [[1, 1]], [0], Mixing.fixed("relu2"))
    cert = copy.deepcopy(la_cert)
    cert["claim"]["witness"] = gated_units_json(naive)
    cert["claim"]["activations"] = ["relu2"]
    cert["data"] = {"restriction": {"breakpoints": [], "pieces": [["0", "0", "1"]]},
                    "separations": {"relu2": {"class": "C1", "invariant": "derivative-jump", "point": "0",
                                              "left": "0", "right": "0"}}}
    verdict = verify_certificate(cert)
    assert verdict.status == "NOT VERIFIED" and "not a breakpoint" in verdict.reason


def test_witnesses_are_the_stated_functions():
    assert la_witness().width == 1 and la_witness().family == "la"
    assert moa_witness().width == 1 and moa_witness().family == "moa"
