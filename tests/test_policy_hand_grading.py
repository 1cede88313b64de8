"""Hand-worked policy cases for 亩均评价, 镇街汇总, 连片, 台账 and 动态评价.

Every expected value is worked out on paper from the clause or the stated rule it cites,
before the code is run. 1 亩 = 10000/15 m²; money in 万元. Comparisons follow 《民法典》第1259条:
「以上」「以下」 include the number; 「大于」「低于」「超过」「不足」 do not. A missing input never
raises or lowers a figure silently: it is 待核实 or handled by a stated rule.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from landgov.efficiency import Grade, grade_enterprises
from landgov.policy import load_profile
from tests._hand import uscc


def _below(i: int, land_mu: float, tax_wan: float, power: float) -> dict:
    """A 规下 制造业 firm (3311): 亩均税收 = tax / land, 单位电耗税收 = tax / power."""
    return {
        "uscc": uscc(i, "MA3D"),
        "industry_code": "3311",
        "above_scale": False,
        "land_mu": land_mu,
        "tax_wan": tax_wan,
        "power_10k_kwh": power,
    }


# =============================================================================================
# 亩均评价: grades by rank (淮安 bands A 20 %, B 40 %, C 35 %, D 5 %; 示例规则（非官方）).


def test_firms_with_the_same_indicators_share_a_rank_and_a_grade(yuecheng):
    # Five 规下 firms (黄岩 2022 规下 set: 亩均税收 50 分 / 11.5932, 单位电耗税收 50 分 / 0.2352).
    #   甲 0.21 万元 on 3 亩, 3 万kWh: 亩均税收 0.07, 电耗税收 0.07
    #   乙 0.28 万元 on 4 亩, 4 万kWh: 亩均税收 0.07, 电耗税收 0.07 — the same as 甲
    #   score of both = 50 × 0.07 / 11.5932 + 50 × 0.07 / 0.2352 = 15.182853
    # 丙 丁 戊 score less. Same indicators, same score, same rank: 甲 and 乙 share rank 1 (ties
    # share the better rank), q = (1 − ½)/5 = 0.1 ≤ 0.20 → both A. Before, the last bit of
    # 0.21 / 3 (0.06999…) against 0.28 / 4 (0.07) ranked 乙 first: 乙 A, 甲 B.
    rows = pd.DataFrame(
        [
            _below(0, 3.0, 0.21, 3.0),
            _below(1, 4.0, 0.28, 4.0),
            _below(2, 5.0, 0.2, 100.0),
            _below(3, 5.0, 0.1, 100.0),
            _below(4, 5.0, 0.05, 100.0),
        ]
    )
    got = grade_enterprises(rows, profile=yuecheng).data
    assert got["score"].iloc[0] == pytest.approx(50 * 0.07 / 11.5932 + 50 * 0.07 / 0.2352)
    assert got["score"].iloc[1] == pytest.approx(got["score"].iloc[0])
    assert got["grade"].tolist()[:2] == [Grade.A, Grade.A]


# 黄岩 2022 (示例规则（非官方）): 「无排放数据的规上企业该项取规上企业平均得分」; benchmarks may be
# 「平均值」. A firm left out for a missing item (scoring.missing_item_rule = not_evaluated,
# 「缺数据不参评」) has no 得分: it is in neither average.

_X = {
    "industry_code": "3311",  # 制造业 (门类 C): only 制造业 firms are evaluated
    "above_scale": True,
    "land_mu": 10.0,
    "tax_wan": 120.485,
    "value_added_wan": 1361.6,
    "energy_tce": 340.4,
    "emissions_t": 0.5,
    "employees": 80.0,
    "rd_wan": 30.2,
    "revenue_wan": 2000.0,
}


def test_mean_emission_points_come_from_evaluated_firms_only(yuecheng):
    # 甲: 单位排放增加值 1361.6 / 0.5 = 2723.2 → 10 × 2723.2 / 4929.81 = 5.523945 分, evaluated.
    # 乙: emissions 1 t → 2.761972 分, but no 综合能耗 → 缺少单位能耗增加值，不参评 (no score).
    # 丙: no emissions data → the average points of the evaluated 规上 firms = 甲's 5.523945.
    # Before, 乙's 2.761972 was averaged in: 丙 got 4.142958.
    rows = pd.DataFrame(
        [
            _X | {"uscc": uscc(10, "MA3D")},
            _X | {"uscc": uscc(11, "MA3D"), "emissions_t": 1.0, "energy_tce": np.nan},
            _X | {"uscc": uscc(12, "MA3D"), "emissions_t": np.nan},
        ]
    )
    got = grade_enterprises(rows, profile=yuecheng).data
    assert got["evaluated"].tolist() == [True, False, True]
    assert got["score_value_added_per_emission"].iloc[2] == pytest.approx(27232 / 4929.81)
    assert "5.52 分" in got["evaluation_note"].iloc[2]


def test_mean_benchmark_is_the_mean_of_evaluated_firms(tmp_path):
    # benchmark_mode = mean. 规下 firms on 5 亩:
    #   甲 tax 50, 10 万kWh: 亩均税收 10, 电耗税收 5
    #   乙 tax 150, 10 万kWh: 亩均税收 30, 电耗税收 15
    #   丙 tax 1000, 用电量 blank → 缺少单位电耗税收，不参评
    # Benchmarks over the evaluated 甲 and 乙: 亩均税收 20, 电耗税收 10 →
    #   甲 50 × 10/20 + 50 × 5/10 = 50; 乙 50 × 30/20 + 50 × 15/10 = 150.
    # Before, 丙's 亩均税收 200 was in the mean (80): 甲 31.25, 乙 43.75.
    path = tmp_path / "mean.toml"
    path.write_text(
        '[profile]\nname = "mean"\nversion = "1"\ntitle = "测试"\nextends = "yuecheng-2022"\n'
        '[scoring]\nbenchmark_mode = { value = "mean", official = false, source = "测试" }\n',
        encoding="utf-8",
    )
    rows = pd.DataFrame(
        [_below(20, 5.0, 50.0, 10.0), _below(21, 5.0, 150.0, 10.0), _below(22, 5.0, 1000.0, np.nan)]
    )
    got = grade_enterprises(rows, profile=load_profile(path))
    assert got.data["score"].tolist()[:2] == pytest.approx([50.0, 150.0])
    assert not got.data["evaluated"].iloc[2]
    bench = got.benchmarks.set_index(["scale", "indicator"])["benchmark"]
    assert bench[("规下", "tax_per_mu")] == pytest.approx(20.0)


# =============================================================================================
# 镇街汇总: 规上亩均税收 = Σ 规上税收 ÷ Σ 规上用地 [虞政发〔2022〕12号 第二条 指标体系 #2].


def _summary_plots() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "parcel_id": ["P1", "P2", "P3"],
            "township": ["百官街道", "百官街道", "曹娥街道"],
            "area_mu": [10.0, 10.0, 10.0],
            "screening_status": ["治理", "不列入", "不列入"],
            "path": ["整治提升", None, None],
            "usccs": ["U1", "U2", "U3"],
        }
    )


def test_summary_reads_fou_and_guixia_as_below_scale():
    # 百官街道: U1 规上 (tax 100 on 10 亩); U2 above_scale 「否」 (tax 5 on 10 亩) is 规下, as the
    # readers, screening and 亩均评价 read it (core.vocab.scale_is_above); U3 「规下」 in 曹娥.
    # 百官 规上亩均税收 = 100 / 10 = 10.0 (1 规上 firm); 曹娥 has no 规上 firm: no figure.
    # Before, 「否」 and 「规下」 were bool("否") = True: 百官 (100 + 5) / 20 = 5.25, 2 规上 firms.
    from landgov.summary import summarise

    ents = pd.DataFrame(
        {
            "uscc": ["U1", "U2", "U3"],
            "above_scale": [True, "否", "规下"],
            "tax_wan": [100.0, 5.0, 50.0],
            "value_added_wan": [500.0, 20.0, 100.0],
            "land_mu": [10.0, 10.0, 10.0],
        }
    )
    table = summarise(_summary_plots(), enterprises=ents, profile=load_profile("shangyu-2022"))
    rows = table.set_index("township")
    assert rows.loc["百官街道", "n_above_scale"] == 1
    assert rows.loc["百官街道", "tax_per_mu_above_scale"] == pytest.approx(10.0)
    assert rows.loc["百官街道", "tax_per_mu_gap"] == pytest.approx(31.0 - 10.0)
    assert rows.loc["曹娥街道", "n_above_scale"] == 0
    assert np.isnan(rows.loc["曹娥街道", "tax_per_mu_above_scale"])  # no 规上 firm: no figure
    assert np.isnan(rows.loc["曹娥街道", "tax_per_mu_gap"])  # and no gap, never 31 − 0


def test_summary_leaves_a_firm_without_tax_out_of_both_sums_and_counts_it():
    # 百官街道: U1 规上 tax 100 on 10 亩; U2 规上 with tax blank on 10 亩. The figure is the
    # ratio over firms whose tax is known: 100 / 10 = 10.0, with U2 counted as incomplete.
    # Before, U2's 10 亩 stayed in the denominator: 100 / 20 = 5.0 — U2's tax read as 0.
    # 全区 adds 曹娥 U3 (50 on 10 亩): (100 + 50) / (10 + 10) = 7.5.
    from landgov.summary import summarise

    ents = pd.DataFrame(
        {
            "uscc": ["U1", "U2", "U3"],
            "above_scale": [True, True, True],
            "tax_wan": [100.0, np.nan, 50.0],
            "value_added_wan": [500.0, 20.0, 100.0],
            "land_mu": [10.0, 10.0, 10.0],
        }
    )
    table = summarise(_summary_plots(), enterprises=ents, profile=load_profile("shangyu-2022"))
    rows = table.set_index("township")
    assert rows.loc["百官街道", "tax_per_mu_above_scale"] == pytest.approx(10.0)
    assert rows.loc["百官街道", "value_added_per_mu_above_scale"] == pytest.approx(50.0)
    assert rows.loc["百官街道", "n_above_scale"] == 2
    assert rows.loc["百官街道", "n_above_scale_incomplete"] == 1
    assert rows.loc["全区", "tax_per_mu_above_scale"] == pytest.approx(7.5)
    assert rows.loc["全区", "n_above_scale_incomplete"] == 1


# =============================================================================================
# 台账 and 动态评价: 「达标销号」 [嵊政〔2022〕28号 第三条第（二）项第2目];
# 「销号式整改、项目化验收」 [虞政发〔2022〕12号 第三条第（一）项第2目]. A plot on the 2026
# 治理清单 whose 2027 screening is 待核实 (its tax is blank this year) has not been shown 达标:
# it is not proposed for 销号 and is not counted as 治理 done. One whose 2027 screening is
# 不列入 (亩均税收 8 > 5) is.


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    from tests._runs import fake_run

    root = tmp_path_factory.mktemp("runs")
    old = fake_run(
        root / "2026",
        [{"parcel_id": "A"}, {"parcel_id": "B"}, {"parcel_id": "C"}],
        as_of="2026-06-30",
    )
    new = fake_run(
        root / "2027",
        [
            {
                "parcel_id": "A",
                "screening_status": "待核实",
                "tax_per_mu": None,
                "to_verify": "宗地字段 tax_per_mu（亩均税收）或 tax_wan（税收）",
            },
            {"parcel_id": "B", "screening_status": "不列入", "tax_per_mu": 8.0},
            {"parcel_id": "C"},
        ],
        as_of="2027-06-30",
    )
    return old, new


def test_ledger_does_not_propose_closing_a_plot_now_to_verify(two_runs, tmp_path):
    import datetime as dt

    from landgov.ledger import init_ledger, update_ledger, write_ledger
    from landgov.run.results import read_screening

    old, new = two_runs
    book = init_ledger(read_screening(old), as_of=dt.date(2026, 7, 1))
    path = write_ledger(book, tmp_path / "台账.xlsx")
    rows = update_ledger(path, read_screening(new), as_of=dt.date(2027, 7, 1)).rows
    rows = rows.set_index("宗地代码")
    a, b = rows.loc["A", "系统提示"], rows.loc["B", "系统提示"]
    assert "建议销号" not in a.replace("暂不建议销号", "")
    assert a.startswith("暂不建议销号") and "未判定是否达标" in a and "亩均税收" in a
    assert rows.loc["A", "最新批次"] == "2027-06-30 待核实"
    assert b.startswith("建议销号") and "亩均税收 8 万元/亩" in b
    assert rows.loc["A", "状态"] == rows.loc["B", "状态"] == "未启动"  # never changed by landgov


def test_comparison_does_not_count_a_plot_now_to_verify_as_done(two_runs):
    from landgov.evaluation import compare_runs
    from landgov.run.results import read_screening

    cmp = compare_runs(*(read_screening(r) for r in two_runs))
    change = cmp.plots.set_index("old_ids")["listing_change"]
    assert change["A"] == "旧期在治理清单，新期待核实"
    assert change["B"] == "移出治理清单"
    assert change["C"] == "仍在治理清单"
    towns = cmp.townships.set_index("township")
    assert towns.loc["全区", "governance_done_mu"] == pytest.approx(15.0)  # B only, not A + B
