"""Packages whose public names are imported from their submodules on first use.

``import landgov.maps`` must not import folium, matplotlib and mapclassify: a screening or 增容
run reads only the layer styles (``landgov.maps.style``, through ``reports.gis``), and those
libraries cost every run and every Dask worker about 1 s of CPU. :func:`lazy_package` gives a
package that behaviour (PEP 562, done by the module's class so that one mechanism serves every
package).
"""

from __future__ import annotations

import importlib
import sys
import types
from collections.abc import Mapping
from typing import Any

__all__ = ["lazy_package"]


class _LazyPackage(types.ModuleType):
    """A package whose public names come from its submodules (``_lazy_where``) on first use."""

    def __getattr__(self, name: str) -> Any:
        where: Mapping[str, str] = self.__dict__.get("_lazy_where", {})
        if name not in where:
            raise AttributeError(f"module {self.__name__!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{self.__name__}.{where[name]}"), name)
        self.__dict__[name] = value
        return value

    def __setattr__(self, name: str, value: Any) -> None:
        # a public name may be that of its submodule (landgov.maps.folium_map): importing the
        # submodule must not bind the module over the name (it stays in sys.modules)
        where: Mapping[str, str] = self.__dict__.get("_lazy_where", {})
        if isinstance(value, types.ModuleType) and where.get(name) == name:
            return
        super().__setattr__(name, value)


def lazy_package(name: str, where: Mapping[str, str]) -> None:
    """Make package ``name`` import each public name from its submodule on first use.

    Parameters
    ----------
    name
        The package (``__name__`` of its ``__init__``), already in ``sys.modules``.
    where
        Public name → the submodule (relative to the package) that defines it.
    """
    module = sys.modules[name]
    module.__class__ = _LazyPackage
    module.__dict__["_lazy_where"] = dict(where)
