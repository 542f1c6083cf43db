"""``lincomb sample``: draw digits with a trained EDM denoiser and write a grid of samples.

::

    lincomb sample --model FILE --sampler tada --nfe 10 --out grid.png [--n 64] [--seed 0] [--device cpu]
    lincomb sample --model FILE --sampler tada --log-share 0 --beta 1.8 1.5 ...   override TADA defaults
    lincomb sample --model FILE --train ...      train a small EDM denoiser on the digits first (CPU: minutes)

The model file is written by :meth:`lincomb.learn.denoisers.EDMDenoiser.save` (e.g. by
``--train`` or ``benchmarks/sampling.py``).  torch and matplotlib are imported only when the
command runs.

Examples
--------
>>> import argparse
>>> parser = argparse.ArgumentParser(); commands = parser.add_subparsers(dest="command")
>>> add_parser(commands)
>>> args = parser.parse_args(["sample", "--model", "m.pt", "--nfe", "10"])
>>> args.sampler, args.nfe, args.device
('tada', 10, 'cpu')
"""

from __future__ import annotations

import argparse
import sys

from lincomb.errors import MissingDependencyError, UsageError

__all__ = ["add_parser", "run"]

SAMPLER_NAMES = ("tada", "dpmpp_2m", "dpmpp_3m", "unipc_bh1", "unipc_bh2", "heun", "euler")


def add_parser(subparsers) -> None:
    """Add the ``sample`` command to an argparse sub-parser collection.

    Examples
    --------
    >>> import argparse
    >>> commands = argparse.ArgumentParser().add_subparsers()
    >>> add_parser(commands); sorted(commands.choices)
    ['sample']
    """
    parser = subparsers.add_parser("sample", help="draw samples with a trained EDM denoiser; write a PNG grid")
    parser.add_argument("--model", required=True, metavar="FILE", help="EDM denoiser file (EDMDenoiser.save)")
    parser.add_argument("--sampler", choices=SAMPLER_NAMES, default="tada")
    parser.add_argument("--nfe", type=int, default=10, help="denoiser calls (default 10)")
    parser.add_argument("--out", default="samples.png", metavar="PNG", help="grid image to write")
    parser.add_argument("--n", type=int, default=64, help="number of samples (default 64)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--device", default="cpu", help="cpu (default) or cuda")
    parser.add_argument("--N", type=int, default=None, help="TADA: variables per coordinate (default: TADA_DEFAULTS)")
    parser.add_argument("--order", type=int, default=None, help="TADA: Adams-Bashforth order 1..3 (default: TADA_DEFAULTS)")
    parser.add_argument("--k", type=float, default=None,
                        help="TADA: detail knob, prior variance of the last variable (default: TADA_DEFAULTS)")
    parser.add_argument("--grid", choices=("beta", "power", "sigmas"), default=None,
                        help="TADA: time grid, beta (default: short steps at both ends), power, or the EDM-matched sigmas")
    parser.add_argument("--gamma", type=float, default=None, help="TADA: power of the power grid (default: TADA_DEFAULTS)")
    parser.add_argument("--start", choices=("predicted", "neglected"), default=None,
                        help="TADA: the data's share at t_0, predicted by the first call (default) or neglected")
    parser.add_argument("--log-share", dest="log_share", type=float, default=None, metavar="C",
                        help="TADA: in [0, 1], the force is extrapolated in v = (1 - C) t - C log(1 - t); "
                             "0 is the paper's Adams-Bashforth in t (default: TADA_DEFAULTS)")
    parser.add_argument("--beta", type=float, nargs=2, default=None, metavar=("A", "B"),
                        help="TADA: shapes of the Beta time grid (default: TADA_DEFAULTS)")
    parser.add_argument("--train", action="store_true", help="train a model on the digits and save it to --model first")
    parser.add_argument("--train-steps", type=int, default=4000)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Run ``lincomb sample``; 0 on success, 2 on bad input or a missing dependency.

    Examples
    --------
    >>> ns = argparse.Namespace(model="/no/such.pt", sampler="tada", nfe=0, out="x.png", n=4, seed=0,
    ...                         device="cpu", N=None, order=None, k=None, train=False, train_steps=1)
    >>> run(ns)
    2
    """
    try:
        return _run(args)
    except (UsageError, MissingDependencyError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _run(args: argparse.Namespace) -> int:
    if args.nfe < 1:
        raise UsageError(f"--nfe must be >= 1, got {args.nfe}")
    if args.n < 1:
        raise UsageError(f"--n must be >= 1, got {args.n}")
    from lincomb.output_paths import check_output_file

    check_output_file(args.out, "--out")  # before loading, training or sampling
    if args.train:
        check_output_file(args.model, "--model")
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        import torch
    except ImportError as exc:
        raise MissingDependencyError(f'lincomb sample needs torch and matplotlib: pip install "lincomb[learn]" ({exc})')
    from lincomb.learn.denoisers import load_digits_vectors, load_edm_denoiser, train_edm_denoiser
    from lincomb.learn.sampling import sample

    if args.device.startswith("cuda") and not torch.cuda.is_available():
        raise UsageError("--device cuda was requested but no CUDA GPU is available; use --device cpu")
    if args.train:
        images, _ = load_digits_vectors(torch.float32)
        model = train_edm_denoiser(images, steps=args.train_steps, device=args.device, seed=args.seed,
                                   progress=lambda line: print(line, file=sys.stderr))
        model.save(args.model)
    model = load_edm_denoiser(args.model, device=args.device)
    if model.dim != 64:
        raise UsageError(f"{args.model} models {model.dim}-D data; lincomb sample draws 8x8 digits (64-D)")
    options = {}
    if args.sampler == "tada":  # only what the user set; sample() fills in TADA_DEFAULTS
        options = {name: getattr(args, name, None)
                   for name in ("N", "order", "k", "grid", "gamma", "start", "log_share", "beta")}
        options = {name: value for name, value in options.items() if value is not None}
        if "beta" in options:
            options["beta"] = tuple(options["beta"])
    generator = torch.Generator(device=args.device).manual_seed(args.seed)
    with torch.no_grad():
        x = sample(args.sampler, model, (args.n, 64), args.nfe, generator=generator, dtype=torch.float32, **options)
    images = x.clamp(-1, 1).cpu().reshape(-1, 8, 8)
    cols = int(args.n**0.5 + 0.999)
    rows = (args.n + cols - 1) // cols
    figure, axes = plt.subplots(rows, cols, figsize=(cols, rows), squeeze=False)
    for i, axis in enumerate(axes.flat):
        axis.axis("off")
        if i < args.n:
            axis.imshow(images[i].numpy(), cmap="gray_r", vmin=-1, vmax=1)
    figure.suptitle(f"{args.sampler}, NFE {args.nfe}")
    figure.savefig(args.out, dpi=80)
    plt.close(figure)
    print(f"wrote {args.out}: {args.n} samples, {args.sampler}, NFE {args.nfe}")
    return 0
