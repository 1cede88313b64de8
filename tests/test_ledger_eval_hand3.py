"""Hand-worked cases, round 3: targets, 动态评价 between two years, 过程管控 完成率.

Every expected value was worked out on paper from the clause it cites before the code ran.

- Targets (目标任务). 上虞 「全区规上工业亩均税收达到31万元，亩均增加值达到135万元 ……
  盘活低效工业用地10000亩以上」 (虞政发〔2022〕12号 第二条 and its 指标体系表 #1–#3); 嵊州
  28 / 115 / 5000 亩 and the 2023 绍兴市 targets 30 / 130 of its 指标体系表 (嵊政〔2022〕28号
  第二条); 拱墅 115 / 565, no land target (拱政发〔2022〕10号 第二条); 越城
  「规模以上工业亩均税收实现翻番」 with no base year (越政发〔2022〕24号 第一条第（二）项; 41.6 =
  20.8 × 2 is the project's derivation from 附件2.1 指标 14) and 「力争盘活土地空间1.2万亩」
  (第三条第4项); the province 40 / 195 by 2025 (浙政发〔2023〕4号 第一条第（二）项) and 20 万亩
  改造开发 by 2027 (第二条第（一）项第1目).
- 「达到」 and 「以上」 include the number (《民法典》第一千二百五十九条): a district at exactly
  31.00 has reached 31, one at 30.90 has not, whatever a percentage rounds to.
- 规上亩均税收 of an area = Σ 规上 tax ÷ Σ 规上 land (亩), each firm once, only firms with both
  figures (the 亩均论英雄 口径: tax per 亩 of land the firm uses); it is a ratio of sums, never the
  mean of the 镇街 figures; a firm lacking its tax is counted apart, never as 0.
- 动态评价 (虞政发〔2022〕12号 第三条第（一）项第3目) and 「达标销号」 (第三条第（二）项第1目):
  a plot left the list only when the new run shows it 达标 (不列入); 待核实 or gone is not progress.
- 过程管控 (「销号式整改、项目化验收」, 第三条第（一）项第2目): 完成率 = (已完成 + 已销号 with 验收)
  ÷ plots; a 验收 dated on the ledger date is evidence, one dated after it is not yet.

Plots are 100 m squares in EPSG:4549 (15 亩, ``tests/_runs.py``); money in 万元, land in 亩
(1 公顷 = 15 亩).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from landgov.core.vocab import DISTRICT_ONLY_TARGET
from landgov.errors import ProfileError
from landgov.evaluation import compare_runs, write_comparison
from landgov.ledger import init_ledger, progress, update_ledger, write_ledger
from landgov.maps._run import RunData
from landgov.maps._summary import manifest_rows
from landgov.maps.tiles._province import target_status
from landgov.policy import load_profile
from landgov.reports.meeting import _overview
from landgov.run.results import read_screening
from landgov.summary import DISTRICT, NO_TARGET, summarise
from tests._hand import comparison_row, uscc
from tests._runs import fake_run
from tests.test_ledger import _edit

# --------------------------------------------------------------------------- district targets
#: 百官街道: A 规上 930 万元 on 30 亩 (31.0), B 规上 100 on 20 (5.0), C 规下 50 on 10 (not 规上).
#: 曹娥街道: D 规上 620 on 20 (31.0 exactly), E 规上 without its tax (15 亩): counted apart.
#: F 规上, no 镇街 and no plot: 0 万元 on 5 亩 — a tax of 0 is a figure (镇街不明).
FIRMS = pd.DataFrame(
    {
        "uscc": [uscc(i) for i in range(1, 7)],  # A … F, valid codes
        "township": ["百官街道", "百官街道", "百官街道", "曹娥街道", "曹娥街道", None],
        "above_scale": [True, True, False, True, True, True],
        "tax_wan": [930.0, 100.0, 50.0, 620.0, None, 0.0],
        "value_added_wan": [4050.0, 500.0, 100.0, 2700.0, 900.0, 0.0],
        "land_mu": [30.0, 20.0, 10.0, 20.0, 15.0, 5.0],
        "grade": ["A", "C", "D", "A", None, "D"],
    }
)
PLOTS = pd.DataFrame(
    {
        "parcel_id": ["P1", "P2", "P3", "P4"],
        "township": ["百官街道", "百官街道", "曹娥街道", "曹娥街道"],
        "area_mu": [30.0, 20.0, 20.0, 15.0],
        "screening_status": ["不列入", "治理", "不列入", "待核实"],
        "path": [None, "整治提升", None, None],
    }
)


@pytest.fixture(scope="module")
def shangyu():
    return summarise(PLOTS, enterprises=FIRMS, profile=load_profile("shangyu-2022")).set_index(
        "township"
    )


def test_district_tax_per_mu_is_a_ratio_of_sums_over_complete_above_scale_firms(shangyu):
    # 百官 (930 + 100) / (30 + 20) = 20.6 (C is 规下); 曹娥 620 / 20 = 31.0 (E lacks its tax:
    # neither its 15 亩 nor a 0 enters); 镇街不明 0 / 5 = 0.0;
    # 全区 (930 + 100 + 620 + 0) / (30 + 20 + 20 + 5) = 1650 / 75 = 22.0 — not the mean of
    # the three 镇街 figures, (20.6 + 31 + 0) / 3 = 17.2
    assert shangyu.loc["百官街道", "tax_per_mu_above_scale"] == pytest.approx(20.6)
    assert shangyu.loc["曹娥街道", "tax_per_mu_above_scale"] == pytest.approx(31.0)
    assert shangyu.loc["镇街不明", "tax_per_mu_above_scale"] == 0.0
    assert shangyu.loc[DISTRICT, "tax_per_mu_above_scale"] == pytest.approx(22.0)
    # 亩均增加值 (4050 + 500 + 2700 + 0) / 75 = 7250 / 75 = 96.666…: E's value added is left
    # out with its land, as its tax is (one firm, one set of figures)
    assert shangyu.loc[DISTRICT, "value_added_per_mu_above_scale"] == pytest.approx(7250 / 75)
    assert shangyu.loc["曹娥街道", "n_above_scale_incomplete"] == 1
    assert shangyu.loc[DISTRICT, "n_above_scale_incomplete"] == 1
    assert shangyu.loc[DISTRICT, "n_above_scale"] == 5  # A B D E F; C is 规下


def test_township_rows_add_up_to_the_district_row(shangyu):
    # each firm and plot in exactly one 镇街 row (镇街不明 included): the 镇街 sum is the 全区 row
    towns = shangyu.drop(index=DISTRICT)
    assert list(towns.index) == ["百官街道", "曹娥街道", "镇街不明"]
    for column in (
        "n_parcels", "area_mu", "n_governance", "governance_area_mu", "n_to_verify",
        "n_above_scale", "n_above_scale_incomplete", "above_scale_tax_wan",
        "above_scale_land_mu", "n_grade_A", "n_grade_C", "n_grade_D", "n_grade_none",
    ):  # fmt: skip
        assert towns[column].sum() == pytest.approx(shangyu.loc[DISTRICT, column]), column
    assert shangyu.loc[DISTRICT, "above_scale_tax_wan"] == pytest.approx(1650.0)
    assert shangyu.loc[DISTRICT, "above_scale_land_mu"] == pytest.approx(75.0)
    assert shangyu.loc[DISTRICT, "area_mu"] == pytest.approx(85.0)  # 30 + 20 + 20 + 15


def test_a_township_at_exactly_the_target_has_reached_it(shangyu):
    # 曹娥 31.0 against 「达到31万元」: the gap is 0 (达到 includes the number); 全区 22.0 is
    # 9.0 short
    assert shangyu.loc["曹娥街道", "tax_per_mu_gap"] == 0.0
    assert shangyu.loc[DISTRICT, "tax_per_mu_gap"] == pytest.approx(9.0)
    assert target_status(shangyu.loc["曹娥街道", "tax_per_mu_above_scale"], 31.0) == "已达目标"
    assert target_status(30.99, 31.0) == "未达目标"


def test_a_district_exactly_at_the_target_is_reached_despite_floating_noise():
    # two firms: 313.1 万元 on 10.1 亩 and 790.5 on 25.5 (31.0 each): 1103.6 / 35.6 = 31.0
    # exactly on paper; the machine divides to 30.999999999999996, which is no shortfall
    firms = pd.DataFrame(
        {
            "uscc": ["G", "H"],
            "township": ["曹娥街道", "曹娥街道"],
            "above_scale": [True, True],
            "tax_wan": [313.1, 790.5],
            "value_added_wan": [1000.0, 1000.0],
            "land_mu": [10.1, 25.5],
        }
    )
    table = summarise(PLOTS[:0], enterprises=firms, profile=load_profile("shangyu-2022"))
    now = table.set_index("township").loc[DISTRICT, "tax_per_mu_above_scale"]
    assert now == pytest.approx(31.0)
    assert target_status(now, 31.0) == "已达目标"
    row = manifest_rows({"tax_per_mu_above_scale": {"current": now, "target": 31.0}}, redact=False)
    assert row[0].value.endswith("（完成 100%）")


@pytest.mark.parametrize(
    ("current", "target", "shown"),
    [
        # 30.9 / 31 = 99.68 %: not reached, so never printed 100 % (rounding up would say done)
        (30.9, 31.0, "（完成 99%）"),
        (31.0, 31.0, "（完成 100%）"),  # 达到: exactly the target is 100 %
        (22.0, 31.0, "（完成 70%）"),  # 70.97 % is 70 % reached, not 71
        (46.5, 31.0, "（完成 150%）"),
    ],
)
def test_a_share_of_the_target_never_rounds_up_to_reached(current, target, shown):
    rows = manifest_rows(
        {"tax_per_mu_above_scale": {"current": current, "target": target}}, redact=False
    )
    assert rows[0].value.endswith(shown)


@pytest.mark.parametrize(
    ("profile", "expected"),
    [
        # (key, value, unit, year key, year, source words)
        (
            "shangyu-2022",
            [
                ("tax_per_mu", 31.0, "万元/亩", 2023, "虞政发〔2022〕12号 第二条"),
                ("value_added_per_mu", 135.0, "万元/亩", 2023, "虞政发〔2022〕12号 第二条"),
                ("renewal_mu", 10000.0, "亩", 2023, "虞政发〔2022〕12号 第二条"),
                ("tax_per_mu_base", 22.25, "万元/亩", 2020, "指标体系表第2项"),
            ],
        ),
        (
            "shengzhou-2022",
            [
                ("tax_per_mu", 28.0, "万元/亩", 2023, "嵊政〔2022〕28号 第二条"),
                ("value_added_per_mu", 115.0, "万元/亩", 2023, "嵊政〔2022〕28号 第二条"),
                ("renewal_mu", 5000.0, "亩", 2023, "嵊政〔2022〕28号 第二条"),
                ("tax_per_mu_base", 13.68, "万元/亩", 2020, "指标体系表第1项"),
                ("city_tax_per_mu", 30.0, "万元/亩", 2023, "指标体系表第1项"),
                ("city_value_added_per_mu", 130.0, "万元/亩", 2023, "指标体系表第2项"),
            ],
        ),
        (
            "gongshu-2022",
            [
                ("tax_per_mu", 115.0, "万元/亩", 2023, "拱政发〔2022〕10号 第二条"),
                ("value_added_per_mu", 565.0, "万元/亩", 2023, "拱政发〔2022〕10号 第二条"),
            ],
        ),
        (
            "yuecheng-2022",
            [
                ("tax_per_mu_base", 20.8, "万元/亩", 2021, "越政发〔2022〕24号 附件2.1 第14项指标"),
                ("value_added_per_mu_base", 154.1, "万元/亩", 2021, "附件2.1 第12项指标"),
                ("renewal_mu", 12000.0, "亩", 2026, "越政发〔2022〕24号 第三条第4项"),
                ("province_tax_per_mu", 40.0, "万元/亩", 2025, "浙政发〔2023〕4号 第一条"),
                ("province_value_added_per_mu", 195.0, "万元/亩", 2025, "浙政发〔2023〕4号"),
                ("province_renewal_mu", 200000.0, "亩", 2027, "第二条第（一）项第1目"),
            ],
        ),
    ],
)
def test_every_target_in_the_profiles_has_its_unit_year_and_clause(profile, expected):
    prof = load_profile(profile)
    years = {
        "tax_per_mu_base": "tax_per_mu_base_year",
        "value_added_per_mu_base": "value_added_per_mu_base_year",
        "renewal_mu": "renewal_year",
        "city_tax_per_mu": "city_year",
        "city_value_added_per_mu": "city_year",
        "province_tax_per_mu": "province_year",
        "province_value_added_per_mu": "province_year",
        "province_renewal_mu": "province_renewal_year",
    }
    for key, value, unit, year, words in expected:
        param = prof[f"targets.{key}"]
        assert param.value == value and param.unit == unit, key
        assert prof.value(f"targets.{years.get(key, key + '_year')}") == year, key
        cited = str(prof.citation(f"targets.{key}"))
        assert words in cited and "示例规则" not in cited, (key, cited)


def test_the_target_columns_of_the_summary_name_their_clause(shangyu):
    # 上虞: three targets shown, three sources; 拱墅 sets no 盘活 target: 无目标, and no source
    source = shangyu.loc[DISTRICT, "target_source"]
    for words in ("规上亩均税收目标 [虞政发〔2022〕12号 第二条]",
                  "规上亩均增加值目标 [虞政发〔2022〕12号 第二条]",
                  "盘活低效工业用地目标 [虞政发〔2022〕12号 第二条]"):  # fmt: skip
        assert words in source
    assert shangyu.loc[DISTRICT, "renewal_target_mu"] == 10000.0
    # a district total, not decomposed: said so on the 镇街 row, never 「无目标」
    assert shangyu.loc["百官街道", "renewal_target_mu"] == DISTRICT_ONLY_TARGET
    gongshu = summarise(PLOTS, enterprises=FIRMS, profile=load_profile("gongshu-2022"))
    row = gongshu.set_index("township").loc[DISTRICT]
    assert (row["tax_per_mu_target"], row["value_added_per_mu_target"]) == (115.0, 565.0)
    assert row["renewal_target_mu"] == NO_TARGET
    assert "拱政发〔2022〕10号 第二条" in row["target_source"]
    assert "盘活" not in row["target_source"]


# --------------------------------------------------------------------------- 动态评价
X, Y = 500_000, 3_300_000


def _box(i: int) -> tuple[float, float, float, float]:
    return (X + 300 * i, Y, X + 300 * i + 100, Y + 100)


OLD = [
    {"parcel_id": "K1", "box": _box(1), "township": "甲镇"},  # listed both years
    {"parcel_id": "K2", "box": _box(2), "township": "甲镇"},  # 达标 in the new year: done
    {"parcel_id": "K3", "box": _box(3), "township": "甲镇", "tax_per_mu": 8.0,
     "screening_status": "不列入", "path": None},  # newly listed in the new year
    {"parcel_id": "K4", "box": _box(4), "township": "乙镇"},  # new year 待核实 (tax missing)
    {"parcel_id": "K5", "box": _box(5), "township": "乙镇", "area_mu": None},  # 达标, 面积?
    {"parcel_id": "K6", "box": _box(6), "township": "乙镇"},  # gone from the new run
]  # fmt: skip
NEW = [
    {"parcel_id": "K1", "box": _box(1), "township": "甲镇", "tax_per_mu": 4.0},
    {"parcel_id": "K2", "box": _box(2), "township": "甲镇", "tax_per_mu": 8.0,
     "screening_status": "不列入", "grade": "B", "path": None},
    {"parcel_id": "K3", "box": _box(3), "township": "甲镇", "tax_per_mu": 2.0},
    {"parcel_id": "K4", "box": _box(4), "township": "乙镇", "tax_per_mu": None,
     "screening_status": "待核实", "path": None, "to_verify": "税收（万元）〔税务局〕"},
    {"parcel_id": "K5", "box": _box(5), "township": "乙镇", "tax_per_mu": 8.0,
     "screening_status": "不列入", "path": None},
]  # fmt: skip


def _towns(plots: list[dict]) -> list[dict]:
    """The run's 镇街汇总 as ``landgov screen`` writes it (越城 profile: 41.6 derived, 12000 亩)."""
    frame = pd.DataFrame(
        [
            {
                "parcel_id": p["parcel_id"],
                "township": p["township"],
                "area_mu": p.get("area_mu", 15.0),
                "screening_status": p.get("screening_status", "治理"),
                "path": p.get("path", "整治提升"),
            }
            for p in plots
        ]
    )
    firms = pd.DataFrame(
        {"uscc": ["M"], "township": ["甲镇"], "above_scale": [True], "tax_wan": [300.0],
         "value_added_wan": [3000.0], "land_mu": [15.0]}
    )  # fmt: skip
    table = summarise(frame, enterprises=firms, profile=load_profile("yuecheng-2022"))
    return table.astype(object).where(table.notna(), None).to_dict("records")


@pytest.fixture(scope="module")
def cmp(tmp_path_factory):
    root = tmp_path_factory.mktemp("eval_hand3")
    old = fake_run(root / "old", OLD, as_of="2026-06-30", townships=_towns(OLD))
    new = fake_run(root / "new", NEW, as_of="2027-06-30", townships=_towns(NEW))
    return compare_runs(read_screening(old), read_screening(new))


def test_plots_changing_status_between_the_two_years(cmp):
    assert comparison_row(cmp, "K1")["listing_change"] == "仍在治理清单"
    assert comparison_row(cmp, "K2")["listing_change"] == "移出治理清单"
    assert comparison_row(cmp, "K3")["listing_change"] == "新列入治理清单"
    assert comparison_row(cmp, "K4")["listing_change"] == "旧期在治理清单，新期待核实"
    assert comparison_row(cmp, "K5")["listing_change"] == "移出治理清单"
    assert comparison_row(cmp, "K6")["listing_change"] == "旧期在治理清单，新期无此地块"
    # every plot of both years in exactly one row: 6 old, 5 new
    assert cmp.counts["plots_old_in_rows"] == 6 and cmp.counts["plots_new_in_rows"] == 5
    assert sum(cmp.counts["listing_change"].values()) == len(cmp.plots) == 6


def test_missing_figures_are_never_counted_as_progress(cmp):
    # done (left the list, 达标): 甲镇 K2 15 亩; 乙镇 K5 left the list but its old area is
    # missing: 0 亩 known + 1 row 面积待核实. Not done: K4 (待核实) and K6 (gone), 15 + 15 = 30 亩.
    rows = cmp.townships.set_index("township")
    assert rows.loc["甲镇", "governance_done_mu"] == pytest.approx(15.0)
    assert rows.loc["乙镇", "governance_done_mu"] == 0.0
    assert rows.loc["乙镇", "governance_done_area_unknown"] == 1
    assert rows.loc["乙镇", "governance_to_verify_mu"] == pytest.approx(30.0)
    # 全区 = 甲镇 + 乙镇, no row lost or counted twice
    assert rows.loc[DISTRICT, "governance_done_mu"] == pytest.approx(15.0)
    assert rows.loc[DISTRICT, "governance_done_area_unknown"] == 1
    assert rows.loc[DISTRICT, "governance_to_verify_mu"] == pytest.approx(30.0)
    # 盘活目标 12000 亩 (越政发〔2022〕24号 第三条第4项): 15 / 12000 = 0.125 %, a lower bound
    # (K5's area is 待核实), one decimal rounded down: ≥0.1%
    share = rows.loc[DISTRICT, "renewal_done_share"]
    assert share.startswith("≥0.1%（待核实：另有 1 行")
    assert "旧期宗地 K5（缺少：面积（亩））" in comparison_row(cmp, "K5")["to_verify"]


def test_the_targets_of_the_comparison_say_their_source_and_year(cmp, tmp_path):
    # the 镇街对比 sheet sets 41.6 and 12000 beside the figures: each must say where it comes
    # from — 41.6 is the project's reading of 「翻番」 (项目推算), 12000 亩 越政发〔2022〕24号
    # 第三条第4项 — and its year (2026), as the run's 镇街汇总 says
    rows = cmp.townships.set_index("township")
    district = rows.loc[DISTRICT]
    assert district["tax_per_mu_target"] == pytest.approx(41.6)
    assert district["renewal_target_mu"] == pytest.approx(12000.0)
    assert district["tax_per_mu_target_year"] == 2026
    assert district["renewal_target_year"] == 2026
    source = district["target_source"]
    assert "越政发〔2022〕24号 第一条第（二）项" in source and "项目推算（非文件数值）" in source
    assert "盘活低效工业用地目标 [越政发〔2022〕24号 第三条第4项]" in source
    out = write_comparison(cmp, tmp_path / "动态评价")
    sheet = pd.read_excel(out / "动态评价.xlsx", sheet_name="镇街对比")
    assert "目标来源" in sheet.columns and "亩均税收目标年份" in sheet.columns


# --------------------------------------------------------------------------- 过程管控
LEDGER_DAY = dt.date(2027, 7, 1)
EVIDENCE = {"状态": "已销号", "验收依据": "验收纪要〔2027〕5号"}


@pytest.fixture(scope="module")
def ledger_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("ledger_hand3")
    plots = [
        {"parcel_id": "L1", "township": "甲镇"},
        {"parcel_id": "L2", "township": "甲镇"},
        {"parcel_id": "L3", "township": "甲镇"},
        {"parcel_id": "L4", "township": "乙镇"},
        {"parcel_id": "L5", "township": "乙镇"},
    ]
    return fake_run(root / "2026", plots, as_of="2026-06-30")


@pytest.fixture(scope="module")
def ledger(ledger_run, tmp_path_factory):
    path = tmp_path_factory.mktemp("ledger_hand3_book") / "台账.xlsx"
    write_ledger(init_ledger(read_screening(ledger_run), as_of=dt.date(2026, 7, 1)), path)
    _edit(
        path,
        {
            # 验收 on the ledger date itself: it has happened, evidence, finished
            "L1": EVIDENCE | {"验收日期": "2027-07-01", "计划完成日期": "2027-06-30"},
            "L2": {"状态": "已完成", "计划完成日期": "2027-07-01"},  # due today: on time
            "L3": {"状态": "推进中", "计划完成日期": "2027-07-01"},  # due today: not 逾期 yet
            # 验收 dated the day after the ledger date: no evidence yet → 销号待核实, and its
            # deadline (yesterday) has passed → 逾期
            "L4": EVIDENCE | {"验收日期": "2027-07-02", "计划完成日期": "2027-06-30"},
            "L5": {"状态": "未启动", "计划完成日期": "2027-06-30"},  # due yesterday: 逾期
        },
    )
    return update_ledger(path, None, as_of=LEDGER_DAY)


def test_completion_rate_per_township_and_district(ledger):
    # 甲镇: L1 已销号 (验收 2027-07-01 = ledger date), L2 已完成, L3 推进中 → 2 / 3 = 66.67 %,
    # shown rounded down as every share of a goal: 66.6
    # 乙镇: L4 销号待核实 (验收 dated tomorrow), L5 未启动 → 0 / 2 = 0.0 %
    # 全区: 2 / 5 = 40.0 %; the 镇街 rows add up to it
    table = ledger.progress.set_index("镇街")
    assert table.loc["甲镇", "完成率（%）"] == 66.6
    assert table.loc["乙镇", "完成率（%）"] == 0.0
    assert table.loc[DISTRICT, "完成率（%）"] == 40.0
    assert table.loc["甲镇", "已销号"] == 1 and table.loc["乙镇", "销号待核实"] == 1
    towns = table.drop(index=DISTRICT)
    for column in ("宗地数", "未启动", "推进中", "已完成", "已销号", "销号待核实", "逾期"):
        assert towns[column].sum() == table.loc[DISTRICT, column], column


def test_deadline_and_acceptance_exactly_on_the_ledger_date(ledger):
    # 《民法典》第二百零三条: the last day ends at 24:00 — due 2027-07-01 is on time on 2027-07-01;
    # due 2027-06-30 and not finished is 逾期 (L4: 已销号 without valid 验收 is not finished)
    rows = ledger.rows.set_index("宗地代码")
    late = {k for k in rows.index if "已逾期" in str(rows.loc[k, "系统提示"] or "")}
    assert late == {"L4", "L5"}
    assert progress(ledger.rows, as_of=LEDGER_DAY).set_index("镇街").loc[DISTRICT, "逾期"] == 2
    # the day after, L3 (推进中, due 2027-07-01) is late too; L2 (已完成) never; and L4's 验收
    # of 2027-07-02 is evidence from that day on: 已销号, finished, no longer late → L3, L5
    later = progress(ledger.rows, as_of=LEDGER_DAY + dt.timedelta(days=1)).set_index("镇街")
    assert later.loc[DISTRICT, "逾期"] == 2
    assert later.loc["乙镇", "已销号"] == 1 and later.loc["乙镇", "销号待核实"] == 0
    assert later.loc[DISTRICT, "完成率（%）"] == 60.0


# --------------------------------------------------------------------------- 联席会议材料
@pytest.mark.parametrize(
    ("profile", "words"),
    [
        # 越城: 41.6 is 「翻番」 read on the 2021 figure of 附件2.1 — 项目推算, never the document's
        (
            "yuecheng-2022",
            (
                "规上亩均税收目标 [越政发〔2022〕24号 第一条第（二）项] 项目推算（非文件数值）",
                "盘活低效工业用地目标 [越政发〔2022〕24号 第三条第4项]",
            ),
        ),
        ("gongshu-2022", ("规上亩均税收目标 [拱政发〔2022〕10号 第二条]",)),
    ],
)
def test_the_meeting_packet_says_where_each_target_comes_from(profile, words):
    # the packet's 镇街 table prints 「41.6（2026年）」 / 「115.0（2023年）」: a note under it must
    # say whose figure it is (文号 and clause, 项目推算 for a derived one) and how 规上亩均税收 is
    # measured (Σ 规上 tax ÷ Σ 规上 land, firms lacking a figure left out)
    summary = summarise(PLOTS, enterprises=FIRMS, profile=load_profile(profile))
    run = RunData(path=Path("."), parcels=gpd.GeoDataFrame(PLOTS, geometry=[None] * len(PLOTS)))
    page = _overview(run, summary, None, "审议材料")
    notes = "".join(page.notes)
    assert "目标来源：" in notes
    for text in words:
        assert text in notes
    assert "规上亩均税收＝规上企业税收合计÷规上企业用地合计" in notes
    assert "越政发〔2022〕24号 附件2.1 第12项指标「每亩占地面积」" in notes  # the denominator


@pytest.mark.parametrize(
    ("n", "done", "rate"),
    [
        (3000, 2999, 99.9),  # 99.967 %: one plot is not finished, so never 「100.0」
        (3000, 3000, 100.0),
        (3, 2, 66.6),  # 66.67 %, rounded down as every share of a goal (66.6 % reached)
        (4, 1, 25.0),
    ],
)
def test_completion_rate_is_100_only_when_every_plot_is_finished(n, done, rate):
    rows = pd.DataFrame(
        {
            "宗地代码": [f"R{i}" for i in range(n)],
            "镇街": "甲镇",
            "状态": ["已完成"] * done + ["推进中"] * (n - done),
            "计划完成日期": None,
            "验收日期": None,
            "验收依据": None,
            "系统提示": None,
        }
    )
    table = progress(rows, as_of=LEDGER_DAY).set_index("镇街")
    assert table.loc["甲镇", "完成率（%）"] == rate
    assert table.loc[DISTRICT, "完成率（%）"] == rate


def test_a_land_target_written_in_hectares_is_refused_and_in_mu_is_read(tmp_path):
    # a county copies 「盘活 800 公顷」 (or 嵊政〔2022〕28号 指标体系表's 「100平方公里」) into its
    # profile: the 盘活 column is read in 亩, so a value in 公顷 is refused, never read as 800 亩;
    # converted by hand, 800 公顷 × 15 = 12000 亩 (1 公顷 = 15 亩) is the district's target
    head = '[profile]\nname = "t"\nversion = "1"\ntitle = "t"\nextends = "shangyu-2022"\n'
    row = 'renewal_mu = {{ value = {v}, unit = "{u}", source = "001 二" }}\n'
    path = tmp_path / "p.toml"
    path.write_text(head + "[targets]\n" + row.format(v=800.0, u="公顷"), encoding="utf-8")
    with pytest.raises(ProfileError, match="单位「公顷」与该参数的单位「亩」不一致"):
        load_profile(path)
    path.write_text(head + "[targets]\n" + row.format(v=800.0 * 15, u="亩"), encoding="utf-8")
    table = summarise(PLOTS, enterprises=FIRMS, profile=load_profile(path))
    district = table.set_index("township").loc[DISTRICT]
    assert district["renewal_target_mu"] == 12000.0
    # 治理清单 20 亩 (P2) against 12000 亩: 1/600 — a share of the listed area, not 完成率
    assert district["renewal_share"] == pytest.approx(20.0 / 12000.0)


def test_a_firm_given_twice_is_summed_once():
    # the enterprise table gives A (930 万元 on 30 亩) on two rows with the same figures (the
    # reader keeps both, warning 「统一社会信用代码与第 2 行重复」): A is one firm, so 百官 stays
    # (930 + 100) / (30 + 20) = 20.6 and 全区 1650 / 75 = 22.0 — not (1860 + 100) / 80 = 24.5
    firms = pd.concat([FIRMS, FIRMS.iloc[[0]]], ignore_index=True)
    table = summarise(PLOTS, enterprises=firms, profile=load_profile("shangyu-2022"))
    rows = table.set_index("township")
    assert rows.loc["百官街道", "tax_per_mu_above_scale"] == pytest.approx(20.6)
    assert rows.loc[DISTRICT, "tax_per_mu_above_scale"] == pytest.approx(22.0)
    assert rows.loc[DISTRICT, "above_scale_tax_wan"] == pytest.approx(1650.0)
    assert rows.loc[DISTRICT, "n_above_scale"] == 5  # A B D E F, A once
    # a masked code names no firm: two rows 「9133********621X」 may be two firms, summed apart
    masked = FIRMS.iloc[[0, 0]].assign(uscc="9133********621X")
    table = summarise(PLOTS, enterprises=masked, profile=load_profile("shangyu-2022"))
    assert table.set_index("township").loc[DISTRICT, "above_scale_tax_wan"] == 1860.0


def test_renewal_done_share_shows_100_only_when_the_target_is_reached(tmp_path):
    # 上虞 「盘活低效工业用地10000亩以上」 (虞政发〔2022〕12号 第二条): plots of 5000 and 4999.6 亩
    # leave the list 达标 → 9999.6 / 10000 = 99.996 %: not reached, so 99.9 % (as a 0.0% cell
    # the raw 0.99996 would print 「100.0%」); 10000 亩 exactly is 100 % (以上 includes it)
    def runs(areas: list[float], name: str):
        old = [{"parcel_id": f"W{i}", "box": _box(i), "area_mu": a} for i, a in enumerate(areas)]
        new = [
            p | {"tax_per_mu": 8.0, "screening_status": "不列入", "path": None, "grade": "B"}
            for p in old
        ]
        towns = [{"township": "全区", "renewal_target_mu": 10000.0, "renewal_target_year": 2023}]
        a = fake_run(tmp_path / name / "old", old, as_of="2022-06-30", townships=towns)
        b = fake_run(tmp_path / name / "new", new, as_of="2023-06-30", townships=towns)
        return compare_runs(read_screening(a), read_screening(b)).townships.set_index("township")

    short = runs([5000.0, 4999.6], "short")
    assert short.loc[DISTRICT, "governance_done_mu"] == pytest.approx(9999.6)
    assert short.loc[DISTRICT, "renewal_done_share"] == pytest.approx(0.999)
    reached = runs([5000.0, 5000.0], "reached")
    assert reached.loc[DISTRICT, "renewal_done_share"] == pytest.approx(1.0)
