"""The certificates shipped in ``certificates/``: listed with their SHA-256, each verified, corrupted copies rejected.

The folder holds the frontier results (the max_n representations) as certificates anyone can re-check with
``lincomb verify FILE`` without running a search. Three places must agree: the files in the folder, the
``certificates/SHA256SUMS`` file (``sha256sum -c`` format) and the table in the README's "Shipped certificates"
section. Every file must verify with the stdlib checker, and copies with one coefficient changed, truncated, or
(for ``.json.gz``) with a flipped byte in the compressed stream must not.

Certificates whose checks take long (the n >= 9 representations: about 3 minutes each for the stdlib checker) are
verified in the ``slow`` tier only; their hashes are still checked in CI, so a changed file cannot pass unnoticed.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from fractions import Fraction
from pathlib import Path

import pytest

from lincomb.proofs_check.checkers import verify_file

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "certificates"
SUMS = FOLDER / "SHA256SUMS"
#: From this n on, a max_n certificate takes minutes to verify (checked under the ``slow`` marker only).
SLOW_N = 9


def _shipped() -> list:
    return sorted(p for p in FOLDER.iterdir() if p.name.endswith((".json", ".json.gz")))


def _sums() -> dict:
    listed = {}
    for line in SUMS.read_text().splitlines():
        digest, name = line.split(maxsplit=1)
        listed[name.lstrip("*")] = digest
    return listed


def _readme_table() -> dict:
    text = (ROOT / "README.md").read_text()
    section = text.split("## Shipped certificates", 1)[1].split("\n## ", 1)[0]
    return dict(re.findall(r"\| `certificates/([^`]+)` \|.*\| `([0-9a-f]{64})` \|", section))


def _load(path: Path) -> dict:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt") as handle:
        return json.load(handle)


def _write(cert: dict, path: Path) -> None:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "wt") as handle:
        json.dump(cert, handle)


def test_folder_sums_and_readme_agree():
    names = {p.name for p in _shipped()}
    assert names, "certificates/ holds no certificate"
    assert set(_sums()) == names, "certificates/SHA256SUMS does not list exactly the files in certificates/"
    assert set(_readme_table()) == names, "the README's Shipped certificates table does not list exactly those files"


@pytest.mark.parametrize("path", _shipped(), ids=lambda p: p.name)
def test_hash_matches_listing(path):
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert _sums()[path.name] == digest, f"{path.name}: SHA256SUMS is stale; recompute with sha256sum"
    assert _readme_table()[path.name] == digest, f"{path.name}: the README's hash is stale"


def _slow(path: Path) -> bool:
    claim = _load(path).get("claim", {})
    return isinstance(claim, dict) and isinstance(claim.get("n"), int) and claim["n"] >= SLOW_N


def _params():
    return [pytest.param(p, id=p.name, marks=[pytest.mark.slow] if _slow(p) else []) for p in _shipped()]


@pytest.mark.parametrize("path", _params())
def test_shipped_certificate_verifies(path):
    verdict = verify_file(path)
    assert verdict.status == "VERIFIED", verdict.line()


def _first_coefficient_path(cert: dict):
    terms = cert.get("data", {}).get("terms")
    if isinstance(terms, list) and terms and isinstance(terms[0], dict) and "coefficient" in terms[0]:
        return terms[0]
    return None


@pytest.mark.parametrize("path", _params())
def test_corrupted_copies_rejected(path, tmp_path):
    cert = _load(path)
    term = _first_coefficient_path(cert)
    assert term is not None, f"{path.name}: no data.terms[0].coefficient to corrupt; extend this test for its kind"
    # One coefficient changed by a small amount: the hinge cancellation or the linear part must fail.
    term["coefficient"] = str(Fraction(term["coefficient"]) * Fraction(1001, 1000))
    changed = tmp_path / path.name
    _write(cert, changed)
    assert verify_file(changed).status != "VERIFIED"
    # Truncated file.
    raw = path.read_bytes()
    truncated = tmp_path / ("truncated_" + path.name)
    truncated.write_bytes(raw[: len(raw) * 2 // 3])
    assert verify_file(truncated).status != "VERIFIED"
    # The same certificate compressed, with one byte of the deflate stream flipped (the CRC must catch it).
    packed = bytearray(gzip.compress(raw))
    packed[len(packed) // 2] ^= 0x55
    flipped = tmp_path / (path.name.removesuffix(".gz") + ".gz")
    flipped.write_bytes(bytes(packed))
    assert verify_file(flipped).status != "VERIFIED"


def test_gzip_copy_verifies_like_the_plain_file(tmp_path):
    plain = min((p for p in _shipped() if p.name.endswith(".json")), key=lambda p: p.stat().st_size)
    packed = tmp_path / (plain.name + ".gz")
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    assert verify_file(packed).line() == verify_file(plain).line()
