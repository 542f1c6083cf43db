"""Exact statements of lincomb.theory.sparse_coding: lifting, zero targets, the KSM rank-1 bound."""

from __future__ import annotations

import random
from fractions import Fraction
from math import comb

import pytest

from lincomb.errors import ShapeError, UsageError
from lincomb.theory.sparse_coding import (
    extrapolation_coefficients,
    gram_ldl,
    ksm_rank1_bound,
    lift,
    polynomial_kernel,
    prove_extrapolation_symbolically,
    prove_ksm_rank1_symbolically,
    prove_zero_target_symbolically,
    soft_threshold,
    zero_target_attention,
)


def test_progression_lifting_is_minus_one_two():
    assert extrapolation_coefficients(2) == (Fraction(-1), Fraction(2))


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5])
def test_extrapolation_matches_closed_form_and_continues_polynomials(n):
    lambdas = extrapolation_coefficients(n)
    assert lambdas == tuple(Fraction((-1) ** (n - i) * comb(n, i - 1)) for i in range(1, n + 1))
    rng = random.Random(n)
    coefficients = [Fraction(rng.randint(-9, 9), rng.randint(1, 5)) for _ in range(n)]

    def p(x):
        return sum(c * x**k for k, c in enumerate(coefficients))

    assert lift([p(i) for i in range(1, n + 1)], lambdas) == p(n + 1)


def test_lifting_fails_on_a_non_progression():
    assert lift([1, 2], extrapolation_coefficients(2)) == 3
    assert lift([1, 4], extrapolation_coefficients(2)) != 9  # squares are not arithmetic progressions


def test_symbolic_extrapolation_proof():
    result = prove_extrapolation_symbolically(2)
    assert result["identity_holds"] and result["unique"] and result["residual"] == 0


def test_bad_context_length_and_shapes():
    with pytest.raises(UsageError, match="positive integer"):
        extrapolation_coefficients(0)
    with pytest.raises(ShapeError):
        lift([1, 2, 3], [1, 2])


def test_soft_threshold_exact():
    assert soft_threshold("1/2", "1/10") == Fraction(2, 5)
    assert soft_threshold("-1/2", "1/10") == Fraction(-2, 5)
    assert soft_threshold("1/10", "1/10") == 0
    assert soft_threshold(0, 0) == 0
    with pytest.raises(UsageError):
        soft_threshold(1, -1)


def test_zero_target_sparse_is_zero_softmax_is_average():
    tokens = [[1, 2], [3, -1], [0, 0]]
    result = zero_target_attention(tokens, [[1, 2], [0, 1]], [[1, 0], [0, 1]], "1/20", [2])
    assert result.sparse_targets_are_zero
    assert result.softmax_target_weights[2] == [Fraction(1, 3)] * 3
    assert result.softmax_target_outputs[2] == [Fraction(4, 3), Fraction(1, 3)]
    # the context rows are not all zero: the statement is about the target rows only
    assert any(v != 0 for v in result.sparse_codes[0])


def test_zero_target_rejects_nonzero_target():
    with pytest.raises(UsageError, match="not zero"):
        zero_target_attention([[1, 0], [0, 1]], [[1, 0], [0, 1]], [[1], [1]], 0, [1])


def test_symbolic_zero_target_proof():
    assert prove_zero_target_symbolically(2, 4) == {"scores_zero": True, "sparse_code_zero": True, "softmax_uniform": True}


def test_ksm_bound_and_maximiser_on_random_data():
    rng = random.Random(7)
    kernel = polynomial_kernel(1, 2)
    for _ in range(5):
        xs = [[Fraction(rng.randint(-6, 6), rng.randint(1, 3)) for _ in range(2)] for _ in range(5)]
        ys = [Fraction(rng.randint(-6, 6), rng.randint(1, 3)) for _ in range(5)]
        w = [Fraction(rng.randint(-6, 6), rng.randint(1, 3)) for _ in range(2)]
        bound = ksm_rank1_bound(xs, ys, w, kernel)
        assert bound.gap >= 0
        assert bound.q_star == bound.correlation / bound.landmark_norm
        for q in (bound.q_star - 1, bound.q_star + Fraction(1, 3), Fraction(0)):
            assert bound.rhs(q) < bound.rhs(bound.q_star) <= bound.similarity


def test_ksm_gap_zero_when_outputs_are_a_multiple_of_the_landmark_column():
    # y_t proportional to f(x_t, w) with all points equal to w: rank-1 exact
    kernel = polynomial_kernel(0, 1)
    bound = ksm_rank1_bound([[1, 1], [1, 1]], [2, 2], [1, 1], kernel)
    assert bound.gap == 0


def test_gram_ldl_reconstructs_and_rejects_indefinite():
    rng = random.Random(3)
    kernel = polynomial_kernel(1, 2)
    nodes = [[Fraction(rng.randint(-4, 4), 2) for _ in range(2)] for _ in range(8)]  # 8 > 6 features: singular
    gram = [[kernel(a, b) for b in nodes] for a in nodes]
    lower, diagonal = gram_ldl(gram)
    assert all(d >= 0 for d in diagonal) and any(d == 0 for d in diagonal)
    for i in range(8):
        for j in range(8):
            assert sum(lower[i][k] * diagonal[k] * lower[j][k] for k in range(8)) == gram[i][j]
    with pytest.raises(UsageError, match="not positive semidefinite"):
        gram_ldl([[0, 1], [1, 0]])


def test_symbolic_ksm_algebra():
    result = prove_ksm_rank1_symbolically()
    assert result["completed_square"] and result["norm_identity"]


def test_kernel_input_errors():
    with pytest.raises(UsageError):
        polynomial_kernel(1, 0)
    with pytest.raises(ShapeError):
        ksm_rank1_bound([[1, 2]], [1, 2], [1, 2])


def test_theory_module_does_not_import_torch():
    import subprocess
    import sys

    code = "import sys, lincomb.theory.sparse_coding; print('torch' in sys.modules, 'numpy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out[0] == "False"
