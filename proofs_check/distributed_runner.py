"""Registered checks as Dask tasks: workers build the certificates, the client verifies every one itself.

The split follows the de Bruijn principle across machines. A worker runs the check's search
(:func:`build_check`) and sends back what it returned; the client then passes those certificates through
exactly the code of a local run -- :func:`lincomb.proofs_check.runner.run_check`, which writes them and
verifies each with the standard-library checkers -- so a check is PASS only when *this* machine verified
it, and the results and files are the same as without Dask.

Tasks are keyed by check id. When a worker dies, the scheduler runs its task again elsewhere (up to
Dask's ``distributed.scheduler.allowed-failures`` times); each check id yields exactly one result, and
results come back in the order of the checks, however many workers there are.

Examples
--------
>>> from lincomb.proofs_check.registry import get_check
>>> [r.status for r in run_checks([get_check("max-two-hidden-published-n6")])]   # no client: here
['PASS']
"""

from __future__ import annotations

import os
import socket
import sys
import threading
import types
import time
import uuid
from dataclasses import dataclass, replace
from typing import Any, Callable

from lincomb.errors import UsageError
from lincomb.proofs_check.registry import Check
from lincomb.proofs_check.runner import CheckResult, _error_message, _import_check_module, missing_modules, run_check

__all__ = ["BuiltCheck", "build_check", "verify_built", "run_checks", "task_key"]

# verify_built replays a worker's certificates through run_check with a stand-in check whose module is this
# synthetic one: its attribute named like the real check function returns the certificates, so every message
# of run_check (which names the function) reads as in a local run. The lock makes concurrent verifications
# from several threads take turns instead of mixing their certificates.
_REPLAY_MODULE = "_distributed_replay"
_REPLAY_LOCK = threading.Lock()


@dataclass
class BuiltCheck:
    """What a worker sends back for one check: its certificates, or the SKIP/ERROR decided there.

    Attributes
    ----------
    id : str
        The check id.
    certificates : object
        What the check function returned (a list of certificate dicts when it worked); None with ``result``.
    result : CheckResult or None
        A final SKIP or ERROR (missing dependency, import error, exception in the search).
    seconds : float
        Wall time on the worker.
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
        """True when the worker already decided the outcome (SKIP or ERROR): nothing to verify.

        Examples
        --------
        >>> BuiltCheck("demo", None, CheckResult("demo", "SKIP", "needs torch", 0.0), 0.0, "h:1").finished
        True
        """
        return self.result is not None


def task_key(check_id: str, run_token: str) -> str:
    """The Dask key of a check's task in one run: ``lincomb-check-<id>-<run token>``.

    The token keeps two runs on one long-lived scheduler apart; inside a run the check id alone names the task.

    Examples
    --------
    >>> task_key("max-two-hidden-n5", "ab12")
    'lincomb-check-max-two-hidden-n5-ab12'
    """
    return f"lincomb-check-{check_id}-{run_token}"


def _where() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def build_check(check: Check) -> BuiltCheck:
    """Run a check's search (the worker side): its certificates, or the SKIP/ERROR that ends it.

    Messages are those of :func:`~lincomb.proofs_check.runner.run_check`: a SKIP or an import error is
    decided by calling it (it stops before the search), an error in the search is worded as it words them.

    Parameters
    ----------
    check : Check

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

    def finished(result: CheckResult) -> BuiltCheck:
        return BuiltCheck(check.id, None, result, time.perf_counter() - start, _where())

    if missing_modules(check.needs):
        return finished(run_check(check))
    try:
        module = _import_check_module(check)
        function = getattr(module, check.function, None)
    except KeyboardInterrupt:
        raise
    except BaseException:  # noqa: BLE001 - run_check words the import error exactly as a local run does
        return finished(run_check(check))
    if not callable(function):
        return finished(run_check(check))
    try:
        certificates = function(progress=None)
    except KeyboardInterrupt:
        raise
    except UsageError as exc:
        return finished(CheckResult(check.id, "ERROR", _error_message("", exc), 0.0, usage_error=True))
    except BaseException as exc:  # noqa: BLE001 - as in run_check: any exception of a search is an ERROR
        return finished(CheckResult(check.id, "ERROR", _error_message("", exc), 0.0))
    return BuiltCheck(check.id, certificates, None, time.perf_counter() - start, _where())


def _replay_module() -> types.ModuleType:
    name = f"lincomb.proofs_check.{_REPLAY_MODULE}"
    module = sys.modules.get(name)
    if module is None:
        module = types.ModuleType(name, "Stand-in check functions that return certificates built by Dask workers.")
        sys.modules[name] = module
    return module


def verify_built(check: Check, built: BuiltCheck, out_dir=None, progress: Callable | None = None) -> CheckResult:
    """Write and verify a worker's certificates here (the client side), exactly as a local run would.

    The certificates go through :func:`~lincomb.proofs_check.runner.run_check` itself (a stand-in check
    whose function returns them), so the statuses, messages and files are those of a local run.

    Parameters
    ----------
    check : Check
    built : BuiltCheck
        From :func:`build_check`, possibly on another machine.
    out_dir : str or os.PathLike, optional
    progress : callable, optional

    Returns
    -------
    CheckResult
        Its ``seconds`` are the worker's build time plus the verification time here.

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
    stand_in = Check(check.id, check.claim, check.source, check.tier, (), _REPLAY_MODULE, check.function)
    own_line = f"running {stand_in.import_path}.{check.function}"

    def relay(message: str) -> None:
        if progress is not None and message != own_line:  # the stand-in's own "running" line says nothing
            progress(message)

    def replay(progress=None) -> Any:
        return built.certificates

    with _REPLAY_LOCK:
        module = _replay_module()
        setattr(module, check.function, replay)
        try:
            result = run_check(stand_in, out_dir=out_dir, progress=relay)
        finally:
            delattr(module, check.function)
    return replace(result, seconds=built.seconds + result.seconds)


def run_checks(
    checks: list,
    client: Any = None,
    out_dir=None,
    progress: Callable | None = None,
) -> list:
    """Run checks as Dask tasks (one per check id) and verify every certificate on this machine.

    Parameters
    ----------
    checks : list of Check
        Each id at most once.
    client : distributed.Client, optional
        Without it the checks are built here, one after the other (the same code path, no Dask).
    out_dir : str or os.PathLike, optional
        Where certificates are written, as in :func:`~lincomb.proofs_check.runner.run_check`.
    progress : callable, optional
        Receives lines ``[i/N] ID: message``.

    Returns
    -------
    list of CheckResult
        Exactly one per check, in the order of ``checks``. A check whose worker died more often than the
        scheduler allows is ERROR with the reason.

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

    def finish(check: Check, built: BuiltCheck) -> CheckResult:
        if not built.finished:
            say(check, f"built on {built.where} in {built.seconds:.2f} s; verifying here")
        result = verify_built(check, built, out_dir, lambda message: say(check, message))
        say(check, f"{result.status} ({result.seconds:.2f} s)")
        return result

    results: dict = {}
    if client is None:
        for check in checks:
            results[check.id] = finish(check, build_check(check))
        return [results[i] for i in ids]

    from distributed import as_completed

    from lincomb.distributed import prepare_client

    prepare_client(client)
    token = uuid.uuid4().hex[:8]
    futures = {}
    for check in checks:
        future = client.submit(build_check, check, key=task_key(check.id, token), pure=False)
        futures[future.key] = (check, future)
        say(check, f"submitted as {future.key}")
    try:
        for future in as_completed([future for _, future in futures.values()]):
            check, _ = futures[future.key]
            if check.id in results:  # a future finishes once; this only guards the one-result-per-id promise
                continue
            try:
                built = future.result()
            except Exception as exc:  # noqa: BLE001 - KilledWorker, a lost connection, an unpicklable result
                message = _error_message("on the Dask cluster: ", exc)
                if type(exc).__name__ == "KilledWorker":
                    message = (
                        f"the worker running it died too often ({exc}); the check may exhaust a worker's memory, "
                        "run it alone or on bigger workers"
                    )
                results[check.id] = CheckResult(check.id, "ERROR", message, 0.0)
                say(check, f"ERROR ({message})")
                continue
            results[check.id] = finish(check, built)
    finally:
        for _, future in futures.values():
            future.release()
    missing = [i for i in ids if i not in results]
    if missing:  # as_completed returned without them: say so rather than dropping them
        for check_id in missing:
            results[check_id] = CheckResult(check_id, "ERROR", "no result came back from the Dask cluster", 0.0)
    return [results[i] for i in ids]
