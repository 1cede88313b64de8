"""Hand-worked cases, round 5: a plot whose path changes, a row deleted from the returned
ledger, 销号 dates at the boundary, and 镇街 totals of plots split or merged across 镇街.

Rules:

- 「一地一企一方案」 and 「分类实施拆除重建、整治提升、功能转型、关停退出」 (虞政发〔2022〕12号
  第三条第（一）项第2目): the 治理措施 a 镇街 writes are for the plot's path. When the newer run
  moves a still-listed plot from 整治提升 to 关停退出, the ledger shows the new path (computed
  column) — and must say so in 系统提示 with the run's reason, or the officer keeps working
  to a plan for a path the plot no longer has. Nothing typed is changed.
- 「清单化管理」 (same clause) and the project rule that every row ends in an output: a row
  deleted from the returned ledger comes back from 状态变更记录 with its last status. When
  the newer run holds the plot (here: it left the list, 达标), the run says where it lies and
  whose it is; the restored row takes its 镇街 from there, or 镇街进度 counts it under
  镇街不明 while 马山街道's own row is one plot short.
- 「销号式整改、项目化验收」 (same clause; docs/policy.md ``ledger.dates``): 验收日期 「不得早于
  列入日期」 — a 验收 on the very day of the 列入日期 is not earlier, so it is evidence.
- 动态评价 (第三条第（一）项第3目) and 「达标销号」 (第三条第（二）项第1目): the 治理 area done is
  the old 治理清单 area that left the list 达标. Each listed old plot belongs to the 镇街 of the
  list it was on. Two plots of two 镇街 merged, or one plot split across two 镇街, make
  no 镇街 called 「斗门街道；马山街道」: the 镇街 rows of 镇街对比 add up to 全区, each 镇街
  holding its own plots' area.

Plots are 100 m squares in EPSG:4549 (``tests/_runs.py``): 10,000 m² = 15 亩.
"""

from __future__ import annotations

import datetime as dt
import shutil

import pandas as pd
import pytest
from openpyxl import load_workbook

from landgov.evaluation import compare_runs
from landgov.ledger import init_ledger, update_ledger, write_ledger
from landgov.run.results import read_screening
from tests._hand import comparison_row
from tests._runs import fake_run
from tests.test_ledger import _edit

X, Y = 500_000, 3_300_000
DAY1 = dt.date(2026, 7, 1)
DAY2 = dt.date(2027, 7, 1)
CLOSE_R1 = "规则 R1「关停退出」：重大环保违法且评价为D类"


def _box(i: int, *, w: float = 100, dx: float = 0) -> tuple[float, float, float, float]:
    return (X + 300 * i + dx, Y, X + 300 * i + dx + w, Y + 100)


def _delete_row(path, key: str) -> None:
    """Delete the row of ``key`` from the 治理台账 sheet, as a clerk would."""
    wb = load_workbook(path)
    ws = wb["治理台账"]
    (row,) = [r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == key]
    ws.delete_rows(row)
    wb.save(path)


# --------------------------------------------------------------------------- 台账
OLD = [
    {"parcel_id": "A", "box": _box(0)},  # 整治提升, listed again in 2027 as 关停退出
    {"parcel_id": "B", "box": _box(1)},  # 整治提升 both years
    {"parcel_id": "D", "box": _box(2), "township": "马山街道", "holder": "丁公司"},  # deleted
    {"parcel_id": "E", "box": _box(3)},  # 已销号, 验收 on the day it was listed
    {"parcel_id": "F", "box": _box(4)},  # 斗门街道, said to lie in 东湖街道 in 2027
]
NEW = [
    {"parcel_id": "A", "box": _box(0), "path": "关停退出", "grade": "D", "reasons": CLOSE_R1},
    {"parcel_id": "B", "box": _box(1)},
    {"parcel_id": "D", "box": _box(2), "township": "马山街道", "holder": "丁公司",
     "screening_status": "不列入", "tax_per_mu": 8.0, "grade": "B", "path": None},
    {"parcel_id": "E", "box": _box(3), "screening_status": "不列入", "tax_per_mu": 8.0,
     "path": None},
    {"parcel_id": "F", "box": _box(4), "township": "东湖街道"},
]  # fmt: skip
PLAN = {
    "状态": "推进中",
    "治理措施": "整治提升：厂房改造、引进新项目",
    "计划完成日期": "2027-12-31",
}


@pytest.fixture(scope="module")
def returned(tmp_path_factory: pytest.TempPathFactory):
    """(returned ledger workbook, 2027 run folder): A and B 推进中 with a plan, D's row
    deleted, E 已销号 with 验收 dated 2026-06-30 = its 列入日期, F with its 责任单位."""
    root = tmp_path_factory.mktemp("hand5_ledger")
    old = fake_run(root / "2026", OLD, as_of="2026-06-30")
    new = fake_run(root / "2027", NEW, as_of="2027-06-30")
    path = write_ledger(init_ledger(read_screening(old), as_of=DAY1), root / "台账.xlsx")
    _edit(
        path,
        {
            "A": PLAN,
            "B": PLAN,
            "E": {"状态": "已销号", "验收日期": "2026-06-30", "验收依据": "斗门街道验收纪要1号"},
            "F": {"责任单位": "斗门街道经发办", "责任人": "李四"},
        },
    )
    _delete_row(path, "D")
    return path, new


@pytest.fixture(scope="module")
def updated(returned):
    path, new = returned
    return update_ledger(path, read_screening(new), as_of=DAY2)


def test_a_path_changed_by_the_new_run_is_said_with_its_reason(updated):
    # A: 2026 整治提升, 2027 still listed but 关停退出 (R1: 重大环保违法且评价为D类). The ledger's
    # computed columns follow the 2027 run (治理路径 关停退出, 等级 D); the 治理措施 typed for
    # 整治提升 and the status 推进中 are kept as typed. 系统提示 says the change, both paths and
    # the run's reason, and asks for the 治理措施 to be checked (一地一企一方案).
    # Before: 治理路径 changed to 关停退出 and 系统提示 was empty.
    rows = updated.rows.set_index("宗地代码")
    a = rows.loc["A"]
    assert (a["四个一批路径"], a["评价等级"], a["状态"]) == ("关停退出", "D", "推进中")
    assert a["治理措施"] == PLAN["治理措施"]
    note = a["系统提示"]
    assert "四个一批路径由「整治提升」改为「关停退出」" in note
    assert "2027-06-30 批次" in note and CLOSE_R1 in note and "治理措施" in note
    # B: 整治提升 both years — nothing to say
    assert rows.loc["B", "四个一批路径"] == "整治提升"
    assert rows.loc["B", "系统提示"] is None or "路径" not in str(rows.loc["B", "系统提示"])


def test_a_deleted_row_comes_back_in_its_township(updated):
    # D (马山街道, 丁公司, 15 亩) was deleted from the returned sheet. 状态变更记录 gives its last
    # status, 未启动; the 2027 run holds D, 不列入 (达标) → 建议销号. Rows in: A B E F (4) + D
    # restored = 5 out, none dropped. 镇街进度: 斗门街道 A B E = 3, 东湖街道 F = 1, 马山街道 D
    # = 1, no 镇街不明; 全区 5 = 3 + 1 + 1. Before: D's 镇街 was blank → a row 镇街不明 (1) and
    # 马山街道 absent.
    rows = updated.rows.set_index("宗地代码")
    assert sorted(rows.index) == ["A", "B", "D", "E", "F"]
    d = rows.loc["D"]
    assert (d["镇街"], d["权利人"], d["面积（亩）"], d["状态"]) == (
        "马山街道",
        "丁公司",
        15.0,
        "未启动",
    )
    assert d["系统提示"].startswith("建议销号：")
    towns = updated.progress.set_index("镇街")
    assert "镇街不明" not in towns.index
    assert towns.loc["马山街道", "宗地数"] == 1 and towns.loc["马山街道", "建议销号"] == 1
    assert towns.loc["斗门街道", "宗地数"] == 3
    assert towns.loc["东湖街道", "宗地数"] == 1
    assert towns.loc["全区", "宗地数"] == 5
    # the deletion is said, never silent
    said = updated.problems["problem"].str.contains("找不到宗地 D 的行")
    assert said.sum() == 1


def test_acceptance_on_the_day_the_plot_was_listed_is_evidence(updated):
    # E: 列入日期 2026-06-30, 验收日期 2026-06-30: 「不得早于列入日期」 — the same day is not
    # earlier, so the 验收 is on file: 已销号, counted finished. 斗门街道 完成率 = E / (A B E)
    # = 1 / 3 = 33.33 % → 33.3 (rounded down). No 填写问题 on E.
    towns = updated.progress.set_index("镇街")
    assert towns.loc["斗门街道", "已销号"] == 1 and towns.loc["斗门街道", "销号待核实"] == 0
    assert towns.loc["斗门街道", "完成率（%）"] == 33.3
    assert "E" not in updated.flags


def test_a_plot_the_new_run_puts_in_another_township_is_said(updated):
    # F: 斗门街道 in 2026, still listed in 2027 but in 东湖街道 (a boundary change or a corrected
    # 镇街). The computed 镇街 follows the run, so F is counted under 东湖街道 in 镇街进度; the
    # 责任单位 斗门街道经发办 and 责任人 李四 are kept as typed, and 系统提示 says the move and
    # asks for them to be checked. Before: F left 斗门街道's progress without a word.
    f = updated.rows.set_index("宗地代码").loc["F"]
    assert (f["镇街"], f["责任单位"], f["责任人"]) == ("东湖街道", "斗门街道经发办", "李四")
    assert "镇街由「斗门街道」改为「东湖街道」" in f["系统提示"] and "责任单位" in f["系统提示"]
    a = updated.rows.set_index("宗地代码").loc["A"]
    assert "镇街由" not in a["系统提示"]  # A stayed in 斗门街道


def test_the_same_returned_workbook_updated_twice_records_each_change_once(
    returned, updated, tmp_path
):
    # The 镇街 sends the same workbook twice, and the officer updates the ledger written by the
    # first update again with the same run. History: 5 at init + A 推进中, B 推进中, E 已销号
    # (typed) = 8; D's deletion adds nothing (its status is known). The same workbook read
    # again finds the same 8; the written ledger read again finds no new change: still 8, the
    # statuses the same, nothing doubled.
    path, new = returned
    copy = shutil.copy(path, tmp_path / "台账（再次）.xlsx")
    again = update_ledger(copy, read_screening(new), as_of=DAY2)
    assert again.rows.equals(updated.rows) and again.history.equals(updated.history)
    assert len(updated.history) == 8
    out = write_ledger(updated, tmp_path / "台账（更新后）.xlsx")
    second = update_ledger(out, read_screening(new), as_of=DAY2)
    assert len(second.history) == 8
    status = second.rows.set_index("宗地代码")["状态"].to_dict()
    assert status == updated.rows.set_index("宗地代码")["状态"].to_dict()
    assert status == {"A": "推进中", "B": "推进中", "E": "已销号", "F": "未启动", "D": "未启动"}


def test_a_row_typed_in_by_hand_is_not_proposed_for_closing(tmp_path):
    # The 2026 治理清单 holds Q1 only (Z is 不列入, 9 万元/亩, so not on the ledger). A clerk adds
    # a row Z, 推进中 (a plot typed in by hand, or Q1's code typed over). The 2027 run: Q1 still
    # listed, Z 不列入 again. 「达标销号」 closes a plot that left the list 达标 (虞政发〔2022〕12号
    # 第三条第（一）项第2目); Z never was on it, so it did not leave it: no 「建议销号：…已不在
    # 治理清单」 — were Z a mistyped code, the proposal would rest on another plot's figures.
    # 系统提示 holds it back (暂不建议销号) and says why; 建议销号 = 0 (was 1). Rows in: Q1 + Z
    # (hand) = 2 out, Z kept as typed (推进中) and its warning said once.
    old = fake_run(
        tmp_path / "2026",
        [{"parcel_id": "Q1"}, {"parcel_id": "Z", "screening_status": "不列入", "tax_per_mu": 9.0}],
        as_of="2026-06-30",
    )
    new = fake_run(
        tmp_path / "2027",
        [{"parcel_id": "Q1"}, {"parcel_id": "Z", "screening_status": "不列入", "tax_per_mu": 9.0}],
        as_of="2027-06-30",
    )
    path = write_ledger(init_ledger(read_screening(old), as_of=DAY1), tmp_path / "台账.xlsx")
    wb = load_workbook(path)
    ws = wb["治理台账"]
    status = next(c.column for c in ws[1] if str(c.value).startswith("状态"))
    ws.cell(ws.max_row + 1, 1, "Z")
    ws.cell(ws.max_row, status, "推进中")
    wb.save(path)
    ledger = update_ledger(path, read_screening(new), as_of=DAY2)
    rows = ledger.rows.set_index("宗地代码")
    assert sorted(rows.index) == ["Q1", "Z"] and rows.loc["Z", "状态"] == "推进中"
    note = rows.loc["Z", "系统提示"]
    assert note.startswith("暂不建议销号：") and "未曾列入治理清单" in note
    assert ledger.progress.set_index("镇街").loc["全区", "建议销号"] == 0
    hand = ledger.problems["problem"].str.contains("不是 landgov 列入台账的行")
    assert hand.sum() == 1


# --------------------------------------------------------------------------- 动态评价
MERGE_OLD = [
    {"parcel_id": "M1", "box": _box(0, w=50), "area_mu": 7.5},  # 斗门街道, listed
    {"parcel_id": "M2", "box": _box(0, w=50, dx=50), "area_mu": 7.5, "township": "马山街道"},
    {"parcel_id": "S", "box": _box(1)},  # 斗门街道, 15 亩, listed
    {"parcel_id": "K", "box": _box(2)},  # same code, still listed
    {"parcel_id": "T", "box": _box(3), "township": "马山街道"},  # 15 亩, listed
]
MERGE_NEW = [
    # M1 + M2 → M (斗门街道), 达标
    {"parcel_id": "M", "box": _box(0), "tax_per_mu": 6.0, "screening_status": "不列入",
     "path": None},
    # S → S1 (斗门街道, 9 亩) + S2 (马山街道, 6 亩), both 达标
    {"parcel_id": "S1", "box": _box(1, w=60), "area_mu": 9.0, "tax_per_mu": 6.0,
     "screening_status": "不列入", "path": None},
    {"parcel_id": "S2", "box": _box(1, w=40, dx=60), "area_mu": 6.0, "tax_per_mu": 6.0,
     "township": "马山街道", "screening_status": "不列入", "path": None},
    {"parcel_id": "K", "box": _box(2)},
    # T now said to lie in 东湖街道 (a boundary change or a corrected 镇街), 达标
    {"parcel_id": "T", "box": _box(3), "township": "东湖街道", "tax_per_mu": 6.0,
     "screening_status": "不列入", "path": None},
]  # fmt: skip


@pytest.fixture(scope="module")
def across(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("hand5_across")
    old = fake_run(root / "2026", MERGE_OLD, as_of="2026-06-30")
    new = fake_run(root / "2027", MERGE_NEW, as_of="2027-06-30")
    return compare_runs(read_screening(old), read_screening(new))


def test_plots_merged_across_townships_count_in_their_own_townships(across):
    # M1 (斗门街道, 7.5 亩) and M2 (马山街道, 7.5 亩), both listed, merge into M, 达标: 15 亩 of
    # 治理清单 left the list — 7.5 in 斗门街道's list and 7.5 in 马山街道's.
    # S (斗门街道, 15 亩, listed) splits into S1 (斗门) + S2 (马山), both 达标: the 15 亩 were on
    # 斗门街道's list → 斗门街道.
    # T (15 亩) was on 马山街道's list; the new run puts it in 东湖街道 → 马山街道.
    # 治理 done: 斗门街道 = M1 7.5 + S 15 = 22.5; 马山街道 = M2 7.5 + T 15 = 22.5; 东湖街道 0;
    # 全区 45 = 22.5 + 22.5 + 0.
    # Before: M counted wholly in 斗门街道 (15, 马山街道 only T), and S made a 镇街对比 row
    # 「斗门街道；马山街道」 (15) that is no 镇街.
    towns = across.townships.set_index("township")
    assert set(towns.index) == {"斗门街道", "马山街道", "东湖街道", "全区"}
    assert list(towns.index)[-1] == "全区"
    assert towns.loc["斗门街道", "governance_done_mu"] == pytest.approx(22.5)
    assert towns.loc["马山街道", "governance_done_mu"] == pytest.approx(22.5)
    assert towns.loc["东湖街道", "governance_done_mu"] == 0.0
    assert towns.loc["全区", "governance_done_mu"] == pytest.approx(45.0)
    done = towns.drop(index="全区")["governance_done_mu"].sum()
    assert done == pytest.approx(towns.loc["全区", "governance_done_mu"])


def test_a_row_whose_township_changed_says_where_its_area_is_counted(across):
    # The plot rows show the new run's 镇街 (M: 斗门街道; S: 斗门街道；马山街道, both of its
    # parts; T: 东湖街道) while 镇街对比 counts the 治理 area in the old one: each of these rows
    # says the two 镇街 in 待核实事项, so that row and 镇街对比 are read together. K, in 斗门街道
    # both years, says nothing.
    s = comparison_row(across, "S")
    assert s["match"] == "分割" and s["township"] == "斗门街道；马山街道"
    t = comparison_row(across, "T")
    assert t["township"] == "东湖街道"
    assert "镇街两期不同（旧期 马山街道，新期 东湖街道）" in t["to_verify"]
    m = comparison_row(across, "M")
    assert "旧期 斗门街道；马山街道，新期 斗门街道" in m["to_verify"]
    assert "新期 斗门街道；马山街道" in s["to_verify"]
    assert pd.isna(comparison_row(across, "K")["to_verify"])


def test_every_plot_is_in_one_row_and_the_split_tax_is_area_weighted(across):
    # every plot of both years is in exactly one row (old M1 M2 S K T = 5; new M S1 S2 K T =
    # 5); 亩均税收 of the split: (9 × 6.0 + 6 × 6.0) / 15 = 6.0, change 6.0 − 3.0 = +3.0; the
    # merge's 治理清单 area 7.5 + 7.5 = 15, 移出治理清单.
    s = comparison_row(across, "S")
    assert s["tax_per_mu_new"] == pytest.approx(6.0)
    assert s["tax_per_mu_change"] == pytest.approx(3.0)
    m = comparison_row(across, "M")
    assert (m["match"], m["area_mu_listed_old"]) == ("合并", 15.0)
    assert m["listing_change"] == "移出治理清单"
    assert across.counts["plots_old_in_rows"] == 5 and across.counts["plots_new_in_rows"] == 5
