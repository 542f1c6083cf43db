"""Benchmark: max_n template columns on 1 vs 2 local Dask workers, against the serial loop, plus a seed sweep.

Part 1 (the acceptance measurement). For each n, the templates are enumerated once; then, in the same run, the
columns of the sorted-cone system are computed three ways and must agree exactly:

* anchor -- the serial loop of ``lincomb.solvers.max_representation`` (``template_column`` per template, here);
* lincomb on a ``LocalCluster`` of 1 worker process and of 2 worker processes
  (``lincomb.solvers.max_representation_dask.template_columns``; cluster start-up timed apart).

Reported: seconds, speed-up of 2 workers over 1, and the ratio anchor / Dask for each. On a machine shared with
other work the speed-up is bounded by the free cores, so the load average is recorded beside it, and so are the CPU
seconds each worker spent: their sum over their maximum (``balance_bound``) is the speed-up the split allows when
every worker has a core of its own.

Part 2. A seed sweep with ``lincomb.distributed.map_seeds``: exact linear-region counts of random integer ReLU
networks (``lincomb.solvers.regions.enumerate_regions``), here and on the 2-worker cluster; the lists must be equal.

Usage: ``python benchmarks/dask_scaling.py [N ...]`` (default 8; 9 is accepted but enumerating its k = 4 templates
takes long). Writes ``benchmarks/results/dask_scaling.json`` and ``.png``.
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path, and its name would shadow the `distributed`
# package (Dask) that lincomb imports; drop the folder (this script imports nothing from beside it).
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from lincomb.distributed import dask_client, map_seeds  # noqa: E402
from lincomb.solvers.max_representation import minimum_pairs  # noqa: E402
from lincomb.solvers.max_representation_dask import sorted_templates, template_columns  # noqa: E402
from lincomb.solvers.max_sorted_cone import template_column  # noqa: E402

RESULTS = Path(__file__).parent / "results"
SWEEP_SEEDS = list(range(8))
SWEEP_WIDTHS = (2, 8, 8, 1)


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def region_count_of_seed(seed: int) -> int:
    """Exact number of linear regions of a random integer ReLU network (widths SWEEP_WIDTHS) on R^2."""
    from lincomb.solvers.regions import enumerate_regions
    from lincomb.theory import ReLUNetwork

    rng = random.Random(seed)
    layers = []
    for fan_in, fan_out in zip(SWEEP_WIDTHS, SWEEP_WIDTHS[1:]):
        weights = [[rng.randint(-3, 3) for _ in range(fan_in)] for _ in range(fan_out)]
        layers.append((weights, [rng.randint(-3, 3) for _ in range(fan_out)]))
    return enumerate_regions(ReLUNetwork(layers)).count


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    value = function(*args, **kwargs)
    return value, time.perf_counter() - start


def main(ns) -> int:
    records = []
    start_up = {}
    clients = {}
    try:
        for workers in (1, 2):
            manager = dask_client(f"local:{workers}", timeout=120)
            started = time.perf_counter()
            clients[workers] = (manager, manager.__enter__())
            start_up[workers] = round(time.perf_counter() - started, 2)
            say(f"local cluster with {workers} worker(s) up in {start_up[workers]} s")

        for n in ns:
            k = minimum_pairs(n)
            templates, enumerate_seconds = timed(sorted_templates, n, k)
            say(f"n = {n}, k = {k}: {len(templates)} templates ({enumerate_seconds:.1f} s)")
            serial, serial_seconds = timed(lambda: [template_column(t, n) for t in templates])
            say(f"  anchor, serial loop here: {serial_seconds:.1f} s")
            record = {
                "n": n, "k": k, "templates": len(templates), "enumerate_seconds": round(enumerate_seconds, 2),
                "anchor_serial_seconds": round(serial_seconds, 2),
                "nonzeros": sum(len(column) for column in serial),
            }
            for workers, (_, client) in clients.items():
                before = client.run(time.process_time)
                columns, seconds = timed(template_columns, templates, n, client)
                after = client.run(time.process_time)
                # CPU seconds each worker spent: the split of the work, whatever else runs on the machine.
                cpu = sorted(round(after[w] - before[w], 2) for w in after if w in before)
                record[f"dask_{workers}_worker_cpu_seconds"] = cpu
                record[f"dask_{workers}_balance_bound"] = round(sum(cpu) / max(cpu), 2)
                if columns != serial:
                    say(f"  MISMATCH: the columns from {workers} worker(s) differ from the serial loop")
                    return 1
                record[f"dask_{workers}_seconds"] = round(seconds, 2)
                record[f"ratio_anchor_over_dask_{workers}"] = round(serial_seconds / seconds, 2)
                say(f"  Dask, {workers} worker(s): {seconds:.1f} s (identical columns); worker CPU seconds {cpu}")
            record["speedup_2_over_1"] = round(record["dask_1_seconds"] / record["dask_2_seconds"], 2)
            record["load_average_1min"] = round(os.getloadavg()[0], 2)
            say(f"  speed-up of 2 workers over 1: {record['speedup_2_over_1']}x "
                f"(load average {record['load_average_1min']} on {os.cpu_count()} cores)")
            records.append(record)

        here, here_seconds = timed(map_seeds, region_count_of_seed, SWEEP_SEEDS)
        there, there_seconds = timed(map_seeds, region_count_of_seed, SWEEP_SEEDS, clients[2][1])
        if here != there:
            say(f"MISMATCH in the seed sweep: {here} here, {there} on Dask")
            return 1
        sweep = {
            "what": f"exact linear-region counts of random integer ReLU networks, widths {SWEEP_WIDTHS}",
            "seeds": SWEEP_SEEDS, "region_counts": here, "anchor_serial_seconds": round(here_seconds, 2),
            "dask_2_seconds": round(there_seconds, 2), "ratio_anchor_over_dask_2": round(here_seconds / there_seconds, 2),
        }
        say(f"seed sweep: {here} -- here {here_seconds:.1f} s, 2 workers {there_seconds:.1f} s (identical)")
    finally:
        for manager, _ in clients.values():
            manager.__exit__(None, None, None)

    RESULTS.mkdir(parents=True, exist_ok=True)
    document = {
        "benchmark": "distributed",
        "machine": {"cpu_count": os.cpu_count()},
        "cluster_start_seconds": start_up,
        "records": records,
        "seed_sweep": sweep,
    }
    (RESULTS / "dask_scaling.json").write_text(json.dumps(document, indent=1) + "\n")
    _plot(records, sweep)
    print(f"{'n':>3} {'templates':>9} {'serial s':>9} {'1 worker s':>11} {'2 workers s':>12} {'speed-up':>9}")
    for r in records:
        print(f"{r['n']:>3} {r['templates']:>9} {r['anchor_serial_seconds']:>9} {r['dask_1_seconds']:>11} "
              f"{r['dask_2_seconds']:>12} {r['speedup_2_over_1']:>8}x")
    print(f"wrote {RESULTS / 'dask_scaling.json'} and {RESULTS / 'dask_scaling.png'}")
    return 0


def _plot(records, sweep) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        say("matplotlib is not installed: no PNG (pip install \"lincomb[learn]\")")
        return
    labels = [f"n = {r['n']} columns" for r in records] + ["region seed sweep"]
    serial = [r["anchor_serial_seconds"] for r in records] + [sweep["anchor_serial_seconds"]]
    one = [r["dask_1_seconds"] for r in records] + [0]
    two = [r["dask_2_seconds"] for r in records] + [sweep["dask_2_seconds"]]
    figure, axes = plt.subplots(figsize=(6.5, 4))
    positions = range(len(labels))
    width = 0.27
    axes.bar([p - width for p in positions], serial, width, label="serial loop (anchor)")
    axes.bar(list(positions), one, width, label="Dask, 1 worker")
    axes.bar([p + width for p in positions], two, width, label="Dask, 2 workers")
    axes.set_xticks(list(positions), labels)
    axes.set_ylabel("seconds")
    axes.set_title("lincomb on Dask (LocalCluster, processes, 1 thread each)")
    axes.legend()
    figure.tight_layout()
    figure.savefig(RESULTS / "dask_scaling.png", dpi=120)


if __name__ == "__main__":
    sys.exit(main([int(arg) for arg in sys.argv[1:]] or [8]))
