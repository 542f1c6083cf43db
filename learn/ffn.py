"""Feed-forward layers with fixed, learnable (LA) and mixture (MoA) activations, in torch, with exact export.

One interface (:class:`ActivationFFN`): ``forward(x)`` on ``(..., d_model)``, ``to_sympy()`` returning the
theory's :class:`lincomb.theory.activations.SymbolicFFN` (weights as exact binary rationals of the float
parameters, or as floats, stated by ``exact``), ``family`` and ``variant``.

* :class:`FFN` ``kind="relu" | "gelu"`` (Type-I fixed) or ``"swiglu"`` (Type-II, ``silu(W1 x) * W2 x``);
* :class:`LearnableActivationFFN`: ``sum_k alpha_k s_k`` with learned scalars (Type-I, Type-II one-sided,
  or bi-sided with ``bi=True``);
* :class:`MixtureOfActivationsFFN`: ``sum_k pi_k(x) s_k`` with per-token gates
  ``pi_k(x) = sigmoid(u_k . x + c_k)`` (or tanh), shared by all hidden neurons; Type-I, Type-II one-sided,
  or bi-MoA (``bi=True``, each branch with its own gates).

The mix is computed naively (one pass per dictionary entry); that is what the overhead benchmark measures.

Examples
--------
>>> import torch
>>> _ = torch.manual_seed(0)
>>> moa = MixtureOfActivationsFFN(2, 3, d_out=1, activations=("relu", "tanh"))
>>> moa(torch.zeros(5, 2)).shape
torch.Size([5, 1])
>>> exported = moa.to_sympy()
>>> exported.family, exported.exact, moa.export_gap(exported) < 1e-9
('moa', True, True)
"""

from __future__ import annotations

import random
from fractions import Fraction

import torch
import torch.nn.functional as F
from torch import nn

from lincomb.errors import ShapeError, UsageError
from lincomb.theory.activations import DICTIONARY, LEAKY_SLOPE, Gate, Mixing, SymbolicFFN

__all__ = [
    "TORCH_ACTIVATIONS",
    "ActivationFFN",
    "FFN",
    "LearnableActivationFFN",
    "MixtureOfActivationsFFN",
    "fit_regression",
    "seed_everything",
]


def _relu2(z: torch.Tensor) -> torch.Tensor:
    return torch.square(F.relu(z))


#: The dictionary in torch; ``leaky_relu`` uses the theory's slope 1/100, GELU the exact erf form.
TORCH_ACTIVATIONS = {
    "identity": lambda z: z,
    "relu": F.relu,
    "relu2": _relu2,
    "leaky_relu": lambda z: F.leaky_relu(z, float(LEAKY_SLOPE)),
    "gelu": F.gelu,
    "silu": F.silu,
    "tanh": torch.tanh,
}


def seed_everything(seed: int) -> None:
    """Seed Python's and torch's random generators (recorded seeds make runs repeatable).

    Examples
    --------
    >>> seed_everything(3); a = torch.rand(1); seed_everything(3); bool(a == torch.rand(1))
    True
    """
    random.seed(seed)
    torch.manual_seed(seed)


def _check_activations(activations) -> tuple:
    activations = tuple(activations)
    unknown = [a for a in activations if a not in DICTIONARY]
    if unknown or not activations:
        raise UsageError(f"activations must be a non-empty subset of {', '.join(DICTIONARY)}; got {activations}")
    return activations


def _numbers(tensor: torch.Tensor, rational: bool) -> list:
    values = tensor.detach().double().cpu().tolist()

    def convert(v):
        return Fraction(v) if rational else float(v)  # Fraction(float) is the exact binary rational

    if isinstance(values, list) and values and isinstance(values[0], list):
        return [[convert(v) for v in row] for row in values]
    return [convert(v) for v in values]


class ActivationFFN(nn.Module):
    """The shared interface of the three families (the base class; use a subclass).

    Parameters
    ----------
    d_model : int
        Input (and by default output) width.
    d_hidden : int
        Hidden width (keep it a multiple of 128 at transformer sizes).
    d_out : int, optional
        Output width (default ``d_model``).
    variant : str
        ``"type1"`` (``W_out m(W1 x)``) or ``"type2"`` (``W_out (m(W1 x) * r(W2 x))``).
    bias : bool
        Whether the linear maps have biases.

    Examples
    --------
    >>> FFN(4, 8, kind="swiglu").variant
    'type2'
    """

    family = "fixed"

    def __init__(self, d_model: int, d_hidden: int, d_out: int | None = None, variant: str = "type1", bias: bool = True):
        super().__init__()
        if variant not in ("type1", "type2"):
            raise UsageError(f"variant must be 'type1' or 'type2', got {variant!r}")
        if min(d_model, d_hidden) < 1:
            raise ShapeError("d_model and d_hidden must be positive")
        self.d_model, self.d_hidden, self.d_out, self.variant = d_model, d_hidden, d_out or d_model, variant
        self.w1 = nn.Linear(d_model, d_hidden, bias=bias)
        self.w2 = nn.Linear(d_model, d_hidden, bias=bias) if variant == "type2" else None
        self.w_out = nn.Linear(d_hidden, self.d_out, bias=bias)

    # subclasses: the mixed activation of each branch, and its theory counterpart
    def mix_left(self, z: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        """The left branch's mixed activation at pre-activation ``z`` for inputs ``x``.

        Examples
        --------
        >>> FFN(2, 3).mix_left(torch.tensor([-1.0, 2.0]), None)
        tensor([0., 2.])
        """
        raise NotImplementedError

    def mix_right(self, z: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        """The right branch (Type-II only); the identity for one-sided variants.

        Examples
        --------
        >>> FFN(2, 3, kind="swiglu").mix_right(torch.tensor([-1.0]), None)
        tensor([-1.])
        """
        return z

    def mixing(self, branch: str, rational: bool = True):
        """The branch's :class:`lincomb.theory.activations.Mixing` (``None`` for an identity right branch).

        Examples
        --------
        >>> FFN(2, 3, kind="gelu").mixing("left")
        Mixing(entries=(('gelu', 1),), leaky_slope=Fraction(1, 100))
        """
        raise NotImplementedError

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Apply the layer to ``(..., d_model)``.

        Examples
        --------
        >>> FFN(3, 4)(torch.ones(2, 3)).shape
        torch.Size([2, 3])
        """
        hidden = self.mix_left(self.w1(x), x)
        if self.variant == "type2":
            hidden = hidden * self.mix_right(self.w2(x), x)
        return self.w_out(hidden)

    @property
    def extra_parameters(self) -> int:
        """Parameters beyond the plain linear maps (the mixing weights and gates).

        Examples
        --------
        >>> MixtureOfActivationsFFN(8, 16, activations=("relu", "tanh")).extra_parameters   # 2 gates of 8 + 1
        18
        """
        linear = sum(p.numel() for m in (self.w1, self.w2, self.w_out) if m is not None for p in m.parameters())
        return sum(p.numel() for p in self.parameters()) - linear

    def to_sympy(self, output: int = 0, rational: bool = True) -> SymbolicFFN:
        """The layer's output ``output`` as the theory's symbolic FFN.

        With ``rational=True`` every float parameter becomes its exact binary rational (so the export is
        the function the parameters define, exactly); otherwise weights are floats and ``exact`` is False.

        Examples
        --------
        >>> _ = torch.manual_seed(1)
        >>> layer = LearnableActivationFFN(1, 2, d_out=1, activations=("relu", "relu2"))
        >>> s = layer.to_sympy()
        >>> s.family, s.width, s.exact
        ('la', 2, True)
        >>> layer.to_sympy(rational=False).exact
        False
        """
        if not 0 <= output < self.d_out:
            raise ShapeError(f"output must be in 0..{self.d_out - 1}")

        def bias_of(linear, size):
            return _numbers(linear.bias, rational) if linear.bias is not None else [0] * size

        w1, b1 = _numbers(self.w1.weight, rational), bias_of(self.w1, self.d_hidden)
        w_out = [_numbers(self.w_out.weight[output], rational)]
        b_out = [bias_of(self.w_out, self.d_out)[output]]
        allow_float = not rational
        if self.variant == "type1":
            return SymbolicFFN.type1(w1, b1, w_out, b_out, self.mixing("left", rational), allow_float=allow_float)
        w2, b2 = _numbers(self.w2.weight, rational), bias_of(self.w2, self.d_hidden)
        return SymbolicFFN.type2(w1, b1, w2, b2, w_out, b_out, self.mixing("left", rational),
                                 self.mixing("right", rational), allow_float=allow_float)

    def export_gap(self, exported: SymbolicFFN, samples: int = 32, seed: int = 0, output: int = 0) -> float:
        """The largest |module - export| over random inputs in [-2, 2]^d (float64 evaluation of both).

        Examples
        --------
        >>> _ = torch.manual_seed(2)
        >>> layer = FFN(2, 3, d_out=1, kind="gelu")
        >>> layer.export_gap(layer.to_sympy()) < 1e-9
        True
        """
        import mpmath
        import sympy as sp

        function = sp.lambdify(exported.symbols(), exported.expression(), modules="mpmath")
        generator = torch.Generator().manual_seed(seed)
        points = torch.rand(samples, self.d_model, generator=generator, dtype=torch.float64) * 4 - 2
        module = self.double()
        try:
            with torch.no_grad():
                values = module(points)[:, output].tolist()
        finally:
            self.float()
        gap = 0.0
        for point, value in zip(points.tolist(), values):
            gap = max(gap, abs(float(mpmath.mpf(function(*point))) - value))
        return gap


class FFN(ActivationFFN):
    """A plain FFN: ``kind="relu"`` or ``"gelu"`` (Type-I), ``"swiglu"`` (Type-II, ``silu(W1 x) * W2 x``).

    Examples
    --------
    >>> FFN(4, 8, kind="relu").family
    'fixed'
    >>> FFN(4, 8, kind="tanh")
    Traceback (most recent call last):
    ...
    lincomb.errors.UsageError: kind must be 'relu', 'gelu' or 'swiglu', got 'tanh'
    """

    def __init__(self, d_model: int, d_hidden: int, d_out: int | None = None, kind: str = "relu", bias: bool = True):
        if kind not in ("relu", "gelu", "swiglu"):
            raise UsageError(f"kind must be 'relu', 'gelu' or 'swiglu', got {kind!r}")
        super().__init__(d_model, d_hidden, d_out, "type2" if kind == "swiglu" else "type1", bias)
        self.kind = kind
        self.activation = "silu" if kind == "swiglu" else kind

    def mix_left(self, z, x):
        """The fixed activation.

        Examples
        --------
        >>> FFN(1, 1, kind="relu").mix_left(torch.tensor([-3.0]), None)
        tensor([0.])
        """
        return TORCH_ACTIVATIONS[self.activation](z)

    def mixing(self, branch: str, rational: bool = True):
        """The fixed mixing (left), ``None`` for the identity right branch of SwiGLU.

        Examples
        --------
        >>> FFN(1, 1, kind="swiglu").mixing("right") is None
        True
        """
        return Mixing.fixed(self.activation) if branch == "left" else None


class LearnableActivationFFN(ActivationFFN):
    """LA: ``sum_k alpha_k s_k`` with one learned scalar per dictionary entry (per branch).

    Parameters
    ----------
    activations : tuple of str
        The dictionary subset (default: all seven).
    variant : str
        ``"type1"`` or ``"type2"``; ``bi=True`` mixes the right branch too (bi-LA).
    init : str, optional
        Entry whose alpha starts at 1 (others 0); default: every alpha ``1/K``.

    Examples
    --------
    >>> la = LearnableActivationFFN(4, 8, variant="type2", bi=True)
    >>> la.family, la.alpha_left.shape, la.mixing("right").family
    ('la', torch.Size([7]), 'la')
    """

    family = "la"

    def __init__(self, d_model, d_hidden, d_out=None, activations=DICTIONARY, variant="type1", bi=False,
                 init: str | None = None, bias=True):
        super().__init__(d_model, d_hidden, d_out, variant, bias)
        self.activations = _check_activations(activations)
        self.bi = bool(bi and variant == "type2")

        def initial():
            if init is None:
                return torch.full((len(self.activations),), 1.0 / len(self.activations))
            if init not in self.activations:
                raise UsageError(f"init {init!r} is not among {self.activations}")
            return torch.tensor([1.0 if a == init else 0.0 for a in self.activations])

        self.alpha_left = nn.Parameter(initial())
        self.alpha_right = nn.Parameter(initial()) if self.bi else None

    def _mix(self, z, alpha):
        total = 0
        for k, name in enumerate(self.activations):
            total = total + alpha[k] * TORCH_ACTIVATIONS[name](z)
        return total

    def mix_left(self, z, x):
        """``sum_k alpha_k s_k(z)``.

        Examples
        --------
        >>> la = LearnableActivationFFN(1, 1, activations=("relu", "identity"))
        >>> la.mix_left(torch.tensor([-2.0]), None)     # (0 + (-2)) / 2
        tensor([-1.], grad_fn=<AddBackward0>)
        """
        return self._mix(z, self.alpha_left)

    def mix_right(self, z, x):
        """The right branch: mixed for bi-LA, else the identity.

        Examples
        --------
        >>> LearnableActivationFFN(1, 1, variant="type2").mix_right(torch.tensor([5.0]), None)
        tensor([5.])
        """
        return self._mix(z, self.alpha_right) if self.bi else z

    def mixing(self, branch: str, rational: bool = True):
        """The LA mixing with the learned alphas.

        Examples
        --------
        >>> LearnableActivationFFN(1, 1, activations=("relu",)).mixing("left").entries
        (('relu', Fraction(1, 1)),)
        """
        alpha = self.alpha_left if branch == "left" else self.alpha_right
        if alpha is None:
            return None
        return Mixing.learnable(dict(zip(self.activations, _numbers(alpha, rational))))


class MixtureOfActivationsFFN(ActivationFFN):
    """MoA: ``sum_k pi_k(x) s_k`` with per-token gates ``pi_k(x) = gate(u_k . x + c_k)`` shared by all neurons.

    Parameters
    ----------
    activations : tuple of str
        The dictionary subset (default: all seven).
    gate : str
        ``"sigmoid"`` (best in training) or ``"tanh"`` (the theory's gate).
    variant : str
        ``"type1"`` or ``"type2"``; ``bi=True`` gives bi-MoA (both branches mixed, own gates).

    Examples
    --------
    >>> moa = MixtureOfActivationsFFN(4, 8, variant="type2", bi=True, activations=("relu", "silu"))
    >>> moa.gates_left.weight.shape, moa.mixing("right").family
    (torch.Size([2, 4]), 'moa')
    """

    family = "moa"

    def __init__(self, d_model, d_hidden, d_out=None, activations=DICTIONARY, gate="sigmoid", variant="type1",
                 bi=False, bias=True):
        super().__init__(d_model, d_hidden, d_out, variant, bias)
        if gate not in ("sigmoid", "tanh"):
            raise UsageError(f"gate must be 'sigmoid' or 'tanh', got {gate!r}")
        self.activations = _check_activations(activations)
        self.gate = gate
        self.bi = bool(bi and variant == "type2")
        self.gates_left = nn.Linear(d_model, len(self.activations))
        self.gates_right = nn.Linear(d_model, len(self.activations)) if self.bi else None
        for gates in (self.gates_left, self.gates_right):
            if gates is not None:  # start near "all entries on" with small token dependence
                nn.init.normal_(gates.weight, std=0.02)
                nn.init.zeros_(gates.bias)

    def _mix(self, z, x, gates):
        logits = gates(x)
        weights = torch.sigmoid(logits) if self.gate == "sigmoid" else torch.tanh(logits)
        total = 0
        for k, name in enumerate(self.activations):
            total = total + weights[..., k : k + 1] * TORCH_ACTIVATIONS[name](z)
        return total

    def mix_left(self, z, x):
        """``sum_k pi_k(x) s_k(z)``.

        Examples
        --------
        >>> moa = MixtureOfActivationsFFN(1, 1, activations=("identity",))
        >>> moa.mix_left(torch.tensor([[4.0]]), torch.tensor([[0.0]]))     # sigmoid(0) * 4
        tensor([[2.]], grad_fn=<AddBackward0>)
        """
        return self._mix(z, x, self.gates_left)

    def mix_right(self, z, x):
        """The right branch: gated for bi-MoA, else the identity.

        Examples
        --------
        >>> MixtureOfActivationsFFN(1, 1, variant="type2").mix_right(torch.tensor([[3.0]]), None)
        tensor([[3.]])
        """
        return self._mix(z, x, self.gates_right) if self.bi else z

    def mixing(self, branch: str, rational: bool = True):
        """The MoA mixing with the learned gates.

        Examples
        --------
        >>> MixtureOfActivationsFFN(2, 1, activations=("relu",), gate="tanh").mixing("left").entries[0][1].kind
        'tanh'
        """
        gates = self.gates_left if branch == "left" else self.gates_right
        if gates is None:
            return None
        weights, biases = _numbers(gates.weight, rational), _numbers(gates.bias, rational)
        return Mixing.gated({name: Gate(self.gate, weights[k], biases[k]) for k, name in enumerate(self.activations)})


def fit_regression(model: nn.Module, inputs: torch.Tensor, targets: torch.Tensor, steps: int = 300,
                   lr: float = 1e-2) -> float:
    """Full-batch Adam on the mean squared error; returns the final MSE (a float measurement).

    Examples
    --------
    >>> seed_everything(0)
    >>> model = FFN(1, 4, d_out=1)
    >>> x = torch.linspace(-1, 1, 64)[:, None]
    >>> fit_regression(model, x, x.abs(), steps=200, lr=5e-2) < 1e-2
    True
    """
    optimiser = torch.optim.Adam(model.parameters(), lr=lr)
    loss = torch.tensor(float("nan"))
    for _ in range(steps):
        optimiser.zero_grad()
        loss = F.mse_loss(model(inputs), targets)
        loss.backward()
        optimiser.step()
    with torch.no_grad():
        return float(F.mse_loss(model(inputs), targets))
