"""Checks of the activation-family separations: fixed < LA < MoA, exactly; a learned MoA; minimal widths.

Four check functions (one registered check each):

``run_la_strictly_contains_fixed`` (``la-strictly-contains-fixed``)
    **Statement.** Let ``h(x) = ReLU(x) + ReLU(x)^2`` on R; h is a width-1 Type-I LA network
    (``W1 = 1, b1 = 0``, ``alpha_relu = alpha_relu2 = 1``, ``W2 = 1``).  For each s in the dictionary
    {identity, ReLU, ReLU^2, LeakyReLU(1/100), GELU, SiLU, tanh} and every width m, there are no real
    ``a_i, w_i, b_i, c`` with ``c + sum_{i<=m} a_i s(w_i x + b_i) = h(x)`` for all real x.
    **Proof.** ``c + sum a_i s(w_i x + b_i)`` lies in the class of s (affine; finitely piecewise linear;
    C^1; real-analytic), each closed under affine reparametrisation, scaling and finite sums.  h has a
    piece ``x + x^2`` of degree 2 on ``(0, inf)`` (so it is affine on no subinterval there: not piecewise
    linear, not affine) and one-sided derivatives 0 and 1 at 0 (so it is not C^1, not analytic).  The
    piece structure is computed exactly and cross-checked with sympy limits; each entry's class is
    re-derived with sympy (:func:`lincomb.theory.activation_invariants.activation_class`).
    **Scope.** Type-I fixed FFNs only: the width-1 Type-II ReGLU ``ReLU(x) (x + 1)`` *equals* h, so the
    statement is false for Type-II fixed layers.

``run_moa_strictly_contains_la`` (``moa-strictly-contains-la``)
    **Statement.** Let ``g(x1, x2) = tanh(2 x1) ReLU(x2)``, a width-1 Type-I MoA network (dictionary entry
    ReLU, tanh gate ``tanh(2 x1 + 0)``).  No one-hidden-layer Type-I LA network over the dictionary,
    ``c + sum_{i<=m} a_i sum_k alpha_k s_k(w_i . x + b_i)`` of any width m with real parameters, equals g on R^2.
    **Proof.** Such a network is C^1 off the finitely many lines ``w_i . x + b_i = 0`` (only ReLU and LeakyReLU
    have kinks), and across each line its gradient jumps by a constant vector at every point of the line off
    the other lines.  Across ``x2 = 0`` the jump of g is ``tanh(2 x1) e2`` (computed from the units and
    cross-checked with sympy limits), which is analytic along the line and differs at (0, 0) and (1, 0), so it
    is constant on no open piece of the line.
    **Scope.** Type-I LA only: a bi-sided Type-II LA layer of width 1 (``ReLU(x2) * tanh(2 x1)``, one branch
    ReLU, the other tanh) equals g; and deeper LA networks can have varying jumps (``GELU(ReLU(x2) + x1)``).
    **The pitfall.** A 1-D MoA candidate ``x tanh(l x)`` is *not* a witness: ``x tanh(l x) = SiLU(2 l x)/l - x``
    is a width-1 LA network; :func:`moa_witness_separates` reports such candidates as not separating
    (no kink line), and :func:`collapse_identity` proves the identity with sympy.

``run_learned_moa_exports_witness`` (``learned-moa-exports-witness``, needs torch)
    Trains a small MoA (:class:`lincomb.learn.ffn.MixtureOfActivationsFFN`, sigmoid gates, fixed seed) on
    samples of g, exports it with exact binary-rational weights (``to_sympy()``), checks that the export
    and the module agree numerically, and certifies that the exported function (a MoA network) has a
    non-constant gradient jump across one of its kink lines, so it lies outside Type-I LA.

``run_min_width_table`` (``min-width-table``): see :mod:`lincomb.solvers.min_width`.

Examples
--------
>>> [c["kind"] for c in run_la_strictly_contains_fixed()]
['fixed-activation-separation']
"""

from __future__ import annotations

import time

import sympy as sp

from lincomb.errors import CheckFailed
from lincomb.theory.activation_invariants import (
    activation_class,
    gradient_jump_at,
    gradient_jumps,
    one_sided_derivatives,
    restriction_1d,
    separating_invariant_1d,
)
from lincomb.theory.activations import DICTIONARY, Gate, Mixing, SymbolicFFN, activation
from lincomb.theory.rationals import rational_str

from .certificate import make_certificate
from .runner import main

__all__ = [
    "collapse_identity",
    "gated_units_json",
    "la_witness",
    "min_width_table_certificates",
    "moa_witness",
    "moa_witness_separates",
    "moa_separation_certificate",
    "run_la_strictly_contains_fixed",
    "run_learned_moa_exports_witness",
    "run_min_width_table",
    "run_moa_strictly_contains_la",
]

SOLVER = "lincomb exact invariants (sympy + fractions)"


def _rational(value) -> str:
    value = sp.nsimplify(value) if isinstance(value, sp.Float) else sp.sympify(value)
    if not value.is_Rational:
        raise CheckFailed(f"{value} is not an exact rational; certificates need rational weights")
    return rational_str(f"{value.p}/{value.q}")


def gated_units_json(network: SymbolicFFN) -> dict:
    """The ``gated-units`` JSON of a Type-I network with rational weights (the checkers' format).

    Examples
    --------
    >>> gated_units_json(la_witness())["units"][1]["activation"]
    'relu2'
    """
    units = []
    for unit in network.units():
        entry = {"coefficient": _rational(unit.coefficient), "gate": unit.gate, "activation": unit.activation,
                 "weights": [_rational(v) for v in unit.weights], "bias": _rational(unit.bias)}
        if unit.gate != "one":
            entry["gate_weights"] = [_rational(v) for v in unit.gate_weights]
            entry["gate_bias"] = _rational(unit.gate_bias)
        if unit.activation == "leaky_relu":
            entry["leaky_slope"] = _rational(unit.leaky_slope)
        units.append(entry)
    return {"type": "gated-units", "input_dimension": network.input_dimension,
            "output_bias": _rational(network.output_bias()), "units": units}


def la_witness() -> SymbolicFFN:
    """The width-1 LA witness ``ReLU(x) + ReLU(x)^2``.

    Examples
    --------
    >>> la_witness().expression()
    Piecewise((x1, x1 > 0), (0, True)) + Piecewise((x1**2, x1 > 0), (0, True))
    """
    return SymbolicFFN.type1([[1]], [0], [[1]], [0], Mixing.learnable({"relu": 1, "relu2": 1}))


def moa_witness(scale=2) -> SymbolicFFN:
    """The width-1 MoA witness ``tanh(scale x1) ReLU(x2)``.

    Examples
    --------
    >>> moa_witness().expression()
    Piecewise((x2, x2 > 0), (0, True))*tanh(2*x1)
    """
    return SymbolicFFN.type1([[0, 1]], [0], [[1]], [0], Mixing.gated({"relu": Gate("tanh", [scale, 0], 0)}))


def collapse_identity(scale=1) -> bool:
    """Prove with sympy that ``x tanh(l x) = SiLU(2 l x)/l - x`` (the MoA candidate collapses into LA).

    Examples
    --------
    >>> collapse_identity(3)
    True
    """
    x = sp.Symbol("x", real=True)
    l = sp.sympify(scale)
    difference = x * sp.tanh(l * x) - (activation("silu", 2 * l * x) / l - x)
    return sp.simplify(difference.rewrite(sp.exp)) == 0


def moa_witness_separates(network: SymbolicFFN):
    """The first kink hyperplane of ``network`` whose gradient jump provably varies, with two points; else None.

    None means the candidate does not separate MoA from LA by this invariant (e.g. a smooth candidate
    such as ``x tanh(l x)``, which has no kink at all, or an LA network).

    Examples
    --------
    >>> moa_witness_separates(moa_witness())[1]
    ((Fraction(0, 1), Fraction(0, 1)), (Fraction(1, 1), Fraction(0, 1)))
    >>> naive = SymbolicFFN.type1([[1]], [0], [[1]], [0], Mixing.gated({"identity": Gate("tanh", [1], 0)}))
    >>> moa_witness_separates(naive) is None      # x tanh(x) = SiLU(2x) - x is in LA
    True
    """
    for jump in gradient_jumps(network):
        # the exact sign argument decides; no sympy simplification needed (it is slow on the
        # large binary rationals of exported float weights)
        points = jump.separating_points()
        if points is not None:
            return jump, points
    return None


def run_la_strictly_contains_fixed(progress=None) -> list[dict]:
    """Build the ``fixed-activation-separation`` certificate for ``ReLU(x) + ReLU(x)^2``.

    Examples
    --------
    >>> sorted(run_la_strictly_contains_fixed()[0]["data"]["separations"])[:2]
    ['gelu', 'identity']
    """
    start = time.perf_counter()
    witness = la_witness()
    x = witness.symbols()[0]
    expression = witness.expression()
    target = activation("relu", x) + activation("relu", x) ** 2
    if sp.simplify(sp.piecewise_fold(expression - target)) != 0:
        raise CheckFailed("the LA witness is not ReLU(x) + ReLU(x)^2")
    pieces = restriction_1d(witness)
    # cross-check the exact piece computation against sympy's one-sided limits at every kink
    for point, left, right in pieces.kinks():
        if one_sided_derivatives(expression, x, sp.Rational(point.numerator, point.denominator)) != (left, right):
            raise CheckFailed(f"sympy and the exact restriction disagree on the derivatives at {point}")
    separations = {}
    for name in DICTIONARY:
        invariant = separating_invariant_1d(pieces, name)
        if invariant is None:
            raise CheckFailed(f"the witness has no invariant separating it from {name} FFNs")
        entry = {"class": activation_class(name), "invariant": invariant["invariant"]}
        if invariant["invariant"] == "piece-degree":
            entry["piece"] = invariant["piece"]
        else:
            entry.update(point=rational_str(invariant["point"]), left=rational_str(invariant["left"]),
                         right=rational_str(invariant["right"]))
        separations[name] = entry
        if progress is not None:
            progress(f"{name}: {entry['class']}, separated by {entry['invariant']}")
    claim = {
        "statement": "ReLU(x) + ReLU(x)^2, a width-1 Type-I LA network, is not c + sum_i a_i s(w_i x + b_i) "
                     "for any width and any s in {identity, ReLU, ReLU^2, LeakyReLU, GELU, SiLU, tanh}",
        "witness": gated_units_json(witness),
        "witness_family": "la",
        "witness_width": 1,
        "activations": list(DICTIONARY),
    }
    data = {"restriction": pieces.to_json(), "separations": separations}
    return [make_certificate("fixed-activation-separation", claim, data, solver=SOLVER,
                             seconds=time.perf_counter() - start, check=None)]


def moa_separation_certificate(network: SymbolicFFN, statement: str, check: str | None = None, extra=None) -> dict:
    """A ``gradient-jump-separation`` certificate for a Type-I MoA network with rational weights.

    Raises
    ------
    CheckFailed
        When no kink line with a provably varying jump is found (the candidate does not separate).

    Examples
    --------
    >>> moa_separation_certificate(moa_witness(), "g", "demo")["data"]["points"]
    [['0', '0'], ['1', '0']]
    """
    start = time.perf_counter()
    found = moa_witness_separates(network)
    if found is None:
        raise CheckFailed(f"{statement}: no kink hyperplane with a varying gradient jump; the candidate does not separate")
    jump, (p, q) = found
    claim = {"statement": statement, "witness": gated_units_json(network), "witness_family": network.family,
             "witness_width": network.width, **(extra or {})}
    data = {
        "hyperplane": {"normal": [rational_str(v) for v in jump.normal], "offset": rational_str(jump.offset)},
        "jump_terms": jump.to_json()["terms"],
        "points": [[rational_str(v) for v in p], [rational_str(v) for v in q]],
    }
    return make_certificate("gradient-jump-separation", claim, data, solver=SOLVER,
                            seconds=time.perf_counter() - start, check=check)


def run_moa_strictly_contains_la(progress=None) -> list[dict]:
    """Build the ``gradient-jump-separation`` certificate for ``tanh(2 x1) ReLU(x2)``.

    Examples
    --------
    >>> run_moa_strictly_contains_la()[0]["data"]["hyperplane"]
    {'normal': ['0', '1'], 'offset': '0'}
    """
    witness = moa_witness()
    symbols = witness.symbols()
    s = sp.Symbol("s", real=True)
    [jump] = gradient_jumps(witness)
    if jump.is_constant_along():
        raise CheckFailed("sympy finds the witness's jump constant along x2 = 0")
    # cross-check: the unit formula agrees with sympy's limits of the gradient on both sides of x2 = 0
    by_limits = gradient_jump_at(witness.expression(), symbols, jump.normal, (s, 0))
    by_units = jump.magnitude(symbols).subs({symbols[0]: s, symbols[1]: 0})
    expected = tuple(sp.simplify(by_units * sp.Rational(n.numerator, n.denominator)) for n in jump.normal)
    if any(sp.simplify(a - b) != 0 for a, b in zip(by_limits, expected)):
        raise CheckFailed(f"sympy limits {by_limits} and the unit formula {expected} disagree")
    if not collapse_identity(2):
        raise CheckFailed("the collapse identity x tanh(l x) = SiLU(2 l x)/l - x did not simplify to 0")
    if progress is not None:
        progress(f"jump across x2 = 0: {by_limits}; x tanh(2x) collapses into LA (sympy)")
    statement = ("tanh(2 x1) ReLU(x2), a width-1 Type-I MoA network, is not a one-hidden-layer Type-I LA network "
                 "c + sum_i a_i sum_k alpha_k s_k(w_i . x + b_i) of any width over the dictionary")
    return [moa_separation_certificate(witness, statement, None)]


def run_learned_moa_exports_witness(progress=None, steps: int = 300, seed: int = 0) -> list[dict]:
    """Train a small MoA on samples of ``tanh(2 x1) ReLU(x2)``, export it exactly, certify it is outside LA.

    Examples
    --------
    >>> cert = run_learned_moa_exports_witness(steps=50)[0]    # doctest: +SKIP
    """
    from lincomb.learn.ffn import MixtureOfActivationsFFN, fit_regression, seed_everything

    start = time.perf_counter()
    seed_everything(seed)
    model = MixtureOfActivationsFFN(2, 4, d_out=1, activations=("identity", "relu", "tanh"), gate="sigmoid")
    import torch

    generator = torch.Generator().manual_seed(seed)
    inputs = torch.rand(1024, 2, generator=generator) * 4 - 2
    targets = torch.tanh(2 * inputs[:, :1]) * torch.relu(inputs[:, 1:])
    loss = fit_regression(model, inputs, targets, steps=steps, lr=5e-2)
    exported = model.to_sympy(rational=True)
    gap = model.export_gap(exported, samples=64, seed=seed)
    if gap > 1e-4:
        raise CheckFailed(f"the export and the module disagree by {gap:.2e} on random inputs")
    if exported.family != "moa" or not exported.exact:
        raise CheckFailed(f"the export is {exported.family} (exact={exported.exact}), expected an exact MoA network")
    if progress is not None:
        progress(f"trained {steps} steps: mse {loss:.2e}; export agrees to {gap:.1e}")
    statement = ("the exported trained MoA network (4 neurons, sigmoid gates, weights = the exact binary rationals "
                 "of its float32 parameters) is not a one-hidden-layer Type-I LA network of any width")
    extra = {"training": {"target": "tanh(2 x1) relu(x2) on [-2, 2]^2", "steps": steps, "seed": seed,
                          "mse": f"{loss:.3e} (float measurement)", "export_gap": f"{gap:.1e} (float measurement)"}}
    certificate = moa_separation_certificate(exported, statement, None, extra)
    certificate["provenance"]["seconds"] = time.perf_counter() - start
    certificate["provenance"]["seed"] = seed
    return [certificate]


def min_width_table_certificates(progress=None, check: str | None = None, teeth=(2, 3)) -> list[dict]:
    """``min-width`` certificates for |x|, the hat, sawtooth(m), x, LeakyReLU(x) and max(0, x1, x2), per family.

    1-D: the MILP's width must equal the exactly proved one (:func:`lincomb.solvers.min_width.exact_min_width`),
    and its exactly re-solved network must pass the exact identity test.  2-D: the MILP must find no network
    (float evidence) and the exact gradient-jump obstruction is certified.

    Examples
    --------
    >>> [c["claim"]["minimal_width"] for c in min_width_table_certificates(teeth=())]
    [2, 2, 1, 3, 3, 3, 2, 2, 1, 2, 1, 1, None, None, None]
    """
    from lincomb.solvers.min_width import (
        FAMILIES, abs_target, exact_min_width, hat_target, identity_target, jump_obstruction_2d, leaky_target,
        max3_target, min_width_milp, sawtooth_target,
    )

    certificates = []
    for target in [abs_target(), hat_target(), *(sawtooth_target(m) for m in teeth), identity_target(), leaky_target()]:
        for family in FAMILIES:
            result = min_width_milp(target, family)
            width, argument = exact_min_width(target, family)
            if result.width != width or not result.confirmed:
                raise CheckFailed(f"{target.name}, {family}: MILP width {result.width} (confirmed {result.confirmed}) "
                                  f"but the exact minimal width is {width}")
            k = argument["kinks"]
            if width - 1 < k:
                label = "count"
            elif k == 0:
                label = "constant" if width == 1 else "single-kink"
            else:
                label = "orientations"
            claim = {"statement": f"the smallest one-hidden-layer {family} network equal to {target.name} on R has width {width}",
                     "target": target.to_json(), "family": family, "leaky_slope": "1/100", "minimal_width": width}
            data = {"network": {"output_bias": rational_str(result.output_bias), "neurons": [
                        {"weight": rational_str(w[0]), "bias": rational_str(b), "v": rational_str(v), "beta": rational_str(beta)}
                        for w, b, v, beta in result.neurons]},
                    "lower_bound": {"argument": label, "kinks": k}}
            certificates.append(make_certificate("min-width", claim, data, solver=result.solver, seconds=result.seconds, check=check))
            if progress is not None:
                progress(f"{target.name:12s} {family:10s} width {width} (MILP {result.seconds:.2f} s, lower bound by {label})")
    target = max3_target()
    line, points = ((1, 0), 0), [(0, -1), (0, 1)]
    jumps = jump_obstruction_2d(target, line[0], line[1], points)
    for family in FAMILIES:
        result = min_width_milp(target, family)
        if result.width is not None:
            raise CheckFailed(f"{target.name}, {family}: the MILP found width {result.width}, but no network should exist")
        claim = {"statement": f"no one-hidden-layer {family} network of any width equals {target.name} on R^2",
                 "target": target.to_json(), "family": family, "leaky_slope": "1/100", "minimal_width": None,
                 "milp_evidence": f"{result.termination} on a 13x13 grid with all candidate lines (float evidence)"}
        data = {"line": {"normal": [rational_str(v) for v in line[0]], "offset": rational_str(line[1])},
                "points": [[rational_str(v) for v in p] for p in points],
                "jumps": [[rational_str(v) for v in j] for j in jumps]}
        certificates.append(make_certificate("min-width", claim, data, solver=result.solver, seconds=result.seconds, check=check))
        if progress is not None:
            progress(f"{target.name:12s} {family:10s} none (MILP {result.termination}; exact jump obstruction)")
    return certificates


def run_min_width_table(progress=None) -> list[dict]:
    """The ``min-width-table`` check: see :func:`min_width_table_certificates`.

    Examples
    --------
    >>> len(run_min_width_table())
    21
    """
    return min_width_table_certificates(progress=progress)


if __name__ == "__main__":
    # one module, four checks: ``python -m lincomb.proofs_check.activation_checks ID [--json ...]``
    main()
