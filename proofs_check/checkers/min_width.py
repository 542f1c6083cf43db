"""Checker for ``min-width``: the minimal width of a one-hidden-layer network of a family matching a CPWL target.

STANDARD LIBRARY ONLY.  Families: ``relu``, ``leaky_relu`` (slope ``claim.leaky_slope``), ``la`` (neurons
``v relu(y) + beta y``, the LA over {identity, ReLU, LeakyReLU}).  A network is
``c + sum_i v_i s(w_i x + b_i) + beta_i (w_i x + b_i)``.

1-D targets (``piecewise-linear-1d``: points, slope_left, slope_right) with an integer ``minimal_width`` w:

* **upper bound**: ``data.network`` has exactly w neurons (beta = 0 unless ``la``) and equals the target:
  same value at 0, same slope at -inf, same kinks (point -> derivative jump).  Two CPWL functions on R with
  these equal are equal.
* **lower bound** (width w - 1 impossible): each neuron has at most one kink, so if w - 1 < k (the number
  of kinks) it is impossible by counting; if w - 1 = k = 0, a width-0 network is constant and the target is
  not; if w - 1 = 1 and k = 0 (``relu`` / ``leaky_relu``), one neuron either has a kink or is constant while
  the target is affine and not constant; if w - 1 = k >= 1 (``relu`` / ``leaky_relu`` only), every neuron must sit at its own kink with its
  coefficient fixed by the kink, and the checker enumerates all 2^k orientations: none may give the
  target's slope at -inf.

2-D targets (``max-of-affine``) with ``minimal_width`` null (no one-hidden-layer network of the family, of
any width): ``data.line`` and two points on it where the target's gradient jump differs; the checker
recomputes both jumps from the affine pieces (at most two active pieces, meeting along the line).  Premise:
a one-hidden-layer network of these families is C^1 off finitely many lines and its jump across each is
constant along it (off the other lines).

Examples
--------
>>> cert = {"format": "lincomb-certificate", "version": 1, "kind": KIND,
...   "claim": {"statement": "|x| needs 2 ReLU neurons", "family": "relu", "minimal_width": 2,
...             "target": {"type": "piecewise-linear-1d", "name": "|x|", "points": [["0", "0"]], "slope_left": "-1", "slope_right": "1"}},
...   "data": {"network": {"output_bias": "0", "neurons": [
...       {"weight": "1", "bias": "0", "v": "1", "beta": "0"}, {"weight": "-1", "bias": "0", "v": "1", "beta": "0"}]},
...            "lower_bound": {"argument": "orientations", "kinks": 1}},
...   "provenance": {"lincomb": "0.1.0", "solver": "hand", "seconds": 0}}
>>> verify(cert)
'|x|: minimal relu width 2 (a network of width 2 equals the target; width 1 excluded by orientations, 1 kink)'
>>> cert["claim"]["family"] = "la"
>>> verify(cert)
Traceback (most recent call last):
...
lincomb.proofs_check.checkers._common.CertificateRejected: width 1 is not excluded: the la family has a free linear part, so k = 1 neurons can always match
"""

from __future__ import annotations

import itertools
from fractions import Fraction

from ._exact import dot
from ._common import CertificateRejected, field_path, get_choice, get_field, get_matrix, get_object, get_objects
from ._common import get_rational, get_str, get_vector, malformed_unless, open_certificate, reject_unless

KIND = "min-width"
FAMILIES = ("relu", "leaky_relu", "la")
_MAX_ENUMERATED_KINKS = 16


def parse_target_1d(target: dict, path: str) -> tuple:
    """``(points, slope_left, slope_right)`` of a piecewise-linear-1d target.

    Examples
    --------
    >>> parse_target_1d({"points": [["0", "1"]], "slope_left": "0", "slope_right": "2"}, "claim.target")
    (((Fraction(0, 1), Fraction(1, 1)),), Fraction(0, 1), Fraction(2, 1))
    """
    message = "need at least one point, x strictly increasing"
    rows = get_matrix(target, "points", path, 2, note=" (a pair [x, y])", empty=message)
    points = tuple((Fraction(x), Fraction(y)) for x, y in rows)  # Fractions: slopes are quotients
    malformed_unless(all(a[0] < b[0] for a, b in zip(points, points[1:])), field_path(path, "points"), message)
    return points, get_rational(target, "slope_left", path), get_rational(target, "slope_right", path)


def target_kinks(points, slope_left, slope_right) -> dict:
    """Point -> derivative jump of the interpolating CPWL function (non-zero jumps only).

    Examples
    --------
    >>> target_kinks(((Fraction(0), Fraction(0)),), Fraction(-1), Fraction(1))
    {Fraction(0, 1): Fraction(2, 1)}
    """
    slopes = [slope_left] + [(b[1] - a[1]) / (b[0] - a[0]) for a, b in zip(points, points[1:])] + [slope_right]
    return {x: slopes[i + 1] - slopes[i] for i, (x, _) in enumerate(points) if slopes[i + 1] != slopes[i]}


def target_value(points, slope_left, slope_right, x: Fraction) -> Fraction:
    """The target's value at x.

    Examples
    --------
    >>> target_value(((Fraction(0), Fraction(0)),), Fraction(-1), Fraction(1), Fraction(-3))
    Fraction(3, 1)
    """
    if x <= points[0][0]:
        return points[0][1] + slope_left * (x - points[0][0])
    for (x0, y0), (x1, y1) in zip(points, points[1:]):
        if x <= x1:  # the first segment ending at or after x contains it
            return y0 + (y1 - y0) * (x - x0) / (x1 - x0)
    return points[-1][1] + slope_right * (x - points[-1][0])


def _network(data: dict, family: str, negative_side: Fraction) -> tuple:
    """(width, value at 0, slope at -inf, kinks) of ``data.network``; ``negative_side`` is the activation's slope
    for y < 0 (0 for ReLU and the la family's ReLU part, the leaky slope a for LeakyReLU)."""
    network = get_object(data, "network", "data")
    bias = get_rational(network, "output_bias", "data.network")
    neurons = get_objects(network, "neurons", "data.network")
    value, slope_left, kinks = bias, Fraction(0), {}
    for here, raw in neurons:
        w, b = get_rational(raw, "weight", here), get_rational(raw, "bias", here)
        v, beta = get_rational(raw, "v", here), get_rational(raw, "beta", here)
        reject_unless(w != 0, f"{here}: weight 0 (a constant neuron); drop it or give it a kink")
        reject_unless(beta == 0 or family == "la", f"{here}: beta = {beta}, but only the la family has a linear part")
        value += v * (b if b > 0 else negative_side * b) + beta * b
        # slope at -inf: w > 0 sends y to -inf (slope of s there: negative_side), w < 0 to +inf (1)
        slope_left += v * w * (negative_side if w > 0 else 1) + beta * w
        kinks[-b / w] = kinks.get(-b / w, Fraction(0)) + v * abs(w) * (1 - negative_side)
    return len(neurons), value, slope_left, {p: d for p, d in kinks.items() if d != 0}


def _lower_bound(width: int, family: str, negative_side: Fraction, kinks: dict, slope_left: Fraction, data: dict) -> str:
    k = len(kinks)
    smaller = width - 1
    stated = get_object(data, "lower_bound", "data")
    argument = get_str(stated, "argument", "data.lower_bound")
    stated_k = get_field(stated, "kinks", "data.lower_bound", int, "an integer")
    reject_unless(stated_k == k, f"data.lower_bound.kinks = {stated_k}, but the target has {k} kinks")
    if smaller < k:
        expected = "count"
    elif smaller == 1 and k == 0 and family != "la":
        # one relu / leaky neuron: a kink of size v |w| (1 - a), or v = 0 and a constant function
        reject_unless(slope_left != 0, "width 1 is not excluded: the target is constant")
        expected = "single-kink"
    elif smaller == k == 0:
        reject_unless(slope_left != 0, "width 0 is not excluded: the target is constant")
        expected = "constant"
    elif smaller == k:
        reject_unless(family != "la", f"width {smaller} is not excluded: the la family has a free linear part, "
                                      f"so k = {k} neurons can always match")
        reject_unless(k <= _MAX_ENUMERATED_KINKS, f"{k} kinks: too many orientations to enumerate (limit {_MAX_ENUMERATED_KINKS})")
        # a neuron at a kink with jump J has v = J / (1 - negative_side); oriented up (w > 0) its slope at -inf
        # is negative_side * v, oriented down (w < 0) it is -v
        coefficients = [kinks[point] / (1 - negative_side) for point in sorted(kinks)]
        for orientation in itertools.product((1, -1), repeat=k):
            total = sum(negative_side * v if sigma == 1 else -v for v, sigma in zip(coefficients, orientation))
            if total == slope_left:
                raise CertificateRejected(f"width {smaller} is possible: orientation {orientation} matches the slope at -inf")
        expected = "orientations"
    else:
        raise CertificateRejected(f"width {smaller} is not excluded: it exceeds the {k} kinks plus one")
    reject_unless(argument == expected, f"data.lower_bound.argument is {argument!r}; the applicable argument is {expected!r}")
    return expected


def _jump_2d(pieces, normal, offset, point, where: str) -> tuple:
    reject_unless(dot(normal, point) + offset == 0, f"{where} is not on the line")
    values = [dot(g, point) + h for g, h in pieces]
    top = max(values)
    active = list(dict.fromkeys(pieces[i] for i, v in enumerate(values) if v == top))
    if len(active) == 1:
        return tuple(Fraction(0) for _ in normal)
    reject_unless(len(active) == 2, f"{where}: {len(active)} pieces are active; at most two may be")
    (g, h), (g2, h2) = active
    difference = [x - y for x, y in zip(g, g2)]
    lead = next(i for i, v in enumerate(normal) if v != 0)
    ratio = difference[lead] / normal[lead]
    if ratio == 0 or any(d != ratio * n for d, n in zip(difference, normal)) or h - h2 != ratio * offset:
        raise CertificateRejected(f"{where}: the two active pieces do not meet along the line")
    plus, minus = (g, g2) if ratio > 0 else (g2, g)
    return tuple(p - m for p, m in zip(plus, minus))


def _verify_2d(target: dict, data: dict, family: str, name: str) -> str:
    pieces = [(tuple(get_vector(raw, "gradient", here)), get_rational(raw, "constant", here))
              for here, raw in get_objects(target, "pieces", "claim.target")]
    malformed_unless(len({len(g) for g, _ in pieces}) == 1, "claim.target.pieces", "need pieces of one common dimension")
    n = len(pieces[0][0])
    line = get_object(data, "line", "data")
    normal = tuple(get_vector(line, "normal", "data.line"))
    malformed_unless(len(normal) == n and any(normal), "data.line.normal", f"expected {n} entries, not all zero")
    offset = get_rational(line, "offset", "data.line")
    jumps = [_jump_2d(pieces, normal, offset, tuple(point), field_path("data.points", i))
             for i, point in enumerate(get_matrix(data, "points", "data", n, 2))]
    reject_unless(jumps[0] != jumps[1], f"the gradient jumps at both points are equal ({[str(v) for v in jumps[0]]})")
    return (f"{name}: no one-hidden-layer {family} network of any width (gradient jump across the line differs: "
            f"{[str(v) for v in jumps[0]]} vs {[str(v) for v in jumps[1]]})")


def verify(cert: dict) -> str:
    """Verify a ``min-width`` certificate; return a one-line summary.

    Raises
    ------
    CertificateMalformed
        For a missing or mistyped field.
    CertificateRejected
        When the network does not match the target or the lower-bound argument fails.

    Examples
    --------
    >>> cert = {"format": "lincomb-certificate", "version": 1, "kind": KIND,
    ...   "claim": {"statement": "max(0,x1,x2) is no 1-hidden-layer ReLU net", "family": "relu", "minimal_width": None,
    ...             "target": {"type": "max-of-affine", "name": "max(0,x1,x2)", "pieces": [
    ...                 {"gradient": ["0", "0"], "constant": "0"}, {"gradient": ["1", "0"], "constant": "0"},
    ...                 {"gradient": ["0", "1"], "constant": "0"}]}},
    ...   "data": {"line": {"normal": ["1", "0"], "offset": "0"}, "points": [["0", "-1"], ["0", "1"]]},
    ...   "provenance": {"lincomb": "0.1.0", "solver": "hand", "seconds": 0}}
    >>> verify(cert)
    "max(0,x1,x2): no one-hidden-layer relu network of any width (gradient jump across the line differs: ['1', '0'] vs ['0', '0'])"
    """
    claim, data = open_certificate(cert, KIND)
    family = get_choice(claim, "family", "claim", FAMILIES, "expected one of " + ", ".join(FAMILIES) + ", got {value!r}")
    slope = get_rational(claim, "leaky_slope", "claim") if "leaky_slope" in claim else Fraction(1, 100)
    malformed_unless(family != "leaky_relu" or slope != 1, "claim.leaky_slope", "slope 1 makes LeakyReLU the identity")
    target = get_object(claim, "target", "claim")
    target_type = get_str(target, "type", "claim.target")
    name = get_str(target, "name", "claim.target") if "name" in target else "target"
    malformed_unless("minimal_width" in claim, "claim.minimal_width", "missing required field")
    width = claim["minimal_width"]
    if target_type == "max-of-affine":
        malformed_unless(width is None, "claim.minimal_width", "2-D targets are certified as null (not representable)")
        return _verify_2d(target, data, family, name)
    malformed_unless(target_type == "piecewise-linear-1d", "claim.target.type", f"unknown target type {target_type!r}")
    malformed_unless(type(width) is int and width >= 1, "claim.minimal_width", "expected a positive integer")  # no bool
    points, slope_left, slope_right = parse_target_1d(target, "claim.target")
    kinks = target_kinks(points, slope_left, slope_right)
    negative_side = slope if family == "leaky_relu" else Fraction(0)
    size, value, net_slope, net_kinks = _network(data, family, negative_side)
    reject_unless(size == width, f"data.network has {size} neurons, the claim says width {width}")
    reject_unless(net_kinks == kinks, f"the network's kinks { {str(p): str(d) for p, d in net_kinks.items()} } differ "
                                      f"from the target's { {str(p): str(d) for p, d in kinks.items()} }")
    reject_unless(net_slope == slope_left, f"the network's slope at -inf is {net_slope}, the target's {slope_left}")
    target_at_0 = target_value(points, slope_left, slope_right, Fraction(0))
    reject_unless(value == target_at_0, f"the network's value at 0 is {value}, the target's {target_at_0}")
    argument = _lower_bound(width, family, negative_side, kinks, slope_left, data)
    plural = "" if len(kinks) == 1 else "s"
    return (f"{name}: minimal {family} width {width} (a network of width {width} equals the target; "
            f"width {width - 1} excluded by {argument}, {len(kinks)} kink{plural})")
