"""Hand-worked policy cases, round 11: one plot, one answer in screening and in 增容.

The screening (底数清单/治理清单, 四个一批) and the 增容 review (越政发〔2022〕24号 附件3, 初审表)
read the same plot; where they read the same fact they must read it by the same rule. Each case
below takes one plot, works out by hand what each stage must say from the clause it cites, and
checks both stages say it.

Plots are the hand plots of :mod:`tests._hand` (EPSG:4549, 1 km apart; 1 亩 = 10000/15 m², so
21 亩 = 14000 m²; firm ``i`` owns plot ``i``). The reference date is 2024-06-30.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from landgov.core.plausible import check_values
from landgov.far import compute_far
from landgov.far.zengrong import check_applications, check_parcels
from landgov.screening import check_demolition, check_idle, check_under_used, check_violations
from tests._hand import (
    AS_OF,
    CRS,
    NO,
    X0,
    Y0,
    F,
    P,
    U,
    application,
    bare_survey,
    enterprises,
    firms,
    owner_links,
    parcels_of,
    plots,
    rectangle,
    screen_plots,
    uscc,
    violation_records,
    zengrong_inputs,
)

# =============================================================================================
# Which records stand on a plot. The screening's 违法违规 check [虞政发〔2022〕12号 第三条第（一）项
# 第1目 「存在…各类违法违规问题的企业用地」] and 增容 三.1 「无严重违建」 [越政发〔2022〕24号 附件3
# 第三条第1项] both ask what stands on the plot: a record filed on it (its 宗地代码 in the layer),
# or a record filed on no plot of the layer (no 宗地代码, or one the layer does not have) of an
# enterprise on the plot — owner or tenant (地企关联). 三.3 「申请企业 1 年内无…不良记录」
# [附件3 第三条第3项] asks of the applicant only.
#
# Plot 0 (21 亩) is owned by firm 0 (the applicant) and rented in part by firm 5 (a tenant).


def _tenant_links(parcels) -> pd.DataFrame:
    pid = parcels["parcel_id"].iloc[0]
    tenant = pd.DataFrame({"parcel_id": [pid], "uscc": [uscc(5)], "relation": ["tenant"]})
    return pd.concat([owner_links(parcels), tenant], ignore_index=True)


def _building(**over) -> dict:
    """A 重大 违法建设 of 2024-03-01, not rectified (「严重」 under every reading of 三.1)."""
    return {"category": "违法建设", "severity": "重大", "record_date": dt.date(2024, 3, 1)} | over


def _value(rows: pd.DataFrame, rule: str, name: str) -> list:
    """The value ``name`` of the verdict ``rule`` on each row (``verdicts``)."""
    return [next(v.values.get(name) for v in vs if v.rule_id == rule) for vs in rows["verdicts"]]


def _both(profile, parcels, records: pd.DataFrame, links: pd.DataFrame):
    """(screening 违法违规 verdict, 增容审查 row of firm 0's application) of plot 0."""
    screened = check_violations(
        parcels, compliance=records, pairs=links, profile=profile, as_of=AS_OF
    ).iloc[0]
    inputs = dataclasses.replace(
        zengrong_inputs(profile, parcels),
        compliance=records,
        links=links,
        enterprises=enterprises(6),
    )
    app = pd.DataFrame([application(parcels["parcel_id"].iloc[0])])
    return screened, check_applications(app, inputs).iloc[0]


def test_tenant_serious_building_without_a_code_fails_3_1_as_the_screening_lists_it(yuecheng):
    """The tenant (firm 5) has a 重大 违法建设 of 2024-03-01, 未整改, with no 宗地代码.

    By hand: the record stands on every plot of firm 5, i.e. plot 0. Screening: an unrectified
    违法违规 record on the plot → 不符合 (治理清单). 增容 三.1: an unrectified serious 违法建设
    on the plot → 不符合; 三.3: the applicant (firm 0) has no record → 符合. Was: 三.1 符合
    (「无严重违法建设记录」) while the screening listed the same plot for that record.
    """
    parcels = plots(1, mu=21.0)
    links = _tenant_links(parcels)
    records = violation_records([_building(uscc=uscc(5))])
    screened, row = _both(yuecheng, parcels, records, links)
    assert screened.status is F
    assert row["cond1"] == F, row["cond1_note"]
    assert "违法建设（重大，2024-03-01，未整改）" in row["cond1_note"]
    assert row["cond3"] == P, row["cond3_note"]
    assert row["zengrong"] == NO


def test_record_on_a_code_not_in_the_layer_stands_on_the_firms_plot_in_both(yuecheng):
    """The applicant (firm 0) has a 重大 违法建设 of 2024-03-01, 未整改, filed on
    330602001001GB99999, a code the parcel layer does not have (mistyped, or a plot since split).

    By hand: a record whose 宗地代码 the layer lacks stands on the plots of its enterprise
    (the run says so: 「已按统一社会信用代码…关联到该企业的宗地」): plot 0. Screening → 不符合;
    三.1 → 不符合; 三.3 (the applicant's record, within [2023-06-30, 2024-06-30]) → 不符合.
    Was: 三.1 符合.
    """
    parcels = plots(1, mu=21.0)
    records = violation_records([_building(uscc=uscc(0), parcel_id="330602001001GB99999")])
    screened, row = _both(yuecheng, parcels, records, owner_links(parcels))
    assert screened.status is F
    assert row["cond1"] == F, row["cond1_note"]
    assert row["cond3"] == F, row["cond3_note"]


def test_record_filed_on_the_firms_other_plot_stays_there_in_both(yuecheng):
    """Firm 0 owns plots 0 and 1; its 重大 违法建设 is filed on plot 1.

    By hand: the record stands on plot 1 only. Screening: plot 0 符合, plot 1 不符合. 增容 on
    plot 0: 三.1 符合 (nothing stands on plot 0), 三.3 不符合 (the applicant's own record within
    the year, wherever filed); on plot 1: 三.1 不符合.
    """
    parcels = plots(2, mu=21.0)
    links = pd.DataFrame(
        {"parcel_id": parcels["parcel_id"], "uscc": [uscc(0)] * 2, "relation": "owner"}
    )
    records = violation_records([_building(uscc=uscc(0), parcel_id=parcels["parcel_id"].iloc[1])])
    screened = check_violations(
        parcels, compliance=records, pairs=links, profile=yuecheng, as_of=AS_OF
    )
    assert [v.status for v in screened] == [P, F]
    inputs = dataclasses.replace(
        zengrong_inputs(yuecheng, parcels), compliance=records, links=links
    )
    apps = pd.DataFrame([application(pid) for pid in parcels["parcel_id"]])
    rows = check_applications(apps, inputs)
    assert rows["cond1"].tolist() == [P, F]
    assert rows["cond3"].tolist() == [F, F]


def test_plot_screening_for_zengrong_reads_the_tenants_record_too(yuecheng):
    """走访摸排 (every plot screened for 增容, no application) groups plots with equal facts.

    Plots 0 and 1, 21 亩 each, owned by firms 0 and 1; firm 5 rents on plot 0 and has a 重大
    违法建设 with no 宗地代码, 未整改. By hand: 三.1 不符合 on plot 0, 符合 on plot 1 (nothing
    stands on it) — the two plots must not share one verdict. Was: 符合 on both. (三.1's
    临时改变房屋用途 is 待核实 without an application: 三.1 is 不符合 on plot 0, 待核实 on 1.)
    """
    parcels = plots(2, mu=21.0)
    links = _tenant_links(parcels)
    records = violation_records([_building(uscc=uscc(5))])
    inputs = dataclasses.replace(
        zengrong_inputs(yuecheng, parcels),
        compliance=records,
        links=links,
        enterprises=enterprises(6),
    )
    got = check_parcels(inputs)
    assert _value(got, "zengrong.cond1", "未整改严重违建") == [1, 0]
    assert got["cond1"].tolist() == [F, U]  # 三.1's 临时改变房屋用途: 待核实 without an application
    assert "未整改的严重违法建设记录" not in got["cond1_note"].iloc[1]
    screened = check_violations(
        parcels, compliance=records, pairs=links, profile=yuecheng, as_of=AS_OF
    )
    assert [v.status for v in screened] == [F, P]


# =============================================================================================
# Whether a plot has buildings. 供而未用 (闲置: 《闲置土地处置办法》第二条, 满一年未动工开发
# [浙政发〔2023〕4号 第二条第（一）项第1目]), 用而未尽 and the 增容 cap [越政发〔2022〕24号 附件3
# 第二条] all read the plot's floor area; the run measures it once (building records before the
# recorded 建筑面积). A plot whose buildings give it 容积率 0.70 has been built on: it cannot
# be 「未动工」 in the same 底数清单 that judges its 容积率 0.70.


def _built_plot(yuecheng, *, recorded: float | None, storeys: dict):
    """Plot 0: 100 m × 140 m = 14000 m² = 21 亩, contracted start 2022-06-30, no start or
    completion date, recorded 建筑面积 ``recorded``; one building of 70 m × 70 m = 4900 m²
    footprint with ``storeys`` (its fields); firm 0 (3311 → 2002 大类 34, floor 0.7) owns it.
    Returns the plot with the 容积率 the run puts on it, and the 容积率 frame."""
    parcels = parcels_of(
        [rectangle(100.0, 140.0, 0)], contract_start_date=["2022-06-30"], completion_date=[None]
    )
    parcels["floor_area_m2"] = [recorded]
    building = gpd.GeoDataFrame(
        {"parcel_id": parcels["parcel_id"].tolist(), **{k: [v] for k, v in storeys.items()}},
        geometry=[shapely.box(X0 + 1, Y0 + 1, X0 + 71, Y0 + 71)],
        crs=CRS,
    )
    far = compute_far(parcels, profile=yuecheng, buildings=building)
    # as the run does (run.screening._with_far): the one 容积率 both stages read
    screened = parcels.assign(far_minimum=far["far_minimum"], far_source=far["far_source"])
    return screened, far


def test_plot_built_by_its_building_records_is_not_idle_though_recorded_0(yuecheng):
    """Recorded 建筑面积 0 (a stale register), the buildings layer: 2 recorded storeys of
    4900 m² = 9800 m² → 容积率 9800 / 14000 = 0.70 (建筑记录, the best source).

    By hand on 2024-06-30: 2 full years since the contracted start, but 9800 m² stand on the
    plot → started → 供而未用 符合 (not 闲置, not 可无偿收回 → not 关停退出); 用而未尽: 0.70
    is not below the floor 0.7 (「低于」 excludes it) → 符合; 增容 cap: 0.70 < 2.5 → room.
    Was: 闲置 不符合 「满2年未动工…可无偿收回」 beside 容积率 0.70 in the same list.
    """
    parcels, far = _built_plot(
        yuecheng, recorded=0.0, storeys={"storeys": 2, "storey_height_m": 5.0}
    )
    assert far["far"].iloc[0] == pytest.approx(0.70)
    assert far["far_source"].iloc[0] == "建筑记录"
    got = screen_plots(yuecheng, parcels, firms(1))
    idle, under = got.checks["idle"].iloc[0], got.checks["under_used"].iloc[0]
    assert idle.status is P, idle.reason
    assert under.status is P, under.reason
    assert got.parcels["idle_years"].iloc[0] == 0
    assert "闲置" not in got.parcels["flags"].iloc[0]
    room = zengrong_inputs(yuecheng, parcels.drop(columns=["far_minimum", "far_source"]))
    assert check_parcels(room)["cap"].iloc[0] == P


def test_plot_with_buildings_of_unknown_record_is_started_not_unknown(yuecheng):
    """Recorded 建筑面积 blank; the building has a height of 10 m and no storeys: the storeys
    are estimated from the height (建筑高度估算), 容积率 > 0.

    By hand: a building stands on the plot → started → 供而未用 符合. Was: 待核实
    「是否动工不明」 while the same plot had a 容积率 measured from that building.
    """
    parcels, far = _built_plot(yuecheng, recorded=None, storeys={"height_m": 10.0})
    assert far["far_source"].iloc[0] == "建筑高度估算"
    assert far["far"].iloc[0] > 0
    idle = check_idle(parcels, profile=yuecheng, as_of=AS_OF).iloc[0]
    assert idle.status is P, idle.reason


def test_plot_with_no_building_and_recorded_0_stays_idle(yuecheng):
    """No building in a buildings layer that covers the plot, recorded 建筑面积 0, contracted
    start 2022-06-30: by hand 2 full years ≥ 1 → 闲置 (不符合), ≥ 2 → 可无偿收回; 用而未尽
    does not list an unbuilt plot (符合). (The 0 alone, no layer: 待核实, round 18.)"""
    parcels = parcels_of(
        [rectangle(100.0, 140.0, 0)], contract_start_date=["2022-06-30"], completion_date=[None]
    )
    parcels["floor_area_m2"] = [0.0]
    far = compute_far(parcels, profile=yuecheng, buildings=bare_survey(parcels))
    parcels = parcels.assign(
        far_minimum=far["far_minimum"],
        far_source=far["far_source"],
        buildings_cover=far["buildings_cover"],
        n_buildings=far["n_buildings"],
    )
    idle = check_idle(parcels, profile=yuecheng, as_of=AS_OF).iloc[0]
    assert idle.status is F and idle.values["recoverable"] is True
    assert check_under_used(parcels, enterprises=firms(1), profile=yuecheng).iloc[0].status is P


def _unbuilt(n: int = 1, **over):
    """``n`` plots of 21 亩 (14000 m²), contracted start 2022-06-30, no start or completion
    date, recorded 建筑面积 0 (登记建筑面积), no building."""
    parcels = plots(n, mu=21.0, far=0.0, contract_start_date=["2022-06-30"] * n, **over)
    parcels["completion_date"] = [None] * n
    return parcels


def test_unbuilt_plot_is_idle_in_screening_and_not_first_developed_in_zengrong(yuecheng):
    """Plot 0: 建筑面积 0 (登记), no completion date, contracted start 2022-06-30.

    By hand on 2024-06-30: screening 供而未用 → 2 full years ≥ 1 → 闲置 (不符合). 增容 三.2
    「首次开发已完成：按土地出让合同约定完成开发建设，并竣工投入使用」 [越政发〔2022〕24号 附件3
    第三条第2项]: nothing built, no completion → 不符合 → 不可申报. Was: 三.2 待核实
    (「首次开发情况未填报」), the plot a 增容 candidate while the screening found it 闲置.
    """
    parcels = _unbuilt()
    survey = bare_survey(parcels)  # a buildings layer over the plot shows none on it
    far = compute_far(parcels, profile=yuecheng, buildings=survey)
    with_far = parcels.assign(buildings_cover=far["buildings_cover"], n_buildings=0)
    idle = check_idle(with_far, profile=yuecheng, as_of=AS_OF).iloc[0]
    assert idle.status is F
    got = check_parcels(zengrong_inputs(yuecheng, parcels, buildings=survey)).iloc[0]
    assert got["cond2"] == F, got["cond2_note"]
    assert "尚未建成" in got["cond2_note"]
    assert got["zengrong"] == NO


def test_unbuilt_plot_with_a_passed_acceptance_is_to_verify(yuecheng):
    """The same plot, applied for with 竣工验收（履约验收） 「已通过」: the document and the
    plot's 建筑面积 0 disagree → 三.2 待核实 naming the floor area, never 符合. Was: 符合."""
    parcels = _unbuilt()
    rows = check_applications(
        pd.DataFrame([application(parcels["parcel_id"].iloc[0])]),
        zengrong_inputs(yuecheng, parcels, buildings=bare_survey(parcels)),
    )
    assert rows["cond2"].iloc[0] == U, rows["cond2_note"].iloc[0]
    assert "建筑面积为 0" in rows["cond2_note"].iloc[0]


def test_built_plot_without_acceptance_stays_to_verify(yuecheng):
    """A built plot (容积率 0.8, 11200 m²) with no completion date and no application: 三.2
    stays 待核实 (no evidence of completion either way); the screening finds it started."""
    parcels = plots(1, mu=21.0, far=0.8, contract_start_date=["2022-06-30"])
    parcels["completion_date"] = [None]
    assert check_idle(parcels, profile=yuecheng, as_of=AS_OF).iloc[0].status is P
    assert check_parcels(zengrong_inputs(yuecheng, parcels))["cond2"].iloc[0] == U


# =============================================================================================
# A tenant's record at the edges of 「存在」 and 「无严重违建」: the screening and 增容 三.1 read
# rectification by the one rule (core.records.judge: 整改完成日期 on or before the reference date
# clears, 「基准日前（含当日）」; status unknown → 待核实, never cleared).


def test_tenant_record_rectified_on_the_reference_day_clears_in_both(yuecheng):
    """Firm 5 (tenant on plot 0, no 宗地代码): 重大 违法建设 of 2024-03-01, 已整改 on 2024-06-30,
    the reference day itself → cleared. By hand: screening 违法违规 符合; 三.1 符合 (「无未整改的
    严重违法建设记录（1 条已于基准日前整改）」). Was: 符合 without the record read at all."""
    parcels = plots(1, mu=21.0)
    records = violation_records([_building(uscc=uscc(5), rectified="已整改", rectified_date=AS_OF)])
    screened, row = _both(yuecheng, parcels, records, _tenant_links(parcels))
    assert screened.status is P, screened.reason
    assert row["cond1"] == P, row["cond1_note"]
    assert "1 条已于基准日前整改" in row["cond1_note"]


def test_tenant_record_of_unknown_rectification_is_to_verify_in_both(yuecheng):
    """The same record with 整改情况 blank: whether it still stands is unknown. By hand:
    screening 违法违规 待核实; 三.1 待核实 naming the missing 整改情况 — never 符合. Was: 三.1
    符合 (the tenant's record was not read)."""
    parcels = plots(1, mu=21.0)
    records = violation_records([_building(uscc=uscc(5), rectified=None)])
    screened, row = _both(yuecheng, parcels, records, _tenant_links(parcels))
    assert screened.status is U, screened.reason
    assert row["cond1"] == U, row["cond1_note"]
    assert "整改" in row["cond1_note"]


# =============================================================================================
# 「未列入近年拆迁计划」 [越政发〔2022〕24号 附件3 第三条第1项]: a plot is in a plan when at least
# overlay.demolition_share (10 %, 「10% 以上（含本数）」, 示例规则（非官方）) of it lies in the
# plan; the screening's 拆迁计划内 and 增容 三.1 share the rule (core.overlay.judge_demolition).


def test_demolition_share_of_exactly_10_percent_in_both_stages(yuecheng):
    """Three 100 m × 140 m plots; a 2023 plan covers the western 10.00 m, 9.99 m and 10.01 m of
    each: 1400 / 14000 = 10.00 %, 1398.6 / 14000 = 9.99 %, 1401.4 / 14000 = 10.01 %.

    By hand (as of 2024-06-30, 2024 − 2023 = 1 ≤ 3 years): 10.00 % ≥ 10 % → 列入 → 不符合 in
    both stages (marked 示例规则); 10.01 % → 不符合; 9.99 % < 10 % → partly in a plan, and the
    10 % is an example: 待核实 in both (never 符合 on the example share)."""
    parcels = parcels_of([rectangle(100.0, 140.0, i) for i in range(3)])
    parcels["floor_area_m2"] = 14000.0 * 0.8
    geoms = [
        shapely.box(X0 + 1000 * i, Y0, X0 + 1000 * i + w, Y0 + 140.0)
        for i, w in enumerate([10.0, 9.99, 10.01])
    ]
    plan = gpd.GeoDataFrame(
        {"plan_name": ["城中村改造"] * 3, "plan_year": [2023] * 3}, geometry=geoms, crs=CRS
    )
    screened = check_demolition(parcels, demolition=plan, profile=yuecheng, as_of=AS_OF)
    assert [v.status for v in screened] == [F, U, F]
    apps = pd.DataFrame([application(p, i) for i, p in enumerate(parcels["parcel_id"])])
    rows = check_applications(apps, zengrong_inputs(yuecheng, parcels, demolition=plan))
    assert rows["cond1"].tolist() == [F, U, F]
    assert "宗地面积占 10%，达到 10%" in rows["cond1_note"].iloc[0]
    assert "9.99%，未达到 10%" in rows["cond1_note"].iloc[1]


# =============================================================================================
# One plot, one 亩: 15.00 亩 at 5.00 万元/亩. The 底数清单 (亩均税收 「5万元以下」, ≤,
# borrowed in 越城区 from 虞政发〔2022〕12号 第三条第（一）项第1目) and the 增容 layer and
# 初审表 (三.1 「原则上大于15亩」, >; 初审表 现状 土地 亩 and 上年度亩均税收
# [越政发〔2022〕24号 附件3.1]) read the same area.


def test_fifteen_mu_at_five_wan_reads_alike_in_the_list_and_the_zengrong_layer(yuecheng):
    """Plot 0: 100 m × 100 m = 10000 m² = 15.00 亩; firm 0 pays 75 万元 → 75 / 15 = 5.00
    万元/亩.

    By hand: 底数清单 亩 15.00, 亩均税收 5.00 ≤ 5 → 低效 (治理); 增容 layer 亩 15.00 (not
    15.0000001), 上年度亩均税收 5.00, 三.1 用地 15.00 亩 not > 15 → 不符合."""
    parcels = parcels_of([rectangle(100.0, 100.0, 0)])
    parcels["floor_area_m2"] = 10000.0 * 0.8
    ents = firms(1, tax_wan=[75.0], land_mu=[15.0])
    got = screen_plots(yuecheng, parcels, ents)
    row = got.parcels.iloc[0]
    assert row["area_mu"] == pytest.approx(15.0, abs=1e-9)
    low = got.checks["low_efficiency"].iloc[0]
    assert low.values["tax_per_mu"] == 5.0 and low.status is F
    assert row["screening_status"] == "治理"
    inputs = dataclasses.replace(
        zengrong_inputs(yuecheng, parcels), enterprises=ents, links=owner_links(parcels)
    )
    layer = check_parcels(inputs).iloc[0]
    assert layer["land_mu"] == pytest.approx(15.0, abs=1e-9)
    assert round(float(layer["tax_per_mu_now_wan"]), 6) == 5.0
    assert layer["cond1"] == F
    assert "15.00 亩不大于 15 亩" in layer["cond1_note"]


# =============================================================================================
# A plot's area set aside. The plausibility step drops the area of a sliver (compactness
# 4πA/P² below plausible.sliver_compactness_min = 0.01: 「面积…不使用，已按缺失处理」); every
# stage then reads the area as missing (units.plot_area_m2): 亩均税收, 容积率, 增容 三.1 and the
# cap are 待核实 — none of them measures the area again from the shape it was set aside for.


def test_sliver_area_set_aside_is_missing_in_every_stage(yuecheng):
    """Plot 0: 2000 m × 5 m = 10000 m² (15.00 亩), perimeter 4010 m → 4π·10000 / 4010² = 0.0078
    < 0.01 → a sliver: its area is not used. Recorded 建筑面积 8000 m², firm 0 pays 30 万元.

    By hand: 亩均税收 = 30 / ? → 待核实; 容积率 = 8000 / ? → 用而未尽 待核实; 增容 三.1 用地面积
    unknown → 待核实 naming 宗地图形; cap 现状容积率 unknown → 待核实. Was: 三.1 不符合
    「用地 15.00 亩不大于 15 亩」, cap 符合 (0.80) and 用而未尽 符合 (0.8) on the area the run
    had said it would not use, beside 亩均税收 待核实.
    """
    parcels = parcels_of([rectangle(2000.0, 5.0, 0)])
    parcels["area_m2"] = parcels.geometry.area
    parcels["floor_area_m2"] = 8000.0
    checked = check_values(parcels, yuecheng, source="宗地图层", as_of=AS_OF)
    parcels = checked.data
    assert pd.isna(parcels["area_m2"].iloc[0])
    assert "不使用，已按缺失处理" in checked.problems.to_string()
    ents = firms(1, tax_wan=[30.0])
    got = screen_plots(yuecheng, parcels, ents)
    assert got.checks["low_efficiency"].iloc[0].status is U
    assert got.checks["under_used"].iloc[0].status is U
    inputs = dataclasses.replace(zengrong_inputs(yuecheng, parcels), enterprises=ents)
    row = check_parcels(inputs).iloc[0]
    assert pd.isna(row["land_mu"]) and pd.isna(row["far"])
    assert row["cond1"] == U and "宗地图形" in row["cond1_note"]
    assert row["cap"] == U
