"""``braid-chamber-identity`` certificates: built, verified, and mutated ones rejected."""

from __future__ import annotations

import copy

import pytest

from lincomb.proofs_check.checkers import verify_certificate
from lincomb.proofs_check.identity_certificates import braid_chamber_identity_certificate
from lincomb.solvers.max_representation import max_representation
from lincomb.theory.constructions import max_function


@pytest.fixture(scope="module")
def certificate():
    network = max_representation(5).network()
    return braid_chamber_identity_certificate(network, max_function(5), statement="the n = 5 network is max_5",
                                              claim_extra={"lhs_hidden_layers": 2})


def test_the_n5_network_certificate_verifies(certificate):
    verdict = verify_certificate(certificate)
    assert verdict.status == "VERIFIED", verdict.line()
    assert "120 braid chambers" in verdict.summary


def _second_layer_weight(cert, neuron, column, delta):
    mutated = copy.deepcopy(cert)
    row = mutated["claim"]["lhs"]["layers"][1]["weights"][neuron]
    from fractions import Fraction

    row[column] = str(Fraction(row[column]) + delta)
    return mutated


@pytest.mark.parametrize("neuron,column", [(0, 0), (5, 3), (20, 10)])
def test_a_changed_weight_is_rejected(certificate, neuron, column):
    mutated = _second_layer_weight(certificate, neuron, column, 1)
    verdict = verify_certificate(mutated)
    assert verdict.status == "NOT VERIFIED", verdict.line()
    # Either the chamber's sum does not vanish, or (a broken pass-through pair: relu(x_j) alone kinks off
    # the braid hyperplanes) the network leaves what this kind can show: rejected both ways.
    assert verdict.reason.startswith("chamber "), verdict.reason
    assert "not zero" in verdict.reason or "cannot show" in verdict.reason


def test_a_changed_output_weight_and_wrong_counts_are_rejected(certificate):
    mutated = copy.deepcopy(certificate)
    mutated["claim"]["lhs"]["layers"][2]["weights"][0][7] = "1/3"
    assert verify_certificate(mutated).status == "NOT VERIFIED"
    for field, value in (("chambers", 24), ("max_hinges", 99)):
        wrong = copy.deepcopy(certificate)
        wrong["data"][field] = value
        verdict = verify_certificate(wrong)
        assert verdict.status == "NOT VERIFIED" and f"data.{field}" in verdict.reason


def test_malformed_fan_and_hidden_layer_claims(certificate):
    wrong = copy.deepcopy(certificate)
    wrong["claim"]["fan"] = "coordinate"
    assert verify_certificate(wrong).status == "MALFORMED"
    wrong = copy.deepcopy(certificate)
    wrong["claim"]["lhs_hidden_layers"] = 1
    assert verify_certificate(wrong).status == "NOT VERIFIED"
