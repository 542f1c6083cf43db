"""Checks ``sparse-attention-learns-rule`` (a measurement) and ``soft-threshold-zero-target`` (exact).

``soft-threshold-zero-target`` (exact, no torch): on a seeded random rational instance of the
panel layout (9 tokens, the last row's 3 tokens zero, random rational W_qk and W_vo, xi = 1/20),
:func:`lincomb.theory.sparse_coding.zero_target_attention` computes the target rows exactly:
soft-thresholded codes and outputs are exactly 0, softmax weights exactly 1/9 and the softmax
output the average of the values.  The sympy proof for symbolic W, keys and xi >= 0
(:func:`lincomb.theory.sparse_coding.prove_zero_target_symbolically`) runs first.

``sparse-attention-learns-rule`` (needs torch; a MEASUREMENT): a
:class:`lincomb.learn.attention.SparseCodingAttention` layer is trained (full-batch L-BFGS, fixed
seed, one thread) on the panel task with the progression rule for every attribute; its lifting
coefficients, exported as the exact rationals their float32 values are, are compared with the
exact rule ``(-1, 2)`` = :func:`lincomb.theory.sparse_coding.extrapolation_coefficients` (2): the
unique lifting that continues every arithmetic progression.  The certificate states the
tolerance ``1/20`` (max-abs) and the checker recomputes the distance exactly.

Run them alone with ``python -m lincomb.proofs_check.attention_checks [--zero-target]``.

Examples
--------
>>> cert = run_zero_target()[0]
>>> cert["kind"], cert["claim"]["target_rows"]
('soft-threshold-zero-target', [6, 7, 8])
"""

from __future__ import annotations

import random
import time
from fractions import Fraction

from lincomb.errors import CheckFailed
from lincomb.theory.rationals import rational_str
from lincomb.theory.sparse_coding import (
    extrapolation_coefficients,
    prove_extrapolation_symbolically,
    prove_zero_target_symbolically,
    zero_target_attention,
)

from .certificate import make_certificate
from .runner import main

#: max-abs distance allowed between the learned and the exact lifting coefficients
TOLERANCE = Fraction(1, 20)
TRAINING = {"seed": 0, "n_train": 256, "n_test": 256, "dim": 16, "n_atoms": 16, "threshold": 0.05, "lbfgs_iterations": 200}


def _rationals(rows) -> list:
    return [[rational_str(v) for v in row] for row in rows]


def run_zero_target(progress=None, seed: int = 0) -> list[dict]:
    """Build the exact ``soft-threshold-zero-target`` certificate on a seeded rational instance.

    Examples
    --------
    >>> run_zero_target(seed=1)[0]["claim"]["softmax_output_nonzero"]
    True
    """
    start = time.perf_counter()
    symbolic = prove_zero_target_symbolically(3, 3)
    if not all(symbolic.values()):
        raise CheckFailed(f"sympy could not confirm the zero-target statement: {symbolic}")
    rng = random.Random(seed)
    tokens_count, dim, out_dim, targets = 9, 5, 3, [6, 7, 8]

    def value():
        return Fraction(rng.randint(-8, 8), rng.randint(1, 4))

    tokens = [[Fraction(0)] * dim if t in targets else [value() for _ in range(dim)] for t in range(tokens_count)]
    w = [[value() for _ in range(dim)] for _ in range(dim)]
    wv = [[value() for _ in range(out_dim)] for _ in range(dim)]
    xi = Fraction(1, 20)
    result = zero_target_attention(tokens, w, wv, xi, targets)
    if not result.sparse_targets_are_zero:
        raise CheckFailed("soft-thresholding of a zero target was not zero")
    nonzero = any(v != 0 for t in targets for v in result.softmax_target_outputs[t])
    if progress is not None:
        progress(f"instance: {tokens_count} tokens of width {dim}, targets {targets}, xi = {xi}")
    claim = {
        "statement": (
            "for zero-content target tokens, soft-thresholded attention codes sign(s) max(|s| - xi, 0) are exactly 0 "
            "(so the sparse-coding output is 0) while softmax weights are exactly uniform 1/T (so softmax attention "
            f"returns the average of the values); shown exactly on a seeded rational instance with T = {tokens_count}, xi = {xi}"
        ),
        "threshold": rational_str(xi),
        "target_rows": targets,
        "softmax_output_nonzero": nonzero,
    }
    data = {
        "tokens": _rationals(tokens),
        "score_matrix": _rationals(w),
        "value_matrix": _rationals(wv),
        "target_sparse_codes": _rationals(result.sparse_codes[t] for t in targets),
        "target_sparse_outputs": _rationals(result.sparse_target_outputs[t] for t in targets),
        "target_softmax_weights": _rationals(result.softmax_target_weights[t] for t in targets),
        "target_softmax_outputs": _rationals(result.softmax_target_outputs[t] for t in targets),
    }
    return [make_certificate("soft-threshold-zero-target", claim, data, solver="lincomb.theory.sparse_coding (exact)",
                             seconds=time.perf_counter() - start, seed=seed)]


def train_progression_model(progress=None, **overrides):
    """Train the measured model: returns ``(model, task, seconds, held-out relative MSE)``.

    Examples
    --------
    >>> model, task, seconds, error = train_progression_model(n_train=32, n_test=8, lbfgs_iterations=5)
    >>> len(model.lifting_coefficients_exact())
    2
    """
    import torch

    from lincomb.learn.attention import SparseCodingAttention, fit_attention, relative_mse
    from lincomb.learn.tasks import COLUMN_GROUPS, TARGET_TOKENS, panel_task

    settings = {**TRAINING, **overrides}
    torch.set_num_threads(1)  # fair on shared cores, and reproducible
    torch.manual_seed(settings["seed"])
    start = time.perf_counter()
    task = panel_task(seed=settings["seed"], n_train=settings["n_train"], n_test=settings["n_test"],
                      rule="progression", dim=settings["dim"], n_atoms=settings["n_atoms"])
    model = SparseCodingAttention(task.train.tokens.shape[2], settings["dim"], threshold=settings["threshold"],
                                  lift_groups=COLUMN_GROUPS)
    # Loss on all 9 tokens: the contexts must reconstruct themselves, which pins the scale of
    # their codes, so that the lifting alone has to carry the rule.
    fit_attention(model, task.train.tokens, task.train.full_grids(task.dictionary), range(9),
                  steps=settings["lbfgs_iterations"])
    error = relative_mse(model, task.test.tokens, task.test.targets, TARGET_TOKENS)
    seconds = time.perf_counter() - start
    if progress is not None:
        progress(f"trained in {seconds:.1f} s; held-out relative MSE {error:.2e}; lifting {model.lifting.tolist()}")
    return model, task, seconds, error


def run_learns_rule(progress=None) -> list[dict]:
    """Train, export the lifting exactly, and record the measurement certificate.

    Examples
    --------
    >>> cert = run_learns_rule()[0]          # doctest: +SKIP
    >>> cert["claim"]["exact_coefficients"]  # doctest: +SKIP
    ['-1', '2']
    """
    algebra = prove_extrapolation_symbolically(2)
    if not (algebra["identity_holds"] and algebra["unique"]):
        raise CheckFailed(f"sympy could not confirm the extrapolation rule: {algebra}")
    exact = extrapolation_coefficients(2)
    model, task, seconds, error = train_progression_model(progress)
    measured = model.lifting_coefficients_exact()
    distance = max(abs(m - e) for m, e in zip(measured, exact))
    claim = {
        "statement": (
            "MEASUREMENT (not a proof): a sparse-coding attention layer trained on the 3x3 panel task with the "
            f"progression rule (seed {TRAINING['seed']}) learned lifting coefficients within max-abs distance "
            f"{TOLERANCE} of the exact rule (-1, 2); the exact rule is the unique lifting that continues every "
            "arithmetic progression, -a + 2(a + d) = a + 2d"
        ),
        "measurement": True,
        "context_length": 2,
        "exact_coefficients": [rational_str(v) for v in exact],
        "tolerance": rational_str(TOLERANCE),
        "norm": "max-abs",
    }
    data = {
        "measured_coefficients": [rational_str(v) for v in measured],
        "distance": rational_str(distance),
        # informative: how the measurement was made and how well the model did (not checked)
        "training": {**{k: (rational_str(Fraction(v)) if isinstance(v, float) else v) for k, v in TRAINING.items()},
                     "rule": "progression", "optimizer": "L-BFGS (strong Wolfe)", "torch_threads": 1},
        "held_out_relative_mse": f"{error:.3e}",
    }
    return [make_certificate("lifting-measurement", claim, data, solver="torch L-BFGS (lincomb.learn.attention)",
                             seconds=seconds, seed=TRAINING["seed"])]


if __name__ == "__main__":
    main()  # python -m lincomb.proofs_check.attention_checks ID [options]
