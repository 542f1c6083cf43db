"""Benchmark: a small character-level transformer with the FFN swapped between SwiGLU, LA and bi-MoA.

Text: ``pydoc_data.topics`` (ships with Python, about 465K characters); the last 10% is the validation split.
Same model, same data order, equal steps; only the FFN changes: SwiGLU (the anchor), bi-LA and bi-MoA over the
7-entry dictionary (:mod:`lincomb.learn.ffn`).  Three seeds each; validation loss in nats per character,
mean and spread (min..max and standard deviation over seeds), and a PNG of the curves.

Also a regression toy: the two witness functions (``relu(x) + relu(x)^2`` on [-2, 2] and
``tanh(2 x1) relu(x2)`` on [-2, 2]^2), fitted by Type-I fixed-ReLU, LA and MoA networks of growing width;
final training MSE vs width (a float measurement; the exact separations are the registered checks).

The CPU default is a reduced size (2 layers, d = 64, 4 heads, context 64, batch 24, 200 steps), stated in the
JSON; on a GPU pass larger ``--d-model``, ``--layers``, ``--steps`` and ``--device cuda``.

Writes benchmarks/results/char_lm.json and char_lm.png.  Run: ``python benchmarks/char_lm.py`` or
``lincomb bench char_lm``.
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


def load_text() -> str:
    """The concatenated help topics of ``pydoc_data.topics``.

    Examples
    --------
    >>> len(load_text()) > 400_000
    True
    """
    from pydoc_data.topics import topics

    return "".join(topics[key] for key in sorted(topics))


def build_model(vocab: int, d: int, layers: int, heads: int, context: int, ffn: str):
    """A pre-norm causal transformer whose FFN is ``ffn`` in ``swiglu``, ``la``, ``moa``.

    Examples
    --------
    >>> model = build_model(10, 16, 1, 2, 8, "moa")
    >>> import torch
    >>> model(torch.zeros(2, 8, dtype=torch.long)).shape
    torch.Size([2, 8, 10])
    """
    import torch
    from torch import nn

    from lincomb.learn.ffn import FFN, LearnableActivationFFN, MixtureOfActivationsFFN

    # Hidden sizes: SwiGLU-style 8/3 d rounded to a multiple of 32 (128 at GPU sizes), the same for all three.
    hidden = max(32, int(round(8 * d / 3 / 32)) * 32)

    def make_ffn():
        if ffn == "swiglu":
            return FFN(d, hidden, kind="swiglu", bias=False)
        if ffn == "la":
            return LearnableActivationFFN(d, hidden, variant="type2", bi=True, bias=False)
        if ffn == "moa":
            return MixtureOfActivationsFFN(d, hidden, variant="type2", bi=True, bias=False)
        raise ValueError(ffn)

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.norm1, self.norm2 = nn.LayerNorm(d), nn.LayerNorm(d)
            self.attention = nn.MultiheadAttention(d, heads, batch_first=True, bias=False)
            self.ffn = make_ffn()

        def forward(self, x, mask):
            h = self.norm1(x)
            x = x + self.attention(h, h, h, attn_mask=mask, need_weights=False)[0]
            return x + self.ffn(self.norm2(x))

    class CharTransformer(nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = nn.Embedding(vocab, d)
            self.position = nn.Parameter(torch.zeros(context, d))
            self.blocks = nn.ModuleList(Block() for _ in range(layers))
            self.norm = nn.LayerNorm(d)
            self.head = nn.Linear(d, vocab, bias=False)
            self.register_buffer("mask", torch.triu(torch.ones(context, context, dtype=torch.bool), 1), persistent=False)

        def forward(self, tokens):
            n = tokens.shape[1]
            x = self.embed(tokens) + self.position[:n]
            for block in self.blocks:
                x = block(x, self.mask[:n, :n])
            return self.head(self.norm(x))

    return CharTransformer()


def train_run(data, vocab, args, ffn: str, seed: int) -> dict:
    """Train one model; return its validation curve (nats/char) and timing.

    Examples
    --------
    >>> import torch, types
    >>> data = (torch.randint(0, 5, (4000,)), torch.randint(0, 5, (1000,)))
    >>> a = types.SimpleNamespace(d_model=16, layers=1, heads=2, context=8, batch=4, steps=2, eval_every=1,
    ...                           eval_batches=2, lr=3e-3, device="cpu")
    >>> len(train_run(data, 5, a, "la", 0)["curve"])
    3
    """
    import torch
    import torch.nn.functional as F

    from lincomb.learn.ffn import seed_everything

    train, valid = data
    seed_everything(seed)
    model = build_model(vocab, args.d_model, args.layers, args.heads, args.context, ffn).to(args.device)
    optimiser = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    batches = torch.Generator().manual_seed(1000 + seed)  # the same data order for every FFN at one seed
    evaluation = torch.Generator().manual_seed(7)

    def batch(source, generator):
        starts = torch.randint(0, len(source) - args.context - 1, (args.batch,), generator=generator)
        x = torch.stack([source[s : s + args.context] for s in starts.tolist()])
        y = torch.stack([source[s + 1 : s + args.context + 1] for s in starts.tolist()])
        return x.to(args.device), y.to(args.device)

    def validate():
        evaluation.manual_seed(7)  # the same validation batches every time
        model.eval()
        losses = []
        with torch.no_grad():
            for _ in range(args.eval_batches):
                x, y = batch(valid, evaluation)
                losses.append(float(F.cross_entropy(model(x).flatten(0, 1), y.flatten())))
        model.train()
        return sum(losses) / len(losses)

    curve = [(0, validate())]
    start = time.perf_counter()
    for step in range(1, args.steps + 1):
        x, y = batch(train, batches)
        loss = F.cross_entropy(model(x).flatten(0, 1), y.flatten())
        optimiser.zero_grad(set_to_none=True)
        loss.backward()
        optimiser.step()
        if step % args.eval_every == 0 or step == args.steps:
            curve.append((step, validate()))
    return {"ffn": ffn, "seed": seed, "curve": curve, "final": curve[-1][1], "train_seconds": time.perf_counter() - start,
            "parameters": sum(p.numel() for p in model.parameters())}


def regression_toy(widths=(1, 2, 4, 8), steps: int = 300, seed: int = 0) -> list:
    """Final MSE vs width for the two witnesses, fitted by fixed ReLU, LA and MoA (Type-I) networks.

    Examples
    --------
    >>> rows = regression_toy(widths=(1,), steps=5)
    >>> sorted({r["family"] for r in rows})
    ['fixed-relu', 'la', 'moa']
    """
    import torch

    from lincomb.learn.ffn import FFN, LearnableActivationFFN, MixtureOfActivationsFFN, fit_regression, seed_everything

    generator = torch.Generator().manual_seed(seed)
    x1 = torch.rand(512, 1, generator=generator) * 4 - 2
    x2 = torch.rand(1024, 2, generator=generator) * 4 - 2
    witnesses = {
        "relu(x)+relu(x)^2": (x1, torch.relu(x1) + torch.relu(x1) ** 2),
        "tanh(2x1)relu(x2)": (x2, torch.tanh(2 * x2[:, :1]) * torch.relu(x2[:, 1:])),
    }
    makers = {
        "fixed-relu": lambda d, w: FFN(d, w, d_out=1, kind="relu"),
        "la": lambda d, w: LearnableActivationFFN(d, w, d_out=1),
        "moa": lambda d, w: MixtureOfActivationsFFN(d, w, d_out=1),
    }
    rows = []
    for name, (inputs, targets) in witnesses.items():
        for family, make in makers.items():
            for width in widths:
                seed_everything(seed)
                model = make(inputs.shape[1], width)
                mse = fit_regression(model, inputs, targets, steps=steps, lr=3e-2)
                rows.append({"witness": name, "family": family, "width": width, "mse": mse})
    return rows


def main(argv=None) -> dict:
    """Run the benchmark; write JSON and PNG; return the report.

    Examples
    --------
    >>> report = main(["--steps", "2", "--seeds", "1", "--no-plot", "--out", "/tmp"])  # doctest: +SKIP
    """
    import torch

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--d-model", type=int, default=64)
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--heads", type=int, default=4)
    parser.add_argument("--context", type=int, default=64)
    parser.add_argument("--batch", type=int, default=24)
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--eval-every", type=int, default=40)
    parser.add_argument("--eval-batches", type=int, default=16)
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--no-toy", action="store_true")
    parser.add_argument("--no-plot", action="store_true")
    parser.add_argument("--out", default=str(RESULTS))
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    if args.device.startswith("cuda") and not torch.cuda.is_available():
        parser.error("--device cuda, but torch sees no CUDA device")

    start = time.perf_counter()
    text = load_text()
    alphabet = sorted(set(text))
    index = {c: i for i, c in enumerate(alphabet)}
    encoded = torch.tensor([index[c] for c in text], dtype=torch.long)
    cut = int(0.9 * len(encoded))
    data = (encoded[:cut], encoded[cut:])

    runs = []
    for seed in range(args.seeds):
        for ffn in ("swiglu", "la", "moa"):
            run = train_run(data, len(alphabet), args, ffn, seed)
            runs.append(run)
            print(f"seed {seed} {ffn:6s} val {run['final']:.4f} nats/char  ({run['train_seconds']:.0f} s, "
                  f"{run['parameters']} parameters)", flush=True)
    summary = {}
    for ffn in ("swiglu", "la", "moa"):
        finals = [r["final"] for r in runs if r["ffn"] == ffn]
        times = [r["train_seconds"] for r in runs if r["ffn"] == ffn]
        summary[ffn] = {"mean": statistics.mean(finals), "min": min(finals), "max": max(finals),
                        "std": statistics.stdev(finals) if len(finals) > 1 else 0.0,
                        "train_seconds_mean": statistics.mean(times)}
    # "beyond the seed spread": the ranges [min, max] over seeds do not overlap
    def below(a, b):
        return summary[a]["max"] < summary[b]["min"]

    ordering = {
        "moa < la beyond spread": below("moa", "la"),
        "la < swiglu beyond spread": below("la", "swiglu"),
        "moa < swiglu beyond spread": below("moa", "swiglu"),
        "moa < la < fixed (swiglu) beyond spread": below("moa", "la") and below("la", "swiglu"),
        "rule": "a < b beyond spread when max over seeds of a < min over seeds of b",
    }
    toy = [] if args.no_toy else regression_toy()
    report = {
        "benchmark": "char_lm", "text": "pydoc_data.topics", "characters": len(text), "vocab": len(alphabet),
        "config": {k: v for k, v in vars(args).items() if k not in ("out",)},
        "reduced_size_note": "CPU run at reduced size; not comparable with the paper's GPU-scale runs",
        "summary_nats_per_char": summary, "ordering": ordering,
        "time_ratio_to_swiglu": {f: summary[f]["train_seconds_mean"] / summary["swiglu"]["train_seconds_mean"] for f in summary},
        "runs": runs, "regression_toy": toy,
        "machine": {"python": platform.python_version(), "torch": torch.__version__, "cpus": os.cpu_count(),
                    "load_average": os.getloadavg()[0] if hasattr(os, "getloadavg") else None},
        "seconds": time.perf_counter() - start,
    }
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "char_lm.json").write_text(json.dumps(report, indent=1) + "\n")
    if not args.no_plot:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, axes = plt.subplots(1, 3 if toy else 1, figsize=(14 if toy else 6, 4), squeeze=False)
        colours = {"swiglu": "C0", "la": "C1", "moa": "C2"}
        for run in runs:
            steps, losses = zip(*run["curve"])
            axes[0][0].plot(steps, losses, color=colours[run["ffn"]], alpha=0.7,
                            label=run["ffn"] if run["seed"] == 0 else None)
        axes[0][0].set_xlabel("step")
        axes[0][0].set_ylabel("validation loss (nats/char)")
        axes[0][0].set_title(f"char LM, {args.seeds} seeds")
        axes[0][0].legend()
        for ax, witness in zip(axes[0][1:], sorted({r["witness"] for r in toy})):
            for family in ("fixed-relu", "la", "moa"):
                points = [(r["width"], r["mse"]) for r in toy if r["witness"] == witness and r["family"] == family]
                ax.plot([p[0] for p in points], [max(p[1], 1e-12) for p in points], marker="o", label=family)
            ax.set_xscale("log", base=2)
            ax.set_yscale("log")
            ax.set_xlabel("width")
            ax.set_ylabel("train MSE")
            ax.set_title(witness)
            ax.legend()
        fig.tight_layout()
        fig.savefig(out / "char_lm.png", dpi=110)
    print(json.dumps({"summary": summary, "ordering": ordering}, indent=1))
    return report


if __name__ == "__main__":
    main()
