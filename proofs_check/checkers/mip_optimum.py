"""Checker of ``mip-optimum`` certificates: exact bounds on the optimum of the HBDSS ReLU-depth MIP.

STANDARD LIBRARY ONLY.  The checker rebuilds the MIP from ``n`` alone (its own code, not
lincomb's search side), then verifies in exact rational arithmetic

* the incumbent: every variable given, bounds, binaries in {0, 1}, every row, and objective
  ``== claim.lower_bound`` (so the maximum is at least that);
* the symmetries: each permutation of ``{0..n}`` maps variables, bounds, integrality, objective and
  the set of rows onto themselves;
* the branch-and-bound tree over the binaries: a node branches on a free binary (children fix it
  to 0 and 1), or is a leaf closed by multipliers ``lam >= 0`` on named rows, whose safe bound
  ``lam.b + sum_j max(d_j l_j, d_j u_j)`` (``d = c - A^T lam``, bounds of the node) is
  ``<= claim.upper_bound``, or is the image of another node under a symmetry (that node must
  contain no image node in its subtree).

Then every feasible point lies in some leaf's region, so ``max <= upper_bound``.
See ``docs/certificates_mip-optimum.md``.

Examples
--------
>>> model = build_model(2)
>>> len(model.variables), len(model.rows), model.big_m
(17, 30, 6)
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from fractions import Fraction
from itertools import combinations

from ._common import CertificateMalformed, CertificateRejected, field_path, get_int, get_list, get_object, get_objects
from ._common import get_rational, get_rational_fast, get_str, malformed_unless, open_certificate, parse_rational
from ._common import get_choice, reject_unless
from ._exact import common_denominator

KIND = "mip-optimum"
FAMILY = "hbdss-conforming-relu"
MAX_N = 8


@dataclass
class Model:
    """The HBDSS MIP rebuilt from ``n``: names, bounds, binaries, objective and ``<=`` rows.

    Examples
    --------
    >>> m = build_model(4)
    >>> len(m.variables), sum(m.binary.values()), len(m.rows)
    (74, 30, 390)
    """

    n: int
    variables: list
    lower: dict
    upper: dict
    binary: dict
    objective: dict
    rows: dict  # name -> (dict variable -> int, int rhs)
    big_m: int

    @cached_property
    def row_keys(self) -> frozenset:
        """The rows as a set of canonical keys (sorted coefficients, rhs), for symmetry checks.

        Examples
        --------
        >>> len(build_model(2).row_keys)
        30
        """
        return frozenset(_row_key(c, b) for c, b in self.rows.values())


def _row_key(coefficients: dict, rhs) -> tuple:
    return (tuple(sorted(coefficients.items())), rhs)


def _label(subset) -> str:
    return ",".join(str(i) for i in sorted(subset))


def build_model(n: int) -> Model:
    """Rebuild the MIP for ``max{0, x1..xn}`` from its definition (see the module docstring).

    Rays: ``r_S`` = indicator of the complement of ``S`` in coordinates 1..n if 0 is in ``S``, else
    ``-(indicator of S)``; ``G_S = sum_M a_M max_{i in M} r_S[i]`` (with ``r_S[0] = 0``) over the
    ``M`` with ``|M| <= 2``, ``M != {0}``; big-M = number of ``a`` plus one.

    Examples
    --------
    >>> build_model(2).rows["lower[1]"]
    ({'a[1]': -1, 'y[1]': -1}, 0)
    """
    ground = list(range(n + 1))
    subsets = [frozenset(c) for size in range(1, n + 1) for c in combinations(ground, size)]
    basis = [frozenset(c) for size in (1, 2) for c in combinations(ground, size) if c != (0,)]
    big_m = len(basis) + 1

    def ray_value(s, i):
        # coordinate i (0..n) of the ray r_S; coordinate 0 is 0 whether or not 0 is in S
        return int(i not in s) if 0 in s else -int(i in s)

    g = {}  # S -> the form G_S over the a variables (zero coefficients left out)
    for s in subsets:
        values = {f"a[{_label(m)}]": max(ray_value(s, i) for i in m) for m in basis}
        g[s] = {name: value for name, value in values.items() if value}
    minus_g = {s: {name: -value for name, value in form.items()} for s, form in g.items()}
    a_names = [f"a[{_label(m)}]" for m in basis]
    y_name = {s: f"y[{_label(s)}]" for s in subsets}
    z_name = {s: f"z[{_label(s)}]" for s in subsets}
    variables = a_names + list(y_name.values()) + list(z_name.values())
    # (lower, upper, binary) of each variable: a in [-1, 1], y >= 0, z binary
    kinds = [(-1, 1, False)] * len(a_names) + [(0, None, False)] * len(subsets) + [(0, 1, True)] * len(subsets)
    lower, upper, binary = ({v: kind[field] for v, kind in zip(variables, kinds)} for field in range(3))
    objective = {y_name[s]: (-1) ** len(s) for s in subsets}
    rows = {}  # the three rows of each S, then the links; every row's variables are distinct
    for s in subsets:
        lab, y, z = _label(s), y_name[s], z_name[s]
        rows[f"lower[{lab}]"] = ({**g[s], y: -1}, 0)
        rows[f"on[{lab}]"] = ({y: 1, z: -big_m}, 0)
        rows[f"off[{lab}]"] = ({y: 1, **minus_g[s], z: big_m}, big_m)
    for s in subsets:
        for t in subsets:
            if s < t:
                for u, v in ((s, t), (t, s)):
                    rows[f"link[{_label(u)}|{_label(v)}]"] = ({**minus_g[u], z_name[v]: big_m}, big_m)
    return Model(n, variables, lower, upper, binary, objective, rows, big_m)


def _permute_name(name: str, permutation: list) -> str:
    prefix, inner = name.split("[", 1)
    items = sorted(permutation[int(i)] for i in inner[:-1].split(","))
    return f"{prefix}[{_label(items)}]"


def check_symmetry(model: Model, permutation: list, where: str) -> dict:
    """Verify that a permutation of ``{0..n}`` is an automorphism of the model; return the variable map.

    Examples
    --------
    >>> check_symmetry(build_model(2), [0, 2, 1], "s")["a[1]"]
    'a[2]'
    >>> check_symmetry(build_model(2), [1, 0, 2], "s")
    Traceback (most recent call last):
    ...
    lincomb.proofs_check.checkers._common.CertificateRejected: s: the permutation [1, 0, 2] does not map the MIP onto itself (maps a[1] to a[0], which is not a variable)
    """
    def profile(v):
        return model.lower[v], model.upper[v], model.binary[v], model.objective.get(v, 0)

    mapping = {v: _permute_name(v, permutation) for v in model.variables}
    for v, image in mapping.items():
        reject_unless(image in model.lower, f"{where}: the permutation {permutation} does not map the MIP onto itself "
                                            f"(maps {v} to {image}, which is not a variable)")
        reject_unless(profile(v) == profile(image), f"{where}: the permutation {permutation} maps {v} to {image}, "
                                                    "which has other bounds, integrality or objective coefficient")
    images = frozenset(_row_key({mapping[k]: c for k, c in coefficients.items()}, rhs)
                       for coefficients, rhs in model.rows.values())
    reject_unless(images == model.row_keys, f"{where}: the permutation {permutation} does not map the rows onto the rows")
    return mapping


def _check_incumbent(model: Model, incumbent: dict, lower_bound: Fraction) -> None:
    """Conditions: every variable given exactly, within its bounds, binaries 0 or 1, every row holds, and the
    objective equals claim.lower_bound."""
    extra = sorted(set(incumbent) - set(model.lower))
    if extra:
        raise CertificateMalformed(field_path("data.incumbent", extra[0]), "not a variable of the model")
    values = {v: get_rational_fast(incumbent, v, "data.incumbent") for v in model.variables}
    for v, x in values.items():
        upper = x if model.upper[v] is None else model.upper[v]
        reject_unless(model.lower[v] <= x <= upper, f"incumbent: {v} = {x} violates its bounds")
        reject_unless(not model.binary[v] or x in (0, 1), f"incumbent: binary {v} = {x} is not 0 or 1")
    for name, (coefficients, rhs) in model.rows.items():
        lhs = sum(c * values[v] for v, c in coefficients.items())
        if lhs > rhs:
            raise CertificateRejected(f"incumbent violates row {name}: {lhs} > {rhs}")
    value = sum(c * values[v] for v, c in model.objective.items())
    reject_unless(value == lower_bound, f"incumbent has objective {value}, but claim.lower_bound says {lower_bound}")


def _leaf_bound(model: Model, fixings: dict, multipliers: dict) -> Fraction | None:
    """The safe bound of multipliers at a node (None when infinite); integer arithmetic throughout."""
    scale = common_denominator(multipliers.values())
    reduced = {v: c * scale for v, c in model.objective.items()}
    total = 0
    for name, lam in multipliers.items():
        weight = lam.numerator * (scale // lam.denominator)
        coefficients, rhs = model.rows[name]
        total += weight * rhs
        for v, c in coefficients.items():
            reduced[v] = reduced.get(v, 0) - weight * c
    for v, d in reduced.items():
        if d:  # a fixed binary contributes d * its value, a free variable d times the bound its sign picks
            end = fixings[v] if v in fixings else model.upper[v] if d > 0 else model.lower[v]
            if end is None:
                return None
            total += d * end
    return Fraction(total, scale)


def _describe(fixings: dict) -> str:
    if not fixings:
        return "the root"
    shown = ", ".join(f"{v}={x}" for v, x in list(fixings.items())[:6])
    return shown + (", ..." if len(fixings) > 6 else "")


def _is_index(value, size: int) -> bool:
    return type(value) is int and 0 <= value < size  # a JSON integer, not a boolean


def _parse_tree(model: Model, data: dict) -> tuple:
    """``(symmetries, tree)``: data.symmetries, permutations of 0..n, and data.tree as ("branch", variable,
    children) / ("bound", multipliers) / ("image", target, symmetry) nodes.

    Only the shape is checked here (malformed otherwise); what the nodes prove is checked later.
    """
    symmetries = get_list(data, "symmetries", "data")
    for k, perm in enumerate(symmetries):
        ok = isinstance(perm, list) and all(type(p) is int for p in perm) and sorted(perm) == list(range(model.n + 1))
        malformed_unless(ok, f"data.symmetries[{k}]", f"expected a permutation of 0..{model.n} as a list of integers")
    nodes = get_objects(data, "tree", "data", empty="the tree has no nodes")
    tree = []
    for where, node in nodes:
        if sum(k in node for k in ("branch", "bound", "image_of")) != 1:  # per node: if/raise, no eager message
            raise CertificateMalformed(where, "a node has exactly one of branch, bound, image_of")
        if "branch" in node:
            variable = get_str(node, "branch", where)
            children = get_list(node, "children", where)
            if len(children) != 2 or not all(type(c) is int for c in children):  # JSON integers, not booleans
                raise CertificateMalformed(field_path(where, "children"), "expected two node indices")
            tree.append(("branch", variable, children))
        elif "bound" in node:
            multipliers = {}
            for name, value in get_object(node, "bound", where).items():
                path = field_path(field_path(where, "bound"), name)
                malformed_unless(name in model.rows, path, "not a row of the model")
                multipliers[name] = parse_rational(value, path)
            tree.append(("bound", multipliers))
        else:
            if not _is_index(node["image_of"], len(nodes)):
                raise CertificateMalformed(field_path(where, "image_of"), "expected a node index")
            if not _is_index(node.get("symmetry"), len(symmetries)):
                raise CertificateMalformed(field_path(where, "symmetry"), "expected an index into data.symmetries")
            tree.append(("image", node["image_of"], node["symmetry"]))
    return symmetries, tree


def _node_fixings(model: Model, tree: list) -> dict:
    """Walk the tree from the root: each node's fixing of binaries, in walk order (a parent before its children).

    Conditions: a branch fixes a binary of the model not fixed above it, to 0 and to 1 (both
    children are nodes); every node is reached exactly once.
    """
    fixings_of: dict[int, dict] = {}
    reached, stack = {0}, [(0, {})]
    while stack:
        i, fixings = stack.pop()
        fixings_of[i] = fixings
        if tree[i][0] != "branch":
            continue
        _, variable, children = tree[i]
        if not model.binary.get(variable):  # per node: if/raise, the message is built only on failure
            raise CertificateRejected(f"tree node {i}: branching variable {variable!r} is not a binary of the model")
        if variable in fixings:
            raise CertificateRejected(f"tree node {i}: branching variable {variable} is already fixed at this node")
        for value, child in enumerate(children):
            if not 0 < child < len(tree):
                raise CertificateRejected(f"tree node {i} ({_describe(fixings)}): child {child} is not a node of the tree; the tree does not cover {variable}={value}")
            reject_unless(child not in reached, f"tree node {child} appears twice in the tree")
            reached.add(child)
            stack.append((child, {**fixings, variable: value}))
    unused = next((i for i in range(len(tree)) if i not in fixings_of), None)
    reject_unless(unused is None, f"tree node {unused} is not reachable from the root")
    return fixings_of


def _check_leaves(model: Model, tree: list, fixings_of: dict, upper_bound: Fraction) -> int:
    """Condition: at each leaf, multipliers >= 0 whose safe bound is finite and <= claim.upper_bound."""
    leaves = sorted(i for i in fixings_of if tree[i][0] == "bound")
    for i in leaves:
        for name, lam in tree[i][1].items():
            if lam < 0:
                raise CertificateRejected(f"tree node {i}: multiplier of row {name} is negative ({lam})")
        fixings = fixings_of[i]
        bound = _leaf_bound(model, fixings, tree[i][1])  # a zero multiplier adds nothing there
        where = f"tree node {i} ({_describe(fixings)})"
        reject_unless(bound is not None, f"{where}: the multipliers leave an unbounded direction "
                                         "(a variable without an upper bound has a positive reduced cost)")
        reject_unless(bound <= upper_bound,
                      f"{where}: the multipliers bound the leaf by {bound}, which exceeds claim.upper_bound = {upper_bound}")
    return len(leaves)


def _check_images(model: Model, tree: list, fixings_of: dict, symmetries: list) -> int:
    """Conditions: an image node's target subtree is closed by multipliers only, and the symmetry is an
    automorphism of the model that maps the target's fixing onto the image node's fixing."""
    has_image: dict[int, bool] = {}
    order = list(fixings_of)  # the walk order
    for i in reversed(order):  # children come after their parent
        has_image[i] = tree[i][0] == "image" or (tree[i][0] == "branch" and any(has_image[c] for c in tree[i][2]))
    checked_maps: dict[int, dict] = {}
    images = [(i, tree[i][1], tree[i][2]) for i in order if tree[i][0] == "image"]
    for i, target, k in sorted(images):
        if has_image[target]:  # per image node: if/raise, the message is built only on failure
            raise CertificateRejected(f"tree node {i}: its image_of node {target} has image nodes in its subtree "
                                      "(images must point to subtrees proved by multipliers)")
        if k not in checked_maps:
            checked_maps[k] = check_symmetry(model, symmetries[k], f"data.symmetries[{k}]")
        mapped = {checked_maps[k][v]: x for v, x in fixings_of[target].items()}
        if mapped != fixings_of[i]:
            raise CertificateRejected(f"tree node {i} ({_describe(fixings_of[i])}): symmetry {k} maps the fixing "
                                      f"of node {target} to ({_describe(mapped)}), not to this node's fixing")
    return len(images)


def verify(cert: dict) -> str:
    """Verify a ``mip-optimum`` certificate; return a one-line summary.

    Raises
    ------
    CertificateMalformed
        A missing or mistyped field (named).
    CertificateRejected
        The data does not prove the claim (the message names the node, row or symmetry).

    Examples
    --------
    >>> cert = {"format": "lincomb-certificate", "version": 1, "kind": KIND,
    ...         "claim": {"statement": "s", "model": {"family": FAMILY, "n": 2},
    ...                   "sense": "maximize", "lower_bound": "0", "upper_bound": "0"},
    ...         "data": {}, "provenance": {"lincomb": "0.1.0", "solver": "hand", "seconds": 0}}
    >>> verify(cert)
    Traceback (most recent call last):
    ...
    lincomb.proofs_check.checkers._common.CertificateMalformed: data.incumbent: missing required field
    """
    claim, data = open_certificate(cert, KIND)
    model_spec = get_object(claim, "model", "claim")
    get_choice(model_spec, "family", "claim.model", (FAMILY,), "unknown model family {value!r}; this checker reads " + repr(FAMILY))
    n = get_int(model_spec, "n", "claim.model", minimum=2)
    malformed_unless(n <= MAX_N, "claim.model.n", f"must be <= {MAX_N}, got {n}")
    get_choice(claim, "sense", "claim", ("maximize",), "expected 'maximize', got {value!r}")
    lower_bound, upper_bound = get_rational(claim, "lower_bound", "claim"), get_rational(claim, "upper_bound", "claim")
    reject_unless(lower_bound <= upper_bound, f"claim.lower_bound {lower_bound} exceeds claim.upper_bound {upper_bound}")
    incumbent = get_object(data, "incumbent", "data")
    model = build_model(n)
    _check_incumbent(model, incumbent, lower_bound)
    # the tree: parse it, recompute each node's fixing, then check the leaves and the images
    symmetries, tree = _parse_tree(model, data)
    fixings_of = _node_fixings(model, tree)
    leaves = _check_leaves(model, tree, fixings_of, upper_bound)
    image_count = _check_images(model, tree, fixings_of, symmetries)
    stated = get_int(data, "leaves", "data", minimum=0)
    reject_unless(stated == leaves, f"data.leaves says {stated}, the tree has {leaves} leaves closed by multipliers")
    what = f"max = {lower_bound}" if lower_bound == upper_bound else f"{lower_bound} <= max <= {upper_bound}"
    return f"HBDSS MIP n={n}: {what}; {leaves} leaves closed by multipliers, {image_count} by symmetry"
