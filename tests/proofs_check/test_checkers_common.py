"""The checkers' shared helpers: exact rationals, field paths, the envelope, strict JSON."""

from __future__ import annotations

import copy
import json
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lincomb.proofs_check.checkers._common import (
    CertificateMalformed,
    check_envelope,
    field_path,
    get_int,
    get_number,
    get_rational,
    load_json_file,
    parse_rational,
    parse_rational_fast,
)

# ------------------------------------------------------------------ parse_rational


@given(st.integers())
def test_json_integers_are_rationals(n):
    assert parse_rational(n, "x") == Fraction(n)
    assert parse_rational_fast(n, "x") == n
    assert type(parse_rational_fast(n, "x")) is int


@given(st.integers(), st.integers(min_value=1), st.sampled_from(["", "+"]))
def test_rational_strings(p, q, plus):
    text = f"{plus if p >= 0 else ''}{p}/{q}"
    value = parse_rational(text, "x")
    assert isinstance(value, Fraction)
    assert value == Fraction(p, q)
    fast = parse_rational_fast(text, "x")
    assert fast == value
    assert (type(fast) is int) == (value.denominator == 1)


@given(st.fractions())
def test_round_trip_through_rational_str(x):
    from lincomb.proofs_check.certificate import rational_str

    assert parse_rational(rational_str(x), "x") == x


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_floats_are_malformed(x):
    with pytest.raises(CertificateMalformed) as info:
        parse_rational(x, "data.c")
    assert info.value.field == "data.c"
    with pytest.raises(CertificateMalformed):
        parse_rational_fast(x, "data.c")


@pytest.mark.parametrize(
    "value",
    [True, False, None, [], {}, "0.5", "1e3", " 1", "1 ", "1/0", "-3/0", "1/-2", "1//2", "",
     "+", "-", "/2", "2/", "0x10", "1_000", "١", "½", "1\n", "inf", "nan", "3/4/5"],
)
def test_non_rationals_are_malformed(value):
    with pytest.raises(CertificateMalformed) as info:
        parse_rational(value, 'data.empty_cells["0.1"]["2:0"]')
    assert info.value.field == 'data.empty_cells["0.1"]["2:0"]'
    assert str(info.value).startswith('data.empty_cells["0.1"]["2:0"]: ')
    with pytest.raises(CertificateMalformed):
        parse_rational_fast(value, "x")


@given(st.text(max_size=12))
def test_arbitrary_text_is_a_rational_or_malformed(text):
    try:
        value = parse_rational(text, "x")
    except CertificateMalformed:
        return
    assert isinstance(value, Fraction)
    num, _, den = text.lstrip("+-").partition("/")
    assert num.isascii() and num.isdigit()
    assert den == "" or (den.isascii() and den.isdigit())


def test_too_many_digits_is_malformed_not_a_crash():
    with pytest.raises(CertificateMalformed, match="too long"):
        parse_rational("9" * 10_000, "x")


# ------------------------------------------------------------------ field access


def test_field_path_quotes_non_identifiers():
    path = field_path(field_path(field_path("data", "empty_cells"), "0.1"), "2:0")
    assert path == 'data.empty_cells["0.1"]["2:0"]'
    assert field_path("claim.lhs.layers", 0) == "claim.lhs.layers[0]"
    assert field_path("", "kind") == "kind"


def test_get_helpers_name_the_field():
    with pytest.raises(CertificateMalformed) as info:
        get_int({"n": "3"}, "n", "claim")
    assert info.value.field == "claim.n"
    with pytest.raises(CertificateMalformed) as info:
        get_number({"seconds": float("inf")}, "seconds", "provenance")
    assert info.value.field == "provenance.seconds"
    with pytest.raises(CertificateMalformed) as info:
        get_rational({"c": 0.5}, "c", "data")
    assert info.value.field == "data.c"
    assert get_rational({"c": "2/4"}, "c", "data") == Fraction(1, 2)


# ------------------------------------------------------------------ envelope


def _envelope() -> dict:
    return {
        "format": "lincomb-certificate",
        "version": 1,
        "kind": "fake-sum",
        "claim": {"statement": "the values sum to the total"},
        "data": {},
        "provenance": {"lincomb": "0.1.0", "solver": "hand", "seconds": 0.5},
    }


def test_valid_envelope_returns_kind():
    assert check_envelope(_envelope()) == "fake-sum"


def _without(path):
    def mutate(cert):
        *parents, last = path
        target = cert
        for key in parents:
            target = target[key]
        del target[last]

    return mutate


def _setting(path, value):
    def mutate(cert):
        *parents, last = path
        target = cert
        for key in parents:
            target = target[key]
        target[last] = value

    return mutate


ENVELOPE_MUTATIONS = [
    (_without(["format"]), "format"),
    (_setting(["format"], "lincomb-cert"), "format"),
    (_without(["version"]), "version"),
    (_setting(["version"], "1"), "version"),
    (_setting(["version"], True), "version"),
    (_setting(["version"], 1.0), "version"),
    (_setting(["version"], 2), "version"),
    (_without(["kind"]), "kind"),
    (_setting(["kind"], ""), "kind"),
    (_setting(["kind"], 7), "kind"),
    (_without(["claim"]), "claim"),
    (_setting(["claim"], []), "claim"),
    (_without(["claim", "statement"]), "claim.statement"),
    (_setting(["claim", "statement"], None), "claim.statement"),
    (_without(["data"]), "data"),
    (_setting(["data"], "x"), "data"),
    (_without(["provenance"]), "provenance"),
    (_without(["provenance", "lincomb"]), "provenance.lincomb"),
    (_setting(["provenance", "solver"], 3), "provenance.solver"),
    (_without(["provenance", "seconds"]), "provenance.seconds"),
    (_setting(["provenance", "seconds"], "0.5"), "provenance.seconds"),
    (_setting(["provenance", "seconds"], False), "provenance.seconds"),
]


@pytest.mark.parametrize("mutate, field", ENVELOPE_MUTATIONS)
def test_each_malformed_envelope_names_its_field(mutate, field):
    cert = copy.deepcopy(_envelope())
    mutate(cert)
    with pytest.raises(CertificateMalformed) as info:
        check_envelope(cert)
    assert info.value.field == field
    assert str(info.value).startswith(f"{field}: ")


def test_unsupported_version_message():
    cert = _envelope()
    cert["version"] = 3
    with pytest.raises(CertificateMalformed, match="unsupported version 3; this lincomb reads version 1"):
        check_envelope(cert)


@pytest.mark.parametrize("document", [[], "x", 1, None])
def test_top_level_must_be_an_object(document):
    with pytest.raises(CertificateMalformed) as info:
        check_envelope(document)
    assert info.value.field == "certificate"


# ------------------------------------------------------------------ strict JSON


def test_truncated_json_names_file_and_position(tmp_path):
    path = tmp_path / "cert.json"
    path.write_text(json.dumps(_envelope())[:40])
    with pytest.raises(CertificateMalformed) as info:
        load_json_file(path)
    assert info.value.field == str(path)
    assert "line 1 column" in info.value.message


@pytest.mark.parametrize(
    "text, fragment",
    [('{"a": NaN}', "NaN"), ('{"a": Infinity}', "Infinity"), ('{"a": 1, "a": 2}', "duplicate key")],
)
def test_json_that_python_accepts_but_certificates_do_not(tmp_path, text, fragment):
    path = tmp_path / "cert.json"
    path.write_text(text)
    with pytest.raises(CertificateMalformed, match=fragment):
        load_json_file(path)


def test_invalid_utf8_and_missing_file(tmp_path):
    path = tmp_path / "cert.json"
    path.write_bytes(b'{"a": "\xff"}')
    with pytest.raises(CertificateMalformed, match="UTF-8"):
        load_json_file(path)
    with pytest.raises(CertificateMalformed, match="cannot read"):
        load_json_file(tmp_path / "missing.json")
