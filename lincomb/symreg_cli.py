"""``lincomb symreg fit data.csv``: learn ODEs from a user's time series and print the equations.

The CSV file has a header ``t,x1,...,xn`` (any variable names after ``t``) and one row per sample.
Bad data (NaN, non-increasing ``t``, too few samples, rows with the wrong number of columns) is
refused with a message naming the line and the column; the exit code is then 2.

The network method is built by :func:`lincomb.learn.symreg.default_regressor`, the same default
configuration as ``SymbolicODERegressor()``: on the same data the command and the class return the
same equations.  Options are for experts and are passed on only when given (``--degree``,
``--functions``, ``--rational``/``--no-rational``, ``--epochs``, ``--seed``, and ``--option
NAME=VALUE`` for any other constructor argument).

After the fit the command integrates the learned model from the data's first sample over the
data's span and prints its R^2 against the data
(:func:`lincomb.learn.symreg_validation.integrated_r2`); ``--plot FILE.png`` draws data against the
integrated model.  ``--time-limit SECONDS`` stops a fit that runs longer: the command then exits 1
with a one-line message and writes nothing (no equations, no ``--out`` file, no plot).  ``--plot``
and ``--out`` paths are checked to be writable before fitting (exit 2 otherwise).

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
import ast
import json
import sys

from lincomb.errors import LincombError, UsageError
from lincomb.time_limit import Expired, alarm_available, wall_clock_limit

__all__ = ["add_parser", "displayed", "expert_options", "fit_warnings", "identifiability_warnings", "run"]


def add_parser(subparsers) -> None:
    """Add the ``symreg`` command (with its ``fit`` sub-command) to an argparse sub-parser set.

    Examples
    --------
    >>> parser = argparse.ArgumentParser(prog="lincomb")
    >>> add_parser(parser.add_subparsers(dest="command"))
    >>> args = parser.parse_args(["symreg", "fit", "d.csv", "--time-limit", "30", "--plot", "fit.png"])
    >>> args.time_limit, args.plot, args.degree
    (30.0, 'fit.png', None)
    """
    symreg = subparsers.add_parser("symreg", help="symbolic regression of ODEs from a time series")
    commands = symreg.add_subparsers(dest="symreg_command", metavar="SUBCOMMAND")
    fit = commands.add_parser(
        "fit", help="learn x' = f(x) from a CSV file with columns t,x1,...,xn",
        description="Learn x' = f(x) with the default configuration (the same as SymbolicODERegressor()); "
                    "every option below except --time-limit, --plot, --out and --json is for experts.")
    fit.add_argument("csv", metavar="DATA.csv", help="header t,x1,...,xn; one row per sample")
    fit.add_argument("--method", choices=("network", "stlsq"), default="network",
                     help="network: lincomb's symbolic regression (default); stlsq: the SINDy baseline")
    fit.add_argument("--time-limit", type=float, default=None, metavar="SECONDS",
                     help="stop a fit that runs longer than this; exit 1 and write nothing")
    fit.add_argument("--plot", default=None, metavar="FILE.png", help="write data against the integrated model")
    fit.add_argument("--out", default=None, metavar="FILE.json", help="also write the result as JSON to this file")
    fit.add_argument("--json", action="store_true", help="print JSON instead of equations")
    expert = fit.add_argument_group("expert options (default: the method chooses)")
    expert.add_argument("--degree", type=int, default=None, help="highest polynomial degree")
    expert.add_argument("--functions", default=None,
                        help="comma-separated unary functions ('' for none; see SymbolicODERegressor)")
    rational = expert.add_mutually_exclusive_group()
    rational.add_argument("--rational", dest="rational", action="store_const", const=True, default=None,
                          help="network: search rational units")
    rational.add_argument("--no-rational", dest="rational", action="store_const", const=False,
                          help="network: no rational units")
    expert.add_argument("--epochs", type=int, default=None, help="network: training steps of the network")
    expert.add_argument("--seed", type=int, default=None, help="network: random seed")
    expert.add_argument("--option", action="append", default=[], metavar="NAME=VALUE",
                        help="network: any other SymbolicODERegressor argument, VALUE a Python literal "
                             "(e.g. --option network=True); repeatable")
    fit.set_defaults(handler=run)
    symreg.set_defaults(handler=run)


def expert_options(args: argparse.Namespace) -> dict:
    """The constructor options a user gave on the command line (none given: an empty dict).

    Examples
    --------
    >>> parser = argparse.ArgumentParser(prog="lincomb")
    >>> add_parser(parser.add_subparsers(dest="command"))
    >>> expert_options(parser.parse_args(["symreg", "fit", "d.csv"]))
    {}
    >>> expert_options(parser.parse_args(["symreg", "fit", "d.csv", "--functions", "", "--no-rational",
    ...                                   "--option", "gamma=0.25"]))
    {'functions': (), 'rational': False, 'gamma': 0.25}
    >>> expert_options(parser.parse_args(["symreg", "fit", "d.csv", "--option", "gamma"]))
    Traceback (most recent call last):
    ...
    lincomb.errors.UsageError: --option 'gamma': write NAME=VALUE, e.g. --option network=True
    """
    options = {}
    if args.degree is not None:
        options["degree"] = args.degree
    if args.functions is not None:
        options["functions"] = tuple(f.strip() for f in args.functions.split(",") if f.strip())
    if args.rational is not None:
        options["rational"] = args.rational
    if args.epochs is not None:
        options["epochs"] = args.epochs
    if args.seed is not None:
        options["seed"] = args.seed
    for item in args.option:
        name, equals, text = item.partition("=")
        if not equals or not name.strip():
            raise UsageError(f"--option {item!r}: write NAME=VALUE, e.g. --option network=True")
        try:
            value = ast.literal_eval(text.strip())
        except (ValueError, SyntaxError):
            value = text.strip()
        options[name.strip()] = value
    return options


def run(args: argparse.Namespace) -> int:
    """Run ``lincomb symreg ...``; return the exit code (0 fitted, 1 time limit or failure, 2 bad input).

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
    # integrated R^2 on the data: 1.0000
    0
    """
    if getattr(args, "symreg_command", None) != "fit":
        print("usage: lincomb symreg fit DATA.csv [--time-limit S] [--plot FILE.png] ...", file=sys.stderr)
        return 2
    try:
        return _fit(args)
    except LincombError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2 if isinstance(error, UsageError) else 1


def _check_writable(path: str | None, flag: str) -> None:
    if path is None:
        return
    from lincomb.output_paths import check_output_file

    check_output_file(path, flag)


class FitTimeout(LincombError):
    """The fit ran past ``--time-limit`` (exit code 1).

    Examples
    --------
    >>> issubclass(FitTimeout, LincombError)
    True
    """


def _build_model(args: argparse.Namespace, options: dict):
    if args.method == "stlsq":
        from lincomb.learn.sindy import STLSQRegressor

        allowed = {k: v for k, v in options.items() if k in ("degree", "functions")}
        if set(options) - set(allowed):
            raise UsageError(f"--method stlsq takes only --degree and --functions, not {sorted(set(options) - set(allowed))}")
        return STLSQRegressor(**allowed)
    try:
        import torch  # noqa: F401  (the network method needs it)
    except ImportError:
        from lincomb.errors import MissingDependencyError

        raise MissingDependencyError(
            "the network method needs torch: pip install \"lincomb[learn]\" (or use --method stlsq)"
        ) from None
    from lincomb.learn import symreg

    if hasattr(symreg, "default_regressor"):
        return symreg.default_regressor(**options)
    return symreg.SymbolicODERegressor(**options)


def _fit_with_limit(model, t, X, names, seconds: float | None) -> None:
    if seconds is None:
        model.fit(t, X, names=names)
        return
    if seconds <= 0:
        raise UsageError(f"--time-limit must be positive, got {seconds}")
    if not alarm_available():  # no alarm (Windows, or a worker thread): check afterwards
        import time

        start = time.perf_counter()
        model.fit(t, X, names=names)
        if time.perf_counter() - start > seconds:
            raise FitTimeout(f"the fit took longer than --time-limit {seconds:g} s; no result written")
        return
    try:
        with wall_clock_limit(seconds):
            model.fit(t, X, names=names)
    except Expired:
        raise FitTimeout(f"the fit did not finish within --time-limit {seconds:g} s; no result written "
                         "(raise the limit, or give fewer samples or states)") from None


def displayed(expression):
    """An equation as the command prints it: fitted numbers (floats) to 6 significant digits, exact numbers
    (the coefficients snapped to plain numbers, :mod:`lincomb.learn.coefficient_snapping`) kept exact.

    Examples
    --------
    >>> import sympy
    >>> x = sympy.Symbol("x")
    >>> displayed(sympy.Rational(67, 10) * x - sympy.Float(0.123456789) * x**2)
    -0.123457*x**2 + 67*x/10
    """
    import sympy

    return expression.xreplace({number: sympy.Float(number, 6) for number in expression.atoms(sympy.Float)})


def fit_warnings(fit) -> list[str]:
    """What a user must know about a learned model's integrated fit to the data (empty when it follows them).

    A model that diverges says so; so does one whose integrated R^2 on its own data is below 0, i.e.
    whose trajectory follows the data less well than their mean.  That happens when the weak form
    finds no supported dynamics (at 5 % noise on a slowly relaxing trajectory the defaults can return
    ``x' = 0``), and on chaotic data also to a model with the right terms, whose trajectory leaves
    the data after a few oscillations: the message names both, as the command cannot tell them apart.

    Parameters
    ----------
    fit : IntegratedR2
        :func:`lincomb.learn.symreg_validation.integrated_r2` of the model on the data.

    Returns
    -------
    list of str

    Examples
    --------
    >>> from lincomb.learn.symreg_validation import IntegratedR2
    >>> fit_warnings(IntegratedR2(0.98, (0.98,), False, "ok", ""))
    []
    >>> print(fit_warnings(IntegratedR2(-3.0, (-3.0,), False, "ok", ""))[0])  # doctest: +ELLIPSIS
    the integrated model follows the data less well than their mean (R^2 -3 < 0): ...
    """
    if fit.diverged:
        return [f"the integrated model did not reach the end of the data ({fit.status}: {fit.message})"]
    if fit.r2 < 0:
        return [f"the integrated model follows the data less well than their mean (R^2 {fit.r2:.3g} < 0): it is no "
                "model of these data unless they are chaotic (then a model with the right terms also leaves them "
                "after a few oscillations); at high noise the fit may have found no supported dynamics "
                "(docs/symreg.md, 'What it cannot express or tell apart')"]
    return []


def identifiability_warnings(model, names) -> list[str]:
    """Equations whose terms the data do not single out: other sets fit the whole trajectory as well.

    On one-state data the regressor compares its near-tie sets by their output error (``output_error_``,
    docs/symreg.md "Session 8"); a set of other terms whose criterion lies within the chi-squared(1) 99 %
    quantile of the returned one's fits the data as well, and may extrapolate differently.

    Parameters
    ----------
    model : SymbolicODERegressor
        A fitted regressor.
    names : sequence of str
        The variables' names.

    Returns
    -------
    list of str

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> model = SimpleNamespace(output_error_={"ties": [(0, "0.4 - 0.5*x"), (0, "-0.2*x**2")]})
    >>> print(identifiability_warnings(model, ["x"])[0])  # doctest: +ELLIPSIS
    x': 2 sets of other terms fit the whole trajectory as well (e.g. 0.4 - 0.5*x): ...
    >>> identifiability_warnings(SimpleNamespace(output_error_=None), ["x"])
    []
    """
    record = getattr(model, "output_error_", None) or {}
    warnings = []
    for j, name in enumerate(names):
        ties = [text for equation, text in record.get("ties", []) if equation == j]
        if ties:
            warnings.append(f"{name}': {len(ties)} sets of other terms fit the whole trajectory as well (e.g. {ties[0]}): "
                            "one trajectory does not single out these terms, and they may differ away from the data; "
                            "trajectories from other initial states would tell them apart (docs/symreg.md, 'Session 8')")
    return warnings


def _plot(path: str, t, X, names, prediction, r2) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(len(names), 1, figsize=(7, 2.2 * len(names)), sharex=True, squeeze=False)
    for i, name in enumerate(names):
        ax = axes[i][0]
        ax.plot(t, X[:, i], ".", markersize=3, color="0.5", label="data")
        ax.plot(t, prediction[:, i], "-", color="C0", label="integrated model")
        ax.set_ylabel(name)
    axes[0][0].set_title(f"data vs integrated model (R^2 = {r2:.4g})")
    axes[0][0].legend(fontsize=8)
    axes[-1][0].set_xlabel("t")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _fit(args: argparse.Namespace) -> int:
    import numpy as np
    import sympy

    from lincomb.learn.data_validation import read_time_series_csv
    from lincomb.learn.symreg_validation import data_scale, integrate_model, integrated_r2

    _check_writable(args.plot, "--plot")
    _check_writable(args.out, "--out")
    options = expert_options(args)
    t, X, names = read_time_series_csv(args.csv)
    model = _build_model(args, options)
    _fit_with_limit(model, t, X, names, args.time_limit)
    equations = model.equations()
    symbols = [sympy.Symbol(n) for n in names]
    fit = integrated_r2(equations, symbols, t, X)
    shown = [displayed(e) for e in equations]
    r2_text = "diverged" if fit.diverged else f"{fit.r2:.4f}"
    result = {"method": args.method, "variables": names, "options": {k: list(v) if isinstance(v, tuple) else v
                                                                      for k, v in options.items()},
              "equations": {name: str(e) for name, e in zip(names, shown)},
              "r2_integrated": None if fit.diverged else fit.r2,
              "r2_integrated_per_state": None if fit.diverged else dict(zip(names, fit.per_state)),
              "diverged": fit.diverged, "integration_status": fit.status,
              "snapped_coefficients": int(getattr(model, "snapped_", 0)),
              "shared_units": [{"unit": str(displayed(unit.expression(symbols, unit.theta))),
                                "equations": [names[j] for j in users]}
                               for unit, users in getattr(model, "shared_units_", [])],
              "not_singled_out": identifiability_warnings(model, names)}
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for name, expression in zip(names, shown):
            print(f"{name}' = {expression}")
        detail = "" if fit.diverged or len(names) == 1 else " (" + ", ".join(
            f"{n}: {v:.4f}" for n, v in zip(names, fit.per_state)) + ")"
        print(f"# integrated R^2 on the data: {r2_text}{detail}")
    for warning in fit_warnings(fit) + result["not_singled_out"]:  # on stderr, with --json too
        print(f"# warning: {warning}", file=sys.stderr)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as handle:
            json.dump(result, handle, indent=2)
    if args.plot:
        prediction = integrate_model(equations, symbols, X[0], t, scale=data_scale(X)).X
        _plot(args.plot, t, X, names, np.asarray(prediction), fit.r2)
    return 0
