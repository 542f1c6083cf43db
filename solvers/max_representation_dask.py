"""The max_n representation search with its expensive step -- the template columns -- on a Dask cluster.

:func:`lincomb.solvers.max_representation.max_representation` spends most of its time computing, for every
template, the exact column of ``F_{A,B}`` on the sorted cone (:func:`~lincomb.solvers.max_sorted_cone.template_column`).
Columns are independent of each other, so here they are computed as Dask tasks, one per block of consecutive
templates, keyed by the template ids (positions in the sorted template list). The blocks come back in template
order, so the system, and hence the exact solution and the certificate, do not depend on the number of workers
or on which worker finished first. Enumeration (which deduplicates classes) and the exact solve stay on the
client, where they run as in the local search.

Examples
--------
>>> result = max_representation_dask(5)                     # no client: the same pipeline, here
>>> local = max_representation(5)
>>> result.terms == local.terms, result.rank == local.rank
(True, True)
"""

from __future__ import annotations

import hashlib
import math
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
