"""Shallow representations of max(x1..xn) by exact linear algebra (the ansatz of Ruess et al.).

Search for rational ``lam`` with

    max(x_1, ..., x_n) = sum_t lam_t F_{A_t, B_t}(x),    F_{A,B}(x) = sum over all n! permutations s of Phi_{A,B}(s x),

where ``Phi_{A,B}(x) = max{sum_{(i,j) in A} max(x_i, x_j), sum_{(i,j) in B} max(x_i, x_j)}`` and ``A``, ``B`` are
multisets of ``k`` pairs. Every ``Phi`` is a 2-hidden-layer ReLU network, so a solution shows that max_n needs
at most two hidden layers (Ruess, Averkov, Brunck, Grillo, Hertrich, Loho, Stade, Stargalla, Sun, Winter,
"Shallower ReLU network representations via exact linear algebra", arXiv 2607.21651).

The pipeline: :func:`~lincomb.solvers.max_templates.enumerate_templates` (classes up to swapping and relabelling)
-> :func:`~lincomb.solvers.max_sorted_cone.template_column` (exact linear part and hinge coefficients of each
``F`` on the sorted cone, with reduced directions) -> :func:`~lincomb.solvers.exact_sparse_solve.solve_sparse_exact`
(hinges cancel, linear part ``= e_n``). The answer is either a sparse exact solution or a rational vector in the
left kernel proving that no combination of these templates works.

This is the search side; ``lincomb.proofs_check.checkers.max_representation`` re-checks solutions independently.

Examples
--------
>>> result = max_representation(5)
>>> result.feasible, result.k, len(result.terms) > 0
(True, 2, True)
>>> max_representation(5, 1).feasible                     # k below floor((n-1)/2) = 2
False
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from fractions import Fraction

from lincomb.errors import UsageError

from .exact_sparse_solve import solve_sparse_exact
from .max_sorted_cone import LINEAR, template_column
from .max_templates import Template, enumerate_templates, sample_templates, template_orbit_size

__all__ = ["MaxRepresentation", "max_representation", "minimum_pairs", "published_n6_terms"]


def minimum_pairs(n: int) -> int:
    """The lower bound ``floor((n - 1) / 2)`` on k (at least 1), the default k of :func:`max_representation`.

    Examples
    --------
    >>> [minimum_pairs(n) for n in range(2, 11)]
    [1, 1, 1, 2, 2, 3, 3, 4, 4]
    """
    return max(1, (n - 1) // 2)


@dataclass
class MaxRepresentation:
    """The result of :func:`max_representation`.

    Attributes
    ----------
    n, k : int
        Inputs and pairs per side.
    feasible : bool
        Whether ``max_n`` is a combination of the templates.
    terms : list of (Fraction, Template)
        The solution (sparse), when feasible.
    left_kernel : dict or None
        When infeasible: ``{("lin", p): y_p, direction: y_d}`` with ``sum y . column = 0`` for every template and
        ``y_("lin", n-1) = 1`` (the proof that ``x_n`` is not reached).
    templates, rows, nonzeros, rank : int
        Size of the system: template columns, rows (hinge directions + n linear rows), nonzeros, rank.
    directions : int
        Reduced hinge directions (rows minus linear rows).
    seconds : dict
        ``{"templates", "columns", "solve"}`` wall times.
    loops : bool
        Whether loops ``(i, i)`` were allowed.
    sample : int or None
        None when every template class was used; else the number of classes drawn at random
        (:func:`~lincomb.solvers.max_templates.sample_templates`), with ``seed``.  A sampled search that
        finds nothing proves nothing: ``left_kernel`` then only shows that *these* templates do not work.
    seed : int
        Seed of the sample.

    Examples
    --------
    >>> r = max_representation(3)
    >>> r.feasible, [str(t) for _, t in r.terms], r.widths()
    (True, ['[{12}|{33}]'], (9, 5))
    """

    n: int
    k: int
    feasible: bool
    terms: list
    left_kernel: dict | None
    templates: int
    rows: int
    nonzeros: int
    rank: int
    seconds: dict = field(default_factory=dict)
    loops: bool = True
    sample: int | None = None
    seed: int = 0

    @property
    def directions(self) -> int:
        """The number of reduced hinge directions (rows of the system that are not linear rows).

        Examples
        --------
        >>> max_representation(4).directions, max_representation(6).directions
        (0, 35)
        """
        return self.rows - self.n

    def terms_json(self) -> list:
        """The terms in the certificate layout: ``{"coefficient": "p/q", "pair": [A, B]}``, 1-based pairs.

        Examples
        --------
        >>> max_representation(3).terms_json()
        [{'coefficient': '1/6', 'pair': [[[1, 2]], [[3, 3]]]}]
        """
        from lincomb.theory.rationals import rational_str

        return [{"coefficient": rational_str(c), "pair": t.one_based()} for c, t in self.terms]

    def network(self):
        """The explicit 2-hidden-layer ReLU network of the solution (see ``theory.max_representation_network``).

        Examples
        --------
        >>> max_representation(3).network().hidden_layers
        2
        """
        from lincomb.theory.max_representation_network import max_representation_network

        if not self.feasible:
            raise UsageError(f"no representation for n = {self.n}, k = {self.k}: nothing to turn into a network")
        return max_representation_network(self.n, [(c, t.a, t.b) for c, t in self.terms])

    def widths(self) -> tuple:
        """The hidden-layer widths of :meth:`network`.

        Examples
        --------
        >>> max_representation(4).widths()
        (12, 5)
        """
        return self.network().widths


def sorted_templates(n: int, k: int, *, loops: bool = True, sample: int | None = None, seed: int = 0) -> list:
    """The templates of the search in search order (small orbits first); the index is the template id.

    Pivots are taken left to right, so templates with small orbits (few second-layer neurons) come first.
    With ``sample``, that many classes drawn by :func:`~lincomb.solvers.max_templates.sample_templates`
    instead of all of them.

    Examples
    --------
    >>> [str(t) for t in sorted_templates(3, 1)]
    ['[{11}|{11}]', '[{12}|{12}]', '[{12}|{33}]', '[{22}|{11}]', '[{23}|{12}]', '[{12}|{22}]']
    """
    if sample is None:
        templates = enumerate_templates(n, k, loops=loops)
    else:
        templates = sample_templates(n, k, sample, seed=seed, loops=loops)
    templates.sort(key=lambda t: (template_orbit_size(t, n), t))
    return templates


def _local_columns(templates: list, n: int, say) -> list:
    columns = []
    for number, template in enumerate(templates):
        columns.append(template_column(template, n))
        if (number + 1) % 1000 == 0:
            say(f"columns: {number + 1} of {len(templates)}")
    return columns


def max_representation(
    n: int, k: int | None = None, *, loops: bool = True, progress=None, column_builder=None,
    sample: int | None = None, seed: int = 0,
) -> MaxRepresentation:
    """Find ``lam`` with ``max(x1..xn) = sum lam_t F_{A_t,B_t}`` exactly, or prove that none exists.

    Parameters
    ----------
    n : int
        The number of inputs, at least 2.
    k : int, optional
        Pairs per side; default :func:`minimum_pairs` ``(n)``.
    loops : bool
        Allow loops ``(i, i)`` in the templates (default True).
    progress : callable, optional
        Receives progress strings: templates enumerated, system size, rank.
    column_builder : callable, optional
        ``column_builder(templates, n, say) -> columns``, the sparse columns of the templates in order; the
        expensive step, which :func:`lincomb.solvers.max_representation_dask.max_representation_dask` hands
        to a Dask cluster. Default: computed here, one template after the other.
    sample : int, optional
        Use only this many template classes, drawn at random with ``seed`` (for n = 9, 10, where enumerating
        every class is out of reach on a laptop).  A representation found this way is as good as any (its
        certificate is checked the same way); finding none proves nothing about the full template set.
    seed : int
        Seed of the sample.

    Returns
    -------
    MaxRepresentation

    Examples
    --------
    >>> r = max_representation(6, 2)
    >>> r.feasible, r.templates, r.rows
    (True, 144, 41)
    >>> max_representation(1)
    Traceback (most recent call last):
    ...
    lincomb.errors.UsageError: max_representation: n must be an integer >= 2 (the number of inputs), got 1
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 2:
        raise UsageError(f"max_representation: n must be an integer >= 2 (the number of inputs), got {n!r}")
    if k is None:
        k = minimum_pairs(n)
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise UsageError(f"max_representation: k must be an integer >= 1 (pairs per side), got {k!r}")

    def say(message: str) -> None:
        if progress is not None:
            progress(message)

    seconds = {}
    start = time.perf_counter()
    templates = sorted_templates(n, k, loops=loops, sample=sample, seed=seed)
    seconds["templates"] = time.perf_counter() - start
    how = "enumerated" if sample is None else f"sampled (seed {seed})"
    say(f"n = {n}, k = {k}: {len(templates)} templates {how} ({seconds['templates']:.1f} s)")

    start = time.perf_counter()
    columns = (column_builder or _local_columns)(templates, n, say)
    seconds["columns"] = time.perf_counter() - start
    linear_rows = [(LINEAR, p) for p in range(n)]
    row_keys = set(linear_rows)
    for column in columns:
        row_keys.update(column)
    nonzeros = sum(len(column) for column in columns)
    say(
        f"system: {len(row_keys) - n} hinge directions + {n} linear rows, {len(columns)} columns, "
        f"{nonzeros} nonzeros ({seconds['columns']:.1f} s)"
    )

    start = time.perf_counter()
    target = {(LINEAR, n - 1): 1}
    # A sampled search that fails proves nothing, so the (costly) left kernel is not computed for it.
    solved = solve_sparse_exact(columns, target, progress=say, want_left_kernel=sample is None)
    seconds["solve"] = time.perf_counter() - start
    say(f"rank {solved.rank}; {'feasible' if solved.feasible else 'infeasible'} ({seconds['solve']:.1f} s)")
    terms = []
    if solved.feasible:
        terms = [(coefficient, templates[j]) for j, coefficient in sorted(solved.solution.items())]
    return MaxRepresentation(
        n=n,
        k=k,
        feasible=solved.feasible,
        terms=terms,
        left_kernel=solved.left_kernel,
        templates=len(templates),
        rows=len(row_keys),
        nonzeros=nonzeros,
        rank=solved.rank,
        seconds=seconds,
        loops=loops,
        sample=sample,
        seed=seed,
    )


def published_n6_terms() -> list:
    """The published n = 6 certificate (k = 2) of Ruess et al., as ``(coefficient, Template)`` pairs.

    ``max(x1..x6) = (1/720) F[{12,12}|{34,34}] + (1/360) F[{12,13}|{14,56}] - (1/1440) F[{12,13}|{45,46}]
    - (1/360) F[{12,34}|{13,56}]``.

    Examples
    --------
    >>> [str(t) for _, t in published_n6_terms()][:2]
    ['[{12,12}|{34,34}]', '[{12,13}|{14,56}]']
    """
    layout = [
        ("1/720", [[[1, 2], [1, 2]], [[3, 4], [3, 4]]]),
        ("1/360", [[[1, 2], [1, 3]], [[1, 4], [5, 6]]]),
        ("-1/1440", [[[1, 2], [1, 3]], [[4, 5], [4, 6]]]),
        ("-1/360", [[[1, 2], [3, 4]], [[1, 3], [5, 6]]]),
    ]
    return [(Fraction(c), Template.from_one_based(pair)) for c, pair in layout]

