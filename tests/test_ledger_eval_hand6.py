"""Hand-worked cases, round 6: 验收 evidence as 镇街 staff really type it, a 销号 the newer
run cannot have seen, the 盘活 target that is 0 or not given, and firms across the two years.

Rules:

- 「落实清单化管理、销号式整改、项目化验收」 — 虞政发〔2022〕12号 第三条第（一）项第2目
  (docs/policy.md ``ledger.closing``): a 已销号 counts only with its 验收 on file, 验收日期 and
  验收依据 — the document or minutes the 验收 rests on (the column's hint: 「验收文件或会议纪要的
  名称、文号」). A 验收依据 that answers no (「否」「没有」), says the 验收 has not happened or
  failed (「未验收」「待验收」「验收未通过」), or is a bare yes (「是」「已验收」) names no 验收:
  the row is 销号待核实, not in 已销号 nor in 完成率.
- 「达标销号」 (same clause): 达标 is judged by a newer screening. A run whose 基准日期 is before
  the 验收 cannot have seen the land after it; that such a run still lists the plot is no sign
  the 销号 was wrong, and the 镇街 must not be told to change it back to 推进中.

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
from tests._hand import uscc
from tests._runs import fake_run
from tests.test_ledger import _edit

X, Y = 500_000, 3_300_000
DAY1 = dt.date(2026, 7, 1)
DAY2 = dt.date(2027, 7, 1)
MINUTES = "斗门街道工业用地整治验收纪要〔2027〕5号"


def _box(i: int) -> tuple[float, float, float, float]:
    return (X + 300 * i, Y, X + 300 * i + 100, Y + 100)


# --------------------------------------------------------------------------- 验收依据 as typed
@pytest.fixture(scope="module")
def six_plots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hand6_six")
    plots = [{"parcel_id": f"K{i}", "box": _box(i)} for i in range(1, 7)]
    return fake_run(root / "2026", plots, as_of="2026-06-30")


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        ("否", "不是验收文件"),  # the column read as 「已验收？」 and answered no
        ("没有", "不是验收文件"),
        ("未验收", "尚未验收或未通过"),
        ("待验收", "尚未验收或未通过"),
        ("尚未验收", "尚未验收或未通过"),
        ("验收未通过", "尚未验收或未通过"),
        ("是", "不是验收文件"),  # a yes, but which 验收? no document named
        ("已验收", "不是验收文件"),
        ("√", "不是验收文件"),
    ],
)
def test_acceptance_basis_that_names_no_acceptance_is_no_evidence(six_plots, tmp_path, typed, why):
    # K1 已销号, 验收日期 2027-05-20, 依据 「斗门街道工业用地整治验收纪要〔2027〕5号」: on file.
    # K2 已销号, 验收日期 2027-05-20, 依据 as typed: an answer or a 「未验收」, no document → 销号
    # 待核实. K3..K6 推进中. 全区 6 plots: 已销号 1, 销号待核实 1, 推进中 4;
    # 完成率 = 1 / 6 = 16.67 % → 16.6 (rounded down).
    # Before: 「否」「未验收」 … were 依据 like any text: K2 已销号, 完成率 33.3, no 填写问题.
    path = write_ledger(init_ledger(read_screening(six_plots), as_of=DAY1), tmp_path / "台账.xlsx")
    done = {"状态": "已销号", "验收日期": "2027-05-20"}
    _edit(
        path,
        {
            "K1": done | {"验收依据": MINUTES},
            "K2": done | {"验收依据": typed},
            **{f"K{i}": {"状态": "推进中"} for i in range(3, 7)},
        },
    )
    ledger = update_ledger(path, None, as_of=DAY2)
    total = ledger.progress.set_index("镇街").loc["全区"]
    assert (total["已销号"], total["销号待核实"], total["推进中"]) == (1, 1, 4)
    assert total["完成率（%）"] == 16.6
    rows = ledger.rows.set_index("宗地代码")
    assert rows.loc["K2", "状态"] == "已销号" and rows.loc["K2", "验收依据"] == typed  # kept
    assert "K1" not in ledger.flags
    said = ledger.problems[ledger.problems["problem"].str.contains("宗地 K2")]
    (problem,) = said["problem"]
    assert f"「{typed}」" in problem and why in problem and "销号须经验收" in problem
    assert "验收依据" in ledger.flags["K2"]["状态"]


def test_a_document_named_in_the_basis_is_evidence_whatever_its_words(six_plots, tmp_path):
    # 依据 that name a document are evidence, even when they hold the words 验收 or 未:
    # 「关于K1未验收事项整改完成的验收意见（斗门街道〔2027〕8号）」 names the document;
    # 「区经信局2027年第3次验收会议纪要」 too. Both 已销号 with 验收日期: 已销号 2,
    # 完成率 2/6 → 33.3.
    path = write_ledger(init_ledger(read_screening(six_plots), as_of=DAY1), tmp_path / "台账.xlsx")
    done = {"状态": "已销号", "验收日期": "2027-05-20"}
    _edit(
        path,
        {
            "K1": done | {"验收依据": "关于K1未验收事项整改完成的验收意见（斗门街道〔2027〕8号）"},
            "K2": done | {"验收依据": "区经信局2027年第3次验收会议纪要"},
            **{f"K{i}": {"状态": "推进中"} for i in range(3, 7)},
        },
    )
    ledger = update_ledger(path, None, as_of=DAY2)
    total = ledger.progress.set_index("镇街").loc["全区"]
    assert (total["已销号"], total["销号待核实"]) == (2, 0)
    assert total["完成率（%）"] == 33.3
    assert not ledger.flags


# --------------------------------------------------------------------------- 销号 after the run
@pytest.fixture(scope="module")
def closed_after_the_run(tmp_path_factory: pytest.TempPathFactory):
    """(ledger updated 2027-09-01 with the run of 2027-06-30): M1 and M2 已销号 with 验收 on file,
    both still on the 2027 治理清单; M1's 验收 2027-05-20 (before the run), M2's 2027-08-15
    (after it)."""
    root = tmp_path_factory.mktemp("hand6_after")
    plots = [{"parcel_id": f"M{i}", "box": _box(i)} for i in (1, 2)]
    old = fake_run(root / "2026", plots, as_of="2026-06-30")
    new = fake_run(root / "2027", plots, as_of="2027-06-30")
    path = write_ledger(init_ledger(read_screening(old), as_of=DAY1), root / "台账.xlsx")
    closed = {"状态": "已销号", "验收依据": MINUTES}
    _edit(
        path,
        {"M1": closed | {"验收日期": "2027-05-20"}, "M2": closed | {"验收日期": "2027-08-15"}},
    )
    return update_ledger(path, read_screening(new), as_of=dt.date(2027, 9, 1))


def test_a_close_accepted_after_the_run_date_is_not_said_to_be_wrong(closed_after_the_run):
    # M1: accepted 2027-05-20, and the run of 2027-06-30 — after the 验收 — still lists it: not
    # 达标 after all, a warning asking to check the 销号 (as before; pinned in
    # test_policy_hand_ledger.py::test_closed_plot_listed_again_is_said).
    # M2: accepted 2027-08-15, after the run's 基准日期 2027-06-30. The run describes the land
    # before the 验收; that it still lists M2 says nothing of the 销号. 系统提示 says the 验收
    # is later than the run and the next run will show whether it is 达标; no warning, no advice
    # to change the status back to 推进中. Both stay 已销号 as typed; M2 counts as finished, M1
    # (达标 not shown by a run after its 验收) apart, 已销号但新批次仍列入 (round 7,
    # test_ledger_eval_hand7.py): 完成率 1 / 2 = 50.0.
    # Before: M2 got the same warning as M1 (「已销号，但 2027-06-30 批次仍列入治理清单，请核实」,
    # 「如整治未达标，请把状态改回「推进中」」) for a 销号 the run could not have seen.
    ledger = closed_after_the_run
    rows = ledger.rows.set_index("宗地代码")
    assert "已销号，但 2027-06-30 批次仍列入治理清单" in rows.loc["M1", "系统提示"]
    m2 = rows.loc["M2", "系统提示"]
    assert "已销号，但" not in m2
    assert "验收日期 2027-08-15 晚于 2027-06-30 批次基准日期" in m2 and "下一批次" in m2
    warned = ledger.problems[ledger.problems["severity"] == "警告"]["problem"]
    assert warned.str.contains("宗地 M1 已销号").sum() == 1
    assert not warned.str.contains("M2").any()
    assert "改回" not in " ".join(
        ledger.problems["action"].fillna("")[ledger.problems["problem"].str.contains("M2")]
    )
    total = ledger.progress.set_index("镇街").loc["全区"]
    assert (total["已销号"], total["已销号但新批次仍列入"], total["完成率（%）"]) == (1, 1, 50.0)


# ------------------------------------------------------------------ 盘活目标 0 or not given
def _renewal(tmp_path: Path, target: object) -> pd.Series:
    """镇街对比 of two runs where A (15 亩, listed in 2026) left the list 达标 in 2027 and B stays;
    the 全区 盘活目标 of both runs' 镇街汇总 is ``target`` (斗门街道: 仅全区目标)."""
    towns = [
        {"township": "斗门街道", "renewal_target_mu": "仅全区目标"},
        {"township": "全区", "renewal_target_mu": target, "renewal_target_year": 2026},
    ]
    old = [{"parcel_id": "A", "box": _box(0)}, {"parcel_id": "B", "box": _box(1)}]
    new = [
        {"parcel_id": "A", "box": _box(0), "screening_status": "不列入", "tax_per_mu": 6.0,
         "path": None},
        {"parcel_id": "B", "box": _box(1)},
    ]  # fmt: skip
    a = fake_run(tmp_path / "2026", old, as_of="2026-06-30", townships=towns)
    b = fake_run(tmp_path / "2027", new, as_of="2027-06-30", townships=towns)
    cmp = compare_runs(read_screening(a), read_screening(b))
    out = write_comparison(cmp, tmp_path / "动态评价")
    sheet = pd.read_excel(out / "动态评价.xlsx", sheet_name="镇街对比", dtype=object)
    return sheet.set_index("镇街")["盘活目标完成比例"]


@pytest.mark.parametrize(
    ("target", "words"),
    [
        (0.0, "盘活目标为 0"),  # a placeholder target: 15 ÷ 0 is no share
        (None, "未记录盘活目标"),  # a 镇街汇总 without the figure (a run of an older version)
    ],
)
def test_a_renewal_target_of_zero_or_not_given_makes_the_share_to_verify(tmp_path, target, words):
    # 已移出治理清单 (达标) = A, 15 亩. 全区 target 0 亩: 15 ÷ 0 has no value — neither 0 % nor
    # 「inf」, and not a blank cell beside 「0」 that says nothing: 「待核实：盘活目标为 0 亩…」.
    # No target recorded at all (blank): likewise 待核实, naming what is missing.
    # 斗门街道's own target is 仅全区目标: its share stays blank (there is none to compute).
    # Before: the 全区 cell was blank in both cases.
    share = _renewal(tmp_path, target)
    cell = share.loc["全区"]
    assert isinstance(cell, str) and cell.startswith("待核实") and words in cell, cell
    assert "15" in cell  # the area done is still said
    assert pd.isna(share.loc["斗门街道"])


def test_a_district_without_a_renewal_target_shows_no_share(tmp_path):
    # A profile that sets no 盘活 target (拱政发〔2022〕10号 has none): the run's 镇街汇总 says
    # 「无目标」, and there is no share to compute or verify: the cell stays blank.
    share = _renewal(tmp_path, "无目标")
    assert pd.isna(share.loc["全区"])
    assert _renewal(tmp_path / "b", 300.0).loc["全区"] == pytest.approx(0.05)  # 15 ÷ 300


# --------------------------------------------------------------------------- firms across years
def test_firms_recoded_moved_or_gone_say_what_to_verify(tmp_path):
    # 2026: 甲 (code U1, 斗门街道, C), 乙 (U3, 斗门街道, B), 丁 (U5, 斗门街道, D).
    # 2027: 甲 under another code U2 (same name; the code corrected or the firm re-registered),
    # 乙 (U3) now in 马山街道, 丙 (U4) new, 丁 gone (注销 or moved out).
    # Rows (one per code of either year): U1 仅旧期, U2 仅新期, U3 两期均有, U4 仅新期,
    # U5 仅旧期 = 5. Firms are matched by code only, never by name — but the officer reading
    # 企业变化 must see that U1 and U2 carry the same name (both rows name the other code), that
    # 乙 moved (both 镇街), and what is to verify of 丁, whose 等级变化 says 待核实.
    # 丙, new in 2027 with nothing of 2026 to compare, needs no words.
    # Before: 企业变化 had no 待核实事项: U1 and U2 looked like two firms, 乙 showed 马山街道 only.
    a, a2, b, c, d = (uscc(i) for i in range(1, 6))
    firm = {"township": "斗门街道", "tax_per_mu": 3.0}
    old_firms = [
        firm | {"uscc": a, "name": "绍兴甲纺织有限公司", "grade": "C"},
        firm | {"uscc": b, "name": "绍兴乙机械有限公司", "grade": "B"},
        firm | {"uscc": d, "name": "绍兴丁化工有限公司", "grade": "D"},
    ]
    new_firms = [
        firm | {"uscc": a2, "name": "绍兴甲纺织有限公司 ", "grade": "B"},  # a trailing blank
        firm | {"uscc": b, "name": "绍兴乙机械有限公司", "township": "马山街道", "grade": "B"},
        firm | {"uscc": c, "name": "绍兴丙科技有限公司", "township": "马山街道", "grade": "A"},
    ]
    plots = [{"parcel_id": "P", "box": _box(0)}]
    old = fake_run(tmp_path / "2026", plots, as_of="2026-06-30", enterprises=old_firms)
    new = fake_run(tmp_path / "2027", plots, as_of="2027-06-30", enterprises=new_firms)
    cmp = compare_runs(read_screening(old), read_screening(new))
    ents = cmp.enterprises.set_index("uscc")
    assert len(ents) == 5
    assert ents["match"].to_dict() == {
        a: "仅旧期",
        a2: "仅新期",
        b: "两期均有",
        c: "仅新期",
        d: "仅旧期",
    }
    note = ents["to_verify"]
    assert a2 in note[a] and "名称相同" in note[a] and "未按名称对应" in note[a]
    assert a in note[a2] and "名称相同" in note[a2]
    assert "旧期 斗门街道" in note[b] and "新期 马山街道" in note[b]
    assert "新期无此统一社会信用代码" in note[d] and "注销" in note[d]
    assert pd.isna(note[c])
    out = write_comparison(cmp, tmp_path / "动态评价")
    sheet = pd.read_excel(out / "动态评价.xlsx", sheet_name="企业变化", dtype=object)
    assert "待核实事项" in sheet.columns


# --------------------------------------------------------------------------- a plot gone (收储)
def test_a_listed_plot_gone_from_the_new_run_says_what_to_verify(tmp_path):
    # 2026: G (15 亩, on the 治理清单), H (15 亩, not listed, 不列入) and B (listed).
    # 2027: G and H gone — the land taken back (收储), the buildings pulled down, no plot drawn
    # there any more — B still listed, and K new, 1 km away.
    # G is neither 盘活 done (no newer screening shows it 达标; a 收储 is proved by its own
    # papers) nor silently missing: 镇街对比 counts its 15 亩 under 「旧期在治理清单、新期待核实或
    # 无此地块」, and its row's 待核实事项 says what to verify — its fate (收储、拆除、注销, or a
    # new code on other geometry) — so that an officer filtering 待核实事项 finds it.
    # H was never listed: 仅旧期, nothing to count, nothing said.
    # Before: G's 待核实事项 was blank though its area was counted as to verify.
    old = [
        {"parcel_id": "G", "box": _box(0)},
        {"parcel_id": "H", "box": _box(1), "screening_status": "不列入", "tax_per_mu": 8.0,
         "path": None},
        {"parcel_id": "B", "box": _box(2)},
    ]  # fmt: skip
    new = [
        {"parcel_id": "B", "box": _box(2)},
        {"parcel_id": "K", "box": (X + 1000, Y + 1000, X + 1100, Y + 1100)},
    ]
    a = fake_run(tmp_path / "2026", old, as_of="2026-06-30")
    b = fake_run(tmp_path / "2027", new, as_of="2027-06-30")
    cmp = compare_runs(read_screening(a), read_screening(b))
    rows = cmp.plots.set_index(cmp.plots["old_ids"].fillna(cmp.plots["new_ids"]))
    assert rows.loc["G", "listing_change"] == "旧期在治理清单，新期无此地块"
    note = rows.loc["G", "to_verify"]
    assert isinstance(note, str) and "新期底数清单无此宗地" in note and "收储" in note, note
    assert "不计入已移出治理清单面积" in note
    for quiet in ("H", "K", "B"):
        assert pd.isna(rows.loc[quiet, "to_verify"]), quiet
    district = cmp.townships.set_index("township").loc["全区"]
    assert district["governance_to_verify_mu"] == pytest.approx(15.0)
    assert district["governance_done_mu"] == 0.0


# --------------------------------------------------------------------------- 「2026年底」
def test_a_deadline_typed_as_the_end_of_a_year_is_its_last_day(six_plots, tmp_path):
    # 镇街 staff write 计划完成日期 as they say it: 「2026年底」 is 2026-12-31, 「2027年末」
    # 2027-12-31, 「2027年底前」 also 2027-12-31 (「底前」: by the end). Ledger date 2027-07-01:
    # K1 推进中, 2026年底 → 2026-12-31 has passed → 逾期.
    # K2 推进中, 2027年末 → 2027-12-31 not yet → on time. K3 推进中, 2027年底前 → likewise.
    # K4..K6 推进中, no date. 全区: 逾期 1, 完成日期待核实 0.
    # Before: each was 「无法识别的日期」, a 填写问题 and 完成日期待核实: K1 not counted 逾期 though
    # its year had ended half a year before (as 「2026年12月底」 was already read).
    path = write_ledger(init_ledger(read_screening(six_plots), as_of=DAY1), tmp_path / "台账.xlsx")
    due = {"K1": "2026年底", "K2": "2027年末", "K3": "2027年底前"}
    _edit(
        path, {f"K{i}": {"状态": "推进中", "计划完成日期": due.get(f"K{i}")} for i in range(1, 7)}
    )
    ledger = update_ledger(path, None, as_of=DAY2)
    rows = ledger.rows.set_index("宗地代码")
    assert rows.loc["K1", "计划完成日期"] == dt.date(2026, 12, 31)
    assert rows.loc["K2", "计划完成日期"] == dt.date(2027, 12, 31)
    assert rows.loc["K3", "计划完成日期"] == dt.date(2027, 12, 31)
    total = ledger.progress.set_index("镇街").loc["全区"]
    assert (total["逾期"], total["完成日期待核实"]) == (1, 0)
    assert "已逾期（计划完成日期 2026-12-31" in rows.loc["K1", "系统提示"]
    assert not ledger.flags
