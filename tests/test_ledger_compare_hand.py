"""Hand-worked cases and hostile returns for the 治理台账 and the 动态评价.

Every expected value is worked out from the text before the code runs:

- 期限: 《民法典》第二百零三条 (the last day of a period ends at 24:00), and 「以前」 read as
  「以上」「以下」 are (《民法典》第一千二百五十九条: the number itself is included). A plot due
  「2027年6月底」, 「2027年6月底前」 or 「2027-06-30以前」 is due 2027-06-30: on time that day,
  逾期 the day after. A bare 「6月30日前」 does not say whether the 30th is included: no date,
  「完成日期待核实」, never a silent 逾期 or on time.
- 销号: 「销号式整改、项目化验收」 (虞政发〔2022〕12号 第三条第（一）项第2目): 已销号 needs a
  验收日期 (a date) and a 验收依据; 「无」「/」「—」 are no 依据 (core.missing), 「已验收」 is no
  date. Evidence missing: a problem, and the history entry says 待核实.
- 动态评价: only land that was on the old 治理清单 and left it 达标 is 治理 done (「达标销号」,
  虞政发〔2022〕12号 第三条第（二）项第1目); 亩 = 10000/15 m² exactly.

Plots are 100 m squares in EPSG:4549 (``tests/_runs.py``): 10,000 m² = 15 亩.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
import shapely
from openpyxl import load_workbook

from landgov.evaluation import compare_runs
from landgov.ledger import init_ledger, update_ledger, write_ledger
from landgov.run.results import read_screening
from landgov.units import m2_to_mu
from tests._hand import comparison_row
from tests._runs import fake_run
from tests.test_ledger import _edit

LISTED = dt.date(2026, 6, 30)
DAY1 = dt.date(2026, 7, 1)
DUE = dt.date(2027, 6, 30)
NEXT = dt.date(2027, 7, 1)


@pytest.fixture(scope="module")
def first_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("ledger_hand")
    plots = [{"parcel_id": f"Q{i}"} for i in range(1, 6)]
    return fake_run(root / "2026", plots, as_of=LISTED.isoformat())


def _ledger(run: Path, tmp_path: Path) -> Path:
    return write_ledger(init_ledger(read_screening(run), as_of=DAY1), tmp_path / "台账.xlsx")


def _rows(path: Path, day: dt.date):
    ledger = update_ledger(path, None, as_of=day)
    return ledger, ledger.rows.set_index("宗地代码")


# --------------------------------------------------------------------------- 期限 / 逾期
@pytest.mark.parametrize("typed", ["2027年6月底", "2027年6月末", "2027年6月底前", "2027-06-30以前"])
@pytest.mark.parametrize(("today", "late"), [(DUE, False), (NEXT, True)])
def test_deadline_typed_in_words_is_the_last_day(first_run, tmp_path, typed, today, late):
    # due 2027-06-30 (月底 = the month's last day; 以前 includes the day): on 06-30 not 逾期,
    # on 07-01 逾期. Before the fix these were 「无法识别的日期」 → 完成日期待核实 on both days.
    path = _ledger(first_run, tmp_path)
    _edit(path, {"Q2": {"状态": "推进中", "计划完成日期": typed}})
    ledger, rows = _rows(path, today)
    assert rows.loc["Q2", "计划完成日期"] == DUE
    assert ("已逾期（计划完成日期 2027-06-30）" in str(rows.loc["Q2", "系统提示"])) is late
    total = ledger.progress.set_index("镇街").loc["全区"]
    assert (int(total["逾期"]), int(total["完成日期待核实"])) == (int(late), 0)
    assert ledger.problems.empty  # a date said in words is no 填写问题


def test_a_bare_qian_after_a_day_is_not_guessed(first_run, tmp_path):
    # 「2027年6月30日前」: 「前」 alone does not say whether 06-30 is included → no date, neither
    # 逾期 nor on time: 完成日期待核实 (kept as typed, flagged)
    path = _ledger(first_run, tmp_path)
    _edit(path, {"Q2": {"状态": "推进中", "计划完成日期": "2027年6月30日前"}})
    ledger, rows = _rows(path, NEXT)
    total = ledger.progress.set_index("镇街").loc["全区"]
    assert (int(total["逾期"]), int(total["完成日期待核实"])) == (0, 1)
    assert rows.loc["Q2", "计划完成日期"] == "2027年6月30日前"


def test_month_end_in_february_of_a_common_year(first_run, tmp_path):
    # 2027 is a common year: 「2027年2月底」 = 2027-02-28; late on 03-01, not on 02-28
    path = _ledger(first_run, tmp_path)
    _edit(path, {"Q2": {"状态": "推进中", "计划完成日期": "2027年2月底"}})
    _, rows = _rows(path, dt.date(2027, 2, 28))
    assert rows.loc["Q2", "计划完成日期"] == dt.date(2027, 2, 28)
    assert "已逾期" not in str(rows.loc["Q2", "系统提示"])
    _, rows = _rows(path, dt.date(2027, 3, 1))
    assert "已逾期" in str(rows.loc["Q2", "系统提示"])


# --------------------------------------------------------------------------- 销号
CLOSED = {"状态": "已销号", "验收日期": "2027-05-20", "验收依据": "斗门街道验收纪要〔2027〕5号"}


@pytest.mark.parametrize(
    ("edits", "words"),
    [
        ({}, None),  # both pieces of evidence: clean
        ({"验收依据": "无"}, "未填写验收依据"),  # 「无」 is no 依据 (was accepted)
        ({"验收依据": "/"}, "未填写验收依据"),
        ({"验收日期": "已验收"}, "未填写有效的验收日期（所填「已验收」不是日期）"),  # was accepted
        ({"验收日期": "—", "验收依据": "—"}, "未填写验收日期和验收依据"),  # was 「验收日期」 only
        ({"验收日期": None}, "未填写验收日期"),
    ],
)
def test_closing_needs_real_acceptance_evidence(first_run, tmp_path, edits, words):
    path = _ledger(first_run, tmp_path)
    _edit(path, {"Q3": CLOSED | edits})
    ledger, rows = _rows(path, NEXT)
    assert rows.loc["Q3", "状态"] == "已销号"  # kept as typed, never changed by landgov
    said = ledger.problems["problem"]
    closing = said[said.str.startswith("宗地 Q3：状态为「已销号」")]
    entry = ledger.history[ledger.history["宗地代码"] == "Q3"].iloc[-1]
    if words is None:
        assert closing.empty and "待核实" not in entry["说明"]
    else:
        (problem,) = closing
        assert words in problem and "销号须经验收" in problem
        assert entry["新状态"] == "已销号" and "待核实" in entry["说明"]


# --------------------------------------------------------------------------- hostile returns
@pytest.mark.parametrize(
    ("typed", "kept", "valid"),
    [
        (" 已完成 ", "已完成", True),  # blanks around a choice: the choice
        ("已整改", "已整改", False),  # outside the vocabulary: kept, flagged, not in history
        ("完成", "完成", False),
        ("已销号（待验收）", "已销号（待验收）", False),
    ],
)
def test_status_outside_the_vocabulary_is_kept_and_flagged(first_run, tmp_path, typed, kept, valid):
    path = _ledger(first_run, tmp_path)
    _edit(path, {"Q4": {"状态": typed}})
    ledger, rows = _rows(path, NEXT)
    assert rows.loc["Q4", "状态"] == kept
    flagged = ledger.problems["field"].eq("状态") & ledger.problems["value"].astype(str).eq(kept)
    assert flagged.any() is not valid
    changes = ledger.history[ledger.history["宗地代码"] == "Q4"]
    assert len(changes) == (2 if valid else 1)  # 列入 (未启动) + the valid change only
    total = ledger.progress.set_index("镇街").loc["全区"]
    assert int(total["其他或未填"]) == (0 if valid else 1)


def test_rows_in_equal_rows_out_plus_flagged(first_run, tmp_path):
    # A 镇街 returns the sheet with: Q3's row deleted, Q2 typed twice, a plot Q99 added by hand,
    # a row without 宗地代码 but with a 进展说明, and a 合计 row.
    # Rows in the returned sheet: Q1 Q2 Q2' Q4 Q5 Q99 (blank) 合计 = 8.
    # Out: ledger rows Q1 Q2 Q4 Q5 Q99 + Q3 restored = 6, unmerged Q2' + blank = 2, and the
    # 合计 row is no record (said at its row, counted nowhere: core.editable, as every returned
    # workbook reads one): 8 in + 1 restored = 6 + 2 + 1; every one of Q3, Q99, 合计, Q2', blank
    # is said.
    path = _ledger(first_run, tmp_path)
    wb = load_workbook(path)
    ws = wb["治理台账"]
    head = [str(c.value) for c in ws[1]]
    note_col = next(i for i, h in enumerate(head) if h.startswith("进展说明"))
    row_of = {ws.cell(r, 1).value: r for r in range(2, ws.max_row + 1)}
    q2 = [c.value for c in ws[row_of["Q2"]]]
    ws.delete_rows(row_of["Q3"])
    ws.append(q2)
    hand = [None] * len(head)
    hand[0] = "Q99"
    ws.append(hand)
    blank = [None] * len(head)
    blank[note_col] = "已签约"
    ws.append(blank)
    total = [None] * len(head)
    total[0] = "合计"
    ws.append(total)
    wb.save(path)
    ledger, rows = _rows(path, NEXT)
    assert sorted(rows.index) == ["Q1", "Q2", "Q3", "Q4", "Q5", "Q99"]
    said = " ".join(ledger.problems["problem"].astype(str))
    totals = said.count("是合计行")
    assert len(rows) + len(ledger.unmerged) + totals == 8 + 1
    assert sorted(ledger.unmerged["原因"]) == ["宗地代码为空，未合并", "宗地代码重复，未合并"]
    for key in ("Q3", "Q99"):
        assert f"宗地 {key}" in said, key
    assert totals == 1 and "第 9 行是合计行（「合计」）" in said
    assert rows.loc["Q3", "状态"] == "未启动"  # restored from 状态变更记录


# --------------------------------------------------------------------------- 动态评价
X, Y = 500_000, 3_300_000


def _box(i: int, *, w: float = 100, dx: float = 0) -> tuple[float, float, float, float]:
    return (X + 300 * i + dx, Y, X + 300 * i + dx + w, Y + 100)


OLD = [
    # M1 (listed) + M2 (never listed) merge into M, which the new run finds 达标
    {"parcel_id": "M1", "box": _box(0, w=50), "area_mu": 7.5},
    {"parcel_id": "M2", "box": _box(0, w=50, dx=50), "area_mu": 7.5, "tax_per_mu": 9.0,
     "screening_status": "不列入"},
    {"parcel_id": "S", "box": _box(1)},  # split: S1 达标, S2 still listed
    {"parcel_id": "L", "box": _box(2)},  # same code, left the list 达标
    {"parcel_id": "R", "box": _box(3), "township": "马山街道"},  # renumbered R9, left the list
    {"parcel_id": "G", "box": _box(4)},  # gone from the new run (no geometry overlap)
    {"parcel_id": "K", "box": _box(5)},  # same code, still listed
]  # fmt: skip
NEW = [
    {"parcel_id": "M", "box": _box(0), "tax_per_mu": 8.0, "screening_status": "不列入"},
    {"parcel_id": "S1", "box": _box(1, w=60), "area_mu": 9.0, "tax_per_mu": 8.0,
     "screening_status": "不列入"},
    {"parcel_id": "S2", "box": _box(1, w=40, dx=60), "area_mu": 6.0},
    {"parcel_id": "L", "box": _box(2), "tax_per_mu": 6.0, "screening_status": "不列入"},
    {"parcel_id": "R9", "box": _box(3), "tax_per_mu": 6.0, "screening_status": "不列入",
     "township": "马山街道"},
    {"parcel_id": "K", "box": _box(5)},
    {"parcel_id": "N", "box": _box(6)},  # new plot, listed
]  # fmt: skip


@pytest.fixture(scope="module")
def cmp(tmp_path_factory):
    root = tmp_path_factory.mktemp("compare_hand")
    old = fake_run(root / "old", OLD, as_of="2026-06-30")
    new = fake_run(root / "new", NEW, as_of="2027-06-30")
    return compare_runs(read_screening(old), read_screening(new))


def test_every_plot_of_both_years_is_in_exactly_one_row_with_a_reason(cmp):
    # old 7 plots, new 7 plots; rows: M(合并) S(分割) L(两期均有) R→R9(重新编号) G(仅旧期)
    # K(两期均有) N(仅新期) = 7 rows holding 7 + 7 plots
    plots = cmp.plots
    old = [c for ids in plots["old_ids"].dropna() for c in ids.split("；")]
    new = [c for ids in plots["new_ids"].dropna() for c in ids.split("；")]
    assert sorted(old) == sorted(p["parcel_id"] for p in OLD)
    assert sorted(new) == sorted(p["parcel_id"] for p in NEW)
    assert cmp.counts["plots_old_in_rows"] == cmp.counts["plots_old"] == 7
    assert cmp.counts["plots_new_in_rows"] == cmp.counts["plots_new"] == 7
    assert plots["match"].notna().all() and plots["listing_change"].notna().all()
    expect = {"M": "合并", "S": "分割", "L": "两期均有", "R": "重新编号", "G": "仅旧期",
              "K": "两期均有", "N": "仅新期"}  # fmt: skip
    assert {k: comparison_row(cmp, k)["match"] for k in expect} == expect


def test_left_the_list_versus_renumbered_versus_gone(cmp):
    # L kept its code and left the list 达标; R left it under a new code R9 (same land): both
    # 移出治理清单. G is not in the new run at all: 待核实, not 治理 done.
    assert comparison_row(cmp, "L")["listing_change"] == "移出治理清单"
    r = comparison_row(cmp, "R9")
    assert (r["old_ids"], r["listing_change"]) == ("R", "移出治理清单")
    assert comparison_row(cmp, "G")["listing_change"] == "旧期在治理清单，新期无此地块"
    assert comparison_row(cmp, "N")["listing_change"] == "新列入治理清单"


def test_merge_counts_only_the_listed_part_as_done(cmp):
    # M1 7.5 亩 (listed) + M2 7.5 亩 (never listed) → M 达标: the group's old area is 15 亩,
    # its 治理清单 area 7.5 亩; 治理 done in 斗门街道 = M1 7.5 + L 15 = 22.5 亩 (was 30: M2
    # counted as 治理 though it was never on the list); 马山街道 = R 15; 全区 37.5.
    # S (15 亩) split, S2 still listed: the group is 仍在治理清单, nothing done.
    m = comparison_row(cmp, "M")
    assert (m["area_mu_old"], m["area_mu_listed_old"]) == (15.0, 7.5)
    assert comparison_row(cmp, "S")["listing_change"] == "仍在治理清单"
    towns = cmp.townships.set_index("township")
    assert towns.loc["斗门街道", "governance_done_mu"] == pytest.approx(22.5)
    assert towns.loc["马山街道", "governance_done_mu"] == pytest.approx(15.0)
    assert towns.loc["全区", "governance_done_mu"] == pytest.approx(37.5)
    assert towns.loc["全区", "governance_to_verify_mu"] == pytest.approx(15.0)  # G


def test_areas_sum_in_mu_at_15_per_10000_square_metres(cmp):
    # S1 9 亩 + S2 6 亩 = 15 亩 = the old S; the group's drawn land 100 m × 100 m = 10,000 m²
    s = comparison_row(cmp, "S")
    assert s["area_mu_new"] == pytest.approx(15.0) == s["area_mu_old"]
    assert m2_to_mu(shapely.area(s.geometry)) == pytest.approx(15.0)
    assert m2_to_mu(10_000.0) == 15.0


def test_listed_area_column_has_a_chinese_header(cmp, tmp_path):
    from landgov.evaluation import write_comparison

    out = write_comparison(cmp, tmp_path / "动态评价")
    sheet = pd.read_excel(out / "动态评价.xlsx", sheet_name="地块变化")
    assert "旧期在治理清单面积（亩）" in sheet.columns
