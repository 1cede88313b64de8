"""Briefing maps of a screening run: one offline HTML page, a PNG/PDF for print, a folium.Map.

Province-sized runs: :mod:`landgov.maps.tiles` (a PMTiles folder opened through a web server).

>>> from landgov.maps import build_map, render_static
>>> build_map("out/demo", basemap="none").save("maps/demo.html")      # doctest: +SKIP
>>> render_static("out/demo", "maps/demo.png", theme="path")            # doctest: +SKIP
>>> render_static("out/demo", "maps/a3.pdf", layout=PrintLayout("A3"))  # doctest: +SKIP
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from landgov.maps._basemaps import Basemap, Datum, resolve_basemap
    from landgov.maps._print import PrintLayout
    from landgov.maps._run import RunData, load_run
    from landgov.maps.folium_map import folium_map
    from landgov.maps.interactive import BriefingMap, build_map
    from landgov.maps.static import find_cjk_font, render_static
    from landgov.maps.style import DEFAULT_STYLE, THEMES, MapStyle

#: Where each public name lives. The submodules are imported on first use, so that a run which
#: only needs the layer styles (``landgov.maps.style``, e.g. through ``reports.gis``) does not
#: import folium, matplotlib and mapclassify (about 1.8 s of CPU per process).
_WHERE = {
    "Basemap": "_basemaps",
    "Datum": "_basemaps",
    "resolve_basemap": "_basemaps",
    "PrintLayout": "_print",
    "RunData": "_run",
    "load_run": "_run",
    "folium_map": "folium_map",
    "BriefingMap": "interactive",
    "build_map": "interactive",
    "find_cjk_font": "static",
    "render_static": "static",
    "DEFAULT_STYLE": "style",
    "THEMES": "style",
    "MapStyle": "style",
}


def __getattr__(name: str) -> Any:
    """The public name ``name``, imported from its submodule on first use (PEP 562)."""
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
    globals()[name] = value
    return value


class _Package(types.ModuleType):
    """This package, whose public ``folium_map`` (a function) shares its name with a submodule:
    importing the submodule must not bind the module over the function."""

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, types.ModuleType) and _WHERE.get(name) == name:
            return  # the submodule stays reachable through sys.modules
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


__all__ = [
    "DEFAULT_STYLE",
    "THEMES",
    "Basemap",
    "BriefingMap",
    "Datum",
    "MapStyle",
    "PrintLayout",
    "RunData",
    "build_map",
    "find_cjk_font",
    "folium_map",
    "load_run",
    "render_static",
    "resolve_basemap",
]
