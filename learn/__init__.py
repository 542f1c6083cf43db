"""Learned components whose outputs are symbolic and are checked against the theory.

Planned here (all need the ``learn`` extra, ``pip install "lincomb[learn]"``): FFN families
with fixed, learnable (LA) and mixture (MoA) activations, symbolic regression of ODEs,
diffusion samplers (TADA and baselines), sparse-coding attention, and kernel similarity matching.
Each learned object exports ``to_sympy()``, which is compared with :mod:`lincomb.theory`.

This package must not import torch when it is imported: modules that need torch import it
themselves, so ``import lincomb.learn`` works (and the rest of lincomb works) without it.
"""
