"""Hand-worked policy cases, round 3: 四个一批 precedence, 闲置 timing, 地企关联 modes in 亩均评价,
增容 conditions 三.2–三.5 and 七(二), and 示例规则（非官方） values that must not pass a check.

Every expected value is worked out on paper from the clause it cites before the code is run.
Plots are drawn in EPSG:4549 with the helpers of ``tests/_hand.py``
(1 km apart unless a case draws neighbours). 1 亩 = 10000/15 m²; money in 万元. Comparisons
follow 《民法典》第1259条: 「以上」「以下」「不低于」「不超过」 include the number; 「大于」「低于」
「超过」「不足」 do not.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from landgov.core.collect import field_item, render_text, split_items
from landgov.core.vocab import Eligibility
from landgov.efficiency import grade_enterprises
from landgov.far.zengrong import check_parcels
from landgov.link import link_parcels
from landgov.screening import (
    check_demolition,
    check_idle,
    check_low_efficiency,
    check_under_used,
)
from landgov.verdict import Status
from tests._hand import (
    CRS,
    X0,
    Y0,
    application,
    applications,
    cover,
    enterprises,
    firms,
    no_plans,
    own_share,
    owner_links,
    parcels_of,
    plots,
    rectangle,
    screen_plots,
    square,
    uscc,
    with_param,
    zengrong_inputs,
)

P, F, U = Status.PASS, Status.FAIL, Status.UNKNOWN
AS_OF = "2024-06-30"


def _firms(n: int, **over) -> pd.DataFrame:
    """:func:`tests._hand.firms` on 21 亩 (2017 code 3311 → 2002 division 34, floor 0.7)."""
    return firms(n, **({"land_mu": 21.0} | over))


# =============================================================================================
# 四个一批: the shipped rule table (示例规则（非官方）, paths.rules), first match wins:
# R1 关停退出 → R2 功能转型 → R3 拆除重建 → R4 整治提升. The paths are named in 虞政发〔2022〕12号
# 第三条第（一）项第2目 and 嵊政〔2022〕28号 第三条第（一）项第2目.


def test_paths_take_the_first_rule_that_holds(shangyu):
    # Five 21-亩 plots (14000 m²), one 规上 firm each. 亩均税收 = tax / 21:
    #   甲 tax 42 → 2 ≤ 5 低效; 淘汰类; planned 商业用地      → R1 关停退出 (before R2)
    #   乙 tax 42 → 低效; planned 商业用地; 容积率 0.5 < 0.7  → R2 功能转型 (before R3)
    #   丙 tax 42 → 低效; 容积率 0.5 < 0.7 (division 34)      → R3 拆除重建
    #   丁 tax 42 → 低效; 容积率 0.8 ≥ 0.7                    → R4 整治提升
    #   戊 tax 105.21 → 5.01 > 5, nothing else               → 不列入, no path
    # 低效 = 亩均税收 5 万元以下 [虞政发〔2022〕12号 第三条第（一）项第1目].
    parcels = parcels_of([square(21.0, i) for i in range(5)])
    parcels["floor_area_m2"] = parcels.geometry.area * [0.8, 0.5, 0.5, 0.8, 0.8]
    ents = _firms(
        5,
        tax_wan=[42.0, 42.0, 42.0, 42.0, 105.21],
        catalogue_class=["淘汰类", "允许类", "允许类", "允许类", "允许类"],
    )
    uses = ["商业用地", "商业用地", "工业用地", "工业用地", "工业用地"]
    got = screen_plots(shangyu, parcels, ents, uses=uses).parcels
    assert got["screening_status"].tolist() == ["治理"] * 4 + ["不列入"]
    assert got["path"].tolist()[:4] == ["关停退出", "功能转型", "拆除重建", "整治提升"]
    assert got["path_rule"].tolist()[:4] == ["R1", "R2", "R3", "R4"]
    assert got["path_status"].tolist()[:4] == ["符合"] * 4
    assert pd.isna(got["path"].iloc[4])
    # each path says why, with the clause; the other problems are listed beside it
    r1, r2, r3 = got["reasons"].iloc[:3]
    assert "淘汰类" in r1 and "问题：" in r1 and "规划为非工业用途" in r1
    assert "规划为非工业用途的面积占 100%" in r2 and "改一补一" in r2
    assert "越政发〔2022〕24号 第七条第19项" in r2
    assert "亩均税收 2 万元/亩" in r3 and "低于行业大类 34" in r3
    assert "虞政发〔2022〕12号 第二条; 第三条第（一）项第1目" in r3
    assert "示例规则（非官方）" in r3  # the table itself is a project default


def test_major_safety_violation_closes_only_with_grade_d(shangyu):
    # R1 term 「violation:重大:安全&grade:D」. 亩均税收 210 / 21 = 10 > 5 (not 低效); each plot
    # is on the 治理清单 by its violation record [虞政发〔2022〕12号 第三条第（一）项第1目]:
    #   甲 重大 安全, grade D  → R1 关停退出
    #   乙 重大 安全, grade C  → R1 false → R4 整治提升 (R3 needs 低效)
    #   丙 较大 安全, grade D  → 较大 < 重大 → R4 整治提升
    #   丁 重大 安全, grade blank → R1 cannot be decided → path 整治提升 but 待核实, naming grade
    parcels = plots(4, grade=["D", "C", "D", None], grade_source=["平台"] * 3 + [None])
    ents = _firms(4, tax_wan=210.0)
    records = pd.DataFrame(
        {
            "uscc": [uscc(i) for i in range(4)],
            "parcel_id": parcels["parcel_id"],
            "category": "安全",
            "severity": ["重大", "重大", "较大", "重大"],
            "record_date": dt.date(2024, 1, 10),
            "rectified": "未整改",
        }
    )
    got = screen_plots(shangyu, parcels, ents, compliance=records).parcels
    assert got["screening_status"].tolist() == ["治理"] * 4
    assert got["path"].tolist() == ["关停退出", "整治提升", "整治提升", "整治提升"]
    assert got["path_status"].tolist() == ["符合", "符合", "符合", "待核实"]
    assert "重大安全违法违规记录" in got["reasons"].iloc[0]
    # the grade is said with where it comes from: the platform's grade here
    said = "亩均综合评价等级为D类（等级来源：亩均论英雄平台，企业表「评价等级」列）"
    assert said in got["reasons"].iloc[0]
    assert "grade" in got["missing"].iloc[3]


def test_land_idle_two_full_years_closes_and_one_year_is_rectified(shangyu):
    # 《闲置土地处置办法》第二条 (满一年 → 闲置), 第十四条 (满两年 → 可无偿收回); R1 term
    # 「idle:recoverable」. as_of 2024-06-30, nothing built (建筑面积 0, no start/completion):
    #   甲 约定开工 2022-06-30 → 2 full years on the day → recoverable → R1 关停退出
    #   乙 约定开工 2022-07-01 → 1 full year (1 year 11 months) → idle, not recoverable →
    #      容积率 0 < 0.7 (用而未尽) but 亩均税收 10 > 5 → R3 false → R4 整治提升
    parcels = parcels_of(
        [square(21.0, i) for i in range(2)],
        contract_start_date=["2022-06-30", "2022-07-01"],
        completion_date=[None, None],
    )
    parcels["floor_area_m2"] = 0.0
    parcels["buildings_cover"] = True  # a buildings layer over the plots shows none on them
    parcels["n_buildings"] = 0
    ents = _firms(2, tax_wan=210.0)
    got = screen_plots(shangyu, parcels, ents)
    rows = got.parcels
    assert rows["idle_years"].tolist() == [2, 1]
    assert rows["path"].tolist() == ["关停退出", "整治提升"]
    assert "可无偿收回" in rows["reasons"].iloc[0]
    assert "第十四条" in rows["reasons"].iloc[0]
    assert "可无偿收回" not in rows["reasons"].iloc[1]


def test_two_high_project_awaiting_assessment_leaves_the_path_to_verify(shangyu):
    # 虞政发〔2022〕12号 第三条第（二）项第2目: 2018年以来建设、年综合能耗1000吨标准煤以上（含）的
    # “两高”项目逐一评估检查, 对不符合要求的依法处置.
    # R1 term 「two_high:不符合&low_efficiency:不符合」.
    # Both firms built 2019, 1000 tce (at the threshold, 「以上（含）」), 亩均税收 2 (低效):
    #   甲 assessment 「不符合要求」 → two_high 不符合 → R1 关停退出
    #   乙 no assessment → two_high 待核实 → R1 undecided → 整治提升 (容积率 0.8 ≥ 0.7), 待核实,
    #      naming the assessment; never 符合 on a missing assessment
    parcels = plots(2)
    ents = _firms(
        2,
        tax_wan=42.0,
        energy_tce=1000.0,
        built_year=2019,
        two_high_assessment=["不符合要求", None],
    )
    got = screen_plots(shangyu, parcels, ents).parcels
    assert got["path"].tolist() == ["关停退出", "整治提升"]
    assert got["path_status"].tolist() == ["符合", "待核实"]
    assert "two_high_assessment" in got["missing"].iloc[1]


def test_recent_demolition_plan_rebuilds_a_plot_above_the_tax_line(shangyu):
    # R3 term 「demolition:不符合」: inside a recent (近年, 3 years, 示例规则) demolition plan
    # [越政发〔2022〕24号 附件3 第三条第1项]. 亩均税收 10 > 5, 容积率 0.8, on the 治理清单 by a
    # 一般 消防 record not rectified: the whole plot in a 2023 plan → R3 拆除重建; the same plot
    # without the plan → R4 整治提升.
    parcels = plots(2)
    ents = _firms(2, tax_wan=210.0)
    records = pd.DataFrame(
        {
            "uscc": [uscc(0), uscc(1)],
            "parcel_id": parcels["parcel_id"],
            "category": "消防",
            "severity": "一般",
            "record_date": dt.date(2024, 3, 1),
            "rectified": "未整改",
        }
    )
    plan = cover(parcels.iloc[[0]], 1.0, plan_name=["城中村改造"], plan_year=[2023])
    got = screen_plots(shangyu, parcels, ents, compliance=records, demolition=plan).parcels
    assert got["path"].tolist() == ["拆除重建", "整治提升"]
    assert "城中村改造" in got["reasons"].iloc[0]


@pytest.mark.parametrize(("second_mu", "second_path"), [(40.0, "拆除重建"), (39.99, "整治提升")])
def test_block_of_exactly_100_mu_rebuilds_the_low_efficiency_neighbour(
    yuecheng, second_mu, second_path
):
    # 越政发〔2022〕24号 第三条第4项 「占地100亩以上低效工业用地连片改造」
    # (blocks.min_area_mu = 100, ">=", the district's own figure). Two touching plots, 200 m deep:
    #   甲 60 亩 = 40000 m² (200 × 200): 低效 (亩均 2) and 容积率 0.5 < 0.7 → R3 拆除重建 (seed)
    #   乙 40 亩 = 26666.67 m² (133.33 × 200): 低效, 容积率 0.8 → alone R4; next to 甲 the block
    #      is 60 + 40 = 100 亩 ≥ 100 → R3 「低效且属100亩以上连片低效地块」 → 拆除重建
    #   乙 39.99 亩: 99.99 < 100 → 整治提升, 甲 alone in a 60-亩 block
    width = second_mu * 10000 / 15 / 200
    geoms = [
        shapely.box(X0, Y0, X0 + 200, Y0 + 200),
        shapely.box(X0 + 200, Y0, X0 + 200 + width, Y0 + 200),
    ]
    parcels = parcels_of(geoms)
    parcels["floor_area_m2"] = parcels.geometry.area * [0.5, 0.8]
    ents = _firms(2, tax_wan=[120.0, 2.0 * second_mu], land_mu=[60.0, second_mu])
    got = screen_plots(yuecheng, parcels, ents).parcels
    assert got["path"].tolist() == ["拆除重建", second_path]
    if second_path == "拆除重建":
        assert got["block_area_mu"].tolist() == pytest.approx([100.0, 100.0])
        assert got["block_large"].tolist() == [True, True]
        assert "（100 亩）" in got["reasons"].iloc[1]
    else:
        assert got["block_area_mu"].iloc[0] == pytest.approx(60.0)
        assert not got["block_large"].iloc[0]


# =============================================================================================
# 闲置土地: 《闲置土地处置办法》第二条 「超过…约定…动工开发日期满一年未动工开发」.


def test_contract_date_given_as_a_month_is_judged_as_the_whole_month(shangyu):
    # 约定开工 「2023年6月」: any day of June 2023. Nothing built; 满一年 (第二条):
    #   as_of 2024-06-30 → a full year from every day of it, the last (06-30) too → idle (不符合)
    #   as_of 2024-06-29 → from 06-01 a full year, from 06-30 11 months → 待核实, naming the span
    #   as_of 2024-05-31 → from 06-01 11 months: no day of it makes a full year → 符合
    # Before, the month was read as its last day only, and 2024-06-29 was 符合 on that guess.
    parcels = parcels_of([square(10.0)], contract_start_date=["2023年6月"], completion_date=[None])
    parcels["floor_area_m2"] = 0.0
    parcels["buildings_cover"] = True  # a buildings layer over the plots shows none on them
    parcels["n_buildings"] = 0
    assert check_idle(parcels, profile=shangyu, as_of="2024-06-30").iloc[0].status is F
    unsure = check_idle(parcels, profile=shangyu, as_of="2024-06-29").iloc[0]
    assert unsure.status is U
    said = (
        "约定开工日期只写到 2023-06-01～2023-06-30：至基准日 2024-06-29 按最早一天已满1年，"
        "按最晚一天未满"
    )
    assert unsure.missing == (field_item("contract_start_date", said),)
    # one to-verify item as the lists split them (「、」 outside brackets), not two, filed
    # under the department holding the contract (it was filed under 「—」)
    [item] = split_items(render_text("、".join(unsure.missing)))
    assert item == f"出让合同约定开工日期（{said}）〔自然资源局〕"
    assert check_idle(parcels, profile=shangyu, as_of="2024-05-31").iloc[0].status is P


def test_recoverable_is_not_known_when_the_month_straddles_two_years(shangyu):
    # 约定开工 「2022年6月」, nothing built, as_of 2024-06-15 (第十四条: 满两年可无偿收回):
    # from 06-30 1 year 11 months → idle (every day of June gives at least a full year);
    # from 06-01 two full years → recoverable, from 06-30 not → 可无偿收回 not known. Before,
    # only the last day was read, and the plot was 「闲置，不可收回」 on that guess.
    parcels = parcels_of([square(10.0)], contract_start_date=["2022年6月"], completion_date=[None])
    parcels["floor_area_m2"] = 0.0
    parcels["buildings_cover"] = True
    parcels["n_buildings"] = 0
    got = check_idle(parcels, profile=shangyu, as_of="2024-06-15").iloc[0]
    assert got.status is F
    assert got.values["recoverable"] is None
    assert (
        "约定开工日期只写到 2022-06-01～2022-06-30，按最早一天已满2年，按最晚一天未满" in got.reason
    )
    assert "是否可无偿收回待核实" in got.reason
    # all of June two full years before: recoverable, as a day would be
    on_the_day = check_idle(parcels, profile=shangyu, as_of="2024-06-30").iloc[0]
    assert on_the_day.status is F and on_the_day.values["recoverable"] is True


@pytest.mark.parametrize(
    ("field", "as_of", "status"),
    [
        ("start_date", "2024-06-30", P),  # all of June on or before the reference date
        ("start_date", "2024-06-15", U),  # may have started after it: not known
        ("start_date", "2024-05-31", F),  # all of it after: not started then
        ("completion_date", "2024-06-30", P),
        ("completion_date", "2024-06-15", U),
    ],
)
def test_a_start_or_completion_given_as_a_month_starts_the_plot_only_when_all_of_it_is_past(
    shangyu, field, as_of, status
):
    # 约定开工 2022-01-01, nothing built by the buildings layer; 实际开工 (or 竣工) 「2024年6月」.
    # Started by the reference date only when all of June is on or before it; across it,
    # whether the plot was started is not known (待核实). Before, the month was read as its
    # first day, and at 2024-06-15 the plot was 「已动工」 on that guess.
    dates = {"start_date": [None], "completion_date": [None], field: ["2024年6月"]}
    parcels = parcels_of([square(10.0)], contract_start_date=["2022-01-01"], **dates)
    parcels["floor_area_m2"] = 0.0
    parcels["buildings_cover"] = True
    parcels["n_buildings"] = 0
    got = check_idle(parcels, profile=shangyu, as_of=as_of).iloc[0]
    assert got.status is status, got
    if status is U:
        label = "实际开工日期" if field == "start_date" else "竣工日期"
        verb = "开工" if field == "start_date" else "竣工"
        said = f"{label}只写到 2024-06-01～2024-06-30，无法判断基准日 {as_of} 前是否已{verb}"
        assert field_item(field, said) in got.missing, got.missing


def test_a_start_date_after_the_as_of_date_is_not_a_start(shangyu):
    # 实际开工日期 2024-07-01 is after as_of 2024-06-30: not started on that day; contract
    # 2023-01-01 → 1 full year → idle. 实际开工 2024-06-30 (the day itself) → started → 符合.
    parcels = parcels_of(
        [square(10.0, i) for i in range(2)],
        contract_start_date=["2023-01-01"] * 2,
        start_date=["2024-07-01", "2024-06-30"],
        completion_date=[None] * 2,
    )
    parcels["floor_area_m2"] = 0.0
    parcels["buildings_cover"] = True  # a buildings layer over the plots shows none on them
    parcels["n_buildings"] = 0
    got = check_idle(parcels, profile=shangyu, as_of=AS_OF)
    assert [v.status for v in got] == [F, P]


def test_idle_without_floor_area_or_dates_is_to_verify(shangyu):
    # Contract 2020-01-01 (4 years back), 建筑面积 blank, no start or completion date: whether
    # building started is not known → 待核实 naming start_date / floor_area_m2, never 符合 and
    # never 闲置 4 年 (可无偿收回) on missing data.
    parcels = parcels_of([square(10.0)], contract_start_date=["2020-01-01"], completion_date=[None])
    parcels["floor_area_m2"] = None
    got = check_idle(parcels, profile=shangyu, as_of=AS_OF).iloc[0]
    assert got.status is U
    assert any("start_date" in m for m in got.missing)
    assert "recoverable" not in got.values


# =============================================================================================
# 亩均评价 with land shared with tenants (linking.tenancy_mode; 示例规则（非官方）) and 规下 firms
# from 3 亩 up [虞政发〔2022〕12号 第三条第（二）项第1目 「实际用地3亩以上的规下制造业企业」].


def _mode(profile, mode: str):
    return with_param(profile, "linking.tenancy_mode", value=mode)


def _shared_plot():
    # One 4-亩 plot (2666.67 m², 40 m × 66.67 m): owner 甲 and tenant 乙, both 规下, each using
    # 2 亩 (equal share, linking.share_rule). A 5-亩 plot next to it (1 km away): 丙 alone.
    parcels = parcels_of([rectangle(40.0, 4 * 10000 / 15 / 40, 0), square(5.0, 1)])
    ents = pd.DataFrame(
        {
            "uscc": [uscc(0), uscc(1), uscc(2)],
            "name": ["甲", "乙", "丙"],
            "above_scale": [False] * 3,
            "industry_code": ["3311"] * 3,  # 制造业: in the 亩均 evaluation scope
            "tax_wan": [4.0, 2.0, 5.0],
            "power_10k_kwh": [20.0, 10.0, 25.0],
        }
    )
    links = pd.DataFrame(
        {
            "parcel_id": [parcels["parcel_id"].iloc[0]] * 2 + [parcels["parcel_id"].iloc[1]],
            "uscc": [uscc(0), uscc(1), uscc(2)],
            "relation": ["owner", "tenant", "owner"],
        }
    )
    return parcels, ents, links


def test_merged_tenant_makes_one_unit_of_the_whole_plot(shangyu):
    # merged (遂昌): 甲 + 乙 are one unit: land 2 + 2 = 4 亩 ≥ 3 → evaluated; tax 4 + 2 = 6 on
    # 4 亩 → 亩均税收 1.5; 乙 shares 甲's grade and score. 丙 5 亩, 亩均税收 1.
    profile = _mode(shangyu, "merged")
    parcels, ents, links = _shared_plot()
    linked = link_parcels(parcels, ents, links, profile=profile)
    got = grade_enterprises(linked.enterprises, profile=profile).data.set_index("uscc")
    a, b = uscc(0), uscc(1)
    assert got.loc[a, "land_mu"] == pytest.approx(2.0)
    assert bool(got.loc[a, "evaluated"]) and bool(got.loc[b, "evaluated"])
    assert got.loc[a, "tax_per_mu"] == pytest.approx(1.5)
    assert got.loc[b, "grade"] == got.loc[a, "grade"]
    assert "合并评价" in got.loc[b, "evaluation_note"]


def test_separate_tenants_under_3_mu_are_not_evaluated(shangyu):
    # separate (慈溪): 甲 and 乙 are each 2 亩 < 3 → neither is evaluated (「3亩以上」), each
    # note saying so; 丙 on 5 亩 is.
    profile = _mode(shangyu, "separate")
    parcels, ents, links = _shared_plot()
    linked = link_parcels(parcels, ents, links, profile=profile)
    got = grade_enterprises(linked.enterprises, profile=profile).data.set_index("uscc")
    assert got["evaluated"].tolist() == [False, False, True]
    assert "不足 3 亩" in got.loc[uscc(1), "evaluation_note"]
    assert got.loc[uscc(1), "grade"] is None


def test_follow_owner_tenant_of_an_unevaluated_owner_has_no_grade(shangyu):
    # follow_owner (江山): 乙 takes 甲's grade; 甲 (2 亩 < 3, 规下) is not evaluated, so 乙 has
    # no grade either — never one computed on 乙's own 2 亩.
    profile = _mode(shangyu, "follow_owner")
    parcels, ents, links = _shared_plot()
    linked = link_parcels(parcels, ents, links, profile=profile)
    got = grade_enterprises(linked.enterprises, profile=profile).data.set_index("uscc")
    assert not got.loc[uscc(0), "evaluated"]
    assert got.loc[uscc(1), "grade"] is None
    assert "随出租方" in got.loc[uscc(1), "evaluation_note"]


# =============================================================================================
# 增容 conditions [越政发〔2022〕24号 附件3 第三条] and scope [第一条, 第七条第（二）项].


def _with_records(inputs, records: pd.DataFrame):
    return dataclasses.replace(inputs, compliance=records)


@pytest.mark.parametrize(
    ("day", "status"),
    [("2023-06-30", F), ("2023-06-29", P), ("2024-06-30", F), ("2024-07-01", P)],
)
def test_condition_3_window_includes_both_ends(yuecheng, day, status):
    # 第三条第3项 「申请企业 1 年内无重大违建、生态环境、安全生产不良记录」
    # (record_window_years = 1, [as_of − 1 年, as_of], both days included). as_of 2024-06-30,
    # one 重大 环保 record:
    #   2023-06-30 → inside (the first day) → 不符合;  2023-06-29 → outside → 符合
    #   2024-06-30 → inside (the as-of day)  → 不符合;  2024-07-01 → after as_of → not yet a
    #   record on that day → 符合
    parcels = parcels_of([square(21.0)])
    parcels["floor_area_m2"] = parcels.geometry.area * 0.8
    records = pd.DataFrame(
        {
            "uscc": [uscc(0)],
            "parcel_id": parcels["parcel_id"],
            "category": ["环保"],
            "severity": ["重大"],
            "record_date": [day],
            "rectified": ["已整改"],
        }
    )
    got = check_parcels(_with_records(zengrong_inputs(yuecheng, parcels), records))
    assert got["cond3"].iloc[0] == status


def test_condition_2_title_as_staff_write_it(yuecheng):
    # 第三条第2项 「产权清晰，无历史遗留问题（无债权、产权纠纷等）」:
    #   「产权清晰，无纠纷」 → 符合;  「存在债务纠纷」 → 不符合;  「已抵押」 → 待核实 (whether a
    #   mortgage is a 债权 problem is the district's call);  blank → 待核实 naming 产权状况
    texts = ["产权清晰，无纠纷", "存在债务纠纷", "已抵押", None]
    parcels = plots(4)
    rows = [
        application(pid, i, title_status=t)
        for i, (pid, t) in enumerate(zip(parcels["parcel_id"], texts, strict=True))
    ]
    got = applications(yuecheng, parcels, rows)
    assert got["cond2"].tolist() == [P, F, U, U]
    assert "产权状况" in got["missing"].iloc[3]


def test_condition_4_standard_factory_and_non_manufacturing_project(yuecheng):
    # 第三条第4项 「仅限制造业项目，标准厂房项目不适用」:
    #   甲 标准厂房 「是」                    → 不符合, 不可申报
    #   乙 project code 5411 (2017: 城市公共交通运输, not C 13–43) → 不符合
    #   丙 project code 3311, 非标准厂房       → 符合
    parcels = plots(3)
    pid = parcels["parcel_id"].tolist()
    rows = [
        application(pid[0], 0, standard_factory="是"),
        application(pid[1], 1, project_industry_code="5411"),
        application(pid[2], 2),
    ]
    got = applications(yuecheng, parcels, rows)
    assert got["cond4"].tolist() == [F, F, P]
    assert got["zengrong"].tolist()[:2] == [Eligibility.INELIGIBLE] * 2


def test_condition_5_project_class_and_the_enterprise_fallback(yuecheng):
    # 第三条第5项 「不属于《产业结构调整指导目录》限制类、淘汰类」:
    #   甲 project 限制类 → 不符合;  乙 project 鼓励类 → 符合;
    #   丙 project class blank, enterprise 允许类 → 待核实 (the opinion judges the project)
    parcels = plots(3)
    pid = parcels["parcel_id"].tolist()
    rows = [
        application(pid[0], 0, project_catalogue_class="限制类"),
        application(pid[1], 1, project_catalogue_class="鼓励类"),
        application(pid[2], 2, project_catalogue_class=None),
    ]
    got = applications(yuecheng, parcels, rows)
    assert got["cond5"].tolist() == [F, P, U]


@pytest.mark.parametrize(
    ("day", "edition"), [("2024-01-31", "2019年本"), ("2024-02-01", "2024年本")]
)
def test_catalogue_edition_switches_on_1_february_2024(yuecheng, day, edition):
    # 三.5 names the 2019 edition; the 2024 edition (国家发展改革委令第7号) applies from
    # 2024-02-01, the day itself included. The check records which edition it used.
    parcels = parcels_of([square(21.0)])
    parcels["floor_area_m2"] = parcels.geometry.area * 0.8
    inputs = dataclasses.replace(
        zengrong_inputs(yuecheng, parcels), as_of=dt.date.fromisoformat(day)
    )
    got = check_parcels(inputs)
    assert edition in got["catalogue_edition"].iloc[0]
    assert edition in got["cond5_note"].iloc[0]


def test_plot_in_mahai_zone_is_outside_the_opinion(yuecheng):
    # 第七条第（二）项 「马海片区企业存量工业用地二次开发相关政策另行制定」: 甲 wholly inside a
    # zone named 「马海片区（一期）」 → scope 不符合, 不可申报; 乙 not touching any zone → 符合;
    # 丙 half inside (7000 of 14000 m²) → 待核实, whether its land belongs to the zone is for the
    # 区自然资源和规划分局 to confirm; a zone layer without names → 待核实 for all.
    parcels = plots(3)
    zone = pd.concat(
        [
            cover(parcels.iloc[[0]], 1.0, zone_name=["马海片区（一期）"]),
            cover(parcels.iloc[[2]], 0.5, zone_name=["马海片区（一期）"]),
        ],
        ignore_index=True,
    )
    inputs = dataclasses.replace(zengrong_inputs(yuecheng, parcels), special_zones=zone)
    got = check_parcels(inputs)
    assert got["scope"].tolist() == [F, P, U]
    assert got["zengrong"].iloc[0] == Eligibility.INELIGIBLE
    assert "马海片区" in got["scope_note"].iloc[0]
    assert "重叠面积 7,000 平方米，占宗地面积 50%" in got["scope_note"].iloc[2]
    nameless = dataclasses.replace(inputs, special_zones=zone.drop(columns="zone_name"))
    assert check_parcels(nameless)["scope"].tolist() == [U, U, U]


def test_headroom_is_the_gap_to_2_5_and_unknown_without_floor_area(yuecheng):
    # 附件3 第二条: room = 2.5 × land − floor area. 21 亩 = 14000 m²:
    #   容积率 0.8 → 11200 m² → 2.5 × 14000 − 11200 = 23800 m²
    #   容积率 2.6 (36400 m²) → above the cap → 0
    #   建筑面积 blank → no 容积率 → headroom unknown (NaN), cap 待核实, never 35000 m²
    parcels = parcels_of([square(21.0, i) for i in range(3)])
    parcels["floor_area_m2"] = [11200.0, 36400.0, None]
    got = check_parcels(zengrong_inputs(yuecheng, parcels))
    assert got["headroom_m2"].iloc[0] == pytest.approx(23800.0)
    assert got["headroom_m2"].iloc[1] == 0.0
    assert pd.isna(got["headroom_m2"].iloc[2])
    assert got["cap"].tolist() == [P, F, U]


def test_dyeing_firm_on_12_mu_goes_to_the_joint_meeting_not_refused(yuecheng):
    # 附件3 第三条 「涉及印染化工电镀涉改企业二次开发项目相关要求可适当放宽，具体以…联席会议审议
    # 明确为准」: a 印染 firm on 12 亩 (8000 m²): 12 ≤ 15 fails 三.1 area, but the area is among
    # relaxable_rules → 待核实 (提交联席会议), 待核实 overall, never 不可申报. The same firm
    # applying for a 限制类 project (三.5, not relaxable) → 不可申报.
    parcels = plots(2, mu=12.0)
    ents = enterprises(2, reform_sector=["印染", "印染"])
    inputs = dataclasses.replace(zengrong_inputs(yuecheng, parcels), enterprises=ents)
    pid = parcels["parcel_id"].tolist()
    apps = pd.DataFrame(
        [application(pid[0], 0), application(pid[1], 1, project_catalogue_class="限制类")]
    )
    from landgov.far.zengrong import check_applications

    got = check_applications(apps, inputs)
    assert got["cond1"].iloc[0] == U
    assert got["zengrong"].tolist() == [Eligibility.UNKNOWN, Eligibility.INELIGIBLE]


# =============================================================================================
# 示例规则（非官方） values never make a 符合 on their own; missing data is 待核实.


def test_non_manufacturing_plot_above_the_default_floor_is_to_verify(shangyu):
    # A non-manufacturing main enterprise (2017 code 5411) has no national floor (国土资发〔2008〕
    # 24号 表2 covers C 13–43); screening.under_used_far_default = 1.0 is 示例规则（非官方）:
    #   容积率 1.2 ≥ 1.0 → 待核实 (never 符合 on the example value)
    #   容积率 0.9 < 1.0 → 不符合 (a 不符合 on it stays, for a person to look at)
    parcels = parcels_of([square(18.0, i) for i in range(2)])
    parcels["floor_area_m2"] = [14400.0, 10800.0]  # 12000 m² × 1.2, × 0.9
    screened = parcels.assign(area_m2=parcels.geometry.area, main_uscc=[uscc(0), uscc(1)])
    ents = enterprises(2, industry_code="5411", industry_name="城市公共交通运输")
    got = check_under_used(screened, enterprises=ents, profile=shangyu)
    assert [v.status for v in got] == [U, F]


def test_tax_above_an_example_threshold_is_not_a_pass(yuecheng, shangyu):
    # yuecheng-2022 inherits the province's 5 万元/亩, an example borrowed from 虞政发〔2022〕12号
    # (official = false): 亩均税收 6 > 5 → 待核实 there, not 符合; 2 ≤ 5 → 不符合 stays. In
    # shangyu-2022 the same 5 is the district's own (第三条第（一）项第1目): 6 → 符合.
    parcels = parcels_of([square(10.0, i) for i in range(2)], tax_wan=[60.0, 20.0])
    parcels["area_m2"] = parcels.geometry.area
    parcels["area_mu"] = parcels["area_m2"] * 15 / 10000
    ents = pd.DataFrame({"uscc": [uscc(0), uscc(1)], "above_scale": True, "land_mu": 10.0})
    pairs = owner_links(parcels)
    example = check_low_efficiency(parcels, enterprises=ents, pairs=pairs, profile=yuecheng)
    assert [v.status for v in example] == [U, F]
    own = check_low_efficiency(parcels, enterprises=ents, pairs=pairs, profile=shangyu)
    assert [v.status for v in own] == [P, F]


def test_plot_outside_the_planning_layer_is_to_verify_in_both_stages(yuecheng):
    # 越政发〔2022〕24号 第七条第19项 / 附件3 第一条 (符合国土空间规划): a plot the planning layer
    # does not cover has no planned use on record → 待核实 (screening planning and 增容 scope),
    # never 「规划为非工业用途的面积占 0%」 → 符合. Even with the county's own share (official).
    own = own_share(yuecheng)
    parcels = plots(2)
    planning = cover(parcels.iloc[[1]], 1.0, planned_use=["工业用地"], inside_control_line=["是"])
    from landgov.screening import check_planning

    screened = check_planning(parcels, planning=planning, profile=own)
    assert [v.status for v in screened] == [U, P]
    zengrong = check_parcels(zengrong_inputs(own, parcels, planning=planning))
    assert zengrong["scope"].tolist() == [U, P]


def test_violation_with_unknown_rectification_is_to_verify(shangyu):
    # 虞政发〔2022〕12号 第三条第（一）项第1目 「存在…违法违规问题的企业用地」: a 一般 环保
    # record of 2024-01-10 whose 整改 column is blank → 待核实 (not 符合, not assumed rectified);
    # 「已整改」 with 整改完成 2024-05-01 ≤ as_of → 符合; 「已整改」 completed 2024-07-01 > as_of →
    # still standing on 2024-06-30 → 不符合.
    from landgov.screening import check_violations

    parcels = parcels_of([square(10.0, i) for i in range(3)])
    records = pd.DataFrame(
        {
            "uscc": [uscc(i) for i in range(3)],
            "parcel_id": parcels["parcel_id"],
            "category": "环保",
            "severity": "一般",
            "record_date": dt.date(2024, 1, 10),
            "rectified": [None, "已整改", "已整改"],
            "rectified_date": [None, dt.date(2024, 5, 1), dt.date(2024, 7, 1)],
        }
    )
    got = check_violations(
        parcels, compliance=records, pairs=owner_links(parcels), profile=shangyu, as_of=AS_OF
    )
    assert [v.status for v in got] == [U, P, F]


# =============================================================================================
# Reasons that read true: a share just under a threshold never prints as the threshold.


def test_share_just_under_a_threshold_reads_below_it(yuecheng):
    # overlay.demolition_share = 10 % (「10% 以上（含本数）」, project default) [越政发〔2022〕24号
    # 附件3 第三条第1项]. 21 亩 plots, a 2023 plan over the western part:
    #   9.99 % → below → 待核实 (partial overlap), reading 「占 9.99%，未达到 10%」
    #            (it read 「占 10%，未达到 10%」)
    #   10 %   → inside → 不符合, 「占 10%，达到 10%」
    # screening.planning_nonindustrial_share = 0.5: 49.99 % 商业用地 reads 「占 49.99%」 against
    # 「≥ 0.5」 (it read 「占 50%，未达门槛」).
    parcels = parcels_of([square(21.0, i) for i in range(2)])
    plans = gpd.GeoDataFrame(
        pd.concat(
            [
                cover(parcels.iloc[[i]], s, plan_name=[f"计划{i}"], plan_year=[2023])
                for i, s in enumerate([0.0999, 0.1])
            ],
            ignore_index=True,
        ),
        crs=CRS,
    )
    got = check_demolition(parcels, demolition=plans, profile=yuecheng, as_of=dt.date(2024, 6, 30))
    assert [v.status for v in got] == [U, F]
    assert "宗地面积占 9.99%，未达到 10%" in got.iloc[0].reason
    assert "宗地面积占 10%，达到 10%" in got.iloc[1].reason
    x0, y0, x1, y1 = parcels.geometry.iloc[0].bounds
    cut = x0 + (x1 - x0) * 0.4999
    planning = gpd.GeoDataFrame(
        {"planned_use": ["商业用地", "工业用地"]},
        geometry=[shapely.box(x0, y0, cut, y1), shapely.box(cut, y0, x1, y1)],
        crs=CRS,
    )
    from landgov.screening import check_planning

    got = check_planning(parcels.iloc[[0]], planning=planning, profile=yuecheng).iloc[0]
    assert "规划为非工业用途的面积占 49.99%" in got.reason


def test_screening_runs_with_an_empty_demolition_layer(shangyu):
    # A county with no demolition plan this year hands in an empty layer: every plot is then
    # 「与近年拆迁计划无重叠」 → 符合 (the layer was given), and screening runs (it raised
    # AttributeError: an empty mask selected columns, not rows).
    parcels = parcels_of([square(21.0)])
    parcels["floor_area_m2"] = parcels.geometry.area * 0.8
    got = screen_plots(shangyu, parcels, _firms(1, tax_wan=42.0), demolition=no_plans())
    assert got.checks["demolition"].iloc[0].status is P


def test_missing_tax_keeps_a_plot_off_both_lists_unless_a_problem_is_found(shangyu):
    # 底数清单 / 治理清单 [虞政发〔2022〕12号 第三条第（一）项第1目]. Three 21-亩 plots, 容积率 0.8:
    #   甲 tax blank, nothing else            → 待核实 (not 治理, not 不列入), tax named
    #   乙 tax blank, a 一般 消防 record (uscc only, not rectified: counts on every plot of the
    #      firm) → 治理 by the violation; path 整治提升, decided (no rule waits on the tax)
    #   丙 tax 210 → 亩均税收 10 > 5, no record → 不列入
    # Every plot is on the 底数清单; only 乙 on the 治理清单.
    parcels = plots(3)
    ents = _firms(3, tax_wan=[None, None, 210.0])
    records = pd.DataFrame(
        {
            "uscc": [uscc(1)],
            "parcel_id": [None],
            "category": ["消防"],
            "severity": ["一般"],
            "record_date": [dt.date(2024, 3, 1)],
            "rectified": ["未整改"],
        }
    )
    got = screen_plots(shangyu, parcels, ents, compliance=records)
    rows = got.parcels
    assert len(rows) == 3
    assert rows["screening_status"].tolist() == ["待核实", "治理", "不列入"]
    assert "tax_wan（税收）" in rows["to_verify"].iloc[0]
    assert got.governance["parcel_id"].tolist() == [parcels["parcel_id"].iloc[1]]
    assert rows["path"].iloc[1] == "整治提升" and rows["path_status"].iloc[1] == "符合"


@pytest.mark.parametrize(
    ("as_of", "status", "recoverable"),
    [("2021-02-27", P, None), ("2021-02-28", F, False), ("2022-02-28", F, True)],
)
def test_idle_from_29_february_is_complete_at_the_end_of_february(
    shangyu, as_of, status, recoverable
):
    # 《闲置土地处置办法》第二条 (满一年), 第十四条 (满两年); 《民法典》第二百零二条
    # 「按照年、月计算期间的，到期月的对应日为期间的最后一日；没有对应日的，月末日为期间的最后
    # 一日」. 约定开工 2020-02-29, nothing built:
    #   2021-02-27 → the year not yet complete → 符合
    #   2021-02-28 → no 29 February in 2021: the month's last day ends the year → 满一年 → idle
    #                (it was 0 years until 1 March)
    #   2022-02-28 → 满两年 → idle and 可无偿收回
    parcels = parcels_of([square(10.0)], contract_start_date=["2020-02-29"], completion_date=[None])
    parcels["floor_area_m2"] = 0.0
    parcels["buildings_cover"] = True  # a buildings layer over the plots shows none on them
    parcels["n_buildings"] = 0
    got = check_idle(parcels, profile=shangyu, as_of=as_of).iloc[0]
    assert got.status is status
    assert got.values.get("recoverable") == recoverable


@pytest.mark.parametrize(("gap", "joined"), [(10.0, True), (10.01, False)])
def test_plots_10_m_apart_are_one_block_and_10_01_m_are_not(yuecheng, gap, joined):
    # blocks.gap_m = 10, "<=" (「10米以内（含）」, project default for 「连片」 [越政发〔2022〕24号
    # 第三条第4项]). Two 60-亩 plots (200 m × 200 m), each 低效 (亩均 2) with 容积率 0.5 < 0.7 →
    # R3 拆除重建 on its own. 10 m apart → one block of 60 + 60 = 120 亩 ≥ 100 (large);
    # 10.01 m apart → two blocks of 60 亩, neither large.
    geoms = [
        shapely.box(X0, Y0, X0 + 200, Y0 + 200),
        shapely.box(X0 + 200 + gap, Y0, X0 + 400 + gap, Y0 + 200),
    ]
    parcels = parcels_of(geoms)
    parcels["floor_area_m2"] = parcels.geometry.area * 0.5
    got = screen_plots(yuecheng, parcels, _firms(2, tax_wan=120.0, land_mu=60.0)).parcels
    assert got["path"].tolist() == ["拆除重建", "拆除重建"]
    same = got["block_id"].iloc[0] == got["block_id"].iloc[1]
    assert same is joined
    area = 120.0 if joined else 60.0
    assert got["block_area_mu"].tolist() == pytest.approx([area, area])
    assert got["block_large"].tolist() == [joined, joined]


def test_layers_joined_from_several_files_read_alike_in_both_stages(yuecheng):
    # A district joins its plan and zone files with pd.concat: index labels repeat (0, 0, …).
    # Per plot, as if each layer were one file [越政发〔2022〕24号 附件3 第三条第1项,
    # 第七条第（二）项]:
    #   甲 half in 「计划甲」 (2023) → 列入近年拆迁计划 → cond1 不符合, the reason names
    #      「计划甲（2023年）」
    #   乙 wholly in 马海片区 → scope 不符合
    # (the plan's name printed as a pandas Series, and the 增容 stage raised ValueError).
    parcels = plots(2)
    plans = pd.concat(
        [
            cover(parcels.iloc[[0]], 0.5, plan_name=["计划甲"], plan_year=[2023]),
            cover(parcels.iloc[[1]], 0.05, plan_name=["计划乙"], plan_year=[2023]),
        ]
    )
    zones = pd.concat(
        [
            cover(parcels.iloc[[0]], 0.01, zone_name=["袍江片区"]),
            cover(parcels.iloc[[1]], 1.0, zone_name=["马海片区"]),
        ]
    )
    planning = pd.concat(
        [cover(parcels.iloc[[i]], 1.0, planned_use=["工业用地"]) for i in range(2)]
    )
    assert not plans.index.is_unique
    screened = check_demolition(
        parcels, demolition=plans, profile=yuecheng, as_of=dt.date(2024, 6, 30)
    )
    assert [v.status for v in screened] == [F, U]
    assert "列入近年拆迁计划：计划甲（2023年）" in screened.iloc[0].reason
    inputs = dataclasses.replace(
        zengrong_inputs(yuecheng, parcels, planning=planning, demolition=plans), special_zones=zones
    )
    got = check_parcels(inputs)
    assert got["cond1"].iloc[0] == F
    assert "计划甲（2023年）" in got["cond1_note"].iloc[0]
    assert got["scope"].tolist()[1] == F
