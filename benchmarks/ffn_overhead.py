"""Benchmark: training-step time and memory of LA and MoA FFNs vs the plain FFN, at transformer shapes.

In one run, for d in ``--dims`` (hidden 4d, a multiple of 128) and ``--tokens`` tokens per step, one
forward + backward + AdamW step of

* Type-I:  plain ReLU FFN (the anchor), LA over the 7-entry dictionary, MoA (sigmoid gates);
* Type-II: SwiGLU (the anchor), bi-LA, bi-MoA (both branches mixed, own gates).

Reported as ratios to the anchor of the same type: median step time, and memory.  Memory is
``torch.cuda.max_memory_allocated`` on a GPU; on the CPU (no allocator statistics) it is the bytes of tensors
saved for backward (the activation memory, which is what the mix adds).  The mix is the naive one in
:mod:`lincomb.learn.ffn` (one pass per dictionary entry); ``--compile`` wraps each module in torch.compile.

Writes benchmarks/results/ffn_overhead.json and ffn_overhead.png.

Run: ``python benchmarks/ffn_overhead.py [--device cpu|cuda] [--dims 256 512 1024] [--tokens 512]``
(on a GPU: ``--device cuda --dtype bf16 --tokens 32768 --compile``) or ``lincomb bench ffn_overhead``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from pathlib import Path

RESULTS = Path(__file__).parent / "results"
PAPER_TARGETS = {"type1": 1.03, "type2": 1.13}  # the paper's reported wall-clock ratios (GPU)
ACCEPTANCE = {"type1": 1.05, "type2": 1.15}     # the GPU targets


def _variants():
    from lincomb.learn.ffn import FFN, LearnableActivationFFN, MixtureOfActivationsFFN

    return [
        ("type1", "relu FFN (anchor)", lambda d, h: FFN(d, h, kind="relu")),
        ("type1", "LA (7 entries)", lambda d, h: LearnableActivationFFN(d, h)),
        ("type1", "MoA (7 entries, sigmoid)", lambda d, h: MixtureOfActivationsFFN(d, h)),
        ("type2", "SwiGLU (anchor)", lambda d, h: FFN(d, h, kind="swiglu")),
        ("type2", "bi-LA", lambda d, h: LearnableActivationFFN(d, h, variant="type2", bi=True)),
        ("type2", "bi-MoA", lambda d, h: MixtureOfActivationsFFN(d, h, variant="type2", bi=True)),
    ]


def _saved_bytes(module, x) -> int:
    import torch

    total = 0

    def pack(tensor):
        nonlocal total
        total += tensor.numel() * tensor.element_size()
        return tensor

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        module(x).float().square().mean().backward()
    module.zero_grad(set_to_none=True)
    return total


def measure(make, d: int, tokens: int, device: str, dtype, repeats: int, compile_: bool) -> dict:
    """Median step time (s) and memory (bytes) of one variant.

    Examples
    --------
    >>> import torch
    >>> from lincomb.learn.ffn import FFN
    >>> r = measure(lambda d, h: FFN(d, h), 8, 16, "cpu", torch.float32, 1, False)
    >>> sorted(r)
    ['memory_bytes', 'memory_kind', 'seconds']
    """
    import torch

    torch.manual_seed(0)
    module = make(d, 4 * d).to(device=device, dtype=dtype)
    x = torch.randn(tokens, d, device=device, dtype=dtype)
    optimiser = torch.optim.AdamW(module.parameters(), lr=1e-4)
    step_module = torch.compile(module) if compile_ else module

    def step():
        optimiser.zero_grad(set_to_none=True)
        step_module(x).float().square().mean().backward()
        optimiser.step()

    cuda = device.startswith("cuda")
    step()  # warm-up (and compilation)
    if cuda:
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        step()
        if cuda:
            torch.cuda.synchronize()
        times.append(time.perf_counter() - start)
    if cuda:
        memory, kind = torch.cuda.max_memory_allocated(), "cuda max_memory_allocated"
    else:
        memory, kind = _saved_bytes(module, x), "bytes saved for backward (CPU proxy)"
    return {"seconds": statistics.median(times), "memory_bytes": memory, "memory_kind": kind}


def main(argv=None) -> dict:
    """Run the benchmark; write JSON and PNG; return the report.

    Examples
    --------
    >>> report = main(["--dims", "16", "--tokens", "8", "--repeats", "1", "--no-plot", "--out", "/tmp"])  # doctest: +SKIP
    """
    import torch

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--device", default="cpu", help="cpu or cuda")
    parser.add_argument("--dims", type=int, nargs="+", default=[256, 512, 1024])
    parser.add_argument("--tokens", type=int, default=512, help="tokens per step (GPU target: 32768)")
    parser.add_argument("--dtype", default=None, help="fp32 or bf16 (default: bf16 on cuda, fp32 on cpu)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--compile", action="store_true", help="wrap each module in torch.compile")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--no-plot", action="store_true")
    parser.add_argument("--out", default=str(RESULTS))
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    if args.device.startswith("cuda") and not torch.cuda.is_available():
        parser.error("--device cuda, but torch sees no CUDA device")
    dtype_name = args.dtype or ("bf16" if args.device.startswith("cuda") else "fp32")
    dtype = {"bf16": torch.bfloat16, "fp32": torch.float32}[dtype_name]

    rows = []
    for d in args.dims:
        anchors = {}
        for family_type, name, make in _variants():
            result = measure(make, d, args.tokens, args.device, dtype, args.repeats, args.compile)
            if "anchor" in name:
                anchors[family_type] = result
            anchor = anchors[family_type]
            row = {"d": d, "hidden": 4 * d, "type": family_type, "variant": name, **result,
                   "time_ratio": result["seconds"] / anchor["seconds"],
                   "memory_ratio": result["memory_bytes"] / anchor["memory_bytes"] if anchor["memory_bytes"] else None}
            rows.append(row)
            print(f"d={d:5d} {family_type} {name:26s} {result['seconds'] * 1e3:9.1f} ms  "
                  f"x{row['time_ratio']:.2f} time  x{row['memory_ratio']:.2f} memory", flush=True)
    gpu = args.device.startswith("cuda")
    verdicts = {}
    for family_type, name in (("type1", "MoA (7 entries, sigmoid)"), ("type2", "bi-MoA")):
        ratios = [r["time_ratio"] for r in rows if r["variant"] == name]
        worst = max(ratios)
        verdicts[name] = {
            "worst_time_ratio": worst, "gpu_target": ACCEPTANCE[family_type], "paper": PAPER_TARGETS[family_type],
            "met": (worst <= ACCEPTANCE[family_type]) if gpu else None,
            "note": "measured on the GPU" if gpu else "CPU numbers; the GPU target was not measured here",
        }
    report = {
        "benchmark": "ffn_overhead", "device": args.device, "dtype": dtype_name, "tokens": args.tokens,
        "compile": args.compile, "threads": args.threads, "repeats": args.repeats,
        "implementation": "naive mix (one elementwise pass per dictionary entry, autograd backward)",
        "machine": {"python": platform.python_version(), "torch": torch.__version__, "cpus": os.cpu_count(),
                    "load_average": os.getloadavg()[0] if hasattr(os, "getloadavg") else None},
        "rows": rows, "targets": verdicts,
    }
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "ffn_overhead.json").write_text(json.dumps(report, indent=1) + "\n")
    if not args.no_plot:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, axes = plt.subplots(1, 2, figsize=(10, 4))
        for ax, key, label in ((axes[0], "time_ratio", "step time / anchor"), (axes[1], "memory_ratio", "memory / anchor")):
            for _, name, _ in _variants():
                points = [(r["d"], r[key]) for r in rows if r["variant"] == name]
                ax.plot([p[0] for p in points], [p[1] for p in points], marker="o", label=name)
            ax.set_xscale("log", base=2)
            ax.set_xlabel("d (hidden 4d)")
            ax.set_ylabel(label)
            ax.axhline(1.0, color="grey", lw=0.5)
        axes[0].legend(fontsize=7)
        fig.suptitle(f"FFN overhead, {args.device} {dtype_name}, {args.tokens} tokens/step (fwd+bwd+AdamW)")
        fig.tight_layout()
        fig.savefig(out / "ffn_overhead.png", dpi=110)
    print(json.dumps(verdicts, indent=1))
    return report


if __name__ == "__main__":
    main()
