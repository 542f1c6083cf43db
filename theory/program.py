"""Straight-line programs of affine combinations and maxima: the common form of CPWL expressions.

A :class:`Program` on R^n has the inputs x_1..x_n as nodes ``0..n-1``; every further node is either
``("lin", constant, ((node, coefficient), ...))``, an affine combination of earlier nodes, or
``("max", (node, ...))``, the maximum of earlier nodes. ReLU networks and linear combinations of
maxima both compile to programs, following exactly the rules in ``docs/certificates.md`` (the
independent checker compiles certificates the same way, so both sides branch in the same order).

Examples
--------
>>> p = Program(2)
>>> difference = p.lin({0: 1, 1: -1})
>>> p.output = p.max([difference, p.constant(0)])          # relu(x1 - x2)
>>> p.evaluate([3, 1]), p.evaluate([1, 3])
(Fraction(2, 1), Fraction(0, 1))
"""

from __future__ import annotations

from fractions import Fraction

from lincomb.errors import ShapeError


class Program:
    """A straight-line program of ``lin`` and ``max`` nodes over n inputs.

    Parameters
    ----------
    dimension : int
        The number of inputs n.

    Attributes
    ----------
    nodes : list
        The non-input nodes, node ``dimension + i`` is ``nodes[i]``.
    output : int or None
        The index of the output node.

    Examples
    --------
    >>> p = Program(1)
    >>> p.output = p.max([0, p.lin({0: -1})])                 # |x|
    >>> p.evaluate(["-3/2"])
    Fraction(3, 2)
    >>> p.max_node_count
    1
    """

    def __init__(self, dimension: int):
        if dimension < 1:
            raise ShapeError(f"a program needs at least one input, got dimension {dimension}")
        self.dimension = dimension
        self.nodes: list = []
        self.output: int | None = None

    @property
    def size(self) -> int:
        """The number of nodes, inputs included.

        Examples
        --------
        >>> p = Program(2); _ = p.constant(1); p.size
        3
        """
        return self.dimension + len(self.nodes)

    @property
    def max_node_count(self) -> int:
        """The number of ``max`` nodes (the depth of the cell tree of the identity test).

        Examples
        --------
        >>> p = Program(2); _ = p.max([0, 1]); p.max_node_count
        1
        """
        return sum(1 for node in self.nodes if node[0] == "max")

    def _check_reference(self, index: int) -> None:
        if not 0 <= index < self.size:
            raise ShapeError(f"node {index} does not exist yet (the program has {self.size} nodes)")

    def lin(self, terms, constant=0) -> int:
        """Append the node ``constant + sum coefficient * node``; return its index.

        ``terms`` is a mapping or a sequence of ``(node, coefficient)`` pairs; zero coefficients are dropped.

        Examples
        --------
        >>> p = Program(2)
        >>> p.lin([(0, 2), (1, 0)], 1), p.nodes[-1]
        (2, ('lin', Fraction(1, 1), ((0, Fraction(2, 1)),)))
        """
        items = terms.items() if hasattr(terms, "items") else terms
        cleaned = []
        for node, coefficient in items:
            self._check_reference(node)
            coefficient = Fraction(coefficient)
            if coefficient:
                cleaned.append((node, coefficient))
        self.nodes.append(("lin", Fraction(constant), tuple(cleaned)))
        return self.size - 1

    def constant(self, value) -> int:
        """Append a constant node.

        Examples
        --------
        >>> Program(1).constant(0)
        1
        """
        return self.lin((), value)

    def max(self, arguments) -> int:
        """Append the node ``max(arguments)``; return its index.

        Examples
        --------
        >>> p = Program(2)
        >>> p.max([0, 1])
        2
        """
        arguments = tuple(arguments)
        if not arguments:
            raise ShapeError("max needs at least one argument")
        for node in arguments:
            self._check_reference(node)
        self.nodes.append(("max", arguments))
        return self.size - 1

    def evaluate(self, point) -> Fraction:
        """Evaluate the output exactly at a rational point.

        Examples
        --------
        >>> p = Program(2)
        >>> p.output = p.max([0, 1])
        >>> p.evaluate([1, "5/2"])
        Fraction(5, 2)
        """
        if self.output is None:
            raise ShapeError("the program has no output node")
        values = [Fraction(v) for v in point]
        if len(values) != self.dimension:
            raise ShapeError(f"point has {len(values)} coordinates, the program has {self.dimension} inputs")
        for node in self.nodes:
            if node[0] == "lin":
                values.append(node[1] + sum((values[i] * c for i, c in node[2]), Fraction(0)))
            else:
                values.append(max(values[i] for i in node[1]))
        return values[self.output]

    def append_program(self, other: "Program") -> int:
        """Copy ``other``'s nodes after this program's (inputs shared); return the copied output's index.

        Examples
        --------
        >>> a = Program(1); a.output = a.max([0, a.constant(0)])
        >>> b = Program(1); b.output = b.lin({0: 1})
        >>> a.append_program(b)
        3
        """
        if other.dimension != self.dimension:
            raise ShapeError(f"programs on R^{self.dimension} and R^{other.dimension} cannot be combined")
        offset = self.size - other.dimension

        def shift(index: int) -> int:
            return index if index < other.dimension else index + offset

        for node in other.nodes:
            if node[0] == "lin":
                self.nodes.append(("lin", node[1], tuple((shift(i), c) for i, c in node[2])))
            else:
                self.nodes.append(("max", tuple(shift(i) for i in node[1])))
        return shift(other.output)


def difference_program(lhs: Program, rhs: Program) -> Program:
    """The program of ``lhs - rhs``: lhs's nodes, then rhs's nodes, then the difference.

    Examples
    --------
    >>> a = Program(1); a.output = a.max([0, a.constant(0)])
    >>> b = Program(1); b.output = b.lin({0: 1})
    >>> difference_program(a, b).evaluate([-2])
    Fraction(2, 1)
    """
    program = Program(lhs.dimension)
    program.nodes = list(lhs.nodes)
    left = lhs.output
    right = program.append_program(rhs)
    program.output = program.lin({left: 1, right: -1}) if left != right else program.constant(0)
    return program


def passthrough_pairs(weights, biases, next_weights) -> list[tuple[int, int]]:
    """Pairs (i, j) of hidden neurons with ``w relu(z) - w relu(-z) = w z`` in the next layer.

    Neurons i < j pair when row j and bias j are exactly the negatives of row i and bias i and column j
    of ``next_weights`` is exactly the negative of column i. Greedy: for i = 0, 1, ... the smallest
    unpaired j > i. (This rule is part of the certificate format; the checker applies the same one.)

    Examples
    --------
    >>> passthrough_pairs([[1, 0], [-1, 0], [0, 1]], [0, 0, 0], [[2, -2, 1]])
    [(0, 1)]
    """
    width = len(weights)
    paired = [False] * width
    pairs = []
    for i in range(width):
        if paired[i]:
            continue
        negated_row = [-w for w in weights[i]]
        column_i = [row[i] for row in next_weights]
        for j in range(i + 1, width):
            if paired[j] or list(weights[j]) != negated_row or biases[j] != -biases[i]:
                continue
            if all(row[j] == -c for row, c in zip(next_weights, column_i)):
                paired[i] = paired[j] = True
                pairs.append((i, j))
                break
    return pairs


def network_program(layers, dimension: int) -> Program:
    """Compile a ReLU network ``[(W, b), ...]`` (exact entries) to a program.

    ReLU after every layer but the last; the last layer must have one neuron. Pass-through pairs
    (:func:`passthrough_pairs`) compile to a linear node and a zero node, without ``max``.

    Examples
    --------
    >>> p = network_program([([[1, -1], [0, 1], [0, -1]], [0, 0, 0]), ([[1, 1, -1]], [0])], 2)
    >>> p.evaluate([1, 4]), p.max_node_count                    # max(x1, x2), one max node
    (Fraction(4, 1), 1)
    """
    program = Program(dimension)
    current = list(range(dimension))
    for layer_index, (weights, biases) in enumerate(layers):
        last = layer_index == len(layers) - 1
        pre_activations = [
            program.lin(zip(current, row), bias) for row, bias in zip(weights, biases)
        ]
        if last:
            current = pre_activations
            break
        next_weights = layers[layer_index + 1][0]
        pairs = passthrough_pairs(weights, biases, next_weights)
        linear_neurons = {i for i, _ in pairs}
        zero_neurons = {j for _, j in pairs}
        zero = None
        outputs = []
        for neuron, node in enumerate(pre_activations):
            if neuron in linear_neurons:
                outputs.append(node)
            elif neuron in zero_neurons:
                if zero is None:
                    zero = program.constant(0)
                outputs.append(zero)
            else:
                outputs.append(program.max([node, program.constant(0)]))
        current = outputs
    if len(current) != 1:
        raise ShapeError(f"the last layer has {len(current)} neurons; a scalar network needs exactly 1")
    program.output = current[0]
    return program


def max_combination_program(terms, dimension: int) -> Program:
    """Compile ``sum_t coefficient_t * max(pieces_t)`` to a program.

    ``terms`` is a sequence of ``(coefficient, pieces)``, each piece a pair ``(linear, constant)``.

    Examples
    --------
    >>> p = max_combination_program([(1, [((1, 0), 0), ((0, 1), 0)]), (-1, [((0, 1), 0)])], 2)
    >>> p.evaluate([5, 2]), p.max_node_count                    # max(x1, x2) - x2
    (Fraction(3, 1), 1)
    """
    program = Program(dimension)
    term_nodes = []
    for coefficient, pieces in terms:
        piece_nodes = [program.lin(enumerate(linear), constant) for linear, constant in pieces]
        node = program.max(piece_nodes) if len(piece_nodes) > 1 else piece_nodes[0]
        term_nodes.append((node, coefficient))
    combined: dict[int, Fraction] = {}
    for node, coefficient in term_nodes:
        combined[node] = combined.get(node, Fraction(0)) + Fraction(coefficient)
    program.output = program.lin(combined.items())
    return program
