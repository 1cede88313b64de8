"""Hand-worked policy cases at the thresholds: exactly at the number, just above, just below.

Every case is worked out on paper from the clause it cites, before the code is run. Plots are
drawn in EPSG:4549 (CGCS2000 3° GK, 120°E, no zone prefix), 1 km apart so none are
neighbours. The plots are the sizes a person writes down: 18 亩 (12000 m²), 21 亩 (14000 m²),
3 亩 drawn as 30 m × 66.67 m. Their sides are not whole metres, so the area shapely computes
from the corner coordinates is a few 10⁻⁹ m² off the hand figure; a hand-worked value exactly
at a threshold must still read as the threshold (the project's reading: values are compared
rounded to 6 decimals, 「浮点误差不决定结果」, docs/policy.md ``screening.low_efficiency``).

Comparisons follow 《民法典》第1259条: 「以上」「以下」「以内」「不低于」「不超过」 include the
number; 「大于」「低于」「超过」「不足」 do not. 1 亩 = 10000/15 m².
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from landgov.efficiency import Grade, grade_enterprises
from landgov.far import compute_far, far_floors
from landgov.far.zengrong import check_parcels
from landgov.link import link_parcels
from landgov.policy import load_profile
from landgov.screening import (
    check_catalogue,
    check_control_line,
    check_demolition,
    check_idle,
    check_low_efficiency,
    check_planning,
    check_two_high,
    check_under_used,
)
from landgov.units import M2_PER_MU
from landgov.verdict import Status
from tests._hand import (
    AS_OF,
    CRS,
    X0,
    Y0,
    application,
    applications,
    cover,
    enterprises,
    own_share,
    owner_links,
    parcels_of,
    plots,
    rectangle,
    square,
    uscc,
    zengrong_inputs,
)

# =============================================================================================
# 增容 cap: 越政发〔2022〕24号 附件3 第二条 「容积率上限可提高至 2.5」 — 2.5 itself is allowed.


def test_cap_after_exactly_2_5_passes_and_one_hundredth_of_a_m2_more_fails(yuecheng):
    # Plot of 21 亩 = 21 × 666.67 = 14000 m²; 容积率 0.8 → floor area 11200 m².
    #   added 23800 m²:    (11200 + 23800) / 14000 = 35000 / 14000 = 2.5 ≤ 2.5 → 符合
    #   added 23800.01 m²: 35000.01 / 14000 = 2.5000007 > 2.5 → 不符合
    #   added 23799.99 m²: 34999.99 / 14000 = 2.4999993 ≤ 2.5 → 符合
    geoms = [square(21.0, i) for i in range(3)]
    parcels = parcels_of(geoms)
    parcels["floor_area_m2"] = parcels.geometry.area * 0.8
    rows = [
        application(pid, i, added_floor_m2=added)
        for i, (pid, added) in enumerate(
            zip(parcels["parcel_id"], [23800.0, 23800.01, 23799.99], strict=True)
        )
    ]
    got = applications(yuecheng, parcels, rows)
    assert got["cap"].tolist() == [Status.PASS, Status.FAIL, Status.PASS]
    assert "实施后容积率 2.50 ≤ 上限 2.5" in got["cap_note"].iloc[0]
    assert "越政发〔2022〕24号 附件3 第二条" in got["cap_note"].iloc[0]
    # the reason never reads 「2.50 > 上限 2.5」: as many decimals as tell the two apart
    assert "实施后容积率 2.500001 > 上限 2.5" in got["cap_note"].iloc[1]
    assert "实施后容积率 2.499999 ≤ 上限 2.5" in got["cap_note"].iloc[2]


def test_an_application_adding_zero_floor_area_is_to_verify(yuecheng):
    # [附件3 二] judges the 容积率 after the project. An application whose 新增建筑面积 is 0
    # (a blank cell saved as 0, as Excel exports do) would pass the cap on today's 容积率 0.8:
    # a pass on no data. It is 待核实, naming the field; 1 m² added is judged as usual.
    parcels = plots(2)
    rows = [
        application(pid, i, added_floor_m2=added)
        for i, (pid, added) in enumerate(zip(parcels["parcel_id"], [0.0, 1.0], strict=True))
    ]
    got = applications(yuecheng, parcels, rows)
    assert got["cap"].tolist() == [Status.UNKNOWN, Status.PASS]
    assert "新增建筑面积填为 0" in got["cap_note"].iloc[0]


def test_screened_plot_at_exactly_2_5_has_no_headroom(yuecheng):
    # [附件3 二] on a plot without an application: room to add only below 2.5.
    # 18 亩 = 12000 m².
    #   30000 m²    → 30000 / 12000 = 2.5: at the cap → 无增容空间 (不符合), headroom 0
    #   29999.99 m² → 2.4999992 < 2.5 → 有增容空间 (符合), headroom 2.5 × 12000 − 29999.99 = 0.01
    #   18000 m²    → 1.5: 「一般不低于1.5」 [浙政发〔2023〕4号 第二条第（一）项第1目] is reached
    parcels = parcels_of([square(18.0, i) for i in range(3)])
    parcels["floor_area_m2"] = [30000.0, 29999.99, 18000.0]
    got = check_parcels(zengrong_inputs(yuecheng, parcels))
    assert got["cap"].tolist() == [Status.FAIL, Status.PASS, Status.PASS]
    assert "无增容空间" in got["cap_note"].iloc[0]
    assert "现状容积率 2.499999 < 上限 2.5" in got["cap_note"].iloc[1]
    assert got["headroom_m2"].iloc[0] == 0.0
    assert "已达到或超过上限 2.5" in got["headroom_reason"].iloc[0]
    assert got["headroom_m2"].iloc[1] == pytest.approx(0.01, abs=1e-6)
    assert "已达到 1.5 的目标" in got["headroom_reason"].iloc[2]


# =============================================================================================
# National floor (用而未尽) and 建筑系数: 《工业项目建设用地控制指标》（国土资发〔2008〕24号）.


def test_far_exactly_at_the_national_floor_is_not_below_in_either_stage(yuecheng):
    # 2017 code 3311 → 2002 division 34, floor 0.7 (表2). Screening reads 用而未尽 as strictly
    # below the floor (profile comparison "<"); the 增容 sheet's 低于国家最低容积率 must agree.
    # 18 亩 = 12000 m²:
    #   8400 m²    → 0.7 = floor → not below (screening 符合, below_floor False)
    #   8399.99 m² → 0.6999992 < 0.7 → below in both
    parcels = parcels_of([square(18.0, i) for i in range(2)])
    parcels["floor_area_m2"] = [8400.0, 8399.99]
    far = compute_far(parcels, profile=yuecheng)
    industry = pd.DataFrame(
        {"industry_code": ["3311"] * 2, "industry_edition": ["2017"] * 2}, index=parcels.index
    )
    floors = far_floors(far["far_minimum"], industry, profile=yuecheng)
    assert floors["far_floor"].tolist() == [0.7, 0.7]
    assert floors["below_floor"].tolist() == [False, True]
    screened = parcels.assign(area_m2=parcels.geometry.area, main_uscc=[uscc(0), uscc(1)])
    verdicts = check_under_used(screened, enterprises=enterprises(2), profile=yuecheng)
    assert [v.status for v in verdicts] == [Status.PASS, Status.FAIL]
    # the 增容 stage's frame carries the same answer
    zengrong = check_parcels(zengrong_inputs(yuecheng, parcels))
    assert zengrong["below_floor"].tolist() == [False, True]


def test_building_coverage_exactly_30_percent_is_not_below(yuecheng):
    # 建筑系数 「不得低于30%」 (国土资发〔2008〕24号 四(三)): 30 % itself meets it.
    # 18 亩 = 12000 m²; one two-storey building 60 m × 60 m = 3600 m² → 3600 / 12000 = 30 %.
    # A 59.99 m × 60 m building: 3599.4 / 12000 = 29.995 % → below.
    parcels = parcels_of([square(18.0, i) for i in range(2)])
    buildings = gpd.GeoDataFrame(
        {"parcel_id": parcels["parcel_id"], "storeys": [2, 2], "storey_height_m": [5.0, 5.0]},
        geometry=[
            shapely.box(X0 + 10, Y0 + 10, X0 + 70, Y0 + 70),
            shapely.box(X0 + 1010, Y0 + 10, X0 + 1069.99, Y0 + 70),
        ],
        crs=CRS,
    )
    far = compute_far(parcels, profile=yuecheng, buildings=buildings)
    assert far["building_coverage"].tolist() == pytest.approx([0.3, 0.29995])
    assert far["below_coverage_min"].tolist() == [False, True]


# =============================================================================================
# 亩均评价: 虞政发〔2022〕12号 第三条第（二）项第1目 「实际用地3亩以上的规下制造业企业」.


def test_below_scale_firm_on_exactly_3_mu_is_evaluated_and_in_focus(shangyu):
    # 3 亩 = 2000 m², drawn as 30 m × 66.67 m (2000 / 30). 「3亩以上」 includes 3: the 规下 firm
    # on it is evaluated (亩均评价) and is in the screening focus; the two stages agree.
    # A 30 m × 66.6 m plot is 1998 m² = 2.997 亩 < 3: neither evaluated nor in focus.
    parcels = parcels_of([rectangle(30.0, 2000.0 / 30.0, 0), rectangle(30.0, 66.6, 1)])
    ents = pd.DataFrame(
        {
            "uscc": [uscc(0), uscc(1)],
            "name": ["甲", "乙"],
            "above_scale": [False, False],
            "tax_wan": [3.0, 3.0],
            "power_10k_kwh": [100.0, 100.0],
            "industry_code": "3311",  # 制造业 (门类 C): only 制造业 firms are evaluated
        }
    )
    linked = link_parcels(parcels, ents, owner_links(parcels), profile=shangyu)
    graded = grade_enterprises(linked.enterprises, profile=shangyu).data
    assert graded["evaluated"].tolist() == [True, False]
    assert "不足 3 亩" in graded["evaluation_note"].iloc[1]
    pairs = owner_links(parcels)
    low = check_low_efficiency(
        linked.parcels, enterprises=linked.enterprises, pairs=pairs, profile=shangyu
    )
    assert [v.values["in_focus"] for v in low] == [True, False]


def _threshold_profile(folder: Path):
    """yuecheng-2022 graded by score thresholds (A ≥ 120, B ≥ 90, C ≥ 60) on mean benchmarks."""

    def p(key: str, value: str) -> str:
        return f'{key} = {{ value = {value}, official = false, source = "测试" }}\n'

    path = folder / "threshold.toml"
    path.write_text(
        '[profile]\nname = "threshold"\nversion = "1"\ntitle = "测试"\nextends = "yuecheng-2022"\n'
        + "[scoring]\n"
        + p("benchmark_mode", '"mean"')
        + "[grading]\n"
        + p("method", '"threshold"')
        + p("score_thresholds", "{ A = 120.0, B = 90.0, C = 60.0 }"),
        encoding="utf-8",
    )
    return load_profile(path)


@pytest.mark.parametrize(
    ("taxes", "second_score", "second_grade"),
    [
        # 规下 firms on 5 亩 with 10 万kWh each; benchmark = mean; weights (规下) 亩均税收 50,
        # 单位电耗税收 50.
        # taxes 2.2 and 3.3 万元: 亩均税收 0.44, 0.66 (mean 0.55); 单位电耗税收 0.22, 0.33
        # (mean 0.275). Second firm: 50 × 0.66/0.55 + 50 × 0.33/0.275 = 60 + 60 = 120 → A.
        ((2.2, 3.3), 120.0, Grade.A),
        # taxes 1.1 and 0.9: mean 亩均 0.2, 电耗 0.1; second 50 × 0.9 + 50 × 0.9 = 90 → B.
        ((1.1, 0.9), 90.0, Grade.B),
        # taxes 2.1 and 0.9: mean 亩均 0.3, 电耗 0.15; second 50 × 0.6 + 50 × 0.6 = 60 → C.
        ((2.1, 0.9), 60.0, Grade.C),
    ],
)
def test_score_thresholds_include_the_score_itself(
    tmp_path: Path, taxes, second_score, second_grade
):
    # grading.score_thresholds: 「得分 ≥ 120 为 A，≥ 90 为 B，≥ 60 为 C」 (project default).
    profile = _threshold_profile(tmp_path)
    rows = pd.DataFrame(
        [
            {
                "uscc": uscc(i),
                "above_scale": False,
                "land_mu": 5.0,
                "tax_wan": t,
                "power_10k_kwh": 10.0,
                "industry_code": "3311",  # 制造业 (门类 C): only 制造业 firms are evaluated
            }
            for i, t in enumerate(taxes)
        ]
    )
    got = grade_enterprises(rows, profile=profile).data
    assert got["score"].iloc[1] == pytest.approx(second_score)
    assert got["grade"].iloc[1] == second_grade


# =============================================================================================
# Land thresholds that are already read right: pinned at the number, above and below.


def test_idle_reaches_one_and_two_full_years_on_the_day(shangyu):
    # 《闲置土地处置办法》第二条 「超过…约定…动工开发日期满一年未动工开发的」; 第十四条 满两年可无偿
    # 收回. 「满」 includes the anniversary itself. as_of 2024-03-15, nothing built:
    #   contract 2023-03-15 → 1 full year on the day   → idle (不符合), not recoverable
    #   contract 2023-03-16 → 11 months                → not yet idle (符合)
    #   contract 2022-03-15 → 2 full years on the day  → idle and recoverable
    #   contract 2022-03-16 → 1 year 11 months         → idle, not recoverable
    starts = ["2023-03-15", "2023-03-16", "2022-03-15", "2022-03-16"]
    parcels = parcels_of(
        [square(10.0, i) for i in range(4)],
        contract_start_date=starts,
        completion_date=[None] * 4,
        floor_area_m2=0.0,
        buildings_cover=True,  # a buildings layer over the plots shows none
        n_buildings=0,
    )
    got = check_idle(parcels, profile=shangyu, as_of="2024-03-15")
    assert [v.status for v in got] == [Status.FAIL, Status.PASS, Status.FAIL, Status.FAIL]
    assert [v.values.get("recoverable") for v in got] == [False, None, True, False]


def test_exactly_half_planned_non_industrial_fails_in_both_stages(yuecheng):
    # screening.planning_nonindustrial_share = 0.5, 「一半以上（含）」 (">="), 越政发〔2022〕24号
    # 第七条第19项; the 增容 scope (附件3 第一条 「应符合国土空间规划」) uses the same rule.
    # 21-亩 plots: western 50 % 商业用地, the rest 工业用地 → 0.5 ≥ 0.5 → 不符合 in both;
    # western 49 % 商业用地 → 0.49 < 0.5 (the rest industrial, fully covered). The 0.5 is 示例规则
    # （非官方）(the clause sets no share), which never makes a 符合 on its own → 待核实 in both;
    # a county that sets 0.5 in its own document gets 符合 in both.
    parcels = plots(2)
    shares = [0.5, 0.49]
    commerce = pd.concat(
        [cover(parcels.iloc[[i]], s, planned_use=["商业用地"]) for i, s in enumerate(shares)]
    )
    rest = []
    for geom, s in zip(parcels.geometry, shares, strict=True):
        x0, y0, x1, y1 = geom.bounds
        rest.append(shapely.box(x0 + (x1 - x0) * s, y0, x1, y1))
    planning = gpd.GeoDataFrame(
        {
            "planned_use": ["商业用地", "商业用地", "工业用地", "工业用地"],
            "inside_control_line": [True] * 4,
        },
        geometry=[*commerce.geometry, *rest],
        crs=CRS,
    )
    for profile, below in ((yuecheng, Status.UNKNOWN), (own_share(yuecheng), Status.PASS)):
        screened = check_planning(parcels, planning=planning, profile=profile)
        assert [v.status for v in screened] == [Status.FAIL, below]
        zengrong = check_parcels(zengrong_inputs(profile, parcels, planning=planning))
        assert zengrong["scope"].tolist() == [Status.FAIL, below]


def test_exactly_half_outside_the_control_line_fails(yuecheng):
    # screening.control_line_outside_share = 0.5, 「一半以上（含）」 (">="), 越政发〔2022〕24号
    # 第七条第19项 「落实工业用地控制线管理要求」. Western 50 % outside → 不符合; 49 % → 待核实
    # on the example share (示例规则（非官方）), 符合 on a county's own 0.5.
    parcels = parcels_of([square(21.0, i) for i in range(2)])
    geoms, inside = [], []
    for geom, s in zip(parcels.geometry, [0.5, 0.49], strict=True):
        x0, y0, x1, y1 = geom.bounds
        cut = x0 + (x1 - x0) * s
        geoms += [shapely.box(x0, y0, cut, y1), shapely.box(cut, y0, x1, y1)]
        inside += ["否", "是"]
    layer = gpd.GeoDataFrame(
        {"planned_use": ["工业用地"] * 4, "inside_control_line": inside}, geometry=geoms, crs=CRS
    )
    got = check_control_line(parcels, planning=layer, profile=yuecheng)
    assert [v.status for v in got] == [Status.FAIL, Status.UNKNOWN]
    own = own_share(yuecheng, "screening.control_line_outside_share")
    got = check_control_line(parcels, planning=layer, profile=own)
    assert [v.status for v in got] == [Status.FAIL, Status.PASS]


def test_demolition_plan_exactly_three_years_back_is_recent_in_both_stages(yuecheng):
    # overlay.demolition_window_years = 3, "<=" (「近年」, project default): as_of 2024 →
    # a 2021 plan is 3 years back → recent → half the plot inside → 不符合 in both stages;
    # a 2020 plan is 4 years back → outside the window → 待核实 (not evidence either way).
    for year, status in ((2021, Status.FAIL), (2020, Status.UNKNOWN)):
        parcels = parcels_of([square(21.0)])
        parcels["floor_area_m2"] = parcels.geometry.area * 0.8
        plan = cover(parcels, 0.5, plan_name=["旧城改造"], plan_year=[year])
        screened = check_demolition(parcels, demolition=plan, profile=yuecheng, as_of=AS_OF)
        assert screened.iloc[0].status == status, year
        apps = [application(parcels["parcel_id"].iloc[0])]
        got = applications(yuecheng, parcels, apps, demolition=plan).iloc[0]
        assert got["cond1"] == status, year


def test_fifteen_mu_drawn_as_a_rectangle_is_not_more_than_fifteen(yuecheng):
    # 附件3 第三条第1项 「地块用地面积原则上大于 15 亩」: 「大于」 excludes 15. 15 亩 = 10000 m²,
    # drawn as 60 m × 166.67 m (10000 / 60): 不符合. 60 m × 166.7 m = 10002 m² = 15.003 亩: 符合.
    parcels = parcels_of([rectangle(60.0, 10000.0 / 60.0, 0), rectangle(60.0, 166.7, 1)])
    parcels["floor_area_m2"] = parcels.geometry.area * 0.8
    rows = [application(pid, i) for i, pid in enumerate(parcels["parcel_id"])]
    got = applications(yuecheng, parcels, rows)
    assert got["cond1"].tolist() == [Status.FAIL, Status.PASS]
    assert "不大于 15 亩" in got["cond1_note"].iloc[0]


def test_condition_6_at_the_official_control_value_on_a_21_mu_plot(official, yuecheng):
    # 附件3 第三条第6项 (标准地): control values are minima (">="). 21 亩 = 14000 m²; fixed
    # investment 6300 万元 → 6300 / 21 = 300 万元/亩 = 300 → 符合 on an official value; 6299 →
    # 299.95 → 不符合. On the shipped example value (official = false) the same 300 is never a
    # pass: 待核实 [示例规则（非官方）].
    parcels = plots(2)
    rows = [
        application(pid, i, fixed_investment_wan=inv, tax_after_wan=700.0)
        for i, (pid, inv) in enumerate(zip(parcels["parcel_id"], [6300.0, 6299.0], strict=True))
    ]
    # the other indicators pass on the application's figures (142.86 ≥ 120, 2 ≥ 1.5, 300 ≥ 100,
    # 3 % ≥ 2 %, 亩均税收 700 / 21 = 33.33 ≥ 30), so investment decides condition 6
    got = applications(official, parcels, rows)
    assert got["cond6"].tolist() == [Status.PASS, Status.FAIL]
    assert "固定资产投资强度（投资） 299.95 万元/亩" in got["cond6_note"].iloc[1]
    example = applications(yuecheng, parcels, rows)
    assert example["cond6"].tolist() == [Status.UNKNOWN, Status.UNKNOWN]


# =============================================================================================
# Missing data: blank, 「无」「/」「—」 are 待核实 and named; 0 is a number.

MARKERS = ["", "无", "/", "—", None]


@pytest.mark.parametrize("marker", MARKERS)
def test_missing_added_floor_area_or_investment_is_unknown(official, marker):
    # The cap needs 新增建筑面积 [附件3 二]; condition 6 needs 固定资产投资 [附件3 三.6].
    parcels = plots(2)
    rows = [
        application(parcels["parcel_id"].iloc[0], 0, added_floor_m2=marker),
        application(parcels["parcel_id"].iloc[1], 1, fixed_investment_wan=marker),
    ]
    got = applications(official, parcels, rows)
    assert got["cap"].iloc[0] == Status.UNKNOWN
    assert "新增建筑面积" in got["missing"].iloc[0]
    assert got["cond6"].iloc[1] == Status.UNKNOWN
    assert "固定资产投资" in got["missing"].iloc[1]


@pytest.mark.parametrize("marker", MARKERS)
def test_missing_tax_is_unknown_and_zero_tax_is_low(shangyu, marker):
    # 虞政发〔2022〕12号 第三条第（一）项第1目: 亩均税收 5 万元以下 → 低效. A missing tax is
    # 待核实 naming tax; a tax of 0 万元 is a figure: 0 ≤ 5 → 低效 (不符合).
    parcels = parcels_of([square(10.0, i) for i in range(2)], tax_wan=[marker, 0.0])
    parcels["area_m2"] = parcels.geometry.area
    parcels["area_mu"] = parcels["area_m2"] / M2_PER_MU
    ents = pd.DataFrame({"uscc": [uscc(0), uscc(1)], "above_scale": True, "land_mu": 10.0})
    unknown, low = check_low_efficiency(
        parcels, enterprises=ents, pairs=owner_links(parcels), profile=shangyu
    )
    assert unknown.status is Status.UNKNOWN
    assert any("tax" in m for m in unknown.missing)
    assert low.status is Status.FAIL


# =============================================================================================
# Dates: one parser (core.dates.read_date) in every stage. An Excel serial number is a date;
# 0 (an empty Excel cell saved as a number) is no date — never 1970-01-01.


def test_idle_reads_excel_serials_and_chinese_dates_and_zero_is_unknown(shangyu):
    # 《闲置土地处置办法》第二条 (screening.idle_years = 1, ">="). as_of 2024-03-15, nothing built:
    #   45000 = Excel serial of 2023-03-15 → 1 full year on the day → idle (不符合)
    #   「2023年3月16日」                   → 11 months → not idle (符合)
    #   0                                  → no contracted date → 待核实 naming it
    #   (pandas alone read 45000 and 0 as 1970-01-01: idle 54 years, 可无偿收回)
    parcels = parcels_of(
        [square(10.0, i) for i in range(3)],
        contract_start_date=[45000, "2023年3月16日", 0],
        completion_date=[None] * 3,
        floor_area_m2=0.0,
        buildings_cover=True,  # a buildings layer over the plots shows none
        n_buildings=0,
    )
    got = check_idle(parcels, profile=shangyu, as_of="2024-03-15")
    assert [v.status for v in got] == [Status.FAIL, Status.PASS, Status.UNKNOWN]
    assert got.iloc[0].values["idle_years"] == 1
    assert got.iloc[0].values["recoverable"] is False
    assert any("contract_start_date" in m for m in got.iloc[2].missing)


def test_application_date_as_excel_serial_chinese_text_or_zero(official):
    # 附件3 第七条第（一）项 「本政策自 2022 年 11 月 1 日起执行」 (">=", the day included):
    #   44866 = Excel serial of 2022-11-01 → 符合;  「2022年10月31日」 → 不符合;
    #   0 → 申请日期 unknown → 待核实 naming 申请日期 (it was 1970-01-01 → 不符合).
    parcels = plots(3)
    days = [44866, "2022年10月31日", 0]
    rows = [
        application(pid, i, application_date=d)
        for i, (pid, d) in enumerate(zip(parcels["parcel_id"], days, strict=True))
    ]
    got = applications(official, parcels, rows)
    assert got["scope"].tolist() == [Status.PASS, Status.FAIL, Status.UNKNOWN]
    assert "申请日期" in got["missing"].iloc[2]


def test_application_date_written_as_a_month_or_a_quarter(official):
    # 附件3 第七条第（一）项 「本政策自 2022 年 11 月 1 日起执行」 (">=", the day included), the
    # 申请日期 as a month or a period is all of it:
    #   「2022年11月」 → every day of it from 11-01 → 符合
    #   「2022年10月」 → every day before 11-01 → 不符合
    #   「2022年第四季度」 → 10-01～12-31: October before, November after → 待核实, naming the span
    # Before, a period was read as its first day, and the quarter was 不符合 on that guess.
    parcels = plots(3)
    days = ["2022年11月", "2022年10月", "2022年第四季度"]
    rows = [
        application(pid, i, application_date=d)
        for i, (pid, d) in enumerate(zip(parcels["parcel_id"], days, strict=True))
    ]
    got = applications(official, parcels, rows)
    assert got["scope"].tolist() == [Status.PASS, Status.FAIL, Status.UNKNOWN]
    assert (
        "申请日期 2022-10-01～2022-10-31 早于本意见施行日 2022-11-01" in got["scope_note"].iloc[1]
    )
    said = "申请日期只写到 2022-10-01～2022-12-31，无法判断是否在本意见执行期内（2022-11-01 起）"
    assert said in got["scope_note"].iloc[2]
    assert "申请表：申请日期（写到日）" in got["missing"].iloc[2]


def test_two_high_built_year_read_as_a_year_field(shangyu):
    # 虞政发〔2022〕12号 第三条第（二）项第2目 「2018年以来建设的年综合能耗1000吨标准煤以上（含）的
    # “两高”项目、2018年以前建设的年综合能耗5000吨标准煤以上（含）的用能项目，逐一评估检查」.
    # 1500 吨标准煤 lies between the two thresholds, so the year decides:
    #   「2018年」 → 2018年以来, 1500 ≥ 1000 → 需评估 (待核实, assessment named)
    #   「2017年12月」 → 2018年以前, 1500 < 5000 → 符合
    #   0, 「/」 → no year → 待核实 naming built_year (0 was read as the year 0 → 符合)
    years = ["2018年", "2017年12月", 0, "/"]
    n = len(years)
    parcels = parcels_of([square(10.0, i) for i in range(n)])
    ents = pd.DataFrame(
        {"uscc": [uscc(i) for i in range(n)], "energy_tce": 1500.0, "built_year": years}
    )
    got = check_two_high(parcels, enterprises=ents, pairs=owner_links(parcels), profile=shangyu)
    U, P = Status.UNKNOWN, Status.PASS
    assert [v.status for v in got] == [U, P, U, U]
    assert any("two_high_assessment" in m for m in got.iloc[0].missing)
    assert "2018年以来建设的“两高”项目" in got.iloc[0].reason
    assert any("built_year" in m for m in got.iloc[2].missing)
    assert any("built_year" in m for m in got.iloc[3].missing)


def test_yes_no_answers_of_conditions_7_and_8_read_as_the_reader_reads_them(official):
    # 附件3 第三条第8项 「涉及原建筑结构发生变化类项目，需出具建筑结构安全鉴定报告」: 是否改变原建筑
    # 结构 「否」 → no report needed → 符合; 「是」 without a report → 待承诺; blank → 待核实.
    # 第三条第7项 (书面承诺): 已签承诺 「是」 → 符合, 「否」 → 待承诺. The application reader turns
    # these answers into True/False with parse_yes_no; check_applications on a raw table must
    # read them the same way (「否」 was read as a structural change: 待承诺).
    answers = [("否", "是"), ("是", "否"), (None, "是")]
    parcels = plots(len(answers))
    rows = [
        application(pid, i, changes_structure=change, commitment_signed=signed)
        for i, (pid, (change, signed)) in enumerate(zip(parcels["parcel_id"], answers, strict=True))
    ]
    got = applications(official, parcels, rows)
    assert got["cond8"].tolist() == [Status.PASS, Status.PENDING, Status.UNKNOWN]
    assert "不改变原建筑结构" in got["cond8_note"].iloc[0]
    assert got["cond7"].tolist() == [Status.PASS, Status.PENDING, Status.PASS]


# =============================================================================================
# Round 5: cases worked by hand where landgov disagreed before the fix.


def test_catalogue_class_as_staff_write_it_reads_alike_in_screening_and_zengrong(yuecheng):
    # 《产业结构调整指导目录》: screening flags 淘汰类 (screening.catalogue_flag_classes); 增容
    # 三.5 excludes 限制类、淘汰类. An enterprise table says the class as staff type it:
    #   「淘汰」   → 淘汰类 → screening 不符合 (it was 符合 「关联企业均不属 淘汰类」)
    #   「淘汰类 」 (a trailing blank) → 淘汰类 → 不符合 (it was 符合)
    #   「待定」   → no class → 待核实 naming catalogue_class (it was 符合)
    #   「限制类」 → not flagged by the example list (示例规则（非官方）): 待核实, never 符合 on
    #              that list alone (round 12, tests/test_policy_hand_cases12.py)
    # 增容 reads the same texts with CatalogueClass.parse: 「淘汰」 is 淘汰类 there too.
    texts = ["淘汰", "淘汰类 ", "待定", "限制类"]
    parcels = plots(len(texts))
    ents = enterprises(len(texts), catalogue_class=texts)
    got = check_catalogue(parcels, enterprises=ents, pairs=owner_links(parcels), profile=yuecheng)
    F, U = Status.FAIL, Status.UNKNOWN
    assert [v.status for v in got] == [F, F, U, U]
    assert got.iloc[0].values["classes"] == ((uscc(0), "淘汰类"),)
    assert any("catalogue_class" in m and "待定" in m for m in got.iloc[2].missing)
    # the 增容 check of the same plots (no project class: the enterprise's, 待核实) agrees
    inputs = dataclasses.replace(zengrong_inputs(yuecheng, parcels), enterprises=ents)
    zengrong = check_parcels(inputs)
    assert "淘汰类（限制/淘汰类）" in zengrong["cond5_note"].iloc[0]
    assert "淘汰类（限制/淘汰类）" in zengrong["cond5_note"].iloc[1]
    # and the 四个一批 term catalogue:淘汰类 (R1 关停退出) sees the class
    terms = [v.values["classes"] for v in got]
    assert [any(c == "淘汰类" for _, c in t) for t in terms] == [True, True, False, False]


def test_condition_6_is_not_rounded_up_to_the_control_value(official):
    # 附件3 第三条第6项 (标准地): control values are minima, reached at the value itself (">=").
    # 21 亩 = 14000 m²; figures one hair below each control value:
    #   固定资产投资 6299.9 万元 / 21 亩 = 299.995 万元/亩 < 300   → 不符合
    #   研发经费占比 1.996 % < 2 %                                  → 不符合
    #   达产后年税收 629.9 万元 / 21 亩 = 29.995 万元/亩 < 30       → 不符合
    # (landgov rounded each figure to 0.01 first: 300.00, 2.00, 30.00 → 「达到」, 符合.)
    # 6300 / 21 = 300 exactly stays 符合 (float noise is no hair: measured to 6 decimals).
    parcels = plots(4)
    pid = parcels["parcel_id"].tolist()
    rows = [
        application(pid[0], 0, fixed_investment_wan=6299.9, tax_after_wan=700.0),
        application(pid[1], 1, rd_ratio_pct=1.996, tax_after_wan=700.0),
        application(pid[2], 2, tax_after_wan=629.9),
        application(pid[3], 3, fixed_investment_wan=6300.0, tax_after_wan=630.0),
    ]
    got = applications(official, parcels, rows)
    F, P = Status.FAIL, Status.PASS
    assert got["cond6"].tolist() == [F, F, F, P]
    assert "固定资产投资强度（投资） 299.995238 万元/亩" in got["cond6_note"].iloc[0]
    assert "研发经费占营业收入比例（研发投入） 1.996 %" in got["cond6_note"].iloc[1]
    assert "亩均税收（亩均产出） 29.995238 万元/亩" in got["cond6_note"].iloc[2]
    assert "未达到" in got["cond6_note"].iloc[2]


def test_collective_land_is_outside_the_opinion_whatever_its_right_type(official):
    # 附件3 第一条 「取得国有出让建设用地使用权的存量工业用地」. The 宗地代码's 特征码 (GB/T 37346,
    # 7th–8th characters after the 12-digit 地籍子区) names the owner first: G 国家, J 集体,
    # Z 所有权未确定. 权利性质 「出让」 on a J plot (集体经营性建设用地出让) is not 国有出让:
    #   330602001001GB00001 出让 → 符合
    #   330602001001JB00001 出让 → 不符合 (集体土地)   (it was 符合 「国有出让建设用地」)
    #   330602001001ZB00001 出让 → 待核实 (所有权未确定) (it was 符合)
    codes = ["330602001001GB00001", "330602001001JB00001", "330602001001ZB00001"]
    parcels = plots(3, parcel_id=codes)
    rows = [application(pid, i) for i, pid in enumerate(codes)]
    got = applications(official, parcels, rows)
    assert got["scope"].tolist() == [Status.PASS, Status.FAIL, Status.UNKNOWN]
    assert "集体" in got["scope_note"].iloc[1]
    assert got["zengrong"].iloc[1] == "不可申报"
    screened = check_parcels(zengrong_inputs(official, parcels))
    assert screened["scope"].tolist() == [Status.PASS, Status.FAIL, Status.UNKNOWN]


def test_area_just_over_15_mu_never_reads_15_00_greater_than_15(yuecheng):
    # 附件3 第三条第1项 「原则上大于 15 亩」: 60 m × 166.7 m = 10002 m² = 15.003 亩 > 15 → 符合.
    # The reason said 「用地 15.00 亩大于 15 亩」, which reads as false; it shows as many decimals
    # as tell the two apart. 15 亩 exactly reads 「15.00 亩不大于 15 亩」.
    parcels = parcels_of([rectangle(60.0, 166.7, 0), rectangle(60.0, 10000.0 / 60.0, 1)])
    parcels["floor_area_m2"] = parcels.geometry.area * 0.8
    rows = [application(pid, i) for i, pid in enumerate(parcels["parcel_id"])]
    got = applications(yuecheng, parcels, rows)
    assert got["cond1"].tolist() == [Status.PASS, Status.FAIL]
    assert "用地 15.003 亩大于 15 亩" in got["cond1_note"].iloc[0]
    assert "用地 15.00 亩不大于 15 亩" in got["cond1_note"].iloc[1]


@pytest.mark.parametrize(
    ("year", "status"),
    [
        ("2022年", Status.FAIL),
        ("二〇二一年", Status.FAIL),
        ("2022-06", Status.FAIL),
        (0, Status.UNKNOWN),
    ],
)
def test_demolition_plan_year_read_as_a_year_field_in_both_stages(yuecheng, year, status):
    # 附件3 第三条第1项 「未列入近年拆迁计划」; 「近年」 = within 3 years of the as-of year
    # (overlay.demolition_window_years, "<="). as_of 2024-06-30, half of a 21-亩 plot in the plan
    # (≥ 10 %): a plan year written 「2022年」, 「二〇二一年」 or 「2022-06」 is 2022 / 2021 →
    # 2 or 3 years back → recent → 不符合 in both stages (it was 「无年份」 → 待核实: the
    # overlay read the year with pd.to_numeric, not the one year parser core.dates.read_year).
    # 0 (a blank Excel cell) is no year → 待核实 (it was read as the year 0, 「超出窗口」).
    parcels = parcels_of([square(21.0)])
    parcels["floor_area_m2"] = parcels.geometry.area * 0.8
    plan = cover(parcels, 0.5, plan_name=["旧城改造"], plan_year=[year])
    screened = check_demolition(parcels, demolition=plan, profile=yuecheng, as_of=AS_OF).iloc[0]
    assert screened.status == status
    apps = [application(parcels["parcel_id"].iloc[0])]
    got = applications(yuecheng, parcels, apps, demolition=plan).iloc[0]
    assert got["cond1"] == status
    if status is Status.UNKNOWN:
        assert "无年份" in screened.reason


def test_scale_written_as_text_reads_alike_in_screening_and_grading(shangyu):
    # 虞政发〔2022〕12号 第三条第（二）项第1目 「以规上制造业企业、实际用地3亩以上的规下制造业企业为
    # 重点」. Four firms, each alone on a 2-亩 plot (2 < 3), 规上/规下 given as the table has it:
    #   「否」, 「规下」 → 规下 on 2 亩 → outside the focus, not evaluated (亩均评价)
    #   「」 (blank)    → not known → focus None (待核实 of the focus) and not evaluated,
    #                    「规上/规下未知」 in both stages
    #   True            → 规上 → in focus (evaluated with the 规上 indicators, which it lacks)
    # (bool(「否」) and bool(「规下」) are True: both stages read them as 规上; the blank was 规下
    # in grading and unknown in screening.)
    flags = ["否", "规下", "", True]
    n = len(flags)
    parcels = parcels_of([square(2.0, i) for i in range(n)])
    parcels["area_m2"] = parcels.geometry.area
    parcels["tax_wan"] = 1.0
    ents = pd.DataFrame(
        {
            "uscc": [uscc(i) for i in range(n)],
            "above_scale": flags,
            "land_mu": 2.0,
            "tax_wan": 1.0,
            "power_10k_kwh": 10.0,
            "industry_code": "3311",  # 制造业 (门类 C): only 制造业 firms are evaluated
        }
    )
    low = check_low_efficiency(
        parcels, enterprises=ents, pairs=owner_links(parcels), profile=shangyu
    )
    assert [v.values["in_focus"] for v in low] == [False, False, None, True]
    graded = grade_enterprises(ents, profile=shangyu).data
    notes = graded["evaluation_note"].tolist()
    assert graded["evaluated"].tolist() == [False] * n  # the 规上 firm lacks 规上 indicators
    assert "规下企业用地不足 3 亩" in notes[0] and "规下企业用地不足 3 亩" in notes[1]
    assert "规上/规下未知" in notes[2]
    assert "不足 3 亩" not in notes[3] and "未知" not in notes[3]
