"""Benchmark: the HBDSS ReLU-depth MIP for n = 4, float anchors vs lincomb's certified solve.

In one run: (a) plain HiGHS on the MPS export of the model (the anchor), (b) lincomb's float solve
(highspy on the same LinearMip, no Pyomo), (c) lincomb's certified solve (exact incumbent, certified
branch and bound, certificate), (d) the standard-library checker alone on that certificate.
Writes benchmarks/results/hbdss_mip.json and hbdss_mip.png; times are ratios to (a).

Run: ``python benchmarks/hbdss_mip.py [n]`` (default n = 4) or ``lincomb bench hbdss_mip``.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

RESULTS = Path(__file__).parent / "results"


def main(n: int = 4) -> dict:
    from lincomb.proofs_check.checkers import verify_certificate
    from lincomb.proofs_check.hbdss_mip import certificate_for
    from lincomb.solvers.hbdss_mip import hbdss_mip
    from lincomb.solvers.milp import read_mps_optimum, solve_highspy, write_mps

    mip = hbdss_mip(n)
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        path = write_mps(mip, os.path.join(folder, f"hbdss_n{n}.mps"))
        status, value, seconds = read_mps_optimum(path)
    rows.append({"step": "(a) plain HiGHS on the MPS export (float)", "seconds": seconds,
                 "result": f"{status}, objective {value}", "proof": False})
    float_result = solve_highspy(mip)
    rows.append({"step": "(b) lincomb float solve (highspy, no Pyomo)", "seconds": float_result.seconds,
                 "result": f"{float_result.termination}, objective {float_result.objective}", "proof": False})
    start = time.perf_counter()
    cert = certificate_for(n, incumbent_time=1.0)
    certified = time.perf_counter() - start
    claim = cert["claim"]
    rows.append({"step": "(c) lincomb certified solve (exact incumbent + certified tree)", "seconds": certified,
                 "result": f"{claim['lower_bound']} <= max <= {claim['upper_bound']}; "
                           f"{cert['data']['leaves']} leaves with multipliers", "proof": True})
    text = json.dumps(cert)
    start = time.perf_counter()
    verdict = verify_certificate(json.loads(text))
    checked = time.perf_counter() - start
    rows.append({"step": "(d) stdlib checker alone (parse + verify)", "seconds": checked,
                 "result": verdict.line(), "proof": True})
    anchor = rows[0]["seconds"]
    for row in rows:
        row["ratio_to_anchor"] = row["seconds"] / anchor if anchor else None
    report = {"benchmark": "hbdss_mip", "n": n, "certificate_bytes": len(text),
              "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                          "load_average": os.getloadavg()[0] if hasattr(os, "getloadavg") else None},
              "rows": rows}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "hbdss_mip.json").write_text(json.dumps(report, indent=2) + "\n")
    print(f"{'step':66} {'seconds':>9} {'x (a)':>7}  result")
    for row in rows:
        print(f"{row['step']:66} {row['seconds']:9.2f} {row['ratio_to_anchor']:7.2f}  {row['result']}")
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(8, 3.2))
        labels = [row["step"].split(")")[0] + ")" for row in rows]
        colors = ["#999999" if not row["proof"] else "#2a7" for row in rows]
        ax.barh(labels[::-1], [row["seconds"] for row in rows][::-1], color=colors[::-1])
        ax.set_xlabel("seconds (grey: float, no proof; green: exact)")
        ax.set_title(f"HBDSS MIP, n = {n}: plain HiGHS vs lincomb certified")
        fig.tight_layout()
        fig.savefig(RESULTS / "hbdss_mip.png", dpi=120)
    except ImportError:
        print("matplotlib is not installed; no PNG written (pip install 'lincomb[learn]')", file=sys.stderr)
    return report


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 4)
