"""Benchmark: the max_n array pipeline on a local Dask cluster at n = 11 (k = 5), and the cost model for n = 11, 12.

What it measures (all CPU times are ``time.process_time`` of the process that did the work -- the Dask worker for
enumeration and column tasks -- because the machine is shared and wall time says more about the load than about
the code; wall times are recorded beside them, with the load average):

1. **Dask runs** of :func:`lincomb.solvers.max_representation_dask.max_representation_arrays_dask` pieces on a
   ``LocalCluster`` of ``--workers`` single-threaded worker processes, for the side-forests subclass of n = 11,
   k = 5 restricted to templates on at most ``--max-vertices`` indices (``enumerate_templates(11, 5,
   shape="side-forests", max_vertices=M)``, exact and complete for that restriction): enumeration split by A-class
   (classes, B-side candidates, CPU), column blocks (CPU, bytes per block), CSC assembly (rows, nonzeros), and the
   modular solve (rank trace: columns read, rank, solver CPU per pivot block). The solve reads at most
   ``--solve-budget`` bytes worth of basis (rows x columns x 8, the worst case), i.e. a prefix of the columns
   when the whole subclass would not fit.
2. **Column samples** by template size: random side-forest templates on exactly m indices (m = 6..n), n = 11 and
   12: CPU per column and nonzeros per column (m = n uses the dict kernel: the vectorised one holds m <= 10), and
   random full-class templates (``sample_templates``) at n = 11, 12.
3. **Class counts**: exact ones from the runs, and for the full side-forests classes the lower bound
   ``sum_m E(m) / (2 m!)``, where ``E(m)`` is the number of labelled pairs of k-edge forests on [m] using every
   vertex (inclusion-exclusion over the forest counts ``f(j, k) = j! [x^j] T(x)^(j-k) / (j-k)!``,
   ``T(x) = sum s^(s-2) x^s / s!``); the ratio exact / bound is measured where both exist.
4. **Anchor**: the local array pipeline (``max_representation_arrays``, one process) on the subclasses named by
   ``--anchor-max-vertices`` (default M = 6), side by side: same system and answer, wall and CPU ratios
   (``--anchor-only`` adds them to an existing results file without redoing the Dask runs).
5. **Prediction** (formulas in docs/distributed.md, "max_n at n = 11 and 12: cost model").

Usage: ``nice -n 19 python benchmarks/max_frontier_dask.py [--workers 2] [--max-vertices 6 7] [--solve-budget 2e9]
[--stripes 1] [--samples 24]`` (``--solve-budget 0``: the solve reads every column).
Writes ``benchmarks/results/max_frontier_dask.json``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys
import time
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
# Run as a script, this folder comes first on sys.path and nothing here may shadow `distributed`.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import numpy as np  # noqa: E402

from lincomb.solvers.keyed_tasks import dask_client  # noqa: E402
from lincomb.solvers.max_columns import assemble_csc, template_column_arrays  # noqa: E402
from lincomb.solvers.max_representation import _classes_lower_bound, _labelled_forests  # noqa: E402
from lincomb.solvers.max_representation_dask import (  # noqa: E402
    DaskRunStats,
    enumerate_templates_dask,
    template_column_arrays_dask,
)
from lincomb.solvers.max_templates import _acyclic, canonical_template, sample_templates  # noqa: E402
from lincomb.solvers.modular_solve import modular_solve  # noqa: E402

RESULTS = Path(__file__).parent / "results"
K = 5
#: Published sizes (Ruess et al., ../shared/references/relu_depth.md "Frontier numbers").
PUBLISHED = {"n11_columns": 12_179_657, "n11_rows": 657_822, "n11_terms": 39_042, "n9_columns": 210_540,
             "n10_columns": 216_428, "n9_terms": 337, "n10_terms": 402, "n11_cert_mb": 10.96, "n12_cert_mb": 3.69}
#: Exact side-forests class counts measured by the column-side developer (docs/max_representation.md, notes).
EXACT_SIDE_FORESTS = {(9, 4): 8_966, (10, 4): 10_159}
#: Measured at n = 9 side-forests by the solver developer: rank when t entered the span, and our term count.
N9_RANK_AT_SOLUTION, N9_TERMS = 1_239, 380
#: n = 10 side-forests enumeration: 10,159 classes in 224 s wall under load (commit 94144db): seconds per class.
N10_ENUMERATION_S_PER_CLASS = 224 / 10_159


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def side_forest_bound(n: int, k: int, max_vertices: int | None = None) -> dict:
    """Lower bound on the side-forests classes using exactly m indices, per m (labelled count / (2 m!))."""
    top = min(n, 4 * k, max_vertices or n)
    f = [0] * (top + 1)
    for j, count in _labelled_forests(top, k, max(top - k, 0)).items():
        f[j] = count
    out = {}
    for m in range(1, top + 1):
        exactly = sum((-1) ** (m - j) * math.comb(m, j) * f[j] ** 2 for j in range(m + 1))
        if exactly:
            out[m] = exactly / (2 * math.factorial(m))
    return out


def random_side_forest_template(m: int, k: int, rng: random.Random):
    def forest():
        while True:
            pairs = set()
            while len(pairs) < k:
                pairs.add(tuple(sorted(rng.sample(range(m), 2))))
            if _acyclic(sorted(pairs)):
                return sorted(pairs)

    while True:
        a, b = forest(), forest()
        if len({v for p in a + b for v in p}) == m:
            return canonical_template(a, b)


def column_cost(templates, n):
    cpu, nnz = [], []
    for t in templates:
        start = time.process_time()
        linear, keys, _ = template_column_arrays(t, n)
        cpu.append(time.process_time() - start)
        nnz.append(len(keys) + int(np.count_nonzero(linear)))
    return {"samples": len(templates), "cpu_ms_per_column": 1e3 * float(np.mean(cpu)),
            "nonzeros_per_column": float(np.mean(nnz)), "nonzeros_max": int(max(nnz))}


def column_samples(samples: int, seed: int) -> dict:
    rng = random.Random(seed)
    out = {}
    for n in (11, 12):
        for m in range(6, n + 1):
            count = samples if m <= 10 else max(2, samples // 8)   # m > 10: dict kernel, seconds per column
            out[f"n{n}_m{m}"] = column_cost([random_side_forest_template(m, K, rng) for _ in range(count)], n)
            out[f"n{n}_m{m}"]["kernel"] = "arrays" if m <= 10 else "dict fallback (m > 10)"
            say(f"column sample n={n} m={m}: {out[f'n{n}_m{m}']}")
        full = sample_templates(n, K, max(4, samples // 2), seed=seed)
        out[f"n{n}_full_sample"] = column_cost(full, n)
        out[f"n{n}_full_sample"]["vertices_histogram"] = {
            str(v): sum(1 for t in full if len({x for p in t.a + t.b for x in p}) == v) for v in range(1, n + 1)}
        say(f"column sample n={n} full class (sample_templates): {out[f'n{n}_full_sample']}")
    return out


def dask_run(client, max_vertices: int, solve_budget: float, stripes: int = 1) -> dict:
    stats = DaskRunStats()
    wall = time.perf_counter()
    templates = enumerate_templates_dask(11, K, client, shape="side-forests", max_vertices=max_vertices,
                                         stripes=stripes, stats=stats)
    say(f"M={max_vertices}: {len(templates):,} classes from {stats.a_classes} A-classes, "
        f"enumeration CPU {stats.enumeration_cpu:.1f} s, wall {stats.enumeration_wall:.1f} s")
    columns = template_column_arrays_dask(templates, 11, client, stats=stats)
    say(f"M={max_vertices}: columns CPU {stats.columns_cpu:.1f} s over {stats.column_tasks} tasks, "
        f"wall {stats.columns_wall:.1f} s")
    start = time.perf_counter()
    system = assemble_csc(columns, 11)
    del columns
    assemble = time.perf_counter() - start
    say(f"M={max_vertices}: {system.n_rows:,} rows, {system.columns:,} columns, {system.nnz:,} nonzeros")
    prefix = system.columns
    if solve_budget > 0:
        prefix = min(prefix, max(1, int(solve_budget // (8 * system.n_rows))))
    trace = []
    cpu0 = time.process_time()

    def progress(stage, done, total, info=""):
        if stage == "pivots" and info.startswith("rank "):
            trace.append((int(done), int(info.split()[1]), round(time.process_time() - cpu0, 3)))

    start = time.perf_counter()
    solved = modular_solve(system.indptr[:prefix + 1], system.indices[:system.indptr[prefix]],
                           system.data[:system.indptr[prefix]], system.n_rows, system.rhs(), progress=progress)
    solve_wall, solve_cpu = time.perf_counter() - start, time.process_time() - cpu0
    say(f"M={max_vertices}: solve on {prefix:,} columns: {solved.status}, rank {solved.rank}, CPU {solve_cpu:.1f} s")
    counts = np.diff(system.indptr)
    blocks = stats.column_block_bytes
    return ({
        "subclass": f"enumerate_templates(11, 5, shape='side-forests', max_vertices={max_vertices})",
        "classes": len(templates), "a_classes": stats.a_classes, "enumeration_tasks": stats.enumeration_tasks,
        "candidates": stats.candidates, "enumeration_cpu_s": round(stats.enumeration_cpu, 2),
        "enumeration_wall_s": round(stats.enumeration_wall, 2),
        "classes_per_s_per_core": round(len(templates) / max(stats.enumeration_cpu, 1e-9), 1),
        "cpu_us_per_candidate": round(1e6 * stats.enumeration_cpu / max(stats.candidates, 1), 2),
        "column_tasks": stats.column_tasks, "columns_cpu_s": round(stats.columns_cpu, 2),
        "columns_wall_s": round(stats.columns_wall, 2),
        "columns_per_s_per_core": round(len(templates) / max(stats.columns_cpu, 1e-9), 1),
        "block_bytes_mean": int(np.mean(blocks)), "block_bytes_max": int(max(blocks)),
        "bytes_per_column_in_blocks": round(sum(blocks) / len(templates), 1),
        "rows": system.n_rows, "nonzeros": int(system.nnz),
        "nonzeros_per_column_mean": round(float(counts.mean()), 1), "nonzeros_per_column_max": int(counts.max()),
        "max_abs_entry": int(np.abs(system.data).max()),
        "assemble_wall_s": round(assemble, 2),
        "solve_columns": prefix, "solve_status": solved.status, "solve_rank": solved.rank,
        "solve_columns_read": solved.columns_read, "solve_cpu_s": round(solve_cpu, 2),
        "solve_wall_s": round(solve_wall, 2), "solve_seconds": {k: round(v, 2) for k, v in solved.seconds.items()},
        "solve_basis_bytes": solved.basis_bytes, "solve_peak_rss_bytes": solved.peak_rss_bytes,
        "rank_trace": trace, "total_wall_s": round(time.perf_counter() - wall, 1),
        "note": "a subclass without a solution proves nothing; no infeasibility certificate is written",
    }, templates)


def anchor_run(max_vertices: int, dask: dict) -> dict:
    """The local array pipeline (``max_representation_arrays``, one process) on the same subclass: the anchor."""
    from lincomb.solvers.max_representation import max_representation_arrays

    cpu, wall = time.process_time(), time.perf_counter()
    local = max_representation_arrays(11, K, shape="side-forests", max_vertices=max_vertices)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    dask_cpu = dask["enumeration_cpu_s"] + dask["columns_cpu_s"] + dask["solve_cpu_s"]
    dask_wall = dask["enumeration_wall_s"] + dask["columns_wall_s"] + dask["assemble_wall_s"] + dask["solve_wall_s"]
    same = (local.templates, local.rows, local.nonzeros, local.rank, local.feasible) == (
        dask["classes"], dask["rows"], dask["nonzeros"], dask["solve_rank"], dask["solve_status"] == "solution")
    return {"max_vertices": max_vertices, "local_cpu_s": round(cpu, 2), "local_wall_s": round(wall, 2),
            "local_seconds": {k: round(v, 2) for k, v in local.seconds.items()},
            "dask_cpu_s_tasks_plus_solve": round(dask_cpu, 2), "dask_wall_s": round(dask_wall, 2),
            "ratio_local_over_dask_wall": round(wall / dask_wall, 2),
            "ratio_dask_over_local_cpu": round(dask_cpu / max(cpu, 1e-9), 2),
            "same_system_and_answer": same}


def elimination_constant(runs: list) -> float | None:
    """Seconds per (rows x rank) per new pivot, from the rank traces (the basis update ~ rows x rank^2 / 2)."""
    work, seconds = 0.0, 0.0
    for run in runs:
        trace = [(0, 0, 0.0)] + run["rank_trace"]
        for (c0, r0, s0), (c1, r1, s1) in zip(trace, trace[1:]):
            if c1 < c0:  # the second pivot prime starts again from column 0
                r0 = 0
            if r1 > r0:
                work += run["rows"] * (r0 + r1) / 2 * (r1 - r0)
                seconds += s1 - s0
    return seconds / work if work else None


def rows_growth(templates: list) -> dict:
    """Rows of the same templates' system at n = 11 and n = 12 (how the hinge rows grow with n at fixed templates)."""
    out = {}
    for n in (11, 12):
        start = time.process_time()
        system = assemble_csc([template_column_arrays(t, n) for t in templates], n)
        out[f"n{n}"] = {"rows": system.n_rows, "nonzeros": int(system.nnz),
                        "cpu_s": round(time.process_time() - start, 2)}
    out["ratio_12_over_11"] = out["n12"]["rows"] / out["n11"]["rows"]
    return out


#: Our side-forests runs (docs/modular_solve.md): rows, rank when t entered the span, terms, pivot seconds.
SIDE_FORESTS_SOLVES = {9: (6_129, 1_239, 380, 8.1), 10: (16_340, 1_972, 400, 112.8)}
#: Full-class rows of the linear system (published: Wang & Basu n = 9, 10; Ruess et al. n = 11).
FULL_ROWS = {9: 51_984, 10: 112_837, 11: 657_822}


def predict(runs: list, samples: dict, growth: dict, workers_per_node: int = 16) -> dict:
    """The cost model (docs/distributed.md, "max_n at n = 11 and 12: cost model")."""
    out = {}
    ratios = [EXACT_SIDE_FORESTS[nk] / sum(side_forest_bound(*nk).values()) for nk in EXACT_SIDE_FORESTS]
    for run in runs:
        mv = int(run["subclass"].split("max_vertices=")[1].rstrip(")"))
        ratios.append(run["classes"] / sum(side_forest_bound(11, K, mv).values()))
    ratio_hi = max(ratios)
    per_candidate = max(run["cpu_us_per_candidate"] for run in runs) * 1e-6
    cand_per_class = max(run["candidates"] / run["classes"] for run in runs)
    c_measured = elimination_constant(runs)
    c_solves = {n: sec / (rows * rank ** 2 / 2) for n, (rows, rank, _, sec) in SIDE_FORESTS_SOLVES.items()}
    # The constant from the solve that reached the largest rank (small ranks are dominated by per-column overhead).
    ranked = [(max((r for _, r, _ in run["rank_trace"]), default=0), c_measured) for run in runs if c_measured]
    ranked += [(SIDE_FORESTS_SOLVES[n][1], c) for n, c in c_solves.items()]
    c_elim = max(ranked)[1]
    rank_per_term = max(rank / terms for _, rank, terms, _ in SIDE_FORESTS_SOLVES.values())
    side_row_share = max(SIDE_FORESTS_SOLVES[n][0] / FULL_ROWS[n] for n in (9, 10))
    for n in (11, 12):
        bound = side_forest_bound(n, K)
        low = sum(bound.values())
        col_cpu = sum(bound[m] * samples[f"n{n}_m{max(m, 6)}"]["cpu_ms_per_column"] * 1e-3 for m in bound)
        nnz = sum(bound[m] * samples[f"n{n}_m{max(m, 6)}"]["nonzeros_per_column"] for m in bound)
        full_rows = FULL_ROWS[11] * (1 if n == 11 else growth["ratio_12_over_11"])
        side = {
            "classes_lower_bound": round(low), "classes_estimate_high": round(low * ratio_hi),
            "classes_by_vertices_bound": {str(m): round(v) for m, v in bound.items()},
            "enumeration_cpu_s_low": round(low * ratio_hi * cand_per_class * per_candidate),
            "enumeration_s_high": round(low * ratio_hi * N10_ENUMERATION_S_PER_CLASS),
            "columns_cpu_s": round(col_cpu * ratio_hi),
            "columns_cpu_s_if_m_eq_n_vectorised": round(ratio_hi * (col_cpu - bound[n] * (
                samples[f"n{n}_m{n}"]["cpu_ms_per_column"] - samples[f"n{n}_m10"]["cpu_ms_per_column"]) * 1e-3
                - (bound.get(11, 0) * (samples["n12_m11"]["cpu_ms_per_column"] - samples["n12_m10"]["cpu_ms_per_column"]
                                       ) * 1e-3 if n == 12 else 0))),
            "nonzeros": round(nnz * ratio_hi), "column_storage_bytes_int32": round(8 * nnz * ratio_hi),
            "rows_estimate": round(side_row_share * full_rows), "rows_upper_bound": round(full_rows),
        }
        full_cols = PUBLISHED["n11_columns"] if n == 11 else _classes_lower_bound(12, K, True) * (
            PUBLISHED["n11_columns"] / _classes_lower_bound(11, K, True))
        full = {"columns": round(full_cols),
                "columns_cpu_s": round(full_cols * samples[f"n{n}_full_sample"]["cpu_ms_per_column"] * 1e-3),
                "nonzeros": round(full_cols * samples[f"n{n}_full_sample"]["nonzeros_per_column"]),
                "column_storage_bytes_int32": round(
                    8 * full_cols * samples[f"n{n}_full_sample"]["nonzeros_per_column"]),
                "rows_estimate": round(full_rows)}
        # Rank when t enters the span: between the published term count (n = 12: the n = 11 count scaled by the
        # certificate sizes 3.69 / 10.96 MB, same bytes per term) and rank_per_term times it, at most the rows.
        terms = PUBLISHED["n11_terms"] * (1 if n == 11 else PUBLISHED["n12_cert_mb"] / PUBLISHED["n11_cert_mb"])
        for part in (side, full):
            part["cores_for_columns_in_1h"] = math.ceil(part["columns_cpu_s"] / 3600)
            part["nodes_of_16_cores_for_columns_in_1h"] = math.ceil(part["cores_for_columns_in_1h"] / workers_per_node)
            rows = part["rows_estimate"]
            part["scenarios"] = []
            for rank in sorted({round(min(terms, rows)), round(min(terms * rank_per_term, rows))}):
                flops_time = c_elim * rows * rank ** 2 / 2
                basis = 4 * (rows - rank) * rank
                square = 8 * rank * rank    # the dense inverse of the support system (Dixon), float64
                part["scenarios"].append({
                    "rank_at_solution": rank, "elimination_cpu_s_one_prime": round(flops_time),
                    "basis_bytes_float32": basis, "support_inverse_bytes": square,
                    "nodes_of_64GB_for_basis_or_inverse": math.ceil(max(basis, square) / 48e9),
                    "dixon_inverse_cpu_s": round(c_elim * rank ** 3),
                })
        out[f"n{n}_side_forests"] = side
        out[f"n{n}_full"] = full
    out["constants"] = {"exact_over_bound_ratios": [round(r, 3) for r in ratios],
                        "enumeration_cpu_us_per_candidate": per_candidate * 1e6,
                        "candidates_per_class": cand_per_class,
                        "elimination_s_per_row_rank_pivot_measured_here": c_measured,
                        "elimination_s_per_row_rank_pivot_n9_n10": c_solves,
                        "elimination_s_per_row_rank_pivot_used": c_elim,
                        "rank_per_term_used": rank_per_term, "side_forests_row_share_used": side_row_share,
                        "rows_ratio_n12_over_n11_same_templates": growth["ratio_12_over_11"],
                        "enumeration_s_per_class_n10": N10_ENUMERATION_S_PER_CLASS}
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--max-vertices", type=int, nargs="+", default=[6, 7])
    parser.add_argument("--solve-budget", type=float, default=2e9,
                        help="solve a prefix of at most BUDGET / (8 rows) columns; 0: all columns")
    parser.add_argument("--stripes", type=int, default=1, help="enumeration stripes per group of A-classes")
    parser.add_argument("--anchor-max-vertices", type=int, nargs="*", default=[6],
                        help="subclasses also run by the local pipeline (the anchor), side by side")
    parser.add_argument("--samples", type=int, default=24)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=RESULTS / "max_frontier_dask.json")
    parser.add_argument("--anchor-only", action="store_true",
                        help="only add the anchor runs to the existing --out file (its Dask runs stay as they are)")
    ns = parser.parse_args(argv)
    if ns.anchor_only:
        document = json.loads(ns.out.read_text())
        document["anchor"] = [anchor_run(int(run["subclass"].split("max_vertices=")[1].rstrip(")")), run)
                              for run in document["dask_runs"]
                              if int(run["subclass"].split("max_vertices=")[1].rstrip(")")) in ns.anchor_max_vertices]
        document["anchor_load_average"] = os.getloadavg()
        ns.out.write_text(json.dumps(document, indent=1, default=float) + "\n")
        say(f"anchor: {document['anchor']}")
        return 0
    document = {"machine": {"cores": os.cpu_count(), "load_average_start": os.getloadavg(),
                            "note": "measured under load (shared 2-core machine, nice 19); rates are CPU seconds"},
                "command": "nice -n 19 python benchmarks/max_frontier_dask.py "
                + " ".join(sys.argv[1:] if argv is None else argv)}
    runs, first_templates = [], None
    with dask_client(f"local:{ns.workers}", timeout=120) as client:
        for mv in ns.max_vertices:
            run, templates = dask_run(client, mv, ns.solve_budget, ns.stripes)
            runs.append(run)
            first_templates = first_templates or templates
            document["dask_runs"] = runs
            ns.out.write_text(json.dumps(document, indent=1) + "\n")
    document["anchor"] = []
    for run in runs:
        mv = int(run["subclass"].split("max_vertices=")[1].rstrip(")"))
        if mv in ns.anchor_max_vertices:
            document["anchor"].append(anchor_run(mv, run))
            say(f"anchor M={mv}: {document['anchor'][-1]}")
    document["column_samples"] = samples = column_samples(ns.samples, ns.seed)
    document["class_counts"] = {
        "side_forests_exact": {f"n{n}_k{k}": v for (n, k), v in EXACT_SIDE_FORESTS.items()}
        | {f"n11_k5_max_vertices{r['subclass'].split('=')[-1].rstrip(')')}": r["classes"] for r in runs},
        "multigraph_lower_bound": {f"n{n}": _classes_lower_bound(n, k, True)
                                   for n, k in ((9, 4), (10, 4), (11, 5), (12, 5))},
        "published": PUBLISHED,
    }
    document["rows_growth_same_templates"] = growth = rows_growth(first_templates)
    say(f"rows growth n = 11 -> 12 on the first subclass: {growth}")
    document["prediction"] = predict(runs, samples, growth)
    document["machine"]["load_average_end"] = os.getloadavg()
    ns.out.parent.mkdir(parents=True, exist_ok=True)
    ns.out.write_text(json.dumps(document, indent=1, default=float) + "\n")
    say(f"wrote {ns.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
