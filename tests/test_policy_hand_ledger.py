"""Hand-worked policy cases for the 治理台账 (过程管控) and 动态评价 modules.

Every expected value is worked out on paper from the rule it cites before the code is run. The
rules and where they come from:

- 「落实清单化管理、销号式整改、项目化验收」 — 虞政发〔2022〕12号 第三条第（一）项第2目: a plot
  is 已销号 only after 验收, so the ledger needs 验收日期 and 验收依据, whatever its 四个一批 path.
- 「通过拆除重建、整治提升、功能转型、关停退出等方式推动对标提升，达标销号」 — 虞政发〔2022〕12号
  第三条第（二）项第1目; 嵊政〔2022〕28号 第三条第（二）项第2目: 销号 follows 达标. A plot the
  new run could not judge (待核实) or could not find has not been shown 达标.
- 低效 = 亩均税收 「5万元以下」 — 虞政发〔2022〕12号 第二条、第三条第（一）项第1目 (profile key
  ``screening.low_efficiency_tax_per_mu``, ``comparison = "<="``): 「以下」 includes the number
  (《民法典》第一千二百五十九条), so 5.00 stays low-efficient and 5.01 does not.
- 期限 — 《民法典》第二百零一条 (a period counted in days starts the next day), 第二百零二条 (a
  period in months ends on the 对应日, else the month's last day), 第二百零三条 (the last day
  ends at 24:00): a plot due 2027-06-30 is not 逾期 on 2027-06-30 and is on 2027-07-01; a
  deadline written as a month alone (「2027年6月」, i.e. 「6月底前」) runs to 2027-06-30.
- 动态评价 — 虞政发〔2022〕12号 第三条第（一）项第3目 names the 动态评价 module; how split and
  merged plots are compared (area-weighted 亩均税收, 待核实 when a part lacks it) and that a firm
  missing from the second year is 待核实 are 示例规则（非官方） project defaults.

Plots are 100 m squares in EPSG:4549 (15 亩 by default, ``tests/_runs.py``); money in 万元.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from landgov.evaluation import compare_runs, write_comparison
from landgov.ledger import init_ledger, update_ledger, write_ledger
from landgov.run.results import read_screening
from tests._hand import comparison_row
from tests._runs import fake_run
from tests._words import SEED_CODE, TRADITIONAL
from tests.test_ledger import _edit

LISTED = dt.date(2026, 6, 30)  # the first run's reference date = 列入日期
DAY1 = dt.date(2026, 7, 1)

# --------------------------------------------------------------------------- 治理台账
PATHS = ("拆除重建", "整治提升", "功能转型", "关停退出")
PLOTS_1 = [
    {"parcel_id": "Q11", "tax_per_mu": 3.0, "path": "拆除重建"},
    {"parcel_id": "Q12", "tax_per_mu": 3.0, "path": "整治提升"},
    {"parcel_id": "Q13", "tax_per_mu": 3.0, "path": "功能转型"},
    {"parcel_id": "Q14", "tax_per_mu": 3.0, "path": "关停退出"},
    {"parcel_id": "Q21", "tax_per_mu": 4.0},  # improves to 5.01: 达标
    {"parcel_id": "Q22", "tax_per_mu": 4.0},  # 待核实 in the second run
    {"parcel_id": "Q23", "tax_per_mu": 4.0},  # missing from the second run
    {"parcel_id": "Q24", "tax_per_mu": 4.0},  # 5.00 exactly: still listed
    {"parcel_id": "Q25", "tax_per_mu": 4.0},  # 已销号 but listed again
    {"parcel_id": "Q26", "tax_per_mu": 4.0},  # leaves the list untreated (data corrected)
]
PLOTS_2 = [
    *PLOTS_1[:4],
    {"parcel_id": "Q21", "tax_per_mu": 5.01, "screening_status": "不列入", "grade": "B"},
    {"parcel_id": "Q22", "tax_per_mu": 6.0, "screening_status": "待核实",
     "to_verify": "综合能耗（吨标准煤）〔统计局〕"},
    {"parcel_id": "Q24", "tax_per_mu": 5.0},
    {"parcel_id": "Q25", "tax_per_mu": 3.5},
    {"parcel_id": "Q26", "tax_per_mu": 5.5, "screening_status": "不列入"},
]  # fmt: skip
CLOSED_OK = {"状态": "已销号", "验收日期": "2027-05-20", "验收依据": "斗门街道验收纪要〔2027〕5号"}


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("hand_ledger")
    return (
        fake_run(root / "2026", PLOTS_1, as_of=LISTED.isoformat()),
        fake_run(root / "2027", PLOTS_2, as_of="2027-06-30"),
    )


def _ledger(runs: tuple[Path, Path], tmp_path: Path) -> Path:
    return write_ledger(init_ledger(read_screening(runs[0]), as_of=DAY1), tmp_path / "台账.xlsx")


def _update(path: Path, run: Path | None, day: dt.date):
    ledger = update_ledger(path, read_screening(run) if run else None, as_of=day)
    return ledger, ledger.rows.set_index("宗地代码")


def _late(rows: pd.DataFrame, key: str) -> bool:
    return "已逾期" in str(rows.loc[key, "系统提示"] or "")


@pytest.mark.parametrize(
    ("due", "today", "late"),
    [
        # 《民法典》第二百零三条: the last day ends at 24:00 — due 2027-06-30 is on time that day
        ("2027-06-30", dt.date(2027, 6, 30), False),
        ("2027-06-30", dt.date(2027, 7, 1), True),  # … and late the next day
        ("2027-06-30", dt.date(2027, 6, 29), False),
        # 「6月底前」 typed as 2027年6月: 第二百零二条, the month's last day is the period's last
        ("2027年6月", dt.date(2027, 6, 30), False),
        ("2027年6月", dt.date(2027, 6, 2), False),  # not late on the 2nd (read as the 1st)
        ("2027年6月", dt.date(2027, 7, 1), True),
        ("2027年2月", dt.date(2027, 2, 28), False),  # 2027 is a common year: 28 February
        ("2027年2月", dt.date(2027, 3, 1), True),
    ],
)
def test_overdue_ends_at_the_end_of_the_last_day(runs, tmp_path, due, today, late):
    path = _ledger(runs, tmp_path)
    _edit(path, {"Q12": {"状态": "推进中", "计划完成日期": due}})
    _, rows = _update(path, None, today)
    assert _late(rows, "Q12") is late
    ledger, _ = _update(path, None, today)
    assert int(ledger.progress.set_index("镇街").loc["全区", "逾期"]) == int(late)


@pytest.mark.parametrize("status", ["已完成", "已销号"])
def test_finished_after_the_deadline_is_not_overdue(runs, tmp_path, status):
    # FINISHED: a plot 已完成/已销号 is done; a deadline passed afterwards is no 逾期
    path = _ledger(runs, tmp_path)
    _edit(path, {"Q12": {"计划完成日期": "2027-03-31"} | CLOSED_OK | {"状态": status}})
    _, rows = _update(path, None, dt.date(2027, 7, 1))
    assert not _late(rows, "Q12")


@pytest.mark.parametrize("key", ["Q11", "Q12", "Q13", "Q14"])
def test_closing_needs_acceptance_on_every_path(runs, tmp_path, key):
    # 虞政发〔2022〕12号 第三条第（一）项第2目 「销号式整改、项目化验收」: one rule for all four
    # paths — 已销号 needs 验收日期 and 验收依据; with both it is clean
    path = _ledger(runs, tmp_path)
    _edit(path, {key: {"状态": "已销号", "验收日期": "2027-05-20"}})
    ledger, rows = _update(path, None, dt.date(2027, 7, 1))
    assert PATHS[int(key[-1]) - 1] == rows.loc[key, "四个一批路径"]
    (problem,) = ledger.problems["problem"]
    assert "未填写验收依据" in problem and "销号须经验收" in problem
    _edit(path, {key: CLOSED_OK})
    ledger, rows = _update(path, None, dt.date(2027, 7, 1))
    assert ledger.problems.empty and rows.loc[key, "状态"] == "已销号"


def test_acceptance_dated_after_today_is_a_problem(runs, tmp_path):
    # 验收 cannot lie in the future: 验收日期 2027-07-02 with as_of 2027-07-01 is flagged,
    # 2027-07-01 itself is not
    path = _ledger(runs, tmp_path)
    _edit(path, {"Q12": CLOSED_OK | {"验收日期": "2027-07-02"}})
    ledger, _ = _update(path, None, dt.date(2027, 7, 1))
    assert ledger.problems["problem"].str.contains("晚于今天").sum() == 1
    _edit(path, {"Q12": {"验收日期": "2027-07-01"}})
    ledger, _ = _update(path, None, dt.date(2027, 7, 1))
    assert ledger.problems.empty


@pytest.fixture(scope="module")
def merged(runs, tmp_path_factory):
    """The first ledger, Q25 closed with 验收, updated with the second run on 2027-07-01."""
    path = _ledger(runs, tmp_path_factory.mktemp("merged"))
    _edit(path, {"Q21": {"状态": "已完成"}, "Q25": CLOSED_OK})
    ledger, rows = _update(path, runs[1], dt.date(2027, 7, 1))
    out = write_ledger(ledger, path)
    return ledger, rows, out


def test_left_the_list_at_5_01_is_proposed_with_the_number_that_shows_why(merged):
    # 5.01 > 5: not 「5万元以下」, so 达标 on 亩均税收 → 建议销号 (status untouched: 验收 first).
    # The text must show 5.01 — 「5 万元/亩，已不在 ≤ 5 万元/亩 内」 contradicts itself.
    _, rows, _ = merged
    note = rows.loc["Q21", "系统提示"]
    assert note.startswith("建议销号：") and rows.loc["Q21", "状态"] == "已完成"
    assert "亩均税收 5.01 万元/亩，已不在低效门槛 ≤ 5 万元/亩" in note


def test_left_the_list_treated_or_because_the_data_changed(merged):
    # Q21 (已完成) and Q26 (未启动) both left the list at 达标 figures, so both are proposed;
    # only Q26's proposal says nothing was treated — its data changed (项目化验收 has no
    # project to accept), to be checked before anyone closes it
    _, rows, _ = merged
    q21, q26 = rows.loc["Q21", "系统提示"], rows.loc["Q26", "系统提示"]
    assert q26.startswith("建议销号：") and "亩均税收 5.5 万元/亩，已不在低效门槛" in q26
    assert "并非整治所致" in q26 and "并非整治所致" not in q21
    assert rows.loc["Q26", "状态"] == "未启动"


def test_exactly_5_stays_on_the_list(merged):
    # 5.00 is 「5万元以下」 (以下 includes the number): still listed, no proposal to close
    _, rows, _ = merged
    assert "建议销号" not in str(rows.loc["Q24", "系统提示"] or "")
    assert rows.loc["Q24", "最新批次"] == "2027-06-30 列入治理清单"


def test_pending_plot_is_never_proposed_nor_counted(merged):
    # 达标销号: 待核实 (a check lacked data) is not 达标 — 暂不建议销号, and 镇街进度 must not
    # count it as 建议销号 (the word 「暂不建议销号」 contains 「建议销号」)
    _, rows, _ = merged
    note = rows.loc["Q22", "系统提示"]
    assert note.startswith("暂不建议销号：") and "综合能耗" in note
    assert rows.loc["Q22", "状态"] == "未启动"


def test_plot_missing_from_the_new_run_is_to_verify_not_proposed(merged):
    # Q23 is not in the second run's 底数清单 at all (split, merged, renumbered or cancelled):
    # nothing shows it 达标, so it is 待核实 like Q22 — not 建议销号
    _, rows, _ = merged
    note = rows.loc["Q23", "系统提示"]
    assert note.startswith("暂不建议销号：") and "底数清单中没有此宗地" in note
    assert rows.loc["Q23", "状态"] == "未启动"


def test_progress_counts_only_real_proposals(merged):
    # by hand: 建议销号 = Q21 and Q26; Q22 (待核实) and Q23 (not found) are 暂不建议销号
    ledger, _, out = merged
    total = ledger.progress.set_index("镇街").loc["全区"]
    assert int(total["建议销号"]) == 2
    sheet = pd.read_excel(out, sheet_name="镇街进度").set_index("镇街")
    assert int(sheet.loc["全区", "建议销号"]) == 2


def test_closed_plot_listed_again_is_said(merged):
    # 已销号 yet on the new 治理清单: not 达标 after all — a warning, status kept as typed
    ledger, rows, _ = merged
    assert rows.loc["Q25", "状态"] == "已销号"
    assert "已销号，但 2027-06-30 批次仍列入治理清单" in rows.loc["Q25", "系统提示"]
    assert ledger.problems["problem"].str.contains("Q25 已销号").sum() == 1


@pytest.mark.parametrize("typed", ["=1+1", "@SUM(A1)", "+86-575", "-拆除后复垦"])
def test_formula_like_text_typed_by_a_user_is_written_back_as_text(runs, tmp_path, typed):
    # OWASP CSV/formula injection: what a clerk typed comes back exactly, as a text cell
    path = _ledger(runs, tmp_path)
    _edit(path, {"Q12": {"治理措施": typed, "进展说明": typed}})
    ledger, rows = _update(path, None, dt.date(2027, 7, 1))
    assert rows.loc["Q12", "进展说明"] == typed
    write_ledger(ledger, path)
    ws = load_workbook(path)["治理台账"]
    heads = [str(c.value) for c in ws[1]]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == "Q12")
    for name in ("治理措施", "进展说明"):
        cell = ws.cell(row, next(i for i, h in enumerate(heads, 1) if h.startswith(name)))
        assert cell.value == typed and cell.data_type == "s"


# --------------------------------------------------------------------------- the words
_LATIN = re.compile(r"[A-Za-z]{3,}")
_ALLOWED_LATIN = {"landgov", "Excel", "WPS", "GB", "xlsx"}


def _words_ok(texts: list[str]) -> None:
    for text in texts:
        if text.startswith("landgov "):  # a command line to type (填写说明)
            continue
        assert not SEED_CODE.search(text), text  # a seed file number, not a 文号
        assert not set(text) & TRADITIONAL, text
        assert set(_LATIN.findall(text)) <= _ALLOWED_LATIN, text


def test_ledger_words_are_simplified_chinese_and_cite_by_docnum(merged):
    _, _, out = merged
    texts = []
    for name, sheet in pd.read_excel(out, sheet_name=None, dtype=str).items():
        if name == "landgov_标识":
            continue
        texts += [str(c) for c in sheet.columns if not str(c).startswith("Unnamed")]
        for col in sheet.columns:
            if col in ("宗地代码", "所见值", "标识"):
                continue
            texts += [v for v in sheet[col].dropna() if not re.fullmatch(r"[\d.\-: ]+", v)]
    _words_ok(texts)
    basis = pd.read_excel(out, sheet_name="治理台账")["政策依据"]
    assert basis.str.contains("越政发〔2022〕24号").all()


# --------------------------------------------------------------------------- 动态评价
X, Y = 500_000, 3_300_000


def _box(i: int, *, w: float = 100, dx: float = 0) -> tuple[float, float, float, float]:
    return (X + 300 * i + dx, Y, X + 300 * i + dx + w, Y + 100)


OLD = [
    {"parcel_id": "S", "box": _box(0), "tax_per_mu": 2.0, "grade": "D"},  # split in two
    {"parcel_id": "M1", "box": _box(1, w=50), "tax_per_mu": 4.0, "area_mu": 7.5},  # merged
    {"parcel_id": "M2", "box": _box(1, w=50, dx=50), "tax_per_mu": 2.0, "area_mu": 7.5},
    {"parcel_id": "G", "box": _box(2), "tax_per_mu": 20.0, "grade": "A",
     "screening_status": "不列入"},  # A → D
    {"parcel_id": "T", "box": _box(3), "tax_per_mu": 4.0},  # improves to 5.00 exactly
    {"parcel_id": "Z", "box": _box(4), "tax_per_mu": 0.0},  # 0 is a value
    {"parcel_id": "N", "box": _box(5), "tax_per_mu": None},  # missing is not 0
    {"parcel_id": "H1", "box": _box(6, w=50), "tax_per_mu": 4.0, "area_mu": 7.5, "grade": "B"},
    {"parcel_id": "H2", "box": _box(6, w=50, dx=50), "tax_per_mu": None, "area_mu": 7.5,
     "grade": "D"},
    {"parcel_id": "V", "box": _box(7)},  # listed, gone in the new run
    {"parcel_id": "R", "box": _box(8), "tax_per_mu": 4.0},  # 达标, leaves the list
]  # fmt: skip
NEW = [
    {"parcel_id": "S1", "box": _box(0, w=60), "tax_per_mu": 3.0, "area_mu": 9.0},
    {"parcel_id": "S2", "box": _box(0, w=40, dx=60), "tax_per_mu": 6.0, "area_mu": 6.0,
     "screening_status": "不列入", "grade": "B"},
    {"parcel_id": "M", "box": _box(1), "tax_per_mu": 5.0},
    {"parcel_id": "G", "box": _box(2), "tax_per_mu": 3.0, "grade": "D"},
    {"parcel_id": "T", "box": _box(3), "tax_per_mu": 5.0},
    {"parcel_id": "Z", "box": _box(4), "tax_per_mu": 3.0},
    {"parcel_id": "N", "box": _box(5), "tax_per_mu": 3.0},
    {"parcel_id": "H", "box": _box(6), "tax_per_mu": 4.5},
    {"parcel_id": "R", "box": _box(8), "tax_per_mu": 5.5, "screening_status": "不列入"},
]  # fmt: skip
U = "91330602000000000"
ENTS_OLD = [
    {"uscc": U + "1", "name": "甲", "grade": "A", "tax_per_mu": 20.0},  # A → D
    {"uscc": U + "2", "name": "乙", "grade": "C", "tax_per_mu": 4.0},  # gone next year
    {"uscc": U + "3", "name": "丙", "grade": "D", "tax_per_mu": 0.0},  # 0 → 2
    {"uscc": U + "4", "name": "丁", "grade": "C", "tax_per_mu": None},  # missing → 2
]
ENTS_NEW = [
    {"uscc": U + "1", "name": "甲", "grade": "D", "tax_per_mu": 3.0},
    {"uscc": U + "3", "name": "丙", "grade": "D", "tax_per_mu": 2.0},
    {"uscc": U + "4", "name": "丁", "grade": None, "tax_per_mu": 2.0},
    {"uscc": U + "5", "name": "戊", "grade": "B", "tax_per_mu": 9.0},  # new firm
]


@pytest.fixture(scope="module")
def cmp(tmp_path_factory):
    root = tmp_path_factory.mktemp("hand_eval")
    old = fake_run(root / "old", OLD, as_of="2026-06-30", enterprises=ENTS_OLD)
    new = fake_run(root / "new", NEW, as_of="2027-06-30", enterprises=ENTS_NEW)
    return compare_runs(read_screening(old), read_screening(new))


def test_split_plot_is_one_row_with_area_weighted_tax(cmp):
    # S (15 亩, 2.0) → S1 9 亩 × 3.0 + S2 6 亩 × 6.0 = 63 万元 / 15 亩 = 4.2; S1 still listed
    s = comparison_row(cmp, "S")
    assert s["match"] == "分割" and s["new_ids"] == "S1；S2"
    assert s["tax_per_mu_new"] == pytest.approx(4.2)
    assert s["tax_per_mu_change"] == pytest.approx(2.2)
    assert s["area_mu_new"] == pytest.approx(15.0) and s["listing_change"] == "仍在治理清单"


def test_grade_of_a_split_or_merged_group(cmp):
    # S (D) → S1 C and S2 B: every part is better than D → 上升
    # M1 C + M2 C → M C: 不变; H1 B + H2 D → H C: one part up, one down → 升降不一 (never
    # 待核实: every part has a grade)
    assert (
        comparison_row(cmp, "S")["grade_new"] == "C；B"
        and comparison_row(cmp, "S")["grade_change"] == "上升"
    )
    assert comparison_row(cmp, "M")["grade_change"] == "不变"
    assert comparison_row(cmp, "H")["grade_change"] == "升降不一"


def test_merged_plot_reaching_exactly_5_stays_low_efficient(cmp):
    # M1 7.5 亩 × 4.0 + M2 7.5 亩 × 2.0 = 45 / 15 = 3.0 → M 5.00: 「5万元以下」 includes 5,
    # so M is still on the 治理清单 and nothing counts it as 治理 done
    m = comparison_row(cmp, "M")
    assert m["match"] == "合并" and m["old_ids"] == "M1；M2"
    assert m["tax_per_mu_old"] == pytest.approx(3.0)
    assert m["tax_per_mu_change"] == pytest.approx(2.0)
    assert m["listing_change"] == "仍在治理清单"
    t = comparison_row(cmp, "T")
    assert t["tax_per_mu_change"] == pytest.approx(1.0) and t["listing_change"] == "仍在治理清单"


def test_merge_with_a_part_lacking_tax_has_no_group_figure(cmp):
    # H2 has no 亩均税收: (4.0 × 7.5 + ?) / 15 is unknown — no figure, no change (待核实)
    h = comparison_row(cmp, "H")
    assert pd.isna(h["tax_per_mu_old"]) and pd.isna(h["tax_per_mu_change"])
    assert h["tax_per_mu_new"] == pytest.approx(4.5)


def test_zero_tax_is_a_value_and_missing_is_not(cmp):
    # Z: 0 → 3 is +3; N: missing → 3 has no change (never read as 0 → 3)
    z, n = comparison_row(cmp, "Z"), comparison_row(cmp, "N")
    assert z["tax_per_mu_old"] == 0.0 and z["tax_per_mu_change"] == pytest.approx(3.0)
    assert pd.isna(n["tax_per_mu_old"]) and pd.isna(n["tax_per_mu_change"])


def test_grade_a_to_d_is_down_and_newly_listed(cmp):
    g = comparison_row(cmp, "G")
    assert g["grade_old"] == "A" and g["grade_new"] == "D"
    assert g["grade_change"] == "下降" and g["listing_change"] == "新列入治理清单"


def test_plot_gone_from_the_new_run_is_to_verify_not_done(cmp):
    # V was listed and is not in the new 底数清单: nothing shows it 达标 → 待核实, and the
    # 治理 area done counts only R (移出治理清单, 15 亩): V's 15 亩 are not 盘活 done
    v = comparison_row(cmp, "V")
    assert v["match"] == "仅旧期" and v["grade_change"] == "待核实"
    assert v["listing_change"] == "旧期在治理清单，新期无此地块"
    assert comparison_row(cmp, "R")["listing_change"] == "移出治理清单"
    towns = cmp.townships.set_index("township")
    assert towns.loc["全区", "governance_done_mu"] == pytest.approx(15.0)


def test_enterprise_changes(cmp):
    ents = cmp.enterprises.set_index("uscc")
    # 甲 A → D: 下降, 20 → 3 is −17
    assert ents.loc[U + "1", "grade_change"] == "下降"
    assert ents.loc[U + "1", "tax_per_mu_change"] == pytest.approx(-17.0)
    # 乙 is not in the second year's table: 待核实, never 上升/下降
    assert ents.loc[U + "2", "match"] == "仅旧期" and ents.loc[U + "2", "grade_change"] == "待核实"
    assert pd.isna(ents.loc[U + "2", "tax_per_mu_change"])
    # 丙 0 → 2 is +2 (0 is a value); 丁 missing → 2 has no change; 丁 not graded: 待核实
    assert ents.loc[U + "3", "tax_per_mu_change"] == pytest.approx(2.0)
    assert ents.loc[U + "3", "grade_change"] == "不变"
    assert pd.isna(ents.loc[U + "4", "tax_per_mu_change"])
    assert ents.loc[U + "4", "grade_change"] == "待核实"
    # 戊 is new: nothing to compare, neither 待核实 nor a change
    assert (
        ents.loc[U + "5", "match"] == "仅新期" and ents.loc[U + "5", "grade_change"] == "旧期无等级"
    )


def test_comparison_words_are_simplified_chinese(cmp, tmp_path):
    out = write_comparison(cmp, tmp_path / "动态评价")
    texts = []
    for sheet in pd.read_excel(out / "动态评价.xlsx", sheet_name=None, dtype=str).values():
        texts += [str(c) for c in sheet.columns]
        for col in sheet.columns:
            if "代码" in str(col):
                continue
            texts += [v for v in sheet[col].dropna() if not re.fullmatch(r"[\d.\-: e+]+", v)]
    _words_ok(texts)
