"""Registered checks as Dask tasks: a thin executor over the build step; this machine verifies.

The split follows the de Bruijn principle across machines.  :func:`dask_executor` submits
:func:`lincomb.proofs_check.runner.build_check` for each check as one Dask task and hands what
comes back to :func:`lincomb.proofs_check.runner.run_checks`, which verifies every certificate
here with :func:`lincomb.proofs_check.runner.verify_built`: exactly the two functions of a local
run, so a check is PASS only when *this* machine verified it, and the results and files are the
same as without Dask.

Tasks are keyed by check id.  When a worker dies, the scheduler runs its task again elsewhere (up to
Dask's ``distributed.scheduler.allowed-failures`` times); each check id yields exactly one result, and
results come back in the order of the checks, however many workers there are.

Examples
--------
>>> from lincomb.proofs_check.registry import get_check
>>> [r.status for r in run_checks([get_check("max-two-hidden-published-n6")])]   # no client: here
['PASS']
"""

from __future__ import annotations

import uuid
from typing import Any, Callable, Iterator

from lincomb.proofs_check.registry import Check
from lincomb.proofs_check.runner import (
    BuiltCheck,
    CheckResult,
    Executor,
    build_check,
    error_message,
    run_checks as _run_checks,
)
from lincomb.solvers.keyed_tasks import prepare_client

__all__ = ["dask_executor", "run_checks", "task_key"]


def task_key(check_id: str, run_token: str) -> str:
    """The Dask key of a check's task in one run: ``lincomb-check-<id>-<run token>``.

    The token keeps two runs on one long-lived scheduler apart; inside a run the check id alone names the task.

    Examples
    --------
    >>> task_key("max-two-hidden-n5", "ab12")
    'lincomb-check-max-two-hidden-n5-ab12'
    """
    return f"lincomb-check-{check_id}-{run_token}"


def _lost(check: Check, exc: BaseException) -> BuiltCheck:
    """The ERROR of a task that never returned (KilledWorker, a lost connection, an unpicklable result)."""
    message = error_message("on the Dask cluster: ", exc)
    if type(exc).__name__ == "KilledWorker":
        message = (
            f"the worker running it died too often ({exc}); the check may exhaust a worker's memory, "
            "run it alone or on bigger workers"
        )
    return BuiltCheck(check.id, None, CheckResult(check.id, "ERROR", message, 0.0, record=check.record), 0.0, "")


def dask_executor(client: Any) -> Executor:
    """An executor for :func:`~lincomb.proofs_check.runner.run_checks` that builds each check as a Dask task.

    Parameters
    ----------
    client : distributed.Client

    Returns
    -------
    callable
        ``executor(checks, say)`` yielding ``(check, built)`` as the tasks finish.

    Examples
    --------
    >>> callable(dask_executor(None))
    True
    """

    def execute(checks: list, say: Callable[[Check, str], None]) -> Iterator[tuple[Check, BuiltCheck]]:
        from distributed import as_completed

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
                try:
                    built = future.result()
                except Exception as exc:  # noqa: BLE001 - any failure of the task is that check's ERROR
                    built = _lost(check, exc)
                    say(check, f"ERROR ({built.result.message})")
                else:
                    if not built.finished:
                        say(check, f"built on {built.where} in {built.seconds:.2f} s; verifying here")
                yield check, built
        finally:
            for _, future in futures.values():
                future.release()

    return execute


def run_checks(checks: list, client: Any = None, out_dir=None, progress: Callable | None = None) -> list:
    """Run checks as Dask tasks (one per check id) and verify every certificate on this machine.

    Parameters
    ----------
    checks : list of Check
        Each id at most once.
    client : distributed.Client, optional
        Without it the checks are built here, one after the other (the local executor).
    out_dir : str or os.PathLike, optional
        Where certificates are written, as in :func:`~lincomb.proofs_check.runner.verify_built`.
    progress : callable, optional
        Receives lines ``[i/N] ID: message``.

    Returns
    -------
    list of CheckResult
        Exactly one per check, in the order of ``checks``.

    Examples
    --------
    >>> from lincomb.proofs_check.registry import get_check
    >>> lines = []
    >>> results = run_checks([get_check("max-two-hidden-published-n6")], progress=lines.append)
    >>> results[0].status, lines[-1].startswith("[1/1] max-two-hidden-published-n6: PASS")
    ('PASS', True)
    """
    executor = dask_executor(client) if client is not None else None
    return _run_checks(checks, out_dir, progress, executor=executor)
