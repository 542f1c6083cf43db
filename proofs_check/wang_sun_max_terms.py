"""Check ``wang-sun-max-terms``: CPWL functions as linear combinations of maxima of at most n+1 affine terms.

Wang and Sun (2005) proved that every CPWL function on R^n is ``sum_t c_t max(l_t1, ..., l_t(n+1))``.
For a handful of explicit functions on R^2 and R^3 (towers, a norm, non-convex functions with few
pieces) the toolkit builds the function with exact ``max``/``min`` arithmetic, rewrites it with
:meth:`lincomb.theory.CPWL.wang_sun`, and certifies ``f = rewritten f`` on all of R^n; the claim's
``rhs_max_pieces = n + 1`` is re-checked by the checker on the rewritten expression.

Run it alone with ``python -m lincomb.proofs_check.wang_sun_max_terms``.

Examples
--------
>>> [name for name, _ in example_functions()][:3]
['2-D hinge tower max(0, 1 - |x| - |y|)', '|x| + |y|', '3-piece non-convex max(0, min(x, y))']
"""

from __future__ import annotations

from lincomb.errors import CheckFailed
from lincomb.theory import CPWL, cpwl_max, cpwl_min

from .identity_certificates import identity_certificate
from .runner import main



def example_functions() -> list[tuple[str, CPWL]]:
    """The functions of the check, each with a name that says what it is.

    Examples
    --------
    >>> name, tower = example_functions()[0]
    >>> tower([0, 0]), tower(["1/4", "-1/4"]), tower([2, 0])
    (Fraction(1, 1), Fraction(1, 2), Fraction(0, 1))
    """
    x, y = CPWL.coordinate(0, 2), CPWL.coordinate(1, 2)
    X, Y, Z = (CPWL.coordinate(i, 3) for i in range(3))
    return [
        ("2-D hinge tower max(0, 1 - |x| - |y|)", cpwl_max(cpwl_min(1 - x - y, 1 - x + y, 1 + x - y, 1 + x + y), 0)),
        ("|x| + |y|", abs(x) + abs(y)),
        ("3-piece non-convex max(0, min(x, y))", cpwl_max(cpwl_min(x, y), 0)),
        ("staircase max(0, min(x, 1)) + max(0, min(y - x, 1))", cpwl_max(cpwl_min(x, 1), 0) + cpwl_max(cpwl_min(y - x, 1), 0)),
        ("max-norm max(|x|, |y|, |z|) on R^3", cpwl_max(abs(X), abs(Y), abs(Z))),
        ("3-D hinge max(0, x, y, z, x + y + z - 1)", cpwl_max(X, Y, Z, X + Y + Z - 1, 0)),
        ("non-convex max(0, min(x, y, z)) on R^3", cpwl_max(cpwl_min(X, Y, Z), 0)),
    ]


def run(progress=None) -> list[dict]:
    """Rewrite each example in Wang-Sun form and certify the identity.

    Examples
    --------
    >>> certificates = run()
    >>> [c["claim"]["rhs_max_pieces"] for c in certificates][:2]
    [3, 3]
    """
    certificates = []
    for name, function in example_functions():
        n = function.dimension
        rewritten = function.wang_sun()
        if rewritten.max_pieces > n + 1:
            raise CheckFailed(f"{name}: the Wang-Sun form has a maximum of {rewritten.max_pieces} pieces, more than n + 1 = {n + 1}")
        if progress is not None:
            progress(f"{name}: {len(function.terms)} terms of up to {function.max_pieces} pieces -> "
                     f"{len(rewritten.terms)} terms of up to {rewritten.max_pieces}")
        certificates.append(
            identity_certificate(
                function,
                rewritten,
                statement=f"{name} equals a linear combination of {len(rewritten.terms)} maxima of at most {n + 1} affine functions on R^{n}",
                
                claim_extra={"rhs_max_pieces": n + 1},
                progress=progress,
            )
        )
    return certificates


if __name__ == "__main__":
    main()
