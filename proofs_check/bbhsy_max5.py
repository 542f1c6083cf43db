"""Check ``bbhsy-max5-two-hidden``: two hidden layers suffice for the maximum of 5 numbers.

Bakaev, Brunck, Hertrich, Stade and Yehudayoff (STOC 2026, arXiv 2505.14338) write max(x1..x5) as
``1/2 [P1 + P2 + P3 + P4 + Q - R13 - R14 - R23 - R24]`` (see ``shared/references/relu_depth.md``), each
term a maximum of sums of pairwise maxima, hence computable with 2 hidden layers. The binary tree
needs ceil(log2 5) = 3, and Hertrich et al. conjectured 3 is necessary; their conjecture holds for
networks whose neurons respect the braid arrangement, and this network's neurons break along
hyperplanes such as 2 x5 = x1 + x2, outside it. The check proves exactly that
:func:`lincomb.theory.bbhsy_max5_network` equals max(x1..x5) on all of R^5, and the checker recomputes the
hidden-layer count from the weights.

Run it alone with ``python -m lincomb.proofs_check.bbhsy_max5``.
"""

from __future__ import annotations

from lincomb.errors import CheckFailed
from lincomb.theory import bbhsy_max5_network
from lincomb.theory.constructions import max_function

from .identity_certificates import identity_certificate
from .runner import main



def run(progress=None) -> list[dict]:
    """Build and return the certificate.

    Examples
    --------
    >>> certificate, = run()
    >>> certificate["claim"]["lhs_hidden_layers"], certificate["claim"]["input_dimension"]
    (2, 5)
    """
    network = bbhsy_max5_network()
    if network.hidden_layers != 2:
        raise CheckFailed(f"bbhsy_max5_network() has {network.hidden_layers} hidden layers, expected 2")
    if progress is not None:
        progress(f"widths {network.widths}")
    return [
        identity_certificate(
            network,
            max_function(5),
            statement=(
                f"a ReLU network with 2 hidden layers (widths {', '.join(map(str, network.widths))}) "
                "computes max(x1, ..., x5) on R^5 (Bakaev, Brunck, Hertrich, Stade, Yehudayoff)"
            ),
            
            claim_extra={"lhs_hidden_layers": 2},
            progress=progress,
        )
    ]


if __name__ == "__main__":
    main()
