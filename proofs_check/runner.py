"""Running a registered check: build its certificates, write them, verify them independently.

A check PASSes only when its function returned at least one certificate and every one of
them, after a round trip through JSON, was VERIFIED by the standard-library checkers.
Anything else is FAIL (a certificate did not verify), SKIP (a declared dependency is
missing) or ERROR (the module is missing, or raised): never PASS.

Each check module ends with ::

    if __name__ == "__main__":
        main("max-tree-upper-bound")

so that ``python -m lincomb.proofs_check.max_tree`` prints exactly what
``lincomb check max-tree-upper-bound`` prints.

Examples
--------
>>> from lincomb.proofs_check.registry import Check
>>> result = run_check(Check("demo-missing", "c", "s", "quick", (), "no_such_module"))
>>> result.status
'ERROR'
>>> result.message
'cannot import lincomb.proofs_check.no_such_module: module not found (registered in ...)'
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from lincomb.errors import CertificateError, UsageError
from lincomb.proofs_check.checkers import Verdict, verify_certificate, verify_file
from lincomb.proofs_check.checkers._common import CertificateMalformed, parse_json_text
from lincomb.proofs_check.registry import Check

__all__ = ["CheckResult", "run_check", "missing_modules", "main", "STATUSES"]

STATUSES = ("PASS", "FAIL", "SKIP", "ERROR")

# module -> what to install, for the SKIP message
_INSTALL_HINTS = {
    "torch": 'pip install "lincomb[learn]"',
    "scipy": 'pip install "lincomb[learn]"',
    "sklearn": 'pip install "lincomb[learn]"',
    "matplotlib": 'pip install "lincomb[learn]"',
    "pysindy": 'pip install "lincomb[bench]"',
}

Progress = Callable[..., None]


@dataclass
class CheckResult:
    """The outcome of one check.

    Attributes
    ----------
    id : str
        The check id.
    status : str
        ``"PASS"``, ``"FAIL"``, ``"SKIP"`` or ``"ERROR"``.
    message : str
        One line: the summary, the failed verdict, the skip reason or the error.
    seconds : float
        Wall time of building, writing and verifying.
    certificate_paths : list of str
        Files written (empty without ``out_dir``).
    verdicts : list of Verdict
        One per certificate, in order.
    usage_error : bool
        True when the check raised a :class:`lincomb.errors.UsageError` (exit code 2).

    Examples
    --------
    >>> r = CheckResult("demo", "SKIP", "needs torch", 0.0)
    >>> r.passed, r.to_dict()["status"]
    (False, 'SKIP')
    """

    id: str
    status: str
    message: str
    seconds: float
    certificate_paths: list[str] = field(default_factory=list)
    verdicts: list[Verdict] = field(default_factory=list)
    usage_error: bool = False

    @property
    def passed(self) -> bool:
        """True exactly for PASS.

        Examples
        --------
        >>> CheckResult("demo", "PASS", "ok", 0.1).passed
        True
        """
        return self.status == "PASS"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict, verdicts included.

        Examples
        --------
        >>> sorted(CheckResult("demo", "PASS", "ok", 0.1).to_dict())
        ['certificates', 'id', 'message', 'seconds', 'status', 'usage_error', 'verdicts']
        """
        return {
            "id": self.id,
            "status": self.status,
            "message": self.message,
            "seconds": round(self.seconds, 3),
            "certificates": list(self.certificate_paths),
            "verdicts": [v.to_dict() for v in self.verdicts],
            "usage_error": self.usage_error,
        }


def missing_modules(names: tuple[str, ...] | list[str]) -> list[str]:
    """The names among ``names`` that cannot be imported (found without importing them).

    Examples
    --------
    >>> missing_modules(("json", "surely_not_installed_module_xyz"))
    ['surely_not_installed_module_xyz']
    """
    missing = []
    for name in names:
        try:
            found = importlib.util.find_spec(name) is not None
        except (ImportError, ValueError):  # a missing parent package, or a bad name
            found = False
        if not found:
            missing.append(name)
    return missing


def _import_check_module(check: Check) -> Any:
    # Under ``python -m lincomb.proofs_check.max_tree`` the module already runs as __main__;
    # importing it again would execute its top level twice.
    main_module = sys.modules.get("__main__")
    spec = getattr(main_module, "__spec__", None)
    if spec is not None and spec.name == check.import_path:
        return main_module
    return importlib.import_module(check.import_path)


def _where(exc: BaseException) -> str:
    """``file:line`` of the innermost frame of an exception, to make ERROR lines actionable."""
    # Frames of the import machinery say nothing about where the problem is.
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if not f.filename.startswith("<")]
    if not frames:
        return ""
    last = frames[-1]
    return f" (at {Path(last.filename).name}:{last.lineno})"


def _error_message(prefix: str, exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{prefix}{type(exc).__name__}: {text}{_where(exc)}".rstrip()


def _certificate_targets(check_id: str, count: int, out_dir: Path) -> list[Path]:
    """``out_dir/<id>.json`` for one certificate, ``out_dir/<id>/<i>.json`` for several.

    Stale files of an earlier run of the same check are removed first, so the folder never
    mixes certificates of two runs.
    """
    single = out_dir / f"{check_id}.json"
    folder = out_dir / check_id
    if single.exists():
        single.unlink()
    if folder.is_dir():
        for old in folder.glob("*.json"):
            if old.stem.isdigit():
                old.unlink()
    if count == 1:
        return [single]
    return [folder / f"{i}.json" for i in range(count)]


def _round_trip_verdict(cert: dict, label: str) -> Verdict:
    """Verify the JSON text of a certificate, exactly what a written file would hold."""
    try:
        text = json.dumps(cert, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise CertificateError(
            f"{label} is not plain JSON ({exc}); write rationals with rational_str()"
        ) from None
    try:
        parsed = parse_json_text(text, label)
    except CertificateMalformed as exc:
        return Verdict("MALFORMED", f"malformed: {exc.field}: {exc.message}", None, "", exc.field)
    return verify_certificate(parsed)


def run_check(
    check: Check,
    out_dir: str | os.PathLike | None = None,
    progress: Progress | None = None,
) -> CheckResult:
    """Run one registered check and verify every certificate it returns.

    Parameters
    ----------
    check : Check
        The registered check.
    out_dir : str or os.PathLike, optional
        Where to write the certificates: ``out_dir/<id>.json`` for one certificate,
        ``out_dir/<id>/<i>.json`` for several.  Without it nothing is written (the
        certificates are still verified, from their JSON text).
    progress : callable, optional
        Called with progress messages (strings).  Passed on to the check function, which
        may call it with any positional arguments.

    Returns
    -------
    CheckResult
        Never raises for a failing check; ``KeyboardInterrupt`` propagates.

    Examples
    --------
    >>> from lincomb.proofs_check.registry import Check
    >>> r = run_check(Check("demo-needs", "c", "s", "quick", ("surely_not_installed_xyz",), "m"))
    >>> r.status, r.message
    ('SKIP', 'needs surely_not_installed_xyz, which is not installed')
    """
    start = time.perf_counter()

    def result(status: str, message: str, **extra: Any) -> CheckResult:
        return CheckResult(check.id, status, message, time.perf_counter() - start, **extra)

    def report(*parts: Any, **_: Any) -> None:
        if progress is not None:
            progress(" ".join(str(part) for part in parts))

    missing = missing_modules(check.needs)
    if missing:
        hints = sorted({_INSTALL_HINTS[name] for name in missing if name in _INSTALL_HINTS})
        hint = f" ({'; '.join(hints)})" if hints else ""
        noun = "is" if len(missing) == 1 else "are"
        return result("SKIP", f"needs {', '.join(missing)}, which {noun} not installed{hint}")

    try:
        module = _import_check_module(check)
    except KeyboardInterrupt:
        raise
    except UsageError as exc:
        return result(
            "ERROR", _error_message(f"cannot import {check.import_path}: ", exc), usage_error=True
        )
    except ModuleNotFoundError as exc:
        if exc.name != check.import_path:
            return result("ERROR", _error_message(f"cannot import {check.import_path}: ", exc))
        return result(
            "ERROR",
            f"cannot import {check.import_path}: module not found "
            "(registered in proofs_check/registry.py but not written?)",
        )
    except BaseException as exc:  # noqa: BLE001 - a registered but unwritten module must not pass
        return result("ERROR", _error_message(f"cannot import {check.import_path}: ", exc))
    function = getattr(module, check.function, None)
    if not callable(function):
        return result("ERROR", f"{check.import_path} has no function {check.function!r}")

    report("running", f"{check.import_path}.{check.function}")
    try:
        certificates = function(progress=report if progress is not None else None)
    except KeyboardInterrupt:
        raise
    except UsageError as exc:
        return result("ERROR", _error_message("", exc), usage_error=True)
    except BaseException as exc:  # noqa: BLE001 - SystemExit inside a check is an error too
        return result("ERROR", _error_message("", exc))

    if not isinstance(certificates, (list, tuple)) or not all(
        isinstance(cert, dict) for cert in certificates
    ):
        return result(
            "ERROR",
            f"{check.function}() must return a list of certificate dicts, "
            f"got {type(certificates).__name__}",
        )
    if not certificates:
        return result("FAIL", f"{check.function}() returned no certificates: nothing was proved")

    paths: list[str] = []
    verdicts: list[Verdict] = []
    try:
        if out_dir is not None:
            # Local import: certificate.py imports lincomb.__version__ machinery, not needed
            # when nothing is written.
            from lincomb.proofs_check.certificate import write_certificate

            targets = _certificate_targets(check.id, len(certificates), Path(out_dir))
            for cert, target in zip(certificates, targets):
                paths.append(str(write_certificate(cert, target)))
            report(f"wrote {len(paths)} certificate(s); verifying")
            verdicts = [verify_file(path) for path in paths]
        else:
            report(f"verifying {len(certificates)} certificate(s)")
            verdicts = [
                _round_trip_verdict(cert, f"certificate {i}") for i, cert in enumerate(certificates)
            ]
    except KeyboardInterrupt:
        raise
    except (CertificateError, OSError) as exc:
        return result("ERROR", _error_message("", exc), certificate_paths=paths)

    for i, verdict in enumerate(verdicts):
        if not verdict.verified:
            where = paths[i] if paths else f"certificate {i}"
            return result(
                "FAIL",
                f"{where} ({i + 1} of {len(verdicts)}): {verdict.line()}",
                certificate_paths=paths,
                verdicts=verdicts,
            )
    if len(verdicts) == 1:
        message = f"verified: {verdicts[0].summary}" if verdicts[0].summary else "verified"
    else:
        message = f"{len(verdicts)} certificates verified"
    return result("PASS", message, certificate_paths=paths, verdicts=verdicts)


def main(check_id: str, argv: list[str] | None = None) -> None:
    """Run one check from its own module, exactly as ``lincomb check ID`` would.

    Use at the end of a check module::

        if __name__ == "__main__":
            main("max-tree-upper-bound")

    Command-line arguments (``--json``, ``--out DIR``, ...) are passed on.  Exits the
    process with the command line's exit code.

    Examples
    --------
    >>> try:
    ...     main("no-such-check", [])
    ... except SystemExit as stop:
    ...     stop.code
    2
    """
    from lincomb.cli import main as cli_main

    args = sys.argv[1:] if argv is None else list(argv)
    sys.exit(cli_main(["check", check_id, *args]))
