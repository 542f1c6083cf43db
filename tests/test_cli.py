"""The command line: exit codes 0 / 1 / 2, output shapes, python -m lincomb."""

from __future__ import annotations

import json
import subprocess
import sys
import types
from pathlib import Path

import pytest

from lincomb.cli import main
from lincomb.errors import UsageError
from lincomb.proofs_check import checkers, registry
from lincomb.proofs_check.certificate import make_certificate, write_certificate
from lincomb.proofs_check.checkers._common import CertificateRejected
from lincomb.proofs_check.registry import Check


def verify_fake_sum(cert):
    if sum(int(v) for v in cert["data"]["values"]) != cert["claim"]["total"]:
        raise CertificateRejected("wrong sum")
    return "sum ok"


def fake_cert(values, total):
    return make_certificate(
        "fake-sum", {"statement": "sum", "total": total}, {"values": values}, solver="hand", seconds=0
    )


@pytest.fixture
def fake_kind(monkeypatch):
    monkeypatch.setitem(checkers.CHECKERS, "fake-sum", verify_fake_sum)


@pytest.fixture
def fake_registry(monkeypatch, fake_kind):
    """Replace the registry by fake checks: pass, fail, error, skip, usage, full-tier pass."""

    def module(name, run):
        mod = types.ModuleType(f"lincomb.proofs_check.{name}")
        mod.run = run
        monkeypatch.setitem(sys.modules, mod.__name__, mod)

    def raise_usage(progress=None):
        raise UsageError("no such n")

    module("_cli_pass", lambda progress=None: [fake_cert(["1", "1"], 2)])
    module("_cli_fail", lambda progress=None: [fake_cert(["1"], 5)])
    module("_cli_error", lambda progress=None: 1 / 0)
    module("_cli_usage", raise_usage)
    checks = (
        Check("fake-pass", "c", "s", "quick", (), "_cli_pass"),
        Check("fake-fail", "c", "s", "quick", (), "_cli_fail"),
        Check("fake-error", "c", "s", "quick", (), "_cli_error"),
        Check("fake-skip", "c", "s", "quick", ("module_that_is_not_installed",), "_cli_pass"),
        Check("fake-usage", "c", "s", "quick", (), "_cli_usage"),
        Check("fake-full", "c", "s", "full", (), "_cli_pass"),
    )
    monkeypatch.setattr(registry, "CHECKS", checks)
    return checks


# ------------------------------------------------------------------ list


def test_list(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    for check in registry.CHECKS:
        assert check.id in out


def test_list_json(capsys):
    assert main(["list", "--json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert [r["id"] for r in records] == [c.id for c in registry.CHECKS]
    assert {"id", "claim", "source", "tier", "needs", "module", "missing"} <= set(records[0])


def test_python_m_lincomb_list():
    completed = subprocess.run(
        [sys.executable, "-m", "lincomb", "list"], capture_output=True, text=True, timeout=120
    )
    assert completed.returncode == 0, completed.stderr
    assert "max-tree-upper-bound" in completed.stdout


# ------------------------------------------------------------------ usage errors


@pytest.mark.parametrize(
    "argv",
    [[], ["check"], ["check", "no-such-check"], ["check", "--all", "max-tree-upper-bound"],
     ["check", "--tier", "medium", "--all"], ["frobnicate"], ["verify"], ["bench", "no-such-bench"]],
)
def test_usage_errors_exit_2(argv, capsys):
    assert main(argv) == 2


def test_unknown_id_lists_known_ids(capsys):
    assert main(["check", "no-such-check"]) == 2
    err = capsys.readouterr().err
    for check in registry.CHECKS:
        assert check.id in err


def test_no_ids_gives_a_hint(capsys):
    assert main(["check"]) == 2
    assert "--all" in capsys.readouterr().err


# ------------------------------------------------------------------ check


def test_check_pass(fake_registry, tmp_path, capsys):
    assert main(["check", "fake-pass", "--out", str(tmp_path)]) == 0
    captured = capsys.readouterr()
    assert "PASS" in captured.out
    assert captured.out.strip().splitlines()[-1].startswith("1 passed, 0 failed, 0 skipped")
    assert "fake-pass" in captured.err  # progress goes to stderr
    assert (tmp_path / "fake-pass.json").is_file()


@pytest.mark.parametrize("check_id, code", [("fake-fail", 1), ("fake-error", 1), ("fake-usage", 2)])
def test_check_failures(fake_registry, tmp_path, check_id, code, capsys):
    assert main(["check", check_id, "--out", str(tmp_path)]) == code


def test_skip_passes_unless_strict(fake_registry, tmp_path, capsys):
    assert main(["check", "fake-skip", "--out", str(tmp_path)]) == 0
    assert "SKIP" in capsys.readouterr().out
    assert main(["check", "fake-skip", "--strict", "--out", str(tmp_path)]) == 1


def test_all_runs_tier(fake_registry, tmp_path, capsys):
    assert main(["check", "--all", "--json", "--out", str(tmp_path)]) == 2
    document = json.loads(capsys.readouterr().out)
    ids = [r["id"] for r in document["results"]]
    assert "fake-full" not in ids and "fake-pass" in ids
    assert document["summary"]["passed"] == 1
    assert document["exit_code"] == 2
    main(["check", "--all", "--tier", "full", "--json", "--out", str(tmp_path)])
    ids = [r["id"] for r in json.loads(capsys.readouterr().out)["results"]]
    assert "fake-full" in ids


def test_check_json(fake_registry, tmp_path, capsys):
    assert main(["check", "fake-pass", "fake-fail", "--json", "--out", str(tmp_path)]) == 1
    document = json.loads(capsys.readouterr().out)
    statuses = {r["id"]: r["status"] for r in document["results"]}
    assert statuses == {"fake-pass": "PASS", "fake-fail": "FAIL"}
    assert document["summary"]["failed"] == 1


def test_module_main_matches_cli(fake_registry, tmp_path, capsys):
    from lincomb.proofs_check.runner import main as module_main

    assert main(["check", "fake-pass", "--out", str(tmp_path)]) == 0
    via_cli = capsys.readouterr().out
    with pytest.raises(SystemExit) as stop:
        module_main("fake-pass", ["--out", str(tmp_path)])
    assert stop.value.code == 0
    via_module = capsys.readouterr().out

    def strip_times(text):
        return [line.split()[:2] for line in text.splitlines()[:-1]]

    assert strip_times(via_cli) == strip_times(via_module)


# ------------------------------------------------------------------ verify


def test_verify_exit_codes(fake_kind, tmp_path, capsys):
    good = write_certificate(fake_cert(["1"], 1), tmp_path / "good.json")
    bad = write_certificate(fake_cert(["1"], 2), tmp_path / "bad.json")
    truncated = tmp_path / "truncated.json"
    truncated.write_text(good.read_text()[:30])
    not_json = tmp_path / "not.json"
    not_json.write_text("hello")

    assert main(["verify", str(good)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[-1] == "s VERIFIED"

    assert main(["verify", str(bad)]) == 1
    assert capsys.readouterr().out.splitlines()[-1] == "s NOT VERIFIED: wrong sum"

    assert main(["verify", str(truncated)]) == 2
    last = capsys.readouterr().out.splitlines()[-1]
    assert last.startswith(f"s NOT VERIFIED: malformed: {truncated}: invalid JSON at line")

    assert main(["verify", str(not_json)]) == 2
    assert main(["verify", str(good), str(bad)]) == 1
    assert main(["verify", str(bad), str(not_json), str(good)]) == 2
    out = capsys.readouterr().out
    verdict_lines = [line for line in out.splitlines() if not line.startswith("c ")]
    assert all(line.startswith("s ") for line in verdict_lines)
    assert len(verdict_lines) == 6  # 1 + 2 + 3 files


def test_verify_missing_file_is_malformed(capsys, tmp_path):
    assert main(["verify", str(tmp_path / "missing.json")]) == 2


# ------------------------------------------------------------------ bounded input (issue 18, item 2)


def _verify_line(capsys):
    return [line for line in capsys.readouterr().out.splitlines() if line.startswith("s ")][-1]


def test_verify_refuses_a_fifo_without_blocking(tmp_path, capsys):
    import os

    fifo = tmp_path / "cert.json"
    os.mkfifo(fifo)  # no writer: opening it would block forever
    assert main(["verify", str(fifo)]) == 2
    assert _verify_line(capsys).endswith("not a regular file (a FIFO)")


def test_verify_refuses_a_link_to_a_device(tmp_path, capsys):
    link = tmp_path / "zero.json"
    link.symlink_to("/dev/zero")
    assert main(["verify", str(link)]) == 2
    assert _verify_line(capsys).endswith("not a regular file (a device)")


def test_verify_size_cap_and_its_flag(tmp_path, capsys):
    from lincomb.proofs_check.certificate import make_certificate, write_certificate

    path = write_certificate(make_certificate("no-such-kind", {"statement": "s"}, {}, solver="hand", seconds=0),
                             tmp_path / "c.json")
    assert main(["verify", "--max-bytes", "50", str(path)]) == 2
    line = _verify_line(capsys)
    assert "file too large" in line and "raise it with --max-bytes" in line
    assert main(["verify", "--max-bytes", "100000", str(path)]) == 2  # read now; refused for its unknown kind
    assert "unknown certificate kind" in _verify_line(capsys)
    assert main(["verify", "--max-bytes", "0", str(path)]) == 2  # usage error


def test_verify_refuses_deep_nesting_and_long_integers(tmp_path, capsys):
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100 + "]" * 100)
    assert main(["verify", str(deep)]) == 2
    assert "nesting too deep" in _verify_line(capsys)
    very_deep = tmp_path / "very-deep.json"
    very_deep.write_text("[" * 100000 + "]" * 100000)
    assert main(["verify", str(very_deep)]) == 2
    assert "nesting too deep" in _verify_line(capsys)
    long_number = tmp_path / "long.json"
    cert = json.loads((Path(__file__).parent / "proofs_check" / "certificates" / "valid" / "mip-optimum-n2.json").read_text())
    cert["claim"]["upper_bound"] = "1" * 1001
    long_number.write_text(json.dumps(cert))
    assert main(["verify", str(long_number)]) == 2
    assert "claim.upper_bound: number too long: 1001 digits" in _verify_line(capsys)
