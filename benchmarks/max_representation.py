"""Benchmark: max_representation(n) for n = 5..8 -- time, memory, system sizes -- against an anchor.

Anchor (same run): the plain exact solve of the same system, a dense ``flint.fmpq_mat`` over all template columns
(``solve`` on the normal equations is not used: the anchor row-reduces ``[M | t]`` over Q with ``rref``), for the n
where it fits. lincomb: modular pivots in blocks + one square exact solve. Ratios are anchor / lincomb. The
published n = 11 scale of Ruess et al. (about 12 million template columns, 657,822 directions, 39,042 terms) is
recorded beside our sizes for comparison.

Usage: ``python benchmarks/max_representation.py [N ...]`` (default 5 6 7 8). Writes
``benchmarks/results/max_representation.json`` and ``.png``.

Attempts beyond n = 8: ``python benchmarks/max_representation.py --attempt 9:3000 9:6000 10:3000`` searches
with ``S`` template classes drawn at random (seed 0) for each ``N:S``, each in its own process so that its peak
memory is its own, and writes ``benchmarks/results/max_representation_attempts.json``: time per stage, peak
memory, system size, rank, and whether a representation was found (a sampled search that finds none proves
nothing about the full template set).  The columns are computed on a local Dask cluster (one worker process
per core; needs ``lincomb[distributed]``).

Sparse supports: ``python benchmarks/max_representation.py --sparsest [N ...] [--time-limit S] [--objective width]``
(default 5 6 7 8, 300 s, minimise the templates used; ``width``: the sum of their orbit sizes) runs :func:`lincomb.solvers.max_sparsest.sparsest_representation` (HiGHS MILP minimising the templates used,
warm-started at the pivots' solution, its support re-solved exactly) and writes
``benchmarks/results/max_representation_sparsest.json`` (templates used by the pivots and by the sparse solution,
the published counts, MILP status and bound, both network widths) and one verified certificate per n,
``certificates/max_representation_sparsest_nN.json`` (the shipped certificates folder).

Networks: ``python benchmarks/max_representation.py --networks [N ...]`` proves the network of each solution equal
to max_n by the symmetric argument (kind ``symmetric-network-identity``, one chamber) and, for n <= 6, by the
anchor (``braid-chamber-identity`` of the one-orientation network, all n! chambers); times of search side and
checker, widths, ratio anchor / symmetric; ``benchmarks/results/max_representation_networks.json``.

Frontier pipeline: ``python benchmarks/max_representation.py --frontier [N ...] [--shape S]`` (default 5 6 7 8 9,
shape ``side-forests``) runs :func:`lincomb.solvers.max_representation.max_representation_arrays` (template
subclass -> vectorised CSC columns -> sparse modular solve -> exact check) for each n in its own process (so its peak
memory is its own), with, in the same run, the previous pipeline on the same templates (dict columns of
``template_column`` + ``solve_sparse_exact``, flint dense blocks) as the anchor where n <= 8, and the column
kernels side by side on the same random templates (columns per second, old and new). Writes
``benchmarks/results/max_representation_frontier.json`` and ``.png``: time and peak memory per stage, rows, columns,
nonzeros, rank, terms, and the ratios anchor / new.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

# Run as a script, this folder comes first on sys.path, where a benchmark named like an installed package would
# shadow it (benchmarks/distributed.py once shadowed Dask's `distributed`); nothing is imported from beside this script.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from lincomb.solvers.max_representation import max_representation  # noqa: E402
from lincomb.solvers.max_sorted_cone import LINEAR, template_column  # noqa: E402
from lincomb.solvers.max_templates import enumerate_templates  # noqa: E402

RESULTS = Path(__file__).parent / "results"
#: Shipped certificates (listed with their SHA-256 in the README, verified by tests/test_shipped_certificates.py).
CERTIFICATES = Path(__file__).parent.parent / "certificates"
PUBLISHED_N11 = {"n": 11, "templates": 12_000_000, "directions": 657_822, "terms": 39_042, "source": "Ruess et al."}
ANCHOR_UP_TO = 7


def anchor_dense_rref(n: int, k: int) -> float:
    """Seconds for a dense exact rref of [M | t] over Q (python-flint fmpq_mat)."""
    import flint

    start = time.perf_counter()
    columns = [template_column(t, n) for t in enumerate_templates(n, k)]
    rows = list(dict.fromkeys([(LINEAR, p) for p in range(n)] + [key for c in columns for key in c]))
    index = {key: i for i, key in enumerate(rows)}
    matrix = flint.fmpq_mat(len(rows), len(columns) + 1)
    for j, column in enumerate(columns):
        for key, value in column.items():
            matrix[index[key], j] = value
    matrix[index[(LINEAR, n - 1)], len(columns)] = 1
    matrix.rref()
    return time.perf_counter() - start


def main(ns) -> None:
    records = []
    for n in ns:
        start = time.perf_counter()
        result = max_representation(n, progress=lambda m: print("  ", m, file=sys.stderr, flush=True))
        seconds = time.perf_counter() - start
        record = {
            "n": n, "k": result.k, "feasible": result.feasible, "terms": len(result.terms),
            "templates": result.templates, "directions": result.directions, "nonzeros": result.nonzeros,
            "rank": result.rank, "seconds": round(seconds, 2),
            "seconds_by_stage": {key: round(value, 2) for key, value in result.seconds.items()},
            "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        }
        if n <= ANCHOR_UP_TO:
            anchor = anchor_dense_rref(n, result.k)
            # compare like with like: columns + solve of lincomb vs columns + dense rref of the anchor
            ours = result.seconds["columns"] + result.seconds["solve"] + result.seconds["templates"]
            record["anchor_dense_rref_seconds"] = round(anchor, 2)
            record["ratio_anchor_over_lincomb"] = round(anchor / ours, 2)
        records.append(record)
        print(json.dumps(record), flush=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = {"benchmark": "max_representation", "records": records, "published_n11": PUBLISHED_N11}
    (RESULTS / "max_representation.json").write_text(json.dumps(out, indent=1) + "\n")
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(6, 4))
        ns_done = [r["n"] for r in records]
        for key in ("templates", "directions", "terms"):
            ax.semilogy(ns_done, [r[key] for r in records], "o-", label=key)
        for key, marker in (("templates", "s"), ("directions", "^"), ("terms", "x")):
            ax.semilogy([11], [PUBLISHED_N11[key]], marker, label=f"published n=11 {key}")
        ax.set_xlabel("n")
        ax.set_title("max_n representations: system sizes")
        ax.legend(fontsize=7)
        fig.tight_layout()
        fig.savefig(RESULTS / "max_representation.png", dpi=100)
    except ImportError:
        print("matplotlib missing: no PNG", file=sys.stderr)
    for r in records:
        print(f"n={r['n']} k={r['k']} terms={r['terms']} templates={r['templates']} directions={r['directions']} "
              f"nonzeros={r['nonzeros']} rank={r['rank']} {r['seconds']} s, {r['max_rss_mb']} MB, "
              f"anchor/lincomb={r.get('ratio_anchor_over_lincomb', '-')}")


def attempt_one(n: int, sample: int, seed: int = 0) -> dict:
    """One sampled search (run in a fresh process by :func:`attempts`); the record of its outcome."""
    from lincomb.distributed import dask_client
    from lincomb.solvers.max_representation_dask import max_representation_dask

    start = time.perf_counter()
    with dask_client("local") as client:  # one worker process per core computes the columns
        result = max_representation_dask(n, sample=sample, seed=seed, client=client,
                                          progress=lambda m: print("  ", m, file=sys.stderr, flush=True))
    record = {
        "n": n, "k": result.k, "sample": sample, "seed": seed, "found": result.feasible,
        "terms": len(result.terms), "templates": result.templates, "directions": result.directions,
        "nonzeros": result.nonzeros, "rank": result.rank, "seconds": round(time.perf_counter() - start, 1),
        "seconds_by_stage": {key: round(value, 1) for key, value in result.seconds.items()},
        # The client's peak (the workers only hold their share of the columns while computing them).
        "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "column_workers": "one process per core",
    }
    if result.feasible:
        from lincomb.proofs_check.checkers import verify_certificate
        from lincomb.proofs_check.max_two_hidden import representation_certificate

        certificate = representation_certificate(result)
        record["verified"] = verify_certificate(certificate).status == "VERIFIED"
        if n > 8:  # new territory: keep the certificate beside the results
            (RESULTS / f"max_representation_n{n}.json").write_text(json.dumps(certificate) + "\n")
    return record


def _case_record(arguments: list, failed: dict, capture_stderr: bool) -> dict:
    """Run this script on one case in a child process (its memory is returned to the system after each case)
    and return the JSON record on its last stdout line, or ``failed`` with the error: the child's last stderr
    line when ``capture_stderr`` (its stderr is then replayed, last 4,000 characters), else its exit code."""
    done = subprocess.run([sys.executable, __file__, *arguments], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE if capture_stderr else None, text=True)
    if capture_stderr:
        sys.stderr.write(done.stderr[-4000:])
    if done.returncode == 0:
        return json.loads(done.stdout.strip().splitlines()[-1])
    error = done.stderr.strip().splitlines()[-1:] if capture_stderr else f"exit {done.returncode}"
    return {**failed, "found": False, "error": error}


def _replace_record(records: list, record: dict, fields: tuple) -> list:
    """``records`` with ``record`` in place of the one with the same ``fields``, sorted by them; the record is
    also printed."""
    key = tuple(record[f] for f in fields)
    merged = [r for r in records if tuple(r[f] for f in fields) != key] + [record]
    print(json.dumps(record), flush=True)
    return sorted(merged, key=lambda r: tuple(r[f] for f in fields))


def attempts(specs) -> None:
    path = RESULTS / "max_representation_attempts.json"
    # Earlier attempts stay in the file (a rerun of the same n and sample size replaces its record).
    records = json.loads(path.read_text())["records"] if path.exists() else []
    for spec in specs:
        n, sample = (int(part) for part in spec.split(":"))
        print(f"attempt n = {n} with {sample} sampled templates", file=sys.stderr, flush=True)
        record = _case_record(["--one", f"{n}:{sample}"], {"n": n, "sample": sample}, capture_stderr=True)
        records = _replace_record(records, record, ("n", "sample"))
        RESULTS.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(
            {"benchmark": "max_representation_attempts", "records": records, "published_n11": PUBLISHED_N11},
            indent=1) + "\n")


#: Published template counts (relu_depth.md: n = 6 printed by Ruess et al.; n = 9, 10 reported second-hand;
#: n = 11 from the later version of their paper).
PUBLISHED_TEMPLATES = {6: 4, 9: 337, 10: 402, 11: 39_042}


def sparsest(ns, time_limit: float, objective: str = "templates") -> None:
    """Sparse supports for each n (``--sparsest``): templates used and network widths beside the published counts."""
    import hashlib

    from lincomb.proofs_check.checkers import verify_certificate
    from lincomb.proofs_check.max_two_hidden import representation_certificate
    from lincomb.solvers.max_sparsest import sparsest_representation
    from lincomb.theory.max_representation_network import representation_widths
    from lincomb.theory.symmetric_network import symmetric_max_network

    path = RESULTS / "max_representation_sparsest.json"
    records = json.loads(path.read_text())["records"] if path.exists() else []
    for n in ns:
        start = time.perf_counter()
        result = sparsest_representation(n, time_limit=time_limit, objective=objective,
                                         progress=lambda m: print("  ", m, file=sys.stderr, flush=True))
        seconds = time.perf_counter() - start
        terms = [(c, t.a, t.b) for c, t in result.terms]
        certificate = representation_certificate(result.as_max_representation(), check=None)
        certificate["provenance"]["solver"] = (
            f"lincomb.solvers.max_sparsest: HiGHS MILP min {objective} ({result.milp_status}, {time_limit:g} s limit), "
            "support re-solved exactly")
        verdict = verify_certificate(json.loads(json.dumps(certificate)))
        text = json.dumps(certificate) + "\n"
        suffix = "" if objective == "templates" else f"_{objective}"
        certificate_path = CERTIFICATES / f"max_representation_sparsest_n{n}{suffix}.json"
        certificate_path.write_text(text)
        widths_start = time.perf_counter()
        one_orientation = representation_widths(n, terms)
        symmetric = symmetric_max_network(n, terms).widths
        record = {
            "n": n, "k": result.k, "objective": objective, "templates_in_system": result.templates,
            "templates_used_by_pivots": result.pivot_terms, "templates_used": len(result.terms),
            "published_templates": PUBLISHED_TEMPLATES.get(n),
            "milp_status": result.milp_status, "milp_incumbent": result.milp_objective,
            "milp_bound": result.milp_bound, "milp_time_limit_s": time_limit,
            "widths_network": list(one_orientation), "widths_symmetric_network": list(symmetric),
            "certificate": certificate_path.name, "certificate_sha256": hashlib.sha256(text.encode()).hexdigest(),
            "verified": verdict.status == "VERIFIED",
            "seconds": round(seconds, 1),
            "seconds_by_stage": {key: round(value, 1) for key, value in result.seconds.items()},
            "widths_seconds": round(time.perf_counter() - widths_start, 1),
        }
        records = [r for r in records if (r["n"], r.get("objective", "templates")) != (n, objective)] + [record]
        records.sort(key=lambda r: (r["n"], r.get("objective", "templates")))
        print(json.dumps(record), flush=True)
        RESULTS.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({
            "benchmark": "max_representation_sparsest",
            "note": "MILP bounds are floating-point evidence for a big-M model, not proofs of minimality; every "
                    "representation is exact and its certificate verified by the stdlib checker. Measured under "
                    "load on a shared 2-core machine.",
            "published_templates": PUBLISHED_TEMPLATES, "records": records}, indent=1) + "\n")


def networks(ns) -> None:
    """Network identity for each n (``--networks``): the symmetric argument (one chamber) against the anchor, the
    braid-chamber proof of the one-orientation network (all n! chambers), where the anchor finishes (n <= 6)."""
    from lincomb.proofs_check.checkers import verify_certificate
    from lincomb.proofs_check.identity_certificates import braid_chamber_identity_certificate
    from lincomb.proofs_check.symmetric_network_certificates import symmetric_network_certificate
    from lincomb.theory.constructions import max_function
    from lincomb.theory.symmetric_network import symmetric_max_network

    path = RESULTS / "max_representation_networks.json"
    records = json.loads(path.read_text())["records"] if path.exists() else []
    for n in ns:
        result = max_representation(n)
        terms = [(c, t.a, t.b) for c, t in result.terms]
        start = time.perf_counter()
        network = symmetric_max_network(n, terms)
        certificate = symmetric_network_certificate(network, statement=f"max_{n}")
        build = time.perf_counter() - start
        start = time.perf_counter()
        verdict = verify_certificate(json.loads(json.dumps(certificate)))
        check = time.perf_counter() - start
        record = {"n": n, "terms": len(terms), "symmetric_widths": list(network.widths),
                  "symmetric_orbits": len(network.orbits), "symmetric_build_seconds": round(build, 2),
                  "symmetric_checker_seconds": round(check, 2), "symmetric_verified": verdict.status == "VERIFIED",
                  "certificate_chars": len(json.dumps(certificate))}
        if n <= 6:
            start = time.perf_counter()
            plain = result.network()
            anchor = braid_chamber_identity_certificate(plain, max_function(n), statement=f"max_{n}")
            anchor_build = time.perf_counter() - start
            start = time.perf_counter()
            anchor_verdict = verify_certificate(json.loads(json.dumps(anchor)))
            anchor_check = time.perf_counter() - start
            record.update({
                "anchor": "braid-chamber-identity of the one-orientation network (n! chambers)",
                "anchor_widths": list(plain.widths), "anchor_build_seconds": round(anchor_build, 2),
                "anchor_checker_seconds": round(anchor_check, 2),
                "anchor_verified": anchor_verdict.status == "VERIFIED",
                "ratio_anchor_over_symmetric": round((anchor_build + anchor_check) / max(build + check, 1e-3), 1)})
        records = [r for r in records if r["n"] != n] + [record]
        records.sort(key=lambda r: r["n"])
        print(json.dumps(record), flush=True)
        RESULTS.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"benchmark": "max_representation_networks",
                                    "note": "measured under load on a shared 2-core machine", "records": records},
                                   indent=1) + "\n")


def frontier_one(n: int, shape: str, time_limit: float = 3600.0) -> dict:
    """One run of the array pipeline (``--frontier-one``, in a fresh process), with the previous pipeline beside it."""
    import os

    from lincomb.solvers.exact_sparse_solve import solve_sparse_exact
    from lincomb.solvers.max_columns import StageProgress, template_column_arrays
    from lincomb.solvers.max_representation import max_representation_arrays
    from lincomb.solvers.max_templates import sample_templates

    os.environ.setdefault("OMP_NUM_THREADS", "1")
    start = time.perf_counter()
    result = max_representation_arrays(n, shape=shape, progress=StageProgress(interval=10),
                                       time_limit=time_limit, memory_limit=12e9)
    record = {
        "n": n, "k": result.k, "shape": shape, "found": result.feasible, "terms": len(result.terms),
        "columns": result.templates, "rows": result.rows, "directions": result.directions,
        "nonzeros": result.nonzeros, "rank_mod_p": result.rank, "seconds": round(time.perf_counter() - start, 2),
        "seconds_by_stage": {key: round(value, 2) for key, value in result.seconds.items()},
        "peak_rss_mb": round(result.peak_bytes / 1e6, 1),
        # the process's high-water mark at the end of each stage (it rises in the stage that needed the memory)
        "peak_rss_mb_by_stage": {key: round(value / 1e6, 1) for key, value in result.peak_bytes_by_stage.items()},
    }
    if result.feasible:
        from lincomb.proofs_check.checkers import verify_certificate
        from lincomb.proofs_check.max_two_hidden import representation_certificate

        certificate = representation_certificate(result)
        if n <= 8:
            t0 = time.perf_counter()
            record["verified"] = verify_certificate(json.loads(json.dumps(certificate))).status == "VERIFIED"
            record["checker_seconds"] = round(time.perf_counter() - t0, 2)
        else:  # the stdlib checker needs n!/(n-m)! orderings per term (minutes to hours): run `lincomb verify` apart
            (RESULTS / f"max_representation_frontier_n{n}.json").write_text(json.dumps(certificate) + "\n")
            record["certificate"] = f"benchmarks/results/max_representation_frontier_n{n}.json (verify apart)"
    # Column kernels side by side on the same random templates (all template shapes, loops allowed).
    from lincomb.solvers.max_representation import minimum_pairs

    k = minimum_pairs(n)
    sample = sample_templates(n, k, 60 if n >= 9 else 100, seed=5) if n >= 7 else enumerate_templates(n, k)
    t0 = time.perf_counter()
    for template in sample:
        template_column_arrays(template, n)
    new_rate = len(sample) / (time.perf_counter() - t0)
    old_sample = sample[: 20 if n >= 9 else len(sample)]
    t0 = time.perf_counter()
    for template in old_sample:
        template_column(template, n)
    old_rate = len(old_sample) / (time.perf_counter() - t0)
    record["kernel_columns_per_second"] = {"new": round(new_rate, 1), "old": round(old_rate, 1),
                                           "ratio_new_over_old": round(new_rate / old_rate, 2)}
    if n <= 8:  # the previous pipeline on the same templates: dict columns + flint dense blocks
        templates = enumerate_templates(n, result.k, shape=shape)
        t0 = time.perf_counter()
        columns = [template_column(t, n) for t in templates]
        t1 = time.perf_counter()
        solved = solve_sparse_exact(columns, {(LINEAR, n - 1): 1}, want_left_kernel=False)
        t2 = time.perf_counter()
        ours = result.seconds["columns"] + result.seconds["assemble"] + result.seconds["solve"]
        record["anchor_previous_pipeline"] = {
            "found": solved.feasible, "columns_seconds": round(t1 - t0, 2), "solve_seconds": round(t2 - t1, 2),
            "ratio_anchor_over_new": round((t2 - t0) / max(ours, 1e-6), 2)}
        record["anchor_dense_flint"] = _dense_flint_anchor(columns, n, result.seconds["solve"])
    return record


def _dense_flint_anchor(columns: list, n: int, solve_seconds: float) -> dict:
    """The solve stage as a dense exact solve: flint ``fmpq_mat`` rref of the whole ``[M | t]`` over Q.

    The system is consistent exactly when the last column is not a pivot. Only for n <= 8 (it is dense: at n = 9 the
    side-forest system is 6,129 x 8,967 rationals; ``benchmarks/modular_solve.py`` measures a dense reduction
    modulo a prime there).
    """
    import flint

    keys = sorted({key for column in columns for key in column}, key=repr)
    row_of = {key: number for number, key in enumerate(keys)}
    start = time.perf_counter()
    matrix = flint.fmpq_mat(len(keys), len(columns) + 1)
    for j, column in enumerate(columns):
        for key, value in column.items():
            matrix[row_of[key], j] = value
    matrix[row_of[(LINEAR, n - 1)], len(columns)] = 1
    reduced, rank = matrix.rref()
    pivot_in_t = all(reduced[rank - 1, j] == 0 for j in range(len(columns)))  # a row 0 = 1: inconsistent
    seconds = time.perf_counter() - start
    return {"found": not pivot_in_t, "rank_with_t": rank, "seconds": round(seconds, 3),
            "ratio_anchor_over_new_solve": round(seconds / max(solve_seconds, 1e-6), 2)}


def frontier(ns, shape: str) -> None:
    path = RESULTS / "max_representation_frontier.json"
    records = json.loads(path.read_text())["records"] if path.exists() else []
    for n in ns:
        print(f"frontier n = {n}, shape {shape}", file=sys.stderr, flush=True)
        # stderr not captured: the stage progress of a long case streams through
        record = _case_record(["--frontier-one", str(n), shape], {"n": n, "shape": shape}, capture_stderr=False)
        records = _replace_record(records, record, ("n", "shape"))
        RESULTS.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"benchmark": "max_representation_frontier",
                                    "note": "measured under load on a shared 2-core machine (nice 10)",
                                    "records": records}, indent=1) + "\n")
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        done_records = [r for r in records if "seconds_by_stage" in r]
        fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
        for stage in ("templates", "columns", "assemble", "solve", "check"):
            points = [(r["n"], r["seconds_by_stage"].get(stage)) for r in done_records
                      if r["seconds_by_stage"].get(stage)]
            if points:
                left.semilogy(*zip(*points), "o-", label=stage)
        left.set_xlabel("n"); left.set_ylabel("seconds"); left.set_title("array pipeline: time per stage")
        left.legend(fontsize=7)
        for key in ("columns", "rows", "nonzeros"):
            right.semilogy([r["n"] for r in done_records], [r[key] for r in done_records], "o-", label=key)
        right.set_xlabel("n"); right.set_title("system size (template subclass)"); right.legend(fontsize=7)
        fig.tight_layout()
        fig.savefig(RESULTS / "max_representation_frontier.png", dpi=100)
    except ImportError:
        print("matplotlib missing: no PNG", file=sys.stderr)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--networks"]:
        networks([int(a) for a in sys.argv[2:]] or [5, 6, 7, 8])
    elif sys.argv[1:2] == ["--sparsest"]:
        arguments = sys.argv[2:]
        options = {"--time-limit": "300", "--objective": "templates"}
        for option in options:
            if option in arguments:
                at = arguments.index(option)
                options[option] = arguments[at + 1]
                del arguments[at:at + 2]
        sparsest([int(a) for a in arguments] or [5, 6, 7, 8], float(options["--time-limit"]), options["--objective"])
    elif sys.argv[1:2] == ["--one"]:
        n, sample = (int(part) for part in sys.argv[2].split(":"))
        print(json.dumps(attempt_one(n, sample)), flush=True)
    elif sys.argv[1:2] == ["--frontier-one"]:
        print(json.dumps(frontier_one(int(sys.argv[2]), sys.argv[3])), flush=True)
    elif sys.argv[1:2] == ["--frontier"]:
        arguments = sys.argv[2:]
        shape = "side-forests"
        if "--shape" in arguments:
            at = arguments.index("--shape")
            shape = arguments[at + 1]
            del arguments[at:at + 2]
        frontier([int(a) for a in arguments] or [5, 6, 7, 8, 9], shape)
    elif sys.argv[1:2] == ["--attempt"]:
        attempts(sys.argv[2:])
    else:
        main([int(a) for a in sys.argv[1:]] or [5, 6, 7, 8])
