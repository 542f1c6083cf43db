"""The cpwl-identity checker accepts what the search proves and rejects every defect."""

from __future__ import annotations

import copy
import json
import random
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lincomb.cli import main as cli_main
from lincomb.proofs_check.checkers import verify_certificate
from lincomb.theory import CPWL, ReLUNetwork, prove_identity

sys.path.insert(0, str(Path(__file__).parent))
from cpwl_identity_fixtures import EXPECTATIONS, HERE, defective_certificates, valid_certificates  # noqa: E402

sys.path.pop(0)


@pytest.mark.parametrize("name", sorted(EXPECTATIONS))
def test_fixture_verdicts_and_exit_codes(name, capsys):
    exit_code, phrase = EXPECTATIONS[name]
    assert cli_main(["verify", str(HERE / name)]) == exit_code
    output = capsys.readouterr().out
    verdict_lines = [line for line in output.splitlines() if line.startswith("s ")]
    assert len(verdict_lines) == 1
    assert phrase in verdict_lines[0]


def test_fixtures_are_what_the_generator_makes():
    """The committed defects are exactly one defect away from certificates the search still produces."""
    valid = valid_certificates()
    for name, cert in valid.items():
        assert verify_certificate(cert).verified
    stored = {name: json.loads((HERE / name).read_text()) for name in EXPECTATIONS if not name.startswith("valid/")}
    regenerated = defective_certificates({name: json.loads((HERE / "valid" / name).read_text()) for name in valid})
    assert stored == regenerated


def _load_valid():
    return [json.loads((HERE / name).read_text()) for name in EXPECTATIONS if name.startswith("valid/")]


def _rational_slots(node, path=()):
    """Paths of every rational string inside an expression."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _rational_slots(value, path + (key,))
    elif isinstance(node, list):
        if node and all(isinstance(v, str) for v in node):
            for i in range(len(node)):
                yield path + (i,)
        else:
            for i, value in enumerate(node):
                yield from _rational_slots(value, path + (i,))


def _get(root, path):
    for key in path[:-1]:
        root = root[key]
    return root, path[-1]


def _expression_object(expression):
    if expression["type"] == "relu-network":
        return ReLUNetwork.from_json(expression)
    return CPWL.from_json(expression)


def _claim_is_true(cert) -> bool:
    claim = cert["claim"]
    try:
        lhs, rhs = _expression_object(claim["lhs"]), _expression_object(claim["rhs"])
        return prove_identity(lhs.to_program(), rhs.to_program()).equal
    except Exception:  # a mutation that breaks shapes makes no true claim
        return False


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2), st.sampled_from(["change", "drop", "swap"]), st.randoms(use_true_random=False), st.sampled_from(["1", "-1", "1/2", "3"]))
def test_mutated_claims_are_rejected_unless_still_true(which, mutation, rng, delta):
    """Soundness: the checker accepts a mutated claim only if the mutated identity is really true."""
    cert = copy.deepcopy(_load_valid()[which])
    side = rng.choice(["lhs", "rhs"])
    expression = cert["claim"][side]
    slots = list(_rational_slots(expression))
    if mutation == "change":
        parent, key = _get(expression, rng.choice(slots))
        from fractions import Fraction

        value = Fraction(parent[key]) + Fraction(delta)
        parent[key] = f"{value.numerator}/{value.denominator}"
    elif mutation == "drop":
        if expression["type"] == "relu-network":
            layer = rng.choice(expression["layers"][:-1] or expression["layers"])
            if len(layer["weights"]) < 2:
                return
            index = rng.randrange(len(layer["weights"]))
            layer["weights"].pop(index)
            layer["biases"].pop(index)
        else:
            if len(expression["terms"]) < 2:
                return
            expression["terms"].pop(rng.randrange(len(expression["terms"])))
    else:
        rows = [p[:-1] for p in slots if p[-1] == 0]
        parent, key = _get(expression, rng.choice(rows) + (0,))
        if len(parent) < 2 or parent[0] == parent[1]:
            return
        parent[0], parent[1] = parent[1], parent[0]
    verdict = verify_certificate(cert)
    if verdict.verified:
        assert _claim_is_true(cert), f"checker accepted a false claim after {mutation}: {verdict.line()}"


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2), st.randoms(use_true_random=False), st.sampled_from(["1", "1/3", "-1/2", "2"]))
def test_changed_multipliers_are_rejected(which, rng, delta):
    """The fixtures are homogeneous, so every constraint has a non-zero linear part: any change breaks sum y c = 0."""
    from fractions import Fraction

    cert = copy.deepcopy(_load_valid()[which])
    cells = cert["data"]["empty_cells"]
    multipliers = cells[rng.choice(sorted(cells))]
    key = rng.choice(sorted(multipliers))
    value = Fraction(multipliers[key]) + Fraction(delta)
    multipliers[key] = f"{value.numerator}/{value.denominator}"
    assert not verify_certificate(cert).verified


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2), st.randoms(use_true_random=False))
def test_dropped_empty_cells_are_rejected(which, rng):
    cert = copy.deepcopy(_load_valid()[which])
    cells = cert["data"]["empty_cells"]
    cells.pop(rng.choice(sorted(cells)))
    assert not verify_certificate(cert).verified
