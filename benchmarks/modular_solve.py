"""Benchmark: the sparse modular solver against solve_sparse_exact (the anchor) and a dense flint solve.

Systems:

* ``max7``, ``max8``: the complete max_n systems for n = 7, 8 (k = 3), columns from
  :func:`lincomb.solvers.max_sorted_cone.template_column` over :func:`lincomb.solvers.max_representation.sorted_templates`;
* ``max9sf``: n = 9 (k = 4) restricted to side-forest templates (8,966 classes), columns from
  :func:`lincomb.solvers.max_columns.template_column_arrays`;
* ``syn8k``: synthetic, 8,000 rows, 4,000 columns, ~300 nonzeros per column, rank 800 (the anchor still fits);
* ``syn52k``, ``syn52k-r2500``: synthetic at the n = 9 row count, 52,000 rows, ~2,000 nonzeros per column, 5,000
  columns of rank 1,000 and 20,000 columns of rank 2,500. The anchor's first dense block is ``rows x min(columns,
  2 rows)`` words: 2 GiB and 8 GiB here (at the complete n = 9, 210k columns, it would be 52k x 104k words, 43 GB);
  anchor and dense are skipped above 2 GiB.

Synthetic columns are ``a g_i + b g_j`` for random sparse generators ``g`` (so the rank is the number of generators)
and ``t`` is a combination of 20 random columns. Solvers, each in its own process (its peak memory is its own;
the resident size with the system loaded is ``baseline_rss_mb``, the peak is reset there (Linux ``clear_refs``) and
``solver_rss_mb`` is the peak above it):

* ``modular``: :func:`lincomb.solvers.modular_solve.modular_solve`, ``stop_early=False`` (all columns read: the
  cost of a complete search), and ``modular-early`` (stops when ``t`` is in the span);
* ``anchor``: :func:`lincomb.solvers.exact_sparse_solve.solve_sparse_exact` (flint nmod_mat dense blocks, fmpq solve
  on the support) on the same system as dict columns, without the left kernel;
* ``dense``: flint ``nmod_mat`` rref of the whole ``[M | t]`` modulo 2^61 - 1 (pivots only: a lower bound on a
  dense exact solve), where it fits in 2 GB.

Ratios are anchor / modular (time, and peak memory above the loaded system). BLAS is pinned to one thread. The
machine is shared (2 cores, several other jobs): the times are measured under load and only ratios within one
run mean much.

Usage: ``python benchmarks/modular_solve.py [CASE ...] [--merge]`` (default: all cases; ``--merge`` keeps the other
cases of the existing JSON). Writes
``benchmarks/results/modular_solve.json`` and ``.png``.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[variable] = "1"
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import numpy as np  # noqa: E402

RESULTS = Path(__file__).parent / "results"
CASES = {
    "max7": {"kind": "max", "n": 7},
    "max8": {"kind": "max", "n": 8},
    "max9sf": {"kind": "max", "n": 9, "shape": "side-forests"},
    "syn8k": {"kind": "synthetic", "rows": 8000, "columns": 4000, "rank": 800, "per_column": 300},
    "syn52k": {"kind": "synthetic", "rows": 52000, "columns": 5000, "rank": 1000, "per_column": 2000},
    "syn52k-r2500": {"kind": "synthetic", "rows": 52000, "columns": 20000, "rank": 2500, "per_column": 2000},
}
SOLVERS = ("modular", "modular-early", "anchor", "dense")
#: Skip a solver when its predicted dense words exceed this (8 bytes each): 2 GB.
DENSE_WORDS_LIMIT = 2**28


def synthetic(rows: int, columns: int, rank: int, per_column: int, seed: int = 0) -> tuple:
    """CSC system with ``rank`` sparse generators, each column ``a g_i + b g_j``; ``t`` combines 20 columns."""
    rng = np.random.default_rng(seed)
    half = per_column // 2
    generator_rows = np.sort(np.stack([rng.choice(rows, half, replace=False) for _ in range(rank)]), axis=1)
    generator_values = rng.integers(1, 4, size=(rank, half)) * rng.choice([-1, 1], size=(rank, half))
    pick = np.stack([rng.choice(rank, 2, replace=False) for _ in range(columns)])
    factor = rng.integers(1, 4, size=(columns, 2))
    entry_rows = np.concatenate([generator_rows[pick[:, 0]], generator_rows[pick[:, 1]]], axis=1)
    values = np.concatenate([generator_values[pick[:, 0]] * factor[:, :1],
                             generator_values[pick[:, 1]] * factor[:, 1:]], axis=1)
    order = np.argsort(entry_rows, axis=1, kind="stable")
    entry_rows = np.take_along_axis(entry_rows, order, 1)
    values = np.take_along_axis(values, order, 1)
    repeat = np.zeros(entry_rows.shape, dtype=bool)
    repeat[:, 1:] = entry_rows[:, 1:] == entry_rows[:, :-1]
    values[:, :-1][repeat[:, 1:]] += values[:, 1:][repeat[:, 1:]]
    values[repeat] = 0
    keep = values != 0
    counts = keep.sum(axis=1)
    indptr = np.zeros(columns + 1, dtype=np.int64)
    indptr[1:] = np.cumsum(counts)
    indices, data = entry_rows[keep].astype(np.int64), values[keep].astype(np.int64)
    lam = np.zeros(columns, dtype=np.int64)
    chosen = rng.choice(columns, 20, replace=False)
    lam[chosen] = rng.integers(-5, 6, 20)
    rhs = np.zeros(rows, dtype=np.int64)
    np.add.at(rhs, indices, data * lam[np.repeat(np.arange(columns), counts)])
    return indptr, indices, data, rows, rhs


def max_system(n: int, shape: str | None = None) -> tuple:
    from lincomb.solvers.max_representation import minimum_pairs, sorted_templates
    from lincomb.solvers.max_sorted_cone import LINEAR, template_column
    from lincomb.solvers.modular_solve import csc_from_dict_columns

    if shape is not None:  # a template subclass, columns by the vectorised kernel of lincomb.solvers.max_columns
        from lincomb.solvers.max_columns import assemble_csc, template_column_arrays
        from lincomb.solvers.max_templates import enumerate_templates, template_orbit_size

        templates = enumerate_templates(n, minimum_pairs(n), shape=shape)
        templates.sort(key=lambda t: (template_orbit_size(t, n), t))
        system = assemble_csc([template_column_arrays(t, n) for t in templates], n)
        return system.indptr, system.indices, system.data, system.n_rows, system.rhs()
    columns = [template_column(t, n) for t in sorted_templates(n, minimum_pairs(n))]
    indptr, indices, data, n_rows, rhs, _ = csc_from_dict_columns(columns, {(LINEAR, n - 1): 1})
    return indptr, indices, data, n_rows, rhs


def _status_mb(field: str) -> float:
    """``VmRSS`` / ``VmHWM`` of this process in MB (Linux), else the peak from getrusage."""
    try:
        with open("/proc/self/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _reset_peak() -> bool:
    """Reset the peak resident size to the current one (Linux ``clear_refs`` 5), so the solver's own peak is measured."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as handle:
            handle.write("5")
        return True
    except OSError:
        return False


def child(solver: str, path: str) -> dict:
    """Run one solver on the saved system in this process; return its record."""
    loaded = np.load(path)
    indptr, indices, data, rhs = loaded["indptr"], loaded["indices"], loaded["data"], loaded["rhs"]
    n_rows = int(loaded["n_rows"])
    record = {"solver": solver}
    if solver in ("anchor", "dense"):
        column_lists = [dict(zip(indices[indptr[j]:indptr[j + 1]].tolist(), data[indptr[j]:indptr[j + 1]].tolist()))
                        for j in range(indptr.size - 1)]
        target = {int(r): int(v) for r, v in enumerate(rhs) if v}
    record["baseline_rss_mb"] = round(_status_mb("VmRSS"), 1)
    record["peak_reset"] = _reset_peak()
    start = time.perf_counter()
    if solver.startswith("modular"):
        from lincomb.solvers.modular_solve import modular_solve

        result = modular_solve(indptr, indices, data, n_rows, rhs, stop_early=solver == "modular-early")
        record.update(found=result.found, rank=result.rank, terms=len(result.solution or {}),
                      columns_read=result.columns_read, seconds_by_stage={k: round(v, 2) for k, v in result.seconds.items()},
                      basis_mb=round(result.basis_bytes / 2**20, 1), basis_density=round(result.basis_density, 4),
                      notes=result.notes)
    elif solver == "anchor":
        from lincomb.solvers.exact_sparse_solve import solve_sparse_exact

        result = solve_sparse_exact(column_lists, target, want_left_kernel=False)
        record.update(found=result.feasible, rank=result.rank, terms=len(result.solution or {}))
    else:
        import flint

        prime = 2**61 - 1
        matrix = flint.nmod_mat(n_rows, len(column_lists) + 1, prime)
        for j, column in enumerate(column_lists):
            for r, v in column.items():
                matrix[r, j] = v % prime
        for r, v in target.items():
            matrix[r, len(column_lists)] = v % prime
        _, rank = matrix.rref()
        record.update(rank_with_t=rank, note="pivots of [M | t] modulo 2^61 - 1 only (no exact solve)")
    record["seconds"] = round(time.perf_counter() - start, 2)
    record["peak_rss_mb"] = round(_status_mb("VmHWM"), 1)
    record["solver_rss_mb"] = round(record["peak_rss_mb"] - record["baseline_rss_mb"], 1)
    return record


def run_case(name: str, spec: dict, folder: Path) -> dict:
    start = time.perf_counter()
    system = max_system(spec["n"], spec.get("shape")) if spec["kind"] == "max" else synthetic(
        spec["rows"], spec["columns"], spec["rank"], spec["per_column"])
    build = time.perf_counter() - start
    indptr, indices, data, n_rows, rhs = system
    path = folder / f"{name}.npz"
    np.savez(path, indptr=indptr, indices=indices, data=data, n_rows=n_rows, rhs=rhs)
    ncols = indptr.size - 1
    record = {"case": name, **spec, "rows": n_rows, "columns": ncols, "nonzeros": int(indptr[-1]),
              "nonzeros_per_column": round(int(indptr[-1]) / max(ncols, 1), 1), "build_seconds": round(build, 1),
              "solvers": {}}
    for solver in SOLVERS:
        if solver == "dense" and n_rows * (ncols + 1) > DENSE_WORDS_LIMIT:
            record["solvers"][solver] = {"skipped": f"dense [M | t] is {n_rows} x {ncols + 1} words "
                                                    f"({n_rows * (ncols + 1) * 8 / 2**30:.0f} GiB)"}
            continue
        # The anchor's first block is rows x min(columns, 2 rows) words (its block is 2 rows columns wide).
        if solver == "anchor" and n_rows * min(ncols, 2 * n_rows) > DENSE_WORDS_LIMIT:
            record["solvers"][solver] = {"skipped": f"its first dense block is {n_rows} x {min(ncols, 2 * n_rows)} words "
                                                    f"({n_rows * min(ncols, 2 * n_rows) * 8 / 2**30:.0f} GiB)"}
            continue
        completed = subprocess.run([sys.executable, __file__, "--child", solver, str(path)],
                                   capture_output=True, text=True)
        if completed.returncode != 0:
            record["solvers"][solver] = {"failed": completed.stderr.strip().splitlines()[-1:]}
        else:
            record["solvers"][solver] = json.loads(completed.stdout.strip().splitlines()[-1])
        print(name, solver, json.dumps(record["solvers"][solver]), file=sys.stderr, flush=True)
    modular = record["solvers"].get("modular", {})
    for other in ("anchor", "dense"):
        theirs = record["solvers"].get(other, {})
        if "seconds" in theirs and modular.get("seconds"):
            record[f"time_ratio_{other}_over_modular"] = round(theirs["seconds"] / modular["seconds"], 2)
            record[f"memory_ratio_{other}_over_modular"] = round(
                max(theirs["solver_rss_mb"], 1.0) / max(modular["solver_rss_mb"], 1.0), 2)
    return record


def main(names, merge: bool = False) -> None:
    records = []
    previous = []
    if merge and (RESULTS / "modular_solve.json").exists():  # keep the other cases of an earlier run
        previous = [r for r in json.loads((RESULTS / "modular_solve.json").read_text())["records"] if r["case"] not in names]
    with tempfile.TemporaryDirectory() as folder:
        for name in names:
            records.append(run_case(name, CASES[name], Path(folder)))
            print(json.dumps(records[-1]), flush=True)
    order = list(CASES)
    records = sorted(previous + records, key=lambda r: order.index(r["case"]) if r["case"] in order else len(order))
    out = {"benchmark": "modular_solve", "load_note": "2 shared cores, other jobs running (load average ~6-8)",
           "blas_threads": 1, "records": records}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "modular_solve.json").write_text(json.dumps(out, indent=1) + "\n")
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(8, 4))
        labels = [r["case"] for r in records]
        for offset, solver in enumerate(SOLVERS):
            heights = [r["solvers"].get(solver, {}).get("seconds", 0) for r in records]
            ax.bar(np.arange(len(records)) + 0.2 * offset - 0.3, heights, width=0.2, label=solver)
        ax.set_xticks(range(len(records)), labels)
        ax.set_yscale("log")
        ax.set_ylabel("seconds (under load; missing = not run)")
        ax.legend()
        ax.set_title("modular_solve vs solve_sparse_exact and dense flint rref")
        fig.tight_layout()
        fig.savefig(RESULTS / "modular_solve.png", dpi=100)
    except ImportError:
        print("matplotlib missing: no PNG", file=sys.stderr)


if __name__ == "__main__":
    arguments = sys.argv[1:]
    if arguments[:1] == ["--child"]:
        print(json.dumps(child(arguments[1], arguments[2])))
    else:
        merge = "--merge" in arguments
        arguments = [a for a in arguments if a != "--merge"]
        unknown = [a for a in arguments if a not in CASES]
        if unknown:
            sys.exit(f"unknown case(s) {unknown}; choose from {list(CASES)}")
        main(arguments or list(CASES), merge)
