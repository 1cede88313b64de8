"""Cells written the ordinary Chinese way, read through the table readers as meant.

Audit findings 7 and 10 (tables_outputs.md): 「1.2万」 in a 平方米 column, a fraction in a
「（%）」 column and an Excel date serial typed as a number. Each table is built by hand here,
with the value the row means worked out beside it.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from landgov.core.problems import PROBLEM_COLUMNS
from landgov.io import read_applications, read_enterprises, read_links
from landgov.io.numbers import read_quantity

A = "91330100470102706G"
B = "913304007429141869"
PLOT = "330602003002GB00195"


def _xlsx(path: Path, header: Sequence[str], rows: Sequence[Sequence[object]]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    wb.save(path)
    return path


def _csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[object]]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows([header, *rows])
    return path


def _said(problems: pd.DataFrame, *, row: int, field: str) -> pd.DataFrame:
    """The problem rows of one cell (source row, header as written)."""
    assert list(problems.columns) == PROBLEM_COLUMNS
    return problems[(problems["row"] == row) & (problems["field"] == field)]


# ---------------------------------------------------------------------------------------------
# 「1.2万」: a number word, 12,000 of the column's unit


@pytest.mark.parametrize("written", ["1.2万", "1.2 万", "１．２万"])
def test_wan_in_a_square_metre_column_of_links_is_twelve_thousand(
    tmp_path: Path, written: str
) -> None:
    """「1.2万」 in 使用面积（平方米） was 「单位「万」不能换算为平方米，已按缺失处理」: it is
    12,000 平方米, without a word (「万」 names no unit that could disagree with the header)."""
    path = _xlsx(
        tmp_path / "links.xlsx",
        ["宗地代码", "统一社会信用代码", "使用关系", "使用面积（平方米）"],
        [[PLOT, A, "自用", written], [PLOT, B, "租用", 800]],
    )
    result = read_links(path)
    data = result.data.set_index("source_row")
    assert data.loc[2, "area_used_m2"] == 12_000.0  # 1.2 × 10,000 m²
    assert data.loc[3, "area_used_m2"] == 800.0
    assert _said(result.problems, row=2, field="使用面积（平方米）").empty, result.problems


@pytest.mark.parametrize("written", ["1.2万平方米", "1.2万㎡"])
def test_wan_square_metres_are_still_read(tmp_path: Path, written: str) -> None:
    path = _xlsx(
        tmp_path / "links.xlsx",
        ["宗地代码", "统一社会信用代码", "使用关系", "使用面积"],
        [[PLOT, A, "自用", written]],
    )
    result = read_links(path)
    assert result.data["area_used_m2"].tolist() == [12_000.0]
    assert result.problems[result.problems["field"] == "使用面积"].empty, result.problems


def test_wan_in_the_floor_area_of_an_application_is_twelve_thousand(tmp_path: Path) -> None:
    path = _xlsx(
        tmp_path / "applications.xlsx",
        ["申请编号", "宗地代码", "统一社会信用代码", "新增建筑面积（平方米）"],
        [["ZR-001", PLOT, A, "1.2万"], ["ZR-002", PLOT, B, "0.8万平方米"]],
    )
    result = read_applications(path)
    assert result.data["added_floor_m2"].tolist() == [12_000.0, 8_000.0]
    assert _said(result.problems, row=2, field="新增建筑面积（平方米）").empty, result.problems


def test_wan_and_yi_count_the_unit_of_a_yuan_header(tmp_path: Path) -> None:
    """Under 「税收（元）」, 「1.2万」 is 12,000 元 = 1.2 万元 and 「0.3亿」 30,000,000 元 = 3,000
    万元, without a word: the cell names no unit of its own to disagree with the header."""
    path = _csv(
        tmp_path / "名单.csv",
        ["统一社会信用代码", "企业名称", "税收（元）"],
        [[A, "甲纺织", "1.2万"], [B, "乙机械", "0.3亿"]],
    )
    result = read_enterprises(path)
    assert result.data["tax_wan"].tolist() == pytest.approx([1.2, 3000.0])
    assert result.problems[result.problems["field"] == "税收（元）"].empty, result.problems


def test_wan_in_a_wan_yuan_column_is_read_as_wan_yuan_with_a_note(tmp_path: Path) -> None:
    """「1.2万」 in 税收（万元） is read as staff mean it, 1.2 万元, as before; a 提示 names the
    cell and asks to check the header's unit (it was read without a word)."""
    path = _xlsx(
        tmp_path / "名单.xlsx",
        ["统一社会信用代码", "企业名称", "税收（万元）"],
        [[A, "甲纺织", "1.2万"], [B, "乙机械", 80.5]],
    )
    result = read_enterprises(path)
    assert result.data["tax_wan"].tolist() == [1.2, 80.5]
    said = _said(result.problems, row=2, field="税收（万元）")
    assert len(said) == 1, result.problems
    note = said.iloc[0]
    assert note["severity"] == "提示"
    assert note["value"] == "1.2万"
    assert "已按「1.2万元」读取" in note["problem"] and "请核对表头单位" in note["problem"]


def test_wan_in_a_column_of_ten_thousand_kwh_is_read_in_kwh_with_a_note(tmp_path: Path) -> None:
    """年用电量（万千瓦时）: 「1.2万」 is 1.2万 千瓦时 = 1.2 万千瓦时 (it was missing: 「不能换算为
    万千瓦时」)."""
    path = _xlsx(
        tmp_path / "名单.xlsx",
        ["统一社会信用代码", "企业名称", "年用电量（万千瓦时）"],
        [[A, "甲纺织", "1.2万"], [B, "乙机械", 3]],
    )
    result = read_enterprises(path)
    assert result.data["power_10k_kwh"].tolist() == [1.2, 3.0]
    said = _said(result.problems, row=2, field="年用电量（万千瓦时）")
    assert said["severity"].tolist() == ["提示"], result.problems


def test_wan_in_a_percentage_column_is_still_not_read(tmp_path: Path) -> None:
    path = _xlsx(
        tmp_path / "applications.xlsx",
        ["申请编号", "宗地代码", "统一社会信用代码", "研发经费占营业收入比例（%）"],
        [["ZR-001", PLOT, A, "1.2万"]],
    )
    result = read_applications(path)
    assert pd.isna(result.data["rd_ratio_pct"].iloc[0])
    said = _said(result.problems, row=2, field="研发经费占营业收入比例（%）")
    assert said["severity"].tolist() == ["错误"], result.problems


@pytest.mark.parametrize(
    ("cell", "unit", "header", "expected", "note"),
    [
        ("1.2万", "m2", None, 12_000.0, False),
        ("1.2万", "m2", "亩", 12_000 * 10_000 / 15, False),  # 1.2万亩
        ("1.2万", "t", "kg", 12.0, False),  # 12,000 kg
        ("1.2万", "人", None, 12_000.0, False),
        ("1.2万", None, None, 12_000.0, False),
        ("0.5亿", "m2", None, 50_000_000.0, False),
        ("3亿", "万元", None, 30_000.0, True),  # 3亿元
        ("1.2万", "万元", "千元", 1.2, True),  # 1.2万元, not 1.2万 千元
        ("1.2万", "m2", "万平方米", 12_000.0, True),
    ],
)
def test_number_words_count_the_column_unit_or_its_base(
    cell: str, unit: str | None, header: str | None, expected: float, note: bool
) -> None:
    got, problem, is_note = read_quantity(cell, unit=unit, header_unit=header)
    assert got == pytest.approx(expected, rel=1e-12)
    assert (problem is not None, is_note) == (note, note)


# ---------------------------------------------------------------------------------------------
# 研发经费占营业收入比例（%）: 3 % typed as the fraction 0.03

_RD = "研发经费占营业收入比例（%）"


def _rd_workbook(path: Path, cells: Sequence[tuple[object, str]]) -> Path:
    """An application table whose 研发 column holds ``(value, Excel number format)`` cells."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["申请编号", "宗地代码", "统一社会信用代码", _RD])
    for i, (value, number_format) in enumerate(cells, start=1):
        ws.append([f"ZR-{i:03d}", PLOT, A, value])
        ws.cell(row=i + 1, column=4).number_format = number_format
    wb.save(path)
    return path


def test_a_plain_fraction_in_a_percent_column_is_kept_and_said(tmp_path: Path) -> None:
    """0.03 typed without % formatting was stored as 0.03 % without a word. It is kept as
    written (it may be 0.03 %) with a 警告 naming the row, the field, the value and the fix."""
    path = _rd_workbook(
        tmp_path / "applications.xlsx",
        [(0.03, "General"), (3, "General"), ("3%", "General"), (0, "General"), (1, "General")],
    )
    result = read_applications(path)
    assert result.data["rd_ratio_pct"].tolist() == [0.03, 3.0, 3.0, 0.0, 1.0]
    said = result.problems[result.problems["field"] == _RD]
    assert said["row"].tolist() == [2], result.problems
    row = said.iloc[0]
    assert row["severity"] == "警告" and row["value"] == "0.03"
    assert row["problem"] == "数值 0.03 小于 1：如为 3%，请写作 3 或 3%"


def test_a_fraction_formatted_as_a_percentage_is_read_times_100_without_a_word(
    tmp_path: Path,
) -> None:
    """A cell formatted 「0%」 or 「0.00%」 shows 3% and 3.50% while Excel stores 0.03 and 0.035:
    the number format says it is a fraction (openpyxl's ``number_format``), so it is read as
    3 and 3.5 without a warning."""
    path = _rd_workbook(tmp_path / "applications.xlsx", [(0.03, "0%"), (0.035, "0.00%")])
    result = read_applications(path)
    assert result.data["rd_ratio_pct"].tolist() == pytest.approx([3.0, 3.5])
    assert result.problems[result.problems["field"] == _RD].empty, result.problems


def test_a_fraction_in_a_percent_column_of_a_csv_is_said_as_well(tmp_path: Path) -> None:
    path = _csv(
        tmp_path / "applications.csv",
        ["申请编号", "宗地代码", "统一社会信用代码", _RD],
        [["ZR-001", PLOT, A, "0.035"], ["ZR-002", PLOT, A, "2.5"]],
    )
    result = read_applications(path)
    assert result.data["rd_ratio_pct"].tolist() == [0.035, 2.5]
    said = result.problems[result.problems["field"] == _RD]
    assert said["problem"].tolist() == ["数值 0.035 小于 1：如为 3.5%，请写作 3.5 或 3.5%"]


# ---------------------------------------------------------------------------------------------
# 申请日期: an Excel date serial stored as a number


def test_a_serial_number_in_a_date_column_gets_the_same_note_as_its_text(tmp_path: Path) -> None:
    """A real date cell arrives from openpyxl as a datetime. 46023 stored as a number (a cell
    formatted 常规, or imported) was read silently as 2026-01-01 while the text 「46023」 was
    said: both are now read with the one 「请核实」 note; the date cell without a word."""
    path = _xlsx(
        tmp_path / "applications.xlsx",
        ["申请编号", "宗地代码", "统一社会信用代码", "申请日期"],
        [
            ["ZR-001", PLOT, A, 46023],
            ["ZR-002", PLOT, A, "46023"],
            ["ZR-003", PLOT, A, dt.datetime(2026, 1, 1)],
        ],
    )
    result = read_applications(path)
    assert result.data["application_date"].tolist() == [dt.date(2026, 1, 1)] * 3
    said = result.problems[result.problems["field"] == "申请日期"]
    assert said["row"].tolist() == [2, 3], result.problems
    assert said["value"].tolist() == ["46023", "46023"]
    assert said["problem"].tolist() == ["「46023」按 Excel 日期序号解读为 2026-01-01，请核实"] * 2
    assert said["severity"].tolist() == ["警告", "警告"]
