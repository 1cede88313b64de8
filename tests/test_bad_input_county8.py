"""County files as they really come, eighth round: a Shapefile whose .dbf holds records in two
encodings (a layer created in one program, records added in another); a parcel layer in the
older national datums (西安80, 北京54).

Every file is built here (GDAL for the shapes, the .dbf byte by byte through
``tests._shapefiles``) and read through the real reader, or run through the real command line
(``tests._cli``). Expected results are worked out by hand in the docstrings.

The hand county (``tests._hand``): plots of 100 m × 140 m = 14000 m² = 21 亩, EPSG:4549.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pyproj
import pytest
from shapely.geometry import box

from landgov.core.problems import ReadResult, Severity
from landgov.io import read_parcels
from tests._cli import ENGLISH, main_here, run_cli
from tests._hand import CRS, rectangle
from tests._shapefiles import write_shapefile

P = [f"330602001001GB{i:05d}" for i in range(4)]
SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


def _said(result: ReadResult, words: str):
    problems = result.problems
    return problems[problems["problem"].astype(str).str.contains(words, regex=False)]


# --- one .dbf, two encodings -------------------------------------------------------------------

HOLDERS = ["绍兴市越城区甲纺织有限公司", "乙印染有限公司", "丙机械厂", "丁化纤有限公司"]
_FIELDS = [("ZDDM", 19), ("QLR", 40), ("TDYT", 12)]


def _two_encodings(folder: Path, *, main: str, other: str, rows: set[int], cpg: str | None) -> Path:
    """Four plots (宗地代码, 权利人 ``HOLDERS``, 土地用途 工业用地) in a .dbf written in
    ``main``, the records at positions ``rows`` (0-based) in ``other`` — as when records are
    added to a layer by a program writing another encoding (ArcGIS writes GBK, QGIS UTF-8)."""
    geoms = [rectangle(100.0, 140.0, i) for i in range(4)]
    records = [[P[i], name, "工业用地"] for i, name in enumerate(HOLDERS)]
    path = write_shapefile(
        folder / "宗地.shp", geoms, _FIELDS, records, encoding=main,
        prj=pyproj.CRS.from_epsg(CRS), cpg=cpg,
    )  # fmt: skip
    dbf = path.with_suffix(".dbf")
    raw = bytearray(dbf.read_bytes())
    for i in rows:  # the record: 宗地代码 (19 bytes, ASCII), 权利人 (40), 土地用途 (12)
        start = raw.find(f"{P[i]}{HOLDERS[i]}".encode(main)) + 19
        raw[start : start + 52] = HOLDERS[i].encode(other).ljust(40) + "工业用地".encode(
            other
        ).ljust(12)
    dbf.write_bytes(bytes(raw))
    return path


@pytest.mark.parametrize("cpg", ["UTF-8", None], ids=["cpg-utf8", "no-cpg"])
def test_a_gbk_record_in_a_utf8_dbf_leaves_the_utf8_records_right(
    tmp_path: Path, cpg: str | None
) -> None:
    """A UTF-8 .dbf (QGIS's default, .cpg 「UTF-8」 or none) with plot 2's record (权利人
    乙印染有限公司, 土地用途 工业用地) written in GBK. Was: the GBK bytes are no UTF-8, so the
    .cpg was set aside and the whole .dbf read as GBK — the three UTF-8 records came out as
    mojibake (土地用途 「宸ヤ笟鐢ㄥ湴」, no 工业用地: three industrial plots no longer industrial)
    with no more than a warning about the .cpg. Now every record is read in its own encoding:
    all four holders and four 工业用地 right, one 警告 on row 2 naming GBK and the fix; the
    .cpg is not called wrong."""
    path = _two_encodings(tmp_path, main="utf-8", other="gbk", rows={1}, cpg=cpg)
    result = read_parcels(path)
    assert result.data["holder"].tolist() == HOLDERS
    assert result.data["land_use"].tolist() == ["工业用地"] * 4
    said = _said(result, "混有两种编码")
    assert said["row"].tolist() == [2], result.problems
    row = said.iloc[0]
    assert row["severity"] == Severity.WARNING
    assert row["problem"].startswith("该行按 GB18030（GBK） 解码"), row["problem"]
    assert "其余各行按 UTF-8" in row["problem"] and "乙印染有限公司" in row["value"]
    assert "另存" in row["action"]
    assert _said(result, "声明编码").empty, result.problems


@pytest.mark.parametrize("cpg", ["GBK", None], ids=["cpg-gbk", "no-cpg"])
def test_a_utf8_record_in_a_gbk_dbf_is_read_as_utf8_and_said(
    tmp_path: Path, cpg: str | None
) -> None:
    """An ArcGIS .dbf (GBK, .cpg 「GBK」 or none) with plot 2's record in UTF-8. Was: read as
    GBK with not a word — 权利人 「涔欏嵃鏌撴湁闄愬叕鍙」 and 土地用途 「宸ヤ笟鐢ㄥ湴」 on that
    plot. Now the record is read as UTF-8 and said on its row."""
    path = _two_encodings(tmp_path, main="gbk", other="utf-8", rows={1}, cpg=cpg)
    result = read_parcels(path)
    assert result.data["holder"].tolist() == HOLDERS
    assert result.data["land_use"].tolist() == ["工业用地"] * 4
    said = _said(result, "混有两种编码")
    assert said["row"].tolist() == [2], result.problems
    assert "按 UTF-8 解码" in said.iloc[0]["problem"]
    assert "其余各行按 GBK" in said.iloc[0]["problem"]


def test_three_utf8_records_of_four_make_utf8_the_files_encoding(tmp_path: Path) -> None:
    """No .cpg, records 1–3 in UTF-8, record 4 in GBK: the file is read as UTF-8 (most
    records) and row 4 is the one said."""
    path = _two_encodings(tmp_path, main="gbk", other="utf-8", rows={0, 1, 2}, cpg=None)
    result = read_parcels(path)
    assert result.data["holder"].tolist() == HOLDERS
    assert _said(result, "混有两种编码")["row"].tolist() == [4], result.problems


def test_a_deleted_record_before_does_not_shift_the_row_said(tmp_path: Path) -> None:
    """Record 1 marked deleted in the .dbf (「*」: GDAL skips it, 3 plots are read; the record
    itself is a rejected row, landgov.io._dbfraw), record 3 in GBK in a UTF-8 .dbf: 乙 and 丁
    are right, and the row said is 3 — the record's own number in the file, as ArcGIS and
    QGIS count it, never shifted by the deleted record before it."""
    path = _two_encodings(tmp_path, main="utf-8", other="gbk", rows={2}, cpg="UTF-8")
    dbf = path.with_suffix(".dbf")
    raw = bytearray(dbf.read_bytes())
    raw[raw.find(P[0].encode()) - 1] = ord("*")
    dbf.write_bytes(bytes(raw))
    result = read_parcels(path)
    assert result.data["holder"].tolist() == HOLDERS[1:]
    said = _said(result, "混有两种编码")
    assert said["row"].tolist() == [3] and "丙机械厂" in said.iloc[0]["value"], result.problems
    assert result.rejected["source_row"].tolist() == [1]


def test_a_dbf_in_one_encoding_says_nothing_of_two(tmp_path: Path) -> None:
    """The same layer all in GBK (no .cpg) or all in UTF-8 (.cpg UTF-8): read as before,
    nothing said of encodings."""
    for main, cpg in (("gbk", None), ("utf-8", "UTF-8")):
        path = _two_encodings(tmp_path, main=main, other=main, rows=set(), cpg=cpg)
        result = read_parcels(path)
        assert result.data["holder"].tolist() == HOLDERS
        assert result.problems.empty or _said(result, "编码").empty, result.problems


def test_two_encodings_said_through_inspect(tmp_path: Path, capsys) -> None:
    """``landgov inspect`` of the UTF-8 layer with one GBK record: the warning as a user
    reads it, and the holders shown right."""
    path = _two_encodings(tmp_path, main="utf-8", other="gbk", rows={1}, cpg="UTF-8")
    code, text = main_here(["inspect", path], capsys)
    assert code == 0, text
    assert "[警告]" in text and "混有两种编码" in text
    assert "宸ヤ笟" not in text
    for word in ENGLISH:
        assert word not in text, (word, text)


def test_a_right_utf8_cpg_beside_a_cut_field_name_is_not_called_wrong(tmp_path: Path) -> None:
    """A QGIS export (UTF-8, .cpg 「UTF-8」) whose values are all codes and figures, its one
    Chinese text the field name 「宗地代码」 — 12 bytes in UTF-8, cut by the .dbf's 10 to
    「宗地代」 and one byte of 「码」. Was: the cut byte counted as text UTF-8 cannot read (1 of
    3 characters, above the 10 % allowed), so a 警告 said 「宗地.cpg 声明编码「UTF-8」，但 .dbf
    的文本按 UTF-8 解码时有 1 处无法识别，已按文本判断为 UTF-8 读取」 — the right .cpg called
    wrong, and the fix offered was to delete it. A character cut at a field's end is no
    decoding failure (as the bytes' own test already holds): nothing said of the .cpg; the
    cut name is matched to 宗地代码 with its 提示, as before."""
    geoms = [rectangle(100.0, 140.0, i) for i in range(2)]
    path = write_shapefile(
        tmp_path / "宗地.shp", geoms, [("宗地代码", 19), ("RJL", 6, 2)],
        [[P[0], "0.80"], [P[1], "1.20"]], encoding="utf-8", prj=pyproj.CRS.from_epsg(CRS),
        cpg="UTF-8",
    )  # fmt: skip
    assert "宗地代码".encode()[:10] in path.with_suffix(".dbf").read_bytes()
    result = read_parcels(path)
    assert result.data["parcel_id"].tolist() == P[:2]
    assert result.meta["encoding"]["source"] == "cpg"
    assert _said(result, "声明编码").empty, result.problems
    assert len(_said(result, "被截断")) == 1, result.problems


# --- a parcel layer in 西安80 or 北京54 --------------------------------------------------------

#: 3° GK in the older national datums, with and without the zone number (40) in the easting
OLD_DATUMS = [
    (2385, 555_900.0, "西安80"),
    (2364, 40_555_900.0, "西安80"),
    (2437, 555_900.0, "北京54"),
    (2416, 40_555_900.0, "北京54"),
]


def _plots_in(folder: Path, epsg: int, x0: float) -> Path:
    """Two 100 m × 140 m plots (14000 m²) at ``x0`` east, 3,320,200 m north, under a .prj of
    ``epsg`` in ESRI WKT (as ArcGIS writes it)."""
    geoms = [box(x0 + 1000 * i, 3_320_200.0, x0 + 1000 * i + 100, 3_320_340.0) for i in range(2)]
    return write_shapefile(
        folder / "宗地.shp", geoms, [("ZDDM", 19)], [[P[0]], [P[1]]],
        prj=pyproj.CRS.from_epsg(epsg), cpg="GBK",
    )  # fmt: skip


@pytest.mark.parametrize(("epsg", "x0", "datum"), OLD_DATUMS, ids=[str(e) for e, *_ in OLD_DATUMS])
def test_a_parcel_layer_in_an_older_datum_is_said_not_taken_for_cgcs2000(
    tmp_path: Path, epsg: int, x0: float, datum: str
) -> None:
    """A parcel layer whose .prj says 西安80 or 北京54 (3° GK, CM 120°E, with or without the
    zone number 40 in the easting), with no other layer. Was: read and screened without a
    word — the results (and their map) in that datum, the map placing every plot by a
    「ballpark」 transformation (the same latitude and longitude as CGCS2000), while the
    datums lie tens of metres apart. The areas stay right (14000 m², measured in the layer's
    own projection); now one 警告 states the datum and EPSG code, that it is no CGCS2000, what
    stays right (areas, overlay with layers of the same datum) and what does not (the place on
    a basemap, merging with CGCS2000 data), and the fix."""
    result = read_parcels(_plots_in(tmp_path, epsg, x0))
    assert result.data["area_m2"].tolist() == pytest.approx([14_000, 14_000])
    said = _said(result, "不是 CGCS2000")
    assert len(said) == 1, result.problems
    row = said.iloc[0]
    assert row["severity"] == Severity.WARNING and row["field"] == "crs"
    assert datum in row["problem"] and f"EPSG:{epsg}" in row["problem"]
    assert "面积" in row["problem"] and "数十米" in row["problem"]
    assert "转换参数" in row["action"] and "CGCS2000" in row["action"]


@pytest.mark.parametrize(("epsg", "x0"), [(4549, 555_900.0), (4528, 40_555_900.0)])
def test_a_cgcs2000_parcel_layer_says_nothing_of_its_datum(
    tmp_path: Path, epsg: int, x0: float
) -> None:
    result = read_parcels(_plots_in(tmp_path, epsg, x0))
    assert result.data["area_m2"].tolist() == pytest.approx([14_000, 14_000])
    assert _said(result, "CGCS2000").empty, result.problems


def test_screen_of_the_sample_in_xian80_says_the_datum_in_the_problems_sheet(
    tmp_path: Path,
) -> None:
    """The bundled sample with its parcels.prj replaced by 西安80 CM 120°E (EPSG:2385, the
    coordinates unchanged) through ``landgov screen``: the run finishes as before (every
    layer given is in that datum), and the 问题记录 sheet holds the one row naming the datum."""
    data = tmp_path / "data"
    shutil.copytree(SAMPLE, data)
    (data / "parcels.prj").write_text(
        pyproj.CRS.from_epsg(2385).to_wkt("WKT1_ESRI"), encoding="ascii"
    )
    out = tmp_path / "结果"
    result = run_cli(
        "screen", "-q", "-p", data / "parcels.shp", "-e", data / "enterprises.xlsx",
        "-l", data / "links.xlsx", "--as-of", "2026-06-30", "-o", out,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    problems = pd.read_excel(out / "landgov.xlsx", sheet_name="问题记录")
    hit = problems[problems["问题"].astype(str).str.contains("不是 CGCS2000", regex=False)]
    assert len(hit) == 1, hit
    assert hit.iloc[0]["源文件"] == "parcels.shp" and "西安80" in hit.iloc[0]["问题"]
