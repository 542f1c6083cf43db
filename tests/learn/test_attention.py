"""Sparse-coding vs softmax attention on the panel task; the exact export of the learned lifting."""

from __future__ import annotations

from fractions import Fraction

import pytest

torch = pytest.importorskip("torch")

from lincomb.errors import ShapeError, UsageError
from lincomb.learn.attention import SoftmaxAttention, SparseCodingAttention, fit_attention, relative_mse
from lincomb.learn.tasks import COLUMN_GROUPS, TARGET_TOKENS, panel_task
from lincomb.theory.sparse_coding import extrapolation_coefficients

torch.set_num_threads(1)


@pytest.fixture(scope="module")
def task():
    return panel_task(seed=0, n_train=256, n_test=128, rule="mixed", dim=16)


@pytest.fixture(scope="module")
def trained(task):
    torch.manual_seed(0)
    model = SparseCodingAttention(task.train.tokens.shape[2], 16, threshold=0.05, lift_groups=COLUMN_GROUPS)
    fit_attention(model, task.train.tokens, task.train.full_grids(task.dictionary), range(9), steps=200)
    return model


def test_zero_targets_sparse_codes_vanish_softmax_is_uniform(task):
    x = torch.as_tensor(task.test.tokens[:4])
    sparse = SparseCodingAttention(x.shape[2], 16, threshold=0.05, lift_groups=COLUMN_GROUPS)
    assert torch.all(sparse.sparse_codes(x)[:, list(TARGET_TOKENS)] == 0)
    softmax = SoftmaxAttention(x.shape[2], 16, bias=True)
    weights = softmax.coefficients(x)[:, list(TARGET_TOKENS)]
    # a zero query (plus a shared bias) gives the same row for every target: no way to tell them apart
    assert torch.allclose(weights[:, 0], weights[:, 1]) and torch.allclose(weights[:, 1], weights[:, 2])
    unbiased = SoftmaxAttention(x.shape[2], 16).coefficients(x)[:, list(TARGET_TOKENS)]
    assert torch.allclose(unbiased, torch.full_like(unbiased, 1 / 9))


def test_sparse_coding_learns_the_rule_softmax_does_not(task, trained):
    error = relative_mse(trained, task.test.tokens, task.test.targets, TARGET_TOKENS)
    assert error < 0.05
    exact = extrapolation_coefficients(2)
    measured = trained.lifting_coefficients_exact()
    assert max(abs(m - e) for m, e in zip(measured, exact)) < Fraction(1, 20)
    torch.manual_seed(0)
    softmax = SoftmaxAttention(task.train.tokens.shape[2], 16)
    fit_attention(softmax, task.train.tokens, task.train.full_grids(task.dictionary), range(9), steps=100)
    assert relative_mse(softmax, task.test.tokens, task.test.targets, TARGET_TOKENS) > 0.3


def test_exact_export_is_the_float_value(trained):
    exact = trained.lifting_coefficients_exact()
    assert [float(v) for v in exact] == trained.lifting.detach().tolist()
    assert all(v.denominator & (v.denominator - 1) == 0 for v in exact)  # dyadic
    expression = trained.to_sympy()
    import sympy

    a1, a2, a3 = sympy.symbols("alpha_1:4")
    assert expression.coeff(a1) == sympy.Rational(exact[0].numerator, exact[0].denominator)
    assert expression.coeff(a3) == 1


def test_sparse_codes_exact_and_sparsity(task, trained):
    codes = trained.sparse_codes_exact(torch.as_tensor(task.test.tokens[0]))
    assert len(codes) == 9 and all(isinstance(v, Fraction) for row in codes for v in row)
    assert 0 < trained.sparsity(torch.as_tensor(task.test.tokens)) < 1


def test_interface_errors():
    with pytest.raises(ShapeError):
        SparseCodingAttention(4, 2, lift_groups=[(0, 1), (2, 3, 4)])
    with pytest.raises(UsageError):
        SparseCodingAttention(4, 2, threshold=-1)
    with pytest.raises(ShapeError):
        SoftmaxAttention(4, 2)(torch.zeros(1, 3, 5))
    with pytest.raises(UsageError):
        fit_attention(SoftmaxAttention(2, 2), torch.zeros(2, 3, 2), torch.zeros(2, 1, 2), [2], optimizer="sgd")
