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

import math
import os
import time
from dataclasses import dataclass, field
from fractions import Fraction

from lincomb.errors import UsageError

from .exact_sparse_solve import solve_sparse_exact
from .max_sorted_cone import LINEAR, template_column
from .max_templates import Template, enumerate_templates, sample_templates, template_orbit_size

__all__ = [
    "MaxRepresentation",
    "SearchEstimate",
    "estimate_search",
    "machine_memory_bytes",
    "max_representation",
    "max_representation_arrays",
    "minimum_pairs",
    "published_n6_terms",
]


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
    shape: str = "multigraph"
    max_vertices: int | None = None
    solver: str = "flint"
    peak_bytes: int = 0
    #: The process's peak resident bytes at the end of each stage (a running maximum: the stage where it jumps is
    #: the one that needed the memory); filled by :func:`max_representation_arrays`.
    peak_bytes_by_stage: dict = field(default_factory=dict)

    @property
    def restricted(self) -> bool:
        """Whether the search used only part of the templates (a sample or a subclass): failing then proves nothing.

        Examples
        --------
        >>> max_representation(4).restricted
        False
        """
        return self.sample is not None or self.shape != "multigraph" or self.max_vertices is not None

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


#: Nonzeros per template column measured with this pipeline, (n, k) -> mean (benchmarks/results/max_representation.json
#: and max_representation_attempts.json: n = 9, 10 from sampled runs).
_MEASURED_NONZEROS_PER_COLUMN = {(5, 2): 7, (6, 2): 13, (7, 3): 84, (8, 3): 202, (9, 4): 2100, (10, 4): 5900}
#: Rows (hinge directions + n) of the complete systems where known: lincomb's runs for n <= 8, the sizes Wang & Basu
#: report for n = 9, 10 and Ruess et al. for n = 11 (relu_depth.md, "Frontier numbers").
_KNOWN_ROWS = {(5, 2): 20, (6, 2): 41, (7, 3): 637, (8, 3): 1436, (9, 4): 51_984, (10, 4): 112_837, (11, 5): 657_822}
#: Peak resident bytes per stored nonzero (n = 8: 393 MB for 953,628 nonzeros; n = 9 sampled: 8.2 GB for ~25e6).
_BYTES_PER_NONZERO = 400
#: Column time per nonzero, seconds (n = 8: 48 s for 953,628 nonzeros, under load).
_SECONDS_PER_NONZERO = 5e-5


@dataclass(frozen=True)
class SearchEstimate:
    """The size of a max-representation search, estimated before it starts (:func:`estimate_search`).

    Attributes
    ----------
    n, k : int
    classes_lower_bound : int
        Burnside's bound ``sum_m E(m) / (2 m!)`` on the template classes (``E(m)``: labelled pairs of
        k-multisets of pairs using exactly m vertices; the group ``S_m x swap`` has ``2 m!`` elements).
    columns : int
        The columns of the search: the sample size, or about 1.5 times the bound (the ratio measured for n = 5..11:
        1.42 to 1.72).
    nonzeros_per_column : int
        Measured mean for the (n, k) of lincomb's runs, else extrapolated (``basis`` says which).
    rows : int or None
        Known system rows (hinge directions + n) for the complete search, else None.
    memory_bytes, column_seconds : float
        Estimated peak memory of the columns (400 bytes per nonzero) and time to compute them (50 us per nonzero);
        the elimination adds fill that this does not count.
    basis : str
        ``"measured"`` or ``"extrapolated"`` (the nonzeros per column), with ``", sampled"`` for a sampled search.

    Examples
    --------
    >>> e = estimate_search(8)
    >>> e.classes_lower_bound, e.columns, e.nonzeros_per_column, e.rows, e.basis
    (3098, 4647, 202, 1436, 'measured')
    """

    n: int
    k: int
    classes_lower_bound: int
    columns: int
    nonzeros_per_column: int
    rows: int | None
    memory_bytes: float
    column_seconds: float
    basis: str

    def summary(self) -> str:
        """One line: columns, rows, nonzeros, memory, time.

        Examples
        --------
        >>> print(estimate_search(9, sample=3000).summary())
        n = 9, k = 4: 3,000 columns (sampled), ~2,100 nonzeros per column (measured, sampled), rows unknown; ~2.52 GB, ~5.25 min of column time
        """
        rows = "rows unknown" if self.rows is None else f"{self.rows:,} rows"
        if self.basis.endswith("sampled"):
            columns = f"{self.columns:,} columns (sampled)"
        else:
            columns = f"~{_count(self.columns)} columns (1.5 x the bound {_count(self.classes_lower_bound)})"
        return (f"n = {self.n}, k = {self.k}: {columns}, ~{_count(self.nonzeros_per_column)} nonzeros per column "
                f"({self.basis}), {rows}; ~{_bytes(self.memory_bytes)}, ~{_duration(self.column_seconds)} of column time")


def _count(value: int) -> str:
    if value >= 10**300:
        return "more than 1e300"
    return f"{value:,}" if value < 10**12 else f"{float(value):.2e}"


def _bytes(value: float) -> str:
    if not value < 1e21:
        return f"{value:.2e} bytes" if value < 1e300 else "more than 1e300 bytes"
    for unit, size in (("EB", 1e18), ("PB", 1e15), ("TB", 1e12), ("GB", 1e9), ("MB", 1e6)):
        if value >= size:
            return f"{value / size:.3g} {unit}"
    return f"{value / 1e3:.3g} kB"


def _duration(seconds: float) -> str:
    if not seconds < 3.156e16:
        return f"{seconds / 3.156e7:.2e} years" if seconds < 1e300 else "more than 1e292 years"
    for unit, size in (("years", 3.156e7), ("days", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds / size:.3g} {unit}"
    return f"{seconds:.2g} s"


def _classes_lower_bound(n: int, k: int, loops: bool) -> int:
    def labelled(vertices: int) -> int:
        pairs = vertices * (vertices + 1) // 2 if loops else vertices * (vertices - 1) // 2
        return math.comb(pairs + k - 1, k) ** 2 if pairs else 0

    # Truncating the sum at 40 used vertices keeps it a lower bound (every term is >= 0) and the time well under a
    # second; any search that large is out of reach anyway.
    top = min(n, 4 * k, 40)
    return _burnside_bound({j: labelled(j) for j in range(1, top + 1)})


def _burnside_bound(within: dict) -> int:
    """``ceil(sum_m E(m) / (2 m!))`` where ``E(m)`` counts labelled templates using exactly the m vertices.

    ``within[j]``: labelled templates on j given vertices, not all used (missing keys count 0); E(m) follows by
    inclusion-exclusion over the vertices left out, and ``2 m!`` is the order of ``S_m x swap``.
    """
    total = Fraction(0)
    for m in within:
        exactly = sum((-1) ** (m - j) * math.comb(m, j) * within.get(j, 0) for j in range(m + 1))
        total += Fraction(exactly, 2 * math.factorial(m))
    return math.ceil(total)


def _nonzeros_per_column(n: int, k: int) -> tuple:
    if (n, k) in _MEASURED_NONZEROS_PER_COLUMN:
        return _MEASURED_NONZEROS_PER_COLUMN[n, k], "measured"
    # Fit of the measured means: at n = 2k + 1 they are 7, 84, 2100 for k = 2, 3, 4 (log-quadratic in k), and for
    # larger n they grow like C(n, 2k)^0.6 (the position sets of a template's 2k endpoints, with collisions).
    logarithm = 1.95 + 2.48 * (k - 2) + 0.37 * (k - 2) * (k - 3)
    logarithm += 0.6 * (math.log(max(1, math.comb(n, 2 * k))) - math.log(2 * k + 1))
    return max(n, round(math.exp(min(logarithm, 200.0)))), "extrapolated"


def _labelled_forests(top: int, edges: int, window: int) -> dict:
    """Labelled forests with ``edges`` edges on j vertices, for ``edges < j <= min(top, edges + window)``.

    A forest on j vertices with c = j - edges trees: the tree holding vertex 1 has s vertices (C(j-1, s-1) choices,
    s^(s-2) trees by Cayley), the rest is a forest with c - 1 trees; only c <= window is needed.
    """
    last = min(top, edges + window)
    count = {(0, 0): 1}
    for j in range(1, last + 1):
        for c in range(1, min(j, window) + 1):
            count[j, c] = sum(math.comb(j - 1, size - 1) * (size ** (size - 2) if size >= 2 else 1)
                              * count.get((j - size, c - 1), 0) for size in range(1, j - c + 2))
    return {j: count.get((j, j - edges), 0) for j in range(edges + 1, last + 1)}


def _subclass_lower_bound(n: int, k: int, shape: str, max_vertices: int | None, loops: bool) -> int:
    """Burnside's bound on the classes of a subclass: labelled templates on exactly m vertices / (2 m!), summed.

    side-forests: A and B each a k-edge forest; forest and simple: A + B one 2k-edge forest, split into A and B
    (every such template is simple, so it is a lower bound for ``simple`` too); multigraph: every template. Only
    the 12 smallest vertex counts a forest allows are summed (enough for a refusal, and fast at any n).
    """
    top = min(n, 4 * k, max_vertices or n)
    if shape == "multigraph":
        return _classes_lower_bound(min(n, top), k, loops)
    if shape == "side-forests":
        within = {j: count ** 2 for j, count in _labelled_forests(top, k, 12).items()}
    else:
        within = {j: count * math.comb(2 * k, k) for j, count in _labelled_forests(top, 2 * k, 12).items()}
    return _burnside_bound(within)


#: Nonzeros per column on the side-forest subclass (benchmarks/results/max_representation_frontier.json); other
#: (n, k) and subclasses use 0.47 times the complete class's value (the ratio measured at n = 9, 10).
_SIDE_FOREST_NONZEROS_PER_COLUMN = {(7, 3): 49, (8, 3): 133, (9, 4): 975, (10, 4): 2778}
#: The array pipeline's peak bytes per nonzero (n = 10: 1.89 GB for 28.2e6; n = 11 on 7 indices: 7.2 GB for 106e6)
#: and its seconds per nonzero over all stages (n = 10: 1,089 s, under load).
_ARRAY_BYTES_PER_NONZERO = 68
_ARRAY_SECONDS_PER_NONZERO = 4e-5


def estimate_search(n: int, k: int | None = None, *, loops: bool = True, sample: int | None = None,
                    shape: str | None = None, max_vertices: int | None = None) -> SearchEstimate:
    """Estimate the size of :func:`max_representation` ``(n, k)`` without enumerating anything (well under a second).

    With ``shape`` (and ``max_vertices``), the estimate is for :func:`max_representation_arrays` on that template
    subclass: a lower bound on its classes, and the array pipeline's measured memory and time per nonzero.

    Examples
    --------
    >>> estimate_search(100).columns > 10 ** 100
    True
    >>> estimate_search(9).memory_bytes > 1e11            # the complete n = 9 search: far beyond a laptop
    True
    >>> e = estimate_search(10, shape="side-forests")     # 10,159 classes in fact
    >>> e.classes_lower_bound <= 10_159, 1e9 < e.memory_bytes < 4e9       # measured: 1.89 GB
    (True, True)
    >>> estimate_search(100, shape="side-forests").memory_bytes > 1e15
    True
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 2:
        raise UsageError(f"estimate_search: n must be an integer >= 2, got {n!r}")
    if k is None:
        k = minimum_pairs(n)
    if shape is not None:
        bound = _subclass_lower_bound(n, k, shape, max_vertices, loops)
        columns = (3 * bound + 1) // 2
        per_column, basis = _nonzeros_per_column(n, k)
        if shape == "side-forests" and (n, k) in _SIDE_FOREST_NONZEROS_PER_COLUMN and max_vertices is None:
            per_column, basis = _SIDE_FOREST_NONZEROS_PER_COLUMN[n, k], "measured"
        else:
            per_column, basis = max(n, round(0.47 * per_column)), basis + ", scaled to the subclass"
        nonzeros = float(min(columns, 10**250)) * per_column
        return SearchEstimate(n, k, bound, columns, per_column, None, nonzeros * _ARRAY_BYTES_PER_NONZERO,
                              nonzeros * _ARRAY_SECONDS_PER_NONZERO, basis + f", subclass {shape}")
    bound = _classes_lower_bound(n, k, loops)
    columns = sample if sample is not None else (3 * bound + 1) // 2
    per_column, basis = _nonzeros_per_column(n, k)
    rows = _KNOWN_ROWS.get((n, k)) if sample is None and loops else None
    nonzeros = float(min(columns, 10**250)) * per_column  # capped: beyond any machine either way
    if sample is not None:
        basis += ", sampled"
    return SearchEstimate(n, k, bound, columns, per_column, rows, nonzeros * _BYTES_PER_NONZERO,
                          nonzeros * _SECONDS_PER_NONZERO, basis)


def machine_memory_bytes() -> int:
    """Physical memory of this machine (``MemTotal`` of /proc/meminfo, else ``sysconf``); 0 when unknown.

    Examples
    --------
    >>> machine_memory_bytes() >= 0
    True
    """
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return 0


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


def _checked_n_k(n, k, who: str) -> int:
    """Validate a search's ``n`` and ``k`` (UsageError naming ``who``); returns ``k``, defaulted to the lower bound."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 2:
        raise UsageError(f"{who}: n must be an integer >= 2 (the number of inputs), got {n!r}")
    if k is None:
        k = minimum_pairs(n)
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise UsageError(f"{who}: k must be an integer >= 1 (pairs per side), got {k!r}")
    return k


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
    k = _checked_n_k(n, k, "max_representation")

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


class SearchLimit(UsageError):
    """A search of :func:`max_representation_arrays` ran past ``time_limit`` or ``memory_limit``; nothing was found.

    Examples
    --------
    >>> isinstance(SearchLimit("out of time"), UsageError)
    True
    """


def _peak_rss_bytes() -> int:
    import resource
    import sys

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak) if sys.platform == "darwin" else int(peak) * 1024


def _current_rss_bytes() -> int:
    try:
        with open("/proc/self/statm", encoding="ascii") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return _peak_rss_bytes()


def _exactly_checked_terms(system, solution: dict, templates: list, n: int, who: str) -> list:
    """``(coefficient, template)`` of a modular solution, after checking ``M lam = e_n`` over Q on the CSC arrays.

    Python integers and Fractions only: the solver checked it too, and the stdlib checker recomputes every column
    from the templates when the certificate is verified; this is the search side's own last word.
    """
    total_column: dict = {}
    for j, coefficient in solution.items():
        start, stop = int(system.indptr[j]), int(system.indptr[j + 1])
        for row, value in zip(system.indices[start:stop].tolist(), system.data[start:stop].tolist()):
            total_column[row] = total_column.get(row, 0) + coefficient * value
    if {row: value for row, value in total_column.items() if value} != {n - 1: 1}:
        from lincomb.errors import CheckFailed

        raise CheckFailed(f"{who}: the modular solution does not satisfy the system exactly; nothing is returned")
    return [(coefficient, templates[j]) for j, coefficient in sorted(solution.items())]


def max_representation_arrays(
    n: int, k: int | None = None, *, shape: str = "side-forests", max_vertices: int | None = None,
    loops: bool = True, templates: list | None = None, progress=None, time_limit: float | None = None,
    memory_limit: float | None = None, block: int = 256,
) -> MaxRepresentation:
    """The frontier pipeline: template subclass -> vectorised CSC columns -> sparse modular solve -> exact answer.

    Stages (each reported to ``progress(stage, done, total, info)``, e.g.
    :class:`~lincomb.solvers.max_columns.StageProgress`): ``templates``
    (:func:`~lincomb.solvers.max_templates.enumerate_templates` with ``shape`` / ``max_vertices``, sorted small
    orbits first), ``columns`` (:func:`~lincomb.solvers.max_columns.template_column_arrays`), ``assemble`` (one
    interned row table, CSC arrays), then the stages of
    :func:`lincomb.solvers.modular_solve.modular_solve` (pivots modulo a prime < 2^22, CRT, rational
    reconstruction, exact residual check over Q on every row). The residual is checked exactly once more here
    (Fractions on the CSC arrays) before anything is returned.

    A restricted search (``shape`` other than ``"multigraph"``, or ``max_vertices``) that finds a solution is a
    complete proof (certify it with :func:`lincomb.proofs_check.max_two_hidden.representation_certificate`);
    one that finds none proves nothing: ``feasible`` is False, ``left_kernel`` None, and no infeasibility
    certificate may be written.

    Parameters
    ----------
    n, k : int
        Inputs and pairs per side (default :func:`minimum_pairs`).
    shape, max_vertices, loops
        The template subclass (:func:`~lincomb.solvers.max_templates.enumerate_templates`).
    templates : list of Template, optional
        Use these templates (in this order) instead of enumerating.
    progress : callable, optional
        ``progress(stage, done, total, info)``.
    time_limit : float, optional
        Seconds; checked between columns and between solver blocks; raises :class:`SearchLimit`.
    memory_limit : float, optional
        Bytes of resident memory; checked like ``time_limit``; raises :class:`SearchLimit`.
    block : int
        Columns per block of the modular pivot search.

    Returns
    -------
    MaxRepresentation
        With ``solver == "modular"``, ``rank`` the rank modulo the pivot prime of the columns read, and
        ``seconds`` per stage.

    Examples
    --------
    >>> r = max_representation_arrays(6, 2)
    >>> r.feasible, r.shape, r.templates, r.rows
    (True, 'side-forests', 25, 21)
    >>> max_representation_arrays(6, 2, shape="forest").feasible     # proves nothing: a subclass
    False
    """
    import numpy as np

    from .max_columns import assemble_csc, template_column_arrays

    k = _checked_n_k(n, k, "max_representation_arrays")
    started = time.perf_counter()

    def say(stage, done, total, info=""):
        if progress is not None:
            progress(stage, done, total, info)

    def check_limits(where: str) -> None:
        elapsed = time.perf_counter() - started
        if time_limit is not None and elapsed > time_limit:
            raise SearchLimit(f"max_representation_arrays: out of time after {elapsed:.0f} s (limit {time_limit:g} s) "
                              f"during {where}; nothing was found")
        if memory_limit is not None:
            resident = _current_rss_bytes()
            if resident > memory_limit:
                raise SearchLimit(f"max_representation_arrays: resident memory {resident / 1e9:.2f} GB is over the "
                                  f"limit {memory_limit / 1e9:.2f} GB during {where}; nothing was found")

    seconds, peaks = {}, {}
    start = time.perf_counter()
    if templates is None:
        def enumeration_progress(message):
            # "A-class i/N: T templates so far"
            head, _, rest = message.partition(": ")
            done, _, total = head.replace("A-class ", "").partition("/")
            say("templates (A-classes)", int(done), int(total), rest)
            check_limits("the template enumeration")

        templates = enumerate_templates(n, k, loops=loops, shape=shape, max_vertices=max_vertices,
                                        progress=enumeration_progress)
        templates.sort(key=lambda t: (template_orbit_size(t, n), t))
    seconds["templates"] = time.perf_counter() - start
    peaks["templates"] = _peak_rss_bytes()

    start = time.perf_counter()
    columns = []
    total, stored = len(templates), 0
    for number, template in enumerate(templates):
        column = template_column_arrays(template, n)
        columns.append(column)
        stored += len(column[1]) + int(np.count_nonzero(column[0]))
        if number % 64 == 63 or number + 1 == total:
            say("columns", number + 1, total, f"{stored:,} nonzeros")
            check_limits("the columns")
    seconds["columns"] = time.perf_counter() - start
    peaks["columns"] = _peak_rss_bytes()

    start = time.perf_counter()
    say("assemble", 0, 1)
    system = assemble_csc(columns, n)
    del columns
    say("assemble", 1, 1, f"{system.n_rows} rows, {system.columns} columns, {system.nnz} nonzeros")
    seconds["assemble"] = time.perf_counter() - start
    peaks["assemble"] = _peak_rss_bytes()
    check_limits("the assembly")

    start = time.perf_counter()
    from .modular_solve import modular_solve

    def solver_progress(stage, done, total, info=""):
        say(f"solve: {stage}", done, total, info)
        check_limits(f"the solve ({stage})")

    solved = modular_solve(system.indptr, system.indices, system.data, system.n_rows, system.rhs(),
                           block=block, progress=solver_progress)
    seconds["solve"] = time.perf_counter() - start
    peaks["solve"] = _peak_rss_bytes()
    terms = []
    if solved.found:
        start = time.perf_counter()
        terms = _exactly_checked_terms(system, solved.solution, templates, n, "max_representation_arrays")
        seconds["check"] = time.perf_counter() - start
        peaks["check"] = _peak_rss_bytes()
    return MaxRepresentation(
        n=n, k=k, feasible=solved.found, terms=terms, left_kernel=None, templates=len(templates),
        rows=system.n_rows, nonzeros=system.nnz, rank=solved.rank, seconds=seconds, loops=loops, sample=None,
        shape=shape, max_vertices=max_vertices, solver="modular", peak_bytes=_peak_rss_bytes(), peak_bytes_by_stage=peaks,
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

