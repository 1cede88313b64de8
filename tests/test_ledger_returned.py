"""The 治理台账 as 镇街 staff send it back: the run given by mistake, the history sheet sorted,
the columns staff added themselves.

Rules (docs/policy.md ``ledger.closing``; docs/schema.md 治理台账): nothing a 镇街 typed is lost
without a word, and a file that cannot be merged is refused with a 「错误：」 naming the file,
what was seen and what to do — never merged into a ledger of two areas.

Plots are 100 m squares in EPSG:4549 (``tests/_runs.py``).
"""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook

from tests._cli import assert_clean_error, run_cli
from tests._hostile_xlsx import with_saved_results
from tests._runs import fake_run
from tests.test_ledger import _edit


def _ledger_2026(tmp_path, keys):
    """A 治理台账 started on 2026-07-01 from a 2026-06-30 run listing plots ``keys``."""
    run = fake_run(tmp_path / "2026", [{"parcel_id": k} for k in keys], as_of="2026-06-30")
    path = tmp_path / "台账.xlsx"
    run_cli("ledger", "init", run, "--out", path, "--as-of", "2026-07-01")
    return path


def test_a_run_of_another_county_is_refused(tmp_path):
    # The ledger holds 越城 plots 330602…; its update is given the folder of 柯桥 (330603…), no
    # plot in common. Before: every ledger row became 「底数清单中无此宗地」 (暂不建议销号) and the
    # other county's plots were added as 新列入: a ledger of two areas, written without a word.
    # Now: 错误 naming the ledger's codes and the run folder; nothing written.
    ours = fake_run(
        tmp_path / "越城2026",
        [{"parcel_id": f"330602001001GB0000{i}"} for i in (1, 2)],
        as_of="2026-06-30",
    )
    theirs = fake_run(
        tmp_path / "柯桥2027",
        [{"parcel_id": f"330603001001GB0000{i}", "township": "柯桥街道"} for i in (1, 2, 3)],
        as_of="2027-06-30",
    )
    path = tmp_path / "台账.xlsx"
    run_cli("ledger", "init", ours, "--out", path, "--as-of", "2026-07-01")
    _edit(path, {"330602001001GB00001": {"状态": "推进中", "责任单位": "斗门街道经发办"}})
    before = path.read_bytes()
    result = run_cli(
        "ledger", "update", path, "--run", theirs, "--out", path, "--as-of", "2027-07-01"
    )
    text = assert_clean_error(result, contains="330602001001GB00001")
    assert "没有一宗相同" in text and str(theirs) in text and "--run" in text
    assert "未写出任何文件" in text
    assert path.read_bytes() == before
    # one plot in common is the same county: read, the others said row by row
    same = fake_run(
        tmp_path / "越城2027",
        [{"parcel_id": "330602001001GB00001"}, {"parcel_id": "330602001001GB00009"}],
        as_of="2027-06-30",
    )
    ok = run_cli("ledger", "update", path, "--run", same, "--out", path, "--as-of", "2027-07-01")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    ws = load_workbook(path)["治理台账"]
    assert sorted(ws.cell(r, 1).value for r in range(2, ws.max_row + 1)) == [
        "330602001001GB00001",
        "330602001001GB00002",
        "330602001001GB00009",
    ]


def _sort_history_newest_first(path):
    """Sort 状态变更记录 by 日期, newest first, as staff sort any sheet."""
    wb = load_workbook(path)
    ws = wb["状态变更记录"]
    rows = sorted(ws.iter_rows(min_row=2, values_only=True), key=lambda r: r[1], reverse=True)
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row, start=1):
            ws.cell(r, c).value = value
    wb.save(path)


def _delete_row(path, key):
    wb = load_workbook(path)
    ws = wb["治理台账"]
    ws.delete_rows(next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == key))
    wb.save(path)


def test_a_history_sorted_newest_first_still_gives_each_plot_its_last_status(tmp_path):
    # 2026-07-01 A and B listed (未启动); 2027-01-10 the 镇街 set both 推进中 (recorded). Staff
    # then sort 状态变更记录 newest first and delete A's row by mistake. Before: the status on
    # file was read as the sheet's last entry, 未启动 of 2026: A came back 未启动 (「状态：未启动」
    # in 问题记录) and B got a second 「未启动 → 推进中」 entry dated 2027-07-01, as if changed
    # again. Now: A comes back 推进中; B's history gains nothing; the sheet is in date order.
    path = _ledger_2026(tmp_path, "AB")
    _edit(path, {"A": {"状态": "推进中"}, "B": {"状态": "推进中"}})
    first = run_cli("ledger", "update", path, "--out", path, "--as-of", "2027-01-10")
    assert first.returncode == 0, first.stdout + first.stderr
    _sort_history_newest_first(path)
    _delete_row(path, "A")
    result = run_cli("ledger", "update", path, "--out", path, "--as-of", "2027-07-01")
    assert result.returncode == 0, result.stdout + result.stderr
    wb = load_workbook(path)
    ws = wb["治理台账"]
    head = [c.value for c in ws[1]]
    status = {
        ws.cell(r, 1).value: ws.cell(r, head.index("状态（填写）") + 1).value
        for r in range(2, ws.max_row + 1)
    }
    assert status == {"A": "推进中", "B": "推进中"}
    history = [r for r in wb["状态变更记录"].iter_rows(min_row=2, values_only=True)]
    assert [(r[0], r[1].date(), r[2], r[3]) for r in history] == [
        ("A", dt.date(2026, 7, 1), None, "未启动"),
        ("B", dt.date(2026, 7, 1), None, "未启动"),
        ("A", dt.date(2027, 1, 10), "未启动", "推进中"),
        ("B", dt.date(2027, 1, 10), "未启动", "推进中"),
    ]


def test_a_date_in_a_column_staff_added_stays_a_date(tmp_path):
    # The 镇街 adds a column 「核查日期」 and types dates in it (and a time of a site visit).
    # Before: the updated ledger held the text 「2027-03-01 00:00:00」 (no longer a date: it
    # sorts and filters as text, and shows a time nobody typed). Now: a date cell, 2027-03-01,
    # shown as a date; a time typed is kept with its time; a text stays the text typed.
    path = _ledger_2026(tmp_path, "ABC")
    wb = load_workbook(path)
    ws = wb["治理台账"]
    col = ws.max_column + 1
    ws.cell(1, col).value = "核查日期"
    rows = {ws.cell(r, 1).value: r for r in range(2, ws.max_row + 1)}
    ws.cell(rows["A"], col).value = dt.datetime(2027, 3, 1)
    ws.cell(rows["B"], col).value = dt.datetime(2027, 3, 2, 14, 30)
    ws.cell(rows["C"], col).value = "3月上旬"
    wb.save(path)
    result = run_cli("ledger", "update", path, "--out", path, "--as-of", "2027-07-01")
    assert result.returncode == 0, result.stdout + result.stderr
    ws = load_workbook(path)["治理台账"]
    col = [c.value for c in ws[1]].index("核查日期") + 1
    cells = {ws.cell(r, 1).value: ws.cell(r, col) for r in range(2, ws.max_row + 1)}
    assert cells["A"].is_date and cells["A"].value == dt.datetime(2027, 3, 1)
    assert cells["A"].number_format == "yyyy-mm-dd"
    assert cells["B"].is_date and cells["B"].value == dt.datetime(2027, 3, 2, 14, 30)
    assert cells["C"].data_type == "s" and cells["C"].value == "3月上旬"


def test_a_run_older_than_the_latest_batch_is_refused_though_it_listed_nothing_new(tmp_path):
    # 2026: A and B listed. 2027: A still listed, B 不列入 (亩均税收 9): 建议销号, and the run
    # listed no new plot, so every 列入日期 is still 2026-06-30. The next update is given the
    # 2026 folder again by mistake. Before: accepted (not older than the latest 列入日期):
    # 最新批次 went back to 「2026-06-30 列入治理清单」 and B's 建议销号 was gone, on last year's
    # figures. Now: 错误 naming both dates (the ledger's 最新批次 2027-06-30); nothing written.
    old = fake_run(tmp_path / "2026", [{"parcel_id": k} for k in "AB"], as_of="2026-06-30")
    new = fake_run(
        tmp_path / "2027",
        [{"parcel_id": "A"}, {"parcel_id": "B", "screening_status": "不列入", "tax_per_mu": 9}],
        as_of="2027-06-30",
    )
    path = tmp_path / "台账.xlsx"
    run_cli("ledger", "init", old, "--out", path, "--as-of", "2026-07-01")
    first = run_cli("ledger", "update", path, "--run", new, "--out", path, "--as-of", "2027-07-01")
    assert first.returncode == 0, first.stdout + first.stderr
    before = path.read_bytes()
    result = run_cli("ledger", "update", path, "--run", old, "--out", path, "--as-of", "2027-08-01")
    text = assert_clean_error(result, contains="2026-06-30")
    assert "2027-06-30" in text and "早于" in text and "--run" in text
    assert path.read_bytes() == before
    # the same run again is accepted
    again = run_cli("ledger", "update", path, "--run", new, "--out", path, "--as-of", "2027-08-01")
    assert again.returncode == 0, again.stdout + again.stderr


def _append_row(path, values):
    """Add a row at the foot of 治理台账 (values by header, without 「（填写）」)."""
    wb = load_workbook(path)
    ws = wb["治理台账"]
    col = {str(c.value).replace("（填写）", ""): c.column for c in ws[1] if c.value}
    r = ws.max_row + 1
    for name, value in values.items():
        ws.cell(r, col[name]).value = value
    wb.save(path)


def _sheet_rows(path, title):
    wb = load_workbook(path)
    if title not in wb.sheetnames:
        return []
    return [r for r in wb[title].iter_rows(min_row=2, values_only=True) if any(r)]


def test_rows_not_merged_stay_until_staff_delete_them(tmp_path):
    # A clerk adds A again on a second row, 已完成 where the first says 推进中, and a row for
    # a plot whose 宗地代码 reads 「#N/A」 (a VLOOKUP that found nothing), 责任单位 typed. The
    # update puts the three rows in 未合并的行 (A: 待核实, neither status used). The 镇街 sends
    # the file back as it was. Before: the second update dropped the sheet — A 未启动 with no
    # word left of 推进中 or 已完成, the 「#N/A」 row and its 责任单位 gone, nothing in 问题记录.
    # Now: the rows stay (原因 says so), each a warning naming its row; a row staff delete
    # from the sheet is gone on the next update.
    path = _ledger_2026(tmp_path, "AB")
    _edit(path, {"A": {"状态": "推进中", "责任单位": "斗门街道经发办"}})
    _append_row(path, {"宗地代码": "A", "状态": "已完成", "责任单位": "斗门街道经发办"})
    _append_row(path, {"宗地代码": "#N/A", "状态": "推进中", "责任单位": "马山街道经发办"})
    first = run_cli("ledger", "update", path, "--out", path, "--as-of", "2027-01-10")
    assert first.returncode == 0, first.stdout + first.stderr
    rows = _sheet_rows(path, "未合并的行")
    assert len(rows) == 3
    second = run_cli("ledger", "update", path, "--out", path, "--as-of", "2027-02-10")
    assert second.returncode == 0, second.stdout + second.stderr
    assert "3 行未能合并" in second.stdout
    kept = _sheet_rows(path, "未合并的行")
    assert sorted(map(str, kept)) == sorted(
        map(str, [(*r[:-1], "以前的更新中未合并，仍待处理：" + r[-1]) for r in rows])
    )
    assert any("马山街道经发办" in map(str, r) for r in kept)
    said = [r[4] for r in _sheet_rows(path, "问题记录") if "以前的更新中未能合并" in str(r[4])]
    assert len(said) == 3 and "「未合并的行」第 2 行（宗地代码 A）" in said[0]
    # kept again, said once more, the reason not doubled
    again = run_cli("ledger", "update", path, "--out", path, "--as-of", "2027-03-10")
    assert again.returncode == 0, again.stdout + again.stderr
    assert sorted(map(str, _sheet_rows(path, "未合并的行"))) == sorted(map(str, kept))
    # a row staff delete from the sheet is not brought back
    wb = load_workbook(path)
    wb["未合并的行"].delete_rows(2)
    wb.save(path)
    last = run_cli("ledger", "update", path, "--out", path, "--as-of", "2027-04-10")
    assert last.returncode == 0, last.stdout + last.stderr
    assert len(_sheet_rows(path, "未合并的行")) == 2


def test_a_marker_without_its_version_is_not_said_to_be_newer(tmp_path):
    # The hidden marker sheet's 「版本」 cell is cleared (the sheet unhidden and tidied up).
    # Before: 「文件版本 None 比本程序支持的版本 1 新…请升级 landgov」, which sends the 镇街 to
    # upgrade a program that is not too old. Now: 错误 naming the marker sheet, its 版本 cell
    # and what to do.
    path = _ledger_2026(tmp_path, "A")
    wb = load_workbook(path)
    ws = wb["landgov_标识"]
    next(r for r in ws.iter_rows(max_col=2) if r[0].value == "版本")[1].value = None
    wb.save(path)
    result = run_cli("ledger", "update", path, "--out", path, "--as-of", "2027-07-01")
    text = assert_clean_error(result, contains="landgov_标识")
    assert "None" not in text and "升级" not in text
    assert "「版本」一栏为空或不是数字" in text


def test_a_column_staff_added_twice_or_without_a_header_is_kept(tmp_path):
    # Two clerks each add a column 「备注」, and one types a note beside the table without a
    # header. Before: the second 「备注」 overwrote the first (「备注甲」 gone) and the column
    # without a header was not read (its note gone), nothing in 问题记录. Now: kept as 「备注」,
    # 「备注（2）」 and 「未命名列（W）」 (its column letter), each said in 问题记录.
    path = _ledger_2026(tmp_path, "AB")
    wb = load_workbook(path)
    ws = wb["治理台账"]
    n = ws.max_column  # T: the last column landgov wrote
    rows = {ws.cell(r, 1).value: r for r in range(2, ws.max_row + 1)}
    ws.cell(1, n + 1).value = "备注"
    ws.cell(1, n + 2).value = "备注"
    ws.cell(rows["A"], n + 1).value = "备注甲"
    ws.cell(rows["A"], n + 2).value = "备注乙"
    ws.cell(rows["B"], n + 3).value = "企业已搬迁"  # column W, no header
    wb.save(path)
    result = run_cli("ledger", "update", path, "--out", path, "--as-of", "2027-07-01")
    assert result.returncode == 0, result.stdout + result.stderr
    ws = load_workbook(path)["治理台账"]
    head = [c.value for c in ws[1]]
    assert head[n:] == ["备注", "备注（2）", "未命名列（W）"]
    got = {ws.cell(r, 1).value: [c.value for c in ws[r]][n:] for r in range(2, ws.max_row + 1)}
    assert got == {"A": ["备注甲", "备注乙", None], "B": [None, None, "企业已搬迁"]}
    said = " ".join(str(r[4]) for r in _sheet_rows(path, "问题记录"))
    assert "「备注」与 U 列相同" in said and "W 列没有表头" in said


def _column(path, name):
    ws = load_workbook(path)["治理台账"]
    at = [c.value for c in ws[1]].index(name) + 1
    return {ws.cell(r, 1).value: ws.cell(r, at).value for r in range(2, ws.max_row + 1)}


def test_a_listing_date_typed_over_or_lost_is_read_from_the_history(tmp_path):
    # 2026: A, B, C listed (列入日期 2026-06-30, in 状态变更记录). The sheet is unprotected and
    # A's 列入日期 typed over as 2028-01-01, B's as 「去年」; C's row is deleted. The update
    # is given the 2027 run. Before: refused, 「基准日期 2027-06-30 早于台账中已有的列入日期
    # 2028-01-01」 (without a run: A's 计划完成日期 2027-12-31 an error 「早于列入日期」, B's
    # 列入日期 left 「去年」, nothing checked against it; C restored with the newer run's date).
    # Now: all three 2026-06-30, from the history; A and B each a warning naming what was typed.
    runs = [
        fake_run(tmp_path / str(y), [{"parcel_id": k} for k in "ABC"], as_of=f"{y}-06-30")
        for y in (2026, 2027)
    ]
    path = tmp_path / "台账.xlsx"
    run_cli("ledger", "init", runs[0], "--out", path, "--as-of", "2026-07-01")
    _edit(
        path,
        {
            "A": {"列入日期": dt.datetime(2028, 1, 1), "计划完成日期": dt.datetime(2027, 12, 31)},
            "B": {"列入日期": "去年"},
        },
    )
    _delete_row(path, "C")
    result = run_cli(
        "ledger", "update", path, "--run", runs[1], "--out", path, "--as-of", "2027-07-01"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    listed = _column(path, "列入日期")
    assert listed == dict.fromkeys("ABC", dt.datetime(2026, 6, 30))
    problems = _sheet_rows(path, "问题记录")
    said = [r[4] for r in problems if r[2] == "列入日期"]
    assert len(said) == 2
    assert "「2028-01-01」与状态变更记录不符" in said[0] and "「去年」" in said[1]
    assert not any("早于列入日期" in str(r[4]) for r in problems)


def _history_dates(path, typed):
    """Type over the 日期 of 状态变更记录's entries, by 宗地代码 (``typed``: {key: what})."""
    wb = load_workbook(path)
    ws = wb["状态变更记录"]
    for r in range(2, ws.max_row + 1):
        if ws.cell(r, 1).value in typed:
            ws.cell(r, 2).value = typed[ws.cell(r, 1).value]
    wb.save(path)


def test_a_history_date_that_does_not_read_is_said_on_its_row(tmp_path):
    # Staff write the date of four 状态变更记录 entries as 「2027年6月前」, 「6月底」, 「明年」 and
    # 「2027-13-01」 (no such month). Before: read without a word (the entries kept, put before
    # the dated ones); nothing in 问题记录. Now: an 错误 row per cell naming the sheet, the row,
    # 日期 and what was typed, saying how it was read and asking for a full 年月日.
    path = _ledger_2026(tmp_path, "ABCDE")
    typed = {"A": "2027年6月前", "B": "6月底", "C": "明年", "D": "2027-13-01"}
    _history_dates(path, typed)
    result = run_cli("ledger", "update", path, "--out", path, "--as-of", "2027-07-01")
    assert result.returncode == 0, result.stdout + result.stderr
    said = [r for r in _sheet_rows(path, "问题记录") if r[2] == "日期"]
    assert [(r[1], r[3]) for r in said] == [
        (2, typed["A"]),
        (3, "6月底"),
        (4, "明年"),
        (5, typed["D"]),
    ]
    for row, (_, value) in zip(said, sorted(typed.items()), strict=True):
        assert "工作表「状态变更记录」" in row[4] and f"「{value}」" in row[4]
        assert "排在有日期的记录之前" in row[4]  # how it was read
        assert "完整的年月日，如 2027-06-30" in row[5] and row[6] == "错误"
    # the entries are kept as typed, and the plots' statuses are read as before
    history = _sheet_rows(path, "状态变更记录")
    assert {r[0]: r[1] for r in history if r[0] in typed} == typed
    assert set(_column(path, "状态（填写）").values()) == {"未启动"}


def _serial(day):
    return (day - dt.date(1899, 12, 30)).days


def test_a_volatile_formula_is_read_by_the_value_saved_and_said(tmp_path):
    # A clerk types 计划完成日期 as 「=TODAY()+30」 and saves the file on 2027-05-01 (Excel stores
    # 2027-05-31 beside it); 状态变更记录 gets a 「=now()」 as a date. Before: read as
    # 2027-05-31 and 2027-05-01 without a word, though the formula gives another day each time
    # the file is opened. Now: read so, and a 警告 per cell naming the sheet, the row, the
    # column, the formula and the value read, asking for the date itself. A formula calling no
    # such function (「=DATE(2027,6,30)」), or naming one only inside a text, is not said.
    path = _ledger_2026(tmp_path, "ABC")
    wb = load_workbook(path)
    ws = wb["治理台账"]
    col = {str(c.value).replace("（填写）", ""): c.column_letter for c in ws[1] if c.value}
    row = {ws.cell(r, 1).value: r for r in range(2, ws.max_row + 1)}
    due, note = col["计划完成日期"], col["进展说明"]
    ws[f"{due}{row['A']}"] = "=TODAY()+30"
    ws[f"{due}{row['B']}"] = "=DATE(2027,6,30)"
    ws[f"{note}{row['C']}"] = '="按 TODAY() 计"'
    wb["状态变更记录"]["B4"] = "=now()"  # C's entry
    wb.save(path)
    with_saved_results(
        path,
        "治理台账",
        {
            f"{due}{row['A']}": _serial(dt.date(2027, 5, 31)),
            f"{due}{row['B']}": _serial(dt.date(2027, 6, 30)),
            f"{note}{row['C']}": "按 TODAY() 计",
        },
    )
    with_saved_results(path, "状态变更记录", {"B4": _serial(dt.date(2027, 5, 1))})
    result = run_cli("ledger", "update", path, "--out", path, "--as-of", "2027-07-01")
    assert result.returncode == 0, result.stdout + result.stderr
    assert _column(path, "计划完成日期（填写）") == {
        "A": dt.datetime(2027, 5, 31),
        "B": dt.datetime(2027, 6, 30),
        "C": None,
    }
    said = [r for r in _sheet_rows(path, "问题记录") if "=" in str(r[3])]
    assert [(r[1], r[2], r[3], r[6]) for r in said] == [
        (row["A"], "计划完成日期", "=TODAY()+30", "警告"),
        (4, "日期", "=now()", "警告"),
    ]
    ledger, history = said
    assert f"工作表「治理台账」单元格 {due}{row['A']}" in ledger[4]
    assert "「2027-05-31」" in ledger[4] and "TODAY" in ledger[4]
    assert "最后保存" in ledger[4] and "不会再变化" in ledger[4]
    assert "工作表「状态变更记录」单元格 B4" in history[4] and "「2027-05-01」" in history[4]
    assert "直接填写日期" in ledger[5] and "2027-06-30" in ledger[5]


def test_a_line_break_excel_stored_as_x000d_in_the_history_reads_back_as_one(tmp_path):
    # Excel stores a carriage return typed in a cell (Alt+Enter in some writers) as 「_x000D_」;
    # openpyxl hands it on as that text. Before: the 说明 of a 状态变更记录 entry came back as
    # 「第一行_x000D_第二行」, and was written so into the next ledger. Now it is read as the
    # returned 治理台账 sheet and every table reader read it: one decoder (core.safe_text).
    from landgov.core.problems import ProblemLog
    from landgov.ledger._book import read_history
    from tests._hostile_xlsx import as_excel_stores

    path = _ledger_2026(tmp_path, "AB")
    wb = load_workbook(path)
    ws = wb["状态变更记录"]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == "A")
    ws.cell(row, 6).value = "PLACEHOLDER1"
    wb.save(path)
    as_excel_stores(path, {"PLACEHOLDER1": ("第一行_x000D_第二行", True)})
    history = read_history(path, ProblemLog("台账.xlsx"))
    said = history.loc[history["宗地代码"] == "A", "说明"].tolist()
    assert said == ["第一行\r第二行"]


def test_a_blank_history_date_is_said_on_its_row(tmp_path):
    # Staff clear the 日期 of 状态变更记录's entry for plot B (every entry landgov writes has
    # one). Before: read without a word, the entry put before the dated ones, so never taken
    # for B's latest status. Now: a 警告 on its row naming 日期, saying so, asking for a date.
    path = _ledger_2026(tmp_path, "ABC")
    _history_dates(path, {"B": None})
    result = run_cli("ledger", "update", path, "--out", path, "--as-of", "2027-07-01")
    assert result.returncode == 0, result.stdout + result.stderr
    said = [r for r in _sheet_rows(path, "问题记录") if r[2] == "日期"]
    assert [(r[1], r[6]) for r in said] == [(3, "警告")]
    assert "日期未填写" in said[0][4] and "不作为该宗地的最新状态" in said[0][4]
    assert said[0][5] == "请填写完整的年月日，如 2027-06-30"


def test_a_history_date_holding_an_excel_error_is_said_once(tmp_path):
    # The 日期 of B's 状态变更记录 entry is a formula gone wrong: the cell holds 「#VALUE!」.
    # Before: 「…不是所填的内容，按未填写（待核实）处理；已保留所填内容，按日期不明处理…」, two
    # readings in one message, and the action asked to fix a formula, not for a date. Now: one
    # reading, naming the sheet, the cell, the value and what to do (a full 年月日).
    path = _ledger_2026(tmp_path, "ABC")
    _history_dates(path, {"B": "#VALUE!"})
    result = run_cli("ledger", "update", path, "--out", path, "--as-of", "2027-07-01")
    assert result.returncode == 0, result.stdout + result.stderr
    said = [r for r in _sheet_rows(path, "问题记录") if r[2] == "日期"]
    assert [(r[1], r[3], r[6]) for r in said] == [(3, "#VALUE!", "错误")]
    problem, action = said[0][4], said[0][5]
    assert "工作表「状态变更记录」单元格 B3" in problem and "「#VALUE!」" in problem
    assert problem.count("处理") == 1 and "按未填写" not in problem
    assert "不作为该宗地的最新状态" in problem
    assert action.startswith("请填写完整的年月日，如 2027-06-30")


def test_formulas_without_results_outside_the_columns_to_fill_in_are_said(tmp_path):
    # The 台账 goes through a script (openpyxl: formulas written, no results stored). A clerk
    # added a column 「核查面积」 with 「=D2*666.67」 on A's and B's rows and, in the column
    # beside it without a header, 「=TODAY()-30」 on B's; another typed 「=1+1」 over A's
    # 面积（亩） (a computed column: the sheet was unprotected). Before: all four read as empty
    # without a word — the clerk's column came back blank, its formulas gone, and A's 面积 was
    # blank in the new 台账. Now: the clerk's formulas are kept as typed (written back as text),
    # said once for the sheet naming the cells; A's 面积 is read as empty and said on its row.
    path = _ledger_2026(tmp_path, "AB")
    wb = load_workbook(path)
    ws = wb["治理台账"]
    n = ws.max_column
    head = {str(c.value): c.column_letter for c in ws[1] if c.value}
    rows = {ws.cell(r, 1).value: r for r in range(2, ws.max_row + 1)}
    own, beside = ws.cell(1, n + 1).column_letter, ws.cell(1, n + 2).column_letter
    ws[f"{own}1"] = "核查面积"
    for key in "AB":
        ws[f"{own}{rows[key]}"] = f"={head['面积（亩）']}{rows[key]}*666.67"
    ws[f"{beside}{rows['B']}"] = "=TODAY()-30"
    area = f"{head['面积（亩）']}{rows['A']}"
    ws[area] = "=1+1"
    wb.save(path)
    result = run_cli("ledger", "update", path, "--out", path, "--as-of", "2027-07-01")
    assert result.returncode == 0, result.stdout + result.stderr
    ws = load_workbook(path)["治理台账"]
    assert [c.value for c in ws[1]][n:] == ["核查面积", f"未命名列（{beside}）"]
    got = {ws.cell(r, 1).value: [c.value for c in ws[r]][n:] for r in range(2, ws.max_row + 1)}
    assert got == {
        "A": [f"={head['面积（亩）']}{rows['A']}*666.67", None],
        "B": [f"={head['面积（亩）']}{rows['B']}*666.67", "=TODAY()-30"],
    }
    assert ws.cell(rows["B"], n + 2).data_type == "s"  # text, not a formula run again
    said = [r for r in _sheet_rows(path, "问题记录") if "没有其计算结果" in str(r[4])]
    assert [(r[1], r[2], r[6]) for r in said] == [
        (rows["A"], "面积（亩）", "警告"),
        (None, "自行添加的列", "警告"),
    ]
    computed, mine = said
    assert f"单元格 {area}" in computed[4] and "「=1+1」" in computed[4]
    assert "待核实" in computed[4] and "恢复" in computed[5]
    cells = [f"{own}{rows['A']}", f"{own}{rows['B']}", f"{beside}{rows['B']}"]
    assert "单元格 " + "、".join(cells) + " 为公式" in mine[4] and "已按公式原文保留" in mine[4]


def test_history_cells_said_as_errors_are_marked_as_the_ledgers_are(tmp_path):
    # B's 状态变更记录 日期 is typed 「明年」, C's 新状态 is a formula a script wrote without its
    # result, and A's 状态 on 治理台账 is 「办结」 (not a choice). Before: A's cell came back
    # orange with a comment, but B's and C's history cells came back plain, though the CLI
    # counted them among the problems 「见工作表「问题记录」和「系统提示」列」 and 系统提示 never
    # names them. Now: they are marked the same way (fill and 「请修改：」 comment), and the CLI
    # line says where.
    path = _ledger_2026(tmp_path, "ABC")
    _history_dates(path, {"B": "明年"})
    wb = load_workbook(path)
    ws = wb["状态变更记录"]
    row = {ws.cell(r, 1).value: r for r in range(2, ws.max_row + 1)}
    ws.cell(row["C"], 4).value = '="推进"&"中"'
    wb.save(path)
    _edit(path, {"A": {"状态": "办结"}})
    result = run_cli("ledger", "update", path, "--out", path, "--as-of", "2027-07-01")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "「状态变更记录」中出错的 2 个单元格已标为橙色并加批注" in result.stdout
    wb = load_workbook(path)
    ledger, history = wb["治理台账"], wb["状态变更记录"]
    status = [c.value for c in ledger[1]].index("状态（填写）") + 1
    a = next(r for r in range(2, ledger.max_row + 1) if ledger.cell(r, 1).value == "A")
    orange = ledger.cell(a, status).fill.fgColor.rgb
    marked = {
        (c.row, c.column): c.comment.text
        for h in history.iter_rows(min_row=2)
        for c in h
        if c.comment is not None
    }
    said = {(history.cell(r, 1).value, c): text for (r, c), text in marked.items()}
    assert set(said) == {("B", 2), ("C", 4)}  # sorted: B's undated entry now comes first
    assert "请修改：" in said[("B", 2)] and "「明年」" in said[("B", 2)]
    assert '「="推进"&"中"」' in said[("C", 4)]
    for r in range(2, history.max_row + 1):
        for c in range(1, 7):
            assert (history.cell(r, c).fill.fgColor.rgb == orange) == ((r, c) in marked)


def test_a_plot_code_excel_turned_into_a_number_is_not_merged_as_another_plot(tmp_path):
    # A clerk's Excel turned B's 宗地代码 into a number: 3.30602E+18, its last digits gone
    # (read back as 3306020010009999872), 状态 推进中 typed on that row. Before: read as a
    # plot landgov never listed — added to the 台账 as a 19-digit plot (宗地数 3 + 1), said only
    # as 「手工添加的行或改动了宗地代码」. Now: the row names no plot: 错误 naming the cell, the
    # number and what to do; kept in 未合并的行 with what was typed; B restored from history.
    path = _ledger_2026(tmp_path, "ABC")
    wb = load_workbook(path)
    ws = wb["治理台账"]
    status = [str(c.value) for c in ws[1]].index("状态（填写）") + 1
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == "B")
    ws.cell(row, 1).value = 3.30602001001e18
    ws.cell(row, status).value = "推进中"
    wb.save(path)
    result = run_cli("ledger", "update", path, "--out", path, "--as-of", "2027-07-01")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "（3 宗；" in result.stdout
    assert set(_column(path, "状态（填写）")) == {"A", "B", "C"}
    said = [r for r in _sheet_rows(path, "问题记录") if r[1] == row and r[2] == "宗地代码"]
    assert len(said) == 1 and said[0][6] == "错误"
    assert f"单元格 A{row}" in said[0][4] and "3.30602001001e+18" in said[0][4]
    assert "科学计数法" in said[0][4] and "文本格式" in said[0][5]
    unmerged = _sheet_rows(path, "未合并的行")
    head = [c.value for c in load_workbook(path)["未合并的行"][1]]
    assert len(unmerged) == 1 and "推进中" in unmerged[0]
    assert "被存为数字" in unmerged[0][head.index("原因")]
    restored = [r[4] for r in _sheet_rows(path, "问题记录") if r[3] == "B"]
    assert len(restored) == 1 and "被 Excel 存为数字" in restored[0]


def test_a_deleted_row_is_said_once_as_restored(tmp_path):
    # A clerk deletes B's row. Before: two 警告 for B — 「…的行已不在工作表「治理台账」中」
    # asking to restore the row from the last file, then 「…已按状态变更记录恢复」: the first
    # asked for what the second said was done. Now: one, saying B was restored.
    path = _ledger_2026(tmp_path, "ABC")
    _delete_row(path, "B")
    result = run_cli("ledger", "update", path, "--out", path, "--as-of", "2027-07-01")
    assert result.returncode == 0, result.stdout + result.stderr
    said = [r for r in _sheet_rows(path, "问题记录") if r[3] == "B"]
    assert len(said) == 1 and "已按状态变更记录恢复" in said[0][4]
    assert set(_column(path, "宗地代码")) == {"A", "B", "C"}


def test_the_cli_line_counts_a_status_that_does_not_read(tmp_path):
    # A's 状态 is typed 「办结」 (not a choice). Before: 「（3 宗；未启动 2、推进中 0、已完成 0、
    # 已销号 0、销号待核实 0；…」: the counts add up to 2 of 3 and the line says nothing of the
    # third. Now: 「其他或未填 1」 is in the line, as in 镇街进度.
    path = _ledger_2026(tmp_path, "ABC")
    _edit(path, {"A": {"状态": "办结"}})
    result = run_cli("ledger", "update", path, "--out", path, "--as-of", "2027-07-01")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "（3 宗；未启动 2、" in result.stdout and "其他或未填 1；" in result.stdout
    clean = run_cli("ledger", "init", tmp_path / "2026", "--out", tmp_path / "新.xlsx")
    assert "其他或未填" not in clean.stdout


def test_a_renamed_history_sheet_is_still_the_history(tmp_path):
    # A clerk renames 状态变更记录 to 「变更记录」. Before: 「台账中没有「状态变更记录」工作表…
    # 如系误删，请从上一版台账复制回来」 though the sheet was there, and the next 台账's history
    # began again: every entry before gone (A's 推进中 of 2027-01-10 among them). Now: the sheet
    # is found by its header, read (a 提示 naming it), and written back under its name.
    path = _ledger_2026(tmp_path, "AB")
    _edit(path, {"A": {"状态": "推进中"}})
    run_cli("ledger", "update", path, "--out", path, "--as-of", "2027-01-10")
    before = _sheet_rows(path, "状态变更记录")
    wb = load_workbook(path)
    wb["状态变更记录"].title = "变更记录"
    wb.save(path)
    result = run_cli("ledger", "update", path, "--out", path, "--as-of", "2027-07-01")
    assert result.returncode == 0, result.stdout + result.stderr
    assert _sheet_rows(path, "状态变更记录") == before and len(before) == 3
    assert "变更记录" not in load_workbook(path).sheetnames
    said = [r for r in _sheet_rows(path, "问题记录") if "变更记录" in str(r[4])]
    assert [r[6] for r in said] == ["提示"]
    assert "工作表「变更记录」" in said[0][4] and "按「状态变更记录」读取" in said[0][4]


def test_a_formula_without_its_result_in_rows_not_merged_is_kept(tmp_path):
    # A row of 未合并的行 (the 「#N/A」 plot's) goes through a script: its 责任单位 becomes
    # 「=UPPER("马山街道经发办")」 with no stored result. Before: read as empty without a word —
    # the row's 责任单位 gone from the next 台账. Now: kept as its formula (written back as
    # text), one 警告 naming the sheet and cell.
    path = _ledger_2026(tmp_path, "AB")
    _append_row(path, {"宗地代码": "#N/A", "状态": "推进中", "责任单位": "马山街道经发办"})
    run_cli("ledger", "update", path, "--out", path, "--as-of", "2027-01-10")
    wb = load_workbook(path)
    ws = wb["未合并的行"]
    col = [c.value for c in ws[1]].index("责任单位") + 1
    cell = ws.cell(2, col)
    cell.value = '=UPPER("马山街道经发办")'
    wb.save(path)
    result = run_cli("ledger", "update", path, "--out", path, "--as-of", "2027-02-10")
    assert result.returncode == 0, result.stdout + result.stderr
    kept = load_workbook(path)["未合并的行"].cell(2, col)
    assert (kept.value, kept.data_type) == ('=UPPER("马山街道经发办")', "s")
    said = [r for r in _sheet_rows(path, "问题记录") if "没有其计算结果" in str(r[4])]
    assert [(r[3], r[6]) for r in said] == [(cell.coordinate, "警告")]
    assert f"工作表「未合并的行」中，单元格 {cell.coordinate} 为公式" in said[0][4]


def _history_flags(path):
    """{(row, column header): comment} of the flagged cells of 状态变更记录."""
    ws = load_workbook(path)["状态变更记录"]
    head = [c.value for c in ws[1]]
    return {
        (c.row, head[c.column - 1]): c.comment.text
        for row in ws.iter_rows(min_row=2)
        for c in row
        if c.comment is not None and c.fill.fgColor.rgb.endswith("F4B183")
    }


def test_history_codes_and_statuses_are_checked_as_the_ledger_sheet_checks_them(tmp_path):
    # A clerk types entries into 状态变更记录 by hand: one for plot 「Z」 (no such plot), one
    # whose 宗地代码 Excel stored as a number (3.30602E+18, digits lost), one with the code left
    # blank, and two whose 新状态 is no status (「已完成了」, 「推进」). Before: every one taken
    # as typed without a word (「3.30602001001e+18」 became a plot's history). Now: each is
    # said (sheet, row, field, value, what to do), its cell flagged, and the entry kept.
    path = _ledger_2026(tmp_path, "AB")
    wb = load_workbook(path)
    ws = wb["状态变更记录"]
    typed = [
        ("Z", "推进中"),
        (3.30602001001e18, "推进中"),
        (None, "已完成"),
        ("A", "已完成了"),
        ("B", "推进"),
    ]
    for code, status in typed:
        ws.append([code, dt.datetime(2027, 1, 10), "未启动", status, "填写", "手工补记"])
    wb.save(path)
    result = run_cli("ledger", "update", path, "--out", path, "--as-of", "2027-07-01")
    assert result.returncode == 0, result.stdout + result.stderr
    history = _sheet_rows(path, "状态变更记录")
    kept = [(r[0], r[3]) for r in history if r[5] == "手工补记"]
    assert kept == [
        ("Z", "推进中"),
        ("3.30602001001e+18", "推进中"),
        (None, "已完成"),
        ("A", "已完成了"),
        ("B", "推进"),
    ]
    said = {
        (r[1], r[2]): r
        for r in _sheet_rows(path, "问题记录")
        if "工作表「状态变更记录」" in str(r[4])
    }
    assert set(said) == {(4, "宗地代码"), (5, "宗地代码"), (6, "宗地代码"), (7, "新状态"),
                         (8, "新状态")}  # fmt: skip
    assert "Z" in said[4, "宗地代码"][4] and said[4, "宗地代码"][6] == "警告"
    assert "科学计数法" in said[5, "宗地代码"][4] and said[5, "宗地代码"][6] == "错误"
    assert "为空" in said[6, "宗地代码"][4] and said[6, "宗地代码"][6] == "错误"
    for r, status in ((7, "已完成了"), (8, "推进")):
        assert f"「{status}」不是可选值" in said[r, "新状态"][4]
        assert said[r, "新状态"][6] == "错误" and "下拉列表" in said[r, "新状态"][5]
    # the written history puts the entries in date order: find the flagged cells by what they hold
    out = load_workbook(path)["状态变更记录"]
    at = {(out.cell(r, 1).value, out.cell(r, 4).value): r for r in range(2, out.max_row + 1)}
    flagged = _history_flags(path)
    for code, status, column in [
        ("Z", "推进中", "宗地代码"),
        ("3.30602001001e+18", "推进中", "宗地代码"),
        (None, "已完成", "宗地代码"),
        ("A", "已完成了", "新状态"),
        ("B", "推进", "新状态"),
    ]:
        assert flagged[at[code, status], column].startswith("请修改："), (code, column)


@pytest.mark.parametrize("how", ["renamed", "copied"])
def test_a_renamed_or_copied_rows_not_merged_sheet_is_still_read(tmp_path, how):
    # The 「#N/A」 row (责任单位 马山街道经发办 typed) went to 未合并的行 on the first update. A
    # clerk renames that sheet 「未合并」, or copies it (「未合并的行 (2)」) and deletes the
    # original. Before: read as no sheet at all — the row, and all it held, gone from the next
    # 台账 without a word. Now: the sheet is found by its header (宗地代码, 行号, 原因), read with
    # a 提示 naming it, and its rows kept in 未合并的行 (the sheet under its own name again).
    path = _ledger_2026(tmp_path, "AB")
    _append_row(path, {"宗地代码": "#N/A", "状态": "推进中", "责任单位": "马山街道经发办"})
    first = run_cli("ledger", "update", path, "--out", path, "--as-of", "2027-01-10")
    assert first.returncode == 0, first.stdout + first.stderr
    wb = load_workbook(path)
    name = "未合并" if how == "renamed" else "未合并的行 (2)"
    if how == "renamed":
        wb["未合并的行"].title = name
    else:
        wb.copy_worksheet(wb["未合并的行"]).title = name
        wb.remove(wb["未合并的行"])
    wb.save(path)
    result = run_cli("ledger", "update", path, "--out", path, "--as-of", "2027-02-10")
    assert result.returncode == 0, result.stdout + result.stderr
    assert name not in load_workbook(path).sheetnames
    kept = _sheet_rows(path, "未合并的行")
    assert len(kept) == 1 and "马山街道经发办" in kept[0]
    said = [r for r in _sheet_rows(path, "问题记录") if f"「{name}」" in str(r[4])]
    assert [r[6] for r in said] == ["提示", "警告"]
    assert "按「未合并的行」读取" in said[0][4] and "第 2 行" in said[1][4]


def test_a_renamed_data_sheet_is_said_as_a_renamed_history_sheet_is(tmp_path):
    # A clerk renames 治理台账 to 「斗门台账」. The sheet was read (found by its header) without a
    # word, while a renamed 状态变更记录 is a 提示 naming it: now the data sheet's is too.
    path = _ledger_2026(tmp_path, "AB")
    _edit(path, {"A": {"状态": "推进中"}})
    wb = load_workbook(path)
    wb["治理台账"].title = "斗门台账"
    wb.save(path)
    result = run_cli("ledger", "update", path, "--out", path, "--as-of", "2027-07-01")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "斗门台账" not in load_workbook(path).sheetnames
    assert set(_column(path, "状态（填写）").values()) == {"推进中", "未启动"}
    said = [r for r in _sheet_rows(path, "问题记录") if "斗门台账" in str(r[4])]
    assert [r[6] for r in said] == ["提示"]
    assert "工作表「斗门台账」" in said[0][4] and "按「治理台账」读取" in said[0][4]


def test_a_history_entry_that_does_not_read_is_no_plots_status(tmp_path):
    # A clerk types an entry (B, 未启动 → 「推进」) into 状态变更记录; 「推进」 is no status. The
    # entry is kept and marked, and said to be 「不作为任何宗地的状态」. Before: it was still
    # taken as B's last status, so B's 状态 on the 治理台账 (unchanged) read as a change, and
    # the update recorded 「推进 → …」, a change that never happened. Now: B's last status is
    # its last entry that reads, and no change is recorded for B.
    path = _ledger_2026(tmp_path, "AB")
    wb = load_workbook(path)
    wb["状态变更记录"].append(["B", dt.datetime(2027, 1, 10), "未启动", "推进", "填写", "手工补记"])
    wb.save(path)
    result = run_cli("ledger", "update", path, "--out", path, "--as-of", "2027-07-01")
    assert result.returncode == 0, result.stdout + result.stderr
    history = _sheet_rows(path, "状态变更记录")
    assert [r for r in history if r[2] == "推进"] == [], history
    assert any(r[0] == "B" and r[3] == "推进" and r[5] == "手工补记" for r in history)
    said = [r for r in _sheet_rows(path, "问题记录") if "「推进」不是可选值" in str(r[4])]
    assert len(said) == 1 and "不作为任何宗地的状态" in said[0][5]


def test_a_renamed_ledger_sheet_moved_last_is_read_not_its_rows_not_merged(tmp_path):
    # After the first update 未合并的行 holds a row (#N/A, 推进中) with every 治理台账 column.
    # A clerk renames 治理台账 to 「Sheet1」 (WPS), types B 推进中 and drags the sheet to the
    # end, behind 未合并的行. Both sheets hold 宗地代码 and the columns to fill in, as many of
    # them: the one first in the file was read — 未合并的行, so B's 推进中 was lost and the
    # unmerged row read as the ledger. Now landgov's own 未合并的行 (by its name or its header)
    # is never taken for the data sheet.
    path = _ledger_2026(tmp_path, "AB")
    _append_row(path, {"宗地代码": "#N/A", "状态": "推进中", "责任单位": "马山街道经发办"})
    first = run_cli("ledger", "update", path, "--out", path, "--as-of", "2027-01-10")
    assert first.returncode == 0, first.stdout + first.stderr
    assert len(_sheet_rows(path, "未合并的行")) == 1
    _edit(path, {"B": {"状态": "推进中", "责任单位": "斗门街道经发办"}})
    wb = load_workbook(path)
    ws = wb["治理台账"]
    ws.title = "Sheet1"
    wb.move_sheet(ws, offset=len(wb.sheetnames))
    wb.save(path)
    result = run_cli("ledger", "update", path, "--out", path, "--as-of", "2027-02-10")
    assert result.returncode == 0, result.stdout + result.stderr
    rows = {r[0]: r for r in _sheet_rows(path, "治理台账")}
    head = [c.value for c in load_workbook(path)["治理台账"][1]]
    status = next(i for i, h in enumerate(head) if str(h).startswith("状态"))
    assert set(rows) == {"A", "B"}, rows
    assert rows["B"][status] == "推进中"
    assert len(_sheet_rows(path, "未合并的行")) == 1


def _add_entries(path, entries):
    """Type entries at the foot of 状态变更记录: (宗地代码, 日期, 原状态, 新状态) each."""
    wb = load_workbook(path)
    ws = wb["状态变更记录"]
    for code, day, before, after in entries:
        ws.append([code, day, before, after, "填写", "手工补记"])
    wb.save(path)


def _history_said(path, field):
    """{row: problem row} of 问题记录 about the 状态变更记录 column ``field``."""
    return {
        r[1]: r
        for r in _sheet_rows(path, "问题记录")
        if r[2] == field and "工作表「状态变更记录」" in str(r[4])
    }


def test_a_history_before_status_that_is_no_status_is_said_and_marked(tmp_path):
    # A clerk types three entries into 状态变更记录 by hand, 新状态 推进中 each (as on the
    # 治理台账), 原状态 typed 「推进」, 「已完成了」 and 「#N/A」 (a VLOOKUP that found nothing).
    # Before: 原状态 taken as typed without a word. Now: each an 错误 on its row (sheet, row,
    # 原状态, what was typed, what to do), the cell marked, the entry kept as typed, and each
    # plot's status read from the 新状态 as before (no change recorded).
    path = _ledger_2026(tmp_path, "ABC")
    _edit(path, {k: {"状态": "推进中"} for k in "ABC"})
    day = dt.datetime(2027, 1, 10)
    typed = {"A": "推进", "B": "已完成了", "C": "#N/A"}
    _add_entries(path, [(k, day, before, "推进中") for k, before in typed.items()])
    result = run_cli("ledger", "update", path, "--out", path, "--as-of", "2027-07-01")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    said = _history_said(path, "原状态")
    assert sorted(said) == [5, 6, 7]
    for r, (key, before) in zip((5, 6, 7), typed.items(), strict=True):
        problem, action = said[r][4], said[r][5]
        assert said[r][3] == before and said[r][6] == "错误", said[r]
        assert f"单元格 C{r}" in problem and f"「{before}」" in problem
        assert "下拉列表" in action or "修正公式" in action
        assert "按未填写" not in problem, problem
        assert "新状态" in action and "不影响" in action, (key, action)
    history = _sheet_rows(path, "状态变更记录")
    assert {r[0]: r[2] for r in history if r[5] == "手工补记"} == typed
    assert not [r for r in history if r[1] == dt.datetime(2027, 7, 1)], history
    flagged = _history_flags(path)
    assert {c for (_, c) in flagged} == {"原状态"} and len(flagged) == 3


def test_a_history_before_status_against_the_plots_previous_entry_is_said(tmp_path):
    # A and B are listed 未启动 on 2026-07-01. A clerk types A 「推进中 → 已完成」 and B
    # 「未启动 → 推进中」 (both dated 2027-01-10) and sets the 治理台账 as they say; then sorts the
    # history newest first. Before: A's 原状态 「推进中」 taken without a word though A was
    # never recorded 推进中. Now: a 警告 on A's row naming both statuses and the entry before
    # it; the cell marked; A's status still 已完成 (nothing changed); B, consistent, not said.
    path = _ledger_2026(tmp_path, "AB")
    _edit(path, {"A": {"状态": "已完成"}, "B": {"状态": "推进中"}})
    day = dt.datetime(2027, 1, 10)
    _add_entries(path, [("A", day, "推进中", "已完成"), ("B", day, "未启动", "推进中")])
    _sort_history_newest_first(path)  # A's entry is now on row 2 or 3
    wb = load_workbook(path)
    ws = wb["状态变更记录"]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 4).value == "已完成")
    result = run_cli("ledger", "update", path, "--out", path, "--as-of", "2027-07-01")
    assert result.returncode == 0, result.stdout + result.stderr
    said = _history_said(path, "原状态")
    assert list(said) == [row]
    problem, action = said[row][4], said[row][5]
    assert said[row][3] == "推进中" and said[row][6] == "警告"
    assert f"单元格 C{row}" in problem and "「推进中」" in problem and "「未启动」" in problem
    assert "A" in problem and "上一条记录" in problem
    assert "请核对" in action and "不影响" in action
    assert set(_column(path, "状态（填写）").values()) == {"已完成", "推进中"}
    history = _sheet_rows(path, "状态变更记录")
    assert not [r for r in history if r[1] == dt.datetime(2027, 7, 1)], history
    out = load_workbook(path)["状态变更记录"]
    done = next(r for r in range(2, out.max_row + 1) if out.cell(r, 4).value == "已完成")
    assert list(_history_flags(path)) == [(done, "原状态")]


def test_a_blank_history_new_status_is_said_and_is_no_status(tmp_path):
    # A clerk types an entry for B dated 2027-01-10, 原状态 未启动, 新状态 left blank. Before:
    # read without a word, and taken as B's last status (blank): the update recorded a change
    # 「（空）→ 未启动」 for B that never happened. Now: a 警告 on its row, as a blank 日期 is;
    # the entry kept, no plot's status; nothing recorded for B.
    path = _ledger_2026(tmp_path, "AB")
    _add_entries(path, [("B", dt.datetime(2027, 1, 10), "未启动", None)])
    result = run_cli("ledger", "update", path, "--out", path, "--as-of", "2027-07-01")
    assert result.returncode == 0, result.stdout + result.stderr
    said = _history_said(path, "新状态")
    assert list(said) == [4] and said[4][6] == "警告"
    assert "新状态未填写" in said[4][4] and "不作为任何宗地的状态" in said[4][4]
    assert "下拉列表" in said[4][5]
    history = _sheet_rows(path, "状态变更记录")
    assert not [r for r in history if r[1] == dt.datetime(2027, 7, 1)], history
    assert [r[0] for r in history if r[5] == "手工补记"] == ["B"]


def test_an_error_value_as_a_history_new_status_is_said_as_it_is_read(tmp_path):
    # B's 新状态 in a typed entry is 「#N/A」. The entry is kept as typed and is no plot's
    # status. Before: said 「…按未填写（待核实）处理」, which is not what is done. Now: the
    # problem names the cell and the value, and says the entry is kept, no plot's status.
    path = _ledger_2026(tmp_path, "AB")
    _add_entries(path, [("B", dt.datetime(2027, 1, 10), "未启动", "#N/A")])
    result = run_cli("ledger", "update", path, "--out", path, "--as-of", "2027-07-01")
    assert result.returncode == 0, result.stdout + result.stderr
    said = _history_said(path, "新状态")
    assert list(said) == [4] and said[4][3] == "#N/A" and said[4][6] == "错误"
    problem, action = said[4][4], said[4][5]
    assert "单元格 D4" in problem and "「#N/A」" in problem
    assert "按未填写" not in problem + action and "待核实" not in problem
    assert "不作为任何宗地的状态" in problem + action
    history = _sheet_rows(path, "状态变更记录")
    assert [r[3] for r in history if r[5] == "手工补记"] == ["#N/A"]
    assert not [r for r in history if r[1] == dt.datetime(2027, 7, 1)], history


@pytest.mark.parametrize("typed", [False, True])
def test_a_copy_of_rows_not_merged_beside_the_original_is_read(tmp_path, typed):
    # The 「#N/A」 row (责任单位 马山街道经发办) went to 未合并的行. A clerk copies that sheet
    # (「未合并的行 (2)」) and keeps both; in the copy, maybe, retypes 责任单位. Before: the copy
    # was passed over without a word (what was typed there gone from the next 台账). Now: it is
    # read as well (a 提示 naming it), a row the same on both kept once, a different one kept
    # and said as the original's rows are; the next 台账 has one 未合并的行 sheet.
    path = _ledger_2026(tmp_path, "AB")
    _append_row(path, {"宗地代码": "#N/A", "状态": "推进中", "责任单位": "马山街道经发办"})
    first = run_cli("ledger", "update", path, "--out", path, "--as-of", "2027-01-10")
    assert first.returncode == 0, first.stdout + first.stderr
    wb = load_workbook(path)
    copy = wb.copy_worksheet(wb["未合并的行"])
    copy.title = "未合并的行 (2)"
    if typed:
        col = [c.value for c in copy[1]].index("责任单位") + 1
        copy.cell(2, col).value = "马山街道办事处"
    wb.save(path)
    result = run_cli("ledger", "update", path, "--out", path, "--as-of", "2027-02-10")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "未合并的行 (2)" not in load_workbook(path).sheetnames
    kept = _sheet_rows(path, "未合并的行")
    offices = {v for r in kept for v in r if v in ("马山街道经发办", "马山街道办事处")}
    assert offices == ({"马山街道经发办", "马山街道办事处"} if typed else {"马山街道经发办"})
    assert len(kept) == (2 if typed else 1)
    said = [r for r in _sheet_rows(path, "问题记录") if "「未合并的行 (2)」" in str(r[4])]
    assert [r[6] for r in said] == ["提示"] + (["警告"] if typed else [])
    assert "一并读取" in said[0][4]


def test_an_error_value_as_a_plot_code_says_what_becomes_of_the_row(tmp_path):
    # A row whose 宗地代码 reads 「#N/A」 (a VLOOKUP that found nothing). Before: 「…不是所填的
    # 内容，按未填写（待核实）处理，该行无法对应」 — no cell is read as blank here: the row goes,
    # as typed, to 未合并的行. Now the problem says the cell holds an error value and the row
    # cannot be matched; what to do ends with 「本行内容未合并」.
    path = _ledger_2026(tmp_path, "A")
    _append_row(path, {"宗地代码": "#N/A", "状态": "推进中", "责任单位": "马山街道经发办"})
    result = run_cli("ledger", "update", path, "--out", path, "--as-of", "2027-01-10")
    assert result.returncode == 0, result.stdout + result.stderr
    said = [r for r in _sheet_rows(path, "问题记录") if "#N/A" in str(r[4])]
    assert len(said) == 1, said
    problem, action = str(said[0][4]), str(said[0][5])
    assert "Excel 错误值「#N/A」" in problem and "该行无法对应" in problem, problem
    assert "按未填写" not in problem and "未合并" in action, (problem, action)
    assert len(_sheet_rows(path, "未合并的行")) == 1
