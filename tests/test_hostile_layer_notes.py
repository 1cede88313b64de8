"""Hostile layer inputs that were read right but said wrong (or not at all): a .prj declaring
feet over metre coordinates, a polygon whose first vertex is NaN, a sliver's area shown as a
raw float.

The layers are built here (GDAL for the shapes, the .dbf byte by byte through
``tests._shapefiles``, single bytes of the .shp overwritten) and read through the real reader.
The hand county (``tests._hand``): plots of 100 m × 140 m = 14000 m², EPSG:4549.
"""

from __future__ import annotations

import datetime as dt
import struct
from pathlib import Path

import geopandas as gpd
import pyproj
import shapely

from landgov.core.plausible import check_values
from landgov.core.problems import ReadResult, Severity
from landgov.io import read_parcels
from landgov.policy import load_profile
from tests._hand import CRS, X0, Y0, rectangle
from tests._shapefiles import write_shapefile

P = [f"330602001001GB{i:05d}" for i in range(3)]


def _layer(folder: Path, geoms: list[shapely.Geometry], prj: pyproj.CRS | str) -> Path:
    records = [[code] for code in P[: len(geoms)]]
    return write_shapefile(folder / "宗地.shp", geoms, [("ZDDM", 19)], records, prj=prj)


def _geometry_rows(result: ReadResult):
    problems = result.problems
    return problems[problems["field"] == "geometry"]


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


# --- a NaN first vertex ----------------------------------------------------------------------


def _nan_first_vertex(shp: Path) -> None:
    """Overwrite the x of the first vertex of the first polygon with NaN: its ring no longer
    closes (NaN equals nothing), so GEOS refuses the shape before any coordinate is read."""
    data = bytearray(shp.read_bytes())
    offset = 100  # the first record, after the file header
    n_parts = struct.unpack("<i", data[offset + 44 : offset + 48])[0]
    points = offset + 8 + 44 + 4 * n_parts
    data[points : points + 8] = struct.pack("<d", float("nan"))
    shp.write_bytes(bytes(data))


def test_a_nan_first_vertex_is_one_message_naming_nan(tmp_path: Path) -> None:
    """Was two messages on row 1 for one cause: 「图形数据无法解析（点数不足以构成面等），按无
    图形处理」 (警告) and 「几何为空（无图形）」 (错误), neither naming NaN. Now one 错误, the
    one a NaN in another vertex gets; the row is kept, its area missing."""
    shp = _layer(tmp_path, [rectangle(100.0, 140.0, i) for i in range(3)], pyproj.CRS(CRS))
    _nan_first_vertex(shp)
    result = read_parcels(shp)
    assert len(result.data) + len(result.rejected) == 3
    said = _geometry_rows(result)
    assert said["row"].tolist() == [1], result.problems.to_string()
    row = said.iloc[0]
    assert row["problem"].startswith("图形坐标含 NaN") and "所见 nan" in row["problem"]
    assert row["severity"] == Severity.ERROR and row["value"] == P[0]
    assert "重绘" in row["action"]
    areas = result.data.set_index("source_row")["area_m2"]
    assert areas.isna().tolist() == [True, False, False]


# --- a sliver's area ---------------------------------------------------------------------------


def test_a_sliver_area_is_shown_readably() -> None:
    """A 1 cm × 1 cm plot (area 9.99999978579581e-05 m² as a float32 export gives it). Was:
    「图形面积「9.99999978579581e-05」小于合理下限 1 平方米…」. Now 「0.0001」."""
    plots = gpd.GeoDataFrame(
        {"parcel_id": [P[0]], "area_m2": [9.99999978579581e-05], "source_row": [1]},
        geometry=[shapely.box(X0, Y0, X0 + 0.01, Y0 + 0.01)],
        crs=CRS,
    )
    checked = check_values(
        plots, load_profile("zhejiang-2023"), source="宗地.shp", as_of=dt.date(2026, 6, 30)
    )
    said = checked.problems[checked.problems["problem"].str.contains("图形面积", regex=False)]
    assert len(said) == 1, checked.problems.to_string()
    assert said.iloc[0]["problem"].startswith("图形面积「0.0001」小于合理下限 1 平方米")
    assert said.iloc[0]["value"] == "0.0001"
    assert "e-05" not in checked.problems.to_string()
