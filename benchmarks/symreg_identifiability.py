"""Benchmark: do the training data tell the returned model from the truth? (the R^2 misses of symreg.json)

``benchmarks/symreg.py`` scores a learned model by the R^2 of its integrated solution from a *second* initial
condition, which the method never sees.  When a model misses there, two causes are possible:

* the **method** failed: the training trajectory itself says that the true law fits better;
* the **data** do not identify the law: the returned model and the truth fit the training trajectory equally
  well, and they part only where the data never went (a one-state arc that relaxes to an equilibrium determines
  the right-hand side on the arc only; a chaotic flow amplifies coefficient errors of any size).  No method can
  be credited or blamed for its choice there: it is extrapolation, which the data do not constrain.

This script measures which, for each lincomb run of a headline results file that misses the R^2 > 0.9 bar
(noise 0 and 1 % by default, the two cells the issue sets targets for), by the **output error** on the run's
own training data: both models (the truth, with its true inner constants, and the returned equations, each
split into terms ``coefficient * unit``) have their coefficients refitted by
:func:`lincomb.learn.trajectory_refit.refit_coefficients`, once by multiple shooting (segments of 24 samples,
the refit of the method itself) and once by single shooting (one integration of the whole trajectory, start
state fitted).  With ``s^2`` the residual variance of the truth's multiple-shooting fit and ``m`` its number of
residuals, the likelihood-ratio statistic of each fit is ``2 (cost_returned - cost_truth) / s^2``.

Each miss falls in one class:

* ``exact structure``: the returned model has the true terms; only coefficients differ;
* ``data prefer the truth``: under either fit the statistic exceeds the chi-squared(1) 99 % quantile (6.63);
  the data reject the returned model for the truth: a failure of the method (search, expression space);
* ``not identified``: under both fits the statistic is below that quantile (or negative: the returned model
  fits *better*): the training data do not prefer the truth.

The rule is strict with the method: one degree of freedom (the smallest quantile), and a miss is excused only
when *both* fits fail to separate the models.  Costs are in units of the local noise estimate of the refit
(floored at 1e-3 of the data's RMS, so that noise-free data are compared at the accuracy of their quadrature).

Output: ``results/symreg_identifiability.json`` (one row per miss, with both statistics) and a table on stdout,
with the bound it implies: the R^2 rate a method would reach if every miss of the first two classes were
turned into a pass.

Run: ``python benchmarks/symreg_identifiability.py [--source symreg] [--noises 0,0.01] [--jobs 2] [--out NAME]``
(a few minutes with 2 workers).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import os
import sys
import time
from pathlib import Path

for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import numpy as np  # noqa: E402
import sympy  # noqa: E402

from lincomb.learn.trajectory_refit import expression_features  # noqa: E402

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"

# The zoo benchmark's data (one seed rule for every symreg benchmark), loaded by path.
_spec = importlib.util.spec_from_file_location("symreg_benchmark", HERE / "symreg.py")
symreg_benchmark = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(symreg_benchmark)

#: chi-squared(1) 99 % quantile: a difference in output error beyond it is a preference of the data.
THRESHOLD = 6.634896601021214
#: Refit budget per model and fit (batched integrations; CPU seconds).
MAX_EVALUATIONS = 60
TIME_LIMIT = 20.0


def linear_form(equations, symbols):
    """Split equations into ``W.T z(x)``: the distinct units ``z`` (numeric factors removed) and ``W``.

    Examples
    --------
    >>> x, y = sympy.symbols("x y")
    >>> units, W, features = linear_form([x * (3 - x), 2 * x * y - sympy.Rational(1, 2)], [x, y])
    >>> sorted((str(u), w) for u, w in zip(units, W.tolist()))
    [('1', [0.0, -0.5]), ('x', [3.0, 0.0]), ('x**2', [-1.0, 0.0]), ('x*y', [0.0, 2.0])]
    >>> (features(np.array([[2.0, 1.0]])) @ W).tolist()       # x' = 2 (3 - 2), y' = 2*2*1 - 1/2
    [[2.0, 3.5]]
    """
    units, index, columns = [], {}, []
    for equation in equations:
        column = {}
        for term in sympy.Add.make_args(sympy.expand(sympy.sympify(equation))):
            if term == 0:
                continue
            coefficient, unit = term.as_coeff_Mul()
            key = index.setdefault(unit, len(units))
            if key == len(units):
                units.append(unit)
            column[key] = column.get(key, 0.0) + float(coefficient)
        columns.append(column)
    W = np.zeros((len(units), len(equations)))
    for j, column in enumerate(columns):
        for k, value in column.items():
            W[k, j] = value
    return units, W, expression_features(units, symbols)


def _with_constant(W, features):
    """Give every all-zero equation a free constant (the returned ``x' = 0`` gets its best constant)."""
    empty = ~np.any(W != 0, axis=0)
    if not np.any(empty):
        return W, features, W != 0
    W = np.vstack([W, np.zeros((1, W.shape[1]))])
    mask = W != 0
    mask[-1, empty] = True

    def with_one(Z):
        return np.column_stack([features(Z), np.ones(Z.shape[0])])

    return W, with_one, mask


def _fit(features, W, mask, t, X, segment_samples):
    from lincomb.learn.trajectory_refit import refit_coefficients

    return refit_coefficients(features, W, t, X, mask=mask, segment_samples=segment_samples,
                              max_evaluations=MAX_EVALUATIONS, time_limit=TIME_LIMIT)


def _cost(fit) -> float:
    value = fit.cost_after
    return value if math.isfinite(value) else math.inf


def classify(row: dict) -> dict:
    """Refit the truth and the returned model of one missed run on its training data; never raises."""
    system, t, X_train, _ = symreg_benchmark.clean_trajectories(row["system"])
    out = {key: row[key] for key in ("system", "noise", "seed", "states", "polynomial", "structure", "r2_test")}
    out["equations"] = row["equations"]
    if row["structure"]:
        out["class"] = "exact structure"
        return out
    start = time.process_time()
    try:
        X = symreg_benchmark.noisy_data(row["system"], X_train, row["noise"], row["seed"])
        symbols = list(system.symbols)
        locals_ = {str(s): s for s in symbols}
        truth = list(system.equations())
        returned = [sympy.sympify(e, locals=locals_) for e in row["equations"]]
        _, Wt, ft = linear_form(truth, symbols)
        _, Wr, fr = linear_form(returned, symbols)
        Wr, fr, mask_r = _with_constant(Wr, fr)
        statistics = {}
        for label, samples in (("multiple", 24), ("single", t.size)):
            fit_t = _fit(ft, Wt, Wt != 0, t, X, samples)
            fit_r = _fit(fr, Wr, mask_r, t, X, samples)
            if label == "multiple":
                residuals = fit_t.segments * fit_t.segment_samples * X.shape[1]
                # Costs are in units of the refit's noise estimate (floored at 1e-3 of the RMS): noise-free
                # data are compared at that floor, not at the truth's round-off.
                variance = max(2 * _cost(fit_t) / max(residuals, 1), 1.0 if row["noise"] == 0 else 0.0)
            statistics[label] = {"cost_truth": _cost(fit_t), "cost_returned": _cost(fit_r)}
        for label, s in statistics.items():
            difference = s["cost_returned"] - s["cost_truth"]
            s["statistic"] = (2 * difference / variance if math.isfinite(difference) and variance > 0
                              else (math.inf if s["cost_returned"] == math.inf else -math.inf))
        out["fits"] = statistics
        separated = any(s["statistic"] > THRESHOLD for s in statistics.values())
        out["class"] = "data prefer the truth" if separated else "not identified"
    except Exception as error:  # a failed refit is reported, not excused
        out["class"] = "data prefer the truth"
        out["error"] = f"{type(error).__name__}: {error}"[:300]
    out["cpu_seconds"] = time.process_time() - start
    return out


CLASSES = ("exact structure", "not identified", "data prefer the truth")


def table(rows: list[dict], source: list[dict], noises) -> list[str]:
    """Markdown: misses by class per noise, and the R^2 rate if every miss the data can settle were a pass."""
    lines = ["| noise | runs | R^2 > 0.9 | misses | exact structure | not identified | data prefer the truth "
             "| R^2 > 0.9 if every 'data prefer' miss passed |", "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for noise in noises:
        runs = [r for r in source if r["noise"] == noise]
        passes = sum(symreg_benchmark._good(r["r2_test"]) for r in runs)
        misses = [r for r in rows if r["noise"] == noise]
        counts = {c: sum(r["class"] == c for r in misses) for c in CLASSES}
        bound = (passes + counts["data prefer the truth"]) / max(len(runs), 1)
        lines.append(f"| {noise:g} | {len(runs)} | {passes} ({passes / max(len(runs), 1):.0%}) | {len(misses)} | "
                     f"{counts['exact structure']} | {counts['not identified']} | {counts['data prefer the truth']} | "
                     f"{bound:.0%} |")
    return lines


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", default="symreg", help="results/SOURCE.json to read (default symreg)")
    parser.add_argument("--noises", default="0,0.01")
    parser.add_argument("--systems", default="", help="comma-separated names (default: every miss)")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--out", default=None, help="results/OUT.json (default symreg_identifiability, "
                        "symreg_identifiability_subset with --systems)")
    args = parser.parse_args(argv)
    noises = [float(v) for v in args.noises.split(",") if v]
    payload = json.loads((RESULTS / f"{args.source}.json").read_text())
    wanted = set(s for s in args.systems.split(",") if s)
    source = [r for r in payload["runs"] if r["method"] == "lincomb" and r["noise"] in noises
              and (not wanted or r["system"] in wanted)]
    misses = [r for r in source if not symreg_benchmark._good(r["r2_test"]) and r.get("equations")]
    print(f"{len(misses)} misses of {len(source)} runs", file=sys.stderr, flush=True)
    # Noise-free data are the same for every seed: one refit per system, its row copied to the other seeds.
    unique = {}
    for r in misses:
        unique.setdefault((r["system"], r["noise"], r["seed"] if r["noise"] else 0), r)
    rows = []

    def report(row):
        rows.append(row)
        fits = row.get("fits", {})
        print(f"{row['system']:24s} g={row['noise']:<5g} seed {row['seed']} {row['class']:22s} "
              + " ".join(f"{k} {v['statistic']:.3g}" for k, v in fits.items()) + f" {row.get('error', '')}",
              file=sys.stderr, flush=True)

    if args.jobs > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(args.jobs) as pool:
            done = dict(zip(unique, pool.map(classify, unique.values())))
    else:
        done = {key: classify(row) for key, row in unique.items()}
    for r in misses:
        row = dict(done[(r["system"], r["noise"], r["seed"] if r["noise"] else 0)], seed=r["seed"])
        report(row)
    lines = table(rows, source, noises)
    RESULTS.mkdir(exist_ok=True)
    out = {"source": f"results/{args.source}.json", "source_commit": payload.get("grid", {}).get("lincomb_commit"),
           "commit": symreg_benchmark._commit(), "threshold": THRESHOLD, "table": lines, "runs": rows}
    name = args.out or "symreg_identifiability" + ("" if not wanted else "_subset")
    (RESULTS / f"{name}.json").write_text(json.dumps(out, indent=1))
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
