"""Checker of kind ``max-representation``: max(x1..xn) as a combination of symmetrized templates.

STANDARD LIBRARY ONLY. The claim: ``max(x_1, ..., x_n) = sum_t c_t F_{A_t, B_t}(x)`` for every x in R^n, where
``F_{A,B}(x) = sum over all n! permutations s of max{sum_{(i,j) in A} max(x_si, x_sj), sum_{(i,j) in B} max(x_si,
x_sj)}`` (the convention of Ruess et al., so their published certificates verify as they are) and A, B are
multisets of k pairs (1-based, loops allowed). Each term is a 2-hidden-layer ReLU network, so the identity
shows that max_n is computable with 2 hidden layers.

The check (see ``docs/certificates_max-representation.md``): both sides are symmetric, so it suffices to compare
them on the sorted cone ``x_1 <= ... <= x_n``. For every term and every ordering the permuted template is
``max(alpha . x, beta . x)`` there; it is decomposed into a linear part and a multiple of ``relu(d . x)`` for a
reduced direction d. The checker adds everything up exactly and requires every hinge coefficient to be 0 and
the linear part to be ``x_n``.

Examples
--------
>>> cert = {"format": "lincomb-certificate", "version": 1, "kind": KIND,
...         "claim": {"statement": "max(x1, x2, x3) = (1/6) F[{12}|{33}]", "n": 3, "k": 1},
...         "data": {"terms": [{"coefficient": "1/6", "pair": [[[1, 2]], [[3, 3]]]}]},
...         "provenance": {"lincomb": "0.1.0", "solver": "hand", "seconds": 0}}
>>> verify(cert)
'max(x1..x3) = sum of 1 symmetrized templates (k = 1): 0 hinge directions cancel, linear part x3'
"""

from __future__ import annotations

from fractions import Fraction

from ._common import CertificateMalformed, CertificateRejected, field_path, get_int, get_list, get_objects, get_rational
from ._common import malformed_unless, open_certificate, reject_unless, vector_str
from ._max_template_math import template_column

__all__ = ["KIND", "verify", "read_pairs"]

KIND = "max-representation"


def read_pairs(value, n: int, k: int, path: str) -> list:
    """Read one side of a template: a list of exactly k pairs ``[i, j]`` with ``1 <= i, j <= n``; 0-based result.

    Examples
    --------
    >>> read_pairs([[1, 2], [3, 3]], 3, 2, "data.terms[0].pair[0]")
    [(0, 1), (2, 2)]
    >>> read_pairs([[1, 4]], 3, 1, "p")
    Traceback (most recent call last):
    ...
    lincomb.proofs_check.checkers._common.CertificateMalformed: p[0][1]: index 4 is not in 1..3
    """
    malformed_unless(isinstance(value, list), path, "expected an array of pairs [i, j]")
    malformed_unless(len(value) == k, path, f"expected exactly k = {k} pairs, got {len(value)}")
    pairs = []
    for position, pair in enumerate(value):
        here = field_path(path, position)
        malformed_unless(isinstance(pair, list) and len(pair) == 2, here, "expected a pair [i, j] of 1-based indices")
        for slot, index in enumerate(pair):
            malformed_unless(type(index) is int, field_path(here, slot), "expected an integer index")  # not a bool
            malformed_unless(1 <= index <= n, field_path(here, slot), f"index {index} is not in 1..{n}")
        pairs.append((pair[0] - 1, pair[1] - 1))
    return pairs


def verify(cert: dict) -> str:
    """Verify a ``max-representation`` certificate; return a one-line summary.

    Raises
    ------
    CertificateMalformed
        For missing fields, wrong types, non-rational coefficients, pairs that are not k pairs of indices in 1..n.
    CertificateRejected
        When a hinge coefficient does not cancel or the linear part is not ``x_n``.

    Examples
    --------
    >>> cert = {"format": "lincomb-certificate", "version": 1, "kind": KIND,
    ...         "claim": {"statement": "wrong", "n": 3, "k": 1},
    ...         "data": {"terms": [{"coefficient": "1/5", "pair": [[[1, 2]], [[3, 3]]]}]},
    ...         "provenance": {"lincomb": "0.1.0", "solver": "hand", "seconds": 0}}
    >>> verify(cert)
    Traceback (most recent call last):
    ...
    lincomb.proofs_check.checkers._common.CertificateRejected: the linear part is (0, 0, 6/5), not x3 = (0, 0, 1)
    """
    claim, data = open_certificate(cert, KIND)
    n = get_int(claim, "n", "claim", minimum=1)
    k = get_int(claim, "k", "claim", minimum=1)
    malformed_unless(n <= 12, "claim.n", f"n = {n} is beyond what this checker enumerates (n! orderings); at most 12")
    if "hidden_layers" in claim and get_int(claim, "hidden_layers", "claim") != 2:
        raise CertificateMalformed("claim.hidden_layers", "every term is a 2-hidden-layer network: must be 2 if present")
    terms = get_objects(data, "terms", "data", "expected an object {coefficient, pair}", empty="expected at least one term")
    linear = [Fraction(0)] * n
    hinges: dict = {}
    for here, term in terms:
        coefficient = get_rational(term, "coefficient", here)
        pair, pair_path = get_list(term, "pair", here), field_path(here, "pair")
        malformed_unless(len(pair) == 2, pair_path, "expected [A, B], two lists of pairs")
        a_pairs, b_pairs = (read_pairs(side, n, k, field_path(pair_path, s)) for s, side in enumerate(pair))
        if coefficient == 0:
            continue
        column, column_hinges, multiplier = template_column(a_pairs, b_pairs, n)
        weight = coefficient * multiplier
        linear = [x + weight * c for x, c in zip(linear, column)]
        for direction, g in column_hinges.items():
            hinges[direction] = hinges.get(direction, 0) + weight * g
    nonzero = [(d, c) for d, c in hinges.items() if c != 0]
    if nonzero:
        direction, value = min(nonzero)
        raise CertificateRejected(f"{len(nonzero)} hinge directions do not cancel, e.g. relu(d . x) with d = "
                                  f"{vector_str(direction)} has total coefficient {value} on the sorted cone, not 0")
    expected = [0] * (n - 1) + [1]
    reject_unless(linear == expected, f"the linear part is {vector_str(linear)}, not x{n} = {vector_str(expected)}")
    return (
        f"max(x1..x{n}) = sum of {len(terms)} symmetrized templates (k = {k}): "
        f"{len(hinges)} hinge directions cancel, linear part x{n}"
    )
