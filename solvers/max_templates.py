"""Templates ``(A, B)`` of the Ruess et al. ansatz, enumerated up to swapping and relabelling.

A template is a pair of multisets ``A``, ``B`` of ``k`` pairs ``(i, j)`` of input indices (loops ``(i, i)``
allowed). It stands for the function

    Phi_{A,B}(x) = max{ sum_{(i,j) in A} max(x_i, x_j), sum_{(i,j) in B} max(x_i, x_j) },

and its symmetrization ``F_{A,B}(x) = sum over all permutations s of Phi_{A,B}(s x)`` depends only on the
isomorphism class of the 2-edge-coloured multigraph (vertices = indices, A-edges and B-edges, loops allowed)
up to swapping the two colours. This module enumerates those classes for given ``n`` (vertices) and ``k``
(edges per colour), one canonical representative per class.

Canonical forms are computed by colour refinement and individualization (the idea of nauty, without
automorphism pruning: the graphs here have at most ``4k`` vertices). :func:`templates_isomorphic` decides
isomorphism independently with networkx (VF2 on a simple graph with edge multiplicities as attributes); the
tests use it to confirm that the canonical forms neither merge nor split classes.

Indices are 0-based in Python; certificates write them 1-based.

Examples
--------
>>> t = canonical_template([(0, 1), (0, 1)], [(2, 3), (2, 3)])
>>> t == canonical_template([(3, 2), (2, 3)], [(1, 0), (0, 1)])      # relabelled and swapped
True
>>> len(enumerate_templates(3, 1))
6
"""

from __future__ import annotations

from itertools import combinations_with_replacement
from typing import Iterable, NamedTuple

from lincomb.errors import UsageError

__all__ = [
    "SHAPES",
    "Template",
    "canonical_template",
    "enumerate_templates",
    "in_shape",
    "sample_templates",
    "template_orbit_size",
    "template_vertices",
    "templates_isomorphic",
]


class Template(NamedTuple):
    """A template: two sorted tuples of sorted 0-based pairs.

    Attributes
    ----------
    a, b : tuple of tuple of int
        The multisets A and B, each a sorted tuple of pairs ``(i, j)`` with ``i <= j``.

    Examples
    --------
    >>> Template.from_pairs([(1, 0)], [(2, 2)])
    Template(a=((0, 1),), b=((2, 2),))
    >>> Template.from_pairs([(1, 0)], [(2, 2)]).one_based()
    [[[1, 2]], [[3, 3]]]
    """

    a: tuple
    b: tuple

    @classmethod
    def from_pairs(cls, a: Iterable, b: Iterable) -> "Template":
        """Normalize two iterables of index pairs (each pair sorted, each side sorted).

        Examples
        --------
        >>> Template.from_pairs([(3, 1), (0, 2)], [])
        Template(a=((0, 2), (1, 3)), b=())
        """
        return cls(_normalize_side(a, "A"), _normalize_side(b, "B"))

    @classmethod
    def from_one_based(cls, pair) -> "Template":
        """Read the certificate layout ``[A, B]`` with 1-based pairs, e.g. ``[[[1, 2], [1, 3]], [[1, 4], [5, 6]]]``.

        Examples
        --------
        >>> Template.from_one_based([[[1, 2], [1, 3]], [[1, 4], [5, 6]]])
        Template(a=((0, 1), (0, 2)), b=((0, 3), (4, 5)))
        """
        try:
            a, b = pair
            return cls.from_pairs([(i - 1, j - 1) for i, j in a], [(i - 1, j - 1) for i, j in b])
        except (TypeError, ValueError):
            raise UsageError(
                f"a template must be [A, B], two lists of 1-based pairs [i, j]; got {pair!r}"
            ) from None

    def one_based(self) -> list:
        """The certificate layout ``[A, B]`` with 1-based pairs.

        Examples
        --------
        >>> Template.from_pairs([(0, 1)], [(0, 0)]).one_based()
        [[[1, 2]], [[1, 1]]]
        """
        return [[[i + 1, j + 1] for i, j in self.a], [[i + 1, j + 1] for i, j in self.b]]

    def __str__(self) -> str:
        def side(pairs):
            return ",".join(f"{i + 1}{j + 1}" if max(i, j) < 9 else f"{i + 1}-{j + 1}" for i, j in pairs)

        return f"[{{{side(self.a)}}}|{{{side(self.b)}}}]"


def _normalize_side(pairs: Iterable, name: str) -> tuple:
    normalized = []
    for pair in pairs:
        try:
            i, j = pair
        except (TypeError, ValueError):
            raise UsageError(f"{name} must be a list of index pairs (i, j); got the entry {pair!r}") from None
        if isinstance(i, bool) or isinstance(j, bool) or not isinstance(i, int) or not isinstance(j, int):
            raise UsageError(f"{name}: indices must be integers; got the pair {pair!r}")
        if i < 0 or j < 0:
            raise UsageError(f"{name}: indices must be >= 0 (0-based in Python); got the pair {pair!r}")
        normalized.append((min(i, j), max(i, j)))
    return tuple(sorted(normalized))


def template_vertices(template: Template) -> tuple:
    """The sorted indices that occur in some pair of the template.

    Examples
    --------
    >>> template_vertices(Template.from_pairs([(0, 4)], [(2, 2)]))
    (0, 2, 4)
    """
    return tuple(sorted({v for pair in template.a + template.b for v in pair}))


# ---------------------------------------------------------------- canonical form


def _refine(colours: list, adjacency: list) -> list:
    """Colour refinement to the coarsest equitable partition; colours are ranks 0..c-1."""
    while True:
        signatures = [
            (colours[v], tuple(sorted((colours[u], a, b) for u, a, b in adjacency[v])))
            for v in range(len(colours))
        ]
        ranking = {s: r for r, s in enumerate(sorted(set(signatures)))}
        refined = [ranking[s] for s in signatures]
        if len(ranking) == len(set(colours)):
            return refined
        colours = refined


def _encode(a_pairs: tuple, b_pairs: tuple, labels: list) -> tuple:
    def side(pairs):
        return tuple(sorted(tuple(sorted((labels[i], labels[j]))) for i, j in pairs))

    return side(a_pairs), side(b_pairs)


def _canonical_encoding(a_pairs: tuple, b_pairs: tuple, m: int) -> tuple:
    """The lexicographically smallest relabelled encoding reachable by individualization-refinement."""
    count_a = [[0] * m for _ in range(m)]
    count_b = [[0] * m for _ in range(m)]
    for i, j in a_pairs:
        count_a[i][j] += 1
        if i != j:
            count_a[j][i] += 1
    for i, j in b_pairs:
        count_b[i][j] += 1
        if i != j:
            count_b[j][i] += 1
    adjacency = [
        [(u, count_a[v][u], count_b[v][u]) for u in range(m) if u != v and (count_a[v][u] or count_b[v][u])]
        for v in range(m)
    ]
    initial = [(count_a[v][v], count_b[v][v]) for v in range(m)]
    ranking = {s: r for r, s in enumerate(sorted(set(initial)))}
    colours = _refine([ranking[s] for s in initial], adjacency)
    best = None

    def search(colours):
        nonlocal best
        cells: dict = {}
        for v, c in enumerate(colours):
            cells.setdefault(c, []).append(v)
        if len(cells) == m:  # discrete: the colours are a labelling
            encoding = _encode(a_pairs, b_pairs, colours)
            if best is None or encoding < best:
                best = encoding
            return
        # Individualize each vertex of the first non-singleton cell in turn.
        target = min(c for c, members in cells.items() if len(members) > 1)
        for v in cells[target]:
            split = [2 * c + (1 if (c == target and u != v) else 0) for u, c in enumerate(colours)]
            ranking = {s: r for r, s in enumerate(sorted(set(split)))}
            search(_refine([ranking[s] for s in split], adjacency))

    search(colours)
    return best


def canonical_template(a: Iterable, b: Iterable) -> Template:
    """The canonical representative of the class of ``(A, B)`` under relabelling and swapping A, B.

    Vertices are relabelled ``0..m-1`` (m = number of used indices); two templates have the same
    canonical representative exactly when their symmetrizations are the same function by definition
    (isomorphic 2-edge-coloured multigraphs, colours possibly swapped).

    Parameters
    ----------
    a, b : iterable of (int, int)
        The pairs of A and of B (0-based).

    Returns
    -------
    Template

    Examples
    --------
    >>> canonical_template([(5, 6), (0, 1)], [(0, 0)])
    Template(a=((0, 1), (2, 3)), b=((3, 3),))
    """
    template = Template.from_pairs(a, b)
    vertices = template_vertices(template)
    index = {v: i for i, v in enumerate(vertices)}
    a_pairs = tuple((index[i], index[j]) for i, j in template.a)
    b_pairs = tuple((index[i], index[j]) for i, j in template.b)
    m = len(vertices)
    first = _canonical_encoding(a_pairs, b_pairs, m)
    second = _canonical_encoding(b_pairs, a_pairs, m)
    return Template(*min(first, second))


def templates_isomorphic(first: Template, second: Template) -> bool:
    """Whether two templates are the same up to relabelling and swapping A and B (networkx VF2).

    Independent of :func:`canonical_template`: used by the tests to validate it.

    Examples
    --------
    >>> templates_isomorphic(Template.from_pairs([(0, 1)], [(1, 2)]), Template.from_pairs([(5, 3)], [(3, 3)]))
    False
    >>> templates_isomorphic(Template.from_pairs([(0, 1)], [(1, 2)]), Template.from_pairs([(5, 3)], [(4, 5)]))
    True
    """
    import networkx as nx
    from networkx.algorithms.isomorphism import categorical_edge_match, categorical_node_match

    def graph(a_pairs, b_pairs):
        g = nx.Graph()
        g.add_nodes_from({v for pair in a_pairs + b_pairs for v in pair}, loops=(0, 0))
        for colour, pairs in ((0, a_pairs), (1, b_pairs)):
            for i, j in pairs:
                if i == j:
                    loops = list(g.nodes[i]["loops"])
                    loops[colour] += 1
                    g.nodes[i]["loops"] = tuple(loops)
                else:
                    counts = list(g.edges[i, j]["counts"]) if g.has_edge(i, j) else [0, 0]
                    counts[colour] += 1
                    g.add_edge(i, j, counts=tuple(counts))
        return g

    node_match = categorical_node_match("loops", None)
    edge_match = categorical_edge_match("counts", None)
    g1 = graph(first.a, first.b)
    return any(
        nx.is_isomorphic(g1, graph(a, b), node_match=node_match, edge_match=edge_match)
        for a, b in ((second.a, second.b), (second.b, second.a))
    )


# ---------------------------------------------------------------- enumeration


def _all_pairs(vertex_count: int) -> list:
    return [(i, j) for i in range(vertex_count) for j in range(i, vertex_count)]


def _uses_prefix(pairs: tuple, start: int) -> int:
    """The number of vertices used, or -1 when the vertices >= start used are not start, start+1, ...."""
    used = {v for pair in pairs for v in pair}
    new = sorted(v for v in used if v >= start)
    if new != list(range(start, start + len(new))):
        return -1
    return start + len(new)


#: The template subclasses :func:`enumerate_templates` can restrict to (``shape``).
SHAPES = ("multigraph", "simple", "side-forests", "forest")


def _check_shape(shape, loops, max_vertices, name):
    if shape not in SHAPES:
        raise UsageError(f"{name}: shape must be one of {', '.join(SHAPES)}; got {shape!r}")
    if max_vertices is not None and (isinstance(max_vertices, bool) or not isinstance(max_vertices, int)
                                     or max_vertices < 1):
        raise UsageError(f"{name}: max_vertices must be None or an integer >= 1, got {max_vertices!r}")
    # A loop is a cycle, so a forest never has one, whatever `loops` says.
    return loops and shape not in ("side-forests", "forest")


def _acyclic(edges) -> bool:
    """Whether the edges (pairs) form a forest: no loop, no repeated pair, no cycle."""
    parent: dict = {}

    def root(v):
        while parent.get(v, v) != v:
            v = parent[v]
        return v

    for i, j in edges:
        ri, rj = root(i), root(j)
        if ri == rj:  # a loop (i == j), a repeated pair, or an edge closing a cycle
            return False
        parent[ri] = rj
    return True


def in_shape(template: Template, shape: str) -> bool:
    """Whether the template belongs to the subclass ``shape`` of :func:`enumerate_templates`.

    ``"multigraph"``: always. ``"simple"``: no pair occurs twice in the multiset ``A + B`` (loops allowed).
    ``"side-forests"``: A is a forest and B is a forest (no loop, no repeated pair, no cycle within a
    side; A and B may share pairs and close cycles together). ``"forest"``: ``A + B`` together is a
    forest. ``forest`` is inside both ``simple`` and ``side-forests``.

    Examples
    --------
    >>> t = Template.from_pairs([(0, 1), (1, 2)], [(0, 2), (3, 4)])        # A + B holds a triangle
    >>> [in_shape(t, shape) for shape in SHAPES]
    [True, True, True, False]
    >>> t = Template.from_pairs([(0, 1), (0, 1)], [(2, 3), (2, 3)])        # a pair twice within A
    >>> [in_shape(t, shape) for shape in SHAPES]
    [True, False, False, False]
    """
    if shape not in SHAPES:
        raise UsageError(f"in_shape: shape must be one of {', '.join(SHAPES)}; got {shape!r}")
    edges = template.a + template.b
    if shape == "multigraph":
        return True
    if shape == "simple":
        return len(set(edges)) == len(edges)
    if shape == "side-forests":
        return _acyclic(template.a) and _acyclic(template.b)
    return _acyclic(edges)


def _sides(pairs: list, k: int, shape: str, fixed: tuple = ()):
    """k-multisets of ``pairs`` (in order) that keep ``fixed + side`` within ``shape``.

    Multigraph: all multisets; simple: no pair repeated (in ``fixed`` or the side); forest: also no cycle in
    ``fixed + side``; side-forests: no repeated pair and no cycle within the side. Cycles are tracked by a
    union-find that is undone on backtracking.
    """
    if shape == "multigraph":
        yield from combinations_with_replacement(pairs, k)
        return
    # Side-forests constrain each side on its own; simple and forest constrain A + B together.
    within = shape == "side-forests"
    taken = set() if within else set(fixed)
    acyclic = shape in ("forest", "side-forests")
    parent: dict = {}

    def root(v):
        while parent.get(v, v) != v:
            v = parent[v]
        return v

    if shape == "forest":  # the union must stay acyclic: start from A's components
        for i, j in fixed:
            ri, rj = root(i), root(j)
            if ri == rj:
                return
            parent[ri] = rj
    chosen: list = []

    def extend(start: int):
        if len(chosen) == k:
            yield tuple(chosen)
            return
        for position in range(start, len(pairs)):
            pair = pairs[position]
            if pair in taken:
                continue
            if acyclic:
                ri, rj = root(pair[0]), root(pair[1])
                if ri == rj:
                    continue
                parent[ri] = rj
            chosen.append(pair)
            yield from extend(position + 1)
            chosen.pop()
            if acyclic:
                del parent[ri]

    yield from extend(0)


def _new_vertices_in_order(pairs: tuple, start: int) -> bool:
    """Whether the vertices >= start first occur in increasing order when the sorted pairs are read in order.

    Relabelling the new vertices among themselves gives the same class; of the t! labellings of t new vertices
    this keeps those whose first occurrences are in order, which skips most repeats before the (costly)
    canonical form. Completeness: label the new vertices in breadth-first order, fresh labels increasing: first
    the new neighbours of old vertex 0, 1, ... (in each old vertex's block of sorted pairs ``(i, v)`` the already
    labelled v come before the fresh ones), then the new neighbours of the new vertices in label order, starting
    a fresh label at a still unlabelled vertex when the queue runs dry. Each vertex first occurs in the block of
    the vertex that labelled it, after the earlier blocks, so first occurrences are in increasing order; so every
    side has a relabelling that passes. Tested: equal class counts with and without the filter for every shape
    at n = 5..7 (tests/solvers/test_max_columns.py).
    """
    expected = start
    for pair in pairs:
        for v in pair:
            if v >= start:
                if v > expected:
                    return False
                if v == expected:
                    expected += 1
    return True


def _single_colour_classes(n: int, k: int, loops: bool, shape: str = "multigraph") -> list:
    """Multigraphs with k edges, every vertex used, up to relabelling (as the A side, B empty)."""
    classes = set()
    pairs = [p for p in _all_pairs(min(n, 2 * k)) if loops or p[0] != p[1]]
    for side in _sides(pairs, k, shape):
        if _uses_prefix(side, 0) < 0:
            continue
        classes.add(canonical_template(side, ()).b)  # B holds the edges after the swap to the smaller encoding
    return sorted(classes)


def enumerate_templates(n: int, k: int, *, loops: bool = True, shape: str = "multigraph",
                        max_vertices: int | None = None, progress=None) -> list:
    """All templates with ``k`` pairs per side on at most ``n`` indices, one per class; optionally a subclass.

    Classes are isomorphism classes of 2-edge-coloured multigraphs (k edges of each colour, loops
    allowed unless ``loops=False``) up to swapping the colours; isolated vertices are not represented.

    The subclass options restrict the search. A restricted search that finds a representation proves it
    (the certificate is checked like any other); one that finds none proves nothing about the full class,
    and no infeasibility certificate may be written for it.

    Parameters
    ----------
    n : int
        The number of inputs (at most n vertices are used).
    k : int
        The number of pairs in A and in B.
    loops : bool
        Allow pairs ``(i, i)``.
    shape : {"multigraph", "simple", "forest"}
        ``"multigraph"`` (default): every template. ``"simple"``: no pair occurs twice in ``A + B``.
        ``"side-forests"``: A and B are each a forest (no loops whatever ``loops`` says, no repeated pair and
        no cycle within a side). ``"forest"``: ``A + B`` together is a forest (uses at least ``2k + 1``
        vertices). See :func:`in_shape`. Measured: ``"forest"`` has no solution for n = 5..8 (k = 2, 2, 3,
        3), ``"side-forests"`` has one for n = 5..8 (docs/max_representation.md).
    max_vertices : int, optional
        Keep only templates using at most this many indices (bounded support).
    progress : callable, optional
        Receives a progress string after each A-class.

    Returns
    -------
    list of Template
        Sorted canonical representatives.

    Examples
    --------
    >>> [str(t) for t in enumerate_templates(2, 1)]
    ['[{11}|{11}]', '[{12}|{12}]', '[{12}|{22}]', '[{22}|{11}]']
    >>> len(enumerate_templates(6, 2)), len(enumerate_templates(6, 2, loops=False))
    (144, 37)
    >>> [len(enumerate_templates(6, 2, shape=shape)) for shape in SHAPES]
    [144, 71, 25, 11]
    """
    for name, value, low in (("n", n, 1), ("k", k, 1)):
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise UsageError(f"enumerate_templates: {name} must be an integer >= {low}, got {value!r}")
    loops = _check_shape(shape, loops, max_vertices, "enumerate_templates")
    top = n if max_vertices is None else min(n, max_vertices)
    a_classes = _single_colour_classes(top, k, loops, shape)
    found = set()
    for number, a_side in enumerate(a_classes):
        m_a = _uses_prefix(a_side, 0)
        if m_a > top:
            continue
        vertex_count = min(top, m_a + 2 * k)
        pairs = [p for p in _all_pairs(vertex_count) if loops or p[0] != p[1]]
        for b_side in _sides(pairs, k, shape, a_side):
            if _uses_prefix(b_side, m_a) < 0 or not _new_vertices_in_order(b_side, m_a):
                continue
            found.add(canonical_template(a_side, b_side))
        if progress is not None:
            progress(f"A-class {number + 1}/{len(a_classes)}: {len(found)} templates so far")
    return sorted(found)


def sample_templates(n: int, k: int, count: int, *, seed: int = 0, loops: bool = True, progress=None) -> list:
    """``count`` distinct template classes drawn at random: for ``n`` where :func:`enumerate_templates` is out of reach.

    Each draw picks the ``k`` pairs of A and of B independently and uniformly among the pairs ``(i, j)``,
    ``i <= j < n`` (``i < j`` without loops), and keeps its canonical form; draws repeat until ``count``
    distinct classes are found.  The classes are *not* drawn uniformly (a class with more labelled
    versions is likelier); the point is a reproducible subset of columns, not an estimate.  A search over
    a sample can find a representation (the certificate is checked like any other) but never prove that
    none exists.

    Parameters
    ----------
    n, k : int
        Inputs and pairs per side.
    count : int
        Distinct classes wanted (at most the number of classes; a class count too large never finishes,
        so draws stop after ``100 * count`` attempts with an error).
    seed : int
        Seed of the random generator (``random.Random``).
    loops : bool
        Allow pairs ``(i, i)``.
    progress : callable, optional
        Receives a progress string every 10,000 classes.

    Returns
    -------
    list of Template
        Sorted canonical representatives.

    Examples
    --------
    >>> sample = sample_templates(6, 2, 40, seed=1)
    >>> len(sample), set(sample) <= set(enumerate_templates(6, 2))
    (40, True)
    >>> sample_templates(2, 1, 9)
    Traceback (most recent call last):
    ...
    lincomb.errors.UsageError: sample_templates: no 9 distinct classes after 900 draws (found 4); ask for fewer
    """
    import random

    for name, value, low in (("n", n, 1), ("k", k, 1), ("count", count, 1)):
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise UsageError(f"sample_templates: {name} must be an integer >= {low}, got {value!r}")
    rng = random.Random(seed)
    pairs = [p for p in _all_pairs(n) if loops or p[0] != p[1]]
    if not pairs:
        raise UsageError("sample_templates: without loops a template needs n >= 2")
    found: set = set()
    for draw in range(100 * count):
        found.add(canonical_template([rng.choice(pairs) for _ in range(k)], [rng.choice(pairs) for _ in range(k)]))
        if len(found) == count:
            break
        if progress is not None and len(found) % 10000 == 0 and draw:
            progress(f"sampled {len(found)} of {count} template classes")
    else:
        raise UsageError(f"sample_templates: no {count} distinct classes after {100 * count} draws "
                         f"(found {len(found)}); ask for fewer")
    return sorted(found)


def template_orbit_size(template: Template, n: int) -> int:
    """The number of distinct permuted copies ``{s A, s B}`` of the template under the n! permutations.

    ``n! / |stabilizer|``, where the stabilizer holds the permutations mapping ``(A, B)`` to ``(A, B)`` or to
    ``(B, A)``; candidates are searched within the cells of a colour refinement that ignores the colour names.
    This is the number of second-layer neurons a term adds to the network, so templates with small orbits
    make small networks.

    Examples
    --------
    >>> template_orbit_size(Template.from_pairs([(0, 1), (0, 1)], [(2, 3), (2, 3)]), 6)
    45
    >>> template_orbit_size(Template.from_pairs([(0, 1), (2, 3)], [(0, 2), (4, 5)]), 6)
    180
    """
    from math import factorial

    vertices = template_vertices(template)
    m = len(vertices)
    index = {v: i for i, v in enumerate(vertices)}
    a_pairs = tuple(sorted((index[i], index[j]) for i, j in template.a))
    b_pairs = tuple(sorted((index[i], index[j]) for i, j in template.b))
    counts: dict = {}
    for colour, pairs in ((0, a_pairs), (1, b_pairs)):
        for i, j in pairs:
            entry = counts.setdefault((i, j), [0, 0])
            entry[colour] += 1
    # Colour-name-blind refinement: edge labels as sorted count pairs, so swapping A and B keeps cells.
    adjacency = [[] for _ in range(m)]
    loops = [(0, 0)] * m
    for (i, j), (ca, cb) in counts.items():
        label = tuple(sorted((ca, cb)))
        if i == j:
            loops[i] = label
        else:
            adjacency[i].append((j, *label))
            adjacency[j].append((i, *label))
    ranking = {s: r for r, s in enumerate(sorted(set(loops)))}
    colours = _refine([ranking[s] for s in loops], adjacency)
    cells: dict = {}
    for v, c in enumerate(colours):
        cells.setdefault(c, []).append(v)
    cell_of = {v: cells[c] for v, c in enumerate(colours)}
    same = {key: tuple(value) for key, value in counts.items()}
    swapped = {key: (value[1], value[0]) for key, value in counts.items()}

    def extensions(target: dict, sigma: list, used: set, v: int) -> int:
        # Backtracking over images within colour cells, checking every pair among assigned vertices.
        if v == m:
            return 1
        total = 0
        for w in cell_of[v]:
            if w in used:
                continue
            ok = True
            for u in range(v + 1):
                image_u = w if u == v else sigma[u]
                key = (min(u, v), max(u, v))
                image = (min(image_u, w), max(image_u, w))
                if same.get(key, (0, 0)) != target.get(image, (0, 0)):
                    ok = False
                    break
            if ok:
                sigma.append(w)
                used.add(w)
                total += extensions(target, sigma, used, v + 1)
                sigma.pop()
                used.discard(w)
        return total

    stabilizer = extensions(same, [], set(), 0)
    if a_pairs != b_pairs:  # when A = B, "to (B, A)" is the same condition as "to (A, B)"
        stabilizer += extensions(swapped, [], set(), 0)
    return factorial(n) // (stabilizer * factorial(n - m))
