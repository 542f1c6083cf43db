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
from .identity import IdentityResult, prove_identity
from .program import Program

__all__ = ["Affine", "CPWL", "cpwl_max", "cpwl_min", "relu", "IdentityResult", "Program", "prove_identity"]
