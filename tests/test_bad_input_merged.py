"""A figure merged over the rows of several firms is not each firm's figure.

County tables merge cells by hand: 镇街 typed once over its firms, or one 税收 typed over a
group's firms. The reader fills a merged range into every row it covers (Excel keeps the
value in the first cell only). For a text such as 镇街 that is what the clerk meant; for an
amount over several firms (税收 120 万元 over 甲 and 乙) copying it counts 120 twice, and
keeping it on the first row gives 甲 a figure that may be the group's. Neither is known: the
amount is missing on each row (相关判定为待核实, never a guess), with one 错误 naming the
range. Over rows of one firm (the same 统一社会信用代码) the figure is that firm's and is
copied, as before (a firm given twice is counted once, ``core.counts.repeated_firm``).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from landgov.core.problems import Severity
from landgov.io import read_enterprises, read_links
from tests.test_bad_input_county2 import _workbook  # rows, then merged ranges

A = "91330100470102706G"
B = "913304007429141869"
C = "91330100799655058B"
P1, P2 = "330602001001GB00001", "330602001001GB00002"


def _problems(result, words: str) -> pd.DataFrame:
    p = result.problems
    return p[p["problem"].astype(str).str.contains(words, regex=False)]


def test_an_amount_merged_over_two_firms_is_missing_on_both(tmp_path: Path) -> None:
    """Rows 2–3 (甲, 乙) share one 税收 cell C2:C3 = 120 and one 镇街 cell D2:D3; row 4 (丙)
    its own 30. 甲 and 乙: 税收 missing (not 120 each, not 120 and blank), 镇街 斗门街道 each;
    one 错误 for C2:C3 naming the value; 丙 30. Every row is kept."""
    rows = [
        ["统一社会信用代码", "企业名称", "税收（万元）", "镇街", "用地面积（亩）"],
        [A, "甲公司", 120, "斗门街道", 10],
        [B, "乙公司", None, None, 12],
        [C, "丙公司", 30, "马山街道", 8],
    ]
    got = read_enterprises(_workbook(tmp_path / "企业.xlsx", rows, ("C2:C3", "D2:D3")))
    data = got.data.set_index("uscc")
    assert len(got.data) + len(got.rejected) == 3 and len(got.rejected) == 0
    assert data["tax_wan"].isna().tolist() == [True, True, False]
    assert data.loc[C, "tax_wan"] == 30
    assert data["township"].tolist() == ["斗门街道", "斗门街道", "马山街道"]
    said = _problems(got, "C2:C3")
    assert len(said) == 1 and said["severity"].iloc[0] == Severity.ERROR
    assert "120" in str(said["value"].iloc[0]) and "按缺失处理" in said["problem"].iloc[0]


def test_an_amount_merged_over_rows_of_one_firm_is_that_firms(tmp_path: Path) -> None:
    """Rows 2–3 are one firm (甲 twice, e.g. two plots listed): its 税收 C2:C3 = 120 is 甲's
    and is copied (a 警告 says the range was filled), as before."""
    rows = [
        ["统一社会信用代码", "企业名称", "税收（万元）", "用地面积（亩）"],
        [A, "甲公司", 120, 10],
        [A, "甲公司", None, 10],
    ]
    got = read_enterprises(_workbook(tmp_path / "企业.xlsx", rows, ("C2:C3",)))
    assert got.data["tax_wan"].tolist() == [120.0, 120.0]
    said = _problems(got, "C2:C3")
    assert len(said) == 1 and said["severity"].iloc[0] == Severity.WARNING


def test_a_used_area_merged_over_two_firms_on_one_plot_is_missing(tmp_path: Path) -> None:
    """地企关联: 甲 and 乙 on P1 under one 使用面积 D2:D3 = 5000 m² (the plot's, not each
    firm's): missing on both (the area is then shared by the rule for users without a figure);
    乙 on P2 its own 3000."""
    rows = [
        ["宗地代码", "统一社会信用代码", "关系", "使用面积（平方米）"],
        [P1, A, "自有", 5000],
        [P1, B, "租用", None],
        [P2, B, "自有", 3000],
    ]
    got = read_links(_workbook(tmp_path / "关联.xlsx", rows, ("D2:D3",)))
    assert len(got.data) == 3
    assert got.data["area_used_m2"].isna().tolist() == [True, True, False]
    assert len(_problems(got, "D2:D3")) == 1
