"""``lincomb symreg fit data.csv``: learn ODEs from a user's time series and print the equations.

The CSV file has a header ``t,x1,...,xn`` (any variable names after ``t``) and one row per sample.
Bad data (NaN, non-increasing ``t``, too few samples, rows with the wrong number of columns) is
refused with a message naming the line and the column; the exit code is then 2.

Wire it into the main command with ``add_parser(subparsers)``; the handler is :func:`run`.

Examples
--------
>>> import argparse
>>> parser = argparse.ArgumentParser(prog="lincomb")
>>> add_parser(parser.add_subparsers(dest="command"))
>>> args = parser.parse_args(["symreg", "fit", "data.csv", "--method", "stlsq"])
>>> args.symreg_command, args.method, args.handler is run
('fit', 'stlsq', True)
"""

from __future__ import annotations

import argparse
import json
import sys

from lincomb.errors import LincombError, UsageError

__all__ = ["add_parser", "run"]


def add_parser(subparsers) -> None:
    """Add the ``symreg`` command (with its ``fit`` sub-command) to an argparse sub-parser set.

    Examples
    --------
    >>> parser = argparse.ArgumentParser(prog="lincomb")
    >>> add_parser(parser.add_subparsers(dest="command"))
    >>> parser.parse_args(["symreg", "fit", "d.csv", "--epochs", "10"]).epochs
    10
    """
    symreg = subparsers.add_parser("symreg", help="symbolic regression of ODEs from a time series")
    commands = symreg.add_subparsers(dest="symreg_command", metavar="SUBCOMMAND")
    fit = commands.add_parser("fit", help="learn x' = f(x) from a CSV file with columns t,x1,...,xn")
    fit.add_argument("csv", metavar="DATA.csv", help="header t,x1,...,xn; one row per sample")
    fit.add_argument("--method", choices=("network", "stlsq"), default="network",
                     help="network: the primitive-operation network (default); stlsq: the SINDy baseline")
    fit.add_argument("--degree", type=int, default=3, help="highest polynomial degree (default 3)")
    fit.add_argument("--functions", default="sin,cos",
                     help="comma-separated unary functions (sin,cos,exp,tanh; '' for none; default sin,cos)")
    fit.add_argument("--no-rational", action="store_true", help="network: no rational (division) units")
    fit.add_argument("--epochs", type=int, default=800, help="network: training steps (default 800)")
    fit.add_argument("--seed", type=int, default=0, help="network: random seed (default 0)")
    fit.add_argument("--json", action="store_true", help="print JSON instead of equations")
    fit.set_defaults(handler=run)
    symreg.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Run ``lincomb symreg ...``; return the exit code (0 fitted, 2 bad input).

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = os.path.join(folder, "decay.csv")
    ...     t = np.linspace(0, 2, 201)
    ...     np.savetxt(path, np.c_[t, 3 * np.exp(-t / 2)], delimiter=",", header="t,u", comments="")
    ...     parser = argparse.ArgumentParser(prog="lincomb")
    ...     add_parser(parser.add_subparsers(dest="command"))
    ...     run(parser.parse_args(["symreg", "fit", path, "--method", "stlsq", "--functions", ""]))
    u' = -0.5*u
    0
    """
    if getattr(args, "symreg_command", None) != "fit":
        print("usage: lincomb symreg fit DATA.csv [--method network|stlsq] ...", file=sys.stderr)
        return 2
    try:
        return _fit(args)
    except LincombError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2 if isinstance(error, UsageError) else 1


def _fit(args: argparse.Namespace) -> int:
    from lincomb.learn.data_validation import read_time_series_csv

    t, X, names = read_time_series_csv(args.csv)
    functions = tuple(f.strip() for f in args.functions.split(",") if f.strip())
    if args.method == "stlsq":
        from lincomb.learn.sindy import STLSQRegressor

        model = STLSQRegressor(degree=args.degree, functions=functions)
    else:
        try:
            import torch  # noqa: F401  (the network method needs it)
        except ImportError:
            from lincomb.errors import MissingDependencyError

            raise MissingDependencyError(
                "the network method needs torch: pip install \"lincomb[learn]\" (or use --method stlsq)"
            ) from None
        from lincomb.learn.symreg import SymbolicODERegressor

        model = SymbolicODERegressor(degree=args.degree, functions=functions, rational=not args.no_rational,
                                     epochs=args.epochs, seed=args.seed)
    model.fit(t, X, names=names)
    equations = [e.evalf(6) for e in model.equations()]
    if args.json:
        print(json.dumps({"method": args.method, "variables": names,
                          "equations": {name: str(e) for name, e in zip(names, equations)}}, indent=2))
    else:
        for name, expression in zip(names, equations):
            print(f"{name}' = {expression}")
    return 0
