"""What GDAL does not say about a Shapefile's .dbf (audit geo_inputs F1, F3, F6).

Each layer is written by GDAL (shapes) and by hand (.dbf, :mod:`tests._shapefiles`), then the
.dbf's bytes are patched the way ArcGIS leaves them: a record's deletion flag set to ``*``,
a numeric cell filled with ``*`` (a value too wide for its field).
"""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pyproj import CRS
from shapely.geometry import box

from landgov.inspect import inspect_file
from landgov.io import read_townships
from landgov.io._dbfraw import scan_dbf
from landgov.io.parcels import read_parcels
from tests._shapefiles import write_shapefile

E0, N0 = 555_900.0, 3_320_200.0
FIELDS = [("宗地代码", 19), ("权利人", 40), ("土地用途", 12), ("宗地面积", 12, 2)]
DELETED = ".dbf 中该记录已标记删除（图形仍在 .shp 中）"


def _boxes(n: int) -> list:
    return [box(E0 + i * 100, N0, E0 + (i + 1) * 100, N0 + 100) for i in range(n)]


def _records(n: int) -> list[list[str]]:
    return [
        [f"330602001002GB{i + 1:05d}", f"测试纺织有限公司{i + 1}", "工业用地", "10000.00"]
        for i in range(n)
    ]


def _flag_deleted(dbf: Path, *records: int) -> None:
    """Set the dBASE deletion flag of ``records`` (0-based), as ArcGIS does on 删除 without 压缩."""
    data = bytearray(dbf.read_bytes())
    header_len, record_len = struct.unpack("<HH", data[8:12])
    for r in records:
        data[header_len + r * record_len] = ord("*")
    dbf.write_bytes(bytes(data))


def _problems(res, text: str) -> list[tuple[int | None, str, str | None]]:
    rows = res.problems[res.problems["problem"].str.contains(text, regex=False)]
    return [
        (None if r.row is None or r.row != r.row else int(r.row), r.field, r.value)
        for r in rows.astype(object).itertuples()
    ]


def test_deleted_records_are_counted_rejected_and_rows_keep_record_numbers(
    tmp_path: Path,
) -> None:
    records = _records(6)
    records[4][0] = records[3][0]  # record 5 repeats record 4: which rows are named?
    shapes = _boxes(6)
    shapes[4] = shapes[3]
    shp = write_shapefile(tmp_path / "zd.shp", shapes, FIELDS, records, prj=CRS(4549))
    _flag_deleted(shp.with_suffix(".dbf"), 1, 2)  # records 2 and 3
    res = read_parcels(shp)
    assert res.rows_in == 6
    assert res.meta["rows"] == 6 and res.meta["rows_rejected"] == 3
    assert res.data["source_row"].tolist() == [1, 4, 6]
    assert res.data["parcel_id"].tolist() == [
        "330602001002GB00001",
        "330602001002GB00004",
        "330602001002GB00006",
    ]
    assert res.rejected["source_row"].tolist() == [2, 3, 5]
    assert res.rejected["reject_reason"].tolist() == [
        DELETED, DELETED, "宗地代码重复（与第 4 行相同）"
    ]  # fmt: skip
    assert res.rejected["parcel_id"].tolist()[:2] == ["330602001002GB00002", "330602001002GB00003"]
    said = _problems(res, DELETED)
    assert said == [(2, "删除标记", "330602001002GB00002"), (3, "删除标记", "330602001002GB00003")]
    action = res.problems.loc[res.problems["problem"].str.contains(DELETED), "action"].iat[0]
    assert "压缩（Pack）" in action and "恢复该记录" in action
    # record 5 is said on row 5 and names row 4, where ArcGIS shows them (were rows 3 and 2)
    assert _problems(res, "宗地代码重复") == [(5, "宗地代码", "330602001002GB00004")]
    assert len(res.data) + len(res.rejected) == res.rows_in


def test_inspect_counts_deleted_records(tmp_path: Path) -> None:
    shp = write_shapefile(tmp_path / "zd.shp", _boxes(4), FIELDS, _records(4), prj=CRS(4549))
    _flag_deleted(shp.with_suffix(".dbf"), 0)
    report = inspect_file(shp)
    assert (report["rows"], report["rows_kept"], report["rows_rejected"]) == (4, 3, 1)


def test_deleted_record_in_another_layer_role_is_rejected_too(tmp_path: Path) -> None:
    names = [["斗门街道"], ["马山街道"], ["东湖街道"]]
    shp = write_shapefile(tmp_path / "zj.shp", _boxes(3), [("镇街", 20)], names, prj=CRS(4549))
    _flag_deleted(shp.with_suffix(".dbf"), 1)
    res = read_townships(shp)
    assert res.rows_in == 3
    assert res.data["source_row"].tolist() == [1, 3]
    assert res.data["township"].tolist() == ["斗门街道", "东湖街道"]
    assert res.rejected["source_row"].tolist() == [2]
    assert [row for row, _, _ in _problems(res, DELETED)] == [2]


@pytest.mark.parametrize("stars", ["************", "*******", "   *******"])
def test_overflowed_numeric_cell_is_said(tmp_path: Path, stars: str) -> None:
    records = _records(4)
    records[2][3] = stars  # record 3: ArcGIS's overflow of a number too wide for N(12,2)
    shp = write_shapefile(tmp_path / "zd.shp", _boxes(4), FIELDS, records, prj=CRS(4549))
    res = read_parcels(shp)
    assert np.isnan(res.data["area_declared_m2"].iat[2])
    said = _problems(res, "数值超出字段宽度")
    assert said == [(3, "宗地面积", stars.strip())]
    row = res.problems[res.problems["problem"].str.contains("数值超出字段宽度")].iloc[0]
    assert row["problem"] == (
        f"数值超出字段宽度（导出时溢出，单元格为「{stars.strip()}」），已按缺失处理"
    )
    assert row["action"] == "在 ArcGIS/QGIS 中加宽该字段后重新导出"
    assert row["severity"] == "错误"


def test_overflow_in_an_unmapped_field_after_a_deleted_record(tmp_path: Path) -> None:
    fields = [*FIELDS, ("BZ", 8, 0)]
    records = [[*r, "1"] for r in _records(4)]
    records[3][4] = "********"
    shp = write_shapefile(tmp_path / "zd.shp", _boxes(4), fields, records, prj=CRS(4549))
    _flag_deleted(shp.with_suffix(".dbf"), 0)
    res = read_parcels(shp)
    assert _problems(res, "数值超出字段宽度") == [(4, "BZ", "********")]


def test_nineteen_digit_code_in_a_numeric_field_keeps_every_digit(tmp_path: Path) -> None:
    fields = [("宗地代码", 19, 0), ("权利人", 40), ("土地用途", 12), ("宗地面积", 12, 2)]
    codes = [str(3306020010010000001 + i) for i in range(5)]
    records = [[c, f"公司{i}", "工业用地", "10000.00"] for i, c in enumerate(codes)]
    records[1][0] = "601"  # a short number in the same field stays as it was read
    shp = write_shapefile(tmp_path / "zd.shp", _boxes(5), fields, records, prj=CRS(4549))
    res = read_parcels(shp)
    assert len(res.rejected) == 0
    assert res.data["parcel_id"].tolist() == [codes[0], "601", *codes[2:]]
    info = res.problems[res.problems["problem"].str.contains("存为数字字段")]
    assert len(info) == 1 and info["severity"].iat[0] == "提示"
    assert "4 个" in info["problem"].iat[0] and pd.isna(info["row"].iat[0])
    assert not res.problems["problem"].str.contains("可能已丢失").any()
    shape = res.problems.loc[res.problems["row"] == 1, "problem"].tolist()
    assert "宗地代码第 13–14 位应为 2 位字母特征码（如 GB、JC），实为「00」" in shape
    assert not res.problems["problem"].str.contains("实为 19 位").any()


@pytest.mark.parametrize(
    "patch",
    [
        lambda b: b[:20],  # header cut short
        lambda b: b[: len(b) // 2],  # records cut short
        lambda b: b[:10] + struct.pack("<H", 7) + b[12:],  # record length that does not add up
        lambda b: b[:32] + b"\xff" * 31 + b[63:],  # no field descriptor
    ],
    ids=["short-header", "truncated", "record-length", "descriptor"],
)
def test_odd_dbf_is_not_scanned(tmp_path: Path, patch) -> None:
    shp = write_shapefile(tmp_path / "zd.shp", _boxes(3), FIELDS, _records(3), prj=CRS(4549))
    dbf = shp.with_suffix(".dbf")
    assert scan_dbf(dbf) is not None
    dbf.write_bytes(patch(dbf.read_bytes()))
    assert scan_dbf(dbf) is None
