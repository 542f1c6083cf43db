"""Checker for ``fixed-activation-separation``: a 1-D witness that no fixed-activation Type-I FFN represents.

STANDARD LIBRARY ONLY.  The claim gives a witness (a gated-units network on R with ungated
piecewise-polynomial units: identity, relu, relu2, leaky_relu) and a list of dictionary activations.
For each activation s it claims: no ``c + sum_i a_i s(w_i x + b_i)`` (any width, real parameters) equals
the witness on R.

The checker recomputes the witness's piece structure exactly (breakpoints and polynomial coefficients)
and compares it with ``data.restriction``; then for each activation it checks the stated invariant
against the class of s (the premise table ``CLASS_OF``, re-checked for the piecewise entries):

* ``piece-degree`` (against affine or piecewise-linear classes): a piece of degree >= 2.  A function
  of such a class is affine on a subinterval of every interval; a polynomial of degree >= 2 is affine on
  no interval.
* ``derivative-jump`` (against affine, C^1 or analytic classes): a breakpoint where the one-sided
  derivatives differ, so the witness is not differentiable there.

Examples
--------
>>> cert = {"format": "lincomb-certificate", "version": 1, "kind": KIND,
...   "claim": {"statement": "relu(x) + relu(x)^2 is no fixed-ReLU or ReLU^2 FFN", "activations": ["relu", "relu2"],
...             "witness": {"type": "gated-units", "input_dimension": 1, "output_bias": "0", "units": [
...                 {"coefficient": "1", "gate": "one", "activation": "relu", "weights": ["1"], "bias": "0"},
...                 {"coefficient": "1", "gate": "one", "activation": "relu2", "weights": ["1"], "bias": "0"}]}},
...   "data": {"restriction": {"breakpoints": ["0"], "pieces": [["0"], ["0", "1", "1"]]},
...            "separations": {"relu": {"class": "piecewise-linear", "invariant": "piece-degree", "piece": 1},
...                            "relu2": {"class": "C1", "invariant": "derivative-jump", "point": "0", "left": "0", "right": "1"}}},
...   "provenance": {"lincomb": "0.1.0", "solver": "hand", "seconds": 0}}
>>> verify(cert)
'witness (1 breakpoint, max degree 2) is not a Type-I FFN of any width with relu (piece-degree), relu2 (derivative-jump); premises: identity affine, relu and leaky_relu piecewise linear, relu2 C^1 (re-checked)'
>>> cert["data"]["separations"]["relu2"]["right"] = "2"
>>> verify(cert)
Traceback (most recent call last):
...
lincomb.proofs_check.checkers._common.CertificateRejected: relu2: the derivative at 0 is 0 from the left and 1 from the right, not 0 and 2
"""

from __future__ import annotations

from fractions import Fraction
from functools import reduce

from ._activation_units import CLASS_OF, DICTIONARY, check_piecewise_premises, parse_units, piecewise_activation
from ._exact import poly_add, poly_derivative, poly_eval, poly_scale_compose
from ._common import (
    field_path, get_int, get_list, get_object, get_rational, get_str, get_vector, malformed_unless, open_certificate,
    get_choice, parse_rational, reject_unless,
)

KIND = "fixed-activation-separation"

#: The classes each invariant separates the witness from.
_INVARIANTS_FOR = {"piece-degree": ("affine", "piecewise-linear"), "derivative-jump": ("affine", "C1", "analytic")}


def restriction(units, bias: Fraction) -> tuple:
    """``(breakpoints, pieces)`` of a 1-D network of ungated piecewise-polynomial units, normalised.

    Breakpoints where both neighbouring pieces are equal are dropped.

    Examples
    --------
    >>> units = [{"coefficient": Fraction(1), "gate": "one", "activation": "relu2", "weights": (Fraction(s),),
    ...           "bias": Fraction(0), "leaky_slope": Fraction(1, 100)} for s in (1, -1)]
    >>> restriction(units, Fraction(0))        # relu(x)^2 + relu(-x)^2 = x^2
    ((), ((Fraction(0, 1), Fraction(0, 1), Fraction(1, 1)),))
    """
    constant = (bias,)
    terms = []
    for index, unit in enumerate(units):
        pieces = piecewise_activation(unit["activation"], unit["leaky_slope"])
        reject_unless(unit["gate"] == "one" and pieces is not None,
                      f"witness unit {index} ({unit['gate']} gate, {unit['activation']}) is not an ungated "
                      "piecewise-polynomial unit; this kind takes identity, relu, relu2, leaky_relu only")
        negative, positive = pieces
        a, (w,), b = unit["coefficient"], unit["weights"], unit["bias"]
        if w == 0:
            constant = poly_add(constant, (a * poly_eval(positive if b > 0 else negative, b),))
            continue
        # a s(w x + b) left and right of its breakpoint -b/w (the sides swap when w < 0)
        left, right = (poly_scale_compose(p, a, w, b) for p in ((negative, positive) if w > 0 else (positive, negative)))
        terms.append((-b / w, left, right))
    points = sorted({t for t, _, _ in terms})
    # piece k (between points[k-1] and points[k]): units with a breakpoint left of it contribute their right piece
    raw = [reduce(poly_add, (right if t in points[:k] else left for t, left, right in terms), constant)
           for k in range(len(points) + 1)]
    # a breakpoint stays where the pieces on its two sides differ
    changes = [(point, after) for point, before, after in zip(points, raw, raw[1:]) if before != after]
    return tuple(point for point, _ in changes), (raw[0],) + tuple(piece for _, piece in changes)


def verify(cert: dict) -> str:
    """Verify a ``fixed-activation-separation`` certificate; return a one-line summary.

    Raises
    ------
    CertificateMalformed
        For a missing or mistyped field.
    CertificateRejected
        When the recomputed piece structure or an invariant does not match.

    Examples
    --------
    >>> verify({"format": "lincomb-certificate", "version": 1, "kind": KIND, "claim": {"statement": "s"},
    ...         "data": {}, "provenance": {"lincomb": "0", "solver": "s", "seconds": 0}})
    Traceback (most recent call last):
    ...
    lincomb.proofs_check.checkers._common.CertificateMalformed: claim.witness: missing required field
    """
    claim, data = open_certificate(cert, KIND)
    dimension, units, bias = parse_units(claim, "witness", "claim")
    malformed_unless(dimension == 1, "claim.witness.input_dimension",
                     f"this kind is about functions on R, got dimension {dimension}")
    names = get_list(claim, "activations", "claim", empty="name at least one dictionary activation")
    for i, name in enumerate(names):
        malformed_unless(name in DICTIONARY, field_path("claim.activations", i), f"unknown activation {name!r}")
    premises = check_piecewise_premises()
    points, pieces = restriction(units, bias)

    # the stated piece structure must be the recomputed one
    stated = get_object(data, "restriction", "data")
    stated_points = tuple(get_vector(stated, "breakpoints", "data.restriction"))
    stated_pieces = []
    for i, piece in enumerate(get_list(stated, "pieces", "data.restriction")):
        here = field_path("data.restriction.pieces", i)
        malformed_unless(isinstance(piece, list) and piece, here, "expected a non-empty list of coefficients")
        stated_pieces.append(tuple(parse_rational(c, field_path(here, j)) for j, c in enumerate(piece)))
    reject_unless((stated_points, tuple(stated_pieces)) == (points, pieces),
                  f"data.restriction does not match the witness: recomputed breakpoints {[str(p) for p in points]} "
                  f"and pieces {[[str(c) for c in p] for p in pieces]}")

    # each activation: the stated class is that of the premise table, and its invariant holds for the witness
    separations = get_object(data, "separations", "data")
    used = []
    for name in names:
        here = field_path("data.separations", name)
        entry = get_object(separations, name, "data.separations")
        stated_class = get_str(entry, "class", here)
        reject_unless(stated_class == CLASS_OF[name], f"{name}: class {stated_class!r} is wrong; a {name} FFN is {CLASS_OF[name]}")
        invariant = get_choice(entry, "invariant", here, _INVARIANTS_FOR, "unknown invariant {value!r}")
        reject_unless(CLASS_OF[name] in _INVARIANTS_FOR[invariant],
                      f"{name}: the invariant {invariant} does not separate the class {CLASS_OF[name]}")
        if invariant == "piece-degree":
            index = get_int(entry, "piece", here, minimum=0)
            reject_unless(index < len(pieces), f"{name}: piece {index} does not exist ({len(pieces)} pieces)")
            reject_unless(len(pieces[index]) - 1 >= 2, f"{name}: piece {index} has degree {len(pieces[index]) - 1} < 2")
        else:
            point = get_rational(entry, "point", here)
            reject_unless(point in points, f"{name}: {point} is not a breakpoint of the witness")
            k = points.index(point)
            left, right = (poly_eval(poly_derivative(pieces[k + side]), point) for side in (0, 1))
            stated_left, stated_right = get_rational(entry, "left", here), get_rational(entry, "right", here)
            reject_unless((left, right) == (stated_left, stated_right),
                          f"{name}: the derivative at {point} is {left} from the left and {right} from the right, "
                          f"not {stated_left} and {stated_right}")
            reject_unless(left != right, f"{name}: the one-sided derivatives at {point} agree; no kink")
        used.append(f"{name} ({invariant})")
    if any(CLASS_OF[name] == "analytic" for name in names):
        premises += "; gelu, silu, tanh real-analytic (premise)"
    degree = max(len(p) - 1 for p in pieces)
    plural = "" if len(points) == 1 else "s"
    return (f"witness ({len(points)} breakpoint{plural}, max degree {degree}) is not a Type-I FFN of any width "
            f"with {', '.join(used)}; premises: {premises}")
