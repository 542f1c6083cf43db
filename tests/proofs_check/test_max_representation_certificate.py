"""The max-representation and max-representation-infeasible checkers, fixtures and mutations (issue 4).

Fixtures (``certificates/*/maxrep-*.json``) are written by ``python tests/proofs_check/test_max_representation_certificate.py``.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from lincomb.proofs_check.checkers import verify_certificate, verify_file
from lincomb.proofs_check.max_two_hidden import (
    run_k_lower_bound,
    run_n5,
    run_n6,
    run_published_n6,
)
from lincomb.proofs_check.registry import Check
from lincomb.proofs_check.runner import run_check

HERE = Path(__file__).parent / "certificates"

# file -> (exit code, phrase of the verdict line)
EXPECTATIONS = {
    "valid/maxrep-published-n6.json": (0, "s VERIFIED"),
    "valid/maxrep-n5.json": (0, "s VERIFIED"),
    "valid/maxrep-infeasible-n6-k1.json": (0, "s VERIFIED"),
    "invalid/maxrep-published-n6-wrong-coefficient.json": (1, "do not cancel"),
    "invalid/maxrep-published-n6-dropped-term.json": (1, "do not cancel"),
    "invalid/maxrep-published-n6-changed-pair.json": (1, "do not cancel"),
    "invalid/maxrep-infeasible-wrong-value.json": (1, "does not annihilate"),
    "malformed/maxrep-float-coefficient.json": (2, "data.terms[0].coefficient"),
    "malformed/maxrep-index-out-of-range.json": (2, "data.terms[1].pair[1][1][1]"),
    "malformed/maxrep-wrong-pair-count.json": (2, "data.terms[0].pair[0]"),
    "malformed/maxrep-infeasible-unreduced-direction.json": (2, "data.hinges[0].direction"),
}


def _mutants() -> dict:
    published = run_published_n6()[0]
    wrong_coefficient = copy.deepcopy(published)
    wrong_coefficient["data"]["terms"][1]["coefficient"] = "1/361"
    dropped = copy.deepcopy(published)
    del dropped["data"]["terms"][2]
    changed_pair = copy.deepcopy(published)
    changed_pair["data"]["terms"][3]["pair"][1][1] = [4, 6]
    infeasible = run_k_lower_bound(cases=((6, 1),))[0]
    wrong_value = copy.deepcopy(infeasible)
    wrong_value["data"]["linear"][0] = "2"
    float_coefficient = copy.deepcopy(published)
    float_coefficient["data"]["terms"][0]["coefficient"] = 0.5
    out_of_range = copy.deepcopy(published)
    out_of_range["data"]["terms"][1]["pair"][1][1] = [5, 7]
    wrong_count = copy.deepcopy(published)
    wrong_count["data"]["terms"][0]["pair"][0].append([1, 2])
    unreduced = copy.deepcopy(run_k_lower_bound(cases=((7, 2),))[0])
    unreduced["data"]["hinges"][0]["direction"] = [2 * v for v in unreduced["data"]["hinges"][0]["direction"]]
    return {
        "valid/maxrep-published-n6.json": published,
        "valid/maxrep-n5.json": run_n5()[0],
        "valid/maxrep-infeasible-n6-k1.json": infeasible,
        "invalid/maxrep-published-n6-wrong-coefficient.json": wrong_coefficient,
        "invalid/maxrep-published-n6-dropped-term.json": dropped,
        "invalid/maxrep-published-n6-changed-pair.json": changed_pair,
        "invalid/maxrep-infeasible-wrong-value.json": wrong_value,
        "malformed/maxrep-float-coefficient.json": float_coefficient,
        "malformed/maxrep-index-out-of-range.json": out_of_range,
        "malformed/maxrep-wrong-pair-count.json": wrong_count,
        "malformed/maxrep-infeasible-unreduced-direction.json": unreduced,
    }


def write_fixtures() -> None:
    for name, cert in _mutants().items():
        (HERE / name).write_text(json.dumps(cert, indent=1) + "\n", encoding="utf-8")


@pytest.mark.parametrize("name", sorted(EXPECTATIONS))
def test_fixture_verdicts(name):
    code, phrase = EXPECTATIONS[name]
    verdict = verify_file(HERE / name)
    assert verdict.exit_code == code, verdict.line()
    assert phrase in verdict.line()


def test_published_fixture_is_the_published_certificate():
    cert = json.loads((HERE / "valid/maxrep-published-n6.json").read_text())
    assert [t["coefficient"] for t in cert["data"]["terms"]] == ["1/720", "1/360", "-1/1440", "-1/360"]
    assert [t["pair"] for t in cert["data"]["terms"]] == [
        [[[1, 2], [1, 2]], [[3, 4], [3, 4]]],
        [[[1, 2], [1, 3]], [[1, 4], [5, 6]]],
        [[[1, 2], [1, 3]], [[4, 5], [4, 6]]],
        [[[1, 2], [3, 4]], [[1, 3], [5, 6]]],
    ]


def test_every_single_term_mutation_of_a_fresh_n6_certificate_is_rejected():
    cert = run_n6()[0]
    assert verify_certificate(cert).verified
    for i in range(len(cert["data"]["terms"])):
        dropped = copy.deepcopy(cert)
        del dropped["data"]["terms"][i]
        assert verify_certificate(dropped).status == "NOT VERIFIED"
        doubled = copy.deepcopy(cert)
        doubled["data"]["terms"][i]["coefficient"] = "0"
        assert verify_certificate(doubled).status == "NOT VERIFIED"


def test_claim_n_must_match_the_terms():
    cert = copy.deepcopy(run_published_n6()[0])
    cert["claim"]["n"] = 7
    assert verify_certificate(cert).status == "NOT VERIFIED"


@pytest.mark.parametrize(
    "function", ["run_n5", "run_n6", "run_published_n6", "run_k_lower_bound"]
)
def test_quick_checks_pass_through_the_runner(function):
    check = Check(f"test-{function.replace('_', '-')}", "claim", "source", "quick", (), "max_two_hidden", function)
    result = run_check(check)
    assert result.status == "PASS", result.message


if __name__ == "__main__":
    write_fixtures()
