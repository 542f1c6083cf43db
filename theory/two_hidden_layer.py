"""Two-hidden-layer ReLU networks of ``sum_i c_i max(A_i, B_i)``, with ``A_i, B_i`` built from first-layer maxima.

The construction shared by the BBHSY max_5 network (:func:`lincomb.theory.constructions.bbhsy_max5_network`)
and the networks of max-representations (:mod:`lincomb.theory.max_representation_network`).

Examples
--------
>>> x, y = Affine.coordinate(0, 2), Affine.coordinate(1, 2)
>>> two_hidden_layer_network(2, [(x, y)], [(1, FirstLayerValue({0: 1}, y), FirstLayerValue({}, y))])([2, 7])
Fraction(7, 1)
"""

from __future__ import annotations

from fractions import Fraction

from .affine import Affine
from .relu_network import ReLUNetwork

__all__ = ["FirstLayerValue", "two_hidden_layer_network"]

_ZERO = Fraction(0)
_ONE = Fraction(1)


class FirstLayerValue:
    """A linear combination of first-layer hinge neurons plus an affine function of the input.

    Parameters
    ----------
    hinges : dict
        First-layer hinge neuron index -> coefficient (zeros dropped).
    affine : Affine
        The affine part.

    Examples
    --------
    >>> x = Affine.coordinate(0, 2)
    >>> value = FirstLayerValue({0: 2}, x) - FirstLayerValue({0: 2}, x)
    >>> value.hinges, value.is_zero()
    ({}, True)
    """

    __slots__ = ("hinges", "affine")

    def __init__(self, hinges: dict, affine: Affine):
        self.hinges = {k: c for k, c in hinges.items() if c}
        self.affine = affine

    def __add__(self, other: "FirstLayerValue") -> "FirstLayerValue":
        hinges = dict(self.hinges)
        for k, c in other.hinges.items():
            hinges[k] = hinges.get(k, _ZERO) + c
        return FirstLayerValue(hinges, self.affine + other.affine)

    def __mul__(self, scalar) -> "FirstLayerValue":
        return FirstLayerValue({k: scalar * c for k, c in self.hinges.items()}, scalar * self.affine)

    __rmul__ = __mul__

    def __sub__(self, other: "FirstLayerValue") -> "FirstLayerValue":
        return self + (-1) * other

    def is_zero(self) -> bool:
        """Whether no hinge and a zero affine part remain.

        Examples
        --------
        >>> FirstLayerValue({1: 1}, Affine.constant_function(0, 1)).is_zero()
        False
        """
        return not self.hinges and self.affine.is_zero()


def two_hidden_layer_network(dimension: int, first_maxima: list, targets: list) -> ReLUNetwork:
    """The network of ``sum_i c_i max(A_i, B_i)`` with ``A_i, B_i`` combinations of first-layer maxima.

    ``first_maxima`` are pairs ``(u, v)`` of affine functions: hinge neuron k is ``relu(u_k - v_k)``, so
    ``max(u_k, v_k) = v_k + relu(u_k - v_k)``; the affine parts travel through the first layer as pass-through
    pairs ``relu(x_j) - relu(-x_j)`` of the coordinates they use. ``targets`` are triples ``(c_i, A_i, B_i)``
    of a coefficient and two :class:`FirstLayerValue` objects: second-layer neuron i is
    ``relu(A_i - B_i)``, and ``L = sum_i c_i B_i`` passes through the second layer as ``relu(L) - relu(-L)``,
    so the output is ``sum_i c_i (B_i + relu(A_i - B_i))``.

    Examples
    --------
    >>> x1, x2, x3 = (Affine.coordinate(i, 3) for i in range(3))
    >>> m12 = FirstLayerValue({0: 1}, x2)                               # max(x1, x2) = x2 + relu(x1 - x2)
    >>> net = two_hidden_layer_network(3, [(x1, x2)], [(1, m12, FirstLayerValue({}, x3))])
    >>> net([4, 1, 3]), net([0, 1, 5]), net.hidden_layers               # max(max(x1, x2), x3)
    (Fraction(4, 1), Fraction(5, 1), 2)
    """
    hinge_count = len(first_maxima)
    linear_part = FirstLayerValue({}, Affine.constant_function(0, dimension))
    second = []
    for coefficient, a, b in targets:
        second.append((coefficient, a - b))
        linear_part = linear_part + coefficient * b
    pre_activations = [value for _, value in second]
    if not linear_part.is_zero():
        pre_activations += [linear_part, (-1) * linear_part]
    used = [j for j in range(dimension) if any(value.affine.linear[j] for value in pre_activations)]

    first_rows = [list((u - v).linear) for u, v in first_maxima]
    first_biases = [(u - v).constant for u, v in first_maxima]
    for j in used:
        unit = [_ONE if i == j else _ZERO for i in range(dimension)]
        first_rows += [unit, [-u for u in unit]]
        first_biases += [_ZERO, _ZERO]

    second_rows, second_biases = [], []
    for value in pre_activations:
        row = [value.hinges.get(k, _ZERO) for k in range(hinge_count)]
        for j in used:
            row += [value.affine.linear[j], -value.affine.linear[j]]
        second_rows.append(row)
        second_biases.append(value.affine.constant)

    output_row = [coefficient for coefficient, _ in second]
    if not linear_part.is_zero():
        output_row += [_ONE, -_ONE]
    return ReLUNetwork([(first_rows, first_biases), (second_rows, second_biases), ([output_row], [_ZERO])])
