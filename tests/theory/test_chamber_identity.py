"""The identity test chamber by chamber of the braid fan (issue 4: the max_n networks)."""

from __future__ import annotations

import random
from fractions import Fraction

import pytest

from lincomb.errors import UsageError
from lincomb.solvers.max_representation import max_representation, published_n6_terms
from lincomb.theory.chamber_identity import braid_chamber_rays, chamber_expansion, prove_identity_on_braid_chambers
from lincomb.theory.constructions import max_function, max_network
from lincomb.theory.cpwl import CPWL
from lincomb.theory.identity import prove_identity
from lincomb.theory.max_representation_network import max_representation_network
from lincomb.theory.program import Program
from lincomb.theory.relu_network import ReLUNetwork


def test_rays_span_the_chamber():
    # x = x_s(1) * 1 + sum_k (x_s(k) - x_s(k-1)) r_k for a sorted point.
    order = (2, 0, 3, 1)
    point = [Fraction(5), Fraction(9), Fraction(-1), Fraction(7)]  # x3 <= x1 <= x4 <= x2
    rebuilt = [point[order[0]]] * 4
    for k, ray in enumerate(braid_chamber_rays(order), start=1):
        step = point[order[k]] - point[order[k - 1]]
        rebuilt = [r + step * v for r, v in zip(rebuilt, ray)]
    assert rebuilt == point


@pytest.mark.parametrize("n", [3, 4, 5])
def test_agrees_with_the_cell_tree_on_max_networks(n):
    network, target = max_representation(n).network(), max_function(n)
    assert prove_identity_on_braid_chambers(network.to_program(), target.to_program()).equal
    if n <= 4:
        assert prove_identity(network.to_program(), target.to_program()).equal


def test_a_perturbed_network_is_caught_with_a_point_where_it_differs():
    terms = [(c, t.a, t.b) for c, t in published_n6_terms()]
    layers = [([list(row) for row in w], list(b)) for w, b in max_representation_network(6, terms).layers]
    rng = random.Random(1)
    for _ in range(3):
        mutated = [([list(row) for row in w], list(b)) for w, b in layers]
        column = rng.randrange(len(mutated[-1][0][0]))
        mutated[-1][0][0][column] += Fraction(1, 7)
        lhs, rhs = ReLUNetwork(mutated).to_program(), max_function(6).to_program()
        result = prove_identity_on_braid_chambers(lhs, rhs)
        assert not result.equal
        assert result.counterexample is not None
        assert lhs.evaluate(result.counterexample) != rhs.evaluate(result.counterexample)


def test_affine_hinges_and_opposite_hinges_are_normalised():
    # relu(x1 - x2 + 1) - relu(x2 - x1 - 1) = x1 - x2 + 1 everywhere.
    x1, x2 = CPWL.coordinate(0, 2), CPWL.coordinate(1, 2)
    lhs = (x1 - x2 + 1).maximum(0) - (x2 - x1 - 1).maximum(0)
    result = prove_identity_on_braid_chambers(lhs.to_program(), (x1 - x2 + 1).to_program())
    assert result.equal and result.hinges == 1
    wrong = prove_identity_on_braid_chambers(lhs.to_program(), (x1 - x2).to_program())
    assert not wrong.equal


def test_programs_outside_the_scope_are_refused_by_name():
    p = Program(2)
    inner = p.max([0, p.constant(0)])
    p.output = p.max([inner, p.lin({1: 1})])         # max(relu(x1), x2): a maximum of a hinge
    with pytest.raises(UsageError, match="use prove_identity"):
        chamber_expansion(p, (0, 1))
    q = Program(2)
    q.output = q.max([0, 1, q.constant(0)])           # three undecided arguments
    with pytest.raises(UsageError, match="two undecided arguments at most"):
        chamber_expansion(q, (0, 1))
    with pytest.raises(UsageError, match="max_dimension=9"):
        prove_identity_on_braid_chambers(Program(9), Program(9))


def test_max_network_passes():
    assert prove_identity_on_braid_chambers(max_network(5).to_program(), max_function(5).to_program()).equal


@pytest.mark.slow
def test_the_networks_of_both_n6_certificates_equal_max6():
    # About a minute each: lincomb's own n = 6 solution and the published certificate of Ruess et al.
    target = max_function(6).to_program()
    published = max_representation_network(6, [(c, t.a, t.b) for c, t in published_n6_terms()])
    for network in (max_representation(6).network(), published):
        assert network.widths == (25, 497)
        result = prove_identity_on_braid_chambers(network.to_program(), target)
        assert result.equal and result.chambers == 720
