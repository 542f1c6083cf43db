"""FFN families in torch: one interface, exact export agreeing with the module."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from lincomb.errors import UsageError  # noqa: E402
from lincomb.learn.ffn import (  # noqa: E402
    FFN,
    LearnableActivationFFN,
    MixtureOfActivationsFFN,
    fit_regression,
    seed_everything,
)
from lincomb.theory.activation_invariants import gradient_jumps  # noqa: E402

torch.set_num_threads(1)


def _modules():
    small = ("identity", "relu", "relu2", "leaky_relu", "gelu", "silu", "tanh")
    return [
        FFN(2, 3, d_out=2, kind="relu"),
        FFN(2, 3, d_out=2, kind="gelu"),
        FFN(2, 3, d_out=2, kind="swiglu"),
        LearnableActivationFFN(2, 3, d_out=2, activations=small),
        LearnableActivationFFN(2, 3, d_out=2, activations=small, variant="type2"),
        LearnableActivationFFN(2, 3, d_out=2, activations=small, variant="type2", bi=True),
        MixtureOfActivationsFFN(2, 3, d_out=2, activations=small),
        MixtureOfActivationsFFN(2, 3, d_out=2, activations=small, gate="tanh"),
        MixtureOfActivationsFFN(2, 3, d_out=2, activations=small, variant="type2"),
        MixtureOfActivationsFFN(2, 3, d_out=2, activations=small, variant="type2", bi=True),
    ]


@pytest.mark.parametrize("index", range(10))
def test_export_agrees_with_module_on_random_inputs(index):
    seed_everything(index)
    module = _modules()[index]
    with torch.no_grad():  # make gates token-dependent enough to matter
        for p in module.parameters():
            p.add_(0.3 * torch.randn_like(p))
    for output in (0, 1):
        exported = module.to_sympy(output=output)
        assert exported.exact
        assert module.export_gap(exported, samples=12, seed=index, output=output) < 1e-9
    assert module.to_sympy().family == module.family
    assert module.to_sympy().variant == ("type1" if module.variant == "type1" else
                                         ("type2-bi-sided" if getattr(module, "bi", False) else "type2-one-sided"))


def test_float_export_is_labelled_inexact():
    seed_everything(0)
    module = MixtureOfActivationsFFN(2, 2, d_out=1, activations=("relu", "tanh"))
    exported = module.to_sympy(rational=False)
    assert exported.exact is False
    assert module.export_gap(exported, samples=8) < 1e-6


def test_shapes_and_extra_parameters():
    x = torch.randn(4, 5, 8)
    for module in (FFN(8, 16), LearnableActivationFFN(8, 16), MixtureOfActivationsFFN(8, 16, variant="type2", bi=True)):
        assert module(x).shape == (4, 5, 8)
    assert FFN(8, 16).extra_parameters == 0
    assert LearnableActivationFFN(8, 16).extra_parameters == 7
    assert MixtureOfActivationsFFN(8, 16).extra_parameters == 7 * 9       # |K| (d + 1) per mixed branch
    assert MixtureOfActivationsFFN(8, 16, variant="type2", bi=True).extra_parameters == 2 * 7 * 9


def test_bad_arguments():
    with pytest.raises(UsageError, match="kind"):
        FFN(2, 2, kind="tanh")
    with pytest.raises(UsageError, match="subset"):
        LearnableActivationFFN(2, 2, activations=("softplus",))
    with pytest.raises(UsageError, match="gate"):
        MixtureOfActivationsFFN(2, 2, gate="softmax")


def test_trained_moa_on_the_witness_is_outside_la():
    seed_everything(0)
    model = MixtureOfActivationsFFN(2, 4, d_out=1, activations=("identity", "relu", "tanh"))
    generator = torch.Generator().manual_seed(0)
    inputs = torch.rand(512, 2, generator=generator) * 4 - 2
    targets = torch.tanh(2 * inputs[:, :1]) * torch.relu(inputs[:, 1:])
    loss = fit_regression(model, inputs, targets, steps=150, lr=5e-2)
    assert loss < 0.05
    exported = model.to_sympy()
    varying = [j for j in gradient_jumps(exported) if j.separating_points() is not None]
    assert varying, "a trained MoA with token-dependent gates has a varying gradient jump"


def test_la_export_has_constant_jumps():
    seed_everything(1)
    model = LearnableActivationFFN(2, 4, d_out=1, activations=("relu", "leaky_relu", "gelu"))
    assert all(j.separating_points() is None for j in gradient_jumps(model.to_sympy()))
