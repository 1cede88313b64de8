"""County files as they really come, fifth round: enterprise tables whose figures are split by
year under one caption (「税收（万元）」 merged over 「2023年」「2024年」).

Every file is built here (openpyxl) and read through the real reader. Expected results are
worked out by hand in the docstrings.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from landgov.core.problems import ReadResult, Severity
from landgov.io import read_enterprises

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
