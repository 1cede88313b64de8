"""Write parcels into one PMTiles archive of Mapbox vector tiles, with GDAL (through pyogrio).

GDAL's PMTiles driver (shipped in pyogrio's wheels since GDAL 3.8) cuts the tiles; no
tippecanoe is needed. The archive carries only what the GPU draws: the geometry, the row
number ``i`` (popups and search look the rest up in the attribute chunks) and one small integer
class per theme (``t_<theme>``). Each parcel is written at every zoom from ``minzoom`` to
``maxzoom``; MapLibre over-zooms the last level, so ``maxzoom`` 14 suffices for street views.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pyogrio

from landgov.errors import DataFileError

__all__ = ["LAYER", "MAXZOOM", "MINZOOM", "write_archive"]

LAYER = "parcels"
MINZOOM = 12
MAXZOOM = 14
#: Per-tile limits far above any real tile: GDAL would otherwise drop or thin features.
_MAX_SIZE = 50_000_000
_MAX_FEATURES = 5_000_000


def _has_driver() -> bool:
    return "w" in pyogrio.list_drivers().get("PMTiles", "")


def write_archive(
    frame: gpd.GeoDataFrame, path: Path, *, minzoom: int = MINZOOM, maxzoom: int = MAXZOOM
) -> Path:
    """Write ``frame`` (lon/lat, EPSG:4326) as layer :data:`LAYER` of a new PMTiles archive.

    Raises
    ------
    DataFileError
        GDAL lacks the PMTiles driver, or the archive cannot be written.
    """
    if not _has_driver():
        raise DataFileError(
            "当前 GDAL 不支持写 PMTiles 瓦片（需 GDAL ≥ 3.8）："
            "请升级 pyogrio（pip install -U pyogrio）"
        )
    path.unlink(missing_ok=True)  # GDAL cannot add to an existing archive
    try:
        pyogrio.write_dataframe(
            frame,
            path,
            layer=LAYER,
            driver="PMTiles",
            dataset_options={
                "MINZOOM": minzoom,
                "MAXZOOM": maxzoom,
                "MAX_SIZE": _MAX_SIZE,
                "MAX_FEATURES": _MAX_FEATURES,
                "NAME": "landgov parcels",
            },
        )
    except (OSError, pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        raise DataFileError(f"无法写入瓦片文件 {path}：{exc}") from exc
    return path
