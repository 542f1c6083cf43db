"""Minimal widths: the MILP (HiGHS via Pyomo) agrees with the exact argument, and its network is exact."""

from __future__ import annotations

from fractions import Fraction

import pytest

from lincomb.errors import UsageError
from lincomb.solvers.min_width import (
    FAMILIES,
    PiecewiseLinearTarget,
    abs_target,
    exact_min_width,
    hat_target,
    jump_obstruction_2d,
    max3_target,
    min_width_milp,
    network_cpwl,
    sawtooth_target,
)

EXPECTED = {  # target -> (relu, leaky_relu, la)
    "|x|": (2, 2, 1),
    "hat": (3, 3, 3),
    "sawtooth-2": (5, 5, 5),
    "sawtooth-3": (7, 7, 7),
}


@pytest.mark.parametrize("target", [abs_target(), hat_target(), sawtooth_target(2), sawtooth_target(3)], ids=lambda t: t.name)
def test_table_milp_equals_exact(target):
    for family, expected in zip(FAMILIES, EXPECTED[target.name]):
        result = min_width_milp(target, family)
        assert result.width == expected == exact_min_width(target, family)[0]
        assert result.confirmed, f"{target.name} {family}: the re-solved network is not exactly the target"
        network = network_cpwl(result.neurons, result.output_bias, "relu" if family == "la" else family)
        assert network.equals(target.to_cpwl())


def test_extra_targets_where_families_differ():
    x = PiecewiseLinearTarget("x", ((0, 0),), 1, 1)                       # linear: LA 1, ReLU 2
    leaky = PiecewiseLinearTarget("leaky", ((0, 0),), Fraction(1, 100), 1)  # leaky itself: leaky 1, ReLU 2
    ramp = PiecewiseLinearTarget("relu", ((0, 0),), 0, 1)
    assert [exact_min_width(x, f)[0] for f in FAMILIES] == [2, 2, 1]
    assert [exact_min_width(leaky, f)[0] for f in FAMILIES] == [2, 1, 1]
    assert [exact_min_width(ramp, f)[0] for f in FAMILIES] == [1, 2, 1]
    for target in (x, leaky, ramp):
        for family in FAMILIES:
            result = min_width_milp(target, family)
            assert result.width == exact_min_width(target, family)[0] and result.confirmed


def test_constant_target_needs_no_neuron():
    constant = PiecewiseLinearTarget("one", ((0, 1),), 0, 0)
    assert exact_min_width(constant, "relu")[0] == 0 == min_width_milp(constant, "relu").width


def test_max3_is_not_one_hidden_layer():
    for family in FAMILIES:
        assert min_width_milp(max3_target(), family).width is None
    jumps = jump_obstruction_2d(max3_target(), (1, 0), 0, [(0, -1), (0, 1)])
    assert jumps[0] != jumps[1]
    with pytest.raises(UsageError, match="not on the line"):
        jump_obstruction_2d(max3_target(), (1, 0), 0, [(1, 1)])
    with pytest.raises(UsageError, match="pieces are active"):
        jump_obstruction_2d(max3_target(), (1, 0), 0, [(0, 0)])


def test_bad_family():
    with pytest.raises(UsageError, match="family"):
        min_width_milp(abs_target(), "gelu")
    with pytest.raises(UsageError, match="increasing"):
        PiecewiseLinearTarget("bad", ((1, 0), (0, 0)), 0, 0)
