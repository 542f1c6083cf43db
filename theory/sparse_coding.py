"""Exact statements behind sparse-coding attention and kernel similarity matching.

Three facts, each stated and computed exactly (``fractions.Fraction`` and sympy, never floats):

1. **Lifting extrapolates progressions.**  Sparse-coding attention gives the target token the
   coefficients ``alpha_L = sum_{i<L} lambda_i alpha_i`` of the context tokens before it.  When the
   contexts' coefficients follow a polynomial of degree < L-1 in the position (an arithmetic
   progression for L = 3), the one choice of lambda that continues *every* such sequence is the
   solution of a Vandermonde system: :func:`extrapolation_coefficients`; for two context rows it
   is ``(-1, 2)``, because ``-a + 2 (a + d) = a + 2d``.
2. **Zero-content targets.**  A target token with no content (all zeros) has the attention scores
   ``0 . W x_s = 0`` against every key.  Soft-thresholding ``sign(s) max(|s| - xi, 0)`` with
   ``xi >= 0`` maps them to exactly 0, while softmax maps them to the uniform distribution ``1/T``,
   so softmax attention returns the plain average of the values: :func:`zero_target_attention`.
3. **The KSM rank-1 bound** (Luther & Seung 2022).  For a positive semidefinite kernel f, outputs
   y and a landmark w, with ``A = (1/T^2) sum y_t y_t' f(x_t, x_t')``,
   ``B = (1/T) sum y_t f(x_t, w)`` and ``C = f(w, w)``:
   ``A >= 2 q B - q^2 C`` for every real q, since the difference is the squared RKHS norm of
   ``(1/T) sum y_t phi(x_t) - q phi(w)``; the right side is maximised by
   ``q* = C^+ B = f(w, w)^+ <y f(x, w)>`` (the rank-1 Nystrom coefficient with landmark w):
   :func:`ksm_rank1_bound`.

This module is theory: it imports neither torch nor numpy.

Examples
--------
>>> extrapolation_coefficients(2)
(Fraction(-1, 1), Fraction(2, 1))
>>> soft_threshold(0, "1/10"), soft_threshold("-1/2", "1/10")
(Fraction(0, 1), Fraction(-2, 5))
>>> bound = ksm_rank1_bound([[1, 0], [0, 1]], [1, 1], [1, 1], polynomial_kernel(1, 2))
>>> bound.q_star
Fraction(4, 9)
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Callable, Sequence

import sympy

from lincomb.errors import ShapeError, UsageError

from .rationals import to_rational, to_rational_vector

__all__ = [
    "KSMRank1Bound",
    "PolynomialKernel",
    "ZeroTargetAttention",
    "extrapolation_coefficients",
    "gram_ldl",
    "ksm_rank1_bound",
    "lift",
    "polynomial_kernel",
    "prove_extrapolation_symbolically",
    "prove_ksm_rank1_symbolically",
    "prove_zero_target_symbolically",
    "soft_threshold",
    "zero_target_attention",
]


# ---------------------------------------------------------------------------------------------
# 1. Lifting
# ---------------------------------------------------------------------------------------------
def extrapolation_coefficients(context_length: int) -> tuple[Fraction, ...]:
    """The unique lifting coefficients that continue every polynomial sequence of degree < n.

    With ``n = context_length`` context values ``a_1, ..., a_n`` the target is ``a_{n+1}``.
    The coefficients lambda with ``sum_i lambda_i p(i) = p(n + 1)`` for every polynomial p of
    degree < n solve the Vandermonde system ``sum_i lambda_i i^k = (n+1)^k`` (k = 0..n-1), which
    has exactly one solution because the nodes 1..n are distinct.  In closed form
    ``lambda_i = (-1)^(n-i) binomial(n, i-1)``.

    Parameters
    ----------
    context_length : int
        Number n >= 1 of context positions before the target (2 for a 3x3 panel grid: the target
        row is lifted from rows 1 and 2).

    Returns
    -------
    tuple of Fraction
        ``(lambda_1, ..., lambda_n)``.

    Raises
    ------
    UsageError
        When ``context_length`` is not a positive integer.

    Examples
    --------
    >>> extrapolation_coefficients(2)          # arithmetic progressions: -a + 2(a + d) = a + 2d
    (Fraction(-1, 1), Fraction(2, 1))
    >>> [str(c) for c in extrapolation_coefficients(3)]   # quadratic sequences
    ['1', '-3', '3']
    """
    if isinstance(context_length, bool) or not isinstance(context_length, int) or context_length < 1:
        raise UsageError(f"context_length must be a positive integer, got {context_length!r}")
    n = context_length
    # Solve the Vandermonde system exactly (sympy over QQ); the closed form is only a comment.
    matrix = sympy.Matrix(n, n, lambda k, i: sympy.Integer(i + 1) ** k)
    rhs = sympy.Matrix(n, 1, lambda k, _: sympy.Integer(n + 1) ** k)
    solution = matrix.LUsolve(rhs)
    return tuple(Fraction(int(sympy.fraction(v)[0]), int(sympy.fraction(v)[1])) for v in solution)


def lift(context_values: Sequence, coefficients: Sequence) -> Fraction:
    """The lifted target value ``sum_i lambda_i a_i``, exactly.

    Parameters
    ----------
    context_values : sequence of rationals
        ``a_1, ..., a_n`` (e.g. one sparse-code coefficient of the context rows).
    coefficients : sequence of rationals
        ``lambda_1, ..., lambda_n``.

    Examples
    --------
    >>> lift([3, 5], [-1, 2])                    # 3, 5, 7
    Fraction(7, 1)
    >>> lift(["1/2"], [1, 2])
    Traceback (most recent call last):
    ...
    lincomb.errors.ShapeError: 1 context values but 2 lifting coefficients; give one coefficient per context position
    """
    values = to_rational_vector(context_values, "context_values")
    lambdas = to_rational_vector(coefficients, "coefficients")
    if len(values) != len(lambdas):
        raise ShapeError(
            f"{len(values)} context values but {len(lambdas)} lifting coefficients; "
            "give one coefficient per context position"
        )
    return sum((v * c for v, c in zip(values, lambdas)), Fraction(0))


def prove_extrapolation_symbolically(context_length: int = 2) -> dict:
    """Prove with sympy that the lifting continues every polynomial sequence, and uniquely.

    For symbolic polynomial coefficients ``c_0..c_{n-1}`` the identity
    ``sum_i lambda_i p(i) - p(n+1) = 0`` is expanded and checked to be identically zero; the
    linear system for lambda is solved symbolically and has exactly one solution.

    Returns
    -------
    dict
        ``{"coefficients": (...), "identity_holds": True, "unique": True, "residual": 0}``.

    Examples
    --------
    >>> result = prove_extrapolation_symbolically(2)
    >>> result["identity_holds"], result["unique"], result["coefficients"]
    (True, True, (Fraction(-1, 1), Fraction(2, 1)))
    """
    n = context_length
    lambdas = extrapolation_coefficients(n)
    cs = sympy.symbols(f"c0:{n}")
    position = sympy.Symbol("i")
    polynomial = sum(c * position**k for k, c in enumerate(cs))
    residual = sympy.expand(
        sum(sympy.Rational(l.numerator, l.denominator) * polynomial.subs(position, i + 1) for i, l in enumerate(lambdas))
        - polynomial.subs(position, n + 1)
    )
    unknowns = sympy.symbols(f"lambda1:{n + 1}")
    equations = [
        sum(u * sympy.Integer(i + 1) ** k for i, u in enumerate(unknowns)) - sympy.Integer(n + 1) ** k
        for k in range(n)
    ]
    solutions = sympy.linsolve(equations, unknowns)
    unique = len(solutions) == 1 and all(not v.free_symbols for v in next(iter(solutions)))
    return {"coefficients": lambdas, "identity_holds": residual == 0, "unique": unique, "residual": residual}


# ---------------------------------------------------------------------------------------------
# 2. Zero-content targets: soft-thresholding vs softmax
# ---------------------------------------------------------------------------------------------
def soft_threshold(value, threshold) -> Fraction:
    """Soft-thresholding ``sign(s) max(|s| - xi, 0)``, exactly.

    Parameters
    ----------
    value : rational
    threshold : rational
        ``xi >= 0``.

    Raises
    ------
    UsageError
        For a negative threshold (then 0 would not map to 0).

    Examples
    --------
    >>> soft_threshold("3/10", "1/10"), soft_threshold("1/20", "1/10")
    (Fraction(1, 5), Fraction(0, 1))
    """
    s = to_rational(value, "value")
    xi = to_rational(threshold, "threshold")
    if xi < 0:
        raise UsageError(f"the soft-threshold xi must be >= 0, got {xi}")
    magnitude = abs(s) - xi
    if magnitude <= 0:
        return Fraction(0)
    return magnitude if s > 0 else -magnitude


def _matrix(rows, what: str) -> list[list[Fraction]]:
    matrix = [list(to_rational_vector(row, f"{what}[{r}]")) for r, row in enumerate(rows)]
    if not matrix or any(len(row) != len(matrix[0]) for row in matrix):
        raise ShapeError(f"{what} must be a non-empty rectangular matrix")
    return matrix


def _matmul(a, b):
    return [[sum((a[i][k] * b[k][j] for k in range(len(b))), Fraction(0)) for j in range(len(b[0]))] for i in range(len(a))]


@dataclass(frozen=True)
class ZeroTargetAttention:
    """The exact attention of zero-content target tokens (see :func:`zero_target_attention`).

    Attributes
    ----------
    scores : list of list of Fraction
        ``S = X W X^T`` (tokens x tokens).
    sparse_codes : list of list of Fraction
        Soft-thresholded scores (the sparse-coding coefficients), every row.
    softmax_target_weights : dict
        Target row -> its softmax weights, exact (uniform ``1/T`` when the scores are equal).
    sparse_target_outputs, softmax_target_outputs : dict
        Target row -> output vector ``alpha V``.
    values : list of list of Fraction
        ``V = X W_v``.

    Examples
    --------
    >>> r = zero_target_attention([[1, 0], [0, 0]], [[1, 0], [0, 1]], [[1, 0], [0, 1]], "1/10", [1])
    >>> r.sparse_target_outputs[1], r.softmax_target_outputs[1]
    ([Fraction(0, 1), Fraction(0, 1)], [Fraction(1, 2), Fraction(0, 1)])
    """

    scores: list
    sparse_codes: list
    values: list
    softmax_target_weights: dict
    sparse_target_outputs: dict
    softmax_target_outputs: dict

    @property
    def sparse_targets_are_zero(self) -> bool:
        """True when every target's sparse code and output is exactly zero.

        Examples
        --------
        >>> zero_target_attention([[1], [0]], [[1]], [[1]], 0, [1]).sparse_targets_are_zero
        True
        """
        zero = Fraction(0)
        return all(all(v == zero for v in out) for out in self.sparse_target_outputs.values()) and all(
            all(v == zero for v in self.sparse_codes[t]) for t in self.sparse_target_outputs
        )


def zero_target_attention(tokens, score_matrix, value_matrix, threshold, target_rows) -> ZeroTargetAttention:
    """Exact attention of tokens whose target rows are zero: soft-threshold vs softmax.

    Scores ``S = X W X^T``; sparse codes ``soft_threshold(S, xi)``; softmax weights of a target row
    are computed only when its scores are all equal (true for a zero row, since
    ``S[t] = 0 . W X^T = 0``), where softmax is exactly uniform by shift invariance
    (``exp(s) / (T exp(s)) = 1/T``) -- no exponential is evaluated.

    Parameters
    ----------
    tokens : matrix of rationals
        X, tokens x d; the rows in ``target_rows`` must be zero.
    score_matrix : matrix of rationals
        W (d x d), the encoding product ``W_qk``.
    value_matrix : matrix of rationals
        W_v (d x e), the decoding dictionary map ``W_vo``.
    threshold : rational
        xi >= 0.
    target_rows : sequence of int

    Raises
    ------
    UsageError
        When a target row is not zero (then the statement does not apply), or shapes mismatch.

    Examples
    --------
    >>> r = zero_target_attention([[2, 1], [0, 0]], [[1, 0], [0, 1]], [[1, 0], [0, 1]], "1/2", [1])
    >>> r.softmax_target_weights[1]
    [Fraction(1, 2), Fraction(1, 2)]
    >>> r.sparse_codes[0]
    [Fraction(9, 2), Fraction(0, 1)]
    """
    x = _matrix(tokens, "tokens")
    w = _matrix(score_matrix, "score_matrix")
    wv = _matrix(value_matrix, "value_matrix")
    d = len(x[0])
    if len(w) != d or len(w[0]) != d or len(wv) != d:
        raise ShapeError(f"tokens have {d} columns; score_matrix must be {d}x{d} and value_matrix must have {d} rows")
    xi = to_rational(threshold, "threshold")
    if xi < 0:
        raise UsageError(f"the soft-threshold xi must be >= 0, got {xi}")
    targets = list(target_rows)
    for t in targets:
        if not (0 <= t < len(x)):
            raise ShapeError(f"target row {t} is out of range 0..{len(x) - 1}")
        if any(v != 0 for v in x[t]):
            raise UsageError(f"target row {t} is not zero; the statement is about zero-content targets")
    xt = [list(col) for col in zip(*x)]
    scores = _matmul(_matmul(x, w), xt)
    codes = [[soft_threshold(s, xi) for s in row] for row in scores]
    values = _matmul(x, wv)
    count = len(x)
    weights, sparse_out, softmax_out = {}, {}, {}
    for t in targets:
        if len(set(scores[t])) != 1:  # cannot happen for a zero row; kept as a guard
            raise UsageError(f"target row {t} has unequal scores")
        weights[t] = [Fraction(1, count)] * count
        softmax_out[t] = [sum((weights[t][s] * values[s][j] for s in range(count)), Fraction(0)) for j in range(len(wv[0]))]
        sparse_out[t] = [sum((codes[t][s] * values[s][j] for s in range(count)), Fraction(0)) for j in range(len(wv[0]))]
    return ZeroTargetAttention(scores, codes, values, weights, sparse_out, softmax_out)


def prove_zero_target_symbolically(dimension: int = 3, tokens: int = 3) -> dict:
    """Prove with sympy, for symbolic W, contexts and xi >= 0, the zero-target statement.

    The score of a zero query against any symbolic key is the zero polynomial; soft-thresholding
    of 0 with a symbolic ``xi >= 0`` is ``max(-xi, 0) = 0``; softmax of ``T`` equal scores
    ``s`` is ``exp(s) / (T exp(s)) = 1/T``.

    Returns
    -------
    dict
        ``{"scores_zero": True, "sparse_code_zero": True, "softmax_uniform": True}``.

    Examples
    --------
    >>> prove_zero_target_symbolically(2, 3)
    {'scores_zero': True, 'sparse_code_zero': True, 'softmax_uniform': True}
    """
    w = sympy.Matrix(dimension, dimension, lambda i, j: sympy.Symbol(f"w{i}{j}"))
    keys = [sympy.Matrix(dimension, 1, lambda i, _: sympy.Symbol(f"x{s}_{i}")) for s in range(tokens)]
    query = sympy.zeros(dimension, 1)
    scores = [sympy.expand((query.T * w * key)[0, 0]) for key in keys]
    xi = sympy.Symbol("xi", nonnegative=True)
    score = sympy.Symbol("s", real=True)
    soft = sympy.sign(score) * sympy.Max(sympy.Abs(score) - xi, 0)
    sparse_zero = all(sympy.simplify(soft.subs(score, sc)) == 0 for sc in scores)
    softmax = [sympy.exp(score) / sum(sympy.exp(score) for _ in range(tokens)) for _ in range(tokens)]
    uniform = all(sympy.simplify(p - sympy.Rational(1, tokens)) == 0 for p in softmax)
    return {"scores_zero": all(sc == 0 for sc in scores), "sparse_code_zero": bool(sparse_zero), "softmax_uniform": bool(uniform)}


# ---------------------------------------------------------------------------------------------
# 3. The KSM rank-1 bound
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PolynomialKernel:
    """The polynomial kernel ``f(x, y) = (c + x . y)^p`` with rational c >= 0: exact and PSD.

    (A sum of products of PSD kernels with non-negative weights; its values at rational points are
    rational, which is why the exact KSM statement uses it instead of the Gaussian kernel.)

    Examples
    --------
    >>> polynomial_kernel(1, 2)([1, 2], ["1/2", 0])
    Fraction(9, 4)
    """

    offset: Fraction
    degree: int

    def __call__(self, x, y) -> Fraction:
        """``(c + x . y)^p``, exactly.

        Examples
        --------
        >>> PolynomialKernel(Fraction(0), 1)([1, 1], [2, 3])
        Fraction(5, 1)
        """
        xs, ys = to_rational_vector(x, "x"), to_rational_vector(y, "y")
        if len(xs) != len(ys):
            raise ShapeError(f"kernel arguments have lengths {len(xs)} and {len(ys)}")
        return (self.offset + sum((a * b for a, b in zip(xs, ys)), Fraction(0))) ** self.degree

    def to_json(self) -> dict:
        """``{"type": "polynomial", "offset": "p/q", "degree": p}``, as certificates store it.

        Examples
        --------
        >>> polynomial_kernel("1/2", 3).to_json()
        {'type': 'polynomial', 'offset': '1/2', 'degree': 3}
        """
        from .rationals import rational_str

        return {"type": "polynomial", "offset": rational_str(self.offset), "degree": self.degree}


def polynomial_kernel(offset=1, degree: int = 2) -> PolynomialKernel:
    """Build ``f(x, y) = (offset + x . y)^degree`` (offset >= 0, degree >= 1), a PSD kernel.

    Examples
    --------
    >>> polynomial_kernel(0, 2)([1, 0], [3, 4])
    Fraction(9, 1)
    >>> polynomial_kernel(-1, 2)
    Traceback (most recent call last):
    ...
    lincomb.errors.UsageError: polynomial kernel offset must be >= 0 (else it need not be positive semidefinite), got -1
    """
    c = to_rational(offset, "offset")
    if c < 0:
        raise UsageError(f"polynomial kernel offset must be >= 0 (else it need not be positive semidefinite), got {c}")
    if isinstance(degree, bool) or not isinstance(degree, int) or degree < 1:
        raise UsageError(f"polynomial kernel degree must be an integer >= 1, got {degree!r}")
    return PolynomialKernel(c, degree)


def gram_ldl(gram) -> tuple[list[list[Fraction]], list[Fraction]]:
    """Exact ``G = L D L^T`` with L unit lower triangular: a certificate that G is PSD when D >= 0.

    Zero pivots are allowed: for a PSD matrix the column below a zero pivot is zero, and then the
    column of L is set to zero there.

    Parameters
    ----------
    gram : square symmetric matrix of rationals

    Returns
    -------
    (L, D)

    Raises
    ------
    UsageError
        When G is not symmetric, or not positive semidefinite (a negative pivot, or a zero pivot
        with a nonzero column below it).

    Examples
    --------
    >>> L, D = gram_ldl([[4, 2], [2, 2]])
    >>> L, D
    ([[Fraction(1, 1), Fraction(0, 1)], [Fraction(1, 2), Fraction(1, 1)]], [Fraction(4, 1), Fraction(1, 1)])
    >>> gram_ldl([[1, 2], [2, 1]])
    Traceback (most recent call last):
    ...
    lincomb.errors.UsageError: the matrix is not positive semidefinite: pivot 1 is -3
    """
    g = _matrix(gram, "gram")
    n = len(g)
    if any(len(row) != n for row in g):
        raise ShapeError("gram must be square")
    if any(g[i][j] != g[j][i] for i in range(n) for j in range(i)):
        raise UsageError("gram must be symmetric")
    a = [row[:] for row in g]  # the running Schur complement
    lower = [[Fraction(int(i == j)) for j in range(n)] for i in range(n)]
    diag = []
    for k in range(n):
        pivot = a[k][k]
        if pivot < 0:
            raise UsageError(f"the matrix is not positive semidefinite: pivot {k} is {pivot}")
        if pivot == 0:
            if any(a[i][k] != 0 for i in range(k + 1, n)):
                raise UsageError(f"the matrix is not positive semidefinite: zero pivot {k} with a nonzero column below")
            diag.append(Fraction(0))
            continue
        diag.append(pivot)
        for i in range(k + 1, n):
            lower[i][k] = a[i][k] / pivot
        for i in range(k + 1, n):
            for j in range(k + 1, n):
                a[i][j] -= lower[i][k] * pivot * lower[j][k]
    return lower, diag


@dataclass(frozen=True)
class KSMRank1Bound:
    """The exact quantities of the KSM per-neuron bound for given data (see :func:`ksm_rank1_bound`).

    Attributes
    ----------
    similarity : Fraction
        ``A = (1/T^2) sum_{t,t'} y_t y_t' f(x_t, x_t')``.
    correlation : Fraction
        ``B = (1/T) sum_t y_t f(x_t, w)`` (the average ``<y f(x, w)>``).
    landmark_norm : Fraction
        ``C = f(w, w)``.
    q_star : Fraction
        ``C^+ B``: the maximiser of the bound's right side (0 when C = 0).
    max_rhs : Fraction
        ``2 q* B - q*^2 C = B^2 / C`` (0 when C = 0).
    gap : Fraction
        ``A - max_rhs >= 0``.

    Examples
    --------
    >>> b = ksm_rank1_bound([[1], [2]], [1, 1], [1], polynomial_kernel(0, 1))
    >>> b.similarity, b.correlation, b.q_star, b.gap
    (Fraction(9, 4), Fraction(3, 2), Fraction(3, 2), Fraction(0, 1))
    """

    similarity: Fraction
    correlation: Fraction
    landmark_norm: Fraction
    q_star: Fraction
    max_rhs: Fraction
    gap: Fraction

    def rhs(self, q) -> Fraction:
        """The right side ``2 q B - q^2 C`` of the bound at q.

        Examples
        --------
        >>> b = ksm_rank1_bound([[1], [2]], [1, 1], [1], polynomial_kernel(0, 1))
        >>> b.rhs(1), b.rhs(b.q_star)
        (Fraction(2, 1), Fraction(9, 4))
        """
        q = to_rational(q, "q")
        return 2 * q * self.correlation - q * q * self.landmark_norm


def ksm_rank1_bound(points, outputs, landmark, kernel: Callable = None) -> KSMRank1Bound:
    """Compute the KSM rank-1 bound's A, B, C and the maximising q exactly.

    Parameters
    ----------
    points : T x n matrix of rationals
        The inputs x_t.
    outputs : sequence of T rationals
        One neuron's outputs y_t.
    landmark : sequence of n rationals
        The landmark w.
    kernel : callable, optional
        An exact kernel (default ``polynomial_kernel(1, 2)``).

    Returns
    -------
    KSMRank1Bound

    Examples
    --------
    >>> b = ksm_rank1_bound([[1, 0], [0, 1]], [1, 1], [1, 1], polynomial_kernel(1, 2))
    >>> b.similarity, b.correlation, b.landmark_norm, b.q_star, b.gap >= 0
    (Fraction(5, 2), Fraction(4, 1), Fraction(9, 1), Fraction(4, 9), True)
    """
    kernel = kernel or polynomial_kernel(1, 2)
    xs = _matrix(points, "points")
    ys = to_rational_vector(outputs, "outputs")
    w = to_rational_vector(landmark, "landmark")
    if len(ys) != len(xs):
        raise ShapeError(f"{len(xs)} points but {len(ys)} outputs")
    if len(w) != len(xs[0]):
        raise ShapeError(f"points have {len(xs[0])} coordinates but the landmark has {len(w)}")
    t = len(xs)
    a = sum((ys[i] * ys[j] * kernel(xs[i], xs[j]) for i in range(t) for j in range(t)), Fraction(0)) / (t * t)
    b = sum((ys[i] * kernel(xs[i], w) for i in range(t)), Fraction(0)) / t
    c = kernel(w, w)
    q_star = b / c if c != 0 else Fraction(0)
    max_rhs = 2 * q_star * b - q_star * q_star * c
    return KSMRank1Bound(a, b, c, q_star, max_rhs, a - max_rhs)


def prove_ksm_rank1_symbolically() -> dict:
    """Prove with sympy the algebra of the bound: completing the square in q.

    ``A - (2 q B - q^2 C) = C (q - B/C)^2 + (A - B^2/C)`` for C != 0, so the right side is
    maximised exactly at ``q* = B/C`` with value ``B^2/C``; and the bound itself is the
    non-negativity of ``||u - q v||^2 = A - 2 q B + q^2 C`` with ``u = (1/T) sum y_t phi(x_t)``,
    ``v = phi(w)`` (``A = <u,u>, B = <u,v>, C = <v,v>``), checked here as a polynomial identity
    in symbolic feature vectors of dimension 3.

    Returns
    -------
    dict
        ``{"completed_square": True, "stationary_point": B/C, "norm_identity": True}``.

    Examples
    --------
    >>> r = prove_ksm_rank1_symbolically()
    >>> r["completed_square"], str(r["stationary_point"]), r["norm_identity"]
    (True, 'B/C', True)
    """
    a, b, q = sympy.symbols("A B q", real=True)
    c = sympy.Symbol("C", positive=True)
    rhs = 2 * q * b - q**2 * c
    completed = sympy.simplify(a - rhs - (c * (q - b / c) ** 2 + a - b**2 / c)) == 0
    stationary = sympy.solve(sympy.diff(rhs, q), q)
    u = sympy.Matrix(sympy.symbols("u0:3", real=True))
    v = sympy.Matrix(sympy.symbols("v0:3", real=True))
    diff = u - q * v
    norm_identity = sympy.expand(diff.dot(diff) - (u.dot(u) - 2 * q * u.dot(v) + q**2 * v.dot(v))) == 0
    return {"completed_square": bool(completed), "stationary_point": stationary[0], "norm_identity": bool(norm_identity)}
