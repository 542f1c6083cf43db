"""Tests of lincomb.solvers.modular_solve: exact answers on random, rank-deficient, inconsistent and unlucky systems,
and agreement with solve_sparse_exact on the max_n systems."""

from __future__ import annotations

from fractions import Fraction
from math import lcm

import numpy as np
import pytest

from lincomb.errors import ShapeError, UsageError
from lincomb.solvers.exact_sparse_solve import solve_sparse_exact
from lincomb.solvers.modular_solve import csc_from_dict_columns, modular_solve, solve_primes, stderr_progress

P0, P1 = solve_primes(2)


def random_columns(rows: int, columns: int, rank: int, per_column: int, seed: int) -> list:
    """Sparse integer columns of the given rank: each is a small combination of two of ``rank`` sparse generators."""
    rng = np.random.default_rng(seed)
    generators = []
    for _ in range(rank):
        support = rng.choice(rows, per_column, replace=False)
        generators.append({int(r): int(v) for r, v in zip(support, rng.integers(-4, 5, per_column)) if v})
    result = []
    for _ in range(columns):
        column: dict = {}
        for g in rng.choice(rank, 2, replace=False):
            factor = int(rng.integers(1, 4))
            for r, v in generators[g].items():
                column[r] = column.get(r, 0) + factor * v
        result.append({r: v for r, v in column.items() if v})
    return result


def combine(columns: list, coefficients: dict) -> dict:
    total: dict = {}
    for j, c in coefficients.items():
        for r, v in columns[j].items():
            total[r] = total.get(r, 0) + c * v
    return {r: v for r, v in total.items() if v}


def residual_is_zero(columns: list, solution: dict, target: dict) -> bool:
    total = combine(columns, solution)
    return all(total.get(r, 0) == target.get(r, 0) for r in set(total) | set(target))


def solve_dicts(columns: list, target: dict, rows: int, **options):
    indptr, indices, data, n_rows, rhs, _ = csc_from_dict_columns(columns, target, list(range(rows)))
    return modular_solve(indptr, indices, data, n_rows, rhs, **options)


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("method", ["crt", "dixon"])
def test_random_system_with_rational_solution(seed, method):
    rng = np.random.default_rng(100 + seed)
    rows, ncols = 300, 120
    columns = random_columns(rows, ncols, 60, 12, seed)
    chosen = rng.choice(ncols, 8, replace=False)
    truth = {int(j): Fraction(int(rng.integers(-9, 10)) or 1, int(rng.integers(1, 7))) for j in chosen}
    target = combine(columns, truth)
    scale = lcm(*(v.denominator for v in target.values()))
    target = {r: int(v * scale) for r, v in target.items()}
    result = solve_dicts(columns, target, rows, block=16, method=method)
    assert result.found and result.status == "solution"
    assert residual_is_zero(columns, result.solution, target)
    assert all(isinstance(v, Fraction) and v != 0 for v in result.solution.values())
    assert len(result.solution) <= result.rank
    # Reading every column gives the pivots of the whole matrix, as the anchor does, hence the same solution.
    full = solve_dicts(columns, target, rows, block=16, method=method, stop_early=False)
    anchor = solve_sparse_exact(columns, target)
    assert full.rank == anchor.rank
    assert full.solution == anchor.solution


def test_rank_deficient_system_duplicates_zero_columns():
    base = random_columns(80, 30, 10, 6, 5)
    columns = base + [dict(c) for c in base[:10]] + [{}] + [{r: 2 * v for r, v in base[3].items()}]
    target = combine(columns, {0: 1, 31: Fraction(1, 1), 2: -3})
    target = {r: int(v) for r, v in target.items()}
    result = solve_dicts(columns, target, 80, block=7, stop_early=False)
    anchor = solve_sparse_exact(columns, target)
    assert result.found and result.rank == anchor.rank <= 10
    assert residual_is_zero(columns, result.solution, target)
    assert set(result.pivot_columns) <= set(range(30))  # duplicates, the zero and the doubled column are never pivots


def test_inconsistent_system_reports_no_solution_found():
    columns = random_columns(60, 40, 8, 5, 7)
    used = {r for c in columns for r in c}
    outside = next(r for r in range(60) if r not in used)  # a row no column touches
    target = {outside: 1, next(iter(used)): 2}
    result = solve_dicts(columns, target, 60, block=8)
    assert result.status == "no solution found" and not result.found and result.solution is None
    assert result.columns_read == 40 and len(result.notes) == 2  # both pivot primes tried
    assert not solve_sparse_exact(columns, target).feasible


def test_unlucky_pivot_prime_is_caught_by_the_second_prime():
    # Modulo P0 the second column vanishes, so t = (0, 1) looks out of reach; over Q, lam = (0, 1/P0).
    indptr, indices, data = np.array([0, 1, 2]), np.array([0, 1]), np.array([1, P0])
    result = modular_solve(indptr, indices, data, 2, np.array([0, 1]), primes=[P0, P1] + solve_primes(8)[2:])
    assert result.found and result.solution == {1: Fraction(1, P0)} and result.pivot_prime == P1
    assert "not in the span" in result.notes[0]
    only_p0 = modular_solve(indptr, indices, data, 2, np.array([0, 1]), primes=[P0, P1], pivot_primes=1)
    assert only_p0.status == "no solution found"


@pytest.mark.parametrize("method", ["crt", "dixon"])
def test_unlucky_prime_that_puts_t_in_the_span_is_not_believed(method):
    # Modulo P0 the column (1, P0) is (1, 0) = t, but over Q no multiple of it is t.
    indptr, indices, data = np.array([0, 2]), np.array([0, 1]), np.array([1, P0])
    result = modular_solve(indptr, indices, data, 2, np.array([1, 0]), primes=[P0, P1] + solve_primes(8)[2:],
                           method=method)
    assert result.status == "no solution found"
    assert any("not over Q" in note for note in result.notes)


def test_zero_right_hand_side_and_empty_matrix():
    empty = modular_solve(np.array([0]), np.array([], dtype=np.int64), np.array([], dtype=np.int64), 3,
                          np.zeros(3, dtype=np.int64))
    assert empty.found and empty.solution == {} and empty.rank == 0
    none = modular_solve(np.array([0]), np.array([], dtype=np.int64), np.array([], dtype=np.int64), 2, {1: 5})
    assert none.status == "no solution found"


def test_unsorted_duplicate_entries_are_summed():
    # Column 0 lists row 1 twice (2 + 1) and row 0 after it; column 1 has an explicit zero.
    indptr, indices, data = np.array([0, 3, 5]), np.array([1, 0, 1, 0, 1]), np.array([2, 1, 1, 0, 4])
    result = modular_solve(indptr, indices, data, 2, np.array([1, 7]), stop_early=False)
    # columns (1, 3) and (0, 4): lam = (1, 1)
    assert result.found and result.solution == {0: Fraction(1), 1: Fraction(1)}


def test_float32_basis_small_blocks_and_progress_give_the_same_answer():
    columns = random_columns(200, 90, 40, 10, 11)
    target = {r: int(v) for r, v in combine(columns, {3: 2, 50: -1, 77: 5}).items()}
    messages = []
    reference = solve_dicts(columns, target, 200, stop_early=False)
    other = solve_dicts(columns, target, 200, stop_early=False, block=5, basis_dtype="float32",
                        progress=lambda *args: messages.append(args))
    assert other.solution == reference.solution and other.rank == reference.rank
    assert {m[0] for m in messages} >= {"pivots"} and messages[-1][1] >= 1
    assert other.peak_rss_bytes > 0 and other.basis_bytes > 0 and 0 < other.basis_density <= 1


def test_stderr_progress_prints_stage_rate_and_eta(capsys):
    callback = stderr_progress()
    callback("pivots", 5, 10, "rank 3")
    err = capsys.readouterr().err
    assert err.startswith("[pivots] 5/10") and "ETA" in err and "rank 3" in err


@pytest.mark.parametrize("arguments, error", [
    ((np.array([1, 2]), np.array([0]), np.array([1]), 2, np.array([1, 0])), ShapeError),       # indptr[0] != 0
    ((np.array([0, 2]), np.array([0]), np.array([1]), 2, np.array([1, 0])), ShapeError),       # nnz mismatch
    ((np.array([0, 1]), np.array([5]), np.array([1]), 2, np.array([1, 0])), ShapeError),       # row out of range
    ((np.array([0, 1]), np.array([0]), np.array([1.5]), 2, np.array([1, 0])), UsageError),     # float data
    ((np.array([0, 1]), np.array([0]), np.array([1]), 2, np.array([1, 0, 0])), ShapeError),    # rhs length
    ((np.array([0, 1]), np.array([0]), np.array([1]), 2, np.array([0.5, 0])), UsageError),     # float rhs
])
def test_malformed_input_is_refused(arguments, error):
    with pytest.raises(error):
        modular_solve(*arguments)


def test_bad_options_are_refused():
    args = (np.array([0, 1]), np.array([0]), np.array([1]), 1, np.array([1]))
    for options in ({"block": 0}, {"block": 1000}, {"method": "lu"}, {"basis_dtype": "int8"}, {"primes": [10]},
                    {"primes": [2**31 - 1]}):
        with pytest.raises(UsageError):
            modular_solve(*args, **options)


def _max_system(n: int):
    from lincomb.solvers.max_representation import minimum_pairs, sorted_templates
    from lincomb.solvers.max_sorted_cone import LINEAR, template_column

    columns = [template_column(t, n) for t in sorted_templates(n, minimum_pairs(n))]
    target = {(LINEAR, n - 1): 1}
    return columns, target


def _agree_on_max(n: int):
    columns, target = _max_system(n)
    indptr, indices, data, n_rows, rhs, _ = csc_from_dict_columns(columns, target)
    anchor = solve_sparse_exact(columns, target, want_left_kernel=False)
    full = modular_solve(indptr, indices, data, n_rows, rhs, stop_early=False)
    early = modular_solve(indptr, indices, data, n_rows, rhs)
    assert anchor.feasible and full.found and early.found
    assert full.rank == anchor.rank and full.solution == anchor.solution
    assert early.rank <= full.rank and residual_is_zero(columns, early.solution, target)


@pytest.mark.parametrize("n", [5, 6])
def test_agrees_with_solve_sparse_exact_on_max_n(n):
    _agree_on_max(n)


@pytest.mark.slow
@pytest.mark.parametrize("n", [7, 8])
def test_agrees_with_solve_sparse_exact_on_max_n_large(n):
    _agree_on_max(n)


@pytest.mark.parametrize("slab", [1, 3, 8])
def test_small_slabs_exercise_the_lazy_basis_updates(monkeypatch, slab):
    # Slabs (and the flush of pending vectors) every few pivots instead of 256: many flushes, partial slabs.
    import lincomb.solvers.modular_solve as module

    columns = random_columns(150, 70, 35, 8, 21)
    target = {r: int(v) for r, v in combine(columns, {1: 3, 40: -2, 66: 1}).items()}
    reference = solve_dicts(columns, target, 150, stop_early=False)
    monkeypatch.setattr(module, "_SLAB", slab)
    for dtype in ("float64", "float32"):
        other = solve_dicts(columns, target, 150, stop_early=False, block=6, basis_dtype=dtype)
        assert other.rank == reference.rank == solve_sparse_exact(columns, target).rank
        assert other.solution == reference.solution


@pytest.mark.parametrize("chunk", [1, 2, 3, 1 << 24])
def test_canonical_check_in_chunks(monkeypatch, chunk):
    import lincomb.solvers.modular_solve as module

    monkeypatch.setattr(module, "_ENTRY_CHUNK", chunk)
    indptr = np.array([0, 2, 2, 5, 6])                  # an empty column, starts inside and at chunk borders
    good = np.array([0, 3, 1, 2, 4, 0])
    assert module._sorted_unique_nonzero(indptr, good, np.ones(6, dtype=np.int32))
    assert not module._sorted_unique_nonzero(indptr, np.array([0, 3, 1, 2, 2, 0]), np.ones(6))   # repeated row
    assert not module._sorted_unique_nonzero(indptr, np.array([0, 3, 2, 1, 4, 0]), np.ones(6))   # unsorted
    assert not module._sorted_unique_nonzero(indptr, good, np.array([1, 1, 1, 0, 1, 1]))          # explicit zero
    # columns e0 + e3, 0, 2 e1 + e2 + e4, 5 e0 (int32 arrays): t = (1, 2, 1, 1, 1) = column 0 + column 2 only.
    result = modular_solve(indptr, good.astype(np.int32), np.array([1, 1, 2, 1, 1, 5], dtype=np.int32), 5,
                           np.array([1, 2, 1, 1, 1]), stop_early=False)
    assert result.found and result.solution == {0: Fraction(1), 2: Fraction(1)}


@pytest.mark.parametrize("method", ["crt", "dixon"])
def test_every_progress_stage_ends_with_done_equal_total(method):
    columns = random_columns(120, 60, 30, 8, 3)
    target = {r: int(v) for r, v in combine(columns, {2: 1, 30: 2}).items()}
    messages = []
    result = solve_dicts(columns, target, 120, block=8, method=method, progress=lambda *a: messages.append(a))
    assert result.found
    last = {}
    for stage, done, total, _ in messages:
        assert 0 <= done <= total
        last[stage] = (done, total)
    assert set(last) == {"pivots", "lift" if method == "dixon" else "solve"}
    assert all(done == total for done, total in last.values())
