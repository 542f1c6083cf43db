"""Checker of kind ``max-representation-infeasible``: no combination of k-pair templates gives max_n.

STANDARD LIBRARY ONLY. The claim: for no rational coefficients is ``max(x1..xn) = sum_t c_t F_{A_t,B_t}`` with
templates of k pairs per side (loops allowed unless ``claim.loops`` is false). The proof is a rational vector y in
the left kernel of the system of :mod:`.max_representation`: one value per linear coordinate
(``data.linear``, n values) and one per reduced hinge direction (``data.hinges``; directions not listed get 0),
such that

* ``y . column(F_{A,B}) = 0`` for every template, and
* ``y . column(max) = y_linear[n] = 1`` (the column of max is ``x_n``: linear part ``e_n``, no hinges).

Then any solution would give ``0 = sum_t c_t y . column(F_t) = y . column(max) = 1``. The checker enumerates the
templates itself: every template is a relabelling of a "normal form" one (A on indices 1..m, B on those and new
indices m+1, m+2, ... in order), and relabelling does not change ``F``.

Examples
--------
>>> cert = {"format": "lincomb-certificate", "version": 1, "kind": KIND,
...         "claim": {"statement": "k = 1 is not enough for n = 5", "n": 5, "k": 1, "loops": True},
...         "data": {"linear": ["1", "-4", "6", "-4", "1"], "hinges": []},
...         "provenance": {"lincomb": "0.1.0", "solver": "hand", "seconds": 0}}
>>> verify(cert)
'no combination of templates with k = 1 pairs per side equals max(x1..x5): 11 normal-form templates annihilated'
"""

from __future__ import annotations

from ._common import CertificateRejected, field_path, get_field, get_int, get_list, get_objects
from ._common import get_rational, get_vector, malformed_unless, open_certificate, reject_unless
from ._exact import dot
from ._max_template_math import is_reduced_direction, normal_form_templates, template_column

__all__ = ["KIND", "verify"]

KIND = "max-representation-infeasible"


def verify(cert: dict) -> str:
    """Verify a ``max-representation-infeasible`` certificate; return a one-line summary.

    Raises
    ------
    CertificateMalformed
        For a wrong shape: ``data.linear`` not n rationals, a hinge direction that is not a reduced direction
        (primitive integer n-vector, entries summing to 0, first nonzero entry positive, changing sign on the
        sorted cone), or a direction listed twice.
    CertificateRejected
        When ``y_linear[n] != 1`` or some template's column is not annihilated.

    Examples
    --------
    >>> cert = {"format": "lincomb-certificate", "version": 1, "kind": KIND,
    ...         "claim": {"statement": "wrong", "n": 5, "k": 1, "loops": True},
    ...         "data": {"linear": ["1", "-4", "6", "-4", "2"], "hinges": []},
    ...         "provenance": {"lincomb": "0.1.0", "solver": "hand", "seconds": 0}}
    >>> verify(cert)
    Traceback (most recent call last):
    ...
    lincomb.proofs_check.checkers._common.CertificateRejected: y . column(max) = y_linear[5] = 2, not 1
    """
    claim, data = open_certificate(cert, KIND)
    n = get_int(claim, "n", "claim", minimum=2)
    k = get_int(claim, "k", "claim", minimum=1)
    loops = get_field(claim, "loops", "claim", bool, "a boolean")
    malformed_unless(n <= 9 and k <= 4, "claim", f"n = {n}, k = {k} is beyond what this checker enumerates (n <= 9, k <= 4)")
    linear = get_vector(data, "linear", "data", n, " (claim.n)")
    hinges: dict = {}
    for here, entry in get_objects(data, "hinges", "data", "expected an object {direction, value}"):
        direction, where = get_list(entry, "direction", here), field_path(here, "direction")
        integers = len(direction) == n and all(type(v) is int for v in direction)  # not booleans
        malformed_unless(integers, where, f"expected n = {n} integers")
        malformed_unless(is_reduced_direction(direction), where, "not a reduced direction (primitive, entries "
                         "summing to 0, first nonzero entry positive, changing sign on the sorted cone)")
        key = tuple(direction)
        malformed_unless(key not in hinges, where, "direction listed twice")
        hinges[key] = get_rational(entry, "value", here)
    reject_unless(linear[n - 1] == 1, f"y . column(max) = y_linear[{n}] = {linear[n - 1]}, not 1")
    checked = 0
    for a_pairs, b_pairs in normal_form_templates(n, k, loops):
        column, column_hinges, _ = template_column(a_pairs, b_pairs, n)
        total = dot(linear, column) + sum(g * hinges.get(direction, 0) for direction, g in column_hinges.items())
        if total != 0:
            shown = [[[i + 1, j + 1] for i, j in a_pairs], [[i + 1, j + 1] for i, j in b_pairs]]
            raise CertificateRejected(f"y does not annihilate the template {shown}: y . column = {total} (times (n-m)!)")
        checked += 1
    return (f"no combination of templates with k = {k} pairs per side equals max(x1..x{n}): "
            f"{checked} normal-form templates annihilated")
