"""Lets timm import without torchvision.

The torchvision wheels on this machine's pip index are built against another torch and fail to
load; timm imports two optional symbols from it. stub_torchvision() answers every import of
torchvision.* with a module whose attributes are inert placeholders. Call it before importing timm.
"""

import sys
import types


class _Placeholder(type):
    """Any attribute of a placeholder is a placeholder; so is calling or subclassing it."""

    def __getattr__(cls, name):
        return _Placeholder(name, (), {})

    def __call__(cls, *args, **kwargs):
        return cls


class _StubFinder:
    """Answers every import of torchvision.* with a module whose attributes are placeholders."""

    def find_spec(self, name, path=None, target=None):
        if name == "torchvision" or name.startswith("torchvision."):
            import importlib.machinery
            return importlib.machinery.ModuleSpec(name, self, is_package=True)
        return None

    def create_module(self, spec):
        module = types.ModuleType(spec.name)
        module.__path__ = []
        module.__getattr__ = _placeholder_attribute
        return module

    def exec_module(self, module):
        pass


def _placeholder_attribute(name):
    if name.startswith("__"):
        raise AttributeError(name)
    return _Placeholder(name, (), {})


def stub_torchvision():
    sys.meta_path.insert(0, _StubFinder())


