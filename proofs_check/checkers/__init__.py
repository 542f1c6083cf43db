"""The independent certificate checkers: one module per certificate kind.

STANDARD LIBRARY ONLY (a test enforces it).  These modules re-validate, in exact rational
arithmetic, what lincomb's search code found; they never search themselves.

Each kind module (a non-underscore module in this package) defines

* ``KIND``: the certificate kind it reads, e.g. ``"cpwl-identity"``;
* ``verify(cert: dict) -> str``: returns a one-line summary when the certificate proves its
  claim, raises :class:`CertificateMalformed` or :class:`CertificateRejected` otherwise;
* ``RECORD`` (optional): ``"measurement"`` for a kind that records measured numbers (re-derived
  and compared within a stated tolerance) instead of a proof; absent means ``"proof"``.

:data:`CHECKERS` maps each kind to its ``verify`` and :data:`RECORD_OF` to its record type;
:func:`verify_certificate` and :func:`verify_file` turn any outcome into a :class:`Verdict`
with one verdict line: ``s VERIFIED`` / ``s NOT VERIFIED`` for a proof, ``s REPRODUCED`` /
``s NOT REPRODUCED`` for a measurement.

Besides, this package is the public face of the shared certificate format for the producer
side (``FORMAT``, ``VERSION``, :func:`check_envelope`, :func:`load_json_file`,
:func:`parse_json_text`), so nothing outside it imports its private modules.

Examples
--------
>>> verdict = verify_certificate({"format": "lincomb-certificate", "version": 1})
>>> verdict.status, verdict.exit_code
('MALFORMED', 2)
>>> print(verdict.line())
s NOT VERIFIED: malformed: kind: missing required field
>>> RECORD_OF["convergence-measurement"], RECORD_OF["cpwl-identity"]
('measurement', 'proof')
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import asdict, dataclass
from typing import Any, Callable

from ._common import (
    CertificateMalformed, CertificateRejected, FORMAT, MAX_BYTES, VERSION, check_envelope, field_path, load_json_file,
    parse_json_text,
)

__all__ = [
    "CHECKERS", "FORMAT", "MAX_BYTES", "RECORD_OF", "VERSION", "CertificateMalformed", "CertificateRejected", "Verdict",
    "check_envelope", "load_json_file", "parse_json_text", "verify_certificate", "verify_file",
]

VERIFIED = "VERIFIED"
NOT_VERIFIED = "NOT VERIFIED"
MALFORMED = "MALFORMED"
PROOF = "proof"
MEASUREMENT = "measurement"
# The verdict words of each record type: (accepted, not accepted).
_WORDS = {PROOF: ("VERIFIED", "NOT VERIFIED"), MEASUREMENT: ("REPRODUCED", "NOT REPRODUCED")}


def _discover_checkers() -> tuple[dict[str, Callable[[dict], str]], dict[str, str]]:
    """Import every kind module of this package; map its KIND to its verify function and record type.

    Import errors propagate on purpose: a broken checker must not silently disappear.
    """
    found: dict[str, Callable[[dict], str]] = {}
    records: dict[str, str] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_") or info.ispkg:
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        kind, verify = getattr(module, "KIND", None), getattr(module, "verify", None)
        if not isinstance(kind, str) or not callable(verify):
            continue  # a helper module, not a kind
        if kind in found:
            raise ImportError(f"two checker modules claim certificate kind {kind!r}")
        record = getattr(module, "RECORD", PROOF)
        if record not in _WORDS:
            raise ImportError(f"checker of {kind!r}: RECORD must be {PROOF!r} or {MEASUREMENT!r}, got {record!r}")
        found[kind] = verify
        records[kind] = record
    return found, records


#: CHECKERS: kind -> ``verify(cert) -> summary``; tests may add fake kinds with ``monkeypatch.setitem``.
#: RECORD_OF: kind -> ``"proof"`` or ``"measurement"`` (kinds missing here are proofs).
CHECKERS, RECORD_OF = _discover_checkers()


@dataclass(frozen=True)
class Verdict:
    """The outcome of checking one certificate.

    Attributes
    ----------
    status : str
        ``"VERIFIED"`` (the checker accepted it), ``"NOT VERIFIED"`` (the data does not prove,
        or reproduce, the claim) or ``"MALFORMED"`` (not a well-formed certificate).  The word
        printed depends on ``record``: see :attr:`word`.
    reason : str
        Why it is not verified (empty when verified); for malformed input
        ``"malformed: <field>: <message>"``.
    kind : str or None
        The certificate kind, when the envelope got that far.
    summary : str
        The checker's one-line summary (empty unless verified).
    field : str or None
        For malformed input, the path of the offending field.
    record : str
        ``"proof"`` or ``"measurement"`` (that of the kind; ``"proof"`` when the kind is unknown).

    Examples
    --------
    >>> Verdict("VERIFIED", "", "cpwl-identity", "12 leaves").line()
    's VERIFIED'
    >>> v = Verdict("NOT VERIFIED", "leaf 0.1 is not zero", "cpwl-identity", "")
    >>> v.line(), v.exit_code
    ('s NOT VERIFIED: leaf 0.1 is not zero', 1)
    >>> Verdict("VERIFIED", "", "convergence-measurement", "order 2", record="measurement").line()
    's REPRODUCED'
    """

    status: str
    reason: str
    kind: str | None = None
    summary: str = ""
    field: str | None = None
    record: str = PROOF

    @property
    def verified(self) -> bool:
        """True exactly when the status is ``"VERIFIED"``.

        Examples
        --------
        >>> Verdict("VERIFIED", "").verified
        True
        """
        return self.status == VERIFIED

    @property
    def word(self) -> str:
        """The verdict word: VERIFIED / NOT VERIFIED (proof), REPRODUCED / NOT REPRODUCED (measurement).

        Examples
        --------
        >>> Verdict("NOT VERIFIED", "off by 1/2", record="measurement").word
        'NOT REPRODUCED'
        """
        accepted, refused = _WORDS.get(self.record, _WORDS[PROOF])
        return accepted if self.status == VERIFIED else refused

    @property
    def exit_code(self) -> int:
        """0 verified, 1 not verified, 2 malformed.

        Examples
        --------
        >>> Verdict("MALFORMED", "malformed: data: missing", field="data").exit_code
        2
        """
        return {VERIFIED: 0, NOT_VERIFIED: 1}.get(self.status, 2)

    def line(self) -> str:
        """The verdict line: ``s <WORD>`` or ``s <WORD>: <reason>`` (see :attr:`word`).

        Examples
        --------
        >>> Verdict("MALFORMED", "malformed: version: unsupported", field="version").line()
        's NOT VERIFIED: malformed: version: unsupported'
        """
        return f"s {self.word}" if self.status == VERIFIED else f"s {self.word}: {self.reason}"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of the verdict, with its line.

        Examples
        --------
        >>> Verdict("VERIFIED", "", "k", "ok").to_dict()["line"]
        's VERIFIED'
        """
        return {**asdict(self), "word": self.word, "line": self.line()}


def _malformed(exc: CertificateMalformed, kind: str | None) -> Verdict:
    # RECORD_OF has no None key: an envelope that names no kind is read as a proof
    return Verdict(MALFORMED, f"malformed: {exc.field}: {exc.message}", kind, "", exc.field, RECORD_OF.get(kind, PROOF))


def _largest_number(cert: dict) -> str:
    """The path of the claim or data number with the most digits (where an overflow comes from)."""
    best, best_path = -1, "certificate"
    stack: list = [(cert.get("claim"), "claim"), (cert.get("data"), "data")]
    while stack:
        value, path = stack.pop()
        if isinstance(value, dict):
            stack.extend((child, field_path(path, key)) for key, child in value.items())
        elif isinstance(value, list):
            stack.extend((child, field_path(path, i)) for i, child in enumerate(value))
        elif isinstance(value, (int, str)) and not isinstance(value, bool):
            size = value.bit_length() if isinstance(value, int) else 4 * len(value)
            if size > best:
                best, best_path = size, path
    return best_path


def verify_certificate(cert: Any) -> Verdict:
    """Check a parsed certificate with the checker of its kind.

    Never raises for bad input: every outcome is a :class:`Verdict`.  A checker that
    crashes (a bug, or input it failed to validate) gives NOT VERIFIED, never VERIFIED.

    Parameters
    ----------
    cert : object
        The parsed JSON document.

    Returns
    -------
    Verdict

    Examples
    --------
    >>> cert = {"format": "lincomb-certificate", "version": 1, "kind": "no-such-kind",
    ...         "claim": {"statement": "s"}, "data": {},
    ...         "provenance": {"lincomb": "0.1.0", "solver": "none", "seconds": 0}}
    >>> print(verify_certificate(cert).line())
    s NOT VERIFIED: malformed: kind: unknown certificate kind 'no-such-kind'; known kinds: ...
    """
    try:
        kind = check_envelope(cert)
    except CertificateMalformed as exc:
        return _malformed(exc, None)
    checker = CHECKERS.get(kind)
    if checker is None:
        known = ", ".join(sorted(CHECKERS)) or "(none)"
        return Verdict(MALFORMED, f"malformed: kind: unknown certificate kind {kind!r}; known kinds: {known}", kind, "", "kind")
    record = RECORD_OF.get(kind, PROOF)
    try:
        summary = checker(cert)
    except CertificateMalformed as exc:
        return _malformed(exc, kind)
    except CertificateRejected as exc:
        return Verdict(NOT_VERIFIED, str(exc) or "rejected", kind, record=record)
    except OverflowError as exc:
        # Input-caused: a number too large for the float a measurement is compared in.
        where = _largest_number(cert)
        return Verdict(MALFORMED, f"malformed: {where}: number too large for this check ({exc})", kind, "", where, record)
    except Exception as exc:  # noqa: BLE001 - a crash must never read as success
        return Verdict(NOT_VERIFIED, f"checker crashed: {type(exc).__name__}: {exc}", kind, record=record)
    if not isinstance(summary, str):
        return Verdict(NOT_VERIFIED, f"checker for {kind!r} returned no summary string", kind, record=record)
    return Verdict(VERIFIED, "", kind, summary, record=record)


def verify_file(path: Any, max_bytes: int = MAX_BYTES) -> Verdict:
    """Read a certificate file and check it.

    Unreadable files, invalid or truncated JSON are MALFORMED, naming the file and the
    position of the JSON error.

    Parameters
    ----------
    path : str or os.PathLike
        A regular file (not a FIFO or device, also behind a link).
    max_bytes : int
        The largest file accepted; larger ones are MALFORMED with the size in the reason.

    Returns
    -------
    Verdict

    Examples
    --------
    >>> v = verify_file("no/such/file.json")
    >>> v.status, v.field
    ('MALFORMED', 'no/such/file.json')
    """
    try:
        cert = load_json_file(path, max_bytes)
    except CertificateMalformed as exc:
        return _malformed(exc, None)
    return verify_certificate(cert)
