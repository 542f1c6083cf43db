"""Shared parsing for the activation-family certificate kinds: gated units, polynomials, jumps.

STANDARD LIBRARY ONLY.  A *gated-units* network (the format of ``docs/certificates_fixed-activation-separation.md``)
is ``output_bias + sum_u coefficient_u * gate_u(gate_weights_u . x + gate_bias_u) * s_u(weights_u . x + bias_u)``
with ``gate`` in ``one`` (the constant 1: fixed and LA terms), ``sigmoid``, ``tanh`` and ``s`` in the
activation dictionary.

Examples
--------
>>> net = {"type": "gated-units", "input_dimension": 1, "output_bias": "0", "units": [
...     {"coefficient": "1", "gate": "one", "activation": "relu", "weights": ["1"], "bias": "0"}]}
>>> parse_units({"witness": net}, "witness", "claim")[1][0]["activation"]
'relu'
"""

from __future__ import annotations

from fractions import Fraction

from ._common import field_path, get_choice, get_int, get_object, get_objects, get_rational, get_vector
from ._exact import poly_derivative, poly_eval

DICTIONARY = ("identity", "relu", "relu2", "leaky_relu", "gelu", "silu", "tanh")
GATES = ("one", "sigmoid", "tanh")
DEFAULT_LEAKY_SLOPE = Fraction(1, 100)

#: The premise table: the closed function class of each dictionary entry.  Each class is closed under
#: s -> a s(w x + b) + c and finite sums, so it contains every Type-I FFN of any width built from s alone.
#: Piecewise-polynomial entries are re-checked by :func:`check_piecewise_premises`; GELU = y Phi(y),
#: SiLU = y / (1 + exp(-y)) and tanh are real-analytic (compositions of analytic functions with a
#: non-vanishing denominator): that part is a premise, stated in every summary.
CLASS_OF = {
    "identity": "affine",
    "relu": "piecewise-linear",
    "leaky_relu": "piecewise-linear",
    "relu2": "C1",
    "gelu": "analytic",
    "silu": "analytic",
    "tanh": "analytic",
}


def piecewise_activation(name: str, leaky_slope: Fraction) -> tuple | None:
    """``(coefficients for y < 0, coefficients for y > 0)`` of a piecewise-polynomial entry, else None.

    Examples
    --------
    >>> piecewise_activation("relu2", Fraction(1, 100))
    ((Fraction(0, 1),), (Fraction(0, 1), Fraction(0, 1), Fraction(1, 1)))
    >>> piecewise_activation("gelu", Fraction(1, 100)) is None
    True
    """
    zero, one = Fraction(0), Fraction(1)
    return {
        "identity": ((zero, one), (zero, one)),
        "relu": ((zero,), (zero, one)),
        "relu2": ((zero,), (zero, zero, one)),
        "leaky_relu": ((zero, leaky_slope), (zero, one)),
    }.get(name)


def derivative_jump_at_zero(name: str, leaky_slope: Fraction) -> Fraction:
    """``s'(0+) - s'(0-)``: 1 for ReLU, 1 - slope for LeakyReLU, 0 for the C^1 entries.

    Examples
    --------
    >>> derivative_jump_at_zero("leaky_relu", Fraction(1, 4))
    Fraction(3, 4)
    """
    pieces = piecewise_activation(name, leaky_slope)
    if pieces is None:
        return Fraction(0)  # gelu, silu, tanh: analytic
    left, right = (poly_eval(poly_derivative(p), Fraction(0)) for p in pieces)
    return right - left


def check_piecewise_premises() -> str:
    """Re-check the premise table for the piecewise-polynomial entries; return what was checked.

    identity is one polynomial of degree 1; relu and leaky_relu have pieces of degree <= 1; relu2 has
    pieces of degree 2 that agree with their first derivatives at 0 (so it is C^1).

    Examples
    --------
    >>> check_piecewise_premises()
    'identity affine, relu and leaky_relu piecewise linear, relu2 C^1 (re-checked)'
    """
    pieces = {name: piecewise_activation(name, DEFAULT_LEAKY_SLOPE) for name in ("identity", "relu", "leaky_relu", "relu2")}
    degree = {name: max(len(left), len(right)) - 1 for name, (left, right) in pieces.items()}
    # relu2: value and first derivative at 0 from the left and from the right
    at_zero = [(poly_eval(p, Fraction(0)), poly_eval(poly_derivative(p), Fraction(0))) for p in pieces["relu2"]]
    premises = {
        "identity": pieces["identity"][0] == pieces["identity"][1] and degree["identity"] == 1,
        "relu": degree["relu"] <= 1,
        "leaky_relu": degree["leaky_relu"] <= 1,
        "relu2": at_zero[0] == at_zero[1],
    }
    failed = [name for name, holds in premises.items() if not holds]
    if failed:
        raise AssertionError(f"premise table wrong for {', '.join(failed)}")  # a bug in this module, never bad input
    return "identity affine, relu and leaky_relu piecewise linear, relu2 C^1 (re-checked)"


def parse_gate(raw: dict, here: str, dimension: int) -> tuple:
    """``(gate, gate_weights, gate_bias)`` of a unit or a jump term at ``here``; the gate ``one`` (the constant 1) takes
    no weights and reads as ``("one", (), 0)`` (its argument is irrelevant: all its terms are alike).

    Examples
    --------
    >>> parse_gate({"gate": "tanh", "gate_weights": ["1", "2"], "gate_bias": "-1"}, "u", 2)
    ('tanh', (Fraction(1, 1), Fraction(2, 1)), Fraction(-1, 1))
    >>> parse_gate({"gate": "relu"}, "u", 2)
    Traceback (most recent call last):
    ...
    lincomb.proofs_check.checkers._common.CertificateMalformed: u.gate: unknown gate 'relu'; expected one of one, sigmoid, tanh
    """
    gate = get_choice(raw, "gate", here, GATES, "unknown gate {value!r}; expected one of " + ", ".join(GATES))
    if gate == "one":
        return gate, (), Fraction(0)
    return gate, tuple(get_vector(raw, "gate_weights", here, dimension)), get_rational(raw, "gate_bias", here)


def parse_units(obj: dict, key: str, path: str) -> tuple:
    """Parse the gated-units network ``obj[key]``: ``(input_dimension, units, output_bias)``; units are dicts of
    Fractions.

    Examples
    --------
    >>> net = {"type": "gated-units", "input_dimension": 2, "output_bias": "1/2", "units": [
    ...     {"coefficient": "1", "gate": "tanh", "gate_weights": ["3", "0"], "gate_bias": "0",
    ...      "activation": "relu", "weights": ["0", "1"], "bias": "0"}]}
    >>> dimension, units, bias = parse_units({"witness": net}, "witness", "claim")
    >>> dimension, units[0]["gate_weights"], bias
    (2, (Fraction(3, 1), Fraction(0, 1)), Fraction(1, 2))
    """
    network, path = get_object(obj, key, path), field_path(path, key)
    get_choice(network, "type", path, ("gated-units",), "expected 'gated-units', got {value!r}")
    dimension = get_int(network, "input_dimension", path, minimum=1)
    bias = get_rational(network, "output_bias", path)
    units = []
    for here, raw in get_objects(network, "units", path):
        name = get_choice(raw, "activation", here, DICTIONARY, "unknown activation {value!r}; expected one of " + ", ".join(DICTIONARY))
        weights = tuple(get_vector(raw, "weights", here, dimension))
        gate, gate_weights, gate_bias = parse_gate(raw, here, dimension)
        units.append({
            "gate": gate, "gate_weights": gate_weights, "gate_bias": gate_bias, "activation": name, "weights": weights,
            "leaky_slope": get_rational(raw, "leaky_slope", here) if "leaky_slope" in raw else DEFAULT_LEAKY_SLOPE,
            "coefficient": get_rational(raw, "coefficient", here), "bias": get_rational(raw, "bias", here),
        })
    return dimension, units, bias
