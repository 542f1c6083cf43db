"""Reading a ``relu-network`` expression from a certificate (shared by the checkers). STANDARD LIBRARY ONLY.

Examples
--------
>>> network = {"type": "relu-network", "layers": [{"weights": [["1", "-1"]], "biases": ["0"]}]}
>>> read_relu_network(network, "claim.lhs", 2)
[([[1, -1]], [0])]
"""

from __future__ import annotations

from ._common import CertificateMalformed, field_path, get_list, get_str, parse_matrix, parse_rational_fast


def read_matrix(rows, path: str, columns: int) -> list:
    """A list of rows of exact rationals (ints where integral), each with ``columns`` entries.

    Examples
    --------
    >>> read_matrix([["1/2", 3]], "w", 2)
    [[Fraction(1, 2), 3]]
    >>> read_matrix([["1"]], "w", 2)
    Traceback (most recent call last):
    ...
    lincomb.proofs_check.checkers._common.CertificateMalformed: w[0]: has 1 entries, expected 2 (the width of the layer below)
    """
    return parse_matrix(rows, path, columns, note=" (the width of the layer below)")


def read_relu_network(expression, path: str, dimension: int, *, scalar: bool = True) -> list:
    """The layers ``[(weights, biases), ...]`` of a ``relu-network`` expression on R^dimension.

    Every shape is checked (rows of the width of the layer below, one bias per neuron, no empty layer);
    with ``scalar`` the last layer must have exactly one neuron.

    Examples
    --------
    >>> read_relu_network({"type": "relu-network", "layers": []}, "claim.network", 1)
    Traceback (most recent call last):
    ...
    lincomb.proofs_check.checkers._common.CertificateMalformed: claim.network.layers: a network needs at least one layer
    """
    if not isinstance(expression, dict):
        raise CertificateMalformed(path, "must be an object")
    if get_str(expression, "type", path) != "relu-network":
        raise CertificateMalformed(field_path(path, "type"), 'must be "relu-network"')
    layers_json = get_list(expression, "layers", path)
    if not layers_json:
        raise CertificateMalformed(field_path(path, "layers"), "a network needs at least one layer")
    layers = []
    width = dimension
    for index, layer in enumerate(layers_json):
        layer_path = field_path(field_path(path, "layers"), index)
        if not isinstance(layer, dict):
            raise CertificateMalformed(layer_path, "must be an object with weights and biases")
        weights = read_matrix(get_list(layer, "weights", layer_path), field_path(layer_path, "weights"), width)
        biases_json = get_list(layer, "biases", layer_path)
        if not weights:
            raise CertificateMalformed(field_path(layer_path, "weights"), "a layer needs at least one neuron")
        if len(biases_json) != len(weights):
            raise CertificateMalformed(
                field_path(layer_path, "biases"), f"has {len(biases_json)} entries for {len(weights)} neurons"
            )
        biases = [parse_rational_fast(v, field_path(field_path(layer_path, "biases"), j)) for j, v in enumerate(biases_json)]
        layers.append((weights, biases))
        width = len(weights)
    if scalar and width != 1:
        raise CertificateMalformed(field_path(path, "layers"), f"the last layer has {width} neurons; exactly 1 is required")
    return layers
