"""Benchmark: exact region enumeration (lincomb.solvers.regions) vs the Serra et al. MILP enumeration (Pyomo + HiGHS).

Both run in the same process on the same random integer-weight networks inside the box [-3, 3]^n
(widths 4..32, 2..3 hidden layers, inputs 2..4); the table reports the region counts (which must agree) and
the time ratio MILP / exact. The MILP gets a time limit per case; where it runs out, the ratio is a lower
bound (marked ">="). Writes benchmarks/results/regions.json and regions.png.

Run: python benchmarks/regions.py [--quick] [--cases I ...] [--milp-limit S] [--dask local:2]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

# Run as a script, this folder comes first on sys.path, and benchmarks/distributed.py would shadow the
# `distributed` package (Dask) that --dask imports; nothing is imported from beside this script.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from lincomb.solvers.regions import enumerate_regions  # noqa: E402
from lincomb.solvers.regions_milp import milp_enumerate_patterns  # noqa: E402
from lincomb.theory import ReLUNetwork  # noqa: E402

CASES = [  # (widths, inputs)
    ([4, 4], 2), ([6, 6], 2), ([8, 8], 2), ([4, 4, 4], 3), ([8, 8], 3), ([16, 16], 2), ([8, 8, 8], 3),
    ([16, 16], 4), ([32, 32], 2), ([32, 32, 32], 4),
]
QUICK = CASES[:4]


def random_network(widths, n, seed):
    rng = random.Random(seed)
    layers, previous = [], n
    for width in [*widths, 1]:
        layers.append(([[rng.randint(-5, 5) for _ in range(previous)] for _ in range(width)],
                       [rng.randint(-5, 5) for _ in range(width)]))
        previous = width
    return ReLUNetwork(layers)


def run_case(spec) -> dict:
    """Exact enumeration and the MILP on case ``(index, widths, inputs, milp_limit)``; the row of the table."""
    index, widths, n, milp_limit = spec
    network = random_network(widths, n, seed=index)
    box = ([-3] * n, [3] * n)
    start = time.perf_counter()
    exact = enumerate_regions(network, box=box)
    exact_seconds = time.perf_counter() - start
    try:
        milp = milp_enumerate_patterns(network, box, time_limit=milp_limit)
        milp_seconds, milp_count, finished = milp.seconds, milp.count, True
        agree = milp.patterns == exact.patterns()
    except TimeoutError:
        milp_seconds, milp_count, finished, agree = milp_limit, None, False, None
    return {
        "widths": widths, "inputs": n, "exact_regions": exact.count, "exact_seconds": round(exact_seconds, 4),
        "exact_lp_calls": exact.lp_calls, "milp_regions": milp_count, "milp_seconds": round(milp_seconds, 4),
        "milp_finished": finished, "patterns_agree": agree, "ratio_milp_over_exact": round(milp_seconds / exact_seconds, 2),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="only the four smallest cases")
    parser.add_argument("--milp-limit", type=float, default=120.0, help="seconds per MILP enumeration")
    parser.add_argument("--cases", type=int, nargs="+", metavar="I",
                        help="indices into the case list (default: all, or the four smallest with --quick)")
    parser.add_argument("--dask", metavar="TARGET",
                        help="run the cases as Dask tasks: local, local:N or a scheduler address (lincomb[distributed])")
    args = parser.parse_args(argv)
    rows = []
    selected = [(i, CASES[i]) for i in args.cases] if args.cases else list(enumerate(QUICK if args.quick else CASES))
    results = Path(__file__).parent / "results"
    results.mkdir(exist_ok=True)
    def record(row) -> None:
        rows.append(row)
        mark = "" if row["milp_finished"] else ">="
        milp_count = row["milp_regions"] if row["milp_finished"] else "?"
        print(f"{str(row['widths']):>14} n={row['inputs']}: exact {row['exact_regions']:6d} regions "
              f"{row['exact_seconds']:8.2f} s | MILP {milp_count:>6} {row['milp_seconds']:8.2f} s | "
              f"ratio {mark}{row['ratio_milp_over_exact']:.1f} | agree {row['patterns_agree']}", flush=True)
        # Written after every case, so a long run that is stopped keeps what it measured.
        (results / "regions.json").write_text(json.dumps({
            "benchmark": "regions", "anchor": "Serra-Tjandraatmadja-Ramalingam MILP (Pyomo appsi_highs)",
            "milp_limit_seconds": args.milp_limit, "dask": args.dask, "rows": rows}, indent=1) + "\n")

    specs = [(index, widths, n, args.milp_limit) for index, (widths, n) in selected]
    if args.dask:
        # Each case (exact and MILP, one after the other) is one Dask task, so both times of a ratio come
        # from the same worker; results come back in case order, keyed by case.
        from lincomb.distributed import dask_client, map_keyed

        with dask_client(args.dask) as client:
            for row in map_keyed(run_case, specs, [f"regions-case-{spec[0]}" for spec in specs], client):
                record(row)
    else:
        for spec in specs:
            record(run_case(spec))
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        figure, axes = plt.subplots(figsize=(7, 4))
        labels = [f"{r['widths']}\nn={r['inputs']}" for r in rows]
        axes.bar(range(len(rows)), [r["ratio_milp_over_exact"] for r in rows],
                 color=["tab:blue" if r["milp_finished"] else "tab:gray" for r in rows])
        axes.axhline(5, color="red", linestyle="--", label="5x")
        axes.set_yscale("log")
        axes.set_xticks(range(len(rows)), labels, fontsize=6)
        axes.set_ylabel("MILP time / exact time (grey: MILP hit its limit, lower bound)")
        axes.legend()
        figure.savefig(results / "regions.png", dpi=130, bbox_inches="tight")
    except ImportError:
        print("matplotlib missing: no PNG written", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
