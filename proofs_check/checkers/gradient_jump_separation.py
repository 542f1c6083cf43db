"""Checker for ``gradient-jump-separation``: a witness whose gradient jump varies along a kink hyperplane.

STANDARD LIBRARY ONLY.  Claim: the witness (a gated-units network on R^n) is not computed by any
one-hidden-layer Type-I LA network ``c + sum_i a_i sum_k alpha_k s_k(w_i . x + b_i)`` over the dictionary,
of any width (fixed activations are the special case of one alpha).

Why (the premise, in ``docs/certificates_gradient-jump-separation.md``): such an LA network is C^1 off the
finitely many hyperplanes ``w_i . x + b_i = 0`` (only relu and leaky_relu have a kink; relu2, identity,
GELU, SiLU, tanh are C^1), and across each hyperplane H its gradient jumps by a constant vector at every
point of H off the other hyperplanes.  The witness's jump across ``H = data.hyperplane`` is
``M(x) * normal`` with ``M(x) = sum_j c_j gate_j(u_j . x + d_j)``, real-analytic on H.  If M takes two
different values on H, it is non-constant, hence constant on no open subset of H, so no LA network equals
the witness.

The checker recomputes, from the witness alone, the jump terms of every unit on H
(``c = coefficient * |lambda| * (s'(0+) - s'(0-))`` with ``weights = lambda * normal``), compares them with
``data.jump_terms``, checks that both points lie on H, and decides ``M(p) != M(q)`` exactly: gate-free
terms cancel, and since sigmoid and tanh are strictly increasing, ``c (g(a(p)) - g(a(q)))`` has the sign of
``c * (a(p) - a(q))``; all non-zero signs must agree and one must be non-zero.

Examples
--------
>>> cert = {"format": "lincomb-certificate", "version": 1, "kind": KIND,
...   "claim": {"statement": "tanh(3 x1) relu(x2) is no LA network",
...             "witness": {"type": "gated-units", "input_dimension": 2, "output_bias": "0", "units": [
...                 {"coefficient": "1", "gate": "tanh", "gate_weights": ["3", "0"], "gate_bias": "0",
...                  "activation": "relu", "weights": ["0", "1"], "bias": "0"}]}},
...   "data": {"hyperplane": {"normal": ["0", "1"], "offset": "0"},
...            "jump_terms": [{"coefficient": "1", "gate": "tanh", "gate_weights": ["3", "0"], "gate_bias": "0"}],
...            "points": [["0", "0"], ["1", "0"]]},
...   "provenance": {"lincomb": "0.1.0", "solver": "hand", "seconds": 0}}
>>> verify(cert)
'the gradient jump across 0*x1 + 1*x2 + 0 = 0 differs at (0, 0) and (1, 0): not a one-hidden-layer Type-I LA network of any width (premise: LA jumps are constant along kink hyperplanes)'
>>> cert["data"]["points"][1] = ["1", "1"]
>>> verify(cert)
Traceback (most recent call last):
...
lincomb.proofs_check.checkers._common.CertificateRejected: data.points[1] = (1, 1) is not on the hyperplane
"""

from __future__ import annotations

from fractions import Fraction

from ._activation_units import derivative_jump_at_zero, parse_gate, parse_units
from ._exact import dot
from ._common import (
    get_matrix, get_object, get_objects, get_rational, get_vector, malformed_unless, open_certificate, reject_unless, vector_str,
)

KIND = "gradient-jump-separation"


def jump_terms(units, normal: tuple, offset: Fraction) -> dict:
    """The witness's jump terms across ``normal . x + offset = 0``: ``{(gate, u, d): c}``, zeros dropped.

    Examples
    --------
    >>> one = Fraction(1)
    >>> units = [{"coefficient": one, "gate": "one", "gate_weights": (), "gate_bias": Fraction(0), "activation": "relu",
    ...           "weights": (Fraction(0), Fraction(-2)), "bias": Fraction(0), "leaky_slope": Fraction(1, 100)}]
    >>> jump_terms(units, (Fraction(0), one), Fraction(0))     # relu(-2 x2): jump |-2| = 2
    {('one', (), Fraction(0, 1)): Fraction(2, 1)}
    """
    lead = next(i for i, v in enumerate(normal) if v != 0)
    terms: dict = {}
    for unit in units:
        jump = derivative_jump_at_zero(unit["activation"], unit["leaky_slope"])
        w = unit["weights"]
        scale = w[lead] / normal[lead]  # the unit's kink is on H iff (w, bias) = scale (normal, offset), scale != 0
        if jump == 0 or scale == 0 or any(wi != scale * ni for wi, ni in zip(w, normal)) or unit["bias"] != scale * offset:
            continue  # no kink, or a kink on another hyperplane
        key = (unit["gate"], unit["gate_weights"], unit["gate_bias"])  # the gate one has one key: ("one", (), 0)
        terms[key] = terms.get(key, Fraction(0)) + unit["coefficient"] * abs(scale) * jump
    return {k: c for k, c in terms.items() if c != 0}


def verify(cert: dict) -> str:
    """Verify a ``gradient-jump-separation`` certificate; return a one-line summary.

    Raises
    ------
    CertificateMalformed
        For a missing or mistyped field.
    CertificateRejected
        When the recomputed jump or the comparison does not support the claim.

    Examples
    --------
    >>> verify({"format": "lincomb-certificate", "version": 1, "kind": "cpwl-identity", "claim": {"statement": "s"},
    ...         "data": {}, "provenance": {"lincomb": "0", "solver": "s", "seconds": 0}})
    Traceback (most recent call last):
    ...
    lincomb.proofs_check.checkers._common.CertificateMalformed: kind: this checker reads 'gradient-jump-separation', not 'cpwl-identity'
    """
    claim, data = open_certificate(cert, KIND)
    dimension, units, _ = parse_units(claim, "witness", "claim")
    hyperplane = get_object(data, "hyperplane", "data")
    normal = tuple(get_vector(hyperplane, "normal", "data.hyperplane", dimension))
    offset = get_rational(hyperplane, "offset", "data.hyperplane")
    reject_unless(next((v for v in normal if v != 0), 0) == 1,
                  "data.hyperplane.normal must be normalised: its first non-zero entry must be 1")
    terms = jump_terms(units, normal, offset)

    stated: dict = {}
    for here, raw in get_objects(data, "jump_terms", "data"):
        key = parse_gate(raw, here, dimension)
        malformed_unless(key not in stated, here, "duplicate jump term; merge terms with the same gate and argument")
        stated[key] = get_rational(raw, "coefficient", here)
    shown = {f"{g}({[str(v) for v in u]}, {d})": str(c) for (g, u, d), c in terms.items()}
    reject_unless(stated == terms, f"data.jump_terms do not match the witness; recomputed {shown}")

    p, q = get_matrix(data, "points", "data", dimension, 2)
    for i, point in enumerate((p, q)):
        reject_unless(dot(normal, point) + offset == 0, f"data.points[{i}] = {vector_str(point)} is not on the hyperplane")
    # M(p) - M(q): a constant (gate one) term cancels; a gated term c g(a(x)) moves with the sign of c (a(p) - a(q))
    deltas = [(c, dot(u, p) - dot(u, q)) for (gate, u, _), c in terms.items() if gate != "one"]
    signs = {(c > 0) == (delta > 0) for c, delta in deltas if delta != 0}
    reason = "no gated term changes between them" if not signs else "the gated terms change in opposite directions (undecided)"
    reject_unless(len(signs) == 1, f"cannot show that the jump differs at {vector_str(p)} and {vector_str(q)}: {reason}")
    plane = " + ".join(f"{v}*x{i + 1}" for i, v in enumerate(normal)) + f" + {offset}"
    return (f"the gradient jump across {plane} = 0 differs at {vector_str(p)} and {vector_str(q)}: not a one-hidden-layer "
            "Type-I LA network of any width (premise: LA jumps are constant along kink hyperplanes)")
