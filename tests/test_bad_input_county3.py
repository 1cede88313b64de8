"""County files as they really come, third round: 「小  计」 aligned with blanks, 「其中：」
breakdown rows under a 合计, amounts written with 「¥」, and a .cpg saying GBK beside a .dbf
holding a character only GB18030 has.

Every file is built here (openpyxl, or byte by byte through ``tests._shapefiles``) and read
through the real reader: each row ends in ``data`` or ``rejected`` with a reason, each doubtful
value is named with its row, field and value, nothing is guessed.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from pyproj import CRS
from shapely.geometry import box

from landgov.core.problems import ReadResult, Severity
from landgov.io import read_enterprises, read_parcels
from tests._shapefiles import write_shapefile
from tests.test_total_rows import _xlsx  # a title row, then the header and rows

# Valid codes (zhejiang_valid.txt in /work/shared/testdata/uscc).
A = "91330100470102706G"
B = "913304007429141869"
C = "91330100799655058B"
D = "91330106MAEUDLLYXY"


def _accounted(result: ReadResult, rows: int) -> None:
    """Rows in = rows out + rejected, and every rejected row says why."""
    assert len(result.data) + len(result.rejected) == rows
    assert result.rejected["reject_reason"].notna().all()


def _said(result: ReadResult, words: str) -> pd.DataFrame:
    problems = result.problems
    return problems[problems["problem"].astype(str).str.contains(words, regex=False)]


# --- totals rows ------------------------------------------------------------------------------


def test_subtotals_aligned_with_blanks_are_subtotals_and_the_total_is_checked(
    tmp_path: Path,
) -> None:
    """「小  计」 and 「合  计」 typed with blanks to line up under 企业名称 (as clerks align them).

    The 小计 rows were taken for two more grand totals: 「表中有 3 个合计/总计行…不能确定」 and
    the 合计 never checked. Tax 120.5 + 80.25 = 200.75 and 300 + 45.75 = 345.75; the 合计
    546.5 = 200.75 + 345.75 agrees with the 4 rows, so nothing more is said — and a 合计 of
    500 is 46.5 万元 short of them, which must be said.
    """
    rows = [
        [A, "甲纺织有限公司", 120.5, 10],
        [B, "乙机械有限公司", 80.25, 5.5],
        ["", "小  计", 200.75, 15.5],
        [C, "丙化工有限公司", 300, 20],
        [D, "丁电镀有限公司", 45.75, 3],
        ["", "小  计", 345.75, 23],
    ]
    good = read_enterprises(_xlsx(tmp_path / "对.xlsx", [*rows, ["", "合  计", 546.5, 38.5]]))
    _accounted(good, 7)
    assert sorted(good.data["uscc"]) == sorted([A, B, C, D])
    assert good.rejected["source_row"].tolist() == [5, 8, 9]
    assert _said(good, "不能确定").empty, good.problems
    assert _said(good, "合计行与明细行之和不一致").empty, good.problems

    short = read_enterprises(_xlsx(tmp_path / "少.xlsx", [*rows, ["", "合  计", 500, 38.5]]))
    said = _said(short, "合计行与明细行之和不一致")
    assert len(said) == 1, short.problems
    row = said.iloc[0]
    assert (
        row["row"] == 9 and row["field"] == "税收（万元）" and row["severity"] == Severity.WARNING
    )
    assert "546.5" in row["problem"] and "46.5" in row["problem"]


def test_a_breakdown_row_under_the_total_is_no_enterprise(tmp_path: Path) -> None:
    """「合计」 then 「其中：规上企业」 (the statistical tables' breakdown of the row above).

    The breakdown row was read as a fifth enterprise without a code, with 120.5 万元 of tax,
    and the 合计 check then said the rows added to 321.25 (120.5 + 80.25 + 120.5), 120.5 more
    than the 合计 200.75. It is a part of the table: rejected with its reason, kept in
    ``rejected``; the 合计 200.75 = 120.5 + 80.25 agrees with the two enterprises.
    """
    path = _xlsx(
        tmp_path / "名单.xlsx",
        [
            [A, "甲纺织有限公司", 120.5, 10],
            [B, "乙机械有限公司", 80.25, 5.5],
            ["", "合计", 200.75, 15.5],
            ["", "其中：规上企业", 120.5, 10],
            ["", "其中:规下企业", 80.25, 5.5],
        ],
    )
    result = read_enterprises(path)
    _accounted(result, 5)
    assert result.data["uscc"].tolist() == [A, B]
    assert result.rejected["source_row"].tolist() == [5, 6, 7]
    assert (result.rejected["reject_reason"] == "合计/小计行，不作为数据读取").all()
    assert _said(result, "合计行与明细行之和不一致").empty, result.problems
    assert _said(result, "统一社会信用代码缺失").empty, result.problems


# --- amounts with a currency sign ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "cells", "expected"),
    [
        # 「￥1.2万」 states 万: 1.2 万元. 「¥12,000元」 states 元: 12,000 / 10,000 = 1.2 万元.
        ("税收（万元）", ["￥1.2万", "¥12,000元", "人民币3.5万元"], [1.2, 1.2, 3.5]),
        # under a 元 header the sign agrees with the column: 12,000 元 = 1.2 万元
        ("税收（元）", ["¥12,000", "￥5,000.00", "RMB 80000"], [1.2, 0.5, 8.0]),
    ],
)
def test_an_amount_with_a_currency_sign_and_a_unit_is_read(
    tmp_path: Path, header: str, cells: list[str], expected: list[float]
) -> None:
    """Finance exports write 「¥12,000.00」, clerks type 「￥1.2万」: the sign says 人民币 and
    nothing else. Where the unit is written (in the cell, or a 元 header) the amount is read;
    these cells were all 「不是数值，已按缺失处理」 and the plots 待核实."""
    rows = [
        [code, f"企业{i}", cell, 10]
        for i, (code, cell) in enumerate(zip([A, B, C], cells, strict=True))
    ]
    result = read_enterprises(
        _xlsx(tmp_path / "名单.xlsx", rows, header=["统一社会信用代码", "企业名称", header, "亩"])
    )
    _accounted(result, 3)
    assert result.data["tax_wan"].tolist() == pytest.approx(expected)
    assert result.problems["severity"].ne(Severity.ERROR).all(), result.problems


def test_an_amount_with_a_currency_sign_and_no_unit_in_a_wan_column_is_not_guessed(
    tmp_path: Path,
) -> None:
    """「¥12,000」 under 「税收（万元）」: the sign usually marks 元 (1.2 万元), the column says
    万元 (12,000 万元), ten thousand times apart. Missing, with an error naming row, field, value
    and the fix; the enterprise row itself is kept."""
    path = _xlsx(
        tmp_path / "名单.xlsx", [[A, "甲纺织有限公司", "¥12,000", 10], [B, "乙机械", 80.25, 5.5]]
    )
    result = read_enterprises(path)
    _accounted(result, 2)
    assert pd.isna(result.data["tax_wan"].iloc[0]) and result.data["tax_wan"].iloc[1] == 80.25
    said = _said(result, "¥12,000")
    assert len(said) == 1, result.problems
    row = said.iloc[0]
    assert row["row"] == 3 and row["field"] == "税收（万元）" and row["value"] == "¥12,000"
    assert row["severity"] == Severity.ERROR
    assert "不能确定是元还是万元" in row["problem"] and "写明单位" in row["problem"]


# --- a .cpg saying GBK beside GB18030 text -----------------------------------------------------

E0, N0 = 555_900.0, 3_320_200.0  # CGCS2000 3° GK CM 120E (EPSG:4549), Shaoxing
FIELDS = [("宗地代码", 19), ("权利人", 40), ("土地用途", 12), ("宗地面积", 16), ("镇街", 20)]


@pytest.mark.parametrize("cpg", ["GBK", "936"])
def test_a_gbk_cpg_over_a_character_only_gb18030_has_reads_gb18030(
    tmp_path: Path, cpg: str
) -> None:
    """「㙟」 (U+365F, in place names such as 㙟镇) is four bytes in GB18030 and none in GBK.
    With a 「GBK」/「936」 .cpg the reader believed the .cpg (a few undecodable bytes are
    tolerated for characters cut at a field's width) and GDAL's GBK decoder made 「01镇」 and
    「01甲公司」 of them, without one word. GB18030 reads every GBK byte alike: it is read so,
    and the .cpg is named in a warning."""
    shp = write_shapefile(
        tmp_path / "宗地.shp",
        [box(E0, N0, E0 + 80, N0 + 80), box(E0 + 100, N0, E0 + 180, N0 + 80)],
        FIELDS,
        [
            ["330602001002GB00001", "绍兴㙟甲纺织有限公司", "工业用地", "6400", "㙟镇"],
            ["330602001002GB00002", "绍兴乙机械有限公司", "工业用地", "6400", "斗门街道"],
        ],
        encoding="gb18030",
        prj=CRS(4549),
        cpg=cpg,
    )
    result = read_parcels(shp)
    assert len(result.data) == 2 and result.rejected.empty
    assert result.data["township"].tolist() == ["㙟镇", "斗门街道"]
    assert result.data["holder"].tolist() == ["绍兴㙟甲纺织有限公司", "绍兴乙机械有限公司"]
    assert result.meta["encoding"]["name"] == "GB18030"
    said = _said(result, "宗地.cpg")
    assert len(said) == 1 and f"「{cpg}」" in said.iloc[0]["problem"], result.problems
    assert said.iloc[0]["severity"] == Severity.WARNING and said.iloc[0]["value"] == "GB18030"


# --- a numbered 备注 block under the table ------------------------------------------------------


def test_the_numbered_items_of_a_note_block_are_footnote_rows(tmp_path: Path) -> None:
    """「备注：1.……」 under the 合计, then 「2.……」「3、……」「（4）……」 each on a row of its own.

    Only the first was known as a footnote; the others were rejected as errors 「既无企业名称也无
    统一社会信用代码，无法识别企业」, three false alarms in 问题记录. All four are footnote rows
    (提示), kept in ``rejected`` with that reason; a row after the block that holds a name is
    still read as an enterprise (kept and flagged for its missing code).
    """
    path = _xlsx(
        tmp_path / "名单.xlsx",
        [
            [A, "甲纺织有限公司", 120.5, 10],
            [B, "乙机械有限公司", 80.25, 5.5],
            ["", "合计", 200.75, 15.5],
            ["备注：1.税收为实缴税费；"],
            ["2.用地面积含租赁用地。"],
            ["3、数据截至2024年12月31日"],
            ["（4）规上企业按统计口径"],
            ["", "丙化工有限公司", 300, 20],
        ],
    )
    result = read_enterprises(path)
    _accounted(result, 8)
    assert result.data["name"].tolist() == ["甲纺织有限公司", "乙机械有限公司", "丙化工有限公司"]
    notes = result.rejected[result.rejected["reject_reason"] == "表尾说明行，不作为数据读取"]
    assert notes["source_row"].tolist() == [6, 7, 8, 9]
    errors = result.problems[result.problems["severity"] == Severity.ERROR]
    assert errors["row"].tolist() == [10], errors  # 丙's missing code, nothing else


# --- a year in the header ---------------------------------------------------------------------


def test_a_header_naming_its_year_is_read_and_the_year_said(tmp_path: Path) -> None:
    """「2024年度实缴税金（万元）」, as 亩均 exports name their columns: it was no field at all,
    税收 missing for every enterprise with one 提示 among the absent fields. It is 税收, read
    as 万元, and the year is said (提示) for the user to check against the evaluation year."""
    header = ["统一社会信用代码", "企业名称", "2024年度实缴税金（万元）", "用地面积（亩）"]
    rows = [[A, "甲纺织有限公司", 120.5, 10], [B, "乙机械有限公司", "1,205,000元", 5.5]]
    result = read_enterprises(_xlsx(tmp_path / "名单.xlsx", rows, header=header))
    _accounted(result, 2)
    assert result.data["tax_wan"].tolist() == pytest.approx([120.5, 120.5])
    said = _said(result, "2024 年")
    assert len(said) == 1 and said.iloc[0]["severity"] == Severity.INFO, result.problems
    assert said.iloc[0]["field"] == "2024年度实缴税金（万元）"


def test_two_years_of_one_figure_are_not_chosen_between(tmp_path: Path) -> None:
    """「2023年税收（万元）」 beside 「2024年税收（万元）」: taking the first column would screen
    on last year's tax. Neither is used: 税收 is missing (so 待核实 downstream), an error names
    both columns and the fix, both are kept as given — and ``--alias`` naming one reads it."""
    header = ["统一社会信用代码", "企业名称", "2023年税收（万元）", "2024年税收（万元）", "亩"]
    path = _xlsx(
        tmp_path / "名单.xlsx",
        [[A, "甲纺织有限公司", 100, 120.5, 10], [B, "乙机械有限公司", 70, 80.25, 5.5]],
        header=header,
    )
    result = read_enterprises(path)
    _accounted(result, 2)
    assert result.data["tax_wan"].isna().all()
    assert result.data["2023年税收（万元）"].tolist() == ["100", "70"]  # kept as text
    assert result.data["2024年税收（万元）"].tolist() == ["120.5", "80.25"]
    said = _said(result, "年份不同")
    assert len(said) == 1 and said.iloc[0]["severity"] == Severity.ERROR, result.problems
    assert "2023年税收（万元）、2024年税收（万元）" in said.iloc[0]["problem"]
    assert "--alias tax_wan=" in said.iloc[0]["action"]

    chosen = read_enterprises(path, aliases={"tax_wan": ["2024年税收（万元）"]})
    assert chosen.data["tax_wan"].tolist() == [120.5, 80.25]
    assert _said(chosen, "年份不同").empty


def test_the_figure_named_as_the_field_is_used_beside_a_dated_comparison(tmp_path: Path) -> None:
    """「税收（万元）」 beside 「2023年税收（万元）」 (last year's, for the growth rate): the
    column named as the field is the table's own figure, the dated one a comparison — as read
    before dated headers were matched at all. 税收 is read from 「税收（万元）」, and the
    warning of several columns for one field names both and which one was used."""
    header = ["统一社会信用代码", "企业名称", "税收（万元）", "2023年税收（万元）", "亩"]
    path = _xlsx(
        tmp_path / "名单.xlsx",
        [[A, "甲纺织有限公司", 120.5, 100, 10], [B, "乙机械有限公司", 80.25, 70, 5.5]],
        header=header,
    )
    result = read_enterprises(path)
    _accounted(result, 2)
    assert result.data["tax_wan"].tolist() == pytest.approx([120.5, 80.25])
    assert _said(result, "年份不同").empty
    said = _said(result, "多列都对应")
    assert len(said) == 1 and said.iloc[0]["severity"] == Severity.WARNING, result.problems
    assert "已使用第一列「税收（万元）」" in said.iloc[0]["problem"]


# --- a code in a numeric .dbf field -----------------------------------------------------------


def test_a_code_in_a_numeric_dbf_field_is_said_without_naming_excel(tmp_path: Path) -> None:
    """A county numbering its plots with 16 digits keeps 宗地代码 in an ``N(19,0)`` field
    (ArcGIS makes one so from a joined Excel column). GDAL reads a numeric field that wide as a
    double and loses digits beyond 15; the .dbf holds them as text, so the code is read from
    the .dbf as written (landgov.io._dbfraw: every digit kept, never a rounded code used) and
    the field is said once (a 提示). The message said 「在 Excel 中被存为数字」 about a
    Shapefile; it names neither program, and names the field."""
    shp = write_shapefile(
        tmp_path / "宗地.shp",
        [box(E0, N0, E0 + 80, N0 + 80)],
        [("宗地代码", 19, 0), ("权利人", 40), ("土地用途", 12), ("宗地面积", 16)],
        [["3306020010020001", "绍兴甲纺织有限公司", "工业用地", "6400"]],
        prj=CRS(4549),
    )
    result = read_parcels(shp)
    assert len(result.data) + len(result.rejected) == 1
    assert result.data["parcel_id"].tolist() == ["3306020010020001"]
    said = _said(result, "存为数字")
    assert len(said) == 1, result.problems
    row = said.iloc[0]
    assert row["field"] == "宗地代码" and row["severity"] == Severity.INFO
    assert "未丢位" in row["problem"]
    assert "Excel" not in row["problem"] and "字段" in row["problem"]
