"""Hand-worked cases, round 4: the 治理台账 across a change of 宗地代码, and 验收 evidence
that cannot be read.

Rules (docs/policy.md ``ledger.closing``):

- 「落实清单化管理、销号式整改、项目化验收」 — 虞政发〔2022〕12号 第三条第（一）项第2目: a 已销号
  counts only with its 验收 on file (验收日期 and 验收依据); without it the row is 销号待核实,
  not in 已销号 nor in 完成率. A cell whose value cannot be read — a formula the file holds
  no result of, an Excel error value such as 「#REF!」 — is no evidence (the project rule:
  missing data gives 待核实, never a silent pass; core.editable reads such a cell as
  unknown, ``EditedSheet.unknown``).
- 「达标销号」 (same clause; 嵊政〔2022〕28号 第三条第（二）项第2目) and 「清单化管理」: a plot of
  last year's ledger that the new run's 底数清单 does not hold (split, merged, re-coded after
  不动产 registration, sold) is never proposed for 销号 and never dropped; its row stays with
  what the 镇街 filled in. A plot the new run lists under a code the ledger does not know is
  added (未启动). When both happen in the same 镇街 in one update, the officer must be told
  the two may be the same land — otherwise the land is tracked twice, the new row from
  scratch, and the filled-in 责任人 and 治理措施 are left on a row nobody will update.

Plots are 100 m squares in EPSG:4549 (``tests/_runs.py``): 10,000 m² = 15 亩.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from landgov.evaluation import compare_runs
from landgov.ledger import init_ledger, update_ledger, write_ledger
from landgov.run.results import read_screening
from tests._cli import assert_clean_error, run_cli
from tests._runs import fake_run
from tests.test_ledger import _edit

X, Y = 500_000, 3_300_000
DAY1 = dt.date(2026, 7, 1)
DAY2 = dt.date(2027, 7, 1)


def _box(i: int, *, w: float = 100, dx: float = 0) -> tuple[float, float, float, float]:
    return (X + 300 * i + dx, Y, X + 300 * i + dx + w, Y + 100)


# --------------------------------------------------------------------------- 验收 unreadable
EVIDENCE = {"状态": "已销号", "验收日期": "2027-05-20", "验收依据": "斗门街道验收纪要〔2027〕5号"}


@pytest.fixture(scope="module")
def one_year(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hand4_one")
    return fake_run(root / "2026", [{"parcel_id": f"V{i}"} for i in (1, 2, 3)], as_of="2026-06-30")


@pytest.mark.parametrize(
    "typed",
    [
        '="斗门街道验收纪要"',  # a formula written by a script, never computed: no stored result
        "#REF!",  # the 依据 looked up from a sheet whose column was deleted
    ],
)
def test_acceptance_basis_that_cannot_be_read_is_no_evidence(one_year, tmp_path, typed):
    # V1 已销号 with 验收日期 and a readable 依据: 已销号. V2 已销号, 验收日期 2027-05-20, 依据 a
    # cell that cannot be read: nobody knows what the 依据 is, so the 销号 has no 验收 on file →
    # 销号待核实 (虞政发〔2022〕12号 第三条第（一）项第2目). V3 推进中.
    # 全区: 已销号 1, 销号待核实 1, 推进中 1; 完成率 = 1 / 3 = 33.33 % → 33.3 (rounded down).
    # Before: V2 was counted 已销号 (完成率 66.6 %) while its 依据 cell was flagged unreadable.
    path = write_ledger(init_ledger(read_screening(one_year), as_of=DAY1), tmp_path / "台账.xlsx")
    _edit(
        path,
        {
            "V1": EVIDENCE,
            "V2": EVIDENCE | {"验收依据": typed},
            "V3": {"状态": "推进中"},
        },
    )
    ledger = update_ledger(path, None, as_of=DAY2)
    rows = ledger.rows.set_index("宗地代码")
    assert rows.loc["V2", "状态"] == "已销号"  # kept as typed, never changed by landgov
    total = ledger.progress.set_index("镇街").loc["全区"]
    assert (total["已销号"], total["销号待核实"], total["推进中"]) == (1, 1, 1)
    assert total["完成率（%）"] == 33.3
    said = ledger.problems[ledger.problems["problem"].str.startswith("宗地 V2：状态为「已销号」")]
    (problem,) = said["problem"]
    assert "验收依据" in problem and "销号须经验收" in problem
    assert "V1" not in set(ledger.flags)  # a readable 依据 stays clean


# --------------------------------------------------------------------------- 宗地代码 changed
FILLED = {
    "状态": "推进中",
    "责任单位": "斗门街道",
    "责任人": "张三",
    "治理措施": "拆除重建",
    "计划完成日期": "2027-12-31",
}
OLD = [
    {"parcel_id": "R", "box": _box(0)},  # re-coded after 不动产 registration → R9
    {"parcel_id": "S", "box": _box(1)},  # split → S1 (listed) + S2 (不列入)
    {"parcel_id": "G", "box": _box(2), "township": "马山街道"},  # sold: gone from the layer
    {"parcel_id": "K", "box": _box(3)},  # same code, still listed
]
NEW = [
    {"parcel_id": "R9", "box": _box(0)},
    {"parcel_id": "S1", "box": _box(1, w=60)},
    {"parcel_id": "S2", "box": _box(1, w=40, dx=60), "screening_status": "不列入", "tax_per_mu": 8},
    {"parcel_id": "K", "box": _box(3)},
    {"parcel_id": "N", "box": _box(4), "township": "东湖街道"},  # new land, nothing gone there
]


@pytest.fixture(scope="module")
def recoded(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("hand4_recoded")
    old = fake_run(root / "2026", OLD, as_of="2026-06-30")
    new = fake_run(root / "2027", NEW, as_of="2027-06-30")
    path = write_ledger(init_ledger(read_screening(old), as_of=DAY1), root / "台账.xlsx")
    _edit(path, {k: FILLED for k in ("R", "S", "G", "K")})
    return update_ledger(path, read_screening(new), as_of=DAY2)


def test_a_recoded_plot_keeps_its_row_and_filled_columns(recoded):
    # Ledger rows in: R S G K (4). The 2027 治理清单: R9 S1 K N. Out: R S G K kept (none
    # dropped, none proposed for 销号: not shown 达标) + R9 S1 N added (未启动) = 7.
    rows = recoded.rows.set_index("宗地代码")
    assert sorted(rows.index) == ["G", "K", "N", "R", "R9", "S", "S1"]
    for key in ("R", "S", "G"):
        assert rows.loc[key, "状态"] == "推进中" and rows.loc[key, "责任人"] == "张三"
        assert rows.loc[key, "系统提示"].startswith("暂不建议销号：")
        assert "底数清单中无此宗地" in rows.loc[key, "最新批次"]
    for key in ("R9", "S1", "N"):
        assert rows.loc[key, "状态"] == "未启动"


def test_a_new_code_in_the_same_township_names_the_ledger_plots_it_may_continue(recoded):
    # In 斗门街道 the ledger's R and S are gone from the 2027 底数清单 and R9, S1 are new on its
    # 治理清单: the officer cannot tell from the codes whether R9 is R re-coded or new land, so
    # both sides say it: R9's and S1's notes name R and S and ask for the filled-in columns to
    # be carried over; R's and S's notes name R9 and S1. Nothing is matched by guess (the
    # ledger holds no geometry): the status of R9, S1 stays 未启动, R's stays 推进中.
    rows = recoded.rows.set_index("宗地代码")
    for key in ("R9", "S1"):
        note = rows.loc[key, "系统提示"]
        assert "新列入治理清单" in note
        assert "斗门街道" in note and "R、S" in note and "转入本行" in note
    for key in ("R", "S"):
        note = rows.loc[key, "系统提示"]
        assert "R9、S1" in note and "本行的填写内容" in note


def test_no_cross_reference_where_nothing_in_the_township_changed_code(recoded):
    # 马山街道: G is gone and no plot is new there — G's note names no new plot; 东湖街道: N is
    # new and no ledger plot is gone there — N is plainly 新列入.
    rows = recoded.rows.set_index("宗地代码")
    assert "R9" not in rows.loc["G", "系统提示"] and "N" not in rows.loc["G", "系统提示"]
    assert rows.loc["N", "系统提示"] == "2027-06-30 批次新列入治理清单"


# --------------------------------------------------------------------------- 动态评价: code reused
REUSED_OLD = [
    {"parcel_id": "A", "box": _box(0)},  # listed; its land is C2 in 2027
    {"parcel_id": "B", "box": _box(1)},  # same code, same land
]
REUSED_NEW = [
    # the code A given to other land 1.5 km away (re-registration): not the old plot A
    {"parcel_id": "A", "box": _box(5), "screening_status": "不列入", "tax_per_mu": 9.0},
    {"parcel_id": "B", "box": _box(1)},
    {"parcel_id": "C2", "box": _box(0)},  # old A's land under a new code, still listed
]


@pytest.fixture(scope="module")
def reused(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("hand4_reused")
    old = fake_run(root / "2026", REUSED_OLD, as_of="2026-06-30")
    new = fake_run(root / "2027", REUSED_NEW, as_of="2027-06-30")
    return compare_runs(read_screening(old), read_screening(new))


def test_a_code_reused_for_other_land_is_not_the_same_plot(reused):
    # The 宗地代码 says A in both years, but the two squares are 1.5 km apart and share no land:
    # they are not one plot (a 宗地 is land, the code its label). Old A's land is C2 (same
    # square): 重新编号 A → C2, still listed (仍在治理清单, 15 亩 on the list, nothing done).
    # The new A is other land: 仅新期, never part of a 「分割」 of old A (before: 分割 A → A；C2,
    # 30 亩 and a 亩均税收 mixing the two). Both rows say the code was found on land that does
    # not overlap, to be verified. B: 两期均有. Every plot of both years in exactly one row:
    # old A, B (2); new A, B, C2 (3).
    rows = reused.plots
    by_new = {r["new_ids"]: r for r in rows.to_dict("records")}
    moved = by_new["C2"]
    assert (moved["match"], moved["old_ids"]) == ("重新编号", "A")
    assert moved["listing_change"] == "仍在治理清单" and moved["area_mu_new"] == 15.0
    other = by_new["A"]
    assert other["match"] == "仅新期" and pd.isna(other["old_ids"])
    for row in (moved, other):
        assert "宗地代码 A 两期均有，但图形不重叠" in row["to_verify"]
    assert by_new["B"]["match"] == "两期均有" and pd.isna(by_new["B"]["to_verify"])
    assert rows["n_old"].sum() == 2 and rows["n_new"].sum() == 3


# --------------------------------------------------------------------------- an older run picked
def test_updating_with_a_run_older_than_the_ledger_is_refused(tmp_path):
    # The ledger was started from the 2027 run (列入日期 2027-06-30 on every row). Its update is
    # given the 2026 folder by mistake. 「达标」 is judged by a newer screening
    # (「达标销号」, 虞政发〔2022〕12号 第三条第（一）项第2目; docs/policy.md ledger.closing:
    # 「由新一批筛查判定」):
    # a run older than the one the ledger holds cannot show a plot 达标. Before: B was proposed
    # for 销号 on 2026 figures and A added as 「新列入」 with a 列入日期 a year before the ledger.
    # Now: 错误 naming the run, both dates and what to do; nothing written (the file unchanged).
    old = fake_run(
        tmp_path / "2026",
        [{"parcel_id": "A"}, {"parcel_id": "B", "screening_status": "不列入", "tax_per_mu": 9}],
        as_of="2026-06-30",
    )
    new = fake_run(
        tmp_path / "2027",
        [{"parcel_id": "A", "screening_status": "不列入", "tax_per_mu": 9}, {"parcel_id": "B"}],
        as_of="2027-06-30",
    )
    path = tmp_path / "台账.xlsx"
    run_cli("ledger", "init", new, "--out", path, "--as-of", "2027-07-01")
    before = path.read_bytes()
    result = run_cli("ledger", "update", path, "--run", old, "--out", path, "--as-of", "2027-08-01")
    text = assert_clean_error(result, contains="2026-06-30")
    assert "早于" in text and "2027-06-30" in text and "--run" in text
    assert path.read_bytes() == before
    # the same run again (re-running an update) is not older: accepted
    ok = run_cli("ledger", "update", path, "--run", new, "--out", path, "--as-of", "2027-08-01")
    assert ok.returncode == 0, ok.stdout + ok.stderr


def test_acceptance_dated_before_the_plot_was_listed_is_no_evidence(one_year, tmp_path):
    # 列入日期 2026-06-30 (the run that listed V1–V3). V1 已销号, 验收 2025-05-20 — a year before
    # the plot was on the 治理清单: that 验收 is not of this 整改 (or 2025 is a typo for 2027),
    # and docs/policy.md ledger.dates: 「验收日期不得早于列入日期」. As a 验收 dated after the
    # ledger date, it is no evidence → 销号待核实 (虞政发〔2022〕12号 第三条第（一）项第2目).
    # V2 已销号 with 验收 2027-05-20: 已销号. V3 推进中. 完成率 1 / 3 → 33.3.
    # Before: V1 was flagged on its 验收日期 yet counted 已销号 (完成率 66.6).
    path = write_ledger(init_ledger(read_screening(one_year), as_of=DAY1), tmp_path / "台账.xlsx")
    _edit(
        path,
        {"V1": EVIDENCE | {"验收日期": "2025-05-20"}, "V2": EVIDENCE, "V3": {"状态": "推进中"}},
    )
    ledger = update_ledger(path, None, as_of=DAY2)
    total = ledger.progress.set_index("镇街").loc["全区"]
    assert (total["已销号"], total["销号待核实"], total["推进中"]) == (1, 1, 1)
    assert total["完成率（%）"] == 33.3
    flags = ledger.flags["V1"]
    assert "早于列入日期 2026-06-30" in flags["验收日期"]
    assert "销号须经验收" in flags["状态"] and "早于列入日期" in flags["状态"]
    assert "V2" not in ledger.flags
