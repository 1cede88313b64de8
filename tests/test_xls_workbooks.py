"""Excel 97–2003 workbooks (.xls), as many county tables still are, read as their .xlsx is.

Each workbook here is built as an .xlsx and saved as .xls by LibreOffice (as a user of WPS or
an old Excel hands it over); reading the .xls gives the same rows, values and problems as
reading the .xlsx. Before, an .xls needed ``pip install xlrd`` (not installed), and then only
its first sheet was read, without its merged cells, hidden rows or percentages.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pandas as pd

from landgov.io import read_enterprises
from tests._cli import run_cli
from tests._soffice import resave

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


def _both(path: Path, tmp_path: Path):
    """The reads of ``path`` (.xlsx) and of the .xls LibreOffice saves from it."""
    return read_enterprises(path), read_enterprises(resave(path, tmp_path, to="xls"))


def _same(xlsx: pd.DataFrame, xls: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(
        xlsx.reset_index(drop=True), xls.reset_index(drop=True), check_dtype=False
    )


def test_the_sample_enterprises_read_the_same_from_xls(tmp_path: Path) -> None:
    xlsx, xls = _both(SAMPLE / "enterprises.xlsx", tmp_path)
    assert len(xls.data) == len(xlsx.data) == 2332
    _same(xlsx.data, xls.data)
    assert xls.problems["problem"].tolist() == xlsx.problems["problem"].tolist()


def test_an_xls_with_a_notes_sheet_merged_title_hidden_row_and_percent(tmp_path: Path) -> None:
    """Hand-made, as a county sends it: a 填表说明 sheet first, a merged title row, a hidden
    row, a percentage cell (3.5 % stored as 0.035) and a date; the .xls gives what the .xlsx
    gives: the data sheet, three rows, 「3.5%」, the date, the hidden row said."""
    wb = openpyxl.Workbook()
    notes = wb.active
    notes.title = "填表说明"
    notes.append(["本表由经信局填报，金额单位为万元"])
    ws = wb.create_sheet("亩均效益")
    ws.append(["2025年度工业企业亩均效益评价表"])
    ws.merge_cells("A1:E1")
    ws.append(["统一社会信用代码", "企业名称", "用地面积（亩）", "税收（万元）", "研发占比"])
    ws.append(["91330100470102706G", "甲公司", 12.5, 300, 0.035])
    ws.append(["91330100470102706G", "乙公司（隐藏行）", 3, 20, 0.01])
    ws.append(["91330602MA29074AJ2", "丙公司", 8, 16.4, 0.1])
    ws.row_dimensions[4].hidden = True
    for row in (3, 4, 5):
        ws.cell(row, 5).number_format = "0.0%"
    ws.cell(3, 6, dt.date(2019, 5, 1)).number_format = "yyyy-mm-dd"
    path = tmp_path / "企业.xlsx"
    wb.save(path)
    xlsx, xls = _both(path, tmp_path)
    _same(xlsx.data, xls.data)
    assert xls.data["name"].tolist() == ["甲公司", "乙公司（隐藏行）", "丙公司"]
    assert xls.data["研发占比"].tolist() == ["3.5%", "1%", "10%"]
    said = xls.problems["problem"].tolist()
    assert said == xlsx.problems["problem"].tolist()
    assert any("隐藏" in p for p in said), said
    assert any("「亩均效益」" in p for p in said), said


def test_screen_takes_an_xls_enterprise_table(tmp_path: Path) -> None:
    """Through the command line, as a user runs it: the same counts as with the .xlsx."""
    xls = resave(SAMPLE / "enterprises.xlsx", tmp_path, to="xls")
    text = run_cli(
        "screen", "-q", "-p", SAMPLE / "parcels.shp", "-e", xls, "-l", SAMPLE / "links.xlsx",
        "-o", tmp_path / "run", "--as-of", "2026-06-30",
    )  # fmt: skip
    assert text.returncode == 0, text.stdout + text.stderr
    assert "错误" not in text.stdout


def test_an_xls_renamed_xlsx_is_read_as_the_xls_it_is(tmp_path: Path) -> None:
    """An .xls saved under .xlsx (a renamed file, or an old system's export): read as .xls,
    and a row says so; before, it was refused as 「旧版 .xls 或加密的工作簿」."""
    xls = resave(SAMPLE / "enterprises.xlsx", tmp_path, to="xls")
    renamed = tmp_path / "企业.xlsx"
    renamed.write_bytes(xls.read_bytes())
    read = read_enterprises(renamed)
    _same(read_enterprises(SAMPLE / "enterprises.xlsx").data, read.data)
    said = read.problems["problem"].tolist()
    assert "扩展名为 .xlsx，内容是旧版 .xls 工作簿，已按 .xls 读取" in said, said
