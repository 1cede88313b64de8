"""Hand-worked policy cases, round 2 of ``test_policy_hand_ledger.py``: deadlines on, before and
after the ledger date, closes lacking their 验收, counts per 镇街 that add up, and the 动态评价 of
plots whose 亩均税收 sits at the low-efficiency line in one year and beside it in the next.

Rules (docs/policy.md ``ledger.dates``, ``ledger.closing``):

- 「落实清单化管理、销号式整改、项目化验收」 — 虞政发〔2022〕12号 第三条第（一）项第2目: a 已销号
  counts only with its 验收日期 and 验收依据 on file, a 验收日期 not after the ledger date;
  otherwise it is 销号待核实 — not 已销号, not in 完成率, and 逾期 once its deadline has passed.
- 期限 — 《民法典》第二百零三条: the last day of a period ends at 24:00, so a plot due on the
  ledger date is not yet 逾期, and one accepted on its deadline is not 逾期完成.
- 低效 = 亩均税收 「5万元以下」 — 虞政发〔2022〕12号 第二条、第三条第（一）项第1目: 「以下」
  includes the number (《民法典》第一千二百五十九条): 5.00 is listed, 5.004 is not, 4.996 is.
  A reason that explains a plot moving across the line must not print both years as the same
  「5」: the figures are told apart as the screening compared them (``core.compare.shown``).

Plots are 100 m squares in EPSG:4549 (``tests/_runs.py``): 10,000 m² = 15 亩.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from landgov.core.vocab import DISTRICT
from landgov.evaluation import compare_runs
from landgov.ledger import init_ledger, update_ledger, write_ledger
from landgov.run.results import read_screening
from tests._hand import comparison_row
from tests._runs import fake_run
from tests.test_ledger import _edit

X, Y = 500_000, 3_300_000
MINUTES = "斗门街道工业用地整治验收纪要〔2027〕5号"
NOT_LISTED = {"screening_status": "不列入", "path": None, "reasons": "亩均税收高于低效门槛"}


def _box(i: int) -> tuple[float, float, float, float]:
    return (X + 300 * i, Y, X + 300 * i + 100, Y + 100)


# --------------------------------------------------------------------------- 动态评价 at the line
@pytest.fixture(scope="module")
def at_the_line(tmp_path_factory: pytest.TempPathFactory):
    """2026 → 2027, 亩均税收 (万元/亩) and the screening each run made of it (≤ 5 is listed):
    F1 4.996 (治理) → 5.004 (不列入); F2 5.004 (不列入) → 4.996 (治理);
    F3 5.00 (治理) → 4.99 (治理); F4 5.00 (治理) → 5.01 (不列入);
    F5 5.00 (治理) → 待核实 (no tax); F6 4.00 (治理) → 6.00 (不列入), in 乙镇 (F1–F5 in 甲镇)."""
    root = tmp_path_factory.mktemp("hand_ledger2_line")
    town = {i: "甲镇" for i in range(1, 6)} | {6: "乙镇"}
    old_tax = {1: 4.996, 2: 5.004, 3: 5.0, 4: 5.0, 5: 5.0, 6: 4.0}
    new_tax = {1: 5.004, 2: 4.996, 3: 4.99, 4: 5.01, 5: None, 6: 6.0}
    old_off, new_off = {2}, {1, 4, 6}
    pending = {"screening_status": "待核实", "path": None, "grade": None,
               "to_verify": "税收（万元）〔税务局〕"}  # fmt: skip

    def plots(tax: dict[int, float | None], off: set[int], pend: set[int]) -> list[dict]:
        return [
            {"parcel_id": f"F{i}", "box": _box(i), "township": town[i], "tax_per_mu": tax[i]}
            | (NOT_LISTED | {"grade": "B"} if i in off else {})
            | (pending if i in pend else {})
            for i in range(1, 7)
        ]

    a = fake_run(root / "2026", plots(old_tax, old_off, set()), as_of="2026-06-30")
    b = fake_run(root / "2027", plots(new_tax, new_off, {5}), as_of="2027-06-30")
    return compare_runs(read_screening(a), read_screening(b))


def test_a_plot_crossing_the_line_is_not_said_to_have_the_same_tax(at_the_line):
    # F1: 4.996 ≤ 5 listed, 5.004 > 5 off the list: 「亩均税收 4.996→5.004 万元/亩」.
    # F2 the other way: 「5.004→4.996」, 新列入治理清单. Before: both read 「亩均税收 5 万元/亩
    # （两期相同）」 — the same figure, yet the plot left (or joined) the list.
    f1, f2 = comparison_row(at_the_line, "F1"), comparison_row(at_the_line, "F2")
    assert f1["listing_change"] == "移出治理清单" and f2["listing_change"] == "新列入治理清单"
    assert "亩均税收 4.996→5.004 万元/亩" in f1["change_reason"]
    assert "亩均税收 5.004→4.996 万元/亩" in f2["change_reason"]
    assert "两期相同" not in f1["change_reason"] + f2["change_reason"]


def test_exactly_5_then_just_below_stays_on_the_list(at_the_line):
    # F3: 5.00 is 「5万元以下」, 4.99 too: 仍在治理清单, not 治理 done; 等级 C both years,
    # path unchanged → no 变化原因. F4: 5.00 → 5.01 leaves the list: 移出治理清单 (达标).
    f3, f4 = comparison_row(at_the_line, "F3"), comparison_row(at_the_line, "F4")
    assert (f3["listing_change"], f3["grade_change"]) == ("仍在治理清单", "不变")
    assert pd.isna(f3["change_reason"])
    assert round(f3["tax_per_mu_change"], 6) == -0.01
    assert f4["listing_change"] == "移出治理清单"
    assert "亩均税收 5→5.01 万元/亩" in f4["change_reason"]


def test_done_and_to_verify_areas_add_up_per_township(at_the_line):
    # 治理 done = listed 2026 and off the list 2027: 甲镇 F1, F4 (2 × 15 = 30 亩), 乙镇 F6 (15);
    # 全区 45. F5 (5.00 → 待核实) is not done: 甲镇 待核实 15 亩. F2 (newly listed) and F3
    # (still listed) are neither. Every plot of both years is in exactly one row.
    towns = at_the_line.townships.set_index("township")
    assert towns.loc["甲镇", "governance_done_mu"] == 30.0
    assert towns.loc["乙镇", "governance_done_mu"] == 15.0
    assert towns.loc[DISTRICT, "governance_done_mu"] == 45.0
    assert towns.loc["甲镇", "governance_to_verify_mu"] == 15.0
    assert towns.loc[DISTRICT, "governance_to_verify_mu"] == 15.0
    assert comparison_row(at_the_line, "F5")["listing_change"] == "旧期在治理清单，新期待核实"
    counts = at_the_line.counts
    assert counts["plots_old_in_rows"] == counts["plots_old"] == 6
    assert counts["plots_new_in_rows"] == counts["plots_new"] == 6
    assert counts["listing_change"] == {
        "移出治理清单": 3,
        "新列入治理清单": 1,
        "仍在治理清单": 1,
        "旧期在治理清单，新期待核实": 1,
    }


# --------------------------------------------------------------------------- 治理台账
LISTED = "2026-06-30"
LEDGER_DAY = dt.date(2027, 6, 30)


@pytest.fixture(scope="module")
def deadlines(tmp_path_factory: pytest.TempPathFactory):
    """A ledger of 12 plots listed 2026-06-30, edited and read on 2027-06-30 (no new run).
    甲镇 K01–K04, K12; 乙镇 K05–K11. Deadlines (计划完成日期) and 验收 as in each case below."""
    root = tmp_path_factory.mktemp("hand_ledger2_due")
    town = {i: "甲镇" if i in (1, 2, 3, 4, 12) else "乙镇" for i in range(1, 13)}
    plots = [{"parcel_id": f"K{i:02d}", "box": _box(i), "township": town[i]} for i in range(1, 13)]
    run = fake_run(root / "2026", plots, as_of=LISTED)
    path = write_ledger(
        init_ledger(read_screening(run), as_of=dt.date(2026, 7, 1)), root / "t.xlsx"
    )
    closed = {"状态": "已销号", "验收依据": MINUTES}
    _edit(
        path,
        {
            "K01": {"状态": "推进中", "计划完成日期": "2027-06-30"},  # due today
            "K02": {"状态": "推进中", "计划完成日期": "2027-06-29"},  # due yesterday
            "K03": {"状态": "推进中", "计划完成日期": "2027-07-01"},  # due tomorrow
            "K04": {"状态": "已完成", "计划完成日期": "2027-03-31", "验收日期": "2027-05-20"},
            "K05": {"状态": "已销号", "计划完成日期": "2027-03-31", "验收依据": MINUTES},
            "K06": {"状态": "已销号", "计划完成日期": "2027-12-31", "验收日期": "2027-05-20"},
            "K07": closed | {"计划完成日期": "2027-12-31", "验收日期": "2027-07-15"},
            "K08": {"状态": "已完成", "计划完成日期": "2027-03-31", "验收日期": "2027-03-31"},
            "K09": closed | {"计划完成日期": "2027-03-31", "验收日期": "2027-03-31"},
            "K10": closed | {"计划完成日期": "2027-03-31", "验收日期": "2027-04-01"},
            "K11": {"状态": "已完成", "计划完成日期": "2027-03-31", "验收日期": "2027-08-01"},
            "K12": {"状态": "已完成", "计划完成日期": "2027-03-31"},
        },
    )
    return update_ledger(path, None, as_of=LEDGER_DAY)


def _said(ledger, key: str) -> str:
    return str(ledger.rows.set_index("宗地代码").loc[key, "系统提示"] or "")


@pytest.mark.parametrize(
    ("key", "late", "late_done"),
    [
        ("K01", False, False),  # due 2027-06-30 on 2027-06-30: the day ends at 24:00 (第二百零三条)
        ("K02", True, False),  # due the day before: 逾期
        ("K03", False, False),
        ("K04", False, True),  # 已完成, accepted 2027-05-20 after its 2027-03-31 deadline: 逾期完成
        ("K05", True, False),  # 已销号 without 验收日期: 销号待核实, not finished, deadline past
        ("K06", False, False),  # 已销号 without 验收依据: 销号待核实, but its deadline is to come
        ("K07", False, False),  # 验收 dated after the ledger date: none yet; deadline to come
        ("K08", False, False),  # 已完成, accepted on the deadline itself: on time
        ("K09", False, False),  # 已销号, accepted on the deadline itself: on time
        ("K10", False, True),  # 已销号, accepted the day after: 逾期完成
        (
            "K11",
            False,
            False,
        ),  # 已完成, 验收 dated in the future: a 填写问题, finished, date unknown
        ("K12", False, False),  # 已完成 without 验收日期: finished, when not known
    ],
)
def test_deadlines_around_the_ledger_date(deadlines, key, late, late_done):
    said = _said(deadlines, key)
    assert ("已逾期" in said) is late, said
    assert ("逾期完成" in said) is late_done, said


def test_closes_lacking_their_acceptance_are_problems_kept_as_typed(deadlines):
    # K05 (no 验收日期), K06 (no 验收依据), K07 (验收日期 2027-07-15 after 2027-06-30): each a
    # 填写问题 on its row, the status kept 已销号 as typed — never silently passed.
    problems = deadlines.problems
    for key, words in (
        ("K05", "状态为「已销号」但未填写验收日期"),
        ("K06", "状态为「已销号」但未填写验收依据"),
        ("K07", "验收日期 2027-07-15 晚于今天（2027-06-30）"),
    ):
        assert problems["problem"].str.contains(f"宗地 {key}：{words}", regex=False).any(), key
        assert deadlines.rows.set_index("宗地代码").loc[key, "状态"] == "已销号"


def test_progress_counts_per_township_add_up(deadlines):
    # 甲镇 (5): 推进中 K01–K03, 已完成 K04, K12; 逾期 K02; 逾期完成 K04; 完成率 2/5 = 40.0.
    # 乙镇 (7): 已完成 K08, K11; 已销号 K09, K10; 销号待核实 K05, K06, K07; 逾期 K05;
    # 逾期完成 K10; 完成率 4/7 = 57.14… shown rounded down: 57.1. 全区 12: 6/12 = 50.0.
    table = deadlines.progress.set_index("镇街")
    cols = ["宗地数", "推进中", "已完成", "已销号", "销号待核实", "逾期", "逾期完成", "完成率（%）"]
    assert table.loc["甲镇", cols].tolist() == [5, 3, 2, 0, 0, 1, 1, 40.0]
    assert table.loc["乙镇", cols].tolist() == [7, 0, 2, 2, 3, 1, 1, 57.1]
    assert table.loc[DISTRICT, cols].tolist() == [12, 3, 4, 2, 3, 2, 2, 50.0]
    towns = table.drop(index=DISTRICT)
    for column in cols[:-1]:
        assert towns[column].sum() == table.loc[DISTRICT, column], column
    assert len(deadlines.rows) == 12  # rows in = rows out


def test_a_plot_off_the_list_at_5_004_is_proposed_with_its_figure(tmp_path):
    # 上虞 (官方 threshold 「5万元以下」): 5.004 > 5 → 不列入 → 建议销号, and the reason prints
    # 5.004, not 5, and no blank between 「）」 and 「内」: 「亩均税收 5.004 万元/亩，已不在低效门槛
    # ≤ 5 万元/亩（以下，含本数）内」. G2 (5.00 exactly) stays listed: no proposal.
    plots = [{"parcel_id": f"G{i}", "box": _box(i)} for i in (1, 2)]
    new = [plots[0] | NOT_LISTED | {"tax_per_mu": 5.004}, plots[1] | {"tax_per_mu": 5.0}]
    old = fake_run(tmp_path / "2026", plots, as_of=LISTED, profile="shangyu-2022")
    run = fake_run(tmp_path / "2027", new, as_of="2027-06-30", profile="shangyu-2022")
    path = write_ledger(
        init_ledger(read_screening(old), as_of=dt.date(2026, 7, 1)), tmp_path / "台账.xlsx"
    )
    _edit(path, {"G1": {"状态": "推进中"}, "G2": {"状态": "推进中"}})
    ledger = update_ledger(path, read_screening(run), as_of=dt.date(2027, 7, 1))
    g1 = _said(ledger, "G1")
    assert g1.startswith("建议销号：")
    assert "亩均税收 5.004 万元/亩，已不在低效门槛 ≤ 5 万元/亩（以下，含本数）内；" in g1
    assert "建议销号" not in _said(ledger, "G2")
    assert ledger.progress.set_index("镇街").loc[DISTRICT, "建议销号"] == 1
