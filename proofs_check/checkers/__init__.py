"""The independent certificate checkers: one module per certificate kind.

STANDARD LIBRARY ONLY (a test enforces it).  These modules re-validate, in exact rational
arithmetic, what lincomb's search code found; they never search themselves.

Each kind module (a non-underscore module in this package) defines

* ``KIND``: the certificate kind it reads, e.g. ``"cpwl-identity"``;
* ``verify(cert: dict) -> str``: returns a one-line summary when the certificate proves its
  claim, raises :class:`CertificateMalformed` or :class:`CertificateRejected` otherwise.

:data:`CHECKERS` maps each kind to its ``verify``; :func:`verify_certificate` and
:func:`verify_file` turn any outcome into a :class:`Verdict` with one verdict line.

Examples
--------
>>> verdict = verify_certificate({"format": "lincomb-certificate", "version": 1})
>>> verdict.status, verdict.exit_code
('MALFORMED', 2)
>>> print(verdict.line())
s NOT VERIFIED: malformed: kind: missing required field
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from typing import Any, Callable

from ._common import (
    CertificateMalformed,
    CertificateRejected,
    check_envelope,
    load_json_file,
)

__all__ = [
    "CHECKERS",
    "CertificateMalformed",
    "CertificateRejected",
    "Verdict",
    "verify_certificate",
    "verify_file",
]

VERIFIED = "VERIFIED"
NOT_VERIFIED = "NOT VERIFIED"
MALFORMED = "MALFORMED"


def _discover_checkers() -> dict[str, Callable[[dict], str]]:
    """Import every kind module of this package and map its KIND to its verify function.

    Import errors propagate on purpose: a broken checker must not silently disappear.
    """
    found: dict[str, Callable[[dict], str]] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_") or info.ispkg:
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        kind = getattr(module, "KIND", None)
        verify = getattr(module, "verify", None)
        if not isinstance(kind, str) or not callable(verify):
            continue  # a helper module, not a kind
        if kind in found:
            raise ImportError(f"two checker modules claim certificate kind {kind!r}")
        found[kind] = verify
    return found


#: kind -> ``verify(cert) -> summary``; tests may add fake kinds with ``monkeypatch.setitem``.
CHECKERS: dict[str, Callable[[dict], str]] = _discover_checkers()


@dataclass(frozen=True)
class Verdict:
    """The outcome of checking one certificate.

    Attributes
    ----------
    status : str
        ``"VERIFIED"``, ``"NOT VERIFIED"`` (the data does not prove the claim) or
        ``"MALFORMED"`` (not a well-formed certificate).
    reason : str
        Why it is not verified (empty when verified); for malformed input
        ``"malformed: <field>: <message>"``.
    kind : str or None
        The certificate kind, when the envelope got that far.
    summary : str
        The checker's one-line summary (empty unless verified).
    field : str or None
        For malformed input, the path of the offending field.

    Examples
    --------
    >>> Verdict("VERIFIED", "", "cpwl-identity", "12 leaves").line()
    's VERIFIED'
    >>> v = Verdict("NOT VERIFIED", "leaf 0.1 is not zero", "cpwl-identity", "")
    >>> v.line(), v.exit_code
    ('s NOT VERIFIED: leaf 0.1 is not zero', 1)
    """

    status: str
    reason: str
    kind: str | None = None
    summary: str = ""
    field: str | None = None

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
    def exit_code(self) -> int:
        """0 verified, 1 not verified, 2 malformed.

        Examples
        --------
        >>> Verdict("MALFORMED", "malformed: data: missing", field="data").exit_code
        2
        """
        return {VERIFIED: 0, NOT_VERIFIED: 1}.get(self.status, 2)

    def line(self) -> str:
        """The verdict line: ``s VERIFIED`` or ``s NOT VERIFIED: <reason>``.

        Examples
        --------
        >>> Verdict("MALFORMED", "malformed: version: unsupported", field="version").line()
        's NOT VERIFIED: malformed: version: unsupported'
        """
        if self.status == VERIFIED:
            return "s VERIFIED"
        return f"s NOT VERIFIED: {self.reason}"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of the verdict, with its line.

        Examples
        --------
        >>> Verdict("VERIFIED", "", "k", "ok").to_dict()["line"]
        's VERIFIED'
        """
        return {
            "status": self.status,
            "reason": self.reason,
            "kind": self.kind,
            "summary": self.summary,
            "field": self.field,
            "line": self.line(),
        }


def _malformed(exc: CertificateMalformed, kind: str | None) -> Verdict:
    return Verdict(MALFORMED, f"malformed: {exc.field}: {exc.message}", kind, "", exc.field)


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
        return Verdict(
            MALFORMED,
            f"malformed: kind: unknown certificate kind {kind!r}; known kinds: {known}",
            kind,
            "",
            "kind",
        )
    try:
        summary = checker(cert)
    except CertificateMalformed as exc:
        return _malformed(exc, kind)
    except CertificateRejected as exc:
        return Verdict(NOT_VERIFIED, str(exc) or "rejected", kind)
    except Exception as exc:  # noqa: BLE001 - a crash must never read as success
        return Verdict(NOT_VERIFIED, f"checker crashed: {type(exc).__name__}: {exc}", kind)
    if not isinstance(summary, str):
        return Verdict(NOT_VERIFIED, f"checker for {kind!r} returned no summary string", kind)
    return Verdict(VERIFIED, "", kind, summary)


def verify_file(path: Any) -> Verdict:
    """Read a certificate file and check it.

    Unreadable files, invalid or truncated JSON are MALFORMED, naming the file and the
    position of the JSON error.

    Parameters
    ----------
    path : str or os.PathLike

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
        cert = load_json_file(path)
    except CertificateMalformed as exc:
        return _malformed(exc, None)
    return verify_certificate(cert)
