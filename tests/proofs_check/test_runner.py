"""run_check: PASS only when certificates were produced and every one verified."""

from __future__ import annotations

import json
import sys
import types

import pytest

from lincomb.errors import UsageError
from lincomb.proofs_check import checkers, registry
from lincomb.proofs_check.certificate import make_certificate
from lincomb.proofs_check.checkers._common import CertificateRejected
from lincomb.proofs_check.registry import CHECKS, Check, get_check
from lincomb.proofs_check.runner import run_check


def verify_fake_sum(cert):
    if sum(int(v) for v in cert["data"]["values"]) != cert["claim"]["total"]:
        raise CertificateRejected("wrong sum")
    return "sum ok"


def fake_cert(values, total):
    return make_certificate(
        "fake-sum", {"statement": "sum", "total": total}, {"values": values}, solver="hand", seconds=0
    )


def install_module(monkeypatch, name, run):
    module = types.ModuleType(f"lincomb.proofs_check.{name}")
    module.run = run
    monkeypatch.setitem(sys.modules, module.__name__, module)
    return Check(name.strip("_").replace("_", "-"), "claim", "source", "quick", (), name)


@pytest.fixture(autouse=True)
def fake_kind(monkeypatch):
    monkeypatch.setitem(checkers.CHECKERS, "fake-sum", verify_fake_sum)


def test_pass_writes_and_verifies(monkeypatch, tmp_path):
    check = install_module(
        monkeypatch, "_fake_pass", lambda progress=None: [fake_cert(["1", "2"], 3), fake_cert([], 0)]
    )
    result = run_check(check, out_dir=tmp_path)
    assert result.status == "PASS", result.message
    assert result.certificate_paths == [
        str(tmp_path / "fake-pass" / "0.json"),
        str(tmp_path / "fake-pass" / "1.json"),
    ]
    assert all(v.verified for v in result.verdicts)
    assert json.loads((tmp_path / "fake-pass" / "1.json").read_text())["claim"]["total"] == 0


def test_single_certificate_goes_to_id_json_and_stale_files_go(monkeypatch, tmp_path):
    stale = tmp_path / "fake-one" / "5.json"
    stale.parent.mkdir()
    stale.write_text("{}")
    check = install_module(monkeypatch, "_fake_one", lambda progress=None: [fake_cert(["1"], 1)])
    result = run_check(check, out_dir=tmp_path)
    assert result.status == "PASS"
    assert result.certificate_paths == [str(tmp_path / "fake-one.json")]
    assert not stale.exists()


def test_pass_without_out_dir(monkeypatch):
    check = install_module(monkeypatch, "_fake_mem", lambda progress=None: [fake_cert(["1"], 1)])
    result = run_check(check)
    assert result.status == "PASS"
    assert result.certificate_paths == []
    assert result.message == "verified: sum ok"


def test_fail_when_a_certificate_does_not_verify(monkeypatch, tmp_path):
    check = install_module(
        monkeypatch, "_fake_fail", lambda progress=None: [fake_cert(["1"], 1), fake_cert(["1"], 2)]
    )
    result = run_check(check, out_dir=tmp_path)
    assert result.status == "FAIL"
    assert "2 of 2" in result.message and "s NOT VERIFIED: wrong sum" in result.message


def test_fail_when_no_certificates(monkeypatch):
    check = install_module(monkeypatch, "_fake_empty", lambda progress=None: [])
    assert run_check(check).status == "FAIL"


@pytest.mark.parametrize("returned", [None, "x", [1], {"a": 1}])
def test_error_when_run_returns_something_else(monkeypatch, returned):
    check = install_module(monkeypatch, "_fake_odd", lambda progress=None: returned)
    assert run_check(check).status == "ERROR"


def test_error_when_run_raises(monkeypatch):
    def run(progress=None):
        raise RuntimeError("search diverged")

    check = install_module(monkeypatch, "_fake_raise", run)
    result = run_check(check)
    assert result.status == "ERROR"
    assert "RuntimeError: search diverged" in result.message
    assert not result.usage_error


def test_usage_error_is_flagged(monkeypatch):
    def run(progress=None):
        raise UsageError("bad input")

    result = run_check(install_module(monkeypatch, "_fake_usage", run))
    assert result.status == "ERROR" and result.usage_error


def test_system_exit_inside_a_check_is_an_error(monkeypatch):
    def run(progress=None):
        sys.exit(0)

    assert run_check(install_module(monkeypatch, "_fake_exit", run)).status == "ERROR"


def test_unserialisable_certificate_is_an_error(monkeypatch):
    from fractions import Fraction

    def run(progress=None):
        cert = fake_cert(["1"], 1)
        cert["data"]["values"] = [Fraction(1)]
        return [cert]

    result = run_check(install_module(monkeypatch, "_fake_fraction", run))
    assert result.status == "ERROR"
    assert "rational_str" in result.message


def test_missing_module_is_an_error_not_a_pass():
    result = run_check(Check("ghost", "c", "s", "quick", (), "ghost_module_never_written"))
    assert result.status == "ERROR"
    assert "cannot import lincomb.proofs_check.ghost_module_never_written" in result.message


def test_missing_function_is_an_error(monkeypatch):
    check = install_module(monkeypatch, "_fake_nofunc", lambda progress=None: [])
    check = Check(check.id, "c", "s", "quick", (), check.module, function="build")
    assert run_check(check).status == "ERROR"


def test_missing_dependency_is_skip():
    result = run_check(Check("needy", "c", "s", "quick", ("torch_that_is_not_there",), "x"))
    assert result.status == "SKIP"
    assert "torch_that_is_not_there" in result.message


def test_progress_is_forwarded(monkeypatch):
    def run(progress=None):
        progress("step", 1, "of", 2)
        return [fake_cert(["1"], 1)]

    seen = []
    run_check(install_module(monkeypatch, "_fake_progress", run), progress=seen.append)
    assert "step 1 of 2" in seen


# ------------------------------------------------------------------ the registry


def test_registry_ids_unique_and_modules_named():
    ids = [check.id for check in CHECKS]
    assert len(ids) == len(set(ids))
    assert {"max-tree-upper-bound", "bbhsy-max5-two-hidden", "wang-sun-max-terms"} <= set(ids)
    for check in CHECKS:
        assert check.tier in ("quick", "full")
        assert check.claim and check.source and check.module


def test_get_check_unknown_lists_known():
    with pytest.raises(UsageError, match="max-tree-upper-bound"):
        get_check("nope")


def test_markdown_table_has_a_row_per_check():
    table = registry.registry_markdown()
    assert table.count("\n") == len(CHECKS) + 1
    for check in CHECKS:
        assert f"`{check.id}`" in table


def test_registry_does_not_reach_back_into_the_runner():
    # One direction only: the runner reads the registry, never the other way (no import cycle).
    assert not hasattr(registry, "run_check") and not hasattr(registry, "main")


# ------------------------------------------------------------------ build, then verify


def test_build_then_verify_is_run_check(monkeypatch, tmp_path):
    from lincomb.proofs_check.runner import build_check, verify_built

    check = install_module(monkeypatch, "_fake_two_steps", lambda progress=None: [fake_cert(["1", "2"], 3)])
    built = build_check(check)
    assert not built.finished and built.certificates[0]["kind"] == "fake-sum"
    assert not list(tmp_path.iterdir())  # building writes nothing
    result = verify_built(check, built, out_dir=tmp_path)
    assert result.status == "PASS" and result.seconds >= built.seconds
    assert [p.name for p in tmp_path.iterdir()] == [f"{check.id}.json"]


def test_verify_built_refuses_certificates_tampered_after_the_build(monkeypatch):
    from lincomb.proofs_check.runner import build_check, verify_built

    check = install_module(monkeypatch, "_fake_tamper", lambda progress=None: [fake_cert(["1", "2"], 3)])
    built = build_check(check)
    built.certificates[0]["data"]["values"][0] = "5"
    assert verify_built(check, built).status == "FAIL"


def test_verify_built_checks_what_the_builder_returned(monkeypatch):
    from lincomb.proofs_check.runner import build_check, verify_built

    check = install_module(monkeypatch, "_fake_not_a_list", lambda progress=None: "certificate")
    result = verify_built(check, build_check(check))
    assert result.status == "ERROR" and "must return a list" in result.message


def test_no_module_is_planted_in_sys_modules(monkeypatch):
    import sys

    from lincomb.proofs_check.runner import run_checks

    before = set(sys.modules)
    check = install_module(monkeypatch, "_fake_planted", lambda progress=None: [fake_cert(["1"], 1)])
    assert [r.status for r in run_checks([check])] == ["PASS"]
    assert {name for name in set(sys.modules) - before if "replay" in name} == set()


def test_run_checks_uses_the_given_executor(monkeypatch):
    from lincomb.proofs_check.runner import build_check, run_checks

    check = install_module(monkeypatch, "_fake_executor", lambda progress=None: [fake_cert(["1"], 1)])
    seen = []

    def executor(checks, say):
        for c in reversed(checks):
            seen.append(c.id)
            yield c, build_check(c)

    assert [r.status for r in run_checks([check], executor=executor)] == ["PASS"]
    assert seen == [check.id]


def test_a_lost_check_is_an_error_not_a_silence(monkeypatch):
    from lincomb.proofs_check.runner import run_checks

    check = install_module(monkeypatch, "_fake_lost", lambda progress=None: [fake_cert(["1"], 1)])
    result = run_checks([check], executor=lambda checks, say: iter(()))[0]
    assert result.status == "ERROR" and "no result came back" in result.message
