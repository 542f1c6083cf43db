"""The max-representation checker's ordering counts (a subset dynamic program) equal the count by brute force.

The checker's soundness rests on ``ordering_counts`` returning, for a template, exactly the multiset of
``(alpha, beta)`` over all permutations of the n indices. The brute force below enumerates the permutations one by
one, straight from the definition; the two must agree on every template, loops and repeated pairs included.
"""

from __future__ import annotations

import random
from collections import Counter
from itertools import permutations

import pytest

from lincomb.proofs_check.checkers._max_template_math import normal_form_templates, ordering_counts


def brute_force(a_pairs, b_pairs, n):
    counts = Counter()
    for s in permutations(range(n)):
        alpha, beta = [0] * n, [0] * n
        for i, j in a_pairs:
            alpha[max(s[i], s[j])] += 1
        for i, j in b_pairs:
            beta[max(s[i], s[j])] += 1
        counts[tuple(alpha), tuple(beta)] += 1
    return counts


def scaled(counts, multiplier):
    return Counter({key: value * multiplier for key, value in counts.items()})


@pytest.mark.parametrize("n,k", [(2, 1), (3, 1), (4, 2), (5, 2)])
def test_all_normal_form_templates(n, k):
    for a_side, b_side in normal_form_templates(n, k, True):
        assert scaled(*ordering_counts(a_side, b_side, n)) == brute_force(a_side, b_side, n), (a_side, b_side)


def test_random_templates_on_more_indices():
    rng = random.Random(20261205)
    for _ in range(25):
        n = rng.randint(5, 7)
        k = rng.randint(2, 3)
        sides = [[tuple(sorted(rng.sample(range(n), 2) if rng.random() < 0.85 else [rng.randrange(n)] * 2))
                  for _ in range(k)] for _ in range(2)]
        assert scaled(*ordering_counts(*sides, n)) == brute_force(*sides, n), sides


def test_unused_indices_give_the_multiplier():
    counts, multiplier = ordering_counts([(0, 1)], [(0, 1)], 4)
    assert multiplier == 2 and sum(counts.values()) == 12      # 4 * 3 injections of the two used indices
