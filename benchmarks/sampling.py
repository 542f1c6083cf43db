"""Benchmark: TADA against Euler, Heun, DPM-Solver++(2M/3M) at NFE 4, 6, 8, 10, 16, 32.

(a) a 64-D Gaussian mixture fitted to scikit-learn's digits, with its exact denoiser: any gap is
    discretization error.  Quality: Frechet distance on raw pixels and on the features of a small
    locally trained digits classifier, against exact samples of the mixture.
(b) a small EDM-preconditioned network trained on the digits (cached in
    benchmarks/results/digits_edm.pt); quality: feature Frechet distance against the real digits.

The anchor (DPM-Solver++(2M), the k-diffusion update rule) and lincomb's TADA run in the same
process on the same noise seeds.  Headline: the NFE TADA needs to match DPM-Solver++(2M) at 16 NFE,
and the ratio 16 / that NFE.  Writes benchmarks/results/sampling.json and sampling.png.

    python benchmarks/sampling.py [--device cpu|cuda] [--samples 2000] [--seed 0] [--quick]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import torch

from lincomb.learn.denoisers import fit_digits_mixture, load_digits_vectors, load_edm_denoiser, train_edm_denoiser
from lincomb.learn.sample_metrics import feature_frechet_distance, frechet_distance, train_digits_classifier
from lincomb.learn.sampling import karras_sigmas, steps_for_nfe, SAMPLERS

RESULTS = Path(__file__).parent / "results"
NFES = (4, 6, 8, 10, 16, 32)
VARIANTS = {  # label -> (sampler, options)
    "euler": ("euler", {}),
    "heun": ("heun", {}),
    "dpmpp_2m": ("dpmpp_2m", {}),
    "dpmpp_3m": ("dpmpp_3m", {}),
    "tada_N2_ab2": ("tada", {"N": 2, "order": 2}),
    "tada_N2_ab3": ("tada", {"N": 2, "order": 3}),
}


def draw(label, denoiser, n, nfe, seed, dtype, device):
    name, options = VARIANTS[label]
    sigmas = karras_sigmas(steps_for_nfe(name, nfe), dtype=dtype).to(device)
    generator = torch.Generator(device=device).manual_seed(seed)
    with torch.no_grad():
        if name == "tada":
            noise = torch.randn((options["N"], n, 64), generator=generator, dtype=dtype, device=device)
            return SAMPLERS[name](denoiser, noise, sigmas.cpu(), **options).cpu()
        x_T = sigmas[0] * torch.randn((n, 64), generator=generator, dtype=dtype, device=device)
        return SAMPLERS[name](denoiser, x_T, sigmas.cpu()).cpu()


def sweep(denoiser, reference, classifier, n, seed, dtype, device, nfes, progress):
    table = {}
    for label in VARIANTS:
        table[label] = {}
        for nfe in nfes:
            start = time.perf_counter()
            x = draw(label, denoiser, n, nfe, seed, dtype, device).double()
            table[label][nfe] = {
                "fd_pixels": frechet_distance(x, reference),
                "fd_features": feature_frechet_distance(x.float(), reference.float(), classifier),
                "seconds": time.perf_counter() - start,
            }
            progress(f"{label:12s} NFE {nfe:3d}: FD pixels {table[label][nfe]['fd_pixels']:8.3f}, "
                     f"features {table[label][nfe]['fd_features']:8.3f}")
    return table


def headline(denoiser, reference, classifier, table, n, seed, dtype, device, label, metric, progress):
    target = table["dpmpp_2m"][16][metric]
    for nfe in range(3, 33):
        x = draw(label, denoiser, n, nfe, seed, dtype, device).double()
        value = (frechet_distance(x, reference) if metric == "fd_pixels"
                 else feature_frechet_distance(x.float(), reference.float(), classifier))
        if value <= target:
            progress(f"{label} matches DPM-Solver++(2M)@16 ({metric} {target:.3f}) at NFE {nfe} ({value:.3f})")
            return {"metric": metric, "dpmpp_2m_at_16": target, "tada_label": label, "tada_nfe": nfe,
                    "tada_value": value, "speedup": 16 / nfe}
    return {"metric": metric, "dpmpp_2m_at_16": target, "tada_label": label, "tada_nfe": None, "speedup": None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--samples", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--components", type=int, default=10)
    parser.add_argument("--train-steps", type=int, default=4000)
    parser.add_argument("--quick", action="store_true", help="fewer samples and NFE values (smoke run)")
    args = parser.parse_args()
    torch.set_num_threads(1)
    if args.device.startswith("cuda") and not torch.cuda.is_available():
        raise SystemExit("--device cuda requested but no CUDA GPU is available")
    progress = lambda line: print(line, flush=True)
    nfes = (4, 8, 16) if args.quick else NFES
    n = 400 if args.quick else args.samples
    RESULTS.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()

    classifier, accuracy = train_digits_classifier(seed=args.seed)
    progress(f"digits classifier: held-out accuracy {accuracy:.3f}")

    # (a) exact mixture denoiser
    mixture = fit_digits_mixture(n_components=args.components, seed=args.seed)
    mixture_dev = type(mixture)(*(v.to(args.device) for v in (mixture.weights, mixture.means, mixture.covs)))
    reference = mixture.sample(4 * n, torch.Generator().manual_seed(args.seed + 1))
    table_a = sweep(mixture_dev, reference, classifier, n, args.seed, torch.float64, args.device, nfes, progress)
    heads = [headline(mixture_dev, reference, classifier, table_a, n, args.seed, torch.float64, args.device,
                      label, metric, progress)
             for label in ("tada_N2_ab2", "tada_N2_ab3") for metric in ("fd_pixels", "fd_features")] if 16 in nfes else []

    # (b) trained EDM network
    model_path = RESULTS / "digits_edm.pt"
    images, _ = load_digits_vectors(torch.float32)
    if not model_path.is_file():
        progress(f"training the EDM denoiser ({args.train_steps} steps, {args.device}) ...")
        train_edm_denoiser(images, steps=args.train_steps, seed=args.seed, device=args.device,
                           progress=progress).save(model_path)
    network = load_edm_denoiser(model_path, device=args.device)
    table_b = sweep(network, images.double(), classifier, n, args.seed, torch.float32, args.device, nfes, progress)

    record = {"nfes": list(nfes), "samples": n, "seed": args.seed, "device": args.device,
              "classifier_accuracy": accuracy, "mixture_components": args.components,
              "a_exact_mixture": table_a, "b_trained_network": table_b, "headline": heads,
              "seconds": time.perf_counter() - start, "torch": torch.__version__}
    (RESULTS / "sampling.json").write_text(json.dumps(record, indent=1))

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(1, 3, figsize=(15, 4))
    for axis, (title, table, metric) in zip(axes, [("(a) mixture, pixel FD", table_a, "fd_pixels"),
                                                   ("(a) mixture, feature FD", table_a, "fd_features"),
                                                   ("(b) trained network, feature FD", table_b, "fd_features")]):
        for label in VARIANTS:
            axis.plot(nfes, [table[label][nfe][metric] for nfe in nfes], marker="o", label=label)
        axis.set(xscale="log", yscale="log", xlabel="NFE", title=title)
        axis.set_xticks(list(nfes), [str(v) for v in nfes])
    axes[0].legend()
    figure.tight_layout()
    figure.savefig(RESULTS / "sampling.png", dpi=90)

    print("\n(a) exact mixture denoiser, feature FD (pixel FD)")
    print("sampler        " + "".join(f"{nfe:>16d}" for nfe in nfes))
    for label in VARIANTS:
        print(f"{label:14s} " + "".join(f"{table_a[label][nfe]['fd_features']:7.3f} ({table_a[label][nfe]['fd_pixels']:6.2f})" for nfe in nfes))
    print("\n(b) trained network, feature FD")
    for label in VARIANTS:
        print(f"{label:14s} " + "".join(f"{table_b[label][nfe]['fd_features']:16.3f}" for nfe in nfes))
    for h in heads:
        print(f"headline [{h['metric']}]: {h['tada_label']} needs NFE {h['tada_nfe']} to match DPM-Solver++(2M) at 16 "
              f"(ratio {h['speedup']})")
    print(f"wrote {RESULTS / 'sampling.json'} and sampling.png ({record['seconds']:.0f} s)")


if __name__ == "__main__":
    main()
