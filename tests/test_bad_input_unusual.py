"""Unusual county files: JSON values in layer properties, mixed encodings, 300 %, 1e300
coordinates, a real ``.xls``, and a sample too small to generate.

Each case builds its file in ``tmp_path``; every row read is kept, flagged or rejected with a
reason, and every failure is one 「错误：」 line (exit 2), never a traceback.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import struct
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from openpyxl import Workbook

from landgov.core.plausible import check_reads
from landgov.core.problems import ReadResult
from landgov.errors import DataFileError, EncodingError
from landgov.ids import uscc_check_char
from landgov.io import (
    read_applications,
    read_enterprises,
    read_links,
    read_parcels,
    read_planning,
)
from landgov.policy import load_profile
from tests._cli import assert_clean_error

_ROOT = Path(__file__).resolve().parents[1]
E0, N0 = 555_900.0, 3_320_200.0  # CGCS2000 GK CM 120E (EPSG:4549), Shaoxing
P = [f"330602001002GB{i:05d}" for i in range(1, 5)]


def _uscc(body: str) -> str:
    return body + uscc_check_char(body)


U = [_uscc(f"91330602MA2BCDE{i:02d}") for i in range(1, 7)]


def _accounted(result: ReadResult, rows: int) -> None:
    """Rows in = rows out + rejected, and every rejected row says why."""
    assert len(result.data) + len(result.rejected) == rows == result.rows_in
    if len(result.rejected):
        assert result.rejected["reject_reason"].notna().all()


def _problem(result: ReadResult, row: int, field: str, text: str = "") -> pd.Series:
    """The one problem row of this row and field (whose text holds ``text``)."""
    problems = result.problems
    found = problems[
        (problems["row"] == row)
        & (problems["field"] == field)
        & problems["problem"].str.contains(text, regex=False)
    ]
    assert len(found) == 1, problems.to_string()
    return found.iloc[0]


def _geojson(path: Path, properties: list[dict]) -> Path:
    """A GeoJSON layer of 80 m squares in EPSG:4549 with these properties, written as is."""
    features = [
        {
            "type": "Feature",
            "properties": props,
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[x, N0], [x + 80, N0], [x + 80, N0 + 80], [x, N0 + 80], [x, N0]]],
            },
        }
        for i, props in enumerate(properties)
        for x in [E0 + 100 * i]
    ]
    crs = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::4549"}}
    collection = {"type": "FeatureCollection", "crs": crs, "features": features}
    path.write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")
    return path


def _run_sample(*args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(_ROOT), "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "landgov.sample", *map(str, args)],
        cwd=_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_a_sample_below_100_parcels_is_a_clean_error(tmp_path: Path) -> None:
    """``--parcels 60`` once ended in a traceback of InputError; now one 「错误：」, exit 2."""
    text = assert_clean_error(
        _run_sample("--out", tmp_path / "s", "--parcels", "60"), contains="--parcels"
    )
    assert "100" in text and "60" in text
    assert not (tmp_path / "s").exists()


def test_a_sample_out_below_a_file_is_a_clean_error(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x", encoding="utf-8")
    assert_clean_error(_run_sample("--out", tmp_path / "f" / "s", "--parcels", "100"))


# ---------------------------------------------------------------------------------------------
# JSON lists and objects in GeoJSON properties


def test_a_list_in_one_geojson_feature_leaves_the_others_plain(tmp_path: Path) -> None:
    """GDAL makes the whole property a list field: every code was read as ``['330602…']``
    (23 characters, 「应为 19 位」 on every row) and every area as missing. Now the plain
    values stay plain and the one-item lists are taken with a warning on their row."""
    path = _geojson(
        tmp_path / "宗地.geojson",
        [
            {"宗地代码": [P[0]], "权利人": "甲公司", "宗地面积": 6400},
            {"宗地代码": P[1], "权利人": "乙公司", "宗地面积": [6400]},
            {"宗地代码": P[2], "权利人": "丙公司", "宗地面积": 6400},
        ],
    )
    result = read_parcels(path)
    _accounted(result, 3)
    assert result.data["parcel_id"].tolist() == P[:3]
    assert result.data["area_declared_m2"].tolist() == [6400.0] * 3
    first = _problem(result, 1, "宗地代码")
    assert first["severity"] == "警告" and "只含一个值的列表" in first["problem"]
    assert first["value"] == f'["{P[0]}"]'
    assert _problem(result, 2, "宗地面积")["severity"] == "警告"
    assert len(result.problems) == 2, result.problems.to_string()


def test_an_object_or_a_longer_list_in_a_property_is_missing_with_an_error(
    tmp_path: Path,
) -> None:
    """``{"a": 1}`` was kept as the holder 「{ "a": 1 }」 in silence; a list of two codes was the
    code 「['…', '…']」. Now both are missing with an error row, and the code's row is rejected
    with a reason."""
    path = _geojson(
        tmp_path / "宗地.geojson",
        [
            {"宗地代码": P[0], "权利人": {"a": 1}, "备注": ["x", "y"]},
            {"宗地代码": [P[1], P[2]], "权利人": "乙公司", "备注": "z"},
            {"宗地代码": P[3], "权利人": "丙公司", "备注": "z"},
        ],
    )
    result = read_parcels(path)
    _accounted(result, 3)
    holder = _problem(result, 1, "权利人")
    assert holder["severity"] == "错误" and "不是单个值" in holder["problem"]
    assert result.data.set_index("source_row")["holder"].isna().loc[1]
    code = _problem(result, 2, "宗地代码", "列表")
    assert code["severity"] == "错误" and "不是单个值" in code["problem"]
    assert 2 in result.rejected["source_row"].tolist()
    assert "{" not in "".join(result.data["holder"].dropna())
    # a column landgov does not use is kept as the JSON text it was written as
    assert result.data.set_index("source_row").loc[1, "备注"] == '["x", "y"]'


def test_a_planning_use_written_as_an_object_is_said_not_kept(tmp_path: Path) -> None:
    path = _geojson(
        tmp_path / "规划.geojson",
        [{"规划用途": {"a": 1}}, {"规划用途": ["M1"]}, {"规划用途": "M1"}],
    )
    result = read_planning(path)
    _accounted(result, 3)
    uses = result.data.set_index("source_row")["planned_use"]
    assert uses.isna().loc[1] and uses.loc[2] == "M1" and uses.loc[3] == "M1"
    assert _problem(result, 1, "规划用途")["severity"] == "错误"
    assert _problem(result, 2, "规划用途")["severity"] == "警告"


def test_a_geoparquet_list_column_is_read_the_same_way(tmp_path: Path) -> None:
    """A GeoParquet list column arrives as arrays: one rule for it and for GeoJSON."""
    from shapely.geometry import box

    frame = gpd.GeoDataFrame(
        {"宗地代码": [[P[0]], [P[1], P[2]]], "权利人": ["甲公司", "乙公司"]},
        geometry=[box(E0, N0, E0 + 80, N0 + 80), box(E0 + 100, N0, E0 + 180, N0 + 80)],
        crs=4549,
    )
    frame.to_parquet(tmp_path / "宗地.parquet")
    result = read_parcels(tmp_path / "宗地.parquet")
    _accounted(result, 2)
    assert result.data["parcel_id"].tolist() == [P[0]]
    assert _problem(result, 1, "宗地代码")["severity"] == "警告"
    assert _problem(result, 2, "宗地代码", "列表")["severity"] == "错误"


def test_screen_of_a_geojson_with_json_properties_runs(tmp_path: Path) -> None:
    layer = _geojson(
        tmp_path / "宗地.geojson",
        [
            {"宗地代码": [P[0]], "权利人": {"名称": "甲公司"}, "备注": ["x", 1]},
            {"宗地代码": P[1], "权利人": "乙公司", "备注": "y"},
        ],
    )
    problems = _screen_problems(tmp_path, layer)
    said = problems[problems["问题"].str.contains("不是单个值|只含一个值", na=False)]
    assert set(said["字段"]) == {"宗地代码", "权利人"}, said.to_string()


# ---------------------------------------------------------------------------------------------
# A CSV pasted together from a GBK and a UTF-8 file

_HEADER = "统一社会信用代码,企业名称,规上/规下,税收（万元）,用地面积（亩）\n"
# UTF-8 bytes of these names happen to be valid GB18030: read as GBK they are mojibake
# (「有限公司」→「鏈夐檺鍏徃」) and no decoder error says so.
_NAMES = ["甲有限公司", "乙有限公司", "丙有限公司", "丁有限公司", "有限公司", "戊有限公司"]


def _mixed_csv(path: Path, *, main: str, other: str, other_rows: set[int]) -> Path:
    lines = [_HEADER.encode(main)]
    for i, (code, name) in enumerate(zip(U, _NAMES, strict=True)):
        line = f"{code},{name},规上,120,10\n"
        lines.append(line.encode(other if i in other_rows else main))
    path.write_bytes(b"".join(lines))
    return path


def test_a_utf8_row_in_a_gbk_csv_is_read_as_utf8_and_flagged(tmp_path: Path) -> None:
    """The whole file was decoded as GB18030: row 5's 「有限公司」 became 「鏈夐檺鍏徃」 and
    「规上」 became 「瑙勪笂」, with no word. Now the row is decoded as UTF-8 and said."""
    path = _mixed_csv(tmp_path / "企业.csv", main="gbk", other="utf-8", other_rows={4})
    result = read_enterprises(path)
    _accounted(result, 6)
    assert result.data["name"].tolist() == _NAMES
    said = result.problems[result.problems["problem"].str.contains("混有两种编码", na=False)]
    assert said["row"].tolist() == [6], result.problems.to_string()
    assert said["severity"].tolist() == ["警告"]
    assert "按 UTF-8 解码" in said["problem"].iloc[0]
    assert "混有两种编码" in result.meta["encoding_reason"]


def test_gbk_rows_in_a_utf8_csv_keep_the_utf8_rows_right(tmp_path: Path) -> None:
    """A UTF-8 file with two GBK rows was refused at 「第 N 字节」 or, worse, read whole as
    GB18030. Now the UTF-8 rows stay UTF-8 and the two GBK rows are said."""
    path = _mixed_csv(tmp_path / "企业.csv", main="utf-8", other="gbk", other_rows={1, 3})
    result = read_enterprises(path)
    _accounted(result, 6)
    assert result.data["name"].tolist() == _NAMES
    said = result.problems[result.problems["problem"].str.contains("混有两种编码", na=False)]
    assert said["row"].tolist() == [3, 5]
    assert said["problem"].str.contains("GB18030").all()


def test_mixed_encodings_in_a_link_table(tmp_path: Path) -> None:
    path = tmp_path / "地企关联.csv"
    head = "宗地代码,统一社会信用代码,关系\n".encode("gbk")
    rows = [f"{P[i]},{U[i]},自有\n".encode("gbk") for i in range(3)]
    rows[1] = f"{P[1]},{U[1]},租用\n".encode()
    path.write_bytes(head + b"".join(rows))
    result = read_links(path)
    _accounted(result, 3)
    assert result.data["relation"].tolist() == ["owner", "tenant", "owner"]  # 租用 read right
    said = result.problems[result.problems["problem"].str.contains("混有两种编码", na=False)]
    assert said["row"].tolist() == [3]


def test_a_gbk_row_that_is_valid_utf8_by_chance_stays_gbk(tmp_path: Path) -> None:
    """「录」 is C2 BC in GBK, which is also UTF-8 for 「¼」: a GBK file whose row holds only
    such characters was read line by line as UTF-8 (「¼」) and flagged as mixed. A decoding
    that gives no Chinese is not taken: the file is plain GBK, no row is flagged."""
    path = tmp_path / "地企关联.csv"
    path.write_bytes(
        "宗地代码,统一社会信用代码,备注\n".encode("gbk")
        + "".join(f"{P[i]},{U[i]},{n}\n" for i, n in enumerate(["录", "", "无"])).encode("gbk")
    )
    text = path.read_bytes().split(b"\n")[1].decode("utf-8")  # valid UTF-8, but no Chinese
    assert text.endswith("¼")
    result = read_links(path)
    _accounted(result, 3)
    assert not result.problems["problem"].str.contains("混有两种编码", na=False).any()
    assert "混有两种编码" not in result.meta["encoding_reason"]


def test_a_row_neither_utf8_nor_gbk_is_named_by_its_line(tmp_path: Path) -> None:
    path = tmp_path / "企业.csv"
    lines = [_HEADER.encode("gbk"), f"{U[0]},甲有限公司,规上,120,10\n".encode("gbk")]
    lines.append(U[1].encode() + b",\x81\x20bad,\xff\xfe\xff,120,10\n")
    path.write_bytes(b"".join(lines))
    try:
        read_enterprises(path)
    except EncodingError as exc:
        assert "第 3 行" in str(exc), str(exc)
    else:
        raise AssertionError("no EncodingError")


# ---------------------------------------------------------------------------------------------
# 研发经费占营业收入比例 written as 300 or 300%


@pytest.mark.parametrize(
    ("cell", "seen", "why"),
    [
        (300, "300", "大于合理上限 100 %"),
        ("300%", "300", "大于合理上限 100 %"),
        ("１５０％", "150", "大于合理上限 100 %"),
        (-2, "-2", "小于合理下限 0 %"),
    ],
)
def test_an_rd_share_above_100_percent_is_missing_with_an_error(
    tmp_path: Path, cell: object, seen: str, why: str
) -> None:
    """300 (or 「300%」) was taken as a 300 % R&D share and passed 三.6 without a word; -2
    only had a warning that pointed at a plausibility rule that did not exist."""
    wb = Workbook()
    wb.active.append(["申请编号", "宗地代码", "研发经费占营业收入比例（%）"])
    wb.active.append(["S1", P[0], cell])
    wb.active.append(["S2", P[1], 3.5])
    wb.save(tmp_path / "增容申请.xlsx")
    read = read_applications(tmp_path / "增容申请.xlsx")
    checked = check_reads(
        {"applications": read}, profile=load_profile("yuecheng-2022"), as_of=dt.date(2026, 6, 30)
    ).reads["applications"]
    _accounted(checked, 2)
    shares = checked.data.set_index("application_id")["rd_ratio_pct"]
    assert pd.isna(shares["S1"]) and shares["S2"] == 3.5
    said = checked.problems[checked.problems["problem"].str.contains("合理[上下]限", na=False)]
    assert len(said) == 1, checked.problems.to_string()
    assert said.iloc[0]["row"] == 2 and said.iloc[0]["value"] == seen
    assert why in said.iloc[0]["problem"] and said.iloc[0]["severity"] == "错误"


# ---------------------------------------------------------------------------------------------
# One feature at 1e300 (or inf) among parcels drawn right


def _parcels_with_vertex(folder: Path, value: float, *, n: int = 3) -> Path:
    """``n`` 80 m squares in EPSG:4549 (with .prj); the 2nd vertex x of the 2nd set to ``value``."""
    from pyproj import CRS
    from shapely.geometry import box

    from tests._shapefiles import write_shapefile

    shp = write_shapefile(
        folder / "宗地.shp",
        [box(E0 + 100 * i, N0, E0 + 100 * i + 80, N0 + 80) for i in range(n)],
        [("宗地代码", 19), ("权利人", 40)],
        [[P[i], "甲公司"] for i in range(n)],
        prj=CRS(4549),
    )
    data = bytearray(shp.read_bytes())
    offset = 100
    offset += 8 + struct.unpack(">i", data[offset + 4 : offset + 8])[0] * 2  # skip record 1
    n_parts = struct.unpack("<i", data[offset + 44 : offset + 48])[0]
    points = offset + 8 + 44 + 4 * n_parts
    data[points + 16 : points + 24] = struct.pack("<d", value)
    shp.write_bytes(bytes(data))
    return shp


@pytest.mark.parametrize("value", [1e300, 1e20, 5e9, float("inf"), -1e300])
def test_one_vertex_beyond_any_crs_is_its_rows_problem_not_the_layers(
    tmp_path: Path, value: float
) -> None:
    """A vertex at 1e300 in a layer with a right .prj refused the whole layer (「坐标既不是
    经纬度，也不像浙江的高斯-克吕格投影坐标」, showing the centre of the stretched extent and no
    row); now that parcel's geometry is unusable with an error row, the others are read."""
    result = read_parcels(_parcels_with_vertex(tmp_path, value))
    _accounted(result, 3)
    areas = result.data.set_index("source_row")["area_m2"]
    assert areas.loc[1] == areas.loc[3] == 6400.0 and pd.isna(areas.loc[2])
    said = _problem(result, 2, "geometry")
    assert said["severity"] == "错误" and "超出任何坐标系范围" in said["problem"]
    assert result.data.crs.to_epsg() == 4549


def test_screen_of_a_layer_with_a_1e300_vertex_runs(tmp_path: Path) -> None:
    layer = _parcels_with_vertex(tmp_path, 1e300)
    problems = _screen_problems(tmp_path, layer)
    said = problems[problems["问题"].str.contains("超出任何坐标系范围", na=False)]
    assert said["行号"].tolist() == ["2"], said.to_string()


def test_a_layer_whose_every_vertex_is_1e300_is_a_clean_error(tmp_path: Path) -> None:
    from pyproj import CRS
    from shapely.geometry import box

    from tests._cli import run_cli
    from tests._shapefiles import write_shapefile

    shp = write_shapefile(
        tmp_path / "宗地.shp",
        [box(1e299, 1e299, 2e299, 2e299)],
        [("宗地代码", 19)],
        [[P[0]]],
        prj=CRS(4549),
    )
    assert_clean_error(run_cli("inspect", shp))


# ---------------------------------------------------------------------------------------------
# A real Excel 97–2003 .xls (OLE2)


def _ole2(path: Path) -> Path:
    """The header of a compound document (what every .xls starts with) and no workbook."""
    head = bytearray(512)
    head[:8] = bytes.fromhex("D0CF11E0A1B11AE1")
    head[24:34] = struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
    path.write_bytes(bytes(head) + b"\xff" * 4096)
    return path


def test_an_ole2_xls_is_a_clean_error_with_the_fix(tmp_path: Path) -> None:
    """With or without xlrd: a 「错误：」 naming the file and 另存为 .xlsx, exit 2."""
    from tests._cli import run_cli

    xls = _ole2(tmp_path / "企业.xls")
    text = assert_clean_error(run_cli("inspect", xls), contains="企业.xls")
    assert ".xlsx" in text


def test_an_xls_xlrd_cannot_read_is_a_clean_error(tmp_path: Path) -> None:
    """xlrd (a dependency: .xls tables are read, tests/test_xls_workbooks.py) refuses a damaged
    compound file with its own error (CompDocError); it once went through the reader as
    「landgov 内部出错」, exit 3. Now a DataFileError naming the file, xlrd's words and the fix."""
    with pytest.raises(DataFileError) as err:
        read_enterprises(_ole2(tmp_path / "企业.xls"))
    text = str(err.value)
    assert "企业.xls" in text and "CompDocError" in text and "另存为 .xlsx" in text


# --- percent-formatted Excel cells -------------------------------------------------------------


def test_a_percent_formatted_cell_is_read_as_the_percentage_shown(tmp_path: Path) -> None:
    """Typing 3.5% in Excel stores 0.035 in a cell formatted 「0.0%」: read as a number it was
    0.035 %, an R&D share a hundred times too small (三.6 不符合 without a word). A cell shown as
    a percentage is now read as the percentage it shows; a plain cell as typed."""
    wb = Workbook()
    ws = wb.active
    ws.append(
        ["申请编号", "宗地代码", "统一社会信用代码", "新增建筑面积", "研发经费占营业收入比例（%）"]
    )
    for i, share in enumerate([0.035, 0.03, 2.5], start=1):
        ws.append([f"ZR-{i}", P[i - 1], U[i - 1], 5000, share])
    ws["E2"].number_format = "0.0%"
    ws["E3"].number_format = "0%"
    ws["E4"].number_format = '0.0"%"'  # a literal % sign: no scaling, 2.5 is 2.5 %
    path = tmp_path / "申请.xlsx"
    wb.save(path)
    result = read_applications(path)
    _accounted(result, 3)
    assert result.data["rd_ratio_pct"].tolist() == [3.5, 3.0, 2.5]


def test_percent_cells_found_fast_are_those_of_the_public_api(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from landgov.io._grid import _percent_cells, _percent_cells_slow

    wb = Workbook()
    ws = wb.active
    formats = ["0.0%", "0%", "0.00", '0"%"', "General", "0.00%;[Red]-0.00%"]
    for r in range(1, 7):
        for c, fmt in enumerate(formats, start=1):
            ws.cell(r, c, value=0.5 if (r + c) % 3 else "文字").number_format = fmt
    wb.save(tmp_path / "f.xlsx")
    ws = load_workbook(tmp_path / "f.xlsx", data_only=True).active
    found = set(_percent_cells(ws))
    assert found == set(_percent_cells_slow(ws))
    assert {c for _, c in found} == {1, 2, 6}


def _screen_problems(tmp_path: Path, layer: Path) -> pd.DataFrame:
    """``landgov screen`` of ``layer`` with a one-firm table: its 问题记录 sheet (as text)."""
    from tests._cli import run_cli

    table = tmp_path / "企业.csv"
    table.write_text(
        "统一社会信用代码,企业名称,规上/规下,税收（万元）,用地面积（亩）\n"
        "91330602MA2BGHJK3M,甲公司,规上,120,10\n",
        encoding="utf-8",
    )
    out = tmp_path / "o"
    result = run_cli("screen", "-p", layer, "-e", table, "-o", out, "-q", "--as-of", "2026-06-30")
    assert result.returncode == 0, result.stdout + result.stderr
    return pd.read_excel(out / "landgov.xlsx", sheet_name="问题记录", dtype=str)
