"""The tiled map for large runs (a province): PMTiles + MapLibre GL JS, opened through HTTP.

>>> from landgov.maps.tiles import build_tiles, serve_folder
>>> build_tiles("out/province", "maps/province-tiles")            # doctest: +SKIP
>>> serve_folder("maps/province-tiles")                            # doctest: +SKIP
"""

from landgov.maps.tiles._build import TileMap, build_tiles
from landgov.maps.tiles.serve import RangeRequestHandler, serve_folder

__all__ = ["RangeRequestHandler", "TileMap", "build_tiles", "serve_folder"]
