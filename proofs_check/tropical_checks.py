"""Check ``tropical-semiring-iso``: Newt(max(f, g)) = conv(Newt f ∪ Newt g) and Newt(f + g) = Newt f + Newt g.

For random convex CPWL functions f, g (fixed seed), :mod:`lincomb.theory.polytopes` computes the vertices of
``conv(Newt f ∪ Newt g)`` and of the Minkowski sum ``Newt f + Newt g`` exactly (pplpy), and
:func:`lincomb.theory.tropical.convex_function` turns each polytope back into the maximum over its upper
vertices. Each identity ``max over the computed vertices = max(f, g)`` (resp. ``= f + g``) on all of R^n is
proved by a ``cpwl-identity`` certificate, which the standard-library checker re-validates. Since a convex
max-of-affine function determines the upper hull of its Newton polytope, this checks the semiring
isomorphism exactly on these instances (including that no vertex was lost or invented).

Examples
--------
>>> certificates = run(instances=1)
>>> len(certificates), certificates[0]["kind"]
(2, 'cpwl-identity')
"""

from __future__ import annotations

import random

from lincomb.theory import CPWL
from lincomb.theory.tropical import (
    convex_function,
    newton_polytope,
    random_convex_function,
    tropical_max,
    tropical_sum,
)

from .identity_certificates import identity_certificate
from .runner import main

SEED = 1707


def run(progress=None, instances: int = 6) -> list[dict]:
    """Two certificates (max and sum) per random instance; dimensions cycle through 1, 2, 3.

    Examples
    --------
    >>> run(instances=1)[1]["claim"]["statement"][:40]
    'max over the upper vertices of Newt f + '
    """
    rng = random.Random(SEED)
    certificates = []
    for index in range(instances):
        n = 1 + index % 3
        f = random_convex_function(n, rng.randint(2, 4), rng)
        g = random_convex_function(n, rng.randint(2, 4), rng)
        P, Q = newton_polytope(f), newton_polytope(g)
        f_pieces, g_pieces = f.terms[0][1], g.terms[0][1]
        hull_function = convex_function(tropical_max(P, Q))
        sum_function = convex_function(tropical_sum(P, Q))
        if progress is not None:
            progress(f"instance {index}: n = {n}, |hull vertices| = {hull_function.max_pieces}, |sum vertices| = {sum_function.max_pieces}")
        certificates.append(identity_certificate(
            CPWL([(1, f_pieces + g_pieces)], n),
            hull_function,
            statement=f"max over the upper vertices of conv(Newt f ∪ Newt g) equals max(f, g) on R^{n} (instance {index}, seed {SEED})",
            
            claim_extra={"rhs_max_pieces": hull_function.max_pieces},
        ))
        certificates.append(identity_certificate(
            CPWL([(1, f_pieces), (1, g_pieces)], n),
            sum_function,
            statement=f"max over the upper vertices of Newt f + Newt g (Minkowski sum) equals f + g on R^{n} (instance {index}, seed {SEED})",
            
            claim_extra={"rhs_max_pieces": sum_function.max_pieces},
        ))
    return certificates


if __name__ == "__main__":
    main()
