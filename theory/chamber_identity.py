"""An exact identity test chamber by chamber of the braid fan, for CPWL programs that are affine there but
for a last layer of hinges.

The cell tree of :func:`lincomb.theory.identity.prove_identity` branches on every ``max`` node, which
is hopeless for the 2-hidden-layer networks of max_n (497 second-layer neurons for n = 6).  Those
networks have a structure this test uses instead: their first layer only compares coordinates
(``relu(x_i - x_j)`` and pass-through pairs), so on each closed chamber of the braid fan
``C_s = {x : x_s(1) <= x_s(2) <= ... <= x_s(n)}`` every first-layer neuron is affine, and the second
layer is a sum of hinges ``c relu(h(x))`` of affine functions ``h``.

**The test.**  For each of the n! permutations ``s`` the program ``lhs - rhs`` is evaluated
symbolically on ``C_s``: every value is an affine function plus a combination of hinges.  A ``max``
node of affine arguments is *decided* when one argument ``a`` satisfies ``a - b >= 0`` on ``C_s``
for every other argument ``b``; then it equals ``a`` there.  That is exact and finite: ``C_s`` is the
cone spanned by the rays ``r_k = e_s(k) + ... + e_s(n)`` (k = 2..n) and the line through
``1 = (1, ..., 1)``, so an affine ``f = l.x + c`` is ``>= 0`` on it iff ``c >= 0``, ``l.1 = 0`` and
``l.r_k >= 0`` for all k.  An undecided ``max(a, b)`` of two affine arguments becomes
``b + relu(a - b)``, a hinge; anything else (three undecided arguments, a maximum of hinges) is
outside this test's scope and raises :class:`~lincomb.errors.UsageError`, naming
:func:`~lincomb.theory.identity.prove_identity` as the alternative.

At the output, a hinge of constant sign on ``C_s`` is affine there (``relu(h) = h`` or 0); the others
are written as ``c relu(h)`` with ``h`` scaled to a primitive integer vector (``relu(t h) = t relu(h)``
for ``t > 0``) of a fixed sign (``relu(-h) = relu(h) - h``) and collected.  **lhs = rhs on C_s iff the
affine part and every collected coefficient are 0.**  "If" is immediate.  "Only if": each remaining
``h`` takes both signs on ``C_s``, so its hyperplane meets the interior of ``C_s``; at a point of that
hyperplane in the interior and on no other one, the gradient of ``lhs - rhs`` jumps by ``c h``, which
must vanish.  The chambers cover R^n, so lhs = rhs everywhere iff it holds on every chamber; when it
fails, a rational point of the chamber where the two differ is searched for and reported.

The certificate kind ``braid-chamber-identity`` (``docs/certificates_braid_chamber_identity.md``) has
no search data to check: its stdlib checker repeats this computation independently.

Examples
--------
>>> from lincomb.theory.constructions import max_function, max_network
>>> result = prove_identity_on_braid_chambers(max_network(3).to_program(), max_function(3).to_program())
>>> result.equal, result.chambers
(True, 6)
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from fractions import Fraction
from itertools import permutations

from lincomb.errors import ShapeError, UsageError

from .identity import first_primes
from .program import Program, difference_program

__all__ = ["ChamberIdentityResult", "braid_chamber_rays", "chamber_expansion", "prove_identity_on_braid_chambers"]

#: The largest dimension tried by default: n! chambers (40,320 at n = 8).
MAX_DIMENSION = 8


@dataclass
class ChamberIdentityResult:
    """The outcome of :func:`prove_identity_on_braid_chambers`.

    Attributes
    ----------
    equal : bool
        Whether lhs and rhs agree on all of R^n.
    chambers : int
        Chambers examined (n! when equal).
    hinges : int
        The largest number of distinct hinge hyperplanes crossing one chamber's interior (their
        coefficients cancel when equal).
    differing_chamber : tuple of int or None
        The permutation ``s`` (0-based) of a chamber where they differ.
    counterexample : tuple of Fraction or None
        A rational point of that chamber where they differ (when one was found).
    seconds : float

    Examples
    --------
    >>> ChamberIdentityResult(True, 2, 0).equal
    True
    """

    equal: bool
    chambers: int
    hinges: int
    differing_chamber: tuple | None = None
    counterexample: tuple | None = None
    seconds: float = 0.0


def braid_chamber_rays(permutation) -> list[tuple[int, ...]]:
    """The rays ``r_k = e_s(k) + ... + e_s(n)`` (k = 2..n) of the chamber ``x_s(1) <= ... <= x_s(n)``.

    With the line through ``(1, ..., 1)`` they span the chamber.

    Examples
    --------
    >>> braid_chamber_rays((2, 0, 1))        # x3 <= x1 <= x2
    [(1, 1, 0), (0, 1, 0)]
    """
    n = len(permutation)
    if sorted(permutation) != list(range(n)):
        raise ShapeError(f"{permutation!r} is not a permutation of 0..{n - 1}")
    rays = []
    for k in range(1, n):
        ray = [0] * n
        for i in permutation[k:]:
            ray[i] = 1
        rays.append(tuple(ray))
    return rays


def _sign_on_chamber(affine, rays) -> int:
    """+1 if ``affine >= 0`` on the chamber, -1 if ``<= 0``, 0 if it takes both signs (``affine`` has n + 1 entries)."""
    linear, constant = affine[:-1], affine[-1]
    if sum(linear) != 0:
        return 0
    values = [sum(a for a, r in zip(linear, ray) if r) for ray in rays]
    if constant >= 0 and all(v >= 0 for v in values):
        return 1
    if constant <= 0 and all(v <= 0 for v in values):
        return -1
    return 0


def _primitive(affine) -> tuple[tuple, Fraction]:
    """``(h, t)`` with ``affine = t h``, ``t > 0``, ``h`` a primitive integer vector."""
    denominator = 1
    for a in affine:
        denominator = denominator * Fraction(a).denominator // math.gcd(denominator, Fraction(a).denominator)
    integers = [int(Fraction(a) * denominator) for a in affine]
    divisor = 0
    for a in integers:
        divisor = math.gcd(divisor, a)
    return tuple(a // divisor for a in integers), Fraction(divisor, denominator)


def _add(target: list, vector, coefficient) -> None:
    for i, v in enumerate(vector):
        if v:
            target[i] += coefficient * v


def chamber_expansion(program: Program, permutation) -> tuple[tuple, dict]:
    """``program`` on the chamber of ``permutation`` as ``(affine, {h: c})``: ``affine + sum c relu(h)``.

    ``affine`` and each ``h`` have n + 1 entries (linear part, then constant); every ``h`` is primitive,
    takes both signs on the chamber, and its first non-zero entry is positive; distinct ``h`` are
    distinct hyperplanes.  Zero coefficients are dropped.

    Raises
    ------
    UsageError
        When a ``max`` node is neither decided on the chamber nor a maximum of two affine arguments.

    Examples
    --------
    >>> p = Program(2)
    >>> p.output = p.max([p.lin({0: 1, 1: -1}), p.constant(0)])            # relu(x1 - x2)
    >>> chamber_expansion(p, (0, 1)), chamber_expansion(p, (1, 0))        # x1 <= x2, then x2 <= x1
    (((0, 0, 0), {}), ((1, -1, 0), {}))
    >>> q = Program(2); q.output = q.max([0, q.constant(0)])               # relu(x1): crosses both chambers
    >>> chamber_expansion(q, (0, 1))
    ((0, 0, 0), {(1, 0, 0): 1})
    """
    # The public form drops the hyperplanes whose coefficients cancelled; _expansion keeps them.
    affine, collected = _expansion(program, permutation)
    return affine, {h: c for h, c in collected.items() if c}


def _expansion(program: Program, permutation) -> tuple[tuple, dict]:
    """``chamber_expansion`` with the cancelled hyperplanes kept (coefficient 0)."""
    n = program.dimension
    if len(permutation) != n:
        raise ShapeError(f"the permutation has {len(permutation)} entries for a program on R^{n}")
    rays = braid_chamber_rays(permutation)
    width = n + 1
    affine: list = [tuple(1 if j == i else 0 for j in range(width)) for i in range(n)]
    hinges: list = [None] * n  # None: no hinge part
    for index, node in enumerate(program.nodes):
        if node[0] == "lin":
            _, constant, terms = node
            value = [0] * width
            value[-1] = constant
            combined: dict | None = None
            for source, coefficient in terms:
                _add(value, affine[source], coefficient)
                if hinges[source]:
                    combined = {} if combined is None else combined
                    for key, c in hinges[source].items():
                        combined[key] = combined.get(key, 0) + coefficient * c
            affine.append(tuple(value))
            hinges.append(combined)
            continue
        arguments = node[1]
        if any(hinges[a] for a in arguments):
            raise UsageError(
                f"node {n + index}: a maximum of non-affine functions on the chamber {permutation}; this test "
                "covers programs affine on braid chambers up to a last layer of hinges, use prove_identity"
            )
        values = [affine[a] for a in arguments]
        winner = None
        for candidate in values:
            if all(_sign_on_chamber(tuple(c - o for c, o in zip(candidate, other)), rays) > 0
                   for other in values if other is not candidate):
                winner = candidate
                break
        if winner is not None:
            affine.append(winner)
            hinges.append(None)
        elif len(set(values)) == 2 and len(values) == 2:
            first, second = values
            affine.append(second)
            hinges.append({tuple(a - b for a, b in zip(first, second)): 1})
        else:
            raise UsageError(
                f"node {n + index}: a maximum of {len(values)} affine functions not decided on the chamber "
                f"{permutation}; this test handles two undecided arguments at most, use prove_identity"
            )
    output = program.output
    result = list(affine[output])
    collected: dict = {}
    for raw, coefficient in (hinges[output] or {}).items():
        if not coefficient:
            continue
        sign = _sign_on_chamber(raw, rays)
        if sign > 0:
            _add(result, raw, coefficient)
            continue
        if sign < 0:
            continue
        h, scale = _primitive(raw)
        if next(a for a in h if a) < 0:  # relu(-h) = relu(h) - h
            h = tuple(-a for a in h)
            _add(result, h, -coefficient * scale)
        collected[h] = collected.get(h, 0) + coefficient * scale
    return tuple(_plain(v) for v in result), {h: _plain(c) for h, c in collected.items()}


def _plain(value):
    """An int when integral, else a Fraction (readable output)."""
    value = Fraction(value)
    return value.numerator if value.denominator == 1 else value


def _interior_points(permutation, rays):
    """A few rational points of the chamber's interior, generic and near each ray."""
    n = len(permutation)
    weights_list = [[Fraction(1, p) for p in first_primes(n - 1)]]
    for k in range(n - 1):
        weights_list.append([Fraction(1, 97 + i) if i != k else Fraction(1) for i in range(n - 1)])
    for weights in weights_list:
        point = [Fraction(-1, 3)] * n
        for w, ray in zip(weights, rays):
            point = [p + w * r for p, r in zip(point, ray)]
        yield tuple(point)


def prove_identity_on_braid_chambers(lhs: Program, rhs: Program, *, progress=None,
                                     max_dimension: int = MAX_DIMENSION) -> ChamberIdentityResult:
    """Decide exactly whether two programs agree on R^n, one braid chamber at a time (module text).

    Parameters
    ----------
    lhs, rhs : Program
        Programs on the same R^n, affine on every braid chamber up to a last layer of hinges.
    progress : callable, optional
        Called as ``progress(chambers_done, total)`` after every twentieth of the chambers.
    max_dimension : int
        Refuse n above this (n! chambers); raise it deliberately for larger runs.

    Returns
    -------
    ChamberIdentityResult

    Examples
    --------
    >>> from lincomb.theory.constructions import max_function
    >>> p = Program(2); p.output = p.lin({0: 1})
    >>> result = prove_identity_on_braid_chambers(max_function(2).to_program(), p)
    >>> result.equal, result.differing_chamber, result.counterexample
    (False, (0, 1), (Fraction(-1, 3), Fraction(1, 6)))
    """
    if lhs.dimension != rhs.dimension:
        raise ShapeError(f"cannot compare functions on R^{lhs.dimension} and R^{rhs.dimension}")
    n = lhs.dimension
    if n > max_dimension:
        raise UsageError(f"n = {n} means {math.factorial(n)} chambers; pass max_dimension={n} to run it anyway")
    started = time.perf_counter()
    program = difference_program(lhs, rhs)
    total = math.factorial(n)
    most = 0
    step = max(1, total // 20)
    for done, permutation in enumerate(permutations(range(n))):
        if progress is not None and done and done % step == 0:
            progress(done, total)
        affine, collected = _expansion(program, permutation)
        most = max(most, len(collected))
        if any(affine) or any(collected.values()):
            witness = next((point for point in _interior_points(permutation, braid_chamber_rays(permutation))
                            if lhs.evaluate(point) != rhs.evaluate(point)), None)
            return ChamberIdentityResult(False, done + 1, most, tuple(permutation), witness,
                                         time.perf_counter() - started)
    return ChamberIdentityResult(True, total, most, seconds=time.perf_counter() - started)
