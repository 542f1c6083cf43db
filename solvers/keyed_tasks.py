"""Keyed tasks on a Dask cluster: connecting to one, and mapping a function over items as named tasks.

This module sits in the ``solvers`` layer so that searches (for example
:mod:`lincomb.solvers.max_representation_dask`) can use it; ``lincomb check --dask`` uses it
through :mod:`lincomb.proofs_check.distributed_runner` and :mod:`lincomb.distributed`.

lincomb does not schedule work itself; it hands independent, keyed tasks to an existing engine,
`Dask distributed <https://distributed.dask.org>`_ (an extra: ``pip install "lincomb[distributed]"``).
A *target* says where the work goes:

* ``local`` or ``local:N`` -- a :class:`distributed.LocalCluster` started for the run, with N worker
  processes of one thread each (default: the number of CPU cores), closed when the run ends;
* ``tcp://HOST:PORT`` (or ``HOST:PORT``) -- the address of a running scheduler (``dask scheduler``,
  dask-jobqueue, dask-kubernetes);
* ``PATH.json`` -- a scheduler file written by ``dask scheduler --scheduler-file PATH.json``.

A scheduler that cannot be reached fails fast (after ``timeout`` seconds) with
:class:`SchedulerUnreachable`, a usage error (exit code 2). Nothing here imports Dask until a target is
actually used, so lincomb without ``--dask`` never pays for it.

Examples
--------
>>> parse_dask_target("local:2")
DaskTarget(kind='local', value='', workers=2)
>>> parse_dask_target("tcp://10.0.0.5:8786").kind
'address'
>>> map_seeds(lambda seed: seed * seed, [3, 1, 2])          # no client: runs here, in seed order
[9, 1, 4]
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from lincomb.errors import MissingDependencyError, UsageError

__all__ = [
    "DaskTarget",
    "SchedulerUnreachable",
    "DEFAULT_CONNECT_TIMEOUT",
    "INSTALL_HINT",
    "parse_dask_target",
    "import_distributed",
    "dask_client",
    "prepare_client",
    "MAIN_THREAD_IMPORTS",
    "map_keyed",
    "map_seeds",
]

#: Seconds to wait for a scheduler before giving up (``--dask-timeout`` overrides it).
DEFAULT_CONNECT_TIMEOUT = 10.0
INSTALL_HINT = 'pip install "lincomb[distributed]"'

#: Extension modules that install signal handlers when first imported, which Python allows only in a process's main
#: thread; Dask runs tasks in worker threads, so every worker imports these first, in its main thread.
MAIN_THREAD_IMPORTS = ("cysignals", "ppl")

_LOCAL_RE = re.compile(r"local(?::(\d+))?")
_HOST_PORT_RE = re.compile(r"[A-Za-z0-9_.\-\[\]:]+:\d+")


class SchedulerUnreachable(UsageError):
    """No Dask scheduler answered at the given address in time (exit code 2).

    Examples
    --------
    >>> issubclass(SchedulerUnreachable, UsageError)
    True
    """


@dataclass(frozen=True)
class DaskTarget:
    """Where Dask work goes: a local cluster, a scheduler address, or a scheduler file.

    Attributes
    ----------
    kind : str
        ``"local"``, ``"address"`` or ``"scheduler-file"``.
    value : str
        The address or the file path (empty for ``local``).
    workers : int or None
        For ``local``: the number of worker processes (None: one per CPU core).

    Examples
    --------
    >>> DaskTarget("local", "", 2).describe()
    'a local cluster of 2 worker processes'
    """

    kind: str
    value: str
    workers: int | None = None

    def describe(self) -> str:
        """A phrase for messages: what the target is.

        Examples
        --------
        >>> parse_dask_target("tcp://h:8786").describe()
        'the Dask scheduler at tcp://h:8786'
        """
        if self.kind == "local":
            if self.workers is None:
                return "a local cluster (one worker process per CPU core)"
            return f"a local cluster of {self.workers} worker process{'' if self.workers == 1 else 'es'}"
        if self.kind == "scheduler-file":
            return f"the Dask scheduler of the scheduler file {self.value}"
        return f"the Dask scheduler at {self.value}"


def parse_dask_target(text: str) -> DaskTarget:
    """Parse the argument of ``--dask``: ``local``, ``local:N``, ``[tcp://]HOST:PORT`` or ``FILE.json``.

    Parameters
    ----------
    text : str

    Returns
    -------
    DaskTarget

    Raises
    ------
    lincomb.errors.UsageError
        For anything else, with the accepted forms.

    Examples
    --------
    >>> parse_dask_target("local")
    DaskTarget(kind='local', value='', workers=None)
    >>> parse_dask_target("scheduler:8786")
    DaskTarget(kind='address', value='tcp://scheduler:8786', workers=None)
    >>> parse_dask_target("local:0")
    Traceback (most recent call last):
    ...
    lincomb.errors.UsageError: --dask local:N needs N >= 1 worker processes, got 'local:0'
    >>> parse_dask_target("somewhere")
    Traceback (most recent call last):
    ...
    lincomb.errors.UsageError: --dask 'somewhere' is not a target; use local, local:N, tcp://HOST:PORT or a scheduler file PATH.json
    """
    if not isinstance(text, str) or not text.strip():
        raise UsageError("--dask needs a target: local, local:N, tcp://HOST:PORT or a scheduler file PATH.json")
    text = text.strip()
    local = _LOCAL_RE.fullmatch(text)
    if local:
        if local.group(1) is None:
            return DaskTarget("local", "", None)
        workers = int(local.group(1))
        if workers < 1:
            raise UsageError(f"--dask local:N needs N >= 1 worker processes, got {text!r}")
        return DaskTarget("local", "", workers)
    if text.endswith(".json"):
        return DaskTarget("scheduler-file", text, None)
    if "://" in text:
        return DaskTarget("address", text, None)
    if _HOST_PORT_RE.fullmatch(text):
        return DaskTarget("address", f"tcp://{text}", None)
    raise UsageError(
        f"--dask {text!r} is not a target; use local, local:N, tcp://HOST:PORT or a scheduler file PATH.json"
    )


def import_distributed():
    """Import ``dask.distributed``, or raise :class:`~lincomb.errors.MissingDependencyError` with the install hint.

    Examples
    --------
    >>> try:
    ...     module = import_distributed()
    ... except MissingDependencyError as exc:
    ...     module = None
    ...     assert INSTALL_HINT in str(exc)
    >>> module is None or hasattr(module, "Client")
    True
    """
    try:
        import distributed
    except ImportError:
        raise MissingDependencyError(
            f"running on Dask needs dask.distributed, which is not installed ({INSTALL_HINT})"
        ) from None
    return distributed


@contextlib.contextmanager
def dask_client(target: str | DaskTarget, *, timeout: float = DEFAULT_CONNECT_TIMEOUT) -> Iterator[Any]:
    """A connected ``distributed.Client`` for a target; a local cluster is started and closed with it.

    Parameters
    ----------
    target : str or DaskTarget
        See :func:`parse_dask_target`.
    timeout : float
        Seconds to wait for the scheduler (and, for ``local``, for the cluster to start).

    Yields
    ------
    distributed.Client

    Raises
    ------
    SchedulerUnreachable
        When no scheduler answers in time (exit code 2).
    lincomb.errors.MissingDependencyError
        When Dask is not installed.

    Examples
    --------
    >>> with dask_client("local:0"):           # bad targets fail before anything starts
    ...     pass
    Traceback (most recent call last):
    ...
    lincomb.errors.UsageError: --dask local:N needs N >= 1 worker processes, got 'local:0'
    """
    if isinstance(target, str):
        target = parse_dask_target(target)
    if target.kind == "scheduler-file" and not Path(target.value).is_file():
        raise SchedulerUnreachable(
            f"scheduler file {target.value} does not exist; start a scheduler with "
            f"`dask scheduler --scheduler-file {target.value}` or pass its address with --dask tcp://HOST:PORT"
        )
    distributed = import_distributed()
    cluster = None
    client = None
    try:
        if target.kind == "local":
            # One thread per worker: the searches are pure Python and hold the GIL. A random HTTP port, so that
            # several runs on one machine do not fight over port 8787.
            # Dask's statistical profiler samples the task thread every 10 ms; on these pure-Python searches it
            # costs about a quarter of the run (benchmarks/dask_scaling.py), so local workers start without it.
            import dask

            with dask.config.set({"distributed.worker.profile.enabled": False}):
                cluster = distributed.LocalCluster(
                    n_workers=target.workers or (os.cpu_count() or 1),
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=":0",
                    silence_logs=40,  # logging.ERROR: worker restarts are reported by lincomb itself
                )
            client = distributed.Client(cluster, timeout=timeout)
        elif target.kind == "scheduler-file":
            client = distributed.Client(scheduler_file=target.value, timeout=timeout)
        else:
            client = distributed.Client(target.value, timeout=timeout)
    except RuntimeError as exc:  # a worker process that does not start (LocalCluster only)
        if cluster is not None:
            cluster.close()
        raise SchedulerUnreachable(
            f"could not start {target.describe()} ({exc}); worker processes re-import the main script, so a script "
            "that starts one needs `if __name__ == \"__main__\":`, and scripts read from stdin cannot start one"
        ) from None
    except (OSError, TimeoutError) as exc:
        if cluster is not None:
            cluster.close()
        raise SchedulerUnreachable(
            f"cannot reach {target.describe()} within {timeout:g} s ({type(exc).__name__}); check that the "
            "scheduler runs and that this machine can reach its port, or use --dask local:N to run here"
        ) from None
    try:
        try:
            # A scheduler without workers would accept tasks and never run them: wait, but not forever.
            client.wait_for_workers(1, timeout=timeout)
        except (OSError, TimeoutError):
            raise SchedulerUnreachable(
                f"{target.describe()} has no workers after {timeout:g} s; start workers "
                "(`dask worker ADDRESS`) or use --dask local:N to run here"
            ) from None
        prepare_client(client)
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _main_thread_imports_plugin():
    """A worker plugin importing :data:`MAIN_THREAD_IMPORTS` in each worker's main thread, restarted ones included.

    Without it, a check that uses pplpy fails on a worker with "signal only works in main thread" (cysignals).
    """
    import importlib
    import importlib.util

    from distributed.diagnostics.plugin import WorkerPlugin

    class MainThreadImports(WorkerPlugin):
        name = "lincomb-main-thread-imports"

        def setup(self, worker):
            for module in MAIN_THREAD_IMPORTS:
                if importlib.util.find_spec(module) is not None:
                    importlib.import_module(module)

    return MainThreadImports()


def prepare_client(client: Any) -> Any:
    """Make a client's workers fit for lincomb tasks (idempotent); returns the client.

    Registers a worker plugin that imports :data:`MAIN_THREAD_IMPORTS` in each worker's main thread,
    also on workers that join or restart later. :func:`dask_client` does it already; call it for a
    ``distributed.Client`` made by hand.

    Examples
    --------
    >>> class Recorder:                                   # stands in for a distributed.Client
    ...     def register_plugin(self, plugin):
    ...         self.plugin = plugin
    >>> try:
    ...     name = prepare_client(Recorder()).plugin.name
    ... except MissingDependencyError:                   # without dask.distributed
    ...     name = "lincomb-main-thread-imports"
    >>> name
    'lincomb-main-thread-imports'
    """
    import_distributed()
    client.register_plugin(_main_thread_imports_plugin())
    return client


def _stable_token(*parts: Any) -> str:
    """A short digest of ``repr`` of the parts: the same inputs give the same task keys on every run."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:12]


def map_keyed(
    function: Callable,
    items: Iterable,
    keys: Iterable[str],
    client: Any = None,
    *,
    retries: int = 2,
) -> list:
    """``[function(item) for item in items]``, as Dask tasks named by ``keys`` when a client is given.

    The results come back in the order of ``items`` whatever the number of workers or the order in
    which tasks finish, and each key gives exactly one result: Dask re-runs the task of a lost worker,
    and a recomputed task replaces, never adds to, its result.

    Parameters
    ----------
    function : callable
        A picklable function of one argument (defined at module level, so workers can import it).
    items : iterable
    keys : iterable of str
        One unique task key per item.
    client : distributed.Client, optional
        Without it everything runs here, in order.
    retries : int
        Extra attempts of a task that raised (worker loss is retried by the scheduler regardless).

    Returns
    -------
    list

    Examples
    --------
    >>> map_keyed(abs, [-2, 3], ["a", "b"])
    [2, 3]
    >>> map_keyed(abs, [-2, 3], ["a", "a"])
    Traceback (most recent call last):
    ...
    lincomb.errors.UsageError: map_keyed: task keys must be unique, 'a' appears twice
    """
    items = list(items)
    keys = list(keys)
    if len(keys) != len(items):
        raise UsageError(f"map_keyed: {len(items)} items but {len(keys)} keys; give one key per item")
    seen: set = set()
    for key in keys:
        if key in seen:
            raise UsageError(f"map_keyed: task keys must be unique, {key!r} appears twice")
        seen.add(key)
    if client is None:
        return [function(item) for item in items]
    futures = [client.submit(function, item, key=key, retries=retries, pure=False) for item, key in zip(items, keys)]
    try:
        return client.gather(futures)
    finally:
        for future in futures:
            future.release()


def map_seeds(function: Callable, seeds: Iterable[int], client: Any = None, *, name: str | None = None) -> list:
    """``[function(seed) for seed in seeds]``: a seed sweep, on a Dask cluster when a client is given.

    Tasks are keyed ``NAME-seed-S``, so a sweep gives the same list on any number of workers.

    Parameters
    ----------
    function : callable
        A picklable function of one integer seed.
    seeds : iterable of int
    client : distributed.Client, optional
    name : str, optional
        Prefix of the task keys; default: the function's name and a digest of the seeds.

    Returns
    -------
    list
        One result per seed, in the order of ``seeds``.

    Examples
    --------
    >>> map_seeds(str, [0, 1, 2])
    ['0', '1', '2']
    """
    seeds = list(seeds)
    prefix = name or f"{getattr(function, '__name__', 'task')}-{_stable_token(seeds)}"
    return map_keyed(function, seeds, [f"{prefix}-seed-{seed}" for seed in seeds], client)
