"""Benchmark: the coefficient refit (learn/trajectory_refit.py) against no refit, on the same fits.

Each case (system, noise, seed) of the zoo in ``benchmarks/symreg.py`` is fitted once with the defaults
and ``refit=False``; the fitted model is then refitted (``refit_symbolic_model``, exactly what the default
``refit=True`` runs at the end of ``fit``) and both models are scored with that benchmark's own metrics
(``evaluate``: exact structure, coefficient error, R^2 from the second initial condition).  The pairing
isolates the refit from everything else (the structure is the same by construction), and the refit's own
wall-clock and CPU time are recorded beside the fit's.

    nice -n 10 python benchmarks/symreg_refit_paired.py --systems halvorsen,chen --noises 0.01 --seeds 3 \\
        --name symreg_dev_refit_paired

Rows go to ``benchmarks/results/NAME.json`` (resumed when it exists); ``--report`` prints the per-system table.
"""

from __future__ import annotations

import argparse
import copy
import importlib.util
import json
import os
import statistics
import sys
import time
from pathlib import Path

for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

HERE = Path(__file__).resolve().parent


def _bench():
    spec = importlib.util.spec_from_file_location("symreg_bench", HERE / "symreg.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_case(bench, name: str, noise: float, seed: int) -> dict:
    import sympy

    from lincomb.learn.symreg import default_regressor
    from lincomb.learn.trajectory_refit import refit_symbolic_model

    system, t, X_train, X_test = bench.clean_trajectories(name)
    X = bench.noisy_data(name, X_train, noise, seed)
    row = {"system": name, "noise": noise, "seed": seed, "states": system.dimension, "samples": int(t.size)}
    model = default_regressor(seed=seed, refit=False, progress=False)
    wall, cpu = time.perf_counter(), time.process_time()
    model.fit(t, X, names=list(system.names))
    row["fit_seconds"], row["fit_cpu_seconds"] = time.perf_counter() - wall, time.process_time() - cpu
    off = model.equations()
    refitted = copy.deepcopy(model)
    wall, cpu = time.perf_counter(), time.process_time()
    outcome = refit_symbolic_model(refitted)
    row["refit_seconds"], row["refit_cpu_seconds"] = time.perf_counter() - wall, time.process_time() - cpu
    on = refitted.equations()
    row["accepted"] = bool(refitted.refit_accepted_)
    if outcome is not None:
        row.update(cost_before=outcome.cost_before, cost_after=outcome.cost_after, segments=outcome.segments,
                   substeps=outcome.substeps, evaluations=outcome.evaluations, message=outcome.message)
    for label, equations in (("off", off), ("on", on)):
        metrics = bench.evaluate(system, equations, t, X_train, X_test)
        row[label] = {key: metrics[key] for key in ("structure", "max_relative_error", "r2_train", "r2_test",
                                                     "status_test", "terms")}
        row[label]["equations"] = [str(sympy.sympify(e).evalf(5)) for e in equations]
    return row


def _good(value) -> bool:
    return value is not None and value > 0.9


def report(rows: list[dict]) -> str:
    lines = ["| system | g | seeds | exact off/on | R^2 > 0.9 2nd IC off -> on | R^2 2nd IC per seed off -> on | "
             "max coef. error (median) off -> on | refit accepted | fit CPU s (median) | refit CPU s (median, max) |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    keys = sorted({(r["system"], r["noise"]) for r in rows})
    for name, noise in keys:
        group = sorted((r for r in rows if r["system"] == name and r["noise"] == noise), key=lambda r: r["seed"])

        def fmt(v):
            return "div" if v is None else f"{v:.2f}"
        lines.append(
            f"| {name} | {noise:g} | {len(group)} | {sum(r['off']['structure'] for r in group)}/"
            f"{sum(r['on']['structure'] for r in group)} | {sum(_good(r['off']['r2_test']) for r in group)} -> "
            f"{sum(_good(r['on']['r2_test']) for r in group)} | "
            f"{', '.join(fmt(r['off']['r2_test']) + '->' + fmt(r['on']['r2_test']) for r in group)} | "
            f"{statistics.median(r['off']['max_relative_error'] for r in group):.4f} -> "
            f"{statistics.median(r['on']['max_relative_error'] for r in group):.4f} | "
            f"{sum(r['accepted'] for r in group)}/{len(group)} | "
            f"{statistics.median(r['fit_cpu_seconds'] for r in group):.2f} | "
            f"{statistics.median(r['refit_cpu_seconds'] for r in group):.2f}, "
            f"{max(r['refit_cpu_seconds'] for r in group):.2f} |")
    n = len(rows)
    if n:
        lines.append("")
        lines.append(f"all {n} runs: exact {sum(r['off']['structure'] for r in rows)} -> {sum(r['on']['structure'] for r in rows)}; "
                     f"R^2 > 0.9 from the 2nd IC {sum(_good(r['off']['r2_test']) for r in rows)} -> "
                     f"{sum(_good(r['on']['r2_test']) for r in rows)}; refit accepted {sum(r['accepted'] for r in rows)}; "
                     f"median fit CPU {statistics.median(r['fit_cpu_seconds'] for r in rows):.2f} s, median refit CPU "
                     f"{statistics.median(r['refit_cpu_seconds'] for r in rows):.2f} s (max "
                     f"{max(r['refit_cpu_seconds'] for r in rows):.2f} s); median fit+refit CPU "
                     f"{statistics.median(r['fit_cpu_seconds'] + r['refit_cpu_seconds'] for r in rows):.2f} s")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--systems", required=False, default="", help="comma-separated names")
    parser.add_argument("--noises", default="0.01")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--name", default="symreg_dev_refit_paired")
    parser.add_argument("--report", action="store_true")
    args = parser.parse_args(argv)
    path = HERE / "results" / f"{args.name}.json"
    rows = json.loads(path.read_text())["runs"] if path.exists() else []
    if not args.report:
        bench = _bench()
        done = {(r["system"], r["noise"], r["seed"]) for r in rows}
        for name in [s for s in args.systems.split(",") if s]:
            for noise in [float(g) for g in args.noises.split(",")]:
                for seed in range(args.seeds):
                    if (name, noise, seed) in done:
                        continue
                    row = run_case(bench, name, noise, seed)
                    rows.append(row)
                    print(f"{name:24s} g={noise:g} seed {seed}  exact {row['on']['structure']}  R2 2nd IC "
                          f"{row['off']['r2_test']} -> {row['on']['r2_test']}  accepted {row['accepted']}  fit "
                          f"{row['fit_cpu_seconds']:.1f} s  refit {row['refit_cpu_seconds']:.2f} s CPU", flush=True)
                    path.write_text(json.dumps({"runs": rows}, indent=1))
    print(report(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
