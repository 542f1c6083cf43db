"""Reading a ``relu-network`` expression from a certificate (shared by the checkers). STANDARD LIBRARY ONLY.

Examples
--------
>>> network = {"type": "relu-network", "layers": [{"weights": [["1", "-1"]], "biases": ["0"]}]}
>>> read_relu_network(network, "claim.lhs", 2)
[([[1, -1]], [0])]
"""

from __future__ import annotations

from ._common import field_path, get_choice, get_list, get_matrix, get_objects, get_vector, malformed_unless


def read_relu_network(expression, path: str, dimension: int, *, scalar: bool = True) -> list:
    """The layers ``[(weights, biases), ...]`` of a ``relu-network`` expression on R^dimension.

    ``expression`` is a JSON object (read with ``get_object``). Every shape is checked (rows of the width of the layer below, one bias per neuron, no empty layer);
    with ``scalar`` the last layer must have exactly one neuron.

    Examples
    --------
    >>> read_relu_network({"type": "relu-network", "layers": []}, "claim.network", 1)
    Traceback (most recent call last):
    ...
    lincomb.proofs_check.checkers._common.CertificateMalformed: claim.network.layers: a network needs at least one layer
    """
    get_choice(expression, "type", path, ("relu-network",), 'must be "relu-network"')
    get_list(expression, "layers", path, empty="a network needs at least one layer")
    layers = []
    width = dimension
    for layer_path, layer in get_objects(expression, "layers", path, "must be an object with weights and biases"):
        weights = get_matrix(layer, "weights", layer_path, width, note=" (the width of the layer below)",
                             empty="a layer needs at least one neuron")
        layers.append((weights, get_vector(layer, "biases", layer_path, len(weights), " (one per neuron)", fast=True)))
        width = len(weights)
    malformed_unless(not scalar or width == 1, field_path(path, "layers"),
                     f"the last layer has {width} neurons; exactly 1 is required")
    return layers
