"""The max_n representation search with its expensive steps -- enumeration and template columns -- on a Dask cluster.

Two pipelines. :func:`max_representation_arrays_dask` is the frontier (array) pipeline of
:func:`lincomb.solvers.max_representation.max_representation_arrays` with the template enumeration split by A-class
and the vectorised columns (:func:`~lincomb.solvers.max_columns.template_column_arrays`) computed per block of
templates, both as keyed tasks (:func:`lincomb.solvers.keyed_tasks.map_keyed`); the CSC assembly and the sparse
modular solve (:func:`lincomb.solvers.modular_solve.modular_solve`) run on the client. :func:`max_representation_dask`
is the older dict pipeline (columns only).

:func:`lincomb.solvers.max_representation.max_representation` spends most of its time computing, for every
template, the exact column of ``F_{A,B}`` on the sorted cone (:func:`~lincomb.solvers.max_sorted_cone.template_column`).
Columns are independent of each other, so here they are computed as Dask tasks, one per block of consecutive
templates, keyed by the template ids (positions in the sorted template list). The blocks come back in template
order, so the system, and hence the exact solution and the certificate, do not depend on the number of workers
or on which worker finished first. Enumeration (which deduplicates classes) and the exact solve stay on the
client, where they run as in the local search.

Examples
--------
>>> from lincomb.solvers.max_representation import max_representation_arrays
>>> r = max_representation_arrays_dask(6, 2, block_size=4, enumeration_tasks=3)     # no client: here, same answer
>>> r.terms == max_representation_arrays(6, 2).terms
True
>>> result = max_representation_dask(5)                     # no client: the same pipeline, here
>>> local = max_representation(5)
>>> result.terms == local.terms, result.rank == local.rank
(True, True)
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass, field
from typing import Any

from lincomb.errors import UsageError

from .max_representation import MaxRepresentation, max_representation, sorted_templates
from .max_sorted_cone import template_column

__all__ = [
    "sorted_templates",
    "template_block_keys",
    "compute_template_block",
    "template_columns",
    "max_representation_dask",
    "a_side_classes",
    "enumerate_a_block",
    "enumerate_templates_dask",
    "column_array_block",
    "template_column_arrays_dask",
    "max_representation_arrays_dask",
    "DaskRunStats",
]

#: Blocks per worker: several, so that a slow block (templates on many vertices) does not leave others idle.
BLOCKS_PER_WORKER = 8


def template_block_keys(templates: list, n: int, block_size: int) -> list:
    """``(key, start, stop)`` for the blocks of consecutive template ids: ``max-columns-n<n>-<digest>-<start>-<stop>``.

    The digest is of ``n`` and the templates themselves, so a key names one exact piece of work.

    Examples
    --------
    >>> keys = template_block_keys(sorted_templates(3, 1), 3, 4)
    >>> [(start, stop) for _, start, stop in keys]
    [(0, 4), (4, 6)]
    >>> keys[0][0].startswith("max-columns-n3-")
    True
    """
    if isinstance(block_size, bool) or not isinstance(block_size, int) or block_size < 1:
        raise UsageError(f"template_block_keys: block_size must be an integer >= 1, got {block_size!r}")
    digest = hashlib.sha256(repr((n, [tuple(t) for t in templates])).encode()).hexdigest()[:12]
    return [
        (f"max-columns-n{n}-{digest}-{start}-{min(start + block_size, len(templates))}",
         start, min(start + block_size, len(templates)))
        for start in range(0, len(templates), block_size)
    ]


def compute_template_block(block: tuple) -> list:
    """The columns of one block ``(n, templates)``, in order (the task a worker runs).

    Examples
    --------
    >>> templates = sorted_templates(3, 1)[:2]
    >>> compute_template_block((3, templates)) == [template_column(t, 3) for t in templates]
    True
    """
    n, templates = block
    return [template_column(template, n) for template in templates]


def _worker_count(client: Any) -> int:
    return max(1, len(client.scheduler_info().get("workers", {})))


def template_columns(templates: list, n: int, client: Any = None, *, block_size: int | None = None) -> list:
    """``[template_column(t, n) for t in templates]``, as Dask tasks keyed by template ids when a client is given.

    Parameters
    ----------
    templates : list of Template
    n : int
    client : distributed.Client, optional
        Without it the columns are computed here.
    block_size : int, optional
        Templates per task; default: about ``BLOCKS_PER_WORKER`` blocks per worker. It changes the number of
        tasks, never the result.

    Returns
    -------
    list of dict
        The columns, in the order of ``templates``.

    Examples
    --------
    >>> templates = sorted_templates(4, 1)
    >>> template_columns(templates, 4, block_size=2) == [template_column(t, 4) for t in templates]
    True
    """
    from lincomb.solvers.keyed_tasks import map_keyed

    if not templates:
        return []
    if block_size is None:
        workers = _worker_count(client) if client is not None else 1
        block_size = max(1, math.ceil(len(templates) / (BLOCKS_PER_WORKER * workers)))
    blocks = template_block_keys(templates, n, block_size)
    pieces = map_keyed(
        compute_template_block,
        [(n, templates[start:stop]) for _, start, stop in blocks],
        [key for key, _, _ in blocks],
        client,
    )
    columns = [column for piece in pieces for column in piece]
    if len(columns) != len(templates):  # one column per template id, none lost, none twice
        raise UsageError(f"template_columns: {len(columns)} columns came back for {len(templates)} templates")
    return columns


def max_representation_dask(
    n: int,
    k: int | None = None,
    *,
    client: Any = None,
    loops: bool = True,
    block_size: int | None = None,
    progress=None,
    sample: int | None = None,
    seed: int = 0,
) -> MaxRepresentation:
    """:func:`~lincomb.solvers.max_representation.max_representation` with the columns computed on a Dask cluster.

    Parameters
    ----------
    n, k, loops, progress, sample, seed
        As in :func:`~lincomb.solvers.max_representation.max_representation` (``sample``: only that many
        template classes, drawn at random with ``seed``).
    client : distributed.Client, optional
        Where the columns are computed; without it, here.
    block_size : int, optional
        Templates per Dask task (see :func:`template_columns`).

    Returns
    -------
    MaxRepresentation
        Equal (terms, left kernel, sizes, rank) to the local search's result for the same ``n, k, loops``.

    Examples
    --------
    >>> r = max_representation_dask(6, 2, block_size=10)
    >>> r.feasible, r.templates, r.rows, [str(c) for c, _ in r.terms] == [str(c) for c, _ in max_representation(6, 2).terms]
    (True, 144, 41, True)
    >>> max_representation_dask(1)
    Traceback (most recent call last):
    ...
    lincomb.errors.UsageError: max_representation: n must be an integer >= 2 (the number of inputs), got 1
    """
    def dask_columns(templates, n, say):
        columns = template_columns(templates, n, client, block_size=block_size)
        say(f"columns computed {'on the Dask cluster' if client is not None else 'here'}")
        return columns

    return max_representation(n, k, loops=loops, progress=progress, column_builder=dask_columns, sample=sample,
                              seed=seed)


# ---------------------------------------------------------------------------------------------------------------------
# The array (frontier) pipeline on Dask
# ---------------------------------------------------------------------------------------------------------------------


@dataclass
class DaskRunStats:
    """What the tasks of one :func:`max_representation_arrays_dask` run measured (for the cost model).

    Attributes
    ----------
    enumeration_cpu, columns_cpu : float
        Sum over tasks of the worker's CPU seconds (``time.process_time``) in the enumeration and column tasks:
        CPU time, so a loaded machine does not inflate it the way wall time is inflated.
    enumeration_wall, columns_wall, assemble_wall, solve_wall : float
        Wall seconds of each stage seen from the client.
    enumeration_tasks, column_tasks : int
    a_classes : int
        A-side classes (the first-level branches of the enumeration).
    candidates : int
        B-sides that passed the labelling filter and were put in canonical form (summed over tasks).
    column_block_bytes : list of int
        Bytes of each column block as it comes back (int64 arrays).
    rank_trace : list of (columns read, rank, solver CPU seconds)
        The modular solver's progress, one entry per pivot block.

    Examples
    --------
    >>> DaskRunStats().columns_cpu
    0.0
    """

    enumeration_cpu: float = 0.0
    columns_cpu: float = 0.0
    enumeration_wall: float = 0.0
    columns_wall: float = 0.0
    assemble_wall: float = 0.0
    solve_wall: float = 0.0
    enumeration_tasks: int = 0
    column_tasks: int = 0
    a_classes: int = 0
    candidates: int = 0
    column_block_bytes: list = field(default_factory=list)
    rank_trace: list = field(default_factory=list)


def a_side_classes(n: int, k: int, *, loops: bool = True, shape: str = "multigraph",
                   max_vertices: int | None = None) -> list:
    """The A-side classes: the first-level branches of :func:`~lincomb.solvers.max_templates.enumerate_templates`.

    Each is one side (k pairs, every vertex ``0..m-1`` used) up to relabelling; the B-sides of different A-classes
    are enumerated independently (:func:`enumerate_a_block`).

    Examples
    --------
    >>> [len(a_side_classes(11, 5, shape="side-forests", max_vertices=m)) for m in (6, 7)]
    [6, 11]
    """
    from .max_templates import _check_shape, _single_colour_classes, _uses_prefix

    loops = _check_shape(shape, loops, max_vertices, "a_side_classes")
    top = n if max_vertices is None else min(n, max_vertices)
    return [a for a in _single_colour_classes(top, k, loops, shape) if _uses_prefix(a, 0) <= top]


def enumerate_a_block(task: tuple) -> tuple:
    """The templates of a block of A-classes, with their orbit sizes: the enumeration task a worker runs.

    ``task = (n, k, loops, shape, max_vertices, a_sides)`` or the same with ``(stripe, stripes)`` appended: then
    only the B-side candidates numbered ``stripe`` modulo ``stripes`` (in each A-class's generation order) are put in
    canonical form, which splits one A-class over several tasks (generation is repeated, canonical forms -- the
    cost -- are not). Returns ``(pairs, candidates, cpu)``: the sorted
    ``(template_orbit_size(t, n), t)`` of the distinct canonical templates found with A among ``a_sides`` (the
    same loop as :func:`~lincomb.solvers.max_templates.enumerate_templates`), the number of B-sides put in
    canonical form, and the task's CPU seconds.

    Examples
    --------
    >>> a = a_side_classes(6, 2, shape="side-forests")
    >>> found = set()
    >>> for side in a:
    ...     found |= {t for _, t in enumerate_a_block((6, 2, False, "side-forests", None, [side]))[0]}
    >>> from lincomb.solvers.max_templates import enumerate_templates
    >>> sorted(found) == enumerate_templates(6, 2, shape="side-forests")
    True
    """
    from .max_templates import (_all_pairs, _check_shape, _new_vertices_in_order, _sides, _uses_prefix,
                                canonical_template, template_orbit_size)

    started = time.process_time()
    n, k, loops, shape, max_vertices, a_sides = task[:6]
    stripe, stripes = task[6] if len(task) > 6 else (0, 1)
    loops = _check_shape(shape, loops, max_vertices, "enumerate_a_block")
    top = n if max_vertices is None else min(n, max_vertices)
    found = set()
    candidates = seen = 0
    for a_side in a_sides:
        a_side = tuple(tuple(pair) for pair in a_side)
        m_a = _uses_prefix(a_side, 0)
        if m_a > top:
            continue
        pairs = [p for p in _all_pairs(min(top, m_a + 2 * k)) if loops or p[0] != p[1]]
        for b_side in _sides(pairs, k, shape, a_side):
            if _uses_prefix(b_side, m_a) < 0 or not _new_vertices_in_order(b_side, m_a):
                continue
            seen += 1
            if seen % stripes != stripe:
                continue
            candidates += 1
            found.add(canonical_template(a_side, b_side))
    pairs_out = sorted((template_orbit_size(t, n), t) for t in found)
    return pairs_out, candidates, time.process_time() - started


def _digest(*parts) -> str:
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:12]


def _chunks(count: int, pieces: int) -> list:
    """``pieces`` (at most ``count``) contiguous, nearly equal ranges covering ``range(count)``."""
    pieces = max(1, min(pieces, count))
    bounds = [round(i * count / pieces) for i in range(pieces + 1)]
    return [(bounds[i], bounds[i + 1]) for i in range(pieces)]


def enumerate_templates_dask(n: int, k: int, client: Any = None, *, loops: bool = True, shape: str = "multigraph",
                             max_vertices: int | None = None, tasks: int | None = None, stripes: int = 1,
                             stats: DaskRunStats | None = None) -> list:
    """The templates of :func:`~lincomb.solvers.max_templates.enumerate_templates`, split by A-class into keyed tasks.

    The A-classes are dealt round-robin to ``tasks`` tasks (A-classes with many vertices have many more B-sides,
    and dealing them out keeps the tasks even); the union of the tasks' classes is sorted small orbits first, like
    :func:`~lincomb.solvers.max_representation.max_representation_arrays`, so the list is the same on any scheduler.

    Parameters
    ----------
    n, k, loops, shape, max_vertices
        As in :func:`~lincomb.solvers.max_templates.enumerate_templates`.
    client : distributed.Client, optional
        Without it everything runs here.
    tasks : int, optional
        Number of groups of A-classes (default: 4 per worker, at most one per A-class).
    stripes : int
        Split every group further into this many tasks by candidate number (:func:`enumerate_a_block`): there are
        only 16 A-classes of 5-edge forests, so a cluster larger than that needs ``stripes > 1``.
    stats : DaskRunStats, optional
        Filled with the measured CPU time and counts.

    Returns
    -------
    list of Template
        Sorted by ``(template_orbit_size(t, n), t)``.

    Examples
    --------
    >>> from lincomb.solvers.max_templates import enumerate_templates, template_orbit_size
    >>> mine = enumerate_templates_dask(6, 2, shape="side-forests", tasks=2)
    >>> mine == sorted(enumerate_templates(6, 2, shape="side-forests"), key=lambda t: (template_orbit_size(t, 6), t))
    True
    >>> enumerate_templates_dask(6, 2, shape="side-forests", tasks=1, stripes=3) == mine
    True
    """
    from .keyed_tasks import map_keyed

    started = time.perf_counter()
    a_sides = a_side_classes(n, k, loops=loops, shape=shape, max_vertices=max_vertices)
    if tasks is None:
        tasks = 4 * (_worker_count(client) if client is not None else 1)
    if isinstance(stripes, bool) or not isinstance(stripes, int) or stripes < 1:
        raise UsageError(f"enumerate_templates_dask: stripes must be an integer >= 1, got {stripes!r}")
    groups = max(1, min(tasks, len(a_sides)))
    dealt = [a_sides[i::groups] for i in range(groups)]
    digest = _digest(n, k, loops, shape, max_vertices, groups, stripes)
    items = [(n, k, loops, shape, max_vertices, d, (s, stripes)) for d in dealt for s in range(stripes)]
    keys = [f"max-enumerate-n{n}-k{k}-{shape}-{max_vertices}-{digest}-{g}of{groups}-{s}of{stripes}"
            for g in range(groups) for s in range(stripes)]
    pieces = map_keyed(enumerate_a_block, items, keys, client)
    merged = set()
    for pairs, candidates, cpu in pieces:
        merged.update(pairs)
        if stats is not None:
            stats.enumeration_cpu += cpu
            stats.candidates += candidates
    if stats is not None:
        stats.enumeration_tasks += len(items)
        stats.a_classes = len(a_sides)
        stats.enumeration_wall += time.perf_counter() - started
    return [t for _, t in sorted(merged)]


def column_array_block(task: tuple) -> tuple:
    """The array columns of a block ``(n, templates)``, packed: the column task a worker runs.

    Returns ``(linear, counts, keys, values, cpu)``: ``linear`` the ``(len(templates), n)`` int64 linear parts,
    ``counts`` the number of direction keys per column, ``keys`` / ``values`` all columns' packed direction keys and
    coefficients concatenated (four arrays pickle far smaller than thousands of tuples), and the CPU seconds.

    Examples
    --------
    >>> from lincomb.solvers.max_columns import template_column_arrays
    >>> from lincomb.solvers.max_templates import enumerate_templates
    >>> templates = enumerate_templates(5, 2)[:3]
    >>> linear, counts, keys, values, _ = column_array_block((5, templates))
    >>> first = template_column_arrays(templates[0], 5)
    >>> linear[0].tolist() == first[0].tolist(), keys[:counts[0]].tolist() == first[1].tolist()
    (True, True)
    """
    import numpy as np

    from .max_columns import template_column_arrays

    started = time.process_time()
    n, templates = task
    columns = [template_column_arrays(t, n) for t in templates]
    linear = np.array([c[0] for c in columns], dtype=np.int64).reshape(len(columns), n)
    counts = np.array([len(c[1]) for c in columns], dtype=np.int64)
    keys = np.concatenate([c[1] for c in columns]).astype(np.int64) if columns else np.zeros(0, dtype=np.int64)
    values = np.concatenate([c[2] for c in columns]).astype(np.int64) if columns else np.zeros(0, dtype=np.int64)
    return linear, counts, keys, values, time.process_time() - started


def template_column_arrays_dask(templates: list, n: int, client: Any = None, *, block_size: int | None = None,
                                stats: DaskRunStats | None = None) -> list:
    """``[template_column_arrays(t, n) for t in templates]`` as keyed Dask tasks, one per block of template ids.

    Keys are ``max-arrays-n<n>-<digest of the templates>-<start>-<stop>``; the blocks come back in template order.

    Examples
    --------
    >>> from lincomb.solvers.max_columns import template_column_arrays
    >>> from lincomb.solvers.max_templates import enumerate_templates
    >>> templates = enumerate_templates(5, 2)
    >>> mine = template_column_arrays_dask(templates, 5, block_size=7)
    >>> all(all((a == b).all() for a, b in zip(m, template_column_arrays(t, 5))) for m, t in zip(mine, templates))
    True
    """
    from .keyed_tasks import map_keyed

    if isinstance(block_size, bool) or (block_size is not None and (not isinstance(block_size, int) or block_size < 1)):
        raise UsageError(f"template_column_arrays_dask: block_size must be None or an integer >= 1, got {block_size!r}")
    if not templates:
        return []
    started = time.perf_counter()
    if block_size is None:
        workers = _worker_count(client) if client is not None else 1
        block_size = max(1, min(2048, math.ceil(len(templates) / (BLOCKS_PER_WORKER * workers))))
    digest = _digest(n, [tuple(t) for t in templates])
    ranges = [(start, min(start + block_size, len(templates))) for start in range(0, len(templates), block_size)]
    keys = [f"max-arrays-n{n}-{digest}-{start}-{stop}" for start, stop in ranges]
    blocks = map_keyed(column_array_block, [(n, templates[start:stop]) for start, stop in ranges], keys, client)
    columns = []
    for linear, counts, block_keys, values, cpu in blocks:
        offsets = [0]
        for count in counts.tolist():
            offsets.append(offsets[-1] + count)
        for j in range(len(counts)):
            columns.append((linear[j], block_keys[offsets[j]:offsets[j + 1]], values[offsets[j]:offsets[j + 1]]))
        if stats is not None:
            stats.columns_cpu += cpu
            stats.column_block_bytes.append(int(linear.nbytes + counts.nbytes + block_keys.nbytes + values.nbytes))
    if len(columns) != len(templates):
        raise UsageError(f"template_column_arrays_dask: {len(columns)} columns came back for "
                         f"{len(templates)} templates")
    if stats is not None:
        stats.column_tasks += len(ranges)
        stats.columns_wall += time.perf_counter() - started
    return columns


def max_representation_arrays_dask(
    n: int, k: int | None = None, *, client: Any = None, shape: str = "side-forests", max_vertices: int | None = None,
    loops: bool = True, templates: list | None = None, block_size: int | None = None,
    enumeration_tasks: int | None = None, block: int = 256, progress=None, stats: DaskRunStats | None = None,
) -> MaxRepresentation:
    """:func:`~lincomb.solvers.max_representation.max_representation_arrays` with enumeration and columns on Dask.

    Enumeration (:func:`enumerate_templates_dask`) and columns (:func:`template_column_arrays_dask`) are keyed
    tasks; the CSC assembly, the modular solve and the exact residual run here. The templates are in the same order
    as in the local pipeline (small orbits first), so the system, the solution and the certificate are the local
    pipeline's whatever the scheduler, the number of workers or the block sizes. A subclass search that finds
    nothing proves nothing (``feasible`` False, no left kernel).

    Parameters
    ----------
    n, k, shape, max_vertices, loops, templates, block, progress
        As in :func:`~lincomb.solvers.max_representation.max_representation_arrays` (``progress(stage, done,
        total, info)`` gets the stages ``templates``, ``columns``, ``assemble`` and the solver's).
    client : distributed.Client, optional
        Where enumeration and columns run; without it, here.
    block_size, enumeration_tasks : int, optional
        Templates per column task; enumeration tasks. They change the tasks, never the result.
    stats : DaskRunStats, optional
        Filled with CPU times, block sizes and the solver's rank trace.

    Returns
    -------
    MaxRepresentation
        ``solver == "modular"``.

    Examples
    --------
    >>> r = max_representation_arrays_dask(5, block_size=3)
    >>> r.feasible, r.shape, r.solver
    (True, 'side-forests', 'modular')
    >>> max_representation_arrays_dask(6, 2, shape="forest").feasible        # a subclass without a solution
    False
    """
    from .max_columns import assemble_csc
    from .max_representation import _checked_n_k, _exactly_checked_terms, _peak_rss_bytes
    from .modular_solve import modular_solve

    k = _checked_n_k(n, k, "max_representation_arrays_dask")
    stats = stats if stats is not None else DaskRunStats()

    def say(stage, done, total, info=""):
        if progress is not None:
            progress(stage, done, total, info)

    seconds = {}
    start = time.perf_counter()
    if templates is None:
        say("templates", 0, 1)
        templates = enumerate_templates_dask(n, k, client, loops=loops, shape=shape, max_vertices=max_vertices,
                                             tasks=enumeration_tasks, stats=stats)
        say("templates", 1, 1, f"{len(templates):,} classes")
    seconds["templates"] = time.perf_counter() - start
    start = time.perf_counter()
    say("columns", 0, len(templates))
    columns = template_column_arrays_dask(templates, n, client, block_size=block_size, stats=stats)
    say("columns", len(templates), len(templates))
    seconds["columns"] = time.perf_counter() - start
    start = time.perf_counter()
    system = assemble_csc(columns, n)
    del columns
    say("assemble", 1, 1, f"{system.n_rows} rows, {system.columns} columns, {system.nnz} nonzeros")
    seconds["assemble"] = stats.assemble_wall = time.perf_counter() - start
    start = time.perf_counter()
    cpu_start = time.process_time()

    def solver_progress(stage, done, total, info=""):
        if stage == "pivots" and info.startswith("rank "):
            stats.rank_trace.append((int(done), int(info.split()[1]), time.process_time() - cpu_start))
        say(f"solve: {stage}", done, total, info)

    solved = modular_solve(system.indptr, system.indices, system.data, system.n_rows, system.rhs(), block=block,
                           progress=solver_progress)
    seconds["solve"] = stats.solve_wall = time.perf_counter() - start
    terms = []
    if solved.found:
        # The exact residual once more, over Q, as the local pipeline does.
        terms = _exactly_checked_terms(system, solved.solution, templates, n, "max_representation_arrays_dask")
    return MaxRepresentation(
        n=n, k=k, feasible=solved.found, terms=terms, left_kernel=None, templates=len(templates),
        rows=system.n_rows, nonzeros=system.nnz, rank=solved.rank, seconds=seconds, loops=loops, sample=None,
        shape=shape, max_vertices=max_vertices, solver="modular", peak_bytes=_peak_rss_bytes(),
    )
