"""Running registered checks in two steps: build the certificates, then verify them independently.

One contract for every check and every executor:

1. :func:`build_check` imports the check's module and calls its builder (``run(progress=None)``),
   which returns certificates (claim, data, provenance) and does nothing else.  The result is a
   :class:`BuiltCheck`: the certificates, or the SKIP/ERROR that ended the build (a missing
   dependency, an import error, an exception in the search).  This step may run anywhere: here,
   or as a Dask task on another machine (:mod:`lincomb.proofs_check.distributed_runner` is a thin
   executor over it).
2. :func:`verify_built` runs on this machine: it writes the certificates and verifies each with
   the standard-library checkers (:func:`lincomb.proofs_check.checkers.verify_file`).

:func:`run_check` is the two in a row; :func:`run_checks` runs a list of checks with any executor
and reports progress; :func:`report` formats the results as ``lincomb check`` prints them.

A check PASSes only when its builder returned at least one certificate and every one of them,
after a round trip through JSON, was accepted by its checker (``s VERIFIED`` for a proof,
``s REPRODUCED`` for a measurement).  Anything else is FAIL (a certificate was refused), SKIP (a
declared dependency is missing) or ERROR (the module is missing, or raised): never PASS.

Each check module ends with ::

    if __name__ == "__main__":
        main("max-tree-upper-bound")

so that ``python -m lincomb.proofs_check.max_tree`` prints what ``lincomb check
max-tree-upper-bound`` prints (without importing the command line).

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

import argparse
import importlib
import importlib.util
import json
import os
import socket
import sys
import time
import traceback
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from lincomb.errors import CertificateError, UsageError
from lincomb.proofs_check.checkers import (
    CertificateMalformed,
    Verdict,
    parse_json_text,
    verify_certificate,
    verify_file,
)
from lincomb.proofs_check.registry import Check

__all__ = [
    "STATUSES",
    "BuiltCheck",
    "CheckResult",
    "Executor",
    "build_check",
    "error_message",
    "local_executor",
    "main",
    "missing_modules",
    "report",
    "run_check",
    "run_checks",
    "verify_built",
]

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
    record : str
        ``"proof"`` or ``"measurement"``, from the registry row.

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
    record: str = "proof"

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
        ['certificates', 'id', 'message', 'record', 'seconds', 'status', 'usage_error', 'verdicts']
        """
        return {
            "id": self.id,
            "record": self.record,
            "status": self.status,
            "message": self.message,
            "seconds": round(self.seconds, 3),
            "certificates": list(self.certificate_paths),
            "verdicts": [v.to_dict() for v in self.verdicts],
            "usage_error": self.usage_error,
        }


@dataclass
class BuiltCheck:
    """What the build step of one check produced: its certificates, or the SKIP/ERROR that ended it.

    Attributes
    ----------
    id : str
        The check id.
    certificates : object
        What the builder returned (a list of certificate dicts when it worked); None with ``result``.
    result : CheckResult or None
        A final SKIP or ERROR (missing dependency, import error, exception in the search).
    seconds : float
        Wall time of the build.
    where : str
        ``HOST:PID`` of the process that built it.

    Examples
    --------
    >>> BuiltCheck("demo", [], None, 0.0, "here:1").finished
    False
    """

    id: str
    certificates: Any
    result: CheckResult | None
    seconds: float
    where: str

    @property
    def finished(self) -> bool:
        """True when the build already decided the outcome (SKIP or ERROR): nothing to verify.

        Examples
        --------
        >>> BuiltCheck("demo", None, CheckResult("demo", "SKIP", "needs torch", 0.0), 0.0, "h:1").finished
        True
        """
        return self.result is not None


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


def error_message(prefix: str, exc: BaseException) -> str:
    """One line for an ERROR: the exception's type, its first line and where it was raised.

    Examples
    --------
    >>> try:
    ...     {}["x"]
    ... except KeyError as exc:
    ...     error_message("in demo: ", exc)
    "in demo: KeyError: 'x'"
    """
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


def _host_and_pid() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _skip_reason(missing: list[str]) -> str:
    hints = sorted({_INSTALL_HINTS[name] for name in missing if name in _INSTALL_HINTS})
    hint = f" ({'; '.join(hints)})" if hints else ""
    noun = "is" if len(missing) == 1 else "are"
    return f"needs {', '.join(missing)}, which {noun} not installed{hint}"


def build_check(check: Check, progress: Progress | None = None) -> BuiltCheck:
    """Step 1: call the check's builder and return what it built (or why nothing was built).

    Never raises for a failing check (``KeyboardInterrupt`` propagates).  Safe to run in
    another process or on another machine: the result is picklable when the certificates are.

    Parameters
    ----------
    check : Check
        The registered check.
    progress : callable, optional
        Called with progress messages (strings); passed on to the builder, which may call it
        with any positional arguments.

    Returns
    -------
    BuiltCheck

    Examples
    --------
    >>> built = build_check(Check("demo-needs", "c", "s", "quick", ("surely_not_installed_xyz",), "m"))
    >>> built.result.status, built.certificates
    ('SKIP', None)
    >>> from lincomb.proofs_check.registry import get_check
    >>> built = build_check(get_check("max-two-hidden-published-n6"))
    >>> built.finished, built.certificates[0]["kind"]
    (False, 'max-representation')
    """
    start = time.perf_counter()

    def finished(status: str, message: str, usage_error: bool = False) -> BuiltCheck:
        seconds = time.perf_counter() - start
        result = CheckResult(check.id, status, message, seconds, usage_error=usage_error, record=check.record)
        return BuiltCheck(check.id, None, result, seconds, _host_and_pid())

    def say(*parts: Any, **_: Any) -> None:
        if progress is not None:
            progress(" ".join(str(part) for part in parts))

    missing = missing_modules(check.needs)
    if missing:
        return finished("SKIP", _skip_reason(missing))
    try:
        module = _import_check_module(check)
    except KeyboardInterrupt:
        raise
    except UsageError as exc:
        return finished("ERROR", error_message(f"cannot import {check.import_path}: ", exc), usage_error=True)
    except ModuleNotFoundError as exc:
        if exc.name != check.import_path:
            return finished("ERROR", error_message(f"cannot import {check.import_path}: ", exc))
        return finished(
            "ERROR",
            f"cannot import {check.import_path}: module not found "
            "(registered in proofs_check/registry.py but not written?)",
        )
    except BaseException as exc:  # noqa: BLE001 - a registered but unwritten module must not pass
        return finished("ERROR", error_message(f"cannot import {check.import_path}: ", exc))
    function = getattr(module, check.function, None)
    if not callable(function):
        return finished("ERROR", f"{check.import_path} has no function {check.function!r}")

    say("running", f"{check.import_path}.{check.function}")
    try:
        certificates = function(progress=say if progress is not None else None)
    except KeyboardInterrupt:
        raise
    except UsageError as exc:
        return finished("ERROR", error_message("", exc), usage_error=True)
    except BaseException as exc:  # noqa: BLE001 - SystemExit inside a check is an error too
        return finished("ERROR", error_message("", exc))
    # Builders need not know their check's id (the registry is the one place it lives): stamp it here.
    for cert in certificates if isinstance(certificates, (list, tuple)) else ():
        provenance = cert.get("provenance") if isinstance(cert, dict) else None
        if isinstance(provenance, dict) and provenance.get("check") is None:
            provenance["check"] = check.id
    return BuiltCheck(check.id, certificates, None, time.perf_counter() - start, _host_and_pid())


def verify_built(
    check: Check,
    built: BuiltCheck,
    out_dir: str | os.PathLike | None = None,
    progress: Progress | None = None,
) -> CheckResult:
    """Step 2 (always on this machine): write the built certificates and verify every one.

    Parameters
    ----------
    check : Check
        The registered check.
    built : BuiltCheck
        From :func:`build_check`, here or elsewhere.
    out_dir : str or os.PathLike, optional
        Where to write the certificates: ``out_dir/<id>.json`` for one certificate,
        ``out_dir/<id>/<i>.json`` for several.  Without it nothing is written (the
        certificates are still verified, from their JSON text).
    progress : callable, optional
        Called with progress messages (strings).

    Returns
    -------
    CheckResult
        Its ``seconds`` are the build time plus the verification time.

    Examples
    --------
    >>> from lincomb.proofs_check.registry import get_check
    >>> check = get_check("max-two-hidden-published-n6")
    >>> built = build_check(check)
    >>> verify_built(check, built).status
    'PASS'
    >>> built.certificates[0]["data"]["terms"][0]["coefficient"] = "1/721"    # tampered on the way
    >>> result = verify_built(check, built)
    >>> result.status, "NOT VERIFIED" in result.message
    ('FAIL', True)
    """
    if built.id != check.id:
        raise UsageError(f"verify_built: the built result is for {built.id!r}, not for {check.id!r}")
    if built.finished:
        return replace(built.result, seconds=built.seconds)
    start = time.perf_counter()

    def result(status: str, message: str, **extra: Any) -> CheckResult:
        seconds = built.seconds + time.perf_counter() - start
        return CheckResult(check.id, status, message, seconds, record=check.record, **extra)

    def say(message: str) -> None:
        if progress is not None:
            progress(message)

    certificates = built.certificates
    if not isinstance(certificates, (list, tuple)) or not all(isinstance(cert, dict) for cert in certificates):
        return result(
            "ERROR",
            f"{check.function}() must return a list of certificate dicts, got {type(certificates).__name__}",
        )
    if not certificates:
        return result("FAIL", f"{check.function}() returned no certificates: nothing was proved")

    paths: list[str] = []
    verdicts: list[Verdict] = []
    try:
        if out_dir is not None:
            # Local import: certificate.py needs lincomb's version, not needed when nothing is written.
            from lincomb.proofs_check.certificate import write_certificate

            targets = _certificate_targets(check.id, len(certificates), Path(out_dir))
            for cert, target in zip(certificates, targets):
                paths.append(str(write_certificate(cert, target)))
            say(f"wrote {len(paths)} certificate(s); verifying")
            verdicts = [verify_file(path) for path in paths]
        else:
            say(f"verifying {len(certificates)} certificate(s)")
            verdicts = [_round_trip_verdict(cert, f"certificate {i}") for i, cert in enumerate(certificates)]
    except KeyboardInterrupt:
        raise
    except (CertificateError, OSError) as exc:
        return result("ERROR", error_message("", exc), certificate_paths=paths)

    for i, verdict in enumerate(verdicts):
        if not verdict.verified:
            where = paths[i] if paths else f"certificate {i}"
            return result(
                "FAIL",
                f"{where} ({i + 1} of {len(verdicts)}): {verdict.line()}",
                certificate_paths=paths,
                verdicts=verdicts,
            )
    word = verdicts[0].word.lower()  # "verified" for a proof, "reproduced" for a measurement
    if len(verdicts) == 1:
        message = f"{word}: {verdicts[0].summary}" if verdicts[0].summary else word
    else:
        message = f"{len(verdicts)} certificates {word}"
    return result("PASS", message, certificate_paths=paths, verdicts=verdicts)


def run_check(
    check: Check,
    out_dir: str | os.PathLike | None = None,
    progress: Progress | None = None,
) -> CheckResult:
    """Run one registered check here: :func:`build_check`, then :func:`verify_built`.

    Parameters
    ----------
    check : Check
        The registered check.
    out_dir : str or os.PathLike, optional
        Where to write the certificates (see :func:`verify_built`).
    progress : callable, optional
        Called with progress messages (strings).

    Returns
    -------
    CheckResult
        Never raises for a failing check; ``KeyboardInterrupt`` propagates.

    Examples
    --------
    >>> r = run_check(Check("demo-needs", "c", "s", "quick", ("surely_not_installed_xyz",), "m"))
    >>> r.status, r.message
    ('SKIP', 'needs surely_not_installed_xyz, which is not installed')
    """
    return verify_built(check, build_check(check, progress), out_dir, progress)


#: An executor runs the build step of each check and yields ``(check, built)`` pairs, in any
#: order, exactly one per check; ``say(check, message)`` reports progress.
Executor = Callable[[list, Callable[[Check, str], None]], Iterator[tuple[Check, BuiltCheck]]]


def local_executor(checks: list, say: Callable[[Check, str], None]) -> Iterator[tuple[Check, BuiltCheck]]:
    """The default executor: build each check here, one after the other.

    Examples
    --------
    >>> check = Check("demo-needs", "c", "s", "quick", ("surely_not_installed_xyz",), "m")
    >>> [built.result.status for _, built in local_executor([check], lambda c, m: None)]
    ['SKIP']
    """
    for check in checks:
        yield check, build_check(check, lambda message, check=check: say(check, message))


def run_checks(
    checks: Iterable[Check],
    out_dir: str | os.PathLike | None = None,
    progress: Progress | None = None,
    executor: Executor | None = None,
) -> list[CheckResult]:
    """Run checks: the executor builds, this machine verifies; one result per check, in order.

    Parameters
    ----------
    checks : iterable of Check
        Each id at most once.
    out_dir : str or os.PathLike, optional
        Where certificates are written (see :func:`verify_built`).
    progress : callable, optional
        Receives lines ``[i/N] ID: message``.
    executor : callable, optional
        Where the build steps run (see :data:`Executor`); default :func:`local_executor`.
        :func:`lincomb.proofs_check.distributed_runner.dask_executor` runs them as Dask tasks.

    Returns
    -------
    list of CheckResult

    Examples
    --------
    >>> from lincomb.proofs_check.registry import get_check
    >>> lines = []
    >>> results = run_checks([get_check("max-two-hidden-published-n6")], progress=lines.append)
    >>> results[0].status, lines[-1].startswith("[1/1] max-two-hidden-published-n6: PASS")
    ('PASS', True)
    """
    checks = list(checks)
    ids = [check.id for check in checks]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise UsageError(f"run_checks: each check once, please; repeated: {', '.join(duplicates)}")
    number_of = {check.id: number for number, check in enumerate(checks, 1)}

    def say(check: Check, message: str) -> None:
        if progress is not None:
            progress(f"[{number_of[check.id]}/{len(checks)}] {check.id}: {message}")

    results: dict[str, CheckResult] = {}
    for check, built in (executor or local_executor)(checks, say):
        if check.id in results:  # an executor that yields twice must not make two results
            continue
        result = verify_built(check, built, out_dir, lambda message, check=check: say(check, message))
        say(check, f"{result.status} ({result.seconds:.2f} s)")
        results[check.id] = result
    for check in checks:  # an executor that lost one: say so rather than dropping it
        if check.id not in results:
            results[check.id] = CheckResult(check.id, "ERROR", "no result came back from the executor", 0.0,
                                            record=check.record)
    return [results[i] for i in ids]


def exit_code_of(results: list[CheckResult], strict: bool = False) -> int:
    """2 after a usage error, 1 after a FAIL or ERROR (or a SKIP with ``strict``), else 0.

    Examples
    --------
    >>> exit_code_of([CheckResult("a", "PASS", "", 0.0), CheckResult("b", "SKIP", "", 0.0)], strict=True)
    1
    """
    if any(r.usage_error for r in results):
        return 2
    if any(r.status in ("FAIL", "ERROR") for r in results):
        return 1
    if strict and any(r.status == "SKIP" for r in results):
        return 1
    return 0


def _certificate_column(paths: list[str]) -> str:
    if not paths:
        return "-"
    if len(paths) == 1:
        return paths[0]
    return f"{Path(paths[0]).parent}/ ({len(paths)} files)"


def _table(rows: list[list[str]], header: list[str]) -> list[str]:
    """Left-aligned columns; the last column is not padded."""
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header) - 1)]
    return [
        "  ".join([cell.ljust(width) for cell, width in zip(row, widths)] + [row[-1]]).rstrip()
        for row in [header, *rows]
    ]


def report(results: list[CheckResult], seconds: float, *, strict: bool = False, as_json: bool = False,
           version: str = "") -> tuple[str, int]:
    """The report of ``lincomb check`` (a table and a summary line, or JSON) and its exit code.

    Parameters
    ----------
    results : list of CheckResult
    seconds : float
        Total wall time.
    strict : bool
        Count SKIP as a failure.
    as_json : bool
        A JSON document instead of the table.
    version : str
        lincomb's version, for the JSON document.

    Returns
    -------
    (str, int)

    Examples
    --------
    >>> text, code = report([CheckResult("demo", "PASS", "verified", 0.5)], 0.5)
    >>> print(text)
    ID    RECORD  STATUS  SECONDS  CERTIFICATE  MESSAGE
    demo  proof   PASS    0.50     -            verified
    1 passed, 0 failed, 0 skipped, 0 errors in 0.50 s
    >>> code
    0
    """
    counts = {status: sum(r.status == status for r in results) for status in STATUSES}
    exit_code = exit_code_of(results, strict)
    if as_json:
        document = {
            "lincomb": version,
            "results": [r.to_dict() for r in results],
            "summary": {
                "passed": counts["PASS"],
                "failed": counts["FAIL"],
                "skipped": counts["SKIP"],
                "errors": counts["ERROR"],
                "seconds": round(seconds, 3),
                "strict": strict,
            },
            "exit_code": exit_code,
        }
        return json.dumps(document, indent=2), exit_code
    rows = [
        [r.id, r.record, r.status, f"{r.seconds:.2f}", _certificate_column(r.certificate_paths), r.message]
        for r in results
    ]
    lines = _table(rows, ["ID", "RECORD", "STATUS", "SECONDS", "CERTIFICATE", "MESSAGE"])
    summary = (
        f"{counts['PASS']} passed, {counts['FAIL']} failed, {counts['SKIP']} skipped, "
        f"{counts['ERROR']} errors in {seconds:.2f} s"
    )
    if strict and counts["SKIP"]:
        summary += " (--strict: skipped checks count as failures)"
    return "\n".join([*lines, summary]), exit_code


def _lincomb_version() -> str:
    import lincomb

    return lincomb.__version__


def _checks_of_main_module() -> list[Check]:
    from lincomb.proofs_check.registry import CHECKS

    spec = getattr(sys.modules.get("__main__"), "__spec__", None)
    name = getattr(spec, "name", None)
    return [check for check in CHECKS if check.import_path == name]


def main(check_id: str | None = None, argv: list[str] | None = None) -> None:
    """Run a check from its own module and exit with ``lincomb check``'s exit code.

    Use at the end of a check module::

        if __name__ == "__main__":
            main()

    Without ``check_id`` the registry says which checks the running module builds: with one,
    it runs; with several, the first argument names one (``python -m
    lincomb.proofs_check.hbdss_mip hbdss-mip-n4``).  Accepts ``--out DIR``, ``--json`` and
    ``--strict`` as ``lincomb check`` does; progress goes to stderr, the report to stdout.  Does
    not import the command line.

    Examples
    --------
    >>> try:
    ...     main("no-such-check", [])
    ... except SystemExit as stop:
    ...     stop.code
    2
    """
    from lincomb.proofs_check.registry import get_check

    argv = sys.argv[1:] if argv is None else list(argv)
    if check_id is None:
        own = _checks_of_main_module()
        if argv and argv[0] in {check.id for check in own}:
            check_id = argv.pop(0)
        elif len(own) == 1:
            check_id = own[0].id
        else:
            ids = ", ".join(check.id for check in own) or "(none registered for this module)"
            print(f"lincomb: error: name the check to run first; this module builds: {ids}", file=sys.stderr)
            sys.exit(2)
    parser = argparse.ArgumentParser(prog=f"python -m {__package__}.<module> [ID]",
                                     description=f"run the registered check {check_id}")
    parser.add_argument("--json", action="store_true", help="print a JSON report")
    parser.add_argument("--strict", action="store_true", help="count SKIP as a failure")
    parser.add_argument("--out", default="lincomb-out", metavar="DIR", help="where certificates are written")
    args = parser.parse_args(argv)
    try:
        check = get_check(check_id)
    except UsageError as exc:
        print(f"lincomb: error: {exc}", file=sys.stderr)
        sys.exit(2)
    start = time.perf_counter()
    results = run_checks([check], args.out, lambda line: print(line, file=sys.stderr, flush=True))
    text, exit_code = report(results, time.perf_counter() - start, strict=args.strict, as_json=args.json,
                             version=_lincomb_version())
    print(text)
    sys.exit(exit_code)
