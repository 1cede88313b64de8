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

import pandas as pd
import pytest

from landgov.core.vocab import DISTRICT
from landgov.evaluation import compare_runs
from landgov.run.results import read_screening
from tests._hand import comparison_row
from tests._runs import fake_run

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
