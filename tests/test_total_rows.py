"""A 合计 row is evidence: when it disagrees with the rows read, the user is told.

Enterprise lists exported from the 亩均论英雄 platform end with a 合计 row. The reader skips it
(one 提示 row), but if the sum of the rows read differs from it, rows may be hidden, filtered
out, deleted, or hold a number as text that was not read: a warning with the figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd
from openpyxl import Workbook

from landgov.core.problems import Severity
from landgov.io import read_enterprises

# Valid codes (zhejiang_valid.txt in /work/shared/testdata/uscc).
A = "91330100470102706G"
B = "913304007429141869"
C = "91330100799655058B"
D = "91330106MAEUDLLYXY"
HEADER = ["统一社会信用代码", "企业名称", "税收（万元）", "用地面积（亩）"]
# four enterprises: tax 120.5 + 80.25 + 300 + 45.75 = 546.5 万元; land 10 + 5.5 + 20 + 3 = 38.5 亩
FIRMS = [
    [A, "甲纺织有限公司", 120.5, 10],
    [B, "乙机械有限公司", 80.25, 5.5],
    [C, "丙化工有限公司", 300, 20],
    [D, "丁电镀有限公司", 45.75, 3],
]


def _xlsx(
    path: Path,
    rows: Sequence[Sequence[object]],
    *,
    header: Sequence[str] = HEADER,
    hidden: Sequence[int] = (),
) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "企业"
    ws.append(["2024年度亩均效益评价企业名单"])
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    for r in hidden:  # Excel row numbers
        ws.row_dimensions[r].hidden = True
    wb.save(path)
    return path


def _total_warnings(problems: pd.DataFrame) -> pd.DataFrame:
    return problems[
        problems["problem"].str.contains("合计", na=False)
        & (problems["severity"] == Severity.WARNING)
    ]


def test_matching_total_says_nothing_more(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "e.xlsx", [*FIRMS, ["合计", None, 546.5, 38.5]])
    result = read_enterprises(path)
    assert result.data["uscc"].tolist() == [A, B, C, D]
    assert _total_warnings(result.problems).empty
    # the one 提示 of today: the 合计 row (Excel row 7) not read as data
    info = result.problems[result.problems["row"] == 7]
    assert info["severity"].tolist() == [Severity.INFO]


def test_total_off_by_100_wan_is_a_warning_with_the_figures(tmp_path: Path) -> None:
    # 合计 646.5 万元, rows read 546.5 万元: difference 100 万元; 用地面积 matches (38.5)
    path = _xlsx(tmp_path / "e.xlsx", [*FIRMS, ["合计", None, 646.5, 38.5]])
    warnings = _total_warnings(read_enterprises(path).problems)
    assert len(warnings) == 1
    w = warnings.iloc[0]
    assert w["row"] == 7
    assert w["field"] == "税收（万元）"
    assert w["source"] == "e.xlsx"
    assert "646.5" in w["problem"] and "546.5" in w["problem"] and "100" in w["problem"]
    assert "核对是否有隐藏、筛选或删除的行，或文本格式的数字" in w["action"]


def test_rounding_of_the_total_is_tolerated(tmp_path: Path) -> None:
    # details with two decimals, 合计 shown with one: 546.5 vs 546.47 → 0.03 ≤ 0.05 (half of
    # the 合计's last decimal place); 合计 546.6 → 0.13 > 0.05: said
    rows = [*FIRMS[:3], [D, "丁电镀有限公司", 45.72, 3]]  # 546.47
    quiet = _xlsx(tmp_path / "q.xlsx", [*rows, ["合计", None, 546.5, 38.5]])
    assert _total_warnings(read_enterprises(quiet).problems).empty
    loud = _xlsx(tmp_path / "l.xlsx", [*rows, ["合计", None, 546.6, 38.5]])
    assert len(_total_warnings(read_enterprises(loud).problems)) == 1


def test_total_in_a_column_with_a_unit_in_the_header(tmp_path: Path) -> None:
    """「税收（元）」: the 合计 cell goes through the same 元 → 万元 conversion as the rows."""
    header = ["统一社会信用代码", "企业名称", "税收（元）", "用地面积（亩）"]
    rows = [[code, name, tax * 10000, land] for code, name, tax, land in FIRMS]
    # 5 465 000 元 = 546.5 万元: matches
    same = _xlsx(tmp_path / "s.xlsx", [*rows, ["合计", None, 5465000, 38.5]], header=header)
    result = read_enterprises(same)
    assert result.data["tax_wan"].sum() == 546.5
    assert _total_warnings(result.problems).empty
    # 6 465 000 元 = 646.5 万元: 100 万元 more than the rows
    off = _xlsx(tmp_path / "o.xlsx", [*rows, ["合计", None, 6465000, 38.5]], header=header)
    warnings = _total_warnings(read_enterprises(off).problems)
    assert len(warnings) == 1
    w = warnings.iloc[0]
    assert w["field"] == "税收（元）"
    assert "646.5" in w["problem"] and "546.5" in w["problem"] and "100" in w["problem"]


def test_total_of_the_visible_rows_names_the_hidden_ones(tmp_path: Path) -> None:
    """A list filtered in Excel: the 合计 (SUBTOTAL) counts the 3 visible rows, the reader all 4.

    Rows 3-6 are the firms, row 5 (丙, 300 万元, 20 亩) hidden: 合计 246.5 万元 and 18.5 亩.
    """
    path = _xlsx(tmp_path / "e.xlsx", [*FIRMS, ["合计", None, 246.5, 18.5]], hidden=[5])
    result = read_enterprises(path)
    assert len(result.data) == 4  # hidden rows are read, and said (as before)
    warnings = _total_warnings(result.problems)
    assert sorted(warnings["field"]) == ["用地面积（亩）", "税收（万元）"]
    assert warnings["row"].tolist() == [7, 7]
    tax = warnings[warnings["field"] == "税收（万元）"].iloc[0]
    assert "246.5" in tax["problem"] and "546.5" in tax["problem"]
    assert "隐藏" in tax["problem"] and "第5行" in tax["problem"]


def test_total_including_hidden_rows_matches(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "e.xlsx", [*FIRMS, ["合计", None, 546.5, 38.5]], hidden=[5])
    assert _total_warnings(read_enterprises(path).problems).empty


def test_a_number_typed_as_text_that_was_not_read_is_named(tmp_path: Path) -> None:
    # 丙's tax written 「三百」: not read; the rows read sum to 246.5, the 合计 says 546.5
    rows = [*FIRMS[:2], [C, "丙化工有限公司", "三百", 20], FIRMS[3]]
    path = _xlsx(tmp_path / "e.xlsx", [*rows, ["合计", None, 546.5, 38.5]])
    warnings = _total_warnings(read_enterprises(path).problems)
    assert len(warnings) == 1
    assert "第5行" in warnings.iloc[0]["problem"]


def test_subtotals_per_township_then_a_total(tmp_path: Path) -> None:
    """小计 rows per 镇街 are not added to the detail rows: the 合计 is compared with the 4
    firms only (546.5), never with firms + 小计 (1093)."""
    rows = [
        FIRMS[0],
        FIRMS[1],
        ["小计", None, 200.75, 15.5],
        FIRMS[2],
        FIRMS[3],
        ["小计", None, 345.75, 23],
    ]
    path = _xlsx(tmp_path / "e.xlsx", [*rows, ["合计", None, 546.5, 38.5]])
    result = read_enterprises(path)
    assert result.data["uscc"].tolist() == [A, B, C, D]
    assert _total_warnings(result.problems).empty
    off = _xlsx(tmp_path / "o.xlsx", [*rows, ["合计", None, 646.5, 38.5]])
    warnings = _total_warnings(read_enterprises(off).problems)
    assert len(warnings) == 1 and warnings.iloc[0]["row"] == 9


def test_total_row_without_numbers_says_nothing(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "e.xlsx", [*FIRMS, ["合计（4家）", None, None, None]])
    assert _total_warnings(read_enterprises(path).problems).empty
