"""County files as they really come, fifth round: enterprise tables whose figures are split by
year under one caption (「税收（万元）」 merged over 「2023年」「2024年」), and a parcel layer
whose 宗地面积 is in 亩 or 公顷 though its name says no unit.

Every file is built here (openpyxl, or GDAL and a .dbf byte by byte through
``tests._shapefiles``) and read through the real reader. Expected results are
worked out by hand in the docstrings.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook
from pyproj import CRS
from shapely.geometry import box

from landgov.core.problems import ReadResult, Severity
from landgov.io import read_enterprises, read_parcels
from tests._shapefiles import write_shapefile

A = "91330100470102706G"  # valid codes (zhejiang_valid.txt in /work/shared/testdata/uscc)
B = "913304007429141869"
C = "91330100799655058B"


def _said(result: ReadResult, words: str) -> pd.DataFrame:
    problems = result.problems
    return problems[problems["problem"].astype(str).str.contains(words, regex=False)]


# --- a year row under a caption -----------------------------------------------------------------


def _years_workbook(path: Path, *, merged: bool, year: object = "2023年") -> Path:
    """Row 1: 统一社会信用代码, 企业名称, 税收（万元） over D:E, 工业增加值（万元）, 用地面积（亩);
    row 2: the years under 税收 (D2 ``year``, E2 2024年); rows 3–5 three enterprises.
    ``merged``: D1:E1 and the other captions over rows 1–2 merged (WPS 「合并居中」); else
    税收 stands in D1 alone, E1 blank (「跨列居中」)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "企业"
    ws.append(
        [
            "统一社会信用代码",
            "企业名称",
            "税收（万元）",
            None,
            "工业增加值（万元）",
            "用地面积（亩）",
        ]
    )
    ws.append([None, None, year, "2024年", None, None])
    if merged:
        for cells in ("A1:A2", "B1:B2", "C1:D1", "E1:E2", "F1:F2"):
            ws.merge_cells(cells)
    ws.append([A, "甲纺织有限公司", 10, 12.5, 100, 10])
    ws.append([B, "乙机械有限公司", 20, 30, 200, 20])
    ws.append([C, "丙塑业有限公司", 5, -3.2, 50, 5])
    wb.save(path)
    return path


@pytest.mark.parametrize("merged", [True, False], ids=["merged", "centred_across"])
def test_a_year_row_under_the_tax_caption_is_no_choice_of_the_first_year(
    tmp_path: Path, merged: bool
) -> None:
    """「税收（万元）」 over 「2023年」「2024年」, as 亩均 exports lay out two years. The year row
    was no header: the first column was read as 税收 (2023's 10, 20, 5 — last year's tax) with
    only a warning of several columns, and row 2 rejected as a repeated header. The year row
    is part of the header: the columns are 「2023年税收（万元）」 and 「2024年税收（万元）」,
    and two years of one figure are not chosen between (as for one header row naming the
    years): 税收 is missing for all three (so 待核实), one 错误 names both columns and says
    --alias; ``aliases`` naming the 2024 column reads 12.5, 30, −3.2. No row is lost: the
    three enterprises are data, nothing rejected."""
    path = _years_workbook(tmp_path / "亩均.xlsx", merged=merged)
    result = read_enterprises(path)
    assert result.data["source_row"].tolist() == [3, 4, 5]
    assert result.rejected.empty, result.rejected
    assert result.data["tax_wan"].isna().all()
    said = _said(result, "年份不同")
    assert len(said) == 1 and said.iloc[0]["severity"] == Severity.ERROR, result.problems
    assert "2023年税收（万元）、2024年税收（万元）" in said.iloc[0]["problem"]
    assert "--alias tax_wan=" in said.iloc[0]["action"]
    assert result.data["value_added_wan"].tolist() == pytest.approx([100, 200, 50])
    assert result.data["land_mu"].tolist() == pytest.approx([10, 20, 5])

    chosen = read_enterprises(path, aliases={"tax_wan": ["2024年税收（万元）"]})
    assert chosen.data["tax_wan"].tolist() == pytest.approx([12.5, 30, -3.2])
    assert _said(chosen, "年份不同").empty


def test_a_year_typed_as_a_number_under_the_caption_is_a_year_too(tmp_path: Path) -> None:
    """The same table with D2 typed as the number 2023 (E2 the text 「2024年」): the year row
    is still the header's, 税收 missing with the 年份不同 error (worked out as above)."""
    result = read_enterprises(_years_workbook(tmp_path / "亩均.xlsx", merged=True, year=2023))
    assert result.data["source_row"].tolist() == [3, 4, 5]
    assert result.data["tax_wan"].isna().all()
    assert len(_said(result, "年份不同")) == 1, result.problems


@pytest.mark.parametrize(
    ("year", "merged"),
    [("2023年", True), (2023, True), ("2023年", False)],
    ids=["text", "number", "centred_across"],
)
def test_years_over_their_figures_are_the_figures_years(
    tmp_path: Path, year: object, merged: bool
) -> None:
    """The other way round: 「2023年」 over C:D and 「2024年」 over E:F, each over
    「税收（万元）」「工业增加值（万元）」 (C1 typed as text, or as the number 2023; merged, or
    typed once in C1 and E1 with D1, F1 blank). The year row was read as group captions and
    dropped: two undated 税收 columns, the first (2023's 10, 20) used with a warning, the same
    for 工业增加值 (unmerged: 税收 refused but D's 2023 工业增加值 used). The columns are
    「2023年税收（万元）」 … 「2024年工业增加值（万元）」: both figures missing with one 年份不同
    错误 each, land read (10, 20 亩), and ``aliases`` naming the 2024 columns read 12.5, 30
    and 110, 210."""
    wb = Workbook()
    ws = wb.active
    ws.append(["统一社会信用代码", "企业名称", year, None, "2024年", None, "用地面积（亩）"])
    ws.append(
        [None, None, "税收（万元）", "工业增加值（万元）", "税收（万元）", "工业增加值（万元）"]
    )
    for cells in ("A1:A2", "B1:B2", "C1:D1", "E1:F1", "G1:G2") if merged else ("A1:A2", "B1:B2"):
        ws.merge_cells(cells)
    ws.append([A, "甲纺织有限公司", 10, 100, 12.5, 110, 10])
    ws.append([B, "乙机械有限公司", 20, 200, 30, 210, 20])
    path = tmp_path / "亩均.xlsx"
    wb.save(path)
    result = read_enterprises(path)
    assert result.data["source_row"].tolist() == [3, 4]
    assert result.data["tax_wan"].isna().all() and result.data["value_added_wan"].isna().all()
    said = _said(result, "年份不同")
    assert len(said) == 2, result.problems
    assert "2023年税收（万元）、2024年税收（万元）" in said.iloc[0]["problem"]
    assert result.data["land_mu"].tolist() == pytest.approx([10, 20])
    chosen = read_enterprises(
        path,
        aliases={
            "tax_wan": ["2024年税收（万元）"],
            "value_added_wan": ["2024年工业增加值（万元）"],
        },
    )
    assert chosen.data["tax_wan"].tolist() == pytest.approx([12.5, 30])
    assert chosen.data["value_added_wan"].tolist() == pytest.approx([110, 210])


# --- 宗地面积 in 亩 or 公顷 ---------------------------------------------------------------------

E0, N0 = 555_900.0, 3_320_200.0  # CGCS2000 3° GK CM 120E (EPSG:4549), Shaoxing
P1, P2, P3 = "330602001002GB00001", "330602001002GB00002", "330602001002GB00003"
AREA_FIELDS = [("宗地代码", 19), ("土地用途", 12), ("宗地面积", 12, 2), ("容积率", 6, 2)]


def _plots(path: Path, areas: list[str]) -> Path:
    """Three plots of 10,000, 20,000 and 6,000 m² (100×100, 200×100, 100×60 m), 容积率 1.20;
    ``areas`` is what the 宗地面积 field holds for each."""
    geoms = [
        box(E0, N0, E0 + 100, N0 + 100),
        box(E0 + 200, N0, E0 + 400, N0 + 100),
        box(E0 + 500, N0, E0 + 600, N0 + 60),
    ]
    records = [[p, "工业用地", a, "1.20"] for p, a in zip((P1, P2, P3), areas, strict=True)]
    return write_shapefile(path, geoms, AREA_FIELDS, records, prj=CRS(4549))


@pytest.mark.parametrize(
    ("areas", "unit", "ratio"),
    [
        (["15.00", "30.00", "9.00"], "亩", "666.7"),  # 10,000 m² = 15 亩 (1 亩 = 10000/15 m²)
        (["1.00", "2.00", "0.60"], "公顷", "10,000"),  # 10,000 m² = 1 公顷
    ],
    ids=["mu", "hectare"],
)
def test_a_declared_area_in_mu_or_hectares_is_not_read_as_square_metres(
    tmp_path: Path, areas: list[str], unit: str, ratio: str
) -> None:
    """宗地面积 holding 15, 30, 9 (亩) or 1, 2, 0.6 (公顷) for plots of 10,000, 20,000 and
    6,000 m². Read as m², silently: 登记容积率 1.20 × 15 「m²」 gave an 18 m² floor area, FAR
    0.0018 on a 10,000 m² plot (below every floor), and the plots were screened on it. Every
    plot's shape is 666.7 (or 10,000) times its figure, so the field is in 亩 (公顷), not the
    m² its name implies (宗地面积 has no unit in the name): which it is cannot be read from the
    file, so the field is not used — area_declared_m2 missing on all three rows (the plot
    area stays its shape's: 10,000, 20,000, 6,000 m²) — and one warning names the field,
    the ratio, the unit it looks like and the fix (a name with its unit)."""
    result = read_parcels(_plots(tmp_path / "宗地.shp", areas))
    assert result.data["area_m2"].tolist() == pytest.approx([10_000, 20_000, 6_000])
    assert result.data["area_declared_m2"].isna().all(), result.data["area_declared_m2"]
    said = _said(result, "图形面积是该字段数值的")
    assert len(said) == 1, result.problems
    row = said.iloc[0]
    assert row["severity"] == Severity.WARNING and row["field"] == "宗地面积"
    assert f"像是以{unit}为单位" in row["problem"] and ratio in row["problem"]
    assert "未读取该字段" in row["problem"]
    assert f"面积({unit})" in row["action"]


def test_a_declared_area_in_square_metres_near_its_shape_is_read(tmp_path: Path) -> None:
    """The same plots with 宗地面积 10,000.50, 19,990.00, 6,020.00 m² (a survey's figures, off
    the shape by under 0.4 %): the field is read as given, nothing said of its unit."""
    result = read_parcels(_plots(tmp_path / "宗地.shp", ["10000.50", "19990.00", "6020.00"]))
    assert result.data["area_declared_m2"].tolist() == pytest.approx([10_000.5, 19_990, 6_020])
    assert _said(result, "图形面积是该字段数值的").empty


# --- one 宗地代码 on two pieces of land ----------------------------------------------------------


def test_a_code_given_to_two_pieces_apart_leaves_the_plots_area_unknown(tmp_path: Path) -> None:
    """Rows 1 and 3 share P1 but lie 100 m apart (100×100 m each: a plot split by a road and
    exported as two records, or a code typed twice). Row 3 was rejected as a duplicate and
    row 1 kept with its 10,000 m² — half the plot, if the two are one plot, so its 亩均税收
    doubled, with advice to 「保留正确的一条」 (delete a piece of the plot). Which it is cannot
    be told: row 3 stays rejected, its reason saying the shapes do not overlap and the gap
    (100.0 m), with the fix (merge the pieces into one multipart record, or delete the stale
    one); row 1 is kept with its area missing (so 待核实), said on row 1. Rows 4 and 5 share
    P3 and are the same square shifted 5 m (overlap 95 % of each): the same plot twice, row 5
    rejected as before and row 4's 10,000 m² kept. P2 (row 2) is untouched."""
    geoms = [
        box(E0, N0, E0 + 100, N0 + 100),
        box(E0 + 200, N0 + 300, E0 + 300, N0 + 400),
        box(E0 + 200, N0, E0 + 300, N0 + 100),  # 100 m east of row 1
        box(E0 + 500, N0, E0 + 600, N0 + 100),
        box(E0 + 505, N0, E0 + 605, N0 + 100),  # row 4 shifted 5 m
    ]
    records = [[p, "工业用地"] for p in (P1, P2, P1, P3, P3)]
    fields = [("宗地代码", 19), ("土地用途", 12)]
    result = read_parcels(
        write_shapefile(tmp_path / "宗地.shp", geoms, fields, records, prj=CRS(4549))
    )
    assert result.data["source_row"].tolist() == [1, 2, 4]
    assert result.data["area_m2"].tolist() == pytest.approx(
        [float("nan"), 10_000, 10_000], nan_ok=True
    )
    rejected = result.rejected.set_index("source_row")["reject_reason"]
    assert rejected.index.tolist() == [3, 5]
    assert "宗地代码重复（与第 1 行相同）" in rejected[3] and "互不重叠" in rejected[3]
    assert "100.0 米" in rejected[3]
    assert rejected[5] == "宗地代码重复（与第 4 行相同）"
    on_row_3 = result.problems[result.problems["row"] == 3]
    assert len(on_row_3) == 1 and "融合" in on_row_3.iloc[0]["action"]
    on_row_1 = _said(result, "全部面积不明")
    assert on_row_1["row"].tolist() == [1] and on_row_1.iloc[0]["value"] == P1
    assert on_row_1.iloc[0]["severity"] == Severity.WARNING


# --- one code, two names ------------------------------------------------------------------------


def test_one_code_on_two_differently_named_enterprises_is_an_error_naming_both(
    tmp_path: Path,
) -> None:
    """C on 「丙纺织有限公司」 (row 2) and on 「丁机械有限公司」 (row 3), A twice on
    「甲公司」 and 「甲 公司」 (a blank typed inside: one name). The repeat was said the same way
    for both — a 警告 「与第 2 行重复」 asking whether it is the same enterprise twice — though
    two names under one code mean one of the codes is wrong, and only row 2 is joined to the
    plots (the plots of 丁 get 丙's figures). Now row 3 is an 错误 naming both names and that
    only row 2 is joined, with the fix (look both up, correct the wrong code); the A repeat
    (row 5) keeps its 警告. All four rows stay."""
    wb = Workbook()
    ws = wb.active
    ws.append(["统一社会信用代码", "企业名称", "规上/规下", "税收（万元）"])
    ws.append([C, "丙纺织有限公司", "规上", 10])
    ws.append([C, "丁机械有限公司", "规上", 10])
    ws.append([A, "甲公司", "规上", 5])
    ws.append([A, "甲 公司", "规上", 5])
    path = tmp_path / "企业.xlsx"
    wb.save(path)
    result = read_enterprises(path)
    assert result.data["source_row"].tolist() == [2, 3, 4, 5]
    repeats = _said(result, "重复")
    assert repeats["row"].tolist() == [3, 5], result.problems
    row3, row5 = repeats.iloc[0], repeats.iloc[1]
    assert row3["severity"] == Severity.ERROR
    assert "「丙纺织有限公司」" in row3["problem"] and "「丁机械有限公司」" in row3["problem"]
    assert "只有第 2 行" in row3["problem"] and "公示系统" in row3["action"]
    assert row5["severity"] == Severity.WARNING and "企业名称不同" not in row5["problem"]


def test_a_plot_whose_area_is_unknown_asks_for_its_area_not_its_tax() -> None:
    """亩均税收 = 税收 ÷ 面积 (越政发〔2022〕24号 亩均税收 低效 check). Plot 1's enterprise pays
    30 万元 but the plot's area is unknown (no usable shape, or a code on two pieces apart, as
    above); plot 2 has its 10,000 m² (15 亩) and no tax; plot 3 neither. All are 待核实.
    Plots 1 and 3 asked for 「税收（万元）〔税务局〕」 only — the tax office, for a figure it had
    (plot 1) — never for the plot's area from 自然资源局; now plot 1 asks for the area, plot 2
    still for the tax, plot 3 for both."""
    from landgov.core.collect import render_text
    from landgov.policy import load_profile
    from landgov.screening import check_low_efficiency
    from landgov.verdict import Status

    parcels = pd.DataFrame(
        {
            "parcel_id": [P1, P2, P3],
            "tax_wan": [30.0, float("nan"), float("nan")],
            "area_m2": [float("nan"), 1e4, float("nan")],
        }
    )
    ents = pd.DataFrame({"uscc": [A, B, C], "above_scale": True, "land_mu": 15.0})
    pairs = pd.DataFrame({"parcel_id": [P1, P2, P3], "uscc": [A, B, C]})
    verdicts = check_low_efficiency(
        parcels, enterprises=ents, pairs=pairs, profile=load_profile("yuecheng-2022")
    )
    assert [v.status for v in verdicts] == [Status.UNKNOWN] * 3
    asked = [str(render_text("、".join(v.missing))) for v in verdicts]
    area = (
        "宗地面积（图形缺失、无效，或同一宗地代码有互不重叠的几块图形，核对宗地图形）〔自然资源局〕"
    )
    assert asked == [
        area,
        "税收（万元）〔税务局〕",
        f"税收（万元）〔税务局〕、{area}",
    ]


# --- one plot in pieces far apart ---------------------------------------------------------------


def test_a_plot_whose_pieces_lie_far_apart_is_said_on_its_row(tmp_path: Path) -> None:
    """P1 is one MultiPolygon of two 100×100 m squares 5,000 m apart (a piece copied to the
    wrong place, or two plots given one record); P2 two squares either side of a 20 m road
    (one plot split by a road, as 宗地 are). Both were read without a word, P1 as 20,000 m².
    The area is kept (it may be right), and P1's row says its pieces lie 5,000.0 m apart, with
    what to do; P2 (20.0 m, a road) is not said."""
    from shapely.geometry import MultiPolygon

    far = MultiPolygon([box(E0, N0, E0 + 100, N0 + 100), box(E0 + 5100, N0, E0 + 5200, N0 + 100)])
    road = MultiPolygon(
        [box(E0, N0 + 300, E0 + 100, N0 + 400), box(E0 + 120, N0 + 300, E0 + 220, N0 + 400)]
    )
    fields = [("宗地代码", 19), ("土地用途", 12)]
    shp = write_shapefile(
        tmp_path / "宗地.shp",
        [far, road],
        fields,
        [[P1, "工业用地"], [P2, "工业用地"]],
        prj=CRS(4549),
    )
    result = read_parcels(shp)
    assert result.data["area_m2"].tolist() == pytest.approx([20_000, 20_000])
    said = _said(result, "相距")
    assert said["row"].tolist() == [1], result.problems
    row = said.iloc[0]
    assert row["value"] == P1 and row["severity"] == Severity.WARNING
    assert "5,000.0 米" in row["problem"] and "2 块" in row["problem"]
    assert "ArcGIS/QGIS" in row["action"]
