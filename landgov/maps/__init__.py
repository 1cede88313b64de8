"""Briefing maps of a screening run: one offline HTML page, a PNG/PDF for print, a folium.Map.

Province-sized runs: :mod:`landgov.maps.tiles` (a PMTiles folder opened through a web server).

>>> from landgov.maps import build_map, render_static
>>> build_map("out/demo", basemap="none").save("maps/demo.html")      # doctest: +SKIP
>>> render_static("out/demo", "maps/demo.png", theme="path")            # doctest: +SKIP
>>> render_static("out/demo", "maps/a3.pdf", layout=PrintLayout("A3"))  # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from landgov._lazy import lazy_package

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

lazy_package(__name__, _WHERE)
