"""Excel error values (「#N/A」 of a VLOOKUP that found nothing, 「#REF!」 of a deleted column …)
in the text and code cells of the input tables.

An error cell holds no content: it is read as missing (what rests on it is 待核实), with one
「错误」 row naming the file, row, field and value and saying to fix the cell in Excel. A key cell
(宗地代码, 申请编号) holding one never joins its row to a plot named 「#N/A」.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
from openpyxl import Workbook
from shapely.geometry import box

from landgov.core.problems import ReadResult
from landgov.ids import uscc_check_char
from landgov.io import (
    read_applications,
    read_compliance,
    read_enterprises,
    read_links,
    read_parcels,
)

E0, N0 = 555_900.0, 3_320_200.0  # CGCS2000 GK CM 120E (EPSG:4549), Shaoxing
P1 = "330602001002GB00001"
P2 = "330602001002GB00002"
U1 = "91330602MA2BCDE01" + uscc_check_char("91330602MA2BCDE01")
U2 = "91330602MA2BCDE02" + uscc_check_char("91330602MA2BCDE02")
U3 = "91330602MA2BCDE03" + uscc_check_char("91330602MA2BCDE03")


def _xlsx(path: Path, rows: list[list[object]]) -> Path:
    """openpyxl stores a text spelling an error value (「#N/A」) as an error cell (t="e")."""
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    assert any(c.data_type == "e" for r in wb.active.iter_rows() for c in r)
    wb.save(path)
    return path


def _error_rows(result: ReadResult, value: str) -> pd.DataFrame:
    p = result.problems
    return p[(p["value"].astype(str) == value) & (p["severity"] == "错误")]


def _said_once(result: ReadResult, value: str, *, row: int, field: str) -> None:
    """One 错误 row for the cell: file, row, field, the value, and what to do in Excel."""
    said = _error_rows(result, value)
    assert len(said) == 1, said.to_dict("records")
    hit = said.iloc[0]
    assert int(hit["row"]) == row and hit["field"] == field
    assert hit["source"] and f"「{value.strip().upper()}」" in hit["problem"]
    assert "Excel" in hit["action"]


def test_applications_error_in_plot_code_and_project_name(tmp_path: Path) -> None:
    """Row 2's 宗地代码 is 「#N/A」 (a VLOOKUP that found nothing): no plot code, so the
    application cannot be checked against a plot (rejected, 宗地代码缺失) and is never joined
    to a plot named 「#N/A」. Row 3's 项目名称 is 「#REF!」: the name is missing, the row stays."""
    path = _xlsx(
        tmp_path / "a.xlsx",
        [
            ["申请编号", "宗地代码", "项目名称"],
            ["ZR-001", "#N/A", "甲项目"],
            ["ZR-002", P1, "#REF!"],
        ],
    )
    res = read_applications(path)
    assert len(res.data) + len(res.rejected) == 2
    assert "#N/A" not in res.data["parcel_id"].astype(str).tolist()
    assert res.rejected["application_id"].tolist() == ["ZR-001"]
    assert res.data["project_name"].isna().all()
    _said_once(res, "#N/A", row=2, field="宗地代码")
    _said_once(res, "#REF!", row=3, field="项目名称")


def test_applications_error_in_application_id(tmp_path: Path) -> None:
    """A 申请编号 of 「#VALUE!」 is no 编号: missing, said once; the application is kept."""
    path = _xlsx(
        tmp_path / "a.xlsx",
        [["申请编号", "宗地代码", "项目名称"], ["#VALUE!", P1, "甲项目"], ["#VALUE!", P2, "乙"]],
    )
    res = read_applications(path)
    assert res.data["application_id"].isna().all()
    said = _error_rows(res, "#VALUE!")
    assert sorted(said["row"].astype(int)) == [2, 3]
    assert not res.problems["problem"].str.contains("申请编号重复").any()


def test_enterprises_error_in_name(tmp_path: Path) -> None:
    """企业名称 「#NAME?」 is no name: missing (待核实), one 错误 row; so is 「 #n/a 」 typed with
    blanks in lower case (Excel reads it as the error too). A name that only begins with 「#」
    is a name."""
    path = _xlsx(
        tmp_path / "e.xlsx",
        [
            ["统一社会信用代码", "企业名称", "税收（万元）"],
            [U1, "#NAME?", 1],
            [U2, "#1 乙公司", 2],
            [U3, " #n/a ", 3],
        ],
    )
    res = read_enterprises(path)
    assert len(res.data) == 3
    names = res.data["name"].tolist()
    assert pd.isna(names[0]) and names[1] == "#1 乙公司" and pd.isna(names[2])
    _said_once(res, "#NAME?", row=2, field="企业名称")
    _said_once(res, " #n/a ", row=4, field="企业名称")
    assert not (res.problems["row"] == 3).any()


def test_links_error_in_plot_code_never_joins(tmp_path: Path) -> None:
    """A link whose 宗地代码 is 「#N/A」 links nothing: rejected, never a plot named 「#N/A」;
    its 关系 「#DIV/0!」 on the other row is missing, said once."""
    path = _xlsx(
        tmp_path / "l.xlsx",
        [
            ["宗地代码", "统一社会信用代码", "关系"],
            ["#N/A", U1, "自有"],
            [P2, U2, "#DIV/0!"],
        ],
    )
    res = read_links(path)
    assert "#N/A" not in res.data["parcel_id"].astype(str).tolist()
    assert len(res.rejected) == 1
    _said_once(res, "#N/A", row=2, field="宗地代码")
    assert pd.isna(res.data["relation"].iloc[0])
    _said_once(res, "#DIV/0!", row=3, field="关系")


def test_compliance_error_in_category_and_plot_code(tmp_path: Path) -> None:
    """问题类别 「#NUM!」 and 宗地代码 「#NULL!」: both missing, each said once."""
    path = _xlsx(
        tmp_path / "c.xlsx",
        [
            ["统一社会信用代码", "宗地代码", "问题类别", "记录日期"],
            [U1, "#NULL!", "环保处罚", "2024-03-01"],
            [U2, P1, "#NUM!", "2024-03-01"],
        ],
    )
    res = read_compliance(path)
    frame = pd.concat([res.data, res.rejected])
    assert "#NULL!" not in frame["parcel_id"].astype(str).tolist()
    assert "#NUM!" not in frame["category"].astype(str).tolist()
    _said_once(res, "#NULL!", row=2, field="宗地代码")
    _said_once(res, "#NUM!", row=3, field="问题类别")


def test_parcels_dbf_text_fields(tmp_path: Path) -> None:
    """A .dbf exported from a sheet keeps 「#N/A」 as text: the plot with that 宗地代码 has no
    code (rejected, never a plot 「#N/A」); 权利人 (QLR) 「#REF!」 is missing. (A .dbf field
    name holds 10 bytes: the layer uses the usual ZDDM/QLR names.)"""
    path = tmp_path / "p.shp"
    gpd.GeoDataFrame(
        {"ZDDM": ["#N/A", P1], "QLR": ["甲公司", "#REF!"]},
        geometry=[box(E0, N0, E0 + 100, N0 + 100), box(E0 + 200, N0, E0 + 300, N0 + 100)],
        crs=4549,
    ).to_file(path, encoding="utf-8")
    res = read_parcels(path)
    assert res.data["parcel_id"].tolist() == [P1]
    assert pd.isna(res.data["holder"].iloc[0])
    _said_once(res, "#N/A", row=1, field="ZDDM")
    _said_once(res, "#REF!", row=2, field="QLR")
