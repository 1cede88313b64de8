"""Parcel (宗地) layers as counties really send them: .cpg files that lie, field names cut at
the .dbf's 10 bytes, numbers typed as text, rings not closed, GeoParquet without its metadata.

Every file is built here byte by byte or with GDAL (never by landgov's writers) and read
through :func:`landgov.io.read_parcels` or the real command line: each is read with a problem
row naming row, field and value, or stops with one 「错误：」 naming the file and the fix; every
input row is accounted for (rows in = rows out + rows rejected).
"""

from __future__ import annotations

import hashlib
import json
import struct
from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from pyproj import CRS
from shapely.geometry import MultiPolygon, Polygon, box

from landgov.cli import EXIT_INPUT
from landgov.core.problems import ReadResult
from landgov.io import read_parcels
from landgov.units import M2_PER_MU
from tests._cli import assert_clean_error, run_cli
from tests._shapefiles import write_dbf, write_shapefile

E0, N0 = 555_900.0, 3_320_200.0  # CGCS2000 3° GK CM 120E (EPSG:4549), Shaoxing
CODES = [f"330602001002GB{i:05d}" for i in range(1, 10)]
FIELDS = [("宗地代码", 19), ("权利人", 40), ("土地用途", 12), ("宗地面积", 16)]


def _square(i: int, size: float = 80.0) -> Polygon:
    """An 80 m square (6,400 m²), the i-th along a row 100 m apart."""
    return box(E0 + i * 100, N0, E0 + i * 100 + size, N0 + size)


def _records(n: int, areas: Sequence[str] | None = None) -> list[list[str]]:
    areas = areas or ["6400"] * n
    return [[CODES[i], "绍兴市越城区甲纺织有限公司", "工业用地", areas[i]] for i in range(n)]


def _accounted(result: ReadResult, rows: int) -> None:
    """Rows in = rows out + rejected, and every rejected row says why."""
    assert len(result.data) + len(result.rejected) == rows == result.rows_in
    assert result.rejected.get("reject_reason", pd.Series(dtype=str)).notna().all()


def _said(result: ReadResult, words: str) -> pd.DataFrame:
    problems = result.problems
    return problems[problems["problem"].astype(str).str.contains(words, regex=False)]


# --- encodings: a .cpg that lies the other way round ------------------------------------------


@pytest.mark.parametrize("cpg", ["936", "GBK", "GB2312"])
def test_a_cpg_saying_936_beside_a_utf8_dbf_is_set_aside_and_said(tmp_path: Path, cpg: str) -> None:
    """A .dbf re-exported as UTF-8 with the old 「936」 .cpg beside it: GBK decodes UTF-8
    bytes without one error (「工业用地」 comes as 「宸ヤ笟鐢ㄥ湴」) and the required
    「宗地代码」 was not found; the bytes are valid UTF-8, so UTF-8 is read and the .cpg is
    named in a warning."""
    shp = write_shapefile(
        tmp_path / "宗地.shp", [_square(0), _square(1)], FIELDS, _records(2),
        encoding="utf-8", prj=CRS(4549), cpg=cpg,
    )  # fmt: skip
    result = read_parcels(shp)
    _accounted(result, 2)
    assert result.data["land_use"].tolist() == ["工业用地", "工业用地"]
    assert result.data["holder"].tolist() == ["绍兴市越城区甲纺织有限公司"] * 2
    assert result.meta["encoding"]["name"] == "UTF-8"
    said = _said(result, "宗地.cpg")
    assert len(said) == 1 and f"「{cpg}」" in said.iloc[0]["problem"], result.problems
    assert said.iloc[0]["severity"] == "警告" and said.iloc[0]["value"] == "UTF-8"


def test_a_true_936_cpg_is_still_used_without_a_word(tmp_path: Path) -> None:
    shp = write_shapefile(
        tmp_path / "宗地.shp", [_square(0)], FIELDS, _records(1), prj=CRS(4549), cpg="936"
    )
    result = read_parcels(shp)
    assert result.meta["encoding"]["source"] == "cpg"
    assert result.data["land_use"].tolist() == ["工业用地"]
    assert _said(result, ".cpg").empty


@pytest.mark.parametrize("ldid", [0x00, 0x57, 0x4D, 0x7A])
def test_the_language_driver_byte_never_overrides_the_bytes(tmp_path: Path, ldid: int) -> None:
    """ArcGIS writes 0x4D (936), others 0x57 (ANSI) or nothing over the same GBK bytes: the
    byte is evidence only, the text is GBK every time."""
    shp = write_shapefile(tmp_path / "宗地.shp", [_square(0)], FIELDS, _records(1), prj=CRS(4549))
    write_dbf(shp.with_suffix(".dbf"), FIELDS, _records(1), encoding="GBK", ldid=ldid)
    result = read_parcels(shp)
    assert result.data["holder"].tolist() == ["绍兴市越城区甲纺织有限公司"]
    assert any(f"0x{ldid:02X}" in e for e in result.meta["encoding"]["evidence"])


# --- field names cut at the .dbf's 10 bytes -----------------------------------------------------


def test_a_gbk_name_cut_on_a_character_boundary_is_read_and_said(tmp_path: Path) -> None:
    """「土地使用权人」 is 12 bytes in GBK; the .dbf keeps 「土地使用权」 (10 bytes, no broken
    character to show the cut). Only 「土地使用权人」 begins with it: 权利人 (holder)."""
    fields = [("宗地代码", 19), ("土地使用权人", 40)]
    shp = write_shapefile(
        tmp_path / "宗地.shp", [_square(0)], fields, [[CODES[0], "甲公司"]], prj=CRS(4549)
    )
    assert shp.with_suffix(".dbf").read_bytes()[64:75].rstrip(b"\0").decode("gbk") == "土地使用权"
    result = read_parcels(shp)
    assert result.data["holder"].tolist() == ["甲公司"]
    said = _said(result, "「土地使用权」")
    assert len(said) == 1 and "可能被截断" in said.iloc[0]["problem"]
    assert said.iloc[0]["field"] == "权利人" and said.iloc[0]["severity"] == "提示"


@pytest.mark.parametrize("header", ["宗地面积（亩）", "宗地面积(平方米)", "宗地面积（平方米）"])
def test_a_name_cut_inside_its_unit_is_not_read_in_a_guessed_unit(
    tmp_path: Path, header: str
) -> None:
    """「宗地面积（亩）」 comes as 「宗地面积（」: the unit is gone. Read as the default 平方米,
    10 亩 would be 10 m² (666.7 times too small) and the 容积率 denominator with it; the field is
    not read, said as a warning with the fix, and its values are kept under the cut name."""
    fields = [("宗地代码", 19), (header, 16)]
    shp = write_shapefile(
        tmp_path / "宗地.shp", [_square(0)], fields, [[CODES[0], "10"]], prj=CRS(4549)
    )
    cut = header.encode("gbk")[:10].decode("gbk", errors="ignore")
    result = read_parcels(shp)
    _accounted(result, 1)
    assert "area_declared_m2" not in result.data
    assert result.data[cut].tolist() == ["10"]
    said = _said(result, "单位已看不到")
    assert len(said) == 1 and said.iloc[0]["value"] == cut and said.iloc[0]["severity"] == "警告"
    assert (
        "面积(亩)" in said.iloc[0]["action"]
        and "--alias area_declared_m2=" in said.iloc[0]["action"]
    )


def test_the_fixes_named_for_a_cut_unit_work(tmp_path: Path) -> None:
    """The two fixes the warning names: a short name with its unit 「面积(亩)」 (8 bytes), read
    as 亩 (10 亩 × 666.67 = 6,666.7 m²); or the cut name given with --alias, read as 平方米."""
    shp = write_shapefile(
        tmp_path / "a.shp", [_square(0)], [("宗地代码", 19), ("面积(亩)", 16)], [[CODES[0], "10"]],
        prj=CRS(4549),
    )  # fmt: skip
    assert read_parcels(shp).data["area_declared_m2"].tolist() == [pytest.approx(10 * M2_PER_MU)]
    shp = write_shapefile(
        tmp_path / "b.shp", [_square(0)], [("宗地代码", 19), ("宗地面积（平方米）", 16)],
        [[CODES[0], "6400"]], prj=CRS(4549),
    )  # fmt: skip
    result = read_parcels(shp, aliases={"area_declared_m2": ["宗地面积（"]})
    assert result.data["area_declared_m2"].tolist() == [6400.0]
    assert _said(result, "单位已看不到").empty


# --- numbers typed as text in a character field ----------------------------------------------


def test_numbers_typed_as_text_in_the_dbf(tmp_path: Path) -> None:
    """宗地面积 in a C field as clerks type it. 1,234.5 → 1234.5; 12.3亩 → 12.3 × 666.67 =
    8,200 m²; full-width １２３ → 123; 0.5公顷 → 5,000 m²; a blank or 「—」 is missing;
    「1.234.5」 is no number: missing, with an error naming row 6, the field and the value."""
    areas = ["1,234.5", "12.3亩", "１２３", "0.5公顷", "  ", "1.234.5", "—"]
    n = len(areas)
    shp = write_shapefile(
        tmp_path / "宗地.shp", [_square(i) for i in range(n)], FIELDS, _records(n, areas),
        prj=CRS(4549),
    )  # fmt: skip
    result = read_parcels(shp)
    _accounted(result, n)
    got = result.data.set_index("source_row")["area_declared_m2"]
    assert got.loc[1] == 1234.5
    assert got.loc[2] == pytest.approx(8200.0)
    assert got.loc[3] == 123.0
    assert got.loc[4] == pytest.approx(5000.0)
    assert got.loc[[5, 6, 7]].isna().all()
    bad = result.problems[result.problems["row"] == 6]
    assert len(bad) == 1 and bad.iloc[0]["field"] == "宗地面积"
    assert bad.iloc[0]["value"] == "1.234.5" and bad.iloc[0]["severity"] == "错误"


# --- geometries -----------------------------------------------------------------------------


def _write_shp(path: Path, rings: Sequence[Sequence[tuple[float, float]] | None]) -> Path:
    """A polygon .shp/.shx written byte by byte, one ring per record as given (GDAL closes
    every ring it writes, so an unclosed one has to be written by hand); ``None`` is a NULL
    shape record."""
    records = []
    for ring in rings:
        if ring is None:
            records.append(struct.pack("<i", 0))
            continue
        xs, ys = [p[0] for p in ring], [p[1] for p in ring]
        content = struct.pack("<i4dii", 5, min(xs), min(ys), max(xs), max(ys), 1, len(ring))
        content += struct.pack("<i", 0) + b"".join(struct.pack("<2d", *p) for p in ring)
        records.append(content)
    allx = [p[0] for r in rings if r for p in r]
    ally = [p[1] for r in rings if r for p in r]
    bbox = (min(allx), min(ally), max(allx), max(ally))

    def header(length_bytes: int) -> bytes:
        return (
            struct.pack(">7i", 9994, 0, 0, 0, 0, 0, length_bytes // 2)
            + struct.pack("<2i", 1000, 5)
            + struct.pack("<8d", *bbox, 0, 0, 0, 0)
        )

    body, index, offset = b"", b"", 100
    for number, content in enumerate(records, start=1):
        body += struct.pack(">2i", number, len(content) // 2) + content
        index += struct.pack(">2i", offset // 2, len(content) // 2)
        offset += 8 + len(content)
    path.write_bytes(header(100 + len(body)) + body)
    path.with_suffix(".shx").write_bytes(header(100 + len(index)) + index)
    write_dbf(path.with_suffix(".dbf"), FIELDS, _records(len(rings)), encoding="GBK")
    path.with_suffix(".prj").write_text(CRS(4549).to_wkt("WKT1_ESRI"), encoding="ascii")
    return path


def _ring(i: int) -> list[tuple[float, float]]:
    x = E0 + i * 100
    return [(x, N0), (x, N0 + 80), (x + 80, N0 + 80), (x + 80, N0), (x, N0)]


def test_a_ring_not_closed_is_closed_and_said(tmp_path: Path) -> None:
    """Row 2's ring stops one point short of its start (4 points, the last ≠ the first): GEOS
    refused to build it and the whole read failed with its English message; now it is closed
    (80 × 80 = 6,400 m²) with a warning on its row, the other rows as they are."""
    shp = _write_shp(tmp_path / "宗地.shp", [_ring(0), _ring(1)[:-1], _ring(2)])
    result = read_parcels(shp)
    _accounted(result, 3)
    assert result.data["area_m2"].tolist() == [6400.0, 6400.0, 6400.0]
    said = _said(result, "未闭合")
    assert said["row"].tolist() == [2] and said.iloc[0]["value"] == CODES[1]
    assert said.iloc[0]["field"] == "geometry" and said.iloc[0]["severity"] == "警告"


def test_a_ring_of_two_points_and_a_null_shape_are_rows_without_geometry(tmp_path: Path) -> None:
    """A ring of two points is no polygon even once closed, and a NULL shape record has none:
    both rows are kept with their area missing (待核实 downstream), each said on its row as
    an error."""
    x = E0 + 100
    shp = _write_shp(tmp_path / "宗地.shp", [_ring(0), [(x, N0), (x + 80, N0)], None])
    result = read_parcels(shp)
    _accounted(result, 3)
    areas = result.data.set_index("source_row")["area_m2"]
    assert areas.loc[1] == 6400.0 and areas.loc[[2, 3]].isna().all()
    errors = result.problems[result.problems["severity"] == "错误"]
    assert errors["row"].tolist() == [2, 3], result.problems.to_string()
    assert "无法修复为面" in errors.iloc[0]["problem"] and "几何为空" in errors.iloc[1]["problem"]


def test_polygon_z_and_a_multipolygon_with_a_hole_keep_their_plan_area(tmp_path: Path) -> None:
    """Z values (a CAD export) do not change the plan area: 6,400 m². A multipolygon of an
    80 m square with a 20 m hole and a 10 m island: 6,400 − 400 + 100 = 6,100 m². A ring with
    each vertex written twice is the same square: 6,400 m², nothing to say."""
    holed = Polygon(_ring(1), [[(E0 + 120, N0 + 20), (E0 + 140, N0 + 20), (E0 + 140, N0 + 40),
                                (E0 + 120, N0 + 40)]])  # fmt: skip
    multi = MultiPolygon([holed, box(E0 + 200, N0, E0 + 210, N0 + 10)])
    doubled = Polygon([p for p in _ring(3) for _ in range(2)])
    geoms = [shapely.force_3d(_square(0), 12.5), multi, doubled]
    shp = write_shapefile(tmp_path / "宗地.shp", geoms, FIELDS, _records(3), prj=CRS(4549))
    result = read_parcels(shp)
    _accounted(result, 3)
    assert result.data["area_m2"].tolist() == [6400.0, 6100.0, 6400.0]
    assert result.problems.empty, result.problems.to_string()


def test_two_parcels_with_one_code_that_overlap_keep_the_first_only(tmp_path: Path) -> None:
    """Rows 1 and 2 share 宗地代码 and row 2 lies inside row 1: row 2 is rejected as a
    duplicate, and so no overlap is reported between a parcel and its own double."""
    geoms = [_square(0), _square(0).buffer(-10), _square(2)]
    records = _records(3)
    records[1][0] = records[0][0]
    shp = write_shapefile(tmp_path / "宗地.shp", geoms, FIELDS, records, prj=CRS(4549))
    result = read_parcels(shp)
    _accounted(result, 3)
    assert result.rejected["source_row"].tolist() == [2]
    assert "宗地代码重复（与第 1 行相同）" in result.rejected["reject_reason"].iloc[0]
    assert _said(result, "重叠").empty and result.meta["overlaps"] == 0


# --- GeoParquet without its 「geo」 metadata ---------------------------------------------------


def _plain_parquet(path: Path, *, with_geometry: bool = True) -> Path:
    frame = pd.DataFrame({"宗地代码": CODES[:2], "权利人": ["甲", "乙"]})
    if with_geometry:  # WKB, as pandas or a database export writes it: no 「geo」 metadata
        frame["geometry"] = shapely.to_wkb([_square(0), _square(1)])
    frame.to_parquet(path)
    return path


def test_a_geoparquet_without_geo_metadata_is_read_from_its_wkb_and_said(tmp_path: Path) -> None:
    """GeoPandas refused the file (「Missing geo metadata … Use pandas.read_parquet」, in
    English, under 「GDAL：」); its WKB column is read, the CRS decided from the coordinates,
    both said."""
    result = read_parcels(_plain_parquet(tmp_path / "宗地.parquet"))
    _accounted(result, 2)
    assert result.data["area_m2"].tolist() == [6400.0, 6400.0]
    assert result.data.crs.to_epsg() == 4549
    assert len(_said(result, "「geo」元数据")) == 1
    assert result.meta["crs"]["source"] != "prj"


def test_a_parquet_table_without_geometry_is_a_clean_error(tmp_path: Path) -> None:
    path = _plain_parquet(tmp_path / "宗地.parquet", with_geometry=False)
    text = assert_clean_error(run_cli("inspect", path), code=EXIT_INPUT, contains="不是图层")
    assert "宗地.parquet" in text and "GDAL：" not in text and "Missing geo" not in text


# --- through the real command line ------------------------------------------------------------


def _enterprises(folder: Path) -> Path:
    path = folder / "企业.csv"
    path.write_text(
        "统一社会信用代码,企业名称,规上/规下,税收（万元）,用地面积（亩）\n"
        "91330602MA2BGHJK3A,绍兴市越城区甲纺织有限公司,规上,120,10\n",
        encoding="utf-8",
    )
    return path


def _messy_layer(folder: Path) -> Path:
    """Five rows as one county export: GBK without .cpg, 0x57 (ANSI) in the header, row 2's
    ring not closed, row 3 a NULL shape, row 4 repeating row 1's code, row 5 an area typed
    「12.3亩」."""
    rings = [_ring(0), _ring(1)[:-1], None, _ring(3), _ring(4)]
    shp = _write_shp(folder / "宗地.shp", rings)
    records = _records(5, ["6400", "6400", "6400", "6400", "12.3亩"])
    records[3][0] = CODES[0]
    write_dbf(shp.with_suffix(".dbf"), FIELDS, records, encoding="GBK", ldid=0x57)
    return shp


def test_screen_of_a_messy_layer_accounts_for_every_row(tmp_path: Path) -> None:
    out = tmp_path / "结果"
    result = run_cli("screen", "-q", "-p", _messy_layer(tmp_path), "-e", _enterprises(tmp_path),
                     "-o", out, "--as-of", "2026-06-30")  # fmt: skip
    text = result.stdout + result.stderr
    assert result.returncode == 0 and "Traceback" not in text, text
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    parcels = manifest["stages"]["screen"]["inputs"]["parcels"]
    assert (parcels["rows_in"], parcels["rows_out"], parcels["rows_rejected"]) == (5, 4, 1)
    assert parcels["encoding"]["name"] == "GBK"
    assert len(gpd.read_file(out / "landgov.gpkg", layer="parcels")) == 4
    problems = pd.read_excel(out / "landgov.xlsx", sheet_name="问题记录", dtype=str)
    mine = problems[problems["源文件"].astype(str).str.contains("宗地.shp", regex=False)]
    by_row = mine.groupby("行号")["问题"].apply(" ".join)
    assert "宗地代码重复（与第 1 行相同）" in by_row["4"]
    assert "未闭合" in by_row["2"]
    assert "几何为空" in by_row["3"]


def test_a_failed_screen_leaves_the_folder_as_it_was(tmp_path: Path) -> None:
    """The last run's results stay whole when the next one stops on a parcel file it cannot
    read; a folder that was not there is not left behind."""
    enterprises = _enterprises(tmp_path)
    out = tmp_path / "结果"
    good = write_shapefile(tmp_path / "好.shp", [_square(0)], FIELDS, _records(1), prj=CRS(4549))
    first = run_cli("screen", "-q", "-p", good, "-e", enterprises, "-o", out)
    assert first.returncode == 0, first.stdout + first.stderr

    def state() -> dict[str, str]:
        return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(out.iterdir())}

    before = state()
    bad = _plain_parquet(tmp_path / "宗地.parquet", with_geometry=False)
    assert_clean_error(run_cli("screen", "-q", "-p", bad, "-e", enterprises, "-o", out),
                       code=EXIT_INPUT, contains="宗地.parquet")  # fmt: skip
    assert state() == before
    fresh = tmp_path / "新结果"
    assert_clean_error(run_cli("screen", "-q", "-p", bad, "-e", enterprises, "-o", fresh),
                       code=EXIT_INPUT)  # fmt: skip
    assert not fresh.exists()
