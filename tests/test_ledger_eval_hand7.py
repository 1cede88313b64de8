"""Hand-worked cases, round 7: a 销号 the newer run contradicts, a plot closed after its
deadline, deadlines written as a half-year or a quarter, a split part without a grade, the grade
of a plot outside the evaluation, and why a plot's grade or path changed between two runs.

Rules:

- 「落实清单化管理、销号式整改、项目化验收」 — 虞政发〔2022〕12号 第三条第（一）项第2目;
  「达标销号」 — 嵊政〔2022〕28号 第三条第（二）项第2目 (docs/policy.md ``ledger.closing``):
  a 销号 is 达标 shown after 验收. A newer run that still lists the plot after its 验收 shows it
  is not 达标: the row is not counted as 已销号 nor in 完成率 but apart, 「已销号但新批次仍列入」
  (a run dated before the 验收 cannot have seen it: such a 销号 stays counted).
- ``ledger.dates``: a 计划完成日期 is a deadline; one written as a period (「2027年上半年」,
  「2027年第三季度」) is read as the period's last day, never earlier; a plot accepted after its
  deadline is finished, but late (逾期完成).
- Missing data gives 待核实, never a silent pass: a split whose part has no grade has no 等级变化.

Plots are 100 m squares in EPSG:4549 (``tests/_runs.py``): 10,000 m² = 15 亩.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from landgov.evaluation import compare_runs, write_comparison
from landgov.ledger import init_ledger, update_ledger, write_ledger
from landgov.run.results import read_screening
from tests._cli import run_cli
from tests._runs import fake_run
from tests.test_ledger import _edit

X, Y = 500_000, 3_300_000
DAY1 = dt.date(2026, 7, 1)
DAY2 = dt.date(2027, 7, 1)
MINUTES = "斗门街道工业用地整治验收纪要〔2027〕5号"


def _box(i: int) -> tuple[float, float, float, float]:
    return (X + 300 * i, Y, X + 300 * i + 100, Y + 100)


# ---------------------------------------------------------- 已销号 that the newer run still lists
@pytest.fixture(scope="module")
def relisted(tmp_path_factory: pytest.TempPathFactory):
    """(ledger updated 2027-09-01 with the run of 2027-06-30, its path): R1..R4 listed in 2026.
    R1 已销号, 验收 2027-05-20 (on file), still listed in 2027.
    R2 已销号, 验收 2027-08-15 (after the run's 基准日期), still listed in 2027.
    R3 已销号, 验收 2027-05-20, 不列入 in 2027 (达标).
    R4 推进中, still listed."""
    root = tmp_path_factory.mktemp("hand7_relisted")
    plots = [{"parcel_id": f"R{i}", "box": _box(i)} for i in range(1, 5)]
    new = [dict(p) for p in plots]
    new[2] |= {"screening_status": "不列入", "tax_per_mu": 8.0, "path": None}
    old_run = fake_run(root / "2026", plots, as_of="2026-06-30")
    new_run = fake_run(root / "2027", new, as_of="2027-06-30")
    path = write_ledger(init_ledger(read_screening(old_run), as_of=DAY1), root / "台账.xlsx")
    closed = {"状态": "已销号", "验收依据": MINUTES, "计划完成日期": "2027-12-31"}
    _edit(
        path,
        {
            "R1": closed | {"验收日期": "2027-05-20"},
            "R2": closed | {"验收日期": "2027-08-15"},
            "R3": closed | {"验收日期": "2027-05-20"},
            "R4": {"状态": "推进中"},
        },
    )
    ledger = update_ledger(path, read_screening(new_run), as_of=dt.date(2027, 9, 1))
    return ledger, write_ledger(ledger, root / "台账（更新后）.xlsx")


def test_a_close_the_newer_run_still_lists_is_not_counted_done(relisted):
    # 销号 = 达标 after 验收. R1 was accepted 2027-05-20; the run of 2027-06-30 — after the 验收 —
    # still lists it: 达标 is not shown. It is counted apart, 「已销号但新批次仍列入」, not in
    # 已销号 nor in 完成率; its status stays as typed (the 镇街 decides), and 系统提示 says why.
    # R2: accepted 2027-08-15, after the run: the run cannot have seen it — stays 已销号.
    # R3: left the list, accepted: 已销号. R4: 推进中.
    # 全区 4: 已销号 2 (R2, R3), 已销号但新批次仍列入 1 (R1), 推进中 1; 完成率 2 / 4 = 50.0.
    # Before: R1 was warned about but counted 已销号: 已销号 3, 完成率 75.0.
    ledger, _ = relisted
    total = ledger.progress.set_index("镇街").loc["全区"]
    assert (total["宗地数"], total["已销号"], total["已销号但新批次仍列入"]) == (4, 2, 1)
    assert (total["推进中"], total["其他或未填"], total["完成率（%）"]) == (1, 0, 50.0)
    rows = ledger.rows.set_index("宗地代码")
    assert rows.loc["R1", "状态"] == "已销号"
    note = rows.loc["R1", "系统提示"]
    assert "已销号但新批次仍列入" in note and "已销号，但 2027-06-30 批次仍列入治理清单" in note
    assert "不计入已销号和完成率" in note
    assert "已销号但新批次仍列入" not in str(rows.loc["R2", "系统提示"])


def test_the_contradicted_close_stays_apart_when_the_ledger_is_read_again(relisted, tmp_path):
    # The written ledger read back without a run (as the progress map and the next update do)
    # still counts R1 apart: the workbook's 最新批次 「2027-06-30 列入治理清单」 says the run
    # listed it, and its 验收日期 2027-05-20 is before that run. Its 镇街进度 sheet says so too.
    _, out = relisted
    sheet = pd.read_excel(out, sheet_name="镇街进度", dtype=object).set_index("镇街")
    assert (sheet.loc["全区", "已销号"], sheet.loc["全区", "已销号但新批次仍列入"]) == (2, 1)
    again = update_ledger(out, None, as_of=dt.date(2027, 9, 2))
    total = again.progress.set_index("镇街").loc["全区"]
    assert (total["已销号"], total["已销号但新批次仍列入"], total["完成率（%）"]) == (2, 1, 50.0)
    assert "已销号但新批次仍列入" in again.rows.set_index("宗地代码").loc["R1", "系统提示"]


def test_the_cli_line_and_the_map_count_the_contradicted_close_apart(relisted, tmp_path):
    # The closing line of `landgov ledger update` and the progress map read the same counts:
    # 已销号 2, 已销号但新批次仍列入 1 (before: 已销号 3 on both).
    from landgov.maps._progress import _ledger_frame

    _, out = relisted
    again = tmp_path / "再次.xlsx"
    done = run_cli("ledger", "update", out, "--out", again, "--as-of", "2027-09-02")
    assert done.returncode == 0, done.stderr
    assert "已销号 2、销号待核实 0、已销号但新批次仍列入 1；" in done.stdout
    frame = _ledger_frame(out, as_of=dt.date(2027, 9, 2)).set_index("parcel_id")
    assert frame.loc["R1", "ledger_status"] == "已销号但新批次仍列入"
    assert (frame["ledger_status"] == "已销号").sum() == 2


# --------------------------------------------------------------------------- 逾期完成
@pytest.fixture(scope="module")
def six_plots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hand7_six")
    plots = [{"parcel_id": f"K{i}", "box": _box(i)} for i in range(1, 7)]
    return fake_run(root / "2026", plots, as_of="2026-06-30")


def test_a_plot_accepted_after_its_deadline_is_finished_late(six_plots, tmp_path):
    # Ledger date 2027-07-01. 计划完成日期 / 验收日期:
    # K1 已销号, due 2027-03-31, accepted 2027-05-20 → finished, 逾期完成 (50 days late).
    # K2 已销号, due 2027-06-30, accepted 2027-05-20 → on time.
    # K3 已完成, due 2027-03-31, 验收日期 2027-04-10 → finished, 逾期完成.
    # K4 已完成, due 2027-03-31, no 验收日期 → finished; when is not known: not 逾期完成.
    # K5 推进中, due 2027-03-31 → 逾期 (not finished).
    # K6 已销号, due 2027-03-31, accepted 2027-03-31 → the deadline day itself: on time.
    # 全区: 逾期 1 (K5), 逾期完成 2 (K1, K3); 完成率 5 / 6 = 83.3 (late or not, finished).
    # Before: 镇街进度 had no 逾期完成; K1 and K3 looked as on time as K2.
    path = write_ledger(init_ledger(read_screening(six_plots), as_of=DAY1), tmp_path / "台账.xlsx")
    closed = {"状态": "已销号", "验收依据": MINUTES}
    _edit(
        path,
        {
            "K1": closed | {"计划完成日期": "2027-03-31", "验收日期": "2027-05-20"},
            "K2": closed | {"计划完成日期": "2027-06-30", "验收日期": "2027-05-20"},
            "K3": {"状态": "已完成", "计划完成日期": "2027-03-31", "验收日期": "2027-04-10"},
            "K4": {"状态": "已完成", "计划完成日期": "2027-03-31"},
            "K5": {"状态": "推进中", "计划完成日期": "2027-03-31"},
            "K6": closed | {"计划完成日期": "2027-03-31", "验收日期": "2027-03-31"},
        },
    )
    ledger = update_ledger(path, None, as_of=DAY2)
    total = ledger.progress.set_index("镇街").loc["全区"]
    assert (total["逾期"], total["逾期完成"], total["完成率（%）"]) == (1, 2, 83.3)
    columns = list(ledger.progress.columns)
    assert columns.index("逾期完成") == columns.index("逾期") + 1
    notes = ledger.rows.set_index("宗地代码")["系统提示"]
    assert "逾期完成（计划完成日期 2027-03-31，验收日期 2027-05-20）" in notes["K1"]
    assert "逾期完成（计划完成日期 2027-03-31，验收日期 2027-04-10）" in notes["K3"]
    for on_time in ("K2", "K4", "K6"):
        assert "逾期" not in str(notes[on_time]), on_time
    assert "逾期完成" not in notes["K5"] and "已逾期" in notes["K5"]
    # the CLI's closing line says it beside 逾期
    done = run_cli("ledger", "update", path, "--out", tmp_path / "新.xlsx", "--as-of", "2027-07-01")
    assert done.returncode == 0, done.stderr
    assert "逾期 1，逾期完成 2，" in done.stdout


# --------------------------------------------------------------------------- 「2027年上半年」
def test_a_deadline_written_as_a_half_year_or_a_quarter_is_its_last_day(six_plots, tmp_path):
    # 镇街 staff write 计划完成日期 by period. Ledger date 2027-07-01, every plot 推进中:
    # K1 「2027年上半年」 → 2027-06-30, passed → 逾期.
    # K2 「2027年下半年」 → 2027-12-31, on time.
    # K3 「2027年第三季度」 → 2027-09-30, on time. K4 「2027年Q3」 → 2027-09-30, on time.
    # K5 「2027年6月」 → 2027-06-30 (a month: its last day for a deadline, as before) → 逾期.
    # K6 「2027年一季度末」 → 2027-03-31 (「末」 names the day) → 逾期.
    # 全区: 逾期 3, 完成日期待核实 0; a period without 「底」「末」 is read with a note in 问题记录
    # (like 「2027年6月」), never a 填写问题 flag.
    # Before: K1..K4 and K6 were 「无法识别的日期」 — 填写问题 and 完成日期待核实 (5): K1 and K6
    # never 逾期 though their periods had ended.
    path = write_ledger(init_ledger(read_screening(six_plots), as_of=DAY1), tmp_path / "台账.xlsx")
    due = {
        "K1": "2027年上半年",
        "K2": "2027年下半年",
        "K3": "2027年第三季度",
        "K4": "2027年Q3",
        "K5": "2027年6月",
        "K6": "2027年一季度末",
    }
    _edit(path, {k: {"状态": "推进中", "计划完成日期": v} for k, v in due.items()})
    ledger = update_ledger(path, None, as_of=DAY2)
    rows = ledger.rows.set_index("宗地代码")
    read = {k: rows.loc[k, "计划完成日期"] for k in due}
    assert read == {
        "K1": dt.date(2027, 6, 30),
        "K2": dt.date(2027, 12, 31),
        "K3": dt.date(2027, 9, 30),
        "K4": dt.date(2027, 9, 30),
        "K5": dt.date(2027, 6, 30),
        "K6": dt.date(2027, 3, 31),
    }
    total = ledger.progress.set_index("镇街").loc["全区"]
    assert (total["逾期"], total["完成日期待核实"]) == (3, 0)
    assert not ledger.flags
    said = ledger.problems[ledger.problems["field"] == "计划完成日期"]["problem"]
    assert said.str.contains("按上半年最后一天（2027-06-30）计").sum() == 1
    assert said.str.contains("按第3季度最后一天（2027-09-30）计").sum() == 2
    assert not said.str.contains("一季度末|1季度末").any()  # 「末」 says the day: nothing to say


@pytest.mark.parametrize(
    ("typed", "deadline", "other"),
    [
        ("2027年上半年", dt.date(2027, 6, 30), dt.date(2027, 1, 1)),
        ("2027年下半年", dt.date(2027, 12, 31), dt.date(2027, 7, 1)),
        ("2027年第三季度", dt.date(2027, 9, 30), dt.date(2027, 7, 1)),
        ("2027年度第二季度", dt.date(2027, 6, 30), dt.date(2027, 4, 1)),
        ("2027Q4", dt.date(2027, 12, 31), dt.date(2027, 10, 1)),
        ("2027年三季度末", dt.date(2027, 9, 30), dt.date(2027, 9, 30)),
        ("2027年上半年底前", dt.date(2027, 6, 30), None),  # 「底前」 read for a deadline only
        ("2027年年底", dt.date(2027, 12, 31), dt.date(2027, 12, 31)),
        ("2027年第五季度", None, None),  # no such quarter: never guessed
    ],
)
def test_the_one_date_reader_reads_a_period_as_a_month_is_read(typed, deadline, other):
    # core.dates.read_date, the one reader: a period alone is read as a month alone is — its
    # last day for a deadline (never reached early), its first day elsewhere (a warning says
    # which) —; with 「底」「末」 its last day in any field, as 「2027年6月底」「2026年底」.
    from landgov.core.dates import read_date

    assert read_date(typed, month_only="last")[0] == deadline
    assert read_date(typed)[0] == other


# --------------------------------------------------------------------------- split, no grade
def test_a_split_or_merged_part_without_a_grade_leaves_the_change_to_verify(tmp_path):
    # 2026: S (C, 30 亩 = two 100 m squares), T1 (C) and T2 (no grade: its firm's data missing),
    # U (C, 30 亩). 2027: S split into S1 (B) and S2 (no grade); T1 + T2 merged into T (B);
    # U split into U1 (B) and U2 (B).
    # S: one part B — better than C — the other of no grade, which may be D: not 「上升」 but
    # 待核实, naming S2. T: T2's 2026 grade is not known, so whether T rose is not either:
    # 待核实, naming T2. U: every part B → 上升 (nothing to verify).
    # Before: S and T were 「上升」 — the part without a grade was dropped from the group.
    def wide(i: int) -> tuple[float, float, float, float]:
        return (X + 600 * i, Y, X + 600 * i + 200, Y + 100)

    def half(i: int, j: int) -> tuple[float, float, float, float]:
        return (X + 600 * i + 100 * j, Y, X + 600 * i + 100 * j + 100, Y + 100)

    old = [
        {"parcel_id": "S", "box": wide(0), "area_mu": 30.0},
        {"parcel_id": "T1", "box": half(1, 0)},
        {"parcel_id": "T2", "box": half(1, 1), "grade": None},
        {"parcel_id": "U", "box": wide(2), "area_mu": 30.0},
    ]
    new = [
        {"parcel_id": "S1", "box": half(0, 0), "grade": "B"},
        {"parcel_id": "S2", "box": half(0, 1), "grade": None},
        {"parcel_id": "T", "box": wide(1), "area_mu": 30.0, "grade": "B"},
        {"parcel_id": "U1", "box": half(2, 0), "grade": "B"},
        {"parcel_id": "U2", "box": half(2, 1), "grade": "B"},
    ]
    a = fake_run(tmp_path / "2026", old, as_of="2026-06-30")
    b = fake_run(tmp_path / "2027", new, as_of="2027-06-30")
    cmp = compare_runs(read_screening(a), read_screening(b))
    rows = cmp.plots.set_index("old_ids")
    assert list(rows["match"]) == ["分割", "合并", "分割"]
    assert rows.loc["S", "grade_change"] == "待核实"
    assert "新期宗地 S2（缺少：评价等级）" in rows.loc["S", "to_verify"]
    assert rows.loc["T1；T2", "grade_change"] == "待核实"
    assert "旧期宗地 T2（缺少：评价等级）" in rows.loc["T1；T2", "to_verify"]
    assert rows.loc["U", "grade_change"] == "上升" and pd.isna(rows.loc["U", "to_verify"])
    assert cmp.counts["grade_change"] == {"待核实": 2, "上升": 1}


# --------------------------------------------------------------------------- 不参评 in the 台账
NOT_MANUFACTURING = (
    "不参评：非制造业（行业代码 5171（大类 51）不属制造业（GB/T 4754 大类 13–43）） "
    "[虞政发〔2022〕12号 第三条第（二）项第1目]"
)
SMALL = "不参评：规下且用地不足 3 亩 [虞政发〔2022〕12号 第三条第（二）项第1目]"


def test_the_ledger_grade_of_a_plot_outside_the_evaluation_says_why(tmp_path):
    # 规上 firms and 规下 firms using 3 亩 or more are evaluated (虞政发〔2022〕12号
    # 第三条第（二）项第1目); a plot can still be on the 治理清单 without a grade (违法用地, 闲置).
    # The 台账's 评价等级 cell says why instead of being blank:
    # G1 (wholesale, 5171): 「不参评（非制造业）」;
    # G2 (规下, 2 亩): 「不参评（规下且用地不足 3 亩）」;
    # G3 (no grade, not said outside: its firm's data lack): 「待核实（无评价等级）」; G4 C: 「C」.
    # In 2027 G4's firm turned to trade: off the list, its row's grade from that run, 不参评.
    # Before: G1..G3 blank, and G4 blank in 2027.
    old = [
        {"parcel_id": "G1", "box": _box(1), "grade": None, "grade_out_of_scope": NOT_MANUFACTURING},
        {"parcel_id": "G2", "box": _box(2), "grade": None, "grade_out_of_scope": SMALL},
        {"parcel_id": "G3", "box": _box(3), "grade": None},
        {"parcel_id": "G4", "box": _box(4)},
    ]
    new = [dict(p) for p in old[:3]] + [
        {"parcel_id": "G4", "box": _box(4), "grade": None, "grade_out_of_scope": NOT_MANUFACTURING,
         "screening_status": "不列入", "path": None},
    ]  # fmt: skip
    a = fake_run(tmp_path / "2026", old, as_of="2026-06-30")
    b = fake_run(tmp_path / "2027", new, as_of="2027-06-30")
    path = write_ledger(init_ledger(read_screening(a), as_of=DAY1), tmp_path / "台账.xlsx")
    sheet = pd.read_excel(path, sheet_name="治理台账", dtype=object).set_index("宗地代码")
    assert sheet["评价等级"].to_dict() == {
        "G1": "不参评（非制造业）",
        "G2": "不参评（规下且用地不足 3 亩）",
        "G3": "待核实（无评价等级）",
        "G4": "C",
    }
    ledger = update_ledger(path, read_screening(b), as_of=DAY2)
    assert ledger.rows.set_index("宗地代码").loc["G4", "评价等级"] == "不参评（非制造业）"


# --------------------------------------------------------------------------- 变化原因
CLOSE_R1 = "规则 R1「关停退出」：重大环保违法且评价为D类"
MET = "亩均税收 8 万元/亩，高于低效门槛"


def test_a_grade_or_path_change_between_the_runs_gives_its_reason(tmp_path):
    # 2026: A, B, E all C, 整治提升, 亩均税收 3.0. 2027:
    # A: D, 关停退出 (R1), 亩均税收 1.0 → 「等级 C→D（下降）；四个一批路径 整治提升→关停退出；
    #    亩均税收 3→1 万元/亩；新期列入原因：规则 R1…」.
    # B: unchanged → no reason. E: B, off the list (不列入, no path), 亩均税收 8.0 →
    #    「等级 C→B（上升）；四个一批路径 整治提升→无；亩均税收 3→8 万元/亩；新期理由：…」.
    # N: new in 2027 (no old plot to compare) → no reason.
    # Before: 地块变化 showed C and D side by side without a word of why.
    old = [{"parcel_id": k, "box": _box(i)} for i, k in enumerate("ABE")]
    new = [
        {"parcel_id": "A", "box": _box(0), "grade": "D", "path": "关停退出", "tax_per_mu": 1.0,
         "reasons": CLOSE_R1},
        {"parcel_id": "B", "box": _box(1)},
        {"parcel_id": "E", "box": _box(2), "grade": "B", "path": None, "tax_per_mu": 8.0,
         "screening_status": "不列入", "reasons": MET},
        {"parcel_id": "N", "box": _box(5)},
    ]  # fmt: skip
    a = fake_run(tmp_path / "2026", old, as_of="2026-06-30")
    b = fake_run(tmp_path / "2027", new, as_of="2027-06-30")
    cmp = compare_runs(read_screening(a), read_screening(b))
    why = cmp.plots.set_index(cmp.plots["old_ids"].fillna(cmp.plots["new_ids"]))["change_reason"]
    assert why["A"] == (
        "等级 C→D（下降）；四个一批路径 整治提升→关停退出；亩均税收 3→1 万元/亩；"
        f"新期列入原因：{CLOSE_R1}"
    )
    assert why["E"] == (
        f"等级 C→B（上升）；四个一批路径 整治提升→无；亩均税收 3→8 万元/亩；新期理由：{MET}"
    )
    assert pd.isna(why["B"]) and pd.isna(why["N"])
    out = write_comparison(cmp, tmp_path / "动态评价")
    sheet = pd.read_excel(out / "动态评价.xlsx", sheet_name="地块变化", dtype=object)
    assert sheet.set_index("旧期宗地代码").loc["A", "变化原因"] == why["A"]


def test_a_tax_the_same_as_printed_is_said_to_be_the_same(tmp_path):
    # S: C → D with 亩均税收 3.0 both years (and T: 11.321 → 11.324, 11.32 printed both years):
    # 「亩均税收 3 万元/亩（两期相同）」, never 「3→3」 as if it had changed
    old = [
        {"parcel_id": "S", "box": _box(0)},
        {"parcel_id": "T", "box": _box(1), "tax_per_mu": 11.321},
    ]
    new = [
        {"parcel_id": "S", "box": _box(0), "grade": "D"},
        {"parcel_id": "T", "box": _box(1), "grade": "D", "tax_per_mu": 11.324},
    ]
    a = fake_run(tmp_path / "2026", old, as_of="2026-06-30")
    b = fake_run(tmp_path / "2027", new, as_of="2027-06-30")
    cmp = compare_runs(read_screening(a), read_screening(b))
    why = cmp.plots.set_index("old_ids")["change_reason"]
    assert why["S"].startswith("等级 C→D（下降）；亩均税收 3 万元/亩（两期相同）；新期列入原因：")
    assert why["T"].startswith("等级 C→D（下降）；亩均税收 11.32 万元/亩（两期相同）；")


def test_a_plot_graded_before_and_of_no_grade_now_says_why(tmp_path):
    # P (C in 2026) has no grade in 2027 (its firm's figures missing); Q (C) is 不参评 in 2027,
    # its firm now in wholesale. Both 等级变化 待核实 (neither better nor worse), and 待核实事项
    # says why: 「新期宗地 P（缺少：评价等级）」, 「新期宗地 Q 不参评（非制造业）」.
    # R (no grade in either run): 旧期无等级, nothing said of it.
    # Before: 待核实 with a blank 待核实事项 — a 待核实 naming nothing.
    old = [
        {"parcel_id": "P", "box": _box(0)},
        {"parcel_id": "Q", "box": _box(1)},
        {"parcel_id": "R", "box": _box(2), "grade": None},
    ]
    new = [
        {"parcel_id": "P", "box": _box(0), "grade": None},
        {"parcel_id": "Q", "box": _box(1), "grade": None, "grade_out_of_scope": NOT_MANUFACTURING},
        {"parcel_id": "R", "box": _box(2), "grade": None},
    ]
    a = fake_run(tmp_path / "2026", old, as_of="2026-06-30")
    b = fake_run(tmp_path / "2027", new, as_of="2027-06-30")
    rows = compare_runs(read_screening(a), read_screening(b)).plots.set_index("old_ids")
    assert list(rows["grade_change"]) == ["待核实", "待核实", "旧期无等级"]
    assert rows.loc["P", "to_verify"] == "新期宗地 P（缺少：评价等级）"
    assert rows.loc["Q", "to_verify"] == "新期宗地 Q 不参评（非制造业）"
    assert pd.isna(rows.loc["R", "to_verify"])


@pytest.mark.parametrize(
    ("typed", "day", "quoted"),
    [
        ("2027年第三季度", dt.date(2027, 9, 30), "「2027年第三季度」"),  # was 「2027年第3季度」
        ("二〇二七年十三月", None, "「二〇二七年十三月」"),  # was 「2027年13月」
        ("２０２７年６月", dt.date(2027, 6, 30), "「２０２７年６月」"),  # was 「2027年6月」
        ("2027年 6月", dt.date(2027, 6, 30), "「2027年 6月」"),  # was 「无法识别的日期」
        ("2027年 6 月底", dt.date(2027, 6, 30), None),  # 「月底」 says the day
    ],
)
def test_a_date_problem_quotes_the_cell_as_it_was_typed(typed, day, quoted):
    # The 问题记录 and the cell's note quote what the clerk typed, so that it is found in the
    # sheet (Ctrl+F), not the digits landgov read it as; a blank between 年 and 月 is no reason
    # to leave a month unread.
    from landgov.core.dates import read_date

    got, problem = read_date(typed, month_only="last")
    assert got == day
    assert (problem is None) if quoted is None else (quoted in problem), problem
