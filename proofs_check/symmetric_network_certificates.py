"""Certificates of kind ``symmetric-network-identity``: an S_n-symmetric network equals max_n, shown on one chamber.

The producer side of ``docs/certificates_symmetric-network-identity.md``: the network is a
:class:`~lincomb.theory.symmetric_network.SymmetricNetwork` (first layer closed under permuting the inputs,
second layer given by S_n-orbits); :func:`~lincomb.theory.symmetric_network.sorted_chamber_expansion` writes it on
the fundamental chamber ``x1 >= ... >= xn``, and the certificate records that expansion's affine part and hinge
count. The stdlib checker ``checkers/symmetric_network_identity.py`` recomputes the orbits, the symmetry on the
generators and the expansion.

Examples
--------
>>> from lincomb.theory.symmetric_network import symmetric_max_network
>>> cert = symmetric_network_certificate(symmetric_max_network(3, [("1/6", [(0, 1)], [(2, 2)])]), statement="max_3")
>>> cert["kind"], cert["claim"]["lhs_widths"], cert["data"]
('symmetric-network-identity', [12, 5], {'chamber_affine': ['1', '0', '0', '0'], 'chamber_hinges': 1})
"""

from __future__ import annotations

import time

from lincomb.errors import CheckFailed
from lincomb.theory.rationals import rational_str
from lincomb.theory.symmetric_network import SymmetricNetwork, sorted_chamber_expansion

from .certificate import make_certificate

__all__ = ["max_combination_json", "symmetric_network_certificate"]

SOLVER = "lincomb.theory.symmetric_network: orbit closure on the generators, expansion on x1 >= ... >= xn"


def max_combination_json(n: int) -> dict:
    """The ``max-combination`` expression of ``max(x1, ..., xn)``.

    Examples
    --------
    >>> max_combination_json(2)["terms"][0]["pieces"][1]
    {'linear': ['0', '1'], 'constant': '0'}
    """
    pieces = [{"linear": ["1" if j == i else "0" for j in range(n)], "constant": "0"} for i in range(n)]
    return {"type": "max-combination", "terms": [{"coefficient": "1", "pieces": pieces}]}


def symmetric_network_certificate(network: SymmetricNetwork, *, statement: str, check: str | None = None,
                                  provenance_extra: dict | None = None) -> dict:
    """Prove ``network = max(x1..xn)`` on the fundamental chamber; return the certificate.

    Parameters
    ----------
    network : SymmetricNetwork
    statement : str
        The sentence that is proved.
    check : str, optional
        The id of the registered check.
    provenance_extra : dict, optional
        Facts about how the network was found (e.g. the representation's size). They go to the provenance,
        which is informative: the claim holds only what the checker proves.

    Raises
    ------
    CheckFailed
        When the network differs from max_n on the chamber (the message shows its expansion there).

    Examples
    --------
    >>> from lincomb.theory.symmetric_network import symmetric_max_network
    >>> symmetric_network_certificate(symmetric_max_network(3, [("1/3", [(0, 1)], [(2, 2)])]), statement="2 max_3")
    Traceback (most recent call last):
    ...
    lincomb.errors.CheckFailed: 2 max_3 is false: on x1 >= x2 >= x3 the network is 2*x1 (max is x1), with 0 uncancelled hinges
    """
    n = network.n
    started = time.perf_counter()
    affine, hinges = sorted_chamber_expansion(network)
    seconds = time.perf_counter() - started
    target = tuple(1 if j == 0 else 0 for j in range(n + 1))
    left = sum(1 for c in hinges.values() if c)
    if affine != target or left:
        shown = " + ".join(f"{a}*x{j + 1}" if a != 1 else f"x{j + 1}" for j, a in enumerate(affine[:-1]) if a)
        if affine[-1]:
            shown += f" + {affine[-1]}"
        chamber = " >= ".join(f"x{i + 1}" for i in range(n))
        raise CheckFailed(f"{statement} is false: on {chamber} the network is {shown or '0'} (max is x1), "
                          f"with {left} uncancelled hinges")
    claim = {
        "statement": statement,
        "input_dimension": n,
        "lhs": network.to_json(),
        "lhs_widths": list(network.widths),
        "lhs_hidden_layers": 2,
        "rhs": max_combination_json(n),
    }
    data = {"chamber_affine": [rational_str(a) for a in affine], "chamber_hinges": len(hinges)}
    certificate = make_certificate("symmetric-network-identity", claim, data, solver=SOLVER, seconds=seconds, check=check)
    certificate["provenance"].update(provenance_extra or {})
    return certificate
