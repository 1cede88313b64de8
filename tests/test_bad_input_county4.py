"""County files as they really come, fourth round: a hole digitised outside its plot, and codes
stored as numbers so that their leading 0 is gone (「0601」 工业用地 as 601, 「0610」 as 610).

Every file is built here (GDAL, openpyxl, or byte by byte through ``tests._shapefiles``) and
read through the real reader. Expected results are worked out by hand in the docstrings.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from openpyxl import Workbook
from pyproj import CRS
from shapely.geometry import Polygon, box

from landgov.core.landuse import industrial_matcher
from landgov.core.problems import ReadResult, Severity
from landgov.far.industry import to_gb2002_division
from landgov.io import read_applications, read_enterprises, read_parcels, read_planning
from landgov.policy import load_profile
from tests._shapefiles import write_shapefile, write_shp_rings

E0, N0 = 555_900.0, 3_320_200.0  # CGCS2000 3° GK CM 120E (EPSG:4549), Shaoxing
P1, P2, P3 = "330602001002GB00001", "330602001002GB00002", "330602001002GB00003"
A = "91330100470102706G"  # valid codes (zhejiang_valid.txt in /work/shared/testdata/uscc)
B = "913304007429141869"
C = "91330100799655058B"
FIELDS = [("宗地代码", 19), ("土地用途", 12)]


def _said(result: ReadResult, words: str) -> pd.DataFrame:
    problems = result.problems
    return problems[problems["problem"].astype(str).str.contains(words, regex=False)]


def _square(x: float, y: float, side: float, *, clockwise: bool) -> list[tuple[float, float]]:
    """A closed square ring from (x, y), clockwise (a .shp outer ring) or not (a .shp hole)."""
    ring = [(x, y), (x, y + side), (x + side, y + side), (x + side, y), (x, y)]
    return ring if clockwise else ring[::-1]


# --- a hole outside its plot --------------------------------------------------------------------

# 80 m square plot (6,400 m²) and a 10 m ring (100 m²) 20 m east of it, wound as a hole
SHELL = [(E0, N0), (E0 + 80, N0), (E0 + 80, N0 + 80), (E0, N0 + 80)]
STRAY = [(E0 + 100, N0), (E0 + 110, N0), (E0 + 110, N0 + 10), (E0 + 100, N0 + 10)]


def test_a_hole_digitised_outside_its_plot_is_named_on_its_row(tmp_path: Path) -> None:
    """A Shapefile plot whose hole lies 20 m east of it. GDAL reads the stray hole as a second
    part: 6,400 + 100 = 6,500 m² (it warns once for the file, naming no plot), and nothing was
    said; the area drives 亩均税收 and every share. Now a warning on row 2 names the plot and
    gives the ring's share (100.0 m²), the area without it (6,500 − 100 = 6,400.0 m²) and as a
    hole inside the plot (6,500 − 2 × 100 = 6,300.0 m²), with what to do. The area read is
    kept (as for an invalid GeoPackage shape, repaired to 6,500 and said); the other plot is
    not named."""
    shp = write_shapefile(
        tmp_path / "宗地.shp",
        [box(E0 - 200, N0, E0 - 100, N0 + 100), Polygon(SHELL, [STRAY])],
        FIELDS,
        [[P1, "工业用地"], [P2, "工业用地"]],
        prj=CRS(4549),
    )
    result = read_parcels(shp)
    assert result.data["area_m2"].tolist() == pytest.approx([10_000.0, 6_500.0])
    said = _said(result, "不在该宗地任何外环之内")
    assert len(said) == 1, result.problems
    row = said.iloc[0]
    assert row["row"] == 2 and row["value"] == P2 and row["field"] == "geometry"
    assert row["severity"] == Severity.WARNING
    assert "6,500.0 平方米中含该环 100.0 平方米" in row["problem"]
    assert "不计该环为 6,400.0 平方米" in row["problem"] and "6,300.0 平方米" in row["problem"]
    assert "核实" in row["action"] and "ArcGIS/QGIS" in row["action"]


def test_the_stray_hole_is_found_in_the_record_bytes_whatever_the_record_order(
    tmp_path: Path,
) -> None:
    """The same file written byte by byte, the stray plot third after a plain and a two-part
    plot: rings 6,400 m² clockwise and 100 m² counter-clockwise outside it → row 3 only (the
    two-part plot 2, 6,400 + 100 = 6,500 m², both parts clockwise, is no error)."""
    shp = write_shp_rings(
        tmp_path / "宗地.shp",
        [
            [_square(E0 - 200, N0, 100, clockwise=True)],
            [_square(E0 - 400, N0, 80, clockwise=True), _square(E0 - 300, N0, 10, clockwise=True)],
            [_square(E0, N0, 80, clockwise=True), _square(E0 + 100, N0, 10, clockwise=False)],
        ],
        FIELDS,
        [[P1, "工业用地"], [P2, "工业用地"], [P3, "工业用地"]],
        prj=CRS(4549),
    )
    with pytest.warns(RuntimeWarning, match="winding order"):  # GDAL's one word for the file
        plain = gpd.read_file(shp)
    assert plain.area.tolist() == pytest.approx([10_000.0, 6_500.0, 6_500.0])
    result = read_parcels(shp)
    said = _said(result, "不在该宗地任何外环之内")
    assert said["row"].tolist() == [3], result.problems
    assert said.iloc[0]["value"] == P3


def test_rings_drawn_the_other_way_round_are_no_stray_hole(tmp_path: Path) -> None:
    """Some programs write the outer ring counter-clockwise and the hole clockwise (the
    GeoJSON rule), against the Shapefile rule. By directions alone the outer ring is then a
    «hole» outside the «outer» ring; GDAL sorts such rings by nesting and reads 80² − 20² =
    6,400 − 400 = 6,000 m². No false alarm: nothing is said about rings."""
    shp = write_shp_rings(
        tmp_path / "宗地.shp",
        [[_square(E0, N0, 80, clockwise=False), _square(E0 + 20, N0 + 20, 20, clockwise=True)]],
        FIELDS,
        [[P1, "工业用地"]],
        prj=CRS(4549),
    )
    result = read_parcels(shp)
    assert result.data["area_m2"].tolist() == pytest.approx([6_000.0])
    assert _said(result, "外环之内").empty, result.problems


@pytest.mark.parametrize("suffix", [".gpkg", ".geojson"])
def test_a_hole_outside_its_shell_in_a_geopackage_or_geojson_is_said(
    tmp_path: Path, suffix: str
) -> None:
    """GeoPackage and GeoJSON keep the hole as a hole: the polygon is invalid (「内环（洞）在外环
    之外」), repaired by make_valid into two parts, 6,300 → 6,500 m², and said on its row with
    both areas — the same area the Shapefile reading gives, so a format changes nothing."""
    path = tmp_path / f"宗地{suffix}"
    gpd.GeoDataFrame(
        {"宗地代码": [P1], "土地用途": ["工业用地"]}, geometry=[Polygon(SHELL, [STRAY])], crs=4549
    ).to_file(path)
    result = read_parcels(path)
    assert result.data["area_m2"].tolist() == pytest.approx([6_500.0])
    said = _said(result, "内环（洞）在外环之外")
    assert len(said) == 1, result.problems
    assert said.iloc[0]["row"] == 1 and said.iloc[0]["severity"] == Severity.WARNING
    assert "6,300.0→6,500.0 平方米" in said.iloc[0]["problem"]


# --- codes stored as numbers --------------------------------------------------------------------


def test_a_land_use_code_in_a_numeric_dbf_field_gets_its_zero_back(tmp_path: Path) -> None:
    """「土地用途」 as an ``N(6,0)`` field of GB/T 21010 codes: 0601 工业用地 comes as 601 and
    was read 「601」, a code no table defines (待核实 for an industrial plot). Land-use codes have
    2, 4 or 6 digits and never begin with 「00」, so 601 can only be 「0601」 (工业用地) and
    602 「0602」 (采矿用地, not industrial), each said (提示); 1001 (4 digits) and 100101
    (6) are as they are and not said."""
    shp = write_shapefile(
        tmp_path / "宗地.shp",
        [box(E0 + 200 * i, N0, E0 + 200 * i + 100, N0 + 100) for i in range(4)],
        [("宗地代码", 19), ("土地用途", 6, 0)],
        [[P1, "601"], [P2, "602"], [P3, "1001"], ["330602001002GB00004", "100101"]],
        prj=CRS(4549),
    )
    result = read_parcels(shp)
    assert result.data["land_use"].tolist() == ["0601", "0602", "1001", "100101"]
    matcher = industrial_matcher(load_profile("zhejiang-2023"))
    assert [matcher.matches(v) for v in result.data["land_use"]] == [True, False, True, True]
    said = _said(result, "开头的 0 已丢失")
    assert said["row"].tolist() == [1, 2], result.problems
    assert (said["severity"] == Severity.INFO).all() and (said["field"] == "土地用途").all()
    assert "「0601」" in said.iloc[0]["problem"]


def test_a_planned_use_code_stored_as_a_number_is_read_as_its_code(tmp_path: Path) -> None:
    """The planning layer's 「用地性质」 as a numeric field: 70101 (5 digits) is 「070101」
    一类城镇住宅用地 (用地用海分类, 6 digits), not industrial; said (提示) on its row."""
    shp = write_shapefile(
        tmp_path / "规划.shp",
        [box(E0, N0, E0 + 100, N0 + 100), box(E0 + 200, N0, E0 + 300, N0 + 100)],
        [("用地性质", 8, 0)],
        [["70101"], ["100101"]],
        prj=CRS(4549),
    )
    result = read_planning(shp)
    assert result.data["planned_use"].tolist() == ["070101", "100101"]
    matcher = industrial_matcher(load_profile("zhejiang-2023"))
    assert [matcher.matches(v) for v in result.data["planned_use"]] == [False, True]
    said = _said(result, "开头的 0 已丢失")
    assert said["row"].tolist() == [1] and said.iloc[0]["severity"] == Severity.INFO


def _firms(path: Path, rows: Sequence[Sequence[object]]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(["统一社会信用代码", "企业名称", "行业代码", "税收（万元）", "用地面积（亩）"])
    for row in rows:
        ws.append(list(row))
    wb.save(path)
    return path


def test_an_industry_code_stored_as_a_number_is_never_read_as_another_code(
    tmp_path: Path,
) -> None:
    """行业代码 typed into Excel as numbers. GB/T 4754 codes have 2 (大类), 3 (中类) or 4 (小类)
    digits, and none begins with 「00」:

    - 610 is 「0610」 (烟煤和无烟煤开采洗选) or a 中类 「610」 of division 61 (住宿业): it was
      read 「610」, division 61, silently. Now it is missing (待核实) with an error naming
      both readings and the fix;
    - 3311 has 4 digits, and 「03311」 has 5: 「3311」, not said;
    - 7 has 1 digit: only 「07」 (石油和天然气开采业) fits, read so with a 提示.
    """
    path = _firms(tmp_path / "名单.xlsx", [[A, "甲矿业", 610, 10, 5], [B, "乙机械", 3311, 20, 6],
                                           [C, "丙油气", 7, 30, 7]])  # fmt: skip
    result = read_enterprises(path)
    codes = result.data["industry_code"].tolist()
    assert pd.isna(codes[0]) and codes[1:] == ["3311", "07"]
    assert to_gb2002_division(codes[0]).gb2002 is None  # not division 61
    ambiguous = _said(result, "无法确定")
    assert len(ambiguous) == 1, result.problems
    row = ambiguous.iloc[0]
    assert row["row"] == 2 and row["field"] == "行业代码" and row["severity"] == Severity.ERROR
    assert "「610」" in row["problem"] and "「0610」" in row["problem"]
    assert "文本" in row["action"]
    padded = _said(result, "开头的 0 已丢失")
    assert padded["row"].tolist() == [4] and padded.iloc[0]["severity"] == Severity.INFO


def test_an_industry_code_written_as_text_keeps_its_zero(tmp_path: Path) -> None:
    """The same codes written as text (「0610」, 「3311」) are read as written, nothing said."""
    path = _firms(
        tmp_path / "名单.xlsx", [[A, "甲矿业", "0610", 10, 5], [B, "乙机械", "3311", 20, 6]]
    )
    result = read_enterprises(path)
    assert result.data["industry_code"].tolist() == ["0610", "3311"]
    assert _said(result, "开头的 0").empty


def test_a_project_industry_code_stored_as_a_number_is_flagged_in_an_application(
    tmp_path: Path,
) -> None:
    """The 增容 申请表 reads 「项目行业代码」 by the same rule: 610 is missing (待核实, never
    division 61 for condition 4), 3360 is 「3360」."""
    wb = Workbook()
    ws = wb.active
    ws.append(["申请编号", "宗地代码", "统一社会信用代码", "项目行业代码"])
    ws.append(["ZR-001", P1, A, 610])
    ws.append(["ZR-002", P2, B, 3360])
    wb.save(tmp_path / "申请.xlsx")
    result = read_applications(tmp_path / "申请.xlsx")
    codes = result.data["project_industry_code"].tolist()
    assert pd.isna(codes[0]) and codes[1] == "3360"
    said = _said(result, "无法确定")
    assert said["row"].tolist() == [2] and said.iloc[0]["field"] == "项目行业代码"
