"""The registered quick checks pass end to end, and `lincomb verify` accepts every certificate they wrote."""

from __future__ import annotations

import subprocess
import sys

from lincomb.cli import main as cli_main
from lincomb.proofs_check.registry import checks_for_tier


def test_check_all_passes_and_every_written_certificate_verifies(tmp_path, capsys):
    assert cli_main(["check", "--all", "--out", str(tmp_path)]) == 0
    table = capsys.readouterr().out
    for check in checks_for_tier("quick"):
        assert f"{check.id}" in table
    certificates = sorted(str(p) for p in tmp_path.rglob("*.json"))
    assert len(certificates) >= len(checks_for_tier("quick"))
    assert cli_main(["verify", *certificates]) == 0
    verdicts = [line for line in capsys.readouterr().out.splitlines() if line.startswith("s ")]
    assert verdicts == ["s VERIFIED"] * len(certificates)


def test_a_check_module_runs_on_its_own(tmp_path):
    completed = subprocess.run(
        [sys.executable, "-m", "lincomb.proofs_check.wang_sun_max_terms", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr
    assert "wang-sun-max-terms" in completed.stdout and "PASS" in completed.stdout
    assert len(list(tmp_path.rglob("*.json"))) == 7
