"""The tiled map for large runs (a province): PMTiles + MapLibre GL JS, opened through HTTP.

>>> from landgov.maps.tiles import build_tiles, serve_folder
>>> build_tiles("out/province", "maps/province-tiles")            # doctest: +SKIP
>>> serve_folder("maps/province-tiles")                            # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from landgov._lazy import lazy_package

if TYPE_CHECKING:
    from landgov.maps.tiles._build import TileMap, build_tiles
    from landgov.maps.tiles.serve import RangeRequestHandler, serve_folder

#: Where each public name lives; imported on first use (PEP 562), so that serving a folder or
#: reading a province run does not import the map-building libraries (matplotlib, mapclassify).
_WHERE = {
    "TileMap": "_build",
    "build_tiles": "_build",
    "RangeRequestHandler": "serve",
    "serve_folder": "serve",
}


__all__ = ["RangeRequestHandler", "TileMap", "build_tiles", "serve_folder"]

lazy_package(__name__, _WHERE)
