"""``symmetric-network-identity`` certificates: built, verified, and mutated ones rejected."""

from __future__ import annotations

import copy
import json
from fractions import Fraction

import pytest

from lincomb.errors import CheckFailed
from lincomb.proofs_check.checkers import verify_certificate
from lincomb.proofs_check.max_two_hidden import symmetric_network_certificate_for
from lincomb.proofs_check.symmetric_network_certificates import symmetric_network_certificate
from lincomb.theory.symmetric_network import symmetric_max_network


@pytest.fixture(scope="module")
def certificate():
    # Through JSON, as a file would be read.
    return json.loads(json.dumps(symmetric_network_certificate_for(5)))


def _rejected(cert, *fragments):
    verdict = verify_certificate(cert)
    assert verdict.status == "NOT VERIFIED", verdict.line()
    for fragment in fragments:
        assert fragment in verdict.reason, verdict.reason
    return verdict


def test_the_n5_symmetric_network_certificate_verifies(certificate):
    verdict = verify_certificate(certificate)
    assert verdict.status == "VERIFIED", verdict.line()
    assert "equal on x1 >= x2 >= x3 >= x4 >= x5" in verdict.summary
    assert certificate["claim"]["lhs_widths"] == [30, 77]


def test_a_removed_first_layer_neuron_breaks_the_closure(certificate):
    mutated = copy.deepcopy(certificate)
    del mutated["claim"]["lhs"]["first_layer"][3]   # relu(x1 - x5): its images under (x1 x2) and the cycle are kept
    _rejected(mutated, "not closed under")


def test_an_added_asymmetric_first_layer_neuron_is_rejected(certificate):
    mutated = copy.deepcopy(certificate)
    mutated["claim"]["lhs"]["first_layer"].append({"weights": ["2", "-1", "0", "0", "0"], "bias": "0"})
    _rejected(mutated, "not closed under")


def test_a_changed_output_weight_is_rejected(certificate):
    mutated = copy.deepcopy(certificate)
    orbit = mutated["claim"]["lhs"]["second_layer_orbits"][0]
    orbit["output"] = str(Fraction(orbit["output"]) * 2)
    _rejected(mutated, "on x1 >= x2 >= x3 >= x4 >= x5 the network is")


def test_a_changed_row_weight_is_rejected(certificate):
    mutated = copy.deepcopy(certificate)
    entry = mutated["claim"]["lhs"]["second_layer_orbits"][1]["weights"][0]
    entry[1] = str(Fraction(entry[1]) + 1)
    _rejected(mutated)


@pytest.mark.parametrize("position", [0, 3, -1])
def test_a_wrong_chamber_coefficient_is_rejected(certificate, position):
    mutated = copy.deepcopy(certificate)
    affine = mutated["data"]["chamber_affine"]
    affine[position] = str(Fraction(affine[position]) + Fraction(1, 2))
    _rejected(mutated, "data.chamber_affine says")


def test_wrong_counts_are_rejected(certificate):
    mutated = copy.deepcopy(certificate)
    mutated["data"]["chamber_hinges"] += 1
    _rejected(mutated, "data.chamber_hinges says")
    mutated = copy.deepcopy(certificate)
    mutated["claim"]["lhs"]["second_layer_orbits"][0]["orbit_size"] += 1
    _rejected(mutated, "orbit_size says")
    mutated = copy.deepcopy(certificate)
    mutated["claim"]["lhs_widths"][1] -= 1
    _rejected(mutated, "claim.lhs_widths says")
    mutated = copy.deepcopy(certificate)
    mutated["claim"]["lhs_hidden_layers"] = 1
    _rejected(mutated, "exactly 2 hidden layers")


def test_a_repeated_orbit_is_rejected(certificate):
    mutated = copy.deepcopy(certificate)
    orbits = mutated["claim"]["lhs"]["second_layer_orbits"]
    orbits.append(copy.deepcopy(orbits[0]))
    _rejected(mutated, "is the same orbit as")


def test_an_asymmetric_right_hand_side_is_rejected(certificate):
    mutated = copy.deepcopy(certificate)
    del mutated["claim"]["rhs"]["terms"][0]["pieces"][4]      # max(x1..x4): not symmetric in x5
    _rejected(mutated, "the right-hand side is not symmetric")


def test_a_crossing_neuron_without_its_partner_is_rejected():
    # relu(x1) + relu(x2) is symmetric, but relu(x_i) changes sign on the chamber: outside this kind.
    layer = [{"weights": w, "bias": "0"} for w in (["1", "0"], ["0", "1"])]
    cert = {"format": "lincomb-certificate", "version": 1, "kind": "symmetric-network-identity",
            "claim": {"statement": "relu(x1) + relu(x2)", "input_dimension": 2, "lhs_widths": [2, 2],
                      "lhs": {"type": "symmetric-relu-network", "first_layer": layer,
                              "second_layer_orbits": [{"weights": [[0, "1"]], "bias": "0", "output": "1",
                                                       "orbit_size": 2}], "output_bias": "0"},
                      "rhs": {"type": "max-combination", "terms": []}},
            "data": {"chamber_affine": ["0", "0", "0"], "chamber_hinges": 0},
            "provenance": {"lincomb": "0.1.0", "solver": "hand", "seconds": 0}}
    _rejected(cert, "pass-through pair")


def test_malformed_certificates_are_reported(certificate):
    mutated = copy.deepcopy(certificate)
    mutated["claim"]["lhs"]["second_layer_orbits"][0]["output"] = 0.5
    verdict = verify_certificate(mutated)
    assert verdict.status == "MALFORMED" and verdict.field == "claim.lhs.second_layer_orbits[0].output"
    mutated = copy.deepcopy(certificate)
    mutated["claim"]["lhs"]["second_layer_orbits"][0]["weights"][0][0] = 99
    assert verify_certificate(mutated).status == "MALFORMED"
    mutated = copy.deepcopy(certificate)
    del mutated["data"]["chamber_affine"]
    assert verify_certificate(mutated).field == "data.chamber_affine"


def test_the_builder_refuses_a_wrong_network():
    with pytest.raises(CheckFailed, match="the network is 2\\*x1"):
        symmetric_network_certificate(symmetric_max_network(4, [("1/12", [(2, 3)], [(0, 1)])]), statement="2 max_4")


def test_the_published_n6_representation_gives_a_verified_network():
    from lincomb.solvers.max_representation import published_n6_terms

    network = symmetric_max_network(6, [(c, t.a, t.b) for c, t in published_n6_terms()])
    cert = symmetric_network_certificate(network, statement="the published n = 6 certificate as a network")
    verdict = verify_certificate(json.loads(json.dumps(cert)))
    assert verdict.status == "VERIFIED", verdict.line()


def test_the_optional_shape_fields_of_the_claim_are_checked(certificate):
    # The right-hand side of the n = 5 certificate is one maximum of 5 pieces: a claim of at most 1 piece per
    # maximum is false and must not verify; the shape fields that do not fit the sides are malformed.
    assert max(len(t["pieces"]) for t in certificate["claim"]["rhs"]["terms"]) == 5
    mutated = copy.deepcopy(certificate)
    mutated["claim"]["rhs_max_pieces"] = 1
    _rejected(mutated, "claim.rhs_max_pieces says at most 1")
    mutated["claim"]["rhs_max_pieces"] = 5
    assert verify_certificate(mutated).status == "VERIFIED"
    for field in ("rhs_hidden_layers", "lhs_max_pieces"):
        mutated = copy.deepcopy(certificate)
        mutated["claim"][field] = 0 if field == "rhs_hidden_layers" else 5
        verdict = verify_certificate(mutated)
        assert verdict.status == "MALFORMED" and verdict.field == f"claim.{field}", verdict.line()
