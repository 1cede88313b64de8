"""Hostile tables from the tables audit: CSV encodings named, ``_xHHHH_`` escapes in .xlsx
text, dots leading a form's file name, blank names, one problem row per error cell, and rows
pasted twice."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from landgov.io import read_enterprises
from landgov.reports.chushen import write_forms
from landgov.reports.filenames import safe_filename

# --- file names ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("../../APPESC2_甲公司", "_.._APPESC2_甲公司"),
        (".._.._APPESC2", "_.._APPESC2"),
        (". .甲", "甲"),
        ("\u3000.甲.\u3000", "甲"),
    ],
)
def test_a_file_name_never_begins_with_a_dot(text: str, expected: str) -> None:
    assert safe_filename(text) == expected


def test_a_form_of_an_application_id_beginning_with_dots_is_not_hidden(tmp_path: Path) -> None:
    from tests.test_chushen import _row

    rows = pd.DataFrame([_row(application_id="../../APPESC2", township="马山街道")])
    written = write_forms(rows, tmp_path)
    assert [p.name for p in written] == ["_.._APPESC2_绍兴某某机械有限公司.docx"]
    assert not any(p.name.startswith(".") for p in tmp_path.rglob("*"))


# --- one cause, one row ----------------------------------------------------------------------

A = "91330100470102706G"
B = "913304007429141869"
C = "91330106MAEUDLLYXY"


def _xlsx(path: Path, rows: Sequence[Sequence[object]]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "企业"
    for row in rows:
        ws.append(list(row))
    wb.save(path)
    return path


def test_an_excel_error_in_the_scale_column_is_one_error_row_not_also_a_blank(
    tmp_path: Path,
) -> None:
    path = _xlsx(
        tmp_path / "企业.xlsx",
        [
            ["统一社会信用代码", "企业名称", "规上/规下"],
            [A, "甲公司", "#VALUE!"],
            [B, "乙公司", None],
        ],
    )
    problems = read_enterprises(path).problems
    scale = problems[problems["field"] == "规上/规下"]
    assert scale[["row", "severity"]].values.tolist() == [[2, "错误"], [3, "警告"]]
    assert "Excel 错误值「#VALUE!」" in scale["problem"].iat[0]
    assert scale["problem"].iat[1] == "规上/规下未填写"  # a blank cell still says so
