"""Check ``max-tree-upper-bound``: the binary max tree computes max(x1..xn) with ceil(log2 n) hidden layers.

For each n = 2..8, :func:`lincomb.theory.max_network` arranges ``max{a, b} = relu(a - b) + relu(b) - relu(-b)``
as a binary tree. The check proves exactly, with a ``cpwl-identity`` certificate per n, that the network
equals ``max(x1, ..., xn)`` on all of R^n, and the certificate's claim records the hidden-layer count,
which the checker recomputes from the weights.

Run it alone with ``python -m lincomb.proofs_check.max_tree``.

Examples
--------
>>> certificates = run(dimensions=(2, 3))
>>> [c["claim"]["lhs_hidden_layers"] for c in certificates]
[1, 2]
"""

from __future__ import annotations

import math

from lincomb.errors import CheckFailed
from lincomb.theory import max_network
from lincomb.theory.constructions import max_function

from .identity_certificates import identity_certificate
from .runner import main



def run(progress=None, dimensions=range(2, 9)) -> list[dict]:
    """Build and return one certificate per n in ``dimensions``.

    Examples
    --------
    >>> run(dimensions=(4,))[0]["claim"]["statement"]
    'max_network(4), a ReLU network with 2 hidden layers, computes max(x1, ..., x4) on R^4'
    """
    certificates = []
    for n in dimensions:
        network = max_network(n)
        layers = math.ceil(math.log2(n))
        if network.hidden_layers != layers:
            raise CheckFailed(f"max_network({n}) has {network.hidden_layers} hidden layers, expected ceil(log2 {n}) = {layers}")
        if progress is not None:
            progress(f"n = {n}: widths {network.widths}")
        certificates.append(
            identity_certificate(
                network,
                max_function(n),
                statement=f"max_network({n}), a ReLU network with {layers} hidden layers, computes max(x1, ..., x{n}) on R^{n}",
                
                claim_extra={"lhs_hidden_layers": layers},
                progress=progress,
            )
        )
    return certificates


if __name__ == "__main__":
    main()
