"""Seeded in-context composition tasks: 3x3 panel grids with row rules, and an S-RAVEN-style variant.

**The panel task** (the CPU-sized task of Chen et al. 2025).  A fixed dictionary D of 16 atoms in
R^32 (seeded, rows of unit length).  A problem picks 3 distinct atoms (a *triple*) and, for each
atom k, a rule: *constant* or *progression*.  Panel (r, c) of the 3x3 grid, r, c = 0, 1, 2, is the
mix ``sum_k a_k(r, c) D[atom_k]`` with coefficients ``a_k(r, c) = s_k(c) + r d_k`` (start
``s_k(c)`` per column, step ``d_k`` shared by the columns; ``d_k = 0`` for the constant rule).  So
every column runs an arithmetic progression down the rows, and the last row is
``row 2 = -row 0 + 2 row 1`` exactly (:func:`lincomb.theory.sparse_coding.extrapolation_coefficients`).
The 9 panels are tokens in row-major order; the last row's 3 tokens are zeroed and must be
predicted.  Context tokens carry their position as a one-hot tail of 9 entries; target tokens carry
nothing (all zeros) unless ``target_positions=True``.  25 % of the C(16, 3) = 560 atom triples are
held out: training problems use the others, test problems only the held-out ones.

**The symbolic variant** (after S-RAVEN, Schug et al.).  Panels have 4 features with values mod 8.
Each feature follows one of 8 row rules (:data:`SYMBOLIC_RULES`); a problem is a multiset of 4 rules,
one per feature (C(11, 4) = 330 combinations), 25 % of the combinations held out.  The query (the
last panel) is all zeros; tokens are the one-hot codes of the 4 features (32 entries).

Examples
--------
>>> task = panel_task(seed=0, n_train=8, n_test=4)
>>> task.train.tokens.shape, task.train.targets.shape, len(task.heldout_triples)
((8, 9, 41), (8, 3, 32), 140)
>>> import numpy as np
>>> bool(np.allclose(task.train.coefficients[:, 2], -task.train.coefficients[:, 0] + 2 * task.train.coefficients[:, 1]))
True
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from lincomb.errors import UsageError

__all__ = [
    "PANEL_RULES",
    "SYMBOLIC_RULES",
    "PanelProblems",
    "PanelTask",
    "SymbolicProblems",
    "SymbolicTask",
    "panel_task",
    "symbolic_raven_task",
    "GRID",
    "TARGET_TOKENS",
    "COLUMN_GROUPS",
]

#: 3x3 grid, tokens in row-major order.
GRID = 3
#: the last row's tokens (the targets of the panel task)
TARGET_TOKENS = (6, 7, 8)
#: per column, its tokens from the top row down: the lifting runs along these
COLUMN_GROUPS = ((0, 3, 6), (1, 4, 7), (2, 5, 8))
PANEL_RULES = ("constant", "progression")


@dataclass
class PanelProblems:
    """A batch of panel problems (numpy float32 arrays).

    Attributes
    ----------
    tokens : ndarray, (N, 9, dim + 9)
        Content then one-hot position; the target rows are zero (positions too, unless asked).
    targets : ndarray, (N, 3, dim)
        The true content of the last row.
    coefficients : ndarray, (N, 3, 3, 3)
        ``a_k(r, c)`` indexed ``[problem, row, column, atom slot]``.
    triples : ndarray of int, (N, 3)
        The atoms of each problem.
    rules : ndarray of int, (N, 3)
        Index into :data:`PANEL_RULES` per atom slot.

    Examples
    --------
    >>> p = panel_task(seed=1, n_train=2, n_test=1).test
    >>> len(p), p.rules.shape
    (1, (1, 3))
    """

    tokens: np.ndarray
    targets: np.ndarray
    coefficients: np.ndarray
    triples: np.ndarray
    rules: np.ndarray

    def __len__(self) -> int:
        return len(self.tokens)

    def full_grids(self, dictionary: np.ndarray) -> np.ndarray:
        """All 9 panels' true content, (N, 9, dim): the tokens before the last row was zeroed.

        Examples
        --------
        >>> task = panel_task(seed=0, n_train=2, n_test=1)
        >>> grids = task.train.full_grids(task.dictionary)
        >>> bool(np.allclose(grids[:, 6:], task.train.targets, atol=1e-6))
        True
        """
        atoms = dictionary[self.triples]  # (N, 3 slots, dim)
        coefficients = self.coefficients.reshape(len(self), GRID * GRID, 3)
        return np.einsum("npk,nkd->npd", coefficients, atoms).astype(np.float32)


@dataclass
class PanelTask:
    """The panel task: dictionary, train/test problems and the held-out triples.

    Examples
    --------
    >>> task = panel_task(seed=0, n_train=4, n_test=4)
    >>> set(map(tuple, task.test.triples.tolist())) <= set(task.heldout_triples)
    True
    """

    dictionary: np.ndarray
    train: PanelProblems
    test: PanelProblems
    heldout_triples: list
    seed: int
    target_positions: bool


def _panel_problems(rng, dictionary, triples, count, rule, target_positions) -> PanelProblems:
    dim = dictionary.shape[1]
    chosen = np.array([triples[i] for i in rng.integers(0, len(triples), size=count)], dtype=np.int64)
    if rule == "mixed":
        rules = rng.integers(0, 2, size=(count, 3))
    else:
        rules = np.full((count, 3), PANEL_RULES.index(rule))
    starts = rng.uniform(-1.0, 1.0, size=(count, 3, 3))  # [problem, column, slot]
    # Steps bounded away from 0 so that "progression" really differs from "constant".
    steps = rng.uniform(0.3, 0.8, size=(count, 3)) * rng.choice([-1.0, 1.0], size=(count, 3)) * rules
    rows = np.arange(GRID, dtype=np.float64)
    coefficients = starts[:, None, :, :] + rows[None, :, None, None] * steps[:, None, None, :]
    atoms = dictionary[chosen]
    content = np.einsum("nrck,nkd->nrcd", coefficients, atoms).reshape(count, GRID * GRID, dim)
    positions = np.broadcast_to(np.eye(GRID * GRID), (count, GRID * GRID, GRID * GRID))
    tokens = np.concatenate([content, positions], axis=2).astype(np.float32)
    targets = content[:, list(TARGET_TOKENS)].astype(np.float32)
    tokens[:, list(TARGET_TOKENS), :dim] = 0.0
    if not target_positions:
        tokens[:, list(TARGET_TOKENS), dim:] = 0.0
    return PanelProblems(tokens, targets, coefficients.astype(np.float32), chosen, rules)


def panel_task(
    seed: int = 0,
    n_train: int = 2048,
    n_test: int = 512,
    *,
    rule: str = "mixed",
    n_atoms: int = 16,
    dim: int = 32,
    holdout_fraction: float = 0.25,
    target_positions: bool = False,
) -> PanelTask:
    """Generate the seeded panel task.

    Parameters
    ----------
    seed : int
        Seeds the dictionary, the held-out split and the problems.
    n_train, n_test : int
        Numbers of problems; test problems use held-out triples only.
    rule : {"mixed", "progression", "constant"}
        ``"mixed"`` draws a rule per atom slot; the others fix it for every slot.
    n_atoms, dim : int
        Dictionary size (16 x 32 by default).
    holdout_fraction : float
        Share of the C(n_atoms, 3) triples reserved for testing.
    target_positions : bool
        Give the target tokens their one-hot position (off by default: no target position
        information, as in the reference).

    Returns
    -------
    PanelTask

    Raises
    ------
    UsageError
        For an unknown rule or sizes that leave no triples on one side.

    Examples
    --------
    >>> task = panel_task(seed=3, n_train=5, n_test=5, rule="constant")
    >>> bool(np.allclose(task.train.coefficients[:, 0], task.train.coefficients[:, 2]))
    True
    >>> panel_task(rule="spiral")
    Traceback (most recent call last):
    ...
    lincomb.errors.UsageError: unknown rule 'spiral'; choose mixed, constant or progression
    """
    if rule not in ("mixed", *PANEL_RULES):
        raise UsageError(f"unknown rule {rule!r}; choose mixed, constant or progression")
    triples = list(itertools.combinations(range(n_atoms), 3))
    heldout_count = int(round(holdout_fraction * len(triples)))
    if not 0 < heldout_count < len(triples) or n_train < 1 or n_test < 1:
        raise UsageError(
            f"holdout_fraction={holdout_fraction} of {len(triples)} triples and n_train={n_train}, "
            f"n_test={n_test} must leave problems on both sides"
        )
    rng = np.random.default_rng(seed)
    dictionary = rng.standard_normal((n_atoms, dim))
    dictionary /= np.linalg.norm(dictionary, axis=1, keepdims=True)
    order = rng.permutation(len(triples))
    heldout = sorted(triples[i] for i in order[:heldout_count])
    seen = sorted(triples[i] for i in order[heldout_count:])
    train = _panel_problems(rng, dictionary, seen, n_train, rule, target_positions)
    test = _panel_problems(rng, dictionary, heldout, n_test, rule, target_positions)
    return PanelTask(dictionary.astype(np.float32), train, test, heldout, seed, target_positions)


# ---------------------------------------------------------------------------------------------
# S-RAVEN-style symbolic variant
# ---------------------------------------------------------------------------------------------
MODULUS = 8
#: row rules on one feature: (name, third value from the first two, second from the first or None)
SYMBOLIC_RULES = (
    "constant",        # a, a, a
    "progression+1",   # a, a+1, a+2
    "progression+2",   # a, a+2, a+4
    "progression-1",   # a, a-1, a-2
    "progression-2",   # a, a-2, a-4
    "addition",        # a, b, a+b
    "subtraction",     # a, b, a-b
    "distribute-three",  # the rows are the 3 cyclic shifts of (u, v, w)
)


def _symbolic_row_values(rng, rule: str, row: int, triple):
    a, b = (int(v) for v in rng.integers(0, MODULUS, size=2))
    if rule == "constant":
        return [a, a, a]
    if rule.startswith("progression"):
        step = int(rule[len("progression"):])
        return [a % MODULUS, (a + step) % MODULUS, (a + 2 * step) % MODULUS]
    if rule == "addition":
        return [a, b, (a + b) % MODULUS]
    if rule == "subtraction":
        return [a, b, (a - b) % MODULUS]
    # distribute-three: row r is the shift of a per-problem triple by r
    return [triple[(row + c) % 3] for c in range(3)]


@dataclass
class SymbolicProblems:
    """A batch of symbolic problems.

    Attributes
    ----------
    features : ndarray of int, (N, 3, 3, 4)
        ``[problem, row, column, feature]`` values mod 8.
    rules : ndarray of int, (N, 4)
        Index into :data:`SYMBOLIC_RULES` per feature.
    tokens : ndarray, (N, 9, 32)
        One-hot codes (4 features x 8 values), the query (token 8) all zeros.
    query : ndarray of int, (N, 4)
        The features of the last panel (the answer).

    Examples
    --------
    >>> p = symbolic_raven_task(seed=0, n_train=3, n_test=2).train
    >>> p.tokens.shape, p.query.shape, float(p.tokens[:, 8].sum())
    ((3, 9, 32), (3, 4), 0.0)
    """

    features: np.ndarray
    rules: np.ndarray
    tokens: np.ndarray
    query: np.ndarray

    def __len__(self) -> int:
        return len(self.features)


@dataclass
class SymbolicTask:
    """The symbolic task: train/test problems and the held-out rule combinations.

    Examples
    --------
    >>> task = symbolic_raven_task(seed=0, n_train=4, n_test=4)
    >>> len(task.heldout_combinations), len(task.heldout_combinations) + len(task.seen_combinations)
    (82, 330)
    """

    train: SymbolicProblems
    test: SymbolicProblems
    heldout_combinations: list
    seen_combinations: list
    seed: int


def _symbolic_problems(rng, combinations, count) -> SymbolicProblems:
    features = np.zeros((count, 3, 3, 4), dtype=np.int64)
    rules = np.zeros((count, 4), dtype=np.int64)
    for n in range(count):
        combination = list(combinations[rng.integers(0, len(combinations))])
        rng.shuffle(combination)  # the multiset is fixed; which feature gets which rule is not
        rules[n] = combination
        for f, rule_index in enumerate(combination):
            rule = SYMBOLIC_RULES[rule_index]
            triple = [int(v) for v in rng.integers(0, MODULUS, size=3)]
            for r in range(3):
                features[n, r, :, f] = _symbolic_row_values(rng, rule, r, triple)
    flat = features.reshape(count, 9, 4)
    tokens = np.zeros((count, 9, 4 * MODULUS), dtype=np.float32)
    for f in range(4):
        tokens[np.arange(count)[:, None], np.arange(9)[None, :], f * MODULUS + flat[:, :, f]] = 1.0
    tokens[:, 8] = 0.0
    return SymbolicProblems(features, rules, tokens, flat[:, 8].copy())


def symbolic_raven_task(seed: int = 0, n_train: int = 1024, n_test: int = 256, holdout_fraction: float = 0.25) -> SymbolicTask:
    """Generate the S-RAVEN-style symbolic task (rules on 4 features mod 8).

    Parameters
    ----------
    seed : int
    n_train, n_test : int
    holdout_fraction : float
        Share of the 330 rule multisets used only for testing.

    Returns
    -------
    SymbolicTask

    Examples
    --------
    >>> task = symbolic_raven_task(seed=2, n_train=50, n_test=6)
    >>> f, r = task.train.features, task.train.rules
    >>> n, k = np.argwhere(r == SYMBOLIC_RULES.index("addition"))[0]
    >>> bool(np.all((f[n, :, 0, k] + f[n, :, 1, k]) % 8 == f[n, :, 2, k]))
    True
    """
    combinations = list(itertools.combinations_with_replacement(range(len(SYMBOLIC_RULES)), 4))
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(combinations))
    heldout_count = int(round(holdout_fraction * len(combinations)))
    if not 0 < heldout_count < len(combinations):
        raise UsageError(f"holdout_fraction={holdout_fraction} must leave combinations on both sides")
    heldout = sorted(combinations[i] for i in order[:heldout_count])
    seen = sorted(combinations[i] for i in order[heldout_count:])
    train = _symbolic_problems(rng, seen, n_train)
    test = _symbolic_problems(rng, heldout, n_test)
    return SymbolicTask(train, test, heldout, seen, seed)
