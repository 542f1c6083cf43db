"""``lincomb check --dask``: the command-line side of running checks on a Dask cluster.

The Dask machinery itself (targets, :func:`dask_client`, :func:`map_keyed`, :func:`map_seeds`)
lives in :mod:`lincomb.solvers.keyed_tasks`, below the searches that use it; its names are
re-exported here for scripts and benchmarks.  The checks run through
:func:`lincomb.proofs_check.runner.run_checks` with the Dask executor of
:mod:`lincomb.proofs_check.distributed_runner`: workers build, this machine verifies.

Examples
--------
>>> parse_dask_target("local:2")
DaskTarget(kind='local', value='', workers=2)
>>> map_seeds(lambda seed: seed * seed, [3, 1, 2])          # no client: runs here, in seed order
[9, 1, 4]
"""

from __future__ import annotations

import argparse
from typing import Callable

from lincomb.solvers.keyed_tasks import (
    DEFAULT_CONNECT_TIMEOUT,
    INSTALL_HINT,
    MAIN_THREAD_IMPORTS,
    DaskTarget,
    SchedulerUnreachable,
    dask_client,
    import_distributed,
    map_keyed,
    map_seeds,
    parse_dask_target,
    prepare_client,
)

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
    "add_dask_option",
    "run_checks_distributed",
]


# ---------------------------------------------------------------- lincomb check --dask


def add_dask_option(check_parser: argparse.ArgumentParser) -> None:
    """Add ``--dask ADDRESS|local[:N]`` and ``--dask-timeout SECONDS`` to the ``lincomb check`` parser.

    Examples
    --------
    >>> parser = argparse.ArgumentParser()
    >>> add_dask_option(parser)
    >>> args = parser.parse_args(["--dask", "local:2"])
    >>> args.dask, args.dask_timeout
    ('local:2', 10.0)
    >>> parser.parse_args([]).dask is None
    True
    """
    check_parser.add_argument(
        "--dask",
        default=None,
        metavar="ADDRESS|local[:N]",
        help=(
            "run the checks as Dask tasks: on a scheduler (tcp://HOST:PORT or a scheduler file PATH.json) or on "
            "a local cluster of N worker processes; certificates are verified here (needs lincomb[distributed])"
        ),
    )
    check_parser.add_argument(
        "--dask-timeout",
        type=float,
        default=DEFAULT_CONNECT_TIMEOUT,
        metavar="SECONDS",
        help=f"give up when the scheduler does not answer within SECONDS (default {DEFAULT_CONNECT_TIMEOUT:g})",
    )


def run_checks_distributed(args: argparse.Namespace, checks: list, out_dir, progress: Callable | None) -> list:
    """Run checks on the Dask target ``args.dask``; every certificate is verified here before PASS.

    Parameters
    ----------
    args : argparse.Namespace
        The ``lincomb check`` arguments; ``args.dask`` (target) and ``args.dask_timeout`` are read.
    checks : list of Check
    out_dir : str or os.PathLike or None
        Where the certificates are written (on this machine).
    progress : callable or None
        Receives one line per event.

    Returns
    -------
    list of CheckResult
        In the order of ``checks``.

    Raises
    ------
    SchedulerUnreachable
        Exit code 2, before any check runs.

    Examples
    --------
    >>> ns = argparse.Namespace(dask="nowhere", dask_timeout=1.0)
    >>> run_checks_distributed(ns, [], None, None)
    Traceback (most recent call last):
    ...
    lincomb.errors.UsageError: --dask 'nowhere' is not a target; use local, local:N, tcp://HOST:PORT or a scheduler file PATH.json
    """
    from lincomb.proofs_check.distributed_runner import dask_executor
    from lincomb.proofs_check.runner import run_checks

    target = parse_dask_target(args.dask)
    timeout = getattr(args, "dask_timeout", DEFAULT_CONNECT_TIMEOUT)
    if progress is not None:
        progress(f"dask: connecting to {target.describe()}")
    with dask_client(target, timeout=timeout) as client:
        if progress is not None:
            workers = len(client.scheduler_info().get("workers", {}))
            progress(f"dask: connected ({workers} workers); submitting {len(checks)} checks")
        return run_checks(checks, out_dir, progress, executor=dask_executor(client))
