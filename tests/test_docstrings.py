"""Every public function, class, method and property of lincomb has a docstring with a runnable example."""

from __future__ import annotations

import importlib
import inspect

import pytest

from test_doctests import MODULES  # the same module list as the doctest run


def _public_callables(module):
    for name, obj in vars(module).items():
        if name.startswith("_") or getattr(obj, "__module__", None) != module.__name__:
            continue
        if not (inspect.isfunction(obj) or inspect.isclass(obj)):
            continue
        yield name, obj
        if inspect.isclass(obj):
            for attribute, member in vars(obj).items():
                if attribute.startswith("_"):
                    continue
                if isinstance(member, property):
                    member = member.fget
                elif isinstance(member, (classmethod, staticmethod)):
                    member = member.__func__
                if inspect.isfunction(member):
                    yield f"{name}.{attribute}", member


@pytest.mark.parametrize("module_name", MODULES)
def test_public_api_has_examples(module_name):
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:  # lincomb.learn without torch
        pytest.skip(str(error))
    missing = [name for name, obj in _public_callables(module) if ">>>" not in (inspect.getdoc(obj) or "")]
    assert not missing, f"{module_name}: public names without an Examples section: {', '.join(missing)}"
