"""cpwl-identity: checker work bounded by the certificate (issue 18, item 2).

A hidden layer of 20,000 zero neurons used to take minutes (the pass-through pair search compared every
pair of neurons, and the walk built a key string per tree node); a small certificate with an exponential
tree stops at its stated leaf count; a stated leaf count over the checker's limit is malformed.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import time

from lincomb.proofs_check.checkers import verify_certificate
from lincomb.proofs_check.checkers._expressions import _pass_through_pairs
from lincomb.proofs_check.checkers.cpwl_identity import MAX_LEAVES


def _certificate(layers: list, rhs_terms: list, leaves: int) -> dict:
    return {
        "format": "lincomb-certificate",
        "version": 1,
        "kind": "cpwl-identity",
        "claim": {
            "statement": "test",
            "input_dimension": 1,
            "lhs": {"type": "relu-network", "layers": layers},
            "rhs": {"type": "max-combination", "terms": rhs_terms},
        },
        "data": {"empty_cells": {}, "leaves": leaves, "empty_count": 0},
        "provenance": {"lincomb": "0.1.0", "solver": "hand", "seconds": 0},
    }


def _zero_neurons(width: int) -> dict:
    layers = [
        {"weights": [["0"]] * width, "biases": ["0"] * width},
        {"weights": [["1"] * width], "biases": ["0"]},
    ]
    return _certificate(layers, [], 1)


def _pairwise_scan(weights, biases, following):
    """The quadratic scan the checker used before (the rule of docs/certificates.md, written literally)."""
    role = {}
    for i in range(len(weights)):
        if i in role:
            continue
        for j in range(i + 1, len(weights)):
            if j in role:
                continue
            if biases[j] == -biases[i] and all(a == -b for a, b in zip(weights[j], weights[i])) and all(
                row[j] == -row[i] for row in following
            ):
                role[i], role[j] = "linear", "zero"
                break
    return role


def test_pass_through_pairs_are_those_of_the_pairwise_scan():
    rng = random.Random(18)
    for _ in range(2000):
        width, inputs, outputs = rng.randint(1, 8), rng.randint(1, 2), rng.randint(1, 2)
        weights = [[rng.choice((-1, 0, 1)) for _ in range(inputs)] for _ in range(width)]
        biases = [rng.choice((-1, 0, 1)) for _ in range(width)]
        following = [[rng.choice((-1, 0, 1)) for _ in range(width)] for _ in range(outputs)]
        assert _pass_through_pairs(weights, biases, following) == _pairwise_scan(weights, biases, following)


def test_a_layer_of_20000_zero_neurons_is_checked_in_seconds(tmp_path):
    # The certificate (340 KB), through the CLI as a user runs it; it ran past 60 s before.
    path = tmp_path / "zero.json"
    path.write_text(json.dumps(_zero_neurons(20_000)), encoding="utf-8")
    start = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "lincomb", "verify", str(path)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().splitlines()[-1] == "s VERIFIED"
    assert time.monotonic() - start < 10


def test_zero_neurons_still_count_in_the_identity():
    # relu(0*x + 1) summed 3 times is the constant 3, not 0: merging them away would be unsound.
    layers = [{"weights": [["0"]] * 3, "biases": ["1"] * 3}, {"weights": [["1"] * 3], "biases": ["0"]}]
    three = [{"coefficient": "3", "pieces": [{"linear": ["0"], "constant": "1"}]}]
    cert = _certificate(layers, three, 1)
    # Cell "...1" (0 > 1 at neuron d) is empty: multiplier 1 on the constraint 0 - 1 > 0.
    cert["data"]["empty_cells"] = {"1": {"0:0": "1"}, "0.1": {"1:0": "1"}, "0.0.1": {"2:0": "1"}}
    cert["data"]["empty_count"] = 3
    assert verify_certificate(cert).status == "VERIFIED", verify_certificate(cert).line()
    cert["claim"]["rhs"]["terms"] = []
    assert verify_certificate(cert).exit_code == 1


def test_an_exponential_tree_stops_at_the_stated_leaf_count():
    # 40 neurons relu(x - i) with output weights 0: 2^40 undeclared leaf cells, all with lhs - rhs = 0.
    width = 40
    layer = {"weights": [["1"]] * width, "biases": [str(-i) for i in range(width)]}
    cert = _certificate([layer, {"weights": [["0"] * width], "biases": ["0"]}], [], 41)
    verdict = verify_certificate(cert)
    assert verdict.exit_code == 1
    assert "data.leaves says 41 leaf cells, the tree has more" in verdict.reason, verdict.line()


def test_a_leaf_count_over_the_limit_is_malformed():
    cert = _zero_neurons(2)
    cert["data"]["leaves"] = MAX_LEAVES + 1
    verdict = verify_certificate(cert)
    assert verdict.status == "MALFORMED" and verdict.field == "data.leaves", verdict.line()
    assert "limit" in verdict.reason
