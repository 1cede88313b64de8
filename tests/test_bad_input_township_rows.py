"""Rows a county's list puts between its firms under a 镇街's name: a heading 「斗门街道」 over the
township's firms, or its subtotal 「斗门街道 | 30 | 20」 (no 小计 word) or 「斗门街道汇总」 under
them. Read as enterprises they would add a firm 「斗门街道」 whose 税收 is the township's sum (every
total counted twice) and an error about a missing code; they are no data (kept in ``rejected``)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook

from landgov.io import read_enterprises

A, B, C = "91330100470102706G", "913304007429141869", "91330100799655058B"
H = ["统一社会信用代码", "企业名称", "规上/规下", "镇街", "税收（万元）", "用地面积（亩）"]


def _read(tmp_path: Path, rows: Sequence[Sequence[object]]):
    wb = Workbook()
    for row in rows:
        wb.active.append(list(row))
    wb.save(tmp_path / "e.xlsx")
    return read_enterprises(tmp_path / "e.xlsx")


def test_subtotal_under_a_township_name_is_not_a_firm(tmp_path: Path) -> None:
    result = _read(
        tmp_path,
        [
            H,
            [A, "甲", "规上", "斗门街道", 10, 10],
            [B, "乙", "规上", "斗门街道", 20, 10],
            ["", "斗门街道", "", "", 30, 20],
            [C, "丙", "规上", "马山镇", 5, 10],
            ["", "马山镇", "", "", 5, 10],
            ["", "合计", "", "", 35, 30],
        ],
    )
    assert result.data["source_row"].tolist() == [2, 3, 5]
    assert result.data["tax_wan"].sum() == 35  # each firm once, no township sum on top
    assert result.rejected["source_row"].tolist() == [4, 6, 7]
    assert result.rejected["reject_reason"].iloc[:2].str.contains("镇街小计").all()
    assert not result.problems["problem"].str.contains("统一社会信用代码缺失").any()
    assert not result.problems["problem"].str.contains("不一致").any()  # 合计 = 10 + 20 + 5


def test_township_heading_over_its_firms_is_not_a_firm(tmp_path: Path) -> None:
    result = _read(
        tmp_path,
        [
            H,
            ["斗门街道", "", "", "", None, None],
            [A, "甲", "规上", "斗门街道", 10, 10],
            ["马山镇", "", "", "", None, None],
            [C, "丙", "规上", "马山镇", 5, 10],
        ],
    )
    assert result.data["source_row"].tolist() == [3, 5]
    assert result.rejected["source_row"].tolist() == [2, 4]
    assert result.rejected["reject_reason"].str.contains("分组标题").all()


def test_township_summary_word_makes_a_subtotal(tmp_path: Path) -> None:
    result = _read(
        tmp_path,
        [H, [A, "甲", "规上", "斗门街道", 10, 10], ["", "斗门街道汇总", "", "", 10, 10]],
    )
    assert result.data["source_row"].tolist() == [2]
    assert result.rejected["source_row"].tolist() == [3]


def test_township_first_column_rows_stay_data(tmp_path: Path) -> None:
    """A table whose first column is 镇街: each row begins with a township name, and is data."""
    h = ["镇街", "统一社会信用代码", "企业名称", "税收（万元）"]
    result = _read(tmp_path, [h, ["斗门街道", A, "甲", 10], ["马山镇", "", "丙", 5]])
    assert result.data["source_row"].tolist() == [2, 3]
    assert result.data["tax_wan"].tolist() == [10, 5]


def test_scale_with_a_note_in_brackets_is_read(tmp_path: Path) -> None:
    """「规下（小微）」「规上（新进规）」: 规下/规上 with a note; a note alone 「小微」 is not."""
    h = ["统一社会信用代码", "企业名称", "规上/规下", "税收（万元）"]
    result = _read(
        tmp_path,
        [h, [A, "甲", "规下（小微）", 1], [B, "乙", "规上(新进规)", 1], [C, "丙", "小微", 1]],
    )
    above = result.data["above_scale"]
    assert above.iloc[:2].tolist() == [False, True]
    assert above.isna().iat[2]
    unread = result.problems[result.problems["field"] == "规上/规下"]
    assert unread["value"].tolist() == ["小微"]


def test_a_firm_with_an_all_digit_code_beside_its_township_is_a_firm(tmp_path: Path) -> None:
    """A list keyed by code alone, 镇街 first: 「斗门街道 | 913304007429141869 | 30」 is a firm
    (a credit code may be all digits, as this real one is), never a township subtotal."""
    result = _read(
        tmp_path,
        [
            ["镇街", "统一社会信用代码", "税收（万元）", "用地面积（亩）"],
            ["斗门街道", B, 30, 10],
            ["斗门街道", A, 20, 10],
        ],
    )
    assert result.data["source_row"].tolist() == [2, 3]
    assert result.rejected.empty
