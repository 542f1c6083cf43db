"""Checker for ``region-count`` certificates: a ReLU network has exactly N activation regions.

STANDARD LIBRARY ONLY. Re-derives every pre-activation from the weights in the claim; shares no code with
``lincomb.solvers.regions``. The contract is ``docs/certificates_region-count.md``.

The proof. Walk the hidden neurons in order (layer by layer). Given the signs chosen for earlier neurons,
the pre-activation z of the next neuron is one affine function of x. If z is identically zero the neuron
is inactive (``"0"``) with no constraint; otherwise the cell splits into the child ``"1"`` (z > 0) and the
child ``"0"`` (-z > 0). A child listed in ``data.empty_cells`` must be closed by Farkas multipliers over its
constraints (box sides and path constraints); every full pattern reached must be listed in
``data.regions`` with a rational point satisfying all its constraints strictly. The children cover their
parent up to a hyperplane, so the listed regions are all the activation regions, each non-empty.

Examples
--------
>>> network = {"type": "relu-network", "layers": [
...     {"weights": [["1"], ["1"]], "biases": ["0", "-1"]}, {"weights": [["1", "1"]], "biases": ["0"]}]}
>>> cert = {"format": "lincomb-certificate", "version": 1, "kind": "region-count",
...         "claim": {"statement": "3 regions", "input_dimension": 1, "network": network, "box": None,
...                   "regions": 3},
...         "data": {"regions": [{"pattern": "00", "point": ["-1"]}, {"pattern": "10", "point": ["1/2"]},
...                              {"pattern": "11", "point": ["2"]}],
...                  "empty_cells": {"01": {"0": "1", "1": "1"}}},
...         "provenance": {"lincomb": "0.1.0", "solver": "hand", "seconds": 0}}
>>> verify(cert)
'3 activation regions on R^1: each with a rational interior point; 1 empty cells closed by Farkas multipliers'
>>> cert["data"]["regions"][1]["point"] = ["2"]
>>> verify(cert)
Traceback (most recent call last):
...
lincomb.proofs_check.checkers._common.CertificateRejected: region 10: the point violates constraint 1 (value -1, must be > 0)
"""

from __future__ import annotations

import math
import re
from fractions import Fraction

from ._common import (
    CertificateMalformed,
    CertificateRejected,
    check_envelope,
    field_path,
    get_int,
    get_list,
    get_object,
    get_str,
    parse_rational_fast,
)
from ._relu_network import read_relu_network

KIND = "region-count"
_PATTERN = re.compile(r"[01]*", re.ASCII)
_LABEL = re.compile(r"(0|[1-9][0-9]*)|b(0|[1-9][0-9]*)", re.ASCII)


def _read_point(value, path: str, dimension: int) -> list:
    if not isinstance(value, list) or len(value) != dimension:
        raise CertificateMalformed(path, f"must be an array of {dimension} rationals")
    return [parse_rational_fast(v, field_path(path, j)) for j, v in enumerate(value)]


def _affine(row, bias, inputs, n):
    """sum_k row[k] * inputs[k] + bias, with inputs as (linear list, constant) pairs."""
    linear = [0] * n
    constant = bias
    for w, (source_linear, source_constant) in zip(row, inputs):
        if w:
            constant += w * source_constant
            for k, a in enumerate(source_linear):
                if a:
                    linear[k] += w * a
    return linear, constant


def _zaslavsky(hyperplanes: int, dimension: int) -> int:
    return sum(math.comb(hyperplanes, i) for i in range(dimension + 1))


def verify(cert: dict) -> str:
    """Check a ``region-count`` certificate; return a one-line summary or raise.

    Examples
    --------
    >>> net = {"type": "relu-network", "layers": [{"weights": [["0"]], "biases": ["0"]},
    ...                                             {"weights": [["1"]], "biases": ["0"]}]}
    >>> verify({"format": "lincomb-certificate", "version": 1, "kind": "region-count",
    ...         "claim": {"statement": "a dead neuron: 1 region", "input_dimension": 1, "network": net,
    ...                   "box": None, "regions": 1},
    ...         "data": {"regions": [{"pattern": "0", "point": ["5"]}], "empty_cells": {}},
    ...         "provenance": {"lincomb": "0.1.0", "solver": "hand", "seconds": 0}})
    '1 activation regions on R^1: each with a rational interior point; 0 empty cells closed by Farkas multipliers'
    """
    check_envelope(cert)
    claim, data = cert["claim"], cert["data"]
    n = get_int(claim, "input_dimension", "claim", minimum=1)
    if "network" not in claim:
        raise CertificateMalformed("claim.network", "missing required field")
    layers = read_relu_network(claim["network"], "claim.network", n, scalar=False)
    claimed = get_int(claim, "regions", "claim", minimum=1)
    hidden = layers[:-1]
    total_neurons = sum(len(w) for w, _ in hidden)

    constraints_root = []
    if "box" not in claim:
        raise CertificateMalformed("claim.box", "missing required field (null for R^n)")
    box = claim["box"]
    domain = f"R^{n}"
    if box is not None:
        if not isinstance(box, dict):
            raise CertificateMalformed("claim.box", "must be null or an object with lower and upper")
        lower = _read_point(get_list(box, "lower", "claim.box"), "claim.box.lower", n)
        upper = _read_point(get_list(box, "upper", "claim.box"), "claim.box.upper", n)
        for i in range(n):
            if lower[i] >= upper[i]:
                raise CertificateMalformed("claim.box", f"side {i}: lower {lower[i]} is not below upper {upper[i]}")
            constraints_root.append((f"b{2 * i}", [int(j == i) for j in range(n)], -lower[i]))
            constraints_root.append((f"b{2 * i + 1}", [-int(j == i) for j in range(n)], upper[i]))
        domain = "the open box " + " x ".join(f"({lower[i]}, {upper[i]})" for i in range(n))

    regions_json = get_list(data, "regions", "data")
    listed = {}
    for index, region in enumerate(regions_json):
        path = field_path(field_path("data", "regions"), index)
        if not isinstance(region, dict):
            raise CertificateMalformed(path, "must be an object with pattern and point")
        pattern = get_str(region, "pattern", path)
        if len(pattern) != total_neurons or not _PATTERN.fullmatch(pattern):
            raise CertificateMalformed(field_path(path, "pattern"), f"must be {total_neurons} characters 0/1")
        if pattern in listed:
            raise CertificateMalformed(field_path(path, "pattern"), f"pattern {pattern} is listed twice")
        listed[pattern] = _read_point(get_list(region, "point", path), field_path(path, "point"), n)
    empty_json = get_object(data, "empty_cells", "data")
    empty = {}
    for prefix, multipliers in empty_json.items():
        path = field_path(field_path("data", "empty_cells"), prefix)
        if not _PATTERN.fullmatch(prefix) or not prefix or len(prefix) > total_neurons:
            raise CertificateMalformed(path, "keys are non-empty 0/1 pattern prefixes")
        if not isinstance(multipliers, dict) or not multipliers:
            raise CertificateMalformed(path, "must be a non-empty object {constraint label: multiplier}")
        parsed = {}
        for label, value in multipliers.items():
            if not _LABEL.fullmatch(label):
                raise CertificateMalformed(field_path(path, label), 'labels are neuron indices "7" or box sides "b3"')
            parsed[label] = parse_rational_fast(value, field_path(path, label))
        empty[prefix] = parsed

    reached, used_empty = set(), set()
    pieces = set()
    # Iterative depth-first walk; a stack entry is (layer, neuron, inputs, outputs, constraints, prefix).
    coordinates = [([int(j == i) for j in range(n)], 0) for i in range(n)]
    stack = [(0, 0, coordinates, [], constraints_root, "")]
    while stack:
        layer, neuron, inputs, outputs, constraints, prefix = stack.pop()
        if layer == len(hidden):
            if prefix not in listed:
                raise CertificateRejected(f"pattern {prefix} is reached by the cell walk but not listed in data.regions")
            point = listed[prefix]
            for label, linear, constant in constraints:
                value = sum((a * x for a, x in zip(linear, point)), constant)
                if value <= 0:
                    raise CertificateRejected(
                        f"region {prefix}: the point violates constraint {label} (value {value}, must be > 0)"
                    )
            weights, biases = layers[-1]
            pieces.add(tuple(
                (tuple(Fraction(v) for v in lin), Fraction(c))
                for lin, c in (_affine(row, bias, inputs, n) for row, bias in zip(weights, biases))
            ))
            reached.add(prefix)
            continue
        weights, biases = hidden[layer]
        if neuron == len(weights):
            stack.append((layer + 1, 0, outputs, [], constraints, prefix))
            continue
        linear, constant = _affine(weights[neuron], biases[neuron], inputs, n)
        index = str(sum(len(w) for w, _ in hidden[:layer]) + neuron)
        if constant == 0 and not any(linear):
            stack.append((layer, neuron + 1, inputs, outputs + [([0] * n, 0)], constraints, prefix + "0"))
            continue
        children = (
            ("0", (index, [-a for a in linear], -constant), ([0] * n, 0)),
            ("1", (index, linear, constant), (linear, constant)),
        )
        for sign, constraint, output in children:
            child_prefix = prefix + sign
            child_constraints = constraints + [constraint]
            if child_prefix in empty:
                _check_farkas(child_prefix, empty[child_prefix], child_constraints, n)
                used_empty.add(child_prefix)
                continue
            stack.append((layer, neuron + 1, inputs, outputs + [output], child_constraints, child_prefix))

    unreached = sorted(set(listed) - reached)
    if unreached:
        raise CertificateRejected(f"data.regions lists pattern {unreached[0]}, which the cell walk never reaches")
    unused = sorted(set(empty) - used_empty)
    if unused:
        raise CertificateRejected(f"data.empty_cells lists {unused[0]}, which is not a cell of the walk")
    count = len(reached)
    if count != claimed:
        raise CertificateRejected(f"claim.regions is {claimed}, but the certificate proves {count} regions")
    if "distinct_pieces" in claim:
        distinct = get_int(claim, "distinct_pieces", "claim", minimum=1)
        if distinct != len(pieces):
            raise CertificateRejected(f"claim.distinct_pieces is {distinct}, but the regions carry {len(pieces)} distinct affine outputs")
    if "hidden_layers" in claim:
        if get_int(claim, "hidden_layers", "claim", minimum=0) != len(hidden):
            raise CertificateRejected(f"claim.hidden_layers is {claim['hidden_layers']}, the network has {len(hidden)}")
    if "zaslavsky" in claim:
        formula = get_object(claim, "zaslavsky", "claim")
        hyperplanes = get_int(formula, "hyperplanes", "claim.zaslavsky", minimum=0)
        dimension = get_int(formula, "dimension", "claim.zaslavsky", minimum=0)
        if len(hidden) != 1 or len(hidden[0][0]) != hyperplanes or dimension != n:
            raise CertificateRejected(
                f"claim.zaslavsky: the network has {len(hidden)} hidden layers of widths {[len(w) for w, _ in hidden]} "
                f"on R^{n}; the formula needs one hidden layer of {hyperplanes} neurons on R^{dimension}"
            )
        value = _zaslavsky(hyperplanes, dimension)
        if value != count:
            raise CertificateRejected(f"sum_(i<={dimension}) C({hyperplanes}, i) = {value}, but there are {count} regions")
    return (
        f"{count} activation regions on {domain}: each with a rational interior point; "
        f"{len(empty)} empty cells closed by Farkas multipliers"
    )


def _check_farkas(prefix: str, multipliers: dict, constraints: list, n: int) -> None:
    by_label = {label: (linear, constant) for label, linear, constant in constraints}
    linear_sum = [0] * n
    constant_sum = 0
    for label, y in multipliers.items():
        if label not in by_label:
            raise CertificateRejected(f"empty cell {prefix}: multiplier for {label}, which is not a constraint of this cell")
        if y < 0:
            raise CertificateRejected(f"empty cell {prefix}: multiplier {label} is negative ({y})")
        linear, constant = by_label[label]
        for k, a in enumerate(linear):
            linear_sum[k] += y * a
        constant_sum += y * constant
    if all(y == 0 for y in multipliers.values()):
        raise CertificateRejected(f"empty cell {prefix}: all multipliers are zero")
    if any(linear_sum):
        shown = ", ".join(str(v) for v in linear_sum)
        raise CertificateRejected(f"empty cell {prefix}: the multipliers combine the linear parts to ({shown}), not 0")
    if constant_sum > 0:
        raise CertificateRejected(f"empty cell {prefix}: the multipliers combine the constants to {constant_sum} > 0")
