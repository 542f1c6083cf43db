"""Benchmark: linear-region enumeration. Two suites.

``--suite planar`` (default): the exact partition by integer splitting (lincomb.solvers.regions_planar) on
2-D inputs in the box [-4, 4]^2, widths 16..256, 2..4 hidden layers, random integer weights in [-5, 5] and
two small torch MLPs trained on a 2-D task (weights rounded to multiples of 2^-10, the network analysed);
one 4-input network on a plane slice. Per case: regions, enumeration seconds (certificate data included),
regions per second, stdlib verification seconds of the JSON certificate, bytes per region; against, in the
same run, the exact LP enumerator (lincomb.solvers.regions) and the Serra et al. MILP where they finish within
their limits (run in a child process that is stopped at the limit: ratios marked ">=" are lower bounds), with
pattern agreement. Writes benchmarks/results/regions_planar.json, regions_planar.png and a picture of the
largest partition, regions_partition.png.

``--suite lp``: exact LP enumeration vs the MILP on networks of widths 4..32, inputs 2..4 in [-3, 3]^n
(benchmarks/results/regions.json and regions.png).

``--suite acceptance``: issue 19's acceptance network (random (64, 64, 64), 2-D, [-4, 4]^2), ``--repeats``
times: enumeration vs verification, in process and as the commands ``lincomb regions count`` / ``lincomb
verify``, wall and CPU seconds, ratios of minima and medians (benchmarks/results/regions_planar_acceptance.json).

Every planar row also has CPU seconds (time.process_time, same run) and verify/enumerate ratios (wall, CPU).

Run: python benchmarks/regions.py [--suite planar|lp|acceptance] [--repeats R] [--quick] [--cases I ...] [--milp-limit S] [--anchor-limit S]
     [--dask local:2]   (lp suite)
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

# Run as a script, this folder comes first on sys.path, where a benchmark named like an installed package would
# shadow it (benchmarks/distributed.py once shadowed Dask's `distributed`); nothing is imported from beside this script.
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


PLANAR_CASES = [  # (name, widths, anchors: run the LP enumerator and the MILP too)
    ("random", [16, 16], True), ("random", [32, 32], True), ("random", [64, 64], False), ("random", [128, 128], False),
    ("random", [256, 256], False), ("random", [16, 16, 16], True), ("random", [32, 32, 32], False),
    ("random", [64, 64, 64], False), ("random", [128, 128, 128], False), ("random", [16, 16, 16, 16], True),
    ("random", [32, 32, 32, 32], False), ("random", [64, 64, 64, 64], False),
    ("trained", [32, 32], True), ("trained", [64, 64, 64], False), ("plane-4d", [32, 32], False),
    ("random", [256, 256, 256], False),
]
PLANAR_QUICK = [0, 1, 5, 12]


def trained_network(widths, seed=0, steps=400):
    """A torch MLP trained on a 2-D task (two interleaved spirals), weights rounded to multiples of 2^-10."""
    import math as _math
    from fractions import Fraction

    import torch

    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed)
    t = torch.rand(800, generator=generator) * 3 * _math.pi
    label = (torch.arange(800) % 2).float()
    angle = t + label * _math.pi
    points = torch.stack([t * torch.cos(angle), t * torch.sin(angle)], 1) / 3 + 0.05 * torch.randn(800, 2, generator=generator)
    modules, previous = [], 2
    for width in widths:
        modules += [torch.nn.Linear(previous, width), torch.nn.ReLU()]
        previous = width
    model = torch.nn.Sequential(*modules, torch.nn.Linear(previous, 1))
    optimiser = torch.optim.Adam(model.parameters(), lr=3e-3)
    for _ in range(steps):
        optimiser.zero_grad()
        loss = torch.nn.functional.binary_cross_entropy_with_logits(model(points).squeeze(1), label)
        loss.backward()
        optimiser.step()
    layers = []
    for module in model:
        if isinstance(module, torch.nn.Linear):
            layers.append(([[Fraction(round(float(w) * 1024), 1024) for w in row] for row in module.weight.tolist()],
                           [Fraction(round(float(b) * 1024), 1024) for b in module.bias.tolist()]))
    return ReLUNetwork(layers), float(loss.detach())


def _anchor_child(connection, kind, network, box, limit):
    try:
        start = time.perf_counter()
        if kind == "lp":
            patterns = enumerate_regions(network, box=box).patterns()
        else:
            patterns = milp_enumerate_patterns(network, box, time_limit=limit).patterns
        connection.send((time.perf_counter() - start, patterns))
    except TimeoutError:
        connection.send((None, None))


def _run_anchor(kind, network, box, limit):
    """``(seconds, patterns)`` of the LP enumerator or the MILP in a child process, or ``(None, None)`` past the limit."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_anchor_child, args=(sender, kind, network, box, limit), daemon=True)
    process.start()
    if receiver.poll(limit + 5):
        result = receiver.recv()
    else:
        result = (None, None)
    process.kill()
    process.join()
    return result


def run_planar_case(index, anchor_limit, milp_limit) -> dict:
    from lincomb.proofs_check.checkers import verify_certificate
    from lincomb.proofs_check.region_checks import partition_certificate
    from lincomb.solvers.regions_planar import planar_partition

    name, widths, anchors = PLANAR_CASES[index]
    box = ([-4, -4], [4, 4])
    slice_ = {}
    extra = {}
    if name == "trained":
        network, loss = trained_network(widths)
        box = ([-3, -3], [3, 3])
        extra["training_loss"] = round(loss, 4)
    elif name == "plane-4d":
        network = random_network(widths, 4, seed=100 + index)
        slice_ = {"origin": [0, 0, 0, 0], "directions": [[1, 0, 1, 0], [0, 1, 0, -1]]}
    else:
        network = random_network_wide(widths, seed=index)
    start, start_cpu = time.perf_counter(), time.process_time()
    partition = planar_partition(network, box, **slice_)
    certificate = partition_certificate(partition, f"{name} network {widths}")
    seconds, cpu = time.perf_counter() - start, time.process_time() - start_cpu
    text = json.dumps(certificate, separators=(",", ":"))
    start, start_cpu = time.perf_counter(), time.process_time()
    verdict = verify_certificate(json.loads(text))
    verify_seconds, verify_cpu = time.perf_counter() - start, time.process_time() - start_cpu
    row = {
        "network": name, "widths": widths, "inputs": network.input_dimension, "regions": partition.count,
        "seconds": round(seconds, 3), "regions_per_second": round(partition.count / seconds),
        "verify_seconds": round(verify_seconds, 3), "verified": verdict.verified,
        "cpu_seconds": round(cpu, 3), "verify_cpu_seconds": round(verify_cpu, 3),
        "ratio_verify_over_enumerate_wall": round(verify_seconds / seconds, 2),
        "ratio_verify_over_enumerate_cpu": round(verify_cpu / cpu, 2),
        "bytes_per_region": len(text) // partition.count, "exact_decisions": partition.exact_decisions, **extra,
    }
    for kind, limit in (("lp", anchor_limit), ("milp", milp_limit)):
        if not anchors:
            row[f"{kind}_seconds"], row[f"{kind}_finished"] = None, None
            continue
        anchor_seconds, patterns = _run_anchor(kind, network, box, limit)
        finished = anchor_seconds is not None
        row[f"{kind}_seconds"] = round(anchor_seconds if finished else limit, 3)
        row[f"{kind}_finished"] = finished
        row[f"{kind}_agree"] = (patterns == partition.patterns()) if finished else None
        row[f"ratio_{kind}_over_planar"] = round((anchor_seconds if finished else limit) / seconds, 1)
    return row, partition


def random_network_wide(widths, seed):
    """Integer weights in [-5, 5] (as the lp suite) on 2 inputs."""
    return random_network(widths, 2, seed)


def _merged(earlier: list, rows: list) -> list:
    keys = {(r["network"], tuple(r["widths"])) for r in rows}
    kept = [r for r in earlier if (r["network"], tuple(r["widths"])) not in keys]
    order = {(name, tuple(widths)): i for i, (name, widths, _) in enumerate(PLANAR_CASES)}
    return sorted(kept + rows, key=lambda r: order.get((r["network"], tuple(r["widths"])), len(order)))


def planar_main(args) -> int:
    results = Path(__file__).parent / "results"
    results.mkdir(exist_ok=True)
    indices = args.cases if args.cases else (PLANAR_QUICK if args.quick else range(len(PLANAR_CASES)))
    rows, largest = [], None
    earlier = []
    if args.cases and (results / "regions_planar.json").exists():
        # a run of selected cases replaces those rows and keeps the others
        earlier = json.loads((results / "regions_planar.json").read_text())["rows"]
    for index in indices:
        row, partition = run_planar_case(index, args.anchor_limit, args.milp_limit)
        rows.append(row)
        if partition.dimension == 2 and (largest is None or partition.count > largest.count):
            largest = partition
        anchors = ""
        for kind in ("lp", "milp"):
            if row[f"{kind}_finished"] is not None:
                mark = "" if row[f"{kind}_finished"] else ">="
                anchors += f" | {kind} {row[f'{kind}_seconds']:.1f} s ratio {mark}{row[f'ratio_{kind}_over_planar']}"
                anchors += f" agree {row.get(f'{kind}_agree')}"
        print(f"{row['network']:>8} {str(row['widths']):>18}: {row['regions']:7d} regions {row['seconds']:7.2f} s "
              f"{row['regions_per_second']:6d}/s, verify {row['verify_seconds']:6.2f} s ({row['verified']}), "
              f"verify/enumerate {row['ratio_verify_over_enumerate_wall']} wall "
              f"{row['ratio_verify_over_enumerate_cpu']} CPU, "
              f"{row['bytes_per_region']} B/region{anchors}", flush=True)
        (results / "regions_planar.json").write_text(json.dumps({
            "benchmark": "regions (planar suite)", "box": "[-4, 4]^2 ([-3, 3]^2 for trained)",
            "anchors": {"lp": "lincomb.solvers.regions.enumerate_regions (exact LP, child process)",
                        "milp": "Serra-Tjandraatmadja-Ramalingam MILP (Pyomo appsi_highs, child process)"},
            "anchor_limit_seconds": args.anchor_limit, "milp_limit_seconds": args.milp_limit,
            "note": "measured on a shared 2-core machine under load (nice 10, BLAS pinned to 1 thread)",
            "rows": _merged(earlier, rows)}, indent=1) + "\n")
    rows = _merged(earlier, rows)
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        from lincomb.regions_cli import plot_partition

        figure, axes = plt.subplots(figsize=(8, 4))
        labels = [f"{r['network'][:5]}\n{'x'.join(map(str, r['widths']))}" for r in rows]
        axes.bar(range(len(rows)), [r["regions_per_second"] for r in rows], color="tab:blue", label="regions / s")
        axes.axhline(1000, color="red", linestyle="--", label="1,000 regions / s")
        axes.set_yscale("log")
        axes.set_xticks(range(len(rows)), labels, fontsize=6)
        axes.set_ylabel("regions per second (exact, certificate data included)")
        axes.legend()
        figure.savefig(results / "regions_planar.png", dpi=130, bbox_inches="tight")
        plt.close(figure)
        if largest is not None:
            plot_partition(largest, results / "regions_partition.png")
    except ImportError:
        print("matplotlib missing: no PNG written", file=sys.stderr)
    return 0


ACCEPTANCE_CASE = 7  # issue 19's acceptance network: random integer weights, widths (64, 64, 64), 2-D, [-4, 4]^2


def _cli_seconds(arguments: list) -> tuple:
    """(wall, CPU) seconds of one ``python -m lincomb ARGUMENTS`` child process (CPU: user + system)."""
    import resource
    import subprocess

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "lincomb", *arguments], check=True, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def acceptance_main(args) -> int:
    """Issue 19's item "the certificate verifies with `lincomb verify` in at most the enumeration's time".

    The acceptance network, ``--repeats`` times, enumeration and verification interleaved in one run: in
    process (enumeration = planar_partition + the certificate data; verification = JSON parse + the stdlib
    checker) and as the commands ``lincomb regions count --certificate`` and ``lincomb verify`` (child
    processes, interpreter start included in both). Wall and CPU (time.process_time in process, the
    children's user + system time for the commands). Both sides are single-process. Writes
    benchmarks/results/regions_planar_acceptance.json.
    """
    import statistics
    import tempfile

    from lincomb.proofs_check.checkers import verify_certificate
    from lincomb.proofs_check.region_checks import partition_certificate
    from lincomb.solvers.regions_planar import planar_partition

    name, widths, _ = PLANAR_CASES[ACCEPTANCE_CASE]
    network = random_network_wide(widths, seed=ACCEPTANCE_CASE)
    box = ([-4, -4], [4, 4])
    times = {key: [] for key in ("enumerate_wall", "enumerate_cpu", "verify_wall", "verify_cpu",
                                 "cli_count_wall", "cli_count_cpu", "cli_verify_wall", "cli_verify_cpu")}
    with tempfile.TemporaryDirectory() as folder:
        net_path, cert_path = Path(folder) / "net.json", Path(folder) / "cert.json"
        net_path.write_text(json.dumps(network.to_json()))
        for _ in range(args.repeats):
            start, start_cpu = time.perf_counter(), time.process_time()
            partition = planar_partition(network, box)
            certificate = partition_certificate(partition, f"{name} network {widths}")
            times["enumerate_wall"].append(time.perf_counter() - start)
            times["enumerate_cpu"].append(time.process_time() - start_cpu)
            text = json.dumps(certificate, separators=(",", ":"))
            start, start_cpu = time.perf_counter(), time.process_time()
            verified = verify_certificate(json.loads(text)).verified
            times["verify_wall"].append(time.perf_counter() - start)
            times["verify_cpu"].append(time.process_time() - start_cpu)
            assert verified
            wall, cpu = _cli_seconds(["regions", "count", str(net_path), "--box", "-4", "4", "-4", "4",
                                      "--certificate", str(cert_path)])
            times["cli_count_wall"].append(wall)
            times["cli_count_cpu"].append(cpu)
            wall, cpu = _cli_seconds(["verify", str(cert_path)])
            times["cli_verify_wall"].append(wall)
            times["cli_verify_cpu"].append(cpu)
    summary = {}
    for statistic, function in (("min", min), ("median", statistics.median)):
        value = {key: function(series) for key, series in times.items()}
        summary[statistic] = {key: round(v, 3) for key, v in value.items()}
        for side, enumerate_key in (("", "enumerate"), ("cli_", "cli_count")):
            for clock in ("wall", "cpu"):
                summary[statistic][f"ratio_{side}verify_over_enumerate_{clock}"] = round(
                    value[f"{side}verify_{clock}"] / value[f"{enumerate_key}_{clock}"], 2)
    result = {
        "benchmark": "regions acceptance (issue 19): verification time / enumeration time",
        "network": f"random integer weights in [-5, 5], widths {widths}, 2 inputs, box [-4, 4]^2 (planar case {ACCEPTANCE_CASE})",
        "regions": partition.count, "repeats": args.repeats,
        "note": "measured on a shared 2-core machine under load (nice 10, BLAS pinned to 1 thread); "
                "enumeration and verification both single-process, interleaved in one run",
        "seconds": {key: [round(v, 3) for v in series] for key, series in times.items()}, **summary,
    }
    results = Path(__file__).parent / "results"
    results.mkdir(exist_ok=True)
    (results / "regions_planar_acceptance.json").write_text(json.dumps(result, indent=1) + "\n")
    for statistic in ("min", "median"):
        row = summary[statistic]
        print(f"{statistic:>6}: in process enumerate {row['enumerate_cpu']:.2f} s CPU ({row['enumerate_wall']:.2f} wall), "
              f"verify {row['verify_cpu']:.2f} s CPU ({row['verify_wall']:.2f} wall): ratio {row['ratio_verify_over_enumerate_cpu']} CPU "
              f"{row['ratio_verify_over_enumerate_wall']} wall | commands: count {row['cli_count_cpu']:.2f} s CPU "
              f"({row['cli_count_wall']:.2f} wall), verify {row['cli_verify_cpu']:.2f} s CPU ({row['cli_verify_wall']:.2f} wall): "
              f"ratio {row['ratio_cli_verify_over_enumerate_cpu']} CPU {row['ratio_cli_verify_over_enumerate_wall']} wall", flush=True)
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suite", choices=("planar", "lp", "acceptance"), default="planar",
                        help="planar: the exact partition at scale (default); lp: exact LP vs MILP on small networks; "
                             "acceptance: verification vs enumeration time on issue 19's network, repeated")
    parser.add_argument("--repeats", type=int, default=5, help="repetitions (acceptance suite)")
    parser.add_argument("--anchor-limit", type=float, default=120.0, help="seconds for the LP enumerator (planar suite)")
    parser.add_argument("--quick", action="store_true", help="only the four smallest cases")
    parser.add_argument("--milp-limit", type=float, default=120.0, help="seconds per MILP enumeration")
    parser.add_argument("--cases", type=int, nargs="+", metavar="I",
                        help="indices into the case list (default: all, or the four smallest with --quick)")
    parser.add_argument("--dask", metavar="TARGET",
                        help="run the cases as Dask tasks: local, local:N or a scheduler address (lincomb[distributed])")
    args = parser.parse_args(argv)
    if args.suite == "acceptance":
        return acceptance_main(args)
    if args.suite == "planar":
        if args.milp_limit == 120.0:
            args.milp_limit = 60.0
        return planar_main(args)
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
