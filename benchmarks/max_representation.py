"""Benchmark: max_representation(n) for n = 5..8 -- time, memory, system sizes -- against an anchor.

Anchor (same run): the plain exact solve of the same system, a dense ``flint.fmpq_mat`` over all template columns
(``solve`` on the normal equations is not used: the anchor row-reduces ``[M | t]`` over Q with ``rref``), for the n
where it fits. lincomb: modular pivots in blocks + one square exact solve. Ratios are anchor / lincomb. The
published n = 11 scale of Ruess et al. (about 12 million template columns, 657,822 directions, 39,042 terms) is
recorded beside our sizes for comparison.

Usage: ``python benchmarks/max_representation.py [N ...]`` (default 5 6 7 8). Writes
``benchmarks/results/max_representation.json`` and ``.png``.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

from lincomb.solvers.max_representation import max_representation
from lincomb.solvers.max_sorted_cone import LINEAR, template_column
from lincomb.solvers.max_templates import enumerate_templates

RESULTS = Path(__file__).parent / "results"
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


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [5, 6, 7, 8])
