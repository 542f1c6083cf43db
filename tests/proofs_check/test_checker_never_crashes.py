"""No input reaches "checker crashed": type swaps, huge numbers and deletions in every kind's valid fixture
are refused as malformed (exit 2) or not verified (exit 1), never a crash (issue 18, item 1).

Deterministic and bounded: about 15 fields per fixture (spread over claim and data), 11 mutations each.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from lincomb.proofs_check.checkers import verify_certificate

VALID = sorted((Path(__file__).parent / "certificates" / "valid").glob("*.json"))
DELETE = object()
MUTATIONS = (1.0, True, "1/0", "1e3", {}, [], None, "9" * 1200, 10 ** 1200, -1, DELETE)


def _fields(value, path=()):
    if isinstance(value, dict):
        for key, child in value.items():
            yield (*path, key)
            yield from _fields(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield (*path, index)
            yield from _fields(child, (*path, index))


def _mutated(cert, path, replacement):
    cert = copy.deepcopy(cert)
    target = cert
    for key in path[:-1]:
        target = target[key]
    if replacement is DELETE:
        target.pop(path[-1])
    else:
        target[path[-1]] = replacement
    return cert


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_no_mutation_crashes_the_checker(path):
    cert = json.loads(path.read_text(encoding="utf-8"))
    fields = [("claim", *p) for p in _fields(cert["claim"])] + [("data", *p) for p in _fields(cert["data"])]
    step = max(1, len(fields) // 15)
    crashes = []
    for field in fields[::step]:
        for replacement in MUTATIONS:
            verdict = verify_certificate(_mutated(cert, field, replacement))
            assert verdict.exit_code in (0, 1, 2)
            if verdict.reason.startswith("checker crashed"):
                crashes.append(f"{'.'.join(map(str, field))} <- {str(replacement)[:12]}: {verdict.reason[:160]}")
    assert not crashes, "\n".join(crashes)


def test_an_overflow_names_the_field():
    cert = json.loads((Path(__file__).parent / "certificates" / "valid" / "convergence-measurement.json").read_text())
    cert["claim"]["tolerance"] = "1" + "0" * 400
    verdict = verify_certificate(cert)
    assert verdict.status == "MALFORMED" and verdict.field == "claim.tolerance", verdict.line()


def test_numbers_longer_than_the_cap_are_malformed():
    cert = json.loads((Path(__file__).parent / "certificates" / "valid" / "max-representation.json").read_text())
    cert["data"]["terms"][0]["coefficient"] = "1/" + "3" * 1001
    verdict = verify_certificate(cert)
    assert verdict.status == "MALFORMED" and "number too long: 1001 digits" in verdict.reason, verdict.line()
