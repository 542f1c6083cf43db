"""Every certificate kind has valid, invalid and malformed fixtures, and each gives its recorded verdict.

The fixtures live in ``tests/proofs_check/certificates/{valid,invalid,malformed}/``; ``expected.json``
there records each file's kind, exit code (0, 1, 2 by folder) and verdict line. Generated ones come
from ``make_fixtures.py`` beside them (small runs of the real builders, one value changed).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lincomb.proofs_check.checkers import CHECKERS, verify_file

HERE = Path(__file__).parent / "certificates"
EXPECTED = json.loads((HERE / "expected.json").read_text(encoding="utf-8"))
FOLDERS = {"valid": 0, "invalid": 1, "malformed": 2}


@pytest.mark.parametrize("name", sorted(EXPECTED), ids=str)
def test_fixture_gives_its_expected_verdict(name):
    expected = EXPECTED[name]
    verdict = verify_file(HERE / name)
    line = verdict.line().replace(str(HERE / name), name)  # expected.json names the file relative to HERE
    assert verdict.exit_code == expected["exit"] == FOLDERS[name.split("/")[0]], verdict.line()
    if "known kinds: " in expected["line"]:  # the list of known kinds grows with every new kind
        assert line.split("known kinds: ")[0] == expected["line"].split("known kinds: ")[0]
    else:
        assert line == expected["line"]
    assert not verdict.reason.startswith("checker crashed"), verdict.line()


def test_every_fixture_file_is_listed():
    on_disk = {f"{folder}/{p.name}" for folder in FOLDERS for p in (HERE / folder).glob("*.json")}
    assert on_disk == set(EXPECTED), "run tests/proofs_check/certificates/make_fixtures.py to update expected.json"


@pytest.mark.parametrize("folder", sorted(FOLDERS))
def test_every_kind_has_fixtures(folder):
    kinds = {entry["kind"] for name, entry in EXPECTED.items() if name.startswith(f"{folder}/")}
    missing = sorted(set(CHECKERS) - kinds)
    assert not missing, f"no {folder} fixture for {missing}: add the kind to make_fixtures.py and run it"
