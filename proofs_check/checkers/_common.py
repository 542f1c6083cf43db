"""Shared helpers of the certificate checkers: errors, exact rationals, field access.

STANDARD LIBRARY ONLY.  Everything in ``proofs_check/checkers`` must run on a bare Python, so
that anyone can re-check a certificate without trusting lincomb's search code or its
dependencies (a test blocks numpy, sympy, ... and imports every module here).

Two exceptions carry every outcome that is not "verified":

* :class:`CertificateMalformed` -- the file is not a well-formed certificate (a missing field, a
  wrong type, a number that is not an exact rational); ``field`` names the place, e.g.
  ``data.empty_cells["0.1"]["2:0"]``.
* :class:`CertificateRejected` -- the certificate is well formed but its data does not prove the
  claim; the message says which part failed.

Examples
--------
>>> cert = {"format": "lincomb-certificate", "version": 1, "kind": "demo",
...         "claim": {"statement": "1 + 1 = 2"}, "data": {},
...         "provenance": {"lincomb": "0.1.0", "solver": "hand", "seconds": 0}}
>>> check_envelope(cert)
'demo'
>>> parse_rational("-3/4", "data.x")
Fraction(-3, 4)
"""

from __future__ import annotations

import json
import math
import os
import re
import stat
import zlib
from fractions import Fraction
from typing import Any

FORMAT = "lincomb-certificate"
VERSION = 1
#: The most decimal digits an integer (or a numerator or denominator) of a certificate may have.  Real
#: certificates stay far below (the largest lincomb writes has under 100); the cap keeps exact arithmetic
#: and messages bounded.
MAX_DIGITS = 1000
#: Default cap on the size of a certificate file (``lincomb verify --max-bytes`` raises it).
MAX_BYTES = 256 * 1024 * 1024
#: The deepest nesting of arrays and objects a certificate may have (real ones stay under 12).
MAX_DEPTH = 64
_MAX_BITS = int(MAX_DIGITS * math.log2(10)) + 1

# ASCII digits only: \d would also accept e.g. Arabic-Indic digits, which int() happily parses.
_RATIONAL_RE = re.compile(r"[+-]?[0-9]+(?:/[0-9]+)?", re.ASCII)
_IDENTIFIER_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*", re.ASCII)
# bool before int: a JSON true is never an integer.
_JSON_TYPES = ((bool, "boolean"), (int, "integer"), (float, "number"), (str, "string"), (list, "array"), (dict, "object"))


class CertificateMalformed(Exception):
    """The input is not a well-formed certificate; ``field`` says where.

    Parameters
    ----------
    field : str
        Path of the offending field, e.g. ``'data.empty_cells["0.1"]["2:0"]'``; for a file
        that is not JSON at all, the file name.
    message : str
        What is wrong there.

    Examples
    --------
    >>> err = CertificateMalformed("claim.statement", "missing")
    >>> err.field, str(err)
    ('claim.statement', 'claim.statement: missing')
    """

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class CertificateRejected(Exception):
    """A well-formed certificate whose data does not prove its claim.

    The message says which part of the proof failed.

    Examples
    --------
    >>> str(CertificateRejected("leaf 0.1: lhs - rhs has constant 1, not 0"))
    'leaf 0.1: lhs - rhs has constant 1, not 0'
    """


def reject_unless(condition: Any, message: str) -> None:
    """A named condition of a proof: raise :class:`CertificateRejected` with ``message`` unless ``condition`` holds.

    The message is built before the call, so use it for per-certificate conditions, not inside a loop over
    millions of items (there an ``if``/``raise`` formats the message only on failure).

    Examples
    --------
    >>> reject_unless(2 + 2 == 4, "arithmetic")
    >>> reject_unless([], "data.leaves says 3 leaf cells, the tree has 2")
    Traceback (most recent call last):
    ...
    lincomb.proofs_check.checkers._common.CertificateRejected: data.leaves says 3 leaf cells, the tree has 2
    """
    if not condition:
        raise CertificateRejected(message)


def malformed_unless(condition: Any, field: str, message: str) -> None:
    """A named condition of the format: raise :class:`CertificateMalformed` at ``field`` unless ``condition`` holds.

    As for :func:`reject_unless`, the message is built before the call.

    Examples
    --------
    >>> malformed_unless(3 <= 9, "claim.input_dimension", "too large")
    >>> malformed_unless(12 <= 9, "claim.input_dimension", "12! chambers is too many")
    Traceback (most recent call last):
    ...
    lincomb.proofs_check.checkers._common.CertificateMalformed: claim.input_dimension: 12! chambers is too many
    """
    if not condition:
        raise CertificateMalformed(field, message)


def json_type_name(value: Any) -> str:
    """Name of a value's JSON type, for error messages.

    Examples
    --------
    >>> [json_type_name(v) for v in (None, True, 3, 0.5, "s", [], {})]
    ['null', 'boolean', 'integer', 'number', 'string', 'array', 'object']
    """
    if value is None:
        return "null"
    return next((name for kind, name in _JSON_TYPES if isinstance(value, kind)), type(value).__name__)


def vector_str(vector) -> str:
    """A vector of rationals as text for messages: ``(v1, v2, ...)``.

    Examples
    --------
    >>> vector_str([1, Fraction(-1, 2)])
    '(1, -1/2)'
    """
    return "(" + ", ".join(str(v) for v in vector) + ")"


def field_path(parent: str, key: str | int) -> str:
    """Path of ``key`` inside the field ``parent``, as used in error messages.

    Identifier keys are joined with a dot, other keys are quoted in brackets and list
    indices are bracketed numbers.

    Examples
    --------
    >>> field_path("", "data")
    'data'
    >>> field_path(field_path(field_path("data", "empty_cells"), "0.1"), "2:0")
    'data.empty_cells["0.1"]["2:0"]'
    >>> field_path("claim.lhs.layers", 3)
    'claim.lhs.layers[3]'
    """
    if isinstance(key, int) and not isinstance(key, bool):
        return f"{parent}[{key}]"
    if _IDENTIFIER_RE.fullmatch(key):
        return f"{parent}.{key}" if parent else key
    return f"{parent}[{json.dumps(key)}]"


def parse_rational(value: Any, field: str) -> Fraction:
    """Read an exact rational: a JSON integer or a string ``"p"`` / ``"p/q"``.

    Parameters
    ----------
    value : object
        A JSON value.  Accepted: ``int`` (not ``bool``), and strings matching
        ``[+-]?digits(/digits)?`` with a nonzero denominator, no spaces.
    field : str
        Path of the value, for the error message.

    Returns
    -------
    fractions.Fraction

    Raises
    ------
    CertificateMalformed
        For floats, booleans, decimals such as ``"0.5"``, exponents such as ``"1e3"``,
        spaces, and zero denominators: nothing is ever rounded.

    Examples
    --------
    >>> parse_rational("6/4", "x"), parse_rational(-2, "x"), parse_rational("+7", "x")
    (Fraction(3, 2), Fraction(-2, 1), Fraction(7, 1))
    >>> parse_rational(0.5, "data.c")
    Traceback (most recent call last):
    ...
    lincomb.proofs_check.checkers._common.CertificateMalformed: data.c: expected an exact rational ...
    """
    return Fraction(parse_rational_fast(value, field))


def parse_rational_fast(value: Any, field: str) -> int | Fraction:
    """Like :func:`parse_rational`, but return a plain ``int`` when the value is an integer.

    Integer arithmetic is several times faster than ``Fraction`` arithmetic, and most
    certificate entries are integers; ``int`` and ``Fraction`` mix exactly.

    Examples
    --------
    >>> parse_rational_fast("4/2", "x"), parse_rational_fast(5, "x"), parse_rational_fast("1/3", "x")
    (2, 5, Fraction(1, 3))
    >>> type(parse_rational_fast("-12", "x"))
    <class 'int'>
    """
    if isinstance(value, int) and not isinstance(value, bool):
        if value.bit_length() > _MAX_BITS:  # a JSON integer of at most MAX_DIGITS digits, checked without text
            raise CertificateMalformed(field, f"number too long: more than {MAX_DIGITS} digits")
        return value
    if not isinstance(value, str):
        raise CertificateMalformed(field, "expected an exact rational (a JSON integer or a string \"p\" or \"p/q\"), "
                                          f"got {json_type_name(value)} {_short_repr(value)}")
    if not _RATIONAL_RE.fullmatch(value):
        raise CertificateMalformed(field, "expected an exact rational string \"p\" or \"p/q\" (optional sign, digits, "
                                          f"no spaces), got {_short_repr(value)}")
    text_num, _, text_den = value.partition("/")
    longest = max(len(text_num.lstrip("+-")), len(text_den))
    if longest > MAX_DIGITS:
        raise CertificateMalformed(field, f"number too long: {longest} digits, at most {MAX_DIGITS} allowed")
    try:
        numerator = int(text_num)
        denominator = int(text_den) if text_den else 1
    except ValueError as exc:  # Python's limit on the number of digits of int(str)
        raise CertificateMalformed(field, f"number too long: {exc}") from None
    if denominator == 0:
        raise CertificateMalformed(field, f"zero denominator in {_short_repr(value)}")
    if denominator == 1:
        return numerator
    result = Fraction(numerator, denominator)
    return result.numerator if result.denominator == 1 else result


def _short_repr(value: Any, limit: int = 40) -> str:
    text = json.dumps(value) if isinstance(value, (str, int, float, bool, type(None))) else repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def get_field(obj: dict, key: str, path: str, expected: type | tuple[type, ...], what: str) -> Any:
    """Fetch ``obj[key]`` and check its type; malformed, naming the field, otherwise.

    Parameters
    ----------
    obj : dict
        The enclosing JSON object (already checked to be a dict).
    key : str
        The required key.
    path : str
        Path of ``obj`` (``""`` for the top level).
    expected : type or tuple of types
        Accepted Python types.  ``bool`` is never accepted as ``int``.
    what : str
        The expected JSON type in words, for the message ("a string", "an object", ...).

    Examples
    --------
    >>> get_field({"n": 3}, "n", "claim", int, "an integer")
    3
    >>> get_field({"n": True}, "n", "claim", int, "an integer")
    Traceback (most recent call last):
    ...
    lincomb.proofs_check.checkers._common.CertificateMalformed: claim.n: expected an integer, got boolean true
    >>> get_field({}, "data", "", dict, "an object")
    Traceback (most recent call last):
    ...
    lincomb.proofs_check.checkers._common.CertificateMalformed: data: missing required field
    """
    path_here = field_path(path, key)
    if key not in obj:
        raise CertificateMalformed(path_here, "missing required field")
    value = obj[key]
    types = expected if isinstance(expected, tuple) else (expected,)
    if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
        raise CertificateMalformed(path_here, f"expected {what}, got {json_type_name(value)} {_short_repr(value)}")
    return value


def get_choice(obj: dict, key: str, path: str, choices, message: str) -> str:
    """Fetch a required string field that must be one of ``choices``; malformed with ``message`` otherwise
    (``{value!r}`` in it stands for the string read).

    Examples
    --------
    >>> get_choice({"fan": "braid"}, "fan", "claim", ("braid",), 'must be "braid"')
    'braid'
    >>> get_choice({"sense": "minimize"}, "sense", "claim", ("maximize",), "expected 'maximize', got {value!r}")
    Traceback (most recent call last):
    ...
    lincomb.proofs_check.checkers._common.CertificateMalformed: claim.sense: expected 'maximize', got 'minimize'
    """
    value = get_str(obj, key, path)
    malformed_unless(value in choices, field_path(path, key), message.format(value=value))
    return value


def get_object(obj: dict, key: str, path: str) -> dict:
    """Fetch a required JSON object field.

    Examples
    --------
    >>> get_object({"claim": {"statement": "s"}}, "claim", "")
    {'statement': 's'}
    """
    return get_field(obj, key, path, dict, "an object")


def get_list(obj: dict, key: str, path: str, empty: str | None = None) -> list:
    """Fetch a required JSON array field; with ``empty``, it must not be empty (else malformed with that message).

    Examples
    --------
    >>> get_list({"layers": [1, 2]}, "layers", "claim.lhs")
    [1, 2]
    >>> get_list({"layers": []}, "layers", "claim.lhs", empty="a network needs at least one layer")
    Traceback (most recent call last):
    ...
    lincomb.proofs_check.checkers._common.CertificateMalformed: claim.lhs.layers: a network needs at least one layer
    """
    value = get_field(obj, key, path, list, "an array")
    if empty is not None and not value:  # an if: get_list is called per entry of many arrays
        raise CertificateMalformed(field_path(path, key), empty)
    return value


def get_str(obj: dict, key: str, path: str) -> str:
    """Fetch a required JSON string field.

    Examples
    --------
    >>> get_str({"type": "relu-network"}, "type", "claim.lhs")
    'relu-network'
    """
    return get_field(obj, key, path, str, "a string")


def get_int(obj: dict, key: str, path: str, minimum: int | None = None) -> int:
    """Fetch a required JSON integer field (not a boolean), optionally with a lower bound.

    Examples
    --------
    >>> get_int({"input_dimension": 4}, "input_dimension", "claim", minimum=1)
    4
    >>> get_int({"input_dimension": 0}, "input_dimension", "claim", minimum=1)
    Traceback (most recent call last):
    ...
    lincomb.proofs_check.checkers._common.CertificateMalformed: claim.input_dimension: must be >= 1, got 0
    """
    value = get_field(obj, key, path, int, "an integer")
    if minimum is not None and value < minimum:  # an if, not malformed_unless: get_int is called per entry
        raise CertificateMalformed(field_path(path, key), f"must be >= {minimum}, got {value}")
    return value


def get_int_list(obj: dict, key: str, path: str, minimum: int | None = None, empty: str | None = None) -> list:
    """Fetch a required array of JSON integers (not booleans, not ``1.0``), optionally each ``>= minimum`` and
    non-empty (``empty``: the message, as for :func:`get_list`).

    Examples
    --------
    >>> get_int_list({"N": [1, 2]}, "N", "claim", minimum=1)
    [1, 2]
    >>> get_int_list({"N": [True]}, "N", "claim")
    Traceback (most recent call last):
    ...
    lincomb.proofs_check.checkers._common.CertificateMalformed: claim.N[0]: expected an integer, got boolean true
    """
    values = get_list(obj, key, path, empty)
    indexed = dict(enumerate(values))  # each entry read as get_int reads a field; its path is here[i]
    for i in indexed:
        get_int(indexed, i, field_path(path, key), minimum)
    return values


def get_indices(obj: dict, key: str, path: str, bound: int, what: str) -> list:
    """Fetch a required array of indices ``0 <= i < bound`` (JSON integers, not booleans); ``what`` names them.

    Examples
    --------
    >>> get_indices({"facets": [0, 2]}, "facets", "data.faces[0]", 3, "face")
    [0, 2]
    >>> get_indices({"facets": [3]}, "facets", "data.faces[0]", 3, "face")
    Traceback (most recent call last):
    ...
    lincomb.proofs_check.checkers._common.CertificateMalformed: data.faces[0].facets[0]: expected a face index in 0..2
    """
    values = get_list(obj, key, path)
    for i, j in enumerate(values):
        if type(j) is not int or not 0 <= j < bound:  # per entry: the message is built only on failure
            raise CertificateMalformed(field_path(field_path(path, key), i), f"expected a {what} index in 0..{bound - 1}")
    return values


def get_number(obj: dict, key: str, path: str) -> int | float:
    """Fetch a required finite JSON number (integer or float, not a boolean).

    Only for informative fields such as ``provenance.seconds``; proof data uses
    :func:`get_rational`.

    Examples
    --------
    >>> get_number({"seconds": 0.25}, "seconds", "provenance")
    0.25
    """
    value = get_field(obj, key, path, (int, float), "a number")
    malformed_unless(not isinstance(value, float) or math.isfinite(value), field_path(path, key), f"expected a finite number, got {value}")
    return value


def get_rational(obj: dict, key: str, path: str) -> Fraction:
    """Fetch a required exact rational field (see :func:`parse_rational`).

    Examples
    --------
    >>> get_rational({"coefficient": "1/2"}, "coefficient", "claim.rhs.terms[0]")
    Fraction(1, 2)
    """
    return Fraction(get_rational_fast(obj, key, path))


def get_vector(obj: dict, key: str, path: str, length: int | None = None, note: str = "", fast: bool = False) -> list:
    """Fetch a required array of exact rationals, optionally of a given length.

    ``note`` is appended to the length message (e.g. ``" (claim.context_length)"``); with ``fast`` the entries
    are read by :func:`parse_rational_fast` (``int`` where integral).

    Examples
    --------
    >>> get_vector({"p": ["1/2", 3]}, "p", "data", 2)
    [Fraction(1, 2), Fraction(3, 1)]
    >>> get_vector({"p": ["1"]}, "p", "data", 2)
    Traceback (most recent call last):
    ...
    lincomb.proofs_check.checkers._common.CertificateMalformed: data.p: has 1 entries, expected 2
    """
    values = get_list(obj, key, path)
    here = field_path(path, key)
    malformed_unless(length is None or len(values) == length, here, f"has {len(values)} entries, expected {length}{note}")
    parse = parse_rational_fast if fast else parse_rational
    return [parse(v, field_path(here, i)) for i, v in enumerate(values)]


def get_rational_fast(obj: dict, key: str, path: str) -> int | Fraction:
    """Fetch a required exact rational field as :func:`parse_rational_fast` reads it (an ``int`` when integral).

    Examples
    --------
    >>> get_rational_fast({"bias": "4/2"}, "bias", "claim"), get_rational_fast({"bias": "1/3"}, "bias", "claim")
    (2, Fraction(1, 3))
    """
    if key not in obj:  # an if, not malformed_unless: this is called per number of a network
        raise CertificateMalformed(field_path(path, key), "missing required field")
    return parse_rational_fast(obj[key], field_path(path, key))


def get_objects(obj: dict, key: str, path: str, message: str = "expected an object", empty: str | None = None) -> list:
    """A required array of JSON objects, as ``(path of the item, item)`` pairs.

    An item that is not an object is malformed, with ``message`` at its path; with ``empty``, an empty array is
    malformed with that message (as for :func:`get_list`).

    Examples
    --------
    >>> get_objects({"terms": [{"c": 1}]}, "terms", "data")
    [('data.terms[0]', {'c': 1})]
    >>> get_objects({"terms": [3]}, "terms", "data", "must be an object with c")
    Traceback (most recent call last):
    ...
    lincomb.proofs_check.checkers._common.CertificateMalformed: data.terms[0]: must be an object with c
    """
    here = field_path(path, key)
    items = [(field_path(here, index), item) for index, item in enumerate(get_list(obj, key, path, empty))]
    for where, item in items:
        malformed_unless(isinstance(item, dict), where, message)
    return items


def open_certificate(cert: Any, kind: str) -> tuple[dict, dict]:
    """Check the envelope (:func:`check_envelope`) and that it is of ``kind``; return ``(claim, data)``.

    Examples
    --------
    >>> open_certificate({"format": "lincomb-certificate", "version": 1, "kind": "a", "claim": {"statement": "s"},
    ...                   "data": {}, "provenance": {"lincomb": "0", "solver": "hand", "seconds": 0}}, "b")
    Traceback (most recent call last):
    ...
    lincomb.proofs_check.checkers._common.CertificateMalformed: kind: this checker reads 'b', not 'a'
    """
    found = check_envelope(cert)
    malformed_unless(found == kind, "kind", f"this checker reads {kind!r}, not {found!r}")
    return cert["claim"], cert["data"]


def get_matrix(obj: dict, key: str, path: str, columns: int | None = None, row_count: int | None = None,
               note: str = "", empty: str = "must not be empty") -> list:
    """Fetch a required non-ragged matrix field: rows of exact rationals (ints where integral).

    ``columns`` fixes the row length (else the first row's, which must not be empty); ``row_count`` the
    number of rows (without it there must be at least one row, else malformed with the message ``empty``);
    ``note`` is appended to the row-length message.

    Examples
    --------
    >>> get_matrix({"w": [["1/2", 3]]}, "w", "data", 2)
    [[Fraction(1, 2), 3]]
    >>> get_matrix({"w": [["1"], ["1", "2"]]}, "w", "data")
    Traceback (most recent call last):
    ...
    lincomb.proofs_check.checkers._common.CertificateMalformed: data.w[1]: has 2 entries, expected 1
    >>> get_matrix({"w": []}, "w", "data")
    Traceback (most recent call last):
    ...
    lincomb.proofs_check.checkers._common.CertificateMalformed: data.w: must not be empty
    """
    rows, here = get_list(obj, key, path), field_path(path, key)
    malformed_unless(row_count is not None or rows, here, empty)
    malformed_unless(row_count is None or len(rows) == row_count, here, f"has {len(rows)} rows, expected {row_count}")
    matrix = []
    for r, row in enumerate(rows):
        row_path = field_path(here, r)
        malformed_unless(isinstance(row, list), row_path, "must be an array of rationals")
        if columns is None:
            columns = len(row)
        if len(row) != columns or columns == 0:
            raise CertificateMalformed(row_path, f"has {len(row)} entries, expected {columns}{note}")
        matrix.append([parse_rational_fast(v, field_path(row_path, j)) for j, v in enumerate(row)])
    return matrix


def check_envelope(cert: Any) -> str:
    """Validate the envelope shared by every certificate kind and return its kind.

    Checks ``format == "lincomb-certificate"``, ``version == 1``, a ``kind`` string, a
    ``claim`` object with a ``statement`` string, a ``data`` object, and a ``provenance``
    object with ``lincomb`` (string), ``solver`` (string) and ``seconds`` (number).
    Provenance is informative and never trusted beyond these types.

    Parameters
    ----------
    cert : object
        The parsed JSON document.

    Returns
    -------
    str
        The certificate kind, e.g. ``"cpwl-identity"``.

    Raises
    ------
    CertificateMalformed
        Naming the first field that is missing or has the wrong type.

    Examples
    --------
    >>> check_envelope({"format": "lincomb-certificate", "version": 2})
    Traceback (most recent call last):
    ...
    lincomb.proofs_check.checkers._common.CertificateMalformed: version: unsupported version 2; this lincomb reads version 1
    """
    malformed_unless(isinstance(cert, dict), "certificate",
                     f"expected a JSON object at the top level, got {json_type_name(cert)}")
    fmt = get_str(cert, "format", "")
    malformed_unless(fmt == FORMAT, "format", f"expected {FORMAT!r}, got {fmt!r}")
    version = get_field(cert, "version", "", int, "an integer")
    malformed_unless(version == VERSION, "version",
                     f"unsupported version {version}; this lincomb reads version {VERSION}")
    kind = get_str(cert, "kind", "")
    malformed_unless(kind, "kind", "must be a non-empty string")
    get_str(get_object(cert, "claim", ""), "statement", "claim")
    get_object(cert, "data", "")
    provenance = get_object(cert, "provenance", "")
    get_str(provenance, "lincomb", "provenance")
    get_str(provenance, "solver", "provenance")
    get_number(provenance, "seconds", "provenance")
    return kind


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict:
    # A duplicated key would make the certificate mean whatever the parser keeps: refuse it.
    result: dict = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {json.dumps(key)} in an object")
        result[key] = value
    return result


def load_json_file(path: Any, max_bytes: int = MAX_BYTES) -> Any:
    """Read a JSON file strictly; any problem is :class:`CertificateMalformed` naming the file.

    Only regular files are read (not a FIFO, a device or a directory, also behind a symbolic link), of at
    most ``max_bytes`` bytes.  Rejects ``NaN``/``Infinity``, duplicate keys in an object, invalid UTF-8,
    nesting deeper than :data:`MAX_DEPTH`, and reports the line and column of a syntax error (e.g. a
    truncated file).

    Parameters
    ----------
    path : str or os.PathLike
        The file to read.
    max_bytes : int
        The largest file accepted (default :data:`MAX_BYTES`).

    Examples
    --------
    >>> import os, tempfile
    >>> fd, name = tempfile.mkstemp(suffix=".json"); os.close(fd)
    >>> with open(name, "w") as f:
    ...     _ = f.write('{"format": "lincomb-cert')
    >>> load_json_file(name)
    Traceback (most recent call last):
    ...
    lincomb.proofs_check.checkers._common.CertificateMalformed: ...json: invalid JSON at line 1 column 12 ...
    >>> load_json_file(name, max_bytes=10)
    Traceback (most recent call last):
    ...
    lincomb.proofs_check.checkers._common.CertificateMalformed: ...json: file too large: 24 bytes, at most 10 accepted (raise it with --max-bytes)
    >>> load_json_file(os.path.dirname(name))
    Traceback (most recent call last):
    ...
    lincomb.proofs_check.checkers._common.CertificateMalformed: ...: not a regular file (a directory)
    >>> os.remove(name)
    """
    name = str(path)
    try:
        mode = os.stat(path).st_mode  # follows symbolic links: a link to /dev/zero is a device
        if not stat.S_ISREG(mode):
            what = "a directory" if stat.S_ISDIR(mode) else "a FIFO" if stat.S_ISFIFO(mode) else \
                "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "a socket or other special file"
            raise CertificateMalformed(name, f"not a regular file ({what})")
        with open(path, "rb") as handle:
            raw = handle.read(max_bytes + 1)
    except OSError as exc:
        raise CertificateMalformed(name, f"cannot read file: {exc.strerror or exc}") from None
    if len(raw) > max_bytes:
        raise CertificateMalformed(name, f"file too large: {os.stat(path).st_size} bytes, at most {max_bytes} accepted "
                                         "(raise it with --max-bytes)")
    if raw[:2] == b"\x1f\x8b":  # gzip magic: large certificates ship as .json.gz
        raw = _gunzip(raw, name, max_bytes)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CertificateMalformed(name, f"not UTF-8 text (byte {exc.start})") from None
    return parse_json_text(text, name)


def _gunzip(raw: bytes, name: str, max_bytes: int) -> bytes:
    # The cap applies to the decompressed text too, so a small bomb cannot fill memory.
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        text = inflater.decompress(raw, max_bytes + 1)
    except zlib.error as exc:
        raise CertificateMalformed(name, f"corrupt gzip data ({exc})") from None
    malformed_unless(len(text) <= max_bytes, name,
                     f"decompressed size over {max_bytes} bytes (raise it with --max-bytes)")
    malformed_unless(inflater.eof and not inflater.unused_data, name,
                     "truncated gzip data or trailing bytes after the gzip stream")
    return text


def _check_depth(value: Any, name: str) -> None:
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise CertificateMalformed(name, f"nesting too deep: more than {MAX_DEPTH} levels of arrays and objects")
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        stack.extend((child, depth + 1) for child in children)


def parse_json_text(text: str, name: str) -> Any:
    """Parse JSON text strictly, as :func:`load_json_file` does; ``name`` is used as the field.

    Examples
    --------
    >>> parse_json_text('{"a": 1}', "inline")
    {'a': 1}
    >>> parse_json_text('{"a": 1, "a": 2}', "inline")
    Traceback (most recent call last):
    ...
    lincomb.proofs_check.checkers._common.CertificateMalformed: inline: invalid JSON: duplicate key "a" in an object
    >>> parse_json_text('[NaN]', "inline")
    Traceback (most recent call last):
    ...
    lincomb.proofs_check.checkers._common.CertificateMalformed: inline: invalid JSON: NaN is not valid JSON
    """
    try:
        document = json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_no_duplicate_keys)
    except json.JSONDecodeError as exc:
        raise CertificateMalformed(name, f"invalid JSON at line {exc.lineno} column {exc.colno} (char {exc.pos}): "
                                         f"{exc.msg}") from None
    except RecursionError:
        raise CertificateMalformed(name, f"nesting too deep: more than {MAX_DEPTH} levels of arrays and objects") from None
    except ValueError as exc:
        raise CertificateMalformed(name, f"invalid JSON: {exc}") from None
    _check_depth(document, name)
    return document
