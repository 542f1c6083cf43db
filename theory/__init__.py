"""Exact mathematics: CPWL functions, exact ReLU networks, and the identity test that certifies them.

Everything here is exact (``fractions.Fraction``, python-flint); nothing imports torch or pyomo.

Examples
--------
>>> from lincomb.theory import Affine
>>> Affine([1, 2], "1/2")([1, 1])
Fraction(7, 2)
"""

from .affine import Affine
from .cpwl import CPWL, cpwl_max, cpwl_min, relu
from .constructions import bbhsy_max5_network, max_network
from .identity import IdentityResult, prove_identity
from .program import Program
from .relu_network import ReLUNetwork

__all__ = [
    "Affine",
    "CPWL",
    "IdentityResult",
    "Program",
    "ReLUNetwork",
    "bbhsy_max5_network",
    "cpwl_max",
    "cpwl_min",
    "max_network",
    "prove_identity",
    "relu",
]
