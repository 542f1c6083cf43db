"""Check ``ksm-rank1-nystrom``: the KSM per-neuron bound and its maximising q, exactly, on random rational data.

For three fixed seeds, random rational points x_t in Q^3 (T = 8), outputs y_t and a landmark w,
with the polynomial kernel ``f(x, y) = (1 + x . y)^2``, :func:`lincomb.theory.sparse_coding.ksm_rank1_bound`
computes A, B, C and ``q* = f(w,w)^+ <y f(x,w)>`` exactly, :func:`lincomb.theory.sparse_coding.gram_ldl`
factors the Gram matrix of (x_1..x_T, w); each ``ksm-rank1-bound`` certificate is then re-checked
by the standard-library checker (bound for every q and every y, the maximiser, the maximum).

Run it alone with ``python -m lincomb.proofs_check.ksm_checks``.

Examples
--------
>>> cert = run(seeds=(0,))[0]
>>> cert["kind"], cert["claim"]["kernel"]
('ksm-rank1-bound', {'type': 'polynomial', 'offset': '1', 'degree': 2})
"""

from __future__ import annotations

import random
import time
from fractions import Fraction

from lincomb.errors import CheckFailed
from lincomb.theory.rationals import rational_str
from lincomb.theory.sparse_coding import gram_ldl, ksm_rank1_bound, polynomial_kernel, prove_ksm_rank1_symbolically

from .certificate import make_certificate
from .runner import main



def random_rational(rng: random.Random, bound: int = 5, denominator: int = 4) -> Fraction:
    """A random rational ``p/q`` with ``|p| <= bound * q`` and ``1 <= q <= denominator``.

    Examples
    --------
    >>> r = random_rational(random.Random(0)); isinstance(r, Fraction) and abs(r) <= 5
    True
    """
    q = rng.randint(1, denominator)
    return Fraction(rng.randint(-bound * q, bound * q), q)


def ksm_certificate(points, outputs, landmark, kernel, *, seed=None) -> dict:
    """Build a ``ksm-rank1-bound`` certificate for exact data.

    Examples
    --------
    >>> cert = ksm_certificate([[1], [2]], [1, 1], [1], polynomial_kernel(0, 1))
    >>> cert["claim"]["q_star"], cert["claim"]["max_rhs"]
    ('3/2', '9/4')
    """
    start = time.perf_counter()
    bound = ksm_rank1_bound(points, outputs, landmark, kernel)
    nodes = [list(p) for p in points] + [list(landmark)]
    gram = [[kernel(a, b) for b in nodes] for a in nodes]
    lower, diagonal = gram_ldl(gram)
    if bound.gap < 0:
        raise CheckFailed(f"the KSM bound fails: A = {bound.similarity} < max rhs = {bound.max_rhs}")
    t = len(points)
    claim = {
        "statement": (
            f"for these {t} rational points, outputs and landmark w and the kernel "
            f"({kernel.offset} + x.y)^{kernel.degree}: (1/T^2) sum y y' f(x,x') >= (2/T) q sum y f(x,w) - q^2 f(w,w) "
            f"for every real q (and every y), with the right side maximised at q* = f(w,w)^+ <y f(x,w)> = {bound.q_star}"
        ),
        "kernel": kernel.to_json(),
        "q_star": rational_str(bound.q_star),
        "max_rhs": rational_str(bound.max_rhs),
    }
    data = {
        "points": [[rational_str(v) for v in p] for p in points],
        "outputs": [rational_str(v) for v in outputs],
        "landmark": [rational_str(v) for v in landmark],
        "similarity": rational_str(bound.similarity),
        "correlation": rational_str(bound.correlation),
        "landmark_norm": rational_str(bound.landmark_norm),
        "gram_ldl": {"lower": [[rational_str(v) for v in row] for row in lower], "diagonal": [rational_str(v) for v in diagonal]},
    }
    return make_certificate("ksm-rank1-bound", claim, data, solver="lincomb.theory.sparse_coding (exact)",
                            seconds=time.perf_counter() - start, seed=seed)


def run(progress=None, seeds=(0, 1, 2), points: int = 8, dimension: int = 3) -> list[dict]:
    """One certificate per seed, on random rational data; the sympy algebra is checked first.

    Examples
    --------
    >>> len(run(seeds=(5, 6), points=3, dimension=2))
    2
    """
    algebra = prove_ksm_rank1_symbolically()
    if not (algebra["completed_square"] and algebra["norm_identity"]):
        raise CheckFailed(f"sympy could not confirm the completed square: {algebra}")
    kernel = polynomial_kernel(1, 2)
    certificates = []
    for seed in seeds:
        rng = random.Random(seed)
        xs = [[random_rational(rng) for _ in range(dimension)] for _ in range(points)]
        ys = [random_rational(rng) for _ in range(points)]
        w = [random_rational(rng) for _ in range(dimension)]
        if progress is not None:
            progress(f"seed {seed}: T = {points} points in Q^{dimension}")
        certificates.append(ksm_certificate(xs, ys, w, kernel, seed=seed))
    return certificates


if __name__ == "__main__":
    main()
