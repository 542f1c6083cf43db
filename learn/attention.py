"""Sparse-coding attention beside softmax attention, one interface, with exact export of what is learned.

Attention read as sparse coding (Chen et al. 2025): with tokens X (T x d), the *encoding*
dictionary ``phi(X) = W_qk X^T`` gives the coefficients ``alpha = a(X W_qk X^T)`` (T x T), the
*decoding* dictionary ``psi(X) = X W_vo`` gives the atoms, and the layer returns ``alpha psi(X)``.

* :class:`SoftmaxAttention`: ``a`` = row softmax of ``(X W_q)(X W_k)^T / sqrt(k)``, values ``X W_v``.
* :class:`SparseCodingAttention`: ``a`` = soft-thresholding ``sign(S) max(|S| - xi, 0)``, then the
  *lifting*: for each group of tokens ``(i_1, ..., i_L)`` (a column of the panel grid, top to
  bottom) the last token's coefficients become ``alpha_L + sum_{j<L} lambda_j alpha_{i_j}`` with
  L-1 learned scalars lambda.  A zero-content target has ``alpha_L = 0`` exactly
  (:func:`lincomb.theory.sparse_coding.zero_target_attention`), so its code is the lifted one; on
  arithmetic progressions the right lambda is ``(-1, 2)``
  (:func:`lincomb.theory.sparse_coding.extrapolation_coefficients`).

Both layers share ``forward(tokens) -> outputs`` and ``coefficients(tokens) -> alpha``; the sparse
layer exports its learned numbers exactly: :meth:`SparseCodingAttention.lifting_coefficients_exact`
(the float32 parameters as the exact rationals they are), :meth:`SparseCodingAttention.sparse_codes_exact`
and :meth:`SparseCodingAttention.to_sympy`.

Examples
--------
>>> import torch
>>> torch.manual_seed(0) and None
>>> layer = SparseCodingAttention(4, 2, threshold=0.1, lift_groups=[(0, 1, 2)])
>>> x = torch.zeros(1, 3, 4); x[0, 0, 0] = 1.0; x[0, 1, 1] = 1.0     # token 2 is an empty target
>>> layer.coefficients(x)[0, 2].tolist()                              # lambda starts at 0
[0.0, 0.0, 0.0]
>>> softmax = SoftmaxAttention(4, 2)
>>> [round(v, 4) for v in softmax.coefficients(x)[0, 2].tolist()]     # uniform on a zero query
[0.3333, 0.3333, 0.3333]
"""

from __future__ import annotations

from fractions import Fraction
from typing import Sequence

import torch
from torch import nn

from lincomb.errors import ShapeError, UsageError

__all__ = [
    "AttentionLayer",
    "SoftmaxAttention",
    "SparseCodingAttention",
    "fit_attention",
    "relative_mse",
    "soft_threshold",
]


def soft_threshold(scores: torch.Tensor, threshold: float) -> torch.Tensor:
    """``sign(s) max(|s| - xi, 0)`` elementwise; exactly 0 wherever ``|s| <= xi``.

    Examples
    --------
    >>> [round(v, 6) for v in soft_threshold(torch.tensor([-0.5, 0.05, 0.0, 0.3]), 0.1).tolist()]
    [-0.4, 0.0, 0.0, 0.2]
    """
    return torch.sign(scores) * torch.relu(scores.abs() - threshold)


class AttentionLayer(nn.Module):
    """The shared interface: ``forward(tokens)`` (B, T, d_in) -> (B, T, d_out) and ``coefficients``.

    Subclasses define :meth:`coefficients` (B, T, T) and :meth:`values` (B, T, d_out); the output is
    ``coefficients @ values``.

    Examples
    --------
    >>> isinstance(SoftmaxAttention(3, 2), AttentionLayer)
    True
    """

    def __init__(self, input_dim: int, output_dim: int):
        super().__init__()
        if input_dim < 1 or output_dim < 1:
            raise ShapeError(f"input_dim and output_dim must be positive, got {input_dim}, {output_dim}")
        self.input_dim = input_dim
        self.output_dim = output_dim

    def _check(self, tokens: torch.Tensor) -> None:
        if tokens.ndim != 3 or tokens.shape[2] != self.input_dim:
            raise ShapeError(
                f"tokens must have shape (batch, tokens, {self.input_dim}), got {tuple(tokens.shape)}"
            )

    def coefficients(self, tokens: torch.Tensor) -> torch.Tensor:
        """The attention coefficients alpha, (B, T, T).

        Examples
        --------
        >>> SoftmaxAttention(2, 2).coefficients(torch.zeros(1, 2, 2)).shape
        torch.Size([1, 2, 2])
        """
        raise NotImplementedError

    def values(self, tokens: torch.Tensor) -> torch.Tensor:
        """The decoding dictionary ``psi(X)``, (B, T, d_out).

        Examples
        --------
        >>> SoftmaxAttention(2, 3).values(torch.zeros(1, 4, 2)).shape
        torch.Size([1, 4, 3])
        """
        raise NotImplementedError

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        """``coefficients(X) @ values(X)``.

        Examples
        --------
        >>> SoftmaxAttention(2, 3)(torch.zeros(5, 4, 2)).shape
        torch.Size([5, 4, 3])
        """
        self._check(tokens)
        return self.coefficients(tokens) @ self.values(tokens)


class SoftmaxAttention(AttentionLayer):
    """Standard single-head softmax attention ``softmax(Q K^T / sqrt(k)) V``.

    Parameters
    ----------
    input_dim, output_dim : int
    key_dim : int, optional
        Width of queries and keys (default ``input_dim``).
    bias : bool
        Affine (not linear) query/key/value maps.  A bias gives every zero-content target the
        same query, so it still cannot tell the targets apart.

    Examples
    --------
    >>> layer = SoftmaxAttention(3, 2, key_dim=4)
    >>> layer(torch.randn(2, 5, 3)).shape
    torch.Size([2, 5, 2])
    """

    def __init__(self, input_dim: int, output_dim: int, key_dim: int | None = None, bias: bool = False):
        super().__init__(input_dim, output_dim)
        key_dim = key_dim or input_dim
        self.query = nn.Linear(input_dim, key_dim, bias=bias)
        self.key = nn.Linear(input_dim, key_dim, bias=bias)
        self.value = nn.Linear(input_dim, output_dim, bias=bias)
        self.scale = key_dim ** -0.5

    def coefficients(self, tokens: torch.Tensor) -> torch.Tensor:
        """Row-softmax of the scaled scores (rows sum to 1).

        Examples
        --------
        >>> a = SoftmaxAttention(3, 2).coefficients(torch.randn(1, 4, 3))
        >>> bool(torch.allclose(a.sum(-1), torch.ones(1, 4)))
        True
        """
        self._check(tokens)
        scores = self.query(tokens) @ self.key(tokens).transpose(1, 2) * self.scale
        return torch.softmax(scores, dim=-1)

    def values(self, tokens: torch.Tensor) -> torch.Tensor:
        """``X W_v``.

        Examples
        --------
        >>> SoftmaxAttention(3, 2).values(torch.zeros(1, 4, 3)).abs().sum().item()
        0.0
        """
        return self.value(tokens)


class SparseCodingAttention(AttentionLayer):
    """Attention as sparse coding: soft-thresholded codes, lifted target codes, decoding dictionary.

    Parameters
    ----------
    input_dim, output_dim : int
    threshold : float
        The soft-threshold xi >= 0 (fixed, not learned).
    lift_groups : sequence of sequences of int, optional
        Token index groups ``(i_1, ..., i_L)``, all of the same length L >= 2; the last token of
        each group receives ``sum_j lambda_j alpha_{i_j}``.  All groups share the L-1 lambdas.
    relu_dictionaries : bool
        Apply ReLU to the encoding and decoding dictionaries (the reference's best ablation).
    init_scale : float
        ``W_qk`` starts as ``init_scale * I`` plus small noise (soft-thresholding of tiny scores is
        exactly 0, which would give no gradient).

    Attributes
    ----------
    score_matrix : nn.Parameter
        ``W_qk`` (d_in x d_in).
    decoder : nn.Parameter
        ``W_vo`` (d_in x d_out).
    lifting : nn.Parameter
        ``lambda`` (L-1), initialised to 0.

    Examples
    --------
    >>> layer = SparseCodingAttention(5, 3, threshold=0.05, lift_groups=[(0, 3, 6), (1, 4, 7), (2, 5, 8)])
    >>> layer(torch.randn(2, 9, 5)).shape, tuple(layer.lifting.shape)
    (torch.Size([2, 9, 3]), (2,))
    """

    def __init__(
        self,
        input_dim: int,
        output_dim: int,
        threshold: float = 0.05,
        lift_groups: Sequence[Sequence[int]] | None = None,
        relu_dictionaries: bool = False,
        init_scale: float = 1.0,
    ):
        super().__init__(input_dim, output_dim)
        if not threshold >= 0:
            raise UsageError(f"threshold xi must be >= 0, got {threshold}")
        groups = [tuple(int(i) for i in g) for g in (lift_groups or [])]
        if groups and (len({len(g) for g in groups}) != 1 or len(groups[0]) < 2):
            raise ShapeError("lift_groups must all have the same length L >= 2 (L-1 context tokens, then the target)")
        self.threshold = float(threshold)
        self.lift_groups = groups
        self.relu_dictionaries = relu_dictionaries
        self.score_matrix = nn.Parameter(init_scale * torch.eye(input_dim) + 0.01 * torch.randn(input_dim, input_dim))
        self.decoder = nn.Parameter(torch.randn(input_dim, output_dim) / input_dim**0.5)
        self.lifting = nn.Parameter(torch.zeros(len(groups[0]) - 1 if groups else 0))

    def sparse_codes(self, tokens: torch.Tensor) -> torch.Tensor:
        """The soft-thresholded codes before lifting, (B, T, T).

        Examples
        --------
        >>> layer = SparseCodingAttention(2, 2, threshold=0.5)
        >>> layer.sparse_codes(torch.zeros(1, 3, 2)).abs().sum().item()      # empty tokens: exactly 0
        0.0
        """
        self._check(tokens)
        encoding = tokens @ self.score_matrix  # rows: (W_qk^T x_t)^T, the encoding dictionary applied
        if self.relu_dictionaries:
            encoding = torch.relu(encoding)
        scores = encoding @ tokens.transpose(1, 2)
        return soft_threshold(scores, self.threshold)

    def coefficients(self, tokens: torch.Tensor) -> torch.Tensor:
        """Sparse codes with each group's last token lifted from the tokens before it.

        Examples
        --------
        >>> layer = SparseCodingAttention(2, 2, threshold=0.0, lift_groups=[(0, 1, 2)])
        >>> with torch.no_grad():
        ...     _ = layer.lifting.copy_(torch.tensor([-1.0, 2.0]))
        ...     _ = layer.score_matrix.copy_(torch.eye(2))
        >>> x = torch.tensor([[[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]]])
        >>> layer.coefficients(x)[0].tolist()
        [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [-1.0, 2.0, 0.0]]
        """
        codes = self.sparse_codes(tokens)
        if not self.lift_groups:
            return codes
        rows = list(codes.unbind(dim=1))
        for group in self.lift_groups:
            *context, target = group
            lifted = rows[target]
            for weight, source in zip(self.lifting, context):
                lifted = lifted + weight * codes[:, source]
            rows[target] = lifted
        return torch.stack(rows, dim=1)

    def values(self, tokens: torch.Tensor) -> torch.Tensor:
        """The decoding dictionary ``psi(X) = X W_vo`` (ReLU'd when asked).

        Examples
        --------
        >>> SparseCodingAttention(2, 3).values(torch.ones(1, 4, 2)).shape
        torch.Size([1, 4, 3])
        """
        psi = tokens @ self.decoder
        return torch.relu(psi) if self.relu_dictionaries else psi

    # -- exact export ------------------------------------------------------------------------
    def lifting_coefficients_exact(self) -> tuple[Fraction, ...]:
        """The learned lambda as exact rationals: each float32 value is a dyadic rational, kept as is.

        Examples
        --------
        >>> layer = SparseCodingAttention(2, 2, lift_groups=[(0, 1, 2)])
        >>> with torch.no_grad():
        ...     _ = layer.lifting.copy_(torch.tensor([-1.0, 0.1]))
        >>> layer.lifting_coefficients_exact()
        (Fraction(-1, 1), Fraction(13421773, 134217728))
        """
        return tuple(Fraction(float(v)) for v in self.lifting.detach().cpu().tolist())

    def sparse_codes_exact(self, tokens: torch.Tensor) -> list[list[Fraction]]:
        """The lifted codes of one problem (T x T) as exact rationals of the computed float32 values.

        Examples
        --------
        >>> layer = SparseCodingAttention(2, 2, threshold=0.5)
        >>> layer.sparse_codes_exact(torch.zeros(3, 2))[2]
        [Fraction(0, 1), Fraction(0, 1), Fraction(0, 1)]
        """
        if tokens.ndim == 2:
            tokens = tokens.unsqueeze(0)
        if tokens.shape[0] != 1:
            raise ShapeError("sparse_codes_exact takes one problem: tokens of shape (T, d) or (1, T, d)")
        with torch.no_grad():
            codes = self.coefficients(tokens)[0]
        return [[Fraction(float(v)) for v in row] for row in codes.tolist()]

    def sparsity(self, tokens: torch.Tensor) -> float:
        """Share of exactly-zero sparse codes (before lifting).

        Examples
        --------
        >>> SparseCodingAttention(2, 2, threshold=1.0).sparsity(torch.zeros(1, 3, 2))
        1.0
        """
        with torch.no_grad():
            return float((self.sparse_codes(tokens) == 0).float().mean())

    def to_sympy(self):
        """The learned lifting rule as a sympy expression with exact rational coefficients.

        ``alpha_L + lambda_1 alpha_1 + ... + lambda_{L-1} alpha_{L-1}`` in the symbols
        ``alpha_1..alpha_L`` (the codes of a group, top to bottom).

        Examples
        --------
        >>> layer = SparseCodingAttention(2, 2, lift_groups=[(0, 1, 2)])
        >>> with torch.no_grad():
        ...     _ = layer.lifting.copy_(torch.tensor([-1.0, 2.0]))
        >>> layer.to_sympy()
        -alpha_1 + 2*alpha_2 + alpha_3
        """
        import sympy

        count = len(self.lifting) + 1
        alphas = sympy.symbols(f"alpha_1:{count + 1}")
        expression = alphas[-1]
        for weight, symbol in zip(self.lifting_coefficients_exact(), alphas[:-1]):
            expression += sympy.Rational(weight.numerator, weight.denominator) * symbol
        return expression


def relative_mse(model: AttentionLayer, tokens, targets, target_tokens: Sequence[int]) -> float:
    """``sum ||prediction - target||^2 / sum ||target||^2`` over the target tokens.

    Examples
    --------
    >>> layer = SoftmaxAttention(2, 2)
    >>> with torch.no_grad():
    ...     _ = layer.value.weight.zero_()
    >>> relative_mse(layer, torch.randn(3, 4, 2), torch.ones(3, 1, 2), [3])      # predicts 0
    1.0
    """
    tokens, targets = torch.as_tensor(tokens), torch.as_tensor(targets)
    with torch.no_grad():
        prediction = model(tokens)[:, list(target_tokens)]
        return float(((prediction - targets) ** 2).sum() / (targets**2).sum())


def fit_attention(
    model: AttentionLayer,
    tokens,
    targets,
    target_tokens: Sequence[int],
    *,
    steps: int = 300,
    optimizer: str = "lbfgs",
    learning_rate: float | None = None,
    batch_size: int | None = None,
    seed: int = 0,
) -> list[float]:
    """Train ``model`` on the mean squared error at ``target_tokens``; returns the loss history.

    Parameters
    ----------
    model : AttentionLayer
    tokens : array (N, T, d_in)
    targets : array (N, len(target_tokens), d_out)
    target_tokens : sequence of int
    steps : int
        L-BFGS iterations, or Adam steps.
    optimizer : {"lbfgs", "adam"}
        Full-batch L-BFGS with a strong Wolfe line search (default: the models are small and the
        loss is smooth almost everywhere, and it settles the coefficients far more tightly than
        Adam), or Adam with cosine learning-rate decay (minibatches with ``batch_size``).
    learning_rate : float, optional
        Default 1 for L-BFGS, 0.02 for Adam.
    batch_size : int, optional
        Adam minibatch size (default: the full batch).
    seed : int
        Seeds the minibatch order.

    Examples
    --------
    >>> torch.manual_seed(0) and None
    >>> x = torch.randn(64, 3, 2); x[:, 2] = 0
    >>> y = (2 * x[:, 1] - x[:, 0]).unsqueeze(1)
    >>> layer = SparseCodingAttention(2, 2, threshold=0.0, lift_groups=[(0, 1, 2)])
    >>> losses = fit_attention(layer, x, y, [2], steps=50)
    >>> losses[-1] < 0.5 * losses[0]
    True
    """
    tokens = torch.as_tensor(tokens, dtype=torch.float32)
    targets = torch.as_tensor(targets, dtype=torch.float32)
    index = list(target_tokens)
    if targets.shape[:2] != (tokens.shape[0], len(index)):
        raise ShapeError(
            f"targets must have shape (N, {len(index)}, d_out) for N = {tokens.shape[0]}, got {tuple(targets.shape)}"
        )
    history: list[float] = []
    if optimizer == "lbfgs":
        solver = torch.optim.LBFGS(
            model.parameters(), lr=learning_rate or 1.0, max_iter=steps, history_size=20,
            line_search_fn="strong_wolfe", tolerance_grad=1e-10, tolerance_change=1e-14,
        )

        def closure():
            solver.zero_grad()
            loss = ((model(tokens)[:, index] - targets) ** 2).mean()
            loss.backward()
            history.append(float(loss.detach()))
            return loss

        solver.step(closure)
        return history
    if optimizer != "adam":
        raise UsageError(f"unknown optimizer {optimizer!r}; choose 'lbfgs' or 'adam'")
    generator = torch.Generator().manual_seed(seed)
    solver = torch.optim.Adam(model.parameters(), lr=learning_rate or 0.02)
    # Cosine decay to 0: the last steps settle the learned coefficients instead of jittering.
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(solver, T_max=max(steps, 1))
    for _ in range(steps):
        if batch_size is None or batch_size >= len(tokens):
            batch = slice(None)
        else:
            batch = torch.randint(0, len(tokens), (batch_size,), generator=generator)
        solver.zero_grad()
        loss = ((model(tokens[batch])[:, index] - targets[batch]) ** 2).mean()
        loss.backward()
        solver.step()
        schedule.step()
        history.append(float(loss.detach()))
    return history
