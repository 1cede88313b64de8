"""County files as they really come, seventh round: a 宗地面积 field whose name states a unit
its figures are not in (「面积(公顷)」 holding square metres), and an enterprise or link
workbook holding two tables side by side on one sheet (规上 left, 规下 right).

Every file is built here (openpyxl, or GDAL and a .dbf byte by byte through
``tests._shapefiles``) and read through the real reader, or run through the real command line
(``tests._cli``). Expected results are worked out by hand in the docstrings.

The hand county (``tests._hand``): plots of 100 m × 140 m = 14000 m² = 21 亩 = 1.4 公顷;
industry 3311 (GB/T 4754-2017 → 2002 大类 34): national minimum 容积率 0.7 (《工业项目建设用地
控制指标》（国土资发〔2008〕24号）); 「低于」 excludes the number.
"""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import pytest
from openpyxl import Workbook, load_workbook
from shapely.geometry import box

from landgov.core.plausible import check_values
from landgov.core.problems import ReadResult, Severity
from landgov.crs import resolve_crs
from landgov.errors import CRSError, SchemaError
from landgov.far import compute_far
from landgov.io import read_enterprises, read_links, read_parcels
from landgov.link import link_parcels
from landgov.verdict import Status
from tests._cli import ENGLISH, assert_clean_error, main_here, refused, run_cli
from tests._hand import AS_OF, CRS, firms, owner_links, parcels_of, rectangle, screen_plots, uscc
from tests._shapefiles import write_shapefile, write_shp_rings

# Valid codes (zhejiang_valid.txt in /work/shared/testdata/uscc).
A = "91330100470102706G"
B = "913304007429141869"
C = "91330100799655058B"
D = "91330106MAEUDLLYXY"
P1, P2 = "330602001001GB00000", "330602001001GB00001"
SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


def _said(result: ReadResult, words: str):
    problems = result.problems
    return problems[problems["problem"].astype(str).str.contains(words, regex=False)]


# --- 宗地面积 under a header naming another unit ---------------------------------------------

HA, MU = "面积(公顷)", "面积(亩)"  # 10 and 8 bytes in GBK: a .dbf field name keeps them whole


def _plots(folder: Path, name: str, areas: list[str], far: str = "0.50") -> Path:
    """Plots 0 and 1 of the hand county (14000 m² each), 工业用地, 容积率 ``far``; the
    area field is called ``name`` and holds ``areas``."""
    fields = [("宗地代码", 19), ("土地用途", 8), (name, 12, 2), ("容积率", 6, 2)]
    records = [[code, "工业用地", area, far] for code, area in zip((P1, P2), areas, strict=True)]
    geoms = [rectangle(100.0, 140.0, i) for i in range(2)]
    return write_shapefile(
        folder / "宗地.shp", geoms, fields, records, prj=pyproj.CRS.from_epsg(CRS), cpg="GBK"
    )


def _checked(result: ReadResult, profile):
    """The plots as a run holds them after the plausibility step."""
    return check_values(
        result.data, profile, source="宗地.shp", as_of=AS_OF,
        field_names=result.meta.get("field_map") or {},
    ).data  # fmt: skip


def test_square_metres_under_a_mu_header_do_not_lift_the_plots_far(
    tmp_path: Path, yuecheng
) -> None:
    """「面积(亩)」 holds 14000.00 for both plots: the square metres of their 14000 m² shapes
    (what GIS computes), not 亩 (21). Was: read as the header says, 14000 亩 = 9,333,333 m²
    (666.7 times the plot, under the plausibility bound of 1 亿 m², so nothing said); with
    容积率 0.50 recorded, the floor area 0.50 × 9,333,333 = 4,666,667 m² gave FAR 333.3 on a
    14000 m² plot — far above the minimum 0.7: a plot under its minimum passed 用而未尽.

    By hand: shape ÷ figure = 14000 ÷ 14000 = 1.0 — the figures are in m², not the 亩 the
    name says (which would give 666.7). Which is right cannot be read from the file: the field
    is not read (area_declared_m2 missing on both rows), one 警告 names the field, the unit it
    looks like and the fix. The plot area stays its shape's 14000 m²; the floor area is
    0.50 × 14000 = 7000 m², FAR 0.50 — below 0.7 (「低于」), 不符合."""
    result = read_parcels(_plots(tmp_path, MU, ["14000.00", "14000.00"]))
    assert result.data["area_m2"].tolist() == pytest.approx([14_000, 14_000])
    assert result.data["area_declared_m2"].isna().all(), result.data["area_declared_m2"]
    said = _said(result, "图形面积是该字段数值的")
    assert len(said) == 1, result.problems
    row = said.iloc[0]
    assert row["severity"] == Severity.WARNING and row["field"] == MU
    assert "按表头所写的亩读取" in row["problem"] and "像是以平方米为单位" in row["problem"]
    assert "约 1.0 倍" in row["problem"] and "该字段 14000" in row["problem"]
    assert "面积(m2)" in row["action"]
    parcels = _checked(result, yuecheng)
    far = compute_far(parcels, profile=yuecheng)
    assert far["far_source"].tolist() == ["登记容积率", "登记容积率"]
    assert far["floor_area_m2"].tolist() == pytest.approx([7000, 7000])
    assert far["far_minimum"].tolist() == pytest.approx([0.5, 0.5])
    got = screen_plots(
        yuecheng, parcels.assign(far_minimum=far["far_minimum"], far_source=far["far_source"]),
        firms(2),
    )  # fmt: skip
    assert [c.status for c in got.checks["under_used"]] == [Status.FAIL, Status.FAIL]


@pytest.mark.parametrize(
    ("areas", "unit", "ratio"),
    [(["14000.00", "14000.00"], "平方米", "1.0"), (["21.00", "21.00"], "亩", "666.7")],
    ids=["square-metres", "mu"],
)
def test_square_metres_or_mu_under_a_hectare_header_are_not_read_as_hectares(
    tmp_path: Path, areas: list[str], unit: str, ratio: str
) -> None:
    """「面积(公顷)」 holding 14000.00 (m²) or 21.00 (亩) for 14000 m² plots: read as 公顷,
    1.4 亿 m² or 210,000 m² (10,000 or 15 times the plot). Shape ÷ figure = 1.0 m² (or
    666.7 m², one 亩), not the 10,000 m² of one 公顷: not read, said with the unit it looks
    like."""
    result = read_parcels(_plots(tmp_path, HA, areas))
    assert result.data["area_declared_m2"].isna().all(), result.data["area_declared_m2"]
    said = _said(result, "图形面积是该字段数值的")
    assert len(said) == 1, result.problems
    assert f"像是以{unit}为单位" in said.iloc[0]["problem"]
    assert f"约 {ratio} 倍" in said.iloc[0]["problem"]


@pytest.mark.parametrize(
    ("name", "areas", "m2"),
    [(HA, ["1.40", "1.41"], [14_000, 14_100]), (MU, ["21.00", "21.15"], [14_000, 14_100])],
    ids=["hectares", "mu"],
)
def test_an_area_in_its_headers_unit_is_read_and_nothing_said(
    tmp_path: Path, name: str, areas: list[str], m2: list[float]
) -> None:
    """「面积(公顷)」 holding 1.40 and 1.41, 「面积(亩)」 21.00 and 21.15 (a survey's
    figures): 14000 and 14100 m², read as the header says; nothing said of the unit."""
    result = read_parcels(_plots(tmp_path, name, areas))
    assert result.data["area_declared_m2"].tolist() == pytest.approx(m2)
    assert _said(result, "图形面积是该字段数值的").empty, result.problems


def test_the_unit_said_through_inspect(tmp_path: Path, capsys) -> None:
    """``landgov inspect`` of the layer shows the warning as a user reads it."""
    code, text = main_here(["inspect", _plots(tmp_path, MU, ["14000.00"] * 2)], capsys)
    assert code == 0, text
    assert "[警告]" in text and "像是以平方米为单位" in text and MU in text
    for word in ENGLISH:
        assert word not in text, (word, text)


# --- two tables side by side on one sheet ------------------------------------------------------

_HEADER = ["统一社会信用代码", "企业名称", "税收（万元）", "工业增加值（万元）", "用地面积（亩）"]


def _beside(path: Path, right: list[list[object]], *, header: list[str] = _HEADER) -> Path:
    """A sheet 「规上规下」: the 规上 table in A–E (甲 A, 乙 B), a blank column F, and
    ``right`` under the same header in G–K (the 规下 table)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "规上规下"
    ws.append([*header, None, *header])
    left = [[A, "甲公司", 120, 800, 30], [B, "乙公司", 60, 300, 15]]
    for i in range(max(len(left), len(right))):
        ws.append([*(left[i] if i < len(left) else [None] * 5), None,
                   *(right[i] if i < len(right) else [None] * 5)])  # fmt: skip
    wb.save(path)
    return path


def test_a_second_table_beside_the_first_is_an_error_naming_both(tmp_path: Path) -> None:
    """规上 in A–E (甲, 乙), 规下 in G–K (丙 C, 丁 D, 戊 — three rows, one more than the left).
    Was: read as one table of 2 enterprises; 丙, 丁 and 戊 became extra columns of 甲's and
    乙's rows (and 戊 a row with no code), with only a warning that columns repeat — three
    enterprises dropped. Now one 错误 naming the sheet, where each table begins (A, G), the
    first right-hand row (G2 丙's code), the 3 rows and the fix (paste G– under A–)."""
    path = _beside(
        tmp_path / "亩均数据.xlsx",
        [[C, "丙公司", 5, 40, 8], [D, "丁公司", 3, 20, 6], ["", "戊公司", 1, 5, 2]],
    )
    with pytest.raises(SchemaError) as caught:
        read_enterprises(path)
    text = str(caught.value)
    assert "亩均数据.xlsx" in text and "工作表「规上规下」" in text
    assert "A 列起和 G 列起" in text and f"G2：{C}" in text
    assert "右边一张表有 3 行" in text and "粘贴到左边表的下方" in text


def test_a_copied_code_column_beside_the_table_stays_a_warning(tmp_path: Path) -> None:
    """G–K repeating the left rows word for word (a copy, e.g. for printing): no second table
    — the same codes on the same rows. Read as before: 2 enterprises, one warning per
    repeated field, the copies kept as extra columns."""
    path = _beside(
        tmp_path / "亩均数据.xlsx", [[A, "甲公司", 120, 800, 30], [B, "乙公司", 60, 300, 15]]
    )
    result = read_enterprises(path)
    assert result.data["uscc"].tolist() == [A, B]
    assert not _said(result, "多列都对应字段「统一社会信用代码」").empty


def test_screen_given_two_link_tables_side_by_side_stops_and_writes_nothing(
    tmp_path: Path,
) -> None:
    """The same in a 地企关联 table (宗地代码, 统一社会信用代码, 关系 twice; the sample's own
    links on the left, a second block on the right): ``landgov screen`` stops with exit 2
    and one 错误 naming the file and both blocks, no traceback, no run folder."""
    header = ["宗地代码", "统一社会信用代码", "关系"]
    wb = Workbook()
    ws = wb.active
    ws.append([*header, None, *header])
    ws.append([P1, A, "自有", None, P2, B, "租用"])
    path = tmp_path / "地企关联.xlsx"
    wb.save(path)
    out = tmp_path / "结果"
    result = run_cli(
        "screen", "-q", "-p", SAMPLE / "parcels.shp", "-e", SAMPLE / "enterprises.xlsx",
        "-l", path, "-o", out, "--as-of", "2026-06-30", cwd=tmp_path,
    )  # fmt: skip
    text = assert_clean_error(result, contains="并排有两张表")
    assert "地企关联.xlsx" in text and "A 列起和 E 列起" in text
    assert not out.exists() or not any(out.iterdir())
    with pytest.raises(SchemaError):
        read_links(path)


def test_inspect_of_two_tables_side_by_side_is_a_clean_error(tmp_path: Path, capsys) -> None:
    path = _beside(tmp_path / "亩均数据.xlsx", [[C, "丙公司", 5, 40, 8]])
    code, text = main_here(["inspect", path, "--kind", "enterprises"], capsys)
    refused(code, text, "亩均数据.xlsx", "并排有两张表", "G2")


# --- a code cell holding more than the code ----------------------------------------------------


def test_two_codes_in_one_link_cell_are_named_as_two_enterprises(tmp_path: Path) -> None:
    """A 地企关联 row 「P1 | A/B | 租用」: two firms on one plot typed into one cell. Was:
    rejected as 「应为 18 位，实为 37 位」 with 「核对原始登记信息」 — the codes are right, the
    cell is wrong. Now both codes are named with the fix: one row per firm. The row is kept
    unjoined (it says firms use P1, whose totals are then missing, never another firm's
    alone: landgov.io.links); the row beside it (P2, C) is read."""
    wb = Workbook()
    ws = wb.active
    ws.append(["宗地代码", "统一社会信用代码", "关系"])
    ws.append([P1, f"{A}/{B}", "租用"])
    ws.append([P2, C, "自有"])
    path = tmp_path / "地企关联.xlsx"
    wb.save(path)
    result = read_links(path)
    assert result.data["source_row"].tolist() == [2, 3]
    assert result.data["uscc"].tolist()[1] == C and result.rejected.empty
    said = result.problems[result.problems["row"] == 2]
    reason = said["problem"].iloc[0]
    assert f"一个单元格中填了 2 个统一社会信用代码（{A}、{B}）" in reason, reason
    assert said["action"].str.contains("每个企业单独填一行").any(), said


@pytest.mark.parametrize(
    ("written", "extra"),
    [(f"{A}（已注销）", "「(已注销)」"), (f"统一社会信用代码：{A}", "「统一社会信用代码:」")],
    ids=["remark-after", "label-before"],
)
def test_a_code_with_words_in_its_cell_names_the_code_and_the_words(
    tmp_path: Path, written: str, extra: str
) -> None:
    """「A（已注销）」 or 「统一社会信用代码：A」 in the code column: the firm is kept (it counts
    in totals) but not joined — the cell is no code, and the remark may matter (a firm
    deregistered). Was: 「应为 18 位，实为 23 位，核对原始登记信息」. Now: the valid code
    inside and the other words named, the fix is to move the words to a remarks column; the
    code is not cut out on its own."""
    wb = Workbook()
    ws = wb.active
    ws.append(["统一社会信用代码", "企业名称", "税收（万元）"])
    ws.append([written, "甲公司", 12])
    path = tmp_path / "亩均数据.xlsx"
    wb.save(path)
    result = read_enterprises(path)
    assert result.data["uscc_status"].tolist() == ["长度错误"]
    said = _said(result, "外还有其他文字")
    assert len(said) == 1, result.problems
    assert (
        f"代码「{A}」（校验通过）" in said.iloc[0]["problem"] and extra in said.iloc[0]["problem"]
    )
    assert "移到备注列" in said.iloc[0]["problem"]


# --- measured shapes ---------------------------------------------------------------------------


def test_a_polygon_m_layer_is_read_and_its_m_values_said(tmp_path: Path) -> None:
    """An ArcGIS PolygonM layer (each vertex with an M value): two 100 m squares, 10000 m²
    each. Was: read right, but GDAL's English 「Measured (M) geometry types are not
    supported…」 came out of read_parcels as a Python warning (an error under ``-W error``)
    and nothing in the problems table said the M values were dropped. Now: both plots read
    (10000 m²), no warning escapes, one 提示 says the M values were left out."""
    sq = [[(x, 3_320_200.0), (x, 3_320_300.0), (x + 100, 3_320_300.0), (x + 100, 3_320_200.0),
           (x, 3_320_200.0)] for x in (555_900.0, 556_100.0)]  # fmt: skip
    path = write_shp_rings(
        tmp_path / "宗地.shp", [[ring] for ring in sq], [("ZDDM", 19)], [[P1], [P2]],
        prj=pyproj.CRS.from_epsg(CRS), measured=True,
    )  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = read_parcels(path)
    assert result.data["area_m2"].tolist() == pytest.approx([10_000, 10_000])
    said = _said(result, "M 值")
    assert len(said) == 1 and said.iloc[0]["severity"] == Severity.INFO, result.problems


# --- shares of a plot ------------------------------------------------------------------------


def test_a_share_column_in_the_link_table_is_said_not_replaced_in_silence(
    tmp_path: Path,
) -> None:
    """A 地企关联 table giving each firm's share of plot P1 in 「使用比例」 (A 自有 60 %, B 租用
    60 % — 120 % in all) and no 使用面积. landgov shares a plot by 使用面积 (the rest by
    linking.share_rule, equal by default): the shares are not read. Was: not a word — the
    county's 60/60 silently became an equal split. Now one 警告 names the column, says the
    shares are not used and how to give them (比例 × 宗地面积 into 使用面积); both links are
    read. A 「备注」 column is no share and is not said."""
    wb = Workbook()
    ws = wb.active
    ws.append(["宗地代码", "统一社会信用代码", "关系", "使用比例", "备注"])
    ws.append([P1, A, "自有", "60%", "厂房"])
    ws.append([P1, B, "租用", "60%", None])
    path = tmp_path / "地企关联.xlsx"
    wb.save(path)
    result = read_links(path)
    assert result.data["uscc"].tolist() == [A, B]
    said = _said(result, "比例")
    assert len(said) == 1, result.problems
    row = said.iloc[0]
    assert row["field"] == "使用比例" and row["severity"] == Severity.WARNING
    assert "未被采用" in row["problem"] and "填入「使用面积」列" in row["action"]
    assert _said(result, "备注").empty


# --- money in 元 where 万元 is read -------------------------------------------------------------


def _firms_in_yuan(path: Path, header: str) -> Path:
    """甲 300 万元 tax on 20 亩, 乙 150 万元 on 10 亩, 丙 80 万元 on 5 亩 — typed in 元 (as a
    tax bureau exports them) under ``header``; 工业增加值 in 万元 as it should be."""
    wb = Workbook()
    ws = wb.active
    ws.append(["统一社会信用代码", "企业名称", header, "工业增加值（万元）", "用地面积（亩）"])
    ws.append([A, "甲公司", 3_000_000, 4000, 20])
    ws.append([B, "乙公司", 1_500_000, 2000, 10])
    ws.append([C, "丙公司", 800_000, 900, 5])
    wb.save(path)
    return path


@pytest.mark.parametrize("header", ["税收", "税收（万元）"], ids=["no-unit", "wan-over-yuan"])
def test_taxes_in_yuan_read_as_wan_are_set_aside_as_a_column(
    tmp_path: Path, yuecheng, header: str
) -> None:
    """Taxes 3,000,000 / 1,500,000 / 800,000 (元) under 「税收」 (read as 万元, the field's
    unit) or under 「税收（万元）」. Was: read as 300 亿, 150 亿, 80 亿 元 — each below the
    1e8 万元 bound, so nothing said; 亩均税收 150,000 万元/亩 for every firm, above every
    threshold. By hand: per 亩 3,000,000 ÷ 20 = 150,000, 1,500,000 ÷ 10 = 150,000,
    800,000 ÷ 5 = 160,000; median 150,000 > 20,000 万元/亩 (plausible.money_per_mu_max_wan):
    the column is in 元, not 万元. Which it is cannot be known for sure: 税收 missing on all
    three rows (亩均税收 待核实), one 错误 row naming the column, the median and the fix. 工业
    增加值 (4000 ÷ 20 = 200, 200, 180 万元/亩; median 200) is kept as it is."""
    read = read_enterprises(_firms_in_yuan(tmp_path / "亩均数据.xlsx", header))
    checked = check_values(
        read.data, yuecheng, source="亩均数据.xlsx", as_of=AS_OF,
        field_names=read.meta.get("field_map") or {},
    )  # fmt: skip
    assert checked.data["tax_wan"].isna().all(), checked.data["tax_wan"]
    assert checked.data["value_added_wan"].tolist() == pytest.approx([4000, 2000, 900])
    problems = checked.problems
    said = problems[problems["problem"].str.contains("像是按元而非万元填报", regex=False)]
    assert len(said) == 1, problems
    row = said.iloc[0]
    assert row["field"] == header and row["value"] == "150,000"
    assert row["severity"] == Severity.ERROR
    assert "money_per_mu_max_wan" in row["problem"] and "「税收（元）」" in row["action"]


def test_taxes_in_wan_of_a_rich_county_are_kept(tmp_path: Path, yuecheng) -> None:
    """The same firms with taxes in 万元 but ten times richer than any county's median
    (3000, 1500, 800 万元: 150–160 万元/亩): far below 20,000 万元/亩, read as they are."""
    wb = Workbook()
    ws = wb.active
    ws.append(["统一社会信用代码", "企业名称", "税收（万元）", "用地面积（亩）"])
    for code, tax, mu in ((A, 3000, 20), (B, 1500, 10), (C, 800, 5)):
        ws.append([code, "某公司", tax, mu])
    wb.save(tmp_path / "亩均数据.xlsx")
    read = read_enterprises(tmp_path / "亩均数据.xlsx")
    checked = check_values(read.data, yuecheng, source="亩均数据.xlsx", as_of=AS_OF)
    assert checked.data["tax_wan"].tolist() == pytest.approx([3000, 1500, 800])
    assert checked.problems.empty, checked.problems


def test_screen_of_taxes_typed_in_yuan_says_so_and_grades_no_firm_on_them(
    tmp_path: Path,
) -> None:
    """The bundled sample with every 税收（万元） cell typed in 元 (× 10,000), through
    ``landgov screen``: the run finishes, the 问题记录 sheet holds one row naming the column
    and 「像是按元而非万元填报」, and no firm keeps a tax figure (亩均税收 待核实 for all)."""
    data = tmp_path / "data"
    shutil.copytree(SAMPLE, data)
    wb = load_workbook(data / "enterprises.xlsx")
    ws = wb.active
    assert ws.cell(3, 9).value == "税收（万元）"
    for r in range(4, ws.max_row + 1):
        if isinstance(ws.cell(r, 9).value, int | float):
            ws.cell(r, 9).value = ws.cell(r, 9).value * 10_000
    wb.save(data / "enterprises.xlsx")
    out = tmp_path / "out"
    result = run_cli(
        "screen", "-q", "-p", data / "parcels.shp", "-e", data / "enterprises.xlsx",
        "-l", data / "links.xlsx", "--as-of", "2026-06-30", "-o", out,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    problems = pd.read_excel(out / "landgov.xlsx", sheet_name="问题记录")
    hit = problems[problems["问题"].astype(str).str.contains("像是按元而非万元填报", regex=False)]
    assert len(hit) == 1, hit
    assert hit.iloc[0]["源文件"] == "enterprises.xlsx" and hit.iloc[0]["字段"] == "税收（万元）"
    ents = gpd.read_file(out / "landgov.gpkg", layer="enterprises")
    assert ents["tax_wan"].isna().all()


# --- eastings with and without the zone number in one layer -----------------------------------


def _mixed_zone_layer(folder: Path) -> Path:
    """Three 100 m squares of zone 40 (CGCS2000 3° GK, CM 120°E): plots 1 and 3 with the zone
    number in front of the easting (40,555,900 and 40,556,300), plot 2 without (556,100) —
    two exports merged into one layer, no .prj."""
    xs = [40_000_000 + 555_900.0, 556_100.0, 40_000_000 + 556_300.0]
    gdf = gpd.GeoDataFrame(
        {"宗地代码": [P1, P2, "330602001001GB00002"]},
        geometry=[box(x, 3_320_200.0, x + 100, 3_320_300.0) for x in xs],
    )
    path = folder / "宗地.gpkg"
    with warnings.catch_warnings():  # geopandas: no CRS given — the point of the file
        warnings.simplefilter("ignore", UserWarning)
        gdf.to_file(path)
    return path


def test_eastings_with_and_without_the_zone_number_are_refused_by_name(tmp_path: Path) -> None:
    """Was: 「landgov 内部出错（ValueError：3° GK zone 20 is outside 25–45）」, exit 3 — the
    centre of 556,100 and 40,556,400 is 20,5xx,xxx, read as zone 20. No one CRS reads both
    forms. Now ``landgov screen`` stops with exit 2 and one 错误 naming both forms (6 and 8
    digits, zone 40), the range seen and the fix (subtract 40,000,000 from the prefixed ones)."""
    layer = _mixed_zone_layer(tmp_path)
    result = run_cli(
        "screen", "-q", "-p", layer, "-e", SAMPLE / "enterprises.xlsx",
        "-o", tmp_path / "结果", "--as-of", "2026-06-30", cwd=tmp_path,
    )  # fmt: skip
    text = assert_clean_error(result, contains="两种坐标混在一个图层中")
    assert "内部出错" not in text and "宗地.gpkg" in text
    assert "556,100 ～ 40,556,400" in text and "减去 40,000,000" in text
    # the features of the rarer form by row and 宗地代码: the ones to look at first
    assert f"带带号的 2 个、不带的 1 个；不带带号的是第 2 行（{P2}）" in text


def test_a_few_prefixed_eastings_among_many_are_named_ten_at_most() -> None:
    """13 features of 30 with the zone number (the rarer form): the refusal names the first 10
    by the labels given and says there are more (「等」); without features it names none."""
    xs = [40_555_900.0 + 10 * k if k % 3 == 0 or k > 25 else 555_900.0 + 10 * k for k in range(30)]
    features = np.array([[x, 3_320_200.0, x + 5, 3_320_205.0] for x in xs])
    total = (features[:, 0].min(), 3_320_200.0, features[:, 2].max(), 3_320_205.0)
    asked: list[list[int]] = []

    def labels(positions: list[int]) -> list[str]:
        asked.append(list(positions))
        return [f"第 {p + 1} 行" for p in positions]

    with pytest.raises(CRSError) as caught:
        resolve_crs(total, prj_crs=None, features=features, labels=labels)
    text = str(caught.value)
    assert "带带号的 13 个、不带的 17 个；带带号的是第 1 行、第 4 行、" in text
    assert asked == [[0, 3, 6, 9, 12, 15, 18, 21, 24, 26]] and "第 27 行等" in text
    with pytest.raises(CRSError) as bare:
        resolve_crs(total, prj_crs=None)
    assert "两种坐标混在一个图层中" in str(bare.value) and "行" not in str(bare.value)


def test_a_centre_in_no_zone_is_a_clean_crs_error() -> None:
    """Eastings all of 8 digits whose first two (20) are no 3° zone of China (25–45): was the
    same ValueError; now the CRSError for coordinates that are no Zhejiang projection."""
    with pytest.raises(CRSError) as caught:
        resolve_crs((20_555_900.0, 3_320_200.0, 20_556_000.0, 3_320_300.0), prj_crs=None)
    assert "不像浙江的高斯-克吕格投影坐标" in str(caught.value)


# --- a row of field codes under the header -----------------------------------------------------


def test_a_row_of_field_codes_under_the_header_is_no_enterprise(tmp_path: Path) -> None:
    """A system export: row 1 the Chinese header, row 2 the fields' codes (TYSHXYDM, QYMC,
    SS, YDMJ), then 甲 and 乙. Was: row 2 read as an enterprise named 「QYMC」 with the code
    「TYSHXYDM」 (错误 rows for its code and its 「SS」 tax) — counted in the totals as a third
    firm. TYSHXYDM and QYMC are the codes of 统一社会信用代码 and 企业名称 (2 of the 4 mapped
    columns: half): row 2 is a header row, rejected with its reason; 甲 and 乙 are read;
    rows in = 2 read + 1 rejected."""
    wb = Workbook()
    ws = wb.active
    ws.append(["统一社会信用代码", "企业名称", "税收（万元）", "用地面积（亩）"])
    ws.append(["TYSHXYDM", "QYMC", "SS", "YDMJ"])
    ws.append([A, "甲公司", 12, 20])
    ws.append([B, "乙公司", 3, 4])
    wb.save(tmp_path / "亩均数据.xlsx")
    result = read_enterprises(tmp_path / "亩均数据.xlsx")
    assert result.data["uscc"].tolist() == [A, B]
    assert result.rejected["source_row"].tolist() == [2]
    assert "字段代码行" in result.rejected["reject_reason"].iloc[0]
    assert _said(result, "不是数值").empty and _said(result, "应为 18 位").empty


def test_a_firm_named_like_a_field_is_still_a_firm(tmp_path: Path) -> None:
    """A row whose only field-like cell is its name 「企业」 (an alias of 企业名称) is one
    cell of four: a firm, read."""
    wb = Workbook()
    ws = wb.active
    ws.append(["统一社会信用代码", "企业名称", "税收（万元）", "用地面积（亩）"])
    ws.append([A, "企业", 12, 20])
    wb.save(tmp_path / "亩均数据.xlsx")
    result = read_enterprises(tmp_path / "亩均数据.xlsx")
    assert result.data["uscc"].tolist() == [A] and result.rejected.empty


# --- 使用面积 in 亩 under a 平方米 header -------------------------------------------------------


def test_link_areas_in_mu_under_a_square_metre_header_are_not_used(
    tmp_path: Path, yuecheng
) -> None:
    """Three plots of the hand county (14000 m² = 21 亩 each), firm i owning plot i; the 地企
    关联 table gives 「使用面积（平方米）」 21 for each — the 亩 of the plot. Was: each firm held
    21 m² = 0.0315 亩, so its 亩均税收 was 300 ÷ 0.0315 = 9,524 万元/亩 (above every
    threshold), and the enterprise table's own 20 亩 was blamed instead (「疑似按平方米填写在
    『亩』列中」) and set aside. By hand: plot ÷ sum given = 14000 ÷ 21 = 666.7 on each plot
    — one 亩: the column is not in m². Not used (which unit it is cannot be known for sure):
    each plot goes whole to its one user (14000 m², 21 亩), the declared 20 亩 stays, and one
    警告 names 使用面积, the ratio, the first link row (2) and the fix."""
    plots = parcels_of([rectangle(100.0, 140.0, i) for i in range(3)])
    wb = Workbook()
    ws = wb.active
    ws.append(["宗地代码", "统一社会信用代码", "关系", "使用面积（平方米）"])
    for i, code in enumerate(plots["parcel_id"]):
        ws.append([code, uscc(i), "自有", 21])
    wb.save(tmp_path / "地企关联.xlsx")
    links = read_links(tmp_path / "地企关联.xlsx").data
    result = link_parcels(plots, firms(3), links, profile=yuecheng)
    ents = result.enterprises
    assert ents["land_m2"].tolist() == pytest.approx([14_000] * 3)
    assert ents["land_mu_declared"].tolist() == pytest.approx([20] * 3)
    problems = result.problems
    said = problems[problems["problem"].str.contains("像是以亩为单位", regex=False)]
    assert len(said) == 1, problems
    assert said.iloc[0]["field"] == "使用面积" and "如第 2 行" in said.iloc[0]["problem"]
    assert "「使用面积（亩）」" in said.iloc[0]["action"]
    assert not problems["problem"].str.contains("疑似按平方米填写", regex=False).any()


def test_link_areas_in_square_metres_are_used_as_given(tmp_path: Path, yuecheng) -> None:
    """The same links with 使用面积 9000 (m²) on each 14000 m² plot: used as given (plot ÷
    given = 1.6, no unit), nothing said of the unit."""
    plots = parcels_of([rectangle(100.0, 140.0, i) for i in range(3)])
    links = owner_links(plots).assign(area_used_m2=9000.0, source_row=[2, 3, 4])
    result = link_parcels(plots, firms(3), links, profile=yuecheng)
    assert result.enterprises["land_m2"].tolist() == pytest.approx([9000] * 3)
    assert not result.problems["problem"].str.contains("为单位", regex=False).any()


# --- a range or a Chinese full stop in a number cell -------------------------------------------


@pytest.mark.parametrize(
    ("written", "why"),
    [
        ("100-200", "像是一个范围"),
        ("100～200万元", "像是一个范围"),
        ("3至5", "像是一个范围"),
        ("12。5", "「。」是中文句号"),
    ],
)
def test_a_range_or_a_full_stop_in_a_tax_cell_is_said_as_such(
    tmp_path: Path, written: str, why: str
) -> None:
    """A tax of 「100-200」 (an estimate) or 「12。5」 (the IME's full stop for the decimal
    point). Was: missing with 「单位「-200」无法识别」 / 「单位「。5」无法识别」 — no unit was
    meant. Still missing (neither end of a range, nor a guessed 12.5, is the figure), now said
    for what it is."""
    wb = Workbook()
    ws = wb.active
    ws.append(["统一社会信用代码", "企业名称", "税收（万元）"])
    ws.append([A, "甲公司", written])
    wb.save(tmp_path / "亩均数据.xlsx")
    result = read_enterprises(tmp_path / "亩均数据.xlsx")
    assert result.data["tax_wan"].isna().all()
    said = _said(result, why)
    assert len(said) == 1 and said.iloc[0]["row"] == 2, result.problems
    assert "无法识别" not in said.iloc[0]["problem"]


@pytest.mark.parametrize(
    "written",
    [f"{A}（已注销）", f"统一社会信用代码：{A}", f"{A.lower()}/{B}", "9133０１００4701027０6G-X"],
    ids=["remark-after", "label-before", "two-codes-lower", "full-width-bad-length"],
)
def test_a_code_that_is_not_used_gets_no_note_that_it_was_normalised(
    tmp_path: Path, written: str
) -> None:
    """A code cell that normalisation changed (full-width 「（」「：」「０」, lower case) but
    that is no valid code after it: the row is kept and not joined (the error says why). Was:
    first a 提示 「代码已统一为半角大写…（按同一代码去重与关联）」 — as if the code were joined
    — then the error that it cannot be. Now only the error; a valid code written in lower
    case still gets the note (it is the code used)."""
    wb = Workbook()
    ws = wb.active
    ws.append(["统一社会信用代码", "企业名称", "税收（万元）"])
    ws.append([written, "甲公司", 12])
    ws.append([C.lower(), "丙公司", 5])
    path = tmp_path / "亩均数据.xlsx"
    wb.save(path)
    result = read_enterprises(path)
    assert result.data["uscc_status"].tolist() == ["长度错误", "有效"]
    noted = _said(result, "已统一为半角大写")
    assert noted["row"].tolist() == [3], noted
    assert (result.problems[result.problems["row"] == 2]["severity"] == "错误").all()
