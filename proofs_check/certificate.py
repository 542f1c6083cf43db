"""Building, writing and reading certificates (the producer side).

The checkers in :mod:`lincomb.proofs_check.checkers` read what these functions write; see
``docs/certificates.md`` for the contract.  Rationals are written as strings ``"p/q"`` or
``"p"`` by :func:`rational_str`; nothing in a certificate is a float except the informative
``provenance.seconds``.

Examples
--------
>>> cert = make_certificate("demo", {"statement": "0 = 0"}, {"value": rational_str(0)},
...                         solver="hand", seconds=0.0, check="demo-check")
>>> cert["format"], cert["version"], cert["provenance"]["check"]
('lincomb-certificate', 1, 'demo-check')
"""

from __future__ import annotations

import json
import os
import platform
import uuid
from datetime import datetime, timezone
from pathlib import Path

from lincomb.errors import CertificateError
from lincomb.proofs_check.checkers import (
    FORMAT,
    VERSION,
    CertificateMalformed,
    check_envelope,
    load_json_file,
)
from lincomb.theory.rationals import rational_str  # re-exported: the one formatter of "p/q" strings

__all__ = ["make_certificate", "write_certificate", "load_certificate", "rational_str"]

_ENVELOPE_ORDER = ("format", "version", "kind", "claim", "data", "provenance")
# Above this size (characters of compact JSON) certificates are written without indentation:
# nobody reads them by eye, and indentation can double the file.
_INDENT_LIMIT = 200_000


def _lincomb_version() -> str:
    import lincomb

    return lincomb.__version__


def make_certificate(
    kind: str,
    claim: dict,
    data: dict,
    *,
    solver: str,
    seconds: float,
    check: str | None = None,
    seed: int | None = None,
) -> dict:
    """Wrap a claim and its proof data in the versioned certificate envelope.

    Parameters
    ----------
    kind : str
        The certificate kind, e.g. ``"cpwl-identity"``; a checker for it must exist.
    claim : dict
        What is proved; must contain ``statement`` (a sentence for humans) beside the
        structured fields that the checker proves.
    data : dict
        The proof data (rationals as strings, see :func:`rational_str`).
    solver : str
        What found the proof (informative), e.g. ``"lincomb.theory.identity"``.
    seconds : float
        How long finding it took (informative).
    check : str, optional
        Id of the registered check that produced it.
    seed : int, optional
        Random seed, when the search was randomised.

    Returns
    -------
    dict
        ``{"format", "version", "kind", "claim", "data", "provenance"}`` with provenance
        ``lincomb`` (version), ``solver``, ``seconds``, ``created`` (ISO UTC time), ``check``,
        ``seed`` and ``python`` (version).

    Raises
    ------
    lincomb.errors.CertificateError
        When the arguments do not make a well-formed envelope.

    Examples
    --------
    >>> cert = make_certificate("demo", {"statement": "1 = 1"}, {}, solver="hand", seconds=0.5)
    >>> sorted(cert["provenance"])
    ['check', 'created', 'lincomb', 'python', 'seconds', 'seed', 'solver']
    >>> make_certificate("demo", {}, {}, solver="hand", seconds=0)
    Traceback (most recent call last):
    ...
    lincomb.errors.CertificateError: cannot build a 'demo' certificate: claim.statement: missing required field
    """
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise CertificateError(f"seconds must be a number, got {type(seconds).__name__}")
    cert = {
        "format": FORMAT,
        "version": VERSION,
        "kind": kind,
        "claim": claim,
        "data": data,
        "provenance": {
            "lincomb": _lincomb_version(),
            "solver": solver,
            "seconds": round(float(seconds), 6),
            "created": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "check": check,
            "seed": seed,
            "python": platform.python_version(),
        },
    }
    try:
        check_envelope(cert)
    except CertificateMalformed as exc:
        raise CertificateError(f"cannot build a {kind!r} certificate: {exc}") from None
    return cert


def write_certificate(cert: dict, path: str | os.PathLike) -> Path:
    """Write a certificate as JSON (parent folders are created; the write is atomic).

    The envelope keys come in their canonical order, nested keys in the order the producer
    built them, so that the same certificate always gives the same file.  Small certificates
    are indented for reading, large ones are compact.

    Parameters
    ----------
    cert : dict
        A certificate from :func:`make_certificate`.
    path : str or os.PathLike
        Destination file.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    lincomb.errors.CertificateError
        When the certificate is not JSON-serialisable (e.g. contains a ``Fraction``:
        format it with :func:`rational_str`) or contains NaN/infinity.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> cert = make_certificate("demo", {"statement": "1 = 1"}, {"x": "1/2"},
    ...                         solver="hand", seconds=0)
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     written = write_certificate(cert, pathlib.Path(tmp) / "sub" / "c.json")
    ...     load_certificate(written) == cert
    True
    """
    ordered = {key: cert[key] for key in _ENVELOPE_ORDER if key in cert}
    ordered.update((key, value) for key, value in cert.items() if key not in ordered)
    try:
        text = json.dumps(ordered, allow_nan=False, separators=(",", ":"))
        if len(text) < _INDENT_LIMIT:
            text = json.dumps(ordered, allow_nan=False, indent=1)
    except (TypeError, ValueError) as exc:
        raise CertificateError(
            f"certificate is not plain JSON ({exc}); write rationals with rational_str()"
        ) from None
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    # Write to a temporary file and rename, so an interrupted run never leaves a truncated
    # certificate that looks like a real one.  Created with mode 0666 less the umask (0644 usually), as
    # open() would: mkstemp's 0600 would hide certificates from everyone else.
    tmp_name = str(target.parent / f".{target.name}.{uuid.uuid4().hex}.tmp")
    fd = os.open(tmp_name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.write("\n")
        os.replace(tmp_name, target)
    except BaseException:
        if os.path.exists(tmp_name):
            os.remove(tmp_name)
        raise
    return target


def load_certificate(path: str | os.PathLike) -> dict:
    """Read a certificate file and validate its envelope (not the proof).

    Parameters
    ----------
    path : str or os.PathLike

    Returns
    -------
    dict

    Raises
    ------
    lincomb.proofs_check.checkers.CertificateMalformed
        When the file is not JSON or the envelope is not well formed; ``field`` says where.

    Examples
    --------
    >>> import os, tempfile
    >>> fd, name = tempfile.mkstemp(suffix=".json"); os.close(fd)
    >>> _ = write_certificate(make_certificate("demo", {"statement": "s"}, {},
    ...                                        solver="hand", seconds=0), name)
    >>> load_certificate(name)["kind"]
    'demo'
    >>> os.remove(name)

    To check the proof as well, use :func:`lincomb.proofs_check.checkers.verify_file`.
    """
    cert = load_json_file(path)
    check_envelope(cert)
    return cert
