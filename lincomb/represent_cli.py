"""``lincomb represent max --n N [--k K] [--sample S | --shape S [--max-vertices M]] [--out FILE] [--force] [--time-limit S] [--memory-limit GB]``: search, certify and summarize a max representation.

Progress (templates enumerated, system size, rank) goes to stderr, the summary to stdout. With ``--out`` the
certificate is written and re-verified by the standard-library checker. When k is too small the command
reports the infeasibility, writes the left-kernel proof (kind ``max-representation-infeasible``) with ``--out``,
and exits 1.  ``--sample S`` searches only S template classes drawn at random (``--seed``), for n >= 9
where enumerating all of them is out of reach; it can find a representation (certified as usual) but
finding none proves nothing, so no infeasibility certificate is written then. ``--shape S`` (``simple``,
``side-forests``, ``forest``; optionally ``--max-vertices M``) searches a template subclass with the array pipeline
(:func:`lincomb.solvers.max_representation.max_representation_arrays`: vectorised columns, sparse modular solve,
stage progress on stderr); likewise it certifies what it finds and proves nothing when it finds nothing.

Before it starts, the search is sized (:func:`lincomb.solvers.max_representation.estimate_search`: template
classes, nonzeros, rows, memory, column time); one whose estimated memory exceeds this machine's is refused with
exit 2 and one line naming the estimate and ``--force``. ``--time-limit SECONDS`` and ``--memory-limit GB`` stop a
search that runs out of time or memory with a message and exit 1, and nothing that looks like a result is written.

Wire it into ``lincomb/cli.py`` with ``represent_cli.add_parser(commands)``; the parser's handler is :func:`run`.

Examples
--------
>>> import argparse
>>> parser = argparse.ArgumentParser(prog="lincomb"); commands = parser.add_subparsers(dest="command")
>>> add_parser(commands)
>>> run(parser.parse_args(["represent", "max", "--n", "4"]))
n = 4, k = 1: feasible, 1 terms
  system: 7 templates, 0 hinge directions, 4 rows, 18 nonzeros, rank 4
  network: 2 hidden layers, widths (12, 5)
0
"""

from __future__ import annotations

import argparse
import sys

from lincomb.time_limit import Expired

__all__ = ["add_parser", "run"]

# Above this n the network is not built (n! permuted templates); its widths are bounded instead.
_BUILD_NETWORK_UP_TO = 6


class _Limits:
    """``--time-limit`` (:func:`lincomb.time_limit.wall_clock_limit`, where SIGALRM exists) and ``--memory-limit``
    (RLIMIT_AS) around the search."""

    def __init__(self, seconds, gigabytes):
        self.seconds, self.gigabytes = seconds, gigabytes
        self._alarm = self._previous_limit = None

    def __enter__(self):
        from lincomb.time_limit import alarm_available, wall_clock_limit

        if self.seconds is not None and alarm_available():
            self._alarm = wall_clock_limit(self.seconds)
            self._alarm.__enter__()
        elif self.seconds is not None:
            print("  --time-limit is not supported on this platform (no SIGALRM); ignored", file=sys.stderr)
        if self.gigabytes is not None:
            import resource

            self._previous_limit = resource.getrlimit(resource.RLIMIT_AS)
            cap = int(self.gigabytes * 1e9)
            resource.setrlimit(resource.RLIMIT_AS, (cap, self._previous_limit[1]))
        return self

    def __exit__(self, *exc):
        if self._alarm is not None:
            self._alarm.__exit__(*exc)
        if self._previous_limit is not None:
            import resource

            resource.setrlimit(resource.RLIMIT_AS, self._previous_limit)
        return False


def add_parser(subparsers) -> None:
    """Add the ``represent`` command (with its ``max`` target) to an argparse subparsers object.

    Examples
    --------
    >>> import argparse
    >>> parser = argparse.ArgumentParser(); commands = parser.add_subparsers(dest="command")
    >>> add_parser(commands)
    >>> args = parser.parse_args(["represent", "max", "--n", "6", "--k", "2"])
    >>> args.target, args.n, args.k, args.out
    ('max', 6, 2, None)
    """
    parser = subparsers.add_parser(
        "represent",
        help="find a shallow representation by exact linear algebra and certify it",
        description="Find max(x1..xn) as a combination of symmetrized templates (2 hidden layers), exactly.",
    )
    parser.add_argument("target", choices=("max",), help="the function to represent (max of n numbers)")
    parser.add_argument("--n", type=int, required=True, metavar="N", help="number of inputs (>= 2)")
    parser.add_argument("--k", type=int, default=None, metavar="K",
                        help="pairs per side of each template (default floor((n-1)/2), at least 1)")
    parser.add_argument("--no-loops", action="store_true", help="templates without pairs (i, i)")
    parser.add_argument("--sample", type=int, default=None, metavar="S",
                        help="use S template classes drawn at random instead of all (for n >= 9); can find a "
                        "representation, cannot prove that none exists")
    parser.add_argument("--seed", type=int, default=0, help="seed of --sample (default 0)")
    parser.add_argument("--shape", default=None, choices=("multigraph", "simple", "side-forests", "forest"),
                        help="search only this template subclass with the array pipeline (vectorised columns, sparse "
                        "modular solve): side-forests = A and B each a forest; finding nothing proves nothing")
    parser.add_argument("--max-vertices", type=int, default=None, metavar="M",
                        help="with --shape: only templates using at most M indices")
    parser.add_argument("--out", default=None, metavar="FILE", help="write the certificate (JSON) here")
    parser.add_argument("--force", action="store_true",
                        help="start even when the size estimate says the search cannot fit this machine's memory")
    parser.add_argument("--time-limit", type=float, default=None, metavar="SECONDS",
                        help="stop the search after this many seconds (nothing is written then; exit 1)")
    parser.add_argument("--memory-limit", type=float, default=None, metavar="GB",
                        help="cap the process's address space (RLIMIT_AS) so that running out of memory stops the "
                        "search with a message instead of the system's OOM killer")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Run ``lincomb represent max``; return the exit code (0 found, 1 infeasible or not verified, 2 usage).

    Examples
    --------
    >>> run(argparse.Namespace(target="max", n=5, k=1, no_loops=False, out=None))
    n = 5, k = 1: infeasible (exact left-kernel proof with 5 nonzero entries)
      system: 7 templates, 0 hinge directions, 5 rows, 25 nonzeros, rank 4
    1
    >>> run(argparse.Namespace(target="max", n=6, k=2, no_loops=False, out=None, sample=20, seed=0))
    n = 6, k = 2: not found among 20 sampled templates (seed 0); this proves nothing about all templates
      system: 20 templates, 31 hinge directions, 37 rows, 320 nonzeros, rank 17
    1
    >>> run(argparse.Namespace(target="max", n=1, k=None, no_loops=False, out=None))
    2
    """
    from lincomb.errors import UsageError
    from lincomb.proofs_check.max_two_hidden import infeasibility_certificate, representation_certificate
    from lincomb.solvers.max_representation import max_representation
    from lincomb.theory.max_representation_network import representation_widths

    def progress(message: str) -> None:
        print(f"  {message}", file=sys.stderr, flush=True)

    if args.out:  # before the search: an unwritable --out is exit 2 at once (folders are created as when writing)
        from lincomb.output_paths import check_output_file

        try:
            check_output_file(args.out, "--out", make_parents=True)
        except UsageError as error:
            print(f"lincomb represent: {error}", file=sys.stderr)
            return 2
    sample = getattr(args, "sample", None)
    shape = getattr(args, "shape", None)
    if shape is not None:
        return _run_arrays(args, shape)
    estimate = _estimate_or_refuse(args, "search", sample=sample)
    if estimate is None:
        return 2
    limits = _Limits(getattr(args, "time_limit", None), getattr(args, "memory_limit", None))
    try:
        with limits:
            result = max_representation(args.n, args.k, loops=not args.no_loops, progress=progress,
                                        sample=sample, seed=getattr(args, "seed", 0))
    except UsageError as error:
        print(f"lincomb represent: {error}", file=sys.stderr)
        return 2
    except Expired:
        print(f"lincomb represent: stopped, out of time after {args.time_limit:g} s (--time-limit); the search did not "
              "finish and nothing was written", file=sys.stderr)
        return 1
    except MemoryError:
        print("lincomb represent: stopped, out of memory"
              + (f" (--memory-limit {args.memory_limit:g} GB)" if getattr(args, "memory_limit", None) else "")
              + f"; the search did not finish and nothing was written (estimate: {estimate.summary()})", file=sys.stderr)
        return 1
    if result.feasible:
        print(f"n = {result.n}, k = {result.k}: feasible, {len(result.terms)} terms")
    elif result.sample is not None:
        print(f"n = {result.n}, k = {result.k}: not found among {result.sample} sampled templates (seed "
              f"{result.seed}); this proves nothing about all templates")
    else:
        print(f"n = {result.n}, k = {result.k}: infeasible (exact left-kernel proof with "
              f"{len(result.left_kernel)} nonzero entries)")
    print(f"  system: {result.templates} templates, {result.directions} hinge directions, {result.rows} rows, "
          f"{result.nonzeros} nonzeros, rank {result.rank}")
    if result.feasible:
        terms = [(c, t.a, t.b) for c, t in result.terms]
        if result.n <= _BUILD_NETWORK_UP_TO:
            print(f"  network: 2 hidden layers, widths {result.widths()}")
        else:
            print(f"  network: 2 hidden layers, widths at most {representation_widths(result.n, terms)} (not built)")
    if args.out:
        from lincomb.proofs_check.certificate import write_certificate
        from lincomb.proofs_check.checkers import verify_file

        if result.feasible:
            certificate = representation_certificate(result)
        elif result.sample is not None:
            print("  no certificate written: a sampled search that finds nothing proves nothing", file=sys.stderr)
            return 1
        else:
            certificate = infeasibility_certificate(result)
        path = write_certificate(certificate, args.out)
        verdict = verify_file(path)
        print(f"  certificate: {path}: {verdict.line()}")
        if not verdict.verified:
            return 1
    return 0 if result.feasible else 1


def _estimate_or_refuse(args: argparse.Namespace, what: str, **options):
    """The search's size estimate, printed on stderr; None (after one line saying why) when it is refused.

    A search whose estimated memory exceeds the machine's is refused unless ``--force``; so is bad ``n`` / ``k``.
    """
    from lincomb.errors import UsageError
    from lincomb.solvers.max_representation import estimate_search, machine_memory_bytes

    try:
        estimate = estimate_search(args.n, args.k, loops=not args.no_loops, **options)
    except UsageError as error:
        print(f"lincomb represent: {error}", file=sys.stderr)
        return None
    memory = machine_memory_bytes()
    if memory and estimate.memory_bytes > memory and not getattr(args, "force", False):
        print(f"lincomb represent: refused, the {what} cannot fit this machine ({memory / 1e9:.3g} GB): "
              f"{estimate.summary()}; pass --force to start it anyway", file=sys.stderr)
        return None
    print(f"  estimate: {estimate.summary()}", file=sys.stderr, flush=True)
    return estimate


def _run_arrays(args: argparse.Namespace, shape: str) -> int:
    """``--shape``: the array pipeline on a template subclass; a certificate only when a representation is found."""
    from lincomb.errors import CheckFailed, UsageError
    from lincomb.proofs_check.max_two_hidden import representation_certificate
    from lincomb.solvers.max_columns import StageProgress
    from lincomb.solvers.max_representation import SearchLimit, max_representation_arrays

    if _estimate_or_refuse(args, "subclass search", shape=shape, max_vertices=getattr(args, "max_vertices", None)) is None:
        return 2
    memory = getattr(args, "memory_limit", None)
    try:
        result = max_representation_arrays(
            args.n, args.k, shape=shape, max_vertices=getattr(args, "max_vertices", None), loops=not args.no_loops,
            progress=StageProgress(), time_limit=getattr(args, "time_limit", None),
            memory_limit=None if memory is None else memory * 1e9)
    except SearchLimit as error:
        print(f"lincomb represent: stopped: {error}; nothing was written", file=sys.stderr)
        return 1
    except MemoryError:
        print("lincomb represent: stopped, out of memory; the search did not finish and nothing was written",
              file=sys.stderr)
        return 1
    except (UsageError, CheckFailed) as error:
        print(f"lincomb represent: {error}", file=sys.stderr)
        return 2 if isinstance(error, UsageError) else 1
    subclass = shape + ("" if getattr(args, "max_vertices", None) is None else f", at most {args.max_vertices} indices")
    if result.feasible:
        print(f"n = {result.n}, k = {result.k}: feasible, {len(result.terms)} terms (subclass {subclass})")
    else:
        print(f"n = {result.n}, k = {result.k}: no solution found in the subclass {subclass} (modulo the pivot "
              "primes); this proves nothing about all templates")
    print(f"  system: {result.templates} templates, {result.directions} hinge directions, {result.rows} rows, "
          f"{result.nonzeros} nonzeros, rank {result.rank} (mod p)")
    if not result.feasible:
        return 1
    if args.out:
        from lincomb.proofs_check.certificate import write_certificate
        from lincomb.proofs_check.checkers import verify_file

        path = write_certificate(representation_certificate(result), args.out)
        verdict = verify_file(path)
        print(f"  certificate: {path}: {verdict.line()}")
        if not verdict.verified:
            return 1
    return 0
