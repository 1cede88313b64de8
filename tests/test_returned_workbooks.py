"""Workbooks that go out to the 镇街 and come back edited by hand (人工认定, 核实, 增容认定).

Each test edits a workbook landgov wrote for the sample with openpyxl, as a township clerk
returns it, and checks that every returned row is used, flagged or listed as rejected, with a
Chinese message naming file, sheet, row, field and value, and never a traceback.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from landgov.core.editable import EDIT_MARK
from landgov.errors import DataFileError, InputError
from landgov.run.files import RunInputs
from landgov.run.overrides import LAYOUT, apply_overrides, read_overrides, write_overrides
from landgov.run.results import read_screening
from landgov.run.screening import run_screening
from landgov.run.verify import LAYOUT as VERIFY
from landgov.run.verify import read_verified, write_verify
from landgov.sample import generate

DAY = dt.date(2026, 7, 1)
RECORD = {
    "理由": "联席会议认定",
    "认定人": "张三",
    "认定日期": DAY,
    "文件依据": "越城会纪〔2026〕3号",
}


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("sample")
    generate(folder, n_parcels=150, seed=11)
    inputs = RunInputs(
        parcels=folder / "parcels.shp",
        enterprises=folder / "enterprises.xlsx",
        links=folder / "links.xlsx",
        townships=folder / "townships.shp",
    )
    out = tmp_path_factory.mktemp("run") / "run"
    run_screening(inputs, profile="yuecheng-2022", as_of="2026-06-30", out_dir=out, progress=False)
    return out


def _columns(ws) -> dict[str, int]:
    return {str(c.value).replace(EDIT_MARK, ""): c.column for c in ws[1] if c.value}


def _put(ws, row: int, values: dict[str, object]) -> None:
    col = _columns(ws)
    for name, value in values.items():
        ws.cell(row, col[name]).value = value


def _words(problems: pd.DataFrame) -> str:
    return " ".join(problems["problem"].astype(str))


# --------------------------------------------------------------------------- 人工认定
def test_the_same_plot_decided_twice_differently_is_applied_neither_way(run, tmp_path):
    book = write_overrides(run, tmp_path / "认定.xlsx")
    wb = load_workbook(book)
    ws = wb[LAYOUT.sheet]
    key = ws.cell(2, 1).value
    _put(ws, 2, {"认定筛查结论": "不列入", **RECORD})
    bottom = ws.max_row + 1  # a second row for the same plot, added at the bottom
    ws.cell(bottom, 1).value = key
    _put(ws, bottom, {"认定筛查结论": "治理", **RECORD})
    wb.save(book)
    got = read_overrides(book)
    assert key not in set(got.rows["宗地代码"])  # neither decision is guessed
    assert got.rejected == 1
    said = got.problems[got.problems["value"].astype(str).eq(key)]
    assert len(said) == 1 and said["source"].iloc[0] == "认定.xlsx"
    text = said["problem"].iloc[0]
    assert f"出现在第 2、{bottom} 行" in text and "「不列入」" in text and "「治理」" in text
    assert "均未采用" in text and "工作表「人工认定」" in text


def test_the_same_plot_twice_with_the_same_decision_is_used_once(run, tmp_path):
    book = write_overrides(run, tmp_path / "认定.xlsx")
    wb = load_workbook(book)
    ws = wb[LAYOUT.sheet]
    key = ws.cell(2, 1).value
    _put(ws, 2, {"认定筛查结论": "不列入", **RECORD})
    bottom = ws.max_row + 1
    ws.cell(bottom, 1).value = key
    _put(ws, bottom, {"认定筛查结论": "不列入", **RECORD})
    wb.save(book)
    got = read_overrides(book)
    assert list(got.rows["宗地代码"]) == [key] and got.rejected == 0
    assert "重复（第 2 行已有）" in _words(got.problems)


@pytest.mark.parametrize("typed", ["√", "同意", "对", "是的"])
def test_a_withdrawal_typed_outside_the_list_is_not_applied(run, tmp_path, typed):
    """撤回 takes 是 or 否; 「√」 is read as neither, and a decision whose withdrawal cannot be
    read is not applied (before: it was applied, although the clerk meant to withdraw it)."""
    book = write_overrides(run, tmp_path / "认定.xlsx")
    wb = load_workbook(book)
    ws = wb[LAYOUT.sheet]
    key = ws.cell(3, 1).value
    _put(ws, 3, {"认定筛查结论": "不列入", **RECORD, "撤回": typed})
    wb.save(book)
    got = read_overrides(book)
    assert got.rows.empty and got.rejected == 1 and got.withdrawn == 0
    row = got.problems[got.problems["field"].eq("撤回")].iloc[0]
    assert row["row"] == 3 and row["value"] == typed
    assert f"「{typed}」不是可选值（是、否）" in row["problem"]
    assert "工作表「人工认定」" in row["problem"] and "是、否" in row["action"]
    out, _ = apply_overrides(read_screening(run).parcels, got)
    assert not out["override_status"].eq("已采用").any() and key


@pytest.mark.parametrize(
    ("field", "typed", "allowed"),
    [
        ("认定筛查结论", "列入", "治理、不列入"),
        ("认定路径", "（提升改造）", "拆除重建、整治提升、功能转型、关停退出"),
    ],
)
def test_a_decision_outside_its_list_names_the_list(run, tmp_path, field, typed, allowed):
    book = write_overrides(run, tmp_path / "认定.xlsx")
    wb = load_workbook(book)
    _put(wb[LAYOUT.sheet], 4, {field: typed, **RECORD})
    wb.save(book)
    got = read_overrides(book)
    assert got.rows.empty and got.rejected == 1
    row = got.problems[got.problems["field"].eq(field)].iloc[0]
    assert (row["row"], row["value"]) == (4, typed)
    assert f"「{typed}」不是可选值（{allowed}）" in row["problem"]


@pytest.mark.parametrize("day", ["2026.7.1", 46204, " 2026-07-01 ", "2026年7月1日"])
def test_spaces_full_width_and_dates_as_typed_are_used(run, tmp_path, day):
    """「 不列入 」 with spaces, a date typed 2026.7.1 or left as Excel serial 46204
    (1899-12-30 + 46204 days = 2026-07-01) are the same decision."""
    book = write_overrides(run, tmp_path / "认定.xlsx")
    wb = load_workbook(book)
    _put(wb[LAYOUT.sheet], 2, {**RECORD, "认定筛查结论": " 不列入 ", "认定日期": day})
    wb.save(book)
    got = read_overrides(book)
    assert len(got.rows) == 1 and got.rows["认定日期"].iloc[0] == DAY
    assert got.rows["认定筛查结论"].iloc[0] == "不列入"


def test_a_missing_decider_is_refused_by_row(run, tmp_path):
    book = write_overrides(run, tmp_path / "认定.xlsx")
    wb = load_workbook(book)
    ws = wb[LAYOUT.sheet]
    _put(ws, 5, {**RECORD, "认定筛查结论": "不列入", "认定人": "  "})
    wb.save(book)
    got = read_overrides(book)
    assert got.rows.empty and got.rejected == 1
    row = got.problems[got.problems["field"].eq("认定人")].iloc[0]
    assert row["row"] == 5 and "缺少认定人" in row["problem"] and "认定.xlsx" in row["source"]


def test_a_second_copy_of_the_sheet_with_other_answers_is_said(run, tmp_path):
    """The clerk copied the sheet (「人工认定 (2)」) and decided there: the copy is not read,
    and every decision in it that the sheet read lacks is an error naming sheet, row, value."""
    book = write_overrides(run, tmp_path / "认定.xlsx")
    wb = load_workbook(book)
    copy = wb.copy_worksheet(wb[LAYOUT.sheet])
    copy.title = "人工认定 (2)"
    _put(copy, 6, {"认定筛查结论": "不列入", **RECORD})
    wb.save(book)
    got = read_overrides(book)
    assert got.rows.empty
    said = got.problems[got.problems["problem"].str.contains("人工认定 (2)", regex=False)]
    assert set(said["row"]) == {6} and "不列入" in set(said["value"])
    assert (said["severity"] == "错误").all()
    assert "副本" in said["problem"].iloc[0] and "删除副本" in said["action"].iloc[0]


def test_an_identical_copy_of_the_sheet_is_only_noted(run, tmp_path):
    book = write_overrides(run, tmp_path / "认定.xlsx")
    wb = load_workbook(book)
    _put(wb[LAYOUT.sheet], 2, {"认定筛查结论": "不列入", **RECORD})
    wb.copy_worksheet(wb[LAYOUT.sheet]).title = "备份"
    wb.save(book)
    got = read_overrides(book)
    assert len(got.rows) == 1
    said = got.problems[got.problems["problem"].str.contains("「备份」")]
    assert len(said) == 1 and said["severity"].iloc[0] == "提示"


def test_renamed_sheet_inserted_column_and_sorted_rows_are_read(run, tmp_path):
    book = write_overrides(run, tmp_path / "认定.xlsx")
    wb = load_workbook(book)
    ws = wb[LAYOUT.sheet]
    key = ws.cell(2, 1).value
    _put(ws, 2, {"认定筛查结论": "不列入", **RECORD})
    ws.protection.sheet = False
    ws.insert_cols(_columns(ws)["认定筛查结论"])  # a column before the answer column
    ws.cell(1, _columns(ws)["认定筛查结论"] - 1).value = "镇街意见"
    ws.move_range(f"A2:{ws.cell(2, ws.max_column).coordinate}", rows=ws.max_row)  # sorted
    ws.title = "认定结果（镇街）"
    wb.save(book)
    got = read_overrides(book)
    assert list(got.rows["宗地代码"]) == [key]
    assert got.rows["行号"].iloc[0] > 2


@pytest.mark.parametrize("suffix", [".xls", ".et"])
def test_a_workbook_saved_as_xls_by_wps_is_refused_clearly(run, tmp_path, suffix):
    book = write_overrides(run, tmp_path / "认定.xlsx")
    xls = book.with_suffix(suffix)
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)  # an OLE2 header
    with pytest.raises(DataFileError) as caught:
        read_overrides(xls)
    text = str(caught.value)
    assert xls.name in text and suffix in text and "另存为" in text and ".xlsx" in text


def test_an_xls_renamed_to_xlsx_is_refused_clearly(run, tmp_path):
    fake = tmp_path / "认定.xlsx"
    fake.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    with pytest.raises(DataFileError) as caught:
        read_overrides(fake)
    assert "旧版 .xls" in str(caught.value) and "另存为 .xlsx" in str(caught.value)


def test_last_years_decision_is_reviewed_when_the_facts_changed(run, tmp_path):
    """A decision whose snapshot (what landgov computed then) differs from this run is
    待复核 and not applied; the one whose facts are unchanged is applied."""
    book = write_overrides(run, tmp_path / "认定.xlsx")
    wb = load_workbook(book)
    ws = wb[LAYOUT.sheet]
    old, same = ws.cell(2, 1).value, ws.cell(3, 1).value
    _put(ws, 2, {"认定筛查结论": "不列入", **RECORD, "认定时计算结果": "治理｜拆除重建｜"})
    _put(ws, 3, {"认定筛查结论": "不列入", **RECORD})
    wb.save(book)
    out, problems = apply_overrides(read_screening(run).parcels, read_overrides(book))
    status = out.set_index("parcel_id")["override_status"]
    assert status[old] == "待复核" and status[same] == "已采用"
    assert f"宗地 {old} 的人工认定作出后计算结果已变化" in _words(problems)


# --------------------------------------------------------------------------- 核实
@pytest.fixture
def verify(run, tmp_path):
    folder = tmp_path / "核实"
    files = write_verify(run, folder)
    path = files[0]
    wb = load_workbook(path)
    ws = wb[VERIFY.sheet]
    col = _columns(ws)
    rows = [
        r
        for r in range(2, ws.max_row + 1)
        if str(ws.cell(r, col["核实事项"]).value).startswith("综合能耗")
        and ws.cell(r, col["统一社会信用代码"]).value != "—"
    ]
    parcels = read_screening(run)
    ids = {
        "parcel_ids": parcels.parcels["parcel_id"].astype(str),
        "usccs": parcels.enterprises["uscc"].astype(str),
    }
    return folder, path, wb, ws, rows, ids


def _uscc(ws, row: int) -> str:
    return ws.cell(row, _columns(ws)["统一社会信用代码"]).value


def test_an_item_answered_twice_differently_is_used_neither_way(verify):
    folder, path, wb, ws, rows, ids = verify
    good, twice = rows[:2]
    _put(ws, good, {"答复": " 1200 ", "核实人": "张三", "核实日期": "2026.7.1"})
    _put(ws, twice, {"答复": 300, "核实人": "张三", "核实日期": 46204})
    bottom = ws.max_row + 1  # the same item answered again at the bottom
    for c in range(1, ws.max_column + 1):
        ws.cell(bottom, c).value = ws.cell(twice, c).value
    _put(ws, bottom, {"答复": 900, "核实人": "李四"})
    wb.save(path)
    got = read_verified(folder, **ids)
    assert got.values == {(_uscc(ws, good), "energy_tce"): 1200.0}
    said = got.problems[got.problems["problem"].str.contains("均未采用")]
    assert len(said) == 1 and said["row"].iloc[0] == twice
    assert f"第 {twice}、{bottom} 行" in said["problem"].iloc[0]
    assert "「300」" in said["problem"].iloc[0] and "「900」" in said["problem"].iloc[0]
    assert said["source"].iloc[0] == path.name
    assert got.n_answers == 2  # both the used answer and the conflicting item are counted


def test_a_row_added_by_hand_is_listed_not_used(verify):
    folder, path, wb, ws, _rows, ids = verify
    bottom = ws.max_row + 1
    ws.cell(bottom, 1).value = "330602999999GB99999｜综合能耗（吨标准煤）"
    _put(ws, bottom, {"答复": 5, "核实人": "王五", "核实日期": DAY})
    wb.save(path)
    got = read_verified(folder, **ids)
    assert not got.values
    row = got.problems[got.problems["row"].eq(bottom)].iloc[0]
    assert row["field"] == "核实编号" and "不是 landgov 写出的核实事项" in row["problem"]
    assert path.name in row["problem"] and "工作表「待核实事项」" in row["problem"]


def test_a_missing_verifier_names_file_sheet_and_row(verify):
    folder, path, wb, ws, rows, ids = verify
    _put(ws, rows[0], {"答复": 300, "核实日期": DAY})
    wb.save(path)
    got = read_verified(folder, **ids)
    row = got.problems[got.problems["row"].eq(rows[0])].iloc[0]
    assert "缺少核实人" in row["problem"] and path.name in row["problem"]


def test_an_answer_outside_the_choices_names_the_list(verify):
    folder, path, wb, ws, rows, ids = verify
    _put(ws, rows[0], {"答复": "（是）", "核实人": "张三", "核实日期": DAY})
    wb.save(path)
    got = read_verified(folder, **ids)
    row = got.problems[got.problems["row"].eq(rows[0])].iloc[0]
    assert "「（是）」不是数字" in row["problem"] and "吨标准煤" in row["problem"]


@pytest.mark.parametrize("suffix", [".xls", ".et"])
def test_a_returned_workbook_saved_as_xls_is_refused_not_skipped(verify, suffix):
    """Before: the folder was read for *.xlsx only, and a township's answers saved as .xls
    by WPS were skipped without a word."""
    folder, path, wb, ws, rows, ids = verify
    _put(ws, rows[0], {"答复": 300, "核实人": "张三", "核实日期": DAY})
    wb.save(path)
    other = path.with_name("核实_另一镇" + suffix)
    other.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    with pytest.raises(InputError) as caught:
        read_verified(folder, **ids)
    text = str(caught.value)
    assert other.name in text and "另存为" in text and ".xlsx" in text
