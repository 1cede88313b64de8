"""Hostile layer inputs that were read right but said wrong (or not at all): a .prj declaring
feet over metre coordinates.

The layers are built here (GDAL for the shapes, the .dbf byte by byte through
``tests._shapefiles``) and read through the real reader.
The hand county (``tests._hand``): plots of 100 m × 140 m = 14000 m², EPSG:4549.
"""

from __future__ import annotations

from pathlib import Path

import pyproj
import shapely

from landgov.core.problems import Severity
from landgov.io import read_parcels
from tests._hand import CRS, rectangle
from tests._shapefiles import write_shapefile

P = [f"330602001001GB{i:05d}" for i in range(3)]


def _layer(folder: Path, geoms: list[shapely.Geometry], prj: pyproj.CRS | str) -> Path:
    records = [[code] for code in P[: len(geoms)]]
    return write_shapefile(folder / "宗地.shp", geoms, [("ZDDM", 19)], records, prj=prj)


# --- a .prj in feet over coordinates in metres ------------------------------------------------


def _feet_wkt(unit: str) -> str:
    """EPSG:4549 as ArcGIS writes it, its linear unit changed to ``unit`` (WKT1 ESRI)."""
    return pyproj.CRS.from_epsg(CRS).to_wkt("WKT1_ESRI").replace('UNIT["Meter",1.0]', unit)


def test_a_prj_in_us_feet_over_metre_coordinates_is_said(tmp_path: Path) -> None:
    """A .prj naming CGCS2000 3° GK 120°E with UNIT["Foot_US"], the coordinates metres of
    that zone (x ≈ 556,000, y ≈ 3,320,000). Was: read as EPSG:4549 in metres with not a word.
    Still read so (14000 m² a plot), now with a 警告 naming the declared unit, the
    coordinates and the CRS used."""
    wkt = _feet_wkt('UNIT["Foot_US",0.3048006096012192]')
    result = read_parcels(_layer(tmp_path, [rectangle(100.0, 140.0, i) for i in range(2)], wkt))
    assert result.meta["crs"]["output"] == "EPSG:4549"
    assert result.data["area_m2"].tolist() == [14000.0, 14000.0]
    said = result.problems[result.problems["problem"].str.contains("长度单位", regex=False)]
    assert len(said) == 1, result.problems.to_string()
    row = said.iloc[0]
    assert row["severity"] == Severity.WARNING and row["field"] == "crs"
    assert "US survey foot" in row["problem"] and "0.3048006 米" in row["problem"]
    assert "已按米读取（EPSG:4549）" in row["problem"]
    assert "(556,550, 3,320,070)" in row["problem"]  # the coordinates seen, in metres


def test_a_prj_in_international_feet_is_said_too(tmp_path: Path) -> None:
    wkt = _feet_wkt('UNIT["Foot",0.3048]')
    result = read_parcels(_layer(tmp_path, [rectangle(100.0, 140.0, 0)], wkt))
    said = result.problems[result.problems["problem"].str.contains("长度单位", regex=False)]
    assert said["problem"].str.contains("「foot」（1 单位 = 0.3048 米）", regex=False).all()
    assert len(said) == 1


def test_a_prj_in_metres_says_nothing_of_units(tmp_path: Path) -> None:
    result = read_parcels(_layer(tmp_path, [rectangle(100.0, 140.0, 0)], pyproj.CRS.from_epsg(CRS)))
    assert not result.problems["problem"].str.contains("长度单位", regex=False).any()
