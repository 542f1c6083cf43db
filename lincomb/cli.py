"""The ``lincomb`` command line: list, check, verify, bench.

Exit codes: 0 everything passed; 1 a check or a verification failed; 2 usage errors,
malformed input, missing dependencies.  Never 0 after an error.

Examples
--------
>>> main(["list"])  # doctest: +ELLIPSIS
ID...RECORD...TIER...CLAIM
max-tree-upper-bound ...
0
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Sequence

from lincomb.errors import LincombError, UsageError

__all__ = ["main", "build_parser"]

DEFAULT_OUT_DIR = "lincomb-out"


def _version() -> str:
    import lincomb

    return lincomb.__version__


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``lincomb`` command.

    Examples
    --------
    >>> args = build_parser().parse_args(["check", "--all", "--tier", "full"])
    >>> args.command, args.all, args.tier
    ('check', True, 'full')
    """
    parser = argparse.ArgumentParser(
        prog="lincomb",
        description="Verify theorems about neural-network expressivity with exact certificates.",
        epilog="exit codes: 0 all passed, 1 a check or verification failed, 2 usage or malformed input",
    )
    parser.add_argument("--version", action="version", version=f"lincomb {_version()}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    list_parser = commands.add_parser("list", help="the registered checks")
    list_parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    list_parser.set_defaults(handler=_cmd_list)

    check_parser = commands.add_parser(
        "check", help="run checks, write their certificates and verify them independently"
    )
    check_parser.add_argument("ids", nargs="*", metavar="ID", help="check ids (see `lincomb list`)")
    check_parser.add_argument("--all", action="store_true", help="run every check of the tier")
    check_parser.add_argument(
        "--tier",
        choices=("quick", "full"),
        default="quick",
        help="with --all: quick checks only (default) or quick and full",
    )
    check_parser.add_argument("--json", action="store_true", help="print a JSON report")
    check_parser.add_argument("--strict", action="store_true", help="count SKIP as a failure")
    check_parser.add_argument(
        "--out",
        default=DEFAULT_OUT_DIR,
        metavar="DIR",
        help=f"where certificates are written (default: ./{DEFAULT_OUT_DIR})",
    )
    check_parser.set_defaults(handler=_cmd_check)
    from lincomb.distributed import add_dask_option  # light: Dask itself is imported only when --dask is given

    add_dask_option(check_parser)

    verify_parser = commands.add_parser(
        "verify", help="re-check certificate files with the standard-library checkers"
    )
    verify_parser.add_argument("certificates", nargs="+", metavar="CERT", help="JSON files")
    verify_parser.add_argument(
        "--max-bytes",
        type=_positive_int,
        default=None,
        metavar="N",
        help="refuse certificate files larger than N bytes (default 256 MiB)",
    )
    verify_parser.set_defaults(handler=_cmd_verify)

    bench_parser = commands.add_parser("bench", help="run a benchmark from the source checkout")
    bench_parser.add_argument("name", metavar="NAME", help="benchmarks/NAME.py")
    bench_parser.add_argument("bench_args", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    bench_parser.set_defaults(handler=_cmd_bench)
    _add_extension_commands(commands)
    return parser


# Commands that live beside a feature (``lincomb represent``, ``lincomb regions``, ...). Each module exposes
# ``add_parser(subparsers)`` and ``run(args) -> int`` and imports its heavy dependencies inside ``run``, so the
# parser stays cheap to build. A module that is not there adds no command (nothing unimplemented is offered).
EXTENSION_COMMANDS = (
    "lincomb.represent_cli",
    "lincomb.regions_cli",
    "lincomb.symreg_cli",
    "lincomb.sample_cli",
)


def _add_extension_commands(commands) -> None:
    import importlib
    import importlib.util

    for module_name in EXTENSION_COMMANDS:
        if importlib.util.find_spec(module_name) is None:
            continue
        module = importlib.import_module(module_name)
        before = set(commands.choices)
        module.add_parser(commands)
        for name in set(commands.choices) - before:
            sub = commands.choices[name]
            if sub.get_default("handler") is None:
                sub.set_defaults(handler=module.run)


def _stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _table(rows: list[list[str]], header: list[str]) -> list[str]:
    """Left-aligned columns; the last column is not padded."""
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header) - 1)]
    lines = []
    for row in [header, *rows]:
        cells = [cell.ljust(width) for cell, width in zip(row, widths)] + [row[-1]]
        lines.append("  ".join(cells).rstrip())
    return lines


# ---------------------------------------------------------------- list


def _cmd_list(args: argparse.Namespace) -> int:
    from lincomb.proofs_check.checkers import CHECKERS
    from lincomb.proofs_check.registry import CHECKS
    from lincomb.proofs_check.runner import missing_modules

    if args.json:
        records = []
        for check in CHECKS:
            record = check.to_dict()
            # The checker of each kind: the module of its verify function (standard library only).
            record["checkers"] = {kind: getattr(CHECKERS.get(kind), "__module__", None) for kind in check.kinds}
            record["missing"] = missing_modules(check.needs)
            records.append(record)
        print(json.dumps(records, indent=2))
        return 0
    rows = [
        [check.id, check.record, check.tier, ",".join(check.needs) or "-", check.claim] for check in CHECKS
    ]
    lines = _table(rows, ["ID", "RECORD", "TIER", "NEEDS", "CLAIM"])
    print(lines[0])
    indent = len(lines[0]) - len("CLAIM")
    for check, line in zip(CHECKS, lines[1:]):
        print(line)
        print(" " * indent + f"source: {check.source}; kinds: {', '.join(check.kinds) or '-'}")
    return 0


# ---------------------------------------------------------------- check


def _select_checks(args: argparse.Namespace) -> list[Any]:
    from lincomb.proofs_check.registry import checks_for_tier, get_check

    if args.ids and args.all:
        raise UsageError("give check ids or --all, not both")
    if args.all:
        return checks_for_tier(args.tier)
    if not args.ids:
        raise UsageError(
            "no check given; name checks (`lincomb check ID...`, ids from `lincomb list`) "
            "or run them all with `lincomb check --all`"
        )
    unique = list(dict.fromkeys(args.ids))
    return [get_check(check_id) for check_id in unique]  # UsageError lists the known ids


def _cmd_check(args: argparse.Namespace) -> int:
    from lincomb.proofs_check.runner import report, run_checks

    checks = _select_checks(args)
    from lincomb.output_paths import check_output_dir

    check_output_dir(args.out, "--out")  # before any check runs: a bad --out is exit 2 in a second
    start = time.perf_counter()
    if args.dask:
        # The build steps become Dask tasks; every certificate still comes back here and is verified locally.
        from lincomb.distributed import run_checks_distributed

        results = run_checks_distributed(args, checks, args.out, _stderr)
    else:
        results = run_checks(checks, args.out, _stderr)
    text, exit_code = report(results, time.perf_counter() - start, strict=args.strict, as_json=args.json,
                             version=_version())
    print(text)
    return exit_code


# ---------------------------------------------------------------- verify


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def _cmd_verify(args: argparse.Namespace) -> int:
    from lincomb.proofs_check.checkers import MAX_BYTES, verify_file

    exit_code = 0
    for path in args.certificates:
        verdict = verify_file(path, args.max_bytes or MAX_BYTES)
        # DIMACS/drat-trim style: "c" comment lines, then the "s" verdict line.
        print(f"c {path}")
        if verdict.verified and verdict.summary:
            print(f"c {verdict.kind}: {verdict.summary}")
        print(verdict.line(), flush=True)
        exit_code = max(exit_code, verdict.exit_code)
    return exit_code


# ---------------------------------------------------------------- bench


def _benchmarks_dir() -> Path | None:
    # Benchmarks are not installed with the package: they live beside it in a source checkout.
    root = Path(__file__).resolve().parent.parent
    folder = root / "benchmarks"
    if (root / "pyproject.toml").is_file() and folder.is_dir():
        return folder
    return None


def _available_benchmarks(folder: Path | None) -> list[str]:
    if folder is None:
        return []
    return sorted(p.stem for p in folder.glob("*.py") if not p.name.startswith("_"))


def _bench_out(bench_args: Sequence[str]) -> str | None:
    """The value of ``--out DIR`` / ``--out=DIR`` among a benchmark's arguments, if any.

    Examples
    --------
    >>> _bench_out(["--steps", "2", "--out", "/tmp/r"]), _bench_out(["--out=/tmp/s"]), _bench_out([])
    ('/tmp/r', '/tmp/s', None)
    """
    out = None
    for index, item in enumerate(bench_args):
        if item == "--out" and index + 1 < len(bench_args):
            out = bench_args[index + 1]
        elif item.startswith("--out="):
            out = item[len("--out="):]
    return out


def _cmd_bench(args: argparse.Namespace) -> int:
    folder = _benchmarks_dir()
    available = _available_benchmarks(folder)
    if folder is None:
        raise UsageError("benchmarks are run from a source checkout of lincomb; none found here")
    if args.name not in available:
        listing = ", ".join(available) if available else "(none yet)"
        raise UsageError(f"unknown benchmark {args.name!r}; available: {listing}")
    out = _bench_out(args.bench_args)
    if out is not None:  # the benchmarks' --out is their results folder
        from lincomb.output_paths import check_output_dir

        check_output_dir(out, "--out")
    completed = subprocess.run(
        [sys.executable, str(folder / f"{args.name}.py"), *args.bench_args],
        cwd=folder.parent,
        check=False,
    )
    # Keep the exit-code contract even if a benchmark exits with something else.
    return completed.returncode if completed.returncode in (0, 1, 2) else 1


# ---------------------------------------------------------------- main


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``lincomb`` command line and return its exit code.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments after the program name; ``sys.argv[1:]`` when omitted.

    Returns
    -------
    int
        0 all passed, 1 a check or a verification failed, 2 usage or malformed input.

    Examples
    --------
    >>> main(["check"])  # no ids and no --all: a hint on stderr
    2
    >>> main(["check", "no-such-check"])
    2
    >>> main(["verify", "no/such/certificate.json"])
    c no/such/certificate.json
    s NOT VERIFIED: malformed: no/such/certificate.json: cannot read file: ...
    2
    """
    parser = build_parser()
    try:
        args = parser.parse_args(None if argv is None else list(argv))
    except SystemExit as stop:  # argparse: --help / --version exit 0, bad usage exits 2
        return stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 2)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(args.handler(args))
    except UsageError as exc:
        _stderr(f"lincomb: error: {exc}")
        return 2
    except LincombError as exc:
        _stderr(f"lincomb: error: {exc}")
        return 1
    except KeyboardInterrupt:
        _stderr("lincomb: interrupted")
        return 130


if __name__ == "__main__":
    sys.exit(main())
