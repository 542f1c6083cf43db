"""verify_certificate / verify_file: every outcome is a Verdict, with the right line and exit code.

A fake kind ``fake-sum`` (registered for the test only) claims that ``data.values`` sum to
``claim.total``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lincomb.proofs_check import checkers
from lincomb.proofs_check.checkers import Verdict, verify_certificate, verify_file
from lincomb.proofs_check.checkers._common import (
    CertificateRejected,
    field_path,
    get_list,
    get_rational,
    parse_rational,
)

MALFORMED_DIR = Path(__file__).parent / "certificates" / "malformed"


def verify_fake_sum(cert: dict) -> str:
    total = get_rational(cert["claim"], "total", "claim")
    values = get_list(cert["data"], "values", "data")
    computed = sum(
        (parse_rational(v, field_path("data.values", i)) for i, v in enumerate(values)), start=0
    )
    if computed != total:
        raise CertificateRejected(f"the values sum to {computed}, not to the claimed {total}")
    return f"{len(values)} values sum to {total}"


def fake_certificate(values, total) -> dict:
    return {
        "format": "lincomb-certificate",
        "version": 1,
        "kind": "fake-sum",
        "claim": {"statement": f"the values sum to {total}", "total": total},
        "data": {"values": values},
        "provenance": {"lincomb": "0.1.0", "solver": "hand", "seconds": 0},
    }


@pytest.fixture
def fake_kind(monkeypatch):
    monkeypatch.setitem(checkers.CHECKERS, "fake-sum", verify_fake_sum)


def test_verified(fake_kind):
    verdict = verify_certificate(fake_certificate(["1/2", "1/3", 1], "11/6"))
    assert verdict.status == "VERIFIED"
    assert verdict.line() == "s VERIFIED"
    assert verdict.exit_code == 0
    assert verdict.kind == "fake-sum"
    assert verdict.summary == "3 values sum to 11/6"


def test_not_verified(fake_kind):
    verdict = verify_certificate(fake_certificate(["1/2", "1/3"], "1"))
    assert verdict.status == "NOT VERIFIED"
    assert verdict.exit_code == 1
    assert verdict.line() == "s NOT VERIFIED: the values sum to 5/6, not to the claimed 1"


def test_malformed_inside_the_data(fake_kind):
    verdict = verify_certificate(fake_certificate(["1/2", 0.5], "1"))
    assert verdict.status == "MALFORMED"
    assert verdict.exit_code == 2
    assert verdict.field == "data.values[1]"
    assert verdict.line().startswith("s NOT VERIFIED: malformed: data.values[1]: ")


def test_unknown_kind_lists_known_kinds(fake_kind):
    cert = fake_certificate([], "0")
    cert["kind"] = "nope"
    verdict = verify_certificate(cert)
    assert verdict.status == "MALFORMED"
    assert verdict.field == "kind"
    assert "fake-sum" in verdict.reason


def test_a_crashing_checker_is_never_verified(monkeypatch):
    def crash(cert):
        raise ZeroDivisionError("bug")

    monkeypatch.setitem(checkers.CHECKERS, "fake-sum", crash)
    verdict = verify_certificate(fake_certificate([], "0"))
    assert verdict.status == "NOT VERIFIED"
    assert "ZeroDivisionError" in verdict.reason


def test_a_checker_without_summary_is_never_verified(monkeypatch):
    monkeypatch.setitem(checkers.CHECKERS, "fake-sum", lambda cert: None)
    assert not verify_certificate(fake_certificate([], "0")).verified


def test_verify_file(tmp_path, fake_kind):
    good = tmp_path / "good.json"
    good.write_text(json.dumps(fake_certificate(["1"], 1)))
    assert verify_file(good).verified
    truncated = tmp_path / "truncated.json"
    truncated.write_text(good.read_text()[:-5])
    verdict = verify_file(truncated)
    assert verdict.status == "MALFORMED"
    assert verdict.field == str(truncated)
    assert "invalid JSON at line" in verdict.reason


@pytest.mark.parametrize("path", sorted(MALFORMED_DIR.glob("*.json")), ids=lambda p: p.name)
def test_malformed_fixtures(path):
    verdict = verify_file(path)
    assert verdict.status == "MALFORMED", verdict.line()
    assert verdict.exit_code == 2
    assert verdict.line().startswith(("s NOT VERIFIED: malformed: ", "s NOT REPRODUCED: malformed: "))


def test_verdict_dict_is_json():
    verdict = Verdict("MALFORMED", "malformed: data: missing required field", None, "", "data")
    assert json.loads(json.dumps(verdict.to_dict()))["line"] == verdict.line()


def test_registry_maps_each_kind_to_a_callable():
    for kind, verify in checkers.CHECKERS.items():
        assert isinstance(kind, str) and kind
        assert callable(verify)
