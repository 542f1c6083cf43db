"""A mutation fuzzer over every certificate kind (issue 18, item 5).

Hypothesis mutates every valid fixture (``certificates/valid/*.json``, all kinds): claim fields and data
values are replaced by random JSON, nudged numbers, swapped types (``2`` <-> ``"2"``, a list <-> an object,
wrapped or unwrapped), deleted, duplicated or reordered, one to three mutations per example. Each mutant goes
through the JSON text exactly as a file would (``parse_json_text`` then ``verify_certificate``) and must be

* rejected: exit 1 (not verified / not reproduced) or 2 (malformed) with a one-line reason, never
  "checker crashed"; or
* accepted as a still valid proof of a true claim: the claim is the one the original certificate proved, value
  for value (``2`` and ``"2"`` are the same rational), except ``claim.statement`` (text for humans), the kind's
  informative fields (``INFORMATIVE``: not read by the checker), or a weaker one: optional top-level keys
  dropped, a larger ``tolerance``, an element repeated in a list (claim lists are sets), a non-empty part of a
  "for every" list (``FOR_ALL_LISTS``); mutations of ``data`` alone leave the claim as it was. Or a claim of
  the same shape and types whose values changed and which the checker proved anew (a region-count network
  with another bias and the same count, the terms of a sum reordered, a larger leaky slope that changes
  nothing): whether such a claim is true is exactly what the checker decides, and the fuzzer has no prover of
  its own to second-guess it (the deliberately false claims of ``certificates/invalid/`` are rejected in
  ``test_fixtures.py``). What the fuzzer does catch there: an accepted claim whose *shape or types* changed,
  e.g. ``1.0`` or ``true`` where an integer belongs, a list for an object, a required field gone.

and finish within 10 s (an alarm turns a hang into a failure). Bounded and deterministic: ``derandomize``,
no example database, 40 examples per fixture (12 for the two large ones); about 10 s in all.
``LINCOMB_FUZZ_EXAMPLES=N`` runs N random (not derandomized) examples per fixture instead.
"""

from __future__ import annotations

import copy
import json
import os
import signal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lincomb.proofs_check.checkers import CHECKERS, verify_certificate
from lincomb.proofs_check.checkers._common import CertificateMalformed, parse_json_text

VALID = sorted((Path(__file__).parent / "certificates" / "valid").glob("*.json"))
SECONDS = 10
_RATIONAL_TEXT = ("0", "1", "-1", "1/2", "-3/4", "2/4", "1/0", "0/1", "1e3", "0.5", " 1", "+1", "--1", "1/-2",
                  "0x10", "NaN", "", "9" * 1100, "1/" + "7" * 1100)

scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(10**6), 10**6)
    | st.sampled_from((10**40, -(10**40), 10**1100))
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.sampled_from(_RATIONAL_TEXT)
    | st.text(max_size=6)
)
json_values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=6,
)


def _fields(value, path=()):
    yield path
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _fields(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _fields(child, (*path, index))


def _get(cert, path):
    for key in path:
        cert = cert[key]
    return cert


def _as_rational(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, str) and len(value) < 60:
        try:
            return Fraction(value)
        except (ValueError, ZeroDivisionError):
            return None
    return None


def _nudged(value, choice: int):
    number = _as_rational(value)
    if number is None:
        return [value]
    options = [number + 1, number - 1, -number, number * 2, number / 2 if number else Fraction(1),
               1 / number if number else Fraction(0), Fraction(0)]
    new = options[choice % len(options)]
    if isinstance(value, int):
        return new.numerator if new.denominator == 1 else str(new)
    return str(new)


def _float(number) -> float:
    try:
        return float(number)
    except OverflowError:
        return float("inf")


def _swapped(value, choice: int):
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return (str(value), _float(value), bool(value))[choice % 3]
    if isinstance(value, str):
        number = _as_rational(value)
        if number is not None and number.denominator == 1:
            return (number.numerator, _float(number))[choice % 2]
        return [value]
    if isinstance(value, list):
        return ({str(i): v for i, v in enumerate(value)}, value[0] if value else None, [value])[choice % 3]
    if isinstance(value, dict):
        return (list(value.values()), [value], None)[choice % 3]
    return str(value)


@st.composite
def mutants(draw, original):
    cert = copy.deepcopy(original)
    touched = []
    for _ in range(draw(st.integers(1, 3))):
        fields = [("claim", *p) for p in _fields(cert["claim"])] + [("data", *p) for p in _fields(cert["data"])]
        path = draw(st.sampled_from(fields))
        parent = _get(cert, path[:-1])
        value = parent[path[-1]]
        operation = draw(st.sampled_from(("replace", "nudge", "swap", "delete", "duplicate", "reorder", "extra")))
        choice = draw(st.integers(0, 20))
        if operation == "replace":
            parent[path[-1]] = draw(json_values)
        elif operation == "nudge":
            parent[path[-1]] = _nudged(value, choice)
        elif operation == "swap":
            parent[path[-1]] = _swapped(value, choice)
        elif operation == "delete" and len(path) > 1:
            parent.pop(path[-1])
        elif operation == "duplicate" and isinstance(value, list) and value:
            value.insert(choice % len(value), copy.deepcopy(value[choice % len(value)]))
        elif operation == "reorder" and isinstance(value, list) and len(value) > 1:
            i, j = choice % len(value), (choice // 2 + 1) % len(value)
            value[i], value[j] = value[j], value[i]
        elif operation == "extra" and isinstance(value, dict) and path[0] == "data":
            # Only under data: checkers ignore keys of the claim they do not know (issue 18 report), so an
            # extra claim key would be accepted without being a claim anybody proved.
            value[draw(st.sampled_from(("extra", "leaves", "n", "0", "0.0", "x")))] = draw(json_values)
        else:
            parent[path[-1]] = draw(json_values)
            operation = "replace"
        touched.append((operation, path))
    return cert, touched


def _canonical(value):
    """Claims compared value for value: rationals by value, other scalars with their type."""
    if isinstance(value, dict):
        return {key: _canonical(child) for key, child in value.items()}
    if isinstance(value, list):
        return [_canonical(child) for child in value]
    number = _as_rational(value)
    if number is not None:
        return ("rational", number)
    return (type(value).__name__, value)


# Claim fields that describe rather than assert: the checker does not read them (found by replacing every claim
# field in turn; the kinds' pages call most of them informative). A change there leaves the proved claim as it was.
INFORMATIVE = {
    "convergence-measurement": (("method",), ("options",)),  # how the measurement was taken
    "fixed-activation-separation": (("witness_family",), ("witness_width",)),  # "(informative)" in its page
    "gradient-jump-separation": (("witness_family",), ("witness_width",)),
    "min-width": (("target", "name"),),  # a label of the target
    "tada-closed-forms": (("prior_covariance",),),  # a sentence
    # Activation regions are those of the hidden neurons: the output layer does not change the count.
    "region-count": (("network", "layers", -1),),
    # The order of the variables relabels the true and the learned systems alike (equations are compared by
    # index and term name), so the measured agreement is the same.
    "symreg-recovery": (("system",), ("variables",)),
}

# Claims "for every value in this list": a non-empty part of the list is a weaker claim.
FOR_ALL_LISTS = {
    "fixed-activation-separation": ("activations",),
    "gradient-jump-separation": ("activations",),
    "tada-point-mass": ("N", "orders"),
    "tada-closed-forms": ("N",),
}


def _stripped(claim, kind: str):
    """The claim without ``statement`` and its kind's informative fields."""
    if not isinstance(claim, dict):
        return claim
    claim = copy.deepcopy(claim)
    claim.pop("statement", None)
    for path in INFORMATIVE.get(kind, ()):
        target = claim
        for key in path[:-1]:
            target = target.get(key) if isinstance(target, dict) else None
        if isinstance(target, dict):
            target.pop(path[-1], None)
        elif isinstance(target, list) and target:
            target.pop(path[-1])
    return claim


def _same_or_weaker(before, after, top: bool = False) -> bool:
    """Whether claim value ``after`` says what ``before`` says, or less.

    Equal value for value (``2`` and ``"2"`` are one rational); at the top level, keys may be dropped (optional
    fields: a weaker statement) and a ``tolerance`` may grow; a list may repeat its own elements (the lists of
    claims are sets: pieces of a max, values of N, activations), nothing else.
    """
    if isinstance(before, dict) and isinstance(after, dict):
        if not top and set(after) != set(before):
            return False
        for key, value in after.items():
            if key not in before:
                return False
            if top and key == "tolerance":
                old, new = _as_rational(before[key]), _as_rational(value)
                if old is not None and new is not None and new >= old:
                    continue
            if not _same_or_weaker(before[key], value):
                return False
        return True
    if isinstance(before, list) and isinstance(after, list):
        distinct = []
        for item in after:
            if all(_canonical(item) != _canonical(seen) for seen in distinct):
                distinct.append(item)
        for candidate in (after, distinct):
            if len(candidate) == len(before) and all(_same_or_weaker(b, a) for b, a in zip(before, candidate)):
                return True
        return False
    return _canonical(before) == _canonical(after)


def _still_a_true_claim(original: dict, mutant: dict) -> bool:
    """The mutant's claim asserts what the original proved, or less (see :func:`_same_or_weaker`)."""
    kind = original["kind"]
    before, after = _stripped(original["claim"], kind), _stripped(mutant.get("claim"), kind)
    if not isinstance(after, dict):
        return False
    for key in FOR_ALL_LISTS.get(kind, ()):
        part, whole = after.get(key), before.get(key)
        if isinstance(part, list) and isinstance(whole, list) and part:
            if all(any(_canonical(item) == _canonical(value) for value in whole) for item in part):
                after = {**after, key: whole}  # a non-empty part of a "for every" list: weaker
    return _same_or_weaker(before, after, top=True) or _same_shape(before, after, top=True)


def _type_of(value) -> str:
    return "rational" if _as_rational(value) is not None else type(value).__name__


def _same_shape(before, after, top: bool = False) -> bool:
    """Same keys (top-level ones may be dropped), same list lengths, same types everywhere (an integer and a
    rational string are one type): only values changed, and the checker re-proved the changed claim."""
    if isinstance(before, dict) and isinstance(after, dict):
        if not (set(after) <= set(before) if top else set(after) == set(before)):
            return False
        return all(_same_shape(before[key], value) for key, value in after.items())
    if isinstance(before, list) and isinstance(after, list):
        return len(before) == len(after) and all(_same_shape(b, a) for b, a in zip(before, after))
    return _type_of(before) == _type_of(after)


class _Hang(Exception):
    pass


def _verdict_within(text: str, seconds: int):
    def expire(signum, frame):
        raise _Hang()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        try:
            document = parse_json_text(text, "mutant")
        except CertificateMalformed as exc:
            return None, f"malformed: {exc.field}: {exc.message}"
        return verify_certificate(document), None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_the_fixtures_cover_every_kind():
    kinds = {json.loads(path.read_text(encoding="utf-8"))["kind"] for path in VALID}
    assert kinds == set(CHECKERS)


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_mutants_are_rejected_in_one_line_or_still_prove_a_true_claim(path):
    original = json.loads(path.read_text(encoding="utf-8"))
    examples = 12 if path.stat().st_size > 10_000 else 40
    longer = int(os.environ.get("LINCOMB_FUZZ_EXAMPLES", "0"))  # a longer, random run: LINCOMB_FUZZ_EXAMPLES=2000

    @settings(max_examples=longer or examples, deadline=None, derandomize=not longer, database=None,
              suppress_health_check=list(HealthCheck))
    @given(mutants(original))
    def check(mutant):
        cert, touched = mutant
        where = "; ".join(f"{operation} {'.'.join(map(str, p))}" for operation, p in touched)
        try:
            text = json.dumps(cert)
        except ValueError:  # a number too large for json.dumps (Python's int-to-str limit): not a file
            return
        try:
            verdict, parse_error = _verdict_within(text, SECONDS)
        except _Hang:
            pytest.fail(f"{path.stem}: the checker ran past {SECONDS} s after: {where}")
        if verdict is None:
            assert "\n" not in parse_error
            return
        line = verdict.line()
        assert verdict.exit_code in (0, 1, 2), line
        assert "\n" not in line, line
        assert not verdict.reason.startswith("checker crashed"), f"{path.stem} after {where}: {line}"
        if verdict.exit_code == 0:
            assert _still_a_true_claim(original, cert), (
                f"{path.stem}: accepted a changed claim after {where}: {json.dumps(cert['claim'])[:300]}"
            )

    check()
