"""The seeded panel task and the S-RAVEN-style symbolic variant."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("numpy")

from lincomb.errors import UsageError
from lincomb.learn.tasks import SYMBOLIC_RULES, TARGET_TOKENS, panel_task, symbolic_raven_task


def test_panel_task_is_seeded_and_splits_triples():
    a, b = panel_task(seed=4, n_train=16, n_test=16), panel_task(seed=4, n_train=16, n_test=16)
    assert np.array_equal(a.train.tokens, b.train.tokens)
    assert not np.array_equal(a.train.tokens, panel_task(seed=5, n_train=16, n_test=16).train.tokens)
    heldout = set(a.heldout_triples)
    assert len(heldout) == 140
    assert all(tuple(t) in heldout for t in a.test.triples.tolist())
    assert not any(tuple(t) in heldout for t in a.train.triples.tolist())


def test_panel_targets_are_zero_and_follow_the_rule():
    task = panel_task(seed=0, n_train=64, n_test=8)
    tokens, coefficients = task.train.tokens, task.train.coefficients
    assert np.all(tokens[:, list(TARGET_TOKENS)] == 0)
    assert np.allclose(coefficients[:, 2], -coefficients[:, 0] + 2 * coefficients[:, 1], atol=1e-6)
    grids = task.train.full_grids(task.dictionary)
    assert np.allclose(grids[:, :6], tokens[:, :6, :32], atol=1e-6)
    constant = task.train.rules == 0
    assert np.allclose(coefficients[:, 0][:, :, :][np.broadcast_to(constant[:, None, :], (64, 3, 3))],
                       coefficients[:, 1][np.broadcast_to(constant[:, None, :], (64, 3, 3))])


def test_target_positions_flag():
    task = panel_task(seed=0, n_train=4, n_test=4, target_positions=True)
    assert np.all(task.train.tokens[:, 6, 32 + 6] == 1) and np.all(task.train.tokens[:, 6, :32] == 0)


def test_panel_task_errors():
    with pytest.raises(UsageError):
        panel_task(rule="cubic")
    with pytest.raises(UsageError):
        panel_task(holdout_fraction=0.0)


def test_symbolic_rules_hold():
    task = symbolic_raven_task(seed=1, n_train=200, n_test=50)
    f, rules = task.train.features, task.train.rules
    for n in range(len(f)):
        for k in range(4):
            rule = SYMBOLIC_RULES[rules[n, k]]
            rows = f[n, :, :, k]
            if rule == "constant":
                assert np.all(rows == rows[:, :1])
            elif rule.startswith("progression"):
                step = int(rule[len("progression"):])
                assert np.all((rows[:, 1] - rows[:, 0]) % 8 == step % 8)
                assert np.all((rows[:, 2] - rows[:, 1]) % 8 == step % 8)
            elif rule == "addition":
                assert np.all((rows[:, 0] + rows[:, 1]) % 8 == rows[:, 2])
            elif rule == "subtraction":
                assert np.all((rows[:, 0] - rows[:, 1]) % 8 == rows[:, 2])
            else:
                assert sorted(rows[0]) == sorted(rows[1]) == sorted(rows[2])
    held = set(task.heldout_combinations)
    assert all(tuple(sorted(r)) in held for r in task.test.rules.tolist())
    assert not any(tuple(sorted(r)) in held for r in rules.tolist())
    assert np.all(task.train.tokens[:, 8] == 0) and np.all(task.train.tokens[:, :8].sum(-1) == 4)
