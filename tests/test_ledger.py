"""The 治理台账: init from a run, edits read back, a newer run merged, history kept."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from landgov.core.dates import parse_date
from landgov.core.editable import EDIT_MARK
from landgov.ledger import init_ledger, update_ledger, write_ledger
from landgov.run.results import read_screening
from tests._cli import assert_clean_error, run_cli
from tests._runs import fake_run
from tests._soffice import resave

DAY1 = dt.date(2026, 7, 1)
DAY2 = dt.date(2027, 7, 1)
PLOTS_2026 = [
    {"parcel_id": "P001", "tax_per_mu": 3.1},
    {"parcel_id": "P002", "tax_per_mu": 2.0, "township": "马山街道"},
    {"parcel_id": "P003", "tax_per_mu": 4.0},
    {"parcel_id": "P009", "tax_per_mu": 30.0, "screening_status": "不列入", "grade": "A"},
]
PLOTS_2027 = [  # P001 improved and left the list, P003 was split away, P009 got worse
    {"parcel_id": "P001", "tax_per_mu": 6.2, "screening_status": "不列入", "grade": "B"},
    {"parcel_id": "P002", "tax_per_mu": 2.5, "township": "马山街道"},
    {"parcel_id": "P009", "tax_per_mu": 4.5, "grade": "C"},
]


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("runs")
    return (
        fake_run(root / "2026", PLOTS_2026, as_of="2026-06-30"),
        fake_run(root / "2027", PLOTS_2027, as_of="2027-06-30"),
    )


def _ledger(runs: tuple[Path, Path], tmp_path: Path) -> Path:
    ledger = init_ledger(read_screening(runs[0]), as_of=DAY1)
    return write_ledger(ledger, tmp_path / "台账.xlsx")


def _edit(path: Path, edits: dict[str, dict[str, object]]) -> None:
    """Type values into the 治理台账 sheet as a user would (by 宗地代码 and header)."""
    wb = load_workbook(path)
    ws = wb["治理台账"]
    col = {str(c.value).replace(EDIT_MARK, ""): c.column for c in ws[1] if c.value}
    rows = {ws.cell(r, 1).value: r for r in range(2, ws.max_row + 1)}
    for key, values in edits.items():
        for name, value in values.items():
            ws.cell(rows[key], col[name]).value = value
    wb.save(path)


def _sheet(path: Path, name: str) -> pd.DataFrame:
    return pd.read_excel(path, sheet_name=name, dtype=object)


def test_init_has_one_row_per_listed_plot_and_marks_editable_columns(runs, tmp_path):
    path = _ledger(runs, tmp_path)
    wb = load_workbook(path)
    assert wb.sheetnames[0] == "治理台账"
    ws = wb["治理台账"]
    heads = [c.value for c in ws[1]]
    for name in ("责任单位", "责任人", "治理措施", "计划完成日期", "状态", "进展说明", "验收日期"):
        assert name + EDIT_MARK in heads
    assert "理由（含政策依据）" in heads and "政策依据" in heads
    assert ws.protection.sheet
    table = _sheet(path, "治理台账")
    assert sorted(table["宗地代码"]) == ["P001", "P002", "P003"]  # P009 was not listed
    assert set(table["状态" + EDIT_MARK]) == {"未启动"}
    assert table["政策依据"].str.contains("越政发〔2022〕24号").all()
    history = _sheet(path, "状态变更记录")
    assert len(history) == 3 and set(history["新状态"]) == {"未启动"}


def test_update_keeps_edits_merges_new_run_and_records_history(runs, tmp_path):
    path = _ledger(runs, tmp_path)
    _edit(
        path,
        {
            "P001": {"状态": "已完成", "责任单位": "斗门街道经发办", "计划完成日期": "2027-3-1"},
            "P002": {"状态": "推进中", "治理措施": "腾笼换鸟", "计划完成日期": dt.date(2027, 1, 1)},
        },
    )
    ledger = update_ledger(path, read_screening(runs[1]), as_of=DAY2)
    write_ledger(ledger, path)  # --out equal to the input
    rows = ledger.rows.set_index("宗地代码")
    assert sorted(rows.index) == ["P001", "P002", "P003", "P009"]
    # P001 left the list: proposed for 销号 with the reason, status untouched
    assert rows.loc["P001", "状态"] == "已完成"
    note = rows.loc["P001", "系统提示"]
    assert "建议销号" in note and "6.2 万元/亩" in note and "≤ 5 万元/亩" in note
    assert rows.loc["P001", "责任单位"] == "斗门街道经发办"  # manual column kept
    assert rows.loc["P001", "亩均税收（万元/亩）"] == 6.2
    # P002 still listed, overdue
    assert rows.loc["P002", "治理措施"] == "腾笼换鸟" and "已逾期" in rows.loc["P002", "系统提示"]
    # P003 gone from the run; P009 newly listed
    assert rows.loc["P003", "系统提示"].startswith("暂不建议销号：")
    assert "底数清单中没有此宗地" in rows.loc["P003", "系统提示"]
    assert rows.loc["P009", "状态"] == "未启动" and "新列入" in rows.loc["P009", "系统提示"]
    assert rows.loc["P009", "列入日期"] == dt.date(2027, 6, 30)
    history = _sheet(path, "状态变更记录")
    changes = history[history["日期"] == pd.Timestamp(DAY2)].set_index("宗地代码")
    assert changes.loc["P001", "原状态"] == "未启动" and changes.loc["P001", "新状态"] == "已完成"
    assert changes.loc["P002", "新状态"] == "推进中" and "P009" in changes.index
    assert len(history) == 3 + 3
    progress = _sheet(path, "镇街进度").set_index("镇街")
    assert progress.loc["全区", "宗地数"] == 4 and progress.loc["全区", "逾期"] == 1
    assert progress.loc["全区", "建议销号"] == 1  # P001; P003 (not in the run) is 待核实
    assert progress.loc["马山街道", "推进中"] == 1
    # a second update without edits records nothing new
    again = update_ledger(path, read_screening(runs[1]), as_of=DAY2)
    assert len(again.history) == len(history) and again.problems.empty
    assert [p.name for p in tmp_path.iterdir()] == ["台账.xlsx"]


@pytest.mark.parametrize(
    ("edits", "field", "words"),
    [
        ({"状态": "搞完了"}, "状态", "不是可选值"),
        ({"状态": None}, "状态", "状态为空"),
        ({"计划完成日期": "2026-01-05"}, "计划完成日期", "早于列入日期"),
        ({"验收日期": "2026-03-01", "状态": "已完成"}, "验收日期", "早于列入日期"),
        ({"状态": "已销号", "验收日期": "2026-12-01"}, "状态", "未填写验收依据"),
        ({"状态": "已销号"}, "状态", "未填写验收日期和验收依据"),
        ({"验收日期": "2030-01-01"}, "验收日期", "晚于今天"),
        ({"计划完成日期": "下个月"}, "计划完成日期", "无法识别的日期"),
    ],
)
def test_bad_edit_is_a_problem_row_kept_and_flagged(runs, tmp_path, edits, field, words):
    path = _ledger(runs, tmp_path)
    _edit(path, {"P002": edits})
    ledger = update_ledger(path, None, as_of=DAY2)
    problems = ledger.problems[ledger.problems["field"] == field]
    assert len(problems) == 1, ledger.problems
    problem = problems.iloc[0]
    assert words in problem["problem"] and problem["row"] == 3 and problem["action"]
    assert problem["source"] == "台账.xlsx"
    row = ledger.rows.set_index("宗地代码").loc["P002"]
    typed = edits[field]
    assert row[field] == (parse_date(typed) or typed if "日期" in field else typed)  # kept
    assert "填写问题" in row["系统提示"]
    write_ledger(ledger, path)
    ws = load_workbook(path)["治理台账"]
    col = [c.value for c in ws[1]].index(field + EDIT_MARK) + 1
    assert ws.cell(3, col).comment is not None and words in ws.cell(3, col).comment.text
    assert _sheet(path, "问题记录")["问题"].str.contains(words).any()


def test_closing_with_acceptance_is_clean_and_never_automatic(runs, tmp_path):
    path = _ledger(runs, tmp_path)
    _edit(
        path,
        {"P001": {"状态": "已销号", "验收日期": "2027-06-01", "验收依据": "验收纪要〔2027〕3号"}},
    )
    ledger = update_ledger(path, read_screening(runs[1]), as_of=DAY2)
    rows = ledger.rows.set_index("宗地代码")
    assert rows.loc["P001", "状态"] == "已销号" and "建议销号" not in str(
        rows.loc["P001", "系统提示"]
    )
    assert rows.loc["P003", "状态"] == "未启动"  # proposed, not closed
    assert ledger.problems.empty


def test_rows_reordered_deleted_repeated_and_columns_added(runs, tmp_path):
    path = _ledger(runs, tmp_path)
    wb = load_workbook(path)
    ws = wb["治理台账"]
    ws.protection.sheet = False
    col = {str(c.value).replace(EDIT_MARK, ""): c.column for c in ws[1] if c.value}
    ws.cell(1, ws.max_column + 1, "镇街备注")
    ws.cell(2, ws.max_column, "已约谈")  # P001
    ws.cell(3, col["状态"], "推进中")  # P002
    ws.move_range(f"A3:{ws.cell(3, ws.max_column).coordinate}", rows=3)  # P002 to row 6
    ws.delete_rows(4)  # P003 deleted by mistake
    ws.cell(6, 1, "P001")  # a repeated key
    ws.cell(6, col["进展说明"], "重复录入")
    wb.save(path)
    ledger = update_ledger(path, None, as_of=DAY2)
    rows = ledger.rows.set_index("宗地代码")
    assert rows.loc["P002", "状态"] == "推进中"
    assert rows.loc["P003", "状态"] == "未启动"  # restored from the history
    # P001 twice, filled in differently (状态 blank on the second, 进展说明 only there):
    # neither row is used, as for the 核实表 and 人工认定表; its last recorded status stays,
    # staff's own column is kept, both rows are listed
    assert rows.loc["P001", "状态"] == "未启动" and rows.loc["P001", "进展说明"] is None
    assert "待核实" in rows.loc["P001", "系统提示"]
    assert ledger.extra.loc["P001", "镇街备注"] == "已约谈"
    assert list(ledger.unmerged["进展说明"]) == [None, "重复录入"]
    write_ledger(ledger, path)
    assert _sheet(path, "治理台账").set_index("宗地代码").loc["P001", "镇街备注"] == "已约谈"
    assert (
        list(_sheet(path, "未合并的行")["原因"])
        == ["宗地代码重复且填写不同，均未采用（待核实）"] * 2
    )
    words = " ".join(ledger.problems["problem"])
    assert "找不到宗地 P003 的行" in words and "重复" in words


def test_a_row_typed_in_by_hand_is_kept_and_said_once(runs, tmp_path):
    """A clerk adds a plot by hand and a 合计 row under the list: the plot is kept (an edit is
    never dropped) and said on its row; the 合计 row is no plot, said once on its row and
    counted nowhere (it was kept as a plot 「合计」 and counted in every total); the code
    retyped in lower case is still P002."""
    path = _ledger(runs, tmp_path)
    wb = load_workbook(path)
    ws = wb["治理台账"]
    col = {str(c.value).replace(EDIT_MARK, ""): c.column for c in ws[1] if c.value}
    ws.cell(3, 1, "p002")  # P002 retyped
    r = ws.max_row + 1
    ws.cell(r, 1, "P777")
    ws.cell(r, col["状态"], "推进中")
    ws.cell(r + 1, 1, "合计")
    wb.save(path)
    ledger = update_ledger(path, None, as_of=DAY2)
    keys = ledger.rows["宗地代码"].tolist()
    assert sorted(keys) == ["P001", "P002", "P003", "P777"]
    hand = ledger.problems[ledger.problems["problem"].str.contains("手工添加")]
    assert hand["value"].tolist() == ["P777"]
    assert hand["row"].tolist() == [r] and set(hand["severity"]) == {"警告"}
    total = ledger.problems[ledger.problems["problem"].str.contains("合计行")]
    assert total["row"].tolist() == [r + 1] and total["value"].tolist() == ["合计"]
    assert not ledger.problems["problem"].str.contains("找不到宗地").any()
    write_ledger(ledger, path)
    again = update_ledger(path, None, as_of=DAY2)  # P777's status is history now: said once
    assert not again.problems["problem"].str.contains("手工添加").any()


def test_round_trip_through_libreoffice(runs, tmp_path):
    path = _ledger(runs, tmp_path)
    _edit(path, {"P001": {"状态": "推进中", "计划完成日期": "2027-05-31", "责任人": "王五"}})
    saved = resave(path, tmp_path)
    ledger = update_ledger(saved, read_screening(runs[1]), as_of=DAY2)
    rows = ledger.rows.set_index("宗地代码")
    assert rows.loc["P001", "状态"] == "推进中" and rows.loc["P001", "责任人"] == "王五"
    assert rows.loc["P001", "计划完成日期"] == dt.date(2027, 5, 31)
    assert rows.loc["P001", "列入日期"] == dt.date(2026, 6, 30)
    assert len(ledger.history) == 3 + 2  # P001 changed, P009 new
    assert ledger.problems.empty, ledger.problems


def test_cli_init_and_update(runs, tmp_path):
    out = tmp_path / "台账.xlsx"
    result = run_cli("ledger", "init", runs[0], "--out", out, "--as-of", "2026-07-01")
    assert result.returncode == 0, result.stderr
    assert "3 宗" in result.stdout
    _edit(out, {"P002": {"状态": "乱填"}})
    result = run_cli(
        "ledger", "update", out, "--run", runs[1], "--out", out, "--as-of", "2027-07-01"
    )
    assert result.returncode == 0, result.stderr
    assert "4 宗" in result.stdout and "1 个填写问题" in result.stdout


def test_cli_bad_inputs(runs, tmp_path):
    out = tmp_path / "台账.xlsx"
    run_cli("ledger", "init", runs[0], "--out", out)
    assert_clean_error(run_cli("ledger", "init", runs[0], "--out", out), contains="--overwrite")
    other = tmp_path / "别的.xlsx"
    pd.DataFrame({"宗地代码": ["P001"]}).to_excel(other, index=False)
    assert_clean_error(
        run_cli("ledger", "update", other, "--out", out), contains="不是 landgov 写出的文件"
    )
    assert_clean_error(
        run_cli("ledger", "update", out, "--run", tmp_path, "--out", out), contains="manifest"
    )
    assert_clean_error(run_cli("ledger", "update", out, "--out", out, "--as-of", "明天"))
    broken = tmp_path / "坏文件.xlsx"
    broken.write_text("不是工作簿", encoding="utf-8")
    assert_clean_error(run_cli("ledger", "update", broken, "--out", out), contains="另存为")
