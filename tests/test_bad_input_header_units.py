"""Units written in a header the way hand-kept and exported sheets write them.

A header 「税收（人民币元）」 or 「税收（含税，元）」 names 元 among other words; 「税收/元」,
「税收 元」 and 「税收〔元〕」 put the unit after a slash, a space or another bracket. Read as the
default 万元 (or not read at all) the first would be 10,000 times too large; each is read in the
unit it names, or — where the header names only a currency (「税收（¥）」: 元 or 万元?) — the
column is missing with an error, never guessed.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
from openpyxl import Workbook

from landgov.io import read_enterprises, read_links
from landgov.io.fields import split_header_unit

A = "91330100470102706G"
PARCEL = "330602001002GB00017"


def _xlsx(path: Path, rows: Sequence[Sequence[object]]) -> Path:
    wb = Workbook()
    for row in rows:
        wb.active.append(list(row))
    wb.save(path)
    return path


def _tax(tmp_path: Path, header: str, value: object = 125000):
    path = _xlsx(tmp_path / "e.xlsx", [["统一社会信用代码", "企业名称", header], [A, "甲", value]])
    return read_enterprises(path)


@pytest.mark.parametrize(
    "header", ["税收（人民币元）", "税收（含税，元）", "税收（元，含退税）", "实缴税金(元人民币)"]
)
def test_header_naming_yuan_among_other_words_is_read_in_yuan(tmp_path: Path, header: str) -> None:
    result = _tax(tmp_path, header)
    assert result.data["tax_wan"].tolist() == [12.5]  # 125000 元, never 125000 万元
    said = result.problems[result.problems["field"] == header]
    assert said["problem"].str.contains("按「元」读取").any()
    assert not result.problems["problem"].str.contains("按默认单位").any()


def test_header_naming_wan_yuan_renminbi_is_read_in_wan_yuan(tmp_path: Path) -> None:
    assert _tax(tmp_path, "税收（万元人民币）", 12.5).data["tax_wan"].tolist() == [12.5]


@pytest.mark.parametrize("header", ["税收（¥）", "税收(RMB)", "税收（人民币）"])
def test_header_naming_only_a_currency_leaves_the_column_missing(
    tmp_path: Path, header: str
) -> None:
    result = _tax(tmp_path, header)
    assert result.data["tax_wan"].isna().all()
    error = result.problems[result.problems["field"] == header]
    assert error["severity"].tolist() == ["错误"]
    assert "元还是万元" in error["problem"].iat[0]


def test_header_naming_two_units_leaves_the_column_missing(tmp_path: Path) -> None:
    result = _tax(tmp_path, "税收（元，万元）")
    assert result.data["tax_wan"].isna().all()
    assert (result.problems["severity"] == "错误").any()


@pytest.mark.parametrize(
    ("header", "split"),
    [
        ("税收/元", ("税收", "元")),
        ("税收／万元", ("税收", "万元")),
        ("税收 元", ("税收", "元")),
        ("使用面积/亩", ("使用面积", "亩")),
        ("税收〔元〕", ("税收", "元")),
        ("规上/规下", ("规上/规下", None)),  # 规下 is no unit
        ("自有/租用", ("自有/租用", None)),
        ("企业 名称", ("企业 名称", None)),
    ],
)
def test_unit_after_a_slash_space_or_other_bracket_is_split_off(
    header: str, split: tuple[str, str | None]
) -> None:
    assert split_header_unit(header) == split


def test_tax_in_yuan_after_a_slash_is_read_and_converted(tmp_path: Path) -> None:
    result = _tax(tmp_path, "税收/元")
    assert result.data["tax_wan"].tolist() == [12.5]


def test_link_area_in_mu_after_a_slash_is_read_not_shared_equally(tmp_path: Path) -> None:
    path = _xlsx(
        tmp_path / "l.xlsx",
        [["宗地代码", "统一社会信用代码", "关系", "使用面积/亩"], [PARCEL, A, "租用", 3]],
    )
    assert read_links(path).data["area_used_m2"].tolist() == [2000.0]  # 3 亩 = 2000 m²


def test_amount_in_yuan_shown_in_wan_by_its_number_format_is_read_as_shown(
    tmp_path: Path,
) -> None:
    """125000 元 stored, shown as 12.5 (万) by the format 「0!.0,」 under 「税收（万元）」: the
    officer sees 12.5 万元; read by the stored number it would be 125,000 万元."""
    wb = Workbook()
    ws = wb.active
    ws.append(["统一社会信用代码", "企业名称", "税收（万元）", "用地面积（亩）"])
    codes = [A, "913304007429141869", "91330100799655058B", "91330106MAEUDLLYXY"]
    formats = ["0!.0,", '0!.0,"万"', "0!.0000", "#,##0.00"]
    values = [125000, 125000, 125432, 1234.5]
    for code, fmt, value in zip(codes, formats, values, strict=True):
        ws.append([code, "甲", value, 10])
        ws.cell(ws.max_row, 3).number_format = fmt
    wb.save(tmp_path / "e.xlsx")
    result = read_enterprises(tmp_path / "e.xlsx")
    assert result.data["tax_wan"].tolist() == [12.5, 12.5, 12.5432, 1234.5]
    said = result.problems[result.problems["problem"].str.contains("数字格式")]
    assert len(said) == 1  # one warning for the column, naming a row, the stored and shown
    assert said["field"].iat[0] == "税收（万元）"
    assert said["severity"].iat[0] == "警告"
    assert "3 个单元格" in said["problem"].iat[0]
    assert "第 2 行" in said["problem"].iat[0] and "125000" in said["problem"].iat[0]


@pytest.mark.parametrize(
    "header", ["实缴税额（元）", "实缴税款(元)", "入库税款（元）", "入库税额(元)", "税收合计(元)"]
)
def test_tax_headers_of_tax_bureau_exports_are_read(tmp_path: Path, header: str) -> None:
    """税务 exports name the paid tax 实缴税额/入库税款 (was unmatched: 税收 missing for all)."""
    assert _tax(tmp_path, header).data["tax_wan"].tolist() == [12.5]


def test_link_naming_two_plots_in_one_cell_says_so(tmp_path: Path) -> None:
    """「A、B」 in a link's 宗地代码: an error that names both codes and says to split the row
    (was a warning 「实为 39 位」, as if one code were mistyped)."""
    other = "330602001002GB00018"
    path = _xlsx(
        tmp_path / "l.xlsx",
        [["宗地代码", "统一社会信用代码", "关系"], [f"{PARCEL}、{other}", A, "自有"]],
    )
    result = read_links(path)
    said = result.problems[result.problems["field"] == "宗地代码"]
    assert said["severity"].tolist() == ["错误"]
    assert f"2 个宗地代码（{PARCEL}、{other}）" in said["problem"].iat[0]
    assert "拆成 2 行" in said["action"].iat[0]
    assert len(result.data) == 1  # kept: the link is said unmatched when linked


@pytest.mark.parametrize("units", [["", "", "元", "平方米"], ["", "", "元", ""]])
def test_units_row_above_the_field_names_is_read(tmp_path: Path, units: list[str]) -> None:
    """「元」「平方米」 typed in the row above 「税收」「用地面积」 (was ignored: 125000 read as
    万元, nothing said); a single 「元」 there too."""
    path = _xlsx(
        tmp_path / "e.xlsx",
        [
            units,
            ["统一社会信用代码", "企业名称", "税收", "用地面积"],
            [A, "甲", 125000, 2000],
        ],
    )
    result = read_enterprises(path)
    assert result.data["tax_wan"].tolist() == [12.5]
    # 2000 m² = 3 亩; 2000 under a 用地面积 without a unit is 2000 亩
    assert result.data["land_mu"].tolist() == [3.0 if units[3] else 2000.0]
