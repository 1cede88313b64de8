"""The editable workbook round trip: write, let people (and programs) edit, read back."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

from landgov.core.editable import (
    EDIT_MARK,
    MARKER_SHEET,
    Field,
    FieldKind,
    Layout,
    add_editable_sheet,
    read_editable,
    save_workbook,
)
from landgov.errors import DataFileError, InputError
from tests._hostile_xlsx import as_excel_stores
from tests._soffice import resave

LAYOUT = Layout(
    kind="测试清单",
    version=2,
    sheet="清单",
    key="宗地代码",
    fields=(
        Field("宗地代码"),
        Field("企业名称"),
        Field("亩均税收", kind=FieldKind.NUMBER, number_format="0.00"),
        Field("状态", kind=FieldKind.CHOICE, editable=True, choices=("未启动", "推进中", "已完成")),
        Field("计划完成日期", kind=FieldKind.DATE, editable=True),
        Field("投资额", kind=FieldKind.NUMBER, editable=True),
        Field("说明", editable=True),
    ),
)
ROWS = pd.DataFrame(
    {
        "宗地代码": ["330602001001", "330602001002", "330602001003"],
        "企业名称": ["甲公司", '=HYPERLINK("x")', "丙公司"],
        "亩均税收": [3.2, None, 6.25],
        "状态": ["未启动", None, "推进中"],
        "计划完成日期": [dt.date(2027, 6, 30), None, None],
    }
)


def _write(tmp_path, rows=ROWS, **kw):
    wb = Workbook()
    wb.active.title = "说明页"
    add_editable_sheet(wb, rows, LAYOUT, **kw)
    return save_workbook(wb, tmp_path / "清单.xlsx")


def _cols(ws):
    return {c.value: c.column for c in ws[1] if c.value}


def test_written_sheet_marks_locks_and_validates(tmp_path):
    path = _write(tmp_path)
    wb = load_workbook(path)
    ws = wb["清单"]
    heads = [c.value for c in ws[1]]
    assert heads[:4] == ["宗地代码", "企业名称", "亩均税收", "状态" + EDIT_MARK]
    assert ws.protection.sheet
    assert ws["A2"].protection.locked and not ws["D2"].protection.locked
    assert ws["A2"].fill.fgColor.rgb != ws["D2"].fill.fgColor.rgb
    kinds = sorted(dv.type for dv in ws.data_validations.dataValidation)
    assert kinds == ["date", "decimal", "list"]
    assert ws["B3"].data_type == "s" and ws["B3"].value.startswith("=")  # never a formula
    assert wb[MARKER_SHEET].sheet_state == "hidden"
    assert ws["E2"].is_date


def test_round_trip_without_edits_gives_what_was_written(tmp_path):
    got = read_editable(_write(tmp_path), LAYOUT)
    assert list(got.rows.index) == list(ROWS["宗地代码"])
    assert got.rows.loc["330602001001", "状态"] == "未启动"
    assert got.rows.loc["330602001001", "计划完成日期"] == dt.date(2027, 6, 30)
    assert got.rows.loc["330602001003", "亩均税收"] == 6.25
    assert got.rows.loc["330602001002", "状态"] is None
    assert got.problems.empty and not got.flags
    assert got.meta["kind"] == "测试清单" and got.meta["marker"]


def test_edits_survive_reordered_rows_moved_columns_and_renamed_sheet(tmp_path):
    path = _write(tmp_path)
    wb = load_workbook(path)
    ws = wb["清单"]
    ws.protection.sheet = False
    ws.move_range("A4:G4", rows=1)  # row of …003 to row 5
    ws.move_range("A2:G2", rows=2)  # row of …001 to row 4
    ws.move_range("A5:G5", rows=-3)  # …003 to row 2
    col = _cols(ws)
    ws.cell(4, col["状态" + EDIT_MARK], "已完成")
    ws.cell(4, col["说明" + EDIT_MARK], "无")  # 无 is an answer in a text column, kept
    ws.insert_cols(2)
    ws.cell(1, 2, "备注（镇街自加）")
    ws.cell(4, 2, "联系人老王")
    ws.delete_cols(_cols(ws)["企业名称"])  # a computed column removed
    ws.title = "台账改名"
    wb.move_sheet("台账改名", offset=-1)
    wb.save(path)
    got = read_editable(path, LAYOUT)
    assert got.meta["sheet"] == "台账改名"
    assert got.rows.loc["330602001001", "状态"] == "已完成"
    assert got.rows.loc["330602001001", "说明"] == "无"
    assert got.rows.loc["330602001001", "行号"] == 4
    assert got.extra.loc["330602001001", "备注（镇街自加）"] == "联系人老王"
    assert got.missing_fields == ("企业名称",)
    # the sheet read under another name is said (a 提示), as the ledger's renamed history is
    assert list(got.problems["field"].fillna("")) == ["", "企业名称"]
    assert list(got.problems["severity"]) == ["提示", "警告"]
    renamed = got.problems["problem"].iloc[0]
    assert "没有名为「清单」的工作表" in renamed and "工作表「台账改名」" in renamed


def test_extra_columns_are_written_back(tmp_path):
    extra = pd.DataFrame({"备注": ["老王"]}, index=pd.Index(["330602001002"], name="宗地代码"))
    got = read_editable(_write(tmp_path, extra=extra), LAYOUT)
    assert got.extra.loc["330602001002", "备注"] == "老王"
    assert got.extra.loc["330602001001", "备注"] is None


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2027-3-5", dt.date(2027, 3, 5)),
        ("2027年3月5日", dt.date(2027, 3, 5)),
        ("2027/03/05", dt.date(2027, 3, 5)),
        (46451, dt.date(2027, 3, 5)),  # an Excel serial number left as a number
        (dt.datetime(2027, 3, 5, 0, 0), dt.date(2027, 3, 5)),
    ],
)
def test_dates_in_any_form_a_program_leaves(tmp_path, typed, expected):
    path = _write(tmp_path)
    wb = load_workbook(path)
    wb["清单"].cell(3, 5, typed)
    wb.save(path)
    got = read_editable(path, LAYOUT)
    assert got.rows.loc["330602001002", "计划完成日期"] == expected
    assert not got.flags


def test_numbers_typed_as_text_are_read(tmp_path):
    path = _write(tmp_path)
    wb = load_workbook(path)
    wb["清单"].cell(2, 6, " 1,200.5 ")
    wb["清单"].cell(2, 1, 330602001001)  # a key turned into a number by a program
    wb.save(path)
    got = read_editable(path, LAYOUT)
    assert got.rows.loc["330602001001", "投资额"] == 1200.5


@pytest.mark.parametrize(
    ("column", "typed", "words"),
    [
        (4, "做完了", "不是可选值"),
        (5, "明年六月", "无法识别的日期"),
        (5, "2027-02-30", "不存在"),
        (6, "约100万", "不是数字"),
    ],
)
def test_bad_edit_is_kept_flagged_and_reported(tmp_path, column, typed, words):
    path = _write(tmp_path)
    wb = load_workbook(path)
    wb["清单"].cell(3, column, typed)
    wb.save(path)
    got = read_editable(path, LAYOUT)
    name = LAYOUT.fields[column - 1].name
    assert got.rows.loc["330602001002", name] == typed  # kept as typed
    assert got.flagged("330602001002", name)
    (problem,) = got.problems.to_dict("records")
    assert problem["row"] == 3 and problem["field"] == name and problem["value"] == typed
    assert words in problem["problem"] and "清单" in problem["problem"]
    assert problem["source"] == "清单.xlsx" and problem["action"]


def test_flagged_cells_are_marked_when_written_back(tmp_path):
    path = _write(tmp_path)
    wb = load_workbook(path)
    wb["清单"].cell(3, 4, "做完了")
    wb.save(path)
    got = read_editable(path, LAYOUT)
    wb = Workbook()
    add_editable_sheet(wb, got.rows.reset_index(), LAYOUT, flags=got.flags)
    ws = wb["清单"]
    assert ws.cell(3, 4).value == "做完了" and "不是可选值" in ws.cell(3, 4).comment.text
    assert ws.cell(2, 4).comment is None
    assert ws.cell(3, 4).fill.fgColor.rgb != ws.cell(2, 4).fill.fgColor.rgb


def test_choice_tolerates_full_width_and_spaces(tmp_path):
    path = _write(tmp_path)
    wb = load_workbook(path)
    wb["清单"].cell(3, 4, " 推进 中 ")
    wb.save(path)
    assert read_editable(path, LAYOUT).rows.loc["330602001002", "状态"] == "推进中"


def test_duplicate_blank_and_removed_keys_are_reported(tmp_path):
    path = _write(tmp_path)
    wb = load_workbook(path)
    ws = wb["清单"]
    ws.cell(3, 1, "330602001001")  # row 3 now repeats row 2's key; …002 is gone
    ws.cell(3, 4, "已完成")
    ws.cell(5, 4, "推进中")  # a row with content and no key
    wb.save(path)
    got = read_editable(path, LAYOUT)
    assert got.rows.loc["330602001001", "状态"] == "未启动"  # the first row is used
    assert got.duplicates.loc["330602001001", "状态"] == "已完成"  # the second is kept aside
    assert list(got.unkeyed["状态"]) == ["推进中"]
    assert got.removed_keys == ("330602001002",)
    problems = got.problems.sort_values("row", na_position="last")
    assert list(problems["row"].astype(object)) == [3, 5, pd.NA]
    assert "重复" in problems.iloc[0]["problem"]


def test_file_without_marker_other_kind_or_newer_version_is_refused(tmp_path):
    plain = Workbook()
    plain.active.append(["宗地代码", "状态"])
    plain.active.append(["1", "未启动"])
    plain.save(tmp_path / "手工.xlsx")
    with pytest.raises(InputError, match="不是 landgov 写出的文件"):
        read_editable(tmp_path / "手工.xlsx", LAYOUT)
    got = read_editable(tmp_path / "手工.xlsx", LAYOUT, require_marker=False)
    assert got.rows.loc["1", "状态"] == "未启动" and "标识" in got.problems.iloc[0]["problem"]
    path = _write(tmp_path)
    for layout, words in [
        (Layout("别的表", 2, "清单", "宗地代码", LAYOUT.fields), "不是「别的表」"),
        (Layout("测试清单", 1, "清单", "宗地代码", LAYOUT.fields), "请升级 landgov"),
    ]:
        with pytest.raises(InputError, match=words):
            read_editable(path, layout)


def test_not_a_workbook_is_a_data_file_error(tmp_path):
    (tmp_path / "x.xlsx").write_text("不是工作簿", encoding="utf-8")
    with pytest.raises(DataFileError, match="另存为"):
        read_editable(tmp_path / "x.xlsx", LAYOUT)
    with pytest.raises(DataFileError, match="不存在"):
        read_editable(tmp_path / "无.xlsx", LAYOUT)


def test_duplicate_keys_are_refused_on_write(tmp_path):
    rows = pd.DataFrame({"宗地代码": ["1", "1"]})
    with pytest.raises(ValueError, match="unique"):
        add_editable_sheet(Workbook(), rows, LAYOUT)


def test_save_replaces_the_file_that_was_read_and_leaves_no_temp(tmp_path):
    path = _write(tmp_path)
    got = read_editable(path, LAYOUT)
    wb = Workbook()
    add_editable_sheet(wb, got.rows.reset_index().assign(说明="第二版"), LAYOUT)
    save_workbook(wb, path)
    assert read_editable(path, LAYOUT).rows["说明"].tolist() == ["第二版"] * 3
    assert [p.name for p in tmp_path.iterdir()] == ["清单.xlsx"]


def test_edits_survive_a_libreoffice_resave(tmp_path):
    path = _write(tmp_path)
    wb = load_workbook(path)
    ws = wb["清单"]
    ws.cell(3, 4, "已完成")
    ws.cell(3, 5, "2027-12-31")  # a date typed as text
    ws.cell(2, 6, "88")
    ws.cell(4, 4, "搞定")
    wb.save(path)
    got = read_editable(resave(path, tmp_path), LAYOUT)
    assert got.meta["marker"]
    assert got.rows.loc["330602001002", "状态"] == "已完成"
    assert got.rows.loc["330602001002", "计划完成日期"] == dt.date(2027, 12, 31)
    assert got.rows.loc["330602001001", "计划完成日期"] == dt.date(2027, 6, 30)
    assert got.rows.loc["330602001001", "投资额"] == 88.0
    assert got.rows.loc["330602001003", "亩均税收"] == 6.25
    assert got.flagged("330602001003", "状态")
    assert list(got.rows.index) == list(ROWS["宗地代码"])


def test_a_code_key_retyped_in_lower_case_or_with_blanks_is_the_same_row(tmp_path):
    """A 镇街 clerk retypes 「330602001001GB00002」 as 「330602001001gb00002」 or with a space:
    with ``code_key`` it is the same parcel (the form every reader uses), not a removed row
    plus a new one."""
    codes = ["330602001001GB00001", "330602001001GB00002", "330602001001GB00003"]
    rows = ROWS.assign(宗地代码=codes)
    layout = Layout("测试清单", 2, "清单", "宗地代码", LAYOUT.fields, code_key=True)
    wb = Workbook()
    add_editable_sheet(wb, rows, layout)
    path = save_workbook(wb, tmp_path / "清单.xlsx")
    wb = load_workbook(path)
    ws = wb["清单"]
    ws.cell(3, 1, "330602001001gb00002")
    ws.cell(4, 1, "330602 001001GB00003 ")
    ws.cell(4, 4, "已完成")
    wb.save(path)
    got = read_editable(path, layout)
    assert list(got.rows.index) == codes
    assert got.rows.loc["330602001001GB00003", "状态"] == "已完成"
    assert got.removed_keys == () and got.problems.empty


def test_a_carriage_return_excel_stored_as_x000d_reads_back_as_one(tmp_path):
    # Excel stores a carriage return in a text (a 说明 typed with Alt+Enter by some writers)
    # as 「_x000D_」, in the shared strings or inline; openpyxl hands the escape on as text.
    # Read back, the cell holds the character, never 「_x000D_」; a typed 「_x4E2D_」 stays text.
    path = _write(tmp_path)
    wb = load_workbook(path)
    ws = wb[LAYOUT.sheet]
    col = _cols(ws)["说明（填写）"]
    for r, placeholder in enumerate(["PH1", "PH2", "PH3"], start=2):
        ws.cell(r, col).value = placeholder
    wb.save(path)
    as_excel_stores(
        path,
        {
            "PH1": ("第一行_x000D_\n第二行", True),
            "PH2": ("甲_x000D_乙", False),
            "PH3": ("_x005F_x4E2D_", True),  # 「_x4E2D_」 typed: Excel escapes its 「_」
        },
    )
    assert load_workbook(path)[LAYOUT.sheet].cell(2, col).value == "第一行_x000D_\n第二行"
    got = read_editable(path, LAYOUT)
    assert got.rows["说明"].tolist() == ["第一行\r\n第二行", "甲\r乙", "_x4E2D_"]
    assert got.problems.empty
