"""make_certificate / write_certificate / load_certificate / rational_str."""

from __future__ import annotations

import json
import os
import re
import stat
from fractions import Fraction

import pytest

from lincomb.errors import CertificateError, NotRationalError
from lincomb.proofs_check.certificate import (
    load_certificate,
    make_certificate,
    rational_str,
    write_certificate,
)
from lincomb.proofs_check.checkers._common import CertificateMalformed


def _cert(**overrides):
    arguments = dict(solver="hand", seconds=0.25, check="demo-check", seed=7)
    arguments.update(overrides)
    return make_certificate("demo", {"statement": "s", "n": 2}, {"x": "1/2"}, **arguments)


def test_envelope_and_provenance():
    cert = _cert()
    assert list(cert) == ["format", "version", "kind", "claim", "data", "provenance"]
    provenance = cert["provenance"]
    assert provenance["solver"] == "hand"
    assert provenance["seconds"] == 0.25
    assert provenance["check"] == "demo-check"
    assert provenance["seed"] == 7
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", provenance["created"])
    assert re.fullmatch(r"\d+\.\d+\.\d+.*", provenance["python"])
    import lincomb

    assert provenance["lincomb"] == lincomb.__version__


@pytest.mark.parametrize(
    "kind, claim, data, seconds",
    [("", {"statement": "s"}, {}, 0), ("demo", {"n": 1}, {}, 0), ("demo", {"statement": "s"}, [], 0),
     ("demo", {"statement": "s"}, {}, "fast"), ("demo", {"statement": "s"}, {}, True)],
)
def test_bad_arguments_raise_certificate_error(kind, claim, data, seconds):
    with pytest.raises(CertificateError):
        make_certificate(kind, claim, data, solver="hand", seconds=seconds)


def test_write_and_load_round_trip(tmp_path):
    cert = _cert()
    path = write_certificate(cert, tmp_path / "a" / "b" / "c.json")
    assert path.is_file()
    assert load_certificate(path) == cert
    first = path.read_bytes()
    write_certificate(json.loads(first), path)
    assert path.read_bytes() == first  # stable output
    assert not list(path.parent.glob(".*.tmp"))


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_written_certificates_are_readable_by_others_as_the_umask_allows(tmp_path, umask, mode):
    # Certificates are for anyone to re-check: 0666 less the umask, as open() gives (mkstemp gave 0600).
    old = os.umask(umask)
    try:
        path = write_certificate(_cert(), tmp_path / "c.json")
        rewritten = write_certificate(_cert(), path)  # replacing a file gives the same mode
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == mode
    assert stat.S_IMODE(rewritten.stat().st_mode) == mode


def test_write_orders_envelope_keys(tmp_path):
    cert = _cert()
    shuffled = {key: cert[key] for key in reversed(list(cert))}
    path = write_certificate(shuffled, tmp_path / "c.json")
    assert list(json.loads(path.read_text())) == list(cert)


def test_write_refuses_non_json(tmp_path):
    cert = _cert()
    cert["data"]["x"] = Fraction(1, 2)
    with pytest.raises(CertificateError, match="rational_str"):
        write_certificate(cert, tmp_path / "c.json")
    cert["data"]["x"] = float("nan")
    with pytest.raises(CertificateError):
        write_certificate(cert, tmp_path / "c.json")
    assert not (tmp_path / "c.json").exists()


def test_load_rejects_malformed(tmp_path):
    path = tmp_path / "c.json"
    path.write_text('{"format": "lincomb-certificate"}')
    with pytest.raises(CertificateMalformed) as info:
        load_certificate(path)
    assert info.value.field == "version"


@pytest.mark.parametrize(
    "value, text",
    [(0, "0"), (-5, "-5"), (Fraction(3, 6), "1/2"), (Fraction(-7, 3), "-7/3"), (Fraction(4, 2), "2")],
)
def test_rational_str(value, text):
    assert rational_str(value) == text


def test_rational_str_accepts_sympy_and_flint():
    sympy = pytest.importorskip("sympy")
    flint = pytest.importorskip("flint")
    assert rational_str(sympy.Rational(-2, 4)) == "-1/2"
    assert rational_str(flint.fmpq(6, 4)) == "3/2"
    assert rational_str(flint.fmpz(5)) == "5"


def test_rational_str_normalises_exact_strings():
    assert rational_str(" 6/4") == "3/2"


@pytest.mark.parametrize("value", [0.5, True, "0.5", None, complex(1, 0)])
def test_rational_str_refuses_non_rationals(value):
    with pytest.raises(NotRationalError):
        rational_str(value)
