"""Issue 18's acceptance, case by case, as a user runs it (subprocesses of ``python -m lincomb``).

Each case of the issue's "Why" list: exit 2 (or 1 for a well-formed false claim), one line naming the field or
path, no traceback, within 10 s. Marked slow (about 25 subprocesses; ``pytest -m slow tests/test_issue18_acceptance.py``):
the same behaviours have fast unit tests in tests/test_cli.py, tests/test_cli_hardening.py and tests/proofs_check/.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

VALID = Path(__file__).parent / "proofs_check" / "certificates" / "valid"


def _mutated(name: str, path: tuple, value) -> dict:
    cert = json.loads((VALID / f"{name}.json").read_text(encoding="utf-8"))
    target = cert
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return cert


CERTIFICATE_CASES = [
    ("lattice-face-volumes", ("claim", "f_vector", 0), 3.0, 2, "claim.f_vector[0]"),
    ("lattice-face-volumes", ("claim", "f_vector", 0), True, 2, "claim.f_vector[0]"),
    ("max-representation", ("claim", "hidden_layers"), 2.0, 2, "claim.hidden_layers"),
    ("tada-flow-matching", ("claim", "N"), 1.0, 2, "claim.N"),
    ("tada-point-mass", ("claim", "N"), True, 2, "claim.N"),
    ("tada-point-mass", ("claim", "orders", 0), True, 2, "claim.orders[0]"),
    *[("tada-flow-matching", ("claim", "N"), v, 2, "claim.N") for v in ("1/0", "NaN", "1e3", {})],
    *[("tada-point-mass", ("claim", "N", 0), v, 2, "claim.N[0]") for v in ("1/0", "NaN", "1e3", {})],
    ("convergence-measurement", ("claim", "tolerance"), "1" + "0" * 3999, 2, "claim.tolerance"),
    ("symreg-recovery", ("data", "learned_equations", 0, "x"), "1" + "0" * 3999 + "/3", 2, "data.learned_equations[0].x"),
]


def _run(argv, cwd, timeout=60):
    start = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "lincomb", *argv], capture_output=True, text=True,
                            timeout=timeout, cwd=cwd)
    return result, time.monotonic() - start


def _one_line(result) -> str:
    text = result.stdout + result.stderr
    assert "Traceback" not in text, text
    lines = [line for line in text.strip().splitlines() if not line.startswith("c ")]
    assert len(lines) == 1, text
    return lines[0]


@pytest.mark.parametrize("name, path, value, code, field", CERTIFICATE_CASES,
                         ids=[f"{c[0]}:{'.'.join(map(str, c[1][1:]))}={str(c[2])[:6]}" for c in CERTIFICATE_CASES])
def test_certificate_cases(tmp_path, name, path, value, code, field):
    file = tmp_path / "cert.json"
    file.write_text(json.dumps(_mutated(name, path, value)), encoding="utf-8")
    result, seconds = _run(["verify", str(file)], tmp_path)
    line = _one_line(result)
    assert result.returncode == code and field in line and "crashed" not in line, line
    assert seconds < 10


def test_resources(tmp_path):
    link = tmp_path / "zero.json"
    os.symlink("/dev/zero", link)
    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)
    for path, words in ((link, "not a regular file"), (fifo, "not a regular file (a FIFO)")):
        result, seconds = _run(["verify", str(path)], tmp_path, timeout=20)
        line = _one_line(result)
        assert result.returncode == 2 and str(path) in line and words in line and seconds < 10, line
    width = 20_000
    cert = json.loads((VALID / "cpwl-identity.json").read_text(encoding="utf-8"))
    cert["claim"] = {"statement": "20,000 zero neurons sum to 0", "input_dimension": 1,
                     "lhs": {"type": "relu-network", "layers": [{"weights": [["0"]] * width, "biases": ["0"] * width},
                                                               {"weights": [["1"] * width], "biases": ["0"]}]},
                     "rhs": {"type": "max-combination", "terms": []}}
    cert["data"] = {"empty_cells": {}, "leaves": 1, "empty_count": 0}
    big = tmp_path / "zero-neurons.json"
    big.write_text(json.dumps(cert), encoding="utf-8")
    result, seconds = _run(["verify", str(big)], tmp_path)
    assert result.returncode in (0, 2) and seconds < 10, (result.stdout, seconds)


def test_output_paths_and_silence(tmp_path):
    network = tmp_path / "net.json"
    network.write_text('{"type": "relu-network", "layers": [{"weights": [["1", "0"], ["0", "1"]], "biases": ["0", "0"]},'
                       ' {"weights": [["1", "1"]], "biases": ["0"]}]}')
    regular = tmp_path / "file.txt"
    regular.write_text("x")
    not_a_model = tmp_path / "notes.pt"
    not_a_model.write_text("not a model")
    cases = [
        (["regions", "plot", str(network), "--out", "/proc/lincomb-out/r.png"], "/proc/lincomb-out/r.png"),
        (["represent", "max", "--n", "5", "--out", "/proc/lincomb-out/c.json"], "/proc/lincomb-out/c.json"),
        (["check", "--all", "--out", str(regular)], str(regular)),
        (["represent", "max", "--n", "100"], "--force"),
        (["sample", "--model", str(not_a_model), "--out", str(tmp_path / "s.png")], str(not_a_model)),
    ]
    for argv, needle in cases:
        result, seconds = _run(argv, tmp_path)
        line = _one_line(result)
        assert result.returncode == 2 and needle in line and seconds < 10, (argv, line, seconds)
